// The service (the layer the UI and web mode call) driven directly, as a window would.
import { createService, type Client, type Service } from '../../main/service';
import type { BytesChanged, WireError } from '../../common/contract';

export interface ServiceHarness {
  service: Service;
  client: Client;
  bytes: BytesChanged[];
  call<T>(method: string, ...args: unknown[]): Promise<{ ok: true; result: T } | { ok: false; error: WireError }>;
  close(): Promise<void>;
}

export function openService(intervalMs = 50): ServiceHarness {
  const service = createService({ transport: 'web', intervalMs });
  const bytes: BytesChanged[] = [];
  const client = service.connect((event, payload) => {
    if (event === 'bytesChanged') bytes.push(payload as BytesChanged);
  });
  return {
    service,
    client,
    bytes,
    call: async (method, ...args) => (await client.call(method, args)) as never,
    close: () => service.close(),
  };
}
