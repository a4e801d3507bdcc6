// Where each node and edge of the graph view goes: a layered layout by @dagrejs/dagre. Pure (no
// DOM), so that it is tested and timed in plain Node.
import dagre from '@dagrejs/dagre';
import type { GraphEdge, GraphNode, ModelGraph } from './graphModel';

/**
 * Why dagre (@dagrejs/dagre 3.1.4, pinned), not elkjs 0.12.1: both lay a DAG out in layers
 * (Sugiyama) well. Timed in Node 20 on this machine (2 vCPU, load average about 5 from parallel
 * work), median of 5 after a warm-up, on the graphs this file lays out (scripts/benchGraph.mjs,
 * BENCHMARKS.md), both given the same nodes and edges:
 *   ResNet50 (176 nodes, 191 edges, all laid out): dagre 108–120 ms, elkjs 167–175 ms;
 *   DenseNet121 (426 nodes, 960 edges; 454 laid out, 506 in lanes): dagre 203–252 ms, elkjs 199–238 ms;
 *   DenseNet121 with every edge laid out: dagre 13.7 s, elkjs 17.4 s — hence `SPAN_BUDGET`.
 * As fast, then; dagre is 49 KB minified (graphlib included) against elkjs's 1.6 MB (a GWT
 * build) in a .vsix we keep lean, and synchronous: elkjs wants a Web Worker, which the webview's
 * CSP does not allow from a remote URL (without one it runs a fake worker on the UI thread
 * anyway). Neither bundle uses eval or `new Function` (checked), so both run under the strict CSP.
 * elkjs's ports and orthogonal routing are not needed for one-output layers.
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
 * drawn as buses in lanes beside the layout instead (`laneEdges`). 200 keeps every residual of
 * ResNet50 (16 identities of about 10 ranks) in the layout, as parallel branches.
 */
const SPAN_BUDGET = 200;

/**
 * The edges dagre lays out: each node's nearest source (in the model's order), then the others by
 * span while `SPAN_BUDGET` lasts; the rest are drawn in lanes (`laneEdges`).
 */
export function laidEdges(g: ModelGraph): Set<GraphEdge> {
	const order = new Map(g.nodes.map((n, i) => [n.id, i]));
	const span = (e: { from: string; to: string }) =>
		Math.max(1, (order.get(e.to) ?? 0) - (order.get(e.from) ?? 0));
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
	return laid;
}

/** Lays `g` out top to bottom, inputs first (the order of `g.nodes`: the model's own). */
export function layoutGraph(g: ModelGraph): GraphLayout {
	const laid = laidEdges(g);
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
