// Class attributes that are descriptors of the source (`__get__` / `__set__` / `__set_name__`), as Python's attribute lookup uses them.
import type { Interpreter } from '../interpreter';
import type { SyntaxNode } from '@lezer/common';
import { ClassValue, findMethod, FunctionValue, mro, Value } from '../values';

/** The descriptor a class holds under `name`: an instance of a source class with `__get__` or `__set__`. */
function descriptorOf(
	cls: ClassValue | undefined,
	name: string,
): { d: Value & { k: 'instance' }; owner: ClassValue } | undefined {
	for (const c of cls ? mro(cls) : []) {
		const v = c.attrs.get(name);
		if (v) {
			return v.k === 'instance' &&
				(findMethod(v.inst.cls, '__get__') || findMethod(v.inst.cls, '__set__'))
				? { d: v, owner: c }
				: undefined;
		}
	}
	return undefined;
}

function callOn(
	it: Interpreter,
	d: Value & { k: 'instance' },
	method: string,
	args: Value[],
): Value {
	const m = findMethod(d.inst.cls, method);
	return m
		? it.callFunction(
				m.fn,
				{ positional: args, keywords: new Map(), node: m.fn.node },
				d,
				m.owner,
			)
		: { k: 'unknown' };
}

/** The `@property` a class defines under `name` (a data descriptor, with a setter or not). */
function propertyOf(
	cls: ClassValue | undefined,
	name: string,
): { fn: FunctionValue; owner: ClassValue } | undefined {
	for (const c of cls ? mro(cls) : []) {
		const fn = c.methods.get(name);
		if (fn || c.attrs.has(name)) {
			return fn?.binding === 'property' ? { fn, owner: c } : undefined;
		}
	}
	return undefined;
}

/**
 * `obj.name` through a descriptor of its class: a data descriptor (`__set__` too, or a property)
 * before the object's own attributes, one with `__get__` alone after them (`own` says whether the
 * object has one). Undefined: no descriptor takes it.
 */
export function descriptorGet(
	it: Interpreter,
	obj: Value,
	cls: ClassValue | undefined,
	name: string,
	own: boolean,
): Value | undefined {
	const property = propertyOf(cls, name);
	if (property) {
		// A data descriptor: before the instance's __dict__ and what the framework registered.
		return it.callFunction(
			property.fn,
			{ positional: [], keywords: new Map(), node: property.fn.node },
			obj,
			property.owner,
		);
	}
	const found = descriptorOf(cls, name);
	if (!found || !cls) {
		return undefined;
	}
	const data = findMethod(found.d.inst.cls, '__set__') !== undefined;
	if (own && !data) {
		return undefined;
	}
	return findMethod(found.d.inst.cls, '__get__')
		? callOn(it, found.d, '__get__', [obj, { k: 'class', cls }])
		: found.d;
}

/**
 * `obj.name = value` through a data descriptor of its class (`__set__`, a property's setter): true
 * when one took it. A property without a setter refuses the value (AttributeError).
 */
export function descriptorSet(
	it: Interpreter,
	obj: Value,
	cls: ClassValue | undefined,
	name: string,
	value: Value,
	where: SyntaxNode,
): boolean {
	const property = propertyOf(cls, name);
	if (property?.fn.setter) {
		it.callFunction(
			property.fn.setter,
			{ positional: [value], keywords: new Map(), node: where },
			obj,
			property.owner,
		);
		return true;
	}
	if (property) {
		it.raise(
			{
				reason: `\`${name}\` is a property without a setter: Python raises AttributeError ("can't set attribute") here`,
				range: it.here(where),
			},
			'AttributeError',
		);
		return true;
	}
	const found = descriptorOf(cls, name);
	if (!found || !findMethod(found.d.inst.cls, '__set__')) {
		return false;
	}
	callOn(it, found.d, '__set__', [obj, value]);
	return true;
}

/** `__set_name__(owner, name)` of each descriptor a class body made, as Python calls it when the class is created. */
export function setNames(it: Interpreter, cls: ClassValue): void {
	for (const [name, v] of cls.attrs) {
		if (v.k === 'instance' && findMethod(v.inst.cls, '__set_name__')) {
			callOn(it, v, '__set_name__', [
				{ k: 'class', cls },
				{ k: 'str', v: name },
			]);
		}
	}
}
