// The thread that reads /proc/PID/maps (entry point of out/main/maps-worker.js; see maps-thread.ts).
// A maps read can block in the kernel for as long as another process holds its memory lock; here
// it blocks this thread, not the one that serves the UI or the CLI. Before each read it publishes
// the pid and a progress count in shared memory, so the waiting thread can tell which one hangs.
import { type MessagePort, workerData } from 'node:worker_threads';
import { walkMaps, type MapsTargets } from './maps.ts';

export interface WalkRequest {
  id: number;
  targets: MapsTargets;
  skip: number[];
  mapsPaths: [number, string][];
}

/** Slots of the shared Int32Array. */
export const DONE = 0; // id of the last request answered
export const PROGRESS = 1; // bumped before every read
export const CURRENT_PID = 2; // pid being read
export const READING = 3; // 1 while a read is in the kernel, 0 between reads
export const SLOTS = 4;

interface Setup { port: MessagePort; state: Int32Array }

const setup = workerData as Setup | null;
if (setup !== null && typeof setup === 'object' && 'port' in setup) {
  const { port, state } = setup;
  port.on('message', (request: WalkRequest) => {
    const scan = walkMaps(request.targets, {
      skip: new Set(request.skip),
      mapsPaths: new Map(request.mapsPaths),
      beforeRead(pid) {
        Atomics.store(state, CURRENT_PID, pid);
        Atomics.store(state, READING, 1);
        Atomics.add(state, PROGRESS, 1);
      },
      afterRead() {
        Atomics.store(state, READING, 0);
        Atomics.add(state, PROGRESS, 1);
      },
    });
    port.postMessage({ id: request.id, scan });
    Atomics.store(state, DONE, request.id);
    Atomics.notify(state, DONE);
  });
}
