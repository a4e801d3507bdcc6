// AssemblyScript source of the engine's WebAssembly SIMD kernels (compiled by
// scripts/build-wasm.mjs to normalize.wasm, which is committed). Every pointer is a byte offset in
// the imported shared memory. Statistics are shifted sums — S = Σ(x − K), Q = Σ(x − K)² with K
// a rough mean of each channel or plane from a few spread values — kept in f32x4 partials for
// 16–64 values per lane and flushed to f64, which keeps the variance within ~1e-7 relative of a
// float64 reference even for data far from zero (K removes the offset before anything is squared).

const BLOCK: i32 = 16;

/**
 * q + v·v for the statistics' sums of squares: one fused multiply-add in the relaxed-SIMD build
 * (normalize-relaxed.wasm, loaded where the runtime validates relaxed SIMD: a float addition fewer
 * per vector in kernels bound by additions), a multiplication and an addition in the plain one.
 * Only these sums use it: the generator must match its JS replica bit for bit, and the host derives
 * y's extremes from y = fl(fl(fl(x − m)·a) + b).
 */
// @ts-ignore: decorator
@inline
function addSquare(q: v128, v: v128): v128 {
	// @ts-ignore: compile-time constant of asc's --enable relaxed-simd
	return ASC_FEATURE_RELAXED_SIMD ? f32x4.relaxed_madd(v, v, q) : f32x4.add(q, f32x4.mul(v, v));
}

/** Adds four f32 partials (channels c … c + 3) to S and Q in f64. */
// @ts-ignore: decorator
@inline
function flush4(S: usize, Q: usize, c: usize, s: v128, q: v128): void {
	const o = c << 3;
	v128.store(S + o, f64x2.add(v128.load(S + o), f64x2.promote_low_f32x4(s)));
	v128.store(S + o, f64x2.add(v128.load(S + o, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(s, s, 2, 3, 2, 3))), 16);
	v128.store(Q + o, f64x2.add(v128.load(Q + o), f64x2.promote_low_f32x4(q)));
	v128.store(Q + o, f64x2.add(v128.load(Q + o, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(q, q, 2, 3, 2, 3))), 16);
}

/** Channels-last variants of statsRows (the host picks one per C: see rowsVariantFor). */
const ROWS_ONE = 0;
const ROWS_FOUR = 1;
const ROWS_TILES = 2;
const ROWS_STAGED = 3;

/**
 * Channels-last statistics: `rows` rows of `C` floats at `x`. Adds Σ(x−K[c]) to S[c] and
 * Σ(x−K[c])² to Q[c] (f64). Extremes are not kept here (see extremesRows): per-channel min / max
 * accumulators in memory cost this pass half its speed, and the BatchNorm forward does not need
 * them. Three ways to walk the rows, none best for every C on this CPU
 * (docs/performance.md and docs/benchmarks-journal.md, "statistics kernels"):
 * - ROWS_ONE: one row per step, f32 partials in `scratch` (2·C floats), flushed every 32 rows;
 *   reads strictly in order, the only variant that stays fast from C = 96 up.
 * - ROWS_FOUR: four rows per step, so the partials are loaded and stored once per four rows;
 *   fastest for C = 33 – 64, but four interleaved row streams 512 B – 1 KiB apart read at a third
 *   of the speed (C = 128, 256).
 * - ROWS_TILES: eight channels at a time in registers over a tile of 16 rows; fastest up to C = 32.
 * - ROWS_STAGED: blocks of about 4 KiB of whole rows, each read once in memory order (which brings
 *   it into L1) and then walked eight channels at a time down its rows from L1, as the tiles do.
 *   The tiles' strided walk straight from memory is what falls to a third from C = 64 up; staged,
 *   it stays at 20–25 GB/s up to C = 256, where one row per step gives 11–19.
 */
export function statsRows(x: usize, rows: i32, C: i32, K: usize, S: usize, Q: usize, scratch: usize, variant: i32): void {
	const C4 = C >> 2;
	const rowBytes = <usize>C << 2;
	if (variant === ROWS_TILES && C4 >= 2) {
		statsTiles(x, rows, C, K, S, Q);
	} else if (variant === ROWS_STAGED && C4 >= 2) {
		statsStaged(x, rows, C, K, S, Q, scratch);
	} else {
		const ps = scratch;
		const pq = scratch + (<usize>C4 << 4);
		const four = variant === ROWS_FOUR;
		const block = four ? 64 : 32;
		for (let r0 = 0; r0 < rows; r0 += block) {
			const r1 = min(rows, r0 + block);
			for (let j = 0; j < C4; j++) {
				v128.store(ps + (<usize>j << 4), f32x4.splat(0));
				v128.store(pq + (<usize>j << 4), f32x4.splat(0));
			}
			let r = r0;
			for (; four && r + 4 <= r1; r += 4) {
				const row0 = x + <usize>r * rowBytes;
				const row1 = row0 + rowBytes;
				const row2 = row1 + rowBytes;
				const row3 = row2 + rowBytes;
				for (let j = 0; j < C4; j++) {
					const o = <usize>j << 4;
					const k = v128.load(K + o);
					const v0 = f32x4.sub(v128.load(row0 + o), k);
					const v1 = f32x4.sub(v128.load(row1 + o), k);
					const v2 = f32x4.sub(v128.load(row2 + o), k);
					const v3 = f32x4.sub(v128.load(row3 + o), k);
					const sum = f32x4.add(f32x4.add(v0, v1), f32x4.add(v2, v3));
					// @ts-ignore: compile-time constant
					const sq = ASC_FEATURE_RELAXED_SIMD ? addSquare(addSquare(addSquare(f32x4.mul(v0, v0), v1), v2), v3) : f32x4.add(f32x4.add(f32x4.mul(v0, v0), f32x4.mul(v1, v1)), f32x4.add(f32x4.mul(v2, v2), f32x4.mul(v3, v3)));
					v128.store(ps + o, f32x4.add(v128.load(ps + o), sum));
					v128.store(pq + o, f32x4.add(v128.load(pq + o), sq));
				}
			}
			const C8 = C4 & ~1;
			for (; r < r1; r++) {
				const row = x + <usize>r * rowBytes;
				let j = 0;
				for (; j < C8; j += 2) {
					const o = <usize>j << 4;
					const v0 = f32x4.sub(v128.load(row + o), v128.load(K + o));
					const v1 = f32x4.sub(v128.load(row + o, 16), v128.load(K + o, 16));
					v128.store(ps + o, f32x4.add(v128.load(ps + o), v0));
					v128.store(ps + o, f32x4.add(v128.load(ps + o, 16), v1), 16);
					v128.store(pq + o, addSquare(v128.load(pq + o), v0));
					v128.store(pq + o, addSquare(v128.load(pq + o, 16), v1), 16);
				}
				if (j < C4) {
					const o = <usize>j << 4;
					const v = f32x4.sub(v128.load(row + o), v128.load(K + o));
					v128.store(ps + o, f32x4.add(v128.load(ps + o), v));
					v128.store(pq + o, addSquare(v128.load(pq + o), v));
				}
			}
			for (let j = 0; j < C4; j++) {
				flush4(S, Q, <usize>j << 2, v128.load(ps + (<usize>j << 4)), v128.load(pq + (<usize>j << 4)));
			}
		}
	}
	// The channels past the last multiple of 4, in f64.
	for (let c = C4 << 2; c < C; c++) {
		const k = <f64>load<f32>(K + (<usize>c << 2));
		let s: f64 = 0;
		let q: f64 = 0;
		for (let r = 0; r < rows; r++) {
			const v = <f64>load<f32>(x + <usize>r * rowBytes + (<usize>c << 2)) - k;
			s += v;
			q += v * v;
		}
		store<f64>(S + (<usize>c << 3), load<f64>(S + (<usize>c << 3)) + s);
		store<f64>(Q + (<usize>c << 3), load<f64>(Q + (<usize>c << 3)) + q);
	}
}

/** ROWS_TILES: groups of 8 channels in registers over tiles of BLOCK rows, two rows per step. */
// @ts-ignore: decorator
@inline
function statsTiles(x: usize, rows: i32, C: i32, K: usize, S: usize, Q: usize): void {
	const C4 = C >> 2;
	const rowBytes = <usize>C << 2;
	for (let r0 = 0; r0 < rows; r0 += BLOCK) {
		const r1 = min(rows, r0 + BLOCK);
		for (let j = 0; j < C4; j += 2) {
			// The last group of an odd C4 has one vector: it reads (and then ignores) the vector before it.
			const jj = j + 2 <= C4 ? j : j - 1;
			const o = <usize>jj << 4;
			const k0 = v128.load(K + o);
			const k1 = v128.load(K + o, 16);
			let s0 = f32x4.splat(0);
			let s1 = f32x4.splat(0);
			let s2 = f32x4.splat(0);
			let s3 = f32x4.splat(0);
			let q0 = f32x4.splat(0);
			let q1 = f32x4.splat(0);
			let q2 = f32x4.splat(0);
			let q3 = f32x4.splat(0);
			let p = x + <usize>r0 * rowBytes + o;
			let r = r0;
			for (; r + 2 <= r1; r += 2) {
				const v0 = f32x4.sub(v128.load(p), k0);
				const v1 = f32x4.sub(v128.load(p, 16), k1);
				const v2 = f32x4.sub(v128.load(p + rowBytes), k0);
				const v3 = f32x4.sub(v128.load(p + rowBytes, 16), k1);
				s0 = f32x4.add(s0, v0);
				s1 = f32x4.add(s1, v1);
				s2 = f32x4.add(s2, v2);
				s3 = f32x4.add(s3, v3);
				q0 = addSquare(q0, v0);
				q1 = addSquare(q1, v1);
				q2 = addSquare(q2, v2);
				q3 = addSquare(q3, v3);
				p += rowBytes << 1;
			}
			if (r < r1) {
				const v0 = f32x4.sub(v128.load(p), k0);
				const v1 = f32x4.sub(v128.load(p, 16), k1);
				s0 = f32x4.add(s0, v0);
				s1 = f32x4.add(s1, v1);
				q0 = addSquare(q0, v0);
				q1 = addSquare(q1, v1);
			}
			const c = <usize>jj << 2;
			if (jj === j) {
				flush4(S, Q, c, f32x4.add(s0, s2), f32x4.add(q0, q2));
			}
			flush4(S, Q, c + 4, f32x4.add(s1, s3), f32x4.add(q1, q3));
		}
	}
}

/** Keeps the staging pass's loads alive (a load whose value is unused could be dropped). */
let touched: v128 = i32x4.splat(0);

/** Rows per staged block: about 4 KiB, an even number, at least 6 (2 are too few to pay for the stores of the partials). */
// @ts-ignore: decorator
@inline
function stagedRows(C: i32): i32 {
	return max(6, (1024 / C) & ~1);
}

/**
 * ROWS_STAGED (see statsRows): per block, a read in memory order, then eight channels at a time
 * down the block's rows (two rows per step) from L1, f32 partials in `scratch` (2·C floats)
 * carried from block to block and flushed to S, Q every 128 rows or so (64 values per f32 lane;
 * flushing every 64 rows cost this kernel 15 % of its speed at C = 128).
 */
// @ts-ignore: decorator
@inline
function statsStaged(x: usize, rows: i32, C: i32, K: usize, S: usize, Q: usize, scratch: usize): void {
	const C4 = C >> 2;
	const C8 = C4 & ~1;
	const rowBytes = <usize>C << 2;
	const ps = scratch;
	const pq = scratch + (<usize>C4 << 4);
	const R = stagedRows(C);
	const flushEvery = max(1, 128 / R) * R;
	let acc = i32x4.splat(0);
	for (let f0 = 0; f0 < rows; f0 += flushEvery) {
		const f1 = min(rows, f0 + flushEvery);
		for (let j = 0; j < C4; j++) {
			v128.store(ps + (<usize>j << 4), f32x4.splat(0));
			v128.store(pq + (<usize>j << 4), f32x4.splat(0));
		}
		for (let r0 = f0; r0 < f1; r0 += R) {
			const r1 = min(f1, r0 + R);
			const start = x + <usize>r0 * rowBytes;
			const end = x + <usize>r1 * rowBytes;
			let at = start;
			for (; at + 64 <= end; at += 64) {
				acc = v128.or(acc, v128.or(v128.or(v128.load(at), v128.load(at, 16)), v128.or(v128.load(at, 32), v128.load(at, 48))));
			}
			for (; at < end; at += 4) {
				acc = v128.or(acc, v128.load32_zero(at));
			}
			for (let j = 0; j < C8; j += 2) {
				const o = <usize>j << 4;
				const k0 = v128.load(K + o);
				const k1 = v128.load(K + o, 16);
				let s0 = v128.load(ps + o);
				let s1 = v128.load(ps + o, 16);
				let s2 = f32x4.splat(0);
				let s3 = f32x4.splat(0);
				let q0 = v128.load(pq + o);
				let q1 = v128.load(pq + o, 16);
				let q2 = f32x4.splat(0);
				let q3 = f32x4.splat(0);
				let p = start + o;
				let r = r0;
				for (; r + 2 <= r1; r += 2) {
					const v0 = f32x4.sub(v128.load(p), k0);
					const v1 = f32x4.sub(v128.load(p, 16), k1);
					const v2 = f32x4.sub(v128.load(p + rowBytes), k0);
					const v3 = f32x4.sub(v128.load(p + rowBytes, 16), k1);
					s0 = f32x4.add(s0, v0);
					s1 = f32x4.add(s1, v1);
					s2 = f32x4.add(s2, v2);
					s3 = f32x4.add(s3, v3);
					q0 = addSquare(q0, v0);
					q1 = addSquare(q1, v1);
					q2 = addSquare(q2, v2);
					q3 = addSquare(q3, v3);
					p += rowBytes << 1;
				}
				if (r < r1) {
					const v0 = f32x4.sub(v128.load(p), k0);
					const v1 = f32x4.sub(v128.load(p, 16), k1);
					s0 = f32x4.add(s0, v0);
					s1 = f32x4.add(s1, v1);
					q0 = addSquare(q0, v0);
					q1 = addSquare(q1, v1);
				}
				v128.store(ps + o, f32x4.add(s0, s2));
				v128.store(ps + o, f32x4.add(s1, s3), 16);
				v128.store(pq + o, f32x4.add(q0, q2));
				v128.store(pq + o, f32x4.add(q1, q3), 16);
			}
			if (C8 < C4) {
				// An odd number of vectors: the last one alone.
				const o = <usize>C8 << 4;
				const k0 = v128.load(K + o);
				let s0 = v128.load(ps + o);
				let q0 = v128.load(pq + o);
				let p = start + o;
				for (let r = r0; r < r1; r++) {
					const v0 = f32x4.sub(v128.load(p), k0);
					s0 = f32x4.add(s0, v0);
					q0 = addSquare(q0, v0);
					p += rowBytes;
				}
				v128.store(ps + o, s0);
				v128.store(pq + o, q0);
			}
		}
		for (let j = 0; j < C4; j++) {
			flush4(S, Q, <usize>j << 2, v128.load(ps + (<usize>j << 4)), v128.load(pq + (<usize>j << 4)));
		}
	}
	touched = acc;
}

/**
 * Channels-last extremes: folds the per-channel min / max of `rows` rows of `C` floats into mn, mx
 * (f32, initialised by the caller). One row per step, in memory order. Used on finite data only:
 * the host recounts a tensor with NaN / Inf in float64.
 */
export function extremesRows(x: usize, rows: i32, C: i32, mn: usize, mx: usize): void {
	const C4 = C >> 2;
	const rowBytes = <usize>C << 2;
	for (let r = 0; r < rows; r++) {
		const row = x + <usize>r * rowBytes;
		for (let j = 0; j < C4; j++) {
			const o = <usize>j << 4;
			const a = v128.load(row + o);
			v128.store(mn + o, f32x4.pmin(v128.load(mn + o), a));
			v128.store(mx + o, f32x4.pmax(v128.load(mx + o), a));
		}
		for (let c = C4 << 2; c < C; c++) {
			const o = <usize>c << 2;
			const a = load<f32>(row + o);
			store<f32>(mn + o, min(load<f32>(mn + o), a));
			store<f32>(mx + o, max(load<f32>(mx + o), a));
		}
	}
}

/**
 * Plane statistics: `planes` contiguous planes of `P` floats (NCHW: one plane per sample and
 * channel; LayerNorm: one per sample). Writes per plane the mean M and the sum of squared
 * deviations M2 (f64), from shifted sums around K = the mean of the plane's first 16 values (a
 * single value 2σ from the mean as K would multiply the float32 partials' error by 5 in Q − S²/P;
 * values spread over the plane would cost a cache miss each before the plane can start).
 * Four independent accumulators hide the latency of the additions.
 */
export function statsPlanes(x: usize, planes: i32, P: i32, M: usize, M2: usize): void {
	const P4 = P >> 2;
	const P16 = P4 & ~3;
	for (let p = 0; p < planes; p++) {
		const base = x + <usize>p * (<usize>P << 2);
		// K: the mean of the plane's first (up to) 16 values, one cache line already on its way.
		const head = min(P, 16);
		let k0: f64 = 0;
		for (let i = 0; i < head; i++) {
			k0 += <f64>load<f32>(base + (<usize>i << 2));
		}
		const k = <f32>(k0 / <f64>head);
		const kv = f32x4.splat(k);
		let s: f64 = 0;
		let q: f64 = 0;
		for (let i0 = 0; i0 < P16; i0 += BLOCK * 4) {
			const end = base + (<usize>min(P16, i0 + BLOCK * 4) << 4);
			let s0 = f32x4.splat(0);
			let s1 = f32x4.splat(0);
			let s2 = f32x4.splat(0);
			let s3 = f32x4.splat(0);
			let q0 = f32x4.splat(0);
			let q1 = f32x4.splat(0);
			let q2 = f32x4.splat(0);
			let q3 = f32x4.splat(0);
			for (let at = base + (<usize>i0 << 4); at < end; at += 64) {
				const v0 = f32x4.sub(v128.load(at), kv);
				const v1 = f32x4.sub(v128.load(at, 16), kv);
				const v2 = f32x4.sub(v128.load(at, 32), kv);
				const v3 = f32x4.sub(v128.load(at, 48), kv);
				s0 = f32x4.add(s0, v0);
				s1 = f32x4.add(s1, v1);
				s2 = f32x4.add(s2, v2);
				s3 = f32x4.add(s3, v3);
				q0 = addSquare(q0, v0);
				q1 = addSquare(q1, v1);
				q2 = addSquare(q2, v2);
				q3 = addSquare(q3, v3);
			}
			const s4 = f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3));
			const q4 = f32x4.add(f32x4.add(q0, q1), f32x4.add(q2, q3));
			const sd = f64x2.add(f64x2.promote_low_f32x4(s4), f64x2.promote_low_f32x4(v128.shuffle<f32>(s4, s4, 2, 3, 2, 3)));
			const qd = f64x2.add(f64x2.promote_low_f32x4(q4), f64x2.promote_low_f32x4(v128.shuffle<f32>(q4, q4, 2, 3, 2, 3)));
			s += f64x2.extract_lane(sd, 0) + f64x2.extract_lane(sd, 1);
			q += f64x2.extract_lane(qd, 0) + f64x2.extract_lane(qd, 1);
		}
		for (let i = P16 << 2; i < P; i++) {
			const v = <f64>load<f32>(base + (<usize>i << 2)) - <f64>k;
			s += v;
			q += v * v;
		}
		const ds = s / <f64>P;
		store<f64>(M + (<usize>p << 3), <f64>k + ds);
		store<f64>(M2 + (<usize>p << 3), max(0, q - s * ds));
	}
}

/** Plane extremes: per plane min / max (f32) of `planes` contiguous planes of `P` floats. */
export function extremesPlanes(x: usize, planes: i32, P: i32, mn: usize, mx: usize): void {
	const P4 = P >> 2;
	const P8 = P4 & ~1;
	for (let p = 0; p < planes; p++) {
		const base = x + <usize>p * (<usize>P << 2);
		const first = f32x4.splat(load<f32>(base));
		let mn0 = first;
		let mn1 = first;
		let mx0 = first;
		let mx1 = first;
		for (let i = 0; i < P8; i += 2) {
			const a0 = v128.load(base + (<usize>i << 4));
			const a1 = v128.load(base + (<usize>i << 4), 16);
			mn0 = f32x4.pmin(mn0, a0);
			mn1 = f32x4.pmin(mn1, a1);
			mx0 = f32x4.pmax(mx0, a0);
			mx1 = f32x4.pmax(mx1, a1);
		}
		const vmn = f32x4.pmin(mn0, mn1);
		const vmx = f32x4.pmax(mx0, mx1);
		let m = min(min(f32x4.extract_lane(vmn, 0), f32x4.extract_lane(vmn, 1)), min(f32x4.extract_lane(vmn, 2), f32x4.extract_lane(vmn, 3)));
		let M = max(max(f32x4.extract_lane(vmx, 0), f32x4.extract_lane(vmx, 1)), max(f32x4.extract_lane(vmx, 2), f32x4.extract_lane(vmx, 3)));
		for (let i = P8 << 2; i < P; i++) {
			const raw = load<f32>(base + (<usize>i << 2));
			m = min(m, raw);
			M = max(M, raw);
		}
		store<f32>(mn + (<usize>p << 2), m);
		store<f32>(mx + (<usize>p << 2), M);
	}
}

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

// ---------------------------------------------------------------------------------------------
// Sample generation. Counter-based: the values of elements 2p and 2p + 1 depend only on (seed, p),
// so any slab can be generated alone and a split tensor equals the whole one. Four pairs per step:
// two 32-bit hashes per pair (Wellons's lowbias32, a bijection) give u1 ∈ (0, 1], u2 ∈ [0, 1);
// Box–Muller turns them into two normals, √(−2 ln u1) · cos θ and · sin θ with θ = 2π u2 − π, with
// ln, cos and sin as polynomials accurate to about 1e-7 (float32 sampling does not need more).

// @ts-ignore: decorator
@inline
function lowbias(v: v128): v128 {
	v = v128.xor(v, i32x4.shr_u(v, 16));
	v = i32x4.mul(v, i32x4.splat(0x7feb352d));
	v = v128.xor(v, i32x4.shr_u(v, 15));
	v = i32x4.mul(v, i32x4.splat(0x846ca68b));
	return v128.xor(v, i32x4.shr_u(v, 16));
}

/** ln(u) for u > 0: u = m·2^e with m ∈ [√½, √2), ln m = 2·atanh((m − 1)/(m + 1)) to t⁷. */
// @ts-ignore: decorator
@inline
function ln4(u: v128): v128 {
	let e = i32x4.sub(i32x4.shr_u(u, 23), i32x4.splat(127));
	let m = v128.or(v128.and(u, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000));
	const big = f32x4.gt(m, f32x4.splat(1.41421356));
	m = v128.bitselect(f32x4.mul(m, f32x4.splat(0.5)), m, big);
	e = i32x4.sub(e, big); // big lanes are −1: e + 1
	const t = f32x4.div(f32x4.sub(m, f32x4.splat(1)), f32x4.add(m, f32x4.splat(1)));
	const t2 = f32x4.mul(t, t);
	let p = f32x4.add(f32x4.splat(1.0 / 5.0), f32x4.mul(t2, f32x4.splat(1.0 / 7.0)));
	p = f32x4.add(f32x4.splat(1.0 / 3.0), f32x4.mul(t2, p));
	p = f32x4.add(f32x4.splat(1), f32x4.mul(t2, p));
	const lnm = f32x4.mul(f32x4.mul(f32x4.splat(2), t), p);
	return f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(e), f32x4.splat(0.6931471805599453)), lnm);
}

/** cos(φ) for φ ∈ [−π, π]: the Taylor series to φ¹⁶ (error below 2e-7 at ±π). */
// @ts-ignore: decorator
@inline
function cos4(phi: v128): v128 {
	const x2 = f32x4.mul(phi, phi);
	let p = f32x4.splat(1.0 / 20922789888000.0);
	p = f32x4.sub(f32x4.splat(1.0 / 87178291200.0), f32x4.mul(x2, p));
	p = f32x4.sub(f32x4.splat(1.0 / 479001600.0), f32x4.mul(x2, p));
	p = f32x4.sub(f32x4.splat(1.0 / 3628800.0), f32x4.mul(x2, p));
	p = f32x4.sub(f32x4.splat(1.0 / 40320.0), f32x4.mul(x2, p));
	p = f32x4.sub(f32x4.splat(1.0 / 720.0), f32x4.mul(x2, p));
	p = f32x4.sub(f32x4.splat(1.0 / 24.0), f32x4.mul(x2, p));
	p = f32x4.sub(f32x4.splat(0.5), f32x4.mul(x2, p));
	return f32x4.sub(f32x4.splat(1), f32x4.mul(x2, p));
}

/** sin(φ) for φ ∈ [−π, π]: the Taylor series to φ¹⁷ (error below 1e-7 at ±π). */
// @ts-ignore: decorator
@inline
function sin4(phi: v128): v128 {
	const x2 = f32x4.mul(phi, phi);
	let p = f32x4.splat(1.0 / 355687428096000.0);
	p = f32x4.sub(f32x4.splat(1.0 / 1307674368000.0), f32x4.mul(x2, p));
	p = f32x4.sub(f32x4.splat(1.0 / 6227020800.0), f32x4.mul(x2, p));
	p = f32x4.sub(f32x4.splat(1.0 / 39916800.0), f32x4.mul(x2, p));
	p = f32x4.sub(f32x4.splat(1.0 / 362880.0), f32x4.mul(x2, p));
	p = f32x4.sub(f32x4.splat(1.0 / 5040.0), f32x4.mul(x2, p));
	p = f32x4.sub(f32x4.splat(1.0 / 120.0), f32x4.mul(x2, p));
	p = f32x4.sub(f32x4.splat(1.0 / 6.0), f32x4.mul(x2, p));
	return f32x4.mul(phi, f32x4.sub(f32x4.splat(1), f32x4.mul(x2, p)));
}

/** e^x for |x| < 80: 2^n · 2^f with n = round(x·log₂e), f ∈ [−½, ½], 2^f by its Taylor series to f⁷. */
// @ts-ignore: decorator
@inline
function exp4(x: v128): v128 {
	const t = f32x4.mul(x, f32x4.splat(1.4426950408889634));
	const n = f32x4.nearest(t);
	const f = f32x4.mul(f32x4.sub(t, n), f32x4.splat(0.6931471805599453));
	let p = f32x4.splat(1.0 / 5040.0);
	p = f32x4.add(f32x4.splat(1.0 / 720.0), f32x4.mul(f, p));
	p = f32x4.add(f32x4.splat(1.0 / 120.0), f32x4.mul(f, p));
	p = f32x4.add(f32x4.splat(1.0 / 24.0), f32x4.mul(f, p));
	p = f32x4.add(f32x4.splat(1.0 / 6.0), f32x4.mul(f, p));
	p = f32x4.add(f32x4.splat(0.5), f32x4.mul(f, p));
	p = f32x4.add(f32x4.splat(1), f32x4.mul(f, p));
	p = f32x4.add(f32x4.splat(1), f32x4.mul(f, p));
	const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
	return f32x4.mul(p, scale);
}

/** Box–Muller's radius √(−2 ln u1) from a hash, u1 = (h >> 8 + 1) / 2^24 ∈ (0, 1]. */
// @ts-ignore: decorator
@inline
function radius(h1: v128): v128 {
	const u1 = f32x4.mul(f32x4.convert_i32x4_u(i32x4.add(i32x4.shr_u(h1, 8), i32x4.splat(1))), f32x4.splat(1.0 / 16777216.0));
	return f32x4.sqrt(f32x4.mul(f32x4.splat(-2), ln4(u1)));
}

/** Box–Muller's angle θ = 2π u2 − π from a hash, u2 = (h >> 8) / 2^24 ∈ [0, 1). */
// @ts-ignore: decorator
@inline
function angle(h2: v128): v128 {
	const u2 = f32x4.mul(f32x4.convert_i32x4_u(i32x4.shr_u(h2, 8)), f32x4.splat(1.0 / 16777216.0));
	return f32x4.sub(f32x4.mul(u2, f32x4.splat(6.283185307179586)), f32x4.splat(3.141592653589793));
}

/** A uniform draw with mean 0 and variance 1 from a hash. */
// @ts-ignore: decorator
@inline
function uniformOf(h: v128): v128 {
	const u = f32x4.mul(f32x4.convert_i32x4_u(i32x4.shr_u(h, 8)), f32x4.splat(1.0 / 16777216.0));
	return f32x4.mul(f32x4.sub(u, f32x4.splat(0.5)), f32x4.splat(3.4641016151377544));
}

/** Log-normal e^(0.75·z) of a standard normal z. */
// @ts-ignore: decorator
@inline
function logNormalOf(z: v128): v128 {
	return exp4(f32x4.mul(z, f32x4.splat(0.75)));
}

/**
 * Standard draws for elements from, …, from + n − 1 into x (f32): normal (`kind` 0), uniform with
 * unit variance (`kind` 1), or log-normal e^(0.75·z) (`kind` 2). Blocks of 8 elements aligned in the
 * tensor's index space; the blocks at the ends store only their elements inside the range. Whole
 * blocks go two at a time, their steps interleaved: each block is one long dependency chain (hashes,
 * ln, sqrt, the cos and sin polynomials), and two side by side run 1.3× faster.
 */
export function fillStandard(x: usize, from: u32, n: i32, seed: u32, kind: i32): void {
	// One copy of the loop per kind (constant-folded), so that no branch sits inside it.
	if (kind === 0) {
		fillLoop(x, from, n, seed, 0);
	} else if (kind === 1) {
		fillLoop(x, from, n, seed, 1);
	} else {
		fillLoop(x, from, n, seed, 2);
	}
}

// @ts-ignore: decorator
@inline
function fillLoop(x: usize, from: u32, n: i32, seed: u32, kind: i32): void {
	const k1 = i32x4.splat(<i32>(seed * 0x9e3779b9 + 0x632be5ab));
	const k2 = i32x4.splat(<i32>(seed * 0x85ebca6b + 0x7f4a7c15));
	const step = i32x4(0, 1, 2, 3);
	const step4 = i32x4(4, 5, 6, 7);
	const end = from + <u32>n;
	let b = from & ~7;
	if (b < from) {
		fillBlock(x, from, end, b, k1, k2, kind);
		b += 8;
	}
	for (; b + 16 <= end; b += 16) {
		const pa = i32x4.add(i32x4.splat(<i32>(b >> 1)), step);
		const pb = i32x4.add(i32x4.splat(<i32>(b >> 1)), step4);
		const ha1 = lowbias(v128.xor(pa, k1));
		const hb1 = lowbias(v128.xor(pb, k1));
		const ha2 = lowbias(v128.xor(ha1, k2));
		const hb2 = lowbias(v128.xor(hb1, k2));
		let za0: v128;
		let za1: v128;
		let zb0: v128;
		let zb1: v128;
		if (kind !== 1) {
			const ra = radius(ha1);
			const rb = radius(hb1);
			const ta = angle(ha2);
			const tb = angle(hb2);
			za0 = f32x4.mul(ra, cos4(ta));
			zb0 = f32x4.mul(rb, cos4(tb));
			za1 = f32x4.mul(ra, sin4(ta));
			zb1 = f32x4.mul(rb, sin4(tb));
			if (kind === 2) {
				za0 = logNormalOf(za0);
				zb0 = logNormalOf(zb0);
				za1 = logNormalOf(za1);
				zb1 = logNormalOf(zb1);
			}
		} else {
			za0 = uniformOf(ha1);
			zb0 = uniformOf(hb1);
			za1 = uniformOf(ha2);
			zb1 = uniformOf(hb2);
		}
		// Pair p gives elements 2p (z0) and 2p + 1 (z1).
		const at = x + (<usize>(b - from) << 2);
		v128.store(at, v128.shuffle<f32>(za0, za1, 0, 4, 1, 5));
		v128.store(at, v128.shuffle<f32>(za0, za1, 2, 6, 3, 7), 16);
		v128.store(at, v128.shuffle<f32>(zb0, zb1, 0, 4, 1, 5), 32);
		v128.store(at, v128.shuffle<f32>(zb0, zb1, 2, 6, 3, 7), 48);
	}
	for (; b < end; b += 8) {
		fillBlock(x, from, end, b, k1, k2, kind);
	}
}

/** One block of 8 elements b … b + 7 (4 pairs): the values inside [from, end) are stored. */
// @ts-ignore: decorator
@inline
function fillBlock(x: usize, from: u32, end: u32, b: u32, k1: v128, k2: v128, kind: i32): void {
	const pairs = i32x4.add(i32x4.splat(<i32>(b >> 1)), i32x4(0, 1, 2, 3));
	const h1 = lowbias(v128.xor(pairs, k1));
	const h2 = lowbias(v128.xor(h1, k2));
	let z0: v128;
	let z1: v128;
	if (kind !== 1) {
		const r = radius(h1);
		const theta = angle(h2);
		z0 = f32x4.mul(r, cos4(theta));
		z1 = f32x4.mul(r, sin4(theta));
		if (kind === 2) {
			z0 = logNormalOf(z0);
			z1 = logNormalOf(z1);
		}
	} else {
		z0 = uniformOf(h1);
		z1 = uniformOf(h2);
	}
	const lo = v128.shuffle<f32>(z0, z1, 0, 4, 1, 5);
	const hi = v128.shuffle<f32>(z0, z1, 2, 6, 3, 7);
	if (b >= from && b + 8 <= end) {
		const at = x + (<usize>(b - from) << 2);
		v128.store(at, lo);
		v128.store(at, hi, 16);
	} else {
		storeInside(x, from, end, b, lo);
		storeInside(x, from, end, b + 4, hi);
	}
}

/** Stores the lanes of v (elements b … b + 3) that fall in [from, end), at x + 4·(i − from). */
// @ts-ignore: decorator
@inline
function storeInside(x: usize, from: u32, end: u32, b: u32, v: v128): void {
	if (b >= from && b < end) {
		store<f32>(x + (<usize>(b - from) << 2), f32x4.extract_lane(v, 0));
	}
	if (b + 1 >= from && b + 1 < end) {
		store<f32>(x + (<usize>(b + 1 - from) << 2), f32x4.extract_lane(v, 1));
	}
	if (b + 2 >= from && b + 2 < end) {
		store<f32>(x + (<usize>(b + 2 - from) << 2), f32x4.extract_lane(v, 2));
	}
	if (b + 3 >= from && b + 3 < end) {
		store<f32>(x + (<usize>(b + 3 - from) << 2), f32x4.extract_lane(v, 3));
	}
}

/**
 * x[i] = offset[c] + scale[c]·x[i] (f32 offset and scale) for n elements whose feature is
 * c = ⌊(from + i)/inner⌋ mod features; c0 and k0 are the first element's feature and position within
 * its run of `inner`. Runs of one feature (planes) and channels-last rows of a multiple of 4
 * features are done four at a time.
 */
export function shiftScale(x: usize, n: i32, c0: i32, k0: i32, inner: i32, features: i32, offset: usize, scale: usize): void {
	let i = 0;
	let c = c0;
	let k = k0;
	if (inner === 1 && (features & 3) === 0) {
		// Channels last: finish the current row, then whole rows with vector loads of offset, scale.
		for (; i < n && c !== 0; i++) {
			const at = x + (<usize>i << 2);
			store<f32>(at, load<f32>(offset + (<usize>c << 2)) + load<f32>(scale + (<usize>c << 2)) * load<f32>(at));
			if (++c === features) {
				c = 0;
			}
		}
		const rowBytes = <usize>features << 2;
		for (; i + features <= n; i += features) {
			const row = x + (<usize>i << 2);
			for (let o: usize = 0; o < rowBytes; o += 16) {
				v128.store(row + o, f32x4.add(v128.load(offset + o), f32x4.mul(v128.load(scale + o), v128.load(row + o))));
			}
		}
		for (let j = 0; i < n; i++, j++) {
			const at = x + (<usize>i << 2);
			store<f32>(at, load<f32>(offset + (<usize>j << 2)) + load<f32>(scale + (<usize>j << 2)) * load<f32>(at));
		}
		return;
	}
	while (i < n) {
		// One run of the same feature.
		const len = min(inner - k, n - i);
		const o = load<f32>(offset + (<usize>c << 2));
		const sc = load<f32>(scale + (<usize>c << 2));
		const o4 = f32x4.splat(o);
		const s4 = f32x4.splat(sc);
		const end = i + len;
		for (; i + 4 <= end; i += 4) {
			const at = x + (<usize>i << 2);
			v128.store(at, f32x4.add(o4, f32x4.mul(s4, v128.load(at))));
		}
		for (; i < end; i++) {
			const at = x + (<usize>i << 2);
			store<f32>(at, o + sc * load<f32>(at));
		}
		k = 0;
		if (++c === features) {
			c = 0;
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Generation and reduction fused, for the training-steps simulation: only the statistics of a
// batch are needed, so each block of standard draws is summed in registers and never stored.

/** Sums of the draws of block b (elements b … b + 7) that fall inside [from, end), shifted by k, into acc[0] (Σ) and acc[1] (Σ²). */
// @ts-ignore: decorator
@inline
function sumBlockInside(scratch: usize, from: u32, end: u32, b: u32, k1: v128, k2: v128, kind: i32, k: f64, acc: usize): void {
	// fillBlock stores the block's elements inside [lo, hi) from scratch on.
	const lo = max(b, from);
	const hi = min(b + 8, end);
	fillBlock(scratch, lo, hi, b, k1, k2, kind);
	let s: f64 = 0;
	let q: f64 = 0;
	for (let i: u32 = 0; i < hi - lo; i++) {
		const v = <f64>load<f32>(scratch + (<usize>i << 2)) - k;
		s += v;
		q += v * v;
	}
	store<f64>(acc, load<f64>(acc) + s);
	store<f64>(acc, load<f64>(acc, 8) + q, 8);
}

/**
 * For `planes` runs of P elements, the first starting at element `from`: the mean (M) and the sum of
 * squared deviations (M2) of the standard draws that fillStandard would store there, computed
 * without storing them. `scratch` is 64 bytes for the draws at the runs' unaligned ends. The same
 * draws as fillStandard, summed in f32x4 partials of 64 values per lane flushed to f64, around a
 * shift (the log-normal's mean) so that the sums of squares do not cancel.
 */
export function sumsPlanes(from: u32, planes: i32, P: i32, seed: u32, kind: i32, M: usize, M2: usize, scratch: usize): void {
	if (kind === 0) {
		sumsLoop(from, planes, P, seed, 0, M, M2, scratch);
	} else if (kind === 1) {
		sumsLoop(from, planes, P, seed, 1, M, M2, scratch);
	} else {
		sumsLoop(from, planes, P, seed, 2, M, M2, scratch);
	}
}

// @ts-ignore: decorator
@inline
function sumsLoop(from: u32, planes: i32, P: i32, seed: u32, kind: i32, M: usize, M2: usize, scratch: usize): void {
	const k1 = i32x4.splat(<i32>(seed * 0x9e3779b9 + 0x632be5ab));
	const k2 = i32x4.splat(<i32>(seed * 0x85ebca6b + 0x7f4a7c15));
	const step = i32x4(0, 1, 2, 3);
	const step4 = i32x4(4, 5, 6, 7);
	// e^(0.75²/2): the log-normal's mean; the others are centred.
	const k: f64 = kind === 2 ? 1.3247847587288346 : 0;
	const kv = f32x4.splat(<f32>k);
	const acc = scratch + 32;
	for (let p = 0; p < planes; p++) {
		const start = from + <u32>p * <u32>P;
		const end = start + <u32>P;
		store<f64>(acc, 0);
		store<f64>(acc, 0, 8);
		let b = start & ~7;
		if (b < start) {
			sumBlockInside(scratch, start, end, b, k1, k2, kind, k, acc);
			b += 8;
		}
		let s: f64 = 0;
		let q: f64 = 0;
		while (b + 16 <= end) {
			let sa = f32x4.splat(0);
			let qa = f32x4.splat(0);
			// Up to 16 double blocks (256 values, 64 per lane) per flush to f64.
			const stop = min(end - 15, b + 256);
			for (; b < stop; b += 16) {
				const pa = i32x4.add(i32x4.splat(<i32>(b >> 1)), step);
				const pb = i32x4.add(i32x4.splat(<i32>(b >> 1)), step4);
				const ha1 = lowbias(v128.xor(pa, k1));
				const hb1 = lowbias(v128.xor(pb, k1));
				const ha2 = lowbias(v128.xor(ha1, k2));
				const hb2 = lowbias(v128.xor(hb1, k2));
				let za0: v128;
				let za1: v128;
				let zb0: v128;
				let zb1: v128;
				if (kind !== 1) {
					const ra = radius(ha1);
					const rb = radius(hb1);
					const ta = angle(ha2);
					const tb = angle(hb2);
					za0 = f32x4.mul(ra, cos4(ta));
					zb0 = f32x4.mul(rb, cos4(tb));
					za1 = f32x4.mul(ra, sin4(ta));
					zb1 = f32x4.mul(rb, sin4(tb));
					if (kind === 2) {
						za0 = f32x4.sub(logNormalOf(za0), kv);
						zb0 = f32x4.sub(logNormalOf(zb0), kv);
						za1 = f32x4.sub(logNormalOf(za1), kv);
						zb1 = f32x4.sub(logNormalOf(zb1), kv);
					}
				} else {
					za0 = uniformOf(ha1);
					zb0 = uniformOf(hb1);
					za1 = uniformOf(ha2);
					zb1 = uniformOf(hb2);
				}
				sa = f32x4.add(sa, f32x4.add(f32x4.add(za0, za1), f32x4.add(zb0, zb1)));
				qa = f32x4.add(qa, f32x4.add(addSquare(f32x4.mul(za0, za0), za1), addSquare(f32x4.mul(zb0, zb0), zb1)));
			}
			const s4 = sa;
			const q4 = qa;
			const sd = f64x2.add(f64x2.promote_low_f32x4(s4), f64x2.promote_low_f32x4(v128.shuffle<f32>(s4, s4, 2, 3, 2, 3)));
			const qd = f64x2.add(f64x2.promote_low_f32x4(q4), f64x2.promote_low_f32x4(v128.shuffle<f32>(q4, q4, 2, 3, 2, 3)));
			s += f64x2.extract_lane(sd, 0) + f64x2.extract_lane(sd, 1);
			q += f64x2.extract_lane(qd, 0) + f64x2.extract_lane(qd, 1);
		}
		for (; b < end; b += 8) {
			sumBlockInside(scratch, start, end, b, k1, k2, kind, k, acc);
		}
		s += load<f64>(acc);
		q += load<f64>(acc, 8);
		const ds = s / <f64>P;
		store<f64>(M + (<usize>p << 3), k + ds);
		store<f64>(M2 + (<usize>p << 3), max(0, q - s * ds));
	}
}
