/**
 * Keras layer knowledge as data: constructor arguments in positional order with their defaults,
 * and the names of the shape and weight rules that apply (see `rules.ts`). Defaults follow
 * keras-team/keras `keras/src/layers/**` (Keras 3); where tf.keras 2 differs, the note says so.
 */
import { ArgDefault, REQUIRED } from '../common/spec';

export type KerasShapeRule =
	| 'identity'
	| 'dense'
	| 'conv'
	| 'depthwiseConv'
	| 'separableConv'
	| 'convTranspose'
	| 'pool'
	| 'globalPool'
	| 'flatten'
	| 'reshape'
	| 'zeroPadding'
	| 'upSampling'
	| 'merge'
	| 'concatenate'
	| 'permute'
	| 'repeatVector'
	| 'cropping'
	| 'embedding'
	| 'rnn'
	| 'bidirectional'
	| 'timeDistributed'
	| 'lambda'
	| 'attention'
	| 'unknown';

export type KerasWeightRule =
	| 'none'
	| 'dense'
	| 'conv'
	| 'depthwiseConv'
	| 'separableConv'
	| 'convTranspose'
	| 'batchNorm'
	| 'layerNorm'
	| 'groupNorm'
	| 'rmsNorm'
	| 'normalization'
	| 'embedding'
	| 'rnn'
	| 'bidirectional'
	| 'timeDistributed'
	| 'attention'
	| 'prelu';

export interface KerasLayerSpec {
	name: string;
	category:
		| 'input'
		| 'core'
		| 'convolution'
		| 'pooling'
		| 'normalization'
		| 'reshaping'
		| 'regularization'
		| 'activation'
		| 'merging'
		| 'recurrent'
		| 'attention'
		| 'preprocessing';
	/** Constructor arguments in positional order. */
	args: [string, ArgDefault][];
	shape: KerasShapeRule;
	weights: KerasWeightRule;
	/** Spatial rank for convolution / pooling layers. */
	rank?: 1 | 2 | 3;
	/** Pooling reduction for pooling layers. */
	reduce?: 'max' | 'average';
	/** Recurrent cells: gates per unit (SimpleRNN 1, GRU 3, LSTM 4). */
	gates?: 1 | 3 | 4;
	/** Takes padding='causal' besides 'valid' and 'same' (Conv1D only: base_conv.py `allow_causal=rank == 1`). */
	causal?: true;
	/** Refuses strides > 1 together with dilation_rate > 1 (Conv*D and Conv*DTranspose). */
	noStridedDilation?: true;
	doc: string;
}

const convArgs = (extra: [string, ArgDefault][] = []): [string, ArgDefault][] => [
	['filters', REQUIRED],
	['kernel_size', REQUIRED],
	['strides', 1],
	['padding', 'valid'],
	['data_format', null],
	['dilation_rate', 1],
	['groups', 1],
	['activation', null],
	['use_bias', true],
	...extra,
];

const poolArgs = (rank: number): [string, ArgDefault][] => [
	['pool_size', rank === 1 ? 2 : Array(rank).fill(2)],
	['strides', null],
	['padding', 'valid'],
	['data_format', null],
];

const rnn = (name: string, gates: 1 | 3 | 4): KerasLayerSpec => ({
	name,
	category: 'recurrent' as KerasLayerSpec['category'],
	gates,
	args: [
		['units', REQUIRED],
		['activation', 'tanh'],
		...(gates === 1 ? [] : ([['recurrent_activation', 'sigmoid']] as [string, ArgDefault][])),
		['use_bias', true],
		['return_sequences', false],
		['return_state', false],
		...(gates === 3 ? ([['reset_after', true]] as [string, ArgDefault][]) : []),
	],
	shape: 'rnn',
	weights: 'rnn',
	doc: `${name} recurrent layer (${gates === 1 ? 'fully connected' : gates === 3 ? 'gated recurrent unit' : 'long short-term memory'}).`,
});

const separableArgs: [string, ArgDefault][] = [
	['filters', REQUIRED],
	['kernel_size', REQUIRED],
	['strides', 1],
	['padding', 'valid'],
	['data_format', null],
	['dilation_rate', 1],
	['depth_multiplier', 1],
	['activation', null],
	['use_bias', true],
];
const transposeArgs: [string, ArgDefault][] = [
	['filters', REQUIRED],
	['kernel_size', REQUIRED],
	['strides', 1],
	['padding', 'valid'],
	['data_format', null],
	['dilation_rate', 1],
	['activation', null],
	['use_bias', true],
];

const activation = (
	name: string,
	doc: string,
	args: [string, ArgDefault][] = [],
): KerasLayerSpec => ({
	name,
	category: 'activation',
	args,
	shape: 'identity',
	weights: 'none',
	doc,
});

export const kerasLayers: KerasLayerSpec[] = [
	{
		name: 'InputLayer',
		category: 'input',
		args: [
			['shape', null],
			['batch_size', null],
			['dtype', null],
		],
		shape: 'identity',
		weights: 'none',
		doc: 'Entry point of a functional model.',
	},
	// Made by tf.keras 2 itself, never by user code: TFOpLambda's output shape is the wrapped function's
	// (KerasRuntime.tensorOp); AddLoss is what `model.add_loss(tensor)` adds (KerasRuntime.addLoss).
	{
		name: 'AddLoss',
		category: 'core',
		args: [],
		shape: 'identity',
		weights: 'none',
		doc: 'The loss a functional model was given with `model.add_loss(tensor)` (tf.keras 2 makes it a layer): no weights.',
	},
	{
		name: 'TFOpLambda',
		category: 'core',
		args: [],
		shape: 'identity',
		weights: 'none',
		doc: 'A TensorFlow function or operator called on symbolic tensors between layers (tf.keras 2 makes it a layer): no weights.',
	},
	{
		name: 'Dense',
		category: 'core',
		args: [
			['units', REQUIRED],
			['activation', null],
			['use_bias', true],
		],
		shape: 'dense',
		weights: 'dense',
		doc: 'Densely connected layer: `y = activation(x · kernel + bias)` on the last axis.',
	},
	{
		name: 'BatchNormalization',
		category: 'normalization',
		args: [
			['axis', -1],
			['momentum', 0.99],
			['epsilon', 0.001],
			['center', true],
			['scale', true],
		],
		shape: 'identity',
		weights: 'batchNorm',
		doc: 'Normalizes each feature over the batch (and spatial axes) with batch statistics in training and moving statistics in inference.',
	},
	{
		name: 'LayerNormalization',
		category: 'normalization',
		args: [
			['axis', -1],
			['epsilon', 0.001],
			['center', true],
			['scale', true],
		],
		shape: 'identity',
		weights: 'layerNorm',
		doc: 'Normalizes each sample over the given axes; the same in training and inference.',
	},
	{
		name: 'Conv1D',
		category: 'convolution',
		rank: 1,
		args: convArgs(),
		shape: 'conv',
		weights: 'conv',
		causal: true,
		noStridedDilation: true,
		doc: '1-D convolution (temporal).',
	},
	{
		name: 'Conv2D',
		category: 'convolution',
		rank: 2,
		args: convArgs(),
		shape: 'conv',
		weights: 'conv',
		noStridedDilation: true,
		doc: '2-D convolution (spatial).',
	},
	{
		name: 'Conv3D',
		category: 'convolution',
		rank: 3,
		args: convArgs(),
		shape: 'conv',
		weights: 'conv',
		noStridedDilation: true,
		doc: '3-D convolution (volumetric).',
	},
	{
		name: 'DepthwiseConv2D',
		category: 'convolution',
		rank: 2,
		args: [
			['kernel_size', REQUIRED],
			['strides', 1],
			['padding', 'valid'],
			['depth_multiplier', 1],
			['data_format', null],
			['dilation_rate', 1],
			['activation', null],
			['use_bias', true],
		],
		shape: 'depthwiseConv',
		weights: 'depthwiseConv',
		doc: 'Depthwise 2-D convolution: one filter per input channel (times `depth_multiplier`).',
	},
	{
		name: 'MaxPooling1D',
		category: 'pooling',
		rank: 1,
		reduce: 'max',
		args: poolArgs(1),
		shape: 'pool',
		weights: 'none',
		doc: 'Max pooling over the temporal axis.',
	},
	{
		name: 'MaxPooling2D',
		category: 'pooling',
		rank: 2,
		reduce: 'max',
		args: poolArgs(2),
		shape: 'pool',
		weights: 'none',
		doc: 'Max pooling over the spatial axes.',
	},
	{
		name: 'MaxPooling3D',
		category: 'pooling',
		rank: 3,
		reduce: 'max',
		args: poolArgs(3),
		shape: 'pool',
		weights: 'none',
		doc: 'Max pooling over the volumetric axes.',
	},
	{
		name: 'AveragePooling1D',
		category: 'pooling',
		rank: 1,
		reduce: 'average',
		args: poolArgs(1),
		shape: 'pool',
		weights: 'none',
		doc: 'Average pooling over the temporal axis.',
	},
	{
		name: 'AveragePooling2D',
		category: 'pooling',
		rank: 2,
		reduce: 'average',
		args: poolArgs(2),
		shape: 'pool',
		weights: 'none',
		doc: 'Average pooling over the spatial axes.',
	},
	{
		name: 'AveragePooling3D',
		category: 'pooling',
		rank: 3,
		reduce: 'average',
		args: poolArgs(3),
		shape: 'pool',
		weights: 'none',
		doc: 'Average pooling over the volumetric axes.',
	},
	{
		name: 'GlobalAveragePooling1D',
		category: 'pooling',
		rank: 1,
		args: [
			['data_format', null],
			['keepdims', false],
		],
		shape: 'globalPool',
		weights: 'none',
		doc: 'Averages over the temporal axis.',
	},
	{
		name: 'GlobalAveragePooling2D',
		category: 'pooling',
		rank: 2,
		args: [
			['data_format', null],
			['keepdims', false],
		],
		shape: 'globalPool',
		weights: 'none',
		doc: 'Averages over the spatial axes.',
	},
	{
		name: 'GlobalMaxPooling2D',
		category: 'pooling',
		rank: 2,
		args: [
			['data_format', null],
			['keepdims', false],
		],
		shape: 'globalPool',
		weights: 'none',
		doc: 'Maximum over the spatial axes.',
	},
	{
		name: 'Flatten',
		category: 'reshaping',
		args: [['data_format', null]],
		shape: 'flatten',
		weights: 'none',
		doc: 'Flattens every axis but the batch.',
	},
	{
		name: 'Reshape',
		category: 'reshaping',
		args: [['target_shape', REQUIRED]],
		shape: 'reshape',
		weights: 'none',
		doc: 'Reshapes every axis but the batch to `target_shape`.',
	},
	{
		name: 'ZeroPadding2D',
		category: 'reshaping',
		rank: 2,
		args: [
			['padding', 1],
			['data_format', null],
		],
		shape: 'zeroPadding',
		weights: 'none',
		doc: 'Pads the spatial axes with zeros.',
	},
	{
		name: 'UpSampling2D',
		category: 'reshaping',
		rank: 2,
		args: [
			['size', [2, 2]],
			['data_format', null],
			['interpolation', 'nearest'],
		],
		shape: 'upSampling',
		weights: 'none',
		doc: 'Repeats rows and columns.',
	},
	{
		name: 'Dropout',
		category: 'regularization',
		args: [
			['rate', REQUIRED],
			['noise_shape', null],
			['seed', null],
		],
		shape: 'identity',
		weights: 'none',
		doc: 'Zeroes a fraction `rate` of inputs in training; identity in inference.',
	},
	{
		name: 'SpatialDropout2D',
		category: 'regularization',
		args: [
			['rate', REQUIRED],
			['data_format', null],
		],
		shape: 'identity',
		weights: 'none',
		doc: 'Drops whole feature maps in training.',
	},
	{
		name: 'GaussianNoise',
		category: 'regularization',
		args: [
			['stddev', REQUIRED],
			['seed', null],
		],
		shape: 'identity',
		weights: 'none',
		doc: 'Adds zero-mean Gaussian noise in training.',
	},
	activation('Activation', 'Applies an activation function.', [['activation', REQUIRED]]),
	activation('ReLU', 'Rectified linear unit.', [
		['max_value', null],
		['negative_slope', 0],
		['threshold', 0],
	]),
	activation('LeakyReLU', 'Leaky rectified linear unit.', [['negative_slope', 0.3]]),
	activation('ELU', 'Exponential linear unit.', [['alpha', 1]]),
	activation('Softmax', 'Softmax over an axis.', [['axis', -1]]),
	{
		name: 'PReLU',
		category: 'activation',
		args: [
			['alpha_initializer', 'Zeros'],
			['alpha_regularizer', null],
			['alpha_constraint', null],
			['shared_axes', null],
		],
		shape: 'identity',
		weights: 'prelu',
		doc: 'Parametric ReLU: one learned slope per input position (unless `shared_axes`).',
	},
	{
		name: 'Add',
		category: 'merging',
		args: [],
		shape: 'merge',
		weights: 'none',
		doc: 'Element-wise sum of its inputs.',
	},
	{
		name: 'Multiply',
		category: 'merging',
		args: [],
		shape: 'merge',
		weights: 'none',
		doc: 'Element-wise product of its inputs.',
	},
	{
		name: 'Average',
		category: 'merging',
		args: [],
		shape: 'merge',
		weights: 'none',
		doc: 'Element-wise mean of its inputs.',
	},
	{
		name: 'Concatenate',
		category: 'merging',
		args: [['axis', -1]],
		shape: 'concatenate',
		weights: 'none',
		doc: 'Concatenates its inputs along `axis`.',
	},
	{
		name: 'Subtract',
		category: 'merging',
		args: [],
		shape: 'merge',
		weights: 'none',
		doc: 'Difference of its two inputs.',
	},
	{
		name: 'Maximum',
		category: 'merging',
		args: [],
		shape: 'merge',
		weights: 'none',
		doc: 'Element-wise maximum of its inputs.',
	},
	{
		name: 'Minimum',
		category: 'merging',
		args: [],
		shape: 'merge',
		weights: 'none',
		doc: 'Element-wise minimum of its inputs.',
	},
	{
		name: 'Conv1DTranspose',
		category: 'convolution',
		rank: 1,
		args: transposeArgs,
		shape: 'convTranspose',
		weights: 'convTranspose',
		noStridedDilation: true,
		doc: 'Transposed 1-D convolution.',
	},
	{
		name: 'Conv2DTranspose',
		category: 'convolution',
		rank: 2,
		args: transposeArgs,
		shape: 'convTranspose',
		weights: 'convTranspose',
		noStridedDilation: true,
		doc: 'Transposed 2-D convolution (deconvolution).',
	},
	{
		name: 'Conv3DTranspose',
		category: 'convolution',
		rank: 3,
		args: transposeArgs,
		shape: 'convTranspose',
		weights: 'convTranspose',
		noStridedDilation: true,
		doc: 'Transposed 3-D convolution.',
	},
	{
		name: 'SeparableConv1D',
		category: 'convolution',
		rank: 1,
		args: separableArgs,
		shape: 'separableConv',
		weights: 'separableConv',
		doc: 'Depthwise then pointwise 1-D convolution.',
	},
	{
		name: 'SeparableConv2D',
		category: 'convolution',
		rank: 2,
		args: separableArgs,
		shape: 'separableConv',
		weights: 'separableConv',
		doc: 'Depthwise then pointwise 2-D convolution.',
	},
	{
		name: 'DepthwiseConv1D',
		category: 'convolution',
		rank: 1,
		args: [
			['kernel_size', REQUIRED],
			['strides', 1],
			['padding', 'valid'],
			['depth_multiplier', 1],
			['data_format', null],
			['dilation_rate', 1],
			['activation', null],
			['use_bias', true],
		],
		shape: 'depthwiseConv',
		weights: 'depthwiseConv',
		doc: 'Depthwise 1-D convolution.',
	},
	{
		name: 'GlobalAveragePooling3D',
		category: 'pooling',
		rank: 3,
		args: [
			['data_format', null],
			['keepdims', false],
		],
		shape: 'globalPool',
		weights: 'none',
		doc: 'Averages over the volumetric axes.',
	},
	{
		name: 'GlobalMaxPooling1D',
		category: 'pooling',
		rank: 1,
		args: [
			['data_format', null],
			['keepdims', false],
		],
		shape: 'globalPool',
		weights: 'none',
		doc: 'Maximum over the temporal axis.',
	},
	{
		name: 'GlobalMaxPooling3D',
		category: 'pooling',
		rank: 3,
		args: [
			['data_format', null],
			['keepdims', false],
		],
		shape: 'globalPool',
		weights: 'none',
		doc: 'Maximum over the volumetric axes.',
	},
	{
		name: 'Permute',
		category: 'reshaping',
		args: [['dims', REQUIRED]],
		shape: 'permute',
		weights: 'none',
		doc: 'Permutes the non-batch axes (1-based `dims`).',
	},
	{
		name: 'RepeatVector',
		category: 'reshaping',
		args: [['n', REQUIRED]],
		shape: 'repeatVector',
		weights: 'none',
		doc: 'Repeats a (batch, features) input `n` times.',
	},
	{
		name: 'Cropping1D',
		category: 'reshaping',
		rank: 1,
		args: [['cropping', [1, 1]]],
		shape: 'cropping',
		weights: 'none',
		doc: 'Crops the temporal axis.',
	},
	{
		name: 'Cropping2D',
		category: 'reshaping',
		rank: 2,
		args: [
			['cropping', [0, 0]],
			['data_format', null],
		],
		shape: 'cropping',
		weights: 'none',
		doc: 'Crops the spatial axes.',
	},
	{
		name: 'Cropping3D',
		category: 'reshaping',
		rank: 3,
		args: [
			['cropping', [1, 1, 1]],
			['data_format', null],
		],
		shape: 'cropping',
		weights: 'none',
		doc: 'Crops the volumetric axes.',
	},
	{
		name: 'ZeroPadding1D',
		category: 'reshaping',
		rank: 1,
		args: [['padding', 1]],
		shape: 'zeroPadding',
		weights: 'none',
		doc: 'Pads the temporal axis with zeros.',
	},
	{
		name: 'ZeroPadding3D',
		category: 'reshaping',
		rank: 3,
		args: [
			['padding', 1],
			['data_format', null],
		],
		shape: 'zeroPadding',
		weights: 'none',
		doc: 'Pads the volumetric axes with zeros.',
	},
	{
		name: 'UpSampling1D',
		category: 'reshaping',
		rank: 1,
		args: [['size', 2]],
		shape: 'upSampling',
		weights: 'none',
		doc: 'Repeats each step `size` times.',
	},
	{
		name: 'UpSampling3D',
		category: 'reshaping',
		rank: 3,
		args: [
			['size', [2, 2, 2]],
			['data_format', null],
		],
		shape: 'upSampling',
		weights: 'none',
		doc: 'Repeats along the volumetric axes.',
	},
	{
		name: 'Embedding',
		category: 'core',
		args: [
			['input_dim', REQUIRED],
			['output_dim', REQUIRED],
		],
		shape: 'embedding',
		weights: 'embedding',
		doc: 'Turns integer indices into dense vectors of size `output_dim`.',
	},
	rnn('SimpleRNN', 1),
	rnn('GRU', 3),
	rnn('LSTM', 4),
	{
		name: 'TimeDistributed',
		category: 'recurrent',
		args: [['layer', REQUIRED]],
		shape: 'timeDistributed',
		weights: 'timeDistributed',
		doc: 'Applies a layer to every time step (axis 1) of its input: one set of weights for all steps.',
	},
	{
		name: 'Bidirectional',
		category: 'recurrent',
		args: [
			['layer', REQUIRED],
			['merge_mode', 'concat'],
		],
		shape: 'bidirectional',
		weights: 'bidirectional',
		doc: 'Runs a recurrent layer forwards and backwards and merges the two.',
	},
	{
		name: 'MultiHeadAttention',
		category: 'attention',
		args: [
			['num_heads', REQUIRED],
			['key_dim', REQUIRED],
			['value_dim', null],
			['dropout', 0],
			['use_bias', true],
			['output_shape', null],
		],
		shape: 'attention',
		weights: 'attention',
		doc: 'Multi-head attention: called as `mha(query, value[, key])`.',
	},
	{
		name: 'GroupNormalization',
		category: 'normalization',
		args: [
			['groups', 32],
			['axis', -1],
			['epsilon', 0.001],
			['center', true],
			['scale', true],
		],
		shape: 'identity',
		weights: 'groupNorm',
		doc: 'Normalizes each sample over groups of channels; `groups=-1` is instance normalization.',
	},
	{
		name: 'UnitNormalization',
		category: 'normalization',
		args: [['axis', -1]],
		shape: 'identity',
		weights: 'none',
		doc: 'Scales each sample to unit L2 norm along `axis`.',
	},
	{
		name: 'RMSNormalization',
		category: 'normalization',
		args: [
			['axis', -1],
			['epsilon', 1e-6],
		],
		shape: 'identity',
		weights: 'rmsNorm',
		doc: 'Divides by the root mean square along `axis` and scales.',
	},
	{
		name: 'Normalization',
		category: 'preprocessing',
		args: [
			['axis', -1],
			['mean', null],
			['variance', null],
			['invert', false],
		],
		shape: 'identity',
		weights: 'normalization',
		doc: 'Standardizes inputs with a mean and variance given or learned by `adapt()`.',
	},
	{
		name: 'Rescaling',
		category: 'preprocessing',
		args: [
			['scale', REQUIRED],
			['offset', 0],
		],
		shape: 'identity',
		weights: 'none',
		doc: 'Multiplies by `scale` and adds `offset`.',
	},
	// Augmentation layers: random in training, the identity in inference; no weights, same shape.
	{
		name: 'RandomFlip',
		category: 'preprocessing',
		args: [
			['mode', 'horizontal_and_vertical'],
			['seed', null],
		],
		shape: 'identity',
		weights: 'none',
		doc: 'Flips images at random in training.',
	},
	{
		name: 'RandomRotation',
		category: 'preprocessing',
		args: [
			['factor', REQUIRED],
			['fill_mode', 'reflect'],
			['interpolation', 'bilinear'],
			['seed', null],
			['fill_value', 0],
		],
		shape: 'identity',
		weights: 'none',
		doc: 'Rotates images at random in training.',
	},
	{
		name: 'RandomZoom',
		category: 'preprocessing',
		args: [
			['height_factor', REQUIRED],
			['width_factor', null],
			['fill_mode', 'reflect'],
			['interpolation', 'bilinear'],
			['seed', null],
			['fill_value', 0],
		],
		shape: 'identity',
		weights: 'none',
		doc: 'Zooms images at random in training.',
	},
	{
		name: 'RandomTranslation',
		category: 'preprocessing',
		args: [
			['height_factor', REQUIRED],
			['width_factor', REQUIRED],
			['fill_mode', 'reflect'],
			['interpolation', 'bilinear'],
			['seed', null],
			['fill_value', 0],
		],
		shape: 'identity',
		weights: 'none',
		doc: 'Shifts images at random in training.',
	},
	{
		name: 'RandomContrast',
		category: 'preprocessing',
		args: [
			['factor', REQUIRED],
			['seed', null],
		],
		shape: 'identity',
		weights: 'none',
		doc: 'Changes the contrast at random in training.',
	},
	{
		name: 'RandomBrightness',
		category: 'preprocessing',
		args: [
			['factor', REQUIRED],
			['value_range', [0, 255]],
			['seed', null],
		],
		shape: 'identity',
		weights: 'none',
		doc: 'Changes the brightness at random in training.',
	},
	{
		name: 'AlphaDropout',
		category: 'regularization',
		args: [
			['rate', REQUIRED],
			['noise_shape', null],
			['seed', null],
		],
		shape: 'identity',
		weights: 'none',
		doc: 'Dropout that keeps SELU self-normalization.',
	},
	{
		name: 'GaussianDropout',
		category: 'regularization',
		args: [
			['rate', REQUIRED],
			['seed', null],
		],
		shape: 'identity',
		weights: 'none',
		doc: 'Multiplies by 1-centred Gaussian noise in training.',
	},
	{
		name: 'SpatialDropout1D',
		category: 'regularization',
		args: [['rate', REQUIRED]],
		shape: 'identity',
		weights: 'none',
		doc: 'Drops whole feature maps in training.',
	},
	{
		name: 'SpatialDropout3D',
		category: 'regularization',
		args: [
			['rate', REQUIRED],
			['data_format', null],
		],
		shape: 'identity',
		weights: 'none',
		doc: 'Drops whole feature maps in training.',
	},
	{
		name: 'ActivityRegularization',
		category: 'regularization',
		args: [
			['l1', 0],
			['l2', 0],
		],
		shape: 'identity',
		weights: 'none',
		doc: 'Adds an activity penalty to the loss; identity otherwise.',
	},
	{
		name: 'Identity',
		category: 'core',
		args: [],
		shape: 'identity',
		weights: 'none',
		doc: 'Returns its input.',
	},
	{
		name: 'Masking',
		category: 'core',
		args: [['mask_value', 0]],
		shape: 'identity',
		weights: 'none',
		doc: 'Masks time steps equal to `mask_value`.',
	},
	{
		name: 'Lambda',
		category: 'core',
		args: [
			['function', REQUIRED],
			['output_shape', null],
		],
		shape: 'lambda',
		weights: 'none',
		doc: 'Wraps a function: its output shape is `output_shape` when given, else what the function gives on a symbolic tensor.',
	},
	activation('ThresholdedReLU', 'ReLU with a threshold.', [['theta', 1]]),
];

const byName = new Map(kerasLayers.map((l) => [l.name, l]));

/** Aliases Keras exports under other names. */
const aliases: Record<string, string> = {
	Convolution1D: 'Conv1D',
	Convolution2D: 'Conv2D',
	Convolution3D: 'Conv3D',
	MaxPool1D: 'MaxPooling1D',
	MaxPool2D: 'MaxPooling2D',
	MaxPool3D: 'MaxPooling3D',
	AvgPool1D: 'AveragePooling1D',
	AvgPool2D: 'AveragePooling2D',
	AvgPool3D: 'AveragePooling3D',
	GlobalAvgPool2D: 'GlobalAveragePooling2D',
	GlobalMaxPool2D: 'GlobalMaxPooling2D',
	GlobalAvgPool1D: 'GlobalAveragePooling1D',
};

/** The catalogue entry for a class name, or `undefined` for a layer NormLens does not know. */
export function kerasLayerSpec(name: string): KerasLayerSpec | undefined {
	return byName.get(aliases[name] ?? name);
}
