// Python's list and dict methods as the interpreter runs them on the values it holds (a list built
// in a loop, a dict of layer sizes): `undefined` where a method cannot be followed, so that the
// caller marks the container as changed by something unknown.
import type { CallArgs } from './contract';
import { equal } from './operators';
import { asInt, causeOf, NONE, num, tuple, unknown, Value } from './values';
import { dictKey, keyValue } from './dictKeys';

/** What a container method may ask of the interpreter: the items of an iterable. */
export interface ContainerHost {
	iterate(v: Value): Value[] | undefined;
}

/** A list method as Python runs it; `undefined` when it cannot be followed (the caller taints the list). */
export function listMethod(
	it: ContainerHost,
	self: Extract<Value, { k: 'list' }>,
	name: string,
	a: Value[],
	args: CallArgs,
): Value | undefined {
	switch (name) {
		case 'append':
			if (a.length === 1) {
				self.items.push(a[0]);
				return NONE;
			}
			return undefined;
		case 'extend': {
			const items = a.length === 1 ? it.iterate(a[0]) : undefined;
			if (!items) {
				return undefined;
			}
			self.items.push(...items);
			return NONE;
		}
		case 'insert': {
			const i = asInt(a[0]);
			if (i === undefined || a.length !== 2) {
				return undefined;
			}
			self.items.splice(i < 0 ? Math.max(0, self.items.length + i) : i, 0, a[1]);
			return NONE;
		}
		case 'pop': {
			const i = a.length === 0 ? -1 : asInt(a[0]);
			const j = i === undefined ? undefined : i < 0 ? self.items.length + i : i;
			if (j === undefined || j < 0 || j >= self.items.length) {
				return undefined;
			}
			return self.items.splice(j, 1)[0];
		}
		case 'remove': {
			const eq = self.items.map((x) => (a[0] ? equal(x, a[0]) : undefined));
			const first = eq.findIndex((e) => e !== false);
			if (first < 0 || eq[first] === undefined) {
				return undefined;
			}
			self.items.splice(first, 1);
			return NONE;
		}
		case 'clear':
			self.items.length = 0;
			return NONE;
		case 'reverse':
			self.items.reverse();
			return NONE;
		case 'copy':
			return { k: 'list', items: [...self.items] };
		case 'index': {
			const i = self.items.findIndex((x) => (a[0] ? equal(x, a[0]) === true : false));
			return i >= 0 ? num(i) : undefined;
		}
		case 'count': {
			const eq = self.items.map((x) => (a[0] ? equal(x, a[0]) : undefined));
			return eq.some((e) => e === undefined)
				? unknown(undefined)
				: num(eq.filter((e) => e).length);
		}
		default:
			void args;
			return undefined;
	}
}

/** The pairs of a list or tuple of 2-tuples with keys a dict can hold; undefined for anything else. */
function keyValuePairs(
	v: Value,
	key: (v: Value | undefined) => string | undefined,
): [string, Value][] | undefined {
	if ((v.k !== 'list' && v.k !== 'tuple') || v.cause) {
		return undefined;
	}
	const out: [string, Value][] = [];
	for (const item of v.items) {
		const k = item.k === 'tuple' && item.items.length === 2 ? key(item.items[0]) : undefined;
		if (k === undefined || item.k !== 'tuple') {
			return undefined;
		}
		out.push([k, item.items[1]]);
	}
	return out;
}

/** A dict method as Python runs it; `undefined` when it cannot be followed (the caller taints the dict). */
export function dictMethod(
	self: Extract<Value, { k: 'dict' }>,
	name: string,
	a: Value[],
	args: CallArgs,
): Value | undefined {
	const key = dictKey;
	switch (name) {
		case 'items':
			return {
				k: 'list',
				items: [...self.entries].map(([k, v]) => tuple([keyValue(k), v])),
			};
		case 'keys':
			return {
				k: 'list',
				items: [...self.entries.keys()].map(keyValue),
			};
		case 'values':
			return { k: 'list', items: [...self.entries.values()] };
		case 'copy':
			return { k: 'dict', entries: new Map(self.entries) };
		case 'get': {
			const k = key(a[0]);
			return k === undefined ? unknown(causeOf(a[0])) : (self.entries.get(k) ?? a[1] ?? NONE);
		}
		case 'pop': {
			const k = key(a[0]);
			if (k === undefined) {
				return undefined;
			}
			const v = self.entries.get(k) ?? a[1];
			self.entries.delete(k);
			return v ?? unknown(undefined);
		}
		case 'setdefault': {
			const k = key(a[0]);
			if (k === undefined) {
				return undefined;
			}
			if (!self.entries.has(k)) {
				self.entries.set(k, a[1] ?? NONE);
			}
			return self.entries.get(k) as Value;
		}
		case '__getitem__':
			return key(a[0]) === undefined ? undefined : self.entries.get(key(a[0]) as string);
		case '__setitem__': {
			const k = key(a[0]);
			if (k === undefined || a[1] === undefined) {
				return undefined;
			}
			self.entries.set(k, a[1]);
			return NONE;
		}
		case '__setattr__': {
			// object.__setattr__ under a dict subclass's own (`super().__setattr__(k, v)`): its __dict__.
			const k = a[0]?.k === 'str' ? a[0].v : undefined;
			if (k === undefined || !self.attrs || a[1] === undefined) {
				return undefined;
			}
			self.attrs.set(k, a[1]);
			return NONE;
		}
		case '__init__':
		case 'update': {
			// Another dict, or an iterable of key-value pairs (`d.update([('n', 8)])`).
			const other = a[0];
			const pairs =
				other === undefined
					? []
					: other.k === 'dict'
						? other.cause
							? undefined
							: [...other.entries]
						: keyValuePairs(other, key);
			if (!pairs) {
				return undefined;
			}
			for (const [k, v] of pairs) {
				self.entries.set(k, v);
			}
			for (const [k, v] of args.keywords) {
				self.entries.set(k, v);
			}
			return NONE;
		}
		case 'clear':
			self.entries.clear();
			return NONE;
		default:
			return undefined;
	}
}
