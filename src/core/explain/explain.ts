// A normalization layer's explanation from its catalogue row and arguments: axes, shapes, formula, running statistics.
import type { LayerExplanation, LayerSummary, Shape } from '../../protocol/analysis';
import type { NormalizeForm } from '../../protocol/engineProtocol';
import { facts, NormalizationFacts } from './facts';

/** Every normalization kind NormLens explains and runs, as `framework:Type` (the kernel table's rows). */
export function normalizationKinds(): { kind: string; family: string; form: NormalizeForm }[] {
	return Object.entries(facts).map(([kind, f]) => ({ kind, family: f.family, form: f.form }));
}

/** Whether NormLens can explain this layer type. */
export function isNormalization(layer: Pick<LayerSummary, 'framework' | 'type'>): boolean {
	return `${layer.framework}:${layer.type}` in facts;
}

const channelsLastNames: Record<number, string[]> = {
	2: ['batch', 'features'],
	3: ['batch', 'steps', 'channels'],
	4: ['batch', 'height', 'width', 'channels'],
	5: ['batch', 'depth', 'height', 'width', 'channels'],
};

const channelsFirstNames: Record<number, string[]> = {
	2: ['batch', 'features'],
	3: ['batch', 'channels', 'length'],
	4: ['batch', 'channels', 'height', 'width'],
	5: ['batch', 'channels', 'depth', 'height', 'width'],
};

const indexLetter: Record<string, string> = {
	batch: 'n',
	features: 'j',
	channels: 'c',
	steps: 't',
	length: 'l',
	sequence: 't',
	height: 'h',
	width: 'w',
	depth: 'd',
};

/** Names for the axes of an input, given which axis carries the features. */
export function axisNames(rank: number, featureAxis: number | undefined): string[] {
	const last = channelsLastNames[rank];
	if (last && (featureAxis === undefined || featureAxis === rank - 1)) {
		return last;
	}
	if (channelsFirstNames[rank] && featureAxis === 1) {
		return channelsFirstNames[rank];
	}
	return Array.from({ length: rank }, (_, i) => (i === 0 ? 'batch' : `axis${i}`));
}

function letters(names: string[]): string[] {
	return names.map((n, i) => indexLetter[n] ?? `i${i}`);
}

function normalizeAxes(value: unknown, rank: number): number[] | null {
	const list = typeof value === 'number' ? [value] : Array.isArray(value) ? value : null;
	if (!list || !list.every((a) => typeof a === 'number' && Number.isInteger(a))) {
		return null;
	}
	const out = (list as number[]).map((a) => (a < 0 ? rank + a : a));
	return out.every((a) => a >= 0 && a < rank) ? [...new Set(out)].sort((a, b) => a - b) : null;
}

/** A size, or the axis's letter where it is unknown (N, H, W, L…): `M = N·H·W`, not `N·N·N`. */
function dim(d: number | null, letter = 'n'): string {
	return d === null ? letter.toUpperCase() : String(d);
}

/**
 * Without an example input, the input a layer's own arguments describe, sizes it does not fix left
 * as letters: BatchNorm2d(64) is (N, 64, H, W) whatever reaches it. Where the layer takes inputs of
 * several ranks, one common rank stands in and `note` says so (LayerNorm(768) normalizes the last
 * axis of (N, L, 768) as of (N, 768)).
 */
type SymbolicInput = (cfg: Record<string, unknown>) => { shape: Shape; note?: string } | null;

const channels =
	(rank: number, note?: string): SymbolicInput =>
	(cfg) =>
		typeof cfg.num_features === 'number' || typeof cfg.num_channels === 'number'
			? {
					shape: [
						null,
						(cfg.num_features ?? cfg.num_channels) as number,
						...new Array<null>(rank - 2).fill(null),
					],
					note,
				}
			: null;

const lastAxes: SymbolicInput = (cfg) => {
	const ns = cfg.normalized_shape;
	const dims =
		typeof ns === 'number'
			? [ns]
			: Array.isArray(ns) && ns.every((d) => typeof d === 'number')
				? (ns as number[])
				: null;
	if (!dims || dims.length === 0) {
		return null;
	}
	const shown = dims.length === 1 ? `(N, L, ${dims[0]})` : `(N, ${dims.join(', ')})`;
	return {
		shape: dims.length === 1 ? [null, null, dims[0]] : [null, ...dims],
		note: `No example input reaches this layer: shown for a ${shown} input. It normalizes the last ${dims.length === 1 ? 'axis' : `${dims.length} axes`} of any input, each sample (and each position before ${dims.length === 1 ? 'it' : 'them'}) with its own μ and σ².`,
	};
};

/** Keras layers take their sizes from the input: letters for every size, at the rank their `axis` suggests. */
const kerasAxis =
	(rank: number, what: string): SymbolicInput =>
	(cfg) => {
		const axis = cfg.axis;
		if (axis !== -1 && axis !== rank - 1 && !(rank === 4 && axis === 1)) {
			return null;
		}
		return {
			shape: new Array<null>(rank).fill(null),
			note: `No example input reaches this layer: shown for a rank-${rank} input (${what}); axis=${String(axis)} means the same axis of any input.`,
		};
	};

const SYMBOLIC_INPUT: Record<string, SymbolicInput> = {
	'torch:BatchNorm1d': channels(
		2,
		'No example input reaches this layer: shown for an (N, C) input; on (N, C, L) the length axis L is averaged over too.',
	),
	'torch:BatchNorm2d': channels(4),
	'torch:BatchNorm3d': channels(5),
	'torch:SyncBatchNorm': channels(
		4,
		'No example input reaches this layer: shown for an image batch (N, C, H, W); every axis but C is averaged over, whatever the rank.',
	),
	'torch:InstanceNorm1d': channels(3),
	'torch:InstanceNorm2d': channels(4),
	'torch:InstanceNorm3d': channels(5),
	'torch:GroupNorm': channels(
		4,
		'No example input reaches this layer: shown for an image batch (N, C, H, W); with other spatial axes, they are averaged over the same way.',
	),
	'torch:LayerNorm': lastAxes,
	'torch:RMSNorm': lastAxes,
	'keras:BatchNormalization': kerasAxis(4, 'an image batch'),
	'keras:LayerNormalization': kerasAxis(3, 'a sequence batch (N, L, D)'),
	'keras:RMSNormalization': kerasAxis(3, 'a sequence batch (N, L, D)'),
	'keras:UnitNormalization': kerasAxis(2, 'a batch of vectors (N, D)'),
};

function symbolicInput(layer: LayerSummary): { shape: Shape; note?: string } | null {
	return SYMBOLIC_INPUT[`${layer.framework}:${layer.type}`]?.(layer.config) ?? null;
}

function fmtNumber(x: number): string {
	return Number.isInteger(x) ? String(x) : String(+x.toPrecision(6));
}

interface Axes {
	reduced: number[];
	/** Axes along which γ and β vary. */
	param: number[];
	/** Axes that index μ and σ² (the batch included for per-sample layers). */
	stat: number[];
	names: string[];
	/** Channel groups (group norm): μ is indexed by group instead of channel. */
	groups?: { axis: number; count: number };
}

function axesFor(f: NormalizationFacts, cfg: Record<string, unknown>, input: Shape): Axes | null {
	const rank = input.length;
	const all = [...Array(rank).keys()];
	switch (f.reduction) {
		case 'keras-kept': {
			const kept = normalizeAxes(cfg.axis, rank);
			return kept
				? {
						reduced: all.filter((a) => !kept.includes(a)),
						param: kept,
						stat: kept,
						names: axisNames(rank, kept.length === 1 ? kept[0] : rank - 1),
					}
				: null;
		}
		case 'keras-reduced': {
			const red = normalizeAxes(cfg.axis, rank);
			return red
				? {
						reduced: red,
						param: red,
						stat: all.filter((a) => !red.includes(a)),
						names: axisNames(rank, rank - 1),
					}
				: null;
		}
		case 'keras-group': {
			const ax = normalizeAxes(cfg.axis, rank);
			const c = ax && ax.length === 1 ? input[ax[0]] : null;
			const g = typeof cfg.groups === 'number' ? (cfg.groups === -1 ? c : cfg.groups) : null;
			if (!ax || c === null || g === null) {
				return null;
			}
			return {
				reduced: all.filter((a) => a !== 0),
				param: ax,
				stat: [0, ax[0]],
				names: axisNames(rank, ax[0]),
				groups: { axis: ax[0], count: g },
			};
		}
		case 'torch-batch':
			return rank >= 2
				? {
						reduced: all.filter((a) => a !== 1),
						param: [1],
						stat: [1],
						names: axisNames(rank, 1),
					}
				: null;
		case 'torch-last': {
			const ns = cfg.normalized_shape;
			const d = typeof ns === 'number' ? 1 : Array.isArray(ns) ? ns.length : null;
			if (d === null || d > rank) {
				return null;
			}
			const reduced = all.slice(rank - d);
			const names =
				rank === 3
					? ['batch', 'sequence', 'features']
					: axisNames(rank, rank === 2 ? 1 : 1);
			return { reduced, param: reduced, stat: all.slice(0, rank - d), names };
		}
		case 'torch-group': {
			const g = typeof cfg.num_groups === 'number' ? cfg.num_groups : null;
			return g === null || rank < 2
				? null
				: {
						reduced: all.filter((a) => a !== 0),
						param: [1],
						stat: [0, 1],
						names: axisNames(rank, 1),
						groups: { axis: 1, count: g },
					};
		}
		case 'torch-instance': {
			// (N, C, spatial…) or unbatched (C, spatial…)
			const batched = rank >= 3 && (rank === 5 || rank === 4 || rank === 3);
			const cAxis = batched ? 1 : 0;
			const stat = batched ? [0, 1] : [0];
			return {
				reduced: all.filter((a) => !stat.includes(a)),
				param: [cAxis],
				stat,
				names: axisNames(rank, 1),
			};
		}
	}
}

/** The explanation of one normalization layer, or `null` for other layers. */
export function explainLayer(layer: LayerSummary): LayerExplanation | null {
	const f = facts[`${layer.framework}:${layer.type}`];
	if (!f) {
		return null;
	}
	const symbolic = layer.inputShape ? null : symbolicInput(layer);
	const input: Shape | null = layer.inputShape ?? symbolic?.shape ?? null;
	const cfg = layer.config;
	// An argument NormLens could not evaluate is unknown (`null`, shown as ?), never its default.
	const epsRaw = cfg[f.epsilonArg];
	const epsilon =
		typeof epsRaw === 'number'
			? epsRaw
			: epsRaw === undefined || epsRaw === null
				? f.defaultEpsilon
				: null;
	// Running statistics are kept by layers with a momentum convention, unless PyTorch's
	// track_running_stats says otherwise; an argument NormLens cannot evaluate leaves it unknown.
	const tracked = f.tracking
		? cfg[f.tracking.arg] === undefined
			? f.tracking.byDefault
			: cfg[f.tracking.arg]
		: f.momentumConvention !== null;
	const trackingUnknown = typeof tracked !== 'boolean';
	const convention = tracked === true ? f.momentumConvention : null;
	const momentumUnknown =
		convention !== null &&
		cfg.momentum !== undefined &&
		cfg.momentum !== null &&
		typeof cfg.momentum !== 'number';
	const momentum = convention ? (typeof cfg.momentum === 'number' ? cfg.momentum : null) : null;
	const runningStatistics =
		trackingUnknown || momentumUnknown ? null : convention ? 'kept' : 'none';
	const paramShapes: Record<string, number[]> = {};
	for (const w of layer.weights ?? []) {
		paramShapes[w.name] = w.shape;
	}
	const hasGamma = f.names.gamma !== '' && f.names.gamma in paramShapes;
	const hasBeta = f.names.beta !== '' && f.names.beta in paramShapes;

	const axes = input ? axesFor(f, cfg, input) : null;
	const names = axes?.names ?? null;
	const idx = names ? letters(names) : null;
	let statShape: Shape | null = null;
	let reductionSize: string | null = null;
	let formula = '';
	let formulaTex = '';
	if (input && axes && idx) {
		const g = axes.groups;
		const statIdx = axes.stat.map((a) => (g && a === g.axis ? 'g' : idx[a]));
		statShape = axes.stat.map((a) => (g && a === g.axis ? g.count : input[a]));
		const reducedSizes = axes.reduced.map((a) =>
			g && a === g.axis
				? input[a] === null
					? 'C/G'
					: String((input[a] as number) / g.count)
				: dim(input[a], idx[a]),
		);
		reductionSize = reducedSizes.join('·') || '1';
		const all = idx.join(',');
		const s = statIdx.join(',');
		const p = axes.param.map((a) => idx[a]).join(',');
		const sumOver = axes.reduced
			.map((a) => (g && a === g.axis ? `${idx[a]}∈g` : idx[a]))
			.join(',');
		const gm = hasGamma ? `γ[${p}] · ` : '';
		const bt = hasBeta ? ` + β[${p}]` : '';
		const ranges = axes.stat
			.map((a) =>
				g && a === g.axis
					? `g = 1…${g.count}`
					: a === 0 && f.family !== 'batch'
						? ''
						: `${idx[a]} = 1…${dim(input[a], idx[a])}`,
			)
			.filter((x) => x);
		const batchNote = input[0] === null && axes.reduced.includes(0) ? ' (N = batch size)' : '';
		const epsText =
			epsilon === null
				? '?'
				: `${fmtNumber(epsilon)}${f.epsilonNote && (epsRaw === undefined || epsRaw === null) ? ` (${f.epsilonNote})` : ''}`;
		const sizes = `M = ${reductionSize}${batchNote}${ranges.length ? `, ${ranges.join(', ')}` : ''}, ε = ${epsText}`;
		const sub = (list: string[]) => `{${list.join('')}}`;
		const gt = hasGamma ? `\\gamma_${sub(axes.param.map((a) => idx[a]))}\\,` : '';
		const btt = hasBeta ? ` + \\beta_${sub(axes.param.map((a) => idx[a]))}` : '';
		const red = sub(axes.reduced.map((a) => idx[a]));
		const mTex = `M = ${reductionSize.replace(/·/g, '\\cdot ')}`;
		switch (f.form) {
			case 'standardize':
				formula = [
					`y[${all}] = ${gm}(x[${all}] − μ[${s}]) / √(σ²[${s}] + ε)${bt}`,
					`μ[${s}] = (1/M) Σ_{${sumOver}} x[${all}]`,
					`σ²[${s}] = (1/M) Σ_{${sumOver}} (x[${all}] − μ[${s}])²`,
					sizes,
				].join('\n');
				formulaTex =
					`y_${sub(idx)} = ${gt}\\frac{x_${sub(idx)} - \\mu_${sub(statIdx)}}{\\sqrt{\\sigma^2_${sub(statIdx)} + \\epsilon}}${btt},\\quad ` +
					`\\mu_${sub(statIdx)} = \\frac{1}{M}\\sum_${red} x_${sub(idx)},\\quad ${mTex}`;
				break;
			case 'rms':
				formula = [
					`y[${all}] = ${gm}x[${all}] / √(ms[${s}] + ε)`,
					`ms[${s}] = (1/M) Σ_{${sumOver}} x[${all}]²`,
					sizes,
				].join('\n');
				formulaTex = `y_${sub(idx)} = ${gt}\\frac{x_${sub(idx)}}{\\sqrt{\\frac{1}{M}\\sum_${red} x_${sub(idx)}^2 + \\epsilon}},\\quad ${mTex}`;
				break;
			case 'unit':
				formula = [
					`y[${all}] = x[${all}] / max(‖x‖[${s}], ε)`,
					`‖x‖[${s}] = √(Σ_{${sumOver}} x[${all}]²)`,
					sizes,
				].join('\n');
				formulaTex = `y_${sub(idx)} = \\frac{x_${sub(idx)}}{\\max\\left(\\sqrt{\\sum_${red} x_${sub(idx)}^2},\\ \\epsilon\\right)},\\quad ${mTex}`;
				break;
		}
	}

	let momentumRule: string | null = null;
	if (trackingUnknown && f.tracking) {
		momentumRule = `whether running statistics are kept is an expression NormLens cannot evaluate (${f.tracking.arg}=?)`;
	} else if (momentumUnknown && f.names.mean) {
		momentumRule = `${f.names.mean} moves with a momentum NormLens cannot evaluate (momentum=?)`;
	} else if (convention === 'keras' && momentum !== null && f.names.mean) {
		const rest = fmtNumber(+(1 - momentum).toFixed(10));
		momentumRule = `${f.names.mean} ← ${fmtNumber(momentum)} · ${f.names.mean} + ${rest} · μ_batch (Keras: momentum weights the old value; PyTorch's momentum=${rest} is the same update)`;
	} else if (convention === 'torch' && f.names.mean) {
		if (momentum === null) {
			momentumRule = `${f.names.mean} ← cumulative average of μ_batch over num_batches_tracked (momentum=None)`;
		} else {
			const rest = fmtNumber(+(1 - momentum).toFixed(10));
			momentumRule = `${f.names.mean} ← ${rest} · ${f.names.mean} + ${fmtNumber(momentum)} · μ_batch (PyTorch: momentum weights the new value; Keras's momentum=${rest} is the same update)`;
		}
	}

	return {
		type: layer.type,
		name: layer.name,
		framework: layer.framework,
		family: f.family,
		form: f.form,
		inputShape: input,
		inputNote: symbolic?.note ?? null,
		outputShape: layer.outputShape,
		axisNames: names,
		axisIndices: idx,
		reducedAxes: axes?.reduced ?? null,
		featureAxes: axes?.param ?? null,
		statShape,
		groups: axes?.groups ?? null,
		reductionSize,
		paramShapes,
		params: layer.params
			? {
					trainable: layer.params.trainable,
					nonTrainable: layer.params.nonTrainable,
					buffers: layer.params.buffers,
				}
			: null,
		epsilon,
		momentum,
		momentumConvention: convention,
		runningStatistics,
		momentumRule,
		runningVariance: convention ? f.runningVariance : null,
		trainEval: f.trainEval,
		formula,
		formulaTex,
		notes: symbolic?.note ? [symbolic.note, ...f.notes] : f.notes,
	};
}
