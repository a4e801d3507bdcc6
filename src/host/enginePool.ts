import * as os from 'os';
import { Piscina } from 'piscina';
import type { NormalizeResult, NormalizeTask } from '../protocol/engineProtocol';

/**
 * Host side of the engine, shared by the extension and the CLI: owns the Piscina pool, started
 * lazily on first use. Piscina's defaults (idle timeout "immediate", 1.5 × cores) would let workers
 * die between uses, so both are set explicitly.
 */
export class EnginePool {
	private pool: Piscina | undefined;

	constructor(
		private readonly workerFile: string,
		private readonly maxThreads = 0,
	) {}

	private get piscina(): Piscina {
		if (!this.pool) {
			const threads = this.maxThreads > 0 ? this.maxThreads : Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 8));
			this.pool = new Piscina({ filename: this.workerFile, minThreads: 1, maxThreads: threads, idleTimeout: 60_000 });
		}
		return this.pool;
	}

	/**
	 * Runs a normalization task. Cancelling stops a queued task at once (Piscina's signal) and a
	 * running one cooperatively: the worker polls a shared flag between chunks, so it stops within
	 * tens of milliseconds without killing its thread. A worker that dies fails this task only;
	 * Piscina starts a new thread for the next one.
	 */
	async normalize(task: NormalizeTask, signal?: AbortSignal): Promise<NormalizeResult> {
		const cancel = new SharedArrayBuffer(4);
		const onAbort = () => Atomics.store(new Int32Array(cancel), 0, 1);
		signal?.addEventListener('abort', onAbort, { once: true });
		try {
			return (await this.piscina.run({ ...task, cancel }, { name: 'normalize' })) as NormalizeResult;
		} catch (e) {
			const err = e as Error;
			if (err.name === 'AbortError' || signal?.aborted) {
				throw new Error('The run was cancelled.');
			}
			if (/terminated|exited|worker/i.test(err.message) && !/Cannot|shape|limit|npy/i.test(err.message)) {
				throw new Error(`The engine worker stopped unexpectedly (${err.message}); the next run starts a new one.`);
			}
			throw new Error(err.message.replace(/^Error: /, ''));
		} finally {
			signal?.removeEventListener('abort', onAbort);
		}
	}

	/** The pool's threads (for diagnostics and the pool's own tests). */
	get threads(): readonly { terminate(): Promise<number> }[] {
		return this.pool?.threads ?? [];
	}

	get started(): boolean {
		return this.pool !== undefined;
	}

	async dispose(): Promise<void> {
		const p = this.pool;
		this.pool = undefined;
		await p?.destroy();
	}
}
