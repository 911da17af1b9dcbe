// Electron main against the fake 'electron' module: handlers come from the contract, calls
// from anything but our top frame are refused, windows get the security preferences,
// app:// refuses traversal, hardening denies navigation/new windows/permissions, the
// preload exposes exactly the contract, and closing a window releases its client.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fake from '../fakes/electron';
import { registerIpc } from '../../main/electron/ipc';
import { menuTemplate } from '../../main/electron/menu';
import { appResponse, APP_URL, registerScheme } from '../../main/electron/protocol';
import { installSecurity } from '../../main/electron/security';
import { createWindow } from '../../main/electron/window';
import { createService, type Service } from '../../main/service';
import type { ChatJoin } from '../../main/service/chat';
import { eventNames, ipcChannel, listenerName, methodNames, type Reply, type ShmscopeApi } from '../../common/contract';

let service: Service | undefined;
beforeEach(() => fake.resetFakeElectron());
afterEach(async () => { await service?.close(); service = undefined; });

function wire(extra: Parameters<typeof createService>[0] extends infer O ? Partial<O> : never = {}) {
  service = createService({ transport: 'electron', intervalMs: 50, ...extra });
  return registerIpc(service);
}

describe('IPC registration', () => {
  it('registers exactly one handler per contract method', () => {
    wire();
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual(methodNames.map(ipcChannel.method).sort());
  });

  it('answers our top frame and refuses other senders with EPERM', async () => {
    wire();
    const window = createWindow('/preload.cjs') as unknown as fake.BrowserWindow;
    await Promise.resolve();
    const contents = window.webContents;
    const channel = ipcChannel.method('info');
    const ok = (await fake.ipcMain.invokeAs(contents, contents.mainFrame, channel)) as Reply;
    expect(ok).toMatchObject({ ok: true, result: { transport: 'electron' } });

    const refusedFrames: (fake.FakeFrame | null)[] = [
      null,
      { url: 'https://evil.example/', parent: null },
      { url: 'file:///etc/passwd', parent: null },
      { url: 'app://shmscope/index.html', parent: contents.mainFrame },
      { url: 'app://other/index.html', parent: null },
      { url: 'app://shmscope/index.html', parent: null }, // right URL but not this window's main frame
    ];
    for (const frame of refusedFrames) {
      const reply = (await fake.ipcMain.invokeAs(contents, frame, channel)) as Reply;
      expect(reply, JSON.stringify(frame?.url)).toEqual({ ok: false, error: { code: 'EPERM', message: 'info: refused, the caller is not a shmscope window' } });
    }
  });

  it('validates arguments in main', async () => {
    wire();
    const window = createWindow('/preload.cjs') as unknown as fake.BrowserWindow;
    const reply = (await fake.ipcMain.invokeAs(window.webContents, window.webContents.mainFrame, ipcChannel.method('readRange'), 'posix:x', 0, 1e9)) as Reply;
    expect(reply).toMatchObject({ ok: false, error: { code: 'EINVAL', message: expect.stringMatching(/^readRange\(length\)/) } });
  });

  it('leaves a window\'s rooms when it closes or reloads', async () => {
    const left: string[] = [];
    const chat: ChatJoin = async (room) => ({
      pid: 1, slot: 0,
      onMessages() {}, onMissed() {}, onPresence() {}, send() {}, history: () => [], participants: () => [],
      leave() { left.push(room); },
    });
    wire({ chat });
    const a = createWindow('/p.cjs') as unknown as fake.BrowserWindow;
    const b = createWindow('/p.cjs') as unknown as fake.BrowserWindow;
    const join = (w: fake.BrowserWindow, room: string) =>
      fake.ipcMain.invokeAs(w.webContents, w.webContents.mainFrame, ipcChannel.method('chatJoin'), room, 'ann');
    await join(a, 'one');
    await join(b, 'two');
    a.close();
    await new Promise((r) => setTimeout(r, 10));
    expect(left).toEqual(['one']);
    await b.loadURL(APP_URL); // reload
    await new Promise((r) => setTimeout(r, 10));
    expect(left).toEqual(['one', 'two']);
  });
});

describe('windows and hardening', () => {
  it('creates windows with isolation, sandbox, no node, no webview, loading app://', () => {
    const window = createWindow('/x/preload/index.cjs') as unknown as fake.BrowserWindow;
    expect(window.options.webPreferences).toMatchObject({
      preload: '/x/preload/index.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false,
      nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webviewTag: false, webSecurity: true,
      allowRunningInsecureContent: false,
    });
    expect(window.loadedUrl).toBe('app://shmscope/index.html');
    expect(window.shown).toBe(true);
  });

  it('denies navigation, new windows, webviews and permissions', () => {
    installSecurity();
    const window = createWindow('/p.cjs') as unknown as fake.BrowserWindow;
    const contents = window.webContents;
    const navigate = new fake.FakeEvent('https://evil.example/');
    contents.emit('will-navigate', navigate);
    expect(navigate.defaultPrevented).toBe(true);
    const redirect = new fake.FakeEvent('https://evil.example/');
    contents.emit('will-redirect', redirect);
    expect(redirect.defaultPrevented).toBe(true);
    const webview = new fake.FakeEvent();
    contents.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    let granted: boolean | undefined;
    fake.session.defaultSession.permissionRequest?.(contents, 'media', (g) => { granted = g; });
    expect(granted).toBe(false);
    expect(fake.session.defaultSession.permissionCheck?.(contents, 'notifications')).toBe(false);
  });
});

describe('app:// protocol', () => {
  const root = mkdtempSync(join(tmpdir(), 'shmscope-app-'));
  mkdirSync(join(root, 'renderer', 'assets'), { recursive: true });
  writeFileSync(join(root, 'renderer', 'index.html'), '<title>shmscope</title>');
  writeFileSync(join(root, 'renderer', 'assets', 'a.js'), 'x');
  writeFileSync(join(root, 'secret'), 'do not serve');
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const renderer = join(root, 'renderer');

  it('registers app as a standard, secure, CORS-enabled scheme (module scripts load in CORS mode)', () => {
    registerScheme();
    expect(fake.protocol.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
  });

  it('serves the renderer with a strict CSP', async () => {
    const page = await appResponse(renderer, 'app://shmscope/index.html');
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<title>shmscope</title>');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect((await appResponse(renderer, 'app://shmscope/assets/a.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('refuses traversal and other hosts', async () => {
    for (const url of ['app://shmscope/%2e%2e/secret', 'app://shmscope/assets/..%2f..%2fsecret', 'app://shmscope/..%5csecret', 'app://shmscope/%00']) {
      const response = await appResponse(renderer, url);
      expect(response.status, url).toBe(403);
      expect(await response.text()).not.toContain('do not serve');
    }
    expect((await appResponse(renderer, 'app://elsewhere/index.html')).status).toBe(404);
    expect((await appResponse(renderer, 'app://shmscope/missing.js')).status).toBe(404);
  });
});

describe('menu', () => {
  it('has New Window, Create Segment…, Join Chat Room…, Refresh, Quit and routes them', () => {
    const sent: string[] = [];
    let created = 0;
    const template = menuTemplate({ newWindow: () => { created++; }, toRenderer: (_w, action) => sent.push(action), showDevTools: false });
    const file = template[0]!.submenu as fake.FakeMenuItem[];
    const labels = file.filter((i) => i.label).map((i) => i.label);
    expect(labels).toEqual(['New Window', 'Create Segment…', 'Join Chat Room…', 'Refresh', 'Quit']);
    const click = (label: string) => file.find((i) => i.label === label)!.click!();
    click('New Window');
    expect(created).toBe(1);
    createWindow('/p.cjs');
    click('Create Segment…');
    click('Join Chat Room…');
    click('Refresh');
    expect(sent).toEqual(['createSegment', 'joinChat', 'refresh']);
    expect(file.find((i) => i.label === 'Quit')!.role).toBe('quit');
    expect(JSON.stringify(template)).not.toContain('toggleDevTools');
  });
});

describe('preload', () => {
  const contractKeys = [...methodNames, ...eventNames.map(listenerName)].sort();

  async function checkApi(api: ShmscopeApi): Promise<void> {
    expect(Object.keys(api).sort()).toEqual(contractKeys);
    expect((await api.info()).transport).toBe('electron');
    // The code survives: the Error is made in the page's world, not copied across the bridge.
    await expect(api.readRange('bogus', 0, 1)).rejects.toMatchObject({ code: 'EINVAL', message: expect.stringMatching(/^readRange\(ref\)/) });
    const lists: unknown[] = [];
    const off = api.onSegmentsChanged((list) => lists.push(list));
    await new Promise((r) => setTimeout(r, 200));
    expect(lists.length).toBeGreaterThanOrEqual(1);
    off();
  }

  it('exposes exactly the contract as window.shmscope (never ipcRenderer), working end to end', async () => {
    wire();
    const window = createWindow('/p.cjs') as unknown as fake.BrowserWindow;
    fake.ipcRenderer.attach(window.webContents);
    await import('../../preload/index');
    expect([...fake.contextBridge.exposed.keys()]).toEqual(['shmscopeBridge']);
    const bridge = fake.contextBridge.exposed.get('shmscopeBridge') as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual(contractKeys);
    expect(JSON.stringify(Object.keys(bridge))).not.toMatch(/ipcRenderer|invoke|"send"/);
    await checkApi(fake.contextBridge.mainWorld['shmscope'] as ShmscopeApi);
  });

  const bundle = join(fileURLToPath(new URL('../../out/preload/index.cjs', import.meta.url)));
  it.skipIf(!existsSync(bundle))('works as the bundled single CommonJS file (out/preload/index.cjs)', async () => {
    wire();
    const window = createWindow('/p.cjs') as unknown as fake.BrowserWindow;
    fake.ipcRenderer.attach(window.webContents);
    // A sandboxed preload's require knows 'electron' and nothing from node_modules.
    const sandboxRequire = (id: string): unknown => {
      if (id === 'electron') return fake;
      throw new Error(`sandboxed preload cannot require ${id}`);
    };
    const module = { exports: {} };
    runInNewContext(readFileSync(bundle, 'utf8'), { require: sandboxRequire, module, exports: module.exports });
    await checkApi(fake.contextBridge.mainWorld['shmscope'] as ShmscopeApi);
  });
});

describe('main()', () => {
  it('installs protocol, security, menu and IPC, opens a window, and quits with the last one', async () => {
    const { main } = await import('../../main/electron/index');
    await main();
    expect(fake.protocol.handlers.has('app')).toBe(true);
    expect(fake.session.defaultSession.permissionRequest).toBeTypeOf('function');
    expect(fake.Menu.current).not.toBeNull();
    expect(fake.ipcMain.handlers.size).toBe(methodNames.length);
    expect(fake.BrowserWindow.all).toHaveLength(1);
    const window = fake.BrowserWindow.all[0]!;
    expect(String((window.options.webPreferences as { preload: string }).preload)).toMatch(/\/preload\/index\.cjs$/);
    window.close();
    fake.app.emit('window-all-closed');
    expect(fake.app.quitCalls).toBe(1);
    fake.app.emit('will-quit');
    await new Promise((r) => setTimeout(r, 10));
    expect(fake.ipcMain.handlers.size).toBe(0);
  });
});
