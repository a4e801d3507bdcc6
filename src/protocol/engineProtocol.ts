// The engine's sample-run and simulation tasks and their results (the host's requests to the pool).
/**
 * Tasks the extension host (or CLI) sends to the engine worker pool, and what comes back.
 * Kernel names are PascalCase constants, as in tfjs `kernel_names.ts`.
 */

/** Kernel names. */
export const NormalizeKernel = 'Normalize';

/** Sample distributions: standard normal, uniform with unit variance, and a right-skewed log-normal
 * (exp of a normal with σ = 0.75), each shifted and scaled per feature. */
export type Distribution = 'normal' | 'uniform' | 'lognormal';

export const distributions: readonly Distribution[] = ['normal', 'uniform', 'lognormal'];

/**
 * `train` normalizes with this batch's statistics (and reports the running statistics after the
 * step); `eval` normalizes layers that keep running statistics with those of a freshly built layer
 * (mean 0, variance 1), as `model.eval()` / `training=False` would before any training.
 */
export type RunMode = 'train' | 'eval';

/**
 * What a normalization computes per group of M values, once its statistics are known:
 * - `standardize`: y = (x − μ)/√(σ² + ε) — batch, layer, group and instance norms;
 * - `rms`: y = x/√(mean(x²) + ε) — RMSNorm / RMSNormalization (no mean subtracted);
 * - `unit`: y = x/max(‖x‖₂, ε) — Keras UnitNormalization (ε = 1e-12).
 * γ and β, where a layer has them, are applied after.
 */
export type NormalizeForm = 'standardize' | 'rms' | 'unit';

export const normalizeForms: readonly NormalizeForm[] = ['standardize', 'rms', 'unit'];

/** Run one normalization layer on a seeded sample tensor, generated in the worker. */
export interface NormalizeTask {
	kernel: typeof NormalizeKernel;
	/** Full input shape, batch included. */
	shape: number[];
	/** Axes over which μ and σ² are computed (each kept position gets its own statistics). */
	reducedAxes: number[];
	/** Group normalization: this kept axis is split into `count` groups sharing statistics. */
	channelGroups?: { axis: number; count: number };
	/** What is computed from the statistics; `standardize` when omitted. */
	form?: NormalizeForm;
	epsilon: number;
	/** Per-feature γ and β (length = product of the kept axes); omitted = 1 and 0. */
	gamma?: number[];
	beta?: number[];
	seed: number;
	distribution: Distribution;
	/**
	 * The axis along which the sample's per-feature offsets and scales vary. Defaults to the last
	 * kept axis; the compare view pins it to the channel axis so that every layer sees one tensor.
	 */
	sampleFeatureAxis?: number;
	/** Training (batch statistics) or inference (running statistics); default `train`. */
	mode?: RunMode;
	/** Framework convention for the running-statistics update after one training step. */
	momentum: { convention: 'keras' | 'torch'; value: number | null } | null;
	/** Element cap: tasks above it are refused with a clear message. */
	maxElements: number;
	/**
	 * Real activations instead of a generated tensor: a `.npy` file read by the worker. Its shape must
	 * match `shape` except on axis 0 (the batch), which the file decides.
	 */
	npyPath?: string;
	/**
	 * Also measure y per sample and per feature (NormalizeResult.views): what the compare view
	 * reports. Runs as one task (the split run does not compute them).
	 */
	views?: boolean;
	/** Kernel backend; `auto` picks WebAssembly SIMD where the layout and the runtime allow it. */
	backend?: 'auto' | 'js' | 'wasm-simd';
	/** Cooperative cancellation: the task stops when element 0 of this Int32Array becomes 1. */
	cancel?: SharedArrayBuffer;
	/**
	 * Progress: the workers add the work they finish to element 0 of this Int32Array, in units of
	 * PROGRESS_UNIT elements of one pass; a whole run is `progressUnits(shape)` (src/engine/progress.ts).
	 */
	progress?: SharedArrayBuffer;
}

/** A histogram of values: `counts[i]` values fall in [lo + i·w, lo + (i+1)·w), w = (hi − lo) / bins. */
export interface Histogram {
	lo: number;
	hi: number;
	counts: number[];
}

/** y's mean and std per sample (or per feature), and how far they spread across samples (features): their std. */
export interface ViewStats {
	mean: number[];
	std: number[];
	meanSpread: number;
	stdSpread: number;
}

/** Per-feature statistics of a tensor. */
export interface FeatureStats {
	mean: Float64Array;
	std: Float64Array;
	min: Float64Array;
	max: Float64Array;
}

export interface NormalizeResult {
	kernel: typeof NormalizeKernel;
	shape: number[];
	features: number;
	/** Elements reduced into each statistic. */
	groupSize: number;
	before: FeatureStats;
	after: FeatureStats;
	/** Histograms of all values before and after (on up to about 2^18 evenly strided samples). */
	histogramBefore: Histogram;
	histogramAfter: Histogram;
	/** Values that were NaN or ±Inf, per feature (those features' statistics are NaN). */
	nonFinite: number[];
	/** Running statistics after one training step from their initial values (0 and 1). */
	running: { mean: Float64Array; variance: Float64Array } | null;
	/** The form that ran (NormalizeForm). */
	form: NormalizeForm;
	/** max |mean(y_c)| and max |std(y_c) − 1| over features (γ = 1, β = 0). */
	maxMeanDeviation: number;
	maxStdDeviation: number;
	/**
	 * What the form guarantees of y, and how far the run is from it at worst over the groups:
	 * `mean 0` and `std 1` for standardize, `rms 1` for rms, `‖y‖₂ 1` for unit (γ = 1, β = 0; ε
	 * makes them approximate). Each entry is one check a display can print as is.
	 */
	guarantees: { property: string; worst: number }[];
	/**
	 * With `views`: the mean and std of y per sample (axis 0) and per feature (the sample's feature
	 * axis, the channel axis in the compare view) — what a method leaves of the sample's and the
	 * channels' differences. Absent otherwise.
	 */
	views?: { perSample: ViewStats; perFeature: ViewStats };
	/** Which kernel ran: `wasm-simd` or `js`. */
	backend: string;
	elapsedMs: number;
	/** Time per phase in the worker (ms): making the input, statistics, normalize, statistics of y. */
	phases: { input: number; stats: number; normalize: number; statsAfter: number };
}

/** Kernel name of the training-steps simulation. */
export const SimulateKernel = 'SimulateSteps';

/**
 * A drifting input distribution: by the last step, every feature's mean has moved by `shift` of its
 * standard deviation and its standard deviation has been multiplied by `scale` (linearly in the
 * step for the shift, geometrically for the scale). `{ shift: 0, scale: 1 }` is no drift.
 */
export interface Drift {
	shift: number;
	scale: number;
}

/** Batch sizes of the batch-noise study when a task names none. */
export const NOISE_BATCH_SIZES: readonly number[] = [2, 8, 32];

/**
 * Simulate K training steps of one normalization layer: K independent seeded batches (step t's batch
 * is the sample tensor of seed `stepSeed(seed, t)`, all from one population of per-feature offsets
 * and scales), their batch statistics, and the running statistics' recurrence in the framework's
 * momentum convention. Only statistics are kept of a batch; no batch is ever held whole.
 */
export interface SimulateTask {
	kernel: typeof SimulateKernel;
	/** The layer's input shape, batch included (axis 0 is the batch). */
	shape: number[];
	reducedAxes: number[];
	channelGroups?: { axis: number; count: number };
	form?: NormalizeForm;
	epsilon: number;
	seed: number;
	distribution: Distribution;
	sampleFeatureAxis?: number;
	momentum: NormalizeTask['momentum'];
	/** K, the number of training steps. */
	steps: number;
	drift?: Drift;
	/** Batch sizes of the batch-noise study (default NOISE_BATCH_SIZES); empty for none. */
	noiseBatchSizes?: number[];
	/** Steps per batch size of the noise study (default min(K, 64)). */
	noiseSteps?: number;
	/** Element cap of one batch (the same limit as a run's). */
	maxElements: number;
	backend?: NormalizeTask['backend'];
	/** Workers to use (1 for the benchmark's one-worker figure); default all. */
	workers?: number;
	cancel?: SharedArrayBuffer;
	progress?: SharedArrayBuffer;
}

/** How far batch statistics scatter at one batch size (the batch-noise study). */
export interface BatchNoise {
	batchSize: number;
	/** The std over steps of a group's batch mean, in units of the group's std σ (RMS over the groups). */
	meanSpread: number;
	/** The std over steps of a group's batch variance, in units of σ² (RMS over the groups). */
	varianceSpread: number;
}

export interface SimulateResult {
	kernel: typeof SimulateKernel;
	shape: number[];
	steps: number;
	/** Groups per batch (one μ and σ² each) and values per group. */
	groups: number;
	groupSize: number;
	/** Whether each sample has its own statistics (the batch axis is kept): batch size does not change them. */
	perSample: boolean;
	/** The running statistics' update, or null for layers that keep none (train and eval compute the same). */
	momentum: NormalizeTask['momentum'];
	/** Running statistics per channel (groups / batch when per sample, as InstanceNorm's track_running_stats). */
	runningGroups: number;
	/** The groups followed step by step in `trace` (the first few). */
	tracked: number[];
	/** Per step (index = step), for the tracked groups: batch μ and σ² and the running values after the step. */
	trace: {
		batchMean: number[][];
		batchVariance: number[][];
		runningMean: number[][] | null;
		runningVariance: number[][] | null;
	};
	/**
	 * Per step: the RMS difference between the training-mode output (batch statistics) and the
	 * inference-mode output (running statistics after the step) on that step's batch, averaged over
	 * the groups (γ = 1, β = 0), and its largest value over the groups. Null without running statistics.
	 */
	gap: { mean: number[]; max: number[] } | null;
	/** Running statistics after the last step (null for layers that keep none). */
	/** `batchesTracked` is PyTorch's num_batches_tracked buffer (null for Keras, which keeps no counter). */
	final: { mean: number[]; variance: number[]; batchesTracked: number | null } | null;
	noise: BatchNoise[];
	drift: Drift;
	backend: string;
	workers: number;
	elapsedMs: number;
	/** Milliseconds of the K steps' statistics alone (what the benchmark reports). */
	stepsMs: number;
}
