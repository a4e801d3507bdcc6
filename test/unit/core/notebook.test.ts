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
});
