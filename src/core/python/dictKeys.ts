// Dict keys as NormLens holds them (strings), and values as JSON: how Python's hashable values map
// to a `Map<string, Value>`'s keys and back.
import { NONE, tuple, Value } from './values';

/**
 * A dict's keys are held as strings (`Map<string, Value>`): a str as itself, a number (or a bool)
 * tagged, because Python's `1` and `'1'` are different keys while `1`, `1.0` and `True` are one;
 * None and a tuple of such keys tagged too (monodepth2's `self.convs[("upconv", i, 0)]`).
 * Keyword arguments and the string keys that models use read as they are written.
 */
const NUM_KEY = '\u0000#';
const NONE_KEY = '\u0000N';
const TUPLE_KEY = '\u0000(';

/** The stored form of a dict key; undefined for a key NormLens does not hold (an object, a list). */
export function dictKey(v: Value | undefined): string | undefined {
	switch (v?.k) {
		case 'str':
			return v.v;
		case 'num':
			return NUM_KEY + String(v.v);
		case 'bool':
			return NUM_KEY + (v.v ? '1' : '0');
		case 'none':
			return NONE_KEY;
		case 'tuple': {
			if (v.cause) {
				return undefined;
			}
			const keys = v.items.map((x) => dictKey(x));
			return keys.every((k) => k !== undefined)
				? TUPLE_KEY + JSON.stringify(keys)
				: undefined;
		}
		default:
			return undefined;
	}
}

/** A stored dict key as the value Python's `keys()`, `items()` and iteration give. */
export function keyValue(k: string): Value {
	if (k.startsWith(NUM_KEY)) {
		return { k: 'num', v: Number(k.slice(NUM_KEY.length)) };
	}
	if (k === NONE_KEY) {
		return NONE;
	}
	if (k.startsWith(TUPLE_KEY)) {
		return tuple((JSON.parse(k.slice(TUPLE_KEY.length)) as string[]).map(keyValue));
	}
	return { k: 'str', v: k };
}

/** A stored key that is a str (a name: a keyword, a ModuleDict's key); undefined for another key. */
export function nameKey(k: string): string | undefined {
	return k.startsWith('\u0000') ? undefined : k;
}

/** A stored dict key as text (a layer config shown as JSON). */
export function keyText(k: string): string {
	if (k.startsWith(NUM_KEY)) {
		return k.slice(NUM_KEY.length);
	}
	if (k === NONE_KEY || k.startsWith(TUPLE_KEY)) {
		const v = keyValue(k);
		const item = (x: Value) => (x.k === 'str' ? `'${x.v}'` : keyText(dictKey(x) ?? '?'));
		return v.k === 'tuple'
			? `(${v.items.map(item).join(', ')}${v.items.length === 1 ? ',' : ''})`
			: 'None';
	}
	return k;
}

/** Plain JSON for a value, as shown in layer configs (`"<unknown>"` where undecidable). */
export function toJson(v: Value): unknown {
	switch (v.k) {
		case 'num':
		case 'str':
		case 'bool':
			return v.v;
		case 'none':
			return null;
		case 'tuple':
		case 'list':
			return v.items.map(toJson);
		case 'dict': {
			const o: Record<string, unknown> = {};
			for (const [key, val] of v.entries) {
				o[keyText(key)] = toJson(val);
			}
			return o;
		}
		case 'ref':
			return v.path.split('.').pop();
		case 'func':
			return v.def.name;
		default:
			return '<unknown>';
	}
}
