// keras.datasets' arrays, `to_categorical`, `pad_sequences` and scikit-learn's splits and generators:
// the data arrays a notebook feeds its model, by the shapes their libraries document.
import type { TextRange } from '../../../protocol/analysis';
import type { CallArgs } from '../../python/contract';
import {
	asInt,
	asNumber,
	asSequence,
	asString,
	causeOf,
	firstCause,
	tuple,
	unknown,
	Value,
} from '../../python/values';
import { trainTestSplitShapes } from '../common/dataSplit';
import { isConcrete, KerasTensor, tensorShapeCause } from './objects';
import type { KerasSession } from './session';
import { arrayOf, intList, knownShape, literalShape, newArray, refused } from './numpyArrays';

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
export const DATASETS: Readonly<Record<string, Dataset>> = {
	mnist: MNIST,
	fashion_mnist: MNIST,
	cifar10: CIFAR,
	cifar100: CIFAR,
	// 506 houses, cut at int(506 · (1 − test_split)) with the default test_split 0.2.
	boston_housing: { sample: [13], label: [], train: 404, test: 102 },
};

/** `(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()`: arrays of Keras's shapes. */
export function loadData(s: KerasSession, name: string, args: CallArgs, range: TextRange): Value {
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
export function toCategorical(
	s: KerasSession,
	args: CallArgs,
	range: TextRange,
): Value | undefined {
	const y = args.positional[0] ?? args.keywords.get('y');
	const listed = literalShape(y);
	if (listed && y && (y.k === 'list' || y.k === 'tuple')) {
		// Labels written out (`to_categorical([0, 1, 2], num_classes=26)`): NumPy's array of them.
		const labels = new KerasTensor(s.tensorIds++, listed, null, []);
		labels.ndarray = true;
		labels.classes = intLabelsMax(y);
		return toCategorical(
			s,
			{ ...args, positional: [{ k: 'obj', obj: labels }, ...args.positional.slice(1)] },
			range,
		);
	}
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

/** The class count `to_categorical` reads from labels written out (their max + 1); undefined unless all are ints ≥ 0. */
function intLabelsMax(v: Value): number | undefined {
	const flat: number[] = [];
	const walk = (x: Value): boolean =>
		x.k === 'list' || x.k === 'tuple'
			? x.items.every(walk)
			: x.k === 'num' &&
				!x.float &&
				Number.isInteger(x.v) &&
				x.v >= 0 &&
				(flat.push(x.v), true);
	return walk(v) && flat.length > 0 ? Math.max(...flat) + 1 : undefined;
}

/**
 * scikit-learn's `train_test_split(*arrays, test_size=None, train_size=None, …)`: each array cut
 * along its first axis, as `_validate_shuffle_split` counts (a float test size rounds up, a float
 * train size down; 0.25 for the test when neither is given).
 */
export function trainTestSplit(
	s: KerasSession,
	args: CallArgs,
	range: TextRange,
): Value | undefined {
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
export const GENERATORS: Readonly<
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
export function generator(s: KerasSession, name: string, args: CallArgs, range: TextRange): Value {
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
 * `pad_sequences(seqs, maxlen=M)`: an array of (len(seqs), M) — each sequence cut or padded to M.
 * Without `maxlen` the width is the longest sequence's length, which NormLens does not read. The
 * number of sequences comes from data it may not know: that size is then unknown (null in an
 * array's shape, which `.shape` gives as unknown, never None), while `X.shape[1]` is M.
 */
export function padSequences(s: KerasSession, args: CallArgs, range: TextRange): Value {
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
