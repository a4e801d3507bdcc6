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
	return raw ? body : body.replace(ESCAPE, decodeEscape);
}

/** Python's escape sequences in a (not raw) string literal; any other backslash stays as written. */
const ESCAPE =
	/\\(\r\n|\n|[\\'"abfnrtv]|[0-7]{1,3}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/g;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
	'\\': '\\',
	"'": "'",
	'"': '"',
	a: '\x07',
	b: '\b',
	f: '\f',
	n: '\n',
	r: '\r',
	t: '\t',
	v: '\v',
	'\n': '',
	'\r\n': '',
};

function decodeEscape(whole: string, e: string): string {
	const simple = SIMPLE_ESCAPES[e];
	if (simple !== undefined) {
		return simple;
	}
	const code = /^[0-7]/.test(e) ? parseInt(e, 8) : parseInt(e.slice(1), 16);
	return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
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

/**
 * `int(text, base)` as Python reads it: bases 2 to 36, or 0 (the base its prefix names, decimal
 * without leading zeros otherwise); a prefix `0x` / `0o` / `0b` that matches the base; underscores
 * between digits (and after the prefix). A text Python refuses is a reason (its ValueError).
 */
export function intFromTextInBase(text: string, base: number): Value | string {
	if (!Number.isInteger(base) || !(base === 0 || (base >= 2 && base <= 36))) {
		return 'Python raises ValueError: int() base must be >= 2 and <= 36, or 0';
	}
	const refused = `Python raises ValueError: invalid literal for int() with base ${base}: ${JSON.stringify(text)}`;
	const t = text.replace(SPACE, '');
	const sign = /^[+-]/.test(t) ? t[0] : '';
	let body = t.slice(sign.length);
	let b = base;
	const prefix = /^0([xob])/i.exec(body);
	const prefixBase = prefix
		? { x: 16, o: 8, b: 2 }[prefix[1].toLowerCase() as 'x' | 'o' | 'b']
		: 0;
	if (prefix && (b === 0 || b === prefixBase)) {
		b = prefixBase;
		body = body.slice(2).replace(/^_/, '');
	} else if (b === 0) {
		b = 10;
		if (/^0+_?[1-9]/.test(body)) {
			return refused;
		}
	}
	if (!/^[0-9a-z]+(?:_[0-9a-z]+)*$/i.test(body)) {
		return refused;
	}
	let v = 0n;
	for (const c of body.replace(/_/g, '').toLowerCase()) {
		const d = parseInt(c, 36);
		if (d >= b) {
			return refused;
		}
		v = v * BigInt(b) + BigInt(d);
	}
	const n = Number(sign === '-' ? -v : v);
	return Number.isSafeInteger(n) ? num(n) : 'the integer has no exact float';
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
