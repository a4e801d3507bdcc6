// Shape and weight rules of the recurrent layers (SimpleRNN, GRU, LSTM) and MultiHeadAttention.
import { asInt } from '../../../python/values';
import { ShapeError } from '../../common/spec';
import type { KerasShapeRule, KerasWeightRule } from '../catalogue';
import { bool, fmt, int, ShapeFn, w, WeightFn } from './args';

export const recurrentShapes = {
	rnn: (_spec, cfg, [input]) => {
		const units = int(cfg, 'units');
		const seq = bool(cfg, 'return_sequences');
		if (input.length !== 3) {
			throw new ShapeError(
				`expects a 3-D input (batch, timesteps, features) but got ${input.length}-D ${fmt(input)}`,
			);
		}
		if (units === undefined || seq === undefined) {
			return null;
		}
		return seq ? [input[0], input[1], units] : [input[0], units];
	},
	rnnCell: (_spec, cfg, [input]) => {
		// One step of a recurrent cell: (batch, features) → (batch, units).
		const units = int(cfg, 'units');
		if (input.length !== 2) {
			throw new ShapeError(`a cell takes one step, of rank 2, but got ${fmt(input)}`);
		}
		return units === undefined ? null : [input[0], units];
	},
	attention: (_spec, cfg, [query]) => {
		const os = cfg.get('output_shape');
		const n = asInt(os);
		return n !== undefined ? [...query.slice(0, -1), n] : query;
	},
	dotAttention: (_spec, _cfg, inputs) => {
		// Attention / AdditiveAttention on [query, value(, key)]: the query's steps, the value's features.
		if (inputs.length < 2 || inputs.length > 3) {
			throw new ShapeError(
				`takes a list [query, value] or [query, value, key], but got ${inputs.length} input${inputs.length === 1 ? '' : 's'}`,
			);
		}
		const [query, value] = inputs;
		return [...query.slice(0, -1), value[value.length - 1]];
	},
} satisfies Partial<Record<KerasShapeRule, ShapeFn>>;

export const recurrentWeights = {
	rnn: (spec, cfg, input) => {
		const units = int(cfg, 'units');
		const bias = spec.cudnn ? true : bool(cfg, 'use_bias');
		const f = input[input.length - 1];
		const g = spec.gates ?? 1;
		// A GRU's `reset_after` decides its bias's shape: unknown, so are its weights.
		const resetAfter = g === 3 && !spec.cudnn ? bool(cfg, 'reset_after') : false;
		if (units === undefined || bias === undefined || f === null || resetAfter === undefined) {
			return null;
		}
		const biasShape = spec.cudnn ? [2 * g * units] : resetAfter ? [2, g * units] : [g * units];
		return [
			w('kernel', [f, g * units]),
			w('recurrent_kernel', [units, g * units]),
			...(bias ? [w('bias', biasShape)] : []),
		];
	},
	attention: (_spec, cfg, input, inputs) => {
		// Called as mha(query, value[, key]): the key defaults to the value.
		const [vIn, kIn] = [inputs[1] ?? input, inputs[2] ?? inputs[1] ?? input];
		const [dv, dk] = [vIn[vIn.length - 1], kIn[kIn.length - 1]];
		const heads = int(cfg, 'num_heads');
		const key = int(cfg, 'key_dim');
		const valueV = cfg.get('value_dim');
		const value = valueV?.k === 'none' ? key : asInt(valueV);
		const bias = bool(cfg, 'use_bias');
		const d = input[input.length - 1];
		const os = asInt(cfg.get('output_shape')) ?? d;
		if (
			heads === undefined ||
			key === undefined ||
			value === undefined ||
			bias === undefined ||
			d === null ||
			os === null ||
			dv === null ||
			dk === null
		) {
			return null;
		}
		const dense = (name: string, i: number, h: number, o: number) => [
			w(`${name}/kernel`, [i, h, o]),
			...(bias ? [w(`${name}/bias`, [h, o])] : []),
		];
		return [
			...dense('query', d, heads, key),
			...dense('key', dk, heads, key),
			...dense('value', dv, heads, value),
			w('attention_output/kernel', [heads, value, os]),
			...(bias ? [w('attention_output/bias', [os])] : []),
		];
	},
	dotAttention: (_spec, cfg) => {
		// Attention.build: a scalar `scale` where use_scale, a scalar `concat_score_weight` where
		// score_mode='concat'.
		const scale = bool(cfg, 'use_scale');
		const mode = cfg.get('score_mode');
		if (scale === undefined || mode?.k !== 'str') {
			return null;
		}
		return [
			...(scale ? [w('scale', [])] : []),
			...(mode.v === 'concat' ? [w('concat_score_weight', [])] : []),
		];
	},
	additiveAttention: (_spec, cfg, input) => {
		// AdditiveAttention.build: `scale` of the query's features where use_scale.
		const scale = bool(cfg, 'use_scale');
		const dim = input[input.length - 1];
		if (scale === undefined || (scale && dim === null)) {
			return null;
		}
		return scale ? [w('scale', [dim as number])] : [];
	},
} satisfies Partial<Record<KerasWeightRule, WeightFn>>;
