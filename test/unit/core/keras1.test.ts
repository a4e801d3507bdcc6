import * as assert from 'assert';
import { analyzePython } from '../../../src/core';

/**
 * Keras 1's API is read with Keras 1's meaning where that is certain, and is otherwise unknown with
 * a reason — never read as Keras 2 (where `Convolution2D(32, 5, 3)` would be a 5×5 kernel with
 * strides 3). Expected counts from the layers' formulas.
 */
function only(src: string) {
	const r = analyzePython(src);
	assert.strictEqual(r.models.length, 1);
	return { model: r.models[0], codes: r.diagnostics.map((d) => d.code) };
}

describe('Keras 1 code', () => {
	it('Dense(output_dim=64, input_dim=100): output_dim is units', () => {
		const { model } = only(
			'from keras.models import Sequential\nfrom keras.layers import Dense\nmodel = Sequential()\nmodel.add(Dense(output_dim=64, input_dim=100))\nmodel.add(Dense(10))\n',
		);
		assert.strictEqual(model.totals.total, 100 * 64 + 64 + 64 * 10 + 10);
	});

	it('Convolution2D(32, 5, 3, border_mode="same", dim_ordering="tf"): a 5×3 kernel, same padding', () => {
		const { model } = only(
			'from keras.models import Sequential\nfrom keras.layers import Convolution2D, Flatten, Dense\nmodel = Sequential()\nmodel.add(Convolution2D(32, 5, 3, border_mode="same", dim_ordering="tf", input_shape=(28, 28, 1)))\nmodel.add(Flatten())\nmodel.add(Dense(10))\n',
		);
		assert.deepStrictEqual(
			model.layers.map((l) => [l.outputShape, l.params?.total]),
			[
				[[null, 28, 28, 32], 5 * 3 * 32 + 32],
				[[null, 28 * 28 * 32], 0],
				[[null, 10], 28 * 28 * 32 * 10 + 10],
			],
		);
	});

	it('K.set_image_dim_ordering("th"): channels first for the Keras 1 layers and the rest (the classic MNIST CNN)', () => {
		const { model } = only(
			'from keras import backend as K\nK.set_image_dim_ordering("th")\nfrom keras.models import Sequential\nfrom keras.layers import Convolution2D, MaxPooling2D, Flatten, Dense\nmodel = Sequential()\nmodel.add(Convolution2D(32, 3, 3, input_shape=(1, 28, 28)))\nmodel.add(MaxPooling2D(pool_size=(2, 2)))\nmodel.add(Flatten())\nmodel.add(Dense(10))\nmodel.fit(x, y, nb_epoch=3)\n',
		);
		assert.deepStrictEqual(
			model.layers.map((l) => l.outputShape),
			[
				[null, 32, 26, 26],
				[null, 32, 13, 13],
				[null, 5408],
				[null, 10],
			],
		);
		assert.strictEqual(model.totals.total, 3 * 3 * 32 + 32 + 5408 * 10 + 10);
	});

	it('a Keras 1 convolution without dim_ordering: keras.json decides, so the counts are unknown with that reason', () => {
		const { model } = only(
			'from keras.models import Sequential\nfrom keras.layers import Convolution2D, Flatten, Dense\nmodel = Sequential()\nmodel.add(Convolution2D(32, 5, 3, border_mode="same", input_shape=(28, 28, 1)))\nmodel.add(Flatten())\nmodel.add(Dense(10))\n',
		);
		assert.strictEqual(model.totals.total, null);
		assert.match(model.unknown?.reason ?? '', /keras\.json/);
	});

	it('tf.keras refuses Keras 1 keywords: unknown, with a warning; its Convolution2D(32, 3, 3) has strides 3, as tf.keras reads it', () => {
		const refused = only(
			'import tensorflow as tf\nmodel = tf.keras.Sequential([tf.keras.layers.Convolution2D(32, 3, 3, border_mode="same", input_shape=(28, 28, 1))])\n',
		);
		assert.strictEqual(refused.model.totals.total, null);
		assert.ok(refused.codes.includes('keras1-api'));
		const tf = only(
			'import tensorflow as tf\nmodel = tf.keras.Sequential([tf.keras.layers.Convolution2D(32, 3, 3, input_shape=(28, 28, 1))])\n',
		);
		assert.deepStrictEqual(
			tf.model.layers.map((l) => [l.outputShape, l.params?.total]),
			[[[null, 9, 9, 32], 320]],
		);
	});

	it('standalone keras, Convolution2D(32, 3, 3) and nothing else to tell the version: unknown, with the reason', () => {
		const { model, codes } = only(
			'from keras.models import Sequential\nfrom keras.layers import Convolution2D\nmodel = Sequential()\nmodel.add(Convolution2D(32, 3, 3, input_shape=(28, 28, 1)))\n',
		);
		assert.strictEqual(model.totals.total, null);
		assert.match(
			model.unknown?.reason ?? '',
			/Keras 1 and Keras 2\.0–2\.3 but strides in Keras 3/,
		);
		assert.ok(codes.includes('keras1-api'));
	});
});

describe('Keras 1 notebooks against the summaries they printed (test/fixtures/keras1)', () => {
	const printed: {
		notebook: string;
		code: string;
		total: number;
		source: string;
		// eslint-disable-next-line @typescript-eslint/no-require-imports
	}[] = require('../../../../test/fixtures/keras1/printed.json');
	printed.forEach((p, i) => {
		it(`#${i + 1} ${p.notebook}: the printed ${p.total.toLocaleString('en-US')}, or unknown with a reason — never another number`, () => {
			const r = analyzePython(p.code);
			const model = r.models[r.models.length - 1];
			assert.ok(model, 'a model');
			assert.ok(
				model.totals.total === p.total ||
					(model.totals.total === null && model.unknown?.reason),
				`${p.source}: ${model.totals.total} (${model.unknown?.reason ?? ''})`,
			);
		});
	});
});
