// The engine part of `npm run bench`: BatchNorm training forward (moments + normalize) and
// inference forward on the shapes of issue #4, against the copy of the same bytes, a naive JS loop,
// the engine's JS kernel, and tfjs (wasm SIMD and cpu backends, installed in tools/bench-peers).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function median(xs) {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

function timeIt(fn, runs) {
	fn();
	const t = [];
	for (let i = 0; i < runs; i++) {
		const s = process.hrtime.bigint();
		fn();
		t.push(Number(process.hrtime.bigint() - s) / 1e6);
	}
	return median(t);
}

async function timeAsync(fn, runs) {
	await fn();
	const t = [];
	for (let i = 0; i < runs; i++) {
		const s = process.hrtime.bigint();
		await fn();
		t.push(Number(process.hrtime.bigint() - s) / 1e6);
	}
	return median(t);
}

function ensurePeers(repoRoot) {
	const dir = path.join(repoRoot, 'tools', 'bench-peers');
	if (!fs.existsSync(path.join(dir, 'node_modules', '@tensorflow', 'tfjs-core'))) {
		spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'ignore' });
	}
	try {
		const r = createRequire(path.join(dir, 'package.json'));
		const tf = r('@tensorflow/tfjs-core');
		r('@tensorflow/tfjs-backend-cpu');
		r('@tensorflow/tfjs-backend-wasm');
		return tf;
	} catch {
		return undefined;
	}
}

/** A naive two-pass JS BatchNorm (what a hand-written loop does): the floor of the comparison. */
function naiveTrain(x, y, rows, C) {
	const mean = new Float64Array(C);
	const v = new Float64Array(C);
	for (let r = 0; r < rows; r++) for (let c = 0; c < C; c++) mean[c] += x[r * C + c];
	for (let c = 0; c < C; c++) mean[c] /= rows;
	for (let r = 0; r < rows; r++) for (let c = 0; c < C; c++) v[c] += (x[r * C + c] - mean[c]) ** 2;
	for (let c = 0; c < C; c++) v[c] /= rows;
	for (let r = 0; r < rows; r++) for (let c = 0; c < C; c++) y[r * C + c] = (x[r * C + c] - mean[c]) / Math.sqrt(v[c] + 1e-3);
}

export async function benchEngine(repoRoot, log) {
	const { WasmKernels } = require(path.join(repoRoot, 'out', 'src', 'engine', 'kernels', 'normalizeWasm.js'));
	const { Arena } = require(path.join(repoRoot, 'out', 'src', 'engine', 'kernels', 'arena.js'));
	const { reductionLayout } = require(path.join(repoRoot, 'out', 'src', 'engine', 'kernels', 'layout.js'));
	const js = require(path.join(repoRoot, 'out', 'src', 'engine', 'kernels', 'normalizeJs.js'));
	const { EnginePool } = require(path.join(repoRoot, 'out', 'src', 'host', 'enginePool.js'));
	const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
	const k = await WasmKernels.create(memory);
	const arena = new Arena(memory);
	const tf = ensurePeers(repoRoot);
	if (tf) {
		await tf.setBackend('wasm');
	}
	const pool = new EnginePool(path.join(repoRoot, 'out', 'src', 'engine', 'engineWorker.js'), 2);

	const cases = [
		['NHWC', [32, 56, 56, 64]],
		['NHWC', [8, 112, 112, 64]],
		['NHWC', [64, 32, 32, 128]],
		['NCHW', [32, 64, 56, 56]],
		['NCHW', [64, 128, 32, 32]],
		['NC', [256, 1024]],
		...[1e4, 1e5, 1e6, 1e7, 3e7].map((n) => ['NC', [Math.round(n / 64), 64]]),
	];
	const out = [];
	for (const [layout, shape] of cases) {
		arena.reset();
		const n = shape.reduce((a, b) => a * b, 1);
		const x = arena.f32(n);
		const y = arena.f32(n);
		for (let i = 0; i < n; i++) x[i] = Math.sin(i * 0.37) * (1 + (i % 7)) + (i % 13);
		const channelAxis = layout === 'NCHW' ? 1 : shape.length - 1;
		const reduced = shape.map((_, i) => i).filter((i) => i !== channelAxis);
		const l = reductionLayout(shape, reduced);
		const runs = n > 2e7 ? 3 : 7;
		const trainWasm = timeIt(() => {
			const m = k.moments(x, l, arena);
			k.normalize(x, y, l, m.mean, m.variance, 1e-3, arena);
		}, runs);
		const fixed = k.moments(x, l, arena);
		const inferWasm = timeIt(() => k.normalize(x, y, l, fixed.mean, fixed.variance, 1e-3, arena), runs);
		const copyWasm = timeIt(() => k.copy(x, y), runs);
		const copySet = timeIt(() => y.set(x), runs);
		const trainJs = timeIt(() => {
			const m = js.moments(x, l);
			js.normalize(x, y, l, m.mean, m.variance, 1e-3, undefined, undefined);
		}, Math.min(runs, 3));
		const naive = layout === 'NCHW' ? null : timeIt(() => naiveTrain(x, y, n / shape[shape.length - 1], shape[shape.length - 1]), Math.min(runs, 3));
		// The product's dispatch: one pool task (input generated in the worker, not counted here).
		const phases = [];
		for (let i = 0; i < 3; i++) {
			const r = await pool.normalize({ kernel: 'Normalize', shape, reducedAxes: reduced, epsilon: 1e-3, seed: 1, distribution: 'normal', momentum: null, maxElements: 1 << 28 });
			phases.push(r.phases.stats + r.phases.normalize);
		}
		const engine = median(phases);
		let tfjsWasm = null;
		let tfjsCpu = null;
		if (tf && layout !== 'NCHW' && n <= 1e7) {
			// tfjs copies its input; give it an ordinary (not shared) array, end to end incl. readback.
			const plain = new Float32Array(x);
			const run = () =>
				tf.tidy(() => {
					const t = tf.tensor(plain, shape);
					const { mean, variance } = tf.moments(t, reduced);
					return tf.batchNorm(t, mean, variance, undefined, undefined, 1e-3).dataSync();
				});
			await tf.setBackend('wasm');
			tfjsWasm = timeIt(run, 3);
			await tf.setBackend('cpu');
			tfjsCpu = n <= 7e6 ? timeIt(run, 1) : null;
			await tf.setBackend('wasm');
		}
		const copy = Math.min(copyWasm, copySet);
		const bytes = n * 4;
		const gbs = (b, ms) => (ms ? (b / ms / 1e6).toFixed(1) : '–');
		const row = {
			name: `${layout} [${shape.join(', ')}]`,
			layout,
			shape,
			bytes,
			ms: { engine, engineOneThread: trainWasm, engineInfer: inferWasm, copy, jsKernel: trainJs, naive, onnxruntime: null, tfjsWasm, tfjsCpu },
		};
		out.push(row);
		log(
			`${row.name.padEnd(26)} train: engine ${engine.toFixed(2)} ms (${gbs(12 * n, engine)} GB/s, ${((copy / engine) * 1.5 * 100).toFixed(0)}% of copy) · 1 thread ${trainWasm.toFixed(2)} · copy ${copy.toFixed(2)} (${gbs(8 * n, copy)} GB/s) · js ${trainJs.toFixed(1)} · naive ${naive === null ? '–' : naive.toFixed(1)} · tfjs-wasm ${tfjsWasm === null ? '–' : tfjsWasm.toFixed(1)} · tfjs-cpu ${tfjsCpu === null ? '–' : tfjsCpu.toFixed(0)} | infer ${inferWasm.toFixed(2)} ms (${gbs(8 * n, inferWasm)} GB/s)`,
		);
	}
	// Pool overhead: an empty-ish task (8 elements), warm.
	const tiny = { kernel: 'Normalize', shape: [2, 4], reducedAxes: [0], epsilon: 1e-3, seed: 1, distribution: 'normal', momentum: null, maxElements: 1 << 28 };
	const overhead = await timeAsync(() => pool.normalize(tiny), 200);
	// Cancellation latency on a large task.
	const cancelMs = [];
	for (let i = 0; i < 3; i++) {
		const c = new AbortController();
		const run = pool.normalize({ ...tiny, shape: [64, 128, 128, 32] }, c.signal).catch(() => undefined);
		await new Promise((r) => setTimeout(r, 150));
		const s = Date.now();
		c.abort();
		await run;
		cancelMs.push(Date.now() - s);
	}
	log(`pool round trip (warm, 8-element task): median ${(overhead * 1000).toFixed(0)} µs · cancel → task settled: median ${median(cancelMs)} ms`);
	await pool.dispose();
	return { cases: out, poolOverheadMs: overhead, cancelLatencyMs: median(cancelMs) };
}
