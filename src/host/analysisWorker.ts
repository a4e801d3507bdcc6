// The analyser in a worker thread: one incremental analyser per document, the recent ones kept.
import { parentPort } from 'worker_threads';
import { IncrementalAnalyzer, notebookModuleReader } from '../core';
import type { FromAnalysisWorker, ToAnalysisWorker } from '../protocol/analysisWorkerProtocol';
import { localCallers, localModuleReader } from './localModules';

/**
 * The analyser in a worker thread (see AnalysisHost). One incremental analyser per document, the
 * most recently used kept (an edit re-uses the previous parse of its document).
 */
const analyzers = new Map<string, IncrementalAnalyzer>();
const KEEP = 32;
/**
 * How many documents keep their last analysis's objects for its call rows (`details`): a 5,000-line
 * model's are tens of MB, and the panel shows one model at a time.
 */
const KEEP_DETAILS = 4;
/** Per document, the message id of its last analysis (what a `details` request names). */
const lastAnalysis = new Map<string, number>();

function analyzerFor(key: string): IncrementalAnalyzer {
	let a = analyzers.get(key);
	if (a) {
		analyzers.delete(key);
	} else {
		a = new IncrementalAnalyzer();
	}
	analyzers.set(key, a);
	while (analyzers.size > KEEP) {
		const oldest = analyzers.keys().next().value as string;
		analyzers.delete(oldest);
		lastAnalysis.delete(oldest);
	}
	// Most recent last: only the last KEEP_DETAILS keep what their call rows need.
	[...analyzers.values()].slice(0, -KEEP_DETAILS).forEach((x) => x.forgetCallDetails());
	return a;
}

parentPort?.on('message', (m: ToAnalysisWorker) => {
	if (m.type === 'forget') {
		analyzers.delete(m.key);
		lastAnalysis.delete(m.key);
		return;
	}
	if (m.type === 'details') {
		// Only for the analysis the host names: a document analysed again since has other rows.
		const a = lastAnalysis.get(m.key) === m.of ? analyzers.get(m.key) : undefined;
		let reply: FromAnalysisWorker;
		try {
			reply = { type: 'details', id: m.id, details: a?.callDetails() ?? null };
		} catch (e) {
			reply = { type: 'details', id: m.id, details: null, message: (e as Error).message };
		}
		parentPort?.postMessage(reply);
		return;
	}
	let reply: FromAnalysisWorker;
	const analyzer = analyzerFor(m.key);
	lastAnalysis.set(m.key, m.id);
	try {
		const local = m.moduleDir ? localModuleReader(m.moduleDir) : undefined;
		const readModule = m.modules ? notebookModuleReader(m.modules, local) : local;
		// A .py file can be imported by the files beside it; a notebook cannot.
		const callers =
			m.moduleDir && m.fileName?.endsWith('.py')
				? {
						moduleName: m.fileName.slice(0, -3),
						callers: localCallers(m.moduleDir, m.fileName),
					}
				: {};
		reply = {
			type: 'result',
			id: m.id,
			result: analyzer.analyze(m.text, {
				torchInput: m.torchInput,
				deferCalls: m.deferCalls,
				readModule,
				printed: m.printed,
				cells: m.cells,
				...callers,
			}),
		};
	} catch (e) {
		reply = { type: 'failed', id: m.id, message: (e as Error).message };
	}
	parentPort?.postMessage(reply);
});
