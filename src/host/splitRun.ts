// A sample run split among the pool's workers: whether a task splits (splitPlan), and the run itself
// (runSplit), one round in the pool-wide memory (src/engine/slabs.ts, chunkRun.ts), its result
// assembled from the chunks' partials by the engine's runResult.
/// <reference path="../engine/wasm/webassembly.d.ts" />
import type { Piscina } from 'piscina';
import { Arena } from '../engine/kernels/arena';
import { reductionLayout } from '../engine/kernels/layout';
import { simdSupported } from '../engine/kernels/normalizeWasm';
import {
	centredExtremes,
	histogramRanges,
	histogramStride,
	HISTOGRAM_BINS,
	runResult,
} from '../engine/result';
import {
	abortRun,
	answerLatePeers,
	chunkPlan,
	chunkResults,
	controlBytes,
	failureCause,
	mergePartials,
} from '../engine/slabs';
import type { NormalizeResult, NormalizeTask } from '../protocol/engineProtocol';
import type { SplitForward, SplitTask } from '../protocol/engineTasks';
import { readNpyInfo } from './npyInfo';
import { runTask } from './poolTasks';

/**
 * Layouts with more groups than this stay one task: every chunk of a split run publishes 8 float64
 * per group (src/engine/slabs.ts), 8 MiB for two chunks at this count (LayerNorm over a few features
 * of many samples has a group per sample).
 */
export const SPLIT_MAX_GROUPS = 1 << 16;

/** What a split run needs of the pool: its threads, its split size, its shared memory and where runs may write in it. */
export interface SplitPool {
	pool: Piscina;
	threadCount: number;
	splitElements: number;
	memory: WebAssembly.Memory;
	/** First byte the run's arena may use: the pool tensors lie below it. */
	reservedTop: number;
}

/** The workers' histogram counts added up (a constant tensor gets an empty histogram, as in one task). */
function mergedHistogram(
	parts: SplitForward[],
	key: 'x' | 'y',
	[lo, hi]: [number, number],
): NormalizeResult['histogramBefore'] {
	const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
	if (hi > lo) {
		for (const p of parts) {
			p.histograms?.[key].forEach((n, i) => (counts[i] += n));
		}
	}
	return { lo, hi, counts };
}

/**
 * The task as a split run would do it, or `undefined` when one task is the way: below the split
 * size, the JS backend, γ / β, layouts the SIMD kernels do not cover, and .npy files that are not
 * plain C-order arrays of this layer's shape (the single task reads those, or says what is wrong).
 * A .npy run takes the file's shape (its batch) and lets each worker read the chunks it claims.
 */
export function splitPlan(
	task: NormalizeTask,
	at: Pick<SplitPool, 'threadCount' | 'splitElements'>,
): { task: NormalizeTask; npy?: SplitTask['npy'] } | undefined {
	if (
		at.threadCount < 2 ||
		task.backend === 'js' ||
		task.gamma ||
		task.beta ||
		task.views ||
		!simdSupported()
	) {
		return undefined;
	}
	let npy: SplitTask['npy'];
	if (task.npyPath) {
		try {
			const info = readNpyInfo(task.npyPath);
			const itemBytes = Number(info.descr.slice(2));
			const n = info.shape.reduce((p, d) => p * d, 1);
			const sameLayer =
				info.shape.length === task.shape.length &&
				info.shape.every((d, i) => i === 0 || d === task.shape[i]);
			if (
				(info.fortran && info.shape.length > 1) ||
				!sameLayer ||
				info.fileBytes < info.dataOffset + n * itemBytes
			) {
				return undefined;
			}
			npy = {
				path: task.npyPath,
				descr: info.descr,
				dataOffset: info.dataOffset,
				itemBytes,
			};
			task = { ...task, shape: info.shape };
		} catch {
			return undefined;
		}
	}
	if (!Array.isArray(task.shape) || task.shape.some((d) => !Number.isInteger(d) || d < 1)) {
		return undefined;
	}
	const total = task.shape.reduce((p, d) => p * d, 1);
	if (total < at.splitElements || total > task.maxElements) {
		return undefined;
	}
	const layout = reductionLayout(task.shape, task.reducedAxes, task.channelGroups);
	return layout.block !== null && layout.groups > 0 && layout.groups <= SPLIT_MAX_GROUPS
		? { task, npy }
		: undefined;
}

/**
 * The split run; `undefined` when the data has NaN / Inf (the single task counts them exactly).
 * One round, one task per worker: the workers claim chunks to generate and reduce, merge every
 * chunk's partials once all are reduced, and normalize chunks, binning the histograms as they go
 * (src/engine/slabs.ts).
 */
export async function runSplit(
	task: NormalizeTask,
	at: SplitPool,
	npy?: SplitTask['npy'],
): Promise<NormalizeResult | undefined> {
	const started = performance.now();
	const memory = at.memory;
	const total = task.shape.reduce((p, d) => p * d, 1);
	const layout = reductionLayout(task.shape, task.reducedAxes, task.channelGroups);
	const g = layout.groups;
	const inner = (layout.block as { inner: number }).inner;
	const unit = inner === 1 ? g : inner;
	const workers = Math.min(at.threadCount, total / unit);
	const plan = chunkPlan(total, unit, g, workers);
	const arena = new Arena(memory, at.reservedTop);
	// The tensor, normalized in place (src/engine/slabs.ts), and x's histogram samples.
	const x = arena.f32(total);
	const stride = histogramStride(total);
	const samples = arena.f32(Math.ceil(total / stride));
	// A private work area per task for the kernels' accumulators (sized for the largest chunk).
	const chunkPlanes = inner === 1 ? 0 : Math.ceil(plan.units / plan.chunks);
	const work = Array.from(
		{ length: workers },
		() => arena.f32(65536 + 16 * (g + chunkPlanes)).byteOffset,
	);
	// The run's meeting point, zeroed: the arena re-uses memory from earlier runs.
	const control = { at: arena.f32(controlBytes(plan, g) / 4).fill(0).byteOffset };
	const base: Omit<SplitTask, 'work'> = {
		shape: task.shape,
		reducedAxes: task.reducedAxes,
		x: x.byteOffset,
		samples: { at: samples.byteOffset, stride },
		seed: task.seed,
		distribution: task.distribution,
		sampleFeatureAxis: task.sampleFeatureAxis,
		channelGroups: task.channelGroups,
		mode: task.mode,
		momentum: task.momentum,
		epsilon: task.epsilon,
		cancel: task.cancel,
		progress: task.progress,
		npy,
		plan,
		control,
	};
	const endAnswers = answerLatePeers(memory, control);
	const runs = work.map((w) =>
		runTask<SplitForward>(at.pool, { ...base, work: w }, 'splitForwardTask'),
	);
	let forward: SplitForward[];
	try {
		forward = await Promise.all(runs);
	} catch (e) {
		// A worker that failed or died must not leave the others waiting for its chunks, nor let
		// them write into memory that the next run re-uses: release and stop them, and wait.
		abortRun(memory, control);
		if (task.cancel) {
			Atomics.store(new Int32Array(task.cancel), 0, 1);
		}
		// The worker that failed first says why; its peers only say that a peer failed.
		throw failureCause(await Promise.allSettled(runs), e);
	} finally {
		endAnswers();
	}
	if (forward.some((p) => !p.finite)) {
		return undefined;
	}
	const t1 = performance.now();
	// The host merges the chunks' partials in chunk order, as the workers did: the same μ and σ².
	const chunks = chunkResults(memory, control, plan, g);
	const before = mergePartials(chunks.before, g);
	const after = mergePartials(chunks.after, g);
	const xMin = chunks.min;
	const xMax = chunks.max;
	const { min: yMin, max: yMax } = centredExtremes(xMin, xMax, forward[0].centred);
	// The ranges the workers binned over, found from the same extremes as they found them.
	const ranges = histogramRanges(chunks, { min: yMin, max: yMax });
	const t2 = performance.now();
	const slowest = (key: keyof SplitForward['ms']) => Math.max(...forward.map((p) => p.ms[key]));
	const result = runResult(task, layout, {
		before: { mean: before.mean, variance: before.variance, min: xMin, max: xMax },
		after: { mean: after.mean, variance: after.variance, min: yMin, max: yMax },
		histogramBefore: mergedHistogram(forward, 'x', ranges.x),
		histogramAfter: mergedHistogram(forward, 'y', ranges.y),
		nonFinite: new Array<number>(g).fill(0),
		backend: `wasm-simd ×${workers} workers`,
		elapsedMs: performance.now() - started,
		phases: {
			input: slowest('input'),
			stats: slowest('stats'),
			normalize: slowest('normalize'),
			statsAfter: slowest('extras') + (t2 - t1),
		},
	});
	return result;
}
