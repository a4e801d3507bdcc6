/// <reference path="./wasm/webassembly.d.ts" />
import type {
	Distribution,
	Drift,
	NormalizeResult,
	NormalizeTask,
} from '../protocol/engineProtocol';
import { distributions, NormalizeKernel, normalizeForms } from '../protocol/engineProtocol';
import * as fs from 'fs';
import { workerData } from 'worker_threads';
import { decodeNpy, decodeValues, NpyError } from './npy';
import { npyOverLimit, npyTruncation, readNpyData, readNpyHead } from './npyFile';
import { openRegularFile } from './userFiles';
import { Arena, RETAINED_MEMORY_BYTES } from './kernels/arena';
import { reductionLayout, ReductionLayout } from './kernels/layout';
import {
	Centred,
	Moments,
	moments as momentsJs,
	normalize as normalizeJs,
	normalizeCentred as normalizeCentredJs,
} from './kernels/normalizeJs';
import { SampleShifts, simdSupported, WasmKernels } from './kernels/normalizeWasm';
import { driftedShifts, featureShifts, FeatureShifts, sampleShifts, stepSeed } from './simulation';
import { fillStandardJs } from './sampleJs';
import {
	centredFor,
	deviations,
	evalMode,
	finiteRange,
	guarantees,
	histogramIn,
	runningUpdate,
} from './result';
import {
	ChunkControl,
	ChunkedForward,
	ChunkPlan,
	forwardChunks,
	mergeInto,
	normalizeChunks,
} from './slabs';
import { progressCounter } from './progress';
import { PeerFailed, TaskFailure } from '../protocol/engineErrors';

/**
 * The Piscina task module (bundled to `dist/engineWorker.js`; not named `worker.js`, which is
 * Piscina's own bootstrap). Every task validates its input here, once, and throws a specific
 * message that the host shows as is. Tensors live in this worker's shared WebAssembly.Memory,
 * where the SIMD kernels and JS views see the same bytes.
 */

let memory: WebAssembly.Memory | undefined;
let kernels: Promise<WasmKernels | undefined> | undefined;

/** Drops this worker's memory (and the kernels bound to it) when a run grew it past RETAINED_MEMORY_BYTES. */
function releaseOversizedMemory(): void {
	if (memory && memory.buffer.byteLength > RETAINED_MEMORY_BYTES) {
		memory = undefined;
		kernels = undefined;
	}
}

/** This worker's memory's size in bytes, 0 when it has none (for the pool's own tests). */
export function memoryBytes(): number {
	return memory?.buffer.byteLength ?? 0;
}

function sharedMemory(): WebAssembly.Memory {
	memory ??= new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
	return memory;
}

/** Instantiated once per worker; `undefined` where WebAssembly SIMD is unavailable (JS fallback). */
function wasm(): Promise<WasmKernels | undefined> {
	kernels ??= simdSupported()
		? WasmKernels.create(sharedMemory()).catch(() => undefined)
		: Promise.resolve(undefined);
	return kernels;
}

class Cancelled extends Error {
	constructor() {
		super('The run was cancelled.');
	}
}

function checker(task: Pick<NormalizeTask, 'cancel'>): () => void {
	const flag = task.cancel ? new Int32Array(task.cancel) : undefined;
	return () => {
		if (flag && Atomics.load(flag, 0) !== 0) {
			throw new Cancelled();
		}
	};
}

/** Values per generation chunk: cancellation and progress are looked at between chunks. */
const CHUNK = 1 << 16;

/**
 * Fills elements [from, to) of the sample tensor (x holds exactly those elements). The values depend
 * only on the seed and the element index, not on how the tensor is split among workers: a
 * counter-based generator (normalize.as.ts's fillStandard), then each feature's offset and scale in
 * float32, then each sample's (sampleShifts; `null` for none, as a simulation's stationary batches). Without WebAssembly SIMD, its scalar replica (sampleJs.ts) gives the same values bit for
 * bit. `check` runs before each chunk (cancellation), `advance` after it (progress). `shifts`
 * defaults to the seed's population (a simulation's steps share one population, each its own seed).
 */
export function fillRange(
	x: Float32Array,
	from: number,
	shape: number[],
	featureAxis: number,
	distribution: Distribution,
	seed: number,
	check: () => void,
	simd?: { kernels: WasmKernels; arena: Arena },
	advance: (elements: number) => void = () => undefined,
	shifts: FeatureShifts = featureShifts(shape[featureAxis] ?? 1, seed),
	perSample: SampleShifts | null = sampleShifts(shape, seed) ?? null,
): void {
	const features = shape[featureAxis] ?? 1;
	const inner = shape.slice(featureAxis + 1).reduce((p, d) => p * d, 1);
	if (simd) {
		simd.kernels.fillSample(
			x,
			from,
			seed,
			distribution,
			features,
			inner,
			shifts,
			simd.arena,
			check,
			CHUNK,
			advance,
			perSample ?? undefined,
		);
		return;
	}
	const layers = [
		{
			features,
			inner,
			offset: Float32Array.from(shifts.offset),
			scale: Float32Array.from(shifts.scale),
		},
	];
	if (perSample) {
		layers.push({
			features: perSample.offset.length,
			inner: perSample.size,
			offset: Float32Array.from(perSample.offset),
			scale: Float32Array.from(perSample.scale),
		});
	}
	for (let i0 = 0; i0 < x.length; i0 += CHUNK) {
		check();
		const i1 = Math.min(x.length, i0 + CHUNK);
		fillStandardJs(x.subarray(i0, i1), from + i0, seed >>> 0, distribution);
		for (const l of layers) {
			let c = Math.floor((from + i0) / l.inner) % l.features;
			let k = (from + i0) % l.inner;
			for (let i = i0; i < i1; i++) {
				x[i] = Math.fround(l.offset[c] + Math.fround(l.scale[c] * x[i]));
				if (++k === l.inner) {
					k = 0;
					if (++c === l.features) {
						c = 0;
					}
				}
			}
		}
		advance(i1 - i0);
	}
}

/** The axis whose features get their own offset and scale in the sample (the same for one task and its slabs). */
function sampleAxis(
	task: Pick<NormalizeTask, 'sampleFeatureAxis' | 'channelGroups' | 'shape'>,
	layout: ReductionLayout,
): number {
	return (
		task.sampleFeatureAxis ??
		task.channelGroups?.axis ??
		layout.keptAxes[layout.keptAxes.length - 1] ??
		task.shape.length - 1
	);
}

function validate(task: NormalizeTask): number {
	if (
		!Array.isArray(task.shape) ||
		task.shape.length < 1 ||
		task.shape.some((d) => !Number.isInteger(d) || d < 1)
	) {
		throw new Error(
			`The sample tensor needs a concrete shape of positive integers, got [${String(task.shape)}].`,
		);
	}
	const total = task.shape.reduce((p, d) => p * d, 1);
	if (total > task.maxElements) {
		const mib = (total * 8) / 2 ** 20;
		throw new Error(
			`A sample tensor of shape [${task.shape.join(', ')}] needs ${mib.toFixed(0)} MiB (input and output), above the limit of ${((task.maxElements * 8) / 2 ** 20).toFixed(0)} MiB; lower the batch size or raise normlens.engine.memoryLimitMiB.`,
		);
	}
	if (
		task.sampleFeatureAxis !== undefined &&
		!(
			Number.isInteger(task.sampleFeatureAxis) &&
			task.sampleFeatureAxis >= 0 &&
			task.sampleFeatureAxis < task.shape.length
		)
	) {
		throw new Error(
			`The sample's feature axis ${task.sampleFeatureAxis} does not fit a rank-${task.shape.length} tensor.`,
		);
	}
	if (
		task.reducedAxes.some(
			(a) => !Number.isInteger(a) || a < -task.shape.length || a >= task.shape.length,
		)
	) {
		throw new Error(
			`Reduced axes [${task.reducedAxes.join(', ')}] do not fit a rank-${task.shape.length} tensor.`,
		);
	}
	if (task.distribution !== undefined && !distributions.includes(task.distribution)) {
		throw new Error(
			`Unknown distribution "${String(task.distribution)}"; use one of ${distributions.join(', ')}.`,
		);
	}
	if (task.form !== undefined && !normalizeForms.includes(task.form)) {
		throw new Error(
			`Unknown normalization form "${String(task.form)}"; use one of ${normalizeForms.join(', ')}.`,
		);
	}
	if (!(task.epsilon >= 0)) {
		throw new Error(`epsilon must be ≥ 0, got ${task.epsilon}.`);
	}
	return total;
}

/** The population std of a list of values (0 for one value). */
function spread(v: number[]): number {
	const mu = v.reduce((a, b) => a + b, 0) / v.length;
	return Math.sqrt(v.reduce((a, b) => a + (b - mu) ** 2, 0) / v.length);
}

function stats(m: Moments) {
	return { mean: m.mean, std: m.variance.map(Math.sqrt), min: m.min, max: m.max };
}

function wrapNpy<T>(fn: () => T): T {
	try {
		return fn();
	} catch (e) {
		throw e instanceof NpyError ? new Error(e.message) : e;
	}
}

interface Backend {
	name: string;
	moments(x: Float32Array, layout: ReductionLayout): Moments;
	normalize(x: Float32Array, y: Float32Array, layout: ReductionLayout, f: Centred): void;
}

/** Runs one normalization layer on a seeded sample tensor held in shared memory. */
export async function normalize(task: NormalizeTask): Promise<NormalizeResult> {
	try {
		return await normalizeInWorker(task);
	} finally {
		releaseOversizedMemory();
	}
}

async function normalizeInWorker(task: NormalizeTask): Promise<NormalizeResult> {
	const started = performance.now();
	let npy: Uint8Array | undefined;
	if (task.npyPath) {
		// The header first (a regular file only, its few bytes only): the shape, the memory limit
		// and the file's size are checked before a value is read.
		const file = task.npyPath;
		const header = wrapNpy(() => readNpyHead(file));
		if (
			header.shape.length !== task.shape.length ||
			header.shape.some((d, i) => i > 0 && d !== task.shape[i])
		) {
			throw new Error(
				`${file} holds an array of shape (${header.shape.join(', ')}), but this layer's input is (N, ${task.shape.slice(1).join(', ')}).`,
			);
		}
		const over = npyOverLimit(file, header, task.maxElements);
		if (over) {
			throw new Error(over);
		}
		const truncated = npyTruncation(file, header);
		if (truncated) {
			throw new Error(truncated);
		}
		npy = wrapNpy(() => readNpyData(file, header));
		task = { ...task, shape: header.shape };
	}
	const total = validate(task);
	const check = checker(task);
	const advance = progressCounter(task.progress);
	const layout = reductionLayout(task.shape, task.reducedAxes, task.channelGroups);
	const featureAxis = sampleAxis(task, layout);
	const k = task.backend === 'js' ? undefined : await wasm();
	if (task.backend === 'wasm-simd' && !k) {
		throw new Error('WebAssembly SIMD is not available in this runtime.');
	}
	const arena = new Arena(sharedMemory());
	const x = arena.f32(total);
	const y = arena.f32(total);
	const js: Backend = {
		name: 'js',
		moments: (t, l) => momentsJs(t, l),
		normalize: (a, b, l, f) => normalizeCentredJs(a, b, l, f),
	};
	const useWasm = k !== undefined && WasmKernels.supports(layout);
	const backend: Backend = useWasm
		? {
				name: k.name,
				moments: (t, l) => k.moments(t, l, arena),
				normalize: (a, b, l, f) => k.normalizeCentred(a, b, l, f, arena),
			}
		: js;
	const t0 = performance.now();
	if (npy) {
		const data = npy;
		wrapNpy(() => decodeNpy(data, x));
		advance(total);
	} else {
		const generator = await wasm();
		fillRange(
			x,
			0,
			task.shape,
			featureAxis,
			task.distribution,
			task.seed,
			check,
			generator && { kernels: generator, arena },
			advance,
		);
	}
	check();
	const t1 = performance.now();
	let before = backend.moments(x, layout);
	// NaN / Inf make SIMD sums NaN: recount those exactly with the JS kernel.
	if (backend !== js && before.mean.some((m) => !Number.isFinite(m))) {
		before = js.moments(x, layout);
	}
	check();
	advance(total);
	const t2 = performance.now();
	backend.normalize(x, y, layout, centredFor(task, before, layout.groupSize));
	advance(total);
	const t3 = performance.now();
	if (task.gamma || task.beta) {
		// γ and β are per feature: fold them in with the JS kernel on the normalized values.
		normalizeJs(
			y,
			y,
			layout,
			new Float64Array(layout.groups),
			new Float64Array(layout.groups).fill(1 - task.epsilon),
			task.epsilon,
			task.gamma,
			task.beta,
		);
	}
	check();
	const t4 = performance.now();
	const after = backend.moments(y, layout);
	advance(total);
	const t5 = performance.now();

	// What the compare view reports: y per sample and per feature (the same kernels, two more passes).
	let views: NormalizeResult['views'];
	if (task.views && task.shape.length >= 2) {
		const all = task.shape.map((_, i) => i);
		const of = (kept: number) => {
			const l = reductionLayout(
				task.shape,
				all.filter((a) => a !== kept),
			);
			const m = k && WasmKernels.supports(l) ? k.moments(y, l, arena) : momentsJs(y, l);
			const mean = Array.from(m.mean);
			const std = Array.from(m.variance, Math.sqrt);
			return { mean, std, meanSpread: spread(mean), stdSpread: spread(std) };
		};
		views = { perSample: of(0), perFeature: of(featureAxis) };
	}
	const running = evalMode(task)
		? null
		: runningUpdate(
				task.momentum,
				before.mean,
				before.variance,
				layout.groupSize,
				layout.keptAxes.includes(0) ? task.shape[0] : 1,
			);
	const afterStats = stats(after);
	const { maxMeanDeviation, maxStdDeviation } = deviations(afterStats.mean, afterStats.std);
	const form = task.form ?? 'standardize';
	const result: NormalizeResult = {
		kernel: NormalizeKernel,
		shape: task.shape,
		features: layout.groups,
		groupSize: layout.groupSize,
		before: stats(before),
		after: afterStats,
		histogramBefore: histogramIn(x, finiteRange(before.min, before.max)),
		histogramAfter: histogramIn(y, finiteRange(after.min, after.max)),
		nonFinite: Array.from(before.nonFinite),
		running,
		form,
		maxMeanDeviation,
		maxStdDeviation,
		guarantees: guarantees(form, afterStats.mean, afterStats.std, layout.groupSize),
		...(views ? { views } : {}),
		backend: backend.name,
		elapsedMs: performance.now() - started,
		phases: { input: t1 - t0, stats: t2 - t1, normalize: t3 - t2, statsAfter: t5 - t4 },
	};
	arena.reset();
	return result;
}

//#region training steps: batch statistics of many independent seeded batches

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

/**
 * Values generated and reduced at a time: a block of whole rows or planes small enough to stay in
 * the core's cache (256 KiB of float32), so that a batch is never written to memory whole — only
 * its statistics are needed. A unit larger than this (a LayerNorm group of 150k values) is one block.
 */
const STEP_BLOCK = 1 << 16;

/** Claims steps until none is left and returns their batch statistics (biased variance). */
export async function batchStatistics(task: StepsTask): Promise<StepsResult> {
	try {
		return await batchStatisticsInWorker(task);
	} finally {
		releaseOversizedMemory();
	}
}

async function batchStatisticsInWorker(task: StepsTask): Promise<StepsResult> {
	const total = validate({ ...task, kernel: NormalizeKernel, epsilon: 0, momentum: null });
	const check = checker(task);
	const advance = progressCounter(task.progress);
	const layout = reductionLayout(task.shape, task.reducedAxes, task.channelGroups);
	const g = layout.groups;
	const axis = sampleAxis(task, layout);
	const population = featureShifts(task.shape[axis] ?? 1, task.seed);
	const k = task.backend === 'js' ? undefined : await wasm();
	if (task.backend === 'wasm-simd' && !k) {
		throw new Error('WebAssembly SIMD is not available in this runtime.');
	}
	const blocks = k !== undefined && WasmKernels.supports(layout);
	const inner = layout.block?.inner ?? total;
	const unit = inner === 1 ? g : inner;
	const blockUnits = blocks ? Math.max(1, Math.floor(STEP_BLOCK / unit)) : total / unit;
	const arena = new Arena(sharedMemory());
	const x = arena.f32(Math.min(total, blockUnits * unit));
	// The kernels' temporaries live above the block, in an arena emptied after every block.
	const temp = new Arena(sharedMemory(), arena.used);
	// When every group is one feature of the sample (BatchNorm with the sample's features on its
	// channel axis), a group's values are o + s·z with one offset o and scale s: its statistics are
	// o + s·mean(z) and s²·var(z), so only the standard draws z are generated and reduced — a pass
	// less over every block. Otherwise the block holds the sample itself.
	const features = task.shape[axis] ?? 1;
	const featureInner = task.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
	const affine =
		blocks && features === g && (inner === 1 ? featureInner === 1 : featureInner === inner);
	const claim = new Int32Array(task.claim);
	const done: number[] = [];
	const means: Float64Array[] = [];
	const variances: Float64Array[] = [];
	for (let t = Atomics.add(claim, 0, 1); t < task.steps; t = Atomics.add(claim, 0, 1)) {
		check();
		const shifts = driftedShifts(population, task.drift, t, task.steps);
		const seed = stepSeed(task.streamSeed, t);
		if (!blocks) {
			fillRange(
				x,
				0,
				task.shape,
				axis,
				task.distribution,
				seed,
				check,
				k && { kernels: k, arena: temp },
				advance,
				shifts,
				null,
			);
			const m = momentsJs(x, layout);
			temp.reset();
			done.push(t);
			means.push(m.mean);
			variances.push(m.variance);
			continue;
		}
		const acc = { n: new Float64Array(g), mean: new Float64Array(g), m2: new Float64Array(g) };
		if (affine && inner > 1) {
			// Planes of one feature each: the draws' moments per plane straight from the generator.
			const planesPerBlock = Math.max(1, Math.floor(STEP_BLOCK / inner));
			for (let p0 = 0; p0 < total / inner; p0 += planesPerBlock) {
				check();
				const planes = Math.min(planesPerBlock, total / inner - p0);
				const { M, M2 } = k.standardPlaneMoments(
					p0 * inner,
					planes,
					inner,
					seed,
					task.distribution,
					temp,
				);
				for (let p = 0; p < planes; p++) {
					mergeInto(acc, (p0 + p) % g, inner, M[p], M2[p]);
				}
				temp.reset();
				advance(planes * inner);
			}
		} else {
			for (let from = 0; from < total; from += x.length) {
				const block = x.subarray(0, Math.min(x.length, total - from));
				if (affine) {
					check();
					k.fillStandard(block, from, seed, task.distribution);
					advance(block.length);
				} else {
					fillRange(
						block,
						from,
						task.shape,
						axis,
						task.distribution,
						seed,
						check,
						{ kernels: k, arena: temp },
						advance,
						shifts,
						null,
					);
				}
				const part = k.moments(block, layout, temp, inner === 1 ? 0 : from / inner, false);
				temp.reset();
				for (let c = 0; c < g; c++) {
					mergeInto(
						acc,
						c,
						part.counts[c],
						part.mean[c],
						part.variance[c] * part.counts[c],
					);
				}
			}
		}
		const mean = acc.mean;
		const variance = acc.m2.map((v, c) => v / acc.n[c]);
		if (affine) {
			for (let c = 0; c < g; c++) {
				mean[c] = shifts.offset[c] + shifts.scale[c] * mean[c];
				variance[c] *= shifts.scale[c] ** 2;
			}
		}
		done.push(t);
		means.push(mean);
		variances.push(variance);
	}
	const flat = (parts: Float64Array[]) => {
		const out = new Float64Array(parts.length * g);
		parts.forEach((p, i) => out.set(p, i * g));
		return out;
	};
	arena.reset();
	return {
		steps: done,
		groups: g,
		groupSize: layout.groupSize,
		mean: flat(means),
		variance: flat(variances),
		backend: blocks ? 'wasm-simd' : 'js',
	};
}

/** Step t's batch of a simulation, whole (for the tests' exchange with PyTorch: the same values the workers reduce). */
export function simulationBatch(
	task: Omit<StepsTask, 'claim' | 'maxElements' | 'steps'>,
	step: number,
	steps: number,
): Float32Array {
	const layout = reductionLayout(task.shape, task.reducedAxes, task.channelGroups);
	const axis = sampleAxis(task, layout);
	const x = new Float32Array(task.shape.reduce((p, d) => p * d, 1));
	const shifts = driftedShifts(
		featureShifts(task.shape[axis] ?? 1, task.seed),
		task.drift,
		step,
		steps,
	);
	fillRange(
		x,
		0,
		task.shape,
		axis,
		task.distribution,
		stepSeed(task.streamSeed, step),
		() => undefined,
		undefined,
		undefined,
		shifts,
		null,
	);
	return x;
}

//#endregion

//#region slabs: one large tensor split among the pool's workers, in a pool-wide shared memory

/** A split run's task for one worker: the whole tensor, which lives in the pool-wide memory (see src/host/enginePool.ts). */
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
export type SplitForward = Omit<ChunkedForward, 'merged' | 'centred'> & {
	centred: { m: Float64Array; a: Float64Array; b: Float64Array };
};

function poolMemory(): WebAssembly.Memory {
	const m = (workerData as { memory?: WebAssembly.Memory } | undefined)?.memory;
	if (!m) {
		throw new Error('This pool has no shared memory for split runs.');
	}
	return m;
}

let poolKernels: Promise<WasmKernels> | undefined;

/**
 * A split run's one round in this worker: claim chunks, generate (or read) and reduce each, then,
 * once every chunk is reduced, merge and normalize claimed chunks, with what the panel shows beyond
 * the forward: x's per-group extremes and the statistics of y (src/engine/slabs.ts). y's extremes
 * follow exactly from x's on the host (y = (x − m)·a + b in float32 is monotonic in x).
 */
export async function splitForward(task: SplitTask): Promise<SplitForward> {
	const memory = poolMemory();
	poolKernels ??= WasmKernels.create(memory);
	const k = await poolKernels;
	const layout = reductionLayout(task.shape, task.reducedAxes, task.channelGroups);
	const total = task.plan.units * task.plan.unit;
	const x = new Float32Array(memory.buffer, task.x, total);
	const samples = {
		stride: task.samples.stride,
		into: new Float32Array(
			memory.buffer,
			task.samples.at,
			Math.ceil(total / task.samples.stride),
		),
	};
	const arena = new Arena(memory, task.work);
	const check = checker(task);
	const advance = progressCounter(task.progress);
	const axis = sampleAxis(task, layout);
	const npy = task.npy;
	const produce = npy
		? (from: number, chunk: Float32Array) => readChunk(npy, from, chunk, check, advance)
		: (from: number, chunk: Float32Array) =>
				fillRange(
					chunk,
					from,
					task.shape,
					axis,
					task.distribution,
					task.seed,
					check,
					{ kernels: k, arena },
					advance,
				);
	const f = forwardChunks(
		{ k, layout, x, arena, plan: task.plan, control: task.control },
		{
			produce,
			centre: (merged) => centredFor(task, merged, layout.groupSize),
			check,
			extras: true,
			samples,
			advance,
		},
	);
	return {
		finite: f.finite,
		centred: {
			m: Float64Array.from(f.centred.m),
			a: Float64Array.from(f.centred.a),
			b: Float64Array.from(f.centred.b),
		},
		chunks: f.chunks,
		ms: f.ms,
		histograms: f.histograms,
	};
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

export async function residentForward(
	task: ResidentTask,
): Promise<{ mean: Float64Array; variance: Float64Array; finite: boolean } | null> {
	const memory = poolMemory();
	poolKernels ??= WasmKernels.create(memory);
	const k = await poolKernels;
	const layout = reductionLayout(task.shape, task.reducedAxes, task.channelGroups);
	const x = new Float32Array(
		memory.buffer,
		task.x,
		task.shape.reduce((p, d) => p * d, 1),
	);
	const arena = new Arena(memory, task.work);
	const check = checker(task);
	const centre = (m: { mean: Float64Array; variance: Float64Array }) =>
		centredFor({ epsilon: task.epsilon, mode: 'train', momentum: null }, m, layout.groupSize);
	if (task.plan && task.control) {
		const run = { k, layout, x, arena, plan: task.plan, control: task.control };
		if (task.statistics) {
			normalizeChunks(run, centre(task.statistics), { check, extras: false });
			return null;
		}
		const f = forwardChunks(run, { centre, check, extras: false });
		return { mean: f.merged.mean, variance: f.merged.variance, finite: f.finite };
	}
	const m = task.statistics ?? k.moments(x, layout, arena, 0, false);
	k.normalizeCentred(x, x, layout, centre(m), arena);
	return task.statistics
		? null
		: { mean: m.mean, variance: m.variance, finite: m.mean.every(Number.isFinite) };
}

/** Reads elements [from, from + x.length) of a C-order .npy file's data into x, piece by piece. */
function readChunk(
	npy: NonNullable<SplitTask['npy']>,
	from: number,
	x: Float32Array,
	check: () => void,
	advance: (elements: number) => void,
): void {
	let fd: number;
	try {
		fd = openRegularFile(npy.path).fd;
	} catch (e) {
		throw new Error((e as Error).message);
	}
	try {
		const buffer = new Uint8Array(CHUNK * npy.itemBytes);
		for (let i0 = 0; i0 < x.length; i0 += CHUNK) {
			check();
			const n = Math.min(CHUNK, x.length - i0);
			const got = fs.readSync(
				fd,
				buffer,
				0,
				n * npy.itemBytes,
				npy.dataOffset + (from + i0) * npy.itemBytes,
			);
			wrapNpy(() => decodeValues(buffer.subarray(0, got), npy.descr, x.subarray(i0, i0 + n)));
			advance(n);
		}
	} finally {
		fs.closeSync(fd);
	}
}

//#endregion

//#region the worker's boundary

/**
 * The task entry points the host's Piscina pool calls (by these names). Each returns its own
 * failure as data (`TaskFailure`): an error thrown across the worker boundary keeps only its
 * message, so the host could tell a refusal from a dead worker only by reading it. The functions
 * above stay throwing, for callers in the same thread (the tests).
 */
function boundary<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>) {
	return async (...args: A): Promise<R | TaskFailure> => {
		try {
			return await fn(...args);
		} catch (e) {
			const message = e instanceof Error ? e.message : String(e);
			return {
				failed:
					e instanceof Cancelled
						? 'cancelled'
						: e instanceof PeerFailed
							? 'peer'
							: 'refused',
				message,
			};
		}
	};
}

export const normalizeTask = boundary(normalize);
export const batchStatisticsTask = boundary(batchStatistics);
export const splitForwardTask = boundary(splitForward);
export const residentForwardTask = boundary(residentForward);

//#endregion
