// Shape and weight rules of the core layers: Dense, Embedding, Lambda, PReLU, the identity.
import { asInt, asSequence } from '../../../python/values';
import { ShapeError } from '../../common/spec';
import type { KerasShapeRule, KerasWeightRule } from '../catalogue';
import { axesOf, bool, fmt, int, ShapeFn, w, WeightFn } from './args';

export const coreShapes = {
	unknown: () => null,
	identity: (_spec, _cfg, [input]) => input,
	dense: (_spec, cfg, [input]) => {
		const units = int(cfg, 'units');
		if (input.length < 2) {
			throw new ShapeError(`expects an input of rank ≥ 2 but got ${fmt(input)}`);
		}
		return units === undefined ? null : [...input.slice(0, -1), units];
	},
	embedding: (_spec, cfg, [input]) => {
		const d = int(cfg, 'output_dim');
		return d === undefined ? null : [...input, d];
	},
	lambda: (_spec, cfg, [input]) => {
		// output_shape counts from the first axis after the batch (Keras's Lambda docs).
		const dims = asSequence(cfg.get('output_shape'))?.map((v) =>
			v.k === 'none' ? null : asInt(v),
		);
		return dims && dims.every((d) => d !== undefined)
			? [input[0], ...(dims as (number | null)[])]
			: null;
	},
} satisfies Partial<Record<KerasShapeRule, ShapeFn>>;

export const coreWeights = {
	none: () => [],
	dense: (_spec, cfg, input) => {
		const units = int(cfg, 'units');
		const fin = input[input.length - 1];
		const bias = bool(cfg, 'use_bias');
		if (units === undefined || fin === null || bias === undefined) {
			return null;
		}
		return [w('kernel', [fin, units]), ...(bias ? [w('bias', [units])] : [])];
	},
	embedding: (_spec, cfg) => {
		const n = int(cfg, 'input_dim');
		const d = int(cfg, 'output_dim');
		return n === undefined || d === undefined ? null : [w('embeddings', [n, d])];
	},
	prelu: (_spec, cfg, input) => {
		const shared = axesOf(cfg, input.length, 'shared_axes') ?? [];
		const shape = input.slice(1).map((d, i) => (shared.includes(i + 1) ? 1 : d));
		return shape.some((d) => d === null) ? null : [w('alpha', shape as number[])];
	},
} satisfies Partial<Record<KerasWeightRule, WeightFn>>;
