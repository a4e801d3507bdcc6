import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython } from '../../../src/core';
import { fixtures } from '../paths';

/**
 * Keras models written as ordinary source, as keras.applications builds them (helper functions,
 * loops, bn_axis from image_data_format()), against the counts Keras publishes and prints
 * (docs/normalization.md §5).
 */
const cases = [
	{
		file: 'vgg16.py',
		model: 'model',
		total: 138_357_544,
		trainable: 138_357_544,
		nonTrainable: 0,
		output: [null, 1000],
		rows: 23,
	},
	{
		file: 'resnet50.py',
		model: 'ResNet50',
		total: 25_636_712,
		trainable: 25_583_592,
		nonTrainable: 53_120,
		output: [null, 1000],
		rows: 177,
	},
	{
		file: 'mobilenet_v2.py',
		model: 'MobileNetV2',
		total: 3_538_984,
		trainable: 3_504_872,
		nonTrainable: 34_112,
		output: [null, 1000],
		rows: 156,
	},
];

describe('Keras applications written as source: published totals', () => {
	for (const c of cases) {
		it(`${c.file}: ${c.total.toLocaleString('en-US')} / ${c.trainable.toLocaleString('en-US')} / ${c.nonTrainable.toLocaleString('en-US')}`, () => {
			const r = analyzePython(fs.readFileSync(path.join(fixtures, 'keras', c.file), 'utf8'));
			const m = r.models.find((x) => x.name === c.model);
			assert.ok(m, r.models.map((x) => x.name).join(', '));
			assert.deepStrictEqual(m.totals, {
				total: c.total,
				trainable: c.trainable,
				nonTrainable: c.nonTrainable,
				buffers: 0,
			});
			assert.deepStrictEqual(m.layers[m.layers.length - 1].outputShape, c.output);
			assert.strictEqual(m.layers.length, c.rows);
			assert.ok(m.layers.every((l) => l.outputShape !== null && l.params !== null));
		});
	}

	it('ResNet50 at 224×224: conv1 (None, 112, 112, 64), last stage (None, 7, 7, 2048)', () => {
		const r = analyzePython(
			fs.readFileSync(path.join(fixtures, 'keras', 'resnet50.py'), 'utf8'),
		);
		const m = r.models[0];
		assert.deepStrictEqual(m.layers.find((l) => l.name === 'conv1')?.outputShape, [
			null,
			112,
			112,
			64,
		]);
		assert.deepStrictEqual(m.layers.find((l) => l.name === 'avg_pool')?.inputShape, [
			null,
			7,
			7,
			2048,
		]);
	});
});

describe('nested and frozen Keras models', () => {
	it('a frozen Sequential used as a layer of a functional model: one row, all non-trainable', () => {
		const r = analyzePython(`from tensorflow import keras
base = keras.Sequential([keras.layers.Dense(32, input_shape=(16,)), keras.layers.BatchNormalization()])
base.trainable = False
inputs = keras.Input((16,))
outputs = keras.layers.Dense(3)(base(inputs))
model = keras.Model(inputs, outputs)
`);
		const m = r.models.find((x) => x.name === 'model');
		assert.ok(m);
		assert.deepStrictEqual(
			m.layers.map((l) => [l.type, l.outputShape, l.params?.total, l.params?.trainable]),
			[
				['InputLayer', [null, 16], 0, 0],
				['Sequential', [null, 32], 672, 0],
				['Dense', [null, 3], 99, 99],
			],
		);
		assert.deepStrictEqual(m.totals, {
			total: 771,
			trainable: 99,
			nonTrainable: 672,
			buffers: 0,
		});
	});

	it('transfer learning: MobileNetV2(include_top=False) frozen under a new head', () => {
		const src = fs.readFileSync(path.join(fixtures, 'keras', 'mobilenet_v2.py'), 'utf8');
		const r = analyzePython(`${src}
base = MobileNetV2(include_top=False)
base.trainable = False
inputs = layers.Input(shape=(224, 224, 3))
features = base(inputs)
outputs = layers.Dense(5)(features)
classifier = models.Model(inputs, outputs)
`);
		const m = r.models.find((x) => x.name === 'classifier');
		assert.ok(m);
		// include_top=False keeps the pooling: 2,257,984 weights (34,112 of them moving statistics).
		assert.deepStrictEqual(m.layers[1].params, {
			total: 2_257_984,
			trainable: 0,
			nonTrainable: 2_257_984,
			buffers: 0,
		});
		assert.deepStrictEqual(m.totals, {
			total: 2_257_984 + 1280 * 5 + 5,
			trainable: 1280 * 5 + 5,
			nonTrainable: 2_257_984,
			buffers: 0,
		});
	});
});

describe('subclassed Keras models', () => {
	it('keras.Model subclass with a custom Layer in a list, built with model.build((None, 16))', () => {
		const r = analyzePython(
			fs.readFileSync(path.join(fixtures, 'keras', 'subclassed.py'), 'utf8'),
		);
		assert.strictEqual(r.models.length, 1);
		const m = r.models[0];
		assert.strictEqual(m.kind, 'subclass');
		// stem Dense(16→32) 544 · 2 × [Dense(32→32, no bias) 1,024 + BatchNormalization(32) 128] · head Dense(32→10) 330
		assert.deepStrictEqual(
			m.layers.map((l) => [l.name, l.type, l.outputShape, l.params?.total]),
			[
				['dense', 'Dense', [null, 32], 544],
				['residual_block', 'ResidualBlock', [null, 32], 1152],
				['residual_block_1', 'ResidualBlock', [null, 32], 1152],
				['dense_3', 'Dense', [null, 10], 330],
			],
		);
		assert.deepStrictEqual(m.totals, {
			total: 3178,
			trainable: 3050,
			nonTrainable: 128,
			buffers: 0,
		});
	});

	it('an unbuilt subclassed model has unknown counts, not guessed ones', () => {
		const src = fs
			.readFileSync(path.join(fixtures, 'keras', 'subclassed.py'), 'utf8')
			.replace('model.build((None, 16))', '');
		const m = analyzePython(src).models[0];
		assert.strictEqual(m.totals.total, null);
	});
});
