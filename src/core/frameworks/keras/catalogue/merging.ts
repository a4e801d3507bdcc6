// The Keras catalogue's merging layers: Add, Subtract, Multiply, Average, …, Concatenate.
import { REQUIRED } from '../../common/spec';
import type { KerasLayerSpec } from './spec';

export const kerasMergingLayers: KerasLayerSpec[] = [
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
		name: 'Dot',
		category: 'merging',
		args: [
			['axes', REQUIRED],
			['normalize', false],
		],
		shape: 'dot',
		weights: 'none',
		doc: 'Dot product of two inputs along `axes`, per sample (cosine similarity with normalize=True).',
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
];
