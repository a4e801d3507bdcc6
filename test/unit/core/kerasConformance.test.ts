import * as assert from 'assert';
import * as fs from 'fs';
import {
	kerasLayers,
	kerasLayerSpec,
	KerasLayerSpec,
} from '../../../src/core/frameworks/keras/catalogue';
import { ShapeError } from '../../../src/core/frameworks/common/spec';
import { kerasOutputShape, kerasWeights } from '../../../src/core/frameworks/keras/rules';
import type { Value } from '../../../src/core/python/values';
import { attempt, bindCatalogueArgs, Outcome } from '../ruleHarness';
import type { Shape } from '../../../src/protocol/analysis';

/**
 * The conformance net under the Keras catalogue. Keras is not installed here, so the expected
 * values come from small reference formulas written below from the Keras documentation and sources
 * (keras.io/api/layers/… and keras-team/keras `keras/src/layers/**`, Keras 3), independent of
 * NormLens's rules. Every catalogue layer gets a generated grid of non-default arguments and
 * inputs; NormLens's weight count (trainable and not) and output shape must equal the reference's,
 * and where Keras raises, NormLens must not give both a count and a shape.
 */

type Json =
	number | string | boolean | null | Json[] | { layer: string; args: Record<string, Json> };
type Args = Record<string, Json>;

interface Expected {
	weights: number;
	nonTrainable: number;
	shape: Shape;
}

/** Thrown by a reference formula where Keras raises. */
class KerasRaises extends Error {}
const raise = (why: string): never => {
	throw new KerasRaises(why);
};

// ---- the reference formulas --------------------------------------------------------------------

const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);
const arr = (v: Json | undefined, rank: number, dflt: number): number[] =>
	v === undefined || v === null
		? Array(rank).fill(dflt)
		: Array.isArray(v)
			? (v as number[])
			: Array(rank).fill(v);
const known = (s: Shape) => s as number[];

/**
 * Output length of a convolution or pool along one axis (keras/src/ops/operation_utils.py
 * `compute_conv_output_shape` / `compute_pooling_output_shape`): 'valid' → floor((n − d·(k−1) − 1)/s) + 1,
 * 'same' → ceil(n/s); Conv1D's 'causal' pads d·(k−1) on the left, so ceil(n/s) too.
 */
function convLength(
	n: number | null,
	k: number,
	s: number,
	d: number,
	padding: string,
): number | null {
	if (n === null) {
		return null;
	}
	if (padding === 'same' || padding === 'causal') {
		return Math.ceil(n / s);
	}
	const out = Math.floor((n - d * (k - 1) - 1) / s) + 1;
	return out > 0 ? out : raise(`kernel larger than input ${n}`);
}

/**
 * Transposed convolution length (keras/src/backend/common/backend_utils.py
 * `_get_output_shape_given_tf_padding` without output_padding): k' = (k−1)·d + 1;
 * 'valid' → (n−1)·s + k' + max(k', s) − k' = n·s + max(k' − s, 0), 'same' → n·s.
 */
function deconvLength(
	n: number | null,
	k: number,
	s: number,
	d: number,
	padding: string,
): number | null {
	if (n === null) {
		return null;
	}
	const kd = k + (k - 1) * (d - 1);
	return padding === 'same' ? n * s : n * s + Math.max(kd - s, 0);
}

interface ConvGeometry {
	rank: number;
	cin: number;
	channelsFirst: boolean;
	spatialAxes: number[];
	channelAxis: number;
	k: number[];
	s: number[];
	d: number[];
	padding: string;
}

/**
 * Conv layers' shared argument checks: the input is rank+2-D; padding is 'valid' or 'same', or
 * 'causal' for Conv1D only (base_conv.py `standardize_padding(padding, allow_causal=rank == 1)`;
 * depthwise, separable, transposed convs and pools allow no 'causal'); Conv and ConvTranspose refuse
 * strides > 1 with dilation_rate > 1 (base_conv.py, base_conv_transpose.py).
 */
function geometry(
	a: Args,
	x: Shape,
	rank: number,
	kernelArg = 'kernel_size',
	stridesDefault = 1,
	causal = false,
	stridedDilation = true,
): ConvGeometry {
	if (x.length !== rank + 2) {
		raise(`expects a ${rank + 2}-D input`);
	}
	const channelsFirst = a.data_format === 'channels_first';
	const channelAxis = channelsFirst ? 1 : rank + 1;
	const spatialAxes = Array.from({ length: rank }, (_, i) => (channelsFirst ? 2 + i : 1 + i));
	const k = arr(a[kernelArg], rank, 0);
	const s = a.strides === null ? k : arr(a.strides, rank, stridesDefault);
	const d = arr(a.dilation_rate, rank, 1);
	const padding = String(a.padding ?? 'valid').toLowerCase();
	if (!['valid', 'same', ...(causal ? ['causal'] : [])].includes(padding)) {
		raise(`padding ${padding}`);
	}
	if (!stridedDilation && Math.max(...s) > 1 && Math.max(...d) > 1) {
		raise('strides > 1 with dilation_rate > 1');
	}
	return {
		rank,
		cin: x[channelAxis] as number,
		channelsFirst,
		spatialAxes,
		channelAxis,
		k,
		s,
		d,
		padding,
	};
}

function withChannels(
	x: Shape,
	g: ConvGeometry,
	c: number,
	length: (n: number | null, i: number) => number | null,
): Shape {
	const out = [...x];
	g.spatialAxes.forEach((axis, i) => (out[axis] = length(x[axis], i)));
	out[g.channelAxis] = c;
	return out;
}

type Ref = (a: Args, inputs: Shape[], spec: KerasLayerSpec) => Expected;

const noWeights = (shape: Shape): Expected => ({ weights: 0, nonTrainable: 0, shape });

/** Dense (keras.io/api/layers/core_layers/dense): kernel in·units, bias units; input rank ≥ 2. */
const dense: Ref = (a, [x]) => {
	if (x.length < 2) {
		raise('rank < 2');
	}
	const units = a.units as number;
	return {
		weights: (x[x.length - 1] as number) * units + (a.use_bias === false ? 0 : units),
		nonTrainable: 0,
		shape: [...x.slice(0, -1), units],
	};
};

/** Conv1D/2D/3D (keras.io/api/layers/convolution_layers): kernel = ∏k · (in/groups) · filters, + filters bias; in and filters divisible by groups. */
const conv: Ref = (a, [x], spec) => {
	const g = geometry(a, x, spec.rank as number, 'kernel_size', 1, spec.rank === 1, false);
	const groups = (a.groups as number | undefined) ?? 1;
	const filters = a.filters as number;
	if (g.cin % groups !== 0 || filters % groups !== 0) {
		raise('groups');
	}
	return {
		weights: prod(g.k) * (g.cin / groups) * filters + (a.use_bias === false ? 0 : filters),
		nonTrainable: 0,
		shape: withChannels(x, g, filters, (n, i) =>
			convLength(n, g.k[i], g.s[i], g.d[i], g.padding),
		),
	};
};

/** Conv*Transpose (keras.io/api/layers/convolution_layers/convolution2d_transpose): kernel ∏k · filters · in, + filters. */
const convTranspose: Ref = (a, [x], spec) => {
	const g = geometry(a, x, spec.rank as number, 'kernel_size', 1, false, false);
	const filters = a.filters as number;
	return {
		weights: prod(g.k) * filters * g.cin + (a.use_bias === false ? 0 : filters),
		nonTrainable: 0,
		shape: withChannels(x, g, filters, (n, i) =>
			deconvLength(n, g.k[i], g.s[i], g.d[i], g.padding),
		),
	};
};

/** DepthwiseConv1D/2D (keras.io/api/layers/convolution_layers/depthwise_convolution2d): kernel ∏k · in · m, + in·m bias; out channels in·m. */
const depthwise: Ref = (a, [x], spec) => {
	const g = geometry(a, x, spec.rank as number);
	const m = (a.depth_multiplier as number | undefined) ?? 1;
	return {
		weights: prod(g.k) * g.cin * m + (a.use_bias === false ? 0 : g.cin * m),
		nonTrainable: 0,
		shape: withChannels(x, g, g.cin * m, (n, i) =>
			convLength(n, g.k[i], g.s[i], g.d[i], g.padding),
		),
	};
};

/** SeparableConv1D/2D (keras.io/api/layers/convolution_layers/separable_convolution2d): depthwise ∏k·in·m + pointwise in·m·filters + filters. */
const separable: Ref = (a, [x], spec) => {
	const g = geometry(a, x, spec.rank as number);
	const m = (a.depth_multiplier as number | undefined) ?? 1;
	const filters = a.filters as number;
	return {
		weights: prod(g.k) * g.cin * m + g.cin * m * filters + (a.use_bias === false ? 0 : filters),
		nonTrainable: 0,
		shape: withChannels(x, g, filters, (n, i) =>
			convLength(n, g.k[i], g.s[i], g.d[i], g.padding),
		),
	};
};

/** MaxPooling / AveragePooling (keras.io/api/layers/pooling_layers): strides default to pool_size; 'valid' or 'same'. */
const pool: Ref = (a, [x], spec) => {
	const rank = spec.rank as number;
	const g = geometry(
		{ ...a, kernel_size: a.pool_size ?? 2, strides: a.strides ?? null },
		x,
		rank,
		'kernel_size',
		1,
		false,
	);
	return noWeights(
		withChannels(x, g, g.cin, (n, i) => convLength(n, g.k[i], g.s[i], 1, g.padding)),
	);
};

/** Global pooling: (batch, channels), or the spatial axes kept as 1 with keepdims. */
const globalPool: Ref = (a, [x], spec) => {
	const g = geometry({ kernel_size: 1, ...a }, x, spec.rank as number);
	return noWeights(
		a.keepdims
			? x.map((d, i) => (g.spatialAxes.includes(i) ? 1 : d))
			: [x[0], x[g.channelAxis]],
	);
};

const axisOf = (v: Json | undefined, rank: number, dflt = -1) => {
	const list = v === undefined ? [dflt] : Array.isArray(v) ? (v as number[]) : [v as number];
	return list.map((ax) => {
		const i = ax < 0 ? rank + ax : ax;
		return i >= 0 && i < rank ? i : raise(`axis ${ax}`);
	});
};

/** BatchNormalization (keras.io/api/layers/normalization_layers/batch_normalization): γ, β, moving μ, σ² per feature of `axis`: 4·C, 2·C non-trainable; center/scale off drop β/γ. */
const batchNorm: Ref = (a, [x]) => {
	const c = prod(axisOf(a.axis, x.length).map((i) => x[i] as number));
	return {
		weights: c * (2 + (a.center === false ? 0 : 1) + (a.scale === false ? 0 : 1)),
		nonTrainable: 2 * c,
		shape: x,
	};
};

/** LayerNormalization: γ and β over the normalized axes (center/scale). */
const layerNorm: Ref = (a, [x]) => {
	const c = prod(axisOf(a.axis, x.length).map((i) => x[i] as number));
	return {
		weights: c * ((a.center === false ? 0 : 1) + (a.scale === false ? 0 : 1)),
		nonTrainable: 0,
		shape: x,
	};
};

/** GroupNormalization (keras.io/api/layers/normalization_layers/group_normalization): γ, β per channel; channels divisible by groups (−1: one per channel), groups ≤ channels. */
const groupNorm: Ref = (a, [x]) => {
	const c = x[axisOf(a.axis, x.length)[0]] as number;
	const groups = (a.groups as number | undefined) ?? 32;
	if (groups !== -1 && (groups > c || c % groups !== 0)) {
		raise('groups');
	}
	return {
		weights: c * ((a.center === false ? 0 : 1) + (a.scale === false ? 0 : 1)),
		nonTrainable: 0,
		shape: x,
	};
};

/** RMSNormalization: one scale per feature of `axis`. */
const rmsNorm: Ref = (a, [x]) => ({
	weights: prod(axisOf(a.axis, x.length).map((i) => x[i] as number)),
	nonTrainable: 0,
	shape: x,
});

/** Normalization (keras.io/api/layers/preprocessing_layers/numerical/normalization): without mean/variance, adapt() state mean, variance (C each) and a count, all non-trainable; mean and variance come together. */
const normalization: Ref = (a, [x]) => {
	const given = (v: Json | undefined) => v !== undefined && v !== null;
	if (given(a.mean) !== given(a.variance)) {
		raise('mean without variance');
	}
	if (given(a.mean)) {
		return noWeights(x);
	}
	const c = prod(axisOf(a.axis, x.length).map((i) => x[i] as number));
	return { weights: 2 * c + 1, nonTrainable: 2 * c + 1, shape: x };
};

/** Embedding (keras.io/api/layers/core_layers/embedding): input_dim · output_dim; output adds a last axis. */
const embedding: Ref = (a, [x]) => ({
	weights: (a.input_dim as number) * (a.output_dim as number),
	nonTrainable: 0,
	shape: [...x, a.output_dim as number],
});

/**
 * SimpleRNN: units·(in + units) + units; LSTM: 4·(units·(in + units) + units); GRU: 3·(units·(in + units) + units),
 * and with reset_after=True (the default) a second recurrent bias: 3·(units·(in + units) + 2·units)
 * (keras.io/api/layers/recurrent_layers). Input (batch, steps, features).
 */
const recurrent: Ref = (a, [x], spec) => {
	if (x.length !== 3) {
		raise('rank');
	}
	const u = a.units as number;
	const f = x[2] as number;
	const bias = a.use_bias === false ? 0 : 1;
	const gates = spec.name === 'LSTM' ? 4 : spec.name === 'GRU' ? 3 : 1;
	const biases = spec.name === 'GRU' && a.reset_after !== false ? 2 : 1;
	return {
		weights: gates * (u * (f + u) + bias * biases * u),
		nonTrainable: 0,
		shape: a.return_sequences ? [x[0], x[1], u] : [x[0], u],
	};
};

/**
 * CuDNNLSTM / CuDNNGRU (Keras 2.2's keras/layers/cudnn_recurrent.py): the kernels of LSTM / GRU
 * and cuDNN's bias, `units * 8` / `units * 6` — an input and a recurrent bias per gate, always.
 */
const cudnnRecurrent: Ref = (a, [x], spec) => {
	if (x.length !== 3) {
		raise('rank');
	}
	const u = a.units as number;
	const gates = spec.name === 'CuDNNLSTM' ? 4 : 3;
	return {
		weights: gates * u * ((x[2] as number) + u) + 2 * gates * u,
		nonTrainable: 0,
		shape: a.return_sequences ? [x[0], x[1], u] : [x[0], u],
	};
};

/** A recurrent cell (keras.io/api/layers/recurrent_layers/…_cell): its layer's weights, built on one step (batch, features). */
const recurrentCell: Ref = (a, [x], spec) => {
	if (x.length !== 2) {
		raise('rank');
	}
	const layer = kerasLayerSpec(spec.name.replace('Cell', '')) as KerasLayerSpec;
	return { ...recurrent(a, [[x[0], 1, x[1]]], layer), shape: [x[0], a.units as number] };
};

/** RNN (keras.io/api/layers/recurrent_layers/rnn): each cell built on the features before it, the last one's units out. */
const rnnWrapper: Ref = (a, [x]) => {
	if (x.length !== 3) {
		raise('rank');
	}
	const given = (Array.isArray(a.cell) ? a.cell : [a.cell]) as { layer: string; args: Args }[];
	let features = x[2] as number;
	let weights = 0;
	for (const c of given) {
		const spec = kerasLayerSpec(c.layer.replace('Cell', '')) as KerasLayerSpec;
		weights += recurrent(c.args, [[x[0], 1, features]], spec).weights;
		features = c.args.units as number;
	}
	return {
		weights,
		nonTrainable: 0,
		shape: a.return_sequences ? [x[0], x[1], features] : [x[0], features],
	};
};

/** MultiHeadAttention (keras.io/api/layers/attention_layers/multi_head_attention): query/key/value projections d·h·k (+h·k), output h·v·o (+o), o = output_shape or the query's last dim. */
const attention: Ref = (a, [q, v, k = v]) => {
	const h = a.num_heads as number;
	const kd = a.key_dim as number;
	const vd = (a.value_dim as number | null | undefined) ?? kd;
	const o = (a.output_shape as number | null | undefined) ?? (q[q.length - 1] as number);
	const b = a.use_bias === false ? 0 : 1;
	const last = (s: Shape) => s[s.length - 1] as number;
	return {
		weights:
			last(q) * h * kd +
			b * h * kd +
			last(k) * h * kd +
			b * h * kd +
			last(v) * h * vd +
			b * h * vd +
			h * vd * o +
			b * o,
		nonTrainable: 0,
		shape: [...q.slice(0, -1), o],
	};
};

/** PReLU (keras.io/api/layers/activation_layers/prelu): one α per input position, 1 along shared_axes. */
const prelu: Ref = (a, [x]) => {
	const shared =
		a.shared_axes === null || a.shared_axes === undefined
			? []
			: Array.isArray(a.shared_axes)
				? (a.shared_axes as number[])
				: [a.shared_axes as number];
	return {
		weights: prod(known(x.slice(1)).map((d, i) => (shared.includes(i + 1) ? 1 : d))),
		nonTrainable: 0,
		shape: x,
	};
};

/** Reshape (keras.io/api/layers/reshaping_layers/reshape): one −1 is inferred; the sizes must hold the input exactly. */
const reshape: Ref = (a, [x]) => {
	const t = a.target_shape as number[];
	const total = prod(known(x.slice(1)));
	const fixed = prod(t.filter((d) => d !== -1));
	if (t.includes(-1) ? total % fixed !== 0 : total !== fixed) {
		raise('sizes');
	}
	return noWeights([x[0], ...t.map((d) => (d === -1 ? total / fixed : d))]);
};

const pairs = (v: Json | undefined, rank: number, dflt: number): number[][] => {
	if (v === undefined || typeof v === 'number') {
		return Array(rank).fill([v ?? dflt, v ?? dflt]);
	}
	const list = v as Json[];
	if (rank === 1 && list.length === 2 && list.every((p) => typeof p === 'number')) {
		return [list as number[]];
	}
	return list.map((p) => (typeof p === 'number' ? [p, p] : (p as number[])));
};

/** ZeroPadding / Cropping (keras.io/api/layers/reshaping_layers): an int, one per axis, or (before, after) per axis. */
const padCrop =
	(sign: 1 | -1, dflt: number, argName: string): Ref =>
	(a, [x], spec) => {
		const rank = spec.rank as number;
		const g = geometry({ kernel_size: 1, data_format: a.data_format }, x, rank);
		const p = pairs(a[argName], rank, dflt);
		return noWeights(
			withChannels(x, g, x[g.channelAxis] as number, (n, i) =>
				n === null ? null : n + sign * (p[i][0] + p[i][1]),
			),
		);
	};

/** UpSampling (keras.io/api/layers/reshaping_layers/up_sampling2d): each spatial axis times its size. */
const upSampling: Ref = (a, [x], spec) => {
	const rank = spec.rank as number;
	const g = geometry({ kernel_size: 1, data_format: a.data_format }, x, rank);
	const size = arr(a.size, rank, 2);
	return noWeights(
		withChannels(x, g, x[g.channelAxis] as number, (n, i) => (n === null ? null : n * size[i])),
	);
};

/**
 * Attention (keras.io/api/layers/attention_layers/attention): a scalar `scale` where use_scale, a
 * scalar `concat_score_weight` where score_mode="concat"; AdditiveAttention (…/additive_attention):
 * a `scale` of the query's features where use_scale (its default). Both give the query's steps with
 * the value's features.
 */
const dotAttention: Ref = (a, [q, v]) => ({
	weights: (a.use_scale === true ? 1 : 0) + (a.score_mode === 'concat' ? 1 : 0),
	nonTrainable: 0,
	shape: [...q.slice(0, -1), v[v.length - 1]],
});
const additiveAttention: Ref = (a, [q, v]) => ({
	weights: a.use_scale === false ? 0 : (q[q.length - 1] as number),
	nonTrainable: 0,
	shape: [...q.slice(0, -1), v[v.length - 1]],
});

/** Merging layers: inputs of one shape give that shape; Concatenate sums its axis. */
const merge: Ref = (_a, inputs) => {
	for (const s of inputs) {
		if (JSON.stringify(s) !== JSON.stringify(inputs[0])) {
			raise('shapes');
		}
	}
	return noWeights(inputs[0]);
};
const concatenate: Ref = (a, inputs) => {
	const ax = axisOf(a.axis, inputs[0].length)[0];
	return noWeights(
		inputs[0].map((d, i) => (i === ax ? inputs.reduce((s, x) => s + (x[i] as number), 0) : d)),
	);
};

/** Bidirectional (keras.io/api/layers/recurrent_layers/bidirectional): two copies of the layer; 'concat' doubles the last axis. */
const bidirectional: Ref = (a, inputs) => {
	const inner = a.layer as { layer: string; args: Args };
	const one = reference(inner.layer, inner.args, inputs);
	const last = one.shape[one.shape.length - 1] as number;
	return {
		weights: 2 * one.weights,
		nonTrainable: 2 * one.nonTrainable,
		shape:
			a.merge_mode === 'concat' || a.merge_mode === undefined
				? [...one.shape.slice(0, -1), 2 * last]
				: one.shape,
	};
};

/**
 * ConvLSTM1D/2D/3D (keras.io/api/layers/recurrent_layers/conv_lstm2d): four gates, each a
 * convolution of the step's image (∏k · in · filters) and of the state (∏k · filters · filters),
 * with a bias of filters; each step convolved as Conv*D; the time axis kept with return_sequences.
 */
const convLstm: Ref = (a, [x], spec) => {
	const rank = spec.rank as number;
	if (x.length !== rank + 3) {
		raise('rank');
	}
	const step = [x[0], ...x.slice(2)];
	const g = geometry(a, step, rank, 'kernel_size', 1, false, false);
	const f = a.filters as number;
	const out = withChannels(step, g, f, (n, i) =>
		convLength(n, g.k[i], g.s[i], g.d[i], g.padding),
	);
	return {
		weights: 4 * (prod(g.k) * g.cin * f + prod(g.k) * f * f + (a.use_bias === false ? 0 : f)),
		nonTrainable: 0,
		shape: a.return_sequences ? [out[0], x[1], ...out.slice(1)] : out,
	};
};

/** TimeDistributed: the layer's weights once; its output per step of axis 1. */
const timeDistributed: Ref = (a, [x]) => {
	const inner = a.layer as { layer: string; args: Args };
	const one = reference(inner.layer, inner.args, [[x[0], ...x.slice(2)]]);
	return { ...one, shape: [one.shape[0], x[1], ...one.shape.slice(1)] };
};

const references: Record<string, Ref> = {
	Dense: dense,
	Conv1D: conv,
	Conv2D: conv,
	Conv3D: conv,
	Conv1DTranspose: convTranspose,
	Conv2DTranspose: convTranspose,
	Conv3DTranspose: convTranspose,
	DepthwiseConv1D: depthwise,
	DepthwiseConv2D: depthwise,
	SeparableConv1D: separable,
	SeparableConv2D: separable,
	BatchNormalization: batchNorm,
	LayerNormalization: layerNorm,
	GroupNormalization: groupNorm,
	RMSNormalization: rmsNorm,
	Normalization: normalization,
	Embedding: embedding,
	SimpleRNN: recurrent,
	GRU: recurrent,
	LSTM: recurrent,
	CuDNNLSTM: cudnnRecurrent,
	CuDNNGRU: cudnnRecurrent,
	ConvLSTM1D: convLstm,
	ConvLSTM2D: convLstm,
	ConvLSTM3D: convLstm,
	MultiHeadAttention: attention,
	SimpleRNNCell: recurrentCell,
	GRUCell: recurrentCell,
	LSTMCell: recurrentCell,
	RNN: rnnWrapper,
	Attention: dotAttention,
	AdditiveAttention: additiveAttention,
	PReLU: prelu,
	Reshape: reshape,
	Flatten: (_a, [x]) => noWeights([x[0], prod(known(x.slice(1)))]),
	Permute: (a, [x]) => noWeights([x[0], ...(a.dims as number[]).map((i) => x[i])]),
	RepeatVector: (a, [x]) => noWeights([x[0], a.n as number, ...x.slice(1)]),
	ZeroPadding1D: padCrop(1, 1, 'padding'),
	ZeroPadding2D: padCrop(1, 1, 'padding'),
	ZeroPadding3D: padCrop(1, 1, 'padding'),
	Cropping1D: padCrop(-1, 1, 'cropping'),
	Cropping2D: padCrop(-1, 0, 'cropping'),
	Cropping3D: padCrop(-1, 1, 'cropping'),
	UpSampling1D: upSampling,
	UpSampling2D: upSampling,
	UpSampling3D: upSampling,
	Concatenate: concatenate,
	Bidirectional: bidirectional,
	TimeDistributed: timeDistributed,
	Lambda: (a, [x]) => noWeights([x[0], ...(a.output_shape as number[])]),
	// keras.io Dot: "(batch_size, n) · (batch_size, n) → (batch_size, 1)"; in general each input
	// loses the axis of `axes`, the second also its batch axis (merging/dot.py compute_output_shape).
	Dot: (a, [x, y]) => {
		const ax = typeof a.axes === 'number' ? [a.axes, a.axes] : (a.axes as number[]);
		const [i, j] = ax.map((v, k) => (v < 0 ? v + [x, y][k].length : v));
		const out = [...x.filter((_, k) => k !== i), ...y.filter((_, k) => k !== 0 && k !== j)];
		return noWeights(out.length === 1 ? [...out, 1] : out);
	},
	// keras.io preprocessing layers: "Output shape: (batch, target_height, target_width, channels)";
	// RandomHeight / RandomWidth: that side is random, which Keras's compute_output_shape gives as None.
	Resizing: (a, [x]) => noWeights([x[0], a.height as number, a.width as number, x[3]]),
	CenterCrop: (a, [x]) => noWeights([x[0], a.height as number, a.width as number, x[3]]),
	RandomCrop: (a, [x]) => noWeights([x[0], a.height as number, a.width as number, x[3]]),
	RandomHeight: (_a, [x]) => noWeights([x[0], null, x[2], x[3]]),
	RandomWidth: (_a, [x]) => noWeights([x[0], x[1], null, x[3]]),
	// TextVectorization, output_mode='int': (batch, output_sequence_length), None when not given;
	// the vocabulary is a lookup table, not a weight.
	TextVectorization: (a, [x]) => noWeights([x[0], (a.output_sequence_length as number) ?? null]),
};
for (const name of [
	'MaxPooling1D',
	'MaxPooling2D',
	'MaxPooling3D',
	'AveragePooling1D',
	'AveragePooling2D',
	'AveragePooling3D',
]) {
	references[name] = pool;
}
for (const name of [
	'GlobalAveragePooling1D',
	'GlobalAveragePooling2D',
	'GlobalAveragePooling3D',
	'GlobalMaxPooling1D',
	'GlobalMaxPooling2D',
	'GlobalMaxPooling3D',
]) {
	references[name] = globalPool;
}
for (const name of ['Add', 'Multiply', 'Average', 'Subtract', 'Maximum', 'Minimum']) {
	references[name] = merge;
}

function reference(layer: string, args: Args, inputs: Shape[]): Expected {
	const spec = kerasLayerSpec(layer) as KerasLayerSpec;
	// Everything else (activations, dropout and noise, Identity, Masking, Rescaling…) keeps its input's shape and has no weights.
	return (references[layer] ?? ((_a: Args, [x]: Shape[]) => noWeights(x)))(args, inputs, spec);
}

// ---- the grid ------------------------------------------------------------------------------------

interface Row {
	base?: Args;
	axes?: Record<string, Json[]>;
	inputs: Shape[][];
}

const B = null; // the batch axis
const conv1 = [[B, 11, 6]];
const conv2 = [[B, 11, 9, 6]];
const conv3 = [[B, 7, 6, 5, 6]];
const convInputs: Record<number, Shape[][]> = { 1: [conv1], 2: [conv2], 3: [conv3] };
const geometryAxes = (rank: number) => ({
	kernel_size: [1, 3, rank === 1 ? [2] : Array.from({ length: rank }, (_, i) => 3 - i)],
	strides: [1, 2, rank === 1 ? [3] : Array.from({ length: rank }, (_, i) => 1 + i)],
	padding: ['valid', 'same', 'causal'],
	dilation_rate: [1, 2],
});
const channelsFirst = (rank: number): Shape[][] => [[[B, 6, ...[11, 9, 5].slice(0, rank)]]];

const convRows = (rank: number): Row[] => [
	{ base: { filters: 4 }, axes: geometryAxes(rank), inputs: convInputs[rank] },
	{
		base: { filters: 4, kernel_size: 3 },
		axes: { groups: [1, 2, 3, 4], use_bias: [true, false], filters: [4, 6] },
		inputs: convInputs[rank],
	},
	{
		base: { filters: 4, kernel_size: 3, data_format: 'channels_first' },
		axes: { padding: ['valid', 'same'] },
		inputs: channelsFirst(rank),
	},
	{
		base: { filters: 4, kernel_size: 5 },
		inputs: [[[B, 3, 3, 3, 6].slice(0, rank + 1).concat([6])], [[B, 6]]],
	},
];
/** ConvLSTM*D on (batch, time, …spatial, channels): the convolutions' geometry, per step. */
const convLstmRows = (rank: number): Row[] => [
	{
		base: { filters: 4 },
		axes: {
			...geometryAxes(rank),
			padding: ['valid', 'same'],
			return_sequences: [false, true],
		},
		inputs: [[[B, 5, ...(convInputs[rank][0][0] as Shape).slice(1)]]],
	},
	{
		base: { filters: 4, kernel_size: 3, data_format: 'channels_first' },
		axes: { use_bias: [true, false], return_sequences: [false, true] },
		inputs: [[[B, 5, ...(channelsFirst(rank)[0][0] as Shape).slice(1)]]],
	},
	{ base: { filters: 4, kernel_size: 3 }, inputs: [[[B, 11, 6]], conv2] },
];
const transposeRows = (rank: number): Row[] => [
	{
		base: { filters: 4 },
		axes: { ...geometryAxes(rank), padding: ['valid', 'same'] },
		inputs: convInputs[rank],
	},
	{ base: { filters: 4 }, axes: { kernel_size: [2], strides: [3, 4] }, inputs: convInputs[rank] },
	{
		base: { filters: 4, kernel_size: 3, data_format: 'channels_first' },
		axes: { use_bias: [true, false] },
		inputs: channelsFirst(rank),
	},
];
const depthwiseRows = (rank: number): Row[] => [
	{
		base: {},
		axes: { ...geometryAxes(rank), depth_multiplier: [1, 2] },
		inputs: convInputs[rank],
	},
	{
		base: { kernel_size: 3, data_format: 'channels_first' },
		axes: { use_bias: [true, false] },
		inputs: channelsFirst(rank),
	},
];
const separableRows = (rank: number): Row[] => [
	{
		base: { filters: 4 },
		axes: { ...geometryAxes(rank), depth_multiplier: [1, 2] },
		inputs: convInputs[rank],
	},
	{
		base: { filters: 4, kernel_size: 3 },
		axes: { use_bias: [true, false] },
		inputs: convInputs[rank],
	},
];
const poolRows = (rank: number): Row[] => [
	{
		axes: {
			pool_size: [2, 3, Array.from({ length: rank }, (_, i) => 3 - (i % 2))],
			strides: [null, 1, 2],
			padding: ['valid', 'same', 'causal'],
		},
		inputs: [...convInputs[rank], [[B, 2, 2, 2, 6].slice(0, rank + 1).concat([6])]],
	},
	{
		base: { data_format: 'channels_first' },
		axes: { padding: ['valid', 'same'] },
		inputs: channelsFirst(rank),
	},
];
const globalRows = (rank: number): Row[] => [
	{
		axes: { keepdims: [false, true], data_format: [null, 'channels_first'] },
		inputs: convInputs[rank],
	},
];
const normInputs: Shape[][] = [[[B, 6]], [[B, 5, 6]], [[B, 4, 5, 6]]];
const rnnRows = (extra: Record<string, Json[]> = {}): Row[] => [
	{
		base: { units: 4 },
		axes: { use_bias: [true, false], return_sequences: [false, true], ...extra },
		inputs: [[[B, 7, 3]], [[B, null, 5]], [[B, 3]]],
	},
];
const identity: Row[] = [{ inputs: [[[B, 6]], [[B, 4, 5, 6]]] }];

const grids: Record<string, Row[]> = {
	InputLayer: identity,
	Dense: [
		{
			base: { units: 5 },
			axes: { use_bias: [true, false] },
			inputs: [[[B, 7]], [[B, 3, 7]], [[7]]],
		},
	],
	Conv1D: convRows(1),
	Conv2D: convRows(2),
	Conv3D: convRows(3),
	Conv1DTranspose: transposeRows(1),
	Conv2DTranspose: transposeRows(2),
	Conv3DTranspose: transposeRows(3),
	DepthwiseConv1D: depthwiseRows(1),
	DepthwiseConv2D: depthwiseRows(2),
	SeparableConv1D: separableRows(1),
	SeparableConv2D: separableRows(2),
	BatchNormalization: [
		{
			axes: { axis: [-1, 1, [1, 2]], center: [true, false], scale: [true, false] },
			inputs: normInputs.slice(1),
		},
	],
	LayerNormalization: [
		{
			axes: { axis: [-1, 1, [1, 2]], center: [true, false], scale: [true, false] },
			inputs: normInputs.slice(1),
		},
	],
	GroupNormalization: [
		{
			axes: { groups: [1, 2, 3, 4, 6, 8, -1], center: [true, false], scale: [true, false] },
			inputs: normInputs,
		},
	],
	RMSNormalization: [{ axes: { axis: [-1, 1] }, inputs: normInputs.slice(1) }],
	UnitNormalization: identity,
	Dot: [
		{
			axes: { axes: [1, -1, [1, 2], [2, 1]] },
			inputs: [
				[
					[B, 4, 4],
					[B, 4, 4],
				],
			],
		},
		{
			axes: { axes: [1, -1] },
			inputs: [
				[
					[B, 6],
					[B, 6],
				],
			],
		},
	],
	Resizing: [{ base: { height: 3, width: 7 }, inputs: [[[B, 4, 5, 6]]] }],
	CenterCrop: [{ base: { height: 3, width: 2 }, inputs: [[[B, 4, 5, 6]]] }],
	RandomCrop: [{ base: { height: 3, width: 2 }, inputs: [[[B, 4, 5, 6]]] }],
	RandomHeight: [{ base: { factor: 0.2 }, inputs: [[[B, 4, 5, 6]]] }],
	RandomWidth: [{ base: { factor: 0.2 }, inputs: [[[B, 4, 5, 6]]] }],
	TextVectorization: [
		{
			base: { max_tokens: 1000 },
			axes: { output_sequence_length: [null, 15] },
			inputs: [[[B, 1]], [[B]]],
		},
	],
	Normalization: [
		{
			axes: { axis: [-1, 1], mean: [null, 0.5], variance: [null, 2] },
			inputs: normInputs.slice(1),
		},
	],
	Embedding: [{ base: { input_dim: 50, output_dim: 8 }, inputs: [[[B, 10]], [[B, 3, 4]]] }],
	SimpleRNN: rnnRows(),
	ConvLSTM1D: convLstmRows(1),
	ConvLSTM2D: convLstmRows(2),
	ConvLSTM3D: convLstmRows(3),
	GRU: rnnRows({ reset_after: [true, false] }),
	LSTM: rnnRows(),
	CuDNNLSTM: [
		{
			base: { units: 4 },
			axes: { return_sequences: [false, true] },
			inputs: [[[B, 7, 3]], [[B, null, 5]], [[B, 3]]],
		},
	],
	CuDNNGRU: [
		{
			base: { units: 4 },
			axes: { return_sequences: [false, true] },
			inputs: [[[B, 7, 3]], [[B, 3]]],
		},
	],
	SimpleRNNCell: [
		{ base: { units: 4 }, axes: { use_bias: [true, false] }, inputs: [[[B, 3]], [[B, 7, 3]]] },
	],
	GRUCell: [
		{
			base: { units: 4 },
			axes: { use_bias: [true, false], reset_after: [true, false] },
			inputs: [[[B, 3]]],
		},
	],
	LSTMCell: [{ base: { units: 4 }, axes: { use_bias: [true, false] }, inputs: [[[B, 3]]] }],
	RNN: [
		{
			axes: {
				cell: [
					{ layer: 'LSTMCell', args: { units: 4 } },
					{ layer: 'GRUCell', args: { units: 3, reset_after: false } },
					[
						{ layer: 'GRUCell', args: { units: 4 } },
						{ layer: 'SimpleRNNCell', args: { units: 2, use_bias: false } },
					],
				],
				return_sequences: [false, true],
			},
			inputs: [[[B, 7, 5]], [[B, 5]]],
		},
	],
	Bidirectional: [
		{
			axes: {
				layer: [
					{ layer: 'LSTM', args: { units: 4 } },
					{
						layer: 'GRU',
						args: { units: 3, reset_after: false, return_sequences: true },
					},
				],
				merge_mode: ['concat', 'sum', 'mul', 'ave'],
			},
			inputs: [[[B, 7, 5]]],
		},
	],
	TimeDistributed: [
		{
			axes: {
				layer: [
					{ layer: 'Dense', args: { units: 3 } },
					{ layer: 'Conv2D', args: { filters: 4, kernel_size: 3 } },
				],
			},
			inputs: [[[B, 5, 8, 8, 2]]],
		},
	],
	MultiHeadAttention: [
		{
			base: { num_heads: 2, key_dim: 4 },
			axes: { value_dim: [null, 3], use_bias: [true, false], output_shape: [null, 5] },
			inputs: [
				[
					[B, 6, 8],
					[B, 7, 8],
				],
				[
					[B, 6, 8],
					[B, 7, 10],
				],
				[
					[B, 6, 8],
					[B, 7, 10],
					[B, 7, 9],
				],
			],
		},
	],
	Attention: [
		{
			axes: { use_scale: [false, true], score_mode: ['dot', 'concat'] },
			inputs: [
				[
					[B, 6, 8],
					[B, 7, 8],
				],
				[
					[B, 6, 8],
					[B, 7, 8],
					[B, 7, 8],
				],
			],
		},
	],
	AdditiveAttention: [
		{
			axes: { use_scale: [true, false] },
			inputs: [
				[
					[B, 6, 8],
					[B, 7, 8],
				],
				[
					[B, 6, 8],
					[B, 7, 8],
					[B, 7, 8],
				],
			],
		},
	],
	PReLU: [{ axes: { shared_axes: [null, 1, [1, 2]] }, inputs: [[[B, 4, 5, 3]]] }],
	Flatten: [{ inputs: [[[B, 4, 5, 3]], [[B, 7]]] }],
	Reshape: [
		{
			axes: { target_shape: [[60], [3, 20], [-1, 3], [3, -1, 2], [7, -1], [-1, 9], [6, 11]] },
			inputs: [[[B, 4, 5, 3]], [[B, 10, 3]]],
		},
	],
	Permute: [
		{
			axes: {
				dims: [
					[2, 1, 3],
					[3, 1, 2],
				],
			},
			inputs: [[[B, 4, 5, 3]]],
		},
	],
	RepeatVector: [{ base: { n: 3 }, inputs: [[[B, 7]]] }],
	ZeroPadding1D: [{ axes: { padding: [1, 3, [2, 1]] }, inputs: [[[B, 7, 3]]] }],
	ZeroPadding2D: [
		{
			axes: {
				padding: [
					1,
					[2, 1],
					[
						[1, 2],
						[3, 0],
					],
				],
				data_format: [null, 'channels_first'],
			},
			inputs: [[[B, 7, 6, 3]]],
		},
	],
	ZeroPadding3D: [
		{
			axes: {
				padding: [
					1,
					[2, 1, 0],
					[
						[1, 2],
						[3, 0],
						[0, 1],
					],
				],
			},
			inputs: [[[B, 7, 6, 5, 3]]],
		},
	],
	Cropping1D: [{ axes: { cropping: [1, [2, 1]] }, inputs: [[[B, 7, 3]]] }],
	Cropping2D: [
		{
			axes: {
				cropping: [
					1,
					[2, 1],
					[
						[1, 2],
						[3, 0],
					],
				],
				data_format: [null, 'channels_first'],
			},
			inputs: [[[B, 7, 6, 5]]],
		},
	],
	Cropping3D: [
		{
			axes: {
				cropping: [
					1,
					[2, 1, 0],
					[
						[1, 2],
						[3, 0],
						[0, 1],
					],
				],
			},
			inputs: [[[B, 7, 6, 5, 3]]],
		},
	],
	UpSampling1D: [{ axes: { size: [2, 3] }, inputs: [[[B, 7, 3]]] }],
	UpSampling2D: [
		{
			axes: { size: [2, [2, 3]], data_format: [null, 'channels_first'] },
			inputs: [[[B, 7, 6, 3]]],
		},
	],
	UpSampling3D: [{ axes: { size: [2, [1, 2, 3]] }, inputs: [[[B, 4, 3, 2, 3]]] }],
	Concatenate: [
		{
			axes: { axis: [-1, 1] },
			inputs: [
				[
					[B, 4, 5],
					[B, 4, 5],
				],
				[
					[B, 4, 5],
					[B, 4, 5],
					[B, 4, 5],
				],
			],
		},
	],
	Lambda: [
		{ base: { function: null }, axes: { output_shape: [[3], [4, 5]] }, inputs: [[[B, 7]]] },
	],
};
for (const r of [1, 2, 3] as const) {
	for (const kind of ['Max', 'Average']) {
		grids[`${kind}Pooling${r}D`] = poolRows(r);
		grids[`Global${kind}Pooling${r}D`] = globalRows(r);
	}
}
for (const name of ['Add', 'Multiply', 'Average', 'Subtract', 'Maximum', 'Minimum']) {
	grids[name] = [
		{
			inputs: [
				[
					[B, 4, 5],
					[B, 4, 5],
				],
				[
					[B, 4, 5],
					[B, 4, 6],
				],
			],
		},
	];
}
/** Arguments for the identity-shaped layers whose only required argument is not a shape. */
const requiredArgs: Record<string, Args> = {
	Activation: { activation: 'relu' },
	Dropout: { rate: 0.3 },
	SpatialDropout1D: { rate: 0.3 },
	SpatialDropout2D: { rate: 0.3 },
	SpatialDropout3D: { rate: 0.3 },
	GaussianNoise: { stddev: 0.1 },
	GaussianDropout: { rate: 0.3 },
	AlphaDropout: { rate: 0.3 },
	Rescaling: { scale: 0.5 },
};

interface Case {
	layer: string;
	args: Args;
	inputs: Shape[];
}

function cases(layer: string): Case[] {
	const rows = grids[layer] ?? [{ base: requiredArgs[layer] ?? {}, inputs: identity[0].inputs }];
	const out: Case[] = [];
	for (const row of rows) {
		const keys = Object.keys(row.axes ?? {});
		let combos: Args[] = [{ ...row.base }];
		for (const k of keys) {
			combos = combos.flatMap((c) =>
				(row.axes as Record<string, Json[]>)[k].map((v) => ({ ...c, [k]: v })),
			);
		}
		for (const args of combos) {
			for (const inputs of row.inputs) {
				out.push({ layer, args, inputs });
			}
		}
	}
	return out;
}

// ---- NormLens's side -----------------------------------------------------------------------------

function toValue(j: Json): Value {
	if (j === null) {
		return { k: 'none' };
	}
	if (Array.isArray(j)) {
		return { k: 'tuple', items: j.map(toValue) };
	}
	if (typeof j === 'object') {
		// A wrapped layer, as the runtime hands it to Bidirectional and TimeDistributed.
		const spec = kerasLayerSpec(j.layer) as KerasLayerSpec;
		return {
			k: 'obj',
			obj: {
				framework: 'keras',
				kind: 'layer',
				spec,
				config: bindKerasArgs(
					spec,
					[],
					Object.entries(j.args).map(([k, v]) => [k, toValue(v)]),
				),
			} as never,
		};
	}
	return typeof j === 'number'
		? { k: 'num', v: j }
		: typeof j === 'string'
			? { k: 'str', v: j }
			: { k: 'bool', v: j };
}

/** Binds a call's arguments as the runtime's `bindArgs` does (see ruleHarness). */
function bindKerasArgs(
	spec: KerasLayerSpec,
	args: Value[],
	kwargs: [string, Value][],
): Map<string, Value> {
	return bindCatalogueArgs(spec.args, args, kwargs, true);
}

const show = (o: Outcome<unknown>) =>
	'ok' in o ? JSON.stringify(o.ok) : 'error' in o ? `ShapeError(${o.error})` : 'unknown';

function normLens(c: Case, positional: number) {
	const spec = kerasLayerSpec(c.layer) as KerasLayerSpec;
	// Leading arguments positionally (in the catalogue's order) on some cases, by keyword on the others.
	const names = spec.args.map(([n]) => n);
	let npos = 0;
	while (npos < positional && npos < names.length && names[npos] in c.args) {
		npos++;
	}
	const cfg = bindKerasArgs(
		spec,
		names.slice(0, npos).map((n) => toValue(c.args[n])),
		Object.entries(c.args)
			.filter(([k]) => !names.slice(0, npos).includes(k))
			.map(([k, v]) => [k, toValue(v)]),
	);
	const weights = attempt(() => {
		const ws = kerasWeights(spec, cfg, c.inputs[0], c.inputs);
		return (
			ws && {
				weights: ws.reduce((s, w) => s + prod(w.shape), 0),
				nonTrainable: ws.filter((w) => !w.trainable).reduce((s, w) => s + prod(w.shape), 0),
			}
		);
	});
	return { weights, shape: attempt(() => kerasOutputShape(spec, cfg, c.inputs)) };
}

function disagreements(c: Case, index: number): string[] {
	let expected: Expected | undefined;
	let raises: string | undefined;
	try {
		expected = reference(c.layer, c.args, c.inputs);
	} catch (e) {
		if (!(e instanceof KerasRaises)) {
			throw e;
		}
		raises = e.message;
	}
	const nl = normLens(c, index % 2 === 0 ? 0 : 3);
	if (raises !== undefined) {
		return 'ok' in nl.weights && 'ok' in nl.shape
			? [
					`Keras raises (${raises}) but NormLens gives ${show(nl.weights)} and ${show(nl.shape)}`,
				]
			: [];
	}
	const e = expected as Expected;
	const out: string[] = [];
	if (
		!('ok' in nl.weights) ||
		nl.weights.ok.weights !== e.weights ||
		nl.weights.ok.nonTrainable !== e.nonTrainable
	) {
		out.push(
			`weights: Keras ${JSON.stringify({ weights: e.weights, nonTrainable: e.nonTrainable })}, NormLens ${show(nl.weights)}`,
		);
	}
	if (!('ok' in nl.shape) || JSON.stringify(nl.shape.ok) !== JSON.stringify(e.shape)) {
		out.push(`output shape: Keras ${JSON.stringify(e.shape)}, NormLens ${show(nl.shape)}`);
	}
	return out;
}

const describeCase = (c: Case) =>
	`${c.layer}(${Object.entries(c.args)
		.map(([k, v]) => `${k}=${JSON.stringify(v)}`)
		.join(', ')}) on ${c.inputs.map((s) => JSON.stringify(s)).join(', ')}`;

describe('Keras catalogue conformance against the documented formulas', () => {
	it('every catalogue layer has cases', () => {
		const empty = kerasLayers.filter((l) => cases(l.name).length === 0).map((l) => l.name);
		assert.deepStrictEqual(empty, []);
		const strays = Object.keys(grids).filter((n) => !kerasLayerSpec(n));
		assert.deepStrictEqual(strays, [], 'grids for layers the catalogue does not have');
	});

	for (const spec of kerasLayers) {
		it(`${spec.name}: weights and output shapes equal the reference on every case`, () => {
			const all = cases(spec.name);
			const failures = all.flatMap((c, i) =>
				disagreements(c, i).map((d) => `${describeCase(c)}: ${d}`),
			);
			if (process.env.NORMLENS_CONFORMANCE_LOG) {
				fs.appendFileSync(
					process.env.NORMLENS_CONFORMANCE_LOG,
					failures.map((f) => `${f}\n`).join(''),
				);
			}
			assert.deepStrictEqual(
				failures.slice(0, 15),
				[],
				`${failures.length} of ${all.length} cases disagree`,
			);
		});
	}

	it('Reshape with -1 whose known sizes do not divide the input is an error, never a fractional size', () => {
		const spec = kerasLayerSpec('Reshape') as KerasLayerSpec;
		const cfg = bindKerasArgs(spec, [toValue([-1, 3])], []);
		assert.throws(() => kerasOutputShape(spec, cfg, [[null, 10]]), ShapeError);
	});
});

/** Number of generated cases (for the report). */
export const kerasCaseCount = () => kerasLayers.reduce((s, l) => s + cases(l.name).length, 0);
