// A training-steps simulation on the pool (SimulateTask): what refuses a task before any worker
// starts, the progress it counts, and the run — the steps' batch statistics from every worker, the
// running statistics' recurrence here, then the batch-noise study.
import type { Piscina } from 'piscina';
import { reductionLayout } from '../engine/kernels/layout';
import { PROGRESS_UNIT } from '../engine/progress';
import {
	batchNoise,
	NO_DRIFT,
	noiseSeed,
	StepStatistics,
	trainingSteps,
} from '../engine/simulation';
import type { BatchNoise, Drift, SimulateResult, SimulateTask } from '../protocol/engineProtocol';
import { NOISE_BATCH_SIZES, SimulateKernel } from '../protocol/engineProtocol';
import type { StepsResult, StepsTask } from '../protocol/engineTasks';
import { runTask } from './poolTasks';

/** Why a simulation task cannot run, before any worker starts; undefined when it can. */
export function simulateProblem(task: SimulateTask): string | undefined {
	if (
		!Array.isArray(task.shape) ||
		task.shape.length < 2 ||
		task.shape.some((d) => !Number.isInteger(d) || d < 1)
	) {
		return `The simulation needs a concrete input shape with a batch axis, got [${String(task.shape)}].`;
	}
	if (!Number.isInteger(task.steps) || task.steps < 1 || task.steps > MAX_SIMULATED_STEPS) {
		return `The number of steps must be an integer from 1 to ${MAX_SIMULATED_STEPS}, got ${task.steps}.`;
	}
	const drift = task.drift ?? NO_DRIFT;
	if (!Number.isFinite(drift.shift) || !(drift.scale > 0) || !Number.isFinite(drift.scale)) {
		return `The drift needs a finite shift and a positive scale, got shift ${drift.shift}, scale ${drift.scale}.`;
	}
	for (const b of task.noiseBatchSizes ?? []) {
		if (!Number.isInteger(b) || b < 1) {
			return `Batch sizes of the noise study must be positive integers, got ${b}.`;
		}
	}
	const perBatch = task.shape.slice(1).reduce((p, d) => p * d, 1);
	const largest =
		Math.max(task.shape[0], ...(task.noiseBatchSizes ?? NOISE_BATCH_SIZES)) * perBatch;
	if (largest > task.maxElements) {
		return `A batch of ${largest.toLocaleString('en-US')} values is above the engine's limit of ${task.maxElements.toLocaleString('en-US')}; lower the batch size or raise normlens.engine.memoryLimitMiB.`;
	}
	return undefined;
}

/** The most steps one simulation runs (200 is the default; this keeps a typo from running for hours). */
export const MAX_SIMULATED_STEPS = 100_000;

/** The noise study's batch sizes and steps of a task (its own, or the defaults). */
function noiseStudy(task: SimulateTask): { sizes: readonly number[]; steps: number } {
	return {
		sizes: task.noiseBatchSizes ?? NOISE_BATCH_SIZES,
		steps: task.noiseSteps ?? Math.min(task.steps, 64),
	};
}

/** The progress units of a simulation: the values its K steps' batches and its noise study generate. */
export function simulationUnits(task: SimulateTask): number {
	const perBatch = task.shape.slice(1).reduce((p, d) => p * d, 1);
	const noise = noiseStudy(task);
	return Math.ceil(
		(task.steps * task.shape[0] * perBatch +
			noise.steps * noise.sizes.reduce((p, b) => p + b, 0) * perBatch) /
			PROGRESS_UNIT,
	);
}

/**
 * Runs a checked simulation on `workers` workers (the caller holds their slots): every worker claims
 * steps and reduces their batches; the recurrence, which is sequential, runs on their statistics.
 */
export async function simulateSteps(
	task: SimulateTask,
	run: {
		pool: Piscina;
		workers: number;
		cancel: SharedArrayBuffer;
		progress?: SharedArrayBuffer;
		started: number;
	},
): Promise<SimulateResult> {
	const { pool, workers, cancel, progress, started } = run;
	const { sizes: noiseSizes, steps: noiseSteps } = noiseStudy(task);
	const drift = task.drift ?? NO_DRIFT;
	const runSteps = async (
		shape: number[],
		streamSeed: number,
		steps: number,
		stepDrift: Drift,
	): Promise<StepStatistics & { groupSize: number; backend: string }> => {
		const claim = new SharedArrayBuffer(4);
		const base: StepsTask = {
			shape,
			reducedAxes: task.reducedAxes,
			channelGroups: task.channelGroups,
			sampleFeatureAxis: task.sampleFeatureAxis,
			distribution: task.distribution,
			seed: task.seed,
			streamSeed,
			drift: stepDrift,
			steps,
			claim,
			maxElements: task.maxElements,
			backend: task.backend,
			cancel,
			progress,
		};
		const parts = await Promise.all(
			Array.from({ length: Math.min(workers, steps) }, () =>
				runTask<StepsResult>(pool, base, 'batchStatisticsTask'),
			),
		);
		const g = parts[0].groups;
		const mean = new Float64Array(steps * g);
		const variance = new Float64Array(steps * g);
		for (const p of parts) {
			p.steps.forEach((t, i) => {
				mean.set(p.mean.subarray(i * g, (i + 1) * g), t * g);
				variance.set(p.variance.subarray(i * g, (i + 1) * g), t * g);
			});
		}
		return {
			steps,
			groups: g,
			mean,
			variance,
			groupSize: parts[0].groupSize,
			backend: parts.every((p) => p.backend === parts[0].backend)
				? parts[0].backend
				: 'mixed',
		};
	};
	const main = await runSteps(task.shape, task.seed, task.steps, drift);
	const stepsMs = performance.now() - started;
	const layout = reductionLayout(task.shape, task.reducedAxes, task.channelGroups);
	const perSample = layout.keptAxes.includes(0);
	const layer = {
		shape: task.shape,
		groups: main.groups,
		groupSize: main.groupSize,
		perSample,
		momentum: task.momentum,
		epsilon: task.epsilon,
		standardize: (task.form ?? 'standardize') === 'standardize',
	};
	const noise: BatchNoise[] = [];
	for (const b of noiseSizes) {
		const shape = [b, ...task.shape.slice(1)];
		noise.push(
			batchNoise(b, await runSteps(shape, noiseSeed(task.seed, b), noiseSteps, NO_DRIFT)),
		);
	}
	return {
		kernel: SimulateKernel,
		shape: task.shape,
		steps: task.steps,
		groups: main.groups,
		groupSize: main.groupSize,
		perSample,
		momentum: task.momentum,
		...trainingSteps(layer, main),
		noise,
		drift,
		backend: `${main.backend} ×${Math.min(workers, task.steps)} worker${workers > 1 ? 's' : ''}`,
		workers: Math.min(workers, task.steps),
		elapsedMs: performance.now() - started,
		stepsMs,
	};
}
