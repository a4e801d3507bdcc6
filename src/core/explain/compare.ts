// Batch, layer, instance and group norm of one input, written in a framework and explained alike.
import type { Framework, LayerExplanation, Shape } from '../../protocol/analysis';
import { analyzePython } from '../analyze';
import { explainLayer } from './explain';

/** The four normalizations the compare view puts side by side (Wu & He, "Group Normalization", Fig. 2). */
export type CompareFamily = 'batch' | 'layer' | 'instance' | 'group';

export interface CompareEntry {
	family: CompareFamily;
	title: string;
	/** The layer as the user would write it in this framework, with this tensor's sizes. */
	code: string;
	/** What it computes, from the same catalogue and explainer as the user's own layers. */
	explanation: LayerExplanation | null;
	/** Why this family does not apply to the tensor (then `explanation` is null). */
	unavailable?: string;
}

export interface Comparison {
	framework: Framework;
	/** The input the four layers see (batch included, concrete). */
	shape: number[];
	/** The channel (feature) axis of that input. */
	channelAxis: number;
	entries: CompareEntry[];
}

/** GroupNorm's group count for the comparison: Wu & He's 32 where it divides C into groups of ≥ 2, else the largest such divisor. */
export function comparisonGroups(channels: number): number {
	for (let g = Math.min(32, Math.floor(channels / 2)); g >= 2; g--) {
		if (channels % g === 0) {
			return g;
		}
	}
	return 1;
}

interface Family {
	family: CompareFamily;
	title: string;
	/** Constructor source, or why it does not apply. */
	torch(c: number, rest: number[], g: number): string | { unavailable: string };
	keras(axis: number, rank: number, g: number): string | { unavailable: string };
}

const spatialOnly = {
	unavailable: 'needs spatial (or sequence) axes: on (N, C) each μ would average a single value.',
};
const torchDims: Record<number, string> = { 2: '1d', 3: '1d', 4: '2d', 5: '3d' };

/** The four families as data: each framework's spelling of the same normalization. */
const families: Family[] = [
	{
		family: 'batch',
		title: 'Batch norm',
		torch: (c, rest) => `nn.BatchNorm${torchDims[rest.length + 2]}(${c})`,
		keras: (axis, rank) =>
			axis === rank - 1
				? 'layers.BatchNormalization()'
				: `layers.BatchNormalization(axis=${axis})`,
	},
	{
		family: 'layer',
		title: 'Layer norm',
		torch: (c, rest) => `nn.LayerNorm([${[c, ...rest].join(', ')}])`,
		keras: (_axis, rank) =>
			`layers.LayerNormalization(axis=[${Array.from({ length: rank - 1 }, (_, i) => i + 1).join(', ')}])`,
	},
	{
		family: 'instance',
		title: 'Instance norm',
		torch: (c, rest) =>
			rest.length === 0
				? spatialOnly
				: `nn.InstanceNorm${torchDims[rest.length + 2]}(${c}, affine=True)`,
		keras: (axis, rank) =>
			rank < 3
				? spatialOnly
				: `layers.GroupNormalization(groups=-1${axis === rank - 1 ? '' : `, axis=${axis}`})`,
	},
	{
		family: 'group',
		title: 'Group norm',
		torch: (c, _rest, g) => `nn.GroupNorm(${g}, ${c})`,
		keras: (axis, rank, g) =>
			`layers.GroupNormalization(groups=${g}${axis === rank - 1 ? '' : `, axis=${axis}`})`,
	},
];

/**
 * Batch, layer, instance and group normalization of one input, written in the given framework and
 * explained by the same analysis as the user's code: a small program with one model per family is
 * generated and analysed, so the shapes, parameters and formulas come from the catalogue, not from
 * a second description of the layers.
 *
 * `shape` is the full input shape (batch included), `channelAxis` its channel axis (PyTorch: 1).
 */
export function compareNormalizations(
	framework: Framework,
	shape: number[],
	channelAxis: number,
): Comparison | { error: string } {
	const rank = shape.length;
	if (rank < 2 || rank > 5 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
		return {
			error: `Comparing normalizations needs a concrete input of rank 2 to 5, got (${shape.join(', ')}).`,
		};
	}
	if (framework === 'torch' && channelAxis !== 1) {
		return { error: 'PyTorch normalization layers take channels on dim 1.' };
	}
	const c = shape[channelAxis];
	const g = comparisonGroups(c);
	const rest = shape.slice(2);
	const lines: string[] = [];
	const code = new Map<CompareFamily, string | { unavailable: string }>();
	if (framework === 'torch') {
		lines.push('import torch', 'import torch.nn as nn', `x = torch.randn(${shape.join(', ')})`);
		for (const f of families) {
			const src = f.torch(c, rest, g);
			code.set(f.family, src);
			if (typeof src === 'string') {
				lines.push(`${f.family}_norm = nn.Sequential(${src})`, `y = ${f.family}_norm(x)`);
			}
		}
	} else {
		lines.push('from tensorflow import keras', 'from tensorflow.keras import layers');
		for (const f of families) {
			const src = f.keras(channelAxis, rank, g);
			code.set(f.family, src);
			if (typeof src === 'string') {
				lines.push(
					`${f.family}_norm = keras.Sequential([keras.Input((${shape.slice(1).join(', ')}${rank === 2 ? ',' : ''})), ${src}])`,
				);
			}
		}
	}
	const models = analyzePython(lines.join('\n')).models;
	const entries = families.map((f): CompareEntry => {
		const src = code.get(f.family) as string | { unavailable: string };
		if (typeof src !== 'string') {
			return {
				family: f.family,
				title: f.title,
				code: '',
				explanation: null,
				unavailable: `${f.title} ${src.unavailable}`,
			};
		}
		const layer = models.find((m) => m.name === `${f.family}_norm`)?.layers[0];
		// Keras's input has batch None: the comparison runs on this concrete batch, and its shapes
		// (μ per sample, M) say so.
		const concrete = (s: Shape | null) => (s ? s.map((d, i) => d ?? shape[i]) : s);
		const explanation = layer
			? explainLayer({
					...layer,
					name: `${f.family}_norm`,
					inputShape: concrete(layer.inputShape),
					outputShape: concrete(layer.outputShape),
				})
			: null;
		return { family: f.family, title: f.title, code: src, explanation };
	});
	return { framework, shape, channelAxis, entries };
}

/** The channel axis of a normalization layer's input, as the comparison should use it. */
export function channelAxisOf(e: LayerExplanation): number {
	const rank = e.inputShape?.length ?? 0;
	if (e.framework === 'torch') {
		return 1;
	}
	if (e.groups) {
		return e.groups.axis;
	}
	if (e.family === 'batch' && e.featureAxes && e.featureAxes.length === 1) {
		return e.featureAxes[0];
	}
	return rank - 1;
}
