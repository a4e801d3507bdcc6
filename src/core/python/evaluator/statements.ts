// Statements: a block run one statement at a time, the dispatch, and what Python would not run.
import type { SyntaxNode } from '@lezer/common';
import { childNamed, children } from '../parse';
import { StopInterpretation } from '../contract';
import { Cause, NONE, Scope, unknown, Value } from '../values';
import type { Interpreter } from '../interpreter';

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
	for (let s = block.firstChild; s; s = s.nextSibling) {
		top?.(s);
		const c = execStatement(it, s, scope);
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
	const problem = it.source.problemIn(node.from, headerEnd(node));
	if (problem) {
		// Python would not run it: what it assigns or changes is unknown, for that reason.
		it.havoc(node, scope, {
			reason: leftOutReason(it.snippet(node), problem.message),
			range: it.here(node),
		});
		return undefined;
	}
	try {
		return execStatementInner(it, node, scope);
	} catch (e) {
		if (e instanceof StopInterpretation) {
			throw e;
		}
		// A statement the interpreter cannot follow: whatever it may change becomes unknown.
		it.havoc(node, scope, {
			reason: `NormLens could not follow the statement \`${it.snippet(node)}\``,
			range: it.here(node),
		});
		return undefined;
	}
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
		case 'RaiseStatement':
			// The code after a `raise` that runs does not run; the caller gets no value it can know.
			return {
				type: 'return',
				value: unknown({
					reason: `\`${it.snippet(node)}\` raises an exception here`,
					range: it.here(node),
				}),
			};
		case 'PassStatement':
		case 'AssertStatement':
		case 'PrintStatement':
		case 'Comment':
			return undefined;
		default:
			// A statement the interpreter does not model (`match`, `yield`, …): its effects are unknown.
			it.havoc(node, scope, {
				reason: `NormLens does not follow \`${it.snippet(node)}\``,
				range: it.here(node),
			});
			return undefined;
	}
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
