// The page's search before searchSegment, kept to be measured beside it: pull the segment through
// the transport in 1 MiB readRange chunks (base64 JSON over the web mode's WebSocket) and scan
// each in JavaScript, chunks overlapping by pattern length - 1.
import { MAX_RANGE } from '../../common/contract';

type Read = (offset: number, length: number) => Promise<Uint8Array>;

function indexOfBytes(haystack: Uint8Array, pattern: Uint8Array): number {
  const first = pattern[0]!;
  const last = haystack.length - pattern.length;
  for (let i = haystack.indexOf(first); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < pattern.length && haystack[i + j] === pattern[j]) j++;
    if (j === pattern.length) return i;
  }
  return -1;
}

/** First match in [0, size), as the old page searched from the start. */
export async function oldSearch(read: Read, size: number, pattern: Uint8Array): Promise<number> {
  const chunk = MAX_RANGE - pattern.length + 1;
  for (let pos = 0; pos < size; pos += chunk) {
    const bytes = await read(pos, Math.min(size - pos, chunk + pattern.length - 1));
    const hit = indexOfBytes(bytes, pattern);
    if (hit !== -1) return pos + hit;
  }
  return -1;
}
