import type { SyntaxNode } from '@lezer/common';
import type { AnalysisDiagnostic, TextRange } from '../../protocol/analysis';
import { CallSites, childNamed, children, PythonSource } from './parse';
import {
	CallArgs,
	CallContext,
	defaultLimits,
	InterpreterLimits,
	Runtime,
	StopInterpretation,
} from './contract';
import {
	READING_SEQUENCE_METHODS,
	reportingName,
	TRUSTED_BUILTINS,
	TRUSTED_METHODS,
	trustedCall,
} from './trusted';
import { callMath, isMathFunction } from './stdlib';
import { formatSpec, plainBinary, pySlice, strMethod } from './operators';
import { BuiltinHost, callBuiltin } from './builtins';
import { dictMethod, listMethod } from './containers';
import { BUILTINS, COMPARISONS, LIBRARIES, PLAIN_BASES, UNDEFINED_NAME_REASONS } from './names';
import { BUNDLED_MODULES, bundledTarget } from '../zoo';
import {
	asInt,
	basePaths,
	classChain,
	Cause,
	causeOf,
	firstCause,
	ClassValue,
	findMethod,
	asNumber,
	asSequence,
	FrameworkObject,
	FunctionValue,
	Instance,
	NONE,
	num,
	ParamSpec,
	Scope,
	truthy,
	tuple,
	unknown,
	UNKNOWN,
	Value,
} from './values';

export type { CallArgs, CallContext, InterpreterLimits, Runtime } from './contract';
export { defaultLimits } from './contract';

/**
 * How a statement ended. `maybe` is a `return` / `break` / `continue` inside code whose condition
 * NormLens could not decide: what follows it in the enclosing blocks may or may not run, so it is
 * treated as unknown code (havocked) up to the loop or function it leaves.
 */
type Completion =
	| { type: 'return'; value: Value }
	| { type: 'break' }
	| { type: 'continue' }
	| { type: 'maybe'; leaves: 'return' | 'break' | 'continue'; cause: Cause }
	| undefined;

export class Interpreter implements BuiltinHost {
	readonly globals = new Scope(null);
	/** Source functions and classes that were called at least once. */
	readonly called = new Set<FunctionValue | ClassValue>();
	steps = 0;
	truncated = false;
	private depth = 0;
	private readonly deadline: number;
	private assignTarget: string | undefined;

	/** The source being executed: the analysed file, or a local module while its code runs. */
	source: PythonSource;
	/** Innermost call in the analysed file: where objects built by a local module's code are shown. */
	private mainCallSite: SyntaxNode | undefined;
	private importDepth = 0;
	private readonly modules = new Map<string, Value>();

	constructor(
		readonly mainSource: PythonSource,
		readonly runtimes: Runtime[],
		readonly limits: InterpreterLimits = defaultLimits,
		/** Text of a local module (`model` → model.py next to the file), or undefined. */
		private readonly readModule: (name: string) => string | undefined = () => undefined,
	) {
		this.source = mainSource;
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
		if (!node) {
			return '…';
		}
		const text = this.source.slice(node).replace(/\s+/g, ' ');
		return text.length > 60 ? `${text.slice(0, 57)}…` : text;
	}

	/**
	 * Marks a mutable value as possibly changed by something NormLens cannot follow: a list or dict
	 * no longer lists trusted items, an object's attributes and counts become unknown, recursively
	 * for what they hold. Tensors are not marked (nothing NormLens counts lives in them).
	 */
	taint(v: Value, cause: Cause, depth = 0): void {
		if (depth > 8) {
			return;
		}
		switch (v.k) {
			case 'list':
			case 'dict':
				if (v.cause) {
					return;
				}
				v.cause = cause;
				for (const item of v.k === 'list' ? v.items : v.entries.values()) {
					this.taint(item, cause, depth + 1);
				}
				return;
			case 'tuple':
				v.items.forEach((item) => this.taint(item, cause, depth + 1));
				return;
			case 'obj':
				if (v.obj.kind === 'tensor' || v.obj.taint) {
					return;
				}
				v.obj.taint = cause;
				v.obj.unknownCause ??= cause;
				return;
			case 'instance':
				if (v.inst.unknownCause) {
					return;
				}
				v.inst.unknownCause = cause;
				for (const a of v.inst.attrs.values()) {
					this.taint(a, cause, depth + 1);
				}
				return;
			case 'partial':
				v.positional.forEach((a) => this.taint(a, cause, depth + 1));
				v.keywords.forEach((a) => this.taint(a, cause, depth + 1));
				return;
			case 'method':
			case 'bound':
				return;
			default:
				return;
		}
	}

	/** Taints every mutable value among a call's arguments. */
	private taintArgs(args: CallArgs, cause: Cause): void {
		args.positional.forEach((v) => this.taint(v, cause));
		args.keywords.forEach((v) => this.taint(v, cause));
	}

	/** Runs `fn` with `source` as the current source. */
	private within<T>(source: PythonSource, fn: () => T): T {
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
			: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
		return () => site;
	}

	/** Imports a local module once; `undefined` when there is no such file. */
	private importModule(name: string): Value | undefined {
		const bundled = BUNDLED_MODULES[name];
		if (bundled === undefined && LIBRARIES.has(name.split('.')[0])) {
			return undefined;
		}
		const cached = this.modules.get(name);
		if (cached) {
			return cached;
		}
		const text = bundled ?? this.readModule(name);
		if (text === undefined) {
			return undefined;
		}
		const scope = new Scope(null);
		scope.set('__name__', { k: 'str', v: name });
		const value: Value = { k: 'module', name, scope };
		this.modules.set(name, value);
		const source = new PythonSource(text);
		if (bundled !== undefined) {
			this.librarySources.add(source);
		} else {
			this.moduleNames.set(source, name);
		}
		this.importDepth++;
		try {
			this.within(source, () => this.execBlock(source.tree.topNode, scope));
		} finally {
			this.importDepth--;
		}
		return value;
	}

	run(): void {
		try {
			this.execBlock(this.source.tree.topNode, this.globals);
		} catch (e) {
			if (e instanceof StopInterpretation) {
				this.truncated = true;
			} else {
				throw e;
			}
		}
	}

	/**
	 * Library files define models without building them (`def resnet18(pretrained=False)`,
	 * `class Net(nn.Module)`): a module-level function or class that was never called and whose
	 * parameters all have defaults is called once, in source order, so that its model is reported
	 * under its own name.
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
	uncalledDefinitions(): { name: string; value: Value; required: string[]; range: TextRange }[] {
		if (this.truncated) {
			return [];
		}
		// Only what the analysed file defines: a star import brings a module's builders, which it does not call.
		const own = (source: unknown) => source === undefined || source === this.mainSource;
		const out: { name: string; value: Value; required: string[]; range: TextRange }[] = [];
		// A class other classes derive from is built through them (`super().__init__(64)`).
		const bases = new Set<ClassValue>();
		for (const [, v] of this.globals.entries()) {
			if (v.k === 'class') {
				v.cls.bases.forEach((b: Value) => b.k === 'class' && bases.add(b.cls));
			}
		}
		for (const [name, v] of this.globals.entries()) {
			if (v.k === 'class' && bases.has(v.cls)) {
				continue;
			}
			if (!(
				(v.k === 'func' && !this.called.has(v.def) && own(v.def.source)) ||
				(v.k === 'class' &&
					!this.called.has(v.cls) &&
					own(v.cls.source) &&
					basePaths(v.cls).length > 0)
			)) {
				continue;
			}
			const fn = v.k === 'func' ? v.def : findMethod(v.cls, '__init__')?.fn;
			const params = fn ? (v.k === 'class' ? fn.params.slice(1) : fn.params) : [];
			out.push({
				name,
				value: v,
				required: params
					.filter((p) => p.star === '' && p.default === undefined)
					.map((p) => p.name),
				range: this.mainSource.rangeOf(v.k === 'func' ? v.def.node : v.cls.node),
			});
		}
		return out;
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
		try {
			const result = this.call(v, { ...args, node: init?.node ?? node });
			if (result.k === 'obj') {
				const at = this.mainSource.rangeOf(node);
				this.runtimes.forEach((r) => r.bind?.(name, result, at));
			}
			return true;
		} catch (e) {
			if (e instanceof StopInterpretation) {
				this.truncated = true;
				return false;
			}
			throw e;
		}
	}

	/**
	 * The first call the analysed program itself makes of each class or function of a local module
	 * it imports (`model = Net(classes=5)` in train.py, for blocks.Net): by module, then name.
	 */
	readonly moduleCalls = new Map<
		string,
		Map<string, { positional: Value[]; keywords: Map<string, Value>; range: TextRange }>
	>();
	private readonly moduleNames = new Map<unknown, string>();

	private recordModuleCall(source: unknown, name: string, args: CallArgs): void {
		const module = source === undefined ? undefined : this.moduleNames.get(source);
		if (module === undefined || this.source !== this.mainSource) {
			return;
		}
		let calls = this.moduleCalls.get(module);
		if (!calls) {
			calls = new Map();
			this.moduleCalls.set(module, calls);
		}
		if (!calls.has(name)) {
			calls.set(name, {
				positional: args.positional,
				keywords: args.keywords,
				range: this.mainSource.rangeOf(args.node),
			});
		}
	}

	private tick(): void {
		this.steps++;
		if (
			this.steps > this.limits.maxSteps ||
			((this.steps & 1023) === 0 && Date.now() > this.deadline)
		) {
			throw new StopInterpretation();
		}
	}

	private readonly methodStack: { self: Value; cls: ClassValue }[] = [];

	currentMethod(): { self: Value; cls: ClassValue } | undefined {
		return this.methodStack[this.methodStack.length - 1];
	}
	/** Plain attributes of framework objects that their runtime did not take (e.g. `self.n = 3`). */
	private readonly objectAttrs = new WeakMap<FrameworkObject, Map<string, Value>>();

	// One of each of the context's functions serves every call.
	private readonly mainRange = (n: SyntaxNode): TextRange => this.mainSource.rangeOf(n);
	private readonly ctxCallFunction = (fn: FunctionValue, args: CallArgs, self?: Value): Value =>
		this.callFunction(fn, args, self);
	private readonly ctxCallMethod = (self: Value, name: string, args: CallArgs): Value =>
		this.call(this.getAttr(self, name), args);
	private readonly ctxIterate = (v: Value): Value[] | undefined => this.iterate(v);
	private readonly ctxCall = (callee: Value, args: CallArgs): Value => this.call(callee, args);
	private readonly mainSites = (call: SyntaxNode): CallSites =>
		new CallSites(call, this.mainSource, this.mainRange);
	private readonly noSites = (): undefined => undefined;

	/** Findings of the interpreter itself (a class whose base it cannot read). */
	readonly diagnostics: AnalysisDiagnostic[] = [];
	private readonly notedBases = new Set<string>();

	/** Sources of the bundled model zoos that were loaded (src/core/zoo). */
	private readonly librarySources = new Set<PythonSource>();

	private ctx(): CallContext {
		return {
			source: this.source,
			// A pure function, so that a runtime may keep it (e.g. for quick-fix positions found later).
			range: this.source === this.mainSource ? this.mainRange : this.callSiteRange(),
			assignedTo: this.source === this.mainSource ? this.assignTarget : undefined,
			callFunction: this.ctxCallFunction,
			callMethod: this.ctxCallMethod,
			iterate: this.ctxIterate,
			call: this.ctxCall,
			sites: this.source === this.mainSource ? this.mainSites : this.noSites,
			library: this.librarySources.has(this.source),
			depth: this.depth + this.importDepth,
		};
	}

	//#region statements

	/** Called before each statement of the analysed file's top level (a notebook's cells end between them). */
	beforeTopStatement: ((statement: SyntaxNode) => void) | undefined;

	private execBlock(block: SyntaxNode, scope: Scope): Completion {
		const top =
			block.parent === null && this.source === this.mainSource
				? this.beforeTopStatement
				: undefined;
		for (let s = block.firstChild; s; s = s.nextSibling) {
			top?.(s);
			const c = this.execStatement(s, scope);
			if (c?.type === 'maybe') {
				// What follows may or may not run: its effects are unknown, for the same reason.
				for (let rest = s.nextSibling; rest; rest = rest.nextSibling) {
					this.havoc(rest, scope, c.cause);
				}
				return c;
			}
			if (c) {
				return c;
			}
		}
		return undefined;
	}

	private execStatement(node: SyntaxNode, scope: Scope): Completion {
		this.tick();
		const problem = this.source.problemIn(node.from, headerEnd(node));
		if (problem) {
			// Python would not run it: what it assigns or changes is unknown, for that reason.
			this.havoc(node, scope, {
				reason: leftOutReason(this.snippet(node), problem.message),
				range: this.here(node),
			});
			return undefined;
		}
		try {
			return this.execStatementInner(node, scope);
		} catch (e) {
			if (e instanceof StopInterpretation) {
				throw e;
			}
			// A statement the interpreter cannot follow: whatever it may change becomes unknown.
			this.havoc(node, scope, {
				reason: `NormLens could not follow the statement \`${this.snippet(node)}\``,
				range: this.here(node),
			});
			return undefined;
		}
	}

	private execStatementInner(node: SyntaxNode, scope: Scope): Completion {
		switch (node.name) {
			case 'ImportStatement':
				this.execImport(node, scope);
				return undefined;
			case 'AssignStatement':
				this.execAssign(node, scope);
				return undefined;
			case 'UpdateStatement':
				this.execUpdate(node, scope);
				return undefined;
			case 'ExpressionStatement':
				if (node.firstChild) {
					this.eval(node.firstChild, scope);
				}
				return undefined;
			case 'FunctionDefinition':
				this.defineFunction(node, scope);
				return undefined;
			case 'DecoratedStatement':
				return this.execDecorated(node, scope);
			case 'ClassDefinition':
				this.defineClass(node, scope);
				return undefined;
			case 'ReturnStatement': {
				// `return`, `return x`, or `return a, b` (a tuple without brackets).
				const parts: SyntaxNode[] = [];
				for (let c = node.firstChild?.nextSibling; c; c = c.nextSibling) {
					if (c.name !== 'Comment') {
						parts.push(c);
					}
				}
				return {
					type: 'return',
					value: parts.length > 0 ? this.evalSequence(parts, scope) : NONE,
				};
			}
			case 'IfStatement':
				return this.execIf(node, scope);
			case 'ForStatement':
				return this.execFor(node, scope);
			case 'WhileStatement':
				return this.execWhile(node, scope);
			case 'WithStatement': {
				const body = childNamed(node, 'Body');
				return body ? this.execBlock(body, scope) : undefined;
			}
			case 'TryStatement':
				return this.execTry(node, scope);
			case 'BreakStatement':
				return { type: 'break' };
			case 'ContinueStatement':
				return { type: 'continue' };
			case 'StatementGroup':
				return this.execBlock(node, scope);
			case 'ScopeStatement':
				this.declareScope(node, scope);
				return undefined;
			case 'DeleteStatement':
				this.execDelete(node, scope);
				return undefined;
			case 'RaiseStatement':
				// The code after a `raise` that runs does not run; the caller gets no value it can know.
				return {
					type: 'return',
					value: unknown({
						reason: `\`${this.snippet(node)}\` raises an exception here`,
						range: this.here(node),
					}),
				};
			case 'PassStatement':
			case 'AssertStatement':
			case 'PrintStatement':
			case 'Comment':
				return undefined;
			default:
				// A statement the interpreter does not model (`match`, `yield`, …): its effects are unknown.
				this.havoc(node, scope, {
					reason: `NormLens does not follow \`${this.snippet(node)}\``,
					range: this.here(node),
				});
				return undefined;
		}
	}

	/** `functools.reduce(f, xs[, initial])`, folding from the left. */
	private reduce(args: CallArgs): Value {
		const [fn, xs, initial] = args.positional;
		const items = xs ? this.iterate(xs) : undefined;
		if (!fn || !items || (items.length === 0 && !initial)) {
			return unknown(
				firstCause(args.positional) ?? {
					reason: `NormLens cannot evaluate \`${this.snippet(args.node)}\``,
					range: this.here(args.node),
				},
			);
		}
		let acc = initial ?? items[0];
		for (const x of initial ? items : items.slice(1)) {
			acc = this.call(fn, { positional: [acc, x], keywords: new Map(), node: args.node });
		}
		return acc;
	}

	/** `global x` / `nonlocal x`: later assignments in this scope bind the outer variable. */
	private declareScope(node: SyntaxNode, scope: Scope): void {
		const parts = children(node);
		const kind = parts[0] ? this.source.slice(parts[0]) : '';
		for (const p of parts.slice(1)) {
			if (p.name === 'VariableName') {
				scope.declare(this.source.slice(p), kind === 'nonlocal' ? 'nonlocal' : 'global');
			}
		}
	}

	/** `del x`, `del xs[i]`, `del d[k]`, `del obj.attr`. */
	private execDelete(node: SyntaxNode, scope: Scope): void {
		const cause: Cause = {
			reason: `NormLens does not follow \`${this.snippet(node)}\``,
			range: this.here(node),
		};
		for (const target of children(node).slice(1)) {
			if (target.name === ',') {
				continue;
			}
			if (
				target.name === 'MemberExpression' &&
				!childNamed(target, 'PropertyName') &&
				target.firstChild
			) {
				const obj = this.eval(target.firstChild, scope);
				const index = children(target).find(
					(c, i) => i > 0 && c.name !== '[' && c.name !== ']',
				);
				const key = index ? this.eval(index, scope) : UNKNOWN;
				if (obj.k === 'list' && !obj.cause && asInt(key) !== undefined) {
					const i = asInt(key) as number;
					const j = i < 0 ? obj.items.length + i : i;
					if (j >= 0 && j < obj.items.length) {
						obj.items.splice(j, 1);
						continue;
					}
				}
				if (obj.k === 'dict' && !obj.cause && (key.k === 'str' || key.k === 'num')) {
					obj.entries.delete(String(key.v));
					continue;
				}
				if (
					obj.k === 'obj' &&
					this.runtimes.some(
						(r) =>
							r.callMethod(
								obj.obj,
								'__delitem__',
								{ positional: [key], keywords: new Map(), node: target },
								this.ctx(),
							) !== undefined,
					)
				) {
					// `del model[1]` on a container module: its runtime removed it.
					continue;
				}
			}
			this.havocTarget(target, scope, cause);
		}
	}

	//#region unknown control flow

	/**
	 * Code that may or may not run (a branch on a condition NormLens cannot decide, a loop over an
	 * unknown iterable, the rest of a block after a `return` that may happen): nothing is run, and
	 * everything it could change becomes unknown for `cause` — the variables it assigns, the objects
	 * whose attributes or items it sets, and the mutable values it passes to calls or calls methods
	 * of (unless the call is trusted not to change them).
	 */
	private havoc(node: SyntaxNode, scope: Scope, cause: Cause): void {
		const visit = (n: SyntaxNode): void => {
			this.tick();
			switch (n.name) {
				case 'AssignStatement': {
					// Groups between `=` signs: every group but the last is a target, the last the value.
					const groups: SyntaxNode[][] = [[]];
					for (let c = n.firstChild; c; c = c.nextSibling) {
						if (c.name === 'AssignOp') {
							groups.push([]);
						} else if (c.name !== 'TypeDef' && c.name !== ',' && c.name !== 'Comment') {
							groups[groups.length - 1].push(c);
						}
					}
					const value = groups.length > 1 ? (groups.pop() as SyntaxNode[]) : [];
					// The value first: it reads the targets' old values (`model = wrap(model)`).
					value.forEach(visit);
					groups.flat().forEach((t) => this.havocTarget(t, scope, cause));
					this.noteUnbuiltModel(groups.flat(), value, scope, cause, n);
					return;
				}
				case 'UpdateStatement': {
					const target = n.firstChild;
					if (target) {
						this.havocTarget(target, scope, cause);
					}
					for (let c = target?.nextSibling; c; c = c.nextSibling) {
						visit(c);
					}
					return;
				}
				case 'ForStatement': {
					const parts = children(n);
					const inIndex = parts.findIndex((p) => p.name === 'in');
					parts
						.slice(1, Math.max(1, inIndex))
						.forEach((t) => this.havocTarget(t, scope, cause));
					parts.slice(inIndex + 1).forEach(visit);
					return;
				}
				case 'FunctionDefinition':
				case 'ClassDefinition': {
					const name = childNamed(n, 'VariableName');
					if (name) {
						this.bindName(this.source.slice(name), unknown(cause), scope);
					}
					return;
				}
				case 'LambdaExpression':
					return;
				case 'ScopeStatement':
					this.declareScope(n, scope);
					return;
				case 'ImportStatement':
					for (const c of children(n)) {
						if (c.name === 'VariableName') {
							this.bindName(this.source.slice(c), unknown(cause), scope);
						}
					}
					return;
				case 'DeleteStatement':
					children(n)
						.slice(1)
						.forEach((t) => this.havocTarget(t, scope, cause));
					return;
				case 'CallExpression':
					this.havocCall(n, scope, cause);
					break;
				default:
					break;
			}
			for (let c = n.firstChild; c; c = c.nextSibling) {
				visit(c);
			}
		};
		visit(node);
	}

	/** A library call that a runtime models and knows leaves its arguments alone. */
	private pureLibraryCall(path: string): boolean {
		return this.runtimes.some((r) => r.callEffect?.(path) === 'pure');
	}

	/** A call inside code that may or may not run: the mutable values it could change become unknown. */
	private havocCall(node: SyntaxNode, scope: Scope, outer: Cause): void {
		const callee = node.firstChild;
		// What may change is changed by this call, if it runs: the cause names it, with why it may not.
		const cause: Cause = {
			reason: `\`${this.snippet(callee)}(…)\` may change what it receives, and NormLens cannot tell whether it runs: ${outer.reason}`,
			range: this.here(node),
		};
		const argList = childNamed(node, 'ArgList');
		let trusted = false;
		const target = callee ? this.evalPath(callee, scope) : undefined;
		if (target && (target.k === 'func' || target.k === 'method' || target.k === 'class')) {
			// Source code: what it may change is what its own body may change, with these arguments.
			this.havocSourceCall(target, argList, scope, outer);
			return;
		}
		if (callee?.name === 'VariableName') {
			const name = this.source.slice(callee);
			const v = scope.get(name);
			trusted =
				(v === undefined && TRUSTED_BUILTINS.has(name)) ||
				(v?.k === 'ref' && (trustedCall(v.path) || this.pureLibraryCall(v.path))) ||
				(v?.k === 'obj' && v.obj.kind === 'module') ||
				((v === undefined || v.k === 'ref' || v.k === 'unknown') && reportingName(name));
		} else if (callee?.name === 'MemberExpression') {
			const prop = childNamed(callee, 'PropertyName');
			const receiver = callee.firstChild
				? this.evalPath(callee.firstChild, scope)
				: undefined;
			const method = prop ? this.source.slice(prop) : '';
			if (receiver?.k === 'ref') {
				trusted =
					trustedCall(`${receiver.path}.${method}`) ||
					this.pureLibraryCall(`${receiver.path}.${method}`) ||
					reportingName(method);
			} else if (receiver) {
				const callable = receiver.k === 'obj' ? this.getAttr(receiver, method) : undefined;
				// Calling a module on tensors changes no count; a method NormLens does not trust may.
				trusted =
					(callable?.k === 'obj' && callable.obj.kind === 'module') ||
					this.trustedMethod(receiver, method);
				if (!trusted) {
					this.taint(receiver, cause);
				}
			}
		}
		if (trusted || !argList) {
			return;
		}
		for (let a = argList.firstChild; a; a = a.nextSibling) {
			const v = this.evalPath(a, scope);
			if (v) {
				this.taint(v, cause);
			}
		}
	}

	/**
	 * A source function, method or class called from code that may or may not run: its body is
	 * havocked in a scope where its parameters are bound to the arguments' plain paths (so that
	 * `self.generator(z)` inside a method called in a training loop changes nothing, while
	 * `self.layers.append(…)` taints). Bounded in depth; recursion havocs nothing more.
	 */
	private havocSourceCall(
		target: Extract<Value, { k: 'func' | 'method' | 'class' }>,
		argList: SyntaxNode | null,
		scope: Scope,
		cause: Cause,
	): void {
		const found =
			target.k === 'class'
				? findMethod(target.cls, '__init__')
				: { fn: target.k === 'func' ? target.def : target.fn };
		const def = found?.fn;
		const args: (Value | undefined)[] = [];
		const keywords = new Map<string, Value | undefined>();
		const parts = argList
			? children(argList).filter((c) => !['(', ')', ',', 'Comment'].includes(c.name))
			: [];
		let spread = false;
		for (let i = 0; i < parts.length; i++) {
			const p = parts[i];
			if (p.name === 'VariableName' && parts[i + 1]?.name === 'AssignOp' && parts[i + 2]) {
				keywords.set(this.source.slice(p), this.evalPath(parts[i + 2], scope));
				this.havoc(parts[i + 2], scope, cause);
				i += 2;
			} else if (p.name === '*' || p.name === '**') {
				spread = true;
			} else {
				args.push(this.evalPath(p, scope));
				this.havoc(p, scope, cause);
			}
		}
		if (!def?.body || this.havocStack.includes(def) || this.havocStack.length >= 6 || spread) {
			// Too deep, recursive or not readable: whatever it receives may change.
			[...args, ...keywords.values()].forEach((v) => v && this.taint(v, cause));
			if (target.k === 'method') {
				this.taint(target.self, cause);
			}
			return;
		}
		const inner = new Scope(def.closure);
		const self =
			target.k === 'method' ? target.self : target.k === 'class' ? unknown(cause) : undefined;
		const positional = self ? [self, ...args] : args;
		def.params.forEach((p, i) => {
			const v = p.star === '' ? (positional[i] ?? keywords.get(p.name)) : undefined;
			inner.set(p.name, v ?? unknown(cause));
		});
		this.havocStack.push(def);
		try {
			const body = def.body;
			this.within(def.source instanceof PythonSource ? def.source : this.source, () =>
				this.havoc(body, inner, cause),
			);
		} finally {
			this.havocStack.pop();
		}
	}

	private readonly havocStack: FunctionValue[] = [];

	/** A target that code which may or may not run assigns: a name becomes unknown, an object or container is tainted. */
	private havocTarget(target: SyntaxNode, scope: Scope, cause: Cause): void {
		switch (target.name) {
			case 'VariableName':
				this.bindName(this.source.slice(target), unknown(cause), scope);
				return;
			case 'TupleExpression':
			case 'ArrayExpression':
			case 'ParenthesizedExpression':
				children(target).forEach((c) => this.havocTarget(c, scope, cause));
				return;
			case 'MemberExpression': {
				const base = target.firstChild
					? this.evalPath(target.firstChild, scope)
					: undefined;
				if (base) {
					this.taint(base, cause);
				}
				return;
			}
			default:
				return;
		}
	}

	/** Models whose construction NormLens could not run (`if cuda: model = Net().cuda()`), by name: said, not silent. */
	readonly unbuilt: { name: string; range: TextRange; cause: Cause }[] = [];

	/**
	 * A module-level `model = Net(…)` / `nn.Sequential(…)` / `keras.Model(…)` in code that may or may
	 * not run: no model is built, so none is shown; it is noted, so that the analysis can say why.
	 */
	private noteUnbuiltModel(
		targets: SyntaxNode[],
		value: SyntaxNode[],
		scope: Scope,
		cause: Cause,
		statement: SyntaxNode,
	): void {
		if (
			scope !== this.globals ||
			this.source !== this.mainSource ||
			value.length !== 1 ||
			value[0].name !== 'CallExpression' ||
			!value[0].firstChild
		) {
			return;
		}
		// The call's callee, through method chains (`Net().to(device)`, `build().cuda()`).
		let call: SyntaxNode | null = value[0];
		while (
			call?.name === 'CallExpression' &&
			call.firstChild?.name === 'MemberExpression' &&
			call.firstChild.firstChild?.name === 'CallExpression'
		) {
			call = call.firstChild.firstChild;
		}
		const callee = call?.firstChild ? this.evalPath(call.firstChild, scope) : undefined;
		const framework =
			/^(torch\.nn\.|torchvision\.models\.|(tensorflow\.|tf\.)?keras\.|tf_keras\.)/;
		const buildsModel =
			(callee?.k === 'class' &&
				basePaths(callee.cls).some(
					(b) => framework.test(b) || /^(nn\.Module|Module|keras\.Model|Model)$/.test(b),
				)) ||
			(callee?.k === 'ref' &&
				framework.test(callee.path) &&
				(/\.(Sequential|Model|ModuleList|ModuleDict)$/.test(callee.path) ||
					bundledTarget(callee.path) !== undefined));
		if (!buildsModel) {
			return;
		}
		for (const t of targets) {
			if (t.name === 'VariableName') {
				this.unbuilt.push({
					name: this.source.slice(t),
					range: this.here(statement),
					cause,
				});
			}
		}
	}

	/**
	 * The value of a plain path (`x`, `self.layers`, `cfg["a"]`) without running any call: what
	 * code that may not run could reach. `undefined` for anything else.
	 */
	private evalPath(node: SyntaxNode, scope: Scope): Value | undefined {
		if (node.name === 'VariableName') {
			return scope.get(this.source.slice(node));
		}
		if (node.name === 'MemberExpression' && node.firstChild) {
			const base = this.evalPath(node.firstChild, scope);
			if (!base) {
				return undefined;
			}
			const prop = childNamed(node, 'PropertyName');
			if (prop) {
				return this.getAttr(base, this.source.slice(prop));
			}
			const index = children(node).find((c, i) => i > 0 && c.name !== '[' && c.name !== ']');
			if (index && (index.name === 'Number' || index.name === 'String')) {
				return this.subscript(base, this.eval(index, scope));
			}
			return base.k === 'list' || base.k === 'dict' || base.k === 'obj' ? base : undefined;
		}
		return undefined;
	}

	/**
	 * Taints what the items of an iterable NormLens cannot list may be parts of: the plain paths it
	 * is read from (`model.layers`, `base.layers[:-4]`, `model.modules()`), also through
	 * `enumerate` / `zip` / `reversed` / `list` / `sorted`. The result of another call is not
	 * followed (that call, if untrusted, already tainted what it received).
	 */
	private taintPaths(node: SyntaxNode, scope: Scope, cause: Cause): void {
		if (node.name === 'VariableName' || node.name === 'MemberExpression') {
			for (
				let n: SyntaxNode | null = node;
				n && (n.name === 'VariableName' || n.name === 'MemberExpression');
				n = n.name === 'MemberExpression' ? n.firstChild : null
			) {
				const v = this.evalPath(n, scope);
				if (v) {
					this.taint(v, cause);
				}
			}
			return;
		}
		if (node.name === 'CallExpression' && node.firstChild) {
			const callee = node.firstChild;
			if (
				callee.name === 'VariableName' &&
				[
					'enumerate',
					'zip',
					'reversed',
					'list',
					'tuple',
					'sorted',
					'iter',
					'filter',
					'map',
				].includes(this.source.slice(callee))
			) {
				const argList = childNamed(node, 'ArgList');
				for (let a = argList?.firstChild ?? null; a; a = a.nextSibling) {
					this.taintPaths(a, scope, cause);
				}
			} else if (callee.name === 'MemberExpression' && callee.firstChild) {
				this.taintPaths(callee.firstChild, scope, cause);
			}
		}
	}

	/** Whether `receiver.method(...)` is known to leave the receiver's counts alone. */
	private trustedMethod(receiver: Value, method: string): boolean {
		if (receiver.k === 'list' || receiver.k === 'dict') {
			return READING_SEQUENCE_METHODS.has(method);
		}
		if (receiver.k === 'obj') {
			if (receiver.obj.kind === 'tensor') {
				return true;
			}
			for (const r of this.runtimes) {
				const table = r.methodTable?.(receiver.obj);
				if (table) {
					return TRUSTED_METHODS[table]?.has(method) ?? false;
				}
			}
			return false;
		}
		return receiver.k !== 'instance';
	}

	/** Which of return / break / continue a piece of code can leave by (not counting nested loops, functions and classes for the last two). */
	private exits(node: SyntaxNode): 'return' | 'break' | 'continue' | undefined {
		let found: 'return' | 'break' | 'continue' | undefined;
		const visit = (n: SyntaxNode, inLoop: boolean): void => {
			for (let c = n.firstChild; c; c = c.nextSibling) {
				switch (c.name) {
					case 'FunctionDefinition':
					case 'ClassDefinition':
					case 'LambdaExpression':
						continue;
					case 'ReturnStatement':
						found = 'return';
						return;
					case 'BreakStatement':
						if (!inLoop) {
							found ??= 'break';
						}
						continue;
					case 'ContinueStatement':
						if (!inLoop) {
							found ??= 'continue';
						}
						continue;
					default:
						visit(
							c,
							inLoop || c.name === 'ForStatement' || c.name === 'WhileStatement',
						);
						if (found === 'return') {
							return;
						}
				}
			}
		};
		visit(node, false);
		return found;
	}

	/** A block whose last statement is `raise`: a run that enters it stops there. */
	private alwaysRaises(body: SyntaxNode): boolean {
		let last: SyntaxNode | null = body.lastChild;
		while (last && (last.name === 'Comment' || last.name === ':' || last.name === 'newline')) {
			last = last.prevSibling;
		}
		return last?.name === 'RaiseStatement';
	}

	/** Havocs code that may or may not run and says how it may leave its block. */
	private maybeRun(node: SyntaxNode, scope: Scope, cause: Cause, loopBody = false): Completion {
		this.havoc(node, scope, cause);
		const exit = this.exits(node);
		if (!exit || (loopBody && exit !== 'return')) {
			return undefined;
		}
		return { type: 'maybe', leaves: exit, cause };
	}

	/** Binds a name in `scope`, or in the scope a `global` / `nonlocal` declaration points to. */
	private bindName(name: string, value: Value, scope: Scope): void {
		const target = scope.resolveBinding(name);
		target.set(name, value);
		if (target === this.globals && value.k === 'obj') {
			this.runtimes.forEach((r) => r.bind?.(name, value));
		}
	}

	//#endregion

	private execImport(node: SyntaxNode, scope: Scope): void {
		const parts = children(node);
		if (parts[0]?.name === 'from') {
			// from a.b import c as d, e
			let i = 1;
			let module = '';
			while (i < parts.length && parts[i].name !== 'import') {
				module += this.source.slice(parts[i]);
				i++;
			}
			i++;
			if (module.startsWith('.')) {
				module = module.replace(/^\.+/, '');
			}
			const local = this.importModule(module);
			for (; i < parts.length; i++) {
				const p = parts[i];
				if (p.name === '*') {
					if (local?.k === 'module') {
						for (const [k, v] of local.scope.entries()) {
							scope.set(k, v);
						}
					} else {
						scope.set(`*${module}`, { k: 'ref', path: module });
					}
				} else if (p.name === 'VariableName') {
					const name = this.source.slice(p);
					let bound = name;
					if (parts[i + 1]?.name === 'as' && parts[i + 2]) {
						bound = this.source.slice(parts[i + 2]);
						i += 2;
					}
					const fromLocal = local?.k === 'module' ? local.scope.get(name) : undefined;
					scope.set(
						bound,
						fromLocal ??
							this.importModule(`${module}.${name}`) ?? {
								k: 'ref',
								path: `${module}.${name}`,
							},
					);
				}
			}
			return;
		}
		// import a.b.c [as d], e
		let dotted: string[] = [];
		const flush = (alias: string | undefined) => {
			if (dotted.length === 0) {
				return;
			}
			const local = this.importModule(dotted.join('.'));
			if (alias) {
				scope.set(alias, local ?? { k: 'ref', path: dotted.join('.') });
			} else {
				scope.set(
					dotted[0],
					(dotted.length === 1 ? local : undefined) ?? { k: 'ref', path: dotted[0] },
				);
			}
			dotted = [];
		};
		for (let i = 1; i < parts.length; i++) {
			const p = parts[i];
			if (p.name === 'VariableName') {
				dotted.push(this.source.slice(p));
			} else if (p.name === 'as') {
				flush(parts[i + 1] ? this.source.slice(parts[i + 1]) : undefined);
				i++;
			} else if (p.name === ',') {
				flush(undefined);
			}
		}
		flush(undefined);
	}

	private execAssign(node: SyntaxNode, scope: Scope): void {
		// a = b = value ; a, b = value ; x: int = value — the parts between `=` signs, each a list
		// of expressions and commas.
		const groups: SyntaxNode[][] = [[]];
		for (let c = node.firstChild; c; c = c.nextSibling) {
			const name = c.name;
			if (name === 'AssignOp') {
				groups.push([]);
			} else if (name !== 'TypeDef' && name !== 'Comment') {
				groups[groups.length - 1].push(c);
			}
		}
		const valueParts = groups.pop() as SyntaxNode[];
		const targets = groups;
		if (valueParts.length === 0) {
			return;
		}
		const single = targets.length === 1 && targets[0].length === 1 ? targets[0][0] : undefined;
		const simpleTarget =
			single && (single.name === 'VariableName' || single.name === 'MemberExpression')
				? this.source.slice(single)
				: undefined;
		let value: Value;
		const saved = this.assignTarget;
		this.assignTarget = simpleTarget;
		try {
			value = this.evalSequence(valueParts, scope);
		} finally {
			this.assignTarget = saved;
		}
		for (const target of targets) {
			this.assignTargets(target, value, scope);
		}
	}

	/** `a, b` without brackets is a tuple; a single expression is itself. */
	private evalSequence(nodes: SyntaxNode[], scope: Scope): Value {
		if (nodes.length === 1 && nodes[0].name !== ',') {
			return this.eval(nodes[0], scope);
		}
		return tuple(nodes.filter((n) => n.name !== ',').map((e) => this.eval(e, scope)));
	}

	private assignTargets(target: SyntaxNode[], value: Value, scope: Scope): void {
		if (target.length === 1 && target[0].name !== ',') {
			this.assignTo(target[0], value, scope);
			return;
		}
		this.unpack(
			target.filter((n) => n.name !== ','),
			value,
			scope,
		);
	}

	private unpack(exprs: SyntaxNode[], value: Value, scope: Scope): void {
		const items = asSequence(value) ?? (value.k === 'obj' ? this.iterate(value) : undefined);
		exprs.forEach((e, i) =>
			this.assignTo(e, items && items.length === exprs.length ? items[i] : UNKNOWN, scope),
		);
	}

	private assignTo(target: SyntaxNode, value: Value, scope: Scope): void {
		switch (target.name) {
			case 'VariableName':
				this.bindName(this.source.slice(target), value, scope);
				return;
			case 'TupleExpression':
			case 'ArrayExpression':
			case 'ParenthesizedExpression':
				this.unpack(
					children(target).filter((c) => !['(', ')', '[', ']', ','].includes(c.name)),
					value,
					scope,
				);
				return;
			case 'MemberExpression': {
				// obj.attr = value / obj[i] = value: record on framework objects through setattr.
				const obj = target.firstChild ? this.eval(target.firstChild, scope) : UNKNOWN;
				const prop = childNamed(target, 'PropertyName');
				if (prop && obj.k === 'obj') {
					this.setAttr(obj.obj, this.source.slice(prop), value, target);
				} else if (prop && obj.k === 'instance') {
					obj.inst.attrs.set(this.source.slice(prop), value);
				} else if (!prop) {
					const index = children(target).find(
						(c, i) => i > 0 && c.name !== '[' && c.name !== ']',
					);
					const key = index ? this.indexItem([index], scope) : UNKNOWN;
					this.setItem(obj, key, value, target);
				}
				return;
			}
			default:
				return;
		}
	}

	/** `obj[key] = value`: lists and dicts as Python does; framework containers through `__setitem__`; anything else taints. */
	private setItem(obj: Value, key: Value, value: Value, target: SyntaxNode): void {
		const cause = (): Cause =>
			causeOf(key) ?? {
				reason: `NormLens cannot follow \`${this.snippet(target)} = …\``,
				range: this.here(target),
			};
		if (obj.k === 'list' && !obj.cause) {
			const i = asInt(key);
			const j = i === undefined ? undefined : i < 0 ? obj.items.length + i : i;
			if (j !== undefined && j >= 0 && j < obj.items.length) {
				obj.items[j] = value;
				return;
			}
			if (
				key.k === 'slice' &&
				key.start !== null &&
				key.stop !== null &&
				key.step === undefined
			) {
				const items = this.iterate(value);
				const n = obj.items.length;
				const norm = (x: number | undefined, d: number) =>
					x === undefined ? d : x < 0 ? Math.max(0, n + x) : Math.min(n, x);
				const a = norm(key.start, 0);
				if (items) {
					obj.items.splice(a, Math.max(0, norm(key.stop, n) - a), ...items);
					return;
				}
			}
			this.taint(obj, cause());
			return;
		}
		if (obj.k === 'dict' && !obj.cause) {
			if (key.k === 'str' || key.k === 'num') {
				obj.entries.set(String(key.v), value);
				return;
			}
			this.taint(obj, cause());
			return;
		}
		if (obj.k === 'obj' && obj.obj.kind !== 'tensor') {
			const r = this.callMethodOn(obj, '__setitem__', [key, value], {
				positional: [key, value],
				keywords: new Map(),
				node: target,
			});
			if (r.k === 'unknown') {
				this.taint(obj, cause());
			}
		}
	}

	/** `obj.name = value` (or `setattr`), at `where` in the source. */
	setAttr(obj: FrameworkObject, name: string, value: Value, where: SyntaxNode): void {
		if (value.k === 'unknown' && obj.kind !== 'tensor' && obj.kind !== 'param') {
			// It may be a submodule or a layer: what holds it has unknown counts.
			obj.unknownCause ??= causeOf(value) ?? {
				reason: `the attribute set at \`${this.snippet(where)}\` has a value NormLens cannot determine`,
				range: this.here(where),
			};
		}
		for (const r of this.runtimes) {
			if (r.setAttr?.(obj, name, value)) {
				return;
			}
		}
		const target = obj as unknown as { setAttr?: (name: string, value: Value) => void };
		target.setAttr?.(name, value);
		let attrs = this.objectAttrs.get(obj);
		if (!attrs) {
			attrs = new Map();
			this.objectAttrs.set(obj, attrs);
		}
		attrs.set(name, value);
	}

	private execUpdate(node: SyntaxNode, scope: Scope): void {
		// x += 1
		const parts = children(node);
		const target = parts[0];
		const op = parts[1] ? this.source.slice(parts[1]).replace('=', '') : '';
		const rhs = parts[2];
		if (!target || !rhs) {
			return;
		}
		const left = this.eval(target, scope);
		const right = this.eval(rhs, scope);
		// `xs += ys` extends a list in place, as Python does (other names bound to it see it too).
		if (op === '+' && left.k === 'list') {
			const items = this.iterate(right);
			if (items && !left.cause) {
				left.items.push(...items);
			} else {
				this.taint(
					left,
					causeOf(right) ?? {
						reason: `NormLens cannot follow \`${this.snippet(node)}\``,
						range: this.here(node),
					},
				);
			}
			return;
		}
		this.assignTo(target, this.binary(op, left, right, node), scope);
	}

	private defineFunction(node: SyntaxNode, scope: Scope): void {
		const nameNode = childNamed(node, 'VariableName');
		const paramList = childNamed(node, 'ParamList');
		if (!nameNode) {
			return;
		}
		const def: FunctionValue = {
			name: this.source.slice(nameNode),
			node,
			source: this.source,
			params: paramList ? this.params(paramList, scope) : [],
			body: childNamed(node, 'Body'),
			expression: null,
			closure: scope,
		};
		scope.set(def.name, { k: 'func', def });
	}

	/**
	 * A decorated definition. `@staticmethod`, `@classmethod` and `@property` change how a method binds;
	 * `@dataclass` gives a class the `__init__` of its annotated fields; `@attr.s`-style decorators make
	 * another class, which NormLens does not build (the name is unknown). Other decorators (registries,
	 * `torch.no_grad()`, `functools.wraps`, caches) return what they decorate.
	 */
	private execDecorated(node: SyntaxNode, scope: Scope): Completion {
		const decorators = children(node)
			.filter((c) => c.name === 'Decorator')
			.map((d) => this.source.slice(d).replace(/^@\s*/, '').replace(/\s+/g, ''));
		const fn = childNamed(node, 'FunctionDefinition');
		const cls = childNamed(node, 'ClassDefinition');
		if (fn) {
			const name = childNamed(fn, 'VariableName');
			if (name && decorators.some((d) => /\.(setter|deleter)$/.test(d))) {
				// `@x.setter def x(…)` adds to the property `x`: the getter stays what `x` reads.
				return undefined;
			}
			this.defineFunction(fn, scope);
			const bound = name ? scope.get(this.source.slice(name)) : undefined;
			const binding = decorators.includes('staticmethod')
				? 'static'
				: decorators.includes('classmethod')
					? 'class'
					: decorators.includes('property') ||
						  decorators.includes('functools.cached_property') ||
						  decorators.includes('cached_property')
						? 'property'
						: undefined;
			if (bound?.k === 'func' && binding) {
				bound.def.binding = binding;
			}
			return undefined;
		}
		if (cls) {
			this.defineClass(cls, scope);
			const name = childNamed(cls, 'VariableName');
			const v = name ? scope.get(this.source.slice(name)) : undefined;
			if (
				v?.k === 'class' &&
				decorators.some((d) => /^(dataclasses\.)?dataclass(\(.*\))?$/.test(d))
			) {
				v.cls.fields = this.dataclassFields(cls, v.cls);
			} else if (
				name &&
				decorators.some((d) =>
					/^(attr\.(s|attrs|define|frozen|mutable)|attrs\.(define|frozen|mutable)|define|frozen)(\(.*\))?$/.test(
						d,
					),
				)
			) {
				this.bindName(
					this.source.slice(name),
					unknown({
						reason: `\`@${decorators[0]}\` makes another class from \`${this.source.slice(name)}\`, which NormLens does not build`,
						range: this.here(node),
					}),
					scope,
				);
			}
		}
		return undefined;
	}

	/** A dataclass's fields: its annotated class attributes in order, each with its default if it has one. */
	private dataclassFields(
		node: SyntaxNode,
		cls: ClassValue,
	): { name: string; default: Value | undefined }[] {
		const fields: { name: string; default: Value | undefined }[] = [];
		const body = childNamed(node, 'Body');
		for (let st = body?.firstChild; st; st = st.nextSibling) {
			const parts = st.name === 'AssignStatement' ? children(st) : [];
			if (parts[0]?.name === 'VariableName' && parts[1]?.name === 'TypeDef') {
				const name = this.source.slice(parts[0]);
				fields.push({
					name,
					default: parts.some((p) => p.name === 'AssignOp')
						? (cls.attrs.get(name) ?? UNKNOWN)
						: undefined,
				});
			}
		}
		return fields;
	}

	private defineClass(node: SyntaxNode, scope: Scope): void {
		const nameNode = childNamed(node, 'VariableName');
		if (!nameNode) {
			return;
		}
		const argList = childNamed(node, 'ArgList');
		const bases = argList ? this.args(argList, node, scope).positional : [];
		const cls: ClassValue = {
			name: this.source.slice(nameNode),
			node,
			source: this.source,
			bases,
			methods: new Map(),
			attrs: new Map(),
		};
		const body = childNamed(node, 'Body');
		if (body) {
			const classScope = new Scope(scope);
			this.execBlock(body, classScope);
			for (const [k, v] of classScope.entries()) {
				if (v.k === 'func') {
					// Methods close over the enclosing scope, not the class body (as in Python).
					cls.methods.set(k, { ...v.def, closure: scope });
				} else {
					cls.attrs.set(k, v);
				}
			}
		}
		scope.set(cls.name, { k: 'class', cls });
	}

	instantiate(cls: ClassValue, args: CallArgs): Value {
		this.called.add(cls);
		this.recordModuleCall(cls.source, cls.name, args);
		const bases = basePaths(cls);
		let self: Value | undefined;
		for (const r of this.runtimes) {
			const obj = r.instantiate?.(cls, bases, args, this.ctx());
			if (obj) {
				obj.pyClass = cls;
				self = { k: 'obj', obj };
				break;
			}
		}
		self ??= { k: 'instance', inst: { cls, attrs: new Map() } };
		const init = findMethod(cls, '__init__');
		if (init) {
			this.callFunction(init.fn, args, self, init.owner);
		} else if (self.k === 'instance') {
			this.dataclassInit(cls, self.inst, args);
		}
		if (self.k === 'instance') {
			this.noteUnreadableBase(cls, self.inst.attrs, args);
		}
		return self;
	}

	/** The generated `__init__` of a dataclass (its own fields after its bases'): arguments by position, then by name, then defaults. */
	private dataclassInit(cls: ClassValue, inst: Instance, args: CallArgs): void {
		const fields = classChain(cls)
			.reverse()
			.flatMap((c) => c.fields ?? []);
		if (fields.length === 0 || !classChain(cls).some((c) => c.fields)) {
			return;
		}
		const seen = new Map<string, Value | undefined>();
		for (const f of fields) {
			seen.set(f.name, f.default);
		}
		const names = [...seen.keys()];
		args.positional.forEach((v, i) => {
			if (names[i] !== undefined) {
				seen.set(names[i], v);
			}
		});
		for (const [k, v] of args.keywords) {
			if (seen.has(k)) {
				seen.set(k, v);
			}
		}
		const cause = args.cause ?? {
			reason: `\`${cls.name}(…)\` leaves a field without a value (Python raises here)`,
			range: this.here(args.node),
		};
		for (const [k, v] of seen) {
			inst.attrs.set(k, v ?? unknown(cause));
		}
	}

	/**
	 * A class that no runtime took for a model, whose base NormLens cannot read (`class Net(mylib.Base)`,
	 * `class Net(pl.LightningModule)`), yet that looks like one — it holds layers or modules, or
	 * defines `forward` / `call`: no model is shown for it, and a diagnostic says why rather than silence.
	 */
	private noteUnreadableBase(
		cls: ClassValue,
		attrs: ReadonlyMap<string, Value>,
		args: CallArgs,
	): void {
		const chain = classChain(cls);
		const unreadable = chain
			.flatMap((c) => c.bases)
			.find((b) => (b.k === 'ref' && !PLAIN_BASES.has(b.path)) || b.k === 'unknown');
		if (!unreadable) {
			return;
		}
		const modelLike =
			[...attrs.values()].some((v) => v.k === 'obj') ||
			chain.some((c) => c.methods.has('forward') || c.methods.has('call'));
		const key = `${cls.name}:${this.here(args.node).start.line}`;
		if (!modelLike || this.notedBases.has(key)) {
			return;
		}
		this.notedBases.add(key);
		const base =
			unreadable.k === 'ref'
				? `\`${unreadable.path}\``
				: 'a base class NormLens cannot evaluate';
		this.diagnostics.push({
			range: this.here(args.node),
			severity: 'info',
			code: 'unknown-base',
			message: `\`${cls.name}\` derives from ${base}, which NormLens cannot read: it is not shown as a model, and what it holds is not counted.`,
		});
	}

	private params(list: SyntaxNode, scope: Scope): ParamSpec[] {
		const out: ParamSpec[] = [];
		const parts = children(list);
		let star: ParamSpec['star'] = '';
		for (let i = 0; i < parts.length; i++) {
			const p = parts[i];
			if (p.name === '*' || p.name === '**') {
				star = p.name;
			} else if (p.name === 'VariableName') {
				const spec: ParamSpec = { name: this.source.slice(p), default: undefined, star };
				star = '';
				if (parts[i + 1]?.name === 'TypeDef') {
					i++;
				}
				if (parts[i + 1]?.name === 'AssignOp' && parts[i + 2]) {
					spec.default = this.eval(parts[i + 2], scope);
					i += 2;
				}
				out.push(spec);
			}
		}
		return out;
	}

	private execIf(node: SyntaxNode, scope: Scope): Completion {
		const parts = children(node);
		for (let i = 0; i < parts.length; i++) {
			const p = parts[i];
			if (p.name === 'if' || p.name === 'elif') {
				const cond = parts[i + 1];
				const body = parts[i + 2];
				const c = cond ? this.eval(cond, scope) : UNKNOWN;
				const t = truthy(c);
				if (t === undefined) {
					// Undecidable condition: run no branch, and whatever this or a later branch could change is unknown.
					const cause = this.conditionCause(cond, c, 'if');
					let exit: Completion;
					for (let j = i + 2; j < parts.length; j++) {
						if (parts[j].name === 'Body' && !this.alwaysRaises(parts[j])) {
							// (A branch that ends in `raise` is not the run in which the model gets built.)
							const e = this.maybeRun(parts[j], scope, cause);
							exit ??= e;
						} else if (parts[j].name === 'if' || parts[j].name === 'elif') {
							// A later condition is not evaluated: calls in it may have effects too.
							this.havoc(parts[j + 1], scope, cause);
						}
					}
					return exit;
				}
				if (t) {
					return body ? this.execBlock(body, scope) : undefined;
				}
				i += 2;
			} else if (p.name === 'else') {
				const body = parts[i + 1];
				return body ? this.execBlock(body, scope) : undefined;
			}
		}
		return undefined;
	}

	/** Whether a loop body has a `break` of its own (not one of a loop nested in it). */
	private breaks(body: SyntaxNode): boolean {
		const visit = (n: SyntaxNode): boolean => {
			for (let c = n.firstChild; c; c = c.nextSibling) {
				if (c.name === 'BreakStatement') {
					return true;
				}
				if (
					![
						'ForStatement',
						'WhileStatement',
						'FunctionDefinition',
						'ClassDefinition',
						'LambdaExpression',
					].includes(c.name) &&
					visit(c)
				) {
					return true;
				}
			}
			return false;
		};
		return visit(body);
	}

	/** The `else:` block of a loop (it runs when the loop ends without `break`), if any. */
	private loopElse(node: SyntaxNode): SyntaxNode | undefined {
		const parts = children(node);
		const at = parts.findIndex((p) => p.name === 'else');
		return at >= 0 && parts[at + 1]?.name === 'Body' ? parts[at + 1] : undefined;
	}

	/** After a loop that ended without `break`: its `else` block; after one that may have broken out, that block may run. */
	private runLoopElse(node: SyntaxNode, scope: Scope, maybeBroke: Cause | undefined): Completion {
		const otherwise = this.loopElse(node);
		if (!otherwise) {
			return undefined;
		}
		return maybeBroke
			? this.maybeRun(otherwise, scope, maybeBroke)
			: this.execBlock(otherwise, scope);
	}

	private execFor(node: SyntaxNode, scope: Scope): Completion {
		const c = this.execForLoop(node, scope);
		if (c === 'broke') {
			return undefined;
		}
		if (c && typeof c === 'object' && 'maybeBroke' in c) {
			return this.runLoopElse(node, scope, c.maybeBroke) ?? c.completion;
		}
		return c ?? this.runLoopElse(node, scope, undefined);
	}

	private execForLoop(
		node: SyntaxNode,
		scope: Scope,
	): Completion | 'broke' | { maybeBroke: Cause; completion: Completion } {
		const parts = children(node);
		const inIndex = parts.findIndex((p) => p.name === 'in');
		const body = childNamed(node, 'Body');
		if (inIndex < 0 || !body) {
			return undefined;
		}
		const targets = parts.slice(1, inIndex);
		// By position: children() and childNamed() give distinct node objects for the same node.
		const iterNodes = parts.slice(
			inIndex + 1,
			parts.findIndex((p) => p.name === 'Body'),
		);
		const iterable = this.evalSequence(iterNodes, scope);
		const items = this.iterate(iterable);
		if (!items) {
			// The loop runs an unknown number of times: its effects are unknown.
			const cause = this.conditionCause(iterNodes[0], iterable, 'for');
			targets.forEach((t) => this.havocTarget(t, scope, cause));
			// The loop variable may be a part of what the iterable came from (`for l in model.layers`).
			iterNodes.forEach((n) => this.taintPaths(n, scope, cause));
			const completion = this.maybeRun(body, scope, cause, true);
			return this.breaks(body) ? { maybeBroke: cause, completion } : completion;
		}
		for (const item of items) {
			this.assignTargets(targets, item, scope);
			const c = this.execBlock(body, scope);
			if (c?.type === 'break') {
				return 'broke';
			}
			if (c?.type === 'return') {
				return c;
			}
			if (c?.type === 'maybe') {
				if (c.leaves === 'continue') {
					continue;
				}
				// A break or return that may happen: the remaining iterations may or may not run.
				this.havoc(body, scope, c.cause);
				return c.leaves === 'return' ? c : { maybeBroke: c.cause, completion: undefined };
			}
		}
		return undefined;
	}

	/**
	 * `try` / `except` / `else` / `finally`. The `try` block runs; NormLens cannot tell whether it
	 * raises, so each `except` block may run: what it would bind or change is unknown (an import of what
	 * is already bound, `pass`, `raise` and printing change nothing). `else` runs on the path where the
	 * `try` block did not raise, and `finally` always runs (a return there wins).
	 */
	private execTry(node: SyntaxNode, scope: Scope): Completion {
		const clauses: { kind: string; head: SyntaxNode[]; body: SyntaxNode }[] = [];
		let kind = 'try';
		let head: SyntaxNode[] = [];
		for (const p of children(node)) {
			if (
				p.name === 'try' ||
				p.name === 'except' ||
				p.name === 'else' ||
				p.name === 'finally'
			) {
				kind = p.name;
				head = [p];
			} else if (p.name === 'Body') {
				clauses.push({ kind, head, body: p });
			} else {
				head.push(p);
			}
		}
		const body = clauses.find((c) => c.kind === 'try');
		let c = body ? this.execBlock(body.body, scope) : undefined;
		for (const handler of clauses.filter((x) => x.kind === 'except')) {
			const text =
				head.length > 0
					? this.source.text.slice(
							handler.head[0].from,
							handler.head[handler.head.length - 1].to,
						)
					: 'except';
			this.mayRunHandler(handler.body, scope, {
				reason: `NormLens cannot tell whether the \`try\` block raises, so \`${text.replace(/\s+/g, ' ')}:\` may run`,
				range: this.here(handler.head[0]),
			});
		}
		const otherwise = clauses.find((x) => x.kind === 'else');
		if (!c && otherwise) {
			c = this.execBlock(otherwise.body, scope);
		}
		const last = clauses.find((x) => x.kind === 'finally');
		if (last) {
			c = this.execBlock(last.body, scope) ?? c;
		}
		return c;
	}

	/** A library path as its runtime names it (`tensorflow.keras.layers.Dense` and `keras.layers.Dense` are one). */
	private canonicalPath(path: string): string {
		for (const r of this.runtimes) {
			const c = r.canonicalPath?.(path);
			if (c !== undefined) {
				return c;
			}
		}
		return path;
	}

	/** An `except` block that may run: its imports are compared with what is bound, the rest havocked. */
	private mayRunHandler(body: SyntaxNode, scope: Scope, cause: Cause): void {
		for (let st = body.firstChild; st; st = st.nextSibling) {
			if (
				st.name === ':' ||
				st.name === 'PassStatement' ||
				st.name === 'RaiseStatement' ||
				st.name === 'Comment'
			) {
				continue;
			}
			if (st.name === 'ImportStatement') {
				// The fallback import of the same name is the same binding; another one makes it unknown.
				const trial = new Scope(scope);
				this.execImport(st, trial);
				for (const [name, v] of trial.entries()) {
					const now = scope.get(name);
					if (
						!now ||
						now.k !== v.k ||
						(v.k === 'ref' &&
							now.k === 'ref' &&
							this.canonicalPath(v.path) !== this.canonicalPath(now.path)) ||
						(v.k !== 'ref' && now !== v)
					) {
						this.bindName(name, unknown(cause), scope);
					}
				}
				continue;
			}
			if (
				st.name === 'ExpressionStatement' &&
				st.firstChild?.name === 'CallExpression' &&
				/^(print|logging\.\w+|logger\.\w+|warnings\.warn)$/.test(
					this.source.slice(st.firstChild.firstChild ?? st.firstChild),
				)
			) {
				continue;
			}
			this.havoc(st, scope, cause);
		}
	}

	/** Why a condition or iterable is unknown, pointing at it. */
	private conditionCause(
		node: SyntaxNode | undefined,
		value: Value,
		kind: 'if' | 'for' | 'while',
	): Cause {
		// The first cause wins: the construct that made the condition unknown, when there is one.
		const inner = causeOf(value);
		if (inner) {
			return inner;
		}
		const text = this.snippet(node);
		const what =
			kind === 'for'
				? `what \`for … in ${text}\` iterates over`
				: `whether \`${kind} ${text}\` holds`;
		return {
			reason: `NormLens cannot tell ${what}, so the code it guards may or may not run`,
			range: node ? this.here(node) : this.here(this.source.tree.topNode),
		};
	}

	private execWhile(node: SyntaxNode, scope: Scope): Completion {
		const parts = children(node);
		const cond = parts[1];
		const body = childNamed(node, 'Body');
		if (!cond || !body) {
			return undefined;
		}
		for (;;) {
			this.tick();
			const v = this.eval(cond, scope);
			const t = truthy(v);
			if (t === false) {
				return this.runLoopElse(node, scope, undefined);
			}
			if (t === undefined) {
				const cause = this.conditionCause(cond, v, 'while');
				const completion = this.maybeRun(body, scope, cause, true);
				return (
					this.runLoopElse(node, scope, this.breaks(body) ? cause : undefined) ??
					completion
				);
			}
			const c = this.execBlock(body, scope);
			if (c?.type === 'break') {
				return undefined;
			}
			if (c?.type === 'return') {
				return c;
			}
			if (c?.type === 'maybe') {
				if (c.leaves === 'continue') {
					continue;
				}
				this.havoc(body, scope, c.cause);
				return c.leaves === 'return' ? c : this.runLoopElse(node, scope, c.cause);
			}
		}
	}

	//#endregion

	//#region expressions

	eval(node: SyntaxNode, scope: Scope): Value {
		this.tick();
		try {
			return this.evalInner(node, scope);
		} catch (e) {
			if (e instanceof StopInterpretation) {
				throw e;
			}
			return unknown({
				reason: `NormLens could not evaluate \`${this.snippet(node)}\``,
				range: this.here(node),
			});
		}
	}

	private evalInner(node: SyntaxNode, scope: Scope): Value {
		switch (node.name) {
			case 'Number':
				return this.number(this.source.slice(node));
			case 'String':
				return { k: 'str', v: this.string(this.source.slice(node)) };
			case 'FormatString':
				return this.formatString(node, scope);
			case 'ContinuedString': {
				const parts = children(node).map((c) => this.eval(c, scope));
				return parts.every((p) => p.k === 'str')
					? { k: 'str', v: parts.map((p) => (p as { v: string }).v).join('') }
					: UNKNOWN;
			}
			case 'Boolean':
				return { k: 'bool', v: this.source.slice(node) === 'True' };
			case 'None':
				return NONE;
			case 'VariableName': {
				const name = this.source.slice(node);
				const v = this.lookup(name, scope);
				if (v.k === 'unknown' && !v.cause && v.why === `name ${name}`) {
					return unknown({
						reason:
							UNDEFINED_NAME_REASONS[name] ??
							`\`${name}\` is not defined in the code NormLens read`,
						range: this.here(node),
					});
				}
				return v;
			}
			case 'ParenthesizedExpression': {
				const inner = children(node).filter((c) => c.name !== '(' && c.name !== ')');
				return inner.length === 1 ? this.eval(inner[0], scope) : UNKNOWN;
			}
			case 'TupleExpression':
			case 'ArrayExpression': {
				const { items, cause } = this.elements(node, scope);
				return node.name === 'TupleExpression'
					? { k: 'tuple', items, cause }
					: { k: 'list', items, cause };
			}
			case 'DictionaryExpression':
				return this.dict(node, scope);
			case 'ArrayComprehensionExpression':
			case 'GeneratorExpression':
			case 'DictionaryComprehensionExpression':
				return this.comprehension(node, scope);
			case 'NamedExpression': {
				// `(n := 6)`: binds and gives the value.
				const [target, , value] = children(node);
				const v = value ? this.eval(value, scope) : UNKNOWN;
				if (target?.name === 'VariableName') {
					this.bindName(this.source.slice(target), v, scope);
				}
				return v;
			}
			case 'UnaryExpression':
				return this.unary(node, scope);
			case 'BinaryExpression':
				return this.binaryExpression(node, scope);
			case 'ConditionalExpression': {
				const [a, , cond, , b] = children(node);
				const c = cond ? this.eval(cond, scope) : UNKNOWN;
				const t = truthy(c);
				if (t === undefined || !a || !b) {
					const cause = this.conditionCause(cond, c, 'if');
					// Neither branch is evaluated; calls in them may change what they receive.
					[a, b].forEach((x) => x && this.havoc(x, scope, cause));
					return unknown(cause);
				}
				return this.eval(t ? a : b, scope);
			}
			case 'MemberExpression':
				return this.member(node, scope);
			case 'CallExpression':
				return this.callExpression(node, scope);
			case 'LambdaExpression': {
				const paramList = childNamed(node, 'ParamList');
				const body = node.lastChild;
				return {
					k: 'func',
					def: {
						name: '<lambda>',
						node,
						params: paramList ? this.params(paramList, scope) : [],
						body: null,
						expression: body,
						closure: scope,
					},
				};
			}
			default:
				return UNKNOWN;
		}
	}

	/** f-strings with plain replacements (`f"conv{i}"`) are evaluated; format specs make them unknown. */
	private formatString(node: SyntaxNode, scope: Scope): Value {
		const text = this.source.slice(node);
		const m = /^([a-zA-Z]*)('''|"""|'|")/.exec(text);
		if (!m) {
			return UNKNOWN;
		}
		const start = node.from + m[0].length;
		const end = node.to - m[2].length;
		let out = '';
		let at = start;
		for (let r = node.firstChild; r; r = r.nextSibling) {
			if (r.name !== 'FormatReplacement') {
				continue;
			}
			out += this.source.text.slice(at, r.from);
			const all = children(r).filter((c) => c.name !== '{' && c.name !== '}');
			const spec = all.find((c) => c.name === 'FormatSpec');
			const parts = all.filter((c) => c !== spec);
			if (parts.length !== 1) {
				return { k: 'unknown', why: 'f-string' };
			}
			const v = this.eval(parts[0], scope);
			if (spec) {
				const formatted = formatSpec(v, this.source.slice(spec).slice(1));
				if (formatted === undefined) {
					return unknown(
						causeOf(v) ?? {
							reason: `NormLens cannot format \`${this.snippet(r)}\``,
							range: this.here(r),
						},
					);
				}
				out += formatted;
			} else if (v.k === 'str' || v.k === 'num') {
				out += String(v.v);
			} else if (v.k === 'bool') {
				out += v.v ? 'True' : 'False';
			} else {
				return unknown(
					causeOf(v) ?? {
						reason: `NormLens cannot format \`${this.snippet(parts[0])}\` in an f-string`,
						range: this.here(parts[0]),
					},
				);
			}
			at = r.to;
		}
		out += this.source.text.slice(at, end);
		return { k: 'str', v: out.replace(/\{\{/g, '{').replace(/\}\}/g, '}') };
	}

	private lookup(name: string, scope: Scope): Value {
		const v = scope.get(name);
		if (v !== undefined) {
			return v;
		}
		if (BUILTINS.has(name) || TRUSTED_BUILTINS.has(name)) {
			return { k: 'builtin', name };
		}
		// Names brought in by `from module import *` resolve to that module's attribute.
		for (const [key, value] of this.globals.entries()) {
			if (key.startsWith('*') && value.k === 'ref') {
				return { k: 'ref', path: `${value.path}.${name}` };
			}
		}
		return { k: 'unknown', why: `name ${name}` };
	}

	private number(text: string): Value {
		// JavaScript reads Python's decimal, float and 0x / 0o / 0b literals alike; only
		// underscores and imaginary literals need the slow path.
		const plain = Number(text);
		if (!Number.isNaN(plain)) {
			// An integer literal beyond 2^53 has no exact float: unknown rather than a rounded count.
			return Number.isInteger(plain) && !Number.isSafeInteger(plain) && !/[.eE]/.test(text)
				? UNKNOWN
				: num(plain);
		}
		const t = text.replace(/_/g, '').toLowerCase();
		if (t.endsWith('j')) {
			return UNKNOWN;
		}
		if (t.startsWith('0x')) {
			return num(parseInt(t.slice(2), 16));
		}
		if (t.startsWith('0o')) {
			return num(parseInt(t.slice(2), 8));
		}
		if (t.startsWith('0b')) {
			return num(parseInt(t.slice(2), 2));
		}
		const v = Number(t);
		return Number.isNaN(v) ? UNKNOWN : num(v);
	}

	private string(text: string): string {
		const m = /^([rRbBuU]*)('''|"""|'|")([\s\S]*)\2$/.exec(text);
		if (!m) {
			return text;
		}
		const raw = /r/i.test(m[1]);
		const body = m[3];
		return raw
			? body
			: body.replace(
					/\\(.)/g,
					(_, c: string) =>
						({ n: '\n', t: '\t', '\\': '\\', "'": "'", '"': '"' })[c] ?? `\\${c}`,
				);
	}

	/** The items of a list or tuple display; `cause` when a `*spread` of unknown length is among them. */
	private elements(node: SyntaxNode, scope: Scope): { items: Value[]; cause?: Cause } {
		const out: Value[] = [];
		let cause: Cause | undefined;
		const parts = children(node);
		for (let i = 0; i < parts.length; i++) {
			const c = parts[i];
			if (['(', ')', '[', ']', ','].includes(c.name)) {
				continue;
			}
			if (c.name === '*' && parts[i + 1]) {
				const v = this.eval(parts[i + 1], scope);
				const spread = this.iterate(v);
				if (spread) {
					out.push(...spread);
				} else {
					// An unknown number of items: the container's length and positions are unknown.
					cause ??= causeOf(v) ?? {
						reason: `NormLens cannot list the items of \`${this.snippet(parts[i + 1])}\``,
						range: this.here(parts[i + 1]),
					};
					out.push(unknown(cause));
				}
				i++;
				continue;
			}
			out.push(this.eval(c, scope));
			if (out.length > this.limits.maxSequence) {
				throw new StopInterpretation();
			}
		}
		return { items: out, cause };
	}

	private dict(node: SyntaxNode, scope: Scope): Value {
		const entries = new Map<string, Value>();
		const parts = children(node).filter((c) => !['{', '}', ','].includes(c.name));
		for (let i = 0; i + 2 < parts.length + 1; i += 3) {
			if (parts[i + 1]?.name !== ':') {
				break;
			}
			const key = this.eval(parts[i], scope);
			const value = parts[i + 2] ? this.eval(parts[i + 2], scope) : UNKNOWN;
			if (key.k === 'str' || key.k === 'num') {
				entries.set(String(key.v), value);
			} else {
				return {
					k: 'dict',
					entries,
					cause: causeOf(key) ?? {
						reason: `NormLens cannot evaluate the key \`${this.snippet(parts[i])}\``,
						range: this.here(parts[i]),
					},
				};
			}
		}
		if (parts.some((p) => p.name === '**')) {
			// `{**a, 'k': v}`: not followed, so the dict's entries are unknown.
			return {
				k: 'dict',
				entries,
				cause: {
					reason: `NormLens does not follow \`${this.snippet(node)}\``,
					range: this.here(node),
				},
			};
		}
		return { k: 'dict', entries };
	}

	private comprehension(node: SyntaxNode, scope: Scope): Value {
		// [expr for target in iterable if cond ...], or {key: value for …}
		const parts = children(node).filter(
			(c) => !['[', ']', '(', ')', '{', '}'].includes(c.name),
		);
		const isDict = node.name === 'DictionaryComprehensionExpression';
		const expr = parts[0];
		const valueExpr = isDict ? parts[2] : undefined;
		const list: (
			| { kind: 'for'; targets: SyntaxNode[]; iter: SyntaxNode }
			| { kind: 'if'; cond: SyntaxNode }
		)[] = [];
		for (let i = isDict ? 3 : 1; i < parts.length; i++) {
			if (parts[i].name === 'for') {
				const inIdx = parts.findIndex((p, j) => j > i && p.name === 'in');
				if (inIdx < 0 || !parts[inIdx + 1]) {
					return UNKNOWN;
				}
				list.push({
					kind: 'for',
					targets: parts.slice(i + 1, inIdx),
					iter: parts[inIdx + 1],
				});
				i = inIdx + 1;
			} else if (parts[i].name === 'if' && parts[i + 1]) {
				list.push({ kind: 'if', cond: parts[i + 1] });
				i++;
			}
		}
		if (!expr || list.length === 0) {
			return UNKNOWN;
		}
		if (isDict && !valueExpr) {
			return UNKNOWN;
		}
		const out: Value[] = [];
		const entries = new Map<string, Value>();
		const inner = new Scope(scope);
		let failure: Cause | undefined;
		const walk = (k: number): boolean => {
			if (k === list.length) {
				if (valueExpr) {
					const key = this.eval(expr, inner);
					if (key.k !== 'str' && key.k !== 'num') {
						failure ??= causeOf(key) ?? {
							reason: `NormLens cannot tell the keys of \`${this.snippet(node)}\``,
							range: this.here(expr),
						};
						return false;
					}
					entries.set(String(key.v), this.eval(valueExpr, inner));
					return entries.size <= this.limits.maxSequence;
				}
				out.push(this.eval(expr, inner));
				return out.length <= this.limits.maxSequence;
			}
			const clause = list[k];
			if (clause.kind === 'if') {
				const c = this.eval(clause.cond, inner);
				const t = truthy(c);
				if (t === undefined) {
					failure ??= this.conditionCause(clause.cond, c, 'if');
					return false;
				}
				return t ? walk(k + 1) : true;
			}
			const iterable = this.eval(clause.iter, inner);
			const items = this.iterate(iterable);
			if (!items) {
				failure ??= this.conditionCause(clause.iter, iterable, 'for');
				return false;
			}
			for (const item of items) {
				this.assignTargets(clause.targets, item, inner);
				if (!walk(k + 1)) {
					return false;
				}
			}
			return true;
		};
		if (walk(0)) {
			return isDict ? { k: 'dict', entries } : { k: 'list', items: out };
		}
		// The element expression may have effects (`[layers.append(l) for l in xs]`) that did not all run.
		const cause = failure ?? {
			reason: `NormLens cannot evaluate \`${this.snippet(node)}\``,
			range: this.here(node),
		};
		this.havoc(expr, inner, cause);
		if (valueExpr) {
			this.havoc(valueExpr, inner, cause);
		}
		return unknown(cause);
	}

	private unary(node: SyntaxNode, scope: Scope): Value {
		const [op, operand] = children(node);
		if (!op || !operand) {
			return UNKNOWN;
		}
		const v = this.eval(operand, scope);
		const o = this.source.slice(op);
		if (o === 'not') {
			const t = truthy(v);
			return t === undefined ? unknown(causeOf(v)) : { k: 'bool', v: !t };
		}
		const n = asNumber(v);
		if (n === undefined) {
			return unknown(causeOf(v));
		}
		return o === '-' ? num(-n) : o === '+' ? num(n) : o === '~' ? num(~n) : UNKNOWN;
	}

	private binaryExpression(node: SyntaxNode, scope: Scope): Value {
		const parts = children(node);
		const [left, opNode, right] = [parts[0], parts[1], parts[parts.length - 1]];
		if (!left || !opNode || !right) {
			return UNKNOWN;
		}
		const op = parts
			.slice(1, parts.length - 1)
			.map((p) => this.source.slice(p))
			.join(' ');
		if (op === 'and' || op === 'or') {
			const a = this.eval(left, scope);
			const t = truthy(a);
			if (t === undefined) {
				return unknown(causeOf(a));
			}
			if (op === 'and') {
				return t ? this.eval(right, scope) : a;
			}
			return t ? a : this.eval(right, scope);
		}
		if (COMPARISONS.has(op) && left.name === 'BinaryExpression') {
			return this.comparisonChain(node, scope);
		}
		return this.binary(op, this.eval(left, scope), this.eval(right, scope), node);
	}

	/**
	 * `0 < a <= 1` is `0 < a and a <= 1` (each operand evaluated once), not `(0 < a) <= 1`: Lezer
	 * nests a chain of comparisons as left-nested binary expressions.
	 */
	private comparisonChain(node: SyntaxNode, scope: Scope): Value {
		const operands: SyntaxNode[] = [];
		const ops: string[] = [];
		let n: SyntaxNode = node;
		for (;;) {
			const parts = children(n);
			const op = parts
				.slice(1, parts.length - 1)
				.map((p) => this.source.slice(p))
				.join(' ');
			if (n !== node && !COMPARISONS.has(op)) {
				break;
			}
			operands.unshift(parts[parts.length - 1]);
			ops.unshift(op);
			n = parts[0];
			if (n.name !== 'BinaryExpression') {
				break;
			}
		}
		operands.unshift(n);
		let a = this.eval(operands[0], scope);
		let result: Value = { k: 'bool', v: true };
		for (let i = 0; i < ops.length; i++) {
			const b = this.eval(operands[i + 1], scope);
			result = this.binary(ops[i], a, b, node);
			const t = truthy(result);
			if (t !== true) {
				return result;
			}
			a = b;
		}
		return result;
	}

	binary(op: string, a: Value, b: Value, node?: SyntaxNode): Value {
		const r = this.binaryInner(op, a, b, node);
		return r.k === 'unknown' && !r.cause ? unknown(causeOf(a) ?? causeOf(b)) : r;
	}

	private binaryInner(op: string, a: Value, b: Value, node: SyntaxNode | undefined): Value {
		if (a.k === 'obj' || b.k === 'obj') {
			const range = node ? this.here(node) : undefined;
			for (const r of this.runtimes) {
				const v = r.binaryOp?.(op, a, b, range);
				if (v !== undefined) {
					return v;
				}
			}
			if (!['is', 'is not', '==', '!=', 'in', 'not in'].includes(op)) {
				return UNKNOWN;
			}
		}
		return plainBinary(op, a, b, this.limits.maxSequence);
	}

	private member(node: SyntaxNode, scope: Scope): Value {
		const objNode = node.firstChild;
		if (!objNode) {
			return UNKNOWN;
		}
		const obj = this.eval(objNode, scope);
		// obj.name: the property is the last child (unless the text is broken after it).
		const last = node.lastChild;
		const prop = last?.name === 'PropertyName' ? last : childNamed(node, 'PropertyName');
		if (prop) {
			return this.getAttr(obj, this.source.slice(prop));
		}
		// Subscript: obj[index], obj[a:b], obj[:, -1, ...] — items between commas, each an
		// expression, a slice or `...`; several items make a tuple key, as in Python.
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
		const key =
			items.length === 1 && commas === 0
				? this.indexItem(items[0], scope)
				: tuple(items.map((item) => this.indexItem(item, scope)));
		return this.subscript(obj, key, node);
	}

	/** One item of a subscript: `...`, a slice `a:b:c`, or an expression. */
	private indexItem(item: SyntaxNode[], scope: Scope): Value {
		if (item.some((c) => c.name === ':')) {
			return this.sliceValue(item, scope);
		}
		if (item.length !== 1) {
			return UNKNOWN;
		}
		return item[0].name === 'Ellipsis' ? { k: 'ellipsis' } : this.eval(item[0], scope);
	}

	/** `a:b:c` as a slice value (a bound that is not a known int is `null`). */
	private sliceValue(item: SyntaxNode[], scope: Scope): Value {
		const bounds: (number | null | undefined)[] = [];
		let current: number | null | undefined;
		for (const c of item) {
			if (c.name === ':') {
				bounds.push(current);
				current = undefined;
			} else {
				const v = this.eval(c, scope);
				current = v.k === 'none' ? undefined : (asInt(v) ?? null);
			}
		}
		bounds.push(current);
		return { k: 'slice', start: bounds[0], stop: bounds[1], step: bounds[2] };
	}

	/** A method found on an instance's class, bound as its decorator says: a property's value, a static function, a class method. */
	private bindMethod(
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
				return this.callFunction(
					m.fn,
					{ positional: [], keywords: new Map(), node: m.fn.node },
					self,
					m.owner,
				);
			default:
				return { k: 'method', fn: m.fn, self, cls: m.owner };
		}
	}

	getAttr(obj: Value, name: string): Value {
		switch (obj.k) {
			case 'ref':
				return { k: 'ref', path: `${obj.path}.${name}` };
			case 'obj': {
				if (obj.obj.taint) {
					return unknown(obj.obj.taint);
				}
				if (name === '__class__' && obj.obj.pyClass) {
					return { k: 'class', cls: obj.obj.pyClass };
				}
				for (const r of this.runtimes) {
					const v = r.getAttr(obj.obj, name);
					if (v !== undefined) {
						return v;
					}
				}
				const own = this.objectAttrs.get(obj.obj)?.get(name);
				if (own) {
					return own;
				}
				const cls = obj.obj.pyClass;
				const m = cls ? findMethod(cls, name) : undefined;
				if (m) {
					return this.bindMethod(m, obj, cls as ClassValue);
				}
				const classAttr = cls ? classAttribute(cls, name) : undefined;
				return classAttr ?? { k: 'bound', self: obj, name };
			}
			case 'instance': {
				if (obj.inst.unknownCause) {
					return unknown(obj.inst.unknownCause);
				}
				const own = obj.inst.attrs.get(name);
				if (own) {
					return own;
				}
				if (name === '__class__') {
					return { k: 'class', cls: obj.inst.cls };
				}
				const m = findMethod(obj.inst.cls, name);
				if (m) {
					return this.bindMethod(m, obj, obj.inst.cls);
				}
				return classAttribute(obj.inst.cls, name) ?? UNKNOWN;
			}
			case 'module':
				// A name a bundled zoo module does not define is still the library's (a weights enum, a builder it lacks): a reference, not an unknown value.
				return (
					obj.scope.get(name) ??
					this.importModule(`${obj.name}.${name}`) ??
					(BUNDLED_MODULES[obj.name] !== undefined
						? { k: 'ref', path: `${obj.name}.${name}` }
						: UNKNOWN)
				);
			case 'class': {
				const m = findMethod(obj.cls, name);
				if (m?.fn.binding === 'class') {
					return { k: 'method', fn: m.fn, self: obj, cls: m.owner };
				}
				return m ? { k: 'func', def: m.fn } : (classAttribute(obj.cls, name) ?? UNKNOWN);
			}
			case 'super': {
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
					: { k: 'builtin', name: 'noop' };
			}
			case 'unknown':
				return obj;
			default:
				return { k: 'bound', self: obj, name };
		}
	}

	/** `obj[key]`; `node` is the subscript expression, where a framework reports an index it refuses. */
	subscript(obj: Value, key: Value, node?: SyntaxNode): Value {
		const untrusted =
			obj.k === 'list' || obj.k === 'dict' || obj.k === 'tuple'
				? obj.cause
				: obj.k === 'unknown'
					? obj.cause
					: undefined;
		if (untrusted || obj.k === 'unknown') {
			return unknown(untrusted);
		}
		if (key.k === 'unknown') {
			return unknown(key.cause);
		}
		if (key.k === 'slice' && (asSequence(obj) || obj.k === 'str')) {
			return this.sliceSequence(obj, key);
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
		if (obj.k === 'dict' && (key.k === 'str' || key.k === 'num')) {
			return obj.entries.get(String(key.v)) ?? UNKNOWN;
		}
		if (obj.k === 'str') {
			const i = asInt(key);
			return i === undefined ? UNKNOWN : { k: 'str', v: obj.v.at(i) ?? '' };
		}
		if (obj.k === 'obj') {
			return this.callMethodOn(
				obj,
				'__getitem__',
				[key],
				node ? { positional: [key], keywords: new Map(), node } : undefined,
			);
		}
		return UNKNOWN;
	}

	/** `seq[a:b:c]` on a list, tuple or string; unknown when a bound is not a known int. */
	private sliceSequence(obj: Value, key: Extract<Value, { k: 'slice' }>): Value {
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
		return { k: obj.k as 'tuple' | 'list', items: out as Value[] };
	}

	private callExpression(node: SyntaxNode, scope: Scope): Value {
		if (this.source === this.mainSource) {
			const savedSite = this.mainCallSite;
			this.mainCallSite = node;
			try {
				return this.callExpressionInner(node, scope);
			} finally {
				this.mainCallSite = savedSite;
			}
		}
		return this.callExpressionInner(node, scope);
	}

	private callExpressionInner(node: SyntaxNode, scope: Scope): Value {
		const calleeNode = node.firstChild;
		const argList = childNamed(node, 'ArgList');
		if (!calleeNode) {
			return UNKNOWN;
		}
		const saved = this.assignTarget;
		let callee: Value;
		let args: CallArgs;
		// The assignment target belongs to this call only, not to calls nested in its arguments.
		this.assignTarget = undefined;
		try {
			callee = this.eval(calleeNode, scope);
			args = this.args(argList, node, scope);
		} finally {
			this.assignTarget = saved;
		}
		return this.call(callee, args);
	}

	private args(list: SyntaxNode | null, node: SyntaxNode, scope: Scope): CallArgs {
		const positional: Value[] = [];
		const keywords = new Map<string, Value>();
		let cause: Cause | undefined;
		if (list) {
			const parts: SyntaxNode[] = [];
			for (let c = list.firstChild; c; c = c.nextSibling) {
				const name = c.name;
				if (name !== '(' && name !== ')' && name !== ',' && name !== 'Comment') {
					parts.push(c);
				}
			}
			for (let i = 0; i < parts.length; i++) {
				const p = parts[i];
				if (
					p.name === 'VariableName' &&
					parts[i + 1]?.name === 'AssignOp' &&
					parts[i + 2]
				) {
					keywords.set(this.source.slice(p), this.eval(parts[i + 2], scope));
					i += 2;
				} else if (p.name === '*' && parts[i + 1]) {
					const v = this.eval(parts[i + 1], scope);
					const items = cause ? undefined : this.iterate(v);
					if (items) {
						positional.push(...items);
					} else {
						cause ??= causeOf(v) ?? {
							reason: `NormLens cannot list the items of \`${this.snippet(parts[i + 1])}\``,
							range: this.here(parts[i + 1]),
						};
					}
					i++;
				} else if (p.name === '**' && parts[i + 1]) {
					const d = this.eval(parts[i + 1], scope);
					if (d.k === 'dict' && !d.cause) {
						for (const [k, v] of d.entries) {
							keywords.set(k, v);
						}
					} else {
						cause ??= causeOf(d) ?? {
							reason: `NormLens cannot list the keywords in \`${this.snippet(parts[i + 1])}\``,
							range: this.here(parts[i + 1]),
						};
						// The spread dict itself reaches the callee, which may change it.
						if (d.k === 'dict') {
							for (const [k, v] of d.entries) {
								keywords.set(k, v);
							}
						}
					}
					i++;
				} else if (p.name === 'for') {
					// f(x for x in xs): a generator argument
					return { positional: [this.comprehension(list, scope)], keywords, node };
				} else if (cause) {
					// After a spread of unknown length, positions are unknown: evaluated for effects only.
					this.eval(p, scope);
				} else {
					positional.push(this.eval(p, scope));
				}
			}
		}
		return { positional, keywords, node, cause };
	}

	call(callee: Value, args: CallArgs): Value {
		const r = this.callInner(callee, args);
		if (r.k !== 'unknown' || r.cause) {
			return r;
		}
		// An unknown result carries the first cause among what made it.
		let cause = causeOf(callee) ?? args.cause;
		for (const a of args.positional) {
			cause ??= causeOf(a);
		}
		for (const a of args.keywords.values()) {
			cause ??= causeOf(a);
		}
		return cause ? { ...r, cause } : r;
	}

	private callInner(callee: Value, args: CallArgs): Value {
		const ctx = this.ctx();
		switch (callee.k) {
			case 'ref': {
				if (callee.path === 'functools.partial') {
					const [fn, ...positional] = args.positional;
					return fn
						? { k: 'partial', fn, positional, keywords: new Map(args.keywords) }
						: UNKNOWN;
				}
				if (callee.path === 'functools.reduce') {
					return this.reduce(args);
				}
				const baseInit = /\.__init__$/.test(callee.path) ? args.positional[0] : undefined;
				if (baseInit?.k === 'obj') {
					// `nn.Module.__init__(self)`: the base class's __init__ called by name, as super().__init__() does.
					for (const r of this.runtimes) {
						const v = r.callBaseMethod?.(
							baseInit.obj,
							'__init__',
							{ ...args, positional: args.positional.slice(1) },
							ctx,
						);
						if (v !== undefined) {
							return v;
						}
					}
				}
				if (isMathFunction(callee.path)) {
					return (
						callMath(callee.path, args.positional) ??
						unknown(
							firstCause(args.positional) ?? {
								reason: `NormLens cannot evaluate \`${this.snippet(args.node)}\``,
								range: this.here(args.node),
							},
						)
					);
				}
				// A model zoo builder NormLens has the architecture of (src/core/zoo).
				const target = bundledTarget(callee.path);
				const bundled = target && this.importModule(target.module);
				const builder =
					target && bundled?.k === 'module' ? bundled.scope.get(target.name) : undefined;
				if (builder && (builder.k === 'func' || builder.k === 'class')) {
					return this.call(builder, args);
				}
				for (const r of this.runtimes) {
					const v = r.callRef(callee.path, args, ctx);
					if (v !== undefined) {
						return v;
					}
				}
				return this.opaque(callee, args, ctx);
			}
			case 'unknown':
				return this.opaque(callee, args, ctx);
			case 'partial':
				return this.call(callee.fn, {
					positional: [...callee.positional, ...args.positional],
					keywords: new Map([...callee.keywords, ...args.keywords]),
					node: args.node,
					cause: args.cause,
				});
			case 'func':
				return this.callFunction(callee.def, args);
			case 'class':
				return this.instantiate(callee.cls, args);
			case 'method':
				return this.callFunction(callee.fn, args, callee.self, callee.cls);
			case 'instance': {
				const m = findMethod(callee.inst.cls, '__call__');
				return m
					? this.callFunction(m.fn, args, callee, m.owner)
					: this.opaque(callee, args, ctx);
			}
			case 'builtin':
				return callBuiltin(this, callee.name, args);
			case 'obj':
				for (const r of this.runtimes) {
					const v = r.callObject(callee.obj, args, ctx);
					if (v !== undefined) {
						return v;
					}
				}
				return this.opaque(callee, args, ctx);
			case 'bound':
				if (callee.base && callee.self.k === 'obj') {
					// super().name(…) on a framework base: its runtime decides; another base method is one NormLens does not model.
					for (const r of this.runtimes) {
						const v = r.callBaseMethod?.(callee.self.obj, callee.name, args, ctx);
						if (v !== undefined) {
							return v;
						}
					}
					return this.untrackedMethod(
						callee.self,
						callee.self.obj,
						`super().${callee.name}`,
						args,
					);
				}
				return this.callMethodOn(callee.self, callee.name, args.positional, args);
			default:
				return UNKNOWN;
		}
	}

	/**
	 * A call NormLens cannot follow. Its result is unknown for a cause that names the call; unless the
	 * callee is trusted (trusted.ts), every mutable value it receives may have been changed by it and
	 * is tainted for the same cause. Runtimes whose tensors it takes make the graph go through it.
	 */
	private opaque(callee: Value, args: CallArgs, ctx: CallContext): Value {
		const what = this.snippet(
			args.node.name === 'CallExpression' ? args.node.firstChild : args.node,
		);
		const inner = causeOf(callee);
		const detail =
			callee.k === 'ref'
				? `it calls code NormLens cannot read (\`${callee.path}\`)`
				: inner
					? inner.reason
					: `NormLens cannot tell what \`${what}\` is`;
		// The first cause wins: an unknown callee's own cause (`mystery` undefined, `base` built by unreadable code).
		const cause: Cause = inner ?? {
			reason: `NormLens cannot follow \`${what}(…)\`: ${detail}`,
			range: ctx.range(args.node),
		};
		const name = /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(what)?.[1] ?? '';
		if (!(callee.k === 'ref' && trustedCall(callee.path)) && !reportingName(name)) {
			this.taintArgs(args, cause);
		}
		return this.opaqueCall(args, ctx, cause) ?? unknown(cause);
	}

	/** A call nobody can follow, offered to the runtimes whose tensors it takes (see Runtime.opaqueCall). */
	private opaqueCall(args: CallArgs, ctx: CallContext, cause: Cause): Value | undefined {
		if (
			args.positional.length === 0 ||
			args.node.name !== 'CallExpression' ||
			!args.node.firstChild
		) {
			return undefined;
		}
		const what = this.source.slice(args.node.firstChild);
		const method = this.methodStack[this.methodStack.length - 1];
		const holder =
			what.startsWith('self.') && method?.self.k === 'obj' ? method.self.obj : undefined;
		for (const r of this.runtimes) {
			const v = r.opaqueCall?.(
				what.length > 60 ? `${what.slice(0, 57)}…` : what,
				args,
				ctx,
				holder,
				cause,
			);
			if (v !== undefined) {
				return v;
			}
		}
		return undefined;
	}

	/** A method no runtime models: it may change the object (and what it receives) unless trusted. */
	private untrackedMethod(
		self: Value,
		obj: FrameworkObject,
		name: string,
		args: CallArgs,
	): Value {
		const cause = obj.taint ?? {
			reason: `\`${this.snippet(args.node.name === 'CallExpression' ? args.node.firstChild : args.node)}(…)\` is a method NormLens does not model`,
			range: this.here(args.node),
		};
		if (!this.trustedMethod(self, name)) {
			this.taint(self, cause);
			this.taintArgs(args, cause);
		}
		return unknown(cause);
	}

	private callMethodOn(
		self: Value,
		name: string,
		positional: Value[],
		args: CallArgs | undefined,
	): Value {
		const full: CallArgs = args ?? {
			positional,
			keywords: new Map(),
			node: this.source.tree.topNode,
		};
		const untracked = (): Cause => ({
			reason: `\`${this.snippet(full.node.name === 'CallExpression' ? full.node.firstChild : full.node)}(…)\` is a method NormLens does not model`,
			range: this.here(full.node),
		});
		if (self.k === 'obj') {
			for (const r of this.runtimes) {
				const v = r.callMethod(self.obj, name, full, this.ctx());
				if (v !== undefined) {
					return v;
				}
			}
			return this.untrackedMethod(self, self.obj, name, full);
		}
		if (self.k === 'instance' || self.k === 'class') {
			return this.call(this.getAttr(self, name), full);
		}
		if ((self.k === 'list' || self.k === 'dict') && self.cause) {
			// Already untrusted: what it receives may end up in it.
			if (!READING_SEQUENCE_METHODS.has(name)) {
				this.taintArgs(full, self.cause);
			}
			return unknown(self.cause);
		}
		if (self.k === 'list' || self.k === 'dict') {
			const v =
				self.k === 'list'
					? listMethod(this, self, name, positional, full)
					: dictMethod(self, name, positional, full);
			if (v !== undefined) {
				return v;
			}
			// A method Python has but NormLens does not follow: the container may have changed.
			const cause = untracked();
			this.taint(self, cause);
			return unknown(cause);
		}
		if (self.k === 'str') {
			if (name === 'format') {
				let auto = 0;
				let ok = true;
				const out = self.v.replace(
					/\{\{|\}\}|\{([^{}:!]*)\}/g,
					(whole, key: string | undefined) => {
						if (whole === '{{') {
							return '{';
						}
						if (whole === '}}') {
							return '}';
						}
						const k = key ?? '';
						const v =
							k === ''
								? positional[auto++]
								: /^\d+$/.test(k)
									? positional[Number(k)]
									: args?.keywords.get(k);
						if (v?.k === 'str' || v?.k === 'num') {
							return String(v.v);
						}
						ok = false;
						return '';
					},
				);
				return ok && !/\{[^}]*[:!][^}]*\}/.test(self.v) ? { k: 'str', v: out } : UNKNOWN;
			}
			if (name === 'upper') {
				return { k: 'str', v: self.v.toUpperCase() };
			}
			if (name === 'lower') {
				return { k: 'str', v: self.v.toLowerCase() };
			}
			return strMethod(self.v, name, positional) ?? UNKNOWN;
		}
		return UNKNOWN;
	}

	callFunction(def: FunctionValue, args: CallArgs, self?: Value, cls?: ClassValue): Value {
		if (this.depth >= this.limits.maxCallDepth) {
			// Not followed: whatever it receives may change, and what it returns is unknown.
			const cause: Cause = {
				reason: `NormLens stops following calls ${this.limits.maxCallDepth} deep (\`${def.name}\` here)`,
				range: this.here(args.node),
			};
			this.taintArgs(args, cause);
			if (self) {
				this.taint(self, cause);
			}
			return unknown(cause);
		}
		this.called.add(def);
		this.recordModuleCall(def.source, def.name, args);
		const scope = new Scope(def.closure);
		const positional = self ? [self, ...args.positional] : [...args.positional];
		const keywords = new Map(args.keywords);
		const incomplete = args.cause;
		for (const p of def.params) {
			if (p.star === '*') {
				scope.set(p.name, { k: 'tuple', items: positional.splice(0), cause: incomplete });
			} else if (p.star === '**') {
				scope.set(p.name, { k: 'dict', entries: keywords, cause: incomplete });
			} else if (positional.length > 0) {
				scope.set(p.name, positional.shift() as Value);
			} else if (keywords.has(p.name)) {
				scope.set(p.name, keywords.get(p.name) as Value);
				keywords.delete(p.name);
			} else if (incomplete) {
				// A spread NormLens could not list may bind this parameter: not its default.
				scope.set(p.name, unknown(incomplete));
			} else {
				scope.set(
					p.name,
					p.default ??
						unknown({
							reason: `\`${def.name}\` is called without its argument \`${p.name}\``,
							range: this.here(args.node),
						}),
				);
			}
		}
		const owner =
			cls ??
			(self?.k === 'obj'
				? self.obj.pyClass
				: self?.k === 'instance'
					? self.inst.cls
					: undefined);
		if (self && owner) {
			this.methodStack.push({ self, cls: owner });
		}
		this.depth++;
		const saved = this.source;
		if (def.source instanceof PythonSource) {
			this.source = def.source;
		}
		try {
			if (def.expression) {
				return this.eval(def.expression, scope);
			}
			const c = def.body ? this.execBlock(def.body, scope) : undefined;
			if (c?.type === 'maybe') {
				// It may have returned early: what it returns is unknown.
				return unknown(c.cause);
			}
			return c?.type === 'return' ? c.value : NONE;
		} finally {
			this.source = saved;
			this.depth--;
			if (self && owner) {
				this.methodStack.pop();
			}
		}
	}

	/** The items of an iterable, when they can be known. */
	iterate(v: Value): Value[] | undefined {
		switch (v.k) {
			case 'tuple':
			case 'list':
				return v.cause ? undefined : v.items;
			case 'str':
				return [...v.v].map((ch) => ({ k: 'str', v: ch }) as Value);
			case 'dict':
				return v.cause
					? undefined
					: [...v.entries.keys()].map((k) => ({ k: 'str', v: k }) as Value);
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
}

/** The cause of what a statement Python cannot parse would have done: the statement is left out. */
function leftOutReason(statement: string, pythonMessage: string): string {
	return `\`${statement}\` is left out: Python reports "${pythonMessage}" there`;
}

/** The statement a cause made by `leftOutReason` names, or undefined for another cause. */
export function leftOutStatement(reason: string): string | undefined {
	return /^`(.*?)` is left out: Python reports "/.exec(reason)?.[1];
}

/**
 * Where a statement's own text ends: a compound statement's header ends at its first block (the
 * statements inside are checked one by one); a simple statement is all its own.
 */
function headerEnd(node: SyntaxNode): number {
	for (let c = node.firstChild; c; c = c.nextSibling) {
		if (c.name === 'Body') {
			return c.from;
		}
		if (c.name === 'FunctionDefinition' || c.name === 'ClassDefinition') {
			return headerEnd(c);
		}
	}
	return node.to;
}

/** A class-level attribute (e.g. `expansion = 4`), through source bases. */
function classAttribute(
	cls: ClassValue,
	name: string,
	seen = new Set<ClassValue>(),
): Value | undefined {
	if (seen.has(cls)) {
		return undefined;
	}
	seen.add(cls);
	const own = cls.attrs.get(name);
	if (own) {
		return own;
	}
	for (const b of cls.bases) {
		if (b.k === 'class') {
			const v = classAttribute(b.cls, name, seen);
			if (v) {
				return v;
			}
		}
	}
	return undefined;
}
