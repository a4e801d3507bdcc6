// Keras models built: Sequential and functional models, a model called as a layer, model.add_loss.
import type { Shape, TextRange } from '../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../python/interpreter';
import {
	asString,
	Cause,
	causeOf,
	findMethod,
	firstCause,
	NONE,
	tuple,
	UNKNOWN,
	Value,
} from '../../python/values';
import { kerasLayerSpec } from './catalogue';
import { kerasLayerOrder } from './graphOrder';
import { markVersionedLayers } from './layerOrder';
import { intermediateStarts, notTensorCause } from './modelEnds';
import { apply, traceLambda } from './layers';
import { collectTensors, KerasLayer, KerasModel, KerasTensor, tensorShapeCause } from './objects';
import type { KerasSession } from './session';

/** `keras.Sequential([...])`: a model of these layers, built in order once its input is known. */
export function sequential(s: KerasSession, args: CallArgs, ctx: CallContext): Value {
	const name = asString(args.keywords.get('name')) ?? s.uniqueName('sequential');
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
		addToSequential(s, model, v);
	}
	const trainable = args.keywords.get('trainable');
	if (trainable?.k === 'bool') {
		model.trainable = trainable.v;
	}
	s.models.push(model);
	return { k: 'obj', obj: model };
}

/** `model.add(layer)`: a layer, a model or an Input appended to a Sequential. */
export function addToSequential(s: KerasSession, model: KerasModel, v: Value): void {
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
			s.uniqueName('unknown'),
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
	const first = model.layers.length === 0 && model.inputShape === undefined;
	if (v.obj instanceof KerasTensor && v.obj.producer?.type === 'InputLayer') {
		model.inputShape = v.obj.shape ?? undefined;
		model.inputCause = v.obj.shapeCause;
		model.inputGiven = v.obj;
	} else if (v.obj instanceof KerasModel) {
		// A model added to a Sequential is one layer of it (a custom Layer subclass too, under its class's name).
		const nested = v.obj;
		const layer = s.modelLayer(nested);
		if (nested.modelKind === 'subclass' && !layer.built) {
			// Built when the Sequential is (buildSequential), on the shape that reaches it.
			model.layers.push(layer);
			return;
		}
		layer.built = true;
		// A Sequential built on its first layer's `input_dim=` / `input_shape=` has that input, and
		// its last layer's output (a GAN's `Sequential([generator, discriminator])`).
		const inShape =
			nested.modelKind === 'functional'
				? (nested.inputs[0]?.shape ?? null)
				: (nested.inputShape ?? nested.layers[0]?.declaredInput ?? null);
		layer.inputShapes = inShape ? [inShape] : null;
		layer.outputShape =
			nested.modelKind === 'functional'
				? nested.outputs.length === 1
					? nested.outputs[0].shape
					: null
				: inShape
					? (nested.layers.at(-1)?.outputShape ?? null)
					: null;
		if (model.layers.length === 0 && inShape) {
			model.inputShape ??= inShape;
		}
		model.layers.push(layer);
	} else if (v.obj instanceof KerasLayer) {
		if (v.obj.type === 'InputLayer') {
			model.inputShape = v.obj.outputShape ?? v.obj.declaredInput;
			model.inputGiven = v.obj;
		} else {
			model.layers.push(v.obj);
		}
	}
	const added = model.layers[model.layers.length - 1];
	if (added && !s.sequentialOf.has(added)) {
		s.sequentialOf.set(added, model);
	}
	if (
		first &&
		s.dialect.naming === 'keras3' &&
		(added?.declaredInput || model.inputShape !== undefined) &&
		!model.inputGiven
	) {
		// Keras 3 makes the InputLayer as the first layer is added (from its `input_shape=`, or the
		// input of a model added first): its automatic name is taken now, before later Inputs'.
		model.inputName = s.uniqueName('input', 'input');
	}
}

/** `keras.Model(inputs, outputs)`: a functional model of the layers between them. */
export function functional(s: KerasSession, args: CallArgs, ctx: CallContext): Value {
	const kw = args.keywords;
	if ((kw.has('input') || kw.has('output')) && !functionalInitArgs(args)) {
		// Keras 1's `Model(input=…, output=…)`, which standalone Keras 2 still took (with a warning,
		// legacy_model_constructor_support); tf.keras and Keras 3 raise TypeError. The model is the
		// same where it is taken.
		const renamed = new Map(
			[...kw].map(([k, v]) => [k === 'input' ? 'inputs' : k === 'output' ? 'outputs' : k, v]),
		);
		const model = functionalModel(s, { ...args, keywords: renamed }, ctx, undefined);
		if (s.dialect.naming !== 'legacy') {
			model.unknownCause ??= {
				reason: `\`Model(input=…, output=…)\` is Keras 1's API: standalone Keras 2 still takes it, tf.keras and Keras 3 raise TypeError, and this code is read as ${s.dialect.naming === 'keras3' ? 'Keras 3' : 'tf.keras'} (${s.dialect.evidence})`,
				range: model.range,
			};
		}
		return { k: 'obj', obj: model };
	}
	return { k: 'obj', obj: functionalModel(s, args, ctx, undefined) };
}

/**
 * Whether arguments given to `keras.Model` (or a subclass of it) are those of a functional model:
 * Keras's own test (`functional_init_arguments` in Keras 3, `is_functional_model_init_params` in
 * tf.keras 2): two positional, one positional and `outputs=`, or `inputs=` and `outputs=`.
 */
export function functionalInitArgs(args: CallArgs): boolean {
	const n = args.positional.length;
	const kw = args.keywords;
	return n === 2 || (n === 1 && kw.has('outputs')) || (kw.has('inputs') && kw.has('outputs'));
}

/**
 * A functional model of these arguments. `stem` names a subclass of `keras.Model` made with
 * them (`MaskedLanguageModel(inputs, outputs)`): Keras names it after its class.
 */
export function functionalModel(
	s: KerasSession,
	args: CallArgs,
	ctx: CallContext,
	stem: string | undefined,
): KerasModel {
	const name =
		asString(args.keywords.get('name')) ??
		(stem ? s.uniqueName(stem) : s.uniqueName('model', 'model'));
	const model = new KerasModel(
		'functional',
		name,
		ctx.assignedTo,
		ctx.range(args.node),
		ctx.depth === 0,
	);
	model.library = ctx.library;
	connect(s, model, args);
	markVersionedLayers(s, model);
	s.models.push(model);
	return model;
}

/**
 * The layers between a functional model's inputs and outputs; `super().__init__(inputs, outputs)`
 * in a subclass's own `__init__` makes it functional this way too (Keras's
 * `inject_functional_model_class`).
 */
export function connect(s: KerasSession, model: KerasModel, args: CallArgs): void {
	model.modelKind = 'functional';
	model.inputs = [];
	model.outputs = [];
	collectTensors(args.positional[0] ?? args.keywords.get('inputs'), model.inputs);
	const outputsValue = args.positional[1] ?? args.keywords.get('outputs');
	const outputsKnown = collectTensors(outputsValue, model.outputs);
	model.outputsGiven = outputsValue;
	const starts = intermediateStarts(s, model);
	const { layers, opaque } = graphLayers(s, model.inputs, model.outputs, starts);
	model.layers = layers;
	// Outputs NormLens could not compute keep the first cause of that (a statement left out, an unknown call).
	model.unfollowed =
		opaque ??
		(outputsKnown
			? undefined
			: {
					what: 'the outputs passed to Model',
					range: model.range,
					cause: causeOf(outputsValue) ?? notTensorCause(outputsValue, model.range),
				});
}

/** Layers between the inputs and outputs of a functional model, in Keras's order (kerasLayerOrder). */
export function graphLayers(
	s: KerasSession,
	inputs: KerasTensor[],
	outputs: KerasTensor[],
	startsAt?: ReadonlyMap<KerasTensor, KerasLayer>,
): { layers: KerasLayer[]; opaque: KerasTensor['opaque'] } {
	// Tensor ids grow in call order, so the reached tensors indexed by id are in call order: the
	// first unfollowed call in the code is the one reported.
	const reached = new Array<KerasTensor | undefined>(s.tensorIds);
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
	return { layers: kerasLayerOrder(inputs, outputs, startsAt), opaque };
}

/**
 * `model.add_loss(tensor)` on a functional model. tf.keras 2 adds the layers the loss is computed
 * with (its TFOpLambda rows, in their depth order) and an `AddLoss` layer after the model's own;
 * a layer of weights among them is then the model's too. Keras 3 and Keras up to 2.3 add no
 * layer: their counts stay, unless the loss goes through weights NormLens would have to place.
 */
export function addLoss(
	s: KerasSession,
	model: KerasModel,
	loss: Value | undefined,
	range: TextRange,
): void {
	const losses: KerasTensor[] = [];
	if (!loss || !collectTensors(loss, losses) || losses.length === 0) {
		// A constant or a tensor NormLens did not follow: no layer for Keras to add.
		return;
	}
	const { layers: reached, opaque } = graphLayers(s, model.inputs, losses);
	const fresh = reached.filter((l) => !model.layers.includes(l));
	if (opaque) {
		model.unfollowed ??= opaque;
		return;
	}
	if (s.dialect.naming !== 'tf.keras') {
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
		s.uniqueName('add_loss'),
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
	s.layers.push(addLoss);
	model.layers = [...model.layers, ...fresh, addLoss];
}

/** A model called on a tensor becomes one layer of the calling model, as in Keras. */
export function callModel(
	s: KerasSession,
	model: KerasModel,
	args: CallArgs,
	ctx: CallContext,
): Value {
	const layer = s.modelLayer(model);
	const x = args.positional[0];
	// Every tensor passed is an input of the call's node, as Keras records it (keyword ones too:
	// `CTCLayer()(labels, y_pred)` is connected to both), and the layers that made them are the
	// model's. The first input is the one whose shape builds the layer.
	const tensors: KerasTensor[] = [];
	collectTensors(x, tensors);
	for (const v of [...args.positional.slice(1), ...args.keywords.values()]) {
		collectTensors(v, tensors);
	}
	const input = tensors[0];
	if (!input) {
		return UNKNOWN;
	}
	const dims = (t: KerasTensor): Value =>
		t.shape
			? tuple(t.shape.map((d) => (d === null ? NONE : ({ k: 'num', v: d } as Value))))
			: UNKNOWN;
	let out: Shape | null = null;
	if (model.modelKind === 'subclass') {
		const build = model.pyClass ? findMethod(model.pyClass, 'build') : undefined;
		if (build && !model.buildRan) {
			// Keras builds a layer on its first call, with the input's shape (a list of shapes for a
			// list of tensors): weights made there count.
			model.buildRan = true;
			const firstArg: KerasTensor[] = [];
			const listed = collectTensors(x, firstArg) && x?.k !== 'obj';
			const shape: Value = listed
				? { k: 'list', items: firstArg.map(dims) }
				: x?.k === 'obj' && x.obj instanceof KerasTensor
					? dims(x.obj)
					: UNKNOWN;
			ctx.callFunction(
				build.fn,
				{ positional: [shape], keywords: new Map(), node: args.node },
				{ k: 'obj', obj: model },
			);
		}
		const call = model.pyClass ? findMethod(model.pyClass, 'call') : undefined;
		const result = call
			? s.insideLayer(() =>
					// Keras's __call__ fills `training` / `mask` where `call` takes them: no TypeError.
					ctx.callFunction(
						call.fn,
						{ ...args, written: undefined },
						{ k: 'obj', obj: model },
					),
				)
			: UNKNOWN;
		const returned =
			result.k === 'obj' && result.obj instanceof KerasTensor ? result.obj : undefined;
		// `call` returning a tuple or list of tensors (`return self.d1(x), self.d2(x)`): the call
		// returns as many, each of its shape; the row cannot show one shape.
		const items =
			result.k === 'tuple' || result.k === 'list'
				? result.items.flatMap((v) =>
						v.k === 'obj' && v.obj instanceof KerasTensor ? [v.obj] : [],
					)
				: [];
		const several =
			items.length > 1 &&
			(result.k === 'tuple' || result.k === 'list') &&
			items.length === result.items.length
				? items
				: undefined;
		out = returned ? returned.shape : null;
		// Why what `call` returned has no shape: the cause it carries, else its input's.
		const outCause =
			out === null
				? several
					? {
							reason: `\`${model.name}\` returns ${several.length} tensors, which a row of one shape cannot show`,
							range: layer.range,
						}
					: ((returned ? tensorShapeCause(returned) : causeOf(result)) ??
						tensors.map((t) => tensorShapeCause(t)).find((c) => c !== undefined))
				: undefined;
		model.built = true;
		model.inputShape ??= input.shape ?? undefined;
		model.outputShape ??= out;
		if (!layer.built) {
			layer.built = true;
			layer.inputShapes = input.shape ? [input.shape] : null;
			layer.outputShape = out;
			layer.outputCause = outCause;
		}
		for (const t of tensors) {
			if (t.producer && !layer.inbound.includes(t.producer)) {
				layer.inbound.push(t.producer);
			}
		}
		if (several && result.k !== 'obj' && (result.k === 'tuple' || result.k === 'list')) {
			return {
				k: result.k,
				items: several.map((t) => {
					const each = new KerasTensor(s.tensorIds++, t.shape, layer, tensors);
					each.shapeCause = t.shape ? undefined : tensorShapeCause(t);
					return { k: 'obj', obj: each } as Value;
				}),
			};
		}
		// Called directly (model(x)), the subclass is the model; inside another model, one layer.
		const tensor = new KerasTensor(s.tensorIds++, out, layer, tensors);
		tensor.shapeCause = outCause;
		return { k: 'obj', obj: tensor };
	} else if (model.modelKind === 'sequential') {
		model.inputShape ??= input.shape ?? undefined;
		out = buildSequential(s, model);
	} else if (model.outputs.length === 1) {
		out = model.outputs[0].shape;
	}
	// A functional model of several outputs returns them as they were given (`z_mean, z_log_var, z
	// = encoder(x)`): a list, tuple or dict of tensors of the outputs' shapes.
	const given = model.modelKind === 'functional' ? model.outputsGiven : undefined;
	const several =
		(given?.k === 'list' || given?.k === 'tuple' || given?.k === 'dict') &&
		model.outputs.length > 1 &&
		!model.unfollowed
			? given
			: undefined;
	if (!layer.built) {
		layer.built = true;
		layer.inputShapes = input.shape ? [input.shape] : null;
		layer.outputShape = several ? null : out;
		if (several) {
			layer.outputCause = {
				reason: `\`${model.name}\` returns ${model.outputs.length} outputs, which a row of one shape cannot show`,
				range: layer.range,
			};
		}
	}
	for (const t of tensors) {
		if (t.producer && !layer.inbound.includes(t.producer)) {
			layer.inbound.push(t.producer);
		}
	}
	if (several) {
		const each = (v: Value): Value =>
			v.k === 'obj' && v.obj instanceof KerasTensor
				? { k: 'obj', obj: new KerasTensor(s.tensorIds++, v.obj.shape, layer, tensors) }
				: UNKNOWN;
		return several.k === 'dict'
			? { k: 'dict', entries: new Map([...several.entries].map(([k, v]) => [k, each(v)])) }
			: { k: several.k, items: several.items.map(each) };
	}
	return { k: 'obj', obj: new KerasTensor(s.tensorIds++, out, layer, tensors) };
}

/**
 * Builds a Sequential model's layers in order; returns its output shape. `onStep` sees each layer
 * with what comes out of it (and why that is unknown).
 */
export function buildSequential(
	s: KerasSession,
	model: KerasModel,
	onStep?: (layer: KerasLayer, out: Shape | null, why: Cause | undefined) => void,
): Shape | null {
	if (model.unknownCause && model.layers.length === 0) {
		// Layers NormLens could not list: what comes out of them is unknown, not the input.
		return null;
	}
	let shape: Shape | null = model.inputShape ?? model.layers[0]?.declaredInput ?? null;
	// Why the shape reaching each layer is unknown: the model's input (an `Input` or an
	// `input_shape=` read from the data), then the first layer that lost it.
	let why: Cause | undefined =
		shape === null
			? (model.inputCause ?? firstCause(model.layers[0]?.config.values() ?? []))
			: undefined;
	for (const layer of model.layers) {
		if (!shape && why) {
			layer.inputCause ??= why;
		}
		const out = sequentialStep(s, model, layer, shape, why);
		if (out === null && shape !== null) {
			why = layer.unknownCause ??
				layer.taint ??
				layer.outputCause ??
				firstCause(layer.config.values()) ?? {
					reason: `NormLens cannot compute the output shape of ${layer.type} \`${layer.name}\``,
					range: layer.range,
				};
		}
		onStep?.(layer, out, out === null ? why : undefined);
		shape = out;
	}
	model.layers.forEach((layer, i) => {
		const prev = model.layers[i - 1];
		if (prev && !layer.inbound.includes(prev)) {
			layer.inbound.push(prev);
		}
	});
	return shape;
}

/** One layer of a Sequential built on the shape that reaches it (`why`: why that is unknown); its output shape. */
function sequentialStep(
	s: KerasSession,
	model: KerasModel,
	layer: KerasLayer,
	shape: Shape | null,
	why: Cause | undefined,
): Shape | null {
	const nested = layer.nested;
	if (nested?.modelKind === 'subclass' && !layer.built) {
		// A custom layer: Keras builds it on the first input (its build, then its call); without one its weights are unknown.
		const bc = model.buildContext;
		if (shape && bc) {
			const out = callModel(
				s,
				nested,
				{
					positional: [
						{
							k: 'obj',
							obj: new KerasTensor(s.tensorIds++, shape, null, []),
						},
					],
					keywords: new Map(),
					node: bc.node,
				},
				bc.ctx,
			);
			return out.k === 'obj' && out.obj instanceof KerasTensor ? out.obj.shape : null;
		}
		nested.unknownCause ??= why ?? {
			reason: `\`${layer.name}\` is never built on an input NormLens can follow, so its weights are unknown`,
			range: layer.range,
		};
		return null;
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
		layer.outputShape = buildSequential(s, nested);
	}
	if (layer.built) {
		return layer.outputShape;
	}
	if (layer.type === 'Lambda' && shape && model.buildContext) {
		// Keras finds a Lambda's output shape by calling its function, in a Sequential too.
		return traceLambda(s, layer, [shape], model.buildContext.ctx);
	}
	return layer.nested ? layer.outputShape : apply(s, layer, shape ? [shape] : null, layer.range);
}

/** `model.layers` as Keras lists it: a Sequential's without its InputLayer, a functional model's with them. */
export function visibleLayers(model: KerasModel): KerasLayer[] {
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
