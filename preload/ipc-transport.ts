// The Electron side of the bridge: a Transport over ipcRenderer. Kept apart from
// preload/index.ts (which imports 'electron') so tests can drive it with a fake.
import { ipcChannel, type Reply } from '../common/contract';
import type { Transport } from '../common/bridge';

/** The part of Electron's ipcRenderer this uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

export function ipcTransport(ipc: IpcRendererLike): Transport {
  return {
    async call(method, args) {
      // Handlers in main always resolve with a Reply (errors included), so codes survive IPC.
      return (await ipc.invoke(ipcChannel.method(method), ...args)) as Reply;
    },
    subscribe(event, listener) {
      const channel = ipcChannel.event(event);
      // Drop the IpcRendererEvent: it carries the sender and must not reach the page.
      const wrapped = (_event: unknown, payload: unknown): void => listener(payload);
      ipc.on(channel, wrapped);
      return () => { ipc.removeListener(channel, wrapped); };
    },
  };
}
