// Deep copies of modules: `copy.deepcopy`, and the stacked layers of TransformerEncoder / TransformerDecoder.
import type { CallArgs, CallContext } from '../../../python/contract';
import { causeOf } from '../../../python/values';
import type { FrameworkObject } from '../../../python/values';
import { torchModuleSpec } from '../catalogue';
import { stackedModules, TorchModule, TorchParam, TorchTensor } from '../objects';
import { MAX_STACKED_LAYERS } from '../rules';
import type { TorchSession } from '../session';
import { createBareModule } from './build';
import { attach } from './registration';

/**
 * A deep copy of a module whose whole tree is catalogue modules; `undefined` when a node is a user
 * class's instance. As `copy.deepcopy` does with its memo, what the original shares stays shared in
 * the copy: a module held twice (`nn.Sequential(l, act, l)`) is copied once, a tied weight
 * (`b.weight = a.weight`) is one parameter, so that `parameters()` counts it once.
 */
export function cloneModule(
	s: TorchSession,
	m: TorchModule,
	memo = new Map<object, object>(),
	userClasses = false,
): TorchModule | undefined {
	const seen = memo.get(m);
	if (seen) {
		return seen as TorchModule;
	}
	if (m.pyClass && !userClasses) {
		return undefined;
	}
	const copy = new TorchModule(
		m.type,
		m.spec,
		new Map(m.config),
		m.range,
		m.known,
		false,
		undefined,
	);
	memo.set(m, copy);
	// A user class's instance: its class and state (its plain attributes are the interpreter's to copy).
	copy.pyClass = m.pyClass;
	copy.training = m.training;
	copy.initRaises = m.initRaises;
	copy.dtypeCause = m.dtypeCause;
	copy.lightning = m.lightning;
	copy.hparams = m.hparams;
	copy.kernelAttr = m.kernelAttr;
	copy.library = m.library;
	copy.definedAt = m.definedAt;
	copy.unknownCause = m.unknownCause;
	copy.taint = m.taint;
	copy.paramsKnown = m.paramsKnown;
	// A lazy module copied before its first call is lazy too: its own first call sizes it.
	copy.lazyPending = m.lazyPending;
	for (const [from, to] of [
		[m.params, copy.params],
		[m.buffers, copy.buffers],
	] as const) {
		for (const [name, p] of from) {
			to.set(name, (memo.get(p) as TorchParam | undefined) ?? cloneParam(p, memo));
		}
	}
	m.noneSlots.forEach((kind, name) => copy.noneSlots.set(name, kind));
	for (const [name, child] of m.children) {
		const c = cloneModule(s, child, memo, userClasses);
		if (!c) {
			return undefined;
		}
		attach(copy, name, c);
	}
	s.modules.push(copy);
	return copy;
}

function cloneParam(p: TorchParam, memo: Map<object, object>): TorchParam {
	const q = new TorchParam(p.shape, p.isBuffer, p.requiresGrad);
	q.unknownCause = p.unknownCause;
	q.uninitialized = p.uninitialized;
	q.dtype = p.dtype;
	memo.set(p, q);
	return q;
}

/**
 * `copy.deepcopy` of a torch object (python/deepCopy.ts): a module with its whole tree, user
 * classes' instances included, a parameter, or a tensor (its shape and known values; its own
 * storage from now on).
 */
export function cloneObject(
	s: TorchSession,
	obj: FrameworkObject,
	memo: Map<object, object>,
): FrameworkObject | undefined {
	if (obj instanceof TorchModule) {
		return cloneModule(s, obj, memo, true);
	}
	if (obj instanceof TorchParam) {
		return cloneParam(obj, memo);
	}
	if (obj instanceof TorchTensor) {
		const t = new TorchTensor(obj.shape && [...obj.shape], obj.producer, obj.dtype);
		t.values = obj.values;
		t.shapeCause = obj.shapeCause;
		memo.set(obj, t);
		return t;
	}
	return undefined;
}

/** `nn.TransformerEncoder(layer, num_layers, norm)` and its decoder twin (stackedModules). */
export function stackedModule(
	s: TorchSession,
	type: string,
	args: CallArgs,
	ctx: CallContext,
): TorchModule {
	const { layer: layerArg } = stackedModules[type];
	const layer = args.positional[0] ?? args.keywords.get(layerArg);
	const count = args.positional[1] ?? args.keywords.get('num_layers');
	const norm = args.positional[2] ?? args.keywords.get('norm');
	const m = createBareModule(s, type, args, ctx);
	const list = new TorchModule(
		'ModuleList',
		torchModuleSpec('ModuleList'),
		new Map(),
		m.range,
		true,
		false,
		undefined,
	);
	s.modules.push(list);
	attach(m, 'layers', list);
	if (norm?.k === 'obj' && norm.obj instanceof TorchModule) {
		attach(m, 'norm', norm.obj);
	} else if (norm && norm.k !== 'none') {
		m.paramsKnown = false;
		m.unknownCause = causeOf(norm) ?? {
			reason: `the norm of this nn.${type} is not a module NormLens can read`,
			range: m.range,
		};
	}
	const n = count?.k === 'num' && Number.isInteger(count.v) && count.v >= 0 ? count.v : undefined;
	if (n === undefined || n > MAX_STACKED_LAYERS) {
		m.paramsKnown = false;
		m.unknownCause ??=
			n === undefined
				? (causeOf(count) ?? {
						reason: `NormLens cannot determine num_layers of this nn.${type}`,
						range: m.range,
					})
				: {
						reason: `nn.${type}: num_layers=${n} is more than the ${MAX_STACKED_LAYERS.toLocaleString('en-US')} stacked layers NormLens builds`,
						range: m.range,
					};
		return m;
	}
	for (let i = 0; i < n; i++) {
		const copy =
			layer?.k === 'obj' && layer.obj instanceof TorchModule
				? cloneModule(s, layer.obj)
				: undefined;
		if (!copy) {
			m.paramsKnown = false;
			m.unknownCause ??= causeOf(layer) ?? {
				reason: `the ${layerArg} of this nn.${type} is not a module NormLens can copy (a copy of a user class is not followed)`,
				range: m.range,
			};
			break;
		}
		attach(list, String(i), copy);
	}
	return m;
}
