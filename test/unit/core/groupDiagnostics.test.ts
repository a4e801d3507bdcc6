import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython } from '../../../src/core';
import { fixtures } from '../paths';

/**
 * One diagnostic per source line and cause: Keras's ResNet50 as keras.applications of Keras 2.2 wrote
 * it (identity_block / conv_block helpers called 16 times) has 53 convolutions with a redundant bias
 * on 8 source lines; a user sees 8 warnings, each with the calls it stands for, the layers, what the
 * one fix saves in all, and that one fix.
 */
describe('diagnostics grouped by line', () => {
	const text = fs.readFileSync(path.join(fixtures, 'keras', 'resnet50.py'), 'utf8');
	const r = analyzePython(text);
	const bias = r.diagnostics
		.filter((d) => d.code === 'redundant-bias')
		.sort((a, b) => a.range.start.line - b.range.start.line);

	it('53 redundant biases on 8 lines: 8 warnings, with the calls each stands for', () => {
		assert.deepStrictEqual(
			bias.map((d) => [d.range.start.line + 1, d.calls ?? 1]),
			[
				[15, 12],
				[19, 12],
				[23, 12],
				[40, 4],
				[44, 4],
				[48, 4],
				[51, 4],
				[67, 1],
			],
		);
		const model = r.models[0];
		// Every Conv2D of this ResNet50 has a bias and a BatchNormalization after it: 53 of them.
		assert.strictEqual(model.layers.filter((l) => l.type === 'Conv2D').length, 53);
	});

	it('a grouped warning names the first and last layers, the parameters the one fix saves in all, and carries one fix', () => {
		const line15 = bias[0];
		assert.match(
			line15.message,
			/^This line runs 12 times \(`res2b_branch2a`, `res2c_branch2a`, `res3b_branch2a`, … `res5c_branch2a`\)/,
		);
		// The biases of those 12 convolutions: filters1 of stages 2–5 (64, 128, 256, 512) times their identity blocks (2, 3, 5, 2).
		const saved = 2 * 64 + 3 * 128 + 5 * 256 + 2 * 512;
		assert.ok(
			line15.message.includes(`to save ${saved.toLocaleString('en-US')} parameters in all`),
			line15.message,
		);
		assert.strictEqual(line15.fix?.edits.length, 1);
		assert.strictEqual(line15.fix?.title, 'Set use_bias=False');
		// Applied, the one edit removes all twelve.
		const lines = text.split('\n');
		const e = line15.fix?.edits[0];
		assert.ok(e && e.range.start.line === e.range.end.line);
		const at = lines[e.range.start.line];
		lines[e.range.start.line] =
			at.slice(0, e.range.start.character) + e.newText + at.slice(e.range.end.character);
		const after = analyzePython(lines.join('\n')).diagnostics.filter(
			(d) => d.code === 'redundant-bias',
		);
		assert.deepStrictEqual(
			after.map((d) => d.range.start.line + 1).sort((a, b) => a - b),
			[19, 23, 40, 44, 48, 51, 67],
		);
	});
});
