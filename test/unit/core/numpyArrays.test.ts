import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython } from '../../../src/core';
import type { AnalysisResult, Shape } from '../../../src/protocol/analysis';
import { repoRoot } from '../paths';

/**
 * The data a Keras notebook prepares before a model reads its shape: keras.datasets' arrays, what
 * NumPy's shape functions and methods make of them, `to_categorical`, scikit-learn's
 * `train_test_split` and sample generators. Before, `x_train.astype(…)`, `x.reshape(…)` and the
 * loaders were calls NormLens could not follow, so `Input(shape=x_train.shape[1:])` and
 * `model.fit(X, y)` left every model after them unknown; and `np.random.rand(100, 28)` was taken
 * for an array of shape (100,) (its first argument), `np.random.normal(0, 1, (100, 10))` for (0,).
 */

interface ArrayCase {
	arrays: number[][];
	expression: string;
	shape?: number[];
	shapes?: number[][];
	tuple?: number[];
	int?: number;
	error?: string;
}

const grid = JSON.parse(
	fs.readFileSync(
		path.join(repoRoot, 'test', 'unit', 'fixtures', 'numpyArrayShapes.json'),
		'utf8',
	),
) as { numpy: string; sklearn: string; cases: ArrayCase[] };

const HEADER = [
	'import numpy as np',
	'from tensorflow import keras',
	'from sklearn.model_selection import train_test_split',
	'from sklearn.datasets import make_blobs, make_circles, make_classification, make_moons, make_regression',
];

function run(lines: string[]): AnalysisResult {
	return analyzePython([...HEADER, ...lines].join('\n'));
}

/** The input shape of the model `name` (an Input of `batch_shape=…`), or null when unknown. */
function inputShape(result: AnalysisResult, name: string): Shape | null | undefined {
	return result.models.find((m) => m.name === name)?.layers[0]?.outputShape;
}

/** What NormLens makes of one case: the case's own fields, read back through models that take the values as their input shapes. */
function evaluate(c: ArrayCase): Omit<ArrayCase, 'arrays' | 'expression'> {
	const names = ['x', 'y'];
	const lines = c.arrays.map((s, i) => `${names[i]} = np.zeros((${s.join(', ')},))`);
	lines.push(`r = ${c.expression}`);
	const probe = (value: string, model: string) => [
		`i_${model} = keras.Input(batch_shape=${value})`,
		`${model} = keras.Model(i_${model}, keras.layers.Activation('relu')(i_${model}))`,
	];
	const outputs = c.shapes?.length ?? 1;
	if (c.shapes) {
		lines.push(`${Array.from({ length: outputs }, (_, i) => `r${i}`).join(', ')} = r`);
		for (let i = 0; i < outputs; i++) {
			lines.push(...probe(`r${i}.shape`, `m${i}`));
		}
	} else {
		lines.push(...probe(c.int !== undefined ? '(r,)' : c.tuple ? 'r' : 'r.shape', 'm0'));
	}
	const result = run(lines);
	const shapes = Array.from({ length: outputs }, (_, i) => inputShape(result, `m${i}`));
	const exprLine = HEADER.length + c.arrays.length;
	const refused = result.diagnostics.some(
		(d) => d.severity === 'error' && d.range.start.line === exprLine,
	);
	if (refused || shapes.every((s) => s === null)) {
		// An error NormLens reports at the expression's line, the values after it unknown.
		return refused && shapes.every((s) => s === null) ? { error: 'raised' } : { shapes: [] };
	}
	if (c.shapes) {
		return { shapes: shapes as number[][] };
	}
	const [s] = shapes as number[][];
	return c.int !== undefined ? { int: s[0] } : c.tuple ? { tuple: s } : { shape: s };
}

describe('NumPy arrays of data (keras.datasets, NumPy, scikit-learn)', () => {
	it(`gives the shape NumPy ${grid.numpy} and scikit-learn ${grid.sklearn} give on every case of the grid (${grid.cases.length} cases), or reports their error`, () => {
		// tools/numpy_array_shapes.py: reshape with -1, expand_dims, squeeze, transpose, .T,
		// flatten, astype, indexing, len, ndim, size on arrays of three shapes; train_test_split
		// with float, int, default and both sizes; make_circles, make_moons, make_blobs,
		// make_classification and make_regression.
		const got = grid.cases.map((c) => ({
			expression: c.expression,
			arrays: c.arrays,
			...evaluate(c),
		}));
		const want = grid.cases.map((c) =>
			c.error ? { expression: c.expression, arrays: c.arrays, error: 'raised' } : c,
		);
		assert.deepStrictEqual(got, want);
	});

	it("loads keras.datasets' arrays with the shapes Keras documents, CIFAR in the image data format set", () => {
		// keras.io/api/datasets: MNIST and Fashion-MNIST x (60000, 28, 28) / (10000, 28, 28), y
		// (60000,); CIFAR-10 and CIFAR-100 x (50000, 32, 32, 3), y (50000, 1) (Keras's loader
		// transposes the stored channels-first images unless the format is channels_first); Boston
		// housing cut at int(506 · (1 − test_split)): (404, 13) by default.
		const result = run([
			'(a, b), (c, d) = keras.datasets.mnist.load_data()',
			'(e, f), _ = keras.datasets.fashion_mnist.load_data()',
			'(g, h), (k, l) = keras.datasets.cifar10.load_data()',
			'(m, n), _ = keras.datasets.cifar100.load_data(label_mode="coarse")',
			'(o, p), (q, _) = keras.datasets.boston_housing.load_data(test_split=0.25)',
			'keras.backend.set_image_data_format("channels_first")',
			'(s, t), _ = keras.datasets.cifar10.load_data()',
			...['a', 'b', 'c', 'd', 'e', 'g', 'h', 'k', 'l', 'm', 'o', 'p', 'q', 's'].flatMap(
				(v) => [
					`i_${v} = keras.Input(batch_shape=${v}.shape)`,
					`m_${v} = keras.Model(i_${v}, keras.layers.Activation('relu')(i_${v}))`,
				],
			),
		]);
		const shapes = Object.fromEntries(
			['a', 'b', 'c', 'd', 'e', 'g', 'h', 'k', 'l', 'm', 'o', 'p', 'q', 's'].map((v) => [
				v,
				inputShape(result, `m_${v}`),
			]),
		);
		assert.deepStrictEqual(shapes, {
			a: [60000, 28, 28],
			b: [60000],
			c: [10000, 28, 28],
			d: [10000],
			e: [60000, 28, 28],
			g: [50000, 32, 32, 3],
			h: [50000, 1],
			k: [10000, 32, 32, 3],
			l: [10000, 1],
			m: [50000, 32, 32, 3],
			o: [379, 13],
			p: [379],
			q: [127, 13],
			s: [50000, 3, 32, 32],
		});
	});

	it('one-hot labels: to_categorical with num_classes, or the classes of a dataset Keras documents; unknown, saying why, for labels it cannot count', () => {
		const result = run([
			'(x, y), _ = keras.datasets.cifar100.load_data()',
			'a = keras.utils.to_categorical(y, 100)',
			'b = keras.utils.to_categorical(y)',
			'n = len(np.unique(y))',
			'z = np.zeros((64,))',
			'c = keras.utils.to_categorical(z, num_classes=7)',
			'd = keras.utils.to_categorical(z)',
			'e = keras.utils.to_categorical(y[5000:])',
			...['a', 'b', 'c', 'd', 'e'].flatMap((v) => [
				`i_${v} = keras.Input(batch_shape=${v}.shape)`,
				`m_${v} = keras.Model(i_${v}, keras.layers.Activation('relu')(i_${v}))`,
			]),
			'm_n = keras.Sequential([keras.layers.Dense(n, input_shape=(4,))])',
		]);
		assert.deepStrictEqual(
			['a', 'b', 'c', 'd', 'e'].map((v) => inputShape(result, `m_${v}`)),
			// CIFAR's (50000, 1) labels lose their axis of 1, as Keras's to_categorical drops it.
			[[50000, 100], [50000, 100], [64, 7], null, null],
		);
		assert.strictEqual(
			result.models.find((m) => m.name === 'm_n')?.totals.total,
			4 * 100 + 100,
		);
		const why =
			result.models
				.find((m) => m.name === 'm_d')
				?.layers.map((l) => l.unknown?.reason)
				.find((r) => r !== undefined) ?? '';
		assert.match(why, /to_categorical` without `num_classes` counts the classes in the labels/);
	});

	it('NumPy random arrays take their shape from the argument that gives it (size after the parameters)', () => {
		const result = run([
			'a = np.random.rand(100, 28)',
			'b = np.random.normal(0, 1, (100, 10))',
			'c = np.random.uniform(-1, 1, size=(64, 7))',
			'd = np.random.randint(0, 10, size=(5, 3))',
			'e = np.random.random((8, 2))',
			...['a', 'b', 'c', 'd', 'e'].flatMap((v) => [
				`m_${v} = keras.Sequential([keras.layers.Dense(3)])`,
				`m_${v}.fit(${v}, ${v})`,
			]),
			'f = np.random.normal(0, 1)',
			'm_f = keras.Sequential([keras.layers.Dense(3, input_shape=(f,))])',
		]);
		assert.deepStrictEqual(
			['a', 'b', 'c', 'd', 'e', 'f'].map(
				(v) => result.models.find((m) => m.name === `m_${v}`)?.totals.total ?? null,
			),
			// Dense(3) on the last axis: 28, 10, 7, 3, 2 inputs; a float (no size) is no shape.
			[28 * 3 + 3, 10 * 3 + 3, 7 * 3 + 3, 3 * 3 + 3, 2 * 3 + 3, null],
		);
	});

	it('sizes the libraries refuse give no shape: a negative size, a test_split outside [0, 1), no samples below zero', () => {
		const result = run([
			'a = np.random.rand(-1, 3)',
			'b = np.zeros((4, -2))',
			'(c, _), _ = keras.datasets.boston_housing.load_data(test_split=1.5)',
			'd, _ = make_circles(-5)',
			'e = keras.utils.to_categorical(np.zeros((3,)), 0)',
			...['a', 'b', 'c', 'd', 'e'].flatMap((v) => [
				`i_${v} = keras.Input(batch_shape=${v}.shape)`,
				`m_${v} = keras.Model(i_${v}, keras.layers.Activation('relu')(i_${v}))`,
			]),
		]);
		assert.deepStrictEqual(
			['a', 'b', 'c', 'd', 'e'].map((v) => inputShape(result, `m_${v}`)),
			[null, null, null, null, null],
		);
	});

	it('values only make no tf.keras 2 row and use up no automatic name', () => {
		// `x_train[..., np.newaxis]` and `x / 255` on data are computed at once; the model's own
		// slicing op is then `tf.__operators__.getitem`, as Keras named it, not `…_1`.
		const result = run([
			'# normlens: keras 2',
			'import tensorflow as tf',
			'(x, y), _ = keras.datasets.mnist.load_data()',
			'x = x[..., np.newaxis] / 255.0',
			'z = tf.zeros((2, 3))[:, 0] * 2',
			'inp = keras.Input(shape=x.shape[1:])',
			'h = inp[:, 0] * 2',
			'model = keras.Model(inp, keras.layers.Flatten()(h))',
		]);
		const m = result.models.find((x) => x.name === 'model');
		assert.deepStrictEqual(
			m?.layers.map((l) => [l.name, l.outputShape]),
			[
				['input_1', [null, 28, 28, 1]],
				['tf.__operators__.getitem', [null, 28, 1]],
				['tf.math.multiply', [null, 28, 1]],
				['flatten', [null, 28]],
			],
		);
	});
});
