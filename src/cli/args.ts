// The command line: its usage text, the error that ends a command with an exit code, and the shared options.
import { distributions } from '../protocol/engineProtocol';
import type { Distribution, RunMode } from '../protocol/engineProtocol';

export const usage = `Usage:
  normlens summary FILE [--json] [--calls]
                                          models, per-layer shapes and parameter counts;
                                          --calls: a PyTorch forward call by call (torchinfo's
                                          rows); a Keras model with nested models as
                                          model.summary(expand_nested=True) lists it
  normlens explain FILE:LINE [--json]     what the normalization layer on LINE computes
  normlens run FILE:LINE [--json] [--batch N] [--seed S] [--npy X.npy]
                 [--distribution normal|uniform|lognormal] [--mode train|eval]
                                          run that layer on a seeded sample tensor
                                          (or on real activations from a .npy file)
  normlens compare FILE:LINE [--json] [--batch N] [--seed S] [--distribution D] [--mode M]
                                          batch, layer, instance and group norm on that
                                          layer's input, one tensor for all four
  normlens simulate FILE:LINE [--json] [--steps K] [--batch N] [--seed S]
                 [--drift shift=S,scale=F] [--distribution D]
                                          K training steps (default 200) of that layer on
                                          seeded batches: running statistics, train/eval
                                          gap per step, batch-statistics noise at batch 2, 8, 32
FILE is a .py file or a .ipynb notebook (LINE counts the notebook's code cells joined in order).`;

/** A failure the user can act on: its message goes to stderr, its code is the exit code (1, or 2 for usage). */
export class CliError extends Error {
	constructor(
		message: string,
		readonly code = 1,
	) {
		super(message);
	}
}

export function parseTarget(arg: string | undefined): { file: string; line: number } {
	const m = arg ? /^(.*):(\d+)$/.exec(arg) : null;
	if (!m) {
		throw new CliError(`Expected FILE:LINE, got ${arg ?? 'nothing'}.\n\n${usage}`, 2);
	}
	return { file: m[1], line: Number(m[2]) };
}

export function option(args: string[], name: string): string | undefined {
	const i = args.indexOf(name);
	return i >= 0 ? args[i + 1] : undefined;
}

/** --batch, --seed, --distribution and --mode, checked. */
export function runOptions(args: string[]): {
	batchSize: number;
	seed: number;
	distribution: Distribution;
	mode: RunMode;
} {
	const batchSize = Number(option(args, '--batch') ?? 32);
	const seed = Number(option(args, '--seed') ?? 42);
	const distribution = (option(args, '--distribution') ?? 'normal') as Distribution;
	const mode = (option(args, '--mode') ?? 'train') as RunMode;
	if (!Number.isInteger(batchSize) || batchSize < 1) {
		throw new CliError(
			`--batch must be a positive integer, got ${option(args, '--batch')}.`,
			2,
		);
	}
	if (!Number.isInteger(seed)) {
		throw new CliError(`--seed must be an integer, got ${option(args, '--seed')}.`, 2);
	}
	if (!distributions.includes(distribution)) {
		throw new CliError(
			`--distribution must be one of ${distributions.join(', ')}, got ${distribution}.`,
			2,
		);
	}
	if (mode !== 'train' && mode !== 'eval') {
		throw new CliError(`--mode must be train or eval, got ${String(mode)}.`, 2);
	}
	return { batchSize, seed, distribution, mode };
}
