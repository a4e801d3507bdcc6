// The extension's settings (normlens.*), read in one place.
import * as vscode from 'vscode';
import { clampMaxThreads, clampMemoryLimitMiB } from '../host/engineLimits';

/** Mirror of `contributes.configuration` (package.json); read in one place. */
export interface ExtensionConfig {
	/** Show model totals and "Inspect" above each model. */
	codeLensEnabled: boolean;
	/** Show output shape · params after each layer call. */
	inlayHintsEnabled: boolean;
	/** Batch size of the sample tensor for "Run Normalization on Sample Tensor". */
	sampleBatchSize: number;
	/** Seed of the sample tensor generator. */
	sampleSeed: number;
	/** Worker threads of the engine pool (0 = one per core), at most the machine's cores. */
	engineMaxThreads: number;
	/** Largest sample run, in MiB of input + output, in [16, 4096]. */
	engineMemoryLimitMiB: number;
	/** Example input shape for PyTorch models the source never calls (batch first). */
	torchInputShape: number[] | undefined;
	/** Diagnostic codes not shown (normlens.diagnostics.ignore, per workspace). */
	diagnosticsIgnore: ReadonlySet<string>;
}

export const configSection = 'normlens';

export function readConfig(): ExtensionConfig {
	const c = vscode.workspace.getConfiguration(configSection);
	return {
		codeLensEnabled: c.get<boolean>('codeLens.enabled', true),
		inlayHintsEnabled: c.get<boolean>('inlayHints.enabled', true),
		sampleBatchSize: c.get<number>('sample.batchSize', 32),
		sampleSeed: c.get<number>('sample.seed', 42),
		// Clamped: a workspace's settings are the file author's (package.json also restricts these two
		// in untrusted workspaces, where VS Code then reads the user's or the default value).
		engineMaxThreads: clampMaxThreads(c.get<unknown>('engine.maxThreads', 0)),
		engineMemoryLimitMiB: clampMemoryLimitMiB(c.get<unknown>('engine.memoryLimitMiB', 512)),
		torchInputShape: validShape(c.get<unknown>('torch.inputShape', null)),
		diagnosticsIgnore: codes(c.get<unknown>('diagnostics.ignore', [])),
	};
}

function validShape(v: unknown): number[] | undefined {
	return Array.isArray(v) && v.length > 0 && v.every((d) => Number.isInteger(d) && d > 0)
		? (v as number[])
		: undefined;
}

function codes(v: unknown): ReadonlySet<string> {
	return new Set(Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
}
