import * as vscode from 'vscode';
import { formatCount } from '../../core';
import type { AnalysisService } from '../analysisService';
import { CommandId } from '../commands';

/** Above each model: its totals (opens the summary) and "Inspect". */
export class ModelCodeLensProvider implements vscode.CodeLensProvider {
	readonly onDidChangeCodeLenses: vscode.Event<void>;

	constructor(
		private readonly analysis: AnalysisService,
		private readonly enabled: () => boolean,
	) {
		this.onDidChangeCodeLenses = analysis.onDidChange;
	}

	provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): vscode.CodeLens[] {
		const a = this.enabled() ? this.analysis.analyze(doc) : undefined;
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
			lenses.push(
				new vscode.CodeLens(line, {
					title: `${model.name}: ${formatCount(t.total)} params (${formatCount(t.trainable)} trainable, ${formatCount(t.nonTrainable)} non-trainable${model.framework === 'torch' ? `, ${formatCount(t.buffers)} in buffers` : ''})`,
					command: CommandId.ShowModelSummary,
					arguments: args,
					tooltip: 'Show the model summary',
				}),
				new vscode.CodeLens(line, { title: 'Inspect', command: CommandId.ShowModelSummary, arguments: args }),
			);
		}
		return lenses;
	}
}
