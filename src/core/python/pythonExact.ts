// Python builtins whose exact results JavaScript does not give: round(x, n), pow(x, y, m), and
// repr's text of a value.
import { pyNumber, UNKNOWN, Value } from './values';

/**
 * `round(x, n)` of a float as CPython computes it: x's exact binary value rounded to n decimal
 * places, half to even only when that value is exactly halfway (round(2.675, 2) is 2.67, as 2.675
 * is stored below it; round(0.125, 2) is 0.12), then the float nearest the decimal result.
 * Scaling by 10ⁿ in floating point instead rounds the product first (round(7.45, 1) would be 7.4;
 * Python gives 7.5).
 */
export function roundFloat(x: number, ndigits: number): number {
	if (!Number.isFinite(x) || x === 0) {
		return x;
	}
	const { digits, scale } = exactDecimal(Math.abs(x));
	// digits × 10^-scale is |x| exactly; keep ndigits places.
	const drop = scale - ndigits;
	if (drop <= 0) {
		return x;
	}
	const q = halfEven(digits, 10n ** BigInt(drop));
	const v = Number(`${q}e${-ndigits}`);
	return x < 0 ? -v : v;
}

/** `round(n, ndigits)` of an int with ndigits < 0: half to even at 10^-ndigits. */
export function roundInt(n: number, ndigits: number): number {
	if (ndigits >= 0) {
		return n;
	}
	const unit = 10n ** BigInt(-ndigits);
	const r = Number(halfEven(BigInt(Math.abs(n)), unit) * unit);
	return n < 0 ? -r : r;
}

/** v / unit rounded to the nearest integer, a tie to the even one (Python's rounding). */
function halfEven(v: bigint, unit: bigint): bigint {
	const q = v / unit;
	const twice = 2n * (v % unit);
	return twice > unit || (twice === unit && q % 2n === 1n) ? q + 1n : q;
}

/** A positive finite double as an exact decimal: digits × 10^-scale (every double has one). */
function exactDecimal(x: number): { digits: bigint; scale: number } {
	const view = new DataView(new ArrayBuffer(8));
	view.setFloat64(0, x);
	const hi = view.getUint32(0);
	const lo = view.getUint32(4);
	const biased = (hi >>> 20) & 0x7ff;
	let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
	let exponent: number;
	if (biased === 0) {
		exponent = -1074;
	} else {
		mantissa |= 1n << 52n;
		exponent = biased - 1075;
	}
	if (exponent >= 0) {
		return { digits: mantissa << BigInt(exponent), scale: 0 };
	}
	// m / 2^k = m × 5^k / 10^k.
	const k = -exponent;
	return { digits: mantissa * 5n ** BigInt(k), scale: k };
}

/** `pow(x, y, m)` of ints: x^y mod m with the sign of m, as Python gives it; undefined where Python raises. */
export function powMod(x: number, y: number, m: number): number | undefined {
	if (![x, y, m].every(Number.isSafeInteger) || m === 0 || y < 0) {
		// (A negative exponent needs a modular inverse: Python 3.8+ computes one; not followed.)
		return undefined;
	}
	const mod = BigInt(Math.abs(m));
	let base = ((BigInt(x) % mod) + mod) % mod;
	let e = BigInt(y);
	let r = 1n % mod;
	while (e > 0n) {
		if (e & 1n) {
			r = (r * base) % mod;
		}
		base = (base * base) % mod;
		e >>= 1n;
	}
	// Python's result has the sign of the modulus.
	if (m < 0 && r !== 0n) {
		r -= mod;
	}
	return Number(r);
}

/**
 * `str(v)` / `repr(v)` / `ascii(v)` of a number, a bool, None or (repr) a string as Python writes
 * them; anything else unknown (the caller gives the reason).
 */
export function reprText(v: Value | undefined, quoted: boolean, ascii = false): Value {
	switch (v?.k) {
		case 'num':
			return { k: 'str', v: pyNumber(v) };
		case 'bool':
			return { k: 'str', v: v.v ? 'True' : 'False' };
		case 'none':
			return { k: 'str', v: 'None' };
		case 'str':
			return quoted ? { k: 'str', v: pyStringRepr(v.v, ascii) } : v;
		default:
			return UNKNOWN;
	}
}

/** Python's repr of a str: single quotes unless it has one and no double quote; escapes. */
function pyStringRepr(s: string, ascii: boolean): string {
	const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
	let out = '';
	for (const ch of s) {
		const c = ch.codePointAt(0) as number;
		if (ch === quote || ch === '\\') {
			out += `\\${ch}`;
		} else if (ch === '\n') {
			out += '\\n';
		} else if (ch === '\r') {
			out += '\\r';
		} else if (ch === '\t') {
			out += '\\t';
		} else if ((ascii && c > 0x7e) || (ch !== ' ' && /[\p{C}\p{Z}]/u.test(ch))) {
			// Not printable (Python's str.isprintable), or not ASCII for ascii().
			out +=
				c < 0x100
					? `\\x${c.toString(16).padStart(2, '0')}`
					: c < 0x10000
						? `\\u${c.toString(16).padStart(4, '0')}`
						: `\\U${c.toString(16).padStart(8, '0')}`;
		} else {
			out += ch;
		}
	}
	return quote + out + quote;
}
