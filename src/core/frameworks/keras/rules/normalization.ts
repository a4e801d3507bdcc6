// Weight rules of the normalization layers: γ and β per kept axis, moving statistics, adapt().
import { ShapeError } from '../../common/spec';
import type { KerasWeightRule } from '../catalogue';
import { axesOf, bool, int, w, WeightFn } from './args';

export const normalizationWeights = {
	batchNorm: (_spec, cfg, input) => {
		const axes = axesOf(cfg, input.length);
		const center = bool(cfg, 'center');
		const scale = bool(cfg, 'scale');
		if (!axes || center === undefined || scale === undefined) {
			return null;
		}
		const shape = axes.map((a) => input[a]);
		if (shape.some((d) => d === null)) {
			return null;
		}
		const s = shape as number[];
		return [
			...(scale ? [w('gamma', s)] : []),
			...(center ? [w('beta', s)] : []),
			w('moving_mean', s, false),
			w('moving_variance', s, false),
		];
	},
	layerNorm: (_spec, cfg, input) => {
		const axes = axesOf(cfg, input.length);
		const center = bool(cfg, 'center');
		const scale = bool(cfg, 'scale');
		if (!axes || center === undefined || scale === undefined) {
			return null;
		}
		const shape = axes.map((a) => input[a]);
		if (shape.some((d) => d === null)) {
			return null;
		}
		const s = shape as number[];
		return [...(scale ? [w('gamma', s)] : []), ...(center ? [w('beta', s)] : [])];
	},
	groupNorm: (_spec, cfg, input) => {
		const axes = axesOf(cfg, input.length);
		const groups = int(cfg, 'groups');
		const c = axes && axes.length === 1 ? input[axes[0]] : null;
		const center = bool(cfg, 'center');
		const scale = bool(cfg, 'scale');
		if (c === null || groups === undefined || center === undefined || scale === undefined) {
			return null;
		}
		if (groups !== -1 && c % groups !== 0) {
			throw new ShapeError(
				`needs channels divisible by groups=${groups} but the input has ${c}`,
			);
		}
		return [...(scale ? [w('gamma', [c])] : []), ...(center ? [w('beta', [c])] : [])];
	},
	rmsNorm: (_spec, cfg, input) => {
		const axes = axesOf(cfg, input.length);
		const shape = axes?.map((a) => input[a]);
		return !shape || shape.some((d) => d === null) ? null : [w('scale', shape as number[])];
	},
	normalization: (_spec, cfg, input) => {
		// Keras 3 creates adapt() state only when no mean and variance are given; one without the other is an error.
		const mean = cfg.get('mean')?.k !== 'none';
		if (mean !== (cfg.get('variance')?.k !== 'none')) {
			throw new ShapeError('mean and variance must be given together');
		}
		if (mean) {
			return [];
		}
		const axes = axesOf(cfg, input.length);
		const shape = axes?.map((a) => input[a]);
		if (!shape || shape.some((d) => d === null)) {
			return null;
		}
		return [
			w('mean', shape as number[], false),
			w('variance', shape as number[], false),
			w('count', [], false),
		];
	},
} satisfies Partial<Record<KerasWeightRule, WeightFn>>;
