/**
 * torch.nn modules as data: constructor arguments in positional order with their defaults (from
 * the PyTorch documentation), and the names of the parameter and shape rules in `rules.ts`.
 */
import { ArgDefault, REQUIRED } from '../common/spec';

export { REQUIRED };

export type TorchParamRule =
	| 'none'
	| 'linear'
	| 'bilinear'
	| 'conv'
	| 'convTranspose'
	| 'batchNorm'
	| 'instanceNorm'
	| 'layerNorm'
	| 'groupNorm'
	| 'rmsNorm'
	| 'embedding'
	| 'rnn'
	| 'multiheadAttention'
	| 'transformerEncoderLayer'
	| 'prelu'
	| 'lazy';

export type TorchShapeRule =
	| 'identity'
	| 'linear'
	| 'bilinear'
	| 'conv'
	| 'convTranspose'
	| 'maxPool'
	| 'avgPool'
	| 'adaptivePool'
	| 'batchNorm'
	| 'instanceNorm'
	| 'channelNorm'
	| 'lastDimsNorm'
	| 'flatten'
	| 'unflatten'
	| 'embedding'
	| 'embeddingBag'
	| 'rnn'
	| 'multiheadAttention'
	| 'upsample'
	| 'pixelShuffle'
	| 'pixelUnshuffle'
	| 'pad'
	| 'softmax'
	| 'prelu'
	| 'transformerEncoderLayer';

/** A value an argument may be compared with. */
type Scalar = string | number | boolean | null;

/**
 * A constraint PyTorch puts on a module's arguments: it raises when the module is built (`init`,
 * the default) or called (`call`) with arguments that break it. Unknown values pass.
 */
export type ArgCheck = { stage?: 'init' | 'call' } &
	/** The value is one of these. */
	(
		| { arg: string; oneOf: Scalar[] }
		/** A string value is one of these (ints and tuples pass). */
		| { arg: string; strings: string[] }
		/** Every number in the value (an int or a tuple of ints) lies in [min, max]. */
		| { arg: string; min?: number; max?: number }
		/** The value is smaller than another argument's. */
		| { arg: string; below: string }
		/** The value divides another argument's. */
		| { arg: string; divides: string }
		/** None, or an index into `of` items (negative from the end). */
		| { arg: string; indexInto: string }
		/** Exactly one of these is not None. */
		| { exactlyOne: [string, string] }
	);

export interface TorchModuleSpec {
	name: string;
	category:
		| 'linear'
		| 'convolution'
		| 'pooling'
		| 'normalization'
		| 'recurrent'
		| 'transformer'
		| 'embedding'
		| 'activation'
		| 'dropout'
		| 'reshape'
		| 'container';
	args: [string, ArgDefault][];
	params: TorchParamRule;
	shape: TorchShapeRule;
	/** Spatial rank of convolutions, pools and batch norms (1 for *1d, …). */
	rank?: 1 | 2 | 3;
	/** RNN cell kind: gates per hidden unit (RNN 1, GRU 3, LSTM 4). */
	gates?: 1 | 3 | 4;
	/** Containers hold child modules rather than parameters of their own. */
	container?: 'sequential' | 'list' | 'dict';
	/** Constraints on the arguments. */
	checks?: ArgCheck[];
	/** Ranks of input the forward accepts, [min, max]. */
	ranks?: [number, number];
	/** Padding reflects the input, so each side must be smaller than the padded dim. */
	reflect?: true;
	/** The unpadded input must be at least as large as the window (PyTorch's avg_pool3d). */
	windowFitsInput?: true;
	/** An adaptive pool to size 1 is a mean over the last dims: any rank of input works (avg_pool 2d/3d). */
	globalMeanAnyRank?: true;
}

/** Interpolation modes of `Upsample` and the input rank each needs. */
export const upsampleModeRanks: Record<string, number> = {
	nearest: 0,
	'nearest-exact': 0,
	area: 0,
	linear: 3,
	bilinear: 4,
	bicubic: 4,
	trilinear: 5,
};

const probability: ArgCheck[] = [{ arg: 'p', min: 0, max: 1 }];

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
});

const lazyConv = (rank: 1 | 2 | 3): TorchModuleSpec => ({
	...conv(rank),
	name: `LazyConv${rank}d`,
	args: conv(rank).args.slice(1),
	params: 'lazy',
	checks: convChecks(false, true),
});

const batchNorm = (name: string, rank: 1 | 2 | 3): TorchModuleSpec => ({
	name,
	category: 'normalization',
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

const pool = (kind: 'Max' | 'Avg', rank: 1 | 2 | 3): TorchModuleSpec => ({
	name: `${kind}Pool${rank}d`,
	...(kind === 'Avg' && rank === 3 ? { windowFitsInput: true } : {}),
	category: 'pooling',
	rank,
	args:
		kind === 'Max'
			? [
					['kernel_size', REQUIRED],
					['stride', null],
					['padding', 0],
					['dilation', 1],
					['return_indices', false],
					['ceil_mode', false],
				]
			: [
					['kernel_size', REQUIRED],
					['stride', null],
					['padding', 0],
					['ceil_mode', false],
					['count_include_pad', true],
				],
	params: 'none',
	shape: kind === 'Max' ? 'maxPool' : 'avgPool',
	checks: [{ arg: 'stride', min: 1, stage: 'call' }],
});

const adaptive = (kind: 'Max' | 'Avg', rank: 1 | 2 | 3): TorchModuleSpec => ({
	name: `Adaptive${kind}Pool${rank}d`,
	...(kind === 'Avg' && rank > 1 ? { globalMeanAnyRank: true } : {}),
	category: 'pooling',
	rank,
	args: [['output_size', REQUIRED]],
	params: 'none',
	shape: 'adaptivePool',
});

const act = (name: string, args: [string, ArgDefault][] = []): TorchModuleSpec => ({
	name,
	category: 'activation',
	args,
	params: 'none',
	shape: 'identity',
});
const dropout = (name: string, ranks?: [number, number]): TorchModuleSpec => ({
	name,
	category: 'dropout',
	args: [
		['p', 0.5],
		['inplace', false],
	],
	params: 'none',
	shape: 'identity',
	checks: probability,
	ranks,
});

const rnn = (name: string, gates: 1 | 3 | 4): TorchModuleSpec => ({
	name,
	category: 'recurrent',
	gates,
	args: [
		['input_size', REQUIRED],
		['hidden_size', REQUIRED],
		['num_layers', 1],
		...(name === 'RNN' ? ([['nonlinearity', 'tanh']] as [string, ArgDefault][]) : []),
		['bias', true],
		['batch_first', false],
		['dropout', 0],
		['bidirectional', false],
		...(name === 'LSTM' ? ([['proj_size', 0]] as [string, ArgDefault][]) : []),
	],
	params: 'rnn',
	shape: 'rnn',
	checks: [
		{ arg: 'num_layers', min: 1 },
		{ arg: 'dropout', min: 0, max: 1 },
		...(name === 'RNN'
			? ([{ arg: 'nonlinearity', oneOf: ['tanh', 'relu'] }] as ArgCheck[])
			: []),
		...(name === 'LSTM'
			? ([
					{ arg: 'proj_size', min: 0 },
					{ arg: 'proj_size', below: 'hidden_size' },
				] as ArgCheck[])
			: []),
	],
	ranks: [2, 3],
});

export const torchModules: TorchModuleSpec[] = [
	{
		name: 'Linear',
		category: 'linear',
		args: [
			['in_features', REQUIRED],
			['out_features', REQUIRED],
			['bias', true],
		],
		params: 'linear',
		shape: 'linear',
	},
	{
		name: 'LazyLinear',
		category: 'linear',
		args: [
			['out_features', REQUIRED],
			['bias', true],
		],
		params: 'lazy',
		shape: 'linear',
	},
	{
		name: 'Bilinear',
		category: 'linear',
		args: [
			['in1_features', REQUIRED],
			['in2_features', REQUIRED],
			['out_features', REQUIRED],
			['bias', true],
		],
		params: 'bilinear',
		shape: 'bilinear',
	},
	{ name: 'Identity', category: 'linear', args: [], params: 'none', shape: 'identity' },
	conv(1),
	conv(2),
	conv(3),
	conv(1, true),
	conv(2, true),
	conv(3, true),
	lazyConv(1),
	lazyConv(2),
	lazyConv(3),
	pool('Max', 1),
	pool('Max', 2),
	pool('Max', 3),
	pool('Avg', 1),
	pool('Avg', 2),
	pool('Avg', 3),
	adaptive('Avg', 1),
	adaptive('Avg', 2),
	adaptive('Avg', 3),
	adaptive('Max', 1),
	adaptive('Max', 2),
	adaptive('Max', 3),
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
	},
	instanceNorm(1),
	instanceNorm(2),
	instanceNorm(3),
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
	},
	{
		name: 'GroupNorm',
		category: 'normalization',
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
	{
		name: 'Embedding',
		category: 'embedding',
		args: [
			['num_embeddings', REQUIRED],
			['embedding_dim', REQUIRED],
			['padding_idx', null],
			['max_norm', null],
		],
		params: 'embedding',
		shape: 'embedding',
		checks: [{ arg: 'padding_idx', indexInto: 'num_embeddings' }],
	},
	{
		name: 'EmbeddingBag',
		category: 'embedding',
		args: [
			['num_embeddings', REQUIRED],
			['embedding_dim', REQUIRED],
			['max_norm', null],
			['norm_type', 2],
			['scale_grad_by_freq', false],
			['mode', 'mean'],
		],
		params: 'embedding',
		shape: 'embeddingBag',
		ranks: [1, 2],
	},
	rnn('RNN', 1),
	rnn('LSTM', 4),
	rnn('GRU', 3),
	{
		name: 'MultiheadAttention',
		category: 'transformer',
		args: [
			['embed_dim', REQUIRED],
			['num_heads', REQUIRED],
			['dropout', 0],
			['bias', true],
			['add_bias_kv', false],
			['add_zero_attn', false],
			['kdim', null],
			['vdim', null],
			['batch_first', false],
		],
		params: 'multiheadAttention',
		shape: 'multiheadAttention',
		checks: [{ arg: 'num_heads', divides: 'embed_dim' }],
		ranks: [2, 3],
	},
	{
		name: 'TransformerEncoderLayer',
		category: 'transformer',
		args: [
			['d_model', REQUIRED],
			['nhead', REQUIRED],
			['dim_feedforward', 2048],
			['dropout', 0.1],
			['activation', 'relu'],
			['layer_norm_eps', 1e-5],
			['batch_first', false],
			['norm_first', false],
			['bias', true],
		],
		params: 'transformerEncoderLayer',
		shape: 'transformerEncoderLayer',
		checks: [{ arg: 'nhead', divides: 'd_model' }],
		ranks: [2, 3],
	},
	dropout('Dropout'),
	dropout('Dropout1d', [2, 3]),
	dropout('Dropout2d'),
	dropout('Dropout3d'),
	dropout('AlphaDropout'),
	act('ReLU', [['inplace', false]]),
	act('ReLU6', [['inplace', false]]),
	act('LeakyReLU', [
		['negative_slope', 0.01],
		['inplace', false],
	]),
	act('ELU', [
		['alpha', 1],
		['inplace', false],
	]),
	act('SELU', [['inplace', false]]),
	act('CELU', [
		['alpha', 1],
		['inplace', false],
	]),
	{
		...act('GELU', [['approximate', 'none']]),
		checks: [{ arg: 'approximate', oneOf: ['none', 'tanh'], stage: 'call' }],
	},
	act('SiLU', [['inplace', false]]),
	act('Mish', [['inplace', false]]),
	act('Sigmoid'),
	act('Tanh'),
	act('Hardswish', [['inplace', false]]),
	act('Hardsigmoid', [['inplace', false]]),
	{
		...act('Hardtanh', [
			['min_val', -1],
			['max_val', 1],
			['inplace', false],
		]),
		checks: [{ arg: 'min_val', below: 'max_val' }],
	},
	act('Softplus', [
		['beta', 1],
		['threshold', 20],
	]),
	{ ...act('Softmax', [['dim', null]]), shape: 'softmax' },
	{ ...act('LogSoftmax', [['dim', null]]), shape: 'softmax' },
	{ ...act('Softmax2d'), ranks: [3, 4] },
	{ ...act('Softmin', [['dim', null]]), shape: 'softmax' },
	act('Softsign'),
	act('Tanhshrink'),
	{
		name: 'PReLU',
		category: 'activation',
		args: [
			['num_parameters', 1],
			['init', 0.25],
		],
		params: 'prelu',
		shape: 'prelu',
	},
	{
		name: 'Flatten',
		category: 'reshape',
		args: [
			['start_dim', 1],
			['end_dim', -1],
		],
		params: 'none',
		shape: 'flatten',
	},
	{
		name: 'Unflatten',
		category: 'reshape',
		args: [
			['dim', REQUIRED],
			['unflattened_size', REQUIRED],
		],
		params: 'none',
		shape: 'unflatten',
	},
	{
		name: 'Upsample',
		category: 'reshape',
		args: [
			['size', null],
			['scale_factor', null],
			['mode', 'nearest'],
			['align_corners', null],
		],
		params: 'none',
		shape: 'upsample',
		checks: [
			{ exactlyOne: ['size', 'scale_factor'], stage: 'call' },
			{ arg: 'mode', oneOf: Object.keys(upsampleModeRanks), stage: 'call' },
		],
		ranks: [3, 5],
	},
	{
		name: 'UpsamplingNearest2d',
		category: 'reshape',
		args: [
			['size', null],
			['scale_factor', null],
		],
		params: 'none',
		shape: 'upsample',
		checks: [{ exactlyOne: ['size', 'scale_factor'], stage: 'call' }],
		ranks: [3, 5],
	},
	{
		name: 'PixelShuffle',
		category: 'reshape',
		args: [['upscale_factor', REQUIRED]],
		params: 'none',
		shape: 'pixelShuffle',
		ranks: [3, Infinity],
	},
	{
		name: 'PixelUnshuffle',
		category: 'reshape',
		args: [['downscale_factor', REQUIRED]],
		params: 'none',
		shape: 'pixelUnshuffle',
		ranks: [3, Infinity],
	},
	{
		name: 'ZeroPad2d',
		category: 'reshape',
		rank: 2,
		args: [['padding', REQUIRED]],
		params: 'none',
		shape: 'pad',
		ranks: [3, 4],
	},
	{
		name: 'ConstantPad2d',
		category: 'reshape',
		rank: 2,
		args: [
			['padding', REQUIRED],
			['value', REQUIRED],
		],
		params: 'none',
		shape: 'pad',
		ranks: [3, 4],
	},
	{
		name: 'ReflectionPad2d',
		category: 'reshape',
		rank: 2,
		args: [['padding', REQUIRED]],
		params: 'none',
		shape: 'pad',
		ranks: [3, 4],
		reflect: true,
	},
	{
		name: 'Sequential',
		category: 'container',
		args: [],
		params: 'none',
		shape: 'identity',
		container: 'sequential',
	},
	{
		name: 'ModuleList',
		category: 'container',
		args: [['modules', null]],
		params: 'none',
		shape: 'identity',
		container: 'list',
	},
	{
		name: 'ModuleDict',
		category: 'container',
		args: [['modules', null]],
		params: 'none',
		shape: 'identity',
		container: 'dict',
	},
];

const byName = new Map(torchModules.map((m) => [m.name, m]));

export function torchModuleSpec(name: string): TorchModuleSpec | undefined {
	return byName.get(name);
}
