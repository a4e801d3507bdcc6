// The torch.nn catalogue: what a row is, and every row in catalogue order, gathered from layers/.
/**
 * torch.nn modules as data: constructor arguments in positional order with their defaults (from
 * the PyTorch documentation), and the names of the parameter and shape rules in `rules.ts`. Each
 * family's rows live in `layers/<family>.ts` beside its rules; this file holds what a row is and the
 * one list, in the order the families have always had (hovers, the conformance test and the panel
 * read it).
 */
import { ArgDefault, REQUIRED } from '../common/spec';
import { activationModules } from './layers/activation';
import { containerModules } from './layers/containers';
import { convolutionModules } from './layers/convolution';
import { embeddingModules } from './layers/embedding';
import { linearModules } from './layers/linear';
import { lossModules } from './layers/loss';
import { normalizationModules } from './layers/normalization';
import { poolingModules } from './layers/pooling';
import { recurrentModules } from './layers/recurrent';
import { reshapeModules } from './layers/reshape';
import { transformerModules } from './layers/transformer';

export { REQUIRED };

export type TorchParamRule =
	| 'none'
	| 'linear'
	| 'bilinear'
	| 'conv'
	| 'convTranspose'
	| 'batchNorm'
	| 'instanceNorm'
	| 'layerNorm'
	| 'groupNorm'
	| 'rmsNorm'
	| 'embedding'
	| 'rnn'
	| 'rnnCell'
	| 'multiheadAttention'
	| 'transformerEncoderLayer'
	| 'transformerDecoderLayer'
	| 'transformer'
	| 'prelu'
	| 'lossWeights'
	| 'lazy';

export type TorchShapeRule =
	| 'identity'
	| 'linear'
	| 'bilinear'
	| 'conv'
	| 'convTranspose'
	| 'maxPool'
	| 'maxUnpool'
	| 'avgPool'
	| 'adaptivePool'
	| 'batchNorm'
	| 'instanceNorm'
	| 'channelNorm'
	| 'lastDimsNorm'
	| 'flatten'
	| 'unflatten'
	| 'embedding'
	| 'embeddingBag'
	| 'rnn'
	| 'rnnCell'
	| 'multiheadAttention'
	| 'upsample'
	| 'pixelShuffle'
	| 'pixelUnshuffle'
	| 'pad'
	| 'softmax'
	| 'prelu'
	| 'transformerEncoderLayer'
	| 'transformerDecoderLayer'
	| 'transformer'
	| 'elementwiseLoss'
	| 'classLoss'
	| 'otherLoss'
	| 'glu'
	| 'channelShuffle'
	| 'similarity'
	| 'unfold'
	| 'fold'
	| 'lpPool';

/** A value an argument may be compared with. */
type Scalar = string | number | boolean | null;

/**
 * A constraint PyTorch puts on a module's arguments: it raises when the module is built (`init`,
 * the default) or called (`call`) with arguments that break it. Unknown values pass.
 */
export type ArgCheck = { stage?: 'init' | 'call' } &
	/** The value is one of these. */
	(
		| { arg: string; oneOf: Scalar[] }
		/** A string value is one of these (ints and tuples pass). */
		| { arg: string; strings: string[] }
		/** Every number in the value (an int or a tuple of ints) lies in [min, max]. */
		| { arg: string; min?: number; max?: number }
		/** The value is smaller than another argument's. */
		| { arg: string; below: string }
		/** The value divides another argument's. */
		| { arg: string; divides: string }
		/** None, or an index into `of` items (negative from the end). */
		| { arg: string; indexInto: string }
		/** Exactly one of these is not None. */
		| { exactlyOne: [string, string] }
	);

export interface TorchModuleSpec {
	name: string;
	category:
		| 'linear'
		| 'convolution'
		| 'pooling'
		| 'normalization'
		| 'recurrent'
		| 'transformer'
		| 'embedding'
		| 'activation'
		| 'dropout'
		| 'reshape'
		| 'loss'
		| 'container';
	args: [string, ArgDefault][];
	params: TorchParamRule;
	shape: TorchShapeRule;
	/** Spatial rank of convolutions, pools and batch norms (1 for *1d, …). */
	rank?: 1 | 2 | 3;
	/** RNN cell kind: gates per hidden unit (RNN 1, GRU 3, LSTM 4). */
	gates?: 1 | 3 | 4;
	/** Containers hold child modules rather than parameters of their own. */
	container?: 'sequential' | 'list' | 'dict';
	/** Constraints on the arguments. */
	checks?: ArgCheck[];
	/** Ranks of input the forward accepts, [min, max]. */
	ranks?: [number, number];
	/** Padding reflects the input, so each side must be smaller than the padded dim. */
	reflect?: true;
	/** The unpadded input must be at least as large as the window (PyTorch's avg_pool3d). */
	windowFitsInput?: true;
	/** An adaptive pool to size 1 is a mean over the last dims: any rank of input works (avg_pool 2d/3d). */
	globalMeanAnyRank?: true;
	/**
	 * A lazy module (`params: 'lazy'`): on its first call PyTorch becomes the `eager` module with the
	 * argument `arg` read from the input — its last dim (LazyLinear's in_features) or its channels
	 * (dim 1 of a batched input, dim 0 of an unbatched convolution input).
	 */
	lazy?: { eager: string; arg: string; from: 'last' | 'channels' };
	/** A loss's arguments that, given a tensor, are buffers of its shape (`weight`, `pos_weight`). */
	lossWeights?: string[];
	/**
	 * Arguments of the forward that are no tensors but decide the output's shape (MaxUnpool's
	 * `output_size`), by keyword or at their position: the shape rule reads them from its config.
	 */
	forwardConfig?: { arg: string; position: number }[];
	/**
	 * The memory layout of its output where PyTorch's kernel decides it (ops/layout.ts, which
	 * `x.view(…)` reads); without it, contiguous from contiguous inputs and unknown from any other.
	 */
	layout?: TorchLayoutRule;
}

/**
 * `pointwise`: an element-wise kernel (TensorIterator: the input's order of dims); `maybeSelf`: the
 * input itself or an element-wise copy (dropout: eval mode returns x); `same`: the input itself;
 * `contiguous`: a fresh row-major tensor whatever the input; `reshape`: `x.reshape(…)`'s (a view
 * where one fits); `rnn`: `batch_first` outputs are a transposed view; `mha`: when
 * `batch_first`, a transposed view or (its inference fast path) contiguous, both kept as candidates; `memoryFormat`: PyTorch's
 * `suggest_memory_format` (convolutions, pools, batch / group / instance norms): contiguous, or for a
 * channels-last-like 4-D / 5-D input channels-last or contiguous by backend (both kept as candidates).
 */
export type TorchLayoutRule =
	'pointwise' | 'maybeSelf' | 'same' | 'contiguous' | 'reshape' | 'rnn' | 'mha' | 'memoryFormat';

export const torchModules: TorchModuleSpec[] = [
	...linearModules,
	...convolutionModules,
	...poolingModules,
	...normalizationModules,
	...embeddingModules,
	...recurrentModules,
	...transformerModules,
	...activationModules,
	...reshapeModules,
	...lossModules,
	...containerModules,
];

const byName = new Map(torchModules.map((m) => [m.name, m]));

export function torchModuleSpec(name: string): TorchModuleSpec | undefined {
	return byName.get(name);
}
