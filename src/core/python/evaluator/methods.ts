// Method calls on values: a runtime's object, a source instance or class, a list, dict or str.
import type { CallArgs } from '../contract';
import { READING_SEQUENCE_METHODS } from '../trusted';
import { formatSpec, strMethod } from '../operators';
import { dictMethod, listMethod } from '../containers';
import { dictKey } from '../dictKeys';
import { namedTupleMethod } from '../namedTuples';
import { argparseMethod } from '../argparse';
import { sortedList } from '../builtinOrdering';
import { editsOwner, setOwnAttr } from './assignment';
import {
	Cause,
	causeOf,
	FrameworkObject,
	NONE,
	pyNumber,
	unknown,
	UNKNOWN,
	Value,
} from '../values';
import type { Interpreter } from '../interpreter';

/**
 * `self.name(…)`: a runtime's object asks its runtime, a source instance or class its method, a
 * list, dict or str Python's.
 */
export function callMethodOn(
	it: Interpreter,
	self: Value,
	name: string,
	positional: Value[],
	args: CallArgs | undefined,
): Value {
	const full: CallArgs = args ?? {
		positional,
		keywords: new Map(),
		node: it.source.tree.topNode,
	};
	const untracked = (): Cause => unmodelled(it, full.node);
	const target = positional[0];
	if (
		self.k === 'builtin' &&
		self.name === 'object' &&
		name === '__setattr__' &&
		target?.k === 'dict' &&
		target.cls &&
		positional[1]?.k === 'str' &&
		positional[2]
	) {
		// object.__setattr__ on a dict subclass's instance: its own __dict__, past the class's hook.
		(target.attrs ??= new Map()).set(positional[1].v, positional[2]);
		return NONE;
	}
	if (self.k === 'builtin' && self.name === 'dict' && name === 'fromkeys' && target) {
		// `dict.fromkeys(keys, value)`: each key to the one value.
		const keys = it.iterate(target)?.map(dictKey);
		return keys?.every((k) => k !== undefined)
			? { k: 'dict', entries: new Map(keys.map((k) => [k as string, positional[1] ?? NONE])) }
			: unknown(causeOf(target) ?? untracked());
	}
	if (
		self.k === 'builtin' &&
		self.name === 'object' &&
		name === '__setattr__' &&
		target?.k === 'obj' &&
		positional[1]?.k === 'str' &&
		positional[2]
	) {
		// object.__setattr__ on a framework object: its plain __dict__, past what nn.Module's
		// __setattr__ registers (a teacher model kept out of `parameters()`).
		setOwnAttr(it, target.obj, positional[1].v, positional[2]);
		return NONE;
	}
	if (self.k === 'builtin' && self.name === 'object' && name === '__setattr__') {
		// `object.__setattr__(self, 'x', v)` (how a frozen dataclass sets a field) is setattr.
		return it.call({ k: 'builtin', name: 'setattr' }, full);
	}
	const parsed = argparseMethod(it, self, name, full);
	if (parsed) {
		return parsed;
	}
	if (self.k === 'obj') {
		for (const r of it.runtimes) {
			const v = r.callMethod(self.obj, name, full, it.ctx());
			if (v !== undefined) {
				return v;
			}
		}
		return untrackedMethod(it, self, self.obj, name, full);
	}
	const named = namedTupleMethod(it, self, name, full);
	if (named) {
		return named;
	}
	if (self.k === 'instance' || self.k === 'class') {
		return it.call(it.getAttr(self, name), full);
	}
	if ((self.k === 'list' || self.k === 'dict') && self.cause) {
		// Already untrusted: what it receives may end up in it.
		if (!READING_SEQUENCE_METHODS.has(name)) {
			it.taintArgs(full, self.cause);
		}
		return unknown(self.cause);
	}
	if (!READING_SEQUENCE_METHODS.has(name)) {
		// `model.layers.pop()` where the list may be the model's own: the model may have changed.
		editsOwner(it, self, full.node);
	}
	if (self.k === 'list' && name === 'sort' && positional.length === 0 && !self.iterator) {
		// In place, as `sorted()` orders (stable, `key=`, `reverse=`).
		const sorted = sortedList(it, { ...full, positional: [self] });
		if (sorted.k === 'list') {
			self.items.splice(0, self.items.length, ...sorted.items);
			return NONE;
		}
		const cause = causeOf(sorted) ?? untracked();
		it.taint(self, cause);
		return unknown(cause);
	}
	if (self.k === 'list' || self.k === 'dict') {
		const v =
			self.k === 'list'
				? listMethod(it, self, name, positional, full)
				: dictMethod(self, name, positional, full);
		if (v !== undefined) {
			return v;
		}
		// A method Python has but NormLens does not follow: the container may have changed.
		const cause = untracked();
		it.taint(self, cause);
		return unknown(cause);
	}
	if (self.k === 'str') {
		if (name === 'format') {
			let auto = 0;
			let ok = true;
			const out = self.v.replace(
				/\{\{|\}\}|\{([^{}:!]*)(?::([^{}!]*))?\}/g,
				(whole, key: string | undefined, spec: string | undefined) => {
					if (whole === '{{') {
						return '{';
					}
					if (whole === '}}') {
						return '}';
					}
					const k = key ?? '';
					const v =
						k === ''
							? positional[auto++]
							: /^\d+$/.test(k)
								? positional[Number(k)]
								: args?.keywords.get(k);
					// `'blk{:02d}'.format(i)`: the spec as an f-string's.
					const text = v && spec !== undefined ? formatSpec(v, spec) : undefined;
					if (text !== undefined) {
						return text;
					}
					if (spec === undefined && (v?.k === 'str' || v?.k === 'num')) {
						return v.k === 'num' ? pyNumber(v) : v.v;
					}
					ok = false;
					return '';
				},
			);
			return ok && !/\{[^}]*![^}]*\}/.test(self.v) ? { k: 'str', v: out } : UNKNOWN;
		}
		if (name === 'upper') {
			return { k: 'str', v: self.v.toUpperCase() };
		}
		if (name === 'lower') {
			return { k: 'str', v: self.v.toLowerCase() };
		}
		return strMethod(self.v, name, positional) ?? UNKNOWN;
	}
	return UNKNOWN;
}

/** Why a method call (`x.foo(…)`) or an indexing (`x[:40]`, Python's `__getitem__`) no runtime models is unknown. */
function unmodelled(it: Interpreter, node: CallArgs['node']): Cause {
	return {
		reason:
			node.name === 'CallExpression'
				? `\`${it.snippet(node.firstChild ?? node)}(…)\` is a method NormLens does not model`
				: `NormLens does not model the indexing \`${it.snippet(node)}\``,
		range: it.here(node),
	};
}

/** A method no runtime models: it may change the object (and what it receives) unless trusted. */
export function untrackedMethod(
	it: Interpreter,
	self: Value,
	obj: FrameworkObject,
	name: string,
	args: CallArgs,
): Value {
	const cause = obj.taint ?? unmodelled(it, args.node);
	if (!it.trustedMethod(self, name)) {
		it.taint(self, cause);
		it.taintArgs(args, cause);
	}
	return unknown(cause);
}
