// The SIMD sample generator's scalar replica, bit for bit, for runtimes without WebAssembly SIMD.
import type { Distribution } from '../protocol/engineProtocol';

/**
 * The sample generator of normalize.as.ts (`fillStandard`) in scalar JavaScript, for runtimes without
 * WebAssembly SIMD: every float32 operation of the kernel is done in float64 and rounded to float32
 * (Math.fround), which gives the float32 result exactly for +, −, ×, ÷ and √ — so the same seed gives
 * the same tensor, bit for bit, with or without SIMD. Keep the two in step: the unit tests compare them.
 */

const f = Math.fround;
const SCALE24 = 1 / 16777216;
const bits = new Float32Array(1);
const ints = new Uint32Array(bits.buffer);

function floatOf(u: number): number {
	ints[0] = u >>> 0;
	return bits[0];
}

function bitsOf(x: number): number {
	bits[0] = x;
	return ints[0];
}

/** Wellons's lowbias32 on an unsigned 32-bit value. */
function lowbias(v: number): number {
	v = (v ^ (v >>> 16)) >>> 0;
	v = Math.imul(v, 0x7feb352d) >>> 0;
	v = (v ^ (v >>> 15)) >>> 0;
	v = Math.imul(v, 0x846ca68b) >>> 0;
	return (v ^ (v >>> 16)) >>> 0;
}

const C = {
	sqrtHalf: f(1.41421356),
	fifth: f(1 / 5),
	seventh: f(1 / 7),
	third: f(1 / 3),
	ln2: f(0.6931471805599453),
	log2e: f(1.4426950408889634),
	twoPi: f(6.283185307179586),
	pi: f(3.141592653589793),
	sqrt12: f(3.4641016151377544),
	cos: [
		1 / 20922789888000,
		1 / 87178291200,
		1 / 479001600,
		1 / 3628800,
		1 / 40320,
		1 / 720,
		1 / 24,
		0.5,
	].map(f),
	sin: [
		1 / 355687428096000,
		1 / 1307674368000,
		1 / 6227020800,
		1 / 39916800,
		1 / 362880,
		1 / 5040,
		1 / 120,
		1 / 6,
	].map(f),
	exp: [1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 0.5, 1, 1].map(f),
};

function ln(u: number): number {
	const b = bitsOf(u);
	let e = (b >>> 23) - 127;
	let m = floatOf((b & 0x007fffff) | 0x3f800000);
	if (m > C.sqrtHalf) {
		m = f(m * 0.5);
		e += 1;
	}
	const t = f(f(m - 1) / f(m + 1));
	const t2 = f(t * t);
	let p = f(C.fifth + f(t2 * C.seventh));
	p = f(C.third + f(t2 * p));
	p = f(1 + f(t2 * p));
	const lnm = f(f(2 * t) * p);
	return f(f(e * C.ln2) + lnm);
}

function cos(phi: number): number {
	const x2 = f(phi * phi);
	let p = C.cos[0];
	for (let i = 1; i < 8; i++) {
		p = f(C.cos[i] - f(x2 * p));
	}
	return f(1 - f(x2 * p));
}

function sin(phi: number): number {
	const x2 = f(phi * phi);
	let p = C.sin[0];
	for (let i = 1; i < 8; i++) {
		p = f(C.sin[i] - f(x2 * p));
	}
	return f(phi * f(1 - f(x2 * p)));
}

/** Round half to even, as f32x4.nearest. */
function nearest(t: number): number {
	const r = Math.round(t);
	return r - t === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function exp(x: number): number {
	const t = f(x * C.log2e);
	const n = nearest(t);
	const fr = f(f(t - n) * C.ln2);
	let p = C.exp[0];
	for (let i = 1; i < 8; i++) {
		p = f(C.exp[i] + f(fr * p));
	}
	return f(p * floatOf(((n | 0) + 127) << 23));
}

/**
 * Standard draws for elements from, …, from + x.length − 1 into x: normal, uniform with unit
 * variance, or log-normal e^(0.75·z) — pair p gives elements 2p and 2p + 1, as in the kernel.
 */
export function fillStandardJs(
	x: Float32Array,
	from: number,
	seed: number,
	distribution: Distribution,
): void {
	const k1 = (Math.imul(seed, 0x9e3779b9) + 0x632be5ab) >>> 0;
	const k2 = (Math.imul(seed, 0x85ebca6b) + 0x7f4a7c15) >>> 0;
	const end = from + x.length;
	for (let p = Math.floor(from / 2); 2 * p < end; p++) {
		const h1 = lowbias((p ^ k1) >>> 0);
		const h2 = lowbias((h1 ^ k2) >>> 0);
		let z0: number;
		let z1: number;
		if (distribution === 'uniform') {
			z0 = f(f(f((h1 >>> 8) * SCALE24) - 0.5) * C.sqrt12);
			z1 = f(f(f((h2 >>> 8) * SCALE24) - 0.5) * C.sqrt12);
		} else {
			const u1 = f(((h1 >>> 8) + 1) * SCALE24);
			const r = f(Math.sqrt(f(-2 * ln(u1))));
			const theta = f(f(f((h2 >>> 8) * SCALE24) * C.twoPi) - C.pi);
			z0 = f(r * cos(theta));
			z1 = f(r * sin(theta));
			if (distribution === 'lognormal') {
				z0 = exp(f(z0 * 0.75));
				z1 = exp(f(z1 * 0.75));
			}
		}
		if (2 * p >= from) {
			x[2 * p - from] = z0;
		}
		if (2 * p + 1 >= from && 2 * p + 1 < end) {
			x[2 * p + 1 - from] = z1;
		}
	}
}
