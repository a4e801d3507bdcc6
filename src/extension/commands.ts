// Every command NormLens contributes, registered against the analysis, the inspector and the runner.
import * as vscode from 'vscode';
import { explainLayer, summaryMarkdown } from '../core';
import type { SummaryContract } from '../core';
import type { AnalysisService } from './analysisService';
import { configSection, ExtensionConfig } from './config';
import { setExampleInput } from './exampleInput';
import type { Inspector, Target } from './inspector';
import type { NormalizationRunner } from './normalizationRunner';
import { parseRevealArgs, revealRange } from './reveal';

/** Every command NormLens contributes (ids match package.json). */
export const enum CommandId {
	/** Opens the inspection panel on the model at the cursor. */
	ShowModelSummary = 'normlens.showModelSummary',
	/** Opens the panel on the layer at the cursor. */
	InspectLayerAtCursor = 'normlens.inspectLayerAtCursor',
	/** Runs the normalization layer at the cursor on a seeded sample tensor in the engine pool. */
	RunNormalization = 'normlens.runNormalization',
	/** Batch, layer, instance and group norm on the input of the layer at the cursor, side by side. */
	CompareNormalizations = 'normlens.compareNormalizations',
	/** Simulates K training steps of the normalization layer at the cursor: running statistics, train/eval gap, batch noise. */
	SimulateTraining = 'normlens.simulateTraining',
	/** Chooses a .npy file as the sample tensor of later runs. */
	LoadNpy = 'normlens.loadNpy',
	/** Copies the summary of the model at the cursor as a Markdown table. */
	CopySummaryMarkdown = 'normlens.copySummaryMarkdown',
	/** Saves the file's summary as the JSON contract (`normlens summary --json`). */
	ExportSummaryJson = 'normlens.exportSummaryJson',
	/** Selects the construct behind a `?` (an unknown count's cause) in its file or notebook cell. Arguments: `RevealArgs`, made by NormLens. */
	RevealUnknownCause = 'normlens.revealUnknownCause',
	/** Adds a diagnostic code to normlens.diagnostics.ignore in this workspace (the quick fix "Don't show …"). */
	IgnoreDiagnosticCode = 'normlens.ignoreDiagnosticCode',
	/** Writes a `# normlens: input (…)` comment for the PyTorch models of the file at the cursor (prompting for the shape). */
	SetExampleInput = 'normlens.setExampleInput',
	/** Opens one of the bundled examples (the getting-started walkthrough). */
	OpenExample = 'normlens.openExample',
}

/** The bundled examples the walkthrough opens. */
const examples = new Set(['tabular_bn.py', 'conv_bn.ipynb', 'torch_bn.py']);

/** What the commands act through: the analysis, the panel's inspector, the engine runner and the settings. */
export interface CommandDeps {
	extensionUri: vscode.Uri;
	analysis: AnalysisService;
	inspector: Inspector;
	runner: NormalizationRunner;
	config: () => ExtensionConfig;
}

/** Registers every command of `CommandId`; the caller owns the disposables. */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
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
				// A notebook just opened may have no selected cell at all (`selections` empty): then its first code cell.
				const selected = notebook.selections[0] as vscode.NotebookRange | undefined;
				const cell = selected
					? notebook.notebook.cellAt(selected.start)
					: notebook.notebook
							.getCells()
							.find((c) => c.kind === vscode.NotebookCellKind.Code);
				doc = cell?.kind === vscode.NotebookCellKind.Code ? cell.document : undefined;
			}
		}
		const a = doc ? await deps.analysis.analyzeComplete(doc) : undefined;
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

	const disposables = [
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
				deps.inspector.showModel(t, model, hit?.layer.name ?? firstNorm?.name ?? null);
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
				deps.inspector.showModel(hit.t, hit.model, hit.layer.name);
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
					? deps.inspector.run(hit.t, hit.model, hit.layer, {
							...deps.runner.defaults(),
							useNpy: deps.inspector.npySource !== undefined,
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
					? deps.inspector.simulate(
							hit.t,
							hit.model,
							hit.layer,
							deps.runner.defaults(),
							simulation,
						)
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
					? deps.inspector.compare(t, hit?.model ?? model, layer, {
							...deps.runner.defaults(),
							useNpy: deps.inspector.npySource !== undefined,
						})
					: undefined;
			},
		),
		vscode.commands.registerCommand(CommandId.LoadNpy, async (file?: unknown) => {
			// The file is the input of the normalization layer at the cursor; it runs at once.
			const editor = vscode.window.activeTextEditor;
			const a = editor ? await deps.analysis.analyze(editor.document) : undefined;
			const hit = editor && a?.layerAt(editor.selection.active);
			const t =
				editor && a
					? { doc: editor.document, pos: editor.selection.active, analysis: a }
					: undefined;
			const source = await deps.inspector.loadNpy(
				typeof file === 'string' ? file : undefined,
				t && hit ? { t, model: hit.model, layer: hit.layer } : undefined,
			);
			if (source && t && hit) {
				await deps.inspector.run(t, hit.model, hit.layer, {
					...deps.runner.defaults(),
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
			const ignore = [...new Set([...deps.config().diagnosticsIgnore, code])];
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
			const uri = vscode.Uri.joinPath(deps.extensionUri, 'examples', file);
			if (file.endsWith('.ipynb')) {
				await vscode.window.showNotebookDocument(
					await vscode.workspace.openNotebookDocument(uri),
				);
			} else {
				await vscode.window.showTextDocument(uri);
			}
		}),
	];

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

	return disposables;
}
