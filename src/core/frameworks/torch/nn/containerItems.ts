// The item methods of nn.Sequential, nn.ModuleList and nn.ModuleDict: `m[i]`, `del m[i]`, pop, update.
import { pySlice, sliceIndices } from '../../../python/operators';
import { asInt, asString, NONE, UNKNOWN, Value } from '../../../python/values';
import { keyValue } from '../../../python/dictKeys';
import { TorchModule } from '../objects';
import type { ModuleMethodCall } from './methods';
import { attach, holdsNone, listSlots } from './registration';

/** `del seq[i]` / `del modules["key"]`: the child goes; a Sequential / ModuleList renumbers the rest, as PyTorch does. */
export function deleteItem(m: TorchModule, c: ModuleMethodCall): Value | undefined {
	const { a } = c;
	const kids = [...m.children.entries()];
	const picked =
		a[0] && m.spec?.container && m.spec.container !== 'dict' && !holdsNone(m)
			? sliceIndices(kids, a[0])
			: undefined;
	if (picked) {
		// `del seq[1:3]`: every module the slice picks.
		picked.forEach((i) => m.children.delete(kids[i][0]));
		renumber(m);
		return NONE;
	}
	const i = asInt(a[0]);
	const key =
		asString(a[0]) ?? (i !== undefined ? kids[i < 0 ? kids.length + i : i]?.[0] : undefined);
	if (!m.spec?.container || key === undefined || !m.children.has(key) || holdsNone(m)) {
		return undefined;
	}
	m.children.delete(key);
	if (m.spec.container !== 'dict') {
		renumber(m);
	}
	return NONE;
}

/** The children of a Sequential or ModuleList after a deletion, numbered from 0 again, as PyTorch does. */
function renumber(m: TorchModule): void {
	const rest = [...m.children.values()];
	m.children.clear();
	rest.forEach((c, j) => m.children.set(String(j), c));
}

/** `seq[i]`, `seq[a:b]`, `md["key"]`: the child, or a container of the slice's children. */
export function getItem(m: TorchModule, c: ModuleMethodCall): Value | undefined {
	const { a, args, ctx, s } = c;
	if (
		a[0]?.k === 'slice' &&
		(m.spec?.container === 'sequential' || m.spec?.container === 'list')
	) {
		// seq[a:b]: a new container of the same modules (PyTorch shares them); a Sequential keeps
		// their keys (seq[1:] has '1', '2'), a ModuleList numbers them from 0 again.
		const { start, stop, step } = a[0];
		if (start === null || stop === null || step === null) {
			return undefined;
		}
		const picked = pySlice([...m.children], start, stop, step ?? 1);
		if (!picked || holdsNone(m)) {
			return undefined;
		}
		const out = new TorchModule(
			m.type,
			m.spec,
			new Map(),
			ctx.range(args.node),
			true,
			false,
			undefined,
		);
		picked.forEach(([k, c], idx) =>
			out.children.set(m.spec?.container === 'sequential' ? k : String(idx), c),
		);
		out.unknownCause = m.unknownCause;
		s.modules.push(out);
		return { k: 'obj', obj: out };
	}
	const i = asInt(a[0]);
	const key = asString(a[0]);
	const kids = listSlots(m).map(([, c]) => c);
	const child =
		key !== undefined
			? m.children.get(key)
			: i !== undefined
				? kids[i < 0 ? kids.length + i : i]
				: undefined;
	return child ? { k: 'obj', obj: child } : child === null ? NONE : UNKNOWN;
}

/**
 * `seq.pop(i)`, `modules.pop(i)`, `md.pop("key")`: the child, removed as `del` removes it (a
 * Sequential / ModuleList renumbers the rest). PyTorch 1.13's Sequential and ModuleList take an int
 * here, a ModuleDict a key.
 */
export function popItem(m: TorchModule, c: ModuleMethodCall): Value | undefined {
	const dict = m.spec?.container === 'dict';
	if (dict ? asString(c.a[0]) === undefined : asInt(c.a[0]) === undefined) {
		return undefined;
	}
	const v = getItem(m, c);
	return v?.k === 'obj' && deleteItem(m, c) !== undefined ? v : undefined;
}

/** `md.update(mapping)`: a dict, another ModuleDict or key-module pairs, each set as `md[k] = module` (a key already there keeps its place). */
export function updateItems(m: TorchModule, c: ModuleMethodCall): Value | undefined {
	const src = c.a[0];
	if (m.spec?.container !== 'dict' || !src || c.a.length !== 1) {
		return undefined;
	}
	const pairs: [Value | undefined, Value | undefined][] =
		src.k === 'dict' && !src.cause
			? [...src.entries].map(([k, v]) => [keyValue(k), v])
			: src.k === 'obj' &&
				  src.obj instanceof TorchModule &&
				  src.obj.spec?.container === 'dict'
				? [...src.obj.children].map(([k, v]) => [
						{ k: 'str', v: k },
						{ k: 'obj', obj: v },
					])
				: (src.k === 'list' || src.k === 'tuple') && !src.cause
					? src.items.map((p) =>
							p.k === 'tuple' && p.items.length === 2
								? [p.items[0], p.items[1]]
								: [undefined, undefined],
						)
					: [];
	if (pairs.length === 0 && !(src.k === 'dict' && !src.cause)) {
		return undefined;
	}
	const modules: [string, TorchModule][] = [];
	for (const [k, v] of pairs) {
		const key = k && asString(k);
		if (key === undefined || !(v?.k === 'obj' && v.obj instanceof TorchModule)) {
			return undefined;
		}
		modules.push([key, v.obj]);
	}
	modules.forEach(([k, v]) => attach(m, k, v));
	return NONE;
}
