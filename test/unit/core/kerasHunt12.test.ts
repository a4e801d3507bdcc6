import * as assert from 'assert';
import { analyzePython, buildProgram } from '../../../src/core';
import { kerasDialect } from '../../../src/core/frameworks/keras/dialect';

/**
 * The thirteenth Keras hunt (2026-12-07: 171 printed tables in 115 notebooks from 20 repositories
 * never read before): its one wrong number and the unknowns Keras's rules decide, each reduced to
 * a few lines. Expected: the tables the notebooks printed.
 */
function notebook(cells: { source: string; outputs?: string }[]) {
	const program = buildProgram(cells.map((c, index) => ({ index, ...c })));
	return analyzePython(program.text, { printed: program.outputs, cells: program.segments });
}

/** The Keras 2 layout of a summary (underscore rules), as tf.keras 2.0 printed it. */
const GRU_TABLE = `Model: "sequential"
_________________________________________________________________
Layer (type)                 Output Shape              Param #
=================================================================
embedding (Embedding)        (None, 120, 16)           160000
_________________________________________________________________
gru (GRU)                    (None, 32)                4800
=================================================================
Total params: 164,800
Trainable params: 164,800
Non-trainable params: 0
_________________________________________________________________
`;

describe('Keras hunts 13 and 14: a wrong number, and unknowns made exact', () => {
	it("TensorFlow 2.0's `tensorflow_core.python.keras.api._v2.keras` is tf.keras (no model found before; printed 159,010)", () => {
		const r =
			analyzePython(`from tensorflow_core.python.keras.api._v2.keras.models import Sequential
from tensorflow_core.python.keras.api._v2.keras.layers import Dense, Activation
model = Sequential()
model.add(Dense(200, input_shape=(784,)))
model.add(Activation('relu'))
model.add(Dense(10))
`);
		assert.strictEqual(r.models.find((m) => m.name === 'model')?.totals.total, 159010);
	});

	it('ConvLSTM2D: four gates, each a convolution of the input and of the state, over each time step (unknown before: a layer NormLens did not know)', () => {
		const r = analyzePython(`from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import ConvLSTM2D, BatchNormalization, Flatten, Dense
model = Sequential([
    ConvLSTM2D(filters=64, kernel_size=(3, 3), padding='same', return_sequences=True, input_shape=(9, 64, 64, 1)),
    BatchNormalization(),
    ConvLSTM2D(filters=8, kernel_size=3, strides=2),
    Flatten(),
    Dense(1),
])
`);
		const m = r.models.find((x) => x.name === 'model');
		// 4·(3·3·(1 + 64)·64 + 64) = 150,016; 4·(3·3·(64 + 8)·8 + 8) = 20,768; Dense on 31·31·8.
		assert.deepStrictEqual(
			m?.layers.map((l) => [l.outputShape, l.params?.total]),
			[
				[[null, 9, 64, 64, 64], 150016],
				[[null, 9, 64, 64, 64], 256],
				[[null, 31, 31, 8], 20768],
				[[null, 7688], 0],
				[[null, 1], 7689],
			],
		);
	});

	it('`model.predict_classes(…)` reads the weights only; `Lambda(lambda x: K.dropout(x, level=0.5))` keeps its shape (both unknown before; printed 101,770 and 3,110)', () => {
		const r = analyzePython(`import numpy as np
import tensorflow as tf
from keras.models import Sequential
from keras.layers import Dense, Lambda
from keras import backend as K
model = tf.keras.models.Sequential([tf.keras.layers.Flatten(input_shape=(28, 28)), tf.keras.layers.Dense(128, activation='relu'), tf.keras.layers.Dense(10, activation='softmax')])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
pred = model.predict_classes(np.zeros((2, 28, 28)))
m = Sequential()
m.add(Dense(100, input_shape=(20,)))
m.add(Lambda(lambda x: K.dropout(x, level=0.5)))
m.add(Dense(10))
`);
		assert.deepStrictEqual(
			['model', 'm'].map((n) => r.models.find((x) => x.name === n)?.totals.total),
			[101770, 3110],
		);
	});

	it("a notebook that printed its Keras version, or Keras 2's warning for a Keras 1 argument, ran that Keras: a BatchNormalization counts 4 per feature (unknown before: 'written for Keras 1'; printed 420,260)", () => {
		const code = `import keras
from keras.models import Sequential
from keras.layers import Dense, BatchNormalization
model = Sequential()
model.add(Dense(500, batch_input_shape=(None, 784)))
model.add(BatchNormalization())
model.add(Dense(10, activation='softmax'))
model.fit(x, y, nb_epoch=1)`;
		for (const printed of [
			'Keras 1.2.2 TF 1.0.0 Python sys.version_info(major=3, minor=5)\n',
			'/usr/local/lib/python3.5/dist-packages/keras/models.py:837: UserWarning: The `nb_epoch` argument in `fit` has been renamed `epochs`.\n',
		]) {
			const r = notebook([{ source: code, outputs: printed }]);
			const m = r.models.find((x) => x.name === 'model');
			assert.deepStrictEqual(
				[m?.totals.total, m?.totals.nonTrainable],
				[399510, 1000],
				printed,
			);
		}
		// Without either, Keras 1.0–1.1 (2 per feature) and later (4) differ: unknown, saying so.
		const bare = notebook([{ source: code }]).models.find((x) => x.name === 'model');
		assert.strictEqual(bare?.totals.total, null);
	});

	it("a commented-out `# tf.enable_eager_execution()` is no sign of TensorFlow 1: a GRU keeps TF 2's reset_after=True (4,704 for the printed 4,800 in a Coursera TF-in-Practice notebook)", () => {
		const r = notebook([
			{
				source: `import tensorflow as tf
# tf.enable_eager_execution()
model = tf.keras.Sequential([
    tf.keras.layers.Embedding(10000, 16, input_length=120),
    tf.keras.layers.GRU(32),
])
model.summary()`,
				outputs: GRU_TABLE,
			},
		]);
		assert.strictEqual(r.models.find((m) => m.name === 'model')?.totals.total, 164800);
		// A TensorFlow 1 API in code still says so, and a Colab magic kept as a comment in a script.
		assert.strictEqual(
			kerasDialect(
				'import tensorflow as tf\nsess = tf.Session()\nx = tf.keras.layers.Dense(3)\nm.fit_generator(g)',
			).beforeTf2,
			true,
		);
		assert.strictEqual(
			kerasDialect('# %tensorflow_version 1.x\nimport tensorflow as tf\nm.fit_generator(g)')
				.beforeTf2,
			true,
		);
		assert.strictEqual(
			kerasDialect('print("tf.Session is gone")\nm.fit_generator(g)  # tf.Session').beforeTf2,
			false,
		);
	});

	it('a custom layer of a Sequential built by `build()` in a later cell is built (the end of the cell that made the model marked it as never built: unknown where Keras printed 262,272)', () => {
		const r = notebook([
			{
				source: `import tensorflow as tf
from tensorflow.keras.layers import Dense
class UnitNormLayer(tf.keras.layers.Layer):
    def __init__(self):
        super(UnitNormLayer, self).__init__()
    def call(self, input_tensor):
        norm = tf.norm(input_tensor, axis=1)
        return input_tensor / tf.reshape(norm, [-1, 1])`,
			},
			{
				source: `projector = tf.keras.models.Sequential([Dense(128, activation='relu', trainable=False), UnitNormLayer()])`,
			},
			{ source: 'projector.build((None, 2048))\nprojector.summary()' },
		]);
		const m = r.models.find((x) => x.name === 'projector');
		assert.deepStrictEqual([m?.totals.total, m?.totals.trainable], [262272, 0]);
	});

	it("scikit-learn's Bunch by key: `ds['data']` is `ds.data` (a diabetes regression was unknown, blaming `targets.mean`)", () => {
		const r = analyzePython(`from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense
diabetes_dataset = load_diabetes()
data = diabetes_dataset['data']
targets = diabetes_dataset['target']
targets = (targets - targets.mean(axis=0)) / (targets.std())
train_data, test_data, train_targets, test_targets = train_test_split(data, targets, test_size=0.1)
model = Sequential([Dense(64, input_shape=[train_data.shape[1],], activation="relu")])
`);
		assert.strictEqual(r.models.find((m) => m.name === 'model')?.totals.total, 704);
	});
});
