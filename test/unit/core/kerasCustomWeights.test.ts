import * as assert from 'assert';
import { analyzePython } from '../../../src/core';
import type { AnalysisResult, ModelSummary } from '../../../src/protocol/analysis';

/**
 * Custom Keras layers and models that make their own weights — `self.add_weight(…)` in `__init__`
 * or `build(input_shape)`, `self.w = tf.Variable(…)` — as Keras's guide "Making new layers and
 * models via subclassing" writes them. Keras tracks those weights; so does NormLens, or the count
 * is unknown with the reason (before, they were silently left out: a wrong total). Expected values
 * from the weights' shapes (a (a, b) kernel has a·b parameters).
 */

function model(r: AnalysisResult, name: string): ModelSummary {
	const m = r.models.find((x) => x.name === name);
	assert.ok(m, `model ${name} among ${r.models.map((x) => x.name).join(', ')}`);
	return m;
}

const head =
	'import tensorflow as tf\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n';

describe('Keras layers that make their own weights', () => {
	it("ConvNeXt's LayerScale: add_weight in build, a (C,) γ on top of the Dense before it", () => {
		const r = analyzePython(`${head}
class LayerScale(layers.Layer):
    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(self.projection_dim,), initializer=keras.initializers.Constant(self.init_values), trainable=True, name="gamma")

    def call(self, x):
        return x * self.gamma

inp = layers.Input((8, 8, 16))
x = layers.Dense(16)(inp)
x = LayerScale(1e-6, 16)(x)
model = keras.Model(inp, x)
`);
		// Dense(16 → 16): 16·16 + 16 = 272; γ: 16.
		assert.deepStrictEqual(model(r, 'model').totals, {
			total: 288,
			trainable: 288,
			nonTrainable: 0,
			buffers: 0,
		});
		assert.deepStrictEqual(
			model(r, 'model').layers.map((l) => [l.name, l.params?.total, l.outputShape]),
			[
				['input_layer', 0, [null, 8, 8, 16]],
				['dense', 272, [null, 8, 8, 16]],
				['layer_scale', 16, [null, 8, 8, 16]],
			],
		);
	});

	it("the guide's Linear: add_weight in build from input_shape[-1]; a non-trainable counter; Keras 2's positional name", () => {
		const r = analyzePython(`${head}
class Linear(keras.layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units
        self.total = self.add_weight("total", shape=(), initializer="zeros", trainable=False)

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b

inputs = keras.Input((8,))
outputs = Linear(4)(inputs)
model = keras.Model(inputs, outputs)
`);
		// w: 8·4, b: 4, total: a scalar (1 non-trainable).
		assert.deepStrictEqual(model(r, 'model').totals, {
			total: 37,
			trainable: 36,
			nonTrainable: 1,
			buffers: 0,
		});
	});

	it("the guide's first Linear: tf.Variable from initializers called with a shape (tf.keras 2 counts it)", () => {
		// TensorFlow's guide before Keras 3; Keras 3 counts only its own variables (kerasHunt7).
		const r = analyzePython(`# normlens: keras 2
${head}
class Linear(keras.layers.Layer):
    def __init__(self, units=32, input_dim=32):
        super().__init__()
        w_init = tf.random_normal_initializer()
        self.w = tf.Variable(initial_value=w_init(shape=(input_dim, units), dtype="float32"), trainable=True)
        b_init = tf.zeros_initializer()
        self.b = tf.Variable(initial_value=b_init(shape=(units,), dtype="float32"), trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b

inputs = keras.Input((2,))
model = keras.Model(inputs, Linear(4, 2)(inputs))
`);
		assert.strictEqual(model(r, 'model').totals.total, 2 * 4 + 4);
	});

	it('a weight whose shape NormLens cannot know makes the count unknown, saying why — never the count without it', () => {
		const r = analyzePython(`${head}
class Scale(layers.Layer):
    def build(self, input_shape):
        self.s = self.add_weight(shape=mystery_shape(), trainable=True)

    def call(self, x):
        return x * self.s

class Holder(layers.Layer):
    def __init__(self):
        super().__init__()
        self.v = tf.Variable(load_initial_values())

    def call(self, x):
        return x

inp = layers.Input((4,))
a = keras.Model(inp, Scale()(layers.Dense(4)(inp)))
b = keras.Model(inp, Holder()(layers.Dense(4)(inp)))
`);
		assert.strictEqual(model(r, 'a').totals.total, null);
		assert.match(model(r, 'a').unknown?.reason ?? '', /mystery_shape/);
		assert.strictEqual(model(r, 'b').totals.total, null);
		assert.match(model(r, 'b').unknown?.reason ?? '', /load_initial_values/);
	});

	it('model.build(shape), then a call: build runs once (its weights are counted once)', () => {
		const r = analyzePython(`${head}
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(3)

    def build(self, input_shape):
        self.bias = self.add_weight(shape=(3,), initializer="zeros", name="bias")
        super().build(input_shape)

    def call(self, x):
        return self.dense(x) + self.bias

net = Net()
net.build((None, 5))
y = net(tf.zeros((2, 5)))
`);
		// Dense(5 → 3): 18; bias: 3.
		assert.strictEqual(model(r, 'net').totals.total, 21);
	});

	it('a custom layer inside a Sequential is built on the shape that reaches it (its build, then its call); without one, unknown', () => {
		const r = analyzePython(`${head}
class Scale(layers.Layer):
    def build(self, input_shape):
        self.s = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, x):
        return x * self.s

a = keras.Sequential([keras.Input((4,)), layers.Dense(8), Scale(), layers.Dense(2)])
b = keras.Sequential([keras.Input((4,)), layers.Dense(8), Scale()])
c = keras.Sequential([Scale(), layers.Dense(2)])
`);
		// Dense(4 → 8): 40; Scale: 8; Dense(8 → 2): 18.
		assert.deepStrictEqual(
			model(r, 'a').layers.map((l) => [l.type, l.params?.total, l.outputShape]),
			[
				['Dense', 40, [null, 8]],
				['Scale', 8, [null, 8]],
				['Dense', 18, [null, 2]],
			],
		);
		assert.strictEqual(model(r, 'a').totals.total, 66);
		assert.strictEqual(model(r, 'b').totals.total, 48);
		assert.strictEqual(model(r, 'c').totals.total, null);
		assert.match(
			model(r, 'c').unknown?.reason ?? '',
			/never built on an input NormLens can follow/,
		);
	});

	it('layers a subclass keeps in a list, a dict or a list appended to later are its layers (Keras tracks the containers)', () => {
		const r = analyzePython(`${head}
class MLP(keras.Model):
    def __init__(self, widths=(8, 8), classes=3):
        super().__init__()
        self.blocks = [layers.Dense(w, activation="relu") for w in widths]
        self.norms = {"a": layers.LayerNormalization(), "b": layers.BatchNormalization()}
        self.extra = []
        self.extra.append(layers.Dense(8))
        self.out = layers.Dense(classes)

    def call(self, x, training=False):
        for b in self.blocks:
            x = b(x)
        x = self.norms["a"](x)
        x = self.norms["b"](x, training=training)
        x = self.extra[0](x)
        return self.out(x)

m = MLP()
m.build((None, 5))
`);
		// Dense(5→8) 48, Dense(8→8) 72, LayerNormalization(8) 16, BatchNormalization(8) 32 (16 non-trainable),
		// Dense(8→8) 72, Dense(8→3) 27.
		assert.deepStrictEqual(model(r, 'm').totals, {
			total: 267,
			trainable: 251,
			nonTrainable: 16,
			buffers: 0,
		});
	});

	it('a subclassed Model with a weight of its own: in its totals, as Keras counts it', () => {
		const r = analyzePython(`${head}
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(3)
        self.temperature = self.add_weight(name="temperature", shape=(1,), initializer="ones")

    def call(self, x):
        return self.dense(x) / self.temperature

net = Net()
y = net(keras.Input((5,)))
`);
		// Dense(5 → 3): 18; temperature: 1.
		assert.strictEqual(model(r, 'net').totals.total, 19);
	});
});
