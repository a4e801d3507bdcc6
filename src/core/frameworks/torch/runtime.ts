import type { SummarySnapshot } from '../../notebook/printedSummary';
import { einopsShape } from '../common/einops';
import type { Finding } from '../../diagnostics/group';
import type {
	AnalysisDiagnostic,
	LayerSummary,
	ModelSummary,
	ModuleCall,
	Shape,
	TextRange,
	WeightInfo,
} from '../../../protocol/analysis';
import type { CallArgs, CallContext, Runtime } from '../../python/interpreter';
import {
	asInt,
	asSequence,
	asString,
	basePaths,
	Cause,
	causeOf,
	ClassValue,
	findMethod,
	firstCause,
	FrameworkObject,
	NONE,
	toJson,
	tuple,
	UNKNOWN,
	Value,
} from '../../python/values';
import type { PythonSource } from '../../python/parse';
import { childNamed, children } from '../../python/parse';
import { broadcast, matmulShape } from '../common/shapes';
import { fromDefault, REQUIRED, ShapeError, totals } from '../common/spec';
import { TorchModuleSpec, torchModuleSpec } from './catalogue';
import {
	CallRecord,
	MAX_CALL_RECORDS,
	namedModules,
	namedParameters,
	postOrder,
	stackedModules,
	TorchModule,
	TorchParam,
	TorchTensor,
	uniqueParams,
	walk,
} from './objects';

export { TorchModule, TorchParam, TorchTensor } from './objects';
import { elementwise } from './ops/elementwise';
import { fmtShape, shapeValue } from './ops/shapes';
import { tensorMethod } from './ops/tensorMethods';
import { torchFunction } from './ops/torchFunctions';
import { indexShape } from './ops/indexing';
import { MAX_STACKED_LAYERS, SizeBoundError, torchOutputShape, torchParams } from './rules';

/** `torch.nn.modules.conv.Conv2d` and `torch.nn.Conv2d` both name `Conv2d`. */
function torchSubpath(
	path: string,
): { area: 'nn' | 'functional' | 'torch' | 'init'; name: string } | undefined {
	const parts = path.split('.');
	if (parts[0] !== 'torch') {
		return parts.length === 2 && parts[0] === 'collections' && parts[1] === 'OrderedDict'
			? { area: 'torch', name: 'OrderedDict' }
			: undefined;
	}
	const name = parts[parts.length - 1];
	if (parts[1] === 'nn') {
		if (parts[2] === 'functional') {
			return { area: 'functional', name };
		}
		if (parts[2] === 'init') {
			return { area: 'init', name };
		}
		return { area: 'nn', name };
	}
	return { area: 'torch', name };
}

/**
 * Calls that build a whole model from another library, whose source NormLens does not have:
 * torchvision and timm constructors, Hugging Face `from_pretrained`, `torch.hub.load`. What they
 * build is a module of unknown parameters, so that a model holding one has unknown totals.
 */
const externalModelFactories: readonly RegExp[] = [
	/^torchvision\.models\.(?:[a-z_]+\.)?[a-z][a-z0-9_]*$/,
	/^timm\.(?:models\.)?create_model$/,
	/^transformers\.(?:[A-Za-z0-9_]+\.)*from_pretrained$/,
	/^torch\.hub\.load$/,
	/^segmentation_models_pytorch\.[A-Z][A-Za-z0-9]*$/,
];

/**
 * Functions that take a module and return it, as PyTorch documents them: compiled or scripted
 * modules keep their parameters; the weight and spectral normalisations re-parametrise one
 * parameter (`name`, `weight` by default) into others and may add buffers (checked against
 * PyTorch in the unit tests). Keys are the path below `torch.nn.utils`, or the full path.
 */
type ModuleWrapper =
	| 'identity'
	| 'spectral'
	| 'spectralParametrization'
	| 'weightNorm'
	| 'weightNormParametrization'
	| 'orthogonal';
const moduleWrappers: Record<string, ModuleWrapper> = {
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

/** Convolution arguments that PyTorch stores as a tuple of the convolution's rank. */
const tupleSizes = new Set(['kernel_size', 'stride', 'padding', 'dilation', 'output_padding']);

/** F.xxx → the module rule it shares. */
const functionalModules: Record<string, string> = {
	max_pool1d: 'MaxPool1d',
	max_pool2d: 'MaxPool2d',
	max_pool3d: 'MaxPool3d',
	avg_pool1d: 'AvgPool1d',
	avg_pool2d: 'AvgPool2d',
	avg_pool3d: 'AvgPool3d',
	adaptive_avg_pool1d: 'AdaptiveAvgPool1d',
	adaptive_avg_pool2d: 'AdaptiveAvgPool2d',
	adaptive_avg_pool3d: 'AdaptiveAvgPool3d',
	adaptive_max_pool2d: 'AdaptiveMaxPool2d',
	interpolate: 'Upsample',
	upsample: 'Upsample',
	pixel_shuffle: 'PixelShuffle',
	pixel_unshuffle: 'PixelUnshuffle',
};

/** Everything the torch side of the interpreter knows about `torch`, `torch.nn` and tensors. */
export class TorchRuntime implements Runtime {
	/** The analysed file (findings go there, not into the local modules it imports). */
	mainSource: PythonSource | undefined;
	readonly modules: TorchModule[] = [];
	readonly diagnostics: Finding[] = [];
	private readonly reported = new Set<string>();
	private calls = 0;
	/** The module calls under way, innermost last, and how many a top-level call has recorded. */
	private readonly callStack: CallRecord[] = [];
	private callRecords = 0;

	//#region construction

	private bindArgs(
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
				this.report({
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

	/** A module NormLens cannot count (its parameters unknown), with an info saying why. */
	private unknownModule(
		type: string,
		args: CallArgs,
		ctx: CallContext,
		code: string,
		message: string,
	): Value {
		const m = this.createModule(type, undefined, args, ctx, false);
		m.paramsKnown = false;
		m.unknownCause ??= { reason: message.replace(/:.*$/, ''), range: m.range };
		this.report({ range: m.range, severity: 'info', code, message });
		return { k: 'obj', obj: m };
	}

	private report(d: AnalysisDiagnostic): void {
		const key = `${d.code}:${d.range.start.line}:${d.range.start.character}:${d.message}`;
		if (!this.reported.has(key)) {
			this.reported.add(key);
			this.diagnostics.push(d);
		}
	}

	private createModule(
		type: string,
		spec: TorchModuleSpec | undefined,
		args: CallArgs,
		ctx: CallContext,
		known: boolean,
	): TorchModule {
		const range = ctx.range(args.node);
		const cfg = this.bindArgs(spec, args, range, type);
		const m = new TorchModule(
			type,
			spec,
			cfg,
			range,
			known,
			ctx.depth === 0,
			ctx.sites(args.node),
		);
		m.library = ctx.library;
		m.varName = ctx.depth === 0 ? ctx.assignedTo : undefined;
		if (args.cause) {
			// Arguments NormLens could not list (`nn.Conv2d(*cfg)`): not the defaults.
			m.paramsKnown = false;
			m.unknownCause = args.cause;
		} else if (spec && !spec.container) {
			this.initWeights(m, spec, cfg, range, type);
		}
		if (spec?.container) {
			this.fillContainer(
				m,
				args.positional[0] && spec.container !== 'sequential'
					? [args.positional[0]]
					: args.positional,
				ctx,
				args,
			);
		}
		this.modules.push(m);
		return m;
	}

	/**
	 * The parameters and buffers of a catalogue module from its bound arguments; a size NormLens
	 * cannot decide leaves them unknown with that cause, and arguments PyTorch refuses are an error.
	 */
	private initWeights(
		m: TorchModule,
		spec: TorchModuleSpec,
		cfg: Map<string, Value>,
		range: TextRange,
		type: string,
	): void {
		try {
			const weights = torchParams(spec, cfg);
			if (weights === null) {
				m.paramsKnown = false;
				m.unknownCause = firstCause(cfg.values()) ?? {
					reason: `NormLens cannot determine a size of this ${type} from its arguments`,
					range,
				};
			} else {
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
			m.unknownCause = { reason: `nn.${type}: ${e.message} (PyTorch raises here)`, range };
			this.report({
				range,
				severity: 'error',
				code: 'invalid-arguments',
				message: `nn.${type}: ${e.message}.`,
			});
		}
	}

	/**
	 * `nn.ParameterList([...])` / `nn.ParameterDict({...})`: a module whose own parameters are its
	 * items ("0", "1"… or the keys), as `named_parameters()` lists them; an item that is not a
	 * parameter NormLens can read makes its count unknown.
	 */
	private parameterContainer(
		type: 'ParameterList' | 'ParameterDict',
		args: CallArgs,
		ctx: CallContext,
	): TorchModule {
		const m = this.createModule(
			type,
			undefined,
			{ ...args, positional: [], keywords: new Map() },
			ctx,
			true,
		);
		const arg =
			args.positional[0] ??
			args.keywords.get(type === 'ParameterList' ? 'values' : 'parameters');
		if (!arg || arg.k === 'none') {
			return m;
		}
		const entries: [string, Value][] | undefined =
			type === 'ParameterDict'
				? arg.k === 'dict' && !arg.cause
					? [...arg.entries]
					: undefined
				: ctx.iterate(arg)?.map((v, i) => [String(i), v] as [string, Value]);
		for (const [key, v] of entries ?? []) {
			this.addParameter(m, key, v, ctx, args);
		}
		if (!entries) {
			m.paramsKnown = false;
			m.unknownCause ??= causeOf(arg) ?? {
				reason: `NormLens cannot list what this nn.${type} holds`,
				range: m.range,
			};
		}
		return m;
	}

	private addParameter(
		m: TorchModule,
		key: string,
		v: Value,
		ctx: CallContext,
		args: CallArgs,
	): void {
		if (v.k === 'obj' && v.obj instanceof TorchParam) {
			m.params.set(key, v.obj);
			return;
		}
		m.paramsKnown = false;
		m.unknownCause ??= causeOf(v) ?? {
			reason: `item \`${key}\` of this nn.${m.type} is not a parameter NormLens can read`,
			range: ctx.range(args.node),
		};
	}

	private fillContainer(m: TorchModule, items: Value[], ctx: CallContext, args?: CallArgs): void {
		if (args?.cause) {
			m.unknownCause ??= args.cause;
		}
		const add = (key: string, v: Value) => {
			if (v.k === 'obj' && v.obj instanceof TorchModule) {
				this.attach(m, key, v.obj);
			} else {
				this.holdsUnknown(
					m,
					v,
					`element \`${key}\` of this ${m.type} is not a module NormLens can read`,
					ctx,
					args,
					key,
				);
			}
		};
		if (m.spec?.container === 'dict' || (items.length === 1 && items[0].k === 'dict')) {
			const d = items[0];
			if (d?.k === 'dict' && !d.cause) {
				for (const [k, v] of d.entries) {
					add(k, v);
				}
			} else if (d) {
				this.holdsUnknown(
					m,
					d,
					`NormLens cannot list the modules given to this ${m.type}`,
					ctx,
					args,
				);
			}
			return;
		}
		if (m.spec?.container === 'list' && items[0]) {
			const listed = ctx.iterate(items[0]);
			if (!listed) {
				this.holdsUnknown(
					m,
					items[0],
					`NormLens cannot list the modules given to this ${m.type}`,
					ctx,
					args,
				);
				return;
			}
			listed.forEach((v) => add(String(m.children.size), v));
			return;
		}
		items.forEach((v) => add(String(m.children.size), v));
	}

	/**
	 * `m` holds a value that is not a module NormLens can read: its counts are unknown, for that
	 * value's cause if it has one. Given the key it is held under (`seq[1]`), a row of unknown type
	 * stands in its place, so that the rows after it keep PyTorch's names and get no input shape.
	 */
	private holdsUnknown(
		m: TorchModule,
		v: Value,
		reason: string,
		ctx: CallContext,
		args: CallArgs | undefined,
		key?: string,
	): void {
		if (v.k === 'none') {
			return;
		}
		const cause = causeOf(v) ?? { reason, range: args ? ctx.range(args.node) : m.range };
		m.unknownCause ??= cause;
		if (key !== undefined) {
			const stand = new TorchModule(
				'?',
				undefined,
				new Map(),
				cause.range,
				false,
				false,
				undefined,
			);
			stand.paramsKnown = false;
			stand.unknownCause = cause;
			this.modules.push(stand);
			this.attach(m, key, stand);
		}
	}

	/** The shape an einops pattern gives (src/core/frameworks/common/einops.ts); `null` when unknown. */
	private einops(
		kind: 'rearrange' | 'reduce' | 'repeat',
		pattern: Value | undefined,
		input: Shape,
		keywords: ReadonlyMap<string, Value>,
	): Shape | null {
		const text = asString(pattern);
		const sizes = new Map<string, number>();
		for (const [k, v] of keywords) {
			const n = asInt(v);
			if (n !== undefined && k !== 'pattern' && k !== 'reduction') {
				sizes.set(k, n);
			}
		}
		return text === undefined ? null : (einopsShape(kind, text, input, sizes) ?? null);
	}

	/** A deep copy of a module whose whole tree is catalogue modules; `undefined` when a node is a user class's instance. */
	private cloneModule(m: TorchModule): TorchModule | undefined {
		if (m.pyClass) {
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
		copy.unknownCause = m.unknownCause;
		copy.taint = m.taint;
		copy.paramsKnown = m.paramsKnown;
		for (const [from, to] of [
			[m.params, copy.params],
			[m.buffers, copy.buffers],
		] as const) {
			for (const [name, p] of from) {
				const q = new TorchParam(p.shape, p.isBuffer, p.requiresGrad);
				q.unknownCause = p.unknownCause;
				to.set(name, q);
			}
		}
		for (const [name, child] of m.children) {
			const c = this.cloneModule(child);
			if (!c) {
				return undefined;
			}
			this.attach(copy, name, c);
		}
		this.modules.push(copy);
		return copy;
	}

	/** `nn.TransformerEncoder(layer, num_layers, norm)` and its decoder twin (stackedModules). */
	private stackedModule(type: string, args: CallArgs, ctx: CallContext): TorchModule {
		const { layer: layerArg } = stackedModules[type];
		const layer = args.positional[0] ?? args.keywords.get(layerArg);
		const count = args.positional[1] ?? args.keywords.get('num_layers');
		const norm = args.positional[2] ?? args.keywords.get('norm');
		const m = this.createModule(
			type,
			undefined,
			{ ...args, positional: [], keywords: new Map() },
			ctx,
			true,
		);
		const list = new TorchModule(
			'ModuleList',
			torchModuleSpec('ModuleList'),
			new Map(),
			m.range,
			true,
			false,
			undefined,
		);
		this.modules.push(list);
		this.attach(m, 'layers', list);
		if (norm?.k === 'obj' && norm.obj instanceof TorchModule) {
			this.attach(m, 'norm', norm.obj);
		} else if (norm && norm.k !== 'none') {
			m.paramsKnown = false;
			m.unknownCause = causeOf(norm) ?? {
				reason: `the norm of this nn.${type} is not a module NormLens can read`,
				range: m.range,
			};
		}
		const n =
			count?.k === 'num' && Number.isInteger(count.v) && count.v >= 0 ? count.v : undefined;
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
					? this.cloneModule(layer.obj)
					: undefined;
			if (!copy) {
				m.paramsKnown = false;
				m.unknownCause ??= causeOf(layer) ?? {
					reason: `the ${layerArg} of this nn.${type} is not a module NormLens can copy (a copy of a user class is not followed)`,
					range: m.range,
				};
				break;
			}
			this.attach(list, String(i), copy);
		}
		return m;
	}

	private attach(parent: TorchModule, name: string, child: TorchModule): void {
		parent.children.set(name, child);
		child.attached = true;
	}

	//#endregion

	//#region Runtime hooks

	/**
	 * A call NormLens cannot follow on tensors. In a `forward`, `self.encoder(x)` with an `encoder`
	 * it could not read (built by code it does not have) holds parameters it cannot count: the
	 * module's own count, and the totals of any model holding it, become unknown.
	 */
	opaqueCall(
		what: string,
		args: CallArgs,
		_ctx: CallContext,
		holder: FrameworkObject | undefined,
		cause: Cause,
	): Value | undefined {
		if (!args.positional.some((v) => v.k === 'obj' && v.obj instanceof TorchTensor)) {
			return undefined;
		}
		const m = holder instanceof TorchModule ? holder : undefined;
		if (m && m.paramsKnown) {
			m.paramsKnown = false;
			m.unknownCause ??= {
				reason: `\`${what}\` is not a module NormLens can read, so what it holds is unknown`,
				range: cause.range,
			};
		}
		return { k: 'obj', obj: new TorchTensor(null) };
	}

	methodTable(obj: FrameworkObject): string | undefined {
		return obj instanceof TorchModule ? 'torch.module' : undefined;
	}

	callEffect(path: string): 'pure' | 'mutates' | undefined {
		const sub = torchSubpath(path);
		if (!sub || sub.name === 'OrderedDict') {
			return undefined;
		}
		// Re-parametrisations, pruning and in-place parametrisation change the module they receive.
		if (
			/^torch\.nn\.utils\.(spectral_norm|weight_norm|remove_spectral_norm|remove_weight_norm|parametrizations|parametrize|prune)/.test(
				path,
			) ||
			/^torch\.(quantization|ao|fx)\./.test(path)
		) {
			return 'mutates';
		}
		return 'pure';
	}

	isInstance(obj: FrameworkObject, path: string): boolean | undefined {
		const sub = torchSubpath(path);
		if (!(obj instanceof TorchModule) || sub?.area !== 'nn') {
			return undefined;
		}
		if (sub.name === 'Module') {
			return true;
		}
		return (
			obj.type === sub.name ||
			(obj.pyClass
				? basePaths(obj.pyClass).some((b) => torchSubpath(b)?.name === sub.name)
				: false)
		);
	}

	callRef(path: string, args: CallArgs, ctx: CallContext): Value | undefined {
		if (path === 'copy.deepcopy') {
			// A copy of a module built from the catalogue alone (its layers, Sequential, ModuleList):
			// the same weights, new objects. A user class's instance is not copied (its attributes
			// live in the interpreter), so that call stays one NormLens cannot follow.
			const m = args.positional[0];
			const copy =
				m?.k === 'obj' && m.obj instanceof TorchModule
					? this.cloneModule(m.obj)
					: undefined;
			return copy && { k: 'obj', obj: copy };
		}
		const einops = /^einops\.(rearrange|reduce|repeat)$/.exec(path);
		if (einops) {
			const x = args.positional[0] ?? args.keywords.get('tensor');
			const shape =
				x?.k === 'obj' && (x.obj instanceof TorchTensor || x.obj instanceof TorchParam)
					? x.obj.shape
					: null;
			return {
				k: 'obj',
				obj: new TorchTensor(
					shape
						? this.einops(
								einops[1] as 'rearrange',
								args.positional[1] ?? args.keywords.get('pattern'),
								shape,
								args.keywords,
							)
						: null,
				),
			};
		}
		const einopsLayer = /^einops\.layers\.torch\.(Rearrange|Reduce)$/.exec(path);
		if (einopsLayer) {
			// A module without parameters that applies its pattern in forward.
			const m = this.createModule(
				einopsLayer[1],
				undefined,
				{ ...args, positional: [], keywords: new Map() },
				ctx,
				true,
			);
			m.config.set('pattern', args.positional[0] ?? args.keywords.get('pattern') ?? UNKNOWN);
			for (const [k, v] of args.keywords) {
				m.config.set(k, v);
			}
			return { k: 'obj', obj: m };
		}
		if (/^(torchsummary|torchinfo|torch_summary)\.summary$/.test(path)) {
			return this.summaryCall(path.startsWith('torchsummary'), args, ctx);
		}
		if (
			/^torch\.nn\.(?:modules\.batchnorm\.)?SyncBatchNorm\.convert_sync_batchnorm$/.test(path)
		) {
			return this.convertSyncBatchNorm(args.positional[0] ?? args.keywords.get('module'));
		}
		const prune = /^torch\.nn\.utils\.prune\.(\w+)$/.exec(path)?.[1];
		if (prune) {
			return this.prune(prune, args, ctx);
		}
		const wrapper =
			moduleWrappers[
				path.replace(/^torch\.nn\.utils\.(parametrizations\.)?/, (_m, p?: string) =>
					p ? 'parametrizations.' : '',
				)
			];
		if (
			wrapper &&
			/^torch\.(jit\.|compile$|nn\.utils\.|nn\.DataParallel$|nn\.parallel\.)/.test(path)
		) {
			return this.wrapModule(wrapper, args, ctx);
		}
		if (externalModelFactories.some((re) => re.test(path))) {
			return this.unknownModule(
				path,
				args,
				ctx,
				'external-model',
				`NormLens does not read \`${path}\` (a model from another library, not in this file): its parameters and output shape are unknown, and so are the totals of a model that holds it.`,
			);
		}
		const sub = torchSubpath(path);
		if (!sub) {
			return undefined;
		}
		const { area, name } = sub;
		if (area === 'nn') {
			if (name in stackedModules) {
				return { k: 'obj', obj: this.stackedModule(name, args, ctx) };
			}
			if (name === 'Parameter') {
				const t = args.positional[0] ?? args.keywords.get('data');
				const shape = t?.k === 'obj' && t.obj instanceof TorchTensor ? t.obj.shape : null;
				const known = shape && shape.every((d) => d !== null) ? (shape as number[]) : null;
				const rg = args.positional[1] ?? args.keywords.get('requires_grad');
				const p = new TorchParam(known, false, rg?.k === 'bool' ? rg.v : true);
				if (!known || (rg && rg.k !== 'bool')) {
					p.unknownCause = causeOf(t) ??
						causeOf(rg) ?? {
							reason: 'NormLens cannot determine the shape of this nn.Parameter',
							range: ctx.range(args.node),
						};
				}
				return { k: 'obj', obj: p };
			}
			if (name === 'ParameterList' || name === 'ParameterDict') {
				return { k: 'obj', obj: this.parameterContainer(name, args, ctx) };
			}
			const spec = torchModuleSpec(name);
			if (spec) {
				return { k: 'obj', obj: this.createModule(name, spec, args, ctx, true) };
			}
			if (/^[A-Z]/.test(name) && name !== 'Module') {
				return this.unknownModule(
					name,
					args,
					ctx,
					'unknown-layer',
					`NormLens does not know torch.nn.${name} yet: its parameters and output shape are shown as unknown.`,
				);
			}
			return undefined;
		}
		if (area === 'functional') {
			return this.functional(name, args, ctx);
		}
		if (area === 'init') {
			return NONE;
		}
		if (name === 'OrderedDict') {
			const entries = new Map<string, Value>();
			for (const item of ctx.iterate(args.positional[0] ?? { k: 'list', items: [] }) ?? []) {
				const pair = asSequence(item);
				const key = asString(pair?.[0]);
				if (pair && key !== undefined && pair[1]) {
					entries.set(key, pair[1]);
				}
			}
			return { k: 'dict', entries };
		}
		return torchFunction(name, args, ctx, (d) => this.report(d));
	}

	/** `torch.compile(m)`, `spectral_norm(m)`, … (see moduleWrappers): the same module, its parameters changed as PyTorch does. */
	private wrapModule(kind: ModuleWrapper, args: CallArgs, ctx: CallContext): Value {
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
				m.params.set(
					kind === 'weightNorm' ? `${name}_g` : `parametrizations.${name}.original0`,
					param(g),
				);
				m.params.set(
					kind === 'weightNorm' ? `${name}_v` : `parametrizations.${name}.original1`,
					param(shape),
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
	private convertSyncBatchNorm(target: Value | undefined): Value | undefined {
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
			this.modules[this.modules.indexOf(m)] = sync;
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
	private prune(fn: string, args: CallArgs, ctx: CallContext): Value | undefined {
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

	instantiate(
		_cls: ClassValue,
		bases: string[],
		args: CallArgs,
		ctx: CallContext,
	): TorchModule | undefined {
		for (const base of bases) {
			const sub = torchSubpath(base);
			if (sub?.area !== 'nn') {
				continue;
			}
			if (sub.name === 'Module') {
				return this.userModule(_cls, undefined, args, ctx);
			}
			const spec = torchModuleSpec(sub.name);
			if (spec?.container) {
				return this.userModule(_cls, spec, args, ctx);
			}
			if (spec) {
				return this.leafSubclass(_cls, spec, args, ctx);
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
	private leafSubclass(
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
			m.paramsKnown = false;
			m.unknownCause = {
				reason: `\`${cls.name}.__init__\` does not call \`nn.${spec.name}.__init__\` in a way NormLens can follow`,
				range,
			};
		} else {
			this.initLeaf(m, spec, args, range);
		}
		this.modules.push(m);
		return m;
	}

	/** The catalogue base's `__init__` of a leaf subclass, with the arguments it receives. */
	private initLeaf(
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
		for (const [k, v] of this.bindArgs(spec, args, range, spec.name)) {
			m.config.set(k, v);
		}
		if (args.cause) {
			m.paramsKnown = false;
			m.unknownCause = args.cause;
			return;
		}
		this.initWeights(m, spec, m.config, range, spec.name);
	}

	private userModule(
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
		this.modules.push(m);
		return m;
	}

	setAttr(obj: FrameworkObject, name: string, value: Value): boolean {
		if (obj instanceof TorchParam && name === 'requires_grad' && value.k === 'bool') {
			obj.requiresGrad = value.v;
			return true;
		}
		if (!(obj instanceof TorchModule)) {
			return false;
		}
		if (value.k === 'obj' && value.obj instanceof TorchModule) {
			this.attach(obj, name, value.obj);
			return true;
		}
		if (value.k === 'obj' && value.obj instanceof TorchParam) {
			obj.params.set(name, value.obj);
			return true;
		}
		this.noteUnregistered(obj, name, value);
		return false;
	}

	/**
	 * `self.blocks = [nn.Linear(…), …]`: PyTorch registers no module held in a plain list, tuple or
	 * dict — its parameters are not in `parameters()`, `.to(device)` or the optimizer, and NormLens does
	 * not count them either. Said once per attribute, where it is assigned, with the fix.
	 */
	private noteUnregistered(obj: TorchModule, name: string, value: Value): void {
		const items =
			value.k === 'list' || value.k === 'tuple'
				? value.items
				: value.k === 'dict'
					? [...value.entries.values()]
					: [];
		const held = items.filter((v) => v.k === 'obj' && v.obj instanceof TorchModule).length;
		const cls = obj.pyClass;
		const source = cls?.source as PythonSource | undefined;
		if (held === 0 || !cls || !source || obj.library || source !== this.mainSource) {
			return;
		}
		const text = source.text.slice(cls.node.from, cls.node.to);
		const at = new RegExp(`self\\.${name}\\s*=`).exec(text);
		if (!at) {
			return;
		}
		const from = cls.node.from + at.index;
		const kind = value.k === 'dict' ? 'dict' : value.k === 'tuple' ? 'tuple' : 'list';
		this.report({
			range: source.rangeOf({ from, to: from + at[0].length - 1 }),
			severity: 'warning',
			code: 'unregistered-modules',
			message: `\`self.${name}\` holds ${held} module${held === 1 ? '' : 's'} in a plain ${kind}: PyTorch does not register ${held === 1 ? 'it' : 'them'}, so ${held === 1 ? 'its' : 'their'} parameters are not in \`parameters()\`, \`.to(device)\` or the optimizer, and are not counted. Use nn.${kind === 'dict' ? 'ModuleDict' : 'ModuleList'}.`,
		});
	}

	bind(name: string, value: Value, definedAt?: TextRange): void {
		if (value.k === 'obj' && value.obj instanceof TorchModule && !value.obj.attached) {
			value.obj.varName ??= name;
			if (!value.obj.createdAtTop) {
				value.obj.varName = name;
				value.obj.definedAt = definedAt ?? value.obj.definedAt;
			}
		}
	}

	getAttr(obj: FrameworkObject, name: string): Value | undefined {
		if (obj instanceof TorchTensor) {
			if (name === 'shape') {
				return obj.shape ? shapeValue(obj.shape) : UNKNOWN;
			}
			if (name === 'T' && obj.shape) {
				return { k: 'obj', obj: new TorchTensor([...obj.shape].reverse()) };
			}
			if (name === 'ndim' && obj.shape) {
				return { k: 'num', v: obj.shape.length };
			}
			return undefined;
		}
		if (obj instanceof TorchParam) {
			if (name === 'shape') {
				return obj.shape ? shapeValue(obj.shape) : UNKNOWN;
			}
			if (name === 'requires_grad') {
				return { k: 'bool', v: obj.requiresGrad };
			}
			return undefined;
		}
		if (!(obj instanceof TorchModule)) {
			return undefined;
		}
		const child = obj.children.get(name);
		if (child) {
			return { k: 'obj', obj: child };
		}
		const param = obj.params.get(name) ?? obj.buffers.get(name);
		if (param) {
			return { k: 'obj', obj: param };
		}
		if (obj.spec && !obj.spec.container && obj.config.has(name)) {
			const v = obj.config.get(name) as Value;
			// Convolutions keep their sizes as tuples of their rank (`self.stride[0]`), as PyTorch's `_pair` makes them.
			const n = asInt(v);
			return obj.spec.category === 'convolution' &&
				obj.spec.rank &&
				tupleSizes.has(name) &&
				n !== undefined
				? tuple(Array.from({ length: obj.spec.rank }, () => ({ k: 'num', v: n }) as Value))
				: v;
		}
		if (name === 'training') {
			return { k: 'bool', v: true };
		}
		return undefined;
	}

	callObject(obj: FrameworkObject, args: CallArgs, ctx: CallContext): Value | undefined {
		if (obj instanceof TorchModule) {
			return this.callModule(obj, args, ctx);
		}
		return undefined;
	}

	callMethod(
		obj: FrameworkObject,
		name: string,
		args: CallArgs,
		ctx: CallContext,
	): Value | undefined {
		if (name === '__getitem__' && (obj instanceof TorchTensor || obj instanceof TorchParam)) {
			return this.index(obj.shape, args, ctx);
		}
		if (obj instanceof TorchTensor) {
			return tensorMethod(obj, name, args);
		}
		if (obj instanceof TorchParam) {
			if (name === 'requires_grad_') {
				const flag = args.positional[0] ?? args.keywords.get('requires_grad');
				obj.requiresGrad = flag?.k === 'bool' ? flag.v : true;
				return { k: 'obj', obj };
			}
			if (name === 'numel' && obj.shape) {
				return { k: 'num', v: obj.shape.reduce((a, b) => a * b, 1) };
			}
			if (name === 'size' && obj.shape) {
				return shapeValue(obj.shape);
			}
			// A parameter used as a tensor (`self.cls_token.expand(b, -1, -1)`): the tensor's shape rules.
			return obj.shape ? tensorMethod(new TorchTensor(obj.shape), name, args) : UNKNOWN;
		}
		if (obj instanceof TorchModule) {
			return this.moduleMethod(obj, name, args, ctx);
		}
		return undefined;
	}

	binaryOp(op: string, a: Value, b: Value): Value | undefined {
		const shapeOf = (v: Value): Shape | null | undefined =>
			v.k === 'obj' && (v.obj instanceof TorchTensor || v.obj instanceof TorchParam)
				? v.obj.shape
				: v.k === 'num' || v.k === 'bool'
					? []
					: undefined;
		const sa = shapeOf(a);
		const sb = shapeOf(b);
		if (
			sa === undefined ||
			sb === undefined ||
			![
				'+',
				'-',
				'*',
				'/',
				'@',
				'//',
				'**',
				'%',
				'&',
				'|',
				'^',
				'<',
				'>',
				'<=',
				'>=',
				'==',
				'!=',
			].includes(op)
		) {
			return undefined;
		}
		if (sa === null || sb === null) {
			return { k: 'obj', obj: new TorchTensor(null) };
		}
		if (op === '@') {
			return { k: 'obj', obj: new TorchTensor(matmulShape(sa, sb)) };
		}
		return { k: 'obj', obj: new TorchTensor(broadcast(sa, sb)) };
	}

	//#endregion

	//#region calls

	private record(m: TorchModule, input: Shape | null, output: Shape | null): void {
		// The first call with a known output wins; an earlier call on an unknown tensor does not.
		if (!m.called || (m.outputShape === null && output !== null)) {
			if (!m.called) {
				m.callOrder = this.calls++;
			}
			m.called = true;
			m.inputShape = input;
			m.outputShape = output;
		}
	}

	/**
	 * A module call, recorded in the call tree (torchinfo's rows: one per call, nested by the call
	 * stack) before it runs by the module's own rules.
	 */
	private callModule(m: TorchModule, args: CallArgs, ctx: CallContext): Value {
		const first = args.positional[0];
		const rec: CallRecord = {
			module: m,
			input: first?.k === 'obj' && first.obj instanceof TorchTensor ? first.obj.shape : null,
			output: null,
			children: [],
		};
		const parent = this.callStack[this.callStack.length - 1];
		if (parent) {
			if (this.callRecords < MAX_CALL_RECORDS) {
				this.callRecords++;
				parent.children.push(rec);
			} else {
				parent.omitted = (parent.omitted ?? 0) + 1;
			}
		} else {
			this.callRecords = 0;
		}
		this.callStack.push(rec);
		try {
			const out = this.runModule(m, args, ctx);
			const tensor = out.k === 'tuple' ? out.items[0] : out;
			rec.output =
				tensor?.k === 'obj' && tensor.obj instanceof TorchTensor ? tensor.obj.shape : null;
			if (!m.callRecord || (m.callRecord.output === null && rec.output !== null)) {
				m.callRecord = rec;
			}
			return out;
		} finally {
			this.callStack.pop();
		}
	}

	private runModule(m: TorchModule, args: CallArgs, ctx: CallContext): Value {
		const first = args.positional[0];
		const inputShape =
			first?.k === 'obj' && first.obj instanceof TorchTensor ? first.obj.shape : null;
		if (m.taint) {
			// Changed by code NormLens could not follow: what it computes is unknown.
			this.record(m, inputShape, null);
			return { k: 'obj', obj: new TorchTensor(null) };
		}
		const source = m.pyClass ? findMethod(m.pyClass, 'forward') : undefined;
		const forward = source
			? ctx.callFunction(source.fn, args, { k: 'obj', obj: m })
			: undefined;
		if (forward !== undefined) {
			const out =
				forward.k === 'obj' && forward.obj instanceof TorchTensor
					? forward.obj.shape
					: null;
			this.record(m, inputShape, out);
			return forward;
		}
		if ((m.type === 'Rearrange' || m.type === 'Reduce') && !m.spec) {
			const out = inputShape
				? this.einops(
						m.type === 'Rearrange' ? 'rearrange' : 'reduce',
						m.config.get('pattern'),
						inputShape,
						m.config,
					)
				: null;
			this.record(m, inputShape, out);
			return { k: 'obj', obj: new TorchTensor(out, m) };
		}
		if (m.type in stackedModules && !m.spec) {
			// The copies in order (a decoder's also take the memory and masks), then the norm.
			let x: Value = first ?? UNKNOWN;
			const rest = args.positional.slice(1);
			for (const layer of m.children.get('layers')?.children.values() ?? []) {
				x = this.callModule(
					layer,
					{ ...args, positional: [x, ...rest], keywords: new Map() },
					ctx,
				);
			}
			const norm = m.children.get('norm');
			if (norm) {
				x = this.callModule(norm, { ...args, positional: [x], keywords: new Map() }, ctx);
			}
			const out = x.k === 'obj' && x.obj instanceof TorchTensor ? x.obj.shape : null;
			this.record(m, inputShape, out);
			return x;
		}
		if (m.spec?.container === 'sequential') {
			let x: Value = first ?? UNKNOWN;
			for (const child of m.children.values()) {
				x = this.callModule(child, { ...args, positional: [x], keywords: new Map() }, ctx);
			}
			const out = x.k === 'obj' && x.obj instanceof TorchTensor ? x.obj.shape : null;
			this.record(m, inputShape, out);
			return x;
		}
		if (!m.spec || m.spec.container) {
			this.record(m, inputShape, null);
			return UNKNOWN;
		}
		return this.catalogueForward(m, m.spec, args);
	}

	/**
	 * An RNN's final hidden state, as PyTorch returns it beside the output: `h_n` of shape
	 * (layers × directions, N, H_out) — batch_first does not reorder it — and for an LSTM the tuple
	 * (h_n, c_n), c_n with the hidden size (h_n with proj_size when set); unbatched input drops N.
	 */
	private rnnHidden(m: TorchModule, spec: TorchModuleSpec, input: Shape | null): Value {
		const layers = asInt(m.config.get('num_layers'));
		const hidden = asInt(m.config.get('hidden_size'));
		const bi = m.config.get('bidirectional');
		const proj = asInt(m.config.get('proj_size')) ?? 0;
		const batchFirst = m.config.get('batch_first');
		if (
			!input ||
			layers === undefined ||
			hidden === undefined ||
			bi?.k !== 'bool' ||
			batchFirst?.k !== 'bool' ||
			(input.length !== 2 && input.length !== 3)
		) {
			return UNKNOWN;
		}
		const lead = layers * (bi.v ? 2 : 1);
		const n = input.length === 3 ? [batchFirst.v ? input[0] : input[1]] : [];
		const t = (size: number): Value => ({
			k: 'obj',
			obj: new TorchTensor([lead, ...n, size], m),
		});
		return spec.gates === 4 ? tuple([t(proj > 0 ? proj : hidden), t(hidden)]) : t(hidden);
	}

	/** A catalogue module's forward by its shape rule, recorded as the module's call unless it runs inside the module's own `forward`. */
	private catalogueForward(
		m: TorchModule,
		spec: TorchModuleSpec,
		args: CallArgs,
		asModuleCall = true,
	): Value {
		const first = args.positional[0];
		const inputs = args.positional.map((v) =>
			v.k === 'obj' && v.obj instanceof TorchTensor ? v.obj.shape : null,
		);
		let out: Shape | null = null;
		if (inputs.length > 0 && inputs.every((s): s is Shape => s !== null)) {
			try {
				out = torchOutputShape(spec, m.config, inputs, `${m.type}`);
			} catch (e) {
				if (!(e instanceof ShapeError)) {
					throw e;
				}
				const batchOne = e.code === 'batch-size-one';
				this.report({
					range: m.range,
					severity: batchOne ? 'warning' : 'error',
					code: e.code,
					message: `${e.message}.`,
				});
				if (batchOne && inputs[0]) {
					out = inputs[0];
				}
			}
		}
		if (asModuleCall) {
			this.record(m, inputs[0] ?? null, out);
		}
		if (first?.k === 'obj' && first.obj instanceof TorchTensor) {
			this.checkBiasBeforeNorm(first.obj.producer, m);
		}
		const tensor: Value = { k: 'obj', obj: new TorchTensor(out, m) };
		if (spec.shape === 'rnn') {
			return tuple([tensor, this.rnnHidden(m, spec, inputs[0] ?? null)]);
		}
		if (spec.shape === 'multiheadAttention') {
			return tuple([tensor, UNKNOWN]);
		}
		return tensor;
	}

	/**
	 * `summary(model, input_size=…)` from torchsummary (sizes without the batch, which it prints as
	 * -1) or torchinfo (sizes with the batch, or `input_data=`): the example input of the model.
	 */
	private summaryCall(withoutBatch: boolean, args: CallArgs, ctx: CallContext): Value {
		const model = args.positional[0] ?? args.keywords.get('model');
		if (model?.k !== 'obj' || !(model.obj instanceof TorchModule)) {
			return NONE;
		}
		const sizeArg = args.positional[1] ?? args.keywords.get('input_size');
		const data = args.keywords.get('input_data');
		const toShape = (v: Value): Shape | undefined => {
			const d = asSequence(v)?.map(asInt);
			return d && d.length > 0 && d.every((x) => x !== undefined)
				? (d as number[])
				: undefined;
		};
		let inputs: Value[] = [];
		if (data) {
			inputs = (ctx.iterate(data) ?? [data]).filter(
				(v) => v.k === 'obj' && v.obj instanceof TorchTensor,
			);
			if (data.k === 'obj' && data.obj instanceof TorchTensor) {
				inputs = [data];
			}
		} else if (sizeArg) {
			const single = toShape(sizeArg);
			const shapes = single ? [single] : (asSequence(sizeArg)?.map(toShape) ?? []);
			if (shapes.every((x) => x !== undefined)) {
				inputs = (shapes as Shape[]).map(
					(s) =>
						({
							k: 'obj',
							obj: new TorchTensor(withoutBatch ? [null, ...s] : s),
						}) as Value,
				);
			}
		}
		if (inputs.length > 0) {
			// The summary's input wins over another call: its rows are the ones the notebook printed
			// (torchinfo's batch 128, not the batch 1 of an earlier `vit(image)`).
			if (model.obj.called) {
				for (const m of walk(model.obj)) {
					m.called = false;
					m.inputShape = null;
					m.outputShape = null;
					m.callOrder = Infinity;
					m.callRecord = undefined;
				}
			}
			this.callModule(model.obj, { ...args, positional: inputs, keywords: new Map() }, ctx);
		}
		// The model argument as written: the first positional one, or `model=…` (keyword arguments are flat in the parse tree).
		const parts = (() => {
			const list = childNamed(args.node, 'ArgList');
			return list ? children(list).filter((c) => !['(', ')', ','].includes(c.name)) : [];
		})();
		const keywordAt = parts.findIndex(
			(c, i) => parts[i + 1]?.name === 'AssignOp' && ctx.source.slice(c) === 'model',
		);
		const first =
			keywordAt >= 0
				? parts[keywordAt + 2]
				: parts[1]?.name === 'AssignOp'
					? undefined
					: parts[0];
		const written =
			first && ctx.sites(args.node) !== undefined ? ctx.source.slice(first) : undefined;
		const label = written && /^[A-Za-z_][\w.[\]'"]*$/.test(written) ? written : undefined;
		if (
			model.obj.attached &&
			label &&
			!this.summarizedParts.some((p) => p.module === model.obj)
		) {
			// `summary(model.generator, …)`: the part the user asked about is a model of its own, named as written.
			this.summarizedParts.push({ module: model.obj, label, range: ctx.range(args.node) });
		}
		// What the summary prints here, as the model is at this call (checked against a notebook's stored output).
		const s = this.summarize(
			model.obj,
			label ?? model.obj.varName ?? model.obj.type,
			ctx.range(args.node),
		);
		this.summarySnapshots.push({
			range: ctx.range(args.node),
			name: s.name,
			totals: s.totals,
			unknown: s.unknown,
		});
		return NONE;
	}

	/** The models a torchsummary / torchinfo call printed, as they were at each call. */
	readonly summarySnapshots: SummarySnapshot[] = [];

	/** Sub-modules a summary call printed on their own (`summary(model.generator, …)`), reported as models. */
	private readonly summarizedParts: { module: TorchModule; label: string; range: TextRange }[] =
		[];

	private checkBiasBeforeNorm(prev: TorchModule | null, m: TorchModule): void {
		// A module built by torchvision's code as NormLens has it is not the user's to fix.
		if (
			!prev ||
			prev.library ||
			!m.type.startsWith('BatchNorm') ||
			!['Linear', 'Conv1d', 'Conv2d', 'Conv3d'].includes(prev.type)
		) {
			return;
		}
		const bias = prev.config.get('bias');
		const affine = m.config.get('affine');
		if (bias?.k !== 'bool' || !bias.v || affine?.k !== 'bool' || !affine.v) {
			return;
		}
		const n = prev.params.get('bias')?.shape?.[0];
		this.report({
			range: prev.range,
			severity: 'warning',
			code: 'redundant-bias',
			message: `The bias of this ${prev.type} is redundant: the ${m.type} that follows subtracts the batch mean and adds its own β. Set bias=False${n !== undefined ? ` to save ${n} parameters` : ''}.`,
			fix: prev.sites && {
				title: 'Set bias=False',
				edits: [prev.sites.setKeyword('bias', 'False')],
			},
		});
	}

	private moduleMethod(
		m: TorchModule,
		name: string,
		args: CallArgs,
		ctx: CallContext,
	): Value | undefined {
		const a = args.positional;
		const self: Value = { k: 'obj', obj: m };
		if ((m.type === 'ParameterList' || m.type === 'ParameterDict') && !m.spec) {
			const held = this.parameterMethod(m, name, args, ctx);
			if (held !== undefined) {
				return held;
			}
		}
		switch (name) {
			case '__delitem__': {
				// `del seq[i]` / `del modules["key"]`: the child goes; a Sequential / ModuleList renumbers the rest, as PyTorch does.
				const kids = [...m.children.entries()];
				const i = asInt(a[0]);
				const key =
					asString(a[0]) ??
					(i !== undefined ? kids[i < 0 ? kids.length + i : i]?.[0] : undefined);
				if (!m.spec?.container || key === undefined || !m.children.has(key)) {
					return undefined;
				}
				m.children.delete(key);
				if (m.spec.container !== 'dict') {
					const rest = [...m.children.values()];
					m.children.clear();
					rest.forEach((c, j) => m.children.set(String(j), c));
				}
				return NONE;
			}
			case 'add_module':
			case 'register_module': {
				const key = asString(a[0]);
				if (key !== undefined && a[1]?.k === 'obj' && a[1].obj instanceof TorchModule) {
					this.attach(m, key, a[1].obj);
				} else if (a[1]?.k !== 'none') {
					this.holdsUnknown(
						m,
						a[1] ?? UNKNOWN,
						key === undefined
							? `NormLens cannot tell the name this ${name} registers`
							: `\`${key}\` is not a module NormLens can read`,
						ctx,
						args,
						key,
					);
				}
				return NONE;
			}
			case 'register_buffer': {
				const key = asString(a[0]);
				const t = a[1] ?? args.keywords.get('tensor');
				const persistent = args.keywords.get('persistent') ?? a[2];
				if (key !== undefined && t?.k === 'obj' && t.obj instanceof TorchTensor) {
					const shape =
						t.obj.shape && t.obj.shape.every((d) => d !== null)
							? (t.obj.shape as number[])
							: null;
					const b = new TorchParam(shape, true);
					if (!shape) {
						b.unknownCause = {
							reason: `NormLens cannot determine the shape of buffer \`${key}\``,
							range: ctx.range(args.node),
						};
					}
					m.buffers.set(key, b);
					void persistent;
				} else if (t?.k !== 'none') {
					this.holdsUnknown(
						m,
						t ?? UNKNOWN,
						`NormLens cannot read the buffer this register_buffer adds`,
						ctx,
						args,
					);
				}
				return NONE;
			}
			case 'register_parameter': {
				const key = asString(a[0]);
				if (key !== undefined && a[1]?.k === 'obj' && a[1].obj instanceof TorchParam) {
					m.params.set(key, a[1].obj);
				} else if (a[1]?.k !== 'none') {
					this.holdsUnknown(
						m,
						a[1] ?? UNKNOWN,
						`NormLens cannot read the parameter this register_parameter adds`,
						ctx,
						args,
					);
				}
				return NONE;
			}
			case 'parameters':
				return {
					k: 'list',
					items: uniqueParams(m).map((p) => ({ k: 'obj', obj: p }) as Value),
				};
			case 'named_parameters':
				// The dotted names PyTorch gives (`layer1.0.conv1.weight`), a shared parameter once: code that freezes by name reads them.
				return {
					k: 'list',
					items: namedParameters(m).map(([name, p]) =>
						tuple([
							{ k: 'str', v: name },
							{ k: 'obj', obj: p },
						]),
					),
				};
			case 'named_modules':
				return {
					k: 'list',
					items: namedModules(m).map(([name, x]) =>
						tuple([
							{ k: 'str', v: name },
							{ k: 'obj', obj: x },
						]),
					),
				};
			case 'named_children':
				return {
					k: 'list',
					items: [...m.children].map(([name, c]) =>
						tuple([
							{ k: 'str', v: name },
							{ k: 'obj', obj: c },
						]),
					),
				};
			case 'children':
				return {
					k: 'list',
					items: [...m.children.values()].map((c) => ({ k: 'obj', obj: c }) as Value),
				};
			case 'modules':
				return { k: 'list', items: walk(m).map((c) => ({ k: 'obj', obj: c }) as Value) };
			case 'requires_grad_': {
				const flag = a[0] ?? args.keywords.get('requires_grad');
				const v = flag?.k === 'bool' ? flag.v : true;
				uniqueParams(m).forEach((p) => (p.requiresGrad = v));
				return self;
			}
			case 'eval':
			case 'train':
			case 'to':
			case 'cuda':
			case 'cpu':
			case 'float':
			case 'double':
			case 'half':
				return self;
			case 'apply': {
				// PyTorch's order: every child's subtree first, then the module itself.
				const fn = a[0] ?? args.keywords.get('fn');
				if (!fn) {
					return self;
				}
				for (const x of postOrder(m)) {
					ctx.call(fn, {
						positional: [{ k: 'obj', obj: x }],
						keywords: new Map(),
						node: args.node,
					});
				}
				return self;
			}
			case 'forward':
				return this.callModule(m, args, ctx);
			case 'append':
				if (a[0]?.k === 'obj' && a[0].obj instanceof TorchModule) {
					this.attach(m, String(m.children.size), a[0].obj);
				} else {
					this.holdsUnknown(
						m,
						a[0] ?? UNKNOWN,
						`what this append adds is not a module NormLens can read`,
						ctx,
						args,
						String(m.children.size),
					);
				}
				return self;
			case 'extend': {
				const items = ctx.iterate(a[0] ?? UNKNOWN);
				if (!items) {
					this.holdsUnknown(
						m,
						a[0] ?? UNKNOWN,
						`NormLens cannot list what this extend adds`,
						ctx,
						args,
					);
					return self;
				}
				for (const v of items) {
					if (v.k === 'obj' && v.obj instanceof TorchModule) {
						this.attach(m, String(m.children.size), v.obj);
					} else {
						this.holdsUnknown(
							m,
							v,
							`what this extend adds is not a module NormLens can read`,
							ctx,
							args,
							String(m.children.size),
						);
					}
				}
				return self;
			}
			case '__setitem__': {
				// seq[i] = module / md["k"] = module: replaces (or adds) that child.
				const i = asInt(a[0]);
				const key = asString(a[0]);
				const kids = [...m.children.keys()];
				const at =
					key !== undefined
						? key
						: i !== undefined
							? kids[i < 0 ? kids.length + i : i]
							: undefined;
				if (
					!m.spec?.container ||
					at === undefined ||
					!(a[1]?.k === 'obj' && a[1].obj instanceof TorchModule)
				) {
					return undefined;
				}
				const old = m.children.get(at);
				if (old) {
					old.attached = false;
				}
				this.attach(m, at, a[1].obj);
				return NONE;
			}
			case '__getitem__': {
				if (
					a[0]?.k === 'slice' &&
					(m.spec?.container === 'sequential' || m.spec?.container === 'list')
				) {
					// seq[a:b]: a new container of the same modules (PyTorch shares them), keys renumbered for a Sequential.
					const { start, stop, step } = a[0];
					if (start === null || stop === null || step === null) {
						return undefined;
					}
					const entries = [...m.children];
					const n = entries.length;
					const st = step ?? 1;
					const norm = (x: number | undefined, d: number) =>
						x === undefined ? d : x < 0 ? Math.max(0, n + x) : Math.min(n, x);
					const picked: [string, TorchModule][] = [];
					if (st > 0) {
						for (let k = norm(start, 0); k < norm(stop, n); k += st) {
							picked.push(entries[k]);
						}
					} else {
						return undefined;
					}
					const out = new TorchModule(
						m.type,
						m.spec,
						new Map(),
						ctx.range(args.node),
						true,
						false,
						undefined,
					);
					picked.forEach(([k, c], idx) =>
						out.children.set(m.spec?.container === 'sequential' ? String(idx) : k, c),
					);
					out.unknownCause = m.unknownCause;
					this.modules.push(out);
					return { k: 'obj', obj: out };
				}
				const i = asInt(a[0]);
				const key = asString(a[0]);
				const kids = [...m.children.values()];
				const child =
					key !== undefined
						? m.children.get(key)
						: i !== undefined
							? kids[i < 0 ? kids.length + i : i]
							: undefined;
				return child ? { k: 'obj', obj: child } : UNKNOWN;
			}
			case '__iter__':
				return {
					k: 'list',
					items: [...(m.spec?.container === 'dict' ? m.children.keys() : [])]
						.map((k) => ({ k: 'str', v: k }) as Value)
						.concat(
							m.spec?.container === 'dict'
								? []
								: [...m.children.values()].map(
										(c) => ({ k: 'obj', obj: c }) as Value,
									),
						),
				};
			case 'items':
				return {
					k: 'list',
					items: [...m.children].map(([k, c]) =>
						tuple([
							{ k: 'str', v: k },
							{ k: 'obj', obj: c },
						]),
					),
				};
			case 'keys':
				return {
					k: 'list',
					items: [...m.children.keys()].map((k) => ({ k: 'str', v: k }) as Value),
				};
			case 'values':
				return {
					k: 'list',
					items: [...m.children.values()].map((c) => ({ k: 'obj', obj: c }) as Value),
				};
			default:
				return undefined;
		}
	}

	/** What a ParameterList / ParameterDict does with its parameters (undefined: a module method, or one NormLens does not model). */
	private parameterMethod(
		m: TorchModule,
		name: string,
		args: CallArgs,
		ctx: CallContext,
	): Value | undefined {
		const a = args.positional;
		const items = [...m.params];
		switch (name) {
			case '__getitem__': {
				const key = asString(a[0]);
				const i = asInt(a[0]);
				const p =
					key !== undefined
						? m.params.get(key)
						: i !== undefined
							? items[i < 0 ? items.length + i : i]?.[1]
							: undefined;
				return p && m.paramsKnown ? { k: 'obj', obj: p } : UNKNOWN;
			}
			case '__iter__':
				return m.paramsKnown
					? {
							k: 'list',
							items: items.map(
								([k, p]) =>
									(m.type === 'ParameterDict'
										? { k: 'str', v: k }
										: { k: 'obj', obj: p }) as Value,
							),
						}
					: undefined;
			case '__len__':
				return m.paramsKnown ? { k: 'num', v: items.length } : UNKNOWN;
			case 'values':
				return m.paramsKnown
					? { k: 'list', items: items.map(([, p]) => ({ k: 'obj', obj: p }) as Value) }
					: UNKNOWN;
			case 'keys':
				return m.paramsKnown
					? { k: 'list', items: items.map(([k]) => ({ k: 'str', v: k }) as Value) }
					: UNKNOWN;
			case 'items':
				return m.paramsKnown
					? {
							k: 'list',
							items: items.map(([k, p]) =>
								tuple([
									{ k: 'str', v: k },
									{ k: 'obj', obj: p },
								]),
							),
						}
					: UNKNOWN;
			case 'append':
				if (m.type === 'ParameterList' && a[0]) {
					this.addParameter(m, String(m.params.size), a[0], ctx, args);
					return NONE;
				}
				return undefined;
			case 'extend':
				if (m.type === 'ParameterList' && a[0]) {
					const more = ctx.iterate(a[0]);
					for (const v of more ?? [UNKNOWN]) {
						this.addParameter(m, String(m.params.size), v, ctx, args);
					}
					return NONE;
				}
				return undefined;
			default:
				return undefined;
		}
	}

	/**
	 * `super().__init__(…)` of a module class: a container base (nn.Sequential) takes its children, a
	 * layer base (nn.LayerNorm) its arguments; `super().forward(x)` of a layer subclass is the layer's own
	 * computation (its shape rule).
	 */
	callBaseMethod(
		obj: FrameworkObject,
		name: string,
		args: CallArgs,
		ctx: CallContext,
	): Value | undefined {
		if (!(obj instanceof TorchModule)) {
			return undefined;
		}
		if (name === '__init__') {
			if (obj.spec?.container) {
				this.fillContainer(
					obj,
					obj.spec.container === 'sequential'
						? args.positional
						: args.positional.slice(0, 1),
					ctx,
				);
			} else if (obj.spec) {
				this.initLeaf(obj, obj.spec, args, obj.range);
			}
			return NONE;
		}
		if (name === 'forward' && obj.spec && !obj.spec.container) {
			return this.catalogueForward(obj, obj.spec, args, false);
		}
		return undefined;
	}

	/** `x[:, -1]`, `self.pos[:, :n]`, `x[..., None]` on a tensor or a parameter of this shape. */
	private index(shape: Shape | null, args: CallArgs, ctx: CallContext): Value {
		const key = args.positional[0];
		if (!shape || !key) {
			return { k: 'obj', obj: new TorchTensor(null) };
		}
		try {
			return { k: 'obj', obj: new TorchTensor(indexShape(shape, key)) };
		} catch (e) {
			if (!(e instanceof ShapeError)) {
				throw e;
			}
			this.report({
				range: ctx.range(args.node),
				severity: 'error',
				code: e.code,
				message: `Indexing a tensor of shape ${fmtShape(shape)}: ${e.message}.`,
			});
			return { k: 'obj', obj: new TorchTensor(null) };
		}
	}

	/** A functional op's output by its module's shape rule; a shape PyTorch refuses is an error and the output unknown. */
	private ruleOutput(
		spec: TorchModuleSpec,
		cfg: Map<string, Value>,
		input: Shape,
		name: string,
		range: TextRange,
	): TorchTensor {
		try {
			return new TorchTensor(torchOutputShape(spec, cfg, [input], `F.${name}`));
		} catch (e) {
			if (!(e instanceof ShapeError)) {
				throw e;
			}
			this.report({
				range,
				severity: 'error',
				code: 'shape-mismatch',
				message: `${e.message}.`,
			});
			return new TorchTensor(null);
		}
	}

	private functional(name: string, args: CallArgs, ctx: CallContext): Value {
		const x = args.positional[0];
		const t = x?.k === 'obj' && x.obj instanceof TorchTensor ? x.obj : undefined;
		if (elementwise.has(name)) {
			return { k: 'obj', obj: new TorchTensor(t?.shape ?? null, t?.producer ?? null) };
		}
		const moduleName = functionalModules[name];
		const spec = moduleName ? torchModuleSpec(moduleName) : undefined;
		if (spec && t?.shape) {
			const rest: CallArgs = { ...args, positional: args.positional.slice(1) };
			const cfg = this.bindArgs(spec, rest, ctx.range(args.node), moduleName);
			return {
				k: 'obj',
				obj: this.ruleOutput(spec, cfg, t.shape, name, ctx.range(args.node)),
			};
		}
		const conv = /^conv([123])d$/.exec(name);
		if (conv && t?.shape) {
			// F.conv2d(x, weight, bias, stride, padding, dilation, groups): Conv2d's rule, with the sizes read from the weight.
			const w = args.positional[1] ?? args.keywords.get('weight');
			const wShape =
				w?.k === 'obj' && (w.obj instanceof TorchTensor || w.obj instanceof TorchParam)
					? w.obj.shape
					: null;
			const groups = asInt(
				args.positional[6] ?? args.keywords.get('groups') ?? { k: 'num', v: 1 },
			);
			if (!wShape || wShape.some((d) => d === null) || groups === undefined) {
				return { k: 'obj', obj: new TorchTensor(null) };
			}
			const spec = torchModuleSpec(`Conv${conv[1]}d`) as TorchModuleSpec;
			const ws = wShape as number[];
			const keywords = new Map<string, Value>([
				['in_channels', { k: 'num', v: ws[1] * groups }],
				['out_channels', { k: 'num', v: ws[0] }],
				['kernel_size', tuple(ws.slice(2).map((v) => ({ k: 'num', v }) as Value))],
				['groups', { k: 'num', v: groups }],
			]);
			['stride', 'padding', 'dilation'].forEach((key, i) => {
				const v = args.positional[3 + i] ?? args.keywords.get(key);
				if (v) {
					keywords.set(key, v);
				}
			});
			const cfg = this.bindArgs(
				spec,
				{ ...args, positional: [], keywords },
				ctx.range(args.node),
				spec.name,
			);
			return {
				k: 'obj',
				obj: this.ruleOutput(spec, cfg, t.shape, name, ctx.range(args.node)),
			};
		}
		if (name === 'pad' && t?.shape) {
			const pads = asSequence(args.positional[1])?.map(asInt);
			if (pads && pads.every((p) => p !== undefined)) {
				const s = [...t.shape];
				for (let i = 0; i < pads.length / 2; i++) {
					const axis = s.length - 1 - i;
					const d = s[axis];
					s[axis] =
						d === null
							? null
							: d + (pads[2 * i] as number) + (pads[2 * i + 1] as number);
				}
				return { k: 'obj', obj: new TorchTensor(s) };
			}
		}
		return { k: 'obj', obj: new TorchTensor(null) };
	}

	//#endregion

	//#region results

	/** Top-level models: unattached user modules and containers, by the name they were bound to. */
	roots(): TorchModule[] {
		return this.modules.filter(
			(m) =>
				!m.attached &&
				(m.createdAtTop || m.varName !== undefined) &&
				(m.pyClass !== undefined ||
					(m.isContainer && (m.children.size > 0 || m.unknownCause !== undefined))),
		);
	}

	/** The totals now of the models whose lens is on lines [from, to] (a notebook cell that just ran). */
	totalsNow(
		from: number,
		to: number,
	): { name: string; range: TextRange; totals: ModelSummary['totals'] }[] {
		return this.roots()
			.filter(
				(root) =>
					(root.definedAt ?? root.range).start.line >= from &&
					(root.definedAt ?? root.range).start.line <= to,
			)
			.map((root) => {
				const s = this.summarize(
					root,
					root.varName ?? root.type,
					root.definedAt ?? root.range,
				);
				return { name: s.name, range: s.range, totals: s.totals };
			});
	}

	summaries(): ModelSummary[] {
		const parts = this.summarizedParts.map((p) => ({
			root: p.module,
			name: p.label,
			range: p.range,
		}));
		return [
			...this.roots().map((root) => ({
				root,
				name: root.varName ?? root.type,
				range: root.definedAt ?? root.range,
			})),
			...parts,
		].map(({ root, name, range }) => ({
			...this.summarize(root, name, range),
			...this.callRows(root),
		}));
	}

	private summarize(root: TorchModule, name: string, range: TextRange): ModelSummary {
		const rowModules = new Map<TorchModule, LayerSummary>();
		const rows: LayerSummary[] = [];
		const seen = new Set<TorchModule>();
		const visit = (m: TorchModule, path: string) => {
			if (seen.has(m)) {
				return;
			}
			seen.add(m);
			const ownWeights = m.params.size + m.buffers.size > 0 || !m.paramsKnown;
			if ((m.children.size === 0 && m !== root) || (ownWeights && m.children.size > 0)) {
				const r = this.row(m, path || root.varName || m.type);
				rowModules.set(m, r);
				rows.push(r);
			}
			for (const [k, c] of m.children) {
				visit(c, path ? `${path}.${k}` : k);
			}
		};
		visit(root, '');
		// Call order, as torchsummary and torchinfo print them; modules never called keep their
		// registration order, after the called ones (a stable sort).
		const order = new Map(rows.map((r, i) => [r, i]));
		const callOrder = new Map<LayerSummary, number>();
		for (const [m, r] of rowModules) {
			callOrder.set(r, m.callOrder);
		}
		rows.sort(
			(a, b) =>
				(callOrder.get(a) ?? Infinity) - (callOrder.get(b) ?? Infinity) ||
				(order.get(a) as number) - (order.get(b) as number),
		);
		const totals = moduleTotals(root, rows);
		return {
			name,
			frameworkName: root.type,
			framework: 'torch',
			kind: 'module',
			range,
			layers: rows,
			totals,
			unknown: totals.total === null ? this.totalsCause(root, rows) : undefined,
		};
	}

	/**
	 * The model's forward as torchinfo lists it: the model's own call at depth 0, then every module
	 * call inside it, depth-first in call order; a module that ran before in it is a repeat, so counts stay per module.
	 */
	private callRows(root: TorchModule): Pick<ModelSummary, 'calls' | 'callsOmitted'> {
		const top = root.callRecord;
		if (!top) {
			return {};
		}
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
		const params = new Map<TorchModule, number | null>();
		const subtreeParams = (m: TorchModule): number | null => {
			if (!params.has(m)) {
				let n: number | null = 0;
				for (const x of walk(m)) {
					const own = x.paramsKnown
						? [...x.params.values()].reduce<number | null>(
								(s, p) =>
									s === null || p.shape === null
										? null
										: s + p.shape.reduce((a, b) => a * b, 1),
								0,
							)
						: null;
					n = n === null || own === null ? null : n + own;
				}
				params.set(m, n);
			}
			return params.get(m) as number | null;
		};
		const calls: ModuleCall[] = [];
		const ran = new Set<TorchModule>();
		let omitted = top.omitted ?? 0;
		const visit = (rec: CallRecord, depth: number) => {
			for (const c of rec.children) {
				const m = c.module;
				calls.push({
					name: paths.get(m) || m.type,
					type: m.type,
					depth,
					inputShape: c.input,
					outputShape: c.output,
					params: subtreeParams(m),
					repeat: ran.has(m),
				});
				ran.add(m);
				omitted += c.omitted ?? 0;
				visit(c, depth + 1);
			}
		};
		calls.push({
			name: root.varName ?? root.type,
			type: root.type,
			depth: 0,
			inputShape: top.input,
			outputShape: top.output,
			params: subtreeParams(root),
			repeat: false,
		});
		ran.add(root);
		visit(top, 1);
		return omitted > 0 ? { calls, callsOmitted: omitted } : { calls };
	}

	/** The first cause, in module order, of a model's unknown totals. */
	private totalsCause(root: TorchModule, rows: LayerSummary[]): Cause {
		for (const m of walk(root)) {
			const c =
				m.unknownCause ??
				[...m.params.values(), ...m.buffers.values()].find((p) => p.unknownCause)
					?.unknownCause;
			if (c) {
				return c;
			}
		}
		return (
			rows.find((r) => r.unknown)?.unknown ?? {
				reason: `NormLens cannot determine every parameter of ${root.varName ?? root.type}`,
				range: root.range,
			}
		);
	}

	private row(m: TorchModule, name: string): LayerSummary {
		const weights: WeightInfo[] | null = m.paramsKnown
			? [
					...[...m.params].map(([n, p]) => ({
						name: n,
						shape: p.shape ?? [],
						kind: 'param' as const,
						trainable: p.requiresGrad,
					})),
					...[...m.buffers].map(([n, p]) => ({
						name: n,
						shape: p.shape ?? [],
						kind: 'buffer' as const,
						trainable: false,
					})),
				]
			: null;
		const unknownShape = [...m.params.values(), ...m.buffers.values()].some(
			(p) => p.shape === null,
		);
		const config: Record<string, unknown> = {};
		for (const [k, v] of m.config) {
			config[k] = toJson(v);
		}
		let params: LayerSummary['params'] = null;
		if (weights && !unknownShape) {
			const n = (w: WeightInfo) => w.shape.reduce((x, y) => x * y, 1);
			const total = weights.filter((w) => w.kind === 'param').reduce((s, w) => s + n(w), 0);
			const trainable = weights
				.filter((w) => w.kind === 'param' && w.trainable)
				.reduce((s, w) => s + n(w), 0);
			const buffers = weights
				.filter((w) => w.kind === 'buffer')
				.reduce((s, w) => s + n(w), 0);
			params = { total, trainable, nonTrainable: total - trainable, buffers };
		}
		const paramCause = [...m.params.values(), ...m.buffers.values()].find(
			(p) => p.unknownCause,
		)?.unknownCause;
		const unknownCause =
			params === null
				? (m.unknownCause ??
					paramCause ??
					firstCause(m.config.values()) ?? {
						reason: `NormLens cannot determine the parameters of this ${m.type}`,
						range: m.range,
					})
				: m.outputShape === null && !m.isContainer
					? this.shapeCause(m)
					: undefined;
		return {
			name,
			type: m.type,
			framework: 'torch',
			range: m.range,
			inputShape: m.inputShape,
			outputShape: m.outputShape,
			params,
			weights,
			config,
			known: m.known,
			inbound: [],
			unknown: unknownCause,
		};
	}

	/** Why a module's output shape is unknown. */
	private shapeCause(m: TorchModule): Cause {
		if (m.taint) {
			return m.taint;
		}
		if (!m.called) {
			return {
				reason: 'this module is never called on an input NormLens can follow (add `# normlens: input (…)` to give one)',
				range: m.range,
			};
		}
		if (m.inputShape === null) {
			return { reason: 'the shape of its input is unknown', range: m.range };
		}
		return (
			m.unknownCause ?? {
				reason: `NormLens cannot compute the output shape of this ${m.type}`,
				range: m.range,
			}
		);
	}

	//#endregion
}

/** PyTorch's own totals: unique parameters (tied weights once) and buffers of the whole tree. */
function moduleTotals(root: TorchModule, rows: LayerSummary[]): ModelSummary['totals'] {
	const all = walk(root);
	const unknownTotals = { total: null, trainable: null, nonTrainable: null, buffers: null };
	if (
		all.some(
			(m) =>
				m.unknownCause ||
				[...m.params.values(), ...m.buffers.values()].some((p) => p.unknownCause),
		)
	) {
		return unknownTotals;
	}
	if (all.some((m) => !m.paramsKnown) || rows.some((r) => r.params === null)) {
		return totals(rows.map((r) => ({ ...r, params: r.params })));
	}
	const params = uniqueParams(root);
	const buffers = new Set<TorchParam>();
	all.forEach((m) => m.buffers.forEach((b) => buffers.add(b)));
	if ([...params, ...buffers].some((p) => p.shape === null)) {
		return { total: null, trainable: null, nonTrainable: null, buffers: null };
	}
	const n = (p: TorchParam) => (p.shape as number[]).reduce((x, y) => x * y, 1);
	const total = params.reduce((s, p) => s + n(p), 0);
	const trainable = params.filter((p) => p.requiresGrad).reduce((s, p) => s + n(p), 0);
	return {
		total,
		trainable,
		nonTrainable: total - trainable,
		buffers: [...buffers].reduce((s, p) => s + n(p), 0),
	};
}
