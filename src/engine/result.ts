// What a run reports beyond μ and σ²: the running statistics after one step, the histograms, what
// each form guarantees of y, and runResult, the one place a run's NormalizeResult is assembled.
import type {
	Histogram,
	NormalizeForm,
	NormalizeResult,
	NormalizeTask,
} from '../protocol/engineProtocol';
import { NormalizeKernel } from '../protocol/engineProtocol';
import type { ReductionLayout } from './kernels/layout';
import type { Centred } from './kernels/normalizeJs';
import { runningRule } from './simulation';

/**
 * Running statistics after one training step from their initial values (mean 0, variance 1), in
 * each framework's convention (simulation.ts's runningRule, docs/normalization.md §4.3).
 * `samples` > 1: per-sample statistics (sample-major) that update per-channel running statistics
 * with their mean over the batch, as PyTorch's InstanceNorm with track_running_stats does.
 */
export function runningUpdate(
	momentum: NormalizeTask['momentum'],
	mean: Float64Array,
	variance: Float64Array,
	n: number,
	samples = 1,
): NormalizeResult['running'] {
	const rule = runningRule({ momentum, groupSize: n });
	if (!rule) {
		return null;
	}
	const channels = mean.length / samples;
	const out = { mean: new Float64Array(channels), variance: new Float64Array(channels) };
	for (let c = 0; c < channels; c++) {
		let m = 0;
		let v = 0;
		for (let s = 0; s < samples; s++) {
			m += mean[s * channels + c];
			v += variance[s * channels + c];
		}
		[out.mean[c], out.variance[c]] = rule(0, 1, m / samples, v / samples, 0);
	}
	return out;
}

/** max |mean(y)| and max |std(y) − 1| over groups. */
export function deviations(
	mean: Float64Array,
	std: Float64Array,
): { maxMeanDeviation: number; maxStdDeviation: number } {
	let maxMeanDeviation = 0;
	let maxStdDeviation = 0;
	for (let c = 0; c < mean.length; c++) {
		maxMeanDeviation = Math.max(maxMeanDeviation, Math.abs(mean[c]));
		maxStdDeviation = Math.max(maxStdDeviation, Math.abs(std[c] - 1));
	}
	return { maxMeanDeviation, maxStdDeviation };
}

/**
 * Values sampled for a histogram: every `stride`-th, so that at most about 2^18 are binned — some
 * 4,000 per bin of 64 on average, a 1.5 % noise the drawing cannot show, for a quarter of the time
 * 2^20 took (binning is a JS loop: 2.3 ms per array and worker on 25.7 MB at 2^20).
 */
export function histogramStride(total: number): number {
	return Math.max(1, Math.floor(total / (1 << 18)));
}

/**
 * Counts of the sampled values of a slab in `bins` equal bins over [lo, hi]; the slab's first
 * element is element `from` of the tensor, and the samples are the tensor's every `stride`-th
 * element, so the slabs' counts add up to the whole tensor's. Values just outside [lo, hi] (float32
 * rounding of a range computed from the statistics) go to the edge bins.
 */
export function binCounts(
	x: Float32Array,
	from: number,
	stride: number,
	lo: number,
	hi: number,
	bins: number,
): Float64Array {
	const counts = new Float64Array(bins);
	const w = (hi - lo) / bins;
	const slack = (hi - lo) * 1e-6;
	for (let i = (stride - (from % stride)) % stride; i < x.length; i += stride) {
		const v = x[i];
		if (v >= lo - slack && v <= hi + slack) {
			counts[Math.max(0, Math.min(bins - 1, Math.floor((v - lo) / w)))]++;
		}
	}
	return counts;
}

/** Whether the task normalizes with running statistics (inference of a layer that keeps them). */
export function evalMode(task: Pick<NormalizeTask, 'mode' | 'momentum'>): boolean {
	return task.mode === 'eval' && task.momentum !== null;
}

/** The μ and σ² the output is normalized with: the batch's, or a fresh layer's running 0 and 1. */
export function statisticsFor(
	task: Pick<NormalizeTask, 'mode' | 'momentum'>,
	batch: { mean: Float64Array; variance: Float64Array },
): { mean: Float64Array; variance: Float64Array } {
	return evalMode(task)
		? {
				mean: new Float64Array(batch.mean.length),
				variance: new Float64Array(batch.mean.length).fill(1),
			}
		: batch;
}

/**
 * The per-group y = (x − m)·a + b of the task's form (NormalizeForm) with the statistics it
 * normalizes with; `groupSize` is M, the values per group. The root mean square and the L2 norm
 * come from the same shifted moments: mean(x²) = σ² + μ², ‖x‖₂ = √(M·mean(x²)).
 */
export function centredFor(
	task: Pick<NormalizeTask, 'mode' | 'momentum' | 'epsilon' | 'form'>,
	batch: { mean: Float64Array; variance: Float64Array },
	groupSize: number,
): Centred {
	const used = statisticsFor(task, batch);
	const g = used.mean.length;
	const b = new Float64Array(g);
	switch (task.form ?? 'standardize') {
		case 'standardize':
			return {
				m: used.mean,
				a: used.variance.map((v) => 1 / Math.sqrt(v + task.epsilon)),
				b,
			};
		case 'rms':
			return {
				m: b,
				a: used.variance.map((v, c) => 1 / Math.sqrt(v + used.mean[c] ** 2 + task.epsilon)),
				b,
			};
		case 'unit':
			return {
				m: b,
				a: used.variance.map(
					(v, c) =>
						1 / Math.max(Math.sqrt(groupSize * (v + used.mean[c] ** 2)), task.epsilon),
				),
				b,
			};
	}
}

/**
 * What the task's form guarantees of y (γ = 1, β = 0), from y's per-group mean and std over M
 * values, and the worst distance from it over the groups.
 */
export function guarantees(
	form: NormalizeForm,
	mean: ArrayLike<number>,
	std: ArrayLike<number>,
	groupSize: number,
): { property: string; worst: number }[] {
	const worst = (f: (c: number) => number) => {
		let w = 0;
		for (let c = 0; c < mean.length; c++) {
			w = Math.max(w, Math.abs(f(c)));
		}
		return w;
	};
	const rms = (c: number) => Math.sqrt(std[c] ** 2 + mean[c] ** 2);
	switch (form) {
		case 'standardize':
			return [
				{ property: 'mean 0', worst: worst((c) => mean[c]) },
				{ property: 'std 1', worst: worst((c) => std[c] - 1) },
			];
		case 'rms':
			return [{ property: 'rms 1', worst: worst((c) => rms(c) - 1) }];
		case 'unit':
			return [{ property: '‖y‖₂ 1', worst: worst((c) => Math.sqrt(groupSize) * rms(c) - 1) }];
	}
}

/** Bins of the histograms of x and y that a run returns. */
export const HISTOGRAM_BINS = 64;

/**
 * y's per-group extremes from x's: the kernels' y = fl(fl(fl(x − m)·a) + b), with m, a and b
 * rounded to float32, is monotonic in x, so these are y's exact extremes without a pass over y.
 */
export function centredExtremes(
	xMin: ArrayLike<number>,
	xMax: ArrayLike<number>,
	f: Centred,
): { min: Float64Array; max: Float64Array } {
	const yAt = (v: number, c: number) =>
		Math.fround(
			Math.fround(Math.fround(v - Math.fround(f.m[c])) * Math.fround(f.a[c])) +
				Math.fround(f.b[c]),
		);
	const min = new Float64Array(xMin.length);
	const max = new Float64Array(xMin.length);
	for (let c = 0; c < xMin.length; c++) {
		min[c] = f.a[c] >= 0 ? yAt(xMin[c], c) : yAt(xMax[c], c);
		max[c] = f.a[c] >= 0 ? yAt(xMax[c], c) : yAt(xMin[c], c);
	}
	return { min, max };
}

/** The smallest finite minimum and the largest finite maximum over groups ([0, 0] if none). */
export function finiteRange(min: ArrayLike<number>, max: ArrayLike<number>): [number, number] {
	let lo = Infinity;
	let hi = -Infinity;
	for (let i = 0; i < min.length; i++) {
		if (Number.isFinite(min[i]) && min[i] < lo) {
			lo = min[i];
		}
		if (Number.isFinite(max[i]) && max[i] > hi) {
			hi = max[i];
		}
	}
	return lo <= hi ? [lo, hi] : [0, 0];
}

/** A run's histogram ranges: x's and y's over all groups, from the groups' extremes (a split run's workers and host alike). */
export function histogramRanges(
	x: { min: ArrayLike<number>; max: ArrayLike<number> },
	y: { min: ArrayLike<number>; max: ArrayLike<number> },
): { x: [number, number]; y: [number, number] } {
	return { x: finiteRange(x.min, x.max), y: finiteRange(y.min, y.max) };
}

/** A histogram over a known range (the groups' extremes), binned like the slabs of a split run. */
export function histogramIn(
	x: Float32Array,
	[lo, hi]: [number, number],
	bins = HISTOGRAM_BINS,
): Histogram {
	return {
		lo,
		hi,
		counts:
			hi > lo
				? Array.from(binCounts(x, 0, histogramStride(x.length), lo, hi, bins))
				: new Array<number>(bins).fill(0),
	};
}

/** Per-group statistics of x or y as a run measured them (variance, not std). */
export interface GroupStatistics {
	mean: Float64Array;
	variance: Float64Array;
	min: Float64Array;
	max: Float64Array;
}

/**
 * A run's NormalizeResult, from what it measured: the one place where the running statistics, the
 * deviations and the form's guarantees follow from the statistics, so that a run in one worker and a
 * run split among workers report the same things the same way.
 */
export function runResult(
	task: Pick<NormalizeTask, 'shape' | 'mode' | 'momentum' | 'form'>,
	layout: ReductionLayout,
	measured: {
		before: GroupStatistics;
		after: GroupStatistics;
		histogramBefore: Histogram;
		histogramAfter: Histogram;
		nonFinite: number[];
		views?: NormalizeResult['views'];
		backend: string;
		elapsedMs: number;
		phases: NormalizeResult['phases'];
	},
): NormalizeResult {
	const { before, after } = measured;
	const std = (v: Float64Array) => v.map(Math.sqrt);
	const afterStd = std(after.variance);
	const form = task.form ?? 'standardize';
	return {
		kernel: NormalizeKernel,
		shape: task.shape,
		features: layout.groups,
		groupSize: layout.groupSize,
		before: { mean: before.mean, std: std(before.variance), min: before.min, max: before.max },
		after: { mean: after.mean, std: afterStd, min: after.min, max: after.max },
		histogramBefore: measured.histogramBefore,
		histogramAfter: measured.histogramAfter,
		nonFinite: measured.nonFinite,
		running: evalMode(task)
			? null
			: runningUpdate(
					task.momentum,
					before.mean,
					before.variance,
					layout.groupSize,
					layout.keptAxes.includes(0) ? task.shape[0] : 1,
				),
		form,
		...deviations(after.mean, afterStd),
		guarantees: guarantees(form, after.mean, afterStd, layout.groupSize),
		...(measured.views ? { views: measured.views } : {}),
		backend: measured.backend,
		elapsedMs: measured.elapsedMs,
		phases: measured.phases,
	};
}
