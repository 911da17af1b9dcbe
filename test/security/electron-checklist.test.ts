// The Electron security checklist, item by item, against the fake 'electron' module — the
// parts test/unit/electron-main.test.ts does not already pin down: the CSP parsed directive
// by directive (on every app:// response, errors included), the window preferences a
// packaged build gets, navigation/redirect/new-window rules for every kind of URL, hardening
// of web contents that are not our windows, every permission denied, and the sender check on
// every single IPC handler (a refused call never reaches the service).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fake from '../fakes/electron';
import { registerIpc } from '../../main/electron/ipc';
import { appResponse, APP_URL } from '../../main/electron/protocol';
import { installSecurity } from '../../main/electron/security';
import { createWindow } from '../../main/electron/window';
import { contentSecurityPolicy } from '../../main/assets/csp';
import type { Client, Service } from '../../main/service';
import { ipcChannel, methodNames, type Reply } from '../../common/contract';
import { expectStrictCsp } from '../helpers/csp';

beforeEach(() => fake.resetFakeElectron());
afterEach(() => fake.resetFakeElectron());

describe('Content-Security-Policy', () => {
  it('is strict on every app:// response, pages and refusals alike, with no network beyond the app', async () => {
    const dir = '/nonexistent-renderer';
    for (const url of [APP_URL, 'app://shmscope/', 'app://shmscope/missing.js', 'app://shmscope/%2e%2e/x', 'app://other/', 'app://shmscope/\0']) {
      const response = await appResponse(dir, url);
      expectStrictCsp(response.headers.get('content-security-policy'));
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('lets the web mode connect only to its own WebSocket origins', () => {
    expectStrictCsp(contentSecurityPolicy(['ws://127.0.0.1:4321', 'ws://localhost:4321']), ['ws://127.0.0.1:4321', 'ws://localhost:4321']);
  });
});

describe('window preferences', () => {
  it('keeps every security preference in a packaged build, with DevTools off and no risky extras', () => {
    fake.app.isPackaged = true;
    const prefs = (createWindow('/opt/shmscope/preload/index.cjs') as unknown as fake.BrowserWindow).options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false,
      webviewTag: false, webSecurity: true, allowRunningInsecureContent: false, navigateOnDragDrop: false, devTools: false,
    });
    for (const risky of ['enableBlinkFeatures', 'experimentalFeatures', 'enableRemoteModule', 'nativeWindowOpen', 'plugins', 'additionalArguments', 'partition']) {
      expect(prefs, risky).not.toHaveProperty(risky);
    }
    expect(String(prefs['preload'])).toMatch(/^\//);
  });
});

describe('navigation, redirects, new windows, webviews', () => {
  const urls = [
    'app://shmscope/index.html', 'app://shmscope/other.html', 'app://evil/index.html', 'app://shmscope.evil.example/',
    'file:///etc/passwd', 'http://127.0.0.1:1234/', 'https://evil.example/', 'javascript:alert(1)', 'data:text/html,<script>1</script>',
    'about:blank', 'chrome://settings', 'devtools://devtools/', 'APP://SHMSCOPE.EVIL/',
  ];

  function hardenedWindow(): fake.WebContents {
    installSecurity();
    return (createWindow('/p.cjs') as unknown as fake.BrowserWindow).webContents;
  }

  it('denies every navigation, even to app:// (the renderer is one page)', () => {
    const contents = hardenedWindow();
    for (const url of urls) {
      const event = new fake.FakeEvent(url);
      contents.emit('will-navigate', event);
      expect(event.defaultPrevented, url).toBe(true);
    }
  });

  it('allows redirects only within app://shmscope', () => {
    const contents = hardenedWindow();
    for (const url of urls) {
      const event = new fake.FakeEvent(url);
      contents.emit('will-redirect', event);
      const ours = /^app:\/\/shmscope\//i.test(url);
      expect(event.defaultPrevented, url).toBe(!ours);
    }
  });

  it('denies every new window and webview', () => {
    const contents = hardenedWindow();
    for (const url of urls) expect(contents.windowOpenHandler?.({ url }), url).toEqual({ action: 'deny' });
    const webview = new fake.FakeEvent();
    contents.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);
  });

  it('hardens web contents that are not our windows too (anything a page might create)', () => {
    installSecurity();
    const stray = new fake.WebContents();
    fake.app.emit('web-contents-created', new fake.FakeEvent(), stray);
    const event = new fake.FakeEvent('https://evil.example/');
    stray.emit('will-navigate', event);
    expect(event.defaultPrevented).toBe(true);
    expect(stray.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('denies every permission request and check', () => {
    installSecurity();
    const contents = new fake.WebContents();
    const permissions = ['media', 'geolocation', 'notifications', 'midi', 'midiSysex', 'pointerLock', 'fullscreen', 'openExternal',
      'clipboard-read', 'clipboard-sanitized-write', 'display-capture', 'mediaKeySystem', 'idle-detection', 'window-management', 'unknown', 'hid', 'serial', 'usb'];
    for (const permission of permissions) {
      let granted: boolean | undefined;
      fake.session.defaultSession.permissionRequest?.(contents, permission, (g) => { granted = g; });
      expect(granted, permission).toBe(false);
      expect(fake.session.defaultSession.permissionCheck?.(contents, permission, 'app://shmscope', {}), permission).toBe(false);
    }
  });
});

describe('IPC sender checks', () => {
  /** A service that records what reaches it. */
  function recordingService(): { service: Service; calls: [string, unknown][] } {
    const calls: [string, unknown][] = [];
    const client: Client = {
      async call(method, args) { calls.push([String(method), args]); return { ok: true, result: null }; },
      async dispose() {},
    };
    return { calls, service: { connect: () => client, close: async () => {} } };
  }

  it('refuses, on every handler, calls from any frame but our window\'s top frame, and they never reach the service', async () => {
    const { service, calls } = recordingService();
    registerIpc(service);
    const window = createWindow('/p.cjs') as unknown as fake.BrowserWindow;
    const other = createWindow('/p.cjs') as unknown as fake.BrowserWindow;
    const contents = window.webContents;
    const foreign: (fake.FakeFrame | null)[] = [
      null,
      { url: 'https://evil.example/', parent: null },
      { url: 'app://shmscope/index.html', parent: contents.mainFrame },
      { url: 'app://shmscope.evil.example/index.html', parent: null },
      { url: 'app://shmscope:8080/index.html', parent: null },
      { url: 'app://user@shmscope.evil/index.html', parent: null },
      { url: 'not a url', parent: null },
      other.webContents.mainFrame,
    ];
    for (const name of methodNames) {
      for (const frame of foreign) {
        const reply = (await fake.ipcMain.invokeAs(contents, frame, ipcChannel.method(name), 'posix:x')) as Reply;
        expect(reply, `${name} from ${frame?.url}`).toEqual({ ok: false, error: { code: 'EPERM', message: `${name}: refused, the caller is not a shmscope window` } });
      }
      // A frame whose page navigated away (the URL changed under the same frame object).
      contents.mainFrame.url = 'https://evil.example/';
      expect(await fake.ipcMain.invokeAs(contents, contents.mainFrame, ipcChannel.method(name))).toMatchObject({ ok: false, error: { code: 'EPERM' } });
      contents.mainFrame.url = APP_URL;
    }
    expect(calls).toEqual([]);
    // The same handlers do answer our own top frame, passing the arguments on unchanged.
    for (const name of methodNames) await fake.ipcMain.invokeAs(contents, contents.mainFrame, ipcChannel.method(name), 'a', 1);
    expect(calls).toEqual(methodNames.map((name) => [name, ['a', 1]]));
  });
});
