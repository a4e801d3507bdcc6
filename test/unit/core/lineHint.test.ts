import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython, lineHint } from '../../../src/core';
import type { LayerSummary } from '../../../src/protocol/analysis';
import { fixtures } from '../paths';

/** One inlay hint per line: a line that builds several layers (a helper called 12 times) is one short hint. */
describe('inlay hint of a line', () => {
	const r = analyzePython(fs.readFileSync(path.join(fixtures, 'keras', 'resnet50.py'), 'utf8'));
	const byLine = new Map<number, LayerSummary[]>();
	for (const l of r.models[0].layers) {
		byLine.set(l.range.end.line, [...(byLine.get(l.range.end.line) ?? []), l]);
	}

	it('a line that builds one layer: its shape and params', () => {
		const one = [...byLine.values()].find(
			(ls) => ls.length === 1 && ls[0].type === 'Conv2D',
		) as LayerSummary[];
		assert.match(lineHint(one).label, /^→ \(None, \d+, \d+, \d+\) · [\d,]+ params$/);
	});

	it("identity_block's first convolution, 12 calls of different sizes: one hint with the count and the range, every layer in the tooltip", () => {
		const line15 = byLine.get(14) as LayerSummary[];
		assert.strictEqual(line15.length, 12);
		const { label, tooltip } = lineHint(line15);
		const counts = line15.map((l) => l.params?.total as number);
		assert.strictEqual(
			label,
			`→ 12 layers · ${Math.min(...counts).toLocaleString('en-US')}–${Math.max(...counts).toLocaleString('en-US')} params`,
		);
		assert.strictEqual(tooltip.split('\n').length, 13);
		assert.match(
			tooltip,
			/^This line builds 12 layers:\nres2b_branch2a \(Conv2D\) → \(None, 56, 56, 64\) · 16,448 params/,
		);
	});

	it('layers that agree are told once: their shape and params each', () => {
		const conv = r.models[0].layers.find((l) => l.name === 'res2b_branch2a') as LayerSummary;
		assert.strictEqual(
			lineHint([conv, { ...conv, name: 'again' }]).label,
			'→ 2 layers · (None, 56, 56, 64) · 16,448 params each',
		);
	});
});
