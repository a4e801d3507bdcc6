// The Keras catalogue's recurrent and attention layers: RNNs, their wrappers, MultiHeadAttention.
import { ArgDefault, REQUIRED } from '../../common/spec';
import type { KerasLayerSpec } from './spec';
import { convGeometryArgs } from './convolution';

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
	// keras/layers/recurrent.py up to Keras 2.3 and TF 1's tf.keras: `GRU(…, reset_after=False)`,
	// one bias vector; TF 2's GRU (recurrent_v2.py) made it True, two bias vectors.
	...(gates === 3 ? { beforeTf2Defaults: { reset_after: false } } : {}),
	shape: 'rnn',
	weights: 'rnn',
	doc: `${name} recurrent layer (${gates === 1 ? 'fully connected' : gates === 3 ? 'gated recurrent unit' : 'long short-term memory'}).`,
});

/**
 * A recurrent cell (`LSTMCell(8)`): the weights its layer would have, made when the RNN wrapping it
 * is built on the features of one step; one step's output is (batch, units).
 */
const cell = (name: string, gates: 1 | 3 | 4): KerasLayerSpec => {
	const layer = rnn(name, gates);
	return {
		...layer,
		args: layer.args.filter(([arg]) => arg !== 'return_sequences' && arg !== 'return_state'),
		shape: 'rnnCell',
		doc: `The cell of ${name.replace('Cell', '')}, one step; wrapped by \`RNN(cell)\`, which makes its weights.`,
	};
};

/**
 * ConvLSTM1D–3D: an LSTM whose input, state and gates are convolutions over each time step's
 * image (batch, time, …spatial, channels); four gates, each a kernel on the input and one on the
 * state, and a bias.
 */
const convLstm = (rank: 1 | 2 | 3): KerasLayerSpec => ({
	name: `ConvLSTM${rank}D`,
	category: 'recurrent',
	rank,
	gates: 4,
	// As its convolutions: strides and dilation together are Keras's error.
	noStridedDilation: true,
	args: [
		...convGeometryArgs,
		['activation', 'tanh'],
		['recurrent_activation', 'sigmoid'],
		['use_bias', true],
		['return_sequences', false],
		['return_state', false],
	],
	shape: 'convLstm',
	weights: 'convLstm',
	doc: `Convolutional LSTM over the time steps (axis 1) of ${rank}-D images: each gate is a ${rank}-D convolution of the input and of the state.`,
});

/**
 * Keras 2's and TensorFlow 1's CuDNNLSTM / CuDNNGRU (`tf.compat.v1.keras.layers` in TensorFlow 2):
 * fixed activations, no `use_bias`, and cuDNN's two bias vectors per gate.
 */
const cudnn = (name: string, gates: 3 | 4): KerasLayerSpec => ({
	name,
	category: 'recurrent',
	gates,
	cudnn: true,
	args: [
		['units', REQUIRED],
		['return_sequences', false],
		['return_state', false],
	],
	shape: 'rnn',
	weights: 'rnn',
	doc: `${name}: the ${gates === 4 ? 'LSTM' : 'GRU'} cuDNN runs (GPU only), with an input and a recurrent bias per gate.`,
});

export const kerasRecurrentLayers: KerasLayerSpec[] = [
	cudnn('CuDNNLSTM', 4),
	cudnn('CuDNNGRU', 3),
	convLstm(1),
	convLstm(2),
	convLstm(3),
	rnn('SimpleRNN', 1),
	rnn('GRU', 3),
	rnn('LSTM', 4),
	cell('SimpleRNNCell', 1),
	cell('GRUCell', 3),
	cell('LSTMCell', 4),
	{
		name: 'RNN',
		category: 'recurrent',
		args: [
			['cell', REQUIRED],
			['return_sequences', false],
			['return_state', false],
			['go_backwards', false],
			['stateful', false],
			['unroll', false],
		],
		shape: 'rnnWrapper',
		weights: 'rnnWrapper',
		doc: 'Runs a recurrent cell (or a list of cells, stacked) over the time steps (axis 1) of its input.',
	},
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
			['attention_axes', null],
		],
		shape: 'attention',
		weights: 'attention',
		doc: 'Multi-head attention: called as `mha(query, value[, key])`.',
	},
	{
		name: 'Attention',
		category: 'attention',
		args: [
			['use_scale', false],
			['score_mode', 'dot'],
			['dropout', 0],
			['seed', null],
		],
		shape: 'dotAttention',
		weights: 'dotAttention',
		doc: "Luong's dot-product attention: called on `[query, value]` or `[query, value, key]`; one scalar weight for `use_scale`, one for `score_mode='concat'`.",
	},
	{
		name: 'AdditiveAttention',
		category: 'attention',
		args: [
			['use_scale', true],
			['dropout', 0],
		],
		shape: 'dotAttention',
		weights: 'additiveAttention',
		doc: "Bahdanau's additive attention: called on `[query, value]` or `[query, value, key]`; `use_scale` learns one scale per feature.",
	},
];
