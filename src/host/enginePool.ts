/// <reference path="../engine/wasm/webassembly.d.ts" />
import * as os from 'os';
import { Piscina } from 'piscina';
import { Arena, RETAINED_MEMORY_BYTES } from '../engine/kernels/arena';
import { reductionLayout } from '../engine/kernels/layout';
import { simdSupported, WasmKernels } from '../engine/kernels/normalizeWasm';
import {
	centredExtremes,
	deviations,
	evalMode,
	guarantees,
	histogramRanges,
	histogramStride,
	HISTOGRAM_BINS,
	runningUpdate,
} from '../engine/result';
import { isTaskFailure, RunCancelled, taskError, WorkerStopped } from '../protocol/engineErrors';
import type {
	ResidentTask,
	SplitForward,
	SplitTask,
	StepsResult,
	StepsTask,
} from '../engine/engineWorker';
import {
	batchNoise,
	NO_DRIFT,
	noiseSeed,
	StepStatistics,
	trainingSteps,
} from '../engine/simulation';
import {
	abortRun,
	answerLatePeers,
	chunkPlan,
	chunkResults,
	controlBytes,
	failureCause,
	mergePartials,
} from '../engine/slabs';
import { PROGRESS_UNIT, progressUnits } from '../engine/progress';
import { clampMaxThreads } from './engineLimits';
import { readNpyInfo } from './npyInfo';
import type {
	BatchNoise,
	Drift,
	NormalizeResult,
	NormalizeTask,
	SimulateResult,
	SimulateTask,
} from '../protocol/engineProtocol';
import { NOISE_BATCH_SIZES, NormalizeKernel, SimulateKernel } from '../protocol/engineProtocol';

/** How often a run's progress counter is read (the notification needs no finer steps). */
const PROGRESS_POLL_MS = 100;

/**
 * Sample runs from this size up are split among the workers. Measured with `npm run bench`
 * (BENCHMARKS.md, "Dispatch"): a pool of one worker against the split run, per size, in five runs —
 * at 1 Mi elements (where it used to start) the split run was 0.67–1.12× one worker (median 0.75×),
 * at 4 Mi 0.96–1.61× (median 1.15×), at 8 Mi 5.4–9.3× (one task outgrows the memory a worker keeps
 * between runs and re-commits it every run).
 */
export const SPLIT_ELEMENTS = 1 << 22;

/**
 * A forward on a pool tensor (EnginePool.forward) is split from this size up. Its input is already
 * in memory, written by another thread, and only statistics and the normalize pass remain: the split
 * round was slower than one task up to 512 Ki elements in every run, mixed from 1 to 4 Mi, and
 * faster at 8 Mi in 13 of 14 measurements (BENCHMARKS.md, "Dispatch").
 */
export const FORWARD_SPLIT_ELEMENTS = 1 << 23;

/**
 * Layouts with more groups than this stay one task: every chunk of a split run publishes 8 float64
 * per group (src/engine/slabs.ts), 8 MiB for two chunks at this count (LayerNorm over a few features
 * of many samples has a group per sample).
 */
const SPLIT_MAX_GROUPS = 1 << 16;

/** Idle workers are retired after this long (their memory is returned); the next run starts new ones. */
export const IDLE_TIMEOUT_MS = 5_000;

/**
 * One task on the pool, by its boundary entry point (engineWorker's `…Task`): its result, or a
 * typed error — the task's own failure (EngineRefusal, RunCancelled, PeerFailed), returned as
 * data across the worker boundary, or WorkerStopped when the worker did not answer at all.
 */
async function runTask<T>(pool: Piscina, arg: unknown, name: string): Promise<T> {
	let r: unknown;
	try {
		r = await pool.run(arg, { name });
	} catch (e) {
		const err = e as Error;
		throw err.name === 'AbortError' ? new RunCancelled() : new WorkerStopped(err.message);
	}
	if (isTaskFailure(r)) {
		throw taskError(r);
	}
	return r as T;
}

interface Waiter {
	n: number;
	grant: () => void;
	fail: (e: Error) => void;
	signal?: AbortSignal;
	onAbort?: () => void;
}

/**
 * The pool's workers as slots, handed out in order of request. A task reaches Piscina only once it
 * holds a slot, so Piscina's own queue stays empty and a queued task is one waiting here: aborting
 * it removes it at once (Piscina's semantics), without waiting for a free worker, and without the
 * worker termination that Piscina's abort of a running task would bring (a running task stops
 * cooperatively instead).
 */
class WorkerSlots {
	private free: number;
	private readonly waiting: Waiter[] = [];

	constructor(private readonly capacity: number) {
		this.free = capacity;
	}

	/** Tasks waiting for a slot. */
	get queued(): number {
		return this.waiting.length;
	}

	/** Waits for `n` slots (at most all); resolves to their release. Rejects with an AbortError at once if `signal` is or becomes aborted first. */
	acquire(n: number, signal?: AbortSignal): Promise<() => void> {
		n = Math.min(n, this.capacity);
		if (signal?.aborted) {
			return Promise.reject(new RunCancelled());
		}
		return new Promise((resolve, reject) => {
			let released = false;
			const release = () => {
				if (!released) {
					released = true;
					this.free += n;
					this.pump();
				}
			};
			const w: Waiter = { n, signal, grant: () => resolve(release), fail: reject };
			if (signal) {
				w.onAbort = () => {
					const i = this.waiting.indexOf(w);
					if (i >= 0) {
						this.waiting.splice(i, 1);
						reject(new RunCancelled());
						// A large request at the head may have held back smaller ones behind it.
						this.pump();
					}
				};
				signal.addEventListener('abort', w.onAbort, { once: true });
			}
			this.waiting.push(w);
			this.pump();
		});
	}

	/** Fails every waiting task (the pool is closing). */
	close(): void {
		for (const w of this.waiting.splice(0)) {
			if (w.onAbort) {
				w.signal?.removeEventListener('abort', w.onAbort);
			}
			w.fail(new Error('The engine pool was closed.'));
		}
	}

	private pump(): void {
		while (this.waiting.length > 0 && this.free >= this.waiting[0].n) {
			const w = this.waiting.shift() as Waiter;
			this.free -= w.n;
			if (w.onAbort) {
				w.signal?.removeEventListener('abort', w.onAbort);
			}
			w.grant();
		}
	}
}

/** The shape in a .npy file's header, or `undefined` if it cannot be read (the run will say why). */
function npyShape(file: string): number[] | undefined {
	try {
		return readNpyInfo(file).shape;
	} catch {
		return undefined;
	}
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

/** A tensor in the pool's shared memory (EnginePool.allocate). */
export interface PoolTensor {
	data: Float32Array;
	release(): void;
}

/** What EnginePool.forward normalizes: the layout, ε, and the statistics of an inference forward. */
export interface ForwardSpec {
	shape: number[];
	reducedAxes: number[];
	channelGroups?: { axis: number; count: number };
	epsilon: number;
	statistics?: { mean: Float64Array; variance: Float64Array };
	/** `one` task or a `split` round; `auto` (default) is the product's rule (SPLIT_ELEMENTS). */
	dispatch?: 'auto' | 'one' | 'split';
}

/** What a failed run says: cancelled, a worker that died (the next run starts a new one), or the engine's own refusal. */
function poolError(err: Error, signal?: AbortSignal): Error {
	return err instanceof RunCancelled || signal?.aborted ? new RunCancelled() : err;
}

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

/**
 * Host side of the engine, shared by the extension and the CLI: owns the Piscina pool, started
 * lazily on first use, with at most one thread per core (a setting asking for more is clamped).
 * Workers start on demand and retire after `IDLE_TIMEOUT_MS` idle, returning their memory. Large tensors live in one shared WebAssembly.Memory
 * handed to every worker, and are processed by all workers at once in chunks they claim, in one
 * round that generates, reduces, normalizes in place and bins the histograms (src/engine/slabs.ts).
 */
export class EnginePool {
	private pool: Piscina | undefined;
	private memory: WebAssembly.Memory | undefined;
	private threadCount = 1;
	/** Who runs next: single tasks take one slot; split runs take them all (they share one memory layout). */
	private slots: WorkerSlots | undefined;
	/** Runs between their start and their end; the pool memory is only dropped when none is. */
	private inFlight = 0;
	/** Pool tensors not yet released (allocate): the memory is kept while any is held. */
	private held = 0;
	/** First byte the runs' arenas may use: the pool tensors lie below it. */
	private reservedTop = 64;
	private recycleTimer: ReturnType<typeof setTimeout> | undefined;

	/**
	 * @param maxThreads worker threads; 0: one per core up to 8; more than the cores: the cores.
	 * @param progressPollMs how often a run's progress counter is read (tests read it more often).
	 * @param idleTimeoutMs how long an idle worker lives.
	 */
	constructor(
		private readonly workerFile: string,
		private readonly maxThreads = 0,
		private readonly progressPollMs = PROGRESS_POLL_MS,
		private readonly idleTimeoutMs = IDLE_TIMEOUT_MS,
		/** Sample runs from this size up are split (SPLIT_ELEMENTS; the pool's own tests lower it to split small tensors). */
		private readonly splitElements = SPLIT_ELEMENTS,
	) {}

	private get piscina(): Piscina {
		if (!this.pool) {
			const threads = clampMaxThreads(this.maxThreads);
			this.threadCount =
				threads > 0
					? threads
					: Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 8));
			this.memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
			this.slots = new WorkerSlots(this.threadCount);
			this.pool = new Piscina({
				filename: this.workerFile,
				minThreads: 0,
				maxThreads: this.threadCount,
				idleTimeout: this.idleTimeoutMs,
				workerData: { memory: this.memory },
			});
		}
		return this.pool;
	}

	/**
	 * Runs a normalization task. As in Piscina, a signal already aborted rejects at once with an
	 * AbortError (the task reaches no worker), and aborting a queued task rejects it at once and
	 * takes it out of the queue. A running one stops cooperatively: the worker polls a shared flag
	 * between chunks, so it stops within tens of milliseconds without killing its thread. A worker
	 * that dies fails this task only; Piscina starts a new thread for the next one.
	 */
	async normalize(
		task: NormalizeTask,
		signal?: AbortSignal,
		onProgress?: (fraction: number) => void,
	): Promise<NormalizeResult> {
		if (signal?.aborted) {
			throw new RunCancelled();
		}
		this.inFlight++;
		clearTimeout(this.recycleTimer);
		const cancel = new SharedArrayBuffer(4);
		const onAbort = () => Atomics.store(new Int32Array(cancel), 0, 1);
		signal?.addEventListener('abort', onAbort, { once: true });
		// Progress: the workers count finished work in a shared Int32; polled here, so a busy worker
		// sends nothing (src/engine/progress.ts).
		const progress = onProgress ? new SharedArrayBuffer(4) : undefined;
		let poll: ReturnType<typeof setInterval> | undefined;
		let release: (() => void) | undefined;
		try {
			const pool = this.piscina;
			const plan = this.splitPlan(task);
			release = await (this.slots as WorkerSlots).acquire(
				plan ? this.threadCount : 1,
				signal,
			);
			if (progress && onProgress) {
				// A .npy run's batch is the file's: the split plan has read it, a single task does.
				const shape =
					plan?.task.shape ??
					(task.npyPath ? npyShape(task.npyPath) : undefined) ??
					task.shape;
				const units = Array.isArray(shape)
					? progressUnits(shape.reduce((p, d) => p * d, 1))
					: 1;
				const counter = new Int32Array(progress);
				let last = -1;
				poll = setInterval(() => {
					const fraction = Math.min(1, Atomics.load(counter, 0) / units);
					if (fraction !== last) {
						last = fraction;
						onProgress(fraction);
					}
				}, this.progressPollMs);
			}
			if (plan) {
				const r = await this.runSplit({ ...plan.task, cancel, progress }, pool, plan.npy);
				if (r) {
					return r;
				}
				if (progress) {
					// The split run gave way to one task (NaN / Inf): count afresh.
					Atomics.store(new Int32Array(progress), 0, 0);
				}
			}
			return await runTask<NormalizeResult>(
				pool,
				{ ...task, cancel, progress },
				'normalizeTask',
			);
		} catch (e) {
			throw poolError(e as Error, signal);
		} finally {
			release?.();
			signal?.removeEventListener('abort', onAbort);
			if (poll) {
				clearInterval(poll);
			}
			if (--this.inFlight === 0) {
				this.scheduleRecycle();
			}
		}
	}

	/**
	 * Simulates K training steps of a normalization layer (SimulateTask): the steps' batches are
	 * independent, so every worker claims steps and reduces their batches (block by block, in
	 * cache); the running statistics' recurrence, which is sequential, runs here on the steps'
	 * statistics. Then the batch-noise study, the same way at each of its batch sizes. Cancels and
	 * reports progress as `normalize` does.
	 */
	async simulate(
		task: SimulateTask,
		signal?: AbortSignal,
		onProgress?: (fraction: number) => void,
	): Promise<SimulateResult> {
		if (signal?.aborted) {
			throw new RunCancelled();
		}
		const problem = simulateProblem(task);
		if (problem) {
			throw new Error(problem);
		}
		this.inFlight++;
		clearTimeout(this.recycleTimer);
		const cancel = task.cancel ?? new SharedArrayBuffer(4);
		const onAbort = () => Atomics.store(new Int32Array(cancel), 0, 1);
		signal?.addEventListener('abort', onAbort, { once: true });
		const progress = onProgress ? new SharedArrayBuffer(4) : undefined;
		let poll: ReturnType<typeof setInterval> | undefined;
		let release: (() => void) | undefined;
		try {
			const started = performance.now();
			const pool = this.piscina;
			const workers = Math.max(
				1,
				Math.min(task.workers ?? this.threadCount, this.threadCount, task.steps),
			);
			release = await (this.slots as WorkerSlots).acquire(workers, signal);
			const perBatch = task.shape.slice(1).reduce((p, d) => p * d, 1);
			const noiseSizes = task.noiseBatchSizes ?? NOISE_BATCH_SIZES;
			const noiseSteps = task.noiseSteps ?? Math.min(task.steps, 64);
			if (progress && onProgress) {
				// Progress counts generated values: the K steps' batches, then the noise study's.
				const units = Math.ceil(
					(task.steps * task.shape[0] * perBatch +
						noiseSteps * noiseSizes.reduce((p, b) => p + b, 0) * perBatch) /
						PROGRESS_UNIT,
				);
				const counter = new Int32Array(progress);
				poll = setInterval(
					() => onProgress(Math.min(1, Atomics.load(counter, 0) / Math.max(1, units))),
					this.progressPollMs,
				);
			}
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
					batchNoise(
						b,
						await runSteps(shape, noiseSeed(task.seed, b), noiseSteps, NO_DRIFT),
					),
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
		} catch (e) {
			throw poolError(e as Error, signal);
		} finally {
			release?.();
			signal?.removeEventListener('abort', onAbort);
			if (poll) {
				clearInterval(poll);
			}
			if (--this.inFlight === 0) {
				this.scheduleRecycle();
			}
		}
	}

	/**
	 * A tensor of `n` float32 in the pool's shared memory, which `forward` normalizes in place with no
	 * copy (the host writes it, the workers read it). The pool keeps its memory while a tensor is held;
	 * `release` gives the bytes back once every tensor is released.
	 */
	allocate(n: number): PoolTensor {
		if (!Number.isInteger(n) || n < 1) {
			throw new Error(`A pool tensor needs a positive integer size, got ${n}.`);
		}
		void this.piscina;
		const memory = this.memory as WebAssembly.Memory;
		const at = this.reservedTop;
		const arena = new Arena(memory, at);
		const data = arena.f32(n);
		this.reservedTop = arena.used;
		this.held++;
		clearTimeout(this.recycleTimer);
		let released = false;
		return {
			data,
			release: () => {
				if (!released) {
					released = true;
					if (--this.held === 0) {
						this.reservedTop = 64;
						if (this.inFlight === 0) {
							this.scheduleRecycle();
						}
					}
				}
			},
		};
	}

	/**
	 * The BatchNorm-style forward of a pool tensor, in place: with this batch's statistics (training;
	 * returns them) or with `spec.statistics` (inference). One task below
	 * FORWARD_SPLIT_ELEMENTS, else one round of every worker over claimed chunks (`dispatch` overrides it, for
	 * the benchmark's one-thread-versus-pool measurement). Nothing beyond the forward is computed.
	 */
	async forward(
		t: PoolTensor,
		spec: ForwardSpec,
		signal?: AbortSignal,
	): Promise<{ mean: Float64Array; variance: Float64Array } | null> {
		if (signal?.aborted) {
			throw new RunCancelled();
		}
		const total = spec.shape.reduce((p, d) => p * d, 1);
		if (total !== t.data.length) {
			throw new Error(
				`The tensor holds ${t.data.length} values, the shape (${spec.shape.join(', ')}) ${total}.`,
			);
		}
		const layout = reductionLayout(spec.shape, spec.reducedAxes, spec.channelGroups);
		if (!WasmKernels.supports(layout) || !simdSupported()) {
			throw new Error(
				'forward needs the SIMD kernels and one contiguous block of kept axes.',
			);
		}
		this.inFlight++;
		clearTimeout(this.recycleTimer);
		const cancel = new SharedArrayBuffer(4);
		const onAbort = () => Atomics.store(new Int32Array(cancel), 0, 1);
		signal?.addEventListener('abort', onAbort, { once: true });
		let release: (() => void) | undefined;
		try {
			const pool = this.piscina;
			const memory = this.memory as WebAssembly.Memory;
			const g = layout.groups;
			const inner = (layout.block as { inner: number }).inner;
			const unit = inner === 1 ? g : inner;
			const splitWanted =
				spec.dispatch === 'split' ||
				(spec.dispatch !== 'one' &&
					total >= FORWARD_SPLIT_ELEMENTS &&
					g <= SPLIT_MAX_GROUPS);
			const workers = splitWanted ? Math.min(this.threadCount, total / unit) : 1;
			release = await (this.slots as WorkerSlots).acquire(workers, signal);
			const arena = new Arena(memory, this.reservedTop);
			const base: Omit<ResidentTask, 'work'> = {
				shape: spec.shape,
				reducedAxes: spec.reducedAxes,
				channelGroups: spec.channelGroups,
				epsilon: spec.epsilon,
				x: t.data.byteOffset,
				statistics: spec.statistics,
				cancel,
			};
			if (workers < 2) {
				const work = arena.f32(
					65536 + 16 * (g + (inner === 1 ? 0 : total / inner)),
				).byteOffset;
				const r = await runTask<{ mean: Float64Array; variance: Float64Array } | null>(
					pool,
					{ ...base, work },
					'residentForwardTask',
				);
				return r && { mean: r.mean, variance: r.variance };
			}
			const plan = chunkPlan(total, unit, g, workers);
			const chunkPlanes = inner === 1 ? 0 : Math.ceil(plan.units / plan.chunks);
			const work = Array.from(
				{ length: workers },
				() => arena.f32(65536 + 16 * (g + chunkPlanes)).byteOffset,
			);
			const control = { at: arena.f32(controlBytes(plan, g) / 4).fill(0).byteOffset };
			const endAnswers = answerLatePeers(memory, control);
			const runs = work.map((w) =>
				runTask<{ mean: Float64Array; variance: Float64Array } | null>(
					pool,
					{ ...base, work: w, plan, control },
					'residentForwardTask',
				),
			);
			try {
				const parts = await Promise.all(runs);
				return parts[0] && { mean: parts[0].mean, variance: parts[0].variance };
			} catch (e) {
				abortRun(memory, control);
				Atomics.store(new Int32Array(cancel), 0, 1);
				throw failureCause(await Promise.allSettled(runs), e);
			} finally {
				endAnswers();
			}
		} catch (e) {
			throw poolError(e as Error, signal);
		} finally {
			release?.();
			signal?.removeEventListener('abort', onAbort);
			if (--this.inFlight === 0) {
				this.scheduleRecycle();
			}
		}
	}

	/** The pool's shared memory (started on first use), for the benchmark's copy baseline on the same bytes. */
	get sharedMemory(): WebAssembly.Memory {
		void this.piscina;
		return this.memory as WebAssembly.Memory;
	}

	/** The pool's threads when started (0: not yet). */
	get threadTotal(): number {
		return this.pool ? this.threadCount : 0;
	}

	/**
	 * A pool memory that a split run grew past RETAINED_MEMORY_BYTES is dropped once the pool has
	 * been idle for as long as its workers live (WebAssembly memory cannot shrink): the pool and its
	 * memory are let go, and the next run starts fresh ones.
	 */
	private scheduleRecycle(): void {
		if (this.held > 0 || (this.memory?.buffer.byteLength ?? 0) <= RETAINED_MEMORY_BYTES) {
			return;
		}
		this.recycleTimer = setTimeout(() => {
			if (this.inFlight > 0 || this.held > 0 || !this.pool) {
				return;
			}
			const p = this.pool;
			this.pool = undefined;
			this.memory = undefined;
			this.slots?.close();
			this.slots = undefined;
			p.destroy().catch(() => undefined);
		}, this.idleTimeoutMs);
		this.recycleTimer.unref?.();
	}

	/** Bytes of the pool-wide memory, 0 when the pool holds none (for the pool's own tests). */
	get poolMemoryBytes(): number {
		return this.memory?.buffer.byteLength ?? 0;
	}

	/** Bytes of one worker's own memory (single tasks); a fresh worker has none (for the pool's own tests). */
	async workerMemoryBytes(): Promise<number> {
		return (await this.piscina.run({}, { name: 'memoryBytes' })) as number;
	}

	/**
	 * The task as a split run would do it, or `undefined` when one task is the way: below the split
	 * size, the JS backend, γ / β, layouts the SIMD kernels do not cover, and .npy files that are not
	 * plain C-order arrays of this layer's shape (the single task reads those, or says what is wrong).
	 * A .npy run takes the file's shape (its batch) and lets each worker read the chunks it claims.
	 */
	private splitPlan(
		task: NormalizeTask,
	): { task: NormalizeTask; npy?: SplitTask['npy'] } | undefined {
		if (
			this.threadCount < 2 ||
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
		if (total < this.splitElements || total > task.maxElements) {
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
	private async runSplit(
		task: NormalizeTask,
		pool: Piscina,
		npy?: SplitTask['npy'],
	): Promise<NormalizeResult | undefined> {
		const started = performance.now();
		const memory = this.memory as WebAssembly.Memory;
		const total = task.shape.reduce((p, d) => p * d, 1);
		const layout = reductionLayout(task.shape, task.reducedAxes, task.channelGroups);
		const g = layout.groups;
		const inner = (layout.block as { inner: number }).inner;
		const unit = inner === 1 ? g : inner;
		const workers = Math.min(this.threadCount, total / unit);
		const plan = chunkPlan(total, unit, g, workers);
		const arena = new Arena(memory, this.reservedTop);
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
			runTask<SplitForward>(pool, { ...base, work: w }, 'splitForwardTask'),
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
		const std = (v: Float64Array) => v.map(Math.sqrt);
		const afterStd = std(after.variance);
		const slowest = (key: keyof SplitForward['ms']) =>
			Math.max(...forward.map((p) => p.ms[key]));
		const result: NormalizeResult = {
			kernel: NormalizeKernel,
			shape: task.shape,
			features: g,
			groupSize: layout.groupSize,
			before: { mean: before.mean, std: std(before.variance), min: xMin, max: xMax },
			after: { mean: after.mean, std: afterStd, min: yMin, max: yMax },
			histogramBefore: mergedHistogram(forward, 'x', ranges.x),
			histogramAfter: mergedHistogram(forward, 'y', ranges.y),
			nonFinite: new Array<number>(g).fill(0),
			running: evalMode(task)
				? null
				: runningUpdate(
						task.momentum,
						before.mean,
						before.variance,
						layout.groupSize,
						layout.keptAxes.includes(0) ? task.shape[0] : 1,
					),
			form: task.form ?? 'standardize',
			...deviations(after.mean, afterStd),
			guarantees: guarantees(
				task.form ?? 'standardize',
				after.mean,
				afterStd,
				layout.groupSize,
			),
			backend: `wasm-simd ×${workers} workers`,
			elapsedMs: performance.now() - started,
			phases: {
				input: slowest('input'),
				stats: slowest('stats'),
				normalize: slowest('normalize'),
				statsAfter: slowest('extras') + (t2 - t1),
			},
		};
		return result;
	}

	/**
	 * Starts the threads, lets V8 tier up the kernels (it optimises each wasm function once it has run
	 * a while: a channels-last run and one over planes) and commits the pool memory for tensors up to
	 * 32 MiB (the first run, 2^23 elements): a first write to fresh memory costs a page fault per
	 * 4 KiB, 10–20 ms for a 25 MB run. Failures are ignored: a real run reports them.
	 */
	async warmUp(): Promise<void> {
		const base = {
			kernel: NormalizeKernel,
			epsilon: 1e-3,
			seed: 0,
			distribution: 'normal',
			momentum: null,
			maxElements: 1 << 24,
		} as const;
		for (const task of [
			{ ...base, shape: [2048, 4096], reducedAxes: [0] },
			{ ...base, shape: [16, 64, 32, 32], reducedAxes: [0, 2, 3] },
			{ ...base, shape: [4, 16], reducedAxes: [0] },
		]) {
			try {
				await this.normalize(task);
			} catch {
				return;
			}
		}
	}

	get started(): boolean {
		return this.pool !== undefined;
	}

	/** Tasks waiting for a worker (for the pool's own tests). */
	get queued(): number {
		return this.slots?.queued ?? 0;
	}

	/** Tasks the workers have finished, failed ones included (for the pool's own tests). */
	get completed(): number {
		return this.pool?.completed ?? 0;
	}

	/** The pool's threads (for diagnostics and the pool's own tests). */
	get threads(): readonly { terminate(): Promise<number> }[] {
		return this.pool?.threads ?? [];
	}

	async dispose(): Promise<void> {
		clearTimeout(this.recycleTimer);
		const p = this.pool;
		this.pool = undefined;
		this.slots?.close();
		this.slots = undefined;
		await p?.destroy();
	}
}
