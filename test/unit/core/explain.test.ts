import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython, explainLayer, layerAt, layersOfCall } from '../../../src/core';
import { fixtures } from '../paths';
import { layerHoverMarkdown } from '../../../src/core/format/hoverMarkdown';
import { plainSentence } from '../../../src/core/explain/sentence';
import { LayerSummary, statisticsPer } from '../../../src/protocol/analysis';

function layers(src: string): LayerSummary[] {
	const r = analyzePython(src);
	assert.strictEqual(r.models.length, 1, JSON.stringify(r.diagnostics));
	return r.models[0].layers;
}

const torchModel = (body: string, input: string) => `import torch
import torch.nn as nn
model = nn.Sequential(${body})
y = model(torch.randn(${input}))
`;

describe('normalization explanations (docs/normalization.md §4.2)', () => {
	it('torch BatchNorm2d: dim 1 kept, N, H, W reduced; PyTorch momentum weights the new value; unbiased running_var', () => {
		const [, bn] = layers(
			torchModel(
				'nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16, momentum=0.1)',
				'8, 3, 10, 12',
			),
		);
		const e = explainLayer(bn);
		assert.ok(e);
		assert.deepStrictEqual(e.axisNames, ['batch', 'channels', 'height', 'width']);
		assert.deepStrictEqual(e.reducedAxes, [0, 2, 3]);
		assert.deepStrictEqual(e.statShape, [16]);
		assert.deepStrictEqual(e.paramShapes, {
			weight: [16],
			bias: [16],
			running_mean: [16],
			running_var: [16],
			num_batches_tracked: [],
		});
		assert.deepStrictEqual(e.params, { trainable: 32, nonTrainable: 0, buffers: 33 });
		assert.strictEqual(e.epsilon, 1e-5);
		assert.strictEqual(e.momentumConvention, 'torch');
		assert.match(e.momentumRule ?? '', /running_mean ← 0\.9 · running_mean \+ 0\.1 · μ_batch/);
		assert.match(e.runningVariance ?? '', /unbiased/);
		assert.match(e.formula, /M = 8·10·12/);
	});

	it('torch BatchNorm1d with momentum=None: a cumulative average', () => {
		const [, bn] = layers(
			torchModel('nn.Linear(4, 6), nn.BatchNorm1d(6, momentum=None)', '5, 4'),
		);
		assert.match(explainLayer(bn)?.momentumRule ?? '', /cumulative average/);
	});

	it("PyTorch's track_running_stats decides whether running statistics are kept: BatchNorm without, InstanceNorm with, and an argument NormLens cannot evaluate", () => {
		const ls = layers(
			torchModel(
				'nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8, track_running_stats=False), nn.InstanceNorm2d(8, track_running_stats=True, momentum=0.2), nn.InstanceNorm2d(8), nn.BatchNorm2d(8, track_running_stats=flag), nn.BatchNorm2d(8, momentum=m), nn.LayerNorm(4)',
				'2, 3, 6, 6',
			).replace(
				'import torch.nn as nn',
				'import torch.nn as nn\nimport config\nflag = config.flag\nm = config.m',
			),
		);
		const [bnOff, inOn, inOff, bnFlag, bnM, ln] = ls.slice(1).map((l) => explainLayer(l));
		assert.strictEqual(bnOff?.runningStatistics, 'none');
		assert.strictEqual(bnOff?.momentumConvention, null);
		assert.strictEqual(bnOff?.momentumRule, null);
		assert.strictEqual(inOn?.runningStatistics, 'kept');
		assert.strictEqual(inOn?.momentumConvention, 'torch');
		assert.strictEqual(inOn?.momentum, 0.2);
		assert.match(
			inOn?.momentumRule ?? '',
			/running_mean ← 0\.8 · running_mean \+ 0\.2 · μ_batch/,
		);
		assert.strictEqual(inOff?.runningStatistics, 'none');
		assert.strictEqual(bnFlag?.runningStatistics, null);
		assert.match(bnFlag?.momentumRule ?? '', /track_running_stats=\?/);
		assert.strictEqual(bnM?.runningStatistics, null);
		assert.match(bnM?.momentumRule ?? '', /momentum=\?/);
		assert.strictEqual(ln?.runningStatistics, 'none');
	});

	it('what one μ, σ² belongs to, in words: the axes that are not reduced (hover, CLI and panel)', () => {
		// Each statShape is the shape of μ for one call; the words name its axes.
		const per = (body: string, input: string, at = 1) => {
			const e = explainLayer(layers(torchModel(body, input))[at]);
			return [
				statisticsPer(
					e ?? { axisNames: null, reducedAxes: null, groups: null, inputShape: null },
				),
				e?.statShape,
			];
		};
		assert.deepStrictEqual(per('nn.Linear(4, 6), nn.BatchNorm1d(6)', '5, 4'), ['feature', [6]]);
		assert.deepStrictEqual(per('nn.Conv2d(3, 16, 1), nn.BatchNorm2d(16)', '2, 3, 5, 6'), [
			'channel',
			[16],
		]);
		assert.deepStrictEqual(per('nn.Linear(8, 16), nn.LayerNorm(16)', '4, 10, 8'), [
			'sample and position',
			[4, 10],
		]);
		assert.deepStrictEqual(per('nn.Conv2d(3, 4, 1), nn.LayerNorm([4, 5, 6])', '2, 3, 5, 6'), [
			'sample',
			[2],
		]);
		assert.deepStrictEqual(per('nn.Conv2d(3, 16, 1), nn.GroupNorm(4, 16)', '2, 3, 5, 6'), [
			'sample and group of 4 channels',
			[2, 4],
		]);
		assert.deepStrictEqual(per('nn.Conv2d(3, 16, 1), nn.GroupNorm(16, 16)', '2, 3, 5, 6'), [
			'sample and group of 1 channel',
			[2, 16],
		]);
		assert.deepStrictEqual(per('nn.Conv2d(3, 8, 1), nn.InstanceNorm2d(8)', '2, 3, 5, 6'), [
			'sample and channel',
			[2, 8],
		]);
		const bn = layers(`import tensorflow as tf
inp = tf.keras.Input((10, 12, 3))
x = tf.keras.layers.BatchNormalization()(tf.keras.layers.Conv2D(30, 3)(inp))
model = tf.keras.Model(inp, x)
`).find((l) => l.type === 'BatchNormalization');
		const e = bn && explainLayer(bn);
		assert.ok(e);
		assert.strictEqual(statisticsPer(e), 'channel');
		assert.deepStrictEqual(e.statShape, [30]);
	});

	it('torch LayerNorm([C, H, W]): per sample, γ and β per element', () => {
		const [, ln] = layers(
			torchModel('nn.Conv2d(3, 4, 1), nn.LayerNorm([4, 5, 6])', '2, 3, 5, 6'),
		);
		const e = explainLayer(ln);
		assert.deepStrictEqual(e?.reducedAxes, [1, 2, 3]);
		assert.deepStrictEqual(e?.statShape, [2]);
		assert.deepStrictEqual(e?.paramShapes, { weight: [4, 5, 6], bias: [4, 5, 6] });
		assert.deepStrictEqual(ln.params?.total, 2 * 4 * 5 * 6);
	});

	it('torch GroupNorm(4, 16): μ per (sample, group), γ per channel', () => {
		const [, gn] = layers(torchModel('nn.Conv2d(3, 16, 1), nn.GroupNorm(4, 16)', '2, 3, 5, 6'));
		const e = explainLayer(gn);
		assert.deepStrictEqual(e?.statShape, [2, 4]);
		assert.deepStrictEqual(e?.groups, { axis: 1, count: 4 });
		assert.deepStrictEqual(e?.paramShapes, { weight: [16], bias: [16] });
		assert.match(e?.formula ?? '', /M = 4·5·6/);
	});

	it('torch InstanceNorm2d: per sample and channel over H, W; no parameters by default', () => {
		const [, inorm] = layers(
			torchModel('nn.Conv2d(3, 8, 1), nn.InstanceNorm2d(8)', '2, 3, 5, 6'),
		);
		const e = explainLayer(inorm);
		assert.deepStrictEqual(e?.reducedAxes, [2, 3]);
		assert.deepStrictEqual(e?.statShape, [2, 8]);
		assert.deepStrictEqual(inorm.params, {
			total: 0,
			trainable: 0,
			nonTrainable: 0,
			buffers: 0,
		});
	});

	it('Keras LayerNormalization(axis=[1, 2, 3]) on (5, 20, 30, 40): γ of shape (20, 30, 40)', () => {
		const [, ln] = layers(`import keras
x = keras.Input((20, 30, 40), batch_size=5)
y = keras.layers.LayerNormalization(axis=[1, 2, 3])(x)
m = keras.Model(x, y)
`);
		const e = explainLayer(ln);
		assert.deepStrictEqual(e?.reducedAxes, [1, 2, 3]);
		assert.deepStrictEqual(e?.statShape, [5]);
		assert.deepStrictEqual(e?.paramShapes, { gamma: [20, 30, 40], beta: [20, 30, 40] });
	});

	it('Keras GroupNormalization(groups=4) on (None, 8, 8, 16)', () => {
		const [, gn] = layers(`import keras
x = keras.Input((8, 8, 16))
y = keras.layers.GroupNormalization(groups=4)(x)
m = keras.Model(x, y)
`);
		const e = explainLayer(gn);
		assert.deepStrictEqual(e?.statShape, [null, 4]);
		assert.deepStrictEqual(gn.params?.total, 32);
	});
});

describe('what is normalized, without an example input (the layer fixes the rank)', () => {
	it('BatchNorm2d(64) and InstanceNorm2d(16) in a class never called: axes by name, μ / σ² shapes, M with letters', () => {
		const r = analyzePython(
			'import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.bn = nn.BatchNorm2d(64)\n        self.inorm = nn.InstanceNorm2d(16)\n        self.ln = nn.LayerNorm(768)\n',
		);
		const [bn, inorm, ln] = r.models[0].layers.map((l) => explainLayer(l));
		assert.deepStrictEqual(
			[bn?.axisNames, bn?.reducedAxes, bn?.statShape, bn?.reductionSize],
			[['batch', 'channels', 'height', 'width'], [0, 2, 3], [64], 'N·H·W'],
		);
		assert.match(bn?.formula ?? '', /M = N·H·W \(N = batch size\), c = 1…64/);
		assert.deepStrictEqual([inorm?.reducedAxes, inorm?.reductionSize], [[2, 3], 'H·W']);
		// LayerNorm(768) could follow any number of leading dims: shown on a stand-in rank, which the first note names.
		assert.deepStrictEqual(
			[ln?.reducedAxes, ln?.reductionSize, ln?.paramShapes.weight],
			[[2], '768', [768]],
		);
		assert.match(
			ln?.notes[0] ?? '',
			/^No example input reaches this layer: shown for a \(N, L, 768\) input\. It normalizes the last axis of any input/,
		);
		assert.strictEqual(
			bn?.notes[0],
			'PyTorch always normalizes over every dim but dim 1: sequence data shaped (N, L, C) must be permuted to (N, C, L) first.',
		);
		const hover = layerHoverMarkdown(r.models[0].layers[0], bn ?? null);
		assert.match(
			hover,
			/Normalized over:\*\* batch \(axis 0, N\), height \(axis 2, H\), width \(axis 3, W\) — one μ and σ² per channel/,
		);
	});
});

describe('what is normalized, without an example input (a layer that takes several ranks)', () => {
	it('GroupNorm(8, 64), BatchNorm1d(32) and Keras BatchNormalization / LayerNormalization: axes on a stand-in rank the note names', () => {
		const torch = analyzePython(
			'import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.gn = nn.GroupNorm(8, 64)\n        self.bn1 = nn.BatchNorm1d(32)\n',
		);
		const [gn, bn1] = torch.models[0].layers.map((l) => explainLayer(l));
		assert.deepStrictEqual(
			[gn?.reducedAxes, gn?.statShape, gn?.reductionSize],
			[[1, 2, 3], [null, 8], '8·H·W'],
		);
		assert.match(gn?.notes[0] ?? '', /shown for an image batch \(N, C, H, W\)/);
		assert.deepStrictEqual(
			[bn1?.reducedAxes, bn1?.statShape, bn1?.reductionSize],
			[[0], [32], 'N'],
		);
		assert.match(bn1?.notes[0] ?? '', /on \(N, C, L\) the length axis L is averaged over too/);
		const keras = analyzePython(
			'from tensorflow.keras import layers, Sequential\nm = Sequential([layers.BatchNormalization(), layers.LayerNormalization(axis=-1)])\n',
		);
		const [bn, ln] = keras.models[0].layers.map((l) => explainLayer(l));
		assert.deepStrictEqual(
			[bn?.axisNames, bn?.reducedAxes, bn?.reductionSize],
			[['batch', 'height', 'width', 'channels'], [0, 1, 2], 'N·H·W'],
		);
		assert.match(
			bn?.notes[0] ?? '',
			/shown for a rank-4 input \(an image batch\); axis=-1 means the same axis of any input/,
		);
		assert.deepStrictEqual([ln?.reducedAxes, ln?.featureAxes], [[2], [2]]);
		// The hover says which input its axes are shown for, under the axes; a layer that fixes its rank says nothing.
		assert.match(
			layerHoverMarkdown(torch.models[0].layers[0], gn ?? null),
			/\*\*Normalized over:\*\*.*\n\n_No example input reaches this layer/,
		);
		assert.strictEqual(
			explainLayer(
				analyzePython('import torch.nn as nn\nm = nn.Sequential(nn.BatchNorm2d(8))\n')
					.models[0].layers[0],
			)?.inputNote,
			null,
		);
	});
});

describe("the hover's plain sentence: what the layer does, with its sizes, in its own words", () => {
	const sentences = (src: string) => {
		const r = analyzePython(src);
		return r.models
			.flatMap((m) => m.layers)
			.map((l) => explainLayer(l))
			.filter((e): e is NonNullable<typeof e> => e !== null)
			.map(plainSentence);
	};

	it('Keras on images, channels last; PyTorch with and without an example input', () => {
		const keras = sentences(
			'import tensorflow as tf\nfrom tensorflow.keras import layers\ninp = tf.keras.Input((15, 15, 64))\nx = layers.BatchNormalization()(inp)\nx = layers.LayerNormalization()(x)\nx = layers.GroupNormalization(groups=8)(x)\nx = layers.BatchNormalization(center=False, scale=False)(x)\nm = tf.keras.Model(inp, x)\n',
		);
		assert.deepStrictEqual(keras, [
			'Each of the 64 channels gets its own mean and variance, computed over the N×15×15 values of that channel in the batch; γ and β then rescale and shift each channel with learned values.',
			'Each (sample, row, column) gets its own mean and variance, computed over its 64 values; γ and β then rescale and shift each channel with learned values.',
			'Each sample and group of 8 channels gets its own mean and variance, computed over its 15×15×8 values; γ and β then rescale and shift each channel with learned values.',
			'Each of the 64 channels gets its own mean and variance, computed over the N×15×15 values of that channel in the batch; nothing is learned on top (no γ, β).',
		]);
		const torch = sentences(
			'import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.bn = nn.BatchNorm2d(64)\n        self.inorm = nn.InstanceNorm2d(16)\n        self.rms = nn.RMSNorm(32, elementwise_affine=False)\n',
		);
		assert.strictEqual(
			torch[0],
			'Each of the 64 channels gets its own mean and variance, computed over the N×H×W values of that channel in the batch; γ and β then rescale and shift each channel with learned values.',
		);
		assert.strictEqual(
			torch[1],
			'Each sample and channel gets its own mean and variance, computed over its H×W values; nothing is learned on top (no γ, β).',
		);
		// RMSNorm(32) may follow any rank: over the last axis of 32 values, whatever comes before.
		assert.strictEqual(
			torch[2],
			'Each sample and position is divided by the root mean square of its 32 values (no mean is subtracted); nothing is learned on top (no γ, β).',
		);
	});

	it('RMSNorm divides by the root mean square (no mean subtracted); UnitNormalization by the L2 norm', () => {
		const s = sentences(
			'import torch\nimport torch.nn as nn\nmodel = nn.Sequential(nn.Linear(8, 32), nn.RMSNorm(32))\ny = model(torch.randn(4, 8))\n',
		);
		assert.deepStrictEqual(s, [
			'Each sample gets its own mean and variance, computed over its 32 values; γ then rescales each feature with a learned value.'
				.replace(
					'gets its own mean and variance, computed over',
					'is divided by the root mean square of',
				)
				.replace(' values;', ' values (no mean is subtracted);'),
		]);
		const u = sentences(
			'import tensorflow as tf\nfrom tensorflow.keras import layers\ninp = tf.keras.Input((16,))\nx = layers.UnitNormalization()(inp)\nm = tf.keras.Model(inp, x)\n',
		);
		assert.deepStrictEqual(u, [
			'Each sample is divided by the L2 norm of its 16 values, so that it has length 1; nothing is learned on top (no γ, β).',
		]);
	});
});

describe('the hover of a call that runs several times', () => {
	it('Keras\'s ResNet50 written with identity_block: "12 calls · 64–512 channels" with the layers, then the first call\'s details', () => {
		const text = fs.readFileSync(path.join(fixtures, 'keras', 'resnet50.py'), 'utf8');
		const r = analyzePython(text);
		const lines = text.split('\n');
		const line = lines.findIndex((l) => l.includes('BatchNormalization('));
		const hit = layerAt(r, { line, character: lines[line].indexOf('BatchNormalization') + 2 });
		assert.ok(hit);
		const calls = layersOfCall(hit.model, hit.layer);
		assert.strictEqual(calls.length, 12);
		const md = layerHoverMarkdown(
			hit.layer,
			explainLayer(hit.layer),
			undefined,
			'[Inspect](x)',
			calls,
		);
		assert.match(
			md,
			/^\*\*12 calls\*\* · 64–512 channels · 256–2,048 params: `bn2b_branch2a` \(below\) … `bn5c_branch2a`\.$/m,
		);
		// The one below named where it is among the calls: another call of the same line.
		const middle = layerHoverMarkdown(calls[5], explainLayer(calls[5]), undefined, '', calls);
		assert.match(middle, /params: `bn2b_branch2a` … `\w+` \(below\) … `bn5c_branch2a`\.$/m);
		const second = layerHoverMarkdown(calls[1], explainLayer(calls[1]), undefined, '', calls);
		assert.match(
			second,
			/params: `bn2b_branch2a`, `bn2c_branch2a` \(below\) … `bn5c_branch2a`\.$/m,
		);
		// The order: header, sentence, calls, actions, then the details (at most eight blocks in all).
		const blocks = md.split('\n\n');
		assert.ok(blocks[1].startsWith('Each of the 64 channels'));
		assert.ok(blocks[2].startsWith('**12 calls**'));
		assert.strictEqual(blocks[3], '[Inspect](x)');
		assert.ok(blocks.length <= 9, `${blocks.length} blocks`);
	});
});

describe('advice in reference and course code', () => {
	it("graded notebooks (START CODE HERE, GRADED FUNCTION, UNQ_C1), installed packages and copies of Keras's ResNet are reference code, each said; ordinary files are not", async () => {
		const { referenceCodeReason: why, ADVISORY_CODES } = await import('../../../src/core');
		assert.strictEqual(
			why(
				'/home/u/hw/Residual_Networks.ipynb',
				'# GRADED FUNCTION: identity_block\ndef identity_block(X): ...',
			),
			'course code (a graded assignment)',
		);
		assert.ok(why('/home/u/a.ipynb', 'x = 1\n### START CODE HERE ###\ny = 2'));
		assert.ok(why('/home/u/a.ipynb', '# UNQ_C3\ndef f(): ...'));
		assert.strictEqual(
			why('/usr/lib/python3/dist-packages/torchvision/models/resnet.py', 'import torch'),
			'an installed package',
		);
		// A user's own copy of Keras's ResNet50 design, outside any course.
		assert.strictEqual(
			why(
				'/home/u/project/resnet.py',
				'from keras import layers\n\ndef identity_block(x, f):\n    ...',
			),
			"a copy of Keras's ResNet (`identity_block`), whose published design does the same",
		);
		assert.match(
			why('/home/u/nb.ipynb', 'class ResNet50(keras.Model):\n    pass') ?? '',
			/`ResNet50`/,
		);
		// Generic block names, a call of the application, or the name in a comment are no sign.
		for (const text of [
			'def conv_block(x, filters):\n    ...',
			'model = keras.applications.ResNet50(weights=None)',
			'# like identity_block in the paper\nx = 1',
			'import torch\n# start here',
		]) {
			assert.strictEqual(why('/home/u/project/model.py', text), undefined, text);
		}
		assert.ok(ADVISORY_CODES.has('redundant-bias') && !ADVISORY_CODES.has('shape-mismatch'));
	});
});
