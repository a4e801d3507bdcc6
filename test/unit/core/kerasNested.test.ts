import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython, formatShape, nestedText, toContract } from '../../../src/core';
import type { KerasNestedRow, ModelSummary } from '../../../src/protocol/analysis';
import { fixtures } from '../paths';

/**
 * A Keras model's rows with its nested models expanded (ModelSummary.nestedRows), as
 * `model.summary(expand_nested=True)` lists them, checked against summaries Keras printed
 * (test/fixtures/keras_nested, sources in its README; test/fixtures/keras_applications) and
 * against published architecture figures.
 */
const dir = path.join(fixtures, 'keras_nested');

/** The rows of a Keras 2 summary as printed: name, type, shape, count. */
function printedRows(
	file: string,
): { name: string; type: string; shape: string; params: number }[] {
	return fs
		.readFileSync(path.join(dir, file), 'utf8')
		.split('\n')
		.map((l) => /^(\S+) \((\w+)\)\s+(\(.*?\))\s+(\d+)\s*$/.exec(l))
		.filter((m): m is RegExpExecArray => m !== null)
		.map((m) => ({ name: m[1], type: m[2], shape: m[3], params: Number(m[4]) }));
}

function model(code: string, name?: string): ModelSummary {
	const r = analyzePython(code);
	// The last model of that name (a notebook rebinds `model`).
	const m = r.models.filter((x) => name === undefined || x.name === name).pop();
	assert.ok(m, `a model ${name ?? ''} in ${r.models.map((x) => x.name).join(', ')}`);
	return m;
}

/** The rows right under `parent` (one depth below it, up to the next row at its depth or above). */
function children(rows: KerasNestedRow[], parent: number): KerasNestedRow[] {
	const depth = rows[parent].depth;
	const out: KerasNestedRow[] = [];
	for (let i = parent + 1; i < rows.length && rows[i].depth > depth; i++) {
		if (rows[i].depth === depth + 1) {
			out.push(rows[i]);
		}
	}
	return out;
}

describe('Keras nested models expanded (model.summary(expand_nested=True))', () => {
	it("VGG16 in a Sequential (fchollet's 5.3 notebook): its rows are those conv_base.summary() printed, one depth down", () => {
		const m = model(
			fs.readFileSync(path.join(dir, 'fchollet_5_3_nested_vgg16.py'), 'utf8'),
			'model',
		);
		const rows = m.nestedRows ?? [];
		const outer = printedRows('fchollet_5_3_model.out');
		const base = printedRows('fchollet_5_3_conv_base.out');
		assert.strictEqual(rows[0].depth, 0);
		assert.strictEqual(rows[0].params, 16_812_353);
		const top = children(rows, 0);
		// Keras 2.0.8 printed the class of a functional model as `Model`; Keras 3 prints `Functional`.
		// The names of the head's layers follow the dialect (Keras 3 here), so shapes and counts are compared.
		assert.deepStrictEqual(
			top.map((r) => [formatShape(r.outputShape), r.params]),
			outer.map((r) => [r.shape, r.params]),
		);
		assert.deepStrictEqual(
			top.map((r) => r.type),
			outer.map((r) => (r.type === 'Model' ? 'Functional' : r.type)),
		);
		const vgg = rows.findIndex((r) => r.name === 'vgg16');
		assert.strictEqual(rows[vgg].depth, 1);
		const inner = children(rows, vgg);
		assert.deepStrictEqual(
			inner.map((r) => [r.type, formatShape(r.outputShape), r.params]),
			base.map((r) => [r.type, r.shape, r.params]),
		);
		// The block names are the application's own; the input's follows the dialect (`input_1` in Keras 2).
		assert.deepStrictEqual(
			inner.slice(1).map((r) => r.name),
			base.slice(1).map((r) => r.name),
		);
		assert.ok(inner.every((r) => r.depth === 2));
	});

	it('ConvNeXtTiny and an augmentation Sequential in a functional model (Keras 3 printed summary): rows, depths, frozen base', () => {
		const printed: { code: string; source: string; total: number; trainable: number }[] =
			JSON.parse(
				fs.readFileSync(path.join(fixtures, 'keras_applications', 'printed.json'), 'utf8'),
			);
		const p = printed.find((x) => x.source.startsWith('DharmanSidhu/'));
		assert.ok(p);
		const rows = model(p.code, 'model').nestedRows ?? [];
		assert.deepStrictEqual(
			[rows[0].depth, rows[0].params, rows[0].trainableParams],
			[0, p.total, p.trainable],
		);
		// The printed rows at depth 1 (the note in printed.json quotes the base's row).
		const base = rows.find((r) => r.name === 'convnext_tiny');
		assert.ok(base);
		assert.deepStrictEqual(
			[base.depth, base.type, formatShape(base.outputShape), base.params],
			[1, 'Functional', '(None, 7, 7, 768)', 27_820_128],
		);
		assert.deepStrictEqual([base.trainable, base.trainableParams], [false, 0]);
		const aug = rows.findIndex((r) => r.name === 'data_augmentation');
		assert.deepStrictEqual(
			children(rows, aug).map((r) => [r.type, r.depth, r.params]),
			[
				['RandomFlip', 2, 0],
				['RandomRotation', 2, 0],
				['RandomZoom', 2, 0],
			],
		);
		// Nesting in nesting: ConvNeXt's stem is a Sequential inside the application (Keras's convnext.py):
		// Conv2D(96, 4, strides=4) on 3 channels, 4·4·3·96 + 96 = 4,704, and LayerNormalization, 2·96 = 192.
		const stem = rows.findIndex((r) => r.name === 'convnext_tiny_stem');
		assert.deepStrictEqual([rows[stem].depth, rows[stem].params], [2, 4_896]);
		assert.deepStrictEqual(
			children(rows, stem).map((r) => [r.depth, r.type, r.params]),
			[
				[3, 'Conv2D', 4_704],
				[3, 'LayerNormalization', 192],
			],
		);
		// Every parameter is in one row of each depth-1 subtree: the depth-1 rows add up to the total.
		const sum = children(rows, 0).reduce((a, r) => a + (r.params ?? NaN), 0);
		assert.strictEqual(sum, p.total);
	});

	it('MobileNetV2(include_top=False, weights=None, input_shape=(96, 96, 3)) as a layer: 2,257,984 (published), its layers add up to it', () => {
		const m = model(`import keras
from keras import layers
base = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(96, 96, 3))
inputs = keras.Input(shape=(96, 96, 3))
x = base(inputs)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs, outputs)
`);
		const rows = m.nestedRows ?? [];
		const at = rows.findIndex((r) => r.depth === 1 && r.type === 'Functional');
		assert.deepStrictEqual(
			[rows[at].name, formatShape(rows[at].outputShape), rows[at].params],
			['mobilenetv2_1.00_96', '(None, 3, 3, 1280)', 2_257_984],
		);
		const inner = children(rows, at);
		assert.strictEqual(
			inner.reduce((a, r) => a + (r.params ?? NaN), 0),
			2_257_984,
		);
		assert.strictEqual(inner[0].type, 'InputLayer');
		assert.strictEqual(rows[0].params, 2_257_984 + 1_280 * 10 + 10);
	});

	it('a model used twice is listed once, its weights counted once (as Keras lists a layer once per model)', () => {
		const m = model(`import keras
from keras import layers
block = keras.Sequential([layers.Dense(8), layers.BatchNormalization()], name="block")
inner_in = keras.Input(shape=(8,))
inner = keras.Model(inner_in, block(layers.Dense(8)(inner_in)), name="inner")
inputs = keras.Input(shape=(16,))
x = layers.Dense(8)(inputs)
x = inner(x)
x = inner(x)
outputs = layers.Dense(2)(x)
model = keras.Model(inputs, outputs)
`);
		// Dense(8) on 16: 136; inner: Dense(8) on 8 = 72, block = Dense 72 + BatchNormalization 4·8 = 32; Dense(2) on 8: 18.
		assert.deepStrictEqual(
			(m.nestedRows ?? []).map((r) => [r.depth, r.name, r.params]),
			[
				[0, 'functional', 136 + 176 + 18],
				[1, 'input_layer_1', 0],
				[1, 'dense_2', 136],
				[1, 'inner', 176],
				[2, 'input_layer', 0],
				[2, 'dense_1', 72],
				[2, 'block', 104],
				[3, 'dense', 72],
				[3, 'batch_normalization', 32],
				[1, 'dense_3', 18],
			],
		);
		assert.strictEqual(m.totals.total, 330);
		// The moving mean and variance are not trainable, as in Keras.
		assert.deepStrictEqual(
			(m.nestedRows ?? []).filter((r) => r.name === 'block').map((r) => r.trainableParams),
			[88],
		);
	});

	it('a nested model whose layers NormLens cannot list is `?` with the cause, and so are the rows above it', () => {
		const m = model(`import keras
from keras import layers
parts = make_layers()
head = keras.Sequential(parts, name="head")
inputs = keras.Input(shape=(16,))
x = layers.Dense(8)(inputs)
outputs = head(x)
model = keras.Model(inputs, outputs)
`);
		const rows = m.nestedRows ?? [];
		const head = rows.find((r) => r.name === 'head');
		assert.ok(head);
		assert.strictEqual(head.params, null);
		assert.ok(head.unknown, 'a cause');
		assert.strictEqual(rows[0].params, null);
		assert.ok(rows[0].unknown);
		assert.strictEqual(rows[0].unknown.reason, m.unknown?.reason);
		// The other rows keep their counts.
		assert.strictEqual(rows.find((r) => r.name === 'dense')?.params, 136);
		const text = nestedText(m) ?? '';
		assert.match(text, /^head \(Sequential\) +\? +\?$/m);
		assert.match(text, / \? functional: `make_layers` is not defined/);
	});

	it('a layer of unknown weights inside a nested model: its row, the nested row and the model are `?`', () => {
		const m = model(`import keras
from keras import layers
block = keras.Sequential([layers.Dense(8), mystery.Layer()], name="block")
inputs = keras.Input(shape=(16,))
outputs = block(inputs)
model = keras.Model(inputs, outputs)
`);
		const rows = m.nestedRows ?? [];
		assert.deepStrictEqual(
			rows.map((r) => [r.depth, r.params === null ? '?' : r.params, r.unknown !== undefined]),
			[
				[0, '?', true],
				[1, 0, false],
				[1, '?', true],
				[2, 136, false],
				[2, '?', true],
			],
		);
	});

	it('no rows for a model without nested models; the JSON contract and --calls text carry them', () => {
		const flat = model(`import keras
from keras import layers
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2)])
`);
		assert.strictEqual(flat.nestedRows, undefined);
		const code = `import keras
from keras import layers
block = keras.Sequential([layers.Dense(8), layers.Dense(4)], name="block")
model = keras.Sequential([keras.Input(shape=(16,)), block, layers.Dense(2)])
`;
		const r = analyzePython(code);
		const m = r.models.find((x) => x.name === 'model');
		assert.ok(m);
		assert.deepStrictEqual(
			(m.nestedRows ?? []).map((x) => [
				x.depth,
				x.name,
				formatShape(x.outputShape),
				x.params,
			]),
			[
				[0, 'sequential', '(None, 2)', 136 + 36 + 10],
				[1, 'block', '(None, 4)', 136 + 36],
				[2, 'dense', '(None, 8)', 136],
				[2, 'dense_1', '(None, 4)', 36],
				[1, 'dense_2', '(None, 2)', 10],
			],
		);
		const contract = toContract('x.py', r).models.find((x) => x.name === 'model');
		assert.deepStrictEqual(
			contract?.nestedRows?.map((x) => [x.depth, x.name, x.line, x.params]),
			[
				[0, 'sequential', 4, 182],
				[1, 'block', 3, 172],
				[2, 'dense', 3, 136],
				[2, 'dense_1', 3, 36],
				[1, 'dense_2', 4, 10],
			],
		);
		const text = nestedText(m) ?? '';
		assert.match(text, /^block \(Sequential\) +\(None, 4\) +172$/m);
		assert.match(text, /^ {3}└ dense \(Dense\) +\(None, 8\) +136$/m);
		assert.match(text, /^dense_2 \(Dense\) +\(None, 2\) +10$/m);
	});
});
