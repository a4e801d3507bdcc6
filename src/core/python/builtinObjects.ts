// Builtins that ask a framework object (hasattr, int, float): what its runtime says, or unknown.
import type { SyntaxNode } from '@lezer/common';
import type { TextRange } from '../../protocol/analysis';
import type { CallArgs, CallContext, InterpreterLimits, Runtime } from './contract';
import {
	Cause,
	asSequence,
	classChain,
	ClassValue,
	FrameworkObject,
	FunctionValue,
	isLayerClassPath,
	unknown,
	UNKNOWN,
	Value,
} from './values';
import { isNamedTupleClass } from './namedTuples';
import { derivesFromDict } from './evaluator/dictClasses';

/** What a builtin may ask of the interpreter that runs it. */
export interface BuiltinHost {
	readonly runtimes: readonly Runtime[];
	readonly limits: InterpreterLimits;
	iterate(v: Value): Value[] | undefined;
	call(callee: Value, args: CallArgs): Value;
	/** What the runtimes' hooks are given about the call being made. */
	ctx(): CallContext;
	getAttr(obj: Value, name: string): Value;
	/** `a op b` as the interpreter evaluates it (framework objects through their runtimes). */
	binary(op: string, a: Value, b: Value, node?: SyntaxNode): Value;
	setAttr(obj: FrameworkObject, name: string, value: Value, where: SyntaxNode): void;
	taint(v: Value, cause: Cause): void;
	here(node: SyntaxNode): TextRange;
	snippet(node: SyntaxNode | null | undefined): string;
	/** The method running now, for `super()`: its receiver and class. */
	currentMethod(): { self: Value; cls: ClassValue; def: FunctionValue } | undefined;
	/** Python raises here for certain (an exception of builtin class `type`, where known). */
	raise(cause: Cause, type?: string): void;
}

/** `int(x)` / `float(x)` of a framework object: its runtime's conversion, else unknown (never a call that may change it). */
export function conversion(
	it: BuiltinHost,
	obj: FrameworkObject,
	method: string,
	args: CallArgs,
): Value {
	for (const r of it.runtimes) {
		const v = r.callMethod(
			obj,
			method,
			{ ...args, positional: [], keywords: new Map() },
			it.ctx(),
		);
		if (v !== undefined) {
			return v;
		}
	}
	return UNKNOWN;
}

/** `int(text)` / `float(text)`: the number Python reads, or unknown with the reason it is not one. */
export function fromText(it: BuiltinHost, read: Value | string, args: CallArgs): Value {
	return typeof read === 'string'
		? unknown({ reason: `\`${it.snippet(args.node)}\`: ${read}`, range: it.here(args.node) })
		: read;
}

/**
 * `hasattr(target, name)` where NormLens knows the answer: an attribute it finds is there; on a
 * source instance or a framework object of a source class, one it cannot find is absent when the
 * class has no `__getattr__` and the framework says its base has no such name. Dunder names, and
 * objects something unknown may have changed, stay unknown.
 */
export function hasAttr(it: BuiltinHost, target: Value, name: string): boolean | undefined {
	if (target.k === 'ref') {
		// A library module (`hasattr(nn, 'SiLU')`): there where a runtime's catalogue has the name;
		// an absence NormLens cannot tell (another version may have it).
		const path = target.path;
		return it.runtimes.some((r) => r.exportsName?.(path, name) === true) ? true : undefined;
	}
	if (target.k !== 'obj' && target.k !== 'instance') {
		return undefined;
	}
	const v = it.getAttr(target, name);
	if (v.k === 'unknown') {
		// A tainted object, or a plain instance's missing attribute (members.ts answers UNKNOWN).
		if (v.cause || target.k !== 'instance' || name.startsWith('__')) {
			return undefined;
		}
		// Absent, when every class of the chain is in the source (or `object`) and none has `__getattr__`.
		const chain = classChain(target.inst.cls);
		const plain = chain.every(
			(c) =>
				!c.methods.has('__getattr__') &&
				c.bases.every((b) => b.k === 'class' || (b.k === 'builtin' && b.name === 'object')),
		);
		return plain ? false : undefined;
	}
	if (v.k !== 'bound' || v.base) {
		return true;
	}
	// Not found on the object or its source class: the framework's base decides.
	if (target.k !== 'obj' || name.startsWith('__')) {
		return undefined;
	}
	const cls = target.obj.pyClass;
	if (cls && classChain(cls).some((c) => c.methods.has('__getattr__'))) {
		return undefined;
	}
	for (const r of it.runtimes) {
		const has = r.hasFrameworkAttr?.(target.obj, name);
		if (has !== undefined) {
			return has;
		}
	}
	return undefined;
}

/** `type(x)`: an instance's class (`type(self).HIDDEN`), a plain value's builtin class; else unknown. */
export function typeOf(it: BuiltinHost, args: CallArgs): Value {
	const [v] = args.positional;
	const known =
		args.positional.length !== 1 || !v
			? undefined
			: v.k === 'instance'
				? ({ k: 'class', cls: v.inst.cls } as const)
				: v.k === 'obj' && v.obj.pyClass
					? ({ k: 'class', cls: v.obj.pyClass } as const)
					: v.k === 'obj'
						? it.runtimes.map((r) => r.typeOf?.(v.obj)).find((t) => t !== undefined)
						: (plainType(v) ?? libraryType(v));
	return (
		known ??
		unknown({
			reason: `NormLens does not evaluate \`${it.snippet(args.node)}\``,
			range: it.here(args.node),
		})
	);
}

/**
 * `type(norm_layer)` where it is a `functools.partial` or a torch.nn / Keras layer class (pix2pix's
 * and taming's `if type(norm_layer) == functools.partial:`): `functools.partial`, or `type`.
 * Undefined for anything else.
 */
function libraryType(v: Value): Value | undefined {
	if (v.k === 'partial') {
		return { k: 'ref', path: 'functools.partial' };
	}
	return v.k === 'ref' && isLayerClassPath(v.path) ? { k: 'builtin', name: 'type' } : undefined;
}

/**
 * `type(x)` of a plain value: the builtin class it is an instance of (`type(size) == list`), a
 * named tuple's class; undefined for anything else (a torch named tuple, a framework object).
 */
export function plainType(v: Value): Value | undefined {
	switch (v.k) {
		case 'num':
			return { k: 'builtin', name: v.float ? 'float' : 'int' };
		case 'str':
		case 'bool':
			return { k: 'builtin', name: v.k };
		case 'dict':
			return v.cls
				? { k: 'class', cls: v.cls }
				: v.cause
					? undefined
					: { k: 'builtin', name: 'dict' };
		case 'none':
			return { k: 'builtin', name: 'NoneType' };
		case 'list':
			return v.iterator || v.cause ? undefined : { k: 'builtin', name: 'list' };
		case 'tuple':
			return v.cls
				? { k: 'class', cls: v.cls }
				: v.fields
					? undefined
					: { k: 'builtin', name: 'tuple' };
		default:
			return undefined;
	}
}

/** `isinstance(v, (A, B, …))` from each type's answer: true if one is, unknown if one may be, else false. */
export function anyInstance(
	types: readonly Value[],
	hit: (t: Value) => boolean | undefined,
): Value {
	let all: boolean | undefined = false;
	for (const t of types) {
		const h = hit(t);
		if (h === true) {
			return { k: 'bool', v: true };
		}
		if (h === undefined) {
			all = undefined;
		}
	}
	return all === undefined ? UNKNOWN : { k: 'bool', v: false };
}

/** `isinstance(v, int | float | bool | str | tuple | list | dict)` of a plain value. */
export function builtinInstance(v: Value, name: string): boolean {
	switch (name) {
		case 'int':
			// A float is no int even when whole (2.0); a bool is an int.
			return (v.k === 'num' && !v.float && Number.isInteger(v.v)) || v.k === 'bool';
		case 'float':
			return v.k === 'num' && (v.float === true || !Number.isInteger(v.v));
		case 'bool':
		case 'str':
		case 'tuple':
		case 'dict':
			return v.k === name;
		case 'list':
			// `iter(xs)`, `model.parameters()`: iterators NormLens holds as lists, and no list.
			return v.k === 'list' && !v.iterator;
		case 'object':
			return true;
		case 'set':
		case 'frozenset':
			// python/sets.ts's PySet, by its kind (this file does not import the runtime).
			return (
				v.k === 'obj' &&
				v.obj.kind === 'set' &&
				(v.obj as { frozen?: boolean }).frozen === (name === 'frozenset')
			);
		default:
			return false;
	}
}

/** The abstract base classes `isinstance` is asked about in model code (timm's `to_2tuple`). */
const ABC_TYPES: ReadonlyMap<string, (v: Value) => boolean | undefined> = new Map(
	['collections.abc.', 'collections.', 'typing.'].flatMap((prefix) => [
		[`${prefix}Iterable`, (v: Value) => iterableKind(v, true)],
		[`${prefix}Sequence`, (v: Value) => iterableKind(v, false) && v.k !== 'dict'],
		[
			`${prefix}Mapping`,
			(v: Value) => (iterableKind(v, true) === undefined ? undefined : v.k === 'dict'),
		],
	]),
);

export function isAbcPath(path: string): boolean {
	return ABC_TYPES.has(path);
}

/**
 * `isinstance(v, collections.abc.Iterable / Sequence / Mapping)` of a plain value; undefined for
 * values whose class NormLens does not know (an instance, a framework object).
 */
export function abcInstance(v: Value, path: string): boolean | undefined {
	return ABC_TYPES.get(path)?.(v);
}

/**
 * `isinstance(v, C)` of a plain value (a number, string, None, tuple, list, dict) and a class of the
 * source: a named tuple is an instance of the classes its own class derives from (SSD's
 * `isinstance(t, GraphPath)` of a plain `(23, BatchNorm2d(512))` is False); any other plain value
 * is an instance of no source class that derives only from source classes (no `int`, `tuple`,
 * `typing.NamedTuple` or unknown base, whose instances NormLens might hold as plain values).
 */
export function sourceClassInstance(v: Value, cls: ClassValue): boolean | undefined {
	if (!PLAIN_KINDS.has(v.k)) {
		return undefined;
	}
	if ((v.k === 'tuple' || v.k === 'dict') && v.cls) {
		return classChain(v.cls).includes(cls);
	}
	if (v.k === 'dict' && derivesFromDict(cls) && classChain(cls).every((c) => !c.metaclass)) {
		// An instance of a dict subclass carries its class: a plain dict is none.
		return false;
	}
	if (isNamedTupleClass(cls)) {
		return false;
	}
	const plainBase = (b: Value) => b.k === 'class' || (b.k === 'builtin' && b.name === 'object');
	return classChain(cls).every((c) => !c.metaclass && c.bases.every(plainBase))
		? false
		: undefined;
}

const PLAIN_KINDS = new Set<Value['k']>(['num', 'bool', 'none', 'str', 'tuple', 'list', 'dict']);

/** Whether a plain value is iterable (`iterators`: counting iterators in), undefined for others. */
function iterableKind(v: Value, iterators: boolean): boolean | undefined {
	switch (v.k) {
		case 'num':
		case 'bool':
		case 'none':
			return false;
		case 'str':
		case 'tuple':
		case 'dict':
			return true;
		case 'list':
			return iterators || !v.iterator;
		default:
			return undefined;
	}
}

/** `isinstance(v, types)`: exact where the value's class and every type are known, else unknown. */
export function isInstance(it: BuiltinHost, v: Value | undefined, of: Value | undefined): Value {
	const types = of ? (asSequence(of) ?? [of]) : [];
	if (
		v?.k === 'obj' &&
		types.length > 0 &&
		types.every((t) => t.k === 'ref' || t.k === 'class')
	) {
		return anyInstance(types, (t) =>
			t.k === 'class'
				? classChain(v.obj.pyClass).includes(t.cls)
				: it.runtimes
						.map((r) => r.isInstance?.(v.obj, (t as { path: string }).path))
						.find((x) => x !== undefined),
		);
	}
	if (v?.k === 'instance' && types.length > 0 && types.every((t) => t.k === 'class')) {
		const chain = classChain(v.inst.cls);
		return {
			k: 'bool',
			v: types.some((t) => t.k === 'class' && chain.includes(t.cls)),
		};
	}
	if (
		!v ||
		v.k === 'unknown' ||
		types.length === 0 ||
		!types.every(
			(t) => t.k === 'builtin' || t.k === 'class' || (t.k === 'ref' && isAbcPath(t.path)),
		)
	) {
		return UNKNOWN;
	}
	return anyInstance(types, (t) =>
		t.k === 'ref'
			? abcInstance(v, t.path)
			: t.k === 'class'
				? sourceClassInstance(v, t.cls)
				: builtinInstance(v, (t as { name: string }).name),
	);
}

/**
 * `issubclass(c, types)` of classes of the source and of a framework (by its runtime); a library
 * class is never a subclass of a source class. Unknown where a base is neither.
 */
export function isSubclass(it: BuiltinHost, c: Value | undefined, of: Value | undefined): Value {
	const types = of ? (asSequence(of) ?? [of]) : [];
	if (!c || types.length === 0) {
		return UNKNOWN;
	}
	const libraryBase = (path: string, base: string): boolean | undefined =>
		path === base
			? true
			: it.runtimes.map((r) => r.isSubclass?.(path, base)).find((x) => x !== undefined);
	return anyInstance(types, (t) => {
		if (c.k === 'ref') {
			return t.k === 'class'
				? false
				: t.k === 'ref'
					? libraryBase(c.path, t.path)
					: undefined;
		}
		if (c.k !== 'class') {
			return undefined;
		}
		const chain = classChain(c.cls);
		if (t.k === 'class') {
			return chain.includes(t.cls) ? true : undefined;
		}
		if (t.k !== 'ref') {
			return undefined;
		}
		let all: boolean | undefined = false;
		for (const b of chain.flatMap((k) => k.bases)) {
			const hit =
				b.k === 'class' || (b.k === 'builtin' && b.name === 'object')
					? false
					: b.k === 'ref'
						? libraryBase(b.path, t.path)
						: undefined;
			if (hit) {
				return true;
			}
			if (hit === undefined) {
				all = undefined;
			}
		}
		return all;
	});
}

/** Whether `float(v)` is a float for certain: not of an array or tensor of more than one element (refused). */
export function oneNumber(v: Value | undefined): boolean {
	const shape = v?.k === 'obj' ? (v.obj as { shape?: unknown }).shape : [];
	return Array.isArray(shape) && shape.every((d) => d === 1);
}
