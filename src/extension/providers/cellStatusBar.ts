// A notebook cell's status bar item: the totals of each model built in that cell.
import * as vscode from 'vscode';
import { formatCount } from '../../core';
import type { AnalysisService } from '../analysisService';
import { CommandId } from '../commands';

/**
 * A notebook cell's status bar shows the totals of each model built in that cell (the model may
 * use layers from earlier cells: the notebook is one program). Any cell edit can change a later
 * cell's totals, so every notebook change refreshes the items.
 */
export class ModelCellStatusBarProvider
	implements vscode.NotebookCellStatusBarItemProvider, vscode.Disposable
{
	private readonly emitter = new vscode.EventEmitter<void>();
	readonly onDidChangeCellStatusBarItems = this.emitter.event;
	private readonly subscriptions: vscode.Disposable[];
	private timer: ReturnType<typeof setTimeout> | undefined;

	constructor(private readonly analysis: AnalysisService) {
		const refresh = () => {
			clearTimeout(this.timer);
			this.timer = setTimeout(() => this.emitter.fire(), 250);
		};
		this.subscriptions = [
			vscode.workspace.onDidChangeNotebookDocument(refresh),
			analysis.onDidChange(refresh),
		];
	}

	async provideCellStatusBarItems(
		cell: vscode.NotebookCell,
		token: vscode.CancellationToken,
	): Promise<vscode.NotebookCellStatusBarItem[]> {
		if (cell.kind !== vscode.NotebookCellKind.Code || token.isCancellationRequested) {
			return [];
		}
		const a = await this.analysis.analyze(cell.document);
		if (!a || token.isCancellationRequested) {
			return [];
		}
		return a.modelsHere().map((model) => {
			const t = model.totals;
			const range = a.toDocument(model.range);
			const item = new vscode.NotebookCellStatusBarItem(
				`$(layers) ${model.name}: ${formatCount(t.total)} params`,
				vscode.NotebookCellStatusBarAlignment.Right,
			);
			const cause =
				t.total === null && model.unknown ? a.causeTarget(model.unknown) : undefined;
			item.tooltip = cause
				? `${model.name} (${model.framework}): ? params — unknown: ${cause.reason} (${cause.label}) — show the summary`
				: `${model.name} (${model.framework}): ${formatCount(t.total)} params, ${formatCount(t.trainable)} trainable, ${formatCount(t.nonTrainable)} non-trainable${model.framework === 'torch' ? `, ${formatCount(t.buffers)} in buffers` : ''} — show the summary`;
			item.command = {
				title: 'Show Model Summary',
				command: CommandId.ShowModelSummary,
				arguments: [
					cell.document.uri.toString(),
					range?.start.line ?? 0,
					range?.start.character ?? 0,
				],
			};
			item.accessibilityInformation = { label: item.tooltip };
			return item;
		});
	}

	dispose(): void {
		clearTimeout(this.timer);
		this.subscriptions.forEach((s) => s.dispose());
		this.emitter.dispose();
	}
}
