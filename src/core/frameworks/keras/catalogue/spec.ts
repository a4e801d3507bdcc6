// What a row of the Keras layer catalogue says: arguments, category, the rules it follows.
import type { ArgDefault } from '../../common/spec';

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
	| 'dot'
	| 'permute'
	| 'repeatVector'
	| 'cropping'
	| 'embedding'
	| 'rnn'
	| 'bidirectional'
	| 'timeDistributed'
	| 'rnnWrapper'
	| 'convLstm'
	| 'rnnCell'
	| 'lambda'
	| 'attention'
	| 'dotAttention'
	| 'resize'
	| 'randomHeight'
	| 'randomWidth'
	| 'textVectorization'
	| 'lookup'
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
	| 'rnnWrapper'
	| 'convLstm'
	| 'attention'
	| 'dotAttention'
	| 'additiveAttention'
	| 'textVectorization'
	| 'lookup'
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
	/**
	 * Defaults from before TensorFlow 2 (Keras 1, standalone Keras up to 2.3, TensorFlow 1's tf.keras)
	 * where TensorFlow 2 changed them; they apply where the dialect says `beforeTf2` (GRU's
	 * `reset_after` was False until TensorFlow 2's GRU v2).
	 */
	beforeTf2Defaults?: Readonly<Record<string, boolean | number | string | null>>;
	/**
	 * `adapt(data)` only fills a lookup table (TextVectorization's vocabulary): it builds nothing and
	 * makes no weight, so it leaves the layer as NormLens knows it. Elsewhere adapt() builds the
	 * layer on the data's shape (Normalization), which NormLens cannot see.
	 */
	adaptFillsLookup?: true;
	/** Spatial rank for convolution / pooling layers. */
	rank?: 1 | 2 | 3;
	/** Pooling reduction for pooling layers. */
	reduce?: 'max' | 'average';
	/** Recurrent cells: gates per unit (SimpleRNN 1, GRU 3, LSTM 4). */
	gates?: 1 | 3 | 4;
	/**
	 * `data_format='channels_last'` by default in Keras 1 and 2 (Conv1D and the 1-D poolings), where
	 * only Keras 3 reads the global image data format (`set_image_dim_ordering('th')` left them).
	 */
	channelsLastBeforeKeras3?: true;
	/** cuDNN's layout (CuDNNLSTM, CuDNNGRU): always a bias, two vectors per gate (input and recurrent). */
	cudnn?: true;
	/** Takes padding='causal' besides 'valid' and 'same' (Conv1D only: base_conv.py `allow_causal=rank == 1`). */
	causal?: true;
	/** Refuses strides > 1 together with dilation_rate > 1 (Conv*D and Conv*DTranspose). */
	noStridedDilation?: true;
	doc: string;
}
