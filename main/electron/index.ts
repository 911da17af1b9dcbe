// Electron main: the app's lifecycle, wiring the plain-Node service to windows. Bundled to
// out/main/electron.js (package.json "main"). The native addon is loaded lazily by the
// service, in this process only; renderers never see it.
import { app, BrowserWindow } from 'electron';
import { createService } from '../service';
import { defaultChat } from '../service/chat-backend';
import { registerIpc } from './ipc';
import { installMenu } from './menu';
import { preloadPath, rendererDir } from './paths';
import { handleAppProtocol, registerScheme } from './protocol';
import { installSecurity } from './security';
import { createWindow } from './window';

// Before ready: app:// must be a privileged (standard, secure) scheme.
registerScheme();

export async function main(): Promise<void> {
  await app.whenReady();
  installSecurity();
  handleAppProtocol(rendererDir);
  const chat = await defaultChat();
  const service = createService({ transport: 'electron', ...(chat ? { chat } : {}) });
  const ipc = registerIpc(service);
  const newWindow = (): void => { createWindow(preloadPath); };
  installMenu({
    newWindow,
    toRenderer: (window, action) => ipc.send(window.webContents, 'menu', { action }),
    showDevTools: !app.isPackaged,
  });
  newWindow();

  // Linux convention: the app ends with its last window.
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => { if (BrowserWindow.getAllWindows().length === 0) newWindow(); });
  app.on('will-quit', () => { void ipc.dispose().then(() => service.close()); });
}

// The bundle's entry runs main(); tests import this module and call main() themselves.
if (process.versions.electron) {
  main().catch((error: unknown) => {
    console.error('shmscope failed to start:', error);
    app.exit(1);
  });
}
