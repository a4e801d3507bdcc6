// The CodeLens above each model: its totals (or why they are unknown) and Inspect.
import * as vscode from 'vscode';
import { briefReason, modelLensTitle } from '../../core';
import type { AnalysisService } from '../analysisService';
import { CommandId } from '../commands';
import { revealArgs } from '../reveal';

/**
 * Above each model: its totals (opens the summary) and "Inspect". Unknown totals say why, briefly,
 * and the lens selects the construct NormLens could not follow.
 */
export class ModelCodeLensProvider implements vscode.CodeLensProvider {
	readonly onDidChangeCodeLenses: vscode.Event<void>;

	constructor(
		private readonly analysis: AnalysisService,
		private readonly enabled: () => boolean,
	) {
		this.onDidChangeCodeLenses = analysis.onDidChange;
	}

	async provideCodeLenses(
		doc: vscode.TextDocument,
		token: vscode.CancellationToken,
	): Promise<vscode.CodeLens[]> {
		const a = this.enabled() ? await this.analysis.analyze(doc) : undefined;
		if (!a || token.isCancellationRequested) {
			return [];
		}
		const lenses: vscode.CodeLens[] = [];
		for (const model of a.modelsHere()) {
			const range = a.toDocument(model.range);
			if (!range) {
				continue;
			}
			const t = model.totals;
			const line = new vscode.Range(range.start.line, 0, range.start.line, 0);
			const args = [doc.uri.toString(), range.start.line, range.start.character];
			if (t.total === null && model.unknown) {
				const cause = a.causeTarget(model.unknown);
				lenses.push(
					new vscode.CodeLens(line, {
						title: `${model.name}: ? params — unknown: ${briefReason(model.unknown.reason)}`,
						command: CommandId.RevealUnknownCause,
						arguments: revealArgs(cause),
						tooltip: `Unknown: ${cause.reason} (${cause.label}). Click to show it.`,
					}),
				);
			} else {
				const { title, tooltip } = modelLensTitle(model);
				lenses.push(
					new vscode.CodeLens(line, {
						title,
						command: CommandId.ShowModelSummary,
						arguments: args,
						tooltip,
					}),
				);
			}
			lenses.push(
				new vscode.CodeLens(line, {
					title: 'Inspect',
					command: CommandId.ShowModelSummary,
					arguments: args,
				}),
			);
		}
		return lenses;
	}
}
