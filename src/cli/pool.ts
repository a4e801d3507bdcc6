// The engine for one command: a worker pool of its own, progress on a terminal, results as JSON.
import * as path from 'path';
import { EnginePool } from '../host/enginePool';
import type { NormalizeResult } from '../protocol/engineProtocol';
import { CliError } from './args';

/** The engine's memory limit for `run` (the extension's normlens.engine.memoryLimitMiB default). */
export const CLI_MEMORY_LIMIT_MIB = 512;

/** A pool of its own for one command, with progress on a terminal's stderr; the engine's messages are written for users. */
export async function withPool<T>(
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
export async function runTasks(
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

/** A result as the --json output writes it (typed arrays as plain arrays). */
export function resultJson(r: NormalizeResult) {
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
