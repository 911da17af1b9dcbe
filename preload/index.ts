// The sandboxed preload: gives the page window.shmscope — the contract's named methods and
// on<Event> listeners, nothing else (never ipcRenderer). Bundled by scripts/build.mjs into
// one CommonJS file, because sandboxed preloads cannot load ESM or node_modules.
//
// Two steps, because Errors lose their `code` crossing the contextBridge: expose methods
// that resolve with Reply envelopes as `shmscopeBridge`, then build window.shmscope from
// them inside the page's world (preload/main-world.ts), where thrown Errors keep `code`.
import { contextBridge, ipcRenderer } from 'electron';
import { eventNames, listenerName, methodNames } from '../common/contract';
import { buildRawApi } from '../common/bridge';
import { ipcTransport } from './ipc-transport';
import { installApi } from './main-world';

export const BRIDGE_KEY = 'shmscopeBridge';
export const API_KEY = 'shmscope';

contextBridge.exposeInMainWorld(BRIDGE_KEY, buildRawApi(ipcTransport(ipcRenderer)));
contextBridge.executeInMainWorld({
  func: installApi,
  args: [BRIDGE_KEY, API_KEY, [...methodNames], eventNames.map(listenerName)],
});
