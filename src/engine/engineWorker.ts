// The Piscina task module (bundled to dist/engineWorker.js; not named worker.js, which is Piscina's
// own bootstrap): the task entry points the host's pool calls, by these names.
import { PeerFailed, TaskFailure } from '../protocol/engineErrors';
import { batchStatistics } from './stepsRun';
import { normalize } from './sampleRun';
import { residentForward, splitForward } from './splitForward';
import { Cancelled } from './workerMemory';

// The tests call the throwing functions in their own thread.
export { batchStatistics, simulationBatch } from './stepsRun';
export { fillRange } from './sampleFill';
export { normalize } from './sampleRun';
export { residentForward, splitForward } from './splitForward';
export { memoryBytes } from './workerMemory';

/**
 * The task entry points the host's Piscina pool calls (by these names). Each returns its own
 * failure as data (`TaskFailure`): an error thrown across the worker boundary keeps only its
 * message, so the host could tell a refusal from a dead worker only by reading it. The functions
 * above stay throwing, for callers in the same thread (the tests).
 */
function boundary<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>) {
	return async (...args: A): Promise<R | TaskFailure> => {
		try {
			return await fn(...args);
		} catch (e) {
			const message = e instanceof Error ? e.message : String(e);
			return {
				failed:
					e instanceof Cancelled
						? 'cancelled'
						: e instanceof PeerFailed
							? 'peer'
							: 'refused',
				message,
			};
		}
	};
}

export const normalizeTask = boundary(normalize);
export const batchStatisticsTask = boundary(batchStatistics);
export const splitForwardTask = boundary(splitForward);
export const residentForwardTask = boundary(residentForward);
