// `normlens simulate FILE:LINE`: K training steps of the layer: running statistics, train/eval gap, batch noise.
import { simulateTaskFor } from '../host/sampleTask';
import type { LayerExplanation } from '../protocol/analysis';
import type { Distribution, Drift, SimulateResult } from '../protocol/engineProtocol';
import { CliError, option, runOptions } from './args';
import { layerAt } from './load';
import { CLI_MEMORY_LIMIT_MIB, withPool } from './pool';

export async function simulateCommand(
	target: string | undefined,
	args: string[],
	json: boolean,
	out: (s: string) => void,
): Promise<void> {
	const e = layerAt(target);
	const o = runOptions(args);
	const steps = Number(option(args, '--steps') ?? 200);
	if (!Number.isInteger(steps) || steps < 1) {
		throw new CliError(
			`--steps must be a positive integer, got ${option(args, '--steps')}.`,
			2,
		);
	}
	const drift = driftOption(option(args, '--drift'));
	const built = simulateTaskFor(e, {
		batchSize: o.batchSize,
		seed: o.seed,
		distribution: o.distribution,
		steps,
		drift,
		memoryLimitMiB: CLI_MEMORY_LIMIT_MIB,
	});
	if ('error' in built) {
		throw new CliError(built.error);
	}
	const r = await withPool((pool, onProgress) =>
		pool.simulate(built.task, undefined, onProgress),
	);
	if (json) {
		out(
			JSON.stringify(
				{
					layer: e.name,
					type: e.type,
					framework: e.framework,
					seed: o.seed,
					distribution: o.distribution,
					...r,
				},
				null,
				2,
			),
		);
	} else {
		out(simulateText(e, r, o.seed, o.distribution));
	}
}

/** --drift shift=S,scale=F (either part may be left out), checked. */
function driftOption(text: string | undefined): Drift | undefined {
	if (text === undefined) {
		return undefined;
	}
	const drift: Drift = { shift: 0, scale: 1 };
	for (const part of text.split(',')) {
		const m = /^(shift|scale)=(.+)$/.exec(part.trim());
		const v = m ? Number(m[2]) : NaN;
		if (!m || !Number.isFinite(v) || (m[1] === 'scale' && v <= 0)) {
			throw new CliError(
				`--drift takes shift=S,scale=F (a number of standard deviations the means move by the last step, and a positive factor for the standard deviations), got ${text}.`,
				2,
			);
		}
		drift[m[1] as keyof Drift] = v;
	}
	return drift;
}

/** A simulation in words: the running statistics' end state, the train/eval gap, the batch noise. */
function simulateText(
	e: LayerExplanation,
	r: SimulateResult,
	seed: number,
	distribution: Distribution,
): string {
	const f = (v: number) => (Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toFixed(4));
	const drift =
		r.drift.shift !== 0 || r.drift.scale !== 1
			? `, drifting (means +${r.drift.shift} σ, std ×${r.drift.scale} by the last step)`
			: '';
	const lines = [
		`${e.name}: ${r.steps} training steps on seeded ${distribution} batches of (${r.shape.join(', ')}) (seed ${seed}${drift}), ${r.backend}, ${r.elapsedMs.toFixed(0)} ms`,
	];
	if (r.final && r.gap && e.momentumRule) {
		lines.push(`running statistics: ${e.momentumRule}`);
		lines.push('channel   running mean   running var   last batch mean   last batch var');
		const last = r.trace.batchMean.length - 1;
		r.tracked.forEach((c, i) => {
			lines.push(
				`${String(c).padStart(7)}   ${f(r.final?.mean[c] ?? NaN).padStart(12)}   ${f(r.final?.variance[c] ?? NaN).padStart(11)}   ${f(r.trace.batchMean[last][i]).padStart(15)}   ${f(r.trace.batchVariance[last][i]).padStart(14)}`,
			);
		});
		if (r.runningGroups > r.tracked.length) {
			lines.push(
				`    … ${r.runningGroups - r.tracked.length} more channels (--json has them all)`,
			);
		}
		const at = (t: number) => `step ${t + 1}: ${f(r.gap?.mean[t] ?? NaN)}`;
		const marks = [0, Math.floor(r.steps / 10), Math.floor(r.steps / 2), r.steps - 1].filter(
			(t, i, a) => a.indexOf(t) === i,
		);
		lines.push(
			`train/eval gap (RMS of y_train − y_eval on the step's batch, mean over channels): ${marks.map(at).join(' · ')}`,
		);
	} else {
		lines.push(
			`${e.type} keeps no running statistics: training and inference normalize each batch with its own statistics, so there is no train/eval gap.`,
		);
	}
	if (r.noise.length > 0) {
		lines.push(
			`batch-statistics noise (std of a statistic's batch mean from step to step, in units of its std): ${r.noise.map((n) => `batch ${n.batchSize}: ${f(n.meanSpread)}`).join(' · ')}`,
		);
		lines.push(
			r.perSample
				? `each sample has its own statistics, so batch size does not change them (${e.type} does not care about the batch).`
				: 'the statistics pool the batch: their noise falls as 1/√batch, and small batches make training and inference disagree.',
		);
	}
	return lines.join('\n');
}
