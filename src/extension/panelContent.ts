// What the inspector derives from a model for the panel: the compare view's tensor and the causes of each `?`.
import {
	channelAxisOf,
	explainLayer,
	macsText,
	percentText,
	kernelText,
	torchinfoFooter,
	trainableText,
} from '../core';
import type {
	Framework,
	LayerExplanation,
	LayerSummary,
	ModelSummary,
	PrintedSummaryCheck,
	Shape,
	UnknownCause,
} from '../protocol/analysis';
import type {
	PanelCosts,
	PanelExplanations,
	PanelPrintedCheck,
	PanelUnknownCause,
} from '../protocol/webviewProtocol';
import type { DocumentAnalysis } from './analysisService';

/**
 * What the compare view normalizes: a normalization layer's input, else the output of the layer at
 * the cursor ("what would each normalization do here?"), else the model's first normalization layer.
 */
export function compareSource(
	model: ModelSummary,
	layer: LayerSummary,
):
	| { name: string; what: string; framework: Framework; shape: Shape; channelAxis: number }
	| undefined {
	const e = explainLayer(layer);
	if (e?.inputShape) {
		return {
			name: e.name,
			what: 'input',
			framework: e.framework,
			shape: e.inputShape,
			channelAxis: channelAxisOf(e),
		};
	}
	const out = layer.outputShape;
	if (!e && out && out.length >= 2 && out.length <= 5) {
		const channelsFirst =
			layer.framework === 'torch' || layer.config.data_format === 'channels_first';
		return {
			name: layer.name,
			what: 'output',
			framework: layer.framework,
			shape: out,
			channelAxis: channelsFirst ? 1 : out.length - 1,
		};
	}
	const first = model.layers.map(explainLayer).find((x) => x?.inputShape);
	return first?.inputShape
		? {
				name: first.name,
				what: 'input',
				framework: first.framework,
				shape: first.inputShape,
				channelAxis: channelAxisOf(first),
			}
		: undefined;
}

/** Why each `?` of a model is there, worded for the panel: the totals' cause first, then each layer's. */
export function panelCauses(a: DocumentAnalysis, model: ModelSummary): PanelUnknownCause[] {
	const out: PanelUnknownCause[] = [];
	if (model.totals.total === null && model.unknown) {
		out.push({
			layerName: null,
			what: 'totals',
			reason: model.unknown.reason,
			where: a.causeTarget(model.unknown).label,
		});
	}
	for (const l of model.layers) {
		if (l.unknown && (l.params === null || l.outputShape === null)) {
			out.push({
				layerName: l.name,
				what: l.params === null ? 'params' : 'output shape',
				reason: l.unknown.reason,
				where: a.causeTarget(l.unknown).label,
			});
		}
	}
	return out;
}

/**
 * torchinfo's cells of each call and its footer, formatted for the panel; for a Keras model with
 * nested models, why each `?` of its expanded rows is there; undefined for neither.
 */
export function panelCosts(a: DocumentAnalysis, model: ModelSummary): PanelCosts | undefined {
	const why = (c: UnknownCause | undefined) =>
		c ? `${c.reason} (${a.causeTarget(c).label})` : undefined;
	if (model.nestedRows) {
		return {
			calls: [],
			footer: [],
			nestedWhy: model.nestedRows.map((r) => why(r.unknown) ?? null),
		};
	}
	const calls = model.calls;
	if (!calls) {
		return undefined;
	}
	const total = model.totals.total;
	return {
		calls: calls.map((c) => {
			const w = why(c.unknown);
			return {
				kernel: kernelText(c.kernelSize),
				trainable: trainableText(c),
				percent: [percentText(c, total, false), percentText(c, total, true)],
				macs: [macsText(c, false), macsText(c, true)],
				...(w ? { why: w } : {}),
			};
		}),
		footer: torchinfoFooter(model).map((l) => {
			const w = why(l.cause);
			return { label: l.label, value: l.value, ...(w ? { why: w } : {}) };
		}),
	};
}

/** The summaries the notebook printed for this model (by the name its summary call gives it), in order. */
export function printedChecks(a: DocumentAnalysis, model: ModelSummary): PrintedSummaryCheck[] {
	return (a.result.printedSummaries ?? []).filter((c) => c.model === model.name);
}

/** The printed-summary checks as the panel shows them, with where each summary call is. */
export function panelPrinted(a: DocumentAnalysis, model: ModelSummary): PanelPrintedCheck[] {
	return printedChecks(a, model).map(({ range, ...c }) => ({
		...c,
		where: a.causeTarget({ reason: c.message, range }).label,
	}));
}

/**
 * What each normalization layer of the model computes (the panel's layer detail), each distinct
 * explanation once: layers built alike (a block's BatchNorms) share one.
 */
export function panelExplanations(model: ModelSummary): PanelExplanations {
	const out: PanelExplanations = { texts: [], byLayer: {} };
	const seen = new Map<string, number>();
	for (const l of model.layers) {
		const e = explainLayer(l);
		if (e) {
			const text: Partial<LayerExplanation> = { ...e };
			delete text.name;
			const key = JSON.stringify(text);
			let i = seen.get(key);
			if (i === undefined) {
				i = out.texts.push(text as Omit<LayerExplanation, 'name'>) - 1;
				seen.set(key, i);
			}
			out.byLayer[l.name] = i;
		}
	}
	return out;
}
