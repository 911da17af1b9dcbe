// Where the map's nodes and edges go: @dagrejs/dagre's layered layout (plain synchronous
// JavaScript: no worker, no eval, so it runs under the app's strict CSP), processes in the left
// column and segments in the right, edge crossings kept down by dagre's ordering heuristic.
import { graphlib, layout, type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import type { MapGraph } from './map-graph';

export const NODE_WIDTH = 196;
export const NODE_HEIGHT = 40;

export interface Point {
  x: number;
  y: number;
}

export interface MapLayout {
  width: number;
  height: number;
  /** Node centres, by node id. */
  nodes: Map<string, Point>;
  /** Each edge's polyline and where its label goes, by edge id. */
  edges: Map<string, { points: Point[]; label: Point }>;
}

/** What the layout depends on: node and edge ids (not names, sizes or access, which change
 *  nothing about positions). Equal keys, equal layouts: live updates reuse it. */
export function layoutKey(graph: MapGraph): string {
  return `${graph.nodes.map((n) => n.id).join('\n')}\n\n${graph.edges.map((e) => e.id).join('\n')}`;
}

export function layoutGraph(graph: MapGraph): MapLayout {
  const g = new graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>();
  // Labels are not given to dagre: as sized dummies they would stack into a column taller than the
  // nodes. Each is drawn at its edge's middle bend instead, which edgesep keeps a label apart.
  g.setGraph({ rankdir: 'LR', nodesep: 12, edgesep: 13, ranksep: 150, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) g.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of graph.edges) g.setEdge(edge.from, edge.to);
  layout(g);

  const nodes = new Map<string, Point>();
  for (const node of graph.nodes) {
    const { x = 0, y = 0 } = g.node(node.id);
    nodes.set(node.id, { x, y });
  }
  const edges = new Map<string, { points: Point[]; label: Point }>();
  for (const edge of graph.edges) {
    const e = g.edge(edge.from, edge.to);
    const points = (e.points ?? []).map((p) => ({ x: p.x, y: p.y }));
    edges.set(edge.id, { points, label: points[Math.floor(points.length / 2)] ?? { x: 0, y: 0 } });
  }
  const size = g.graph();
  return { width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0), nodes, edges };
}
