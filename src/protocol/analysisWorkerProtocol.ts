// Messages between the extension host and the analysis worker.
import type { AnalysisResult, CallDetails } from './analysis';

/**
 * Messages between the extension host and the analysis worker (src/host/analysisWorker.ts), which
 * runs the analyser where a runaway input can be stopped: a worker thread with a heap limit, that
 * the host terminates past its time budget and restarts on the next request.
 */
export type ToAnalysisWorker =
	| {
			type: 'analyze';
			id: number;
			/** The document (or notebook) the text belongs to: its incremental parse state is kept under it. */
			key: string;
			text: string;
			torchInput?: number[];
			/** The folder that local imports resolve in (`from model import Net`), when the document is a file. */
			moduleDir?: string;
			/** The document's file name in `moduleDir`: a model class there that needs arguments is built as the files beside it call it. */
			fileName?: string;
			/** A notebook's `%%writefile` modules (NotebookProgram.files), found before those in `moduleDir`. */
			modules?: Record<string, string>;
			/** A notebook's stored cell outputs (NotebookProgram.outputs), for the printed-summary check. */
			printed?: {
				startLine: number;
				lineCount: number;
				text: string;
				cell?: number;
				run?: number | null;
			}[];
			/** A notebook's code cells as program lines (NotebookProgram.segments): totals as each model's cell leaves them. */
			cells?: { startLine: number; lineCount: number }[];
			/** Send the result without the PyTorch call rows (AnalyzeOptions.deferCalls): a `details` request asks for them. */
			deferCalls?: boolean;
	  }
	/** The call rows that the analysis `of` (its message id) of document `key` left out. */
	| { type: 'details'; id: number; key: string; of: number }
	| { type: 'forget'; key: string };

export type FromAnalysisWorker =
	| { type: 'result'; id: number; result: AnalysisResult }
	| { type: 'failed'; id: number; message: string }
	/** The answer to `details`: the rows, or null when they are no longer there or computing them failed (`message`). */
	| { type: 'details'; id: number; details: CallDetails[] | null; message?: string };
