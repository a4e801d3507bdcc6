import * as assert from 'assert';
import { analyzePython } from '../../../src/core';
import type { AnalysisResult, ModelSummary } from '../../../src/protocol/analysis';

/**
 * A Sequential's graph (its `input`, `output` and each layer's `.output`), what functional models
 * cut from it hold, and a custom layer whose `call` returns several tensors. Expected counts are
 * Keras's formulas written out (Dense: inputs × units + units); the rows and their order are those
 * Keras's Sequential graph has (an InputLayer, then the layers in the order added), named as each
 * Keras names the InputLayer it makes (Keras 3: `input_layer…`, taken when the first layer is added;
 * tf.keras 2 and standalone Keras: the first layer's name + `_input`).
 */

const KERAS3 = 'from tensorflow import keras\nfrom tensorflow.keras import layers\n';
// tf.compat.v1 marks tf.keras 2 (dialect.ts).
const TF_KERAS2 = `${KERAS3}import tensorflow as tf\n_ = tf.compat.v1\n`;

function modelOf(r: AnalysisResult, name: string): ModelSummary {
	const m = r.models.find((x) => x.name === name);
	assert.ok(m, `a model ${name} in ${r.models.map((x) => x.name).join(', ')}`);
	return m;
}

function rows(m: ModelSummary): string[] {
	return m.layers.map((l) => `${l.name} ${l.type} ${l.params?.total ?? '?'}`);
}

describe('Keras: a Sequential graph read through seq.input / seq.output / layer.output', () => {
	it('keras.Model(seq.input, seq.output) and a cut at seq.layers[-2].output hold the Sequential’s layers up to there', () => {
		const r = analyzePython(
			`${KERAS3}seq = keras.Sequential([layers.Input((8,)), layers.Dense(4, name="a"), layers.Dense(2, name="b")])
whole = keras.Model(seq.input, seq.output)
cut = keras.Model(inputs=seq.inputs, outputs=seq.layers[-2].output)
fe = keras.Model(inputs=seq.inputs, outputs=[layer.output for layer in seq.layers])
first = keras.Model(seq.layers[0].input, seq.get_layer("a").output)
`,
		);
		// a: 8·4 + 4 = 36; b: 4·2 + 2 = 10.
		assert.deepStrictEqual(rows(modelOf(r, 'whole')), [
			'input_layer InputLayer 0',
			'a Dense 36',
			'b Dense 10',
		]);
		assert.strictEqual(modelOf(r, 'whole').totals.total, 46);
		assert.deepStrictEqual(modelOf(r, 'whole').layers[2].outputShape, [null, 2]);
		assert.deepStrictEqual(rows(modelOf(r, 'cut')), ['input_layer InputLayer 0', 'a Dense 36']);
		assert.strictEqual(modelOf(r, 'fe').totals.total, 46);
		assert.strictEqual(modelOf(r, 'first').totals.total, 36);
		// The Sequential itself is unchanged: no InputLayer row, 46 parameters.
		assert.deepStrictEqual(rows(modelOf(r, 'seq')), ['a Dense 36', 'b Dense 10']);
	});

	it('names the InputLayer as each Keras does when the first layer declares input_shape=', () => {
		const code = `seq = keras.Sequential([layers.Dense(4, input_shape=(8,)), layers.Dense(2)])
i = keras.Input((3,))
cut = keras.Model(seq.input, seq.layers[0].output)
other = keras.Model(i, layers.Dense(1)(i))
`;
		const k3 = analyzePython(`${KERAS3}${code}`);
		// Keras 3 made its InputLayer with the Sequential (input_layer), so the later Input is input_layer_1.
		assert.deepStrictEqual(rows(modelOf(k3, 'cut')), [
			'input_layer InputLayer 0',
			'dense Dense 36',
		]);
		assert.strictEqual(modelOf(k3, 'other').layers[0].name, 'input_layer_1');
		const k2 = analyzePython(`${TF_KERAS2}${code}`);
		assert.deepStrictEqual(rows(modelOf(k2, 'cut')), [
			'dense_input InputLayer 0',
			'dense Dense 36',
		]);
		assert.strictEqual(modelOf(k2, 'other').layers[0].name, 'input_1');
	});

	it('a Sequential with no input shape yet has no output: the cut model is unknown, saying why', () => {
		const r = analyzePython(
			`${KERAS3}seq = keras.Sequential([layers.Dense(4), layers.Dense(2)])
cut = keras.Model(seq.input, seq.output)
`,
		);
		const m = modelOf(r, 'cut');
		assert.strictEqual(m.totals.total, null);
		assert.match(m.unknown?.reason ?? '', /`seq` has no input shape yet/);
	});

	it('a layer of a Sequential also called elsewhere has no single .output in tf.keras 2: unknown, saying why', () => {
		const r = analyzePython(
			`${TF_KERAS2}d = layers.Dense(3)
seq = keras.Sequential([layers.Input((5,)), d])
x = keras.Input((5,))
y = d(x)
cut = keras.Model(x, d.output)
`,
		);
		const m = modelOf(r, 'cut');
		assert.strictEqual(m.totals.total, null);
		assert.match(m.unknown?.reason ?? '', /called elsewhere too/);
	});

	it('outputs that are not tensors say what they are', () => {
		const r = analyzePython(
			`${KERAS3}seq = keras.Sequential([layers.Input((8,)), layers.Dense(4, name="a")])
bad = keras.Model(seq.input, seq.layers[0])
`,
		);
		assert.match(
			modelOf(r, 'bad').unknown?.reason ?? '',
			/the layer `a` itself, not a tensor it made/,
		);
	});

	it('a custom layer whose call returns a tuple: each tensor can be unpacked and used', () => {
		const r = analyzePython(
			`${KERAS3}class Two(layers.Layer):
    def __init__(self):
        super().__init__()
        self.d1 = layers.Dense(3)
        self.d2 = layers.Dense(5)
    def call(self, x):
        return self.d1(x), self.d2(x)

i = keras.Input((6,))
p, q = Two()(i)
m = keras.Model(i, layers.concatenate([p, q]))
`,
		);
		const m = modelOf(r, 'm');
		// d1: 6·3 + 3 = 21; d2: 6·5 + 5 = 35.
		assert.strictEqual(m.totals.total, 56);
		assert.deepStrictEqual(m.layers[m.layers.length - 1].outputShape, [null, 8]);
	});
});
