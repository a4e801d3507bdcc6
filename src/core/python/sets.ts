// Python's sets (`set(words)`, `{a, b}`, `{w for w in xs}`): what is in them is exact, the order they
// iterate in is not. CPython iterates a set in the order of its hash table, and a str's hash changes
// from run to run (PYTHONHASHSEED), so `list(set(words))[0]` is a different word in each run.
// NormLens keeps the elements, answers what does not depend on the order (`len`, `in`, `sorted`,
// union and difference, `min` / `max`), and gives each item of an iteration as an unknown that says
// so, but still knows which set and which slot it came from: a whole iteration of one set, reordered
// (`sorted(list(set(text)))`), is that set's elements again.
import type { TextRange } from '../../protocol/analysis';
import type { CallArgs, CallContext, Runtime } from './contract';
import { Cause, causeOf, FrameworkObject, NONE, num, SetElement, unknown, Value } from './values';
import { dictKey } from './dictKeys';

/** A Python `set` or `frozenset` NormLens holds: its elements by their dict key, in insertion order. */
export class PySet implements FrameworkObject {
	readonly framework = 'python';
	readonly kind = 'set';
	taint?: Cause;
	unknownCause?: Cause;
	/** Bumped by every change: an iteration before it and one after it may be in different orders. */
	version = 0;

	constructor(
		readonly items: Map<string, Value>,
		readonly frozen: boolean,
		/** Why its iteration order is unknown, at the set's making. */
		readonly orderCause: Cause,
	) {}

	/** Changes the set in place (`update`, `|=`, `clear`): a later iteration may be in another order. */
	replace(items: Map<string, Value>): void {
		// A copy first: `s.update()` with nothing to add combines to the set's own map.
		const next = new Map(items);
		this.items.clear();
		next.forEach((v, k) => this.items.set(k, v));
		this.version++;
	}

	/** The elements as an iteration gives them: exact for 0 or 1 of them, else unknown each. */
	iteration(): Value[] {
		const values = [...this.items.values()];
		if (values.length <= 1) {
			return values;
		}
		return values.map((_, slot): Value => ({
			k: 'unknown',
			cause: this.orderCause,
			elem: { set: this, version: this.version, slot },
		}));
	}
}

/** Why a set's order is unknown, said where it is made. */
function orderCause(range: TextRange): Cause {
	return {
		reason: "a set iterates in its hash table's order, which for strings changes from run to run (PYTHONHASHSEED): NormLens does not follow it; `sorted(…)` gives a fixed order",
		range,
	};
}

/**
 * A set of `values` (`set(xs)`, `{a, b}`), or unknown: an element NormLens cannot hash (an unknown,
 * a list, an object) makes the whole set unknown, as its size then is.
 */
export function makeSet(values: Value[], range: TextRange, frozen = false): Value {
	const whole = wholeSet(values) ?? values;
	const items = new Map<string, Value>();
	for (const v of whole) {
		const key = dictKey(v);
		if (key === undefined) {
			return unknown(
				causeOf(v) ?? {
					reason: 'NormLens cannot tell which elements this set holds',
					range,
				},
			);
		}
		if (!items.has(key)) {
			items.set(key, v);
		}
	}
	return { k: 'obj', obj: new PySet(items, frozen, orderCause(range)) };
}

/**
 * The elements of one set when `items` are all of one iteration of it, in any order (`sorted(…)`,
 * `set(…)`, `min` / `max` of them do not depend on it), as the set holds them; else undefined.
 */
export function wholeSet(items: readonly Value[]): Value[] | undefined {
	const first = items[0];
	const of = first?.k === 'unknown' ? first.elem : undefined;
	if (!of || of.version !== of.set.version || of.set.taint) {
		return undefined;
	}
	const values = [...of.set.items.values()];
	const seen = new Set<number>();
	for (const x of items) {
		const e: SetElement | undefined = x.k === 'unknown' ? x.elem : undefined;
		if (!e || e.set !== of.set || e.version !== of.version || seen.has(e.slot)) {
			return undefined;
		}
		seen.add(e.slot);
	}
	return seen.size === values.length ? values : undefined;
}

function asSet(v: Value | undefined): PySet | undefined {
	return v?.k === 'obj' && v.obj instanceof PySet ? v.obj : undefined;
}

/** Another operand's elements as a set (`s.union(list)` takes any iterable), or undefined. */
function elementsOf(v: Value | undefined, ctx: CallContext): Map<string, Value> | undefined {
	const s = asSet(v);
	if (s) {
		return s.taint ? undefined : s.items;
	}
	const items = v ? ctx.iterate(v) : undefined;
	if (!items) {
		return undefined;
	}
	const out = new Map<string, Value>();
	for (const x of wholeSet(items) ?? items) {
		const key = dictKey(x);
		if (key === undefined) {
			return undefined;
		}
		out.set(key, x);
	}
	return out;
}

function withItems(s: PySet, items: Map<string, Value>): Value {
	return { k: 'obj', obj: new PySet(items, s.frozen, s.orderCause) };
}

const union = (a: Map<string, Value>, b: Map<string, Value>) => new Map([...a, ...b]);
const intersection = (a: Map<string, Value>, b: Map<string, Value>) =>
	new Map([...a].filter(([k]) => b.has(k)));
const difference = (a: Map<string, Value>, b: Map<string, Value>) =>
	new Map([...a].filter(([k]) => !b.has(k)));
const symmetric = (a: Map<string, Value>, b: Map<string, Value>) =>
	union(difference(a, b), difference(b, a));
const subset = (a: Map<string, Value>, b: Map<string, Value>) =>
	[...a.keys()].every((k) => b.has(k));

/** The set algebra, by operator and by method name. */
type Combine = (a: Map<string, Value>, b: Map<string, Value>) => Map<string, Value>;
const COMBINE: Partial<Record<string, Combine>> = {
	'|': union,
	'&': intersection,
	'-': difference,
	'^': symmetric,
	union,
	intersection,
	difference,
	symmetric_difference: symmetric,
};

const COMPARE: Partial<Record<string, (a: Map<string, Value>, b: Map<string, Value>) => boolean>> =
	{
		'==': (a, b) => a.size === b.size && subset(a, b),
		'!=': (a, b) => a.size !== b.size || !subset(a, b),
		'<=': subset,
		'<': (a, b) => a.size < b.size && subset(a, b),
		'>=': (a, b) => subset(b, a),
		'>': (a, b) => b.size < a.size && subset(b, a),
		issubset: subset,
		issuperset: (a, b) => subset(b, a),
		isdisjoint: (a, b) => intersection(a, b).size === 0,
	};

/** The methods that change a set in place, as the combination they make of it and their argument. */
const IN_PLACE: Partial<Record<string, Combine>> = {
	update: union,
	intersection_update: intersection,
	difference_update: difference,
	symmetric_difference_update: symmetric,
};

function setMethod(s: PySet, name: string, args: CallArgs, ctx: CallContext): Value | undefined {
	const a = args.positional;
	if (s.taint) {
		return undefined;
	}
	switch (name) {
		case '__len__':
			return num(s.items.size);
		case '__iter__':
			return { k: 'list', items: s.iteration() };
		case '__contains__': {
			const key = dictKey(a[0]);
			return key === undefined ? undefined : { k: 'bool', v: s.items.has(key) };
		}
		case 'copy':
			return withItems(s, new Map(s.items));
	}
	const combine = COMBINE[name];
	const compare = COMPARE[name];
	const inPlace = s.frozen ? undefined : IN_PLACE[name];
	if (combine || compare || inPlace) {
		const others = a.map((v) => elementsOf(v, ctx));
		if (others.some((o) => o === undefined) || (compare && others.length !== 1)) {
			return undefined;
		}
		const maps = others as Map<string, Value>[];
		if (compare) {
			return { k: 'bool', v: compare(s.items, maps[0]) };
		}
		const step = (combine ?? inPlace) as Combine;
		const result = maps.reduce((acc, o) => step(acc, o), s.items);
		if (combine) {
			return withItems(s, result);
		}
		s.replace(result);
		return NONE;
	}
	if (s.frozen) {
		return undefined;
	}
	if (name === 'add' || name === 'discard' || name === 'remove') {
		const key = dictKey(a[0]);
		if (key === undefined || (name === 'remove' && !s.items.has(key))) {
			// An unknown element, or remove's KeyError: the set is no longer known.
			return undefined;
		}
		if (name === 'add') {
			s.items.set(key, a[0]);
		} else {
			s.items.delete(key);
		}
		s.version++;
		return NONE;
	}
	if (name === 'clear') {
		s.replace(new Map());
		return NONE;
	}
	return undefined;
}

/** The sets' runtime: their methods and operators; every other hook is not theirs. */
export const setRuntime: Runtime = {
	callRef: () => undefined,
	callObject: () => undefined,
	getAttr: () => undefined,
	callMethod(obj, name, args, ctx) {
		return obj instanceof PySet ? setMethod(obj, name, args, ctx) : undefined;
	},
	inPlaceOp(op, a, b) {
		// `s |= t` changes s itself, as Python's set does (another name bound to it sees it).
		const s = asSet(a);
		const other = asSet(b);
		// `|=`, `&=`, `-=`, `^=` (their operator is the one `|` … combines with).
		const inPlace = COMBINE[op];
		if (!s || s.frozen || !other || !inPlace) {
			return undefined;
		}
		if (s.taint || other.taint) {
			return undefined;
		}
		s.replace(inPlace(s.items, other.items));
		return a;
	},
	binaryOp(op, a, b) {
		if (op === 'in' || op === 'not in') {
			const s = asSet(b);
			const own = a.k === 'unknown' ? a.elem : undefined;
			if (s && !s.taint && own?.set === s && own.version === s.version) {
				// An item of this very set's iteration (`w in s` for `w` in `s`).
				return { k: 'bool', v: op === 'in' };
			}
			const key = dictKey(a);
			if (!s || s.taint || key === undefined) {
				return s ? unknown(s.taint ?? causeOf(a)) : undefined;
			}
			return { k: 'bool', v: s.items.has(key) === (op === 'in') };
		}
		const [x, y] = [asSet(a), asSet(b)];
		if (!x || !y) {
			return undefined;
		}
		if (x.taint || y.taint) {
			return unknown(x.taint ?? y.taint);
		}
		const combine = COMBINE[op];
		if (combine) {
			return withItems(x, combine(x.items, y.items));
		}
		const compare = COMPARE[op];
		return compare ? { k: 'bool', v: compare(x.items, y.items) } : undefined;
	},
};
