// Inlay hints at the end of each line that builds layers: output shape and parameters.
import * as vscode from 'vscode';
import { lineHint } from '../../core';
import type { LayerSummary } from '../../protocol/analysis';
import type { AnalysisService } from '../analysisService';

/** At the end of each line that builds layers: `→ (None, 50) · 200 params`, one hint per line. */
export class LayerInlayHintsProvider implements vscode.InlayHintsProvider {
	readonly onDidChangeInlayHints: vscode.Event<void>;

	constructor(
		private readonly analysis: AnalysisService,
		private readonly enabled: () => boolean,
	) {
		this.onDidChangeInlayHints = analysis.onDidChange;
	}

	async provideInlayHints(
		doc: vscode.TextDocument,
		range: vscode.Range,
		token: vscode.CancellationToken,
	): Promise<vscode.InlayHint[]> {
		const a = this.enabled() ? await this.analysis.analyze(doc) : undefined;
		if (!a || token.isCancellationRequested) {
			return [];
		}
		// One hint per line: the layers a line builds (a helper's line runs once per call) are told together.
		const byLine = new Map<number, { layers: LayerSummary[]; cause: string | undefined }>();
		const seen = new Set<string>();
		for (const model of a.result.models) {
			for (const layer of model.layers) {
				const r = a.toDocument(layer.range);
				if (
					!r ||
					!range.contains(r.end) ||
					(layer.type === 'InputLayer' && model.kind !== 'functional')
				) {
					continue;
				}
				const key = `${layer.name}@${r.end.line}`;
				if (seen.has(key)) {
					continue;
				}
				seen.add(key);
				const entry = byLine.get(r.end.line) ?? { layers: [], cause: undefined };
				entry.layers.push(layer);
				// The tooltip says why a `?` is there and where (the first cause on the line).
				const cause =
					layer.unknown && (layer.params === null || layer.outputShape === null)
						? a.causeTarget(layer.unknown)
						: undefined;
				entry.cause ??= cause ? `unknown: ${cause.reason} (${cause.label})` : undefined;
				byLine.set(r.end.line, entry);
			}
		}
		const hints: vscode.InlayHint[] = [];
		for (const [line, { layers, cause }] of byLine) {
			const { label, tooltip } = lineHint(layers);
			const hint = new vscode.InlayHint(
				doc.lineAt(line).range.end,
				label,
				vscode.InlayHintKind.Type,
			);
			hint.paddingLeft = true;
			hint.tooltip = cause
				? layers.length === 1
					? `${tooltip} — ${cause}`
					: `${tooltip}\n${cause}`
				: tooltip;
			hints.push(hint);
		}
		return hints;
	}
}
