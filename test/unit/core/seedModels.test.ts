import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
	analyzePython,
	buildProgram,
	explainLayer,
	layerOnLine,
	parseNotebook,
	summaryText,
	toContract,
} from '../../../src/core';
import { examples } from '../paths';

// Expected values are the summaries Keras itself printed for these two models (docs/DESIGN.md).

function loadNotebook(file: string) {
	const program = buildProgram(
		parseNotebook(fs.readFileSync(file, 'utf8')).filter((c) => c.kind === 'code'),
	);
	return { program, result: analyzePython(program.text) };
}

describe('seed models (DESIGN.md, printed by Keras)', () => {
	it('tabular Dense → BatchNormalization → Dense: 2,005 / 1,905 / 100', () => {
		const r = analyzePython(fs.readFileSync(path.join(examples, 'tabular_bn.py'), 'utf8'));
		assert.strictEqual(r.models.length, 1);
		const m = r.models[0];
		assert.strictEqual(m.name, 'model');
		assert.deepStrictEqual(
			m.layers.map((l) => [l.type, l.outputShape, l.params?.total]),
			[
				['InputLayer', [null, 30], 0],
				['Dense', [null, 50], 1550],
				['BatchNormalization', [null, 50], 200],
				['Dense', [null, 5], 255],
			],
		);
		assert.deepStrictEqual(m.totals, {
			total: 2005,
			trainable: 1905,
			nonTrainable: 100,
			buffers: 0,
		});
		assert.deepStrictEqual(
			m.layers.map((l) => l.name),
			['input_layer', 'dense', 'batch_normalization', 'dense_1'],
		);
	});

	it('image Conv2D → BatchNormalization → Flatten → Dense in a notebook: 6,001,600 / 6,001,540 / 60', () => {
		const { result } = loadNotebook(path.join(examples, 'conv_bn.ipynb'));
		const m = result.models[0];
		assert.deepStrictEqual(
			m.layers.map((l) => [l.type, l.outputShape, l.params?.total]),
			[
				['InputLayer', [null, 100, 200, 3], 0],
				['Conv2D', [null, 100, 200, 30], 1470],
				['BatchNormalization', [null, 100, 200, 30], 120],
				['Flatten', [null, 600000], 0],
				['Dense', [null, 10], 6000010],
			],
		);
		assert.deepStrictEqual(m.totals, {
			total: 6001600,
			trainable: 6001540,
			nonTrainable: 60,
			buffers: 0,
		});
	});

	it('the contract carries 1-based lines and, for notebooks, cell and cellLine', () => {
		const { program, result } = loadNotebook(path.join(examples, 'conv_bn.ipynb'));
		const c = toContract('conv_bn.ipynb', result, program);
		const bn = c.models[0].layers.find((l) => l.type === 'BatchNormalization');
		// cell 2 (0-based, after the markdown and import cells), its third line
		assert.deepStrictEqual(
			{ cell: bn?.cell, cellLine: bn?.cellLine, line: bn?.line },
			{ cell: 2, cellLine: 3, line: 4 },
		);
		assert.deepStrictEqual(
			{
				params: bn?.params,
				trainable: bn?.trainable,
				nonTrainable: bn?.nonTrainable,
				buffers: bn?.buffers,
			},
			{ params: 120, trainable: 60, nonTrainable: 60, buffers: 0 },
		);
		assert.deepStrictEqual(c.models[0].totals, {
			total: 6001600,
			trainable: 6001540,
			nonTrainable: 60,
			buffers: 0,
		});
	});

	it('explains the image model BatchNormalization: reduced over batch, height, width; per-channel (30,)', () => {
		const { result } = loadNotebook(path.join(examples, 'conv_bn.ipynb'));
		const hit = layerOnLine(result, 3);
		assert.ok(hit);
		const e = explainLayer(hit.layer);
		assert.ok(e);
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
		assert.match(
			e.formula,
			/y\[n,h,w,c\] = γ\[c\] · \(x\[n,h,w,c\] − μ\[c\]\) \/ √\(σ²\[c\] \+ ε\) \+ β\[c\]/,
		);
		assert.match(e.formula, /M = N·100·200/);
		assert.match(e.formula, /c = 1…30/);
	});

	it('explains the tabular BatchNormalization: reduced over the batch only, one statistic per feature (50,)', () => {
		const r = analyzePython(fs.readFileSync(path.join(examples, 'tabular_bn.py'), 'utf8'));
		const bn = r.models[0].layers[2];
		const e = explainLayer(bn);
		assert.ok(e);
		assert.deepStrictEqual(e.axisNames, ['batch', 'features']);
		assert.deepStrictEqual(e.reducedAxes, [0]);
		assert.deepStrictEqual(e.statShape, [50]);
		assert.deepStrictEqual(e.paramShapes.gamma, [50]);
		assert.match(e.formula, /Σ_\{n\} x\[n,j\]/);
	});

	it('prints a summary table in the style of Keras model.summary()', () => {
		const r = analyzePython(fs.readFileSync(path.join(examples, 'tabular_bn.py'), 'utf8'));
		const text = summaryText(r.models[0]);
		assert.match(text, /batch_normalization \(BatchNormalization\)\s+\(None, 50\)\s+200/);
		assert.match(text, / Total params: 2,005 \(7\.83 KB\)/);
		assert.match(text, / Trainable params: 1,905/);
		assert.match(text, / Non-trainable params: 100 \(400\.00 B\)/);
	});
});
