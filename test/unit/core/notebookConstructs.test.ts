import * as assert from 'assert';
import { analyzePython, buildProgram } from '../../../src/core';
import type { AnalysisResult } from '../../../src/protocol/analysis';

/**
 * Constructs a hunt over 111 further public Keras notebooks (19 repositories: Packt's Keras and
 * TensorFlow books, dipanjanS's transfer learning book, zaidalyafeai, krishnaik06, nicknochnack,
 * and others; 2026-12-06) found NormLens silent or unknown on where the answer is knowable.
 */

/** A notebook of one cell per source, the first printing `table` (when given). */
function notebook(sources: string[], table?: string): AnalysisResult {
	const program = buildProgram(
		sources.map((source, index) => ({
			index,
			source,
			outputs: index === sources.length - 1 && table ? table : '',
		})),
	);
	return analyzePython(program.text, { printed: program.outputs });
}

/** tf.keras 2's table of a Sequential of one Dense(3) on 4 features: 15 parameters. */
const DENSE_TABLE =
	'Model: "sequential"\n_________________________________________________________________\n Layer (type)                Output Shape              Param #   \n=================================================================\n dense (Dense)               (None, 3)                 15        \n                                                                 \n=================================================================\nTotal params: 15\nTrainable params: 15\nNon-trainable params: 0\n_________________________________________________________________\n';

const BUILD =
	'import tensorflow as tf\nmodel = tf.keras.Sequential([tf.keras.layers.Input((4,)), tf.keras.layers.Dense(3)])';

describe('constructs from real notebooks: generators, summaries of models NormLens does not hold, legacy paths', () => {
	it('calling a generator function runs nothing: an endless `while True: yield` no longer uses up the analysis (Hands-On Image Generation ch. 3)', () => {
		const result = analyzePython(
			[
				'import tensorflow as tf',
				'def batches():',
				'    while True:',
				'        yield 1',
				'g = batches()',
				'first = next(g)',
				'model = tf.keras.Sequential([tf.keras.layers.Input((4,)), tf.keras.layers.Dense(3)])',
			].join('\n'),
		);
		assert.deepStrictEqual(
			result.diagnostics.filter((d) => d.code === 'analysis-truncated'),
			[],
		);
		assert.strictEqual(result.models.find((m) => m.name === 'model')?.totals.total, 15);
	});

	it("a generator's body runs where it is called: what it changes, iterated, is changed (23, Keras's count of both Dense layers)", () => {
		const result = analyzePython(
			[
				'import tensorflow as tf',
				'model = tf.keras.Sequential([tf.keras.layers.Input((4,)), tf.keras.layers.Dense(3)])',
				'def grow():',
				'    model.add(tf.keras.layers.Dense(2))',
				'    yield model',
				'for m in grow():',
				'    pass',
			].join('\n'),
		);
		const m = result.models.find((x) => x.name === 'model');
		// (4 + 1) · 3 + (3 + 1) · 2.
		assert.strictEqual(m?.totals.total, 23);
	});

	it('a summary of a model something may have changed, or that NormLens does not hold, is checked as one it cannot count, saying why', () => {
		const tainted = notebook([BUILD, 'mystery(model)\nmodel.summary()'], DENSE_TABLE);
		assert.deepStrictEqual(
			(tainted.printedSummaries ?? []).map((c) => [c.verdict, c.model]),
			[['unknown', 'model']],
		);
		assert.match(tainted.printedSummaries?.[0].message ?? '', /`mystery` is not defined/);
		// DQN notebooks: `agent.model_target = tf.keras.models.clone_model(agent.model)`.
		const cloned = notebook(
			[BUILD, 'm2 = tf.keras.models.clone_model(model)\nm2.summary()'],
			DENSE_TABLE,
		);
		assert.deepStrictEqual(
			(cloned.printedSummaries ?? []).map((c) => [c.verdict, c.model]),
			[['unknown', 'm2']],
		);
		assert.match(cloned.printedSummaries?.[0].message ?? '', /clone_model/);
		// A `.summary()` that prints no model table (statsmodels) does not take the model's table.
		const mixed = notebook(
			[BUILD, 'res = fit_ols()\nres.summary()\nmodel.summary()'],
			DENSE_TABLE,
		);
		assert.deepStrictEqual(
			(mixed.printedSummaries ?? []).map((c) => [c.verdict, c.model]),
			[['match', 'model']],
		);
	});

	it("a summary printed from a function the cell calls is checked against that cell's table (Packt's DCGAN classes)", () => {
		const program = buildProgram([
			{
				index: 0,
				source: 'import tensorflow as tf\ndef build(n):\n    m = tf.keras.Sequential([tf.keras.layers.Input((4,)), tf.keras.layers.Dense(n)])\n    m.summary()\n    return m',
				outputs: '',
			},
			{ index: 1, source: 'model = build(3)', outputs: DENSE_TABLE },
			{ index: 2, source: 'other = build(5)', outputs: DENSE_TABLE },
		]);
		const result = analyzePython(program.text, { printed: program.outputs });
		// The second call built Dense(5) (25 parameters) where its cell printed 15: a difference.
		assert.deepStrictEqual(
			(result.printedSummaries ?? []).map((c) => [
				c.verdict,
				c.range.start.line,
				c.ours.total,
			]),
			[
				['match', program.segments[1].startLine, 15],
				['differ', program.segments[2].startLine, 25],
			],
		);
	});

	it("Normalization.adapt(x_train) builds the layer on the data's shape (keras-io's supervised contrastive learning); on data NormLens cannot read it says so", () => {
		// Keras 2: mean (3,), variance (3,) and a count, 7 non-trainable weights, for CIFAR-10's RGB.
		const result = analyzePython(
			[
				'# normlens: keras 2',
				'from tensorflow import keras',
				'from tensorflow.keras import layers',
				'(x_train, y_train), _ = keras.datasets.cifar10.load_data()',
				'data_augmentation = keras.Sequential([layers.Normalization(), layers.RandomFlip("horizontal")])',
				'data_augmentation.layers[0].adapt(x_train)',
				'inputs = keras.Input(shape=(32, 32, 3))',
				'model = keras.Model(inputs, layers.Flatten()(data_augmentation(inputs)))',
				'norm = layers.Normalization()',
				'norm.adapt(load_features())',
				'other = keras.Sequential([norm, layers.Dense(1)])',
			].join('\n'),
		);
		const m = result.models.find((x) => x.name === 'model');
		assert.deepStrictEqual([m?.totals.total, m?.totals.nonTrainable], [7, 7]);
		const other = result.models.find((x) => x.name === 'other');
		assert.strictEqual(other?.totals.total, null);
		assert.match(
			other?.unknown?.reason ?? '',
			/`adapt\(…\)` builds `normalization_1` on its data/,
		);
	});

	it("Keras 2's paths: `keras.utils.vis_utils.model_to_dot` reads the model; `from keras.engine import Model` is keras.models' Model", () => {
		const dot = notebook(
			[
				`${BUILD}\nfrom keras.utils.vis_utils import model_to_dot`,
				'x = model_to_dot(model)\nmodel.summary()',
			],
			DENSE_TABLE,
		);
		assert.deepStrictEqual(
			(dot.printedSummaries ?? []).map((c) => c.verdict),
			['match'],
		);
		const engine = analyzePython(
			[
				'from keras.engine import Model',
				'from keras.layers import Input, Dense',
				'inp = Input((4,))',
				'model = Model(inp, Dense(3)(inp))',
			].join('\n'),
		);
		assert.strictEqual(engine.models.find((m) => m.name === 'model')?.totals.total, 15);
	});

	it('`model.layers.pop()` in standalone Keras (dipanjanS ch. 11, "Using TensorFlow backend."): the list may be the model\'s own, so the model is unknown, not counted as tf.keras would', () => {
		// The notebook printed 22 rows ending at fc2 (Keras 2.2 popped `predictions` from the model's
		// list); tf.keras returns a copy, and its model would keep 23.
		const cells = [
			'import keras',
			'from keras.applications import vgg16\nfrom keras.models import Model\nvgg_model = vgg16.VGG16(include_top=True, weights="imagenet", input_shape=(224, 224, 3))\nvgg_model.layers.pop()\noutput = vgg_model.layers[-1].output\nvgg_model = Model(vgg_model.input, output)',
		];
		const program = buildProgram(
			cells.map((source, index) => ({
				index,
				source,
				outputs: index === 0 ? 'Using TensorFlow backend.\n' : '',
			})),
		);
		const legacy = analyzePython(program.text, { printed: program.outputs });
		const m = legacy.models.find((x) => x.name === 'vgg_model' && x.kind === 'functional');
		assert.strictEqual(m?.totals.total, null);
		assert.match(m?.unknown?.reason ?? '', /may be the model's own list/);
		// tf.keras: a copy; popping it changes nothing, and the model keeps `predictions`.
		const tfKeras = analyzePython(
			'from tensorflow.keras.applications import vgg16\nfrom tensorflow.keras.models import Model\nbase = vgg16.VGG16(include_top=True, weights="imagenet", input_shape=(224, 224, 3))\nbase.layers.pop()\nmodel = Model(base.input, base.layers[-1].output)',
		);
		assert.strictEqual(tfKeras.models.find((x) => x.name === 'model')?.totals.total, 138357544);
	});

	it('`model.output_shape` of a functional model, and `np.array` of a list written out, give their sizes', () => {
		// dipanjanS ch. 5: Flatten after VGG16(include_top=False, input_shape=(150, 150, 3)) is 8,192
		// wide; nicknochnack's action detection: Dense(actions.shape[0]) for three actions.
		const result = analyzePython(
			[
				'import numpy as np',
				'from tensorflow.keras import layers, Model, Sequential',
				'inp = layers.Input((150, 150, 3))',
				'x = layers.Conv2D(8, 3, strides=2)(inp)',
				'feat = Model(inp, layers.Flatten()(x))',
				'n = feat.output_shape[1]',
				"actions = np.array(['hello', 'thanks', 'iloveyou'])",
				'model = Sequential([layers.Input((n,)), layers.Dense(actions.shape[0])])',
				'ragged = np.array([[1, 2], [3]])',
				'other = Sequential([layers.Input((4,)), layers.Dense(ragged.shape[0])])',
			].join('\n'),
		);
		// Conv2D(8, 3, strides=2) on 150: 74 × 74 × 8 = 43,808 features, Dense(3): 131,427.
		assert.strictEqual(
			result.models.find((m) => m.name === 'model')?.totals.total,
			43808 * 3 + 3,
		);
		assert.strictEqual(result.models.find((m) => m.name === 'other')?.totals.total, null);
	});
});
