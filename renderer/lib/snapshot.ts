// The hex tab's snapshot tools, kept in the renderer: a whole-segment copy read through the
// contract in MAX_RANGE chunks (capped, so a huge segment cannot exhaust the page), a count of
// bytes that differ, and the bytes of an imported file (raw, or the data part of a shmscope
// snapshot file checked with the same rules as the CLI: common/snapshot-header.ts).
import { checkHeader, isSnapshot, MAGIC, MAX_HEADER_BYTES } from '../../common/snapshot-header';
import type { ByteSource } from './source';

/** The largest segment a snapshot, an export or an import holds in the page. */
export const SNAPSHOT_CAP = 64 * 1024 * 1024;

/** The largest file Import reads: a capped segment's bytes plus a snapshot header. */
export const MAX_IMPORT_FILE = SNAPSHOT_CAP + MAGIC.length + MAX_HEADER_BYTES;

export function tooLarge(size: number, cap = SNAPSHOT_CAP): string | null {
  return size > cap ? `The segment is ${size} bytes; snapshots in the app hold at most ${cap} bytes (use "shmscope snap").` : null;
}

/** The whole segment, read in chunks of at most `maxRead` bytes. */
export async function readWhole(source: ByteSource, size: number, maxRead: number, cap = SNAPSHOT_CAP): Promise<Uint8Array> {
  const refusal = tooLarge(size, cap);
  if (refusal !== null) throw new Error(refusal);
  const out = new Uint8Array(size);
  let at = 0;
  while (at < size) {
    const chunk = await source.read(at, Math.min(maxRead, size - at));
    // The segment shrank under us: what is left is what there is.
    if (chunk.length === 0) return out.slice(0, at);
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Bytes at the same offset that differ, plus bytes only one side has. */
export function countDiffs(a: Uint8Array, b: Uint8Array): number {
  const common = Math.min(a.length, b.length);
  let n = Math.abs(a.length - b.length);
  for (let i = 0; i < common; i++) if (a[i] !== b[i]) n++;
  return n;
}

export interface Imported {
  data: Uint8Array;
  /** The snapshot's segment ref when the file was a shmscope snapshot; null for raw bytes. */
  from: string | null;
}

/** A file's bytes to write: all of a raw file, or a snapshot's checked data part. Throws with the reason. */
export async function importedBytes(file: Uint8Array): Promise<Imported> {
  if (!isSnapshot(file)) return { data: file, from: null };
  const { header, dataOffset } = checkHeader(file.subarray(0, MAGIC.length + MAX_HEADER_BYTES), file.length);
  const data = file.slice(dataOffset);
  // The same last check as the CLI: the data is what the header says was read.
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  if (hex !== header.sha256) throw new Error('not a valid shmscope snapshot: the data\'s SHA-256 does not match the metadata');
  return { data, from: header.ref };
}

/** Writes `data` at offset 0 through a view of its own, reopened read-write only for this. */
export async function writeWhole(source: ByteSource, data: Uint8Array, maxRead: number): Promise<void> {
  let failure: unknown = null;
  const view = source.view(0, Math.min(1, data.length), () => {}, (error) => { failure = error; });
  try {
    await view.setWritable(true);
    for (let at = 0; at < data.length; at += maxRead) {
      if (failure !== null) throw failure;
      await view.write(at, data.subarray(at, Math.min(data.length, at + maxRead)));
    }
  } finally {
    view.close();
  }
}

/** Offers bytes as a download (a Blob URL on an <a download>: no contract call, nothing in the CSP). */
export function download(data: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([data as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // The click starts the download synchronously from the URL; revoking later frees the memory.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A file name from a segment ref ("posix:/x" → "posix-x.bin"). */
export function fileNameFor(ref: string): string {
  return `${ref.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'segment'}.bin`;
}
