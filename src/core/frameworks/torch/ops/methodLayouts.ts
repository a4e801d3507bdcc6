// The layout (ops/layout.ts) of what a tensor method returns, by the method: PyTorch's view methods
// give strides derived from the receiver's, element-wise ops follow TensorIterator's rule, and
// `x.view(…)` refuses a shape its receiver's strides cannot take.
import type { Shape } from '../../../../protocol/analysis';
import { asInt, asSequence, Value } from '../../../python/values';
import { opTable } from '../../common/opTable';
import { ShapeError } from '../../common/spec';
import { TorchTensor } from '../objects';
import {
	elementwiseLayout,
	freshOrUnknown,
	Laid,
	laidTensor,
	Layout,
	mayBeItself,
	permutedLayout,
	preservedLayout,
	reshapeLayout,
	stridedLike,
	unsqueezeStrides,
	viewOutcome,
} from './layout';
import { BINARY_METHODS } from './elementwise';
import type { TensorMethodCall } from './tensorMethods';

/**
 * Thrown where `x.view(…)` may or may not fit its receiver's strides and NormLens cannot tell:
 * tensorMethodAt makes the result a tensor of unknown shape, with this reason.
 */
export class LayoutUnknown extends Error {}

/** PyTorch's RuntimeError for a view across a gap in the strides. */
const VIEW_REFUSED =
	"view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces); PyTorch says to use .reshape(...) instead";

type LayoutRule = (t: TorchTensor, c: TensorMethodCall, out: Shape) => Layout;

const laid = (v: Value | undefined): Laid | undefined => (v ? laidTensor(v)[0] : undefined);

const view: LayoutRule = (t, _c, out) => {
	const v = viewOutcome(t, out);
	if (v.ok) {
		return v.layout;
	}
	if (v.refused) {
		throw new ShapeError(VIEW_REFUSED);
	}
	throw new LayoutUnknown(v.why);
};

const reshape: LayoutRule = (t, _c, out) => reshapeLayout(t, out);

/** A permutation of the receiver's dims: `order[i]` is the receiver's dim that becomes dim i. */
const permuting =
	(order: (c: TensorMethodCall) => number[] | undefined): LayoutRule =>
	(t, c, out) => {
		const o = order(c);
		return o ? permutedLayout(t, o, out) : unknownView(c);
	};

/** A view whose strides NormLens does not derive. */
const unknownView = (c: TensorMethodCall): Layout => ({ unknownAfter: `\`.${c.name}(…)\`` });

const swapOrder = (c: TensorMethodCall, i: number | undefined, j: number | undefined) => {
	if (i === undefined || j === undefined) {
		return undefined;
	}
	const o = c.s.map((_, k) => k);
	[o[i], o[j]] = [o[j], o[i]];
	return o;
};

const transposeOrder = (c: TensorMethodCall) =>
	swapOrder(
		c,
		c.axis(c.a[0] ?? c.args.keywords.get('dim0')),
		c.axis(c.a[1] ?? c.args.keywords.get('dim1')),
	);

/** movedim's order: the named dims to their places, the others after in their order. */
function movedOrder(c: TensorMethodCall): number[] | undefined {
	const list = (v: Value | undefined) =>
		v === undefined ? undefined : (asSequence(v) ?? [v]).map((x) => c.axis(x));
	const src = list(c.a[0] ?? c.args.keywords.get('source'));
	const dst = list(c.a[1] ?? c.args.keywords.get('destination'));
	if (!src || !dst || [...src, ...dst].some((x) => x === undefined)) {
		return undefined;
	}
	const order = new Array<number | undefined>(c.s.length).fill(undefined);
	dst.forEach((d, k) => (order[d as number] = src[k]));
	const rest = c.s.map((_, k) => k).filter((k) => !src.includes(k));
	return order.map((o) => o ?? (rest.shift() as number));
}

/** A view keeping some of the receiver's dims with their strides (`narrow`, the pieces of `split`). */
const keepsStrides: LayoutRule = (t, _c, out) => stridedLike(t, out, (s) => s);

/** The receiver's layout unchanged (an in-place method returns the receiver; `detach()` views it). */
const same: LayoutRule = (t) => t.layout;

/** A copy in the receiver's layout where it is dense; where it is not, the op may give x itself (a cast to its own dtype, dropout in eval mode), whose strides differ. */
const mayBeSelf: LayoutRule = (t, c) => mayBeItself(t, `\`.${c.name}(…)\``);

const pointwise: LayoutRule = (t) => elementwiseLayout([t], t.shape);

const binary: LayoutRule = (t, c, out) => {
	const other = c.a[0] ?? c.args.keywords.get('other');
	const o = laid(other);
	return elementwiseLayout(o ? [t, o] : [t], out);
};

const fresh: LayoutRule = () => undefined;

/** The methods that return a view of the receiver (a rule below, or unknown where NormLens has none). */
const VIEWS = new Set([
	'view',
	'view_as',
	'transpose',
	'swapaxes',
	'swapdims',
	't',
	'permute',
	'movedim',
	'moveaxis',
	'unsqueeze',
	'squeeze',
	'expand',
	'expand_as',
	'broadcast_to',
	'narrow',
	'select',
	'unfold',
	'diagonal',
	'as_strided',
	'unflatten',
	'detach',
	'chunk',
	'split',
	'unbind',
	'tensor_split',
	'split_with_sizes',
	'real',
	'imag',
	'view_as_real',
	'view_as_complex',
]);

const dimOf = (c: TensorMethodCall, v: Value | undefined) => c.axis(v);

const BINARY = new Set(BINARY_METHODS);

const LAYOUT_RULES = opTable<LayoutRule>({
	view,
	view_as: view,
	reshape,
	reshape_as: reshape,
	flatten: reshape,
	unflatten: view,
	contiguous: fresh,
	transpose: permuting(transposeOrder),
	swapaxes: permuting(transposeOrder),
	swapdims: permuting(transposeOrder),
	t: permuting((c) => (c.s.length < 2 ? [0] : [1, 0]).slice(0, c.s.length)),
	permute: permuting((c) => c.dimsArg()?.map((i) => (i < 0 ? c.s.length + i : i))),
	movedim: permuting(movedOrder),
	moveaxis: permuting(movedOrder),
	unsqueeze: (t, c, out) => {
		const n = asInt(c.a[0] ?? c.args.keywords.get('dim')) as number;
		const i = n < 0 ? c.s.length + 1 + n : n;
		return stridedLike(t, out, (s) => unsqueezeStrides(c.s, s, i));
	},
	squeeze: (t, c, out) =>
		stridedLike(t, out, (s) => {
			const dim = c.a[0] ?? c.args.keywords.get('dim');
			const i = dim ? dimOf(c, dim) : undefined;
			return s.filter((_, k) => (i === undefined ? c.s[k] !== 1 : k !== i || c.s[k] !== 1));
		}),
	expand: expanded,
	expand_as: expanded,
	broadcast_to: expanded,
	narrow: keepsStrides,
	chunk: keepsStrides,
	split: keepsStrides,
	tensor_split: keepsStrides,
	split_with_sizes: keepsStrides,
	unbind: (t, c, out) => {
		const d = dimOf(c, c.a[0] ?? c.args.keywords.get('dim')) ?? 0;
		return stridedLike(t, out, (s) => s.filter((_, k) => k !== d));
	},
	select: (t, c, out) => {
		const d = dimOf(c, c.a[0] ?? c.args.keywords.get('dim'));
		return d === undefined
			? unknownView(c)
			: stridedLike(t, out, (s) => s.filter((_, k) => k !== d));
	},
	unfold: (t, c, out) => {
		const d = dimOf(c, c.a[0] ?? c.args.keywords.get('dimension'));
		const step = asInt(c.a[2] ?? c.args.keywords.get('step'));
		return d === undefined || step === undefined
			? unknownView(c)
			: stridedLike(t, out, (s) => [...s.map((x, k) => (k === d ? x * step : x)), s[d] ?? 1]);
	},
	detach: same,
	requires_grad_: same,
	clone: (t) => preservedLayout(t),
	...Object.fromEntries(
		[
			'to',
			'float',
			'double',
			'half',
			'bfloat16',
			'long',
			'int',
			'bool',
			'cuda',
			'cpu',
			'type',
			'type_as',
			'dropout',
		].map((n) => [n, mayBeSelf]),
	),
	...Object.fromEntries(
		[
			'relu',
			'sigmoid',
			'tanh',
			'abs',
			'exp',
			'log',
			'sqrt',
			'rsqrt',
			'neg',
			'sin',
			'cos',
			'clamp',
			'clip',
			'square',
			'reciprocal',
			'sign',
			'floor',
			'ceil',
			'round',
			'trunc',
			'frac',
			'log1p',
			'expm1',
			'erf',
			'logical_not',
			'isnan',

			'nan_to_num',

			'flip',
			'fliplr',
			'flipud',
		].map((n) => [n, pointwise]),
	),
	...Object.fromEntries(BINARY_METHODS.map((n) => [n, binary])),
	matmul: fresh,
	mm: fresh,
	bmm: fresh,
	repeat: fresh,
	new_zeros: fresh,
	new_ones: fresh,
	new_empty: fresh,
	new_full: fresh,
	new_tensor: fresh,
	index_select: fresh,
	gather: fresh,
});

/** `x.expand(…)`: a new leading dim, or a dim of 1 made larger, has stride 0. */
function expanded(t: TorchTensor, c: TensorMethodCall, out: Shape): Layout {
	return stridedLike(t, out, (s) => {
		const lead = out.length - c.s.length;
		return out.map((size, i) => {
			const j = i - lead;
			return j < 0 || (c.s[j] === 1 && size !== 1) ? 0 : s[j];
		});
	});
}

/**
 * Gives the tensors a method returned (one, or a tuple's: the pieces of `split`) their layout,
 * by the method's rule; a method without one gives a contiguous tensor from a contiguous receiver
 * (every op's fresh result) and an unknown layout from any other. `x.view(…)` that PyTorch refuses
 * throws ShapeError; one NormLens cannot decide throws LayoutUnknown.
 */
export function withMethodLayout(t: TorchTensor, c: TensorMethodCall, result: Value): Value {
	// Most calls: a contiguous receiver and no view gives contiguous results (no strides to compute).
	if (
		t.layout === undefined &&
		!VIEWS.has(c.name) &&
		!(BINARY.has(c.name) && laid(c.a[0] ?? c.args.keywords.get('other'))?.layout !== undefined)
	) {
		return result;
	}
	const rule = LAYOUT_RULES.get(c.name);
	const results =
		result.k === 'tuple' ? result.items : result.k === 'obj' ? [result] : ([] as Value[]);
	for (const r of results) {
		if (r.k !== 'obj' || !(r.obj instanceof TorchTensor) || !r.obj.shape) {
			continue;
		}
		r.obj.layout = rule
			? rule(t, c, r.obj.shape)
			: c.name.endsWith('_')
				? t.layout
				: VIEWS.has(c.name)
					? unknownView(c)
					: freshOrUnknown(
							[
								t,
								...[...c.a, ...c.args.keywords.values()].flatMap(
									(v) => laid(v) ?? [],
								),
							],
							`\`.${c.name}(…)\``,
						);
	}
	return result;
}
