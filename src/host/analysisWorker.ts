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

function analyzerFor(key: string): IncrementalAnalyzer {
	let a = analyzers.get(key);
	if (a) {
		analyzers.delete(key);
	} else {
		a = new IncrementalAnalyzer();
	}
	analyzers.set(key, a);
	while (analyzers.size > KEEP) {
		analyzers.delete(analyzers.keys().next().value as string);
	}
	return a;
}

parentPort?.on('message', (m: ToAnalysisWorker) => {
	if (m.type === 'forget') {
		analyzers.delete(m.key);
		return;
	}
	let reply: FromAnalysisWorker;
	const analyzer = analyzerFor(m.key);
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
	if (reply.type === 'result' && reply.result.callsDeferred) {
		// The rows the panel shows, computed once the hovers have their answer.
		let details: FromAnalysisWorker;
		try {
			details = { type: 'details', id: m.id, details: analyzer.callDetails() };
		} catch (e) {
			details = { type: 'details', id: m.id, details: null, message: (e as Error).message };
		}
		parentPort?.postMessage(details);
	}
});
