/// <reference path="./wasm/webassembly.d.ts" />
import type { Arena } from './kernels/arena';
import type { ReductionLayout } from './kernels/layout';
import type { WasmKernels } from './kernels/normalizeWasm';

/**
 * One large tensor split among the pool's workers (shared by the engine worker and the benchmark's
 * replay of it). The BatchNorm forward is one pool round: every worker reduces its slab, publishes
 * its partial statistics in shared memory, waits at a barrier for the others, merges all partials
 * itself (Chan, in slot order, so every worker gets bit-identical μ, σ²) and normalizes its slab.
 * A second round through the host would cost a round trip of 0.2–0.8 ms here (BENCHMARKS.md).
 */

/** Per-group partial statistics of one slab: counts, means and sums of squared deviations. */
export interface SlabPartial {
	counts: Float64Array;
	mean: Float64Array;
	m2: Float64Array;
}

/** Chan's parallel merge of per-group partials, in float64 and in the order given. */
export function mergePartials(parts: readonly SlabPartial[], groups: number): { n: Float64Array; mean: Float64Array; variance: Float64Array } {
	const n = new Float64Array(groups);
	const mean = new Float64Array(groups);
	const m2 = new Float64Array(groups);
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
		}
	}
	const variance = m2.map((v, c) => (n[c] > 0 ? v / n[c] : NaN));
	return { n, mean, variance };
}

/** Where a split run's workers meet: byte offsets in the pool memory, laid out by `controlBytes`. */
export interface SlabControl {
	/** Int32 [arrived, abort]. */
	barrier: number;
	/** Float64 [workers][3][groups]: each slot's counts, means and M2. */
	partials: number;
	workers: number;
	slot: number;
}

/** Bytes a split run's control block needs (the barrier, then the partials, 8-aligned). */
export function controlBytes(workers: number, groups: number): number {
	return 16 + 24 * workers * groups;
}

/** Thrown in a worker whose peer failed before the barrier (the host reports the peer's error). */
export class PeerFailed extends Error {
	constructor() {
		super('Another engine worker of this run failed.');
	}
}

/** The host's side of the barrier: a failed or lost worker must release the others. */
export function abortSlabs(memory: WebAssembly.Memory, control: Pick<SlabControl, 'barrier'>): void {
	const b = new Int32Array(memory.buffer, control.barrier, 2);
	Atomics.store(b, 1, 1);
	Atomics.notify(b, 0);
}

/** How often a worker waiting at the barrier looks at the cancel and abort flags. */
const BARRIER_POLL_MS = 5;

/** How long a worker waits at the barrier for a peer that never comes (a lost worker). */
const BARRIER_TIMEOUT_MS = 30_000;

/**
 * The forward on one slab: statistics, barrier, merge, normalize. `fold` turns the merged
 * statistics into y = x·a + b's per-group a and b (batch statistics or running ones); `check`
 * throws when the run is cancelled. Returns this slab's partial, the merged statistics and a, b
 * — or `finite: false` (nothing normalized) when the data has NaN / Inf.
 */
export function forwardSlab(
	k: WasmKernels,
	layout: ReductionLayout,
	x: Float32Array,
	y: Float32Array,
	arena: Arena,
	firstPlane: number,
	control: SlabControl,
	fold: (merged: { mean: Float64Array; variance: Float64Array }) => { a: ArrayLike<number>; b: ArrayLike<number> },
	check: () => void,
): { partial: SlabPartial; merged: ReturnType<typeof mergePartials>; a: ArrayLike<number>; b: ArrayLike<number>; finite: boolean; statsMs: number; normalizeMs: number } {
	const memory = k.memory;
	const g = layout.groups;
	const barrier = new Int32Array(memory.buffer, control.barrier, 2);
	let partial: SlabPartial;
	const t0 = performance.now();
	try {
		const m = k.moments(x, layout, arena, firstPlane, false);
		partial = { counts: m.counts, mean: m.mean, m2: m.variance.map((v, c) => v * m.counts[c]) };
		const slots = new Float64Array(memory.buffer, control.partials, 3 * g * control.workers);
		const at = 3 * g * control.slot;
		slots.set(partial.counts, at);
		slots.set(partial.mean, at + g);
		slots.set(partial.m2, at + 2 * g);
	} catch (e) {
		abortSlabs(memory, control);
		throw e;
	}
	const statsMs = performance.now() - t0;
	// The barrier: the last to arrive wakes the others; waiters poll cancellation and abort.
	if (Atomics.add(barrier, 0, 1) + 1 === control.workers) {
		Atomics.notify(barrier, 0);
	} else {
		const deadline = performance.now() + BARRIER_TIMEOUT_MS;
		for (;;) {
			const arrived = Atomics.load(barrier, 0);
			if (arrived >= control.workers) {
				break;
			}
			if (Atomics.load(barrier, 1) !== 0) {
				throw new PeerFailed();
			}
			try {
				check();
			} catch (e) {
				abortSlabs(memory, control);
				throw e;
			}
			if (performance.now() > deadline) {
				abortSlabs(memory, control);
				throw new Error(`An engine worker waited ${BARRIER_TIMEOUT_MS / 1000} s for the others of its run.`);
			}
			Atomics.wait(barrier, 0, arrived, BARRIER_POLL_MS);
		}
	}
	check();
	const slots = new Float64Array(memory.buffer, control.partials, 3 * g * control.workers);
	const parts = Array.from({ length: control.workers }, (_, w) => ({
		counts: slots.subarray(3 * g * w, 3 * g * w + g),
		mean: slots.subarray(3 * g * w + g, 3 * g * w + 2 * g),
		m2: slots.subarray(3 * g * w + 2 * g, 3 * g * (w + 1)),
	}));
	const merged = mergePartials(parts, g);
	const finite = merged.mean.every(Number.isFinite) && merged.variance.every(Number.isFinite);
	if (!finite) {
		return { partial, merged, a: [], b: [], finite, statsMs, normalizeMs: 0 };
	}
	const { a, b } = fold(merged);
	const t1 = performance.now();
	k.normalizeFolded(x, y, layout, a, b, arena, firstPlane);
	return { partial, merged, a, b, finite, statsMs, normalizeMs: performance.now() - t1 };
}
