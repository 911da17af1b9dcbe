// A web-mode client run as the unprivileged user nobody (setpriv): another local user who
// got hold of the URL. It GETs the page over IPv4 and over an IPv6 socket to the v4-mapped
// address (seen in /proc/net/tcp6, not tcp), then opens the WebSocket and calls info().
// Asynchronous, so a server in the test process keeps answering meanwhile.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { NOBODY } from './cli';

export const canRunAsNobody = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');

export interface NobodyResult {
  uid: number;
  http: { status: number; body: string } | { error: string };
  http6: { status: number; body: string } | { error: string };
  /** The info() reply when the socket opened, else how it ended. */
  ws: { opened: true; reply: unknown } | { opened: false; code?: number };
}

const script = `(async () => {
  const http = require('node:http');
  const [pageUrl, wsUrl] = process.argv.slice(1);
  const page = new URL(pageUrl);
  const get = (host) => new Promise((resolve) => {
    const req = http.request({ host, port: page.port, path: page.pathname + page.search, headers: { Host: page.host } }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', (e) => resolve({ error: e.message }));
    req.end();
  });
  const out = { uid: process.getuid(), http: await get('127.0.0.1'), http6: await get('::ffff:127.0.0.1') };
  out.ws = await new Promise((resolve) => {
    const ws = new WebSocket(wsUrl);
    let opened = false;
    ws.onopen = () => { opened = true; ws.send(JSON.stringify({ id: 1, method: 'info', args: [] })); };
    ws.onmessage = (e) => { const m = JSON.parse(String(e.data)); if (m.id === 1) { resolve({ opened: true, reply: m }); ws.close(); } };
    ws.onclose = (e) => { if (!opened) resolve({ opened: false, code: e.code }); else resolve({ opened: true, reply: null }); };
  });
  process.stdout.write(JSON.stringify(out));
})();`;

export async function webClientAsNobody(pageUrl: string, wsUrl: string): Promise<NobodyResult> {
  const { stdout } = await promisify(execFile)('setpriv',
    [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, '-e', script, pageUrl, wsUrl],
    { cwd: '/', encoding: 'utf8', timeout: 30_000 });
  return JSON.parse(stdout) as NobodyResult;
}
