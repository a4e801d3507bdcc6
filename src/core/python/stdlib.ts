// Python's `math` functions that model code uses for sizes, evaluated on numbers.
import { BUILTINS } from './names';
import { REGEX_FLAGS } from './regex';
import { TRUSTED_BUILTINS } from './trusted';
import type { Value } from './values';

/**
 * The pure functions of Python's `math` module that model code uses for sizes (`math.ceil(h / s)`,
 * `int(math.sqrt(n))`, `math.prod(shape)`), evaluated on numbers. A function not listed here, or an
 * argument that is not a number, stays an unknown with its cause (the caller decides).
 */
const MATH: Readonly<Record<string, (xs: number[]) => number | undefined>> = {
	ceil: ([x]) => Math.ceil(x),
	floor: ([x]) => Math.floor(x),
	trunc: ([x]) => Math.trunc(x),
	sqrt: ([x]) => (x >= 0 ? Math.sqrt(x) : undefined),
	isqrt: ([x]) => (x >= 0 && Number.isInteger(x) ? Math.floor(Math.sqrt(x)) : undefined),
	exp: ([x]) => Math.exp(x),
	log: ([x, base]) =>
		x > 0
			? base === undefined
				? Math.log(x)
				: base > 0 && base !== 1
					? Math.log(x) / Math.log(base)
					: undefined
			: undefined,
	log2: ([x]) => (x > 0 ? Math.log2(x) : undefined),
	log10: ([x]) => (x > 0 ? Math.log10(x) : undefined),
	pow: ([x, y]) => (y === undefined ? undefined : x ** y),
	fabs: ([x]) => Math.abs(x),
	sin: ([x]) => Math.sin(x),
	cos: ([x]) => Math.cos(x),
	tan: ([x]) => Math.tan(x),
	tanh: ([x]) => Math.tanh(x),
	atan: ([x]) => Math.atan(x),
	gcd: (xs) => (xs.every(Number.isInteger) ? xs.reduce((a, b) => gcd(a, b), 0) : undefined),
	prod: (xs) => xs.reduce((a, b) => a * b, 1),
};

/** The `math` functions that return an int (ceil, floor and trunc of a float too); `prod` has its items' type; the rest return floats. */
const INT_RESULT = new Set(['ceil', 'floor', 'trunc', 'isqrt', 'gcd']);
/** The `math` functions that take ints only (Python raises TypeError on a float). */
const INT_ARGS = new Set(['isqrt', 'gcd']);

function gcd(a: number, b: number): number {
	let [x, y] = [Math.abs(a), Math.abs(b)];
	while (y) {
		[x, y] = [y, x % y];
	}
	return x;
}

/** Whether a path names one of the `math` functions NormLens evaluates (or numpy's `prod`, `ceil`…). */
export function isMathFunction(path: string): boolean {
	const m = /^math\.([a-z0-9]+)$/.exec(path);
	return (
		(m !== null && m[1] in MATH) ||
		NUMPY_PROD.test(path) ||
		NUMPY_INT_REDUCE.test(path) ||
		NUMPY_FLOAT.test(path) ||
		NUMPY_POWER.test(path) ||
		NUMPY_INT.test(path)
	);
}

/** numpy's integer scalars of a Python number (`Dense(np.int64(28 * 28))`): its int, where it fits. */
const NUMPY_INT = /^numpy\.(u?)int(8|16|32|64)$/;

/**
 * numpy's rounding, roots and trigonometry of one Python number (`int(np.ceil(l / d))`, the angles
 * of a sinusoid table): numpy returns a float64, a float (PyTorch refuses it as a size, as it
 * refuses a Python float) whatever `math` returns. On an array they are element-wise
 * (keras/numpyArrays.ts).
 */
const NUMPY_FLOAT = /^numpy\.(ceil|floor|trunc|sqrt|exp|log|log2|log10|sin|cos|tan|tanh|arctan)$/;

/** `np.power(10000, 2 * i / d)` of two Python numbers. */
const NUMPY_POWER = /^numpy\.(power|float_power)$/;

/** `np.prod(shape)` (GAN scripts' `int(np.prod(img_shape))`), as `math.prod` on a sequence of ints. */
const NUMPY_PROD = /^numpy\.(prod|product)$/;

/**
 * `np.sum(layers)` / `np.max(…)` / `np.min(…)` of a list or tuple of Python ints (WaveNet's
 * receptive field): an int64, exact. Of floats NumPy sums pairwise, which Python's order does not
 * reproduce: not followed.
 */
const NUMPY_INT_REDUCE = /^numpy\.(sum|max|min|amax|amin)$/;

/**
 * `math.<name>(…)` on numbers (a list or tuple for `prod`); undefined when the path is not one of
 * these functions, the arguments are not numbers, or Python would raise (a domain error).
 */
export function callMath(path: string, positional: readonly Value[]): Value | undefined {
	const int = NUMPY_INT.exec(path);
	if (int) {
		const x = positional.length === 1 ? positional[0] : undefined;
		const v = x?.k === 'num' || x?.k === 'bool' ? Math.trunc(Number(x.v)) : undefined;
		const bits = Number(int[2]);
		const [lo, hi] = int[1] ? [0, 2 ** bits - 1] : [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
		return v !== undefined && Number.isSafeInteger(v) && v >= lo && v <= hi
			? { k: 'num', v }
			: undefined;
	}
	if (NUMPY_PROD.test(path)) {
		// numpy's product of Python ints is an int64 that PyTorch takes as a size; of floats, or of
		// nothing (1.0), a float64: those are not followed.
		const items =
			positional.length === 1 && (positional[0].k === 'list' || positional[0].k === 'tuple')
				? positional[0].items
				: undefined;
		return items &&
			items.length > 0 &&
			items.every((x) => x.k === 'num' && x.float !== true && Number.isInteger(x.v))
			? callMath('math.prod', [positional[0]])
			: undefined;
	}
	const reduce = NUMPY_INT_REDUCE.exec(path);
	if (reduce) {
		const op = reduce[1] === 'sum' ? 'sum' : reduce[1].endsWith('max') ? 'max' : 'min';
		const v = positional.length === 1 ? reduceInts(op, positional[0]) : undefined;
		return v === undefined ? undefined : { k: 'num', v };
	}
	const np = NUMPY_FLOAT.exec(path);
	if (np) {
		const x = positional.length === 1 ? positional[0] : undefined;
		const name = np[1] === 'arctan' ? 'atan' : np[1];
		const v = x?.k === 'num' || x?.k === 'bool' ? callMath(`math.${name}`, [x]) : undefined;
		return v?.k === 'num' ? { k: 'num', v: v.v, float: true } : undefined;
	}
	const power = NUMPY_POWER.exec(path);
	if (power) {
		const [x, y] = positional;
		if (positional.length !== 2 || x.k !== 'num' || y.k !== 'num') {
			return undefined;
		}
		// Two ints give an int64, and NumPy refuses a negative integer power (ValueError); anything
		// else (and float_power always) a float64.
		const ints = power[1] === 'power' && x.float !== true && y.float !== true;
		if (ints && y.v < 0) {
			return undefined;
		}
		const v = x.v ** y.v;
		return Number.isFinite(v) && (!ints || Number.isSafeInteger(v))
			? ints
				? { k: 'num', v }
				: { k: 'num', v, float: true }
			: undefined;
	}
	const m = /^math\.([a-z0-9]+)$/.exec(path);
	const fn = m ? MATH[m[1]] : undefined;
	if (!fn) {
		return undefined;
	}
	const args =
		m?.[1] === 'prod' &&
		positional.length === 1 &&
		(positional[0].k === 'list' || positional[0].k === 'tuple')
			? positional[0].items
			: positional;
	const xs = args.map((a) => (a.k === 'num' ? a.v : a.k === 'bool' ? Number(a.v) : undefined));
	if (xs.length === 0 && m?.[1] !== 'prod' && m?.[1] !== 'gcd') {
		return undefined;
	}
	if (xs.some((x) => x === undefined)) {
		return undefined;
	}
	const name = m?.[1] ?? '';
	const anyFloat = args.some((a) => a.k === 'num' && a.float === true);
	if (anyFloat && INT_ARGS.has(name)) {
		return undefined;
	}
	const v = fn(xs as number[]);
	if (v === undefined || !Number.isFinite(v)) {
		return undefined;
	}
	const isInt = INT_RESULT.has(name) || (name === 'prod' && !anyFloat);
	return isInt ? { k: 'num', v } : { k: 'num', v, float: true };
}

/**
 * The finite constants of Python's `math` module (floats): `math.sqrt(2.0 / math.pi)` in a GELU.
 * (`math.inf` stays a reference: no value here is infinite, and `int(math.inf)` raises in Python.)
 * Read through a Map so that a name such as `math.constructor` finds nothing.
 */
const MATH_CONSTANTS: ReadonlyMap<string, number> = new Map([
	['math.pi', Math.PI],
	['math.e', Math.E],
	['math.tau', 2 * Math.PI],
	// The same floats under torch (`torch.sqrt(torch.tensor(2.0 / torch.pi))` in rasbt's GELU).
	['torch.pi', Math.PI],
	['torch.e', Math.E],
]);

/**
 * Names a helper library binds to the frameworks' own modules, by the library's path: what `from
 * torch_snippets import *` gives (torch_snippets/loader.py: `import torch.nn as nn`, `from torch.nn
 * import functional as F`, … in its `__all__`; the Modern Computer Vision with PyTorch book's notebooks
 * build every model from that `nn`).
 */
const REEXPORTS: ReadonlyMap<string, string> = new Map([
	['torch_snippets.torch', 'torch'],
	['torch_snippets.nn', 'torch.nn'],
	['torch_snippets.F', 'torch.nn.functional'],
	['torch_snippets.optim', 'torch.optim'],
	['torch_snippets.Dataset', 'torch.utils.data.Dataset'],
	['torch_snippets.DataLoader', 'torch.utils.data.DataLoader'],
	['torch_snippets.np', 'numpy'],
	['torch_snippets.pd', 'pandas'],
	['torch_snippets.train_test_split', 'sklearn.model_selection.train_test_split'],
]);

/** A library name as a value: a `math` constant is its float, anything else a reference to the library's object. */
/** Other constants of the libraries, by path: `np.newaxis` is None; the `string` module's texts. */
const LIBRARY_CONSTANTS: ReadonlyMap<string, Value> = new Map<string, Value>([
	['numpy.newaxis', { k: 'none' }],
	// Python 2/3 compatibility aliases of the builtins (`from six.moves import range`): on Python 3
	// each is the builtin (the `builtins` module itself: libraryValue).
	...[
		['six.moves.range', 'range'],
		['six.moves.xrange', 'range'],
		['six.moves.zip', 'zip'],
		['six.moves.map', 'map'],
		['six.moves.filter', 'filter'],
		['six.moves.input', 'input'],
	].map(([path, name]): [string, Value] => [path, { k: 'builtin', name }]),
	...[...REGEX_FLAGS].map(([path, v]): [string, Value] => [path, { k: 'num', v }]),
	...Object.entries({
		ascii_lowercase: 'abcdefghijklmnopqrstuvwxyz',
		ascii_uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
		ascii_letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
		digits: '0123456789',
		hexdigits: '0123456789abcdefABCDEF',
		octdigits: '01234567',
		punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
		whitespace: ' \t\n\r\x0b\x0c',
		printable:
			'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ \t\n\r\x0b\x0c',
	}).map(([k, v]): [string, Value] => [`string.${k}`, { k: 'str', v }]),
]);

export function libraryValue(path: string): Value {
	const c = MATH_CONSTANTS.get(path);
	if (c !== undefined) {
		return { k: 'num', v: c, float: true };
	}
	const constant = LIBRARY_CONSTANTS.get(path);
	if (constant) {
		return constant;
	}
	// `builtins.len` is the builtin the bare name finds (expressions.ts lookup).
	const builtin = /^builtins\.(\w+)$/.exec(path)?.[1];
	if (builtin && (BUILTINS.has(builtin) || TRUSTED_BUILTINS.has(builtin))) {
		return { k: 'builtin', name: builtin };
	}
	// A re-exported module under the helper's name is the module (`torch_snippets.nn.Module`).
	const second = path.indexOf('.', path.indexOf('.') + 1);
	const head = second < 0 ? path : path.slice(0, second);
	const target = REEXPORTS.get(head);
	return { k: 'ref', path: target ? target + path.slice(head.length) : path };
}

/**
 * The sum, product, max or min of a list or tuple of Python ints (at least one), exactly; undefined
 * for any other value, or a result past 2^53.
 */
export function reduceInts(
	op: 'sum' | 'prod' | 'max' | 'min',
	list: Value | undefined,
): number | undefined {
	const items = list?.k === 'list' || list?.k === 'tuple' ? list.items : undefined;
	if (
		!items ||
		items.length === 0 ||
		!items.every((x) => x.k === 'num' && x.float !== true && Number.isSafeInteger(x.v))
	) {
		return undefined;
	}
	const vs = items.map((x) => (x as { v: number }).v);
	const v =
		op === 'sum'
			? vs.reduce((a, b) => a + b, 0)
			: op === 'prod'
				? vs.reduce((a, b) => a * b, 1)
				: op === 'max'
					? Math.max(...vs)
					: Math.min(...vs);
	return Number.isSafeInteger(v) ? v : undefined;
}
