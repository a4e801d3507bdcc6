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
				rows: [{ name: 'dense', type: 'Dense', params: 110, shape: '(None, 10)' }],
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
			{ name: 'input_layer', type: 'InputLayer', params: 0, shape: '(None, 8)' },
			{ name: 'dense', type: 'Dense', params: 144, shape: '(None, 16)' },
			{ name: 'dense_1', type: 'Dense', params: 68, shape: '(None, 4)' },
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

	/** A notebook of one cell: torchinfo's own fixture model and summary call, with the output torchinfo's test suite expects. */
	const torchinfoNotebook = (output: string) => {
		const dir = path.join(fixtures, 'corpus', 'torch_torchinfo_moduledict_bn2d');
		const models = fs.readFileSync(path.join(dir, 'models.py'), 'utf8');
		return buildProgram([
			{
				index: 0,
				source: `${models}\nfrom torchinfo import summary\nmodel = RecursiveWithMissingLayers()\nsummary(model, input_data=[torch.rand((2, 3, 128, 128))], row_settings=("depth", "var_names"))`,
				outputs: output,
			},
		]);
	};
	const torchinfoOut = fs.readFileSync(
		path.join(
			fixtures,
			'corpus',
			'torch_torchinfo_moduledict_bn2d',
			'recursive_with_missing_layers.out',
		),
		'utf8',
	);

	it("torchinfo's own expected output (RecursiveWithMissingLayers, var_names): its rows read with depth, and NormLens's rows agree one by one, the ModuleDict rows torchinfo inserts included", () => {
		const [printed] = parsePrintedSummaries(torchinfoOut);
		assert.strictEqual(printed.tool, 'torchinfo');
		assert.deepStrictEqual(printed.rows?.slice(0, 5), [
			{
				name: 'RecursiveWithMissingLayers',
				type: 'RecursiveWithMissingLayers',
				params: null,
				shape: '[2, 1, 128, 128]',
				depth: 0,
			},
			{ name: 'out_conv0', type: 'Conv2d', params: 608, shape: '[2, 8, 128, 128]', depth: 1 },
			{
				name: 'out_bn0',
				type: 'BatchNorm2d',
				params: 16,
				shape: '[2, 8, 128, 128]',
				depth: 1,
			},
			{ name: 'block0', type: 'ModuleDict', params: null, shape: null, depth: 1 },
			{ name: 'in_conv1', type: 'Conv2d', params: 584, shape: '[2, 8, 128, 128]', depth: 2 },
		]);
		const program = torchinfoNotebook(torchinfoOut);
		const r = analyzePython(program.text, { printed: program.outputs });
		const [check] = r.printedSummaries ?? [];
		assert.strictEqual(check.verdict, 'match');
		assert.strictEqual(check.firstDifference, null);
		assert.strictEqual(check.rows?.length, 19);
		assert.ok(check.rows?.every((x) => x.same === true));
		assert.deepStrictEqual(check.rows?.[3], {
			printed: { name: 'block0', type: 'ModuleDict', shape: null, params: '--' },
			ours: { name: 'block0', type: 'ModuleDict', shape: null, params: '--' },
			same: true,
		});
		assert.deepStrictEqual(check.rows?.[4].ours, {
			name: 'in_conv1',
			type: 'Conv2d',
			shape: '[2, 8, 128, 128]',
			params: '584',
		});
		const [d] = r.diagnostics.filter((x) => x.code === 'printed-summary');
		assert.strictEqual(d.severity, 'info');
		assert.match(
			d.message,
			/^Matches the summary this cell printed for `model`: Total params 4,235 .*row by row \(19 rows\)\.$/,
		);
	});

	it('an output edited to disagree (one BatchNorm2d row and the totals): a warning naming the first row that differs, and the rows side by side', () => {
		const edited = torchinfoOut
			.replace(
				'│    └─BatchNorm2d (in_bn3): 2-6                             [2, 8, 128, 128]          16',
				'│    └─BatchNorm2d (in_bn3): 2-6                             [2, 8, 128, 128]          32',
			)
			.replace(/4,235/g, '4,251');
		const program = torchinfoNotebook(edited);
		const r = analyzePython(program.text, { printed: program.outputs });
		const [check] = r.printedSummaries ?? [];
		assert.strictEqual(check.verdict, 'differ');
		assert.strictEqual(check.firstDifference, 9);
		assert.deepStrictEqual(check.rows?.[9], {
			printed: {
				name: 'in_bn3',
				type: 'BatchNorm2d',
				shape: '[2, 8, 128, 128]',
				params: '32',
			},
			ours: { name: 'in_bn3', type: 'BatchNorm2d', shape: '[2, 8, 128, 128]', params: '16' },
			same: false,
		});
		const [d] = r.diagnostics.filter((x) => x.code === 'printed-summary');
		assert.strictEqual(d.severity, 'warning');
		assert.match(
			d.message,
			/The first row that differs is row 10: printed `in_bn3` \(BatchNorm2d\) 32 params, NormLens `in_bn3` \(BatchNorm2d\) 16\./,
		);
	});

	it("torchinfo with Input Shape and Trainable columns: a frozen module's count in parentheses is read as its count", () => {
		const text = [
			'==================================================================================================================',
			'Layer (type (var_name))                  Input Shape          Output Shape         Param #              Trainable',
			'==================================================================================================================',
			'Net (Net)                                [1, 4]               [1, 2]               --                   Partial',
			'├─Linear (body)                          [1, 4]               [1, 3]               (15)                 False',
			'├─Linear (head)                          [1, 3]               [1, 2]               8                    True',
			'==================================================================================================================',
			'Total params: 23',
			'Trainable params: 8',
			'Non-trainable params: 15',
		].join('\n');
		assert.deepStrictEqual(
			parsePrintedSummaries(text)[0].rows?.map((x) => [
				x.name,
				x.type,
				x.params,
				x.shape,
				x.depth,
			]),
			[
				['Net', 'Net', null, '[1, 2]', 0],
				['body', 'Linear', 15, '[1, 3]', 1],
				['head', 'Linear', 8, '[1, 2]', 1],
			],
		);
	});

	it("torchsummary counts a module per call: a total above PyTorch's is torchsummary's sum of its rows, a match that says the model's own count; a differing row makes it a warning", () => {
		const source =
			'import torch\nfrom torch import nn\nfrom torchsummary import summary\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n    def forward(self, x):\n        return self.fc(self.fc(x))\nmodel = Net()\nsummary(model, (4,))';
		// torchsummary's layout (its hooks number each call; its total sums the rows).
		const printed = (second: string, total: string) =>
			`----------------------------------------------------------------\n        Layer (type)               Output Shape         Param #\n================================================================\n            Linear-1                    [-1, 4]              20\n            Linear-2                    [-1, 4]              ${second}\n================================================================\nTotal params: ${total}\nTrainable params: ${total}\nNon-trainable params: 0\n----------------------------------------------------------------\n`;
		const check = (output: string) => {
			const program = buildProgram([{ index: 0, source, outputs: output }]);
			const r = analyzePython(program.text, { printed: program.outputs });
			return {
				check: (r.printedSummaries ?? [])[0],
				diagnostic: r.diagnostics.find((x) => x.code === 'printed-summary'),
			};
		};
		const twice = check(printed('20', '40'));
		assert.strictEqual(twice.check.verdict, 'match');
		assert.strictEqual(twice.check.firstDifference, null);
		assert.deepStrictEqual(
			twice.check.rows?.map((r) => [r.printed?.name, r.ours?.name, r.ours?.params, r.same]),
			[
				['Linear-1', 'Linear-1', '20', true],
				['Linear-2', 'Linear-2', '20', true],
			],
		);
		assert.strictEqual(twice.diagnostic?.severity, 'info');
		assert.match(
			twice.diagnostic?.message ?? '',
			/^Matches the summary .*torchsummary counts the weight and bias of the modules the forward calls, once per call; the model holds 20 parameters\.$/,
		);
		const wrong = check(printed('24', '44'));
		assert.strictEqual(wrong.check.firstDifference, 1);
		assert.strictEqual(wrong.diagnostic?.severity, 'warning');
		assert.match(
			wrong.diagnostic?.message ?? '',
			/The first row that differs is row 2: printed `Linear-2` \(Linear\) 24 params, NormLens `Linear-2` \(Linear\) 20\./,
		);
	});

	it('torchsummary leaves out a module the forward never calls (TSAI EVA5 S5: 8,932 printed, the model holds 11,268): a match that says so, not a difference', () => {
		const source =
			'import torch\nfrom torch import nn\nfrom torchsummary import summary\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n        self.unused = nn.Linear(4, 8)\n    def forward(self, x):\n        return self.fc(x)\nmodel = Net()\nsummary(model, (4,))';
		// torchsummary.py: a row per hooked call (weight + bias), its total their sum.
		const output =
			'----------------------------------------------------------------\n        Layer (type)               Output Shape         Param #\n================================================================\n            Linear-1                    [-1, 4]              20\n================================================================\nTotal params: 20\nTrainable params: 20\nNon-trainable params: 0\n----------------------------------------------------------------\n';
		const program = buildProgram([{ index: 0, source, outputs: output }]);
		const r = analyzePython(program.text, { printed: program.outputs });
		const check = (r.printedSummaries ?? [])[0];
		assert.strictEqual(check.verdict, 'match');
		assert.deepStrictEqual(
			[check.ours.total, check.ours.trainable, check.ours.nonTrainable],
			[20, 20, 0],
		);
		assert.match(check.message, /the model holds 60 parameters\.$/);
		assert.strictEqual(r.models.find((m) => m.name === 'model')?.totals.total, 20 + 40);
	});

	it('a summary of a model NormLens does not hold is checked as one it cannot count, saying why; a model moved under `if cuda:` is still the model', () => {
		const table =
			'----------------------------------------------------------------\n        Layer (type)               Output Shape         Param #\n================================================================\n            Linear-1                    [-1, 4]              20\n================================================================\nTotal params: 20\nTrainable params: 20\nNon-trainable params: 0\n----------------------------------------------------------------\n';
		const verdicts = (source: string) => {
			const program = buildProgram([{ index: 0, source, outputs: table }]);
			const r = analyzePython(program.text, { printed: program.outputs });
			return (r.printedSummaries ?? []).map((c) => [c.verdict, c.message]);
		};
		const head = 'import torch\nfrom torch import nn\nfrom torchsummary import summary\n';
		// The model from a module the notebook cannot see (students' `from model import Net`).
		const [[imported, why]] = verdicts(
			`${head}from model import Net\nmodel = Net()\nsummary(model, (4,))`,
		);
		assert.strictEqual(imported, 'unknown');
		assert.match(why, /NormLens cannot count it here: .*model/);
		// A base NormLens cannot read.
		const [[based, baseWhy]] = verdicts(
			'import mylib\nfrom torch import nn\nfrom torchsummary import summary\nclass Net(mylib.Base):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n    def forward(self, x):\n        return self.fc(x)\nmodel = Net().to("cpu")\nsummary(model, (4,))',
		);
		assert.strictEqual(based, 'unknown');
		assert.match(
			baseWhy,
			/`Net` derives from `mylib\.Base`, which NormLens cannot read: `\.to` may come from it/,
		);
		// torch_snippets (Modern Computer Vision with PyTorch) re-exports torch.nn as its own `nn`.
		const [[snippets]] = verdicts(
			'from torch_snippets import *\nfrom torchsummary import summary\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n    def forward(self, x):\n        return self.fc(x)\nmodel = Net().to("cpu")\nsummary(model, (4,))',
		);
		assert.strictEqual(snippets, 'match');
		// PyTorch Computer Vision Cookbook ch. 2: `if torch.cuda.is_available(): model = model.to(device)`.
		const [[moved]] = verdicts(
			`${head}model = nn.Sequential(nn.Linear(4, 4))\ndevice = torch.device("cuda" if torch.cuda.is_available() else "cpu")\nif torch.cuda.is_available():\n    model = model.to(device)\nsummary(model, (4,))`,
		);
		assert.strictEqual(moved, 'match');
	});

	const expected: Record<string, string[]> = {
		'Convolution_model_Application_2024.ipynb': [
			'18 happy_model 37,633',
			'36 conv_model 1,310',
		],
		'11_training_deep_neural_networks.ipynb': [
			'57 model 271,346',
			'86 model_B 275,801',
			'177 mc_model 266,610',
		],
		'08-mobilenet.ipynb': ['24 mobilenet 3,994,568'],
		'gan-conv.ipynb': ['20 model.generator 344,208', '20 model.discriminator 4,025'],
		'Assignment_8_Network_with_Layer_Normalization.ipynb': ['6 model 236,448'],
		'handson_ml2_10_neural_nets_with_keras.ipynb': ['45 model 266,610'],
		'handson_ml3_10_neural_nets_with_keras.ipynb': ['52 model 266,610', '91 model 1,256'],
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
		// Summaries whose rows could be read (Keras, torchsummary, torchinfo): every row's figure agrees too.
		assert.deepStrictEqual(rowByRow.sort(), [
			// tf.keras 2.9+ layout, long names wrapped onto a second line with the type.
			'08-mobilenet.ipynb mobilenet 84',
			'11_training_deep_neural_networks.ipynb mc_model 7',
			'11_training_deep_neural_networks.ipynb model 7',
			'11_training_deep_neural_networks.ipynb model_B 7',
			'Assignment_8_Network_with_Layer_Normalization.ipynb model 40',
			'Convolution_model_Application_2024.ipynb conv_model 9',
			'Convolution_model_Application_2024.ipynb happy_model 7',
			'gan-conv.ipynb model.discriminator 8',
			'gan-conv.ipynb model.generator 15',
			'handson_ml2_10_neural_nets_with_keras.ipynb model 4',
			'handson_ml3_10_neural_nets_with_keras.ipynb model 4',
			// The wide and deep model on California housing (fetch_california_housing: 8 features).
			'handson_ml3_10_neural_nets_with_keras.ipynb model 6',
			// torchinfo: with the ModuleList row it inserts for the encoder's layers, and the ViT's own leftover (class token, positions).
			'pytorch_dl_08_paper_replicating_solutions.ipynb ViT 22',
			'pytorch_dl_08_paper_replicating_solutions.ipynb imported_vit 22',
			'rasbt_gan_conv.ipynb model.discriminator 8',
			'rasbt_gan_conv.ipynb model.generator 15',
			't81_558_class_06_2_cnn.ipynb model 7',
			'tsai_eva4_codingdrill_9947.ipynb model 28',
		]);
	});
});
