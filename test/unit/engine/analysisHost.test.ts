import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { mergeCallDetails } from '../../../src/core';
import { AnalysisHost } from '../../../src/host/analysisHost';
import { examples, repoRoot } from '../paths';

/**
 * The editor's analyses run in a worker with a time and memory budget (the bundle `npm run build`
 * makes): past a budget the document gets an `analysis-stopped` result and the next analysis
 * starts a fresh worker — the extension host itself never blocks or dies.
 */
describe('analysis in a worker with a time and memory budget', function () {
	this.timeout(60_000);
	const worker = path.join(repoRoot, 'dist', 'analysisWorker.js');
	const text = fs.readFileSync(path.join(examples, 'tabular_bn.py'), 'utf8');

	before(() => {
		assert.ok(fs.existsSync(worker), 'dist/analysisWorker.js is built (npm run build)');
	});

	it('analyses in the worker, re-using the document’s parse between versions', async () => {
		const host = new AnalysisHost(worker);
		try {
			const a = await host.analyze({ key: 'file:///a.py', text });
			assert.strictEqual(a.models[0]?.totals.total, 2005);
			const b = await host.analyze({
				key: 'file:///a.py',
				text: text.replace('Dense(50', 'Dense(51'),
			});
			assert.notStrictEqual(b.models[0]?.totals.total, 2005);
		} finally {
			host.dispose();
		}
	});

	it('a result sent without its PyTorch call rows gets them when asked, as one full analysis has them; rows no longer there read as null', async () => {
		const torch = fs.readFileSync(path.join(examples, 'torch_blocks.py'), 'utf8');
		const host = new AnalysisHost(worker);
		try {
			const full = await host.analyze({ key: 'full', text: torch });
			assert.strictEqual(full.callsDeferred, undefined);
			assert.ok(full.models.some((m) => (m.calls?.length ?? 0) > 0));
			const first = await host.analyze({ key: 'deferred', text: torch, deferCalls: true });
			assert.strictEqual(first.callsDeferred, true);
			assert.ok(first.models.every((m) => m.calls === undefined));
			const details = await host.callDetails(first);
			assert.ok(details && details.length > 0, 'the rows arrive');
			// Asked again: the same answer, not a second computation (which would find nothing).
			assert.strictEqual(await host.callDetails(first), details);
			mergeCallDetails(first, details);
			assert.deepStrictEqual(first, full);
			// A result that left nothing out has nothing to wait for.
			assert.deepStrictEqual(await host.callDetails(full), []);
			// The document analysed again before its rows were asked for: the old result's are gone.
			const old = await host.analyze({ key: 'edited', text: torch, deferCalls: true });
			const edited = await host.analyze({
				key: 'edited',
				text: `${torch}\n`,
				deferCalls: true,
			});
			assert.strictEqual(await host.callDetails(old), null);
			assert.ok(((await host.callDetails(edited)) ?? []).length > 0);
			// Only the last four documents keep what their rows need (a model's objects are large).
			const results = [];
			for (const key of ['d1', 'd2', 'd3', 'd4', 'd5']) {
				results.push(await host.analyze({ key, text: torch, deferCalls: true }));
			}
			assert.strictEqual(await host.callDetails(results[0]), null);
			assert.ok(((await host.callDetails(results[1])) ?? []).length > 0);
		} finally {
			host.dispose();
		}
		// A worker that ends while it computes the rows: they read as null (the editor then
		// analyses the text again in full), and the next analysis starts a fresh worker.
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-deferred-'));
		const dying = path.join(dir, 'worker.js');
		fs.writeFileSync(
			dying,
			`const { parentPort } = require('worker_threads');
parentPort.on('message', (m) => {
	if (m.type === 'details') process.exit(0);
	if (m.type !== 'analyze') return;
	parentPort.postMessage({ type: 'result', id: m.id, result: { models: [], callsDeferred: true, diagnostics: [], steps: 0, truncated: false } });
});`,
		);
		const short = new AnalysisHost(dying);
		try {
			const r = await short.analyze({ key: 'a', text: torch, deferCalls: true });
			assert.strictEqual(await short.callDetails(r), null);
			assert.strictEqual(
				(await short.analyze({ key: 'a', text: torch })).callsDeferred,
				true,
			);
		} finally {
			short.dispose();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it("a worker writes V8's code cache of its bundle after its first analysis; the next worker starts from it, and a damaged cache is replaced", async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-codecache-'));
		try {
			const first = new AnalysisHost(worker, undefined, dir);
			const file = first.codeCacheFile() as string;
			assert.match(path.basename(file), /^analysisWorker-[0-9a-f]{16}\.v8cache$/);
			try {
				assert.strictEqual(
					(await first.analyze({ key: 'a', text })).models[0]?.totals.total,
					2005,
				);
				await until(() => fs.existsSync(file), 'the cache written');
			} finally {
				first.dispose();
			}
			const written = fs.statSync(file).size;
			const writtenAt = fs.statSync(file).mtimeMs;
			assert.ok(written > 10_000, `${written} bytes of compiled code`);
			// A worker that starts from it analyses the same; it leaves an accepted cache as it is.
			const second = new AnalysisHost(worker, undefined, dir);
			try {
				assert.strictEqual(
					(await second.analyze({ key: 'a', text })).models[0]?.totals.total,
					2005,
				);
			} finally {
				second.dispose();
			}
			// (A refused cache would have been written again right after that analysis.)
			await new Promise((r) => setTimeout(r, 300));
			assert.strictEqual(fs.statSync(file).mtimeMs, writtenAt, 'V8 accepted the cache');
			// A damaged file (cut short): V8 refuses it, the worker compiles as without one and writes it anew.
			fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 1000));
			const third = new AnalysisHost(worker, undefined, dir);
			try {
				assert.strictEqual(
					(await third.analyze({ key: 'a', text })).models[0]?.totals.total,
					2005,
				);
				await until(() => fs.statSync(file).size > 1000, 'the cache written anew');
			} finally {
				third.dispose();
			}
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('a version still waiting when a newer one of the same document arrives is not analysed: its callers get the newer result', async () => {
		const host = new AnalysisHost(worker);
		try {
			// The first request occupies the worker; five versions of a.py then arrive while it runs.
			const busy = host.analyze({ key: 'file:///b.py', text });
			const versions = [51, 52, 53, 54, 55].map((units) =>
				host.analyze({
					key: 'file:///a.py',
					text: text.replace('Dense(50', `Dense(${units}`),
				}),
			);
			const other = host.analyze({ key: 'file:///c.py', text });
			const results = await Promise.all(versions);
			assert.strictEqual((await busy).models[0]?.totals.total, 2005);
			assert.strictEqual((await other).models[0]?.totals.total, 2005);
			const last = (
				await host.analyze({
					key: 'file:///d.py',
					text: text.replace('Dense(50', 'Dense(55'),
				})
			).models[0]?.totals.total;
			assert.ok(last !== undefined && last !== 2005);
			// Every caller of a.py sees the last version's model; the worker ran b, a (once), c and d.
			assert.deepStrictEqual(
				results.map((r) => r.models[0]?.totals.total),
				[last, last, last, last, last],
			);
			assert.strictEqual(host.analysesStarted, 4);
		} finally {
			host.dispose();
		}
	});

	it('past its time budget the worker is stopped, the result says so, and the next analysis works', async () => {
		const host = new AnalysisHost(worker, { timeoutMs: 1, heapMiB: 512 });
		try {
			const stopped = await host.analyze({ key: 'k', text });
			assert.deepStrictEqual(stopped.models, []);
			assert.match(stopped.diagnostics[0]?.message ?? '', /after 0\.001 s, its time budget/);
		} finally {
			host.dispose();
		}
		const again = new AnalysisHost(worker, { timeoutMs: 30_000, heapMiB: 512 });
		try {
			assert.strictEqual(
				(await again.analyze({ key: 'k', text })).models[0]?.totals.total,
				2005,
			);
		} finally {
			again.dispose();
		}
	});

	it('past its memory budget the worker ends, not the host; the result names the budget', async () => {
		const host = new AnalysisHost(worker, { timeoutMs: 30_000, heapMiB: 8 });
		try {
			const big = `import torch.nn as nn\nlayers = []\n${'layers.append(nn.Linear(64, 64))\n'.repeat(40_000)}net = nn.Sequential(*layers)\n`;
			const r = await host.analyze({ key: 'big', text: big });
			assert.deepStrictEqual(r.models, []);
			assert.match(r.diagnostics[0]?.message ?? '', /8 MiB memory budget|analysis stopped/);
			assert.strictEqual(r.diagnostics[0]?.code, 'analysis-stopped');
		} finally {
			host.dispose();
		}
	});
});

async function until(ok: () => boolean, what: string): Promise<void> {
	for (let i = 0; i < 200 && !ok(); i++) {
		await new Promise((r) => setTimeout(r, 25));
	}
	assert.ok(ok(), `${what} within 5 s`);
}
