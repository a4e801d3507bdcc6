// Bindings: `=` (unpacking, `obj.x =`, `xs[i] =`), `+=`, `del`, and where a name binds.
import type { SyntaxNode } from '@lezer/common';
import { childNamed, children } from '../parse';
import {
	asInt,
	Cause,
	causeOf,
	findMethod,
	FrameworkObject,
	Scope,
	setClassAttr,
	tuple,
	unknown,
	UNKNOWN,
	Value,
} from '../values';
import { dictKey } from '../dictKeys';
import { setDefaults } from '../namedTuples';
import type { Interpreter } from '../interpreter';
import { NOT_A_MODEL_PART } from '../trusted';
import { setDictInstanceAttr } from './dictClasses';
import { sliceIndices } from '../operators';
import { subscriptKey } from './members';
import { descriptorSet } from './descriptors';
import { spreadElements } from './expressions';

/** `a = b = value`, `a, b = value`, `x: int = value`. */
export function execAssign(it: Interpreter, node: SyntaxNode, scope: Scope): void {
	// a = b = value ; a, b = value ; x: int = value — the parts between `=` signs, each a list
	// of expressions and commas.
	const groups: SyntaxNode[][] = [[]];
	for (let c = node.firstChild; c; c = c.nextSibling) {
		const name = c.name;
		if (name === 'AssignOp') {
			groups.push([]);
		} else if (name !== 'TypeDef' && name !== 'Comment') {
			groups[groups.length - 1].push(c);
		}
	}
	if (groups.length === 1) {
		// `dim: int` (a NamedTuple's or dataclass's field): an annotation binds and reads nothing.
		return;
	}
	const valueParts = groups.pop() as SyntaxNode[];
	const targets = groups;
	if (valueParts.length === 0) {
		return;
	}
	const single = targets.length === 1 && targets[0].length === 1 ? targets[0][0] : undefined;
	const simpleTarget =
		single && (single.name === 'VariableName' || single.name === 'MemberExpression')
			? it.source.slice(single)
			: undefined;
	let value: Value;
	const saved = it.assignTarget;
	it.assignTarget = simpleTarget;
	try {
		value = evalSequence(it, valueParts, scope);
	} finally {
		it.assignTarget = saved;
	}
	for (const target of targets) {
		assignTargets(it, target, value, scope);
	}
}

/** `a, b` (and `*xs, b`) without brackets is a tuple; a single expression is itself. */
export function evalSequence(it: Interpreter, nodes: SyntaxNode[], scope: Scope): Value {
	if (nodes.length === 1 && nodes[0].name !== ',') {
		return it.eval(nodes[0], scope);
	}
	const { items, cause } = spreadElements(it, nodes, scope);
	return cause ? { k: 'tuple', items, cause } : tuple(items);
}

/** Assigns to the targets between two `=` signs: one target, or several unpacked. */
export function assignTargets(
	it: Interpreter,
	target: SyntaxNode[],
	value: Value,
	scope: Scope,
): void {
	if (target.length === 1 && target[0].name !== ',') {
		assignTo(it, target[0], value, scope);
		return;
	}
	unpack(
		it,
		target.filter((n) => n.name !== ','),
		value,
		scope,
	);
}

/**
 * `a, b = value` and `a, *rest, b = value`, as Python unpacks: a starred target takes the items
 * between the others, as a list. A count that does not fit is Python's ValueError; targets of a
 * value NormLens cannot list are unknown with that cause.
 */
function unpack(it: Interpreter, exprs: SyntaxNode[], value: Value, scope: Scope): void {
	const star = exprs.findIndex((e) => e.name === '*');
	const targets = star < 0 ? exprs : exprs.filter((_, i) => i !== star);
	const known = it.iterate(value);
	const fixed = star < 0 ? targets.length : targets.length - 1;
	let cause: Cause | undefined;
	if (!known) {
		cause = causeOf(value) ?? {
			reason: `NormLens cannot list the values unpacked into \`${targets.map((t) => it.snippet(t)).join(', ')}\``,
			range: it.here(exprs[0]),
		};
	} else if (star < 0 ? known.length !== fixed : known.length < fixed) {
		const what = known.length > fixed ? 'too many values' : 'not enough values';
		const message = `Python raises ValueError: ${what} to unpack (expected ${star < 0 ? '' : 'at least '}${fixed}, got ${known.length})`;
		cause = { reason: message, range: it.here(exprs[0]) };
		it.diagnostics.push({
			range: cause.range,
			severity: 'error',
			code: 'unpack-error',
			message: `${message}.`,
		});
	}
	if (!known || cause) {
		const u = unknown(cause);
		targets.forEach((e) => assignTo(it, e, u, scope));
		return;
	}
	const after = targets.length - star - 1;
	targets.forEach((e, i) => {
		if (star >= 0 && i === star) {
			// The starred target (at `star` in `targets`, after its `*`) takes the middle as a list.
			assignTo(it, e, { k: 'list', items: known.slice(star, known.length - after) }, scope);
		} else {
			const j = star >= 0 && i > star ? known.length - (targets.length - i) : i;
			assignTo(it, e, known[j], scope);
		}
	});
}

function assignTo(it: Interpreter, target: SyntaxNode, value: Value, scope: Scope): void {
	switch (target.name) {
		case 'VariableName':
			bindName(it, it.source.slice(target), value, scope);
			return;
		case 'TupleExpression':
		case 'ArrayExpression':
		case 'ParenthesizedExpression':
			unpack(
				it,
				children(target).filter((c) => !['(', ')', '[', ']', ','].includes(c.name)),
				value,
				scope,
			);
			return;
		case 'MemberExpression': {
			// obj.attr = value / obj[i] = value: record on framework objects through setattr.
			const obj = target.firstChild ? it.eval(target.firstChild, scope) : UNKNOWN;
			const prop = childNamed(target, 'PropertyName');
			const framework = value.k === 'obj' && ['module', 'param'].includes(value.obj.kind);
			const hook =
				prop && obj.k === 'obj' && obj.obj.pyClass && !inOwnSetattr.has(obj.obj)
					? findMethod(obj.obj.pyClass, '__setattr__')
					: undefined;
			if (prop && obj.k === 'obj' && hook) {
				// The class's own `__setattr__` (which may change the value, then call nn.Module's).
				inOwnSetattr.add(obj.obj);
				it.call(
					{ k: 'method', fn: hook.fn, self: obj, cls: hook.owner },
					{
						positional: [{ k: 'str', v: it.source.slice(prop) }, value],
						keywords: new Map(),
						node: target,
					},
				);
				inOwnSetattr.delete(obj.obj);
			} else if (prop && obj.k === 'obj') {
				objectSetAttr(it, obj, it.source.slice(prop), value, target);
			} else if (
				prop &&
				obj.k === 'instance' &&
				!framework &&
				descriptorSet(it, obj, obj.inst.cls, it.source.slice(prop), value, target)
			) {
				// A data descriptor of the class takes it (`width = Doubled()`), not the object's __dict__.
			} else if (prop && obj.k === 'instance') {
				obj.inst.attrs.set(it.source.slice(prop), value);
			} else if (prop && obj.k === 'dict' && obj.cls) {
				setDictInstanceAttr(it, obj, it.source.slice(prop), value, target);
			} else if (
				prop &&
				obj.k === 'bound' &&
				obj.name === '__new__' &&
				obj.self.k === 'class' &&
				obj.self.cls.namedTuple &&
				it.source.slice(prop) === '__defaults__'
			) {
				// `P.__new__.__defaults__ = (None,) * len(P._fields)`: a named tuple's defaults before Python 3.7.
				setDefaults(obj.self.cls, value);
			} else if (prop && obj.k === 'class') {
				// `Block.expansion = 3`: every instance reads it from then on (unless it has its own).
				setClassAttr(obj.cls, it.source.slice(prop), value);
			} else if (!prop && target.firstChild) {
				setItem(it, obj, subscriptKey(it, target.firstChild, scope), value, target);
			} else if (
				prop &&
				obj.k === 'unknown' &&
				target.firstChild &&
				(framework || COUNTING_ATTRIBUTES.has(it.source.slice(prop)))
			) {
				// `m[3]._parameters['w'].requires_grad = False` through a path NormLens cannot
				// follow: the models it starts from may have changed.
				it.taintPaths(target.firstChild, scope, {
					reason: `NormLens cannot follow what \`${it.snippet(target)} = …\` changes`,
					range: it.here(target),
				});
			}
			return;
		}
		default:
			return;
	}
}

/** Attributes whose value decides a count (a parameter's trainability or storage). */
const COUNTING_ATTRIBUTES = new Set(['requires_grad', 'data']);

/**
 * An edit of a list or dict that may be a framework object's own storage (`editsOwner`: standalone
 * Keras's `model.layers`, a module's `_modules`): that object may have changed, for its reason.
 */
export function editsOwner(it: Interpreter, container: Value, where: SyntaxNode): void {
	if ((container.k === 'list' || container.k === 'dict') && container.editsOwner) {
		it.taint(
			{ k: 'obj', obj: container.editsOwner.obj },
			{ ...container.editsOwner.cause, range: it.here(where) },
		);
	}
}

/** `obj[key] = value`: lists and dicts as Python does; framework containers through `__setitem__`; anything else taints. */
function setItem(it: Interpreter, obj: Value, key: Value, value: Value, target: SyntaxNode): void {
	const cause = (): Cause =>
		causeOf(key) ?? {
			reason: `NormLens cannot follow \`${it.snippet(target)} = …\``,
			range: it.here(target),
		};
	if (obj.k === 'list' && !obj.cause) {
		const i = asInt(key);
		const j = i === undefined ? undefined : i < 0 ? obj.items.length + i : i;
		if (j !== undefined && j >= 0 && j < obj.items.length) {
			obj.items[j] = value;
			return;
		}
		if (
			key.k === 'slice' &&
			key.start !== null &&
			key.stop !== null &&
			key.step === undefined
		) {
			const items = it.iterate(value);
			const n = obj.items.length;
			const norm = (x: number | undefined, d: number) =>
				x === undefined ? d : x < 0 ? Math.max(0, n + x) : Math.min(n, x);
			const a = norm(key.start, 0);
			if (items) {
				obj.items.splice(a, Math.max(0, norm(key.stop, n) - a), ...items);
				return;
			}
		}
		it.taint(obj, cause());
		return;
	}
	// `self._modules[name] = m`: the module's own registry, which NormLens does not write through.
	editsOwner(it, obj, target);
	if (obj.k === 'dict' && !obj.cause) {
		const k = dictKey(key);
		if (k !== undefined) {
			obj.entries.set(k, value);
			return;
		}
		it.taint(obj, cause());
		return;
	}
	if (obj.k === 'obj' && obj.obj.kind === 'tensor') {
		obj.obj.written?.();
	}
	// A source class's instance through its own `__setitem__`; an instance NormLens models by its
	// attributes alone (Lightning's hparams) may have changed, so it is unknown after (`self.hparams['w'] = 9`).
	if ((obj.k === 'obj' && obj.obj.kind !== 'tensor') || obj.k === 'instance') {
		const r = it.callMethodOn(obj, '__setitem__', [key, value], {
			positional: [key, value],
			keywords: new Map(),
			node: target,
		});
		if (r.k === 'unknown') {
			it.taint(obj, cause());
		}
	}
}

/** Framework objects whose class's own `__setattr__` is running: an assignment inside it is the base's. */
const inOwnSetattr = new WeakSet<FrameworkObject>();

/**
 * The base's `__setattr__` on a framework object (nn.Module's, or what `super().__setattr__(k, v)`
 * reaches): a data descriptor of its class takes a plain value (nn.Module registers a module or a
 * parameter before any descriptor sees it), else the framework registers it or keeps it.
 */
export function objectSetAttr(
	it: Interpreter,
	obj: Value & { k: 'obj' },
	name: string,
	value: Value,
	where: SyntaxNode,
): void {
	const framework = value.k === 'obj' && ['module', 'param'].includes(value.obj.kind);
	if (!framework && descriptorSet(it, obj, obj.obj.pyClass, name, value, where)) {
		return;
	}
	setAttr(it, obj.obj, name, value, where);
}

/** `obj.name = value` (or `setattr`), at `where` in the source. */
export function setAttr(
	it: Interpreter,
	obj: FrameworkObject,
	name: string,
	value: Value,
	where: SyntaxNode,
): void {
	for (const r of it.runtimes) {
		const refused = r.refusedSetAttr?.(obj, name, value, it.here(where));
		if (refused) {
			it.raise(refused, 'AttributeError');
			return;
		}
	}
	if (
		value.k === 'unknown' &&
		value.why !== NOT_A_MODEL_PART &&
		obj.kind !== 'tensor' &&
		obj.kind !== 'param'
	) {
		// It may be a submodule or a layer: what holds it has unknown counts.
		obj.unknownCause ??= causeOf(value) ?? {
			reason: `the attribute set at \`${it.snippet(where)}\` has a value NormLens cannot determine`,
			range: it.here(where),
		};
	}
	for (const r of it.runtimes) {
		if (r.setAttr?.(obj, name, value, it.here(where))) {
			// Registered by its runtime (a child, a parameter): no longer the plain value set before.
			it.objectAttrs.get(obj)?.delete(name);
			return;
		}
	}
	const target = obj as unknown as { setAttr?: (name: string, value: Value) => void };
	target.setAttr?.(name, value);
	setOwnAttr(it, obj, name, value);
}

/**
 * `name` in a framework object's own `__dict__`, which no framework hook sees (`object.__setattr__`,
 * what `functools.cached_property` keeps): read back before what the runtime derives.
 */
export function setOwnAttr(
	it: Interpreter,
	obj: FrameworkObject,
	name: string,
	value: Value,
): void {
	let attrs = it.objectAttrs.get(obj);
	if (!attrs) {
		attrs = new Map();
		it.objectAttrs.set(obj, attrs);
	}
	attrs.set(name, value);
}

/** `x += 1`; `xs += ys` extends the list. */
export function execUpdate(it: Interpreter, node: SyntaxNode, scope: Scope): void {
	// x += 1
	const parts = children(node);
	const target = parts[0];
	const op = parts[1] ? it.source.slice(parts[1]).replace('=', '') : '';
	const rhs = parts[2];
	if (!target || !rhs) {
		return;
	}
	const left = it.eval(target, scope);
	const right = it.eval(rhs, scope);
	// `xs += ys` extends a list in place, as Python does (other names bound to it see it too).
	if (op === '+' && left.k === 'list') {
		const items = it.iterate(right);
		if (items && !left.cause) {
			left.items.push(...items);
		} else {
			it.taint(
				left,
				causeOf(right) ?? {
					reason: `NormLens cannot follow \`${it.snippet(node)}\``,
					range: it.here(node),
				},
			);
		}
		return;
	}
	if (left.k === 'obj') {
		for (const r of it.runtimes) {
			const v = r.inPlaceOp?.(op, left, right, it.here(node));
			if (v !== undefined) {
				assignTo(it, target, v, scope);
				return;
			}
		}
	}
	assignTo(it, target, it.binary(op, left, right, node), scope);
}

/** `del x`, `del xs[i]`, `del d[k]`, `del obj.attr`. */
export function execDelete(it: Interpreter, node: SyntaxNode, scope: Scope): void {
	const cause: Cause = {
		reason: `NormLens does not follow \`${it.snippet(node)}\``,
		range: it.here(node),
	};
	for (const target of children(node).slice(1)) {
		if (target.name === ',') {
			continue;
		}
		if (
			target.name === 'MemberExpression' &&
			!childNamed(target, 'PropertyName') &&
			target.firstChild
		) {
			const obj = it.eval(target.firstChild, scope);
			const key = subscriptKey(it, target.firstChild, scope);
			if (obj.k === 'list' && !obj.cause && asInt(key) !== undefined) {
				const i = asInt(key) as number;
				const j = i < 0 ? obj.items.length + i : i;
				if (j >= 0 && j < obj.items.length) {
					obj.items.splice(j, 1);
					continue;
				}
			}
			const picked =
				obj.k === 'list' && !obj.cause ? sliceIndices(obj.items, key) : undefined;
			if (obj.k === 'list' && picked) {
				// `del xs[1:3]`: every item the slice picks.
				obj.items = obj.items.filter((_, i) => !picked.has(i));
				continue;
			}
			editsOwner(it, obj, target);
			if (obj.k === 'dict' && !obj.cause && dictKey(key) !== undefined) {
				obj.entries.delete(dictKey(key) as string);
				continue;
			}
			if (obj.k === 'obj' && runtimeTakes(it, obj.obj, '__delitem__', key, target)) {
				// `del model[1]` on a container module: its runtime removed it.
				continue;
			}
			// `del self.module._parameters[name]`: an item of an object's attribute NormLens does not
			// model (its registries) — the object itself may have lost what it counts.
			const container = target.firstChild;
			const registry =
				container.name === 'MemberExpression'
					? childNamed(container, 'PropertyName')
					: null;
			const owner =
				registry && container.firstChild ? it.eval(container.firstChild, scope) : undefined;
			if (
				registry &&
				['_parameters', '_buffers', '_modules'].includes(it.source.slice(registry)) &&
				owner?.k === 'obj' &&
				key.k === 'str' &&
				runtimeTakes(it, owner.obj, '__delattr__', key, target)
			) {
				// `del module._parameters[name]` (StyleGAN's equalized learning rate): what
				// nn.Module's `__delattr__` removes from that registry.
				continue;
			}
			if (owner?.k === 'obj' && obj.k !== 'list' && obj.k !== 'dict') {
				it.taint(owner, cause);
			}
		}
		const prop = target.name === 'MemberExpression' ? childNamed(target, 'PropertyName') : null;
		if (prop && target.firstChild) {
			// `del self.head`: a runtime that removes what its object registered under that name.
			const obj = it.eval(target.firstChild, scope);
			const name: Value = { k: 'str', v: it.source.slice(prop) };
			if (obj.k === 'obj' && runtimeTakes(it, obj.obj, '__delattr__', name, target)) {
				continue;
			}
		}
		it.havocTarget(target, scope, cause);
	}
}

/** Whether a runtime takes `obj.method(arg)` (`__delitem__`, `__delattr__` of what it registered). */
function runtimeTakes(
	it: Interpreter,
	obj: FrameworkObject,
	method: string,
	arg: Value,
	node: SyntaxNode,
): boolean {
	const args = { positional: [arg], keywords: new Map(), node };
	return it.runtimes.some((r) => r.callMethod(obj, method, args, it.ctx()) !== undefined);
}

/** Binds a name in `scope`, or in the scope a `global` / `nonlocal` declaration points to. */
export function bindName(it: Interpreter, name: string, value: Value, scope: Scope): void {
	const target = scope.resolveBinding(name);
	target.set(name, value);
	if (target === it.globals && value.k === 'obj') {
		// A model is defined by the first top-level statement that binds it (`d = make_d()`, where its
		// input comment is), not by a later alias (`net = d`).
		const top = placed.has(value.obj) ? undefined : it.topStatement;
		const at = top ? it.mainSource.rangeOf(top) : undefined;
		if (at) {
			placed.add(value.obj);
		}
		it.runtimes.forEach((r) => r.bind?.(name, value, at));
	} else if (target === it.globals) {
		// The global no longer holds what it held (a model keeps its other names).
		it.runtimes.forEach((r) => r.bind?.(name, value));
	}
}

/** Objects a top-level statement has bound to a global already. */
const placed = new WeakSet<object>();
