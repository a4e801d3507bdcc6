// NumPy arrays of data as NormLens holds them (KerasTensors marked `ndarray`): where they come from
// (keras.datasets, NumPy's constructors) and what NumPy's shape functions and methods make of them,
// so that `Input(shape=x_train.shape[1:])` after `x_train = x_train.reshape(-1, 28, 28, 1)` is exact.
import type { Shape, TextRange } from '../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../python/contract';
import { asInt, asSequence, causeOf, num, tuple, unknown, Value } from '../../python/values';
import { TRAIN_TEST_SPLIT } from '../common/dataSplit';
import { reshapeShape } from '../common/shapes';
import { ShapeError } from '../common/spec';
import { isConcrete, KerasTensor, tensorShapeCause } from './objects';
import { callPath } from './paths';
import type { KerasSession } from './session';
import { isToyDataset, toyDataset } from './sklearnData';
import { createdShape, reshapeUnread } from './numpyCreation';
import {
	DATASETS,
	generator,
	GENERATORS,
	loadData,
	padSequences,
	toCategorical,
	trainTestSplit,
} from './datasetArrays';

/** An array's shape when every size is known (what NumPy's rules below need), else undefined. */
export function knownShape(t: KerasTensor): number[] | undefined {
	return t.shape?.every((d): d is number => d !== null) ? t.shape : undefined;
}

export function newArray(s: KerasSession, shape: Shape): KerasTensor {
	const t = new KerasTensor(s.tensorIds++, shape, null, []);
	t.ndarray = true;
	return t;
}

export function arrayOf(s: KerasSession, shape: Shape): Value {
	return { k: 'obj', obj: newArray(s, shape) };
}

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/** NumPy's refusal, as Python raises it: an error at the call, and the value unknown for it. */
export function refused(s: KerasSession, message: string, range: TextRange): Value {
	s.diagnostics.push({
		range,
		severity: 'error',
		code: 'shape-mismatch',
		message: `${message}.`,
	});
	return unknown({ reason: message, range });
}

/** An axis of a rank-`rank` array, as NumPy normalises it; undefined for one out of range. */
function axisOf(v: Value | undefined, rank: number): number | undefined {
	const n = asInt(v);
	return n === undefined || n < -rank || n >= rank ? undefined : n < 0 ? n + rank : n;
}

/** An int or a tuple of ints (`axis=(1, 2)`), as a list; undefined for anything else. */
export function intList(v: Value | undefined): number[] | undefined {
	const items = asSequence(v) ?? (v ? [v] : undefined);
	const ns = items?.map(asInt);
	return ns?.every((n): n is number => n !== undefined) ? ns : undefined;
}

/**
 * NumPy's shape rules on an array of known shape and the one argument after it (`newshape`, `axis`,
 * `axes`; undefined when not given): the new shape, NumPy's refusal (a string), or undefined where
 * that argument is not known.
 */
type ShapeRule = (
	shape: number[],
	arg: Value | undefined,
	keywords: ReadonlyMap<string, Value>,
) => number[] | string | undefined;

const RULES = {
	same: (x) => x,
	// np.clip(x, lo, hi) with number (or None) bounds: x's shape (array bounds broadcast: not followed).
	clip: (x, bounds, keywords) =>
		[
			...(bounds?.k === 'tuple' ? bounds.items : bounds ? [bounds] : []),
			...['a_min', 'a_max'].map((k) => keywords.get(k)),
		].every((b) => b === undefined || b.k === 'num' || b.k === 'none')
			? x
			: undefined,
	reshape: (x, dims) => {
		const ns = intList(dims);
		if (!ns) {
			return undefined;
		}
		try {
			return reshapeShape(x, ns) as number[];
		} catch (e) {
			if (e instanceof ShapeError) {
				return `NumPy cannot reshape an array of size ${size(x)} into shape (${ns.join(', ')}) (ValueError)`;
			}
			throw e;
		}
	},
	flatten: (x) => [size(x)],
	expand_dims: (x, axis) => {
		const axes = intList(axis);
		if (!axes) {
			return undefined;
		}
		const rank = x.length + axes.length;
		const at = axes.map((a) => axisOf(num(a), rank));
		if (at.some((a) => a === undefined) || new Set(at).size !== at.length) {
			return `NumPy refuses axis ${axes.join(', ')} for a result of ${rank} dimensions (AxisError)`;
		}
		const rest = [...x];
		return Array.from({ length: rank }, (_, i) =>
			at.includes(i) ? 1 : (rest.shift() as number),
		);
	},
	squeeze: (x, axis) => {
		if (!axis || axis.k === 'none') {
			return x.filter((d) => d !== 1);
		}
		const axes = intList(axis);
		const at = axes?.map((a) => axisOf(num(a), x.length));
		if (!axes || !at) {
			return undefined;
		}
		if (at.some((a) => a === undefined)) {
			return `NumPy refuses axis ${axes.join(', ')} for an array of ${x.length} dimensions (AxisError)`;
		}
		if (at.some((a) => x[a as number] !== 1)) {
			return 'NumPy cannot squeeze an axis whose size is not 1 (ValueError)';
		}
		return x.filter((_, i) => !at.includes(i));
	},
	// x.mean(axis=0), np.std(x, axis=(1, 2), keepdims=True): the axes reduced away (kept as 1s),
	// every axis when none is given (a 0-d result: NumPy's scalar, which broadcasts as one).
	reduce: (x, axis, keywords) => {
		const keep = keywords.get('keepdims');
		if (keep && keep.k !== 'bool') {
			return undefined;
		}
		const axes =
			!axis || axis.k === 'none'
				? x.map((_, i) => i)
				: intList(axis)?.map((a) => axisOf(num(a), x.length));
		if (!axes) {
			return undefined;
		}
		if (axes.some((a) => a === undefined) || new Set(axes).size !== axes.length) {
			return `NumPy refuses axis ${axes.map((a) => a ?? '?').join(', ')} for an array of ${x.length} dimensions (AxisError)`;
		}
		return keep?.k === 'bool' && keep.v
			? x.map((d, i) => (axes.includes(i) ? 1 : d))
			: x.filter((_, i) => !axes.includes(i));
	},
	transpose: (x, axes) => {
		if (!axes || axes.k === 'none') {
			return [...x].reverse();
		}
		const perm = intList(axes)?.map((a) => axisOf(num(a), x.length));
		if (!perm) {
			return undefined;
		}
		if (
			perm.length !== x.length ||
			perm.some((a) => a === undefined) ||
			new Set(perm).size !== perm.length
		) {
			return "NumPy refuses these axes: they do not permute the array's (ValueError)";
		}
		return perm.map((a) => x[a as number]);
	},
} satisfies Record<string, ShapeRule>;

type RuleName = keyof typeof RULES;

/** A function or method NormLens follows on an array: its rule, and the names its one argument goes by. */
interface ArrayCall {
	readonly rule: RuleName;
	readonly keywords: readonly string[];
	/** `x.reshape(2, 3)` as `x.reshape((2, 3))`. */
	readonly varargs?: boolean;
}

/** NumPy's reductions, as functions and as methods (`x.std(axis=0)`: featurewise normalisation). */
const REDUCTIONS = [
	'mean',
	'std',
	'var',
	'sum',
	'prod',
	'max',
	'min',
	'amax',
	'amin',
	'median',
	'ptp',
	'argmax',
	'argmin',
	'any',
	'all',
	'nanmean',
	'nanstd',
	'nanmax',
	'nanmin',
];

/** NumPy's functions of one array that NormLens follows (`np.expand_dims(x, -1)`). */
const FUNCTIONS: Readonly<Record<string, ArrayCall>> = {
	'numpy.reshape': { rule: 'reshape', keywords: ['newshape', 'shape'] },
	'numpy.expand_dims': { rule: 'expand_dims', keywords: ['axis'] },
	'numpy.squeeze': { rule: 'squeeze', keywords: ['axis'] },
	'numpy.transpose': { rule: 'transpose', keywords: ['axes'] },
	'numpy.ravel': { rule: 'flatten', keywords: [] },
	'numpy.asarray': { rule: 'same', keywords: [] },
	'numpy.array': { rule: 'same', keywords: [] },
	'numpy.copy': { rule: 'same', keywords: [] },
	'numpy.float32': { rule: 'same', keywords: [] },
	'numpy.float64': { rule: 'same', keywords: [] },
	'numpy.clip': { rule: 'clip', keywords: [], varargs: true },
	// Indices that sort along the last axis: the array's shape.
	'numpy.argsort': { rule: 'same', keywords: [] },
	// Element-wise functions of one array keep its shape (`np.sin(table[:, 0::2])`).
	...Object.fromEntries(
		(
			'sin cos tan tanh arctan exp log log2 log10 log1p expm1 sqrt square abs absolute floor ' +
			'ceil trunc round negative sign'
		)
			.split(' ')
			.map((n): [string, ArrayCall] => [`numpy.${n}`, { rule: 'same', keywords: [] }]),
	),
	...Object.fromEntries(
		REDUCTIONS.map((n): [string, ArrayCall] => [
			`numpy.${n}`,
			{ rule: 'reduce', keywords: ['axis'] },
		]),
	),
};

/**
 * The shape NumPy gives nested lists or tuples of numbers or strings (`[[1, 2], [3, 4]]` (2, 2));
 * undefined for ragged nesting (an object array, or NumPy's error) or a value NormLens does not know.
 */
export function literalShape(v: Value | undefined, depth = 0): number[] | undefined {
	if (!v || depth > 32) {
		return undefined;
	}
	if (v.k === 'num' || v.k === 'str' || v.k === 'bool') {
		return [];
	}
	if ((v.k !== 'list' && v.k !== 'tuple') || v.cause || v.items.length === 0) {
		return undefined;
	}
	const inner = v.items.map((x) => literalShape(x, depth + 1));
	const first = inner[0];
	if (
		!first ||
		inner.some((x) => !x || x.length !== first.length || x.some((d, i) => d !== first[i]))
	) {
		return undefined;
	}
	return [v.items.length, ...first];
}

/** A flat list or tuple of Python ints, as NumPy holds them in an int64 array; undefined otherwise. */
function intItems(v: Value): number[] | undefined {
	const items = asSequence(v);
	const ns = items?.map((x) => (x.k === 'num' && x.float !== true ? x.v : undefined));
	return ns?.every((n): n is number => n !== undefined && Number.isSafeInteger(n))
		? ns
		: undefined;
}

/** NumPy's reductions of a whole int array whose values NormLens holds: an int64 scalar, which PyTorch takes as a size. */
const FOLDS: ReadonlyMap<string, (xs: number[]) => number> = new Map([
	['prod', (xs: number[]) => xs.reduce((a, b) => a * b, 1)],
	['sum', (xs: number[]) => xs.reduce((a, b) => a + b, 0)],
	['max', (xs: number[]) => Math.max(...xs)],
	['min', (xs: number[]) => Math.min(...xs)],
]);

function fold(t: KerasTensor, name: string): Value | undefined {
	const xs = t.ndarray && t.values?.every((x): x is number => x !== null) ? t.values : undefined;
	if (!xs || (xs.length === 0 && (name === 'max' || name === 'min'))) {
		return undefined;
	}
	const f = FOLDS.get(name);
	const v = f?.(xs);
	if (v === undefined) {
		return undefined;
	}
	return Number.isSafeInteger(v) ? num(v) : undefined;
}

/** An array's methods that NormLens follows (`x.astype('float32')`, `x.reshape(-1, 28, 28, 1)`). */
const METHODS: Readonly<Record<string, ArrayCall>> = {
	astype: { rule: 'same', keywords: [] },
	copy: { rule: 'same', keywords: [] },
	reshape: { rule: 'reshape', keywords: ['shape'], varargs: true },
	flatten: { rule: 'flatten', keywords: [] },
	ravel: { rule: 'flatten', keywords: [] },
	squeeze: { rule: 'squeeze', keywords: ['axis'] },
	transpose: { rule: 'transpose', keywords: ['axes'], varargs: true },
	// As methods, `median`, `nanmean`… and `amax` do not exist; `ptp` is gone in NumPy 2.
	...Object.fromEntries(
		['mean', 'std', 'var', 'sum', 'prod', 'max', 'min', 'argmax', 'argmin', 'any', 'all'].map(
			(n): [string, ArrayCall] => [n, { rule: 'reduce', keywords: ['axis'] }],
		),
	),
};

/** The array `call` makes of `t`; `rest` are the positional arguments after the array. */
function applyCall(
	s: KerasSession,
	t: KerasTensor,
	call: ArrayCall,
	rest: Value[],
	keywords: ReadonlyMap<string, Value>,
	range: TextRange,
): Value {
	const x = knownShape(t);
	if (!x) {
		return unknown(tensorShapeCause(t));
	}
	const arg =
		call.keywords.map((k) => keywords.get(k)).find((v) => v !== undefined) ??
		(call.varargs && rest.length > 1 ? tuple(rest) : rest[0]);
	const r = RULES[call.rule](x, arg, keywords);
	if (typeof r === 'string') {
		return refused(s, r, range);
	}
	if (!r) {
		return unknown(causeOf(arg));
	}
	// Every rule but clip keeps the values (a dataset's labels reshaped still hold each class).
	const out = newArray(s, r);
	out.classes = call.rule === 'clip' ? undefined : t.classes;
	return { k: 'obj', obj: out };
}

/** `x.astype(…)`, `x.reshape(…)`, `len(x)` on a NumPy array; undefined for anything else. */
export function ndarrayMethod(
	s: KerasSession,
	t: KerasTensor,
	name: string,
	args: CallArgs,
	range: TextRange,
): Value | undefined {
	if (name === '__len__' && isConcrete(t) && (t.ndarray || !s.insideLayerCall) && t.shape) {
		// len() of a tensor of values is its first size; of a 0-d one, TypeError.
		const n = t.shape[0];
		return typeof n === 'number' ? num(n) : unknown(t.shapeCause ?? tensorShapeCause(t));
	}
	if (name === 'numpy' && isConcrete(t) && !s.insideLayerCall && args.positional.length === 0) {
		// An eager tensor's values as a NumPy array.
		return applyCall(s, t, METHODS.copy, [], args.keywords, range);
	}
	const folded =
		FOLDS.has(name) && args.positional.length === 0 && args.keywords.size === 0
			? fold(t, name)
			: undefined;
	if (folded) {
		return folded;
	}
	const m = t.ndarray ? METHODS[name] : undefined;
	if (m && args.cause) {
		return unknown(args.cause);
	}
	return m ? applyCall(s, t, m, args.positional, args.keywords, range) : undefined;
}

/** `x.ndim`, `x.size`, `x.T` of a NumPy array. */
export function ndarrayAttr(s: KerasSession, t: KerasTensor, name: string): Value | undefined {
	const x = t.ndarray ? knownShape(t) : undefined;
	if (!x) {
		return undefined;
	}
	switch (name) {
		case 'ndim':
			return num(x.length);
		case 'size':
			return num(size(x));
		case 'T':
			return arrayOf(s, [...x].reverse());
		default:
			return undefined;
	}
}

/**
 * The data functions NormLens follows: keras.datasets' loaders, `to_categorical`, NumPy's shape
 * functions on arrays of values, scikit-learn's `train_test_split`. Undefined for any other call.
 */
export function dataCall(
	s: KerasSession,
	path: string,
	args: CallArgs,
	ctx: CallContext,
): Value | undefined {
	const v = dataValue(s, path, args, ctx.range(args.node));
	// `train_test_split(X, y, **split_args)` with arguments NormLens cannot list: what it would
	// make of the rest does not hold.
	return v && args.cause ? unknown(args.cause) : v;
}

function dataValue(
	s: KerasSession,
	path: string,
	args: CallArgs,
	range: TextRange,
): Value | undefined {
	// Every call into Keras, TensorFlow or NumPy comes through here: the path decides at once.
	const { sub } = callPath(path);
	if (sub) {
		if (
			sub[0] === 'datasets' &&
			sub.length === 3 &&
			sub[2] === 'load_data' &&
			sub[1] in DATASETS
		) {
			return loadData(s, sub[1], args, range);
		}
		if (sub[sub.length - 1] === 'pad_sequences' && sub.length <= 3) {
			return padSequences(s, args, range);
		}
		return sub[0] === 'utils' && sub[sub.length - 1] === 'to_categorical'
			? toCategorical(s, args, range)
			: undefined;
	}
	if (path.startsWith('sklearn.')) {
		const made = /^sklearn\.datasets\.(\w+)$/.exec(path)?.[1];
		if (made && made in GENERATORS) {
			return generator(s, made, args, range);
		}
		if (made && isToyDataset(made)) {
			return toyDataset(s, made, args, range);
		}
		return TRAIN_TEST_SPLIT.test(path) ? trainTestSplit(s, args, range) : undefined;
	}
	const name = /^(?:numpy|np)\.(\w+)$/.exec(path)?.[1];
	if (name === undefined) {
		return undefined;
	}
	if (name === 'unique' && args.positional.length === 1 && args.keywords.size === 0) {
		// The distinct labels of a dataset NormLens knows: one of each class.
		const y = args.positional[0];
		if (y.k === 'obj' && y.obj instanceof KerasTensor && y.obj.classes !== undefined) {
			return arrayOf(s, [y.obj.classes]);
		}
	}
	const made = args.cause ? undefined : createdShape(name, args);
	if (made) {
		return arrayOf(s, made);
	}
	const literal =
		name === 'array' || name === 'asarray' ? literalShape(args.positional[0]) : undefined;
	if (literal && args.positional.length <= 2) {
		// `np.array(['hello', 'thanks', 'iloveyou'])`: the nesting of the values written; a flat
		// array of ints keeps them (`np.array(obs_shape).prod()` sizes a Linear).
		const out = newArray(s, literal);
		out.values =
			literal.length === 1 && args.positional.length === 1
				? intItems(args.positional[0])
				: undefined;
		return { k: 'obj', obj: out };
	}
	const why = name === 'array' || name === 'asarray' ? causeOf(args.positional[0]) : undefined;
	if (why) {
		// Data whose items NormLens lost (a loop it stopped, a value it could not read): that cause.
		return unknown(why);
	}
	const held = args.positional[0];
	const folded =
		FOLDS.has(name) &&
		args.positional.length === 1 &&
		args.keywords.size === 0 &&
		held?.k === 'obj' &&
		held.obj instanceof KerasTensor
			? fold(held.obj, name)
			: undefined;
	if (folded) {
		return folded;
	}
	const f = FUNCTIONS[`numpy.${name}`];
	const x = args.positional[0] ?? args.keywords.get('a');
	if (!f || x?.k !== 'obj' || !(x.obj instanceof KerasTensor) || !isConcrete(x.obj)) {
		const unread = name === 'reshape' && !args.cause ? reshapeUnread(args) : undefined;
		return unread ? arrayOf(s, unread) : undefined;
	}
	return applyCall(s, x.obj, f, args.positional.slice(1), args.keywords, range);
}
