// The Keras catalogue's activation layers: Activation, ReLU, LeakyReLU, ELU, Softmax, PReLU, …
import { ArgDefault, REQUIRED } from '../../common/spec';
import type { KerasLayerSpec } from './spec';

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

export const kerasActivationLayers: KerasLayerSpec[] = [
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
	activation('ThresholdedReLU', 'ReLU with a threshold.', [['theta', 1]]),
];
