// The shape algebra both frameworks share: broadcasting, matrix products, reshapes with a -1.
import type { Shape } from '../../../protocol/analysis';
import { ShapeError } from './spec';

/**
 * The shape algebra both frameworks share: broadcasting, matrix products and reshapes with a -1,
 * each with the framework's own rule for sizes that do not fit (null, or a ShapeError that names
 * both shapes — never a fractional or made-up size).
 */

function fmt(s: readonly (number | null)[]): string {
	return `(${s.map((d) => (d === null ? 'None' : d)).join(', ')})`;
}

/** Two shapes known and equal, size by size. */
export function sameShape(a: Shape | null, b: Shape | null): boolean {
	return a !== null && b !== null && a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Integer arithmetic on sizes and int64 values, as Python's ints and PyTorch's int64 tensors do it
 * (`//` floors; by zero it raises: undefined).
 */
export const INTEGER_ARITHMETIC: Readonly<
	Record<string, (a: number, b: number) => number | undefined>
> = {
	'+': (a, b) => a + b,
	'-': (a, b) => a - b,
	'*': (a, b) => a * b,
	'//': (a, b) => (b === 0 ? undefined : Math.floor(a / b)),
};

/** NumPy / PyTorch / TensorFlow broadcasting: axes aligned right, 1 stretches; null when two known sizes differ. */
export function broadcast(a: Shape, b: Shape): Shape | null {
	const r = Math.max(a.length, b.length);
	const out: Shape = [];
	for (let i = 0; i < r; i++) {
		const x = i < r - a.length ? 1 : a[a.length - r + i];
		const y = i < r - b.length ? 1 : b[b.length - r + i];
		if (x === null || y === null) {
			out.push(x === 1 ? y : y === 1 ? x : (x ?? y));
		} else if (x === y || y === 1) {
			out.push(x);
		} else if (x === 1) {
			out.push(y);
		} else {
			return null;
		}
	}
	return out;
}

/**
 * `a @ b`, torch.matmul: 1-D operands get an axis of 1 in front (a) or behind (b) that the result
 * drops; the batch axes of the rest broadcast. `null` when the inner sizes are known and differ
 * (PyTorch raises) or the batch axes do not broadcast.
 */
export function matmulShape(a: Shape, b: Shape): Shape | null {
	if (a.length === 0 || b.length === 0) {
		return null;
	}
	const x = a.length === 1 ? [1, a[0]] : a;
	const y = b.length === 1 ? [b[0], 1] : b;
	const inner = [x[x.length - 1], y[y.length - 2]];
	if (inner[0] !== null && inner[1] !== null && inner[0] !== inner[1]) {
		return null;
	}
	const batch = broadcast(x.slice(0, -2), y.slice(0, -2));
	if (!batch) {
		return null;
	}
	return [
		...batch,
		...(a.length === 1 ? [] : [x[x.length - 2]]),
		...(b.length === 1 ? [] : [y[y.length - 1]]),
	];
}

/**
 * `x.view(dims)` / `x.reshape(dims)` / Unflatten's sizes: at most one -1, inferred from the
 * known sizes; a ShapeError when the sizes do not fit the input (never a fractional size).
 */
export function reshapeShape(x: Shape, dims: number[], name = 'reshape'): Shape {
	const total = x.reduce<number | null>((p, d) => (p === null || d === null ? null : p * d), 1);
	const known = dims.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
	const free = dims.filter((d) => d === -1).length;
	if (free > 1 || dims.some((d) => d < -1)) {
		throw new ShapeError(`${name}: invalid shape ${fmt(dims)}`);
	}
	if (total !== null && (free === 0 ? total !== known : known === 0 || total % known !== 0)) {
		throw new ShapeError(
			`${name}: shape ${fmt(dims)} does not fit an input of ${total} elements ${fmt(x)}`,
		);
	}
	return dims.map((d) => (d !== -1 ? d : total === null ? null : total / known));
}

/** Python's `len(range(*slice(start, stop, step).indices(n)))`. */
export function sliceLength(
	n: number,
	start: number | undefined,
	stop: number | undefined,
	step: number,
): number {
	const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
	let lo: number;
	let hi: number;
	if (step > 0) {
		lo = start === undefined ? 0 : clamp(start < 0 ? start + n : start, 0, n);
		hi = stop === undefined ? n : clamp(stop < 0 ? stop + n : stop, 0, n);
		return hi <= lo ? 0 : Math.ceil((hi - lo) / step);
	}
	lo = start === undefined ? n - 1 : clamp(start < 0 ? start + n : start, -1, n - 1);
	hi = stop === undefined ? -1 : clamp(stop < 0 ? stop + n : stop, -1, n - 1);
	return lo <= hi ? 0 : Math.ceil((lo - hi) / -step);
}
