// Shape and weight rules of convolutions and pooling: output lengths by padding, kernels by groups.
import type { Shape } from '../../../../protocol/analysis';
import { asString } from '../../../python/values';
import { ShapeError } from '../../common/spec';
import type { KerasLayerSpec, KerasShapeRule, KerasWeightRule } from '../catalogue';
import {
	bool,
	channelAxis,
	fmt,
	int,
	ints,
	LayerConfig,
	ShapeFn,
	spatial,
	w,
	WeightFn,
} from './args';

function convOut(
	size: number | null,
	k: number,
	s: number,
	d: number,
	padding: string,
): number | null {
	if (size === null) {
		return null;
	}
	const eff = (k - 1) * d + 1;
	if (padding === 'same') {
		return Math.ceil(size / s);
	}
	if (padding === 'valid') {
		const out = Math.floor((size - eff) / s) + 1;
		if (out <= 0) {
			throw new ShapeError(
				`the kernel (${eff} after dilation) is larger than the input size ${size}`,
			);
		}
		return out;
	}
	if (padding === 'causal') {
		// Left padding of (k − 1)·d, then 'valid'.
		return Math.ceil(size / s);
	}
	throw new ShapeError(`unknown padding "${padding}"`);
}

/** 'valid' or 'same'; 'causal' only where the catalogue says the layer takes it. */
function checkPadding(spec: KerasLayerSpec, padding: string): void {
	if (padding !== 'valid' && padding !== 'same' && !(padding === 'causal' && spec.causal)) {
		throw new ShapeError(
			`padding "${padding}" is not one of ${spec.causal ? "'valid', 'same', 'causal'" : "'valid', 'same'"}`,
		);
	}
}

function convLike(
	spec: KerasLayerSpec,
	cfg: LayerConfig,
	input: Shape,
	outChannels: number | null,
	transpose = false,
): Shape | null {
	const rank = spec.rank ?? 2;
	const sp = spatial(cfg, input, rank);
	const k = ints(cfg, 'kernel_size', rank);
	const s = ints(cfg, 'strides', rank);
	const d = ints(cfg, 'dilation_rate', rank) ?? Array(rank).fill(1);
	const padding = asString(cfg.get('padding'))?.toLowerCase();
	if (!sp || !k || !s || !padding) {
		return null;
	}
	checkPadding(spec, padding);
	if (spec.noStridedDilation && Math.max(...s) > 1 && Math.max(...d) > 1) {
		throw new ShapeError(`strides ${fmt(s)} > 1 do not go with dilation_rate ${fmt(d)} > 1`);
	}
	const out = [...input];
	sp.axes.forEach((axis, i) => {
		const n = input[axis];
		if (transpose) {
			// 'valid': (n − 1)·s + max(k', s) with k' = (k − 1)·d + 1 (Keras's deconv output length).
			out[axis] =
				n === null
					? null
					: padding === 'same'
						? n * s[i]
						: (n - 1) * s[i] + Math.max((k[i] - 1) * d[i] + 1, s[i]);
		} else {
			out[axis] = convOut(n, k[i], s[i], d[i], padding);
		}
	});
	out[sp.channel] = outChannels;
	return out;
}

function convKernel(
	spec: KerasLayerSpec,
	cfg: LayerConfig,
	input: Shape,
): { k: number[]; cin: number } | null {
	const rank = spec.rank ?? 2;
	const axis = channelAxis(cfg, input.length);
	const k = ints(cfg, 'kernel_size', rank);
	const cin = axis === undefined ? null : input[axis];
	return k && cin !== null && cin !== undefined ? { k, cin } : null;
}

export const convolutionShapes = {
	conv: (spec, cfg, [input]) => convLike(spec, cfg, input, int(cfg, 'filters') ?? null),
	convTranspose: (spec, cfg, [input]) =>
		convLike(spec, cfg, input, int(cfg, 'filters') ?? null, true),
	depthwiseConv: (spec, cfg, [input]) => {
		const axis = channelAxis(cfg, input.length);
		const c = axis === undefined ? null : input[axis];
		const m = int(cfg, 'depth_multiplier');
		return convLike(spec, cfg, input, c === null || m === undefined ? null : c * m);
	},
	separableConv: (spec, cfg, [input]) => convLike(spec, cfg, input, int(cfg, 'filters') ?? null),
	pool: (spec, cfg, [input]) => {
		const rank = spec.rank ?? 2;
		const sp = spatial(cfg, input, rank);
		const k = ints(cfg, 'pool_size', rank);
		const strides = cfg.get('strides');
		const s = strides === undefined || strides.k === 'none' ? k : ints(cfg, 'strides', rank);
		const padding = asString(cfg.get('padding'))?.toLowerCase();
		if (!sp || !k || !s || !padding) {
			return null;
		}
		checkPadding(spec, padding);
		const out = [...input];
		sp.axes.forEach((axis, i) => {
			out[axis] = convOut(input[axis], k[i], s[i], 1, padding);
		});
		return out;
	},
	globalPool: (spec, cfg, [input]) => {
		const rank = spec.rank ?? 2;
		const sp = spatial(cfg, input, rank);
		if (!sp) {
			return null;
		}
		if (bool(cfg, 'keepdims')) {
			return input.map((d, i) => (sp.axes.includes(i) ? 1 : d));
		}
		return [input[0], input[sp.channel]];
	},
	convLstm: (spec, cfg, [input]) => {
		const rank = spec.rank ?? 2;
		if (input.length !== rank + 3) {
			throw new ShapeError(
				`expects a ${rank + 3}-D input (batch, time, ${rank}-D image with channels) but got ${input.length}-D ${fmt(input)}`,
			);
		}
		// Each step is convolved as Conv${rank}D would be: the step's shape, then the time axis back.
		const out = convLike(spec, cfg, [input[0], ...input.slice(2)], int(cfg, 'filters') ?? null);
		const seq = bool(cfg, 'return_sequences');
		if (!out || seq === undefined || bool(cfg, 'return_state') !== false) {
			return null;
		}
		return seq ? [out[0], input[1], ...out.slice(1)] : out;
	},
} satisfies Partial<Record<KerasShapeRule, ShapeFn>>;

export const convolutionWeights = {
	convLstm: (spec, cfg, input) => {
		const kc = convKernel(spec, cfg, [input[0], ...input.slice(2)]);
		const filters = int(cfg, 'filters');
		const bias = bool(cfg, 'use_bias');
		if (!kc || filters === undefined || bias === undefined) {
			return null;
		}
		return [
			w('kernel', [...kc.k, kc.cin, 4 * filters]),
			w('recurrent_kernel', [...kc.k, filters, 4 * filters]),
			...(bias ? [w('bias', [4 * filters])] : []),
		];
	},
	conv: (spec, cfg, input) => {
		const kc = convKernel(spec, cfg, input);
		const filters = int(cfg, 'filters');
		const groups = int(cfg, 'groups') ?? 1;
		const bias = bool(cfg, 'use_bias');
		if (!kc || filters === undefined || bias === undefined) {
			return null;
		}
		if (kc.cin % groups !== 0 || filters % groups !== 0) {
			throw new ShapeError(
				`input channels ${kc.cin} and filters ${filters} must both be divisible by groups=${groups}`,
			);
		}
		return [
			w('kernel', [...kc.k, kc.cin / groups, filters]),
			...(bias ? [w('bias', [filters])] : []),
		];
	},
	convTranspose: (spec, cfg, input) => {
		const kc = convKernel(spec, cfg, input);
		const filters = int(cfg, 'filters');
		const bias = bool(cfg, 'use_bias');
		if (!kc || filters === undefined || bias === undefined) {
			return null;
		}
		return [w('kernel', [...kc.k, filters, kc.cin]), ...(bias ? [w('bias', [filters])] : [])];
	},
	depthwiseConv: (spec, cfg, input) => {
		const kc = convKernel(spec, cfg, input);
		const m = int(cfg, 'depth_multiplier');
		const bias = bool(cfg, 'use_bias');
		if (!kc || m === undefined || bias === undefined) {
			return null;
		}
		return [w('kernel', [...kc.k, kc.cin, m]), ...(bias ? [w('bias', [kc.cin * m])] : [])];
	},
	separableConv: (spec, cfg, input) => {
		const kc = convKernel(spec, cfg, input);
		const m = int(cfg, 'depth_multiplier') ?? 1;
		const filters = int(cfg, 'filters');
		const bias = bool(cfg, 'use_bias');
		if (!kc || filters === undefined || bias === undefined) {
			return null;
		}
		return [
			w('depthwise_kernel', [...kc.k, kc.cin, m]),
			w('pointwise_kernel', [...Array(kc.k.length).fill(1), kc.cin * m, filters]),
			...(bias ? [w('bias', [filters])] : []),
		];
	},
} satisfies Partial<Record<KerasWeightRule, WeightFn>>;
