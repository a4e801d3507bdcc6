// Analyses of editor documents (a notebook as one program), run in a worker, cached per version.
import * as path from 'path';
import * as vscode from 'vscode';
import { AnalysisHost, type AnalysisRequest } from '../host/analysisHost';
import { buildProgram, causeLocation, layerAt, mergeCallDetails, toContract } from '../core';
import type { CellOutput, NotebookProgram, SummaryContract } from '../core';
import type {
	AnalysisResult,
	LayerSummary,
	ModelSummary,
	TextPosition,
	TextRange,
	UnknownCause,
} from '../protocol/analysis';

/** An unknown's cause as the editor shows it: the document it is in (a cell, in notebooks), where, and why. */
export interface CauseTarget {
	/** The file, or the notebook cell, that holds the cause. */
	uri: vscode.Uri;
	/** The cause's range in that document. */
	range: vscode.Range;
	/** `line 3`, or `cell 2, line 3` when the cause is in another cell than the one analysed. */
	label: string;
	reason: string;
}

/**
 * The analysis of one editor document. For a notebook cell, the program is the whole notebook
 * (code cells in order) and `lineOffset` is where this cell starts in it.
 */
export class DocumentAnalysis {
	constructor(
		readonly result: AnalysisResult,
		readonly lineOffset: number,
		readonly lineCount: number,
		readonly fileName: string,
		/** The analysed document (for a notebook, this cell). */
		readonly uri: vscode.Uri,
		/** The notebook program this cell is part of (for cell-relative locations). */
		readonly program?: NotebookProgram,
		/** The notebook and this cell's index in it, for causes that lie in other cells. */
		readonly notebook?: { document: vscode.NotebookDocument; cell: number },
	) {}

	/** Where a cause is, in the document that holds it (another cell of the notebook, maybe). */
	causeTarget(cause: UnknownCause): CauseTarget {
		const where = causeLocation(cause.range, this.program, this.notebook?.cell);
		let uri = this.uri;
		let offset = this.lineOffset;
		const segment =
			where.cell === undefined
				? undefined
				: this.program?.segments.find((s) => s.cell === where.cell);
		if (this.notebook && segment && segment.cell < this.notebook.document.cellCount) {
			uri = this.notebook.document.cellAt(segment.cell).document.uri;
			offset = segment.startLine;
		}
		const { start, end } = cause.range;
		const range = new vscode.Range(
			Math.max(0, start.line - offset),
			start.character,
			Math.max(0, end.line - offset),
			end.character,
		);
		return { uri, range, label: where.label, reason: cause.reason };
	}

	/** The JSON contract of the whole file or notebook, as `normlens summary --json` prints it. */
	contract(): SummaryContract {
		return toContract(path.basename(this.fileName), this.result, this.program);
	}

	/** A program range in this document's coordinates, or `undefined` when it lies in another cell. */
	toDocument(range: TextRange): vscode.Range | undefined {
		const start = range.start.line - this.lineOffset;
		const end = range.end.line - this.lineOffset;
		if (start < 0 || start >= this.lineCount) {
			return undefined;
		}
		return new vscode.Range(
			start,
			range.start.character,
			Math.min(end, this.lineCount - 1),
			range.end.character,
		);
	}

	toProgram(pos: vscode.Position): TextPosition {
		return { line: pos.line + this.lineOffset, character: pos.character };
	}

	layerAt(pos: vscode.Position): { model: ModelSummary; layer: LayerSummary } | undefined {
		return layerAt(this.result, this.toProgram(pos));
	}

	/** Models whose construction is in this document. */
	modelsHere(): ModelSummary[] {
		return this.result.models.filter((m) => this.toDocument(m.range) !== undefined);
	}

	/** The model to show for a cursor: the one owning the layer there, else the nearest above. */
	modelAt(pos: vscode.Position | undefined): ModelSummary | undefined {
		const models = this.result.models;
		if (pos) {
			const hit = this.layerAt(pos);
			if (hit) {
				return hit.model;
			}
			const line = pos.line + this.lineOffset;
			const above = models.filter((m) => m.range.start.line <= line).pop();
			if (above) {
				return above;
			}
		}
		return this.modelsHere()[0] ?? models[0];
	}
}

function isNotebookCell(doc: vscode.TextDocument): boolean {
	return doc.uri.scheme === 'vscode-notebook-cell';
}

/** A cell's stored output as text: its stdout streams and text/plain results (where a printed summary is). */
function outputText(cell: vscode.NotebookCell): string | undefined {
	const decoder = new TextDecoder();
	const text = cell.outputs
		.flatMap((o) =>
			o.items
				.filter(
					(i) =>
						i.mime === 'application/vnd.code.notebook.stdout' ||
						i.mime === 'text/plain',
				)
				.map((i) => decoder.decode(i.data)),
		)
		.join('');
	return text.length > 0 ? text.slice(0, 1_000_000) : undefined;
}

/**
 * Analyses documents on demand and caches the result per document version (per notebook, per
 * cell versions), so that hovers, lenses and hints on one version share one analysis. The analysis
 * itself runs in a worker thread with a time and memory budget (AnalysisHost): no file can block
 * or crash the extension host.
 */
export class AnalysisService implements vscode.Disposable {
	private readonly cache = new Map<string, { key: string; result: Promise<AnalysisResult> }>();
	/** Results whose deferred call rows are being put in (once per result). */
	private readonly completing = new WeakMap<AnalysisResult, Promise<void>>();
	/** The request of each result, for a full analysis when its deferred rows are lost. */
	private readonly requests = new WeakMap<AnalysisResult, AnalysisRequest>();
	private readonly onDidChangeEmitter = new vscode.EventEmitter<void>();
	readonly onDidChange = this.onDidChangeEmitter.event;
	private readonly subscription: vscode.Disposable;

	constructor(
		private readonly host: AnalysisHost,
		private readonly torchInput: () => number[] | undefined = () => undefined,
	) {
		// Notebooks are cached under the notebook's URI: closing one frees its entry too.
		const forget = (uri: vscode.Uri) => {
			this.cache.delete(uri.toString());
			this.host.forget(uri.toString());
		};
		this.subscription = vscode.Disposable.from(
			vscode.workspace.onDidCloseTextDocument((doc) => forget(doc.uri)),
			vscode.workspace.onDidCloseNotebookDocument((nb) => forget(nb.uri)),
		);
	}

	/** Whether NormLens analyses this document. */
	static accepts(doc: vscode.TextDocument): boolean {
		return doc.languageId === 'python';
	}

	async analyze(doc: vscode.TextDocument): Promise<DocumentAnalysis | undefined> {
		if (!AnalysisService.accepts(doc)) {
			return undefined;
		}
		if (isNotebookCell(doc)) {
			const notebook = vscode.workspace.notebookDocuments.find((nb) =>
				nb.getCells().some((c) => c.document === doc),
			);
			if (notebook) {
				return this.analyzeNotebookCell(notebook, doc);
			}
		}
		const uri = doc.uri.toString();
		const key = `${doc.version}`;
		const lineCount = doc.lineCount;
		const result = await this.entry(uri, key, doc.getText(), doc.uri);
		return new DocumentAnalysis(result, 0, lineCount, doc.fileName, doc.uri);
	}

	/**
	 * The analysis with the PyTorch models' call rows in — what the panel's tree, columns and graph
	 * and the JSON contract need. `analyze` answers as soon as the worker has the models (hovers,
	 * lenses, hints and diagnostics never read those rows); the worker sends them right after.
	 */
	async analyzeComplete(doc: vscode.TextDocument): Promise<DocumentAnalysis | undefined> {
		const a = await this.analyze(doc);
		if (a?.result.callsDeferred) {
			await this.complete(a.result);
		}
		return a;
	}

	private complete(result: AnalysisResult): Promise<void> {
		let done = this.completing.get(result);
		if (!done) {
			done = (async () => {
				const details = await this.host.callDetails(result);
				if (details) {
					mergeCallDetails(result, details);
					return;
				}
				// The rows are no longer there (the document analysed again since, or the worker
				// stopped): the same text, analysed in full — under a key of its own, so that it is not
				// merged with a newer version of the document waiting in the queue.
				const req = this.requests.get(result);
				const key = `${req?.key ?? ''}#full`;
				const full = req
					? await this.host.analyze({ ...req, key, deferCalls: false })
					: undefined;
				this.host.forget(key);
				if (full && !full.callsDeferred && full.models.length === result.models.length) {
					Object.assign(result, full);
				}
				delete result.callsDeferred;
			})();
			this.completing.set(result, done);
		}
		return done;
	}

	private async analyzeNotebookCell(
		notebook: vscode.NotebookDocument,
		doc: vscode.TextDocument,
	): Promise<DocumentAnalysis | undefined> {
		const cells = notebook
			.getCells()
			.filter(
				(c) =>
					c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python',
			);
		// Outputs count too: a cell run again prints another summary to check (printed-summary diagnostics).
		const key = cells
			.map(
				(c) =>
					`${c.index}:${c.document.version}:${c.executionSummary?.executionOrder ?? ''}:${c.outputs.length}`,
			)
			.join(',');
		const uri = notebook.uri.toString();
		const program = buildProgram(
			cells.map((c) => ({ index: c.index, source: c.document.getText() })),
		);
		const cell = cells.find((c) => c.document === doc);
		const segment = program.segments.find((s) => s.cell === cell?.index);
		if (!segment) {
			return undefined;
		}
		// The outputs are read only when this version is analysed, not on every hover or hint.
		const printed = () =>
			program.segments.map((s) => {
				const at = notebook.cellAt(s.cell);
				return {
					startLine: s.startLine,
					lineCount: s.lineCount,
					text: outputText(at) ?? '',
					cell: s.cell,
					run:
						at.document.getText().trim() === ''
							? undefined
							: (at.executionSummary?.executionOrder ?? null),
				};
			});
		const result = await this.entry(
			uri,
			key,
			program.text,
			notebook.uri,
			program.files,
			printed,
			program.segments.map((s) => ({ startLine: s.startLine, lineCount: s.lineCount })),
		);
		return new DocumentAnalysis(
			result,
			segment.startLine,
			segment.lineCount,
			notebook.uri.fsPath,
			doc.uri,
			program,
			{ document: notebook, cell: segment.cell },
		);
	}

	/**
	 * The analysis of one version (one request per version, shared by every caller), in the worker,
	 * which re-uses the previous version's parse where the text is unchanged.
	 */
	private entry(
		uri: string,
		key: string,
		text: string,
		location: vscode.Uri,
		modules?: Record<string, string>,
		printed?: () => CellOutput[],
		cells?: { startLine: number; lineCount: number }[],
	): Promise<AnalysisResult> {
		const entry = this.cache.get(uri);
		if (entry?.key === key) {
			return entry.result;
		}
		// Local imports resolve next to files on disk; untitled documents have none.
		const moduleDir = location.scheme === 'file' ? path.dirname(location.fsPath) : undefined;
		const fileName = location.scheme === 'file' ? path.basename(location.fsPath) : undefined;
		const request: AnalysisRequest = {
			key: uri,
			text,
			torchInput: this.torchInput(),
			moduleDir,
			fileName,
			modules,
			printed: printed?.(),
			cells,
		};
		// The call rows come after the result (analyzeComplete): the editor's requests answer sooner.
		const result = this.host.analyze({ ...request, deferCalls: true });
		void result.then((r) => this.requests.set(r, request));
		this.cache.set(uri, { key, result });
		return result;
	}

	/** Tell listeners (lenses, hints) that analyses may have changed. */
	fireChanged(): void {
		this.onDidChangeEmitter.fire();
	}

	/** Forget every analysis (a setting that changes results was edited). */
	invalidate(): void {
		this.cache.clear();
		this.onDidChangeEmitter.fire();
	}

	dispose(): void {
		this.subscription.dispose();
		this.onDidChangeEmitter.dispose();
		this.cache.clear();
		this.host.dispose();
	}
}
