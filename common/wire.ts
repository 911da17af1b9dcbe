// JSON encoding for the WebSocket transport. JSON has no bytes type, so Uint8Array values
// travel as {"$bytes": "<base64>"}. Works in Node and browsers (atob/btoa are global in both).

const BYTES = '$bytes';

// Node (the server side) has a fast native codec; browsers take the portable loop. Typed
// structurally so the renderer's DOM-only type check does not need Node's types.
interface BufferLike extends ArrayLike<number> { toString(encoding: 'base64'): string }
interface BufferStatic {
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): BufferLike;
  from(text: string, encoding: 'base64'): BufferLike;
}
const NodeBuffer = (globalThis as { Buffer?: BufferStatic }).Buffer;

function toBase64(data: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < data.length; i += chunk) {
    binary += String.fromCharCode(...data.subarray(i, i + chunk));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  if (NodeBuffer) return new Uint8Array(NodeBuffer.from(text, 'base64'));
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function encode(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    // Buffer has a toJSON that runs before the replacer sees it; catch its output too.
    if (v instanceof Uint8Array) return { [BYTES]: toBase64(v) };
    if (isBufferJson(v)) return { [BYTES]: toBase64(Uint8Array.from(v.data)) };
    return v;
  });
}

export function decode(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const record = v as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length === 1 && keys[0] === BYTES && typeof record[BYTES] === 'string') return fromBase64(record[BYTES]);
    }
    return v;
  });
}

function isBufferJson(v: unknown): v is { type: 'Buffer'; data: number[] } {
  return typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'Buffer'
    && Array.isArray((v as { data?: unknown }).data);
}
