// torch.nn's dropouts and activations (ReLU … Softmax, PReLU): rows, and the few rules beyond keeping the shape.
import { ArgDefault, REQUIRED, ShapeError } from '../../common/spec';
import type { ArgCheck, TorchModuleSpec, TorchParamRule, TorchShapeRule } from '../catalogue';
import { broadcast } from '../../common/shapes';
import { bool, dimIndex, fmt, int, p, ParamFn, ShapeFn } from './shared';

/** The activations whose kernels are element-wise (TensorIterator), which keep the input's order of dims. */
const POINTWISE = new Set(
	'ReLU ReLU6 LeakyReLU ELU SELU CELU GELU SiLU Mish Sigmoid Tanh Hardswish Hardsigmoid Hardtanh Softplus Softsign Tanhshrink LogSigmoid Softshrink Hardshrink Threshold'.split(
		' ',
	),
);
/** The activations whose kernels write a fresh contiguous output (softmax makes its input contiguous; RReLU too). */
const CONTIGUOUS_ACTIVATIONS = new Set('Softmax LogSoftmax Softmin RReLU'.split(' '));

const probability: ArgCheck[] = [{ arg: 'p', min: 0, max: 1 }];

const act = (name: string, args: [string, ArgDefault][] = []): TorchModuleSpec => ({
	name,
	category: 'activation',
	args,
	params: 'none',
	shape: 'identity',
	layout: CONTIGUOUS_ACTIVATIONS.has(name)
		? 'contiguous'
		: POINTWISE.has(name)
			? 'pointwise'
			: undefined,
});
const dropout = (name: string, ranks?: [number, number]): TorchModuleSpec => ({
	name,
	category: 'dropout',
	args: [
		['p', 0.5],
		['inplace', false],
	],
	params: 'none',
	shape: 'identity',
	layout: 'maybeSelf',
	checks: probability,
	ranks,
});

/** The dropouts, then the activations, in catalogue order. */
export const activationModules: TorchModuleSpec[] = [
	dropout('Dropout'),
	dropout('Dropout1d', [2, 3]),
	dropout('Dropout2d'),
	dropout('Dropout3d'),
	dropout('AlphaDropout'),
	act('ReLU', [['inplace', false]]),
	act('ReLU6', [['inplace', false]]),
	act('LeakyReLU', [
		['negative_slope', 0.01],
		['inplace', false],
	]),
	act('ELU', [
		['alpha', 1],
		['inplace', false],
	]),
	act('SELU', [['inplace', false]]),
	act('CELU', [
		['alpha', 1],
		['inplace', false],
	]),
	{
		...act('GELU', [['approximate', 'none']]),
		checks: [{ arg: 'approximate', oneOf: ['none', 'tanh'], stage: 'call' }],
	},
	act('SiLU', [['inplace', false]]),
	act('Mish', [['inplace', false]]),
	act('Sigmoid'),
	act('Tanh'),
	act('Hardswish', [['inplace', false]]),
	act('Hardsigmoid', [['inplace', false]]),
	{
		...act('Hardtanh', [
			['min_val', -1],
			['max_val', 1],
			['inplace', false],
		]),
		checks: [{ arg: 'min_val', below: 'max_val' }],
	},
	act('Softplus', [
		['beta', 1],
		['threshold', 20],
	]),
	{ ...act('Softmax', [['dim', null]]), shape: 'softmax' },
	{ ...act('LogSoftmax', [['dim', null]]), shape: 'softmax' },
	{ ...act('Softmax2d'), ranks: [3, 4] },
	{ ...act('Softmin', [['dim', null]]), shape: 'softmax' },
	act('Softsign'),
	act('Tanhshrink'),
	act('LogSigmoid'),
	act('Softshrink', [['lambd', 0.5]]),
	act('Hardshrink', [['lambd', 0.5]]),
	act('Threshold', [
		['threshold', REQUIRED],
		['value', REQUIRED],
		['inplace', false],
	]),
	act('RReLU', [
		['lower', 1 / 8],
		['upper', 1 / 3],
		['inplace', false],
	]),
	// PyTorch refuses a 1-D input only in training with p > 0 (eval passes it through): no rank check.
	dropout('FeatureAlphaDropout'),
	{ ...act('GLU', [['dim', -1]]), shape: 'glu' },
	{
		name: 'CosineSimilarity',
		category: 'activation',
		args: [
			['dim', 1],
			['eps', 1e-8],
		],
		params: 'none',
		shape: 'similarity',
	},
	{
		name: 'PairwiseDistance',
		category: 'activation',
		args: [
			['p', 2],
			['eps', 1e-6],
			['keepdim', false],
		],
		params: 'none',
		shape: 'similarity',
	},
	{
		name: 'PReLU',
		category: 'activation',
		args: [
			['num_parameters', 1],
			['init', 0.25],
		],
		params: 'prelu',
		shape: 'prelu',
	},
];

/** The weight rules the activation rows name, by name (rules.ts gathers every family's). */
export const activationParams = {
	prelu: (_s, cfg) => {
		const n = int(cfg, 'num_parameters');
		return n === undefined ? null : [p('weight', [n])];
	},
} satisfies Partial<Record<TorchParamRule, ParamFn>>;

/** The shape rules the activation rows name, by name (rules.ts gathers every family's). */
export const activationShapes = {
	softmax: (_s, cfg, [x], name) => {
		const dim = int(cfg, 'dim');
		if (dim !== undefined) {
			dimIndex(dim, x, name);
		}
		return x;
	},
	// The input halved along `dim`: one half gates the other.
	glu: (_s, cfg, [x], name) => {
		const dim = int(cfg, 'dim');
		if (dim === undefined) {
			return null;
		}
		if (x.length === 0) {
			throw new ShapeError(`${name} cannot halve a 0-d input`);
		}
		const i = dimIndex(dim, x, name);
		const n = x[i];
		if (n !== null && n % 2 !== 0) {
			throw new ShapeError(
				`${name}: dim ${dim} of ${fmt(x)} has an odd size, which it cannot halve`,
			);
		}
		return x.map((d, j) => (j === i && d !== null ? d / 2 : d));
	},
	// Two inputs broadcast, then reduced over `dim` (CosineSimilarity) or the last dim (PairwiseDistance, kept with keepdim).
	similarity: (spec, cfg, [x1, x2], name) => {
		if (!x1 || !x2) {
			return null;
		}
		const both = broadcast(x1, x2);
		if (!both) {
			throw new ShapeError(`${name}: inputs ${fmt(x1)} and ${fmt(x2)} do not broadcast`);
		}
		if (spec.name === 'PairwiseDistance') {
			const keep = bool(cfg, 'keepdim');
			if (keep === undefined || both.length === 0) {
				return null;
			}
			return keep ? [...both.slice(0, -1), 1] : both.slice(0, -1);
		}
		const dim = int(cfg, 'dim');
		if (dim === undefined) {
			return null;
		}
		const i = dimIndex(dim, both, name);
		return both.filter((_, j) => j !== i);
	},
	prelu: (_s, cfg, [x], name) => {
		// One slope, or one per channel (dim 1; a 1-D input has one channel).
		const n = int(cfg, 'num_parameters');
		const c = x.length >= 2 ? x[1] : 1;
		if (n !== undefined && n !== 1 && c !== null && c !== n) {
			throw new ShapeError(
				`${name} has ${n} slopes but the input has ${c} channels (input ${fmt(x)})`,
			);
		}
		return x;
	},
} satisfies Partial<Record<TorchShapeRule, ShapeFn>>;
