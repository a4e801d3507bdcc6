import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { examples, fixtures, repoRoot } from '../paths';

/** Runs the built CLI (dist/cli.js through bin/normlens.js), as a user would. */
function normlens(...args: string[]) {
	const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'normlens.js'), ...args], {
		encoding: 'utf8',
		cwd: repoRoot,
		maxBuffer: 256 << 20,
	});
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('normlens CLI', function () {
	this.timeout(30_000);

	it('summary --json prints the DESIGN.md contract for the tabular example', () => {
		const r = normlens('summary', path.join(examples, 'tabular_bn.py'), '--json');
		assert.strictEqual(r.code, 0, r.stderr);
		const j = JSON.parse(r.stdout);
		assert.strictEqual(j.file, 'tabular_bn.py');
		assert.strictEqual(j.models.length, 1);
		const m = j.models[0];
		assert.deepStrictEqual(
			{ name: m.name, framework: m.framework, line: m.line },
			{ name: 'model', framework: 'keras', line: 13 },
		);
		assert.deepStrictEqual(m.totals, {
			total: 2005,
			trainable: 1905,
			nonTrainable: 100,
			buffers: 0,
		});
		assert.deepStrictEqual(m.layers[2], {
			name: 'batch_normalization',
			type: 'BatchNormalization',
			line: 10,
			outputShape: [null, 50],
			params: 200,
			trainable: 100,
			nonTrainable: 100,
			buffers: 0,
		});
		assert.deepStrictEqual(
			j.diagnostics.map((d: { code: string; line: number; severity: string }) => [
				d.code,
				d.line,
				d.severity,
			]),
			[['redundant-bias', 9, 'warning']],
		);
	});

	it('summary --json on the notebook carries cell and cellLine, totals 6,001,600 / 6,001,540 / 60', () => {
		const r = normlens('summary', path.join(examples, 'conv_bn.ipynb'), '--json');
		assert.strictEqual(r.code, 0, r.stderr);
		const m = JSON.parse(r.stdout).models[0];
		assert.deepStrictEqual(m.totals, {
			total: 6001600,
			trainable: 6001540,
			nonTrainable: 60,
			buffers: 0,
		});
		assert.deepStrictEqual([m.cell, m.cellLine], [3, 3]);
		assert.deepStrictEqual(m.layers.map((l: { outputShape: unknown }) => l.outputShape)[3], [
			null,
			600000,
		]);
	});

	it('summary without --json prints a Keras-style table', () => {
		const r = normlens('summary', path.join(examples, 'conv_bn.ipynb'));
		assert.strictEqual(r.code, 0, r.stderr);
		assert.match(r.stdout, /Layer \(type\)\s+Output Shape\s+Param #/);
		assert.match(r.stdout, /dense \(Dense\)\s+\(None, 10\)\s+6,000,010/);
		assert.match(r.stdout, / Total params: 6,001,600/);
	});

	it('explain FILE:LINE --json has the fields of the contract', () => {
		const r = normlens('explain', `${path.join(examples, 'conv_bn.ipynb')}:4`, '--json');
		assert.strictEqual(r.code, 0, r.stderr);
		const e = JSON.parse(r.stdout);
		assert.strictEqual(e.type, 'BatchNormalization');
		assert.strictEqual(e.framework, 'keras');
		assert.deepStrictEqual(e.inputShape, [null, 100, 200, 30]);
		assert.deepStrictEqual(e.outputShape, [null, 100, 200, 30]);
		assert.deepStrictEqual(e.axisNames, ['batch', 'height', 'width', 'channels']);
		assert.deepStrictEqual(e.reducedAxes, [0, 1, 2]);
		assert.deepStrictEqual(e.featureAxes, [3]);
		assert.deepStrictEqual(e.statShape, [30]);
		assert.deepStrictEqual(e.paramShapes, {
			gamma: [30],
			beta: [30],
			moving_mean: [30],
			moving_variance: [30],
		});
		assert.deepStrictEqual(e.params, { trainable: 60, nonTrainable: 60, buffers: 0 });
		assert.strictEqual(e.epsilon, 0.001);
		assert.strictEqual(e.momentum, 0.99);
		assert.match(e.formula, /μ\[c\]/);
	});

	it('explain without --json prints the same for a person', () => {
		const r = normlens('explain', `${path.join(examples, 'tabular_bn.py')}:10`);
		assert.strictEqual(r.code, 0, r.stderr);
		assert.match(r.stdout, /normalized over: batch \(0\); one μ and σ² per feature$/m);
		assert.match(r.stdout, /gamma: \(50\)/);
	});

	it('explain picks the normalization layer of a line that builds several, and says per what μ, σ² are', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-cli-'));
		const file = path.join(dir, 'ln.py');
		fs.writeFileSync(
			file,
			'import torch\nimport torch.nn as nn\nm = nn.Sequential(nn.Linear(8, 16), nn.LayerNorm(16))\ny = m(torch.randn(4, 10, 8))\n',
		);
		const r = normlens('explain', `${file}:3`);
		assert.strictEqual(r.code, 0, r.stderr);
		assert.match(r.stdout, /^1 \(LayerNorm, torch\)$/m);
		// LayerNorm on (4, 10, 16): one statistic per sample and position, 4 × 10 of them.
		assert.match(
			r.stdout,
			/normalized over: features \(2\); one μ and σ² per sample and position$/m,
		);
		assert.match(r.stdout, /μ, σ² shape: \(4, 10\)/);
	});

	it('run FILE:LINE --json runs the layer in the worker pool: after ≈ 0 mean, std σ/√(σ²+ε)', () => {
		const r = normlens(
			'run',
			`${path.join(examples, 'tabular_bn.py')}:10`,
			'--json',
			'--batch',
			'64',
		);
		assert.strictEqual(r.code, 0, r.stderr);
		const j = JSON.parse(r.stdout);
		assert.deepStrictEqual(j.shape, [64, 50]);
		assert.strictEqual(j.features, 50);
		j.after.mean.forEach((m: number) => assert.ok(Math.abs(m) < 1e-5));
		j.before.std.forEach((s: number, c: number) =>
			assert.ok(Math.abs(j.after.std[c] - s / Math.sqrt(s * s + 1e-3)) < 1e-5),
		);
	});

	it('run FILE:LINE as text: a table of the features, with no "-0.0000" for a mean that rounds to zero', () => {
		const r = normlens('run', `${path.join(examples, 'tabular_bn.py')}:10`);
		assert.strictEqual(r.code, 0, r.stderr);
		assert.match(r.stdout, /feature {3}mean before {3}std before {3}mean after {3}std after/);
		assert.match(r.stdout, /^\s+0\s+-?\d+\.\d{4}\s+\d+\.\d{4}\s+0\.0000\s+\d\.\d{4}$/m);
		assert.doesNotMatch(r.stdout, /-0\.0000/);
	});

	it('compare FILE:LINE --json: BN, LN, IN and GN of one tensor, each normalizing its own groups to mean 0', () => {
		const r = normlens(
			'compare',
			`${path.join(examples, 'torch_bn.py')}:16`,
			'--json',
			'--distribution',
			'uniform',
		);
		assert.strictEqual(r.code, 0, r.stderr);
		const j = JSON.parse(r.stdout) as {
			shape: number[];
			entries: {
				family: string;
				code: string;
				reducedAxes: number[];
				result: {
					features: number;
					groupSize: number;
					histogramBefore: unknown;
					after: { mean: number[] };
				};
			}[];
		};
		assert.deepStrictEqual(j.shape, [8, 16, 32, 32]);
		assert.deepStrictEqual(
			j.entries.map((e) => [
				e.family,
				e.code,
				e.reducedAxes,
				e.result.features,
				e.result.groupSize,
			]),
			[
				['batch', 'nn.BatchNorm2d(16)', [0, 2, 3], 16, 8 * 32 * 32],
				['layer', 'nn.LayerNorm([16, 32, 32])', [1, 2, 3], 8, 16 * 32 * 32],
				['instance', 'nn.InstanceNorm2d(16, affine=True)', [2, 3], 8 * 16, 32 * 32],
				['group', 'nn.GroupNorm(8, 16)', [1, 2, 3], 8 * 8, 2 * 32 * 32],
			],
		);
		for (const e of j.entries) {
			assert.deepStrictEqual(
				e.result.histogramBefore,
				j.entries[0].result.histogramBefore,
				'one input tensor for all four',
			);
			assert.ok(
				e.result.after.mean.every((m) => Math.abs(m) < 1e-5),
				e.family,
			);
		}
	});

	it('run --mode eval normalizes with fresh running statistics; unknown options are usage errors', () => {
		const r = normlens(
			'run',
			`${path.join(examples, 'tabular_bn.py')}:10`,
			'--json',
			'--mode',
			'eval',
			'--distribution',
			'lognormal',
		);
		assert.strictEqual(r.code, 0, r.stderr);
		const j = JSON.parse(r.stdout) as {
			mode: string;
			distribution: string;
			running: unknown;
			before: { mean: number[] };
			after: { mean: number[] };
		};
		assert.deepStrictEqual([j.mode, j.distribution, j.running], ['eval', 'lognormal', null]);
		// y = x / √(1 + ε) with Keras's ε = 1e-3.
		j.before.mean.forEach((m, c) =>
			assert.ok(Math.abs(j.after.mean[c] - m / Math.sqrt(1.001)) < 1e-5 * (1 + Math.abs(m))),
		);
		const bad = normlens(
			'run',
			`${path.join(examples, 'tabular_bn.py')}:10`,
			'--mode',
			'predict',
		);
		assert.strictEqual(bad.code, 2);
		assert.match(bad.stderr, /--mode must be train or eval/);
	});

	it("simulate FILE:LINE --json: K steps under Keras's momentum (0.99 on the old value), batch noise falling as 1/√batch; text, drift and bad options", () => {
		const r = normlens(
			'simulate',
			`${path.join(examples, 'tabular_bn.py')}:10`,
			'--json',
			'--steps',
			'40',
			'--batch',
			'16',
			'--seed',
			'5',
		);
		assert.strictEqual(r.code, 0, r.stderr);
		const j = JSON.parse(r.stdout) as {
			steps: number;
			shape: number[];
			momentum: { convention: string; value: number };
			final: { mean: number[]; variance: number[]; batchesTracked: number | null };
			trace: { batchMean: number[][]; runningMean: number[][] };
			gap: { mean: number[] };
			noise: { batchSize: number; meanSpread: number }[];
			stepsMs: number;
		};
		assert.deepStrictEqual(
			[j.steps, j.shape, j.momentum],
			[40, [16, 50], { convention: 'keras', value: 0.99 }],
		);
		assert.strictEqual(j.final.mean.length, 50);
		assert.strictEqual(j.final.batchesTracked, null);
		// Keras's recurrence on the traced batch means: moving = 0.99·moving + 0.01·batch, from 0.
		let m = 0;
		j.trace.batchMean.forEach((b) => (m = 0.99 * m + 0.01 * b[0]));
		assert.ok(Math.abs(j.final.mean[0] - m) < 1e-12);
		assert.ok(Math.abs(j.trace.runningMean[39][0] - m) < 1e-12);
		// After 40 steps at 0.99 the moving mean has covered 1 − 0.99^40 ≈ 33 % of the way: the gap is still large.
		assert.ok(j.gap.mean[39] > 0.1 && j.gap.mean[39] < j.gap.mean[0]);
		assert.deepStrictEqual(
			j.noise.map((n) => n.batchSize),
			[2, 8, 32],
		);
		// One value per feature and batch: the spread of a batch mean is 1/√batch of the feature's std.
		j.noise.forEach((n) =>
			assert.ok(
				Math.abs(n.meanSpread * Math.sqrt(n.batchSize) - 1) < 0.3,
				`batch ${n.batchSize}: ${n.meanSpread}`,
			),
		);
		const text = normlens(
			'simulate',
			`${path.join(examples, 'torch_bn.py')}:16`,
			'--steps',
			'30',
			'--drift',
			'shift=2,scale=1.5',
		);
		assert.strictEqual(text.code, 0, text.stderr);
		assert.match(
			text.stdout,
			/bn1: 30 training steps on seeded normal batches of \(8, 16, 32, 32\)/,
		);
		assert.match(text.stdout, /drifting \(means \+2 σ, std ×1\.5 by the last step\)/);
		assert.match(text.stdout, /running_mean ← 0\.9 · running_mean \+ 0\.1 · μ_batch/);
		assert.match(text.stdout, /train\/eval gap .* step 1: /);
		const bad = normlens(
			'simulate',
			`${path.join(examples, 'torch_bn.py')}:16`,
			'--drift',
			'scale=0',
		);
		assert.strictEqual(bad.code, 2);
		assert.match(bad.stderr, /--drift takes shift=S,scale=F/);
		const steps = normlens(
			'simulate',
			`${path.join(examples, 'torch_bn.py')}:16`,
			'--steps',
			'0',
		);
		assert.strictEqual(steps.code, 2);
		assert.match(steps.stderr, /--steps must be a positive integer/);
	});

	it('local imports: from blocks import Net and import blocks as B resolve next to the file', () => {
		const r = normlens('summary', path.join(fixtures, 'local', 'train.py'), '--json');
		assert.strictEqual(r.code, 0, r.stderr);
		const j = JSON.parse(r.stdout);
		const model = j.models.find((m: { name: string }) => m.name === 'model');
		// conv 3→32 (864) + BN (64) + conv 32→64 (18,432) + BN (128) + Linear 64→5 (325)
		assert.deepStrictEqual(model.totals, {
			total: 19813,
			trainable: 19813,
			nonTrainable: 0,
			buffers: 194,
		});
		// Layers built by the imported code are shown at the line of this file that built them.
		assert.ok(model.layers.every((l: { line: number }) => l.line === 5));
		assert.deepStrictEqual(model.layers[model.layers.length - 1].outputShape, [4, 5]);
		assert.deepStrictEqual(
			j.models.find((m: { name: string }) => m.name === 'head').totals.total,
			32 * 8 * 9 + 16,
		);
	});

	it('summary --json on a 5,000-line model file and on a 300-cell notebook finishes with every layer', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-big-'));
		const lines = [
			'import tensorflow as tf',
			'from tensorflow.keras import layers',
			'x = inp = layers.Input((32, 32, 16))',
		];
		let blocks = 0;
		for (; lines.length < 4995; blocks++) {
			lines.push(
				'y = layers.Conv2D(16, 3, padding="same", use_bias=False)(x)',
				'y = layers.BatchNormalization()(y)',
				'y = layers.ReLU()(y)',
				'x = layers.Add()([x, y])',
				`# block ${blocks}`,
			);
		}
		lines.push('model = tf.keras.Model(inp, x)');
		fs.writeFileSync(path.join(dir, 'big.py'), lines.join('\n'));
		const r = normlens('summary', path.join(dir, 'big.py'), '--json');
		assert.strictEqual(r.code, 0, r.stderr);
		const m = JSON.parse(r.stdout).models[0];
		assert.strictEqual(lines.length, 4999);
		assert.strictEqual(m.layers.length, 1 + blocks * 4);
		assert.strictEqual(m.totals.total, blocks * (16 * 16 * 9 + 4 * 16));
		const cells = [
			{ cell_type: 'code', source: 'import torch\nimport torch.nn as nn\nlayers = []' },
		];
		for (let i = 0; i < 298; i++) {
			cells.push({
				cell_type: 'code',
				source: 'layers.append(nn.Conv2d(8, 8, 3, padding=1, bias=False))\nlayers.append(nn.BatchNorm2d(8))',
			});
		}
		cells.push({
			cell_type: 'code',
			source: 'model = nn.Sequential(*layers)\ny = model(torch.randn(2, 8, 16, 16))',
		});
		fs.writeFileSync(
			path.join(dir, 'big.ipynb'),
			JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }),
		);
		const n = normlens('summary', path.join(dir, 'big.ipynb'), '--json');
		assert.strictEqual(n.code, 0, n.stderr);
		const nm = JSON.parse(n.stdout).models[0];
		assert.strictEqual(nm.layers.length, 596);
		assert.strictEqual(nm.cell, 299);
		assert.deepStrictEqual(nm.totals, {
			total: 298 * (8 * 8 * 9 + 16),
			trainable: 298 * (8 * 8 * 9 + 16),
			nonTrainable: 0,
			buffers: 298 * 17,
		});
	});

	it('bad input: missing file, broken notebook JSON, non-normalization line, usage', () => {
		const missing = normlens('summary', 'nope.py');
		assert.strictEqual(missing.code, 1);
		assert.match(missing.stderr, /Cannot read nope\.py: no such file/);
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-'));
		const broken = path.join(dir, 'broken.ipynb');
		fs.writeFileSync(broken, '{"cells": [');
		const b = normlens('summary', broken);
		assert.strictEqual(b.code, 1);
		assert.match(b.stderr, /broken\.ipynb: The notebook is not valid JSON/);
		const dense = normlens('explain', `${path.join(examples, 'tabular_bn.py')}:9`);
		assert.strictEqual(dense.code, 1);
		assert.match(dense.stderr, /Dense `dense` is not a normalization layer/);
		const usage = normlens('frobnicate');
		assert.strictEqual(usage.code, 2);
		assert.match(usage.stderr, /Usage:/);
	});
});
