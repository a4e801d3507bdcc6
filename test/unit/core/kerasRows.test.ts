import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
	analyzePython,
	buildProgram,
	notebookModuleReader,
	parseNotebook,
} from '../../../src/core';
import { parsePrintedSummaries } from '../../../src/core/notebook/printedSummary';
import { kerasDialect } from '../../../src/core/frameworks/keras/dialect';
import { GraphTensor, kerasLayerOrder } from '../../../src/core/frameworks/keras/graphOrder';
import type { AnalysisResult, ModelSummary } from '../../../src/protocol/analysis';
import { fixtures } from '../paths';

/**
 * Keras rows as Keras prints them: the order of a functional model's layers (by depth from the
 * outputs), tf.keras 2's TFOpLambda / AddLoss rows, and the automatic names of Keras 2 and Keras 3.
 * Expected values are summaries printed by real Keras, stored in public notebooks and files
 * (test/fixtures/keras_rows, attribution in its README).
 */

const dir = path.join(fixtures, 'keras_rows');

function notebook(file: string): AnalysisResult {
	const cells = parseNotebook(fs.readFileSync(path.join(dir, file), 'utf8')).filter(
		(c) => c.kind === 'code',
	);
	const program = buildProgram(cells);
	return analyzePython(program.text, {
		readModule: notebookModuleReader(program.files),
		printed: program.outputs,
		cells: program.segments,
	});
}

/** Row names of a printed Keras summary, as far as each row's name is on its own line. */
function printedNames(text: string): string[] {
	return [...text.matchAll(/^[ │]*([A-Za-z_][\w.-]*) \(/gm)]
		.map((m) => m[1])
		.filter((n) => n !== 'Layer');
}

function model(result: AnalysisResult, name: string): ModelSummary {
	const m = result.models.find((x) => x.name === name);
	assert.ok(m, `a model ${name} (got ${result.models.map((x) => x.name).join(', ')})`);
	return m;
}

describe('Keras rows as Keras prints them', () => {
	it("orders a functional model's layers by depth from the outputs, ties by first meeting from the outputs", () => {
		// x → a; x → b1 → b2 → b3; add(a, b3). Called a first, printed after the longer branch's b2.
		const t = (
			producer: string | null,
			...inputs: GraphTensor<string>[]
		): GraphTensor<string> => ({ producer, inputs });
		const x = t('input');
		const a = t('a', x);
		const b3 = t('b3', t('b2', t('b1', x)));
		assert.deepStrictEqual(kerasLayerOrder([x], [t('add', a, b3)]), [
			'input',
			'b1',
			'b2',
			'a',
			'b3',
			'add',
		]);
		// A tensor made by no layer (a Keras 3 op) still counts for the depths; an input no output
		// depends on is at depth 0, listed just before the output layers (Keras gives it index -1).
		const unused = t('unused_input');
		const y = t('y', t(null, t('p', x)));
		assert.deepStrictEqual(kerasLayerOrder([unused, x], [t('out', y, x)]), [
			'input',
			'p',
			'y',
			'unused_input',
			'out',
		]);
	});

	it("a hand-written ResNet50 (Coursera, TF 2.3): all 177 rows in Keras's order, the shortcut's Conv2D after the main path's", () => {
		const result = notebook('tf23_handwritten_resnet50_shortcut_order.ipynb');
		const check = result.diagnostics.find((d) => d.code === 'printed-summary');
		assert.match(
			check?.message ?? '',
			/^Matches the summary this cell printed for `model`: Total params 23,600,006 .*row by row \(177 rows\)/,
		);
		const rows = model(result, 'model').layers;
		// convolutional_block: main path Conv2D, shortcut Conv2D, then their BatchNormalizations, then Add.
		const firstAdd = rows.findIndex((l) => l.type === 'Add');
		assert.deepStrictEqual(
			rows.slice(firstAdd - 4, firstAdd + 1).map((l) => [l.type, l.params?.total]),
			[
				['Conv2D', 16_640],
				['Conv2D', 16_640],
				['BatchNormalization', 1024],
				['BatchNormalization', 1024],
				['Add', 0],
			],
		);
	});

	it('an attention U-Net (TF 2.10): every one of the 129 printed names, TFOpLambda rows included, in order', () => {
		// The class's base (a config reader in the same repository) is not part of the fixture.
		const source = fs
			.readFileSync(path.join(dir, 'tf210_attention_unet.py'), 'utf8')
			.replace('from TensorflowUNet import TensorflowUNet', 'TensorflowUNet = object');
		const build =
			'\nunet = TensorflowAttentionUNet("train_eval_infer.config").create(1, 256, 256, 3, base_filters=16, num_layers=6)\n';
		const printed = fs.readFileSync(path.join(dir, 'tf210_attention_unet.out'), 'utf8');
		const [summary] = parsePrintedSummaries(printed);
		const keras2 = model(analyzePython(`${source}\n# normlens: keras 2${build}`), 'unet');
		assert.strictEqual(keras2.totals.total, summary.total);
		assert.strictEqual(keras2.totals.nonTrainable, summary.nonTrainable);
		assert.deepStrictEqual(
			keras2.layers.map((l) => l.name),
			printedNames(printed),
		);
		assert.ok(
			keras2.layers.some((l) => l.name === 'tf.math.multiply_4' && l.type === 'TFOpLambda'),
		);
		// Nothing in the file says which Keras: Keras 3 names, and no layer for `Wg + Ws` or `out * s`.
		const keras3 = model(analyzePython(`${source}${build}`), 'unet');
		assert.strictEqual(keras3.totals.total, summary.total);
		assert.strictEqual(keras3.layers[0].name, 'input_layer');
		assert.strictEqual(keras3.layers.filter((l) => l.type === 'TFOpLambda').length, 0);
		assert.strictEqual(keras3.layers.length, keras2.layers.length - 10);
	});

	it("a VAE with add_loss (TF 2.15): the loss's TFOpLambda rows and AddLoss after the model's own, as printed", () => {
		const result = notebook('tf215_vae_add_loss_tfoplambda.ipynb');
		const vae = model(result, 'vae');
		assert.strictEqual(vae.totals.total, 474_672);
		const check = result.diagnostics.find(
			(d) => d.code === 'printed-summary' && d.message.includes('`vae`'),
		);
		assert.match(
			check?.message ?? '',
			/^Matches the summary this cell printed for `vae`: .*row by row \(21 rows\)/,
		);
		// The names of the rows after the nested decoder: the names tf.keras 2.15 printed, numbering included.
		const afterDecoder = vae.layers
			.slice(vae.layers.findIndex((l) => l.name === 'decoder') + 1)
			.map((l) => l.name);
		assert.deepStrictEqual(afterDecoder, [
			'tf.__operators__.add',
			'tf.math.square_1',
			'tf.math.subtract_1',
			'tf.math.exp',
			'tf.math.subtract',
			'tf.math.subtract_2',
			'tf.math.square',
			'tf.math.reduce_sum_1',
			'tf.math.reduce_sum',
			'tf.math.reduce_mean_1',
			'tf.math.reduce_mean',
			'tf.math.multiply',
			'tf.__operators__.add_1',
			'add_loss',
		]);
	});

	it('names from the notebook\'s own printed layout: Keras 2\'s input_1 and "model"', () => {
		const result = notebook('tf2_keras2_model_input1_mnist_localization.ipynb');
		const m = model(result, 'model');
		assert.strictEqual(m.frameworkName, 'model');
		assert.strictEqual(m.layers[0].name, 'input_1');
		assert.match(
			result.diagnostics.find((d) => d.code === 'printed-summary')?.message ?? '',
			/^Matches .*row by row \(11 rows\)/,
		);
	});

	it('Keras 3 names where a notebook printed in Keras 3 layout, though it imports tensorflow.keras', () => {
		const printed = fs.readFileSync(
			path.join(dir, 'keras3_tfkeras_imports_autoencoder.excerpt.out'),
			'utf8',
		);
		const source =
			'from tensorflow.keras.layers import Input, Dense\nfrom tensorflow.keras.models import Model\n';
		assert.strictEqual(kerasDialect(source, [printed]).naming, 'keras3');
		const result = analyzePython(
			`${source}i = Input((32,))\nm = Model(i, Dense(4)(i))\ni2 = Input((4,))\nm2 = Model(i2, Dense(4)(i2))\n`,
			{
				printed: [{ startLine: 10, lineCount: 1, text: printed }],
			},
		);
		assert.deepStrictEqual(
			result.models.map((x) => [x.frameworkName, x.layers[0].name]),
			[
				['functional', 'input_layer'],
				['functional_1', 'input_layer_1'],
			],
		);
	});

	it('the code decides where nothing was printed: Keras 3 APIs, APIs Keras 3 removed, standalone Keras up to 2.3', () => {
		const net = 'i = Input((8,))\nh = Dense(4)(i)\nm = Model(i, Dense(2)(h))\n';
		const names = (imports: string) => {
			const m = analyzePython(`${imports}\n${net}`).models[0];
			return [m.frameworkName, ...m.layers.map((l) => l.name)];
		};
		assert.deepStrictEqual(
			names(
				'from keras import ops\nfrom keras.layers import Input, Dense\nfrom keras import Model',
			),
			['functional', 'input_layer', 'dense', 'dense_1'],
		);
		assert.deepStrictEqual(
			names(
				'import tensorflow as tf\ntf.compat.v1.disable_eager_execution()\nfrom tensorflow.keras.layers import Input, Dense\nfrom tensorflow.keras import Model',
			),
			['model', 'input_1', 'dense', 'dense_1'],
		);
		assert.deepStrictEqual(
			names(
				'from keras.engine.topology import Input\nfrom keras.layers import Dense\nfrom keras.models import Model',
			),
			['model_1', 'input_1', 'dense_1', 'dense_2'],
		);
		// keras.layers.core is in standalone Keras 2.0–2.3 and in TensorFlow's keras up to 2.12:
		// Keras 2, named as tf.keras names (its counts that differ from 2.3's are unknown).
		assert.deepStrictEqual(
			names(
				'from keras.layers.core import Dense\nfrom keras.layers import Input\nfrom keras.models import Model',
			),
			['model', 'input_1', 'dense', 'dense_1'],
		);
		assert.deepStrictEqual(
			names(
				'# normlens: keras 2\nfrom keras.layers import Input, Dense\nfrom keras import Model',
			),
			['model', 'input_1', 'dense', 'dense_1'],
		);
		assert.deepStrictEqual(
			names('from keras.layers import Input, Dense\nfrom keras import Model'),
			['functional', 'input_layer', 'dense', 'dense_1'],
		);
	});
});
