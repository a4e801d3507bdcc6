// Named tuples: `collections.namedtuple('P', 'x y')` and `class P(typing.NamedTuple)`. Model code
// keeps its configuration in them (EfficientNet's BlockArgs / GlobalParams, `_replace(**override)`),
// so their fields are followed as Python defines them: a tuple whose items also have names.
import type { SyntaxNode } from '@lezer/common';
import type { CallArgs } from './contract';
import {
	asSequence,
	asString,
	Cause,
	causeOf,
	classChain,
	ClassValue,
	unknown,
	Value,
} from './values';
import type { Interpreter } from './interpreter';

type Field = { name: string; default: Value | undefined };

/** The paths a named-tuple factory or base is reached by. */
export const NAMED_TUPLE_FACTORIES = new Set(['collections.namedtuple', 'namedtuple']);
export const NAMED_TUPLE_BASES = new Set(['typing.NamedTuple', 'NamedTuple']);

/** Whether instances of `cls` are named tuples (it is one, or derives from one). */
export function isNamedTupleClass(cls: ClassValue): boolean {
	return classChain(cls).some((c) => c.namedTuple === true);
}

/** The fields of a named-tuple class, its own after those of the named tuple it derives from. */
function fieldsOf(cls: ClassValue): Field[] {
	return classChain(cls).find((c) => c.namedTuple === true && c.fields)?.fields ?? [];
}

/** Python's identifier rule for a field name (namedtuple refuses others unless `rename=True`). */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `collections.namedtuple(typename, field_names, *, rename=False, defaults=None, module=None)`:
 * a class whose instances are tuples with those names. Field names as a sequence of strings or one
 * string split at commas and spaces; `defaults` apply to the rightmost fields.
 */
export function namedTupleFactory(it: Interpreter, args: CallArgs): Value {
	const cause = (what: string): Cause => ({
		reason: `NormLens cannot read the ${what} of \`${it.snippet(args.node)}\``,
		range: it.here(args.node),
	});
	const typename = asString(args.positional[0] ?? args.keywords.get('typename'));
	const given = args.positional[1] ?? args.keywords.get('field_names');
	const text = asString(given);
	const listed = text === undefined ? asSequence(given)?.map(asString) : undefined;
	const names =
		text !== undefined ? text.replace(/,/g, ' ').split(/\s+/).filter(Boolean) : listed;
	if (typename === undefined || !names || names.some((n) => n === undefined)) {
		return unknown(
			args.cause ??
				causeOf(args.positional[0]) ??
				causeOf(given) ??
				cause(typename === undefined ? 'type name' : 'field names'),
		);
	}
	const fieldNames = names as string[];
	const rename = args.keywords.get('rename');
	if (
		fieldNames.some((n) => !IDENTIFIER.test(n) || n.startsWith('_')) ||
		new Set(fieldNames).size !== fieldNames.length
	) {
		return unknown(
			rename && rename.k !== 'bool'
				? cause('`rename`')
				: {
						reason:
							rename?.k === 'bool' && rename.v
								? `\`${it.snippet(args.node)}\` renames fields, which NormLens does not follow`
								: `\`${it.snippet(args.node)}\` has a field name Python refuses (ValueError)`,
						range: it.here(args.node),
					},
		);
	}
	const cls: ClassValue = {
		name: typename,
		node: args.node,
		source: it.source,
		bases: [],
		methods: new Map(),
		attrs: new Map(),
		namedTuple: true,
		fields: fieldNames.map((name) => ({ name, default: undefined })),
	};
	const defaults = args.keywords.get('defaults');
	if (defaults && defaults.k !== 'none' && !setDefaults(cls, defaults)) {
		return unknown(causeOf(defaults) ?? cause('`defaults`'));
	}
	return { k: 'class', cls };
}

/**
 * Gives the rightmost fields these defaults (`defaults=` or, before Python 3.7's keyword,
 * `P.__new__.__defaults__ = (None,) * len(P._fields)`); false when they are not a sequence
 * NormLens holds or are more than the fields.
 */
export function setDefaults(cls: ClassValue, defaults: Value): boolean {
	const items = asSequence(defaults);
	const fields = cls.fields;
	if (!items || !fields || items.length > fields.length) {
		if (fields) {
			// Defaults NormLens cannot read: a field left out of a call has an unknown value, not none.
			const why = causeOf(defaults);
			cls.fields = fields.map((f) => ({ ...f, default: unknown(why) }));
		}
		return false;
	}
	const first = fields.length - items.length;
	cls.fields = fields.map((f, i) => ({
		name: f.name,
		default: i >= first ? items[i - first] : undefined,
	}));
	return true;
}

/** `P(…)`: the tuple of its fields from the arguments by position, then by name, then defaults. */
export function namedTupleInstance(it: Interpreter, cls: ClassValue, args: CallArgs): Value {
	const fields = fieldsOf(cls);
	if (args.cause) {
		return unknown(args.cause);
	}
	const refused = (why: string): Value =>
		unknown({
			reason: `\`${it.snippet(args.node)}\` ${why} (Python raises TypeError)`,
			range: it.here(args.node),
		});
	if (args.positional.length > fields.length) {
		return refused(`gives ${args.positional.length} values to ${fields.length} fields`);
	}
	const items: Value[] = [];
	for (const [i, f] of fields.entries()) {
		const byName = args.keywords.get(f.name);
		if (i < args.positional.length && byName) {
			return refused(`gives \`${f.name}\` twice`);
		}
		const v = i < args.positional.length ? args.positional[i] : (byName ?? f.default);
		if (!v) {
			return refused(`leaves \`${f.name}\` without a value`);
		}
		items.push(v);
	}
	const extra = [...args.keywords.keys()].find((k) => !fields.some((f) => f.name === k));
	if (extra !== undefined) {
		return refused(`has no field \`${extra}\``);
	}
	return namedTuple(cls, items);
}

function namedTuple(cls: ClassValue, items: Value[]): Value {
	return { k: 'tuple', items, fields: fieldsOf(cls).map((f) => f.name), cls };
}

/** What a named-tuple class itself has: `_fields`, `_field_defaults`, `_make`, and `__new__` (for its defaults). */
export function namedTupleClassAttr(cls: ClassValue, name: string): Value | undefined {
	if (!isNamedTupleClass(cls)) {
		return undefined;
	}
	const fields = fieldsOf(cls);
	switch (name) {
		case '_fields':
			return { k: 'tuple', items: fields.map((f) => ({ k: 'str', v: f.name })) };
		case '_field_defaults':
			return {
				k: 'dict',
				entries: new Map(
					fields.flatMap((f) => (f.default ? [[f.name, f.default] as const] : [])),
				),
			};
		case '_make':
		case '__new__':
			return { k: 'bound', self: { k: 'class', cls }, name };
		default:
			return undefined;
	}
}

/**
 * `P._make(xs)`, `P.__new__(P, …)`, and a named tuple's `_replace(**changes)`, `_asdict()`;
 * undefined for any other name.
 */
export function namedTupleMethod(
	it: Interpreter,
	self: Value,
	name: string,
	args: CallArgs,
): Value | undefined {
	if (self.k === 'class' && isNamedTupleClass(self.cls)) {
		if (name === '_make') {
			const items = args.positional.length === 1 ? it.iterate(args.positional[0]) : undefined;
			return items
				? namedTupleInstance(it, self.cls, { ...args, positional: items })
				: unknown(causeOf(args.positional[0]) ?? notFollowed(it, args.node));
		}
		if (name === '__new__') {
			return namedTupleInstance(it, self.cls, {
				...args,
				positional: args.positional.slice(1),
			});
		}
		return undefined;
	}
	if (self.k !== 'tuple' || !self.cls || !self.fields) {
		return undefined;
	}
	if (name === '_replace') {
		const items = [...self.items];
		for (const [k, v] of args.keywords) {
			const at = self.fields.indexOf(k);
			if (at < 0) {
				return unknown({
					reason: `\`${it.snippet(args.node)}\` names a field \`${self.cls.name}\` does not have (Python raises ValueError)`,
					range: it.here(args.node),
				});
			}
			items[at] = v;
		}
		return args.cause || args.positional.length > 0
			? unknown(args.cause ?? notFollowed(it, args.node))
			: namedTuple(self.cls, items);
	}
	if (name === '_asdict') {
		const fields = self.fields;
		return {
			k: 'dict',
			entries: new Map(self.items.map((v, i) => [fields[i], v])),
		};
	}
	return undefined;
}

function notFollowed(it: Interpreter, node: SyntaxNode): Cause {
	return { reason: `NormLens cannot follow \`${it.snippet(node)}\``, range: it.here(node) };
}
