// Forward tracing: a module run on its input, each call recorded (torchsummary's rows, torchinfo's call tree).
import type { Shape, TextRange } from '../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../python/contract';
import { causeOf, findMethod, RAISED, tuple, unknown, UNKNOWN, Value } from '../../python/values';
import type { Cause } from '../../python/values';
import { ShapeError } from '../common/spec';
import type { TorchModuleSpec } from './catalogue';
import { rnnHidden } from './layers/recurrent';
import { lazyOnUnknownInput, materializeLazy } from './nn/build';
import { noteWrites } from './ops/tensorWrites';
import { laidTensor, moduleLayout } from './ops/layout';
import { integerIntoWeights } from './ops/dtypeChecks';
import { freshTensors, sourcesOf, stamp, union } from './flow';
import {
	CallRecord,
	FlowRef,
	MAX_CALL_RECORDS,
	OpRecord,
	stackedModules,
	TorchModule,
	TorchParam,
	TorchTensor,
} from './objects';
import { einopsOutput } from './ops/einops';
import { torchOutputShape } from './rules';
import {
	explainShapes,
	inputShapeCause,
	lostTensor,
	moduleOutputCause,
	raisedCause,
	withPoolIndices,
} from './shapeCauses';
import type { TorchSession } from './session';

/** A tensor argument's bytes where its sizes and dtype are known; null otherwise. */
function tensorBytes(v: Value): number | null {
	if (v.k !== 'obj' || !(v.obj instanceof TorchTensor) || v.obj.elementBytes === undefined) {
		return null;
	}
	const { shape, elementBytes } = v.obj;
	return shape && shape.every((d) => d !== null)
		? (shape as number[]).reduce((x, y) => x * y, elementBytes)
		: null;
}

/** A module's forward pre-hooks, in order: one that returns something gives the forward that input (a tuple, or one value). */
function preHooked(m: TorchModule, args: CallArgs, ctx: CallContext): CallArgs {
	if (m.forwardHooks.length === 0) {
		return args;
	}
	let positional = args.positional;
	for (const h of m.forwardHooks.filter((x) => x.pre)) {
		const r = ctx.call(h.hook, {
			positional: [{ k: 'obj', obj: m }, tuple(positional)],
			keywords: new Map(),
			node: args.node,
		});
		if (r.k !== 'none') {
			positional = r.k === 'tuple' ? r.items : [r];
		}
	}
	return positional === args.positional ? args : { ...args, positional };
}

/** A module's forward hooks, in order: one that returns something replaces the output (torchinfo's row shows it). */
function hooked(m: TorchModule, args: CallArgs, out: Value, ctx: CallContext): Value {
	if (m.forwardHooks.length === 0) {
		return out;
	}
	for (const h of m.forwardHooks.filter((x) => !x.pre)) {
		const r = ctx.call(h.hook, {
			positional: [{ k: 'obj', obj: m }, tuple(args.positional), out],
			keywords: new Map(),
			node: args.node,
		});
		if (r.k !== 'none') {
			out = r;
		}
	}
	return out;
}

/**
 * The module calls of one analysis: the order of first calls (summaries list modules in call order)
 * and the call tree of the top-level call under way (the per-call rows, `ModuleCall`).
 */
export class ForwardTracer {
	/** Module calls so far: a module's first call takes the next place (`callOrder`). */
	private calls = 0;
	/** The module calls under way, innermost last, and how many a top-level call has recorded. */
	private readonly callStack: CallRecord[] = [];
	private callRecords = 0;

	constructor(private readonly s: TorchSession) {}

	/**
	 * A module call, recorded in the call tree (torchinfo's rows: one per call, nested by the call
	 * stack) before it runs by the module's own rules.
	 */
	callModule(m: TorchModule, args: CallArgs, ctx: CallContext): Value {
		if (args.positional.some((v) => v.k === 'obj' && v.obj instanceof TorchParam)) {
			// A parameter or buffer passed to a module is a tensor of its shape
			// (`self.rel_pos_bias(self.rel_pos_indices)`, an Embedding over an index buffer).
			args = {
				...args,
				positional: args.positional.map((v) =>
					v.k === 'obj' && v.obj instanceof TorchParam
						? { k: 'obj', obj: new TorchTensor(v.obj.shape) }
						: v,
				),
			};
		}
		const parent = this.callStack[this.callStack.length - 1];
		if (!parent) {
			// A top-level call: its tensor arguments are the graph's inputs (the example input).
			args = {
				...args,
				positional: args.positional.map((v, i) => {
					if (v.k !== 'obj' || !(v.obj instanceof TorchTensor)) {
						return v;
					}
					const t = new TorchTensor(v.obj.shape, v.obj.producer, v.obj.dtype);
					t.flow = [{ input: i }];
					t.shapeCause = v.obj.shapeCause;
					return { k: 'obj', obj: t };
				}),
			};
		}
		const first = args.positional[0];
		const rec: CallRecord = {
			module: m,
			input: first?.k === 'obj' && first.obj instanceof TorchTensor ? first.obj.shape : null,
			output: null,
			children: [],
			inputBytes: args.positional.map(tensorBytes),
			keywordArgs: args.keywords.size > 0,
			inbound: union(
				sourcesOf(args.positional, true),
				sourcesOf([...args.keywords.values()], false),
			),
			inputCause: first ? inputShapeCause([first]) : undefined,
		};
		if (!parent) {
			rec.ops = [];
		}
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
			args = preHooked(m, args, ctx);
			const first = !m.called;
			const ran =
				explainShapes(
					this.runModule(m, args, ctx),
					[],
					moduleOutputCause(m, rec.inputCause),
				) ?? UNKNOWN;
			let out = hooked(m, args, ran, ctx);
			const replaced = out !== ran;
			if (!parent && rec.raised) {
				// PyTorch raised inside this forward: the model's call returns nothing, whatever a
				// part of the forward computed before or beside the raise.
				out = { k: 'obj', obj: lostTensor(rec.raised) };
			}
			// What the module made afresh is its own output; what it passed on keeps its producers.
			stamp(out, [{ call: rec }]);
			rec.outputFlow = sourcesOf([out], false);
			// torchinfo shows a tuple's or a list's first tensor (layer_info.calculate_size).
			const tensor =
				out.k === 'tuple' || (out.k === 'list' && !out.cause) ? out.items[0] : out;
			rec.output =
				tensor?.k === 'obj' && tensor.obj instanceof TorchTensor ? tensor.obj.shape : null;
			if (replaced && first) {
				// The module's row shows what its hooks made of the output, as torchinfo's hook sees it.
				m.outputShape = rec.output;
			}
			rec.outputCause =
				rec.output === null ? returnedShapeCause(m, tensor, rec.inputCause) : undefined;
			if (!m.callRecord || (m.callRecord.output === null && rec.output !== null)) {
				m.callRecord = rec;
				// A tuple's or a list's first tensor is the call row's; the module's one row (torchsummary's,
				// which lists a shape for each of them) has none.
				m.outputCause =
					rec.outputCause ??
					(m.outputShape === null && rec.output !== null
						? {
								reason: `its forward returns a ${out.k} of tensors, and torchsummary lists a shape for each`,
								range: m.range,
							}
						: undefined);
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
			? ctx.callFunction(
					source.fn,
					args,
					// A `@staticmethod def forward(x)` takes no self (`self.forward(x)` binds none).
					source.fn.binding === 'static' ? undefined : { k: 'obj', obj: m },
				)
			: undefined;
		if (forward !== undefined) {
			const out =
				forward.k === 'obj' && forward.obj instanceof TorchTensor
					? forward.obj.shape
					: null;
			this.record(m, inputShape, out);
			if (forward.k === 'unknown' && forward.why === RAISED && forward.cause) {
				// Python raised inside: the forward has no output, and the modules it had not
				// called yet are never called, for that reason.
				m.outputCause ??= forward.cause;
				notCalledAfterRaise(m, forward.cause);
			}
			return forward;
		}
		if ((m.type === 'Rearrange' || m.type === 'Reduce') && !m.spec) {
			const out = inputShape
				? einopsOutput(
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
			const x = this.sequentialForward(m, args, ctx);
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
	 * nn.Sequential's forward: each child on the previous one's output. Also what
	 * `super().forward(x)` runs in a subclass of nn.Sequential (whose own forward records the call).
	 */
	sequentialForward(m: TorchModule, args: CallArgs, ctx: CallContext): Value {
		let x: Value = args.positional[0] ?? UNKNOWN;
		for (const child of m.children.values()) {
			x = this.callModule(child, { ...args, positional: [x], keywords: new Map() }, ctx);
		}
		return x;
	}

	/** PyTorch raises here (`cause` says what): the top-level call running now returns nothing. */
	raised(cause: Cause): void {
		const top = this.callStack[0];
		if (top) {
			top.raised ??= cause;
		}
	}

	/** A catalogue module's forward by its shape rule, recorded as the module's call unless it runs inside the module's own `forward`. */
	catalogueForward(
		m: TorchModule,
		spec: TorchModuleSpec,
		args: CallArgs,
		asModuleCall = true,
	): Value {
		const first = args.positional[0];
		const shapeOf = (v: Value) =>
			v.k === 'obj' && v.obj instanceof TorchTensor ? v.obj.shape : null;
		// An RNN's initial state comes as one tensor (h_0) or, for an LSTM, the tuple (h_0, c_0):
		// its shapes follow the input's, so that the rule can check them.
		const hx =
			spec.shape === 'rnn' ? (args.positional[1] ?? args.keywords.get('hx')) : undefined;
		// Forward arguments that configure the shape (MaxUnpool's output_size) are no inputs: the
		// rule reads them from its config.
		const configAt = new Set(spec.forwardConfig?.map((f) => f.position));
		const config = spec.forwardConfig
			? new Map([
					...m.config,
					...spec.forwardConfig.flatMap(({ arg, position }): [string, Value][] => {
						const v = args.positional[position] ?? args.keywords.get(arg);
						return v ? [[arg, v]] : [];
					}),
				])
			: m.config;
		const inputs =
			hx === undefined || hx.k === 'none'
				? args.positional
						.slice(0, spec.shape === 'rnn' || spec.shape === 'rnnCell' ? 1 : undefined)
						.filter((_, i) => !configAt.has(i))
						.map(shapeOf)
				: [shapeOf(first ?? UNKNOWN), ...(hx.k === 'tuple' ? hx.items : [hx]).map(shapeOf)];
		let out: Shape | null = null;
		let outCause: Cause | undefined;
		// `nn.ReLU(inplace=True)(x)` writes into x.
		const inplace = m.config.get('inplace');
		if (inplace?.k === 'bool' && inplace.v) {
			noteWrites('', undefined, { ...args, keywords: new Map([['inplace', inplace]]) });
		}
		if (m.lazyPending && inputs[0]) {
			materializeLazy(this.s, m, inputs[0]);
		} else if (m.lazyPending && first) {
			lazyOnUnknownInput(m, inputShapeCause([first]));
		}
		const noTarget = spec.category === 'loss' ? missingTarget(m, args) : undefined;
		const wrongDtype = integerIntoWeights(m, spec, first);
		if (noTarget) {
			// `self.criterion(x, y)` with y=None (PSPNet's forward in training mode): a TypeError.
			outCause = noTarget;
			this.raised(noTarget);
		} else if (wrongDtype) {
			const cause = raisedCause(wrongDtype, m.range);
			this.s.report({
				range: m.range,
				severity: 'error',
				code: 'dtype-mismatch',
				message: `${wrongDtype}.`,
			});
			outCause = cause;
			this.raised(cause);
		} else if (
			// A module PyTorch refused to build has no forward to check: its shape stays unknown for that cause.
			!m.initRaises &&
			inputs.length > 0 &&
			inputs.every((s): s is Shape => s !== null)
		) {
			try {
				out = torchOutputShape(spec, config, inputs, `${m.type}`);
			} catch (e) {
				if (!(e instanceof ShapeError)) {
					throw e;
				}
				const batchOne = e.code === 'batch-size-one';
				// In eval mode BatchNorm uses its running statistics: one value per channel is fine.
				if (!batchOne || m.training !== false) {
					this.s.report({
						range: m.range,
						severity: batchOne ? 'warning' : 'error',
						code: e.code,
						message: `${e.message}.`,
					});
				}
				if (batchOne && inputs[0]) {
					// Kept, with the warning above: the shape of eval mode, which an example input of one
					// sample usually means (in training mode PyTorch raises, as the warning says).
					out = inputs[0];
				} else {
					// Reported above as an error: the session has ended this forward for it.
					outCause = raisedCause(e.message, m.range);
				}
			}
		}
		if (asModuleCall) {
			this.record(m, inputs[0] ?? null, out);
		}
		if (first?.k === 'obj' && first.obj instanceof TorchTensor) {
			this.checkBiasBeforeNorm(first.obj.producer, m);
		}
		const made = new TorchTensor(out, m);
		// Only a view of its input, or an RNN / attention output, can be laid out otherwise than
		// row-major when every input is (as nearly every input is).
		const contiguousIn = args.positional.every(
			(v) => !(v.k === 'obj' && v.obj instanceof TorchTensor && v.obj.layout !== undefined),
		);
		if (out && !(contiguousIn && spec.layout !== 'rnn' && spec.layout !== 'mha')) {
			const bf = m.config.get('batch_first');
			made.layout = moduleLayout(
				spec.layout,
				m.type,
				args.positional.flatMap(laidTensor),
				out,
				bf?.k === 'bool' ? bf.v : undefined,
			);
		}
		const cause = out === null ? (outCause ?? inputShapeCause(args.positional)) : undefined;
		made.shapeCause = cause;
		const tensor: Value = { k: 'obj', obj: made };
		// `super().forward(x)` in a layer subclass: the output is the subclass's call's.
		const current = this.callStack[this.callStack.length - 1];
		const result = withPoolIndices(spec, m.config, tensor, () => ({
			k: 'obj',
			obj: new TorchTensor(out, m, 'int64'),
		}));
		const resultOrRnn =
			spec.shape === 'rnn'
				? tuple([
						tensor,
						// Where PyTorch raises there is no final state to size.
						explainShapes(
							rnnHidden(
								m,
								spec,
								outCause || m.initRaises ? null : (inputs[0] ?? null),
							),
							[],
							cause,
						) ?? UNKNOWN,
					])
				: spec.shape === 'multiheadAttention'
					? tuple([tensor, attentionWeights(m)])
					: spec.shape === 'rnnCell' && spec.gates === 4
						? tuple([tensor, { k: 'obj', obj: cellState(made, m) }])
						: result;
		if (current) {
			stamp(resultOrRnn, [{ call: current }]);
		}
		return resultOrRnn;
	}

	/**
	 * An op between module calls (`+`, `torch.cat`, `F.relu`, `.view`) gave `result` from inputs whose
	 * sources are `sources`: from two or more, inside a forward, it is a merge node of the graph; else
	 * the result keeps its one producer (flow.ts says why).
	 */
	op(name: string, range: TextRange | null, sources: FlowRef[], result: Value | undefined): void {
		const fresh = freshTensors(result);
		if (fresh.length === 0) {
			return;
		}
		const top = this.callStack[0];
		if (sources.length >= 2 && top?.ops && top.ops.length < MAX_CALL_RECORDS) {
			const op: OpRecord = { name, range, output: fresh[0].shape, inbound: sources };
			top.ops.push(op);
			stamp(result, [{ op }]);
		} else {
			stamp(result, sources);
		}
	}

	private record(m: TorchModule, input: Shape | null, output: Shape | null): void {
		// The first call with a known output wins; an earlier call on an unknown tensor does not.
		if (!m.called || (m.outputShape === null && output !== null)) {
			if (!m.called) {
				m.callOrder = this.calls++;
			}
			m.called = true;
			m.inputShape = input;
			m.outputShape = output;
			const rec = this.callStack[this.callStack.length - 1];
			m.inputCause = input === null && rec?.module === m ? rec.inputCause : undefined;
		}
	}

	/** `redundant-bias`: a Linear or Conv with a bias straight into a BatchNorm, found when the norm runs on its output. */
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
		this.s.report({
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
}

/** An LSTMCell's c', which has h''s shape (and, unknown, its cause). */
function cellState(h: TorchTensor, m: TorchModule): TorchTensor {
	const c = new TorchTensor(h.shape, m);
	c.shapeCause = h.shapeCause;
	return c;
}

/**
 * The attention weights a MultiheadAttention returns beside its output: None with
 * `need_weights=False`, else a tensor whose shape NormLens does not work out (it depends on the
 * call's keywords and the key's length), so an unknown that says so.
 */
function attentionWeights(m: TorchModule): Value {
	return unknown({
		reason: `NormLens does not model the attention weights a ${m.type} returns beside its output`,
		range: m.range,
	});
}

/**
 * Why what a module's call returned has no shape a row can show: the tensor's own cause, the cause
 * of an unknown value (a function NormLens cannot read), or what the forward returned instead.
 */
function returnedShapeCause(
	m: TorchModule,
	returned: Value | undefined,
	inputCause: Cause | undefined,
): Cause | undefined {
	if (returned?.k === 'obj' && returned.obj instanceof TorchTensor) {
		return returned.obj.shapeCause;
	}
	const own = returned ? causeOf(returned) : undefined;
	if (own || !returned || returned.k === 'unknown') {
		return own ?? moduleOutputCause(m, inputCause);
	}
	const what =
		returned.k === 'list' || returned.k === 'dict'
			? `a ${returned.k}`
			: returned.k === 'none'
				? 'None'
				: 'something other than a tensor';
	return {
		reason: `the forward of this ${m.type} returns ${what}; a row shows the shape of a tensor (or a tuple's or a list's first)`,
		range: m.range,
	};
}

/**
 * A loss called without a target tensor (`criterion(x)` or `criterion(x, None)`): PyTorch raises
 * TypeError. Undefined when the target is a tensor or a value NormLens does not know.
 */
function missingTarget(m: TorchModule, args: CallArgs): Cause | undefined {
	const target = args.positional[1] ?? args.keywords.get('target');
	if (target && target.k !== 'none') {
		return undefined;
	}
	return {
		reason: `this ${m.type} is called without a target tensor (${target ? 'None' : 'none given'}): PyTorch raises TypeError here`,
		range: m.range,
	};
}

/** The modules under `m` its forward had not called when Python raised in it: why they have no shape. */
function notCalledAfterRaise(m: TorchModule, cause: Cause): void {
	for (const child of m.children.values()) {
		if (!child.called) {
			child.skippedCall ??= {
				reason: `the forward raises before it calls this module (${cause.reason})`,
				range: cause.range,
			};
		}
		notCalledAfterRaise(child, cause);
	}
}
