import type { Shape, WeightInfo } from '../../../protocol/analysis';
import { asInt, asSequence, asString, Value } from '../../python/values';
import { ShapeError } from '../common/spec';
import type { KerasLayerSpec, KerasShapeRule, KerasWeightRule } from './catalogue';

/** A layer's resolved constructor arguments. */
export type LayerConfig = Map<string, Value>;

function int(cfg: LayerConfig, name: string): number | undefined {
	return asInt(cfg.get(name));
}

/** An int or a tuple of `rank` ints, as Keras accepts for kernel sizes, strides, … */
function ints(cfg: LayerConfig, name: string, rank: number): number[] | undefined {
	const v = cfg.get(name);
	const n = asInt(v);
	if (n !== undefined) {
		return Array(rank).fill(n);
	}
	const items = asSequence(v)?.map(asInt);
	if (items && items.length === rank && items.every((x) => x !== undefined)) {
		return items as number[];
	}
	return undefined;
}

function bool(cfg: LayerConfig, name: string): boolean | undefined {
	const v = cfg.get(name);
	return v?.k === 'bool' ? v.v : v?.k === 'num' ? v.v !== 0 : undefined;
}

function channelsFirst(cfg: LayerConfig): boolean | undefined {
	const v = cfg.get('data_format');
	if (!v || v.k === 'none') {
		return false;
	}
	const s = asString(v);
	return s === undefined ? undefined : s === 'channels_first';
}

/** Index of the channel axis of an input of `rank`, given the layer's data format. */
export function channelAxis(cfg: LayerConfig, rank: number): number | undefined {
	const first = channelsFirst(cfg);
	return first === undefined ? undefined : first ? 1 : rank - 1;
}

function normalizeAxis(axis: number, rank: number): number | undefined {
	const a = axis < 0 ? rank + axis : axis;
	return a >= 0 && a < rank ? a : undefined;
}

/** Axes named by an `axis` argument (int or list), normalised to non-negative indices. */
export function axesOf(cfg: LayerConfig, rank: number, name = 'axis'): number[] | undefined {
	const v = cfg.get(name);
	const single = asInt(v);
	const list = single !== undefined ? [single] : asSequence(v)?.map(asInt);
	if (!list || list.some((x) => x === undefined)) {
		return undefined;
	}
	const out = (list as number[]).map((a) => normalizeAxis(a, rank));
	return out.some((a) => a === undefined) ? undefined : (out as number[]);
}

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

function spatial(
	cfg: LayerConfig,
	input: Shape,
	rank: number,
): { axes: number[]; channel: number } | undefined {
	const first = channelsFirst(cfg);
	if (first === undefined) {
		return undefined;
	}
	if (input.length !== rank + 2) {
		throw new ShapeError(
			`expects a ${rank + 2}-D input (batch, ${rank} spatial, channels) but got ${input.length}-D ${fmt(input)}`,
		);
	}
	const axes = Array.from({ length: rank }, (_, i) => (first ? 2 + i : 1 + i));
	return { axes, channel: first ? 1 : rank + 1 };
}

function fmt(s: Shape): string {
	return `(${s.map((d) => (d === null ? 'None' : d)).join(', ')})`;
}

function product(dims: (number | null)[]): number | null {
	let p = 1;
	for (const d of dims) {
		if (d === null) {
			return null;
		}
		p *= d;
	}
	return p;
}

type ShapeFn = (spec: KerasLayerSpec, cfg: LayerConfig, inputs: Shape[]) => Shape | null;
type WeightFn = (
	spec: KerasLayerSpec,
	cfg: LayerConfig,
	input: Shape,
	inputs: Shape[],
) => WeightInfo[] | null;

const w = (name: string, shape: number[], trainable = true): WeightInfo => ({
	name,
	shape,
	kind: 'param',
	trainable,
});

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

/** A wrapped layer (Bidirectional's argument), seen structurally to avoid an import cycle. */
interface InnerLayer {
	spec?: KerasLayerSpec;
	config: LayerConfig;
}

function inner(cfg: LayerConfig): InnerLayer | undefined {
	const v = cfg.get('layer');
	return v?.k === 'obj' && 'config' in v.obj ? (v.obj as unknown as InnerLayer) : undefined;
}

const shapeRules: Record<KerasShapeRule, ShapeFn> = {
	unknown: () => null,
	permute: (_spec, cfg, [input]) => {
		const d = asSequence(cfg.get('dims'))?.map(asInt);
		if (!d || d.some((x) => x === undefined) || d.length !== input.length - 1) {
			return null;
		}
		return [input[0], ...(d as number[]).map((i) => input[i])];
	},
	repeatVector: (_spec, cfg, [input]) => {
		const n = int(cfg, 'n');
		return n === undefined ? null : [input[0], n, ...input.slice(1)];
	},
	cropping: (spec, cfg, [input]) => {
		const rank = spec.rank ?? 2;
		const sp = spatial(cfg, input, rank);
		const v = cfg.get('cropping');
		const single = asInt(v);
		const list = asSequence(v);
		const pairs: number[][] | undefined =
			single !== undefined
				? Array(rank).fill([single, single])
				: rank === 1 &&
					  list &&
					  list.length === 2 &&
					  list.every((x) => asInt(x) !== undefined)
					? [list.map((x) => asInt(x) as number)]
					: list?.map((p) => {
							const n = asInt(p);
							return n !== undefined
								? [n, n]
								: (asSequence(p)?.map((x) => asInt(x) ?? NaN) ?? [NaN, NaN]);
						});
		if (!sp || !pairs || pairs.length !== rank || pairs.flat().some((x) => Number.isNaN(x))) {
			return null;
		}
		const out = [...input];
		sp.axes.forEach((axis, i) => {
			const n = input[axis];
			out[axis] = n === null ? null : n - pairs[i][0] - pairs[i][1];
		});
		return out;
	},
	embedding: (_spec, cfg, [input]) => {
		const d = int(cfg, 'output_dim');
		return d === undefined ? null : [...input, d];
	},
	rnn: (_spec, cfg, [input]) => {
		const units = int(cfg, 'units');
		const seq = bool(cfg, 'return_sequences');
		if (input.length !== 3) {
			throw new ShapeError(
				`expects a 3-D input (batch, timesteps, features) but got ${input.length}-D ${fmt(input)}`,
			);
		}
		if (units === undefined || seq === undefined) {
			return null;
		}
		return seq ? [input[0], input[1], units] : [input[0], units];
	},
	bidirectional: (_spec, cfg, inputs) => {
		const layer = inner(cfg);
		if (!layer?.spec) {
			return null;
		}
		const out = kerasOutputShape(layer.spec, layer.config, inputs);
		const mode = asString(cfg.get('merge_mode'));
		if (!out || mode === undefined) {
			return null;
		}
		const last = out[out.length - 1];
		return mode === 'concat' ? [...out.slice(0, -1), last === null ? null : last * 2] : out;
	},
	lambda: (_spec, cfg, [input]) => {
		// output_shape counts from the first axis after the batch (Keras's Lambda docs).
		const dims = asSequence(cfg.get('output_shape'))?.map((v) =>
			v.k === 'none' ? null : asInt(v),
		);
		return dims && dims.every((d) => d !== undefined)
			? [input[0], ...(dims as (number | null)[])]
			: null;
	},
	timeDistributed: (_spec, cfg, [input]) => {
		// The wrapped layer sees (batch, *rest) for each of the input's steps (axis 1).
		const layer = inner(cfg);
		if (!layer?.spec || input.length < 3) {
			return null;
		}
		const out = kerasOutputShape(layer.spec, layer.config, [[input[0], ...input.slice(2)]]);
		return out ? [out[0], input[1], ...out.slice(1)] : null;
	},
	attention: (_spec, cfg, [query]) => {
		const os = cfg.get('output_shape');
		const n = asInt(os);
		return n !== undefined ? [...query.slice(0, -1), n] : query;
	},
	identity: (_spec, _cfg, [input]) => input,
	dense: (_spec, cfg, [input]) => {
		const units = int(cfg, 'units');
		if (input.length < 2) {
			throw new ShapeError(`expects an input of rank ≥ 2 but got ${fmt(input)}`);
		}
		return units === undefined ? null : [...input.slice(0, -1), units];
	},
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
	flatten: (_spec, _cfg, [input]) => [input[0], product(input.slice(1))],
	reshape: (_spec, cfg, [input]) => {
		const target = asSequence(cfg.get('target_shape'))?.map(asInt);
		if (!target || target.some((x) => x === undefined)) {
			return null;
		}
		const dims = target as number[];
		const total = product(input.slice(1));
		const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
		if (dims.includes(-1)) {
			if (total !== null && (known === 0 || total % known !== 0)) {
				throw new ShapeError(
					`cannot reshape ${total} values into ${fmt(dims)}: ${known} does not divide ${total}`,
				);
			}
			return [
				input[0],
				...dims.map((d) => (d === -1 ? (total === null ? null : total / known) : d)),
			];
		}
		if (total !== null && total !== known) {
			throw new ShapeError(
				`cannot reshape ${total} values into ${fmt(dims)} (${known} values)`,
			);
		}
		return [input[0], ...dims];
	},
	zeroPadding: (spec, cfg, [input]) => {
		const rank = spec.rank ?? 2;
		const sp = spatial(cfg, input, rank);
		const v = cfg.get('padding');
		const single = asInt(v);
		const list = asSequence(v);
		// ZeroPadding1D's (left, right) is one pair, as Cropping1D's is.
		const pairs: number[][] | undefined =
			single !== undefined
				? Array(rank).fill([single, single])
				: rank === 1 &&
					  list &&
					  list.length === 2 &&
					  list.every((x) => asInt(x) !== undefined)
					? [list.map((x) => asInt(x) as number)]
					: list?.map((p) => {
							const n = asInt(p);
							return n !== undefined
								? [n, n]
								: (asSequence(p)?.map((x) => asInt(x) ?? NaN) ?? [NaN, NaN]);
						});
		if (!sp || !pairs || pairs.flat().some((x) => Number.isNaN(x))) {
			return null;
		}
		const out = [...input];
		sp.axes.forEach((axis, i) => {
			const n = input[axis];
			out[axis] = n === null ? null : n + pairs[i][0] + pairs[i][1];
		});
		return out;
	},
	upSampling: (spec, cfg, [input]) => {
		const rank = spec.rank ?? 2;
		const sp = spatial(cfg, input, rank);
		const size = ints(cfg, 'size', rank);
		if (!sp || !size) {
			return null;
		}
		const out = [...input];
		sp.axes.forEach((axis, i) => {
			const n = input[axis];
			out[axis] = n === null ? null : n * size[i];
		});
		return out;
	},
	merge: (_spec, _cfg, inputs) => {
		// Keras's element-wise merge (_compute_elemwise_op_output_shape): the non-batch dims broadcast
		// from the right, a 1 against any size (an SE block's (N, 1, 1, C) × (N, H, W, C)); other
		// sizes must agree; the batch dims must agree where known.
		const [first, ...rest] = inputs;
		let out: Shape = first.slice(1);
		for (const s of rest) {
			if (s[0] !== null && first[0] !== null && s[0] !== first[0]) {
				throw new ShapeError(
					`inputs with incompatible batch sizes ${fmt(first)} and ${fmt(s)}`,
				);
			}
			const b = s.slice(1);
			const [long, short] = out.length >= b.length ? [out, b] : [b, out];
			const head = long.slice(0, long.length - short.length);
			const tail = short.map((j, k): number | null => {
				const i = long[long.length - short.length + k];
				if (i === null || j === null) {
					return null;
				}
				if (i === 1) {
					return j;
				}
				if (j === 1 || i === j) {
					return i;
				}
				throw new ShapeError(`inputs with incompatible shapes ${fmt(first)} and ${fmt(s)}`);
			});
			out = [...head, ...tail];
		}
		return [first[0] ?? rest.find((s) => s[0] !== null)?.[0] ?? null, ...out];
	},
	concatenate: (_spec, cfg, inputs) => {
		const rank = inputs[0].length;
		const axis = axesOf(cfg, rank)?.[0];
		if (axis === undefined) {
			return null;
		}
		const out = [...inputs[0]];
		let sum: number | null = 0;
		for (const s of inputs) {
			if (s.length !== rank) {
				throw new ShapeError(`inputs of different ranks ${fmt(inputs[0])} and ${fmt(s)}`);
			}
			sum = sum === null || s[axis] === null ? null : sum + (s[axis] as number);
		}
		out[axis] = sum;
		return out;
	},
};

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

const weightRules: Record<KerasWeightRule, WeightFn> = {
	none: () => [],
	dense: (_spec, cfg, input) => {
		const units = int(cfg, 'units');
		const fin = input[input.length - 1];
		const bias = bool(cfg, 'use_bias');
		if (units === undefined || fin === null || bias === undefined) {
			return null;
		}
		return [w('kernel', [fin, units]), ...(bias ? [w('bias', [units])] : [])];
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
	batchNorm: (_spec, cfg, input) => {
		const axes = axesOf(cfg, input.length);
		const center = bool(cfg, 'center');
		const scale = bool(cfg, 'scale');
		if (!axes || center === undefined || scale === undefined) {
			return null;
		}
		const shape = axes.map((a) => input[a]);
		if (shape.some((d) => d === null)) {
			return null;
		}
		const s = shape as number[];
		return [
			...(scale ? [w('gamma', s)] : []),
			...(center ? [w('beta', s)] : []),
			w('moving_mean', s, false),
			w('moving_variance', s, false),
		];
	},
	layerNorm: (_spec, cfg, input) => {
		const axes = axesOf(cfg, input.length);
		const center = bool(cfg, 'center');
		const scale = bool(cfg, 'scale');
		if (!axes || center === undefined || scale === undefined) {
			return null;
		}
		const shape = axes.map((a) => input[a]);
		if (shape.some((d) => d === null)) {
			return null;
		}
		const s = shape as number[];
		return [...(scale ? [w('gamma', s)] : []), ...(center ? [w('beta', s)] : [])];
	},
	groupNorm: (_spec, cfg, input) => {
		const axes = axesOf(cfg, input.length);
		const groups = int(cfg, 'groups');
		const c = axes && axes.length === 1 ? input[axes[0]] : null;
		const center = bool(cfg, 'center');
		const scale = bool(cfg, 'scale');
		if (c === null || groups === undefined || center === undefined || scale === undefined) {
			return null;
		}
		if (groups !== -1 && c % groups !== 0) {
			throw new ShapeError(
				`needs channels divisible by groups=${groups} but the input has ${c}`,
			);
		}
		return [...(scale ? [w('gamma', [c])] : []), ...(center ? [w('beta', [c])] : [])];
	},
	rmsNorm: (_spec, cfg, input) => {
		const axes = axesOf(cfg, input.length);
		const shape = axes?.map((a) => input[a]);
		return !shape || shape.some((d) => d === null) ? null : [w('scale', shape as number[])];
	},
	normalization: (_spec, cfg, input) => {
		// Keras 3 creates adapt() state only when no mean and variance are given; one without the other is an error.
		const mean = cfg.get('mean')?.k !== 'none';
		if (mean !== (cfg.get('variance')?.k !== 'none')) {
			throw new ShapeError('mean and variance must be given together');
		}
		if (mean) {
			return [];
		}
		const axes = axesOf(cfg, input.length);
		const shape = axes?.map((a) => input[a]);
		if (!shape || shape.some((d) => d === null)) {
			return null;
		}
		return [
			w('mean', shape as number[], false),
			w('variance', shape as number[], false),
			w('count', [], false),
		];
	},
	embedding: (_spec, cfg) => {
		const n = int(cfg, 'input_dim');
		const d = int(cfg, 'output_dim');
		return n === undefined || d === undefined ? null : [w('embeddings', [n, d])];
	},
	rnn: (spec, cfg, input) => {
		const units = int(cfg, 'units');
		const bias = bool(cfg, 'use_bias');
		const f = input[input.length - 1];
		const g = spec.gates ?? 1;
		if (units === undefined || bias === undefined || f === null) {
			return null;
		}
		const resetAfter = g === 3 && bool(cfg, 'reset_after') !== false;
		return [
			w('kernel', [f, g * units]),
			w('recurrent_kernel', [units, g * units]),
			...(bias ? [w('bias', resetAfter ? [2, g * units] : [g * units])] : []),
		];
	},
	bidirectional: (_spec, cfg, input) => {
		const layer = inner(cfg);
		if (!layer?.spec) {
			return null;
		}
		const one = kerasWeights(layer.spec, layer.config, input);
		return one
			? [
					...one.map((x) => ({ ...x, name: `forward_${x.name}` })),
					...one.map((x) => ({ ...x, name: `backward_${x.name}` })),
				]
			: null;
	},
	timeDistributed: (_spec, cfg, input) => {
		const layer = inner(cfg);
		return layer?.spec && input.length >= 3
			? kerasWeights(layer.spec, layer.config, [input[0], ...input.slice(2)])
			: null;
	},
	attention: (_spec, cfg, input, inputs) => {
		// Called as mha(query, value[, key]): the key defaults to the value.
		const [vIn, kIn] = [inputs[1] ?? input, inputs[2] ?? inputs[1] ?? input];
		const [dv, dk] = [vIn[vIn.length - 1], kIn[kIn.length - 1]];
		const heads = int(cfg, 'num_heads');
		const key = int(cfg, 'key_dim');
		const valueV = cfg.get('value_dim');
		const value = valueV?.k === 'none' ? key : asInt(valueV);
		const bias = bool(cfg, 'use_bias');
		const d = input[input.length - 1];
		const os = asInt(cfg.get('output_shape')) ?? d;
		if (
			heads === undefined ||
			key === undefined ||
			value === undefined ||
			bias === undefined ||
			d === null ||
			os === null ||
			dv === null ||
			dk === null
		) {
			return null;
		}
		const dense = (name: string, i: number, h: number, o: number) => [
			w(`${name}/kernel`, [i, h, o]),
			...(bias ? [w(`${name}/bias`, [h, o])] : []),
		];
		return [
			...dense('query', d, heads, key),
			...dense('key', dk, heads, key),
			...dense('value', dv, heads, value),
			w('attention_output/kernel', [heads, value, os]),
			...(bias ? [w('attention_output/bias', [os])] : []),
		];
	},
	prelu: (_spec, cfg, input) => {
		const shared = axesOf(cfg, input.length, 'shared_axes') ?? [];
		const shape = input.slice(1).map((d, i) => (shared.includes(i + 1) ? 1 : d));
		return shape.some((d) => d === null) ? null : [w('alpha', shape as number[])];
	},
};

/** Output shape of a Keras layer on these input shapes; `null` when it cannot be known. */
export function kerasOutputShape(
	spec: KerasLayerSpec,
	cfg: LayerConfig,
	inputs: Shape[],
): Shape | null {
	return shapeRules[spec.shape](spec, cfg, inputs);
}

/**
 * The weights a Keras layer creates when built on `input` (its first input; `inputs` all of them,
 * which MultiHeadAttention's key and value projections need); `null` when they cannot be known.
 */
export function kerasWeights(
	spec: KerasLayerSpec,
	cfg: LayerConfig,
	input: Shape,
	inputs: Shape[] = [input],
): WeightInfo[] | null {
	return weightRules[spec.weights](spec, cfg, input, inputs);
}
