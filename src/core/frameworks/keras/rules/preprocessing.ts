// Shape and weight rules of the preprocessing layers that change a shape: resizing and cropping
// images, and TextVectorization.
import { asSequence, asString, Value } from '../../../python/values';
import type { LayerConfig } from './args';
import type { KerasShapeRule, KerasWeightRule } from '../catalogue';
import { bool, int, ShapeFn, spatial, WeightFn } from './args';

/**
 * An image batch resized: both sides to the `height` and `width` arguments ('both'), or one side
 * to None, which a random layer picks per batch ('randomHeight', 'randomWidth').
 */
const sized =
	(sides: 'both' | 'randomHeight' | 'randomWidth'): ShapeFn =>
	(_spec, cfg, [input]) => {
		const sp = spatial(cfg, input, 2);
		if (!sp) {
			return null;
		}
		const [hAxis, wAxis] = sp.axes;
		const h =
			sides === 'both' ? int(cfg, 'height') : sides === 'randomHeight' ? null : input[hAxis];
		const w =
			sides === 'both' ? int(cfg, 'width') : sides === 'randomWidth' ? null : input[wAxis];
		if (h === undefined || w === undefined) {
			return null;
		}
		const out = [...input];
		out[hAxis] = h;
		out[wAxis] = w;
		return out;
	};

export const preprocessingShapes = {
	// Resizing, CenterCrop, RandomCrop: (batch, height, width, channels).
	resize: sized('both'),
	// RandomHeight / RandomWidth: that side differs per batch, so Keras leaves it None.
	randomHeight: sized('randomHeight'),
	randomWidth: sized('randomWidth'),
	textVectorization: (_spec, cfg, [input]) => {
		// 'int' gives token indices, padded or cut to output_sequence_length where it is given; the
		// other modes give one row per string, as wide as the vocabulary adapt() finds.
		const mode = asString(cfg.get('output_mode'));
		const ragged = bool(cfg, 'ragged');
		const length = cfg.get('output_sequence_length');
		if (
			mode !== 'int' ||
			ragged !== false ||
			input.length > 2 ||
			(input.length === 2 && input[1] !== 1)
		) {
			return null;
		}
		const n = length?.k === 'none' ? null : int(cfg, 'output_sequence_length');
		return n === undefined ? null : [input[0], n];
	},
	lookup: (_spec, cfg, [input]) => {
		// 'int' (and invert) map each token to one index: the input's shape. The other modes give a
		// row as wide as the vocabulary, known where the vocabulary is written in the code.
		const mode = asString(cfg.get('output_mode'));
		if (mode === 'int' || bool(cfg, 'invert') === true) {
			return input;
		}
		const size = lookupVocabulary(cfg)?.length;
		const wide = mode === 'one_hot' || mode === 'multi_hot' || mode === 'count';
		if (size === undefined || !wide || input.length > 2) {
			return null;
		}
		if (mode === 'one_hot' && input.length === 2 && input[1] !== 1) {
			return null;
		}
		return [input[0], size];
	},
} satisfies Partial<Record<KerasShapeRule, ShapeFn>>;

/**
 * A lookup layer's vocabulary as `get_vocabulary()` returns it: the mask token (when set), the
 * OOV token once per OOV index, then the vocabulary given (`StringLookup(vocabulary=[…])`);
 * undefined when the vocabulary is not written in the code (a file, adapt() on data).
 */
export function lookupVocabulary(cfg: LayerConfig): Value[] | undefined {
	const vocabulary = asSequence(cfg.get('vocabulary'));
	const oov = int(cfg, 'num_oov_indices');
	const mask = cfg.get('mask_token');
	const oovToken = cfg.get('oov_token');
	if (!vocabulary || oov === undefined || !mask || !oovToken) {
		return undefined;
	}
	if (
		![mask, oovToken, ...vocabulary].every(
			(v) => v.k === 'none' || v.k === 'str' || v.k === 'num',
		)
	) {
		return undefined;
	}
	return [
		...(mask.k === 'none' ? [] : [mask]),
		...Array<Value>(oov).fill(oovToken),
		...vocabulary,
	];
}

export const preprocessingWeights = {
	// The vocabulary is a lookup table, not a weight; only 'tf_idf' keeps its IDF weights as a variable.
	textVectorization: (_spec, cfg) => {
		const mode = asString(cfg.get('output_mode'));
		return mode === 'int' || mode === 'multi_hot' || mode === 'count' ? [] : null;
	},
	// The table is no weight; 'tf_idf' keeps its IDF weights.
	lookup: (_spec, cfg) => (asString(cfg.get('output_mode')) === 'tf_idf' ? null : []),
} satisfies Partial<Record<KerasWeightRule, WeightFn>>;
