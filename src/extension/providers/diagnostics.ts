// The analyser's findings as VS Code diagnostics, and their quick fixes.
import * as vscode from 'vscode';
import type { AnalysisDiagnostic } from '../../protocol/analysis';
import { ADVISORY_CODES, referenceCodeReason } from '../../core';
import { AnalysisService } from '../analysisService';
import { CommandId } from '../commands';
import type { ExtensionConfig } from '../config';
import { Disposable } from '../util/dispose';

const severity: Record<AnalysisDiagnostic['severity'], vscode.DiagnosticSeverity> = {
	error: vscode.DiagnosticSeverity.Error,
	warning: vscode.DiagnosticSeverity.Warning,
	info: vscode.DiagnosticSeverity.Information,
};

/** Publishes the analyser's findings as diagnostics, debounced after edits. */
export class DiagnosticsPublisher extends Disposable {
	private readonly collection = this.register(
		vscode.languages.createDiagnosticCollection('normlens'),
	);
	private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

	constructor(
		private readonly analysis: AnalysisService,
		private readonly config: () => ExtensionConfig,
	) {
		super();
		// A code silenced or shown again (normlens.diagnostics.ignore): every open document anew.
		this.register(
			vscode.workspace.onDidChangeConfiguration((e) => {
				if (e.affectsConfiguration('normlens.diagnostics')) {
					vscode.workspace.textDocuments.forEach((d) => this.schedule(d, 0));
				}
			}),
		);
		this.register(vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)));
		this.register(
			vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, 300)),
		);
		// A cell run again has new outputs: the summaries it printed are checked anew.
		this.register(
			vscode.workspace.onDidChangeNotebookDocument((e) => {
				if (
					e.cellChanges.some(
						(c) => c.outputs !== undefined || c.executionSummary !== undefined,
					)
				) {
					e.notebook.getCells().forEach((c) => this.schedule(c.document, 300));
				}
			}),
		);
		this.register(
			vscode.workspace.onDidCloseTextDocument((d) => {
				this.collection.delete(d.uri);
			}),
		);
		this.register({ dispose: () => this.timers.forEach((t) => clearTimeout(t)) });
		for (const d of vscode.workspace.textDocuments) {
			this.schedule(d, 0);
		}
	}

	private schedule(doc: vscode.TextDocument, delay: number): void {
		if (!AnalysisService.accepts(doc)) {
			return;
		}
		const key = doc.uri.toString();
		clearTimeout(this.timers.get(key));
		this.timers.set(
			key,
			setTimeout(() => {
				this.timers.delete(key);
				void this.publish(doc);
			}, delay),
		);
	}

	async publish(doc: vscode.TextDocument): Promise<void> {
		if (this.isDisposed || doc.isClosed) {
			return;
		}
		const a = await this.analysis.analyze(doc);
		if (!a || this.isDisposed || doc.isClosed) {
			return;
		}
		const out: vscode.Diagnostic[] = [];
		const ignore = this.config().diagnosticsIgnore;
		const reference = referenceCodeReason(doc.uri.path, sourceText(doc));
		for (const d of a.result.diagnostics) {
			const range = a.toDocument(d.range);
			if (!range || ignore.has(d.code)) {
				continue;
			}
			// Advice in code the user is not meant to change (a graded course skeleton, an installed
			// package, a copy of a published architecture) is information, saying which it looks like.
			const level =
				reference !== undefined && d.severity === 'warning' && ADVISORY_CODES.has(d.code)
					? vscode.DiagnosticSeverity.Information
					: severity[d.severity];
			const diag = new vscode.Diagnostic(
				range,
				reference !== undefined && level !== severity[d.severity]
					? `${d.message} (Shown as information: this looks like ${reference}.)`
					: d.message,
				level,
			);
			diag.source = 'NormLens';
			diag.code = d.code;
			out.push(diag);
		}
		this.collection.set(doc.uri, out);
		this.analysis.fireChanged();
	}
}

/** The text a document's analysis reads: the whole notebook for a cell (its markers may be in another cell). */
function sourceText(doc: vscode.TextDocument): string {
	const nb =
		doc.uri.scheme === 'vscode-notebook-cell'
			? vscode.workspace.notebookDocuments.find((n) => n.uri.path === doc.uri.path)
			: undefined;
	return nb
		? nb
				.getCells()
				.map((c) => c.document.getText())
				.join('\n')
		: doc.getText();
}

/** Quick fixes carried by the analyser's diagnostics (e.g. `use_bias=False`), and one to silence a code in this workspace. */
export class DiagnosticFixProvider implements vscode.CodeActionProvider {
	static readonly kinds = [vscode.CodeActionKind.QuickFix];

	constructor(private readonly analysis: AnalysisService) {}

	async provideCodeActions(
		doc: vscode.TextDocument,
		range: vscode.Range,
	): Promise<vscode.CodeAction[]> {
		const a = await this.analysis.analyze(doc);
		if (!a) {
			return [];
		}
		const actions: vscode.CodeAction[] = [];
		for (const d of a.result.diagnostics) {
			const r = a.toDocument(d.range);
			if (!d.fix || !r || !r.intersection(range)) {
				continue;
			}
			const action = new vscode.CodeAction(d.fix.title, vscode.CodeActionKind.QuickFix);
			action.edit = new vscode.WorkspaceEdit();
			for (const e of d.fix.edits) {
				const er = a.toDocument(e.range);
				if (er) {
					action.edit.replace(doc.uri, er, e.newText);
				}
			}
			action.isPreferred = true;
			actions.push(action);
		}
		const codes = new Set(
			a.result.diagnostics
				.filter((d) => a.toDocument(d.range)?.intersection(range))
				.map((d) => d.code),
		);
		for (const code of codes) {
			const silence = new vscode.CodeAction(
				`Don't show NormLens's "${code}" in this workspace`,
				vscode.CodeActionKind.QuickFix,
			);
			silence.command = {
				command: CommandId.IgnoreDiagnosticCode,
				title: silence.title,
				arguments: [code],
			};
			actions.push(silence);
		}
		return actions;
	}
}
