// Class attributes that are descriptors of the source (`__get__` / `__set__` / `__set_name__`), as Python's attribute lookup uses them.
import type { Interpreter } from '../interpreter';
import type { SyntaxNode } from '@lezer/common';
import { ClassValue, findMethod, FunctionValue, mro, Value } from '../values';

/**
 * The descriptor a class holds under `name`, from the first class of its MRO that defines the name
 * (one walk for both kinds): a `@property`, or an instance of a source class with `__get__` or
 * `__set__`. Undefined for any other attribute.
 */
function descriptorOf(
	cls: ClassValue | undefined,
	name: string,
):
	| { property: FunctionValue; owner: ClassValue }
	| { d: Value & { k: 'instance' }; owner: ClassValue }
	| undefined {
	for (const c of cls ? mro(cls) : []) {
		const fn = c.methods.get(name);
		if (fn) {
			return fn.binding === 'property' ? { property: fn, owner: c } : undefined;
		}
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
	const found = descriptorOf(cls, name);
	if (!found || !cls) {
		return undefined;
	}
	if ('property' in found) {
		// A data descriptor: before the instance's __dict__ and what the framework registered.
		return it.callFunction(
			found.property,
			{ positional: [], keywords: new Map(), node: found.property.node },
			obj,
			found.owner,
		);
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
	const found = descriptorOf(cls, name);
	if (found && 'property' in found && found.property.setter) {
		it.callFunction(
			found.property.setter,
			{ positional: [value], keywords: new Map(), node: where },
			obj,
			found.owner,
		);
		return true;
	}
	if (found && 'property' in found) {
		it.raise(
			{
				reason: `\`${name}\` is a property without a setter: Python raises AttributeError ("can't set attribute") here`,
				range: it.here(where),
			},
			'AttributeError',
		);
		return true;
	}
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
