import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzePython, buildProgram, parseNotebook } from '../../../src/core';
import type { AnalysisResult, LayerSummary, ModelSummary } from '../../../src/protocol/analysis';
import { fixtures, repoRoot } from '../paths';
import { torchvisionNumParams } from '../torch/published';

/**
 * Every example of the issue "Sound counts": a count is EXACT or UNKNOWN (null, with a reason),
 * never another number. Expected values are independent of NormLens: a figure printed by the
 * source's own notebook, a documented published figure, a count computed here from the framework's
 * documented formulas (the arithmetic is written out), or real PyTorch (Debian's python3-torch 1.13,
 * run through tools/torch_reference.py).
 */

const real = path.join(fixtures, 'real');

function analyze(text: string, readModule?: Record<string, string>): AnalysisResult {
	return analyzePython(text, readModule ? { readModule: (name) => readModule[name] } : {});
}

function modelOf(result: AnalysisResult, name: string): ModelSummary {
	const m = result.models.find((x) => x.name === name);
	assert.ok(m, `NormLens reports ${name} (got ${result.models.map((x) => x.name).join(', ')})`);
	return m;
}

function totalsOf(m: ModelSummary): {
	total: number | null;
	trainable: number | null;
	nonTrainable: number | null;
	buffers: number | null;
} {
	return {
		total: m.totals.total,
		trainable: m.totals.trainable,
		nonTrainable: m.totals.nonTrainable,
		buffers: m.totals.buffers,
	};
}

/** Unknown totals, with a reason that names `construct` and points at 0-based `line`. */
function assertUnknown(m: ModelSummary, construct: string, line: number): void {
	assert.deepStrictEqual(
		totalsOf(m),
		{ total: null, trainable: null, nonTrainable: null, buffers: null },
		`${m.name}: totals must be unknown`,
	);
	assert.ok(m.unknown, `${m.name}: an unknown total carries its reason`);
	assert.ok(
		m.unknown.reason.includes(construct),
		`${m.name}: the reason names ${construct} (got: ${m.unknown.reason})`,
	);
	assert.strictEqual(
		m.unknown.range.start.line,
		line,
		`${m.name}: the reason points at line ${line + 1} (got: ${m.unknown.reason})`,
	);
}

interface TorchReference {
	total: number;
	trainable: number;
	buffers: number;
}

/**
 * Real PyTorch's totals for NAMES bound in TEXT. `prelude` is prepended to the file PyTorch runs
 * (not to what NormLens reads): used only to give torch 1.13 a `torch.compile`.
 */
function torchReference(
	text: string,
	names: string[],
	prelude = '',
): Record<string, TorchReference> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-sound-'));
	try {
		const file = path.join(dir, 'reference.py');
		fs.writeFileSync(file, prelude + text);
		const r = spawnSync(
			'/usr/bin/python3',
			[path.join(repoRoot, 'tools', 'torch_reference.py'), file, ...names],
			{ encoding: 'utf8', maxBuffer: 64 << 20 },
		);
		assert.strictEqual(
			r.status,
			0,
			`PyTorch reference failed (is Debian's python3-torch installed?):\n${r.stderr}`,
		);
		// FILE may print; the reference's JSON is the last line.
		return JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('\n') + 1));
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

function assertMatchesTorch(result: AnalysisResult, refs: Record<string, TorchReference>): void {
	for (const [name, ref] of Object.entries(refs)) {
		assert.deepStrictEqual(
			totalsOf(modelOf(result, name)),
			{
				total: ref.total,
				trainable: ref.trainable,
				nonTrainable: ref.total - ref.trainable,
				buffers: ref.buffers,
			},
			`${name}: against real PyTorch`,
		);
	}
}

function layerNamed(m: ModelSummary, name: string): LayerSummary {
	const l = m.layers.find((x) => x.name === name);
	assert.ok(
		l,
		`${m.name} has a row ${name} (rows: ${m.layers.map((x) => `${x.name}:${x.type}`).join(', ')})`,
	);
	return l;
}

// ---------------------------------------------------------------------------------------------
// 1. torchvision's own resnet.py, whose imports NormLens cannot resolve

describe('Sound counts: torchvision resnet.py as shipped (unresolvable relative imports)', () => {
	// Documented num_params (the weight tables of this very file, and pytorch.org/vision).
	const published = Object.fromEntries(
		Object.entries(torchvisionNumParams).filter(([name]) =>
			/^(resnet|resnext|wide_resnet)/.test(name),
		),
	);
	let result: AnalysisResult;
	before(function () {
		this.timeout(60_000);
		result = analyze(fs.readFileSync(path.join(real, 'torchvision', 'resnet.py'), 'utf8'));
	});

	it("the documented num_params are in the file itself (the expected values are the source's own)", () => {
		const text = fs.readFileSync(path.join(real, 'torchvision', 'resnet.py'), 'utf8');
		for (const n of Object.values(published)) {
			assert.ok(text.includes(`"num_params": ${n},`), `${n} documented in resnet.py`);
		}
	});

	it('no builder gets a number other than its published count (exact or unknown)', () => {
		for (const [name, n] of Object.entries(published)) {
			const total = modelOf(result, name).totals.total;
			assert.ok(
				total === null || total === n,
				`${name}: ${total} is neither ${n} nor unknown`,
			);
		}
	});

	// Acceptance: each builder is exact, or unknown because of `_ovewrite_named_param` (the plain
	// ResNets call it under `if weights is not None`, which NormLens cannot decide: `verify` is unreadable).
	for (const [name, n] of Object.entries(published)) {
		it(`${name}: ${n.toLocaleString('en-US')} exact, or unknown naming _ovewrite_named_param`, () => {
			const m = modelOf(result, name);
			if (m.totals.total !== null) {
				assert.strictEqual(m.totals.total, n);
				return;
			}
			assert.ok(
				m.unknown?.reason.includes('_ovewrite_named_param'),
				`${name}: reason names _ovewrite_named_param (got: ${m.unknown?.reason})`,
			);
		});
	}

	it('one message per place: the builders made unknown on one line of _resnet are told together', () => {
		const unknowns = result.diagnostics.filter((d) => d.code === 'unknown-count');
		const lines = unknowns.map((d) => d.range.start.line);
		assert.strictEqual(new Set(lines).size, lines.length, `lines ${lines.join(', ')}`);
		// Every unknown builder is named by exactly one of them.
		const unknownBuilders = Object.keys(published).filter(
			(name) => modelOf(result, name).totals.total === null,
		);
		for (const name of unknownBuilders) {
			const naming = unknowns.filter((d) => d.message.includes(`\`${name}\``));
			assert.strictEqual(naming.length, 1, `${name} in ${naming.length} messages`);
		}
		// The plain ResNets share _resnet's line, each through its own weights class.
		const shared = unknowns.find((d) => d.message.includes('`resnet152`'));
		assert.match(
			shared?.message ?? '',
			/`ResNet18_Weights\.verify`.*so the parameter totals of `resnet18` are unknown; the same holds here, each through its own values, for `resnet34`, `resnet50`, `resnet101`, `resnet152` \(5 models in all\)\./,
		);
	});
});

// ---------------------------------------------------------------------------------------------
// 2. functools.partial

describe('Sound counts: functools.partial', () => {
	it('Hands-On ML 2 ch. 11: DefaultDense = partial(keras.layers.Dense, …) → 238,510', () => {
		// The issue's example (Hands-On ML 2, ch. 11): 238,510 = Flatten 0 + Dense(300) 784·300+300 +
		// Dense(10) 300·10+10, Keras's Dense formula.
		const text = [
			'from functools import partial',
			'from tensorflow import keras',
			'',
			'DefaultDense = partial(keras.layers.Dense,',
			'                       activation="elu",',
			'                       kernel_initializer="he_normal")',
			'',
			'model = keras.models.Sequential([',
			'    keras.layers.Flatten(input_shape=[28, 28]),',
			'    DefaultDense(300),',
			'    DefaultDense(10, activation="softmax")',
			'])',
		].join('\n');
		const m = modelOf(analyze(text), 'model');
		assert.strictEqual(784 * 300 + 300 + 300 * 10 + 10, 238_510);
		assert.deepStrictEqual(totalsOf(m), {
			total: 238_510,
			trainable: 238_510,
			nonTrainable: 0,
			buffers: 0,
		});
		assert.deepStrictEqual(
			m.layers.map((l) => l.params?.total),
			[0, 235_500, 3_010],
		);
	});

	it("Hands-On ML 2 ch. 11, the notebook's own cells: RegularizedDense / MaxNormDense = partial(keras.layers.Dense, …)", () => {
		// Cells 156 (In [103]) and 184 (In [126]) of the corpus copy of ageron/handson-ml2
		// 11_training_deep_neural_networks.ipynb, run after `from tensorflow import keras` (its cell 3).
		// The notebook prints no summary for them: Keras's Dense formula gives 784·300+300 + 300·100+100 + 100·10+10.
		const nb = JSON.parse(
			fs.readFileSync(
				path.join(
					fixtures,
					'corpus',
					'keras_handson2_dense_bn',
					'11_training_deep_neural_networks.ipynb',
				),
				'utf8',
			),
		) as { cells: { source: string[] }[] };
		const expected = 784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10;
		// Cell 184 uses the `partial` that cell 156 imported.
		for (const cells of [[156], [156, 184]]) {
			const text = [
				'from tensorflow import keras',
				...cells.map((i) => nb.cells[i].source.join('')),
			].join('\n');
			assert.ok(
				nb.cells[cells[cells.length - 1]].source
					.join('')
					.includes('= partial(keras.layers.Dense,'),
				`cell ${cells.join('+')} is a partial of Dense`,
			);
			const m = modelOf(analyze(`${text}\n`), 'model');
			assert.deepStrictEqual(
				totalsOf(m),
				{ total: expected, trainable: expected, nonTrainable: 0, buffers: 0 },
				`cells ${cells.join(' + ')}`,
			);
		}
	});

	it('Hands-On ML 2 ch. 14: DefaultConv2D = partial(keras.layers.Conv2D, kernel_size=3, …), a call overriding kernel_size', () => {
		const text = [
			'from functools import partial',
			'from tensorflow import keras',
			'',
			'DefaultConv2D = partial(keras.layers.Conv2D, kernel_size=3, activation="relu", padding="SAME")',
			'model = keras.models.Sequential([',
			'    DefaultConv2D(filters=64, kernel_size=7, input_shape=[28, 28, 1]),',
			'    keras.layers.MaxPooling2D(pool_size=2),',
			'    DefaultConv2D(filters=128),',
			'    DefaultConv2D(filters=128),',
			'    keras.layers.MaxPooling2D(pool_size=2),',
			'    keras.layers.Flatten(),',
			'    keras.layers.Dense(units=64, activation="relu"),',
			'    keras.layers.Dense(units=10, activation="softmax"),',
			'])',
		].join('\n');
		// Keras formulas: Conv2D k·k·in·out+out, "same" keeps 28 → pool 14 → pool 7; Dense in·out+out.
		const conv1 = 7 * 7 * 1 * 64 + 64;
		const conv2 = 3 * 3 * 64 * 128 + 128;
		const conv3 = 3 * 3 * 128 * 128 + 128;
		const dense1 = 7 * 7 * 128 * 64 + 64;
		const dense2 = 64 * 10 + 10;
		const m = modelOf(analyze(text), 'model');
		assert.deepStrictEqual(
			m.layers.map((l) => l.params?.total),
			[conv1, 0, conv2, conv3, 0, 0, dense1, dense2],
		);
		assert.strictEqual(m.totals.total, conv1 + conv2 + conv3 + dense1 + dense2);
	});

	it('torch: a partial of a partial, and a partial with a positional argument — against real PyTorch', function () {
		this.timeout(60_000);
		const text = [
			'from functools import partial',
			'import torch.nn as nn',
			'',
			'Conv = partial(nn.Conv2d, kernel_size=3, padding=1)',
			'ConvNB = partial(Conv, bias=False)',
			'Lin = partial(nn.Linear, 16)',
			't = nn.Sequential(Conv(3, 16), ConvNB(16, 16), nn.BatchNorm2d(16), nn.AdaptiveAvgPool2d(1), nn.Flatten(), Lin(10))',
			'',
		].join('\n');
		assertMatchesTorch(analyze(text), torchReference(text, ['t']));
	});

	it('torch: L = partial(nn.Linear, bias=False), a call overriding bias=True — against real PyTorch', function () {
		this.timeout(60_000);
		const text = [
			'from functools import partial',
			'import torch.nn as nn',
			'',
			'L = partial(nn.Linear, bias=False)',
			'model = nn.Sequential(L(784, 300), nn.ReLU(), L(300, 10, bias=True), nn.BatchNorm1d(10))',
			'',
		].join('\n');
		assertMatchesTorch(analyze(text), torchReference(text, ['model']));
	});
});

// ---------------------------------------------------------------------------------------------
// 3. Wrappers that keep a module's parameters (and may add buffers)

describe('Sound counts: torch.jit.script, torch.compile, spectral_norm, weight_norm, parametrizations', () => {
	const text = [
		'import torch',
		'import torch.nn as nn',
		'from torch.nn.utils import spectral_norm, weight_norm',
		'from torch.nn.utils import parametrizations as P',
		'',
		'scripted = nn.Sequential(torch.jit.script(nn.Sequential(nn.Linear(16, 32), nn.BatchNorm1d(32))), nn.Linear(32, 4))',
		'compiled = nn.Sequential(torch.compile(nn.Linear(16, 32)), nn.ReLU(), nn.Linear(32, 4))',
		'sn = nn.Sequential(spectral_norm(nn.Linear(20, 30)), nn.ReLU(), spectral_norm(nn.Conv2d(3, 8, 3)))',
		'wn = nn.Sequential(weight_norm(nn.Linear(20, 30)), weight_norm(nn.Conv2d(3, 8, 3), dim=None))',
		'psn = nn.Sequential(P.spectral_norm(nn.Linear(20, 30)), nn.ReLU(), P.spectral_norm(nn.Conv2d(3, 8, 3)))',
		'orth = nn.Sequential(P.orthogonal(nn.Linear(20, 20)), nn.ReLU(), P.orthogonal(nn.Linear(20, 30, bias=False)))',
		'',
	].join('\n');
	// torch 1.13 has no torch.compile; in torch 2.x it returns an OptimizedModule whose parameters()
	// and buffers() are the wrapped module's own, which is what this shim reproduces for the reference.
	const prelude =
		'import torch\nif not hasattr(torch, "compile"):\n    torch.compile = lambda m, *a, **k: m\n';

	it('parameters, trainable and buffers equal real PyTorch for each wrapper inside nn.Sequential', function () {
		this.timeout(60_000);
		assertMatchesTorch(
			analyze(text),
			torchReference(text, ['scripted', 'compiled', 'sn', 'wn', 'psn', 'orth'], prelude),
		);
	});
});

// ---------------------------------------------------------------------------------------------
// 4. Unknown elements and wrappers

describe('Sound counts: an unknown element makes its container unknown, with the cause and its line', () => {
	it('torch: nn.Sequential(…), nn.ModuleList([…]), add_module with an element from an unknown function', () => {
		const text = [
			'import torch.nn as nn',
			'from mylib import make_block',
			'',
			'seq = nn.Sequential(nn.Linear(8, 16), make_block(16), nn.Linear(16, 4))',
			'mlist = nn.ModuleList([nn.Linear(8, 16), make_block(16)])',
			'',
			'class Net(nn.Module):',
			'    def __init__(self):',
			'        super().__init__()',
			'        self.fc = nn.Linear(8, 16)',
			'        self.add_module("extra", make_block(16))',
			'',
			'    def forward(self, x):',
			'        return self.extra(self.fc(x))',
			'',
			'net = Net()',
		].join('\n');
		const r = analyze(text);
		assertUnknown(modelOf(r, 'seq'), 'make_block', 3);
		assertUnknown(modelOf(r, 'mlist'), 'make_block', 4);
		assertUnknown(modelOf(r, 'net'), 'make_block', 10);
		assert.strictEqual(
			r.diagnostics.filter((d) => d.code === 'unknown-count').length,
			3,
			'one unknown-count diagnostic per cause',
		);
	});

	it('torch: an unknown wrapper around a known layer (wrap(nn.Linear(…))) inside nn.Sequential', () => {
		const text = [
			'import torch.nn as nn',
			'from mylib import wrap',
			'',
			't = nn.Sequential(wrap(nn.Linear(8, 16)), nn.ReLU(), nn.Linear(16, 4))',
		].join('\n');
		assertUnknown(modelOf(analyze(text), 't'), 'wrap', 3);
	});

	// The unknown element keeps its place (a row of unknown type): PyTorch names Linear(16, 4) "2" (seq[2]).
	it('torch: rows after an unknown element keep PyTorch\'s index names (seq[2] is "2")', () => {
		const text = [
			'import torch.nn as nn',
			'from mylib import make_block',
			'',
			'seq = nn.Sequential(nn.Linear(8, 16), make_block(16), nn.Linear(16, 4))',
		].join('\n');
		const m = modelOf(analyze(text), 'seq');
		const last = layerNamed(m, '2');
		assert.strictEqual(last.type, 'Linear');
		assert.strictEqual(
			last.params?.total,
			16 * 4 + 4,
			'Linear(16, 4) has 68 parameters whatever its input',
		);
		assert.ok(
			!m.layers.some((l) => l.name === '1' && l.type === 'Linear' && l.params?.total === 68),
			'no row "1" standing for seq[2]',
		);
	});

	it('Keras: Sequential([…]) and .add(…) with an unknown layer; Sequential([l for l in base.layers]) with base from an unknown call', () => {
		const text = [
			'from tensorflow import keras',
			'from mylib import make_layer, load_backbone',
			'',
			'm1 = keras.Sequential([keras.layers.Dense(16, input_shape=(8,)), make_layer(16), keras.layers.Dense(4)])',
			'm2 = keras.Sequential()',
			'm2.add(keras.layers.Dense(16, input_shape=(8,)))',
			'm2.add(make_layer(16))',
			'm2.add(keras.layers.Dense(4))',
			'base = load_backbone()',
			'm3 = keras.Sequential([l for l in base.layers])',
		].join('\n');
		const r = analyze(text);
		assertUnknown(modelOf(r, 'm1'), 'make_layer', 3);
		assertUnknown(modelOf(r, 'm2'), 'make_layer', 6);
		assertUnknown(modelOf(r, 'm3'), 'load_backbone', 8);
	});

	it('Keras: an unknown wrapper around a known layer inside Sequential([…])', () => {
		const text = [
			'from tensorflow import keras',
			'from mylib import wrap',
			'',
			'k = keras.Sequential([keras.Input((8,)), wrap(keras.layers.Dense(16)), keras.layers.Dense(4)])',
		].join('\n');
		assertUnknown(modelOf(analyze(text), 'k'), 'wrap', 3);
	});

	// A Keras layer's weights depend on its input: after an element NormLens cannot follow, the next
	// Dense's input width is unknown, so its row must be unknown too (make_layer(16) may well return
	// Dense(32), and Dense(4) then has 132 parameters; wrap(Dense(16)) returning its argument gives 68).
	it('Keras: the row after an unknown element has unknown parameters, not a count from a guessed input', () => {
		const r1 = analyze(
			[
				'from tensorflow import keras',
				'from mylib import make_layer',
				'',
				'm1 = keras.Sequential([keras.layers.Dense(16, input_shape=(8,)), make_layer(16), keras.layers.Dense(4)])',
			].join('\n'),
		);
		const m1 = modelOf(r1, 'm1');
		assert.strictEqual(layerNamed(m1, 'dense').params?.total, 8 * 16 + 16);
		for (const l of m1.layers.filter((x) => x.name !== 'dense')) {
			assert.strictEqual(
				l.params,
				null,
				`m1.${l.name}: ${JSON.stringify(l.params)} is a count from a guessed input`,
			);
		}
		const r2 = analyze(
			[
				'from tensorflow import keras',
				'from mylib import wrap',
				'',
				'k = keras.Sequential([keras.Input((8,)), wrap(keras.layers.Dense(16)), keras.layers.Dense(4)])',
			].join('\n'),
		);
		for (const l of modelOf(r2, 'k').layers) {
			assert.strictEqual(
				l.params,
				null,
				`k.${l.name}: ${JSON.stringify(l.params)} is a count from a guessed input`,
			);
		}
	});
});

// ---------------------------------------------------------------------------------------------
// 5. Side effects

describe('Sound counts: side effects', () => {
	it('a dict / a list passed to an unknown function, then used to build the model → unknown', () => {
		const text = [
			'import torch.nn as nn',
			'from mylib import tweak',
			'',
			'cfg = {"hidden": 32}',
			'tweak(cfg)',
			'a = nn.Sequential(nn.Linear(8, cfg["hidden"]), nn.ReLU(), nn.Linear(cfg["hidden"], 2))',
			'',
			'sizes = [8, 32, 2]',
			'tweak(sizes)',
			'layers = []',
			'for i in range(len(sizes) - 1):',
			'    layers.append(nn.Linear(sizes[i], sizes[i + 1]))',
			'b = nn.Sequential(*layers)',
		].join('\n');
		const r = analyze(text);
		assertUnknown(modelOf(r, 'a'), 'tweak', 4);
		// len(sizes) is unknown now: the loop may append anything, which its cause says, naming tweak.
		assertUnknown(modelOf(r, 'b'), 'tweak', 11);
	});

	it('mystery(model) → unknown (torch and Keras)', () => {
		const text = [
			'import torch.nn as nn',
			'from tensorflow import keras',
			'from mylib import mystery',
			'',
			'c = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 2))',
			'mystery(c)',
			'u = keras.Sequential([keras.layers.Dense(32, input_shape=(8,)), keras.layers.Dense(2)])',
			'mystery(u)',
		].join('\n');
		const r = analyze(text);
		assertUnknown(modelOf(r, 'c'), 'mystery', 5);
		assertUnknown(modelOf(r, 'u'), 'mystery', 7);
	});

	it('torch: print, .to(device), an optimizer over model.parameters(), a loss, .train()/.eval(), counting → exact (real PyTorch)', function () {
		this.timeout(60_000);
		const text = [
			'import torch',
			'import torch.nn as nn',
			'',
			'd = nn.Sequential(nn.Linear(8, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Linear(32, 2))',
			'print(d)',
			'device = torch.device("cuda" if torch.cuda.is_available() else "cpu")',
			'd = d.to(device)',
			'optimizer = torch.optim.Adam(d.parameters(), lr=1e-3)',
			'criterion = nn.CrossEntropyLoss()',
			'd.train()',
			'd.eval()',
			'n = sum(p.numel() for p in d.parameters())',
			'print(n)',
			'',
		].join('\n');
		const r = analyze(text);
		assertMatchesTorch(r, torchReference(text, ['d']));
		assert.deepStrictEqual(
			r.diagnostics.filter((x) => x.code === 'unknown-count'),
			[],
		);
	});

	it('Keras: model.summary(), compile, fit, count_params → exact (Keras rules: BN 4·C, 2·C non-trainable)', () => {
		const text = [
			'import numpy as np',
			'from tensorflow import keras',
			'',
			'x_train = np.zeros((64, 8))',
			'y_train = np.zeros((64,))',
			'm = keras.Sequential([keras.layers.Dense(32, input_shape=(8,)), keras.layers.BatchNormalization(), keras.layers.Dense(2)])',
			'm.summary()',
			'm.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])',
			'history = m.fit(x_train, y_train, epochs=3, validation_split=0.1)',
			'print(m.count_params())',
		].join('\n');
		// Dense 8·32+32 = 288; BatchNormalization 4·32 = 128 (64 non-trainable); Dense 32·2+2 = 66.
		assert.deepStrictEqual(totalsOf(modelOf(analyze(text), 'm')), {
			total: 288 + 128 + 66,
			trainable: 288 + 64 + 66,
			nonTrainable: 64,
			buffers: 0,
		});
	});
});

// ---------------------------------------------------------------------------------------------
// 6. Keras's global image data format (Coursera FaceNet)

describe("Sound counts: Keras's global image data format", () => {
	const dir = path.join(real, 'coursera_facenet');
	const modules = {
		inception_blocks_v2: fs.readFileSync(path.join(dir, 'inception_blocks_v2.py'), 'utf8'),
		fr_utils: fs.readFileSync(path.join(dir, 'fr_utils.py'), 'utf8'),
	};
	const cells = parseNotebook(
		fs.readFileSync(path.join(dir, 'Face_Recognition_v3a.ipynb'), 'utf8'),
	).filter((c) => c.kind === 'code');

	function notebookUpTo(marker: string): string {
		const i = cells.findIndex((c) => c.source.includes(marker));
		assert.ok(i >= 0, `a code cell contains ${marker}`);
		return buildProgram(cells.slice(0, i + 1)).text;
	}

	function checkFaceNet(text: string): void {
		const r = analyze(text, modules);
		const m = modelOf(r, 'FRmodel');
		// Printed by the notebook: "Total Params: 3743280". Split: from fr_utils.conv_shape, each
		// BatchNormalization has its conv's output channels, 2·C of its 4·C non-trainable: 9,312.
		assert.deepStrictEqual(totalsOf(m), {
			total: 3_743_280,
			trainable: 3_733_968,
			nonTrainable: 9_312,
			buffers: 0,
		});
		assert.deepStrictEqual(
			r.diagnostics.filter((d) => d.code === 'bn-axis'),
			[],
			'BatchNormalization(axis=1) is right under channels_first',
		);
		assert.deepStrictEqual(
			r.diagnostics.filter((d) => d.severity === 'error'),
			[],
		);
		assert.deepStrictEqual(layerNamed(m, 'dense_layer').outputShape, [null, 128]);
		assert.deepStrictEqual(
			layerNamed(m, 'conv1').outputShape,
			[null, 64, 48, 48],
			'ZeroPadding2D((3, 3)) without data_format pads H and W: 96+6 → 7×7/2 → 48',
		);
	}

	it('the stored output of the notebook says 3743280', () => {
		const printed = cells.find((c) => c.source.includes('FRmodel.count_params()'));
		assert.ok(printed);
		const raw = JSON.parse(
			fs.readFileSync(path.join(dir, 'Face_Recognition_v3a.ipynb'), 'utf8'),
		) as { cells: { source: string[]; outputs?: { text?: string[] }[] }[] };
		const cell = raw.cells.find((c) => c.source.join('').includes('FRmodel.count_params()'));
		assert.deepStrictEqual(cell?.outputs?.[0]?.text, ['Total Params: 3743280\n']);
	});

	it('faceRecoModel(input_shape=(3, 96, 96)) up to the printed count: 3,743,280 exact, no bn-axis warning', function () {
		this.timeout(60_000);
		checkFaceNet(notebookUpTo('FRmodel.count_params()'));
	});

	it('the whole notebook (compile, load_weights_from_FaceNet, img_to_encoding, verify …): still 3,743,280', function () {
		this.timeout(60_000);
		checkFaceNet(buildProgram(cells).text);
	});

	it('a small channels_first model: layers without data_format follow the global format', () => {
		const body = [
			'inp = Input((3, 32, 32))',
			'x = Conv2D(8, 3)(inp)',
			'x = BatchNormalization(axis=1)(x)',
			'x = Flatten()(x)',
			'out = Dense(10)(x)',
			'model = Model(inp, out)',
		];
		const head = [
			'from tensorflow.keras import backend as K',
			'from tensorflow.keras.layers import Input, Conv2D, BatchNormalization, Flatten, Dense',
			'from tensorflow.keras.models import Model',
		];
		const first = analyze(
			[...head, "K.set_image_data_format('channels_first')", ...body].join('\n'),
		);
		// channels_first: Conv2D 8·3·3·3+8 = 224 → (8, 30, 30); BN 4·8 = 32 (16 non-trainable);
		// Flatten 8·30·30 = 7200; Dense 7200·10+10 = 72,010.
		const m = modelOf(first, 'model');
		assert.deepStrictEqual(totalsOf(m), {
			total: 224 + 32 + 72_010,
			trainable: 224 + 16 + 72_010,
			nonTrainable: 16,
			buffers: 0,
		});
		assert.deepStrictEqual(layerNamed(m, 'conv2d').outputShape, [null, 8, 30, 30]);
		assert.deepStrictEqual(
			first.diagnostics.filter((d) => d.code === 'bn-axis'),
			[],
		);
		// The same code under the default channels_last reads (3, 32, 32) as H=3, W=32, C=32:
		// Conv2D 8·32·3·3+8 = 2312 → (1, 30, 8), and BatchNormalization(axis=1) normalizes the height.
		const last = analyze([...head, ...body].join('\n'));
		assert.strictEqual(layerNamed(modelOf(last, 'model'), 'conv2d').params?.total, 2312);
		assert.ok(
			last.diagnostics.some((d) => d.code === 'bn-axis'),
			'control: axis=1 under channels_last is flagged',
		);
	});
});

// ---------------------------------------------------------------------------------------------
// 7. nn.Parameter(data=…, requires_grad=…)

describe('Sound counts: nn.Parameter(data=torch.randn(…), requires_grad=…)', () => {
	it('a small ViT with class token, position embedding and a frozen mask token — against real PyTorch', function () {
		this.timeout(60_000);
		const text = [
			'# normlens: input (2, 3, 32, 32)',
			'import torch',
			'import torch.nn as nn',
			'',
			'',
			'class Block(nn.Module):',
			'    def __init__(self, dim, heads, mlp_ratio=2):',
			'        super().__init__()',
			'        self.norm1 = nn.LayerNorm(dim)',
			'        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)',
			'        self.norm2 = nn.LayerNorm(dim)',
			'        self.mlp = nn.Sequential(nn.Linear(dim, dim * mlp_ratio), nn.GELU(), nn.Linear(dim * mlp_ratio, dim))',
			'',
			'    def forward(self, x):',
			'        h = self.norm1(x)',
			'        x = x + self.attn(h, h, h)[0]',
			'        return x + self.mlp(self.norm2(x))',
			'',
			'',
			'class ViT(nn.Module):',
			'    def __init__(self, img_size=32, patch=4, dim=64, depth=2, heads=4, num_classes=10):',
			'        super().__init__()',
			'        self.patch_embed = nn.Conv2d(3, dim, kernel_size=patch, stride=patch)',
			'        n = (img_size // patch) ** 2',
			'        self.cls_token = nn.Parameter(data=torch.randn(1, 1, dim), requires_grad=True)',
			'        self.pos_embed = nn.Parameter(data=torch.randn(1, n + 1, dim), requires_grad=True)',
			'        self.mask_token = nn.Parameter(data=torch.zeros(1, 1, dim), requires_grad=False)',
			'        self.blocks = nn.Sequential(*[Block(dim, heads) for _ in range(depth)])',
			'        self.norm = nn.LayerNorm(dim)',
			'        self.head = nn.Linear(dim, num_classes)',
			'',
			'    def forward(self, x):',
			'        x = self.patch_embed(x).flatten(2).transpose(1, 2)',
			'        cls = self.cls_token.expand(x.shape[0], -1, -1)',
			'        x = torch.cat([cls, x], dim=1) + self.pos_embed',
			'        x = self.blocks(x)',
			'        return self.head(self.norm(x[:, 0]))',
			'',
			'',
			'vit = ViT()',
			'',
		].join('\n');
		assertMatchesTorch(analyze(text), torchReference(text, ['vit']));
	});

	it('the same tokens around nn.TransformerEncoder: exact or unknown, never another number', function () {
		this.timeout(60_000);
		const text = [
			'import torch',
			'import torch.nn as nn',
			'',
			'class ViT(nn.Module):',
			'    def __init__(self, dim=64, n=64):',
			'        super().__init__()',
			'        self.cls_token = nn.Parameter(data=torch.randn(1, 1, dim), requires_grad=True)',
			'        self.pos_embed = nn.Parameter(data=torch.randn(1, n + 1, dim), requires_grad=True)',
			'        layer = nn.TransformerEncoderLayer(d_model=dim, nhead=4, dim_feedforward=dim * 2, batch_first=True)',
			'        self.encoder = nn.TransformerEncoder(layer, num_layers=2)',
			'        self.head = nn.Linear(dim, 10)',
			'',
			'    def forward(self, x):',
			'        return self.head(self.encoder(x)[:, 0])',
			'',
			'vit = ViT()',
			'',
		].join('\n');
		const ref = torchReference(text, ['vit']).vit;
		const m = modelOf(analyze(text), 'vit');
		if (m.totals.total !== null) {
			assert.deepStrictEqual(totalsOf(m), {
				total: ref.total,
				trainable: ref.trainable,
				nonTrainable: ref.total - ref.trainable,
				buffers: ref.buffers,
			});
		} else {
			assert.ok(
				m.unknown?.reason.includes('TransformerEncoder'),
				`reason: ${m.unknown?.reason}`,
			);
		}
	});
});

// ---------------------------------------------------------------------------------------------
// 8. Freezing

describe('Sound counts: freezing', () => {
	it('Keras: for layer in base.layers[:-4]: layer.trainable = False (Keras rules)', () => {
		const text = [
			'from tensorflow import keras',
			'from tensorflow.keras import layers',
			'',
			'base = keras.Sequential([',
			'    layers.Conv2D(8, 3, input_shape=(32, 32, 3)),',
			'    layers.BatchNormalization(),',
			'    layers.Conv2D(16, 3),',
			'    layers.BatchNormalization(),',
			'    layers.Flatten(),',
			'    layers.Dense(32),',
			'    layers.Dense(10),',
			'])',
			'for layer in base.layers[:-4]:',
			'    layer.trainable = False',
		].join('\n');
		// base.layers[:-4] = the first Conv2D, its BatchNormalization and the second Conv2D.
		// Frozen (all their weights non-trainable): Conv2D 8·3·3·3+8 = 224, BN 4·8 = 32, Conv2D 16·8·3·3+16 = 1168.
		// Still trainable: the second BN's γ, β (2·16 of its 4·16 = 64; its moving mean and variance,
		// 32, are non-trainable as always), Dense 12,544·32+32 = 401,440 (32 → 30 → 28 after two valid
		// 3×3 convolutions; Flatten 28·28·16 = 12,544) and Dense 32·10+10 = 330.
		const frozen = 224 + 32 + 1168;
		const total = frozen + 64 + 401_440 + 330;
		const nonTrainable = frozen + 32;
		assert.deepStrictEqual(totalsOf(modelOf(analyze(text), 'base')), {
			total,
			trainable: total - nonTrainable,
			nonTrainable,
			buffers: 0,
		});
	});

	it('torch: model.requires_grad_(False), then seq[2] = a new nn.Linear — against real PyTorch', function () {
		this.timeout(60_000);
		const text = [
			'import torch.nn as nn',
			'',
			'f = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))',
			'f.requires_grad_(False)',
			'f[2] = nn.Linear(16, 3)',
			'',
		].join('\n');
		assertMatchesTorch(analyze(text), torchReference(text, ['f']));
	});

	it('torch: for p in model.parameters(): p.requires_grad = False, then a new head — against real PyTorch', function () {
		this.timeout(60_000);
		const text = [
			'import torch.nn as nn',
			'',
			'',
			'class Backbone(nn.Module):',
			'    def __init__(self):',
			'        super().__init__()',
			'        self.conv = nn.Conv2d(3, 16, 3)',
			'        self.bn = nn.BatchNorm2d(16)',
			'        self.pool = nn.AdaptiveAvgPool2d(1)',
			'        self.flat = nn.Flatten()',
			'        self.fc = nn.Linear(16, 1000)',
			'',
			'    def forward(self, x):',
			'        return self.fc(self.flat(self.pool(self.bn(self.conv(x)))))',
			'',
			'',
			'model = Backbone()',
			'for p in model.parameters():',
			'    p.requires_grad = False',
			'model.fc = nn.Linear(16, 5)',
			'',
		].join('\n');
		assertMatchesTorch(analyze(text), torchReference(text, ['model']));
	});
});

// ---------------------------------------------------------------------------------------------
// 9. Inside the catalogues: a reshape whose -1 does not divide

describe('Sound counts: a reshape whose -1 does not divide the input size', () => {
	function dims(m: ModelSummary): (number | null)[] {
		return m.layers.flatMap((l) => l.outputShape ?? []);
	}

	it('Keras Reshape((-1, 3)) of 10 values: no fractional shape; unknown counts downstream or an error', () => {
		const text =
			'from tensorflow import keras\n\nk = keras.Sequential([keras.layers.Dense(10, input_shape=(4,)), keras.layers.Reshape((-1, 3)), keras.layers.Flatten(), keras.layers.Dense(2)])\n';
		const r = analyze(text);
		const m = modelOf(r, 'k');
		assert.ok(
			dims(m).every((d) => d === null || Number.isInteger(d)),
			`no fractional dimension: ${JSON.stringify(m.layers.map((l) => l.outputShape))}`,
		);
		assert.strictEqual(layerNamed(m, 'reshape').outputShape, null);
		assert.ok(
			m.totals.total === null || r.diagnostics.some((d) => d.severity === 'error'),
			'unknown total or an error diagnostic',
		);
		assert.ok(
			r.diagnostics.some((d) => d.severity === 'error' && d.code === 'shape-mismatch'),
			'Keras raises here: an error diagnostic says so',
		);
	});

	it('torch x.view(-1, 7) of 3·10 values: no fractional shape and no known shape after it; counts stay exact', () => {
		const text = [
			'import torch',
			'import torch.nn as nn',
			'',
			'class Net(nn.Module):',
			'    def __init__(self):',
			'        super().__init__()',
			'        self.fc = nn.Linear(4, 10)',
			'        self.out = nn.Linear(7, 2)',
			'',
			'    def forward(self, x):',
			'        x = self.fc(x)',
			'        x = x.view(-1, 7)',
			'        return self.out(x)',
			'',
			'net = Net()',
			'y = net(torch.randn(3, 4))',
		].join('\n');
		const m = modelOf(analyze(text), 'net');
		assert.ok(
			dims(m).every((d) => d === null || Number.isInteger(d)),
			`no fractional dimension: ${JSON.stringify(m.layers.map((l) => l.outputShape))}`,
		);
		assert.deepStrictEqual(layerNamed(m, 'fc').outputShape, [3, 10]);
		const out = layerNamed(m, 'out').outputShape;
		assert.ok(
			out === null || out.some((d) => d === null),
			`PyTorch raises on view(-1, 7) of 30 values: no known shape after it (got ${JSON.stringify(out)})`,
		);
		// Linear's parameters do not depend on its input: 4·10+10 + 7·2+2.
		assert.strictEqual(m.totals.total, 50 + 16);
	});
});
