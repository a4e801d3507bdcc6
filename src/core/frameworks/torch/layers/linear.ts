// torch.nn's linear layers (Linear, LazyLinear, Bilinear, Identity): rows, weight and shape rules.
import { REQUIRED, ShapeError } from '../../common/spec';
import type { TorchModuleSpec, TorchParamRule, TorchShapeRule } from '../catalogue';
import { bool, checkChannels, fmt, int, p, ParamFn, ShapeFn } from './shared';

/** The linear layers, in catalogue order. */
export const linearModules: TorchModuleSpec[] = [
	{
		name: 'Linear',
		category: 'linear',
		args: [
			['in_features', REQUIRED],
			['out_features', REQUIRED],
			['bias', true],
		],
		params: 'linear',
		shape: 'linear',
		layout: 'contiguous',
	},
	{
		name: 'LazyLinear',
		category: 'linear',
		args: [
			['out_features', REQUIRED],
			['bias', true],
		],
		params: 'lazy',
		shape: 'linear',
		layout: 'contiguous',
		lazy: { eager: 'Linear', arg: 'in_features', from: 'last' },
	},
	{
		name: 'Bilinear',
		category: 'linear',
		args: [
			['in1_features', REQUIRED],
			['in2_features', REQUIRED],
			['out_features', REQUIRED],
			['bias', true],
		],
		params: 'bilinear',
		shape: 'bilinear',
		layout: 'contiguous',
	},
	{
		name: 'Identity',
		category: 'linear',
		args: [],
		params: 'none',
		shape: 'identity',
		layout: 'same',
	},
];

/** The weight rules the linear rows name, by name (rules.ts gathers every family's). */
export const linearParams = {
	linear: (_s, cfg) => {
		const i = int(cfg, 'in_features');
		const o = int(cfg, 'out_features');
		const bias = bool(cfg, 'bias');
		return i === undefined || o === undefined || bias === undefined
			? null
			: [p('weight', [o, i]), ...(bias ? [p('bias', [o])] : [])];
	},
	bilinear: (_s, cfg) => {
		const [i1, i2, o] = ['in1_features', 'in2_features', 'out_features'].map((n) =>
			int(cfg, n),
		);
		const bias = bool(cfg, 'bias');
		return i1 === undefined || i2 === undefined || o === undefined || bias === undefined
			? null
			: [p('weight', [o, i1, i2]), ...(bias ? [p('bias', [o])] : [])];
	},
} satisfies Partial<Record<TorchParamRule, ParamFn>>;

/** The shape rules the linear rows name, by name (rules.ts gathers every family's). */
export const linearShapes = {
	linear: (_s, cfg, [x], name) => {
		checkChannels(
			x,
			x.length - 1,
			int(cfg, 'in_features'),
			'input features (in_features)',
			name,
		);
		const o = int(cfg, 'out_features');
		return o === undefined ? null : [...x.slice(0, -1), o];
	},
	bilinear: (_s, cfg, [x, y], name) => {
		checkChannels(
			x,
			x.length - 1,
			int(cfg, 'in1_features'),
			'features in its first input (in1_features)',
			name,
		);
		if (y) {
			checkChannels(
				y,
				y.length - 1,
				int(cfg, 'in2_features'),
				'features in its second input (in2_features)',
				name,
			);
			if (
				y.length !== x.length ||
				y.slice(0, -1).some((d, i) => d !== null && x[i] !== null && d !== x[i])
			) {
				throw new ShapeError(
					`${name} needs inputs with the same leading dims, got ${fmt(x)} and ${fmt(y)}`,
				);
			}
		}
		const o = int(cfg, 'out_features');
		return o === undefined ? null : [...x.slice(0, -1), o];
	},
} satisfies Partial<Record<TorchShapeRule, ShapeFn>>;
