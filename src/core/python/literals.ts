// Python's number and string literals as values.
import { float, num, UNKNOWN, Value } from './values';

/**
 * A number literal's value; unknown where it has no exact float (imaginary, or an integer past
 * 2^53).
 */
export function numberLiteral(text: string): Value {
	// JavaScript reads Python's decimal, float and 0x / 0o / 0b literals alike; only
	// underscores and imaginary literals need the slow path.
	const plain = Number(text);
	// A point or an exponent makes a float (`4.0`, `1e3`); hex digits are no exponent (`0xE`).
	const isFloat = !/^0[xob]/i.test(text) && /[.eE]/.test(text);
	if (!Number.isNaN(plain)) {
		if (isFloat) {
			return float(plain);
		}
		// An integer literal beyond 2^53 has no exact float: unknown rather than a rounded count.
		return Number.isInteger(plain) && !Number.isSafeInteger(plain) ? UNKNOWN : num(plain);
	}
	const t = text.replace(/_/g, '').toLowerCase();
	if (t.endsWith('j')) {
		return UNKNOWN;
	}
	if (t.startsWith('0x')) {
		return num(parseInt(t.slice(2), 16));
	}
	if (t.startsWith('0o')) {
		return num(parseInt(t.slice(2), 8));
	}
	if (t.startsWith('0b')) {
		return num(parseInt(t.slice(2), 2));
	}
	const v = Number(t);
	return Number.isNaN(v) ? UNKNOWN : isFloat ? float(v) : num(v);
}

/** A string literal's text, its escapes decoded (unless it is raw). */
export function stringLiteral(text: string): string {
	const m = /^([rRbBuU]*)('''|"""|'|")([\s\S]*)\2$/.exec(text);
	if (!m) {
		return text;
	}
	const raw = /r/i.test(m[1]);
	const body = m[3];
	return raw
		? body
		: body.replace(
				/\\(.)/g,
				(_, c: string) =>
					({ n: '\n', t: '\t', '\\': '\\', "'": "'", '"': '"' })[c] ?? `\\${c}`,
			);
}
