// Hardening applied to every web contents the app ever creates (windows, and anything a
// compromised page might try to open): no navigation away from the app, no new windows,
// no <webview>, and every permission request (camera, notifications, …) denied.
import { app, session, type WebContents } from 'electron';
import { isAppUrl } from './protocol';

/** Navigation the app itself never does; anything else is a page trying to leave. */
export function navigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    // The renderer is a single page: even app:// navigations would discard its state.
    event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!navigationAllowed(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function installSecurity(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
}
