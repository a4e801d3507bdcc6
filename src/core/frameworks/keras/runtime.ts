import type { SummarySnapshot } from '../../notebook/printedSummary';
import { KerasDialect, kerasDialect } from './dialect';
import { kerasLayerOrder } from './graphOrder';
import {
	TensorOp,
	tensorOpResult,
	TF_OP_LAYER_NAMES,
	TF_OPERATOR_LAYER_NAMES,
	TF_OPS,
} from './ops';
import { LEGACY_LAYERS, legacyValue } from './legacy';
import type { Finding } from '../../diagnostics/group';
import type {
	LayerSummary,
	ModelSummary,
	Shape,
	TextRange,
	WeightInfo,
} from '../../../protocol/analysis';
import type { CallArgs, CallContext, Runtime } from '../../python/interpreter';
import type { CallSites } from '../../python/parse';
import {
	asInt,
	asSequence,
	asString,
	Cause,
	causeOf,
	ClassValue,
	findMethod,
	firstCause,
	FrameworkObject,
	NONE,
	toJson,
	tuple,
	unknown,
	UNKNOWN,
	Value,
} from '../../python/values';
import { fromDefault, REQUIRED, ShapeError, totals } from '../common/spec';
import { KerasLayerSpec, kerasLayerSpec } from './catalogue';
import { axesOf, channelAxis, kerasOutputShape, kerasWeights, LayerConfig } from './rules';

/** Where a call's arguments sit in the source, for quick fixes that edit them. */

export class KerasLayer implements FrameworkObject {
	readonly framework = 'keras';
	readonly kind = 'layer';
	unknownCause?: Cause;
	taint?: Cause;
	trainable = true;
	built = false;
	inputShapes: Shape[] | null = null;
	outputShape: Shape | null = null;
	weights: WeightInfo[] | null = null;
	inbound: KerasLayer[] = [];
	/** Input shape declared on the layer itself (`input_shape=`), used by Sequential. */
	declaredInput: Shape | undefined;
	/** Built by a bundled model zoo's code (keras.applications): its findings are not the user's to fix. */
	library = false;
	/** How often the layer was called on tensors, and its first output (`layer.output`). */
	calls = 0;
	firstOutput: KerasTensor | undefined;
	/** A model used as a layer (`base(inputs)`): its weights are the nested model's. */
	nested: KerasModel | undefined;

	constructor(
		readonly type: string,
		readonly name: string,
		readonly spec: KerasLayerSpec | undefined,
		readonly config: LayerConfig,
		readonly range: TextRange,
		/** Where a quick fix edits the constructor call; undefined for layers built by a local module's code. */
		readonly sites: CallSites | undefined,
	) {}

	setAttr(name: string, value: Value): void {
		if (name === 'trainable' && value.k === 'bool') {
			this.trainable = value.v;
		}
	}
}

export class KerasTensor implements FrameworkObject {
	readonly framework = 'keras';
	readonly kind = 'tensor';
	constructor(
		readonly id: number,
		readonly shape: Shape | null,
		/** The layer that made it; `null` for concrete tensors (`tf.zeros(…)`). */
		readonly producer: KerasLayer | null,
		readonly inputs: KerasTensor[],
		/** Made by a call NormLens cannot follow (`base(x)` with `base` unknown): what was called, and where. */
		readonly opaque?: { what: string; range: TextRange; cause?: Cause },
	) {}
}

/** An initializer object (`tf.random_normal_initializer()`): calling it with a shape makes a tensor of that shape. */
export class KerasInitializer implements FrameworkObject {
	readonly framework = 'keras';
	readonly kind = 'initializer';
}

/**
 * A variable a custom layer or model holds: `tf.Variable(…)` / `keras.Variable(…)`, or what
 * `add_weight` returns. Keras tracks it as a weight of the layer it is assigned to; a shape NormLens
 * cannot determine makes that layer's weights unknown.
 */
export class KerasVariable implements FrameworkObject {
	readonly framework = 'keras';
	readonly kind = 'variable';
	/** Registered by add_weight already (an attribute assignment does not count it twice). */
	registered = false;
	constructor(
		readonly shape: Shape | null,
		readonly trainable: boolean,
		readonly range: TextRange,
		readonly cause?: Cause,
	) {}
}

export class KerasModel implements FrameworkObject {
	readonly framework = 'keras';
	readonly kind = 'model';
	unknownCause?: Cause;
	taint?: Cause;
	trainable = true;
	layers: KerasLayer[] = [];
	inputShape: Shape | undefined;
	/** Subclassed models: built by a call; a keras.layers.Layer subclass is not a model of its own. */
	built = false;
	isLayer = false;
	outputShape: Shape | null = null;
	inputs: KerasTensor[] = [];
	outputs: KerasTensor[] = [];
	/** The builder function or class a library file defines this model with, when NormLens called it. */
	definedAt: TextRange | undefined;
	/** Why the layers found between inputs and outputs may not be all of the model (its totals are then unknown). */
	unfollowed: { what: string; range: TextRange; cause?: Cause } | undefined;

	pyClass?: ClassValue;
	/** Weights a subclass creates itself (`self.add_weight(…)`, `self.w = tf.Variable(…)`), besides its layers'. */
	readonly ownWeights: WeightInfo[] = [];
	/** Built by a bundled model zoo's code (keras.applications). */
	library = false;
	/** The lists, tuples and dicts a subclass holds as attributes: Keras tracks the layers in them (trackContainers). */
	readonly tracked: { name: string; value: Value }[] = [];
	/** Where a Sequential was made: its custom layers are built (their `build` and `call` run) with this context. */
	buildContext: { ctx: CallContext; node: CallArgs['node'] } | undefined;
	/** Whether `build(input_shape)` ran (Keras calls it once, on the first call). */
	buildRan = false;

	constructor(
		readonly modelKind: 'sequential' | 'functional' | 'subclass',
		readonly name: string,
		public varName: string | undefined,
		readonly range: TextRange,
		/** Built at module level (not inside a function that returns it). */
		readonly createdAtTop: boolean,
	) {}

	setAttr(name: string, value: Value): void {
		if (name === 'trainable' && value.k === 'bool') {
			this.setTrainable(value.v);
		}
	}

	/**
	 * Keras's `trainable` setter: the model and every layer in it, nested models too. A layer in a
	 * frozen model stays frozen when another model is built from the same tensors.
	 */
	setTrainable(v: boolean, seen = new Set<KerasModel>()): void {
		if (seen.has(this)) {
			return;
		}
		seen.add(this);
		this.trainable = v;
		for (const l of this.layers) {
			l.trainable = v;
			l.nested?.setTrainable(v, seen);
		}
	}
}

const snakeCases = new Map<string, string>();

/** Keras's `to_snake_case`, which names layers `batch_normalization`, `conv2d`, `re_lu` (memoised: a few class names, thousands of layers). */
export function toSnakeCase(name: string): string {
	let snake = snakeCases.get(name);
	if (snake === undefined) {
		snake = name
			.replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
			.replace(/([a-z])([A-Z])/g, '$1_$2')
			.toLowerCase();
		if (snakeCases.size < 4096) {
			snakeCases.set(name, snake);
		}
	}
	return snake;
}

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
	if (skip('tensorflow', 'tf')) {
		skip('python');
	}
	if (!skip('keras', 'tf_keras')) {
		return undefined;
	}
	skip('src');
	return parts;
}

/** A tensor built from a shape (`tf.zeros((1, 28, 28))`, `np.random.normal(size=…)`): an example input. */
const concreteTensor =
	/^(tensorflow|tf|numpy|np|keras\.ops|tensorflow\.random|tf\.random|numpy\.random)\.(zeros|ones|random\.normal|random\.uniform|normal|uniform|rand|randn|empty)$/;

/**
 * Functions that keep their first argument's shape, by namespace: `tf.nn.relu(x)` and
 * `keras.ops.relu(x)` inside a layer's `call`, or between layers. Like `x + y`, they make no layer
 * (no row, no weights); the tensor they return carries the shape on.
 */
const shapeKeeping: Record<string, ReadonlySet<string>> = {
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

/** Whether a call path names a shape-keeping function (`tensorflow.nn.relu`, `keras.ops.relu`). */
function shapeKeepingCall(path: string): boolean {
	const parts = path.split('.');
	if (parts[0] === 'tensorflow' || parts[0] === 'tf') {
		if (parts.length === 2) {
			return shapeKeeping.tf.has(parts[1]);
		}
		if (parts.length === 3 && (parts[1] === 'nn' || parts[1] === 'math')) {
			return shapeKeeping[parts[1]].has(parts[2]);
		}
	}
	const sub = kerasSubpath(path);
	if (sub?.[0] === 'applications' && sub[sub.length - 1] === 'preprocess_input') {
		return true; // keras.applications.<model>.preprocess_input scales pixel values
	}
	return (
		sub?.length === 2 &&
		(sub[0] === 'activations' || sub[0] === 'ops') &&
		shapeKeeping[sub[0]].has(sub[1])
	);
}

/**
 * tf.keras 2's TFOpLambda name for a shape-keeping TensorFlow function: its canonical API name —
 * `tf.square` and `tf.nn.sigmoid` are `tf.math.square` and `tf.math.sigmoid`, `tf.nn.relu` stays.
 * Keras's own functions (`keras.activations.relu`) have none: undefined.
 */
function shapeKeepingLayerName(path: string): string | undefined {
	const parts = path.split('.');
	if (parts[0] !== 'tensorflow' && parts[0] !== 'tf') {
		return undefined;
	}
	const name = parts[parts.length - 1];
	if (parts.length === 2) {
		return shapeKeeping.math.has(name) ? `tf.math.${name}` : `tf.${name}`;
	}
	return parts[1] === 'nn' && !['sigmoid', 'tanh', 'l2_normalize'].includes(name)
		? `tf.nn.${name}`
		: `tf.math.${name}`;
}

/** What callRef needs to know of a call path, memoised: a 5,000-line model makes thousands of calls through a few dozen paths. */
const callPaths = new Map<
	string,
	{ concrete: boolean; keepsShape: boolean; sub: readonly string[] | undefined }
>();

function callPath(path: string): {
	concrete: boolean;
	keepsShape: boolean;
	sub: readonly string[] | undefined;
} {
	let info = callPaths.get(path);
	if (info === undefined) {
		info = {
			concrete: concreteTensor.test(path),
			keepsShape: shapeKeepingCall(path),
			sub: kerasSubpath(path),
		};
		if (callPaths.size < 4096) {
			callPaths.set(path, info);
		}
	}
	return info;
}

const mergeFunctions: Record<string, string> = {
	add: 'Add',
	subtract: 'Subtract',
	multiply: 'Multiply',
	average: 'Average',
	maximum: 'Maximum',
	minimum: 'Minimum',
	concatenate: 'Concatenate',
};

function isLayerNamespace(module: readonly string[]): boolean {
	return module[0] === 'layers';
}

/** Everything the Keras side of the interpreter knows about calls into `keras`. */
export class KerasRuntime implements Runtime {
	readonly layers: KerasLayer[] = [];
	readonly models: KerasModel[] = [];
	readonly diagnostics: Finding[] = [];
	private readonly counters = new Map<string, number>();
	private readonly modelLayers = new Map<KerasModel, KerasLayer>();
	/**
	 * Keras's global image data format, which layers built with `data_format=None` take at
	 * construction (`keras.backend.set_image_data_format`); `channels_last` in a fresh Keras.
	 */
	private imageDataFormat: Value = { k: 'str', v: 'channels_last' };
	/** Set by `K.set_image_dim_ordering(…)`: Keras 1's global ordering, unknown (keras.json) until the code sets it. */
	private keras1Ordering: Value | undefined;

	private readonly keras1: boolean;

	/** @param dialect which Keras the analysed source is written for (automatic names, Keras 1 arguments). */
	constructor(readonly dialect: KerasDialect = kerasDialect('')) {
		this.keras1 = dialect.keras1;
	}
	private tensorIds = 0;

	callRef(path: string, args: CallArgs, ctx: CallContext): Value | undefined {
		const { concrete, keepsShape, sub } = callPath(path);
		const first = args.positional[0] ?? args.keywords.get('x') ?? args.keywords.get('features');
		if (keepsShape && first?.k === 'obj' && first.obj instanceof KerasTensor) {
			const layer = this.opLayer(
				shapeKeepingLayerName(path),
				[first.obj],
				first.obj.shape,
				ctx.range(args.node),
			);
			return {
				k: 'obj',
				obj: new KerasTensor(this.tensorIds++, first.obj.shape, layer, [first.obj]),
			};
		}
		if (concrete) {
			const arg = args.positional[0] ?? args.keywords.get('shape');
			const dims = (asSequence(arg) ?? (arg ? [arg] : [])).map(asInt);
			if (dims.length > 0 && dims.every((d) => d !== undefined)) {
				return {
					k: 'obj',
					obj: new KerasTensor(this.tensorIds++, dims as Shape, null, []),
				};
			}
			return UNKNOWN;
		}
		const opPath = path
			.replace(/^(?:tensorflow|tf)\./, 'tf.')
			.replace(/^(?:tensorflow\.|tf\.)?keras\.ops\./, 'ops.');
		const op = TF_OPS[opPath];
		if (op) {
			const v = this.tensorOp(op, args, TF_OP_LAYER_NAMES[opPath], ctx.range(args.node));
			if (v) {
				return v;
			}
		}
		// tf.Variable and tf's initializers live beside keras, not in it.
		const tfRoot = /^(?:tensorflow|tf)\.(Variable|[a-z_]+_initializer)$/.exec(path)?.[1];
		const parts = tfRoot ? [tfRoot] : sub;
		if (!parts || parts.length === 0) {
			return undefined;
		}
		const name = parts[parts.length - 1];
		const module = parts.slice(0, -1);
		if (
			(name.endsWith('_initializer') && module.length === 0) ||
			(module.length === 1 && module[0] === 'initializers' && /^[A-Z]/.test(name))
		) {
			// `tf.random_normal_initializer()`, `keras.initializers.GlorotUniform()`: called with a shape, a tensor of that shape.
			return { k: 'obj', obj: new KerasInitializer() };
		}
		if (name === 'Variable' && module.length === 0) {
			return this.variable(
				args.positional[0] ?? args.keywords.get('initial_value'),
				args.keywords.get('trainable'),
				args,
				ctx,
				'tf.Variable',
			);
		}
		if (name === 'Input' && (module.length === 0 || isLayerNamespace(module))) {
			return this.input(args, ctx);
		}
		if (name === 'Sequential' && (module.length === 0 || module[0] === 'models')) {
			return this.sequential(args, ctx);
		}
		if (name === 'Model' && (module.length === 0 || module[0] === 'models')) {
			return this.functional(args, ctx);
		}
		if (module[0] === 'backend' || module.join('.') === 'config') {
			// keras.backend.image_data_format() and friends: the global format, as set by the program.
			if (name === 'image_data_format') {
				return this.imageDataFormat;
			}
			if (name === 'set_image_data_format') {
				const v = args.positional[0] ?? args.keywords.get('data_format');
				this.imageDataFormat =
					v && (asString(v) === 'channels_first' || asString(v) === 'channels_last')
						? v
						: {
								k: 'unknown',
								cause: causeOf(v) ?? {
									reason: 'NormLens cannot tell which image data format this sets',
									range: ctx.range(args.node),
								},
							};
				return NONE;
			}
			if (name === 'set_image_dim_ordering' || name === 'image_dim_ordering') {
				// Keras 1: 'th' is channels first, 'tf' channels last.
				if (name === 'image_dim_ordering') {
					return this.keras1Ordering?.k === 'str'
						? { k: 'str', v: this.keras1Ordering.v === 'channels_first' ? 'th' : 'tf' }
						: UNKNOWN;
				}
				const v = asString(args.positional[0] ?? args.keywords.get('dim_ordering'));
				this.keras1Ordering =
					v === 'th' || v === 'tf'
						? { k: 'str', v: v === 'th' ? 'channels_first' : 'channels_last' }
						: {
								k: 'unknown',
								cause: {
									reason: 'NormLens cannot tell which dimension ordering this sets',
									range: ctx.range(args.node),
								},
							};
				this.imageDataFormat = this.keras1Ordering;
				return NONE;
			}
			if (
				name === 'clear_session' ||
				name === 'set_floatx' ||
				name === 'floatx' ||
				name === 'set_learning_phase' ||
				name === 'epsilon'
			) {
				return name === 'floatx'
					? { k: 'str', v: 'float32' }
					: name === 'epsilon'
						? { k: 'num', v: 1e-7 }
						: NONE;
			}
			if (name === 'int_shape') {
				const t = args.positional[0];
				return t?.k === 'obj' && t.obj instanceof KerasTensor && t.obj.shape
					? tuple(
							t.obj.shape.map((d) =>
								d === null ? NONE : ({ k: 'num', v: d } as Value),
							),
						)
					: UNKNOWN;
			}
			return undefined;
		}
		// keras.layers.add([a, b]) and friends: build the merge layer and call it at once.
		const merge =
			isLayerNamespace(module) || module.length === 0 ? mergeFunctions[name] : undefined;
		if (merge) {
			const spec = kerasLayerSpec(merge);
			const list = args.positional[0];
			const rest: CallArgs = { ...args, positional: args.positional.slice(1) };
			const layer = this.createLayer(merge, spec, rest, ctx);
			return list
				? this.callLayer(layer, { ...args, positional: [list], keywords: new Map() }, ctx)
				: UNKNOWN;
		}
		if (module.length === 0 || isLayerNamespace(module)) {
			const spec = kerasLayerSpec(name);
			if (spec) {
				const legacy = this.legacyArgs(path, spec, args, ctx);
				if ('reason' in legacy) {
					const layer = this.createLayer(name, undefined, args, ctx);
					layer.unknownCause = { reason: legacy.reason, range: layer.range };
					this.diagnostics.push({
						range: layer.range,
						severity: legacy.severity ?? 'warning',
						code: 'keras1-api',
						message: `${legacy.reason}.`,
					});
					return { k: 'obj', obj: layer };
				}
				return { k: 'obj', obj: this.createLayer(name, spec, legacy.args, ctx) };
			}
			if (/^[A-Z]/.test(name) && isLayerNamespace(module)) {
				const layer = this.createLayer(name, undefined, args, ctx);
				this.diagnostics.push({
					range: layer.range,
					severity: 'info',
					code: 'unknown-layer',
					message: `NormLens does not know the Keras layer \`${name}\` yet: its output shape and parameters are shown as unknown.`,
				});
				return { k: 'obj', obj: layer };
			}
		}
		return undefined;
	}

	/** `x + y` on symbolic tensors (residual connections in `call`): a broadcast shape. */
	binaryOp(op: string, a: Value, b: Value, range?: TextRange): Value | undefined {
		// A variable in arithmetic (`x * self.gamma`) is a concrete tensor of its shape.
		const t = (v: Value) =>
			v.k === 'obj'
				? v.obj instanceof KerasTensor
					? v.obj
					: v.obj instanceof KerasVariable
						? new KerasTensor(this.tensorIds++, v.obj.shape, null, [])
						: undefined
				: undefined;
		const ta = t(a);
		const tb = t(b);
		if ((!ta && !tb) || !['+', '-', '*', '/'].includes(op)) {
			return undefined;
		}
		const sa = ta ? ta.shape : [];
		const sb = tb ? tb.shape : [];
		let shape: Shape | null = null;
		if (sa && sb) {
			const r = Math.max(sa.length, sb.length);
			shape = [];
			for (let i = 0; i < r; i++) {
				const x = i < r - sa.length ? 1 : sa[sa.length - r + i];
				const y = i < r - sb.length ? 1 : sb[sb.length - r + i];
				shape.push(x === 1 ? y : y === 1 ? x : (x ?? y));
			}
		}
		const inputs = [ta, tb].filter((x): x is KerasTensor => x !== undefined);
		const layer = range
			? this.opLayer(TF_OPERATOR_LAYER_NAMES[op], inputs, shape, range)
			: null;
		return { k: 'obj', obj: new KerasTensor(this.tensorIds++, shape, layer, inputs) };
	}

	/** A source subclass of keras.Model or keras.layers.Layer: a model whose layers are its attributes. */
	instantiate(
		cls: ClassValue,
		bases: string[],
		args: CallArgs,
		ctx: CallContext,
	): FrameworkObject | undefined {
		const base = bases
			.map(kerasSubpath)
			.find((p) => p && (p[p.length - 1] === 'Model' || p[p.length - 1] === 'Layer'));
		if (!base) {
			return undefined;
		}
		const name = asString(args.keywords.get('name')) ?? this.uniqueName(toSnakeCase(cls.name));
		const model = new KerasModel(
			'subclass',
			name,
			ctx.depth === 0 ? ctx.assignedTo : undefined,
			ctx.range(args.node),
			ctx.depth === 0,
		);
		model.isLayer = base[base.length - 1] === 'Layer';
		if (!model.isLayer) {
			this.models.push(model);
		}
		return model;
	}

	setAttr(obj: FrameworkObject, name: string, value: Value): boolean {
		if (!(obj instanceof KerasModel) || obj.modelKind !== 'subclass') {
			return false;
		}
		if (name === 'trainable' && value.k === 'bool') {
			obj.setTrainable(value.v);
			return true;
		}
		if (value.k === 'obj' && value.obj instanceof KerasVariable) {
			// Still stored as a plain attribute for `call` to read (hence false).
			this.holdVariable(obj, name, value.obj);
			return false;
		}
		const add = (v: Value): boolean => {
			if (v.k === 'obj' && v.obj instanceof KerasLayer) {
				obj.layers.push(v.obj);
				return true;
			}
			if (v.k === 'obj' && v.obj instanceof KerasModel) {
				obj.layers.push(this.modelLayer(v.obj));
				return true;
			}
			return false;
		};
		// Tracked as layers, and still stored as plain attributes for `call` to read (hence false).
		if (value.k === 'list' || value.k === 'tuple' || value.k === 'dict') {
			// Keras tracks the container itself: layers appended to it later are the model's too (trackContainers).
			obj.tracked.push({ name, value });
			this.trackContainers(obj);
		} else {
			add(value);
		}
		return false;
	}

	/**
	 * The layers in the lists, tuples and dicts a subclass holds as attributes (nested ones too), as
	 * Keras's tracking wrappers see them — also those appended after the assignment. Runs before
	 * anything reads the model's layers; an item NormLens cannot read makes the model unknown.
	 */
	private trackContainers(obj: KerasModel): void {
		if (obj.tracked.length === 0) {
			return;
		}
		const have = new Set<KerasLayer>(obj.layers);
		const visit = (v: Value, name: string, depth: number): void => {
			if (depth > 8) {
				return;
			}
			if (v.k === 'obj' && v.obj instanceof KerasLayer) {
				if (!have.has(v.obj)) {
					have.add(v.obj);
					obj.layers.push(v.obj);
				}
			} else if (v.k === 'obj' && v.obj instanceof KerasModel) {
				const layer = this.modelLayer(v.obj);
				if (!have.has(layer)) {
					have.add(layer);
					obj.layers.push(layer);
				}
			} else if (v.k === 'list' || v.k === 'tuple' || v.k === 'dict') {
				if (v.cause) {
					obj.unknownCause ??= v.cause;
				}
				for (const item of v.k === 'dict' ? v.entries.values() : v.items) {
					visit(item, name, depth + 1);
				}
			} else if (v.k === 'unknown') {
				obj.unknownCause ??= causeOf(v) ?? {
					reason: `an item of \`self.${name}\` is not a layer NormLens can read`,
					range: obj.range,
				};
			}
		};
		for (const { name, value } of obj.tracked) {
			visit(value, name, 0);
		}
	}

	/**
	 * tf.keras 2 wraps a TensorFlow function or operator called on symbolic tensors in a layer of no
	 * weights, a `TFOpLambda` row named after the function (`tf.concat`, `tf.__operators__.add`);
	 * Keras 3 makes no layer of it (null).
	 */
	/** Code run as a layer's own `call` or a Lambda's function: its TensorFlow functions are the layer's, not layers. */
	private insideLayer<T>(run: () => T): T {
		this.layerCallDepth++;
		try {
			return run();
		} finally {
			this.layerCallDepth--;
		}
	}

	private layerCallDepth = 0;

	private opLayer(
		apiName: string | undefined,
		inputs: KerasTensor[],
		shape: Shape | null,
		range: TextRange,
	): KerasLayer | null {
		if (
			this.dialect.naming !== 'tf.keras' ||
			apiName === undefined ||
			this.layerCallDepth > 0
		) {
			return null;
		}
		const layer = new KerasLayer(
			'TFOpLambda',
			this.uniqueName(apiName),
			kerasLayerSpec('TFOpLambda'),
			new Map(),
			range,
			undefined,
		);
		layer.built = true;
		layer.weights = [];
		layer.outputShape = shape;
		layer.inputShapes = inputs.every((t) => t.shape !== null)
			? inputs.map((t) => t.shape as Shape)
			: null;
		layer.calls = 1;
		for (const t of inputs) {
			if (t.producer && !layer.inbound.includes(t.producer)) {
				layer.inbound.push(t.producer);
			}
		}
		this.layers.push(layer);
		return layer;
	}

	/**
	 * TensorFlow / keras.ops functions on symbolic tensors (`tf.concat`, `tf.reshape`, `tf.reduce_mean`…):
	 * a tensor of the shape TensorFlow gives, made by no layer of weights (tf.keras prints a TFOpLambda
	 * row), so that the layers after it are built. Undefined when the first argument is no symbolic tensor.
	 */
	private tensorOp(
		op: TensorOp,
		args: CallArgs,
		layerName: string | undefined,
		range: TextRange,
	): Value | undefined {
		const r = tensorOpResult(op, args, (v) =>
			v?.k === 'obj' && v.obj instanceof KerasTensor ? v.obj : undefined,
		);
		if (!r) {
			return undefined;
		}
		const layer = this.opLayer(layerName, r.inputs, r.shape, range);
		return { k: 'obj', obj: new KerasTensor(this.tensorIds++, r.shape, layer, r.inputs) };
	}

	/** A variable from its initial value (a concrete tensor of known shape) or a shape; unknown otherwise, saying why. */
	private variable(
		init: Value | undefined,
		trainable: Value | undefined,
		args: CallArgs,
		ctx: CallContext,
		what: string,
		shapeArg?: Value,
	): Value {
		const range = ctx.range(args.node);
		let shape: Shape | null = null;
		if (shapeArg !== undefined) {
			const dims = (asSequence(shapeArg) ?? [shapeArg]).map(asInt);
			shape =
				shapeArg.k === 'none'
					? []
					: dims.every((d) => d !== undefined)
						? (dims as number[])
						: null;
		} else if (
			init?.k === 'obj' &&
			init.obj instanceof KerasTensor &&
			init.obj.shape?.every((d) => d !== null)
		) {
			shape = init.obj.shape;
		} else if (init?.k === 'num' || init?.k === 'bool') {
			shape = [];
		}
		const cause =
			shape === null
				? (causeOf(shapeArg ?? init) ?? {
						reason: `NormLens cannot determine the shape of the weight \`${what}(…)\` creates`,
						range,
					})
				: undefined;
		return {
			k: 'obj',
			obj: new KerasVariable(
				shape,
				trainable?.k === 'bool' ? trainable.v : true,
				range,
				cause,
			),
		};
	}

	/** Counts a variable as a weight of the layer or model that holds it (Keras's automatic tracking). */
	private holdVariable(model: KerasModel, name: string, v: KerasVariable): void {
		if (v.registered) {
			return;
		}
		v.registered = true;
		if (v.shape === null) {
			model.unknownCause ??= v.cause;
			return;
		}
		model.ownWeights.push({
			name,
			shape: v.shape as number[],
			kind: 'param',
			trainable: v.trainable,
		});
	}

	private modelLayer(model: KerasModel): KerasLayer {
		let layer = this.modelLayers.get(model);
		if (!layer) {
			const type =
				model.modelKind === 'sequential'
					? 'Sequential'
					: model.modelKind === 'functional'
						? 'Functional'
						: (model.pyClass?.name ?? 'Model');
			layer = new KerasLayer(type, model.name, undefined, new Map(), model.range, undefined);
			layer.nested = model;
			this.modelLayers.set(model, layer);
		}
		return layer;
	}

	/** `model = build_model()` at module level names a model built inside the function. */
	bind(name: string, value: Value, definedAt?: TextRange): void {
		if (value.k === 'obj' && value.obj instanceof KerasModel && !value.obj.createdAtTop) {
			value.obj.varName = name;
			value.obj.definedAt = definedAt ?? value.obj.definedAt;
		}
	}

	callObject(obj: FrameworkObject, args: CallArgs, ctx: CallContext): Value | undefined {
		if (obj instanceof KerasInitializer) {
			const arg = args.keywords.get('shape') ?? args.positional[0];
			const dims = (asSequence(arg) ?? (arg ? [arg] : [])).map(asInt);
			return dims.every((d) => d !== undefined) && arg
				? { k: 'obj', obj: new KerasTensor(this.tensorIds++, dims as Shape, null, []) }
				: unknown(causeOf(arg));
		}
		if (obj instanceof KerasLayer) {
			return this.callLayer(obj, args, ctx);
		}
		if (obj instanceof KerasModel) {
			return this.callModel(obj, args, ctx);
		}
		return undefined;
	}

	/** A model called on a tensor becomes one layer of the calling model, as in Keras. */
	private callModel(model: KerasModel, args: CallArgs, ctx: CallContext): Value {
		const layer = this.modelLayer(model);
		const x = args.positional[0];
		const input = x?.k === 'obj' && x.obj instanceof KerasTensor ? x.obj : undefined;
		if (!input) {
			return UNKNOWN;
		}
		let out: Shape | null = null;
		if (model.modelKind === 'subclass') {
			const build = model.pyClass ? findMethod(model.pyClass, 'build') : undefined;
			if (build && !model.buildRan) {
				// Keras builds a layer on its first call, with the input's shape: weights made there count.
				model.buildRan = true;
				const shape: Value = input.shape
					? tuple(
							input.shape.map((d) =>
								d === null ? NONE : ({ k: 'num', v: d } as Value),
							),
						)
					: UNKNOWN;
				ctx.callFunction(
					build.fn,
					{ positional: [shape], keywords: new Map(), node: args.node },
					{ k: 'obj', obj: model },
				);
			}
			const call = model.pyClass ? findMethod(model.pyClass, 'call') : undefined;
			const result = call
				? this.insideLayer(() => ctx.callFunction(call.fn, args, { k: 'obj', obj: model }))
				: UNKNOWN;
			out = result.k === 'obj' && result.obj instanceof KerasTensor ? result.obj.shape : null;
			model.built = true;
			model.inputShape ??= input.shape ?? undefined;
			model.outputShape ??= out;
			if (!layer.built) {
				layer.built = true;
				layer.inputShapes = input.shape ? [input.shape] : null;
				layer.outputShape = out;
			}
			// Called directly (model(x)), the subclass is the model; inside another model, one layer.
			return { k: 'obj', obj: new KerasTensor(this.tensorIds++, out, layer, [input]) };
		} else if (model.modelKind === 'sequential') {
			model.inputShape ??= input.shape ?? undefined;
			out = this.buildSequential(model);
		} else if (model.outputs.length === 1) {
			out = model.outputs[0].shape;
		}
		if (!layer.built) {
			layer.built = true;
			layer.inputShapes = input.shape ? [input.shape] : null;
			layer.outputShape = out;
		}
		if (input.producer && !layer.inbound.includes(input.producer)) {
			layer.inbound.push(input.producer);
		}
		return { k: 'obj', obj: new KerasTensor(this.tensorIds++, out, layer, [input]) };
	}

	callMethod(
		obj: FrameworkObject,
		name: string,
		args: CallArgs,
		ctx: CallContext,
	): Value | undefined {
		if (obj instanceof KerasModel) {
			if (
				name === 'build' &&
				(obj.modelKind === 'subclass' || obj.modelKind === 'sequential')
			) {
				const dims = asSequence(
					args.positional[0] ?? args.keywords.get('input_shape'),
				)?.map((v) => (v.k === 'none' ? null : asInt(v)));
				if (dims && dims.every((d) => d !== undefined)) {
					if (obj.modelKind === 'sequential') {
						// model.build((None, 100)): the Sequential's input, batch axis included.
						obj.inputShape ??= dims as Shape;
					} else {
						this.callModel(
							obj,
							{
								...args,
								positional: [
									{
										k: 'obj',
										obj: new KerasTensor(
											this.tensorIds++,
											dims as Shape,
											null,
											[],
										),
									},
								],
								keywords: new Map(),
							},
							ctx,
						);
					}
				}
				return NONE;
			}
			if (name === 'add_loss' && obj.modelKind === 'functional') {
				this.addLoss(
					obj,
					args.positional[0] ?? args.keywords.get('losses'),
					ctx.range(args.node),
				);
				return NONE;
			}
			if (name === 'add' && obj.modelKind === 'sequential') {
				const v = args.positional[0];
				if (v) {
					this.addToSequential(obj, v);
				}
				return NONE;
			}
			if (name === 'pop' && obj.modelKind === 'sequential' && args.positional.length === 0) {
				const layer = obj.layers.pop();
				return layer ? { k: 'obj', obj: layer } : UNKNOWN;
			}
			if (name === 'get_layer') {
				const key =
					args.positional[0] ?? args.keywords.get('name') ?? args.keywords.get('index');
				const layers = this.visibleLayers(obj);
				const i = asInt(key);
				const found =
					asString(key) !== undefined
						? layers.find((l) => l.name === asString(key))
						: i !== undefined
							? layers[i]
							: undefined;
				return found ? { k: 'obj', obj: found } : UNKNOWN;
			}
			if (
				(name === 'add_weight' || name === 'add_variable') &&
				obj.modelKind === 'subclass'
			) {
				// Keras 2: add_weight(name, shape, …); Keras 3: add_weight(shape, initializer, …): a string is the name.
				const [p0, p1] = args.positional;
				const named = p0?.k === 'str';
				const shape = args.keywords.get('shape') ?? (named ? p1 : p0) ?? NONE;
				const weightName =
					asString(args.keywords.get('name') ?? (named ? p0 : undefined)) ??
					`weight_${obj.ownWeights.length}`;
				const v = this.variable(
					undefined,
					args.keywords.get('trainable'),
					args,
					ctx,
					`${name}`,
					shape,
				);
				if (v.k === 'obj' && v.obj instanceof KerasVariable) {
					this.holdVariable(obj, weightName, v.obj);
				}
				return v;
			}
			if (name === 'summary') {
				// What Keras prints here: the model as built at this call (checked against a notebook's stored output).
				if (obj.modelKind === 'sequential') {
					this.buildSequential(obj);
				}
				const s = this.modelSummary(obj);
				// The rows Keras prints: a Sequential model's summary has no InputLayer row.
				const printedLayers = s.layers.filter(
					(l) => s.kind === 'functional' || l.type !== 'InputLayer',
				);
				this.summarySnapshots.push({
					range: ctx.range(args.node),
					name: s.name,
					totals: s.totals,
					unknown: s.unknown,
					rows: printedLayers.map((l) => ({
						name: l.name,
						type: l.type,
						params: l.params?.total ?? null,
					})),
				});
				return NONE;
			}
			// Anything else: the interpreter decides (trusted, or it may change the model).
			return undefined;
		}
		return undefined;
	}

	/** `super().__init__(…)` and `super().build(…)` of a Keras Layer or Model subclass: nothing NormLens counts happens there. */
	callBaseMethod(obj: FrameworkObject, name: string): Value | undefined {
		if (
			(obj instanceof KerasModel || obj instanceof KerasLayer) &&
			(name === '__init__' || (name === 'build' && obj instanceof KerasModel))
		) {
			return NONE;
		}
		return undefined;
	}

	/** `model.layers` as Keras lists it: a Sequential's without its InputLayer, a functional model's with them. */
	private visibleLayers(model: KerasModel): KerasLayer[] {
		const layers = model.layers.filter(
			(l) => model.modelKind === 'functional' || l.type !== 'InputLayer',
		);
		if (model.modelKind === 'functional') {
			const inputs = model.inputs
				.map((t) => t.producer)
				.filter((l): l is KerasLayer => l !== null && !layers.includes(l));
			return [...inputs, ...layers];
		}
		return layers;
	}

	canonicalPath(path: string): string | undefined {
		const sub = kerasSubpath(path);
		return sub ? ['keras', ...sub].join('.') : undefined;
	}

	callEffect(path: string): 'pure' | 'mutates' | undefined {
		const sub = kerasSubpath(path);
		if (!sub) {
			return undefined;
		}
		// Layers, models, Input, merges and ops build new objects; setting the global format changes later layers.
		return sub[sub.length - 1] === 'set_image_data_format' ? 'mutates' : 'pure';
	}

	methodTable(obj: FrameworkObject): string | undefined {
		return obj instanceof KerasModel
			? 'keras.model'
			: obj instanceof KerasLayer
				? 'keras.layer'
				: undefined;
	}

	isInstance(obj: FrameworkObject, path: string): boolean | undefined {
		const sub = kerasSubpath(path);
		if (!sub || !(obj instanceof KerasLayer || obj instanceof KerasModel)) {
			return undefined;
		}
		const name = sub[sub.length - 1];
		if (name === 'Layer') {
			return true;
		}
		if (name === 'Model') {
			return obj instanceof KerasModel || obj.nested !== undefined;
		}
		return obj instanceof KerasLayer && obj.type === name;
	}

	getAttr(obj: FrameworkObject, name: string): Value | undefined {
		if (obj instanceof KerasModel && obj.modelKind === 'subclass' && name === 'build') {
			// `model.build(shape)` runs the class's own build once, as Keras does (callMethod), never twice.
			return { k: 'bound', self: { k: 'obj', obj }, name };
		}
		if (obj instanceof KerasTensor && name === 'shape') {
			return obj.shape
				? tuple(obj.shape.map((d) => (d === null ? NONE : { k: 'num', v: d })))
				: UNKNOWN;
		}
		if ((obj instanceof KerasLayer || obj instanceof KerasModel) && name === 'name') {
			return { k: 'str', v: obj.name };
		}
		if ((obj instanceof KerasLayer || obj instanceof KerasModel) && name === 'trainable') {
			return { k: 'bool', v: obj.trainable };
		}
		if (obj instanceof KerasModel && name === 'layers' && obj.modelKind !== 'subclass') {
			// A fresh list of the model's layers (editing it does not change the model, as in Keras).
			return {
				k: 'list',
				items: this.visibleLayers(obj).map((l) => ({ k: 'obj', obj: l }) as Value),
				cause: obj.unknownCause,
			};
		}
		if (
			obj instanceof KerasModel &&
			obj.modelKind === 'functional' &&
			(name === 'output' || name === 'input') &&
			!obj.unknownCause &&
			!obj.unfollowed
		) {
			const ts = name === 'output' ? obj.outputs : obj.inputs;
			return ts.length === 1
				? { k: 'obj', obj: ts[0] }
				: tuple(ts.map((t) => ({ k: 'obj', obj: t }) as Value));
		}
		if (obj instanceof KerasLayer && name === 'output') {
			// The tensor of the layer's one call (a functional model cut at `get_layer('mixed7').output`);
			// Keras refuses `.output` of a layer called several times.
			return obj.calls === 1 && obj.firstOutput
				? { k: 'obj', obj: obj.firstOutput }
				: UNKNOWN;
		}
		return undefined;
	}

	//#region construction

	/**
	 * A name Keras would give: `dense`, `dense_1` (Keras 3, tf.keras); numbered from 1 where that
	 * Keras does (inputs in tf.keras; everything in Keras 1 and standalone Keras up to 2.3). Inputs
	 * and functional models are named by the dialect (`input_layer` / `input_1`, `functional` / `model`).
	 */
	private uniqueName(base: string, what: 'layer' | 'input' | 'model' = 'layer'): string {
		const naming = this.dialect.naming;
		const stem =
			what === 'input'
				? naming === 'keras3'
					? 'input_layer'
					: 'input'
				: what === 'model'
					? naming === 'keras3'
						? 'functional'
						: 'model'
					: base;
		const oneBased = naming === 'legacy' || (what === 'input' && naming === 'tf.keras');
		const n = this.counters.get(stem) ?? 0;
		this.counters.set(stem, n + 1);
		return oneBased ? `${stem}_${n + 1}` : n === 0 ? stem : `${stem}_${n}`;
	}

	private bindArgs(
		spec: KerasLayerSpec | undefined,
		args: CallArgs,
		range: TextRange,
		type: string,
	): LayerConfig {
		const cfg: LayerConfig = new Map();
		const specArgs = spec?.args ?? [];
		args.positional.forEach((v, i) => {
			const a = specArgs[i];
			cfg.set(a ? a[0] : `arg${i}`, v);
		});
		for (const [k, v] of args.keywords) {
			cfg.set(k, v);
		}
		for (const [name, def] of specArgs) {
			if (cfg.has(name)) {
				continue;
			}
			if (args.cause) {
				// A spread NormLens could not list may set it.
				cfg.set(name, { k: 'unknown', cause: args.cause });
			} else if (def === REQUIRED) {
				this.diagnostics.push({
					range,
					severity: 'error',
					code: 'missing-argument',
					message: `${type}() is missing its required argument \`${name}\`.`,
				});
				cfg.set(name, UNKNOWN);
			} else if (name === 'data_format' && def === null) {
				cfg.set(name, this.imageDataFormat);
			} else {
				cfg.set(name, fromDefault(def));
			}
		}
		return cfg;
	}

	/**
	 * A layer call in Keras 1's API (LEGACY_LAYERS) read with Keras 1's meaning, where that is
	 * certain: a Keras-1-only keyword (`border_mode=`), or Keras 1's positional kernel
	 * (`Convolution2D(32, 3, 3)`) in a file written for Keras 1. tf.keras refuses those keywords;
	 * the positional form alone, in a file with no other sign, is 3×3 in Keras 1–2.3 and strides 3 in
	 * Keras 3 — both are a reason, not a guess. Keras 1 convolutions and pools without
	 * `dim_ordering` take it from keras.json unless the code sets it.
	 */
	private legacyArgs(
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
		if (spec.name === 'BatchNormalization' && (this.keras1 || k1Keyword)) {
			// Keras 1.0–1.1 printed 2 parameters per feature (γ, β), Keras 1.2 and 2 print 4 (with the moving statistics).
			return {
				reason: 'Keras 1.0–1.1 counts 2 parameters per feature of a BatchNormalization (γ, β), Keras 1.2 and later 4 (with the moving statistics), and this code is written for Keras 1',
				severity: 'info',
			};
		}
		if (!k1Keyword && !(k1Positional && this.keras1)) {
			if (k1Positional && !tf) {
				return {
					reason: `${shown} has a 3×3-style kernel in Keras 1 and Keras 2.0–2.3 but strides in Keras 3, and nothing else in this file says which Keras runs it`,
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
			['Conv1D', 'Conv2D', 'Conv3D', 'MaxPooling2D', 'AveragePooling2D'].includes(
				spec.name,
			) &&
			!keywordsOut.has('data_format')
		) {
			keywordsOut.set(
				'data_format',
				this.keras1Ordering ?? {
					k: 'unknown',
					cause: {
						reason: `Keras 1 takes the image dimension ordering of ${spec.name} from ~/.keras/keras.json (image_dim_ordering), which this code does not set`,
						range: ctx.range(args.node),
					},
				},
			);
		}
		return { args: { ...args, positional: [], keywords: keywordsOut } };
	}

	private createLayer(
		type: string,
		spec: KerasLayerSpec | undefined,
		args: CallArgs,
		ctx: CallContext,
	): KerasLayer {
		const range = ctx.range(args.node);
		const cfg = this.bindArgs(spec, args, range, type);
		const explicit = asString(cfg.get('name'));
		// Keras 1 named a layer by its class in lower case (`convolution2d_1`); later Keras in snake case.
		const name =
			explicit ??
			this.uniqueName(this.keras1 ? type.toLowerCase() : toSnakeCase(spec?.name ?? type));
		const layer = new KerasLayer(
			spec?.name ?? type,
			name,
			spec,
			cfg,
			range,
			ctx.sites(args.node),
		);
		layer.library = ctx.library;
		const trainable = cfg.get('trainable');
		if (trainable?.k === 'bool') {
			layer.trainable = trainable.v;
		}
		layer.declaredInput = declaredInput(cfg, spec);
		if (args.cause) {
			layer.unknownCause = args.cause;
		}
		this.layers.push(layer);
		return layer;
	}

	private input(args: CallArgs, ctx: CallContext): Value {
		const shapeArg = args.positional[0] ?? args.keywords.get('shape');
		const batchShape = args.keywords.get('batch_shape');
		const batch = asInt(args.keywords.get('batch_size')) ?? null;
		let shape: Shape | null = null;
		const dims = asSequence(batchShape) ?? asSequence(shapeArg);
		if (dims) {
			const d = dims.map((v) => (v.k === 'none' ? null : (asInt(v) ?? undefined)));
			if (d.every((x) => x !== undefined)) {
				shape = batchShape ? (d as Shape) : [batch, ...(d as Shape)];
			}
		}
		const name = asString(args.keywords.get('name')) ?? this.uniqueName('input', 'input');
		const layer = new KerasLayer(
			'InputLayer',
			name,
			kerasLayerSpec('InputLayer'),
			new Map(),
			ctx.range(args.node),
			ctx.sites(args.node),
		);
		layer.built = true;
		layer.outputShape = shape;
		layer.inputShapes = shape ? [shape] : null;
		layer.weights = [];
		this.layers.push(layer);
		return { k: 'obj', obj: new KerasTensor(this.tensorIds++, shape, layer, []) };
	}

	private sequential(args: CallArgs, ctx: CallContext): Value {
		const name = asString(args.keywords.get('name')) ?? this.uniqueName('sequential');
		const model = new KerasModel(
			'sequential',
			name,
			ctx.assignedTo,
			ctx.range(args.node),
			ctx.depth === 0,
		);
		model.library = ctx.library;
		model.buildContext = { ctx, node: args.node };
		const list = args.positional[0] ?? args.keywords.get('layers');
		const items = list && list.k !== 'none' ? ctx.iterate(list) : [];
		if (!items) {
			model.unknownCause = causeOf(list) ??
				args.cause ?? {
					reason: 'NormLens cannot list the layers given to this Sequential',
					range: model.range,
				};
		}
		for (const v of items ?? []) {
			this.addToSequential(model, v);
		}
		const trainable = args.keywords.get('trainable');
		if (trainable?.k === 'bool') {
			model.trainable = trainable.v;
		}
		this.models.push(model);
		return { k: 'obj', obj: model };
	}

	private addToSequential(model: KerasModel, v: Value): void {
		if (
			v.k !== 'obj' ||
			!(
				v.obj instanceof KerasTensor ||
				v.obj instanceof KerasModel ||
				v.obj instanceof KerasLayer
			)
		) {
			// Not a layer NormLens can read: the model holds something it cannot count. A row of unknown
			// type stands in its place, so that the layers after it get no guessed input.
			const cause = causeOf(v) ?? {
				reason: 'a layer added to this Sequential is not one NormLens can read',
				range: model.range,
			};
			model.unknownCause ??= cause;
			const stand = new KerasLayer(
				'?',
				this.uniqueName('unknown'),
				undefined,
				new Map(),
				cause.range,
				undefined,
			);
			stand.unknownCause = cause;
			stand.built = true;
			model.layers.push(stand);
			return;
		}
		if (v.obj instanceof KerasTensor && v.obj.producer?.type === 'InputLayer') {
			model.inputShape = v.obj.shape ?? undefined;
		} else if (v.obj instanceof KerasModel) {
			// A model added to a Sequential is one layer of it (a custom Layer subclass too, under its class's name).
			const nested = v.obj;
			const layer = this.modelLayer(nested);
			if (nested.modelKind === 'subclass' && !layer.built) {
				// Built when the Sequential is (buildSequential), on the shape that reaches it.
				model.layers.push(layer);
				return;
			}
			layer.built = true;
			const inShape =
				nested.modelKind === 'functional'
					? (nested.inputs[0]?.shape ?? null)
					: (nested.inputShape ?? null);
			layer.inputShapes = inShape ? [inShape] : null;
			layer.outputShape =
				nested.modelKind === 'functional' && nested.outputs.length === 1
					? nested.outputs[0].shape
					: null;
			if (model.layers.length === 0 && inShape) {
				model.inputShape ??= inShape;
			}
			model.layers.push(layer);
		} else if (v.obj instanceof KerasLayer) {
			if (v.obj.type === 'InputLayer') {
				model.inputShape = v.obj.outputShape ?? v.obj.declaredInput;
			} else {
				model.layers.push(v.obj);
			}
		}
	}

	private functional(args: CallArgs, ctx: CallContext): Value {
		const name = asString(args.keywords.get('name')) ?? this.uniqueName('model', 'model');
		const model = new KerasModel(
			'functional',
			name,
			ctx.assignedTo,
			ctx.range(args.node),
			ctx.depth === 0,
		);
		model.library = ctx.library;
		collectTensors(args.positional[0] ?? args.keywords.get('inputs'), model.inputs);
		const outputsValue = args.positional[1] ?? args.keywords.get('outputs');
		const outputsKnown = collectTensors(outputsValue, model.outputs);
		const { layers, opaque } = this.graphLayers(model.inputs, model.outputs);
		model.layers = layers;
		// Outputs NormLens could not compute keep the first cause of that (a statement left out, an unknown call).
		model.unfollowed =
			opaque ??
			(outputsKnown
				? undefined
				: {
						what: 'the outputs passed to Model',
						range: model.range,
						cause: causeOf(outputsValue),
					});
		this.models.push(model);
		return { k: 'obj', obj: model };
	}

	/**
	 * `base(x)`, `tf.reduce_mean(x)`, … on symbolic tensors: a tensor of unknown shape that marks the
	 * graph as not followed there. In a subclass's `call`, `self.backbone(x)` with a `backbone` it
	 * could not read marks that model: it holds weights NormLens cannot count.
	 */
	opaqueCall(
		what: string,
		args: CallArgs,
		ctx: CallContext,
		holder: FrameworkObject | undefined,
		cause?: Cause,
	): Value | undefined {
		const inputs = args.positional
			.flatMap((v) => asSequence(v) ?? [v])
			.flatMap((v) => (v.k === 'obj' && v.obj instanceof KerasTensor ? [v.obj] : []));
		if (inputs.length === 0) {
			return undefined;
		}
		const opaque = { what, range: ctx.range(args.node), cause };
		if (holder instanceof KerasModel) {
			holder.unfollowed ??= opaque;
		}
		return { k: 'obj', obj: new KerasTensor(this.tensorIds++, null, null, inputs, opaque) };
	}

	/**
	 * `model.add_loss(tensor)` on a functional model. tf.keras 2 adds the layers the loss is computed
	 * with (its TFOpLambda rows, in their depth order) and an `AddLoss` layer after the model's own;
	 * a layer of weights among them is then the model's too. Keras 3 and Keras up to 2.3 add no
	 * layer: their counts stay, unless the loss goes through weights NormLens would have to place.
	 */
	private addLoss(model: KerasModel, loss: Value | undefined, range: TextRange): void {
		const losses: KerasTensor[] = [];
		if (!loss || !collectTensors(loss, losses) || losses.length === 0) {
			// A constant or a tensor NormLens did not follow: no layer for Keras to add.
			return;
		}
		const { layers: reached, opaque } = this.graphLayers(model.inputs, losses);
		const fresh = reached.filter((l) => !model.layers.includes(l));
		if (opaque) {
			model.unfollowed ??= opaque;
			return;
		}
		if (this.dialect.naming !== 'tf.keras') {
			if (fresh.some((l) => l.weights === null || l.weights.length > 0 || l.nested)) {
				model.unfollowed ??= {
					what: 'a loss added with layers of weights of its own',
					range,
				};
			}
			return;
		}
		const addLoss = new KerasLayer(
			'AddLoss',
			this.uniqueName('add_loss'),
			kerasLayerSpec('AddLoss'),
			new Map(),
			range,
			undefined,
		);
		addLoss.built = true;
		addLoss.weights = [];
		addLoss.inputShapes = losses[0].shape ? [losses[0].shape] : null;
		addLoss.outputShape = losses[0].shape;
		addLoss.calls = 1;
		for (const t of losses) {
			if (t.producer && !addLoss.inbound.includes(t.producer)) {
				addLoss.inbound.push(t.producer);
			}
		}
		this.layers.push(addLoss);
		model.layers = [...model.layers, ...fresh, addLoss];
	}

	/** Layers between the inputs and outputs of a functional model, in Keras's order (kerasLayerOrder). */
	private graphLayers(
		inputs: KerasTensor[],
		outputs: KerasTensor[],
	): { layers: KerasLayer[]; opaque: KerasTensor['opaque'] } {
		// Tensor ids grow in call order, so the reached tensors indexed by id are in call order: the
		// first unfollowed call in the code is the one reported.
		const reached = new Array<KerasTensor | undefined>(this.tensorIds);
		const stack = [...outputs];
		while (stack.length > 0) {
			const t = stack.pop() as KerasTensor;
			if (reached[t.id]) {
				continue;
			}
			reached[t.id] = t;
			if (!inputs.includes(t)) {
				for (const i of t.inputs) {
					stack.push(i);
				}
			}
		}
		let opaque: KerasTensor['opaque'];
		for (const t of reached) {
			opaque ??= t?.opaque;
		}
		return { layers: kerasLayerOrder(inputs, outputs), opaque };
	}

	//#endregion

	//#region calls

	private callLayer(layer: KerasLayer, args: CallArgs, ctx: CallContext): Value {
		const arg =
			args.positional.length > 1
				? tuple(args.positional)
				: (args.positional[0] ??
					args.keywords.get('inputs') ??
					(args.keywords.has('query')
						? tuple([
								args.keywords.get('query') as Value,
								args.keywords.get('value') ?? UNKNOWN,
							])
						: undefined));
		const inputs: KerasTensor[] = [];
		if (!arg || !collectTensors(arg, inputs) || inputs.length === 0) {
			return UNKNOWN;
		}
		if (layer.taint) {
			return {
				k: 'obj',
				obj: new KerasTensor(this.tensorIds++, null, null, inputs, {
					what: layer.name,
					range: layer.taint.range,
				}),
			};
		}
		const shapes = inputs.map((t) => t.shape);
		const known = shapes.every((s): s is Shape => s !== null);
		const out =
			layer.type === 'Lambda' && known
				? this.traceLambda(layer, shapes, ctx)
				: this.apply(layer, known ? shapes : null, ctx.range(args.node));
		for (const t of inputs) {
			if (t.producer && !layer.inbound.includes(t.producer)) {
				layer.inbound.push(t.producer);
			}
		}
		const tensor = new KerasTensor(this.tensorIds++, out, layer, inputs);
		layer.calls++;
		layer.firstOutput ??= tensor;
		return { k: 'obj', obj: tensor };
	}

	/**
	 * A Lambda's output shape, as Keras finds it: its function called on a symbolic tensor of the
	 * input's shape (`lambda z: z * 2`, `tf.nn.relu`); `output_shape=` when given wins, as in Keras.
	 */
	private traceLambda(layer: KerasLayer, inputs: Shape[], ctx: CallContext): Shape | null {
		const declared = this.apply(layer, inputs, layer.range);
		const fn = layer.config.get('function');
		if (declared || fn?.k !== 'func' || inputs.length !== 1) {
			return declared;
		}
		const symbolic: Value = {
			k: 'obj',
			obj: new KerasTensor(this.tensorIds++, inputs[0], null, []),
		};
		const result = this.insideLayer(() =>
			ctx.callFunction(fn.def, {
				positional: [symbolic],
				keywords: new Map(),
				node: fn.def.node,
			}),
		);
		const shape =
			result.k === 'obj' && result.obj instanceof KerasTensor ? result.obj.shape : null;
		layer.outputShape = shape;
		return shape;
	}

	/** Builds the layer on its first input (creating its weights) and returns its output shape. */
	apply(layer: KerasLayer, inputs: Shape[] | null, callRange: TextRange): Shape | null {
		if (!layer.spec) {
			layer.built = true;
			layer.inputShapes ??= inputs;
			return null;
		}
		if (!inputs) {
			return null;
		}
		try {
			const out = kerasOutputShape(layer.spec, layer.config, inputs);
			if (!layer.built) {
				layer.built = true;
				layer.inputShapes = inputs;
				layer.outputShape = out;
				layer.weights = kerasWeights(layer.spec, layer.config, inputs[0], inputs);
			}
			return out;
		} catch (e) {
			if (e instanceof ShapeError) {
				this.diagnostics.push({
					range: callRange,
					severity: 'error',
					code: e.code,
					message: `${layer.type} \`${layer.name}\` ${e.message}.`,
				});
				layer.built = true;
				layer.inputShapes = inputs;
				return null;
			}
			throw e;
		}
	}

	//#endregion

	//#region results

	/** Builds Sequential models (their layers get shapes in order) once the program has run. */
	finish(): void {
		for (const model of this.models) {
			if (model.modelKind === 'sequential') {
				this.buildSequential(model);
			}
		}
		this.checkRedundantBias();
		this.checkBatchNormAxis();
	}

	/** Why a model's totals are unknown, or undefined when they are known. */
	private modelCause(m: KerasModel, seen = new Set<KerasModel>()): Cause | undefined {
		if (seen.has(m)) {
			return undefined;
		}
		seen.add(m);
		this.trackContainers(m);
		if (m.unknownCause) {
			return m.unknownCause;
		}
		if (m.unfollowed) {
			return (
				m.unfollowed.cause ?? {
					reason: `\`${m.unfollowed.what}\`, which the model goes through, cannot be followed`,
					range: m.unfollowed.range,
				}
			);
		}
		for (const l of m.layers) {
			const c = l.nested ? this.modelCause(l.nested, seen) : this.layerCause(l);
			if (c) {
				return c;
			}
		}
		return undefined;
	}

	/** Why a layer's weights are unknown, or undefined when they are known. */
	private layerCause(l: KerasLayer): Cause | undefined {
		if (l.unknownCause) {
			return l.unknownCause;
		}
		if (l.nested) {
			return this.modelCause(l.nested);
		}
		if (l.weights !== null) {
			return undefined;
		}
		if (!l.spec) {
			return {
				reason: `NormLens does not know the Keras layer \`${l.type}\``,
				range: l.range,
			};
		}
		const fromArgs = firstCause(l.config.values());
		if (fromArgs) {
			return fromArgs;
		}
		return {
			reason: l.built
				? `NormLens cannot compute the weights of ${l.type} \`${l.name}\` from its input`
				: `${l.type} \`${l.name}\` is never built on an input NormLens can follow, so its weights do not exist yet`,
			range: l.range,
		};
	}

	/** A BatchNormalization whose kept axis is not the channel axis of the convolution feeding it. */
	private checkBatchNormAxis(): void {
		for (const bn of this.layers) {
			const input = bn.inputShapes?.[0];
			if (bn.type !== 'BatchNormalization' || !input || input.length < 3) {
				continue;
			}
			let src = bn.inbound[0];
			while (
				src &&
				src.spec &&
				src.spec.shape === 'identity' &&
				src.spec.category !== 'normalization' &&
				src.inbound.length === 1
			) {
				src = src.inbound[0];
			}
			if (!src?.spec || !['convolution', 'pooling'].includes(src.spec.category)) {
				continue;
			}
			const channel = channelAxis(src.config, input.length);
			const kept = axesOf(bn.config, input.length);
			if (channel === undefined || !kept || kept.length !== 1 || kept[0] === channel) {
				continue;
			}
			const want = channel === input.length - 1 ? '-1' : String(channel);
			this.diagnostics.push({
				range: bn.range,
				severity: 'warning',
				code: 'bn-axis',
				message: `BatchNormalization \`${bn.name}\` keeps axis ${kept[0]} (size ${input[kept[0]] ?? 'None'}) but the ${src.type} \`${src.name}\` before it puts its ${input[channel] ?? '?'} channels on axis ${channel}: the statistics would be per ${kept[0] === 0 ? 'sample' : `position along axis ${kept[0]}`}, not per channel. Use axis=${want}.`,
				fix: bn.sites && {
					title: `Set axis=${want}`,
					edits: [bn.sites.setKeyword('axis', want)],
				},
			});
		}
	}

	/** Builds a Sequential model's layers in order; returns its output shape. */
	private buildSequential(model: KerasModel): Shape | null {
		let shape: Shape | null = model.inputShape ?? model.layers[0]?.declaredInput ?? null;
		for (const layer of model.layers) {
			const nested = layer.nested;
			if (nested?.modelKind === 'subclass' && !layer.built) {
				// A custom layer: Keras builds it on the first input (its build, then its call); without one its weights are unknown.
				const bc = model.buildContext;
				if (shape && bc) {
					const out = this.callModel(
						nested,
						{
							positional: [
								{
									k: 'obj',
									obj: new KerasTensor(this.tensorIds++, shape, null, []),
								},
							],
							keywords: new Map(),
							node: bc.node,
						},
						bc.ctx,
					);
					shape =
						out.k === 'obj' && out.obj instanceof KerasTensor ? out.obj.shape : null;
				} else {
					nested.unknownCause ??= {
						reason: `\`${layer.name}\` is never built on an input NormLens can follow, so its weights are unknown`,
						range: layer.range,
					};
					shape = null;
				}
				continue;
			}
			if (
				nested?.modelKind === 'sequential' &&
				nested.inputShape === undefined &&
				layer.outputShape === null &&
				shape
			) {
				// A Sequential without an input of its own (an augmentation pipeline) is built on what reaches it.
				nested.inputShape = shape;
				layer.inputShapes = [shape];
				layer.outputShape = this.buildSequential(nested);
			}
			if (layer.built) {
				shape = layer.outputShape;
				continue;
			}
			shape = layer.nested
				? layer.outputShape
				: this.apply(layer, shape ? [shape] : null, layer.range);
		}
		model.layers.forEach((layer, i) => {
			const prev = model.layers[i - 1];
			if (prev && !layer.inbound.includes(prev)) {
				layer.inbound.push(prev);
			}
		});
		return shape;
	}

	private checkRedundantBias(): void {
		for (const layer of this.layers) {
			if (layer.type !== 'BatchNormalization' || layer.inbound.length !== 1) {
				continue;
			}
			const prev = layer.inbound[0];
			if (prev.library) {
				// keras.applications as NormLens has it: the user cannot change that code.
				continue;
			}
			const useBias = prev.config.get('use_bias');
			const center = layer.config.get('center');
			if (
				!prev.spec ||
				!prev.spec.args.some(([n]) => n === 'use_bias') ||
				useBias?.k !== 'bool' ||
				!useBias.v
			) {
				continue;
			}
			if (center?.k !== 'bool' || !center.v) {
				continue;
			}
			const activation = prev.config.get('activation');
			if (
				activation &&
				activation.k !== 'none' &&
				!(activation.k === 'str' && activation.v === 'linear')
			) {
				continue;
			}
			this.diagnostics.push({
				range: prev.range,
				severity: 'warning',
				code: 'redundant-bias',
				subject: prev.name,
				saves: countOf(prev.weights, 'bias'),
				message: `The bias of ${prev.type} \`${prev.name}\` is redundant: the next layer, BatchNormalization \`${layer.name}\`, subtracts the batch mean and adds its own β. Set use_bias=False to save ${countOf(prev.weights, 'bias')} parameters.`,
				fix: prev.sites && {
					title: 'Set use_bias=False',
					edits: [prev.sites.setKeyword('use_bias', 'False')],
				},
			});
		}
	}

	/** The models `model.summary()` printed, as they were at each call. */
	readonly summarySnapshots: SummarySnapshot[] = [];

	/** The totals now of the models whose lens is on lines [from, to] (a notebook cell that just ran). */
	totalsNow(
		from: number,
		to: number,
	): { name: string; range: TextRange; totals: ModelSummary['totals'] }[] {
		return this.models
			.filter(
				(m) =>
					(!m.library || m.varName !== undefined) &&
					(m.definedAt ?? m.range).start.line >= from &&
					(m.definedAt ?? m.range).start.line <= to,
			)
			.map((m) => {
				if (m.modelKind === 'sequential') {
					this.buildSequential(m);
				}
				const s = this.modelSummary(m);
				return { name: s.name, range: s.range, totals: s.totals };
			});
	}

	summaries(): ModelSummary[] {
		// Parts a bundled application builds for itself (ConvNeXt's stem Sequential) are rows of it, not the user's models.
		return this.models
			.filter((m) => !m.library || m.varName !== undefined)
			.map((m) => this.modelSummary(m));
	}

	private modelSummary(m: KerasModel): ModelSummary {
		this.trackContainers(m);
		const layers = m.layers.map((l) => this.layerSummary(l, m.trainable));
		const cause = this.modelCause(m);
		return {
			name: m.varName ?? m.name,
			frameworkName: m.name,
			framework: 'keras',
			kind: m.modelKind,
			range: m.definedAt ?? m.range,
			layers,
			totals: cause
				? { total: null, trainable: null, nonTrainable: null, buffers: null }
				: withOwnWeights(totals(layers), m),
			unknown: cause,
		};
	}

	private nestedWeights(model: KerasModel, seen = new Set<KerasModel>()): WeightInfo[] | null {
		if (seen.has(model)) {
			return [];
		}
		this.trackContainers(model);
		if (model.unfollowed || model.unknownCause) {
			return null;
		}
		seen.add(model);
		const out: WeightInfo[] = [];
		const layers = model.modelKind === 'functional' ? model.layers : model.layers;
		for (const l of new Set(layers)) {
			const ws = l.nested ? this.nestedWeights(l.nested, seen) : l.weights;
			if (ws === null) {
				return null;
			}
			out.push(
				...ws.map((w) => ({
					...w,
					name: `${l.name}/${w.name}`,
					trainable: w.trainable && l.trainable && model.trainable,
				})),
			);
		}
		out.push(
			...model.ownWeights.map((w) => ({ ...w, trainable: w.trainable && model.trainable })),
		);
		return out;
	}

	layerSummary(l: KerasLayer, modelTrainable = true): LayerSummary {
		const own = l.unknownCause ? null : l.nested ? this.nestedWeights(l.nested) : l.weights;
		const weights =
			own?.map((w) => ({ ...w, trainable: w.trainable && l.trainable && modelTrainable })) ??
			null;
		const config: Record<string, unknown> = {};
		for (const [k, v] of l.config) {
			config[k] = toJson(v);
		}
		return {
			name: l.name,
			type: l.type,
			framework: 'keras',
			range: l.range,
			inputShape: l.inputShapes?.[0] ?? null,
			outputShape: l.outputShape,
			params: weights ? counts(weights) : null,
			weights,
			config,
			known: l.spec !== undefined || l.nested !== undefined,
			inbound: l.inbound.map((x) => x.name),
			unknown:
				weights === null
					? this.layerCause(l)
					: l.outputShape === null && l.type !== 'InputLayer'
						? this.layerShapeCause(l)
						: undefined,
		};
	}

	private layerShapeCause(l: KerasLayer): Cause {
		return (
			l.taint ??
			(l.built
				? {
						reason: `NormLens cannot compute the output shape of ${l.type} \`${l.name}\``,
						range: l.range,
					}
				: {
						reason: `${l.type} \`${l.name}\` is never called on an input NormLens can follow`,
						range: l.range,
					})
		);
	}

	//#endregion
}

function countOf(weights: WeightInfo[] | null, name: string): number {
	const w = weights?.find((x) => x.name === name);
	return w ? w.shape.reduce((a, b) => a * b, 1) : 0;
}

function counts(weights: WeightInfo[]): LayerSummary['params'] {
	let total = 0;
	let trainable = 0;
	let buffers = 0;
	for (const w of weights) {
		const n = w.shape.reduce((a, b) => a * b, 1);
		if (w.kind === 'buffer') {
			buffers += n;
			continue;
		}
		total += n;
		if (w.trainable) {
			trainable += n;
		}
	}
	return { total, trainable, nonTrainable: total - trainable, buffers };
}

/** Model totals; a field is `null` as soon as one layer's count is unknown. */
/** A subclassed model's totals with the weights it holds itself (in no layer's row, as in Keras's summary). */
function withOwnWeights(t: ModelSummary['totals'], m: KerasModel): ModelSummary['totals'] {
	if (t.total === null || m.ownWeights.length === 0) {
		return t;
	}
	const own = counts(m.ownWeights.map((w) => ({ ...w, trainable: w.trainable && m.trainable })));
	if (!own) {
		return { total: null, trainable: null, nonTrainable: null, buffers: null };
	}
	return {
		total: t.total + own.total,
		trainable: (t.trainable ?? 0) + own.trainable,
		nonTrainable: (t.nonTrainable ?? 0) + own.nonTrainable,
		buffers: t.buffers,
	};
}

/**
 * Adds the tensors of a (nested) list, tuple or dict of symbolic tensors to `into`; false when some
 * part is not a tensor (then what was found is still added). Nothing at all is an empty structure.
 */
function collectTensors(v: Value | undefined, into: KerasTensor[]): boolean {
	if (!v) {
		return true;
	}
	if (v.k === 'obj' && v.obj instanceof KerasTensor) {
		into.push(v.obj);
		return true;
	}
	const items = asSequence(v) ?? (v.k === 'dict' ? [...v.entries.values()] : undefined);
	// Every part is collected, even after an unknown one.
	return items ? items.map((x) => collectTensors(x, into)).every(Boolean) : false;
}

/**
 * `input_shape=(…)`, `batch_input_shape=(…)` or the legacy `input_dim=n` on a layer's constructor.
 * An Embedding's `input_dim` is its vocabulary, not its input: its input is `(None, input_length)`
 * where tf.keras 2's `input_length` is given.
 */
function declaredInput(cfg: LayerConfig, spec: KerasLayerSpec | undefined): Shape | undefined {
	const dims = (v: Value | undefined): Shape | undefined => {
		const items = asSequence(v);
		if (!items) {
			return undefined;
		}
		const d = items.map((x) => (x.k === 'none' ? null : asInt(x)));
		return d.every((x) => x !== undefined) ? (d as Shape) : undefined;
	};
	// An InputLayer also takes Keras 3's `shape=` / `batch_shape=`.
	const inputLayer = spec?.name === 'InputLayer';
	const inputShape =
		dims(cfg.get('input_shape')) ?? (inputLayer ? dims(cfg.get('shape')) : undefined);
	if (inputShape) {
		return [null, ...inputShape];
	}
	const batchShape =
		dims(cfg.get('batch_input_shape')) ??
		(inputLayer ? dims(cfg.get('batch_shape')) : undefined);
	if (batchShape) {
		return batchShape;
	}
	if (spec?.args.some(([name]) => name === 'input_dim')) {
		const length = asInt(cfg.get('input_length'));
		return length !== undefined ? [null, length] : undefined;
	}
	const dim = asInt(cfg.get('input_dim'));
	return dim !== undefined ? [null, dim] : undefined;
}
