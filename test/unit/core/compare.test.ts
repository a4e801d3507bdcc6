import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
	analyzePython,
	compareNormalizations,
	comparisonGroups,
	countingView,
} from '../../../src/core';

const repo = path.resolve(__dirname, '..', '..', '..', '..');

describe('compare view: batch, layer, instance and group norm of one tensor', () => {
	it("PyTorch (8, 64, 14, 14): the axes each μ averages over, as in Wu & He Fig. 2, and PyTorch's parameter counts", () => {
		const c = compareNormalizations('torch', [8, 64, 14, 14], 1);
		assert.ok(!('error' in c));
		const by = Object.fromEntries(c.entries.map((e) => [e.family, e]));
		assert.deepStrictEqual(
			c.entries.map((e) => e.code),
			[
				'nn.BatchNorm2d(64)',
				'nn.LayerNorm([64, 14, 14])',
				'nn.InstanceNorm2d(64, affine=True)',
				'nn.GroupNorm(32, 64)',
			],
		);
		assert.deepStrictEqual(by.batch.explanation?.reducedAxes, [0, 2, 3]);
		assert.deepStrictEqual(by.batch.explanation?.statShape, [64]);
		assert.deepStrictEqual(by.layer.explanation?.reducedAxes, [1, 2, 3]);
		assert.deepStrictEqual(by.layer.explanation?.statShape, [8]);
		assert.deepStrictEqual(by.instance.explanation?.reducedAxes, [2, 3]);
		assert.deepStrictEqual(by.instance.explanation?.statShape, [8, 64]);
		assert.deepStrictEqual(by.group.explanation?.groups, { axis: 1, count: 32 });
		assert.deepStrictEqual(by.group.explanation?.statShape, [8, 32]);
		// nn.LayerNorm([64, 14, 14]) has elementwise γ, β: 2·64·14·14; the others 2·64 (+ BN buffers 2·64 + 1).
		assert.deepStrictEqual(by.layer.explanation?.params, {
			trainable: 25088,
			nonTrainable: 0,
			buffers: 0,
		});
		assert.deepStrictEqual(by.batch.explanation?.params, {
			trainable: 128,
			nonTrainable: 0,
			buffers: 129,
		});
		assert.deepStrictEqual(by.group.explanation?.params, {
			trainable: 128,
			nonTrainable: 0,
			buffers: 0,
		});
	});

	it('Keras channels-last (N, 14, 14, 64): instance norm is GroupNormalization(groups=-1); the batch is made concrete', () => {
		const c = compareNormalizations('keras', [4, 14, 14, 64], 3);
		assert.ok(!('error' in c));
		const by = Object.fromEntries(c.entries.map((e) => [e.family, e]));
		assert.strictEqual(by.instance.code, 'layers.GroupNormalization(groups=-1)');
		assert.deepStrictEqual(by.batch.explanation?.inputShape, [4, 14, 14, 64]);
		assert.deepStrictEqual(by.batch.explanation?.reducedAxes, [0, 1, 2]);
		assert.deepStrictEqual(by.batch.explanation?.params, {
			trainable: 128,
			nonTrainable: 128,
			buffers: 0,
		});
		assert.deepStrictEqual(by.layer.explanation?.reducedAxes, [1, 2, 3]);
		assert.deepStrictEqual(by.instance.explanation?.groups, { axis: 3, count: 64 });
		assert.deepStrictEqual(by.group.explanation?.groups, { axis: 3, count: 32 });
	});

	it('a (N, C) input has no instance norm, says why, and picks a group count that divides C', () => {
		const c = compareNormalizations('keras', [32, 50], 1);
		assert.ok(!('error' in c));
		const inst = c.entries.find((e) => e.family === 'instance');
		assert.strictEqual(inst?.explanation, null);
		assert.match(inst?.unavailable ?? '', /spatial/);
		assert.strictEqual(comparisonGroups(50), 25);
		assert.strictEqual(comparisonGroups(64), 32);
		assert.strictEqual(comparisonGroups(30), 15);
		assert.strictEqual(comparisonGroups(7), 1);
		assert.match(
			(compareNormalizations('torch', [2, 0, 3], 1) as { error: string }).error,
			/concrete input/,
		);
	});
});

describe("counting conventions (the panel's Keras / PyTorch toggle)", () => {
	it("a Keras model in PyTorch's convention: moving statistics become buffers (tabular_bn.py: 2,005 → 1,905 + 100 buffers)", () => {
		const m = analyzePython(
			fs.readFileSync(path.join(repo, 'examples', 'tabular_bn.py'), 'utf8'),
		).models[0];
		assert.deepStrictEqual(countingView(m, 'keras').totals, m.totals);
		const t = countingView(m, 'torch');
		assert.deepStrictEqual(t.totals, {
			total: 1905,
			trainable: 1905,
			nonTrainable: 0,
			buffers: 100,
		});
		assert.deepStrictEqual(t.layers.batch_normalization, {
			total: 100,
			trainable: 100,
			nonTrainable: 0,
			buffers: 100,
		});
	});

	it("a PyTorch model in Keras's convention: running statistics become non-trainable weights, num_batches_tracked is dropped", () => {
		const m = analyzePython(fs.readFileSync(path.join(repo, 'examples', 'torch_bn.py'), 'utf8'))
			.models[0];
		const k = countingView(m, 'keras');
		const bn1 = m.layers.find((l) => l.name === 'bn1');
		assert.deepStrictEqual(bn1?.params, {
			total: 32,
			trainable: 32,
			nonTrainable: 0,
			buffers: 33,
		});
		// Keras's BatchNormalization(16): 64 weights, 32 of them non-trainable.
		assert.deepStrictEqual(k.layers.bn1, {
			total: 64,
			trainable: 32,
			nonTrainable: 32,
			buffers: 0,
		});
		const t = m.totals as { total: number; trainable: number; buffers: number };
		assert.deepStrictEqual(k.totals, {
			total: t.total + 2 * (16 + 32),
			trainable: t.trainable,
			nonTrainable: 2 * (16 + 32),
			buffers: 0,
		});
	});
});
