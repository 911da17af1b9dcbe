// Registers one ipcMain handler per contract method (from the list, so none can be missed)
// and keeps one service client per window's webContents. Every call is checked: it must
// come from the top frame of one of our windows showing app://shmscope/, otherwise it is
// refused with EPERM and never reaches the service.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { Client, Service } from '../service';
import { ipcChannel, methodNames, type EventName, type EventPayload, type Reply } from '../../common/contract';
import { isAppUrl } from './protocol';

export interface IpcRegistration {
  /** Sends a contract event to one window, if it is still alive. */
  send<E extends EventName>(contents: WebContents, event: E, payload: EventPayload<E>): void;
  /** Drops every handler and disposes every client. */
  dispose(): Promise<void>;
}

/** True when the call comes from our own page in the top frame. */
export function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame) return false; // The frame navigated away or was destroyed meanwhile.
  if (frame.parent !== null) return false; // No subframes: the app has none.
  return isAppUrl(frame.url) && frame === event.sender.mainFrame;
}

export function registerIpc(service: Service): IpcRegistration {
  const clients = new Map<WebContents, Client>();

  const send = <E extends EventName>(contents: WebContents, event: E, payload: EventPayload<E>): void => {
    if (!contents.isDestroyed()) contents.send(ipcChannel.event(event), payload);
  };

  const release = (contents: WebContents): void => {
    const client = clients.get(contents);
    clients.delete(contents);
    void client?.dispose();
  };

  const watched = new WeakSet<WebContents>();
  const clientFor = (contents: WebContents): Client => {
    let client = clients.get(contents);
    if (!client) {
      client = service.connect((event, payload) => send(contents, event, payload));
      clients.set(contents, client);
    }
    if (!watched.has(contents)) {
      watched.add(contents);
      // Closing the window, a reload or a crash leaves its rooms and detaches its segments;
      // a reloaded page starts with a fresh client on its first call.
      contents.once('destroyed', () => release(contents));
      contents.on('render-process-gone', () => release(contents));
      contents.on('did-start-navigation', (details) => {
        if (details.isMainFrame && !details.isSameDocument) release(contents);
      });
    }
    return client;
  };

  for (const name of methodNames) {
    ipcMain.handle(ipcChannel.method(name), async (event, ...args: unknown[]): Promise<Reply> => {
      if (!trustedSender(event)) {
        return { ok: false, error: { message: `${name}: refused, the caller is not a shmscope window`, code: 'EPERM' } };
      }
      return clientFor(event.sender).call(name, args);
    });
  }

  return {
    send,
    async dispose() {
      for (const name of methodNames) ipcMain.removeHandler(ipcChannel.method(name));
      const all = [...clients.values()];
      clients.clear();
      await Promise.all(all.map((c) => c.dispose()));
    },
  };
}
