// Python's operators and built-in methods on plain values (numbers, strings, tuples, lists, dicts):
// exact where Python's result is, unknown where it is not — never a rounded or guessed value.
import { roundFloat } from './pythonExact';
import { sequenceBound, StopInterpretation } from './contract';
import { asNumber, asSequence, float, isFloat, num, pyNumber, UNKNOWN, Value } from './values';
import { dictKey } from './dictKeys';

/** Python's integer operators on exact integers (BigInt), so that `1 << 32` is 4294967296, not 1. */
export const INTEGER_OPS: Record<string, (a: bigint, b: bigint) => bigint | undefined> = {
	'<<': (a, b) => (b < 0n || b > 4096n ? undefined : a << b),
	'>>': (a, b) => (b < 0n ? undefined : a >> b),
	'&': (a, b) => a & b,
	'|': (a, b) => a | b,
	'^': (a, b) => a ^ b,
};

export const BINARY_OPS: Record<string, (a: number, b: number) => number | undefined> = {
	'+': (a, b) => a + b,
	'-': (a, b) => a - b,
	'*': (a, b) => a * b,
	'/': (a, b) => (b === 0 ? undefined : a / b),
	'//': (a, b) => (b === 0 ? undefined : Math.floor(a / b)),
	'%': (a, b) => (b === 0 ? undefined : a - b * Math.floor(a / b)),
	'**': (a, b) => a ** b,
};

/** Longest string the interpreter builds (names and messages are short; a runaway `s = s + s` is not). */
export const MAX_STRING = 1_000_000;

export const COMPARE_OPS: Record<string, (a: number, b: number) => boolean> = {
	'==': (a, b) => a === b,
	'!=': (a, b) => a !== b,
	'<': (a, b) => a < b,
	'<=': (a, b) => a <= b,
	'>': (a, b) => a > b,
	'>=': (a, b) => a >= b,
};

/**
 * Interprets the model-building subset of Python over Lezer's tree: imports, assignments,
 * arithmetic, containers, calls, user functions, `for`/`if`/`while` where decidable. It never runs
 * anything outside that subset, is bounded in steps and time, and never throws to its caller.
 */

const PY_WHITESPACE = ' \t\n\r\v\f';

/**
 * str methods as Python computes them, for ASCII text and the argument forms listed; anything
 * else is `undefined` (unknown), never an approximation. Freezing code reads parameter names
 * with these (`if not name.startswith("fc")`).
 */
export function strMethod(v: string, name: string, a: Value[]): Value | undefined {
	const str = (x: Value | undefined) => (x?.k === 'str' ? x.v : undefined);
	const strs = (x: Value | undefined): string[] | undefined =>
		x?.k === 'str'
			? [x.v]
			: x?.k === 'tuple' && x.items.every((i) => i.k === 'str')
				? x.items.map((i) => (i as { v: string }).v)
				: undefined;
	if ([...v].some((ch) => ch.charCodeAt(0) > 0x7f)) {
		return undefined;
	}
	const bool = (b: boolean): Value => ({ k: 'bool', v: b });
	const strip = (chars: string, left: boolean, right: boolean) => {
		let i = 0;
		let j = v.length;
		while (left && i < j && chars.includes(v[i])) {
			i++;
		}
		while (right && j > i && chars.includes(v[j - 1])) {
			j--;
		}
		return { k: 'str', v: v.slice(i, j) } as Value;
	};
	switch (name) {
		case 'startswith':
		case 'endswith': {
			const options = a.length === 1 ? strs(a[0]) : undefined;
			return (
				options &&
				bool(options.some((o) => (name === 'startswith' ? v.startsWith(o) : v.endsWith(o))))
			);
		}
		case 'strip':
		case 'lstrip':
		case 'rstrip': {
			const chars = a.length === 0 || a[0].k === 'none' ? PY_WHITESPACE : str(a[0]);
			return chars === undefined || a.length > 1
				? undefined
				: strip(chars, name !== 'rstrip', name !== 'lstrip');
		}
		case 'split': {
			if (a.length > 1) {
				return undefined;
			}
			const sep = a.length === 0 || a[0].k === 'none' ? null : str(a[0]);
			if (sep === undefined || sep === '') {
				return undefined;
			}
			const parts =
				sep === null ? v.split(/[ \t\n\r\v\f]+/).filter((x) => x !== '') : v.split(sep);
			return { k: 'list', items: parts.map((x) => ({ k: 'str', v: x }) as Value) };
		}
		case 'replace': {
			const [from, to] = [str(a[0]), str(a[1])];
			return a.length === 2 && from !== undefined && from !== '' && to !== undefined
				? { k: 'str', v: v.split(from).join(to) }
				: undefined;
		}
		case 'find':
		case 'rfind':
		case 'index':
		case 'rindex': {
			// `index` of what is not there raises ValueError (ASCII text: a unit is a character).
			const sub = a.length === 1 ? str(a[0]) : undefined;
			if (sub === undefined) {
				return undefined;
			}
			const at = name.startsWith('r') ? v.lastIndexOf(sub) : v.indexOf(sub);
			if (at < 0) {
				return name.endsWith('index') ? undefined : { k: 'num', v: -1 };
			}
			return { k: 'num', v: at };
		}
		case 'count': {
			const sub = a.length === 1 ? str(a[0]) : undefined;
			return sub !== undefined && sub !== ''
				? { k: 'num', v: v.split(sub).length - 1 }
				: undefined;
		}
		case 'isdigit':
			return a.length === 0 ? bool(/^[0-9]+$/.test(v)) : undefined;
		// `model_type.lower().capitalize()` building a class name (disentangling-vae).
		case 'capitalize':
			return a.length === 0
				? { k: 'str', v: v.slice(0, 1).toUpperCase() + v.slice(1).toLowerCase() }
				: undefined;
		case 'title':
			return a.length === 0
				? {
						k: 'str',
						v: v.replace(
							/[A-Za-z]+/g,
							(w) => w.slice(0, 1).toUpperCase() + w.slice(1).toLowerCase(),
						),
					}
				: undefined;
		case 'join': {
			const items =
				a.length === 1 && (a[0].k === 'list' || a[0].k === 'tuple')
					? a[0].items
					: undefined;
			return items?.every((i) => i.k === 'str')
				? { k: 'str', v: items.map((i) => (i as { v: string }).v).join(v) }
				: undefined;
		}
	}
	return undefined;
}

/** A value under a format spec NormLens knows (`{i:02d}`, `{i:3}`, `{s:>8}`, `{x:.2f}`); undefined otherwise. */
export function formatSpec(v: Value, spec: string): string | undefined {
	const m = /^([<>^]?)(0?)(\d*)(?:\.(\d+))?([dsfx]?)$/.exec(spec);
	if (!m) {
		return undefined;
	}
	const [, align, zero, width, precision, type] = m;
	let text: string;
	// `{:d}` takes ints only (a float raises ValueError).
	if (v.k === 'num' && (type === 'd' || type === 'x') && Number.isInteger(v.v) && !isFloat(v)) {
		text = type === 'x' ? v.v.toString(16) : String(v.v);
	} else if (v.k === 'num' && type === 'f') {
		text = pyFixed(v.v, precision ? Number(precision) : 6);
	} else if (v.k === 'num' && type === '' && precision === undefined) {
		text = pyNumber(v);
	} else if (v.k === 'str' && (type === 's' || type === '') && precision === undefined) {
		text = v.v;
	} else {
		return undefined;
	}
	const w = width ? Number(width) : 0;
	if (text.length >= w) {
		return text;
	}
	if (zero && v.k === 'num') {
		return text.startsWith('-')
			? `-${text.slice(1).padStart(w - 1, '0')}`
			: text.padStart(w, '0');
	}
	const right = align === '>' || (align === '' && v.k === 'num');
	return align === '^'
		? text.padStart(Math.floor((w + text.length) / 2)).padEnd(w)
		: right
			? text.padStart(w)
			: text.padEnd(w);
}

/**
 * `x` with `places` decimals as Python prints it (`'%.0f' % 2.5` is `'2'`): rounded half to even
 * on its exact binary value, where JavaScript's toFixed rounds half away from zero; the sign of a
 * negative value that rounds to zero kept (`'-0'`).
 */
export function pyFixed(x: number, places: number): string {
	if (!Number.isFinite(x)) {
		return pyNumber({ k: 'num', v: x, float: true });
	}
	if (places > 20) {
		return x.toFixed(places);
	}
	const text = roundFloat(x, places).toFixed(places);
	return (x < 0 || Object.is(x, -0)) && !text.startsWith('-') ? `-${text}` : text;
}

/** `"%s_%d" % (a, b)`: printf-style formatting of strings and numbers; unknown for anything else. */
export function percentFormat(format: string, arg: Value): Value {
	const values = arg.k === 'tuple' ? arg.items : [arg];
	let i = 0;
	let ok = true;
	const out = format.replace(
		/%(?:\((\w+)\))?([-+ 0#]*)(\d*)(?:\.(\d+))?([a-zA-Z%])/g,
		(
			_m,
			key: string | undefined,
			flags: string,
			width: string,
			precision: string | undefined,
			conv: string,
		) => {
			if (conv === '%') {
				return '%';
			}
			const v =
				key !== undefined
					? arg.k === 'dict'
						? arg.entries.get(key)
						: undefined
					: values[i++];
			const n = asNumber(v);
			let text: string | undefined;
			if (conv === 's' || conv === 'r') {
				text =
					v?.k === 'str'
						? conv === 'r'
							? `'${v.v}'`
							: v.v
						: n !== undefined && v?.k === 'num'
							? pyNumber(v)
							: v?.k === 'bool'
								? v.v
									? 'True'
									: 'False'
								: undefined;
			} else if ((conv === 'd' || conv === 'i') && n !== undefined) {
				text = String(Math.trunc(n));
			} else if (conv === 'f' && n !== undefined) {
				text = pyFixed(n, precision === undefined ? 6 : Number(precision));
			} else if (conv === 'x' && n !== undefined && Number.isInteger(n)) {
				text = n.toString(16);
			}
			if (text === undefined) {
				ok = false;
				return '';
			}
			const w = Number(width || 0);
			return text.length >= w
				? text
				: flags.includes('-')
					? text.padEnd(w)
					: text.padStart(w, flags.includes('0') && conv !== 's' ? '0' : ' ');
		},
	);
	return ok && i === (arg.k === 'tuple' ? values.length : i) ? { k: 'str', v: out } : UNKNOWN;
}

/** The positions of `arr` a slice key picks (`del xs[1:3]`); undefined for another key or a bound not known. */
export function sliceIndices(arr: readonly unknown[], key: Value): Set<number> | undefined {
	if (key.k !== 'slice' || key.start === null || key.stop === null || key.step === null) {
		return undefined;
	}
	const picked = pySlice(
		arr.map((_, i) => i),
		key.start,
		key.stop,
		key.step ?? 1,
	);
	return picked && new Set(picked);
}

export function pySlice<T>(
	arr: T[],
	start: number | undefined,
	stop: number | undefined,
	step: number,
): T[] | undefined {
	if (step === 0) {
		return undefined;
	}
	const n = arr.length;
	const norm = (i: number) => (i < 0 ? Math.max(0, n + i) : Math.min(n, i));
	const out: T[] = [];
	if (step > 0) {
		for (
			let i = start === undefined ? 0 : norm(start);
			i < (stop === undefined ? n : norm(stop));
			i += step
		) {
			out.push(arr[i]);
		}
	} else {
		// Python clamps each bound to [-1, n - 1] going down (`xs[-9::-1]` of three items is empty).
		const down = (i: number) => (i < 0 ? Math.max(-1, n + i) : Math.min(i, n - 1));
		const s = start === undefined ? n - 1 : down(start);
		const e = stop === undefined ? -1 : down(stop);
		for (let i = s; i > e; i += step) {
			out.push(arr[i]);
		}
	}
	return out;
}

/** Two sequences item by item (false at the first item that differs, or a length). */
function equalItems(sa: readonly Value[], sb: readonly Value[]): boolean | undefined {
	if (sa.length !== sb.length) {
		return false;
	}
	let all: boolean | undefined = true;
	for (let i = 0; i < sa.length; i++) {
		const e = equal(sa[i], sb[i]);
		if (e === false) {
			return false;
		}
		if (e === undefined) {
			all = undefined;
		}
	}
	return all;
}

/** Which of Python's sequence types a tuple or list value is, for `==`. */
function sequenceClass(v: Value): string {
	return v.k === 'list' ? (v.iterator ? 'iterator' : v.range ? 'range' : 'list') : v.k;
}

export function equal(a: Value, b: Value): boolean | undefined {
	if (a.k === 'unknown' || b.k === 'unknown') {
		return undefined;
	}
	if (a.k === 'ref' || b.k === 'ref') {
		// Attributes of imported modules: the same path is the same object; torch.nn's module classes
		// of different names are different classes (`act is nn.ReLU` with act = nn.GELU); anything
		// else is not known.
		if (a.k !== 'ref' || b.k !== 'ref') {
			// A Python builtin (`type`, `int`) is none of these libraries' objects (numpy's old
			// `np.int` aliases are why not every library is taken).
			const other = a.k === 'ref' ? b : a;
			const ref = a.k === 'ref' ? a : b;
			return other.k === 'builtin' &&
				ref.k === 'ref' &&
				/^(?:functools|torch|tensorflow|keras)\./.test(ref.path)
				? false
				: undefined;
		}
		const nnClass = (p: string) => /^torch\.nn\.(?:[a-z_]+\.)*([A-Z]\w*)$/.exec(p)?.[1];
		const [ca, cb] = [nnClass(a.path), nnClass(b.path)];
		return a.path === b.path ? true : ca && cb && ca !== cb ? false : undefined;
	}
	const x = asNumber(a);
	const y = asNumber(b);
	if (x !== undefined && y !== undefined) {
		return x === y;
	}
	if (a.k === 'str' && b.k === 'str') {
		return a.v === b.v;
	}
	if (a.k === 'none' || b.k === 'none') {
		return a.k === b.k;
	}
	const sa = asSequence(a);
	const sb = asSequence(b);
	if (sa && sb) {
		// A tuple (torch.Size, a named tuple), a list and a range never equal each other in Python.
		const [ca, cb] = [sequenceClass(a), sequenceClass(b)];
		if (ca !== cb) {
			const tensorShape = (v: Value) => v.k === 'tuple' && v.tensorShape === true;
			// A Keras tensor's shape against a list: equal in TensorFlow, not in Keras 3.
			if ((tensorShape(a) && cb === 'list') || (tensorShape(b) && ca === 'list')) {
				const same = equalItems(sa, sb);
				return same === false ? false : undefined;
			}
			return false;
		}
		return equalItems(sa, sb);
	}
	if (a.k === 'obj' && b.k === 'obj') {
		return a.obj === b.obj;
	}
	if (a.k === 'class' && b.k === 'class') {
		// Classes compare by identity (`block == BasicBlock`).
		return a.cls === b.cls;
	}
	if (a.k === 'builtin' && b.k === 'builtin') {
		// Builtin classes and functions by name (`type(size) == list`).
		return a.name === b.name;
	}
	return a.k !== b.k ? false : undefined;
}

/**
 * Python's `a is b`, where CPython decides it: None, True, False and `...` are singletons; small
 * ints (-5…256) are cached; values of different types or unequal values are never the same
 * object; a module or an instance is itself; two literals of one text CPython interns are one
 * object. Other equal strings, floats, large ints and containers may or may not be one object
 * (interning, constant folding): unknown. So is a tensor, which
 * NormLens may hold in two wrappers (a parameter passed to a module becomes a tensor of its shape).
 */
export function identical(a: Value, b: Value): boolean | undefined {
	if (a.k === 'unknown' || b.k === 'unknown') {
		return undefined;
	}
	if (a.k === 'none' || b.k === 'none') {
		// An imported name is an object, not None (`norm_layer is None` with norm_layer = nn.BatchNorm2d).
		return a.k === b.k;
	}
	if (a.k === 'ref' || b.k === 'ref') {
		// Names reached through imports: equal() reads them as objects (`act is nn.ReLU`).
		return equal(a, b);
	}
	if (a === b) {
		return true;
	}
	if (a.k !== b.k) {
		return false;
	}
	switch (a.k) {
		case 'ellipsis':
			return true;
		case 'bool':
			return a.v === (b as typeof a).v;
		case 'num': {
			const y = b as typeof a;
			if (a.v !== y.v || Boolean(a.float) !== Boolean(y.float)) {
				return false;
			}
			return !a.float && Number.isInteger(a.v) && a.v >= -5 && a.v <= 256 ? true : undefined;
		}
		case 'str':
			// Two literals of one text CPython interns are one object (`block_type is 'proj'` with
			// 'proj' passed in, Cadene's DPN); a string built at run time may be another.
			return a.v !== (b as typeof a).v
				? false
				: a.interned && (b as typeof a).interned
					? true
					: undefined;
		case 'tuple':
		case 'list':
		case 'dict':
			return equal(a, b) === false ? false : undefined;
		case 'obj': {
			const y = (b as typeof a).obj;
			if (a.obj === y) {
				return true;
			}
			const tensorLike = (k: string) => k === 'tensor' || k === 'param' || k === 'variable';
			return tensorLike(a.obj.kind) || tensorLike(y.kind) ? undefined : false;
		}
		case 'instance':
			return a.inst === (b as typeof a).inst;
		case 'class':
			return a.cls === (b as typeof a).cls;
		case 'builtin':
			return a.name === (b as typeof a).name;
		default:
			return undefined;
	}
}

/**
 * `a op b` on plain values: membership, identity and equality, arithmetic (integers exactly, with
 * BigInt), comparisons, sequence concatenation and repetition (bounded by `maxSequence`), string
 * `%` formatting. Unknown where an operand is.
 */
export function plainBinary(op: string, a: Value, b: Value, maxSequence: number): Value {
	if (op === 'in' || op === 'not in') {
		if (a.k === 'str' && b.k === 'str') {
			return { k: 'bool', v: op === 'in' ? b.v.includes(a.v) : !b.v.includes(a.v) };
		}
		const items = asSequence(b);
		if (!items || a.k === 'unknown') {
			if (b.k === 'dict' && dictKey(a) !== undefined) {
				const has = b.entries.has(dictKey(a) as string);
				return { k: 'bool', v: op === 'in' ? has : !has };
			}
			return UNKNOWN;
		}
		// Python's `in` is true at the first equal item; an item NormLens cannot compare leaves the
		// answer unknown unless a later one is known to be equal.
		const eqs = items.map((x) => equal(x, a));
		const has = eqs.includes(true) ? true : eqs.includes(undefined) ? undefined : false;
		return has === undefined ? UNKNOWN : { k: 'bool', v: op === 'in' ? has : !has };
	}
	if (op === 'is' || op === 'is not' || op === '==' || op === '!=') {
		const eq = op === 'is' || op === 'is not' ? identical(a, b) : equal(a, b);
		if (eq === undefined) {
			return UNKNOWN;
		}
		return { k: 'bool', v: op === 'is' || op === '==' ? eq : !eq };
	}
	const x = asNumber(a);
	const y = asNumber(b);
	if (x !== undefined && y !== undefined) {
		const cmp = COMPARE_OPS[op];
		if (cmp) {
			return { k: 'bool', v: cmp(x, y) };
		}
		const intOp = INTEGER_OPS[op];
		if (intOp) {
			// Python's bitwise operators take ints only (a float raises TypeError).
			if (isFloat(a) || isFloat(b) || !Number.isSafeInteger(x) || !Number.isSafeInteger(y)) {
				return UNKNOWN;
			}
			const r = intOp(BigInt(x), BigInt(y));
			return r === undefined ||
				r > BigInt(Number.MAX_SAFE_INTEGER) ||
				r < -BigInt(Number.MAX_SAFE_INTEGER)
				? UNKNOWN
				: num(Number(r));
		}
		const f = BINARY_OPS[op];
		const r = f ? f(x, y) : undefined;
		// An integer result beyond 2^53 would be a rounded float shown as exact: unknown instead.
		const exact =
			r !== undefined &&
			Number.isFinite(r) &&
			(!Number.isInteger(x) ||
				!Number.isInteger(y) ||
				op === '/' ||
				Math.abs(r) <= Number.MAX_SAFE_INTEGER);
		// Python's types: `/` always makes a float, and so does any arithmetic on a float, or an
		// int to a negative power (`2 ** -1`); `//`, `%`, `+`, `-`, `*` on ints stay ints.
		const toFloat = op === '/' || isFloat(a) || isFloat(b) || (op === '**' && y < 0);
		return exact ? (toFloat ? float(r) : num(r)) : UNKNOWN;
	}
	if (op === '|' && a.k === 'dict' && b.k === 'dict' && !a.cls && !b.cls) {
		// `{**a} | b` (Python 3.9): a new dict, b's values over a's.
		return {
			k: 'dict',
			entries: new Map([...a.entries, ...b.entries]),
			cause: a.cause ?? b.cause,
		};
	}
	if (op === '+') {
		if (a.k === 'str' && b.k === 'str') {
			return a.v.length + b.v.length > MAX_STRING ? UNKNOWN : { k: 'str', v: a.v + b.v };
		}
		if ((a.k === 'tuple' || a.k === 'list') && a.k === b.k) {
			if (a.items.length + b.items.length > maxSequence) {
				throw new StopInterpretation(sequenceBound(maxSequence));
			}
			return { k: a.k, items: [...a.items, ...b.items], cause: a.cause ?? b.cause };
		}
	}
	if (op === '*') {
		const [seq, times] = asSequence(a) ? [a, y] : [b, x];
		if (
			(seq.k === 'tuple' || seq.k === 'list') &&
			times !== undefined &&
			Number.isInteger(times) &&
			!isFloat(asSequence(a) ? b : a)
		) {
			if (seq.items.length * times > maxSequence) {
				throw new StopInterpretation(sequenceBound(maxSequence));
			}
			const items: Value[] = [];
			for (let i = 0; i < times; i++) {
				items.push(...seq.items);
			}
			return { k: seq.k, items };
		}
		if (a.k === 'str' && y !== undefined && Number.isInteger(y) && !isFloat(b)) {
			return a.v.length * Math.max(0, y) > MAX_STRING
				? UNKNOWN
				: { k: 'str', v: a.v.repeat(Math.max(0, y)) };
		}
	}
	if (op === '%' && a.k === 'str') {
		return percentFormat(a.v, b);
	}
	return UNKNOWN;
}
