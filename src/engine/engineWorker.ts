/// <reference path="./wasm/webassembly.d.ts" />
import type { Distribution, NormalizeResult, NormalizeTask } from '../protocol/engineProtocol';
import { distributions, NormalizeKernel, normalizeForms } from '../protocol/engineProtocol';
import * as fs from 'fs';
import { workerData } from 'worker_threads';
import { decodeNpy, decodeValues, NpyError } from './npy';
import { npyOverLimit, npyTruncation, readNpyData, readNpyHead } from './npyFile';
import { openRegularFile } from './userFiles';
import { Arena, RETAINED_MEMORY_BYTES } from './kernels/arena';
import { reductionLayout, ReductionLayout } from './kernels/layout';
import { Centred, Moments, moments as momentsJs, normalize as normalizeJs, normalizeCentred as normalizeCentredJs } from './kernels/normalizeJs';
import { simdSupported, WasmKernels } from './kernels/normalizeWasm';
import { SeededRandom } from './random';
import { fillStandardJs } from './sampleJs';
import { centredFor, deviations, evalMode, finiteRange, guarantees, histogramIn, runningUpdate } from './result';
import { ChunkControl, ChunkedForward, ChunkPlan, forwardChunks } from './slabs';
import { progressCounter } from './progress';

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
	kernels ??= simdSupported() ? WasmKernels.create(sharedMemory()).catch(() => undefined) : Promise.resolve(undefined);
	return kernels;
}

class Cancelled extends Error {
	constructor() {
		super('The run was cancelled.');
	}
}

function checker(task: NormalizeTask): () => void {
	const flag = task.cancel ? new Int32Array(task.cancel) : undefined;
	return () => {
		if (flag && Atomics.load(flag, 0) !== 0) {
			throw new Cancelled();
		}
	};
}

/** Values per generation chunk: cancellation and progress are looked at between chunks. */
const CHUNK = 1 << 16;

/** Per-feature offsets and scales, so that normalization has something to undo. */
function featureShifts(features: number, seed: number): { offset: number[]; scale: number[] } {
	const rng = new SeededRandom(seed);
	return {
		offset: Array.from({ length: features }, () => -3 + 6 * rng.next()),
		scale: Array.from({ length: features }, () => 0.5 + 2.5 * rng.next()),
	};
}

/**
 * Fills elements [from, to) of the sample tensor (x holds exactly those elements). The values depend
 * only on the seed and the element index, not on how the tensor is split among workers: a
 * counter-based generator (normalize.as.ts's fillStandard), then each feature's offset and scale in
 * float32. Without WebAssembly SIMD, its scalar replica (sampleJs.ts) gives the same values bit for
 * bit. `check` runs before each chunk (cancellation), `advance` after it (progress).
 */
export function fillRange(x: Float32Array, from: number, shape: number[], featureAxis: number, distribution: Distribution, seed: number, check: () => void, simd?: { kernels: WasmKernels; arena: Arena }, advance: (elements: number) => void = () => undefined): void {
	const features = shape[featureAxis] ?? 1;
	const inner = shape.slice(featureAxis + 1).reduce((p, d) => p * d, 1);
	const shifts = featureShifts(features, seed);
	if (simd) {
		simd.kernels.fillSample(x, from, seed, distribution, features, inner, shifts, simd.arena, check, CHUNK, advance);
		return;
	}
	const offset = Float32Array.from(shifts.offset);
	const scale = Float32Array.from(shifts.scale);
	for (let i0 = 0; i0 < x.length; i0 += CHUNK) {
		check();
		const i1 = Math.min(x.length, i0 + CHUNK);
		fillStandardJs(x.subarray(i0, i1), from + i0, seed >>> 0, distribution);
		let c = Math.floor((from + i0) / inner) % features;
		let k = (from + i0) % inner;
		for (let i = i0; i < i1; i++) {
			x[i] = Math.fround(offset[c] + Math.fround(scale[c] * x[i]));
			if (++k === inner) {
				k = 0;
				if (++c === features) {
					c = 0;
				}
			}
		}
		advance(i1 - i0);
	}
}

/** The axis whose features get their own offset and scale in the sample (the same for one task and its slabs). */
function sampleAxis(task: Pick<NormalizeTask, 'sampleFeatureAxis' | 'channelGroups' | 'shape'>, layout: ReductionLayout): number {
	return task.sampleFeatureAxis ?? task.channelGroups?.axis ?? layout.keptAxes[layout.keptAxes.length - 1] ?? task.shape.length - 1;
}

function validate(task: NormalizeTask): number {
	if (!Array.isArray(task.shape) || task.shape.length < 1 || task.shape.some((d) => !Number.isInteger(d) || d < 1)) {
		throw new Error(`The sample tensor needs a concrete shape of positive integers, got [${String(task.shape)}].`);
	}
	const total = task.shape.reduce((p, d) => p * d, 1);
	if (total > task.maxElements) {
		const mib = (total * 8) / 2 ** 20;
		throw new Error(
			`A sample tensor of shape [${task.shape.join(', ')}] needs ${mib.toFixed(0)} MiB (input and output), above the limit of ${((task.maxElements * 8) / 2 ** 20).toFixed(0)} MiB; lower the batch size or raise normlens.engine.memoryLimitMiB.`,
		);
	}
	if (task.sampleFeatureAxis !== undefined && !(Number.isInteger(task.sampleFeatureAxis) && task.sampleFeatureAxis >= 0 && task.sampleFeatureAxis < task.shape.length)) {
		throw new Error(`The sample's feature axis ${task.sampleFeatureAxis} does not fit a rank-${task.shape.length} tensor.`);
	}
	if (task.reducedAxes.some((a) => !Number.isInteger(a) || a < -task.shape.length || a >= task.shape.length)) {
		throw new Error(`Reduced axes [${task.reducedAxes.join(', ')}] do not fit a rank-${task.shape.length} tensor.`);
	}
	if (task.distribution !== undefined && !distributions.includes(task.distribution)) {
		throw new Error(`Unknown distribution "${String(task.distribution)}"; use one of ${distributions.join(', ')}.`);
	}
	if (task.form !== undefined && !normalizeForms.includes(task.form)) {
		throw new Error(`Unknown normalization form "${String(task.form)}"; use one of ${normalizeForms.join(', ')}.`);
	}
	if (!(task.epsilon >= 0)) {
		throw new Error(`epsilon must be ≥ 0, got ${task.epsilon}.`);
	}
	return total;
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
		if (header.shape.length !== task.shape.length || header.shape.some((d, i) => i > 0 && d !== task.shape[i])) {
			throw new Error(`${file} holds an array of shape (${header.shape.join(', ')}), but this layer's input is (N, ${task.shape.slice(1).join(', ')}).`);
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
		? { name: k.name, moments: (t, l) => k.moments(t, l, arena), normalize: (a, b, l, f) => k.normalizeCentred(a, b, l, f, arena) }
		: js;
	const t0 = performance.now();
	if (npy) {
		const data = npy;
		wrapNpy(() => decodeNpy(data, x));
		advance(total);
	} else {
		const generator = await wasm();
		fillRange(x, 0, task.shape, featureAxis, task.distribution, task.seed, check, generator && { kernels: generator, arena }, advance);
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
		normalizeJs(y, y, layout, new Float64Array(layout.groups), new Float64Array(layout.groups).fill(1 - task.epsilon), task.epsilon, task.gamma, task.beta);
	}
	check();
	const t4 = performance.now();
	const after = backend.moments(y, layout);
	advance(total);
	const t5 = performance.now();

	const running = evalMode(task) ? null : runningUpdate(task.momentum, before.mean, before.variance, layout.groupSize);
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
		backend: backend.name,
		elapsedMs: performance.now() - started,
		phases: { input: t1 - t0, stats: t2 - t1, normalize: t3 - t2, statsAfter: t5 - t4 },
	};
	arena.reset();
	return result;
}


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
export type SplitForward = Omit<ChunkedForward, 'merged' | 'centred'> & { centred: { m: Float64Array; a: Float64Array; b: Float64Array } };

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
	const samples = { stride: task.samples.stride, into: new Float32Array(memory.buffer, task.samples.at, Math.ceil(total / task.samples.stride)) };
	const arena = new Arena(memory, task.work);
	const check = checker({ cancel: task.cancel } as NormalizeTask);
	const advance = progressCounter(task.progress);
	const axis = sampleAxis(task, layout);
	const npy = task.npy;
	const produce = npy
		? (from: number, chunk: Float32Array) => readChunk(npy, from, chunk, check, advance)
		: (from: number, chunk: Float32Array) => fillRange(chunk, from, task.shape, axis, task.distribution, task.seed, check, { kernels: k, arena }, advance);
	const f = forwardChunks({ k, layout, x, arena, plan: task.plan, control: task.control }, { produce, centre: (merged) => centredFor(task, merged, layout.groupSize), check, extras: true, samples, advance });
	return { finite: f.finite, centred: { m: Float64Array.from(f.centred.m), a: Float64Array.from(f.centred.a), b: Float64Array.from(f.centred.b) }, chunks: f.chunks, ms: f.ms, histograms: f.histograms };
}

/** Reads elements [from, from + x.length) of a C-order .npy file's data into x, piece by piece. */
function readChunk(npy: NonNullable<SplitTask['npy']>, from: number, x: Float32Array, check: () => void, advance: (elements: number) => void): void {
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
			const got = fs.readSync(fd, buffer, 0, n * npy.itemBytes, npy.dataOffset + (from + i0) * npy.itemBytes);
			wrapNpy(() => decodeValues(buffer.subarray(0, got), npy.descr, x.subarray(i0, i0 + n)));
			advance(n);
		}
	} finally {
		fs.closeSync(fd);
	}
}

//#endregion
