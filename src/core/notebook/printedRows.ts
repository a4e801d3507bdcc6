// The rows of a printed summary (Keras 2 and 3, torchsummary, torchinfo / torch-summary), read from a cell's output text.

/** Which tool printed a summary (read from its header and footer). */
export type SummaryTool = 'keras' | 'torchsummary' | 'torchinfo' | 'unknown';

/**
 * One printed row: the name and type as printed, the output shape as printed, and the parameter
 * figure — null where the tool printed none (`--`, `(recursive)`).
 */
export interface PrintedRow {
	name: string;
	type: string;
	params: number | null;
	/** The output shape as printed (`(None, 15, 15, 64)`, `[-1, 64, 112, 112]`); null where it printed `--`. */
	shape: string | null;
	/** torchinfo: the row's depth in the module tree (the model's own row is 0). */
	depth?: number;
	/** torchinfo: `(recursive)`, a module that already ran, whose parameters are counted once. */
	recursive?: boolean;
}

/**
 * A Keras summary row on one line: `name (Type)` (Keras 2 cuts a long type: `(BatchNo`), the output
 * shape, the parameter count, and (functional models) what it is connected to; Keras 3's
 * box-drawing borders are taken off first.
 */
const KERAS_ROW =
	/^\s*([A-Za-z_][\w.\-/]*) \(([A-Za-z_][\w.]*)\)?\s+(\(.*?\)|\[.*?\]|multiple|\S+)?\s+([\d,]+)(?:\s+\S.*)?$/;

/**
 * tf.keras 2.9+ wraps a long name in its column: the first line has the name's head, the shape and
 * the count (`global_average_pooling_laye  (None, 1280)  0`), the next the rest of the name and
 * the type (`r (GlobalAveragePooling2D)`).
 */
const KERAS_WRAPPED_HEAD =
	/^\s*([A-Za-z_][\w.\-/]*)\s+(\(.*?\)|\[.*?\]|multiple)\s+([\d,]+)(?:\s+\S.*)?$/;
const KERAS_WRAPPED_TAIL = /^\s*([\w.\-/]*) ?\(([A-Za-z_][\w.]*)\)?(?:\s.*)?$/;

const number = (s: string) => Number(s.replace(/,/g, ''));

/** Rows read only when every row is on its own line: they must add up to the printed total. */
const adding = (rows: PrintedRow[], total: number) =>
	rows.length > 0 && rows.reduce((a, r) => a + (r.params ?? 0), 0) === total ? rows : null;

function kerasRows(block: string, total: number): PrintedRow[] | null {
	const rows: PrintedRow[] = [];
	const lines = block.split('\n').map((raw) => raw.replace(/[│┃|]/g, ' ').trimEnd());
	for (const [i, line] of lines.entries()) {
		const m = KERAS_ROW.exec(line);
		if (m) {
			rows.push({ name: m[1], type: m[2], params: number(m[4]), shape: m[3] ?? null });
			continue;
		}
		const head = KERAS_WRAPPED_HEAD.exec(line);
		const tail = head ? KERAS_WRAPPED_TAIL.exec(lines[i + 1] ?? '') : null;
		if (head && tail) {
			rows.push({
				name: head[1] + tail[1],
				type: tail[2],
				params: number(head[3]),
				shape: head[2],
			});
		}
	}
	return adding(rows, total);
}

/** torchsummary: `Conv2d-1  [-1, 64, 112, 112]  9,408` — the class, its hook's number, the output, its weight and bias. */
const TORCHSUMMARY_ROW = /^\s*([A-Za-z_]\w*)-(\d+)\s+(\[.*\]|--)\s+([\d,]+)\s*$/;

function torchsummaryRows(block: string, total: number): PrintedRow[] | null {
	const rows: PrintedRow[] = [];
	for (const line of block.split('\n')) {
		const m = TORCHSUMMARY_ROW.exec(line);
		if (m) {
			rows.push({
				name: `${m[1]}-${m[2]}`,
				type: m[1],
				params: number(m[4]),
				shape: m[3] === '--' ? null : m[3],
			});
		}
	}
	return adding(rows, total);
}

/**
 * torchinfo (and torch-summary, its earlier name): a header `Layer (type:depth-idx)  Output Shape
 * Param # …` naming the columns, then rows `│    └─Conv2d (conv1): 2-1  [1, 64, 56, 56]  36,864`
 * whose tree prefix gives the depth. Param # is `--` (none of its own), `(recursive)`, a count, or a
 * count in parentheses (not trainable, where a Trainable column is shown).
 */
const TORCHINFO_ROW =
	/^((?:[│ ] {4})*(?:├─|└─))?([A-Za-z_][\w.]*)(?: \(([^)]*)\))?(?:: (\d+)-(\d+))?(?:\s{2,}(.*))?$/;

function torchinfoRows(block: string, total: number): PrintedRow[] | null {
	const lines = block.split('\n');
	const at = lines.findIndex((l) => /^Layer \(type/.test(l));
	if (at < 0) {
		return null;
	}
	const columns = lines[at]
		.replace(/^Layer \((?:[^()]|\([^()]*\))*\)/, '')
		.trim()
		.split(/\s{2,}/);
	const paramAt = columns.indexOf('Param #');
	const shapeAt = columns.indexOf('Output Shape');
	if (paramAt < 0) {
		return null;
	}
	const rows: PrintedRow[] = [];
	for (const line of lines.slice(at + 1)) {
		if (/^=+\s*$/.test(line) || line.trim() === '') {
			continue;
		}
		const m = TORCHINFO_ROW.exec(line.trimEnd());
		const cells = m?.[6]?.split(/\s{2,}/);
		if (!m || !cells || cells.length !== columns.length) {
			// A row NormLens cannot split into the header's columns: no row comparison rather than a wrong one.
			return null;
		}
		const prefix = m[1] ?? '';
		const figure = cells[paramAt];
		const shape = shapeAt >= 0 ? cells[shapeAt] : '--';
		rows.push({
			name: m[3] ?? m[2],
			type: m[2],
			params: /^\(?[\d,]+\)?$/.test(figure) ? number(figure.replace(/[()]/g, '')) : null,
			shape: shape === '--' ? null : shape,
			depth: prefix === '' ? 0 : (prefix.length - 2) / 5 + 1,
			...(figure === '(recursive)' ? { recursive: true } : {}),
		});
	}
	// torchinfo prints each parameter once (a leaf's, a container's own, or a subtree's at the depth limit).
	return adding(rows, total);
}

/** The rows of a summary printed in `block` (the text before its "Total params"), or null where they cannot all be read. */
export function printedRows(tool: SummaryTool, block: string, total: number): PrintedRow[] | null {
	switch (tool) {
		case 'keras':
			return kerasRows(block, total);
		case 'torchsummary':
			return torchsummaryRows(block, total);
		case 'torchinfo':
			return torchinfoRows(block, total);
		default:
			return null;
	}
}
