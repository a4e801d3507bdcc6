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
		const tool: SummaryTool = /Layer \(type:depth-idx\)/.test(block) || /Total mult-adds/.test(tail)
			? 'torchinfo'
			: /Params size \(MB\)|Forward\/backward pass size/.test(tail) || /\b[A-Z]\w*-\d+\s+\[/.test(block)
				? 'torchsummary'
				: /Model: "|Layer \(type\)\s+Output Shape\s+Param #/.test(block)
					? 'keras'
					: 'unknown';
		out.push({
			tool,
			total: count(m[1]) as number,
			trainable: count(/Trainable params:\s*([\d,]+)/.exec(tail)?.[1]),
			nonTrainable: count(/Non-trainable params:\s*([\d,]+)/.exec(tail)?.[1]),
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
export function checkPrintedSummaries(snapshots: readonly SummarySnapshot[], outputs: readonly CellOutput[]): AnalysisDiagnostic[] {
	const out: AnalysisDiagnostic[] = [];
	for (const cell of outputs) {
		const printed = parsePrintedSummaries(cell.text);
		const calls = snapshots.filter((s) => s.range.start.line >= cell.startLine && s.range.start.line < cell.startLine + cell.lineCount);
		calls.slice(0, printed.length).forEach((s, i) => {
			const p = printed[i];
			const said = `Total params ${formatCount(p.total)}${p.trainable !== null ? ` (trainable ${formatCount(p.trainable)}, non-trainable ${formatCount(p.nonTrainable ?? 0)})` : ''}`;
			const t = s.totals;
			if (t.total === null) {
				out.push({ range: s.range, severity: 'info', code: 'printed-summary', message: `This cell printed ${said} for \`${s.name}\`; NormLens cannot count it here: ${s.unknown?.reason ?? 'its counts are unknown'}.` });
				return;
			}
			const same = t.total === p.total && (p.trainable === null || t.trainable === p.trainable) && (p.nonTrainable === null || t.nonTrainable === p.nonTrainable);
			if (same) {
				out.push({ range: s.range, severity: 'info', code: 'printed-summary', message: `Matches the summary this cell printed for \`${s.name}\`: ${said}.` });
				return;
			}
			const ours = `Total params ${formatCount(t.total)} (trainable ${formatCount(t.trainable ?? 0)}, non-trainable ${formatCount(t.nonTrainable ?? 0)})`;
			out.push({
				range: s.range,
				severity: p.tool === 'torchsummary' ? 'info' : 'warning',
				code: 'printed-summary',
				message:
					`This cell printed ${said} for \`${s.name}\`; NormLens counts ${ours} here.` +
					(p.tool === 'torchsummary' ? ' torchsummary counts a module once per call, so a module called twice is counted twice in its total.' : ' The code may have changed since the cell ran, or NormLens may be wrong: please report it.'),
			});
		});
	}
	return out;
}
