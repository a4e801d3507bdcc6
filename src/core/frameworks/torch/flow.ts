// Data flow in a PyTorch forward: which module call or merge op produced each tensor, and the sources of a call's arguments.
import type { Value } from '../../python/values';
import { TorchTensor } from './objects';
import type { FlowRef } from './objects';

/**
 * How provenance travels between module calls. A tensor remembers the producers it came from
 * (`TorchTensor.flow`): the module call that returned it, or a merge op. An op whose tensor inputs
 * all come from one producer (`F.relu`, `.view`, `torch.flatten`, indexing) passes that producer on,
 * so that the graph stays one node per layer as Netron and Keras show it. An op whose inputs come
 * from two or more producers (`out + identity`, `torch.cat([up, skip])`, `q @ k`) becomes a node
 * of its own, as torchview and `torch.fx` show it: a residual add or a U-Net's concatenation is
 * then a visible merge with one edge per branch, rather than edges that skip over it into the
 * next layer (which the union of producers would give, hiding where the branches meet).
 * A tensor whose provenance NormLens could not follow (made by a call it cannot read) has the
 * source `unknown`; a graph shows that edge as unknown rather than inventing one.
 */
export const UNKNOWN_FLOW: FlowRef = { unknown: true };

/** Where the tensor values among `v` came from (lists, tuples and dicts looked into); `unknownCounts`: an unknown value is an unknown source. */
export function sourcesOf(values: readonly Value[], unknownCounts: boolean): FlowRef[] {
	const out: FlowRef[] = [];
	const add = (r: FlowRef) => {
		if (!out.some((x) => sameRef(x, r))) {
			out.push(r);
		}
	};
	const visit = (v: Value, depth: number) => {
		if (v.k === 'obj' && v.obj instanceof TorchTensor) {
			(v.obj.flow ?? [UNKNOWN_FLOW]).forEach(add);
		} else if (v.k === 'unknown' && unknownCounts) {
			add(UNKNOWN_FLOW);
		} else if ((v.k === 'list' || v.k === 'tuple') && depth < 2) {
			v.items.forEach((x) => visit(x, depth + 1));
		} else if (v.k === 'dict' && depth < 2) {
			v.entries.forEach((x) => visit(x, depth + 1));
		}
	};
	values.forEach((v) => visit(v, 0));
	return out;
}

/** The sources of several lists, each once. */
export function union(...lists: FlowRef[][]): FlowRef[] {
	const out: FlowRef[] = [];
	for (const r of lists.flat()) {
		if (!out.some((x) => sameRef(x, r))) {
			out.push(r);
		}
	}
	return out;
}

function sameRef(a: FlowRef, b: FlowRef): boolean {
	if ('unknown' in a || 'unknown' in b) {
		return 'unknown' in a && 'unknown' in b;
	}
	if ('input' in a || 'input' in b) {
		return 'input' in a && 'input' in b && a.input === b.input;
	}
	return ('call' in a ? a.call : a.op) === ('call' in b ? b.call : b.op);
}

/** The fresh tensors of a result (a tensor, or the items of a tuple or list), those with no provenance yet. */
export function freshTensors(v: Value | undefined): TorchTensor[] {
	if (v?.k === 'obj' && v.obj instanceof TorchTensor) {
		return v.obj.flow === undefined ? [v.obj] : [];
	}
	if (v?.k === 'tuple' || v?.k === 'list') {
		return v.items.flatMap((x) => freshTensors(x));
	}
	return [];
}

/** Gives the fresh tensors of `v` the sources `flow`. */
export function stamp(v: Value | undefined, flow: FlowRef[]): void {
	for (const t of freshTensors(v)) {
		t.flow = flow;
	}
}
