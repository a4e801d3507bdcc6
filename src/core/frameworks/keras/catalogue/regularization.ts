// The Keras catalogue's regularization layers: the dropouts, the noises and ActivityRegularization.
import { REQUIRED } from '../../common/spec';
import type { KerasLayerSpec } from './spec';

export const kerasRegularizationLayers: KerasLayerSpec[] = [
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
];
