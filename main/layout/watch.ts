// `decode --watch`: read the object every interval, print one line per member whose value
// changed (time, old → new). Only reads: the segment is opened read-only like `dump`.
import { setTimeout as sleep } from 'node:timers/promises';
import { decode, type CType, type DecodedField } from '../../common/layout';
import { safeJson } from '../format/terminal';
import type { Output } from '../cli/command';
import type { Segment } from '../segments';
import { changeText, clock, fieldKey } from './values';

export interface WatchTarget { segment: Segment; type: CType; offset: number; count: number }

/** What was printed first: the bytes and their decoding (changes are counted from these). */
export interface WatchStart { bytes: Buffer; fields: DecodedField[] }

/** Polls until SIGINT or SIGTERM; resolves to the exit status (0). */
export async function watch(target: WatchTarget, start: WatchStart, intervalMs: number, json: boolean, output: Output): Promise<number> {
  const stop = new AbortController();
  const interrupted = () => stop.abort();
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const length = target.type.size * target.count;
  let { bytes, fields } = start;
  try {
    for (;;) {
      try {
        await sleep(intervalMs, undefined, { signal: stop.signal });
      } catch {
        return 0; // aborted: the user stopped watching
      }
      const now = target.segment.read(target.offset, length);
      if (now.equals(bytes)) continue;
      const time = new Date();
      const next = decode(target.type, now, { count: target.count, baseOffset: target.offset });
      const lines: string[] = [];
      next.forEach((field, i) => {
        const before = fields[i]!;
        if (fieldKey(before) === fieldKey(field)) return;
        lines.push(json
          ? safeJson({ time: time.toISOString(), clock: clock(time), path: field.path, offset: field.offset, type: field.type, old: before.value, new: field.value, ...(field.bytes === undefined ? {} : { oldBytes: before.bytes, newBytes: field.bytes }) })
          : changeText(time, before, field));
      });
      bytes = now;
      fields = next;
      if (lines.length > 0) await output.out(`${lines.join('\n')}\n`);
    }
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}
