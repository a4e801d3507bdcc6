// The PyTorch object model: modules, parameters, tensors, call records, and the walks over a module tree.
/**
 * The PyTorch object model as NormLens holds it: modules with their children, parameters and
 * buffers, the tensors that flow between them, and the walks over a module tree that PyTorch's
 * own `modules()`, `named_parameters()` and `parameters()` make.
 */
import type { Shape, TextRange } from '../../../protocol/analysis';
import type { CallSites } from '../../python/parse';
import { causeOf, findMethod } from '../../python/values';
import type { Cause, ClassValue, FrameworkObject, Value } from '../../python/values';
import type { TorchModuleSpec } from './catalogue';
import type { ForwardHook } from './nn/hooks';
import { DTYPES, isIntegerDtype, TorchDtype } from './dtypes';
import type { Layout } from './ops/layout';

/** A parameter or buffer tensor owned by a module. */
export class TorchParam implements FrameworkObject {
	readonly framework = 'torch';
	readonly kind = 'param';
	unknownCause?: Cause;
	taint?: Cause;
	/**
	 * A lazy module's UninitializedParameter (or buffer) before its first call: `parameters()` yields
	 * it and its `requires_grad` flag is kept when it takes its size, but any torch function on it
	 * raises (its `taint` then says where).
	 */
	uninitialized = false;
	/** Why `requires_grad` is unknown: set to a value NormLens cannot determine (`p.requires_grad = not args.freeze`). */
	gradCause?: Cause;
	/** A buffer's integer or bool dtype (castProofDtype), where the tensor registered as it had one (Swin's int64 `relative_position_index`). */
	dtype?: TorchDtype;
	/** `if p:` is its value (PyTorch raises for more than one): NormLens does not know it. */
	truth(): boolean | undefined {
		return undefined;
	}
	constructor(
		readonly shape: number[] | null,
		readonly isBuffer: boolean,
		public requiresGrad = !isBuffer,
	) {}
}

/** A parameter or buffer used as a plain tensor (`p.data`, `F.normalize(self.queue)`): a detached tensor of its shape and dtype. */
export function paramTensor(p: TorchParam): TorchTensor {
	return new TorchTensor(p.shape, null, p.dtype);
}

export class TorchTensor implements FrameworkObject {
	readonly framework = 'torch';
	readonly kind = 'tensor';
	constructor(
		/** Changed only by the in-place methods that reshape their receiver (`x.unsqueeze_(1)`). */
		public shape: Shape | null,
		/** The module whose output this is, for "bias before BatchNorm" checks. */
		readonly producer: TorchModule | null = null,
		/** The dtype where PyTorch's rules make it knowable (float32 from `torch.randn(…)`, int64 from `torch.arange(7)`); else undefined. */
		public dtype?: TorchDtype,
	) {}
	/** Bytes per element (torchinfo's input size), where the dtype is known. */
	get elementBytes(): number | undefined {
		return this.dtype && DTYPES[this.dtype].bytes;
	}
	/** The values are integers (an integer dtype): `item()` gives an int, and an int64 one indexes. */
	get integral(): boolean {
		return isIntegerDtype(this.dtype);
	}
	/** Where the value came from in a forward (flow.ts); undefined until a call or op gives it one. */
	flow: FlowRef[] | undefined;
	/**
	 * The values, row-major, of a small float32 tensor PyTorch's own rules compute from known numbers
	 * (`torch.linspace(0, 0.1, depth)`: the stochastic-depth rates of timm-style models); undefined
	 * for any other, and once anything may have written into its storage (written()).
	 * `x.item()`, `x.tolist()` and iteration read them.
	 */
	get values(): readonly number[] | undefined {
		return (this.base ?? this).overwritten ? undefined : this.knownValues;
	}
	set values(v: readonly number[] | undefined) {
		this.knownValues = v;
	}
	private knownValues: readonly number[] | undefined;
	/**
	 * The tensor whose storage this one may share (a view: `x[0]`, `x.view(…)`, a row of iterating
	 * x), so that writing through either changes the values of both; undefined for fresh storage.
	 */
	base: TorchTensor | undefined;
	private overwritten = false;
	/** Something wrote, or may have written, into this tensor (`x.add_(1)`, `x[0] = 5`, `out=x`): its storage's values are unknown from now on. */
	written(): void {
		(this.base ?? this).overwritten = true;
	}
	/** A tensor made from this one, which may view its storage. */
	viewOf(source: TorchTensor): this {
		this.base = source.base ?? source;
		return this;
	}
	/** `if x:` — the one value of a one-element tensor, where known (PyTorch raises for more). */
	truth(): boolean | undefined {
		const v = this.values;
		return v?.length === 1 ? v[0] !== 0 : undefined;
	}
	/**
	 * How its elements lie in storage (ops/layout.ts): undefined for contiguous, which every fresh
	 * tensor is; a view's strides; or why NormLens does not know. `x.view(…)` reads it.
	 */
	layout: Layout;
	/** A complex tensor (from torch.fft, `torch.polar`, `view_as_complex`): `view_as_real` adds a dim of 2. False where NormLens does not know. */
	complex = false;
	/**
	 * Set on what a call NormLens cannot follow returns when it takes a tensor: taken for a tensor
	 * in a forward, but held by a module it may be a module or a parameter (this cause).
	 */
	opaque: Cause | undefined;
	/** Why `shape` is null: where the shape was lost (shapeCauses.ts), passed on by every op and module that receives this tensor. */
	shapeCause: Cause | undefined;
}

/**
 * A source of a tensor in a forward's data flow: a module call, a merge op (flow.ts), the model
 * call's positional argument `input`, or one NormLens could not follow.
 */
export type FlowRef =
	{ call: CallRecord } | { op: OpRecord } | { input: number } | { unknown: true };

/** An op between module calls whose tensor inputs come from two or more producers (`+`, `torch.cat`). */
export interface OpRecord {
	/** The op as written: `add`, `cat`, `matmul`. */
	name: string;
	range: TextRange | null;
	output: Shape | null;
	inbound: FlowRef[];
}

/** One module call and the module calls made inside it (a forward's call tree). */
export interface CallRecord {
	module: TorchModule;
	input: Shape | null;
	output: Shape | null;
	children: CallRecord[];
	/** Bytes of each positional argument (torchinfo's input size); null for one whose size or dtype is unknown. */
	inputBytes?: (number | null)[];
	/** Keyword arguments were passed (torchinfo's input size does not count them). */
	keywordArgs?: boolean;
	/** Calls inside this one past the recording bound. */
	omitted?: number;
	/** The sources of the call's tensor arguments. */
	inbound?: FlowRef[];
	/** Why the first argument's shape is unknown, when it is (shapeCauses.ts). */
	inputCause?: Cause;
	/** Why what the call returned has no shape a row can show, when it has none. */
	outputCause?: Cause;
	/** What PyTorch raises at during this call (a top-level call then returns nothing). */
	raised?: Cause;
	/** A top-level call: the merge ops of its forward, in order, and where its result came from. */
	ops?: OpRecord[];
	outputFlow?: FlowRef[];
}

/** Module calls recorded per top-level call: a loop over a cell 10⁶ times is not a 10⁶-row table. */
export const MAX_CALL_RECORDS = 20_000;

export class TorchModule implements FrameworkObject {
	readonly framework = 'torch';
	readonly kind = 'module';
	pyClass?: ClassValue;
	unknownCause?: Cause;
	taint?: Cause;
	skippedCall?: Cause;
	readonly children = new Map<string, TorchModule>();
	readonly params = new Map<string, TorchParam>();
	readonly buffers = new Map<string, TorchParam>();
	/**
	 * Names registered as None (`register_buffer('mask', None)`, `self.bias = None` over a parameter):
	 * nn.Module.__setattr__ still routes a later assignment of that name by its kind (a tensor set
	 * there becomes the buffer again).
	 */
	readonly noneSlots = new Map<string, 'param' | 'buffer' | 'module'>();
	/** `register_buffer(…, persistent=False)` (not in `state_dict()`), or why that is unknown; unset for a persistent one. */
	readonly transient = new Map<string, true | Cause>();
	/** False when a parameter rule could not decide the weights (e.g. an unknown size). */
	paramsKnown = true;
	/** PyTorch raises building it (its arguments are refused): a run never reaches its forward, so no shape of its own. */
	initRaises = false;
	/** A lazy module not yet called: its weights take their sizes from its first input (catalogue `lazy`). */
	lazyPending = false;
	/** A subclass of Lightning's LightningModule (its methods beyond nn.Module's: `save_hyperparameters`). */
	lightning = false;
	/**
	 * Whether `nn.Module.__init__` has run on it: false from the creation of a source class's instance
	 * whose own `__init__` has yet to call it (nn.Module.__setattr__ refuses a module or parameter
	 * until then, and a second call empties what was registered).
	 */
	baseInit = true;
	/** Its forward hooks and pre-hooks, in the order registered (nn/hooks.ts). */
	readonly forwardHooks: ForwardHook[] = [];
	/** `self.hparams` after `self.save_hyperparameters()`: the saved arguments, by name. */
	hparams: Value | undefined;
	/** A call that may have changed its weights' dtype from float32 (`.half()`, `.to(x)`); bytes are unknown then. */
	dtypeCause?: Cause;
	/**
	 * `self.training`: True when built, False after `.eval()` / `.train(False)` on it or a module
	 * holding it (a forward may branch on it); a Cause when set to a value NormLens cannot determine.
	 */
	training: boolean | Cause = true;
	/** `self.kernel_size = …` in a user module's code (torchinfo's Kernel Shape reads the attribute). */
	kernelAttr?: Value;
	inputShape: Shape | null = null;
	/** Why `inputShape` is null, when the call that set it passed a tensor whose shape was lost before (shapeCauses.ts). */
	inputCause: Cause | undefined;
	/** Why `outputShape` is null, when the module's forward passed on or met an unknown shape. */
	outputCause: Cause | undefined;
	outputShape: Shape | null = null;
	called = false;
	varName: string | undefined;
	attached = false;
	/** Position of the first call among all module calls: summaries list modules in call order. */
	callOrder = Infinity;
	/** The call whose shapes the module reports (its first with a known output), with the calls made inside it. */
	callRecord: CallRecord | undefined;
	/** Built by a bundled model zoo's code (torchvision): its findings are not the user's to fix. */
	library = false;
	/** The builder function or class that a library file defines this model with (`def resnet50`), when NormLens called it. */
	definedAt: TextRange | undefined;

	constructor(
		readonly type: string,
		readonly spec: TorchModuleSpec | undefined,
		readonly config: Map<string, Value>,
		readonly range: TextRange,
		readonly known: boolean,
		readonly createdAtTop: boolean,
		/** Where a quick fix edits the constructor call; undefined for modules built by a local module's code. */
		readonly sites: CallSites | undefined,
	) {}

	/**
	 * `bool(module)`: a Sequential, ModuleList, ModuleDict, ParameterList or ParameterDict is as
	 * true as its length (`if self.shortcut:` on an empty `nn.Sequential()` is False); any other
	 * module is true. Undefined where what it holds, or a source `__len__` / `__bool__`, is not known.
	 */
	truth(): boolean | undefined {
		if (
			this.pyClass &&
			(findMethod(this.pyClass, '__len__') || findMethod(this.pyClass, '__bool__'))
		) {
			return undefined;
		}
		const sized =
			this.spec?.container !== undefined ||
			(this.spec === undefined &&
				this.known &&
				(this.type === 'ParameterList' || this.type === 'ParameterDict'));
		if (!sized) {
			// A module of a class NormLens does not know may define `__len__`.
			return this.known ? true : undefined;
		}
		if (this.unknownCause || this.taint || !this.paramsKnown) {
			return undefined;
		}
		return this.children.size + this.params.size + this.noneSlots.size > 0;
	}

	get isContainer(): boolean {
		return (
			this.spec?.container !== undefined ||
			(this.spec === undefined &&
				this.known &&
				(this.type in stackedModules ||
					this.type === 'ParameterList' ||
					this.type === 'ParameterDict'))
		);
	}
}

/**
 * Modules that hold `num_layers` deep copies of the layer they are given, then an optional final
 * norm (the same object, not a copy), as PyTorch builds them: children `layers` (a ModuleList of
 * the copies) and `norm`; the forward runs the copies in order, then the norm. `layer` names the
 * argument that gives the layer.
 */
export const stackedModules: Record<string, { layer: string }> = {
	TransformerEncoder: { layer: 'encoder_layer' },
	TransformerDecoder: { layer: 'decoder_layer' },
};

/** Each module's path in the model, as `named_modules()` gives it first (`''` for the model). */
export function modulePaths(root: TorchModule): Map<TorchModule, string> {
	const paths = new Map<TorchModule, string>();
	const name = (m: TorchModule, path: string) => {
		if (paths.has(m)) {
			return;
		}
		paths.set(m, path);
		for (const [k, c] of m.children) {
			name(c, path ? `${path}.${k}` : k);
		}
	};
	name(root, '');
	return paths;
}

/** Why a module's own counts are unknown: its own cause, else the first of its parameters' and buffers'. */
export function weightsCause(m: TorchModule): Cause | undefined {
	return (
		m.unknownCause ??
		[...m.params.values(), ...m.buffers.values()].find((p) => p.unknownCause)?.unknownCause
	);
}

/** Why whether a parameter of m (its own) is trainable is unknown, where one's is. */
export function gradCauseOf(m: TorchModule): Cause | undefined {
	return [...m.params.values()].find((p) => p.gradCause)?.gradCause;
}

/**
 * Sets `requires_grad` of a parameter: a bool (or true where no flag is given), else unknown for
 * the flag's cause.
 */
export function setRequiresGrad(
	p: TorchParam,
	flag: Value | undefined,
	fallback: () => Cause,
): void {
	if (flag === undefined || flag.k === 'bool') {
		p.requiresGrad = flag?.k === 'bool' ? flag.v : true;
		p.gradCause = undefined;
	} else {
		p.gradCause = causeOf(flag) ?? fallback();
	}
}

export function walk(m: TorchModule, seen = new Set<TorchModule>()): TorchModule[] {
	if (seen.has(m)) {
		return [];
	}
	seen.add(m);
	return [m, ...[...m.children.values()].flatMap((c) => walk(c, seen))];
}

/**
 * Runs `run` with `root` and every module it holds in training mode `flag`, then gives each module
 * back the mode it had. The example input NormLens gives a model nobody calls runs as torchinfo's
 * summary runs a forward: in eval mode, the model's own modes untouched by it.
 */
export function inMode<T>(root: TorchModule, flag: boolean | Cause, run: () => T): T {
	const modules = walk(root);
	const saved = modules.map((m) => m.training);
	modules.forEach((m) => (m.training = flag));
	try {
		return run();
	} finally {
		modules.forEach((m, i) => (m.training = saved[i] ?? m.training));
	}
}

/** `named_parameters()`: each parameter once, under the first module path that reaches it. */
export function namedParameters(m: TorchModule): [string, TorchParam][] {
	const seen = new Set<TorchParam>();
	const out: [string, TorchParam][] = [];
	for (const [prefix, x] of namedModules(m)) {
		for (const [name, p] of x.params) {
			if (!seen.has(p)) {
				seen.add(p);
				out.push([prefix ? `${prefix}.${name}` : name, p]);
			}
		}
	}
	return out;
}

/** `named_modules()`: each module once, pre-order, with its dotted path from `m` ('' for `m`). */
export function namedModules(
	m: TorchModule,
	prefix = '',
	seen = new Set<TorchModule>(),
): [string, TorchModule][] {
	if (seen.has(m)) {
		return [];
	}
	seen.add(m);
	return [
		[prefix, m],
		...[...m.children].flatMap(([name, c]) =>
			namedModules(c, prefix ? `${prefix}.${name}` : name, seen),
		),
	];
}

/** Children's subtrees first, then the module (the order of `Module.apply`). */
export function postOrder(m: TorchModule, seen = new Set<TorchModule>()): TorchModule[] {
	if (seen.has(m)) {
		return [];
	}
	seen.add(m);
	return [...[...m.children.values()].flatMap((c) => postOrder(c, seen)), m];
}

export function uniqueParams(m: TorchModule): TorchParam[] {
	const out = new Set<TorchParam>();
	for (const x of walk(m)) {
		x.params.forEach((p) => out.add(p));
	}
	return [...out];
}
