import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython } from '../../../src/core';
import { fixtures } from '../paths';
import { analyzeOnKeras3 } from './notebookRun';

/**
 * keras.applications as NormLens reads them (src/core/zoo): every summary that public notebooks
 * printed for an application model or a transfer-learning model on one (test/fixtures/keras_applications,
 * sources in its README) is what NormLens counts — total, trainable and non-trainable — and an
 * application NormLens has no architecture for is unknown, never another number.
 */
interface Printed {
	application: string;
	code: string;
	total: number;
	trainable: number;
	nonTrainable: number;
	/** Keras 3 after fit: the printed total includes the optimizer's variables; the model's own total is less these. */
	optimizerParams?: number;
	source: string;
	/** The Keras the notebook ran, as its outputs show. */
	kerasVersion: string;
}

const printed: Printed[] = JSON.parse(
	fs.readFileSync(path.join(fixtures, 'keras_applications', 'printed.json'), 'utf8'),
);
/** Applications NormLens does not define: their models are from another library. */
const notBundled = new Set(['NASNetMobile']);

describe('keras.applications against the summaries notebooks printed', () => {
	printed.forEach((p, i) => {
		const shown = [...p.code.matchAll(/(\w+)\.summary\(\)/g)].pop()?.[1];
		it(`#${i + 1} ${p.application}${shown ? ` (${shown}.summary())` : ''}: ${notBundled.has(p.application) ? 'unknown' : `${p.total.toLocaleString('en-US')} / ${p.trainable.toLocaleString('en-US')} / ${p.nonTrainable.toLocaleString('en-US')}`}`, () => {
			// Which Keras printed it, as the notebook shows (a Keras 3 table decides layer positions).
			const r = /Keras 3 layout/.test(p.kerasVersion)
				? analyzeOnKeras3(p.code)
				: analyzePython(p.code);
			const model = shown
				? r.models.filter((m) => m.name === shown).pop()
				: r.models[r.models.length - 1];
			if (notBundled.has(p.application)) {
				assert.ok(
					!model || model.totals.total === null,
					`${p.application}: unknown, not ${model?.totals.total}`,
				);
				return;
			}
			assert.ok(
				model,
				`a model ${shown ?? ''} (found ${r.models.map((m) => m.name).join(', ')})`,
			);
			assert.deepStrictEqual(
				{
					total: model.totals.total,
					trainable: model.totals.trainable,
					nonTrainable: model.totals.nonTrainable,
				},
				{
					total: p.total - (p.optimizerParams ?? 0),
					trainable: p.trainable,
					nonTrainable: p.nonTrainable,
				},
				p.source,
			);
			assert.deepStrictEqual(
				r.diagnostics.filter((d) => d.code === 'redundant-bias'),
				[],
				'no finding about keras.applications code',
			);
		});
	});
});

/**
 * Variants by Keras's own formulas: the default total F (as printed, above), the classifier it drops
 * with include_top=False (a Dense of `features` inputs to 1,000 classes; VGG's fc1, fc2 and
 * predictions), another `classes=`, and a frozen base with pooling="avg" under a new Dense(1) head.
 */
const families: {
	app: string;
	total: number;
	nonTrainable: number;
	features: number;
	head?: number;
}[] = [
	{
		app: 'VGG16',
		total: 138_357_544,
		nonTrainable: 0,
		features: 4096,
		head: 25088 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 1000 + 1000,
	},
	{
		app: 'VGG19',
		total: 143_667_240,
		nonTrainable: 0,
		features: 4096,
		head: 25088 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 1000 + 1000,
	},
	{ app: 'ResNet50', total: 25_636_712, nonTrainable: 53_120, features: 2048 },
	{ app: 'ResNet101', total: 44_707_176, nonTrainable: 105_344, features: 2048 },
	{ app: 'MobileNetV2', total: 3_538_984, nonTrainable: 34_112, features: 1280 },
	{ app: 'InceptionV3', total: 23_851_784, nonTrainable: 34_432, features: 2048 },
	{ app: 'Xception', total: 22_910_480, nonTrainable: 54_528, features: 2048 },
	// keras.io/api/applications: 55,873,736 parameters; the hunt's notebook printed 54,644,136 /
	// 60,544 non-trainable for include_top=False, pooling="avg" and a Dense(200) head.
	{ app: 'InceptionResNetV2', total: 55_873_736, nonTrainable: 60_544, features: 1536 },
	{ app: 'DenseNet121', total: 8_062_504, nonTrainable: 83_648, features: 1024 },
	{ app: 'EfficientNetB0', total: 5_330_571, nonTrainable: 42_023, features: 1280 },
	// 5,919,312 printed for include_top=False, pooling="avg" (fixture #36) plus the 1280 → 1000 classifier.
	{ app: 'EfficientNetV2B0', total: 7_200_312, nonTrainable: 60_608, features: 1280 },
	// 27,820,128 printed for a frozen include_top=False base (fixtures #33, #34) plus the 768 → 1000 classifier.
	{ app: 'ConvNeXtTiny', total: 28_589_128, nonTrainable: 0, features: 768 },
];

describe('keras.applications variants by Keras’s formulas', () => {
	for (const f of families) {
		it(`${f.app}: include_top=False, classes=10, and a frozen base under a new head`, () => {
			const head = f.head ?? f.features * 1000 + 1000;
			const base = f.total - head;
			const count = (code: string, name = 'model') =>
				analyzePython(`import tensorflow as tf\n${code}`)
					.models.filter((m) => m.name === name)
					.pop()?.totals;
			assert.deepStrictEqual(
				count(
					`model = tf.keras.applications.${f.app}(include_top=False, weights="imagenet")`,
				),
				{
					total: base,
					trainable: base - f.nonTrainable,
					nonTrainable: f.nonTrainable,
					buffers: 0,
				},
			);
			const tenHead =
				f.head === undefined
					? f.features * 10 + 10
					: head - (4096 * 1000 + 1000) + 4096 * 10 + 10;
			assert.strictEqual(
				count(`model = tf.keras.applications.${f.app}(weights=None, classes=10)`)?.total,
				base + tenHead,
			);
			assert.deepStrictEqual(
				count(
					`base = tf.keras.applications.${f.app}(include_top=False, pooling="avg", input_shape=(224, 224, 3))\nbase.trainable = False\nmodel = tf.keras.Sequential([base, tf.keras.layers.Dense(1, activation="sigmoid")])`,
				),
				{
					total: base + f.features * 0 + (f.head === undefined ? f.features : 512) + 1,
					trainable: (f.head === undefined ? f.features : 512) + 1,
					nonTrainable: base,
					buffers: 0,
				},
			);
		});
	}
});

describe('keras.applications arguments Keras refuses, and torchvision likewise', () => {
	it('weights="imagenet" with include_top and classes=10 raises in Keras (no model, and the error where it is built); weights=None does not', () => {
		const r = analyzePython(
			'import tensorflow as tf\nm = tf.keras.applications.VGG16(classes=10)\nok = tf.keras.applications.VGG16(weights=None, classes=10)\n',
		);
		assert.ok(!r.models.some((x) => x.name === 'm' && x.totals.total !== null));
		const raised = r.diagnostics.filter((d) => d.code === 'python-raises');
		assert.strictEqual(raised.length, 1);
		assert.strictEqual(raised[0].range.start.line, 1);
		assert.match(raised[0].message, /ValueError.*weights='imagenet'.*raises an exception here/);
		assert.strictEqual(
			r.models.find((x) => x.name === 'ok')?.totals.total,
			138_357_544 - (4096 * 1000 + 1000) + (4096 * 10 + 10),
		);
	});

	it('torchvision with pretrained weights and num_classes=10 raises (no model, and the error where it is built); without weights it builds 10 classes', () => {
		const r = analyzePython(
			'import torchvision\nm = torchvision.models.resnet18(pretrained=True, num_classes=10)\nok = torchvision.models.resnet18(num_classes=10)\n',
		);
		assert.ok(!r.models.some((x) => x.name === 'm' && x.totals.total !== null));
		assert.deepStrictEqual(
			r.diagnostics.filter((d) => d.code === 'python-raises').map((d) => d.range.start.line),
			[1],
		);
		assert.strictEqual(
			r.models.find((x) => x.name === 'ok')?.totals.total,
			11_689_512 - (512 * 1000 + 1000) + (512 * 10 + 10),
		);
	});
});

/**
 * MobileNetV3's head is two 1×1 convolutions after the pooling (Conv_2 to 1,280 / 1,024 channels with
 * a bias, then Logits to the classes), which include_top=False drops with the pooling: the variants
 * from the printed defaults (fixtures #31, #32) by those layers' formulas.
 */
describe('keras.applications MobileNetV3 variants by Keras’s formulas', () => {
	for (const v of [
		{ app: 'MobileNetV3Large', total: 5_507_432, lastConv: 960, lastPoint: 1280 },
		{ app: 'MobileNetV3Small', total: 2_554_968, lastConv: 576, lastPoint: 1024 },
	]) {
		it(`${v.app}: include_top=False, classes=10, and a frozen base under a new head`, () => {
			const conv2 = v.lastConv * v.lastPoint + v.lastPoint;
			const logits = (classes: number) => v.lastPoint * classes + classes;
			const base = v.total - conv2 - logits(1000);
			const count = (code: string, name = 'model') =>
				analyzePython(`import tensorflow as tf\n${code}`)
					.models.filter((m) => m.name === name)
					.pop()?.totals;
			assert.strictEqual(
				count(
					`model = tf.keras.applications.${v.app}(include_top=False, input_shape=(224, 224, 3))`,
				)?.total,
				base,
			);
			assert.strictEqual(
				count(`model = tf.keras.applications.${v.app}(weights=None, classes=10)`)?.total,
				base + conv2 + logits(10),
			);
			const frozen = count(
				`base = tf.keras.applications.${v.app}(include_top=False, pooling="avg", input_shape=(224, 224, 3))\nbase.trainable = False\nmodel = tf.keras.Sequential([base, tf.keras.layers.Dense(1, activation="sigmoid")])`,
			);
			assert.deepStrictEqual(frozen, {
				total: base + v.lastConv + 1,
				trainable: v.lastConv + 1,
				nonTrainable: base,
				buffers: 0,
			});
		});
	}
});
