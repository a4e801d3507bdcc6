// `normlens run FILE:LINE`: the layer on a seeded sample tensor (or a .npy file) in the engine.
import { readNpyInfo } from '../host/npyInfo';
import { sampleTaskFor } from '../host/sampleTask';
import { CliError, option, runOptions } from './args';
import { layerAt } from './load';
import { CLI_MEMORY_LIMIT_MIB, resultJson, runTasks } from './pool';

export async function runCommand(
	target: string | undefined,
	args: string[],
	json: boolean,
	out: (s: string) => void,
): Promise<void> {
	const e = layerAt(target);
	const o = runOptions(args);
	const npyPath = option(args, '--npy');
	if (npyPath) {
		// Its header only, before any worker starts: not a regular file, truncated, or above the limit.
		try {
			readNpyInfo(npyPath, CLI_MEMORY_LIMIT_MIB);
		} catch (err) {
			const message = (err as Error).message;
			throw new CliError(message.includes(npyPath) ? message : `${npyPath}: ${message}`);
		}
	}
	const built = sampleTaskFor(e, { ...o, memoryLimitMiB: CLI_MEMORY_LIMIT_MIB, npyPath });
	if ('error' in built) {
		throw new CliError(built.error);
	}
	const [r] = await runTasks([built.task]);
	if (json) {
		out(
			JSON.stringify(
				{
					layer: e.name,
					mode: built.task.mode,
					distribution: built.task.distribution,
					...resultJson(r),
				},
				null,
				2,
			),
		);
	} else {
		const source = option(args, '--npy')
			? `${option(args, '--npy')}`
			: `a seeded ${o.distribution} tensor, seed ${o.seed}`;
		out(
			`${e.name} on ${source} (${r.shape.join('×')}), ${o.mode === 'eval' ? 'inference' : 'training'} mode: ${r.features} features × ${r.groupSize} values, ${r.backend} kernels, ${r.elapsedMs.toFixed(1)} ms`,
		);
		out('feature   mean before   std before   mean after   std after');
		for (let c = 0; c < Math.min(r.features, 16); c++) {
			out(
				`${String(c).padStart(7)}   ${fixed4(r.before.mean[c]).padStart(11)}   ${fixed4(r.before.std[c]).padStart(10)}   ${fixed4(r.after.mean[c]).padStart(10)}   ${fixed4(r.after.std[c]).padStart(9)}`,
			);
		}
		if (r.features > 16) {
			out(`    … ${r.features - 16} more`);
		}
		out(
			`after (γ = 1, β = 0): ${r.guarantees.map((g) => `${g.property} within ${g.worst.toExponential(2)}`).join(', ')}`,
		);
	}
}

/** Four decimals, without the sign of a value that rounds to zero ("-0.0000" reads as a real negative). */
function fixed4(v: number): string {
	const t = v.toFixed(4);
	return /^-0\.0+$/.test(t) ? t.slice(1) : t;
}
