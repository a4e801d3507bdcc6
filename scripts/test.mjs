// `npm test`: builds NormLens, then runs every suite — type checks and lint, unit tests in plain
// Node, the integration suite inside a real VS Code extension host, and the same checks against
// the packaged .vsix — and ends with one line `N passed, N failed`. A suite that cannot run counts
// as failed, never as skipped.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { setup } from './setup.mjs';
import { runUiChecks } from './uiChecks.mjs';
import { launchChromium, repoRoot, startServer } from './vscodeServer.mjs';

const require = createRequire(import.meta.url);
const only = process.argv.includes('--only')
	? process.argv[process.argv.indexOf('--only') + 1]
	: undefined;
// `--grep TEXT` runs only the unit and integration tests whose full title contains TEXT (a
// development aid: the counts then cover those tests only).
const grep = process.argv.includes('--grep')
	? process.argv[process.argv.indexOf('--grep') + 1]
	: undefined;
const tmp = path.join(repoRoot, '.normlens-tmp');
const resultsDir = path.join(repoRoot, '.test-results');
const tally = { passed: 0, failed: 0, lines: [] };

function record(name, passed, failed, note = '') {
	tally.passed += passed;
	tally.failed += failed;
	tally.lines.push(
		`${failed ? '✗' : '✓'} ${name}: ${passed} passed, ${failed} failed${note ? ` — ${note}` : ''}`,
	);
}

function sh(cmd, args, opts = {}) {
	const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit', ...opts });
	return r.status === 0;
}

const npx = (args, opts) =>
	sh(
		process.execPath,
		[path.join(repoRoot, 'node_modules', '.bin', args[0]), ...args.slice(1)],
		opts,
	);

async function step(name, fn) {
	console.log(`\n━━ ${name}`);
	try {
		await fn();
	} catch (e) {
		console.error(e instanceof Error ? e.stack : e);
		record(name, 0, 1, `could not run: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
	}
}

function runMocha(files) {
	const Mocha = require('mocha');
	const mocha = new Mocha({ reporter: 'spec', timeout: 20_000 });
	if (grep) {
		mocha.grep(grep);
	}
	files.forEach((f) => mocha.addFile(f));
	return new Promise((resolve) => {
		const runner = mocha.run(() => resolve(runner.stats));
	});
}

function listTests(dir) {
	return fs
		.readdirSync(dir, { recursive: true })
		.filter((f) => f.endsWith('.test.js'))
		.map((f) => path.join(dir, f));
}

/** Runs one integration suite in the VS Code server's extension host, driven by headless Chromium. */
async function integration(suite, extensionPath) {
	const results = path.join(resultsDir, `integration-${suite}.json`);
	fs.rmSync(results, { force: true });
	const dataDir = path.join(tmp, `vscode-${suite}`);
	fs.rmSync(dataDir, { recursive: true, force: true });
	const server = await startServer({
		dataDir,
		env: {
			NORMLENS_SUITE: suite,
			NORMLENS_RESULTS: results,
			...(grep ? { NORMLENS_GREP: grep } : {}),
			NORMLENS_EXTENSION_PATH: extensionPath,
		},
	});
	const browser = await launchChromium();
	try {
		const page = await browser.newPage();
		const url = server.url(path.join(repoRoot, 'examples'), [
			['extensionDevelopmentPath', extensionPath],
			['extensionTestsPath', path.join(repoRoot, 'out', 'test', 'integration', 'index')],
		]);
		await page.goto(url);
		const deadline = Date.now() + 5 * 60_000;
		while (!fs.existsSync(results)) {
			const log = server.log();
			const exited = /Extension Host Process exited with code: (\d+)/.exec(log);
			if (exited && !fs.existsSync(results)) {
				await new Promise((r) => setTimeout(r, 1000));
				if (!fs.existsSync(results)) {
					throw new Error(
						`the extension host exited (code ${exited[1]}) without results:\n${log.slice(-3000)}`,
					);
				}
			}
			if (Date.now() > deadline) {
				throw new Error(`no results after 5 minutes:\n${log.slice(-3000)}`);
			}
			await new Promise((r) => setTimeout(r, 500));
		}
		const r = JSON.parse(fs.readFileSync(results, 'utf8'));
		for (const t of r.results) {
			console.log(
				`  ${t.state === 'passed' ? '✔' : '✗'} ${t.title}${t.ms !== undefined ? ` (${t.ms} ms)` : ''}`,
			);
			if (t.error) {
				console.log(
					t.error
						.split('\n')
						.map((l) => `      ${l}`)
						.join('\n'),
				);
			}
		}
		if (r.results.length === 0) {
			throw new Error('the suite reported no tests');
		}
		record(`integration (${suite})`, r.passed, r.failed);
	} finally {
		await browser.close();
		server.stop();
	}
}

fs.rmSync(resultsDir, { recursive: true, force: true });
fs.mkdirSync(tmp, { recursive: true });

await step('setup (Debian packages, npm ci, test VS Code)', async () => {
	setup();
});

await step('build', async () => {
	const ok = npx(['webpack', '--mode', 'production']);
	record('build', ok ? 1 : 0, ok ? 0 : 1);
	if (!ok) {
		throw new Error('the build failed');
	}
});

if (!only || only === 'static') {
	await step('type check (per layer)', async () => {
		let passed = 0;
		let failed = 0;
		for (const p of [
			'src/protocol',
			'src/core',
			'src/engine',
			'src/host',
			'src/extension',
			'src/webview',
			'src/cli',
		]) {
			if (npx(['tsc', '-p', p])) {
				passed++;
			} else {
				failed++;
				console.error(`  type errors in ${p}`);
			}
		}
		record('type check', passed, failed);
	});
	await step('committed WebAssembly kernels match their source', async () => {
		const ok = sh(process.execPath, [
			path.join(repoRoot, 'scripts', 'build-wasm.mjs'),
			'--check',
		]);
		record('wasm freshness', ok ? 1 : 0, ok ? 0 : 1);
	});
	await step('lint', async () => {
		const ok = npx(['eslint', 'src', 'test', 'scripts']);
		record('lint', ok ? 1 : 0, ok ? 0 : 1);
	});
	await step('format (Prettier, print width 100)', async () => {
		const ok = npx(['prettier', '--check', 'src', 'test', 'scripts']);
		record('format', ok ? 1 : 0, ok ? 0 : 1);
	});
}

if (!only || only === 'unit') {
	await step('unit tests (plain Node, no VS Code)', async () => {
		fs.rmSync(path.join(repoRoot, 'out'), { recursive: true, force: true });
		if (!npx(['tsc', '-p', 'test/unit'])) {
			throw new Error('the unit tests do not compile');
		}
		const stats = await runMocha([
			// Raises the analyser's wall-clock bound for the unit tests (the file says why).
			path.join(repoRoot, 'out', 'test', 'unit', 'analysisLimits.js'),
			...listTests(path.join(repoRoot, 'out', 'test', 'unit')),
		]);
		if (stats.tests === 0) {
			throw new Error('no unit tests ran');
		}
		record('unit', stats.passes, stats.failures);
	});
}

if (!only || only === 'integration') {
	await step('integration tests (real VS Code extension host)', async () => {
		if (!npx(['tsc', '-p', 'test/integration'])) {
			throw new Error('the integration tests do not compile');
		}
		await integration('extension', repoRoot);
	});
	await step('packaged .vsix (installed from the package, engine pool included)', async () => {
		const vsix = path.join(tmp, 'normlens.vsix');
		fs.rmSync(vsix, { force: true });
		if (!npx(['vsce', 'package', '--out', vsix, '--skip-license'])) {
			throw new Error('vsce package failed');
		}
		const unpacked = path.join(tmp, 'vsix');
		fs.rmSync(unpacked, { recursive: true, force: true });
		if (!sh('python3', ['-m', 'zipfile', '-e', vsix, unpacked])) {
			throw new Error('could not unpack the .vsix');
		}
		const size = fs.statSync(vsix).size;
		console.log(`  packaged ${path.relative(repoRoot, vsix)}: ${(size / 1024).toFixed(0)} KiB`);
		await integration('packaged', path.join(unpacked, 'extension'));
	});
}

if (!only || only === 'ui') {
	await step('workbench UI in headless Chromium (playwright-core)', async () => {
		const r = await runUiChecks({ outDir: path.join(resultsDir, 'screenshots') });
		if (r.length === 0) {
			throw new Error('no UI checks ran');
		}
		r.filter((x) => !x.ok).forEach((x) => console.log(`  ✗ ${x.title}: ${x.error}`));
		record(
			'workbench UI',
			r.filter((x) => x.ok).length,
			r.filter((x) => !x.ok).length,
			`screenshots in ${path.relative(repoRoot, path.join(resultsDir, 'screenshots'))}`,
		);
	});
}

console.log('\n' + tally.lines.join('\n'));
console.log(`${tally.passed} passed, ${tally.failed} failed`);
process.exitCode = tally.failed > 0 || tally.passed === 0 ? 1 : 0;
