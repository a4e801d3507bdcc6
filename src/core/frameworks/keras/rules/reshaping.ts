// Shape rules of the reshaping layers: Flatten, Reshape, Permute, cropping, padding, up-sampling.
import { asInt, asSequence } from '../../../python/values';
import { ShapeError } from '../../common/spec';
import type { KerasShapeRule } from '../catalogue';
import { fmt, int, ints, product, ShapeFn, spatial } from './args';

export const reshapingShapes = {
	permute: (_spec, cfg, [input]) => {
		const d = asSequence(cfg.get('dims'))?.map(asInt);
		if (!d || d.some((x) => x === undefined) || d.length !== input.length - 1) {
			return null;
		}
		return [input[0], ...(d as number[]).map((i) => input[i])];
	},
	repeatVector: (_spec, cfg, [input]) => {
		const n = int(cfg, 'n');
		return n === undefined ? null : [input[0], n, ...input.slice(1)];
	},
	cropping: (spec, cfg, [input]) => {
		const rank = spec.rank ?? 2;
		const sp = spatial(cfg, input, rank);
		const v = cfg.get('cropping');
		const single = asInt(v);
		const list = asSequence(v);
		const pairs: number[][] | undefined =
			single !== undefined
				? Array(rank).fill([single, single])
				: rank === 1 &&
					  list &&
					  list.length === 2 &&
					  list.every((x) => asInt(x) !== undefined)
					? [list.map((x) => asInt(x) as number)]
					: list?.map((p) => {
							const n = asInt(p);
							return n !== undefined
								? [n, n]
								: (asSequence(p)?.map((x) => asInt(x) ?? NaN) ?? [NaN, NaN]);
						});
		if (!sp || !pairs || pairs.length !== rank || pairs.flat().some((x) => Number.isNaN(x))) {
			return null;
		}
		const out = [...input];
		sp.axes.forEach((axis, i) => {
			const n = input[axis];
			out[axis] = n === null ? null : n - pairs[i][0] - pairs[i][1];
		});
		return out;
	},
	flatten: (_spec, _cfg, [input]) => [input[0], product(input.slice(1))],
	reshape: (_spec, cfg, [input]) => {
		const target = asSequence(cfg.get('target_shape'))?.map(asInt);
		if (!target || target.some((x) => x === undefined)) {
			return null;
		}
		const dims = target as number[];
		const total = product(input.slice(1));
		const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
		if (dims.includes(-1)) {
			if (total !== null && (known === 0 || total % known !== 0)) {
				throw new ShapeError(
					`cannot reshape ${total} values into ${fmt(dims)}: ${known} does not divide ${total}`,
				);
			}
			return [
				input[0],
				...dims.map((d) => (d === -1 ? (total === null ? null : total / known) : d)),
			];
		}
		if (total !== null && total !== known) {
			throw new ShapeError(
				`cannot reshape ${total} values into ${fmt(dims)} (${known} values)`,
			);
		}
		return [input[0], ...dims];
	},
	zeroPadding: (spec, cfg, [input]) => {
		const rank = spec.rank ?? 2;
		const sp = spatial(cfg, input, rank);
		const v = cfg.get('padding');
		const single = asInt(v);
		const list = asSequence(v);
		// ZeroPadding1D's (left, right) is one pair, as Cropping1D's is.
		const pairs: number[][] | undefined =
			single !== undefined
				? Array(rank).fill([single, single])
				: rank === 1 &&
					  list &&
					  list.length === 2 &&
					  list.every((x) => asInt(x) !== undefined)
					? [list.map((x) => asInt(x) as number)]
					: list?.map((p) => {
							const n = asInt(p);
							return n !== undefined
								? [n, n]
								: (asSequence(p)?.map((x) => asInt(x) ?? NaN) ?? [NaN, NaN]);
						});
		if (!sp || !pairs || pairs.flat().some((x) => Number.isNaN(x))) {
			return null;
		}
		const out = [...input];
		sp.axes.forEach((axis, i) => {
			const n = input[axis];
			out[axis] = n === null ? null : n + pairs[i][0] + pairs[i][1];
		});
		return out;
	},
	upSampling: (spec, cfg, [input]) => {
		const rank = spec.rank ?? 2;
		const sp = spatial(cfg, input, rank);
		const size = ints(cfg, 'size', rank);
		if (!sp || !size) {
			return null;
		}
		const out = [...input];
		sp.axes.forEach((axis, i) => {
			const n = input[axis];
			out[axis] = n === null ? null : n * size[i];
		});
		return out;
	},
} satisfies Partial<Record<KerasShapeRule, ShapeFn>>;
