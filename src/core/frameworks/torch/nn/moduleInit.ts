// nn.Module.__init__ as PyTorch runs it: what it resets, and what __setattr__ refuses before it ran.
import type { TextRange } from '../../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../../python/contract';
import type { Cause, FrameworkObject, Value } from '../../../python/values';
import { TorchModule, TorchParam } from '../objects';
import { torchSubpath } from '../paths';
import type { TorchSession } from '../session';
import { initLeaf } from './build';
import { fillContainer } from './registration';

/** `torch.jit.ScriptModule` (and its definition's path). */
export const SCRIPT_MODULE = /^torch\.jit(?:\._script)?\.ScriptModule$/;

/**
 * Lightning's LightningModule (pytorch_lightning, lightning, lightning.pytorch): an nn.Module whose
 * own `__init__` registers no parameter, buffer or module, so a subclass counts as on nn.Module.
 */
export const LIGHTNING_MODULE =
	/^(?:pytorch_lightning|lightning(?:\.pytorch)?)(?:\.core(?:\.module|\.lightning)?)?\.LightningModule$/;

/** A base class path NormLens models for a module: torch.nn's classes, Lightning's and TorchScript's modules. */
export function isModuleBase(path: string): boolean {
	return (
		torchSubpath(path)?.area === 'nn' || LIGHTNING_MODULE.test(path) || SCRIPT_MODULE.test(path)
	);
}

/**
 * The base `__init__` reached from a source class (`super().__init__(…)`, `nn.Module.__init__(self)`):
 * a container base takes its children, a layer base its arguments. A second call starts over, as
 * PyTorch resets its dictionaries (two bases each calling nn.Module.__init__ by name).
 */
export function runModuleInit(
	s: TorchSession,
	obj: TorchModule,
	args: CallArgs,
	ctx: CallContext,
): void {
	if (obj.baseInit) {
		forgetRegistrations(obj);
	}
	obj.baseInit = true;
	if (obj.spec?.container) {
		fillContainer(
			s,
			obj,
			obj.spec.container === 'sequential' ? args.positional : args.positional.slice(0, 1),
			ctx,
		);
	} else if (obj.spec) {
		initLeaf(s, obj, obj.spec, args, obj.range);
	}
}

/** What nn.Module.__init__ resets: every parameter, buffer and submodule registered so far. */
function forgetRegistrations(m: TorchModule): void {
	m.children.clear();
	m.params.clear();
	m.buffers.clear();
	m.noneSlots.clear();
	m.transient.clear();
	m.training = true;
}

/**
 * nn.Module.__setattr__ before `nn.Module.__init__` ran on the module: a module or a parameter has
 * no dictionary to go in, and PyTorch raises AttributeError (a mixin's `__init__` assigning a layer
 * before the class calls nn.Module's). Undefined where it does not, or where a call NormLens could
 * not follow was given the module (it may have run nn.Module.__init__).
 */
export function refusedAssignment(
	obj: FrameworkObject,
	name: string,
	value: Value,
	range: TextRange,
): Cause | undefined {
	if (!(obj instanceof TorchModule) || obj.baseInit || obj.taint || value.k !== 'obj') {
		return undefined;
	}
	const what =
		value.obj instanceof TorchModule
			? 'module'
			: value.obj instanceof TorchParam && !value.obj.isBuffer
				? 'parameters'
				: undefined;
	return what
		? {
				reason: `Python raises AttributeError here: \`${name}\` is set to a ${what === 'module' ? 'module' : 'parameter'} before \`nn.Module.__init__()\` ran on \`${obj.type}\` (PyTorch: "cannot assign ${what} before Module.__init__() call")`,
				range,
			}
		: undefined;
}
