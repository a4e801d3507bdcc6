// A split run's shared layout and the host's side of it: per-chunk partial statistics and their
// merge, the chunk plan, the control block where the workers meet, and what the host reads, aborts
// and answers. The workers' side of a round is in chunkRun.ts.
/// <reference path="./wasm/webassembly.d.ts" />
import { PeerFailed, RunCancelled } from '../protocol/engineErrors';
import type { ChunkControl, ChunkPlan } from '../protocol/engineTasks';
import type { ReductionLayout } from './kernels/layout';

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

/** The control block's Int32 counters, by index (ChunkControl), and the bytes they take. */
export const CLAIM_STATS = 0;
export const DONE_STATS = 1;
export const CLAIM_NORMALIZE = 2;
export const ABORT = 3;
export const ARRIVED = 4;
export const HELP = 5;
export const HELPED = 6;
export const COUNTER_BYTES = 32;

/** Bytes of the per-chunk flags, kept a multiple of 8 so that the Float64 partials after them stay aligned. */
function flagBytes(plan: ChunkPlan): number {
	return 8 * Math.ceil(plan.chunks / 2);
}

/** Bytes a split run's control block needs (zeroed by the host before the run). */
export function controlBytes(plan: ChunkPlan, groups: number): number {
	return COUNTER_BYTES + flagBytes(plan) + 8 * PER_GROUP * groups * plan.chunks;
}

/** The run's Int32 counters at the start of its control block. */
export function countersOf(memory: WebAssembly.Memory, control: ChunkControl): Int32Array {
	return new Int32Array(memory.buffer, control.at, COUNTER_BYTES / 4);
}

/** The plane a chunk starting at element `from` starts with (0 for channels-last rows, which have no planes). */
export function planeAt(layout: ReductionLayout, from: number): number {
	const inner = (layout.block as { inner: number }).inner;
	return inner > 1 ? from / inner : 0;
}

/** Chunk c's published values: [x count, mean, M2, y count, mean, M2, x min, x max] × groups. */
export function chunkSlots(
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
export function publish(
	slot: SlabPartial,
	m: { counts: Float64Array; mean: Float64Array; variance: Float64Array },
): void {
	slot.counts.set(m.counts);
	slot.mean.set(m.mean);
	m.variance.forEach((v, j) => (slot.m2[j] = v * m.counts[j]));
}

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
