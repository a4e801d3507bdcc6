// The analysis entry points: one program (or successive versions) to models, and layer lookups by position.
import { kerasDialect } from './frameworks/keras/dialect';
import { groupByLine } from './diagnostics/group';
import {
	CellOutput,
	checkPrintedSummaries,
	summarySites,
	printedSummaryDiagnostics,
} from './notebook/printedSummary';
import type {
	AnalysisDiagnostic,
	AnalysisResult,
	CallDetails,
	LayerSummary,
	ModelSummary,
	TextPosition,
	TextRange,
} from '../protocol/analysis';
import { KerasRuntime } from './frameworks/keras/runtime';
import { TorchRuntime } from './frameworks/torch/runtime';
import { exampleForward } from './frameworks/torch/summaryCall';
import { exampleTargets } from './frameworks/torch/summaries';
import { DeclaredInputs } from './exampleInput';
import {
	defaultLimits,
	Interpreter,
	InterpreterLimits,
	leftOutStatement,
} from './python/interpreter';
import { PythonSource } from './python/parse';
import { buildFromCallers, CallerFile } from './callers';

export interface AnalyzeOptions {
	limits?: Partial<InterpreterLimits>;
	/** Example input for PyTorch models that the source never calls (a setting in the editor). */
	torchInput?: number[];
	/**
	 * Text of a local module imported by the file (`from model import Net` → model.py beside it),
	 * or undefined. Core reads no files: the host (extension, CLI) resolves them.
	 */
	readModule?: (name: string) => string | undefined;
	/** A notebook's stored cell outputs (NotebookProgram.outputs): printed summaries are checked against the counts. */
	printed?: readonly CellOutput[];
	/**
	 * Leave the PyTorch models' call rows out of the result (`callsDeferred`), to be computed by
	 * `IncrementalAnalyzer.callDetails` once the result is out: the editor's worker answers hovers
	 * first and sends the rows the panel needs after.
	 */
	deferCalls?: boolean;
	/** A notebook's code cells as program lines (NotebookProgram.segments): models also get their totals as their cell leaves them. */
	cells?: readonly { startLine: number; lineCount: number }[];
	/** How files beside this one import it (`model` for model.py): a definition they call with arguments is built with those. */
	moduleName?: string;
	/** The files beside this one, read only when a definition here needs arguments (the host reads them). */
	callers?: () => readonly CallerFile[];
}

/**
 * Analyses one Python program: parses it (error-tolerantly), interprets the model-building code
 * and returns every model found with per-layer shapes and counts. Never throws: an internal
 * failure becomes an `internal-error` diagnostic.
 */
export function analyzePython(text: string, options: AnalyzeOptions = {}): AnalysisResult {
	return analyzeSource(text, options, undefined).result;
}

/**
 * Analyses successive versions of one document, re-using the previous parse where the text did
 * not change. The editor keeps one per open document.
 */
export class IncrementalAnalyzer {
	private previous: PythonSource | undefined;
	private deferred: (() => CallDetails[]) | undefined;

	analyze(text: string, options: AnalyzeOptions = {}): AnalysisResult {
		const { result, source, callDetails } = analyzeSource(text, options, this.previous);
		this.previous = source;
		this.deferred = callDetails;
		return result;
	}

	/**
	 * The call rows the last analysis left out (`deferCalls`), or null when there are none to give
	 * (not deferred, already given, or let go). Once: until then the analysis's objects are kept.
	 */
	callDetails(): CallDetails[] | null {
		const details = this.deferred?.() ?? null;
		this.deferred = undefined;
		return details;
	}

	/** Lets the last analysis's objects go: its call rows can no longer be given. */
	forgetCallDetails(): void {
		this.deferred = undefined;
	}
}

/** Puts deferred call rows into the result they were left out of: the result is then as a full analysis gives it. */
export function mergeCallDetails(result: AnalysisResult, details: readonly CallDetails[]): void {
	for (const { model, ...rows } of details) {
		const m = result.models[model];
		if (m) {
			Object.assign(m, rows);
		}
	}
	delete result.callsDeferred;
}

function analyzeSource(
	text: string,
	options: AnalyzeOptions,
	previous: PythonSource | undefined,
): {
	result: AnalysisResult;
	source: PythonSource | undefined;
	callDetails?: () => CallDetails[];
} {
	const diagnostics: AnalysisDiagnostic[] = [];
	let source: PythonSource | undefined;
	try {
		source = new PythonSource(text, previous, options.cells);
		const src = source;
		for (const problem of source.syntaxErrors()) {
			diagnostics.push({
				range: problem.range,
				severity: 'error',
				code: 'syntax-error',
				message: `${problem.unclosed ? `\`${problem.unclosed}\` was never closed` : `Syntax error: ${problem.message}`}. ${problem.wholeCell ? 'Jupyter runs none of this cell: NormLens leaves it out' : 'NormLens leaves this statement out'} and analyses the rest.`,
			});
		}
		const keras = new KerasRuntime(
			kerasDialect(
				text,
				(options.printed ?? []).map((o) => o.text),
				src.tree,
			),
		);
		const torch = new TorchRuntime();
		torch.mainSource = src;
		// Every printed summary ends with its "Total params" (printedSummary.ts).
		torch.checksPrinted =
			options.printed?.some((o) => o.text.includes('Total params')) ?? false;
		const interpreter = new Interpreter(
			source,
			[keras, torch],
			{ ...defaultLimits, ...options.limits },
			options.readModule,
		);
		const atCellEnd = options.cells
			? cellSnapshots(src, interpreter, options.cells, [keras, torch])
			: undefined;
		// A summary printed from a function the cell calls (`build_dcgan()` with `model.summary()`
		// inside) prints in the calling cell: where each top-level statement began, to tie it there.
		const sites = options.printed ? summarySites(interpreter, [keras, torch]) : undefined;
		interpreter.run();
		atCellEnd?.finish();
		sites?.finish();
		// What the program itself built, for a bound reached only after it ran (see below).
		const built = interpreter.truncated
			? undefined
			: { torch: new Set(torch.modules), keras: new Set(keras.models) };
		// The example input (`# normlens: input (…)`) through each model nobody called: the
		// program's own first, so that a bound reached later building a library file's other
		// definitions does not leave them without shapes.
		const declared = new DeclaredInputs(text);
		const forwardUncalled = () => {
			const roots = exampleTargets(torch, declared, options.torchInput !== undefined);
			const modelLines = new Set(roots.map((r) => r.line));
			for (const { m: root, line } of roots) {
				const input = declared.forModel(line, modelLines) ?? options.torchInput;
				if (input && !root.called && !interpreter.truncated) {
					const before = interpreter.diagnostics.length;
					exampleForward(interpreter, root, input, src.tree.topNode);
					if (!declared.declares(line)) {
						// Another model's input this forward does not take is no error of the code's.
						const added = interpreter.diagnostics.splice(before);
						interpreter.diagnostics.push(
							...added.filter((d) => d.code !== 'call-error'),
						);
					}
					if (interpreter.truncated) {
						// Stopped in its own forward: this model is left half-run.
						built?.torch.delete(root);
					}
				}
			}
		};
		forwardUncalled();
		interpreter.runUncalledDefinitions();
		diagnostics.push(
			...buildFromCallers(
				interpreter,
				options.moduleName,
				text,
				options.callers,
				options.readModule,
				options.limits,
			),
		);
		forwardUncalled();
		keras.finish();
		if (interpreter.truncated) {
			diagnostics.push({
				range: interpreter.stoppedIn ?? {
					start: { line: 0, character: 0 },
					end: { line: 0, character: 0 },
				},
				severity: 'info',
				code: 'analysis-truncated',
				message: `NormLens stopped interpreting this file ${interpreter.stoppedIn ? 'here, ' : ''}at ${interpreter.stoppedAt ?? 'its bounds'}, after ${interpreter.steps.toLocaleString('en-US')} steps; models after that point are not shown.`,
			});
		}
		diagnostics.push(
			...groupByLine([
				...keras.diagnostics,
				...torch.diagnostics,
				...interpreter.diagnostics,
			]),
		);
		const deferCalls = options.deferCalls === true;
		const models = [...keras.summaries(), ...torch.summaries(deferCalls)].sort(
			(a, b) =>
				a.range.start.line - b.range.start.line ||
				a.range.start.character - b.range.start.character,
		);
		if (interpreter.truncated) {
			// What the program did after the bound is unknown: so are the totals of what it built.
			// A bound reached only after the program ran — building a library file's uncalled
			// definitions, or a model's example forward — leaves what the program built as it was:
			// that code cannot reach it (afterRun.ts), so its counts stay exact.
			const cause = {
				reason: `NormLens stopped interpreting this file at ${interpreter.stoppedAt ?? 'its bounds'}`,
				range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
			};
			const untouched = (m: ModelSummary) => {
				const root = torch.summaryRoots.get(m);
				const model = keras.summaryModels.get(m);
				return (
					(root !== undefined && built?.torch.has(root) === true) ||
					(model !== undefined && built?.keras.has(model) === true)
				);
			};
			for (const m of models.filter((x) => !untouched(x))) {
				m.totals = { total: null, trainable: null, nonTrainable: null, buffers: null };
				m.unknown ??= cause;
			}
		}
		if (atCellEnd) {
			for (const m of models) {
				const then = atCellEnd.totals.get(
					`${m.name}@${m.range.start.line}:${m.range.start.character}`,
				);
				// Only known totals that differ: an unknown then says nothing the final totals do not.
				if (
					then &&
					then.total !== null &&
					then.trainable !== null &&
					m.totals.total !== null &&
					(then.total !== m.totals.total ||
						then.trainable !== m.totals.trainable ||
						then.buffers !== m.totals.buffers)
				) {
					m.cellTotals = then;
				}
			}
		}
		diagnostics.push(...checkSizes(models));
		const printedSummaries = checkPrintedSummaries(
			[...keras.summarySnapshots, ...torch.summarySnapshots],
			options.printed ?? [],
		);
		diagnostics.push(...printedSummaryDiagnostics(printedSummaries));
		diagnostics.push(
			...unknownDiagnostics(
				models,
				diagnostics.filter((d) => d.code === 'syntax-error'),
			),
		);
		// A model the code builds only where NormLens cannot tell whether it runs: none is shown, and this says why.
		const said = new Set<string>();
		for (const u of interpreter.unbuilt) {
			if (!models.some((m) => m.name === u.name) && !said.has(u.name)) {
				said.add(u.name);
				diagnostics.push({
					range: u.range,
					severity: 'info',
					code: 'unknown-count',
					message: `\`${u.name}\` is built only in code NormLens cannot tell runs (${u.cause.reason}), so it is not shown.`,
				});
			}
		}
		const deferred = deferCalls && models.some((m) => m.framework === 'torch');
		return {
			result: {
				models,
				...(deferred ? { callsDeferred: true as const } : {}),
				diagnostics,
				steps: interpreter.steps,
				truncated: interpreter.truncated,
				...(printedSummaries.length > 0 ? { printedSummaries } : {}),
			},
			source,
			callDetails: deferred
				? () =>
						models.flatMap((m, model) => {
							const rows = torch.callRowsOf(m);
							return rows ? [{ model, ...rows }] : [];
						})
				: undefined,
		};
	} catch (e) {
		diagnostics.push({
			range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
			severity: 'error',
			code: 'internal-error',
			message: `NormLens could not analyse this file: ${(e as Error).message}`,
		});
		return {
			result: { models: [], diagnostics, steps: 0, truncated: false },
			source: undefined,
		};
	}
}

/**
 * The totals of each model when the cell that builds it has run: before the first top-level
 * statement of a later cell (and at the end), the models whose lens lies in the cell that ended.
 */
function cellSnapshots(
	source: PythonSource,
	interpreter: Interpreter,
	cells: readonly { startLine: number; lineCount: number }[],
	runtimes: {
		totalsNow(
			from: number,
			to: number,
		): { name: string; range: TextRange; totals: ModelSummary['totals'] }[];
	}[],
): { totals: Map<string, ModelSummary['totals']>; finish(): void } {
	const totals = new Map<string, ModelSummary['totals']>();
	let current = -1;
	// Top-level statements come in order: the search for a statement's cell goes on from the last one's.
	const cellOf = (line: number) => {
		let i = Math.max(current, 0);
		while (i < cells.length && line >= cells[i].startLine + cells[i].lineCount) {
			i++;
		}
		return i < cells.length && line >= cells[i].startLine ? i : -1;
	};
	const snapshot = (i: number) => {
		const c = cells[i];
		if (!c) {
			return;
		}
		for (const r of runtimes) {
			for (const m of r.totalsNow(c.startLine, c.startLine + c.lineCount - 1)) {
				totals.set(`${m.name}@${m.range.start.line}:${m.range.start.character}`, m.totals);
			}
		}
	};
	interpreter.beforeTopStatement = (statement) => {
		const i = cellOf(source.positionAt(statement.from).line);
		if (i > current) {
			// The cells from the last statement's up to this one's have ended.
			for (let c = current; c >= 0 && c < i; c++) {
				snapshot(c);
			}
			current = i;
		}
	};
	return {
		totals,
		finish: () => {
			interpreter.beforeTopStatement = undefined;
			if (current >= 0 && !interpreter.truncated) {
				snapshot(current);
			}
		},
	};
}

/**
 * Counts a user can trust: a weight with a negative or fractional size (`Dense(-5)`) is what the
 * framework refuses — an error, and the layer's count unknown; a count beyond 2^53 has no exact
 * float — unknown, never a rounded number.
 */
function checkSizes(models: ModelSummary[]): AnalysisDiagnostic[] {
	const out: AnalysisDiagnostic[] = [];
	const reported = new Set<LayerSummary>();
	const tooLarge = (n: number | null) => n !== null && !(Number.isSafeInteger(n) && n >= 0);
	for (const m of models) {
		for (const l of m.layers) {
			const bad = l.weights?.find((w) => w.shape.some((d) => !Number.isInteger(d) || d < 0));
			if (bad) {
				const cause = {
					reason: `${l.type} \`${l.name}\` would have a weight \`${bad.name}\` of shape (${bad.shape.join(', ')}): the framework refuses that size`,
					range: l.range,
				};
				if (!reported.has(l)) {
					reported.add(l);
					out.push({
						range: l.range,
						severity: 'error',
						code: 'invalid-size',
						message: `${cause.reason}.`,
					});
				}
				l.params = null;
				l.weights = null;
				l.outputShape = null;
				l.unknown = cause;
			} else if (
				l.params &&
				[l.params.total, l.params.trainable, l.params.buffers].some(tooLarge)
			) {
				l.unknown = {
					reason: `the count of ${l.type} \`${l.name}\` is beyond 2^53, where NormLens cannot count exactly`,
					range: l.range,
				};
				l.params = null;
			}
		}
		for (const l of m.layers) {
			if (l.outputShape?.some((d) => d !== null && !(Number.isSafeInteger(d) && d >= 0))) {
				l.unknown ??= {
					reason: `${l.type} \`${l.name}\` would output shape (${l.outputShape.map((d) => d ?? 'None').join(', ')}), which the framework refuses`,
					range: l.range,
				};
				l.outputShape = null;
			}
		}
		const t = m.totals;
		const layerCause = m.layers.find((l) => l.params === null && l.unknown)?.unknown;
		// A PyTorch row holding a buffer of unknown size, or a parameter whose requires_grad is
		// unknown, has no count, yet the parameters are known (the model's buffers or trainable
		// split are then unknown): summaries.ts counts them apart.
		const rowsExplained =
			m.framework === 'torch' && (t.buffers === null || t.trainable === null);
		if (
			t.total !== null &&
			((!rowsExplained && m.layers.some((l) => l.params === null && l.unknown)) ||
				[t.total, t.trainable, t.nonTrainable, t.buffers].some(tooLarge))
		) {
			m.totals = { total: null, trainable: null, nonTrainable: null, buffers: null };
			m.unknown = layerCause ?? {
				reason: 'the totals are beyond 2^53, where NormLens cannot count exactly',
				range: m.range,
			};
		}
	}
	return out;
}

/**
 * One information diagnostic per cause of unknown totals, at the construct NormLens could not
 * follow, naming every model it makes unknown (not one per affected layer).
 */
function unknownDiagnostics(
	models: ModelSummary[],
	syntaxErrors: AnalysisDiagnostic[],
): AnalysisDiagnostic[] {
	// One diagnostic per cause's place: models made unknown there (torchvision's ten builders
	// through one line of `_resnet`) are told together, even where the reason names each one's own
	// value (`ResNet18_Weights.verify`, `ResNet34_Weights.verify`, …).
	const byPlace = new Map<
		string,
		{ cause: NonNullable<ModelSummary['unknown']>; reasons: Map<string, string[]> }
	>();
	for (const m of models) {
		if (m.totals.total !== null || !m.unknown) {
			continue;
		}
		const r = m.unknown.range;
		const key = `${r.start.line}:${r.start.character}:${r.end.line}:${r.end.character}`;
		const entry = byPlace.get(key) ?? {
			cause: m.unknown,
			reasons: new Map<string, string[]>(),
		};
		const names = entry.reasons.get(m.unknown.reason) ?? [];
		if (!names.includes(m.name)) {
			names.push(m.name);
		}
		entry.reasons.set(m.unknown.reason, names);
		byPlace.set(key, entry);
	}
	const out: AnalysisDiagnostic[] = [];
	const code = (names: string[]) => names.map((n) => `\`${n}\``).join(', ');
	for (const { cause, reasons } of byPlace.values()) {
		const all = [...reasons.values()].flat();
		const list = code(all);
		// A statement left out for a syntax error: its cost goes into that error's message ("… so `unet`
		// is unknown"), not into a second diagnostic on the same statement.
		const statement = leftOutStatement(cause.reason);
		const error =
			statement === undefined
				? undefined
				: syntaxErrors.find((d) => contains(cause.range, d.range.start));
		if (error) {
			error.message = error.message.replace(
				/ NormLens leaves this statement out and analyses the rest\.$/,
				` NormLens leaves \`${statement}\` out, so ${list} ${all.length > 1 ? 'are' : 'is'} unknown.`,
			);
			continue;
		}
		const [[reason, first], ...others] = [...reasons.entries()];
		out.push({
			range: cause.range,
			severity: 'info',
			code: 'unknown-count',
			message:
				others.length === 0
					? `${reason}, so the parameter totals of ${list} are unknown.`
					: `${reason}, so the parameter totals of ${code(first)} are unknown; the same holds here, each through its own values, for ${code(others.flatMap(([, n]) => n))} (${all.length} models in all).`,
		});
	}
	return out;
}

function contains(range: LayerSummary['range'], pos: TextPosition): boolean {
	const after =
		pos.line > range.start.line ||
		(pos.line === range.start.line && pos.character >= range.start.character);
	const before =
		pos.line < range.end.line ||
		(pos.line === range.end.line && pos.character <= range.end.character);
	return after && before;
}

/**
 * Every layer the same constructor call built in `model` — a helper's `Conv2D(...)` called 12 times
 * builds 12 layers at one source range — in the model's order (the layer itself when it is the only one).
 */
export function layersOfCall(model: ModelSummary, layer: LayerSummary): LayerSummary[] {
	const same = (a: TextRange, b: TextRange) =>
		a.start.line === b.start.line &&
		a.start.character === b.start.character &&
		a.end.line === b.end.line &&
		a.end.character === b.end.character;
	return model.layers.filter(
		(l) => l === layer || (l.type === layer.type && same(l.range, layer.range)),
	);
}

/** The layer whose constructor call contains `pos` (innermost), or the first layer on its line. */
export function layerAt(
	result: AnalysisResult,
	pos: TextPosition,
): { model: ModelSummary; layer: LayerSummary } | undefined {
	let best: { model: ModelSummary; layer: LayerSummary } | undefined;
	for (const model of result.models) {
		for (const layer of model.layers) {
			if (layer.type === 'InputLayer' && model.kind !== 'functional') {
				continue;
			}
			if (contains(layer.range, pos)) {
				if (!best || rangeSize(layer.range) < rangeSize(best.layer.range)) {
					best = { model, layer };
				}
			}
		}
	}
	return best;
}

/**
 * The first layer constructed on a 0-based line; with `prefer`, the first one on the line that it
 * accepts if any (`nn.Sequential(nn.Linear(8, 16), nn.LayerNorm(16))`: the LayerNorm to explain).
 */
export function layerOnLine(
	result: AnalysisResult,
	line: number,
	prefer?: (layer: LayerSummary) => boolean,
): { model: ModelSummary; layer: LayerSummary } | undefined {
	let first: { model: ModelSummary; layer: LayerSummary } | undefined;
	for (const model of result.models) {
		for (const layer of model.layers) {
			if (layer.range.start.line === line) {
				if (!prefer || prefer(layer)) {
					return { model, layer };
				}
				first ??= { model, layer };
			}
		}
	}
	return first;
}

function rangeSize(r: LayerSummary['range']): number {
	return (r.end.line - r.start.line) * 100000 + (r.end.character - r.start.character);
}
