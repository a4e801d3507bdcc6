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
		'crelu',
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
	]),
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
	return parts[1] === 'nn' && !['sigmoid', 'tanh', 'l2_normalize'].includes(name)
		? `tf.nn.${name}`
		: `tf.math.${name}`;
}
