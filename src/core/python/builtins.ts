// Python's builtins (`range`, `len`, `zip`, `isinstance`, …): exact on known values, else unknown with a cause.
import { isCallable } from './callable';
import { rangeBounds } from './rangeArgs';
import type { CallArgs } from './contract';
import {
	asInt,
	asNumber,
	asSequence,
	readByPosition,
	causeOf,
	findMethod,
	firstCause,
	float,
	isFloat,
	isLiveIterator,
	NONE,
	num,
	numLike,
	pyNumber,
	setClassAttr,
	truthy,
	tuple,
	unknown,
	UNKNOWN,
	Value,
} from './values';
import { dictKey } from './dictKeys';
import {
	BuiltinHost,
	conversion,
	fromText,
	hasAttr,
	oneNumber,
	isInstance,
	isSubclass,
	typeOf,
} from './builtinObjects';
import { floatFromText, intFromText, intFromTextInBase } from './literals';
import { powMod, reprText, roundFloat, roundInt } from './pythonExact';
import { minMax, sortedList } from './builtinOrdering';
import { plainBinary } from './operators';
import { NOT_A_MODEL_PART, PLAIN_RESULTS } from './trusted';
import { makeSet } from './sets';
import { setDictInstanceAttr } from './evaluator/dictClasses';

export type { BuiltinHost };

export function callBuiltin(it: BuiltinHost, name: string, args: CallArgs): Value {
	const v = evaluateBuiltin(it, name, args);
	// Every unknown says why: an argument's cause, else the call itself.
	const why =
		v.k === 'unknown' && !v.why && PLAIN_RESULTS.has(name) ? NOT_A_MODEL_PART : undefined;
	return v.k === 'unknown' && (!v.cause || why)
		? {
				...v,
				...(why ? { why } : {}),
				// `float(x.max())`: one Python float, whatever its value (an array ÷ it keeps its shape).
				...(name === 'float' && oneNumber(args.positional[0]) && { scalar: true as const }),
				cause: v.cause ??
					firstCause([...args.positional, ...args.keywords.values()]) ?? {
						reason: `NormLens cannot evaluate \`${it.snippet(args.node)}\``,
						range: it.here(args.node),
					},
			}
		: v;
}

function evaluateBuiltin(it: BuiltinHost, name: string, args: CallArgs): Value {
	const a = args.positional;
	switch (name) {
		case 'range': {
			const bad = a.find(isFloat);
			if (bad?.k === 'num') {
				return unknown({
					reason: `range() gets the float ${pyNumber(bad)}: Python raises TypeError here (use \`//\` or \`int(…)\`)`,
					range: it.here(args.node),
				});
			}
			const bounds = rangeBounds(a);
			if (!bounds) {
				return UNKNOWN;
			}
			const { start, stop, step } = bounds;
			const count = Math.max(0, Math.ceil((stop - start) / step));
			if (count > it.limits.maxSequence) {
				// Too long to hold (`tqdm(range(200000))` in a data loader): unknown, so that a loop
				// over it is cut for this reason and the models after it are still read.
				return unknown({
					reason: `\`${it.snippet(args.node)}\` has ${count.toLocaleString('en-US')} items, more than NormLens holds (${it.limits.maxSequence.toLocaleString('en-US')})`,
					range: it.here(args.node),
				});
			}
			const items: Value[] = [];
			for (let i = 0; i < count; i++) {
				items.push(num(start + i * step));
			}
			return { k: 'list', items, range: true };
		}
		case 'len': {
			// A framework's sized object (a NumPy array of data) says its own length.
			// An instance of a source class: its own `__len__` (CS224n's VocabEntry: `len(self.word2id)`).
			const sized =
				a[0]?.k === 'obj'
					? conversion(it, a[0].obj, '__len__', args)
					: a[0]?.k === 'instance' && findMethod(a[0].inst.cls, '__len__')
						? it.call(it.getAttr(a[0], '__len__'), { ...args, positional: [] })
						: UNKNOWN;
			if (sized.k === 'num') {
				return sized;
			}
			if (a[0]?.k === 'list' && a[0].iterator) {
				// `len(zip(a, b))`, `len(model.parameters())`: Python raises TypeError.
				return unknown({
					reason: `\`${it.snippet(args.node)}\` asks an iterator for its length, which Python refuses (TypeError)`,
					range: it.here(args.node),
				});
			}
			const items = a[0] && (asSequence(a[0]) ?? it.iterate(a[0]));
			if (items) {
				return num(items.length);
			}
			return a[0]?.k === 'str'
				? num(a[0].v.length)
				: unknown((a[0] && causeOf(a[0])) ?? causeOf(sized));
		}
		case 'int': {
			const n = asNumber(a[0]);
			if (n !== undefined) {
				return num(Math.trunc(n));
			}
			if (a[0]?.k === 'obj') {
				return conversion(it, a[0].obj, '__int__', args);
			}
			if (a[0]?.k === 'str' && a.length === 1) {
				return fromText(it, intFromText(a[0].v), args);
			}
			const base = a.length === 2 ? asInt(a[1]) : undefined;
			return a[0]?.k === 'str' && base !== undefined
				? fromText(it, intFromTextInBase(a[0].v, base), args)
				: UNKNOWN;
		}
		case 'float': {
			const n = a.length === 0 ? 0 : asNumber(a[0]);
			if (n === undefined && a[0]?.k === 'obj') {
				return conversion(it, a[0].obj, '__float__', args);
			}
			if (n === undefined && a[0]?.k === 'str') {
				const read = fromText(it, floatFromText(a[0].v), args);
				// `-float("inf")` (an attention mask's fill value): a float, unknown here, and never a
				// layer, so a module holding it keeps its counts.
				return read.k === 'unknown'
					? { ...read, why: NOT_A_MODEL_PART, scalar: true }
					: read;
			}
			return n !== undefined ? float(n) : UNKNOWN;
		}
		case 'bool': {
			const t = a[0] ? truthy(a[0]) : false;
			return t === undefined ? UNKNOWN : { k: 'bool', v: t };
		}
		case 'str':
			return a.length === 0
				? { k: 'str', v: '' }
				: a[0]?.k === 'str' && a.length === 1
					? a[0]
					: reprText(a[0], false);
		case 'repr':
		case 'ascii':
			return reprText(a[0], true, name === 'ascii');
		case 'abs': {
			const n = asNumber(a[0]);
			return n !== undefined ? numLike(Math.abs(n), a[0]) : UNKNOWN;
		}
		case 'chr': {
			const n = asInt(a[0]);
			return n !== undefined && n >= 0 && n < 0x110000
				? { k: 'str', v: String.fromCodePoint(n) }
				: UNKNOWN;
		}
		case 'ord': {
			const c = a[0]?.k === 'str' ? [...a[0].v] : undefined;
			return c?.length === 1 ? num(c[0].codePointAt(0) as number) : UNKNOWN;
		}
		case 'round': {
			const n = asNumber(a[0]);
			const ndigits = a[1]?.k === 'none' ? undefined : a[1];
			const d = asInt(ndigits);
			if (n === undefined || (ndigits && d === undefined)) {
				return UNKNOWN;
			}
			if (d === undefined) {
				// round(x) is the int nearest x, half to even (x's exact value decides: 2.5 → 2).
				return num(isFloat(a[0] as Value) ? roundFloat(n, 0) : n);
			}
			// round(x, n) has x's type.
			return isFloat(a[0] as Value) ? float(roundFloat(n, d)) : num(roundInt(n, d));
		}
		case 'map':
		case 'filter': {
			// map(f, xs…) / filter(f, xs): iterators, their items computed where they are made.
			const fn = a[0];
			const rows = a.length > 1 ? zipRows(it, a.slice(1)) : undefined;
			if (!fn || !rows || (name === 'filter' && a.length !== 2)) {
				return unknown(
					firstCause(a) ?? {
						reason: `NormLens cannot evaluate \`${it.snippet(args.node)}\``,
						range: it.here(args.node),
					},
				);
			}
			const out: Value[] = [];
			for (const xs of rows) {
				const r =
					fn.k === 'none'
						? xs[0]
						: it.call(fn, {
								positional: xs,
								keywords: new Map(),
								node: args.node,
							});
				if (name === 'map') {
					out.push(r);
					continue;
				}
				const t = truthy(r);
				if (t === undefined) {
					return unknown(
						causeOf(r) ?? {
							reason: `NormLens cannot tell what \`${it.snippet(args.node)}\` keeps`,
							range: it.here(args.node),
						},
					);
				}
				if (t) {
					out.push(xs[0]);
				}
			}
			return { k: 'list', items: out, iterator: true };
		}
		case 'type':
			return typeOf(it, args);
		case 'min':
		case 'max':
			return minMax(it, name, args);
		case 'sum': {
			const items = a[0] ? it.iterate(a[0]) : undefined;
			if (!items) {
				return unknown(
					causeOf(a[0]) ?? {
						reason: `NormLens cannot list the items \`sum()\` adds`,
						range: it.here(args.node),
					},
				);
			}
			const nums = items.map(asNumber);
			if (nums.some((n) => n === undefined)) {
				// Python's sum: start + items[0] + items[1] + …, with the start 0 unless given
				// (tensors from a comprehension of branches add up with broadcasting).
				return items.reduce(
					(acc, x) => it.binary('+', acc, x, args.node),
					a[1] ?? args.keywords.get('start') ?? num(0),
				);
			}
			const total = (nums as number[]).reduce((s, x) => s + x, asNumber(a[1]) ?? 0);
			const anyFloat = items.some(isFloat) || isFloat(a[1]);
			return anyFloat ? float(total) : num(total);
		}
		case 'iter': {
			const items = a.length === 1 && a[0] ? it.iterate(a[0]) : undefined;
			if (!items && a.length === 1 && a[0]?.k === 'obj') {
				// A framework's own iterator (a DataLoader's batches), which next() asks for one by one.
				const own = conversion(it, a[0].obj, '__iter__', args);
				if (own.k === 'obj') {
					return own;
				}
			}
			return items ? { k: 'list', items: [...items], iterator: true } : UNKNOWN;
		}
		case 'next': {
			// next(it[, default]) on an iterator NormLens holds: its first item, which it consumes.
			const iter = a[0];
			if (iter?.k === 'obj') {
				const item = conversion(it, iter.obj, '__next__', args);
				if (item.k !== 'unknown' || item.cause) {
					return item;
				}
			}
			if (iter?.k !== 'list' || !iter.iterator || iter.cause) {
				return unknown(
					causeOf(iter) ?? {
						reason: `NormLens cannot tell what \`${it.snippet(args.node)}\` returns`,
						range: it.here(args.node),
					},
				);
			}
			return (
				iter.items.shift() ??
				a[1] ??
				unknown({
					reason: `\`${it.snippet(args.node)}\` raises StopIteration here (the iterator is empty)`,
					range: it.here(args.node),
				})
			);
		}
		case 'vars':
			// `vars(args)` of an instance (an argparse.Namespace: `Namespace(**dict(vars(args), k=v))`)
			// is its `__dict__`, the same storage.
			return a.length === 1 && a[0]?.k === 'instance'
				? it.getAttr(a[0], '__dict__')
				: unknown(
						causeOf(a[0]) ?? {
							reason: `NormLens does not evaluate \`${it.snippet(args.node)}\``,
							range: it.here(args.node),
						},
					);
		case 'set':
		case 'frozenset': {
			const items = a.length === 0 ? [] : a[0] ? it.iterate(a[0]) : undefined;
			return items
				? makeSet(items, it.here(args.node), name === 'frozenset')
				: unknown(
						causeOf(a[0]) ?? {
							reason: `NormLens cannot tell the items of \`${it.snippet(args.node)}\``,
							range: it.here(args.node),
						},
					);
		}
		case 'list':
		case 'tuple': {
			const items = a.length === 0 ? [] : a[0] ? it.iterate(a[0]) : undefined;
			return items ? { k: name, items: [...items] } : UNKNOWN;
		}
		case 'dict': {
			// dict(mapping) / dict(pairs), then the keywords over them.
			const entries = new Map<string, Value>();
			const from = a[0];
			if (from?.k === 'dict' && !from.cause) {
				from.entries.forEach((v, k) => entries.set(k, v));
			} else if (from) {
				const pairs = it.iterate(from)?.map((p) => asSequence(p));
				const keys = pairs?.map((p) => (p?.length === 2 ? dictKey(p[0]) : undefined));
				if (!pairs || !keys || keys.some((k) => k === undefined)) {
					return unknown(
						causeOf(from) ?? {
							reason: `NormLens cannot tell the items of \`${it.snippet(args.node)}\``,
							range: it.here(args.node),
						},
					);
				}
				keys.forEach((k, i) => entries.set(k as string, (pairs[i] as Value[])[1]));
			}
			args.keywords.forEach((v, k) => entries.set(k, v));
			return { k: 'dict', entries };
		}
		case 'zip': {
			const rows = zipRows(it, a);
			return rows
				? { k: 'list', items: rows.map((row) => tuple(row)), iterator: true }
				: unknown(firstCause(a));
		}
		case 'enumerate': {
			readByPosition(a[0], it.here(args.node));
			const items = a[0] ? it.iterate(a[0]) : undefined;
			const start = asInt(a[1] ?? args.keywords.get('start')) ?? 0;
			const pairs = items?.map((v, i) => tuple([num(i + start), v]));
			return pairs ? { k: 'list', items: pairs, iterator: true } : UNKNOWN;
		}
		case 'sorted':
			return sortedList(it, args);
		case 'any':
		case 'all': {
			const items = a[0] ? shortCircuit(it, a[0], name === 'any', args.node) : undefined;
			const truths = items?.map(truthy);
			if (!truths || truths.some((t) => t === undefined)) {
				return unknown(
					causeOf(a[0]) ??
						firstCause(items ?? []) ?? {
							reason: `NormLens cannot evaluate \`${it.snippet(args.node)}\``,
							range: it.here(args.node),
						},
				);
			}
			return {
				k: 'bool',
				v: name === 'any' ? truths.some((t) => t) : truths.every((t) => t),
			};
		}
		case 'pow': {
			if (a.length === 2 && args.keywords.size === 0) {
				return plainBinary('**', a[0], a[1], it.limits.maxSequence);
			}
			// pow(x, y, m) of ints.
			const [x, y, m] = a.map((v) => (isFloat(v) ? undefined : asInt(v)));
			const r =
				a.length === 3 && x !== undefined && y !== undefined && m !== undefined
					? powMod(x, y, m)
					: undefined;
			return r !== undefined ? num(r) : UNKNOWN;
		}
		case 'divmod': {
			const [x, y] = [asNumber(a[0]), asNumber(a[1])];
			if (x === undefined || y === undefined || y === 0) {
				return unknown(
					firstCause(a) ?? {
						reason: `NormLens cannot evaluate \`${it.snippet(args.node)}\``,
						range: it.here(args.node),
					},
				);
			}
			// Python's floor division and a remainder with the divisor's sign.
			const q = Math.floor(x / y);
			const like = isFloat(a[0]) ? a[0] : a[1];
			return tuple([numLike(q, like), numLike(x - q * y, like)]);
		}
		case 'reversed': {
			// An iterator, as Python's (`next(reversed(d.values()))` takes the last value).
			const items = a[0] ? it.iterate(a[0]) : undefined;
			return items ? { k: 'list', items: [...items].reverse(), iterator: true } : UNKNOWN;
		}
		case 'print':
		case 'noop':
			return NONE;
		case 'isinstance':
			return isInstance(it, a[0], a[1]);
		case 'issubclass':
			return isSubclass(it, a[0], a[1]);
		case 'super': {
			// `super(Cls, self)` names where the search starts; a bare `super()` reads the running
			// method's `__class__` cell (the class that defines it, not the receiver's class) and
			// its first argument.
			if (a.length > 0) {
				return a[0].k === 'class' && a[1]
					? { k: 'super', self: a[1], cls: a[0].cls }
					: UNKNOWN;
			}
			const top = it.currentMethod();
			return top
				? { k: 'super', self: top.self, cls: top.def.definedIn ?? top.cls }
				: UNKNOWN;
		}
		case 'getattr': {
			const name = a[1]?.k === 'str' ? a[1].v : undefined;
			if (!a[0] || name === undefined) {
				return UNKNOWN;
			}
			if (hasAttr(it, a[0], name) === false) {
				// No such attribute, for certain: the default, else Python's AttributeError (which an
				// `except AttributeError:` takes: SAGAN's spectral norm, built on a fresh Conv2d).
				if (a[2]) {
					return a[2];
				}
				const cause = {
					reason: `\`${it.snippet(args.node)}\` reads an attribute the object does not have: Python raises AttributeError here`,
					range: it.here(args.node),
				};
				it.raise(cause, 'AttributeError');
				return unknown(cause);
			}
			const v = it.getAttr(a[0], name);
			return (v.k === 'unknown' && !v.cause) || v.k === 'bound' ? (a[2] ?? v) : v;
		}
		case 'callable':
			return verdict(it, args, a[0] && isCallable(a[0]));
		case 'hasattr':
			return verdict(
				it,
				args,
				a[0] && a[1]?.k === 'str' ? hasAttr(it, a[0], a[1].v) : undefined,
			);
		case 'setattr': {
			const name = a[1]?.k === 'str' ? a[1].v : undefined;
			const target = a[0];
			if (!target || !a[2]) {
				return UNKNOWN;
			}
			if (name === undefined) {
				// An attribute NormLens cannot name: the object may have gained anything.
				it.taint(
					target,
					causeOf(a[1]) ?? {
						reason: `NormLens cannot tell which attribute \`${it.snippet(args.node)}\` sets`,
						range: it.here(args.node),
					},
				);
			} else if (target.k === 'obj') {
				it.setAttr(target.obj, name, a[2], args.node);
			} else if (target.k === 'instance') {
				target.inst.attrs.set(name, a[2]);
			} else if (target.k === 'class') {
				setClassAttr(target.cls, name, a[2]);
			} else if (target.k === 'dict' && target.cls) {
				setDictInstanceAttr(it, target, name, a[2], args.node);
			}
			return NONE;
		}
		case 'delattr':
			// `delattr(self, 'fc')` is `del self.fc`: a runtime removes what its object registered.
			if (
				a[0]?.k === 'obj' &&
				a[1]?.k === 'str' &&
				it.runtimes.some(
					(r) =>
						r.callMethod(
							(a[0] as Extract<Value, { k: 'obj' }>).obj,
							'__delattr__',
							{ positional: [a[1]], keywords: new Map(), node: args.node },
							it.ctx(),
						) !== undefined,
				)
			) {
				return NONE;
			}
			if (a[0]) {
				it.taint(a[0], {
					reason: `NormLens does not follow \`${it.snippet(args.node)}\``,
					range: it.here(args.node),
				});
			}
			return NONE;
		default:
			// Not evaluated (`set`, `map`…), changing no argument; an unknown argument is the reason.
			return unknown(
				firstCause([...a, ...args.keywords.values()]) ?? {
					reason: `NormLens does not evaluate \`${name}(…)\``,
					range: it.here(args.node),
				},
			);
	}
}

/**
 * A test's answer (`hasattr`, `callable`) as a bool, or unknown saying which test NormLens cannot
 * decide — a bool all the same, never a model's part (`self.flash = hasattr(F, …)` in nanoGPT).
 */
function verdict(it: BuiltinHost, args: CallArgs, answer: boolean | undefined): Value {
	return answer === undefined
		? {
				k: 'unknown',
				why: NOT_A_MODEL_PART,
				cause: firstCause(args.positional) ?? {
					reason: `NormLens cannot tell whether \`${it.snippet(args.node)}\` holds`,
					range: it.here(args.node),
				},
			}
		: { k: 'bool', v: answer };
}

/**
 * The rows `zip(*xs)` gives: Python takes one item from each argument in turn and stops at the
 * first that has none, so an iterator given twice (`zip(it, it)`) pairs its consecutive items, and
 * what is left of an iterator is left for later. Undefined when an argument's items are not known.
 */
function zipRows(it: BuiltinHost, xs: Value[]): Value[][] | undefined {
	const sources = xs.map((x) => (isLiveIterator(x) ? x : it.iterate(x)));
	if (sources.some((s) => !s)) {
		return undefined;
	}
	const rows: Value[][] = [];
	for (let i = 0; xs.length > 0; i++) {
		const row: Value[] = [];
		for (const s of sources as (Value[] | { items: Value[] })[]) {
			const item = Array.isArray(s) ? s[i] : s.items.shift();
			if (item === undefined) {
				return rows;
			}
			row.push(item);
		}
		rows.push(row);
	}
	return rows;
}

/**
 * The items `any(xs)` / `all(xs)` look at: Python stops at the first that decides (true for any,
 * false for all), and an iterator keeps the rest. Every item where one cannot be told true or false.
 */
function shortCircuit(
	it: BuiltinHost,
	xs: Value,
	stopAt: boolean,
	node: CallArgs['node'],
): Value[] | undefined {
	if (!isLiveIterator(xs)) {
		return it.iterate(xs);
	}
	const n = xs.items.findIndex((x) => truthy(x) !== !stopAt);
	if (n < 0 || truthy(xs.items[n]) === stopAt) {
		return xs.items.splice(0, n + 1 || xs.items.length);
	}
	const items = [...xs.items];
	xs.cause = {
		reason: `\`${it.snippet(node)}\` stops at an item NormLens cannot tell true or false: what it leaves of the iterator is not known`,
		range: it.here(node),
	};
	return items;
}
