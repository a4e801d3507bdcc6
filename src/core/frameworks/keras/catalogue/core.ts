// The Keras catalogue's core layers: Input, Dense, Embedding, Lambda, and tf.keras's own rows.
import { REQUIRED } from '../../common/spec';
import type { KerasLayerSpec } from './spec';

export const kerasCoreLayers: KerasLayerSpec[] = [
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
	// (KerasRuntime.tensorOp); AddLoss is what `model.add_loss(tensor)` adds (addLoss, models.ts).
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
		name: 'SlicingOpLambda',
		category: 'core',
		args: [],
		shape: 'identity',
		weights: 'none',
		doc: 'An index `x[…]` of a symbolic tensor between layers (tf.keras 2 makes it a layer): no weights.',
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
];
