// A built-in Keras layer's methods as a table: name → what the call does (build, adapt, the lookup
// layers' vocabulary). Any other method is the interpreter's to decide (trusted, or it may change the layer).
import type { Shape } from '../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../python/interpreter';
import { asInt, asSequence, causeOf, NONE, unknown, Value } from '../../python/values';
import { apply } from './layers';
import { KerasLayer, KerasTensor } from './objects';
import { lookupVocabulary } from './rules/preprocessing';
import type { KerasSession } from './session';

/** One method of a layer: its value, or undefined where it does not apply to this layer. */
type LayerMethod = (
	s: KerasSession,
	layer: KerasLayer,
	args: CallArgs,
	ctx: CallContext,
) => Value | undefined;

/** `lookup.get_vocabulary()` / `lookup.vocabulary_size()` of a StringLookup or IntegerLookup. */
const vocabulary =
	(size: boolean): LayerMethod =>
	(_s, layer, args) => {
		if (args.positional.length !== 0) {
			return undefined;
		}
		if (layer.spec?.shape !== 'lookup') {
			// A TextVectorization after `adapt(data)`: its vocabulary is the data's.
			return layer.adaptedOn ? unknown(layer.adaptedOn) : undefined;
		}
		// A vocabulary written in the code (`StringLookup(vocabulary=list("abc…"), oov_token="")`,
		// keras-io's CTC ASR): mask token, OOV tokens, then the vocabulary, as Keras lists it.
		const items = lookupVocabulary(layer.config);
		if (!items) {
			return unknown(
				causeOf(layer.config.get('vocabulary')) ??
					causeOf(layer.config.get('mask_token')) ?? {
						reason: `NormLens cannot read the vocabulary of \`${layer.name}\``,
						range: layer.range,
					},
			);
		}
		return size ? { k: 'num', v: items.length } : { k: 'list', items };
	};

export const LAYER_METHODS: ReadonlyMap<string, LayerMethod> = new Map<string, LayerMethod>([
	[
		'adapt',
		(s, layer, args, ctx) => {
			if (layer.spec?.weights === 'normalization') {
				// Normalization.adapt(data): the mean and variance take the data's values; their shapes
				// are the input's, so the layer is built on the data's shape when it is known (as Keras
				// does) and otherwise at its first call, on the same shape in code that runs.
				const data = args.positional[0] ?? args.keywords.get('data');
				const shape =
					data?.k === 'obj' && data.obj instanceof KerasTensor ? data.obj.shape : null;
				if (!layer.built && shape && shape.every((d) => d !== null)) {
					apply(s, layer, [shape], ctx.range(args.node));
					// The summary's row is the layer's first call on a tensor, not the data's shape.
					layer.inputShapes = null;
					layer.outputShape = null;
				} else if (!layer.built) {
					const why = causeOf(data)?.reason;
					layer.inputCause ??= {
						reason: `\`adapt(…)\` builds \`${layer.name}\` on its data, whose shape NormLens does not know${why ? `: ${why}` : ''}`,
						range: ctx.range(args.node),
					};
				}
				return NONE;
			}
			if (!layer.spec?.adaptFillsLookup) {
				return undefined;
			}
			// Only a lookup table changes: nothing is built, no weight is made. A lookup layer's
			// vocabulary is now the data's.
			layer.adaptedOn = {
				reason: `\`${layer.name}\`'s vocabulary comes from the data given to \`adapt()\``,
				range: ctx.range(args.node),
			};
			if (layer.spec.shape === 'lookup') {
				layer.config.set('vocabulary', unknown(layer.adaptedOn));
			}
			return NONE;
		},
	],
	['get_vocabulary', vocabulary(false)],
	['vocabulary_size', vocabulary(true)],
	[
		'build',
		(s, layer, args, ctx) => {
			if (!layer.spec) {
				return undefined;
			}
			// `embedding_layer.build((1,))` before `set_weights` (keras-io pretrained_word_embeddings):
			// Keras makes the weights for that input shape; a later call finds the layer built and
			// keeps them. A shape NormLens cannot read leaves the method to the interpreter (unknown).
			const arg = args.positional[0] ?? args.keywords.get('input_shape');
			const dims = asSequence(arg)?.map((v) => (v.k === 'none' ? null : asInt(v)));
			if (!dims || dims.some((d) => d === undefined)) {
				return undefined;
			}
			if (!layer.built) {
				apply(s, layer, [dims as Shape], ctx.range(args.node));
				// The summary's row is the layer's first call on a tensor, not this shape.
				layer.inputShapes = null;
				layer.outputShape = null;
			}
			return NONE;
		},
	],
]);
