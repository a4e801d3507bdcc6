// Shape rules of the merging layers: element-wise merges (Add, Multiply, …), Concatenate and Dot.
import type { Shape } from '../../../../protocol/analysis';
import { ShapeError } from '../../common/spec';
import type { KerasShapeRule } from '../catalogue';
import { asInt, asSequence } from '../../../python/values';
import { axesOf, fmt, ShapeFn } from './args';

export const mergingShapes = {
	merge: (_spec, _cfg, inputs) => {
		// Keras's element-wise merge (_compute_elemwise_op_output_shape): the non-batch dims broadcast
		// from the right, a 1 against any size (an SE block's (N, 1, 1, C) × (N, H, W, C)); other
		// sizes must agree; the batch dims must agree where known.
		const [first, ...rest] = inputs;
		let out: Shape = first.slice(1);
		for (const s of rest) {
			if (s[0] !== null && first[0] !== null && s[0] !== first[0]) {
				throw new ShapeError(
					`inputs with incompatible batch sizes ${fmt(first)} and ${fmt(s)}`,
				);
			}
			const b = s.slice(1);
			const [long, short] = out.length >= b.length ? [out, b] : [b, out];
			const head = long.slice(0, long.length - short.length);
			const tail = short.map((j, k): number | null => {
				const i = long[long.length - short.length + k];
				if (i === null || j === null) {
					return null;
				}
				if (i === 1) {
					return j;
				}
				if (j === 1 || i === j) {
					return i;
				}
				throw new ShapeError(`inputs with incompatible shapes ${fmt(first)} and ${fmt(s)}`);
			});
			out = [...head, ...tail];
		}
		return [first[0] ?? rest.find((s) => s[0] !== null)?.[0] ?? null, ...out];
	},
	concatenate: (_spec, cfg, inputs) => {
		const rank = inputs[0].length;
		const axis = axesOf(cfg, rank)?.[0];
		if (axis === undefined) {
			return null;
		}
		const out = [...inputs[0]];
		let sum: number | null = 0;
		for (const s of inputs) {
			if (s.length !== rank) {
				throw new ShapeError(`inputs of different ranks ${fmt(inputs[0])} and ${fmt(s)}`);
			}
			sum = sum === null || s[axis] === null ? null : sum + (s[axis] as number);
		}
		out[axis] = sum;
		return out;
	},
	dot: (_spec, cfg, inputs) => {
		// Keras's Dot.compute_output_shape: each input loses its `axes` axis (one int for both, or a
		// pair; negative from the end), the second its batch axis too; a 1-D result gets a 1 appended.
		if (inputs.length !== 2) {
			throw new ShapeError(`takes 2 inputs but got ${inputs.length}`);
		}
		const [a, b] = inputs;
		const v = cfg.get('axes');
		const single = asInt(v);
		const pair = asSequence(v)?.map(asInt);
		const given =
			single !== undefined ? [single, single] : pair?.length === 2 ? pair : undefined;
		if (!given || given.some((x) => x === undefined)) {
			return null;
		}
		const [i, j] = (given as number[]).map((x, k) => (x < 0 ? x + inputs[k].length : x));
		if (i <= 0 || i >= a.length || j <= 0 || j >= b.length) {
			throw new ShapeError(`axes ${String(given)} do not fit ${fmt(a)} and ${fmt(b)}`);
		}
		if (a[i] !== null && b[j] !== null && a[i] !== b[j]) {
			throw new ShapeError(
				`dot product of axes of different sizes: ${fmt(a)} axis ${i} and ${fmt(b)} axis ${j}`,
			);
		}
		const out = [...a.slice(0, i), ...a.slice(i + 1), ...b.slice(1, j), ...b.slice(j + 1)];
		return out.length === 1 ? [...out, 1] : out;
	},
} satisfies Partial<Record<KerasShapeRule, ShapeFn>>;
