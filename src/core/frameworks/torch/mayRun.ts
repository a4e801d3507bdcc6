// What a method call in code that may or may not run (a loop over data NormLens cannot read, a
// branch it cannot decide) leaves of its receiver: havoc.ts asks, through the Runtime hooks
// `receiverAfter` and `methodMayRun`, before it makes the receiver unknown.
import type { TextRange } from '../../../protocol/analysis';
import type { Cause, FrameworkObject, Value } from '../../python/values';
import { TorchModule, TorchTensor, walk } from './objects';
import { elementwise } from './ops/elementwise';
import { deviceOnly } from './ops/tensorMethods';

/**
 * x whether or not `x = x.method(…)` ran: x itself for a device move, a tensor of x's shape for an
 * op that keeps it (its values and dtype unknown); undefined when it may be anything else.
 */
export function receiverAfter(
	obj: FrameworkObject,
	method: string,
	positional: Value[] | undefined,
	keywords: string[],
): FrameworkObject | undefined {
	if (!(obj instanceof TorchModule || obj instanceof TorchTensor)) {
		return undefined;
	}
	// A device move changes nothing NormLens models: not the shape, the parameters or the dtype.
	const deviceMove =
		method === 'cuda' || method === 'cpu'
			? keywords.every((k) => k === 'device' || k === 'non_blocking' || k === 'memory_format')
			: method === 'to' &&
				positional !== undefined &&
				positional.length > 0 &&
				positional.every(deviceOnly) &&
				keywords.every((k) => k === 'non_blocking');
	if (deviceMove) {
		return obj;
	}
	// A tensor op that keeps the shape (a cast, `clamp`, `contiguous`): run or not, x has its
	// shape; its values and dtype are unknown.
	if (obj instanceof TorchTensor && obj.shape && elementwise.has(method)) {
		const joined = new TorchTensor(obj.shape, obj.producer);
		// It comes from where x came from, whichever way the branch went.
		joined.flow = obj.flow;
		return joined;
	}
	return undefined;
}

/** nn.Module's methods that return the module itself with its weights cast (or moved): no count changes. */
const DTYPE_CASTS = new Set(['to', 'half', 'double', 'bfloat16', 'type']);

/**
 * `model.train()` / `model.eval()` in a training loop over data NormLens cannot read: they set the
 * mode of the module and of every module it holds, nothing NormLens counts. Where the call may or
 * may not have run, a mode it would change is unknown for that reason (a forward that branches on
 * `self.training` then says so), and the parameters keep their counts. True where that is all the
 * call may change.
 */
export function modeMayChange(
	obj: FrameworkObject,
	method: string,
	argCount: number,
	why: Cause,
	range: TextRange,
): boolean {
	if (!(obj instanceof TorchModule)) {
		return false;
	}
	if (DTYPE_CASTS.has(method)) {
		// `model.to(device)` with a device NormLens cannot read may be a dtype: the weights' bytes
		// are unknown, their counts and shapes are not.
		const cause = {
			reason: `\`.${method}(…)\` may have changed the dtype of the weights from float32, and NormLens cannot tell whether it ran or what it was given: ${why.reason}`,
			range,
		};
		walk(obj).forEach((x) => (x.dtypeCause ??= cause));
		return true;
	}
	if (method !== 'train' && method !== 'eval') {
		return false;
	}
	const cause = {
		reason: `\`.${method}()\` may have set the module's training mode, and NormLens cannot tell whether it ran: ${why.reason}`,
		range,
	};
	// `eval()` leaves a module in eval mode as it was; `train()` (mode True) one in training mode.
	const unchanged = method === 'eval' ? false : argCount === 0 ? true : undefined;
	for (const m of walk(obj)) {
		if (m.training !== unchanged) {
			m.training = cause;
		}
	}
	return true;
}
