import type { LayerExplanation, LayerSummary, Shape } from '../../protocol/analysis';

/**
 * What each normalization layer computes, as data. Sources: keras-team/keras
 * `keras/src/layers/normalization/*.py`, the PyTorch docs, and `shared/reference/normalization.md`.
 */
interface NormalizationFacts {
	family: 'batch' | 'layer';
	/** `kept`: the `axis` argument names the axes that keep their own statistics (Keras BN);
	 * `reduced`: it names the axes the statistics are computed over (Keras LN). */
	axisMeaning: 'kept' | 'reduced';
	defaultEpsilon: number;
	momentumConvention: 'keras' | 'torch' | null;
	runningVariance: string | null;
	trainEval: string;
	notes: string[];
	/** Weight names for γ, β and the running statistics. */
	names: { gamma: string; beta: string; mean?: string; variance?: string };
}

const facts: Record<string, NormalizationFacts> = {
	'keras:BatchNormalization': {
		family: 'batch',
		axisMeaning: 'kept',
		defaultEpsilon: 1e-3,
		momentumConvention: 'keras',
		runningVariance:
			'biased (divides by M) in Keras 3; tf.keras 2 stores the unbiased M/(M−1) estimate on its fused path (4-D inputs), the biased one otherwise',
		trainEval:
			'Training (fit, or training=True) normalizes with this batch’s μ and σ² and updates moving_mean / moving_variance; inference (predict, evaluate, training=False) uses the moving statistics. Setting trainable=False also switches the layer to inference mode.',
		notes: [
			'`axis` is the axis that is kept (one μ, σ², γ, β per position along it); every other axis is reduced.',
			'Keras counts 4 weights per feature: γ and β are trainable, moving_mean and moving_variance are not. PyTorch counts the same layer as 2 parameters per feature plus buffers.',
		],
		names: { gamma: 'gamma', beta: 'beta', mean: 'moving_mean', variance: 'moving_variance' },
	},
	'keras:LayerNormalization': {
		family: 'layer',
		axisMeaning: 'reduced',
		defaultEpsilon: 1e-3,
		momentumConvention: null,
		runningVariance: null,
		trainEval: 'Identical in training and inference: every sample is normalized with its own statistics; there are no running statistics.',
		notes: ['`axis` names the axes that are normalized — the opposite meaning to BatchNormalization’s `axis`.'],
		names: { gamma: 'gamma', beta: 'beta' },
	},
};

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

const indexLetter: Record<string, string> = {
	batch: 'n',
	features: 'j',
	channels: 'c',
	steps: 't',
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
	if (last && featureAxis === 1 && rank > 2) {
		// channels_first: (batch, channels, spatial…)
		return ['batch', 'channels', ...last.slice(1, -1)];
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

function dim(d: number | null): string {
	return d === null ? 'N' : String(d);
}

function fmtNumber(x: number): string {
	return Number.isInteger(x) ? String(x) : String(+x.toPrecision(6));
}

/** The explanation of one normalization layer, or `null` for other layers. */
export function explainLayer(layer: LayerSummary): LayerExplanation | null {
	const f = facts[`${layer.framework}:${layer.type}`];
	if (!f) {
		return null;
	}
	const input: Shape | null = layer.inputShape;
	const cfg = layer.config;
	const epsilon = typeof cfg.epsilon === 'number' ? cfg.epsilon : f.defaultEpsilon;
	const momentum = f.momentumConvention ? (typeof cfg.momentum === 'number' ? cfg.momentum : null) : null;
	const center = cfg.center !== false;
	const scale = cfg.scale !== false;

	let featureAxes: number[] | null = null;
	let reducedAxes: number[] | null = null;
	let names: string[] | null = null;
	if (input) {
		const rank = input.length;
		const axes = normalizeAxes(cfg.axis, rank);
		if (axes) {
			if (f.axisMeaning === 'kept') {
				featureAxes = axes;
				reducedAxes = [...Array(rank).keys()].filter((a) => !axes.includes(a));
			} else {
				reducedAxes = axes;
				featureAxes = axes;
			}
			names = axisNames(rank, f.axisMeaning === 'kept' && axes.length === 1 ? axes[0] : rank - 1);
		}
	}
	const idx = names ? letters(names) : null;
	const paramShapes: Record<string, number[]> = {};
	for (const w of layer.weights ?? []) {
		paramShapes[w.name] = w.shape;
	}

	// Shape of μ and σ² for one call: batch-type layers keep only the feature axes, per-sample
	// layers keep every axis that is not reduced (the batch included).
	let statShape: Shape | null = null;
	let reductionSize: string | null = null;
	if (input && reducedAxes && featureAxes) {
		const reduced = reducedAxes;
		statShape = f.family === 'batch' ? featureAxes.map((a) => input[a]) : input.filter((_, i) => !reduced.includes(i));
		reductionSize = reduced.map((a) => dim(input[a])).join('·') || '1';
	}

	let formula = '';
	let formulaTex = '';
	if (input && idx && reducedAxes && featureAxes && names) {
		const all = idx.join(',');
		const statIdx = f.family === 'batch' ? featureAxes.map((a) => idx[a]) : idx.filter((_, i) => !(reducedAxes as number[]).includes(i));
		const paramIdx = featureAxes.map((a) => idx[a]).join(',');
		const s = statIdx.join(',');
		const sumOver = reducedAxes.map((a) => idx[a]).join(',');
		const g = scale ? `γ[${paramIdx}] · ` : '';
		const b = center ? ` + β[${paramIdx}]` : '';
		const ranges = featureAxes.map((a) => `${idx[a]} = 1…${dim(input[a])}`).join(', ');
		formula = [
			`y[${all}] = ${g}(x[${all}] − μ[${s}]) / √(σ²[${s}] + ε)${b}`,
			`μ[${s}] = (1/M) Σ_{${sumOver}} x[${all}]`,
			`σ²[${s}] = (1/M) Σ_{${sumOver}} (x[${all}] − μ[${s}])²`,
			`M = ${reductionSize}${input[0] === null && reducedAxes.includes(0) ? ' (N = batch size)' : ''}, ${ranges}, ε = ${fmtNumber(epsilon)}`,
		].join('\n');
		const sub = (list: string[]) => `{${list.join('')}}`;
		const gt = scale ? `\\gamma_${sub(featureAxes.map((a) => idx[a]))}\\,` : '';
		const bt = center ? ` + \\beta_${sub(featureAxes.map((a) => idx[a]))}` : '';
		formulaTex =
			`y_${sub(idx)} = ${gt}\\frac{x_${sub(idx)} - \\mu_${sub(statIdx)}}{\\sqrt{\\sigma^2_${sub(statIdx)} + \\epsilon}}${bt},\\quad ` +
			`\\mu_${sub(statIdx)} = \\frac{1}{M}\\sum_${sub(reducedAxes.map((a) => idx[a]))} x_${sub(idx)},\\quad M = ${(reductionSize ?? '').replace(/·/g, '\\cdot ')}`;
	}

	let momentumRule: string | null = null;
	if (f.momentumConvention === 'keras' && momentum !== null && f.names.mean) {
		momentumRule = `${f.names.mean} ← ${fmtNumber(momentum)} · ${f.names.mean} + ${fmtNumber(+(1 - momentum).toFixed(10))} · μ_batch (Keras: momentum weights the old value; PyTorch's momentum=${fmtNumber(+(1 - momentum).toFixed(10))} is the same update)`;
	} else if (f.momentumConvention === 'torch' && momentum !== null && f.names.mean) {
		momentumRule = `${f.names.mean} ← ${fmtNumber(+(1 - momentum).toFixed(10))} · ${f.names.mean} + ${fmtNumber(momentum)} · μ_batch (PyTorch: momentum weights the new value)`;
	}

	return {
		type: layer.type,
		name: layer.name,
		framework: layer.framework,
		family: f.family,
		inputShape: input,
		outputShape: layer.outputShape,
		axisNames: names,
		axisIndices: idx,
		reducedAxes,
		featureAxes,
		statShape,
		reductionSize,
		paramShapes,
		params: layer.params ? { trainable: layer.params.trainable, nonTrainable: layer.params.nonTrainable, buffers: layer.params.buffers } : null,
		epsilon,
		momentum,
		momentumRule,
		runningVariance: f.runningVariance,
		trainEval: f.trainEval,
		formula,
		formulaTex,
		notes: f.notes,
	};
}
