import * as vscode from 'vscode';
import { explainLayer, summaryMarkdown } from '../core';
import type { LayerExplanation, ModelSummary } from '../protocol/analysis';
import type { FromPanel, PanelRunResult } from '../protocol/webviewProtocol';
import { AnalysisService, DocumentAnalysis } from './analysisService';
import { CommandId } from './commands';
import { configSection, ExtensionConfig, readConfig } from './config';
import { NormalizationRunner } from './normalizationRunner';
import { InspectionPanel, PanelRender } from './panel/inspectionPanel';
import { LayerHoverProvider } from './providers/hoverProvider';
import { ModelCodeLensProvider } from './providers/codeLensProvider';
import { DiagnosticFixProvider, DiagnosticsPublisher } from './providers/diagnostics';
import { LayerInlayHintsProvider } from './providers/inlayHintsProvider';

/** What the extension exports to other extensions and to its integration tests. */
export interface NormLensApi {
	/** The panel's last rendered text (optionally of one message kind). */
	lastPanelRender(kind?: string): PanelRender | undefined;
	/** Resolves with the next panel render of `kind`. */
	nextPanelRender(kind: string): Promise<PanelRender>;
}

const selector: vscode.DocumentSelector = [
	{ language: 'python', scheme: 'file' },
	{ language: 'python', scheme: 'untitled' },
	{ language: 'python', scheme: 'vscode-notebook-cell' },
];

interface Target {
	doc: vscode.TextDocument;
	pos: vscode.Position | undefined;
	analysis: DocumentAnalysis;
}

export function activate(context: vscode.ExtensionContext): NormLensApi {
	let config: ExtensionConfig = readConfig();
	const analysis = new AnalysisService(() => config.torchInputShape);
	const runner = new NormalizationRunner(context.extensionUri, () => config);
	let shown: { doc: vscode.TextDocument; model: ModelSummary; analysis: DocumentAnalysis } | undefined;

	const panel = new InspectionPanel(context.extensionUri, (m: FromPanel) => {
		if (!shown) {
			return;
		}
		const layer = shown.model.layers.find((l) => l.name === (m as { layerName?: string }).layerName);
		if (!layer) {
			return;
		}
		const range = shown.analysis.toDocument(layer.range);
		if (m.type === 'revealLayer' && range) {
			void vscode.window.showTextDocument(shown.doc, { selection: range, viewColumn: vscode.ViewColumn.One });
		} else if (m.type === 'runLayer' && range) {
			void runAt(shown.doc, range.start);
		}
	});

	context.subscriptions.push(
		analysis,
		runner,
		panel,
		new DiagnosticsPublisher(analysis),
		vscode.languages.registerHoverProvider(selector, new LayerHoverProvider(analysis)),
		vscode.languages.registerCodeLensProvider(selector, new ModelCodeLensProvider(analysis, () => config.codeLensEnabled)),
		vscode.languages.registerInlayHintsProvider(selector, new LayerInlayHintsProvider(analysis, () => config.inlayHintsEnabled)),
		vscode.languages.registerCodeActionsProvider(selector, new DiagnosticFixProvider(analysis), {
			providedCodeActionKinds: DiagnosticFixProvider.kinds,
		}),
		vscode.workspace.onDidChangeConfiguration((e) => {
			if (e.affectsConfiguration(configSection)) {
				const before = JSON.stringify(config.torchInputShape);
				config = readConfig();
				if (JSON.stringify(config.torchInputShape) !== before) {
					analysis.invalidate();
				} else {
					analysis.fireChanged();
				}
			}
		}),
		vscode.window.onDidChangeTextEditorSelection((e) => {
			if (!shown || !panel.isOpen || e.textEditor.document !== shown.doc) {
				return;
			}
			const hit = shown.analysis.layerAt(e.selections[0].active);
			if (hit && hit.model === shown.model) {
				panel.post({ type: 'select', layerName: hit.layer.name });
			}
		}),
	);

	// Warm the engine pool up once activation is over (threads started, kernels tiered up).
	const warmUp = setTimeout(() => void runner.warmUp(), 3000);
	context.subscriptions.push({ dispose: () => clearTimeout(warmUp) });

	async function target(uri?: unknown, line?: unknown, character?: unknown): Promise<Target | undefined> {
		let doc: vscode.TextDocument | undefined;
		let pos: vscode.Position | undefined;
		if (typeof uri === 'string') {
			const u = vscode.Uri.parse(uri);
			doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === u.toString()) ?? (await vscode.workspace.openTextDocument(u));
			if (typeof line === 'number') {
				pos = new vscode.Position(line, typeof character === 'number' ? character : 0);
			}
		} else {
			const editor = vscode.window.activeTextEditor;
			doc = editor?.document;
			pos = editor?.selection.active;
		}
		const a = doc ? analysis.analyze(doc) : undefined;
		if (!doc || !a) {
			void vscode.window.showInformationMessage('NormLens: open a Python file or notebook with a Keras or PyTorch model first.');
			return undefined;
		}
		return { doc, pos, analysis: a };
	}

	function showModel(t: Target, model: ModelSummary, selected: string | null): void {
		const explanations: Record<string, LayerExplanation> = {};
		for (const l of model.layers) {
			const e = explainLayer(l);
			if (e) {
				explanations[l.name] = e;
			}
		}
		shown = { doc: t.doc, model, analysis: t.analysis };
		panel.show();
		panel.post({ type: 'model', fileName: vscode.workspace.asRelativePath(t.analysis.fileName), model, explanations, selected });
	}

	async function runAt(doc: vscode.TextDocument, pos: vscode.Position): Promise<PanelRunResult | undefined> {
		const t = await target(doc.uri.toString(), pos.line, pos.character);
		const hit = t?.pos ? t.analysis.layerAt(t.pos) : undefined;
		if (!t || !hit) {
			void vscode.window.showInformationMessage('NormLens: place the cursor on a normalization layer (e.g. BatchNormalization) to run it.');
			return undefined;
		}
		const built = runner.taskFor(hit.layer);
		if ('error' in built) {
			void vscode.window.showWarningMessage(`NormLens: ${built.error}`);
			return undefined;
		}
		showModel(t, hit.model, hit.layer.name);
		panel.post({ type: 'runStarted', layerName: hit.layer.name, shape: built.task.shape });
		try {
			const result = await runner.run(hit.layer, built.task);
			panel.post({ type: 'runResult', result });
			return result;
		} catch (e) {
			const message = (e as Error).message;
			panel.post({ type: 'runError', layerName: hit.layer.name, message });
			void vscode.window.showErrorMessage(`NormLens: ${message}`);
			return undefined;
		}
	}

	context.subscriptions.push(
		vscode.commands.registerCommand(CommandId.ShowModelSummary, async (uri?: unknown, line?: unknown, character?: unknown) => {
			const t = await target(uri, line, character);
			const model = t?.analysis.modelAt(t.pos);
			if (!t || !model) {
				if (t) {
					void vscode.window.showInformationMessage('NormLens: no Keras or PyTorch model found in this file.');
				}
				return undefined;
			}
			const hit = t.pos ? t.analysis.layerAt(t.pos) : undefined;
			const firstNorm = model.layers.find((l) => explainLayer(l) !== null);
			showModel(t, model, hit?.layer.name ?? firstNorm?.name ?? null);
			return { model: model.name, layers: model.layers.length };
		}),
		vscode.commands.registerCommand(CommandId.InspectLayerAtCursor, async (uri?: unknown, line?: unknown, character?: unknown) => {
			const t = await target(uri, line, character);
			const hit = t?.pos ? t.analysis.layerAt(t.pos) : undefined;
			if (!t || !hit) {
				if (t) {
					void vscode.window.showInformationMessage('NormLens: place the cursor on a layer call to inspect it.');
				}
				return undefined;
			}
			showModel(t, hit.model, hit.layer.name);
			return { model: hit.model.name, layer: hit.layer.name };
		}),
		vscode.commands.registerCommand(CommandId.RunNormalization, async (uri?: unknown, line?: unknown, character?: unknown) => {
			const t = await target(uri, line, character);
			if (!t || !t.pos) {
				return undefined;
			}
			return runAt(t.doc, t.pos);
		}),
		vscode.commands.registerCommand(CommandId.CopySummaryMarkdown, async () => {
			const t = await target();
			const model = t?.analysis.modelAt(t.pos);
			if (!model) {
				return undefined;
			}
			const md = summaryMarkdown(model);
			await vscode.env.clipboard.writeText(md);
			void vscode.window.showInformationMessage(`NormLens: copied the summary of ${model.name}.`);
			return md;
		}),
	);

	return {
		lastPanelRender: (kind) => panel.lastRender(kind as never),
		nextPanelRender: (kind) =>
			new Promise((resolve) => {
				const sub = panel.onDidRender((r) => {
					if (r.kind === kind) {
						sub.dispose();
						resolve(r);
					}
				});
			}),
	};
}

export function deactivate(): void {
	// Everything is owned by context.subscriptions.
}
