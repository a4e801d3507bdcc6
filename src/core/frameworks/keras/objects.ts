// The Keras object model: layers, symbolic tensors, initializers, variables and models.
import type { Shape, TextRange, WeightInfo } from '../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../python/interpreter';
import type { CallSites } from '../../python/parse';
import { asSequence, Cause, ClassValue, FrameworkObject, Value } from '../../python/values';
import type { KerasLayerSpec } from './catalogue';
import type { LayerConfig } from './rules';

/** A layer: its class and arguments; once built, its input and output shapes and its weights. */
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
	/** Why a layer the code seems to declare an input for is not built by it (said where it stays unbuilt). */
	notBuiltWhy?: string;
	/** Why the input it was called on (or that reached it in a Sequential) has no shape NormLens knows. */
	inputCause?: Cause;
	/** Why its output shape is unknown though it was called: what its own `call` returned (a custom layer). */
	outputCause?: Cause;
	/** A Lambda whose function returned a list of tensors: their shapes (a row shows no one shape). */
	severalOutputs?: (Shape | null)[];
	/** Input shape declared on the layer itself (`input_shape=`), used by Sequential. */
	declaredInput: Shape | undefined;
	/** Built by a bundled model zoo's code (keras.applications): its findings are not the user's to fix. */
	library = false;
	/** How often the layer was called on tensors, and its first output (`layer.output`). */
	calls = 0;
	firstOutput: KerasTensor | undefined;
	/** A model used as a layer (`base(inputs)`): its weights are the nested model's. */
	nested: KerasModel | undefined;
	/** Where `adapt(data)` gave it a vocabulary from the data (a TextVectorization, a lookup layer). */
	adaptedOn?: Cause;
	/** A source subclass of a catalogue layer that is that layer (`class MCDropout(Dropout)`). */
	pyClass?: ClassValue;

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

	/** A model used as a layer: code given the layer may change the model. */
	held(): FrameworkObject[] {
		return this.nested ? [this.nested] : [];
	}
}

/** A symbolic tensor: its shape, the layer whose call made it, and that call's input tensors. */
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

	/** Why `shape` is unknown, where NormLens knows it (`keras.Input(shape=x_train.shape[1:])`). */
	shapeCause?: Cause;

	/**
	 * The items of a small int tensor that the graph knows before it runs, flattened: `tf.shape(x)`
	 * is x's dimensions (null for a None one), `tf.shape(x)[1]` one of them. What a reshape reads.
	 */
	values?: (number | null)[];

	/**
	 * A NumPy array (`np.zeros(…)`, `mnist.load_data()`, what NumPy functions make of one): it has
	 * NumPy's methods (`astype`, `reshape`, …), which a TensorFlow tensor has not.
	 */
	ndarray?: boolean;

	/** The labels of a dataset Keras documents (MNIST's digits): how many classes, each present. */
	classes?: number;

	/** An item assignment (`a[0] = 10`) or a call that may write into it: its values are stale. */
	written(): void {
		this.values = undefined;
		this.classes = undefined;
	}

	/** `if x:` of a symbolic tensor is TensorFlow's error, of a concrete one its value: not known. */
	truth(): boolean | undefined {
		return undefined;
	}
}

/**
 * Whether a tensor holds values, made from no Input (`tf.zeros(…)`, a NumPy array, what operations
 * on those make): computed at once, in no model's graph, so no layer row is made for it.
 */
export function isConcrete(t: KerasTensor): boolean {
	return t.producer === null && !t.opaque && t.inputs.every(isConcrete);
}

/**
 * Why a symbolic tensor's shape is unknown: where it arose (an Input whose shape comes from the
 * data, a call NormLens cannot follow, a layer's call that returned no tensor it knows), found
 * through the tensors it was computed from, so that a `?` ten layers later still points at the
 * place that lost the shape. Undefined for a known shape, or where no cause was recorded.
 */
export function tensorShapeCause(t: KerasTensor): Cause | undefined {
	// Depth first from t through the inputs, each tensor once: the graphs are DAGs with many paths.
	const seen = new Set<KerasTensor>();
	const stack = [t];
	while (stack.length > 0) {
		const x = stack.pop() as KerasTensor;
		if (seen.has(x) || x.shape !== null || noShapeCause.has(x)) {
			continue;
		}
		seen.add(x);
		const c =
			x.shapeCause ??
			(x.opaque
				? (x.opaque.cause ?? {
						reason: `NormLens cannot follow \`${x.opaque.what}\``,
						range: x.opaque.range,
					})
				: x.producer?.taint);
		if (c) {
			// Remembered: a long chain of unknown shapes is walked once.
			t.shapeCause = c;
			return c;
		}
		stack.push(...x.inputs);
	}
	for (const x of seen) {
		noShapeCause.add(x);
	}
	return undefined;
}

/** Tensors of unknown shape whose graph records no cause (walked once, not again). */
const noShapeCause = new WeakSet<KerasTensor>();

/** An initializer object (`tf.random_normal_initializer()`): calling it with a shape makes a tensor of that shape. */
export class KerasInitializer implements FrameworkObject {
	readonly framework = 'keras';
	readonly kind = 'initializer';
}

/** A regularizer or constraint (`regularizers.l2(0.01)`, `constraints.max_norm(3)`): a setting of a layer's weights, none of its own. */
export class KerasWeightSetting implements FrameworkObject {
	readonly framework = 'keras';
	readonly kind = 'weight setting';
}

/**
 * `InputSpec(ndim=3)`, which a custom layer sets as `self.input_spec`: what inputs the layer
 * accepts (Keras checks them when it is called), no layer and no weights.
 */
export class KerasInputSpec implements FrameworkObject {
	readonly framework = 'keras';
	readonly kind = 'input spec';
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
		/** Made by `tf.Variable(…)`: TensorFlow's variable, which Keras 3 does not track as a weight. */
		readonly fromTensorFlow = false,
	) {}
}

/** A Sequential, functional or subclassed model (or Layer subclass): layers, inputs, outputs. */
export class KerasModel implements FrameworkObject {
	readonly framework = 'keras';
	readonly kind = 'model';
	unknownCause?: Cause;
	taint?: Cause;
	/** Its `layers`, whose order depends on the Keras version, were read by position (layerOrder.ts). */
	readByPosition?: Cause;
	trainable = true;
	layers: KerasLayer[] = [];
	inputShape: Shape | undefined;
	/** Why a Sequential's input has no shape NormLens knows (an `Input` whose shape comes from the data). */
	inputCause?: Cause;
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
	/** A functional model's outputs as given to Model (a tensor, or a list, tuple or dict of them): what a call returns. */
	outputsGiven: Value | undefined;

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
	/** A Sequential's input as given: the tensor of an `Input` or an `InputLayer` added first. */
	inputGiven: KerasTensor | KerasLayer | undefined;
	/** The name Keras 3 gave the InputLayer it made from the first layer's `input_shape=`, when it made it. */
	inputName: string | undefined;
	/** A Sequential's graph once read (`seq.output`): its input's tensor and each layer's output, for this many layers. */
	graph: { input: KerasTensor; output: KerasTensor; count: number } | undefined;

	constructor(
		/** A subclass of keras.Model given inputs and outputs is functional (`connect`, models.ts). */
		public modelKind: 'sequential' | 'functional' | 'subclass',
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

	/** Its layers, which other models may share (`Sequential(model.layers[:-1])`). */
	held(): FrameworkObject[] {
		return this.layers;
	}
}

/**
 * Adds the tensors of a (nested) list, tuple or dict of symbolic tensors to `into`; false when some
 * part is not a tensor (then what was found is still added). Nothing at all is an empty structure.
 */
export function collectTensors(v: Value | undefined, into: KerasTensor[]): boolean {
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
