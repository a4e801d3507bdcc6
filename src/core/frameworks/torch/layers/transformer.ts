// torch.nn's attention layers (MultiheadAttention, the Transformer layers, nn.Transformer): rows, weight and shape rules.
import type { Shape, WeightInfo } from '../../../../protocol/analysis';
import { REQUIRED, ShapeError } from '../../common/spec';
import type { TorchModuleSpec, TorchParamRule, TorchShapeRule } from '../catalogue';
import {
	bool,
	checkChannels,
	fmt,
	int,
	intLoose,
	MAX_STACKED_LAYERS,
	ModuleConfig,
	p,
	ParamFn,
	ShapeFn,
	SizeBoundError,
} from './shared';

/** nn.TransformerEncoderLayer / nn.TransformerDecoderLayer: the same arguments, their own weight and shape rules. */
const transformerLayer = (kind: 'Encoder' | 'Decoder'): TorchModuleSpec => ({
	name: `Transformer${kind}Layer`,
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
	params: `transformer${kind}Layer`,
	shape: `transformer${kind}Layer`,
	checks: [{ arg: 'nhead', divides: 'd_model' }],
	ranks: [2, 3],
});

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
		layout: 'mha',
		checks: [{ arg: 'num_heads', divides: 'embed_dim' }],
		ranks: [2, 3],
	},
	transformerLayer('Encoder'),
	transformerLayer('Decoder'),
	{
		// The whole encoder-decoder (torch.nn.Transformer): one row, as NormLens does not list its
		// inner encoder and decoder; counts as PyTorch's default custom_encoder / custom_decoder = None.
		name: 'Transformer',
		category: 'transformer',
		args: [
			['d_model', 512],
			['nhead', 8],
			['num_encoder_layers', 6],
			['num_decoder_layers', 6],
			['dim_feedforward', 2048],
			['dropout', 0.1],
			['activation', 'relu'],
			['custom_encoder', null],
			['custom_decoder', null],
			['layer_norm_eps', 1e-5],
			['batch_first', false],
			['norm_first', false],
			['bias', true],
		],
		params: 'transformer',
		shape: 'transformer',
		checks: [
			{ arg: 'nhead', divides: 'd_model' },
			{ arg: 'num_encoder_layers', min: 0 },
			{ arg: 'num_decoder_layers', min: 0 },
		],
		ranks: [2, 3],
	},
];

/** A LayerNorm, Linear or MultiheadAttention inside a transformer layer, under `prefix`. */
const linear = (prefix: string, o: number, i: number, bias: boolean): WeightInfo[] => [
	p(`${prefix}.weight`, [o, i]),
	...(bias ? [p(`${prefix}.bias`, [o])] : []),
];
const layerNorm = (prefix: string, d: number, bias: boolean): WeightInfo[] => [
	p(`${prefix}.weight`, [d]),
	...(bias ? [p(`${prefix}.bias`, [d])] : []),
];
const attention = (prefix: string, d: number, bias: boolean): WeightInfo[] => [
	p(`${prefix}.in_proj_weight`, [3 * d, d]),
	...(bias ? [p(`${prefix}.in_proj_bias`, [3 * d])] : []),
	...linear(`${prefix}.out_proj`, d, d, bias),
];

/** d_model, dim_feedforward and bias of a transformer layer's arguments; undefined when one is not known. */
function layerSizes(cfg: ModuleConfig): { d: number; ff: number; bias: boolean } | undefined {
	const d = int(cfg, 'd_model');
	const ff = int(cfg, 'dim_feedforward');
	const bias = bool(cfg, 'bias');
	return d === undefined || ff === undefined || bias === undefined ? undefined : { d, ff, bias };
}

/** nn.TransformerEncoderLayer's weights under `prefix` ('' for the layer itself). */
function encoderLayer(prefix: string, d: number, ff: number, bias: boolean): WeightInfo[] {
	return [
		...attention(`${prefix}self_attn`, d, bias),
		...linear(`${prefix}linear1`, ff, d, bias),
		...linear(`${prefix}linear2`, d, ff, bias),
		...layerNorm(`${prefix}norm1`, d, bias),
		...layerNorm(`${prefix}norm2`, d, bias),
	];
}

/** nn.TransformerDecoderLayer's: self-attention, attention over the memory, feed-forward, three norms. */
function decoderLayer(prefix: string, d: number, ff: number, bias: boolean): WeightInfo[] {
	return [
		...attention(`${prefix}self_attn`, d, bias),
		...attention(`${prefix}multihead_attn`, d, bias),
		...linear(`${prefix}linear1`, ff, d, bias),
		...linear(`${prefix}linear2`, d, ff, bias),
		...layerNorm(`${prefix}norm1`, d, bias),
		...layerNorm(`${prefix}norm2`, d, bias),
		...layerNorm(`${prefix}norm3`, d, bias),
	];
}

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
		const z = layerSizes(cfg);
		return z ? encoderLayer('', z.d, z.ff, z.bias) : null;
	},
	transformerDecoderLayer: (_s, cfg) => {
		const z = layerSizes(cfg);
		return z ? decoderLayer('', z.d, z.ff, z.bias) : null;
	},
	transformer: (_s, cfg) => {
		const z = layerSizes(cfg);
		const enc = int(cfg, 'num_encoder_layers');
		const dec = int(cfg, 'num_decoder_layers');
		const custom = ['custom_encoder', 'custom_decoder'].some((k) => cfg.get(k)?.k !== 'none');
		if (!z || enc === undefined || dec === undefined || custom) {
			return null;
		}
		if (enc + dec > MAX_STACKED_LAYERS) {
			throw new SizeBoundError(
				`${enc + dec} encoder and decoder layers are more than the ${MAX_STACKED_LAYERS.toLocaleString('en-US')} stacked layers NormLens builds, so its parameters are not counted`,
			);
		}
		const { d, ff, bias } = z;
		return [
			...Array.from({ length: enc }, (_, i) =>
				encoderLayer(`encoder.layers.${i}.`, d, ff, bias),
			).flat(),
			...layerNorm('encoder.norm', d, bias),
			...Array.from({ length: dec }, (_, i) =>
				decoderLayer(`decoder.layers.${i}.`, d, ff, bias),
			).flat(),
			...layerNorm('decoder.norm', d, bias),
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
	// tgt (T, N, E) after attending to memory (S, N, E): tgt's shape. nn.Transformer takes (src, tgt)
	// in that order, and checks the batch as below (PyTorch: "the batch number of src and tgt must be equal").
	transformerDecoderLayer: (_s, cfg, [tgt, memory], name) => decoderShape(cfg, tgt, memory, name),
	transformer: (_s, cfg, [src, tgt], name) => {
		if (int(cfg, 'num_encoder_layers') === 0) {
			// nn.TransformerEncoder.forward reads self.layers[0]: an IndexError with no layers.
			throw new ShapeError(
				`${name} with num_encoder_layers=0 cannot run: its encoder has no first layer (IndexError)`,
			);
		}
		return decoderShape(cfg, tgt, src, name);
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

/** The decoder's output: `tgt`'s shape, d_model on both, one batch (a memory or source of another batch: PyTorch's error). */
function decoderShape(
	cfg: ModuleConfig,
	tgt: Shape | undefined,
	memory: Shape | undefined,
	name: string,
): Shape | null {
	if (!tgt || !memory) {
		return null;
	}
	const d = int(cfg, 'd_model');
	checkChannels(tgt, tgt.length - 1, d, 'target features (d_model) on the last dim', name);
	checkChannels(memory, memory.length - 1, d, 'memory features (d_model) on the last dim', name);
	if (tgt.length !== memory.length) {
		throw new ShapeError(
			`${name}: target ${fmt(tgt)} and memory ${fmt(memory)} differ in rank`,
		);
	}
	const batchAxis = tgt.length === 3 ? (bool(cfg, 'batch_first') ? 0 : 1) : -1;
	if (
		batchAxis >= 0 &&
		tgt[batchAxis] !== null &&
		memory[batchAxis] !== null &&
		tgt[batchAxis] !== memory[batchAxis]
	) {
		throw new ShapeError(
			`${name}: the batch of the target ${fmt(tgt)} and of the memory ${fmt(memory)} must be equal`,
		);
	}
	return tgt;
}
