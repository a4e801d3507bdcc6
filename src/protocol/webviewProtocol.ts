import type { LayerExplanation, ModelSummary } from './analysis';

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
	elapsedMs: number;
	seed: number;
	/** ε of the layer: the std after normalization is σ/√(σ² + ε), just under 1. */
	epsilon: number;
	backend: string;
	histogramBefore: PanelHistogram;
	histogramAfter: PanelHistogram;
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
	| { type: 'model'; fileName: string; model: ModelSummary; explanations: Record<string, LayerExplanation>; selected: string | null }
	/** Select a layer row (the editor cursor moved). */
	| { type: 'select'; layerName: string }
	/** A sample-tensor run started / finished / failed. */
	| { type: 'runStarted'; layerName: string; shape: number[] }
	| { type: 'runResult'; result: PanelRunResult }
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
	/** The user asked to run a layer on a sample tensor. */
	| { type: 'runLayer'; layerName: string }
	/** The panel rendered a message; its visible text and how many typeset formulas and charts it
	 * shows, for tests and accessibility checks. */
	| { type: 'rendered'; kind: ToPanel['type']; text: string; formulas: number; charts: number };
//#endregion

const toPanelTypes: ReadonlySet<string> = new Set(['model', 'select', 'runStarted', 'runResult', 'runError', 'empty']);
const fromPanelTypes: ReadonlySet<string> = new Set(['ready', 'revealLayer', 'runLayer', 'rendered']);

/** Validates an untrusted message before it is handled (both directions). */
export function isToPanel(m: unknown): m is ToPanel {
	return typeof m === 'object' && m !== null && toPanelTypes.has((m as { type?: unknown }).type as string);
}

export function isFromPanel(m: unknown): m is FromPanel {
	if (typeof m !== 'object' || m === null || !fromPanelTypes.has((m as { type?: unknown }).type as string)) {
		return false;
	}
	const msg = m as Record<string, unknown>;
	switch (msg.type) {
		case 'revealLayer':
		case 'runLayer':
			return typeof msg.layerName === 'string';
		case 'rendered':
			return typeof msg.text === 'string' && typeof msg.kind === 'string' && typeof msg.formulas === 'number' && typeof msg.charts === 'number';
		default:
			return true;
	}
}
