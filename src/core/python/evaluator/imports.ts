// Imports: `import`, local and bundled modules (each run once), and the program's calls into them.
import type { SyntaxNode } from '@lezer/common';
import { children, PythonSource } from '../parse';
import type { CallArgs } from '../contract';
import { LIBRARIES } from '../names';
import { BUNDLED_MODULES } from '../../zoo';
import { libraryValue } from '../stdlib';
import { Scope, Value } from '../values';
import type { Interpreter } from '../interpreter';

/** Imports a local module once; `undefined` when there is no such file. */
export function importModule(it: Interpreter, name: string): Value | undefined {
	const bundled = BUNDLED_MODULES[name];
	if (bundled === undefined && LIBRARIES.has(name.split('.')[0])) {
		return undefined;
	}
	const cached = it.modules.get(name);
	if (cached) {
		return cached;
	}
	const text = bundled ?? it.readModule(name);
	if (text === undefined) {
		return undefined;
	}
	const scope = new Scope(null);
	scope.set('__name__', { k: 'str', v: name });
	const value: Value = { k: 'module', name, scope };
	it.modules.set(name, value);
	const source = new PythonSource(text);
	if (bundled !== undefined) {
		it.librarySources.add(source);
	} else {
		it.moduleNames.set(source, name);
	}
	it.importDepth++;
	try {
		it.within(source, () => it.execBlock(source.tree.topNode, scope));
	} finally {
		it.importDepth--;
	}
	return value;
}

/**
 * The absolute name of a relative import (`from .utils import x`, `from ..backbone import resnet`)
 * in the module running now, as Python resolves it: a local module `pkg.mod` (pkg/mod.py) imports
 * `.utils` as `pkg.utils`; a package `pkg` (pkg/__init__.py) as `pkg.utils`; each further dot goes
 * up one package (beyond the top one, Python's ImportError: the dotted name, which reads nothing).
 * In the analysed file itself (no package known), the name without its dots: a module beside the file.
 */
function relativeModule(it: Interpreter, dotted: string): string {
	const dots = /^\.+/.exec(dotted)?.[0].length ?? 0;
	const rest = dotted.slice(dots);
	const current = it.moduleNames.get(it.source);
	if (current === undefined) {
		return rest;
	}
	const isPackage = it.readModule(`${current}.__init__`) !== undefined;
	const parts = current.split('.');
	const keep = parts.length - (isPackage ? 0 : 1) - (dots - 1);
	if (keep < 0) {
		// Beyond the top-level package: Python's ImportError. A name no module has, so nothing is read.
		return dotted;
	}
	return [...parts.slice(0, keep), ...(rest ? [rest] : [])].join('.');
}

/**
 * `import a.b [as c]`, `from a import b [as c]`, `from a import *`: a local module runs, a library
 * is a reference.
 */
export function execImport(it: Interpreter, node: SyntaxNode, scope: Scope): void {
	const parts = children(node);
	if (parts[0]?.name === 'from') {
		// from a.b import c as d, e
		let i = 1;
		let module = '';
		while (i < parts.length && parts[i].name !== 'import') {
			module += it.source.slice(parts[i]);
			i++;
		}
		i++;
		if (module.startsWith('.')) {
			module = relativeModule(it, module);
		}
		const local = module === '' ? undefined : importModule(it, module);
		for (; i < parts.length; i++) {
			const p = parts[i];
			if (p.name === '*') {
				if (local?.k === 'module') {
					for (const [k, v] of local.scope.entries()) {
						scope.set(k, v);
					}
				} else {
					scope.set(`*${module}`, { k: 'ref', path: module });
				}
			} else if (p.name === 'VariableName') {
				const name = it.source.slice(p);
				let bound = name;
				if (parts[i + 1]?.name === 'as' && parts[i + 2]) {
					bound = it.source.slice(parts[i + 2]);
					i += 2;
				}
				const fromLocal = local?.k === 'module' ? local.scope.get(name) : undefined;
				const full = module === '' ? name : `${module}.${name}`;
				scope.set(bound, fromLocal ?? importModule(it, full) ?? libraryValue(full));
			}
		}
		return;
	}
	// import a.b.c [as d], e
	let dotted: string[] = [];
	const flush = (alias: string | undefined) => {
		if (dotted.length === 0) {
			return;
		}
		const local = importModule(it, dotted.join('.'));
		if (alias) {
			scope.set(alias, local ?? { k: 'ref', path: dotted.join('.') });
		} else {
			scope.set(
				dotted[0],
				(dotted.length === 1 ? local : undefined) ?? { k: 'ref', path: dotted[0] },
			);
		}
		dotted = [];
	};
	for (let i = 1; i < parts.length; i++) {
		const p = parts[i];
		if (p.name === 'VariableName') {
			dotted.push(it.source.slice(p));
		} else if (p.name === 'as') {
			flush(parts[i + 1] ? it.source.slice(parts[i + 1]) : undefined);
			i++;
		} else if (p.name === ',') {
			flush(undefined);
		}
	}
	flush(undefined);
}

/**
 * Notes the program's first call of a local module's function or class (Interpreter.moduleCalls).
 */
export function recordModuleCall(
	it: Interpreter,
	source: unknown,
	name: string,
	args: CallArgs,
): void {
	const module = source === undefined ? undefined : it.moduleNames.get(source);
	if (module === undefined || it.source !== it.mainSource) {
		return;
	}
	let calls = it.moduleCalls.get(module);
	if (!calls) {
		calls = new Map();
		it.moduleCalls.set(module, calls);
	}
	if (!calls.has(name)) {
		calls.set(name, {
			positional: args.positional,
			keywords: args.keywords,
			range: it.mainSource.rangeOf(args.node),
		});
	}
}
