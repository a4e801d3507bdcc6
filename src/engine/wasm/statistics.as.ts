// The statistics kernels: per-channel (rows) and per-plane shifted sums S = Σ(x − K), Q = Σ(x − K)²
// and extremes, in f32x4 partials flushed to f64 (see normalize.as.ts for why the shift).

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
export function addSquare(q: v128, v: v128): v128 {
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
