// The engine part of `npm run bench` (issue #4): BatchNorm training forward (moments over every axis
// but the channel + normalize) and inference forward (given mean / variance), float32, on the
// shapes of the issue and a size sweep 1e4–1e8. On the same tensors, in one run:
//   engine           the product's dispatch (src/host/enginePool.ts): one pool task below 2^20
//                    elements, above that one task per worker in one round (chunks claimed from shared
//                    counters: statistics, Chan merge in every worker, normalize: src/engine/slabs.ts),
//                    Piscina round trips included, tensors already in the pool's shared
//                    WebAssembly.Memory (zero copies);
//   engineOneThread  the same SIMD kernels on the calling thread;
//   copy             the physical limit: copying the same bytes once, best of a wasm SIMD loop and
//                    TypedArray.set, on one thread and with every pool worker copying its share;
//   onnxruntime      onnxruntime-node, `session.run` end to end, best of hand-built ONNX graphs and
//                    the native BatchNormalization (training_mode=1), 1 or 2 intra-op threads;
//   tfjsWasm/tfjsCpu @tensorflow/tfjs-backend-wasm (SIMD) / -cpu: `tf.moments` + `tf.batchNorm`,
//                    compute only (input tensor uploaded before, no readback);
//   naive            a plain two-pass JS loop.
// The peers are installed in tools/bench-peers (on first use, without install scripts).
//
// `node scripts/benchEngine.mjs [--json] [--filter TEXT] [--no-peers]` runs this part alone (after a build of
// out/, e.g. `npx tsc -p test/unit`). This module is also the bench pool's worker file: Piscina
// loads it in each worker and calls the task functions exported at the end.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { TextEncoder } from 'node:util';
import { isMainThread, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const scriptRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiled = (root, ...p) => require(path.join(root, 'out', 'src', ...p));
const EPS = 1e-3;
/** The product's default pool size (setting 0): the cores, at most 8. */
const POOL_THREADS = Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 8));

//#region timing

function median(xs) {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function reps(n) {
	if (n <= 2e6) {
		return { warm: 3, runs: 21 };
	}
	return n <= 2e7 ? { warm: 2, runs: 15 } : { warm: 1, runs: 7 };
}

function timeSync(fn, { warm, runs }) {
	for (let i = 0; i < warm; i++) {
		fn();
	}
	const t = [];
	for (let i = 0; i < runs; i++) {
		const s = process.hrtime.bigint();
		fn();
		t.push(Number(process.hrtime.bigint() - s) / 1e6);
	}
	return median(t);
}

async function timeAsync(fn, { warm, runs }) {
	for (let i = 0; i < warm; i++) {
		await fn();
	}
	const t = [];
	for (let i = 0; i < runs; i++) {
		const s = process.hrtime.bigint();
		await fn();
		t.push(Number(process.hrtime.bigint() - s) / 1e6);
	}
	return median(t);
}

/**
 * Times several functions (sync or async) on the same tensor in interleaved rounds — each round
 * runs every function once, in an order rotated from round to round — and returns each one's
 * median. This VM's speed drifts within seconds (two-thread bandwidth is bimodal), so the engine
 * and the copy it is compared with are measured under the same conditions, not one after the other.
 */
async function timeInterleaved(fns, { warm, runs }) {
	const names = Object.keys(fns);
	for (let i = 0; i < warm; i++) {
		for (const name of names) {
			await fns[name]();
		}
	}
	const t = Object.fromEntries(names.map((n) => [n, []]));
	for (let i = 0; i < runs; i++) {
		for (let j = 0; j < names.length; j++) {
			const name = names[(i + j) % names.length];
			const s = process.hrtime.bigint();
			await fns[name]();
			t[name].push(Number(process.hrtime.bigint() - s) / 1e6);
		}
	}
	return Object.fromEntries(names.map((n) => [n, median(t[n])]));
}

//#endregion

//#region peers

function ensurePeers(repoRoot, log) {
	const dir = path.join(repoRoot, 'tools', 'bench-peers');
	const have = (m) =>
		fs.existsSync(path.join(dir, 'node_modules', ...m.split('/'), 'package.json'));
	if (
		![
			'@tensorflow/tfjs-core',
			'@tensorflow/tfjs-backend-wasm',
			'@tensorflow/tfjs-backend-cpu',
			'onnxruntime-node',
		].every(have)
	) {
		// onnxruntime-node's install script downloads optional GPU providers from the internet; the CPU
		// binary is in the package itself, so the script is not needed.
		log('installing the benchmark peers in tools/bench-peers (npm install --ignore-scripts)…');
		spawnSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], {
			cwd: dir,
			stdio: 'ignore',
		});
	}
	const r = createRequire(path.join(dir, 'package.json'));
	const peers = {};
	try {
		peers.tf = r('@tensorflow/tfjs-core');
		r('@tensorflow/tfjs-backend-cpu');
		peers.tfWasm = r('@tensorflow/tfjs-backend-wasm');
		peers.tfVersion = r('@tensorflow/tfjs-core/package.json').version;
	} catch (e) {
		log(`tfjs not available: ${e.message}`);
	}
	try {
		peers.ort = r('onnxruntime-node');
		peers.ortVersion = r('onnxruntime-node/package.json').version;
	} catch (e) {
		log(`onnxruntime-node not available: ${e.message}`);
	}
	return peers;
}

/**
 * A minimal protobuf writer, enough for ONNX's ModelProto / GraphProto / NodeProto / AttributeProto /
 * ValueInfoProto / TensorProto (field numbers from onnx/onnx.proto).
 */
class Pb {
	constructor() {
		this.parts = [];
		this.size = 0;
	}
	push(bytes) {
		this.parts.push(bytes);
		this.size += bytes.length;
		return this;
	}
	varint(v) {
		const b = [];
		for (; v >= 0x80; v = Math.floor(v / 128)) {
			b.push((v % 128) | 0x80);
		}
		b.push(v);
		return this.push(Uint8Array.from(b));
	}
	key(field, wire) {
		return this.varint(field * 8 + wire);
	}
	int(field, v) {
		if (!(Number.isInteger(v) && v >= 0)) {
			throw new Error(`protobuf writer: only non-negative integers (${v})`);
		}
		return this.key(field, 0).varint(v);
	}
	bytes(field, u8) {
		return this.key(field, 2).varint(u8.length).push(u8);
	}
	str(field, s) {
		return this.bytes(field, new TextEncoder().encode(s));
	}
	msg(field, pb) {
		return this.bytes(field, pb.finish());
	}
	f32(field, x) {
		return this.key(field, 5).push(new Uint8Array(Float32Array.of(x).buffer));
	}
	finish() {
		const out = new Uint8Array(this.size);
		let at = 0;
		for (const p of this.parts) {
			out.set(p, at);
			at += p.length;
		}
		return out;
	}
}

const onnx = {
	FLOAT: 1,
	valueInfo(name, dims) {
		const shape = new Pb();
		for (const d of dims) {
			shape.msg(1, new Pb().int(1, d));
		}
		return new Pb()
			.str(1, name)
			.msg(2, new Pb().msg(1, new Pb().int(1, onnx.FLOAT).msg(2, shape)));
	},
	tensor(name, dims, data) {
		const t = new Pb();
		for (const d of dims) {
			t.int(1, d);
		}
		const f = Float32Array.from(data);
		return t.int(2, onnx.FLOAT).str(8, name).bytes(9, new Uint8Array(f.buffer));
	},
	attrInts: (name, vs) => vs.reduce((p, v) => p.int(8, v), new Pb().str(1, name).int(20, 7)),
	attrInt: (name, v) => new Pb().str(1, name).int(20, 2).int(3, v),
	attrFloat: (name, v) => new Pb().str(1, name).int(20, 1).f32(2, v),
	node(op, inputs, outputs, attrs = []) {
		const p = new Pb();
		inputs.forEach((i) => p.str(1, i));
		outputs.forEach((o) => p.str(2, o));
		p.str(3, `${op}_${outputs[0]}`).str(4, op);
		attrs.forEach((a) => p.msg(5, a));
		return p;
	},
	/** ir_version 8 with opset 15: ReduceMean still takes `axes` as an attribute, BatchNormalization has training_mode. */
	model({ nodes, initializers = [], inputs, outputs }) {
		const g = new Pb();
		nodes.forEach((n) => g.msg(1, n));
		g.str(2, 'batchnorm');
		initializers.forEach((t) => g.msg(5, t));
		inputs.forEach((v) => g.msg(11, v));
		outputs.forEach((v) => g.msg(12, v));
		return new Pb()
			.int(1, 8)
			.str(2, 'normlens-bench')
			.msg(7, g)
			.msg(8, new Pb().int(2, 15))
			.finish();
	},
};

/** Shape of the per-channel statistics as broadcast against x (keepdims). */
const keptShape = (shape, channelAxis) => shape.map((d, i) => (i === channelAxis ? d : 1));
/** Shape of a per-channel parameter broadcast from the trailing axes (ONNX / numpy broadcasting). */
const paramShape = (shape, channelAxis) => [
	shape[channelAxis],
	...shape.slice(channelAxis + 1).map(() => 1),
];

/** The ONNX models tried for one case; ORT has no channels-last BatchNormalization. */
function ortModels(layout, shape, channelAxis, mode, stats) {
	const C = shape[channelAxis];
	const reduced = shape.map((_, i) => i).filter((i) => i !== channelAxis);
	const X = onnx.valueInfo('X', shape);
	const Y = onnx.valueInfo('Y', shape);
	const models = [];
	if (mode === 'train') {
		const kept = keptShape(shape, channelAxis);
		for (const variant of ['Div', 'Reciprocal+Mul']) {
			const tail =
				variant === 'Div'
					? [onnx.node('Div', ['d', 'sd'], ['Y'])]
					: [
							onnx.node('Reciprocal', ['sd'], ['inv']),
							onnx.node('Mul', ['d', 'inv'], ['Y']),
						];
			models.push({
				config: `graph ReduceMean/Sub/Mul/ReduceMean/Add/Sqrt/${variant}`,
				bytes: onnx.model({
					nodes: [
						onnx.node(
							'ReduceMean',
							['X'],
							['mean'],
							[onnx.attrInts('axes', reduced), onnx.attrInt('keepdims', 1)],
						),
						onnx.node('Sub', ['X', 'mean'], ['d']),
						onnx.node('Mul', ['d', 'd'], ['sq']),
						onnx.node(
							'ReduceMean',
							['sq'],
							['var'],
							[onnx.attrInts('axes', reduced), onnx.attrInt('keepdims', 1)],
						),
						onnx.node('Add', ['var', 'eps'], ['ve']),
						onnx.node('Sqrt', ['ve'], ['sd']),
						...tail,
					],
					initializers: [onnx.tensor('eps', [], [EPS])],
					inputs: [X],
					outputs: [Y, onnx.valueInfo('mean', kept), onnx.valueInfo('var', kept)],
				}),
				mean: 'mean',
				variance: 'var',
			});
		}
		if (channelAxis === 1) {
			// momentum 0: the running statistics it returns are the batch statistics (checked below).
			models.push({
				config: 'BatchNormalization training_mode=1',
				bytes: onnx.model({
					nodes: [
						onnx.node(
							'BatchNormalization',
							['X', 'scale', 'B', 'input_mean', 'input_var'],
							['Y', 'running_mean', 'running_var'],
							[
								onnx.attrFloat('epsilon', EPS),
								onnx.attrFloat('momentum', 0),
								onnx.attrInt('training_mode', 1),
							],
						),
					],
					initializers: [
						onnx.tensor('scale', [C], new Float32Array(C).fill(1)),
						onnx.tensor('B', [C], new Float32Array(C)),
						onnx.tensor('input_mean', [C], new Float32Array(C)),
						onnx.tensor('input_var', [C], new Float32Array(C).fill(1)),
					],
					inputs: [X],
					outputs: [
						Y,
						onnx.valueInfo('running_mean', [C]),
						onnx.valueInfo('running_var', [C]),
					],
				}),
				mean: 'running_mean',
				variance: 'running_var',
			});
		}
	} else {
		const a = Array.from(stats.variance, (v) => 1 / Math.sqrt(v + EPS));
		const b = Array.from(stats.mean, (m, c) => -m * a[c]);
		if (channelAxis === 1) {
			models.push({
				config: 'BatchNormalization',
				bytes: onnx.model({
					nodes: [
						onnx.node(
							'BatchNormalization',
							['X', 'scale', 'B', 'mean', 'var'],
							['Y'],
							[onnx.attrFloat('epsilon', EPS)],
						),
					],
					initializers: [
						onnx.tensor('scale', [C], new Float32Array(C).fill(1)),
						onnx.tensor('B', [C], new Float32Array(C)),
						onnx.tensor('mean', [C], stats.mean),
						onnx.tensor('var', [C], stats.variance),
					],
					inputs: [X],
					outputs: [Y],
				}),
			});
		}
		const p = paramShape(shape, channelAxis);
		models.push({
			config: 'graph Mul/Add',
			bytes: onnx.model({
				nodes: [onnx.node('Mul', ['X', 'a'], ['xa']), onnx.node('Add', ['xa', 'b'], ['Y'])],
				initializers: [onnx.tensor('a', p, a), onnx.tensor('b', p, b)],
				inputs: [X],
				outputs: [Y],
			}),
		});
	}
	return models;
}

/** onnxruntime-node: the fastest model × intra-op thread count, `session.run` end to end. */
async function timeOrt(ort, models, xPlain, shape, r) {
	const input = new ort.Tensor('float32', xPlain, shape);
	let best = null;
	const tried = [];
	for (const m of models) {
		for (const threads of [1, 2]) {
			const session = await ort.InferenceSession.create(m.bytes, {
				intraOpNumThreads: threads,
				interOpNumThreads: 1,
				executionMode: 'sequential',
				graphOptimizationLevel: 'all',
			});
			try {
				const ms = await timeAsync(() => session.run({ X: input }), r);
				tried.push({
					config: `${m.config}, ${threads} thread${threads > 1 ? 's' : ''}`,
					ms,
				});
				if (!best || ms < best.ms) {
					best = {
						config: `${m.config}, ${threads} thread${threads > 1 ? 's' : ''}`,
						ms,
					};
				}
			} finally {
				await session.release();
			}
		}
	}
	return { ...best, tried };
}

/** Runs one model once and returns its outputs (for the numeric check). */
async function runOrt(ort, model, xPlain, shape) {
	const session = await ort.InferenceSession.create(model.bytes, { intraOpNumThreads: 1 });
	try {
		const out = await session.run({ X: new ort.Tensor('float32', xPlain, shape) });
		return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data]));
	} finally {
		await session.release();
	}
}

/** tfjs: `tf.moments` + `tf.batchNorm` (channels last; tf.batchNorm broadcasts along the last axis only), else broadcast ops with [1, C, 1, 1] parameters. */
function tfjsRun(tf, t, shape, channelAxis, mode, params) {
	const reduced = shape.map((_, i) => i).filter((i) => i !== channelAxis);
	const last = channelAxis === shape.length - 1;
	if (mode === 'train') {
		return last
			? () =>
					tf.tidy(() => {
						const { mean, variance } = tf.moments(t, reduced);
						return tf.batchNorm(t, mean, variance, undefined, undefined, EPS);
					})
			: () =>
					tf.tidy(() => {
						const { mean, variance } = tf.moments(t, reduced, true);
						return tf.mul(tf.sub(t, mean), tf.rsqrt(tf.add(variance, EPS)));
					});
	}
	return last
		? () => tf.batchNorm(t, params.mean, params.variance, undefined, undefined, EPS)
		: () =>
				tf.tidy(() =>
					tf.mul(tf.sub(t, params.mean), tf.rsqrt(tf.add(params.variance, EPS))),
				);
}

/**
 * Times a tfjs backend, compute only: the tensor is uploaded before the timer starts and the result is
 * not read back (both backends run synchronously, so the work is done when the ops return). Never
 * return `dataSync()` from `tf.tidy`: tidy walks the returned object for tensors, key by key, which on
 * a typed array of millions of elements takes seconds (what made earlier figures 70× too slow).
 */
async function timeTfjs(tf, backend, xPlain, shape, channelAxis, mode, stats, r) {
	if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend) {
		throw new Error(`tfjs backend ${backend} did not start`);
	}
	const C = shape[channelAxis];
	const t = tf.tensor(xPlain, shape);
	const pshape = channelAxis === shape.length - 1 ? [C] : keptShape(shape, channelAxis);
	const params = stats
		? {
				mean: tf.tensor(Float32Array.from(stats.mean), pshape),
				variance: tf.tensor(Float32Array.from(stats.variance), pshape),
			}
		: undefined;
	const run = tfjsRun(tf, t, shape, channelAxis, mode, params);
	try {
		return timeSync(() => run().dispose(), r);
	} finally {
		t.dispose();
		params?.mean.dispose();
		params?.variance.dispose();
	}
}

//#endregion

//#region naive JS

/** The shape as [outer, C, inner] around the channel axis. */
function blocks(shape, channelAxis) {
	const C = shape[channelAxis];
	const inner = shape.slice(channelAxis + 1).reduce((a, b) => a * b, 1);
	const outer = shape.slice(0, channelAxis).reduce((a, b) => a * b, 1);
	return { outer, C, inner };
}

/** A naive two-pass JS BatchNorm, what a hand-written loop does: the floor of the comparison. */
function naiveForward(x, y, shape, channelAxis, stats) {
	const { outer, C, inner } = blocks(shape, channelAxis);
	let mean = stats?.mean;
	let variance = stats?.variance;
	const count = outer * inner;
	if (!stats) {
		mean = new Float64Array(C);
		variance = new Float64Array(C);
		for (let o = 0, i = 0; o < outer; o++) {
			for (let c = 0; c < C; c++) {
				for (let j = 0; j < inner; j++, i++) {
					mean[c] += x[i];
				}
			}
		}
		for (let c = 0; c < C; c++) {
			mean[c] /= count;
		}
		for (let o = 0, i = 0; o < outer; o++) {
			for (let c = 0; c < C; c++) {
				for (let j = 0; j < inner; j++, i++) {
					variance[c] += (x[i] - mean[c]) ** 2;
				}
			}
		}
		for (let c = 0; c < C; c++) {
			variance[c] /= count;
		}
	}
	for (let o = 0, i = 0; o < outer; o++) {
		for (let c = 0; c < C; c++) {
			for (let j = 0; j < inner; j++, i++) {
				y[i] = (x[i] - mean[c]) / Math.sqrt(variance[c] + EPS);
			}
		}
	}
}

//#endregion

/**
 * Deterministic data, as in docs/performance.md: per-channel mean 0.5–1.4 and std
 * 0.5–0.8, roughly normal (sum of four xorshift uniforms).
 */
function fill(x, shape, channelAxis) {
	const { outer, C, inner } = blocks(shape, channelAxis);
	let s = 0x9e3779b9 | 0;
	const u = () => {
		s ^= s << 13;
		s ^= s >>> 17;
		s ^= s << 5;
		return (s >>> 0) / 4294967296;
	};
	for (let o = 0, i = 0; o < outer; o++) {
		for (let c = 0; c < C; c++) {
			const mu = 0.5 + (0.9 * ((c * 37) % C)) / C;
			const sd = (0.5 + (0.3 * ((c * 11) % C)) / C) * Math.sqrt(3);
			for (let j = 0; j < inner; j++, i++) {
				x[i] = mu + sd * (u() + u() + u() + u() - 2);
			}
		}
	}
}

function relErr(a, b) {
	let worst = 0;
	for (let i = 0; i < a.length; i++) {
		worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-30));
	}
	return worst;
}

function maxAbsDiff(a, b) {
	let worst = 0;
	for (let i = 0; i < a.length; i++) {
		worst = Math.max(worst, Math.abs(a[i] - b[i]));
	}
	return worst;
}

const CASES = [
	['NHWC', [32, 56, 56, 64]],
	['NHWC', [8, 112, 112, 64]],
	['NHWC', [64, 32, 32, 128]],
	['NCHW', [32, 64, 56, 56]],
	['NCHW', [64, 128, 32, 32]],
	['NC', [256, 1024]],
	...[1e4, 1e5, 1e6, 1e7, 3e7, 1e8].map((n) => [
		'NC',
		[Math.round(n / 64), 64],
		`sweep ${n.toExponential().replace('+', '')}`,
	]),
];

export async function benchEngine(repoRoot, log, options = {}) {
	const { Piscina } = require('piscina');
	const { WasmKernels } = compiled(repoRoot, 'engine', 'kernels', 'normalizeWasm.js');
	const { Arena } = compiled(repoRoot, 'engine', 'kernels', 'arena.js');
	const { reductionLayout } = compiled(repoRoot, 'engine', 'kernels', 'layout.js');
	const { EnginePool, FORWARD_SPLIT_ELEMENTS, SPLIT_ELEMENTS } = compiled(
		repoRoot,
		'host',
		'enginePool.js',
	);
	const workerFile = path.join(repoRoot, 'out', 'src', 'engine', 'engineWorker.js');
	const cases = CASES.filter(
		([layout, shape, label]) =>
			!options.filter ||
			`${label ?? ''} ${layout} [${shape.join(', ')}]`.includes(options.filter),
	);
	// The warm-up's tensors (below) and the kernel table's 25.7 MB must fit too, whatever --filter keeps.
	const WARM_UP = [
		['NHWC', [16384, 64]],
		['NHWC', [8192, 128]],
		['NCHW', [16, 64, 32, 32]],
		['NC', [256, 1024]],
	];
	const maxN = Math.max(
		1 << 23,
		32 * 56 * 56 * 64,
		...[...cases, ...WARM_UP].map(([, s]) => s.reduce((a, b) => a * b, 1)),
	);
	const peers = options.peers === false ? {} : ensurePeers(repoRoot, log);

	// The product's pool, as the extension and the CLI create it: the engine rows are its
	// EnginePool.forward on a tensor in its shared memory (allocate), end to end (dispatch, Piscina
	// round trips, the workers' merge). The copy baseline and the one-thread kernels use the same
	// memory, so every row reads the same bytes.
	const product = new EnginePool(workerFile, POOL_THREADS);
	const memory = product.sharedMemory;
	const xTensor = product.allocate(maxN);
	const yTensor = product.allocate(maxN);
	const scratchTensor = product.allocate(1 << 22);
	const xAll = xTensor.data;
	const yAll = yTensor.data;
	const scratch = new Arena(memory, scratchTensor.data.byteOffset);
	const k = await WasmKernels.create(memory);
	// A pool of the bench's own for the copy baseline (every worker copying its share) and round trips.
	const pool = new Piscina({
		filename: fileURLToPath(import.meta.url),
		minThreads: POOL_THREADS,
		maxThreads: POOL_THREADS,
		idleTimeout: 60_000,
		workerData: { memory, repoRoot },
	});
	await Promise.all(Array.from({ length: POOL_THREADS }, () => pool.run({}, { name: 'ping' })));

	let tfjsWasmSimd = null;
	if (peers.tf) {
		await peers.tf.setBackend('wasm');
		tfjsWasmSimd =
			peers.tf.getBackend() === 'wasm'
				? await peers.tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')
				: null;
	}
	const checks = [];
	const rows = [];
	/** Our side of one case: the product's pool (EnginePool.forward, in place), its kernels on this thread, and the copy. */
	const ours = (layout, shape) => {
		const n = shape.reduce((a, b) => a * b, 1);
		const channelAxis = layout === 'NCHW' ? 1 : shape.length - 1;
		const reducedAxes = shape.map((_, i) => i).filter((i) => i !== channelAxis);
		const l = reductionLayout(shape, reducedAxes);
		const x = xAll.subarray(0, n);
		const y = yAll.subarray(0, n);
		const tensor = { data: x, release: () => undefined };
		const split = POOL_THREADS >= 2 && n >= FORWARD_SPLIT_ELEMENTS;
		const workers = Math.min(
			POOL_THREADS,
			n / (l.block.inner === 1 ? l.groups : l.block.inner),
		);
		const halves = Array.from({ length: POOL_THREADS }, (_, w) => ({
			from: Math.floor((n * w) / POOL_THREADS / 16) * 16,
			to: w === POOL_THREADS - 1 ? n : Math.floor((n * (w + 1)) / POOL_THREADS / 16) * 16,
		}));
		const spec = { shape, reducedAxes, epsilon: EPS };
		return {
			n,
			channelAxis,
			reducedAxes,
			x,
			y,
			split,
			dispatch: split
				? `EnginePool.forward: ${workers} workers claiming chunks`
				: 'EnginePool.forward: one pool task',
			/** Training forward in place: this batch's statistics, then normalize (returns the statistics). */
			engineTrain: (dispatch = 'auto') => product.forward(tensor, { ...spec, dispatch }),
			oneThreadTrain() {
				scratch.reset();
				// The forward's statistics pass, as the pool's: no extremes.
				const m = k.moments(x, l, scratch, 0, false);
				k.normalize(x, x, l, m.mean, m.variance, EPS, scratch);
				return m;
			},
			engineInfer: (stats) => () => product.forward(tensor, { ...spec, statistics: stats }),
			oneThreadInfer(stats) {
				return () => {
					scratch.reset();
					k.normalize(x, x, l, stats.mean, stats.variance, EPS, scratch);
				};
			},
			copyOneThread: { wasm: () => k.copy(x, y), set: () => y.set(x) },
			copyWorkers: Object.fromEntries(
				['wasm', 'set'].map((how) => [
					how,
					() =>
						Promise.all(
							halves.map((h) =>
								pool.run(
									{ x: x.byteOffset, y: y.byteOffset, ...h, how },
									{ name: 'copy' },
								),
							),
						),
				]),
			),
		};
	};

	// Warm-up: V8 runs wasm in its baseline compiler first and optimises a function once it has run
	// a while, separately in every worker; every kernel and path is run here before any timing.
	for (const [layout, shape] of WARM_UP) {
		const o = ours(layout, shape);
		fill(o.x, shape, o.channelAxis);
		const w = { warm: 10, runs: 1 };
		await timeAsync(() => o.engineTrain(), w);
		await timeAsync(() => o.engineTrain('split'), w);
		const stats = o.oneThreadTrain();
		timeSync(() => o.oneThreadTrain(), w);
		await timeAsync(o.engineInfer(stats), w);
		timeSync(o.oneThreadInfer(stats), w);
		for (const how of ['wasm', 'set']) {
			timeSync(o.copyOneThread[how], w);
			await timeAsync(o.copyWorkers[how], w);
		}
	}

	const loadBefore = os.loadavg();
	for (const [layout, shape, label] of cases) {
		const o = ours(layout, shape);
		const { n, channelAxis, reducedAxes, x, y, split } = o;
		fill(x, shape, channelAxis);
		const r = reps(n);
		const name = `${label ? `${label}: ` : ''}${layout} [${shape.join(', ')}]`;

		// The forward normalizes x in place: every user of the data below gets the original back.
		const xOriginal = Float32Array.from(x);
		const restore = () => x.set(xOriginal);
		const pooled = await o.engineTrain();
		const yEngine = Float32Array.from(x);
		restore();
		const stats = o.oneThreadTrain();
		restore();
		// The split merge must agree with one thread.
		checks.push({
			case: name,
			check: 'pool vs one thread: mean / variance max relative difference',
			value: Math.max(
				relErr(pooled.mean, stats.mean),
				relErr(pooled.variance, stats.variance),
			),
		});
		// The engine, one thread, and the physical limit — the same bytes copied once, by a wasm SIMD
		// loop and by TypedArray.set, on this thread and with every pool worker copying its share
		// (through the pool, as the engine) — interleaved (timeInterleaved).
		// Two groups, each interleaved (timeInterleaved) with the copy it is compared with: the pool's
		// rows with the workers' copy, this thread's with this thread's copy. Everything normalizes x in
		// place, and a pool worker reading lines this thread just wrote ran 2–4× slower than on lines a
		// worker wrote (three runs, 2026-12-05), a cost of the benchmark's alternation, not of the pool.
		const t = {
			...(await timeInterleaved(
				{
					engineTrain: () => o.engineTrain(),
					engineInfer: o.engineInfer(stats),
					copyWorkersWasm: o.copyWorkers.wasm,
					copyWorkersSet: o.copyWorkers.set,
				},
				r,
			)),
			...(await timeInterleaved(
				{
					oneThreadTrain: () => o.oneThreadTrain(),
					oneThreadInfer: o.oneThreadInfer(stats),
					copyWasm: o.copyOneThread.wasm,
					copySet: o.copyOneThread.set,
				},
				r,
			)),
		};
		const engineTrainMs = t.engineTrain;
		const trainOneThreadMs = t.oneThreadTrain;
		const engineInferMs = t.engineInfer;
		const inferOneThreadMs = t.oneThreadInfer;
		const copyOneThread = Math.min(t.copyWasm, t.copySet);
		const copyWorkersMs = Math.min(t.copyWorkersWasm, t.copyWorkersSet);
		const copyMs = Math.min(copyOneThread, copyWorkersMs);
		restore();

		const naiveTrainMs = timeSync(
			() => naiveForward(x, y, shape, channelAxis),
			n > 2e7 ? { warm: 1, runs: 3 } : r,
		);
		const naiveInferMs = timeSync(
			() => naiveForward(x, y, shape, channelAxis, stats),
			n > 2e7 ? { warm: 1, runs: 3 } : r,
		);

		// Peers get an ordinary (not shared) copy: both copy their input into their own memory.
		const xPlain = new Float32Array(x);
		let ortTrain = null;
		let ortInfer = null;
		if (peers.ort) {
			const rr = n > 2e7 ? { warm: 1, runs: 3 } : r;
			ortTrain = await timeOrt(
				peers.ort,
				ortModels(layout, shape, channelAxis, 'train'),
				xPlain,
				shape,
				rr,
			);
			ortInfer = await timeOrt(
				peers.ort,
				ortModels(layout, shape, channelAxis, 'infer', stats),
				xPlain,
				shape,
				rr,
			);
			if (name === 'NCHW [32, 64, 56, 56]' || name === 'NHWC [32, 56, 56, 64]') {
				// The peer really computes a BatchNorm: its statistics and output against ours.
				for (const m of ortModels(layout, shape, channelAxis, 'train')) {
					const o = await runOrt(peers.ort, m, xPlain, shape);
					checks.push({
						case: name,
						check: `onnxruntime ${m.config}: mean, variance max relative difference from the engine; y max abs difference`,
						value: [
							relErr(o[m.mean], stats.mean),
							relErr(o[m.variance], stats.variance),
							maxAbsDiff(o.Y, yEngine),
						],
					});
				}
			}
		}
		let tfjsWasm = { train: null, infer: null };
		let tfjsCpu = { train: null, infer: null };
		if (peers.tf) {
			const tr = n > 2e6 ? { warm: 1, runs: 5 } : r;
			if (n <= 3e7) {
				tfjsWasm = {
					train: await timeTfjs(
						peers.tf,
						'wasm',
						xPlain,
						shape,
						channelAxis,
						'train',
						undefined,
						tr,
					),
					infer: await timeTfjs(
						peers.tf,
						'wasm',
						xPlain,
						shape,
						channelAxis,
						'infer',
						stats,
						tr,
					),
				};
			}
			if (n <= 1e7) {
				// tfjs-cpu takes seconds per call on the large cases: 1 warm-up and 3 timed runs.
				const cr = n > 1e5 ? { warm: 1, runs: 3 } : r;
				tfjsCpu = {
					train: await timeTfjs(
						peers.tf,
						'cpu',
						xPlain,
						shape,
						channelAxis,
						'train',
						undefined,
						cr,
					),
					infer: await timeTfjs(
						peers.tf,
						'cpu',
						xPlain,
						shape,
						channelAxis,
						'infer',
						stats,
						cr,
					),
				};
			}
			if (name === 'NHWC [32, 56, 56, 64]') {
				await peers.tf.setBackend('wasm');
				const m = peers.tf.tidy(() =>
					peers.tf.moments(peers.tf.tensor(xPlain, shape), reducedAxes),
				);
				checks.push({
					case: name,
					check: 'tfjs-wasm moments: mean, variance max relative difference from the engine',
					value: [
						relErr(m.mean.dataSync(), stats.mean),
						relErr(m.variance.dataSync(), stats.variance),
					],
				});
				m.mean.dispose();
				m.variance.dispose();
			}
		}

		for (const mode of ['train', 'infer']) {
			const train = mode === 'train';
			const ms = {
				engine: train ? engineTrainMs : engineInferMs,
				engineOneThread: train ? trainOneThreadMs : inferOneThreadMs,
				copy: copyMs,
				onnxruntime: (train ? ortTrain : ortInfer)?.ms ?? null,
				tfjsWasm: tfjsWasm[mode],
				tfjsCpu: tfjsCpu[mode],
				naive: train ? naiveTrainMs : naiveInferMs,
			};
			// Effective bandwidth counts 12 B per element in training, 8 in inference and for the copy.
			const ofCopy = (v) => ((train ? 1.5 : 1) * copyMs * 100) / v;
			const percentOfCopy = ofCopy(ms.engine);
			const row = {
				name,
				mode,
				shape,
				layout,
				bytes: n * 4,
				ms,
				copyMs: { oneThread: copyOneThread, workers: copyWorkersMs },
				percentOfCopy,
				gbPerS: {
					engine: ((train ? 12 : 8) * n) / ms.engine / 1e6,
					copy: (8 * n) / copyMs / 1e6,
				},
				dispatch: split
					? `${o.dispatch}, ${train ? 'one round (statistics, merge, normalize)' : 'one round'}`
					: o.dispatch,
				onnxruntimeConfig: (train ? ortTrain : ortInfer)?.config ?? null,
				onnxruntimeTried: (train ? ortTrain : ortInfer)?.tried ?? null,
			};
			rows.push(row);
			const f = (v) =>
				v === null ? '–' : v < 1 ? v.toFixed(3) : v < 100 ? v.toFixed(2) : v.toFixed(0);
			const peer = (v) => (v === null ? '–' : `${f(v)} (${(v / ms.engine).toFixed(1)}×)`);
			log(
				`${name.padEnd(34)} ${mode.padEnd(5)} engine ${f(ms.engine)} ms (${row.gbPerS.engine.toFixed(1)} GB/s, ${percentOfCopy.toFixed(0)}% of copy) · 1T ${f(ms.engineOneThread)} · copy ${f(copyMs)} (1T ${f(copyOneThread)}, ${POOL_THREADS}w ${f(copyWorkersMs)}) · ORT ${peer(ms.onnxruntime)} · tfjs-wasm ${peer(ms.tfjsWasm)} · tfjs-cpu ${peer(ms.tfjsCpu)} · naive ${peer(ms.naive)}`,
			);
		}
	}

	// Where one pool task's time goes, on the 25.7 MB cases: the same kernels (statistics, then
	// normalize in place) on this thread, in a worker of the bench's own pool timed from inside (the
	// kernels' own time there) and from here (plus the wake-up and round trip of a bare task), and
	// the product's EnginePool.forward as one task. Each in blocks of consecutive runs (a worker
	// reading lines another core has just written runs slower: alternating would time that), the
	// blocks rotated three times; the median of the blocks' medians.
	const taskCost = [];
	if (!options.filter || 'task cost'.includes(options.filter)) {
		for (const [layout, shape] of [
			['NCHW', [32, 64, 56, 56]],
			['NHWC', [32, 56, 56, 64]],
		]) {
			const o = ours(layout, shape);
			fill(o.x, shape, o.channelAxis);
			const inside = [];
			const inWorker = async () => {
				inside.push(
					await pool.run(
						{
							x: o.x.byteOffset,
							shape,
							reducedAxes: o.reducedAxes,
							scratch: scratchTensor.data.byteOffset,
						},
						{ name: 'forwardKernels' },
					),
				);
			};
			const fns = {
				thisThread: () => o.oneThreadTrain(),
				workerTask: inWorker,
				engine: () => o.engineTrain('one'),
			};
			const blocks = { thisThread: [], workerTask: [], engine: [], inside: [] };
			for (let round = 0; round < 3; round++) {
				for (const name of Object.keys(fns)) {
					inside.length = 0;
					const ms = await timeAsync(fns[name], { warm: 2, runs: 9 });
					blocks[name].push(ms);
					if (name === 'workerTask') {
						blocks.inside.push(median(inside.slice(2)));
					}
				}
			}
			const row = {
				layout,
				shape,
				thisThreadMs: median(blocks.thisThread),
				workerInsideMs: median(blocks.inside),
				workerTaskMs: median(blocks.workerTask),
				engineOneTaskMs: median(blocks.engine),
			};
			taskCost.push(row);
			log(
				`task cost ${layout} [${shape.join(', ')}] train: kernels on this thread ${row.thisThreadMs.toFixed(2)} ms · in a pool worker ${row.workerInsideMs.toFixed(2)} ms inside, ${row.workerTaskMs.toFixed(2)} ms as a task · EnginePool.forward one task ${row.engineOneTaskMs.toFixed(2)} ms`,
			);
		}
	}

	// The dispatch rule: one task against one split round of every worker, per size, through the
	// product's own EnginePool.forward (training forward, NC with 64 features and NCHW planes). The
	// product splits from SPLIT_ELEMENTS on; the crossover below is where splitting starts to pay.
	const dispatchSizes = [1 << 16, 1 << 17, 1 << 18, 1 << 19, 1 << 20, 1 << 21, 1 << 22, 1 << 23];
	const dispatch = {
		splitElements: SPLIT_ELEMENTS,
		forwardSplitElements: FORWARD_SPLIT_ELEMENTS,
		threads: POOL_THREADS,
		sizes: [],
	};
	if (POOL_THREADS >= 2 && (!options.filter || 'dispatch'.includes(options.filter))) {
		for (const n of dispatchSizes) {
			for (const [layout, shape] of [
				['NC', [n / 64, 64]],
				['NCHW', [n / (64 * 1024), 64, 32, 32]],
			]) {
				if (!Number.isInteger(shape[0]) || shape[0] < 1) {
					continue;
				}
				const o = ours(layout, shape);
				fill(o.x, shape, o.channelAxis);
				const r = reps(n);
				const t = await timeInterleaved(
					{ one: () => o.engineTrain('one'), split: () => o.engineTrain('split') },
					{ warm: r.warm + 2, runs: r.runs },
				);
				dispatch.sizes.push({
					elements: n,
					layout,
					shape,
					oneMs: t.one,
					splitMs: t.split,
					speedup: t.one / t.split,
				});
				log(
					`dispatch ${layout.padEnd(4)} ${String(n).padStart(8)} elements: one task ${t.one.toFixed(3)} ms · split round ${t.split.toFixed(3)} ms · split ${(t.one / t.split).toFixed(2)}×`,
				);
			}
		}
		// The smallest size from which the split round is faster for every size above, in both layouts.
		const pays = (list) => (n) =>
			list.filter((d) => d.elements >= n).every((d) => d.speedup > 1);
		dispatch.crossoverElements = dispatchSizes.find(pays(dispatch.sizes)) ?? null;
		log(
			`dispatch of a forward on a pool tensor: the split round is faster from ${dispatch.crossoverElements ?? '(no size)'} elements on; EnginePool.forward splits from ${FORWARD_SPLIT_ELEMENTS}`,
		);
		// Sample runs (EnginePool.normalize: generate, statistics, normalize, the panel's extras): a
		// pool of one worker (one task) against the product's pool (a split run from SPLIT_ELEMENTS).
		const one = new EnginePool(workerFile, 1);
		// Split at every size measured (the product splits from SPLIT_ELEMENTS), to compare both ways everywhere.
		const all = new EnginePool(
			workerFile,
			POOL_THREADS,
			undefined,
			undefined,
			dispatchSizes[0],
		);
		dispatch.sampleRuns = [];
		for (const n of dispatchSizes) {
			const run = {
				kernel: 'Normalize',
				shape: [n / 64, 64],
				reducedAxes: [0],
				epsilon: EPS,
				seed: 3,
				distribution: 'normal',
				momentum: null,
				maxElements: 1 << 28,
			};
			const r = reps(n);
			const t = await timeInterleaved(
				{ one: () => one.normalize(run), all: () => all.normalize(run) },
				{ warm: r.warm + 2, runs: Math.min(r.runs, 11) },
			);
			dispatch.sampleRuns.push({
				elements: n,
				oneWorkerMs: t.one,
				poolMs: t.all,
				speedup: t.one / t.all,
			});
			log(
				`sample run ${String(n).padStart(8)} elements: one worker ${t.one.toFixed(2)} ms · split among the pool ${t.all.toFixed(2)} ms · ${(t.one / t.all).toFixed(2)}×`,
			);
		}
		await one.dispose();
		await all.dispose();
		dispatch.sampleRunCrossoverElements = dispatchSizes.find(pays(dispatch.sampleRuns)) ?? null;
		log(
			`dispatch of a sample run: the pool is faster from ${dispatch.sampleRunCrossoverElements ?? '(no size)'} elements on; EnginePool.normalize splits from ${SPLIT_ELEMENTS}`,
		);
	}

	// Simulate Training Steps (EnginePool.simulate, the product's path): 200 steps at batch 32 of a
	// (64, 56, 56) input, 1.28 billion values, on every worker and on one.
	let simulation = null;
	if (!options.filter || 'simulation'.includes(options.filter)) {
		const simTask = {
			kernel: 'SimulateSteps',
			shape: [32, 64, 56, 56],
			reducedAxes: [0, 2, 3],
			epsilon: 1e-5,
			seed: 1,
			distribution: 'normal',
			momentum: { convention: 'torch', value: 0.1 },
			steps: 200,
			noiseBatchSizes: [],
			maxElements: 1 << 28,
		};
		await product.simulate({ ...simTask, steps: 20 });
		const t = await timeInterleaved(
			{
				all: async () => (await product.simulate(simTask)).stepsMs,
				one: async () => (await product.simulate({ ...simTask, workers: 1 })).stepsMs,
			},
			{ warm: 0, runs: 3 },
		);
		simulation = {
			steps: simTask.steps,
			shape: simTask.shape,
			values: 200 * 32 * 64 * 56 * 56,
			ms: t.all,
			msOneWorker: t.one,
			workers: POOL_THREADS,
		};
		log(
			`simulation: ${simulation.steps} steps of (${simulation.shape.join(', ')}) = ${(simulation.values / 1e9).toFixed(2)} billion values: ${t.all.toFixed(0)} ms on ${POOL_THREADS} workers, ${t.one.toFixed(0)} ms on one (${(t.one / t.all).toFixed(2)}×)`,
		);
	}
	xTensor.release();
	yTensor.release();
	scratchTensor.release();

	// The kernels alone on one thread, 25.7 MB (what rowsVariantFor's table is based on): statistics
	// per channels-last walk and C, planes, extremes, normalize, against a pure read and the copy.
	const kernels = benchKernels(k, xAll, yAll, scratch, reductionLayout, log);
	await product.dispose();

	// Pool overhead: a bare Piscina round trip, one 2-slab dispatch of empty tasks, and the product's
	// whole run on an 8-element tensor (EnginePool.normalize: generation, statistics, histograms).
	const bareRoundTripMs = await timeAsync(() => pool.run({}, { name: 'ping' }), {
		warm: 50,
		runs: 1000,
	});
	const twoTaskRoundTripMs = await timeAsync(
		() => Promise.all([pool.run({}, { name: 'ping' }), pool.run({}, { name: 'ping' })]),
		{ warm: 50, runs: 1000 },
	);
	await pool.destroy();

	const task = (shape) => ({
		kernel: 'Normalize',
		shape,
		reducedAxes: shape.map((_, i) => i).slice(0, -1),
		epsilon: EPS,
		seed: 1,
		distribution: 'normal',
		momentum: null,
		maxElements: 1 << 28,
	});
	const tiny = new EnginePool(workerFile, POOL_THREADS);
	const productTinyMs = await timeAsync(() => tiny.normalize(task([2, 4])), {
		warm: 50,
		runs: 500,
	});
	// What the pool adds to a task: the product's tiny run's wall time minus its time in the worker.
	const overheads = [];
	for (let i = 0; i < 500; i++) {
		const s = performance.now();
		const r = await tiny.normalize(task([2, 4]));
		overheads.push(performance.now() - s - r.elapsedMs);
	}
	const poolTaskOverheadMs = median(overheads);
	const cancelMs = [];
	for (let i = 0; i < 3; i++) {
		const c = new AbortController();
		const run = tiny.normalize(task([64, 128, 128, 32]), c.signal).catch(() => undefined);
		await new Promise((res) => setTimeout(res, 150));
		const s = performance.now();
		c.abort();
		await run;
		cancelMs.push(performance.now() - s);
	}
	await tiny.dispose();

	// First run after activation on a 25 MB tensor ([32, 56, 56, 64], 25.7 MB), through the product's
	// pool: cold (pool started by the run), and after the extension's warm-up (NormalizationRunner.warmUp).
	const firstRuns = { cold: [], warmedUp: [] };
	for (let i = 0; i < 3; i++) {
		for (const kind of ['cold', 'warmedUp']) {
			const p = new EnginePool(workerFile, POOL_THREADS);
			if (kind === 'warmedUp') {
				// The extension's warm-up (NormalizationRunner.warmUp calls it).
				await p.warmUp();
			}
			const s = performance.now();
			const res = await p.normalize(task([32, 56, 56, 64]));
			firstRuns[kind].push({ ms: performance.now() - s, phases: res.phases });
			await p.dispose();
		}
	}
	const summarize = (xs) => ({
		ms: median(xs.map((v) => v.ms)),
		generateMs: median(xs.map((v) => v.phases.input)),
		statsAndNormalizeMs: median(xs.map((v) => v.phases.stats + v.phases.normalize)),
		all: xs.map((v) => v.ms),
	});

	const result = {
		machine: `${os.cpus()[0].model}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
		peers: {
			onnxruntimeNode: peers.ortVersion ?? null,
			tfjs: peers.tfVersion ?? null,
			tfjsWasmSimd,
		},
		// normalize-relaxed.wasm where this runtime validates relaxed SIMD (not Node 20 without its flag).
		kernelsBinary: k.fusedMultiplyAdd
			? 'normalize-relaxed.wasm (fused multiply-add)'
			: 'normalize.wasm',
		// The machine is shared: its 1/5/15-minute load averages before and after the cases.
		loadAverage: { before: loadBefore, after: os.loadavg() },
		cases: rows,
		dispatch,
		taskCost,
		simulation,
		poolOverheadMs: productTinyMs,
		poolTaskOverheadMs,
		kernels,
		poolRoundTripMs: { bare: bareRoundTripMs, twoTasks: twoTaskRoundTripMs },
		cancelLatencyMs: median(cancelMs),
		firstRunAfterActivation: {
			cold: summarize(firstRuns.cold),
			warmedUp: summarize(firstRuns.warmedUp),
		},
		checks,
	};
	log(`kernels: ${result.kernelsBinary}`);
	log(
		`pool: bare round trip ${(bareRoundTripMs * 1000).toFixed(0)} µs, 2-task dispatch ${(twoTaskRoundTripMs * 1000).toFixed(0)} µs, product 8-element run ${(productTinyMs * 1000).toFixed(0)} µs (pool overhead: wall − time in the worker ${(poolTaskOverheadMs * 1000).toFixed(0)} µs) · cancel → settled ${median(cancelMs).toFixed(1)} ms`,
	);
	log(
		`first 25.7 MB run: cold ${result.firstRunAfterActivation.cold.ms.toFixed(1)} ms, after the warm-up ${result.firstRunAfterActivation.warmedUp.ms.toFixed(1)} ms (of which generating the sample ${result.firstRunAfterActivation.warmedUp.generateMs.toFixed(1)} ms, statistics + normalize ${result.firstRunAfterActivation.warmedUp.statsAndNormalizeMs.toFixed(1)} ms)`,
	);
	log(
		`load average (1/5/15 min) before the cases ${loadBefore.map((v) => v.toFixed(2)).join(' ')}, after ${result.loadAverage.after.map((v) => v.toFixed(2)).join(' ')}`,
	);
	for (const c of checks) {
		log(
			`check ${c.case}: ${c.check}: ${[]
				.concat(c.value)
				.map((v) => v.toExponential(1))
				.join(', ')}`,
		);
	}
	return result;
}

/** Single-thread GB/s of each kernel (bytes read, or read + written for normalize and the copy). */
function benchKernels(k, xAll, yAll, scratch, reductionLayout, log) {
	const n = 32 * 56 * 56 * 64;
	const x = xAll.subarray(0, n);
	const y = yAll.subarray(0, n);
	fill(x, [n / 64, 64], 1);
	const gb = (bytes, ms) => bytes / ms / 1e6;
	const r = { warm: 5, runs: 15 };
	const out = {
		bytes: n * 4,
		copy: gb(
			8 * n,
			timeSync(() => k.copy(x, y), r),
		),
		rows: {},
		planes: {},
	};
	const variants = { one: 0, four: 1, tiles: 2, staged: 3 };
	for (const C of [16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 1024]) {
		const l = reductionLayout([n / C, C], [0]);
		const row = {};
		for (const [name, v] of Object.entries(variants)) {
			row[name] = gb(
				4 * n,
				timeSync(() => (scratch.reset(), k.moments(x, l, scratch, 0, false, v)), r),
			);
		}
		row.extremes = gb(
			4 * n,
			timeSync(() => (scratch.reset(), k.extremes(x, l, scratch)), r),
		);
		const m = k.moments(x, l, scratch, 0, false);
		row.normalize = gb(
			8 * n,
			timeSync(
				() => (scratch.reset(), k.normalize(x, y, l, m.mean, m.variance, EPS, scratch)),
				r,
			),
		);
		out.rows[C] = row;
	}
	for (const P of [1024, 3136]) {
		const l = reductionLayout([n / P / 64, 64, P], [0, 2]);
		const m = k.moments(x, l, scratch, 0, false);
		out.planes[P] = {
			stats: gb(
				4 * n,
				timeSync(() => (scratch.reset(), k.moments(x, l, scratch, 0, false)), r),
			),
			extremes: gb(
				4 * n,
				timeSync(() => (scratch.reset(), k.extremes(x, l, scratch)), r),
			),
			normalize: gb(
				8 * n,
				timeSync(
					() => (scratch.reset(), k.normalize(x, y, l, m.mean, m.variance, EPS, scratch)),
					r,
				),
			),
		};
	}
	const f = (v) => v.toFixed(1).padStart(5);
	log(
		`kernels, one thread, 25.7 MB, GB/s (copy ${f(out.copy)}): channels-last statistics one / four / tiles / staged · extremes · normalize`,
	);
	for (const [C, row] of Object.entries(out.rows)) {
		log(
			`  C = ${String(C).padEnd(5)} ${f(row.one)} / ${f(row.four)} / ${f(row.tiles)} / ${f(row.staged)} · ${f(row.extremes)} · ${f(row.normalize)}`,
		);
	}
	for (const [P, row] of Object.entries(out.planes)) {
		log(
			`  planes of ${P}: statistics ${f(row.stats)} · extremes ${f(row.extremes)} · normalize ${f(row.normalize)}`,
		);
	}
	return out;
}

//#region the bench pool's task functions (run in its workers)

let workerKernels;

function workerSetup(task) {
	const { memory, repoRoot } = workerData;
	const { WasmKernels } = compiled(repoRoot, 'engine', 'kernels', 'normalizeWasm.js');
	workerKernels ??= WasmKernels.create(memory);
	const view = (off) => new Float32Array(memory.buffer, off + task.from * 4, task.to - task.from);
	return { memory, repoRoot, kernels: workerKernels, x: view(task.x), y: view(task.y) };
}

export function ping() {
	return 0;
}

/** The forward's kernels (this batch's statistics, then normalize in place) timed from inside the worker. */
export async function forwardKernels(task) {
	const { memory, repoRoot } = workerData;
	const kernels = await workerSetup({ x: task.x, y: task.x, from: 0, to: 0 }).kernels;
	const { Arena } = compiled(repoRoot, 'engine', 'kernels', 'arena.js');
	const { reductionLayout } = compiled(repoRoot, 'engine', 'kernels', 'layout.js');
	const n = task.shape.reduce((a, b) => a * b, 1);
	const x = new Float32Array(memory.buffer, task.x, n);
	const l = reductionLayout(task.shape, task.reducedAxes);
	const scratch = new Arena(memory, task.scratch);
	const start = performance.now();
	const m = kernels.moments(x, l, scratch, 0, false);
	kernels.normalize(x, x, l, m.mean, m.variance, EPS, scratch);
	return performance.now() - start;
}

export async function copy(task) {
	const { kernels, x, y } = workerSetup(task);
	if (task.how === 'wasm') {
		(await kernels).copy(x, y);
	} else {
		y.set(x);
	}
	return 0;
}

//#endregion

if (
	isMainThread &&
	process.argv[1] &&
	path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
	const json = process.argv.includes('--json');
	const at = process.argv.indexOf('--filter');
	const result = await benchEngine(scriptRoot, json ? () => undefined : console.log, {
		filter: at > 0 ? process.argv[at + 1] : undefined,
		peers: !process.argv.includes('--no-peers'),
	});
	if (json) {
		console.log(JSON.stringify(result, null, 2));
	}
}
