// The catalogue of normalization layers: what each Keras and PyTorch kind computes, as data.
import type { NormalizeForm } from '../../protocol/engineProtocol';

/**
 * What each normalization layer computes, as data. Sources: keras-team/keras
 * `keras/src/layers/normalization/*.py`, the PyTorch documentation of each module, and
 * `docs/normalization.md`.
 */
export type Reduction =
	/** Keras BatchNormalization: `axis` names the kept (feature) axes; all others are reduced. */
	| 'keras-kept'
	/** Keras LayerNormalization / RMSNormalization: `axis` names the reduced axes, per sample. */
	| 'keras-reduced'
	/** Keras GroupNormalization: per sample and group of channels along `axis`. */
	| 'keras-group'
	/** torch BatchNorm*d: dim 1 kept, every other dim reduced. */
	| 'torch-batch'
	/** torch LayerNorm / RMSNorm: the last len(normalized_shape) dims, per sample. */
	| 'torch-last'
	/** torch GroupNorm: per sample and group of channels (dim 1) with the spatial dims. */
	| 'torch-group'
	/** torch InstanceNorm*d: per sample and channel, over the spatial dims. */
	| 'torch-instance';

export interface NormalizationFacts {
	family: 'batch' | 'layer' | 'group' | 'instance' | 'rms' | 'unit';
	reduction: Reduction;
	/** What the engine computes from the statistics (one kernel form per kind). */
	form: NormalizeForm;
	epsilonArg: string;
	defaultEpsilon: number;
	momentumConvention: 'keras' | 'torch' | null;
	runningVariance: string | null;
	trainEval: string;
	notes: string[];
	/** Weight names for γ, β and the running statistics (`beta: ''` where the layer has none). */
	names: { gamma: string; beta: string; mean?: string; variance?: string };
	/** How ε is shown where its default is not a plain number of the layer's own (torch RMSNorm's eps=None). */
	epsilonNote?: string;
	/** PyTorch's track_running_stats: the argument, and whether running statistics are kept without it. */
	tracking?: { arg: string; byDefault: boolean };
}

const kerasBn: NormalizationFacts = {
	family: 'batch',
	reduction: 'keras-kept',
	form: 'standardize',
	epsilonArg: 'epsilon',
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
};

const torchBn: NormalizationFacts = {
	family: 'batch',
	reduction: 'torch-batch',
	form: 'standardize',
	epsilonArg: 'eps',
	defaultEpsilon: 1e-5,
	momentumConvention: 'torch',
	tracking: { arg: 'track_running_stats', byDefault: true },
	runningVariance:
		'unbiased (multiplied by M/(M−1), Bessel’s correction), while the batch itself is normalized with the biased variance',
	trainEval:
		'model.train(): normalizes with this batch’s μ and σ² and updates running_mean / running_var (and num_batches_tracked); model.eval(): uses the running statistics. With track_running_stats=False the batch statistics are used in both modes.',
	notes: [
		'PyTorch always normalizes over every dim but dim 1: sequence data shaped (N, L, C) must be permuted to (N, C, L) first.',
		'PyTorch counts 2 parameters per channel (weight γ, bias β); running_mean, running_var and num_batches_tracked are buffers. Keras counts the same layer as 4 weights per channel.',
		'PyTorch’s momentum weights the new value (0.1 here is Keras’s momentum=0.9).',
	],
	names: { gamma: 'weight', beta: 'bias', mean: 'running_mean', variance: 'running_var' },
};

const torchLn: NormalizationFacts = {
	family: 'layer',
	reduction: 'torch-last',
	form: 'standardize',
	epsilonArg: 'eps',
	defaultEpsilon: 1e-5,
	momentumConvention: null,
	runningVariance: null,
	trainEval:
		'Identical in training and evaluation: every sample is normalized with its own statistics; there are no running statistics.',
	notes: [
		'γ and β have the full normalized_shape: one per element, not per channel (LayerNorm([C, H, W]) has 2·C·H·W parameters).',
	],
	names: { gamma: 'weight', beta: 'bias' },
};

export const facts: Record<string, NormalizationFacts> = {
	'keras:BatchNormalization': kerasBn,
	'keras:LayerNormalization': {
		family: 'layer',
		reduction: 'keras-reduced',
		form: 'standardize',
		epsilonArg: 'epsilon',
		defaultEpsilon: 1e-3,
		momentumConvention: null,
		runningVariance: null,
		trainEval:
			'Identical in training and inference: every sample is normalized with its own statistics; there are no running statistics.',
		notes: [
			'`axis` names the axes that are normalized — the opposite meaning to BatchNormalization’s `axis`.',
		],
		names: { gamma: 'gamma', beta: 'beta' },
	},
	'keras:GroupNormalization': {
		family: 'group',
		reduction: 'keras-group',
		form: 'standardize',
		epsilonArg: 'epsilon',
		defaultEpsilon: 1e-3,
		momentumConvention: null,
		runningVariance: null,
		trainEval: 'Identical in training and inference: statistics per sample and group.',
		notes: [
			'groups=-1 makes one group per channel (instance normalization); groups=1 normalizes each sample over all channels and positions.',
		],
		names: { gamma: 'gamma', beta: 'beta' },
	},
	'keras:RMSNormalization': {
		family: 'rms',
		reduction: 'keras-reduced',
		form: 'rms',
		epsilonArg: 'epsilon',
		defaultEpsilon: 1e-6,
		momentumConvention: null,
		runningVariance: null,
		trainEval:
			'Identical in training and inference: every sample is divided by its own root mean square; there are no running statistics.',
		notes: [
			'RMSNormalization divides by the root mean square over `axis`; it subtracts no mean and has a `scale` (γ) but no β.',
		],
		names: { gamma: 'scale', beta: '' },
	},
	'keras:UnitNormalization': {
		family: 'unit',
		reduction: 'keras-reduced',
		form: 'unit',
		// Keras 3 calls ops.normalize(x, axis, order=2, epsilon=1e-12): a floor on the norm, not an argument of the layer.
		epsilonArg: '',
		defaultEpsilon: 1e-12,
		momentumConvention: null,
		runningVariance: null,
		trainEval:
			'Identical in training and inference: every sample is scaled to unit L2 norm over `axis`; no weights, no statistics kept.',
		notes: [
			'UnitNormalization divides by the L2 norm (a sum of squares, not a mean): the output has norm 1, not variance 1. ε = 1e-12 is a floor on the norm (Keras 3; tf.keras 2 floors the squared sum at 1e-12 instead).',
		],
		names: { gamma: '', beta: '' },
	},
	'torch:BatchNorm1d': torchBn,
	'torch:BatchNorm2d': torchBn,
	'torch:BatchNorm3d': torchBn,
	'torch:SyncBatchNorm': torchBn,
	'torch:LayerNorm': torchLn,
	'torch:RMSNorm': {
		...torchLn,
		family: 'rms',
		form: 'rms',
		// eps=None (the default) is torch.finfo(x.dtype).eps: 2^-23 for the float32 inputs NormLens runs.
		defaultEpsilon: 2 ** -23,
		epsilonNote: 'eps=None: torch.finfo(float32).eps',
		names: { gamma: 'weight', beta: '' },
		notes: [
			'RMSNorm divides by the root mean square; it subtracts no mean and has no β.',
			'eps=None (the default) means torch.finfo(x.dtype).eps: 1.19e-7 for float32, 9.77e-4 for float16.',
		],
	},
	'torch:GroupNorm': {
		family: 'group',
		reduction: 'torch-group',
		form: 'standardize',
		epsilonArg: 'eps',
		defaultEpsilon: 1e-5,
		momentumConvention: null,
		runningVariance: null,
		trainEval: 'Identical in training and evaluation: statistics per sample and group.',
		notes: [
			'γ and β are per channel, although μ and σ² are per group. GroupNorm(C, C) is InstanceNorm; GroupNorm(1, C) is LayerNorm over (C, H, W) with per-channel γ, β.',
		],
		names: { gamma: 'weight', beta: 'bias' },
	},
	...Object.fromEntries(
		['InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d'].map((t) => [
			`torch:${t}`,
			{
				family: 'instance',
				reduction: 'torch-instance',
				form: 'standardize',
				epsilonArg: 'eps',
				defaultEpsilon: 1e-5,
				momentumConvention: 'torch',
				tracking: { arg: 'track_running_stats', byDefault: false },
				runningVariance:
					'unbiased (multiplied by M/(M−1), Bessel’s correction) and averaged over the samples, while each sample is normalized with its biased variance',
				trainEval:
					'By default (track_running_stats=False) every sample and channel is normalized with its own statistics in both modes; with track_running_stats=True, eval() uses running statistics.',
				notes: ['affine=False by default: no γ, β unless affine=True.'],
				names: {
					gamma: 'weight',
					beta: 'bias',
					mean: 'running_mean',
					variance: 'running_var',
				},
			} satisfies NormalizationFacts,
		]),
	),
};
