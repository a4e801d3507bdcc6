import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython, IncrementalAnalyzer, mergeCallDetails } from '../../../src/core';
import { examples, fixtures } from '../paths';

/**
 * The editor's worker leaves torchinfo's per-call rows (and the costs, ops and outputs that come
 * with them) out of its first answer and sends them after (`deferCalls`): the panel then shows
 * them merged in. What it shows must be what `normlens summary --json` computes in one go.
 */
describe('PyTorch call rows sent after the result', () => {
	const files = [
		path.join(examples, 'torch_bn.py'),
		path.join(examples, 'torch_blocks.py'),
		path.join(examples, 'torch_unet.py'),
		...fs
			.readdirSync(path.join(fixtures, 'torch'))
			.filter((f) => f.endsWith('.py'))
			.map((f) => path.join(fixtures, 'torch', f)),
	];

	for (const file of files) {
		it(`${path.basename(file)}: the result, then its call rows merged in, equals one full analysis`, () => {
			const text = fs.readFileSync(file, 'utf8');
			const full = analyzePython(text);
			const analyzer = new IncrementalAnalyzer();
			const first = analyzer.analyze(text, { deferCalls: true });
			const torch = full.models.filter((m) => m.framework === 'torch');
			assert.ok(torch.length > 0, 'the file has PyTorch models');
			assert.strictEqual(first.callsDeferred, true);
			// Left out: no model of the first answer has call rows.
			assert.ok(first.models.every((m) => m.calls === undefined && m.ops === undefined));
			const details = analyzer.callDetails() ?? [];
			const withCalls = full.models.filter((m) => m.calls !== undefined).length;
			assert.strictEqual(
				details.filter((d) => d.calls !== undefined).length,
				withCalls,
				'one entry per model with call rows',
			);
			mergeCallDetails(first, details);
			assert.deepStrictEqual(
				JSON.parse(JSON.stringify(first)),
				JSON.parse(JSON.stringify(full)),
			);
			// Asked once: the analysis's objects are let go.
			assert.strictEqual(analyzer.callDetails(), null);
		});
	}

	it('a Keras-only file is not marked deferred', () => {
		const text = fs.readFileSync(path.join(examples, 'tabular_bn.py'), 'utf8');
		const r = new IncrementalAnalyzer().analyze(text, { deferCalls: true });
		assert.strictEqual(r.callsDeferred, undefined);
		assert.strictEqual(r.models[0]?.totals.total, 2005);
	});
});
