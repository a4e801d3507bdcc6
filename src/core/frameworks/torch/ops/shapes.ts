// Shape arithmetic of PyTorch's tensor ops, shared by tensor methods, torch.* and layers (nn.Flatten).
import type { Shape } from '../../../../protocol/analysis';
import { asInt, asSequence, UNKNOWN, Value } from '../../../python/values';
import { reshapeShape } from '../../common/shapes';
import { ShapeError } from '../../common/spec';

/** An unknown batch size read from a tensor (`x.size(0)`), kept distinguishable so that
 * `x.view(x.size(0), -1)` still flattens the other dims. */
export const BATCH: Value = { k: 'unknown', why: 'batch size' };

/** `x.shape` as a tuple, the unknown batch as BATCH. */
export const shapeValue = (s: Shape): Value => ({
	k: 'tuple',
	items: s.map((d, i) =>
		d === null ? (i === 0 ? BATCH : UNKNOWN) : ({ k: 'num', v: d } as Value),
	),
	torchSize: true,
});

/**
 * The output shape of an einsum equation (`"bnd,bmd->bnm"`, or implicit: the letters used once, in
 * order); null where NormLens cannot tell (an ellipsis, a size that differs, a letter missing).
 */
export function einsumShape(equation: string, operands: readonly Shape[]): Shape | null {
	const [lhs, rhs] = equation.split('->');
	const inputs = lhs.split(',');
	if (
		inputs.length !== operands.length ||
		equation.includes('.') ||
		!/^[a-zA-Z,]*(->[a-zA-Z]*)?$/.test(equation)
	) {
		return null;
	}
	const size = new Map<string, number | null>();
	const count = new Map<string, number>();
	for (let i = 0; i < inputs.length; i++) {
		const letters = inputs[i];
		if (letters.length !== operands[i].length) {
			return null;
		}
		for (let j = 0; j < letters.length; j++) {
			const l = letters[j];
			const d = operands[i][j];
			count.set(l, (count.get(l) ?? 0) + 1);
			const known = size.get(l);
			if (!size.has(l) || known === 1) {
				size.set(l, d);
			} else if (d !== 1 && d !== null && known !== null && known !== d) {
				return null;
			} else if (known === null && d !== 1) {
				size.set(l, d);
			}
		}
	}
	const out =
		rhs ??
		[...count.keys()]
			.filter((l) => count.get(l) === 1)
			.sort()
			.join('');
	if ([...out].some((l) => !size.has(l)) || new Set(out).size !== out.length) {
		return null;
	}
	return [...out].map((l) => size.get(l) ?? null);
}

/**
 * The shapes `chunk`, `split` and `unbind` return, as PyTorch splits: chunk(n) into pieces of
 * ⌈size/n⌉ (the last smaller, fewer pieces when they run out), split(k) into pieces of k (the last
 * smaller) or split([a, b, …]) into those sizes, unbind into the slices along the dim. `undefined`
 * when a size or the dim is unknown, or the pieces would be more than the interpreter lists.
 */
export function splitShapes(
	s: Shape,
	kind: string,
	amount: Value | undefined,
	dimArg: Value | undefined,
): Shape[] | undefined {
	const dimV = kind === 'unbind' ? amount : dimArg;
	const d0 = dimV === undefined ? 0 : asInt(dimV);
	if (d0 === undefined) {
		return undefined;
	}
	const d = d0 < 0 ? s.length + d0 : d0;
	const n = s[d];
	if (d < 0 || d >= s.length || n === null || n === undefined) {
		return undefined;
	}
	const withSize = (k: number): Shape => s.map((v, i) => (i === d ? k : v));
	let sizes: number[];
	if (kind === 'unbind') {
		return n <= 10_000
			? Array.from({ length: n }, () => s.filter((_, i) => i !== d))
			: undefined;
	} else if (kind === 'chunk') {
		const chunks = asInt(amount);
		if (chunks === undefined || chunks < 1) {
			return undefined;
		}
		const size = Math.ceil(n / chunks);
		sizes =
			size === 0
				? [0]
				: Array.from({ length: Math.ceil(n / size) }, (_, i) =>
						Math.min(size, n - i * size),
					);
	} else {
		const each = asInt(amount);
		const list = asSequence(amount)?.map(asInt);
		if (each !== undefined && each > 0) {
			sizes = Array.from({ length: Math.max(1, Math.ceil(n / each)) }, (_, i) =>
				Math.min(each, n - i * each),
			);
		} else if (
			list &&
			list.every((x) => x !== undefined && x >= 0) &&
			(list as number[]).reduce((p, q) => p + q, 0) === n
		) {
			sizes = list as number[];
		} else {
			return undefined;
		}
	}
	return sizes.length <= 10_000 ? sizes.map(withSize) : undefined;
}

/** `x.view(dims)`: PyTorch's rule (reshapeShape); dims that do not fit the input raise there, so the shape is unknown here. */
export function reshape(s: Shape, dims: number[]): Shape | null {
	try {
		return reshapeShape(s, dims, 'view');
	} catch (e) {
		if (e instanceof ShapeError) {
			return null;
		}
		throw e;
	}
}

/** A shape as messages print it: `(None, 3, 32, 32)`. */
export function fmtShape(s: Shape): string {
	return `(${s.map((d) => (d === null ? 'None' : d)).join(', ')})`;
}

/** torch.flatten(x, start, end). */
export function flattenShape(x: Shape, start: number, end: number): Shape {
	if (start > end) {
		throw new ShapeError('flatten() has invalid args: start_dim cannot come after end_dim');
	}
	let prod: number | null = 1;
	for (let i = start; i <= end; i++) {
		prod = prod === null || x[i] === null ? null : prod * (x[i] as number);
	}
	return [...x.slice(0, start), prod, ...x.slice(end + 1)];
}

/** What PyTorch 1.13's F.pad refuses (its AssertionError, RuntimeError or NotImplementedError), or undefined. */
export function padRefusal(
	shape: Shape,
	pads: readonly number[],
	modeV: Value | string | undefined,
): string | undefined {
	const mode =
		typeof modeV === 'string'
			? modeV
			: modeV === undefined
				? 'constant'
				: modeV.k === 'str'
					? modeV.v
					: undefined;
	const sides = pads.length / 2;
	if (pads.length % 2 !== 0) {
		return 'Padding length must be divisible by 2';
	}
	if (sides > shape.length) {
		return 'Padding length too large';
	}
	if (mode === 'circular' && shape.length !== sides + 2) {
		return `Invalid padding size, expected ${2 * (shape.length - 2)} but got ${pads.length}`;
	}
	if (mode !== 'constant' && mode !== undefined) {
		if (shape.length !== sides + 1 && shape.length !== sides + 2) {
			return `${mode} padding of ${sides} dims needs a ${sides + 1}-D or ${sides + 2}-D input (NotImplementedError)`;
		}
	}
	for (let i = 0; i < sides; i++) {
		const d = shape[shape.length - 1 - i];
		const [lo, hi] = [pads[2 * i], pads[2 * i + 1]];
		if (d === null) {
			continue;
		}
		if (mode === 'reflect' && (lo >= d || hi >= d)) {
			return `reflect padding (${lo}, ${hi}) must be less than the dimension of size ${d}`;
		}
		if (mode === 'circular' && (lo > d || hi > d)) {
			return 'Padding value causes wrapping around more than once';
		}
		if (d + lo + hi < 0) {
			return `the padding gives a negative size (${d} + ${lo} + ${hi})`;
		}
	}
	return undefined;
}
