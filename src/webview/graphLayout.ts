// Where each node and edge of the graph view goes: a layered layout by @dagrejs/dagre. Pure (no
// DOM), so that it is tested and timed in plain Node.
import dagre from '@dagrejs/dagre';
import type { GraphEdge, GraphNode, ModelGraph } from './graphModel';

/**
 * Why dagre (@dagrejs/dagre 3.1.4, pinned), not elkjs 0.12.1: both lay out a DAG in layers (Sugiyama)
 * well; measured in Node 20 on this machine (2 vCPU), median of 5 after a warm-up, with the graphs
 * this file lays out (scripts/benchGraph.mjs, BENCHMARKS.md):
 *   ResNet50 (177 nodes, 192 edges): dagre 62 ms, elkjs 139 ms;
 *   DenseNet121 (493 nodes, 1,021 edges): dagre 290 ms, elkjs 633 ms.
 * dagre is 49 KB minified against elkjs's 1.6 MB (a GWT build), is synchronous (no worker: the
 * webview's CSP allows no remote worker, and elkjs without one runs its fake worker on the UI
 * thread anyway), and neither uses eval or `new Function` (checked in the bundles). elkjs's ports
 * and orthogonal routing are not needed for one-input, one-output layers.
 */

export const NODE_HEIGHT = 44;
/** The width a node's box needs for its two lines (a monospace-like estimate: 7 px a character). */
export function nodeWidth(n: GraphNode): number {
	// A normalization node's badge takes the top right corner: its label keeps clear of it.
	const chars = Math.max(n.label.length + (n.norm ? 4 : 0), n.type.length, 4);
	return Math.min(
		360,
		Math.max(n.kind === 'op' || n.kind === 'unknown' ? 56 : 96, chars * 7.5 + 24),
	);
}

export interface PlacedNode {
	node: GraphNode;
	/** Top-left corner and size. */
	x: number;
	y: number;
	width: number;
	height: number;
}

export interface PlacedEdge {
	from: string;
	to: string;
	unknown: boolean;
	points: { x: number; y: number }[];
	/** Drawn in a lane beside the layout (a long edge past the layout's budget), not by dagre. */
	bus: boolean;
}

export interface GraphLayout {
	nodes: PlacedNode[];
	edges: PlacedEdge[];
	width: number;
	height: number;
}

/**
 * How many rank crossings the edges given to dagre may span in all. dagre turns an edge across k
 * ranks into k − 1 dummy nodes, and its ordering step grows faster than linearly with them:
 * DenseNet121's concatenations (every layer's features into every later one in its block) span
 * about 16,000 ranks, which took dagre 13.7 s. The edges past this budget, the longest first, are
 * drawn as buses in lanes beside the layout instead (`laneEdges`).
 */
const SPAN_BUDGET = 600;

/** Lays `g` out top to bottom, inputs first (the order of `g.nodes`: the model's own). */
export function layoutGraph(g: ModelGraph): GraphLayout {
	const order = new Map(g.nodes.map((n, i) => [n.id, i]));
	const span = (e: { from: string; to: string }) =>
		Math.max(1, (order.get(e.to) ?? 0) - (order.get(e.from) ?? 0));
	// Each node keeps its nearest source in the layout; the other edges go in by span while the budget lasts.
	const nearest = new Map<string, GraphEdge>();
	for (const e of g.edges) {
		const k = nearest.get(e.to);
		if (!k || span(e) < span(k)) {
			nearest.set(e.to, e);
		}
	}
	const laid = new Set(nearest.values());
	let spent = [...laid].reduce((s, e) => s + span(e) - 1, 0);
	for (const e of [...g.edges].sort((a, b) => span(a) - span(b))) {
		if (!laid.has(e) && spent + span(e) - 1 <= SPAN_BUDGET) {
			laid.add(e);
			spent += span(e) - 1;
		}
	}
	const d = new dagre.graphlib.Graph();
	d.setGraph({
		rankdir: 'TB',
		ranker: 'tight-tree',
		nodesep: 24,
		ranksep: 36,
		edgesep: 12,
		marginx: 16,
		marginy: 16,
	});
	d.setDefaultEdgeLabel(() => ({}));
	for (const n of g.nodes) {
		d.setNode(n.id, { width: nodeWidth(n), height: NODE_HEIGHT });
	}
	for (const e of laid) {
		d.setEdge(e.from, e.to);
	}
	dagre.layout(d);
	const nodes = g.nodes.map((node): PlacedNode => {
		const p = d.node(node.id) as { x: number; y: number; width: number; height: number };
		return {
			node,
			x: p.x - p.width / 2,
			y: p.y - p.height / 2,
			width: p.width,
			height: p.height,
		};
	});
	const label = d.graph() as { width?: number; height?: number };
	const bus = g.edges.filter((e) => !laid.has(e));
	const lanes = laneEdges(nodes, bus);
	const shift = lanes.width;
	for (const n of nodes) {
		n.x += shift;
	}
	const edges = g.edges.map((e): PlacedEdge => {
		if (!laid.has(e)) {
			return { ...e, points: lanes.points.get(e) ?? [], bus: true };
		}
		const points =
			(d.edge(e.from, e.to) as { points?: { x: number; y: number }[] }).points ?? [];
		return { ...e, points: points.map((p) => ({ x: p.x + shift, y: p.y })), bus: false };
	});
	return { nodes, edges, width: (label.width ?? 0) + shift, height: label.height ?? 0 };
}

const LANE_GAP = 8;

/**
 * Long edges as buses left of the layout: one vertical lane per source, from just under it to just
 * above its last target, with a tap in the gap above each target (no line crosses a node). Sources
 * whose vertical spans do not overlap share a lane (greedy interval colouring). Points are in the
 * layout's coordinates after it moves right by the returned width.
 */
function laneEdges(
	nodes: PlacedNode[],
	edges: GraphEdge[],
): { width: number; points: Map<GraphEdge, { x: number; y: number }[]> } {
	const at = new Map(nodes.map((n) => [n.node.id, n]));
	const bySource = new Map<string, GraphEdge[]>();
	for (const e of edges) {
		bySource.set(e.from, [...(bySource.get(e.from) ?? []), e]);
	}
	const buses = [...bySource].map(([from, es]) => {
		const src = at.get(from) as PlacedNode;
		const top = src.y + src.height + LANE_GAP / 2;
		const bottom = Math.max(...es.map((e) => (at.get(e.to) as PlacedNode).y - LANE_GAP / 2));
		return { src, es, top, bottom, lane: 0 };
	});
	buses.sort((a, b) => a.top - b.top);
	const laneEnds: number[] = [];
	for (const b of buses) {
		const free = laneEnds.findIndex((end) => end < b.top);
		b.lane = free >= 0 ? free : laneEnds.length;
		laneEnds[b.lane] = b.bottom;
	}
	const width = laneEnds.length > 0 ? laneEnds.length * LANE_GAP + LANE_GAP : 0;
	const points = new Map<GraphEdge, { x: number; y: number }[]>();
	for (const b of buses) {
		const x = width - LANE_GAP * (b.lane + 1);
		const sx = b.src.x + width + b.src.width / 2;
		for (const e of b.es) {
			const t = at.get(e.to) as PlacedNode;
			const tx = t.x + width + t.width / 2;
			const ty = t.y - LANE_GAP / 2;
			points.set(e, [
				{ x: sx, y: b.src.y + b.src.height },
				{ x: sx, y: b.top },
				{ x, y: b.top },
				{ x, y: ty },
				{ x: tx, y: ty },
				{ x: tx, y: t.y },
			]);
		}
	}
	return { width, points };
}
