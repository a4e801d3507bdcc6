// The analysis worker's host side: requests, budgets (time, heap), restarts, and what a stop says.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { AnalysisResult, CallDetails } from '../protocol/analysis';
import type { FromAnalysisWorker, ToAnalysisWorker } from '../protocol/analysisWorkerProtocol';

/** Budgets of one analysis: past them the worker is stopped and the result says why. */
export interface AnalysisBudget {
	/** Wall time of one analysis, every phase included (parse, interpretation, formatting). */
	timeoutMs: number;
	/** The worker's V8 heap (old generation), MiB. */
	heapMiB: number;
}

export const defaultAnalysisBudget: AnalysisBudget = { timeoutMs: 10_000, heapMiB: 1024 };

type Request = Extract<ToAnalysisWorker, { type: 'analyze' }>;

/** What an analysis is asked with (the worker's message without its type and number). */
export type AnalysisRequest = Omit<Request, 'type' | 'id'>;

/**
 * How a worker starts with V8's code cache: it compiles the bundle with the cached code of an
 * earlier worker (what that worker's first analysis compiled), and when there was none — or V8
 * refused it — writes one after its own first analysis. Measured on this machine: a fresh worker's
 * first analysis of `examples/tabular_bn.py` took 218–241 ms without it and 155–169 ms with it, of
 * the 5,000-line Keras file about 1 s and 0.85 s. The cache file is named by the bundle's content
 * hash (V8 checks only the source's length), so a rebuilt bundle never meets an old cache. Plain
 * JavaScript: it is evaluated as the worker's script, next to the bundle it loads.
 */
const WITH_CODE_CACHE = `
const { parentPort, workerData } = require('worker_threads');
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Module = require('module');
const { file, cache } = workerData;
let cachedData;
try {
	cachedData = fs.readFileSync(cache);
} catch {}
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
const bundle = { exports: {} };
script.runInThisContext().call(bundle.exports, bundle.exports, require, bundle, file, path.dirname(file));
if (cachedData === undefined || script.cachedDataRejected) {
	// The bundle's own listener runs first: by then the first analysis has compiled what it needs.
	parentPort.once('message', () => {
		try {
			fs.mkdirSync(path.dirname(cache), { recursive: true });
			fs.writeFileSync(cache + '.part', script.createCachedData());
			fs.renameSync(cache + '.part', cache);
		} catch {}
	});
}
`;

/**
 * Runs analyses in one worker thread so that no input can take the extension host down: the
 * worker has a heap limit (running out ends the worker, not the host) and a time budget per
 * analysis (past it the host terminates the worker). Either way the document gets a result with
 * one `analysis-stopped` diagnostic, and the next request starts a fresh worker. Requests run one
 * at a time, in order.
 */
export class AnalysisHost {
	private worker: Worker | undefined;
	private nextId = 1;
	private queue: Promise<unknown> = Promise.resolve();
	/** Per document, the request still waiting for its turn: a newer version replaces its text. */
	private readonly waiting = new Map<
		string,
		{ req: Omit<Request, 'type' | 'id'>; result: Promise<AnalysisResult> }
	>();
	private disposed = false;
	/** The call rows still to come of results sent with `callsDeferred`. */
	private readonly details = new WeakMap<AnalysisResult, Promise<CallDetails[] | null>>();

	constructor(
		private readonly workerPath: string,
		private readonly budget: AnalysisBudget = defaultAnalysisBudget,
		/** Where the worker keeps V8's code cache of its bundle (WITH_CODE_CACHE); none: no cache. */
		private readonly codeCacheDir?: string,
	) {}

	/** The code cache file for the bundle as it is now, or undefined (no directory, or the bundle unreadable). */
	codeCacheFile(): string | undefined {
		if (!this.codeCacheDir) {
			return undefined;
		}
		try {
			const hash = crypto
				.createHash('sha256')
				.update(fs.readFileSync(this.workerPath))
				.digest('hex')
				.slice(0, 16);
			return path.join(this.codeCacheDir, `analysisWorker-${hash}.v8cache`);
		} catch {
			return undefined;
		}
	}

	/**
	 * Queues an analysis. While typing, versions arrive faster than they are analysed: a version
	 * that is still waiting when a newer one of the same document arrives is not analysed at all —
	 * its callers get the newer version's result (the one their editor shows by then).
	 */
	analyze(req: Omit<Request, 'type' | 'id'>): Promise<AnalysisResult> {
		const queued = this.waiting.get(req.key);
		if (queued) {
			queued.req = req;
			return queued.result;
		}
		const slot: { req: Omit<Request, 'type' | 'id'>; result: Promise<AnalysisResult> } = {
			req,
			result: Promise.resolve(stopped('')),
		};
		slot.result = this.queue.then(() => {
			if (this.waiting.get(req.key) === slot) {
				this.waiting.delete(req.key);
			}
			return this.run(slot.req);
		});
		this.waiting.set(req.key, slot);
		this.queue = slot.result.catch(() => undefined);
		return slot.result;
	}

	/**
	 * The call rows that `result` left out (`callsDeferred`), as the worker sends them after it;
	 * [] when none were left out, null when they are lost (the worker failed or was stopped
	 * meanwhile): the caller analyses again without deferring.
	 */
	callDetails(result: AnalysisResult): Promise<CallDetails[] | null> {
		if (!result.callsDeferred) {
			return Promise.resolve([]);
		}
		return this.details.get(result) ?? Promise.resolve(null);
	}

	/** Analyses run so far (one per version that reached the worker; superseded ones are not counted). */
	get analysesStarted(): number {
		return this.nextId - 1;
	}

	forget(key: string): void {
		this.worker?.postMessage({ type: 'forget', key } satisfies ToAnalysisWorker);
	}

	dispose(): void {
		this.disposed = true;
		void this.worker?.terminate();
		this.worker = undefined;
	}

	private start(): Worker {
		const resourceLimits = { maxOldGenerationSizeMb: this.budget.heapMiB };
		const cache = this.codeCacheFile();
		const w = cache
			? new Worker(WITH_CODE_CACHE, {
					eval: true,
					workerData: { file: this.workerPath, cache },
					resourceLimits,
				})
			: new Worker(this.workerPath, { resourceLimits });
		w.unref();
		// A worker that ends between requests (after a result, before its call rows) is not asked again.
		w.once('exit', () => {
			if (this.worker === w) {
				this.worker = undefined;
			}
		});
		this.worker = w;
		return w;
	}

	/**
	 * The `details` message that follows result `id`: null if the worker ends first, fails, or
	 * takes longer than an analysis may (then it is stopped, as a runaway analysis is).
	 */
	private detailsOf(w: Worker, id: number): Promise<CallDetails[] | null> {
		return new Promise((resolve) => {
			const done = (d: CallDetails[] | null) => {
				clearTimeout(timer);
				w.off('message', onMessage);
				w.off('exit', onExit);
				resolve(d);
			};
			const onMessage = (m: FromAnalysisWorker) => {
				if (m.id === id && m.type === 'details') {
					done(m.details);
				}
			};
			const onExit = () => done(null);
			const timer = setTimeout(() => {
				done(null);
				if (this.worker === w) {
					this.worker = undefined;
				}
				void w.terminate();
			}, this.budget.timeoutMs);
			timer.unref();
			w.on('message', onMessage);
			w.on('exit', onExit);
		});
	}

	private run(req: Omit<Request, 'type' | 'id'>): Promise<AnalysisResult> {
		if (this.disposed) {
			return Promise.resolve(stopped('NormLens is shutting down.'));
		}
		let w: Worker;
		try {
			w = this.worker ?? this.start();
		} catch (e) {
			return Promise.resolve(
				stopped(`NormLens could not start its analysis worker (${(e as Error).message}).`),
			);
		}
		const id = this.nextId++;
		return new Promise<AnalysisResult>((resolve) => {
			let settled = false;
			const finish = (r: AnalysisResult, restart: boolean) => {
				if (settled) {
					return;
				}
				settled = true;
				clearTimeout(timer);
				w.off('message', onMessage);
				w.off('error', onError);
				w.off('exit', onExit);
				if (restart && this.worker === w) {
					this.worker = undefined;
					void w.terminate();
				}
				resolve(r);
			};
			const onMessage = (m: FromAnalysisWorker) => {
				if (m.id !== id || m.type === 'details') {
					return;
				}
				if (m.type === 'result' && m.result.callsDeferred) {
					this.details.set(m.result, this.detailsOf(w, id));
				}
				finish(
					m.type === 'result'
						? m.result
						: stopped(`NormLens could not analyse this file: ${m.message}`),
					false,
				);
			};
			const onError = (e: Error & { code?: string }) => {
				const memory = e.code === 'ERR_WORKER_OUT_OF_MEMORY' || /memory/i.test(e.message);
				finish(
					stopped(
						memory
							? `NormLens stopped analysing this file: it needed more than its ${this.budget.heapMiB} MiB memory budget.`
							: `NormLens's analysis stopped on this file (${e.message}).`,
					),
					true,
				);
			};
			const onExit = () =>
				finish(
					stopped("NormLens's analysis stopped on this file (its worker ended)."),
					true,
				);
			const timer = setTimeout(
				() =>
					finish(
						stopped(
							`NormLens stopped analysing this file after ${this.budget.timeoutMs / 1000} s, its time budget.`,
						),
						true,
					),
				this.budget.timeoutMs,
			);
			w.on('message', onMessage);
			w.on('error', onError);
			w.on('exit', onExit);
			w.postMessage({ type: 'analyze', id, ...req } satisfies ToAnalysisWorker);
		});
	}
}

/** A result without models, with the reason the analysis stopped (the file's text is untouched). */
function stopped(message: string): AnalysisResult {
	return {
		models: [],
		diagnostics: [
			{
				range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
				severity: 'warning',
				code: 'analysis-stopped',
				message,
			},
		],
		steps: 0,
		truncated: true,
	};
}
