// How a tensor's elements lie in its storage, as far as `x.view(…)` needs it: PyTorch views a tensor
// only where the new shape fits its strides (`x.transpose(1, 2).view(b, -1)` raises), so NormLens
// follows the strides that PyTorch's view ops and element-wise ops give, and says it does not know
// where another op's layout is not PyTorch's documented rule.
import type { Shape } from '../../../../protocol/analysis';
import type { Value } from '../../../python/values';
import type { TorchLayoutRule } from '../catalogue';
import { TorchParam, TorchTensor } from '../objects';

/**
 * A tensor's layout: undefined for row-major contiguous (every fresh tensor), its strides (in
 * elements, one per dim) for a view that is not contiguous, or why NormLens does not know it.
 */
export type Layout = KnownLayout | UnknownLayout;
/** Contiguous (undefined) or these strides. */
export type KnownLayout = readonly number[] | undefined;
/**
 * Not known, after this op; `candidates`, where PyTorch's rule leaves a choice NormLens cannot make
 * (a convolution of a channels-last input gives a channels-last or a contiguous output, by backend):
 * a view then fits or not for every candidate alike, or its outcome is unknown.
 */
export interface UnknownLayout {
	readonly unknownAfter: string;
	readonly candidates?: readonly KnownLayout[];
}

/** A tensor's shape and layout, as the layout rules read them. */
export interface Laid {
	readonly shape: Shape | null;
	readonly layout: Layout;
}

/**
 * A size NormLens does not know (the batch of a model without an example input) stands for one
 * large prime in stride arithmetic: equal strides then mean what they would for any size, but a
 * view that does not fit may only not fit for that stand-in, so it is unknown rather than refused.
 */
const UNKNOWN_SIZE = 1_000_003;
const sizesOf = (shape: Shape): number[] => shape.map((d) => (d === null ? UNKNOWN_SIZE : d));

export function contiguousStrides(sizes: readonly number[]): number[] {
	const out = new Array<number>(sizes.length);
	let acc = 1;
	for (let i = sizes.length - 1; i >= 0; i--) {
		out[i] = acc;
		acc *= Math.max(sizes[i], 1);
	}
	return out;
}

/** PyTorch's `is_contiguous()`: row-major strides, ignoring dims of size 1; any empty tensor. */
export function isContiguous(sizes: readonly number[], strides: readonly number[]): boolean {
	if (sizes.some((d) => d === 0)) {
		return true;
	}
	let expected = 1;
	for (let i = sizes.length - 1; i >= 0; i--) {
		if (sizes[i] !== 1) {
			if (strides[i] !== expected) {
				return false;
			}
			expected *= sizes[i];
		}
	}
	return true;
}

/** Strides as a Layout: undefined where they are contiguous. */
function normalized(shape: Shape, strides: readonly number[]): KnownLayout {
	return isContiguous(sizesOf(shape), strides) ? undefined : strides;
}

export const isUnknownLayout = (l: Layout): l is UnknownLayout =>
	l !== undefined && !Array.isArray(l);

/**
 * `f` of x, where x's layout is one of several candidates: f of each, one layout where they agree,
 * the candidates where each is known, else unknown.
 */
function lift(t: Laid, f: (known: Laid) => Layout): Layout {
	const l = t.layout;
	if (!isUnknownLayout(l)) {
		return f(t);
	}
	if (!l.candidates) {
		return l;
	}
	const known: KnownLayout[] = [];
	for (const r of l.candidates.map((c) => f({ shape: t.shape, layout: c }))) {
		// A candidate that itself leaves a choice adds its candidates.
		const more = isUnknownLayout(r) ? r.candidates : [r];
		if (!more) {
			return { unknownAfter: l.unknownAfter };
		}
		known.push(...more.filter((m) => !known.some((k) => sameLayout(k, m))));
	}
	return known.length === 1 ? known[0] : { unknownAfter: l.unknownAfter, candidates: known };
}

const sameLayout = (a: KnownLayout, b: KnownLayout) =>
	a === b ||
	(a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]));

/** A tensor's strides (contiguous ones where its layout is undefined); undefined where unknown. */
export function stridesOf(t: Laid): readonly number[] | undefined {
	if (!t.shape || isUnknownLayout(t.layout)) {
		return undefined;
	}
	return (t.layout as readonly number[] | undefined) ?? contiguousStrides(sizesOf(t.shape));
}

/** Non-overlapping and dense (PyTorch's check before an op keeps its input's strides as they are). */
function isDense(sizes: readonly number[], strides: readonly number[]): boolean {
	const dims = sizes
		.map((size, i) => ({ size, stride: strides[i] }))
		.filter((d) => d.size !== 1)
		.sort((a, b) => a.stride - b.stride);
	let expected = 1;
	for (const d of dims) {
		if (d.stride !== expected) {
			return false;
		}
		expected *= d.size;
	}
	return true;
}

/**
 * PyTorch's `computeStride` (ATen/TensorUtils.cpp): the strides of `x.view(newShape)`, or null
 * where the new shape splits or merges dims across a gap in x's strides (the view's RuntimeError).
 */
export function viewStrides(
	oldSizes: readonly number[],
	oldStrides: readonly number[],
	newSizes: readonly number[],
): number[] | null {
	if (oldSizes.length === 0) {
		return newSizes.map(() => 1);
	}
	const numel = oldSizes.reduce((p, d) => p * d, 1);
	if (numel === 0) {
		return oldSizes.length === newSizes.length && oldSizes.every((d, i) => d === newSizes[i])
			? [...oldStrides]
			: contiguousStrides(newSizes);
	}
	const newStrides = new Array<number>(newSizes.length);
	let viewD = newSizes.length - 1;
	let chunkBaseStride = oldStrides[oldStrides.length - 1];
	let tensorNumel = 1;
	let viewNumel = 1;
	for (let d = oldSizes.length - 1; d >= 0; d--) {
		tensorNumel *= oldSizes[d];
		if (
			d === 0 ||
			(oldSizes[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBaseStride)
		) {
			while (viewD >= 0 && (viewNumel < tensorNumel || newSizes[viewD] === 1)) {
				newStrides[viewD] = viewNumel * chunkBaseStride;
				viewNumel *= newSizes[viewD];
				viewD--;
			}
			if (viewNumel !== tensorNumel) {
				return null;
			}
			if (d > 0) {
				chunkBaseStride = oldStrides[d - 1];
				tensorNumel = 1;
				viewNumel = 1;
			}
		}
	}
	return viewD === -1 ? newStrides : null;
}

/** What `x.view(shape)` finds: the view's layout, or that PyTorch refuses it, or that NormLens cannot tell. */
export type ViewOutcome =
	| { ok: true; layout: Layout }
	| { ok: false; refused: true }
	| { ok: false; refused: false; why: string };

export function viewOutcome(t: Laid, newShape: Shape): ViewOutcome {
	if (t.layout === undefined || !t.shape) {
		return { ok: true, layout: undefined };
	}
	const candidates = isUnknownLayout(t.layout) ? t.layout.candidates : undefined;
	if (candidates && isUnknownLayout(t.layout)) {
		const outcomes = candidates.map((c) =>
			viewOutcome({ shape: t.shape, layout: c }, newShape),
		);
		if (outcomes.every((o) => o.ok)) {
			return {
				ok: true,
				layout: lift(t, (k) => (viewOutcome(k, newShape) as { layout: Layout }).layout),
			};
		}
		if (outcomes.every((o) => !o.ok && o.refused)) {
			return { ok: false, refused: true };
		}
	}
	if (isUnknownLayout(t.layout)) {
		return {
			ok: false,
			refused: false,
			why: `whether PyTorch can view this tensor without copying depends on its memory layout after ${t.layout.unknownAfter}, which NormLens does not follow`,
		};
	}
	const strides = viewStrides(sizesOf(t.shape), t.layout, sizesOf(newShape));
	if (strides) {
		return { ok: true, layout: normalized(newShape, strides) };
	}
	// With a size NormLens does not know, the gap may be an artefact of its stand-in.
	return t.shape.includes(null) || newShape.includes(null)
		? {
				ok: false,
				refused: false,
				why: 'whether PyTorch can view this non-contiguous tensor without copying depends on sizes NormLens does not know',
			}
		: { ok: false, refused: true };
}

/** `x.reshape(shape)`: a view where one fits, else a contiguous copy; unknown where NormLens cannot tell which. */
export function reshapeLayout(t: Laid, newShape: Shape): Layout {
	return lift(t, (k) => {
		const v = viewOutcome(k, newShape);
		if (v.ok) {
			return v.layout;
		}
		return v.refused ? undefined : { unknownAfter: layoutOrigin(k) };
	});
}

const layoutOrigin = (t: Laid): string =>
	isUnknownLayout(t.layout) ? t.layout.unknownAfter : 'a reshape of a non-contiguous tensor';

/** The layout of a view whose dims are x's in another order (`permute`, `transpose`, `t`, `.T`, `.mT`). */
export function permutedLayout(t: Laid, order: readonly number[], outShape: Shape | null): Layout {
	return stridedLike(t, outShape, (s) => order.map((i) => s[i]));
}

/**
 * The layout of a view whose strides follow from x's (`unsqueeze`, `squeeze`, `expand`, slicing):
 * `f` maps x's strides to the view's; unknown where x's are.
 */
export function stridedLike(
	t: Laid,
	outShape: Shape | null,
	f: (strides: readonly number[]) => readonly number[] | null,
): Layout {
	if (!outShape) {
		return undefined;
	}
	return lift(t, (k) => {
		const s = stridesOf(k);
		if (!s) {
			return k.shape ? k.layout : undefined;
		}
		const out = f(s);
		return out ? normalized(outShape, out) : { unknownAfter: 'this view' };
	});
}

/** `x.unsqueeze(i)`'s strides (PyTorch's: the new dim's stride is the next dim's extent). */
export function unsqueezeStrides(sizes: Shape, strides: readonly number[], i: number): number[] {
	const st = i >= sizes.length ? 1 : (sizesOf([sizes[i]])[0] ?? 1) * strides[i];
	return [...strides.slice(0, i), st, ...strides.slice(i)];
}

/**
 * The layout of an element-wise op's result (TensorIterator's rule: contiguous where every operand
 * is; else x's strides where it is the only operand and dense; else the dims ordered by the
 * operands' strides, fastest first, and laid out densely in that order).
 */
export function elementwiseLayout(operands: readonly Laid[], outShape: Shape | null): Layout {
	if (!outShape || operands.every((o) => o.layout === undefined)) {
		return undefined;
	}
	const open = operands.filter((o) => isUnknownLayout(o.layout) && o.layout.candidates);
	const unknown = operands.find(
		(o) => (isUnknownLayout(o.layout) && !o.layout.candidates) || !o.shape,
	);
	if (!unknown && open.length > 0) {
		// Each operand whose layout is one of several: every combination (the rest by recursion).
		const x = open[0];
		return lift(x, (k) =>
			elementwiseLayout(
				operands.map((o) => (o === x ? k : o)),
				outShape,
			),
		);
	}
	const unknownOne = unknown ?? open[0];
	if (unknownOne) {
		return {
			unknownAfter: isUnknownLayout(unknownOne.layout)
				? unknownOne.layout.unknownAfter
				: 'an element-wise op on a non-contiguous tensor',
		};
	}
	const out = sizesOf(outShape);
	const n = out.length;
	const strides = operands.map((o) => {
		const sizes = sizesOf(o.shape as Shape);
		const s = stridesOf(o) as readonly number[];
		return out.map((size, i) => {
			const j = i - (n - sizes.length);
			return j < 0 || (sizes[j] === 1 && size !== 1) ? 0 : s[j];
		});
	});
	const perm = [...Array(n).keys()].reverse();
	const shouldSwap = (d0: number, d1: number): number => {
		for (const s of strides) {
			const [a, b] = [s[d0], s[d1]];
			if (a === 0 || b === 0) {
				continue;
			}
			if (a !== b) {
				return a < b ? -1 : 1;
			}
			if (out[d0] > out[d1]) {
				return 1;
			}
		}
		return 0;
	};
	for (let i = 1; i < n; i++) {
		let d1 = i;
		for (let d0 = i - 1; d0 >= 0; d0--) {
			const c = shouldSwap(perm[d0], perm[d1]);
			if (c > 0) {
				[perm[d0], perm[d1]] = [perm[d1], perm[d0]];
				d1 = d0;
			} else if (c < 0) {
				break;
			}
		}
	}
	const result = new Array<number>(n);
	let acc = 1;
	for (const d of perm) {
		result[d] = acc;
		acc *= out[d];
	}
	return normalized(outShape, result);
}

/** An op on x that copies it in x's layout (`clone()`, a cast, `x.to(…)` to another dtype). */
export function preservedLayout(t: Laid): Layout {
	return lift(t, (k) => {
		const s = stridesOf(k);
		if (!s || !k.shape) {
			return k.layout;
		}
		return isDense(sizesOf(k.shape), s) ? k.layout : elementwiseLayout([k], k.shape);
	});
}

/**
 * The result of an op NormLens gives no layout rule for: contiguous where every input is (as every
 * op's fresh result is), else unknown, naming the op.
 */
export function freshOrUnknown(inputs: readonly Laid[], what: string): Layout {
	return inputs.every((i) => i.layout === undefined)
		? undefined
		: { unknownAfter: `${what} of a non-contiguous tensor` };
}

/** An item of a basic index, as its strides need it. */
export type BasicIndexItem = 'int' | 'none' | 'ellipsis' | { step: number };

/**
 * `x[key]` with ints, slices, None and `...` (PyTorch's applySlicing: an int selects, a slice
 * multiplies its dim's stride by its step, None unsqueezes where it stands).
 */
export function basicIndexLayout(t: Laid, items: readonly BasicIndexItem[], out: Shape): Layout {
	return lift(t, (k) => knownIndexLayout(k, items, out));
}

function knownIndexLayout(t: Laid, items: readonly BasicIndexItem[], out: Shape): Layout {
	const given = stridesOf(t);
	if (!given || !t.shape) {
		return t.shape ? t.layout : undefined;
	}
	const shape: Shape = [...t.shape];
	const strides = [...given];
	const specified = items.filter((v) => v === 'int' || typeof v === 'object').length;
	let d = 0;
	for (const v of items) {
		if (v === 'int') {
			shape.splice(d, 1);
			strides.splice(d, 1);
		} else if (v === 'none') {
			strides.splice(d, 0, unsqueezeStrides(shape, strides, d)[d]);
			shape.splice(d, 0, 1);
			d++;
		} else if (v === 'ellipsis') {
			d += t.shape.length - specified;
		} else {
			strides[d] *= v.step;
			d++;
		}
	}
	return strides.length === out.length ? normalized(out, strides) : { unknownAfter: 'indexing' };
}

/**
 * A catalogue module's output layout (its spec's `layout`, catalogue.ts) from its inputs' layouts;
 * `batchFirst` is the module's `batch_first` where it has one (true, false, or unknown).
 */
export function moduleLayout(
	rule: TorchLayoutRule | undefined,
	type: string,
	inputs: readonly Laid[],
	out: Shape,
	batchFirst: boolean | undefined,
): Layout {
	const x = inputs[0];
	switch (rule) {
		case 'contiguous':
			return undefined;
		case 'same':
			return x?.layout;
		case 'pointwise':
			return x ? elementwiseLayout([x], out) : undefined;
		case 'maybeSelf':
			return mayBeItself(x, `a ${type}`);
		case 'reshape':
			return x ? reshapeLayout(x, out) : undefined;
		case 'rnn':
			// The layers run time-major; a batch-first output is the transposed view of that (PyTorch 1.13).
			if (out.length !== 3 || batchFirst === false) {
				return undefined;
			}
			return batchFirst === undefined
				? { unknownAfter: `a ${type} whose batch_first NormLens does not know` }
				: normalized(out, permutedStrides(out));
		case 'memoryFormat':
			return x ? memoryFormatLayout(x, type, out) : undefined;
		case 'mha':
			// The batch-first output is a transposed view, except on PyTorch's inference fast path.
			return out.length !== 3 || batchFirst === false
				? undefined
				: {
						unknownAfter: `a batch-first ${type} (a transposed view, or contiguous on PyTorch's inference fast path)`,
						candidates: [normalized(out, permutedStrides(out)), undefined],
					};
		default:
			return freshOrUnknown(inputs, `a ${type}`);
	}
}

/** The strides of `(a, b, …)` laid out as `(b, a, …)` would be row-major, then seen with the first two dims swapped. */
function permutedStrides(out: Shape): number[] {
	const s = sizesOf(out);
	const inner = contiguousStrides([s[1], s[0], ...s.slice(2)]);
	return [inner[1], inner[0], ...inner.slice(2)];
}

/** A copy in x's layout, or x itself (dropout in eval mode, a cast to x's own dtype): the two agree only where x is dense. */
export function mayBeItself(x: Laid | undefined, what: string): Layout {
	if (!x) {
		return undefined;
	}
	return lift(x, (k) => {
		const p = preservedLayout(k);
		return p === k.layout ? p : { unknownAfter: what };
	});
}

/** A value as the layout rules read it: a tensor, or a parameter (contiguous); nothing for any other. */
export function laidTensor(v: Value): Laid[] {
	return v.k === 'obj' && (v.obj instanceof TorchTensor || v.obj instanceof TorchParam)
		? [{ shape: v.obj.shape, layout: v.obj instanceof TorchTensor ? v.obj.layout : undefined }]
		: [];
}

/** `F.*` / `torch.*` functions whose kernel is element-wise on their first tensor (TensorIterator). */
const POINTWISE_FUNCTIONS = new Set(
	'relu relu6 gelu silu mish sigmoid tanh elu selu celu leaky_relu hardswish hardsigmoid hardtanh softplus softsign tanhshrink logsigmoid softshrink hardshrink threshold abs exp log sqrt rsqrt neg sin cos clamp clip sign floor ceil round trunc log1p expm1 erf square reciprocal'.split(
		' ',
	),
);
/** Functions whose kernel writes a fresh row-major tensor whatever the input's layout. */
const CONTIGUOUS_FUNCTIONS = new Set(
	'softmax log_softmax softmin layer_norm linear bilinear embedding matmul mm bmm one_hot rrelu'.split(
		' ',
	),
);
/** Functions that return their input itself in eval mode (an element-wise copy in training). */
const MAY_BE_ITSELF = new Set(
	'dropout dropout1d dropout2d dropout3d alpha_dropout feature_alpha_dropout'.split(' '),
);

/**
 * Gives the tensors an `F.*` or `torch.*` function returned their layout by the function's kernel
 * (an in-place one, `F.relu_(x)`, keeps x's); a result that is one of the inputs is left as it is.
 */
export function withFunctionLayout(
	name: string,
	label: string,
	args: readonly Value[],
	result: Value,
): Value {
	const inputs = args.flatMap(laidTensor);
	const given = new Set(args.flatMap((v) => (v.k === 'obj' ? [v.obj] : [])));
	const results = result.k === 'tuple' ? result.items : [result];
	for (const r of results) {
		if (r.k !== 'obj' || !(r.obj instanceof TorchTensor) || !r.obj.shape || given.has(r.obj)) {
			continue;
		}
		const x = inputs[0];
		r.obj.layout =
			inputs.every((i) => i.layout === undefined) || CONTIGUOUS_FUNCTIONS.has(name)
				? undefined
				: name.endsWith('_')
					? x?.layout
					: POINTWISE_FUNCTIONS.has(name) && x
						? elementwiseLayout([x], r.obj.shape)
						: MAY_BE_ITSELF.has(name)
							? mayBeItself(x, `\`${label}(…)\``)
							: freshOrUnknown(inputs, `\`${label}(…)\``);
	}
	return result;
}

/**
 * PyTorch's `is_channels_last_strides_2d` / `_3d` (c10/core/MemoryFormat.h): the strides increase
 * from C to W, H (D) and N, the heuristic `suggest_memory_format` reads.
 */
function channelsLastLike(sizes: readonly number[], strides: readonly number[]): boolean {
	const order = sizes.length === 4 ? [1, 3, 2, 0] : sizes.length === 5 ? [1, 4, 3, 2, 0] : [];
	if (order.length === 0 || strides[1] === 0) {
		return false;
	}
	let min = 0;
	for (const d of order) {
		if (sizes[d] === 0 || strides[d] < min) {
			return false;
		}
		if (d === 0 && min === strides[1]) {
			return false;
		}
		min = strides[d] * (sizes[d] > 1 ? sizes[d] : 1);
	}
	return true;
}

/** Row-major strides of (N, C, …) laid out as (N, …, C). */
function channelsLastStrides(out: Shape): number[] {
	const s = sizesOf(out);
	const inner = contiguousStrides([s[0], ...s.slice(2), s[1]]);
	return [inner[0], inner[inner.length - 1], ...inner.slice(1, -1)];
}

/** A kernel that lays out its output by `suggest_memory_format` of its input (see TorchLayoutRule). */
function memoryFormatLayout(x: Laid, type: string, out: Shape): Layout {
	return lift(x, (k) => {
		const s = stridesOf(k);
		if (k.layout === undefined || !k.shape || !s) {
			return k.layout === undefined ? undefined : { unknownAfter: `a ${type}` };
		}
		if (out.length !== k.shape.length || !channelsLastLike(sizesOf(k.shape), s)) {
			return undefined;
		}
		return {
			unknownAfter: `a ${type} of a channels-last input (its output is channels-last or contiguous, by PyTorch's backend)`,
			candidates: [normalized(out, channelsLastStrides(out)), undefined],
		};
	});
}
