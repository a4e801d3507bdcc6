// A custom `torch.autograd.Function`: `Fn.apply(*args)` runs its static `forward(ctx, *args)` (the
// memory-efficient Swish of EfficientNet, gradient-reversal and straight-through layers), so what
// it returns has the shape its forward computes. The backward is training code: not run.
import type { FrameworkObject, Value } from '../../python/values';
import { ClassValue, findMethod, NONE } from '../../python/values';

const FUNCTION_BASES = new Set(['torch.autograd.Function', 'torch.autograd.function.Function']);

/** The `ctx` a forward receives: what it saves for the backward is not followed. */
export class AutogradContext implements FrameworkObject {
	readonly framework = 'torch';
	readonly kind = 'autograd-context';
}

/** `ctx.save_for_backward(…)` and the other calls that only prepare the backward: None. */
const CONTEXT_METHODS = new Set([
	'save_for_backward',
	'save_for_forward',
	'mark_dirty',
	'mark_non_differentiable',
	'set_materialize_grads',
]);

/** `Fn.apply` of a source class deriving from torch.autograd.Function: its forward with a `ctx` bound first. */
export function autogradClassAttr(
	cls: ClassValue,
	bases: readonly string[],
	name: string,
): Value | undefined {
	if (name !== 'apply' || !bases.some((b) => FUNCTION_BASES.has(b))) {
		return undefined;
	}
	const forward = findMethod(cls, 'forward');
	if (!forward || forward.fn.binding !== 'static') {
		return undefined;
	}
	const fn: Value = { k: 'func', def: forward.fn };
	// PyTorch 2's style: a forward without ctx, and a setup_context(ctx, inputs, output) after it.
	return findMethod(cls, 'setup_context')
		? fn
		: {
				k: 'partial',
				fn,
				positional: [{ k: 'obj', obj: new AutogradContext() }],
				keywords: new Map(),
			};
}

export function autogradContextMethod(obj: FrameworkObject, name: string): Value | undefined {
	return obj instanceof AutogradContext && CONTEXT_METHODS.has(name) ? NONE : undefined;
}
