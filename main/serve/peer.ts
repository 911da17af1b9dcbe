// Which local user is on the other end of a loopback TCP connection. The kernel lists every
// TCP socket in /proc/net/tcp (and tcp6, where an IPv6 socket connected to 127.0.0.1 shows
// as ::ffff:127.0.0.1) with its owner's uid and its inode. The peer's socket is the row whose
// local end is our remote end and whose remote end is our local end. A row with inode 0 has
// no socket behind it any more (closed, TIME_WAIT) and its uid column is then meaningless
// (it reads 0 on many kernels): such a peer is unknown, and unknown is refused.
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';

export interface Endpoint {
  address: string;
  port: number;
}

interface Row {
  local: Endpoint;
  remote: Endpoint;
  uid: number;
  inode: number;
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** The kernel prints each 32-bit word of an address as a host-order number. */
function words(hex: string): Buffer {
  const bytes = Buffer.from(hex, 'hex');
  if (LITTLE_ENDIAN) for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  return bytes;
}

/** Dotted IPv4 for IPv4 and IPv4-mapped IPv6 addresses; other IPv6 addresses as hex groups. */
function decodeAddress(hex: string): string {
  const b = words(hex);
  if (b.length === 4) return [...b].join('.');
  const mapped = b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (mapped) return [...b.subarray(12)].join('.');
  return Array.from({ length: 8 }, (_, i) => b.readUInt16BE(i * 2).toString(16)).join(':');
}

function decodeEndpoint(text: string): Endpoint | undefined {
  const [hex, port] = text.split(':');
  if (!hex || !port || !/^(?:[0-9A-F]{8}|[0-9A-F]{32})$/i.test(hex)) return undefined;
  return { address: decodeAddress(hex), port: Number.parseInt(port, 16) };
}

/** Rows of /proc/net/tcp or tcp6 (header skipped, malformed lines ignored). */
export function parseProcNetTcp(text: string): Row[] {
  const rows: Row[] = [];
  for (const line of text.split('\n').slice(1)) {
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode …
    const f = line.trim().split(/\s+/);
    const local = decodeEndpoint(f[1] ?? '');
    const remote = decodeEndpoint(f[2] ?? '');
    const uid = Number(f[7]);
    const inode = Number(f[9]);
    if (local && remote && Number.isInteger(uid) && Number.isInteger(inode)) rows.push({ local, remote, uid, inode });
  }
  return rows;
}

const same = (a: Endpoint, b: Endpoint): boolean => a.address === b.address && a.port === b.port;

function readTable(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return ''; // no IPv6 in this kernel: no tcp6 table
  }
}

/**
 * The uid owning the socket at `peer` that is connected to `local` (our end), or undefined
 * when no live socket matches. `local`/`peer` are as our accepted socket sees them.
 */
export function peerUid(local: Endpoint, peer: Endpoint, tables = ['/proc/net/tcp', '/proc/net/tcp6']): number | undefined {
  for (const path of tables) {
    for (const row of parseProcNetTcp(readTable(path))) {
      if (row.inode !== 0 && same(row.local, peer) && same(row.remote, local)) return row.uid;
    }
  }
  return undefined;
}
