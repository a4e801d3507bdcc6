// torch.nn's convolutions (ConvNd, ConvTransposeNd, LazyConvNd): rows, rules, and the output-size formula.
import type { Shape } from '../../../../protocol/analysis';
import { asInt, asSequence, asString } from '../../../python/values';
import { REQUIRED, ShapeError } from '../../common/spec';
import { padRefusal } from '../ops/shapes';
import type { ArgCheck, TorchModuleSpec, TorchParamRule, TorchShapeRule } from '../catalogue';
import {
	bool,
	checkChannels,
	dims,
	fmt,
	int,
	ints,
	ModuleConfig,
	p,
	ParamFn,
	ShapeFn,
	spatialInput,
} from './shared';

const convChecks = (transposed: boolean, lazy = false): ArgCheck[] => [
	{
		arg: 'padding_mode',
		oneOf: transposed ? ['zeros'] : ['zeros', 'reflect', 'replicate', 'circular'],
	},
	// A transposed conv takes no padding string (PyTorch fails on it in forward).
	transposed
		? { arg: 'padding', strings: [], stage: 'call' }
		: { arg: 'padding', strings: ['same', 'valid'] },
	{ arg: 'kernel_size', min: 1 },
	{ arg: 'stride', min: 1 },
	{ arg: 'dilation', min: 1 },
	{ arg: 'groups', min: 1 },
	...(lazy ? [] : ([{ arg: 'groups', divides: 'in_channels' }] as ArgCheck[])),
	{ arg: 'groups', divides: 'out_channels' },
];

const conv = (rank: 1 | 2 | 3, transposed = false): TorchModuleSpec => ({
	name: `${transposed ? 'ConvTranspose' : 'Conv'}${rank}d`,
	category: 'convolution',
	layout: 'memoryFormat',
	rank,
	args: transposed
		? [
				['in_channels', REQUIRED],
				['out_channels', REQUIRED],
				['kernel_size', REQUIRED],
				['stride', 1],
				['padding', 0],
				['output_padding', 0],
				['groups', 1],
				['bias', true],
				['dilation', 1],
				['padding_mode', 'zeros'],
			]
		: [
				['in_channels', REQUIRED],
				['out_channels', REQUIRED],
				['kernel_size', REQUIRED],
				['stride', 1],
				['padding', 0],
				['dilation', 1],
				['groups', 1],
				['bias', true],
				['padding_mode', 'zeros'],
			],
	params: transposed ? 'convTranspose' : 'conv',
	shape: transposed ? 'convTranspose' : 'conv',
	checks: convChecks(transposed),
	// forward(input, output_size=None): the sizes the output must have (output_padding chosen for them).
	...(transposed ? { forwardConfig: [{ arg: 'output_size', position: 1 }] } : {}),
});

const lazyConv = (rank: 1 | 2 | 3): TorchModuleSpec => ({
	...conv(rank),
	name: `LazyConv${rank}d`,
	args: conv(rank).args.slice(1),
	params: 'lazy',
	checks: convChecks(false, true),
	lazy: { eager: `Conv${rank}d`, arg: 'in_channels', from: 'channels' },
});

const lazyConvTranspose = (rank: 1 | 2 | 3): TorchModuleSpec => ({
	...conv(rank, true),
	name: `LazyConvTranspose${rank}d`,
	args: conv(rank, true).args.slice(1),
	params: 'lazy',
	checks: convChecks(true, true),
	lazy: { eager: `ConvTranspose${rank}d`, arg: 'in_channels', from: 'channels' },
});

/** The convolutions, in catalogue order. */
export const convolutionModules: TorchModuleSpec[] = [
	conv(1),
	conv(2),
	conv(3),
	conv(1, true),
	conv(2, true),
	conv(3, true),
	lazyConv(1),
	lazyConv(2),
	lazyConv(3),
	lazyConvTranspose(1),
	lazyConvTranspose(2),
	lazyConvTranspose(3),
];

/**
 * The kernel as PyTorch's `_single` / `_pair` / `_triple` keep it for the weight: an int repeated,
 * any sequence as it is (`nn.Conv1d(32, 32, kernel_size=(1, 2))` has a (32, 32, 1, 2) weight, which
 * Graph-WaveNet builds; only its forward then fails).
 */
function kernelDims(cfg: ModuleConfig, rank: number): number[] | undefined {
	const k = ints(cfg, 'kernel_size', rank) ?? dims(cfg.get('kernel_size'), 'kernel_size');
	return k && k.length > 0 ? k : undefined;
}

/** The weight rules the convolution rows name, by name (rules.ts gathers every family's). */
export const convolutionParams = {
	conv: (s, cfg) => {
		const i = int(cfg, 'in_channels');
		const o = int(cfg, 'out_channels');
		const g = int(cfg, 'groups');
		const k = kernelDims(cfg, s.rank ?? 2);
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
		const k = kernelDims(cfg, s.rank ?? 2);
		const bias = bool(cfg, 'bias');
		if (i === undefined || o === undefined || g === undefined || !k || bias === undefined) {
			return null;
		}
		return [p('weight', [i, o / g, ...k]), ...(bias ? [p('bias', [o])] : [])];
	},
} satisfies Partial<Record<TorchParamRule, ParamFn>>;

/** Output size along one axis of a convolution or pooling window (PyTorch's formula); pools pass ceil_mode. */
export function convOut(
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

/** The shape rules the convolution rows name, by name (rules.ts gathers every family's). */
export const convolutionShapes = {
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
		// padding_mode reflect / replicate / circular pads with F.pad first, which refuses too much.
		const mode = asString(cfg.get('padding_mode'));
		if (mode && mode !== 'zeros') {
			const sides = spatial.map((_, i) => {
				const total = d[i] * (k[i] - 1);
				return padMode === 'same'
					? [Math.floor(total / 2), total - Math.floor(total / 2)]
					: [(pad as number[])[i], (pad as number[])[i]];
			});
			const refusal = padRefusal(x, sides.reverse().flat(), mode);
			if (refusal) {
				throw new ShapeError(`${name} (padding_mode='${mode}'): ${refusal}`);
			}
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
		const wanted = requestedSizes(cfg, x, rank, name);
		const out = [...x];
		out[channelAxis] = o;
		spatial.forEach((a, i) => {
			const n = x[a];
			const least = n === null ? null : (n - 1) * s[i] - 2 * pad[i] + d[i] * (k[i] - 1) + 1;
			if (wanted) {
				// PyTorch's _output_padding: any size from the least to one stride less above it.
				const w = wanted[i];
				if (w !== null && least !== null && (w < least || w > least + s[i] - 1)) {
					throw new ShapeError(
						`${name}: requested an output size of ${fmt(wanted)}, but valid sizes range from ${least} to ${least + s[i] - 1} in dimension ${i} (PyTorch raises ValueError here)`,
					);
				}
				out[a] = w;
				return;
			}
			const size = least === null ? null : least + op[i];
			if (size !== null && size <= 0) {
				throw new ShapeError(
					`${name}: the output size ${size} of input size ${n} is too small`,
				);
			}
			out[a] = size;
		});
		return out;
	},
} satisfies Partial<Record<TorchShapeRule, ShapeFn>>;

/**
 * A transposed convolution's `output_size` (a forward argument): its spatial sizes, the batch and
 * channels dropped where it has them, as PyTorch's _output_padding reads it; undefined when none
 * is given, null sizes where NormLens does not know one.
 */
function requestedSizes(
	cfg: ModuleConfig,
	x: Shape,
	rank: number,
	name: string,
): (number | null)[] | undefined {
	const given = cfg.get('output_size');
	if (!given || given.k === 'none') {
		return undefined;
	}
	const items = asSequence(given);
	if (!items) {
		return Array<null>(rank).fill(null);
	}
	const nonSpatial = x.length - rank;
	const sizes = items.length === nonSpatial + rank ? items.slice(nonSpatial) : items;
	if (sizes.length !== rank) {
		throw new ShapeError(
			`${name}: for ${x.length}D input, output_size must have ${rank} or ${nonSpatial + rank} elements (got ${items.length}; PyTorch raises ValueError here)`,
		);
	}
	return sizes.map((v) => asInt(v) ?? null);
}
