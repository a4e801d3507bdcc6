// Comprehensions and generator expressions: run item by item, or unknown with effects havocked.
import type { SyntaxNode } from '@lezer/common';
import { children } from '../parse';
import { Cause, causeOf, Scope, truthy, unknown, UNKNOWN, Value } from '../values';
import { dictKey } from '../dictKeys';
import type { Interpreter } from '../interpreter';
import { loopBound, loopCutCause, pastLoopBound } from './loopBudget';
import { numericComprehension } from './numericComprehension';

/**
 * `[… for … in … if …]`, `{k: v for …}`, `(… for …)`: every item, or unknown when an iterable or a
 * condition is.
 */
export function comprehension(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
	const numbers = numericComprehension(it, node, scope);
	if (numbers) {
		return numbers;
	}
	// [expr for target in iterable if cond ...], or {key: value for …}
	const parts = children(node).filter((c) => !['[', ']', '(', ')', '{', '}'].includes(c.name));
	const isDict = node.name === 'DictionaryComprehensionExpression';
	const expr = parts[0];
	const valueExpr = isDict ? parts[2] : undefined;
	const list: (
		{ kind: 'for'; targets: SyntaxNode[]; iter: SyntaxNode } | { kind: 'if'; cond: SyntaxNode }
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
	// Names inside a comprehension skip an enclosing class body; its first iterable is evaluated
	// where the comprehension is written.
	const inner = new Scope(scope.classBody ? scope.parent : scope);
	let failure: Cause | undefined;
	// One bound for the whole comprehension, its nested `for`s included.
	const bound = loopBound(it);
	const walk = (k: number): boolean => {
		if (k === list.length) {
			if (valueExpr) {
				const key = it.eval(expr, inner);
				const k = dictKey(key);
				if (k === undefined) {
					failure ??= causeOf(key) ?? {
						reason: `NormLens cannot tell the keys of \`${it.snippet(node)}\``,
						range: it.here(expr),
					};
					return false;
				}
				entries.set(k, it.eval(valueExpr, inner));
				return entries.size <= it.limits.maxSequence;
			}
			out.push(it.eval(expr, inner));
			return out.length <= it.limits.maxSequence;
		}
		const clause = list[k];
		if (clause.kind === 'if') {
			const c = it.eval(clause.cond, inner);
			const t = truthy(c);
			if (t === undefined) {
				failure ??= it.conditionCause(clause.cond, c, 'if');
				return false;
			}
			return t ? walk(k + 1) : true;
		}
		const iterable = it.eval(clause.iter, k === 0 ? scope : inner);
		const items = it.iterate(iterable);
		if (!items) {
			failure ??= it.conditionCause(clause.iter, iterable, 'for');
			return false;
		}
		for (const item of items) {
			if (pastLoopBound(it, bound)) {
				failure ??= loopCutCause(it, 'for', clause.iter, bound);
				return false;
			}
			it.assignTargets(clause.targets, item, inner);
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
		reason: `NormLens cannot evaluate \`${it.snippet(node)}\``,
		range: it.here(node),
	};
	it.havoc(expr, inner, cause);
	if (valueExpr) {
		it.havoc(valueExpr, inner, cause);
	}
	return unknown(cause);
}
