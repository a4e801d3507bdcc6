import * as assert from 'assert';
import { analyzePython, buildProgram } from '../../../src/core';

/**
 * The thirteenth Keras hunt (2026-12-07, session 23: 247 printed tables in 133 notebooks from 26
 * repositories never read before): its two wrong numbers and the unknowns Keras's rules decide,
 * each reduced to a few lines. Expected: the tables the notebooks printed, or Keras's refusal.
 */
function notebook(cells: { source: string; outputs?: string }[]) {
	const program = buildProgram(cells.map((c, index) => ({ index, ...c })));
	return analyzePython(program.text, { printed: program.outputs, cells: program.segments });
}

const totalOf = (code: string, name: string) =>
	analyzePython(code).models.find((m) => m.name === name)?.totals.total;

describe('Keras hunts 13 and 14: wrong numbers removed, unknowns made exact', () => {
	it('a Dense built on 500 features and called again on 1,000 is refused (ValueError): unknown, saying so, where NormLens counted 5,010 for it (kuiyochen: 898,510 for the 903,510 printed)', () => {
		const code = `from keras.layers import Input, Dense, concatenate
from keras.models import Model
x = Input(shape=(784,))
h = Dense(500)(x)
f = Dense(10)
a = f(h)
u = concatenate([h, h])
y = f(u)
model = Model(x, y)
`;
		const r = analyzePython(code);
		assert.strictEqual(totalOf(code, 'model'), null);
		assert.ok(
			r.diagnostics.some(
				(d) =>
					d.code === 'shape-mismatch' &&
					/built on an input of shape \(None, 500\).*\(None, 1000\): Keras raises/.test(
						d.message,
					),
			),
		);
		// The same layer on another input of 500 features is Keras's shared layer, with the weights
		// built on the first (h's Dense is on no path to y).
		assert.strictEqual(
			totalOf(code.replace('u = concatenate([h, h])', 'u = Dense(500)(x)'), 'model'),
			784 * 500 + 500 + 5010,
		);
	});

	it('a layer of one input given a list of two is refused before it is built (ValueError in every Keras); a second tensor by position is TypeError in standalone Keras, before building', () => {
		const list = `from keras.layers import Input, Dense
from keras.models import Model
x = Input(shape=(784,))
h = Dense(500)(x)
z = Dense(300)(x)
y = Dense(10)([h, z])
model = Model(x, y)
`;
		assert.strictEqual(totalOf(list, 'model'), null);
		// kuiyochen's notebook: the wrong examples `f_3(h_2, z)` and `f_3([h_2, z])` run before the
		// right one; standalone Keras 2.2 (its `model_1` names) builds f_3 only on the concatenation.
		const cells = [
			{
				source: `from keras.layers import Input, Dense, concatenate
from keras.models import Model
x = Input(shape=(784,))
h = Dense(500)(x)
z = Dense(500)(x)
f_3 = Dense(10)`,
			},
			{ source: 'y = f_3(h, z)' },
			{ source: 'y = f_3([h, z])' },
			{ source: 'y = f_3(concatenate([h, z]))\nmodel = Model(x, y)\nmodel.summary()' },
		];
		const legacy = notebook([
			{ source: 'import keras\nprint(keras.__version__)', outputs: 'Keras 2.2.4\n' },
			...cells,
		]);
		// 2 · (784·500 + 500) + 1000·10 + 10.
		assert.strictEqual(
			legacy.models.find((m) => m.name === 'model')?.totals.total,
			2 * (784 * 500 + 500) + 10010,
		);
		assert.ok(legacy.diagnostics.some((d) => d.code === 'call-error'));
	});

	it("`Model(encoded, decoded)` from an intermediate tensor: Keras 3 starts at a new InputLayer without the encoder's Dense (294, not 492); where the Keras is not said, unknown, saying why", () => {
		const keras3 = `import keras
from keras import ops
from keras.layers import Dense
inp = keras.Input(shape=(98,))
encoded = Dense(2)(inp)
out = Dense(98)(encoded)
decoder = keras.Model(encoded, out)
full = keras.Model(inp, out)
`;
		const r = analyzePython(keras3);
		const decoder = r.models.find((m) => m.name === 'decoder');
		assert.strictEqual(decoder?.totals.total, 294);
		assert.deepStrictEqual(
			decoder?.layers.map((l) => [l.type, l.outputShape]),
			[
				['InputLayer', [null, 2]],
				['Dense', [null, 98]],
			],
		);
		assert.strictEqual(r.models.find((m) => m.name === 'full')?.totals.total, 492);
		const unsaid = analyzePython(keras3.replace('from keras import ops\n', ''));
		const m = unsaid.models.find((x) => x.name === 'decoder');
		assert.strictEqual(m?.totals.total, null);
		assert.match(m?.unknown?.reason ?? '', /output of `dense`, not of an Input/);
	});

	it('`keras.models.Functional` (Keras 2.9–2.15 re-export it) is the class Model(inputs, outputs) makes (Himanshu-1703: 8,898 as printed; no model found before)', () => {
		assert.strictEqual(
			totalOf(
				`from tensorflow import keras
from keras.models import Functional
from keras.layers import Dense
input1 = keras.Input(shape=(3,))
d1 = Dense(128, activation='relu')(input1)
d2 = Dense(64, activation='relu')(d1)
o1 = Dense(1)(d2)
o2 = Dense(1, activation='sigmoid')(d2)
model1 = Functional(inputs=input1, outputs=[o1, o2])
`,
				'model1',
			),
			8898,
		);
	});

	it('a one-line cell `cd ..` or `cp -R a b` is IPython automagic, not a syntax error; in a cell of two lines it is one; `%time x = f()` runs its statement', () => {
		const r = notebook([
			{ source: 'cd keras-yolo3' },
			{ source: 'cp -R a b' },
			{ source: 'from keras.models import Sequential\nfrom keras.layers import Dense' },
			{ source: '%time model = Sequential([Dense(4, input_shape=(3,))])' },
		]);
		assert.ok(!r.diagnostics.some((d) => d.code === 'syntax-error'));
		assert.strictEqual(r.models.find((m) => m.name === 'model')?.totals.total, 16);
		const two = notebook([{ source: 'cd keras-yolo3\nx = 1' }]);
		assert.ok(two.diagnostics.some((d) => d.code === 'syntax-error'));
	});

	it("`from keras.utils.np_utils import …` is Keras 2 of either kind, not standalone Keras up to 2.3: `Conv2D(32, 3, 3)` and a GRU's `reset_after` are unknown; a summary printed in a later tf.keras's layout decides strides (Keras hunt 14: 89,719,937 for the 9,835,649 printed)", () => {
		const code = `from keras.utils.np_utils import to_categorical
from keras.models import Sequential
from keras.layers import Dense, Flatten, Conv2D, MaxPool2D, GRU
model = Sequential()
model.add(Conv2D(32, 3, 3, input_shape=(299, 299, 3), activation='relu'))
model.add(MaxPool2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(128, activation='relu'))
model.add(Dense(1, activation='sigmoid'))
rnn = Sequential([GRU(4, input_shape=(5, 3))])
`;
		const r = analyzePython(code);
		assert.strictEqual(r.models.find((m) => m.name === 'model')?.totals.total, null);
		assert.strictEqual(r.models.find((m) => m.name === 'rnn')?.totals.total, null);
		const printed = ` Layer (type)                Output Shape              Param #
=================================================================
 conv2d (Conv2D)             (None, 99, 99, 32)        896
_________________________________________________________________
 dense_1 (Dense)             (None, 1)                 129
=================================================================
Total params: 9,835,649
`;
		const lines = code.split('\n');
		const nb = notebook([
			{ source: lines.slice(0, 9).join('\n') },
			{ source: 'model.summary()', outputs: printed },
		]);
		// (299 − 3) / 3 + 1 = 99; pooled 49; 49 · 49 · 32 · 128 + 128 + 896 + 129.
		assert.strictEqual(nb.models.find((m) => m.name === 'model')?.totals.total, 9835649);
	});

	it("`tf.compat.v1.keras.layers.CuDNNLSTM`: LSTM's kernels and cuDNN's two biases per gate (mehulcparikh's lecture: 328,481 as printed); TensorFlow 1's GRU there stays unknown (its `reset_after` is False)", () => {
		const code = `import tensorflow as tf
model = tf.keras.models.Sequential()
model.add(tf.keras.layers.Embedding(input_dim=10000, output_dim=32, input_length=500))
model.add(tf.compat.v1.keras.layers.CuDNNLSTM(32))
model.add(tf.keras.layers.Dense(1, activation='sigmoid'))
gru = tf.keras.models.Sequential([tf.keras.Input((5, 3)), tf.compat.v1.keras.layers.GRU(4)])
`;
		// 10000 · 32 + 4 · 32 · (32 + 32) + 8 · 32 + 33.
		assert.strictEqual(totalOf(code, 'model'), 328481);
		assert.strictEqual(totalOf(code, 'gru'), null);
	});

	it('`np.int64(28 * 28)` as Dense units is that int (Keras hunt 14: 58,494,257 as printed; unknown before)', () => {
		const code = `import numpy as np
from keras.models import Sequential
from keras.layers import Dense, Flatten, Conv2D
model = Sequential()
model.add(Conv2D(64, (3, 3), input_shape=(28, 28, 1)))
model.add(Conv2D(128, (3, 3)))
model.add(Flatten())
model.add(Dense(np.int64(28 * 28 * 1)))
model.add(Dense(np.int64(28 * 28 * 1)))
model.add(Dense(1, activation='sigmoid'))
tiny = Sequential([Dense(np.int8(300), input_shape=(3,))])
`;
		assert.strictEqual(totalOf(code, 'model'), 58494257);
		// 300 does not fit an int8: NumPy wraps it (or refuses), not followed.
		assert.strictEqual(totalOf(code, 'tiny'), null);
	});

	it("`tf.constant(x_train)` given to `fit()` builds the model on the data's shape (Keras hunt 14: 937,482 as printed); `np.argsort` keeps the shape", () => {
		const code = `import numpy as np
import tensorflow as tf
(x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
x = tf.constant(x_train, dtype=tf.float32) / 255.
y = tf.constant(y_train)
model = tf.keras.models.Sequential([
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(512, activation="relu", kernel_regularizer=tf.keras.regularizers.L2(0.0005)),
    tf.keras.layers.Dense(1024, activation="relu"),
    tf.keras.layers.Dense(10, activation="softmax"),
])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
model.fit(x=x, y=y, epochs=1)
order = np.argsort(np.random.random(y_train.shape))
small = tf.keras.Sequential([tf.keras.Input((order.shape[0] // 1000,)), tf.keras.layers.Dense(1)])
`;
		// 784·512 + 512 + 512·1024 + 1024 + 1024·10 + 10; 60 inputs + 1.
		assert.strictEqual(totalOf(code, 'model'), 937482);
		assert.strictEqual(totalOf(code, 'small'), 61);
	});
});

describe('Keras hunt 15: Conv1D keeps channels last before Keras 3; a float of data NormLens does not hold is a float', () => {
	it("`K.set_image_dim_ordering('th')` leaves Conv1D and MaxPooling1D channels last in Keras 1 and 2 (fast.ai's lesson 5: 422,665 for the 1,770,505 printed)", () => {
		const r = analyzePython(`from keras import backend as K
from keras.models import Sequential
from keras.layers import Embedding, Conv1D, MaxPooling1D, Flatten, Dense, Dropout
K.set_image_dim_ordering('th')
model = Sequential([
    Embedding(5000, 32, input_length=500),
    Dropout(0.2),
    Conv1D(64, 5, padding='same', activation='relu'),
    Dropout(0.2),
    MaxPooling1D(),
    Flatten(),
    Dense(100, activation='relu'),
    Dense(1, activation='sigmoid'),
])
`);
		// 5000·32 + (5·32·64 + 64) + (250·64·100 + 100) + 101.
		assert.strictEqual(r.models.find((m) => m.name === 'model')?.totals.total, 1770505);
	});

	it("`x / float(x_train.max())` keeps the array's shape (ramhiser's autoencoder: 50,992 as printed)", () => {
		const r = analyzePython(`import numpy as np
from keras.datasets import mnist
from keras.models import Sequential
from keras.layers import Dense
(x_train, _), (x_test, _) = mnist.load_data()
max_value = float(x_train.max())
x_train = x_train.astype('float32') / max_value
x_train = x_train.reshape((len(x_train), np.prod(x_train.shape[1:])))
input_dim = x_train.shape[1]
autoencoder = Sequential()
autoencoder.add(Dense(32, input_shape=(input_dim,), activation='relu'))
autoencoder.add(Dense(input_dim, activation='sigmoid'))
`);
		assert.strictEqual(r.models.find((m) => m.name === 'autoencoder')?.totals.total, 50992);
	});
});
