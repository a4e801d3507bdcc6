import * as assert from 'assert';
import { analyzePython } from '../../../src/core';

const total = (src: string, name: string) =>
	analyzePython(src).models.find((m) => m.name === name)?.totals.total;

/**
 * A Keras recurrent layer called with `return_state=True` returns `[output, *states]` (LSTM: h and
 * c; GRU and SimpleRNN: h; Bidirectional: both directions'), and the tensors given as
 * `initial_state=` are inputs of its node, so the graph reaches the layers that made them. Before,
 * `s, _, c = lstm(x, initial_state=[s, c])` could not be unpacked and the model's totals were
 * unknown (11 printed summaries of the Keras hunt said so).
 */
describe('Keras recurrent layers with return_state and initial_state', () => {
	it('the Coursera attention model for date translation: 52,960 parameters, as its notebook printed', () => {
		// amanchadha/coursera-deep-learning-specialization @ e9de0f4d1549, C5 Week 3
		// Neural_machine_translation_with_attention_v4a.ipynb (MIT): the model cells as written, with
		// the vocabularies load_dataset builds (37 and 11 characters) given directly; model.summary()
		// printed Total params: 52,960.
		const src = `from keras.layers import Bidirectional, Concatenate, Dot, Input, LSTM
from keras.layers import RepeatVector, Dense, Activation
from keras.models import Model
from nmt_utils import *

Tx = 30
Ty = 10
human_vocab = {str(i): i for i in range(37)}
machine_vocab = {str(i): i for i in range(11)}

repeator = RepeatVector(Tx)
concatenator = Concatenate(axis=-1)
densor1 = Dense(10, activation = "tanh")
densor2 = Dense(1, activation = "relu")
activator = Activation(softmax, name='attention_weights')
dotor = Dot(axes = 1)

def one_step_attention(a, s_prev):
    s_prev = repeator(s_prev)
    concat = concatenator([a,s_prev])
    e = densor1(concat)
    energies = densor2(e)
    alphas = activator(energies)
    context = dotor([alphas,a])
    return context

n_a = 32
n_s = 64
post_activation_LSTM_cell = LSTM(n_s, return_state = True)
output_layer = Dense(len(machine_vocab), activation=softmax)

def model(Tx, Ty, n_a, n_s, human_vocab_size, machine_vocab_size):
    X = Input(shape=(Tx, human_vocab_size))
    s0 = Input(shape=(n_s,), name='s0')
    c0 = Input(shape=(n_s,), name='c0')
    s = s0
    c = c0
    outputs = []
    a = Bidirectional(LSTM(n_a, return_sequences=True))(X)
    for t in range(Ty):
        context = one_step_attention(a, s)
        s, _, c = post_activation_LSTM_cell(context,initial_state = [s, c] )
        out = output_layer(s)
        outputs.append(out)
    model = Model(inputs=[X,s0,c0],outputs=outputs)
    return model

model = model(Tx, Ty, n_a, n_s, len(human_vocab), len(machine_vocab))
`;
		assert.strictEqual(total(src, 'model'), 52960);
	});

	it("keras-io's seq2seq: the encoder is in the model through the decoder's initial_state", () => {
		// Encoder LSTM 4·256·(71 + 256 + 1) = 335,872, decoder LSTM 4·256·(93 + 256 + 1) = 358,400,
		// Dense 256·93 + 93 = 23,901 (Keras's LSTM / Dense counts, checked against printed summaries
		// in kerasRealWorld.test.ts). Without the states as inputs of the decoder's node the encoder
		// would be missing: 382,301, another number.
		const src = `import keras
encoder_inputs = keras.Input(shape=(None, 71))
encoder = keras.layers.LSTM(256, return_state=True)
encoder_outputs, state_h, state_c = encoder(encoder_inputs)
decoder_inputs = keras.Input(shape=(None, 93))
decoder_lstm = keras.layers.LSTM(256, return_sequences=True, return_state=True)
decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=[state_h, state_c])
decoder_outputs = keras.layers.Dense(93, activation="softmax")(decoder_outputs)
model = keras.Model([encoder_inputs, decoder_inputs], decoder_outputs)
`;
		assert.strictEqual(total(src, 'model'), 718173);
	});

	it("Bidirectional returns both directions' states; GRU one; an unknown return_state is unknown, with why", () => {
		const r = analyzePython(`import keras
x = keras.Input(shape=(12, 5))
y, fh, fc, bh, bc = keras.layers.Bidirectional(keras.layers.LSTM(8, return_state=True))(x)
seq, h = keras.layers.GRU(4, return_state=True, return_sequences=True)(x, initial_state=keras.layers.Dense(4)(fh))
both = keras.Model(x, [y, seq, h, bc])
from config import FLAG
out = keras.layers.LSTM(8, return_state=FLAG)(x)
other = keras.Model(x, out)
`);
		// Bidirectional 2·4·8·(5 + 8 + 1) = 896, Dense 8·4 + 4 = 36, GRU 3·4·(5 + 4 + 2) = 132.
		const both = r.models.find((m) => m.name === 'both');
		assert.strictEqual(both?.totals.total, 1064);
		assert.deepStrictEqual(
			both?.layers.map((l) => [l.type, l.outputShape]),
			[
				['InputLayer', [null, 12, 5]],
				['Bidirectional', [null, 16]],
				['Dense', [null, 4]],
				['GRU', [null, 12, 4]],
			],
		);
		const other = r.models.find((m) => m.name === 'other');
		assert.strictEqual(other?.totals.total ?? null, null);
		assert.match(
			JSON.stringify([other?.unknown, r.diagnostics]),
			/cannot tell whether `lstm[_0-9]*` returns its states/,
		);
	});

	it('Bidirectional(merge_mode=None) returns both directions unmerged, then the states', () => {
		// Keras's Bidirectional.call: `[y, y_rev]` without a merge mode, then the states when
		// return_state. 2·4·8·(5 + 8 + 1) = 896 and 2·4·6·(5 + 6 + 1) = 576 (Keras's LSTM counts).
		const r = analyzePython(`import keras
x = keras.Input(shape=(12, 5))
fw, bw = keras.layers.Bidirectional(keras.layers.LSTM(8, return_sequences=True), merge_mode=None)(x)
y = keras.layers.Concatenate()([fw, bw])
m1 = keras.Model(x, y)
a, b, fh, fc, bh, bc = keras.layers.Bidirectional(keras.layers.LSTM(6, return_state=True), merge_mode=None)(x)
m2 = keras.Model(x, [a, b, fh, bc])
`);
		const m1 = r.models.find((m) => m.name === 'm1');
		assert.strictEqual(m1?.totals.total, 896);
		assert.deepStrictEqual(m1?.layers.find((l) => l.type === 'Concatenate')?.outputShape, [
			null,
			12,
			16,
		]);
		// The row of a layer with two outputs has no one shape: it says so.
		assert.match(
			m1?.layers.find((l) => l.type === 'Bidirectional')?.unknown?.reason ?? '',
			/unmerged \(merge_mode=None\)/,
		);
		assert.strictEqual(r.models.find((m) => m.name === 'm2')?.totals.total, 576);
	});
});
