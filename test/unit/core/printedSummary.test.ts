import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
	analyzePython,
	buildProgram,
	locateLine,
	notebookModuleReader,
	parseNotebook,
} from '../../../src/core';
import { parsePrintedSummaries } from '../../../src/core/notebook/printedSummary';
import { fixtures } from '../paths';

/**
 * A notebook's stored outputs hold the summaries its frameworks printed. NormLens reads them and says,
 * at each summary call, that its count matches the printed one, or that it cannot count the model
 * (with why) — or, a warning, that they differ. Over every real notebook in the fixtures: no
 * difference at all, and the matches listed below.
 */
describe('printed summaries in notebook outputs', () => {
	it('reads the totals of Keras 2 and 3, torchsummary, torchinfo and Keras 1 layouts, in order', () => {
		const text = [
			'Model: "sequential"\n_________________________________________________________________\nLayer (type)                 Output Shape              Param #   \n=================================================================\ndense (Dense)                (None, 10)                110       \n=================================================================\nTotal params: 110\nTrainable params: 110\nNon-trainable params: 0\n',
			' Total params: 2,005 (7.83 KB)\n Trainable params: 1,905 (7.44 KB)\n Non-trainable params: 100 (400.00 B)\n',
			'        Linear-1                   [-1, 4]              44\n================================================================\nTotal params: 44\nTrainable params: 44\nNon-trainable params: 0\n----------------------------------------------------------------\nParams size (MB): 0.00\n',
			'Layer (type:depth-idx)                   Output Shape              Param #\n==========================================================================================\nTotal params: 7,087,872\nTrainable params: 7,087,872\nNon-trainable params: 0\nTotal mult-adds (M): 7.09\n',
			'Total params: 812770\n',
		].join('\n');
		assert.deepStrictEqual(parsePrintedSummaries(text), [
			{
				tool: 'keras',
				total: 110,
				trainable: 110,
				nonTrainable: 0,
				rows: [{ name: 'dense', type: 'Dense', params: 110 }],
			},
			{ tool: 'unknown', total: 2005, trainable: 1905, nonTrainable: 100, rows: null },
			{ tool: 'torchsummary', total: 44, trainable: 44, nonTrainable: 0, rows: null },
			{ tool: 'torchinfo', total: 7087872, trainable: 7087872, nonTrainable: 0, rows: null },
			{ tool: 'unknown', total: 812770, trainable: null, nonTrainable: null, rows: null },
		]);
	});

	it('Keras 3 after fit: "Optimizer params" are part of its printed total, not of the model (no false difference)', () => {
		// The tail Keras 3 printed for a compiled and fitted model (a real notebook: EfficientNetV2B3 under a new head).
		const tail =
			' Total params: 35,537,650 (135.57 MB)\n Trainable params: 11,292,756 (43.08 MB)\n Non-trainable params: 1,659,380 (6.33 MB)\n Optimizer params: 22,585,514 (86.16 MB)\n';
		assert.deepStrictEqual(parsePrintedSummaries(tail), [
			{
				tool: 'unknown',
				total: 12_952_136,
				trainable: 11_292_756,
				nonTrainable: 1_659_380,
				optimizer: 22_585_514,
				rows: null,
			},
		]);
		const program = buildProgram([
			{
				index: 0,
				source: 'from tensorflow import keras\nmodel = keras.Sequential([keras.Input((10,)), keras.layers.Dense(20)])\nmodel.summary()',
				outputs:
					' Total params: 880 (3.44 KB)\n Trainable params: 220 (880.00 B)\n Non-trainable params: 0 (0.00 B)\n Optimizer params: 660 (2.58 KB)\n',
			},
		]);
		const d = analyzePython(program.text, { printed: program.outputs }).diagnostics.filter(
			(x) => x.code === 'printed-summary',
		);
		assert.deepStrictEqual(
			d.map((x) => [x.severity, x.message]),
			[
				[
					'info',
					'Matches the summary this cell printed for `model`: Total params 220 (trainable 220, non-trainable 0), not counting the 660 optimizer params its total includes.',
				],
			],
		);
	});

	it('a summary that differs from what the code builds now is a warning naming both', () => {
		const program = buildProgram([
			{
				index: 0,
				source: 'from tensorflow import keras\nmodel = keras.Sequential([keras.Input((10,)), keras.layers.Dense(20)])\nmodel.summary()',
				outputs: 'Total params: 110\nTrainable params: 110\nNon-trainable params: 0\n',
			},
		]);
		const d = analyzePython(program.text, { printed: program.outputs }).diagnostics.filter(
			(x) => x.code === 'printed-summary',
		);
		assert.strictEqual(d.length, 1);
		assert.strictEqual(d[0].severity, 'warning');
		assert.match(d[0].message, /printed Total params 110 .* NormLens counts Total params 220/);
		assert.strictEqual(d[0].range.start.line, 2);
	});

	it('Keras rows, Keras 2 and Keras 3 (box-drawn, functional with "Connected to"): a differing total names the first row that differs; a match says "row by row"', () => {
		const keras3 = [
			'Model: "functional"',
			'┏━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┓',
			'┃ Layer (type)              ┃ Output Shape           ┃        Param # ┃ Connected to           ┃',
			'┡━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━┩',
			'│ input_layer (InputLayer)  │ (None, 8)              │              0 │ -                      │',
			'├───────────────────────────┼────────────────────────┼────────────────┼────────────────────────┤',
			'│ dense (Dense)             │ (None, 16)             │            144 │ input_layer[0][0]      │',
			'├───────────────────────────┼────────────────────────┼────────────────┼────────────────────────┤',
			'│ dense_1 (Dense)           │ (None, 4)              │             68 │ dense[0][0]            │',
			'└───────────────────────────┴────────────────────────┴────────────────┴────────────────────────┘',
			' Total params: 212 (848.00 B)',
			' Trainable params: 212 (848.00 B)',
			' Non-trainable params: 0 (0.00 B)',
		].join('\n');
		assert.deepStrictEqual(parsePrintedSummaries(keras3)[0].rows, [
			{ name: 'input_layer', type: 'InputLayer', params: 0 },
			{ name: 'dense', type: 'Dense', params: 144 },
			{ name: 'dense_1', type: 'Dense', params: 68 },
		]);
		const source =
			'from tensorflow import keras\ninp = keras.Input((8,))\nx = keras.layers.Dense(16)(inp)\nout = keras.layers.Dense(WIDTH)(x)\nmodel = keras.Model(inp, out)\nmodel.summary()';
		const check = (width: number) => {
			const program = buildProgram([
				{ index: 0, source: source.replace('WIDTH', String(width)), outputs: keras3 },
			]);
			return analyzePython(program.text, { printed: program.outputs }).diagnostics.filter(
				(x) => x.code === 'printed-summary',
			);
		};
		const [same] = check(4);
		assert.match(
			same.message,
			/^Matches the summary this cell printed for `model`: Total params 212 \(trainable 212, non-trainable 0\), row by row \(3 rows\)\.$/,
		);
		const [differs] = check(5);
		assert.strictEqual(differs.severity, 'warning');
		assert.match(
			differs.message,
			/The first row that differs is row 3: printed `dense_1` \(Dense\) 68 params, NormLens `dense_1` \(Dense\) 85\./,
		);
	});

	const expected: Record<string, string[]> = {
		'Convolution_model_Application_2024.ipynb': [
			'18 happy_model 37,633',
			'36 conv_model 1,310',
		],
		'11_training_deep_neural_networks.ipynb': ['57 model 271,346', '86 model_B 275,801'],
		'08-mobilenet.ipynb': ['24 mobilenet 3,994,568'],
		'gan-conv.ipynb': ['20 model.generator 344,208', '20 model.discriminator 4,025'],
		'Assignment_8_Network_with_Layer_Normalization.ipynb': ['6 model 236,448'],
		'handson_ml2_10_neural_nets_with_keras.ipynb': ['45 model 266,610'],
		'handson_ml3_10_neural_nets_with_keras.ipynb': ['52 model 266,610'],
		'pytorch_dl_08_paper_replicating_solutions.ipynb': [
			'21 transformer_encoder_layer 7,087,872',
			'28 ViT 85,800,963',
			'36 imported_vit 86,567,656',
		],
		'rasbt_gan_conv.ipynb': ['20 model.generator 344,208', '20 model.discriminator 4,025'],
		't81_558_class_06_2_cnn.ipynb': ['18 model 125,999,937'],
		'tsai_eva4_codingdrill_9947.ipynb': ['12 model 9,962'],
	};
	const notebooks = ['corpus', 'real', 'magics', 'keras1'].flatMap((dir) => {
		const walk = (d: string): string[] =>
			fs
				.readdirSync(d, { withFileTypes: true })
				.flatMap((e) =>
					e.isDirectory()
						? walk(path.join(d, e.name))
						: e.name.endsWith('.ipynb')
							? [path.join(d, e.name)]
							: [],
				);
		return walk(path.join(fixtures, dir));
	});

	it(`over ${notebooks.length} real notebooks: no printed summary differs from what NormLens counts; the matches are the expected ones`, () => {
		assert.ok(notebooks.length >= 15, `${notebooks.length} notebooks`);
		const matches: Record<string, string[]> = {};
		const rowByRow: string[] = [];
		for (const file of notebooks) {
			const cells = parseNotebook(fs.readFileSync(file, 'utf8')).filter(
				(c) => c.kind === 'code',
			);
			const program = buildProgram(cells);
			const r = analyzePython(program.text, {
				readModule: notebookModuleReader(program.files),
				printed: program.outputs,
			});
			const found = r.diagnostics.filter((d) => d.code === 'printed-summary');
			assert.deepStrictEqual(
				found.filter((d) => d.severity === 'warning').map((d) => d.message),
				[],
				path.basename(file),
			);
			const ok = found.filter((d) => d.message.startsWith('Matches'));
			for (const d of ok) {
				const rows = /row by row \((\d+) rows\)/.exec(d.message);
				if (rows) {
					rowByRow.push(
						`${path.basename(file)} ${/for `([^`]+)`/.exec(d.message)?.[1]} ${rows[1]}`,
					);
				}
			}
			if (ok.length > 0) {
				matches[path.basename(file)] = ok.map(
					(d) =>
						`${locateLine(program, d.range.start.line)?.cell} ${/for `([^`]+)`/.exec(d.message)?.[1]} ${/Total params ([\d,]+)/.exec(d.message)?.[1]}`,
				);
			}
		}
		assert.deepStrictEqual(matches, expected);
		// Keras summaries whose rows could be read: every row's count agrees too.
		assert.deepStrictEqual(rowByRow.sort(), [
			'11_training_deep_neural_networks.ipynb model 7',
			'11_training_deep_neural_networks.ipynb model_B 7',
			'Convolution_model_Application_2024.ipynb conv_model 9',
			'Convolution_model_Application_2024.ipynb happy_model 7',
			'handson_ml2_10_neural_nets_with_keras.ipynb model 4',
			'handson_ml3_10_neural_nets_with_keras.ipynb model 4',
			't81_558_class_06_2_cnn.ipynb model 7',
		]);
	});
});
