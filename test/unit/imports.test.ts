// The layers of docs/architecture.md hold: common/ imports nothing of the project above it, the
// renderer never imports main/, and no module imports itself back through others (type imports
// included: a cycle of types is still a knot for the next reader).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const LAYERS = ['common', 'main', 'preload', 'renderer'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const files = new Set(LAYERS.flatMap((layer) => sources(join(root, layer))));
const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gm;

function resolve(from: string, spec: string): string | undefined {
  const base = normalize(join(dirname(from), spec));
  return [base, `${base}.ts`, `${base}.svelte`, join(base, 'index.ts')].find((candidate) => files.has(candidate));
}

const graph = new Map<string, string[]>();
for (const file of files) {
  const targets = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => resolve(file, m[1]!)).filter((t) => t !== undefined);
  graph.set(file, targets);
}
const layerOf = (file: string): string => relative(root, file).split('/')[0]!;
const name = (file: string): string => relative(root, file);

describe('imports', () => {
  it('run downwards: common/ imports only common/, the renderer never imports main/', () => {
    const uphill = [...graph].flatMap(([file, targets]) => targets
      .filter((t) => (layerOf(file) === 'common' && layerOf(t) !== 'common') || (layerOf(file) === 'renderer' && layerOf(t) === 'main'))
      .map((t) => `${name(file)} → ${name(t)}`));
    expect(uphill).toEqual([]);
  });

  it('form no cycle', () => {
    // Tarjan's strongly connected components: any component of two or more files is a cycle.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    let next = 0;
    const visit = (v: string): void => {
      index.set(v, next); low.set(v, next); next++;
      stack.push(v); onStack.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        for (let w = stack.pop()!; ; w = stack.pop()!) { onStack.delete(w); component.push(name(w)); if (w === v) break; }
        if (component.length > 1) cycles.push(component.sort());
      }
    };
    for (const file of graph.keys()) if (!index.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it('the check sees imports at all (a graph with no edges would pass anything)', () => {
    expect(graph.get(join(root, 'main', 'service.ts'))).toContain(join(root, 'common', 'contract.ts'));
  });
});
