// `parameters()`, `named_parameters()`, `named_modules()`: what a module lists, with PyTorch's
// `recurse=` (its own parameters only) and `prefix=` (prepended to every name).
import { asString, tuple, Value } from '../../../python/values';
import { namedModules, namedParameters, TorchModule, TorchParam, uniqueParams } from '../objects';
import type { ModuleMethodCall } from './methods';

/** An argument by position or keyword; undefined where the call does not give it. */
const arg = (c: ModuleMethodCall, position: number, name: string): Value | undefined =>
	c.a[position] ?? c.args.keywords.get(name);

/** `recurse=`: true unless given; undefined where NormLens cannot read it. */
function recurse(v: Value | undefined): boolean | undefined {
	return v === undefined ? true : v.k === 'bool' ? v.v : undefined;
}

/** `prefix=`: '' unless given; undefined where NormLens cannot read it. */
function prefix(v: Value | undefined): string | undefined {
	return v === undefined ? '' : asString(v);
}

const dotted = (pre: string, name: string) => (pre && name ? `${pre}.${name}` : pre || name);

const ownParameters = (m: TorchModule): [string, TorchParam][] => {
	const seen = new Set<TorchParam>();
	return [...m.params].filter(([, p]) => !seen.has(p) && seen.add(p));
};

const pairs = (items: [string, Value][]): Value => ({
	k: 'list',
	items: items.map(([name, v]) => tuple([{ k: 'str', v: name }, v])),
});

export const listingMethods = {
	// `model.get_parameter('fc.bias')` / `get_buffer(…)`: the tensor itself (freezing code writes its requires_grad).
	get_parameter: (m: TorchModule, c: ModuleMethodCall): Value | undefined =>
		byPath(m, arg(c, 0, 'target'), 'params'),
	get_buffer: (m: TorchModule, c: ModuleMethodCall): Value | undefined =>
		byPath(m, arg(c, 0, 'target'), 'buffers'),
	parameters: (m: TorchModule, c: ModuleMethodCall): Value | undefined => {
		const deep = recurse(arg(c, 0, 'recurse'));
		if (deep === undefined) {
			return undefined;
		}
		// A generator in PyTorch: `next(self.parameters())` takes the first (`.new_zeros(…)`, `.device`).
		const params = deep ? uniqueParams(m) : ownParameters(m).map(([, p]) => p);
		return {
			k: 'list',
			items: params.map((p) => ({ k: 'obj', obj: p }) as Value),
			iterator: true,
		};
	},
	named_parameters: (m: TorchModule, c: ModuleMethodCall): Value | undefined => {
		const pre = prefix(arg(c, 0, 'prefix'));
		const deep = recurse(arg(c, 1, 'recurse'));
		if (pre === undefined || deep === undefined) {
			return undefined;
		}
		// The dotted names PyTorch gives (`layer1.0.conv1.weight`), a shared parameter once: code that freezes by name reads them.
		const named = deep ? namedParameters(m) : ownParameters(m);
		return pairs(named.map(([name, p]) => [dotted(pre, name), { k: 'obj', obj: p }]));
	},
	named_modules: (m: TorchModule, c: ModuleMethodCall): Value | undefined => {
		const pre = prefix(arg(c, 1, 'prefix'));
		if (pre === undefined || arg(c, 0, 'memo') !== undefined) {
			return undefined;
		}
		return pairs(namedModules(m).map(([name, x]) => [dotted(pre, name), { k: 'obj', obj: x }]));
	},
};

/** The parameter or buffer at a dotted path; undefined where NormLens cannot follow it (or PyTorch raises). */
function byPath(
	m: TorchModule,
	target: Value | undefined,
	kind: 'params' | 'buffers',
): Value | undefined {
	const parts = target === undefined ? undefined : asString(target)?.split('.');
	const leaf = parts?.pop();
	let at: TorchModule | undefined = m;
	for (const part of parts ?? []) {
		at = at.taint || at.unknownCause ? undefined : at.children.get(part);
		if (!at) {
			return undefined;
		}
	}
	const p = leaf === undefined || at.taint || at.unknownCause ? undefined : at[kind].get(leaf);
	return p ? { k: 'obj', obj: p } : undefined;
}
