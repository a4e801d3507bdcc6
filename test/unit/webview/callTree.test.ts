import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython } from '../../../src/core';
import { callCause, maxCallDepth, treeRows, visibleRows } from '../../../src/webview/callTree';
import { examples } from '../paths';

/**
 * The panel's module tree (src/webview/callTree.ts) on the bundled example examples/torch_blocks.py,
 * whose forward NormLens follows: the parents, what a fold and a depth limit hide, and the
 * container rows' parameters — each module with its submodules, worked out here from the layer
 * sizes (3·16·3·3 + 2·16 for the stem), and 27,098 in all as real PyTorch counts it.
 */
describe('the module tree of a PyTorch forward (panel)', () => {
	const model = analyzePython(
		fs.readFileSync(path.join(examples, 'torch_blocks.py'), 'utf8'),
	).models.find((m) => m.name === 'model');
	const calls = model?.calls ?? [];
	const rows = treeRows(calls);
	const names = (shown: ReturnType<typeof visibleRows>) => shown.map((s) => s.row.call.name);

	it('has one row per call, each under the module that called it', () => {
		assert.strictEqual(rows.length, 22);
		const parentOf = (name: string) => {
			const r = rows.find((x) => x.call.name === name);
			return r?.parent === null || r?.parent === undefined ? null : calls[r.parent].name;
		};
		assert.strictEqual(parentOf('model'), null);
		assert.strictEqual(parentOf('stem'), 'model');
		assert.strictEqual(parentOf('stages.0.shortcut.1'), 'stages.0.shortcut');
		assert.strictEqual(parentOf('stages.0.act'), 'stages.0');
		assert.strictEqual(parentOf('pool'), 'model');
		assert.deepStrictEqual(
			rows.filter((r) => r.hasChildren).map((r) => r.call.name),
			[
				'model',
				'stem',
				'stages',
				'stages.0',
				'stages.0.shortcut',
				'stages.1',
				'stages.1.shortcut',
			],
		);
		assert.strictEqual(maxCallDepth(calls), 4);
	});

	it('container rows count their submodules: the stem, a block, the stages, the model', () => {
		const params = (name: string) => calls.find((c) => c.name === name)?.params;
		assert.strictEqual(params('stem'), 3 * 16 * 9 + 2 * 16);
		assert.strictEqual(params('stages.0'), 16 * 32 * 9 + 2 * 32 + 16 * 32 + 2 * 32);
		assert.strictEqual(params('stages'), 5248 + 32 * 64 * 9 + 2 * 64 + 32 * 64 + 2 * 64);
		assert.strictEqual(params('model'), 27_098);
	});

	it('a folded row hides everything below it, and only that', () => {
		const shown = visibleRows(rows, new Set(['2:stages.0']), null);
		assert.deepStrictEqual(names(shown).slice(4, 8), [
			'stem.2',
			'stages',
			'stages.0',
			'stages.1',
		]);
		assert.strictEqual(shown.length, 22 - 6); // its conv, bn, act, shortcut and the shortcut's two
		assert.strictEqual(shown.find((s) => s.row.call.name === 'stages.0')?.expanded, false);
		assert.strictEqual(shown.find((s) => s.row.call.name === 'stages.1')?.expanded, true);
		assert.strictEqual(shown.find((s) => s.row.call.name === 'head')?.expanded, undefined);
	});

	it('a depth limit shows the modules down to it, those with children folded', () => {
		const shown = visibleRows(rows, new Set(), 1);
		assert.deepStrictEqual(names(shown), ['model', 'stem', 'stages', 'pool', 'head']);
		assert.deepStrictEqual(
			shown.map((s) => s.expanded),
			[true, false, false, undefined, undefined],
		);
		assert.strictEqual(visibleRows(rows, new Set(), null).length, 22);
		assert.strictEqual(visibleRows(rows, new Set(['0:model']), null).length, 1);
	});

	it("a `?` row says why: its own cause, a submodule's, or for the model the totals'", () => {
		const call = (name: string) => calls.find((c) => c.name === name) as (typeof calls)[0];
		const bn = {
			layerName: 'stages.1.bn',
			what: 'params' as const,
			reason: 'NormLens cannot read `n`',
			where: 'line 9',
		};
		const totals = { ...bn, layerName: null, what: 'totals' as const };
		assert.strictEqual(callCause(call('stages.1.bn'), [bn]), bn);
		assert.strictEqual(callCause(call('stages.1'), [bn]), bn);
		assert.strictEqual(callCause(call('stages'), [bn]), bn);
		assert.strictEqual(callCause(call('model'), [bn]), bn);
		assert.strictEqual(callCause(call('stages.0'), [bn]), undefined);
		assert.strictEqual(callCause(call('stem'), [bn, totals]), undefined);
		assert.strictEqual(callCause(call('model'), [totals]), totals);
	});
});
