// torch.nn's normalization layers (BatchNorm, InstanceNorm, LayerNorm, GroupNorm, RMSNorm, LRN): rows and rules.
import type { WeightInfo } from '../../../../protocol/analysis';
import { REQUIRED, ShapeError } from '../../common/spec';
import type { TorchModuleSpec, TorchParamRule, TorchShapeRule } from '../catalogue';
import {
	b,
	bool,
	checkChannels,
	dims,
	fmt,
	int,
	intLoose,
	p,
	ParamFn,
	ShapeFn,
	spatialInput,
} from './shared';

const batchNorm = (name: string, rank: 1 | 2 | 3): TorchModuleSpec => ({
	name,
	category: 'normalization',
	layout: 'memoryFormat',
	rank,
	args: [
		['num_features', REQUIRED],
		['eps', 1e-5],
		['momentum', 0.1],
		['affine', true],
		['track_running_stats', true],
	],
	params: 'batchNorm',
	shape: 'batchNorm',
});

const instanceNorm = (rank: 1 | 2 | 3): TorchModuleSpec => ({
	name: `InstanceNorm${rank}d`,
	category: 'normalization',
	layout: 'memoryFormat',
	rank,
	args: [
		['num_features', REQUIRED],
		['eps', 1e-5],
		['momentum', 0.1],
		['affine', false],
		['track_running_stats', false],
	],
	params: 'instanceNorm',
	shape: 'instanceNorm',
});

// The lazy instance norms take _LazyNormBase's defaults, not InstanceNorm's: affine=True and
// track_running_stats=True (PyTorch 1.13's signature), so LazyInstanceNorm2d() on 6 channels
// becomes InstanceNorm2d(6, affine=True, track_running_stats=True): 12 parameters, 13 buffers.
const lazyInstanceNorm = (rank: 1 | 2 | 3): TorchModuleSpec => ({
	...instanceNorm(rank),
	name: `LazyInstanceNorm${rank}d`,
	args: [
		['eps', 1e-5],
		['momentum', 0.1],
		['affine', true],
		['track_running_stats', true],
	],
	params: 'lazy',
	lazy: { eager: `InstanceNorm${rank}d`, arg: 'num_features', from: 'channels' },
});

/** The normalization layers, in catalogue order. */
export const normalizationModules: TorchModuleSpec[] = [
	batchNorm('BatchNorm1d', 1),
	batchNorm('BatchNorm2d', 2),
	batchNorm('BatchNorm3d', 3),
	{ ...batchNorm('SyncBatchNorm', 2), rank: undefined },
	{
		name: 'LazyBatchNorm1d',
		category: 'normalization',
		rank: 1,
		args: [
			['eps', 1e-5],
			['momentum', 0.1],
			['affine', true],
			['track_running_stats', true],
		],
		params: 'lazy',
		shape: 'batchNorm',
		lazy: { eager: 'BatchNorm1d', arg: 'num_features', from: 'channels' },
	},
	{
		name: 'LazyBatchNorm2d',
		category: 'normalization',
		rank: 2,
		args: [
			['eps', 1e-5],
			['momentum', 0.1],
			['affine', true],
			['track_running_stats', true],
		],
		params: 'lazy',
		shape: 'batchNorm',
		lazy: { eager: 'BatchNorm2d', arg: 'num_features', from: 'channels' },
	},
	{
		name: 'LazyBatchNorm3d',
		category: 'normalization',
		rank: 3,
		args: [
			['eps', 1e-5],
			['momentum', 0.1],
			['affine', true],
			['track_running_stats', true],
		],
		params: 'lazy',
		shape: 'batchNorm',
		lazy: { eager: 'BatchNorm3d', arg: 'num_features', from: 'channels' },
	},
	instanceNorm(1),
	instanceNorm(2),
	instanceNorm(3),
	lazyInstanceNorm(1),
	lazyInstanceNorm(2),
	lazyInstanceNorm(3),
	{
		name: 'LayerNorm',
		category: 'normalization',
		args: [
			['normalized_shape', REQUIRED],
			['eps', 1e-5],
			['elementwise_affine', true],
			['bias', true],
		],
		params: 'layerNorm',
		shape: 'lastDimsNorm',
		layout: 'contiguous',
	},
	{
		name: 'GroupNorm',
		category: 'normalization',
		layout: 'memoryFormat',
		args: [
			['num_groups', REQUIRED],
			['num_channels', REQUIRED],
			['eps', 1e-5],
			['affine', true],
		],
		params: 'groupNorm',
		shape: 'channelNorm',
		checks: [{ arg: 'num_groups', divides: 'num_channels' }],
	},
	{
		name: 'RMSNorm',
		category: 'normalization',
		args: [
			['normalized_shape', REQUIRED],
			['eps', null],
			['elementwise_affine', true],
		],
		params: 'rmsNorm',
		shape: 'lastDimsNorm',
	},
	{
		name: 'LocalResponseNorm',
		category: 'normalization',
		args: [
			['size', REQUIRED],
			['alpha', 1e-4],
			['beta', 0.75],
			['k', 1],
		],
		params: 'none',
		shape: 'identity',
		ranks: [3, Infinity],
	},
];

function runningStats(c: number): WeightInfo[] {
	return [b('running_mean', [c]), b('running_var', [c]), b('num_batches_tracked', [])];
}

const batchNormWeights: ParamFn = (_s, cfg) => {
	const affine = bool(cfg, 'affine');
	const track = bool(cfg, 'track_running_stats');
	if (affine === false && track === false) {
		// Nothing of size num_features is built, so PyTorch takes any value there (even a float).
		return [];
	}
	const c = int(cfg, 'num_features');
	if (c === undefined || affine === undefined || track === undefined) {
		return null;
	}
	return [
		...(affine ? [p('weight', [c]), p('bias', [c])] : []),
		...(track ? runningStats(c) : []),
	];
};

/** The weight rules the normalization rows name, by name (rules.ts gathers every family's). */
export const normalizationParams = {
	batchNorm: batchNormWeights,
	// InstanceNorm keeps what BatchNorm keeps (its defaults differ: no affine, no running stats).
	instanceNorm: (_s, cfg) => batchNormWeights(_s, cfg),
	layerNorm: (_s, cfg) => {
		const shape = dims(cfg.get('normalized_shape'), 'normalized_shape');
		const affine = bool(cfg, 'elementwise_affine');
		const bias = bool(cfg, 'bias');
		if (!shape || affine === undefined || bias === undefined) {
			return null;
		}
		return affine ? [p('weight', shape), ...(bias ? [p('bias', shape)] : [])] : [];
	},
	rmsNorm: (_s, cfg) => {
		const shape = dims(cfg.get('normalized_shape'), 'normalized_shape');
		const affine = bool(cfg, 'elementwise_affine');
		return !shape || affine === undefined ? null : affine ? [p('weight', shape)] : [];
	},
	groupNorm: (_s, cfg) => {
		// num_groups reaches PyTorch's group_norm only in the forward (the shape rule checks it
		// there); num_channels sizes the affine weights only.
		const g = intLoose(cfg, 'num_groups');
		const affine = bool(cfg, 'affine');
		if (affine === false) {
			return g === undefined ? null : [];
		}
		const c = int(cfg, 'num_channels');
		if (g === undefined || c === undefined || affine === undefined) {
			return null;
		}
		return affine ? [p('weight', [c]), p('bias', [c])] : [];
	},
} satisfies Partial<Record<TorchParamRule, ParamFn>>;

/** The shape rules the normalization rows name, by name (rules.ts gathers every family's). */
export const normalizationShapes = {
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
		const shape = dims(cfg.get('normalized_shape'), 'normalized_shape');
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
} satisfies Partial<Record<TorchShapeRule, ShapeFn>>;
