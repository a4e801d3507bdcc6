import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython } from '../../../src/core';
import type { AnalysisResult, Shape } from '../../../src/protocol/analysis';
import { repoRoot } from '../paths';

/**
 * Indexing a symbolic Keras tensor (`x[:, 0]`, `x[..., :2]`, `x[:, tf.newaxis]`) between layers and
 * inside a layer's `call`: TensorFlow's static shape (a strided slice), tf.keras 2's
 * `tf.__operators__.getitem` row (SlicingOpLambda, no weights), and no row in Keras 3. Before, any
 * index of a Keras tensor was "not modelled" and every model after it was unknown.
 */

interface IndexCase {
	shape: number[];
	index: string;
	result?: number[];
	error?: string;
}

const grid = JSON.parse(
	fs.readFileSync(path.join(repoRoot, 'test', 'unit', 'fixtures', 'tfIndexShapes.json'), 'utf8'),
) as { numpy: string; cases: IndexCase[] };

function run(lines: string[]): AnalysisResult {
	return analyzePython(
		['import tensorflow as tf', 'from tensorflow import keras', ...lines].join('\n'),
	);
}

function rows(
	result: AnalysisResult,
	name = 'model',
): [string, string, Shape | null, number | null][] {
	const m = result.models.find((x) => x.name === name);
	assert.ok(m, `a model named ${name}`);
	return m.layers.map((l) => [l.name, l.type, l.outputShape, l.params?.total ?? null]);
}

describe('indexing a symbolic Keras tensor', () => {
	it(`gives NumPy's basic-indexing shape on every case of the grid (${grid.cases.length} cases, NumPy ${grid.numpy}), or TensorFlow's error`, () => {
		// tools/tf_index_shapes.py: NumPy answers for ints, slices with any step, None and `...`,
		// which TensorFlow's strided slice and Keras 3's GetItem give alike on known dimensions.
		const got = grid.cases.map((c) => {
			const result = run([
				'# normlens: keras 2',
				`inp = keras.Input(batch_shape=(${c.shape.join(', ')},))`,
				`y = inp${c.index}`,
				'model = keras.Model(inp, y)',
			]);
			const last = rows(result).at(-1);
			const refused = result.diagnostics.some((d) => d.code === 'index-error');
			return {
				shape: c.shape,
				index: c.index,
				...(refused ? { error: true } : { result: last?.[2] }),
			};
		});
		assert.deepStrictEqual(
			got,
			grid.cases.map((c) => ({
				shape: c.shape,
				index: c.index,
				...(c.error !== undefined ? { error: true } : { result: c.result }),
			})),
		);
	});

	it('tf.keras 2 makes a SlicingOpLambda row of each index; the None batch stays None', () => {
		const result = run([
			'# normlens: keras 2',
			'inputs = keras.Input(shape=(10, 32, 3))',
			'a = inputs[..., :2]',
			'b = inputs[:, ::-1, 5:, tf.newaxis]',
			'c = inputs[:, -1]',
			'd = keras.layers.Lambda(lambda t: t[:, 0, :, 1])(inputs)',
			'e = keras.layers.Dense(4)(c)',
			'model = keras.Model(inputs, [a, b, d, e])',
		]);
		// (Compared by name: the order of the rows is not what this checks.)
		assert.deepStrictEqual(
			rows(result).sort(),
			[
				['input_1', 'InputLayer', [null, 10, 32, 3], 0],
				['tf.__operators__.getitem', 'SlicingOpLambda', [null, 10, 32, 2], 0],
				['tf.__operators__.getitem_1', 'SlicingOpLambda', [null, 10, 27, 1, 3], 0],
				['tf.__operators__.getitem_2', 'SlicingOpLambda', [null, 32, 3], 0],
				['lambda', 'Lambda', [null, 32], 0],
				['dense', 'Dense', [null, 32, 4], 16],
			].sort(),
		);
	});

	it('Keras 3 makes no row of an index: the class token of a transformer reaches the head', () => {
		const result = run([
			'inputs = keras.Input(shape=(197, 64))',
			'x = keras.layers.LayerNormalization()(inputs)',
			'cls = x[:, 0]',
			'out = keras.layers.Dense(10)(cls)',
			'model = keras.Model(inputs, out)',
		]);
		assert.deepStrictEqual(rows(result), [
			['input_layer', 'InputLayer', [null, 197, 64], 0],
			['layer_normalization', 'LayerNormalization', [null, 197, 64], 128],
			['dense', 'Dense', [null, 10], 650],
		]);
	});

	it('an index TensorFlow refuses is an error at its line, and the model is unknown with that cause', () => {
		const result = run([
			'inputs = keras.Input(shape=(10, 4))',
			'x = inputs[:, 12]',
			'out = keras.layers.Dense(2)(x)',
			'model = keras.Model(inputs, out)',
		]);
		const error = result.diagnostics.find((d) => d.code === 'index-error');
		assert.ok(error, 'an index-error diagnostic');
		assert.strictEqual(error.range.start.line, 3);
		assert.match(error.message, /slice index 12 of dimension 1 out of bounds \(size 10\)/);
		const m = result.models.find((x) => x.name === 'model');
		assert.strictEqual(m?.totals.total, null);
		assert.match(m?.unknown?.reason ?? '', /TensorFlow refuses this index/);
	});

	it('a bound NormLens does not know makes the shape unknown, never a guessed length', () => {
		const result = run([
			'from mylib import n_keep',
			'inputs = keras.Input(shape=(10, 4))',
			'x = inputs[:, :n_keep]',
			'out = keras.layers.Dense(2)(keras.layers.Flatten()(x))',
			'model = keras.Model(inputs, out)',
		]);
		const m = result.models.find((x) => x.name === 'model');
		assert.strictEqual(m?.totals.total, null);
		assert.match(m?.unknown?.reason ?? '', /n_keep|index/);
	});
});

describe('tf.shape inside a layer call, and a reshape to the sizes it gives', () => {
	// keras-io's vision transformer (image_classification_with_vision_transformer), whose Patches
	// layer many notebooks copy: the printed summaries show patches (None, None, 768) and the
	// PatchEncoder (None, 196, 64), 61,760 parameters (the GoogleCloudPlatform and amimulhasan
	// notebooks of test/fixtures/keras_real, checked there against their own printed tables).
	const patches = [
		'class Patches(tf.keras.layers.Layer):',
		'    def __init__(self, patch_size):',
		'        super().__init__()',
		'        self.patch_size = patch_size',
		'    def call(self, images):',
		'        batch_size = tf.shape(images)[0]',
		'        patches = tf.image.extract_patches(',
		'            images=images,',
		'            sizes=[1, self.patch_size, self.patch_size, 1],',
		'            strides=[1, self.patch_size, self.patch_size, 1],',
		'            rates=[1, 1, 1, 1],',
		'            padding="VALID",',
		'        )',
		'        patch_dims = patches.shape[-1]',
		'        return tf.reshape(patches, [batch_size, -1, patch_dims])',
	];

	it('tf.reshape(p, [batch, -1, 768]) is (None, None, 768), as TensorFlow infers it', () => {
		const result = run([
			...patches,
			'inputs = keras.Input(shape=(224, 224, 3))',
			'out = Patches(16)(inputs)',
			'model = keras.Model(inputs, out)',
		]);
		assert.deepStrictEqual(rows(result).at(-1), ['patches', 'Patches', [null, null, 768], 0]);
	});

	it('the sizes a shape gives are carried through arithmetic: height // patch is 14', () => {
		const result = run([
			'class Grid(tf.keras.layers.Layer):',
			'    def call(self, images):',
			'        shape = tf.shape(images)',
			'        rows = shape[1] // 16',
			'        cols = shape[2] // 16',
			'        return tf.reshape(images, [shape[0], rows * cols, 16 * 16 * shape[3]])',
			'inputs = keras.Input(shape=(224, 224, 3))',
			'out = Grid()(inputs)',
			'model = keras.Model(inputs, out)',
		]);
		assert.deepStrictEqual(rows(result).at(-1), ['grid', 'Grid', [null, 196, 768], 0]);
	});

	it("Keras 3's version (keras.ops.shape, ops.image.extract_patches, ops.reshape): (None, 144, 108)", () => {
		// keras-io's current vision transformer on 72 × 72 images in patches of 6: 12 × 12 patches of
		// 6·6·3 values; the PatchEncoder's Dense 108·64 + 64 and Embedding 144·64.
		const result = analyzePython(
			[
				'import keras',
				'from keras import layers, ops',
				'class Patches(layers.Layer):',
				'    def __init__(self, patch_size):',
				'        super().__init__()',
				'        self.patch_size = patch_size',
				'    def call(self, images):',
				'        input_shape = ops.shape(images)',
				'        batch_size = input_shape[0]',
				'        num_patches_h = input_shape[1] // self.patch_size',
				'        num_patches_w = input_shape[2] // self.patch_size',
				'        patches = keras.ops.image.extract_patches(images, size=self.patch_size)',
				'        return ops.reshape(patches, (batch_size, num_patches_h * num_patches_w,',
				'            self.patch_size * self.patch_size * input_shape[3]))',
				'class PatchEncoder(layers.Layer):',
				'    def __init__(self, num_patches, projection_dim):',
				'        super().__init__()',
				'        self.num_patches = num_patches',
				'        self.projection = layers.Dense(units=projection_dim)',
				'        self.position_embedding = layers.Embedding(input_dim=num_patches, output_dim=projection_dim)',
				'    def call(self, patch):',
				'        positions = ops.expand_dims(ops.arange(start=0, stop=self.num_patches, step=1), axis=0)',
				'        return self.projection(patch) + self.position_embedding(positions)',
				'inputs = keras.Input(shape=(72, 72, 3))',
				'encoded = PatchEncoder(144, 64)(Patches(6)(inputs))',
				'model = keras.Model(inputs, encoded)',
			].join('\n'),
		);
		assert.deepStrictEqual(rows(result).slice(1), [
			['patches', 'Patches', [null, 144, 108], 0],
			['patch_encoder', 'PatchEncoder', [null, 144, 64], 108 * 64 + 64 + 144 * 64],
		]);
	});

	it('extract_patches with SAME padding, strides and rates: rows and columns as a convolution gives them', () => {
		// VALID: ceil((n − ((k − 1)·rate + 1) + 1) / stride); SAME: ceil(n / stride).
		const shapeOf = (args: string) => {
			const result = run([
				'class P(tf.keras.layers.Layer):',
				'    def call(self, x):',
				`        return tf.image.extract_patches(x, ${args})`,
				'inputs = keras.Input(shape=(32, 30, 3))',
				'model = keras.Model(inputs, P()(inputs))',
			]);
			return rows(result).at(-1)?.[2];
		};
		assert.deepStrictEqual(shapeOf('[1, 3, 3, 1], [1, 2, 2, 1], [1, 1, 1, 1], "SAME"'), [
			null,
			16,
			15,
			27,
		]);
		assert.deepStrictEqual(shapeOf('[1, 3, 3, 1], [1, 2, 2, 1], [1, 2, 2, 1], "VALID"'), [
			null,
			14,
			13,
			27,
		]);
		assert.deepStrictEqual(shapeOf('[1, 4, 2, 1], [1, 4, 2, 1], [1, 1, 1, 1], "VALID"'), [
			null,
			8,
			15,
			24,
		]);
	});
});

describe('why a shape is unknown travels from where it was lost', () => {
	it('a custom layer whose call returns what NormLens cannot read: the rows after it say that call, at its line', () => {
		const result = run([
			'import mylib',
			'class Patchify(tf.keras.layers.Layer):',
			'    def call(self, images):',
			'        return mylib.patchify(images)',
			'class Encoder(tf.keras.layers.Layer):',
			'    def __init__(self):',
			'        super().__init__()',
			'        self.projection = tf.keras.layers.Dense(64)',
			'    def call(self, x):',
			'        return self.projection(x)',
			'inputs = keras.Input(shape=(224, 224, 3))',
			'x = Patchify()(inputs)',
			'x = Encoder()(x)',
			'x = keras.layers.LayerNormalization()(x)',
			'model = keras.Model(inputs, x)',
		]);
		const m = result.models.find((x) => x.name === 'model');
		assert.ok(m);
		assert.strictEqual(m.totals.total, null);
		const why = m.unknown;
		assert.match(why?.reason ?? '', /mylib\.patchify/);
		assert.strictEqual(why?.range.start.line, 5);
		for (const row of m.layers.slice(1)) {
			assert.match(row.unknown?.reason ?? '', /mylib\.patchify/, row.name);
		}
	});

	it('an operand NormLens does not know is not taken for a scalar: the sum is unknown, with its cause', () => {
		const result = run([
			'from mylib import position_table',
			'inputs = keras.Input(shape=(1, 64))',
			'x = inputs + position_table',
			'out = keras.layers.Dense(2)(keras.layers.Flatten()(x))',
			'model = keras.Model(inputs, out)',
		]);
		const m = result.models.find((x) => x.name === 'model');
		assert.strictEqual(m?.totals.total, null);
		assert.match(m?.unknown?.reason ?? '', /position_table|mylib/);
	});

	it("shapes that do not broadcast are TensorFlow's error, not the first operand's shape", () => {
		const result = run([
			'a = keras.Input(shape=(3, 8))',
			'b = keras.Input(shape=(5, 8))',
			'x = a + b',
			'out = keras.layers.Dense(2)(x)',
			'model = keras.Model([a, b], out)',
		]);
		assert.ok(result.diagnostics.some((d) => /Incompatible shapes/.test(d.message)));
		assert.strictEqual(result.models.find((x) => x.name === 'model')?.totals.total, null);
	});

	it('in a Sequential, every layer after an input read from the data says that data, not "never built"', () => {
		// udacity's mnist_mlp with its data from a file: Flatten(input_shape=X_train.shape[1:]).
		const result = run([
			'import numpy as np',
			'from keras.models import Sequential',
			'from keras.layers import Dense, Dropout, Flatten',
			'X_train = np.load("mnist_train.npy")',
			'model = Sequential()',
			'model.add(Flatten(input_shape=X_train.shape[1:]))',
			"model.add(Dense(512, activation='relu'))",
			'model.add(Dropout(0.2))',
			"model.add(Dense(10, activation='softmax'))",
		]);
		const m = result.models.find((x) => x.name === 'model');
		assert.strictEqual(m?.totals.total, null);
		assert.match(m?.unknown?.reason ?? '', /np\.load/);
		for (const row of m?.layers ?? []) {
			assert.match(row.unknown?.reason ?? '', /np\.load/, row.name);
		}
	});

	it("a weight from add_weight in tf.matmul is a tensor of the weight's shape (rasbt's NoisyLinear: 57 as printed)", () => {
		// rasbt/python-machine-learning-book-3rd-edition ch14_part1 (MIT), cells 64–65: printed
		// Total params: 57 (NoisyLinear 2·4 + 4, then Dense 20, 20 and 5).
		const result = run([
			'class NoisyLinear(tf.keras.layers.Layer):',
			'    def __init__(self, output_dim, noise_stddev=0.1, **kwargs):',
			'        self.output_dim = output_dim',
			'        self.noise_stddev = noise_stddev',
			'        super(NoisyLinear, self).__init__(**kwargs)',
			'    def build(self, input_shape):',
			"        self.w = self.add_weight(name='weights', shape=(input_shape[1], self.output_dim),",
			"                                 initializer='random_normal', trainable=True)",
			"        self.b = self.add_weight(shape=(self.output_dim,), initializer='zeros', trainable=True)",
			'    def call(self, inputs, training=False):',
			'        if training:',
			'            batch = tf.shape(inputs)[0]',
			'            dim = tf.shape(inputs)[1]',
			'            noise = tf.random.normal(shape=(batch, dim), mean=0.0, stddev=self.noise_stddev)',
			'            noisy_inputs = tf.add(inputs, noise)',
			'        else:',
			'            noisy_inputs = inputs',
			'        z = tf.matmul(noisy_inputs, self.w) + self.b',
			'        return tf.keras.activations.relu(z)',
			'model = tf.keras.Sequential([',
			'    NoisyLinear(4, noise_stddev=0.1),',
			"    tf.keras.layers.Dense(units=4, activation='relu'),",
			"    tf.keras.layers.Dense(units=4, activation='relu'),",
			"    tf.keras.layers.Dense(units=1, activation='sigmoid')])",
			'model.build(input_shape=(None, 2))',
		]);
		assert.strictEqual(result.models.find((x) => x.name === 'model')?.totals.total, 57);
	});

	it("Keras 2's backend in a Lambda's sampling function: K.shape, K.random_normal, K.exp (fchollet's VAE)", () => {
		// fchollet/deep-learning-with-python-notebooks, first edition 8.4 (MIT): z = Lambda(sampling)
		// ([z_mean, z_log_var]) is (None, 2), and the decoder's Input(K.int_shape(z)[1:]) is built on it.
		const result = run([
			'import keras',
			'from keras import layers',
			'from keras import backend as K',
			'from keras.models import Model',
			'latent_dim = 2',
			'x = keras.Input(shape=(32,))',
			'z_mean = layers.Dense(latent_dim)(x)',
			'z_log_var = layers.Dense(latent_dim)(x)',
			'def sampling(args):',
			'    z_mean, z_log_var = args',
			'    epsilon = K.random_normal(shape=(K.shape(z_mean)[0], latent_dim), mean=0., stddev=1.)',
			'    return z_mean + K.exp(z_log_var) * epsilon',
			'z = layers.Lambda(sampling)([z_mean, z_log_var])',
			'decoder_input = layers.Input(K.int_shape(z)[1:])',
			'decoder = Model(decoder_input, layers.Dense(5)(decoder_input))',
		]);
		assert.deepStrictEqual(
			rows(result, 'decoder').map(([, type, shape, params]) => [type, shape, params]),
			[
				['InputLayer', [null, 2], 0],
				['Dense', [null, 5], 15],
			],
		);
	});

	it('a @tf.custom_gradient function returns its output, not its (output, gradient) pair (Packt DANN: 182 as printed)', () => {
		// PacktPublishing/Hands-On-Computer-Vision-with-TensorFlow-2, Chapter07 ch7_nb5 (MIT):
		// printed Total params: 182 — Dense 3·5 + 5 and 5·2 + 2, the gradient-reversal branch 5·12
		// + 12, 12·5 + 5 and 5·2 + 2, and the layer's tf.Variable hp_lambda (1).
		// A tf.keras 2 print: Keras 3 would not count the tf.Variable (kerasHunt7).
		const result = run([
			'# normlens: keras 2',
			'from tensorflow.keras.layers import Input, Dense, Activation, Dropout',
			'from tensorflow.keras.models import Model',
			'inputs = Input(shape=(3,))',
			"hidden1 = Dense(5, activation='relu')(inputs)",
			"class_preds = Dense(2, activation='softmax', name='class_preds')(hidden1)",
			'@tf.custom_gradient',
			'def reverse_gradient(x, hp_lambda):',
			'    y = tf.identity(x)',
			'    def _flip_gradient(dy):',
			'        return tf.math.negative(dy) * hp_lambda, tf.constant(0.)',
			'    return y, _flip_gradient',
			'class GradientReversal(tf.keras.layers.Layer):',
			'    def __init__(self, hp_lambda, **kwargs):',
			'        super().__init__(**kwargs)',
			'        self.hp_lambda = hp_lambda',
			'    def call(self, inputs, training=None):',
			'        return reverse_gradient(inputs, self.hp_lambda)',
			'hp_lambda = tf.Variable(1.0)',
			'x = GradientReversal(hp_lambda)(hidden1)',
			"x = Dense(12, activation='linear')(x)",
			"x = Dense(5, activation='linear', name='do5')(x)",
			"x = Activation('elu', name='do6')(x)",
			'x = Dropout(0.5)(x)',
			"domain_preds = Dense(2, activation='softmax', name='domain_preds')(x)",
			'combined_model = Model(inputs=inputs, outputs=[class_preds, domain_preds])',
		]);
		assert.strictEqual(
			result.models.find((x) => x.name === 'combined_model')?.totals.total,
			182,
		);
	});

	it('a Lambda on an input of unknown shape still holds no weights: the totals stay exact', () => {
		const result = run([
			'from music_utils import one_hot',
			'x0 = keras.Input(shape=(1, 78))',
			'lstm = keras.layers.LSTM(64)',
			'dense = keras.layers.Dense(78)',
			'x = x0',
			'outs = []',
			'for t in range(3):',
			'    a = lstm(x)',
			'    out = dense(a)',
			'    outs.append(out)',
			'    x = keras.layers.Lambda(one_hot)(out)',
			'model = keras.Model(x0, outs)',
		]);
		// LSTM: 4·64·(78 + 64 + 1) = 36,608; Dense 64·78 + 78 = 5,070.
		assert.strictEqual(result.models.find((x) => x.name === 'model')?.totals.total, 41678);
	});
});
