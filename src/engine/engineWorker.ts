/// <reference path="./wasm/webassembly.d.ts" />
import type { Distribution, Histogram, NormalizeResult, NormalizeTask } from '../protocol/engineProtocol';
import { NormalizeKernel } from '../protocol/engineProtocol';
import * as fs from 'fs';
import { decodeNpy, npyHeader, NpyError } from './npy';
import { Arena } from './kernels/arena';
import { reductionLayout, ReductionLayout } from './kernels/layout';
import { Moments, moments as momentsJs, normalize as normalizeJs } from './kernels/normalizeJs';
import { simdSupported, WasmKernels } from './kernels/normalizeWasm';
import { SeededRandom } from './random';

/**
 * The Piscina task module (bundled to `dist/engineWorker.js`; not named `worker.js`, which is
 * Piscina's own bootstrap). Every task validates its input here, once, and throws a specific
 * message that the host shows as is. Tensors live in this worker's shared WebAssembly.Memory,
 * where the SIMD kernels and JS views see the same bytes.
 */

let memory: WebAssembly.Memory | undefined;
let kernels: Promise<WasmKernels | undefined> | undefined;

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

function fill(x: Float32Array, shape: number[], featureAxis: number, distribution: Distribution, seed: number, check: () => void): void {
	const rng = new SeededRandom(seed);
	const features = shape[featureAxis] ?? 1;
	const inner = shape.slice(featureAxis + 1).reduce((p, d) => p * d, 1);
	// Per-feature offsets and scales, so that normalization has something to undo.
	const offset = Array.from({ length: features }, () => -3 + 6 * rng.next());
	const scale = Array.from({ length: features }, () => 0.5 + 2.5 * rng.next());
	for (let i = 0; i < x.length; i++) {
		if ((i & 0xfffff) === 0) {
			check();
		}
		const c = Math.floor(i / inner) % features;
		const z = distribution === 'normal' ? rng.normal() : Math.sqrt(12) * (rng.next() - 0.5);
		x[i] = offset[c] + scale[c] * z;
	}
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
	if (task.reducedAxes.some((a) => !Number.isInteger(a) || a < -task.shape.length || a >= task.shape.length)) {
		throw new Error(`Reduced axes [${task.reducedAxes.join(', ')}] do not fit a rank-${task.shape.length} tensor.`);
	}
	if (!(task.epsilon >= 0)) {
		throw new Error(`epsilon must be ≥ 0, got ${task.epsilon}.`);
	}
	return total;
}

function stats(m: Moments) {
	return { mean: m.mean, std: m.variance.map(Math.sqrt), min: m.min, max: m.max };
}

function histogram(x: Float32Array, bins = 64): Histogram {
	const stride = Math.max(1, Math.floor(x.length / (1 << 20)));
	let lo = Infinity;
	let hi = -Infinity;
	for (let i = 0; i < x.length; i += stride) {
		const v = x[i];
		if (v < lo) {
			lo = v;
		}
		if (v > hi) {
			hi = v;
		}
	}
	const counts = new Array<number>(bins).fill(0);
	if (!(hi > lo)) {
		return { lo: Number.isFinite(lo) ? lo : 0, hi: Number.isFinite(hi) ? hi : 0, counts };
	}
	const w = (hi - lo) / bins;
	for (let i = 0; i < x.length; i += stride) {
		const v = x[i];
		if (v >= lo && v <= hi) {
			counts[Math.min(bins - 1, Math.floor((v - lo) / w))]++;
		}
	}
	return { lo, hi, counts };
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
	normalize(x: Float32Array, y: Float32Array, layout: ReductionLayout, mean: Float64Array, variance: Float64Array, epsilon: number): void;
}

/** Runs one normalization layer on a seeded sample tensor held in shared memory. */
export async function normalize(task: NormalizeTask): Promise<NormalizeResult> {
	const started = performance.now();
	let npy: Uint8Array | undefined;
	if (task.npyPath) {
		try {
			npy = fs.readFileSync(task.npyPath);
		} catch (e) {
			throw new Error(`Cannot read ${task.npyPath}: ${(e as Error).message}`);
		}
		const header = wrapNpy(() => npyHeader(npy as Uint8Array));
		if (header.shape.length !== task.shape.length || header.shape.some((d, i) => i > 0 && d !== task.shape[i])) {
			throw new Error(`${task.npyPath} holds an array of shape (${header.shape.join(', ')}), but this layer's input is (N, ${task.shape.slice(1).join(', ')}).`);
		}
		task = { ...task, shape: header.shape };
	}
	const total = validate(task);
	const check = checker(task);
	const layout = reductionLayout(task.shape, task.reducedAxes, task.channelGroups);
	const featureAxis = task.channelGroups?.axis ?? layout.keptAxes[layout.keptAxes.length - 1] ?? task.shape.length - 1;
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
		normalize: (a, b, l, m, v, e) => normalizeJs(a, b, l, m, v, e, undefined, undefined),
	};
	const useWasm = k !== undefined && WasmKernels.supports(layout);
	const backend: Backend = useWasm
		? { name: k.name, moments: (t, l) => k.moments(t, l, arena), normalize: (a, b, l, m, v, e) => k.normalize(a, b, l, m, v, e, arena) }
		: js;
	const t0 = performance.now();
	if (npy) {
		const data = npy;
		wrapNpy(() => decodeNpy(data, x));
	} else {
		fill(x, task.shape, featureAxis, task.distribution, task.seed, check);
	}
	check();
	const t1 = performance.now();
	let before = backend.moments(x, layout);
	// NaN / Inf make SIMD sums NaN: recount those exactly with the JS kernel.
	if (backend !== js && before.mean.some((m) => !Number.isFinite(m))) {
		before = js.moments(x, layout);
	}
	check();
	const t2 = performance.now();
	backend.normalize(x, y, layout, before.mean, before.variance, task.epsilon);
	const t3 = performance.now();
	if (task.gamma || task.beta) {
		// γ and β are per feature: fold them in with the JS kernel on the normalized values.
		normalizeJs(y, y, layout, new Float64Array(layout.groups), new Float64Array(layout.groups).fill(1 - task.epsilon), task.epsilon, task.gamma, task.beta);
	}
	check();
	const t4 = performance.now();
	const after = backend.moments(y, layout);
	const t5 = performance.now();

	let running: NormalizeResult['running'] = null;
	if (task.momentum) {
		const n = layout.groupSize;
		const m = task.momentum.value;
		if (task.momentum.convention === 'keras' && m !== null) {
			// Keras 3: moving = moving·m + batch·(1 − m), biased variance.
			running = {
				mean: before.mean.map((mu) => 0 * m + mu * (1 - m)),
				variance: before.variance.map((v) => 1 * m + v * (1 - m)),
			};
		} else if (task.momentum.convention === 'torch') {
			// PyTorch: running = (1 − m)·running + m·batch, unbiased variance; momentum=None is a
			// cumulative average, which after one step is the batch statistic itself.
			const w = m ?? 1;
			const unbiased = n > 1 ? n / (n - 1) : NaN;
			running = {
				mean: before.mean.map((mu) => (1 - w) * 0 + w * mu),
				variance: before.variance.map((v) => (1 - w) * 1 + w * v * unbiased),
			};
		}
	}
	let maxMeanDeviation = 0;
	let maxStdDeviation = 0;
	const afterStats = stats(after);
	for (let c = 0; c < layout.groups; c++) {
		maxMeanDeviation = Math.max(maxMeanDeviation, Math.abs(afterStats.mean[c]));
		maxStdDeviation = Math.max(maxStdDeviation, Math.abs(afterStats.std[c] - 1));
	}
	const result: NormalizeResult = {
		kernel: NormalizeKernel,
		shape: task.shape,
		features: layout.groups,
		groupSize: layout.groupSize,
		before: stats(before),
		after: afterStats,
		histogramBefore: histogram(x),
		histogramAfter: histogram(y),
		nonFinite: Array.from(before.nonFinite),
		running,
		maxMeanDeviation,
		maxStdDeviation,
		backend: backend.name,
		elapsedMs: performance.now() - started,
		phases: { input: t1 - t0, stats: t2 - t1, normalize: t3 - t2, statsAfter: t5 - t4 },
	};
	arena.reset();
	return result;
}
