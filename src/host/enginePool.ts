// The host side of the engine, shared by the extension and the CLI: the pool (EnginePool), its
// dispatch rules, its pool-wide memory and pool tensors; split runs and simulations have their own files.
/// <reference path="../engine/wasm/webassembly.d.ts" />
import * as os from 'os';
import { Piscina } from 'piscina';
import { Arena, RETAINED_MEMORY_BYTES } from '../engine/kernels/arena';
import { reductionLayout } from '../engine/kernels/layout';
import { simdSupported, WasmKernels } from '../engine/kernels/normalizeWasm';
import { abortRun, answerLatePeers, chunkPlan, controlBytes, failureCause } from '../engine/slabs';
import { progressUnits } from '../engine/progress';
import { RunCancelled } from '../protocol/engineErrors';
import type { ResidentResult, ResidentTask } from '../protocol/engineTasks';
import type {
	NormalizeResult,
	NormalizeTask,
	SimulateResult,
	SimulateTask,
} from '../protocol/engineProtocol';
import { NormalizeKernel } from '../protocol/engineProtocol';
import { clampMaxThreads } from './engineLimits';
import { readNpyInfo } from './npyInfo';
import { poolError, runTask, WorkerSlots } from './poolTasks';
import { simulateProblem, simulateSteps, simulationUnits } from './simulateRun';
import { runSplit, splitPlan, SPLIT_MAX_GROUPS } from './splitRun';

export { MAX_SIMULATED_STEPS, simulateProblem } from './simulateRun';

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

/** Idle workers are retired after this long (their memory is returned); the next run starts new ones. */
export const IDLE_TIMEOUT_MS = 5_000;

/** The shape in a .npy file's header, or `undefined` if it cannot be read (the run will say why). */
function npyShape(file: string): number[] | undefined {
	try {
		return readNpyInfo(file).shape;
	} catch {
		return undefined;
	}
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
			const plan = splitPlan(task, {
				threadCount: this.threadCount,
				splitElements: this.splitElements,
			});
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
				const r = await runSplit(
					{ ...plan.task, cancel, progress },
					{
						pool,
						threadCount: this.threadCount,
						splitElements: this.splitElements,
						memory: this.memory as WebAssembly.Memory,
						reservedTop: this.reservedTop,
					},
					plan.npy,
				);
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
			if (progress && onProgress) {
				// Progress counts generated values: the K steps' batches, then the noise study's.
				const units = simulationUnits(task);
				const counter = new Int32Array(progress);
				poll = setInterval(
					() => onProgress(Math.min(1, Atomics.load(counter, 0) / Math.max(1, units))),
					this.progressPollMs,
				);
			}
			return await simulateSteps(task, { pool, workers, cancel, progress, started });
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
				const r = await runTask<ResidentResult>(
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
				runTask<ResidentResult>(
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
