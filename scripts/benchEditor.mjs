// The editor part of `npm run bench` (issue #5): hover / CodeLens / inlay-hint latency on large
// files and activation time, measured by test/integration/latency.test.ts inside the real VS Code
// extension host (the VS Code server driven by headless Chromium, as `npm test` runs its
// integration suites), and the size of what ships.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { writeLatencyInputs } from './benchInputs.mjs';
import { launchChromium, startServer } from './vscodeServer.mjs';

function newestMtime(dir) {
	let newest = 0;
	for (const f of fs.readdirSync(dir, { recursive: true })) {
		const s = fs.statSync(path.join(dir, f));
		if (s.isFile()) {
			newest = Math.max(newest, s.mtimeMs);
		}
	}
	return newest;
}

const tool = (repoRoot, name) => path.join(repoRoot, 'node_modules', '.bin', name);

/** Rebuilds dist/ when a source is newer than the extension bundle (or it is missing). */
function ensureBuilt(repoRoot, log) {
	const bundle = path.join(repoRoot, 'dist', 'extension.js');
	if (
		fs.existsSync(bundle) &&
		fs.statSync(bundle).mtimeMs >= newestMtime(path.join(repoRoot, 'src'))
	) {
		return false;
	}
	log('dist/ is older than src/: building (webpack --mode production) …');
	const r = spawnSync(process.execPath, [tool(repoRoot, 'webpack'), '--mode', 'production'], {
		cwd: repoRoot,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	if (r.status !== 0) {
		throw new Error('the build failed');
	}
	return true;
}

/** Runs the latency suite in a fresh VS Code server + extension host; returns its figures. */
async function latency(repoRoot, log) {
	const tmp = path.join(repoRoot, '.normlens-tmp', 'bench-editor');
	fs.rmSync(tmp, { recursive: true, force: true });
	const files = writeLatencyInputs(path.join(tmp, 'inputs'));
	const results = path.join(tmp, 'results.json');
	const figuresFile = path.join(tmp, 'latency.json');
	// Compile the integration suites (the latency suite among them); tsc emits even on type errors
	// elsewhere, so only a missing output is fatal.
	const tsc = spawnSync(process.execPath, [tool(repoRoot, 'tsc'), '-p', 'test/integration'], {
		cwd: repoRoot,
		stdio: 'inherit',
	});
	if (!fs.existsSync(path.join(repoRoot, 'out', 'test', 'integration', 'latency.test.js'))) {
		throw new Error('test/integration did not compile');
	}
	if (tsc.status !== 0) {
		log('(tsc -p test/integration reported errors; running the emitted suite anyway)');
	}
	const server = await startServer({
		dataDir: path.join(tmp, 'vscode'),
		env: {
			NORMLENS_SUITE: 'latency',
			NORMLENS_RESULTS: results,
			NORMLENS_LATENCY_OUT: figuresFile,
			NORMLENS_LATENCY_FILES: JSON.stringify(files),
		},
	});
	const browser = await launchChromium();
	try {
		const page = await browser.newPage();
		// The workbench's console and failed requests (webview frames included), for a run that stops.
		const consoleLog = fs.createWriteStream(path.join(tmp, 'workbench-console.log'));
		page.on('console', (m) =>
			consoleLog.write(`${new Date().toISOString()} ${m.type()} ${m.text()}\n`),
		);
		page.on('requestfailed', (r) =>
			consoleLog.write(
				`${new Date().toISOString()} requestfailed ${r.url()} ${r.failure()?.errorText ?? ''}\n`,
			),
		);
		await page.goto(
			server.url(path.join(repoRoot, 'examples'), [
				['extensionDevelopmentPath', repoRoot],
				['extensionTestsPath', path.join(repoRoot, 'out', 'test', 'integration', 'index')],
			]),
		);
		const deadline = Date.now() + 10 * 60_000;
		while (!fs.existsSync(results)) {
			const exited = /Extension Host Process exited with code: (\d+)/.exec(server.log());
			if (exited) {
				await new Promise((r) => setTimeout(r, 1000));
				if (!fs.existsSync(results)) {
					throw new Error(
						`the extension host exited (code ${exited[1]}) without results:\n${server.log().slice(-3000)}`,
					);
				}
			}
			if (Date.now() > deadline) {
				throw new Error(`no results after 10 minutes:\n${server.log().slice(-3000)}`);
			}
			await new Promise((r) => setTimeout(r, 500));
		}
	} finally {
		await browser.close();
		server.stop();
	}
	const r = JSON.parse(fs.readFileSync(results, 'utf8'));
	const failures = r.results.filter((t) => t.state !== 'passed');
	if (failures.length > 0 || r.results.length === 0) {
		throw new Error(
			`the latency suite failed:\n${failures.map((t) => `${t.title}: ${t.error}`).join('\n')}`,
		);
	}
	return JSON.parse(fs.readFileSync(figuresFile, 'utf8'));
}

/** Sizes of the bundles and of the packaged .vsix (built fresh with vsce, as `npm test` does). */
function bundleSizes(repoRoot) {
	const dist = path.join(repoRoot, 'dist');
	const entry = (name, files) => {
		const bytes = files.reduce((s, f) => s + fs.statSync(f).size, 0);
		const gzip = files.reduce(
			(s, f) => s + zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length,
			0,
		);
		return { name, files: files.length, bytes, gzip };
	};
	const katexDir = path.join(dist, 'webview', 'katex');
	const katex = fs.existsSync(katexDir)
		? fs
				.readdirSync(katexDir, { recursive: true })
				.map((f) => path.join(katexDir, f))
				.filter((f) => fs.statSync(f).isFile())
		: [];
	const wasm = fs.readdirSync(path.join(dist, 'kernels')).filter((f) => f.endsWith('.wasm'));
	const sizes = [
		entry('dist/extension.js', [path.join(dist, 'extension.js')]),
		entry('dist/engineWorker.js', [path.join(dist, 'engineWorker.js')]),
		entry('dist/cli.js', [path.join(dist, 'cli.js')]),
		entry('dist/webview/panel.js', [path.join(dist, 'webview', 'panel.js')]),
		entry('dist/webview/katex/ (total)', katex),
		...wasm.map((f) => entry(`dist/kernels/${f}`, [path.join(dist, 'kernels', f)])),
	];
	const vsix = path.join(repoRoot, '.normlens-tmp', 'bench.vsix');
	fs.rmSync(vsix, { force: true });
	const packaged = spawnSync(
		process.execPath,
		[tool(repoRoot, 'vsce'), 'package', '--out', vsix, '--skip-license'],
		{ cwd: repoRoot, encoding: 'utf8' },
	);
	let vsixEntry;
	if (packaged.status === 0 && fs.existsSync(vsix)) {
		const listing = spawnSync(
			'python3',
			[
				'-c',
				'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(len(z.infolist()), sum(i.file_size for i in z.infolist()))',
				vsix,
			],
			{ encoding: 'utf8' },
		);
		const [count, unpacked] =
			listing.status === 0
				? listing.stdout.trim().split(' ').map(Number)
				: [undefined, undefined];
		vsixEntry = {
			name: '.vsix (vsce package)',
			files: count,
			bytes: fs.statSync(vsix).size,
			unpacked,
		};
	} else {
		vsixEntry = {
			name: '.vsix (vsce package)',
			error: (packaged.stderr || packaged.stdout || '')
				.trim()
				.split('\n')
				.slice(-3)
				.join(' '),
		};
	}
	return [...sizes, vsixEntry];
}

export async function benchEditor(repoRoot, log) {
	const rebuilt = ensureBuilt(repoRoot, log);
	const loadBefore = os.loadavg();
	const editor = await latency(repoRoot, log);
	const loadAfter = os.loadavg();
	const bundle = bundleSizes(repoRoot);
	const f = (x) => (x === undefined ? '–' : x.toFixed(1));
	const load = (l) => l.map((x) => x.toFixed(2)).join(' ');
	log(
		`\nEditor latency in the VS Code extension host (executeCommand round trips: extension host → workbench → provider); load average ${load(loadBefore)} before, ${load(loadAfter)} after${rebuilt ? '; dist/ rebuilt first' : ''}:`,
	);
	const a = editor.activation;
	log(
		`  activation (extensions.getExtension('${editor.extensionId}').activate(), no Python document open): ${f(a?.ms)} ms${a?.activeBefore ? ' (WAS ALREADY ACTIVE: not a cold activation)' : ''}`,
	);
	const h = editor.firstHover;
	const b = editor.rpcBaseline;
	log(
		`  RPC baseline (hover on plain text, no provider answers): first ${f(b?.firstMs)} ms, then p50 ${f(b?.p50)} / p95 ${f(b?.p95)} / p99 ${f(b?.p99)} ms`,
	);
	log(
		`  examples/tabular_bn.py: open + show ${f(h?.openMs)} ms, then first hover ${f(h?.hoverMs)} ms (open → hover ${f(h?.totalMs)} ms); the next 20 hovers p50 ${f(h?.warmHover.p50)} / max ${f(h?.warmHover.max)} ms`,
	);
	log(
		`  then ${h?.secondFile.file} (NormLens's code warm): open + show ${f(h?.secondFile.openMs)} ms, then first hover ${f(h?.secondFile.hoverMs)} ms`,
	);
	const nb = editor.notebookFirstHover;
	if (nb) {
		log(
			`  a ${nb.cells}-cell notebook: open + show ${f(nb.openMs)} ms; the first hover in its last cells, asked for after the hover delay (${f(nb.delayMs)} ms), answered in ${f(nb.hoverMs)} ms (open → answer ${f(nb.totalMs)} ms); the next 20 hovers p50 ${f(nb.warmHover.p50)} / max ${f(nb.warmHover.max)} ms`,
		);
	}
	for (const r of editor.runToChart ?? []) {
		log(
			`  Run command → first chart drawn (panel open), ${r.name}: median ${f(r.p50)} ms (min ${f(r.min)}, max ${f(r.max)}, ${r.n} runs; the first ${f(r.firstMs)} ms)`,
		);
	}
	if (editor.bareWebview) {
		log(
			`  an empty webview panel (VS Code's own part), createWebviewPanel → its script's first message: the window's first ${f(editor.bareWebview[0])} ms, then ${f(editor.bareWebview[1])} ms`,
		);
	}
	for (const p of editor.panelOpen ?? []) {
		log(
			`  Show Model Summary → table drawn, ${p.name}: panel closed ${f(p.closedMs)} ms${p.webviewRetries ? ` (after ${p.webviewRetries} opening(s) VS Code's webview never ran, tried again)` : ''}; panel open (drawn again), median ${f(p.openMs.p50)} ms (max ${f(p.openMs.max)}, ${p.openMs.n} runs)`,
		);
	}
	const fr = editor.firstRun;
	if (fr) {
		log(
			`  first sample run after activation, ${fr.megabytes} MB (${fr.shape.join('×')}): engine ${f(fr.engineMs)} ms (${fr.backend}), whole command ${f(fr.commandMs)} ms (progress notification and panel included); second run: engine ${f(fr.secondEngineMs)} ms, command ${f(fr.secondCommandMs)} ms`,
		);
		const ph = (p) =>
			p
				? Object.entries(p)
						.map(([k, v]) => `${k} ${f(v)}`)
						.join(', ')
				: '–';
		log(`    engine phases, first run: ${ph(fr.phases)}; second: ${ph(fr.secondPhases)}`);
	}
	log('  | file | request | n | p50 ms | p95 ms | p99 ms | max ms | p99 < 50 ms |');
	for (const file of editor.files) {
		log(
			`  ${file.name}, ${file.lines} lines: open + show ${f(file.firstHover.openMs)} ms; the first hover, asked for after the hover delay, answered in ${f(file.firstHover.afterDelayMs)} ms (open → answer ${f(file.firstHover.totalMs)} ms)`,
		);
		for (const [what, s] of [
			[`hover (${file.hover.n} layer positions)`, file.hover],
			[`CodeLens (${file.codeLens.lenses} lenses)`, file.codeLens],
			[`inlay hints, whole file (${file.inlayWholeFile.hints} hints)`, file.inlayWholeFile],
			[
				`inlay hints, ${file.inlayViewport.lines}-line viewport (≈${file.inlayViewport.hints} hints)`,
				file.inlayViewport,
			],
		]) {
			log(
				`  | ${file.name.split(' (')[0]} | ${what} | ${s.n} | ${f(s.p50)} | ${f(s.p95)} | ${f(s.p99)} | ${f(s.max)} | ${s.p99 < 50 ? 'yes' : 'NO'} |`,
			);
		}
	}
	log('\nBundle sizes:');
	for (const e of bundle) {
		log(
			`  ${e.name}: ${e.error ? `not measured (${e.error})` : `${(e.bytes / 1024).toFixed(1)} KiB${e.gzip !== undefined ? ` (gzip ${(e.gzip / 1024).toFixed(1)} KiB)` : ''}${e.files > 1 || e.unpacked ? `, ${e.files} files` : ''}${e.unpacked ? `, ${(e.unpacked / 1024).toFixed(0)} KiB unpacked` : ''}`}`,
		);
	}
	return { rebuilt, loadAverage: { before: loadBefore, after: loadAfter }, ...editor, bundle };
}
