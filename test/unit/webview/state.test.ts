import * as assert from 'assert';
import type { LayerExplanation, ModelSummary } from '../../../src/protocol/analysis';
import type { PanelRunResult, RunOptions, ToPanel } from '../../../src/protocol/webviewProtocol';
import {
	applyMessage,
	explainedLayers,
	explanationOf,
	initialView,
	PanelState,
	PanelView,
	restoredView,
	savedState,
} from '../../../src/webview/state';

/**
 * The inspection panel's state (src/webview/state.ts) in plain Node: what each message from the
 * extension changes and what it asks the screen to redraw — the rules the panel's focus and
 * restore behaviour rest on.
 */

const defaults: RunOptions = {
	batchSize: 8,
	seed: 1,
	distribution: 'uniform',
	mode: 'eval',
	useNpy: false,
};

function modelMessage(
	name: string,
	framework: 'keras' | 'torch',
	selected: string | null = null,
): Extract<ToPanel, { type: 'model' }> {
	const model = { name, framework, layers: [] } as unknown as ModelSummary;
	return {
		type: 'model',
		uri: 'file:///m.py',
		fileName: 'm.py',
		model,
		explanations: { texts: [], byLayer: {} },
		selected,
		counting: {} as Extract<ToPanel, { type: 'model' }>['counting'],
		defaults,
		npy: null,
	};
}

const result = (layerName: string) => ({ layerName }) as unknown as PanelRunResult;

function apply(v: PanelView, ...ms: ToPanel[]): { view: PanelView; redraws: string[] } {
	const redraws: string[] = [];
	for (const m of ms) {
		const r = applyMessage(v, m);
		v = r.view;
		redraws.push(r.redraw);
	}
	return { view: v, redraws };
}

describe('the inspection panel state', () => {
	it("a model: shown whole, in its framework's terms, with the settings' run defaults", () => {
		const { view, redraws } = apply(initialView(), modelMessage('net', 'torch', 'bn'));
		assert.deepStrictEqual(redraws, ['all']);
		assert.deepStrictEqual(
			[view.convention, view.selected, view.options],
			['torch', 'bn', defaults],
		);
	});

	it('a run of the layer shown redraws the run area only (the table keeps the keyboard focus); progress updates in place', () => {
		const { view, redraws } = apply(
			initialView(),
			modelMessage('net', 'keras', 'bn'),
			{ type: 'runStarted', layerName: 'bn', shape: [8, 4] },
			{ type: 'runProgress', fraction: 0.5 },
			{ type: 'runResult', result: result('bn') },
		);
		assert.deepStrictEqual(redraws, ['all', 'runArea', 'progress', 'runArea']);
		assert.deepStrictEqual(
			[view.running, view.latest, view.lastRun?.layerName, view.runFraction],
			[null, 'run', 'bn', 0.5],
		);
	});

	it('the same row selected again changes nothing; another row redraws', () => {
		const start = apply(initialView(), modelMessage('net', 'keras', 'bn')).view;
		assert.strictEqual(applyMessage(start, { type: 'select', layerName: 'bn' }).redraw, 'none');
		assert.strictEqual(
			applyMessage(start, { type: 'select', layerName: 'dense' }).redraw,
			'all',
		);
	});

	it("the same model again keeps its results; another model drops them and takes the new one's defaults", () => {
		const ran = apply(initialView(), modelMessage('net', 'keras', 'bn'), {
			type: 'runResult',
			result: result('bn'),
		}).view;
		assert.strictEqual(
			apply(ran, modelMessage('net', 'keras', 'bn')).view.lastRun?.layerName,
			'bn',
		);
		const other = apply(ran, modelMessage('other', 'torch')).view;
		assert.deepStrictEqual(
			[other.lastRun, other.latest, other.convention],
			[undefined, undefined, 'torch'],
		);
	});

	it('a comparison is running until every method that can run has answered', () => {
		const entries = [
			{ family: 'batch', explanation: {} },
			{ family: 'layer', explanation: {} },
			{ family: 'group', explanation: null },
		] as unknown as Extract<ToPanel, { type: 'compare' }>['entries'];
		const compare: ToPanel = {
			type: 'compare',
			layerName: 'bn',
			of: 'the input of bn',
			framework: 'keras',
			shape: [8, 4],
			channelAxis: 1,
			entries,
			options: defaults,
		};
		const half = apply(initialView(), modelMessage('net', 'keras'), compare, {
			type: 'compareResult',
			family: 'batch',
			result: result('bn'),
		}).view;
		assert.match(half.running ?? '', /^Comparing normalizations on \(8, 4\)/);
		const done = apply(half, { type: 'compareError', family: 'layer', message: 'no' }).view;
		assert.deepStrictEqual([done.running, done.compareResults.layer], [null, 'no']);
	});

	it('a reload restores what was shown, and a state without a model restores nothing', () => {
		const shown = apply(initialView(), modelMessage('net', 'torch', 'bn'), {
			type: 'runResult',
			result: result('bn'),
		}).view;
		const back = restoredView(JSON.parse(JSON.stringify(savedState(shown))), initialView());
		assert.deepStrictEqual(
			[back?.current?.model.name, back?.selected, back?.latest, back?.convention],
			['net', 'bn', 'run', 'torch'],
		);
		assert.strictEqual(restoredView({}, initialView()), undefined);
		assert.strictEqual(
			apply(shown, { type: 'empty', message: 'none' }).view.current,
			undefined,
		);
	});

	it('the summary view chosen (layers, tree or graph) is restored; a state saved with the two old switches reads as it showed', () => {
		const shown = apply(initialView(), modelMessage('net', 'torch', 'bn')).view;
		const saved = (summaryView: 'layers' | 'tree' | 'graph') =>
			JSON.parse(JSON.stringify(savedState({ ...shown, summaryView }))) as PanelState;
		for (const v of ['layers', 'tree', 'graph'] as const) {
			assert.strictEqual(restoredView(saved(v), initialView())?.summaryView, v);
		}
		// Before one choice there were two switches, and the graph won over the tree.
		const old = saved('layers');
		delete old.summaryView;
		const legacy = (tree: boolean, graph: boolean) =>
			restoredView({ ...old, tree, graph }, initialView())?.summaryView;
		assert.deepStrictEqual(
			[legacy(false, false), legacy(true, false), legacy(false, true), legacy(true, true)],
			['layers', 'tree', 'graph', 'graph'],
		);
	});

	it('layers built alike share one explanation; a state saved with one per layer reads the same', () => {
		const bn = { type: 'BatchNormalization', featureAxes: [3] } as unknown as LayerExplanation;
		const ln = {
			type: 'LayerNormalization',
			featureAxes: [1, 2, 3],
		} as unknown as LayerExplanation;
		const shared = {
			...modelMessage('net', 'keras', 'bn_2'),
			explanations: { texts: [bn, ln], byLayer: { bn_1: 0, bn_2: 0, ln: 1 } },
		};
		const view = apply(initialView(), shared).view;
		assert.deepStrictEqual(explanationOf(view.current, 'bn_2'), { ...bn, name: 'bn_2' });
		assert.deepStrictEqual(explanationOf(view.current, 'ln'), { ...ln, name: 'ln' });
		assert.strictEqual(explanationOf(view.current, 'dense'), undefined);
		assert.deepStrictEqual([...explainedLayers(shared)], ['bn_1', 'bn_2', 'ln']);
		// A panel state saved before: `explanations` by layer name, each whole.
		const old = JSON.parse(JSON.stringify(savedState(view))) as {
			model: { explanations: unknown };
		};
		old.model.explanations = {
			bn_1: { ...bn, name: 'bn_1' },
			bn_2: { ...bn, name: 'bn_2' },
		};
		const back = restoredView(old as never, initialView());
		assert.deepStrictEqual(explanationOf(back?.current, 'bn_2'), { ...bn, name: 'bn_2' });
		assert.strictEqual(explanationOf(back?.current, 'ln'), undefined);
	});
});
