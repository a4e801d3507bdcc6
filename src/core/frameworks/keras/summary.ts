// What the Keras side reports: each model's rows and totals, and why a count is unknown.
import type { LayerSummary, ModelSummary, TextRange, WeightInfo } from '../../../protocol/analysis';
import { Cause, firstCause, toJson } from '../../python/values';
import { totals } from '../common/spec';
import { buildSequential } from './models';
import { KerasLayer, KerasModel } from './objects';
import type { KerasSession } from './session';
import { trackContainers } from './subclass';

/** The totals now of the models whose lens is on lines [from, to] (a notebook cell that just ran). */
export function totalsNow(
	s: KerasSession,
	from: number,
	to: number,
): { name: string; range: TextRange; totals: ModelSummary['totals'] }[] {
	return s.models
		.filter(
			(m) =>
				(!m.library || m.varName !== undefined) &&
				(m.definedAt ?? m.range).start.line >= from &&
				(m.definedAt ?? m.range).start.line <= to,
		)
		.map((m) => {
			if (m.modelKind === 'sequential') {
				buildSequential(s, m);
			}
			const summary = modelSummary(s, m);
			return { name: summary.name, range: summary.range, totals: summary.totals };
		});
}

/** Every model the program made, as the analysis reports it. */
export function summaries(s: KerasSession): ModelSummary[] {
	// Parts a bundled application builds for itself (ConvNeXt's stem Sequential) are rows of it, not the user's models.
	return s.models
		.filter((m) => !m.library || m.varName !== undefined)
		.map((m) => modelSummary(s, m));
}

/** A model's rows and totals; the totals are unknown, with the first cause, where any count is. */
export function modelSummary(s: KerasSession, m: KerasModel): ModelSummary {
	trackContainers(s, m);
	const layers = m.layers.map((l) => layerSummary(s, l, m.trainable));
	const cause = modelCause(s, m);
	return {
		name: m.varName ?? m.name,
		frameworkName: m.name,
		framework: 'keras',
		kind: m.modelKind,
		range: m.definedAt ?? m.range,
		layers,
		totals: cause
			? { total: null, trainable: null, nonTrainable: null, buffers: null }
			: withOwnWeights(totals(layers), m),
		unknown: cause,
	};
}

/** Why a model's totals are unknown, or undefined when they are known. */
export function modelCause(
	s: KerasSession,
	m: KerasModel,
	seen = new Set<KerasModel>(),
): Cause | undefined {
	if (seen.has(m)) {
		return undefined;
	}
	seen.add(m);
	trackContainers(s, m);
	if (m.unknownCause) {
		return m.unknownCause;
	}
	if (m.unfollowed) {
		return (
			m.unfollowed.cause ?? {
				reason: `\`${m.unfollowed.what}\`, which the model goes through, cannot be followed`,
				range: m.unfollowed.range,
			}
		);
	}
	for (const l of m.layers) {
		const c = l.nested ? modelCause(s, l.nested, seen) : layerCause(s, l);
		if (c) {
			return c;
		}
	}
	return undefined;
}

/** Why a layer's weights are unknown, or undefined when they are known. */
export function layerCause(s: KerasSession, l: KerasLayer): Cause | undefined {
	if (l.unknownCause) {
		return l.unknownCause;
	}
	if (l.nested) {
		return modelCause(s, l.nested);
	}
	if (l.weights !== null) {
		return undefined;
	}
	if (!l.spec) {
		return {
			reason: `NormLens does not know the Keras layer \`${l.type}\``,
			range: l.range,
		};
	}
	const fromArgs = firstCause(l.config.values());
	if (fromArgs) {
		return fromArgs;
	}
	return {
		reason: l.built
			? `NormLens cannot compute the weights of ${l.type} \`${l.name}\` from its input`
			: `${l.type} \`${l.name}\` is never built on an input NormLens can follow, so its weights do not exist yet`,
		range: l.range,
	};
}

/** The weights of a model used as a layer, named `layer/weight`; null when any is unknown. */
export function nestedWeights(
	s: KerasSession,
	model: KerasModel,
	seen = new Set<KerasModel>(),
): WeightInfo[] | null {
	if (seen.has(model)) {
		return [];
	}
	trackContainers(s, model);
	if (model.unfollowed || model.unknownCause) {
		return null;
	}
	seen.add(model);
	const out: WeightInfo[] = [];
	const layers = model.modelKind === 'functional' ? model.layers : model.layers;
	for (const l of new Set(layers)) {
		const ws = l.nested ? nestedWeights(s, l.nested, seen) : l.weights;
		if (ws === null) {
			return null;
		}
		out.push(
			...ws.map((w) => ({
				...w,
				name: `${l.name}/${w.name}`,
				trainable: w.trainable && l.trainable && model.trainable,
			})),
		);
	}
	out.push(...model.ownWeights.map((w) => ({ ...w, trainable: w.trainable && model.trainable })));
	return out;
}

/** A layer's row: shapes, weights (trainable where it and its model are), why it is unknown. */
export function layerSummary(s: KerasSession, l: KerasLayer, modelTrainable = true): LayerSummary {
	const own = l.unknownCause ? null : l.nested ? nestedWeights(s, l.nested) : l.weights;
	const weights =
		own?.map((w) => ({ ...w, trainable: w.trainable && l.trainable && modelTrainable })) ??
		null;
	const config: Record<string, unknown> = {};
	for (const [k, v] of l.config) {
		config[k] = toJson(v);
	}
	return {
		name: l.name,
		type: l.type,
		framework: 'keras',
		range: l.range,
		inputShape: l.inputShapes?.[0] ?? null,
		outputShape: l.outputShape,
		params: weights ? counts(weights) : null,
		weights,
		config,
		known: l.spec !== undefined || l.nested !== undefined,
		inbound: l.inbound.map((x) => x.name),
		unknown:
			weights === null
				? layerCause(s, l)
				: l.outputShape === null && l.type !== 'InputLayer'
					? layerShapeCause(l)
					: undefined,
	};
}

/** Why a layer's output shape is unknown. */
export function layerShapeCause(l: KerasLayer): Cause {
	return (
		l.taint ??
		(l.built
			? {
					reason: `NormLens cannot compute the output shape of ${l.type} \`${l.name}\``,
					range: l.range,
				}
			: {
					reason: `${l.type} \`${l.name}\` is never called on an input NormLens can follow`,
					range: l.range,
				})
	);
}

function counts(weights: WeightInfo[]): LayerSummary['params'] {
	let total = 0;
	let trainable = 0;
	let buffers = 0;
	for (const w of weights) {
		const n = w.shape.reduce((a, b) => a * b, 1);
		if (w.kind === 'buffer') {
			buffers += n;
			continue;
		}
		total += n;
		if (w.trainable) {
			trainable += n;
		}
	}
	return { total, trainable, nonTrainable: total - trainable, buffers };
}

/** A subclassed model's totals with the weights it holds itself (in no layer's row, as in Keras's summary). */
function withOwnWeights(t: ModelSummary['totals'], m: KerasModel): ModelSummary['totals'] {
	if (t.total === null || m.ownWeights.length === 0) {
		return t;
	}
	const own = counts(m.ownWeights.map((w) => ({ ...w, trainable: w.trainable && m.trainable })));
	if (!own) {
		return { total: null, trainable: null, nonTrainable: null, buffers: null };
	}
	return {
		total: t.total + own.total,
		trainable: (t.trainable ?? 0) + own.trainable,
		nonTrainable: (t.nonTrainable ?? 0) + own.nonTrainable,
		buffers: t.buffers,
	};
}
