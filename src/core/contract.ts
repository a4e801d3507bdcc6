// The JSON contract of `normlens summary --json` (DESIGN.md, "Contracts") built from an analysis.
import type {
	AnalysisResult,
	FlowSource,
	PrintedSummaryCheck,
	Shape,
	TextRange,
} from '../protocol/analysis';
import { locateLine, NotebookProgram } from './notebook/nbformat';

interface Located {
	line: number;
	cell?: number;
	cellLine?: number;
}

/** The first cause of a null: what NormLens could not follow, and where (1-based line; cell and line in it for notebooks). */
export type UnknownLocated = Located & { reason: string };

/** The JSON printed by `normlens summary --json` (DESIGN.md, "Contracts"). */
export interface SummaryContract {
	file: string;
	models: (Located & {
		name: string;
		framework: string;
		layers: (Located & {
			name: string;
			type: string;
			outputShape: Shape | null;
			params: number | null;
			trainable: number | null;
			nonTrainable: number | null;
			buffers: number | null;
			/** Why a count or the shape is null. */
			unknown?: UnknownLocated;
		})[];
		totals: {
			total: number | null;
			trainable: number | null;
			nonTrainable: number | null;
			buffers: number | null;
			unknown?: UnknownLocated;
		};
		/** In a notebook, the totals when the model's own cell has run, where later cells change them. */
		cellTotals?: {
			total: number | null;
			trainable: number | null;
			nonTrainable: number | null;
			buffers: number | null;
		};
		/** PyTorch: one entry per module call of the forward, in call order, with torchinfo's depth. */
		calls?: {
			name: string;
			type: string;
			depth: number;
			outputShape: Shape | null;
			params: number | null;
			repeat: boolean;
			/** torchinfo's columns (ModuleCall): Kernel Shape, Mult-Adds, the row's Param # and trainable parameters. */
			kernelSize: number | number[] | '?' | null;
			leaf: boolean;
			tied: boolean;
			macs: number | null;
			rowParams: number | null;
			trainableParams: number | null;
			unknown?: Located & { reason: string };
			/** The data-flow sources of the call's tensor arguments (FlowSource in protocol/analysis.ts). */
			inbound?: FlowSource[];
		}[];
		callsOmitted?: number;
		/**
		 * Keras, where a layer is a model: the rows of `model.summary(expand_nested=True)` under a row
		 * for the model (depth 0), with a nested model's layers one depth below it (KerasNestedRow).
		 */
		nestedRows?: (Located & {
			name: string;
			type: string;
			depth: number;
			outputShape: Shape | null;
			params: number | null;
			trainableParams: number | null;
			trainable: boolean;
			unknown?: UnknownLocated;
		})[];
		/** PyTorch: merge ops of the forward (a residual add, a concatenation), and the sources of the output. */
		ops?: (Partial<Located> & {
			name: string;
			outputShape: Shape | null;
			inbound: FlowSource[];
		})[];
		outputs?: FlowSource[];
		/** torchinfo's footer (CallEstimates): mult-adds and bytes; a null figure's cause under `unknown`. */
		estimates?: {
			totalMacs: number | null;
			inputBytes: number | null;
			forwardBackwardBytes: number | null;
			paramBytes: number | null;
			totalBytes: number | null;
			unknown?: Record<string, Located & { reason: string }>;
		};
	})[];
	diagnostics: (Located & { severity: string; code: string; message: string; calls?: number })[];
	/** A notebook's printed summaries against NormLens's counts, at each summary call (absent: none stored). */
	printedSummaries?: (Located & Omit<PrintedSummaryCheck, 'range'>)[];
}

/** Builds the contract; lines are 1-based, and notebook entries also carry `cell` and `cellLine`. */
export function toContract(
	file: string,
	result: AnalysisResult,
	program?: NotebookProgram,
): SummaryContract {
	const at = (range: TextRange): Located => {
		const line = range.start.line;
		if (!program) {
			return { line: line + 1 };
		}
		const loc = locateLine(program, line);
		return loc
			? { line: line + 1, cell: loc.cell, cellLine: loc.cellLine + 1 }
			: { line: line + 1 };
	};
	return {
		file,
		models: result.models.map((m) => ({
			name: m.name,
			framework: m.framework,
			...at(m.range),
			layers: m.layers.map((l) => ({
				name: l.name,
				type: l.type,
				...at(l.range),
				outputShape: l.outputShape,
				params: l.params?.total ?? null,
				trainable: l.params?.trainable ?? null,
				nonTrainable: l.params?.nonTrainable ?? null,
				buffers: l.params?.buffers ?? null,
				...(l.unknown
					? { unknown: { reason: l.unknown.reason, ...at(l.unknown.range) } }
					: {}),
			})),
			totals: {
				...m.totals,
				...(Object.values(m.totals).includes(null) && m.unknown
					? { unknown: { reason: m.unknown.reason, ...at(m.unknown.range) } }
					: {}),
			},
			...(m.cellTotals ? { cellTotals: m.cellTotals } : {}),
			...(m.calls
				? {
						calls: m.calls.map((c) => ({
							name: c.name,
							type: c.type,
							depth: c.depth,
							outputShape: c.outputShape,
							params: c.params,
							repeat: c.repeat,
							kernelSize: c.kernelSize,
							leaf: c.leaf,
							tied: c.tied,
							macs: c.macs,
							rowParams: c.rowParams,
							trainableParams: c.trainableParams,
							...(c.unknown
								? { unknown: { reason: c.unknown.reason, ...at(c.unknown.range) } }
								: {}),
							...(c.inbound ? { inbound: c.inbound } : {}),
						})),
					}
				: {}),
			...(m.callsOmitted ? { callsOmitted: m.callsOmitted } : {}),
			...(m.nestedRows
				? {
						nestedRows: m.nestedRows.map((r) => ({
							name: r.name,
							type: r.type,
							depth: r.depth,
							...at(r.range),
							outputShape: r.outputShape,
							params: r.params,
							trainableParams: r.trainableParams,
							trainable: r.trainable,
							...(r.unknown
								? { unknown: { reason: r.unknown.reason, ...at(r.unknown.range) } }
								: {}),
						})),
					}
				: {}),
			...(m.estimates
				? {
						estimates: {
							totalMacs: m.estimates.totalMacs,
							inputBytes: m.estimates.inputBytes,
							forwardBackwardBytes: m.estimates.forwardBackwardBytes,
							paramBytes: m.estimates.paramBytes,
							totalBytes: m.estimates.totalBytes,
							...(Object.keys(m.estimates.causes).length > 0
								? {
										unknown: Object.fromEntries(
											Object.entries(m.estimates.causes).map(([k, c]) => [
												k,
												{ reason: c.reason, ...at(c.range) },
											]),
										),
									}
								: {}),
						},
					}
				: {}),
			...(m.ops
				? {
						ops: m.ops.map((o) => ({
							name: o.name,
							...(o.range ? at(o.range) : {}),
							outputShape: o.outputShape,
							inbound: o.inbound,
						})),
					}
				: {}),
			...(m.outputs ? { outputs: m.outputs } : {}),
		})),
		diagnostics: result.diagnostics.map((d) => ({
			...at(d.range),
			severity: d.severity,
			code: d.code,
			message: d.message,
			...(d.calls ? { calls: d.calls } : {}),
		})),
		...(result.printedSummaries
			? {
					printedSummaries: result.printedSummaries.map(({ range, ...c }) => ({
						...at(range),
						...c,
					})),
				}
			: {}),
	};
}
