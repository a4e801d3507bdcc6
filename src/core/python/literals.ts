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

/** Digits with single underscores between them, as `int()` and `float()` accept them. */
const DIGITS = String.raw`\d(?:_?\d)*`;
const INT_TEXT = new RegExp(`^[+-]?${DIGITS}$`);
const FLOAT_TEXT = new RegExp(
	`^[+-]?(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`,
);
/** What Python's `str.strip()` removes around the text `int()` / `float()` read (ASCII part). */
const SPACE = /^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g;

/**
 * `int(text)` as Python reads it (base 10): an optional sign and decimal digits, underscores
 * between digits, surrounding whitespace. A text Python refuses is a reason (its ValueError);
 * non-ASCII text (Python takes other scripts' digits) and integers past 2^53 are unknown.
 */
export function intFromText(text: string): Value | string {
	const t = text.replace(SPACE, '');
	if (/\P{ASCII}/u.test(t)) {
		return 'NormLens reads only ASCII digits';
	}
	if (!INT_TEXT.test(t)) {
		return `Python raises ValueError: invalid literal for int() with base 10: ${JSON.stringify(text)}`;
	}
	const v = Number(t.replace(/_/g, ''));
	return Number.isSafeInteger(v) ? num(v) : 'the integer has no exact float';
}

/** `float(text)` as Python reads it; `inf` and `nan` are left unknown (no size is either). */
export function floatFromText(text: string): Value | string {
	const t = text.replace(SPACE, '');
	if (/\P{ASCII}/u.test(t)) {
		return 'NormLens reads only ASCII digits';
	}
	if (/^[+-]?(inf|infinity|nan)$/i.test(t)) {
		return 'it is infinite or not a number';
	}
	if (!FLOAT_TEXT.test(t)) {
		return `Python raises ValueError: could not convert string to float: ${JSON.stringify(text)}`;
	}
	return float(Number(t.replace(/_/g, '')));
}
