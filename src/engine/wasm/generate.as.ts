// The sample generator (counter-based normal, uniform and log-normal draws) and, fused with it, the
// training-steps simulation's reduction of a batch that is never stored.

import { addSquare } from './statistics.as';

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
