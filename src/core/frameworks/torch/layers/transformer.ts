// torch.nn's attention layers (MultiheadAttention, TransformerEncoderLayer): rows, weight and shape rules.
import type { Shape } from '../../../../protocol/analysis';
import { REQUIRED, ShapeError } from '../../common/spec';
import type { TorchModuleSpec, TorchParamRule, TorchShapeRule } from '../catalogue';
import { bool, checkChannels, fmt, int, intLoose, p, ParamFn, ShapeFn } from './shared';

/** The attention layers, in catalogue order. */
export const transformerModules: TorchModuleSpec[] = [
	{
		name: 'MultiheadAttention',
		category: 'transformer',
		args: [
			['embed_dim', REQUIRED],
			['num_heads', REQUIRED],
			['dropout', 0],
			['bias', true],
			['add_bias_kv', false],
			['add_zero_attn', false],
			['kdim', null],
			['vdim', null],
			['batch_first', false],
		],
		params: 'multiheadAttention',
		shape: 'multiheadAttention',
		checks: [{ arg: 'num_heads', divides: 'embed_dim' }],
		ranks: [2, 3],
	},
	{
		name: 'TransformerEncoderLayer',
		category: 'transformer',
		args: [
			['d_model', REQUIRED],
			['nhead', REQUIRED],
			['dim_feedforward', 2048],
			['dropout', 0.1],
			['activation', 'relu'],
			['layer_norm_eps', 1e-5],
			['batch_first', false],
			['norm_first', false],
			['bias', true],
		],
		params: 'transformerEncoderLayer',
		shape: 'transformerEncoderLayer',
		checks: [{ arg: 'nhead', divides: 'd_model' }],
		ranks: [2, 3],
	},
];

/** The weight rules the transformer rows name, by name (rules.ts gathers every family's). */
export const transformerParams = {
	multiheadAttention: (_s, cfg) => {
		const e = int(cfg, 'embed_dim');
		const heads = intLoose(cfg, 'num_heads');
		const bias = bool(cfg, 'bias');
		const kv = bool(cfg, 'add_bias_kv');
		const kdim = cfg.get('kdim')?.k === 'none' ? e : int(cfg, 'kdim');
		const vdim = cfg.get('vdim')?.k === 'none' ? e : int(cfg, 'vdim');
		if (
			e === undefined ||
			heads === undefined ||
			bias === undefined ||
			kv === undefined ||
			kdim === undefined ||
			vdim === undefined
		) {
			return null;
		}
		const same = kdim === e && vdim === e;
		return [
			...(same
				? [p('in_proj_weight', [3 * e, e])]
				: [
						p('q_proj_weight', [e, e]),
						p('k_proj_weight', [e, kdim]),
						p('v_proj_weight', [e, vdim]),
					]),
			...(bias ? [p('in_proj_bias', [3 * e])] : []),
			...(kv ? [p('bias_k', [1, 1, e]), p('bias_v', [1, 1, e])] : []),
			p('out_proj.weight', [e, e]),
			...(bias ? [p('out_proj.bias', [e])] : []),
		];
	},
	transformerEncoderLayer: (_s, cfg) => {
		const d = int(cfg, 'd_model');
		const ff = int(cfg, 'dim_feedforward');
		const bias = bool(cfg, 'bias');
		if (d === undefined || ff === undefined || bias === undefined) {
			return null;
		}
		const lin = (name: string, o: number, i: number) => [
			p(`${name}.weight`, [o, i]),
			...(bias ? [p(`${name}.bias`, [o])] : []),
		];
		return [
			p('self_attn.in_proj_weight', [3 * d, d]),
			...(bias ? [p('self_attn.in_proj_bias', [3 * d])] : []),
			...lin('self_attn.out_proj', d, d),
			...lin('linear1', ff, d),
			...lin('linear2', d, ff),
			p('norm1.weight', [d]),
			...(bias ? [p('norm1.bias', [d])] : []),
			p('norm2.weight', [d]),
			...(bias ? [p('norm2.bias', [d])] : []),
		];
	},
} satisfies Partial<Record<TorchParamRule, ParamFn>>;

/** The shape rules the transformer rows name, by name (rules.ts gathers every family's). */
export const transformerShapes = {
	multiheadAttention: (_s, cfg, [q, k, v], name) => {
		const e = int(cfg, 'embed_dim');
		const kdim = cfg.get('kdim')?.k === 'none' ? e : int(cfg, 'kdim');
		const vdim = cfg.get('vdim')?.k === 'none' ? e : int(cfg, 'vdim');
		checkChannels(q, q.length - 1, e, 'query features (embed_dim)', name);
		if (k && v) {
			checkChannels(k, k.length - 1, kdim, 'key features (kdim)', name);
			checkChannels(v, v.length - 1, vdim, 'value features (vdim)', name);
			// Keys and values: the same (batch, source length); the query: the same batch.
			const batchAxis = q.length === 3 ? (bool(cfg, 'batch_first') ? 0 : 1) : -1;
			const same = (a: Shape, b: Shape, axes: number[]) =>
				a.length === b.length &&
				axes.every((i) => a[i] === null || b[i] === null || a[i] === b[i]);
			if (
				!same(k, v, k.map((_, i) => i).slice(0, -1)) ||
				(batchAxis >= 0 && !same(q, k, [batchAxis]))
			) {
				throw new ShapeError(
					`${name}: query ${fmt(q)}, key ${fmt(k)} and value ${fmt(v)} do not fit together`,
				);
			}
		}
		return e === undefined ? null : [...q.slice(0, -1), e];
	},
	transformerEncoderLayer: (_s, cfg, [x], name) => {
		checkChannels(
			x,
			x.length - 1,
			int(cfg, 'd_model'),
			'features (d_model) on the last dim',
			name,
		);
		return x;
	},
} satisfies Partial<Record<TorchShapeRule, ShapeFn>>;
