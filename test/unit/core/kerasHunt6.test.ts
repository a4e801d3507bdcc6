import * as assert from 'assert';
import { analyzePython } from '../../../src/core';
import type { AnalysisResult, ModelSummary } from '../../../src/protocol/analysis';

/**
 * Constructs from the Keras hunts of 2026-12-07 (session 18), each reduced to a few lines. Expected
 * values: the tables the notebooks printed, or Keras's own rule, as each case says.
 */

function modelOf(r: AnalysisResult, name: string): ModelSummary {
	const m = r.models.find((x) => x.name === name);
	assert.ok(m, `a model ${name} in ${r.models.map((x) => x.name).join(', ')}`);
	return m;
}

const totals = (m: ModelSummary) => [m.totals.total, m.totals.trainable, m.totals.nonTrainable];

describe('Keras hunts of session 18: exact where Keras decides', () => {
	it("predict() gives arrays of the model's output shape: bottleneck features build the classifier on top", () => {
		// PacktPublishing/Neural-Networks-with-Keras-Cookbook Chapter05: a classifier built on
		// `features.shape[1:]` after `features = vgg16.predict(x)`. VGG16(include_top=False) on
		// 150×150 gives (None, 4, 4, 512): Flatten 8,192 → Dense 2,097,408 + Dense 257 = 2,097,665.
		const r = analyzePython(`import numpy as np
from keras.applications import VGG16
from keras.models import Sequential
from keras.layers import Dense, Flatten
base = VGG16(include_top=False, weights=None, input_shape=(150, 150, 3))
x = np.load('images.npy')
features = base.predict(x)
model = Sequential()
model.add(Flatten(input_shape=features.shape[1:]))
model.add(Dense(256, activation='relu'))
model.add(Dense(1, activation='sigmoid'))
model.summary()
`);
		assert.deepStrictEqual(totals(modelOf(r, 'model')), [2097665, 2097665, 0]);
	});

	it("predict()'s samples are its data's where NormLens holds them, and unknown with the reason otherwise", () => {
		// Keras returns one row per sample given: (100, 4) for 100 samples; a generator's count
		// depends on what it yields. Each output of a model of several is an array of its own.
		const r = analyzePython(`import numpy as np
from tensorflow import keras
from tensorflow.keras import layers
x = np.zeros((100, 8))
m = keras.Sequential([layers.Dense(4)])
y = m.predict(x)
wide = keras.Sequential([layers.Dense(y.shape[0], input_shape=(y.shape[1],))])
feats = m.predict_generator(iter([x]), 3)
unknown_rows = keras.Sequential([layers.Dense(feats.shape[0], input_shape=(3,))])
inp = keras.Input((5,))
two = keras.Model(inp, [layers.Dense(3)(inp), layers.Dense(7)(inp)])
a, b = two.predict(np.ones((10, 5)))
second = keras.Sequential([layers.Dense(1, input_shape=b.shape[1:])])
`);
		// Data of another shape than the input: Keras raises, so nothing is built from it.
		const refused = analyzePython(`import numpy as np
from tensorflow import keras
from tensorflow.keras import layers
m = keras.Sequential([layers.Dense(4, input_shape=(8,))])
y = m.predict(np.zeros((100, 5)))
head = keras.Sequential([layers.Dense(2, input_shape=(y.shape[1],))])
`);
		assert.strictEqual(modelOf(refused, 'head').totals.total, null);
		assert.match(
			modelOf(refused, 'head').unknown?.reason ?? '',
			/given data of shape \(100, 5\) for an input of shape \(None, 8\): Keras raises/,
		);
		// Dense(100) on 4 features: 500; Dense(1) on b's 7: 8.
		assert.strictEqual(modelOf(r, 'wide').totals.total, 500);
		assert.strictEqual(modelOf(r, 'second').totals.total, 8);
		const unknownRows = modelOf(r, 'unknown_rows');
		assert.strictEqual(unknownRows.totals.total, null);
		assert.match(
			unknownRows.unknown?.reason ?? '',
			/predict_generator\(…\)` returns as many samples as its data holds/,
		);
	});

	it("tf.keras 2's layer.output_shape is its output's shape; Keras 3 has none, and says so", () => {
		// GoogleCloudPlatform/ml-design-patterns wx_embeddings: a Dense sized by
		// pool.output_shape[1:] (16, 16, 8): conv 136 + dense 10,245 + dense 12,288 = 22,669.
		const body = `import tensorflow as tf
inp = tf.keras.Input(shape=(64, 64, 1))
x = tf.keras.layers.Conv2D(8, 4, padding='same')(inp)
pool = tf.keras.layers.MaxPooling2D(4, padding='same')
x = pool(x)
output_shape = pool.output_shape[1:]
x = tf.keras.layers.Flatten()(x)
x = tf.keras.layers.Dense(5)(x)
x = tf.keras.layers.Dense(output_shape[0] * output_shape[1] * output_shape[2])(x)
x = tf.keras.layers.Reshape(output_shape)(x)
m = tf.keras.Model(inp, x, name='autoencoder')
`;
		const tfKeras = modelOf(analyzePython(`# normlens: keras 2\n${body}`), 'm');
		assert.deepStrictEqual(totals(tfKeras), [22669, 22669, 0]);
		// An InputLayer's is a list of its one shape in tf.keras 2, as its summary row prints
		// `[(None, 64, 64, 1)]`: [0][3] is 1, so Dense(1) on 5 features has 6 parameters.
		const input = modelOf(
			analyzePython(
				`# normlens: keras 2\n${body}n = tf.keras.Sequential([tf.keras.layers.Dense(m.layers[0].output_shape[0][3], input_shape=(5,))])\n`,
			),
			'n',
		);
		assert.strictEqual(input.totals.total, 6);
		const keras3 = modelOf(analyzePython(body), 'm');
		assert.strictEqual(keras3.totals.total, null);
		assert.match(
			keras3.unknown?.reason ?? '',
			/Keras 3 layers have no `output_shape` \(AttributeError\)/,
		);
	});

	it('InputSpec, which a custom layer sets as self.input_spec, is no layer and holds no weights', () => {
		// buomsoo-kim/Easy-deep-learning-with-Keras's KMaxPooling: NormLens read `InputSpec(ndim=3)`
		// as a Keras layer it did not know. Conv1D(4, 3) on 8 channels 100 + Dense(1) on 4: 105.
		const r = analyzePython(`import tensorflow as tf
from tensorflow.keras.layers import Layer, InputSpec, Input, Conv1D, Dense
from tensorflow.keras.models import Model
class Scale(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.input_spec = InputSpec(ndim=3)
    def call(self, inputs):
        return tf.nn.relu(inputs)
inp = Input(shape=(10, 8))
x = Conv1D(4, 3)(inp)
x = Scale()(x)
x = Dense(1)(x)
model = Model(inp, x)
`);
		assert.deepStrictEqual(totals(modelOf(r, 'model')), [105, 105, 0]);
	});

	it('a tf.train.Checkpoint of a model saves and restores its weights and adds none', () => {
		// practical-ml-vision-book's image captioning keeps `tf.train.Checkpoint(encoder=…, decoder=…)`;
		// the model passed to it became unknown. Dense(4) on 8: 36.
		const r = analyzePython(`import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Dense(4, input_shape=(8,))])
optimizer = tf.keras.optimizers.Adam()
ckpt = tf.train.Checkpoint(model=model, optimizer=optimizer)
manager = tf.train.CheckpointManager(ckpt, './ckpts', max_to_keep=3)
ckpt.restore(manager.latest_checkpoint)
model.summary()
`);
		assert.deepStrictEqual(totals(modelOf(r, 'model')), [36, 36, 0]);
	});

	it('local response normalization keeps its shape, and a band_part mask of constants makes no row', () => {
		// thushv89/manning_tf2_in_action: an AlexNet Lambda of tf.nn.local_response_normalization
		// (Conv2D(8, 3) on 3 channels 224 + Dense(2) on 8: 242), and a Transformer's look-ahead mask
		// `1 - tf.linalg.band_part(tf.ones((5, 5)), -1, 0)`, computed at once (the printed table has no
		// tf.math.subtract row): 36.
		const lrn = analyzePython(`import tensorflow as tf
from tensorflow.keras import layers
model = tf.keras.Sequential([
    layers.Conv2D(8, 3, input_shape=(16, 16, 3)),
    layers.Lambda(lambda x: tf.nn.local_response_normalization(x)),
    layers.GlobalAveragePooling2D(),
    layers.Dense(2),
])
`);
		assert.deepStrictEqual(totals(modelOf(lrn, 'model')), [242, 242, 0]);
		const masked = analyzePython(`# normlens: keras 2
import tensorflow as tf
from tensorflow.keras import layers
class MyLayer(layers.Layer):
    def build(self, input_shape):
        self.d = layers.Dense(4)
    def call(self, x, mask=None):
        return self.d(x)
inp = layers.Input(shape=(5, 8))
mask = 1 - tf.linalg.band_part(tf.ones((5, 5)), -1, 0)
out = MyLayer()(inp, mask)
model = tf.keras.Model(inp, out)
`);
		const m = modelOf(masked, 'model');
		assert.deepStrictEqual(totals(m), [36, 36, 0]);
		assert.deepStrictEqual(
			m.layers.map((l) => l.type),
			['InputLayer', 'MyLayer'],
		);
	});
});
