// The messages between the host's pool and its workers beyond a single sample run: a simulation's
// steps (StepsTask), a split run's round (SplitTask) and a forward on a pool tensor (ResidentTask),
// with the chunk plan and meeting point they share. Data only: the engine and the host both import
// these, neither reaches into the other for them.
import type { Distribution, Drift, NormalizeTask } from './engineProtocol';

/** A tensor cut into `chunks` runs of whole units (rows or planes) for the workers to claim. */
export interface ChunkPlan {
	chunks: number;
	/** Tasks that take part (one per worker). */
	workers: number;
	/** Elements per unit: a row (channels last) or a plane. */
	unit: number;
	units: number;
}

/** Where a split run's workers meet: the byte offset of its control block in the pool memory. */
export interface ChunkControl {
	/** Int32 counters (CLAIM_STATS, DONE_STATS, CLAIM_NORMALIZE, ABORT, ARRIVED, HELP, HELPED), an Int32 flag per chunk (taken to normalize), then Float64 partials. */
	at: number;
}

/** One worker's share of a simulation's steps (SimulateTask): the steps it claims from a shared counter. */
export interface StepsTask {
	shape: number[];
	reducedAxes: number[];
	channelGroups?: NormalizeTask['channelGroups'];
	sampleFeatureAxis?: number;
	distribution: Distribution;
	/** The population's seed (features' offsets and scales) and the seed the steps' streams derive from. */
	seed: number;
	streamSeed: number;
	drift: Drift;
	/** Steps 0 … steps − 1, claimed one at a time: element 0 of `claim` (Int32) is the next unclaimed step. */
	steps: number;
	claim: SharedArrayBuffer;
	maxElements: number;
	backend?: NormalizeTask['backend'];
	cancel?: SharedArrayBuffer;
	progress?: SharedArrayBuffer;
}

/** The statistics of the steps one worker did: step `steps[i]`'s group c at i·groups + c. */
export interface StepsResult {
	steps: number[];
	groups: number;
	groupSize: number;
	mean: Float64Array;
	variance: Float64Array;
	backend: string;
}

/** A split run's task for one worker: the whole tensor, which lives in the pool-wide memory (see src/host/splitRun.ts). */
export interface SplitTask {
	shape: number[];
	reducedAxes: number[];
	/** Byte offsets in the pool memory of the tensor (x, normalized in place), of x's histogram samples and of this task's private work area. */
	x: number;
	samples: { at: number; stride: number };
	work: number;
	seed: number;
	distribution: Distribution;
	sampleFeatureAxis?: number;
	channelGroups?: NormalizeTask['channelGroups'];
	mode?: NormalizeTask['mode'];
	momentum: NormalizeTask['momentum'];
	epsilon: number;
	cancel?: SharedArrayBuffer;
	progress?: SharedArrayBuffer;
	/** A .npy run: each worker reads the chunks it claims from the file (C order, checked by the host). */
	npy?: { path: string; descr: string; dataOffset: number; itemBytes: number };
	/** The chunks the workers claim, and where they meet (src/engine/slabs.ts). */
	plan: ChunkPlan;
	control: ChunkControl;
}

/**
 * What one worker returns of a split run's forward: the statistics stay in shared memory; a and b
 * (as every worker computed them from the merged statistics) travel as Float64Arrays.
 */
export interface SplitForward {
	/** y = (x − m)·a + b per group, as the chunks were normalized (empty when not finite). */
	centred: { m: Float64Array; a: Float64Array; b: Float64Array };
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

/**
 * A forward on a tensor that already lives in the pool-wide memory (EnginePool.forward): in place,
 * with this batch's statistics (training) or given ones (inference), as one task or as this worker's
 * part of a split round (`plan`, `control`: the same chunks and meeting point as a split run's). No
 * input is produced and nothing beyond the forward is computed (no extremes, histograms or statistics
 * of y): this is the BatchNorm forward itself, what `npm run bench` compares with a copy of the bytes.
 */
export interface ResidentTask {
	shape: number[];
	reducedAxes: number[];
	channelGroups?: NormalizeTask['channelGroups'];
	epsilon: number;
	/** Byte offsets in the pool memory of the tensor and of this task's private work area. */
	x: number;
	work: number;
	statistics?: { mean: Float64Array; variance: Float64Array };
	plan?: ChunkPlan;
	control?: ChunkControl;
	cancel?: SharedArrayBuffer;
}

/** A training forward's batch statistics (null for an inference forward or a split round's normalize-only part). */
export type ResidentResult = { mean: Float64Array; variance: Float64Array; finite: boolean } | null;
