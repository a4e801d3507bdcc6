// Writes into tensors: which calls change the values of the tensors they are given (and of every
// tensor sharing their storage), so that TorchTensor.values is never read stale.
import type { TextRange } from '../../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../../python/contract';
import { Cause, unknown, Value } from '../../../python/values';
import { TorchParam, TorchTensor } from '../objects';

/**
 * PyTorch's naming convention for a method or function that writes into its operand: a trailing
 * underscore (`x.add_(1)`, `torch.relu_(x)`, `nn.init.zeros_(w)`), not a dunder.
 */
export const writesInPlace = (name: string): boolean => /^[a-z].*[^_]_$/.test(name);

/** The tensors among values, in lists and tuples of them too. */
function tensorsIn(values: Value[]): TorchTensor[] {
	const of = (v: Value): TorchTensor[] =>
		v.k === 'obj' && v.obj instanceof TorchTensor
			? [v.obj]
			: v.k === 'tuple' || v.k === 'list'
				? v.items.flatMap(of)
				: [];
	return values.flatMap(of);
}

/** The tensor values among a call's arguments. */
const tensorArgs = (args: CallArgs) => tensorsIn([...args.positional, ...args.keywords.values()]);

/**
 * Before a torch call: the tensors it writes into lose their values — all it is given when it writes
 * in place (its name, torch.nn.init, `inplace=True`), the `out=` tensor otherwise.
 */
export function noteWrites(name: string, area: string | undefined, args: CallArgs): void {
	const inplace = args.keywords.get('inplace');
	if (writesInPlace(name) || area === 'init' || (inplace?.k === 'bool' && inplace.v)) {
		tensorArgs(args).forEach((t) => t.written());
	}
	const out = args.keywords.get('out');
	if (out) {
		tensorsIn([out]).forEach((t) => t.written());
	}
}

/** After a call: the tensors it returns may view the storage of the first tensor it was given. */
export function noteViews(result: Value | undefined, given: Value[]): void {
	const source = tensorsIn(given)[0];
	if (!source || !result) {
		return;
	}
	const link = (v: Value): void => {
		if (v.k === 'obj' && v.obj instanceof TorchTensor && v.obj !== source && !v.obj.base) {
			v.obj.viewOf(source);
		} else if (v.k === 'tuple' || v.k === 'list') {
			v.items.forEach(link);
		}
	};
	link(result);
}

/**
 * PyTorch 1.13's UninitializedTensorMixin._allowed_methods: the only tensor methods an uninitialized
 * parameter takes; any other method or torch function raises ValueError.
 */
const UNINITIALIZED_ALLOWED = new Set([
	'__hash__',
	'size',
	'copy_',
	'is_floating_point',
	'half',
	'float',
	'double',
	'char',
	'short',
	'int',
	'long',
	'cuda',
	'cpu',
	'to',
	'get_device',
]);

/**
 * A lazy module's uninitialized parameter used before the module's first call: PyTorch raises
 * ValueError, so the parameter carries that cause (the module's totals stay unknown with it).
 * True when it raised.
 */
export function raisesOnUninitialized(p: TorchParam, name: string, cause: () => Cause): boolean {
	if (!p.uninitialized || UNINITIALIZED_ALLOWED.has(name)) {
		return false;
	}
	p.taint ??= cause();
	return true;
}

/**
 * Before a torch function runs: the tensors it writes into lose their values, and an uninitialized
 * parameter passed straight to it is PyTorch's ValueError (the cause returned, the parameter tainted).
 */
export function beforeTorchCall(
	path: string,
	name: string,
	area: string,
	args: CallArgs,
	ctx: CallContext,
): Cause | undefined {
	noteWrites(name, area, args);
	const raised = [...args.positional, ...args.keywords.values()].flatMap((v) =>
		v.k === 'obj' && v.obj instanceof TorchParam && v.obj.uninitialized ? [v.obj] : [],
	);
	if (raised.length === 0) {
		return undefined;
	}
	const cause = uninitializedCause(path, ctx.range(args.node));
	raised.forEach((p) => (p.taint ??= cause));
	return cause;
}

/** PyTorch's ValueError for a lazy module's parameter used before the module's first call. */
export function uninitializedCause(what: string, range: TextRange): Cause {
	return {
		reason: `PyTorch raises ValueError here: \`${what}(…)\` on a lazy module's parameter before the module's first call (an UninitializedParameter)`,
		range,
	};
}

/** The methods that read a tensor's values into Python numbers. */
const VALUE_READS = new Set(['item', 'tolist', '__int__', '__float__']);

/** A read of values NormLens does not know (TorchTensor.values) says why, where it is. */
export function valueRead(name: string, v: Value, range: () => TextRange): Value {
	return VALUE_READS.has(name) && v.k === 'unknown' && !v.cause
		? unknown({
				reason: `NormLens does not know this tensor's values: it keeps only those of small tensors made from numbers (torch.tensor, torch.linspace) that nothing has written into since`,
				range: range(),
			})
		: v;
}
