// What the Keras side reports: each model's rows and totals, and why a count is unknown.
import type {
	KerasNestedRow,
	LayerSummary,
	ModelSummary,
	Shape,
	TextRange,
	WeightInfo,
} from '../../../protocol/analysis';
import { Cause, firstCause } from '../../python/values';
import { toJson } from '../../python/dictKeys';
import { totals } from '../common/spec';
import { buildSequential, visibleLayers } from './models';
import { KerasLayer, KerasModel } from './objects';
import { positionalSplit } from './layerOrder';
import { isUnmerged } from './recurrentStates';
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
				(m.definedAt ?? m.range).start.line <= to &&
				// A Sequential with no input yet is built by a later cell's `build()` or call, if
				// any: building it here would mark its custom layers as never built for good. Its
				// totals now are unknown, which a snapshot does not record anyway.
				(m.modelKind !== 'sequential' ||
					(m.inputShape ?? m.layers[0]?.declaredInput ?? null) !== null),
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
export function summaries(
	s: KerasSession,
	origins?: WeakMap<ModelSummary, KerasModel>,
): ModelSummary[] {
	// Parts a bundled application builds for itself (ConvNeXt's stem Sequential) are rows of it, not the user's models.
	return s.models
		.filter((m) => !m.library || m.varName !== undefined)
		.map((m) => {
			const summary = modelSummary(s, m);
			origins?.set(summary, m);
			return summary;
		});
}

/** A model's rows and totals; the totals are unknown, with the first cause, where any count is. */
export function modelSummary(s: KerasSession, m: KerasModel): ModelSummary {
	trackContainers(s, m);
	const layers = m.layers.map((l) => layerSummary(s, l, m.trainable));
	const unknownFor = modelCause(s, m);
	// Where a layer's weights reach the model by two ways, Keras counts them once.
	const shared = unknownFor ? undefined : sharedWeightTotals(s, m);
	const cause = unknownFor ?? (shared && 'reason' in shared ? shared : undefined);
	const counted = cause
		? { total: null, trainable: null, nonTrainable: null, buffers: null }
		: shared && !('reason' in shared)
			? shared
			: withOwnWeights(totals(layers), m);
	// Its weights are the same in every version; which of them are frozen may not be.
	const split = counted.trainable !== null ? positionalSplit(s, m) : undefined;
	const summary: ModelSummary = {
		name: m.varName ?? m.name,
		frameworkName: m.name,
		framework: 'keras',
		kind: m.modelKind,
		range: m.definedAt ?? m.range,
		layers,
		totals: split ? { ...counted, trainable: null, nonTrainable: null } : counted,
		unknown: cause ?? split,
	};
	const rows = nestedRows(s, m, summary);
	return rows ? { ...summary, nestedRows: rows } : summary;
}

/** A model used as a layer that Keras's summary expands: a model, not a custom Layer subclass (which has no `layers`). */
const expandable = (l: KerasLayer): KerasModel | undefined =>
	l.nested && !l.nested.isLayer ? l.nested : undefined;

/**
 * The rows of `model.summary(expand_nested=True)` (Keras 3's `print_summary`: each layer, then the
 * `layers` of a layer that has them, one level deeper) under a row for the model itself; undefined
 * when no layer is a model. Keras lists a layer once per model, so a model used twice is expanded once.
 */
export function nestedRows(
	s: KerasSession,
	m: KerasModel,
	summary: ModelSummary,
): KerasNestedRow[] | undefined {
	// The rows `model.summary()` prints: a Sequential model's have no InputLayer.
	const top = m.layers.filter((l) => m.modelKind !== 'sequential' || l.type !== 'InputLayer');
	if (!top.some((l) => expandable(l))) {
		return undefined;
	}
	const last = top[top.length - 1];
	const out: Shape | null =
		m.modelKind === 'functional'
			? m.outputs.length === 1
				? m.outputs[0].shape
				: null
			: m.modelKind === 'sequential'
				? (last?.outputShape ?? null)
				: m.outputShape;
	const rows: KerasNestedRow[] = [
		{
			name: m.name,
			type:
				m.modelKind === 'sequential'
					? 'Sequential'
					: m.modelKind === 'functional'
						? (m.pyClass?.name ?? 'Functional')
						: (m.pyClass?.name ?? 'Model'),
			depth: 0,
			range: summary.range,
			outputShape: out,
			params: summary.totals.total,
			trainableParams: summary.totals.trainable,
			trainable: m.trainable,
			...(summary.unknown
				? { unknown: summary.unknown }
				: out === null
					? {
							unknown:
								m.modelKind === 'functional' && m.outputs.length > 1
									? {
											reason: `\`${m.name}\` has ${m.outputs.length} outputs, not one shape`,
											range: summary.range,
										}
									: last
										? layerShapeCause(last)
										: {
												reason: 'the model has no layers',
												range: summary.range,
											},
						}
					: {}),
		},
	];
	const add = (layers: KerasLayer[], depth: number, trainable: boolean, path: KerasModel[]) => {
		for (const l of layers) {
			rows.push(nestedRow(s, l, depth, trainable));
			const inner = expandable(l);
			if (inner && !path.includes(inner)) {
				trackContainers(s, inner);
				// A nested model's `layers`: a functional model's with its InputLayer, a Sequential's without.
				add(visibleLayers(inner), depth + 1, trainable && inner.trainable, [
					...path,
					inner,
				]);
			}
		}
	};
	add(top, 1, m.trainable, [m]);
	return rows;
}

/** One row of the expanded summary: the layer's count as Keras's `count_params()` gives it, its shape, why unknown. */
function nestedRow(s: KerasSession, l: KerasLayer, depth: number, above: boolean): KerasNestedRow {
	const weights = l.unknownCause ? null : l.nested ? nestedWeights(s, l.nested) : l.weights;
	const c = weights
		? counts(weights.map((w) => ({ ...w, trainable: w.trainable && l.trainable && above })))
		: null;
	const cause =
		c === null
			? layerCause(s, l)
			: l.outputShape === null && l.type !== 'InputLayer'
				? layerShapeCause(l)
				: undefined;
	return {
		name: l.name,
		type: l.type,
		depth,
		range: l.range,
		outputShape: l.outputShape,
		params: c?.total ?? null,
		trainableParams: c?.trainable ?? null,
		// A model's own flag (`base.trainable = False`) is the flag of its row.
		trainable: l.trainable && (l.nested?.trainable ?? true),
		...(cause ? { unknown: cause } : {}),
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
	if (!l.built && l.inputCause) {
		return l.inputCause;
	}
	return {
		reason: l.built
			? `NormLens cannot compute the weights of ${l.type} \`${l.name}\` from its input`
			: `${l.type} \`${l.name}\` is never built on an input NormLens can follow${l.notBuiltWhy ? ` (${l.notBuiltWhy})` : ''}, so its weights do not exist yet`,
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
	// Bidirectional(…, merge_mode=None) gives a list of two outputs, which a row of one shape cannot show.
	const unmerged = isUnmerged(l)
		? {
				reason: `\`${l.name}\` returns its two directions' outputs unmerged (merge_mode=None), a list of two shapes`,
				range: l.range,
			}
		: undefined;
	return (
		l.taint ??
		unmerged ??
		l.outputCause ??
		(l.built
			? {
					reason: `NormLens cannot compute the output shape of ${l.type} \`${l.name}\``,
					range: l.range,
				}
			: (l.inputCause ?? {
					reason: `${l.type} \`${l.name}\` is never called on an input NormLens can follow`,
					range: l.range,
				}))
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

/**
 * The totals of a model where one layer's weights reach it by two ways (a custom layer that holds
 * another layer of the model, `self.dense = dense` in a tied autoencoder; a layer inside two nested
 * models): Keras counts each variable once (`model.weights` is deduplicated), though each row that
 * holds the layer counts it. Undefined where no layer is reached twice (the rows' sum is right), or
 * where a row is unknown; unknown where the two ways disagree on whether it is trainable.
 */
function sharedWeightTotals(
	s: KerasSession,
	m: KerasModel,
): ModelSummary['totals'] | Cause | undefined {
	const layers = new Map<KerasLayer, boolean>();
	const models = new Set<KerasModel>();
	const weights: WeightInfo[] = [];
	let shared = false;
	let conflict: KerasLayer | undefined;
	let unreadable = false;
	const visitLayer = (l: KerasLayer, trainable: boolean) => {
		const t = trainable && l.trainable;
		if (layers.has(l)) {
			shared = true;
			conflict ??= layers.get(l) !== t ? l : undefined;
			return;
		}
		layers.set(l, t);
		if (l.nested) {
			visitModel(l.nested, t);
		} else if (l.weights && !l.unknownCause) {
			weights.push(...l.weights.map((w) => ({ ...w, trainable: w.trainable && t })));
		} else {
			unreadable = true;
		}
	};
	const visitModel = (model: KerasModel, trainable: boolean) => {
		if (models.has(model)) {
			shared = true;
			return;
		}
		models.add(model);
		trackContainers(s, model);
		const t = trainable && model.trainable;
		new Set(model.layers).forEach((l) => visitLayer(l, t));
		weights.push(...model.ownWeights.map((w) => ({ ...w, trainable: w.trainable && t })));
	};
	visitModel(m, true);
	if (!shared || unreadable) {
		return undefined;
	}
	if (conflict) {
		return {
			reason: `\`${conflict.name}\` is in this model twice, trainable one way and frozen the other: Keras then counts its weights in both the trainable and the non-trainable total, which NormLens does not follow`,
			range: conflict.range,
		};
	}
	return counts(weights) ?? undefined;
}
