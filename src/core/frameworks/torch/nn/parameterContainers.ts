// nn.ParameterList / nn.ParameterDict: built from their items, with their list and dict methods as a table.
import type { CallArgs, CallContext } from '../../../python/contract';
import { asInt, asString, causeOf, NONE, tuple, UNKNOWN, Value } from '../../../python/values';
import { nameKey } from '../../../python/dictKeys';
import { sliceIndices } from '../../../python/operators';
import { opTable } from '../../common/opTable';
import { TorchModule, TorchParam } from '../objects';
import type { TorchSession } from '../session';
import { createBareModule } from './build';

/**
 * `nn.ParameterList([...])` / `nn.ParameterDict({...})`: a module whose own parameters are its
 * items ("0", "1"… or the keys), as `named_parameters()` lists them; an item that is not a
 * parameter NormLens can read makes its count unknown.
 */
export function parameterContainer(
	s: TorchSession,
	type: 'ParameterList' | 'ParameterDict',
	args: CallArgs,
	ctx: CallContext,
): TorchModule {
	const m = createBareModule(s, type, args, ctx);
	const arg =
		args.positional[0] ?? args.keywords.get(type === 'ParameterList' ? 'values' : 'parameters');
	if (!arg || arg.k === 'none') {
		return m;
	}
	const entries: [string, Value][] | undefined =
		type === 'ParameterDict'
			? arg.k === 'dict' && !arg.cause && [...arg.entries.keys()].every((k) => nameKey(k))
				? [...arg.entries]
				: undefined
			: ctx.iterate(arg)?.map((v, i) => [String(i), v] as [string, Value]);
	for (const [key, v] of entries ?? []) {
		addParameter(m, key, v, ctx, args);
	}
	if (!entries) {
		m.paramsKnown = false;
		m.unknownCause ??= causeOf(arg) ?? {
			reason: `NormLens cannot list what this nn.${type} holds`,
			range: m.range,
		};
	}
	return m;
}

/** Item `key` of a ParameterList / ParameterDict: a parameter, or what makes its count unknown. */
function addParameter(
	m: TorchModule,
	key: string,
	v: Value,
	ctx: CallContext,
	args: CallArgs,
): void {
	if (v.k === 'obj' && v.obj instanceof TorchParam) {
		m.params.set(key, v.obj);
		return;
	}
	if (v.k === 'none' && m.type === 'ParameterList') {
		// PyTorch ≥ 1.12 keeps None in a ParameterList (Transformer-XL's `out_projs`): the slot
		// counts in its length and indices, and `named_parameters()` skips it.
		m.noneSlots.set(key, 'param');
		return;
	}
	m.paramsKnown = false;
	m.unknownCause ??= causeOf(v) ?? {
		reason: `item \`${key}\` of this nn.${m.type} is not a parameter NormLens can read`,
		range: ctx.range(args.node),
	};
}

/** A ParameterList's slots in order, its None entries included; a ParameterDict's parameters. */
function slots(m: TorchModule): [string, TorchParam | null][] {
	const none = [...m.noneSlots]
		.filter(([key, kind]) => kind === 'param' && /^\d+$/.test(key))
		.map(([key]): [string, null] => [key, null]);
	const all: [string, TorchParam | null][] = [...m.params, ...none];
	// A ParameterList's keys are its indices; an item set over a None one is added last to the map.
	return m.type === 'ParameterList' ? all.sort((x, y) => Number(x[0]) - Number(y[0])) : all;
}

/** What a slot holds, as Python sees it. */
function slotValue(p: TorchParam | null): Value {
	return p ? { k: 'obj', obj: p } : NONE;
}

/** A ParameterList / ParameterDict method's call as its rule reads it. */
interface ParameterMethodCall {
	/** The positional arguments. */
	a: Value[];
	args: CallArgs;
	ctx: CallContext;
	/** The container's slots in order, with their keys (None for a ParameterList's None entry). */
	items: [string, TorchParam | null][];
}

/** A rule's result; `undefined` leaves the method to the nn.Module table (methods.ts). */
type ParameterMethod = (m: TorchModule, c: ParameterMethodCall) => Value | undefined;

/** The list and dict methods of a ParameterList / ParameterDict, by name. */
const parameterMethods = opTable<ParameterMethod>({
	__getitem__: (m, c) => {
		const { a, items } = c;
		const picked =
			m.type === 'ParameterList' && a[0]?.k === 'slice' && m.paramsKnown
				? sliceIndices(items, a[0])
				: undefined;
		if (picked) {
			// `self.ws[:2]`: a ParameterList of those parameters (PyTorch makes a new one).
			return {
				k: 'list',
				items: items.filter((_, i) => picked.has(i)).map(([, p]) => slotValue(p)),
			};
		}
		const key = asString(a[0]);
		const i = asInt(a[0]);
		const p =
			key !== undefined
				? m.params.get(key)
				: i !== undefined
					? items[i < 0 ? items.length + i : i]?.[1]
					: undefined;
		return p !== undefined && m.paramsKnown ? slotValue(p) : UNKNOWN;
	},
	__iter__: (m, c) => {
		const { items } = c;
		return m.paramsKnown
			? {
					k: 'list',
					items: items.map(([k, p]): Value =>
						m.type === 'ParameterDict' ? { k: 'str', v: k } : slotValue(p),
					),
				}
			: undefined;
	},
	__len__: (m, c) => {
		const { items } = c;
		return m.paramsKnown ? { k: 'num', v: items.length } : UNKNOWN;
	},
	values: (m, c) => {
		const { items } = c;
		return m.paramsKnown ? { k: 'list', items: items.map(([, p]) => slotValue(p)) } : UNKNOWN;
	},
	keys: (m, c) => {
		const { items } = c;
		return m.paramsKnown
			? { k: 'list', items: items.map(([k]) => ({ k: 'str', v: k }) as Value) }
			: UNKNOWN;
	},
	items: (m, c) => {
		const { items } = c;
		return m.paramsKnown
			? {
					k: 'list',
					items: items.map(([k, p]) => tuple([{ k: 'str', v: k }, slotValue(p)])),
				}
			: UNKNOWN;
	},
	__setitem__: (m, c) => {
		// pl[i] = p / pd["k"] = p: setattr under the item's key (Transformer-XL ties its output
		// projections so); an index outside the list is PyTorch's IndexError, left to the table.
		const { a, items } = c;
		const i = asInt(a[0]);
		const key =
			m.type === 'ParameterDict'
				? asString(a[0])
				: i !== undefined && i >= -items.length && i < items.length
					? items[i < 0 ? items.length + i : i][0]
					: undefined;
		const v = a[1];
		const settable =
			(v?.k === 'obj' && v.obj instanceof TorchParam) ||
			(v?.k === 'none' && m.type === 'ParameterList');
		if (key === undefined || !settable || !m.paramsKnown) {
			return undefined;
		}
		if (v.k === 'none') {
			m.params.delete(key);
		}
		m.noneSlots.delete(key);
		addParameter(m, key, v, c.ctx, c.args);
		return NONE;
	},
	append: (m, c) => {
		const { a, args, ctx } = c;
		if (m.type === 'ParameterList' && a[0]) {
			addParameter(m, String(slots(m).length), a[0], ctx, args);
			return NONE;
		}
		return undefined;
	},
	extend: (m, c) => {
		const { a, args, ctx } = c;
		if (m.type === 'ParameterList' && a[0]) {
			const more = ctx.iterate(a[0]);
			for (const v of more ?? [UNKNOWN]) {
				addParameter(m, String(slots(m).length), v, ctx, args);
			}
			return NONE;
		}
		return undefined;
	},
});

/** What a ParameterList / ParameterDict does with its parameters (undefined: a module method, or one NormLens does not model). */
export function parameterMethod(
	m: TorchModule,
	name: string,
	args: CallArgs,
	ctx: CallContext,
): Value | undefined {
	const a = args.positional;
	const items = slots(m);
	return parameterMethods.get(name)?.(m, { a, args, ctx, items });
}
