// Tensor methods whose output shape PyTorch computes from another tensor's shape or from one dim:
// gather, repeat_interleave, unfold, outer, norm, the cumulative ops, addmm and its kin, tensordot.
import type { Shape } from '../../../../protocol/analysis';
import type { CallArgs } from '../../../python/contract';
import { asInt, asSequence, isFloat, UNKNOWN, Value } from '../../../python/values';
import { broadcast, matmulShape } from '../../common/shapes';
import { ShapeError } from '../../common/spec';
import { TorchParam, TorchTensor } from '../objects';
import { fmtShape } from './shapes';
import type { TensorMethodCall, TensorMethodRule } from './tensorMethods';

/** The shape of a tensor or parameter argument; undefined for anything else. */
export function tensorShapeOf(v: Value | undefined): Shape | null | undefined {
	return v?.k === 'obj' && (v.obj instanceof TorchTensor || v.obj instanceof TorchParam)
		? v.obj.shape
		: undefined;
}

/** A tensor argument, or a parameter used as one (`torch.cat([self.cls_token, x])`): a tensor of its shape. */
export function tensorOrParam(v: Value | undefined): TorchTensor | undefined {
	return v?.k === 'obj'
		? v.obj instanceof TorchTensor
			? v.obj
			: v.obj instanceof TorchParam && v.obj.shape
				? new TorchTensor(v.obj.shape)
				: undefined
		: undefined;
}

/** The receiver's dim `v` as an index (negative from the end), where it is a valid dim of `rank` dims. */
export function dimOf(v: Value | undefined, rank: number): number | undefined {
	const n = v === undefined || isFloat(v) ? undefined : asInt(v);
	if (n === undefined) {
		return undefined;
	}
	// A 0-d tensor takes dim 0 and -1 (PyTorch wraps them as for one dim).
	const r = Math.max(rank, 1);
	return n >= -r && n < r ? (n < 0 ? n + r : n) : undefined;
}

/** A tuple of (values, indices) that also reads as PyTorch's named tuple (`.values`, `.indices`). */
export function valuesIndices(values: Value, indices: Value): Value {
	// The indices of max / min / sort / topk / cummax… are int64 whatever the values' dtype.
	if (indices.k === 'obj' && indices.obj instanceof TorchTensor) {
		indices.obj.dtype = 'int64';
	}
	return { k: 'tuple', items: [values, indices], fields: ['values', 'indices'] };
}

/** x.cumsum(dim), x.argsort(dim), …: the receiver's shape, where dim is one of its dims. */
const alongDim =
	(defaultDim?: number): TensorMethodRule =>
	(c) => {
		const v = c.a[0] ?? c.args.keywords.get('dim');
		const d = dimOf(v ?? (defaultDim === undefined ? undefined : num(defaultDim)), c.s.length);
		return c.out(d === undefined ? null : c.s);
	};

/** x.cummax(dim), x.cummin(dim): (values, indices), each of the receiver's shape. */
const cumulativeExtreme: TensorMethodRule = (c) => {
	const d = dimOf(c.a[0] ?? c.args.keywords.get('dim'), c.s.length);
	return d === undefined ? UNKNOWN : valuesIndices(c.out(c.s), c.out(c.s));
};

const num = (v: number): Value => ({ k: 'num', v });

/**
 * x.repeat_interleave(repeats, dim=None): each element repeated; along dim its size times an int
 * `repeats`, or the sum of a 1-D tensor's known repeats; with no dim, of the flattened tensor.
 */
const repeatInterleave: TensorMethodRule = (c) => {
	const { s, a, args, out } = c;
	const reps = a[0] ?? args.keywords.get('repeats');
	const dimV = a[1] ?? args.keywords.get('dim');
	const given = dimV !== undefined && dimV.k !== 'none';
	if (given && s.length === 0) {
		return out(null);
	}
	const d = given ? dimOf(dimV, s.length) : undefined;
	const n = given
		? d === undefined
			? null
			: s[d]
		: s.reduce<number | null>((p, x) => (p === null || x === null ? null : p * x), 1);
	if (n === null || (given && d === undefined)) {
		return out(null);
	}
	let total: number | undefined;
	const r = reps && !isFloat(reps) ? asInt(reps) : undefined;
	if (r !== undefined && r >= 0) {
		total = n * r;
	} else if (reps?.k === 'obj' && reps.obj instanceof TorchTensor && reps.obj.integral) {
		// A tensor of repeats: one per element along dim (or a single one), their sum.
		const vs = reps.obj.values;
		if (vs && vs.every((x) => x >= 0) && (vs.length === n || vs.length === 1)) {
			total = vs.length === 1 ? n * vs[0] : vs.reduce((p, x) => p + x, 0);
		}
	}
	if (total === undefined) {
		return out(null);
	}
	return out(given ? s.map((x, i) => (i === d ? total : x)) : [total]);
};

/** x.gather(dim, index): the index's shape, where PyTorch takes it (same rank, no larger elsewhere). */
const gather: TensorMethodRule = (c) => {
	const { s, a, args, out } = c;
	const d = dimOf(a[0] ?? args.keywords.get('dim'), s.length);
	const ix = tensorShapeOf(a[1] ?? args.keywords.get('index'));
	if (d === undefined || !ix || ix.length !== s.length) {
		return out(null);
	}
	const larger = ix.some(
		(x, i) => i !== d && x !== null && s[i] !== null && x > (s[i] as number),
	);
	return out(larger ? null : ix);
};

/** x.unfold(dimension, size, step): the windows along dim, each of `size` values as a new last dim. */
const unfold: TensorMethodRule = (c) => {
	const { s, a, args, out } = c;
	const d = dimOf(a[0] ?? args.keywords.get('dimension'), s.length);
	const size = asInt(a[1] ?? args.keywords.get('size') ?? UNKNOWN);
	const step = asInt(a[2] ?? args.keywords.get('step') ?? UNKNOWN);
	const n = d === undefined || s.length === 0 ? null : s[d];
	if (
		n === null ||
		size === undefined ||
		step === undefined ||
		step <= 0 ||
		size < 0 ||
		size > n
	) {
		return out(null);
	}
	const windows = Math.floor((n - size) / step) + 1;
	return out([...s.map((x, i) => (i === d ? windows : x)), size]);
};

/** x.outer(y) / x.ger(y): two 1-D tensors give (len x, len y). */
const outer: TensorMethodRule = (c) => {
	const o = tensorShapeOf(c.a[0] ?? c.args.keywords.get('vec2'));
	return c.out(c.s.length === 1 && o && o.length === 1 ? [c.s[0], o[0]] : null);
};

/** x.norm(p='fro', dim=None, keepdim=False): a reduction over dim (every dim without one). */
const norm: TensorMethodRule = (c) => {
	const { s, a, args, out } = c;
	const dimV = a[1] ?? args.keywords.get('dim');
	const keep = a[2] ?? args.keywords.get('keepdim');
	if (keep !== undefined && keep.k !== 'bool') {
		return out(null);
	}
	const keepdim = keep?.k === 'bool' && keep.v;
	if (dimV === undefined || dimV.k === 'none') {
		return out(keepdim ? s.map(() => 1) : []);
	}
	const ds = (asSequence(dimV) ?? [dimV]).map((v) => dimOf(v, s.length));
	if (ds.some((d) => d === undefined) || new Set(ds).size !== ds.length) {
		return out(null);
	}
	return out(
		keepdim ? s.map((x, i) => (ds.includes(i) ? 1 : x)) : s.filter((_, i) => !ds.includes(i)),
	);
};

/**
 * x.addmm(m1, m2), x.baddbmm(b1, b2), x.addmv(m, v), x.addbmm(b1, b2): the product's shape (2-D,
 * 3-D, 1-D, 2-D), which the receiver must broadcast to.
 */
const addProduct: TensorMethodRule = (c) => {
	const { name, s, a, out } = c;
	const [p, q] = [a[0], a[1]].map(tensorShapeOf);
	const ranks: Record<string, [number, number]> = {
		addmm: [2, 2],
		baddbmm: [3, 3],
		addbmm: [3, 3],
		addmv: [2, 1],
	};
	const [rp, rq] = ranks[name];
	if (!p || !q || p.length !== rp || q.length !== rq) {
		return out(null);
	}
	// addmv's (n, m) by (m,) is matmul's; the others take mm's or bmm's strict rule.
	let product = productShape(rq === 1 ? 'matmul' : rp === 3 ? 'bmm' : 'mm', p, q);
	if (product && name === 'addbmm') {
		// The batch of products summed: (n, p).
		product = product.slice(1);
	}
	const fits = product && broadcast(s, product);
	return out(
		fits && fits.length === product?.length && fits.every((x, i) => x === product?.[i])
			? product
			: null,
	);
};

/**
 * `mm` (two matrices) and `bmm` (two batches of matrices, the same number of each): unlike matmul
 * they do not broadcast, so a batch of 1 against a batch of 4 is PyTorch's error, not a shape.
 * Undefined for any other name (matmul's broadcasting rule applies).
 */
function strictProduct(name: string, a: Shape, b: Shape): Shape | null | undefined {
	const rank = name === 'mm' ? 2 : name === 'bmm' ? 3 : undefined;
	if (rank === undefined) {
		return undefined;
	}
	if (a.length !== rank || b.length !== rank) {
		return null;
	}
	if (rank === 3 && a[0] !== null && b[0] !== null && a[0] !== b[0]) {
		return null;
	}
	const inner = [a[rank - 1], b[rank - 2]];
	if (inner[0] !== null && inner[1] !== null && inner[0] !== inner[1]) {
		return null;
	}
	return rank === 2 ? [a[0], b[1]] : [a[0] ?? b[0], a[1], b[2]];
}

/** strictProduct's answer for mm / bmm, matmul's broadcasting rule for any other name. */
export function productShape(name: string, a: Shape, b: Shape): Shape | null {
	const strict = strictProduct(name, a, b);
	return strict === undefined ? matmulShape(a, b) : strict;
}

/**
 * x.tensordot(y, dims=2): the dims of x not contracted, then those of y. `dims` is a count (the last
 * of x with the first of y) or two lists of dims; contracted sizes must agree.
 */
export function tensordotShape(x: Shape, y: Shape, dims: Value): Shape | null {
	let xs: number[];
	let ys: number[];
	const n = isFloat(dims) ? undefined : asInt(dims);
	if (n !== undefined) {
		if (n < 0 || n > x.length || n > y.length) {
			return null;
		}
		xs = Array.from({ length: n }, (_, i) => x.length - n + i);
		ys = Array.from({ length: n }, (_, i) => i);
	} else {
		const pair = asSequence(dims);
		const lists = pair?.length === 2 ? pair.map((v) => asSequence(v) ?? [v]) : undefined;
		if (!lists) {
			return null;
		}
		const xi = lists[0].map((v) => dimOf(v, x.length));
		const yi = lists[1].map((v) => dimOf(v, y.length));
		if (
			xi.length !== yi.length ||
			xi.some((d) => d === undefined) ||
			yi.some((d) => d === undefined)
		) {
			return null;
		}
		xs = xi as number[];
		ys = yi as number[];
	}
	if (xs.some((d, i) => x[d] === null || y[ys[i]] === null || x[d] !== y[ys[i]])) {
		return null;
	}
	return [...x.filter((_, i) => !xs.includes(i)), ...y.filter((_, i) => !ys.includes(i))];
}

const tensordot: TensorMethodRule = (c) => {
	const o = tensorShapeOf(c.a[0] ?? c.args.keywords.get('other'));
	const dims = c.a[1] ?? c.args.keywords.get('dims') ?? num(2);
	return c.out(o ? tensordotShape(c.s, o, dims) : null);
};

/** x.swapaxes(i, j): the two dims exchanged (transpose's twin). */
function swapped(c: TensorMethodCall): Shape | null {
	const i = dimOf(c.a[0], c.s.length);
	const j = dimOf(c.a[1], c.s.length);
	if (i === undefined || j === undefined || c.s.length === 0) {
		return null;
	}
	const r = [...c.s];
	[r[i], r[j]] = [r[j], r[i]];
	return r;
}

/** x.where(condition, y): the three shapes broadcast (a number is a 0-d tensor). */
const where: TensorMethodRule = (c) => {
	const shapes = [c.a[0], c.a[1] ?? c.args.keywords.get('other')].map(operandShape);
	return c.out(broadcastAll([c.s, ...shapes]));
};

/** An operand of a pointwise op: a tensor's shape, () for a number, null for anything else. */
export function operandShape(v: Value | undefined): Shape | null {
	if (v?.k === 'num' || v?.k === 'bool') {
		return [];
	}
	return tensorShapeOf(v) ?? null;
}

/** Every shape broadcast together; null when any is unknown or two do not broadcast. */
export function broadcastAll(shapes: readonly (Shape | null)[]): Shape | null {
	let acc: Shape | null = [];
	for (const s of shapes) {
		acc = acc && s ? broadcast(acc, s) : null;
	}
	return acc;
}

/** x.index_fill(dim, index, v), x.scatter(dim, index, src), …: a new tensor of the receiver's shape. */
const sameShape: TensorMethodRule = (c: TensorMethodCall) => c.out(c.s);

/** x.unflatten(dim, sizes): dim split into sizes (one may be -1), whose product must be its size. */
const unflatten: TensorMethodRule = (c) => {
	const { s, a, args, out } = c;
	const d = dimOf(a[0] ?? args.keywords.get('dim'), s.length);
	const sizes = asSequence(a[1] ?? args.keywords.get('sizes') ?? UNKNOWN)?.map((v) =>
		isFloat(v) ? undefined : asInt(v),
	);
	if (d === undefined || s.length === 0 || !sizes || sizes.some((n) => n === undefined)) {
		return out(null);
	}
	const ns = sizes as number[];
	const n = s[d];
	const known = ns.filter((x) => x !== -1).reduce((p, x) => p * x, 1);
	const free = ns.filter((x) => x === -1).length;
	if (free > 1 || ns.some((x) => x < -1) || n === null) {
		return out(null);
	}
	if (free === 0 ? known !== n : known === 0 || n % known !== 0) {
		return out(null);
	}
	const filled = ns.map((x) => (x === -1 ? n / known : x));
	return out([...s.slice(0, d), ...filled, ...s.slice(d + 1)]);
};

/** x.movedim(source, destination): the dims named moved there, the others in their order. */
const movedim: TensorMethodRule = (c) => {
	const { s, a, args, out } = c;
	const list = (v: Value | undefined) =>
		(v === undefined ? undefined : (asSequence(v) ?? [v]))?.map((x) => dimOf(x, s.length));
	const src = list(a[0] ?? args.keywords.get('source'));
	const dst = list(a[1] ?? args.keywords.get('destination'));
	if (
		!src ||
		!dst ||
		src.length !== dst.length ||
		[...src, ...dst].some((x) => x === undefined) ||
		new Set(src).size !== src.length ||
		new Set(dst).size !== dst.length
	) {
		return out(null);
	}
	const result: (number | null | undefined)[] = new Array(s.length).fill(undefined);
	const taken = new Set(src as number[]);
	(dst as number[]).forEach((to, i) => {
		result[to] = s[(src as number[])[i]];
	});
	const rest = s.filter((_, i) => !taken.has(i));
	let k = 0;
	return out(result.map((x) => (x === undefined ? rest[k++] : x)));
};

/** The rules above by name (merged into tensorMethods' table). */
/** x.select(dim, index): x[..., index, ...] along dim, the dim gone (PyTorch's IndexError past its size). */
const select: TensorMethodRule = (c) => {
	const { s, a, args, out } = c;
	const d = dimOf(a[0] ?? args.keywords.get('dim'), s.length);
	const i = asInt(a[1] ?? args.keywords.get('index') ?? UNKNOWN);
	const n = d === undefined || s.length === 0 ? null : s[d];
	if (d === undefined || i === undefined || n === null || isFloat(a[1] ?? UNKNOWN)) {
		return out(null);
	}
	if (i >= n || i < -n) {
		throw new ShapeError(
			`select(): index ${i} out of range for tensor of size ${fmtShape(s)} at dimension ${d}`,
			'index-error',
		);
	}
	return out(s.filter((_, k) => k !== d));
};

export const moreTensorMethods: Record<string, TensorMethodRule> = {
	select,
	// `y.set_(t)`: y takes t's storage and shape (tensorCalls.ts reshapes y itself); no source: empty.
	set_: (c) => {
		const src = c.a[0] ?? c.args.keywords.get('source');
		return c.out(src === undefined ? [0] : (tensorShapeOf(src) ?? null));
	},
	cumsum: alongDim(),
	cumprod: alongDim(),
	logcumsumexp: alongDim(),
	argsort: alongDim(-1),
	cummax: cumulativeExtreme,
	cummin: cumulativeExtreme,
	repeat_interleave: repeatInterleave,
	gather,
	take_along_dim: (c) => {
		// x.take_along_dim(indices, dim): with a dim, the index broadcast against x except along dim.
		const ix = tensorShapeOf(c.a[0] ?? c.args.keywords.get('indices'));
		const d = dimOf(c.a[1] ?? c.args.keywords.get('dim'), c.s.length);
		if (!ix || d === undefined || ix.length !== c.s.length) {
			return c.out(null);
		}
		const rest = broadcast(
			c.s.map((x, i) => (i === d ? 1 : x)),
			ix.map((x, i) => (i === d ? 1 : x)),
		);
		return c.out(rest ? rest.map((x, i) => (i === d ? ix[d] : x)) : null);
	},
	unfold,
	outer,
	ger: outer,
	norm,
	addmm: addProduct,
	baddbmm: addProduct,
	addbmm: addProduct,
	addmv: addProduct,
	tensordot,
	where,
	unflatten,
	movedim,
	moveaxis: movedim,
	swapaxes: (c) => c.out(swapped(c)),
	swapdims: (c) => c.out(swapped(c)),
	index_fill: sameShape,
	index_add: sameShape,
	index_copy: sameShape,
	scatter: sameShape,
	scatter_add: sameShape,
	scatter_reduce: sameShape,
	masked_scatter: sameShape,
};

/** A method's call as the shape and layout rules read it. */
export function methodCall(
	self: TorchTensor,
	s: Shape,
	name: string,
	a: Value[],
	args: CallArgs,
	out: (shape: Shape | null) => Value,
): TensorMethodCall {
	const axis = (v: Value | undefined) => {
		const n = asInt(v);
		// A dim out of range is PyTorch's IndexError: no shape (a 0-d tensor takes 0 and -1).
		const rank = Math.max(s.length, 1);
		return n === undefined || n < -rank || n >= rank ? undefined : n < 0 ? rank + n : n;
	};
	const dimsArg = (): number[] | undefined => {
		const list = a.length === 1 && asSequence(a[0]) ? (asSequence(a[0]) as Value[]) : a;
		// PyTorch takes sizes and dims as ints: a float (`x.view(n, c / 2)`) raises TypeError.
		const d = list.map((v) => (isFloat(v) ? undefined : asInt(v)));
		return d.every((x) => x !== undefined) ? (d as number[]) : undefined;
	};
	return { name, self, s, a, args, out, axis, dimsArg };
}
