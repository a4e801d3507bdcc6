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
	/** Results sent with `callsDeferred`: the document and the analysis (worker message id) they came from. */
	private readonly origins = new WeakMap<AnalysisResult, { key: string; id: number }>();
	/** Their call rows, once asked for. */
	private readonly details = new WeakMap<AnalysisResult, Promise<CallDetails[] | null>>();
	private analyses = 0;

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
	 * The call rows that `result` left out (`callsDeferred`), computed by the worker when first
	 * asked for (in turn with the analyses): [] when none were left out, null when they are lost —
	 * the worker has analysed that document again since, let them go, or stopped — and the caller
	 * analyses the text again without deferring.
	 */
	callDetails(result: AnalysisResult): Promise<CallDetails[] | null> {
		if (!result.callsDeferred) {
			return Promise.resolve([]);
		}
		const origin = this.origins.get(result);
		if (!origin) {
			return Promise.resolve(null);
		}
		let details = this.details.get(result);
		if (!details) {
			details = this.queue.then(() =>
				this.exchange<CallDetails[] | null>(
					(id) => ({ type: 'details', id, key: origin.key, of: origin.id }),
					(m) => (m.type === 'details' ? m.details : undefined),
					() => null,
				),
			);
			this.queue = details.catch(() => undefined);
			this.details.set(result, details);
		}
		return details;
	}

	/** Analyses run so far (one per version that reached the worker; superseded ones are not counted). */
	get analysesStarted(): number {
		return this.analyses;
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

	private run(req: Omit<Request, 'type' | 'id'>): Promise<AnalysisResult> {
		this.analyses++;
		return this.exchange<AnalysisResult>(
			(id) => ({ type: 'analyze', id, ...req }),
			(m, id) => {
				if (m.type === 'result') {
					if (m.result.callsDeferred) {
						this.origins.set(m.result, { key: req.key, id });
					}
					return m.result;
				}
				return m.type === 'failed'
					? stopped(`NormLens could not analyse this file: ${m.message}`)
					: undefined;
			},
			stopped,
		);
	}

	/**
	 * One request to the worker and its reply (`reply` maps the worker's message with this
	 * request's id; undefined: not the answer). Past the time budget, on running out of memory or
	 * when the worker ends, the worker is stopped (a fresh one serves the next request) and the
	 * request answers `failed(why)`.
	 */
	private exchange<T>(
		message: (id: number) => ToAnalysisWorker,
		reply: (m: FromAnalysisWorker, id: number) => T | undefined,
		failed: (why: string) => T,
	): Promise<T> {
		if (this.disposed) {
			return Promise.resolve(failed('NormLens is shutting down.'));
		}
		let w: Worker;
		try {
			w = this.worker ?? this.start();
		} catch (e) {
			return Promise.resolve(
				failed(`NormLens could not start its analysis worker (${(e as Error).message}).`),
			);
		}
		const id = this.nextId++;
		return new Promise<T>((resolve) => {
			let settled = false;
			const finish = (r: T, restart: boolean) => {
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
				const r = m.id === id ? reply(m, id) : undefined;
				if (r !== undefined) {
					finish(r, false);
				}
			};
			const onError = (e: Error & { code?: string }) => {
				const memory = e.code === 'ERR_WORKER_OUT_OF_MEMORY' || /memory/i.test(e.message);
				finish(
					failed(
						memory
							? `NormLens stopped analysing this file: it needed more than its ${this.budget.heapMiB} MiB memory budget.`
							: `NormLens's analysis stopped on this file (${e.message}).`,
					),
					true,
				);
			};
			const onExit = () =>
				finish(
					failed("NormLens's analysis stopped on this file (its worker ended)."),
					true,
				);
			const timer = setTimeout(
				() =>
					finish(
						failed(
							`NormLens stopped analysing this file after ${this.budget.timeoutMs / 1000} s, its time budget.`,
						),
						true,
					),
				this.budget.timeoutMs,
			);
			w.on('message', onMessage);
			w.on('error', onError);
			w.on('exit', onExit);
			w.postMessage(message(id));
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
