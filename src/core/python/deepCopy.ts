// Python's `copy.deepcopy` over the interpreter's values, framework objects cloned by their runtime.
import type { Runtime } from './contract';
import type { SyntaxNode } from '@lezer/common';
import type { TextRange } from '../../protocol/analysis';
import { unknown } from './values';
import type { Cause, FrameworkObject, Instance, Value } from './values';

/** What a deep copy needs from the interpreter: the runtimes, and the plain attributes of framework objects. */
export interface CopyHost {
	readonly runtimes: readonly Runtime[];
	readonly objectAttrs: WeakMap<FrameworkObject, Map<string, Value>>;
}

/**
 * `copy.deepcopy(v)` as Python runs it: containers and instances copied item by item, functions
 * and classes shared (Python copies them as atoms), a bound method bound to the copy of its
 * receiver, and a framework object cloned by its runtime with its plain attributes copied too
 * (`self.d_k`, `self.size` of a user nn.Module: the Annotated Transformer's `clones(layer, N)`).
 * One memo for the whole copy, as Python's: what the original shares (a module held twice, a tied
 * weight, a list two attributes hold) stays shared in the copy. `undefined` when some part cannot
 * be copied (an object no runtime clones, one something unread may have changed).
 */
export function deepCopy(host: CopyHost, v: Value): Value | undefined {
	const memo = new Map<object, object>();
	const copied = copyValue(host, v, memo);
	if (copied === undefined) {
		return undefined;
	}
	// The plain attributes of every framework object cloned, cloning what they hold in turn (a Map's
	// iteration visits the entries added while it runs).
	for (const [from, to] of memo) {
		const attrs = host.objectAttrs.get(from as FrameworkObject);
		if (!attrs) {
			continue;
		}
		const copy = new Map<string, Value>();
		for (const [k, a] of attrs) {
			const c = copyValue(host, a, memo);
			if (c === undefined) {
				return undefined;
			}
			copy.set(k, c);
		}
		host.objectAttrs.set(to as FrameworkObject, copy);
	}
	return copied;
}

function copyValue(host: CopyHost, v: Value, memo: Map<object, object>): Value | undefined {
	const seen = memo.get(v);
	if (seen) {
		return seen as Value;
	}
	const items = (xs: readonly Value[]): Value[] | undefined => {
		const out: Value[] = [];
		for (const x of xs) {
			const c = copyValue(host, x, memo);
			if (c === undefined) {
				return undefined;
			}
			out.push(c);
		}
		return out;
	};
	switch (v.k) {
		case 'list': {
			const copy: Value = { ...v, items: [] };
			memo.set(v, copy);
			const xs = items(v.items);
			return xs && (copy.items.push(...xs), copy);
		}
		case 'tuple': {
			const xs = items(v.items);
			return xs && { ...v, items: xs };
		}
		case 'dict': {
			const copy: Value = { ...v, entries: new Map() };
			memo.set(v, copy);
			for (const [k, x] of v.entries) {
				const c = copyValue(host, x, memo);
				if (c === undefined) {
					return undefined;
				}
				copy.entries.set(k, c);
			}
			// A dict subclass's own __dict__: its items again after `self.__dict__ = self`.
			if (v.attrs && v.attrs !== v.entries) {
				copy.attrs = new Map();
				for (const [k, x] of v.attrs) {
					const c = copyValue(host, x, memo);
					if (c === undefined) {
						return undefined;
					}
					copy.attrs.set(k, c);
				}
			} else if (v.attrs) {
				copy.attrs = copy.entries;
			}
			return copy;
		}
		case 'instance': {
			const same = memo.get(v.inst) as Instance | undefined;
			if (same) {
				return { k: 'instance', inst: same };
			}
			if (v.inst.unknownCause) {
				return undefined;
			}
			const inst: Instance = { cls: v.inst.cls, attrs: new Map() };
			const copy: Value = { k: 'instance', inst };
			memo.set(v, copy);
			memo.set(v.inst, inst);
			for (const [k, x] of v.inst.attrs) {
				const c = copyValue(host, x, memo);
				if (c === undefined) {
					return undefined;
				}
				inst.attrs.set(k, c);
			}
			return copy;
		}
		case 'obj': {
			if (v.obj.taint) {
				return undefined;
			}
			const known = memo.get(v.obj) as FrameworkObject | undefined;
			if (known) {
				return { k: 'obj', obj: known };
			}
			for (const r of host.runtimes) {
				const c = r.cloneObject?.(v.obj, memo);
				if (c) {
					return { k: 'obj', obj: c };
				}
			}
			return undefined;
		}
		case 'method':
		case 'bound': {
			const self = copyValue(host, v.self, memo);
			return self && { ...v, self };
		}
		case 'partial': {
			const positional = items(v.positional);
			const keywords = items([...v.keywords.values()]);
			return positional && keywords
				? {
						...v,
						positional,
						keywords: new Map([...v.keywords.keys()].map((k, i) => [k, keywords[i]])),
					}
				: undefined;
		}
		default:
			// Numbers, strings, None, functions, classes, library references, unknowns: shared, as Python does.
			return v;
	}
}

/**
 * `copy.copy(x)`: a new list, dict or instance holding the same items; a framework object's copy
 * shares what it registered with the original (a module's children and parameters), so what is
 * done to either may change both: the original is unknown from then on, and so is the copy.
 */
export function shallowCopy(
	it: {
		snippet(node: SyntaxNode): string;
		here(node: SyntaxNode): TextRange;
		taint(v: Value, cause: Cause): void;
	},
	v: Value,
	node: SyntaxNode,
): Value {
	switch (v.k) {
		case 'list':
			return v.cause || v.iterator ? unknown(v.cause) : { k: 'list', items: [...v.items] };
		case 'dict':
			return v.cause || v.cls ? unknown(v.cause) : { k: 'dict', entries: new Map(v.entries) };
		case 'tuple':
		case 'num':
		case 'str':
		case 'bool':
		case 'none':
			return v;
		case 'instance':
			return v.inst.unknownCause
				? unknown(v.inst.unknownCause)
				: { k: 'instance', inst: { cls: v.inst.cls, attrs: new Map(v.inst.attrs) } };
		default: {
			const cause: Cause = {
				reason: `\`${it.snippet(node)}\` makes a shallow copy that shares what the original holds (a module's submodules and parameters): NormLens does not follow the two`,
				range: it.here(node),
			};
			it.taint(v, cause);
			return unknown(cause);
		}
	}
}
