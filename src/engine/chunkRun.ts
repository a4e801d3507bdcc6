// The workers' side of a split run's round (src/engine/slabs.ts has the layout and the why): claim,
// produce and reduce chunks, meet at the barrier, merge, and normalize in place with the panel's extras.
/// <reference path="./wasm/webassembly.d.ts" />
import { PeerFailed } from '../protocol/engineErrors';
import type { ChunkControl, ChunkPlan, SplitForward } from '../protocol/engineTasks';
import type { Arena } from './kernels/arena';
import type { ReductionLayout } from './kernels/layout';
import type { Centred } from './kernels/normalizeJs';
import type { WasmKernels } from './kernels/normalizeWasm';
import { binCounts, centredExtremes, HISTOGRAM_BINS, histogramRanges } from './result';
import {
	ABORT,
	ARRIVED,
	CLAIM_NORMALIZE,
	CLAIM_STATS,
	chunkRange,
	chunkSlots,
	countersOf,
	COUNTER_BYTES,
	DONE_STATS,
	HELP,
	HELPED,
	mergePartials,
	planeAt,
	publish,
	abortRun,
	chunkResults,
} from './slabs';

/** How often a worker waiting for the others' chunks looks at the cancel and abort flags. */
const WAIT_POLL_MS = 5;

/**
 * How long a worker waiting for the others' last chunks polls before it sleeps. The wait is
 * normally at most one chunk's reduction (~0.2 ms). A worker that sleeps in Atomics.wait is woken
 * by the peer that finishes the last chunk, and on this kind of VM the kernel often queues the
 * woken thread on the waker's busy CPU: measured, the sleeper woke 2–5 ms later, after its peer had
 * normalized every chunk alone. Polling keeps it on its own CPU.
 */
const SPIN_MS = 1;

/**
 * A late peer. On this 2-vCPU VM the kernel now and then queues the second worker the host wakes
 * behind the first on one vCPU while the other idles, and it stays there until the first has done
 * every chunk alone (2 ms on 25.7 MB; docs/benchmarks-journal.md has the scheduler trace). A worker that has
 * reduced its first chunk while a peer has not arrived therefore asks the host to wake it (HELP)
 * and sleeps: the queued peer runs where it waited, and the host's wake-up, sent from the idle
 * vCPU, usually places the sleeper there. A wake-up from the busy vCPU — the peer's, or the
 * sleeper's own timeout — places it behind the peer again (traced), so the peer does not wake it.
 * If the host does not answer (busy), the worker goes on after this long.
 */
const PEER_YIELD_MS = 0.5;

/** How long a worker waits for chunks that another worker claimed and never finished (a lost worker). */
const WAIT_TIMEOUT_MS = 30_000;

/** What one worker did in a split run's forward: what it returns to the host (SplitForward), with the merged statistics and m, a, b as it computed them. */
export type ChunkedForward = Omit<SplitForward, 'centred'> & {
	merged: ReturnType<typeof mergePartials>;
	/** y = (x − m)·a + b per group, as the chunks were normalized (empty when not finite). */
	centred: Centred;
};

/** Histogram counts that a worker adds to while it normalizes, over ranges known at the barrier. */
interface ChunkHistograms {
	x: [number, number];
	y: [number, number];
	countsX: Float64Array;
	countsY: Float64Array;
}

/** One worker's view of a split run: its kernels, the layout, the whole tensor (x, normalized in place into y), its work area, the chunks and where they meet. */
export interface ChunkRun {
	k: WasmKernels;
	layout: ReductionLayout;
	x: Float32Array;
	/** Where y goes when not into x: only the benchmark's out-of-place comparison. */
	y?: Float32Array;
	arena: Arena;
	plan: ChunkPlan;
	control: ChunkControl;
}

/**
 * What the panel shows beyond the forward: with `extras`, each chunk publishes x's extremes (with its
 * statistics) and y's statistics, read while the chunk is still in cache; with `samples`, x's every
 * `stride`-th element (of the whole tensor) is kept in `into` (element i at i / stride), since y
 * overwrites x; with both, each worker also bins those samples of x and y's every `stride`-th
 * element of the chunks it normalizes, over the ranges that x's extremes give at the barrier.
 *
 * Why the histograms are binned in the forward rather than in a second round over the finished
 * tensor: that round's two tasks cost 4–29 ms in the extension host (its thread and the workbench
 * busy with the run's notification and panel; docs/benchmarks-journal.md), against well under a millisecond of
 * binning.
 */
export interface ChunkExtras {
	extras: boolean;
	samples?: { stride: number; into: Float32Array };
}

/**
 * One worker's part of a split run's forward, in place. `x` is the whole tensor; `produce` fills a
 * claimed chunk of x first (the seeded sample or a .npy read; omitted when x is already there);
 * `centre` turns the merged statistics into y = (x − m)·a + b's per-group m, a, b; `check` throws when the run
 * is cancelled. Every pass over a chunk is counted with `advance`.
 */
export function forwardChunks(
	run: ChunkRun,
	opts: ChunkExtras & {
		produce?: (from: number, chunk: Float32Array) => void;
		centre: (merged: { mean: Float64Array; variance: Float64Array }) => Centred;
		check: () => void;
		advance?: (elements: number) => void;
		/** How long to wait for the host's wake-up when a peer is late (tests); PEER_YIELD_MS by default. */
		latePeerWaitMs?: number;
	},
): ChunkedForward {
	const { k, layout, x, arena, plan, control } = run;
	const memory = k.memory;
	const g = layout.groups;
	const counters = countersOf(memory, control);
	const advance = opts.advance ?? (() => undefined);
	const ms = { input: 0, stats: 0, extras: 0 };
	const reduced: number[] = [];
	let latePeer: ChunkedForward['latePeer'];
	Atomics.add(counters, ARRIVED, 1);
	// Phase 1: produce and reduce claimed chunks.
	for (;;) {
		if (reduced.length === 1) {
			latePeer = yieldToLatePeer(counters, plan, opts.latePeerWaitMs ?? PEER_YIELD_MS);
		}
		const c = Atomics.add(counters, CLAIM_STATS, 1);
		if (c >= plan.chunks) {
			break;
		}
		try {
			if (Atomics.load(counters, ABORT) !== 0) {
				throw new PeerFailed();
			}
			opts.check();
			const [from, to] = chunkRange(plan, c);
			const xc = x.subarray(from, to);
			const t0 = performance.now();
			if (opts.produce) {
				arena.reset();
				opts.produce(from, xc);
			}
			const t1 = performance.now();
			arena.reset();
			const slot = chunkSlots(memory, control, plan, g, c);
			const m = k.moments(xc, layout, arena, planeAt(layout, from), false);
			publish(slot.before, m);
			const t2 = performance.now();
			advance(to - from);
			if (opts.extras) {
				arena.reset();
				const range = k.extremes(xc, layout, arena, planeAt(layout, from));
				slot.min.set(range.min);
				slot.max.set(range.max);
				advance(to - from);
			}
			ms.input += t1 - t0;
			ms.stats += t2 - t1;
			ms.extras += performance.now() - t2;
			reduced.push(c);
		} catch (e) {
			if (!(e instanceof PeerFailed)) {
				abortRun(memory, control);
			}
			throw e;
		}
		if (Atomics.add(counters, DONE_STATS, 1) + 1 === plan.chunks) {
			Atomics.notify(counters, DONE_STATS);
		}
	}
	// Every chunk must be reduced before anyone merges; the others' last chunks are at most a chunk away.
	const waitFrom = performance.now();
	const spinUntil = waitFrom + SPIN_MS;
	const deadline = waitFrom + WAIT_TIMEOUT_MS;
	for (;;) {
		const done = Atomics.load(counters, DONE_STATS);
		if (done >= plan.chunks) {
			break;
		}
		if (Atomics.load(counters, ABORT) !== 0) {
			throw new PeerFailed();
		}
		try {
			opts.check();
		} catch (e) {
			abortRun(memory, control);
			throw e;
		}
		if (performance.now() > deadline) {
			abortRun(memory, control);
			throw new Error(
				`An engine worker waited ${WAIT_TIMEOUT_MS / 1000} s for the other workers of its run.`,
			);
		}
		if (performance.now() > spinUntil) {
			Atomics.wait(counters, DONE_STATS, done, WAIT_POLL_MS);
		}
	}
	opts.check();
	const merged = mergePartials(
		Array.from(
			{ length: plan.chunks },
			(_, c) => chunkSlots(memory, control, plan, g, c).before,
		),
		g,
	);
	const finite = merged.mean.every(Number.isFinite) && merged.variance.every(Number.isFinite);
	if (!finite) {
		return {
			merged,
			centred: { m: [], a: [], b: [] },
			finite,
			chunks: { stats: reduced.length, normalize: 0 },
			ms: { ...ms, normalize: 0 },
			latePeer,
		};
	}
	const centred = opts.centre(merged);
	// Every chunk's extremes of x are published by now: the whole tensor's ranges, as the host will find them.
	const published =
		opts.extras && opts.samples ? chunkResults(memory, control, plan, g) : undefined;
	const histograms = published && {
		...histogramRanges(published, centredExtremes(published.min, published.max, centred)),
		countsX: new Float64Array(HISTOGRAM_BINS),
		countsY: new Float64Array(HISTOGRAM_BINS),
	};
	const done = normalizeChunks(run, centred, { ...opts, histograms }, reduced);
	return {
		merged,
		centred,
		finite,
		chunks: { stats: reduced.length, normalize: done.chunks },
		ms: { ...ms, normalize: done.ms.normalize, extras: ms.extras + done.ms.extras },
		latePeer,
		histograms: histograms && { x: histograms.countsX, y: histograms.countsY },
	};
}

/** PEER_YIELD_MS: once, while a peer has not arrived and chunks remain for it, sleep until the host wakes this worker. */
function yieldToLatePeer(
	counters: Int32Array,
	plan: ChunkPlan,
	waitMs: number,
): ChunkedForward['latePeer'] {
	if (
		Atomics.load(counters, ARRIVED) < plan.workers &&
		Atomics.load(counters, CLAIM_STATS) < plan.chunks &&
		Atomics.compareExchange(counters, HELP, 0, 1) === 0
	) {
		Atomics.notify(counters, HELP);
		return Atomics.wait(counters, HELPED, 0, waitMs) === 'timed-out'
			? 'not answered'
			: 'answered';
	}
	return undefined;
}

/**
 * Phase 2 of a split run (and the whole of an inference run with given m, a, b): normalize chunks in
 * place, first the ones this worker reduced (`own`), the last reduced first, then any chunk no
 * worker has taken yet, oldest first (those of a peer that is behind; a flag per chunk says who took
 * it). What the panel needs of x (ChunkExtras) is read from a chunk before it is overwritten, y's
 * statistics after.
 *
 * Why a worker keeps its own chunks: their lines are in its own caches, the last reduced most. One
 * counter taken last-reduced-first, as before, handed two workers running in step each other's
 * chunks. (It was meant to cure an in-place pass that now and then takes 4.5 ms instead of 0.4;
 * it did not — that slowness comes and goes with the machine, see docs/benchmarks-journal.md.)
 */
export function normalizeChunks(
	run: ChunkRun,
	centred: Centred,
	opts: ChunkExtras & {
		check: () => void;
		advance?: (elements: number) => void;
		histograms?: ChunkHistograms;
	},
	own: readonly number[] = [],
): { chunks: number; ms: { normalize: number; extras: number } } {
	const { k, layout, x, arena, plan, control } = run;
	const y = run.y ?? x;
	const memory = k.memory;
	const g = layout.groups;
	const counters = countersOf(memory, control);
	const taken = new Int32Array(memory.buffer, control.at + COUNTER_BYTES, plan.chunks);
	const advance = opts.advance ?? (() => undefined);
	const ms = { normalize: 0, extras: 0 };
	let chunks = 0;
	let mine = own.length;
	for (;;) {
		let c: number;
		if (mine > 0) {
			c = own[--mine];
		} else {
			c = Atomics.add(counters, CLAIM_NORMALIZE, 1);
			if (c >= plan.chunks) {
				break;
			}
		}
		if (Atomics.compareExchange(taken, c, 0, 1) !== 0) {
			continue;
		}
		if (Atomics.load(counters, ABORT) !== 0) {
			throw new PeerFailed();
		}
		opts.check();
		const [from, to] = chunkRange(plan, c);
		const plane = planeAt(layout, from);
		const xc = x.subarray(from, to);
		const yc = y.subarray(from, to);
		const slot = chunkSlots(memory, control, plan, g, c);
		const t0 = performance.now();
		const hist = opts.histograms;
		if (opts.samples) {
			const { stride, into } = opts.samples;
			const first = Math.ceil(from / stride);
			const end = Math.ceil(to / stride);
			if (first < end) {
				k.gather(x.subarray(first * stride, to), stride, into.subarray(first));
				if (hist) {
					addTo(
						hist.countsX,
						binCounts(
							into.subarray(first, end),
							0,
							1,
							hist.x[0],
							hist.x[1],
							HISTOGRAM_BINS,
						),
					);
				}
			}
		}
		const t1 = performance.now();
		arena.reset();
		k.normalizeCentred(xc, yc, layout, centred, arena, plane);
		const t2 = performance.now();
		ms.normalize += t2 - t1;
		advance(to - from);
		if (opts.extras) {
			arena.reset();
			publish(slot.after, k.moments(yc, layout, arena, plane, false));
		}
		if (hist && opts.samples) {
			addTo(
				hist.countsY,
				binCounts(yc, from, opts.samples.stride, hist.y[0], hist.y[1], HISTOGRAM_BINS),
			);
		}
		ms.extras += t1 - t0 + performance.now() - t2;
		chunks++;
	}
	return { chunks, ms };
}

function addTo(sum: Float64Array, counts: Float64Array): void {
	counts.forEach((n, i) => (sum[i] += n));
}
