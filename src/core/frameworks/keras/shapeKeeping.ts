// TensorFlow, keras.ops and Keras backend functions that keep their argument's shape, and their tf.keras 2 row names.
/**
 * Functions that keep their first argument's shape, by namespace: `tf.nn.relu(x)` and
 * `keras.ops.relu(x)` inside a layer's `call`, or between layers. Like `x + y`, they make no layer
 * (no row, no weights); the tensor they return carries the shape on.
 */
export const SHAPE_KEEPING: Readonly<Record<string, ReadonlySet<string>>> = {
	nn: new Set([
		'relu',
		'relu6',
		'elu',
		'selu',
		'gelu',
		'silu',
		'swish',
		'sigmoid',
		'tanh',
		'softplus',
		'softsign',
		'leaky_relu',
		'softmax',
		'log_softmax',
		'dropout',
		'l2_normalize',
		// AlexNet-style LRN across channels keeps the shape.
		'local_response_normalization',
	]),
	// `tf.linalg.band_part(tf.ones((n, n)), -1, 0)`: a look-ahead mask of its input's shape.
	// `tf.linalg.l2_normalize` is `tf.math.l2_normalize` (the two-tower recommender's towers).
	linalg: new Set(['band_part', 'l2_normalize']),
	math: new Set([
		'abs',
		'exp',
		'log',
		'sqrt',
		'rsqrt',
		'square',
		'negative',
		'sigmoid',
		'tanh',
		'softplus',
		'reciprocal',
		'sign',
		'round',
		'floor',
		'ceil',
		'l2_normalize',
		'sin',
		'cos',
		'erf',
		'log1p',
		'expm1',
		'cumsum',
		'cumprod',
		'logical_not',
		'is_nan',
		'is_finite',
		'softsign',
	]),
	tf: new Set([
		'identity',
		'stop_gradient',
		'abs',
		'exp',
		'sqrt',
		'square',
		'tanh',
		'sigmoid',
		'negative',
		'cast',
		'clip_by_value',
		'clip_by_norm',
		'reverse',
		'roll',
		'sort',
		'argsort',
		'zeros_like',
		'ones_like',
		'sign',
		'round',
		'floor',
		'ceil',
		'log',
		'reciprocal',
		'rsqrt',
		'sin',
		'cos',
		'cumsum',
		'cumprod',
	]),
	activations: new Set([
		'relu',
		'relu6',
		'elu',
		'selu',
		'gelu',
		'silu',
		'swish',
		'sigmoid',
		'hard_sigmoid',
		'hard_silu',
		'hard_swish',
		'tanh',
		'softplus',
		'softsign',
		'leaky_relu',
		'mish',
		'softmax',
		'log_softmax',
		'linear',
		'exponential',
	]),
	// keras.backend (Keras 2's `K`): `K.exp(z_log_var)` in a VAE's sampling function.
	backend: new Set([
		'relu',
		'elu',
		'sigmoid',
		'hard_sigmoid',
		'tanh',
		'softplus',
		'softsign',
		'softmax',
		'abs',
		'exp',
		'log',
		'sqrt',
		'square',
		'sign',
		'round',
		'cast',
		'clip',
		'stop_gradient',
		'identity',
		// `Lambda(lambda x: K.dropout(x, level=0.5))`: Monte Carlo dropout keeps the shape.
		'dropout',
	]),
	ops: new Set([
		'relu',
		'relu6',
		'elu',
		'selu',
		'gelu',
		'silu',
		'swish',
		'sigmoid',
		'hard_sigmoid',
		'tanh',
		'softplus',
		'softsign',
		'leaky_relu',
		'softmax',
		'log_softmax',
		'abs',
		'exp',
		'log',
		'sqrt',
		'rsqrt',
		'square',
		'negative',
		'cast',
		'clip',
		'stop_gradient',
		'sin',
		'cos',
		'log1p',
		'expm1',
		'floor',
		'ceil',
		'round',
		'sign',
		'erf',
		'reciprocal',
		'flip',
		'roll',
		'sort',
		'argsort',
		'tril',
		'triu',
		'zeros_like',
		'ones_like',
		'logical_not',
		'log_sigmoid',
		'normalize',
	]),
};

/**
 * tf.keras 2's TFOpLambda name for a shape-keeping TensorFlow function: its canonical API name —
 * `tf.square` and `tf.nn.sigmoid` are `tf.math.square` and `tf.math.sigmoid`, `tf.nn.relu` stays.
 * Keras's own functions (`keras.activations.relu`) have none: undefined.
 */
export function shapeKeepingLayerName(path: string): string | undefined {
	const parts = path.split('.');
	if (parts[0] !== 'tensorflow' && parts[0] !== 'tf') {
		return undefined;
	}
	const name = parts[parts.length - 1];
	if (parts.length === 2) {
		return SHAPE_KEEPING.math.has(name) ? `tf.math.${name}` : `tf.${name}`;
	}
	if (parts[1] === 'linalg') {
		return SHAPE_KEEPING.math.has(name) ? `tf.math.${name}` : `tf.linalg.${name}`;
	}
	return parts[1] === 'nn' && !['sigmoid', 'tanh', 'l2_normalize'].includes(name)
		? `tf.nn.${name}`
		: `tf.math.${name}`;
}
