/// <reference path="../engine/wasm/webassembly.d.ts" />
import * as os from 'os';
import { Piscina } from 'piscina';
import { Arena } from '../engine/kernels/arena';
import { reductionLayout } from '../engine/kernels/layout';
import { simdSupported } from '../engine/kernels/normalizeWasm';
import { deviations, evalMode, finiteRange, histogramStride, runningUpdate, statisticsFor } from '../engine/result';
import type { SlabHistograms, SlabStats } from '../engine/engineWorker';
import type { NormalizeResult, NormalizeTask } from '../protocol/engineProtocol';
import { NormalizeKernel } from '../protocol/engineProtocol';

/** Tensors from this size up are split among the workers (below it one task is faster). */
const SPLIT_ELEMENTS = 1 << 20;

/** Chan's parallel merge of per-group (count, mean, M2, min, max) partials, in float64. */
export function mergeSlabs(parts: SlabStats[], groups: number) {
	const n = new Float64Array(groups);
	const mean = new Float64Array(groups);
	const m2 = new Float64Array(groups);
	const min = new Float64Array(groups).fill(Infinity);
	const max = new Float64Array(groups).fill(-Infinity);
	for (const p of parts) {
		for (let c = 0; c < groups; c++) {
			const nb = p.counts[c];
			if (nb === 0) {
				continue;
			}
			const na = n[c];
			const total = na + nb;
			const delta = p.mean[c] - mean[c];
			mean[c] += (delta * nb) / total;
			m2[c] += p.m2[c] + (delta * delta * na * nb) / total;
			n[c] = total;
			min[c] = Math.min(min[c], p.min[c]);
			max[c] = Math.max(max[c], p.max[c]);
		}
	}
	const variance = m2.map((v, c) => (n[c] > 0 ? v / n[c] : NaN));
	return { n, mean, variance, min, max };
}

/** The slabs' histogram counts added up (a constant tensor gets an empty histogram, as in one task). */
function mergedHistogram(parts: SlabHistograms[], key: 'histX' | 'histY', [lo, hi]: [number, number], bins: number): NormalizeResult['histogramBefore'] {
	const counts = new Array<number>(bins).fill(0);
	if (hi > lo) {
		for (const p of parts) {
			p[key].forEach((n, i) => (counts[i] += n));
		}
	}
	return { lo, hi, counts };
}

/**
 * Host side of the engine, shared by the extension and the CLI: owns the Piscina pool, started
 * lazily on first use. Piscina's defaults (idle timeout "immediate", 1.5 × cores) would let workers
 * die between uses, so both are set explicitly. Large tensors live in one shared WebAssembly.Memory
 * handed to every worker, and are processed in slabs by all workers at once: round 1 generates and
 * reduces each slab, the host merges the partial statistics (Chan), round 2 normalizes each slab.
 */
export class EnginePool {
	private pool: Piscina | undefined;
	private memory: WebAssembly.Memory | undefined;
	private threadCount = 1;
	/** Split runs share one memory layout: they run one after another. */
	private splitQueue: Promise<unknown> = Promise.resolve();

	constructor(
		private readonly workerFile: string,
		private readonly maxThreads = 0,
	) {}

	private get piscina(): Piscina {
		if (!this.pool) {
			this.threadCount = this.maxThreads > 0 ? this.maxThreads : Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 8));
			this.memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
			this.pool = new Piscina({ filename: this.workerFile, minThreads: this.threadCount, maxThreads: this.threadCount, idleTimeout: 60_000, workerData: { memory: this.memory } });
		}
		return this.pool;
	}

	/**
	 * Runs a normalization task. Cancelling stops a queued task at once and a running one
	 * cooperatively: the worker polls a shared flag between chunks, so it stops within tens of
	 * milliseconds without killing its thread. A worker that dies fails this task only; Piscina starts
	 * a new thread for the next one.
	 */
	async normalize(task: NormalizeTask, signal?: AbortSignal): Promise<NormalizeResult> {
		const cancel = new SharedArrayBuffer(4);
		const onAbort = () => Atomics.store(new Int32Array(cancel), 0, 1);
		signal?.addEventListener('abort', onAbort, { once: true });
		try {
			const pool = this.piscina;
			const split = this.splittable(task);
			if (split) {
				const run = this.splitQueue.then(() => this.runSplit({ ...task, cancel }, pool));
				this.splitQueue = run.catch(() => undefined);
				const r = await run;
				if (r) {
					return r;
				}
			}
			return (await pool.run({ ...task, cancel }, { name: 'normalize' })) as NormalizeResult;
		} catch (e) {
			const err = e as Error;
			if (err.name === 'AbortError' || signal?.aborted) {
				throw new Error('The run was cancelled.');
			}
			if (/terminated|exited|worker/i.test(err.message) && !/Cannot|shape|limit|npy/i.test(err.message)) {
				throw new Error(`The engine worker stopped unexpectedly (${err.message}); the next run starts a new one.`);
			}
			throw new Error(err.message.replace(/^Error: /, ''));
		} finally {
			signal?.removeEventListener('abort', onAbort);
		}
	}

	private splittable(task: NormalizeTask): boolean {
		if (this.threadCount < 2 || task.backend === 'js' || task.npyPath || task.channelGroups || task.gamma || task.beta || !simdSupported()) {
			return false;
		}
		if (!Array.isArray(task.shape) || task.shape.some((d) => !Number.isInteger(d) || d < 1)) {
			return false;
		}
		const total = task.shape.reduce((p, d) => p * d, 1);
		if (total < SPLIT_ELEMENTS || total > task.maxElements) {
			return false;
		}
		const layout = reductionLayout(task.shape, task.reducedAxes);
		return layout.block !== null && layout.groups > 0;
	}

	/** The two-round slab run; `undefined` when the data has NaN / Inf (the single task counts them exactly). */
	private async runSplit(task: NormalizeTask, pool: Piscina): Promise<NormalizeResult | undefined> {
		const started = performance.now();
		const memory = this.memory as WebAssembly.Memory;
		const total = task.shape.reduce((p, d) => p * d, 1);
		const layout = reductionLayout(task.shape, task.reducedAxes);
		const inner = (layout.block as { inner: number }).inner;
		const unit = inner === 1 ? layout.groups : inner;
		const units = total / unit;
		const workers = Math.min(this.threadCount, units);
		const arena = new Arena(memory);
		const x = arena.f32(total);
		const y = arena.f32(total);
		const slabs = Array.from({ length: workers }, (_, w) => {
			const from = Math.floor((units * w) / workers) * unit;
			const to = Math.floor((units * (w + 1)) / workers) * unit;
			const planes = inner === 1 ? 0 : (to - from) / inner;
			// A private work area per slab for the kernels' accumulators (sized generously).
			const work = arena.f32(65536 + 16 * (layout.groups + planes)).byteOffset;
			return { from, to, work };
		});
		const base = { shape: task.shape, reducedAxes: task.reducedAxes, x: x.byteOffset, y: y.byteOffset, seed: task.seed, distribution: task.distribution, sampleFeatureAxis: task.sampleFeatureAxis, epsilon: task.epsilon, cancel: task.cancel };
		const t0 = performance.now();
		const round1 = (await Promise.all(slabs.map((s) => pool.run({ ...base, ...s }, { name: 'slabGenerateStats' })))) as SlabStats[];
		if (round1.some((p) => !p.finite)) {
			return undefined;
		}
		const before = mergeSlabs(round1, layout.groups);
		const used = statisticsFor(task, before);
		const a = Array.from(used.variance, (v) => 1 / Math.sqrt(v + task.epsilon));
		const b = Array.from(used.mean, (m, c) => -m * a[c]);
		const t1 = performance.now();
		const round2 = (await Promise.all(slabs.map((s) => pool.run({ ...base, ...s, a, b }, { name: 'slabNormalizeStats' })))) as SlabStats[];
		const after = mergeSlabs(round2, layout.groups);
		// Round 1 is the bare statistics pass: x's extremes come from round 2, and y's follow from
		// them exactly, since the kernel's y = fl(fl(x·a) + b) (a, b in float32) is monotonic in x.
		before.min.fill(Infinity);
		before.max.fill(-Infinity);
		for (const p of round2) {
			p.xMin?.forEach((v, c) => (before.min[c] = Math.min(before.min[c], v)));
			p.xMax?.forEach((v, c) => (before.max[c] = Math.max(before.max[c], v)));
		}
		const yAt = (v: number, c: number) => Math.fround(Math.fround(v * Math.fround(a[c])) + Math.fround(b[c]));
		after.min = before.min.map((v, c) => (a[c] >= 0 ? yAt(v, c) : yAt(before.max[c], c)));
		after.max = before.max.map((v, c) => (a[c] >= 0 ? yAt(v, c) : yAt(before.min[c], c)));
		// Round 3 bins the histograms in the workers, over the ranges now known.
		const bins = 64;
		const xRange = finiteRange(before.min, before.max);
		const yRange = finiteRange(after.min, after.max);
		const hist = { stride: histogramStride(total), bins, x: xRange, y: yRange };
		const round3 = (await Promise.all(slabs.map((s) => pool.run({ ...base, ...s, hist }, { name: 'slabHistograms' })))) as SlabHistograms[];
		const t3 = performance.now();
		const std = (v: Float64Array) => v.map(Math.sqrt);
		const afterStd = std(after.variance);
		const result: NormalizeResult = {
			kernel: NormalizeKernel,
			shape: task.shape,
			features: layout.groups,
			groupSize: layout.groupSize,
			before: { mean: before.mean, std: std(before.variance), min: before.min, max: before.max },
			after: { mean: after.mean, std: afterStd, min: after.min, max: after.max },
			histogramBefore: mergedHistogram(round3, 'histX', xRange, bins),
			histogramAfter: mergedHistogram(round3, 'histY', yRange, bins),
			nonFinite: new Array<number>(layout.groups).fill(0),
			running: evalMode(task) ? null : runningUpdate(task.momentum, before.mean, before.variance, layout.groupSize),
			...deviations(after.mean, afterStd),
			backend: `wasm-simd ×${workers} workers`,
			elapsedMs: performance.now() - started,
			phases: { input: t1 - t0 - Math.max(...round1.map((p) => p.ms)), stats: Math.max(...round1.map((p) => p.ms)), normalize: Math.max(...round2.map((p) => p.ms)), statsAfter: t3 - t1 - Math.max(...round2.map((p) => p.ms)) },
		};
		return result;
	}

	get started(): boolean {
		return this.pool !== undefined;
	}

	/** The pool's threads (for diagnostics and the pool's own tests). */
	get threads(): readonly { terminate(): Promise<number> }[] {
		return this.pool?.threads ?? [];
	}

	async dispose(): Promise<void> {
		const p = this.pool;
		this.pool = undefined;
		await p?.destroy();
	}
}
