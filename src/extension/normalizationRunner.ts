import * as path from 'path';
import * as vscode from 'vscode';
import { explainLayer } from '../core';
import { EnginePool } from '../host/enginePool';
import { sampleTaskFor } from '../host/sampleTask';
import type { NormalizeTask } from '../protocol/engineProtocol';
import { NormalizeKernel } from '../protocol/engineProtocol';
import type { LayerSummary } from '../protocol/analysis';
import type { PanelRunResult } from '../protocol/webviewProtocol';
import type { ExtensionConfig } from './config';

/** Builds engine tasks for normalization layers and runs them in the pool, with progress. */
export class NormalizationRunner implements vscode.Disposable {
	private readonly pool: EnginePool;

	constructor(extensionUri: vscode.Uri, config: () => ExtensionConfig) {
		this.config = config;
		this.pool = new EnginePool(path.join(extensionUri.fsPath, 'dist', 'engineWorker.js'), config().engineMaxThreads);
	}

	private readonly config: () => ExtensionConfig;

	/** The task for a layer, or a message saying why it cannot run. */
	taskFor(layer: LayerSummary): { task: NormalizeTask } | { error: string } {
		const e = explainLayer(layer);
		if (!e) {
			return { error: `${layer.type} \`${layer.name}\` is not a normalization layer NormLens can run.` };
		}
		const cfg = this.config();
		return sampleTaskFor(e, { batchSize: cfg.sampleBatchSize, seed: cfg.sampleSeed, memoryLimitMiB: cfg.engineMemoryLimitMiB });
	}

	async run(layer: LayerSummary, task: NormalizeTask): Promise<PanelRunResult> {
		return vscode.window.withProgress(
			{
				location: vscode.ProgressLocation.Notification,
				title: `NormLens: running ${layer.name} on a sample tensor (${task.shape.join('×')})`,
				cancellable: true,
			},
			async (_progress, token) => {
				const abort = new AbortController();
				const sub = token.onCancellationRequested(() => abort.abort());
				try {
					const r = await this.pool.normalize(task, abort.signal);
					return {
						layerName: layer.name,
						shape: r.shape,
						features: r.features,
						groupSize: r.groupSize,
						before: { mean: Array.from(r.before.mean), std: Array.from(r.before.std) },
						after: { mean: Array.from(r.after.mean), std: Array.from(r.after.std) },
						runningMean: r.running ? Array.from(r.running.mean) : null,
						runningVariance: r.running ? Array.from(r.running.variance) : null,
						maxMeanDeviation: r.maxMeanDeviation,
						maxStdDeviation: r.maxStdDeviation,
						elapsedMs: r.elapsedMs,
						seed: task.seed,
						epsilon: task.epsilon,
						backend: r.backend,
						histogramBefore: r.histogramBefore,
						histogramAfter: r.histogramAfter,
					};
				} finally {
					sub.dispose();
				}
			},
		);
	}

	/**
	 * Starts the pool's threads and lets V8 tier up the kernels (a 2^20-element run), so that the
	 * first real run is fast. Called a few seconds after activation, off its critical path; failures
	 * are ignored here (a real run reports them).
	 */
	async warmUp(): Promise<void> {
		const base = { kernel: NormalizeKernel, epsilon: 1e-3, seed: 0, distribution: 'normal', momentum: null, maxElements: 1 << 24 } as const;
		try {
			await this.pool.normalize({ ...base, shape: [256, 4096], reducedAxes: [0] });
			await this.pool.normalize({ ...base, shape: [4, 16], reducedAxes: [0] });
		} catch {
			// reported by the first real run instead
		}
	}

	dispose(): void {
		void this.pool.dispose();
	}
}
