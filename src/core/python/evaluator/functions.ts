// Functions: `def` and its parameters, and a call of a source function with its arguments bound.
import { cachedCall } from './lruCache';
import type { SyntaxNode } from '@lezer/common';
import { childNamed, children, PythonSource } from '../parse';
import type { CallArgs, MethodFrame } from '../contract';
import {
	Cause,
	causeOf,
	ClassValue,
	FunctionValue,
	NONE,
	ParamSpec,
	Scope,
	unknown,
	Value,
} from '../values';
import type { Interpreter } from '../interpreter';
import { GeneratorFrame, TooManyYields } from './generators';

/** `def name(…)`: a function that closes over the scope it is defined in. */
export function defineFunction(it: Interpreter, node: SyntaxNode, scope: Scope): void {
	const nameNode = childNamed(node, 'VariableName');
	const paramList = childNamed(node, 'ParamList');
	if (!nameNode) {
		return;
	}
	const def: FunctionValue = {
		name: it.source.slice(nameNode),
		node,
		source: it.source,
		params: paramList ? params(it, paramList, scope) : [],
		body: childNamed(node, 'Body'),
		expression: null,
		closure: scope,
	};
	scope.set(def.name, { k: 'func', def });
}

/**
 * A `def`'s or `lambda`'s parameters, their defaults evaluated once, where it is defined (as in
 * Python).
 */
export function params(it: Interpreter, list: SyntaxNode, scope: Scope): ParamSpec[] {
	const out: ParamSpec[] = [];
	const parts = children(list);
	let star: ParamSpec['star'] = '';
	let keywordOnly = false;
	for (let i = 0; i < parts.length; i++) {
		const p = parts[i];
		if (p.name === '*' && parts[i + 1]?.name !== 'VariableName') {
			// A bare `*`: the parameters after it are keyword-only; it names no parameter.
			keywordOnly = true;
		} else if (p.name === '*' || p.name === '**') {
			star = p.name;
		} else if (p.name === 'VariableName') {
			const spec: ParamSpec = { name: it.source.slice(p), default: undefined, star };
			if (keywordOnly && star === '') {
				spec.keywordOnly = true;
			}
			// Those after `*args` are keyword-only too.
			keywordOnly ||= star === '*';
			star = '';
			if (parts[i + 1]?.name === 'TypeDef') {
				i++;
			}
			if (parts[i + 1]?.name === 'AssignOp' && parts[i + 2]) {
				spec.default = it.eval(parts[i + 2], scope);
				i += 2;
			}
			out.push(spec);
		}
	}
	return out;
}

/**
 * Python's TypeError for arguments a function's parameters do not take — left over once every
 * parameter is bound (no `*args` / `**kwargs` to take them) — or undefined when they all fit.
 */
function bindingError(
	def: FunctionValue,
	positional: readonly Value[],
	keywords: ReadonlyMap<string, Value>,
	self: Value | undefined,
	owner: ClassValue | undefined,
): string | undefined {
	const named = `\`${owner ? `${owner.name}.` : ''}${def.name}()\``;
	const extra = [...keywords.keys()][0];
	if (extra !== undefined && !def.params.some((p) => p.star === '**')) {
		const taken = def.params.some((p) => p.name === extra && !p.star);
		return taken
			? `Python raises TypeError: ${named} got multiple values for argument '${extra}'`
			: `Python raises TypeError: ${named} got an unexpected keyword argument '${extra}'`;
	}
	if (positional.length > 0 && !def.params.some((p) => p.star === '*')) {
		const takes = def.params.filter((p) => !p.star && !p.keywordOnly).length - (self ? 1 : 0);
		return `Python raises TypeError: ${named} takes ${takes} positional argument${takes === 1 ? '' : 's'} but ${takes + positional.length} were given`;
	}
	return undefined;
}

/** Python's TypeError for parameters without defaults that a call written in the source leaves out. */
function missingError(
	def: FunctionValue,
	missing: readonly string[],
	owner: ClassValue | undefined,
): string | undefined {
	if (missing.length === 0) {
		return undefined;
	}
	const named = `\`${owner ? `${owner.name}.` : ''}${def.name}()\``;
	const keywordOnly = missing.every((n) => def.params.find((p) => p.name === n)?.keywordOnly);
	const list = missing.map((n) => `'${n}'`);
	const names =
		list.length === 1
			? list[0]
			: `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
	return `Python raises TypeError: ${named} missing ${missing.length} required ${keywordOnly ? 'keyword-only' : 'positional'} argument${missing.length === 1 ? '' : 's'}: ${names}`;
}

/**
 * Runs a source function (a method with its receiver and class) with its arguments bound to its
 * parameters; beyond the call-depth bound it is not followed.
 */
export function callFunction(
	it: Interpreter,
	def: FunctionValue,
	args: CallArgs,
	self?: Value,
	cls?: ClassValue,
): Value {
	if (def.memo) {
		// A cached function: equal arguments give the first call's object (lruCache.ts).
		const memo = def.memo;
		def.memo = undefined;
		try {
			return cachedCall(
				{ ...def, memo },
				args,
				() => callFunction(it, def, args, self, cls),
				(reason) => unknown({ reason, range: it.here(args.node) }),
			);
		} finally {
			def.memo = memo;
		}
	}
	if (it.depth >= it.limits.maxCallDepth) {
		// Not followed: whatever it receives may change, and what it returns is unknown.
		const cause: Cause = {
			reason: `NormLens stops following calls ${it.limits.maxCallDepth} deep (\`${def.name}\` here)`,
			range: it.here(args.node),
		};
		it.taintArgs(args, cause);
		if (self) {
			it.taint(self, cause);
		}
		return unknown(cause);
	}
	it.called.add(def);
	it.recordModuleCall(def.source, def.name, args);
	const scope = new Scope(def.closure);
	const positional = self ? [self, ...args.positional] : [...args.positional];
	const keywords = new Map(args.keywords);
	const incomplete = args.cause;
	const missing: string[] = [];
	for (const p of def.params) {
		if (p.star === '*') {
			scope.set(p.name, { k: 'tuple', items: positional.splice(0), cause: incomplete });
		} else if (p.star === '**') {
			scope.set(p.name, { k: 'dict', entries: keywords, cause: incomplete });
		} else if (positional.length > 0 && !p.keywordOnly) {
			scope.set(p.name, positional.shift() as Value);
		} else if (keywords.has(p.name)) {
			scope.set(p.name, keywords.get(p.name) as Value);
			keywords.delete(p.name);
		} else if (incomplete) {
			// A spread NormLens could not list may bind this parameter: not its default.
			scope.set(p.name, unknown(incomplete));
		} else {
			if (!p.default) {
				missing.push(p.name);
			}
			scope.set(
				p.name,
				p.default ??
					unknown({
						reason: `\`${def.name}\` is called without its argument \`${p.name}\``,
						range: it.here(args.node),
					}),
			);
		}
	}
	const owner =
		cls ??
		(self?.k === 'obj' ? self.obj.pyClass : self?.k === 'instance' ? self.inst.cls : undefined);
	const refused = incomplete
		? undefined
		: (bindingError(def, positional, keywords, self, owner) ??
			(args.written && !def.wrapped ? missingError(def, missing, owner) : undefined));
	if (refused) {
		// Python's TypeError: the function never runs, and what it would have built does not exist.
		const cause: Cause = { reason: refused, range: it.here(args.node) };
		it.diagnostics.push({
			range: cause.range,
			severity: 'error',
			code: 'call-error',
			message: `${refused}.`,
		});
		// A constructor that never ran leaves no object NormLens can count; a forward that never ran
		// leaves its module as it was (the model exists; only this call's output does not).
		if (self && def.name !== 'forward') {
			it.taint(self, cause);
		}
		return unknown(cause);
	}
	// `A.__init__(self)`: a method called through its class runs as a method of its first
	// argument, so that a bare `super()` in it finds its class and receiver.
	const frameSelf =
		self ?? (def.definedIn && namesClassCell(def) && !cls ? args.positional[0] : undefined);
	const frameOwner = self ? owner : def.definedIn;
	if (frameSelf && frameOwner) {
		// Read when asked, so that a reassigned argument shows its value then, as a frame's locals do.
		const args = () => {
			const params = new Map<string, Value>();
			for (const p of def.params.slice(1)) {
				const v = scope.get(p.name);
				if (p.star === '**' && v?.k === 'dict') {
					v.entries.forEach((x, k) => params.set(k, x));
				} else if (!p.star && v) {
					params.set(p.name, v);
				}
			}
			return params;
		};
		it.methodStack.push({
			self: frameSelf,
			cls: frameOwner,
			def,
			depth: it.depth + 1,
			hasClassCell: namesClassCell(def),
			args,
			locals: () => scope.ownEntries(),
		});
	}
	// Python runs a generator function's body as the generator is iterated; NormLens runs it to its
	// end at the call (model builders consume theirs whole), collecting what it yields.
	const generator = def.body !== null && makesGenerator(def.body);
	it.depth++;
	const saved = it.source;
	if (def.source instanceof PythonSource) {
		it.source = def.source;
	}
	try {
		if (def.expression) {
			return it.eval(def.expression, scope);
		}
		if (generator && def.body) {
			return runGenerator(it, def.body, scope);
		}
		const c = def.body ? it.execBlock(def.body, scope) : undefined;
		if (it.raising && self && def.name === '__init__') {
			// A constructor that raises leaves no object: what it built has no counts.
			it.taint(self, it.raising);
		}
		if (c?.type === 'maybe') {
			// It may have returned early: what it returns is unknown.
			return unknown(c.cause);
		}
		const result = c?.type === 'return' ? c.value : NONE;
		return def.returnsFirst ? firstOfPair(result) : result;
	} finally {
		it.source = saved;
		it.depth--;
		if (frameSelf && frameOwner) {
			it.methodStack.pop();
		}
	}
}

/** A generator function's body run at its call: an iterator of what it yields, unknown where that is not all known. */
function runGenerator(it: Interpreter, body: SyntaxNode, scope: Scope): Value {
	const frame: GeneratorFrame = { items: [] };
	it.generatorFrames.push(frame);
	let c: ReturnType<Interpreter['execBlock']>;
	try {
		c = it.execBlock(body, scope);
	} catch (e) {
		if (!(e instanceof TooManyYields)) {
			throw e;
		}
	} finally {
		it.generatorFrames.pop();
	}
	const cause = frame.cause ?? (c?.type === 'maybe' ? c.cause : undefined);
	return cause ? unknown(cause) : { k: 'list', items: frame.items, iterator: true };
}

/**
 * What a `@tf.custom_gradient` function's call returns: the output of the (output, gradient
 * function) pair its body returns; unknown for anything else.
 */
function firstOfPair(result: Value): Value {
	return result.k === 'tuple' && result.items.length === 2 && !result.cause
		? result.items[0]
		: unknown(causeOf(result));
}

/** Function bodies by whether they `yield` (nested functions and classes aside), by node. */
const generatorBodies = new WeakMap<SyntaxNode, boolean>();

/** Whether a function body makes its function a generator: a `yield` of its own. */
function makesGenerator(body: SyntaxNode): boolean {
	let found = generatorBodies.get(body);
	if (found === undefined) {
		found = false;
		const cursor = body.cursor();
		const walk = (): void => {
			do {
				const name = cursor.name;
				if (name === 'YieldStatement' || name === 'YieldExpression') {
					found = true;
					return;
				}
				const nested =
					name === 'FunctionDefinition' ||
					name === 'ClassDefinition' ||
					name === 'LambdaExpression';
				if (!nested && cursor.firstChild()) {
					walk();
					cursor.parent();
					if (found) {
						return;
					}
				}
			} while (cursor.nextSibling());
		};
		if (cursor.firstChild()) {
			walk();
		}
		generatorBodies.set(body, found);
	}
	return found;
}

/** Functions whose body names `super` or `__class__`, by node: Python gives their frames a `__class__` cell. */
const classCells = new WeakMap<SyntaxNode, boolean>();

/** Whether Python gives this function's frame a `__class__` local: its body (nested functions included) names `super` or `__class__`. */
function namesClassCell(def: FunctionValue): boolean {
	const body = def.body ?? def.expression;
	if (!body || !(def.source instanceof PythonSource)) {
		return false;
	}
	let found = classCells.get(body);
	if (found === undefined) {
		found = false;
		const source = def.source;
		const cursor = body.cursor();
		do {
			if (cursor.name === 'VariableName') {
				const name = source.slice(cursor.node);
				if (name === 'super' || name === '__class__') {
					found = true;
					break;
				}
			}
		} while (cursor.next() && cursor.from < body.to);
		classCells.set(body, found);
	}
	return found;
}

/** The source methods running now as frames, innermost first (CallContext.methodFrames). */
export function methodFrames(it: Interpreter): MethodFrame[] | undefined {
	const stack = it.methodStack;
	// The function running now is the innermost method only when no plain function's call is above it.
	if (stack.length === 0 || stack[stack.length - 1].depth !== it.depth) {
		return undefined;
	}
	return stack
		.map((e, i): MethodFrame => ({
			self: e.self,
			name: e.def.name,
			hasClassCell: e.hasClassCell,
			calledFromNext: i > 0 && stack[i - 1].depth === e.depth - 1,
			args: e.args,
		}))
		.reverse();
}
