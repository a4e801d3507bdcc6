// Where a call path lands in Keras: the part below `keras`, and what the runtime needs of it.
import { kerasLayerSpec } from './catalogue';
import { SHAPE_KEEPING } from './shapeKeeping';

/**
 * The part of an import path below `keras` (`tensorflow.keras.layers.Dense` → `layers.Dense`), or
 * `undefined` when the path is not Keras.
 */
export function kerasSubpath(path: string): readonly string[] | undefined {
	const parts = path.split('.');
	const skip = (...names: string[]) => {
		if (names.includes(parts[0])) {
			parts.shift();
			return true;
		}
		return false;
	};
	// TensorFlow 2.0 / 2.1 installed itself as `tensorflow_core`, whose tf.keras notebooks import
	// from `tensorflow_core.python.keras.api._v2.keras.models`: tf.keras under its build path.
	if (skip('tensorflow', 'tf', 'tensorflow_core')) {
		skip('python');
		// TensorFlow 2's `tf.compat.v1.keras` is TensorFlow 1's tf.keras, whose layers may differ
		// from TensorFlow 2's of the same name (GRU's `reset_after`): read there only the layers TF 2
		// has under no other name.
		if (parts[0] === 'compat' && parts[1] === 'v1' && parts[2] === 'keras') {
			if (!['CuDNNLSTM', 'CuDNNGRU'].includes(parts[parts.length - 1] ?? '')) {
				return undefined;
			}
			parts.splice(0, 2);
		}
	}
	if (!skip('keras', 'tf_keras')) {
		return undefined;
	}
	if (parts[0] === 'api' && /^_v[12]$/.test(parts[1] ?? '') && parts[2] === 'keras') {
		parts.splice(0, 3);
	}
	skip('src');
	// Keras 3's `keras.ops.nn.relu` / `keras.ops.numpy.add` are `keras.ops.relu` / `keras.ops.add`.
	if (parts[0] === 'ops' && parts.length === 3 && OPS_SUBMODULES.has(parts[1])) {
		parts.splice(1, 1);
	}
	return parts;
}

const OPS_SUBMODULES = new Set(['nn', 'numpy', 'math', 'core', 'linalg', 'image']);

/**
 * Where a function that makes a tensor from a shape takes that shape (`tf.zeros((1, 28, 28))`,
 * `np.random.normal(0, 1, size=(64, 10))`): its position and keyword, or every positional argument
 * (`np.random.rand(100, 28)`). NumPy's random functions put the size after their parameters, and
 * without one return a Python float, not an array.
 */
export type ShapeArgument = { position: number; keyword: string } | 'varargs';

const SHAPE_FIRST: ShapeArgument = { position: 0, keyword: 'shape' };
const SIZE_FIRST: ShapeArgument = { position: 0, keyword: 'size' };
const SIZE_THIRD: ShapeArgument = { position: 2, keyword: 'size' };

/** The functions that make a tensor (or a NumPy array) of a given shape, by normalised path (`concretePath`). */
const CONCRETE_TENSORS: Readonly<Record<string, ShapeArgument>> = {
	'numpy.zeros': SHAPE_FIRST,
	'numpy.ones': SHAPE_FIRST,
	'numpy.empty': SHAPE_FIRST,
	'numpy.full': SHAPE_FIRST,
	'numpy.random.rand': 'varargs',
	'numpy.random.randn': 'varargs',
	'numpy.random.normal': SIZE_THIRD,
	'numpy.random.uniform': SIZE_THIRD,
	'numpy.random.randint': SIZE_THIRD,
	'numpy.random.random': SIZE_FIRST,
	'numpy.random.random_sample': SIZE_FIRST,
	'numpy.random.standard_normal': SIZE_FIRST,
	'tf.zeros': SHAPE_FIRST,
	'tf.ones': SHAPE_FIRST,
	'tf.random.normal': SHAPE_FIRST,
	'tf.random.uniform': SHAPE_FIRST,
	'tf.random.truncated_normal': SHAPE_FIRST,
	'K.zeros': SHAPE_FIRST,
	'K.ones': SHAPE_FIRST,
	'K.random_normal': SHAPE_FIRST,
	'K.random_uniform': SHAPE_FIRST,
	'ops.zeros': SHAPE_FIRST,
	'ops.ones': SHAPE_FIRST,
	'ops.empty': SHAPE_FIRST,
	'ops.full': SHAPE_FIRST,
	'keras.random.normal': SHAPE_FIRST,
	'keras.random.uniform': SHAPE_FIRST,
	'keras.random.truncated_normal': SHAPE_FIRST,
};

/** `np.zeros` → `numpy.zeros`, `tf.keras.backend.zeros` → `K.zeros`, `keras.ops.ones` → `ops.ones`. */
function concretePath(path: string): string {
	return path
		.replace(/^np\./, 'numpy.')
		.replace(/^(?:tensorflow\.|tf\.)?keras\.backend\./, 'K.')
		.replace(/^(?:tensorflow\.|tf\.)?keras\.ops\./, 'ops.')
		.replace(/^(?:tensorflow\.|tf\.)keras\.random\./, 'keras.random.')
		.replace(/^tensorflow\./, 'tf.');
}

/** A 1-D tensor of evenly spaced values (`tf.range(…)`, `keras.ops.arange(…)`): positions, in a layer's call. */
export const rangeTensor =
	/^(?:(?:tensorflow|tf)\.range|(?:tensorflow\.|tf\.)?keras\.ops\.arange)$/;

/** Whether a call path names a shape-keeping function (`tensorflow.nn.relu`, `keras.ops.relu`). */
function shapeKeepingCall(path: string): boolean {
	const parts = path.split('.');
	if (parts[0] === 'tensorflow' || parts[0] === 'tf') {
		if (parts.length === 2) {
			return SHAPE_KEEPING.tf.has(parts[1]);
		}
		if (
			parts.length === 3 &&
			(parts[1] === 'nn' || parts[1] === 'math' || parts[1] === 'linalg')
		) {
			return SHAPE_KEEPING[parts[1]].has(parts[2]);
		}
	}
	const sub = kerasSubpath(path);
	if (sub?.[0] === 'applications' && sub[sub.length - 1] === 'preprocess_input') {
		return true; // keras.applications.<model>.preprocess_input scales pixel values
	}
	return (
		sub?.length === 2 &&
		(sub[0] === 'activations' || sub[0] === 'ops' || sub[0] === 'backend') &&
		SHAPE_KEEPING[sub[0]].has(sub[1])
	);
}

/** What callRef needs to know of a call path, memoised: a 5,000-line model makes thousands of calls through a few dozen paths. */
const callPaths = new Map<
	string,
	{ concrete: ShapeArgument | undefined; keepsShape: boolean; sub: readonly string[] | undefined }
>();

export function callPath(path: string): {
	/** For a function that makes a tensor from a shape, where it takes the shape. */
	concrete: ShapeArgument | undefined;
	keepsShape: boolean;
	sub: readonly string[] | undefined;
} {
	let info = callPaths.get(path);
	if (info === undefined) {
		info = {
			concrete: CONCRETE_TENSORS[concretePath(path)],
			keepsShape: shapeKeepingCall(path),
			sub: kerasSubpath(path),
		};
		if (callPaths.size < 4096) {
			callPaths.set(path, info);
		}
	}
	return info;
}

/** Whether a module path below `keras` is `layers`, the namespace of the layer classes and functions. */
export function isLayerNamespace(module: readonly string[]): boolean {
	return module[0] === 'layers';
}

/**
 * Whether a call path names a plain function of TensorFlow or of Keras's backend, ops, losses,
 * metrics or activations (`keras.backend.ctc_batch_cost`, `tf.nn.ctc_loss`): it computes tensors
 * but makes no layer and holds no weight. Classes (`tf.Variable`, `keras.layers.Dense`) are not.
 */
export function isPlainFunction(path: string): boolean {
	const parts = path.split('.');
	const name = parts[parts.length - 1];
	if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
		return false;
	}
	const sub = kerasSubpath(path);
	if (sub) {
		return (
			sub.length >= 2 &&
			['backend', 'ops', 'losses', 'metrics', 'activations'].includes(sub[0])
		);
	}
	return parts[0] === 'tensorflow' || parts[0] === 'tf';
}

/** What `keras.models` defines besides classes NormLens reads elsewhere. */
const MODELS_NAMES = new Set([
	'Model',
	'Functional',
	'Input',
	'Sequential',
	'load_model',
	'save_model',
	'clone_model',
	'model_from_json',
	'model_from_yaml',
	'model_from_config',
]);

/**
 * Whether a Keras module imported with `*` defines `name`, where NormLens knows: `keras.layers`
 * defines the layers of the catalogue and the merge functions; `keras.applications.vgg16` its
 * builders (`VGG16`), `preprocess_input` and `decode_predictions`, and no other class; `keras.models`
 * `Model`, `Sequential` and its functions, and no layer. Undefined for anything else (a layer
 * NormLens does not know may still be there).
 */
export function kerasExports(module: string, name: string): boolean | undefined {
	const sub = kerasSubpath(module);
	if (!sub) {
		return undefined;
	}
	const layer = kerasLayerSpec(name) !== undefined;
	if (sub.length === 1 && sub[0] === 'layers') {
		return layer || name in MERGE_FUNCTIONS || name === 'Input' ? true : undefined;
	}
	if (sub.length === 1 && sub[0] === 'models') {
		return MODELS_NAMES.has(name) ? true : layer ? false : undefined;
	}
	if (sub.length === 2 && sub[0] === 'applications') {
		if (name === 'preprocess_input' || name === 'decode_predictions') {
			return true;
		}
		const family = sub[1].replace(/_/g, '');
		return /^[A-Z]/.test(name) ? name.toLowerCase().startsWith(family) : undefined;
	}
	return undefined;
}

/**
 * `keras.layers.add([a, b])` and its kin: the layers' functional forms, by the layer each builds
 * and calls at once (KerasRuntime.callRef).
 */
export const MERGE_FUNCTIONS: Readonly<Record<string, string>> = {
	add: 'Add',
	subtract: 'Subtract',
	multiply: 'Multiply',
	average: 'Average',
	maximum: 'Maximum',
	minimum: 'Minimum',
	concatenate: 'Concatenate',
	dot: 'Dot',
};
