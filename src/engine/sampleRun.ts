// A sample run in one worker (NormalizeTask): the seeded sample or a .npy file, its statistics, the
// normalization, the statistics of y and the panel's extras, assembled into a NormalizeResult.
/// <reference path="./wasm/webassembly.d.ts" />
import type { NormalizeResult, NormalizeTask } from '../protocol/engineProtocol';
import { distributions, normalizeForms } from '../protocol/engineProtocol';
import { decodeNpy, NpyError } from './npy';
import { npyOverLimit, npyTruncation, readNpyData, readNpyHead } from './npyFile';
import { Arena } from './kernels/arena';
import { reductionLayout, ReductionLayout } from './kernels/layout';
import {
	Centred,
	Moments,
	moments as momentsJs,
	normalize as normalizeJs,
	normalizeCentred as normalizeCentredJs,
} from './kernels/normalizeJs';
import { WasmKernels } from './kernels/normalizeWasm';
import { centredFor, finiteRange, histogramIn, runResult } from './result';
import { progressCounter } from './progress';
import { fillRange, sampleAxis } from './sampleFill';
import { checker, kernelsFor, releaseOversizedMemory, sharedMemory, wasm } from './workerMemory';

/** Checks a task once, with a message the host shows as is; returns its element count. */
export function validate(task: NormalizeTask): number {
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

/** Runs fn, turning the .npy reader's errors into plain ones (their message is what the user reads). */
export function wrapNpy<T>(fn: () => T): T {
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
	const k = await kernelsFor(task.backend);
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
	const result = runResult(task, layout, {
		before,
		after,
		histogramBefore: histogramIn(x, finiteRange(before.min, before.max)),
		histogramAfter: histogramIn(y, finiteRange(after.min, after.max)),
		nonFinite: Array.from(before.nonFinite),
		views,
		backend: backend.name,
		elapsedMs: performance.now() - started,
		phases: { input: t1 - t0, stats: t2 - t1, normalize: t3 - t2, statsAfter: t5 - t4 },
	});
	arena.reset();
	return result;
}
