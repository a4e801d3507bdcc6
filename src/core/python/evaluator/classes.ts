// Classes: `class`, decorators, and what calling one makes (a runtime's object or an instance).
import type { SyntaxNode } from '@lezer/common';
import { childNamed, children, PythonSource } from '../parse';
import type { CallArgs } from '../contract';
import { PLAIN_BASES } from '../names';
import { derivesFromDict, newDictInstance } from './dictClasses';
import { markCached } from './lruCache';
import { setNames } from './descriptors';
import { isNamedTupleClass, NAMED_TUPLE_BASES, namedTupleInstance } from '../namedTuples';
import {
	basePaths,
	causeOf,
	classChain,
	ClassValue,
	findMethod,
	mro,
	Scope,
	unknown,
	Value,
} from '../values';
import type { Completion } from './statements';
import type { Interpreter } from '../interpreter';
import { dataclassFields, dataclassInit } from './dataclasses';

/**
 * `class Name(bases)`: the body runs in its own scope; its functions become methods, the rest
 * class attributes.
 */
export function defineClass(it: Interpreter, node: SyntaxNode, scope: Scope): void {
	const nameNode = childNamed(node, 'VariableName');
	if (!nameNode) {
		return;
	}
	const argList = childNamed(node, 'ArgList');
	const args = argList ? it.callArguments(argList, node, scope) : undefined;
	const bases = args?.positional ?? [];
	const cls: ClassValue = {
		name: it.source.slice(nameNode),
		node,
		source: it.source,
		bases,
		methods: new Map(),
		attrs: new Map(),
		...(args?.keywords.has('metaclass') ? { metaclass: true as const } : {}),
	};
	const body = childNamed(node, 'Body');
	if (body) {
		const classScope = new Scope(scope, true);
		it.execBlock(body, classScope);
		for (const [k, v] of classScope.entries()) {
			if (v.k === 'func') {
				// Methods defined in the body close over the enclosing scope, not the class body (as in
				// Python); a function a decorator returned keeps its own closure.
				const closure = v.def.closure === classScope ? scope : v.def.closure;
				cls.methods.set(k, { ...v.def, closure, definedIn: cls });
			} else {
				cls.attrs.set(k, v);
			}
		}
	}
	if (bases.some((b) => b.k === 'ref' && NAMED_TUPLE_BASES.has(b.path))) {
		// `class P(NamedTuple)`: its annotated attributes are the tuple's fields.
		cls.namedTuple = true;
		cls.fields = dataclassFields(it, node, cls);
	}
	classCreated(it, cls, args, node);
	scope.set(cls.name, { k: 'class', cls });
}

/** Classes whose metaclass of the source defines `__call__`: it, not `__init__` alone, makes their instances. */
const metaclassCalls = new WeakSet<ClassValue>();

/**
 * What Python runs as a class is created: its descriptors' `__set_name__`, and the nearest base's
 * `__init_subclass__` with the class's keywords (`class Wide(Base, width=10)`); a metaclass of the
 * source with its own `__call__` is noted (instances are then unknown).
 */
function classCreated(
	it: Interpreter,
	cls: ClassValue,
	args: CallArgs | undefined,
	node: SyntaxNode,
): void {
	setNames(it, cls);
	const meta = args?.keywords.get('metaclass');
	if (meta?.k === 'class' && findMethod(meta.cls, '__call__')) {
		metaclassCalls.add(cls);
	}
	const hook = mro(cls)
		.slice(1)
		.map((c) => ({ fn: c.methods.get('__init_subclass__'), owner: c }))
		.find((x) => x.fn !== undefined);
	if (hook?.fn) {
		const keywords = new Map([...(args?.keywords ?? [])].filter(([k]) => k !== 'metaclass'));
		it.callFunction(
			hook.fn,
			{ positional: [{ k: 'class', cls }], keywords, node },
			undefined,
			hook.owner,
		);
	}
}

/**
 * A decorated definition. `@staticmethod`, `@classmethod` and `@property` change how a method binds;
 * `@dataclass` gives a class the `__init__` of its annotated fields; `@attr.s`-style decorators make
 * another class, which NormLens does not build (the name is unknown). Other decorators (registries,
 * `torch.no_grad()`, `functools.wraps`, caches) return what they decorate.
 */
export function execDecorated(it: Interpreter, node: SyntaxNode, scope: Scope): Completion {
	const decorators = children(node)
		.filter((c) => c.name === 'Decorator')
		.map((d) => it.source.slice(d).replace(/^@\s*/, '').replace(/\s+/g, ''));
	const fn = childNamed(node, 'FunctionDefinition');
	const cls = childNamed(node, 'ClassDefinition');
	if (fn) {
		const name = childNamed(fn, 'VariableName');
		if (name && decorators.some((d) => /\.(setter|deleter)$/.test(d))) {
			// `@x.setter def x(…)` adds to the property `x`: the getter stays what `x` reads, the
			// setter is what `obj.x = value` runs.
			const property = scope.get(it.source.slice(name));
			if (property?.k === 'func' && decorators.some((d) => /\.setter$/.test(d))) {
				it.defineFunction(fn, scope);
				const setter = scope.get(it.source.slice(name));
				it.bindName(it.source.slice(name), property, scope);
				property.def.setter = setter?.k === 'func' ? setter.def : undefined;
			}
			return undefined;
		}
		it.defineFunction(fn, scope);
		if (name) {
			applySourceDecorators(it, node, it.source.slice(name), scope);
		}
		const bound = name ? scope.get(it.source.slice(name)) : undefined;
		const binding = decorators.includes('staticmethod')
			? 'static'
			: decorators.includes('classmethod')
				? 'class'
				: decorators.includes('property')
					? 'property'
					: decorators.includes('functools.cached_property') ||
						  decorators.includes('cached_property')
						? 'cached'
						: undefined;
		if (bound?.k === 'func' && binding) {
			bound.def.binding = binding;
		}
		if (bound?.k === 'func' && decorators.some((d) => !TRANSPARENT.test(d))) {
			bound.def.wrapped = true;
		}
		if (
			bound?.k === 'func' &&
			decorators.some((d) => /^(?:(?:tf|tensorflow)\.)?custom_gradient$/.test(d))
		) {
			bound.def.returnsFirst = true;
		}
		return undefined;
	}
	if (cls) {
		defineClass(it, cls, scope);
		const name = childNamed(cls, 'VariableName');
		const v = name ? scope.get(it.source.slice(name)) : undefined;
		const dataclass = decorators.find((d) => /^(dataclasses\.)?dataclass(\(.*\))?$/.test(d));
		if (v?.k === 'class' && dataclass !== undefined) {
			v.cls.fields = dataclassFields(it, cls, v.cls, dataclass);
		} else if (
			name &&
			decorators.some((d) =>
				/^(attr\.(s|attrs|define|frozen|mutable)|attrs\.(define|frozen|mutable)|define|frozen)(\(.*\))?$/.test(
					d,
				),
			)
		) {
			it.bindName(
				it.source.slice(name),
				unknown({
					reason: `\`@${decorators[0]}\` makes another class from \`${it.source.slice(name)}\`, which NormLens does not build`,
					range: it.here(node),
				}),
				scope,
			);
		}
		if (name) {
			applySourceDecorators(it, node, it.source.slice(name), scope);
		}
	}
	return undefined;
}

/** Decorators that keep the function's parameters (how it binds, caches, autograd modes, TorchScript, abstract methods). */
const TRANSPARENT =
	/^(?:staticmethod|classmethod|property|(?:functools\.)?(?:cached_property|cache|lru_cache(?:\(.*\))?|wraps\(.*\))|\w+\.(?:setter|deleter|getter)|torch\.(?:no_grad|inference_mode|enable_grad)\(\)|torch\.jit\.(?:script|script_method|unused|ignore|export)|(?:abc\.)?abstractmethod|(?:typing\.)?(?:overload|final))$/;

/** The decorators `execDecorated` reads by their text (how a method binds, dataclasses, attrs). */
const READ_BY_TEXT =
	/^(?:staticmethod|classmethod|property|(?:functools\.)?cached_property|\w+\.(?:setter|deleter|getter)|(?:dataclasses\.)?dataclass(?:\(.*\))?|(?:(?:tf|tensorflow)\.)?custom_gradient|attrs?\.\w+(?:\(.*\))?|define|frozen)$/;

/**
 * `@d` / `@d(args)` where d is a function of the source (a registry's `register(name)`, a
 * wrapper): Python binds the name to what `d` returns, bottom-up, and whatever d does with what it
 * is given happens (`registry[name] = cls`). Library and unknown decorators keep what they decorate.
 */
function applySourceDecorators(
	it: Interpreter,
	node: SyntaxNode,
	name: string,
	scope: Scope,
): void {
	const decorators = children(node).filter((c) => c.name === 'Decorator');
	for (const d of decorators.reverse()) {
		const text = it.source.slice(d).replace(/^@\s*/, '').replace(/\s+/g, '');
		if (READ_BY_TEXT.test(text) || markCached(scope, text, scope.get(name))) {
			continue;
		}
		// `@a.b.c(args)`: a from the scope, then its attributes, then the call; a name the scope
		// lacks ends it (the decorator is no function of the source).
		let callee: Value | undefined;
		let first = true;
		for (let c = d.firstChild; c; c = c.nextSibling) {
			if (c.name === 'VariableName') {
				const part = it.source.slice(c);
				callee = first ? scope.get(part) : callee && it.getAttr(callee, part);
				first = false;
			} else if (c.name === 'ArgList') {
				callee =
					callee && sourceCallable(callee)
						? it.call(callee, it.callArguments(c, d, scope))
						: undefined;
			}
		}
		const current = scope.get(name);
		if (callee && current && sourceCallable(callee)) {
			it.bindName(
				name,
				it.call(callee, { positional: [current], keywords: new Map(), node: d }),
				scope,
			);
		}
	}
}

/** A function or bound method of the source (what a decorator of the source is). */
const sourceCallable = (v: Value): boolean =>
	v.k === 'func' || (v.k === 'method' && v.fn.body !== null);

/**
 * `Cls(…)`: a runtime that models the class's bases makes its object, else it is a plain instance;
 * then `__init__` runs on it.
 */
export function instantiate(it: Interpreter, cls: ClassValue, args: CallArgs): Value {
	it.called.add(cls);
	if (isNamedTupleClass(cls)) {
		return namedTupleInstance(it, cls, args);
	}
	const made = factoryNew(it, cls, args);
	if (made) {
		return made;
	}
	it.recordModuleCall(cls.source, cls.name, args);
	const bases = basePaths(cls);
	let self: Value | undefined;
	for (const r of it.runtimes) {
		const obj = r.instantiate?.(cls, bases, args, it.ctx());
		if (obj) {
			obj.pyClass = cls;
			self = { k: 'obj', obj };
			break;
		}
	}
	self ??= derivesFromDict(cls)
		? newDictInstance(cls)
		: { k: 'instance', inst: { cls, attrs: new Map() } };
	const init = findMethod(cls, '__init__');
	// An `__init__` NormLens left out (a syntax error in it): what it would have built is unknown,
	// never an empty object (a model of 0 parameters).
	const lost = init
		? undefined
		: causeOf(
				classChain(cls)
					.map((c) => c.attrs.get('__init__'))
					.find((v) => v?.k === 'unknown'),
			);
	if (lost) {
		if (self.k === 'obj') {
			self.obj.unknownCause ??= lost;
		} else if (self.k === 'instance') {
			self.inst.unknownCause = lost;
		}
		return self;
	}
	if (classChain(cls).some((c) => metaclassCalls.has(c))) {
		// Built as `__init__` builds it, but the metaclass's `__call__` may add or change anything.
		it.taint(self, {
			reason: `\`${cls.name}\`'s metaclass defines \`__call__\`, which makes its instances: NormLens does not follow it`,
			range: it.here(args.node),
		});
	}
	if (init) {
		it.callFunction(init.fn, args, self, init.owner);
	} else if (self.k === 'dict') {
		// dict's own __init__: a mapping or pairs, then keywords.
		it.callMethodOn(self, '__init__', args.positional, args);
	} else if (self.k === 'instance') {
		dataclassInit(it, cls, self, self.inst, args);
	}
	if (self.k === 'instance') {
		noteUnreadableBase(it, cls, self.inst.attrs, args);
	}
	return self;
}

/**
 * A source `__new__` that returns what it makes itself (muzero's `MuZeroNetwork(config)` returns a
 * `MuZeroResidualNetwork`): Python calls no `__init__` on a value that is not an instance of the
 * class, and the call's value is that value. A `__new__` that calls a base's `__new__` makes an
 * instance as usual (undefined: the usual construction).
 */
function factoryNew(it: Interpreter, cls: ClassValue, args: CallArgs): Value | undefined {
	const own = findMethod(cls, '__new__');
	const source = own?.fn.source instanceof PythonSource ? own.fn.source : it.source;
	if (!own || /\b__new__\s*\(/.test(source.slice(own.fn.body ?? own.fn.node))) {
		return undefined;
	}
	const r = it.callFunction(own.fn, {
		...args,
		positional: [{ k: 'class', cls }, ...args.positional],
	});
	const ofClass =
		(r.k === 'obj' && r.obj.pyClass !== undefined && classChain(r.obj.pyClass).includes(cls)) ||
		(r.k === 'instance' && classChain(r.inst.cls).includes(cls));
	return ofClass ? undefined : r;
}

/**
 * A class that no runtime took for a model, whose base NormLens cannot read (`class Net(mylib.Base)`,
 * `class Net(pl.LightningModule)`), yet that looks like one — it holds layers or modules, or
 * defines `forward` / `call`: no model is shown for it, and a diagnostic says why rather than silence.
 */
function noteUnreadableBase(
	it: Interpreter,
	cls: ClassValue,
	attrs: ReadonlyMap<string, Value>,
	args: CallArgs,
): void {
	const chain = classChain(cls);
	// A framework class a runtime knows (`keras.layers.Dropout`, `nn.Conv2d`) is no unreadable base:
	// its runtime declined to build the class for a reason of its own (arguments it needs).
	const known = (path: string) => {
		const dot = path.lastIndexOf('.');
		return it.runtimes.some(
			(r) => r.exportsName?.(path.slice(0, dot), path.slice(dot + 1)) === true,
		);
	};
	const unreadable = chain
		.flatMap((c) => c.bases)
		.find(
			(b) =>
				(b.k === 'ref' && !PLAIN_BASES.has(b.path) && !known(b.path)) || b.k === 'unknown',
		);
	if (!unreadable) {
		return;
	}
	const modelLike =
		[...attrs.values()].some((v) => v.k === 'obj') ||
		chain.some((c) => c.methods.has('forward') || c.methods.has('call'));
	const key = `${cls.name}:${it.here(args.node).start.line}`;
	if (!modelLike || it.notedBases.has(key)) {
		return;
	}
	it.notedBases.add(key);
	const base =
		unreadable.k === 'ref' ? `\`${unreadable.path}\`` : 'a base class NormLens cannot evaluate';
	it.diagnostics.push({
		range: it.here(args.node),
		severity: 'info',
		code: 'unknown-base',
		message: `\`${cls.name}\` derives from ${base}, which NormLens cannot read: it is not shown as a model, and what it holds is not counted.`,
	});
}
