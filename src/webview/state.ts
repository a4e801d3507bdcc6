// What the inspection panel shows, and how each message from the extension changes it: a pure
// module (no DOM, no VS Code API), so that its transitions are tested in plain Node.
import type { Framework, LayerExplanation, ModelSummary } from '../protocol/analysis';
import { rowKey } from './callTree';
import type {
	PanelExplanations,
	PanelRunResult,
	PanelSimulation,
	RunOptions,
	SimulationOptions,
	ToPanel,
} from '../protocol/webviewProtocol';

export type ModelMessage = Extract<ToPanel, { type: 'model' }>;

/** What normalization layer `name` of the shown model computes (undefined: not a normalization layer). */
export function explanationOf(
	m: ModelMessage | undefined,
	name: string,
): LayerExplanation | undefined {
	const i = m?.explanations.byLayer[name];
	return m && i !== undefined ? { ...m.explanations.texts[i], name } : undefined;
}

/** The layers of the shown model that have an explanation (its normalization layers). */
export function explainedLayers(m: ModelMessage): Set<string> {
	return new Set(Object.keys(m.explanations.byLayer));
}

/** A state saved before explanations were shared (one per layer by name) in today's form. */
function sharedExplanations(e: unknown): PanelExplanations {
	if (typeof e === 'object' && e !== null && 'byLayer' in e && 'texts' in e) {
		return e as PanelExplanations;
	}
	const out: PanelExplanations = { texts: [], byLayer: {} };
	for (const [name, x] of Object.entries((e ?? {}) as Record<string, LayerExplanation>)) {
		out.byLayer[name] = out.texts.push(x) - 1;
	}
	return out;
}
export type CompareMessage = Extract<ToPanel, { type: 'compare' }>;

/** The loaded .npy and the layer whose input it is (null: a layer of another model). */
export type NpyState = { name: string; shape: number[]; layerName?: string | null };

/** Which result of the selected layer is shown: its last run, comparison or simulation, whichever came last. */
export type Latest = 'run' | 'compare' | 'simulate';

/** Everything the panel shows. */
export interface PanelView {
	current: ModelMessage | undefined;
	selected: string | null;
	lastRun: PanelRunResult | undefined;
	compare: CompareMessage | undefined;
	compareResults: Record<string, PanelRunResult | string>;
	convention: Framework;
	options: RunOptions;
	npy: NpyState | null;
	simulation: PanelSimulation | undefined;
	simulationOptions: SimulationOptions;
	latest: Latest | undefined;
	/** A run or comparison is in progress (shows progress and Cancel). */
	running: string | null;
	/** How far it is (0 – 1), once the engine has reported; indeterminate before. */
	runFraction: number | null;
	runError: string | null;
	/**
	 * How the summary is shown: the layer list, the tree (torchinfo's module tree of a PyTorch
	 * forward, a Keras model with its nested models expanded) or the data-flow graph (graphView.ts).
	 * A model without that view shows its layers; the choice stays for the next model.
	 */
	summaryView: SummaryViewChoice;
	/** The tree's folded rows (callTree.ts's keys) and its depth limit (null: every depth). */
	folded: string[];
	treeDepth: number | null;
}

/** The summary's three views (PanelView.summaryView). */
export type SummaryViewChoice = 'layers' | 'tree' | 'graph';

/** What the webview keeps across a window reload (VS Code's webview state). */
export interface PanelState {
	model?: ModelMessage;
	selected?: string | null;
	lastRun?: PanelRunResult;
	compare?: CompareMessage;
	compareResults?: Record<string, PanelRunResult | string>;
	convention?: Framework;
	options?: RunOptions;
	npy?: NpyState | null;
	simulation?: PanelSimulation;
	simulationOptions?: SimulationOptions;
	latest?: Latest;
	summaryView?: SummaryViewChoice;
	/** How states saved before `summaryView` said it (graph won over tree). */
	tree?: boolean;
	graph?: boolean;
	folded?: string[];
	treeDepth?: number | null;
}

/**
 * What a message asks of the screen: a full render, the run controls and results only (a run of
 * the layer shown: redrawing the table would move the keyboard focus), the progress bar in place,
 * the empty message, or nothing.
 */
export type Redraw = 'all' | 'runArea' | 'progress' | 'empty' | 'none';

export function initialView(): PanelView {
	return {
		current: undefined,
		selected: null,
		lastRun: undefined,
		compare: undefined,
		compareResults: {},
		convention: 'keras',
		options: { batchSize: 32, seed: 42, distribution: 'normal', mode: 'train', useNpy: false },
		npy: null,
		simulation: undefined,
		simulationOptions: { steps: 200, drift: { shift: 0, scale: 1 } },
		latest: undefined,
		running: null,
		runFraction: null,
		runError: null,
		summaryView: 'layers',
		folded: [],
		treeDepth: null,
	};
}

/**
 * The rows a model's tree opens folded: a Keras model's nested models (its tree opens as
 * `model.summary()` prints it, each nested model one row that unfolds); none of a PyTorch module tree.
 */
export function nestedFolded(model: ModelSummary): string[] {
	const rows = model.nestedRows ?? [];
	return rows.filter((r, i) => r.depth > 0 && (rows[i + 1]?.depth ?? 0) > r.depth).map(rowKey);
}

/** The view after message `m` from the extension, and what to redraw. */
export function applyMessage(v: PanelView, m: ToPanel): { view: PanelView; redraw: Redraw } {
	switch (m.type) {
		case 'model': {
			const sameModel = v.current?.uri === m.uri && v.current.model.name === m.model.name;
			// Another model: its results and run settings start afresh, in its framework's terms.
			const fresh: Partial<PanelView> = sameModel
				? {}
				: {
						convention: m.model.framework,
						lastRun: undefined,
						compare: undefined,
						simulation: undefined,
						latest: undefined,
						compareResults: {},
						options: { ...m.defaults, useNpy: v.options.useNpy && m.npy !== null },
						folded: nestedFolded(m.model),
						treeDepth: null,
					};
			return {
				view: {
					...v,
					...fresh,
					current: m,
					selected: m.selected,
					npy: m.npy,
					runError: null,
				},
				redraw: 'all',
			};
		}
		case 'select':
			// The same row again (the cursor moved within its layer) changes nothing on screen.
			return v.selected === m.layerName
				? { view: v, redraw: 'none' }
				: { view: { ...v, selected: m.layerName }, redraw: 'all' };
		case 'npy': {
			const npy =
				m.name && m.shape ? { name: m.name, shape: m.shape, layerName: m.layerName } : null;
			return {
				view: { ...v, npy, options: { ...v.options, useNpy: npy !== null } },
				redraw: 'all',
			};
		}
		case 'runProgress':
			return { view: { ...v, runFraction: m.fraction }, redraw: 'progress' };
		case 'runStarted':
			return {
				view: {
					...v,
					runFraction: null,
					running: `Running ${m.layerName} on (${m.shape.join(', ')})…`,
					runError: null,
					selected: m.layerName,
				},
				redraw: 'runArea',
			};
		case 'runResult':
			return {
				view: {
					...v,
					running: null,
					lastRun: m.result,
					compare: undefined,
					latest: 'run',
					selected: m.result.layerName,
				},
				redraw: 'runArea',
			};
		case 'simulateStarted':
			return {
				view: {
					...v,
					runFraction: null,
					running: `Simulating ${m.steps} training steps of ${m.layerName} on (${m.shape.join(', ')})…`,
					runError: null,
					selected: m.layerName,
				},
				redraw: 'runArea',
			};
		case 'simulateResult':
			return {
				view: {
					...v,
					running: null,
					simulation: m.result,
					latest: 'simulate',
					selected: m.result.layerName,
				},
				redraw: 'runArea',
			};
		case 'runError':
			return { view: { ...v, running: null, runError: m.message }, redraw: 'runArea' };
		case 'compare':
			return {
				view: {
					...v,
					compare: m,
					latest: 'compare',
					compareResults: {},
					selected: m.layerName,
					runFraction: null,
					running: `Comparing normalizations on (${m.shape.join(', ')})…`,
					runError: null,
				},
				redraw: 'runArea',
			};
		case 'compareResult':
		case 'compareError': {
			const compareResults = {
				...v.compareResults,
				[m.family]: m.type === 'compareResult' ? m.result : m.message,
			};
			// Done when every method that can run has answered.
			const done =
				v.compare !== undefined &&
				v.compare.entries.every(
					(e) => !e.explanation || compareResults[e.family] !== undefined,
				);
			return {
				view: { ...v, compareResults, running: done ? null : v.running },
				redraw: 'runArea',
			};
		}
		case 'empty':
			return { view: { ...v, current: undefined }, redraw: 'empty' };
		default: {
			const never: never = m;
			return never;
		}
	}
}

/** What is saved for a window reload. */
export function savedState(v: PanelView): PanelState {
	return {
		model: v.current,
		selected: v.selected,
		lastRun: v.lastRun,
		compare: v.compare,
		compareResults: v.compareResults,
		convention: v.convention,
		options: v.options,
		npy: v.npy,
		simulation: v.simulation,
		simulationOptions: v.simulationOptions,
		latest: v.latest,
		summaryView: v.summaryView,
		folded: v.folded,
		treeDepth: v.treeDepth,
	};
}

/** The view a reloaded window restores from its saved state; undefined when it held no model. */
export function restoredView(
	saved: PanelState | undefined,
	base: PanelView,
): PanelView | undefined {
	if (!saved?.model || saved.model.type !== 'model') {
		return undefined;
	}
	return {
		...base,
		current: { ...saved.model, explanations: sharedExplanations(saved.model.explanations) },
		selected: saved.selected ?? saved.model.selected,
		lastRun: saved.lastRun,
		compare: saved.compare,
		compareResults: saved.compareResults ?? {},
		convention: saved.convention ?? saved.model.model.framework,
		options: saved.options ?? saved.model.defaults,
		npy: saved.npy ?? null,
		simulation: saved.simulation,
		simulationOptions: saved.simulationOptions ?? base.simulationOptions,
		latest: saved.latest ?? (saved.compare ? 'compare' : saved.lastRun ? 'run' : undefined),
		summaryView: saved.summaryView ?? (saved.graph ? 'graph' : saved.tree ? 'tree' : 'layers'),
		folded: saved.folded ?? [],
		treeDepth: saved.treeDepth ?? null,
	};
}
