// A list comprehension of numbers over ranges (a sinusoid position table), computed without the
// interpreter's walk over the tree for every element: the same arithmetic (plainBinary, callMath),
// so the same values, in a small share of the steps.
import type { SyntaxNode } from '@lezer/common';
import { children } from '../parse';
import { plainBinary } from '../operators';
import { rangeBounds } from '../rangeArgs';
import { callMath, isMathFunction } from '../stdlib';
import { asNumber, FunctionValue, numLike, Scope, Value } from '../values';
import type { Interpreter } from '../interpreter';

/** Loop variables by name, each an int of a range. */
type Env = Map<string, Value>;

/** A compiled expression: its value in `env`, or undefined where it is no number (then the interpreter evaluates it). */
type Compiled = (env: Env) => Value | undefined;

/**
 * The most numbers one analysis computes this way (a table of 200 × 512 is 102,400): each is a value
 * the interpreter holds, so a larger table stays the interpreter's, under its loop bounds.
 */
const MAX_ELEMENTS = 300_000;

/** Numbers computed this way so far, by analysis. */
const computed = new WeakMap<Interpreter, number>();

/** Python's arithmetic operators on numbers (plainBinary gives each its Python type and result). */
const ARITHMETIC = new Set(['+', '-', '*', '/', '//', '%', '**']);

/**
 * `[[p / np.power(10000, 2 * (i // 2) / d) for i in range(d)] for p in range(n)]`: each `for` over
 * `range(…)` of ints, one variable each, no `if`, and an element that is arithmetic on numbers,
 * the loop variables and `math` / NumPy functions of numbers, or such a comprehension again. Its
 * list, or undefined for any other comprehension or value (a name that is no number, a result
 * Python would not give exactly): the interpreter then runs it as written.
 */
export function numericComprehension(
	it: Interpreter,
	node: SyntaxNode,
	scope: Scope,
): Value | undefined {
	if (scope.classBody) {
		return undefined;
	}
	const before = computed.get(it) ?? 0;
	let count = before;
	// Compiling reads names and attributes it may not use (`groups=dim` is a keyword, not a name
	// read): what Python would raise is for the interpreter to find, if it runs the comprehension.
	const raising = it.raising;
	let compiled: Compiled | undefined;
	try {
		compiled = compileComprehension(it, node, scope, new Set(), () => {
			count++;
			if ((count & 15) === 0) {
				it.tick();
			}
			return count <= MAX_ELEMENTS;
		});
	} finally {
		it.raising = raising;
	}
	const list = compiled?.(new Map());
	computed.set(it, list ? count : before);
	return list;
}

function compileComprehension(
	it: Interpreter,
	node: SyntaxNode,
	scope: Scope,
	outer: ReadonlySet<string>,
	counted: () => boolean,
): Compiled | undefined {
	if (node.name !== 'ArrayComprehensionExpression') {
		return undefined;
	}
	const parts = children(node).filter((c) => c.name !== '[' && c.name !== ']');
	const loops: { name: string; args: Compiled[] }[] = [];
	const names = new Set(outer);
	for (let i = 1; i < parts.length; i += 4) {
		// for NAME in range(ARGS)
		const [kw, target, inKw, iter] = parts.slice(i, i + 4);
		if (kw?.name !== 'for' || target?.name !== 'VariableName' || inKw?.name !== 'in') {
			return undefined;
		}
		const callee = iter?.name === 'CallExpression' ? iter.firstChild : null;
		const argList = iter?.lastChild;
		if (callee?.name !== 'VariableName' || argList?.name !== 'ArgList') {
			return undefined;
		}
		const range = it.eval(callee, scope);
		if (range.k !== 'builtin' || range.name !== 'range') {
			return undefined;
		}
		const args = argNodes(argList);
		const compiledArgs = args.map((a) => compileScalar(it, a, scope, names));
		if (args.length < 1 || args.length > 3 || compiledArgs.some((c) => c === undefined)) {
			return undefined;
		}
		loops.push({ name: it.source.slice(target), args: compiledArgs as Compiled[] });
		names.add(it.source.slice(target));
	}
	const expr = parts[0];
	const element =
		expr?.name === 'ArrayComprehensionExpression'
			? compileComprehension(it, expr, scope, names, counted)
			: expr &&
				(compileScalar(it, expr, scope, names) ??
					compileCall(it, expr, scope, names, counted));
	if (loops.length === 0 || !element) {
		return undefined;
	}
	return (env) => {
		const items: Value[] = [];
		const run = (k: number): boolean => {
			if (k === loops.length) {
				const v = element(env);
				if (v === undefined || !counted() || items.length >= it.limits.maxSequence) {
					return false;
				}
				items.push(v);
				return true;
			}
			// The builtin's own reading of its arguments (a float or a step of 0 is no range).
			const bounds = loops[k].args.map((a) => a(env));
			const range = bounds.every((b) => b !== undefined)
				? rangeBounds(bounds as Value[])
				: undefined;
			if (!range) {
				return false;
			}
			const { start, stop, step } = range;
			for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
				env.set(loops[k].name, { k: 'num', v: i });
				if (!run(k + 1)) {
					return false;
				}
			}
			env.delete(loops[k].name);
			return true;
		};
		return run(0) ? { k: 'list', items } : undefined;
	};
}

/** Arithmetic on numbers, loop variables and `math` / NumPy functions of numbers; undefined for anything else. */
function compileScalar(
	it: Interpreter,
	node: SyntaxNode,
	scope: Scope,
	loopNames: ReadonlySet<string>,
): Compiled | undefined {
	switch (node.name) {
		case 'Number': {
			const v = it.eval(node, scope);
			return v.k === 'num' ? () => v : undefined;
		}
		case 'VariableName': {
			const name = it.source.slice(node);
			if (loopNames.has(name)) {
				return (env) => env.get(name);
			}
			const v = it.eval(node, scope);
			return v.k === 'num' ? () => v : undefined;
		}
		case 'ParenthesizedExpression': {
			const inner = children(node).filter((c) => c.name !== '(' && c.name !== ')');
			return inner.length === 1 ? compileScalar(it, inner[0], scope, loopNames) : undefined;
		}
		case 'UnaryExpression': {
			const [op, operand] = children(node);
			const o = op && it.source.slice(op);
			const x = operand && compileScalar(it, operand, scope, loopNames);
			return x && (o === '-' || o === '+')
				? (env) => {
						const v = x(env);
						const n = v && asNumber(v);
						return n === undefined ? undefined : numLike(o === '-' ? -n : n, v);
					}
				: undefined;
		}
		case 'BinaryExpression': {
			const parts = children(node);
			const op = parts.length === 3 ? it.source.slice(parts[1]) : undefined;
			const a =
				op && ARITHMETIC.has(op)
					? compileScalar(it, parts[0], scope, loopNames)
					: undefined;
			const b = a && compileScalar(it, parts[2], scope, loopNames);
			return a && b && op
				? (env) => {
						const x = a(env);
						const y = x && b(env);
						const r = y && plainBinary(op, x as Value, y, it.limits.maxSequence);
						return r?.k === 'num' ? r : undefined;
					}
				: undefined;
		}
		case 'CallExpression': {
			const callee = node.firstChild;
			const argList = node.lastChild;
			if (!callee || argList?.name !== 'ArgList' || callee.name === 'ArgList') {
				return undefined;
			}
			// Only a name or a module's attribute is read to find the function (`np.power`,
			// `math.sin`): reading another object's attribute may run a property.
			const owner = callee.name === 'MemberExpression' ? callee.firstChild : null;
			if (
				callee.name !== 'VariableName' &&
				!(
					owner?.name === 'VariableName' &&
					['ref', 'module'].includes(it.eval(owner, scope).k)
				)
			) {
				return undefined;
			}
			const fn = it.eval(callee, scope);
			if (fn.k === 'func') {
				// A function of numbers (FastSpeech 2's `cal_angle(position, hid_j)`); one that returns a list is no number.
				return compileCall(it, node, scope, loopNames, undefined);
			}
			const args = argNodes(argList);
			const compiled = args.map((a) => compileScalar(it, a, scope, loopNames));
			if (
				fn.k !== 'ref' ||
				!isMathFunction(fn.path) ||
				compiled.some((c) => c === undefined)
			) {
				return undefined;
			}
			return (env) => {
				const values = (compiled as Compiled[]).map((c) => c(env));
				if (values.some((v) => v === undefined)) {
					return undefined;
				}
				const r = callMath(fn.path, values as Value[]);
				return r?.k === 'num' ? r : undefined;
			};
		}
		default:
			return undefined;
	}
}

/** The functions being compiled now (compileCall): a function whose result calls itself is left to the interpreter. */
const compiling = new Set<FunctionValue>();

/**
 * `get_position_angle_vec(pos_i)` in a table's comprehension: a call of a function of this file
 * whose body is one `return` of what the comprehension may hold (a number, or a comprehension of
 * numbers, as FastSpeech 2's and T2T-ViT's sinusoid tables are written), given plain positional
 * numbers, compiled with its parameters as the only names it takes from the call. Undefined for any
 * other call: the interpreter then runs it.
 */
function compileCall(
	it: Interpreter,
	node: SyntaxNode,
	scope: Scope,
	loopNames: ReadonlySet<string>,
	/** Counts the elements of a comprehension it returns; undefined where only a number may be returned. */
	counted: (() => boolean) | undefined,
): Compiled | undefined {
	const callee = node.name === 'CallExpression' ? node.firstChild : null;
	const argList = node.lastChild;
	if (callee?.name !== 'VariableName' || argList?.name !== 'ArgList') {
		return undefined;
	}
	const fn = it.eval(callee, scope);
	if (fn.k !== 'func' || compiling.has(fn.def)) {
		return undefined;
	}
	const def = fn.def;
	const args = argNodes(argList);
	const returned = def.expression ?? onlyReturn(def.body);
	if (
		!returned ||
		(def.source !== undefined && def.source !== it.source) ||
		def.binding !== undefined ||
		def.params.length !== args.length ||
		def.params.some((p) => p.star !== '' || p.keywordOnly)
	) {
		return undefined;
	}
	const compiledArgs = args.map((a) => compileScalar(it, a, scope, loopNames));
	if (compiledArgs.some((c) => c === undefined)) {
		return undefined;
	}
	const params = def.params.map((p) => p.name);
	compiling.add(def);
	let body: Compiled | undefined;
	try {
		const names = new Set(params);
		body =
			returned.name === 'ArrayComprehensionExpression'
				? counted && compileComprehension(it, returned, def.closure, names, counted)
				: compileScalar(it, returned, def.closure, names);
	} finally {
		compiling.delete(def);
	}
	if (!body) {
		return undefined;
	}
	const run = body;
	return (env) => {
		const values = (compiledArgs as Compiled[]).map((c) => c(env));
		if (values.some((v) => v === undefined)) {
			return undefined;
		}
		return run(new Map(params.map((p, i) => [p, values[i] as Value])));
	};
}

/** The expression of a body that is one `return` statement (a docstring or comments beside it), or undefined. */
function onlyReturn(body: SyntaxNode | null): SyntaxNode | undefined {
	const statements = body ? children(body).filter((c) => !['Comment', ':'].includes(c.name)) : [];
	const docstring =
		statements[0]?.name === 'ExpressionStatement' &&
		statements[0].firstChild?.name === 'String';
	const rest = docstring ? statements.slice(1) : statements;
	const ret = rest.length === 1 && rest[0].name === 'ReturnStatement' ? rest[0] : undefined;
	const parts = ret ? children(ret).filter((c) => c.name !== 'return') : [];
	return parts.length === 1 ? parts[0] : undefined;
}

/** A call's argument expressions, without the brackets and commas between them. */
function argNodes(argList: SyntaxNode): SyntaxNode[] {
	return children(argList).filter((a) => !['(', ')', ','].includes(a.name));
}
