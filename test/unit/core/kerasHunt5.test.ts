import * as assert from 'assert';
import { analyzePython } from '../../../src/core';
import type { AnalysisResult, ModelSummary } from '../../../src/protocol/analysis';

/**
 * Constructs from the fifth Keras hunt (2026-12-07: 490 printed model.summary() tables in 253
 * notebooks from 44 repositories), each reduced to a few lines. Expected values: the tables the
 * notebooks printed, or Keras's own rule, as each case says.
 */

function modelOf(r: AnalysisResult, name: string): ModelSummary {
	const m = r.models.find((x) => x.name === name);
	assert.ok(m, `a model ${name} in ${r.models.map((x) => x.name).join(', ')}`);
	return m;
}

const totals = (m: ModelSummary) => [m.totals.total, m.totals.trainable, m.totals.nonTrainable];

describe('the fifth Keras hunt: exact where Keras decides', () => {
	it("standalone Keras (≤ 2.3): a Network's trainable flag is its own, not its layers'", () => {
		// keras/engine/network.py (2.2): "It does not affect users of the underlying layers". The
		// Neural-Networks-with-Keras-Cookbook's U-Nets on a frozen VGG16 printed 25,895,425 /
		// 25,893,505 / 1,920; NormLens froze the layers (11,178,817 trainable).
		const r = analyzePython(`from keras.models import Model
from keras.layers import Input, Dense
inp = Input(shape=(4,))
base = Model(inputs=inp, outputs=Dense(8)(inp))
base.trainable = False
out = Dense(1)(base.output)
model = Model(input=base.input, output=out)
model.summary()
`);
		assert.deepStrictEqual(totals(modelOf(r, 'model')), [49, 49, 0]);
		assert.deepStrictEqual(totals(modelOf(r, 'base')), [40, 0, 40]);
		// tf.keras: the setter freezes every layer inside (the same code, Keras 2.4+ naming).
		const tf = analyzePython(`from tensorflow.keras.models import Model
from tensorflow.keras.layers import Input, Dense
inp = Input(shape=(4,))
base = Model(inputs=inp, outputs=Dense(8)(inp))
base.trainable = False
out = Dense(1)(base.output)
model = Model(inputs=base.input, outputs=out)
`);
		assert.deepStrictEqual(totals(modelOf(tf, 'model')), [49, 9, 40]);
	});

	it('a Lambda in a Sequential: its function called on the input, as in a functional model', () => {
		// Python-Deep-Learning-Cookbook ch. 3 (four models, all unknown without a cause before).
		const m = modelOf(
			analyzePython(`from keras.models import Sequential
from keras.layers import Dense, Flatten, Lambda
model = Sequential()
model.add(Lambda(lambda x: (x / 255.) - 0.5, input_shape=(10, 10, 3)))
model.add(Flatten())
model.add(Dense(1))
`),
			'model',
		);
		assert.strictEqual(m.totals.total, 301);
		assert.deepStrictEqual(m.layers[0].outputShape, [null, 10, 10, 3]);
	});

	it('keras.layers.dot, Input from keras.models, get_weights in a loop, _make_predict_function', () => {
		// Intelligent-Projects-using-Python ch. 6 (168,128 as printed).
		const dot = analyzePython(`from keras.layers import Embedding, Reshape, dot, Input
from keras.models import Model
u = Input(shape=(1,)); m = Input(shape=(1,))
x = Embedding(944, 64, input_length=1)(u)
y = Embedding(1683, 64, input_length=1)(m)
out = dot([x, y], axes=2, normalize=False)
out = Reshape((1,))(out)
model = Model(inputs=[u, m], outputs=out)
`);
		assert.strictEqual(modelOf(dot, 'model').totals.total, 168128);
		// Keras 2's keras.models re-exports Input (WillKoehrsen's patents RNN: 102,585).
		const input = analyzePython(`from keras.models import Input, Model
from keras.layers import Dense, LSTM, TimeDistributed
inp = Input(shape=(None, 57), name='input')
x = LSTM(128, return_sequences=True)(inp)
out = TimeDistributed(Dense(57, activation='softmax'))(x)
model = Model(inputs=[inp], outputs=[out])
`);
		assert.strictEqual(modelOf(input, 'model').totals.total, 102585);
		// get_weights() returns copies: a loop over them reaches no layer (147).
		const weights = analyzePython(`from keras.models import Sequential
from keras.layers import Dense
model = Sequential()
model.add(Dense(12, input_dim=8))
model.add(Dense(3))
for w in model.get_weights():
    print(w.shape)
actor = Sequential()
actor.add(Dense(24, input_dim=4, activation='relu'))
actor.add(Dense(2, activation='softmax'))
actor._make_predict_function()
`);
		assert.strictEqual(modelOf(weights, 'model').totals.total, 147);
		assert.strictEqual(modelOf(weights, 'actor').totals.total, 170);
	});

	it("six.moves.range is the builtin; to_categorical of labels written out; NumPy's reductions by axis", () => {
		// erhwenkuo's seq2seq introduction printed 205,324.
		const six = analyzePython(`from keras.models import Sequential
from keras import layers
from six.moves import range
chars = '0123456789+ '
model = Sequential()
model.add(layers.LSTM(128, input_shape=(7, len(chars))))
model.add(layers.RepeatVector(4))
for _ in range(1):
    model.add(layers.LSTM(128, return_sequences=True))
model.add(layers.TimeDistributed(layers.Dense(len(chars))))
model.add(layers.Activation('softmax'))
`);
		assert.strictEqual(modelOf(six, 'model').totals.total, 205324);
		// to_categorical's width is num_classes (LSTM 4,352 + Dense 858).
		const labels = analyzePython(`from keras.models import Sequential
from keras.layers import Dense, LSTM
from keras.utils import to_categorical
y = to_categorical([0, 1, 2, 3, 4], num_classes=26)
z = to_categorical([[0, 1], [2, 7]])
model = Sequential()
model.add(LSTM(32, input_shape=(1, 1)))
model.add(Dense(y.shape[1] + z.shape[2], activation='softmax'))
`);
		assert.strictEqual(modelOf(labels, 'model').totals.total, 4352 + 32 * 34 + 34);
		// Featurewise normalisation of keras.datasets' Boston housing (kmkarakaya's Conv1d notebook: 5,121).
		const boston = analyzePython(`import tensorflow as tf
from tensorflow import keras
(train_data, train_labels), (test_data, test_labels) = tf.keras.datasets.boston_housing.load_data()
mean = train_data.mean(axis=0)
std = train_data.std(axis=0)
train_data = (train_data - mean) / std
model = keras.Sequential([
    keras.layers.Input(shape=(train_data.shape[1],)),
    keras.layers.Dense(64, activation=tf.nn.relu),
    keras.layers.Dense(64, activation=tf.nn.relu),
    keras.layers.Dense(1)
])
`);
		assert.strictEqual(modelOf(boston, 'model').totals.total, 5121);
	});
});
