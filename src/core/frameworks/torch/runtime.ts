// The torch Runtime: the hooks the interpreter calls for `torch`, `torch.nn` and tensors, dispatching into torch/.
import type { Finding } from '../../diagnostics/group';
import type { SummarySnapshot } from '../../notebook/printedSummary';
import type {
	AnalysisDiagnostic,
	DeferredCallRows,
	ModelSummary,
	TextRange,
} from '../../../protocol/analysis';
import type { CallArgs, CallContext, Runtime } from '../../python/interpreter';
import type { PythonSource } from '../../python/parse';
import { Cause, ClassValue, FrameworkObject, NONE, unknown, Value } from '../../python/values';
import { torchModuleSpec } from './catalogue';
import { torchIsInstance, torchIsSubclass, torchTypeOf } from './classBases';
import { ForwardTracer } from './forward';
import {
	createModule,
	fromPretrained,
	instantiateModule,
	parameter,
	unknownModule,
} from './nn/build';
import { combineContainers, moduleOperator } from './nn/containerOps';
import { cloneObject, stackedModule } from './nn/copies';
import { moduleMethod } from './nn/methods';
import { convertSyncBatchNorm, moduleWrappers, pruneModule, wrapModule } from './nn/nnUtils';
import { parameterContainer } from './nn/parameterContainers';
import { GlobalNames } from './nn/globalNames';
import { autogradClassAttr, autogradContextMethod } from './autogradFunction';
import { moduleAttribute, moduleHasAttr, setAttribute } from './nn/registration';
import { isModuleBase, refusedAssignment, runModuleInit } from './nn/moduleInit';
import { stackedModules, TorchModule, TorchParam, TorchTensor } from './objects';
import { freshTensors, sourcesOf, stamp, UNKNOWN_FLOW } from './flow';
import { einopsCall } from './ops/einops';
import { functional } from './ops/functional';
import { linalgFunction } from './ops/linalg';
import {
	inPlaceTensorOp,
	tensorAttribute,
	tensorBinaryOp,
	tensorUnaryOp,
} from './ops/tensorOperators';
import { tensorCall } from './ops/tensorCalls';
import { torchFunction } from './ops/torchFunctions';
import { dataConstructor } from './datasets';
import { distributionCall } from './distributions';
import { otherAttribute, otherMethod } from './otherObjects';
import { receiverAfter } from './mayRun';
import {
	beforeTorchCall,
	noteViews,
	raisesOnUninitialized,
	uninitializedCause,
} from './ops/tensorWrites';
import { torchSubpath } from './paths';
import type { TorchSession } from './session';
import { explainShapes, opShapeCause, raisedCause } from './shapeCauses';
import { callRows, roots, summarize } from './summaries';
import { bindPart, SummarizedPart, summaryCall } from './summaryCall';

export { TorchModule, TorchParam, TorchTensor } from './objects';

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
 * torch functions NormLens does not model but whose result is a plain tensor by PyTorch's API
 * (`torch.<op>`, `torch.nn.functional.<op>`, `torch.fft.<op>`, …): held by a module it is a tensor
 * attribute, never a module or a parameter. What torch.jit / hub / load / compile / fx / package /
 * quantization return may be a module.
 */
const TENSOR_FUNCTIONS =
	/^torch\.(?!(?:jit|hub|load|compile|fx|package|quantization|ao|nn(?!\.functional\.)|utils)\b)[\w.]+$/;

/** Functions whose unknown arguments are unknown sources of their result (a tensor NormLens lost). */
const mergeOps = new Set([
	'cat',
	'concat',
	'concatenate',
	'stack',
	'add',
	'sub',
	'mul',
	'matmul',
	'bmm',
]);

/** Python's operators by the names PyTorch gives them (`torch.fx`'s `operator.add` → `add`). */
const binaryOpNames: Record<string, string> = {
	'+': 'add',
	'-': 'sub',
	'*': 'mul',
	'/': 'truediv',
	'//': 'floordiv',
	'%': 'mod',
	'**': 'pow',
	'@': 'matmul',
};

/** Everything the torch side of the interpreter knows about `torch`, `torch.nn` and tensors. */
export class TorchRuntime implements Runtime, TorchSession {
	/** The analysed file (findings go there, not into the local modules it imports). */
	mainSource: PythonSource | undefined;
	readonly modules: TorchModule[] = [];
	readonly diagnostics: Finding[] = [];
	private readonly reported = new Set<string>();
	/** Module calls: their order and the forward's call tree (forward.ts). */
	private readonly forward = new ForwardTracer(this);
	/** The models a torchsummary / torchinfo call printed, as they were at each call. */
	readonly summarySnapshots: SummarySnapshot[] = [];
	/** Sub-modules a summary call printed on their own (`summary(model.generator, …)`), reported as models. */
	readonly summarizedParts: SummarizedPart[] = [];
	/** Nameless models only a part of which a global holds (summaryCall.ts bindPart): not shown. */
	readonly partOnly = new Set<TorchModule>();
	/** The summaries made with `deferCalls`, and the module each stands for. */
	private readonly deferredCalls = new WeakMap<ModelSummary, TorchModule>();
	/** Set when a notebook's stored outputs will be checked against the summaries (SummaryRecords). */
	checksPrinted = false;
	private readonly globalNames = new GlobalNames();
	/** A `torch.set_default_dtype(…)` call: tensors made after it may not be float32 (torchinfo's byte sizes). */
	private defaultDtypeCause: Cause | undefined;

	report(d: AnalysisDiagnostic): void {
		if (d.severity === 'error') {
			// An error NormLens reports inside a forward is PyTorch raising there: that forward ends.
			this.forward.raised(raisedCause(d.message, d.range));
		}
		const key = `${d.code}:${d.range.start.line}:${d.range.start.character}:${d.message}`;
		if (!this.reported.has(key)) {
			this.reported.add(key);
			this.diagnostics.push(d);
		}
	}

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
		calleePath?: string,
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
		// What comes out went through something NormLens cannot read: its provenance is unknown.
		const t = new TorchTensor(null);
		t.flow = [UNKNOWN_FLOW];
		t.shapeCause = cause;
		if (!(calleePath && TENSOR_FUNCTIONS.test(calleePath))) {
			t.opaque = cause;
		}
		return { k: 'obj', obj: t };
	}

	receiverAfter(
		obj: FrameworkObject,
		method: string,
		positional: Value[] | undefined,
		keywords: string[],
		mayRun: { why: Cause; range: TextRange },
	): FrameworkObject | undefined {
		return receiverAfter(obj, method, positional, keywords, mayRun);
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

	readonly isInstance = torchIsInstance;
	readonly typeOf = torchTypeOf;
	readonly isSubclass = torchIsSubclass;

	callRef(path: string, args: CallArgs, ctx: CallContext): Value | undefined {
		const data = dataConstructor(path, args, ctx) ?? distributionCall(path, args);
		if (data) {
			return data;
		}
		const sub = torchSubpath(path);
		const raised = sub && beforeTorchCall(path, sub.name, sub.area, args, ctx);
		if (raised) {
			return unknown(raised);
		}
		const name = path.slice(path.lastIndexOf('.') + 1);
		const inputs = [...args.positional, ...args.keywords.values()];
		const v = explainShapes(
			this.callPath(path, args, ctx),
			inputs,
			opShapeCause(`${name}(…)`, ctx.range(args.node)),
		);
		if (sub || path.startsWith('einops.')) {
			noteViews(v, [...args.positional, ...args.keywords.values()]);
		}
		if (freshTensors(v).length > 0) {
			this.forward.op(
				name,
				ctx.range(args.node),
				sourcesOf([...args.positional, ...args.keywords.values()], mergeOps.has(name)),
				v,
			);
		}
		return v;
	}

	private callPath(path: string, args: CallArgs, ctx: CallContext): Value | undefined {
		if (path.startsWith('einops.')) {
			return einopsCall(this, path, args, ctx);
		}
		if (/^(torchsummary|torchinfo|torch_summary)\.summary$/.test(path)) {
			return summaryCall(this.forward, this, path.startsWith('torchsummary'), args, ctx);
		}
		if (
			/^torch\.nn\.(?:modules\.batchnorm\.)?SyncBatchNorm\.convert_sync_batchnorm$/.test(path)
		) {
			return convertSyncBatchNorm(this, args.positional[0] ?? args.keywords.get('module'));
		}
		const prune = /^torch\.nn\.utils\.prune\.(\w+)$/.exec(path)?.[1];
		if (prune) {
			return pruneModule(prune, args, ctx);
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
			return wrapModule(wrapper, args, ctx);
		}
		if (externalModelFactories.some((re) => re.test(path))) {
			return unknownModule(
				this,
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
		// A torch.nn class's own constructor method (`nn.Embedding.from_pretrained(weights)`): a module.
		const classMethod = /^torch\.nn\.(?:[a-z_]+\.)*([A-Z]\w*)\.([a-z_]\w*)$/.exec(path);
		if (classMethod) {
			return (
				fromPretrained(this, classMethod[1], classMethod[2], args, ctx) ??
				unknownModule(
					this,
					classMethod[1],
					args,
					ctx,
					'unknown-layer',
					`NormLens does not follow \`${classMethod[1]}.${classMethod[2]}(…)\`: what it builds, and the totals of a model that holds it, are unknown.`,
				)
			);
		}
		if (area === 'nn') {
			if (name in stackedModules) {
				return { k: 'obj', obj: stackedModule(this, name, args, ctx) };
			}
			if (name === 'Parameter') {
				return parameter(args, ctx);
			}
			if (name === 'ParameterList' || name === 'ParameterDict') {
				return { k: 'obj', obj: parameterContainer(this, name, args, ctx) };
			}
			// A bare `nn.Module()` holds what is set on it (pytorch_diffusion's `self.temb`).
			const spec = torchModuleSpec(name);
			if (spec || (name === 'Module' && args.positional.length + args.keywords.size === 0)) {
				return { k: 'obj', obj: createModule(this, name, spec, args, ctx, true) };
			}
			if (/^[A-Z]/.test(name) && name !== 'Module') {
				return unknownModule(
					this,
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
			return functional(this, name, args, ctx);
		}
		if (area === 'init') {
			// The initialisers (`nn.init.kaiming_normal` too) return the tensor they fill: `m.weight =
			// nn.init.kaiming_normal(m.weight)` keeps it. calculate_gain and the fan helpers: numbers.
			const tensor = args.positional[0] ?? args.keywords.get('tensor');
			return /^(?:calculate_gain|_calculate)/.test(name) || !tensor ? undefined : tensor;
		}
		if (name === 'set_default_dtype') {
			this.defaultDtypeCause ??= {
				reason: '`torch.set_default_dtype(…)` may make tensors other than float32, which NormLens does not follow',
				range: ctx.range(args.node),
			};
			return NONE;
		}
		return linalgFunction(path, args) ?? torchFunction(name, args, ctx, (d) => this.report(d));
	}

	/** `torch.nn` defines the modules of the catalogue (and others NormLens does not know: undefined). */
	classAttr(cls: ClassValue, bases: readonly string[], name: string): Value | undefined {
		return autogradClassAttr(cls, bases, name);
	}

	readsBase(obj: FrameworkObject, path: string): boolean | undefined {
		return obj instanceof TorchModule ? isModuleBase(path) : undefined;
	}

	exportsName(module: string, name: string): boolean | undefined {
		const sub = torchSubpath(`${module}.${name}`);
		return sub?.area === 'nn' && module.split('.').length === 2 && torchModuleSpec(name)
			? true
			: undefined;
	}

	instantiate(
		cls: ClassValue,
		bases: string[],
		args: CallArgs,
		ctx: CallContext,
	): TorchModule | undefined {
		return instantiateModule(this, cls, bases, args, ctx);
	}

	refusedSetAttr(
		obj: FrameworkObject,
		name: string,
		value: Value,
		range: TextRange,
	): Cause | undefined {
		return refusedAssignment(obj, name, value, range);
	}

	setAttr(obj: FrameworkObject, name: string, value: Value, range?: TextRange): boolean {
		return setAttribute(this, obj, name, value, range);
	}

	bind(name: string, value: Value, definedAt?: TextRange): void {
		const m = value.k === 'obj' && value.obj instanceof TorchModule ? value.obj : undefined;
		this.globalNames.bind(name, m && !m.attached ? m : undefined, definedAt);
		if (m?.attached && definedAt) {
			bindPart(this, roots(this.modules), name, m, definedAt);
		}
	}

	cloneObject(obj: FrameworkObject, memo: Map<object, object>): FrameworkObject | undefined {
		return cloneObject(this, obj, memo);
	}

	getAttr(obj: FrameworkObject, name: string): Value | undefined {
		if (obj instanceof TorchTensor || obj instanceof TorchParam) {
			const v = explainShapes(tensorAttribute(obj, name), [{ k: 'obj', obj }], undefined);
			stamp(v, obj instanceof TorchTensor ? (obj.flow ?? [UNKNOWN_FLOW]) : []);
			return v;
		}
		return obj instanceof TorchModule ? moduleAttribute(obj, name) : otherAttribute(obj, name);
	}

	hasFrameworkAttr(obj: FrameworkObject, name: string): boolean | undefined {
		return obj instanceof TorchModule ? moduleHasAttr(obj, name) : undefined;
	}

	callObject(obj: FrameworkObject, args: CallArgs, ctx: CallContext): Value | undefined {
		if (obj instanceof TorchModule) {
			return this.forward.callModule(obj, args, ctx);
		}
		return undefined;
	}

	callMethod(
		obj: FrameworkObject,
		name: string,
		args: CallArgs,
		ctx: CallContext,
	): Value | undefined {
		if (
			obj instanceof TorchParam &&
			raisesOnUninitialized(obj, name, () =>
				uninitializedCause(`.${name}`, ctx.range(args.node)),
			)
		) {
			return unknown(obj.taint);
		}
		if (obj instanceof TorchTensor || obj instanceof TorchParam) {
			return tensorCall(this, this.forward, obj, name, args, ctx);
		}
		if (obj instanceof TorchModule) {
			return moduleMethod(this, obj, name, args, ctx, (m, a, c) =>
				this.forward.callModule(m, a, c),
			);
		}
		return (
			autogradContextMethod(obj, name) ?? otherMethod(obj, name, args, ctx.range(args.node))
		);
	}

	binaryOp(op: string, a: Value, b: Value, range?: TextRange): Value | undefined {
		const isModule = (v: Value) => v.k === 'obj' && v.obj instanceof TorchModule;
		if (isModule(a) || isModule(b)) {
			const at =
				range ??
				((a.k === 'obj' ? a.obj : b.k === 'obj' ? b.obj : undefined) as TorchModule).range;
			return (
				(op === '+' && a.k === 'obj' && a.obj instanceof TorchModule
					? combineContainers(this, a.obj, b, false, at)
					: undefined) ?? moduleOperator(this, op, a, b, false, at)
			);
		}
		const v = explainShapes(
			tensorBinaryOp(op, a, b, range ?? null),
			[a, b],
			opShapeCause(`x ${op} y`, range ?? null),
		);
		this.forward.op(binaryOpNames[op] ?? op, range ?? null, sourcesOf([a, b], true), v);
		return v;
	}

	unaryOp(op: '-' | '+' | '~', v: Value, range: TextRange): Value | undefined {
		const r = tensorUnaryOp(v);
		if (r) {
			this.forward.op(op === '~' ? 'invert' : 'neg', range, sourcesOf([v], true), r);
		}
		return r;
	}

	inPlaceOp(op: string, a: Value, b: Value, range: TextRange): Value | undefined {
		// `x += 1` on a tensor writes into x (other names for it, and its views, see the change).
		if (a.k === 'obj' && a.obj instanceof TorchTensor) {
			a.obj.written();
			return inPlaceTensorOp(
				(o, x, y, at) => this.binaryOp(o, x, y, at),
				(d) => this.report(d),
				op,
				a.obj,
				b,
				range,
			);
		}
		if (!(a.k === 'obj' && a.obj instanceof TorchModule)) {
			return undefined;
		}
		return (
			(op === '+' ? combineContainers(this, a.obj, b, true, range) : undefined) ??
			moduleOperator(this, op, a, b, true, range)
		);
	}

	/**
	 * `super().__init__(…)`: a container base (nn.Sequential) takes its children, a layer base its
	 * arguments; `super().forward(x)` of a layer subclass is the layer's own computation.
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
			runModuleInit(this, obj, args, ctx);
			return NONE;
		}
		if (name === 'forward' && obj.spec && !obj.spec.container) {
			return this.forward.catalogueForward(obj, obj.spec, args, false);
		}
		if (name === 'forward' && obj.spec?.container === 'sequential') {
			return this.forward.sequentialForward(obj, args, ctx);
		}
		// `super().train(mode)` in a class's own train(): nn.Module's (its children's own run).
		return name === 'forward'
			? undefined
			: moduleMethod(this, obj, name, args, ctx, (m, a, c) =>
					this.forward.callModule(m, a, c),
				);
	}

	//#endregion

	//#region results

	/** Top-level models: unattached user modules and containers, by the name they were bound to. */
	roots(): TorchModule[] {
		return roots(this.modules).filter((m) => !this.partOnly.has(m));
	}

	/** The totals now of the models whose lens is on lines [from, to] (a notebook cell that just ran). */
	totalsNow(
		from: number,
		to: number,
	): { name: string; range: TextRange; totals: ModelSummary['totals'] }[] {
		const line = (root: TorchModule) => (root.definedAt ?? root.range).start.line;
		return this.roots()
			.filter((root) => line(root) >= from && line(root) <= to)
			.map((root) => {
				const s = summarize(root, root.varName ?? root.type, root.definedAt ?? root.range);
				return { name: s.name, range: s.range, totals: s.totals };
			});
	}

	/**
	 * The models' summaries. With `deferCalls`, torchinfo's per-call rows (and the costs, ops and
	 * outputs that come with them) are left out, to be asked for with `callRowsOf`: the editor's
	 * hovers, lenses and hints never read them, and on a 5,000-line model they are a third of the
	 * analysis and of the result.
	 */
	/** The module each summary was made from (which object a model is, for the analysis's bounds). */
	readonly summaryRoots = new WeakMap<ModelSummary, TorchModule>();

	summaries(deferCalls = false): ModelSummary[] {
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
		].map(({ root, name, range }) => {
			const made = summarize(root, name, range);
			const summary = deferCalls
				? made
				: { ...made, ...callRows(root, this.defaultDtypeCause) };
			this.summaryRoots.set(summary, root);
			if (deferCalls) {
				this.deferredCalls.set(summary, root);
			}
			return summary;
		});
	}

	/** The call rows left out of a summary made with `deferCalls` (undefined for any other). */
	callRowsOf(model: ModelSummary): DeferredCallRows | undefined {
		const root = this.deferredCalls.get(model);
		return root ? callRows(root, this.defaultDtypeCause) : undefined;
	}

	//#endregion
}
