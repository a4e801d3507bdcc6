// TensorFlow and keras.ops functions between Keras layers, as tables: name → shape rule, row name.
/**
 * On symbolic tensors, each function's name maps to its shape rule (TF_OPS then OP_RULES, or
 * SHAPE_KEEPING for those that keep their argument's shape) and to the name tf.keras 2 gives its
 * TFOpLambda row (TF_OP_LAYER_NAMES, shapeKeepingLayerName).
 */
import type { Shape } from '../../../protocol/analysis';
import type { CallArgs } from '../../python/contract';
import { asInt, asSequence, Value } from '../../python/values';
import { matmulShape, reshapeShape } from '../common/shapes';
import { ShapeError } from '../common/spec';
import {
	extractPatchesShape,
	kerasExtractPatchesShape,
	shapeEntries,
	tfReshapeShape,
} from './dynamicShapes';
import { einsumShape, mergeDim, MORE_OP_RULES, stackShape } from './opsMore';
export { SHAPE_KEEPING, shapeKeepingLayerName } from './shapeKeeping';

export type TensorOp =
	| 'concat'
	| 'reshape'
	| 'reduce'
	| 'expand_dims'
	| 'squeeze'
	| 'transpose'
	| 'matmul'
	| 'depth_to_space'
	| 'space_to_depth'
	| 'extract_patches'
	| 'keras_extract_patches'
	| 'resize'
	| 'tile'
	| 'pad'
	| 'one_hot'
	| 'stack'
	| 'einsum';

/** TensorFlow and keras.ops functions whose output shape NormLens computes on symbolic tensors (tensorOp). */
export const TF_OPS: Readonly<Record<string, TensorOp>> = {
	'tf.concat': 'concat',
	'ops.concatenate': 'concat',
	'tf.reshape': 'reshape',
	'ops.reshape': 'reshape',
	'tf.reduce_mean': 'reduce',
	'tf.reduce_sum': 'reduce',
	'tf.reduce_max': 'reduce',
	'tf.reduce_min': 'reduce',
	'tf.math.reduce_mean': 'reduce',
	'tf.math.reduce_sum': 'reduce',
	'tf.reduce_prod': 'reduce',
	'tf.math.reduce_prod': 'reduce',
	'tf.math.reduce_max': 'reduce',
	'tf.math.reduce_min': 'reduce',
	'tf.math.reduce_std': 'reduce',
	'tf.math.reduce_variance': 'reduce',
	'tf.reduce_any': 'reduce',
	'tf.reduce_all': 'reduce',
	'tf.math.reduce_any': 'reduce',
	'tf.math.reduce_all': 'reduce',
	'tf.reduce_logsumexp': 'reduce',
	'tf.math.reduce_logsumexp': 'reduce',
	'ops.prod': 'reduce',
	'ops.std': 'reduce',
	'ops.var': 'reduce',
	'ops.logsumexp': 'reduce',
	'ops.mean': 'reduce',
	'ops.sum': 'reduce',
	'ops.max': 'reduce',
	'ops.min': 'reduce',
	'tf.expand_dims': 'expand_dims',
	'ops.expand_dims': 'expand_dims',
	'tf.squeeze': 'squeeze',
	'ops.squeeze': 'squeeze',
	'tf.transpose': 'transpose',
	'ops.transpose': 'transpose',
	'tf.matmul': 'matmul',
	'tf.linalg.matmul': 'matmul',
	'ops.matmul': 'matmul',
	'tf.nn.depth_to_space': 'depth_to_space',
	'tf.nn.space_to_depth': 'space_to_depth',
	'tf.compat.v1.space_to_depth': 'space_to_depth',
	'tf.compat.v1.depth_to_space': 'depth_to_space',
	'tf.image.extract_patches': 'extract_patches',
	'ops.image.extract_patches': 'keras_extract_patches',
	'tf.image.resize': 'resize',
	'ops.image.resize': 'resize',
	'tf.tile': 'tile',
	'ops.tile': 'tile',
	'tf.pad': 'pad',
	'ops.pad': 'pad',
	'tf.one_hot': 'one_hot',
	'ops.one_hot': 'one_hot',
	'tf.stack': 'stack',
	'ops.stack': 'stack',
	'tf.einsum': 'einsum',
	'tf.linalg.einsum': 'einsum',
	'ops.einsum': 'einsum',
	// Keras 2's backend (`K`), with its own default axes (K_DEFAULT_AXIS).
	'K.concatenate': 'concat',
	'K.reshape': 'reshape',
	'K.mean': 'reduce',
	'K.sum': 'reduce',
	'K.max': 'reduce',
	'K.min': 'reduce',
	'K.expand_dims': 'expand_dims',
	'K.squeeze': 'squeeze',
	'K.permute_dimensions': 'transpose',
	'K.stack': 'stack',
	'K.tile': 'tile',
	'K.one_hot': 'one_hot',
};

/** The axis a Keras 2 backend function takes when none is given (`K.concatenate` joins the last). */
export const K_DEFAULT_AXIS: Readonly<Record<string, number>> = {
	'K.concatenate': -1,
	'K.expand_dims': -1,
};

/**
 * Element-wise comparisons, by the name TensorFlow and keras.ops give them. On two Python numbers
 * (`keras.ops.equal(x.shape[-1], output_channels)` in keras-io's MobileViT) they run eagerly, as
 * NumPy would: a scalar boolean whose truth an `if` reads.
 */
export const SCALAR_COMPARISONS: Readonly<Record<string, (a: number, b: number) => boolean>> = {
	equal: (a, b) => a === b,
	not_equal: (a, b) => a !== b,
	less: (a, b) => a < b,
	less_equal: (a, b) => a <= b,
	greater: (a, b) => a > b,
	greater_equal: (a, b) => a >= b,
};

/**
 * Element-wise functions of two tensors (or a tensor and a number) that broadcast as NumPy does,
 * by their name under `tf.`, `tf.math.` and `keras.ops.`, with the TFOpLambda name tf.keras 2
 * gives them.
 */
export const BROADCASTING: Readonly<Record<string, string>> = {
	add: 'tf.math.add',
	subtract: 'tf.math.subtract',
	multiply: 'tf.math.multiply',
	divide: 'tf.math.truediv',
	truediv: 'tf.math.truediv',
	maximum: 'tf.math.maximum',
	minimum: 'tf.math.minimum',
	pow: 'tf.math.pow',
	power: 'tf.math.pow',
	squared_difference: 'tf.math.squared_difference',
};

/**
 * The name tf.keras 2 gives the TFOpLambda layer of each TensorFlow function: the function's
 * canonical API name (`tf.reduce_mean` is `tf.math.reduce_mean`). keras.ops has no such layer.
 */
export const TF_OP_LAYER_NAMES: Readonly<Record<string, string>> = {
	'tf.concat': 'tf.concat',
	'tf.reshape': 'tf.reshape',
	'tf.expand_dims': 'tf.expand_dims',
	'tf.squeeze': 'tf.compat.v1.squeeze',
	'tf.transpose': 'tf.compat.v1.transpose',
	'tf.matmul': 'tf.linalg.matmul',
	'tf.linalg.matmul': 'tf.linalg.matmul',
	'tf.nn.depth_to_space': 'tf.nn.depth_to_space',
	'tf.nn.space_to_depth': 'tf.nn.space_to_depth',
	'tf.image.extract_patches': 'tf.image.extract_patches',
	'tf.image.resize': 'tf.image.resize',
	'tf.tile': 'tf.tile',
	'tf.pad': 'tf.pad',
	'tf.one_hot': 'tf.one_hot',
	'tf.stack': 'tf.stack',
	'tf.einsum': 'tf.einsum',
	'tf.linalg.einsum': 'tf.einsum',
	'K.concatenate': 'tf.concat',
	'K.reshape': 'tf.reshape',
	'K.mean': 'tf.math.reduce_mean',
	'K.sum': 'tf.math.reduce_sum',
	'K.max': 'tf.math.reduce_max',
	'K.min': 'tf.math.reduce_min',
	'K.expand_dims': 'tf.compat.v1.expand_dims',
	'K.squeeze': 'tf.compat.v1.squeeze',
	'K.permute_dimensions': 'tf.compat.v1.transpose',
	'K.stack': 'tf.stack',
	'K.tile': 'tf.tile',
	'K.one_hot': 'tf.one_hot',
};

/** tf.keras 2's TFOpLambda name for an op: `tf.reduce_sum` and `tf.math.reduce_sum` are both `tf.math.reduce_sum`. */
export function tfOpLayerName(opPath: string): string | undefined {
	const reduction = /^tf\.(?:math\.)?(reduce_\w+)$/.exec(opPath)?.[1];
	return TF_OP_LAYER_NAMES[opPath] ?? (reduction && `tf.math.${reduction}`);
}

/** The TFOpLambda names of Python operators on symbolic tensors in tf.keras 2. */
export const TF_OPERATOR_LAYER_NAMES: Readonly<Record<string, string>> = {
	'+': 'tf.__operators__.add',
	'-': 'tf.math.subtract',
	'*': 'tf.math.multiply',
	'/': 'tf.math.truediv',
	'@': 'tf.linalg.matmul',
};

/** What an op rule gets: the call's arguments, and how to read them. */
interface OpCall<T> {
	args: CallArgs;
	/** The argument given by keyword `name` or at position `i`. */
	kw: (name: string, i: number) => Value | undefined;
	/** The symbolic tensor a value is, if it is one. */
	tensor: (v: Value | undefined) => T | undefined;
	/** An axis of a tensor of `rank` (negative counts from the end); undefined out of range. */
	axisOf: (v: Value | undefined, rank: number) => number | undefined;
}

/** An op's output shape (null where NormLens cannot tell, `why` then says what it lacked) and its input tensors. */
type OpResult<T> = { shape: Shape | null; inputs: T[]; why?: string };

/**
 * The rule of an op on one symbolic tensor `x` of known shape `s` (its first argument): the output
 * shape with the tensors it was computed from; a shape NormLens cannot tell is null.
 */
type OpRule = <T extends { shape: Shape | null }>(x: T, s: Shape, call: OpCall<T>) => OpResult<T>;

/** The shape rule of each op of one tensor, keyed by TensorOp (concat, over a list, is tensorOpResult's own). */
const OP_RULES: Readonly<
	Record<Exclude<TensorOp, 'concat' | 'stack' | 'einsum' | keyof typeof MORE_OP_RULES>, OpRule>
> = {
	reshape: (x, s, { kw }) => {
		const arg = kw('shape', 1) ?? kw('newshape', 1);
		const dims = shapeEntries(arg);
		if (!dims || dims.some((d) => d === undefined)) {
			return {
				shape: null,
				inputs: [x],
				why: 'the shape it is given holds a value NormLens does not know',
			};
		}
		try {
			const known = dims as (number | null)[];
			return {
				shape: known.includes(null)
					? tfReshapeShape(s, known)
					: reshapeShape(s, known as number[]),
				inputs: [x],
			};
		} catch (e) {
			if (e instanceof ShapeError) {
				return { shape: null, inputs: [x], why: `TensorFlow refuses this: ${e.message}` };
			}
			throw e;
		}
	},
	extract_patches: (x, s, { args, kw }) => ({
		shape: extractPatchesShape(s, args, kw),
		inputs: [x],
	}),
	keras_extract_patches: (x, s, { args, kw }) => ({
		shape: kerasExtractPatchesShape(s, args, kw),
		inputs: [x],
	}),
	reduce: (x, s, { args, kw, axisOf }) => {
		const a = args.positional;
		const axisV = kw('axis', 1);
		const keep = args.keywords.get('keepdims') ?? a[2];
		const axes =
			!axisV || axisV.k === 'none'
				? s.map((_, i) => i)
				: (asSequence(axisV) ?? [axisV]).map((v) => axisOf(v, s.length));
		if (axes.some((d) => d === undefined) || (keep && keep.k !== 'bool')) {
			return { shape: null, inputs: [x] };
		}
		return {
			shape:
				keep?.k === 'bool' && keep.v
					? s.map((d, i) => (axes.includes(i) ? 1 : d))
					: s.filter((_, i) => !axes.includes(i)),
			inputs: [x],
		};
	},
	expand_dims: (x, s, { kw }) => {
		const n = asInt(kw('axis', 1));
		const i =
			n === undefined || n < -s.length - 1 || n > s.length
				? undefined
				: n < 0
					? n + s.length + 1
					: n;
		return {
			shape: i === undefined ? null : [...s.slice(0, i), 1, ...s.slice(i)],
			inputs: [x],
		};
	},
	squeeze: (x, s, { kw, axisOf }) => {
		const axisV = kw('axis', 1);
		if (!axisV || axisV.k === 'none') {
			return {
				shape: s.some((d) => d === null) ? null : s.filter((d) => d !== 1),
				inputs: [x],
			};
		}
		const axes = (asSequence(axisV) ?? [axisV]).map((v) => axisOf(v, s.length));
		return {
			shape: axes.some((d) => d === undefined || s[d] !== 1)
				? null
				: s.filter((_, i) => !axes.includes(i)),
			inputs: [x],
		};
	},
	transpose: (x, s, { args, kw, axisOf }) => {
		const permV = kw('perm', 1) ?? args.keywords.get('axes') ?? args.keywords.get('pattern');
		const perm =
			!permV || permV.k === 'none'
				? s.map((_, i) => s.length - 1 - i)
				: asSequence(permV)?.map((v) => axisOf(v, s.length));
		return {
			shape:
				!perm || perm.length !== s.length || perm.some((d) => d === undefined)
					? null
					: perm.map((d) => s[d as number]),
			inputs: [x],
		};
	},
	// Sub-pixel rearrangements of an NHWC batch (keras-io's ESPCN super-resolution): blocks of
	// block_size² channels become block_size × block_size pixels, and back.
	depth_to_space: (x, s, { args, kw }) => ({
		shape: subPixel(s, asInt(kw('block_size', 1)), args, true),
		inputs: [x],
	}),
	space_to_depth: (x, s, { args, kw }) => ({
		shape: subPixel(s, asInt(kw('block_size', 1)), args, false),
		inputs: [x],
	}),
	matmul: (x, s, { args, kw, tensor }) => {
		const y = tensor(kw('b', 1) ?? args.keywords.get('x2'));
		const inputs = y ? [x, y] : [x];
		// transpose_a / adjoint_a (and _b) swap the operand's last two dimensions first.
		const flag = (names: [string, number][]): boolean | undefined => {
			let on = false;
			for (const [name, i] of names) {
				const v = kw(name, i);
				if (v !== undefined && v.k !== 'bool') {
					return undefined;
				}
				on ||= v?.v === true;
			}
			return on;
		};
		const ta = flag([
			['transpose_a', 2],
			['adjoint_a', 4],
		]);
		const tb = flag([
			['transpose_b', 3],
			['adjoint_b', 5],
		]);
		const swap = (t: Shape, on: boolean | undefined): Shape | null =>
			on === undefined || (on && t.length < 2)
				? null
				: on
					? [...t.slice(0, -2), t[t.length - 1], t[t.length - 2]]
					: t;
		const a = swap(s, ta);
		const b = y?.shape ? swap(y.shape, tb) : null;
		return { shape: a && b ? matmulShape(a, b) : null, inputs };
	},
};

/** tf.nn.depth_to_space (`toSpace`) / space_to_depth on NHWC; null for another layout or a block that does not divide. */
function subPixel(s: Shape, b: number | undefined, args: CallArgs, toSpace: boolean): Shape | null {
	const format = args.keywords.get('data_format');
	if (
		b === undefined ||
		b < 2 ||
		s.length !== 4 ||
		(format && !(format.k === 'str' && format.v === 'NHWC'))
	) {
		return null;
	}
	const [n, h, w, c] = s;
	if (toSpace) {
		return c === null || c % (b * b) !== 0
			? null
			: [n, h === null ? null : h * b, w === null ? null : w * b, c / (b * b)];
	}
	if ((h !== null && h % b !== 0) || (w !== null && w % b !== 0)) {
		return null;
	}
	return [n, h === null ? null : h / b, w === null ? null : w / b, c === null ? null : c * b * b];
}

/** An axis of a tensor of `rank` (negative counts from the end); undefined out of range or not a known int. */
export function axisIndex(v: Value | undefined, rank: number): number | undefined {
	const n = asInt(v);
	return n === undefined || n < -rank || n >= rank ? undefined : n < 0 ? n + rank : n;
}

/**
 * The output shape TensorFlow gives `op` on the symbolic tensors among `args` (`tensorOf` picks them
 * out), with those tensors; undefined when the first argument is no symbolic tensor. A shape
 * NormLens cannot tell (an axis it cannot evaluate, a reshape that does not divide) is null.
 */
export function tensorOpResult<T extends { shape: Shape | null }>(
	op: TensorOp,
	args: CallArgs,
	tensorOf: (v: Value | undefined) => T | undefined,
	/** The axis a concatenation takes when none is given (0; -1 for `K.concatenate`). */
	defaultAxis = 0,
): OpResult<T> | undefined {
	const a = args.positional;
	const kw = (name: string, i: number) => args.keywords.get(name) ?? a[i];
	const tensor = tensorOf;
	const axisOf = axisIndex;
	const result = (shape: Shape | null, inputs: T[]) => ({ shape, inputs });
	if (op === 'concat' || op === 'stack' || op === 'einsum') {
		const listed =
			op === 'einsum'
				? a.slice(1)
				: asSequence(kw('values', 0) ?? kw('xs', 0) ?? kw('tensors', 0) ?? kw('x', 0));
		const items = (
			listed?.length === 1 && op === 'einsum' ? (asSequence(listed[0]) ?? listed) : listed
		)?.map(tensor);
		if (!items || items.length === 0 || items.some((t) => !t)) {
			return undefined;
		}
		const ts = items as T[];
		const shapes = ts.map((t) => t.shape);
		if (op === 'einsum') {
			const eq = a[0]?.k === 'str' ? a[0].v : undefined;
			const r =
				eq === undefined ? { shape: null, why: 'the equation' } : einsumShape(eq, shapes);
			return { ...r, inputs: ts };
		}
		const axisV = args.keywords.get('axis') ?? a[1];
		if (op === 'stack') {
			return { ...stackShape(shapes, axisV, axisOf), inputs: ts };
		}
		const rank = shapes[0]?.length ?? 0;
		const ax = shapes.every((x): x is Shape => x !== null && x.length === rank)
			? axisOf(
					axisV ?? (args.keywords.has('axis') ? undefined : { k: 'num', v: defaultAxis }),
					rank,
				)
			: undefined;
		if (ax === undefined) {
			return result(null, ts);
		}
		// The other dimensions must agree (None takes the other's size), as TensorFlow checks.
		const out = [...(shapes[0] as Shape)];
		for (const x of shapes as Shape[]) {
			for (let i = 0; i < rank; i++) {
				if (i !== ax) {
					const d = mergeDim(out[i], x[i]);
					if (d === undefined) {
						return {
							shape: null,
							inputs: ts,
							why: `TensorFlow refuses this concatenation: the shapes do not agree outside axis ${ax}`,
						};
					}
					out[i] = d;
				}
			}
		}
		out[ax] = (shapes as Shape[]).reduce<number | null>(
			(sum, x) => (sum === null || x[ax] === null ? null : sum + (x[ax] as number)),
			0,
		);
		return result(out, ts);
	}
	const x = tensor(
		kw(
			op === 'matmul'
				? 'a'
				: op.endsWith('extract_patches') || op === 'resize'
					? 'images'
					: op === 'one_hot'
						? 'indices'
						: 'x',
			0,
		) ??
			args.keywords.get('tensor') ??
			args.keywords.get('input'),
	);
	if (!x) {
		return undefined;
	}
	const s = x.shape;
	if (!s) {
		return result(null, [x]);
	}
	if (op in MORE_OP_RULES) {
		const r = MORE_OP_RULES[op as keyof typeof MORE_OP_RULES](s, { args, kw, axisOf });
		return { ...r, inputs: [x] };
	}
	return OP_RULES[op as keyof typeof OP_RULES](x, s, { args, kw, tensor, axisOf });
}

/**
 * The length of `tf.range(limit)` / `tf.range(start, limit, delta)` (`keras.ops.arange(start, stop,
 * step)` alike): ceil((limit − start) / delta), at least 0; None where a bound is only known when the
 * model runs (`tf.shape(inputs)[-1]`), as TensorFlow's static shape says.
 */
export function rangeLength(args: CallArgs): number | null {
	const a = args.positional;
	const kw = (names: string[], i: number): Value | undefined =>
		names.map((n) => args.keywords.get(n)).find((v) => v !== undefined) ?? a[i];
	const second = kw(['limit', 'stop'], 1);
	const start = second === undefined || second.k === 'none' ? 0 : asInt(kw(['start'], 0));
	const limit =
		second === undefined || second.k === 'none'
			? asInt(kw(['limit', 'start'], 0))
			: asInt(second);
	const step = kw(['delta', 'step'], 2);
	const delta = step === undefined || step.k === 'none' ? 1 : asInt(step);
	if (start === undefined || limit === undefined || delta === undefined || delta === 0) {
		return null;
	}
	return Math.max(0, Math.ceil((limit - start) / delta));
}

/** `tf.TensorShape(…)`: a shape object; as NormLens holds it, the tuple of its dimensions. */
export const tensorShapePath = /^(?:tensorflow|tf)\.TensorShape$/;

/**
 * `tf.TensorShape((None, *input_shape))`: the dimensions as a tuple (what `model.build(…)` and
 * `Input(shape=…)` read from it; a TensorShape indexes and iterates as its dimensions do).
 * Undefined when a dimension is not a known int or None, or the rank is unknown
 * (`tf.TensorShape(None)`): the call then stays one NormLens does not follow.
 */
export function tensorShapeValue(args: CallArgs): Value | undefined {
	const dims = asSequence(args.positional[0] ?? args.keywords.get('dims'));
	if (!dims || !dims.every((d) => d.k === 'none' || asInt(d) !== undefined)) {
		return undefined;
	}
	return {
		k: 'tuple',
		items: dims.map((d) => (d.k === 'none' ? d : { k: 'num', v: asInt(d) as number })),
	};
}
