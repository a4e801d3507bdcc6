import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython } from '../../../src/core';
import { callCause, maxCallDepth, treeRows, visibleRows } from '../../../src/webview/callTree';
import type { ModelSummary } from '../../../src/protocol/analysis';
import { nestedFolded } from '../../../src/webview/state';
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

/**
 * The same tree over a Keras model's rows with nested models expanded (examples/keras_nested.py): it
 * opens as `model.summary()` prints the model, each nested model one folded row with all its
 * parameters (MobileNetV2 at 96×96 without its top: 2,257,984, the published figure), and unfolds
 * to the layers `model.summary(expand_nested=True)` lists under it.
 */
describe('the tree of a Keras model with nested models (panel)', () => {
	const model = analyzePython(
		fs.readFileSync(path.join(examples, 'keras_nested.py'), 'utf8'),
	).models.find((m) => m.name === 'model');
	const items = model?.nestedRows ?? [];
	const rows = treeRows(items);
	const names = (shown: ReturnType<typeof visibleRows>) => shown.map((s) => s.row.call.name);

	it('opens with the nested models folded: the rows model.summary() prints', () => {
		const shown = visibleRows(rows, new Set(nestedFolded(model as ModelSummary)), null);
		assert.deepStrictEqual(names(shown), [
			'flowers',
			'input_layer_1',
			'augment',
			'mobilenetv2_1.00_96',
			'global_average_pooling2d',
			'head',
		]);
		assert.deepStrictEqual(
			shown.map((s) => s.expanded),
			[true, undefined, false, false, undefined, false],
		);
		assert.deepStrictEqual(
			shown.map((s) => s.row.call.params),
			[2_340_485, 0, 0, 2_257_984, 0, 82_501],
		);
	});

	it('unfolds a nested model to its layers, one depth down, whose counts add up to its row', () => {
		const folded = new Set(nestedFolded(model as ModelSummary));
		folded.delete('1:head');
		const shown = visibleRows(rows, folded, null);
		const at = names(shown).indexOf('head');
		// Dense(64, use_bias=False) on 1,280 features, BatchNormalization(64), ReLU, Dropout, Dense(5) on 64.
		assert.deepStrictEqual(
			shown.slice(at + 1).map((s) => [s.row.call.depth, s.row.call.name, s.row.call.params]),
			[
				[2, 'dense', 1_280 * 64],
				[2, 'batch_normalization', 4 * 64],
				[2, 're_lu', 0],
				[2, 'dropout', 0],
				[2, 'dense_1', 64 * 5 + 5],
			],
		);
		const base = rows.find((r) => r.call.name === 'mobilenetv2_1.00_96');
		const inside = rows.filter((r) => r.parent === base?.index);
		// len(base_model.layers) of this base, InputLayer included: 154, as TensorFlow's transfer-learning tutorial prints it.
		assert.strictEqual(inside.length, 154);
		assert.strictEqual(
			inside.reduce((a, r) => a + (r.call.params ?? NaN), 0),
			2_257_984,
		);
		assert.strictEqual(maxCallDepth(items), 2);
		// The base is frozen: its row and its layers are not trainable (Keras's show_trainable N).
		assert.deepStrictEqual(
			[base?.call.trainable, inside.every((r) => !r.call.trainable)],
			[false, true],
		);
	});
});
