// Issue 9 item 3 (app): the map of who shares with whom. The graph model (nodes and ro/rw/fd
// edges from the scan's rows, the caps that keep 200 processes and 2,000 segments readable),
// the SVG component (click a node: select, narrow, show more), and the app around it (the map
// button, a segment node selects its row, a process node narrows the table to its segments).
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import App from '../../renderer/App.svelte';
import MapView from '../../renderer/components/MapView.svelte';
import type { Attacher, SegmentRow } from '../../renderer/lib/contract';
import type { MemfdRow } from '../../common/contract';
import { buildGraph, processId, segmentId, type MapEdge } from '../../renderer/lib/map-graph';
import { layoutGraph } from '../../renderer/lib/map-layout';
import { matchesFilter, mergeScan } from '../../renderer/lib/segments';
import { createFakeApi } from './fake-api';
import { posixRow, sysvRow } from './fixtures';

function attacher(pid: number, ...access: ('ro' | 'rw')[]): Attacher {
  const mappings = access.map((a, i) => ({ start: `0x${(0x1000 * (i + 1)).toString(16)}`, end: `0x${(0x1000 * (i + 2)).toString(16)}`, access: a }));
  return { pid, command: `proc${pid}`, uid: 1000, user: 'alice', access: access[0]!, start: mappings[0]!.start, end: mappings[0]!.end, mappings };
}

function memfdRow(inode: number, attachers: Attacher[], holders: number[]): MemfdRow {
  return {
    kind: 'memfd', ref: `memfd:00:01:${inode}`, key: null, id: null, name: 'wayland-shm', size: 8192, perms: '0777', mode: 0o777,
    uid: 1000, gid: 1000, owner: 'alice', group: 'alice', nattch: attachers.length, attachers, unreadableProcesses: 0,
    cpid: null, lpid: null, mtime: 0, holders: holders.map((pid) => ({ pid, command: `proc${pid}`, uid: 1000, user: 'alice', fds: [3] })),
  };
}

const edge = (edges: MapEdge[], from: string, to: string): MapEdge | undefined => edges.find((e) => e.from === from && e.to === to);

/** 200 processes and 2,000 segments, each segment mapped by three of them. */
function crowd(): SegmentRow[] {
  const rows: SegmentRow[] = [];
  for (let i = 0; i < 2000; i++) {
    const pids = [0, 1, 2].map((k) => 1000 + ((i * 7 + k * 13) % 200));
    rows.push(sysvRow(i + 1, { attachers: pids.map((pid) => attacher(pid, 'rw')), nattch: 3 }));
  }
  return rows;
}

describe('the map graph', () => {
  test('has a node per process and per segment it maps or holds, edges labelled ro, rw, ro+rw and fd', () => {
    const rows: SegmentRow[] = [
      sysvRow(5, { attachers: [attacher(10, 'rw'), attacher(11, 'ro')], nattch: 2 }),
      posixRow('jobs', { attachers: [attacher(11, 'ro', 'rw')] }),
      memfdRow(42, [attacher(10, 'rw')], [12]),
      sysvRow(6), // nobody attaches it: table only
    ];
    const g = buildGraph(rows, { selected: null, pid: null });
    expect(g.nodes.map((n) => n.id).sort()).toEqual(['pid:10', 'pid:11', 'pid:12', 'seg:memfd:00:01:42', 'seg:posix:jobs', 'seg:sysv:5']);
    expect(g.unattached).toBe(1);
    expect(edge(g.edges, 'pid:10', 'seg:sysv:5')?.access).toBe('rw');
    expect(edge(g.edges, 'pid:11', 'seg:sysv:5')?.access).toBe('ro');
    expect(edge(g.edges, 'pid:11', 'seg:posix:jobs')?.access).toBe('ro+rw');
    expect(edge(g.edges, 'pid:12', 'seg:memfd:00:01:42')?.access).toBe('fd');
    expect(g.edges).toHaveLength(5);
    expect([g.hiddenSegments, g.hiddenProcesses]).toEqual([0, 0]);
    const segment = g.nodes.find((n) => n.id === 'seg:memfd:00:01:42');
    expect(segment).toMatchObject({ type: 'segment', title: 'wayland-shm', detail: 'memfd · 8 KiB' });
  });

  test('200 processes and 2,000 segments: capped around the selection, the rest counted, and laid out', () => {
    const rows = crowd();
    const caps = { segments: 40, processes: 30 };
    // sysv:1999 is mapped by pids 1000+((1998*7 + 13k) % 200): it is no more shared than any other.
    const g = buildGraph(rows, { selected: 'sysv:1999', pid: null }, caps);
    const segments = g.nodes.filter((n) => n.type === 'segment');
    const processes = g.nodes.filter((n) => n.type === 'process');
    expect(segments).toHaveLength(40);
    expect(processes.length).toBeLessThanOrEqual(30);
    expect(g.hiddenSegments).toBe(2000 - 40);
    expect(g.hiddenProcesses).toBe(200 - processes.length);
    expect(g.totalProcesses).toBe(200);
    // The selection and its processes are always on the map, with their edges.
    expect(segments.some((n) => n.id === segmentId('sysv:1999'))).toBe(true);
    const itsPids = rows.find((r) => r.ref === 'sysv:1999')!.attachers.map((a) => a.pid);
    for (const pid of itsPids) expect(edge(g.edges, processId(pid), segmentId('sysv:1999'))?.access).toBe('rw');
    // Every link not drawn is counted on the shown node it leaves: "+N more".
    const folded = (detail: string): number => Number(/\+(\d+) more$/.exec(detail)?.[1] ?? 0);
    for (const n of g.nodes) {
      const total = n.type === 'process'
        ? rows.filter((r) => r.attachers.some((a) => a.pid === n.pid)).length
        : rows.find((r) => r.ref === n.ref)!.attachers.length;
      const drawn = g.edges.filter((e) => e.from === n.id || e.to === n.id).length;
      expect(drawn + folded(n.detail), n.id).toBe(total);
    }
    expect(g.nodes.some((n) => folded(n.detail) > 0)).toBe(true);
    const placed = layoutGraph(g);
    for (const n of g.nodes) expect(placed.nodes.has(n.id)).toBe(true);
    for (const e of g.edges) expect(placed.edges.get(e.id)!.points.length).toBeGreaterThan(1);
  });

  test('a picked process brings its segments first', () => {
    const g = buildGraph(crowd(), { selected: null, pid: 1123 }, { segments: 10, processes: 5 });
    const shown = g.nodes.filter((n) => n.type === 'segment');
    expect(shown).toHaveLength(10);
    for (const n of shown) expect(edge(g.edges, processId(1123), n.id)).toBeDefined();
  });

  test('"only around the selection" keeps the selection, its processes and their segments', () => {
    const rows: SegmentRow[] = [
      sysvRow(5, { attachers: [attacher(10, 'rw')], nattch: 1 }),
      posixRow('jobs', { attachers: [attacher(10, 'ro'), attacher(11, 'rw')] }),
      sysvRow(7, { attachers: [attacher(11, 'rw'), attacher(12, 'rw'), attacher(13, 'rw')], nattch: 3 }),
    ];
    const ids = (only: boolean): string[] => buildGraph(rows, { selected: 'sysv:5', pid: null, only }).nodes.map((n) => n.id).sort();
    expect(ids(true)).toEqual(['pid:10', 'pid:11', 'seg:posix:jobs', 'seg:sysv:5']);
    expect(ids(false)).toHaveLength(7);
  });

  test('the table filter "pid:N" keeps the segments process N maps or holds', () => {
    const mapped = sysvRow(5, { attachers: [attacher(10, 'rw')], nattch: 1 });
    const held = memfdRow(42, [], [10]);
    const other = sysvRow(6, { attachers: [attacher(100, 'rw')], nattch: 1 });
    expect([mapped, held, other].filter((r) => matchesFilter(r, 'pid:10')).map((r) => r.ref)).toEqual(['sysv:5', 'memfd:00:01:42']);
  });
});

let target: HTMLElement;
let component: ReturnType<typeof mount> | undefined;
beforeEach(() => {
  target = document.createElement('div');
  document.body.append(target);
});
afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  target.remove();
});

const node = (id: string): SVGGElement | null => target.querySelector<SVGGElement>(`[data-testid="map-node"][data-node-id="${id}"]`);
const click = (el: Element | null): void => { el!.dispatchEvent(new MouseEvent('click', { bubbles: true })); flushSync(); };

describe('the map view', () => {
  test('draws nodes and labelled edges; clicks select a segment, pick a process; shows more on demand', () => {
    const rows = mergeScan([], crowd().slice(0, 30), 0, { initial: true });
    const onselect = vi.fn();
    const onprocess = vi.fn();
    component = mount(MapView, { target, props: { rows, selected: null, pid: null, onselect, onprocess, caps: { segments: 10, processes: 8 } } });
    flushSync();
    expect(target.querySelectorAll('[data-testid="map-node"][data-type="segment"]')).toHaveLength(10);
    const labels = [...target.querySelectorAll('[data-testid="map-edge"] text')].map((t) => t.textContent);
    expect(labels).toContain('rw');
    expect(target.querySelector('[data-testid="map-summary"]')?.textContent).toContain('10 segments of 30');

    const segment = target.querySelector('[data-testid="map-node"][data-type="segment"]')!;
    click(segment);
    expect(onselect).toHaveBeenCalledWith(segment.getAttribute('data-ref'));
    const process = target.querySelector('[data-testid="map-node"][data-type="process"]')!;
    process.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(onprocess).toHaveBeenCalledWith(Number(process.getAttribute('data-pid')));

    expect(target.querySelector('[data-testid="map-more-segments"]')?.textContent).toBe('+20 segments');
    click(target.querySelector('[data-testid="map-more-segments"]'));
    expect(target.querySelectorAll('[data-testid="map-node"][data-type="segment"]')).toHaveLength(30);
    expect(target.querySelector('[data-testid="map-more-segments"]')).toBeNull();
  });

  test('shows names from other users visibly: no raw control or bidi character in text or labels', () => {
    const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;
    const evil = { ...attacher(66, 'rw'), command: 'wo\u001b[2Jrk\u202Eer', user: 'ev\u202Eil' };
    const rows = mergeScan([], [posixRow('job\u202Eqs', { attachers: [evil] })], 0, { initial: true });
    component = mount(MapView, { target, props: { rows, selected: null, pid: null, onselect: () => {}, onprocess: () => {} } });
    flushSync();
    const svg = target.querySelector('svg')!;
    expect(svg.textContent).not.toMatch(RAW);
    for (const el of svg.querySelectorAll('[aria-label]')) expect(el.getAttribute('aria-label')).not.toMatch(RAW);
    expect(node('pid:66')?.textContent).toContain('wo');
  });
});

describe('the app with the map', () => {
  test('a segment node selects its row; a process node narrows the table to its segments; live', async () => {
    const shared = sysvRow(5, { attachers: [attacher(10, 'rw'), attacher(11, 'ro')], nattch: 2 });
    const fake = createFakeApi([shared, posixRow('jobs', { attachers: [attacher(11, 'rw')] }), sysvRow(6)]);
    component = mount(App, { target, props: { api: fake.api } });
    await vi.waitFor(() => expect(target.querySelectorAll('[data-testid="segment-row"]')).toHaveLength(3));
    click(target.querySelector('[data-testid="map-button"]'));
    expect(target.querySelector('[data-testid="map-button"]')?.getAttribute('aria-pressed')).toBe('true');
    expect(target.querySelector('[data-testid="segments-table"]')).toBeNull();

    click(node('seg:sysv:5'));
    await vi.waitFor(() => expect(target.querySelector('[data-testid="segment-details"]')?.getAttribute('data-ref')).toBe('sysv:5'));
    expect(node('seg:sysv:5')?.getAttribute('aria-pressed')).toBe('true');
    click(node('pid:10'));
    expect(target.querySelector('[data-testid="map-clear-pid"]')?.textContent).toContain('pid 10');

    // Live: a new attacher appears on the map with the next scan.
    fake.emit('segmentsChanged', { segments: [...fake.segments, posixRow('late', { attachers: [attacher(12, 'ro')] })], unreadableProcesses: 0, unreadable: [], scannedProcesses: 1 });
    flushSync();
    const late = target.querySelector('[data-testid="map-edge"][data-from="pid:12"][data-to="seg:posix:late"]');
    expect([late?.getAttribute('data-access'), late?.textContent]).toEqual(['ro', 'ro']);

    click(target.querySelector('[data-testid="map-button"]'));
    const rows = [...target.querySelectorAll('[data-testid="segment-row"]')];
    expect(rows.map((r) => r.getAttribute('data-ref'))).toEqual(['sysv:5']);
    expect(rows[0]!.getAttribute('aria-selected')).toBe('true');
    expect(target.querySelector<HTMLInputElement>('[data-testid="segment-filter"]')?.value).toBe('pid:10');
  });
});
