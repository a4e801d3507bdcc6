// `exec(code)`: Python runs the string as statements in the caller's namespace. A string NormLens
// holds runs here as code (`exec(f'self.block{i} = Block(…)')` registers those modules); one it
// cannot read may change anything the caller reaches, which becomes unknown.
import type { SyntaxNode } from '@lezer/common';
import type { CallArgs } from '../contract';
import type { Interpreter } from '../interpreter';
import { PythonSource } from '../parse';
import { NONE, Scope, unknown, Value } from '../values';

/** Whether a call's callee is Python's builtin `name` (`exec`, `eval`), not a name the program binds. */
export function callsBuiltin(
	it: Interpreter,
	calleeNode: SyntaxNode,
	callee: Value,
	scope: Scope,
	name: string,
): boolean {
	return (
		callee.k === 'unknown' &&
		calleeNode.name === 'VariableName' &&
		it.source.slice(calleeNode) === name &&
		scope.get(name) === undefined
	);
}

/**
 * The value of `exec(…)` where the callee is Python's builtin (not a name the program binds);
 * undefined for any other call.
 */
export function execCall(
	it: Interpreter,
	calleeNode: SyntaxNode,
	callee: Value,
	args: CallArgs,
	scope: Scope,
): Value | undefined {
	if (!callsBuiltin(it, calleeNode, callee, scope, 'exec')) {
		return undefined;
	}
	const code = args.positional[0];
	const cause = {
		reason: `NormLens cannot read the code \`${it.snippet(args.node)}\` runs, which may change what it reaches`,
		range: it.here(args.node),
	};
	const source =
		code?.k === 'str' && args.positional.length === 1 && args.keywords.size === 0
			? new PythonSource(code.v)
			: undefined;
	if (!source || source.syntaxErrors().length > 0) {
		// What the code may have changed: the caller's own names (self, the locals) lose what NormLens
		// knew of them.
		for (const v of scope.parent ? scope.ownEntries().values() : []) {
			it.taint(v, cause);
		}
		return unknown(cause);
	}
	// In a function, exec's own assignments go to a copy of the locals (CPython), not to them;
	// what it does to objects (`self.x = …`) stays. At module level it binds the globals.
	const namespace = scope.parent ? new Scope(scope) : scope;
	it.within(source, () => it.execBlock(source.tree.topNode, namespace));
	return NONE;
}
