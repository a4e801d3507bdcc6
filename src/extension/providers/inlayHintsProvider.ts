import * as vscode from 'vscode';
import { formatCount, formatShape } from '../../core';
import type { AnalysisService } from '../analysisService';

/** After each layer call: `→ (None, 50) · 200 params`. */
export class LayerInlayHintsProvider implements vscode.InlayHintsProvider {
	readonly onDidChangeInlayHints: vscode.Event<void>;

	constructor(
		private readonly analysis: AnalysisService,
		private readonly enabled: () => boolean,
	) {
		this.onDidChangeInlayHints = analysis.onDidChange;
	}

	async provideInlayHints(doc: vscode.TextDocument, range: vscode.Range, token: vscode.CancellationToken): Promise<vscode.InlayHint[]> {
		const a = this.enabled() ? await this.analysis.analyze(doc) : undefined;
		if (!a || token.isCancellationRequested) {
			return [];
		}
		const hints: vscode.InlayHint[] = [];
		const seen = new Set<string>();
		for (const model of a.result.models) {
			for (const layer of model.layers) {
				const r = a.toDocument(layer.range);
				if (!r || !range.contains(r.end) || (layer.type === 'InputLayer' && model.kind !== 'functional')) {
					continue;
				}
				const key = `${layer.name}@${r.end.line}`;
				if (seen.has(key)) {
					continue;
				}
				seen.add(key);
				const end = doc.lineAt(r.end.line).range.end;
				const params = layer.params ? `${formatCount(layer.params.total)} params` : '? params';
				const hint = new vscode.InlayHint(end, `→ ${formatShape(layer.outputShape)} · ${params}`, vscode.InlayHintKind.Type);
				hint.paddingLeft = true;
				// The label stays short; the tooltip says why a `?` is there and where.
				const cause = layer.unknown && (layer.params === null || layer.outputShape === null) ? a.causeTarget(layer.unknown) : undefined;
				hint.tooltip = cause ? `${layer.name} (${layer.type}) — unknown: ${cause.reason} (${cause.label})` : `${layer.name} (${layer.type})`;
				hints.push(hint);
			}
		}
		return hints;
	}
}
