// Tensor methods (`x.view`, `x.permute`, …) as a name → rule table (attributes and operators: tensorOperators.ts).
import type { Shape } from '../../../../protocol/analysis';
import type { CallArgs } from '../../../python/contract';
import { asInt, asSequence, isFloat, tuple, UNKNOWN, Value } from '../../../python/values';
import { opTable } from '../../common/opTable';
import { broadcast, reshapeShape } from '../../common/shapes';
import { ShapeError } from '../../common/spec';
import { dtypeAfter } from '../dtypes';
import { TorchParam, TorchTensor } from '../objects';
import { BINARY_METHODS, elementwise, elementwiseShape } from './elementwise';
import { LINALG_METHODS, TUPLE_LINALG_METHODS } from './linalg';
import { BATCH, flattenShape, reshape, shapeValue, splitShapes } from './shapes';
import { methodCall, moreTensorMethods, productShape, valuesIndices } from './tensorMethodsMore';
import { stridedLike } from './layout';
import { withMethodLayout } from './methodLayouts';
import { dtypeOfCast, mixedProductDtypes } from './dtypeChecks';

/** A tensor method's call as its rule reads it: the receiver's known shape and the call's arguments. */
export interface TensorMethodCall {
	/** The method as written (rules shared by several names tell them apart). */
	name: string;
	/** The receiver. */
	self: TorchTensor;
	s: Shape;
	/** The positional arguments. */
	a: Value[];
	args: CallArgs;
	/** A tensor of this shape, from the same producing module as the receiver. */
	out(shape: Shape | null): Value;
	/** A dim argument as an index into the receiver's dims (negative from the end). */
	axis(v: Value | undefined): number | undefined;
	/** Dims given as separate ints or as one sequence (`x.permute(0, 2, 1)`, `x.permute((0, 2, 1))`). */
	dimsArg(): number[] | undefined;
}

export type TensorMethodRule = (c: TensorMethodCall) => Value;

/** `x.view(…)` / `x.reshape(…)`. */
const reshapeTo: TensorMethodRule = (c) => {
	const { s, a, out, dimsArg } = c;
	const list = a.length === 1 && asSequence(a[0]) ? (asSequence(a[0]) as Value[]) : a;
	// `x.view(x.size(0), -1)` keeps an unknown batch as the batch.
	if (s[0] === null && list[0] === BATCH) {
		const rest = list.slice(1).map(asInt);
		if (rest.every((x) => x !== undefined)) {
			const r = reshape(s.slice(1), rest as number[]);
			return out(r ? [null, ...r] : null);
		}
		return out(null);
	}
	const d = dimsArg();
	// Sizes that do not fit the input are PyTorch's RuntimeError: a ShapeError, reported by the caller.
	return out(d ? reshapeShape(s, d, c.name) : null);
};

const sizeArg = (v: Value) => v.k === 'tuple' && v.torchSize === true;
const newOfSize: TensorMethodRule = (c) => {
	const a = c.name === 'new_full' ? c.a.slice(0, 1) : c.a;
	const list = a.length === 1 && asSequence(a[0]) ? (asSequence(a[0]) as Value[]) : a;
	const d = list.map((v) => (isFloat(v) ? undefined : asInt(v)));
	return c.out(d.every((x) => x !== undefined && x >= 0) ? (d as number[]) : null);
};

const matrixProduct: TensorMethodRule = (c) => {
	const { name, s, a, out } = c;
	const other =
		a[0]?.k === 'obj' && (a[0].obj instanceof TorchTensor || a[0].obj instanceof TorchParam)
			? a[0].obj.shape
			: null;
	// An integer tensor times a floating one: PyTorch's RuntimeError whatever the shapes.
	const mixed = mixedProductDtypes({ k: 'obj', obj: c.self }, a[0]);
	const refusal = mixed && `a matrix product of ${mixed} tensors: PyTorch raises RuntimeError`;
	if (refusal) {
		throw new ShapeError(refusal, 'dtype-mismatch');
	}
	return out(other ? productShape(name, s, other) : null);
};

/**
 * `x.add(y)`, `x.mul(0.5)`, `x.div(keep_prob)`, `x.eq(y)`…: the method forms of Python's
 * operators and of two-operand pointwise functions, which broadcast their operands (a number is a
 * 0-d tensor; `alpha=` and `rounding_mode=` do not change the shape).
 */
const broadcasting: TensorMethodRule = (c) => {
	const { s, a, args, out } = c;
	const other = a[0] ?? args.keywords.get('other');
	const shape =
		other?.k === 'num' || other?.k === 'bool'
			? []
			: other?.k === 'obj' &&
				  (other.obj instanceof TorchTensor || other.obj instanceof TorchParam)
				? other.obj.shape
				: null;
	return out(shape ? broadcast(s, shape) : null);
};

/** `x.expand(…)` / `x.broadcast_to(…)`: new sizes aligned right; -1 keeps a size; leading new dims may be added. */
const expandTo: TensorMethodRule = (c) => {
	const { s, a, out } = c;
	// New sizes, aligned right; -1 keeps the size; leading new dims may be added.
	const list = a.length === 1 && asSequence(a[0]) ? (asSequence(a[0]) as Value[]) : a;
	if (list.length < s.length) {
		return out(null);
	}
	const offset = list.length - s.length;
	const sizes = list.map((v, i) =>
		asInt(v) === -1 && i >= offset ? s[i - offset] : v === BATCH ? null : (asInt(v) ?? null),
	);
	// Only a size of 1 stretches: expanding a known size to another is PyTorch's RuntimeError.
	const clash = sizes.some((n, i) => {
		const old = i >= offset ? s[i - offset] : 1;
		return n !== null && old !== null && old !== 1 && old !== n;
	});
	// -1 in a new leading dim, or any other negative size, is PyTorch's RuntimeError too.
	return out(clash || sizes.some((n) => n !== null && n < 0) ? null : sizes);
};

/** `x.max(…)`, `x.min(…)`, `x.median(…)`. */
const valuesAndIndices: TensorMethodRule = (c) => {
	const { s, a, args, out, axis } = c;
	// With a dim: the tuple (values, indices); with another tensor: elementwise; alone: a scalar.
	const dimV = a[0] ?? args.keywords.get('dim');
	if (!dimV) {
		return out([]);
	}
	if (dimV.k === 'obj') {
		const other =
			dimV.obj instanceof TorchTensor || dimV.obj instanceof TorchParam
				? dimV.obj.shape
				: null;
		return out(other ? broadcast(s, other) : null);
	}
	const d = axis(dimV);
	const keep = a[1] ?? args.keywords.get('keepdim');
	if (d === undefined || (keep && keep.k !== 'bool')) {
		return out(null);
	}
	const reduced =
		keep?.k === 'bool' && keep.v
			? s.map((x, i) => (i === d ? 1 : x))
			: s.filter((_, i) => i !== d);
	return valuesIndices(out(reduced), out(reduced));
};

/** Reductions over one dim or several, with or without keepdim. */
const reduction: TensorMethodRule = (c) => {
	const { name, s, a, args, out, axis } = c;
	const dimV = a[0] ?? args.keywords.get('dim');
	// keepdim may come second (`x.sum(1, True)`); std / var take `unbiased` there.
	const keep =
		args.keywords.get('keepdim') ??
		(a[1]?.k === 'bool' && name !== 'std' && name !== 'var'
			? a[1]
			: a[2]?.k === 'bool'
				? a[2]
				: undefined);
	if (!dimV) {
		return out([]);
	}
	const list = asSequence(dimV) ?? [dimV];
	// An empty list of dims reduces them all (PyTorch 1.13; logsumexp raises).
	const ds = list.length === 0 && name !== 'logsumexp' ? s.map((_, i) => i) : list.map(axis);
	if (ds.some((d) => d === undefined) || (ds.length === 0 && s.length > 0)) {
		return out(null);
	}
	const twice = ds.find((d, i) => ds.indexOf(d) !== i);
	if (twice !== undefined) {
		throw new ShapeError(`dim ${twice} appears multiple times in the list of dims`);
	}
	const keepdim = keep?.k === 'bool' && keep.v;
	return out(
		keepdim ? s.map((d, i) => (ds.includes(i) ? 1 : d)) : s.filter((_, i) => !ds.includes(i)),
	);
};

/** `x.chunk(n)`, `x.split(k)`, `x.unbind(dim)`: a tuple of pieces (splitShapes). */
const pieces: TensorMethodRule = (c) => {
	const { name, s, a, args, out } = c;
	const parts = splitShapes(
		s,
		name,
		a[0] ??
			args.keywords.get(
				name === 'chunk' ? 'chunks' : name === 'split' ? 'split_size_or_sections' : 'dim',
			),
		name === 'unbind' ? undefined : (a[1] ?? args.keywords.get('dim')),
	);
	return parts ? tuple(parts.map((p) => out(p))) : UNKNOWN;
};

/** `x.expand_as(y)`, `x.type_as(y)`, `x.view_as(y)`: the other tensor's shape. */
const likeOther: TensorMethodRule = (c) => {
	const { a, out } = c;
	const o = a[0];
	return out(o?.k === 'obj' && o.obj instanceof TorchTensor ? o.obj.shape : null);
};

/** The most items iterating a tensor gives (one tensor each), beyond which it is unknown. */
const MAX_ITERATED = 4096;

/**
 * Methods that give Python values or split the tensor along its first dim: `x.item()` and
 * `x.tolist()` are numbers only where the tensor's values are known (TorchTensor.values), and
 * iterating gives one tensor per row.
 */
const valueMethods = opTable<(t: TorchTensor, args: CallArgs) => Value | undefined>({
	...LINALG_METHODS,
	item: (t) => (t.values?.length === 1 ? pyNum(t, t.values[0]) : UNKNOWN),
	tolist: (t) =>
		t.values && t.shape?.length === 1
			? { k: 'list', items: t.values.map((v) => pyNum(t, v)) }
			: t.values && t.shape?.length === 0
				? pyNum(t, t.values[0])
				: UNKNOWN,
	// int(x) / float(x) of a one-element tensor.
	__int__: (t) => (t.values?.length === 1 ? { k: 'num', v: Math.trunc(t.values[0]) } : UNKNOWN),
	__float__: (t) =>
		t.values?.length === 1 ? { k: 'num', v: t.values[0], float: true } : UNKNOWN,
	// x.sum() / x.prod() of known values: a 0-d tensor of the same kind (any other form is the shape rule's).
	sum: (t, args) => (t.values && noArgs(args) ? folded(t, 'sum', (a, b) => a + b, 0) : undefined),
	prod: (t, args) =>
		t.values && noArgs(args) ? folded(t, 'prod', (a, b) => a * b, 1) : undefined,
	__iter__: (t) => {
		const n = t.shape?.[0];
		if (!t.shape || n === null || n === undefined || n > MAX_ITERATED) {
			return UNKNOWN;
		}
		const rest = t.shape.slice(1);
		const size = rest.reduce<number>((a, d) => a * (d ?? 0), 1);
		return tuple(
			Array.from({ length: n }, (_, i): Value => {
				const row = new TorchTensor(rest, t.producer, t.dtype).viewOf(t);
				row.layout = stridedLike(t, rest, (st) => st.slice(1));
				row.values = t.values?.slice(i * size, (i + 1) * size);
				return { k: 'obj', obj: row };
			}),
		);
	},
});

const noArgs = (args: CallArgs) => args.positional.length === 0 && args.keywords.size === 0;

/** A value of the tensor as Python gets it: an int from an integral tensor, else a float. */
function pyNum(t: TorchTensor, v: number): Value {
	return t.integral ? { k: 'num', v } : { k: 'num', v, float: true };
}

/**
 * The 0-d tensor of all values folded by `op`: float32 rounding after each step for a float
 * tensor, exact integers for an integral one (unknown past 2^53, where int64 and a double part).
 */
function folded(
	t: TorchTensor,
	name: 'sum' | 'prod',
	op: (a: number, b: number) => number,
	start: number,
): Value {
	const dtype = dtypeAfter(name, t.dtype);
	let acc = start;
	for (const v of t.values ?? []) {
		acc = t.integral ? op(acc, v) : Math.fround(op(acc, v));
		if (t.integral && !Number.isSafeInteger(acc)) {
			return { k: 'obj', obj: new TorchTensor([], null, dtype) };
		}
	}
	const out = new TorchTensor([], null, dtype);
	out.values = [acc];
	return { k: 'obj', obj: out };
}

/** `x.dim()`, `x.ndimension()`: the number of dims. */
function rank(c: TensorMethodCall): Value {
	return { k: 'num', v: c.s.length };
}

/** `x.numel()`, `x.nelement()`: the number of elements. */
function elementCount(c: TensorMethodCall): Value {
	const n = c.s.reduce<number | null>((p, d) => (p === null || d === null ? null : p * d), 1);
	return n === null ? UNKNOWN : { k: 'num', v: n };
}

/** The methods that read a number (or the sizes) from a tensor's shape: of a tensor whose shape is unknown, an unknown value, not a tensor. */
const SHAPE_READS = new Set(['size', 'dim', 'ndimension', 'numel', 'nelement']);

/** Every tensor method with a rule beyond keeping the shape (elementwise.ts), by name; any other method gives a tensor of unknown shape. */
const tensorMethods = opTable<TensorMethodRule>({
	size: (c) => {
		const { s, a, axis } = c;
		const d = a[0] ?? c.args.keywords.get('dim');
		if (d === undefined) {
			return shapeValue(s);
		}
		const at = axis(d);
		const v = at === undefined ? null : s[at];
		if (v === null && at === 0) {
			return BATCH;
		}
		return v === null || v === undefined ? UNKNOWN : { k: 'num', v };
	},
	dim: rank,
	ndimension: rank,
	numel: elementCount,
	nelement: elementCount,
	view: reshapeTo,
	// x.new_zeros(2, 3): a new tensor of those sizes; `x.new(2, 3)` / `x.new(x.size())` likewise, else data.
	new: (c) =>
		c.a.length > 0 && (c.a.every((v) => v.k === 'num') || (c.a.length === 1 && sizeArg(c.a[0])))
			? newOfSize({ ...c, name: 'new_empty' })
			: c.out(null),
	new_zeros: newOfSize,
	new_ones: newOfSize,
	new_empty: newOfSize,
	new_full: newOfSize,
	reshape: reshapeTo,
	flatten: (c) => {
		const { s, a, args, out, axis } = c;
		const start = axis(a[0] ?? args.keywords.get('start_dim') ?? { k: 'num', v: 0 });
		const end = axis(a[1] ?? args.keywords.get('end_dim') ?? { k: 'num', v: -1 });
		return out(start === undefined || end === undefined ? null : flattenShape(s, start, end));
	},
	...Object.fromEntries(BINARY_METHODS.map((n) => [n, broadcasting])),
	matmul: matrixProduct,
	mm: matrixProduct,
	bmm: matrixProduct,
	permute: (c) => {
		const { s, out, dimsArg } = c;
		const d = dimsArg();
		return out(d && d.length === s.length ? d.map((i) => s[i < 0 ? s.length + i : i]) : null);
	},
	transpose: (c) => {
		const { s, a, args, out, axis } = c;
		const i = axis(a[0] ?? args.keywords.get('dim0'));
		const j = axis(a[1] ?? args.keywords.get('dim1'));
		if (i === undefined || j === undefined) {
			return out(null);
		}
		const r = [...s];
		[r[i], r[j]] = [r[j], r[i]];
		return out(r);
	},
	unsqueeze: (c) => {
		const { s, a, args, out } = c;
		const n = asInt(a[0] ?? args.keywords.get('dim'));
		if (n === undefined || n < -s.length - 1 || n > s.length) {
			return out(null);
		}
		const i = n < 0 ? s.length + 1 + n : n;
		return out([...s.slice(0, i), 1, ...s.slice(i)]);
	},
	squeeze: (c) => {
		const { s, a, args, out, axis } = c;
		const dim = a[0] ?? args.keywords.get('dim');
		const i = dim ? axis(dim) : undefined;
		if (dim && i === undefined) {
			// A dim NormLens cannot read, or one PyTorch refuses: the shape is not known.
			return out(null);
		}
		// Without a dim, every size of 1 goes; a size NormLens does not know may be 1.
		if (!dim && s.some((d) => d === null)) {
			return out(null);
		}
		return out(
			i !== undefined
				? s[i] === 1
					? s.filter((_, k) => k !== i)
					: s
				: s.filter((d) => d !== 1),
		);
	},
	max: valuesAndIndices,
	min: valuesAndIndices,
	median: valuesAndIndices,
	mean: reduction,
	sum: reduction,
	amax: reduction,
	amin: reduction,
	std: reduction,
	var: reduction,
	prod: reduction,
	logsumexp: reduction,
	argmax: reduction,
	argmin: reduction,
	expand: expandTo,
	repeat: (c) => {
		const { s, out, dimsArg } = c;
		const reps = dimsArg();
		if (!reps || reps.length < s.length) {
			return out(null);
		}
		const padded = [...new Array<number>(reps.length - s.length).fill(1), ...s];
		return out(reps.map((r, i) => (padded[i] === null ? null : (padded[i] as number) * r)));
	},
	t: (c) => {
		const { s, out } = c;
		// PyTorch's t() takes at most 2 dims: its RuntimeError on a 3-D tensor, never a shape.
		if (s.length > 2) {
			throw new ShapeError(
				`t() expects a tensor with <= 2 dimensions, but it has ${s.length}`,
			);
		}
		return out(s.length < 2 ? s : [s[1], s[0]]);
	},
	// x.narrow(dim, start, length): `length` along dim, where it fits (PyTorch raises past the end).
	narrow: (c) => {
		const { s, a, args, out } = c;
		const d = dimIn(c, a[0] ?? args.keywords.get('dim'));
		const start = asInt(a[1] ?? args.keywords.get('start'));
		const len = asInt(a[2] ?? args.keywords.get('length'));
		const n = d === undefined ? null : s[d];
		const from = start === undefined || n === null ? undefined : start < 0 ? start + n : start;
		return from === undefined ||
			len === undefined ||
			n === null ||
			from < 0 ||
			len < 0 ||
			from + len > n
			? out(null)
			: out(s.map((x, i) => (i === d ? len : x)));
	},
	// x.index_select(dim, index): as many along dim as the 1-D index has.
	index_select: (c) => {
		const { s, a, args, out } = c;
		const d = dimIn(c, a[0] ?? args.keywords.get('dim'));
		const index = a[1] ?? args.keywords.get('index');
		const ix = index?.k === 'obj' && index.obj instanceof TorchTensor ? index.obj.shape : null;
		const k = ix && ix.length <= 1 ? (ix.length === 0 ? 1 : ix[0]) : null;
		return d === undefined || k === null ? out(null) : out(s.map((x, i) => (i === d ? k : x)));
	},
	// x.topk(k, dim=-1): the tuple (values, indices), k along dim (PyTorch raises for k past the size).
	topk: (c) => {
		const { s, a, args, out } = c;
		const k = asInt(a[0] ?? args.keywords.get('k'));
		const d = dimIn(c, a[1] ?? args.keywords.get('dim') ?? { k: 'num', v: -1 });
		const n = d === undefined ? null : s[d];
		if (k === undefined || n === null || k < 0 || k > n) {
			return UNKNOWN;
		}
		const shape = s.map((x, i) => (i === d ? k : x));
		return valuesIndices(out(shape), out(shape));
	},
	// x.sort(dim=-1, descending=False): the tuple (values, indices), each of x's shape.
	sort: (c) => {
		const { s, a, args, out } = c;
		const d = dimIn(c, a[0] ?? args.keywords.get('dim') ?? { k: 'num', v: -1 });
		return d === undefined ? UNKNOWN : valuesIndices(out(s), out(s));
	},
	// x.diff(n=1, dim=-1): n fewer along dim (with prepend= or append=, not followed).
	diff: (c) => {
		const { s, a, args, out } = c;
		const n = asInt(a[0] ?? args.keywords.get('n') ?? { k: 'num', v: 1 });
		const d = dimIn(c, a[1] ?? args.keywords.get('dim') ?? { k: 'num', v: -1 });
		const size = d === undefined ? null : s[d];
		return n === undefined ||
			size === null ||
			n < 0 ||
			args.keywords.has('prepend') ||
			args.keywords.has('append') ||
			a.length > 2
			? out(null)
			: out(s.map((x, i) => (i === d ? Math.max(0, size - n) : x)));
	},
	// x.flip(dims), x.roll(shifts, dims): the same elements in another order (not pointwise, so not in elementwise.ts's F.* list).
	flip: (c) => c.out(c.s),
	fliplr: (c) => c.out(c.s),
	flipud: (c) => c.out(c.s),
	roll: (c) => c.out(c.s),
	chunk: pieces,
	split: pieces,
	unbind: pieces,
	expand_as: likeOther,
	type_as: likeOther,
	view_as: likeOther,
	...moreTensorMethods,
	broadcast_to: expandTo,
});

/**
 * A tensor method's result: the receiver's shape for the shape-keeping ops, the table's rule for the
 * others when the receiver's shape is known, and a tensor of unknown shape for any other method.
 */

/**
 * Methods whose result is a Python value or a tuple of tensors, never one tensor: of a tensor whose
 * shape is unknown, an unknown value (with the receiver's cause, shapeCauses.ts). The shape reads
 * among them (size, dim, numel…) are SHAPE_READS.
 */
const notATensor = new Set([
	...SHAPE_READS,
	...TUPLE_LINALG_METHODS,
	'chunk',
	'split',
	'unbind',
	'tensor_split',
	'topk',
	'sort',
	'cummax',
	'cummin',
]);

/** A dim argument as an index into the receiver's dims, where it is one (PyTorch raises for any other). */
function dimIn(c: TensorMethodCall, v: Value | undefined): number | undefined {
	const d = c.axis(v);
	return d !== undefined && d >= 0 && d < c.s.length && !isFloat(v ?? UNKNOWN) ? d : undefined;
}

/** The keyword a reshaping method takes its sizes by, as PyTorch 1.13 names it. */
const SIZE_KEYWORD: Readonly<Record<string, string>> = { reshape: 'shape', view: 'size' };

export function tensorMethod(t: TorchTensor, name: string, args: CallArgs): Value {
	const s = t.shape;
	// The sizes by keyword: `x.reshape(shape=(n, 3, h, p, w, p))` (MAE's patchify), `x.view(size=…)`.
	const sizes = SIZE_KEYWORD[name];
	const a =
		args.positional.length === 0 && sizes && args.keywords.has(sizes)
			? [args.keywords.get(sizes) as Value]
			: args.positional;
	// What a method returns may view t's storage (`x.view(…)`, `x.float()` of a float tensor).
	const out = (shape: Shape | null): Value => ({
		k: 'obj',
		obj: new TorchTensor(shape, t.producer, dtypeAfter(name, t.dtype, args)).viewOf(t),
	});
	if (elementwise.has(name)) {
		// `idx.long()` is int64 whatever idx held: an index (`table[idx.long()]`), not a mask.
		const shape = s && elementwiseShape(name, s, args);
		const result: Value = {
			k: 'obj',
			obj: new TorchTensor(shape, t.producer, dtypeOfCast(t, name, args)).viewOf(t),
		};
		// A contiguous receiver's element-wise result is contiguous: no call to build.
		return s && t.layout !== undefined
			? withMethodLayout(t, methodCall(t, s, name, a, args, out), result)
			: result;
	}
	const read = valueMethods.get(name)?.(t, args);
	if (read) {
		return read;
	}
	if (!s) {
		// The tuple methods give an unknown (its cause the receiver's, shapeCauses.ts), not one tensor:
		// `q, k, v = x.split(n, dim=2)` then says why x's shape was lost, not that it cannot unpack.
		return notATensor.has(name) ? UNKNOWN : out(null);
	}
	const c = methodCall(t, s, name, a, args, out);
	const rule = tensorMethods.get(name);
	return withMethodLayout(t, c, rule ? rule(c) : out(null));
}
