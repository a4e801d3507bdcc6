// The Keras layer catalogue: every layer NormLens knows, by family, and the lookup by class name.
/**
 * Keras layer knowledge as data: constructor arguments in positional order with their defaults,
 * and the names of the shape and weight rules that apply (see `../rules/`). Defaults follow
 * keras-team/keras `keras/src/layers/**` (Keras 3); where tf.keras 2 differs, the note says so.
 */
import { kerasCoreLayers } from './core';
import { kerasConvolutionLayers } from './convolution';
import { kerasPoolingLayers } from './pooling';
import { kerasNormalizationLayers } from './normalization';
import { kerasReshapingLayers } from './reshaping';
import { kerasRegularizationLayers } from './regularization';
import { kerasActivationLayers } from './activation';
import { kerasMergingLayers } from './merging';
import { kerasRecurrentLayers } from './recurrent';
import { kerasPreprocessingLayers } from './preprocessing';
import type { KerasLayerSpec } from './spec';

export type { KerasLayerSpec, KerasShapeRule, KerasWeightRule } from './spec';

/** Every layer of the catalogue, family by family (./core, ./convolution, … one file each). */
export const kerasLayers: KerasLayerSpec[] = [
	...kerasCoreLayers,
	...kerasConvolutionLayers,
	...kerasPoolingLayers,
	...kerasNormalizationLayers,
	...kerasReshapingLayers,
	...kerasRegularizationLayers,
	...kerasActivationLayers,
	...kerasMergingLayers,
	...kerasRecurrentLayers,
	...kerasPreprocessingLayers,
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
	GlobalAvgPool3D: 'GlobalAveragePooling3D',
	GlobalMaxPool1D: 'GlobalMaxPooling1D',
	GlobalMaxPool3D: 'GlobalMaxPooling3D',
	SeparableConvolution1D: 'SeparableConv1D',
	SeparableConvolution2D: 'SeparableConv2D',
	Convolution2DTranspose: 'Conv2DTranspose',
	Convolution3DTranspose: 'Conv3DTranspose',
};

/** The catalogue entry for a class name, or `undefined` for a layer NormLens does not know. */
export function kerasLayerSpec(name: string): KerasLayerSpec | undefined {
	return byName.get(aliases[name] ?? name);
}

/**
 * Layers of other libraries that are a catalogue layer with some arguments fixed, by call path: the
 * row shows their own class. TensorFlow Addons' InstanceNormalization is its GroupNormalization with
 * `groups=-1` whatever is passed (tensorflow_addons/layers/normalizations.py), gamma and beta of C each.
 */
export const KERAS_ADDON_LAYERS: Readonly<
	Record<string, { spec: string; fixed?: Readonly<Record<string, number>> }>
> = {
	'tensorflow_addons.layers.GroupNormalization': { spec: 'GroupNormalization' },
	'tensorflow_addons.layers.InstanceNormalization': {
		spec: 'GroupNormalization',
		fixed: { groups: -1 },
	},
};
