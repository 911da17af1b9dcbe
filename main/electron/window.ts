// Creates app windows with the security defaults the design requires: isolated, sandboxed
// renderer without Node, no <webview>, the sandboxed CJS preload as the only bridge.
import { app, BrowserWindow, type BrowserWindowConstructorOptions } from 'electron';
import { APP_URL } from './protocol';

export function windowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    title: 'shmscope',
    show: false,
    // Follows the system theme until the page paints, avoiding a white flash in dark mode.
    backgroundColor: '#00000000',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      // DevTools only in development builds.
      devTools: !app.isPackaged,
    },
  };
}

export function createWindow(preload: string): BrowserWindow {
  const window = new BrowserWindow(windowOptions(preload));
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_URL);
  return window;
}
