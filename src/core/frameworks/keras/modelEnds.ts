// The ends of a functional model: an intermediate tensor given as its input, outputs that are not tensors.
import type { TextRange } from '../../../protocol/analysis';
import { asSequence, Cause, causeOf, Value } from '../../python/values';
import { inputLayer } from './layers';
import { KerasLayer, KerasModel, KerasTensor } from './objects';
import type { KerasSession } from './session';

/**
 * `Model(encoded, decoded)` with `encoded` the output of a layer, not of an Input. Keras 3 (and
 * tf.keras from 2.6, `functional_utils.clone_graph_nodes`) copies the graph from there: the model
 * starts at a new InputLayer of that shape, and the layer that made `encoded` is not among its
 * layers (a decoder cut from an autoencoder: 1,759 printed where the encoder's Dense would add
 * 198). Standalone Keras up to 2.3 raises ValueError ("Graph disconnected") at the InputLayer behind
 * it, and tf.keras before 2.6 built its graph through it: NormLens names the cause where the
 * source does not say which Keras it is written for. The new InputLayers, by the input they stand
 * for (`kerasLayerOrder`'s `startsAt`).
 */
export function intermediateStarts(
	s: KerasSession,
	model: KerasModel,
): Map<KerasTensor, KerasLayer> | undefined {
	const from = model.inputs.filter(
		(t) => t.producer !== null && t.producer.type !== 'InputLayer',
	);
	if (from.length === 0) {
		return undefined;
	}
	const producer = from[0].producer as KerasLayer;
	const { naming, guessed, evidence } = s.dialect;
	if (naming !== 'keras3' || guessed) {
		const read =
			naming === 'legacy' ? 'standalone Keras' : naming === 'keras3' ? 'Keras 3' : 'tf.keras';
		model.unknownCause ??= {
			reason: `an input of this Model is the output of \`${producer.name}\`, not of an Input: Keras 3 and tf.keras from 2.6 start the model at a new InputLayer, earlier tf.keras builds it through \`${producer.name}\` and standalone Keras raises ValueError (Graph disconnected); this code is read as ${read} (${evidence})`,
			range: model.range,
		};
		return undefined;
	}
	const starts = new Map<KerasTensor, KerasLayer>();
	for (const t of from) {
		// Keras 3 names it after the tensor (`keras_tensor_12CLONE`), whose number counts every
		// symbolic tensor made before, which NormLens does not; it takes no automatic name.
		starts.set(t, inputLayer('keras_tensor_CLONE', t.shape, model.range, undefined));
	}
	return starts;
}

/** Why outputs given to Model hold something other than a tensor NormLens follows, said of the first such part. */
export function notTensorCause(v: Value | undefined, range: TextRange): Cause {
	const parts = v ? (asSequence(v) ?? (v.k === 'dict' ? [...v.entries.values()] : [v])) : [];
	const odd = parts.find((p) => !(p.k === 'obj' && p.obj instanceof KerasTensor));
	const what =
		odd === undefined
			? 'nothing NormLens can read'
			: odd.k === 'bound' && odd.self.k === 'obj'
				? `\`.${odd.name}\` of \`${objectName(odd.self.obj)}\`, an attribute NormLens does not read`
				: odd.k === 'obj' &&
					  (odd.obj instanceof KerasLayer || odd.obj instanceof KerasModel)
					? `the ${odd.obj instanceof KerasLayer ? 'layer' : 'model'} \`${odd.obj.name}\` itself, not a tensor it made (Keras raises)`
					: odd.k === 'none'
						? 'None, not a tensor'
						: (causeOf(odd)?.reason ?? 'a value that is not a Keras tensor');
	return { reason: `the outputs given to this Model hold ${what}`, range };
}

function objectName(obj: object): string {
	return obj instanceof KerasModel
		? (obj.varName ?? obj.name)
		: obj instanceof KerasLayer
			? obj.name
			: 'an object';
}
