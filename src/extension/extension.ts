import * as path from 'path';
import * as vscode from 'vscode';
import { explainLayer, summaryMarkdown } from '../core';
import type { SummaryContract } from '../core';
import type { FromPanel } from '../protocol/webviewProtocol';
import { AnalysisHost } from '../host/analysisHost';
import { AnalysisService } from './analysisService';
import { CommandId } from './commands';
import { setExampleInput } from './exampleInput';
import { configSection, ExtensionConfig, readConfig } from './config';
import { Inspector, Target } from './inspector';
import { NormalizationRunner } from './normalizationRunner';
import { InspectionPanel, PanelRender } from './panel/inspectionPanel';
import { ModelCellStatusBarProvider } from './providers/cellStatusBar';
import { LayerHoverProvider } from './providers/hoverProvider';
import { ModelCodeLensProvider } from './providers/codeLensProvider';
import { DiagnosticFixProvider, DiagnosticsPublisher } from './providers/diagnostics';
import { LayerInlayHintsProvider } from './providers/inlayHintsProvider';
import { parseRevealArgs, revealRange } from './reveal';

/** What the extension exports to other extensions and to its integration tests. */
export interface NormLensApi {
	/** The panel's last rendered text (optionally of one message kind). */
	lastPanelRender(kind?: string): PanelRender | undefined;
	/** Resolves with the next panel render of `kind`. */
	nextPanelRender(kind: string): Promise<PanelRender>;
	/** Sends a message as if the panel had sent it (validated like one): the panel's buttons, for tests. */
	panelMessage(m: unknown): Promise<void>;
}

const selector: vscode.DocumentSelector = [
	{ language: 'python', scheme: 'file' },
	{ language: 'python', scheme: 'untitled' },
	{ language: 'python', scheme: 'vscode-notebook-cell' },
];

/** The bundled examples the walkthrough opens. */
const examples = new Set(['tabular_bn.py', 'conv_bn.ipynb', 'torch_bn.py']);

export function activate(context: vscode.ExtensionContext): NormLensApi {
	let config: ExtensionConfig = readConfig();
	// The analysis runs in a worker with a time and memory budget: no file can block or crash this host.
	const analysis = new AnalysisService(
		new AnalysisHost(path.join(context.extensionUri.fsPath, 'dist', 'analysisWorker.js')),
		() => config.torchInputShape,
	);
	const runner = new NormalizationRunner(context.extensionUri, () => config);
	const onPanelMessage = async (m: FromPanel): Promise<void> => {
		if (m.type !== 'ready' && m.type !== 'rendered') {
			await inspector.onPanelMessage(m);
		}
	};
	const panel = new InspectionPanel(context.extensionUri, onPanelMessage);
	const inspector = new Inspector(panel, analysis, runner);
	const cellStatusBar = new ModelCellStatusBarProvider(analysis);
	let refreshTimer: ReturnType<typeof setTimeout> | undefined;

	context.subscriptions.push(
		analysis,
		runner,
		panel,
		cellStatusBar,
		new DiagnosticsPublisher(analysis, () => config),
		vscode.languages.registerHoverProvider(selector, new LayerHoverProvider(analysis)),
		vscode.languages.registerCodeLensProvider(
			selector,
			new ModelCodeLensProvider(analysis, () => config.codeLensEnabled),
		),
		vscode.languages.registerInlayHintsProvider(
			selector,
			new LayerInlayHintsProvider(analysis, () => config.inlayHintsEnabled),
		),
		vscode.languages.registerCodeActionsProvider(
			selector,
			new DiagnosticFixProvider(analysis),
			{
				providedCodeActionKinds: DiagnosticFixProvider.kinds,
			},
		),
		vscode.notebooks.registerNotebookCellStatusBarItemProvider(
			'jupyter-notebook',
			cellStatusBar,
		),
		vscode.window.registerWebviewPanelSerializer(InspectionPanel.viewType, {
			deserializeWebviewPanel: async (restored, state: unknown) => {
				panel.restore(restored);
				await inspector.restore(state);
			},
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
		vscode.window.onDidChangeTextEditorSelection(
			(e) => void inspector.select(e.textEditor.document, e.selections[0].active),
		),
		vscode.workspace.onDidChangeTextDocument((e) => {
			// The panel follows edits of the shown model, once typing pauses.
			if (e.contentChanges.length === 0 || !inspector.shownDocument) {
				return;
			}
			clearTimeout(refreshTimer);
			refreshTimer = setTimeout(() => void inspector.refresh(e.document), 300);
		}),
		{ dispose: () => clearTimeout(refreshTimer) },
	);

	// Warm the engine pool up once activation is over (threads started, kernels tiered up).
	const warmUp = setTimeout(() => void runner.warmUp(), 3000);
	context.subscriptions.push({ dispose: () => clearTimeout(warmUp) });

	/**
	 * The document and position a command acts on: explicit arguments (CodeLens, hover links,
	 * tests) or the active editor.
	 */
	async function target(
		uri?: unknown,
		line?: unknown,
		character?: unknown,
	): Promise<Target | undefined> {
		let doc: vscode.TextDocument | undefined;
		let pos: vscode.Position | undefined;
		if (typeof uri === 'string') {
			const u = vscode.Uri.parse(uri);
			doc =
				vscode.workspace.textDocuments.find((d) => d.uri.toString() === u.toString()) ??
				(await vscode.workspace.openTextDocument(u));
			if (typeof line === 'number') {
				pos = new vscode.Position(line, typeof character === 'number' ? character : 0);
			}
		} else {
			const editor = vscode.window.activeTextEditor;
			doc = editor?.document;
			pos = editor?.selection.active;
			// A notebook with a selected cell but no cell editor focused: act on that cell.
			const notebook = vscode.window.activeNotebookEditor;
			if (!doc && notebook) {
				const cell = notebook.notebook.cellAt(notebook.selection.start);
				doc = cell.kind === vscode.NotebookCellKind.Code ? cell.document : undefined;
			}
		}
		const a = doc ? await analysis.analyze(doc) : undefined;
		if (!doc || !a) {
			void vscode.window.showInformationMessage(
				'NormLens: open a Python file or notebook with a Keras or PyTorch model first.',
			);
			return undefined;
		}
		return { doc, pos, analysis: a };
	}

	/** The layer at the target's position, or a message saying what to do. */
	function layerAtTarget(t: Target | undefined, what: string) {
		const hit = t?.pos ? t.analysis.layerAt(t.pos) : undefined;
		if (t && !hit) {
			void vscode.window.showInformationMessage(
				`NormLens: place the cursor on a layer call to ${what}.`,
			);
		}
		return t && hit ? { t, ...hit } : undefined;
	}

	context.subscriptions.push(
		vscode.commands.registerCommand(
			CommandId.ShowModelSummary,
			async (uri?: unknown, line?: unknown, character?: unknown) => {
				const t = await target(uri, line, character);
				const model = t?.analysis.modelAt(t.pos);
				if (!t || !model) {
					if (t) {
						void vscode.window.showInformationMessage(
							'NormLens: no Keras or PyTorch model found in this file.',
						);
					}
					return undefined;
				}
				const hit = t.pos ? t.analysis.layerAt(t.pos) : undefined;
				const firstNorm = model.layers.find((l) => explainLayer(l) !== null);
				inspector.showModel(t, model, hit?.layer.name ?? firstNorm?.name ?? null);
				return { model: model.name, layers: model.layers.length };
			},
		),
		vscode.commands.registerCommand(
			CommandId.InspectLayerAtCursor,
			async (uri?: unknown, line?: unknown, character?: unknown) => {
				const hit = layerAtTarget(await target(uri, line, character), 'inspect it');
				if (!hit) {
					return undefined;
				}
				inspector.showModel(hit.t, hit.model, hit.layer.name);
				return { model: hit.model.name, layer: hit.layer.name };
			},
		),
		vscode.commands.registerCommand(
			CommandId.RunNormalization,
			async (uri?: unknown, line?: unknown, character?: unknown) => {
				const hit = layerAtTarget(
					await target(uri, line, character),
					'run it (e.g. on BatchNormalization)',
				);
				return hit
					? inspector.run(hit.t, hit.model, hit.layer, {
							...runner.defaults(),
							useNpy: inspector.npySource !== undefined,
						})
					: undefined;
			},
		),
		vscode.commands.registerCommand(
			CommandId.SimulateTraining,
			async (uri?: unknown, line?: unknown, character?: unknown, steps?: unknown) => {
				const hit = layerAtTarget(
					await target(uri, line, character),
					'simulate its training steps (e.g. on BatchNormalization)',
				);
				const simulation = {
					steps:
						typeof steps === 'number' &&
						Number.isInteger(steps) &&
						steps >= 1 &&
						steps <= 10_000
							? steps
							: 200,
					drift: { shift: 0, scale: 1 },
				};
				return hit
					? inspector.simulate(hit.t, hit.model, hit.layer, runner.defaults(), simulation)
					: undefined;
			},
		),
		vscode.commands.registerCommand(
			CommandId.CompareNormalizations,
			async (uri?: unknown, line?: unknown, character?: unknown) => {
				const t = await target(uri, line, character);
				const model = t?.analysis.modelAt(t.pos);
				if (!t || !model) {
					return undefined;
				}
				const hit = t.pos ? t.analysis.layerAt(t.pos) : undefined;
				const layer =
					hit?.layer ??
					model.layers.find((l) => explainLayer(l) !== null) ??
					model.layers[0];
				return layer
					? inspector.compare(t, hit?.model ?? model, layer, {
							...runner.defaults(),
							useNpy: inspector.npySource !== undefined,
						})
					: undefined;
			},
		),
		vscode.commands.registerCommand(CommandId.LoadNpy, async (file?: unknown) => {
			// The file is the input of the normalization layer at the cursor; it runs at once.
			const editor = vscode.window.activeTextEditor;
			const a = editor ? await analysis.analyze(editor.document) : undefined;
			const hit = editor && a?.layerAt(editor.selection.active);
			const t =
				editor && a
					? { doc: editor.document, pos: editor.selection.active, analysis: a }
					: undefined;
			const source = await inspector.loadNpy(
				typeof file === 'string' ? file : undefined,
				t && hit ? { t, model: hit.model, layer: hit.layer } : undefined,
			);
			if (source && t && hit) {
				await inspector.run(t, hit.model, hit.layer, {
					...runner.defaults(),
					useNpy: true,
				});
			}
			return source
				? { name: source.name, shape: source.shape, layer: source.layer.name }
				: undefined;
		}),
		vscode.commands.registerCommand(CommandId.CopySummaryMarkdown, async () => {
			const t = await target();
			const model = t?.analysis.modelAt(t.pos);
			if (!model) {
				return undefined;
			}
			const md = summaryMarkdown(model);
			await vscode.env.clipboard.writeText(md);
			void vscode.window.showInformationMessage(
				`NormLens: copied the summary of ${model.name}.`,
			);
			return md;
		}),
		vscode.commands.registerCommand(
			CommandId.ExportSummaryJson,
			async (uri?: unknown, destination?: unknown) =>
				exportSummary(await target(uri), destination),
		),
		vscode.commands.registerCommand(
			CommandId.RevealUnknownCause,
			async (...args: unknown[]) => {
				const parsed = parseRevealArgs(args);
				return parsed ? revealRange(parsed) : undefined;
			},
		),
		vscode.commands.registerCommand(CommandId.IgnoreDiagnosticCode, async (code?: unknown) => {
			if (typeof code !== 'string' || !/^[a-z0-9-]{1,64}$/.test(code)) {
				return undefined;
			}
			// In the workspace's settings when a folder is open (the code is silenced for this project only), else the user's.
			const c = vscode.workspace.getConfiguration(configSection);
			const target = vscode.workspace.workspaceFolders?.length
				? vscode.ConfigurationTarget.Workspace
				: vscode.ConfigurationTarget.Global;
			const ignore = [...new Set([...config.diagnosticsIgnore, code])];
			await c.update('diagnostics.ignore', ignore, target);
			void vscode.window.showInformationMessage(
				`NormLens: "${code}" is no longer shown${target === vscode.ConfigurationTarget.Workspace ? ' in this workspace' : ''} (setting normlens.diagnostics.ignore).`,
			);
			return ignore;
		}),
		vscode.commands.registerCommand(
			CommandId.SetExampleInput,
			async (uri?: unknown, line?: unknown, character?: unknown, shape?: unknown) => {
				const t = await target(uri, line, character);
				return t ? setExampleInput(t, shape) : undefined;
			},
		),
		vscode.commands.registerCommand(CommandId.OpenExample, async (name?: unknown) => {
			const file = typeof name === 'string' && examples.has(name) ? name : 'tabular_bn.py';
			const uri = vscode.Uri.joinPath(context.extensionUri, 'examples', file);
			if (file.endsWith('.ipynb')) {
				await vscode.window.showNotebookDocument(
					await vscode.workspace.openNotebookDocument(uri),
				);
			} else {
				await vscode.window.showTextDocument(uri);
			}
		}),
	);

	/** Saves the JSON contract of the target's file (a save dialog unless `destination` is given). */
	async function exportSummary(
		t: Target | undefined,
		destination: unknown,
	): Promise<SummaryContract | undefined> {
		if (!t) {
			return undefined;
		}
		const contract = t.analysis.contract();
		if (contract.models.length === 0) {
			void vscode.window.showInformationMessage(
				'NormLens: no Keras or PyTorch model found in this file.',
			);
			return undefined;
		}
		let out: vscode.Uri | undefined;
		if (typeof destination === 'string') {
			out = vscode.Uri.parse(destination);
		} else {
			const base = t.analysis.fileName.replace(/\.(py|ipynb)$/, '');
			out = await vscode.window.showSaveDialog({
				defaultUri: vscode.Uri.file(`${base}.normlens.json`),
				filters: { JSON: ['json'] },
				title: 'NormLens: Export Summary as JSON',
			});
		}
		if (!out) {
			return undefined;
		}
		await vscode.workspace.fs.writeFile(
			out,
			new TextEncoder().encode(`${JSON.stringify(contract, null, 2)}\n`),
		);
		if (typeof destination !== 'string') {
			void vscode.window
				.showInformationMessage(
					`NormLens: saved the summary of ${contract.models.length} model(s) to ${vscode.workspace.asRelativePath(out)}.`,
					'Open',
				)
				.then((choice) => {
					if (choice === 'Open') {
						void vscode.window.showTextDocument(out);
					}
				});
		}
		return contract;
	}

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
		panelMessage: (m) => panel.receive(m),
	};
}

export function deactivate(): void {
	// Everything is owned by context.subscriptions.
}
