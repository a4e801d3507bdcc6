import * as assert from 'assert';
import { analyzePython } from '../../../src/core';

const total = (src: string, name: string) =>
	analyzePython(src).models.find((m) => m.name === name)?.totals;

/**
 * Names brought in by several `from module import *`: Python binds each to the last module that
 * defines it. Before, every such name resolved to the first star import of the file, so a
 * Packt FCN-8s notebook's `VGG16` (from `keras.applications.vgg16 import *`) was read as a layer
 * `keras.layers.VGG16` NormLens did not know, and its totals were unknown for that.
 */
describe('names from several star imports', () => {
	it('each name comes from the module that defines it: VGG16 from applications.vgg16, Conv2D from layers', () => {
		const t = total(
			[
				'from tensorflow.keras.models import *',
				'from tensorflow.keras.layers import *',
				'from tensorflow.keras.applications.vgg16 import *',
				"inputs = Input(shape=(224, 224, 3), name='input')",
				"vgg16 = VGG16(include_top=False, weights='imagenet', input_tensor=inputs)",
				"f5 = vgg16.get_layer('block5_pool').output",
				'out = Conv2D(3, 1)(f5)',
				'model = Model(inputs, out)',
			].join('\n'),
			'model',
		);
		// VGG16 without its top: 14,714,688 (keras.io's table of applications); Conv2D 512·3 + 3.
		assert.strictEqual(t?.total, 14714688 + 512 * 3 + 3);
	});

	it('a library NormLens cannot read is not taken to redefine the names a framework module defines', () => {
		const t = total(
			[
				'from keras.layers import *',
				'from keras.models import *',
				'from music_utils import *',
				'model = Sequential([Input(shape=(4,)), Dense(3)])',
			].join('\n'),
			'model',
		);
		assert.strictEqual(t?.total, 15);
	});

	it('a name that may come from two libraries NormLens cannot read is unknown, with that reason', () => {
		const r = analyzePython(
			[
				'from keras.layers import *',
				'from keras.models import *',
				'from liba import *',
				'from libb import *',
				'model = Sequential([Input(shape=(4,)), Dense(width())])',
			].join('\n'),
		);
		const m = r.models.find((x) => x.name === 'model');
		assert.strictEqual(m?.totals.total, null);
		assert.match(
			m?.unknown?.reason ?? '',
			/`width` may come from more than one module imported with `\*`/,
		);
	});
});

/**
 * A subclass of a catalogue layer that only overrides `call` with `return super().call(…)` — Monte
 * Carlo dropout in ageron's handson-ml — is that layer under its own class name. Before, "a layer
 * added to this Sequential is not one NormLens can read" made the model unknown.
 */
describe('a subclass of a Keras layer that only calls the base', () => {
	const base = [
		'from tensorflow import keras',
		'model = keras.models.Sequential([',
		'    keras.layers.Flatten(input_shape=[28, 28]),',
		'    keras.layers.AlphaDropout(rate=0.2),',
		'    keras.layers.Dense(300, kernel_initializer="lecun_normal", activation="selu"),',
		'    keras.layers.AlphaDropout(rate=0.2),',
		'    keras.layers.Dense(100, kernel_initializer="lecun_normal", activation="selu"),',
		'    keras.layers.AlphaDropout(rate=0.2),',
		'    keras.layers.Dense(10, activation="softmax")',
		'])',
	];

	it("ageron's MCAlphaDropout: mc_model counts 266,610, as its notebook printed", () => {
		// ageron/handson-ml3 11_training_deep_neural_networks.ipynb (Apache-2.0), cells 174–177.
		const r = analyzePython(
			[
				...base,
				'class MCDropout(keras.layers.Dropout):',
				'    def call(self, inputs):',
				'        return super().call(inputs, training=True)',
				'class MCAlphaDropout(keras.layers.AlphaDropout):',
				'    def call(self, inputs):',
				'        return super().call(inputs, training=True)',
				'mc_model = keras.models.Sequential([',
				'    MCAlphaDropout(layer.rate) if isinstance(layer, keras.layers.AlphaDropout) else layer',
				'    for layer in model.layers',
				'])',
			].join('\n'),
		);
		const m = r.models.find((x) => x.name === 'mc_model');
		assert.strictEqual(m?.totals.total, 266610);
		// MCDropout, never used, is not built without the rate Dropout requires (no error of the user's).
		assert.deepStrictEqual(
			r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
			[],
		);
		assert.deepStrictEqual(
			m?.layers
				.filter((l) => l.type === 'MCAlphaDropout')
				.map((l) => [l.name, l.outputShape]),
			[
				['mc_alpha_dropout', [null, 784]],
				['mc_alpha_dropout_1', [null, 300]],
				['mc_alpha_dropout_2', [null, 100]],
			],
		);
	});

	it('a subclass whose call does anything else stays unknown: its shape and weights may differ', () => {
		const r = analyzePython(
			[
				...base,
				'class Twice(keras.layers.Dense):',
				'    def call(self, inputs):',
				'        return keras.layers.concatenate([super().call(inputs), inputs])',
				'm2 = keras.models.Sequential([keras.layers.Input((4,)), Twice(3), keras.layers.Dense(2)])',
			].join('\n'),
		);
		assert.strictEqual(r.models.find((x) => x.name === 'm2')?.totals.total, null);
	});
});

describe('a subclass of a catalogue layer or module that nothing builds', () => {
	it('is not built without the arguments its base requires: no error, no model, no "cannot read" note', () => {
		// Before, the file's uncalled classes were built with no arguments: `StdConv` got
		// "nn.Conv2d() is missing its required argument" on valid code and a model of unknown totals.
		for (const src of [
			'import torch.nn as nn\nclass StdConv(nn.Conv2d):\n    def forward(self, x):\n        return super().forward(x)\n',
			'from tensorflow import keras\nclass MCDropout(keras.layers.Dropout):\n    def call(self, inputs):\n        return super().call(inputs, training=True)\n',
		]) {
			const r = analyzePython(src);
			assert.deepStrictEqual(r.models, [], src);
			assert.deepStrictEqual(
				r.diagnostics.map((d) => d.code),
				[],
				src,
			);
		}
	});

	it('is built where the file builds it: StdConv(3, 8, 3) counts as nn.Conv2d', () => {
		const r = analyzePython(
			'import torch.nn as nn\nclass StdConv(nn.Conv2d):\n    def forward(self, x):\n        return super().forward(x)\nnet = nn.Sequential(StdConv(3, 8, 3), nn.ReLU())\n',
		);
		// 3·8·3·3 + 8.
		assert.strictEqual(r.models.find((m) => m.name === 'net')?.totals.total, 224);
	});
});
