import * as assert from 'assert';
import * as path from 'path';
import { EnginePool } from '../../../src/host/enginePool';
import { NormalizeKernel, NormalizeTask } from '../../../src/protocol/engineProtocol';
import { repoRoot } from '../paths';

const worker = path.join(repoRoot, 'out', 'src', 'engine', 'engineWorker.js');
const task: NormalizeTask = { kernel: NormalizeKernel, shape: [32, 50], reducedAxes: [0], epsilon: 1e-3, seed: 1, distribution: 'normal', momentum: null, maxElements: 1 << 28 };
const big: NormalizeTask = { ...task, shape: [64, 128, 128, 32] };

describe('engine pool (Piscina)', function () {
	this.timeout(60_000);
	let pool: EnginePool;

	beforeEach(() => {
		pool = new EnginePool(worker, 2);
	});

	afterEach(async () => {
		await pool.dispose();
	});

	it('runs tasks in worker threads with the SIMD kernels', async () => {
		const r = await pool.normalize(task);
		assert.strictEqual(r.backend, 'wasm-simd');
		assert.strictEqual(r.features, 50);
	});

	it('cancels a running task (its latency is measured by npm run bench, not here)', async () => {
		const controller = new AbortController();
		const run = pool.normalize(big, controller.signal);
		await new Promise((r) => setTimeout(r, 300));
		controller.abort();
		await assert.rejects(run, /cancelled/);
		// The worker is still alive and usable: cancellation is cooperative.
		assert.strictEqual((await pool.normalize(task)).features, 50);
	});

	it('refuses a tensor over the memory cap up front, naming the sizes', async () => {
		await assert.rejects(pool.normalize({ ...task, shape: [1024, 1024, 1024], maxElements: 1 << 24 }), /needs 8192 MiB \(input and output\), above the limit of 128 MiB/);
	});

	it('a worker that dies mid-task fails that task with a clear error, and the next task succeeds', async () => {
		const run = pool.normalize(big);
		await new Promise((r) => setTimeout(r, 200));
		await Promise.all(pool.threads.map((t) => t.terminate()));
		await assert.rejects(run, /engine worker stopped unexpectedly/);
		const next = await pool.normalize(task);
		assert.strictEqual(next.features, 50);
	});
});
