// A Keras model's methods as a table: name → what the call does (build, add, pop, summary…).
import type { Shape, TextRange } from '../../../protocol/analysis';
import { formatShape } from '../../format/summaryText';
import type { CallArgs, CallContext } from '../../python/interpreter';
import {
	asInt,
	asSequence,
	asString,
	Cause,
	causeOf,
	NONE,
	unknown,
	UNKNOWN,
	Value,
} from '../../python/values';
import { addLoss, addToSequential, buildSequential, callModel, visibleLayers } from './models';
import { KerasModel, KerasTensor, KerasVariable, tensorShapeCause } from './objects';
import type { KerasSession } from './session';
import { holdVariable, variable } from './subclass';
import { modelSummary } from './summary';
import { modelTensors } from './modelTensors';

/**
 * One method of a model: its value, or undefined where the method does not apply to this kind of
 * model; then the interpreter decides (trusted, or it may change the model).
 */
type ModelMethod = (
	s: KerasSession,
	model: KerasModel,
	args: CallArgs,
	ctx: CallContext,
	name: string,
) => Value | undefined;

/** `model.add_weight(…)` on a subclass (also `add_variable`): a variable it holds. */
const addWeight: ModelMethod = (_s, obj, args, ctx, name) => {
	if (obj.modelKind !== 'subclass') {
		return undefined;
	}
	// Keras 2: add_weight(name, shape, …); Keras 3: add_weight(shape, initializer, …): a string is the name.
	const [p0, p1] = args.positional;
	const named = p0?.k === 'str';
	const shape = args.keywords.get('shape') ?? (named ? p1 : p0) ?? NONE;
	const weightName =
		asString(args.keywords.get('name') ?? (named ? p0 : undefined)) ??
		`weight_${obj.ownWeights.length}`;
	const v = variable(undefined, args.keywords.get('trainable'), args, ctx, `${name}`, shape);
	if (v.k === 'obj' && v.obj instanceof KerasVariable) {
		holdVariable(obj, weightName, v.obj);
	}
	return v;
};

/**
 * `model.build((None, 100))` on a Sequential: its input, batch axis included, unless its first
 * layer declared one. Then tf.keras 2 and Keras 1/2 built the model when that layer was added, and
 * `Sequential.build` re-initialises the graph from those inputs, ignoring the shape given (an
 * Embedding without `input_length` declares `(None, None)` there, and keeps it); Keras 3 raises
 * ValueError on a different shape.
 */
function buildSequentialWith(
	s: KerasSession,
	model: KerasModel,
	dims: Shape,
	range: TextRange,
): void {
	const declared = model.inputShape ?? model.layers[0]?.declaredInput;
	if (!declared) {
		model.inputShape = dims;
		return;
	}
	if (
		s.dialect.naming === 'keras3' &&
		(declared.length !== dims.length || declared.some((d, i) => d !== dims[i]))
	) {
		const message = `Keras 3 refuses \`build(${formatShape(dims)})\`: this Sequential is already configured for input shape ${formatShape(declared)} (ValueError)`;
		s.diagnostics.push({
			range,
			severity: 'error',
			code: 'input-shape-mismatch',
			message: `${message}.`,
		});
		model.unknownCause ??= { reason: message, range };
	}
}

/**
 * `model.fit(x, …)`, `predict`, `evaluate` and their kin on a Sequential or subclassed model not
 * built yet: Keras builds it on the first batch of `x`, with the batch axis as None. NormLens does
 * that when `x` is a tensor of known shape with a batch axis and one more at least (a 1-D `x` is
 * expanded to a column by TensorFlow before 2.7 and refused after, so its build depends on the
 * version); otherwise the model stays unbuilt, and its `?` says it is this call's data that
 * NormLens does not follow. Returns undefined: the call itself stays trusted (no layer added).
 */
const buildsFromData: ModelMethod = (s, obj, args, ctx, name) => {
	const unbuilt =
		obj.modelKind === 'sequential'
			? obj.inputShape === undefined && !obj.layers[0]?.declaredInput
			: obj.modelKind === 'subclass' && !obj.isLayer && !obj.built;
	if (!unbuilt) {
		return undefined;
	}
	const range = ctx.range(args.node);
	const x = args.positional[0] ?? args.keywords.get('x');
	const data = x?.k === 'obj' && x.obj instanceof KerasTensor ? x.obj : undefined;
	// An array's unknown size after the first (its samples) would read as None: not built then.
	const shape =
		data?.ndarray && data.shape?.slice(1).includes(null) ? null : (data?.shape ?? null);
	if (shape && shape.length >= 2 && !name.endsWith('_generator')) {
		const dims: Shape = [null, ...shape.slice(1)];
		if (obj.modelKind === 'sequential') {
			buildSequentialWith(s, obj, dims, range);
		} else {
			const input: Value = { k: 'obj', obj: new KerasTensor(s.tensorIds++, dims, null, []) };
			callModel(s, obj, { ...args, positional: [input], keywords: new Map() }, ctx);
		}
		return undefined;
	}
	const why = (causeOf(x) ?? (data && (data.shapeCause ?? tensorShapeCause(data))))?.reason;
	const cause = {
		reason: `\`${name}(…)\` builds the model from the shape of its data, ${
			shape?.length === 1
				? 'which is 1-D here: TensorFlow before 2.7 made it a column, later versions refuse it'
				: why
					? `which NormLens does not know: ${why}`
					: 'which NormLens does not follow here'
		}`,
		range,
	};
	if (obj.modelKind === 'sequential') {
		obj.inputCause ??= cause;
	} else {
		obj.layers.forEach((l) => (l.inputCause ??= l.built ? undefined : cause));
	}
	return undefined;
};

/**
 * `model.predict(x)` and its kin: the model built from `x` if it was not yet (buildsFromData), then
 * NumPy arrays of the model's output shapes, one per output, whose samples are `x`'s where NormLens
 * knows them (`predict_generator`'s and a dataset's are not): bottleneck features, whose
 * `features.shape[1:]` a classifier on top is built with. Undefined for a subclassed model.
 */
const predicts: ModelMethod = (s, obj, args, ctx, name) => {
	buildsFromData(s, obj, args, ctx, name);
	const graph = modelTensors(s, obj);
	if (!graph) {
		return undefined;
	}
	if ('reason' in graph) {
		return unknown(graph);
	}
	const x = args.positional[0] ?? args.keywords.get('x');
	const data = x?.k === 'obj' && x.obj instanceof KerasTensor ? x.obj : undefined;
	const expected = graph.inputs.length === 1 ? graph.inputs[0].shape : null;
	if (
		data?.shape &&
		expected &&
		(data.shape.length !== expected.length ||
			expected.some(
				(d, i) => i > 0 && d !== null && data.shape?.[i] !== null && data.shape?.[i] !== d,
			))
	) {
		// Data of another shape than the model's input: Keras raises (ValueError), nothing is predicted.
		return unknown({
			reason: `\`${name}(…)\` is given data of shape ${formatShape(data.shape)} for an input of shape ${formatShape(expected)}: Keras raises (ValueError)`,
			range: ctx.range(args.node),
		});
	}
	const samples =
		!name.endsWith('_generator') && data?.ndarray && typeof data.shape?.[0] === 'number'
			? data.shape[0]
			: null;
	const arrays = graph.outputs.map((t): Value => {
		if (!t.shape) {
			return unknown(tensorShapeCause(t));
		}
		const out = new KerasTensor(s.tensorIds++, [samples, ...t.shape.slice(1)], null, []);
		out.ndarray = true;
		if (samples === null) {
			out.shapeCause = {
				reason: `\`${name}(…)\` returns as many samples as its data holds, which NormLens does not know here`,
				range: ctx.range(args.node),
			};
		}
		return { k: 'obj', obj: out };
	});
	return arrays.length === 1 ? arrays[0] : { k: 'list', items: arrays };
};

/** The methods of a Keras model NormLens models; any other is the interpreter's to decide. */
export const MODEL_METHODS: ReadonlyMap<string, ModelMethod> = new Map<string, ModelMethod>([
	[
		'build',
		(s, obj, args, ctx) => {
			if (obj.modelKind !== 'subclass' && obj.modelKind !== 'sequential') {
				return undefined;
			}
			const dims = asSequence(args.positional[0] ?? args.keywords.get('input_shape'))?.map(
				(v) => (v.k === 'none' ? null : asInt(v)),
			);
			if (dims && dims.every((d) => d !== undefined)) {
				if (obj.modelKind === 'sequential') {
					buildSequentialWith(s, obj, dims as Shape, ctx.range(args.node));
				} else {
					callModel(
						s,
						obj,
						{
							...args,
							positional: [
								{
									k: 'obj',
									obj: new KerasTensor(s.tensorIds++, dims as Shape, null, []),
								},
							],
							keywords: new Map(),
						},
						ctx,
					);
				}
			}
			return NONE;
		},
	],
	[
		'add_loss',
		(s, obj, args, ctx) => {
			if (obj.modelKind === 'subclass') {
				// `self.add_loss(loss)` in a subclassed layer's or model's `call` (the CTC endpoint layers
				// of keras-io's OCR examples): Keras keeps the loss tensor in the layer's `_losses`; no
				// weight, no layer. Only a functional model's `add_loss` adds a layer (tf.keras 2).
				return NONE;
			}
			if (obj.modelKind !== 'functional') {
				return undefined;
			}
			addLoss(
				s,
				obj,
				args.positional[0] ?? args.keywords.get('losses'),
				ctx.range(args.node),
			);
			return NONE;
		},
	],
	[
		'add',
		(s, obj, args) => {
			if (obj.modelKind !== 'sequential') {
				return undefined;
			}
			const v = args.positional[0];
			if (v) {
				addToSequential(s, obj, v);
			}
			return NONE;
		},
	],
	[
		'pop',
		(_s, obj, args) => {
			if (obj.modelKind !== 'sequential' || args.positional.length !== 0) {
				return undefined;
			}
			const layer = obj.layers.pop();
			return layer ? { k: 'obj', obj: layer } : UNKNOWN;
		},
	],
	[
		'get_layer',
		(_s, obj, args) => {
			const key =
				args.positional[0] ?? args.keywords.get('name') ?? args.keywords.get('index');
			const layers = visibleLayers(obj);
			const i = asInt(key);
			const found =
				asString(key) !== undefined
					? layers.find((l) => l.name === asString(key))
					: i !== undefined
						? layers[i]
						: undefined;
			return found ? { k: 'obj', obj: found } : UNKNOWN;
		},
	],
	['add_weight', addWeight],
	...[
		'fit',
		'evaluate',
		'train_on_batch',
		'test_on_batch',
		'fit_generator',
		'evaluate_generator',
	].map((n): [string, ModelMethod] => [n, buildsFromData]),
	...['predict', 'predict_on_batch', 'predict_generator'].map((n): [string, ModelMethod] => [
		n,
		predicts,
	]),
	['add_variable', addWeight],
	[
		'summary',
		(s, obj, args, ctx) => {
			// What Keras prints here: the model as built at this call (checked against a notebook's stored output).
			if (obj.modelKind === 'sequential') {
				buildSequential(s, obj);
			}
			const summary = modelSummary(s, obj);
			// The rows Keras prints: a Sequential model's summary has no InputLayer row.
			const printedLayers = summary.layers.filter(
				(l) => summary.kind === 'functional' || l.type !== 'InputLayer',
			);
			s.summarySnapshots.push({
				range: ctx.range(args.node),
				name: summary.name,
				totals: summary.totals,
				unknown: summary.unknown,
				rows: {
					keras: printedLayers.map((l) => ({
						name: l.name,
						type: l.type,
						params: l.params?.total ?? null,
						shape: l.outputShape,
					})),
				},
			});
			return NONE;
		},
	],
]);

/** A printed summary of something NormLens does not hold: checked as a table it cannot count, for that cause. */
export function summaryOfUnknown(
	s: KerasSession,
	label: string,
	cause: Cause,
	range: TextRange,
): void {
	s.summarySnapshots.push({
		range,
		name: label,
		totals: { total: null, trainable: null, nonTrainable: null, buffers: null },
		unknown: cause,
		weak: true,
	});
}

/**
 * `model.summary()` where `model = Model(inp, out)` went through a `Model` NormLens could not read (a
 * star import) and so made a tensor: a tensor has no summary, so it was a model, whose printed table
 * NormLens cannot count, for the reason it could not follow that call. Undefined for other tensors.
 */
export function summaryOfOpaqueTensor(
	s: KerasSession,
	t: KerasTensor,
	args: CallArgs,
	ctx: CallContext,
): Value | undefined {
	if (!t.opaque) {
		return undefined;
	}
	const receiver = args.node.firstChild?.firstChild;
	summaryOfUnknown(
		s,
		receiver ? ctx.source.slice(receiver) : 'model',
		t.opaque.cause ?? {
			reason: `NormLens cannot follow \`${t.opaque.what}\``,
			range: t.opaque.range,
		},
		ctx.range(args.node),
	);
	return NONE;
}
