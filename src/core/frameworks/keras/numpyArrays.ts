// NumPy arrays of data as NormLens holds them (KerasTensors marked `ndarray`): where they come from
// (keras.datasets, NumPy's constructors) and what NumPy's shape functions and methods make of them,
// so that `Input(shape=x_train.shape[1:])` after `x_train = x_train.reshape(-1, 28, 28, 1)` is exact.
import type { Shape, TextRange } from '../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../python/contract';
import {
	asInt,
	asNumber,
	asSequence,
	asString,
	causeOf,
	firstCause,
	num,
	tuple,
	unknown,
	Value,
} from '../../python/values';
import { TRAIN_TEST_SPLIT, trainTestSplitShapes } from '../common/dataSplit';
import { reshapeShape } from '../common/shapes';
import { ShapeError } from '../common/spec';
import { isConcrete, KerasTensor, tensorShapeCause } from './objects';
import { callPath } from './paths';
import type { KerasSession } from './session';
import { isToyDataset, toyDataset } from './sklearnData';
import { createdShape, reshapeUnread } from './numpyCreation';

/** An array's shape when every size is known (what NumPy's rules below need), else undefined. */
function knownShape(t: KerasTensor): number[] | undefined {
	return t.shape?.every((d): d is number => d !== null) ? t.shape : undefined;
}

export function newArray(s: KerasSession, shape: Shape): KerasTensor {
	const t = new KerasTensor(s.tensorIds++, shape, null, []);
	t.ndarray = true;
	return t;
}

function arrayOf(s: KerasSession, shape: Shape): Value {
	return { k: 'obj', obj: newArray(s, shape) };
}

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/** NumPy's refusal, as Python raises it: an error at the call, and the value unknown for it. */
function refused(s: KerasSession, message: string, range: TextRange): Value {
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
function intList(v: Value | undefined): number[] | undefined {
	const items = asSequence(v) ?? (v ? [v] : undefined);
	const ns = items?.map(asInt);
	return ns?.every((n): n is number => n !== undefined) ? ns : undefined;
}

/**
 * NumPy's shape rules on an array of known shape and the one argument after it (`newshape`, `axis`,
 * `axes`; undefined when not given): the new shape, NumPy's refusal (a string), or undefined where
 * that argument is not known.
 */
type ShapeRule = (shape: number[], arg: Value | undefined) => number[] | string | undefined;

const RULES = {
	same: (x) => x,
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
};

/**
 * The shape NumPy gives nested lists or tuples of numbers or strings (`[[1, 2], [3, 4]]` (2, 2));
 * undefined for ragged nesting (an object array, or NumPy's error) or a value NormLens does not know.
 */
function literalShape(v: Value | undefined, depth = 0): number[] | undefined {
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

/** An array's methods that NormLens follows (`x.astype('float32')`, `x.reshape(-1, 28, 28, 1)`). */
const METHODS: Readonly<Record<string, ArrayCall>> = {
	astype: { rule: 'same', keywords: [] },
	copy: { rule: 'same', keywords: [] },
	reshape: { rule: 'reshape', keywords: ['shape'], varargs: true },
	flatten: { rule: 'flatten', keywords: [] },
	ravel: { rule: 'flatten', keywords: [] },
	squeeze: { rule: 'squeeze', keywords: ['axis'] },
	transpose: { rule: 'transpose', keywords: ['axes'], varargs: true },
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
	const r = RULES[call.rule](x, arg);
	if (typeof r === 'string') {
		return refused(s, r, range);
	}
	if (!r) {
		return unknown(causeOf(arg));
	}
	// Every rule keeps the values (a dataset's labels reshaped still hold each class).
	const out = newArray(s, r);
	out.classes = t.classes;
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

/** keras.datasets' arrays, as Keras documents them: train and test (inputs, labels). */
interface Dataset {
	/** The input arrays' sizes after the sample axis, channels last (`transpose(0, 2, 3, 1)` in Keras's loader). */
	readonly sample: readonly number[];
	/** The labels' sizes after the sample axis (CIFAR's labels are a column). */
	readonly label: readonly number[];
	readonly train: number;
	readonly test: number;
	/** An image dataset Keras gives in the backend's image data format (CIFAR). */
	readonly imageFormat?: boolean;
	/** How many classes the labels of both splits hold, every one present (0 … n − 1). */
	readonly classes?: number;
}

const MNIST: Dataset = { sample: [28, 28], label: [], train: 60000, test: 10000, classes: 10 };
const CIFAR: Dataset = {
	sample: [32, 32, 3],
	label: [1],
	train: 50000,
	test: 10000,
	imageFormat: true,
	classes: 10,
};

/** `load_data()` of each dataset whose arrays have fixed shapes (IMDB's and Reuters' reviews are lists of any length). */
const DATASETS: Readonly<Record<string, Dataset>> = {
	mnist: MNIST,
	fashion_mnist: MNIST,
	cifar10: CIFAR,
	cifar100: CIFAR,
	// 506 houses, cut at int(506 · (1 − test_split)) with the default test_split 0.2.
	boston_housing: { sample: [13], label: [], train: 404, test: 102 },
};

/** `(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()`: arrays of Keras's shapes. */
function loadData(s: KerasSession, name: string, args: CallArgs, range: TextRange): Value {
	const d = DATASETS[name];
	let [train, test] = [d.train, d.test];
	const split =
		args.keywords.get('test_split') ??
		(name === 'boston_housing' ? args.positional[1] : undefined);
	if (split) {
		const f = asNumber(split);
		// Keras slices at int(n · (1 − test_split)): outside [0, 1) that is no split NormLens follows.
		if (f === undefined || f < 0 || f >= 1) {
			return unknown(
				causeOf(split) ?? {
					reason: 'NormLens does not know the `test_split` given to `load_data`',
					range,
				},
			);
		}
		train = Math.trunc((d.train + d.test) * (1 - f));
		test = d.train + d.test - train;
	}
	let sample: readonly number[] = d.sample;
	if (d.imageFormat) {
		const format = asString(s.imageDataFormat);
		if (format === undefined) {
			return unknown(causeOf(s.imageDataFormat));
		}
		sample = format === 'channels_first' ? [d.sample[2], d.sample[0], d.sample[1]] : d.sample;
	}
	let classes = d.classes;
	if (name === 'cifar100') {
		// label_mode 'fine' (the default): 100 classes; 'coarse': 20 superclasses.
		const mode = args.keywords.get('label_mode') ?? args.positional[0];
		const m = mode ? asString(mode) : 'fine';
		classes = m === 'fine' ? 100 : m === 'coarse' ? 20 : undefined;
	}
	const labels = (n: number) => {
		const y = newArray(s, [n, ...d.label]);
		y.classes = classes;
		return { k: 'obj', obj: y } as Value;
	};
	const pair = (n: number) => tuple([arrayOf(s, [n, ...sample]), labels(n)]);
	return tuple([pair(train), pair(test)]);
}

/**
 * `keras.utils.to_categorical(y, num_classes)`: y's shape (a trailing axis of 1 dropped, as Keras
 * does) with the classes last. Without `num_classes` Keras counts them in the data (max + 1).
 */
function toCategorical(s: KerasSession, args: CallArgs, range: TextRange): Value | undefined {
	const y = args.positional[0] ?? args.keywords.get('y');
	if (y?.k !== 'obj' || !(y.obj instanceof KerasTensor) || !isConcrete(y.obj)) {
		return causeOf(y) ? unknown(causeOf(y)) : undefined;
	}
	const shape = knownShape(y.obj);
	if (!shape) {
		return unknown(tensorShapeCause(y.obj));
	}
	const classes =
		args.keywords.get('num_classes') ?? args.keywords.get('nb_classes') ?? args.positional[1];
	// Without num_classes, Keras counts max + 1, which NormLens knows of a dataset's own labels.
	const n = classes && classes.k !== 'none' ? asInt(classes) : y.obj.classes;
	if (n === undefined || n < 1) {
		return unknown(
			causeOf(classes) ?? {
				reason: '`to_categorical` without `num_classes` counts the classes in the labels (their max + 1), which NormLens does not read',
				range,
			},
		);
	}
	const kept = shape.length > 1 && shape[shape.length - 1] === 1 ? shape.slice(0, -1) : shape;
	return arrayOf(s, [...kept, n]);
}

/**
 * scikit-learn's `train_test_split(*arrays, test_size=None, train_size=None, …)`: each array cut
 * along its first axis, as `_validate_shuffle_split` counts (a float test size rounds up, a float
 * train size down; 0.25 for the test when neither is given).
 */
function trainTestSplit(s: KerasSession, args: CallArgs, range: TextRange): Value | undefined {
	const arrays = args.positional.map((v) =>
		v.k === 'obj' && v.obj instanceof KerasTensor && v.obj.ndarray
			? knownShape(v.obj)
			: undefined,
	);
	if (arrays.length === 0 || arrays.some((a) => !a || a.length === 0)) {
		const cause = causeOf(args.positional.find((v) => causeOf(v)));
		return cause ? unknown(cause) : undefined;
	}
	const r = trainTestSplitShapes(arrays as number[][], args);
	if ('refused' in r) {
		return refused(s, r.refused, range);
	}
	if ('cause' in r) {
		return unknown(
			r.cause ?? {
				reason: 'NormLens does not know the sizes given to `train_test_split`',
				range,
			},
		);
	}
	return { k: 'list', items: r.shapes.map((x) => arrayOf(s, x)) };
}

/** scikit-learn's sample generators (`make_circles(1000, noise=0.03)`): their features, and what else they return. */
const GENERATORS: Readonly<
	Record<string, { features: number | { keyword: string; position: number; default: number } }>
> = {
	make_circles: { features: 2 },
	make_moons: { features: 2 },
	make_blobs: { features: { keyword: 'n_features', position: 1, default: 2 } },
	make_classification: { features: { keyword: 'n_features', position: 1, default: 20 } },
	make_regression: { features: { keyword: 'n_features', position: 1, default: 100 } },
};

/**
 * `X, y = make_circles(n_samples=1000, …)`: X of (samples, features), y of (samples,), or
 * (samples, n_targets) for `make_regression` with several targets. A tuple of sample counts (one
 * per class) adds up. Unknown where an extra return (`return_centers`, `coef`) is asked for.
 */
function generator(s: KerasSession, name: string, args: CallArgs, range: TextRange): Value {
	const g = GENERATORS[name];
	const arg = (keyword: string, position: number) =>
		args.keywords.get(keyword) ?? args.positional[position];
	const samplesV = arg('n_samples', 0);
	const counts = samplesV ? intList(samplesV) : [100];
	const features =
		typeof g.features === 'number'
			? g.features
			: (() => {
					const v = arg(g.features.keyword, g.features.position);
					return v ? asInt(v) : g.features.default;
				})();
	const targetsV = name === 'make_regression' ? args.keywords.get('n_targets') : undefined;
	const targets = targetsV ? asInt(targetsV) : 1;
	const extra = ['return_centers', 'coef'].find((k) => {
		const v = args.keywords.get(k);
		return v && !(v.k === 'bool' && !v.v);
	});
	const negative = counts?.some((c) => c < 0) || (features ?? 1) < 1 || (targets ?? 1) < 1;
	if (!counts || features === undefined || targets === undefined || extra || negative) {
		return unknown(
			firstCause([samplesV, targetsV].filter((v): v is Value => v !== undefined)) ?? {
				reason: extra
					? `\`${name}(…, ${extra}=…)\` returns more than the data, which NormLens does not follow`
					: `NormLens does not know the sizes given to \`${name}\``,
				range,
			},
		);
	}
	const n = counts.reduce((a, b) => a + b, 0);
	return tuple([arrayOf(s, [n, features]), arrayOf(s, targets === 1 ? [n] : [n, targets])]);
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
		// `np.array(['hello', 'thanks', 'iloveyou'])`: the nesting of the values written.
		return arrayOf(s, literal);
	}
	const f = FUNCTIONS[`numpy.${name}`];
	const x = args.positional[0] ?? args.keywords.get('a');
	if (!f || x?.k !== 'obj' || !(x.obj instanceof KerasTensor) || !isConcrete(x.obj)) {
		const unread = name === 'reshape' && !args.cause ? reshapeUnread(args) : undefined;
		return unread ? arrayOf(s, unread) : undefined;
	}
	return applyCall(s, x.obj, f, args.positional.slice(1), args.keywords, range);
}

/**
 * `pad_sequences(seqs, maxlen=M)`: an array of (len(seqs), M) — each sequence cut or padded to M.
 * Without `maxlen` the width is the longest sequence's length, which NormLens does not read. The
 * number of sequences comes from data it may not know: that size is then unknown (null in an
 * array's shape, which `.shape` gives as unknown, never None), while `X.shape[1]` is M.
 */
function padSequences(s: KerasSession, args: CallArgs, range: TextRange): Value {
	const seqs = args.positional[0] ?? args.keywords.get('sequences');
	const maxlenV = args.keywords.get('maxlen') ?? args.positional[1];
	const maxlen = maxlenV && maxlenV.k !== 'none' ? asInt(maxlenV) : undefined;
	if (maxlen === undefined || maxlen < 0 || args.cause) {
		return unknown(
			args.cause ??
				(maxlenV && causeOf(maxlenV)) ?? {
					reason: '`pad_sequences(…)` without `maxlen` pads to the longest sequence, whose length NormLens does not read',
					range,
				},
		);
	}
	const items = seqs ? asSequence(seqs) : undefined;
	const first =
		seqs?.k === 'obj' && seqs.obj instanceof KerasTensor && seqs.obj.ndarray
			? (seqs.obj.shape?.[0] ?? null)
			: null;
	const n = items ? items.length : first;
	const out = newArray(s, [n, maxlen]);
	if (n === null) {
		out.shapeCause = (seqs && causeOf(seqs)) ?? {
			reason: 'NormLens does not know how many sequences `pad_sequences(…)` is given',
			range,
		};
	}
	return { k: 'obj', obj: out };
}
