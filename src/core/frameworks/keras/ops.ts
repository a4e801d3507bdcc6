/**
 * TensorFlow and keras.ops functions on symbolic tensors between Keras layers, as tables: the
 * function's name → its shape rule, and the name tf.keras 2 gives its TFOpLambda row.
 */
import type { Shape } from '../../../protocol/analysis';
import type { CallArgs } from '../../python/contract';
import { asInt, asSequence, Value } from '../../python/values';
import { matmulShape, reshapeShape } from '../common/shapes';
import { ShapeError } from '../common/spec';

export type TensorOp =
	'concat' | 'reshape' | 'reduce' | 'expand_dims' | 'squeeze' | 'transpose' | 'matmul';

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
};

/**
 * The name tf.keras 2 gives the TFOpLambda layer of each TensorFlow function: the function's
 * canonical API name (`tf.reduce_mean` is `tf.math.reduce_mean`). keras.ops has no such layer.
 */
export const TF_OP_LAYER_NAMES: Readonly<Record<string, string>> = {
	'tf.concat': 'tf.concat',
	'tf.reshape': 'tf.reshape',
	'tf.reduce_mean': 'tf.math.reduce_mean',
	'tf.reduce_sum': 'tf.math.reduce_sum',
	'tf.reduce_max': 'tf.math.reduce_max',
	'tf.reduce_min': 'tf.math.reduce_min',
	'tf.math.reduce_mean': 'tf.math.reduce_mean',
	'tf.math.reduce_sum': 'tf.math.reduce_sum',
	'tf.expand_dims': 'tf.expand_dims',
	'tf.squeeze': 'tf.compat.v1.squeeze',
	'tf.transpose': 'tf.compat.v1.transpose',
	'tf.matmul': 'tf.linalg.matmul',
	'tf.linalg.matmul': 'tf.linalg.matmul',
};

/** The TFOpLambda names of Python operators on symbolic tensors in tf.keras 2. */
export const TF_OPERATOR_LAYER_NAMES: Readonly<Record<string, string>> = {
	'+': 'tf.__operators__.add',
	'-': 'tf.math.subtract',
	'*': 'tf.math.multiply',
	'/': 'tf.math.truediv',
};

/**
 * The output shape TensorFlow gives `op` on the symbolic tensors among `args` (`tensorOf` picks them
 * out), with those tensors; undefined when the first argument is no symbolic tensor. A shape
 * NormLens cannot tell (an axis it cannot evaluate, a reshape that does not divide) is null.
 */
export function tensorOpResult<T extends { shape: Shape | null }>(
	op: TensorOp,
	args: CallArgs,
	tensorOf: (v: Value | undefined) => T | undefined,
): { shape: Shape | null; inputs: T[] } | undefined {
	const a = args.positional;
	const kw = (name: string, i: number) => args.keywords.get(name) ?? a[i];
	const tensor = tensorOf;
	const axisOf = (v: Value | undefined, rank: number): number | undefined => {
		const n = asInt(v);
		return n === undefined || n < -rank || n >= rank ? undefined : n < 0 ? n + rank : n;
	};
	const result = (shape: Shape | null, inputs: T[]) => ({ shape, inputs });
	if (op === 'concat') {
		const items = asSequence(kw('values', 0) ?? kw('xs', 0))?.map(tensor);
		if (!items || items.length === 0 || items.some((t) => !t)) {
			return undefined;
		}
		const ts = items as T[];
		const shapes = ts.map((t) => t.shape);
		const rank = shapes[0]?.length ?? 0;
		const ax = shapes.every((x): x is Shape => x !== null && x.length === rank)
			? axisOf(
					args.keywords.get('axis') ??
						a[1] ??
						(args.keywords.has('axis') ? undefined : { k: 'num', v: 0 }),
					rank,
				)
			: undefined;
		if (ax === undefined) {
			return result(null, ts);
		}
		const out = [...(shapes[0] as Shape)];
		out[ax] = (shapes as Shape[]).reduce<number | null>(
			(sum, x) => (sum === null || x[ax] === null ? null : sum + (x[ax] as number)),
			0,
		);
		return result(out, ts);
	}
	const x = tensor(
		kw(op === 'matmul' ? 'a' : 'x', 0) ??
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
	switch (op) {
		case 'reshape': {
			const dims = asSequence(kw('shape', 1) ?? kw('newshape', 1))?.map(asInt);
			if (!dims || dims.some((d) => d === undefined)) {
				return result(null, [x]);
			}
			try {
				return result(reshapeShape(s, dims as number[]), [x]);
			} catch (e) {
				if (e instanceof ShapeError) {
					return result(null, [x]);
				}
				throw e;
			}
		}
		case 'reduce': {
			const axisV = kw('axis', 1);
			const keep = args.keywords.get('keepdims') ?? a[2];
			const axes =
				!axisV || axisV.k === 'none'
					? s.map((_, i) => i)
					: (asSequence(axisV) ?? [axisV]).map((v) => axisOf(v, s.length));
			if (axes.some((d) => d === undefined) || (keep && keep.k !== 'bool')) {
				return result(null, [x]);
			}
			return result(
				keep?.k === 'bool' && keep.v
					? s.map((d, i) => (axes.includes(i) ? 1 : d))
					: s.filter((_, i) => !axes.includes(i)),
				[x],
			);
		}
		case 'expand_dims': {
			const n = asInt(kw('axis', 1));
			const i =
				n === undefined || n < -s.length - 1 || n > s.length
					? undefined
					: n < 0
						? n + s.length + 1
						: n;
			return result(i === undefined ? null : [...s.slice(0, i), 1, ...s.slice(i)], [x]);
		}
		case 'squeeze': {
			const axisV = kw('axis', 1);
			if (!axisV || axisV.k === 'none') {
				return result(s.some((d) => d === null) ? null : s.filter((d) => d !== 1), [x]);
			}
			const axes = (asSequence(axisV) ?? [axisV]).map((v) => axisOf(v, s.length));
			return result(
				axes.some((d) => d === undefined || s[d] !== 1)
					? null
					: s.filter((_, i) => !axes.includes(i)),
				[x],
			);
		}
		case 'transpose': {
			const permV = kw('perm', 1) ?? args.keywords.get('axes');
			const perm =
				!permV || permV.k === 'none'
					? s.map((_, i) => s.length - 1 - i)
					: asSequence(permV)?.map((v) => axisOf(v, s.length));
			return result(
				!perm || perm.length !== s.length || perm.some((d) => d === undefined)
					? null
					: perm.map((d) => s[d as number]),
				[x],
			);
		}
		case 'matmul': {
			const y = tensor(kw('b', 1) ?? args.keywords.get('x2'));
			return result(y?.shape ? matmulShape(s, y.shape) : null, y ? [x, y] : [x]);
		}
	}
}
