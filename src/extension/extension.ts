// The extension's activation: wires analysis, providers, commands and the panel; its API for tests.
import * as path from 'path';
import * as vscode from 'vscode';
import type { FromPanel } from '../protocol/webviewProtocol';
import { AnalysisHost } from '../host/analysisHost';
import { AnalysisService } from './analysisService';
import { registerCommands } from './commands';
import { configSection, ExtensionConfig, readConfig } from './config';
import { Inspector } from './inspector';
import { NormalizationRunner } from './normalizationRunner';
import { InspectionPanel, PanelRender } from './panel/inspectionPanel';
import { ModelCellStatusBarProvider } from './providers/cellStatusBar';
import { LayerHoverProvider } from './providers/hoverProvider';
import { ModelCodeLensProvider } from './providers/codeLensProvider';
import { DiagnosticFixProvider, DiagnosticsPublisher } from './providers/diagnostics';
import { LayerInlayHintsProvider } from './providers/inlayHintsProvider';

/** What the extension exports to its own integration tests (ExtensionMode.Test only). */
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

export function activate(context: vscode.ExtensionContext): NormLensApi | undefined {
	let config: ExtensionConfig = readConfig();
	// The analysis runs in a worker with a time and memory budget: no file can block or crash this host.
	const analysis = new AnalysisService(
		new AnalysisHost(
			path.join(context.extensionUri.fsPath, 'dist', 'analysisWorker.js'),
			undefined,
			// V8's code cache of the worker's bundle: a window's first analysis starts compiled.
			context.globalStorageUri.fsPath,
		),
		() => config.torchInputShape,
	);
	const runner = new NormalizationRunner(context.extensionUri, () => config);
	const onPanelMessage = async (m: FromPanel): Promise<void> => {
		if (m.type !== 'ready' && m.type !== 'rendered') {
			await inspector.onPanelMessage(m);
		}
	};
	// The seams the integration tests read the panel through exist only when VS Code runs those tests.
	const testing = context.extensionMode === vscode.ExtensionMode.Test;
	const panel = new InspectionPanel(context.extensionUri, onPanelMessage, testing);
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
		// The open panel follows the user: the cursor within a file, and the active editor.
		vscode.window.onDidChangeTextEditorSelection(
			(e) => void inspector.follow(e.textEditor.document, e.selections[0].active),
		),
		vscode.window.onDidChangeActiveTextEditor(
			(editor) => editor && void inspector.follow(editor.document, editor.selection.active),
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

	context.subscriptions.push(
		...registerCommands({
			extensionUri: context.extensionUri,
			analysis,
			inspector,
			runner,
			config: () => config,
		}),
	);

	if (!testing) {
		void openWalkthroughOnce(context);
		return undefined;
	}
	return {
		lastPanelRender: (kind) => panel.lastRender(kind as never),
		nextPanelRender: (kind) =>
			new Promise((resolve) => {
				// A render of a message posted before this call (reported late) is not the next one.
				const after = panel.postedCount;
				const sub = panel.onDidRender((r) => {
					if (r.kind === kind && (r.seq === undefined || r.seq > after)) {
						sub.dispose();
						resolve(r);
					}
				});
			}),
		panelMessage: (m) => panel.receive(m),
	};
}

/** The key in the profile's global state that says the walkthrough was opened once. */
const WALKTHROUGH_SHOWN = 'normlens.walkthroughShown';

/**
 * The first activation in a profile (a Python file or a notebook was opened) opens *Get started
 * with NormLens* beside it, the way VS Code opens a walkthrough on install: an extension loaded from
 * its folder (`npm start`, F5) is never "installed", so VS Code would not. Once per profile, and not
 * when the user asked VS Code to start on nothing (`workbench.startupEditor: none`).
 */
async function openWalkthroughOnce(context: vscode.ExtensionContext): Promise<void> {
	if (context.globalState.get<boolean>(WALKTHROUGH_SHOWN)) {
		return;
	}
	if (vscode.workspace.getConfiguration('workbench').get<string>('startupEditor') === 'none') {
		return;
	}
	await context.globalState.update(WALKTHROUGH_SHOWN, true);
	try {
		await vscode.commands.executeCommand(
			'workbench.action.openWalkthrough',
			`${context.extension.id}#gettingStarted`,
			true,
		);
	} catch {
		// A VS Code without walkthroughs: the Welcome page still lists it.
	}
}

export function deactivate(): void {
	// Everything is owned by context.subscriptions.
}
