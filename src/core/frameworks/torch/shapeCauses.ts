// Why a tensor's shape is unknown: the cause travels with the tensor from where it arose to every row that shows `?`.
import type { TextRange } from '../../../protocol/analysis';
import { firstCause } from '../../python/values';
import type { Cause, Value } from '../../python/values';
import { TorchParam, TorchTensor } from './objects';
import type { TorchModule } from './objects';

/**
 * A `?` in a shape column must say why and where. An unknown shape arises at one place — a call
 * NormLens cannot read, an op whose rule cannot decide, an argument it does not know — and every
 * op and module that receives the tensor passes the same cause on, so that the row of a Conv2d
 * ten layers later still points at the `my_op(x)` that lost the shape, not at itself.
 */

/** The first reason among some inputs why a shape is unknown: a tensor of unknown shape (its cause), else an unknown argument (its cause). */
export function inputShapeCause(inputs: readonly Value[]): Cause | undefined {
	return firstOf(inputs, tensorCause) ?? firstOf(inputs, valueCause);
}

function firstOf(
	inputs: readonly Value[],
	get: (v: Value) => Cause | undefined,
	depth = 0,
): Cause | undefined {
	for (const v of inputs) {
		const c =
			get(v) ??
			((v.k === 'list' || v.k === 'tuple') && depth < 2
				? firstOf(v.items, get, depth + 1)
				: v.k === 'dict' && depth < 2
					? firstOf([...v.entries.values()], get, depth + 1)
					: undefined);
		if (c) {
			return c;
		}
	}
	return undefined;
}

function tensorCause(v: Value): Cause | undefined {
	if (v.k !== 'obj') {
		return undefined;
	}
	if (v.obj instanceof TorchTensor) {
		return v.obj.shape === null ? v.obj.shapeCause : undefined;
	}
	if (v.obj instanceof TorchParam) {
		return v.obj.shape === null ? (v.obj.unknownCause ?? v.obj.taint) : undefined;
	}
	return undefined;
}

function valueCause(v: Value): Cause | undefined {
	return v.k === 'unknown' ? v.cause : undefined;
}

/**
 * Gives the tensors of unknown shape in `result` the cause of their unknown shape: the inputs'
 * first, else `own` (why the op itself could not decide). An unknown result without a cause takes
 * the inputs' cause only (`x.size(1)` of a tensor whose shape was lost): it may not be a tensor, so
 * the op's own shape cause would not describe it. Returns the value to use: unknowns are shared
 * constants and are replaced, never changed.
 */
export function explainShapes(
	result: Value | undefined,
	inputs: readonly Value[],
	own: Cause | undefined,
): Value | undefined {
	if (!result) {
		return result;
	}
	if (result.k === 'unknown') {
		const c = result.cause ? undefined : inputShapeCause(inputs);
		return c ? { k: 'unknown', cause: c } : result;
	}
	let cause: Cause | undefined;
	for (const t of tensorsOf(result)) {
		if (t.shape === null && !t.shapeCause) {
			t.shapeCause = cause ??= inputShapeCause(inputs) ?? own;
		}
	}
	return result;
}

/**
 * What an op PyTorch raises on gives (NormLens reports the error there): a tensor of unknown shape
 * whose cause is that error, so that what comes after says PyTorch's words rather than that
 * NormLens cannot compute the shape.
 */
export function raisedTensor(message: string, range: TextRange): TorchTensor {
	return lostTensor(raisedCause(message, range));
}

/** The cause of what PyTorch raises with this message, where it raises. */
export function raisedCause(message: string, range: TextRange): Cause {
	return { reason: `${message.replace(/\.$/, '')} (PyTorch raises here)`, range };
}

/** A tensor whose shape NormLens lost (or PyTorch never gives), for this reason. */
export function lostTensor(cause: Cause): TorchTensor {
	const t = new TorchTensor(null);
	t.shapeCause = cause;
	return t;
}

/** Why an op NormLens has a rule for gave no shape from inputs whose shapes it knew. */
export function opShapeCause(what: string, range: TextRange | null): Cause | undefined {
	return range
		? { reason: `NormLens cannot compute the shape that \`${what}\` gives here`, range }
		: undefined;
}

/** Why a module call's output has no shape: its changes NormLens could not follow, its unknown input, its unknown configuration, or its rule. */
export function moduleOutputCause(m: TorchModule, inputCause: Cause | undefined): Cause {
	return (
		m.taint ??
		inputCause ??
		m.unknownCause ??
		firstCause(m.config.values()) ?? {
			reason: `NormLens cannot compute the output shape of this ${m.type}`,
			range: m.range,
		}
	);
}

/** The tensors in a result, in nested tuples, lists and dicts too (an LSTM's `(out, (h, c))`), as deep as inputShapeCause looks. */
function tensorsOf(v: Value, depth = 0): TorchTensor[] {
	if (v.k === 'obj' && v.obj instanceof TorchTensor) {
		return [v.obj];
	}
	if (depth >= 2) {
		return [];
	}
	if (v.k === 'tuple' || v.k === 'list') {
		return v.items.flatMap((x) => tensorsOf(x, depth + 1));
	}
	if (v.k === 'dict') {
		return [...v.entries.values()].flatMap((x) => tensorsOf(x, depth + 1));
	}
	return [];
}

/** What a module call's unknown input says in its row: the input's own cause, in the row's words. */
export function unknownInputCause(inner: Cause): Cause {
	return { reason: `its input's shape is unknown: ${inner.reason}`, range: inner.range };
}

/** Where a called module's output shape was lost, when NormLens knows (its input's cause, or its own). */
export function lostShape(m: TorchModule): Cause | undefined {
	return m.inputShape === null ? m.inputCause : m.outputCause;
}

/**
 * A pool built with `return_indices=True` (MaxPoolNd, AdaptiveMaxPoolNd, F.max_pool2d…) returns the
 * tuple (output, indices), the indices of the output's shape: `x, idx = self.pool(x)` unpacks those,
 * not the output's rows. Unknown when the flag is a value NormLens cannot read.
 */
export function withPoolIndices(
	spec: { args: readonly (readonly [string, unknown])[] },
	config: ReadonlyMap<string, Value>,
	output: Value,
	make: () => Value,
): Value {
	if (!spec.args.some(([n]) => n === 'return_indices')) {
		return output;
	}
	const flag = config.get('return_indices');
	const on =
		flag === undefined || flag.k === 'none'
			? false
			: flag.k === 'bool'
				? flag.v
				: flag.k === 'num'
					? flag.v !== 0
					: undefined;
	if (on === undefined) {
		return { k: 'unknown', cause: firstCause([flag ?? { k: 'none' }]) };
	}
	return on ? { k: 'tuple', items: [output, make()] } : output;
}
