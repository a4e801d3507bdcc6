import * as assert from 'assert';
import { analyzePython, buildProgram } from '../../../src/core';

/**
 * The eleventh Keras hunt (2026-12-07: 269 printed tables in 158 notebooks from 19 repositories never
 * read before): the unknowns Keras's rules decide and the tables NormLens lost, each reduced to a
 * few lines. Expected: the tables the notebooks printed, reduced by Keras's formulas.
 */
const CASES: {
	title: string;
	seen: string;
	name: string;
	expected: number[];
	code: string;
}[] = [
	{
		title: "`tf.linalg.l2_normalize` keeps its input's shape, as `tf.math.l2_normalize` (the same function) does: a two-tower recommender was unknown (printed 82,240)",
		seen: 'greyhatguy007/Machine-Learning-Specialization-Coursera',
		name: 'model',
		expected: [82240, 82240, 0],
		code: `import tensorflow as tf
from tensorflow.keras.models import Model

user_NN = tf.keras.models.Sequential([
    tf.keras.layers.Dense(256, activation='relu'),
    tf.keras.layers.Dense(128, activation='relu'),
    tf.keras.layers.Dense(32, activation='linear'),
])
item_NN = tf.keras.models.Sequential([
    tf.keras.layers.Dense(256, activation='relu'),
    tf.keras.layers.Dense(128, activation='relu'),
    tf.keras.layers.Dense(32, activation='linear'),
])
input_user = tf.keras.layers.Input(shape=(14,))
vu = tf.linalg.l2_normalize(user_NN(input_user), axis=1)
input_item = tf.keras.layers.Input(shape=(16,))
vm = tf.linalg.l2_normalize(item_NN(input_item), axis=1)
output = tf.keras.layers.Dot(axes=1)([vu, vm])
model = Model([input_user, input_item], output)
`,
	},
	{
		title: "`self.batch_norm(x, training)`: a True / False / None after the input is `call`'s `training`, not a second input (the BatchNormalization was never built; printed 21,311,747 for the whole ResNet34)",
		seen: 'Neuralearn/deep-learning-with-tensorflow-2',
		name: 'net',
		expected: [9923, 9795, 128],
		code: `import tensorflow as tf
from tensorflow.keras.layers import Layer, Conv2D, BatchNormalization, Dense, GlobalAveragePooling2D
from tensorflow.keras import Model

class CustomConv2D(Layer):
  def __init__(self, n_filters, kernel_size, n_strides, padding = 'valid'):
    super(CustomConv2D, self).__init__(name = 'custom_conv2d')
    self.conv = Conv2D(filters = n_filters, kernel_size = kernel_size, activation = 'relu', strides = n_strides, padding = padding)
    self.batch_norm = BatchNormalization()

  def call(self, x, training = True):
    x = self.conv(x)
    x = self.batch_norm(x, training)
    return x

class Net(Model):
  def __init__(self,):
    super(Net, self).__init__(name = 'net')
    self.conv_1 = CustomConv2D(64, 7, 2, padding = 'same')
    self.global_pool = GlobalAveragePooling2D()
    self.fc_3 = Dense(3, activation = 'softmax')

  def call(self, x, training = True):
    x = self.conv_1(x)
    x = self.global_pool(x)
    return self.fc_3(x)

net = Net()
net(tf.zeros([1,256,256,3]), training = False)
`,
	},
	{
		title: '`tf.convert_to_tensor(outputs)` of a list of tensors stacks them on a new first axis, as `tf.stack` (a Bahdanau decoder was unknown; printed 16,431,905)',
		seen: 'Neuralearn/deep-learning-with-tensorflow-2',
		name: 'model',
		expected: [229, 229, 0],
		code: `import tensorflow as tf
from tensorflow.keras.layers import Layer, Dense, Input

class Steps(Layer):
    def __init__(self):
        super(Steps, self).__init__()
        self.d = Dense(16)
        self.out = Dense(5)
    def call(self, x):
        outputs = []
        for t in range(4):
            outputs.append(self.d(x))
        outputs = tf.convert_to_tensor(outputs)
        outputs = tf.transpose(outputs, perm=[1, 0, 2])
        return self.out(outputs)

inp = Input(shape=(8,))
model = tf.keras.Model(inp, Steps()(inp))
`,
	},
	{
		title: "TensorFlow Addons' GroupNormalization and InstanceNormalization (its GroupNormalization with groups=-1) hold gamma and beta of C each (CycleGAN and a diffusion model were unknown; printed 15,358,851, 1,743,745, 19,420,259)",
		seen: 'Neuralearn/deep-learning-with-tensorflow-2',
		name: 'model',
		expected: [20448, 20448, 0],
		code: `import tensorflow as tf
import tensorflow_addons as tfa
from tensorflow.keras.layers import Input, Conv2D

inp = Input(shape=(64, 64, 3))
x = Conv2D(64, 3, padding='same')(inp)
x = tfa.layers.InstanceNormalization(axis=-1)(x)
x = Conv2D(32, 3, padding='same')(x)
x = tfa.layers.GroupNormalization(groups=8, axis=-1)(x)
model = tf.keras.Model(inp, x)
`,
	},
	{
		title: "`tf.math.reduce_prod` and the other reductions TensorFlow has give their reduced shape: ProGAN's weight-scaling layers were unknown (printed 6,561,793 and 10,758,659)",
		seen: 'Neuralearn/deep-learning-with-tensorflow-2',
		name: 'model',
		expected: [40, 40, 0],
		code: `# normlens: keras 2
import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import Layer, Dense, Input

class WeightScaling(Layer):
    def __init__(self, shape, gain=np.sqrt(2)):
        super(WeightScaling, self).__init__()
        fan_in = tf.math.reduce_prod(shape)
        self.wscale = gain * tf.math.rsqrt(fan_in)
    def call(self, inputs):
        inputs = tf.cast(inputs, tf.float32)
        return inputs * self.wscale

class Bias(Layer):
    def __init__(self):
        super(Bias, self).__init__()
    def build(self, input_shape):
        b_init = tf.zeros_initializer()
        self.bias = tf.Variable(initial_value=b_init(shape=(input_shape[-1],), dtype='float32'), trainable=True)
    def call(self, inputs):
        return inputs + self.bias

class WeightScalingDense(Layer):
    def __init__(self, n_units, gain):
        super(WeightScalingDense, self).__init__()
        self.n_units = n_units
        self.gain = gain
    def build(self, input_shape):
        self.dense = Dense(self.n_units, use_bias=False)
        self.bias = Bias()
    def call(self, inputs):
        in_filters = tf.shape(inputs)[-1]
        x = self.dense(inputs)
        x = WeightScaling(shape=(tf.cast(in_filters, dtype=tf.float32)), gain=self.gain)(x)
        x = self.bias(x)
        return x

inp = Input(shape=(4,))
out = WeightScalingDense(8, gain=1.)(inp)
model = tf.keras.Model(inp, out)
`,
	},
];

describe('the eleventh Keras hunt: exact where Keras decides', () => {
	for (const { title, seen, name, expected, code } of CASES) {
		it(`${title} (${seen})`, () => {
			const m = analyzePython(code).models.find((x) => x.name === name);
			assert.ok(m, `the model ${name} is shown`);
			assert.deepStrictEqual(
				[m.totals.total, m.totals.trainable, m.totals.nonTrainable],
				expected,
			);
		});
	}

	it('a `model.summary()` of a `Model` that came through a star import prints a table NormLens says it cannot count, and why (it lost the table: no row, no reason)', () => {
		const program = buildProgram([
			{
				index: 0,
				source: 'import tensorflow as tf\nfrom recsysNN_utils import *\nfrom public_tests import *',
			},
			{
				index: 1,
				source: 'inp = tf.keras.layers.Input(shape=(4,))\nx = tf.keras.layers.Dense(2)(inp)\nm = Model(inp, x)\nm.summary()',
				outputs:
					'Model: "model"\n=================================================================\nTotal params: 10\nTrainable params: 10\nNon-trainable params: 0\n_________________________________________________________________\n',
			},
		]);
		const r = analyzePython(program.text, {
			cells: program.segments,
			printed: program.outputs,
		});
		const said = r.diagnostics.find((d) => d.code === 'printed-summary');
		assert.match(
			said?.message ?? '',
			/printed Total params 10 .* for `m`; NormLens cannot count it here: `Model` may come from more than one module imported with `\*`/,
		);
	});
});
