// Expressions: the evaluator's entry for each, names, literals, displays, operators, f-strings.
import type { SyntaxNode } from '@lezer/common';
import { childNamed, children } from '../parse';
import { sequenceBound, StopInterpretation } from '../contract';
import { NOT_A_MODEL_PART, TRUSTED_BUILTINS } from '../trusted';
import { equal, formatSpec, plainBinary } from '../operators';
import { BUILTINS, COMPARISONS, OTHER_PYTHON_BUILTINS, UNDEFINED_NAME_REASONS } from '../names';
import { numberLiteral, stringLiteral } from '../literals';
import { libraryValue } from '../stdlib';
import { namespaceContains } from '../argparse';
import { certainNameError } from '../nameErrors';
import { makeSet } from '../sets';
import {
	asNumber,
	Cause,
	causeOf,
	isFloat,
	isLiveIterator,
	NONE,
	num,
	numLike,
	pyNumber,
	Scope,
	truthy,
	unknown,
	UNKNOWN,
	Value,
} from '../values';
import { dictKey } from '../dictKeys';
import type { Interpreter } from '../interpreter';
import { yieldValue } from './generators';
import { logical, logicalOp } from './logical';

/**
 * The value of an expression. One the evaluator fails on is unknown, with the expression as its
 * cause; a bound reached stops the whole run.
 */
export function evaluate(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
	it.tick();
	try {
		return evaluateNode(it, node, scope);
	} catch (e) {
		if (e instanceof StopInterpretation) {
			throw e;
		}
		return unknown({
			reason: `NormLens could not evaluate \`${it.snippet(node)}\``,
			range: it.here(node),
		});
	}
}

function evaluateNode(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
	switch (node.name) {
		case 'Number':
			return numberLiteral(it.source.slice(node));
		case 'String': {
			const text = it.source.slice(node);
			const v = stringLiteral(text);
			return /^[rRuU]?['"]/.test(text) && /^\w*$/.test(v)
				? { k: 'str', v, interned: true }
				: { k: 'str', v };
		}
		case 'FormatString':
			return formatString(it, node, scope);
		case 'ContinuedString': {
			const parts = children(node).map((c) => evaluate(it, c, scope));
			return parts.every((p) => p.k === 'str')
				? { k: 'str', v: parts.map((p) => (p as { v: string }).v).join('') }
				: UNKNOWN;
		}
		case 'Boolean':
			return { k: 'bool', v: it.source.slice(node) === 'True' };
		case 'None':
			return NONE;
		case 'VariableName': {
			const name = it.source.slice(node);
			const v = lookup(it, name, scope);
			if (v.k === 'unknown' && !v.cause && v.why === `star ${name}`) {
				return unknown({
					reason: `\`${name}\` may come from more than one module imported with \`*\`, and NormLens cannot tell which`,
					range: it.here(node),
				});
			}
			if (v.k === 'unknown' && !v.cause && v.why === `name ${name}`) {
				if (certainNameError(it, name)) {
					const cause = {
						reason: `\`${name}\` is not defined: Python raises NameError here`,
						range: it.here(node),
					};
					it.raise(cause, 'NameError');
					return unknown(cause);
				}
				return unknown({
					reason:
						UNDEFINED_NAME_REASONS[name] ??
						(OTHER_PYTHON_BUILTINS.has(name)
							? `NormLens does not evaluate Python's builtin \`${name}\``
							: `\`${name}\` is not defined in the code NormLens read`),
					range: it.here(node),
				});
			}
			return v;
		}
		case 'ParenthesizedExpression': {
			const inner = children(node).filter((c) => c.name !== '(' && c.name !== ')');
			return inner.length === 1 ? evaluate(it, inner[0], scope) : UNKNOWN;
		}
		case 'TupleExpression':
		case 'ArrayExpression': {
			const { items, cause } = elements(it, node, scope);
			return node.name === 'TupleExpression'
				? { k: 'tuple', items, cause }
				: { k: 'list', items, cause };
		}
		case 'DictionaryExpression':
			return dictDisplay(it, node, scope);
		case 'SetExpression': {
			const { items, cause } = elements(it, node, scope);
			return cause ? unknown(cause) : makeSet(items, it.here(node));
		}
		case 'SetComprehensionExpression': {
			const listed = it.comprehension(node, scope);
			return listed.k === 'list' && !listed.cause
				? makeSet(listed.items, it.here(node))
				: unknown(causeOf(listed));
		}
		case 'ArrayComprehensionExpression':
		case 'GeneratorExpression':
		case 'DictionaryComprehensionExpression':
			return it.comprehension(node, scope);
		case 'ComprehensionExpression': {
			// `(f(x) for x in xs)`, Lezer's name for a generator expression: an iterator of its items
			// (`a, b = (cache_fn(f) for f in (a, b))` in lucidrains' Perceiver).
			const items = it.comprehension(node, scope);
			return items.k === 'list' ? { ...items, iterator: true } : items;
		}
		case 'YieldExpression':
			return yieldValue(it, node, scope);
		case 'NamedExpression': {
			// `(n := 6)`: binds and gives the value.
			const [target, , value] = children(node);
			const v = value ? evaluate(it, value, scope) : UNKNOWN;
			if (target?.name === 'VariableName') {
				it.bindName(it.source.slice(target), v, scope);
			}
			return v;
		}
		case 'UnaryExpression':
		case 'BinaryExpression':
			// `and` / `or` / `not` with Python's precedence (logical.ts says why not Lezer's tree).
			return logicalOp(node)
				? logical(it, node, (n) => evaluate(it, n, scope))
				: node.name === 'UnaryExpression'
					? unary(it, node, scope)
					: binaryExpression(it, node, scope);
		case 'ConditionalExpression': {
			const [a, , cond, , b] = children(node);
			const c = cond ? evaluate(it, cond, scope) : UNKNOWN;
			const t = truthy(c);
			if (t === undefined || !a || !b) {
				const cause = it.conditionCause(cond, c, 'if');
				if (a && b && plainBranch(it, a, scope) && plainBranch(it, b, scope)) {
					// `torch.device('cuda') if torch.cuda.is_available() else torch.device('cpu')`:
					// either way no module, parameter or tensor, so a module keeping it keeps its counts.
					return { k: 'unknown', why: NOT_A_MODEL_PART, cause };
				}
				// Neither branch is evaluated; calls in them may change what they receive.
				[a, b].forEach((x) => x && it.havoc(x, scope, cause));
				return unknown(cause);
			}
			return evaluate(it, t ? a : b, scope);
		}
		case 'MemberExpression':
			return it.member(node, scope);
		case 'CallExpression':
			return it.callExpression(node, scope);
		case 'LambdaExpression': {
			const paramList = childNamed(node, 'ParamList');
			const body = node.lastChild;
			return {
				k: 'func',
				def: {
					name: '<lambda>',
					node,
					params: paramList ? it.params(paramList, scope) : [],
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

/**
 * A branch that changes nothing and is no model part: a literal, or `torch.device(…)` of literals
 * (what CUDA-or-CPU choices hold).
 */
function plainBranch(it: Interpreter, node: SyntaxNode, scope: Scope): boolean {
	if (['String', 'Number', 'Boolean', 'None'].includes(node.name)) {
		return true;
	}
	if (['VariableName', 'MemberExpression'].includes(node.name)) {
		// A name read has no effect: a plain value, a builtin, or a tensor class or dtype
		// (`torch.cuda.FloatTensor if cuda else torch.Tensor`, Sentence-VAE) is no module part.
		const v = evaluate(it, node, scope);
		return plainOperand(v) || v.k === 'builtin' || (v.k === 'ref' && TENSOR_TYPES.test(v.path));
	}
	const [callee, argList] = children(node);
	if (node.name !== 'CallExpression' || !callee || argList?.name !== 'ArgList') {
		return false;
	}
	const args = children(argList).filter((c) => !['(', ')', ','].includes(c.name));
	const target = ['VariableName', 'MemberExpression'].includes(callee.name)
		? evaluate(it, callee, scope)
		: undefined;
	return (
		target?.k === 'ref' &&
		target.path === 'torch.device' &&
		args.every((x) => ['String', 'Number'].includes(x.name))
	);
}

function lookup(it: Interpreter, name: string, scope: Scope): Value {
	const v = scope.get(name);
	if (v !== undefined) {
		return v;
	}
	if (BUILTINS.has(name) || TRUSTED_BUILTINS.has(name)) {
		return { k: 'builtin', name };
	}
	// Names brought in by `from module import *` resolve to that module's attribute.
	const stars: string[] = [];
	for (const [key, value] of it.globals.entries()) {
		if (key.startsWith('*') && value.k === 'ref') {
			stars.push(value.path);
		}
	}
	const from = starModule(it, stars, name);
	return from !== undefined
		? libraryValue(`${from}.${name}`)
		: stars.length > 1
			? { k: 'unknown', why: `star ${name}` }
			: { k: 'unknown', why: `name ${name}` };
}

/**
 * The module among several `from module import *` that a name comes from: Python takes the last one
 * that defines it. The last that the runtimes know to define it; else the one module that may (a
 * library whose names NormLens does not know, when every other is known not to); else undefined —
 * NormLens cannot tell, and never takes the first for it. (Names bound otherwise win, as the
 * interpreter reads them first: a library it cannot read is not taken to rebind them.)
 */
function starModule(it: Interpreter, stars: string[], name: string): string | undefined {
	if (stars.length <= 1) {
		return stars[0];
	}
	const answers = stars.map((m) =>
		it.runtimes.map((r) => r.exportsName?.(m, name)).find((a) => a !== undefined),
	);
	const defines = answers.lastIndexOf(true);
	if (defines >= 0) {
		return stars[defines];
	}
	const may = stars.filter((_, i) => answers[i] === undefined);
	return may.length === 1 ? may[0] : undefined;
}

/** f-strings with plain replacements (`f"conv{i}"`) are evaluated; format specs make them unknown. */
function formatString(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
	const text = it.source.slice(node);
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
		out += it.source.text.slice(at, r.from);
		const all = children(r).filter((c) => c.name !== '{' && c.name !== '}');
		const spec = all.find((c) => c.name === 'FormatSpec');
		const parts = all.filter((c) => c !== spec);
		if (parts.length !== 1) {
			return { k: 'unknown', why: 'f-string' };
		}
		const v = evaluate(it, parts[0], scope);
		if (spec) {
			const formatted = formatSpec(v, it.source.slice(spec).slice(1));
			if (formatted === undefined) {
				return unknown(
					causeOf(v) ?? {
						reason: `NormLens cannot format \`${it.snippet(r)}\``,
						range: it.here(r),
					},
				);
			}
			out += formatted;
		} else if (v.k === 'str' || v.k === 'num') {
			out += v.k === 'num' ? pyNumber(v) : v.v;
		} else if (v.k === 'bool') {
			out += v.v ? 'True' : 'False';
		} else {
			return unknown(
				causeOf(v) ?? {
					reason: `NormLens cannot format \`${it.snippet(parts[0])}\` in an f-string`,
					range: it.here(parts[0]),
				},
			);
		}
		at = r.to;
	}
	out += it.source.text.slice(at, end);
	return { k: 'str', v: out.replace(/\{\{/g, '{').replace(/\}\}/g, '}') };
}

/** The items of a list or tuple display; `cause` when a `*spread` of unknown length is among them. */
function elements(
	it: Interpreter,
	node: SyntaxNode,
	scope: Scope,
): { items: Value[]; cause?: Cause } {
	return spreadElements(it, children(node), scope);
}

/**
 * The items of a list or tuple display given as its parts (brackets and commas skipped), with
 * `*spread`s listed; `cause` when a spread of unknown length is among them.
 */
export function spreadElements(
	it: Interpreter,
	parts: SyntaxNode[],
	scope: Scope,
): { items: Value[]; cause?: Cause } {
	const out: Value[] = [];
	let cause: Cause | undefined;
	for (let i = 0; i < parts.length; i++) {
		const c = parts[i];
		if (['(', ')', '[', ']', '{', '}', ','].includes(c.name)) {
			continue;
		}
		if (c.name === '*' && parts[i + 1]) {
			const v = evaluate(it, parts[i + 1], scope);
			const spread = it.iterate(v);
			if (spread) {
				out.push(...spread);
			} else {
				// An unknown number of items: the container's length and positions are unknown.
				cause ??= causeOf(v) ?? {
					reason: `NormLens cannot list the items of \`${it.snippet(parts[i + 1])}\``,
					range: it.here(parts[i + 1]),
				};
				out.push(unknown(cause));
			}
			i++;
			continue;
		}
		out.push(evaluate(it, c, scope));
		if (out.length > it.limits.maxSequence) {
			throw new StopInterpretation(sequenceBound(it.limits.maxSequence));
		}
	}
	return { items: out, cause };
}

function dictDisplay(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
	const entries = new Map<string, Value>();
	const parts = children(node).filter((c) => !['{', '}', ','].includes(c.name));
	// Left to right, as Python builds it: `{**base, 'k': v}` copies base's entries, then sets k (a
	// key already there keeps its place and takes the new value, as a Map's does).
	let cause: Cause | undefined;
	for (let i = 0; i < parts.length;) {
		if (parts[i].name === '**') {
			const spread = parts[i + 1] ? evaluate(it, parts[i + 1], scope) : UNKNOWN;
			if (spread.k === 'dict' && !spread.cause) {
				spread.entries.forEach((v, k) => entries.set(k, v));
			} else {
				cause ??= causeOf(spread) ?? {
					reason: `NormLens cannot list the entries \`**${parts[i + 1] ? it.snippet(parts[i + 1]) : ''}\` spreads`,
					range: it.here(parts[i + 1] ?? node),
				};
			}
			i += 2;
			continue;
		}
		if (parts[i + 1]?.name !== ':') {
			return {
				k: 'dict',
				entries,
				cause: {
					reason: `NormLens does not follow \`${it.snippet(node)}\``,
					range: it.here(node),
				},
			};
		}
		const key = evaluate(it, parts[i], scope);
		const value = parts[i + 2] ? evaluate(it, parts[i + 2], scope) : UNKNOWN;
		const k = dictKey(key);
		if (k === undefined) {
			return {
				k: 'dict',
				entries,
				cause: causeOf(key) ?? {
					reason: `NormLens cannot evaluate the key \`${it.snippet(parts[i])}\``,
					range: it.here(parts[i]),
				},
			};
		}
		entries.set(k, value);
		i += 3;
	}
	return cause ? { k: 'dict', entries, cause } : { k: 'dict', entries };
}

function unary(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
	const [op, operand] = children(node);
	if (!op || !operand) {
		return UNKNOWN;
	}
	const v = evaluate(it, operand, scope);
	const o = it.source.slice(op);
	if (v.k === 'obj' && (o === '-' || o === '+' || o === '~')) {
		for (const r of it.runtimes) {
			const out = r.unaryOp?.(o, v, it.here(node));
			if (out !== undefined) {
				return out;
			}
		}
	}
	const n = asNumber(v);
	if (n === undefined) {
		// The negation of a number NormLens does not know (`-float("inf")`) is no model part either.
		return v.k === 'unknown' && v.why === NOT_A_MODEL_PART ? v : unknown(causeOf(v));
	}
	// `-x` and `+x` keep x's type; `~` takes ints only (Python raises on a float).
	return o === '-'
		? numLike(-n, v)
		: o === '+'
			? numLike(n, v)
			: o === '~' && !isFloat(v)
				? num(~n)
				: UNKNOWN;
}

function binaryExpression(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
	const parts = children(node);
	const [left, opNode, right] = [parts[0], parts[1], parts[parts.length - 1]];
	if (!left || !opNode || !right) {
		return UNKNOWN;
	}
	const op = parts
		.slice(1, parts.length - 1)
		.map((p) => it.source.slice(p))
		.join(' ');
	if (COMPARISONS.has(op) && left.name === 'BinaryExpression') {
		return comparisonChain(it, node, scope);
	}
	return binary(it, op, evaluate(it, left, scope), evaluate(it, right, scope), node);
}

/**
 * `0 < a <= 1` is `0 < a and a <= 1` (each operand evaluated once), not `(0 < a) <= 1`: Lezer
 * nests a chain of comparisons as left-nested binary expressions.
 */
function comparisonChain(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
	const operands: SyntaxNode[] = [];
	const ops: string[] = [];
	let n: SyntaxNode = node;
	for (;;) {
		const parts = children(n);
		const op = parts
			.slice(1, parts.length - 1)
			.map((p) => it.source.slice(p))
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
	let a = evaluate(it, operands[0], scope);
	let result: Value = { k: 'bool', v: true };
	for (let i = 0; i < ops.length; i++) {
		const b = evaluate(it, operands[i + 1], scope);
		result = binary(it, ops[i], a, b, node);
		const t = truthy(result);
		if (t !== true) {
			return result;
		}
		a = b;
	}
	return result;
}

/**
 * `a op b`: a runtime answers for its objects; an unknown result carries the operands' first
 * cause.
 */
export function binary(it: Interpreter, op: string, a: Value, b: Value, node?: SyntaxNode): Value {
	const r = binaryInner(it, op, a, b, node);
	if (r.k === 'unknown' && plainOperand(a) && plainOperand(b)) {
		// `2 * np.cumproduct(scales)[-1]`: arithmetic on values that are no module part is none either.
		return { k: 'unknown', why: NOT_A_MODEL_PART, cause: r.cause ?? causeOf(a) ?? causeOf(b) };
	}
	return r.k === 'unknown' && !r.cause ? unknown(causeOf(a) ?? causeOf(b)) : r;
}

/** torch's tensor classes (`torch.Tensor`, `torch.cuda.FloatTensor`) and dtypes (`torch.float32`). */
const TENSOR_TYPES =
	/^torch\.(?:(?:cuda\.)?(?:Byte|Char|Short|Int|Long|Half|Float|Double|Bool|BFloat16)?Tensor|u?int\d+|float\d*|bfloat16|half|double|long|bool|complex\d+)$/;

/** A number, a string, a bool, None, or an unknown that is no module part (a NumPy value). */
const plainOperand = (v: Value): boolean =>
	['num', 'str', 'bool', 'none'].includes(v.k) ||
	(v.k === 'unknown' && v.why === NOT_A_MODEL_PART);

function binaryInner(
	it: Interpreter,
	op: string,
	a: Value,
	b: Value,
	node: SyntaxNode | undefined,
): Value {
	if (a.k === 'obj' || b.k === 'obj') {
		const range = node ? it.here(node) : undefined;
		for (const r of it.runtimes) {
			const v = r.binaryOp?.(op, a, b, range);
			if (v !== undefined) {
				return v;
			}
		}
		if (!['is', 'is not', '==', '!=', 'in', 'not in'].includes(op)) {
			return UNKNOWN;
		}
	}
	if (op === 'in' || op === 'not in') {
		const inNamespace = namespaceContains(op, a, b);
		if (inNamespace) {
			return inNamespace;
		}
		if (isLiveIterator(b)) {
			return inIterator(it, op, a, b, node);
		}
	}
	return plainBinary(op, a, b, it.limits.maxSequence);
}

/**
 * `x in it` on an iterator: Python takes items until one equals `x`, and leaves the rest; where an
 * item cannot be compared, how far it went (and the answer) is not known.
 */
function inIterator(
	it: Interpreter,
	op: string,
	a: Value,
	b: Extract<Value, { k: 'list' }>,
	node: SyntaxNode | undefined,
): Value {
	const eqs = b.items.map((x) => equal(x, a));
	const n = eqs.findIndex((e) => e !== false);
	if (n >= 0 && eqs[n] === undefined) {
		const cause = node && {
			reason: `NormLens cannot tell whether \`${it.snippet(node)}\` finds its item, nor what it leaves of the iterator`,
			range: it.here(node),
		};
		b.cause = cause ?? causeOf(a);
		return unknown(cause);
	}
	b.items.splice(0, n < 0 ? b.items.length : n + 1);
	return { k: 'bool', v: n >= 0 === (op === 'in') };
}
