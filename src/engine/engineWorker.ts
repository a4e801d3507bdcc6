import type { Distribution, NormalizeResult, NormalizeTask } from '../protocol/engineProtocol';
import { NormalizeKernel } from '../protocol/engineProtocol';
import { reductionLayout } from './kernels/layout';
import { moments, normalize as normalizeKernel } from './kernels/normalizeJs';
import { SeededRandom } from './random';

/**
 * The Piscina task module (bundled to `dist/engineWorker.js`; not named `worker.js`, which is
 * Piscina's own bootstrap). Every task validates its input here, once, and throws a specific
 * message that the host shows as is.
 */

function fill(x: Float32Array, shape: number[], featureAxis: number, distribution: Distribution, seed: number): void {
	const rng = new SeededRandom(seed);
	const features = shape[featureAxis] ?? 1;
	const inner = shape.slice(featureAxis + 1).reduce((p, d) => p * d, 1);
	// Per-feature offsets and scales, so that normalization has something to undo.
	const offset = Array.from({ length: features }, () => -3 + 6 * rng.next());
	const scale = Array.from({ length: features }, () => 0.5 + 2.5 * rng.next());
	for (let i = 0; i < x.length; i++) {
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

function stats(m: ReturnType<typeof moments>) {
	return { mean: m.mean, std: m.variance.map(Math.sqrt), min: m.min, max: m.max };
}

/** Runs one normalization layer on a seeded sample tensor held in shared memory. */
export async function normalize(task: NormalizeTask): Promise<NormalizeResult> {
	const started = performance.now();
	const total = validate(task);
	const layout = reductionLayout(task.shape, task.reducedAxes, task.channelGroups);
	const featureAxis = task.channelGroups?.axis ?? layout.keptAxes[layout.keptAxes.length - 1] ?? task.shape.length - 1;
	const x = new Float32Array(new SharedArrayBuffer(total * 4));
	const y = new Float32Array(new SharedArrayBuffer(total * 4));
	fill(x, task.shape, featureAxis, task.distribution, task.seed);
	const before = moments(x, layout);
	normalizeKernel(x, y, layout, before.mean, before.variance, task.epsilon, task.gamma, task.beta);
	const after = moments(y, layout);

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
	return {
		kernel: NormalizeKernel,
		shape: task.shape,
		features: layout.groups,
		groupSize: layout.groupSize,
		before: stats(before),
		after: afterStats,
		running,
		maxMeanDeviation,
		maxStdDeviation,
		backend: 'js',
		elapsedMs: performance.now() - started,
	};
}
