// The rows torchinfo and torchsummary print for a model's forward, rebuilt from NormLens's call tree, to hold them against a notebook's stored output.
import type { SnapshotRow } from '../../notebook/printedSummary';
import type { Shape } from '../../../protocol/analysis';
import { CallRecord, modulePaths, TorchModule, TorchParam, walk } from './objects';

const size = (p: TorchParam | undefined) =>
	p === undefined ? 0 : p.shape === null ? null : p.shape.reduce((a, b) => a * b, 1);

const add = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);

/** The module's parameters with its submodules', each tensor once (null: one is unknown). */
function subtree(m: TorchModule): { params: number | null; trainable: boolean } {
	const seen = new Set<TorchParam>();
	let params: number | null = 0;
	let trainable = false;
	for (const x of walk(m)) {
		if (!x.paramsKnown) {
			params = null;
		}
		for (const p of x.params.values()) {
			if (!seen.has(p)) {
				seen.add(p);
				params = add(params, size(p));
				trainable ||= p.requiresGrad;
			}
		}
	}
	return { params, trainable };
}

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
	const totals = new Map<TorchModule, ReturnType<typeof subtree>>();
	const of = (m: TorchModule) => {
		if (!totals.has(m)) {
			totals.set(m, subtree(m));
		}
		return totals.get(m) as ReturnType<typeof subtree>;
	};
	const leaf = (m: TorchModule) => m.children.size === 0;
	// LayerInfo._leftover over the rows below row i (its descendants in the list).
	const leftover = (i: number): number | null => {
		let total = of(rows[i].module).params;
		const seen = new Set<TorchModule>();
		let j = i + 1;
		while (j < rows.length && rows[j].depth > rows[i].depth) {
			const child = rows[j];
			if (child.recursive) {
				if (!seen.has(child.module)) {
					seen.add(child.module);
					total = add(total, negate(of(child.module).params));
				}
				j++;
				while (j < rows.length && rows[j].depth > child.depth) {
					j++;
				}
				continue;
			}
			seen.add(child.module);
			total = add(total, negate(leaf(child.module) ? of(child.module).params : leftover(j)));
			// A non-leaf child's descendants are subtracted one by one after it, as torchinfo does.
			j++;
		}
		return total;
	};
	return rows.map((r, i) => {
		const path = paths.get(r.module) as string;
		return {
			name: path === '' ? r.module.type : (path.split('.').pop() as string),
			type: r.module.type,
			params: of(r.module).params,
			shape: r.shape,
			depth: r.depth,
			leftover: leftover(i),
			leaf: leaf(r.module),
			recursive: r.recursive,
			trainable: of(r.module).trainable,
		};
	});
}

const negate = (n: number | null) => (n === null ? null : -n);

/** Modules torchsummary hooks no row for (besides the model itself). */
const TORCHSUMMARY_SKIPS = new Set(['Sequential', 'ModuleList']);

/**
 * torchsummary's rows (torchsummary.py `register_hook`): a forward hook on every module of the model
 * but the model itself, Sequential and ModuleList, so a row per call in the order the calls end (a
 * block after the layers inside it), numbered `Conv2d-1`, `Conv2d-2`, …; its figure is the module's
 * own `weight` and `bias` only, counted again at every call.
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
		});
	};
	visit(top);
	return rows;
}
