// The sandboxed preload: exposes the contract's named methods and on<Event> listeners as
// window.shmscope, and nothing else (never ipcRenderer itself). Bundled by
// scripts/build.mjs into one CommonJS file, because sandboxed preloads cannot load ESM
// or node_modules.
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from './bridge';
import { ipcTransport } from './ipc-transport';

contextBridge.exposeInMainWorld('shmscope', buildApi(ipcTransport(ipcRenderer)));
