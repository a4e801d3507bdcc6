// The Keras catalogue's preprocessing layers: Normalization, Rescaling and the augmentation layers.
import { REQUIRED } from '../../common/spec';
import type { KerasLayerSpec } from './spec';

export const kerasPreprocessingLayers: KerasLayerSpec[] = [
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
];
