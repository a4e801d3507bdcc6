// The inspector: what the panel shows and the actions behind it (show, run, simulate, compare, .npy).
import { RunCancelled } from '../protocol/engineErrors';
import * as path from 'path';
import * as vscode from 'vscode';
import { compareNormalizations, countingView, explainLayer } from '../core';
import { readNpyInfo } from '../host/npyInfo';
import type { LayerSummary, ModelSummary } from '../protocol/analysis';
import type { NormalizeTask } from '../protocol/engineProtocol';
import type {
	FromPanel,
	PanelRunResult,
	PanelSimulation,
	RunOptions,
	SimulationOptions,
	ToPanel,
} from '../protocol/webviewProtocol';
import { AnalysisService, type DocumentAnalysis } from './analysisService';
import { NormalizationRunner, NpySource, panelResult } from './normalizationRunner';
import type { InspectionPanel } from './panel/inspectionPanel';
import {
	compareSource,
	panelCauses,
	panelCosts,
	panelExplanations,
	panelPrinted,
	printedChecks,
} from './panelContent';
import { revealArgs, revealRange } from './reveal';

/** A document, a position in it and its analysis: what every command acts on. */
export interface Target {
	doc: vscode.TextDocument;
	pos: vscode.Position | undefined;
	analysis: DocumentAnalysis;
}

/** The compare view's outcome, for the command's caller (tests, other extensions). */
export interface CompareOutcome {
	shape: number[];
	entries: {
		family: string;
		code: string;
		result: PanelRunResult | null;
		error: string | null;
	}[];
}

/** Whether an edit of `changed` can change the analysis of `doc` (the same file, or cells of one notebook). */
function sameSource(doc: vscode.TextDocument, changed: vscode.TextDocument): boolean {
	if (doc === changed) {
		return true;
	}
	return (
		doc.uri.scheme === 'vscode-notebook-cell' &&
		changed.uri.scheme === 'vscode-notebook-cell' &&
		doc.uri.path === changed.uri.path
	);
}

/**
 * What the inspection panel shows and the actions behind it: showing a model, running a layer or
 * the four-way comparison on a sample tensor, the .npy source. Commands and panel messages both
 * come here, so the two always agree.
 */
export class Inspector {
	/** The model on the panel (by document and name: re-read from the analysis when used). */
	private shown: { doc: vscode.TextDocument; modelName: string } | undefined;
	private npy: NpySource | undefined;

	constructor(
		private readonly panel: InspectionPanel,
		private readonly analysis: AnalysisService,
		private readonly runner: NormalizationRunner,
	) {}

	/** The document the panel shows, for the cursor → row sync. */
	get shownDocument(): vscode.TextDocument | undefined {
		return this.panel.isOpen ? this.shown?.doc : undefined;
	}

	showModel(t: Target, model: ModelSummary, selected: string | null, reveal = true): void {
		const explanations = panelExplanations(model);
		this.shown = { doc: t.doc, modelName: model.name };
		const printed = panelPrinted(t.analysis, model);
		if (reveal) {
			this.panel.show();
		}
		this.panel.post({
			type: 'model',
			uri: t.doc.uri.toString(),
			fileName: vscode.workspace.asRelativePath(t.analysis.fileName),
			model,
			explanations,
			selected,
			counting: { keras: countingView(model, 'keras'), torch: countingView(model, 'torch') },
			defaults: this.runner.defaults(),
			npy: this.npy
				? {
						name: this.npy.name,
						shape: this.npy.shape,
						layerName: this.npyFor(t.doc, model),
					}
				: null,
			causes: panelCauses(t.analysis, model),
			costs: panelCosts(t.analysis, model),
			...(printed.length > 0 ? { printed } : {}),
		});
	}

	/**
	 * The shown document (or a cell of the shown notebook) was edited: re-show its model from the
	 * fresh analysis, keeping the selection; the panel keeps its run results for the same model.
	 */
	async refresh(changed: vscode.TextDocument): Promise<void> {
		const doc = this.shownDocument;
		if (!doc || !this.shown || !sameSource(doc, changed)) {
			return;
		}
		const a = await this.analysis.analyzeComplete(doc);
		const model = a?.result.models.find((m) => m.name === this.shown?.modelName);
		if (a && model) {
			this.showModel(
				{ doc, pos: undefined, analysis: a },
				model,
				this.panel.selectedLayer ?? null,
				false,
			);
		}
	}

	/**
	 * The cursor moved, or another editor became active: the open panel follows the user, as the
	 * Outline view does. A layer of the shown model is selected; a layer of another model shows
	 * that model; in another file, the model at the cursor or the file's first model is shown. A
	 * file without models leaves the panel as it is, and the panel never takes the focus.
	 */
	async follow(doc: vscode.TextDocument, pos: vscode.Position): Promise<void> {
		if (!this.panel.isOpen || !AnalysisService.accepts(doc)) {
			return;
		}
		const shownHere = this.shown !== undefined && sameSource(this.shown.doc, doc);
		const a = await this.analysis.analyzeComplete(doc);
		const hit = a?.layerAt(pos);
		if (hit && shownHere && hit.model.name === this.shown?.modelName) {
			this.panel.post({ type: 'select', layerName: hit.layer.name });
			return;
		}
		const model = hit?.model ?? (shownHere ? undefined : a?.result.models[0]);
		if (a && model) {
			this.showModel({ doc, pos, analysis: a }, model, hit?.layer.name ?? null, false);
		}
	}

	/** Handles a validated message from the panel. */
	async onPanelMessage(m: Exclude<FromPanel, { type: 'ready' | 'rendered' }>): Promise<void> {
		switch (m.type) {
			case 'cancelRun':
				this.runner.cancel();
				return;
			case 'pickNpy': {
				// For the layer the panel shows (its input is what the file must hold).
				const found = this.panel.selectedLayer
					? await this.shownLayer(this.panel.selectedLayer)
					: undefined;
				await this.loadNpy(
					undefined,
					found && { t: found.target, model: found.model, layer: found.layer },
				);
				return;
			}
			case 'clearNpy':
				this.npy = undefined;
				this.panel.post({ type: 'npy', name: null, shape: null, layerName: null });
				return;
			case 'revealLayer':
			case 'revealCause':
			case 'revealPrinted':
			case 'revealOp':
				await this.revealPlace(m);
				return;
		}
		const found = await this.shownLayer(m.layerName);
		if (!found) {
			return;
		}
		const { target, model, layer } = found;
		if (m.type === 'runLayer') {
			await this.run(target, model, layer, m.options);
		} else if (m.type === 'simulateLayer') {
			await this.simulate(target, model, layer, m.options, m.simulation);
		} else {
			await this.compare(target, model, layer, m.options);
		}
	}

	/**
	 * Selects, in the editor (another cell of the notebook, maybe), what the panel points at: a layer,
	 * the cause of a `?` (the totals' for `null`), the call that printed a summary, or a merge op.
	 */
	private async revealPlace(
		m: Extract<
			FromPanel,
			{ type: 'revealLayer' | 'revealCause' | 'revealPrinted' | 'revealOp' }
		>,
	): Promise<void> {
		const doc = this.shown?.doc;
		const a = doc && !doc.isClosed ? await this.analysis.analyzeComplete(doc) : undefined;
		const model = a?.result.models.find((x) => x.name === this.shown?.modelName);
		const range =
			!a || !model
				? undefined
				: m.type === 'revealLayer'
					? model.layers.find((l) => l.name === m.layerName)?.range
					: m.type === 'revealOp'
						? model.ops?.[m.index]?.range
						: m.type === 'revealPrinted'
							? printedChecks(a, model)[m.index]?.range
							: (m.layerName === null
									? model.unknown
									: model.layers.find((l) => l.name === m.layerName)?.unknown
								)?.range;
		if (a && range) {
			await revealRange(
				revealArgs(a.causeTarget({ reason: '', range })),
				vscode.ViewColumn.One,
			);
		}
	}

	private async shownLayer(
		name: string,
	): Promise<{ target: Target; model: ModelSummary; layer: LayerSummary } | undefined> {
		const doc = this.shown?.doc;
		const a = doc && !doc.isClosed ? await this.analysis.analyzeComplete(doc) : undefined;
		const model = a?.result.models.find((x) => x.name === this.shown?.modelName);
		const layer = model?.layers.find((l) => l.name === name);
		return doc && a && model && layer
			? { target: { doc, pos: undefined, analysis: a }, model, layer }
			: undefined;
	}

	/** Runs a normalization layer on a sample tensor (or the loaded .npy) and shows the result. */
	async run(
		t: Target,
		model: ModelSummary,
		layer: LayerSummary,
		options: RunOptions = this.runner.defaults(),
	): Promise<PanelRunResult | { refused: string } | undefined> {
		const e = explainLayer(layer);
		if (!e) {
			// Not a normalization: the user is told why, and so is the caller (the command's result).
			const refused = `NormLens: ${layer.type} \`${layer.name}\` is not a normalization layer NormLens can run.`;
			void vscode.window.showInformationMessage(refused);
			return { refused };
		}
		const built = this.runner.taskFor(
			e,
			{ ...options, useNpy: options.useNpy && this.npyBelongsTo(t.doc, model, layer) },
			this.npy,
		);
		if ('error' in built) {
			void vscode.window.showWarningMessage(`NormLens: ${built.error}`);
			return undefined;
		}
		this.ensureShown(t, model, layer.name);
		const task = built.task;
		this.panel.post({ type: 'runStarted', layerName: layer.name, shape: task.shape });
		try {
			const r = await this.runner.run(
				`running ${layer.name} on a sample tensor (${task.shape.join('×')})`,
				task,
				(fraction) => this.panel.post({ type: 'runProgress', fraction }),
			);
			const result = panelResult(
				layer.name,
				task,
				r,
				task.npyPath ? (this.npy?.name ?? path.basename(task.npyPath)) : 'generated sample',
			);
			this.panel.post({ type: 'runResult', result });
			return result;
		} catch (err) {
			this.runFailed(layer.name, err);
			return undefined;
		}
	}

	/** A run or simulation failed: the panel says so, and so does a notification unless the user cancelled it. */
	private runFailed(layerName: string, err: unknown): void {
		const message = (err as Error).message;
		this.panel.post({ type: 'runError', layerName, message });
		if (!(err instanceof RunCancelled)) {
			void vscode.window.showErrorMessage(`NormLens: ${message}`);
		}
	}

	/**
	 * Simulates K training steps of a normalization layer (the loaded .npy is not used: every step
	 * needs a batch of its own) and shows the running statistics, the train/eval gap and the batch
	 * noise in the panel.
	 */
	async simulate(
		t: Target,
		model: ModelSummary,
		layer: LayerSummary,
		options: RunOptions = this.runner.defaults(),
		simulation: SimulationOptions = { steps: 200, drift: { shift: 0, scale: 1 } },
	): Promise<PanelSimulation | undefined> {
		const e = explainLayer(layer);
		if (!e) {
			void vscode.window.showInformationMessage(
				`NormLens: ${layer.type} \`${layer.name}\` is not a normalization layer NormLens can simulate.`,
			);
			return undefined;
		}
		const built = this.runner.simulationFor(e, options, simulation);
		if ('error' in built) {
			void vscode.window.showWarningMessage(`NormLens: ${built.error}`);
			return undefined;
		}
		this.ensureShown(t, model, layer.name);
		const task = built.task;
		this.panel.post({
			type: 'simulateStarted',
			layerName: layer.name,
			shape: task.shape,
			steps: task.steps,
		});
		try {
			const r = await this.runner.simulate(
				`simulating ${task.steps} training steps of ${layer.name} (${task.shape.join('×')})`,
				task,
				(fraction) => this.panel.post({ type: 'runProgress', fraction }),
			);
			const result: PanelSimulation = {
				layerName: layer.name,
				type: layer.type,
				seed: task.seed,
				distribution: task.distribution,
				momentumRule: e.momentumRule,
				result: r,
			};
			this.panel.post({ type: 'simulateResult', result });
			return result;
		} catch (err) {
			this.runFailed(layer.name, err);
			return undefined;
		}
	}

	/**
	 * Batch, layer, instance and group norm on this layer's input (the same tensor for all four:
	 * one seed, the sample's shifts pinned to the channel axis), each run in the pool.
	 */
	async compare(
		t: Target,
		model: ModelSummary,
		layer: LayerSummary,
		options: RunOptions = this.runner.defaults(),
	): Promise<CompareOutcome | undefined> {
		const source = compareSource(model, layer);
		if (!source) {
			void vscode.window.showInformationMessage(
				'NormLens: place the cursor on a normalization layer, or on a layer whose output shape is known, to compare normalizations there.',
			);
			return undefined;
		}
		// The loaded .npy is the input of the layer it was loaded for: the comparison on that input uses it.
		options = {
			...options,
			useNpy:
				options.useNpy && source.what === 'input' && this.npyBelongsTo(t.doc, model, layer),
		};
		const batch = options.useNpy && this.npy ? this.npy.shape[0] : options.batchSize;
		const shape = source.shape.map((d, i) => (i === 0 ? (d ?? batch) : d));
		if (shape.some((d) => d === null)) {
			void vscode.window.showWarningMessage(
				`NormLens: the ${source.what} of \`${source.name}\` has unknown sizes: (${source.shape.map((d) => d ?? 'None').join(', ')}).`,
			);
			return undefined;
		}
		const c = compareNormalizations(source.framework, shape as number[], source.channelAxis);
		if ('error' in c) {
			void vscode.window.showWarningMessage(`NormLens: ${c.error}`);
			return undefined;
		}
		this.ensureShown(t, model, source.name);
		this.panel.post({
			type: 'compare',
			layerName: source.name,
			of: `the ${source.what} of ${source.name}`,
			framework: c.framework,
			shape: c.shape,
			channelAxis: c.channelAxis,
			entries: c.entries,
			options,
		});
		const outcome: CompareOutcome = {
			shape: c.shape,
			entries: c.entries.map((x) => ({
				family: x.family,
				code: x.code,
				result: null,
				error: x.unavailable ?? null,
			})),
		};
		const runs: { index: number; label: string; task: NormalizeTask }[] = [];
		c.entries.forEach((entry, index) => {
			if (!entry.explanation) {
				return;
			}
			const built = this.runner.taskFor(
				entry.explanation,
				{ ...options, batchSize: c.shape[0] },
				this.npy,
				c.channelAxis,
			);
			if ('error' in built) {
				outcome.entries[index].error = built.error;
				this.panel.post({
					type: 'compareError',
					family: entry.family,
					message: built.error,
				});
			} else {
				// Each method's y per sample and per channel: what the comparison reports.
				runs.push({ index, label: entry.title, task: { ...built.task, views: true } });
			}
		});
		await this.runner.runAll(
			`comparing normalizations on (${c.shape.join(', ')})`,
			runs,
			(i, r) => {
				const { index, task } = runs[i];
				const family = c.entries[index].family;
				if (r instanceof Error) {
					outcome.entries[index].error = r.message;
					this.panel.post({ type: 'compareError', family, message: r.message });
				} else {
					const result = panelResult(
						`${family}_norm`,
						task,
						r,
						task.npyPath ? (this.npy?.name ?? 'npy') : 'generated sample',
					);
					outcome.entries[index].result = result;
					this.panel.post({ type: 'compareResult', family, result });
				}
			},
			(fraction) => this.panel.post({ type: 'runProgress', fraction }),
		);
		return outcome;
	}

	/**
	 * Chooses a .npy file (a dialog unless `file` is given) as the input of one layer — `target`, the
	 * layer at the cursor or on the panel — and checks its header: its shape must be that layer's
	 * input shape (any batch). A file that does not fit is refused with both shapes and how to pick
	 * another, and is not kept; runs of other layers keep using the generated sample.
	 */
	async loadNpy(
		file: string | undefined,
		target: { t: Target; model: ModelSummary; layer: LayerSummary } | undefined,
	): Promise<NpySource | undefined> {
		const e = target && explainLayer(target.layer);
		if (!target || !e) {
			void vscode.window.showInformationMessage(
				'NormLens: a .npy file holds the input of one normalization layer: put the cursor on that layer (or select it in the panel), then load the file.',
			);
			return undefined;
		}
		if (!file) {
			const picked = await vscode.window.showOpenDialog({
				canSelectMany: false,
				filters: { 'NumPy array': ['npy'] },
				title: `NormLens: Load .npy as the input of ${target.layer.name}`,
				openLabel: 'Load',
			});
			file = picked?.[0]?.fsPath;
			if (!file) {
				return undefined;
			}
		}
		const name = path.basename(file);
		let shape: number[];
		try {
			shape = readNpyInfo(file, this.runner.memoryLimitMiB).shape;
		} catch (err) {
			void vscode.window.showErrorMessage(
				`NormLens: ${name}: ${(err as Error).message} It was not loaded.`,
			);
			return undefined;
		}
		const input = e.inputShape;
		const fits =
			input !== null &&
			shape.length === input.length &&
			input.every((d, i) => i === 0 || d === null || d === shape[i]);
		if (!fits) {
			const expected = input
				? `(any batch, ${input
						.slice(1)
						.map((d) => d ?? '?')
						.join(', ')})`
				: 'unknown';
			const message = `${name} holds an array of shape (${shape.join(', ')}), but this layer's input is (N, ${(
				input ?? []
			)
				.slice(1)
				.map((d) => d ?? '?')
				.join(
					', ',
				)}): it was not loaded. Save the input of \`${target.layer.name}\` with shape ${expected} and load that file ("NormLens: Load .npy as Sample Tensor").`;
			this.ensureShown(target.t, target.model, target.layer.name);
			this.panel.post({ type: 'runError', layerName: target.layer.name, message });
			void vscode.window.showErrorMessage(`NormLens: ${message}`);
			return undefined;
		}
		this.npy = {
			path: file,
			name,
			shape,
			layer: {
				uri: target.t.doc.uri.toString(),
				model: target.model.name,
				name: target.layer.name,
			},
		};
		this.panel.post({ type: 'npy', name, shape, layerName: target.layer.name });
		void vscode.window.showInformationMessage(
			`NormLens: ${name} (${shape.join(' × ')}) is the input of ${target.layer.name} for its next runs.`,
		);
		return this.npy;
	}

	/** Whether the loaded .npy is the input of this layer. */
	private npyBelongsTo(
		doc: vscode.TextDocument,
		model: ModelSummary,
		layer: LayerSummary,
	): boolean {
		const l = this.npy?.layer;
		return (
			l !== undefined &&
			l.uri === doc.uri.toString() &&
			l.model === model.name &&
			l.name === layer.name
		);
	}

	/** The layer of this model the loaded .npy belongs to, or null (another model or document). */
	private npyFor(doc: vscode.TextDocument, model: ModelSummary): string | null {
		const l = this.npy?.layer;
		return l && l.uri === doc.uri.toString() && l.model === model.name ? l.name : null;
	}

	get npySource(): NpySource | undefined {
		return this.npy;
	}

	/** Shows the model unless the panel already shows it (keeps the panel's controls and state). */
	private ensureShown(t: Target, model: ModelSummary, selected: string): void {
		if (
			!this.panel.isOpen ||
			this.shown?.doc !== t.doc ||
			this.shown.modelName !== model.name
		) {
			this.showModel(t, model, selected);
		} else {
			this.panel.show();
			if (this.panel.selectedLayer !== selected) {
				this.panel.post({ type: 'select', layerName: selected });
			}
		}
	}

	/** Re-shows the model of a restored panel (after a window reload). */
	async restore(state: unknown): Promise<void> {
		const saved = (
			state as { model?: Partial<Extract<ToPanel, { type: 'model' }>> } | undefined
		)?.model;
		if (typeof saved?.uri !== 'string' || typeof saved.model?.name !== 'string') {
			return;
		}
		try {
			const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(saved.uri));
			const a = await this.analysis.analyzeComplete(doc);
			const model = a?.result.models.find((m) => m.name === saved.model?.name);
			if (a && model) {
				this.showModel(
					{ doc, pos: undefined, analysis: a },
					model,
					typeof saved.selected === 'string' ? saved.selected : null,
				);
			}
		} catch {
			// The file is gone: the panel keeps what it restored from its own state.
		}
	}
}
