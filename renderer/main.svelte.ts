// Entry point. In Electron the preload has put the contract on window.shmscope; in the web
// mode (shmscope serve) there is no preload, so the same API object is built over the page's
// WebSocket. Either way App only ever sees a ShmscopeApi.
import { mount } from 'svelte';
import { connectWebSocket, wsUrlFromPage } from './lib/ws-client';
import App from './App.svelte';
import type { ShmscopeApi } from './lib/contract';
import './styles.css';

declare global {
  interface Window {
    shmscope?: ShmscopeApi;
  }
}

function showFatal(target: HTMLElement, message: string): void {
  const p = document.createElement('p');
  p.className = 'fatal';
  p.setAttribute('role', 'alert');
  p.dataset['testid'] = 'fatal';
  p.textContent = `shmscope cannot start: ${message}`;
  target.replaceChildren(p);
}

async function start(): Promise<void> {
  const target = document.getElementById('app');
  if (target === null) return;
  if (window.shmscope) {
    mount(App, { target, props: { api: window.shmscope } });
    return;
  }
  try {
    const connection = await connectWebSocket(wsUrlFromPage(location.href));
    const props = $state({ api: connection.api, disconnected: false, disconnectReason: '' });
    mount(App, { target, props });
    void connection.closed.then((reason) => { props.disconnected = true; props.disconnectReason = reason; });
  } catch (e) {
    showFatal(target, e instanceof Error ? e.message : String(e));
  }
}

void start();
