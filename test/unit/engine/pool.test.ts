import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { reductionLayout } from '../../../src/engine/kernels/layout';
import { moments } from '../../../src/engine/kernels/normalizeJs';
import { EnginePool } from '../../../src/host/enginePool';
import { NormalizeKernel, NormalizeTask } from '../../../src/protocol/engineProtocol';
import { repoRoot } from '../paths';

const worker = path.join(repoRoot, 'out', 'src', 'engine', 'engineWorker.js');
/** The split path from 2^20 elements on, as it was before the benchmark moved the product's threshold: the tests split small tensors. */
const SPLIT = 1 << 20;
const task: NormalizeTask = {
	kernel: NormalizeKernel,
	shape: [32, 50],
	reducedAxes: [0],
	epsilon: 1e-3,
	seed: 1,
	distribution: 'normal',
	momentum: null,
	maxElements: 1 << 28,
};
/** A task that runs for seconds whatever the machine: JS draws and JS kernels on 33.5 M values. */
const big: NormalizeTask = {
	...task,
	shape: [64, 128, 128, 32],
	backend: 'js',
	distribution: 'lognormal',
};

/** A float64 .npy of `shape` (C or Fortran order) with per-channel offsets, values from a formula. */
function writeNpy(
	shape: number[],
	fortran: boolean,
	nonFinite: ReadonlyMap<number, number> = new Map(),
	valueAt?: (i: number, c: number) => number,
): string {
	const n = shape.reduce((a, b) => a * b, 1);
	const header = `{'descr': '<f8', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}), }`;
	const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
	const values = new Float64Array(n);
	const [N, C, HW] = [shape[0], shape[1], shape[2] * shape[3]];
	for (let i = 0; i < n; i++) {
		// element i of the C-order tensor, stored at its own order's position
		const c = Math.floor(i / HW) % C;
		const v0 = valueAt ? valueAt(i, c) : 3 * c + Math.sin(i * 0.37) * (1 + c / C);
		const v = nonFinite.get(i) ?? v0;
		if (fortran) {
			const nIdx = Math.floor(i / (C * HW));
			const hw = i % HW;
			const [h, w] = [Math.floor(hw / shape[3]), hw % shape[3]];
			values[nIdx + N * (c + C * (h + shape[2] * w))] = v;
		} else {
			values[i] = v;
		}
	}
	const file = path.join(
		fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-npy-')),
		fortran ? 'f.npy' : 'c.npy',
	);
	const bytes = new Uint8Array(10 + padded.length + n * 8);
	bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
	new DataView(bytes.buffer).setUint16(8, padded.length, true);
	bytes.set(new TextEncoder().encode(padded), 10);
	bytes.set(new Uint8Array(values.buffer), 10 + padded.length);
	fs.writeFileSync(file, bytes);
	return file;
}

describe('engine pool (Piscina)', function () {
	this.timeout(60_000);
	let pool: EnginePool;

	beforeEach(() => {
		pool = new EnginePool(worker, 2, undefined, undefined, SPLIT);
	});

	/** Pools a test makes for itself (another progress poll interval), disposed after it. */
	const extraPools: EnginePool[] = [];

	afterEach(async () => {
		await pool.dispose();
		await Promise.all(extraPools.splice(0).map((p) => p.dispose()));
	});

	it('runs tasks in worker threads with the SIMD kernels', async () => {
		const r = await pool.normalize(task);
		assert.strictEqual(r.backend, 'wasm-simd');
		assert.strictEqual(r.features, 50);
	});

	it('splits a large tensor between the two workers: same statistics as one worker, exactly merged (Chan)', async () => {
		const shape = [16, 32, 32, 64];
		const split = await pool.normalize({
			...task,
			shape,
			reducedAxes: [0, 1, 2],
			momentum: { convention: 'torch', value: 0.1 },
		});
		assert.strictEqual(split.backend, 'wasm-simd ×2 workers');
		const single = await pool.normalize({
			...task,
			shape,
			reducedAxes: [0, 1, 2],
			momentum: { convention: 'torch', value: 0.1 },
			backend: 'js',
		});
		assert.strictEqual(single.backend, 'js');
		for (let c = 0; c < 64; c++) {
			assert.ok(
				Math.abs(split.before.mean[c] - single.before.mean[c]) <=
					1e-6 * single.before.std[c],
				`mean ${c}`,
			);
			assert.ok(
				Math.abs(split.before.std[c] - single.before.std[c]) <= 1e-6 * single.before.std[c],
				`std ${c}`,
			);
			assert.strictEqual(split.before.min[c], single.before.min[c]);
			assert.ok(Math.abs(split.after.mean[c]) < 1e-5);
			assert.ok(
				Math.abs(
					(split.running as { variance: Float64Array }).variance[c] -
						(single.running as { variance: Float64Array }).variance[c],
				) < 1e-6,
			);
		}
		// The workers' histograms add up to the one-worker histogram of the same tensor.
		assert.deepStrictEqual(split.histogramBefore, single.histogramBefore);
		const sampled = single.histogramAfter.counts.reduce((a, b) => a + b, 0);
		assert.strictEqual(
			split.histogramAfter.counts.reduce((a, b) => a + b, 0),
			sampled,
		);
		assert.ok(
			Math.abs(split.histogramAfter.lo - single.histogramAfter.lo) < 1e-5 &&
				Math.abs(split.histogramAfter.hi - single.histogramAfter.hi) < 1e-5,
		);
		// NCHW planes split too.
		const planes = await pool.normalize({
			...task,
			shape: [16, 64, 32, 32],
			reducedAxes: [0, 2, 3],
		});
		assert.strictEqual(planes.backend, 'wasm-simd ×2 workers');
		const planes1 = await pool.normalize({
			...task,
			shape: [16, 64, 32, 32],
			reducedAxes: [0, 2, 3],
			backend: 'js',
		});
		for (let c = 0; c < 64; c++) {
			assert.ok(
				Math.abs(planes.before.mean[c] - planes1.before.mean[c]) <=
					1e-6 * planes1.before.std[c],
			);
			assert.ok(
				Math.abs(planes.before.std[c] - planes1.before.std[c]) <=
					1e-6 * planes1.before.std[c],
			);
		}
	});

	it('splits a channels-first GroupNorm too: the same per-(sample, group) statistics as the js kernels in one task', async () => {
		const t = {
			...task,
			shape: [16, 64, 32, 32],
			reducedAxes: [1, 2, 3],
			channelGroups: { axis: 1, count: 8 },
		};
		const split = await pool.normalize(t);
		assert.strictEqual(split.backend, 'wasm-simd ×2 workers');
		const single = await pool.normalize({ ...t, backend: 'js' });
		assert.strictEqual(split.features, 16 * 8);
		for (let g = 0; g < 16 * 8; g++) {
			assert.ok(
				Math.abs(split.before.mean[g] - single.before.mean[g]) <=
					1e-6 * single.before.std[g],
				`mean ${g}`,
			);
			assert.ok(
				Math.abs(split.before.std[g] - single.before.std[g]) <= 1e-6 * single.before.std[g],
				`std ${g}`,
			);
			assert.strictEqual(split.before.min[g], single.before.min[g]);
			assert.ok(Math.abs(split.after.mean[g]) < 1e-5);
		}
	});

	it('splits a large .npy run too (C order: each worker reads the chunks it claims from the file); Fortran order stays one task; both match the js kernels', async () => {
		const shape = [64, 64, 16, 16];
		const t = { ...task, shape: [1, 64, 16, 16], reducedAxes: [0, 2, 3] };
		const c = writeNpy(shape, false);
		const split = await pool.normalize({ ...t, npyPath: c });
		assert.strictEqual(split.backend, 'wasm-simd ×2 workers');
		assert.deepStrictEqual(split.shape, shape);
		const js = await pool.normalize({ ...t, npyPath: c, backend: 'js' });
		const f = await pool.normalize({ ...t, npyPath: writeNpy(shape, true) });
		assert.strictEqual(f.backend, 'wasm-simd');
		for (const r of [split, f]) {
			for (let ch = 0; ch < 64; ch++) {
				assert.ok(
					Math.abs(r.before.mean[ch] - js.before.mean[ch]) <= 1e-6 * js.before.std[ch],
					`${r.backend} mean ${ch}`,
				);
				assert.ok(
					Math.abs(r.before.std[ch] - js.before.std[ch]) <= 1e-6 * js.before.std[ch],
					`${r.backend} std ${ch}`,
				);
				assert.strictEqual(r.before.max[ch], js.before.max[ch]);
			}
		}
	});

	it('a constant input at ±float32 max normalizes to 0, as the frameworks give ((x − μ) first), in one task, a split run and the js kernels', async () => {
		const F32_MAX = 3.4028234663852886e38;
		// Channel c is constant: +max, −max, 1e30, or an ordinary value; (x − μ)·a is 0 in each.
		const constant = (_i: number, c: number) => [F32_MAX, -F32_MAX, 1e30, 7.5][c % 4];
		for (const shape of [
			[2, 8, 4, 4],
			[64, 64, 16, 16],
		]) {
			const file = writeNpy(shape, false, new Map(), constant);
			const t = { ...task, shape: [1, shape[1], shape[2], shape[3]], reducedAxes: [0, 2, 3] };
			for (const backend of ['wasm-simd', 'js'] as const) {
				const r = await pool.normalize({ ...t, npyPath: file, backend });
				const label = `${shape.join('×')} ${r.backend}`;
				for (let ch = 0; ch < shape[1]; ch++) {
					assert.strictEqual(
						r.before.mean[ch],
						Math.fround(constant(0, ch)),
						`${label} μ ${ch}`,
					);
					assert.strictEqual(r.before.std[ch], 0, `${label} σ ${ch}`);
					assert.strictEqual(r.after.mean[ch], 0, `${label} mean after ${ch}`);
					assert.strictEqual(r.after.std[ch], 0, `${label} std after ${ch}`);
					assert.strictEqual(r.after.min[ch], 0, `${label} min after ${ch}`);
					assert.strictEqual(r.after.max[ch], 0, `${label} max after ${ch}`);
				}
				assert.strictEqual(
					r.nonFinite.reduce((a, b) => a + b, 0),
					0,
					label,
				);
			}
		}
	});

	it('a large .npy with NaN / Inf in a split run gives way to one task, which counts them per channel exactly', async () => {
		const shape = [64, 64, 16, 16];
		// Element i is in channel ⌊i / 256⌋ mod 64: a NaN in channel 3 of sample 0, an Inf in channel 10 of sample 63.
		const file = writeNpy(
			shape,
			false,
			new Map([
				[3 * 256 + 5, NaN],
				[63 * 64 * 256 + 10 * 256 + 7, Infinity],
			]),
		);
		const t = { ...task, shape: [1, 64, 16, 16], reducedAxes: [0, 2, 3] };
		const r = await pool.normalize({ ...t, npyPath: file });
		assert.ok(!r.backend.includes('workers'), r.backend);
		assert.deepStrictEqual(
			Array.from(r.nonFinite)
				.map((v, c) => (v ? `${c}:${v}` : ''))
				.filter(Boolean),
			['3:1', '10:1'],
		);
		const clean = await pool.normalize({ ...t, npyPath: writeNpy(shape, false) });
		assert.strictEqual(clean.backend, 'wasm-simd ×2 workers');
		for (const ch of [0, 20, 63]) {
			assert.ok(
				Math.abs(r.before.mean[ch] - clean.before.mean[ch]) <= 1e-6 * clean.before.std[ch],
				`mean ${ch}`,
			);
		}
	});

	it('the split path honours eval mode and the distribution like one worker does', async () => {
		const t = {
			...task,
			shape: [16, 32, 32, 64],
			reducedAxes: [0, 1, 2],
			momentum: { convention: 'torch', value: 0.1 } as const,
			mode: 'eval' as const,
			distribution: 'lognormal' as const,
		};
		const split = await pool.normalize(t);
		assert.strictEqual(split.backend, 'wasm-simd ×2 workers');
		const single = await pool.normalize({ ...t, backend: 'js' });
		assert.strictEqual(split.running, null);
		for (let c = 0; c < 64; c++) {
			assert.ok(
				Math.abs(split.after.mean[c] - single.after.mean[c]) <=
					1e-5 * (1 + Math.abs(single.after.mean[c])),
				`mean ${c}`,
			);
			assert.ok(
				Math.abs(split.after.std[c] - single.after.std[c]) <= 1e-5 * single.after.std[c],
				`std ${c}`,
			);
		}
	});

	it('cancels a running task (its latency is measured by npm run bench, not here)', async () => {
		const controller = new AbortController();
		const run = pool.normalize(big, controller.signal);
		run.catch(() => undefined);
		await new Promise((r) => setTimeout(r, 300));
		controller.abort();
		await assert.rejects(run, /cancelled/);
		// The worker is still alive and usable: cancellation is cooperative.
		assert.strictEqual((await pool.normalize(task)).features, 50);
	});

	/** A split run (WebAssembly, two workers) that lasts a while: 33.5 M generated values. */
	const bigSplit: NormalizeTask = {
		...task,
		shape: [64, 128, 128, 32],
		reducedAxes: [0, 1, 2],
		distribution: 'lognormal',
	};

	it('an already-aborted signal rejects at once with an AbortError; the task reaches no worker (Piscina semantics)', async () => {
		const controller = new AbortController();
		controller.abort();
		const t0 = performance.now();
		await assert.rejects(
			pool.normalize(task, controller.signal),
			(e: Error) => e.name === 'AbortError' && /cancelled/.test(e.message),
		);
		assert.ok(performance.now() - t0 < 50, 'rejected without waiting for a worker');
		assert.strictEqual(pool.started, false, 'no pool (no thread) was started for it');
		// Also with the pool running: the worker count of finished tasks does not move.
		await pool.normalize(task);
		assert.strictEqual(pool.completed, 1);
		await assert.rejects(pool.normalize(big, controller.signal), { name: 'AbortError' });
		await assert.rejects(pool.normalize(bigSplit, controller.signal), { name: 'AbortError' });
		assert.strictEqual(pool.completed, 1, 'no worker ran the aborted tasks');
		assert.strictEqual(pool.queued, 0);
	});

	it('aborting a queued task rejects it at once and takes it out of the queue, while a long task holds the only worker', async () => {
		const one = new EnginePool(worker, 1);
		extraPools.push(one);
		const long = new AbortController();
		const running = one.normalize(big, long.signal);
		running.catch(() => undefined);
		let runningSettled = false;
		void running.finally(() => (runningSettled = true)).catch(() => undefined);
		const queued = new AbortController();
		const waiting = one.normalize(task, queued.signal);
		waiting.catch(() => undefined);
		await new Promise((r) => setTimeout(r, 200));
		assert.strictEqual(one.queued, 1, 'the second task waits for the only worker');
		const t0 = performance.now();
		queued.abort();
		await assert.rejects(
			waiting,
			(e: Error) => e.name === 'AbortError' && /cancelled/.test(e.message),
		);
		const ms = performance.now() - t0;
		assert.ok(ms < 100, `rejected in ${ms.toFixed(0)} ms, not after the long task`);
		assert.strictEqual(runningSettled, false, 'the long task is still running');
		assert.strictEqual(one.queued, 0, 'removed from the queue');
		long.abort();
		await assert.rejects(running, /cancelled/);
		// The queued task never ran: the worker finished only the long one, and it is usable.
		assert.strictEqual(one.completed, 1);
		assert.strictEqual((await one.normalize(task)).features, 50);
		assert.strictEqual(one.completed, 2);
	});

	it('a task queued behind a split run (which takes every worker) aborts at once too', async () => {
		const queued = new AbortController();
		const split = pool.normalize(bigSplit);
		const waiting = pool.normalize(task, queued.signal);
		waiting.catch(() => undefined);
		await new Promise((r) => setTimeout(r, 50));
		assert.strictEqual(pool.queued, 1);
		const t0 = performance.now();
		queued.abort();
		await assert.rejects(waiting, { name: 'AbortError' });
		assert.ok(performance.now() - t0 < 100);
		assert.strictEqual((await split).backend, 'wasm-simd ×2 workers');
	});

	it('idle workers retire after the idle timeout; the next run starts new ones', async () => {
		const brief = new EnginePool(worker, 2, undefined, 200, SPLIT);
		extraPools.push(brief);
		await brief.normalize(task);
		assert.ok(brief.threads.length >= 1);
		const deadline = performance.now() + 5_000;
		while (brief.threads.length > 0 && performance.now() < deadline) {
			await new Promise((r) => setTimeout(r, 50));
		}
		assert.strictEqual(brief.threads.length, 0, 'no thread left after 200 ms idle');
		assert.strictEqual((await brief.normalize(task)).features, 50);
	});

	it('memory a large run grew is given back: a worker drops its own after the run, the pool drops its shared memory once idle', async () => {
		// One worker, so that the memory asked about is the one that ran; the pool's memory is checked with two.
		const one = new EnginePool(worker, 1, undefined, 300);
		extraPools.push(one);
		await one.normalize({ ...task, shape: [1 << 24], reducedAxes: [0] });
		assert.strictEqual(
			await one.workerMemoryBytes(),
			0,
			'the worker kept 128 MiB after a 2^24-value run',
		);
		await one.normalize(task);
		const small = await one.workerMemoryBytes();
		assert.ok(small > 0 && small <= 64 << 20, `a small run's memory is kept (${small} bytes)`);
		const two = new EnginePool(worker, 2, undefined, 300, SPLIT);
		extraPools.push(two);
		const r = await two.normalize({
			...task,
			shape: [256, 256, 16, 32],
			reducedAxes: [0, 1, 2],
		});
		assert.strictEqual(r.backend, 'wasm-simd ×2 workers');
		assert.ok(
			two.poolMemoryBytes > 128 << 20,
			`the split run's pool memory: ${two.poolMemoryBytes}`,
		);
		const deadline = performance.now() + 5_000;
		while (two.poolMemoryBytes > 0 && performance.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		assert.strictEqual(
			two.poolMemoryBytes,
			0,
			'the pool memory is dropped 300 ms after the pool went idle',
		);
		assert.strictEqual(
			(await two.normalize({ ...task, shape: [64, 64, 16, 32], reducedAxes: [0, 1, 2] }))
				.backend,
			'wasm-simd ×2 workers',
			'the next split run starts a fresh memory',
		);
		assert.ok(two.poolMemoryBytes > 0 && two.poolMemoryBytes <= 64 << 20);
	});

	it('cancels a split run whose workers claim chunks from shared counters; the next split run is right', async () => {
		// Cancelled as soon as the workers report progress: mid-generation, whatever the machine's speed.
		const polled = new EnginePool(worker, 2, 1, undefined, SPLIT);
		extraPools.push(polled);
		const controller = new AbortController();
		await assert.rejects(
			polled.normalize(bigSplit, controller.signal, (f) => f > 0 && controller.abort()),
			/cancelled/,
		);
		const next = await polled.normalize({
			...task,
			shape: [16, 32, 32, 64],
			reducedAxes: [0, 1, 2],
		});
		assert.strictEqual(next.backend, 'wasm-simd ×2 workers');
		// std(y) = σ/√(σ² + ε) per channel, from the run's own σ.
		const expected = Math.max(
			...Array.from(next.before.std, (s) => Math.abs(s / Math.sqrt(s * s + 1e-3) - 1)),
		);
		assert.ok(
			next.maxMeanDeviation < 1e-5 && Math.abs(next.maxStdDeviation - expected) < 1e-6,
			`after: ${next.maxMeanDeviation}, ${next.maxStdDeviation} vs ${expected}`,
		);
	});

	it('a worker that dies during a split run fails the run without leaving the other waiting for its chunks; the next split run succeeds', async () => {
		// A worker is stopped as soon as the run reports progress: mid-generation, whatever the machine's speed.
		const polled = new EnginePool(worker, 2, 1, undefined, SPLIT);
		extraPools.push(polled);
		let stopping: Promise<number> | undefined;
		const run = polled.normalize(bigSplit, undefined, (f) => {
			if (f > 0 && !stopping) {
				stopping = polled.threads[0].terminate();
			}
		});
		await assert.rejects(run, /engine worker stopped unexpectedly|Another engine worker/);
		await stopping;
		const next = await polled.normalize({
			...task,
			shape: [16, 32, 32, 64],
			reducedAxes: [0, 1, 2],
		});
		assert.strictEqual(next.backend, 'wasm-simd ×2 workers');
		assert.ok(next.maxMeanDeviation < 1e-5);
	});

	it('a layout with a group per sample beyond 65,536 groups stays one task (the split run publishes 8 values per group and chunk)', async () => {
		const manyGroups = await pool.normalize({ ...task, shape: [70_000, 16], reducedAxes: [1] });
		assert.strictEqual(manyGroups.backend, 'wasm-simd');
		assert.strictEqual(manyGroups.features, 70_000);
		const split = await pool.normalize({ ...task, shape: [65_536, 16], reducedAxes: [1] });
		assert.strictEqual(split.backend, 'wasm-simd ×2 workers');
		assert.ok(
			manyGroups.maxMeanDeviation < 1e-4 && split.maxMeanDeviation < 1e-4,
			`${manyGroups.maxMeanDeviation}, ${split.maxMeanDeviation}`,
		);
	});

	it('split runs and single tasks started together all finish (no worker waits forever for another)', async () => {
		const split = { ...task, shape: [16, 32, 32, 64], reducedAxes: [0, 1, 2] };
		const results = await Promise.all([
			pool.normalize(split),
			pool.normalize(task),
			pool.normalize({ ...split, seed: 2 }),
			pool.normalize({ ...task, seed: 3 }),
			pool.normalize({ ...split, shape: [16, 64, 32, 32], reducedAxes: [0, 2, 3] }),
		]);
		assert.deepStrictEqual(
			results.map((r) => r.backend),
			[
				'wasm-simd ×2 workers',
				'wasm-simd',
				'wasm-simd ×2 workers',
				'wasm-simd',
				'wasm-simd ×2 workers',
			],
		);
		assert.ok(results.every((r) => r.maxMeanDeviation < 1e-5));
	});

	it('reports the progress of a run, rising: one long task, a split run, and .npy runs counted by the file', async () => {
		// Read every 2 ms (the extension reads every 100 ms). What each run must show depends on how
		// long it lasts: the JS run takes seconds, the split run about 0.1 s, the split .npy run less.
		const polled = new EnginePool(worker, 2, 2, undefined, SPLIT);
		extraPools.push(polled);
		// A .npy run counts the file's batch (64), not the layer's (1), which would put the first pass at 100 %.
		const npyRun: NormalizeTask = {
			...task,
			shape: [1, 64, 16, 16],
			reducedAxes: [0, 2, 3],
			npyPath: writeNpy([64, 64, 16, 16], false),
			backend: 'js',
		};
		const runs: [NormalizeTask, (seen: number[]) => boolean][] = [
			[big, (seen) => seen.length >= 3 && seen[seen.length - 1] >= 0.5],
			[bigSplit, (seen) => seen.length >= 2],
			[{ ...npyRun, backend: 'auto' }, (seen) => seen.length >= 1],
			[npyRun, (seen) => seen.some((f) => f > 0 && f < 1)],
		];
		for (const [t, enough] of runs) {
			const seen: number[] = [];
			const r = await polled.normalize(t, undefined, (f) => seen.push(f));
			const list = `${r.backend}: ${seen.map((f) => f.toFixed(3)).join(' ')}`;
			assert.ok(enough(seen), list);
			assert.ok(
				seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f > seen[i - 1])),
				list,
			);
		}
	});

	it('refuses a tensor over the memory cap up front, naming the sizes', async () => {
		await assert.rejects(
			pool.normalize({ ...task, shape: [1024, 1024, 1024], maxElements: 1 << 24 }),
			/needs 8192 MiB \(input and output\), above the limit of 128 MiB/,
		);
	});

	it('a worker that dies mid-task fails that task with a clear error, and the next task succeeds', async () => {
		const run = pool.normalize(big);
		run.catch(() => undefined);
		await new Promise((r) => setTimeout(r, 200));
		await Promise.all(pool.threads.map((t) => t.terminate()));
		await assert.rejects(run, /engine worker stopped unexpectedly/);
		const next = await pool.normalize(task);
		assert.strictEqual(next.features, 50);
	});
});

describe("EnginePool.forward on a pool tensor (the benchmark's engine rows)", function () {
	this.timeout(60_000);

	for (const [title, shape, reducedAxes] of [
		['NCHW planes', [8, 16, 96, 96], [0, 2, 3]],
		['channels last', [4096, 288], [0]],
	] as const) {
		for (const dispatch of ['one', 'split'] as const) {
			it(`${title}, ${dispatch === 'one' ? 'one task' : 'a split round'}: training returns the batch statistics and normalizes in place; inference with given statistics`, async () => {
				const pool = new EnginePool(worker, 2, undefined, undefined, SPLIT);
				try {
					const n = shape.reduce((p, d) => p * d, 1);
					const t = pool.allocate(n);
					let s = 7;
					for (let i = 0; i < n; i++) {
						s = (Math.imul(s, 1103515245) + 12345) >>> 0;
						t.data[i] = 3 + 2 * (s / 2 ** 32) + (i % 7) * 0.25;
					}
					const original = Float32Array.from(t.data);
					const layout = reductionLayout([...shape], [...reducedAxes]);
					const ref = moments(original, layout);
					const r = await pool.forward(t, {
						shape: [...shape],
						reducedAxes: [...reducedAxes],
						epsilon: 1e-3,
						dispatch,
					});
					assert.ok(r);
					for (let c = 0; c < layout.groups; c++) {
						assert.ok(
							Math.abs(r.mean[c] - ref.mean[c]) < 1e-6 * Math.abs(ref.mean[c]),
							`mean ${c}`,
						);
						assert.ok(
							Math.abs(r.variance[c] - ref.variance[c]) < 1e-5 * ref.variance[c],
							`variance ${c}`,
						);
					}
					const groupOf = (i: number) =>
						layout.block?.inner === 1
							? i % layout.groups
							: Math.floor(i / (layout.block?.inner ?? 1)) % layout.groups;
					for (let i = 0; i < n; i += 997) {
						const c = groupOf(i);
						const y = (original[i] - ref.mean[c]) / Math.sqrt(ref.variance[c] + 1e-3);
						assert.ok(
							Math.abs(t.data[i] - y) < 1e-4,
							`y[${i}] = ${t.data[i]}, expected ${y}`,
						);
					}
					// Inference: the given statistics, no statistics returned.
					t.data.set(original);
					const stats = {
						mean: new Float64Array(layout.groups).fill(1),
						variance: new Float64Array(layout.groups).fill(4),
					};
					assert.strictEqual(
						await pool.forward(t, {
							shape: [...shape],
							reducedAxes: [...reducedAxes],
							epsilon: 0,
							statistics: stats,
							dispatch,
						}),
						null,
					);
					for (let i = 0; i < n; i += 991) {
						assert.ok(
							Math.abs(t.data[i] - (original[i] - 1) / 2) < 1e-5,
							`inference y[${i}]`,
						);
					}
					t.release();
					await assert.rejects(
						pool.forward(pool.allocate(10), {
							shape: [3, 4],
							reducedAxes: [0],
							epsilon: 0,
						}),
						/holds 10 values, the shape \(3, 4\) 12/,
					);
				} finally {
					await pool.dispose();
				}
			});
		}
	}
});
