/// <reference path="./wasm/webassembly.d.ts" />
import { PeerFailed, RunCancelled } from '../protocol/engineErrors';
import type { Arena } from './kernels/arena';
import type { ReductionLayout } from './kernels/layout';
import type { Centred } from './kernels/normalizeJs';
import type { WasmKernels } from './kernels/normalizeWasm';
import { binCounts, centredExtremes, HISTOGRAM_BINS, histogramRanges } from './result';

/**
 * One large tensor split among the pool's workers (shared by the engine worker and the benchmark's
 * replay of it). The BatchNorm forward is one pool round, one task per worker, over chunks of whole
 * rows or planes that the workers claim from shared counters: each worker generates (or reads) and
 * reduces the chunks it claims and publishes each chunk's partial statistics; once every chunk is
 * reduced, each worker merges all partials itself (Chan, in chunk order, so every worker gets
 * bit-identical μ, σ² whoever reduced what) and normalizes the chunks it reduced, then any that a
 * slower peer has not taken yet.
 *
 * Why claim rather than give each worker a fixed half: on this 2-vCPU VM the scheduler now and then
 * wakes both workers on the same CPU, and the second starts 1–5 ms late (measured: docs/benchmarks-journal.md);
 * with fixed halves the whole run waited for it at the barrier, while with claimed chunks the worker
 * that runs takes what the other has not started. A worker that never starts cannot block a run.
 * Why not a round trip through the host between the passes: 0.2–0.8 ms here.
 *
 * Why in place (y overwrites x): writing y to other memory costs a read of every destination line
 * before it is written (the CPU's read-for-ownership), a third stream next to reading x and writing
 * y. In place, each line is read once and written back: on this VM the normalize pass of 25.7 MB
 * took 1.1 ms on two threads against 1.8 out of place (docs/benchmarks-journal.md), and a run needs half the
 * memory. What the panel shows of x after the forward (its histogram) is sampled from each chunk
 * before the chunk is overwritten.
 */

/** Per-group partial statistics of one chunk of a tensor: counts, means and sums of squared deviations. */
export interface SlabPartial {
	counts: Float64Array;
	mean: Float64Array;
	m2: Float64Array;
}

/** Running per-group moments: counts, means and sums of squared deviations (float64). */
export interface GroupMoments {
	n: Float64Array;
	mean: Float64Array;
	m2: Float64Array;
}

/** Chan's merge of one partial (nb values, mean, sum of squared deviations) into group c of `acc`. */
export function mergeInto(
	acc: GroupMoments,
	c: number,
	nb: number,
	mean: number,
	m2: number,
): void {
	if (nb === 0) {
		return;
	}
	const na = acc.n[c];
	const total = na + nb;
	const delta = mean - acc.mean[c];
	acc.mean[c] += (delta * nb) / total;
	acc.m2[c] += m2 + (delta * delta * na * nb) / total;
	acc.n[c] = total;
}

/** Chan's parallel merge of per-group partials, in float64 and in the order given. */
export function mergePartials(
	parts: readonly SlabPartial[],
	groups: number,
): { n: Float64Array; mean: Float64Array; variance: Float64Array } {
	const acc = {
		n: new Float64Array(groups),
		mean: new Float64Array(groups),
		m2: new Float64Array(groups),
	};
	for (const p of parts) {
		for (let c = 0; c < groups; c++) {
			mergeInto(acc, c, p.counts[c], p.mean[c], p.m2[c]);
		}
	}
	const { n, mean, m2 } = acc;
	const variance = m2.map((v, c) => (n[c] > 0 ? v / n[c] : NaN));
	return { n, mean, variance };
}

/** A tensor cut into `chunks` runs of whole units (rows or planes) for the workers to claim. */
export interface ChunkPlan {
	chunks: number;
	/** Tasks that take part (one per worker). */
	workers: number;
	/** Elements per unit: a row (channels last) or a plane. */
	unit: number;
	units: number;
}

/** Elements [from, to) of chunk c: units ⌊units·c/chunks⌋ up to ⌊units·(c+1)/chunks⌋. */
export function chunkRange(plan: ChunkPlan, c: number): [number, number] {
	return [
		Math.floor((plan.units * c) / plan.chunks) * plan.unit,
		Math.floor((plan.units * (c + 1)) / plan.chunks) * plan.unit,
	];
}

/**
 * About 4 MiB of float32 per chunk (6 chunks for a 25 MB tensor): small enough to even out a late
 * worker, large enough that the per-chunk work in JS stays small — with 2 MiB chunks the first run
 * after the warm-up took 19–23 ms instead of 15–17 (25.7 MB, docs/benchmarks-journal.md).
 */
const CHUNK_ELEMENTS = 1 << 20;

/** The partials of all chunks together stay under this (LayerNorm-like layouts have a group per sample). */
const PARTIALS_BYTES = 4 << 20;

/** Float64 values a chunk publishes per group: x's count, mean, M2; y's count, mean, M2; x's min, max. */
const PER_GROUP = 8;

/** How a split run of `total` elements in units of `unit` (`groups` groups) is cut for `workers` workers. */
export function chunkPlan(total: number, unit: number, groups: number, workers: number): ChunkPlan {
	const units = total / unit;
	const byMemory = Math.floor(PARTIALS_BYTES / (8 * PER_GROUP * groups));
	const chunks = Math.max(
		1,
		Math.min(units, Math.max(workers, Math.min(Math.round(total / CHUNK_ELEMENTS), byMemory))),
	);
	return { chunks, workers, unit, units };
}

/** Where a split run's workers meet: the byte offset of its control block in the pool memory. */
export interface ChunkControl {
	/** Int32 counters (CLAIM_STATS, DONE_STATS, CLAIM_NORMALIZE, ABORT, ARRIVED, HELP, HELPED), an Int32 flag per chunk (taken to normalize), then Float64 partials. */
	at: number;
}

const CLAIM_STATS = 0;
const DONE_STATS = 1;
const CLAIM_NORMALIZE = 2;
const ABORT = 3;
const ARRIVED = 4;
const HELP = 5;
const HELPED = 6;
const COUNTER_BYTES = 32;

/** Bytes of the per-chunk flags, kept a multiple of 8 so that the Float64 partials after them stay aligned. */
function flagBytes(plan: ChunkPlan): number {
	return 8 * Math.ceil(plan.chunks / 2);
}

/** Bytes a split run's control block needs (zeroed by the host before the run). */
export function controlBytes(plan: ChunkPlan, groups: number): number {
	return COUNTER_BYTES + flagBytes(plan) + 8 * PER_GROUP * groups * plan.chunks;
}

/** The run's Int32 counters at the start of its control block. */
function countersOf(memory: WebAssembly.Memory, control: ChunkControl): Int32Array {
	return new Int32Array(memory.buffer, control.at, COUNTER_BYTES / 4);
}

/** The plane a chunk starting at element `from` starts with (0 for channels-last rows, which have no planes). */
function planeAt(layout: ReductionLayout, from: number): number {
	const inner = (layout.block as { inner: number }).inner;
	return inner > 1 ? from / inner : 0;
}

/** Chunk c's published values: [x count, mean, M2, y count, mean, M2, x min, x max] × groups. */
function chunkSlots(
	memory: WebAssembly.Memory,
	control: ChunkControl,
	plan: ChunkPlan,
	groups: number,
	c: number,
) {
	const at = control.at + COUNTER_BYTES + flagBytes(plan) + 8 * PER_GROUP * groups * c;
	const v = (i: number) => new Float64Array(memory.buffer, at + 8 * i * groups, groups);
	return {
		before: { counts: v(0), mean: v(1), m2: v(2) },
		after: { counts: v(3), mean: v(4), m2: v(5) },
		min: v(6),
		max: v(7),
	};
}

/** Writes a chunk's moments into its published slot as count, mean and M2 (= variance · count). */
function publish(
	slot: SlabPartial,
	m: { counts: Float64Array; mean: Float64Array; variance: Float64Array },
): void {
	slot.counts.set(m.counts);
	slot.mean.set(m.mean);
	m.variance.forEach((v, j) => (slot.m2[j] = v * m.counts[j]));
}

export { PeerFailed };

/**
 * Why a split run failed, from all its tasks' outcomes: the first error that is not a worker
 * reporting that a peer failed (errors cross the thread boundary as plain errors, so by message),
 * else `first` (the rejection that ended the wait).
 */
export function failureCause(
	outcomes: readonly PromiseSettledResult<unknown>[],
	first: unknown,
): unknown {
	const rejected = outcomes
		.filter((o): o is PromiseRejectedResult => o.status === 'rejected')
		.map((o) => o.reason as unknown);
	const peer = (r: unknown) => r instanceof PeerFailed;
	// A peer that saw the run's cancel flag (which the host raises when a worker fails) says it was
	// cancelled: that is an effect too. The cause is a rejection that is neither, when there is one.
	const cancelledByHost = (r: unknown) => r instanceof RunCancelled;
	return (
		rejected.find((r) => !peer(r) && !cancelledByHost(r)) ??
		rejected.find((r) => !peer(r)) ??
		first
	);
}

/** The host's side: a failed or lost worker must release the others waiting for its chunks. */
export function abortRun(memory: WebAssembly.Memory, control: ChunkControl): void {
	const counters = countersOf(memory, control);
	Atomics.store(counters, ABORT, 1);
	Atomics.notify(counters, DONE_STATS);
}

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

/** What one worker did in a split run's forward. */
export interface ChunkedForward {
	merged: ReturnType<typeof mergePartials>;
	/** y = (x − m)·a + b per group, as the chunks were normalized (empty when not finite). */
	centred: Centred;
	/** false when the data has NaN / Inf: nothing was normalized. */
	finite: boolean;
	/** Chunks this worker reduced and normalized. */
	chunks: { stats: number; normalize: number };
	/** Milliseconds this worker spent producing its chunks, reducing, normalizing, on the extras. */
	ms: { input: number; stats: number; normalize: number; extras: number };
	/** Whether this worker found a peer missing after its first chunk and slept until the host woke it (PEER_YIELD_MS). */
	latePeer?: 'answered' | 'not answered';
	/** With `extras` and `samples`: this worker's histogram counts of x's samples and of y's every stride-th element, in the chunks it normalized (HISTOGRAM_BINS bins over the whole tensor's ranges). */
	histograms?: { x: Float64Array; y: Float64Array };
}

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
 * The host's side of a late peer (PEER_YIELD_MS), from the dispatch of a split run until it ends
 * (call the returned function): when a worker asks, wake it from this thread, which is idle on
 * the other vCPU while the workers run.
 */
export function answerLatePeers(memory: WebAssembly.Memory, control: ChunkControl): () => void {
	const counters = countersOf(memory, control);
	let open = true;
	const waiting = Atomics.waitAsync(counters, HELP, 0);
	if (waiting.async) {
		void waiting.value.then(() => {
			if (open) {
				Atomics.store(counters, HELPED, 1);
				Atomics.notify(counters, HELPED);
			}
		});
	}
	return () => {
		open = false;
		// Settles the host's wait when no worker asked.
		Atomics.notify(counters, HELP);
	};
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

/** The host's reading of a finished run's chunks: partial statistics of x and y and x's extremes, in chunk order. */
export function chunkResults(
	memory: WebAssembly.Memory,
	control: ChunkControl,
	plan: ChunkPlan,
	groups: number,
): { before: SlabPartial[]; after: SlabPartial[]; min: Float64Array; max: Float64Array } {
	const before: SlabPartial[] = [];
	const after: SlabPartial[] = [];
	const min = new Float64Array(groups).fill(Infinity);
	const max = new Float64Array(groups).fill(-Infinity);
	for (let c = 0; c < plan.chunks; c++) {
		const s = chunkSlots(memory, control, plan, groups, c);
		before.push(s.before);
		after.push(s.after);
		for (let j = 0; j < groups; j++) {
			// A chunk has no values of a group it does not cover (planes): its count says so.
			if (s.before.counts[j] > 0) {
				min[j] = Math.min(min[j], s.min[j]);
				max[j] = Math.max(max[j], s.max[j]);
			}
		}
	}
	return { before, after, min, max };
}
