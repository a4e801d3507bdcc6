// Control flow: if / for / while / try and loop `else` blocks, exact where NormLens can decide.
import type { SyntaxNode } from '@lezer/common';
import { childNamed, children } from '../parse';
import { Cause, causeOf, isLiveIterator, Scope, truthy, unknown, UNKNOWN, Value } from '../values';
import type { Completion } from './statements';
import type { Interpreter } from '../interpreter';
import { holdsYield } from './generators';
import { callArguments } from './calls';
import { rangeBounds } from '../rangeArgs';
import { loopBound, loopCutCause, pastLoopBound } from './loopBudget';

/**
 * `if` / `elif` / `else`: the branch whose condition holds; none, havocked, when a condition is
 * undecidable.
 */
export function execIf(it: Interpreter, node: SyntaxNode, scope: Scope): Completion {
	const parts = children(node);
	for (let i = 0; i < parts.length; i++) {
		const p = parts[i];
		if (p.name === 'if' || p.name === 'elif') {
			const cond = parts[i + 1];
			const body = parts[i + 2];
			const c = cond ? it.eval(cond, scope) : UNKNOWN;
			const t = truthy(c);
			if (t === undefined) {
				// Undecidable condition: run no branch, and whatever this or a later branch could change is unknown.
				const cause = conditionCause(it, cond, c, 'if');
				let exit: Completion;
				for (let j = i + 2; j < parts.length; j++) {
					if (parts[j].name === 'Body' && !alwaysRaises(parts[j])) {
						// (A branch that ends in `raise` is not the run in which the model gets built.)
						const e = maybeRun(it, parts[j], scope, cause);
						exit ??= e;
					} else if (parts[j].name === 'if' || parts[j].name === 'elif') {
						// A later condition is not evaluated: calls in it may have effects too.
						it.havoc(parts[j + 1], scope, cause);
					}
				}
				return exit;
			}
			if (t) {
				return body ? it.execBlock(body, scope) : undefined;
			}
			i += 2;
		} else if (p.name === 'else') {
			const body = parts[i + 1];
			return body ? it.execBlock(body, scope) : undefined;
		}
	}
	return undefined;
}

/** A `for` loop and its `else` block. */
export function execFor(it: Interpreter, node: SyntaxNode, scope: Scope): Completion {
	const c = execForLoop(it, node, scope);
	if (c === 'broke') {
		return undefined;
	}
	if (c && typeof c === 'object' && 'maybeBroke' in c) {
		return runLoopElse(it, node, scope, c.maybeBroke) ?? c.completion;
	}
	return c ?? runLoopElse(it, node, scope, undefined);
}

function execForLoop(
	it: Interpreter,
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
	const ranged = forRange(it, iterNodes, scope);
	const iterable = ranged?.iterable ?? it.evalSequence(iterNodes, scope);
	// An iterator is taken from one item at a time, so that a `next(it)` in the body takes the item
	// after, and a `break` leaves the rest to whoever reads it next, as in Python.
	const live = !ranged && isLiveIterator(iterable);
	const items: Iterable<Value> | undefined = live
		? drain(iterable)
		: (ranged?.items ?? it.iterate(iterable));
	// What is left of an iterator after iterations NormLens did not follow one by one.
	const unfollowed = (cause: Cause): void => {
		if (live) {
			iterable.cause ??= cause;
		}
	};
	if (!items) {
		// The loop runs an unknown number of times: its effects are unknown.
		const cause = conditionCause(it, iterNodes[0], iterable, 'for');
		targets.forEach((t) => it.havocTarget(t, scope, cause));
		// The loop variable may be a part of what the iterable came from (`for l in model.layers`).
		iterNodes.forEach((n) => it.taintPaths(n, scope, cause));
		const completion = maybeRun(it, body, scope, cause, true);
		return breaks(body) ? { maybeBroke: cause, completion } : completion;
	}
	const bound = loopBound(it);
	for (const item of items) {
		if (pastLoopBound(it, bound)) {
			// Run long enough: the rest of the loop is as a loop of unknown length.
			const cause = loopCutCause(it, 'for', iterNodes[0] ?? node, bound);
			unfollowed(cause);
			targets.forEach((t) => it.havocTarget(t, scope, cause));
			const completion = maybeRun(it, body, scope, cause, true);
			return breaks(body) ? { maybeBroke: cause, completion } : completion;
		}
		it.assignTargets(targets, item, scope);
		const c = it.execBlock(body, scope);
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
			unfollowed(c.cause);
			it.havoc(body, scope, c.cause);
			return c.leaves === 'return' ? c : { maybeBroke: c.cause, completion: undefined };
		}
	}
	return undefined;
}

/** An iterator's items, each removed from it as the loop takes it. */
function* drain(iterator: { items: Value[]; cause?: Cause }): Generator<Value> {
	while (!iterator.cause && iterator.items.length > 0) {
		yield iterator.items.shift() as Value;
	}
}

/** Whether a loop body has a `break` of its own (not one of a loop nested in it). */
function breaks(body: SyntaxNode): boolean {
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
function loopElse(node: SyntaxNode): SyntaxNode | undefined {
	const parts = children(node);
	const at = parts.findIndex((p) => p.name === 'else');
	return at >= 0 && parts[at + 1]?.name === 'Body' ? parts[at + 1] : undefined;
}

/** After a loop that ended without `break`: its `else` block; after one that may have broken out, that block may run. */
function runLoopElse(
	it: Interpreter,
	node: SyntaxNode,
	scope: Scope,
	maybeBroke: Cause | undefined,
): Completion {
	const otherwise = loopElse(node);
	if (!otherwise) {
		return undefined;
	}
	return maybeBroke ? maybeRun(it, otherwise, scope, maybeBroke) : it.execBlock(otherwise, scope);
}

/** A `while` loop, run while its condition is known to hold, and its `else` block. */
export function execWhile(it: Interpreter, node: SyntaxNode, scope: Scope): Completion {
	const parts = children(node);
	const cond = parts[1];
	const body = childNamed(node, 'Body');
	if (!cond || !body) {
		return undefined;
	}
	// `while True:` with no way out never ends in Python either: nothing after it runs, so it runs
	// to the analysis's own bound rather than being cut and havocked like a long loop.
	const endless =
		/^(?:True|1)$/.test(it.source.slice(cond)) &&
		!breaks(body) &&
		exits(body) !== 'return' &&
		!(it.generatorFrames.length > 0 && holdsYield(body));
	const bound = loopBound(it);
	for (;;) {
		it.tick();
		const v = it.eval(cond, scope);
		const t = truthy(v);
		if (t === false) {
			return runLoopElse(it, node, scope, undefined);
		}
		if (t === undefined || (!endless && pastLoopBound(it, bound))) {
			const cause =
				t === undefined
					? conditionCause(it, cond, v, 'while')
					: loopCutCause(it, 'while', cond, bound);
			const completion = maybeRun(it, body, scope, cause, true);
			return runLoopElse(it, node, scope, breaks(body) ? cause : undefined) ?? completion;
		}
		const c = it.execBlock(body, scope);
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
			it.havoc(body, scope, c.cause);
			return c.leaves === 'return' ? c : runLoopElse(it, node, scope, c.cause);
		}
	}
}

/**
 * `try` / `except` / `else` / `finally`. The `try` block runs; NormLens cannot tell whether it
 * raises, so each `except` block may run: what it would bind or change is unknown (an import of what
 * is already bound, `pass`, `raise` and printing change nothing). `else` runs on the path where the
 * `try` block did not raise, and `finally` always runs (a return there wins).
 */
export function execTry(it: Interpreter, node: SyntaxNode, scope: Scope): Completion {
	const clauses: { kind: string; head: SyntaxNode[]; body: SyntaxNode }[] = [];
	let kind = 'try';
	let head: SyntaxNode[] = [];
	for (const p of children(node)) {
		if (p.name === 'try' || p.name === 'except' || p.name === 'else' || p.name === 'finally') {
			kind = p.name;
			head = [p];
		} else if (p.name === 'Body') {
			clauses.push({ kind, head, body: p });
		} else {
			head.push(p);
		}
	}
	const body = clauses.find((c) => c.kind === 'try');
	let c = body ? it.execBlock(body.body, scope) : undefined;
	const raised = it.raising;
	const raisedType = it.raisingType;
	if (raised) {
		// An exception the block raised for certain: its rest did not run, and a handler may catch
		// it (each may run, as below, unless its builtin class says which one does).
		it.raising = undefined;
		c = undefined;
	}
	const handlers = clauses.filter((x) => x.kind === 'except');
	const taker = raised && raisedType ? handlerFor(it, handlers, raisedType) : undefined;
	if (taker !== undefined) {
		// `getattr(m, 'weight_u')` on a module without it, in `try … except AttributeError:`.
		if (taker === null) {
			it.raise(raised as Cause, raisedType);
		} else {
			if (taker.as) {
				it.bindName(taker.as, unknown(raised), scope);
			}
			c = it.execBlock(taker.clause.body, scope);
		}
		const last = clauses.find((x) => x.kind === 'finally');
		return last ? (it.execBlock(last.body, scope) ?? c) : c;
	}
	for (const handler of handlers) {
		const text =
			head.length > 0
				? it.source.text.slice(
						handler.head[0].from,
						handler.head[handler.head.length - 1].to,
					)
				: 'except';
		const cause = {
			reason: `NormLens cannot tell whether the \`try\` block raises, so \`${text.replace(/\s+/g, ' ')}:\` may run`,
			range: it.here(handler.head[0]),
		};
		mayRunHandler(it, handler.body, scope, cause);
		// A handler that may return (or leave a loop) makes how the statement ends unknown too: the
		// try block's `return True` is not the function's answer when `except: return False` may run.
		const leaves = exits(handler.body);
		if (leaves && c?.type === 'return') {
			c =
				leaves === 'return'
					? { type: 'return', value: unknown(cause) }
					: { type: 'maybe', leaves: 'return', cause };
		} else if (leaves && c?.type !== 'maybe') {
			c = { type: 'maybe', leaves, cause };
		}
	}
	const otherwise = clauses.find((x) => x.kind === 'else');
	if (!c && otherwise) {
		c = it.execBlock(otherwise.body, scope);
	}
	const last = clauses.find((x) => x.kind === 'finally');
	if (last) {
		c = it.execBlock(last.body, scope) ?? c;
	}
	return c;
}

/** Builtin exception classes, each with its builtin base (`except LookupError:` takes a KeyError). */
const EXCEPTION_BASES: Readonly<Record<string, string>> = {
	AttributeError: 'Exception',
	NameError: 'Exception',
	AssertionError: 'Exception',
	TypeError: 'Exception',
	ValueError: 'Exception',
	KeyError: 'LookupError',
	IndexError: 'LookupError',
	LookupError: 'Exception',
	NotImplementedError: 'RuntimeError',
	RuntimeError: 'Exception',
	Exception: 'BaseException',
};

/**
 * The handler that takes an exception of builtin class `type`: the first whose classes (a name or a
 * tuple of names; a bare `except:`) include it or a base of it; null when none does (it goes on
 * unwinding); undefined when a handler before that one names something NormLens cannot compare.
 */
function handlerFor(
	it: Interpreter,
	handlers: { head: SyntaxNode[]; body: SyntaxNode }[],
	type: string,
): { clause: { body: SyntaxNode }; as?: string } | null | undefined {
	const lineage: string[] = [];
	for (let t: string | undefined = type; t; t = EXCEPTION_BASES[t]) {
		lineage.push(t);
	}
	lineage.push('BaseException');
	for (const h of handlers) {
		const text = it.source.text.slice(h.head[0].from, h.head[h.head.length - 1].to);
		const m = /^except\s*(?:\(?\s*([\w\s,]*?)\s*\)?)?\s*(?:as\s+(\w+))?\s*$/.exec(text);
		const names =
			m?.[1]
				?.split(',')
				.map((x) => x.trim())
				.filter((x) => x !== '') ?? [];
		if (!m || names.some((n) => !(n in EXCEPTION_BASES) && n !== 'BaseException')) {
			return undefined;
		}
		if (names.length === 0 || names.some((n) => lineage.includes(n))) {
			return { clause: h, as: m[2] };
		}
	}
	return null;
}

/** An `except` block that may run: its imports are compared with what is bound, the rest havocked. */
function mayRunHandler(it: Interpreter, body: SyntaxNode, scope: Scope, cause: Cause): void {
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
			it.execImport(st, trial);
			for (const [name, v] of trial.entries()) {
				const now = scope.get(name);
				if (
					!now ||
					now.k !== v.k ||
					(v.k === 'ref' &&
						now.k === 'ref' &&
						canonicalPath(it, v.path) !== canonicalPath(it, now.path)) ||
					(v.k !== 'ref' && now !== v)
				) {
					it.bindName(name, unknown(cause), scope);
				}
			}
			continue;
		}
		if (
			st.name === 'ExpressionStatement' &&
			st.firstChild?.name === 'CallExpression' &&
			/^(print|logging\.\w+|logger\.\w+|warnings\.warn)$/.test(
				it.source.slice(st.firstChild.firstChild ?? st.firstChild),
			)
		) {
			continue;
		}
		it.havoc(st, scope, cause);
	}
}

/** A library path as its runtime names it (`tensorflow.keras.layers.Dense` and `keras.layers.Dense` are one). */
function canonicalPath(it: Interpreter, path: string): string {
	for (const r of it.runtimes) {
		const c = r.canonicalPath?.(path);
		if (c !== undefined) {
			return c;
		}
	}
	return path;
}

/** Why a condition or iterable is unknown, pointing at it. */
export function conditionCause(
	it: Interpreter,
	node: SyntaxNode | undefined,
	value: Value,
	kind: 'if' | 'for' | 'while',
): Cause {
	// The first cause wins: the construct that made the condition unknown, when there is one.
	const inner = causeOf(value);
	if (inner) {
		return inner;
	}
	const text = it.snippet(node);
	const what =
		kind === 'for'
			? `what \`for … in ${text}\` iterates over`
			: `whether \`${kind} ${text}\` holds`;
	return {
		reason: `NormLens cannot tell ${what}, so the code it guards may or may not run`,
		range: node ? it.here(node) : it.here(it.source.tree.topNode),
	};
}

/** Havocs code that may or may not run and says how it may leave its block. */
export function maybeRun(
	it: Interpreter,
	node: SyntaxNode,
	scope: Scope,
	cause: Cause,
	loopBody = false,
): Completion {
	it.havoc(node, scope, cause);
	const exit = exits(node);
	if (!exit || (loopBody && exit !== 'return')) {
		return undefined;
	}
	return { type: 'maybe', leaves: exit, cause };
}

/** Which of return / break / continue a piece of code can leave by (not counting nested loops, functions and classes for the last two). */
export function exits(node: SyntaxNode): 'return' | 'break' | 'continue' | undefined {
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
					visit(c, inLoop || c.name === 'ForStatement' || c.name === 'WhileStatement');
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
function alwaysRaises(body: SyntaxNode): boolean {
	let last: SyntaxNode | null = body.lastChild;
	while (last && (last.name === 'Comment' || last.name === ':' || last.name === 'newline')) {
		last = last.prevSibling;
	}
	return last?.name === 'RaiseStatement';
}

/**
 * `for i in range(…)` of the builtin over ints: its numbers one at a time, never a list, so that a
 * loop of 10⁶ iterations is cut by its share of the bounds (loopBudget.ts) instead of stopping the
 * analysis at the sequence bound. Any other `range(…)` is the builtin's call on the same values.
 */
function forRange(
	it: Interpreter,
	iterNodes: SyntaxNode[],
	scope: Scope,
): { iterable: Value; items?: Iterable<Value> } | undefined {
	const call = iterNodes.length === 1 ? iterNodes[0] : undefined;
	const calleeNode = call?.name === 'CallExpression' ? call.firstChild : null;
	if (!call || calleeNode?.name !== 'VariableName' || it.source.slice(calleeNode) !== 'range') {
		return undefined;
	}
	const callee = it.eval(calleeNode, scope);
	if (callee.k !== 'builtin' || callee.name !== 'range') {
		return undefined;
	}
	const args = callArguments(it, childNamed(call, 'ArgList'), call, scope);
	// A float is the builtin's TypeError, said by it.
	const bounds = args.positional.some((v) => v.k === 'num' && v.float)
		? undefined
		: rangeBounds(args.positional);
	if (args.cause || args.keywords.size > 0 || !bounds) {
		return { iterable: it.call(callee, args) };
	}
	const { start, stop, step } = bounds;
	function* numbers(): Generator<Value> {
		for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
			yield { k: 'num', v: i };
		}
	}
	return { iterable: UNKNOWN, items: numbers() };
}
