// What the interpreter may run after the program (a library file's builders, which Python never
// calls): only code that cannot change what the program built.
import type { SyntaxNode } from '@lezer/common';
import type { TextRange } from '../../protocol/analysis';
import type { Interpreter } from './interpreter';
import type { PythonSource } from './parse';
import type { ClassValue, Scope, Value } from './values';
import { basePaths, findMethod } from './values';

/**
 * A value that is, or holds, a framework object or an instance holding one. Values may hold
 * themselves (an AttrDict's `self.__dict__ = self`, a list appended to itself): each is visited once.
 */
function holdsObjects(v: Value | undefined, seen = new Set<object>()): boolean {
	if (v === undefined) {
		return false;
	}
	const inner = (items: Iterable<Value>, container: object) => {
		if (seen.has(container)) {
			return false;
		}
		seen.add(container);
		return [...items].some((x) => holdsObjects(x, seen));
	};
	switch (v.k) {
		case 'obj':
			return true;
		case 'instance':
			return inner(v.inst.attrs.values(), v.inst);
		case 'list':
		case 'tuple':
			return inner(v.items, v.items);
		case 'dict':
			return inner(v.entries.values(), v.entries);
		default:
			return false;
	}
}

/**
 * Whether a definition's code, or its parameters' defaults, name a module-level variable holding
 * an object the program built (`def freeze(m=model): …`, `def grow(): model.append(…)`): calling
 * it after the program could change that object, which Python never does.
 */
export function reachesProgramObjects(
	source: PythonSource,
	globals: Scope,
	node: SyntaxNode,
	params: readonly { default?: Value }[],
): boolean {
	if (params.some((p) => holdsObjects(p.default))) {
		return true;
	}
	const names = new Set<string>();
	node.toTree().iterate({
		enter: (n) => {
			if (n.name === 'VariableName') {
				names.add(source.text.slice(node.from + n.from, node.from + n.to));
			}
		},
	});
	return [...names].some((n) => holdsObjects(globals.get(n)));
}

/** A definition of the analysed file that it never calls, with the parameters that have no default. */
export interface UncalledDefinition {
	name: string;
	value: Value;
	required: string[];
	range: TextRange;
}

/**
 * What the analysed file defines at module level and never calls: functions, and classes whose
 * bases include a framework class, with the parameters that have no default.
 */
export function uncalledDefinitions(it: Interpreter): UncalledDefinition[] {
	// Only what the analysed file defines: a star import brings a module's builders, which it does not call.
	const own = (source: unknown) => source === undefined || source === it.mainSource;
	const out: UncalledDefinition[] = [];
	// A class other classes derive from is built through them (`super().__init__(64)`).
	const bases = new Set<ClassValue>();
	for (const [, v] of it.globals.entries()) {
		if (v.k === 'class') {
			v.cls.bases.forEach((b: Value) => b.k === 'class' && bases.add(b.cls));
		}
	}
	for (const [name, v] of it.globals.entries()) {
		if (v.k === 'class' && bases.has(v.cls)) {
			continue;
		}
		if (!(
			(v.k === 'func' && !it.called.has(v.def) && own(v.def.source)) ||
			(v.k === 'class' &&
				!it.called.has(v.cls) &&
				own(v.cls.source) &&
				basePaths(v.cls).length > 0)
		)) {
			continue;
		}
		const fn = v.k === 'func' ? v.def : findMethod(v.cls, '__init__')?.fn;
		const params = fn ? (v.k === 'class' ? fn.params.slice(1) : fn.params) : [];
		if (
			reachesProgramObjects(
				it.mainSource,
				it.globals,
				v.k === 'func' ? v.def.node : v.cls.node,
				params,
			)
		) {
			// Python never runs it: running it here could change what the program built
			// (`def freeze(m=model): …`, `def grow(): model.append(…)`), so it is not built.
			continue;
		}
		out.push({
			name,
			value: v,
			required: params
				.filter((p) => p.star === '' && p.default === undefined)
				.map((p) => p.name),
			range: it.mainSource.rangeOf(v.k === 'func' ? v.def.node : v.cls.node),
		});
	}
	return out;
}
