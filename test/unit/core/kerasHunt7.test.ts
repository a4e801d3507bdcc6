import * as assert from 'assert';
import { analyzePython } from '../../../src/core';
import type { AnalysisResult, ModelSummary } from '../../../src/protocol/analysis';

/**
 * Constructs from the seventh Keras hunt (2026-12-07: keras-io's rendered examples, 127 printed
 * tables, 87 of them Keras 3's), each reduced to a few lines. Expected values: the tables keras-io
 * printed, or Keras's weight formulas where a case says so.
 */

function modelOf(r: AnalysisResult, name = 'model'): ModelSummary {
	const m = r.models.find((x) => x.name === name);
	assert.ok(m, `a model ${name} in ${r.models.map((x) => x.name).join(', ')}`);
	return m;
}

const totals = (m: ModelSummary) => [m.totals.total, m.totals.trainable, m.totals.nonTrainable];

/** keras-io's masked_image_modeling PatchEncoder: a raw tf.Variable on the layer, then Dense and Embedding in build(). */
const patchEncoder = (imports: string) => `${imports}
import tensorflow as tf


class PatchEncoder(layers.Layer):
    def __init__(self, patch_size=6, projection_dim=128, **kwargs):
        super().__init__(**kwargs)
        self.projection_dim = projection_dim
        self.mask_token = tf.Variable(tf.random.normal([1, patch_size * patch_size * 3]), trainable=True)

    def build(self, input_shape):
        (_, self.num_patches, self.patch_area) = input_shape
        self.projection = layers.Dense(units=self.projection_dim)
        self.position_embedding = layers.Embedding(input_dim=self.num_patches, output_dim=self.projection_dim)

    def call(self, patches):
        positions = tf.range(0, self.num_patches)
        return self.projection(patches) + self.position_embedding(positions[None, ...])


model = keras.Sequential([layers.Input((64, 108)), PatchEncoder()])
`;

describe('the seventh Keras hunt (keras-io, Keras 3): exact where Keras decides', () => {
	it('a tf.Variable a layer holds is no weight in Keras 3 (keras-io printed 22,144), one in tf.keras 2, and unknown when the code does not say which', () => {
		// The wrong number: NormLens counted the (1, 108) mask token, 22,252. Dense(108 → 128)
		// 13,952 + Embedding(64, 128) 8,192 = 22,144; tf.keras 2 tracks the variable too: + 108.
		const keras3 = analyzePython(patchEncoder('import keras\nfrom keras import layers, ops'));
		assert.deepStrictEqual(totals(modelOf(keras3)), [22144, 22144, 0]);
		const tfKeras = analyzePython(
			patchEncoder(
				'# normlens: keras 2\nfrom tensorflow import keras\nfrom tensorflow.keras import layers',
			),
		);
		assert.deepStrictEqual(totals(modelOf(tfKeras)), [22252, 22252, 0]);
		const either = analyzePython(
			patchEncoder('from tensorflow import keras\nfrom tensorflow.keras import layers'),
		);
		assert.deepStrictEqual(totals(modelOf(either)), [null, null, null]);
		assert.match(
			modelOf(either).unknown?.reason ?? '',
			/Keras 3 does not count a `tf.Variable`.*tf.keras 2 does.*# normlens: keras 2/,
		);
	});

	it('Input(shape=(1024)) is the int 1024: (1024,) in tf.keras 2 (keras-io printed 262,400), Keras 3 raises', () => {
		const source = (header: string) => `${header}
from tensorflow import keras

inputs = keras.layers.Input(shape=(1024), name="embedding")
x = keras.layers.Dense(256, activation="relu", name="dense")(inputs)
model = keras.Model(inputs=inputs, outputs=x)
`;
		assert.deepStrictEqual(
			totals(modelOf(analyzePython(source('# normlens: keras 2')))),
			[262400, 262400, 0],
		);
		const keras3 = modelOf(analyzePython(source('# normlens: keras 3')));
		assert.deepStrictEqual(totals(keras3), [null, null, null]);
		assert.match(
			keras3.unknown?.reason ?? '',
			/`shape=1024` is an int.*Keras 3 raises ValueError/,
		);
	});

	it("keras.ops.nn.relu is keras.ops.relu: no weights, the shape kept (Keras's formulas: 432 + 64)", () => {
		const r = analyzePython(`import keras
from keras import layers, ops

inputs = keras.Input(shape=(32, 32, 3))
x = layers.Conv2D(16, 3, padding="same", use_bias=False)(inputs)
x = layers.BatchNormalization()(x)
x = ops.nn.relu(x)
model = keras.Model(inputs, x)
`);
		assert.deepStrictEqual(totals(modelOf(r)), [496, 464, 32]);
		const m = modelOf(r);
		assert.deepStrictEqual(m.layers[m.layers.length - 1]?.outputShape, [null, 32, 32, 16]);
	});

	it("Dense(tf.math.reduce_prod((5, 9, 9))) has 405 units (keras-io's WGAN-GP graph generator)", () => {
		const r = analyzePython(`import tensorflow as tf
from tensorflow import keras

adjacency_shape = (5, 9, 9)
z = keras.layers.Input(shape=(64,))
x = keras.layers.Dense(512, activation="tanh")(z)
x_adjacency = keras.layers.Dense(tf.math.reduce_prod(adjacency_shape))(x)
x_adjacency = keras.layers.Reshape(adjacency_shape)(x_adjacency)
model = keras.Model(inputs=z, outputs=x_adjacency, name="Generator")
`);
		// 64·512 + 512 = 33,280 and 512·405 + 405 = 207,765.
		assert.deepStrictEqual(totals(modelOf(r)), [241045, 241045, 0]);
	});

	it('keras.activations.get / initializers.get / regularizers.get in a custom layer make no weights (its add_weight kernel: 4·9·128)', () => {
		const r = analyzePython(`import tensorflow as tf
from tensorflow import keras


class RelationalGraphConvLayer(keras.layers.Layer):
    def __init__(self, units=128, activation="relu", kernel_initializer="glorot_uniform", kernel_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)

    def build(self, input_shape):
        bond_dim = input_shape[0][1]
        atom_dim = input_shape[1][2]
        self.kernel = self.add_weight(shape=(bond_dim, atom_dim, self.units), initializer=self.kernel_initializer, trainable=True, name="W")
        self.built = True

    def call(self, inputs, training=False):
        adjacency, features = inputs
        x = tf.matmul(adjacency, features[:, None, :, :])
        x = tf.matmul(x, self.kernel)
        return self.activation(tf.reduce_sum(x, axis=1))


adjacency = keras.layers.Input(shape=(4, 9, 9))
features = keras.layers.Input(shape=(9, 9))
out = RelationalGraphConvLayer(128)([adjacency, features])
model = keras.Model(inputs=[adjacency, features], outputs=out)
`);
		assert.deepStrictEqual(totals(modelOf(r)), [4608, 4608, 0]);
	});

	it("np.clip(x, -1, 1) keeps x's shape (the eighth hunt: mafda's CIFAR-10 GANs; Keras's formulas give 21,249)", () => {
		// img_shape = X_train[0].shape after the clip: (32, 32, 3). Conv2D 5·5·3·64 + 64 = 4,864;
		// Flatten 16·16·64 = 16,384; Dense 16,385.
		const r = analyzePython(`import numpy as np
import tensorflow as tf

(X_train, y_train), (X_test, y_test) = tf.keras.datasets.cifar10.load_data()
X_train = X_train.reshape(X_train.shape[0], 32, 32, 3)
X_train = np.float32(X_train)
X_train = (X_train / 255 - 0.5) * 2
X_train = np.clip(X_train, -1, 1)

img_shape = X_train[0].shape
discriminator = tf.keras.models.Sequential()
discriminator.add(tf.keras.layers.Conv2D(64, kernel_size=5, strides=2, padding="same", input_shape=(img_shape)))
discriminator.add(tf.keras.layers.Flatten())
discriminator.add(tf.keras.layers.Dense(1, activation='sigmoid'))
`);
		assert.deepStrictEqual(totals(modelOf(r, 'discriminator')), [21249, 21249, 0]);
	});
});
