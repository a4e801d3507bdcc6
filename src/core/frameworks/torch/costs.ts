// torchinfo's per-call columns (Kernel Shape, Mult-Adds, Param #/%, Trainable) and footer estimates, by its own definitions.
import type { CallEstimates, ModuleCall, Shape, UnknownCause } from '../../../protocol/analysis';
import { toJson } from '../../python/dictKeys';
import { CallRecord, TorchModule, TorchParam, walk, weightsCause } from './objects';
import { lostShape } from './shapeCauses';

/*
 * Definitions from torchinfo 1.8.0 (github.com/TylerYep/torchinfo, commit
 * 5c4164f1e2e185ce33c597dbe00535bf8ed2b930, MIT): layer_info.py (`get_kernel_size`,
 * `calculate_macs`, `_leftover`, `trainable`), model_statistics.py (the footer) and torchinfo.py
 * (`get_total_memory_used`). Element sizes: float32 (4 bytes) for parameters and the outputs of
 * layers with parameters, unless a dtype change is seen (then the byte figures are unknown).
 */

/** Bytes `sys.getsizeof` adds to a tensor's storage on 64-bit CPython (torchinfo's "Input size: 60" for one float32). */
export const STORAGE_OBJECT_BYTES = 56;

/**
 * `kernel_size` as the module stores it (torchinfo prints the attribute): these classes turn an int
 * into a tuple of their rank (`_single`/`_pair`/`_triple`); any other keeps what it was given.
 */
const KERNEL_TUPLE_RANK: Readonly<Record<string, number>> = {
	Conv1d: 1,
	Conv2d: 2,
	Conv3d: 3,
	ConvTranspose1d: 1,
	ConvTranspose2d: 2,
	ConvTranspose3d: 3,
	LazyConv1d: 1,
	LazyConv2d: 2,
	LazyConv3d: 3,
	LazyConvTranspose1d: 1,
	LazyConvTranspose2d: 2,
	LazyConvTranspose3d: 3,
	AvgPool1d: 1,
	FractionalMaxPool2d: 2,
	FractionalMaxPool3d: 3,
	MaxUnpool1d: 1,
	MaxUnpool2d: 2,
	MaxUnpool3d: 3,
};

/**
 * `calculate_macs` by the class name (torchinfo tests `"Conv" in class_name`, then `"Linear"`): the
 * output sizes a `weight` or `bias` parameter is multiplied by. Any other class: the batch (`out[0]`).
 */
const MACS_BY_CLASS: readonly { contains: string; sizes: (out: number[]) => number[] }[] = [
	{ contains: 'Conv', sizes: (out) => [out[0], ...out.slice(2)] },
	{ contains: 'Linear', sizes: (out) => out.slice(0, -1) },
];

const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);
const count = (p: TorchParam) => prod(p.shape as number[]);

/**
 * torchinfo's Kernel Shape of a module: its `kernel_size` (a catalogued layer's argument as PyTorch
 * stores it, or what a user module's code assigns to `self.kernel_size`), null when it has none,
 * `'?'` when it has one NormLens cannot read.
 */
export function kernelSize(m: TorchModule): number | number[] | '?' | null {
	const v = m.kernelAttr ?? m.config.get('kernel_size');
	if (!v) {
		return null;
	}
	const k = toJson(v);
	const rank = m.kernelAttr ? undefined : KERNEL_TUPLE_RANK[m.spec?.name ?? m.type];
	if (typeof k === 'number' && Number.isInteger(k)) {
		return rank ? Array<number>(rank).fill(k) : k;
	}
	return Array.isArray(k) && k.every((x) => typeof x === 'number') ? (k as number[]) : '?';
}

/** A leaf call's mult-adds (torchinfo's `calculate_macs`), or why they are unknown. */
function leafMacs(m: TorchModule, output: Shape | null): number | UnknownCause {
	if (!m.paramsKnown || [...m.params.values()].some((p) => p.shape === null)) {
		return (
			m.unknownCause ?? {
				reason: `the parameters of this ${m.type} are unknown`,
				range: m.range,
			}
		);
	}
	let macs = 0;
	for (const [name, p] of m.params) {
		const rnnLike = name !== 'weight' && name !== 'bias';
		if (rnnLike && !name.includes('weight') && !name.includes('bias')) {
			continue;
		}
		const lost = output ? undefined : lostShape(m);
		if (lost) {
			return {
				reason: `the mult-adds of a ${m.type} are counted on its output shape, which is unknown: ${lost.reason}`,
				range: lost.range,
			};
		}
		if (!output || output.some((d) => d === null) || output.length === 0) {
			return {
				reason: `its output shape is ${output ? 'not fully known' : 'unknown'}, and the mult-adds of a ${m.type} are counted on it`,
				range: m.range,
			};
		}
		const out = output as number[];
		const rule = MACS_BY_CLASS.find((r) => m.type.includes(r.contains));
		// RNN weights (weight_ih_l0, bias_hh_l0) count over the first two output sizes.
		const sizes = rnnLike ? out.slice(0, 2) : rule ? rule.sizes(out) : [out[0]];
		macs += count(p) * prod(sizes);
	}
	return macs;
}

/** Why the bytes of a module's weights are unknown: a dtype change it went through, or a `dtype=` argument. */
function dtypeCause(m: TorchModule): UnknownCause | undefined {
	for (const x of walk(m)) {
		if (x.dtypeCause) {
			return x.dtypeCause;
		}
		const d = x.config.get('dtype');
		if (d && d.k !== 'none') {
			return {
				reason: `\`dtype=\` on this ${x.type}: NormLens counts bytes for float32 weights only`,
				range: x.range,
			};
		}
	}
	return undefined;
}

/** A module's parameters with its submodules (`named_parameters()`: each tensor once), or null. */
export function moduleParams(m: TorchModule): { total: number; trainable: number } | null {
	const all = walk(m);
	if (all.some((x) => !x.paramsKnown || x.unknownCause)) {
		return null;
	}
	const params = new Set<TorchParam>();
	all.forEach((x) => x.params.forEach((p) => params.add(p)));
	if ([...params].some((p) => p.shape === null || p.gradCause)) {
		return null;
	}
	return [...params].reduce(
		(s, p) => ({
			total: s.total + count(p),
			trainable: s.trainable + (p.requiresGrad ? count(p) : 0),
		}),
		{ total: 0, trainable: 0 },
	);
}

/** What `callCosts` needs of each call, beside the row itself. */
export interface CostedCall {
	call: Omit<
		ModuleCall,
		'kernelSize' | 'leaf' | 'macs' | 'trainableParams' | 'rowParams' | 'tied' | 'unknown'
	>;
	module: TorchModule;
	record: CallRecord;
}

/**
 * torchinfo's `LayerInfo._leftover` for rows in its order: row i's parameters less those of every
 * row below it (`end[i]` is the end, exclusive, of its subtree in the list) — a leaf's count, a
 * container's own leftover, and a "(recursive)" row's count once, its subtree skipped. Null where a
 * count it needs is unknown.
 */
export function torchinfoLeftover(
	modules: readonly TorchModule[],
	end: readonly number[],
	recursive: readonly boolean[],
	paramsOf: (m: TorchModule) => number | null,
): (i: number) => number | null {
	const memo = new Map<number, number | null>();
	const leftoverOf = (i: number): number | null => {
		if (memo.has(i)) {
			return memo.get(i) as number | null;
		}
		let total = paramsOf(modules[i]);
		const seen = new Set<TorchModule>();
		for (let j = i + 1; j < end[i] && total !== null;) {
			const m = modules[j];
			if (recursive[j]) {
				if (!seen.has(m)) {
					seen.add(m);
					const num = paramsOf(m);
					total = num === null ? null : total - num;
				}
				j = end[j];
				continue;
			}
			seen.add(m);
			const sub = m.children.size === 0 ? paramsOf(m) : leftoverOf(j);
			total = sub === null ? null : total - sub;
			j++;
		}
		memo.set(i, total);
		return total;
	};
	return leftoverOf;
}

/** The end (exclusive) of each row's subtree in a list of rows in depth-first order. */
export function subtreeEnds(depths: readonly number[]): number[] {
	const end = new Array<number>(depths.length);
	const open: number[] = [];
	depths.forEach((d, i) => {
		while (open.length > 0 && depths[open[open.length - 1]] >= d) {
			end[open.pop() as number] = i;
		}
		open.push(i);
	});
	open.forEach((i) => (end[i] = depths.length));
	return end;
}

/**
 * The calls (the model's own first) with torchinfo's columns, and its footer; `defaultDtype` is a
 * `torch.set_default_dtype` call, if any.
 */
export function callCosts(
	costed: readonly CostedCall[],
	root: TorchModule,
	defaultDtype: UnknownCause | undefined,
): { calls: ModuleCall[]; estimates: CallEstimates } {
	const counts = new Map<TorchModule, { total: number; trainable: number } | null>();
	const paramsOf = (m: TorchModule) => {
		if (!counts.has(m)) {
			counts.set(m, moduleParams(m));
		}
		return counts.get(m) ?? null;
	};
	const unknownParams = (m: TorchModule): UnknownCause => ({
		reason: `the parameters of this ${m.type} (or of a module inside it) are unknown`,
		range: m.range,
	});
	// The end (exclusive) of each call's subtree in the list.
	const end = subtreeEnds(costed.map((c) => c.call.depth));
	const leaf = costed.map((c) => c.module.children.size === 0);
	// ModelStatistics: a row whose direct parameters were all counted on earlier rows is "(recursive)".
	const seenParams = new Set<TorchParam>();
	const tied = costed.map((c) => {
		const direct = [...c.module.params.values()];
		const fresh = direct.filter((p) => !seenParams.has(p));
		fresh.forEach((p) => seenParams.add(p));
		return (
			!c.call.repeat &&
			fresh.length === 0 &&
			direct.some((p) => p.shape === null || count(p) > 0)
		);
	});
	const recursive = costed.map((c, i) => c.call.repeat || tied[i]);
	const own = costed.map((c, i) => (leaf[i] ? leafMacs(c.module, c.record.output) : 0));
	const leftoverOf = torchinfoLeftover(
		costed.map((c) => c.module),
		end,
		recursive,
		(m) => paramsOf(m)?.total ?? null,
	);
	const calls = costed.map((c, i): ModuleCall => {
		const params = paramsOf(c.module);
		let macs: number | null = null;
		// A container's row (the model's own) with no output shape says why first: its mult-adds,
		// summed over its leaves, are unknown for the same reason or a later one.
		let cause: UnknownCause | undefined =
			!leaf[i] && c.call.outputShape === null ? c.record.outputCause : undefined;
		if (leaf[i]) {
			const m = own[i];
			if (typeof m === 'number') {
				macs = m;
			} else {
				cause = m;
			}
		} else {
			macs = 0;
			for (let j = i + 1; j < end[i]; j++) {
				const m = own[j];
				if (leaf[j] && typeof m !== 'number') {
					macs = null;
					cause ??= m;
					break;
				}
				macs += leaf[j] ? (m as number) : 0;
			}
		}
		const kernel = kernelSize(c.module);
		if (kernel === '?') {
			cause ??= {
				reason: `the \`kernel_size\` of this ${c.module.type} is a value NormLens cannot read`,
				range: c.module.range,
			};
		}
		const rowParams = recursive[i] ? 0 : leaf[i] ? (params?.total ?? null) : leftoverOf(i);
		if (rowParams === null) {
			cause ??= unknownParams(c.module);
		}
		if (c.call.outputShape === null) {
			// A container's row (the model's own) whose forward returned what NormLens lost.
			cause ??= c.record.outputCause;
		}
		return {
			...c.call,
			// named_parameters(): a weight tied across two submodules once.
			params: params?.total ?? c.call.params,
			kernelSize: kernel,
			leaf: leaf[i],
			tied: tied[i],
			macs,
			trainableParams: params?.trainable ?? null,
			rowParams,
			...(cause ? { unknown: cause } : {}),
		};
	});
	const totalParams = paramsOf(root)?.total ?? null;
	return { calls, estimates: estimates(costed, calls, root, totalParams, defaultDtype) };
}

/** torchinfo's footer (ModelStatistics): mult-adds, and the input, forward/backward and parameter bytes. */
function estimates(
	costed: readonly CostedCall[],
	calls: readonly ModuleCall[],
	root: TorchModule,
	totalParams: number | null,
	defaultDtype: UnknownCause | undefined,
): CallEstimates {
	const causes: CallEstimates['causes'] = {};
	let totalMacs: number | null = 0;
	for (const c of calls) {
		if (c.leaf) {
			if (c.macs === null) {
				totalMacs = null;
				causes.totalMacs = c.unknown;
				break;
			}
			totalMacs += c.macs;
		}
	}
	const weightsCause = defaultDtype ?? dtypeCause(root);
	// Forward/backward: the outputs of leaf calls of modules with parameters, ×2 for the gradients.
	let forwardBackwardBytes: number | null = weightsCause ? null : 0;
	if (weightsCause) {
		causes.forwardBackwardBytes = weightsCause;
	}
	for (let i = 0; i < calls.length && forwardBackwardBytes !== null; i++) {
		const { module, record } = costed[i];
		if (!calls[i].leaf) {
			continue;
		}
		const params = moduleParams(module);
		const out = record.output;
		if (params === null || (params.total > 0 && (!out || out.some((d) => d === null)))) {
			forwardBackwardBytes = null;
			causes.forwardBackwardBytes =
				params === null ? lostParams(module) : lostOutput(module, out);
		} else if (params.total > 0) {
			forwardBackwardBytes += 2 * 4 * prod(out as number[]);
		}
	}
	const paramBytes = weightsCause || totalParams === null ? null : totalParams * 4;
	if (paramBytes === null) {
		causes.paramBytes = weightsCause ?? unknownTotal(root);
	}
	const top = costed[0]?.record;
	const args = top?.inputBytes ?? [];
	let inputBytes: number | null = null;
	if (defaultDtype) {
		causes.inputBytes = defaultDtype;
	} else if (top?.keywordArgs) {
		causes.inputBytes = {
			reason: 'the model is called with keyword arguments, which torchinfo does not count in its input size',
			range: root.range,
		};
	} else if (args.length === 0 || args.some((b) => b === null)) {
		causes.inputBytes = {
			reason: 'the sizes or the dtype of an input to the model are unknown (NormLens knows the dtype where the rules of PyTorch fix it: float32 from `torch.randn(…)` and its kin, int64 from `torch.randint`, what `dtype=` or a cast names)',
			range: root.range,
		};
	} else {
		inputBytes = (args as number[]).reduce((s, b) => s + b + STORAGE_OBJECT_BYTES, 0);
	}
	const parts = [inputBytes, forwardBackwardBytes, paramBytes];
	const totalBytes = parts.every((p) => p !== null)
		? (parts as number[]).reduce((a, b) => a + b, 0)
		: null;
	if (totalBytes === null) {
		causes.totalBytes = causes.inputBytes ?? causes.forwardBackwardBytes ?? causes.paramBytes;
	}
	return { totalMacs, inputBytes, forwardBackwardBytes, paramBytes, totalBytes, causes };
}

/** Why the model's parameter total is unknown: the first module whose counts are, when NormLens knows. */
function unknownTotal(root: TorchModule): UnknownCause {
	return (
		walk(root)
			.map(weightsCause)
			.find((c) => c !== undefined) ?? {
			reason: `the parameter total of ${root.varName ?? root.type} is unknown`,
			range: root.range,
		}
	);
}

/** Why a module's parameters are unknown, as the bytes column says it: where they were lost, when NormLens knows. */
function lostParams(module: TorchModule): UnknownCause {
	return (
		weightsCause(module) ?? {
			reason: `the parameters of this ${module.type} are unknown`,
			range: module.range,
		}
	);
}

/** Why a module's output shape is not fully known, as the bytes column says it. */
function lostOutput(module: TorchModule, out: Shape | null): UnknownCause {
	const lost = out ? undefined : lostShape(module);
	return lost
		? {
				reason: `the output shape of this ${module.type} is unknown: ${lost.reason}`,
				range: lost.range,
			}
		: {
				reason: `the output shape of this ${module.type} is ${out ? 'not fully known' : 'unknown'}`,
				range: module.range,
			};
}
