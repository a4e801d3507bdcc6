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
