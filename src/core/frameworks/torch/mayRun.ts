// What a method call in code that may or may not run (a loop over data NormLens cannot read, a
// branch it cannot decide) leaves of its receiver: havoc.ts asks (Runtime.receiverAfter) before it
// makes the receiver unknown.
import type { TextRange } from '../../../protocol/analysis';
import type { Cause, FrameworkObject, Value } from '../../python/values';
import { TorchModule, TorchParam, TorchTensor, walk } from './objects';
import { elementwise } from './ops/elementwise';
import { deviceOnly } from './device';

/** nn.Module's methods that return the module itself with its weights cast (or moved): no count changes. */
const DTYPE_CASTS = new Set(['to', 'half', 'double', 'bfloat16', 'type']);

/**
 * x whether or not `x = x.method(…)` ran: x itself for a device move, or for a module's method
 * that returns it changing no count (a cast, `train()`, `eval()`: what it may have changed, the
 * weights' dtype or the training mode, is made unknown for `mayRun.why`); a tensor of x's shape for
 * an op that keeps it (its values and dtype unknown); undefined when it may be anything else.
 */
export function receiverAfter(
	obj: FrameworkObject,
	method: string,
	positional: Value[] | undefined,
	keywords: string[],
	mayRun: { why: Cause; range: TextRange },
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
	if (obj instanceof TorchModule) {
		return moduleAfter(obj, method, positional, keywords, mayRun) ? obj : undefined;
	}
	// A tensor op that keeps the shape (a cast, `clamp`, `contiguous`): run or not, x has its
	// shape; its values and dtype are unknown.
	if (obj.shape && elementwise.has(method)) {
		const joined = new TorchTensor(obj.shape, obj.producer);
		// It comes from where x came from, whichever way the branch went.
		joined.flow = obj.flow;
		return joined;
	}
	return undefined;
}

/**
 * `model.to(device)` with a device NormLens cannot read (it may be a dtype), `model.half()`,
 * `model.train()`, `model.eval()` where NormLens cannot tell whether they run (a training loop over
 * data it cannot read): each returns the module, changing none of its counts. What it may have
 * changed is unknown for that reason: the weights' dtype (their bytes), or the training mode of the
 * module and of every module it holds (a forward may branch on `self.training`). True for those.
 */
function moduleAfter(
	m: TorchModule,
	method: string,
	positional: Value[] | undefined,
	keywords: string[],
	{ why, range }: { why: Cause; range: TextRange },
): boolean {
	if (method === 'float') {
		// A float32 cast: the dtype NormLens takes weights to have.
		return true;
	}
	if (DTYPE_CASTS.has(method)) {
		const cause = {
			reason: `\`.${method}(…)\` may have changed the dtype of the weights from float32, and NormLens cannot tell whether it ran or what it was given: ${why.reason}`,
			range,
		};
		walk(m).forEach((x) => (x.dtypeCause ??= cause));
		return true;
	}
	const buffer = method === 'register_buffer' ? positional?.[0] : undefined;
	if (buffer?.k === 'str') {
		// nanoGPT's `if not self.flash: self.register_buffer("bias", …)` on a PyTorch version
		// NormLens cannot tell: that buffer may or may not exist; the parameters are not touched.
		const b = new TorchParam(null, true);
		b.unknownCause = {
			reason: `\`register_buffer('${buffer.v}', …)\` may or may not run, so that buffer may or may not exist: ${why.reason}`,
			range,
		};
		m.buffers.set(buffer.v, b);
		m.noneSlots.delete(buffer.v);
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
	const args = (positional?.length ?? 1) + keywords.length;
	const unchanged = method === 'eval' ? false : args === 0 ? true : undefined;
	for (const x of walk(m)) {
		if (x.training !== unchanged) {
			x.training = cause;
		}
	}
	return true;
}
