// The worker's tasks on the pool-wide memory: its part of a split run's round (SplitTask) and a
// forward on a pool tensor (ResidentTask), with the .npy reads of a split run's chunks.
/// <reference path="./wasm/webassembly.d.ts" />
import * as fs from 'fs';
import type {
	ResidentResult,
	ResidentTask,
	SplitForward,
	SplitTask,
} from '../protocol/engineTasks';
import { decodeValues } from './npy';
import { Arena } from './kernels/arena';
import { reductionLayout } from './kernels/layout';
import { forwardChunks, normalizeChunks } from './chunkRun';
import { progressCounter } from './progress';
import { centredFor } from './result';
import { CHUNK, fillRange, sampleAxis } from './sampleFill';
import { wrapNpy } from './sampleRun';
import { openRegularFile } from './userFiles';
import { checker, poolMemory, poolWasm } from './workerMemory';

/**
 * A split run's one round in this worker: claim chunks, generate (or read) and reduce each, then,
 * once every chunk is reduced, merge and normalize claimed chunks, with what the panel shows beyond
 * the forward: x's per-group extremes and the statistics of y (src/engine/slabs.ts). y's extremes
 * follow exactly from x's on the host (y = (x − m)·a + b in float32 is monotonic in x).
 */
export async function splitForward(task: SplitTask): Promise<SplitForward> {
	const memory = poolMemory();
	const k = await poolWasm();
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
 * part of a split round (ResidentTask).
 */
export async function residentForward(task: ResidentTask): Promise<ResidentResult> {
	const memory = poolMemory();
	const k = await poolWasm();
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
