// torch.nn's loss modules: no parameters; the class weights a loss is given are buffers
// (`_WeightedLoss` registers `weight`, BCEWithLogitsLoss also `pos_weight`), so a model holding
// `self.criterion = nn.CrossEntropyLoss(weight=w)` counts them as PyTorch's buffers() does.
import type { Shape, WeightInfo } from '../../../../protocol/analysis';
import type { Value } from '../../../python/values';
import { ArgDefault } from '../../common/spec';
import { broadcast } from '../../common/shapes';
import type { TorchModuleSpec, TorchParamRule, TorchShapeRule } from '../catalogue';
import { TorchTensor } from '../objects';
import { b, ParamFn, ShapeFn } from './shared';

/** How a loss compares its input and target, which decides what it can say about the shapes. */
type LossKind = 'elementwise' | 'classes' | 'other';

/** The shape rule of each kind of loss. */
const lossShape = {
	elementwise: 'elementwiseLoss',
	classes: 'classLoss',
	other: 'otherLoss',
} as const satisfies Record<LossKind, TorchShapeRule>;

/** PyTorch's deprecated pair before `reduction` in most losses' signatures. */
const legacy: [string, ArgDefault][] = [
	['size_average', null],
	['reduce', null],
];
const reduction: [string, ArgDefault] = ['reduction', 'mean'];

/** A loss with its constructor's arguments in PyTorch's order (they can be given positionally). */
const loss = (
	name: string,
	kind: LossKind,
	args: [string, ArgDefault][],
	weights: string[] = [],
): TorchModuleSpec => ({
	name,
	category: 'loss',
	args,
	params: weights.length > 0 ? 'lossWeights' : 'none',
	shape: lossShape[kind],
	lossWeights: weights,
});

/**
 * The losses, in catalogue order. Their output shapes are followed where input and target compare
 * element by element or as class scores; for the others (and BCELoss, whose input PyTorch checks
 * lies in [0, 1]) the output is unknown.
 */
export const lossModules: TorchModuleSpec[] = [
	loss('L1Loss', 'elementwise', [...legacy, reduction]),
	loss('MSELoss', 'elementwise', [...legacy, reduction]),
	loss('SmoothL1Loss', 'elementwise', [...legacy, reduction, ['beta', 1]]),
	loss('HuberLoss', 'elementwise', [reduction, ['delta', 1]]),
	loss('SoftMarginLoss', 'elementwise', [...legacy, reduction]),
	loss('KLDivLoss', 'elementwise', [...legacy, reduction, ['log_target', false]]),
	loss('PoissonNLLLoss', 'elementwise', [
		['log_input', true],
		['full', false],
		['size_average', null],
		['eps', 1e-8],
		['reduce', null],
		reduction,
	]),
	loss(
		'BCEWithLogitsLoss',
		'elementwise',
		[['weight', null], ...legacy, reduction, ['pos_weight', null]],
		['weight', 'pos_weight'],
	),
	loss('BCELoss', 'other', [['weight', null], ...legacy, reduction], ['weight']),
	loss(
		'CrossEntropyLoss',
		'classes',
		[
			['weight', null],
			['size_average', null],
			['ignore_index', -100],
			['reduce', null],
			reduction,
			['label_smoothing', 0],
		],
		['weight'],
	),
	loss(
		'NLLLoss',
		'classes',
		[
			['weight', null],
			['size_average', null],
			['ignore_index', -100],
			['reduce', null],
			reduction,
		],
		['weight'],
	),
	loss('MultiLabelSoftMarginLoss', 'other', [['weight', null], ...legacy, reduction], ['weight']),
	loss(
		'MultiMarginLoss',
		'other',
		[['p', 1], ['margin', 1], ['weight', null], ...legacy, reduction],
		['weight'],
	),
	// Keyword-only in PyTorch (`*, full, eps, reduction`).
	loss('GaussianNLLLoss', 'other', [['full', false], ['eps', 1e-6], reduction]),
	loss('CosineEmbeddingLoss', 'other', [['margin', 0], ...legacy, reduction]),
	loss('MarginRankingLoss', 'other', [['margin', 0], ...legacy, reduction]),
	loss('HingeEmbeddingLoss', 'other', [['margin', 1], ...legacy, reduction]),
	loss('TripletMarginLoss', 'other', [
		['margin', 1],
		['p', 2],
		['eps', 1e-6],
		['swap', false],
		...legacy,
		reduction,
	]),
	loss('CTCLoss', 'other', [['blank', 0], reduction, ['zero_infinity', false]]),
];

/** The weight rules the loss rows name, by name (rules.ts gathers every family's). */
export const lossParams = {
	// Each weight argument given as a tensor is a buffer of its shape; None registers nothing.
	lossWeights: (spec, cfg) => {
		const out: WeightInfo[] = [];
		for (const name of spec.lossWeights ?? []) {
			const v = cfg.get(name);
			if (!v || v.k === 'none') {
				continue;
			}
			const shape = v.k === 'obj' && v.obj instanceof TorchTensor ? v.obj.shape : null;
			if (!shape || shape.some((d) => d === null)) {
				return null;
			}
			out.push(b(name, shape as number[]));
		}
		return out;
	},
} satisfies Partial<Record<TorchParamRule, ParamFn>>;

/** 'mean' or 'sum' reduce to a 0-d tensor; 'none' keeps what the loss computes per element. */
function reduced(cfg: Map<string, Value>): boolean | undefined {
	const r = cfg.get('reduction');
	const legacy = ['size_average', 'reduce'].some((k) => {
		const v = cfg.get(k);
		return v !== undefined && v.k !== 'none';
	});
	if (legacy || r?.k !== 'str') {
		return undefined;
	}
	return r.v === 'mean' || r.v === 'sum' ? true : r.v === 'none' ? false : undefined;
}

/** The shape rules the loss rows name, by name (rules.ts gathers every family's). */
export const lossShapes = {
	// Input and target element by element: a 0-d result when reduced, else their broadcast.
	elementwiseLoss: (_s, cfg, [input, target]) => {
		const r = reduced(cfg);
		if (!input || !target || r === undefined || input.length !== target.length) {
			return null;
		}
		const both = broadcast(input, target);
		if (!both || both.some((d, i) => d !== input[i] || d !== target[i])) {
			return null;
		}
		return r ? [] : both;
	},
	// Scores (N, C, …) against class indices (N, …) or probabilities (N, C, …): 0-d when reduced,
	// else the target's batch and extra dims.
	classLoss: (_s, cfg, [input, target]) => {
		const r = reduced(cfg);
		if (!input || !target || r === undefined || input.length < 2) {
			return null;
		}
		const indices: Shape = [input[0], ...input.slice(2)];
		const fits = (want: Shape) =>
			want.length === target.length && want.every((d, i) => d !== null && d === target[i]);
		if (!fits(indices) && !fits(input)) {
			return null;
		}
		return r ? [] : indices;
	},
	otherLoss: () => null,
} satisfies Partial<Record<TorchShapeRule, ShapeFn>>;
