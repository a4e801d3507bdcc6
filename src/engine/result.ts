import type { Histogram, NormalizeResult, NormalizeTask } from '../protocol/engineProtocol';

/**
 * Running statistics after one training step from their initial values (mean 0, variance 1), in
 * each framework's convention (shared/reference/normalization.md §4.3).
 */
export function runningUpdate(momentum: NormalizeTask['momentum'], mean: Float64Array, variance: Float64Array, n: number): NormalizeResult['running'] {
	if (!momentum) {
		return null;
	}
	const m = momentum.value;
	if (momentum.convention === 'keras') {
		if (m === null) {
			return null;
		}
		// Keras 3: moving = moving·m + batch·(1 − m), biased variance.
		return { mean: mean.map((mu) => 0 * m + mu * (1 - m)), variance: variance.map((v) => 1 * m + v * (1 - m)) };
	}
	// PyTorch: running = (1 − m)·running + m·batch with the unbiased variance; momentum=None is a
	// cumulative average, which after one step is the batch statistic itself.
	const w = m ?? 1;
	const unbiased = n > 1 ? n / (n - 1) : NaN;
	return { mean: mean.map((mu) => (1 - w) * 0 + w * mu), variance: variance.map((v) => (1 - w) * 1 + w * v * unbiased) };
}

/** max |mean(y)| and max |std(y) − 1| over groups. */
export function deviations(mean: Float64Array, std: Float64Array): { maxMeanDeviation: number; maxStdDeviation: number } {
	let maxMeanDeviation = 0;
	let maxStdDeviation = 0;
	for (let c = 0; c < mean.length; c++) {
		maxMeanDeviation = Math.max(maxMeanDeviation, Math.abs(mean[c]));
		maxStdDeviation = Math.max(maxStdDeviation, Math.abs(std[c] - 1));
	}
	return { maxMeanDeviation, maxStdDeviation };
}

/** A histogram of all values on up to 2^20 evenly strided samples. */
export function histogram(x: Float32Array, bins = 64): Histogram {
	const stride = Math.max(1, Math.floor(x.length / (1 << 20)));
	let lo = Infinity;
	let hi = -Infinity;
	for (let i = 0; i < x.length; i += stride) {
		const v = x[i];
		if (v < lo) {
			lo = v;
		}
		if (v > hi) {
			hi = v;
		}
	}
	const counts = new Array<number>(bins).fill(0);
	if (!(hi > lo)) {
		return { lo: Number.isFinite(lo) ? lo : 0, hi: Number.isFinite(hi) ? hi : 0, counts };
	}
	const w = (hi - lo) / bins;
	for (let i = 0; i < x.length; i += stride) {
		const v = x[i];
		if (v >= lo && v <= hi) {
			counts[Math.min(bins - 1, Math.floor((v - lo) / w))]++;
		}
	}
	return { lo, hi, counts };
}

/** Whether the task normalizes with running statistics (inference of a layer that keeps them). */
export function evalMode(task: Pick<NormalizeTask, 'mode' | 'momentum'>): boolean {
	return task.mode === 'eval' && task.momentum !== null;
}

/** The μ and σ² the output is normalized with: the batch's, or a fresh layer's running 0 and 1. */
export function statisticsFor(task: Pick<NormalizeTask, 'mode' | 'momentum'>, batch: { mean: Float64Array; variance: Float64Array }): { mean: Float64Array; variance: Float64Array } {
	return evalMode(task) ? { mean: new Float64Array(batch.mean.length), variance: new Float64Array(batch.mean.length).fill(1) } : batch;
}
