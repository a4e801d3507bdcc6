// `@dataclass` as Python generates it: the fields, the `__init__` that takes them, `__post_init__`.
import type { SyntaxNode } from '@lezer/common';
import { childNamed, children } from '../parse';
import type { CallArgs } from '../contract';
import {
	Cause,
	classChain,
	ClassField,
	ClassValue,
	findMethod,
	Instance,
	unknown,
	UNKNOWN,
	Value,
} from '../values';
import type { Interpreter } from '../interpreter';

/**
 * A dataclass's fields: its annotated class attributes in order, each with its default if it has
 * one. `ClassVar` annotations are class attributes, not fields; an `InitVar` is a parameter only;
 * after `_: KW_ONLY` fields are taken by keyword. A `field(…)` (the bundled `dataclasses` helper)
 * gives its default, its factory and whether `__init__` takes it; the class attribute is then the
 * default, as Python leaves it (none with a factory).
 */
export function dataclassFields(
	it: Interpreter,
	node: SyntaxNode,
	cls: ClassValue,
	decorator = '',
): ClassField[] {
	const fields: ClassField[] = [];
	const body = childNamed(node, 'Body');
	let kwOnly = /\bkw_only\s*=\s*True\b/.test(decorator);
	for (let st = body?.firstChild; st; st = st.nextSibling) {
		const parts = st.name === 'AssignStatement' ? children(st) : [];
		if (parts[0]?.name !== 'VariableName' || parts[1]?.name !== 'TypeDef') {
			continue;
		}
		const name = it.source.slice(parts[0]);
		const annotation = it.source.slice(parts[1]).replace(/^:\s*/, '');
		if (/^(typing\.)?ClassVar\b/.test(annotation)) {
			continue;
		}
		if (/^(dataclasses\.)?KW_ONLY$/.test(annotation)) {
			kwOnly = true;
			continue;
		}
		const f: ClassField = { name, default: undefined };
		if (kwOnly) {
			f.kwOnly = true;
		}
		if (/^(dataclasses\.)?InitVar\b/.test(annotation)) {
			f.initVar = true;
		}
		if (parts.some((p) => p.name === 'AssignOp')) {
			const v = cls.attrs.get(name) ?? UNKNOWN;
			const spec = fieldSpec(it, v);
			if (spec) {
				readSpec(spec, f);
				if (f.default !== undefined) {
					cls.attrs.set(name, f.default);
				} else {
					cls.attrs.delete(name);
				}
			} else {
				f.default = v;
			}
		}
		fields.push(f);
	}
	return fields;
}

/** The attributes of a `dataclasses.field(…)` result, or undefined for any other value. */
function fieldSpec(it: Interpreter, v: Value): Instance | undefined {
	return v.k === 'instance' &&
		v.inst.cls.name === 'Field' &&
		it.librarySources.has(v.inst.cls.source as never)
		? v.inst
		: undefined;
}

function readSpec(spec: Instance, f: ClassField): void {
	const given = (name: string): Value | undefined => {
		const v = spec.attrs.get(name);
		// MISSING (the helper's sentinel instance) is no value.
		return v && !(v.k === 'instance' && v.inst.cls.name === '_MISSING_TYPE') ? v : undefined;
	};
	f.default = given('default');
	f.factory = given('default_factory');
	const init = spec.attrs.get('init');
	if (init?.k === 'bool' && !init.v) {
		f.init = false;
	}
	const kw = given('kw_only');
	if (kw?.k === 'bool') {
		if (kw.v) {
			f.kwOnly = true;
		} else {
			delete f.kwOnly;
		}
	}
}

/**
 * The generated `__init__` (the fields of the bases first, a redefined field keeping its place):
 * arguments by position to the positional fields, then by name, then defaults and factories; a
 * field with `init=False` gets its default; then `__post_init__` runs with the `InitVar`s. An
 * argument Python refuses (too many, a name no field has, a field left without a value) makes
 * the fields unknown, saying so.
 */
export function dataclassInit(
	it: Interpreter,
	cls: ClassValue,
	self: Value,
	inst: Instance,
	args: CallArgs,
): void {
	const fields = dataclassFieldList(cls);
	if (!fields) {
		return;
	}
	const params = fields.filter((f) => f.init !== false);
	const positional = params.filter((f) => !f.kwOnly);
	const refused = (reason: string): Cause => ({
		reason: `\`${it.snippet(args.node)}\`: ${reason} (Python raises TypeError here)`,
		range: it.here(args.node),
	});
	let cause: Cause | undefined;
	if (!args.cause && args.positional.length > positional.length) {
		cause = refused(
			`${cls.name}() takes ${positional.length} positional arguments but ${args.positional.length} were given`,
		);
	}
	const extra = [...args.keywords.keys()].find((k) => !params.some((f) => f.name === k));
	if (!cause && extra !== undefined) {
		cause = refused(`${cls.name}() has no field \`${extra}\``);
	}
	const values = new Map<string, Value>();
	args.positional.forEach((v, i) => {
		if (positional[i]) {
			values.set(positional[i].name, v);
		}
	});
	for (const [k, v] of args.keywords) {
		values.set(k, v);
	}
	const initVars: Value[] = [];
	for (const f of fields) {
		let v = f.init === false ? undefined : values.get(f.name);
		if (v === undefined && f.init !== false && args.cause) {
			// A `**kw` NormLens cannot list may give it.
			v = unknown(args.cause);
		}
		if (v === undefined && f.factory) {
			v = it.call(f.factory, { positional: [], keywords: new Map(), node: args.node });
		}
		v ??= f.default;
		if (v === undefined && f.init !== false) {
			cause ??= refused(`${cls.name}() is missing the field \`${f.name}\``);
		}
		if (f.initVar) {
			initVars.push(v ?? unknown(cause));
		} else if (v !== undefined || f.init !== false) {
			inst.attrs.set(f.name, v ?? unknown(cause));
		}
	}
	if (cause) {
		for (const f of fields) {
			if (inst.attrs.has(f.name)) {
				inst.attrs.set(f.name, unknown(cause));
			}
		}
		return;
	}
	const post = findMethod(cls, '__post_init__');
	if (post) {
		it.callFunction(
			post.fn,
			{ positional: initVars, keywords: new Map(), node: args.node },
			self,
			post.owner,
		);
	}
}

const FUNCTIONS = new Set([
	'dataclasses.replace',
	'dataclasses.asdict',
	'dataclasses.astuple',
	'dataclasses.is_dataclass',
]);

/**
 * `dataclasses.replace(obj, **changes)` (a new instance through the generated `__init__`, so
 * `__post_init__` runs again), `asdict` / `astuple` (recursing into dataclasses, lists, tuples
 * and dicts, as Python does) and `is_dataclass`; undefined for another path, or where the argument
 * is not a dataclass instance NormLens holds (the caller makes that unknown, saying why).
 */
export function callDataclassFunction(
	it: Interpreter,
	path: string,
	args: CallArgs,
): Value | undefined {
	if (!FUNCTIONS.has(path)) {
		return undefined;
	}
	const obj = args.positional[0];
	const fieldsOf = (v: Value | undefined): ClassField[] | undefined =>
		v?.k === 'instance' ? dataclassFieldList(v.inst.cls) : undefined;
	if (path === 'dataclasses.is_dataclass') {
		if (obj?.k === 'class') {
			return { k: 'bool', v: dataclassFieldList(obj.cls) !== undefined };
		}
		return obj?.k === 'instance' || obj?.k === 'num' || obj?.k === 'str' || obj?.k === 'list'
			? { k: 'bool', v: fieldsOf(obj) !== undefined }
			: undefined;
	}
	const fields = fieldsOf(obj);
	if (!fields || obj?.k !== 'instance' || args.cause) {
		return undefined;
	}
	if (path === 'dataclasses.replace') {
		const keywords = new Map<string, Value>();
		for (const f of fields) {
			if (f.init === false) {
				continue;
			}
			const given = args.keywords.get(f.name);
			const current = f.initVar ? undefined : obj.inst.attrs.get(f.name);
			if (given === undefined && current === undefined) {
				return unknown({
					reason: `\`${it.snippet(args.node)}\` does not give the InitVar \`${f.name}\` (Python raises ValueError here)`,
					range: it.here(args.node),
				});
			}
			keywords.set(f.name, given ?? (current as Value));
		}
		for (const [k, v] of args.keywords) {
			keywords.set(k, v);
		}
		return it.instantiate(obj.inst.cls, { positional: [], keywords, node: args.node });
	}
	const convert = (v: Value, asTuple: boolean): Value => {
		const inner = fieldsOf(v);
		if (inner && v.k === 'instance') {
			const items = inner
				.filter((f) => !f.initVar && v.inst.attrs.has(f.name))
				.map((f): [string, Value] => [
					f.name,
					convert(v.inst.attrs.get(f.name) as Value, asTuple),
				]);
			return asTuple
				? { k: 'tuple', items: items.map(([, x]) => x) }
				: { k: 'dict', entries: new Map(items) };
		}
		if (v.k === 'list' && !v.cause) {
			return { k: 'list', items: v.items.map((x) => convert(x, asTuple)) };
		}
		if (v.k === 'tuple' && !v.cause && !v.cls && !v.fields) {
			return { k: 'tuple', items: v.items.map((x) => convert(x, asTuple)) };
		}
		if (v.k === 'dict' && !v.cause) {
			return {
				k: 'dict',
				entries: new Map([...v.entries].map(([k, x]) => [k, convert(x, asTuple)])),
			};
		}
		return v;
	};
	return convert(obj, path === 'dataclasses.astuple');
}

/**
 * The fields the generated `__init__` of `cls` handles, its bases' first (a redefined one keeps its
 * place); undefined when no class of its chain is a dataclass (a named tuple's fields are no
 * dataclass's).
 */
function dataclassFieldList(cls: ClassValue): ClassField[] | undefined {
	const chain = classChain(cls).filter((c) => c.fields && !c.namedTuple);
	if (chain.length === 0) {
		return undefined;
	}
	const byName = new Map<string, ClassField>();
	for (const c of chain.reverse()) {
		for (const f of c.fields ?? []) {
			byName.set(f.name, f);
		}
	}
	return [...byName.values()];
}
