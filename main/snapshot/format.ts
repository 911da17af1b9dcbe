// The snapshot file format (docs/snapshot-format.md): a magic line, one line of JSON metadata, then
// the segment's bytes. Files come from anywhere (shmscope may run as root on a file another user
// wrote), so parsing checks every field and every size before anything is read or written.
import { ShmscopeError } from '../errors';
import { checkHeader, MAGIC, SnapshotHeaderError, type SnapshotHeader } from '../../common/snapshot-header';

// The checks live in common/ (no Node) so the renderer's Import applies the very same ones.
export { MAGIC, MAGIC_PREFIX, MAX_HEADER_BYTES, type SnapshotHeader, type SnapshotKind } from '../../common/snapshot-header';

/** The magic and metadata lines that precede the data. */
export function encodeHeader(header: SnapshotHeader): Buffer {
  const { ref, kind, key, name, size, time, shmscope, sha256 } = header;
  // JSON.stringify escapes every control character, so the line holds no raw newline.
  return Buffer.from(`${MAGIC}${JSON.stringify({ ref, kind, key, name, size, time, shmscope, sha256 })}\n`, 'utf8');
}

/** The data's offset and length once the header checked out. */
export interface ParsedHeader {
  header: SnapshotHeader;
  dataOffset: number;
}

/**
 * Parses the start of a snapshot file (`head`: its first bytes, at most MAGIC.length +
 * MAX_HEADER_BYTES of them) and checks it against the file's size. `file` names it in errors.
 */
export function parseHeader(file: string, head: Buffer, fileSize: number): ParsedHeader {
  try {
    return checkHeader(head, fileSize);
  } catch (error) {
    if (error instanceof SnapshotHeaderError) throw new ShmscopeError(file, error.message, error.code);
    throw error;
  }
}
