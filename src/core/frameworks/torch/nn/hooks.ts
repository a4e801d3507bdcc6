// Forward hooks and pre-hooks (`register_forward_hook`): what they return replaces a module's output or input.
import { NONE, Value } from '../../../python/values';
import type { FrameworkObject } from '../../../python/values';
import type { TorchModule } from '../objects';
import type { ModuleMethodCall } from './methods';

/** A hook registered on a module: called with (module, input) before its forward, or (module, input, output) after. */
export interface ForwardHook {
	hook: Value;
	pre: boolean;
}

/** The handle `register_forward_hook` returns: `handle.remove()` takes the hook off the module. */
export class TorchHookHandle implements FrameworkObject {
	readonly framework = 'torch';
	readonly kind = 'hookHandle';
	constructor(
		readonly module: TorchModule,
		readonly entry: ForwardHook,
	) {}
}

/** `m.register_forward_hook(fn)` / `m.register_forward_pre_hook(fn)`. */
function register(m: TorchModule, c: ModuleMethodCall, pre: boolean): Value {
	const hook = c.a[0] ?? c.args.keywords.get('hook');
	if (!hook) {
		return NONE;
	}
	const entry: ForwardHook = { hook, pre };
	// PyTorch 1.13 calls the hooks in the order they were registered.
	m.forwardHooks.push(entry);
	return { k: 'obj', obj: new TorchHookHandle(m, entry) };
}

export const hookMethods = {
	register_forward_hook: (m: TorchModule, c: ModuleMethodCall) => register(m, c, false),
	register_forward_pre_hook: (m: TorchModule, c: ModuleMethodCall) => register(m, c, true),
};

/** `handle.remove()`; undefined for anything else. */
export function hookHandleMethod(obj: FrameworkObject, name: string): Value | undefined {
	if (!(obj instanceof TorchHookHandle) || name !== 'remove') {
		return undefined;
	}
	const at = obj.module.forwardHooks.indexOf(obj.entry);
	if (at >= 0) {
		obj.module.forwardHooks.splice(at, 1);
	}
	return NONE;
}
