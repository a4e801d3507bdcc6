// torchsummary / torchinfo `summary(model, …)`: the model run on that input, and what the summary printed.
import type { Shape, TextRange } from '../../../protocol/analysis';
import type { SummarySnapshot } from '../../notebook/printedSummary';
import type { CallArgs, CallContext } from '../../python/contract';
import type { SyntaxNode } from '@lezer/common';
import { childNamed, children } from '../../python/parse';
import { asInt, asSequence, Cause, causeOf, NONE, Value } from '../../python/values';
import type { ForwardTracer } from './forward';
import { inMode, namedModules, TorchModule, TorchTensor, walk } from './objects';
import { torchinfoRows, torchsummaryRows } from './printedRows';
import { summarize } from './summaries';

/** A sub-module a summary call printed on its own (`summary(model.generator, …)`), reported as a model under the name written. */
export interface SummarizedPart {
	module: TorchModule;
	label: string;
	range: TextRange;
	/** Bound to a global (`actor = ActorCritic(…).actor`), not printed: the file's input comment there is its. */
	bound?: true;
}

/** What summary calls leave for the results: their snapshots and the parts they printed on their own. */
export interface SummaryRecords {
	/** The models a torchsummary / torchinfo call printed, as they were at each call. */
	readonly summarySnapshots: SummarySnapshot[];
	/** Sub-modules a summary call printed on their own (`summary(model.generator, …)`), reported as models. */
	readonly summarizedParts: SummarizedPart[];
	/** A notebook's stored outputs will be checked: only then are the rows each tool prints built (analysis runs per keystroke). */
	readonly checksPrinted: boolean;
}

/**
 * `actor = ActorCritic(22, 6).actor`: a global bound to a part of a model no name holds. That part
 * is the model the program keeps (PyTorch's 6,022, not the whole ActorCritic's 11,719): it is
 * shown under the name, and the nameless whole it was read from is not (`partOnly`).
 */
export function bindPart(
	records: SummaryRecords & { readonly partOnly: Set<TorchModule> },
	wholes: TorchModule[],
	name: string,
	part: TorchModule,
	at: TextRange,
): void {
	const whole = wholes.find((r) => r !== part && namedModules(r).some(([, m]) => m === part));
	if (
		!whole ||
		whole.varName !== undefined ||
		records.summarizedParts.some((p) => p.module === part)
	) {
		return;
	}
	records.summarizedParts.push({ module: part, label: name, range: at, bound: true });
	records.partOnly.add(whole);
}

/**
 * `summary(model, input_size=…)` from torchsummary (sizes without the batch, which it prints as
 * -1) or torchinfo (sizes with the batch, or `input_data=`): the example input of the model.
 */
export function summaryCall(
	forward: ForwardTracer,
	records: SummaryRecords,
	withoutBatch: boolean,
	args: CallArgs,
	ctx: CallContext,
): Value {
	const model = args.positional[0] ?? args.keywords.get('model');
	if (model?.k !== 'obj' || !(model.obj instanceof TorchModule)) {
		// A summary of a model NormLens does not hold (imported from a module it cannot read, made
		// by code it cannot follow): its printed table is still checked, as one it cannot count.
		const written = modelArgument(args, ctx);
		const range = ctx.range(args.node);
		records.summarySnapshots.push({
			range,
			name: written ?? 'model',
			totals: { total: null, trainable: null, nonTrainable: null, buffers: null },
			unknown: causeOf(model) ?? {
				reason: `NormLens holds no PyTorch model in \`${written ?? 'the argument'}\``,
				range,
			},
		});
		return NONE;
	}
	const sizeArg = args.positional[1] ?? args.keywords.get('input_size');
	const data = args.keywords.get('input_data');
	const toShape = (v: Value): Shape | undefined => {
		const d = asSequence(v)?.map(asInt);
		return d && d.length > 0 && d.every((x) => x !== undefined) ? (d as number[]) : undefined;
	};
	const mode = withoutBatch
		? undefined
		: torchinfoMode(args.keywords.get('mode'), ctx.range(args.node));
	let inputs: Value[] = [];
	let forwardArgs: Value[] = [];
	if (sizeArg?.k === 'obj' && sizeArg.obj instanceof TorchTensor && args.positional[1]) {
		// torch-summary 1.x's `summary(model, torch.zeros(…), 'A')`: the tensor is the input, and
		// the arguments after it go to the forward.
		inputs = [sizeArg];
		forwardArgs = args.positional.slice(2);
	} else if (data) {
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
		const root = model.obj;
		const call = () =>
			forward.callModule(
				root,
				{ ...args, positional: [...inputs, ...forwardArgs], keywords: new Map() },
				ctx,
			);
		if (mode === undefined) {
			call();
		} else {
			inMode(root, mode, call);
		}
	}
	if (!withoutBatch && (data || sizeArg)) {
		// torchinfo's `finally: model.train(saved_model_mode)`: every module in the root's mode after.
		const after = model.obj.training;
		walk(model.obj).forEach((m) => (m.training = after));
	}
	const label = modelArgument(args, ctx);
	if (
		model.obj.attached &&
		label &&
		!records.summarizedParts.some((p) => p.module === model.obj)
	) {
		// `summary(model.generator, …)`: the part the user asked about is a model of its own, named as written.
		records.summarizedParts.push({ module: model.obj, label, range: ctx.range(args.node) });
	}
	// What the summary prints here, as the model is at this call (checked against a notebook's stored output).
	const s = summarize(
		model.obj,
		label ?? model.obj.varName ?? model.obj.type,
		ctx.range(args.node),
	);
	const torchinfo = records.checksPrinted ? torchinfoRows(model.obj) : undefined;
	const torchsummary = records.checksPrinted ? torchsummaryRows(model.obj) : undefined;
	records.summarySnapshots.push({
		range: ctx.range(args.node),
		name: s.name,
		totals: s.totals,
		unknown: s.unknown,
		...(torchinfo && torchsummary ? { rows: { torchinfo, torchsummary } } : {}),
	});
	return NONE;
}

/**
 * The model argument as written (`model`, `model.generator`): the first positional one, or
 * `model=…` (keyword arguments are flat in the parse tree); undefined for an expression.
 */
function modelArgument(args: CallArgs, ctx: CallContext): string | undefined {
	const list = childNamed(args.node, 'ArgList');
	const parts = list ? children(list).filter((c) => !['(', ')', ','].includes(c.name)) : [];
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
	return written && /^[A-Za-z_][\w.[\]'"]*$/.test(written) ? written : undefined;
}

/**
 * The training mode torchinfo runs its forward in: `mode='eval'` by default in every release up to
 * 1.8.0 (1.5 onwards; torch-summary 1.4.4 before the rename), `'train'`, or `'same'` (the model's
 * own, which its unreleased main branch makes the default: undefined here). torchsummary runs the
 * model's own mode and never reaches this.
 */
function torchinfoMode(v: Value | undefined, at: TextRange): boolean | Cause | undefined {
	if (v === undefined) {
		return false;
	}
	if (v.k === 'str') {
		const known = new Map<string, boolean | undefined>([
			['train', true],
			['eval', false],
			['same', undefined],
		]);
		return known.has(v.v)
			? known.get(v.v)
			: { reason: `torchinfo refuses \`mode='${v.v}'\` (train, eval or same)`, range: at };
	}
	return (
		causeOf(v) ?? {
			reason: "torchinfo's `mode` is a value NormLens cannot determine: the forward's training mode is unknown",
			range: at,
		}
	);
}

/**
 * The example input (`# normlens: input (…)`, the input-shape setting) through a model the program
 * never called, as torchinfo's summary runs it: in eval mode, each module's own mode kept after.
 */
export function exampleForward(
	interpreter: { callAfterRun(v: Value, args: CallArgs, site?: TextRange): Value | undefined },
	root: TorchModule,
	input: Shape,
	node: SyntaxNode,
): void {
	const tensor = new TorchTensor(input, null, 'float32');
	inMode(root, false, () =>
		interpreter.callAfterRun(
			{ k: 'obj', obj: root },
			{ positional: [{ k: 'obj', obj: tensor }], keywords: new Map(), node },
			root.range,
		),
	);
}
