// Engine runs for the extension: tasks for a layer, one run at a time in the pool, progress and cancel.
import { RunCancelled } from '../protocol/engineErrors';
import * as path from 'path';
import * as vscode from 'vscode';
import { EnginePool } from '../host/enginePool';
import { sampleTaskFor, simulateTaskFor } from '../host/sampleTask';
import type { LayerExplanation } from '../protocol/analysis';
import type {
	NormalizeResult,
	NormalizeTask,
	SimulateResult,
	SimulateTask,
} from '../protocol/engineProtocol';
import type { PanelRunResult, RunOptions, SimulationOptions } from '../protocol/webviewProtocol';
import type { ExtensionConfig } from './config';

/** A .npy file chosen as the sample source: real activations of one layer's input. */
export interface NpySource {
	path: string;
	name: string;
	shape: number[];
	/** The layer it was loaded for (its document, model and name): runs of other layers use the generated sample. */
	layer: { uri: string; model: string; name: string };
}

/**
 * Builds engine tasks for normalization layers and runs them in the pool, one run (or one
 * comparison) at a time, with progress and cancellation from the notification or the panel.
 */
export class NormalizationRunner implements vscode.Disposable {
	private readonly pool: EnginePool;
	private current: AbortController | undefined;

	constructor(
		extensionUri: vscode.Uri,
		private readonly config: () => ExtensionConfig,
	) {
		this.pool = new EnginePool(
			path.join(extensionUri.fsPath, 'dist', 'engineWorker.js'),
			config().engineMaxThreads,
		);
	}

	/** Run controls' initial values, from the settings. */
	defaults(): RunOptions {
		const cfg = this.config();
		return {
			batchSize: cfg.sampleBatchSize,
			seed: cfg.sampleSeed,
			distribution: 'normal',
			mode: 'train',
			useNpy: false,
		};
	}

	/** normlens.engine.memoryLimitMiB, for checking a .npy file's header when it is chosen. */
	get memoryLimitMiB(): number {
		return this.config().engineMemoryLimitMiB;
	}

	/** The task for a normalization layer, or a message saying why it cannot run. */
	taskFor(
		e: LayerExplanation,
		options: RunOptions,
		npy: NpySource | undefined,
		sampleFeatureAxis?: number,
	): { task: NormalizeTask } | { error: string } {
		if (options.useNpy && !npy) {
			return {
				error: 'No .npy file is loaded: run "NormLens: Load .npy as Sample Tensor" first.',
			};
		}
		return sampleTaskFor(e, {
			batchSize: options.batchSize,
			seed: options.seed,
			distribution: options.distribution,
			mode: options.mode,
			memoryLimitMiB: this.config().engineMemoryLimitMiB,
			npyPath: options.useNpy ? npy?.path : undefined,
			sampleFeatureAxis,
		});
	}

	/** The simulation task for a normalization layer, or a message saying why it cannot run. */
	simulationFor(
		e: LayerExplanation,
		options: RunOptions,
		simulation: SimulationOptions,
	): { task: SimulateTask } | { error: string } {
		return simulateTaskFor(e, {
			batchSize: options.batchSize,
			seed: options.seed,
			distribution: options.distribution,
			steps: simulation.steps,
			drift: simulation.drift,
			memoryLimitMiB: this.config().engineMemoryLimitMiB,
		});
	}

	/** Simulates training steps with a cancellable progress notification; a newer run or `cancel()` stops it. */
	async simulate(
		title: string,
		task: SimulateTask,
		onProgress?: (fraction: number) => void,
	): Promise<SimulateResult> {
		this.cancel();
		const abort = new AbortController();
		this.current = abort;
		try {
			return await vscode.window.withProgress(
				{
					location: vscode.ProgressLocation.Notification,
					title: `NormLens: ${title}`,
					cancellable: true,
				},
				async (progress, token) => {
					const sub = token.onCancellationRequested(() => abort.abort());
					let reported = 0;
					try {
						return await this.pool.simulate(task, abort.signal, (f) => {
							onProgress?.(f);
							const percent = Math.round(100 * f);
							if (percent > reported) {
								progress.report({ increment: percent - reported });
								reported = percent;
							}
						});
					} finally {
						sub.dispose();
					}
				},
			);
		} finally {
			if (this.current === abort) {
				this.current = undefined;
			}
		}
	}

	/** Runs one task with a cancellable progress notification; a newer run or `cancel()` stops it. */
	async run(
		title: string,
		task: NormalizeTask,
		onProgress?: (fraction: number) => void,
	): Promise<NormalizeResult> {
		const [r] = await this.runAll(title, [{ label: title, task }], undefined, onProgress);
		if (r instanceof Error) {
			throw r;
		}
		return r;
	}

	/**
	 * Runs tasks one after another under one cancellable progress notification (the compare view's
	 * four layers). Each outcome is reported as it arrives; after a cancel the rest are not started.
	 * `onProgress` gets the whole batch's fraction done (the panel's bar).
	 */
	async runAll(
		title: string,
		tasks: { label: string; task: NormalizeTask }[],
		onEach?: (index: number, outcome: NormalizeResult | Error) => void,
		onProgress?: (fraction: number) => void,
	): Promise<(NormalizeResult | Error)[]> {
		this.cancel();
		const abort = new AbortController();
		this.current = abort;
		try {
			return await vscode.window.withProgress(
				{
					location: vscode.ProgressLocation.Notification,
					title: `NormLens: ${title}`,
					cancellable: true,
				},
				async (progress, token) => {
					const sub = token.onCancellationRequested(() => abort.abort());
					const out: (NormalizeResult | Error)[] = [];
					// The notification's bar: task i at fraction f of its work is (i + f) / n of the whole
					// (VS Code takes increments, so only the difference to what was reported is sent).
					let reported = 0;
					const advanceTo = (percent: number, message?: string) => {
						onProgress?.(Math.min(1, percent / 100));
						if (percent > reported || message) {
							const increment = Math.max(0, percent - reported);
							progress.report(
								message === undefined ? { increment } : { message, increment },
							);
							reported = Math.max(reported, percent);
						}
					};
					try {
						for (const [i, t] of tasks.entries()) {
							if (tasks.length > 1) {
								advanceTo(
									(100 * i) / tasks.length,
									`${t.label} (${i + 1}/${tasks.length})`,
								);
							}
							let outcome: NormalizeResult | Error;
							if (abort.signal.aborted) {
								outcome = new RunCancelled();
							} else {
								try {
									outcome = await this.pool.normalize(t.task, abort.signal, (f) =>
										advanceTo((100 * (i + f)) / tasks.length),
									);
								} catch (e) {
									outcome = e instanceof Error ? e : new Error(String(e));
								}
							}
							out.push(outcome);
							onEach?.(i, outcome);
						}
						return out;
					} finally {
						sub.dispose();
					}
				},
			);
		} finally {
			if (this.current === abort) {
				this.current = undefined;
			}
		}
	}

	/** Stops the run in progress, if any (it fails with "cancelled"). */
	cancel(): void {
		this.current?.abort();
		this.current = undefined;
	}

	/** Warms the engine up (EnginePool.warmUp), a few seconds after activation, off its critical path. */
	async warmUp(): Promise<void> {
		await this.pool.warmUp();
	}

	dispose(): void {
		this.cancel();
		void this.pool.dispose();
	}
}

/** What the panel shows of one run (plain arrays: the message is serialised). */
export function panelResult(
	layerName: string,
	task: NormalizeTask,
	r: NormalizeResult,
	source: string,
): PanelRunResult {
	return {
		layerName,
		shape: r.shape,
		features: r.features,
		groupSize: r.groupSize,
		before: { mean: Array.from(r.before.mean), std: Array.from(r.before.std) },
		after: { mean: Array.from(r.after.mean), std: Array.from(r.after.std) },
		runningMean: r.running ? Array.from(r.running.mean) : null,
		runningVariance: r.running ? Array.from(r.running.variance) : null,
		maxMeanDeviation: r.maxMeanDeviation,
		maxStdDeviation: r.maxStdDeviation,
		guarantees: r.guarantees,
		elapsedMs: r.elapsedMs,
		seed: task.seed,
		epsilon: task.epsilon,
		backend: r.backend,
		histogramBefore: r.histogramBefore,
		histogramAfter: r.histogramAfter,
		mode: task.mode ?? 'train',
		distribution: task.distribution,
		source,
		nonFinite: r.nonFinite.reduce((a, b) => a + b, 0),
		phases: r.phases,
		...(r.views ? { views: r.views } : {}),
	};
}
