// `npm run bench`: analysis speed on large inputs (a 5,000-line model file, a 300-cell notebook),
// re-analysis after a one-line edit, and the engine's sample run, each as the median of repeated
// runs; then, in a real VS Code extension host, hover / CodeLens / inlay-hint latency on large files,
// activation time, and the bundle sizes (scripts/benchEditor.mjs). `--json` prints one JSON object;
// `--only analysis|engine|editor` runs one part. Results are recorded in BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { bigKerasFile, bigTorchFile } from './benchInputs.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const json = process.argv.includes('--json');
const only = process.argv.includes('--only')
	? process.argv[process.argv.indexOf('--only') + 1]
	: undefined;
const part = (name) => !only || only === name;
const log = (...a) => {
	if (!json) {
		console.log(...a);
	}
};

if (
	spawnSync(
		process.execPath,
		[path.join(repoRoot, 'node_modules', '.bin', 'tsc'), '-p', 'test/unit'],
		{ cwd: repoRoot, stdio: 'inherit' },
	).status !== 0
) {
	throw new Error('tsc failed');
}
const core = require(path.join(repoRoot, 'out', 'src', 'core', 'index.js'));
const { normalize } = require(path.join(repoRoot, 'out', 'src', 'engine', 'engineWorker.js'));

function median(xs) {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

/**
 * Times `fn`: its first call (in a fresh process: with V8 still compiling the analyser, as in the
 * CLI or the first analysis after activation), then `warm` more calls untimed, then `runs` timed
 * calls, whose median is the steady figure (the editor analyses every open document on each edit).
 */
function time(fn, runs, warm = 3) {
	const clock = () => Number(process.hrtime.bigint()) / 1e6;
	let s = clock();
	fn();
	const first = clock() - s;
	for (let i = 0; i < warm; i++) {
		fn();
	}
	const t = [];
	for (let i = 0; i < runs; i++) {
		s = clock();
		fn();
		t.push(clock() - s);
	}
	return { median: median(t), min: Math.min(...t), max: Math.max(...t), first, runs };
}

/** A 300-cell notebook program: a PyTorch model assembled cell by cell. */
function bigNotebook() {
	const cells = [{ index: 0, source: 'import torch\nimport torch.nn as nn\nlayers = []' }];
	for (let i = 1; i < 299; i++) {
		cells.push({
			index: i,
			source: `layers.append(nn.Conv2d(8, 8, 3, padding=1, bias=False))\nlayers.append(nn.BatchNorm2d(8))\nlayers.append(nn.ReLU())`,
		});
	}
	cells.push({
		index: 299,
		source: 'model = nn.Sequential(nn.Conv2d(3, 8, 1), *layers)\ny = model(torch.randn(2, 3, 16, 16))',
	});
	return core.buildProgram(cells).text;
}

const results = {
	machine: `${os.cpus()[0].model}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
	analysis: [],
	engine: [],
};

if (part('analysis')) {
	const big = bigKerasFile();
	const nb = bigNotebook();
	const edited = big.replace('# block 500', 'y = layers.Dropout(0.1)(y)');
	for (const [name, text] of [
		['5,000-line Keras file (1,000 residual blocks, 4,000 layers)', big],
		['one-line edit of that file (re-analysis)', edited],
		['300-cell notebook (PyTorch, 897 modules)', nb],
		[
			'5,000-line PyTorch file (830 residual blocks, 2,491 modules; the editor-latency input)',
			bigTorchFile(),
		],
		[
			'examples/tabular_bn.py',
			require('node:fs').readFileSync(
				path.join(repoRoot, 'examples', 'tabular_bn.py'),
				'utf8',
			),
		],
	]) {
		let r;
		const t = time(() => {
			r = core.analyzePython(text);
		}, 21);
		const layers = r.models.reduce((s, m) => s + m.layers.length, 0);
		results.analysis.push({
			name,
			lines: text.split('\n').length,
			layers,
			steps: r.steps,
			truncated: r.truncated,
			ms: t,
		});
		log(
			`${name}: ${text.split('\n').length} lines, ${layers} layers, ${r.steps} steps — median ${t.median.toFixed(1)} ms of ${t.runs} (min ${t.min.toFixed(1)}, max ${t.max.toFixed(1)}); first in this process ${t.first.toFixed(1)} ms`,
		);
	}

	{
		// Re-analysis after a one-line edit, as the editor does it: the previous parse is reused.
		const inc = new core.IncrementalAnalyzer();
		const variants = [big, edited];
		let k = 0;
		inc.analyze(big);
		const t = time(() => {
			k++;
			inc.analyze(variants[k % 2]);
		}, 21);
		results.analysis.push({
			name: 'one-line edit, incremental (IncrementalAnalyzer, as the editor runs it)',
			lines: 4999,
			ms: t,
		});
		log(
			`one-line edit, incremental re-analysis (as the editor runs it): median ${t.median.toFixed(1)} ms of ${t.runs} (min ${t.min.toFixed(1)}, max ${t.max.toFixed(1)})`,
		);
	}
}

if (part('engine')) {
	const { benchEngine } = await import('./benchEngine.mjs');
	const engine = await benchEngine(repoRoot, log);
	// Everything the engine part measured (cases, peers, pool round trips, first run, checks).
	for (const [key, value] of Object.entries(engine)) {
		if (key !== 'machine') {
			results[key] = value;
		}
	}

	for (const shape of [
		[32, 50],
		[32, 100, 200, 30],
	]) {
		const task = {
			kernel: 'Normalize',
			shape,
			reducedAxes: shape.map((_, i) => i).filter((i) => i !== shape.length - 1),
			epsilon: 1e-3,
			seed: 42,
			distribution: 'normal',
			momentum: { convention: 'keras', value: 0.99 },
			maxElements: 1 << 28,
		};
		const ts = [];
		for (let i = 0; i < 5; i++) {
			ts.push((await normalize(task)).elapsedMs);
		}
		results.engine.push({ shape, ms: median(ts) });
		log(
			`sample run (seeded generation + stats + normalize + stats) on [${shape.join(', ')}]: median ${median(ts).toFixed(1)} ms`,
		);
	}
}

if (part('editor')) {
	const { benchEditor } = await import('./benchEditor.mjs');
	results.editor = await benchEditor(repoRoot, log);
}

if (json) {
	console.log(JSON.stringify(results, null, 2));
}
