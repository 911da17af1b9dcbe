// The command table: `shmscope --help` lists them in this order. Each command's module is loaded
// only when that command runs, so `shmscope ls` never loads the web server, WebSocket or chat
// code (the bundle wraps each module in a lazy initialiser; see bench/scan.ts for the start-up).
import type { Command } from '../command';

export interface CommandEntry {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Runs until stopped (serve): scans often, so the /proc walk gets its worker thread. */
  longRunning?: true;
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  { name: 'ls', summary: 'list every System V and POSIX segment with its attachers', load: async () => (await import('./ls')).ls },
  { name: 'show', summary: 'every field of one segment, with the processes that map it', load: async () => (await import('./show')).show },
  { name: 'dump', summary: 'print a segment\'s bytes exactly as hexdump -C would', load: async () => (await import('./dump')).dump },
  { name: 'write', summary: 'write text or bytes into a segment at an offset', load: async () => (await import('./write')).write },
  { name: 'create', summary: 'create a System V or POSIX segment and print its reference', load: async () => (await import('./create')).create },
  { name: 'rm', summary: 'remove a segment (IPC_RMID or shm_unlink)', load: async () => (await import('./rm')).rm },
  { name: 'limits', summary: 'system-wide shared memory limits and current use (like lsipc -g)', load: async () => (await import('./limits')).limits },
  { name: 'chat', summary: 'chat through a shared memory room (or the textbook key-1234 layout)', load: async () => (await import('./chat')).chat },
  { name: 'serve', summary: 'the app\'s UI in your browser (local web mode, 127.0.0.1 only)', longRunning: true, load: async () => (await import('./serve')).serve },
];
