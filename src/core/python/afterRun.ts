// What the interpreter may run after the program (a library file's builders, which Python never
// calls): only code that cannot change what the program built.
import type { SyntaxNode } from '@lezer/common';
import type { PythonSource } from './parse';
import type { Scope, Value } from './values';

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
