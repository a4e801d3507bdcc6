// `and`, `or` and `not` with Python's precedence, which Lezer's Python grammar does not give `not`.
import type { SyntaxNode } from '@lezer/common';
import { children } from '../parse';
import { causeOf, truthy, unknown, Value } from '../values';
import type { Interpreter } from '../interpreter';

/**
 * Lezer's Python grammar (1.1.19) gives `not` the lowest precedence: `not a and b` parses as
 * `not (a and b)`, `a and not b or c` as `a and (not (b or c))`. Python binds `not` tighter than
 * `and` and `or` (`(not a) and b`), so the tree would take the wrong branch of
 * `if not self.training and x.size(1) < n:` — a wrong shape, not an unknown one. The operands in
 * between (comparisons, calls, arithmetic) are parsed right; only the and / or / not layer is
 * rebuilt here, from its parts in source order, by Python's grammar:
 *
 *     or_test  := and_test ('or' and_test)*
 *     and_test := not_test ('and' not_test)*
 *     not_test := 'not' not_test | operand
 *
 * A parenthesised group is an operand: its inside is rebuilt on its own when evaluated.
 */
type Logical =
	| { op: 'and' | 'or'; left: Logical; right: Logical }
	| { op: 'not'; operand: Logical }
	| { op: 'leaf'; node: SyntaxNode };

type Part = 'and' | 'or' | 'not' | SyntaxNode;

/**
 * The logical operator of a node (`and` / `or` of a BinaryExpression, `not` of a UnaryExpression),
 * if any. Read from the operator token's node name (Lezer names keyword tokens by their word), as
 * every binary and unary expression the interpreter meets asks: no child list is built.
 */
export function logicalOp(node: SyntaxNode): 'and' | 'or' | 'not' | undefined {
	if (node.name === 'UnaryExpression') {
		return node.firstChild?.name === 'not' ? 'not' : undefined;
	}
	if (node.name !== 'BinaryExpression') {
		return undefined;
	}
	let op = node.firstChild?.nextSibling;
	while (op?.name === 'Comment') {
		op = op.nextSibling;
	}
	return op?.name === 'and' || op?.name === 'or' ? op.name : undefined;
}

/** The and / or / not operators and their operands, in source order. */
function flatten(node: SyntaxNode, out: Part[]): void {
	const op = logicalOp(node);
	const parts = children(node);
	if (op === 'not') {
		out.push('not');
		flatten(parts[1], out);
	} else if (op) {
		flatten(parts[0], out);
		out.push(op);
		flatten(parts[2], out);
	} else {
		out.push(node);
	}
}

/** Python's grammar over the parts; undefined if they do not form an expression (a parse error). */
function rebuild(parts: Part[]): Logical | undefined {
	let i = 0;
	const notTest = (): Logical | undefined => {
		const p = parts[i++];
		if (p === 'not') {
			const operand = notTest();
			return operand && { op: 'not', operand };
		}
		return p === undefined || typeof p === 'string' ? undefined : { op: 'leaf', node: p };
	};
	const chain =
		(op: 'and' | 'or', next: () => Logical | undefined) => (): Logical | undefined => {
			let left = next();
			while (left && parts[i] === op) {
				i++;
				const right = next();
				left = right && { op, left, right };
			}
			return left;
		};
	const tree = chain('or', chain('and', notTest))();
	return i === parts.length ? tree : undefined;
}

/** An operand whose reading runs no code: no call, no walrus, no lambda, nothing a runtime could observe. */
function pure(t: Logical): boolean {
	if (t.op === 'not') {
		return pure(t.operand);
	}
	if (t.op !== 'leaf') {
		return pure(t.left) && pure(t.right);
	}
	const clean = (n: SyntaxNode): boolean => {
		if (EFFECTFUL.has(n.name)) {
			return false;
		}
		for (let c = n.firstChild; c; c = c.nextSibling) {
			if (!clean(c)) {
				return false;
			}
		}
		return true;
	};
	return clean(t.node);
}

/** Syntax that may run code or bind a name when read (a call, a walrus), and lambdas, left unread. */
const EFFECTFUL = new Set(['CallExpression', 'AssignmentExpression', 'LambdaExpression']);

/**
 * The value of an and / or / not expression rooted at `node`, with Python's precedence and
 * short-circuit: `a and b` is `a` when `a` is falsy, else `b`; an operand never reached is never
 * evaluated (its calls do not run).
 */
export function logical(
	it: Interpreter,
	node: SyntaxNode,
	evaluate: (node: SyntaxNode) => Value,
): Value {
	const parts: Part[] = [];
	flatten(node, parts);
	const tree = rebuild(parts);
	if (!tree) {
		return unknown({
			reason: `NormLens cannot read the operators of \`${it.snippet(node)}\``,
			range: it.here(node),
		});
	}
	const run = (t: Logical): Value => {
		if (t.op === 'leaf') {
			return evaluate(t.node);
		}
		if (t.op === 'not') {
			const v = run(t.operand);
			const b = truthy(v);
			return b === undefined ? unknown(causeOf(v)) : { k: 'bool', v: !b };
		}
		const a = run(t.left);
		const b = truthy(a);
		if (b === undefined) {
			// Whether the right operand runs is unknown. One that cannot have effects (no call) is
			// read: `a and <falsy>` is falsy and `a or <truthy>` truthy whichever value it is.
			const right = pure(t.right) ? run(t.right) : undefined;
			const r = right && truthy(right);
			const cause = causeOf(a);
			return r === (t.op === 'or') ? { k: 'unknown', cause, truth: r } : unknown(cause);
		}
		return (t.op === 'and') === b ? run(t.right) : a;
	};
	return run(tree);
}
