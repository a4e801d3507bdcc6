// Jupyter notebooks as one Python program: code cells joined, with a map back to cell and line.
import type { CellOutput } from './printedSummary';

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
	/** The text of its stored outputs (streams and text/plain results), joined. */
	outputs?: string;
	/** Its execution count as stored (`In [7]`); null for a code cell the saved session never ran. */
	run?: number | null;
}

export interface NotebookProgram {
	text: string;
	/** One segment per code cell, in order. */
	segments: { cell: number; startLine: number; lineCount: number }[];
	/** Files that `%%writefile` cells wrote, by the path they name (the last write wins; `-a` appends). */
	files: Record<string, string>;
	/** The cells' stored outputs, by their lines in the program (printed summaries are checked against them). */
	outputs: CellOutput[];
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
	const v3 = Array.isArray(nb.worksheets)
		? (nb.worksheets as { cells?: unknown }[]).flatMap((w) =>
				Array.isArray(w?.cells) ? (w.cells as unknown[]) : [],
			)
		: undefined;
	if (!data || typeof data !== 'object' || (!Array.isArray(nb.cells) && !v3)) {
		throw new NotebookError(
			typeof nb.nbformat === 'number' && nb.nbformat < 3
				? `The notebook is nbformat ${nb.nbformat}: NormLens reads nbformat 3 and 4 (open and save it in Jupyter to upgrade it).`
				: 'The notebook has no "cells" list (nbformat 4) nor "worksheets" (nbformat 3).',
		);
	}
	const cells = Array.isArray(nb.cells) ? (nb.cells as unknown[]) : (v3 as unknown[]);
	return cells.map((c, index) => {
		const cell = (c ?? {}) as {
			cell_type?: unknown;
			source?: unknown;
			input?: unknown;
			outputs?: unknown;
			execution_count?: unknown;
			prompt_number?: unknown;
		};
		const text = cell.source ?? cell.input;
		const src = Array.isArray(text) ? text.join('') : typeof text === 'string' ? text : '';
		const kind =
			cell.cell_type === 'code' ? 'code' : cell.cell_type === 'markdown' ? 'markdown' : 'raw';
		// nbformat 3 calls the execution count `prompt_number`.
		const count = cell.execution_count ?? cell.prompt_number ?? null;
		const run = typeof count === 'number' ? count : null;
		return { index, kind, source: src, outputs: outputText(cell.outputs), run };
	});
}

/**
 * Cell magics whose body is Python that runs in the notebook's namespace (the first line is
 * IPython's; the rest is code). Every other cell magic (%%bash, %%html, %%javascript, %%latex…)
 * makes its cell something else than Python.
 */
const PYTHON_CELL_MAGICS = new Set([
	'time',
	'timeit',
	'capture',
	'prun',
	'python',
	'python3',
	'memit',
	'debug',
	'pypy',
]);

/** Cell magics that write their body to a file: `%%writefile [-a] path`. */
const FILE_CELL_MAGICS = new Set(['writefile', 'file']);

/** What a line scan carries to the next line of a cell: open brackets, an open triple-quoted string, a `\` continuation. */
interface ScanState {
	depth: number;
	string: "'''" | '"""' | null;
	continued: boolean;
}

/** Advances `state` over one line of Python (strings, comments, brackets, a trailing backslash). */
function scanLine(line: string, state: ScanState): void {
	let i = 0;
	state.continued = false;
	while (i < line.length) {
		if (state.string) {
			const end = line.indexOf(state.string, i);
			if (end < 0) {
				return;
			}
			i = end + 3;
			state.string = null;
			continue;
		}
		const ch = line[i];
		if (ch === '#') {
			return;
		}
		if (ch === '"' || ch === "'") {
			if (line.startsWith(ch.repeat(3), i)) {
				state.string = ch === '"' ? '"""' : "'''";
				i += 3;
				continue;
			}
			// A one-line string: to its closing quote (escapes skipped) or the end of the line.
			i++;
			while (i < line.length && line[i] !== ch) {
				i += line[i] === '\\' ? 2 : 1;
			}
			i++;
			continue;
		}
		if (ch === '(' || ch === '[' || ch === '{') {
			state.depth++;
		} else if (ch === ')' || ch === ']' || ch === '}') {
			state.depth = Math.max(0, state.depth - 1);
		} else if (ch === '\\' && i === line.length - 1) {
			state.continued = true;
		}
		i++;
	}
}

/**
 * IPython's line magics and shell aliases that automagic runs without their `%` (`cd ..`, `ls`,
 * `cp -R a b`): only in a cell of one line, as IPython applies its dynamic transformations
 * (`prefilter_lines`) to single-line cells alone, and not where the name is assigned (`ls = 3`).
 */
const AUTOMAGIC =
	/^(?:cd|ls|ll|lf|lk|lx|ldir|pwd|cp|mv|rm|rmdir|mkdir|cat|less|more|man|clear|env|set_env|pip|conda|mamba|time|timeit|who|whos|load_ext|reload_ext|matplotlib|pylab|run|reset|history|alias|pushd|popd|dhist|bookmark|sx|system|store|xdel|tb|pdb|debug|prun|load|config|precision|pinfo|psource|pycat)(?:\s+[^\s=,]|\s*$)/;

/**
 * What IPython would run instead of a line that starts a statement, or `undefined` for Python.
 * Lines keep their indentation and their number, so blocks stay blocks (a magic as the only line of
 * an `if` body becomes `pass`, as IPython's own transform keeps it a statement) and positions stay
 * those of the cell. An assignment from a shell or magic (`files = !ls`) gets a value NormLens
 * cannot know — an unresolved call — rather than a guess.
 */
function ipythonLine(line: string): string | undefined {
	const indent = /^\s*/.exec(line)?.[0] ?? '';
	const t = line.slice(indent.length);
	// `%run script.py` runs the script and puts its names in the notebook's namespace: read as
	// `from script import *` (the file next to the notebook, or one a %%writefile cell wrote); a
	// script NormLens cannot name as a module (a path with `..`, a notebook) runs code it cannot see.
	const run = /^%run\s+(?:-[a-z]\s+)*['"]?([^\s'"]+?)(\.py)?['"]?(?:\s.*)?$/.exec(t);
	if (run) {
		const module = /^(?:\.\/)?([A-Za-z_]\w*(?:\/[A-Za-z_]\w*)*)$/.exec(run[1]);
		return module && (run[2] || !run[1].includes('.'))
			? `${indent}from ${module[1].replace(/\//g, '.')} import *`
			: `${indent}__normlens_run__ = get_ipython()`;
	}
	// `%time x = f()` runs its statement in the notebook's namespace (`%timeit` in a scope of its own).
	const timed = /^%time\s+(\S.*)$/.exec(t);
	if (timed) {
		return `${indent}${timed[1]}`;
	}
	if (t.startsWith('%') || t.startsWith('!') || t.startsWith('?')) {
		return `${indent}pass`;
	}
	// Automagic: IPython runs `pip install x` as %pip (and conda / mamba likewise).
	if (
		/^(pip|conda|mamba)\s+(install|uninstall|list|show|freeze|download|update|remove)\b/.test(t)
	) {
		return `${indent}pass`;
	}
	// Help: `model?`, `model.summary??` (a name with attributes, calls or indexing; then ? or ??).
	if (/^[A-Za-z_][\w.[\]()'", ]*\?\??\s*$/.test(t)) {
		return `${indent}pass`;
	}
	const assigned = /^([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)\s*=\s*[!%]/.exec(t);
	if (assigned) {
		return `${indent}${assigned[1]} = get_ipython()`;
	}
	return undefined;
}

/** The text of stored outputs: streams and text/plain results (nbformat 3 keeps a stream's text in `text` too). */
function outputText(outputs: unknown): string | undefined {
	if (!Array.isArray(outputs)) {
		return undefined;
	}
	const join = (t: unknown) => (Array.isArray(t) ? t.join('') : typeof t === 'string' ? t : '');
	const text = outputs
		.map((o) => {
			const out = (o ?? {}) as { text?: unknown; data?: Record<string, unknown> };
			return join(out.text ?? out.data?.['text/plain']);
		})
		.join('')
		// Keras 3's rich summary, stored as plain text, keeps its ANSI colours and bold.
		// eslint-disable-next-line no-control-regex
		.replace(/\x1b\[[0-9;]*m/g, '');
	return text.length > 0 ? text.slice(0, 1_000_000) : undefined;
}

/**
 * Joins code cells (given as index + source) into one program that Python can parse, the way
 * IPython runs them: line magics, shell escapes, help and automagic lines become no-ops in place,
 * Python cell magics (%%time, %%capture…) keep their body, other cell magics are left out, and
 * `%%writefile name.py` cells become modules the later cells can import (`files`).
 */
export function buildProgram(
	cells: { index: number; source: string; outputs?: string; run?: number | null }[],
): NotebookProgram {
	const parts: string[] = [];
	const segments: NotebookProgram['segments'] = [];
	const files: Record<string, string> = {};
	const outputs: CellOutput[] = [];
	let line = 0;
	for (const cell of cells) {
		const lines = cell.source.replace(/\r\n?/g, '\n').split('\n');
		const magic = /^%%(\w+)\s*(.*)$/.exec(lines[0] ?? '');
		let cleaned: string[];
		if (magic && !PYTHON_CELL_MAGICS.has(magic[1])) {
			if (FILE_CELL_MAGICS.has(magic[1])) {
				const args = magic[2].trim().split(/\s+/);
				const append = args[0] === '-a' || args[0] === '--append';
				const name = (append ? args[1] : args[0])?.replace(/^['"]|['"]$/g, '');
				if (name) {
					const body = lines.slice(1).join('\n');
					files[name] =
						append && files[name] !== undefined ? `${files[name]}\n${body}` : body;
				}
			}
			cleaned = lines.map(() => '');
		} else {
			const state: ScanState = { depth: 0, string: null, continued: false };
			// A shell escape or magic whose line ends in `\` goes on over the next lines (`!wget … \`
			// then an indented URL), which are the command's, not Python.
			let inCommand = false;
			const oneLine = lines.filter((l) => l.trim() !== '').length === 1;
			cleaned = lines.map((l, i) => {
				if (i === 0 && magic) {
					return '';
				}
				if (inCommand) {
					inCommand = l.trimEnd().endsWith('\\');
					return '';
				}
				const startsStatement =
					state.depth === 0 && state.string === null && !state.continued;
				const replaced = startsStatement
					? ipythonLine(oneLine && AUTOMAGIC.test(l) ? `%${l.trim()}` : l)
					: undefined;
				inCommand = replaced !== undefined && l.trimEnd().endsWith('\\');
				scanLine(replaced ?? l, state);
				return replaced ?? l;
			});
		}
		segments.push({ cell: cell.index, startLine: line, lineCount: cleaned.length });
		if (cell.outputs || cell.run !== undefined) {
			// Every cell with a stored execution count (or none) too: a printed summary that differs
			// is explained by a cell above it that did not run, or ran later, in that session.
			outputs.push({
				startLine: line,
				lineCount: cleaned.length,
				text: cell.outputs ?? '',
				cell: cell.index,
				run: cell.source.trim() === '' ? undefined : cell.run,
			});
		}
		parts.push(cleaned.join('\n'));
		line += cleaned.length;
	}
	return { text: parts.join('\n'), segments, files, outputs };
}

/**
 * Local imports for a notebook: the modules its `%%writefile` cells wrote (`model.py` for `import
 * model`, `pkg/sub.py` for `pkg.sub`), then `fallback` (the files next to the notebook).
 */
export function notebookModuleReader(
	files: Readonly<Record<string, string>>,
	fallback?: (name: string) => string | undefined,
): (name: string) => string | undefined {
	const byModule = new Map<string, string>();
	for (const [file, text] of Object.entries(files)) {
		const m = /^(?:\.\/)?([A-Za-z_][\w/]*?)(?:\/__init__)?\.py$/.exec(file);
		if (m) {
			byModule.set(m[1].replace(/\//g, '.'), text);
		}
	}
	return (name) => byModule.get(name) ?? fallback?.(name);
}

/** Maps a 0-based program line to its cell and line within the cell. */
export function locateLine(
	program: NotebookProgram,
	line: number,
): { cell: number; cellLine: number } | undefined {
	for (const s of program.segments) {
		if (line >= s.startLine && line < s.startLine + s.lineCount) {
			return { cell: s.cell, cellLine: line - s.startLine };
		}
	}
	return undefined;
}
