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
	embeddingBag: (_s, cfg, [x, offsets], name) => {
		// A 2-D input holds one bag per row; a 1-D one needs the offsets where each bag starts.
		if (x.length === 1 && !offsets) {
			throw new ShapeError(`${name} on a 1-D input needs the offsets of its bags`);
		}
		const d = int(cfg, 'embedding_dim');
		return d === undefined ? null : [x.length === 2 ? x[0] : offsets[0], d];
	},
} satisfies Partial<Record<TorchShapeRule, ShapeFn>>;
