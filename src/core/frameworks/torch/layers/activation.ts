// torch.nn's dropouts and activations (ReLU … Softmax, PReLU): rows, and the few rules beyond keeping the shape.
import { ArgDefault, ShapeError } from '../../common/spec';
import type { ArgCheck, TorchModuleSpec, TorchParamRule, TorchShapeRule } from '../catalogue';
import { dimIndex, fmt, int, p, ParamFn, ShapeFn } from './shared';

const probability: ArgCheck[] = [{ arg: 'p', min: 0, max: 1 }];

const act = (name: string, args: [string, ArgDefault][] = []): TorchModuleSpec => ({
	name,
	category: 'activation',
	args,
	params: 'none',
	shape: 'identity',
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
