// `npm start [-- FOLDER]`: set up, build what changed, show the CLI on the bundled examples, then
// open NormLens live in a real VS Code on FOLDER (examples/ by default) — the desktop `code` when it
// is installed, otherwise the VS Code server in the browser (its URL is printed; the server runs
// until Ctrl-C). On the first start (a fresh profile) the workbench opens a model file of FOLDER,
// and NormLens, activated by it, opens its walkthrough "Get started with NormLens" beside it.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setup } from './setup.mjs';
import { repoRoot, startServer } from './vscodeServer.mjs';

const examples = path.join(repoRoot, 'examples');
const port = Number(process.env.NORMLENS_PORT ?? 8123);
const folderArg = process.argv.slice(2).find((a) => !a.startsWith('-'));
const folder = folderArg
	? path.resolve(process.env.INIT_CWD ?? process.cwd(), folderArg)
	: examples;
if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
	console.error(
		`npm start: ${folder} is not a folder. Usage: npm start [-- FOLDER] (examples/ by default).`,
	);
	process.exit(2);
}

/** The newest modification time of the files under `dir`. */
function newest(dir) {
	let t = 0;
	for (const f of fs.readdirSync(dir, { recursive: true })) {
		const st = fs.statSync(path.join(dir, f));
		if (st.isFile()) {
			t = Math.max(t, st.mtimeMs);
		}
	}
	return t;
}

/** The file a first start opens: tabular_bn.py in examples/, else the folder's first .py or .ipynb. */
function firstModelFile(dir) {
	const names = fs
		.readdirSync(dir)
		.filter((n) => /\.(py|ipynb)$/.test(n) && fs.statSync(path.join(dir, n)).isFile())
		.sort();
	const name = names.includes('tabular_bn.py') ? 'tabular_bn.py' : names[0];
	return name ? path.join(dir, name) : undefined;
}

function run(cmd, args) {
	const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: repoRoot });
	if (r.status !== 0) {
		throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
	}
}

setup();
// Rebuild only when a source (or the build's configuration) is newer than the bundles; errors and warnings only.
const bundles = [
	'extension.js',
	'engineWorker.js',
	'analysisWorker.js',
	'cli.js',
	path.join('webview', 'panel.js'),
].map((f) => path.join(repoRoot, 'dist', f));
const built = bundles.every((f) => fs.existsSync(f))
	? Math.min(...bundles.map((f) => fs.statSync(f).mtimeMs))
	: 0;
if (
	built <
	Math.max(
		newest(path.join(repoRoot, 'src')),
		fs.statSync(path.join(repoRoot, 'webpack.config.js')).mtimeMs,
		fs.statSync(path.join(repoRoot, 'package.json')).mtimeMs,
	)
) {
	console.log('Building NormLens (webpack --mode production) …');
	run(process.execPath, [
		path.join(repoRoot, 'node_modules', '.bin', 'webpack'),
		'--mode',
		'production',
		'--stats',
		'errors-warnings',
	]);
} else {
	console.log('NormLens is built (dist/ is newer than src/).');
}

const cli = path.join(repoRoot, 'bin', 'normlens.js');
console.log('\n━━ normlens summary examples/tabular_bn.py');
run(process.execPath, [cli, 'summary', path.join(examples, 'tabular_bn.py')]);
console.log('\n━━ normlens summary examples/conv_bn.ipynb');
run(process.execPath, [cli, 'summary', path.join(examples, 'conv_bn.ipynb')]);
console.log('\n━━ normlens explain examples/conv_bn.ipynb:4');
run(process.execPath, [cli, 'explain', `${path.join(examples, 'conv_bn.ipynb')}:4`]);
console.log('\n━━ normlens run examples/tabular_bn.py:10');
run(process.execPath, [cli, 'run', `${path.join(examples, 'tabular_bn.py')}:10`]);

const desktop = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).stdout.trim();
if (desktop && !process.env.NORMLENS_SERVER) {
	console.log(`\nOpening VS Code with NormLens under development on ${folder}`);
	spawn(desktop, ['--extensionDevelopmentPath', repoRoot, folder], {
		stdio: 'inherit',
		detached: true,
	}).unref();
} else {
	const dataDir = path.join(repoRoot, '.normlens-tmp', 'vscode-start');
	const firstStart = !fs.existsSync(dataDir);
	const server = await startServer({
		dataDir,
		port,
		settings: firstStart ? { 'workbench.startupEditor': 'welcomePage' } : {},
	});
	// A fresh profile opens on a model file: NormLens activates on it and opens its walkthrough.
	const first = firstStart ? firstModelFile(folder) : undefined;
	const url = server.url(folder, [
		['extensionDevelopmentPath', repoRoot],
		...(first ? [['openFile', first]] : []),
	]);
	const rel = path.relative(process.cwd(), folder) || '.';
	console.log(`
━━ NormLens is live in VS Code 1.100.3 (the VS Code server of code-server 4.100.3) on ${rel}

  ${url}

  Open it in a browser (Chromium: /usr/bin/chromium).${first ? ` It opens ${path.relative(folder, first)} and the walkthrough "Get started with NormLens".` : ''}
  Try: open a model file, hover a BatchNormalization / BatchNorm2d call; the lens above the model opens the panel;
       Command Palette → "NormLens: Simulate Training Steps" with the cursor on a normalization layer.
  CLI: node bin/normlens.js summary|explain|run|compare|simulate … (see README, "CLI").
  Another folder: npm start -- FOLDER.  Stop: Ctrl-C.`);
	const stop = () => {
		server.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	await new Promise(() => {});
}
