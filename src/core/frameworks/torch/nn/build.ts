// Building modules: catalogue modules from their arguments, nn.Parameter, uncountable modules, user-class instances.
import type { Shape, TextRange } from '../../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../../python/contract';
import {
	asInt,
	Cause,
	causeOf,
	ClassValue,
	findMethod,
	firstCause,
	NONE,
	UNKNOWN,
	Value,
} from '../../../python/values';
import { fromDefault, REQUIRED, ShapeError } from '../../common/spec';
import { torchModuleSpec, TorchModuleSpec } from '../catalogue';
import { setRequiresGrad, TorchModule, TorchParam, TorchTensor } from '../objects';
import { isIntegerDtype } from '../dtypes';
import { torchSubpath } from '../paths';
import { SizeBoundError, torchParams } from '../rules';
import type { TorchSession } from '../session';
import { fillContainer } from './registration';
import { LIGHTNING_MODULE, SCRIPT_MODULE } from './moduleInit';
import { REFUSED_KEYWORDS, strangeKeyword } from './constructorKeywords';

/** A catalogue module's arguments bound by name: positional in PyTorch's order, keywords, then the defaults; a required one left out is an error and unknown. */
export function bindArgs(
	s: TorchSession,
	spec: TorchModuleSpec | undefined,
	args: CallArgs,
	range: TextRange,
	type: string,
): Map<string, Value> {
	const cfg = new Map<string, Value>();
	const specArgs = spec?.args ?? [];
	if (!spec?.container) {
		args.positional.forEach((v, i) => cfg.set(specArgs[i]?.[0] ?? `arg${i}`, v));
	}
	for (const [k, v] of args.keywords) {
		cfg.set(k, v);
	}
	for (const [name, def] of specArgs) {
		if (cfg.has(name)) {
			continue;
		}
		if (def === REQUIRED) {
			s.report({
				range,
				severity: 'error',
				code: 'missing-argument',
				message: `nn.${type}() is missing its required argument \`${name}\`.`,
			});
			cfg.set(name, UNKNOWN);
		} else {
			cfg.set(name, fromDefault(def));
		}
	}
	return cfg;
}

/** A module of `type` built by a call: its arguments bound, its weights by the rules (or its children for a container). */
export function createModule(
	s: TorchSession,
	type: string,
	spec: TorchModuleSpec | undefined,
	args: CallArgs,
	ctx: CallContext,
	known: boolean,
): TorchModule {
	const range = ctx.range(args.node);
	const cfg = bindArgs(s, spec, args, range, type);
	const m = new TorchModule(type, spec, cfg, range, known, ctx.depth === 0, ctx.sites(args.node));
	m.library = ctx.library;
	m.varName = ctx.depth === 0 ? ctx.assignedTo : undefined;
	const stranger = spec && !spec.container ? strangeKeyword(spec, args) : undefined;
	if (args.cause) {
		// Arguments NormLens could not list (`nn.Conv2d(*cfg)`): not the defaults.
		m.paramsKnown = false;
		m.unknownCause = args.cause;
	} else if (stranger) {
		// `nn.Linear(3, 3, foo=1)`: PyTorch's TypeError, not a Linear of 12 parameters (nor a forward).
		m.paramsKnown = false;
		m.initRaises = true;
		m.unknownCause = {
			reason:
				REFUSED_KEYWORDS[type] === stranger
					? `nn.${type}() refuses \`${stranger}\`: PyTorch raises ValueError ("${stranger} argument is only supported for LSTM, not RNN or GRU")`
					: `nn.${type}() takes no argument \`${stranger}\` in PyTorch 1.13, which raises TypeError there (a later version may take it)`,
			range,
		};
	} else if (spec && !spec.container) {
		initWeights(s, m, spec, cfg, range, type);
	}
	if (spec?.container) {
		fillContainer(
			s,
			m,
			args.positional[0] && spec.container !== 'sequential'
				? [args.positional[0]]
				: args.positional,
			ctx,
			args,
		);
	}
	s.modules.push(m);
	return m;
}

/**
 * A known module of `type` whose constructor arguments NormLens does not bind: what it holds comes
 * from elsewhere (a ParameterList's parameters, a stack of copied layers, an einops layer's pattern).
 */
export function createBareModule(
	s: TorchSession,
	type: string,
	args: CallArgs,
	ctx: CallContext,
): TorchModule {
	return createModule(
		s,
		type,
		undefined,
		{ ...args, positional: [], keywords: new Map() },
		ctx,
		true,
	);
}

/**
 * The parameters and buffers of a catalogue module from its bound arguments; a size NormLens
 * cannot decide leaves them unknown with that cause, and arguments PyTorch refuses are an error.
 */
export function initWeights(
	s: TorchSession,
	m: TorchModule,
	spec: TorchModuleSpec,
	cfg: Map<string, Value>,
	range: TextRange,
	type: string,
): void {
	try {
		const weights = torchParams(spec, cfg);
		if (weights === null) {
			const cause = firstCause(cfg.values());
			m.paramsKnown = false;
			m.lazyPending = spec.lazy !== undefined && !cause;
			if (m.lazyPending) {
				registerUninitialized(m, spec, cfg);
			}
			m.unknownCause = cause ?? {
				reason: m.lazyPending ? lazyWaiting(type) : sizeUnknown(spec, cfg, type),
				range,
			};
			if (m.lazyPending) {
				waiting.add(m.unknownCause);
			}
		} else {
			const negative = weights.find((w) => w.shape.some((d) => d < 0));
			if (negative) {
				throw new ShapeError(
					`Trying to create tensor with negative dimension (${negative.name} of shape (${negative.shape.join(', ')}))`,
				);
			}
			for (const w of weights) {
				(w.kind === 'buffer' ? m.buffers : m.params).set(
					w.name,
					new TorchParam(w.shape, w.kind === 'buffer'),
				);
			}
		}
	} catch (e) {
		if (e instanceof SizeBoundError) {
			m.paramsKnown = false;
			m.unknownCause = { reason: `nn.${type}: ${e.message}`, range };
			return;
		}
		if (!(e instanceof ShapeError)) {
			throw e;
		}
		m.paramsKnown = false;
		m.initRaises = true;
		m.unknownCause = { reason: `nn.${type}: ${e.message} (PyTorch raises here)`, range };
		s.report({
			range,
			severity: 'error',
			code: 'invalid-arguments',
			message: `nn.${type}: ${e.message}.`,
		});
	}
}

/** A module NormLens cannot count (its parameters unknown), with an info saying why. */
export function unknownModule(
	s: TorchSession,
	type: string,
	args: CallArgs,
	ctx: CallContext,
	code: string,
	message: string,
): Value {
	const m = createModule(s, type, undefined, args, ctx, false);
	m.paramsKnown = false;
	m.unknownCause ??= { reason: message.replace(/:.*$/, ''), range: m.range };
	s.report({ range: m.range, severity: 'info', code, message });
	return { k: 'obj', obj: m };
}

/** `nn.Parameter(t, requires_grad)`: a parameter of the tensor's shape, unknown with its cause when that shape is not fully known. */
export function parameter(args: CallArgs, ctx: CallContext): Value {
	const t = args.positional[0] ?? args.keywords.get('data');
	const shape = t?.k === 'obj' && t.obj instanceof TorchTensor ? t.obj.shape : null;
	const known = shape && shape.every((d) => d !== null) ? (shape as number[]) : null;
	const rg = args.positional[1] ?? args.keywords.get('requires_grad');
	const p = new TorchParam(known, false, rg?.k === 'bool' ? rg.v : true);
	const dtype = t?.k === 'obj' && t.obj instanceof TorchTensor ? t.obj.dtype : undefined;
	if (!known) {
		// A tensor whose shape was lost says where (shapeCauses.ts).
		const lost = t?.k === 'obj' && t.obj instanceof TorchTensor ? t.obj.shapeCause : undefined;
		p.unknownCause = lost ??
			causeOf(t) ?? {
				reason: 'NormLens cannot determine the shape of this nn.Parameter',
				range: ctx.range(args.node),
			};
	} else if (
		p.requiresGrad &&
		(rg === undefined || rg.k === 'bool') &&
		(isIntegerDtype(dtype) || dtype === 'bool')
	) {
		// `nn.Parameter(torch.arange(5))`: only floating tensors can require gradients.
		p.unknownCause = {
			reason: `PyTorch raises RuntimeError here: an nn.Parameter of dtype ${dtype} cannot require gradients (only floating point and complex tensors can)`,
			range: ctx.range(args.node),
		};
	}
	if (rg && rg.k !== 'bool') {
		// A requires_grad flag NormLens cannot read: the trainable split is unknown, not the count.
		setRequiresGrad(p, rg, () => ({
			reason: 'nn.Parameter gets a requires_grad flag NormLens cannot determine',
			range: ctx.range(args.node),
		}));
	}
	return { k: 'obj', obj: p };
}

/** An instance of a user class with a torch.nn base: a plain `nn.Module` subclass, a container subclass or a catalogue layer's subclass. */
/**
 * torch.nn's private bases that model code derives from (V-Net's `ContBatchNorm3d(_BatchNorm)`), as
 * the public layer with their constructor: `_BatchNorm` and `_NormBase` take BatchNorm's arguments
 * and weights, for inputs of any rank (as SyncBatchNorm).
 */
const PRIVATE_BASES: Readonly<Record<string, string>> = {
	_BatchNorm: 'SyncBatchNorm',
	_NormBase: 'SyncBatchNorm',
};

export function instantiateModule(
	s: TorchSession,
	cls: ClassValue,
	bases: string[],
	args: CallArgs,
	ctx: CallContext,
): TorchModule | undefined {
	// Python's method resolution order puts nn.Module after every class deriving from it: a mixin
	// of nn.Module listed first (`class Linear(Bottle, nn.Linear)`, SPINN) is still an nn.Linear.
	const plain = (b: string) =>
		torchSubpath(b)?.area === 'nn' && torchSubpath(b)?.name === 'Module';
	for (const base of [...bases.filter((b) => !plain(b)), ...bases.filter(plain)]) {
		if (LIGHTNING_MODULE.test(base)) {
			const m = userModule(s, cls, undefined, args, ctx);
			m.lightning = true;
			return m;
		}
		if (SCRIPT_MODULE.test(base)) {
			// A ScriptModule is an nn.Module whose `@script_method`s TorchScript compiles: the same
			// registrations and the same forward.
			return userModule(s, cls, undefined, args, ctx);
		}
		const sub = torchSubpath(base);
		if (sub?.area !== 'nn') {
			continue;
		}
		if (sub.name === 'Module') {
			return userModule(s, cls, undefined, args, ctx);
		}
		const spec = torchModuleSpec(PRIVATE_BASES[sub.name] ?? sub.name);
		if (spec?.container) {
			const m = userModule(s, cls, spec, args, ctx);
			if (args.node.name !== 'ClassDefinition' && !findMethod(cls, '__init__')) {
				// No __init__ of its own (`class TimestepEmbedSequential(nn.Sequential, TimestepBlock)`):
				// the container's runs on the instantiation's arguments, registering its modules.
				fillContainer(
					s,
					m,
					spec.container === 'sequential' ? args.positional : args.positional.slice(0, 1),
					ctx,
					args,
				);
			}
			return m;
		}
		if (spec) {
			if (
				args.node.name === 'ClassDefinition' &&
				!findMethod(cls, '__init__') &&
				spec.args.some(([, d]) => d === REQUIRED)
			) {
				// Built after the program because nothing built it (`class StdConv(nn.Conv2d)` with only
				// a forward): without the arguments its module requires it is no model of the file's,
				// and their absence no error of the user's.
				return undefined;
			}
			return leafSubclass(s, cls, spec, args, ctx);
		}
	}
	return undefined;
}

/**
 * `class LayerNorm2d(nn.LayerNorm)`, `class Conv2dSame(nn.Conv2d)`: a catalogue module under the
 * class's own name (as PyTorch and torchinfo name it). Its weights are the catalogue's for the
 * arguments its `super().__init__(…)` receives — or the instantiation's, when no class in the chain
 * defines `__init__`; a `forward` of its own is interpreted, otherwise the catalogue's shape rule
 * applies. Until the base `__init__` runs, the weights are unknown with that reason.
 */
export function leafSubclass(
	s: TorchSession,
	cls: ClassValue,
	spec: TorchModuleSpec,
	args: CallArgs,
	ctx: CallContext,
): TorchModule {
	const range = ctx.range(args.node);
	const m = new TorchModule(
		cls.name,
		spec,
		new Map(),
		range,
		true,
		ctx.depth === 0,
		ctx.sites(args.node),
	);
	m.library = ctx.library;
	m.varName = ctx.depth === 0 ? ctx.assignedTo : undefined;
	if (findMethod(cls, '__init__')) {
		m.baseInit = false;
		m.paramsKnown = false;
		m.unknownCause = {
			reason: `\`${cls.name}.__init__\` does not call \`nn.${spec.name}.__init__\` in a way NormLens can follow`,
			range,
		};
	} else {
		initLeaf(s, m, spec, args, range);
	}
	s.modules.push(m);
	return m;
}

/** The catalogue base's `__init__` of a leaf subclass, with the arguments it receives. */
export function initLeaf(
	s: TorchSession,
	m: TorchModule,
	spec: TorchModuleSpec,
	args: CallArgs,
	range: TextRange,
): void {
	m.config.clear();
	m.params.clear();
	m.buffers.clear();
	m.paramsKnown = true;
	m.unknownCause = undefined;
	for (const [k, v] of bindArgs(s, spec, args, range, spec.name)) {
		m.config.set(k, v);
	}
	if (args.cause) {
		m.paramsKnown = false;
		m.unknownCause = args.cause;
		return;
	}
	initWeights(s, m, spec, m.config, range, spec.name);
}

/** An instance of a user class on `nn.Module` (or a container base): what its own code registers makes it. */
export function userModule(
	s: TorchSession,
	cls: ClassValue,
	container: TorchModuleSpec | undefined,
	args: CallArgs,
	ctx: CallContext,
): TorchModule {
	const m = new TorchModule(
		cls.name,
		container,
		new Map(),
		ctx.range(args.node),
		true,
		ctx.depth === 0,
		ctx.sites(args.node),
	);
	m.varName = ctx.depth === 0 ? ctx.assignedTo : undefined;
	// Its own `__init__` runs next and must reach nn.Module's before registering anything.
	m.baseInit = !findMethod(cls, '__init__');
	s.modules.push(m);
	return m;
}

/**
 * `nn.Embedding.from_pretrained(embeddings, freeze=True, …)` (and EmbeddingBag's): the layer of the
 * 2-D tensor's (num_embeddings, embedding_dim), its weight frozen unless `freeze=False`; undefined for
 * other class methods, or arguments NormLens cannot read (the caller makes the module unknown).
 */
export function fromPretrained(
	s: TorchSession,
	type: string,
	method: string,
	args: CallArgs,
	ctx: CallContext,
): Value | undefined {
	if (method !== 'from_pretrained' || (type !== 'Embedding' && type !== 'EmbeddingBag')) {
		return undefined;
	}
	const spec = torchModuleSpec(type);
	const t = args.positional[0] ?? args.keywords.get('embeddings');
	const shape = t?.k === 'obj' && t.obj instanceof TorchTensor ? t.obj.shape : null;
	const freeze = args.positional[1] ?? args.keywords.get('freeze') ?? { k: 'bool', v: true };
	if (
		!spec ||
		args.cause ||
		!shape ||
		shape.length !== 2 ||
		shape.some((d) => d === null) ||
		freeze.k !== 'bool'
	) {
		return undefined;
	}
	// The other keywords (padding_idx, max_norm, mode, …) are the layer's own; positional ones past freeze are not read.
	if (args.positional.length > 2) {
		return undefined;
	}
	const keywords = new Map(
		[...args.keywords].filter(([k]) => k !== 'embeddings' && k !== 'freeze'),
	);
	const m = createModule(
		s,
		type,
		spec,
		{
			positional: [
				{ k: 'num', v: shape[0] as number },
				{ k: 'num', v: shape[1] as number },
			],
			keywords,
			node: args.node,
		},
		ctx,
		true,
	);
	const weight = m.params.get('weight');
	if (weight) {
		weight.requiresGrad = !freeze.v;
	}
	return { k: 'obj', obj: m };
}

/**
 * Why a module's sizes are unknown when no argument carries a cause of its own: the argument that
 * decides it — the first unread one whose replacement by a number lets PyTorch's rule count (or
 * refuse) — named with what it is: `from mylib import P; nn.Linear(P, 4)` says it is `mylib.P`, a
 * name from code NormLens cannot read, rather than "cannot determine a size".
 */
function sizeUnknown(spec: TorchModuleSpec, cfg: Map<string, Value>, type: string): string {
	for (const [name, v] of cfg) {
		if (v.k !== 'ref' && v.k !== 'unknown') {
			continue;
		}
		const probe = new Map(cfg).set(name, { k: 'num', v: 2 });
		let decides = true;
		try {
			decides = torchParams(spec, probe) !== null;
		} catch {
			// PyTorch would refuse that number: the argument still decides.
		}
		if (decides) {
			return v.k === 'ref'
				? `the \`${name}\` of this ${type} is \`${v.path}\`, a name from code NormLens cannot read`
				: `NormLens cannot determine the \`${name}\` of this ${type}`;
		}
	}
	return `NormLens cannot determine a size of this ${type} from its arguments`;
}

/** The causes that say a lazy module is still waiting for its first input (lazyOnUnknownInput replaces only those). */
const waiting = new WeakSet<Cause>();

/** Why a lazy module's counts are unknown before a call on an input of known shape. */
function lazyWaiting(type: string): string {
	return `a ${type}'s weights take their sizes from its first input, and NormLens follows no call of it on a known input`;
}

/**
 * A lazy module called on an input whose shape is unknown: its counts stay unknown, and the cause
 * says why that input's shape is (shapeCauses.ts) rather than that no call was seen.
 */
export function lazyOnUnknownInput(m: TorchModule, inputCause: Cause | undefined): void {
	if (
		m.lazyPending &&
		!m.taint &&
		inputCause &&
		m.unknownCause !== undefined &&
		waiting.has(m.unknownCause)
	) {
		m.unknownCause = {
			reason: `a ${m.type}'s weights take their sizes from its first input, whose shape is unknown: ${inputCause.reason}`,
			range: inputCause.range,
		};
	}
}

/**
 * The first call of a lazy module on an input of known shape: PyTorch's `initialize_parameters`
 * reads the missing size from the input and the module becomes its eager class (LazyConv2d → Conv2d),
 * with the weights of that class.
 */
export function materializeLazy(s: TorchSession, m: TorchModule, input: Shape): void {
	const lazy = m.spec?.lazy;
	const eager = lazy ? torchModuleSpec(lazy.eager) : undefined;
	if (!lazy || !eager || !m.lazyPending || m.taint) {
		return;
	}
	const rank = eager.rank ?? 0;
	const size =
		lazy.from === 'last'
			? input[input.length - 1]
			: input.length === rank + 1 && eager.category === 'convolution'
				? input[0]
				: input[1];
	if (size === null || size === undefined) {
		return;
	}
	// A torch function PyTorch refused on an uninitialized parameter (`requires_grad_()`) raised before this call.
	const raised = [...m.params.values(), ...m.buffers.values()].find((p) => p.taint);
	if (raised?.taint) {
		m.taint = raised.taint;
		m.unknownCause = raised.taint;
		return;
	}
	// `p.requires_grad = False` on an UninitializedParameter stays when it materializes.
	const flags = new Map([...m.params].map(([name, p]) => [name, p.requiresGrad]));
	m.lazyPending = false;
	m.paramsKnown = true;
	m.unknownCause = undefined;
	m.config.set(lazy.arg, { k: 'num', v: size });
	initWeights(s, m, eager, m.config, m.range, eager.name);
	for (const [name, p] of m.params) {
		p.requiresGrad = flags.get(name) ?? p.requiresGrad;
	}
}

/**
 * A lazy module's weights before its first call, as PyTorch registers them: UninitializedParameter
 * and UninitializedBuffer for those whose sizes the input decides, real tensors for the others
 * (LazyBatchNorm's 0-d num_batches_tracked). Which are which: the eager module's weights for two
 * sizes (multiples of `groups`, which must divide it), those that differ are uninitialized.
 */
function registerUninitialized(
	m: TorchModule,
	spec: TorchModuleSpec,
	cfg: Map<string, Value>,
): void {
	const lazy = spec.lazy;
	const eager = lazy ? torchModuleSpec(lazy.eager) : undefined;
	if (!lazy || !eager) {
		return;
	}
	const groups = asInt(cfg.get('groups') ?? NONE) ?? 1;
	const at = (size: number) => {
		try {
			return torchParams(eager, new Map([...cfg, [lazy.arg, { k: 'num', v: size }]]));
		} catch {
			return null;
		}
	};
	const [one, two] = [at(groups), at(2 * groups)];
	if (!one || !two || one.length !== two.length) {
		return;
	}
	one.forEach((w, i) => {
		const fixed = w.shape.join() === two[i].shape.join();
		const p = new TorchParam(fixed ? w.shape : null, w.kind === 'buffer');
		p.uninitialized = !fixed;
		(w.kind === 'buffer' ? m.buffers : m.params).set(w.name, p);
	});
}
