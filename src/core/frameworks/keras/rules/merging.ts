// Shape rules of the merging layers: element-wise merges (Add, Multiply, …) and Concatenate.
import type { Shape } from '../../../../protocol/analysis';
import { ShapeError } from '../../common/spec';
import type { KerasShapeRule } from '../catalogue';
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
} satisfies Partial<Record<KerasShapeRule, ShapeFn>>;
