import * as path from 'path';
import {
	analyzePython,
	buildProgram,
	notebookModuleReader,
	channelAxisOf,
	compareNormalizations,
	explainLayer,
	isNormalization,
	layerOnLine,
	locateLine,
	NotebookError,
	NotebookProgram,
	parseNotebook,
	summaryText,
	callsText,
	toContract,
} from '../core';
import { EnginePool } from '../host/enginePool';
import { sampleTaskFor, simulateTaskFor } from '../host/sampleTask';
import { localCallers, localModuleReader } from '../host/localModules';
import { readNpyInfo } from '../host/npyInfo';
import { readTextFile, UserFileError } from '../engine/userFiles';
import {
	AnalysisResult,
	LayerExplanation,
	STATISTICS_OF,
	statisticsPer,
	TextRange,
} from '../protocol/analysis';
import { distributions } from '../protocol/engineProtocol';
import type {
	Distribution,
	Drift,
	NormalizeResult,
	RunMode,
	SimulateResult,
} from '../protocol/engineProtocol';

/**
 * `normlens`: the analysis engine headless. Exit codes: 0 success, 1 a specific failure (message
 * on stderr), 2 usage.
 */

const usage = `Usage:
  normlens summary FILE [--json] [--calls]
                                          models, per-layer shapes and parameter counts;
                                          --calls: a PyTorch forward call by call (torchinfo's rows)
  normlens explain FILE:LINE [--json]     what the normalization layer on LINE computes
  normlens run FILE:LINE [--json] [--batch N] [--seed S] [--npy X.npy]
                 [--distribution normal|uniform|lognormal] [--mode train|eval]
                                          run that layer on a seeded sample tensor
                                          (or on real activations from a .npy file)
  normlens compare FILE:LINE [--json] [--batch N] [--seed S] [--distribution D] [--mode M]
                                          batch, layer, instance and group norm on that
                                          layer's input, one tensor for all four
  normlens simulate FILE:LINE [--json] [--steps K] [--batch N] [--seed S]
                 [--drift shift=S,scale=F] [--distribution D]
                                          K training steps (default 200) of that layer on
                                          seeded batches: running statistics, train/eval
                                          gap per step, batch-statistics noise at batch 2, 8, 32
FILE is a .py file or a .ipynb notebook (LINE counts the notebook's code cells joined in order).`;

/** The engine's memory limit for `run` (the extension's normlens.engine.memoryLimitMiB default). */
const CLI_MEMORY_LIMIT_MIB = 512;

class CliError extends Error {
	constructor(
		message: string,
		readonly code = 1,
	) {
		super(message);
	}
}

interface Loaded {
	file: string;
	result: AnalysisResult;
	program?: NotebookProgram;
}

function load(file: string): Loaded {
	let text: string;
	try {
		// A regular file of at most MAX_SOURCE_BYTES, checked before it is read (src/engine/userFiles.ts).
		text = readTextFile(file);
	} catch (e) {
		throw new CliError(
			e instanceof UserFileError ? e.message : `Cannot read ${file}: ${(e as Error).message}`,
		);
	}
	if (file.endsWith('.ipynb')) {
		try {
			const cells = parseNotebook(text).filter((c) => c.kind === 'code');
			const program = buildProgram(cells);
			return {
				file,
				result: analyzePython(program.text, {
					readModule: notebookModuleReader(
						program.files,
						localModuleReader(path.dirname(path.resolve(file))),
					),
					printed: program.outputs,
					cells: program.segments,
				}),
				program,
			};
		} catch (e) {
			if (e instanceof NotebookError) {
				throw new CliError(`${file}: ${e.message}`);
			}
			throw e;
		}
	}
	const dir = path.dirname(path.resolve(file));
	const base = path.basename(file);
	// A model class that needs arguments is built as the files beside it call it.
	const callers = base.endsWith('.py')
		? { moduleName: base.slice(0, -3), callers: localCallers(dir, base) }
		: {};
	return {
		file,
		result: analyzePython(text, { readModule: localModuleReader(dir), ...callers }),
	};
}

function parseTarget(arg: string | undefined): { file: string; line: number } {
	const m = arg ? /^(.*):(\d+)$/.exec(arg) : null;
	if (!m) {
		throw new CliError(`Expected FILE:LINE, got ${arg ?? 'nothing'}.\n\n${usage}`, 2);
	}
	return { file: m[1], line: Number(m[2]) };
}

function option(args: string[], name: string): string | undefined {
	const i = args.indexOf(name);
	return i >= 0 ? args[i + 1] : undefined;
}

function explanationAt(loaded: Loaded, line: number): LayerExplanation {
	const hit = layerOnLine(loaded.result, line - 1, isNormalization);
	if (!hit) {
		throw new CliError(`${loaded.file}:${line}: no layer is constructed on this line.`);
	}
	const e = explainLayer(hit.layer);
	if (!e) {
		throw new CliError(
			`${loaded.file}:${line}: ${hit.layer.type} \`${hit.layer.name}\` is not a normalization layer NormLens explains (BatchNorm, LayerNorm, GroupNorm, InstanceNorm, RMSNorm).`,
		);
	}
	return e;
}

function explainText(e: LayerExplanation): string {
	const names = e.axisNames ?? [];
	const list = (axes: number[] | null) =>
		axes ? axes.map((a) => `${names[a]} (${a})`).join(', ') : '?';
	const shape = (s: (number | null)[] | null) =>
		s ? `(${s.map((d) => d ?? 'None').join(', ')})` : '?';
	const lines = [
		`${e.name} (${e.type}, ${e.framework})`,
		`  input ${shape(e.inputShape)} → output ${shape(e.outputShape)}`,
		`  axes: ${names.join(', ')}`,
		`  normalized over: ${list(e.reducedAxes)}; ${STATISTICS_OF[e.form].one} per ${statisticsPer(e) ?? '?'}`,
		`  ${STATISTICS_OF[e.form].short} shape: ${shape(e.statShape)}`,
		...Object.entries(e.paramShapes).map(([k, s]) => `  ${k}: (${s.join(', ')})`),
		e.params
			? `  parameters: ${e.params.trainable} trainable, ${e.params.nonTrainable} non-trainable, ${e.params.buffers} buffers`
			: '  parameters: unknown',
		`  epsilon ${e.epsilon ?? '?'}${e.momentum !== null ? `, momentum ${e.momentum}` : ''}`,
		'',
		...e.formula.split('\n').map((l) => `  ${l}`),
		'',
		...(e.momentumRule ? [`  running statistics: ${e.momentumRule}`] : []),
		...(e.runningVariance ? [`  running variance: ${e.runningVariance}`] : []),
		`  ${e.trainEval}`,
	];
	return lines.join('\n');
}

async function run(args: string[], out: (s: string) => void): Promise<void> {
	const [command, target] = args;
	const json = args.includes('--json');
	switch (command) {
		case 'summary': {
			if (!target) {
				throw new CliError(usage, 2);
			}
			const loaded = load(target);
			if (json) {
				out(
					JSON.stringify(
						toContract(path.basename(target), loaded.result, loaded.program),
						null,
						2,
					),
				);
				return;
			}
			if (loaded.result.models.length === 0) {
				out(`${target}: no Keras or PyTorch model found.`);
			}
			const program = loaded.program;
			const locate = (r: TextRange): string => {
				const loc = program ? locateLine(program, r.start.line) : undefined;
				// Cells counted from 1 in text, as the editor counts them (the JSON keeps the 0-based index).
				return loc
					? `cell ${loc.cell + 1}, line ${loc.cellLine + 1}`
					: `line ${r.start.line + 1}`;
			};
			const byCall = args.includes('--calls');
			for (const m of loaded.result.models) {
				out(summaryText(m, locate));
				out('');
				const calls = byCall ? callsText(m) : undefined;
				if (calls) {
					out(calls);
					out('');
				}
			}
			const contract = toContract(path.basename(target), loaded.result, loaded.program);
			for (const d of contract.diagnostics) {
				// In a notebook, the cell and the line in it (as the editor numbers them), not the joined program's line.
				const where =
					d.cell !== undefined && d.cellLine !== undefined
						? ` cell ${d.cell + 1}, line ${d.cellLine}:`
						: `${d.line}:`;
				out(`${target}:${where} ${d.severity} [${d.code}] ${d.message}`);
			}
			return;
		}
		case 'explain': {
			const t = parseTarget(target);
			const e = explanationAt(load(t.file), t.line);
			out(json ? JSON.stringify(e, null, 2) : explainText(e));
			return;
		}
		case 'run': {
			const t = parseTarget(target);
			const e = explanationAt(load(t.file), t.line);
			const o = runOptions(args);
			const npyPath = option(args, '--npy');
			if (npyPath) {
				// Its header only, before any worker starts: not a regular file, truncated, or above the limit.
				try {
					readNpyInfo(npyPath, CLI_MEMORY_LIMIT_MIB);
				} catch (err) {
					const message = (err as Error).message;
					throw new CliError(
						message.includes(npyPath) ? message : `${npyPath}: ${message}`,
					);
				}
			}
			const built = sampleTaskFor(e, { ...o, memoryLimitMiB: CLI_MEMORY_LIMIT_MIB, npyPath });
			if ('error' in built) {
				throw new CliError(built.error);
			}
			const [r] = await runTasks([built.task]);
			if (json) {
				out(
					JSON.stringify(
						{
							layer: e.name,
							mode: built.task.mode,
							distribution: built.task.distribution,
							...resultJson(r),
						},
						null,
						2,
					),
				);
			} else {
				const source = option(args, '--npy')
					? `${option(args, '--npy')}`
					: `a seeded ${o.distribution} tensor, seed ${o.seed}`;
				out(
					`${e.name} on ${source} (${r.shape.join('×')}), ${o.mode === 'eval' ? 'inference' : 'training'} mode: ${r.features} features × ${r.groupSize} values, ${r.backend} kernels, ${r.elapsedMs.toFixed(1)} ms`,
				);
				out('feature   mean before   std before   mean after   std after');
				for (let c = 0; c < Math.min(r.features, 16); c++) {
					out(
						`${String(c).padStart(7)}   ${fixed4(r.before.mean[c]).padStart(11)}   ${fixed4(r.before.std[c]).padStart(10)}   ${fixed4(r.after.mean[c]).padStart(10)}   ${fixed4(r.after.std[c]).padStart(9)}`,
					);
				}
				if (r.features > 16) {
					out(`    … ${r.features - 16} more`);
				}
				out(
					`after (γ = 1, β = 0): ${r.guarantees.map((g) => `${g.property} within ${g.worst.toExponential(2)}`).join(', ')}`,
				);
			}
			return;
		}
		case 'compare': {
			const t = parseTarget(target);
			const e = explanationAt(load(t.file), t.line);
			const o = runOptions(args);
			const shape = (e.inputShape ?? []).map((d, i) => (i === 0 ? (d ?? o.batchSize) : d));
			if (!e.inputShape || shape.some((d) => d === null)) {
				throw new CliError(
					`The input shape of \`${e.name}\` is not known statically, so there is no tensor to compare on.`,
				);
			}
			const c = compareNormalizations(e.framework, shape as number[], channelAxisOf(e));
			if ('error' in c) {
				throw new CliError(c.error);
			}
			const runnable = c.entries.filter((x) => x.explanation);
			const tasks = runnable.map((x) => {
				const built = sampleTaskFor(x.explanation as LayerExplanation, {
					...o,
					batchSize: c.shape[0],
					memoryLimitMiB: CLI_MEMORY_LIMIT_MIB,
					sampleFeatureAxis: c.channelAxis,
				});
				if ('error' in built) {
					throw new CliError(built.error);
				}
				return { ...built.task, views: true };
			});
			const results = await runTasks(tasks);
			const byFamily = new Map(runnable.map((x, i) => [x.family, results[i]]));
			if (json) {
				out(
					JSON.stringify(
						{
							layer: e.name,
							shape: c.shape,
							channelAxis: c.channelAxis,
							entries: c.entries.map((x) => {
								const r = byFamily.get(x.family);
								return {
									family: x.family,
									code: x.code,
									unavailable: x.unavailable ?? null,
									reducedAxes: x.explanation?.reducedAxes ?? null,
									statShape: x.explanation?.statShape ?? null,
									result: r ? resultJson(r) : null,
								};
							}),
						},
						null,
						2,
					),
				);
			} else {
				out(
					`Normalizations of the input of ${e.name}, (${c.shape.join(', ')}), one ${o.distribution} tensor (seed ${o.seed}), ${o.mode === 'eval' ? 'inference' : 'training'} mode:`,
				);
				for (const x of c.entries) {
					const r = byFamily.get(x.family);
					if (!r || !x.explanation) {
						out(`  ${x.title.padEnd(14)} ${x.unavailable ?? ''}`);
						continue;
					}
					const names = x.explanation.axisNames ?? [];
					const g = x.explanation.groups;
					const over = (x.explanation.reducedAxes ?? [])
						.map((a) =>
							g && a === g.axis
								? `${names[a]} (groups of ${c.shape[a] / g.count})`
								: names[a],
						)
						.join(', ');
					const v = r.views;
					const leaves = v
						? `   after: samples' means spread ${v.perSample.meanSpread.toFixed(3)}, channels' means spread ${v.perFeature.meanSpread.toFixed(3)}`
						: '';
					out(
						`  ${x.title.padEnd(14)} ${x.code.padEnd(42)} over ${over.padEnd(30)} ${String(r.features).padStart(6)} statistics × ${String(r.groupSize).padStart(8)} values${leaves}`,
					);
				}
				out(
					"  (spread: the standard deviation across samples or channels after normalization; 0 = the method removed those differences, as the input's samples and channels each have their own offset and scale)",
				);
			}
			return;
		}
		case 'simulate': {
			const t = parseTarget(target);
			const e = explanationAt(load(t.file), t.line);
			const o = runOptions(args);
			const steps = Number(option(args, '--steps') ?? 200);
			if (!Number.isInteger(steps) || steps < 1) {
				throw new CliError(
					`--steps must be a positive integer, got ${option(args, '--steps')}.`,
					2,
				);
			}
			const drift = driftOption(option(args, '--drift'));
			const built = simulateTaskFor(e, {
				batchSize: o.batchSize,
				seed: o.seed,
				distribution: o.distribution,
				steps,
				drift,
				memoryLimitMiB: CLI_MEMORY_LIMIT_MIB,
			});
			if ('error' in built) {
				throw new CliError(built.error);
			}
			const r = await withPool((pool, onProgress) =>
				pool.simulate(built.task, undefined, onProgress),
			);
			if (json) {
				out(
					JSON.stringify(
						{
							layer: e.name,
							type: e.type,
							framework: e.framework,
							seed: o.seed,
							distribution: o.distribution,
							...r,
						},
						null,
						2,
					),
				);
			} else {
				out(simulateText(e, r, o.seed, o.distribution));
			}
			return;
		}
		case undefined:
		case '--help':
		case '-h':
		case 'help':
			out(usage);
			return;
		default:
			throw new CliError(`Unknown command "${command}".\n\n${usage}`, 2);
	}
}

/** --batch, --seed, --distribution and --mode, checked. */
function runOptions(args: string[]): {
	batchSize: number;
	seed: number;
	distribution: Distribution;
	mode: RunMode;
} {
	const batchSize = Number(option(args, '--batch') ?? 32);
	const seed = Number(option(args, '--seed') ?? 42);
	const distribution = (option(args, '--distribution') ?? 'normal') as Distribution;
	const mode = (option(args, '--mode') ?? 'train') as RunMode;
	if (!Number.isInteger(batchSize) || batchSize < 1) {
		throw new CliError(
			`--batch must be a positive integer, got ${option(args, '--batch')}.`,
			2,
		);
	}
	if (!Number.isInteger(seed)) {
		throw new CliError(`--seed must be an integer, got ${option(args, '--seed')}.`, 2);
	}
	if (!distributions.includes(distribution)) {
		throw new CliError(
			`--distribution must be one of ${distributions.join(', ')}, got ${distribution}.`,
			2,
		);
	}
	if (mode !== 'train' && mode !== 'eval') {
		throw new CliError(`--mode must be train or eval, got ${String(mode)}.`, 2);
	}
	return { batchSize, seed, distribution, mode };
}

/** Four decimals, without the sign of a value that rounds to zero ("-0.0000" reads as a real negative). */
function fixed4(v: number): string {
	const t = v.toFixed(4);
	return /^-0\.0+$/.test(t) ? t.slice(1) : t;
}

/** --drift shift=S,scale=F (either part may be left out), checked. */
function driftOption(text: string | undefined): Drift | undefined {
	if (text === undefined) {
		return undefined;
	}
	const drift: Drift = { shift: 0, scale: 1 };
	for (const part of text.split(',')) {
		const m = /^(shift|scale)=(.+)$/.exec(part.trim());
		const v = m ? Number(m[2]) : NaN;
		if (!m || !Number.isFinite(v) || (m[1] === 'scale' && v <= 0)) {
			throw new CliError(
				`--drift takes shift=S,scale=F (a number of standard deviations the means move by the last step, and a positive factor for the standard deviations), got ${text}.`,
				2,
			);
		}
		drift[m[1] as keyof Drift] = v;
	}
	return drift;
}

/** A simulation in words: the running statistics' end state, the train/eval gap, the batch noise. */
function simulateText(
	e: LayerExplanation,
	r: SimulateResult,
	seed: number,
	distribution: Distribution,
): string {
	const f = (v: number) => (Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toFixed(4));
	const drift =
		r.drift.shift !== 0 || r.drift.scale !== 1
			? `, drifting (means +${r.drift.shift} σ, std ×${r.drift.scale} by the last step)`
			: '';
	const lines = [
		`${e.name}: ${r.steps} training steps on seeded ${distribution} batches of (${r.shape.join(', ')}) (seed ${seed}${drift}), ${r.backend}, ${r.elapsedMs.toFixed(0)} ms`,
	];
	if (r.final && r.gap && e.momentumRule) {
		lines.push(`running statistics: ${e.momentumRule}`);
		lines.push('channel   running mean   running var   last batch mean   last batch var');
		const last = r.trace.batchMean.length - 1;
		r.tracked.forEach((c, i) => {
			lines.push(
				`${String(c).padStart(7)}   ${f(r.final?.mean[c] ?? NaN).padStart(12)}   ${f(r.final?.variance[c] ?? NaN).padStart(11)}   ${f(r.trace.batchMean[last][i]).padStart(15)}   ${f(r.trace.batchVariance[last][i]).padStart(14)}`,
			);
		});
		if (r.runningGroups > r.tracked.length) {
			lines.push(
				`    … ${r.runningGroups - r.tracked.length} more channels (--json has them all)`,
			);
		}
		const at = (t: number) => `step ${t + 1}: ${f(r.gap?.mean[t] ?? NaN)}`;
		const marks = [0, Math.floor(r.steps / 10), Math.floor(r.steps / 2), r.steps - 1].filter(
			(t, i, a) => a.indexOf(t) === i,
		);
		lines.push(
			`train/eval gap (RMS of y_train − y_eval on the step's batch, mean over channels): ${marks.map(at).join(' · ')}`,
		);
	} else {
		lines.push(
			`${e.type} keeps no running statistics: training and inference normalize each batch with its own statistics, so there is no train/eval gap.`,
		);
	}
	if (r.noise.length > 0) {
		lines.push(
			`batch-statistics noise (std of a statistic's batch mean from step to step, in units of its std): ${r.noise.map((n) => `batch ${n.batchSize}: ${f(n.meanSpread)}`).join(' · ')}`,
		);
		lines.push(
			r.perSample
				? `each sample has its own statistics, so batch size does not change them (${e.type} does not care about the batch).`
				: 'the statistics pool the batch: their noise falls as 1/√batch, and small batches make training and inference disagree.',
		);
	}
	return lines.join('\n');
}

/** A pool of its own for one command, with progress on a terminal's stderr; the engine's messages are written for users. */
async function withPool<T>(
	fn: (pool: EnginePool, onProgress: ((f: number) => void) | undefined) => Promise<T>,
): Promise<T> {
	const pool = new EnginePool(path.join(__dirname, 'engineWorker.js'));
	const tty = process.stderr.isTTY === true;
	let shown = false;
	const onProgress = tty
		? (f: number) => {
				shown = true;
				process.stderr.write(`\rnormlens: simulating … ${Math.round(f * 100)}%`);
			}
		: undefined;
	try {
		return await fn(pool, onProgress).catch((e: Error) => {
			throw new CliError(e.message);
		});
	} finally {
		if (shown) {
			process.stderr.write('\r\x1b[K');
		}
		await pool.dispose();
	}
}

/** Runs tasks one after another in a pool of its own; the engine's messages are written for users. */
async function runTasks(
	tasks: Parameters<EnginePool['normalize']>[0][],
): Promise<NormalizeResult[]> {
	const pool = new EnginePool(path.join(__dirname, 'engineWorker.js'));
	// On a terminal, long runs show their progress on stderr (stdout stays the result alone).
	const tty = process.stderr.isTTY === true;
	let shown = false;
	const onProgress = tty
		? (i: number) => (f: number) => {
				shown = true;
				process.stderr.write(
					`\rnormlens: running${tasks.length > 1 ? ` ${i + 1}/${tasks.length}` : ''} … ${Math.round(f * 100)}%`,
				);
			}
		: undefined;
	try {
		const out: NormalizeResult[] = [];
		for (const [i, t] of tasks.entries()) {
			out.push(
				await pool.normalize(t, undefined, onProgress?.(i)).catch((e: Error) => {
					throw new CliError(e.message);
				}),
			);
		}
		return out;
	} finally {
		if (shown) {
			process.stderr.write('\r\x1b[K');
		}
		await pool.dispose();
	}
}

function resultJson(r: NormalizeResult) {
	return {
		shape: r.shape,
		features: r.features,
		groupSize: r.groupSize,
		before: { mean: Array.from(r.before.mean), std: Array.from(r.before.std) },
		after: { mean: Array.from(r.after.mean), std: Array.from(r.after.std) },
		running: r.running
			? { mean: Array.from(r.running.mean), variance: Array.from(r.running.variance) }
			: null,
		maxMeanDeviation: r.maxMeanDeviation,
		maxStdDeviation: r.maxStdDeviation,
		form: r.form,
		guarantees: r.guarantees,
		histogramBefore: r.histogramBefore,
		histogramAfter: r.histogramAfter,
		nonFinite: r.nonFinite,
		views: r.views ?? null,
		backend: r.backend,
		elapsedMs: r.elapsedMs,
	};
}

/** Entry used by `bin/normlens.js`; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
	try {
		await run(argv, (s) => process.stdout.write(`${s}\n`));
		return 0;
	} catch (e) {
		if (e instanceof CliError) {
			process.stderr.write(`normlens: ${e.message}\n`);
			return e.code;
		}
		process.stderr.write(`normlens: internal error: ${(e as Error).stack ?? String(e)}\n`);
		return 1;
	}
}
