// Creates app windows with the security defaults the design requires: isolated, sandboxed
// renderer without Node, no <webview>, the sandboxed CJS preload as the only bridge.
import { app, BrowserWindow } from 'electron';
import { APP_URL } from './protocol';

export function createWindow(preload: string): BrowserWindow {
  // The options are written out right here, as one literal, so static checkers
  // (Electronegativity, run by scripts/security-gate.mjs) can see every security setting.
  const window = new BrowserWindow({
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
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_URL);
  return window;
}
