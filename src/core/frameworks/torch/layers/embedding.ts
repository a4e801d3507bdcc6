// torch.nn's embeddings (Embedding, EmbeddingBag): rows, weight and shape rules.
import { REQUIRED, ShapeError } from '../../common/spec';
import type { TorchModuleSpec, TorchParamRule, TorchShapeRule } from '../catalogue';
import { int, p, ParamFn, ShapeFn } from './shared';

/** The embeddings, in catalogue order. */
export const embeddingModules: TorchModuleSpec[] = [
	{
		name: 'Embedding',
		category: 'embedding',
		args: [
			['num_embeddings', REQUIRED],
			['embedding_dim', REQUIRED],
			['padding_idx', null],
			['max_norm', null],
		],
		params: 'embedding',
		shape: 'embedding',
		layout: 'contiguous',
		checks: [{ arg: 'padding_idx', indexInto: 'num_embeddings' }],
	},
	{
		name: 'EmbeddingBag',
		category: 'embedding',
		args: [
			['num_embeddings', REQUIRED],
			['embedding_dim', REQUIRED],
			['max_norm', null],
			['norm_type', 2],
			['scale_grad_by_freq', false],
			['mode', 'mean'],
			['sparse', false],
			['_weight', null],
			['include_last_offset', false],
			['padding_idx', null],
		],
		params: 'embedding',
		shape: 'embeddingBag',
		layout: 'contiguous',
		ranks: [1, 2],
	},
];

/** The weight rules the embedding rows name, by name (rules.ts gathers every family's). */
export const embeddingParams = {
	embedding: (_s, cfg) => {
		const n = int(cfg, 'num_embeddings');
		const d = int(cfg, 'embedding_dim');
		return n === undefined || d === undefined ? null : [p('weight', [n, d])];
	},
} satisfies Partial<Record<TorchParamRule, ParamFn>>;

/** The shape rules the embedding rows name, by name (rules.ts gathers every family's). */
export const embeddingShapes = {
	embedding: (_s, cfg, [x]) => {
		const d = int(cfg, 'embedding_dim');
		return d === undefined ? null : [...x, d];
	},
	embeddingBag: (_s, cfg, [x, offsets, weights], name) => {
		// A 2-D input holds one bag per row; a 1-D one needs the offsets where each bag starts.
		if (x.length === 1 && !offsets) {
			throw new ShapeError(`${name} on a 1-D input needs the offsets of its bags`);
		}
		if (x.length === 2 && offsets) {
			throw new ShapeError(`${name}: if input is 2D, then offsets has to be None`);
		}
		const mode = cfg.get('mode');
		if (weights && !(mode?.k === 'str' && mode.v === 'sum')) {
			throw new ShapeError(`${name}: per_sample_weights is only supported for mode='sum'`);
		}
		const last = cfg.get('include_last_offset');
		const d = int(cfg, 'embedding_dim');
		const bags = x.length === 2 ? x[0] : offsets[0];
		if (d === undefined || !(last?.k === 'bool')) {
			return null;
		}
		// include_last_offset: the last offset ends the last bag, so there is one bag fewer.
		return [bags === null ? null : last.v ? bags - 1 : bags, d];
	},
} satisfies Partial<Record<TorchShapeRule, ShapeFn>>;
