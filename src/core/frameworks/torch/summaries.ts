// A model's results: rows in call order, totals as PyTorch counts them, the per-call rows, why unknowns are unknown.
import type {
	FlowOp,
	FlowSource,
	LayerSummary,
	ModelSummary,
	TextRange,
	UnknownCause,
	WeightInfo,
} from '../../../protocol/analysis';
import { Cause, firstCause } from '../../python/values';
import { toJson } from '../../python/dictKeys';
import type { SummarizedPart } from './summaryCall';
import { totals } from '../common/spec';
import { callCosts, CostedCall } from './costs';
import { unknownInputCause } from './shapeCauses';
import {
	CallRecord,
	FlowRef,
	gradCauseOf,
	modulePaths,
	OpRecord,
	TorchModule,
	TorchParam,
	uniqueParams,
	walk,
	weightsCause,
} from './objects';

/**
 * Top-level models: unattached user modules and containers, by the name they were bound to, and a
 * bare layer with weights that the program calls as its model (`model = nn.Linear(784, 10)` in a
 * logistic-regression tutorial; a loss or an activation called alike holds no weights).
 */
export function roots(modules: readonly TorchModule[]): TorchModule[] {
	return modules.filter(
		(m) =>
			(!m.attached &&
				(m.createdAtTop || m.varName !== undefined) &&
				(m.pyClass !== undefined ||
					(m.isContainer && (m.children.size > 0 || m.unknownCause !== undefined)))) ||
			(isBareLayer(m) && m.called),
	);
}

/** A top-level layer with weights bound to a name (`model = nn.Linear(784, 10)`): a model once run. */
function isBareLayer(m: TorchModule): boolean {
	return (
		!m.attached &&
		m.varName !== undefined &&
		m.pyClass === undefined &&
		!m.isContainer &&
		(m.params.size > 0 || !m.paramsKnown)
	);
}

/**
 * The models an example input may run, each with the line its comment would sit above: the roots
 * (where any input is given), a bare layer with its own comment (a logistic regression's `model =
 * nn.Linear(784, 10)`: run on it, it is one), a part a global holds (`actor = ActorCritic(…).actor`).
 */
export function exampleTargets(
	torch: {
		roots(): TorchModule[];
		readonly modules: TorchModule[];
		readonly summarizedParts: SummarizedPart[];
	},
	declared: { readonly any: boolean; declares(line: number): boolean },
	inputGiven: boolean,
): { m: TorchModule; line: number }[] {
	const lineOf = (m: TorchModule) => (m.definedAt ?? m.range).start.line;
	const any = declared.any || inputGiven;
	return [
		...(any ? torch.roots() : []),
		...bareLayers(torch.modules).filter((m) => declared.declares(lineOf(m))),
	]
		.map((m) => ({ m, line: lineOf(m) }))
		.concat(
			torch.summarizedParts
				.filter((p) => p.bound && any)
				.map((p) => ({ m: p.module, line: p.range.start.line })),
		);
}

/** The bare layers no code ran, which a `# normlens: input` comment of their own makes models. */
export function bareLayers(modules: readonly TorchModule[]): TorchModule[] {
	return modules.filter((m) => isBareLayer(m) && !m.called);
}

/** A model's summary under `name`: its rows in call order (modules never called after, in registration order) and its totals. */
export function summarize(root: TorchModule, name: string, range: TextRange): ModelSummary {
	const rowModules = new Map<TorchModule, LayerSummary>();
	const rows: LayerSummary[] = [];
	const seen = new Set<TorchModule>();
	// A bare layer used as the model (roots) is its own one row, as torchinfo prints it.
	const bare = root.pyClass === undefined && !root.isContainer && root.children.size === 0;
	const visit = (m: TorchModule, path: string) => {
		if (seen.has(m)) {
			return;
		}
		seen.add(m);
		const ownWeights = m.params.size + m.buffers.size > 0 || !m.paramsKnown;
		if (
			(m.children.size === 0 && (m !== root || bare)) ||
			(ownWeights && m.children.size > 0)
		) {
			const r = row(m, path || root.varName || m.type, root.called);
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
		unknown: Object.values(totals).includes(null) ? totalsCause(root, rows) : undefined,
	};
}

/**
 * The model's forward as torchinfo lists it: the model's own call at depth 0, then every module
 * call inside it, depth-first in call order; a module that ran before in it is a repeat, so counts stay per module.
 */
export function callRows(
	root: TorchModule,
	defaultDtype?: UnknownCause,
): Pick<ModelSummary, 'calls' | 'callsOmitted' | 'estimates' | 'ops' | 'outputs'> {
	const top = root.callRecord;
	if (!top) {
		return {};
	}
	const paths = modulePaths(root);
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
	const costed: CostedCall[] = [];
	const ran = new Set<TorchModule>();
	let omitted = top.omitted ?? 0;
	const visit = (rec: CallRecord, depth: number) => {
		for (const c of rec.children) {
			const m = c.module;
			costed.push({
				call: {
					name: paths.get(m) || m.type,
					type: m.type,
					depth,
					inputShape: c.input,
					outputShape: c.output,
					params: subtreeParams(m),
					repeat: ran.has(m),
				},
				module: m,
				record: c,
			});
			ran.add(m);
			omitted += c.omitted ?? 0;
			visit(c, depth + 1);
		}
	};
	costed.push({
		call: {
			name: root.varName ?? root.type,
			type: root.type,
			depth: 0,
			inputShape: top.input,
			outputShape: top.output,
			params: subtreeParams(root),
			repeat: false,
		},
		module: root,
		record: top,
	});
	ran.add(root);
	visit(top, 1);
	const { calls, estimates } = callCosts(costed, root, defaultDtype);
	const flow = flowSources(
		costed.map((c) => c.record),
		top.ops ?? [],
	);
	calls.forEach((c, i) => (c.inbound = flow(costed[i].record.inbound)));
	const ops: FlowOp[] = (top.ops ?? []).map((op) => ({
		name: op.name,
		range: op.range,
		outputShape: op.output,
		inbound: flow(op.inbound),
	}));
	const outputs = flow(top.outputFlow);
	return omitted > 0
		? { calls, callsOmitted: omitted, estimates, ops, outputs }
		: { calls, estimates, ops, outputs };
}

/**
 * The data-flow sources as the contract gives them: indices into the calls and ops of this forward;
 * a call or op outside it (another model's, one past the recording bound) is a source NormLens
 * does not show, so unknown.
 */
function flowSources(
	records: CallRecord[],
	ops: OpRecord[],
): (refs: FlowRef[] | undefined) => FlowSource[] {
	const callIndex = new Map(records.map((r, i) => [r, i]));
	const opIndex = new Map(ops.map((o, i) => [o, i]));
	return (refs) =>
		(refs ?? []).map((r): FlowSource => {
			const i =
				'call' in r ? callIndex.get(r.call) : 'op' in r ? opIndex.get(r.op) : undefined;
			if ('input' in r) {
				return { kind: 'input', index: r.input };
			}
			return i === undefined
				? { kind: 'unknown' }
				: { kind: 'call' in r ? 'call' : 'op', index: i };
		});
}

/** The first cause, in module order, of a model's unknown totals. */
function totalsCause(root: TorchModule, rows: LayerSummary[]): Cause {
	for (const m of walk(root)) {
		const c = weightsCause(m) ?? gradCauseOf(m);
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

function row(m: TorchModule, name: string, rootCalled = false): LayerSummary {
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
	const gradCause = gradCauseOf(m);
	if (weights && !unknownShape && !gradCause) {
		const n = (w: WeightInfo) => w.shape.reduce((x, y) => x * y, 1);
		const total = weights.filter((w) => w.kind === 'param').reduce((s, w) => s + n(w), 0);
		const trainable = weights
			.filter((w) => w.kind === 'param' && w.trainable)
			.reduce((s, w) => s + n(w), 0);
		const buffers = weights.filter((w) => w.kind === 'buffer').reduce((s, w) => s + n(w), 0);
		params = { total, trainable, nonTrainable: total - trainable, buffers };
	}
	const unknownCause =
		params === null
			? (weightsCause(m) ??
				gradCause ??
				firstCause(m.config.values()) ?? {
					reason: `NormLens cannot determine the parameters of this ${m.type}`,
					range: m.range,
				})
			: m.outputShape === null
				? shapeCause(m, rootCalled)
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

/** The containers PyTorch gives no forward (calling one raises): their rows have no output shape. */
const WITHOUT_FORWARD = new Set(['ModuleList', 'ModuleDict', 'ParameterList', 'ParameterDict']);

/** Why a module's output shape is unknown. */
function shapeCause(m: TorchModule, rootCalled: boolean): Cause {
	if (m.taint) {
		return m.taint;
	}
	if (!m.called && WITHOUT_FORWARD.has(m.type)) {
		return {
			reason: `a ${m.type} only holds what is registered in it: PyTorch gives it no forward, so it has no output shape`,
			range: m.range,
		};
	}
	if (!m.called && m.spec?.category === 'loss') {
		// A criterion held by the model (Lightning style) runs in training code, not in the forward.
		return {
			reason: 'a loss, which the forward does not call: it runs in training code on predictions and targets',
			range: m.range,
		};
	}
	if (!m.called && m.skippedCall) {
		return m.skippedCall;
	}
	if (!m.called) {
		return {
			reason: rootCalled
				? 'the forward NormLens followed never calls this module (its weights may be used directly, as in `F.linear(x, self.fc.weight)`)'
				: 'this module is never called on an input NormLens can follow (add `# normlens: input (…)` to give one)',
			range: m.range,
		};
	}
	if (m.inputShape === null) {
		return m.inputCause
			? unknownInputCause(m.inputCause)
			: { reason: 'the shape of its input is unknown', range: m.range };
	}
	return (
		m.outputCause ??
		m.unknownCause ?? {
			reason: `NormLens cannot compute the output shape of this ${m.type}`,
			range: m.range,
		}
	);
}

/** PyTorch's own totals: unique parameters (tied weights once) and buffers of the whole tree. */
function moduleTotals(root: TorchModule, rows: LayerSummary[]): ModelSummary['totals'] {
	const all = walk(root);
	if (all.some((m) => m.unknownCause)) {
		return { total: null, trainable: null, nonTrainable: null, buffers: null };
	}
	if (all.some((m) => !m.paramsKnown)) {
		return totals(rows.map((r) => ({ ...r, params: r.params })));
	}
	// Parameters and buffers apart: a buffer NormLens cannot size (a sinusoid table built with NumPy)
	// leaves the buffer count unknown, not the parameters, which never depend on it.
	const params = uniqueParams(root);
	const buffers = new Set<TorchParam>();
	all.forEach((m) => m.buffers.forEach((b) => buffers.add(b)));
	const lost = (p: TorchParam) => p.unknownCause !== undefined || p.shape === null;
	const n = (p: TorchParam) => (p.shape as number[]).reduce((x, y) => x * y, 1);
	const paramsKnown = !params.some(lost);
	const total = paramsKnown ? params.reduce((s, p) => s + n(p), 0) : null;
	// A parameter whose requires_grad NormLens does not know leaves the split unknown, not the total.
	const trainable =
		paramsKnown && !params.some((p) => p.gradCause)
			? params.filter((p) => p.requiresGrad).reduce((s, p) => s + n(p), 0)
			: null;
	return {
		total,
		trainable,
		nonTrainable: total === null || trainable === null ? null : total - trainable,
		buffers: [...buffers].some(lost) ? null : [...buffers].reduce((s, p) => s + n(p), 0),
	};
}
