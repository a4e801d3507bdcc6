// AssemblyScript source of the engine's WebAssembly SIMD kernels (compiled by
// scripts/build-wasm.mjs to normalize.wasm, which is committed). Every pointer is a byte offset in
// the imported shared memory. Statistics are shifted sums — S = Σ(x − K), Q = Σ(x − K)² with K
// a rough mean of each channel or plane from a few spread values — kept in f32x4 partials for
// 16–64 values per lane and flushed to f64, which keeps the variance within ~1e-7 relative of a
// float64 reference even for data far from zero (K removes the offset before anything is squared).
//
// This entry file holds the normalization itself, the gather and the copy; statistics.as.ts the
// statistics and extremes, generate.as.ts the sample generator and the simulation's fused sums.

export { statsRows, extremesRows, statsPlanes, extremesPlanes } from './statistics.as';

// The normalization itself is y = (x − m)·a + b per group (m = μ, a = γ/√(σ² + ε), b = β), not the
// folded x·a + (b − m·a): the fold cancels two products of size |μ|·a, which loses |μ|/σ·2⁻²⁴ of
// accuracy (0.06 at μ = 1e4, σ = 1e-2) and overflows to ∞ − ∞ = NaN on a constant float32-max
// input, where the frameworks subtract first and give 0. One more vector op per 16 bytes is free
// in a loop bound by memory bandwidth.

/** y = (x − m[c])·a[c] + b[c] on `rows` rows of `C` channels (m, a, b: f32); 64 bytes per step. */
export function normalizeRows(x: usize, y: usize, rows: i32, C: i32, m: usize, a: usize, b: usize): void {
	const C4 = C >> 2;
	const C16 = C4 & ~3;
	const rowBytes = <usize>C << 2;
	for (let r = 0; r < rows; r++) {
		const xr = x + <usize>r * rowBytes;
		const yr = y + <usize>r * rowBytes;
		let j = 0;
		for (; j < C16; j += 4) {
			const o = <usize>j << 4;
			const x0 = f32x4.sub(v128.load(xr + o), v128.load(m + o));
			const x1 = f32x4.sub(v128.load(xr + o, 16), v128.load(m + o, 16));
			const x2 = f32x4.sub(v128.load(xr + o, 32), v128.load(m + o, 32));
			const x3 = f32x4.sub(v128.load(xr + o, 48), v128.load(m + o, 48));
			v128.store(yr + o, f32x4.add(f32x4.mul(x0, v128.load(a + o)), v128.load(b + o)));
			v128.store(yr + o, f32x4.add(f32x4.mul(x1, v128.load(a + o, 16)), v128.load(b + o, 16)), 16);
			v128.store(yr + o, f32x4.add(f32x4.mul(x2, v128.load(a + o, 32)), v128.load(b + o, 32)), 32);
			v128.store(yr + o, f32x4.add(f32x4.mul(x3, v128.load(a + o, 48)), v128.load(b + o, 48)), 48);
		}
		for (; j < C4; j++) {
			const o = <usize>j << 4;
			v128.store(yr + o, f32x4.add(f32x4.mul(f32x4.sub(v128.load(xr + o), v128.load(m + o)), v128.load(a + o)), v128.load(b + o)));
		}
		for (let c = C4 << 2; c < C; c++) {
			const o = <usize>c << 2;
			store<f32>(yr + o, (load<f32>(xr + o) - load<f32>(m + o)) * load<f32>(a + o) + load<f32>(b + o));
		}
	}
}

/** y = (x − m[g])·a[g] + b[g] on planes of P floats, plane p belonging to group (p + first) % groups. */
export function normalizePlanes(x: usize, y: usize, planes: i32, P: i32, first: i32, groups: i32, m: usize, a: usize, b: usize): void {
	const P4 = P >> 2;
	const P16 = P4 & ~3;
	for (let p = 0; p < planes; p++) {
		const g = (p + first) % groups;
		const mv = load<f32>(m + (<usize>g << 2));
		const av = load<f32>(a + (<usize>g << 2));
		const bv = load<f32>(b + (<usize>g << 2));
		const m4 = f32x4.splat(mv);
		const a4 = f32x4.splat(av);
		const b4 = f32x4.splat(bv);
		const xp = x + <usize>p * (<usize>P << 2);
		const yp = y + <usize>p * (<usize>P << 2);
		let i = 0;
		for (; i < P16; i += 4) {
			const o = <usize>i << 4;
			const x0 = f32x4.sub(v128.load(xp + o), m4);
			const x1 = f32x4.sub(v128.load(xp + o, 16), m4);
			const x2 = f32x4.sub(v128.load(xp + o, 32), m4);
			const x3 = f32x4.sub(v128.load(xp + o, 48), m4);
			v128.store(yp + o, f32x4.add(f32x4.mul(x0, a4), b4));
			v128.store(yp + o, f32x4.add(f32x4.mul(x1, a4), b4), 16);
			v128.store(yp + o, f32x4.add(f32x4.mul(x2, a4), b4), 32);
			v128.store(yp + o, f32x4.add(f32x4.mul(x3, a4), b4), 48);
		}
		for (; i < P4; i++) {
			const o = <usize>i << 4;
			v128.store(yp + o, f32x4.add(f32x4.mul(f32x4.sub(v128.load(xp + o), m4), a4), b4));
		}
		for (let i = P4 << 2; i < P; i++) {
			const o = <usize>i << 2;
			store<f32>(yp + o, (load<f32>(xp + o) - mv) * av + bv);
		}
	}
}

/**
 * into[j] = x[j·stride] for j < n: a split run keeps x's histogram samples this way before it
 * normalizes a chunk in place (in JS, the loop ran unoptimised on a first run: 3–7 ms for 2^18).
 */
export function gather(x: usize, n: i32, stride: i32, into: usize): void {
	const step = <usize>stride << 2;
	for (let j = 0; j < n; j++) {
		store<f32>(into + (<usize>j << 2), load<f32>(x + <usize>j * step));
	}
}

/** A copy of n floats (the benchmark's bandwidth limit, measured with the same loop style). */
export function copy(x: usize, y: usize, n: i32): void {
	const n4 = n >> 2;
	for (let i = 0; i < n4; i++) {
		v128.store(y + (<usize>i << 4), v128.load(x + (<usize>i << 4)));
	}
	for (let i = n4 << 2; i < n; i++) {
		store<f32>(y + (<usize>i << 2), load<f32>(x + (<usize>i << 2)));
	}
}

export { fillStandard, shiftScale, sumsPlanes } from './generate.as';
