// The summaries a notebook printed (Keras, torchsummary, torchinfo), read from cell outputs.
import type { SyntaxNode } from '@lezer/common';
import type {
	AnalysisDiagnostic,
	ModelSummary,
	PrintedSummaryCheck,
	Shape,
	TextRange,
} from '../../protocol/analysis';
import { formatCount, formatShape } from '../format/summaryText';
import { PrintedRow, printedRows, SummaryTool } from './printedRows';

export type { PrintedRow, SummaryTool } from './printedRows';

/**
 * The summaries a notebook printed, read from a cell's stored output: Keras's `model.summary()`
 * (Keras 2 and 3 layouts), torchsummary and torchinfo each end with "Total params: N" followed by
 * "Trainable params" and "Non-trainable params". NormLens compares them with what it counts for
 * the model at the summary call, as the code stood when that cell ran: the totals, and row by row
 * where the rows could be read (printedRows.ts).
 */
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
	/** The summary's rows, when every row could be read on its own line and they add up to the total; null otherwise. */
	rows: PrintedRow[] | null;
	/**
	 * torch-summary 1.x (torchinfo's earlier name: its table, with -1 for the batch): its total is
	 * the modules the forward ran, to depth 3 — not the model's parameters, as torchinfo's is.
	 */
	ranOnly?: true;
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
			/Layer \(type[ :(]/.test(block) || /Total mult-adds/.test(tail)
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
			...(tool === 'torchinfo' && /\[-1,/.test(block) ? { ranOnly: true as const } : {}),
			rows: printedRows(tool, block, total),
		});
		from = at + tail.length;
	});
	return out;
}

/**
 * One of NormLens's rows at a summary call, with what each tool's figure needs: Keras's count of the
 * layer; torchsummary's weight and bias of the call's module; torchinfo's module with its submodules,
 * its depth in the model's structure, what no row below it prints, and whether it is a leaf or ran before.
 */
export interface SnapshotRow {
	name: string;
	type: string;
	params: number | null;
	shape: Shape | null;
	depth?: number;
	leftover?: number | null;
	leaf?: boolean;
	recursive?: boolean;
	/** torchsummary: whether the row's figure is trainable (its weight requires grad). */
	trainable?: boolean;
}

/** A summary call the interpreter ran: the model it named, and its counts at that moment. */
export interface SummarySnapshot {
	range: TextRange;
	name: string;
	totals: ModelSummary['totals'];
	unknown?: ModelSummary['unknown'];
	/** The model's rows at that moment as each tool would print them, for the row-by-row comparison. */
	rows?: Partial<Record<SummaryTool, SnapshotRow[]>>;
	/**
	 * A `.summary()` of something NormLens does not hold, which may not print a model's table at all
	 * (statsmodels' `results.summary()`): paired with a printed table only where the cell's others
	 * leave one.
	 */
	weak?: boolean;
	/**
	 * The top-level statement that was running when a summary call inside a function made this
	 * snapshot (its table prints in that statement's cell, not the function's).
	 */
	calledAt?: TextRange;
}

/**
 * Ties each summary snapshot made inside a function to the top-level statement running then:
 * before each statement, how many snapshots each runtime holds; at the end, a snapshot outside the
 * statement that made it takes that statement's range as `calledAt`.
 */
export function summarySites(
	interpreter: {
		beforeTopStatement: ((statement: SyntaxNode) => void) | undefined;
		here(node: SyntaxNode): TextRange;
	},
	runtimes: readonly { readonly summarySnapshots: SummarySnapshot[] }[],
): { finish(): void } {
	const starts: { range: TextRange; counts: number[] }[] = [];
	const inner = interpreter.beforeTopStatement;
	interpreter.beforeTopStatement = (statement) => {
		inner?.(statement);
		starts.push({
			range: interpreter.here(statement),
			counts: runtimes.map((r) => r.summarySnapshots.length),
		});
	};
	return {
		finish: () => {
			runtimes.forEach((r, k) => {
				let at = 0;
				r.summarySnapshots.forEach((snap, i) => {
					while (at + 1 < starts.length && starts[at + 1].counts[k] <= i) {
						at++;
					}
					const site = starts[at];
					const line = snap.range.start.line;
					if (
						site &&
						site.counts[k] <= i &&
						(line < site.range.start.line || line > site.range.end.line)
					) {
						snap.calledAt = site.range;
					}
				});
			});
		},
	};
}

/** A shape in the tool's notation: Keras `(None, 15, 64)`, torchsummary `[-1, 64, 56]` (the batch is -1), torchinfo `[1, 64, 56]`. */
function shapeText(tool: SummaryTool, shape: Shape | null): string | null {
	if (shape === null) {
		return null;
	}
	if (tool === 'keras') {
		return formatShape(shape);
	}
	return `[${shape.map((d, i) => (d === null ? (tool === 'torchsummary' && i === 0 ? '-1' : '?') : String(d))).join(', ')}]`;
}

/** The figure a tool prints for one of NormLens's rows; `unknown` where a count it needs is unknown. */
function ourFigure(
	tool: SummaryTool,
	row: SnapshotRow,
	maxDepth: number,
): { params: number | null; recursive: boolean; unknown: boolean } {
	if (tool !== 'torchinfo') {
		return { params: row.params, recursive: false, unknown: row.params === null };
	}
	// layer_info.py `num_params_to_str`: "--" without parameters, "(recursive)", the whole count at a
	// leaf or at the depth limit, else what no row below prints.
	const figure =
		row.params === 0
			? 0
			: row.recursive
				? 0
				: row.leaf || (row.depth ?? 0) >= maxDepth
					? row.params
					: (row.leftover ?? null);
	return {
		params: figure === 0 ? null : figure,
		recursive: row.params !== 0 && row.recursive === true,
		unknown: figure === null,
	};
}

function figureText(params: number | null, recursive: boolean, tool: SummaryTool): string {
	return recursive
		? '(recursive)'
		: params === null
			? tool === 'torchinfo'
				? '--'
				: '0'
			: formatCount(params);
}

type RowPair = NonNullable<PrintedSummaryCheck['rows']>[number];

/**
 * The printed rows against NormLens's at the call, by position (Keras's automatic names depend on
 * what the session built before, so names are shown, not matched): the pairs, the first that
 * differs, and in words "row by row (12 rows)", the first row that differs, or how the row counts differ.
 */
function sideBySide(
	tool: SummaryTool,
	printed: PrintedRow[] | null,
	snapshot: SnapshotRow[] | undefined,
): { rows: RowPair[]; first: number | null; same: boolean; text: string } | undefined {
	if (!printed || !snapshot) {
		return undefined;
	}
	const maxDepth = printed.reduce((d, r) => Math.max(d, r.depth ?? 0), 0);
	const ours =
		tool === 'torchinfo' ? snapshot.filter((r) => (r.depth ?? 0) <= maxDepth) : snapshot;
	const rows: RowPair[] = [];
	let first: number | null = null;
	for (let i = 0; i < Math.max(printed.length, ours.length); i++) {
		const p = printed[i];
		const o = ours[i];
		const f = o ? ourFigure(tool, o, maxDepth) : undefined;
		const same =
			p && o && f
				? f.unknown
					? null
					: (o.type === p.type ||
							(tool === 'keras' &&
								(o.type.startsWith(p.type) ||
									// tf.keras before 2.3 printed a nested functional model as `(Model)`.
									(o.type === 'Functional' && p.type === 'Model')))) &&
						f.params === (p.params === 0 && tool === 'torchinfo' ? null : p.params) &&
						f.recursive === (p.recursive === true)
				: false;
		if (same === false && first === null) {
			first = i;
		}
		rows.push({
			printed: p
				? {
						name: p.name,
						type: p.type,
						shape: p.shape,
						params: figureText(p.params, p.recursive === true, tool),
					}
				: null,
			ours:
				o && f
					? {
							name: o.name,
							type: o.type,
							shape: shapeText(tool, o.shape),
							params: f.unknown ? '?' : figureText(f.params, f.recursive, tool),
						}
					: null,
			same,
		});
	}
	if (first === null) {
		const all = rows.every((r) => r.same === true);
		return {
			rows,
			first,
			same: all,
			text: all
				? `row by row (${rows.length} rows)`
				: `row by row where NormLens can count (${rows.filter((r) => r.same).length} of ${rows.length} rows)`,
		};
	}
	const r = rows[first];
	const text =
		r.printed && r.ours
			? `The first row that differs is row ${first + 1}: printed \`${r.printed.name}\` (${r.printed.type}) ${r.printed.params} params, NormLens \`${r.ours.name}\` (${r.ours.type}) ${r.ours.params}.`
			: `The printed summary has ${printed.length} rows, NormLens ${ours.length}; the first ${first} agree.`;
	return { rows, first, same: false, text };
}

/** A cell's stored output, by its lines in the program. */
export interface CellOutput {
	startLine: number;
	lineCount: number;
	text: string;
	/** The cell's index in the notebook, and its stored execution count (null: not run in that session). */
	cell?: number;
	run?: number | null;
}

/**
 * Why a table a cell printed may not be what the notebook's code computes now, read from the
 * execution counts stored with it: code cells above it that did not run in that session or ran
 * after it, or cells below it that ran before it — NormLens runs every cell once, in order.
 */
function runOrderHint(cell: CellOutput, outputs: readonly CellOutput[]): string {
	if (typeof cell.run !== 'number' || cell.cell === undefined) {
		return '';
	}
	const at = cell.run;
	const names = (xs: CellOutput[]) =>
		xs
			.slice(0, 3)
			.map(
				(x) =>
					`${(x.cell as number) + 1}${typeof x.run === 'number' ? ` (In [${x.run}])` : ''}`,
			)
			.join(', ') + (xs.length > 3 ? ', …' : '');
	const above = outputs.filter((o) => o.cell !== undefined && o.startLine < cell.startLine);
	const below = outputs.filter((o) => o.cell !== undefined && o.startLine > cell.startLine);
	const notRun = above.filter((o) => o.run === null);
	const later = above.filter((o) => typeof o.run === 'number' && o.run > at);
	const earlier = below.filter((o) => typeof o.run === 'number' && o.run < at);
	const parts = [
		notRun.length > 0 ? `cell ${names(notRun)} above it did not run in that session` : '',
		later.length > 0 ? `cell ${names(later)} above it ran after it` : '',
		earlier.length > 0 ? `cell ${names(earlier)} below it ran before it` : '',
	].filter((p) => p !== '');
	return parts.length > 0
		? ` When this cell (In [${at}]) printed its table, ${parts.join('; ')}; NormLens runs every cell once, in order.`
		: '';
}

/**
 * One check per summary call that printed in its cell's output: the printed summary matches what
 * NormLens counts there, or differs, or NormLens cannot count the model; with the rows side by side.
 */
export function checkPrintedSummaries(
	snapshots: readonly SummarySnapshot[],
	outputs: readonly CellOutput[],
): PrintedSummaryCheck[] {
	const out: PrintedSummaryCheck[] = [];
	for (const cell of outputs) {
		const printed = parsePrintedSummaries(cell.text);
		const calls = snapshots.filter((s) => {
			const line = (s.calledAt ?? s.range).start.line;
			return line >= cell.startLine && line < cell.startLine + cell.lineCount;
		});
		// More summary calls than tables: the weak ones (of objects NormLens does not hold) go first.
		for (let i = calls.length - 1; calls.length > printed.length && i >= 0; i--) {
			if (calls[i].weak) {
				calls.splice(i, 1);
			}
		}
		calls.slice(0, printed.length).forEach((s, i) => {
			const p = printed[i];
			const said = `Total params ${formatCount(p.total)}${p.trainable !== null ? ` (trainable ${formatCount(p.trainable)}, non-trainable ${formatCount(p.nonTrainable ?? 0)})` : ''}${p.optimizer !== undefined ? `, not counting the ${formatCount(p.optimizer)} optimizer params its total includes` : ''}`;
			// torchsummary prints its own sum of its rows (modules the forward calls, once per call,
			// weight and bias only): that is what NormLens holds its total against where it has them.
			const tool =
				p.tool === 'torchsummary'
					? torchsummaryTotals(s)
					: p.ranOnly
						? ranOnlyTotals(s)
						: undefined;
			const t = tool ?? s.totals;
			const rows = sideBySide(p.tool, p.rows, s.rows?.[p.tool]);
			const check = {
				range: s.calledAt ?? s.range,
				model: s.name,
				tool: p.tool,
				printed: { total: p.total, trainable: p.trainable, nonTrainable: p.nonTrainable },
				ours: t,
				rows: rows?.rows ?? null,
				firstDifference: rows?.first ?? null,
			};
			// Its total right, but which weights are frozen unknown: no verdict on the split printed.
			const splitUnknown =
				t.total === p.total && t.trainable === null && p.trainable !== null;
			if (t.total === null || splitUnknown) {
				out.push({
					...check,
					verdict: 'unknown',
					message: `This cell printed ${said} for \`${s.name}\`; NormLens ${splitUnknown ? 'counts the same total but cannot tell how much of it is trainable' : 'cannot count it here'}: ${s.unknown?.reason ?? 'its counts are unknown'}.`,
				});
				return;
			}
			const same =
				t.total === p.total &&
				(p.trainable === null || t.trainable === p.trainable) &&
				(p.nonTrainable === null || t.nonTrainable === p.nonTrainable);
			if (same) {
				// Said only where it helps: with matching totals, the rows only when they match too (a
				// nested model is one printed row but may be several of NormLens's); the panel shows them all.
				const own =
					tool && s.totals.total !== null && s.totals.total !== tool.total
						? p.ranOnly
							? ` torch-summary 1.x counts the modules the forward ran (to depth 3) only; the model holds ${formatCount(s.totals.total)} parameters.`
							: ` torchsummary counts the weight and bias of the modules the forward calls, once per call; the model holds ${formatCount(s.totals.total)} parameters.`
						: '';
				out.push({
					...check,
					verdict: 'match',
					message: `Matches the summary this cell printed for \`${s.name}\`: ${said}${rows?.same ? `, ${rows.text}` : ''}.${own}`,
				});
				return;
			}
			const ours = `Total params ${formatCount(t.total)} (trainable ${formatCount(t.trainable ?? 0)}, non-trainable ${formatCount(t.nonTrainable ?? 0)})`;
			out.push({
				...check,
				verdict: 'differ',
				message:
					`This cell printed ${said} for \`${s.name}\`; NormLens counts ${ours} here.${rows && !rows.same ? ` ${rows.text}` : ''}` +
					(p.tool === 'torchsummary' && !tool && (rows === undefined || rows.same)
						? ' torchsummary counts the weight and bias of the modules the forward calls, once per call, which NormLens could not follow here.'
						: `${runOrderHint(cell, outputs)} The code may have changed since the cell ran, or NormLens may be wrong: please report it.`),
			});
		});
	}
	return out;
}

/**
 * torch-summary 1.x's footer (model_statistics.py before torchinfo 1.5): the parameters of each row
 * at its depth limit (3) or of a module without submodules above it, the modules the forward ran;
 * its trainable part where they are all the model's, or where the model has no frozen parameter.
 * Undefined where a row is unknown.
 */
function ranOnlyTotals(s: SummarySnapshot): ModelSummary['totals'] | undefined {
	const counted = s.rows?.torchinfo?.filter(
		(r) => !r.recursive && ((r.depth ?? 0) === 3 || (r.leaf && (r.depth ?? 0) < 3)),
	);
	if (!counted || counted.some((r) => r.params === null) || s.totals.total === null) {
		return undefined;
	}
	const total = counted.reduce((sum, r) => sum + (r.params as number), 0);
	if (total === s.totals.total) {
		// Every parameter ran: the model's own split.
		return s.totals;
	}
	const allTrainable = s.totals.nonTrainable === 0;
	return {
		total,
		trainable: allTrainable ? total : null,
		nonTrainable: allTrainable ? 0 : null,
		buffers: s.totals.buffers,
	};
}

/**
 * torchsummary's own totals from the rows NormLens rebuilt for it (torchsummary.py: the sum of each
 * row's weight and bias, trainable where the weight requires grad); undefined where a row's figure
 * is unknown or there are no rows.
 */
function torchsummaryTotals(s: SummarySnapshot): ModelSummary['totals'] | undefined {
	const rows = s.rows?.torchsummary;
	// A model NormLens cannot count (something may have changed it) keeps its verdict: unknown.
	if (
		!rows ||
		rows.length === 0 ||
		rows.some((r) => r.params === null) ||
		s.totals.total === null
	) {
		return undefined;
	}
	const total = rows.reduce((sum, r) => sum + (r.params as number), 0);
	const trainable = rows.reduce((sum, r) => sum + (r.trainable ? (r.params as number) : 0), 0);
	return { total, trainable, nonTrainable: total - trainable, buffers: s.totals.buffers };
}

/**
 * One diagnostic per check, on the summary call: information where it matches or NormLens cannot
 * count the model; a warning where it differs — information for torchsummary when every row agrees,
 * as its total counts a module once per call.
 */
export function printedSummaryDiagnostics(
	checks: readonly PrintedSummaryCheck[],
): AnalysisDiagnostic[] {
	return checks.map((c) => ({
		range: c.range,
		// torchsummary's total counts a module per call: where its rows agree with NormLens's (or could not be read), that explains the difference.
		severity:
			c.verdict === 'differ' && (c.tool !== 'torchsummary' || c.firstDifference !== null)
				? 'warning'
				: 'info',
		code: 'printed-summary',
		message: c.message,
	}));
}
