// Instances of source classes deriving from dict (`AttrDict`, `dotdict`): items, attributes and how a class joins them.
import type { SyntaxNode } from '@lezer/common';
import type { CallArgs } from '../contract';
import type { Interpreter } from '../interpreter';
import { classChain, ClassValue, findMethod, NONE, unknown, Value } from '../values';

type DictValue = Extract<Value, { k: 'dict' }>;

/** Whether `cls` derives from dict (or OrderedDict): its instances are dicts with a class. */
export function derivesFromDict(cls: ClassValue): boolean {
	return classChain(cls).some((c) =>
		c.bases.some(
			(b) =>
				(b.k === 'builtin' && b.name === 'dict') ||
				(b.k === 'ref' && ['dict', 'collections.OrderedDict'].includes(b.path)),
		),
	);
}

/** A new, empty instance of a dict subclass. */
export function newDictInstance(cls: ClassValue): DictValue {
	return { k: 'dict', entries: new Map(), cls, attrs: new Map() };
}

/** The class attribute `name` is `dict.<method>` (`__getattr__ = dict.get`): that method's name. */
function dictHook(cls: ClassValue, name: string): string | undefined {
	for (const c of classChain(cls)) {
		const v = c.attrs.get(name);
		if (v) {
			return v.k === 'bound' && v.self.k === 'builtin' && v.self.name === 'dict'
				? v.name
				: undefined;
		}
	}
	return undefined;
}

/**
 * `obj.name` on an instance of a dict subclass once the class has no such attribute: its own
 * `__dict__`, then `__getattr__` — `dict.get` (None when missing), `dict.__getitem__` or a method of
 * the class (`return self[name]`) — else Python's AttributeError. Undefined: the usual lookup.
 */
export function dictInstanceAttr(
	it: Interpreter,
	obj: DictValue,
	name: string,
	node: SyntaxNode,
): Value | undefined {
	const cls = obj.cls;
	if (!cls) {
		return undefined;
	}
	const own = obj.attrs?.get(name);
	if (own) {
		return own;
	}
	const hook = dictHook(cls, '__getattr__');
	if (hook === 'get' || hook === '__getitem__') {
		const v = obj.entries.get(name);
		return (
			v ??
			(hook === 'get'
				? NONE
				: unknown({
						reason: `\`${name}\` is no key of this ${cls.name}: Python raises KeyError`,
						range: it.here(node),
					}))
		);
	}
	const method = findMethod(cls, '__getattr__');
	if (method) {
		return it.callFunction(
			method.fn,
			{ positional: [{ k: 'str', v: name }], keywords: new Map(), node },
			obj,
			method.owner,
		);
	}
	return undefined;
}

/**
 * `obj.name = value` (or `setattr`) on an instance of a dict subclass, through `type(obj).__setattr__`:
 * `self.__dict__ = self` makes its attributes its items; `__setattr__ = dict.__setitem__` writes an
 * item; a method of the class runs (easydict's writes both); otherwise its own `__dict__`.
 */
export function setDictInstanceAttr(
	it: { call(callee: Value, args: CallArgs): Value },
	obj: DictValue,
	name: string,
	value: Value,
	node: SyntaxNode,
): void {
	if (name === '__dict__' && value.k === 'dict' && value.entries === obj.entries) {
		obj.attrs = obj.entries;
		return;
	}
	// Looked up on the class, as Python does (never through the instance's `__getattr__`).
	const method = obj.cls ? findMethod(obj.cls, '__setattr__') : undefined;
	if (method) {
		it.call(
			{ k: 'method', fn: method.fn, self: obj, cls: method.owner },
			{ positional: [{ k: 'str', v: name }, value], keywords: new Map(), node },
		);
	} else if (obj.cls && dictHook(obj.cls, '__setattr__') === '__setitem__') {
		obj.entries.set(name, value);
	} else {
		(obj.attrs ??= new Map()).set(name, value);
	}
}
