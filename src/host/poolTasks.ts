// How the host runs tasks on its Piscina pool: one task by its boundary entry point, with the worker's
// failure raised as a typed error, and the workers as slots handed out in order of request.
import type { Piscina } from 'piscina';
import { isTaskFailure, RunCancelled, taskError, WorkerStopped } from '../protocol/engineErrors';

/**
 * One task on the pool, by its boundary entry point (engineWorker's `…Task`): its result, or a
 * typed error — the task's own failure (EngineRefusal, RunCancelled, PeerFailed), returned as
 * data across the worker boundary, or WorkerStopped when the worker did not answer at all.
 */
export async function runTask<T>(pool: Piscina, arg: unknown, name: string): Promise<T> {
	let r: unknown;
	try {
		r = await pool.run(arg, { name });
	} catch (e) {
		const err = e as Error;
		throw err.name === 'AbortError' ? new RunCancelled() : new WorkerStopped(err.message);
	}
	if (isTaskFailure(r)) {
		throw taskError(r);
	}
	return r as T;
}

interface Waiter {
	n: number;
	grant: () => void;
	fail: (e: Error) => void;
	signal?: AbortSignal;
	onAbort?: () => void;
}

/**
 * The pool's workers as slots, handed out in order of request. A task reaches Piscina only once it
 * holds a slot, so Piscina's own queue stays empty and a queued task is one waiting here: aborting
 * it removes it at once (Piscina's semantics), without waiting for a free worker, and without the
 * worker termination that Piscina's abort of a running task would bring (a running task stops
 * cooperatively instead).
 */
export class WorkerSlots {
	private free: number;
	private readonly waiting: Waiter[] = [];

	constructor(private readonly capacity: number) {
		this.free = capacity;
	}

	/** Tasks waiting for a slot. */
	get queued(): number {
		return this.waiting.length;
	}

	/** Waits for `n` slots (at most all); resolves to their release. Rejects with an AbortError at once if `signal` is or becomes aborted first. */
	acquire(n: number, signal?: AbortSignal): Promise<() => void> {
		n = Math.min(n, this.capacity);
		if (signal?.aborted) {
			return Promise.reject(new RunCancelled());
		}
		return new Promise((resolve, reject) => {
			let released = false;
			const release = () => {
				if (!released) {
					released = true;
					this.free += n;
					this.pump();
				}
			};
			const w: Waiter = { n, signal, grant: () => resolve(release), fail: reject };
			if (signal) {
				w.onAbort = () => {
					const i = this.waiting.indexOf(w);
					if (i >= 0) {
						this.waiting.splice(i, 1);
						reject(new RunCancelled());
						// A large request at the head may have held back smaller ones behind it.
						this.pump();
					}
				};
				signal.addEventListener('abort', w.onAbort, { once: true });
			}
			this.waiting.push(w);
			this.pump();
		});
	}

	/** Fails every waiting task (the pool is closing). */
	close(): void {
		for (const w of this.waiting.splice(0)) {
			if (w.onAbort) {
				w.signal?.removeEventListener('abort', w.onAbort);
			}
			w.fail(new Error('The engine pool was closed.'));
		}
	}

	private pump(): void {
		while (this.waiting.length > 0 && this.free >= this.waiting[0].n) {
			const w = this.waiting.shift() as Waiter;
			this.free -= w.n;
			if (w.onAbort) {
				w.signal?.removeEventListener('abort', w.onAbort);
			}
			w.grant();
		}
	}
}

/** What a failed run says: cancelled, a worker that died (the next run starts a new one), or the engine's own refusal. */
export function poolError(err: Error, signal?: AbortSignal): Error {
	return err instanceof RunCancelled || signal?.aborted ? new RunCancelled() : err;
}
