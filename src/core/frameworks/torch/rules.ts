import type { Shape, WeightInfo } from '../../../protocol/analysis';
import { asInt, asNumber, asSequence, asString, Value } from '../../python/values';
import { reshapeShape } from '../common/shapes';
import { ShapeError } from '../common/spec';
import {
	ArgCheck,
	TorchModuleSpec,
	TorchParamRule,
	TorchShapeRule,
	upsampleModeRanks,
} from './catalogue';

/** Rules build one weight list per stacked layer: a bound keeps them O(1) in an absurd argument. */
export const MAX_STACKED_LAYERS = 10_000;

/** An argument beyond what NormLens builds (not an error of the framework's): the count is unknown for this reason. */
export class SizeBoundError extends Error {}

export type ModuleConfig = Map<string, Value>;

const int = (cfg: ModuleConfig, name: string) => asInt(cfg.get(name));

function bool(cfg: ModuleConfig, name: string): boolean | undefined {
	const v = cfg.get(name);
	return v?.k === 'bool' ? v.v : v?.k === 'num' ? v.v !== 0 : undefined;
}

/** An int or a tuple of `rank` ints (kernel sizes, strides, padding…). */
function ints(cfg: ModuleConfig, name: string, rank: number): number[] | undefined {
	const v = cfg.get(name);
	const n = asInt(v);
	if (n !== undefined) {
		return Array(rank).fill(n);
	}
	const items = asSequence(v)?.map(asInt);
	return items && items.length === rank && items.every((x) => x !== undefined)
		? (items as number[])
		: undefined;
}

/** A shape argument: an int or a sequence of ints (`normalized_shape`). */
function dims(v: Value | undefined): number[] | undefined {
	const n = asInt(v);
	if (n !== undefined) {
		return [n];
	}
	const items = asSequence(v)?.map(asInt);
	return items && items.every((x) => x !== undefined) ? (items as number[]) : undefined;
}

function fmt(s: Shape): string {
	return `(${s.map((d) => (d === null ? 'None' : d)).join(', ')})`;
}

const p = (name: string, shape: number[]): WeightInfo => ({
	name,
	shape,
	kind: 'param',
	trainable: true,
});
const b = (name: string, shape: number[]): WeightInfo => ({
	name,
	shape,
	kind: 'buffer',
	trainable: false,
});

type ParamFn = (spec: TorchModuleSpec, cfg: ModuleConfig) => WeightInfo[] | null;
type ShapeFn = (
	spec: TorchModuleSpec,
	cfg: ModuleConfig,
	inputs: Shape[],
	name: string,
) => Shape | null;

function runningStats(c: number): WeightInfo[] {
	return [b('running_mean', [c]), b('running_var', [c]), b('num_batches_tracked', [])];
}

const paramRules: Record<TorchParamRule, ParamFn> = {
	none: () => [],
	lazy: () => null,
	linear: (_s, cfg) => {
		const i = int(cfg, 'in_features');
		const o = int(cfg, 'out_features');
		const bias = bool(cfg, 'bias');
		return i === undefined || o === undefined || bias === undefined
			? null
			: [p('weight', [o, i]), ...(bias ? [p('bias', [o])] : [])];
	},
	bilinear: (_s, cfg) => {
		const [i1, i2, o] = ['in1_features', 'in2_features', 'out_features'].map((n) =>
			int(cfg, n),
		);
		const bias = bool(cfg, 'bias');
		return i1 === undefined || i2 === undefined || o === undefined || bias === undefined
			? null
			: [p('weight', [o, i1, i2]), ...(bias ? [p('bias', [o])] : [])];
	},
	conv: (s, cfg) => {
		const i = int(cfg, 'in_channels');
		const o = int(cfg, 'out_channels');
		const g = int(cfg, 'groups');
		const k = ints(cfg, 'kernel_size', s.rank ?? 2);
		const bias = bool(cfg, 'bias');
		if (i === undefined || o === undefined || g === undefined || !k || bias === undefined) {
			return null;
		}
		// padding='same' pads for stride 1 only (PyTorch refuses it with strides).
		const st = ints(cfg, 'stride', s.rank ?? 2);
		if (asString(cfg.get('padding')) === 'same' && st?.some((x) => x !== 1)) {
			throw new ShapeError(
				`padding='same' is not supported for strided convolutions (stride ${fmt(st)})`,
			);
		}
		return [p('weight', [o, i / g, ...k]), ...(bias ? [p('bias', [o])] : [])];
	},
	convTranspose: (s, cfg) => {
		const i = int(cfg, 'in_channels');
		const o = int(cfg, 'out_channels');
		const g = int(cfg, 'groups');
		const k = ints(cfg, 'kernel_size', s.rank ?? 2);
		const bias = bool(cfg, 'bias');
		if (i === undefined || o === undefined || g === undefined || !k || bias === undefined) {
			return null;
		}
		return [p('weight', [i, o / g, ...k]), ...(bias ? [p('bias', [o])] : [])];
	},
	batchNorm: (_s, cfg) => {
		const c = int(cfg, 'num_features');
		const affine = bool(cfg, 'affine');
		const track = bool(cfg, 'track_running_stats');
		if (c === undefined || affine === undefined || track === undefined) {
			return null;
		}
		return [
			...(affine ? [p('weight', [c]), p('bias', [c])] : []),
			...(track ? runningStats(c) : []),
		];
	},
	instanceNorm: (_s, cfg) => paramRules.batchNorm(_s, cfg),
	layerNorm: (_s, cfg) => {
		const shape = dims(cfg.get('normalized_shape'));
		const affine = bool(cfg, 'elementwise_affine');
		const bias = bool(cfg, 'bias');
		if (!shape || affine === undefined || bias === undefined) {
			return null;
		}
		return affine ? [p('weight', shape), ...(bias ? [p('bias', shape)] : [])] : [];
	},
	rmsNorm: (_s, cfg) => {
		const shape = dims(cfg.get('normalized_shape'));
		const affine = bool(cfg, 'elementwise_affine');
		return !shape || affine === undefined ? null : affine ? [p('weight', shape)] : [];
	},
	groupNorm: (_s, cfg) => {
		const g = int(cfg, 'num_groups');
		const c = int(cfg, 'num_channels');
		const affine = bool(cfg, 'affine');
		if (g === undefined || c === undefined || affine === undefined) {
			return null;
		}
		return affine ? [p('weight', [c]), p('bias', [c])] : [];
	},
	embedding: (_s, cfg) => {
		const n = int(cfg, 'num_embeddings');
		const d = int(cfg, 'embedding_dim');
		return n === undefined || d === undefined ? null : [p('weight', [n, d])];
	},
	rnn: (s, cfg) => {
		const input = int(cfg, 'input_size');
		const hidden = int(cfg, 'hidden_size');
		const layers = int(cfg, 'num_layers');
		const bias = bool(cfg, 'bias');
		const bi = bool(cfg, 'bidirectional');
		const proj = int(cfg, 'proj_size') ?? 0;
		if (
			input === undefined ||
			hidden === undefined ||
			layers === undefined ||
			bias === undefined ||
			bi === undefined
		) {
			return null;
		}
		if (layers > MAX_STACKED_LAYERS) {
			throw new SizeBoundError(
				`num_layers=${layers} is more than the ${MAX_STACKED_LAYERS.toLocaleString('en-US')} stacked layers NormLens builds, so its parameters are not counted`,
			);
		}
		const gates = (s.gates ?? 1) * hidden;
		const out = proj > 0 ? proj : hidden;
		const dirs = bi ? 2 : 1;
		const w: WeightInfo[] = [];
		for (let l = 0; l < layers; l++) {
			const inL = l === 0 ? input : out * dirs;
			for (let d = 0; d < dirs; d++) {
				const sfx = `l${l}${d === 1 ? '_reverse' : ''}`;
				w.push(p(`weight_ih_${sfx}`, [gates, inL]), p(`weight_hh_${sfx}`, [gates, out]));
				if (bias) {
					w.push(p(`bias_ih_${sfx}`, [gates]), p(`bias_hh_${sfx}`, [gates]));
				}
				if (proj > 0) {
					w.push(p(`weight_hr_${sfx}`, [proj, hidden]));
				}
			}
		}
		return w;
	},
	multiheadAttention: (_s, cfg) => {
		const e = int(cfg, 'embed_dim');
		const heads = int(cfg, 'num_heads');
		const bias = bool(cfg, 'bias');
		const kv = bool(cfg, 'add_bias_kv');
		const kdim = cfg.get('kdim')?.k === 'none' ? e : int(cfg, 'kdim');
		const vdim = cfg.get('vdim')?.k === 'none' ? e : int(cfg, 'vdim');
		if (
			e === undefined ||
			heads === undefined ||
			bias === undefined ||
			kv === undefined ||
			kdim === undefined ||
			vdim === undefined
		) {
			return null;
		}
		const same = kdim === e && vdim === e;
		return [
			...(same
				? [p('in_proj_weight', [3 * e, e])]
				: [
						p('q_proj_weight', [e, e]),
						p('k_proj_weight', [e, kdim]),
						p('v_proj_weight', [e, vdim]),
					]),
			...(bias ? [p('in_proj_bias', [3 * e])] : []),
			...(kv ? [p('bias_k', [1, 1, e]), p('bias_v', [1, 1, e])] : []),
			p('out_proj.weight', [e, e]),
			...(bias ? [p('out_proj.bias', [e])] : []),
		];
	},
	transformerEncoderLayer: (_s, cfg) => {
		const d = int(cfg, 'd_model');
		const ff = int(cfg, 'dim_feedforward');
		const bias = bool(cfg, 'bias');
		if (d === undefined || ff === undefined || bias === undefined) {
			return null;
		}
		const lin = (name: string, o: number, i: number) => [
			p(`${name}.weight`, [o, i]),
			...(bias ? [p(`${name}.bias`, [o])] : []),
		];
		return [
			p('self_attn.in_proj_weight', [3 * d, d]),
			...(bias ? [p('self_attn.in_proj_bias', [3 * d])] : []),
			...lin('self_attn.out_proj', d, d),
			...lin('linear1', ff, d),
			...lin('linear2', d, ff),
			p('norm1.weight', [d]),
			...(bias ? [p('norm1.bias', [d])] : []),
			p('norm2.weight', [d]),
			...(bias ? [p('norm2.bias', [d])] : []),
		];
	},
	prelu: (_s, cfg) => {
		const n = int(cfg, 'num_parameters');
		return n === undefined ? null : [p('weight', [n])];
	},
};

function convOut(
	n: number | null,
	k: number,
	s: number,
	pad: number,
	d: number,
	ceil = false,
): number | null {
	if (n === null) {
		return null;
	}
	const v = (n + 2 * pad - d * (k - 1) - 1) / s + 1;
	const out = ceil ? Math.ceil(v) : Math.floor(v);
	// PyTorch: with ceil_mode the last window must start inside the input or left padding.
	const fixed = ceil && (out - 1) * s >= n + pad ? out - 1 : out;
	if (fixed <= 0) {
		throw new ShapeError(
			`the window (${d * (k - 1) + 1}) is larger than the padded input (${n + 2 * pad})`,
		);
	}
	return fixed;
}

/** Splits an input into (batch-ish prefix, channels, spatial) for a module of spatial `rank`. */
function spatialInput(
	input: Shape,
	rank: number,
	name: string,
): { channelAxis: number; spatial: number[] } {
	if (input.length === rank + 2) {
		return { channelAxis: 1, spatial: Array.from({ length: rank }, (_, i) => i + 2) };
	}
	if (input.length === rank + 1) {
		return { channelAxis: 0, spatial: Array.from({ length: rank }, (_, i) => i + 1) };
	}
	throw new ShapeError(
		`${name} expects a ${rank + 1}-D or ${rank + 2}-D input but got ${input.length}-D ${fmt(input)}`,
	);
}

function checkChannels(
	input: Shape,
	axis: number,
	expected: number | undefined,
	what: string,
	name: string,
): void {
	const got = input[axis];
	if (expected !== undefined && got !== null && got !== expected) {
		throw new ShapeError(
			`${name} expects ${expected} ${what} but the input has ${got} (input ${fmt(input)})`,
		);
	}
}

function poolShape(
	spec: TorchModuleSpec,
	cfg: ModuleConfig,
	input: Shape,
	name: string,
	dilated: boolean,
): Shape | null {
	const rank = spec.rank ?? 2;
	const { spatial } = spatialInput(input, rank, name);
	const k = ints(cfg, 'kernel_size', rank);
	const strideV = cfg.get('stride');
	const s = !strideV || strideV.k === 'none' ? k : ints(cfg, 'stride', rank);
	const pad = ints(cfg, 'padding', rank);
	const d = dilated ? ints(cfg, 'dilation', rank) : Array(rank).fill(1);
	const ceil = bool(cfg, 'ceil_mode') ?? false;
	if (!k || !s || !pad || !d) {
		return null;
	}
	if (pad.some((q, i) => q > k[i] / 2)) {
		throw new ShapeError(
			`${name}: padding ${fmt(pad)} must be at most half of the kernel size ${fmt(k)}`,
		);
	}
	if (
		spec.windowFitsInput &&
		spatial.some((a, i) => input[a] !== null && (input[a] as number) < k[i])
	) {
		throw new ShapeError(
			`${name}: the input ${fmt(input)} is smaller than the kernel ${fmt(k)}`,
		);
	}
	const out = [...input];
	spatial.forEach((a, i) => {
		out[a] = convOut(input[a], k[i], s[i], pad[i], d[i], ceil);
	});
	return out;
}

const shapeRules: Record<TorchShapeRule, ShapeFn> = {
	identity: (_s, _c, [x]) => x,
	linear: (_s, cfg, [x], name) => {
		checkChannels(
			x,
			x.length - 1,
			int(cfg, 'in_features'),
			'input features (in_features)',
			name,
		);
		const o = int(cfg, 'out_features');
		return o === undefined ? null : [...x.slice(0, -1), o];
	},
	bilinear: (_s, cfg, [x, y], name) => {
		checkChannels(
			x,
			x.length - 1,
			int(cfg, 'in1_features'),
			'features in its first input (in1_features)',
			name,
		);
		if (y) {
			checkChannels(
				y,
				y.length - 1,
				int(cfg, 'in2_features'),
				'features in its second input (in2_features)',
				name,
			);
			if (
				y.length !== x.length ||
				y.slice(0, -1).some((d, i) => d !== null && x[i] !== null && d !== x[i])
			) {
				throw new ShapeError(
					`${name} needs inputs with the same leading dims, got ${fmt(x)} and ${fmt(y)}`,
				);
			}
		}
		const o = int(cfg, 'out_features');
		return o === undefined ? null : [...x.slice(0, -1), o];
	},
	conv: (spec, cfg, [x], name) => {
		const rank = spec.rank ?? 2;
		const { channelAxis, spatial } = spatialInput(x, rank, name);
		checkChannels(
			x,
			channelAxis,
			int(cfg, 'in_channels'),
			'input channels (in_channels)',
			name,
		);
		const k = ints(cfg, 'kernel_size', rank);
		const s = ints(cfg, 'stride', rank);
		const d = ints(cfg, 'dilation', rank);
		const padMode = asString(cfg.get('padding'));
		const pad = padMode === 'valid' ? Array(rank).fill(0) : ints(cfg, 'padding', rank);
		const o = int(cfg, 'out_channels');
		if (!k || !s || !d || o === undefined || (!pad && padMode !== 'same')) {
			return null;
		}
		const out = [...x];
		out[channelAxis] = o;
		spatial.forEach((a, i) => {
			out[a] =
				padMode === 'same' ? x[a] : convOut(x[a], k[i], s[i], (pad as number[])[i], d[i]);
		});
		return out;
	},
	convTranspose: (spec, cfg, [x], name) => {
		const rank = spec.rank ?? 2;
		const { channelAxis, spatial } = spatialInput(x, rank, name);
		checkChannels(
			x,
			channelAxis,
			int(cfg, 'in_channels'),
			'input channels (in_channels)',
			name,
		);
		const k = ints(cfg, 'kernel_size', rank);
		const s = ints(cfg, 'stride', rank);
		const d = ints(cfg, 'dilation', rank);
		const pad = ints(cfg, 'padding', rank);
		const op = ints(cfg, 'output_padding', rank);
		const o = int(cfg, 'out_channels');
		if (!k || !s || !d || !pad || !op || o === undefined) {
			return null;
		}
		if (op.some((q, i) => q >= s[i] && q >= d[i])) {
			throw new ShapeError(
				`${name}: output_padding ${fmt(op)} must be smaller than either the stride ${fmt(s)} or the dilation ${fmt(d)}`,
			);
		}
		const out = [...x];
		out[channelAxis] = o;
		spatial.forEach((a, i) => {
			const n = x[a];
			const size =
				n === null ? null : (n - 1) * s[i] - 2 * pad[i] + d[i] * (k[i] - 1) + op[i] + 1;
			if (size !== null && size <= 0) {
				throw new ShapeError(
					`${name}: the output size ${size} of input size ${n} is too small`,
				);
			}
			out[a] = size;
		});
		return out;
	},
	maxPool: (spec, cfg, [x], name) => poolShape(spec, cfg, x, name, true),
	avgPool: (spec, cfg, [x], name) => poolShape(spec, cfg, x, name, false),
	adaptivePool: (spec, cfg, [x], name) => {
		const rank = spec.rank ?? 2;
		const v = cfg.get('output_size');
		const single = asInt(v);
		const items =
			single !== undefined ? Array(rank).fill({ k: 'num', v: single }) : asSequence(v);
		const global = items?.every((it: Value) => asInt(it) === 1);
		const { spatial } =
			spec.globalMeanAnyRank && global && x.length > rank + 2
				? { spatial: Array.from({ length: rank }, (_, i) => x.length - rank + i) }
				: spatialInput(x, rank, name);
		if (!items || items.length !== rank) {
			return null;
		}
		if (rank === 1 && items[0].k === 'none') {
			throw new ShapeError(`${name}: output_size must be an int for a 1-d pool`);
		}
		const out = [...x];
		spatial.forEach((a, i) => {
			const it = items[i] as Value;
			out[a] = it.k === 'none' ? x[a] : (asInt(it) ?? null);
		});
		return out;
	},
	batchNorm: (spec, cfg, [x], name) => {
		if (spec.rank !== undefined) {
			const ok =
				spec.rank === 1 ? x.length === 2 || x.length === 3 : x.length === spec.rank + 2;
			if (!ok) {
				throw new ShapeError(
					`${name} expects a ${spec.rank === 1 ? '2-D or 3-D' : `${spec.rank + 2}-D`} input but got ${x.length}-D ${fmt(x)}`,
				);
			}
		}
		// Without weights or running statistics nothing in PyTorch has the size num_features.
		const perChannel =
			bool(cfg, 'affine') !== false || bool(cfg, 'track_running_stats') !== false;
		const c = perChannel ? int(cfg, 'num_features') : undefined;
		if (spec.rank === 1 && x.length === 3 && c !== undefined && x[1] !== c && x[2] === c) {
			throw new ShapeError(
				`${name}(${c}) normalizes dim 1, but this (N, L, C)-shaped input ${fmt(x)} has its ${c} features on the last dim: permute it to (N, C, L) first, e.g. x.transpose(1, 2)`,
				'bn-channels-last',
			);
		}
		checkChannels(x, 1, c, 'channels (num_features) on dim 1', name);
		if (x[0] === 1 && x.slice(2).every((d) => d === 1)) {
			throw new ShapeError(
				`${name} gets one value per channel ${fmt(x)}: in training PyTorch raises "Expected more than 1 value per channel when training" — use a batch larger than 1 or call model.eval()`,
				'batch-size-one',
			);
		}
		return x;
	},
	instanceNorm: (spec, cfg, [x], name) => {
		const rank = spec.rank ?? 2;
		const { channelAxis } = spatialInput(x, rank, name);
		// PyTorch only warns about other channel counts when the norm has no per-channel state.
		if (bool(cfg, 'affine') !== false || bool(cfg, 'track_running_stats') !== false) {
			checkChannels(
				x,
				channelAxis,
				int(cfg, 'num_features'),
				'channels (num_features)',
				name,
			);
		}
		return x;
	},
	channelNorm: (_s, cfg, [x], name) => {
		if (bool(cfg, 'affine') !== false) {
			checkChannels(x, 1, int(cfg, 'num_channels'), 'channels (num_channels) on dim 1', name);
		}
		const g = int(cfg, 'num_groups');
		if (g !== undefined && x[1] !== null && x[1] !== undefined && x[1] % g !== 0) {
			throw new ShapeError(
				`${name} needs input channels divisible by num_groups=${g} but the input has ${x[1]} (input ${fmt(x)})`,
			);
		}
		return x;
	},
	lastDimsNorm: (_s, cfg, [x], name) => {
		const shape = dims(cfg.get('normalized_shape'));
		if (shape) {
			const tail = x.slice(x.length - shape.length);
			if (tail.length !== shape.length || tail.some((d, i) => d !== null && d !== shape[i])) {
				throw new ShapeError(
					`${name} normalizes the last dims ${fmt(shape)} but the input ends in ${fmt(tail)} (input ${fmt(x)})`,
				);
			}
		}
		return x;
	},
	flatten: (_s, cfg, [x], name) => {
		const start = int(cfg, 'start_dim');
		const end = int(cfg, 'end_dim');
		if (start === undefined || end === undefined) {
			return null;
		}
		const [a, b] = [dimIndex(start, x, name), dimIndex(end, x, name)];
		if (a > b) {
			throw new ShapeError(
				`${name}: start_dim ${start} comes after end_dim ${end} on a ${x.length}-D input`,
			);
		}
		return flattenShape(x, a, b);
	},
	unflatten: (_s, cfg, [x], name) => {
		const dim = int(cfg, 'dim');
		const sizes = dims(cfg.get('unflattened_size'));
		if (dim === undefined || !sizes) {
			return null;
		}
		const a = dimIndex(dim, x, name);
		return [...x.slice(0, a), ...reshapeShape([x[a]], sizes, name), ...x.slice(a + 1)];
	},
	embedding: (_s, cfg, [x]) => {
		const d = int(cfg, 'embedding_dim');
		return d === undefined ? null : [...x, d];
	},
	embeddingBag: (_s, cfg, [x, offsets], name) => {
		// A 2-D input holds one bag per row; a 1-D one needs the offsets where each bag starts.
		if (x.length === 1 && !offsets) {
			throw new ShapeError(`${name} on a 1-D input needs the offsets of its bags`);
		}
		const d = int(cfg, 'embedding_dim');
		return d === undefined ? null : [x.length === 2 ? x[0] : offsets[0], d];
	},
	rnn: (_s, cfg, [x], name) => {
		const hidden = int(cfg, 'hidden_size');
		const proj = int(cfg, 'proj_size') ?? 0;
		const bi = bool(cfg, 'bidirectional');
		checkChannels(x, x.length - 1, int(cfg, 'input_size'), 'input features (input_size)', name);
		if (hidden === undefined || bi === undefined) {
			return null;
		}
		return [...x.slice(0, -1), (proj > 0 ? proj : hidden) * (bi ? 2 : 1)];
	},
	multiheadAttention: (_s, cfg, [q, k, v], name) => {
		const e = int(cfg, 'embed_dim');
		const kdim = cfg.get('kdim')?.k === 'none' ? e : int(cfg, 'kdim');
		const vdim = cfg.get('vdim')?.k === 'none' ? e : int(cfg, 'vdim');
		checkChannels(q, q.length - 1, e, 'query features (embed_dim)', name);
		if (k && v) {
			checkChannels(k, k.length - 1, kdim, 'key features (kdim)', name);
			checkChannels(v, v.length - 1, vdim, 'value features (vdim)', name);
			// Keys and values: the same (batch, source length); the query: the same batch.
			const batchAxis = q.length === 3 ? (bool(cfg, 'batch_first') ? 0 : 1) : -1;
			const same = (a: Shape, b: Shape, axes: number[]) =>
				a.length === b.length &&
				axes.every((i) => a[i] === null || b[i] === null || a[i] === b[i]);
			if (
				!same(k, v, k.map((_, i) => i).slice(0, -1)) ||
				(batchAxis >= 0 && !same(q, k, [batchAxis]))
			) {
				throw new ShapeError(
					`${name}: query ${fmt(q)}, key ${fmt(k)} and value ${fmt(v)} do not fit together`,
				);
			}
		}
		return e === undefined ? null : [...q.slice(0, -1), e];
	},
	transformerEncoderLayer: (_s, cfg, [x], name) => {
		checkChannels(
			x,
			x.length - 1,
			int(cfg, 'd_model'),
			'features (d_model) on the last dim',
			name,
		);
		return x;
	},
	softmax: (_s, cfg, [x], name) => {
		const dim = int(cfg, 'dim');
		if (dim !== undefined) {
			dimIndex(dim, x, name);
		}
		return x;
	},
	prelu: (_s, cfg, [x], name) => {
		// One slope, or one per channel (dim 1; a 1-D input has one channel).
		const n = int(cfg, 'num_parameters');
		const c = x.length >= 2 ? x[1] : 1;
		if (n !== undefined && n !== 1 && c !== null && c !== n) {
			throw new ShapeError(
				`${name} has ${n} slopes but the input has ${c} channels (input ${fmt(x)})`,
			);
		}
		return x;
	},
	upsample: (_s, cfg, [x], name) => {
		const size = cfg.get('size');
		const scale = cfg.get('scale_factor');
		const spatial = x.length - 2;
		const mode = asString(cfg.get('mode'));
		const modeRank = mode === undefined ? undefined : upsampleModeRanks[mode];
		if (modeRank && modeRank !== x.length) {
			throw new ShapeError(
				`${name}: mode '${mode}' needs a ${modeRank}-D input but got ${x.length}-D ${fmt(x)}`,
			);
		}
		const perAxis = <T>(list: T[] | undefined, what: string) => {
			if (list && list.length !== spatial) {
				throw new ShapeError(
					`${name}: ${what} ${list.length === 1 ? 'has' : 'have'} ${list.length} values for the ${spatial} spatial dims of ${fmt(x)}`,
				);
			}
			return list;
		};
		if (size && size.k !== 'none') {
			const s = asInt(size);
			const list = perAxis(
				s !== undefined ? Array(spatial).fill(s) : asSequence(size)?.map(asInt),
				'size',
			);
			return list && list.every((v) => v !== undefined)
				? [x[0], x[1], ...(list as number[])]
				: null;
		}
		const f = asNumber(scale);
		const fs = perAxis(
			f !== undefined ? Array(spatial).fill(f) : asSequence(scale)?.map(asNumber),
			'scale_factor',
		);
		if (!fs || fs.some((v) => v === undefined)) {
			return null;
		}
		return [
			x[0],
			x[1],
			...x.slice(2).map((d, i) => (d === null ? null : Math.floor(d * (fs[i] as number)))),
		];
	},
	pixelShuffle: (_s, cfg, [x], name) => {
		const r = int(cfg, 'upscale_factor');
		if (r === undefined) {
			return null;
		}
		const c = x[x.length - 3];
		if (c !== null && c % (r * r) !== 0) {
			throw new ShapeError(
				`${name} needs channels divisible by ${r * r} but the input has ${c}`,
			);
		}
		const out = [...x];
		out[x.length - 3] = c === null ? null : c / (r * r);
		out[x.length - 2] = x[x.length - 2] === null ? null : (x[x.length - 2] as number) * r;
		out[x.length - 1] = x[x.length - 1] === null ? null : (x[x.length - 1] as number) * r;
		return out;
	},
	// PixelShuffle's inverse: (*, C, H·r, W·r) → (*, C·r², H, W); H and W must divide by r.
	pixelUnshuffle: (_s, cfg, [x], name) => {
		const r = int(cfg, 'downscale_factor');
		if (r === undefined) {
			return null;
		}
		const [c, h, w] = x.slice(-3);
		for (const [size, what] of [
			[h, 'height'],
			[w, 'width'],
		] as const) {
			if (size !== null && size % r !== 0) {
				throw new ShapeError(
					`${name} needs a ${what} divisible by ${r} but the input has ${size}`,
				);
			}
		}
		return [
			...x.slice(0, -3),
			c === null ? null : c * r * r,
			h === null ? null : h / r,
			w === null ? null : w / r,
		];
	},
	pad: (spec, cfg, [x], name) => {
		const v = cfg.get('padding');
		const n = asInt(v);
		const pads = n !== undefined ? [n, n, n, n] : asSequence(v)?.map(asInt);
		if (!pads || pads.length !== 4 || pads.some((q) => q === undefined)) {
			return null;
		}
		const [l, r, t, bt] = pads as number[];
		const out = [...x];
		const h = x.length - 2;
		const w = x.length - 1;
		const tooWide = (n: number | null, a: number, c: number) =>
			n !== null && (a >= n || c >= n);
		if (spec.reflect && (tooWide(x[h], t, bt) || tooWide(x[w], l, r))) {
			throw new ShapeError(
				`${name}: reflection padding ${fmt(pads as number[])} must be smaller than the padded dims of ${fmt(x)}`,
			);
		}
		out[h] = x[h] === null ? null : (x[h] as number) + t + bt;
		out[w] = x[w] === null ? null : (x[w] as number) + l + r;
		return out;
	},
};

/** torch.flatten(x, start, end). */
export function flattenShape(x: Shape, start: number, end: number): Shape {
	if (start > end) {
		return x;
	}
	let prod: number | null = 1;
	for (let i = start; i <= end; i++) {
		prod = prod === null || x[i] === null ? null : prod * (x[i] as number);
	}
	return [...x.slice(0, start), prod, ...x.slice(end + 1)];
}

/** Length of `start:stop:step` over `n` items (Python's `slice.indices`; PyTorch refuses step ≤ 0). */
function sliceLength(
	n: number,
	start: number | undefined,
	stop: number | undefined,
	step: number,
): number {
	const clamp = (v: number | undefined, dflt: number) =>
		v === undefined ? dflt : v < 0 ? Math.max(0, n + v) : Math.min(n, v);
	const lo = clamp(start, 0);
	const hi = clamp(stop, n);
	return hi <= lo ? 0 : Math.ceil((hi - lo) / step);
}

/**
 * Shape of `x[key]` with basic indexing: ints drop their axis, slices keep it (its length when the
 * axis and the bounds are known), `None` inserts an axis of 1, `...` stands for the axes no other
 * item takes. `null` for what this does not follow (tensors or lists as indices, bounds that are
 * not known ints) — never a guess; a ShapeError for what PyTorch itself refuses.
 */
export function indexShape(x: Shape, key: Value): Shape | null {
	const items = key.k === 'tuple' ? key.items : [key];
	const consumes = (v: Value) => v.k === 'num' || v.k === 'slice';
	const used = items.filter(consumes).length;
	const ellipses = items.filter((v) => v.k === 'ellipsis').length;
	if (ellipses > 1) {
		throw new ShapeError('an index can only have a single ellipsis (...)', 'index-error');
	}
	if (used > x.length) {
		throw new ShapeError(`too many indices: ${used} for ${x.length} dimensions`, 'index-error');
	}
	const out: Shape = [];
	let d = 0;
	for (const v of items) {
		if (v.k === 'ellipsis') {
			const n = x.length - used;
			out.push(...x.slice(d, d + n));
			d += n;
		} else if (v.k === 'none') {
			out.push(1);
		} else if (v.k === 'num') {
			const n = x[d];
			if (!Number.isInteger(v.v)) {
				return null;
			}
			if (n !== null && (v.v >= n || v.v < -n)) {
				throw new ShapeError(
					`index ${v.v} is out of bounds for dimension ${d} with size ${n}`,
					'index-error',
				);
			}
			d++;
		} else if (v.k === 'slice') {
			const n = x[d];
			if (v.start === null || v.stop === null || v.step === null) {
				return null;
			}
			const step = v.step ?? 1;
			if (step <= 0) {
				throw new ShapeError('step must be greater than zero', 'index-error');
			}
			out.push(n === null ? null : sliceLength(n, v.start, v.stop, step));
			d++;
		} else {
			return null;
		}
	}
	out.push(...x.slice(d));
	return out;
}

/** Index of `dim` (negative from the end) in `x`; a ShapeError when out of range, as in PyTorch. */
function dimIndex(dim: number, x: Shape, name: string): number {
	const r = Math.max(x.length, 1);
	if (dim < -r || dim >= r) {
		throw new ShapeError(
			`${name}: dim ${dim} is out of range for a ${x.length}-D input ${fmt(x)}`,
		);
	}
	return dim < 0 ? dim + r : dim;
}

function checkArg(c: ArgCheck, cfg: ModuleConfig, name: string): void {
	if ('exactlyOne' in c) {
		const given = c.exactlyOne.filter(
			(a) =>
				cfg.get(a) !== undefined && cfg.get(a)?.k !== 'none' && cfg.get(a)?.k !== 'unknown',
		);
		const unknown = c.exactlyOne.some((a) => cfg.get(a)?.k === 'unknown');
		if (!unknown && given.length !== 1) {
			throw new ShapeError(`${name}: give exactly one of ${c.exactlyOne.join(' and ')}`);
		}
		return;
	}
	const v = cfg.get(c.arg);
	if (!v || v.k === 'unknown') {
		return;
	}
	const bad = (why: string) => new ShapeError(`${name}: ${c.arg}=${show(v)} ${why}`);
	if ('oneOf' in c) {
		const plain =
			v.k === 'none'
				? null
				: v.k === 'num' || v.k === 'str' || v.k === 'bool'
					? v.v
					: undefined;
		if (plain !== undefined && !c.oneOf.includes(plain)) {
			throw bad(`must be one of ${c.oneOf.map((o) => JSON.stringify(o)).join(', ')}`);
		}
	} else if ('strings' in c) {
		if (v.k === 'str' && !c.strings.includes(v.v)) {
			throw bad(
				c.strings.length
					? `must be one of ${c.strings.map((o) => `'${o}'`).join(', ')}`
					: 'must be a number',
			);
		}
	} else if ('below' in c) {
		const [a, b] = [asNumber(v), asNumber(cfg.get(c.below))];
		if (a !== undefined && b !== undefined && a >= b) {
			throw bad(`must be smaller than ${c.below}=${b}`);
		}
	} else if ('divides' in c) {
		const [a, b] = [asInt(v), int(cfg, c.divides)];
		if (a !== undefined && b !== undefined && a > 0 && b % a !== 0) {
			throw bad(`must divide ${c.divides}=${b}`);
		}
	} else if ('indexInto' in c) {
		const [a, n] = [asInt(v), int(cfg, c.indexInto)];
		if (a !== undefined && n !== undefined && (a < -n || a >= n)) {
			throw bad(`must index into ${c.indexInto}=${n}`);
		}
	} else {
		const nums = (asSequence(v) ?? [v]).map(asNumber);
		if (
			nums.some(
				(x) =>
					x !== undefined &&
					((c.min !== undefined && x < c.min) || (c.max !== undefined && x > c.max)),
			)
		) {
			throw bad(
				c.max === undefined
					? `must be at least ${c.min}`
					: `must lie in [${c.min}, ${c.max}]`,
			);
		}
	}
}

function show(v: Value): string {
	return v.k === 'str'
		? `'${v.v}'`
		: v.k === 'num' || v.k === 'bool'
			? String(v.v)
			: v.k === 'none'
				? 'None'
				: v.k === 'tuple' || v.k === 'list'
					? `(${v.items.map(show).join(', ')})`
					: '…';
}

function checkArgs(spec: TorchModuleSpec, cfg: ModuleConfig, stage: 'init' | 'call'): void {
	for (const c of spec.checks ?? []) {
		if ((c.stage ?? 'init') === stage) {
			checkArg(c, cfg, spec.name);
		}
	}
}

/** The weights and buffers a module creates; `null` when unknown; a ShapeError for arguments PyTorch refuses. */
export function torchParams(spec: TorchModuleSpec, cfg: ModuleConfig): WeightInfo[] | null {
	checkArgs(spec, cfg, 'init');
	return paramRules[spec.params](spec, cfg);
}

/** The output shape of a call on `inputs`; `null` when unknown; a ShapeError for what PyTorch refuses. */
export function torchOutputShape(
	spec: TorchModuleSpec,
	cfg: ModuleConfig,
	inputs: Shape[],
	name: string,
): Shape | null {
	checkArgs(spec, cfg, 'call');
	const x = inputs[0];
	if (spec.ranks && x && (x.length < spec.ranks[0] || x.length > spec.ranks[1])) {
		const [lo, hi] = spec.ranks;
		const want =
			lo === hi ? `${lo}-D` : hi === Infinity ? `at least ${lo}-D` : `${lo}-D to ${hi}-D`;
		throw new ShapeError(`${name} expects a ${want} input but got ${x.length}-D ${fmt(x)}`);
	}
	return shapeRules[spec.shape](spec, cfg, inputs, name);
}
