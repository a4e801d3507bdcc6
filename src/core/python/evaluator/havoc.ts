// Unknown effects: code that may or may not run is havocked, and what it may change is tainted.
import type { SyntaxNode } from '@lezer/common';
import { childNamed, children, PythonSource } from '../parse';
import type { CallArgs } from '../contract';
import {
	COPYING_METHODS,
	ITERATION_WRAPPERS,
	READING_SEQUENCE_METHODS,
	reportingName,
	TRUSTED_BUILTINS,
	TRUSTED_METHODS,
	VALUE_ONLY_INPLACE,
	trustedCall,
} from '../trusted';
import { bundledTarget } from '../../zoo';
import { basePaths, Cause, findMethod, Scope, unknown, Value } from '../values';
import type { FrameworkObject } from '../values';
import type { Interpreter } from '../interpreter';

/**
 * Marks a mutable value as possibly changed by something NormLens cannot follow: a list or dict
 * no longer lists trusted items, an object's attributes and counts become unknown, recursively
 * for what they hold. Tensors are not marked (nothing NormLens counts lives in them).
 */
export function taint(it: Interpreter, v: Value, cause: Cause, depth = 0): void {
	if (depth > 8) {
		return;
	}
	switch (v.k) {
		case 'list':
		case 'dict':
			if (v.cause) {
				return;
			}
			v.cause = cause;
			for (const item of v.k === 'list' ? v.items : v.entries.values()) {
				taint(it, item, cause, depth + 1);
			}
			return;
		case 'tuple':
			v.items.forEach((item) => taint(it, item, cause, depth + 1));
			return;
		case 'obj':
			if (v.obj.kind === 'tensor' || v.obj.taint) {
				// A tensor keeps its shape (what NormLens counts with), but not values a call may have changed.
				v.obj.written?.();
				return;
			}
			v.obj.taint = cause;
			v.obj.unknownCause ??= cause;
			for (const part of v.obj.held?.() ?? []) {
				taint(it, { k: 'obj', obj: part }, cause, depth + 1);
			}
			return;
		case 'instance':
			if (v.inst.unknownCause) {
				return;
			}
			v.inst.unknownCause = cause;
			for (const a of v.inst.attrs.values()) {
				taint(it, a, cause, depth + 1);
			}
			return;
		case 'partial':
			v.positional.forEach((a) => taint(it, a, cause, depth + 1));
			v.keywords.forEach((a) => taint(it, a, cause, depth + 1));
			return;
		case 'method':
		case 'bound':
			return;
		default:
			return;
	}
}

/** Taints every mutable value among a call's arguments. */
export function taintArgs(it: Interpreter, args: CallArgs, cause: Cause): void {
	args.positional.forEach((v) => taint(it, v, cause));
	args.keywords.forEach((v) => taint(it, v, cause));
}

/**
 * Code that may or may not run (a branch on a condition NormLens cannot decide, a loop over an
 * unknown iterable, the rest of a block after a `return` that may happen): nothing is run, and
 * everything it could change becomes unknown for `cause` — the variables it assigns, the objects
 * whose attributes or items it sets, and the mutable values it passes to calls or calls methods
 * of (unless the call is trusted not to change them).
 */
export function havoc(it: Interpreter, node: SyntaxNode, scope: Scope, cause: Cause): void {
	const visit = (n: SyntaxNode): void => {
		it.tick();
		switch (n.name) {
			case 'AssignStatement': {
				// Groups between `=` signs: every group but the last is a target, the last the value.
				const groups: SyntaxNode[][] = [[]];
				for (let c = n.firstChild; c; c = c.nextSibling) {
					if (c.name === 'AssignOp') {
						groups.push([]);
					} else if (c.name !== 'TypeDef' && c.name !== ',' && c.name !== 'Comment') {
						groups[groups.length - 1].push(c);
					}
				}
				const value = groups.length > 1 ? (groups.pop() as SyntaxNode[]) : [];
				if (groups.length === 1 && joinTarget(it, groups[0], value, scope, cause)) {
					return;
				}
				// The value first: it reads the targets' old values (`model = wrap(model)`).
				value.forEach(visit);
				groups.flat().forEach((t) => havocTarget(it, t, scope, cause));
				noteUnbuiltModel(it, groups.flat(), value, scope, cause, n);
				return;
			}
			case 'UpdateStatement': {
				const target = n.firstChild;
				if (target) {
					havocTarget(it, target, scope, cause);
				}
				for (let c = target?.nextSibling; c; c = c.nextSibling) {
					visit(c);
				}
				return;
			}
			case 'ForStatement': {
				const parts = children(n);
				const inIndex = parts.findIndex((p) => p.name === 'in');
				parts
					.slice(1, Math.max(1, inIndex))
					.forEach((t) => havocTarget(it, t, scope, cause));
				parts.slice(inIndex + 1).forEach(visit);
				return;
			}
			case 'FunctionDefinition':
			case 'ClassDefinition': {
				const name = childNamed(n, 'VariableName');
				if (name) {
					it.bindName(it.source.slice(name), unknown(cause), scope);
				}
				return;
			}
			case 'LambdaExpression':
				return;
			case 'ScopeStatement':
				it.declareScope(n, scope);
				return;
			case 'ImportStatement':
				for (const c of children(n)) {
					if (c.name === 'VariableName') {
						it.bindName(it.source.slice(c), unknown(cause), scope);
					}
				}
				return;
			case 'DeleteStatement':
				children(n)
					.slice(1)
					.forEach((t) => havocTarget(it, t, scope, cause));
				return;
			case 'CallExpression':
				havocCall(it, n, scope, cause);
				break;
			default:
				break;
		}
		for (let c = n.firstChild; c; c = c.nextSibling) {
			visit(c);
		}
	};
	visit(node);
}

/**
 * `x = x.method(args)` where a runtime knows what x is whether the call ran or not
 * (Runtime.receiverAfter): x keeps that value instead of becoming unknown. True when handled.
 * The receiver and the arguments are read without running anything (plain paths and literals).
 */
function joinTarget(
	it: Interpreter,
	targets: SyntaxNode[],
	value: SyntaxNode[],
	scope: Scope,
	cause: Cause,
): boolean {
	const call = value.length === 1 && value[0].name === 'CallExpression' ? value[0] : undefined;
	const receiverNode = call?.firstChild?.firstChild;
	if (
		targets.length !== 1 ||
		!call ||
		!receiverNode ||
		it.source.slice(receiverNode) !== it.source.slice(targets[0])
	) {
		return false;
	}
	const after = receiverAfter(it, call, scope, cause);
	if (!after) {
		return false;
	}
	if (after.value !== after.receiver) {
		it.assignTargets(targets, { k: 'obj', obj: after.value }, scope);
	}
	return true;
}

/** For `x.method(args)`: x, and what x is whether or not the call ran (Runtime.receiverAfter). */
function receiverAfter(
	it: Interpreter,
	call: SyntaxNode,
	scope: Scope,
	outer: Cause,
): { receiver: FrameworkObject; value: FrameworkObject } | undefined {
	const callee = call.firstChild;
	const prop = callee?.name === 'MemberExpression' ? childNamed(callee, 'PropertyName') : null;
	const receiverNode = callee?.firstChild;
	if (!prop || !receiverNode) {
		return undefined;
	}
	const receiver = evalPath(it, receiverNode, scope);
	if (receiver?.k !== 'obj') {
		return undefined;
	}
	const positional: Value[] = [];
	const keywords: string[] = [];
	const argList = childNamed(call, 'ArgList');
	for (let a = argList?.firstChild; a; a = a.nextSibling) {
		if (a.name === '(' || a.name === ')' || a.name === ',') {
			continue;
		}
		if (a.name === 'VariableName' && a.nextSibling?.name === 'AssignOp') {
			// A keyword: its name (its value is the next node, skipped).
			keywords.push(it.source.slice(a));
			a = a.nextSibling.nextSibling ?? a.nextSibling;
			continue;
		}
		const v =
			a.name === 'String' || a.name === 'Number'
				? it.eval(a, scope)
				: a.name === 'VariableName' || a.name === 'MemberExpression'
					? evalPath(it, a, scope)
					: undefined;
		positional.push(v ?? unknown(outer));
	}
	const method = it.source.slice(prop);
	for (const r of it.runtimes) {
		const value = r.receiverAfter?.(receiver.obj, method, positional, keywords, {
			why: outer,
			range: it.here(call),
		});
		if (value) {
			return { receiver: receiver.obj, value };
		}
	}
	return undefined;
}

/** A call inside code that may or may not run: the mutable values it could change become unknown. */
function havocCall(it: Interpreter, node: SyntaxNode, scope: Scope, outer: Cause): void {
	const callee = node.firstChild;
	// What may change is changed by this call, if it runs: the cause names it, with why it may not.
	const cause: Cause = {
		reason: `\`${it.snippet(callee)}(…)\` may change what it receives, and NormLens cannot tell whether it runs: ${outer.reason}`,
		range: it.here(node),
	};
	const argList = childNamed(node, 'ArgList');
	let trusted = false;
	const target = callee ? evalPath(it, callee, scope) : undefined;
	if (target && (target.k === 'func' || target.k === 'method' || target.k === 'class')) {
		// Source code: what it may change is what its own body may change, with these arguments.
		havocSourceCall(it, target, argList, scope, outer);
		return;
	}
	if (callee?.name === 'VariableName') {
		const name = it.source.slice(callee);
		const v = scope.get(name);
		trusted =
			(v === undefined && TRUSTED_BUILTINS.has(name)) ||
			(v?.k === 'ref' && (trustedCall(v.path) || pureLibraryCall(it, v.path))) ||
			(v?.k === 'obj' && callKeepsCounts(it, v.obj, node, outer)) ||
			((v === undefined || v.k === 'ref' || v.k === 'unknown') && reportingName(name));
	} else if (callee?.name === 'MemberExpression' && !childNamed(callee, 'PropertyName')) {
		// `self.experts[i](x)`: whichever item runs, calling a module changes no count.
		const container = callee.firstChild ? evalPath(it, callee.firstChild, scope) : undefined;
		const items = container?.k === 'obj' ? it.iterate(container) : undefined;
		trusted =
			items !== undefined &&
			items.length > 0 &&
			items.every(
				(v) =>
					v.k === 'obj' &&
					v.obj.kind === 'module' &&
					callKeepsCounts(it, v.obj, node, outer),
			);
	} else if (callee?.name === 'MemberExpression') {
		const prop = childNamed(callee, 'PropertyName');
		const receiver = callee.firstChild ? evalPath(it, callee.firstChild, scope) : undefined;
		const method = prop ? it.source.slice(prop) : '';
		if (callee.firstChild?.name === 'String' || callee.firstChild?.name === 'FormatString') {
			// `"{} [{}]".format(…)`, `", ".join(…)`: a str's methods make a new str and change nothing they receive.
			return;
		}
		if (receiver?.k === 'ref') {
			trusted =
				trustedCall(`${receiver.path}.${method}`) ||
				pureLibraryCall(it, `${receiver.path}.${method}`) ||
				reportingName(method);
		} else if (receiver) {
			const after = receiverAfter(it, node, scope, outer);
			if (after && after.value === after.receiver) {
				// A device move (`model.to(device)`), `model.train()`: nothing NormLens counts changes
				// (the runtime made what may have, a mode or a dtype, unknown for this reason).
				return;
			}
			// An instance's own attribute only: a property's getter would run code here.
			const callable =
				receiver.k === 'obj'
					? it.getAttr(receiver, method)
					: receiver.k === 'instance'
						? receiver.inst.attrs.get(method)
						: undefined;
			// Calling a module, or a built Keras model (`self.critic(x)`), on tensors changes no count;
			// a method NormLens does not trust may.
			trusted =
				(callable?.k === 'obj' && callKeepsCounts(it, callable.obj, node, outer)) ||
				trustedMethod(it, receiver, method);
			if (!trusted) {
				taint(it, receiver, cause);
			}
		}
	}
	if (trusted || !argList) {
		return;
	}
	for (let a = argList.firstChild; a; a = a.nextSibling) {
		const v = evalPath(it, a, scope);
		if (v) {
			taint(it, v, cause);
		}
	}
}

/**
 * A module called in code that may or may not run (`self.a(x)` under `if self.training:` with the
 * mode unknown): the call changes no count; if nothing else runs the module, its shapes are unknown
 * for this reason. Always true (the call is trusted).
 */
function skipped(module: FrameworkObject, node: SyntaxNode, outer: Cause, it: Interpreter): true {
	module.skippedCall ??= {
		reason: `it is called only in code NormLens cannot tell runs: ${outer.reason}`,
		range: it.here(node),
	};
	return true;
}

/** Calling this framework object changes no count: a PyTorch module (noted as maybe skipped), a built Keras model. */
function callKeepsCounts(
	it: Interpreter,
	obj: FrameworkObject,
	node: SyntaxNode,
	outer: Cause,
): boolean {
	if (obj.kind === 'module') {
		return skipped(obj, node, outer, it);
	}
	return it.runtimes.some((r) => r.callKeepsCounts?.(obj) === true);
}

/** A library call that a runtime models and knows leaves its arguments alone. */
function pureLibraryCall(it: Interpreter, path: string): boolean {
	return it.runtimes.some((r) => r.callEffect?.(path) === 'pure');
}

/**
 * A source function, method or class called from code that may or may not run: its body is
 * havocked in a scope where its parameters are bound to the arguments' plain paths (so that
 * `self.generator(z)` inside a method called in a training loop changes nothing, while
 * `self.layers.append(…)` taints). Bounded in depth; recursion havocs nothing more.
 */
function havocSourceCall(
	it: Interpreter,
	target: Extract<Value, { k: 'func' | 'method' | 'class' }>,
	argList: SyntaxNode | null,
	scope: Scope,
	cause: Cause,
): void {
	const found =
		target.k === 'class'
			? findMethod(target.cls, '__init__')
			: { fn: target.k === 'func' ? target.def : target.fn };
	const def = found?.fn;
	const args: (Value | undefined)[] = [];
	const keywords = new Map<string, Value | undefined>();
	const parts = argList
		? children(argList).filter((c) => !['(', ')', ',', 'Comment'].includes(c.name))
		: [];
	let spread = false;
	for (let i = 0; i < parts.length; i++) {
		const p = parts[i];
		if (p.name === 'VariableName' && parts[i + 1]?.name === 'AssignOp' && parts[i + 2]) {
			keywords.set(it.source.slice(p), evalPath(it, parts[i + 2], scope));
			havoc(it, parts[i + 2], scope, cause);
			i += 2;
		} else if (p.name === '*' || p.name === '**') {
			spread = true;
		} else {
			args.push(evalPath(it, p, scope));
			havoc(it, p, scope, cause);
		}
	}
	if (!def?.body || it.havocStack.includes(def) || it.havocStack.length >= 6 || spread) {
		// Too deep, recursive or not readable: whatever it receives may change.
		[...args, ...keywords.values()].forEach((v) => v && taint(it, v, cause));
		if (target.k === 'method') {
			taint(it, target.self, cause);
		}
		return;
	}
	const inner = new Scope(def.closure);
	const self =
		target.k === 'method' ? target.self : target.k === 'class' ? unknown(cause) : undefined;
	const positional = self ? [self, ...args] : args;
	def.params.forEach((p, i) => {
		const v =
			p.star === ''
				? ((p.keywordOnly ? undefined : positional[i]) ?? keywords.get(p.name))
				: undefined;
		inner.set(p.name, v ?? unknown(cause));
	});
	it.havocStack.push(def);
	try {
		const body = def.body;
		it.within(def.source instanceof PythonSource ? def.source : it.source, () =>
			havoc(it, body, inner, cause),
		);
	} finally {
		it.havocStack.pop();
	}
}

/** A target that code which may or may not run assigns: a name becomes unknown, an object or container is tainted. */
export function havocTarget(it: Interpreter, target: SyntaxNode, scope: Scope, cause: Cause): void {
	switch (target.name) {
		case 'VariableName':
			it.bindName(it.source.slice(target), unknown(cause), scope);
			return;
		case 'TupleExpression':
		case 'ArrayExpression':
		case 'ParenthesizedExpression':
			children(target).forEach((c) => havocTarget(it, c, scope, cause));
			return;
		case 'MemberExpression': {
			const base = target.firstChild ? evalPath(it, target.firstChild, scope) : undefined;
			if (base) {
				taint(it, base, cause);
			}
			return;
		}
		default:
			return;
	}
}

/**
 * A module-level `model = Net(…)` / `nn.Sequential(…)` / `keras.Model(…)` in code that may or may
 * not run: no model is built, so none is shown; it is noted, so that the analysis can say why.
 */
function noteUnbuiltModel(
	it: Interpreter,
	targets: SyntaxNode[],
	value: SyntaxNode[],
	scope: Scope,
	cause: Cause,
	statement: SyntaxNode,
): void {
	if (
		scope !== it.globals ||
		it.source !== it.mainSource ||
		value.length !== 1 ||
		value[0].name !== 'CallExpression' ||
		!value[0].firstChild
	) {
		return;
	}
	// The call's callee, through method chains (`Net().to(device)`, `build().cuda()`).
	let call: SyntaxNode | null = value[0];
	while (
		call?.name === 'CallExpression' &&
		call.firstChild?.name === 'MemberExpression' &&
		call.firstChild.firstChild?.name === 'CallExpression'
	) {
		call = call.firstChild.firstChild;
	}
	const callee = call?.firstChild ? evalPath(it, call.firstChild, scope) : undefined;
	const framework = /^(torch\.nn\.|torchvision\.models\.|(tensorflow\.|tf\.)?keras\.|tf_keras\.)/;
	const buildsModel =
		(callee?.k === 'class' &&
			basePaths(callee.cls).some(
				(b) => framework.test(b) || /^(nn\.Module|Module|keras\.Model|Model)$/.test(b),
			)) ||
		(callee?.k === 'ref' &&
			framework.test(callee.path) &&
			(/\.(Sequential|Model|ModuleList|ModuleDict)$/.test(callee.path) ||
				bundledTarget(callee.path) !== undefined));
	if (!buildsModel) {
		return;
	}
	for (const t of targets) {
		if (t.name === 'VariableName') {
			it.unbuilt.push({
				name: it.source.slice(t),
				range: it.here(statement),
				cause,
			});
		}
	}
}

/**
 * The value of a plain path (`x`, `self.layers`, `cfg["a"]`) without running any call: what
 * code that may not run could reach. `undefined` for anything else.
 */
function evalPath(it: Interpreter, node: SyntaxNode, scope: Scope): Value | undefined {
	if (node.name === 'VariableName') {
		return scope.get(it.source.slice(node));
	}
	if (node.name === 'MemberExpression' && node.firstChild) {
		const base = evalPath(it, node.firstChild, scope);
		if (!base) {
			return undefined;
		}
		const prop = childNamed(node, 'PropertyName');
		if (prop) {
			return it.getAttr(base, it.source.slice(prop));
		}
		const index = children(node).find((c, i) => i > 0 && c.name !== '[' && c.name !== ']');
		if (index && (index.name === 'Number' || index.name === 'String')) {
			return it.subscript(base, it.eval(index, scope));
		}
		return base.k === 'list' || base.k === 'dict' || base.k === 'obj' ? base : undefined;
	}
	return undefined;
}

/**
 * Taints what the items of an iterable NormLens cannot list may be parts of: the plain paths it
 * is read from (`model.layers`, `base.layers[:-4]`, `model.modules()`), also through
 * `enumerate` / `zip` / `reversed` / `list` / `sorted`. The result of another call is not
 * followed (that call, if untrusted, already tainted what it received).
 */
export function taintPaths(it: Interpreter, node: SyntaxNode, scope: Scope, cause: Cause): void {
	if (node.name === 'VariableName' || node.name === 'MemberExpression') {
		for (
			let n: SyntaxNode | null = node;
			n && (n.name === 'VariableName' || n.name === 'MemberExpression');
			n = n.name === 'MemberExpression' ? n.firstChild : null
		) {
			const v = evalPath(it, n, scope);
			if (v) {
				taint(it, v, cause);
			}
		}
		return;
	}
	if (node.name === 'CallExpression' && node.firstChild) {
		const callee = node.firstChild;
		if (callee.name === 'VariableName' && ITERATION_WRAPPERS.has(it.source.slice(callee))) {
			const argList = childNamed(node, 'ArgList');
			for (let a = argList?.firstChild ?? null; a; a = a.nextSibling) {
				taintPaths(it, a, scope, cause);
			}
		} else if (
			callee.name === 'MemberExpression' &&
			callee.firstChild &&
			!COPYING_METHODS.has(it.source.slice(childNamed(callee, 'PropertyName') ?? callee))
		) {
			taintPaths(it, callee.firstChild, scope, cause);
		}
	}
}

/** Whether `receiver.method(...)` is known to leave the receiver's counts alone. */
export function trustedMethod(it: Interpreter, receiver: Value, method: string): boolean {
	if (receiver.k === 'list' || receiver.k === 'dict') {
		return READING_SEQUENCE_METHODS.has(method);
	}
	if (receiver.k === 'obj') {
		if (receiver.obj.kind === 'tensor') {
			return true;
		}
		if (receiver.obj.kind === 'param') {
			// PyTorch's convention: only a method ending in `_` (`resize_`, `__setitem__`) changes its
			// tensor; `p.reshape(…)`, `p.permute(…)` make new ones; `fill_` changes its values only.
			return !method.endsWith('_') || VALUE_ONLY_INPLACE.has(method);
		}
		for (const r of it.runtimes) {
			const table = r.methodTable?.(receiver.obj);
			if (table) {
				return TRUSTED_METHODS[table]?.has(method) ?? false;
			}
		}
		return false;
	}
	return receiver.k !== 'instance';
}
