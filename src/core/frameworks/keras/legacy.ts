// Keras 1's API: per layer, its positional arguments and keyword renames; a call read as Keras 1.
import type { CallArgs, CallContext } from '../../python/interpreter';
import { asInt, asString, tuple, Value } from '../../python/values';
import type { KerasLayerSpec } from './catalogue';
import type { KerasSession } from './session';

/**
 * Keras 1's API, as Keras 2.0–2.3's legacy interfaces converted it (keras/legacy/interfaces.py),
 * which is Keras 1's meaning: per layer, the Keras 1 positional arguments and the keyword renames.
 * `Convolution2D(32, 3, 3, border_mode='same')` is a 3×3 kernel there; tf.keras and Keras 3 read the
 * third argument as the strides and refuse `border_mode`. NormLens reads a call as Keras 1 only
 * where that is certain (`legacyArgs`, below).
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

/** Keras 1's recurrent layers (LSTM, GRU, SimpleRNN) share their keywords. */
const recurrent: LegacyLayer = {
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
	LSTM: recurrent,
	GRU: recurrent,
	SimpleRNN: recurrent,
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
 * What says a source is written for Keras 1: names only Keras 1 has — `border_mode=`,
 * `nb_epoch=`, `subsample=`, `W_regularizer=`, `dim_ordering=`, `nb_filter=`, `image_dim_ordering()`.
 * (`keras.layers.normalization` / `convolutional` and `output_dim=`, an Embedding argument, exist in
 * Keras 2 too.)
 */
export const KERAS1_SIGNAL =
	/\b(border_mode|nb_epoch|subsample|W_regularizer|dim_ordering|nb_filter|nb_row|nb_col)\s*=|image_dim_ordering\s*\(/;

/**
 * A layer call in Keras 1's API (LEGACY_LAYERS) read with Keras 1's meaning, where that is
 * certain: a Keras-1-only keyword (`border_mode=`), or Keras 1's positional kernel
 * (`Convolution2D(32, 3, 3)`) in a file written for Keras 1. tf.keras refuses those keywords;
 * the positional form alone, in a file with no other sign, is 3×3 in Keras 1–2.3 and strides 3 in
 * Keras 3 — both are a reason, not a guess. Keras 1 convolutions and pools without
 * `dim_ordering` take it from keras.json unless the code sets it.
 */
export function legacyArgs(
	s: KerasSession,
	path: string,
	spec: KerasLayerSpec,
	args: CallArgs,
	ctx: CallContext,
): { args: CallArgs } | { reason: string; severity?: 'info' } {
	const table = LEGACY_LAYERS[spec.name];
	if (!table) {
		return { args };
	}
	const a = args.positional;
	const keywords = [...args.keywords.keys()];
	const k1Keyword = keywords.find((k) => table.only.includes(k));
	const kernelParts = table.positional.filter((p) => p.startsWith('kernel:')).length;
	const k1Positional =
		kernelParts > 1 &&
		a.length >= 1 + kernelParts &&
		a.slice(1, 1 + kernelParts).every((v) => asInt(v) !== undefined);
	const tf = /^(tensorflow|tf_keras)\./.test(path);
	const shown = `${spec.name}(${[...a.map((v) => (v.k === 'num' ? String(v.v) : '…')), ...keywords.map((k) => `${k}=…`)].join(', ')})`;
	if (k1Keyword && tf) {
		return {
			reason: `\`${k1Keyword}\` is Keras 1's API, which tf.keras does not take: ${shown} raises a TypeError there`,
		};
	}
	const version = s.dialect.version;
	const fourPerFeature = version !== undefined && (version[0] > 1 || version[1] >= 2);
	if (spec.name === 'BatchNormalization' && (s.keras1 || k1Keyword) && !fourPerFeature) {
		// Keras 1.0–1.1 printed 2 parameters per feature (γ, β), Keras 1.2 and 2 print 4 (with the moving statistics).
		return {
			reason: 'Keras 1.0–1.1 counts 2 parameters per feature of a BatchNormalization (γ, β), Keras 1.2 and later 4 (with the moving statistics), and this code is written for Keras 1',
			severity: 'info',
		};
	}
	// Keras 1 and standalone Keras 2.0–2.3 (its legacy interfaces) read `Conv2D(32, 3, 3)` as 3×3.
	const positionalKernel = s.keras1 || s.dialect.naming === 'legacy';
	// A printed version or layout of Keras 2.4 or later reads the third positional as strides.
	const late = version !== undefined && version[0] === 2 && version[1] >= 4;
	if (!k1Keyword && !(k1Positional && positionalKernel)) {
		if (k1Positional && !tf && !late) {
			return {
				reason: s.dialect.keras2Only
					? `${shown} has a 3×3-style kernel in standalone Keras 2.0–2.3 but strides from TensorFlow 2.4's keras on, and ${s.dialect.evidence}`
					: `${shown} has a 3×3-style kernel in Keras 1 and Keras 2.0–2.3 but strides in Keras 3, and nothing else in this file says which Keras runs it`,
			};
		}
		return { args };
	}
	if (spec.name === 'BatchNormalization' && (asInt(args.keywords.get('mode')) ?? 0) !== 0) {
		return {
			reason: `Keras 1's BatchNormalization(mode=${asInt(args.keywords.get('mode')) ?? '?'}) normalizes per sample; NormLens reads mode=0 only`,
		};
	}
	if (asString(args.keywords.get('border_mode')) === 'full') {
		return {
			reason: `Keras 1's border_mode='full' (Theano only) has no Keras 2 equivalent NormLens reads`,
		};
	}
	const keywordsOut = new Map<string, Value>();
	const kernel: Value[] = [];
	a.forEach((v, i) => {
		const p = table.positional[i];
		if (p?.startsWith('kernel:')) {
			kernel.push(v);
		} else if (p) {
			keywordsOut.set(p, v);
		}
	});
	for (const [k, v] of args.keywords) {
		if (k === 'nb_row' || k === 'nb_col' || k.startsWith('kernel_dim')) {
			kernel.push(v);
		} else if (k !== 'mode') {
			keywordsOut.set(table.renames[k] ?? k, legacyValue(k, v));
		}
	}
	if (kernel.length > 0) {
		keywordsOut.set('kernel_size', tuple(kernel));
	}
	if (
		// Keras 1's Convolution1D and 1-D poolings have no dim_ordering: channels last.
		['Conv2D', 'Conv3D', 'MaxPooling2D', 'AveragePooling2D'].includes(spec.name) &&
		!keywordsOut.has('data_format')
	) {
		keywordsOut.set(
			'data_format',
			s.keras1Ordering ??
				// Keras 2 converting a Keras 1 call leaves data_format None: its default, as any call's.
				(s.keras1
					? {
							k: 'unknown',
							cause: {
								reason: `Keras 1 takes the image dimension ordering of ${spec.name} from ~/.keras/keras.json (image_dim_ordering), which this code does not set`,
								range: ctx.range(args.node),
							},
						}
					: s.imageDataFormat),
		);
	}
	return { args: { ...args, positional: [], keywords: keywordsOut } };
}
