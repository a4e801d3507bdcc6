// Building the engine's tasks (sample run, simulation) from a layer and the user's options.
import type { LayerExplanation } from '../protocol/analysis';
import type {
	Distribution,
	Drift,
	NormalizeTask,
	RunMode,
	SimulateTask,
} from '../protocol/engineProtocol';
import { NormalizeKernel, SimulateKernel } from '../protocol/engineProtocol';

/** What a sample run needs besides the layer: the same for the extension and the CLI. */
export interface SampleOptions {
	batchSize: number;
	seed: number;
	memoryLimitMiB: number;
	npyPath?: string;
	distribution?: Distribution;
	mode?: RunMode;
	/** See NormalizeTask.sampleFeatureAxis. */
	sampleFeatureAxis?: number;
}

/** The engine task that runs a normalization layer on a sample tensor, or why it cannot run. */
export function sampleTaskFor(
	e: LayerExplanation,
	o: SampleOptions,
): { task: NormalizeTask } | { error: string } {
	if (!e.inputShape || !e.reducedAxes) {
		return {
			error: `The input shape of \`${e.name}\` is not known statically, so there is no sample tensor to run it on.`,
		};
	}
	const shape = e.inputShape.map((d, i) => (i === 0 && d === null ? o.batchSize : d));
	if (shape.some((d) => d === null)) {
		return {
			error: `The input shape of \`${e.name}\` has unknown sizes besides the batch: (${e.inputShape.map((d) => d ?? 'None').join(', ')}).`,
		};
	}
	if (e.epsilon === null) {
		return {
			error: `The ε of \`${e.name}\` is an expression NormLens cannot evaluate, so it cannot run the layer on a sample.`,
		};
	}
	return {
		task: {
			kernel: NormalizeKernel,
			shape: shape as number[],
			reducedAxes: e.reducedAxes,
			channelGroups: e.groups ?? undefined,
			form: e.form,
			epsilon: e.epsilon,
			seed: o.seed,
			distribution: o.distribution ?? 'normal',
			mode: o.mode ?? 'train',
			sampleFeatureAxis: o.sampleFeatureAxis,
			momentum: e.momentumConvention
				? { convention: e.momentumConvention, value: e.momentum }
				: null,
			maxElements: Math.floor((o.memoryLimitMiB * 2 ** 20) / 8),
			npyPath: o.npyPath,
		},
	};
}

/** What a training-steps simulation needs besides the layer (the extension and the CLI alike). */
export interface SimulateOptions {
	batchSize: number;
	seed: number;
	steps: number;
	memoryLimitMiB: number;
	distribution?: Distribution;
	drift?: Drift;
	noiseBatchSizes?: number[];
}

/**
 * The simulation task of a normalization layer, or why it cannot run. A layer without running
 * statistics still simulates: its batch statistics and their noise, with no running values and no
 * train/eval gap (the result says so).
 */
export function simulateTaskFor(
	e: LayerExplanation,
	o: SimulateOptions,
): { task: SimulateTask } | { error: string } {
	const built = sampleTaskFor(e, {
		batchSize: o.batchSize,
		seed: o.seed,
		memoryLimitMiB: o.memoryLimitMiB,
		distribution: o.distribution,
	});
	if ('error' in built) {
		return built;
	}
	const t = built.task;
	if (e.runningStatistics === null) {
		return {
			error: `\`${e.name}\`: ${e.momentumRule ?? 'whether it keeps running statistics is unknown'}, so NormLens cannot simulate its running statistics.`,
		};
	}
	return {
		task: {
			kernel: SimulateKernel,
			shape: t.shape,
			reducedAxes: t.reducedAxes,
			channelGroups: t.channelGroups,
			form: t.form,
			epsilon: t.epsilon,
			seed: t.seed,
			distribution: t.distribution,
			momentum: t.momentum,
			steps: o.steps,
			drift: o.drift,
			noiseBatchSizes: o.noiseBatchSizes,
			maxElements: t.maxElements,
		},
	};
}
