import type { Value } from '../../python/values';

/**
 * Keras 1's API, as Keras 2.0–2.3's legacy interfaces converted it (keras/legacy/interfaces.py),
 * which is Keras 1's meaning: per layer, the Keras 1 positional arguments and the keyword renames.
 * `Convolution2D(32, 3, 3, border_mode='same')` is a 3×3 kernel there; tf.keras and Keras 3 read the
 * third argument as the strides and refuse `border_mode`. NormLens reads a call as Keras 1 only
 * where that is certain (src/core/frameworks/keras/runtime.ts, `legacyArgs`).
 */
export interface LegacyLayer {
	/** Keras 1's positional arguments, in order; a `kernel:` entry joins the named ones into kernel_size. */
	positional: string[];
	/** Keras 1 keyword → Keras 2 keyword. */
	renames: Record<string, string>;
	/** Keyword names only Keras 1 has (their presence makes a call Keras 1). */
	only: string[];
}

const convRenames = {
	nb_filter: 'filters',
	border_mode: 'padding',
	subsample: 'strides',
	subsample_length: 'strides',
	filter_length: 'kernel_size',
	init: 'kernel_initializer',
	W_regularizer: 'kernel_regularizer',
	b_regularizer: 'bias_regularizer',
	W_constraint: 'kernel_constraint',
	b_constraint: 'bias_constraint',
	bias: 'use_bias',
	dim_ordering: 'data_format',
	atrous_rate: 'dilation_rate',
};
const convOnly = [
	'nb_filter',
	'nb_row',
	'nb_col',
	'border_mode',
	'subsample',
	'subsample_length',
	'filter_length',
	'init',
	'W_regularizer',
	'b_regularizer',
	'W_constraint',
	'b_constraint',
	'bias',
	'dim_ordering',
	'atrous_rate',
	'kernel_dim1',
	'kernel_dim2',
	'kernel_dim3',
];
const poolRenames = {
	border_mode: 'padding',
	dim_ordering: 'data_format',
	pool_length: 'pool_size',
	stride: 'strides',
};

export const LEGACY_LAYERS: Readonly<Record<string, LegacyLayer>> = {
	Conv1D: { positional: ['filters', 'kernel_size'], renames: convRenames, only: convOnly },
	Conv2D: {
		positional: ['filters', 'kernel:nb_row', 'kernel:nb_col'],
		renames: convRenames,
		only: convOnly,
	},
	Conv3D: {
		positional: ['filters', 'kernel:kernel_dim1', 'kernel:kernel_dim2', 'kernel:kernel_dim3'],
		renames: convRenames,
		only: convOnly,
	},
	Dense: {
		positional: ['units'],
		renames: {
			output_dim: 'units',
			init: 'kernel_initializer',
			W_regularizer: 'kernel_regularizer',
			b_regularizer: 'bias_regularizer',
			W_constraint: 'kernel_constraint',
			b_constraint: 'bias_constraint',
			bias: 'use_bias',
		},
		only: [
			'output_dim',
			'init',
			'W_regularizer',
			'b_regularizer',
			'W_constraint',
			'b_constraint',
			'bias',
		],
	},
	MaxPooling1D: {
		positional: ['pool_size', 'strides', 'padding'],
		renames: poolRenames,
		only: ['border_mode', 'pool_length', 'stride'],
	},
	MaxPooling2D: {
		positional: ['pool_size', 'strides', 'padding'],
		renames: poolRenames,
		only: ['border_mode', 'dim_ordering'],
	},
	AveragePooling2D: {
		positional: ['pool_size', 'strides', 'padding'],
		renames: poolRenames,
		only: ['border_mode', 'dim_ordering'],
	},
	Dropout: { positional: ['rate'], renames: { p: 'rate' }, only: ['p'] },
	BatchNormalization: {
		positional: [],
		renames: { beta_init: 'beta_initializer', gamma_init: 'gamma_initializer' },
		only: ['mode', 'beta_init', 'gamma_init'],
	},
	LSTM: {
		positional: ['units'],
		renames: {
			output_dim: 'units',
			init: 'kernel_initializer',
			inner_init: 'recurrent_initializer',
			W_regularizer: 'kernel_regularizer',
			U_regularizer: 'recurrent_regularizer',
			b_regularizer: 'bias_regularizer',
			dropout_W: 'dropout',
			dropout_U: 'recurrent_dropout',
		},
		only: [
			'output_dim',
			'init',
			'inner_init',
			'W_regularizer',
			'U_regularizer',
			'b_regularizer',
			'dropout_W',
			'dropout_U',
		],
	},
	GRU: {
		positional: ['units'],
		renames: {
			output_dim: 'units',
			init: 'kernel_initializer',
			inner_init: 'recurrent_initializer',
			W_regularizer: 'kernel_regularizer',
			U_regularizer: 'recurrent_regularizer',
			b_regularizer: 'bias_regularizer',
			dropout_W: 'dropout',
			dropout_U: 'recurrent_dropout',
		},
		only: [
			'output_dim',
			'init',
			'inner_init',
			'W_regularizer',
			'U_regularizer',
			'b_regularizer',
			'dropout_W',
			'dropout_U',
		],
	},
	SimpleRNN: {
		positional: ['units'],
		renames: {
			output_dim: 'units',
			init: 'kernel_initializer',
			inner_init: 'recurrent_initializer',
			W_regularizer: 'kernel_regularizer',
			U_regularizer: 'recurrent_regularizer',
			b_regularizer: 'bias_regularizer',
			dropout_W: 'dropout',
			dropout_U: 'recurrent_dropout',
		},
		only: [
			'output_dim',
			'init',
			'inner_init',
			'W_regularizer',
			'U_regularizer',
			'b_regularizer',
			'dropout_W',
			'dropout_U',
		],
	},
};

/** Keras 1's `dim_ordering` values as Keras 2's `data_format`. */
export function legacyValue(keyword: string, v: Value): Value {
	if (keyword === 'dim_ordering' && v.k === 'str') {
		return v.v === 'th'
			? { k: 'str', v: 'channels_first' }
			: v.v === 'tf'
				? { k: 'str', v: 'channels_last' }
				: { k: 'none' };
	}
	return v;
}

/**
 * Whether a source is written for Keras 1: its signals are names only Keras 1 has — `border_mode=`,
 * `nb_epoch=`, `subsample=`, `W_regularizer=`, `dim_ordering=`, `nb_filter=`, `image_dim_ordering()`.
 * (`keras.layers.normalization` / `convolutional` and `output_dim=`, an Embedding argument, exist in
 * Keras 2 too.)
 */
export function writtenForKeras1(text: string): boolean {
	return /\b(border_mode|nb_epoch|subsample|W_regularizer|dim_ordering|nb_filter|nb_row|nb_col)\s*=|image_dim_ordering\s*\(/.test(
		text,
	);
}
