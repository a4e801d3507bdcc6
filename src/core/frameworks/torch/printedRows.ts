// The rows torchinfo and torchsummary print for a model's forward, rebuilt from NormLens's call tree, to hold them against a notebook's stored output.
import type { SnapshotRow } from '../../notebook/printedSummary';
import type { Shape } from '../../../protocol/analysis';
import { moduleParams, subtreeEnds, torchinfoLeftover } from './costs';
import { CallRecord, modulePaths, TorchModule, TorchParam } from './objects';

const size = (p: TorchParam | undefined) =>
	p === undefined ? 0 : p.shape === null ? null : p.shape.reduce((a, b) => a * b, 1);

const add = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);

/** The calls of the forward in call order (pre-order: a module before the calls made inside it). */
function preOrder(top: CallRecord): CallRecord[] {
	const out: CallRecord[] = [top];
	const visit = (r: CallRecord) => r.children.forEach((c) => (out.push(c), visit(c)));
	visit(top);
	return out;
}

/**
 * torchinfo's rows (torchinfo.py `forward_pass`, `add_missing_container_layers`; layer_info.py): one
 * per call of a module registered in the model, from its forward pre-hook, at the module's depth in
 * the model's structure (not the call stack: a ModuleList iterated by its parent is a row of its own,
 * inserted before its first child, never executed); a module that ran before is `(recursive)`; a
 * row's leftover is what no row below it prints (its own parameters and those of submodules that never
 * ran), as `LayerInfo._leftover` computes it.
 */
export function torchinfoRows(root: TorchModule): SnapshotRow[] | undefined {
	const top = root.callRecord;
	if (!top) {
		return undefined;
	}
	const paths = modulePaths(root);
	const byPath = new Map([...paths].map(([m, p]) => [p, m]));
	interface Row {
		module: TorchModule;
		depth: number;
		shape: Shape | null;
		recursive: boolean;
	}
	const rows: Row[] = [];
	const ids = new Set<TorchModule>();
	const hierarchy = new Map<number, TorchModule>();
	const push = (module: TorchModule, depth: number, shape: Shape | null) => {
		rows.push({ module, depth, shape, recursive: ids.has(module) });
		ids.add(module);
	};
	for (const call of preOrder(top)) {
		const path = paths.get(call.module);
		if (path === undefined) {
			// Not registered in the model: torchinfo hooks only the model's modules.
			continue;
		}
		const parts = path === '' ? [] : path.split('.');
		const depth = parts.length;
		for (let d = 1; d < depth; d++) {
			const ancestor = byPath.get(parts.slice(0, d).join('.')) as TorchModule;
			if (hierarchy.get(d) !== ancestor && rows[rows.length - 1]?.module !== ancestor) {
				push(ancestor, d, null);
				hierarchy.set(d, ancestor);
			}
		}
		push(call.module, depth, call === top ? top.output : call.output);
		hierarchy.set(depth, call.module);
		for (let d = depth + 1; hierarchy.has(d); d++) {
			hierarchy.delete(d);
		}
	}
	const totals = new Map<TorchModule, number | null>();
	const params = (m: TorchModule) => {
		if (!totals.has(m)) {
			totals.set(m, moduleParams(m)?.total ?? null);
		}
		return totals.get(m) as number | null;
	};
	const leftover = torchinfoLeftover(
		rows.map((r) => r.module),
		subtreeEnds(rows.map((r) => r.depth)),
		rows.map((r) => r.recursive),
		params,
	);
	return rows.map((r, i) => {
		const path = paths.get(r.module) as string;
		return {
			name: path === '' ? r.module.type : (path.split('.').pop() as string),
			type: r.module.type,
			params: params(r.module),
			shape: r.shape,
			depth: r.depth,
			leftover: leftover(i),
			leaf: r.module.children.size === 0,
			recursive: r.recursive,
		};
	});
}

/** Modules torchsummary hooks no row for (besides the model itself). */
const TORCHSUMMARY_SKIPS = new Set(['Sequential', 'ModuleList']);

/**
 * torchsummary's rows (torchsummary.py `register_hook`): a forward hook on every module of the model
 * but the model itself, Sequential and ModuleList, so a row per call in the order the calls end (a
 * block after the layers inside it), numbered `Conv2d-1`, `Conv2d-2`, …; its figure is the module's
 * own `weight` and `bias` only, counted again at every call; its total is the sum of the rows, its
 * trainable part that of the rows whose weight requires grad.
 */
export function torchsummaryRows(root: TorchModule): SnapshotRow[] | undefined {
	const top = root.callRecord;
	if (!top) {
		return undefined;
	}
	const paths = modulePaths(root);
	const rows: SnapshotRow[] = [];
	const visit = (r: CallRecord) => {
		r.children.forEach(visit);
		const m = r.module;
		if (r === top || !paths.has(m) || TORCHSUMMARY_SKIPS.has(m.type)) {
			return;
		}
		const weight = m.params.get('weight') ?? m.buffers.get('weight');
		const bias = m.params.get('bias') ?? m.buffers.get('bias');
		rows.push({
			name: `${m.type}-${rows.length + 1}`,
			type: m.type,
			params: m.paramsKnown ? add(size(weight), size(bias)) : null,
			shape: r.output,
			// torchsummary calls a row trainable by its weight's requires_grad (no weight: not).
			trainable: weight?.requiresGrad === true,
		});
	};
	visit(top);
	return rows;
}
