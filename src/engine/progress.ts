// A run's progress, counted by its workers in a shared Int32 that the host polls.
/**
 * Progress of a run, counted by its workers in a shared Int32 (NormalizeTask.progress): each pass
 * over the tensor — generating or reading the input, statistics, normalize, statistics after — adds
 * its elements in units of PROGRESS_UNIT as it goes. The host polls the counter; it needs no message
 * from a busy worker.
 */

/** Elements per unit of progress (one generation chunk). */
export const PROGRESS_UNIT = 1 << 16;

/** Passes over the tensor that a run makes (input, statistics, normalize, statistics after). */
const PASSES = 4;

/** The units a whole run of this many elements adds up to (a split run's slabs round up, so the host clamps). */
export function progressUnits(elements: number): number {
	return PASSES * Math.ceil(elements / PROGRESS_UNIT);
}

/** A worker's side: adds `elements` of one pass (whole units; the remainder carries over). */
export function progressCounter(buffer: SharedArrayBuffer | undefined): (elements: number) => void {
	if (!buffer) {
		return () => undefined;
	}
	const counter = new Int32Array(buffer);
	let carry = 0;
	return (elements) => {
		carry += elements;
		const units = Math.floor(carry / PROGRESS_UNIT);
		if (units > 0) {
			carry -= units * PROGRESS_UNIT;
			Atomics.add(counter, 0, units);
		}
	};
}
