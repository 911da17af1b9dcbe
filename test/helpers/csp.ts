// Content-Security-Policy checks shared by the Electron and web-mode security tests.
import { expect } from 'vitest';

/** "a b; c d" → { a: ['b'], c: ['d'] }, refusing duplicate directives (browsers use the first). */
export function parseCsp(header: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of header.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [name, ...values] = part.split(/\s+/);
    expect(out[name!], `duplicate directive ${name}`).toBeUndefined();
    out[name!.toLowerCase()] = values;
  }
  return out;
}

/** The checklist's CSP rules; `connect` lists what connect-src may name besides 'self'. */
export function expectStrictCsp(header: string | null, connect: string[] = []): void {
  expect(header).toBeTruthy();
  const csp = parseCsp(header!);
  expect(csp['default-src']).toEqual(["'none'"]);
  // Scripts only from the app itself: no inline, no eval, no wildcard, no data:/blob:.
  expect(csp['script-src']).toEqual(["'self'"]);
  expect(header).not.toMatch(/unsafe-eval|wasm-unsafe-eval|unsafe-hashes|strict-dynamic|\*/);
  expect(csp['connect-src']).toEqual(["'self'", ...connect]);
  expect(csp['object-src']).toEqual(["'none'"]);
  expect(csp['base-uri']).toEqual(["'none'"]);
  expect(csp['form-action']).toEqual(["'none'"]);
  expect(csp['frame-ancestors']).toEqual(["'none'"]);
  // Svelte sets style attributes, so inline styles are allowed; nothing else is inline.
  for (const [name, values] of Object.entries(csp)) {
    if (name !== 'style-src') expect(values, name).not.toContain("'unsafe-inline'");
  }
  expect(csp['frame-src'] ?? csp['child-src'] ?? csp['default-src']).toEqual(["'none'"]);
}
