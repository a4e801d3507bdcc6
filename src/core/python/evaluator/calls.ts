// Calls: a call's arguments, what each kind of callee does, and calls NormLens cannot follow.
import { inspectCall } from './inspectFrames';
import type { SyntaxNode } from '@lezer/common';
import { childNamed } from '../parse';
import type { CallArgs, CallContext } from '../contract';
import {
	FROM_TRUSTED_CALL,
	NO_MODEL_PART_PATHS,
	NOT_A_MODEL_PART,
	reportingName,
	trustedCall,
} from '../trusted';
import { callMath, isMathFunction } from '../stdlib';
import { callBuiltin } from '../builtins';
import { NAMED_TUPLE_FACTORIES, namedTupleFactory } from '../namedTuples';
import { callRegex, isRegexFunction } from '../regex';
import { callItertools, isItertoolsFunction } from '../itertools';
import { argparseConstructor, isArgparseConstructor } from '../argparse';
import { bundledTarget } from '../../zoo';
import { callDataclassFunction } from './dataclasses';
import {
	Cause,
	causeOf,
	firstCause,
	findMethod,
	FrameworkObject,
	NONE,
	Scope,
	unknown,
	UNKNOWN,
	Value,
} from '../values';
import { objectSetAttr } from './assignment';
import { keyText, nameKey } from '../dictKeys';
import type { Interpreter } from '../interpreter';
import { deepCopy, shallowCopy } from '../deepCopy';
import { callsBuiltin, execCall } from './exec';

/**
 * `f(…)`. In the analysed file the innermost call is kept: it is where a local module's code shows
 * what it builds.
 */
export function callExpression(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
	if (it.source === it.mainSource) {
		const savedSite = it.mainCallSite;
		it.mainCallSite = node;
		try {
			return callExpressionInner(it, node, scope);
		} finally {
			it.mainCallSite = savedSite;
		}
	}
	return callExpressionInner(it, node, scope);
}

function callExpressionInner(it: Interpreter, node: SyntaxNode, scope: Scope): Value {
	const calleeNode = node.firstChild;
	const argList = childNamed(node, 'ArgList');
	if (!calleeNode) {
		return UNKNOWN;
	}
	const saved = it.assignTarget;
	let callee: Value;
	let args: CallArgs;
	// The assignment target belongs to this call only, not to calls nested in its arguments.
	it.assignTarget = undefined;
	try {
		callee = it.eval(calleeNode, scope);
		args = callArguments(it, argList, node, scope);
	} finally {
		it.assignTarget = saved;
	}
	const named =
		evalOfName(it, calleeNode, callee, args, scope) ??
		execCall(it, calleeNode, callee, args, scope);
	return named ?? call(it, callee, args);
}

/**
 * A call's arguments, `*xs` and `**kw` spread where their items are known; `cause` says why they
 * are not.
 */
export function callArguments(
	it: Interpreter,
	list: SyntaxNode | null,
	node: SyntaxNode,
	scope: Scope,
): CallArgs {
	const positional: Value[] = [];
	const keywords = new Map<string, Value>();
	let cause: Cause | undefined;
	if (list) {
		const parts: SyntaxNode[] = [];
		for (let c = list.firstChild; c; c = c.nextSibling) {
			const name = c.name;
			if (name !== '(' && name !== ')' && name !== ',' && name !== 'Comment') {
				parts.push(c);
			}
		}
		if (parts.some((p) => p.name === 'for')) {
			// f(x for x in xs): one generator argument. Its element expression is evaluated only
			// by the comprehension, where its names are bound (not before, in the caller's scope).
			const items = it.comprehension(list, scope);
			return {
				positional: [items.k === 'list' ? { ...items, iterator: true } : items],
				keywords,
				node,
				written: true,
			};
		}
		for (let i = 0; i < parts.length; i++) {
			const p = parts[i];
			if (
				p.name === 'VariableName' &&
				parts[i + 1]?.name === 'AssignOp' &&
				parts[i + 2] &&
				it.source.slice(parts[i + 1]) === ':='
			) {
				// `f(8, k := 3)`: a positional argument that also binds `k`.
				const v = it.eval(parts[i + 2], scope);
				it.bindName(it.source.slice(p), v, scope);
				if (!cause) {
					positional.push(v);
				}
				i += 2;
			} else if (
				p.name === 'VariableName' &&
				parts[i + 1]?.name === 'AssignOp' &&
				parts[i + 2]
			) {
				keywords.set(it.source.slice(p), it.eval(parts[i + 2], scope));
				i += 2;
			} else if (p.name === '*' && parts[i + 1]) {
				const v = it.eval(parts[i + 1], scope);
				const items = cause ? undefined : it.iterate(v);
				if (items) {
					positional.push(...items);
				} else {
					cause ??= causeOf(v) ?? {
						reason: `NormLens cannot list the items of \`${it.snippet(parts[i + 1])}\``,
						range: it.here(parts[i + 1]),
					};
				}
				i++;
			} else if (p.name === '**' && parts[i + 1]) {
				const d = it.eval(parts[i + 1], scope);
				const notName =
					d.k === 'dict' ? [...d.entries.keys()].find((k) => !nameKey(k)) : undefined;
				if (d.k === 'dict' && !d.cause && notName === undefined) {
					for (const [k, v] of d.entries) {
						keywords.set(k, v);
					}
				} else if (notName !== undefined) {
					cause ??= {
						reason: `\`**${it.snippet(parts[i + 1])}\` holds the key ${keyText(notName)}: Python's keywords must be strings (TypeError)`,
						range: it.here(parts[i + 1]),
					};
				} else {
					cause ??= causeOf(d) ?? {
						reason: `NormLens cannot list the keywords in \`${it.snippet(parts[i + 1])}\``,
						range: it.here(parts[i + 1]),
					};
					// The spread dict itself reaches the callee, which may change it.
					if (d.k === 'dict') {
						for (const [k, v] of d.entries) {
							keywords.set(k, v);
						}
					}
				}
				i++;
			} else if (cause) {
				// After a spread of unknown length, positions are unknown: evaluated for effects only.
				it.eval(p, scope);
			} else {
				positional.push(it.eval(p, scope));
			}
		}
	}
	return { positional, keywords, node, cause, written: true };
}

/**
 * Calls any callee. An unknown result without a cause of its own carries the first among the
 * callee's and the arguments'.
 */
export function call(it: Interpreter, callee: Value, args: CallArgs): Value {
	const r = callInner(it, callee, args);
	if (r.k !== 'unknown' || r.cause) {
		return r;
	}
	// An unknown result carries the first cause among what made it.
	let cause = causeOf(callee) ?? args.cause;
	for (const a of args.positional) {
		cause ??= causeOf(a);
	}
	for (const a of args.keywords.values()) {
		cause ??= causeOf(a);
	}
	return cause ? { ...r, cause } : r;
}

function callInner(it: Interpreter, callee: Value, args: CallArgs): Value {
	const ctx = it.ctx();
	switch (callee.k) {
		case 'ref': {
			if (callee.path === 'functools.partial') {
				const [fn, ...positional] = args.positional;
				return fn
					? { k: 'partial', fn, positional, keywords: new Map(args.keywords) }
					: UNKNOWN;
			}
			if (isRegexFunction(callee.path)) {
				return callRegex(it, callee.path, args);
			}
			if (isItertoolsFunction(callee.path)) {
				return callItertools(it, callee.path, args);
			}
			if (isArgparseConstructor(callee.path)) {
				return argparseConstructor(it, callee.path, args);
			}
			if (NAMED_TUPLE_FACTORIES.has(callee.path)) {
				return namedTupleFactory(it, args);
			}
			if (callee.path === 'collections.OrderedDict') {
				// A dict whose order is its insertion order, as every dict's is since Python 3.7.
				return callBuiltin(it, 'dict', args);
			}
			if (callee.path === 'functools.reduce') {
				return reduce(it, args);
			}
			const operator = OPERATOR_FUNCTIONS[callee.path];
			if (operator && args.positional.length === 2 && !args.cause) {
				// `functools.reduce(operator.mul, shape, 1)`: the operator itself.
				return it.binary(operator, args.positional[0], args.positional[1], args.node);
			}
			const fromDataclass = callDataclassFunction(it, callee.path, args);
			if (fromDataclass) {
				return fromDataclass;
			}
			const inspected = callee.path.startsWith('inspect.')
				? inspectCall(it, callee.path, args)
				: undefined;
			if (inspected) {
				return inspected;
			}
			if (callee.path === 'copy.deepcopy' && args.positional.length === 1) {
				return (
					deepCopy(it, args.positional[0]) ??
					unknown(
						causeOf(args.positional[0]) ?? {
							reason: `NormLens cannot copy what \`${it.snippet(args.node)}\` copies`,
							range: it.here(args.node),
						},
					)
				);
			}
			if (callee.path === 'copy.copy' && args.positional.length === 1) {
				return shallowCopy(it, args.positional[0], args.node);
			}
			const [owner, attr, set] = args.positional;
			const unbound = /^torch\.nn\.(?:modules\.module\.)?Module\.(\w+)$/.exec(
				callee.path,
			)?.[1];
			if (
				unbound &&
				unbound !== '__init__' &&
				unbound !== '__setattr__' &&
				owner?.k === 'obj'
			) {
				// `nn.Module.add_module(self, 'x', m)`: the method of the module given first.
				const rest = args.positional.slice(1);
				return it.callMethodOn(owner, unbound, rest, { ...args, positional: rest });
			}
			if (
				/\.__setattr__$/.test(callee.path) &&
				owner?.k === 'obj' &&
				attr?.k === 'str' &&
				set
			) {
				// `nn.Module.__setattr__(self, name, value)` in a class's own __setattr__.
				objectSetAttr(it, owner, attr.v, set, args.node);
				return NONE;
			}
			const baseInit = /\.__init__$/.test(callee.path) ? args.positional[0] : undefined;
			if (baseInit?.k === 'obj') {
				// `nn.Module.__init__(self)`: the base class's __init__ called by name, as super().__init__() does.
				for (const r of it.runtimes) {
					const v = r.callBaseMethod?.(
						baseInit.obj,
						'__init__',
						{ ...args, positional: args.positional.slice(1) },
						ctx,
					);
					if (v !== undefined) {
						return v;
					}
				}
			}
			if (isMathFunction(callee.path)) {
				const v = callMath(callee.path, args.positional);
				if (v) {
					return v;
				}
				// NumPy's functions take arrays too: those go to the runtimes (keras/numpyArrays.ts).
				for (const r of callee.path.startsWith('numpy.') ? it.runtimes : []) {
					const onArray = r.callRef(callee.path, args, ctx);
					if (onArray !== undefined) {
						return onArray;
					}
				}
				return unknown(
					firstCause(args.positional) ?? {
						reason: `NormLens cannot evaluate \`${it.snippet(args.node)}\``,
						range: it.here(args.node),
					},
				);
			}
			// A model zoo builder NormLens has the architecture of (src/core/zoo).
			const target = bundledTarget(callee.path);
			const bundled = target && it.importModule(target.module);
			const builder =
				target && bundled?.k === 'module' ? bundled.scope.get(target.name) : undefined;
			if (builder && (builder.k === 'func' || builder.k === 'class')) {
				return call(it, builder, args);
			}
			for (const r of it.runtimes) {
				const v = r.callRef(callee.path, args, ctx);
				if (v !== undefined) {
					// What NumPy gives is an array or a number, never a model's part, known or not.
					return v.k === 'unknown' && !v.why && NO_MODEL_PART_PATHS.test(callee.path)
						? { ...v, why: NOT_A_MODEL_PART }
						: v;
				}
			}
			return opaque(it, callee, args, ctx);
		}
		case 'unknown':
			return opaque(it, callee, args, ctx);
		case 'partial':
			return call(it, callee.fn, {
				positional: [...callee.positional, ...args.positional],
				keywords: new Map([...callee.keywords, ...args.keywords]),
				node: args.node,
				cause: args.cause,
			});
		case 'func':
			return it.callFunction(callee.def, args);
		case 'class':
			return it.instantiate(callee.cls, args);
		case 'method':
			return it.callFunction(callee.fn, args, callee.self, callee.cls);
		case 'instance': {
			const m = findMethod(callee.inst.cls, '__call__');
			return m ? it.callFunction(m.fn, args, callee, m.owner) : opaque(it, callee, args, ctx);
		}
		case 'builtin':
			// A builtin given a `*xs` / `**kw` NormLens cannot list (`dict(**vocab)`) computes from
			// arguments it does not see: its result is unknown for that reason (print's is None).
			return args.cause && callee.name !== 'print'
				? unknown(args.cause)
				: callBuiltin(it, callee.name, args);
		case 'obj': {
			// The class's own `__call__` (which may change what the framework's call returns).
			const own = callee.obj.pyClass ? findMethod(callee.obj.pyClass, '__call__') : undefined;
			if (own && !inOwnCall.has(callee.obj)) {
				inOwnCall.add(callee.obj);
				try {
					return it.callFunction(own.fn, args, callee, own.owner);
				} finally {
					inOwnCall.delete(callee.obj);
				}
			}
			return frameworkCall(it, callee, args, ctx);
		}
		case 'bound':
			if (callee.base && callee.self.k === 'obj' && callee.name === '__call__') {
				// `super().__call__(x)` in a class's own `__call__`: the framework's call (nn.Module's).
				return frameworkCall(it, callee.self, args, ctx);
			}
			if (
				callee.base &&
				callee.self.k === 'obj' &&
				callee.name === '__setattr__' &&
				args.positional[0]?.k === 'str' &&
				args.positional[1]
			) {
				// `super().__setattr__(name, value)` in a class's own __setattr__: nn.Module's.
				objectSetAttr(it, callee.self, args.positional[0].v, args.positional[1], args.node);
				return NONE;
			}
			if (callee.base && callee.self.k === 'obj') {
				// super().name(…) on a framework base: its runtime decides; another base method is one NormLens does not model.
				for (const r of it.runtimes) {
					const v = r.callBaseMethod?.(callee.self.obj, callee.name, args, ctx);
					if (v !== undefined) {
						return v;
					}
				}
				// (The base's method by its own name: a trusted one, `super()._check_input_dim(x)`, changes nothing.)
				return it.untrackedMethod(callee.self, callee.self.obj, callee.name, args);
			}
			return it.callMethodOn(callee.self, callee.name, args.positional, args);
		default:
			return UNKNOWN;
	}
}

/** Framework objects whose class's own `__call__` is running: a call of them inside it is the framework's. */
const inOwnCall = new WeakSet<FrameworkObject>();

/** A framework object called as its runtime calls it (a module's forward, a layer's call). */
function frameworkCall(
	it: Interpreter,
	callee: Value & { k: 'obj' },
	args: CallArgs,
	ctx: CallContext,
): Value {
	for (const r of it.runtimes) {
		const v = r.callObject(callee.obj, args, ctx);
		if (v !== undefined) {
			return v;
		}
	}
	return opaque(it, callee, args, ctx);
}

/** The `operator` module's functions of two operands, by path: the operator they apply. */
const OPERATOR_FUNCTIONS: Readonly<Record<string, string>> = Object.fromEntries(
	Object.entries({
		add: '+',
		sub: '-',
		mul: '*',
		truediv: '/',
		floordiv: '//',
		mod: '%',
		pow: '**',
		and_: '&',
		or_: '|',
		xor: '^',
		lshift: '<<',
		rshift: '>>',
	}).map(([name, op]) => [`operator.${name}`, op]),
);

/**
 * Python's own `eval(text)` where the text is a name or a dotted name (disentangling-vae's
 * `eval("Encoder{}".format(name))`): that name, read where the call is, as Python reads it.
 * Undefined for anything else (which stays unknown, saying so).
 */
function evalOfName(
	it: Interpreter,
	calleeNode: SyntaxNode,
	callee: Value,
	args: CallArgs,
	scope: Scope,
): Value | undefined {
	const text = args.positional[0];
	// Every call passes here: the cheap tests first.
	if (
		!callsBuiltin(it, calleeNode, callee, scope, 'eval') ||
		args.positional.length !== 1 ||
		args.keywords.size > 0 ||
		text.k !== 'str' ||
		!/^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/.test(text.v.trim())
	) {
		return undefined;
	}
	const [first, ...rest] = text.v.trim().split('.');
	const v = scope.get(first);
	return v === undefined ? undefined : rest.reduce((o, part) => it.getAttr(o, part), v);
}

/** `functools.reduce(f, xs[, initial])`, folding from the left. */
function reduce(it: Interpreter, args: CallArgs): Value {
	const [fn, xs, initial] = args.positional;
	const items = xs ? it.iterate(xs) : undefined;
	if (!fn || !items || (items.length === 0 && !initial)) {
		return unknown(
			firstCause(args.positional) ?? {
				reason: `NormLens cannot evaluate \`${it.snippet(args.node)}\``,
				range: it.here(args.node),
			},
		);
	}
	let acc = initial ?? items[0];
	for (const x of initial ? items : items.slice(1)) {
		acc = call(it, fn, { positional: [acc, x], keywords: new Map(), node: args.node });
	}
	return acc;
}

/**
 * A call NormLens cannot follow. Its result is unknown for a cause that names the call; unless the
 * callee is trusted (trusted.ts), every mutable value it receives may have been changed by it and
 * is tainted for the same cause. Runtimes whose tensors it takes make the graph go through it.
 */
function opaque(it: Interpreter, callee: Value, args: CallArgs, ctx: CallContext): Value {
	const what = it.snippet(args.node.name === 'CallExpression' ? args.node.firstChild : args.node);
	const inner = causeOf(callee);
	const detail =
		callee.k === 'ref'
			? `it calls code NormLens cannot read (\`${callee.path}\`)`
			: inner
				? inner.reason
				: `NormLens cannot tell what \`${what}\` is`;
	// The first cause wins: an unknown callee's own cause (`mystery` undefined, `base` built by unreadable code).
	const cause: Cause = inner ?? {
		reason: `NormLens cannot follow \`${what}(…)\`: ${detail}`,
		range: ctx.range(args.node),
	};
	const name = /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(what)?.[1] ?? '';
	const summaryOf = /^([A-Za-z_][\w.]*)\.summary$/.exec(what)?.[1];
	if (summaryOf && callee.k === 'unknown') {
		// `model_target.summary()` of a model NormLens does not hold: its printed table is checked as
		// one it cannot count.
		it.runtimes.forEach((r) => r.summaryOfUnknown?.(summaryOf, cause, ctx.range(args.node)));
	}
	const trusted =
		(callee.k === 'ref' && trustedCall(callee.path)) ||
		(callee.k === 'unknown' &&
			(callee.why === FROM_TRUSTED_CALL || callee.why === NOT_A_MODEL_PART));
	if (!trusted && !reportingName(name)) {
		it.taintArgs(args, cause);
	}
	return (
		opaqueCall(it, args, ctx, cause, callee.k === 'ref' ? callee.path : undefined) ??
		(callee.k === 'ref' && NO_MODEL_PART_PATHS.test(callee.path)
			? { k: 'unknown', why: NOT_A_MODEL_PART, cause }
			: trusted
				? { k: 'unknown', why: FROM_TRUSTED_CALL, cause }
				: unknown(cause))
	);
}

/** A call nobody can follow, offered to the runtimes whose tensors it takes (see Runtime.opaqueCall). */
function opaqueCall(
	it: Interpreter,
	args: CallArgs,
	ctx: CallContext,
	cause: Cause,
	calleePath: string | undefined,
): Value | undefined {
	if (
		args.positional.length === 0 ||
		args.node.name !== 'CallExpression' ||
		!args.node.firstChild
	) {
		return undefined;
	}
	const what = it.source.slice(args.node.firstChild);
	const method = it.methodStack[it.methodStack.length - 1];
	const holder =
		what.startsWith('self.') && method?.self.k === 'obj' ? method.self.obj : undefined;
	for (const r of it.runtimes) {
		const v = r.opaqueCall?.(
			what.length > 60 ? `${what.slice(0, 57)}…` : what,
			args,
			ctx,
			holder,
			cause,
			calleePath,
		);
		if (v !== undefined) {
			return v;
		}
	}
	return undefined;
}
