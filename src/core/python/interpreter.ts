// The interpreter: its state and entry points; the evaluator's rooms (evaluator/) meet here.
import type { SyntaxNode } from '@lezer/common';
import type { AnalysisDiagnostic, TextRange } from '../../protocol/analysis';
import { CallSites, PythonSource } from './parse';
import {
	CallArgs,
	CallContext,
	defaultLimits,
	InterpreterLimits,
	MethodEntry,
	MethodFrame,
	Runtime,
	StopInterpretation,
} from './contract';
import type { BuiltinHost } from './builtins';
import { UncalledDefinition, uncalledDefinitions } from './afterRun';
import {
	asSequence,
	Cause,
	ClassValue,
	findMethod,
	FrameworkObject,
	FunctionValue,
	isLiveIterator,
	ParamSpec,
	RAISED,
	raised,
	Scope,
	Value,
} from './values';
import { keyValue } from './dictKeys';
import * as assignment from './evaluator/assignment';
import * as calls from './evaluator/calls';
import * as classes from './evaluator/classes';
import * as comprehensions from './evaluator/comprehensions';
import * as controlFlow from './evaluator/controlFlow';
import * as expressions from './evaluator/expressions';
import * as functions from './evaluator/functions';
import * as havoc from './evaluator/havoc';
import * as imports from './evaluator/imports';
import * as members from './evaluator/members';
import * as methods from './evaluator/methods';
import * as statements from './evaluator/statements';
import type { Completion } from './evaluator/statements';
import { setRuntime } from './sets';
import { GeneratorFrame, yieldsMayBeMissed } from './evaluator/generators';

export type { CallArgs, CallContext, InterpreterLimits, Runtime } from './contract';
export { defaultLimits } from './contract';
export { leftOutStatement } from './evaluator/statements';

/**
 * Runs a Python source with the framework runtimes that model its libraries. The evaluator itself
 * lives in evaluator/*.ts, one room per part of Python, as functions of this interpreter. The rooms
 * import none of one another's code (types only): they call each other through the methods at the
 * end of this class, so that the evaluator's recursion (a call runs a body, which evaluates calls)
 * is no import cycle.
 */
export class Interpreter implements BuiltinHost {
	readonly globals = new Scope(null);
	/** Source functions and classes that were called at least once. */
	readonly called = new Set<FunctionValue | ClassValue>();
	steps = 0;
	truncated = false;
	/** Which bound stopped the run (StopInterpretation's words) and the statement it stopped in, when `truncated`. */
	stoppedAt: string | undefined;
	stoppedIn: TextRange | undefined;
	/** The frameworks' runtimes, then the one of Python's sets (sets.ts). */
	readonly runtimes: Runtime[];
	/** How many source calls deep the evaluator is now (bounded by `limits.maxCallDepth`). */
	depth = 0;
	readonly deadline: number;
	/** The name on the left of the assignment being evaluated (`self.fc = …`): a runtime's `assignedTo`. */
	assignTarget: string | undefined;

	/** The source being executed: the analysed file, or a local module while its code runs. */
	source: PythonSource;
	/** Innermost call in the analysed file: where objects built by a local module's code are shown. */
	mainCallSite: SyntaxNode | undefined;
	/** Outside any call in the analysed file (a call after the run): where a local module's code is shown. */
	private afterRunSite: TextRange | undefined;
	/** How many imports deep the evaluator is (a module's code counts that much deeper for runtimes). */
	importDepth = 0;
	/** Local and bundled modules imported so far, by dotted name (each runs once). */
	readonly modules = new Map<string, Value>();

	constructor(
		readonly mainSource: PythonSource,
		frameworks: Runtime[],
		readonly limits: InterpreterLimits = defaultLimits,
		/** Text of a local module (`model` → model.py next to the file), or undefined. */
		readonly readModule: (name: string) => string | undefined = () => undefined,
	) {
		this.source = mainSource;
		this.runtimes = [...frameworks, setRuntime];
		this.deadline = Date.now() + limits.maxMillis;
		// The analysed file runs as a script: `if __name__ == "__main__":` blocks run.
		this.globals.set('__name__', { k: 'str', v: '__main__' });
	}

	/** Where `node` is, in the analysed file (a local module's code maps to the call that ran it). */
	here(node: SyntaxNode): TextRange {
		return this.source === this.mainSource
			? this.mainSource.rangeOf(node)
			: this.callSiteRange()(node);
	}

	/** Source text of a node, shortened for messages. */
	snippet(node: SyntaxNode | null | undefined): string {
		const text = node ? this.source.slice(node).replace(/\s+/g, ' ') : '…';
		return text.length > 60 ? `${text.slice(0, 57)}…` : text;
	}

	/** Runs `fn` with `source` as the current source. */
	within<T>(source: PythonSource, fn: () => T): T {
		const saved = this.source;
		this.source = source;
		try {
			return fn();
		} finally {
			this.source = saved;
		}
	}

	/** A range in the analysed file, while a local module's code runs: every node maps to the call in the file that ran it. */
	private callSiteRange(): (node: SyntaxNode) => TextRange {
		const site: TextRange = this.mainCallSite
			? this.mainSource.rangeOf(this.mainCallSite)
			: (this.afterRunSite ?? this.mainSource.rangeOf({ from: 0, to: 0 }));
		return () => site;
	}
	run(): void {
		try {
			this.execBlock(this.source.tree.topNode, this.globals);
		} catch (e) {
			this.stop(e);
		}
		this.topStatement = undefined;
	}

	/** The run stops at a bound: nothing after it is interpreted, and the analysis says which bound and where. */
	private stop(e: unknown): void {
		if (!(e instanceof StopInterpretation)) {
			throw e;
		}
		this.truncated = true;
		this.stoppedAt ??= e.bound;
		const at = this.topStatement;
		this.stoppedIn ??= at ? this.mainSource.rangeOf(at) : this.afterRunSite;
	}

	/**
	 * Calls `v` after the program has run (the example input given to a model the file never calls, a
	 * builder it never calls): a bound reached there stops the analysis as in the program; undefined
	 * then, or when it had stopped already. `site`: where a cause in a local module's code is shown.
	 */
	callAfterRun(v: Value, args: CallArgs, site?: TextRange): Value | undefined {
		if (this.truncated) {
			return undefined;
		}
		const saved = this.afterRunSite;
		this.afterRunSite = site;
		this.raising = undefined;
		try {
			const r = this.call(v, args);
			// A call Python never makes: an exception it raises makes its result unknown, for that cause.
			return this.raising ? raised(this.raising) : r;
		} catch (e) {
			this.stop(e);
			return undefined;
		} finally {
			this.afterRunSite = saved;
			this.raising = undefined;
		}
	}

	/**
	 * Library files define models without building them (`def resnet18(pretrained=False)`): a
	 * module-level function or class never called, whose parameters all have defaults, is called
	 * once, in source order, so that its model is reported under its own name.
	 */
	runUncalledDefinitions(): void {
		for (const d of this.uncalledDefinitions()) {
			if (
				!d.required.length &&
				!this.build(d.name, d.value, { positional: [], keywords: new Map() })
			) {
				return;
			}
		}
	}

	/**
	 * What the analysed file defines at module level and never calls: functions, and classes whose
	 * bases include a framework class, with the parameters that have no default.
	 */
	uncalledDefinitions(): UncalledDefinition[] {
		return this.truncated ? [] : uncalledDefinitions(this);
	}

	/**
	 * Calls a definition of the analysed file with `args` (none for a library's builders; those a file
	 * beside it calls it with), and binds what it returns to its name, shown where it is defined
	 * (`def resnet50`), not where its helper builds it. False when the analysis ran out of its bounds.
	 */
	build(
		name: string,
		v: Value,
		args: { positional: Value[]; keywords: Map<string, Value> },
	): boolean {
		if (this.truncated || (v.k !== 'func' && v.k !== 'class')) {
			return !this.truncated;
		}
		const node = v.k === 'func' ? v.def.node : v.cls.node;
		const init = v.k === 'class' ? findMethod(v.cls, '__init__')?.fn : undefined;
		const result = this.callAfterRun(v, { ...args, node: init?.node ?? node });
		if (result === undefined) {
			return false;
		}
		const at = this.mainSource.rangeOf(node);
		if (result.k === 'obj') {
			this.runtimes.forEach((r) => r.bind?.(name, result, at));
		} else if (result.k === 'unknown' && result.why === RAISED && result.cause) {
			this.diagnostics.push({
				range: at,
				severity: 'info',
				code: 'python-raises',
				message: `\`${name}(…)\`, which NormLens calls as the file never does, raises: ${result.cause.reason}. It builds no model, so none is shown.`,
			});
		}
		return true;
	}

	/**
	 * The first call the analysed program itself makes of each class or function of a local module
	 * it imports (`model = Net(classes=5)` in train.py, for blocks.Net): by module, then name.
	 */
	readonly moduleCalls = new Map<
		string,
		Map<string, { positional: Value[]; keywords: Map<string, Value>; range: TextRange }>
	>();

	/** The dotted name of each local module's source. */
	readonly moduleNames = new Map<unknown, string>();

	tick(): void {
		this.steps++;
		if (this.steps > this.limits.maxSteps) {
			throw new StopInterpretation(
				`its step bound (${this.limits.maxSteps.toLocaleString('en-US')} steps)`,
			);
		}
		if ((this.steps & 1023) === 0 && Date.now() > this.deadline) {
			throw new StopInterpretation(
				`its time bound (${this.limits.maxMillis.toLocaleString('en-US')} ms)`,
			);
		}
	}

	/** The source methods running now, innermost last: their receiver and class, and their frame. */
	readonly methodStack: MethodEntry[] = [];

	currentMethod(): MethodEntry | undefined {
		return this.methodStack[this.methodStack.length - 1];
	}
	/** Plain attributes of framework objects that their runtime did not take (e.g. `self.n = 3`). */
	readonly objectAttrs = new WeakMap<FrameworkObject, Map<string, Value>>();

	// One of each of the context's functions serves every call.
	private readonly mainRange = (n: SyntaxNode): TextRange => this.mainSource.rangeOf(n);
	private readonly ctxCallFunction = (fn: FunctionValue, args: CallArgs, self?: Value): Value =>
		this.callFunction(fn, args, self);
	private readonly ctxCallMethod = (self: Value, name: string, args: CallArgs): Value =>
		this.call(this.getAttr(self, name), args);
	private readonly ctxIterate = (v: Value): Value[] | undefined => this.iterate(v);
	private readonly ctxCall = (callee: Value, args: CallArgs): Value => this.call(callee, args);
	private readonly ctxMethodFrames = (): MethodFrame[] | undefined =>
		functions.methodFrames(this);
	private readonly mainSites = (call: SyntaxNode): CallSites =>
		new CallSites(call, this.mainSource, this.mainRange);
	private readonly noSites = (): undefined => undefined;

	/** Findings of the interpreter itself (a class whose base it cannot read). */
	readonly diagnostics: AnalysisDiagnostic[] = [];
	/** The classes already reported for an unreadable base, by name and line. */
	readonly notedBases = new Set<string>();

	/** Sources of the bundled model zoos that were loaded (src/core/zoo). */
	readonly librarySources = new Set<PythonSource>();

	/** What a runtime's call is given: where it is, and how to call back into the evaluator. */
	ctx(): CallContext {
		return {
			source: this.source,
			// A pure function, so that a runtime may keep it (e.g. for quick-fix positions found later).
			range: this.source === this.mainSource ? this.mainRange : this.callSiteRange(),
			assignedTo: this.source === this.mainSource ? this.assignTarget : undefined,
			callFunction: this.ctxCallFunction,
			callMethod: this.ctxCallMethod,
			iterate: this.ctxIterate,
			call: this.ctxCall,
			methodFrames: this.ctxMethodFrames,
			sites: this.source === this.mainSource ? this.mainSites : this.noSites,
			library: this.librarySources.has(this.source),
			depth: this.depth + this.importDepth,
		};
	}

	/** Called before each statement of the analysed file's top level (a notebook's cells end between them). */
	beforeTopStatement: ((statement: SyntaxNode) => void) | undefined;
	/** The file's top-level statement under way: where a global it binds is defined (its input comment). */
	topStatement: SyntaxNode | undefined;

	/** Source functions whose body is being havocked now (havoc.ts): a recursion havocs nothing more. */
	readonly havocStack: FunctionValue[] = [];

	/**
	 * An exception Python raises here for certain (a `raise` reached, an attribute of None, a name no
	 * code defines): set where it happens, it ends each block it crosses as Python unwinds, until a
	 * `try`, the file's top level or a call NormLens makes itself takes it (statements.ts). A
	 * constructor it crosses leaves no object (functions.ts).
	 */
	raising: Cause | undefined;
	/** The builtin exception class `raising` is, where known (`AttributeError`): which `except` takes it. */
	raisingType: string | undefined;
	/** The generator calls running now, innermost last: what each has yielded (evaluator/generators.ts). */
	readonly generatorFrames: GeneratorFrame[] = [];

	/**
	 * Python raises `cause` here for certain: unwind (`raising`). Not inside a Keras layer's `call`,
	 * which Keras runs with a `mask` and `training` of its own that NormLens does not pass: there
	 * the value is only unknown, for that cause.
	 */
	raise(cause: Cause, type?: string): void {
		const inKerasCall = this.methodStack.some(
			(f) => f.def.name === 'call' && f.self.k === 'obj' && f.self.obj.framework === 'keras',
		);
		if (!inKerasCall && !this.raising) {
			this.raising = cause;
			this.raisingType = type;
		}
	}

	/** Models whose construction NormLens could not run (`if cuda: model = Net().cuda()`), by name: said, not silent. */
	readonly unbuilt: { name: string; range: TextRange; cause: Cause }[] = [];

	/** The items of an iterable, when they can be known; going through an iterator uses it up, as in Python. */
	iterate(v: Value): Value[] | undefined {
		switch (v.k) {
			case 'tuple':
			case 'list':
				return v.cause ? undefined : isLiveIterator(v) ? v.items.splice(0) : v.items;
			case 'str':
				return [...v.v].map((ch) => ({ k: 'str', v: ch }) as Value);
			case 'dict':
				return v.cause ? undefined : [...v.entries.keys()].map(keyValue);
			case 'obj': {
				if (v.obj.taint) {
					return undefined;
				}
				const r = this.callMethodOn(v, '__iter__', [], undefined);
				return asSequence(r);
			}
			default:
				return undefined;
		}
	}

	//#endregion

	//#region statements (evaluator/statements.ts)

	execBlock(block: SyntaxNode, scope: Scope): Completion {
		return statements.execBlock(this, block, scope);
	}

	declareScope(node: SyntaxNode, scope: Scope): void {
		statements.declareScope(this, node, scope);
	}

	//#endregion

	//#region bindings (evaluator/assignment.ts)

	execAssign(node: SyntaxNode, scope: Scope): void {
		assignment.execAssign(this, node, scope);
	}

	evalSequence(nodes: SyntaxNode[], scope: Scope): Value {
		return assignment.evalSequence(this, nodes, scope);
	}

	assignTargets(target: SyntaxNode[], value: Value, scope: Scope): void {
		assignment.assignTargets(this, target, value, scope);
	}

	setAttr(obj: FrameworkObject, name: string, value: Value, where: SyntaxNode): void {
		assignment.setAttr(this, obj, name, value, where);
	}

	execUpdate(node: SyntaxNode, scope: Scope): void {
		assignment.execUpdate(this, node, scope);
	}

	execDelete(node: SyntaxNode, scope: Scope): void {
		assignment.execDelete(this, node, scope);
	}

	bindName(name: string, value: Value, scope: Scope): void {
		assignment.bindName(this, name, value, scope);
	}

	//#endregion

	//#region control flow (evaluator/controlFlow.ts)

	execIf(node: SyntaxNode, scope: Scope): Completion {
		return controlFlow.execIf(this, node, scope);
	}

	execFor(node: SyntaxNode, scope: Scope): Completion {
		return controlFlow.execFor(this, node, scope);
	}

	execWhile(node: SyntaxNode, scope: Scope): Completion {
		return controlFlow.execWhile(this, node, scope);
	}

	execTry(node: SyntaxNode, scope: Scope): Completion {
		return controlFlow.execTry(this, node, scope);
	}

	conditionCause(
		node: SyntaxNode | undefined,
		value: Value,
		kind: 'if' | 'for' | 'while',
	): Cause {
		return controlFlow.conditionCause(this, node, value, kind);
	}

	//#endregion

	//#region unknown effects (evaluator/havoc.ts)

	taint(v: Value, cause: Cause): void {
		havoc.taint(this, v, cause);
	}

	taintArgs(args: CallArgs, cause: Cause): void {
		havoc.taintArgs(this, args, cause);
	}

	havoc(node: SyntaxNode, scope: Scope, cause: Cause): void {
		yieldsMayBeMissed(this, node, cause);
		havoc.havoc(this, node, scope, cause);
	}

	havocTarget(target: SyntaxNode, scope: Scope, cause: Cause): void {
		havoc.havocTarget(this, target, scope, cause);
	}

	taintPaths(node: SyntaxNode, scope: Scope, cause: Cause): void {
		havoc.taintPaths(this, node, scope, cause);
	}

	trustedMethod(receiver: Value, method: string): boolean {
		return havoc.trustedMethod(this, receiver, method);
	}

	//#endregion

	//#region expressions (evaluator/expressions.ts)

	eval(node: SyntaxNode, scope: Scope): Value {
		return expressions.evaluate(this, node, scope);
	}

	binary(op: string, a: Value, b: Value, node?: SyntaxNode): Value {
		return expressions.binary(this, op, a, b, node);
	}

	//#endregion

	//#region comprehensions (evaluator/comprehensions.ts)

	comprehension(node: SyntaxNode, scope: Scope): Value {
		return comprehensions.comprehension(this, node, scope);
	}

	//#endregion

	//#region member expressions (evaluator/members.ts)

	member(node: SyntaxNode, scope: Scope): Value {
		return members.member(this, node, scope);
	}

	getAttr(obj: Value, name: string): Value {
		return members.getAttr(this, obj, name);
	}

	indexItem(item: SyntaxNode[], scope: Scope): Value {
		return members.indexItem(this, item, scope);
	}

	subscript(obj: Value, key: Value, node?: SyntaxNode): Value {
		return members.subscript(this, obj, key, node);
	}

	//#endregion

	//#region calls (evaluator/calls.ts)

	callExpression(node: SyntaxNode, scope: Scope): Value {
		return calls.callExpression(this, node, scope);
	}

	callArguments(list: SyntaxNode | null, node: SyntaxNode, scope: Scope): CallArgs {
		return calls.callArguments(this, list, node, scope);
	}

	call(callee: Value, args: CallArgs): Value {
		return calls.call(this, callee, args);
	}

	//#endregion

	//#region method calls (evaluator/methods.ts)

	callMethodOn(
		self: Value,
		name: string,
		positional: Value[],
		args: CallArgs | undefined,
	): Value {
		return methods.callMethodOn(this, self, name, positional, args);
	}

	untrackedMethod(self: Value, obj: FrameworkObject, name: string, args: CallArgs): Value {
		return methods.untrackedMethod(this, self, obj, name, args);
	}

	//#endregion

	//#region functions (evaluator/functions.ts)

	defineFunction(node: SyntaxNode, scope: Scope): void {
		functions.defineFunction(this, node, scope);
	}

	params(list: SyntaxNode, scope: Scope): ParamSpec[] {
		return functions.params(this, list, scope);
	}

	callFunction(def: FunctionValue, args: CallArgs, self?: Value, cls?: ClassValue): Value {
		return functions.callFunction(this, def, args, self, cls);
	}

	//#endregion

	//#region classes (evaluator/classes.ts)

	defineClass(node: SyntaxNode, scope: Scope): void {
		classes.defineClass(this, node, scope);
	}

	execDecorated(node: SyntaxNode, scope: Scope): Completion {
		return classes.execDecorated(this, node, scope);
	}

	instantiate(cls: ClassValue, args: CallArgs): Value {
		return classes.instantiate(this, cls, args);
	}

	//#endregion

	//#region imports (evaluator/imports.ts)

	importModule(name: string): Value | undefined {
		return imports.importModule(this, name);
	}

	execImport(node: SyntaxNode, scope: Scope): void {
		imports.execImport(this, node, scope);
	}

	recordModuleCall(source: unknown, name: string, args: CallArgs): void {
		imports.recordModuleCall(this, source, name, args);
	}

	//#endregion
}
