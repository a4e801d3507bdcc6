// `normlens compare FILE:LINE`: batch, layer, instance and group norm on one tensor, the layer's input.
import { channelAxisOf, compareNormalizations } from '../core';
import { sampleTaskFor } from '../host/sampleTask';
import type { LayerExplanation } from '../protocol/analysis';
import { CliError, runOptions } from './args';
import { layerAt } from './load';
import { CLI_MEMORY_LIMIT_MIB, resultJson, runTasks } from './pool';

export async function compareCommand(
	target: string | undefined,
	args: string[],
	json: boolean,
	out: (s: string) => void,
): Promise<void> {
	const e = layerAt(target);
	const o = runOptions(args);
	const shape = (e.inputShape ?? []).map((d, i) => (i === 0 ? (d ?? o.batchSize) : d));
	if (!e.inputShape || shape.some((d) => d === null)) {
		throw new CliError(
			`The input shape of \`${e.name}\` is not known statically, so there is no tensor to compare on.`,
		);
	}
	const c = compareNormalizations(e.framework, shape as number[], channelAxisOf(e));
	if ('error' in c) {
		throw new CliError(c.error);
	}
	const runnable = c.entries.filter((x) => x.explanation);
	const tasks = runnable.map((x) => {
		const built = sampleTaskFor(x.explanation as LayerExplanation, {
			...o,
			batchSize: c.shape[0],
			memoryLimitMiB: CLI_MEMORY_LIMIT_MIB,
			sampleFeatureAxis: c.channelAxis,
		});
		if ('error' in built) {
			throw new CliError(built.error);
		}
		return { ...built.task, views: true };
	});
	const results = await runTasks(tasks);
	const byFamily = new Map(runnable.map((x, i) => [x.family, results[i]]));
	if (json) {
		out(
			JSON.stringify(
				{
					layer: e.name,
					shape: c.shape,
					channelAxis: c.channelAxis,
					entries: c.entries.map((x) => {
						const r = byFamily.get(x.family);
						return {
							family: x.family,
							code: x.code,
							unavailable: x.unavailable ?? null,
							reducedAxes: x.explanation?.reducedAxes ?? null,
							statShape: x.explanation?.statShape ?? null,
							result: r ? resultJson(r) : null,
						};
					}),
				},
				null,
				2,
			),
		);
	} else {
		out(
			`Normalizations of the input of ${e.name}, (${c.shape.join(', ')}), one ${o.distribution} tensor (seed ${o.seed}), ${o.mode === 'eval' ? 'inference' : 'training'} mode:`,
		);
		for (const x of c.entries) {
			const r = byFamily.get(x.family);
			if (!r || !x.explanation) {
				out(`  ${x.title.padEnd(14)} ${x.unavailable ?? ''}`);
				continue;
			}
			const names = x.explanation.axisNames ?? [];
			const g = x.explanation.groups;
			const over = (x.explanation.reducedAxes ?? [])
				.map((a) =>
					g && a === g.axis
						? `${names[a]} (groups of ${c.shape[a] / g.count})`
						: names[a],
				)
				.join(', ');
			const v = r.views;
			const leaves = v
				? `   after: samples' means spread ${v.perSample.meanSpread.toFixed(3)}, channels' means spread ${v.perFeature.meanSpread.toFixed(3)}`
				: '';
			out(
				`  ${x.title.padEnd(14)} ${x.code.padEnd(42)} over ${over.padEnd(30)} ${String(r.features).padStart(6)} statistics × ${String(r.groupSize).padStart(8)} values${leaves}`,
			);
		}
		out(
			"  (spread: the standard deviation across samples or channels after normalization; 0 = the method removed those differences, as the input's samples and channels each have their own offset and scale)",
		);
	}
}
