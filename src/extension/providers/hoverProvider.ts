import * as vscode from 'vscode';
import { explainLayer, layerHoverMarkdown } from '../../core';
import type { AnalysisService } from '../analysisService';
import { CommandId } from '../commands';

/** Hover on a layer call: shapes, parameters and, for normalization layers, what they compute. */
export class LayerHoverProvider implements vscode.HoverProvider {
	constructor(private readonly analysis: AnalysisService) {}

	provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): vscode.Hover | undefined {
		const a = this.analysis.analyze(doc);
		const hit = a?.layerAt(pos);
		if (!a || !hit || token.isCancellationRequested) {
			return undefined;
		}
		const explanation = explainLayer(hit.layer);
		const md = new vscode.MarkdownString(layerHoverMarkdown(hit.layer, explanation));
		const args = encodeURIComponent(JSON.stringify([doc.uri.toString(), pos.line, pos.character]));
		md.appendMarkdown(`\n\n[Inspect](command:${CommandId.InspectLayerAtCursor}?${args} "Open the NormLens panel on this layer")`);
		if (explanation) {
			md.appendMarkdown(` · [Run on sample tensor](command:${CommandId.RunNormalization}?${args} "Run this layer on a seeded sample tensor")`);
			md.appendMarkdown(` · [Compare BN / LN / IN / GN](command:${CommandId.CompareNormalizations}?${args} "Batch, layer, instance and group norm on this layer's input")`);
		}
		// Only our own commands may run from the hover's links.
		md.isTrusted = { enabledCommands: [CommandId.InspectLayerAtCursor, CommandId.RunNormalization, CommandId.CompareNormalizations] };
		return new vscode.Hover(md, a.toDocument(hit.layer.range));
	}
}
