// How an engine run fails, as types on both sides of the worker boundary.
/**
 * How an engine run fails, as types on both sides of the worker boundary. An error thrown in a
 * worker reaches the host with its message only, so a task returns its own failure as data
 * (`TaskFailure`); a task that rejects therefore failed outside NormLens's code (the worker died).
 */

/** What a task returns instead of throwing. */
export interface TaskFailure {
	failed: 'refused' | 'cancelled' | 'peer';
	message: string;
}

export function isTaskFailure(v: unknown): v is TaskFailure {
	return (
		typeof v === 'object' &&
		v !== null &&
		'failed' in v &&
		typeof (v as TaskFailure).message === 'string'
	);
}

/** The run was cancelled (by the user, or by the host after another worker failed). Piscina names this error `AbortError`. */
export class RunCancelled extends Error {
	constructor(message = 'The run was cancelled.') {
		super(message);
		this.name = 'AbortError';
	}
}

/** The engine refused the task, in its own words (a shape it cannot take, a memory limit, a bad .npy). */
export class EngineRefusal extends Error {}

/** A worker of the run stopped (crashed, was terminated, ran out of memory); the next run starts a new one. */
export class WorkerStopped extends Error {
	constructor(detail: string) {
		super(`The engine worker stopped unexpectedly (${detail}); the next run starts a new one.`);
	}
}

/** A worker gave up because a peer of the same split run failed: the peer's failure is the cause. */
export class PeerFailed extends Error {
	constructor() {
		super('Another engine worker of this run failed.');
	}
}

/** The error a task's outcome stands for on the host side. */
export function taskError(f: TaskFailure): Error {
	return f.failed === 'cancelled'
		? new RunCancelled()
		: f.failed === 'peer'
			? new PeerFailed()
			: new EngineRefusal(f.message);
}
