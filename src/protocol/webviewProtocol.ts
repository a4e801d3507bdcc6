// The typed messages between the extension and the inspection panel's webview.
import type {
	Framework,
	LayerExplanation,
	ModelSummary,
	ParamCounts,
	PrintedSummaryCheck,
} from './analysis';
import type {
	Distribution,
	Drift,
	NormalizeResult,
	RunMode,
	SimulateResult,
} from './engineProtocol';
import { distributions } from './engineProtocol';

/** The panel's run controls. */
export interface RunOptions {
	batchSize: number;
	seed: number;
	distribution: Distribution;
	mode: RunMode;
	/** Run on the loaded .npy file instead of a generated sample. */
	useNpy: boolean;
}

/**
 * What each normalization layer computes, each distinct text once: a ResNet50's 53 BatchNorms have
 * 9 distinct explanations, a model of 1,000 identical blocks one. Sent whole, they were 40 % of a
 * 1,000-layer model's message (about 1.9 KB a layer). `explanationOf` (webview/state.ts) reads one.
 */
export interface PanelExplanations {
	/** Each distinct explanation, without the layer's name. */
	texts: Omit<LayerExplanation, 'name'>[];
	/** Layer name → its explanation in `texts`. */
	byLayer: Record<string, number>;
}

/** A model's counts in one framework's convention (core's `countingView`). */
export interface PanelCounting {
	convention: Framework;
	layers: Record<string, ParamCounts | null>;
	totals: ModelSummary['totals'];
	note: string;
	/** Each layer's Param % (`1.19%`, `--`, `?`). */
	percents: Record<string, string>;
	/** Keras models: Keras 3's byte sizes of the totals (`89.98 MB`), and why they are `?`. */
	bytes?: { total: string; trainable: string; nonTrainable: string };
	bytesUnknown?: string;
}

/** torchinfo's cells of one call (ModelSummary.calls), formatted in core: [expanded, folded or at the depth limit]. */
export interface PanelCallCells {
	kernel: string;
	trainable: string;
	percent: [string, string];
	macs: [string, string];
	/** Why a `?` of this row (mult-adds, Param %) is there: `reason (where)`. */
	why?: string;
}

/** One line of torchinfo's footer (`Input size (kB)`, `6.33`), with why a `?` is there. */
export interface PanelFooterLine {
	label: string;
	value: string;
	why?: string;
}

/**
 * torchinfo's columns and footer for a PyTorch model's module tree; for a Keras model with nested
 * models, why each `?` of its expanded rows is there (its calls and footer are then empty).
 */
export interface PanelCosts {
	/** Parallel to `model.calls`. */
	calls: PanelCallCells[];
	footer: PanelFooterLine[];
	/** Keras: parallel to `model.nestedRows`, `reason (where)` for a row with a `?`. */
	nestedWhy?: (string | null)[];
}

/** One column of the compare view. */
export interface PanelCompareEntry {
	family: 'batch' | 'layer' | 'instance' | 'group';
	title: string;
	code: string;
	explanation: LayerExplanation | null;
	unavailable?: string;
}

/** Per-feature statistics as the panel receives them (plain arrays: C-sized, and serialised anyway
 * when the extension host is remote). */
export interface PanelStats {
	mean: number[];
	std: number[];
}

export interface PanelRunResult {
	layerName: string;
	shape: number[];
	features: number;
	groupSize: number;
	before: PanelStats;
	after: PanelStats;
	runningMean: number[] | null;
	runningVariance: number[] | null;
	maxMeanDeviation: number;
	maxStdDeviation: number;
	/** What the layer's form guarantees of y and how far the run is from it (NormalizeResult.guarantees). */
	guarantees: { property: string; worst: number }[];
	elapsedMs: number;
	seed: number;
	/** ε of the layer: the std after normalization is σ/√(σ² + ε), just under 1. */
	epsilon: number;
	backend: string;
	histogramBefore: PanelHistogram;
	histogramAfter: PanelHistogram;
	mode: RunMode;
	distribution: Distribution;
	/** `generated sample` or the .npy file's name. */
	source: string;
	/** Values that were NaN or ±Inf (their features' statistics are NaN). */
	nonFinite: number;
	/** Engine time per phase (ms): making the input, statistics, normalize, statistics of y. */
	phases: { input: number; stats: number; normalize: number; statsAfter: number };
	/** The compare view's measure of what a method leaves: y per sample and per channel (NormalizeResult.views). */
	views?: NormalizeResult['views'];
}

/** One reason behind a `?` in the summary, worded by the extension (the panel only shows it). */
export interface PanelUnknownCause {
	/** The layer whose count or shape is unknown; `null` for the model's totals. */
	layerName: string | null;
	/** What is unknown: `totals`, `params`, `output shape`. */
	what: 'totals' | 'params' | 'output shape';
	/** Why, as the analysis says it (may quote source in backticks). */
	reason: string;
	/** Where the cause is: `line 3`, or `cell 2, line 3` in a notebook. */
	where: string;
}

/** A summary the notebook printed for the shown model, against NormLens's counts (core's check), and where its call is. */
export interface PanelPrintedCheck extends Omit<PrintedSummaryCheck, 'range'> {
	/** `cell 5, line 2`. */
	where: string;
}

/** The panel's simulation controls: K steps and the input's drift. */
export interface SimulationOptions {
	steps: number;
	drift: Drift;
}

/** What the panel shows of a training-steps simulation (all plain data: the message is serialised). */
export interface PanelSimulation {
	layerName: string;
	type: string;
	seed: number;
	distribution: Distribution;
	/** The running statistics' update in the framework's words (null: the layer keeps none). */
	momentumRule: string | null;
	result: SimulateResult;
}

/** Counts of values in equal-width bins between lo and hi. */
export interface PanelHistogram {
	lo: number;
	hi: number;
	counts: number[];
}

//#region extension → panel
export type ToPanel =
	/** Show a model: its summary table and the explanation of each normalization layer. */
	| {
			type: 'model';
			/** The document's URI, so that a restored panel can find its document again. */
			uri: string;
			fileName: string;
			model: ModelSummary;
			explanations: PanelExplanations;
			selected: string | null;
			counting: Record<Framework, PanelCounting>;
			/** Run controls' initial values (from the settings). */
			defaults: RunOptions;
			/** The loaded .npy file, if any, and the layer of this model it is the input of (null: another model's). */
			npy: { name: string; shape: number[]; layerName: string | null } | null;
			/** Why each `?` is there: the totals' cause first, then each layer's (absent in states saved before causes existed). */
			causes?: PanelUnknownCause[];
			/** The summaries the notebook printed for this model, each held against NormLens's rows (absent: none). */
			printed?: PanelPrintedCheck[];
			/** torchinfo's columns and footer, where the model has calls (absent in states saved before). */
			costs?: PanelCosts;
	  }
	/** Select a layer row (the editor cursor moved). */
	| { type: 'select'; layerName: string }
	/** A sample-tensor run started / finished / failed. */
	| { type: 'runStarted'; layerName: string; shape: number[] }
	/** How far the run or comparison in progress is, 0 – 1 (polled from the engine's workers). */
	| { type: 'runProgress'; fraction: number }
	/** A .npy file was loaded as the input of `layerName` (or cleared: all `null`). */
	| { type: 'npy'; name: string | null; shape: number[] | null; layerName: string | null }
	/** The compare view: four normalizations of one input, then each one's run. */
	| {
			type: 'compare';
			layerName: string;
			/** e.g. "the input of batch_normalization" */ of: string;
			framework: Framework;
			shape: number[];
			channelAxis: number;
			entries: PanelCompareEntry[];
			options: RunOptions;
	  }
	| { type: 'compareResult'; family: PanelCompareEntry['family']; result: PanelRunResult }
	| { type: 'compareError'; family: PanelCompareEntry['family']; message: string }
	| { type: 'runResult'; result: PanelRunResult }
	/** Simulate Training Steps started on a layer (its progress comes as runProgress, a failure as runError). */
	| { type: 'simulateStarted'; layerName: string; shape: number[]; steps: number }
	| { type: 'simulateResult'; result: PanelSimulation }
	| { type: 'runError'; layerName: string; message: string }
	/** Nothing to show (no model in the active editor). */
	| { type: 'empty'; message: string };
//#endregion

//#region panel → extension
export type FromPanel =
	/** The panel's script is loaded and can receive state. */
	| { type: 'ready' }
	/** The user picked a row; reveal the layer in the editor. */
	| { type: 'revealLayer'; layerName: string }
	/** The user clicked a cause of a `?`: select the construct behind it in the editor (`layerName` null: the totals' cause). */
	| { type: 'revealCause'; layerName: string | null }
	/** The user asked to see the call that printed the model's `index`-th printed summary. */
	| { type: 'revealPrinted'; index: number }
	/** The user chose a merge op of the graph view (`ModelSummary.ops[index]`): reveal where it is written. */
	| { type: 'revealOp'; index: number }
	/** The user asked to run a layer on a sample tensor. */
	| { type: 'runLayer'; layerName: string; options: RunOptions }
	/** The user asked to compare BN, LN, IN and GN on this layer's input. */
	| { type: 'compareLayer'; layerName: string; options: RunOptions }
	/** The user asked to simulate K training steps of this layer. */
	| {
			type: 'simulateLayer';
			layerName: string;
			options: RunOptions;
			simulation: SimulationOptions;
	  }
	/** Stop the running sample run or comparison. */
	| { type: 'cancelRun' }
	/** Choose a .npy file as the sample source, or drop it. */
	| { type: 'pickNpy' }
	| { type: 'clearNpy' }
	/** The panel rendered a message; its visible text and how many typeset formulas and charts it
	 * shows, for tests and accessibility checks. */
	| {
			type: 'rendered';
			kind: ToPanel['type'];
			text: string;
			formulas: number;
			charts: number;
			/** The number the extension gave the message this render drew (`seq`), when it had one. */
			seq?: number;
	  };
//#endregion

const toPanelTypes: ReadonlySet<string> = new Set([
	'model',
	'select',
	'runStarted',
	'runProgress',
	'runResult',
	'runError',
	'simulateStarted',
	'simulateResult',
	'npy',
	'compare',
	'compareResult',
	'compareError',
	'empty',
]);
const fromPanelTypes: ReadonlySet<string> = new Set([
	'ready',
	'revealLayer',
	'revealCause',
	'revealPrinted',
	'revealOp',
	'runLayer',
	'compareLayer',
	'simulateLayer',
	'cancelRun',
	'pickNpy',
	'clearNpy',
	'rendered',
]);

/** Run options as the panel sends them: every field checked, sizes bounded (the panel is untrusted). */
export function isRunOptions(o: unknown): o is RunOptions {
	if (typeof o !== 'object' || o === null) {
		return false;
	}
	const r = o as Record<string, unknown>;
	return (
		typeof r.batchSize === 'number' &&
		Number.isInteger(r.batchSize) &&
		r.batchSize >= 1 &&
		r.batchSize <= 65536 &&
		typeof r.seed === 'number' &&
		Number.isInteger(r.seed) &&
		Math.abs(r.seed) <= 2 ** 31 &&
		distributions.includes(r.distribution as Distribution) &&
		(r.mode === 'train' || r.mode === 'eval') &&
		typeof r.useNpy === 'boolean'
	);
}

/** Simulation options as the panel sends them: steps bounded, drift finite with a positive scale. */
export function isSimulationOptions(o: unknown): o is SimulationOptions {
	if (!isObject(o) || !isObject(o.drift)) {
		return false;
	}
	const { shift, scale } = o.drift;
	return (
		typeof o.steps === 'number' &&
		Number.isInteger(o.steps) &&
		o.steps >= 1 &&
		o.steps <= 10_000 &&
		typeof shift === 'number' &&
		Number.isFinite(shift) &&
		Math.abs(shift) <= 100 &&
		typeof scale === 'number' &&
		scale > 0 &&
		scale <= 100
	);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isShape = (v: unknown): v is number[] =>
	Array.isArray(v) && v.every((d) => typeof d === 'number');

const isCause = (c: unknown): boolean =>
	isObject(c) &&
	(typeof c.layerName === 'string' || c.layerName === null) &&
	typeof c.what === 'string' &&
	typeof c.reason === 'string' &&
	typeof c.where === 'string';

/** Validates a message before the panel renders it: its type and the fields that type needs. */
export function isToPanel(m: unknown): m is ToPanel {
	if (!isObject(m) || !toPanelTypes.has(m.type as string)) {
		return false;
	}
	switch (m.type) {
		case 'model':
			return (
				typeof m.uri === 'string' &&
				typeof m.fileName === 'string' &&
				isObject(m.model) &&
				Array.isArray(m.model.layers) &&
				isObject(m.explanations) &&
				Array.isArray(m.explanations.texts) &&
				isObject(m.explanations.byLayer) &&
				isObject(m.counting) &&
				isRunOptions(m.defaults) &&
				(m.causes === undefined || (Array.isArray(m.causes) && m.causes.every(isCause)))
			);
		case 'select':
			return typeof m.layerName === 'string';
		case 'runStarted':
			return typeof m.layerName === 'string' && isShape(m.shape);
		case 'runProgress':
			return typeof m.fraction === 'number' && m.fraction >= 0 && m.fraction <= 1;
		case 'runResult':
			return (
				isObject(m.result) &&
				typeof m.result.layerName === 'string' &&
				isObject(m.result.before) &&
				isObject(m.result.after)
			);
		case 'runError':
			return typeof m.layerName === 'string' && typeof m.message === 'string';
		case 'simulateStarted':
			return (
				typeof m.layerName === 'string' && isShape(m.shape) && typeof m.steps === 'number'
			);
		case 'simulateResult':
			return (
				isObject(m.result) &&
				typeof m.result.layerName === 'string' &&
				isObject(m.result.result) &&
				Array.isArray(m.result.result.noise) &&
				isObject(m.result.result.trace)
			);
		case 'npy':
			return (
				(m.name === null && m.shape === null && m.layerName === null) ||
				(typeof m.name === 'string' &&
					isShape(m.shape) &&
					(typeof m.layerName === 'string' || m.layerName === null))
			);
		case 'compare':
			return (
				typeof m.layerName === 'string' &&
				isShape(m.shape) &&
				Array.isArray(m.entries) &&
				isRunOptions(m.options)
			);
		case 'compareResult':
			return typeof m.family === 'string' && isObject(m.result);
		case 'compareError':
			return typeof m.family === 'string' && typeof m.message === 'string';
		default:
			return typeof m.message === 'string';
	}
}

export function isFromPanel(m: unknown): m is FromPanel {
	if (
		typeof m !== 'object' ||
		m === null ||
		!fromPanelTypes.has((m as { type?: unknown }).type as string)
	) {
		return false;
	}
	const msg = m as Record<string, unknown>;
	switch (msg.type) {
		case 'revealLayer':
			return typeof msg.layerName === 'string';
		case 'revealCause':
			return typeof msg.layerName === 'string' || msg.layerName === null;
		case 'revealPrinted':
		case 'revealOp':
			return typeof msg.index === 'number' && Number.isInteger(msg.index) && msg.index >= 0;
		case 'runLayer':
		case 'compareLayer':
			return typeof msg.layerName === 'string' && isRunOptions(msg.options);
		case 'simulateLayer':
			return (
				typeof msg.layerName === 'string' &&
				isRunOptions(msg.options) &&
				isSimulationOptions(msg.simulation)
			);
		case 'rendered':
			return (
				typeof msg.text === 'string' &&
				typeof msg.kind === 'string' &&
				typeof msg.formulas === 'number' &&
				typeof msg.charts === 'number'
			);
		default:
			return true;
	}
}
