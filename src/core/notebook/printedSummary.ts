// The summaries a notebook printed (Keras, torchsummary, torchinfo), read from cell outputs.
import type { AnalysisDiagnostic, ModelSummary, TextRange } from '../../protocol/analysis';
import { formatCount } from '../format/summaryText';

/**
 * The summaries a notebook printed, read from a cell's stored output: Keras's `model.summary()`
 * (Keras 2 and 3 layouts), torchsummary and torchinfo each end with "Total params: N" followed by
 * "Trainable params" and "Non-trainable params". NormLens compares them with what it counts for
 * the model at the summary call, as the code stood when that cell ran.
 */
export type SummaryTool = 'keras' | 'torchsummary' | 'torchinfo' | 'unknown';

export interface PrintedSummary {
	tool: SummaryTool;
	total: number;
	trainable: number | null;
	nonTrainable: number | null;
	/**
	 * Keras 3, after `fit`: "Optimizer params: N", which its "Total params" includes; `total` is the
	 * model's own (the printed total less these), as NormLens counts it.
	 */
	optimizer?: number;
	/**
	 * A Keras summary's rows (name, type, params), when every row could be read on its own line
	 * and they add up to the total; null otherwise (wrapped rows, other tools).
	 */
	rows: PrintedRow[] | null;
}

/** One row of a printed Keras summary. */
export interface PrintedRow {
	name: string;
	type: string;
	params: number;
}

/**
 * A Keras summary row on one line: `name (Type)` (Keras 2 cuts a long type: `(BatchNo`), the output
 * shape, the parameter count, and (functional models) what it is connected to; Keras 3's
 * box-drawing borders are taken off first.
 */
const KERAS_ROW =
	/^\s*([A-Za-z_][\w.\-/]*) \(([A-Za-z_][\w.]*)\)?\s+(?:\(.*?\)|\[.*?\]|multiple|\S+)?\s+([\d,]+)(?:\s+\S.*)?$/;

function kerasRows(block: string, total: number): PrintedRow[] | null {
	const rows: PrintedRow[] = [];
	for (const raw of block.split('\n')) {
		const line = raw.replace(/[│┃|]/g, ' ').trimEnd();
		const m = KERAS_ROW.exec(line);
		if (m) {
			rows.push({ name: m[1], type: m[2], params: Number(m[3].replace(/,/g, '')) });
		}
	}
	return rows.length > 0 && rows.reduce((a, r) => a + r.params, 0) === total ? rows : null;
}

const count = (s: string | undefined) => (s === undefined ? null : Number(s.replace(/[,_]/g, '')));

/** Every summary printed in `text`, in order. */
export function parsePrintedSummaries(text: string): PrintedSummary[] {
	const out: PrintedSummary[] = [];
	const totals = [...text.matchAll(/Total params:\s*([\d,]+)/g)];
	// Each summary: its table before its "Total params" (from the end of the previous one), its
	// footer after it (up to the next table's header or the next total).
	let from = 0;
	totals.forEach((m, i) => {
		const at = m.index as number;
		const nextTotal = i + 1 < totals.length ? (totals[i + 1].index as number) : text.length;
		const rest = text.slice(at + m[0].length, nextTotal);
		const header = rest.search(/Layer \(type|Model: "|={20,}\s*\n\s*Layer/);
		const tail = text.slice(at, at + m[0].length + (header < 0 ? rest.length : header));
		const block = text.slice(from, at);
		const tool: SummaryTool =
			/Layer \(type:depth-idx\)/.test(block) || /Total mult-adds/.test(tail)
				? 'torchinfo'
				: /Params size \(MB\)|Forward\/backward pass size/.test(tail) ||
					  /\b[A-Z]\w*-\d+\s+\[/.test(block)
					? 'torchsummary'
					: /Model: "|Layer \(type\)\s+Output Shape\s+Param #/.test(block)
						? 'keras'
						: 'unknown';
		const optimizer = count(/Optimizer params:\s*([\d,]+)/.exec(tail)?.[1]) ?? undefined;
		const total = (count(m[1]) as number) - (optimizer ?? 0);
		out.push({
			tool,
			total,
			trainable: count(/Trainable params:\s*([\d,]+)/.exec(tail)?.[1]),
			nonTrainable: count(/Non-trainable params:\s*([\d,]+)/.exec(tail)?.[1]),
			...(optimizer !== undefined ? { optimizer } : {}),
			rows: tool === 'keras' ? kerasRows(block, total) : null,
		});
		from = at + tail.length;
	});
	return out;
}

/** A summary call the interpreter ran: the model it named, and its counts at that moment. */
export interface SummarySnapshot {
	range: TextRange;
	name: string;
	totals: ModelSummary['totals'];
	unknown?: ModelSummary['unknown'];
	/** The model's rows at that moment (Keras: the layers a summary prints), for the row-by-row comparison. */
	rows?: { name: string; type: string; params: number | null }[];
}

/**
 * The printed rows against NormLens's at the call, by position (Keras's automatic names depend on
 * what the session built before, so names are shown, not matched): "row by row (12 rows)", the
 * first row whose count differs, or how the row counts differ. Undefined when either side has no rows.
 * Said only where it helps: with matching totals only when the rows match too (a nested model is one
 * printed row but may be several of NormLens's), with differing totals to point at the first difference.
 */
function rowComparison(
	printed: PrintedRow[] | null,
	ours: SummarySnapshot['rows'],
): { same: boolean; text: string } | undefined {
	if (!printed || !ours) {
		return undefined;
	}
	const n = Math.min(printed.length, ours.length);
	for (let i = 0; i < n; i++) {
		if (printed[i].params !== ours[i].params) {
			const o = ours[i];
			return {
				same: false,
				text: `The first row that differs is row ${i + 1}: printed \`${printed[i].name}\` (${printed[i].type}) ${formatCount(printed[i].params)} params, NormLens \`${o.name}\` (${o.type}) ${o.params === null ? '?' : formatCount(o.params)}.`,
			};
		}
	}
	if (printed.length !== ours.length) {
		return {
			same: false,
			text: `The printed summary has ${printed.length} rows, NormLens ${ours.length}; the first ${n} agree.`,
		};
	}
	return { same: true, text: `row by row (${n} rows)` };
}

/** A cell's stored output, by its lines in the program. */
export interface CellOutput {
	startLine: number;
	lineCount: number;
	text: string;
}

/**
 * One diagnostic per summary call that printed in its cell's output: the printed summary matches
 * what NormLens counts there (information), or differs (a warning naming both, or information for
 * torchsummary, which counts a module once per call), or NormLens cannot count the model.
 */
export function checkPrintedSummaries(
	snapshots: readonly SummarySnapshot[],
	outputs: readonly CellOutput[],
): AnalysisDiagnostic[] {
	const out: AnalysisDiagnostic[] = [];
	for (const cell of outputs) {
		const printed = parsePrintedSummaries(cell.text);
		const calls = snapshots.filter(
			(s) =>
				s.range.start.line >= cell.startLine &&
				s.range.start.line < cell.startLine + cell.lineCount,
		);
		calls.slice(0, printed.length).forEach((s, i) => {
			const p = printed[i];
			const said = `Total params ${formatCount(p.total)}${p.trainable !== null ? ` (trainable ${formatCount(p.trainable)}, non-trainable ${formatCount(p.nonTrainable ?? 0)})` : ''}${p.optimizer !== undefined ? `, not counting the ${formatCount(p.optimizer)} optimizer params its total includes` : ''}`;
			const t = s.totals;
			if (t.total === null) {
				out.push({
					range: s.range,
					severity: 'info',
					code: 'printed-summary',
					message: `This cell printed ${said} for \`${s.name}\`; NormLens cannot count it here: ${s.unknown?.reason ?? 'its counts are unknown'}.`,
				});
				return;
			}
			const same =
				t.total === p.total &&
				(p.trainable === null || t.trainable === p.trainable) &&
				(p.nonTrainable === null || t.nonTrainable === p.nonTrainable);
			const rows = rowComparison(p.rows, s.rows);
			if (same) {
				out.push({
					range: s.range,
					severity: 'info',
					code: 'printed-summary',
					message: `Matches the summary this cell printed for \`${s.name}\`: ${said}${rows?.same ? `, ${rows.text}` : ''}.`,
				});
				return;
			}
			const ours = `Total params ${formatCount(t.total)} (trainable ${formatCount(t.trainable ?? 0)}, non-trainable ${formatCount(t.nonTrainable ?? 0)})`;
			out.push({
				range: s.range,
				severity: p.tool === 'torchsummary' ? 'info' : 'warning',
				code: 'printed-summary',
				message:
					`This cell printed ${said} for \`${s.name}\`; NormLens counts ${ours} here.${rows && !rows.same ? ` ${rows.text}` : ''}` +
					(p.tool === 'torchsummary'
						? ' torchsummary counts a module once per call, so a module called twice is counted twice in its total.'
						: ' The code may have changed since the cell ran, or NormLens may be wrong: please report it.'),
			});
		});
	}
	return out;
}
