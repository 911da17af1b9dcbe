// Stand-in for the 'electron' module in tests (vitest.config.ts aliases it here): loading
// the real package starts a binary download. It records what main/electron does (windows
// and their options, IPC handlers, protocol handlers, the menu, permission handlers) and
// lets tests act as a renderer: `ipcRenderer.attach(contents)` routes invoke() to the
// registered ipcMain handlers with that window's frame as the sender.
import { EventEmitter } from 'node:events';
import { createContext, runInContext, type Context } from 'node:vm';

export class FakeEvent {
  defaultPrevented = false;
  constructor(readonly url = '') {}
  preventDefault(): void { this.defaultPrevented = true; }
}

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

let nextId = 1;

export class WebContents extends EventEmitter {
  readonly id = nextId++;
  readonly sent: [channel: string, payload: unknown][] = [];
  mainFrame: FakeFrame = { url: '', parent: null };
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  #destroyed = false;

  send(channel: string, payload: unknown): void {
    if (this.#destroyed) throw new Error('send on a destroyed webContents');
    this.sent.push([channel, payload]);
    this.emit('fake:ipc', channel, payload);
  }

  isDestroyed(): boolean { return this.#destroyed; }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void { this.windowOpenHandler = handler; }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.emit('destroyed');
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly all: BrowserWindow[] = [];
  static focused: BrowserWindow | null = null;
  readonly webContents = new WebContents();
  loadedUrl = '';
  shown = false;

  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.all.push(this);
    BrowserWindow.focused = this;
    app.emit('web-contents-created', new FakeEvent(), this.webContents);
  }

  static getAllWindows(): BrowserWindow[] { return BrowserWindow.all.filter((w) => !w.webContents.isDestroyed()); }
  static getFocusedWindow(): BrowserWindow | null { return BrowserWindow.focused; }

  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false, url });
    this.webContents.mainFrame = { url, parent: null };
    this.emit('ready-to-show');
  }

  show(): void { this.shown = true; }

  close(): void {
    this.webContents.destroy();
    this.emit('closed');
    if (BrowserWindow.focused === this) BrowserWindow.focused = null;
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  quitCalls = 0;
  exitCode: number | undefined;
  whenReady(): Promise<void> { return Promise.resolve(); }
  quit(): void { this.quitCalls++; }
  exit(code = 0): void { this.exitCode = code; }
  getVersion(): string { return '0.0.0-fake'; }
}

export const app = new FakeApp();

type Handler = (event: unknown, ...args: unknown[]) => unknown;

export const ipcMain = {
  handlers: new Map<string, Handler>(),
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  },
  removeHandler(channel: string): void { this.handlers.delete(channel); },
  /** Calls a handler as if `frame` of `sender` had invoked it. */
  async invokeAs(sender: WebContents, frame: FakeFrame | null, channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler({ sender, senderFrame: frame }, ...args);
  },
};

type ProtocolHandler = (request: { url: string }) => Promise<Response> | Response;

export const protocol = {
  privileged: [] as { scheme: string; privileges: Record<string, boolean> }[],
  handlers: new Map<string, ProtocolHandler>(),
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void { this.privileged.push(...schemes); },
  handle(scheme: string, handler: ProtocolHandler): void { this.handlers.set(scheme, handler); },
};

export interface FakeMenuItem {
  label?: string;
  role?: string;
  type?: string;
  accelerator?: string;
  click?: () => void;
  submenu?: FakeMenuItem[];
}

export const Menu = {
  current: null as { template: FakeMenuItem[] } | null,
  buildFromTemplate(template: FakeMenuItem[]): { template: FakeMenuItem[] } { return { template }; },
  setApplicationMenu(menu: { template: FakeMenuItem[] } | null): void { this.current = menu; },
};

export const session = {
  defaultSession: {
    permissionRequest: undefined as ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined,
    permissionCheck: undefined as ((...args: unknown[]) => boolean) | undefined,
    setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void {
      this.permissionRequest = handler;
    },
    setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void { this.permissionCheck = handler; },
  },
};

/** The page's world is a separate vm context, and executeInMainWorld gets only the function's
 *  source text, as in Electron: a function that relies on closures or imports fails here too. */
export const contextBridge = {
  exposed: new Map<string, unknown>(),
  mainWorld: createContext({}) as Context & Record<string, unknown>,
  exposeInMainWorld(key: string, api: unknown): void {
    this.exposed.set(key, api);
    this.mainWorld[key] = api;
  },
  executeInMainWorld(script: { func: (...args: never[]) => unknown; args?: unknown[] }): unknown {
    const func = runInContext(`(${script.func.toString()})`, this.mainWorld) as (...args: unknown[]) => unknown;
    // Arguments cross by copy, like the real bridge.
    return func(...structuredClone(script.args ?? []));
  },
};

type RendererListener = (event: unknown, payload: unknown) => void;

/** A renderer's ipcRenderer, bound to one window with attach(). */
export const ipcRenderer = {
  contents: null as WebContents | null,
  listeners: new Map<string, Set<RendererListener>>(),
  attach(contents: WebContents): void {
    this.contents = contents;
    contents.on('fake:ipc', (channel: string, payload: unknown) => {
      for (const listener of this.listeners.get(channel) ?? []) listener({ senderId: 0 }, payload);
    });
  },
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    const contents = this.contents;
    if (!contents) throw new Error('ipcRenderer.attach(contents) first');
    return ipcMain.invokeAs(contents, contents.mainFrame, channel, ...args);
  },
  on(channel: string, listener: RendererListener): void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
  },
  removeListener(channel: string, listener: RendererListener): void { this.listeners.get(channel)?.delete(listener); },
};

/** Forgets everything recorded, between tests. */
export function resetFakeElectron(): void {
  app.removeAllListeners();
  app.isPackaged = false;
  app.quitCalls = 0;
  app.exitCode = undefined;
  BrowserWindow.all.length = 0;
  BrowserWindow.focused = null;
  ipcMain.handlers.clear();
  protocol.privileged.length = 0;
  protocol.handlers.clear();
  Menu.current = null;
  session.defaultSession.permissionRequest = undefined;
  session.defaultSession.permissionCheck = undefined;
  contextBridge.exposed.clear();
  contextBridge.mainWorld = createContext({}) as Context & Record<string, unknown>;
  ipcRenderer.contents = null;
  ipcRenderer.listeners.clear();
}

export default { app, BrowserWindow, ipcMain, protocol, Menu, session, contextBridge, ipcRenderer };
