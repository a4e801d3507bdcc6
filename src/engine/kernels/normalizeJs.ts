// The normalization kernels in plain JavaScript (float64 accumulation): the fallback and the reference.
import { groupIndex, ReductionLayout } from './layout';

/** Per-group moments with float64 accumulation. */
export interface Moments {
	count: number;
	mean: Float64Array;
	/** Biased (population) variance. */
	variance: Float64Array;
	min: Float64Array;
	max: Float64Array;
	/** Non-finite values seen per group (NaN / ±Inf). */
	nonFinite: Uint32Array;
}

/** A group's y = (x − m)·a + b: m = μ, a = γ/√(σ² + ε), b = β (subtracting first keeps a constant input at β). */
export interface Centred {
	m: ArrayLike<number>;
	a: ArrayLike<number>;
	b: ArrayLike<number>;
}

type GroupOf = (i: number) => number;

function groupFn(layout: ReductionLayout): GroupOf {
	if (layout.block) {
		const { inner } = layout.block;
		const groups = layout.groups;
		return inner === 1 ? (i) => i % groups : (i) => Math.floor(i / inner) % groups;
	}
	const idx = groupIndex(layout);
	return (i) => idx[i];
}

/**
 * Mean and variance per group, from shifted sums S = Σ(x − K), Q = Σ(x − K)² with K the group's
 * first value: one pass, and exact to float64 even for data far from zero (mean 1e4, std 1e-2).
 */
export function moments(
	x: Float32Array,
	layout: ReductionLayout,
	shouldStop: () => boolean = () => false,
): Moments {
	const g = layout.groups;
	const shift = new Float64Array(g);
	const seen = new Uint8Array(g);
	const s = new Float64Array(g);
	const q = new Float64Array(g);
	const min = new Float64Array(g).fill(Infinity);
	const max = new Float64Array(g).fill(-Infinity);
	const nonFinite = new Uint32Array(g);
	const groupOf = groupFn(layout);
	const n = x.length;
	for (let i = 0; i < n; i++) {
		if ((i & 0xfffff) === 0 && i > 0 && shouldStop()) {
			throw new Error('cancelled');
		}
		const v = x[i];
		const c = groupOf(i);
		if (!Number.isFinite(v)) {
			nonFinite[c]++;
			continue;
		}
		if (!seen[c]) {
			seen[c] = 1;
			shift[c] = v;
		}
		const d = v - shift[c];
		s[c] += d;
		q[c] += d * d;
		if (v < min[c]) {
			min[c] = v;
		}
		if (v > max[c]) {
			max[c] = v;
		}
	}
	const count = layout.groupSize;
	const mean = new Float64Array(g);
	const variance = new Float64Array(g);
	for (let c = 0; c < g; c++) {
		const m = count - nonFinite[c];
		if (nonFinite[c] > 0 || m === 0) {
			mean[c] = NaN;
			variance[c] = NaN;
			continue;
		}
		const ds = s[c] / m;
		mean[c] = shift[c] + ds;
		variance[c] = Math.max(0, q[c] / m - ds * ds);
	}
	return { count, mean, variance, min, max, nonFinite };
}

/** y = (x − m[g])·a[g] + b[g], computed in f64 per value (the form's centring from centredFor). */
export function normalizeCentred(
	x: Float32Array,
	y: Float32Array,
	layout: ReductionLayout,
	f: Centred,
): void {
	const groupOf = groupFn(layout);
	for (let i = 0; i < x.length; i++) {
		const c = groupOf(i);
		y[i] = (x[i] - f.m[c]) * f.a[c] + f.b[c];
	}
}

/** y = γ·(x − μ)/√(σ² + ε) + β, computed in f64 per value. */
export function normalize(
	x: Float32Array,
	y: Float32Array,
	layout: ReductionLayout,
	mean: Float64Array,
	variance: Float64Array,
	epsilon: number,
	gamma: ArrayLike<number> | undefined,
	beta: ArrayLike<number> | undefined,
): void {
	const g = layout.groups;
	const a = new Float64Array(g);
	const b = new Float64Array(g);
	// γ and β are per feature; with LayerNorm-like layouts the feature count may differ from the
	// group count, so they are indexed modulo their own length.
	for (let c = 0; c < g; c++) {
		const gm = gamma ? gamma[c % gamma.length] : 1;
		a[c] = gm / Math.sqrt(variance[c] + epsilon);
		b[c] = beta ? beta[c % beta.length] : 0;
	}
	const groupOf = groupFn(layout);
	for (let i = 0; i < x.length; i++) {
		const c = groupOf(i);
		y[i] = (x[i] - mean[c]) * a[c] + b[c];
	}
}
