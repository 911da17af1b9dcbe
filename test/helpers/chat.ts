// Helpers for chat channel tests: unique rooms (removed afterwards) and chat-peer.cjs children.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { type NativeChannel, native } from '../../main/native';

const peerScript = fileURLToPath(new URL('../fixtures/chat-peer.cjs', import.meta.url));

/** A room name and key no other test uses; keys stay in the tests' 0x5c block. */
export function uniqueRoom(tag: string): { name: string; key: number } {
  const name = `t-${tag}-${process.pid}-${randomBytes(3).toString('hex')}`;
  return { name, key: (0x5c000000 | randomBytes(3).readUIntBE(0, 3)) >>> 0 };
}

const opened: NativeChannel[] = [];
const shmids = new Set<number>();

/** Opens (creating) a channel that cleanupChannels() closes and removes. */
export function openChannel(room: { name: string; key: number }, extra: { ringBytes?: number; create?: boolean } = {}): NativeChannel {
  const ch = new (native().Channel)({ name: room.name, key: room.key, ...extra });
  opened.push(ch);
  shmids.add(ch.info().shmid);
  return ch;
}

export function cleanupChannels(): void {
  for (const ch of opened.splice(0)) ch.close();
  for (const shmid of shmids) {
    try { native().sysvRemove(shmid); } catch { /* already gone */ }
  }
  shmids.clear();
}

/** Checks a "nick|i|body|digest" text written by chat-peer.cjs. */
export function intactText(text: string): boolean {
  const parts = text.split('|');
  if (parts.length !== 4) return false;
  const digest = createHash('sha1').update(`${parts[0]}|${parts[1]}|${parts[2]}`).digest('hex').slice(0, 12);
  return digest === parts[3];
}

export interface Peer {
  child: ChildProcess;
  lines: string[];
  stderr(): string;
  /** Resolves with the first stdout line matching, rejects on exit or timeout. */
  waitFor(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  waitStderr(text: string, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => { for (const child of running) child.kill('SIGKILL'); });

export function spawnPeer(options: Record<string, unknown>): Peer {
  const child = spawn(process.execPath, [peerScript, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  const lines: string[] = [];
  let err = '';
  let partial = '';
  const listeners = new Set<() => void>();
  // 'close', not 'exit': only then has all of the child's stdout been read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => {
    running.delete(child);
    for (const l of listeners) l();
    resolve(code);
  }));
  child.stdout!.on('data', (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); for (const l of listeners) l(); });
  const until = (test: () => boolean, what: string, timeoutMs: number) => new Promise<void>((resolve, reject) => {
    const check = () => {
      if (test()) { done(); resolve(); return; }
      if (child.exitCode !== null || child.signalCode !== null) { done(); reject(new Error(`peer exited before ${what}: ${err.trim()}`)); }
    };
    const timer = setTimeout(() => { done(); reject(new Error(`timed out waiting for ${what}: ${err.trim()}`)); }, timeoutMs);
    const done = () => { clearTimeout(timer); listeners.delete(check); };
    listeners.add(check);
    check();
  });
  return {
    child,
    lines,
    stderr: () => err,
    async waitFor(match, timeoutMs = 10_000) {
      await until(() => lines.some(match), 'a matching line', timeoutMs);
      return lines.find(match)!;
    },
    waitStderr: (text, timeoutMs = 10_000) => until(() => err.includes(text), JSON.stringify(text), timeoutMs),
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
