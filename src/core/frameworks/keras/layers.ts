// Keras layers made and called: arguments bound to the catalogue, names, shapes and weights.
import type { Shape, TextRange } from '../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../python/interpreter';
import type { CallSites } from '../../python/parse';
import {
	asInt,
	asSequence,
	asString,
	causeOf,
	firstCause,
	tuple,
	unknown,
	UNKNOWN,
	Value,
} from '../../python/values';
import {
	attentionScores,
	initialStates,
	returnedStates,
	stateShape,
	unmergedDirections,
} from './recurrentStates';
import { fromDefault, REQUIRED, ShapeError } from '../common/spec';
import { refusedCall } from './callChecks';
import { KERAS_ADDON_LAYERS, KerasLayerSpec, kerasLayerSpec } from './catalogue';
import { collectTensors, isConcrete, KerasLayer, KerasTensor, tensorShapeCause } from './objects';
import { kerasOutputShape, kerasWeights, LayerConfig } from './rules';
import { KerasSession, toSnakeCase } from './session';

/** A layer's arguments in the catalogue's order, with defaults; a missing required one: error. */
export function bindArgs(
	s: KerasSession,
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
			s.diagnostics.push({
				range,
				severity: 'error',
				code: 'missing-argument',
				message: `${type}() is missing its required argument \`${name}\`.`,
			});
			cfg.set(name, UNKNOWN);
		} else if (name === 'data_format' && def === null) {
			cfg.set(name, dataFormatDefault(s, spec, range));
		} else {
			const before = spec?.beforeTf2Defaults?.[name];
			if (before !== undefined && before !== def && s.dialect.keras2Only) {
				cfg.set(
					name,
					unknown({
						reason: `\`${name}\` defaults to ${String(before)} in standalone Keras up to 2.3 and to ${String(def)} from TensorFlow 2, and ${s.dialect.evidence}`,
						range,
					}),
				);
			} else {
				const old = s.dialect.beforeTf2 ? before : undefined;
				cfg.set(name, fromDefault(old !== undefined ? old : def));
			}
		}
	}
	return cfg;
}

/** `keras.layers.X(…)`: a layer of that class, named as Keras names it, not built yet. */
export function createLayer(
	s: KerasSession,
	type: string,
	spec: KerasLayerSpec | undefined,
	args: CallArgs,
	ctx: CallContext,
	/** The class a subclass of a catalogue layer shows (`MCDropout` for a Dropout). */
	subclass?: string,
): KerasLayer {
	const range = ctx.range(args.node);
	const cfg = bindArgs(s, spec, args, range, type);
	const explicit = asString(cfg.get('name'));
	const shown = subclass ?? spec?.name ?? type;
	// Keras 1 named a layer by its class in lower case (`convolution2d_1`); later Keras in snake case.
	const name = explicit ?? s.uniqueName(s.keras1 ? type.toLowerCase() : toSnakeCase(shown));
	const layer = new KerasLayer(shown, name, spec, cfg, range, ctx.sites(args.node));
	layer.library = ctx.library;
	const trainable = cfg.get('trainable');
	if (trainable?.k === 'bool') {
		layer.trainable = trainable.v;
	}
	layer.declaredInput = declaredInput(cfg, spec, s.dialect.naming !== 'keras3');
	if (
		s.dialect.naming === 'keras3' &&
		cfg.has('input_length') &&
		spec?.args.some(([n]) => n === 'input_dim')
	) {
		layer.notBuiltWhy = `Keras 3 ignores \`input_length\`; read as Keras 3 because ${s.dialect.evidence}`;
	}
	if (args.cause) {
		layer.unknownCause = args.cause;
	}
	s.layers.push(layer);
	return layer;
}

/** A layer of another library that is a catalogue layer with some arguments fixed (KERAS_ADDON_LAYERS), by call path. */
export function addonLayer(
	s: KerasSession,
	path: string,
	args: CallArgs,
	ctx: CallContext,
): KerasLayer | undefined {
	const addon = KERAS_ADDON_LAYERS[path];
	if (!addon) {
		return undefined;
	}
	const fixed = Object.entries(addon.fixed ?? {}).map(
		([k, v]) => [k, { k: 'num', v }] as [string, Value],
	);
	const given = { ...args, keywords: new Map([...args.keywords, ...fixed]) };
	const type = path.slice(path.lastIndexOf('.') + 1);
	return createLayer(s, type, kerasLayerSpec(addon.spec), given, ctx, type);
}

/**
 * `input_shape=(…)`, `batch_input_shape=(…)` or the legacy `input_dim=n` on a layer's constructor.
 * An Embedding's `input_dim` is its vocabulary, not its input: its input is `(None, input_length)`
 * where tf.keras 2's `input_length` is given. Before Keras 3 an Embedding always declared its input
 * (`embedding.py`: `kwargs['input_shape'] = (input_length,)` if given, else `(None,)`), so first in
 * a Sequential it builds the model on `(None, None)`. Keras 3 dropped both: it ignores
 * `input_length` (`embeddingDeclares` false), so such a Sequential is not built.
 */
export function declaredInput(
	cfg: LayerConfig,
	spec: KerasLayerSpec | undefined,
	embeddingDeclares: boolean,
): Shape | undefined {
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
		if (!embeddingDeclares) {
			// Keras 3 pops input_length, warns "deprecated. Just remove it.", and declares nothing.
			return undefined;
		}
		const given = cfg.get('input_length');
		const length = asInt(given);
		if (length !== undefined) {
			return [null, length];
		}
		// An input_length NormLens cannot read declares a length it does not know: no shape.
		return given === undefined || given.k === 'none' ? [null, null] : undefined;
	}
	const dim = asInt(cfg.get('input_dim'));
	return dim !== undefined ? [null, dim] : undefined;
}

/** An InputLayer of `shape` (batch axis first), built, without weights. */
export function inputLayer(
	name: string,
	shape: Shape | null,
	range: TextRange,
	sites: CallSites | undefined,
): KerasLayer {
	const layer = new KerasLayer(
		'InputLayer',
		name,
		kerasLayerSpec('InputLayer'),
		new Map(),
		range,
		sites,
	);
	layer.built = true;
	layer.outputShape = shape;
	layer.inputShapes = shape ? [shape] : null;
	layer.weights = [];
	return layer;
}

/** `keras.Input(shape=…)`: an InputLayer and the symbolic tensor it makes, batch axis first. */
export function input(s: KerasSession, args: CallArgs, ctx: CallContext): Value {
	const shapeArg = args.positional[0] ?? args.keywords.get('shape');
	const batchShape = args.keywords.get('batch_shape');
	const batch = asInt(args.keywords.get('batch_size')) ?? null;
	let shape: Shape | null = null;
	// `Input(shape=(1024))` is the int 1024: tf.keras 2's InputLayer reads it as (1024,); Keras 3
	// raises (ValueError: Cannot convert '1024' to a shape), as standalone Keras did (TypeError).
	const bareInt = !batchShape && shapeArg?.k === 'num' && !shapeArg.float ? shapeArg : undefined;
	const dims =
		asSequence(batchShape) ??
		asSequence(shapeArg) ??
		(bareInt && s.dialect.naming === 'tf.keras' ? [bareInt] : undefined);
	if (dims) {
		const d = dims.map((v) => (v.k === 'none' ? null : (asInt(v) ?? undefined)));
		if (d.every((x) => x !== undefined)) {
			shape = batchShape ? (d as Shape) : [batch, ...(d as Shape)];
		}
	}
	const name = asString(args.keywords.get('name')) ?? s.uniqueName('input', 'input');
	const layer = inputLayer(name, shape, ctx.range(args.node), ctx.sites(args.node));
	s.layers.push(layer);
	const tensor = new KerasTensor(s.tensorIds++, shape, layer, []);
	if (!shape) {
		// A shape from the data (`x_train.shape[1:]`): the layers it reaches are unbuilt for that reason.
		tensor.shapeCause = firstCause(dims ?? []) ??
			causeOf(batchShape ?? shapeArg) ?? {
				reason: bareInt
					? `\`shape=${bareInt.v}\` is an int, not a tuple: tf.keras 2 reads it as (${bareInt.v},), Keras 3 raises ValueError (and standalone Keras TypeError); this code is read as ${s.dialect.naming === 'keras3' ? 'Keras 3' : 'standalone Keras'} (${s.dialect.evidence})`
					: 'NormLens cannot read the shape given to this Input',
				range: ctx.range(args.node),
			};
	}
	return { k: 'obj', obj: tensor };
}

/**
 * `keras.layers.concatenate([a, b], axis=1)` and its kin (`merge` the layer each builds), also
 * given `inputs=[a, b]` by keyword: the layer built and called at once.
 */
export function callMerge(
	s: KerasSession,
	merge: string,
	name: string,
	args: CallArgs,
	ctx: CallContext,
): Value {
	const list = args.positional[0] ?? args.keywords.get('inputs');
	const keywords = new Map([...args.keywords].filter(([k]) => k !== 'inputs'));
	const rest: CallArgs = { ...args, positional: args.positional.slice(1), keywords };
	const layer = createLayer(s, merge, kerasLayerSpec(merge), rest, ctx);
	return list
		? callLayer(s, layer, { ...args, positional: [list], keywords: new Map() }, ctx)
		: unknown({ reason: `\`${name}(…)\` is given no inputs`, range: ctx.range(args.node) });
}

/** `layer(x)`: builds the layer on its first call and returns its output tensor. */
export function callLayer(
	s: KerasSession,
	layer: KerasLayer,
	args: CallArgs,
	ctx: CallContext,
): Value {
	// `bn(x, training)`: Layer.__call__(inputs, *args) hands what follows the inputs to `call`
	// (`training`, `mask`); a True / False / None there is no second input (`mha(q, v)` has one).
	const flags = args.positional.slice(1).every((v) => v.k === 'bool' || v.k === 'none');
	const arg =
		args.positional.length > 1 && !flags
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
			obj: new KerasTensor(s.tensorIds++, null, null, inputs, {
				what: layer.name,
				range: layer.taint.range,
			}),
		};
	}
	const states = returnedStates(layer);
	const scores = attentionScores(layer, args, inputs);
	if (scores === null) {
		return unknown({
			reason: `NormLens cannot tell whether \`${layer.name}\` returns its attention scores (\`return_attention_scores\`)`,
			range: ctx.range(args.node),
		});
	}
	if (states === null) {
		return unknown({
			reason: `NormLens cannot tell whether \`${layer.name}\` returns its states (\`return_state\`, \`units\`)`,
			range: ctx.range(args.node),
		});
	}
	const shapes = inputs.map((t) => t.shape);
	const known = shapes.every((s): s is Shape => s !== null);
	// Bidirectional(…, merge_mode=None) returns both directions' outputs unmerged.
	const unmerged = unmergedDirections(layer, known ? shapes : null);
	// With its output, the final states: one list, as Keras returns it (`out, h, c = lstm(x)`).
	const withStates = (out: KerasTensor): Value => {
		const another = (shape: Shape | null): Value => ({
			k: 'obj',
			obj: new KerasTensor(s.tensorIds++, shape, out.producer, out.inputs),
		});
		if (layer.severalOutputs) {
			return { k: 'list', items: layer.severalOutputs.map(another) };
		}
		if (scores) {
			// (output, scores), as MultiHeadAttention returns them.
			return tuple([{ k: 'obj', obj: out }, another(out.shape && scores.shape)]);
		}
		const outputs: Value[] = [
			{ k: 'obj', obj: out },
			...(unmerged ? [another(out.shape)] : []),
		];
		const finals = Array.from({ length: states?.count ?? 0 }, () =>
			// Where the layer's own output is unknown (Keras raises, or an input is unknown), so are they.
			another(states ? stateShape(out.shape && inputs[0].shape, states.units) : null),
		);
		return unmerged || states ? { k: 'list', items: [...outputs, ...finals] } : outputs[0];
	};
	const refused = refusedCall(
		s,
		layer,
		inputs.length,
		known ? (shapes as Shape[]) : null,
		args.positional.length > 1 && !flags,
		(first) => apply(s, layer, first, ctx.range(args.node)),
		ctx.range(args.node),
	);
	if (refused) {
		return unknown(refused);
	}
	const merged =
		layer.type === 'Lambda' && known
			? traceLambda(s, layer, shapes, ctx)
			: apply(s, layer, known ? shapes : null, ctx.range(args.node));
	const out = unmerged ? unmerged.shape : merged;
	// `initial_state=` tensors are inputs of this node: the graph reaches their layers through it
	// (a seq2seq decoder's LSTM started from the encoder's states), though no shape rule reads them.
	const stateInputs = initialStates(args);
	for (const t of [...inputs, ...stateInputs]) {
		if (t.producer && !layer.inbound.includes(t.producer)) {
			layer.inbound.push(t.producer);
		}
	}
	if (!s.insideLayerCall && inputs.every(isConcrete)) {
		// Called on concrete tensors only (`Embedding(…)(tf.range(0, 256))` in keras-io's masked
		// language model): Keras runs the layer eagerly and returns a constant; the layer is in no
		// functional model's graph, so its weights are no model's (keras-io printed 7,809,584
		// without the position Embedding's 32,768).
		layer.calls++;
		return withStates(new KerasTensor(s.tensorIds++, out, null, []));
	}
	const tensor = new KerasTensor(s.tensorIds++, out, layer, [...inputs, ...stateInputs]);
	const shapeCause = known
		? undefined
		: inputs.map((t) => tensorShapeCause(t)).find((c) => c !== undefined);
	if (shapeCause) {
		layer.inputCause ??= shapeCause;
		tensor.shapeCause = shapeCause;
	} else if (known && out === null && layer.outputCause) {
		// Its input known, its output not: the layers after it say why (a Lambda's function).
		tensor.shapeCause = layer.outputCause;
	}
	layer.calls++;
	layer.firstOutput ??= tensor;
	return withStates(tensor);
}

/**
 * A Lambda's output shape, as Keras finds it: its function called on a symbolic tensor of the
 * input's shape (`lambda z: z * 2`, `tf.nn.relu`); `output_shape=` when given wins, as in Keras.
 */
export function traceLambda(
	s: KerasSession,
	layer: KerasLayer,
	inputs: Shape[],
	ctx: CallContext,
): Shape | null {
	const declared = apply(s, layer, inputs, layer.range);
	const fn = layer.config.get('function');
	if (declared || fn?.k !== 'func') {
		return declared;
	}
	// Called on a list (`Lambda(euclidean_distance)([tower_1, tower_2])` in keras-io's siamese
	// network), the function gets the list.
	const tensors: Value[] = inputs.map((shape) => ({
		k: 'obj',
		obj: new KerasTensor(s.tensorIds++, shape, null, []),
	}));
	const symbolic: Value = tensors.length === 1 ? tensors[0] : { k: 'list', items: tensors };
	const result = s.insideLayer(() =>
		ctx.callFunction(fn.def, {
			positional: [symbolic],
			keywords: new Map(),
			node: fn.def.node,
		}),
	);
	const items = result.k === 'list' || result.k === 'tuple' ? result.items : [];
	if (
		items.length > 1 &&
		!(result.k === 'list' && result.cause) &&
		items.every((t) => t.k === 'obj' && t.obj instanceof KerasTensor)
	) {
		// `Lambda(lambda a: [a[..., :n], a[..., n:]])`: Keras returns a list of tensors, one each.
		layer.severalOutputs = items.map((t) =>
			t.k === 'obj' && t.obj instanceof KerasTensor ? t.obj.shape : null,
		);
		layer.outputShape = null;
		layer.outputCause ??= {
			reason: `\`${layer.name}\` returns a list of ${items.length} tensors, which a row of one shape cannot show`,
			range: layer.range,
		};
		return null;
	}
	const shape = result.k === 'obj' && result.obj instanceof KerasTensor ? result.obj.shape : null;
	layer.outputShape = shape;
	const inner =
		shape !== null
			? undefined
			: result.k === 'obj' && result.obj instanceof KerasTensor
				? tensorShapeCause(result.obj)
				: causeOf(result);
	if (inner) {
		// What in its function NormLens could not follow (`tf.space_to_depth`, a NumPy call).
		layer.outputCause ??= {
			reason: `NormLens cannot compute the output shape of Lambda \`${layer.name}\`: ${inner.reason}`,
			range: inner.range,
		};
	}
	return shape;
}

/** Builds the layer on its first input (creating its weights) and returns its output shape. */
export function apply(
	s: KerasSession,
	layer: KerasLayer,
	inputs: Shape[] | null,
	callRange: TextRange,
): Shape | null {
	if (!layer.spec) {
		layer.built = true;
		layer.inputShapes ??= inputs;
		return null;
	}
	if (!inputs) {
		if (layer.spec.weights === 'none') {
			// A layer that never holds weights (Lambda, Dropout, Add…) has none whatever its input:
			// only its output shape waits for the input's.
			layer.weights ??= [];
		}
		return null;
	}
	try {
		const out = kerasOutputShape(layer.spec, layer.config, inputs);
		if (!layer.built) {
			layer.built = true;
			layer.inputShapes = inputs;
			layer.outputShape = out;
			layer.weights = kerasWeights(layer.spec, layer.config, inputs[0], inputs);
		} else if (layer.inputShapes === null && layer.outputShape === null) {
			// Built by `layer.build(shape)`, called now for the first time: this is its row's shape.
			layer.inputShapes = inputs;
			layer.outputShape = out;
		}
		return out;
	} catch (e) {
		if (e instanceof ShapeError) {
			s.diagnostics.push({
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

/**
 * The data format a layer takes when given none: the global one (`image_data_format()`), except
 * for Conv1D and the 1-D poolings before Keras 3, which fix channels_last; where the code does not
 * say which Keras it is and the global format is channels_first, the two differ: unknown.
 */
function dataFormatDefault(
	s: KerasSession,
	spec: KerasLayerSpec | undefined,
	range: TextRange,
): Value {
	if (!spec?.channelsLastBeforeKeras3 || (s.dialect.naming === 'keras3' && !s.dialect.guessed)) {
		return s.imageDataFormat;
	}
	const last: Value = { k: 'str', v: 'channels_last' };
	if (s.dialect.naming !== 'keras3' || asString(s.imageDataFormat) === 'channels_last') {
		return last;
	}
	return unknown({
		reason: `${spec.name} is channels_last in Keras 1 and 2 and follows the global image data format in Keras 3, and ${s.dialect.evidence}`,
		range,
	});
}
