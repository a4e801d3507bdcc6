// nn.ParameterList / nn.ParameterDict: built from their items, with their list and dict methods as a table.
import type { CallArgs, CallContext } from '../../../python/contract';
import { asInt, asString, causeOf, NONE, tuple, UNKNOWN, Value } from '../../../python/values';
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
			? arg.k === 'dict' && !arg.cause
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
	m.paramsKnown = false;
	m.unknownCause ??= causeOf(v) ?? {
		reason: `item \`${key}\` of this nn.${m.type} is not a parameter NormLens can read`,
		range: ctx.range(args.node),
	};
}

/** A ParameterList / ParameterDict method's call as its rule reads it. */
interface ParameterMethodCall {
	/** The positional arguments. */
	a: Value[];
	args: CallArgs;
	ctx: CallContext;
	/** The container's parameters, in order, with their keys. */
	items: [string, TorchParam][];
}

/** A rule's result; `undefined` leaves the method to the nn.Module table (methods.ts). */
type ParameterMethod = (m: TorchModule, c: ParameterMethodCall) => Value | undefined;

/** The list and dict methods of a ParameterList / ParameterDict, by name. */
const parameterMethods = opTable<ParameterMethod>({
	__getitem__: (m, c) => {
		const { a, items } = c;
		const key = asString(a[0]);
		const i = asInt(a[0]);
		const p =
			key !== undefined
				? m.params.get(key)
				: i !== undefined
					? items[i < 0 ? items.length + i : i]?.[1]
					: undefined;
		return p && m.paramsKnown ? { k: 'obj', obj: p } : UNKNOWN;
	},
	__iter__: (m, c) => {
		const { items } = c;
		return m.paramsKnown
			? {
					k: 'list',
					items: items.map(
						([k, p]) =>
							(m.type === 'ParameterDict'
								? { k: 'str', v: k }
								: { k: 'obj', obj: p }) as Value,
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
		return m.paramsKnown
			? { k: 'list', items: items.map(([, p]) => ({ k: 'obj', obj: p }) as Value) }
			: UNKNOWN;
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
					items: items.map(([k, p]) =>
						tuple([
							{ k: 'str', v: k },
							{ k: 'obj', obj: p },
						]),
					),
				}
			: UNKNOWN;
	},
	append: (m, c) => {
		const { a, args, ctx } = c;
		if (m.type === 'ParameterList' && a[0]) {
			addParameter(m, String(m.params.size), a[0], ctx, args);
			return NONE;
		}
		return undefined;
	},
	extend: (m, c) => {
		const { a, args, ctx } = c;
		if (m.type === 'ParameterList' && a[0]) {
			const more = ctx.iterate(a[0]);
			for (const v of more ?? [UNKNOWN]) {
				addParameter(m, String(m.params.size), v, ctx, args);
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
	const items = [...m.params];
	return parameterMethods.get(name)?.(m, { a, args, ctx, items });
}
