// What the interpreter may run after the program (a library file's builders, which Python never
// calls): only code that cannot change what the program built.
import type { SyntaxNode } from '@lezer/common';
import type { PythonSource } from './parse';
import type { Scope, Value } from './values';

/** A value that is, or holds, a framework object or an instance holding one. */
function holdsObjects(v: Value | undefined): boolean {
	if (v === undefined) {
		return false;
	}
	switch (v.k) {
		case 'obj':
			return true;
		case 'instance':
			return [...v.inst.attrs.values()].some(holdsObjects);
		case 'list':
		case 'tuple':
			return v.items.some(holdsObjects);
		case 'dict':
			return [...v.entries.values()].some(holdsObjects);
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
