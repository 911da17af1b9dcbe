// The snapshot file header's checks (docs/snapshot-format.md), free of Node so the renderer's
// "Import" and main/snapshot/format.ts share one implementation. Files come from anywhere (and
// shmscope may run as root), so every field and size is checked before any data byte is used.

/** The first line; the number after the slash is the format version. */
export const MAGIC = 'shmscope-snapshot/1\n';
/** What every version's magic starts with: a file starting so is a snapshot, never raw bytes. */
export const MAGIC_PREFIX = 'shmscope-snapshot/';
export type SnapshotKind = 'sysv' | 'posix' | 'memfd' | 'shared-anon';
/** The refs each kind of segment may have been taken from. */
const REFS_OF_KIND: Record<SnapshotKind, RegExp> = {
  sysv: /^(sysv:[0-9]+$|ipcns:)/,
  posix: /^(posix:|posix-deleted:)/,
  memfd: /^memfd:/,
  'shared-anon': /^anon:/,
};
const KINDS = Object.keys(REFS_OF_KIND);

/** The metadata line, newline included, is at most this long. */
export const MAX_HEADER_BYTES = 64 * 1024;

export interface SnapshotHeader {
  /** The segment it was taken from, canonical: sysv:ID, posix:NAME, or a ref of an unnamed kind
   *  (memfd:, anon:, posix-deleted:, ipcns:). */
  ref: string;
  kind: SnapshotKind;
  /** System V key as 0x%08x (0x00000000 for IPC_PRIVATE); null for POSIX. */
  key: string | null;
  /** POSIX name as shmscope spells it ("/" + escaped bytes); null for System V. */
  name: string | null;
  /** Bytes of data that follow the header: the segment's size when taken. */
  size: number;
  /** When the bytes were read, ISO 8601 UTC. */
  time: string;
  /** The shmscope version that wrote the file. */
  shmscope: string;
  /** SHA-256 of the data, lowercase hex. */
  sha256: string;
}

/** Why a file is not a valid snapshot; `code` is the errno-style code the CLI reports. */
export class SnapshotHeaderError extends Error {
  constructor(readonly why: string, readonly code: string = 'EINVAL') {
    super(`not a valid shmscope snapshot: ${why}`);
  }
}

const latin1 = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

/** Whether the bytes start like a snapshot file (any version): never to be taken as raw bytes. */
export function isSnapshot(head: Uint8Array): boolean {
  return head.length >= MAGIC_PREFIX.length && latin1(head.subarray(0, MAGIC_PREFIX.length)) === MAGIC_PREFIX;
}

/**
 * Checks the start of a snapshot file (`head`: its first bytes, at most MAGIC.length +
 * MAX_HEADER_BYTES of them) against the file's size; throws SnapshotHeaderError.
 */
export function checkHeader(head: Uint8Array, fileSize: number): { header: SnapshotHeader; dataOffset: number } {
  const bad = (why: string, code = 'EINVAL'): SnapshotHeaderError => new SnapshotHeaderError(why, code);
  if (latin1(head.subarray(0, MAGIC.length)) !== MAGIC) {
    const firstLine = latin1(head.subarray(0, MAGIC_PREFIX.length + 16));
    const version = /^shmscope-snapshot\/([^\n]*)\n/.exec(firstLine)?.[1];
    if (version !== undefined) throw bad(`format version "${version}" is not one this shmscope reads (it reads 1)`, 'ENOTSUP');
    if (head.length === fileSize && !firstLine.includes('\n')) throw bad('the file ends inside its first line', 'ETRUNCATED');
    throw bad('the first line is not "shmscope-snapshot/1"');
  }
  const newline = head.indexOf(0x0a, MAGIC.length);
  if (newline < 0 || newline + 1 - MAGIC.length > MAX_HEADER_BYTES) {
    throw newline < 0 && head.length === fileSize
      ? bad('the file ends inside its metadata line', 'ETRUNCATED')
      : bad(`the metadata line is longer than ${MAX_HEADER_BYTES} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(MAGIC.length, newline)));
  } catch {
    throw bad('the metadata line is not JSON in UTF-8');
  }
  const header = checkFields(parsed, bad);
  const dataOffset = newline + 1;
  const expected = dataOffset + header.size;
  if (!Number.isSafeInteger(expected)) throw bad(`size ${header.size} is too large`);
  if (fileSize < expected) throw bad(`the metadata says ${header.size} bytes of data, the file holds ${fileSize - dataOffset}`, 'ETRUNCATED');
  if (fileSize > expected) throw bad(`${fileSize - expected} bytes follow the ${header.size} bytes of data the metadata announces`);
  return { header, dataOffset };
}

const MAX_TEXT = 4096;

function checkFields(value: unknown, bad: (why: string) => SnapshotHeaderError): SnapshotHeader {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('the metadata line is not a JSON object');
  const fields = value as Record<string, unknown>;
  const text = (name: string, pattern?: RegExp): string => {
    const field = fields[name];
    if (typeof field !== 'string' || field.length > MAX_TEXT || (pattern !== undefined && !pattern.test(field))) {
      throw bad(`metadata field "${name}" is missing or malformed`);
    }
    return field;
  };
  const kind = fields.kind;
  if (typeof kind !== 'string' || !KINDS.includes(kind)) throw bad(`metadata field "kind" is none of ${KINDS.join(', ')}`);
  // Only plain sysv:ID and posix:NAME refs carry a key or a name; the unnamed kinds carry neither.
  const ref = text('ref', REFS_OF_KIND[kind as SnapshotKind]);
  const keyed = /^sysv:[0-9]+$/.test(ref);
  const named = ref.startsWith('posix:');
  const size = fields.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw bad('metadata field "size" is not a byte count');
  const time = text('time');
  if (Number.isNaN(Date.parse(time))) throw bad('metadata field "time" is not a date');
  const nullField = (name: string): null => {
    if (fields[name] !== null) throw bad(`metadata field "${name}" must be null for this kind of segment`);
    return null;
  };
  return {
    ref,
    kind: kind as SnapshotKind,
    key: keyed ? text('key', /^0x[0-9a-f]{8}$/) : nullField('key'),
    name: named ? text('name', /^\//) : nullField('name'),
    size,
    time,
    shmscope: text('shmscope'),
    sha256: text('sha256', /^[0-9a-f]{64}$/),
  };
}
