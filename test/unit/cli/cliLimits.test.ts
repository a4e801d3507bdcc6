import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzePython } from '../../../src/core';
import { defaultLimits } from '../../../src/core/python/interpreter';
import { load } from '../../../src/cli/load';

/**
 * The CLI's answer must not depend on how busy the machine is: it keeps the step bound but not the
 * editor's 1.5 s wall-clock bound. Checked without timing anything: with the default wall-clock
 * bound made 0 ms, the editor's analysis stops at once while the CLI's still finds the model.
 */
describe('normlens CLI: bounds', () => {
	const saved = defaultLimits.maxMillis;
	let dir: string;
	before(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-cli-limits-'));
	});
	after(() => {
		defaultLimits.maxMillis = saved;
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it('a program with a long run of statements before its model: the CLI still reports the model', () => {
		// Straight-line code (a loop would be cut by its own share of the bounds, and the model after it still found).
		const text = [
			'import torch',
			'import torch.nn as nn',
			'total = 0',
			...Array.from({ length: 3000 }, (_, i) => `total += ${i % 7}`),
			'net = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8))',
		].join('\n');
		const file = path.join(dir, 'loop.py');
		fs.writeFileSync(file, text);
		defaultLimits.maxMillis = 0;
		const editor = analyzePython(text);
		assert.strictEqual(editor.models.length, 0, 'the editor bound (here 0 ms) stops the run');
		const cli = load(file).result;
		defaultLimits.maxMillis = saved;
		// Linear(4, 8): 40; BatchNorm1d(8): 16 parameters.
		assert.deepStrictEqual(
			cli.models.map((m) => [m.name, m.totals.total]),
			[['net', 56]],
		);
	});
});
