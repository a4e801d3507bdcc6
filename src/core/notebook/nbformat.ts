/**
 * Jupyter notebooks (nbformat 4) as one Python program: code cells concatenated in order, with a
 * map back from program lines to (cell, line in cell). IPython magics and shell escapes are
 * blanked so that they neither fail to parse nor shift lines.
 */

export interface NotebookCell {
	/** 0-based index among all cells (markdown included), as in the file. */
	index: number;
	kind: 'code' | 'markdown' | 'raw';
	source: string;
}

export interface NotebookProgram {
	text: string;
	/** One segment per code cell, in order. */
	segments: { cell: number; startLine: number; lineCount: number }[];
}

export class NotebookError extends Error {}

/** Parses `.ipynb` JSON; throws `NotebookError` with a specific message when it is not a notebook. */
export function parseNotebook(json: string): NotebookCell[] {
	let data: unknown;
	try {
		data = JSON.parse(json);
	} catch (e) {
		throw new NotebookError(`The notebook is not valid JSON (${(e as Error).message}).`);
	}
	const nb = (data ?? {}) as { cells?: unknown; worksheets?: unknown; nbformat?: unknown };
	// nbformat 3 keeps its cells in worksheets, and a code cell's text in `input`.
	const v3 = Array.isArray(nb.worksheets) ? (nb.worksheets as { cells?: unknown }[]).flatMap((w) => (Array.isArray(w?.cells) ? (w.cells as unknown[]) : [])) : undefined;
	if (!data || typeof data !== 'object' || (!Array.isArray(nb.cells) && !v3)) {
		throw new NotebookError(
			typeof nb.nbformat === 'number' && nb.nbformat < 3
				? `The notebook is nbformat ${nb.nbformat}: NormLens reads nbformat 3 and 4 (open and save it in Jupyter to upgrade it).`
				: 'The notebook has no "cells" list (nbformat 4) nor "worksheets" (nbformat 3).',
		);
	}
	const cells = Array.isArray(nb.cells) ? (nb.cells as unknown[]) : (v3 as unknown[]);
	return cells.map((c, index) => {
		const cell = (c ?? {}) as { cell_type?: unknown; source?: unknown; input?: unknown };
		const text = cell.source ?? cell.input;
		const src = Array.isArray(text) ? text.join('') : typeof text === 'string' ? text : '';
		const kind = cell.cell_type === 'code' ? 'code' : cell.cell_type === 'markdown' ? 'markdown' : 'raw';
		return { index, kind, source: src };
	});
}

/** Whether a line is IPython syntax rather than Python (`%magic`, `!shell`, `?help`). */
function isIPythonLine(line: string): boolean {
	const t = line.trimStart();
	return t.startsWith('%') || t.startsWith('!') || t.startsWith('?');
}

/** Joins code cells (given as index + source) into one program. */
export function buildProgram(cells: { index: number; source: string }[]): NotebookProgram {
	const parts: string[] = [];
	const segments: NotebookProgram['segments'] = [];
	let line = 0;
	let inCellMagic = false;
	for (const cell of cells) {
		const lines = cell.source.replace(/\r\n?/g, '\n').split('\n');
		inCellMagic = lines[0]?.startsWith('%%') ?? false;
		// A cell magic (%%bash, %%timeit…) makes the whole cell non-Python.
		const cleaned = lines.map((l) => (inCellMagic || isIPythonLine(l) ? '' : l));
		segments.push({ cell: cell.index, startLine: line, lineCount: cleaned.length });
		parts.push(cleaned.join('\n'));
		line += cleaned.length;
	}
	return { text: parts.join('\n'), segments };
}

/** Maps a 0-based program line to its cell and line within the cell. */
export function locateLine(program: NotebookProgram, line: number): { cell: number; cellLine: number } | undefined {
	for (const s of program.segments) {
		if (line >= s.startLine && line < s.startLine + s.lineCount) {
			return { cell: s.cell, cellLine: line - s.startLine };
		}
	}
	return undefined;
}
