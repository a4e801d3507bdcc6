// A simulation's steps in one worker (StepsTask): claims steps and reduces each step's seeded batch
// block by block in cache, never writing a batch whole; and one step's batch whole, for the tests.
import { NormalizeKernel } from '../protocol/engineProtocol';
import type { StepsResult, StepsTask } from '../protocol/engineTasks';
import { Arena } from './kernels/arena';
import { reductionLayout } from './kernels/layout';
import { moments as momentsJs } from './kernels/normalizeJs';
import { WasmKernels } from './kernels/normalizeWasm';
import { progressCounter } from './progress';
import { fillRange, sampleAxis } from './sampleFill';
import { validate } from './sampleRun';
import { driftedShifts, featureShifts, stepSeed } from './simulation';
import { mergeInto } from './slabs';
import { checker, kernelsFor, releaseOversizedMemory, sharedMemory } from './workerMemory';

/**
 * Values generated and reduced at a time: a block of whole rows or planes small enough to stay in
 * the core's cache (256 KiB of float32), so that a batch is never written to memory whole — only
 * its statistics are needed. A unit larger than this (a LayerNorm group of 150k values) is one block.
 */
const STEP_BLOCK = 1 << 16;

/** Claims steps until none is left and returns their batch statistics (biased variance). */
export async function batchStatistics(task: StepsTask): Promise<StepsResult> {
	try {
		return await batchStatisticsInWorker(task);
	} finally {
		releaseOversizedMemory();
	}
}

async function batchStatisticsInWorker(task: StepsTask): Promise<StepsResult> {
	const total = validate({ ...task, kernel: NormalizeKernel, epsilon: 0, momentum: null });
	const check = checker(task);
	const advance = progressCounter(task.progress);
	const layout = reductionLayout(task.shape, task.reducedAxes, task.channelGroups);
	const g = layout.groups;
	const axis = sampleAxis(task, layout);
	const population = featureShifts(task.shape[axis] ?? 1, task.seed);
	const k = await kernelsFor(task.backend);
	const blocks = k !== undefined && WasmKernels.supports(layout);
	const inner = layout.block?.inner ?? total;
	const unit = inner === 1 ? g : inner;
	const blockUnits = blocks ? Math.max(1, Math.floor(STEP_BLOCK / unit)) : total / unit;
	const arena = new Arena(sharedMemory());
	const x = arena.f32(Math.min(total, blockUnits * unit));
	// The kernels' temporaries live above the block, in an arena emptied after every block.
	const temp = new Arena(sharedMemory(), arena.used);
	// When every group is one feature of the sample (BatchNorm with the sample's features on its
	// channel axis), a group's values are o + s·z with one offset o and scale s: its statistics are
	// o + s·mean(z) and s²·var(z), so only the standard draws z are generated and reduced — a pass
	// less over every block. Otherwise the block holds the sample itself.
	const features = task.shape[axis] ?? 1;
	const featureInner = task.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
	const affine =
		blocks && features === g && (inner === 1 ? featureInner === 1 : featureInner === inner);
	const claim = new Int32Array(task.claim);
	const done: number[] = [];
	const means: Float64Array[] = [];
	const variances: Float64Array[] = [];
	for (let t = Atomics.add(claim, 0, 1); t < task.steps; t = Atomics.add(claim, 0, 1)) {
		check();
		const shifts = driftedShifts(population, task.drift, t, task.steps);
		const seed = stepSeed(task.streamSeed, t);
		if (!blocks) {
			fillRange(
				x,
				0,
				task.shape,
				axis,
				task.distribution,
				seed,
				check,
				k && { kernels: k, arena: temp },
				advance,
				shifts,
				null,
			);
			const m = momentsJs(x, layout);
			temp.reset();
			done.push(t);
			means.push(m.mean);
			variances.push(m.variance);
			continue;
		}
		const acc = { n: new Float64Array(g), mean: new Float64Array(g), m2: new Float64Array(g) };
		if (affine && inner > 1) {
			// Planes of one feature each: the draws' moments per plane straight from the generator.
			const planesPerBlock = Math.max(1, Math.floor(STEP_BLOCK / inner));
			for (let p0 = 0; p0 < total / inner; p0 += planesPerBlock) {
				check();
				const planes = Math.min(planesPerBlock, total / inner - p0);
				const { M, M2 } = k.standardPlaneMoments(
					p0 * inner,
					planes,
					inner,
					seed,
					task.distribution,
					temp,
				);
				for (let p = 0; p < planes; p++) {
					mergeInto(acc, (p0 + p) % g, inner, M[p], M2[p]);
				}
				temp.reset();
				advance(planes * inner);
			}
		} else {
			for (let from = 0; from < total; from += x.length) {
				const block = x.subarray(0, Math.min(x.length, total - from));
				if (affine) {
					check();
					k.fillStandard(block, from, seed, task.distribution);
					advance(block.length);
				} else {
					fillRange(
						block,
						from,
						task.shape,
						axis,
						task.distribution,
						seed,
						check,
						{ kernels: k, arena: temp },
						advance,
						shifts,
						null,
					);
				}
				const part = k.moments(block, layout, temp, inner === 1 ? 0 : from / inner, false);
				temp.reset();
				for (let c = 0; c < g; c++) {
					mergeInto(
						acc,
						c,
						part.counts[c],
						part.mean[c],
						part.variance[c] * part.counts[c],
					);
				}
			}
		}
		const mean = acc.mean;
		const variance = acc.m2.map((v, c) => v / acc.n[c]);
		if (affine) {
			for (let c = 0; c < g; c++) {
				mean[c] = shifts.offset[c] + shifts.scale[c] * mean[c];
				variance[c] *= shifts.scale[c] ** 2;
			}
		}
		done.push(t);
		means.push(mean);
		variances.push(variance);
	}
	const flat = (parts: Float64Array[]) => {
		const out = new Float64Array(parts.length * g);
		parts.forEach((p, i) => out.set(p, i * g));
		return out;
	};
	arena.reset();
	return {
		steps: done,
		groups: g,
		groupSize: layout.groupSize,
		mean: flat(means),
		variance: flat(variances),
		backend: blocks ? 'wasm-simd' : 'js',
	};
}

/** Step t's batch of a simulation, whole (for the tests' exchange with PyTorch: the same values the workers reduce). */
export function simulationBatch(
	task: Omit<StepsTask, 'claim' | 'maxElements' | 'steps'>,
	step: number,
	steps: number,
): Float32Array {
	const layout = reductionLayout(task.shape, task.reducedAxes, task.channelGroups);
	const axis = sampleAxis(task, layout);
	const x = new Float32Array(task.shape.reduce((p, d) => p * d, 1));
	const shifts = driftedShifts(
		featureShifts(task.shape[axis] ?? 1, task.seed),
		task.drift,
		step,
		steps,
	);
	fillRange(
		x,
		0,
		task.shape,
		axis,
		task.distribution,
		stepSeed(task.streamSeed, step),
		() => undefined,
		undefined,
		undefined,
		shifts,
		null,
	);
	return x;
}
