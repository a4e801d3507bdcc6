// The values the interpreter tracks, their scopes and classes, and why an unknown is unknown.
import type { SyntaxNode } from '@lezer/common';
import type { TextRange, UnknownCause } from '../../protocol/analysis';
import { c3 } from './c3';

/** Why a value is unknown: the first construct NormLens could not follow, and where it is. */
export type Cause = UnknownCause;

/**
 * Values of the model-building subset of Python that the interpreter tracks. Anything it cannot
 * decide is `unknown`, and unknowns propagate: a count built from an unknown is never guessed.
 */
export type Value =
	/**
	 * A Python int or float. `float` marks a Python float (a literal with a point or an exponent,
	 * a true division, `float(…)`, arithmetic with a float): `50.0` equals `50`, but PyTorch refuses
	 * it as a size, and Python as a `range()` bound or an index.
	 */
	| { k: 'num'; v: number; float?: true }
	/**
	 * `interned`: a literal CPython interns when it compiles the code (its characters are all
	 * letters, digits and `_`), so that two such literals of one text are one object (`is`).
	 */
	| { k: 'str'; v: string; interned?: true }
	| { k: 'bool'; v: boolean }
	| { k: 'none' }
	/**
	 * `fields`: the names of a named tuple's items (`torch.max(x, 1).values`); `cls`: the source's
	 * named-tuple class it is an instance of (`collections.namedtuple`, `typing.NamedTuple`);
	 * `torchSize`: a `torch.Size` (`x.size()`), which `x.new(size)` reads as sizes, not data.
	 */
	| {
			k: 'tuple';
			items: Value[];
			cause?: Cause;
			fields?: readonly string[];
			cls?: ClassValue;
			torchSize?: true;
			/** A Keras tensor's `.shape`: TensorFlow's TensorShape equals a list of the same sizes, Keras 3's tuple does not. */
			tensorShape?: true;
	  }
	/**
	 * `cause`: something NormLens could not follow may have changed the list (its items are then not
	 * trusted). `iterator`: an iterator or generator (`iter(xs)`, `module.parameters()`), not a
	 * list: `next()` takes its items one by one from the front.
	 */
	| {
			k: 'list';
			items: Value[];
			cause?: Cause;
			iterator?: true;
			/** A `range(…)`, held as its items: it equals no list or tuple (`range(3) == [0, 1, 2]` is False). */
			range?: true;
			/**
			 * A framework object this list may be the storage of (standalone Keras's `model.layers`):
			 * editing the list may change it, for this reason.
			 */
			editsOwner?: { obj: FrameworkObject; cause: Cause };
			/**
			 * Which item is at which position depends on what NormLens does not know (the Keras
			 * version an application's layer list comes from): reading an item by its position
			 * (`base.layers[:100]`, `enumerate(base.layers)`) marks `obj` (`readByPosition`).
			 */
			order?: { obj: FrameworkObject; cause: Cause };
	  }
	/** `editsOwner`: as a list's (a module's `_modules`, whose items are its children). */
	/**
	 * `cls`: an instance of a source class deriving from dict (a config's `AttrDict`), its items the
	 * entries and `attrs` its own `__dict__` (the same map after `self.__dict__ = self`).
	 */
	| {
			k: 'dict';
			entries: Map<string, Value>;
			cause?: Cause;
			editsOwner?: { obj: FrameworkObject; cause: Cause };
			cls?: ClassValue;
			attrs?: Map<string, Value>;
	  }
	/** `why` tags internal kinds of unknown (the batch size); `cause` says why, for the user. */
	/**
	 * `truth`: whether it is truthy, where that alone is known (`x.is_cuda and self.ngpu > 1` with
	 * `ngpu = 1` is falsy whatever `x.is_cuda` is).
	 */
	/** `elem`: an item of a set's iteration, whose slot in that order is all NormLens cannot tell (sets.ts). */
	/** `scalar`: one Python float whose value is all NormLens does not hold (`float('-inf')`). */
	| {
			k: 'unknown';
			why?: string;
			cause?: Cause;
			truth?: boolean;
			elem?: SetElement;
			scalar?: true;
	  }
	/** `functools.partial(fn, *args, **kwargs)`. */
	| { k: 'partial'; fn: Value; positional: Value[]; keywords: Map<string, Value> }
	/** A dotted path reached through imports, e.g. `tensorflow.keras.layers.Dense`. */
	| { k: 'ref'; path: string }
	| { k: 'func'; def: FunctionValue }
	| { k: 'builtin'; name: string }
	/** A method bound to a value, e.g. `model.add`. */
	/** `obj.name` as a callable; `base`: `super().name` where the base class is the framework's (nn.Module, keras.Layer). */
	| { k: 'bound'; self: Value; name: string; base?: true }
	/** A framework object (layer, tensor, model); the framework runtime owns its meaning. */
	| { k: 'obj'; obj: FrameworkObject }
	/** A class defined in the analysed source. */
	| { k: 'class'; cls: ClassValue }
	/** An instance of a source class that no framework claims. */
	| { k: 'instance'; inst: Instance }
	/** A source-defined method bound to its receiver. */
	| { k: 'method'; fn: FunctionValue; self: Value; cls: ClassValue }
	/** `super()` inside a method of `cls`. */
	| { k: 'super'; self: Value; cls: ClassValue }
	/** A local module imported from the analysed file's folder (`import utils as U`). */
	| { k: 'module'; name: string; scope: Scope }
	/** `a:b:c` inside a subscript; a bound is `undefined` when left out and `null` when not an int the interpreter knows. */
	| {
			k: 'slice';
			start: number | null | undefined;
			stop: number | null | undefined;
			step: number | null | undefined;
	  }
	/** `...` inside a subscript. */
	| { k: 'ellipsis' };

/** Which item of which iteration of a set (python/sets.ts) an unknown is. */
export interface SetElement {
	/** The set (a `PySet`), as a framework object: values.ts does not import the runtime. */
	set: FrameworkObject & { version: number; items: Map<string, Value> };
	/** The set's version when it was iterated: a change may reorder it. */
	version: number;
	/** Its place in that iteration. */
	slot: number;
}

/** Objects owned by a framework runtime; `kind` lets the runtime dispatch. */
export interface FrameworkObject {
	readonly framework: string;
	readonly kind: string;
	/** The source class this object is an instance of (e.g. a user `nn.Module` subclass). */
	pyClass?: ClassValue;
	/**
	 * Why the object's counts are unknown, when they are: it holds or was built from something
	 * NormLens cannot read (an unknown size, an unknown element, an unknown attribute value).
	 */
	unknownCause?: Cause;
	/**
	 * Set when something NormLens could not follow may have changed the object (it was passed to an
	 * unknown function, an untrusted method ran on it): its attributes are no longer trusted either.
	 */
	taint?: Cause;
	/** A list of its parts whose order NormLens does not know was read by position (a list's `order`), for this reason. */
	readByPosition?: Cause;
	/**
	 * Tells the object that something wrote into it, or may have: an item assignment (`x[0] = 5`) or
	 * a call NormLens cannot follow that it was given. Values it holds are stale from then on.
	 */
	written?(): void;
	/**
	 * `bool(obj)`: undefined where the object's truth depends on what NormLens does not know (a
	 * tensor's is its one value, and PyTorch raises for more); an object without it is true.
	 */
	truth?(): boolean | undefined;
	/**
	 * The framework objects it holds that other objects may hold too (a Keras model's layers): code
	 * NormLens cannot follow that is given this object may change them, so they are tainted with it.
	 */
	held?(): Iterable<FrameworkObject>;
	/**
	 * Why the object, a module NormLens never ran, may not have run: it was called only in code
	 * NormLens could not tell runs (a branch on `self.training` after a loop over unread data).
	 */
	skippedCall?: Cause;
}

export interface ClassValue {
	name: string;
	node: SyntaxNode;
	source?: unknown;
	bases: Value[];
	methods: Map<string, FunctionValue>;
	attrs: Map<string, Value>;
	/** A `@dataclass`: its fields in order, with their defaults (the generated `__init__` takes them). */
	fields?: ClassField[];
	/** A named tuple (`collections.namedtuple(…)`, `class P(NamedTuple)`): `fields` are its items. */
	namedTuple?: true;
	/** `class C(metaclass=M)`: M may answer `isinstance` and `type()` its own way. */
	metaclass?: true;
	/** A library's dict whose keys are also its attributes (scikit-learn's Bunch): `x['k']` is `x.k`. */
	itemsAreAttrs?: true;
}

/** A field of a dataclass or a named tuple, as the generated `__init__` takes it. */
export interface ClassField {
	name: string;
	/** Its default (undefined: none, the caller must give it). */
	default: Value | undefined;
	/** `field(default_factory=f)`: called for each new instance. */
	factory?: Value;
	/** `field(init=False)`: not a parameter of `__init__`. */
	init?: false;
	/** `x: InitVar[int]`: a parameter passed on to `__post_init__`, never an attribute. */
	initVar?: true;
	/** After `_: KW_ONLY`, or `field(kw_only=True)` / `@dataclass(kw_only=True)`: by keyword only. */
	kwOnly?: true;
}

export interface Instance {
	cls: ClassValue;
	attrs: Map<string, Value>;
	unknownCause?: Cause;
}

/** `Cls.name = value` (`setattr`, d2l's `add_to_class`): one namespace, so a function set there is a method from then on. */
export function setClassAttr(cls: ClassValue, name: string, value: Value): void {
	if (value.k === 'func') {
		cls.methods.set(name, value.def);
		cls.attrs.delete(name);
	} else {
		cls.methods.delete(name);
		cls.attrs.set(name, value);
	}
}

/** Finds a method along a class's bases (depth-first, as Python's MRO does for simple trees). */
export function findMethod(
	cls: ClassValue,
	name: string,
): { fn: FunctionValue; owner: ClassValue } | undefined {
	for (const c of mro(cls)) {
		const own = c.methods.get(name);
		if (own) {
			return { fn: own, owner: c };
		}
	}
	return undefined;
}

const mroCache = new WeakMap<ClassValue, ClassValue[]>();

/**
 * The source classes of `cls`'s method resolution order, as Python's C3 linearization orders them:
 * in a diamond `class D(B, C)` with `B(A)` and `C(A)`, D → B → C → A — a lookup or `super()` in B
 * goes on to C, not to A. Framework bases (nn.Module) come after all of these. Where C3 finds no
 * order (Python raises TypeError defining such a class), the depth-first chain.
 */
export function mro(cls: ClassValue): ClassValue[] {
	const cached = mroCache.get(cls);
	if (cached) {
		return cached;
	}
	const order =
		c3(cls, (c) => c.bases.flatMap((b) => (b.k === 'class' ? [b.cls] : []))) ?? classChain(cls);
	mroCache.set(cls, order);
	return order;
}

/** Dotted import paths of a class's non-source bases, through source bases too. */
export function basePaths(cls: ClassValue, seen = new Set<ClassValue>()): string[] {
	if (seen.has(cls)) {
		return [];
	}
	seen.add(cls);
	const out: string[] = [];
	for (const b of cls.bases) {
		if (b.k === 'ref') {
			out.push(b.path);
		} else if (b.k === 'class') {
			out.push(...basePaths(b.cls, seen));
		}
	}
	return out;
}

export interface FunctionValue {
	name: string;
	node: SyntaxNode;
	/** The source the function was defined in (a local module may differ from the analysed file). */
	source?: unknown;
	params: ParamSpec[];
	body: SyntaxNode | null;
	/** Lambda bodies are a single expression. */
	expression: SyntaxNode | null;
	closure: Scope;
	/**
	 * Decorated by something that may supply its arguments (`@hydra.main`, `@click.command()`): a
	 * call that leaves a parameter out is then no certain TypeError.
	 */
	wrapped?: true;
	/** A method's decorator that changes how it binds: `@staticmethod`, `@classmethod`, `@property`, `@cached_property`. */
	binding?: 'static' | 'class' | 'property' | 'cached';
	/** A property's `@x.setter`: what `obj.x = value` runs. */
	setter?: FunctionValue;
	/** `@tf.custom_gradient`: its body returns (output, gradient function); a call gives the output. */
	returnsFirst?: true;
	/** `@functools.lru_cache` / `@cache`: results by argument key, most recent last (lruCache.ts). */
	memo?: { max: number | null; results: Map<string, Value> };
	/** The class whose body defines it: its `__class__` cell, which a bare `super()` reads. */
	definedIn?: ClassValue;
}

export interface ParamSpec {
	name: string;
	default: Value | undefined;
	star: '' | '*' | '**';
	/** After a bare `*` or `*args`: bound only by keyword, never by position. */
	keywordOnly?: boolean;
}

export const UNKNOWN: Value = { k: 'unknown' };

/** An unknown value with its cause (plain `UNKNOWN` when there is none to give). */
export function unknown(cause: Cause | undefined): Value {
	return cause ? { k: 'unknown', cause } : UNKNOWN;
}

/**
 * The `why` of what a function gives back when an exception Python raises for certain unwinds
 * through it (`raising` in interpreter.ts): a forward that stopped there, not one that returned.
 */
export const RAISED = 'raised';

/** What a function gives back when an exception Python raises for certain unwinds through it. */
export function raised(cause: Cause): Value {
	return { k: 'unknown', cause, why: RAISED };
}

/** An item of `v` picked by its position (`enumerate`, an index, a slice): its owner is told, where the order is unknown. */
export function readByPosition(v: Value | undefined, range: TextRange): void {
	if (v?.k === 'list' && v.order) {
		v.order.obj.readByPosition ??= { ...v.order.cause, range };
	}
}

/** An iterator whose items NormLens holds (`iter(xs)`, `zip(…)`, a generator expression): taking from it uses it up. */
export function isLiveIterator(v: Value): v is Extract<Value, { k: 'list' }> & { iterator: true } {
	return v.k === 'list' && v.iterator === true && !v.cause;
}

/**
 * A torch.nn or Keras layer class by its path (`torch.nn.BatchNorm2d`, `keras.layers.Dense`): a
 * class, so true, and of type `type` (no metaclass of its own).
 */
export function isLayerClassPath(path: string): boolean {
	return /^(?:torch\.nn|(?:tensorflow\.)?keras\.layers)\.(?:[a-z_]+\.)*[A-Z]\w*$/.test(path);
}

/**
 * The cause that makes `v` untrusted, if any: an unknown's cause, or the taint of a container or
 * object. Looks into tuples (a tuple of sizes with one unknown size is unknown for that reason).
 */
export function causeOf(v: Value | undefined, depth = 0): Cause | undefined {
	if (!v || depth > 8) {
		return undefined;
	}
	switch (v.k) {
		case 'unknown':
			return v.cause;
		case 'list':
		case 'dict':
		case 'tuple':
			if (v.cause) {
				return v.cause;
			}
			break;
		case 'obj':
			return v.obj.unknownCause;
		case 'instance':
			return v.inst.unknownCause;
		default:
			break;
	}
	if (v.k === 'tuple' || v.k === 'list') {
		for (const item of v.items) {
			const c = causeOf(item, depth + 1);
			if (c) {
				return c;
			}
		}
	}
	return undefined;
}
export const NONE: Value = { k: 'none' };

export function num(v: number): Value {
	return { k: 'num', v };
}

/** A Python float (see `Value`'s `num`). */
export function float(v: number): Value {
	return { k: 'num', v, float: true };
}

/** A number of the same Python type as `like` (an int stays an int, a float a float). */
export function numLike(v: number, like: Value | undefined): Value {
	return isFloat(like) ? float(v) : num(v);
}

/** Whether `v` is a Python float, not an int (a bool is an int). */
export function isFloat(v: Value | undefined): boolean {
	return v?.k === 'num' && v.float === true;
}

/** A number as Python's `repr` prints it: `50`, `50.0`, `0.25`, `1e-05` (for messages). */
export function pyNumber(v: Value & { k: 'num' }): string {
	const x = v.v;
	if (v.float && Object.is(x, -0)) {
		return '-0.0';
	}
	if (!v.float || !Number.isFinite(x)) {
		return !Number.isFinite(x) ? (Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf') : String(x);
	}
	// The decimal exponent of the shortest digits that read back as x (as repr's choice needs;
	// log10 rounds up just below a power of ten).
	const [m, e] = x.toExponential().split('e');
	const exp = Number(e);
	if (exp < -4 || exp >= 16) {
		// Python: 1e-05, 1.5e+16 — at least two exponent digits, the mantissa without a trailing .0.
		return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
	}
	const s = String(x);
	return Number.isInteger(x) ? `${s}.0` : s;
}

export function tuple(items: Value[]): Value {
	return { k: 'tuple', items };
}

/** Variable bindings with lexical parents (module globals at the root). */
export class Scope {
	private readonly vars = new Map<string, Value>();
	/** Names declared `global` or `nonlocal` in this scope. */
	private declared: Map<string, 'global' | 'nonlocal'> | undefined;
	/**
	 * `classBody`: a class body's scope, which functions, lambdas and comprehensions inside it do not
	 * see (`dims = [base * i for i in …]` in a class body is a NameError for `base`).
	 */
	constructor(
		readonly parent: Scope | null,
		readonly classBody = false,
	) {}

	declare(name: string, kind: 'global' | 'nonlocal'): void {
		(this.declared ??= new Map()).set(name, kind);
	}

	/** The module's scope. */
	root(): Scope {
		return this.parent ? this.parent.root() : this;
	}

	/** The scope an assignment to `name` here binds: this one, the module's (`global`) or an enclosing one (`nonlocal`). */
	resolveBinding(name: string): Scope {
		const kind = this.declared?.get(name);
		if (kind === 'global') {
			return this.root();
		}
		if (kind === 'nonlocal') {
			for (let s = this.parent; s; s = s.parent) {
				if (s.vars.has(name) && s.parent) {
					return s;
				}
			}
		}
		return this;
	}

	get(name: string): Value | undefined {
		const v = this.vars.get(name);
		if (v !== undefined) {
			return v;
		}
		return this.parent?.get(name);
	}

	set(name: string, value: Value): void {
		this.vars.set(name, value);
	}

	/** The names bound in this scope itself, as a frame's `f_locals` lists them (a copy). */
	ownEntries(): Map<string, Value> {
		return new Map(this.vars);
	}

	entries(): IterableIterator<[string, Value]> {
		return this.vars.entries();
	}
}

/** The first cause among some values (a layer's arguments, a call's arguments). */
export function firstCause(values: Iterable<Value>): Cause | undefined {
	for (const v of values) {
		const c = causeOf(v);
		if (c) {
			return c;
		}
	}
	return undefined;
}

/**
 * Library names that are true whatever the version and machine: the functions (and modules, and
 * non-empty tables) of torch.nn.functional and math, and torch's functions (`self.output =
 * F.sigmoid`, then `if self.output:`). Not torch's `has_cuda` / `has_mps` flags, nor an upper-case
 * constant (`TYPE_CHECKING` is False).
 */
const ALWAYS_TRUE_REF = /^(?:torch\.nn\.functional|math|torch(?!\.has_))\.[a-z][A-Za-z0-9_]*$/;

/** Python truthiness where it can be decided; `undefined` when it cannot. */
export function truthy(v: Value): boolean | undefined {
	switch (v.k) {
		case 'num':
			return v.v !== 0;
		case 'str':
			return v.v.length > 0;
		case 'bool':
			return v.v;
		case 'none':
			return false;
		case 'tuple':
		case 'list':
			return v.cause ? undefined : v.items.length > 0;
		case 'dict':
			return v.cause ? undefined : v.entries.size > 0;
		// An attribute of an imported module (`cfg.flag`) is not known either.
		case 'unknown':
			return v.truth;
		case 'ref':
			// A framework's layer class (`norm_layer(dim) if norm_layer else None` with nn.LayerNorm)
			// is a class, and a class is true; another imported name may be anything (None).
			return isLayerClassPath(v.path) || ALWAYS_TRUE_REF.test(v.path) ? true : undefined;
		case 'obj':
			return v.obj.truth ? v.obj.truth() : true;
		default:
			return true;
	}
}

/** A number from a value, or `undefined` (booleans count, as in Python). */
export function asNumber(v: Value | undefined): number | undefined {
	if (!v) {
		return undefined;
	}
	if (v.k === 'num') {
		return v.v;
	}
	if (v.k === 'bool') {
		return v.v ? 1 : 0;
	}
	return undefined;
}

export function asInt(v: Value | undefined): number | undefined {
	const n = asNumber(v);
	return n !== undefined && Number.isInteger(n) ? n : undefined;
}

export function asString(v: Value | undefined): string | undefined {
	return v && v.k === 'str' ? v.v : undefined;
}

export function asSequence(v: Value | undefined): Value[] | undefined {
	// A list something NormLens could not follow may have changed (`cause`): its items are not known.
	return v && (v.k === 'tuple' || v.k === 'list') && !v.cause ? v.items : undefined;
}

/** Python's `repr`-like rendering, used in messages and summaries. */
export function show(v: Value): string {
	switch (v.k) {
		case 'num':
			return pyNumber(v);
		case 'str':
			return JSON.stringify(v.v);
		case 'bool':
			return v.v ? 'True' : 'False';
		case 'none':
			return 'None';
		case 'tuple':
			return `(${v.items.map(show).join(', ')}${v.items.length === 1 ? ',' : ''})`;
		case 'list':
			return `[${v.items.map(show).join(', ')}]`;
		default:
			return '?';
	}
}

/** A class and its source bases (Python's MRO for simple trees). */
export function classChain(
	cls: ClassValue | undefined,
	seen = new Set<ClassValue>(),
): ClassValue[] {
	if (!cls || seen.has(cls)) {
		return [];
	}
	seen.add(cls);
	return [cls, ...cls.bases.flatMap((b) => (b.k === 'class' ? classChain(b.cls, seen) : []))];
}
