// More TensorFlow / keras.ops shape rules: resize, tile, pad, one_hot, and the ops over several tensors (stack, einsum).
import type { Shape } from '../../../protocol/analysis';
import type { CallArgs } from '../../python/contract';
import { asInt, asSequence, Value } from '../../python/values';
import { shapeEntries } from './dynamicShapes';

/** How a rule reads the call (ops.ts's OpCall, without the generic tensor type). */
export interface MoreOpCall {
	args: CallArgs;
	kw: (name: string, i: number) => Value | undefined;
	axisOf: (v: Value | undefined, rank: number) => number | undefined;
}

/** A rule's answer: the shape, or null with what NormLens lacked (`why`). */
export type MoreOpResult = { shape: Shape | null; why?: string };

const unknownArg = (what: string): MoreOpResult => ({
	shape: null,
	why: `${what} is not a value NormLens knows`,
});

/** A pair of positive ints (`size=(64, 64)`), or one int for both where `one` allows it. */
function pair(v: Value | undefined, one = false): [number, number] | undefined {
	const n = one ? asInt(v) : undefined;
	// Sizes may come from a shape the graph knows (`tf.shape(other)[1:3]` inside a Lambda).
	const xs = n !== undefined ? [n, n] : shapeEntries(v)?.map((d) => d ?? undefined);
	return xs && xs.length === 2 && xs.every((d) => d !== undefined && d >= 0)
		? (xs as [number, number])
		: undefined;
}

/** The shape rules of ops on one tensor `x` of known shape `s`, by TensorOp name. */
export const MORE_OP_RULES: Readonly<
	Record<'resize' | 'tile' | 'pad' | 'one_hot', (s: Shape, call: MoreOpCall) => MoreOpResult>
> = {
	// tf.image.resize(images, size, method, preserve_aspect_ratio=False) and keras.ops.image.resize(
	// images, size, …, data_format): the spatial sides become `size`; batch and channels stay.
	resize: (s, { args, kw }) => {
		const size = pair(kw('size', 1));
		if (!size) {
			return unknownArg('the size');
		}
		const keep = args.keywords.get('preserve_aspect_ratio');
		const crop =
			args.keywords.get('crop_to_aspect_ratio') ?? args.keywords.get('pad_to_aspect_ratio');
		if (
			(keep && !(keep.k === 'bool' && !keep.v)) ||
			(crop && !(crop.k === 'bool' && !crop.v))
		) {
			return { shape: null, why: 'the aspect ratio decides the sides' };
		}
		const format = args.keywords.get('data_format');
		const first = format?.k === 'str' && format.v === 'channels_first';
		if (
			format &&
			!first &&
			!(format.k === 'none' || (format.k === 'str' && format.v === 'channels_last'))
		) {
			return unknownArg('the data format');
		}
		if (s.length === 4) {
			return { shape: first ? [s[0], s[1], ...size] : [s[0], ...size, s[3]] };
		}
		if (s.length === 3) {
			return { shape: first ? [s[0], ...size] : [...size, s[2]] };
		}
		return {
			shape: null,
			why: `TensorFlow resizes images of 3 or 4 dimensions, not ${s.length}`,
		};
	},
	// tf.tile(x, multiples) / keras.ops.tile(x, repeats): each dimension times its multiple.
	tile: (s, { kw }) => {
		const m = asSequence(kw('multiples', 1) ?? kw('repeats', 1))?.map(asInt);
		if (!m || m.some((d) => d === undefined || d < 0)) {
			return unknownArg('the multiples');
		}
		if (m.length !== s.length) {
			return {
				shape: null,
				why: `TensorFlow refuses ${m.length} multiples for a tensor of ${s.length} dimensions`,
			};
		}
		return { shape: s.map((d, i) => (d === null ? null : d * (m[i] as number))) };
	},
	// tf.pad(x, paddings) / keras.ops.pad(x, pad_width): each dimension grows by its (before, after).
	pad: (s, { kw }) => {
		const rows = asSequence(kw('paddings', 1) ?? kw('pad_width', 1))?.map((r) => pair(r));
		if (!rows || rows.some((r) => r === undefined)) {
			return unknownArg('the paddings');
		}
		if (rows.length !== s.length) {
			return {
				shape: null,
				why: `TensorFlow refuses ${rows.length} paddings for a tensor of ${s.length} dimensions`,
			};
		}
		return {
			shape: s.map((d, i) => {
				const [b, a] = rows[i] as [number, number];
				return d === null ? null : d + b + a;
			}),
		};
	},
	// tf.one_hot(indices, depth, on_value, off_value, axis=-1): a new dimension of `depth`.
	one_hot: (s, { kw, axisOf }) => {
		const depth = asInt(kw('depth', 1));
		if (depth === undefined || depth < 0) {
			return unknownArg('the depth');
		}
		const axisV = kw('axis', 4);
		const axis = !axisV || axisV.k === 'none' ? s.length : axisOf(axisV, s.length + 1);
		if (axis === undefined) {
			return unknownArg('the axis');
		}
		return { shape: [...s.slice(0, axis), depth, ...s.slice(axis)] };
	},
};

/** Two dimensions that must be one: their common size (None where both are), or undefined where they differ. */
export function mergeDim(a: number | null, b: number | null): number | null | undefined {
	return a === null ? b : b === null || a === b ? a : undefined;
}

/**
 * tf.stack(values, axis=0) / keras.ops.stack(x, axis=0): tensors of one shape, stacked along a new
 * dimension of their count.
 */
export function stackShape(
	shapes: (Shape | null)[],
	axisV: Value | undefined,
	axisOf: (v: Value | undefined, rank: number) => number | undefined,
): MoreOpResult {
	if (shapes.some((x) => x === null)) {
		return { shape: null };
	}
	const known = shapes as Shape[];
	const rank = known[0].length;
	if (known.some((x) => x.length !== rank)) {
		return { shape: null, why: 'TensorFlow refuses to stack tensors of different shapes' };
	}
	const common: Shape = [];
	for (let i = 0; i < rank; i++) {
		let d: number | null | undefined = known[0][i];
		for (const x of known) {
			d = d === undefined ? undefined : mergeDim(d, x[i]);
		}
		if (d === undefined) {
			return { shape: null, why: 'TensorFlow refuses to stack tensors of different shapes' };
		}
		common.push(d);
	}
	const axis = axisOf(axisV ?? { k: 'num', v: 0 }, rank + 1);
	if (axis === undefined) {
		return unknownArg('the axis');
	}
	return { shape: [...common.slice(0, axis), known.length, ...common.slice(axis)] };
}

/**
 * tf.einsum(equation, *inputs) / keras.ops.einsum: each subscript's size from the operands it labels
 * (they must agree), the output in the order after `->` (without one, the subscripts used once, in
 * alphabetical order, as NumPy and TensorFlow read it). An ellipsis is not followed (null).
 */
export function einsumShape(equation: string, shapes: (Shape | null)[]): MoreOpResult {
	const eq = equation.replace(/\s+/g, '');
	if (eq.includes('.')) {
		return { shape: null, why: 'an einsum with an ellipsis is not followed' };
	}
	const [lhs, rhs] = eq.split('->');
	const terms = lhs.split(',');
	if (
		terms.length !== shapes.length ||
		!/^[a-zA-Z,]*$/.test(lhs) ||
		(rhs !== undefined && !/^[a-zA-Z]*$/.test(rhs))
	) {
		return {
			shape: null,
			why: `the equation ${equation} does not fit ${shapes.length} operands`,
		};
	}
	if (shapes.some((x) => x === null)) {
		return { shape: null };
	}
	const sizes = new Map<string, number | null>();
	const count = new Map<string, number>();
	for (const [i, term] of terms.entries()) {
		const shape = shapes[i] as Shape;
		if (term.length !== shape.length) {
			return {
				shape: null,
				why: `TensorFlow refuses this einsum: \`${term}\` labels ${term.length} dimensions of a tensor of ${shape.length}`,
			};
		}
		for (const [j, c] of [...term].entries()) {
			const d = sizes.has(c) ? mergeDim(sizes.get(c) as number | null, shape[j]) : shape[j];
			if (d === undefined) {
				return {
					shape: null,
					why: `TensorFlow refuses this einsum: \`${c}\` labels dimensions of different sizes`,
				};
			}
			sizes.set(c, d);
			count.set(c, (count.get(c) ?? 0) + 1);
		}
	}
	const out =
		rhs ??
		[...count.keys()]
			.filter((c) => count.get(c) === 1)
			.sort()
			.join('');
	if ([...out].some((c) => !sizes.has(c))) {
		return { shape: null, why: `the output of ${equation} names a subscript no operand has` };
	}
	return { shape: [...out].map((c) => sizes.get(c) as number | null) };
}

/**
 * The pieces of a split, as shapes: `tf.split(x, n, axis)` cuts the axis into n equal pieces (n
 * must divide it), `tf.split(x, [2, -1, 3], axis)` into those sizes (one -1 takes the rest);
 * `keras.ops.split(x, n)` as NumPy's: an int is n equal pieces, a list gives the indices to cut
 * at. `tf.unstack(x, axis=0)` / `ops.unstack`: one piece per index of the axis, without it. Null
 * for pieces NormLens cannot count (an axis of unknown length, a size it does not know); a `why`
 * that starts "TensorFlow refuses" for a split TensorFlow raises on.
 */
export function splitShapes(
	kind: 'tf.split' | 'ops.split' | 'unstack',
	s: Shape,
	{ kw, axisOf }: MoreOpCall,
): { shapes: Shape[] | null; why?: string } {
	const axis = axisOf(kw('axis', 2) ?? { k: 'num', v: 0 }, s.length);
	if (axis === undefined) {
		return { shapes: null, why: 'the axis is not a value NormLens knows' };
	}
	const n = s[axis];
	const piece = (len: number | null): Shape => s.map((d, i) => (i === axis ? len : d));
	if (kind === 'unstack') {
		const num = asInt(kw('num', 1));
		const count = n ?? num;
		if (count === undefined || count === null) {
			return {
				shapes: null,
				why: 'the length of the axis is only known when the model runs',
			};
		}
		const one = s.filter((_, i) => i !== axis);
		return { shapes: Array.from({ length: count }, () => one) };
	}
	const arg = kw(kind === 'tf.split' ? 'num_or_size_splits' : 'indices_or_sections', 1);
	const count = asInt(arg);
	if (count !== undefined) {
		if (count <= 0) {
			return { shapes: null, why: `TensorFlow refuses a split into ${count} pieces` };
		}
		if (n !== null && n % count !== 0) {
			return {
				shapes: null,
				why: `TensorFlow refuses this split: ${count} pieces do not divide the axis of ${n}`,
			};
		}
		return {
			shapes: Array.from({ length: count }, () => piece(n === null ? null : n / count)),
		};
	}
	const list = asSequence(arg)?.map(asInt);
	if (!list || list.some((d) => d === undefined)) {
		return { shapes: null, why: 'the sizes of the pieces are not values NormLens knows' };
	}
	const xs = list as number[];
	if (kind === 'ops.split') {
		// Indices to cut at: pieces [0, i1), [i1, i2), … [ik, n).
		if (n === null) {
			return {
				shapes: null,
				why: 'the length of the axis is only known when the model runs',
			};
		}
		const cuts = [0, ...xs.map((i) => Math.min(n, Math.max(0, i < 0 ? i + n : i))), n];
		return {
			shapes: cuts.slice(1).map((c, i) => piece(Math.max(0, c - cuts[i]))),
		};
	}
	const rest = xs.filter((d) => d === -1).length;
	const known = xs.filter((d) => d !== -1).reduce((a, b) => a + b, 0);
	if (rest > 1 || xs.some((d) => d < -1)) {
		return {
			shapes: null,
			why: 'TensorFlow refuses these sizes (more than one -1, or a negative size)',
		};
	}
	if (n !== null && (rest === 0 ? known !== n : known > n)) {
		return {
			shapes: null,
			why: `TensorFlow refuses this split: sizes of ${known} for an axis of ${n}`,
		};
	}
	return {
		shapes: xs.map((d) => piece(d === -1 ? (n === null ? null : n - known) : d)),
	};
}
