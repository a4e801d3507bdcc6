// The interpreter's plug-in contract: what a framework runtime (torch, Keras) implements, what a
// call gives it, and the bounds every analysis runs within.
import type { SyntaxNode } from '@lezer/common';
import type { TextRange } from '../../protocol/analysis';
import type { CallSites, PythonSource } from './parse';
import type { Cause, ClassValue, FrameworkObject, FunctionValue, Value } from './values';

/** Arguments of one call, evaluated. */
export interface CallArgs {
	positional: Value[];
	keywords: Map<string, Value>;
	/** The call expression. */
	node: SyntaxNode;
	/**
	 * Set when the arguments are not all known: a `*xs` or `**kw` spread of something NormLens
	 * cannot list. Positional arguments after such a spread are left out; parameters not bound
	 * explicitly are then unknown for this reason, not their defaults.
	 */
	cause?: Cause;
	/**
	 * The arguments of a call written in the source (`f(x)`, `model(x)`): a parameter without a
	 * default they leave out is Python's TypeError. The calls NormLens makes itself (an example
	 * input, a builder it calls to show its model) leave such a parameter unknown instead.
	 */
	written?: true;
}

/** What a framework runtime sees about the call it is asked to evaluate. */
export interface CallContext {
	source: PythonSource;
	/** Maps a node to a range in the analysed file; a pure function (a runtime may keep it and call it later). */
	range(node: SyntaxNode): TextRange;
	/** The name on the left of `name = <this call>`, when the call is the whole right-hand side. */
	assignedTo: string | undefined;
	/** Calls a source-defined function (e.g. a module's `forward`), with `self` bound when given. */
	callFunction(fn: FunctionValue, args: CallArgs, self?: Value): Value;
	/** `obj.name(...)` through the interpreter, source methods included. */
	callMethod(self: Value, name: string, args: CallArgs): Value;
	/** Iterates a value the way `for` does. */
	iterate(v: Value): Value[] | undefined;
	/** Calls any value the way Python does (a source function, a lambda, a partial, a layer). */
	call(callee: Value, args: CallArgs): Value;
	/**
	 * The source methods running now, innermost first, as Python's frames show them to code that
	 * inspects its callers (Lightning's `save_hyperparameters()`); undefined when the function running
	 * now is not the innermost of them (a plain function or lambda called from a method).
	 */
	methodFrames(): MethodFrame[] | undefined;
	/**
	 * Where to edit a call's arguments (quick fixes); undefined while a local module's code runs,
	 * whose text is another file than the one the diagnostics are shown in.
	 */
	sites(call: SyntaxNode): CallSites | undefined;
	/** True while a bundled model zoo's code runs (src/core/zoo): findings about it are not the user's to fix. */
	library: boolean;
	/** Depth of source function calls (0 at module level). */
	depth: number;
}

/**
 * A framework's meaning for calls and attributes. The interpreter knows Python; runtimes know
 * Keras or torch. Each hook returns `undefined` for "not mine".
 */
export interface Runtime {
	callRef(path: string, args: CallArgs, ctx: CallContext): Value | undefined;
	callObject(obj: FrameworkObject, args: CallArgs, ctx: CallContext): Value | undefined;
	callMethod(
		obj: FrameworkObject,
		name: string,
		args: CallArgs,
		ctx: CallContext,
	): Value | undefined;
	/**
	 * `super().name(…)` inside a class whose base is this runtime's (`nn.Module.__init__`,
	 * `nn.LayerNorm.forward`, `keras.layers.Layer.build`); undefined when the runtime does not model it.
	 */
	callBaseMethod?(
		obj: FrameworkObject,
		name: string,
		args: CallArgs,
		ctx: CallContext,
	): Value | undefined;
	/**
	 * Whether this runtime models the base class `path` of its object `obj` (`nn.Module` for a
	 * module); false where `obj` is its own but the base is a class nobody reads (a library mixin
	 * before nn.Module, whose methods `super()` would run); undefined where `obj` is not its own.
	 */
	readsBase?(obj: FrameworkObject, path: string): boolean | undefined;
	getAttr(obj: FrameworkObject, name: string): Value | undefined;
	/**
	 * `hasattr(obj, name)` for a name neither `getAttr`, the object's own attributes nor its source
	 * class has: whether the framework's base gives it one (`parameters`), `false` when it surely
	 * does not, `undefined` when that is not known.
	 */
	hasFrameworkAttr?(obj: FrameworkObject, name: string): boolean | undefined;
	/** Creates the object for an instance of a source class whose bases include a framework class. */
	instantiate?(
		cls: ClassValue,
		bases: string[],
		args: CallArgs,
		ctx: CallContext,
	): FrameworkObject | undefined;
	/**
	 * A deep copy of a framework object for `copy.deepcopy` (python/deepCopy.ts), the objects it holds
	 * cloned through `memo` (the original → its copy), so that what the original shares stays shared;
	 * undefined when the runtime cannot copy it. The interpreter copies the plain attributes.
	 */
	cloneObject?(obj: FrameworkObject, memo: Map<object, object>): FrameworkObject | undefined;
	/**
	 * Why Python raises for certain at `obj.name = value` on a framework object (its AttributeError),
	 * before anything is set; undefined when the assignment goes ahead.
	 */
	refusedSetAttr?(
		obj: FrameworkObject,
		name: string,
		value: Value,
		range: TextRange,
	): Cause | undefined;
	/** `obj.name = value` on a framework object, at `range`; returns false when the runtime does not take it. */
	setAttr?(obj: FrameworkObject, name: string, value: Value, range?: TextRange): boolean;
	/** `a op b` where an operand is a framework object (tensor arithmetic); `range` is the expression's, when written. */
	binaryOp?(op: string, a: Value, b: Value, range?: TextRange): Value | undefined;
	/** `-x`, `+x`, `~x` of a framework object (a tensor's negation, a mask's inversion); undefined where the runtime does not take it. */
	unaryOp?(op: '-' | '+' | '~', v: Value, range: TextRange): Value | undefined;
	/** `a op= b` where `a` is a framework object that changes in place (`layers += [block]` on a ModuleList); undefined: as `a = a op b`. */
	inPlaceOp?(op: string, a: Value, b: Value, range: TextRange): Value | undefined;
	/**
	 * A call the interpreter cannot follow (an unknown object, a function no runtime knows) applied to
	 * `args`, `what` being its callee as written: a runtime whose tensors are among the arguments
	 * returns one that records that the graph goes through something unknown, so that a model built
	 * through it is not counted as if that part had no weights. `holder` is the object whose method
	 * made the call when the callee is one of its attributes (`self.backbone(x)` in `forward`): it
	 * holds something NormLens could not read. `calleePath` is the callee's dotted import path when
	 * it has one (`torch.frobnicate`, `zoo.load`).
	 */
	opaqueCall?(
		what: string,
		args: CallArgs,
		ctx: CallContext,
		holder: FrameworkObject | undefined,
		cause: Cause,
		calleePath?: string,
	): Value | undefined;
	/**
	 * A module-level name was bound to `value` (models take the name they are known by); `definedAt`
	 * when the name is a builder function or class NormLens called itself (library files).
	 */
	bind?(name: string, value: Value, definedAt?: TextRange): void;
	/**
	 * Whether the library module `module` (imported with `from module import *`) defines `name`:
	 * true or false where this runtime knows the module's names, undefined otherwise. With several
	 * such imports, this decides which one a name comes from (Python: the last that defines it).
	 */
	exportsName?(module: string, name: string): boolean | undefined;
	/**
	 * `Cls.name` of a source class that its own code does not define and whose framework base does
	 * (`Fn.apply` of a torch.autograd.Function subclass); `bases` are its framework bases' paths.
	 */
	classAttr?(cls: ClassValue, bases: readonly string[], name: string): Value | undefined;
	/**
	 * Calling this object on tensors leaves every count as it is (a built Keras layer or model);
	 * undefined where a call may build it (Keras creates an unbuilt layer's weights on its first call).
	 */
	callKeepsCounts?(obj: FrameworkObject): true | undefined;
	/** The key of TRUSTED_METHODS for an object of this runtime (`torch.module`), if any. */
	methodTable?(obj: FrameworkObject): string | undefined;
	/**
	 * Whether a call to `path`, which this runtime models, may change the arguments it receives
	 * (`spectral_norm(m)` does; `nn.Linear(…)`, `F.relu(x)`, `nn.Sequential(m)` do not). Used for
	 * calls in code that may or may not run, where NormLens does not run them. `undefined`: not mine.
	 */
	callEffect?(path: string): 'pure' | 'mutates' | undefined;
	/**
	 * One name for the aliases of a path this runtime reads the same way (`tf.keras.layers.Dense`,
	 * `tf_keras.layers.Dense`, `keras.layers.Dense`), so that a fallback import of the same thing under
	 * another name is seen as the same binding; undefined for paths that are not this runtime's.
	 */
	canonicalPath?(path: string): string | undefined;
	/** `isinstance(obj, <path>)` for this runtime's objects; `undefined` when not decidable. */
	isInstance?(obj: FrameworkObject, path: string): boolean | undefined;
	/** `type(obj)` of this runtime's objects (a library class, as its path); undefined when not known. */
	typeOf?(obj: FrameworkObject): Value | undefined;
	/** `issubclass(<path>, <base>)` for this runtime's classes; `undefined` when not decidable. */
	isSubclass?(path: string, base: string): boolean | undefined;
	/**
	 * `x.summary()` where x is not a model NormLens holds (`clone_model(…)`, an agent's model built by
	 * code it cannot read): the runtime whose summaries print that way records a summary it cannot
	 * count, with `cause`, so a table the notebook printed there gets a verdict, not silence.
	 */
	summaryOfUnknown?(label: string, cause: Cause, range: TextRange): void;

	/**
	 * What x is whether or not `x = x.method(args)` ran, for code that may or may not run it: x
	 * itself for a device move (`if torch.cuda.is_available(): model = model.cuda()` keeps the
	 * model) or a call that changes no count (`model.train()` in a training loop; what it may have
	 * changed, the mode, the runtime makes unknown for `mayRun`), a value both outcomes share (a
	 * tensor of x's shape whose values and dtype are unknown, after `x = x.float()` or
	 * `x = x.clamp(…)`), undefined when it may be anything else. `positional` are the arguments'
	 * values, an unknown for one that could not be read without running code; keyword arguments are
	 * named only.
	 */
	receiverAfter?(
		obj: FrameworkObject,
		method: string,
		positional: Value[] | undefined,
		keywords: string[],
		/** Why the call may not run, and where it is. */
		mayRun: { why: Cause; range: TextRange },
	): FrameworkObject | undefined;
}

/** Bounds that keep analysis interactive on any input. */
export interface InterpreterLimits {
	maxSteps: number;
	maxMillis: number;
	maxCallDepth: number;
	/** Longest list or tuple the interpreter materialises. */
	maxSequence: number;
}

export const defaultLimits: InterpreterLimits = {
	maxSteps: 2_000_000,
	maxMillis: 1500,
	maxCallDepth: 64,
	maxSequence: 100_000,
};

/** The words for the sequence bound: a list, tuple or range longer than the interpreter holds. */
export function sequenceBound(maxSequence: number): string {
	return `its sequence bound (a list, tuple or range of more than ${maxSequence.toLocaleString('en-US')} items)`;
}

/** Thrown where an analysis reaches its bounds (steps, time, sequence length): the rest is not interpreted. */
export class StopInterpretation extends Error {
	/** Which bound, in the words the user reads: `its step bound (2,000,000 steps)`. */
	constructor(readonly bound: string) {
		super(`NormLens stopped interpreting at ${bound}`);
	}
}

/** A source method running now: what Python's frame of it holds. */
export interface MethodFrame {
	readonly self: Value;
	/** The method's name (`__init__`). */
	readonly name: string;
	/** Its body names `super` or `__class__`, so Python gives its frame a `__class__` local. */
	readonly hasClassCell: boolean;
	/** Called straight from the next frame of the list (no plain function's frame between them). */
	readonly calledFromNext: boolean;
	/** Its arguments' values now (after any reassignment), by parameter name: `self` and `*args` left out, `**kwargs` entries merged. */
	args(): Map<string, Value>;
}

/** A source method running now (Interpreter.methodStack). */
export interface MethodEntry {
	self: Value;
	cls: ClassValue;
	def: FunctionValue;
	/** The interpreter's call depth inside it: consecutive depths are a direct call. */
	depth: number;
	/** Its body names `super` or `__class__` (Python's `__class__` cell). */
	hasClassCell: boolean;
	/** Its arguments' current values (MethodFrame.args). */
	args: () => Map<string, Value>;
	/** Every name its frame binds now, `self` included: `inspect`'s `f_locals`. */
	locals: () => Map<string, Value>;
}
