// The builtins that order values: min / max (with key=) and sorted, as Python orders them.
import type { CallArgs } from './contract';
import type { BuiltinHost } from './builtinObjects';
import { asNumber, asSequence, causeOf, firstCause, num, unknown, UNKNOWN, Value } from './values';
import { wholeSet } from './sets';

/**
 * What to order: the items, or, where they are one whole iteration of a set, that set's elements
 * (their order is unknown, but an ordering of all of them is not) with the cause a tie would give.
 */
function toOrder(items: Value[] | undefined): { items: Value[] | undefined; tie?: Value } {
	const whole = items && wholeSet(items);
	return whole ? { items: whole, tie: items?.[0] } : { items };
}

/** `min(…)` / `max(…)`: the item itself (the first of equals, as Python). */
export function minMax(it: BuiltinHost, name: string, args: CallArgs): Value {
	const a = args.positional;
	const keyFn = args.keywords.get('key');
	const fallback = args.keywords.get('default');
	if (fallback && a.length === 1 && asSequence(a[0])?.length === 0) {
		// `min([], default=6)`: an empty iterable gives the default.
		return fallback;
	}
	if (keyFn) {
		// min / max with key=: the item whose key is least / greatest (the first of equals, as Python).
		const { items, tie } = toOrder(a.length === 1 ? it.iterate(a[0]) : a);
		const keys = items?.map((x) =>
			asNumber(
				it.call(keyFn, {
					positional: [x],
					keywords: new Map(),
					node: args.node,
				}),
			),
		);
		if (!items || items.length === 0 || !keys || keys.some((k) => k === undefined)) {
			return unknown(
				firstCause(a) ?? {
					reason: `NormLens cannot evaluate \`${it.snippet(args.node)}\``,
					range: it.here(args.node),
				},
			);
		}
		let best = 0;
		(keys as number[]).forEach((k, i) => {
			if (name === 'min' ? k < (keys as number[])[best] : k > (keys as number[])[best]) {
				best = i;
			}
		});
		// Of a set's items, which of equal keys comes first is the set's order.
		const ties = (keys as number[]).filter((k) => k === keys[best]).length;
		return tie && ties > 1 ? tie : items[best];
	}
	const items = toOrder(a.length === 1 ? it.iterate(a[0]) : a).items;
	const nums = items?.map(asNumber);
	if (!items || !nums || nums.length === 0 || nums.some((n) => n === undefined)) {
		return UNKNOWN;
	}
	// The item itself (the first of equals, as Python): max(1, 0.5 * c) may be a float.
	let best = 0;
	(nums as number[]).forEach((x, i) => {
		if (name === 'min' ? x < (nums[best] as number) : x > (nums[best] as number)) {
			best = i;
		}
	});
	const chosen = items[best];
	return chosen.k === 'bool' ? num(nums[best] as number) : chosen;
}

/** `sorted(xs, key=…, reverse=…)` of numbers or strings (or tuples of them), stable as Python's. */
export function sortedList(it: BuiltinHost, args: CallArgs): Value {
	const a = args.positional;
	// Numbers or strings (or what `key=` maps each item to), in Python's order.
	const { items, tie } = toOrder(a[0] ? it.iterate(a[0]) : undefined);
	const reverse = args.keywords.get('reverse');
	const keyFn = args.keywords.get('key');
	if (!items || (reverse && reverse.k !== 'bool')) {
		return unknown(
			causeOf(a[0]) ?? {
				reason: `NormLens does not evaluate \`${it.snippet(args.node)}\``,
				range: it.here(args.node),
			},
		);
	}
	// Numbers and strings, or tuples of them compared item by item (`sorted(d.items())`).
	const scalar = (v: Value): number | string | undefined =>
		v.k === 'num' ? v.v : v.k === 'bool' ? Number(v.v) : v.k === 'str' ? v.v : undefined;
	const keyOf = (v: Value): (number | string)[] | undefined => {
		const parts = v.k === 'tuple' ? v.items.map(scalar) : [scalar(v)];
		return parts.every((x) => x !== undefined) ? (parts as (number | string)[]) : undefined;
	};
	const keys = items
		.map((x) =>
			keyFn && keyFn.k !== 'none'
				? it.call(keyFn, { positional: [x], keywords: new Map(), node: args.node })
				: x,
		)
		.map(keyOf);
	const kinds = new Set(keys.flatMap((k) => (k ? [k.map((x) => typeof x).join(',')] : ['?'])));
	if (keys.some((k) => !k) || kinds.size > 1) {
		return unknown({
			reason: `NormLens sorts only numbers, strings or tuples of them (\`${it.snippet(args.node)}\`)`,
			range: it.here(args.node),
		});
	}
	const cmp = (x: (number | string)[], y: (number | string)[]): number => {
		for (let i = 0; i < Math.min(x.length, y.length); i++) {
			if (x[i] !== y[i]) {
				return x[i] < y[i] ? -1 : 1;
			}
		}
		return x.length - y.length;
	};
	// A stable sort either way, as Python's: equal keys keep their order with reverse=True too.
	const sign = reverse?.k === 'bool' && reverse.v ? -1 : 1;
	const order = items.map((v, i) => ({ v, k: keys[i] as (number | string)[] }));
	const sorted = order.sort((x, y) => sign * cmp(x.k, y.k));
	if (tie && sorted.some((x, i) => i > 0 && cmp(sorted[i - 1].k, x.k) === 0)) {
		// Equal keys keep the set's order, which NormLens does not know (`sorted(s, key=len)`).
		return tie;
	}
	return { k: 'list', items: sorted.map((x) => x.v) };
}
