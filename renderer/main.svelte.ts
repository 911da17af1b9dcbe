// Entry point. In Electron the preload has put the contract on window.shmscope; in the web
// mode (shmscope serve) there is no preload, so the same API object is built over the page's
// WebSocket (a new one after each reconnect). Either way App only ever sees a ShmscopeApi.
import { mount } from 'svelte';
import { keepConnected, wsUrlFromPage } from './lib/ws-client';
import { OPEN, type Link } from './lib/link';
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
    // The page outlives the server: after a restart it reconnects by itself (see keepConnected).
    let api: ShmscopeApi | null = $state.raw(null);
    let link: Link = $state.raw(OPEN);
    const props = { get api(): ShmscopeApi { return api!; }, get link(): Link { return link; } };
    await keepConnected(wsUrlFromPage(location.href), (next) => {
      const first = api === null;
      if (next.state === 'open') {
        api = next.api;
        link = { state: 'open', reconnected: next.reconnected };
      } else {
        link = next;
      }
      if (first && api !== null) mount(App, { target, props });
    });
  } catch (e) {
    showFatal(target, e instanceof Error ? e.message : String(e));
  }
}

void start();
