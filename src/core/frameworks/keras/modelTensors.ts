// A Keras model's and a layer's symbolic tensors: `model.input` / `model.output`, a Sequential's
// graph made when first read, `layer.output` / `layer.input`.
import type { TextRange } from '../../../protocol/analysis';
import type { Shape } from '../../../protocol/analysis';
import { Cause, NONE, tuple, unknown, Value } from '../../python/values';
import { kerasLayerSpec } from './catalogue';
import { buildSequential } from './models';
import { KerasLayer, KerasModel, KerasTensor, tensorShapeCause } from './objects';
import type { KerasSession } from './session';

/**
 * A Sequential's graph, as Keras holds it once the input shape is known (tf.keras 2's graph
 * network, Keras 3's inner functional model): the InputLayer's tensor through every layer in turn.
 * What `seq.input`, `seq.output` and a layer's `.output` read, so that a functional model cut from
 * them (`keras.Model(seq.input, seq.layers[-2].output)`) has those layers. A cause where Keras has
 * no graph (no input shape yet) or NormLens cannot list the layers.
 */
function sequentialGraph(
	s: KerasSession,
	model: KerasModel,
	range: TextRange,
): { input: KerasTensor; output: KerasTensor } | Cause {
	if (model.unknownCause) {
		return model.unknownCause;
	}
	if (model.graph?.count === model.layers.length) {
		return model.graph;
	}
	const given = model.inputGiven;
	const firstLayer = model.layers[0];
	const shape = model.inputShape ?? firstLayer?.declaredInput;
	if (!(given instanceof KerasTensor) && (!shape || !firstLayer)) {
		const who = model.varName ?? model.name;
		return {
			reason: !firstLayer
				? `\`${who}\` has no layers yet, so Keras has no graph to read its input or output from`
				: `\`${who}\` has no input shape yet (no \`Input\`, \`input_shape=\` or build before this), so Keras has no input or output to give here (it raises)`,
			range,
		};
	}
	let input: KerasTensor;
	if (given instanceof KerasTensor) {
		input = given;
	} else {
		// tf.keras 2 and standalone Keras name the InputLayer they make after the first layer.
		const layer =
			given ??
			new KerasLayer(
				'InputLayer',
				model.inputName ??
					(s.dialect.naming === 'keras3'
						? s.uniqueName('input', 'input')
						: `${firstLayer.name}_input`),
				kerasLayerSpec('InputLayer'),
				new Map(),
				model.range,
				undefined,
			);
		layer.built = true;
		layer.outputShape ??= shape ?? null;
		layer.inputShapes ??= shape ? [shape] : null;
		layer.weights ??= [];
		input = new KerasTensor(s.tensorIds++, shape ?? null, layer, []);
		model.inputGiven = layer;
	}
	let t = input;
	// Layers already in an earlier graph of this model (read before a later `add`) were called then.
	const called = model.graph?.count ?? 0;
	let i = 0;
	buildSequential(s, model, (layer, out, why) => {
		const next = new KerasTensor(s.tensorIds++, out, layer, [t]);
		next.shapeCause = why;
		if (i++ >= called) {
			layer.calls++;
		}
		layer.firstOutput ??= next;
		if (t.producer && !layer.inbound.includes(t.producer)) {
			layer.inbound.push(t.producer);
		}
		t = next;
	});
	model.graph = { input, output: t, count: model.layers.length };
	return model.graph;
}

/**
 * A model's input and output tensors: a functional model's own, a Sequential's graph (made when
 * first read); a cause where Keras has none NormLens can give. Undefined for a subclassed model.
 */
export function modelTensors(
	s: KerasSession,
	model: KerasModel,
): { inputs: KerasTensor[]; outputs: KerasTensor[] } | Cause | undefined {
	if (model.modelKind === 'functional') {
		const why =
			model.unknownCause ??
			(model.unfollowed && {
				reason: `\`${model.varName ?? model.name}\` goes through ${model.unfollowed.what}, which NormLens cannot follow`,
				range: model.unfollowed.range,
			});
		return why || { inputs: model.inputs, outputs: model.outputs };
	}
	if (model.modelKind === 'sequential') {
		const graph = sequentialGraph(s, model, model.range);
		return 'reason' in graph ? graph : { inputs: [graph.input], outputs: [graph.output] };
	}
	return undefined;
}

/**
 * `layer.output` / `layer.input`: the tensors of the layer's call (a functional model cut at
 * `get_layer('mixed7').output`, or at a layer of a Sequential, whose graph is made for it).
 * tf.keras 2 and standalone Keras refuse them for a layer called several times; Keras 3 gives
 * the first call's.
 */
export function layerTensor(s: KerasSession, layer: KerasLayer, name: 'input' | 'output'): Value {
	const owner = s.sequentialOf.get(layer);
	const graph = owner && sequentialGraph(s, owner, layer.range);
	if (graph && 'reason' in graph && (owner.unknownCause || !layer.firstOutput)) {
		// A Sequential without an input yet has no graph (Keras raises): the layer's own call, if any, is its only one.
		return unknown(graph);
	}
	const out = layer.firstOutput;
	if (!out) {
		return unknown({
			reason: `\`${layer.name}\` is not called on a tensor NormLens follows before this, so it has no ${name} NormLens knows (Keras raises for a layer never called)`,
			range: layer.range,
		});
	}
	if (layer.calls > 1 && (s.dialect.naming !== 'keras3' || owner)) {
		return unknown({
			reason: owner
				? `\`${layer.name}\` is in \`${owner.varName ?? owner.name}\` and called elsewhere too: which of its ${layer.calls} calls gives \`.${name}\` depends on when Keras made that Sequential's graph`
				: `\`${layer.name}\` is called ${layer.calls} times: tf.keras 2 and standalone Keras have no single \`.${name}\` for it (AttributeError; Keras 3 gives the first call's)`,
			range: layer.range,
		});
	}
	if (name === 'output') {
		return { k: 'obj', obj: out };
	}
	const ins = out.inputs;
	return ins.length === 1
		? { k: 'obj', obj: ins[0] }
		: { k: 'list', items: ins.map((t) => ({ k: 'obj', obj: t }) as Value) };
}

/**
 * Keras 2's `layer.output_shape` / `layer.input_shape`: the shape of the tensor `layer.output` /
 * `layer.input` reads (a tuple, or a list for several inputs). Keras 3 layers have no such property.
 */
export function layerShape(
	s: KerasSession,
	layer: KerasLayer,
	name: 'output_shape' | 'input_shape',
): Value | undefined {
	if (s.dialect.naming === 'keras3') {
		return unknown({
			reason: `Keras 3 layers have no \`${name}\` (AttributeError), and NormLens reads this code as Keras 3 (${s.dialect.evidence}); a \`# normlens: keras 2\` comment reads it as tf.keras 2, where it is the shape of the layer's ${name === 'output_shape' ? 'output' : 'input'}`,
			range: layer.range,
		});
	}
	const shapeOf = (v: Value): Value | undefined =>
		v.k === 'obj' && v.obj instanceof KerasTensor
			? v.obj.shape
				? shapeTuple(v.obj.shape)
				: unknown(tensorShapeCause(v.obj))
			: undefined;
	if (layer.type === 'InputLayer' && layer.outputShape) {
		// An InputLayer's input and output are its tensor: tf.keras 2 gives a list of its one shape
		// (`[(None, 784)]`, as its summary row prints), Keras up to 2.3 the tuple.
		const shape = shapeTuple(layer.outputShape);
		return s.dialect.naming === 'tf.keras' ? { k: 'list', items: [shape] } : shape;
	}
	const t = layerTensor(s, layer, name === 'output_shape' ? 'output' : 'input');
	if (t.k === 'list') {
		const shapes = t.items.map(shapeOf);
		return shapes.every((x) => x !== undefined) ? { k: 'list', items: shapes } : undefined;
	}
	return t.k === 'unknown' ? t : shapeOf(t);
}

/** A shape as Python holds `x.shape`: a tuple of ints, None where the size is only known when the model runs. */
export function shapeTuple(shape: Shape): Value {
	return tuple(shape.map((d) => (d === null ? NONE : { k: 'num', v: d })));
}
