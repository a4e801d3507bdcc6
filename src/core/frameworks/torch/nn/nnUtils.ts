// Functions that take a module and change or wrap it: weight / spectral norms, pruning, compile, SyncBatchNorm.
import type { CallArgs, CallContext } from '../../../python/contract';
import { asInt, asSequence, asString, NONE, UNKNOWN, Value } from '../../../python/values';
import { torchModuleSpec } from '../catalogue';
import { TorchModule, TorchParam } from '../objects';
import type { TorchSession } from '../session';

/**
 * Functions that take a module and return it, as PyTorch documents them: compiled or scripted
 * modules keep their parameters; the weight and spectral normalisations re-parametrise one
 * parameter (`name`, `weight` by default) into others and may add buffers (checked against
 * PyTorch in the unit tests). Keys are the path below `torch.nn.utils`, or the full path.
 */
export type ModuleWrapper =
	| 'identity'
	| 'spectral'
	| 'spectralParametrization'
	| 'weightNorm'
	| 'weightNormParametrization'
	| 'orthogonal';
export const moduleWrappers: Record<string, ModuleWrapper> = {
	'torch.jit.script': 'identity',
	'torch.jit.trace': 'identity',
	'torch.jit.trace_module': 'identity',
	'torch.compile': 'identity',
	// Data-parallel wrappers hold the model as `module`: the same parameters.
	'torch.nn.DataParallel': 'identity',
	'torch.nn.parallel.DataParallel': 'identity',
	'torch.nn.parallel.DistributedDataParallel': 'identity',
	spectral_norm: 'spectral',
	weight_norm: 'weightNorm',
	'parametrizations.spectral_norm': 'spectralParametrization',
	'parametrizations.weight_norm': 'weightNormParametrization',
	'parametrizations.orthogonal': 'orthogonal',
};

/** `torch.compile(m)`, `spectral_norm(m)`, … (see moduleWrappers): the same module, its parameters changed as PyTorch does. */
export function wrapModule(kind: ModuleWrapper, args: CallArgs, ctx: CallContext): Value {
	const target =
		args.positional[0] ??
		args.keywords.get('module') ??
		args.keywords.get('model') ??
		args.keywords.get('obj') ??
		UNKNOWN;
	if (kind === 'identity' || target.k !== 'obj' || !(target.obj instanceof TorchModule)) {
		return target;
	}
	const m = target.obj;
	const nameArg = args.positional[1] ?? args.keywords.get('name');
	const name = nameArg === undefined ? 'weight' : asString(nameArg);
	const p = name === undefined ? undefined : m.params.get(name);
	const unknownHere = (reason: string): Value => {
		m.paramsKnown = false;
		m.unknownCause ??= { reason, range: ctx.range(args.node) };
		return target;
	};
	if (name === undefined || !p?.shape) {
		return unknownHere(
			`NormLens cannot tell which parameter of ${m.type} this re-parametrises`,
		);
	}
	const shape = p.shape;
	const numel = shape.reduce((a, b) => a * b, 1);
	const dimArg = args.keywords.get('dim');
	const axis = (fallback: number): number | undefined => {
		if (dimArg === undefined || dimArg.k === 'none') {
			return fallback;
		}
		const d = asInt(dimArg);
		return d === undefined ? undefined : d < 0 ? shape.length + d : d;
	};
	const param = (s: number[]) => new TorchParam(s, false, p.requiresGrad);
	m.params.delete(name);
	switch (kind) {
		case 'spectral':
		case 'spectralParametrization': {
			// The power iteration keeps u (size of `dim`) and v (the rest) as buffers; ConvTranspose's dim is 1.
			const d = axis(m.type.startsWith('ConvTranspose') ? 1 : 0);
			if (d === undefined || shape.length < 2 || !shape[d]) {
				return unknownHere(`NormLens cannot follow this spectral_norm's dim`);
			}
			const [u, v] = [[shape[d]], [numel / shape[d]]];
			const prefix = kind === 'spectral' ? `${name}_` : `parametrizations.${name}.0._`;
			m.params.set(
				kind === 'spectral' ? `${name}_orig` : `parametrizations.${name}.original`,
				param(shape),
			);
			m.buffers.set(`${prefix}u`, new TorchParam(u, true));
			m.buffers.set(`${prefix}v`, new TorchParam(v, true));
			return target;
		}
		case 'weightNorm':
		case 'weightNormParametrization': {
			// g keeps the size of `dim` (1 elsewhere), or is one scalar with dim=None; v is the weight's shape.
			const none = dimArg?.k === 'none';
			const d = none ? -1 : axis(0);
			if (d === undefined) {
				return unknownHere(`NormLens cannot follow this weight_norm's dim`);
			}
			const g = none ? [] : shape.map((x, i) => (i === d ? x : 1));
			// torch.nn.utils.weight_norm registers new Parameters (trainable, whatever the weight was);
			// the parametrization keeps the weight's requires_grad.
			const fresh = (s: number[]) =>
				kind === 'weightNorm' ? new TorchParam(s, false, true) : param(s);
			m.params.set(
				kind === 'weightNorm' ? `${name}_g` : `parametrizations.${name}.original0`,
				fresh(g),
			);
			m.params.set(
				kind === 'weightNorm' ? `${name}_v` : `parametrizations.${name}.original1`,
				fresh(shape),
			);
			return target;
		}
		case 'orthogonal': {
			m.params.set(`parametrizations.${name}.original`, param(shape));
			const trivial = args.keywords.get('use_trivialization');
			if (trivial === undefined || (trivial.k === 'bool' && trivial.v)) {
				const n = Math.max(...shape);
				m.buffers.set(
					`parametrizations.${name}.0.base`,
					new TorchParam(shape.length === 2 ? [n, n] : shape, true),
				);
			} else if (trivial.k !== 'bool') {
				return unknownHere(
					'NormLens cannot tell whether this orthogonal parametrisation keeps a base',
				);
			}
			return target;
		}
		default:
			return target;
	}
}

/**
 * `nn.SyncBatchNorm.convert_sync_batchnorm(model)`: every BatchNorm1d/2d/3d in the model (the model
 * itself too) becomes a SyncBatchNorm with the same arguments, parameters and buffers, as PyTorch
 * makes it; the counts do not change, the layer type does.
 */
export function convertSyncBatchNorm(
	s: TorchSession,
	target: Value | undefined,
): Value | undefined {
	if (target?.k !== 'obj' || !(target.obj instanceof TorchModule)) {
		return undefined;
	}
	const spec = torchModuleSpec('SyncBatchNorm');
	const convert = (m: TorchModule): TorchModule => {
		if (!spec || !/^BatchNorm[123]d$/.test(m.type) || m.pyClass) {
			for (const [key, child] of [...m.children]) {
				m.children.set(key, convert(child));
			}
			return m;
		}
		const sync = new TorchModule(
			'SyncBatchNorm',
			spec,
			new Map(m.config),
			m.range,
			m.known,
			m.createdAtTop,
			m.sites,
		);
		sync.paramsKnown = m.paramsKnown;
		sync.unknownCause = m.unknownCause;
		sync.attached = m.attached;
		sync.library = m.library;
		sync.varName = m.varName;
		m.params.forEach((p, k) => sync.params.set(k, p));
		m.buffers.forEach((b, k) => sync.buffers.set(k, b));
		s.modules[s.modules.indexOf(m)] = sync;
		return sync;
	};
	return { k: 'obj', obj: convert(target.obj) };
}

/**
 * `torch.nn.utils.prune`: a pruning method turns parameter `name` into `name_orig` (a parameter)
 * and `name_mask` (a buffer of the same shape) — pruning it again keeps one of each; `prune.remove`
 * makes it a plain parameter again; `global_unstructured` prunes each (module, name) pair. Other
 * functions of the module, or a module or name NormLens cannot read, are left to the interpreter
 * as calls it cannot follow (what they receive is unknown).
 */
export function pruneModule(fn: string, args: CallArgs, ctx: CallContext): Value | undefined {
	const methods = new Set([
		'l1_unstructured',
		'random_unstructured',
		'ln_structured',
		'random_structured',
		'identity',
		'custom_from_mask',
	]);
	const readable = (target: Value | undefined, nameArg: Value | undefined): boolean => {
		const name = nameArg ? asString(nameArg) : undefined;
		return (
			target?.k === 'obj' &&
			target.obj instanceof TorchModule &&
			name !== undefined &&
			(target.obj.params.has(name) || target.obj.params.has(`${name}_orig`))
		);
	};
	const one = (
		target: Value | undefined,
		nameArg: Value | undefined,
		remove: boolean,
	): boolean => {
		const name = nameArg ? asString(nameArg) : undefined;
		if (target?.k !== 'obj' || !(target.obj instanceof TorchModule) || name === undefined) {
			return false;
		}
		const m = target.obj;
		const orig = m.params.get(`${name}_orig`);
		if (remove) {
			if (!orig) {
				return false;
			}
			m.params.delete(`${name}_orig`);
			m.buffers.delete(`${name}_mask`);
			m.params.set(name, orig);
			return true;
		}
		if (orig) {
			return true;
		}
		const p = m.params.get(name);
		if (!p?.shape) {
			return false;
		}
		m.params.delete(name);
		m.params.set(`${name}_orig`, p);
		m.buffers.set(`${name}_mask`, new TorchParam(p.shape, true));
		return true;
	};
	const a = args.positional;
	// What NormLens cannot read here goes back to the interpreter, which treats it as a call it
	// cannot follow: the modules it receives are unknown.
	if (methods.has(fn) || fn === 'remove') {
		const target = a[0] ?? args.keywords.get('module');
		const nameArg = a[1] ?? args.keywords.get('name');
		return readable(target, nameArg) && one(target, nameArg, fn === 'remove')
			? (target as Value)
			: undefined;
	}
	if (fn === 'global_unstructured') {
		const pairs = ctx
			.iterate(a[0] ?? args.keywords.get('parameters') ?? UNKNOWN)
			?.map((pair) => asSequence(pair) ?? []);
		if (!pairs || !pairs.every(([mod, name]) => readable(mod, name))) {
			return undefined;
		}
		pairs.forEach(([mod, name]) => one(mod, name, false));
		return NONE;
	}
	return undefined;
}
