// The hover on a layer call: shapes, parameters, and what a normalization layer computes.
import * as vscode from 'vscode';
import { explainLayer, layerHoverMarkdown, layersOfCall, reasonMarkdown } from '../../core';
import type { AnalysisService, DocumentAnalysis } from '../analysisService';
import { CommandId } from '../commands';
import { revealArgs } from '../reveal';
import type { LayerSummary } from '../../protocol/analysis';

/** `Unknown: <reason> — [line N](reveal)` for a layer with a `?`, else undefined. */
function unknownLine(a: DocumentAnalysis, layer: LayerSummary): string | undefined {
	if (!layer.unknown || (layer.params !== null && layer.outputShape !== null)) {
		return undefined;
	}
	const cause = a.causeTarget(layer.unknown);
	const args = encodeURIComponent(JSON.stringify(revealArgs(cause)));
	return `**Unknown:** ${reasonMarkdown(cause.reason)} — [${cause.label}](command:${CommandId.RevealUnknownCause}?${args} "Show what NormLens could not follow")`;
}

/** Hover on a layer call: shapes, parameters and, for normalization layers, what they compute. */
export class LayerHoverProvider implements vscode.HoverProvider {
	constructor(private readonly analysis: AnalysisService) {}

	async provideHover(
		doc: vscode.TextDocument,
		pos: vscode.Position,
		token: vscode.CancellationToken,
	): Promise<vscode.Hover | undefined> {
		const a = await this.analysis.analyze(doc);
		const hit = a?.layerAt(pos);
		if (!a || !hit || token.isCancellationRequested) {
			return undefined;
		}
		const explanation = explainLayer(hit.layer);
		const args = encodeURIComponent(
			JSON.stringify([doc.uri.toString(), pos.line, pos.character]),
		);
		const actions = [
			`[Inspect](command:${CommandId.InspectLayerAtCursor}?${args} "Open the NormLens panel on this layer: the formula, training vs inference, the framework's notes")`,
		];
		if (
			hit.layer.framework === 'torch' &&
			hit.layer.inputShape === null &&
			hit.layer.outputShape === null
		) {
			// No call NormLens could follow gave this PyTorch model an input: offer to give it one.
			actions.push(
				`[Set example input…](command:${CommandId.SetExampleInput}?${args} "Give the models of this file an input shape (a # normlens: input comment) to see every layer's shapes")`,
			);
		}
		if (explanation) {
			actions.push(
				`[Run on sample tensor](command:${CommandId.RunNormalization}?${args} "Run this layer on a seeded sample tensor")`,
			);
			actions.push(
				`[Compare BN / LN / IN / GN](command:${CommandId.CompareNormalizations}?${args} "Batch, layer, instance and group norm on this layer's input")`,
			);
			actions.push(
				`[Simulate training](command:${CommandId.SimulateTraining}?${args} "200 training steps: running statistics, train/eval gap, batch noise")`,
			);
		}
		const md = new vscode.MarkdownString(
			layerHoverMarkdown(
				hit.layer,
				explanation,
				unknownLine(a, hit.layer),
				actions.join(' · '),
				layersOfCall(hit.model, hit.layer),
			),
		);
		// Only our own commands may run from the hover's links, with the arguments computed here (the
		// document's URI and a position); the file's text reaches the hover only escaped or in code
		// spans (layerHoverMarkdown, reasonMarkdown), and never as HTML or theme icons.
		md.supportHtml = false;
		md.supportThemeIcons = false;
		md.isTrusted = {
			enabledCommands: [
				CommandId.InspectLayerAtCursor,
				CommandId.RunNormalization,
				CommandId.CompareNormalizations,
				CommandId.SimulateTraining,
				CommandId.RevealUnknownCause,
				CommandId.SetExampleInput,
			],
		};
		return new vscode.Hover(md, a.toDocument(hit.layer.range));
	}
}
