// Statements: a block run one statement at a time, the dispatch, and what Python would not run.
import type { SyntaxNode } from '@lezer/common';
import { childNamed, children } from '../parse';
import { StopInterpretation } from '../contract';
import { Cause, NONE, raised, Scope, truthy, unknown, Value } from '../values';
import type { Interpreter } from '../interpreter';
import { exits } from './controlFlow';
import { yieldValue } from './generators';
import { execMatch } from './match';

/**
 * How a statement ended. `maybe` is a `return` / `break` / `continue` inside code whose condition
 * NormLens could not decide: what follows it in the enclosing blocks may or may not run, so it is
 * treated as unknown code (havocked) up to the loop or function it leaves.
 */
export type Completion =
	| { type: 'return'; value: Value }
	| { type: 'break' }
	| { type: 'continue' }
	| { type: 'maybe'; leaves: 'return' | 'break' | 'continue'; cause: Cause }
	| undefined;

/** Runs a block (a body, a module) statement by statement, and says how it ended. */
export function execBlock(it: Interpreter, block: SyntaxNode, scope: Scope): Completion {
	const top =
		block.parent === null && it.source === it.mainSource ? it.beforeTopStatement : undefined;
	const atTop = block.parent === null && it.source === it.mainSource;
	for (let s = block.firstChild; s; s = s.nextSibling) {
		top?.(s);
		if (atTop) {
			it.topStatement = s;
		}
		let c: Completion;
		const problem = it.source.problemIn(s.from, headerEnd(s));
		if (problem) {
			// Python would not run it: what it assigns or changes is unknown, for that reason. A
			// compound statement whose header Lezer cut short lost its block: the statements indented
			// under it (Lezer's siblings) are that block, left out with it.
			// A definition's lost block is its own body, which runs only when it is called: skipped.
			it.tick();
			const body = orphanedBody(it, s);
			const cause = {
				reason: leftOutReason(it.snippet(s), problem.message),
				range: it.here(s),
			};
			c = notRun(it, DEFINITIONS.has(s.name) ? [s] : [s, ...body], scope, cause, true);
			s = body[body.length - 1] ?? s;
		} else {
			c = execStatement(it, s, scope);
		}
		if (it.raising) {
			// Python unwinds: the rest of this block does not run. At the file's top level the
			// exception is reported where it arose; a notebook runs its next cell, a file is analysed
			// on as if the statement were left out (as a syntax error is).
			if (!atTop) {
				return { type: 'return', value: raised(it.raising) };
			}
			reportRaise(it, it.raising);
			it.raising = undefined;
			s = lastOfCell(it, s);
			continue;
		}
		if (c?.type === 'maybe') {
			// What follows may or may not run: its effects are unknown, for the same reason.
			for (let rest = s.nextSibling; rest; rest = rest.nextSibling) {
				it.havoc(rest, scope, c.cause);
			}
			return c;
		}
		if (c) {
			return c;
		}
	}
	return undefined;
}

function execStatement(it: Interpreter, node: SyntaxNode, scope: Scope): Completion {
	it.tick();
	try {
		return execStatementInner(it, node, scope);
	} catch (e) {
		if (e instanceof StopInterpretation) {
			throw e;
		}
		// A statement the interpreter cannot follow: whatever it may change becomes unknown.
		return notRun(it, [node], scope, {
			reason: `NormLens could not follow the statement \`${it.snippet(node)}\``,
			range: it.here(node),
		});
	}
}

/**
 * Statements NormLens does not run (left out, not modelled, not followed): what they may change is
 * unknown, and so is whether they leave the function or loop — a `return` in them may end the
 * function (`if x == 0. or …: return A` left out must not make `return B` after it certain). A
 * statement Lezer could not parse whole may hide its `return` from the tree, so its text is read too.
 */
function notRun(
	it: Interpreter,
	nodes: SyntaxNode[],
	scope: Scope,
	cause: Cause,
	brokenTree = false,
): Completion {
	let leaves: 'return' | 'break' | 'continue' | undefined;
	for (const node of nodes) {
		it.havoc(node, scope, cause);
		if (DEFINITIONS.has(node.name)) {
			continue;
		}
		const own =
			node.name === 'ReturnStatement'
				? 'return'
				: node.name === 'BreakStatement'
					? 'break'
					: node.name === 'ContinueStatement'
						? 'continue'
						: undefined;
		const text = brokenTree ? it.source.text.slice(node.from, node.to) : '';
		const exit =
			own ??
			(/\breturn\b/.test(text) && !/\b(?:def|lambda)\b/.test(text) ? 'return' : exits(node));
		// The widest way out wins: a return leaves the loop too, a break skips its continue.
		if (exit && (!leaves || EXIT_RANK[exit] > EXIT_RANK[leaves])) {
			leaves = exit;
		}
	}
	// Outside a function a `return` leaves nothing (Python refuses it): the rest of the module still runs.
	return leaves && !(leaves === 'return' && it.depth === 0)
		? { type: 'maybe', leaves, cause }
		: undefined;
}

const EXIT_RANK = { continue: 1, break: 2, return: 3 } as const;

/** Statements that only define a name: their blocks run when called, not here. */
const DEFINITIONS = new Set(['FunctionDefinition', 'ClassDefinition', 'DecoratedStatement']);

const COMPOUND = new Set([
	'IfStatement',
	'ForStatement',
	'WhileStatement',
	'WithStatement',
	'TryStatement',
	...DEFINITIONS,
]);

/** The statements after a compound statement without a block that are indented deeper than it: its lost block. */
function orphanedBody(it: Interpreter, node: SyntaxNode): SyntaxNode[] {
	if (!COMPOUND.has(node.name) || hasBody(node)) {
		return [];
	}
	const column = it.source.positionAt(node.from).character;
	const body: SyntaxNode[] = [];
	for (let n = node.nextSibling; n; n = n.nextSibling) {
		if (n.name !== 'Comment' && it.source.positionAt(n.from).character <= column) {
			break;
		}
		body.push(n);
	}
	// Trailing comments at any indentation are not the block's.
	while (body.length > 0 && body[body.length - 1].name === 'Comment') {
		body.pop();
	}
	return body;
}

function hasBody(node: SyntaxNode): boolean {
	for (let c = node.firstChild; c; c = c.nextSibling) {
		if (c.name === 'Body' || (c.name !== 'Decorator' && COMPOUND.has(c.name) && hasBody(c))) {
			return true;
		}
	}
	return false;
}

function execStatementInner(it: Interpreter, node: SyntaxNode, scope: Scope): Completion {
	switch (node.name) {
		case 'ImportStatement':
			it.execImport(node, scope);
			return undefined;
		case 'AssignStatement':
			it.execAssign(node, scope);
			return undefined;
		case 'UpdateStatement':
			it.execUpdate(node, scope);
			return undefined;
		case 'ExpressionStatement':
			if (node.firstChild) {
				it.eval(node.firstChild, scope);
			}
			return undefined;
		case 'FunctionDefinition':
			it.defineFunction(node, scope);
			return undefined;
		case 'DecoratedStatement':
			return it.execDecorated(node, scope);
		case 'ClassDefinition':
			it.defineClass(node, scope);
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
				value: parts.length > 0 ? it.evalSequence(parts, scope) : NONE,
			};
		}
		case 'IfStatement':
			return it.execIf(node, scope);
		case 'ForStatement':
			return it.execFor(node, scope);
		case 'WhileStatement':
			return it.execWhile(node, scope);
		case 'WithStatement': {
			// The context managers are not entered: a name bound by `as` is unknown, saying so,
			// rather than not defined (`with open(path) as f: words = f.read().split()`).
			for (let c = node.firstChild; c; c = c.nextSibling) {
				const target = c.name === 'as' ? c.nextSibling : null;
				if (target && c.prevSibling) {
					const cause = {
						reason: `\`${it.snippet(target)}\` is what \`with ${it.snippet(c.prevSibling)} as ${it.snippet(target)}\` gives, which NormLens does not follow`,
						range: it.here(c.prevSibling),
					};
					it.assignTargets([target], unknown(cause), scope);
				}
			}
			const body = childNamed(node, 'Body');
			return body ? execBlock(it, body, scope) : undefined;
		}
		case 'TryStatement':
			return it.execTry(node, scope);
		case 'BreakStatement':
			return { type: 'break' };
		case 'ContinueStatement':
			return { type: 'continue' };
		case 'StatementGroup':
			return execBlock(it, node, scope);
		case 'ScopeStatement':
			declareScope(it, node, scope);
			return undefined;
		case 'DeleteStatement':
			it.execDelete(node, scope);
			return undefined;
		case 'RaiseStatement': {
			// The code after a `raise` that runs does not run, nor does its caller's, up to a `try`.
			const cause = {
				reason: `\`${it.snippet(node)}\` raises an exception here`,
				range: it.here(node),
			};
			// `raise ValueError(…)`: a builtin class the code does not rebind says which `except` takes it.
			const named = /^raise\s+([A-Z]\w*)\s*(?:\(|$)/.exec(it.snippet(node))?.[1];
			it.raise(cause, named && scope.get(named) === undefined ? named : undefined);
			return { type: 'return', value: unknown(cause) };
		}
		case 'MatchStatement':
			return execMatch(it, node, scope);
		case 'YieldStatement':
			yieldValue(it, node, scope);
			return undefined;
		case 'AssertStatement':
			assertion(it, node, scope);
			return undefined;
		case 'PassStatement':
		case 'PrintStatement':
		case 'Comment':
			return undefined;
		default:
			// A statement the interpreter does not model (`match`, `yield`, …): its effects are unknown.
			return notRun(it, [node], scope, {
				reason: `NormLens does not follow \`${it.snippet(node)}\``,
				range: it.here(node),
			});
	}
}

/**
 * `assert test, message`: a test that is false for certain raises AssertionError (a head count that
 * does not divide the width); one NormLens cannot decide is taken to hold, as the code after it
 * assumes — what it counts then is what the program builds whenever it builds anything.
 */
function assertion(it: Interpreter, node: SyntaxNode, scope: Scope): void {
	const parts = children(node).filter((c) => c.name !== 'assert' && c.name !== ',');
	if (!parts[0] || truthy(it.eval(parts[0], scope)) !== false) {
		return;
	}
	const message = parts[1] ? it.eval(parts[1], scope) : undefined;
	it.raise(
		{
			reason: `\`${it.snippet(parts[0])}\` is False, so Python raises AssertionError here${message?.k === 'str' ? ` ("${message.v}")` : ''}`,
			range: it.here(node),
		},
		'AssertionError',
	);
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

/** `global x` / `nonlocal x`: later assignments in this scope bind the outer variable. */
export function declareScope(it: Interpreter, node: SyntaxNode, scope: Scope): void {
	const parts = children(node);
	const kind = parts[0] ? it.source.slice(parts[0]) : '';
	for (const p of parts.slice(1)) {
		if (p.name === 'VariableName') {
			scope.declare(it.source.slice(p), kind === 'nonlocal' ? 'nonlocal' : 'global');
		}
	}
}

/** The top-level statement an exception Python raises for certain stopped: said once, where it arose. */
function reportRaise(it: Interpreter, cause: Cause): void {
	it.diagnostics.push({
		range: cause.range,
		severity: 'error',
		code: 'python-raises',
		message: `${cause.reason}: the statement stops there, and what it would have built has no counts. ${
			it.source.cells
				? 'Jupyter runs none of the rest of this cell.'
				: 'NormLens analyses the rest of the file.'
		}`,
	});
}

/** In a notebook, the last top-level statement of the cell `s` is in (the rest of the cell does not run); `s` in a file. */
function lastOfCell(it: Interpreter, s: SyntaxNode): SyntaxNode {
	const cell = it.source.cellAt(it.source.positionAt(s.from).line);
	if (!cell) {
		return s;
	}
	let last = s;
	for (let n = s.nextSibling; n; n = n.nextSibling) {
		if (it.source.positionAt(n.from).line >= cell.startLine + cell.lineCount) {
			break;
		}
		last = n;
	}
	return last;
}
