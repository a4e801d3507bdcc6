import * as assert from 'assert';
import {
	analyzePython,
	buildProgram,
	locateLine,
	NotebookError,
	parseNotebook,
} from '../../../src/core';

const nb = (cells: { cell_type: string; source: string[] | string }[]) =>
	JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 });

describe('notebooks', () => {
	it('joins code cells in order and maps lines back to (cell, line)', () => {
		const cells = parseNotebook(
			nb([
				{ cell_type: 'markdown', source: ['# title'] },
				{
					cell_type: 'code',
					source: ['import tensorflow as tf\n', 'inp = tf.keras.Input((4,))'],
				},
				{
					cell_type: 'code',
					source: 'out = tf.keras.layers.Dense(2)(inp)\nmodel = tf.keras.Model(inp, out)',
				},
			]),
		);
		const program = buildProgram(cells.filter((c) => c.kind === 'code'));
		assert.deepStrictEqual(locateLine(program, 2), { cell: 2, cellLine: 0 });
		const r = analyzePython(program.text);
		assert.strictEqual(r.models[0].totals.total, 10);
	});

	it('IPython magics and shell escapes are blanked without shifting lines', () => {
		const program = buildProgram([
			{
				index: 0,
				source: '%matplotlib inline\n!pip install tensorflow\nimport tensorflow as tf',
			},
			{ index: 1, source: '%%bash\necho hi' },
			{
				index: 2,
				source: 'x = tf.keras.Input((3,))\ny = tf.keras.layers.Dense(1)(x)\nm = tf.keras.Model(x, y)',
			},
		]);
		const r = analyzePython(program.text);
		assert.ok(
			!r.diagnostics.some((d) => d.code === 'syntax-error'),
			JSON.stringify(r.diagnostics),
		);
		assert.strictEqual(r.models[0].range.start.line, 7);
		assert.deepStrictEqual(locateLine(program, 7), { cell: 2, cellLine: 2 });
	});

	it('invalid JSON gives a specific error', () => {
		assert.throws(
			() => parseNotebook('{"cells": [ '),
			(e: unknown) => e instanceof NotebookError && /not valid JSON/.test(e.message),
		);
		assert.throws(
			() => parseNotebook('{"metadata": {}}'),
			/no "cells" list \(nbformat 4\) nor "worksheets" \(nbformat 3\)/,
		);
		// nbformat 3 keeps its cells in worksheets: an empty one is an empty notebook, not an error.
		assert.deepStrictEqual(parseNotebook('{"nbformat": 3, "worksheets": []}'), []);
	});

	describe('a cell with a syntax error runs none of its statements, as Jupyter compiles each cell alone', () => {
		const analyzeCells = (sources: string[]) => {
			const program = buildProgram(sources.map((source, index) => ({ index, source })));
			return analyzePython(program.text, { cells: program.segments });
		};

		it("two brackets left open in one cell do not reach into the next one (Harvard CS109A's exercise cell lost the next cell's model: Keras printed 466)", () => {
			const r = analyzeCells([
				'import tensorflow as tf\nimport sklearn as sk',
				'print("AUC on train:", sk.metrics.roc_auc_score(---,---)\nprint("AUC on test:", sk.metrics.roc_auc_score(---,---)',
				"model = tf.keras.models.Sequential()\nmodel.add(tf.keras.layers.Dense(15, activation='tanh', input_shape=(13,)))\nmodel.add(tf.keras.layers.Dense(15, activation='tanh'))\nmodel.add(tf.keras.layers.Dense(1))",
			]);
			assert.strictEqual(r.models.find((m) => m.name === 'model')?.totals.total, 466);
			const errors = r.diagnostics.filter((d) => d.code === 'syntax-error');
			assert.ok(errors.length > 0 && errors.every((d) => d.range.start.line < 4));
			assert.match(errors[0].message, /Jupyter runs none of this cell/);
		});

		it("notes typed into a code cell (`tf, gpu = 0.15s`) never rebind `tf`: the later model is exact (Neuralearn's notebook lost four printed tables)", () => {
			const r = analyzeCells([
				'import tensorflow as tf\nfrom tensorflow.keras.layers import Dense, Input',
				'tf, gpu = 0.15s\ntf, cpu = 0.8s',
				'm = tf.keras.Sequential([Input(shape=(4,)), Dense(3)])',
			]);
			assert.strictEqual(r.models.find((m) => m.name === 'm')?.totals.total, 15);
		});

		it("a shell escape continued with `\\` is the command's over its lines, not an indented Python line (TensorFlow's course notebooks lost `tf` and a model)", () => {
			const r = analyzeCells([
				'!wget --no-check-certificate \\\n    https://storage.googleapis.com/x/rps.zip \\\n    -O /tmp/rps.zip\nimport tensorflow as tf',
				'm = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(3)])',
			]);
			assert.strictEqual(r.models.find((m) => m.name === 'm')?.totals.total, 15);
			assert.ok(!r.diagnostics.some((d) => d.code === 'syntax-error'));
		});

		it('a broken cell holding a character outside the BMP is blanked unit by unit: the cells after it keep their places', () => {
			const r = analyzeCells([
				"import torch.nn as nn\nx = '😀😀'",
				"print('😀' (",
				'net = nn.Sequential(nn.Linear(len(x), 2))',
			]);
			assert.strictEqual(r.models.find((m) => m.name === 'net')?.totals.total, 6);
			assert.deepStrictEqual(
				r.diagnostics
					.filter((d) => d.code === 'syntax-error')
					.map((d) => d.range.start.line),
				[2],
			);
		});

		it('in a file, a statement that shares its line with a syntax error is left out with it (`n_in = 8 gpu` assigned 8 to `n_in`: 18 parameters for code Python never runs)', () => {
			const r = analyzePython(
				'import torch.nn as nn\nn_in = 4\nn_in = 8 gpu\nnet = nn.Sequential(nn.Linear(n_in, 2))\n',
			);
			const net = r.models.find((m) => m.name === 'net');
			assert.strictEqual(net?.totals.total, null);
			assert.match(net?.unknown?.reason ?? '', /left out/);
			assert.ok(
				r.diagnostics.some((d) => d.code === 'syntax-error' && d.range.start.line === 2),
			);
		});
	});
});
