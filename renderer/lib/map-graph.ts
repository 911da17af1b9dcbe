// The map view as data: who shares with whom, as a bipartite graph of processes and the
// segments they map (ro / rw / both) or only hold as a descriptor (fd, memfds). Pure, so tested
// without a DOM. To stay readable with hundreds of processes and thousands of segments it
// draws only segments some process maps or holds (the others are table rows, counted), at
// most `caps.segments` of them and `caps.processes` processes, picked around the selection
// first and then by how many others they connect. The rest are counted: in all (the view offers
// to show more) and on each shown node whose neighbours they are ("+3 more"), so no hidden link
// goes unsaid and no fan of edges to a catch-all node crowds the picture.
import type { SegmentRow } from './contract';
import { formatSize } from './hex';
import { kindLabel } from './segments';

export interface MapCaps {
  segments: number;
  processes: number;
}

/** About what fits a screen or two of the pane: dagre lays this out in a fraction of a second,
 *  where 2,000 segments and 200 processes took minutes. */
export const DEFAULT_CAPS: MapCaps = { segments: 40, processes: 30 };

/** How a process reaches a segment: its mappings' access, or only an open descriptor. */
export type Access = 'ro' | 'rw' | 'ro+rw' | 'fd';

export interface SegmentNode {
  type: 'segment';
  id: string;
  ref: string;
  kind: SegmentRow['kind'];
  /** Name, key or ref: raw text from outside, made visible by the component. */
  title: string;
  /** Kind and size, and how many of its processes are not shown. */
  detail: string;
}

export interface ProcessNode {
  type: 'process';
  id: string;
  pid: number;
  /** /proc/PID/comm: raw text, made visible by the component. */
  title: string;
  /** pid and user, and how many of its segments are not shown. */
  detail: string;
  /** shmscope itself (its own view of a segment). */
  self: boolean;
}

export type MapNode = SegmentNode | ProcessNode;

export interface MapEdge {
  id: string;
  /** A process node. */
  from: string;
  /** A segment node. */
  to: string;
  access: Access;
}

export interface MapGraph {
  nodes: MapNode[];
  edges: MapEdge[];
  /** Segments and processes that exist but are not shown (over the caps). */
  hiddenSegments: number;
  hiddenProcesses: number;
  /** Segments no process maps or holds: not drawn. */
  unattached: number;
  /** Every process and segment the full graph has (for "showing X of Y"). */
  totalSegments: number;
  totalProcesses: number;
}

/** What the graph is built around: the selected segment, and a process picked on the map. */
export interface MapFocus {
  selected: string | null;
  pid: number | null;
  /** Draw only the neighbourhood: the focus, its segments or processes, and theirs. */
  only?: boolean;
}

export const segmentId = (ref: string): string => `seg:${ref}`;
export const processId = (pid: number): string => `pid:${pid}`;

interface Link {
  pid: number;
  ref: string;
  access: Access;
}

interface Proc {
  pid: number;
  command: string;
  user: string;
  self: boolean;
}

function accessOf(accesses: readonly ('ro' | 'rw')[]): Access {
  const ro = accesses.includes('ro');
  const rw = accesses.includes('rw');
  return ro && rw ? 'ro+rw' : rw ? 'rw' : 'ro';
}

/** Every process–segment link of the rows: one per process and segment. */
function linksOf(rows: readonly SegmentRow[]): { links: Link[]; procs: Map<number, Proc> } {
  const links: Link[] = [];
  const procs = new Map<number, Proc>();
  const proc = (pid: number, command: string, user: string, self: boolean): void => {
    if (!procs.has(pid)) procs.set(pid, { pid, command, user, self });
  };
  for (const row of rows) {
    for (const a of row.attachers) {
      links.push({ pid: a.pid, ref: row.ref, access: accessOf(a.mappings.length > 0 ? a.mappings.map((m) => m.access) : [a.access]) });
      proc(a.pid, a.command, a.user, a.self === true);
    }
    if (row.kind === 'memfd' || row.kind === 'shared-anon') {
      for (const h of row.holders) {
        links.push({ pid: h.pid, ref: row.ref, access: 'fd' });
        proc(h.pid, h.command, h.user, false);
      }
    }
  }
  return { links, procs };
}

function segmentTitle(row: SegmentRow): string {
  if (row.room !== undefined && row.room !== '') return row.room;
  switch (row.kind) {
    case 'sysv': return row.key === '0x00000000' ? `${row.ref} (private)` : row.key;
    case 'posix': return `/${row.name}`;
    case 'memfd': return row.name === '' ? row.ref : row.name;
    case 'shared-anon': return row.ref;
  }
}

/** Higher first; ties by the natural order of `key`. */
function byRank<T>(items: T[], rank: (item: T) => number, key: (item: T) => string | number): T[] {
  return items.sort((a, b) => rank(b) - rank(a) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function buildGraph(rows: readonly SegmentRow[], focus: MapFocus, caps: MapCaps = DEFAULT_CAPS): MapGraph {
  const { links, procs } = linksOf(rows);
  const degree = new Map<string, number>();
  for (const l of links) degree.set(l.ref, (degree.get(l.ref) ?? 0) + 1);
  const linked = rows.filter((r) => degree.has(r.ref));

  // The neighbourhood of the selection comes first: the selected segment and the segments of
  // its processes, or the picked process's segments; then the most shared.
  const near = new Set<string>();
  const nearPids = new Set<number>();
  if (focus.pid !== null) nearPids.add(focus.pid);
  if (focus.selected !== null) for (const l of links) if (l.ref === focus.selected) nearPids.add(l.pid);
  for (const l of links) if (nearPids.has(l.pid)) near.add(l.ref);
  const big = 1e9;
  const segRank = (r: SegmentRow): number => (r.ref === focus.selected ? 2 * big : near.has(r.ref) ? big : 0) + degree.get(r.ref)!;
  const candidates = focus.only === true && nearPids.size > 0 ? linked.filter((r) => near.has(r.ref) || r.ref === focus.selected) : linked;
  const shownRows = byRank([...candidates], segRank, (r) => r.ref).slice(0, Math.max(0, caps.segments));
  const shownRefs = new Set<string>(shownRows.map((r) => r.ref));

  const shownDegree = new Map<number, number>();
  for (const l of links) if (shownRefs.has(l.ref)) shownDegree.set(l.pid, (shownDegree.get(l.pid) ?? 0) + 1);
  const pidRank = (pid: number): number => (pid === focus.pid ? 2 * big : nearPids.has(pid) ? big : 0) + shownDegree.get(pid)!;
  const shownPids = new Set(byRank([...shownDegree.keys()], pidRank, (pid) => pid).slice(0, Math.max(0, caps.processes)));

  // What each shown node reaches beyond the caps.
  const edges: MapEdge[] = [];
  const hiddenOfProcess = new Map<number, number>();
  const hiddenOfSegment = new Map<string, number>();
  const count = <K>(map: Map<K, number>, key: K): void => { map.set(key, (map.get(key) ?? 0) + 1); };
  for (const l of links) {
    const segShown = shownRefs.has(l.ref);
    const pidShown = shownPids.has(l.pid);
    if (segShown && pidShown) edges.push({ id: `${processId(l.pid)}>${segmentId(l.ref)}`, from: processId(l.pid), to: segmentId(l.ref), access: l.access });
    else if (pidShown) count(hiddenOfProcess, l.pid);
    else if (segShown) count(hiddenOfSegment, l.ref);
  }
  const more = (n: number | undefined): string => (n === undefined ? '' : ` · +${n} more`);

  const nodes: MapNode[] = [];
  for (const pid of [...shownPids].sort((a, b) => a - b)) {
    const p = procs.get(pid)!;
    nodes.push({ type: 'process', id: processId(pid), pid, title: p.command === '' ? '?' : p.command, detail: `pid ${pid} · ${p.user}${more(hiddenOfProcess.get(pid))}`, self: p.self });
  }
  for (const row of shownRows) {
    nodes.push({ type: 'segment', id: segmentId(row.ref), ref: row.ref, kind: row.kind, title: segmentTitle(row), detail: `${kindLabel(row)} · ${formatSize(row.size)}${more(hiddenOfSegment.get(row.ref))}` });
  }
  return {
    nodes, edges, hiddenSegments: linked.length - shownRows.length, hiddenProcesses: procs.size - shownPids.size,
    unattached: rows.length - linked.length, totalSegments: linked.length, totalProcesses: procs.size,
  };
}

/** The caps after "show more": room for as many again of that kind. */
export function expandCaps(caps: MapCaps, what: keyof MapCaps): MapCaps {
  return { ...caps, [what]: caps[what] + DEFAULT_CAPS[what] };
}
