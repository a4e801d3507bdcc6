// The model as a data-flow graph (the panel's graph view): nodes, edges and normalization marks from
// a summary's layers (Keras) or forward calls and merge ops (PyTorch). Pure, tested in plain Node.
import type { FlowSource, ModelSummary, Shape } from '../protocol/analysis';

export type GraphNodeKind = 'input' | 'layer' | 'op' | 'output' | 'unknown';

export interface GraphNode {
	id: string;
	kind: GraphNodeKind;
	/** What the node says on its first line: the layer's name, the op, `input`. */
	label: string;
	/** Its second line: the layer's type, or the op's kind. */
	type: string;
	/** The summary row it selects (a layer's name; a PyTorch call's module path), null for others. */
	layerName: string | null;
	/** A normalization layer (the panel explains it): marked by a badge and a border, not by colour alone. */
	norm: boolean;
	outputShape: Shape | null;
	/** PyTorch: the node's row in `calls` or `ops`. */
	call?: number;
	op?: number;
}

export interface GraphEdge {
	from: string;
	to: string;
	/** The source is one NormLens could not follow: drawn dashed from a `?` node, never invented. */
	unknown: boolean;
}

export interface ModelGraph {
	nodes: GraphNode[];
	edges: GraphEdge[];
}

/**
 * The graph of `model`, or null when it has none to show (a PyTorch model whose forward NormLens
 * did not follow). `norms`: the names of the layers the panel explains as normalizations.
 */
export function modelGraph(model: ModelSummary, norms: ReadonlySet<string>): ModelGraph | null {
	if (model.framework === 'torch') {
		return model.calls && model.calls.length > 1 ? torchGraph(model, norms) : null;
	}
	return model.layers.length > 0 ? kerasGraph(model, norms) : null;
}

function kerasGraph(model: ModelSummary, norms: ReadonlySet<string>): ModelGraph {
	const nodes: GraphNode[] = model.layers.map((l) => ({
		id: `layer:${l.name}`,
		kind: l.type === 'InputLayer' ? 'input' : 'layer',
		label: l.name,
		type: l.type,
		layerName: l.name,
		norm: norms.has(l.name),
		outputShape: l.outputShape,
	}));
	const names = new Set(model.layers.map((l) => l.name));
	const edges: GraphEdge[] = [];
	// A Sequential model is a chain; a functional one has each layer's inbound layers.
	const chain = model.kind === 'sequential' || model.layers.every((l) => l.inbound.length === 0);
	model.layers.forEach((l, i) => {
		if (chain) {
			if (i > 0) {
				edges.push({ from: nodes[i - 1].id, to: nodes[i].id, unknown: false });
			}
			return;
		}
		for (const from of l.inbound) {
			if (names.has(from)) {
				edges.push({ from: `layer:${from}`, to: nodes[i].id, unknown: false });
			}
		}
	});
	return { nodes, edges };
}

function torchGraph(model: ModelSummary, norms: ReadonlySet<string>): ModelGraph {
	const calls = model.calls ?? [];
	const ops = model.ops ?? [];
	const layerNames = new Set(model.layers.map((l) => l.name));
	// A leaf call (one with no module calls inside) is a node; so is any call a tensor came from.
	const isNode = calls.map(
		(c, i) => i > 0 && (i + 1 >= calls.length || calls[i + 1].depth <= c.depth),
	);
	const mark = (s: FlowSource) => {
		if (s.kind === 'call' && s.index > 0) {
			isNode[s.index] = true;
		}
	};
	calls.forEach((c, i) => isNode[i] && c.inbound?.forEach(mark));
	ops.forEach((o) => o.inbound.forEach(mark));
	(model.outputs ?? []).forEach(mark);

	const nodes: GraphNode[] = [];
	const edges: GraphEdge[] = [];
	const inputs = new Set<number>();
	const edgesInto = (to: string, sources: readonly FlowSource[] | undefined) => {
		for (const s of sources ?? []) {
			if (s.kind === 'unknown') {
				const id = `unknown:${to}`;
				if (!nodes.some((n) => n.id === id)) {
					nodes.push(unknownNode(id));
				}
				edges.push({ from: id, to, unknown: true });
			} else if (s.kind === 'input') {
				inputs.add(s.index);
				edges.push({ from: `input:${s.index}`, to, unknown: false });
			} else if (s.kind === 'call' && s.index === 0) {
				// The model's own call as a source: its input (a value made before its first layer).
				inputs.add(0);
				edges.push({ from: 'input:0', to, unknown: false });
			} else {
				edges.push({ from: `${s.kind}:${s.index}`, to, unknown: false });
			}
		}
	};
	calls.forEach((c, i) => {
		if (!isNode[i]) {
			return;
		}
		const id = `call:${i}`;
		nodes.push({
			id,
			kind: 'layer',
			label: c.name,
			type: c.type,
			layerName: layerNames.has(c.name) ? c.name : null,
			norm: norms.has(c.name),
			outputShape: c.outputShape,
			call: i,
		});
		edgesInto(id, c.inbound);
	});
	ops.forEach((o, i) => {
		const id = `op:${i}`;
		nodes.push({
			id,
			kind: 'op',
			label: o.name,
			type: 'op',
			layerName: null,
			norm: false,
			outputShape: o.outputShape,
			op: i,
		});
		edgesInto(id, o.inbound);
	});
	if (model.outputs && model.outputs.length > 0) {
		nodes.push({
			id: 'output',
			kind: 'output',
			label: 'output',
			type: 'output',
			layerName: null,
			norm: false,
			outputShape: calls[0].outputShape,
		});
		edgesInto('output', model.outputs);
	}
	const inputNodes = [...inputs]
		.sort((a, b) => a - b)
		.map((i): GraphNode => ({
			id: `input:${i}`,
			kind: 'input',
			label: inputs.size > 1 ? `input ${i}` : 'input',
			type: 'example input',
			layerName: null,
			norm: false,
			outputShape: i === 0 ? calls[0].inputShape : null,
		}));
	return { nodes: [...inputNodes, ...executionOrder(nodes, ops)], edges };
}

/**
 * The nodes in the order the forward ran them: a call at its row, a merge op just after the latest
 * call it reads (ops in their own order among themselves), a `?` just before the node it feeds.
 */
function executionOrder(nodes: GraphNode[], ops: ModelSummary['ops'] & object): GraphNode[] {
	const tiny = 1 / (2 * (ops.length + 1));
	const opAfter: number[] = [];
	ops.forEach((o, j) => {
		const after = o.inbound.map((s) =>
			s.kind === 'call' ? s.index : s.kind === 'op' ? (opAfter[s.index] ?? -1) : -1,
		);
		opAfter[j] = Math.max(-1, ...after);
	});
	const key = (n: GraphNode): number =>
		n.call !== undefined
			? n.call
			: n.op !== undefined
				? opAfter[n.op] + 0.5 + n.op * tiny
				: n.kind === 'output'
					? Infinity
					: -1;
	const keys = new Map(nodes.map((n) => [n.id, key(n)]));
	for (const n of nodes) {
		if (n.kind === 'unknown') {
			keys.set(n.id, (keys.get(n.id.slice('unknown:'.length)) ?? 0) - tiny / 2);
		}
	}
	return [...nodes].sort((a, b) => (keys.get(a.id) ?? 0) - (keys.get(b.id) ?? 0));
}

function unknownNode(id: string): GraphNode {
	return {
		id,
		kind: 'unknown',
		label: '?',
		type: 'not followed',
		layerName: null,
		norm: false,
		outputShape: null,
	};
}

/**
 * The edges that skip: from a node to one that is not next after it in the model's order (a
 * residual's identity, a U-Net's bridge). The UI checks look for one on screen.
 */
export function skipEdges(g: ModelGraph): GraphEdge[] {
	const order = new Map(g.nodes.map((n, i) => [n.id, i]));
	return g.edges.filter((e) => {
		const a = order.get(e.from);
		const b = order.get(e.to);
		return a !== undefined && b !== undefined && Math.abs(b - a) > 1 && !e.unknown;
	});
}
