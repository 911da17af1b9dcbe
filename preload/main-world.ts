// Runs in the page's own JavaScript world (contextBridge.executeInMainWorld), so it must be
// self-contained: Electron sends it over as source text, without imports or closures.
//
// Why it exists: values crossing the contextBridge are copied, and a rejected Error arrives
// with its message only — `code` is dropped (electron/electron#25596). So the preload exposes
// `shmscopeBridge`, whose methods resolve with the contract's Reply envelope and never reject,
// and this function builds window.shmscope from it in the page's world, where the Errors it
// throws keep their `code`: the same ShmscopeApi the web mode's client gives.
export function installApi(bridgeKey: string, apiKey: string, methods: string[], listeners: string[]): void {
  type Reply = { ok: true; result: unknown } | { ok: false; error: { message: string; code: string } };
  const world = globalThis as unknown as Record<string, unknown>;
  const bridge = world[bridgeKey] as Record<string, (...args: unknown[]) => unknown>;
  const api: Record<string, unknown> = {};
  for (const name of methods) {
    const call = bridge[name]!;
    api[name] = async (...args: unknown[]): Promise<unknown> => {
      const reply = (await call(...args)) as Reply;
      if (reply.ok) return reply.result;
      const error = new Error(reply.error.message) as Error & { code: string };
      error.name = 'ShmscopeApiError';
      error.code = reply.error.code;
      throw error;
    };
  }
  for (const name of listeners) api[name] = bridge[name];
  Object.defineProperty(world, apiKey, { value: Object.freeze(api), enumerable: true, configurable: false, writable: false });
}
