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

	/** Runs a normalization task; a worker that dies fails this task only, the next gets a new one. */
	async normalize(task: NormalizeTask, signal?: AbortSignal): Promise<NormalizeResult> {
		try {
			return (await this.piscina.run(task, { name: 'normalize', signal })) as NormalizeResult;
		} catch (e) {
			const err = e as Error;
			if (err.name === 'AbortError') {
				throw new Error('The run was cancelled.');
			}
			throw new Error(err.message.replace(/^Error: /, ''));
		}
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
