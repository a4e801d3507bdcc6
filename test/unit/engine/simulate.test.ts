import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { simulationBatch } from '../../../src/engine/engineWorker';
import type { StepsTask } from '../../../src/protocol/engineTasks';
import { moments } from '../../../src/engine/kernels/normalizeJs';
import { reductionLayout } from '../../../src/engine/kernels/layout';
import { encodeNpy } from '../../../src/engine/npy';
import { NO_DRIFT } from '../../../src/engine/simulation';
import { EnginePool, simulateProblem } from '../../../src/host/enginePool';
import { SimulateKernel, SimulateTask } from '../../../src/protocol/engineProtocol';
import { repoRoot } from '../paths';

/**
 * "Simulate Training Steps" against real PyTorch (Debian's python3-torch): the simulation's batches
 * are written to .npy files (the same values the workers reduce: the counter-based generator gives
 * them whole or block by block), nn.BatchNorm / nn.InstanceNorm run them in train() mode one step
 * each, and the running statistics after K steps and the train/eval gap of every step must agree.
 * Keras's convention is checked against a float64 loop written from its documented update.
 */

const worker = path.join(repoRoot, 'out', 'src', 'engine', 'engineWorker.js');

function base(over: Partial<SimulateTask>): SimulateTask {
	return {
		kernel: SimulateKernel,
		shape: [6, 5, 7, 3],
		reducedAxes: [0, 2, 3],
		epsilon: 1e-5,
		seed: 3,
		distribution: 'normal',
		momentum: { convention: 'torch', value: 0.1 },
		steps: 12,
		maxElements: 1 << 24,
		noiseBatchSizes: [],
		...over,
	};
}

/** Writes the task's K batches as step<t>.npy into a fresh folder. */
function writeBatches(task: SimulateTask): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-sim-'));
	const steps: Omit<StepsTask, 'claim' | 'maxElements' | 'steps'> = {
		...task,
		streamSeed: task.seed,
		drift: task.drift ?? NO_DRIFT,
	};
	for (let t = 0; t < task.steps; t++) {
		fs.writeFileSync(
			path.join(dir, `step${t}.npy`),
			encodeNpy(simulationBatch(steps, t, task.steps), task.shape),
		);
	}
	return dir;
}

interface TorchSteps {
	running_mean: number[];
	running_var: number[];
	num_batches_tracked: number;
	gap_mean: number[];
	gap_max: number[];
}

function torchSteps(dir: string, kind: 'batch' | 'instance', args: object): TorchSteps {
	const r = spawnSync(
		'/usr/bin/python3',
		[
			path.join(repoRoot, 'tools', 'torch_simulate_reference.py'),
			dir,
			kind,
			JSON.stringify(args),
		],
		{ encoding: 'utf8' },
	);
	assert.strictEqual(
		r.status,
		0,
		`PyTorch reference failed (is Debian's python3-torch installed?):\n${r.stderr}`,
	);
	return JSON.parse(r.stdout) as TorchSteps;
}

function close(
	actual: ArrayLike<number>,
	expected: ArrayLike<number>,
	tol: number,
	what: string,
): void {
	assert.strictEqual(actual.length, expected.length, `${what}: length`);
	for (let i = 0; i < expected.length; i++) {
		assert.ok(
			Math.abs(actual[i] - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])),
			`${what}[${i}]: ${actual[i]} vs ${expected[i]}`,
		);
	}
}

describe('Simulate Training Steps', function () {
	this.timeout(120_000);
	let pool: EnginePool;
	before(() => {
		pool = new EnginePool(worker, 2);
	});
	after(async () => {
		await pool.dispose();
	});

	const torchCases: { title: string; task: SimulateTask; kind: 'batch' | 'instance' }[] = [
		{ title: 'BatchNorm2d, momentum 0.1', task: base({}), kind: 'batch' },
		{
			title: 'BatchNorm2d, momentum=None (cumulative average), a drifting input',
			task: base({
				momentum: { convention: 'torch', value: null },
				drift: { shift: 2, scale: 1.5 },
				seed: 8,
			}),
			kind: 'batch',
		},
		{
			title: 'BatchNorm1d on (N, C), momentum 0.3, log-normal',
			task: base({
				shape: [16, 6],
				reducedAxes: [0],
				momentum: { convention: 'torch', value: 0.3 },
				distribution: 'lognormal',
				steps: 20,
			}),
			kind: 'batch',
		},
		{
			title: 'InstanceNorm2d with track_running_stats',
			task: base({ reducedAxes: [2, 3], steps: 9 }),
			kind: 'instance',
		},
	];
	for (const { title, task, kind } of torchCases) {
		it(`${title}: running statistics after K steps and the train/eval gap of every step match real PyTorch`, async () => {
			const r = await pool.simulate(task);
			const t = torchSteps(writeBatches(task), kind, {
				channels: task.shape[1],
				eps: task.epsilon,
				momentum: task.momentum?.value ?? null,
			});
			assert.ok(r.final, 'a layer with running statistics has final values');
			close(r.final.mean, t.running_mean, 2e-6, 'running_mean');
			close(r.final.variance, t.running_var, 2e-6, 'running_var');
			assert.strictEqual(r.final.batchesTracked, t.num_batches_tracked);
			assert.ok(r.gap);
			close(r.gap.mean, t.gap_mean, 2e-5, 'gap mean');
			close(r.gap.max, t.gap_max, 2e-5, 'gap max');
			// The gap shrinks as the running statistics converge (no drift) — or it is what PyTorch says.
			assert.strictEqual(r.steps, task.steps);
		});
	}

	it("Keras's convention (moving = m·moving + (1 − m)·batch, biased variance) against a float64 loop over the same batches, channels last", async () => {
		const task = base({
			shape: [4, 5, 6, 3],
			reducedAxes: [0, 1, 2],
			momentum: { convention: 'keras', value: 0.9 },
			steps: 15,
		});
		const r = await pool.simulate(task);
		const steps: Omit<StepsTask, 'claim' | 'maxElements' | 'steps'> = {
			...task,
			streamSeed: task.seed,
			drift: NO_DRIFT,
		};
		const layout = reductionLayout(task.shape, task.reducedAxes);
		const rm = [0, 0, 0];
		const rv = [1, 1, 1];
		for (let s = 0; s < task.steps; s++) {
			// Statistics in float64 straight from the batch's values (the JS kernel), then Keras's update.
			const m = moments(simulationBatch(steps, s, task.steps), layout);
			for (let c = 0; c < 3; c++) {
				rm[c] = 0.9 * rm[c] + 0.1 * m.mean[c];
				rv[c] = 0.9 * rv[c] + 0.1 * m.variance[c];
			}
		}
		assert.ok(r.final);
		close(r.final.mean, rm, 1e-6, 'moving_mean');
		close(r.final.variance, rv, 1e-6, 'moving_variance');
	});

	it("batch noise: BatchNorm's batch means scatter as 1/√(batch·H·W); GroupNorm's do not depend on the batch size", async () => {
		const shape = [32, 8, 16, 16];
		const bn = await pool.simulate(
			base({ shape, steps: 4, noiseBatchSizes: [2, 8, 32], noiseSteps: 48 }),
		);
		const gn = await pool.simulate(
			base({
				shape,
				steps: 4,
				reducedAxes: [2, 3],
				channelGroups: { axis: 1, count: 2 },
				momentum: null,
				noiseBatchSizes: [2, 8, 32],
				noiseSteps: 48,
			}),
		);
		for (const n of bn.noise) {
			const expected = 1 / Math.sqrt(n.batchSize * 256);
			assert.ok(
				Math.abs(n.meanSpread / expected - 1) < 0.2,
				`BN batch ${n.batchSize}: spread ${n.meanSpread} vs 1/√(${n.batchSize}·256) = ${expected}`,
			);
		}
		assert.ok(
			bn.noise[0].meanSpread > 3 * bn.noise[2].meanSpread,
			'BN: 16× the batch, 4× less scatter',
		);
		assert.strictEqual(gn.perSample, true);
		assert.strictEqual(bn.perSample, false);
		const spreads = gn.noise.map((n) => n.meanSpread);
		assert.ok(
			Math.max(...spreads) / Math.min(...spreads) < 1.25,
			`GN spreads ${spreads.join(', ')} should not depend on the batch`,
		);
		// Without running statistics there is no train/eval gap and no final state.
		assert.strictEqual(gn.gap, null);
		assert.strictEqual(gn.final, null);
	});

	it('one worker and two give the same statistics (steps are claimed, not split by value)', async () => {
		const task = base({ shape: [8, 16, 12, 12], steps: 10 });
		const two = await pool.simulate(task);
		const one = await pool.simulate({ ...task, workers: 1 });
		assert.deepStrictEqual(one.final, two.final);
		assert.strictEqual(one.workers, 1);
		assert.strictEqual(two.workers, 2);
	});

	it('refuses what cannot run with a specific message, before any worker starts; cancels a run', async () => {
		assert.match(
			simulateProblem(base({ steps: 0 })) ?? '',
			/steps must be an integer from 1 to/,
		);
		assert.match(
			simulateProblem(base({ shape: [8] })) ?? '',
			/concrete input shape with a batch axis/,
		);
		assert.match(
			simulateProblem(base({ drift: { shift: 0, scale: -1 } })) ?? '',
			/positive scale/,
		);
		assert.match(
			simulateProblem(base({ shape: [64, 1024, 1024], maxElements: 1 << 20 })) ?? '',
			/above the engine's limit/,
		);
		await assert.rejects(pool.simulate(base({ steps: 0 })), /steps must be/);
		const abort = new AbortController();
		const running = pool.simulate(base({ shape: [32, 64, 56, 56], steps: 2000 }), abort.signal);
		setTimeout(() => abort.abort(), 100);
		await assert.rejects(running, (e: Error) => e.name === 'AbortError');
	});
});
