// How long one loop may run: a share of the analysis's remaining bounds, so that a data loop of
// 50,000 iterations does not use up the steps the models after it need.
import type { SyntaxNode } from '@lezer/common';
import type { Cause } from '../values';
import type { Interpreter } from '../interpreter';

/**
 * A loop (a `for`, a `while`, a comprehension) may use a quarter of the steps and time the
 * analysis has left when it starts; a loop inside it a quarter of what is left then. Past that,
 * the loop is not run further: what its body may change is unknown, with a cause saying so, and
 * the code after it runs. Sound as a loop of unknown length is: the iterations not run are
 * havocked, never guessed.
 */
export interface LoopBound {
	steps: number;
	time: number;
	/** Iterations run so far. */
	done: number;
}

/** The smallest share a loop gets while the analysis has more than its reserve left. */
const MIN_STEPS = 20_000;

/**
 * The last tenth of the steps and of the time no loop may use: thirty data loops in a row (a
 * notebook that picks class subsets of CIFAR-10 sample by sample) each took their quarter until the
 * step bound stopped the whole run, and the models after them were lost. Past the reserve a loop
 * runs one iteration and is cut, its effects havocked; the code after it still runs.
 */
const RESERVE = 10;

export function loopBound(it: Interpreter): LoopBound {
	const now = Date.now();
	const stepsLine = it.limits.maxSteps - Math.floor(it.limits.maxSteps / RESERVE);
	const timeLine = it.deadline - Math.floor(it.limits.maxMillis / RESERVE);
	return {
		steps: Math.min(
			it.steps + Math.max(MIN_STEPS, Math.floor((it.limits.maxSteps - it.steps) / 4)),
			Math.max(it.steps, stepsLine),
		),
		time: Math.min(
			now + Math.max(20, Math.floor((it.deadline - now) / 4)),
			Math.max(now, timeLine),
		),
		done: 0,
	};
}

/** Counts one more iteration; true when the loop has used its share (the clock is read every 64). */
export function pastLoopBound(it: Interpreter, b: LoopBound): boolean {
	b.done++;
	return it.steps > b.steps || ((b.done & 63) === 0 && Date.now() > b.time);
}

/** Why the rest of a loop NormLens stopped running is unknown, pointing at the loop's header. */
export function loopCutCause(
	it: Interpreter,
	kind: 'for' | 'while',
	header: SyntaxNode,
	b: LoopBound,
): Cause {
	const what = kind === 'for' ? `for … in ${it.snippet(header)}` : `while ${it.snippet(header)}`;
	return {
		reason: `NormLens stopped running \`${what}\` after ${(b.done - 1).toLocaleString('en-US')} iterations (one loop may use a quarter of the analysis's remaining steps and time), so what the rest of it changes is unknown`,
		range: it.here(header),
	};
}
