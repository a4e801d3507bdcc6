// Python 3.10's `match` statement: the first `case` whose pattern matches runs, with its captures bound.
import type { SyntaxNode } from '@lezer/common';
import { childNamed, children } from '../parse';
import { dictKey } from '../dictKeys';
import { Cause, num, Scope, truthy, unknown, UNKNOWN, Value } from '../values';
import { isInstance } from '../builtinObjects';
import type { Interpreter } from '../interpreter';
import type { Completion } from './statements';
import { maybeRun } from './controlFlow';

/** Whether a pattern matches: true (its captures in `binds`), false, or undefined where NormLens cannot tell. */
type Match = boolean | undefined;

/** Values whose kind NormLens knows for certain (an imported name, an object, may be anything). */
const PLAIN = new Set(['num', 'str', 'bool', 'none', 'list', 'tuple', 'dict']);

/** Every part of a clause that is no pattern: the keyword, a guard, the body, separators. */
const NOT_PATTERN = new Set(['case', 'Guard', 'Body', ',', 'Comment']);

/**
 * `match subject:` — each `case` in order: the first whose pattern matches (and whose guard holds)
 * runs. Where NormLens cannot tell whether a case matches, that case and every later one may run:
 * what they would bind or change is unknown, for that reason.
 */
export function execMatch(it: Interpreter, node: SyntaxNode, scope: Scope): Completion {
	const parts = children(node);
	const subjectNode = parts[1];
	const subject = subjectNode ? it.eval(subjectNode, scope) : UNKNOWN;
	const clauses = children(childNamed(node, 'MatchBody') ?? node).filter(
		(c) => c.name === 'MatchClause',
	);
	for (let i = 0; i < clauses.length; i++) {
		const clause = clauses[i];
		const patterns = children(clause).filter((c) => !NOT_PATTERN.has(c.name));
		const binds = new Map<string, Value>();
		const m: Matching = { it, scope, binds };
		let r: Match =
			patterns.length === 1
				? matches(m, patterns[0], subject)
				: sequence(m, patterns, subject);
		if (r === true) {
			binds.forEach((v, k) => it.bindName(k, v, scope));
			const guard = childNamed(clause, 'Guard')?.lastChild;
			r = guard ? truthy(it.eval(guard, scope)) : true;
		}
		if (r === undefined) {
			const cause: Cause = {
				reason: `NormLens cannot tell whether \`${it.snippet(patterns[0] ?? clause)}\` matches \`${it.snippet(subjectNode ?? node)}\``,
				range: it.here(clause),
			};
			let exit: Completion;
			for (const later of clauses.slice(i)) {
				captures(it, later).forEach((name) => it.bindName(name, unknown(cause), scope));
				const body = childNamed(later, 'Body');
				const e = body ? maybeRun(it, body, scope, cause) : undefined;
				exit ??= e;
			}
			return exit;
		}
		if (r) {
			const body = childNamed(clause, 'Body');
			return body ? it.execBlock(body, scope) : undefined;
		}
	}
	return undefined;
}

/** The names a clause's patterns capture. */
function captures(it: Interpreter, clause: SyntaxNode): string[] {
	const out: string[] = [];
	const visit = (n: SyntaxNode) => {
		if (n.name === 'Guard' || n.name === 'Body') {
			return;
		}
		if (
			n.name === 'CapturePattern' ||
			(n.name === 'VariableName' && n.prevSibling?.name === 'as')
		) {
			out.push(it.source.slice(n.name === 'VariableName' ? n : (n.firstChild ?? n)));
		}
		children(n).forEach(visit);
	};
	visit(clause);
	return out.filter((n) => n !== '_');
}

/** Several patterns matched in turn: false where one fails, undefined where one cannot be told. */
function all(results: Match[]): Match {
	return results.includes(false) ? false : results.includes(undefined) ? undefined : true;
}

/** What a pattern is matched with: the interpreter, the scope its values are read in, the captures so far. */
interface Matching {
	it: Interpreter;
	scope: Scope;
	binds: Map<string, Value>;
}

function matches(m: Matching, p: SyntaxNode, subject: Value): Match {
	const { it, scope, binds } = m;
	switch (p.name) {
		case 'CapturePattern': {
			const name = it.source.slice(p);
			if (name !== '_') {
				binds.set(name, subject);
			}
			return true;
		}
		case 'LiteralPattern':
		case 'AttributePattern':
			return equals(it, literal(it, p, scope), subject);
		case 'AsPattern': {
			const inner = p.firstChild;
			const name = childNamed(p, 'VariableName');
			const r = inner ? matches(m, inner, subject) : undefined;
			if (r && name) {
				binds.set(it.source.slice(name), subject);
			}
			return r;
		}
		case 'OrPattern': {
			let unsure = false;
			for (const alt of children(p).filter((c) => c.name !== 'LogicOp')) {
				const own = new Map<string, Value>();
				const r = matches({ ...m, binds: own }, alt, subject);
				if (r === true && !unsure) {
					own.forEach((v, k) => binds.set(k, v));
					return true;
				}
				unsure ||= r !== false;
			}
			return unsure ? undefined : false;
		}
		case 'SequencePattern': {
			const items = children(p).filter((c) => !['(', ')', '[', ']', ','].includes(c.name));
			const grouped =
				it.source.slice(p).startsWith('(') && !children(p).some((c) => c.name === ',');
			return grouped && items.length === 1
				? matches(m, items[0], subject)
				: sequence(m, items, subject);
		}
		case 'MappingPattern':
			return mapping(m, p, subject);
		case 'ClassPattern':
			return classPattern(m, p, subject);
		default:
			return undefined;
	}
}

/** A literal's value (`-1`, `"conv"`, `None`) or a dotted name's (`Mode.TRAIN`); undefined where it is neither. */
function literal(it: Interpreter, p: SyntaxNode, scope: Scope): Value | undefined {
	if (p.name === 'AttributePattern') {
		const [first, ...rest] = children(p).filter((c) => c.name !== '.');
		return rest.reduce(
			(v: Value | undefined, n) => v && it.getAttr(v, it.source.slice(n)),
			first ? it.eval(first, scope) : undefined,
		);
	}
	const parts = children(p);
	if (parts.length === 1) {
		return it.eval(parts[0], scope);
	}
	const n =
		parts.length === 2 && parts[0].name === 'ArithOp' ? it.eval(parts[1], scope) : undefined;
	return n?.k === 'num' && it.source.slice(parts[0]) === '-' ? num(-n.v) : undefined;
}

function equals(it: Interpreter, v: Value | undefined, subject: Value): Match {
	if (!v || v.k === 'unknown' || subject.k === 'unknown') {
		return undefined;
	}
	if (!PLAIN.has(subject.k)) {
		return undefined;
	}
	if (v.k === 'none' || v.k === 'bool') {
		// `case None` / `case True` compare by identity.
		return v.k === 'none' ? subject.k === 'none' : subject.k === 'bool' && subject.v === v.v;
	}
	return truthy(it.binary('==', subject, v));
}

/** `[a, *rest]`, `(kind, i, o)`, `a, b`: a list or tuple of that many items (a string is no sequence here). */
function sequence(m: Matching, items: SyntaxNode[], subject: Value): Match {
	const { it, binds } = m;
	if (subject.k !== 'list' && subject.k !== 'tuple') {
		return PLAIN.has(subject.k) ? false : undefined;
	}
	if (subject.cause || (subject.k === 'list' && subject.iterator)) {
		return subject.k === 'list' && subject.iterator ? false : undefined;
	}
	const xs = subject.items;
	const star = items.findIndex((c) => c.name === 'StarPattern');
	if (star < 0 ? xs.length !== items.length : xs.length < items.length - 1) {
		return false;
	}
	const results: Match[] = [];
	items.forEach((item, i) => {
		if (i === star) {
			const name = item.lastChild ? it.source.slice(item.lastChild) : '_';
			if (name !== '_') {
				binds.set(name, {
					k: 'list',
					items: xs.slice(i, xs.length - (items.length - 1 - i)),
				});
			}
			return;
		}
		const at = star >= 0 && i > star ? xs.length - (items.length - i) : i;
		results.push(matches(m, item, xs[at]));
	});
	return all(results);
}

/** `{"type": "conv", "ch": ch, **rest}`: a mapping with those keys, their values matching. */
function mapping(m: Matching, p: SyntaxNode, subject: Value): Match {
	const { it, scope, binds } = m;
	if (subject.k !== 'dict') {
		return PLAIN.has(subject.k) ? false : undefined;
	}
	if (subject.cause) {
		return undefined;
	}
	const parts = children(p).filter((c) => !['{', '}', ',', ':'].includes(c.name));
	const results: Match[] = [];
	const used = new Set<string>();
	for (let i = 0; i < parts.length; i++) {
		if (parts[i].name === '**') {
			const name = parts[i + 1] ? it.source.slice(parts[i + 1]) : '_';
			const rest = [...subject.entries].filter(([k]) => !used.has(k));
			binds.set(name, { k: 'dict', entries: new Map(rest) });
			i++;
			continue;
		}
		const key = dictKey(literal(it, parts[i], scope) ?? UNKNOWN);
		const value = parts[i + 1];
		i++;
		if (key === undefined || !value) {
			results.push(undefined);
			continue;
		}
		used.add(key);
		const v = subject.entries.get(key);
		results.push(v === undefined ? false : matches(m, value, v));
	}
	return all(results);
}

/** Builtin classes whose pattern `int(x)` matches the subject itself against its one positional pattern. */
const SELF_MATCHING = new Set(['bool', 'int', 'float', 'str', 'list', 'tuple', 'dict']);

/** `str()`, `int(n)`, `Point(x=0, y=y)`: an instance of the class, its attributes matching. */
function classPattern(m: Matching, p: SyntaxNode, subject: Value): Match {
	const { it, scope } = m;
	const cls = p.firstChild ? it.eval(p.firstChild, scope) : UNKNOWN;
	const args = children(childNamed(p, 'PatternArgList') ?? p).filter(
		(c) => !['(', ')', ','].includes(c.name) && it.source.slice(c) !== '',
	);
	const builtin = cls.k === 'builtin' && SELF_MATCHING.has(cls.name);
	const verdict = isInstance(it, subject, cls);
	if (verdict.k !== 'bool' || !verdict.v) {
		return verdict.k === 'bool' ? false : undefined;
	}
	const results: Match[] = [];
	for (const a of args) {
		if (a.name === 'KeywordPattern') {
			const name = a.firstChild ? it.source.slice(a.firstChild) : '';
			const inner = a.lastChild;
			const v = it.getAttr(subject, name);
			results.push(inner && v.k !== 'unknown' ? matches(m, inner, v) : undefined);
		} else if (builtin && args.length === 1) {
			results.push(matches(m, a, subject));
		} else {
			// A positional pattern of another class reads its `__match_args__`: not followed.
			results.push(undefined);
		}
	}
	return all(results);
}
