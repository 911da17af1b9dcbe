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
  { name: 'ls', summary: 'list every segment (System V, POSIX, memfd, shared anonymous) with its attachers', load: async () => (await import('./ls')).ls },
  { name: 'show', summary: 'every field of one segment, with the processes that map it', load: async () => (await import('./show')).show },
  { name: 'dump', summary: 'print a segment\'s bytes exactly as hexdump -C would', load: async () => (await import('./dump')).dump },
  { name: 'layout', summary: 'the layout of C declarations (offsets, sizes, holes), as gcc lays them out', load: async () => (await import('./layout')).layout },
  { name: 'decode', summary: 'a segment\'s bytes decoded as a C type; --watch prints each change', load: async () => (await import('./decode')).decode },
  { name: 'write', summary: 'write text or bytes into a segment at an offset', load: async () => (await import('./write')).write },
  { name: 'snap', summary: 'save a segment\'s bytes and metadata to a snapshot file', load: async () => (await import('./snap')).snap },
  { name: 'diff', summary: 'changed ranges between segments, snapshots or files (exit 1 when they differ)', load: async () => (await import('./diff')).diff },
  { name: 'load', summary: 'write a snapshot\'s (or a file\'s) bytes back into a segment', load: async () => (await import('./load')).load },
  { name: 'create', summary: 'create a System V or POSIX segment and print its reference', load: async () => (await import('./create')).create },
  { name: 'rm', summary: 'remove a segment (IPC_RMID or shm_unlink)', load: async () => (await import('./rm')).rm },
  { name: 'limits', summary: 'system-wide shared memory limits and current use (like lsipc -g)', load: async () => (await import('./limits')).limits },
  { name: 'sem', summary: 'POSIX and System V semaphores with their values, read without changing them', load: async () => (await import('./sem')).sem },
  { name: 'ps', summary: 'every segment a process maps or holds, and who else shares each', load: async () => (await import('./ps')).ps },
  { name: 'chat', summary: 'chat through a shared memory room (or the textbook key-1234 layout)', load: async () => (await import('./chat')).chat },
  { name: 'serve', summary: 'the app\'s UI in your browser (local web mode, 127.0.0.1 only)', longRunning: true, load: async () => (await import('./serve')).serve },
];
