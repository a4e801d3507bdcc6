// The Keras runtime the interpreter calls: what a call, method, attribute or operator does.
import type { SummarySnapshot } from '../../notebook/printedSummary';
import type { Finding } from '../../diagnostics/group';
import type { LayerSummary, ModelSummary, Shape, TextRange } from '../../../protocol/analysis';
import type { CallArgs, CallContext, Runtime } from '../../python/interpreter';
import {
	asSequence,
	asInt,
	Cause,
	causeOf,
	ClassValue,
	FrameworkObject,
	NONE,
	tuple,
	unknown,
	UNKNOWN,
	Value,
} from '../../python/values';
import { TRUSTED_METHODS } from '../../python/trusted';
import { KERAS_BACKEND } from './backend';
import { kerasLayerSpec } from './catalogue';
import { checkBatchNormAxis, checkRedundantBias } from './checks';
import { KerasDialect, kerasDialect } from './dialect';
import {
	apply as applyLayer,
	callLayer,
	callMerge,
	addonLayer,
	createLayer,
	declaredInput,
	input,
} from './layers';
import { tensorItem } from './indexing';
import { legacyArgs } from './legacy';
import { LAYER_METHODS } from './layerMethods';
import { MODEL_METHODS, summaryOfOpaqueTensor, summaryOfUnknown } from './methods';
import { layerShape, layerTensor, modelTensors, shapeTuple } from './modelTensors';
import { dataCall, ndarrayAttr, ndarrayMethod } from './numpyArrays';
import {
	buildSequential,
	callModel,
	connect,
	functional,
	functionalInitArgs,
	sequential,
} from './models';
import { layersAttribute } from './layerOrder';
import {
	KerasInitializer,
	KerasWeightSetting,
	KerasInputSpec,
	KerasLayer,
	KerasModel,
	KerasTensor,
	tensorShapeCause,
} from './objects';
import {
	callPath,
	isLayerNamespace,
	isPlainFunction,
	kerasExports,
	kerasSubpath,
	MERGE_FUNCTIONS,
} from './paths';
import { KerasSession } from './session';
import { binaryOp, tfFunctionCall } from './tfCalls';
import {
	instantiate as instantiateSubclass,
	setAttr as setSubclassAttr,
	variable,
} from './subclass';
import {
	layerSummary as layerRow,
	summaries as modelSummaries,
	totalsNow as modelTotalsNow,
} from './summary';

export { KerasInitializer, KerasLayer, KerasModel, KerasTensor, KerasVariable } from './objects'; // as before the split (#17)
export { kerasSubpath } from './paths';
export { toSnakeCase } from './session';

/**
 * Everything the Keras side of the interpreter knows about calls into `keras`. The work is done by
 * the files beside it, as functions of one KerasSession: layers.ts (made and called), models.ts
 * (Sequential, functional), subclass.ts, methods.ts and backend.ts (tables by name), ops.ts (TensorFlow
 * functions, by name), summary.ts and checks.ts (what is reported).
 */
export class KerasRuntime implements Runtime {
	private readonly s: KerasSession;
	readonly layers: KerasLayer[];
	readonly models: KerasModel[];
	readonly diagnostics: Finding[];
	/** The models `model.summary()` printed, as they were at each call. */
	readonly summarySnapshots: SummarySnapshot[];

	/** @param dialect which Keras the analysed source is written for (automatic names, Keras 1 arguments). */
	constructor(readonly dialect: KerasDialect = kerasDialect('')) {
		this.s = new KerasSession(dialect);
		this.layers = this.s.layers;
		this.models = this.s.models;
		this.diagnostics = this.s.diagnostics;
		this.summarySnapshots = this.s.summarySnapshots;
	}

	callRef(path: string, args: CallArgs, ctx: CallContext): Value | undefined {
		const data = dataCall(this.s, path, args, ctx);
		if (data) {
			return data;
		}
		const tf = tfFunctionCall(this.s, path, args, ctx);
		if (tf) {
			return tf;
		}
		const addon = addonLayer(this.s, path, args, ctx);
		if (addon) {
			return { k: 'obj', obj: addon };
		}
		const { sub } = callPath(path);
		// tf.Variable and tf's initializers live beside keras, not in it.
		const tfRoot = /^(?:tensorflow|tf)\.(Variable|[a-z_]+_initializer)$/.exec(path)?.[1];
		const parts = tfRoot ? [tfRoot] : sub;
		if (!parts || parts.length === 0) {
			return undefined;
		}
		const name = parts[parts.length - 1];
		const module = parts.slice(0, -1);
		const setting = module.length === 1 && /^(regularizers|constraints)$/.test(module[0]);
		if (
			setting ||
			(name.endsWith('_initializer') && module.length === 0) ||
			(module.length === 1 && module[0] === 'initializers' && /^[A-Z]/.test(name))
		) {
			// `tf.random_normal_initializer()`: called with a shape, a tensor of that shape; `l2(…)`: no weights.
			return { k: 'obj', obj: setting ? new KerasWeightSetting() : new KerasInitializer() };
		}
		if (name === 'Variable' && module.length === 0) {
			return variable(
				args.positional[0] ?? args.keywords.get('initial_value'),
				args.keywords.get('trainable'),
				args,
				ctx,
				tfRoot ? 'tf.Variable' : 'keras.Variable',
			);
		}
		// Keras 2's `keras.engine` (`keras.engine.topology.Input`) held what `keras.models` / `layers` export.
		const engine = module[0] === 'engine';
		if (name === 'get_source_inputs') {
			// keras.utils.get_source_inputs(t): the inputs t is computed from (what keras.applications
			// builds its model from when given input_tensor=, so layers before it are the model's).
			return sourceInputs(args.positional[0] ?? args.keywords.get('tensor'));
		}
		if (name === 'InputSpec' && (isLayerNamespace(module) || engine)) {
			return { k: 'obj', obj: new KerasInputSpec() };
		}
		// Keras 2's keras.models re-exports Input (`from keras.models import Input, Model`).
		if (
			name === 'Input' &&
			(module.length === 0 || isLayerNamespace(module) || engine || module[0] === 'models')
		) {
			return input(this.s, args, ctx);
		}
		if (name === 'Sequential' && (module.length === 0 || module[0] === 'models' || engine)) {
			return sequential(this.s, args, ctx);
		}
		// `Functional`, the class `Model(inputs, outputs)` makes: `keras.models` re-exports it in 2.9–2.15.
		const modelClass = name === 'Model' || (name === 'Functional' && module.length > 0);
		if (modelClass && (module.length === 0 || module[0] === 'models' || engine)) {
			return functional(this.s, args, ctx);
		}
		if (module[0] === 'backend' || module.join('.') === 'config') {
			// keras.backend.image_data_format() and friends: the global format, as set by the program.
			return KERAS_BACKEND.get(name)?.(this.s, args, ctx);
		}
		// keras.layers.add([a, b]) and friends: build the merge layer and call it at once.
		const merge =
			isLayerNamespace(module) || module.length === 0 ? MERGE_FUNCTIONS[name] : undefined;
		if (merge) {
			return callMerge(this.s, merge, name, args, ctx);
		}
		if (module.length === 0 || isLayerNamespace(module)) {
			const spec = kerasLayerSpec(name);
			if (spec) {
				const legacy = legacyArgs(this.s, path, spec, args, ctx);
				if ('reason' in legacy) {
					const layer = createLayer(this.s, name, undefined, args, ctx);
					layer.unknownCause = { reason: legacy.reason, range: layer.range };
					this.s.diagnostics.push({
						range: layer.range,
						severity: legacy.severity ?? 'warning',
						code: 'keras1-api',
						message: `${legacy.reason}.`,
					});
					return { k: 'obj', obj: layer };
				}
				const layer = createLayer(this.s, name, spec, legacy.args, ctx);
				if (
					name === 'StringLookup' &&
					module.includes('experimental') &&
					!legacy.args.keywords.has('mask_token') &&
					legacy.args.positional.length < 3
				) {
					// TF 2.4–2.5's experimental StringLookup defaulted mask_token to '' (an extra index);
					// from TF 2.6 it is None, and the experimental alias follows the TF at hand.
					layer.config.set(
						'mask_token',
						unknown({
							reason: "the experimental StringLookup's default mask_token was '' before TensorFlow 2.6 and None since: give mask_token",
							range: layer.range,
						}),
					);
				}
				return { k: 'obj', obj: layer };
			}
			if (/^[A-Z]/.test(name) && isLayerNamespace(module)) {
				const layer = createLayer(this.s, name, undefined, args, ctx);
				this.s.diagnostics.push({
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
		return binaryOp(this.s, op, a, b, range);
	}

	summaryOfUnknown(label: string, cause: Cause, range: TextRange): void {
		summaryOfUnknown(this.s, label, cause, range);
	}

	callKeepsCounts(obj: FrameworkObject): true | undefined {
		if (obj instanceof KerasLayer) {
			return obj.built || obj.spec?.weights === 'none' ? true : undefined;
		}
		if (obj instanceof KerasModel) {
			// A Sequential given its input (an `Input`, a first layer's `input_shape=`) is built when
			// made; without one, its first call builds it.
			const built =
				obj.modelKind === 'functional' ||
				(obj.modelKind === 'subclass'
					? obj.built
					: obj.inputShape !== undefined ||
						obj.layers[0]?.declaredInput !== undefined ||
						(obj.layers.length > 0 && obj.layers.every((l) => l.built)));
			return built ? true : undefined;
		}
		return undefined;
	}

	exportsName(module: string, name: string): boolean | undefined {
		return kerasExports(module, name);
	}

	/** A source subclass of keras.Model or keras.layers.Layer: a model whose layers are its attributes. */
	instantiate(
		cls: ClassValue,
		bases: string[],
		args: CallArgs,
		ctx: CallContext,
	): FrameworkObject | undefined {
		return instantiateSubclass(this.s, cls, bases, args, ctx);
	}

	setAttr(obj: FrameworkObject, name: string, value: Value): boolean {
		if (
			obj instanceof KerasModel &&
			name === 'trainable' &&
			value.k === 'bool' &&
			this.s.dialect.naming === 'legacy'
		) {
			// Standalone Keras up to 2.3: a Network's `trainable` is its own flag, not its layers'
			// (keras/engine/network.py: "It does not affect users of the underlying layers"); a new
			// model built from those layers finds them trainable.
			obj.trainable = value.v;
			return true;
		}
		return setSubclassAttr(this.s, obj, name, value);
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
				? { k: 'obj', obj: new KerasTensor(this.s.tensorIds++, dims as Shape, null, []) }
				: unknown(causeOf(arg));
		}
		if (obj instanceof KerasLayer) {
			return callLayer(this.s, obj, args, ctx);
		}
		if (obj instanceof KerasModel) {
			return callModel(this.s, obj, args, ctx);
		}
		return undefined;
	}

	callMethod(
		obj: FrameworkObject,
		name: string,
		args: CallArgs,
		ctx: CallContext,
	): Value | undefined {
		if (obj instanceof KerasModel) {
			// A method not in the table, or not for this kind of model: the interpreter decides
			// (trusted, or it may change the model).
			return MODEL_METHODS.get(name)?.(this.s, obj, args, ctx, name);
		}
		if (obj instanceof KerasLayer) {
			// A method not in the table, or not for this layer: the interpreter decides.
			return LAYER_METHODS.get(name)?.(this.s, obj, args, ctx);
		}
		if (obj instanceof KerasTensor && name === 'summary') {
			return summaryOfOpaqueTensor(this.s, obj, args, ctx);
		}
		if (obj instanceof KerasTensor && name === '__getitem__') {
			return tensorItem(this.s, obj, args.positional[0], ctx.range(args.node));
		}
		if (obj instanceof KerasTensor) {
			const v = ndarrayMethod(this.s, obj, name, args, ctx.range(args.node));
			if (v) {
				return v;
			}
		}
		if (obj instanceof KerasTensor && name === 'get_shape' && args.positional.length === 0) {
			// TensorFlow's `t.get_shape()` is `t.shape`.
			return this.getAttr(obj, 'shape');
		}
		return undefined;
	}

	/** `super().__init__(…)` and `super().build(…)` of a Keras Layer or Model subclass: nothing NormLens counts happens there. */
	callBaseMethod(obj: FrameworkObject, name: string, args: CallArgs): Value | undefined {
		if (
			obj instanceof KerasModel &&
			obj.modelKind === 'subclass' &&
			!obj.isLayer &&
			name === '__init__' &&
			functionalInitArgs(args)
		) {
			// `super().__init__(inputs, outputs)` in a Model subclass's own `__init__`: a functional model.
			connect(this.s, obj, args);
			return NONE;
		}
		if (
			(obj instanceof KerasModel || obj instanceof KerasLayer) &&
			(name === '__init__' || (name === 'build' && obj instanceof KerasModel))
		) {
			if (obj instanceof KerasModel && obj.isLayer && name === '__init__') {
				// `super().__init__(**kwargs)` given `input_shape=`: Layer.__init__ keeps it, and a
				// Sequential it comes first in is built on it, as on a built-in layer's.
				this.s.modelLayer(obj).declaredInput ??= declaredInput(
					args.keywords,
					undefined,
					true,
				);
			}
			return NONE;
		}
		if (obj instanceof KerasModel && TRUSTED_METHODS['keras.model'].has(name)) {
			// `super().compile()` in an overridden compile (keras-io's GAN examples): Keras's own
			// compile, fit, … read or train the model and never add a layer nor change trainability.
			return NONE;
		}
		return undefined;
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
			if (obj.ndarray && obj.shape?.includes(null)) {
				// A NumPy array has no None size: one NormLens does not know (how many padded
				// sequences) is unknown, the others exact (`X.shape[1]` is the maxlen).
				const why = unknown(obj.shapeCause ?? tensorShapeCause(obj));
				return tuple(
					obj.shape.map((d) => (d === null ? why : ({ k: 'num', v: d } as Value))),
				);
			}
			// TensorFlow's TensorShape (Keras 2) equals a list of its sizes, Keras 3's tuple does not.
			return obj.shape
				? { ...(shapeTuple(obj.shape) as Value & { k: 'tuple' }), tensorShape: true }
				: unknown(tensorShapeCause(obj));
		}
		if (obj instanceof KerasTensor && obj.ndarray) {
			const v = ndarrayAttr(this.s, obj, name);
			if (v) {
				return v;
			}
		}
		if ((obj instanceof KerasLayer || obj instanceof KerasModel) && name === 'name') {
			return { k: 'str', v: obj.name };
		}
		if ((obj instanceof KerasLayer || obj instanceof KerasModel) && name === 'trainable') {
			return { k: 'bool', v: obj.trainable };
		}
		if (obj instanceof KerasModel && name === 'layers' && obj.modelKind !== 'subclass') {
			return layersAttribute(this.s, obj);
		}
		if (obj instanceof KerasModel && /^(?:out|in)puts?(?:_shape)?$/.test(name)) {
			const graph = modelTensors(this.s, obj);
			if (graph) {
				if ('reason' in graph) {
					return unknown(graph);
				}
				// The model's tensors, or Keras 2's `model.output_shape` (their shapes); a list for
				// several; `inputs` / `outputs` always a list.
				const ts = name.startsWith('output') ? graph.outputs : graph.inputs;
				const tensor = (t: KerasTensor): Value => ({ k: 'obj', obj: t });
				if (name.endsWith('_shape')) {
					const shapeOf = (t: KerasTensor): Value =>
						t.shape ? shapeTuple(t.shape) : unknown(tensorShapeCause(t));
					return ts.length === 1 ? shapeOf(ts[0]) : { k: 'list', items: ts.map(shapeOf) };
				}
				return name.endsWith('s')
					? { k: 'list', items: ts.map(tensor) }
					: ts.length === 1
						? tensor(ts[0])
						: tuple(ts.map(tensor));
			}
		}
		if (obj instanceof KerasLayer && obj.built && obj.weights) {
			// `self.conv.kernel` of a built layer (keras-io's PixelCNN masks it): a tensor of the
			// weight's shape to compute with. Not a new variable: the weight is the layer's own.
			const weight = obj.weights.find((w) => w.name === name);
			if (weight) {
				return {
					k: 'obj',
					obj: new KerasTensor(this.s.tensorIds++, weight.shape, null, []),
				};
			}
		}
		if (obj instanceof KerasLayer && (name === 'output' || name === 'input')) {
			return layerTensor(this.s, obj, name);
		}
		if (obj instanceof KerasLayer && (name === 'output_shape' || name === 'input_shape')) {
			return layerShape(this.s, obj, name);
		}
		return undefined;
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
		calleePath?: string,
	): Value | undefined {
		const inputs = args.positional
			.flatMap((v) => asSequence(v) ?? [v])
			.flatMap((v) => (v.k === 'obj' && v.obj instanceof KerasTensor ? [v.obj] : []));
		if (inputs.length === 0) {
			return undefined;
		}
		const opaque = { what, range: ctx.range(args.node), cause };
		if (holder instanceof KerasModel && !(calleePath && isPlainFunction(calleePath))) {
			// `self.backbone(x)` with a backbone NormLens cannot read may hold weights; a plain
			// TensorFlow or Keras function (`self.loss_fn = keras.backend.ctc_batch_cost`) holds none.
			holder.unfollowed ??= opaque;
		}
		return { k: 'obj', obj: new KerasTensor(this.s.tensorIds++, null, null, inputs, opaque) };
	}

	/** Builds the layer on its first input (creating its weights) and returns its output shape. */
	apply(layer: KerasLayer, inputs: Shape[] | null, callRange: TextRange): Shape | null {
		return applyLayer(this.s, layer, inputs, callRange);
	}

	/** Builds Sequential models (their layers get shapes in order) once the program has run. */
	finish(): void {
		for (const model of this.s.models) {
			if (model.modelKind === 'sequential') {
				buildSequential(this.s, model);
			}
		}
		checkRedundantBias(this.s);
		checkBatchNormAxis(this.s);
	}

	/** The totals now of the models whose lens is on lines [from, to] (a notebook cell that just ran). */
	totalsNow(
		from: number,
		to: number,
	): { name: string; range: TextRange; totals: ModelSummary['totals'] }[] {
		return modelTotalsNow(this.s, from, to);
	}

	/** The model each summary was made from (which object a model is, for the analysis's bounds). */
	readonly summaryModels = new WeakMap<ModelSummary, KerasModel>();

	summaries(): ModelSummary[] {
		return modelSummaries(this.s, this.summaryModels);
	}

	layerSummary(l: KerasLayer, modelTrainable = true): LayerSummary {
		return layerRow(this.s, l, modelTrainable);
	}
}

/** The tensors `v` is computed from that no layer computed from others: Keras's get_source_inputs. */
function sourceInputs(v: Value | undefined): Value {
	if (!(v?.k === 'obj' && v.obj instanceof KerasTensor)) {
		return UNKNOWN;
	}
	const found: KerasTensor[] = [];
	const seen = new Set<KerasTensor>();
	const stack = [v.obj];
	while (stack.length > 0) {
		const t = stack.pop() as KerasTensor;
		if (seen.has(t)) {
			continue;
		}
		seen.add(t);
		if (t.opaque) {
			// Made by a call NormLens does not follow: its sources are not known.
			return unknown({
				reason: `\`${t.opaque.what}\` cannot be followed back to its inputs`,
				range: t.opaque.range,
			});
		}
		if (t.inputs.length === 0) {
			found.push(t);
		}
		stack.push(...[...t.inputs].reverse());
	}
	return { k: 'list', items: found.map((t) => ({ k: 'obj', obj: t }) as Value) };
}
