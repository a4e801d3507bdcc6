// The Keras catalogue's normalization layers: Batch, Layer, Group, Unit and RMS normalization.
import type { KerasLayerSpec } from './spec';

export const kerasNormalizationLayers: KerasLayerSpec[] = [
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
];
