// The arithmetic of Simulate Training Steps: populations, drift, seeds, running-statistics rules, noise.
import type { BatchNoise, Drift, NormalizeTask, SimulateResult } from '../protocol/engineProtocol';
import { SeededRandom } from './random';

/**
 * The arithmetic of "Simulate Training Steps" (SimulateTask), pure so that the host, the CLI and
 * the tests share it. The workers compute each step's batch statistics (independent batches, in
 * parallel); everything that depends on the order of the steps — the running statistics'
 * recurrence, the train/eval gap — is done here, once, in float64.
 */

/** Per-feature offsets and scales of a sample tensor: the population every batch is drawn from. */
export interface FeatureShifts {
	offset: number[];
	scale: number[];
}

/** The sample's per-feature offsets and scales for a seed (so that normalization has something to undo). */
export function featureShifts(features: number, seed: number): FeatureShifts {
	const rng = new SeededRandom(seed);
	return {
		offset: Array.from({ length: features }, () => -3 + 6 * rng.next()),
		scale: Array.from({ length: features }, () => 0.5 + 2.5 * rng.next()),
	};
}

/**
 * Each sample's own offset and scale (applied after the features'): samples that differ, as real
 * batches do, so that a comparison shows what each normalization removes — LayerNorm and
 * InstanceNorm take a sample's offset and scale out, BatchNorm keeps them. None for a batch of one
 * or a tensor without a batch axis.
 */
export function sampleShifts(
	shape: readonly number[],
	seed: number,
): { offset: number[]; scale: number[]; size: number } | undefined {
	const n = shape[0] ?? 1;
	if (shape.length < 2 || n < 2) {
		return undefined;
	}
	const rng = new SeededRandom((seed ^ 0x5bd1e995) >>> 0);
	return {
		offset: Array.from({ length: n }, () => -1.5 + 3 * rng.next()),
		scale: Array.from({ length: n }, () => 0.5 + 1.5 * rng.next()),
		size: shape.slice(1).reduce((p, d) => p * d, 1),
	};
}

/** Step t's generator seed: a different counter-based stream for every step of one simulation. */
export function stepSeed(seed: number, step: number): number {
	return (
		(Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) + Math.imul(step + 1, 0xc2b2ae35)) >>> 0
	);
}

/** The seed of the noise study at one batch size: its batches are not the simulation's. */
export function noiseSeed(seed: number, batchSize: number): number {
	return (seed + Math.imul(batchSize + 1, 0x27d4eb2f)) >>> 0;
}

export const NO_DRIFT: Drift = { shift: 0, scale: 1 };

/** The population at step t of K: offsets moved by shift·σ and scales multiplied by scale, both a fraction t/(K − 1) of the way. */
export function driftedShifts(
	base: FeatureShifts,
	drift: Drift,
	step: number,
	steps: number,
): FeatureShifts {
	if (drift.shift === 0 && drift.scale === 1) {
		return base;
	}
	const f = steps > 1 ? step / (steps - 1) : 0;
	const grow = Math.pow(drift.scale, f);
	return {
		offset: base.offset.map((o, c) => o + drift.shift * f * base.scale[c]),
		scale: base.scale.map((s) => s * grow),
	};
}

/** Batch statistics of every step: step t's group c at t·groups + c (biased variance, as the frameworks normalize with). */
export interface StepStatistics {
	steps: number;
	groups: number;
	mean: Float64Array;
	variance: Float64Array;
}

/** What the recurrence needs to know of the layer. */
export interface SimulatedLayer {
	/** Input shape, batch included. */
	shape: number[];
	groups: number;
	groupSize: number;
	/** The batch axis is kept: each sample has its own statistics (InstanceNorm, GroupNorm, LayerNorm). */
	perSample: boolean;
	momentum: NormalizeTask['momentum'];
	epsilon: number;
	/** Whether y = (x − μ)/√(σ² + ε) (the train/eval gap formula is that form's). */
	standardize: boolean;
}

/** Groups followed step by step in the result's trace. */
const TRACKED = 4;

/**
 * The running statistics a layer keeps, step after step, in its framework's convention
 * (docs/normalization.md §4.3), from mean 0 and variance 1:
 * - PyTorch: running = (1 − m)·running + m·batch, with the unbiased batch variance (× n/(n − 1));
 *   `momentum=None` is a cumulative average (m = 1/t at step t, counted from 1);
 * - Keras: moving = m·moving + (1 − m)·batch, with the biased batch variance.
 * Per-sample layers that keep running statistics (InstanceNorm with track_running_stats) update
 * each channel with the mean over the batch of its samples' statistics, as PyTorch does.
 * Returns null for layers that keep none.
 */
export function runningRule(
	layer: Pick<SimulatedLayer, 'momentum' | 'groupSize'>,
):
	| ((
			runningMean: number,
			runningVariance: number,
			batchMean: number,
			batchVariance: number,
			step: number,
	  ) => [number, number])
	| null {
	const momentum = layer.momentum;
	if (!momentum || (momentum.convention === 'keras' && momentum.value === null)) {
		return null;
	}
	if (momentum.convention === 'keras') {
		const m = momentum.value as number;
		return (rm, rv, bm, bv) => [m * rm + (1 - m) * bm, m * rv + (1 - m) * bv];
	}
	const n = layer.groupSize;
	const unbiased = n > 1 ? n / (n - 1) : NaN;
	const fixed = momentum.value;
	return (rm, rv, bm, bv, step) => {
		const w = fixed ?? 1 / (step + 1);
		return [(1 - w) * rm + w * bm, (1 - w) * rv + w * bv * unbiased];
	};
}

/**
 * The simulation's result from its steps' batch statistics: the running statistics' recurrence, the
 * train/eval gap per step, the trace of a few groups. The gap is exact from the statistics: with
 * a = 1/√(σ² + ε), the training output a_b·(x − μ_b) and the inference output a_r·(x − μ_r) differ
 * per group by an affine function of x, whose mean over the batch's values is a_r·(μ_r − μ_b) and
 * whose variance is (a_b − a_r)²·σ_b², so the RMS difference is √(a_r²(μ_r − μ_b)² + (a_b − a_r)²σ_b²).
 */
export function trainingSteps(
	layer: SimulatedLayer,
	s: StepStatistics,
): Pick<SimulateResult, 'runningGroups' | 'tracked' | 'trace' | 'gap' | 'final'> {
	const batch = layer.shape[0];
	const runningGroups = layer.perSample ? layer.groups / batch : layer.groups;
	const perChannel = layer.perSample ? batch : 1;
	const g = layer.groups;
	const tracked = Array.from({ length: Math.min(TRACKED, runningGroups) }, (_, i) => i);
	// What feeds channel c's running statistics at step t: its group's statistics, or the mean of its samples' (per-sample layers).
	const fed = (t: number, c: number): [number, number] => {
		let m = 0;
		let v = 0;
		for (let n = 0; n < perChannel; n++) {
			m += s.mean[t * g + n * runningGroups + c];
			v += s.variance[t * g + n * runningGroups + c];
		}
		return [m / perChannel, v / perChannel];
	};
	const rule = runningRule(layer);
	const trace: SimulateResult['trace'] = {
		batchMean: [],
		batchVariance: [],
		runningMean: rule ? [] : null,
		runningVariance: rule ? [] : null,
	};
	const rm = new Float64Array(runningGroups);
	const rv = new Float64Array(runningGroups).fill(1);
	const gap = rule ? { mean: new Array<number>(s.steps), max: new Array<number>(s.steps) } : null;
	const eps = layer.epsilon;
	for (let t = 0; t < s.steps; t++) {
		const bm = new Float64Array(runningGroups);
		const bv = new Float64Array(runningGroups);
		for (let c = 0; c < runningGroups; c++) {
			[bm[c], bv[c]] = fed(t, c);
		}
		trace.batchMean.push(tracked.map((c) => bm[c]));
		trace.batchVariance.push(tracked.map((c) => bv[c]));
		if (!rule || !gap) {
			continue;
		}
		for (let c = 0; c < runningGroups; c++) {
			[rm[c], rv[c]] = rule(rm[c], rv[c], bm[c], bv[c], t);
		}
		trace.runningMean?.push(tracked.map((c) => rm[c]));
		trace.runningVariance?.push(tracked.map((c) => rv[c]));
		let sum = 0;
		let worst = 0;
		for (let c = 0; c < runningGroups; c++) {
			const ar = 1 / Math.sqrt(rv[c] + eps);
			// Over the groups that share channel c's running statistics: the mean square of the difference.
			let ms = 0;
			for (let n = 0; n < perChannel; n++) {
				const mu = s.mean[t * g + n * runningGroups + c];
				const v = s.variance[t * g + n * runningGroups + c];
				const ab = 1 / Math.sqrt(v + eps);
				ms += layer.standardize ? ar * ar * (rm[c] - mu) ** 2 + (ab - ar) ** 2 * v : NaN;
			}
			const rms = Math.sqrt(ms / perChannel);
			sum += rms;
			worst = Math.max(worst, rms);
		}
		gap.mean[t] = sum / runningGroups;
		gap.max[t] = worst;
	}
	return {
		runningGroups,
		tracked,
		trace,
		gap,
		// PyTorch's num_batches_tracked: BatchNorm counts its steps; InstanceNorm's functional form never updates it; Keras keeps none.
		final: rule
			? {
					mean: Array.from(rm),
					variance: Array.from(rv),
					batchesTracked:
						layer.momentum?.convention === 'torch'
							? layer.perSample
								? 0
								: s.steps
							: null,
				}
			: null,
	};
}

/**
 * How far batch statistics scatter from step to step at one batch size: per group, the std over
 * steps of its batch mean in units of the group's std σ, and the std of its batch variance in units
 * of σ²; both as an RMS over the groups. BatchNorm's fall as 1/√batch; a per-sample layer's
 * (GroupNorm, LayerNorm, InstanceNorm) do not depend on the batch at all.
 */
export function batchNoise(batchSize: number, s: StepStatistics): BatchNoise {
	let meanSum = 0;
	let varSum = 0;
	const T = s.steps;
	for (let c = 0; c < s.groups; c++) {
		let m = 0;
		let v = 0;
		for (let t = 0; t < T; t++) {
			m += s.mean[t * s.groups + c];
			v += s.variance[t * s.groups + c];
		}
		m /= T;
		v /= T;
		let dm = 0;
		let dv = 0;
		for (let t = 0; t < T; t++) {
			dm += (s.mean[t * s.groups + c] - m) ** 2;
			dv += (s.variance[t * s.groups + c] - v) ** 2;
		}
		const div = T > 1 ? T - 1 : NaN;
		// The group's own variance σ² by the law of total variance: the mean batch variance (biased:
		// σ²·(n − 1)/n) plus the variance of the batch means (σ²/n) — exact in expectation at any n.
		const total = v + dm / div;
		meanSum += total > 0 ? dm / div / total : 0;
		varSum += total > 0 ? dv / div / (total * total) : 0;
	}
	return {
		batchSize,
		meanSpread: Math.sqrt(meanSum / s.groups),
		varianceSpread: Math.sqrt(varSum / s.groups),
	};
}
