// Member expressions: `obj.name` on every kind of value (methods, `super()`), `obj[key]`, slices.
import type { SyntaxNode } from '@lezer/common';
import { NOT_A_MODEL_PART } from '../trusted';
import { PLAIN_BASES } from '../names';
import { childNamed } from '../parse';
import { pySlice } from '../operators';
import { BUNDLED_MODULES } from '../../zoo';
import { libraryValue } from '../stdlib';
import { namedTupleClassAttr } from '../namedTuples';
import {
	asInt,
	basePaths,
	Cause,
	ClassValue,
	classChain,
	findMethod,
	mro,
	asSequence,
	readByPosition,
	FunctionValue,
	Instance,
	Scope,
	tuple,
	unknown,
	UNKNOWN,
	Value,
} from '../values';
import { dictKey } from '../dictKeys';
import { dictInstanceAttr } from './dictClasses';
import { descriptorGet } from './descriptors';
import { frameworkMro } from './frameworkMro';
import { setOwnAttr } from './assignment';
import type { Interpreter } from '../interpreter';

/** A member expression: `obj.name`, or a subscript `obj[…]`. */
export function member(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
	const objNode = node.firstChild;
	if (!objNode) {
		return UNKNOWN;
	}
	// `actor = ActorCritic(…).actor`: the name is the attribute's, not the object's it is read from.
	const saved = it.assignTarget;
	it.assignTarget = undefined;
	let obj: Value;
	try {
		obj = it.eval(objNode, scope);
	} finally {
		it.assignTarget = saved;
	}
	// obj.name: the property is the last child (unless the text is broken after it).
	const last = node.lastChild;
	const prop = last?.name === 'PropertyName' ? last : childNamed(node, 'PropertyName');
	if (prop) {
		const name = it.source.slice(prop);
		if (obj.k === 'none' && !/^__\w+__$/.test(name)) {
			// `mask.repeat(…)` with `mask=None`: Python raises AttributeError here.
			const cause = {
				reason: `\`${it.snippet(node)}\` reads an attribute of None: Python raises AttributeError here`,
				range: it.here(node),
			};
			it.raise(cause, 'AttributeError');
			return unknown(cause);
		}
		return getAttr(it, obj, name);
	}
	const key = subscriptKey(it, objNode, scope);
	if (obj.k === 'num' || obj.k === 'bool' || obj.k === 'none') {
		// `img_size[0]` with `img_size=64`: Python raises TypeError (not subscriptable).
		const cause = {
			reason: `\`${it.snippet(node)}\` indexes ${obj.k === 'none' ? 'None' : 'a number'}: Python raises TypeError here`,
			range: it.here(node),
		};
		it.raise(cause, 'TypeError');
		return unknown(cause);
	}
	return subscript(it, obj, key, node);
}

/**
 * A plain instance's `__dict__`: a dict over the instance's own attributes, the same storage, so
 * that `self.__dict__.update(kwargs)` (config classes) or `self.__dict__[k] = v` sets attributes as
 * Python does. One dict per instance: when something NormLens cannot follow changes it (an untracked
 * method taints the dict), every attribute of the instance is unknown from then on.
 */
const instanceDicts = new WeakMap<Instance, Extract<Value, { k: 'dict' }>>();

function instanceDict(inst: Instance): Value {
	let view = instanceDicts.get(inst);
	if (!view) {
		view = { k: 'dict', entries: inst.attrs };
		instanceDicts.set(inst, view);
	}
	return view;
}

/**
 * Why `name`, which a source class does not define, is unknown on its instance: a base NormLens
 * cannot read (`class Net(torch_snippets.nn.Module)`) may define it. Undefined for plain bases.
 */
function unreadableBase(it: Interpreter, cls: ClassValue, name: string): Cause | undefined {
	const base = classChain(cls)
		.flatMap((c) => c.bases)
		.find((b) => (b.k === 'ref' && !PLAIN_BASES.has(b.path)) || b.k === 'unknown');
	if (!base || (cls.source !== undefined && cls.source !== it.source)) {
		return undefined;
	}
	const what = base.k === 'ref' ? `\`${base.path}\`` : 'a base class NormLens cannot evaluate';
	return {
		reason: `\`${cls.name}\` derives from ${what}, which NormLens cannot read: \`.${name}\` may come from it`,
		range: it.here(cls.node),
	};
}

/** dict's own methods, which an instance of a dict subclass has unless its class defines them. */
const DICT_METHODS = new Set([
	'get',
	'keys',
	'items',
	'values',
	'update',
	'pop',
	'popitem',
	'setdefault',
	'copy',
	'clear',
	'__init__',
	'__getitem__',
	'__setitem__',
	'__contains__',
]);

/** `obj.name` on any value: a library reference extends its path; a runtime answers for its objects. */
export function getAttr(it: Interpreter, obj: Value, name: string): Value {
	switch (obj.k) {
		case 'ref':
			// A library class's `__name__` (`m.__class__.__name__` of torch.nn's Conv2d): its name.
			return name === '__name__' && /\.[A-Z]\w*$/.test(obj.path)
				? { k: 'str', v: obj.path.slice(obj.path.lastIndexOf('.') + 1) }
				: libraryValue(`${obj.path}.${name}`);
		case 'obj': {
			if (obj.obj.taint) {
				// `model.summary()` of a model something may have changed still prints its table: the
				// runtime records it, as one it cannot count (the taint its cause), not silence.
				return name === 'summary'
					? { k: 'bound', self: obj, name }
					: unknown(obj.obj.taint);
			}
			if (name === '__class__' && obj.obj.pyClass) {
				return { k: 'class', cls: obj.obj.pyClass };
			}
			// A plain attribute the program set (`conv.stride = [2, 2]`) is in the object's __dict__
			// from then on: it reads back as set, before what the runtime derives from the object's
			// configuration (what a runtime registers, a child or a parameter, is never kept here).
			const own = it.objectAttrs.get(obj.obj)?.get(name);
			const described = descriptorGet(it, obj, obj.obj.pyClass, name, own !== undefined);
			if (described) {
				return described;
			}
			if (own) {
				return own;
			}
			for (const r of it.runtimes) {
				const v = r.getAttr(obj.obj, name);
				if (v !== undefined) {
					return v;
				}
			}
			const cls = obj.obj.pyClass;
			const m = cls ? findMethod(cls, name) : undefined;
			if (m) {
				return bindMethod(it, m, obj, cls as ClassValue);
			}
			const classAttr = cls ? classAttribute(cls, name) : undefined;
			return classAttr ?? { k: 'bound', self: obj, name };
		}
		case 'instance': {
			const view = instanceDicts.get(obj.inst);
			const cause = obj.inst.unknownCause ?? view?.cause;
			if (cause) {
				return unknown(cause);
			}
			const own = obj.inst.attrs.get(name);
			const described = descriptorGet(it, obj, obj.inst.cls, name, own !== undefined);
			if (described) {
				return described;
			}
			if (own) {
				return own;
			}
			if (name === '__dict__') {
				return instanceDict(obj.inst);
			}
			if (name === '__class__') {
				return { k: 'class', cls: obj.inst.cls };
			}
			const m = findMethod(obj.inst.cls, name);
			if (m) {
				return bindMethod(it, m, obj, obj.inst.cls);
			}
			return (
				classAttribute(obj.inst.cls, name) ??
				unknown(unreadableBase(it, obj.inst.cls, name))
			);
		}
		case 'module':
			if (name === '__dict__' && !obj.scope.get(name)) {
				// `resnet.__dict__[backbone_name](…)` (a factory chosen by name): the module's names now
				// (star imports' internal entries left out). A copy: writes into it are not followed.
				return {
					k: 'dict',
					entries: new Map([...obj.scope.entries()].filter(([k]) => !k.startsWith('*'))),
				};
			}
			// A name a bundled zoo module does not define is still the library's (a weights enum, a builder it lacks): a reference, not an unknown value.
			return (
				obj.scope.get(name) ??
				it.importModule(`${obj.name}.${name}`) ??
				(BUNDLED_MODULES[obj.name] !== undefined
					? { k: 'ref', path: `${obj.name}.${name}` }
					: UNKNOWN)
			);
		case 'class': {
			// `block.__name__` names a layer (`add_module(f"{block.__name__}_{i}", …)`); a class attribute of that name wins.
			if (name === '__name__' && !obj.cls.attrs.has(name)) {
				return { k: 'str', v: obj.cls.name };
			}
			if (name === '__dict__') {
				// The names its body defines (a read-only mappingproxy: a copy), as easydict walks them.
				const methods = [...obj.cls.methods].map(([k, fn]): [string, Value] => [
					k,
					{ k: 'func', def: fn },
				]);
				return { k: 'dict', entries: new Map([...methods, ...obj.cls.attrs]) };
			}
			const m = findMethod(obj.cls, name);
			if (m?.fn.binding === 'class') {
				return { k: 'method', fn: m.fn, self: obj, cls: m.owner };
			}
			if (m) {
				return { k: 'func', def: m.fn };
			}
			const attr = classAttribute(obj.cls, name) ?? namedTupleClassAttr(obj.cls, name);
			if (attr) {
				return attr;
			}
			const bases = basePaths(obj.cls);
			for (const r of it.runtimes) {
				const v = r.classAttr?.(obj.cls, bases, name);
				if (v) {
					return v;
				}
			}
			return UNKNOWN;
		}
		case 'super': {
			// super() goes on after the running method's class in the MRO of the instance's class.
			const selfCls =
				obj.self.k === 'obj'
					? obj.self.obj.pyClass
					: obj.self.k === 'instance'
						? obj.self.inst.cls
						: obj.self.k === 'dict'
							? obj.self.cls
							: undefined;
			const full = selfCls ? frameworkMro(selfCls) : null;
			const order = full ?? (selfCls ? mro(selfCls) : []);
			const at = order.indexOf(obj.cls);
			const selfObj = obj.self.k === 'obj' ? obj.self.obj : undefined;
			if (at >= 0) {
				for (const c of order.slice(at + 1)) {
					if (
						typeof c === 'string' &&
						!PLAIN_BASES.has(c) &&
						selfObj &&
						it.runtimes.some((r) => r.readsBase?.(selfObj, c) === false)
					) {
						// A library class nobody reads comes next (`class M(HubMixin, nn.Module)`): its
						// method may register anything on the instance.
						const cause: Cause = {
							reason: `\`super().${name}\` runs \`${c}.${name}\`, which NormLens cannot read`,
							range: it.here(obj.cls.node),
						};
						it.taint(obj.self, cause);
						return unknown(cause);
					}
					if (typeof c === 'string') {
						// A framework class comes first (`class M(nn.Module, Mixin)`): its method, not the mixin's.
						break;
					}
					const fn = c.methods.get(name);
					if (fn) {
						return { k: 'method', fn, self: obj.self, cls: c };
					}
				}
				return obj.self.k === 'obj'
					? { k: 'bound', self: obj.self, name, base: true }
					: obj.self.k === 'dict'
						? { k: 'bound', self: { ...obj.self, cls: undefined }, name }
						: { k: 'builtin', name: 'noop' };
			}
			for (const b of obj.cls.bases) {
				if (b.k === 'class') {
					const m = findMethod(b.cls, name);
					if (m) {
						return { k: 'method', fn: m.fn, self: obj.self, cls: m.owner };
					}
				}
			}
			// A framework base (nn.Module.__init__, nn.Sequential.__init__): its runtime decides.
			return obj.self.k === 'obj'
				? { k: 'bound', self: obj.self, name, base: true }
				: obj.self.k === 'dict'
					? { k: 'bound', self: { ...obj.self, cls: undefined }, name }
					: { k: 'builtin', name: 'noop' };
		}
		case 'dict': {
			if (!obj.cls) {
				return { k: 'bound', self: obj, name };
			}
			// An instance of a dict subclass: the class's own names, its `__dict__`, dict's
			// methods, then the class's `__getattr__`.
			const m = findMethod(obj.cls, name);
			if (m) {
				return bindMethod(it, m, obj, obj.cls);
			}
			if (name === '__class__') {
				return { k: 'class', cls: obj.cls };
			}
			if (name === '__dict__') {
				return { k: 'dict', entries: (obj.attrs ??= new Map()) };
			}
			const own = obj.attrs?.get(name) ?? classAttribute(obj.cls, name);
			return (
				own ??
				(DICT_METHODS.has(name) ? { k: 'bound', self: obj, name } : undefined) ??
				dictInstanceAttr(it, obj, name, obj.cls.node) ??
				unknown({
					reason: `\`${obj.cls.name}\` has no attribute \`${name}\`: Python raises AttributeError`,
					range: it.here(obj.cls.node),
				})
			);
		}
		case 'func':
			// `obj.__name__` (d2l's `add_to_class` sets a function on a class under its own name).
			return name === '__name__' || name === '__qualname__'
				? { k: 'str', v: obj.def.name }
				: { k: 'bound', self: obj, name };
		case 'unknown':
			return obj;
		case 'partial':
			// functools.partial's own attributes: what it calls, and with what.
			return name === 'func'
				? obj.fn
				: name === 'args'
					? { k: 'tuple', items: [...obj.positional] }
					: name === 'keywords'
						? { k: 'dict', entries: new Map(obj.keywords) }
						: { k: 'bound', self: obj, name };
		case 'tuple': {
			// A named tuple's field (`torch.max(x, 1).values`), or a method of its source class.
			const at = obj.fields?.indexOf(name) ?? -1;
			if (at >= 0) {
				return obj.items[at];
			}
			const m = obj.cls ? findMethod(obj.cls, name) : undefined;
			if (m && obj.cls) {
				return bindMethod(it, m, obj, obj.cls);
			}
			const classAttr = obj.cls
				? (namedTupleClassAttr(obj.cls, name) ?? classAttribute(obj.cls, name))
				: undefined;
			return classAttr ?? { k: 'bound', self: obj, name };
		}
		default:
			return { k: 'bound', self: obj, name };
	}
}

/** A method found on an instance's class, bound as its decorator says: a property's value, a static function, a class method. */
function bindMethod(
	it: Interpreter,
	m: { fn: FunctionValue; owner: ClassValue },
	self: Value,
	cls: ClassValue,
): Value {
	switch (m.fn.binding) {
		case 'static':
			return { k: 'func', def: m.fn };
		case 'class':
			return { k: 'method', fn: m.fn, self: { k: 'class', cls }, cls: m.owner };
		case 'property':
		case 'cached': {
			const v = it.callFunction(
				m.fn,
				{ positional: [], keywords: new Map(), node: m.fn.node },
				self,
				m.owner,
			);
			// functools.cached_property keeps the first value in the instance's __dict__, where
			// later reads find it before the class's (it is no data descriptor).
			if (m.fn.binding === 'cached' && self.k === 'instance') {
				self.inst.attrs.set(m.fn.name, v);
			} else if (m.fn.binding === 'cached' && self.k === 'obj') {
				// Written into `__dict__` directly: nn.Module's __setattr__ never sees a module kept so.
				setOwnAttr(it, self.obj, m.fn.name, v);
			}
			return v;
		}
		default:
			return { k: 'method', fn: m.fn, self, cls: m.owner };
	}
}

/** A class-level attribute (e.g. `expansion = 4`), through source bases. */
function classAttribute(cls: ClassValue, name: string): Value | undefined {
	for (const c of mro(cls)) {
		const own = c.attrs.get(name);
		if (own) {
			return own;
		}
	}
	return undefined;
}

/**
 * The key of a subscript whose object is `objNode`: obj[index], obj[a:b], obj[:, -1, ...] — items
 * between commas, each an expression, a slice or `...`; several items make a tuple key, as in Python.
 */
export function subscriptKey(it: Interpreter, objNode: SyntaxNode, scope: Scope): Value {
	const items: SyntaxNode[][] = [[]];
	let commas = 0;
	for (let c = objNode.nextSibling; c; c = c.nextSibling) {
		if (c.name === ',') {
			items.push([]);
			commas++;
		} else if (c.name !== '[' && c.name !== ']' && c.name !== 'Comment') {
			items[items.length - 1].push(c);
		}
	}
	if (items[items.length - 1].length === 0 && commas > 0) {
		items.pop(); // x[a, b,]
	}
	return items.length === 1 && commas === 0
		? indexItem(it, items[0], scope)
		: tuple(items.map((item) => indexItem(it, item, scope)));
}

/** One item of a subscript: `...`, a slice `a:b:c`, or an expression. */
export function indexItem(it: Interpreter, item: SyntaxNode[], scope: Scope): Value {
	if (item.some((c) => c.name === ':')) {
		return sliceValue(it, item, scope);
	}
	if (item.length !== 1) {
		return UNKNOWN;
	}
	return item[0].name === 'Ellipsis' ? { k: 'ellipsis' } : it.eval(item[0], scope);
}

/** `a:b:c` as a slice value (a bound that is not a known int is `null`). */
function sliceValue(it: Interpreter, item: SyntaxNode[], scope: Scope): Value {
	const bounds: (number | null | undefined)[] = [];
	let current: number | null | undefined;
	for (const c of item) {
		if (c.name === ':') {
			bounds.push(current);
			current = undefined;
		} else {
			const v = it.eval(c, scope);
			current = v.k === 'none' ? undefined : (asInt(v) ?? null);
		}
	}
	bounds.push(current);
	return { k: 'slice', start: bounds[0], stop: bounds[1], step: bounds[2] };
}

/** `[:]` (or `[::1]`): every item, whatever their order. */
const wholeSlice = (key: Value): boolean =>
	key.k === 'slice' &&
	(key.start === undefined || key.start === 0) &&
	key.stop === undefined &&
	(key.step === undefined || key.step === 1);

/** `obj[key]`; `node` is the subscript expression, where a framework reports an index it refuses. */
export function subscript(it: Interpreter, obj: Value, key: Value, node?: SyntaxNode): Value {
	if (obj.k === 'ref' && obj.path === 'sys.modules' && key.k === 'str') {
		// `getattr(sys.modules[__name__], model_type)`: the module running, by its `__name__`.
		const module =
			key.v === '__main__'
				? ({ k: 'module', name: '__main__', scope: it.globals } as Value)
				: it.modules.get(key.v);
		if (module?.k === 'module') {
			return module;
		}
	}
	const untrusted =
		obj.k === 'list' || obj.k === 'dict' || obj.k === 'tuple'
			? obj.cause
			: obj.k === 'unknown'
				? obj.cause
				: undefined;
	if (obj.k === 'unknown' && obj.why === NOT_A_MODEL_PART) {
		// An item of a NumPy array, a parsed JSON document…: no module part either.
		return obj;
	}
	if (untrusted || obj.k === 'unknown') {
		return unknown(untrusted);
	}
	if (key.k === 'unknown') {
		return unknown(key.cause);
	}
	if (obj.k === 'list' && obj.iterator) {
		// `zip(a, b)[0]`, `model.parameters()[0]`: Python 3 raises TypeError.
		return unknown(
			node && {
				reason: `\`${it.snippet(node)}\` indexes an iterator, which Python refuses (TypeError)`,
				range: it.here(node),
			},
		);
	}
	if (obj.k === 'list' && obj.order && !wholeSlice(key)) {
		readByPosition(obj, node ? it.here(node) : obj.order.cause.range);
	}
	if (key.k === 'slice' && (asSequence(obj) || obj.k === 'str')) {
		return sliceSequence(obj, key);
	}
	const items = asSequence(obj);
	if (items) {
		const i = asInt(key);
		if (i === undefined) {
			return UNKNOWN;
		}
		const j = i < 0 ? items.length + i : i;
		return j >= 0 && j < items.length ? items[j] : UNKNOWN;
	}
	if (obj.k === 'dict' && dictKey(key) !== undefined) {
		return obj.entries.get(dictKey(key) as string) ?? UNKNOWN;
	}
	if (obj.k === 'instance' && obj.inst.cls.itemsAreAttrs && key.k === 'str') {
		// scikit-learn's Bunch: `ds['data']` is `ds.data`.
		return obj.inst.attrs.get(key.v) ?? UNKNOWN;
	}
	if (obj.k === 'str') {
		const i = asInt(key);
		return i === undefined ? UNKNOWN : { k: 'str', v: obj.v.at(i) ?? '' };
	}
	if (obj.k === 'obj') {
		return it.callMethodOn(
			obj,
			'__getitem__',
			[key],
			node ? { positional: [key], keywords: new Map(), node } : undefined,
		);
	}
	return UNKNOWN;
}

/** `seq[a:b:c]` on a list, tuple or string; unknown when a bound is not a known int. */
function sliceSequence(obj: Value, key: Extract<Value, { k: 'slice' }>): Value {
	const items = asSequence(obj);
	if (
		(!items && obj.k !== 'str') ||
		key.start === null ||
		key.stop === null ||
		key.step === null
	) {
		return UNKNOWN;
	}
	const arr: unknown[] = items ?? [...(obj as { v: string }).v];
	const out = pySlice(arr, key.start, key.stop, key.step ?? 1);
	if (!out) {
		return UNKNOWN;
	}
	if (obj.k === 'str') {
		return { k: 'str', v: (out as string[]).join('') };
	}
	// A slice of a torch.Size, a TensorShape or a range is one too (a named tuple's is a tuple).
	if (obj.k === 'tuple') {
		const { torchSize, tensorShape } = obj;
		return {
			k: 'tuple',
			items: out as Value[],
			...(torchSize && { torchSize }),
			...(tensorShape && { tensorShape }),
		};
	}
	return {
		k: 'list',
		items: out as Value[],
		...(obj.k === 'list' && obj.range && { range: obj.range }),
	};
}
