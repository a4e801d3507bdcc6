import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzePython, explainLayer, normalizationKinds } from '../../../src/core';
import { normalize as runTask } from '../../../src/engine/engineWorker';
import { encodeNpy } from '../../../src/engine/npy';
import { SeededRandom } from '../../../src/engine/random';
import { sampleTaskFor } from '../../../src/host/sampleTask';
import type { RunMode } from '../../../src/protocol/engineProtocol';

/**
 * The kernel table: every normalization kind the analyser knows maps to one kernel (reduced axes,
 * centring or not, what it divides by), and each runs through the engine — from the user's code,
 * through the explanation and the sample task, to the worker — to the output that the framework's
 * documented formula gives, computed here in float64 with the axes read from the framework's
 * documentation, not from NormLens's tables.
 */

type Formula = 'standardize' | 'rms' | 'unit';

interface Case {
	kind: string;
	/** Python that builds a one-layer model on an input of `shape`. */
	program: string;
	shape: number[];
	/** The statistics' group of the element at `coord` (groups numbered in C order of the kept axes). */
	group: (coord: number[]) => number;
	formula: Formula;
	epsilon: number;
	mode?: RunMode;
}

const torch = (layer: string, shape: number[]) =>
	`import torch\nimport torch.nn as nn\nnet = nn.Sequential(${layer})\ny = net(torch.randn(${shape.join(', ')}))\n`;
const keras = (layer: string, shape: number[]) =>
	`import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(${shape.slice(1).join(', ')},)), ${layer}])\n`;
/** Group of a kept axis list: C-order index over those axes. */
const kept = (shape: number[], axes: number[]) => (c: number[]) =>
	axes.reduce((g, a) => g * shape[a] + c[a], 0);

// Sources, per kind: the PyTorch module documentation (torch.nn.BatchNorm2d: "computed per-dimension
// over the mini-batches", i.e. over (N, H, W) for each C; LayerNorm: the last D dims; GroupNorm:
// per sample over each group of C/G channels and the spatial dims; InstanceNorm: per sample and
// channel; RMSNorm: y = x / √(mean(x²) + eps) over the last D dims, eps=None → finfo(dtype).eps)
// and the Keras layer documentation (BatchNormalization: `axis` is kept; LayerNormalization /
// RMSNormalization / UnitNormalization: `axis` is reduced; GroupNormalization: per sample and group
// along `axis`; UnitNormalization: x / max(‖x‖₂, 1e-12)).
const cases: Case[] = [
	{
		kind: 'keras:BatchNormalization',
		program: keras('layers.BatchNormalization()', [6, 4, 5, 8]),
		shape: [6, 4, 5, 8],
		group: (c) => c[3],
		formula: 'standardize',
		epsilon: 1e-3,
	},
	{
		kind: 'keras:BatchNormalization',
		program: keras('layers.BatchNormalization(axis=1, epsilon=0.01)', [6, 8, 5, 4]),
		shape: [6, 8, 5, 4],
		group: (c) => c[1],
		formula: 'standardize',
		epsilon: 0.01,
	},
	{
		kind: 'keras:BatchNormalization',
		program: keras('layers.BatchNormalization(center=False, scale=False)', [32, 12]),
		shape: [32, 12],
		group: (c) => c[1],
		formula: 'standardize',
		epsilon: 1e-3,
	},
	{
		kind: 'keras:LayerNormalization',
		program: keras('layers.LayerNormalization()', [4, 7, 16]),
		shape: [4, 7, 16],
		group: kept([4, 7, 16], [0, 1]),
		formula: 'standardize',
		epsilon: 1e-3,
	},
	{
		kind: 'keras:LayerNormalization',
		program: keras('layers.LayerNormalization(axis=[1, 2, 3])', [3, 4, 5, 6]),
		shape: [3, 4, 5, 6],
		group: (c) => c[0],
		formula: 'standardize',
		epsilon: 1e-3,
	},
	{
		kind: 'keras:GroupNormalization',
		program: keras('layers.GroupNormalization(groups=4)', [3, 5, 6, 16]),
		shape: [3, 5, 6, 16],
		group: (c) => c[0] * 4 + Math.floor(c[3] / 4),
		formula: 'standardize',
		epsilon: 1e-3,
	},
	{
		kind: 'keras:RMSNormalization',
		program: keras('layers.RMSNormalization()', [4, 6, 10]),
		shape: [4, 6, 10],
		group: kept([4, 6, 10], [0, 1]),
		formula: 'rms',
		epsilon: 1e-6,
	},
	{
		kind: 'keras:UnitNormalization',
		program: keras('layers.UnitNormalization()', [5, 12]),
		shape: [5, 12],
		group: (c) => c[0],
		formula: 'unit',
		epsilon: 1e-12,
	},
	{
		kind: 'torch:BatchNorm1d',
		program: torch('nn.BatchNorm1d(12)', [32, 12]),
		shape: [32, 12],
		group: (c) => c[1],
		formula: 'standardize',
		epsilon: 1e-5,
	},
	{
		kind: 'torch:BatchNorm1d',
		program: torch('nn.BatchNorm1d(6)', [5, 6, 9]),
		shape: [5, 6, 9],
		group: (c) => c[1],
		formula: 'standardize',
		epsilon: 1e-5,
	},
	{
		kind: 'torch:BatchNorm2d',
		program: torch('nn.BatchNorm2d(8, eps=1e-3)', [4, 8, 5, 6]),
		shape: [4, 8, 5, 6],
		group: (c) => c[1],
		formula: 'standardize',
		epsilon: 1e-3,
	},
	{
		kind: 'torch:BatchNorm2d',
		program: torch('nn.BatchNorm2d(8)', [4, 8, 5, 6]),
		shape: [4, 8, 5, 6],
		group: (c) => c[1],
		formula: 'standardize',
		epsilon: 1e-5,
		mode: 'eval',
	},
	{
		kind: 'torch:BatchNorm3d',
		program: torch('nn.BatchNorm3d(4)', [2, 4, 3, 5, 6]),
		shape: [2, 4, 3, 5, 6],
		group: (c) => c[1],
		formula: 'standardize',
		epsilon: 1e-5,
	},
	{
		kind: 'torch:SyncBatchNorm',
		program: torch('nn.SyncBatchNorm(8)', [4, 8, 5, 6]),
		shape: [4, 8, 5, 6],
		group: (c) => c[1],
		formula: 'standardize',
		epsilon: 1e-5,
	},
	{
		kind: 'torch:LayerNorm',
		program: torch('nn.LayerNorm(16)', [4, 7, 16]),
		shape: [4, 7, 16],
		group: kept([4, 7, 16], [0, 1]),
		formula: 'standardize',
		epsilon: 1e-5,
	},
	{
		kind: 'torch:LayerNorm',
		program: torch('nn.LayerNorm([8, 5, 6], elementwise_affine=False)', [3, 8, 5, 6]),
		shape: [3, 8, 5, 6],
		group: (c) => c[0],
		formula: 'standardize',
		epsilon: 1e-5,
	},
	{
		kind: 'torch:RMSNorm',
		program: torch('nn.RMSNorm(10)', [4, 6, 10]),
		shape: [4, 6, 10],
		group: kept([4, 6, 10], [0, 1]),
		formula: 'rms',
		epsilon: 2 ** -23,
	},
	{
		kind: 'torch:RMSNorm',
		program: torch('nn.RMSNorm([6, 10], eps=1e-4)', [4, 6, 10]),
		shape: [4, 6, 10],
		group: (c) => c[0],
		formula: 'rms',
		epsilon: 1e-4,
	},
	{
		kind: 'torch:GroupNorm',
		program: torch('nn.GroupNorm(4, 16)', [3, 16, 5, 6]),
		shape: [3, 16, 5, 6],
		group: (c) => c[0] * 4 + Math.floor(c[1] / 4),
		formula: 'standardize',
		epsilon: 1e-5,
	},
	{
		kind: 'torch:InstanceNorm1d',
		program: torch('nn.InstanceNorm1d(6)', [5, 6, 9]),
		shape: [5, 6, 9],
		group: kept([5, 6, 9], [0, 1]),
		formula: 'standardize',
		epsilon: 1e-5,
	},
	{
		kind: 'torch:InstanceNorm2d',
		program: torch('nn.InstanceNorm2d(8, affine=True, track_running_stats=True)', [4, 8, 5, 6]),
		shape: [4, 8, 5, 6],
		group: kept([4, 8, 5, 6], [0, 1]),
		formula: 'standardize',
		epsilon: 1e-5,
	},
	{
		kind: 'torch:InstanceNorm3d',
		program: torch('nn.InstanceNorm3d(4)', [2, 4, 3, 5, 6]),
		shape: [2, 4, 3, 5, 6],
		group: kept([2, 4, 3, 5, 6], [0, 1]),
		formula: 'standardize',
		epsilon: 1e-5,
	},
];

/** Per-group mean, std, min and max of y from the formula, in float64. */
function reference(
	x: Float32Array,
	c: Case,
): { mean: number[]; std: number[]; min: number[]; max: number[] } {
	const groups = new Map<number, number[]>();
	const coord = new Array<number>(c.shape.length).fill(0);
	for (let i = 0; i < x.length; i++) {
		const g = c.group(coord);
		const list = groups.get(g) ?? [];
		list.push(i);
		groups.set(g, list);
		for (let a = c.shape.length - 1; a >= 0; a--) {
			if (++coord[a] < c.shape[a]) {
				break;
			}
			coord[a] = 0;
		}
	}
	const out = {
		mean: [] as number[],
		std: [] as number[],
		min: [] as number[],
		max: [] as number[],
	};
	for (const g of [...groups.keys()].sort((a, b) => a - b)) {
		const v = (groups.get(g) as number[]).map((i) => x[i]);
		const m = v.length;
		const mu = v.reduce((s, t) => s + t, 0) / m;
		const variance = v.reduce((s, t) => s + (t - mu) ** 2, 0) / m;
		const sumSq = v.reduce((s, t) => s + t * t, 0);
		const y =
			c.mode === 'eval'
				? v.map((t) => t / Math.sqrt(1 + c.epsilon)) // a fresh layer's running statistics: μ = 0, σ² = 1
				: c.formula === 'standardize'
					? v.map((t) => (t - mu) / Math.sqrt(variance + c.epsilon))
					: c.formula === 'rms'
						? v.map((t) => t / Math.sqrt(sumSq / m + c.epsilon))
						: v.map((t) => t / Math.max(Math.sqrt(sumSq), c.epsilon));
		const ym = y.reduce((s, t) => s + t, 0) / m;
		out.mean.push(ym);
		out.std.push(Math.sqrt(y.reduce((s, t) => s + (t - ym) ** 2, 0) / m));
		out.min.push(Math.min(...y));
		out.max.push(Math.max(...y));
	}
	return out;
}

describe('kernel table: every normalization kind runs to its framework’s formula', function () {
	this.timeout(60_000);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-kernels-'));

	it('every kind the analyser explains has a case here, and its form is the formula the case checks', () => {
		const known = normalizationKinds();
		assert.deepStrictEqual(
			[...new Set(cases.map((c) => c.kind))].sort(),
			known.map((k) => k.kind).sort(),
		);
		for (const k of known) {
			for (const c of cases.filter((x) => x.kind === k.kind)) {
				assert.strictEqual(k.form, c.formula, k.kind);
			}
		}
	});

	cases.forEach((c, n) => {
		for (const backend of ['wasm-simd', 'js'] as const) {
			it(`[${backend}] ${c.kind} on (${c.shape.join(', ')})${c.mode === 'eval' ? ', inference' : ''}: ${c.program
				.split('\n')
				.find((l) => /nn\.|layers\./.test(l))
				?.trim()}`, async () => {
				const r = analyzePython(c.program);
				const layer = r.models[0]?.layers.find(
					(l) => `${l.framework}:${l.type}` === c.kind,
				);
				assert.ok(layer, `the analyser found the ${c.kind} layer`);
				const e = explainLayer(layer);
				assert.ok(e, 'explained');
				const built = sampleTaskFor(e, {
					batchSize: c.shape[0],
					seed: 1,
					memoryLimitMiB: 64,
					mode: c.mode,
				});
				assert.ok('task' in built, JSON.stringify(built));
				assert.strictEqual(built.task.epsilon, c.epsilon, 'ε as the framework defaults it');
				// The data: a seeded tensor with offsets and scales that differ along every axis.
				const rng = new SeededRandom(100 + n);
				const total = c.shape.reduce((p, d) => p * d, 1);
				const x = new Float32Array(total);
				for (let i = 0; i < total; i++) {
					x[i] = 0.5 + (i % 7) * 0.3 + (1 + (i % 3)) * rng.normal();
				}
				const file = path.join(dir, `case${n}.npy`);
				fs.writeFileSync(file, encodeNpy(x, c.shape));
				const got = await runTask({ ...built.task, npyPath: file, backend });
				assert.strictEqual(got.form, c.formula);
				const ref = reference(x, c);
				assert.strictEqual(
					got.features,
					ref.mean.length,
					'one statistic per group of the formula',
				);
				for (let g = 0; g < ref.mean.length; g++) {
					const at = `group ${g}`;
					assert.ok(
						Math.abs(got.after.mean[g] - ref.mean[g]) < 2e-6,
						`${at} mean ${got.after.mean[g]} vs ${ref.mean[g]}`,
					);
					assert.ok(
						Math.abs(got.after.std[g] - ref.std[g]) < 2e-6 * Math.max(1, ref.std[g]),
						`${at} std ${got.after.std[g]} vs ${ref.std[g]}`,
					);
					assert.ok(
						Math.abs(got.after.min[g] - ref.min[g]) <
							1e-5 * Math.max(1, Math.abs(ref.min[g])),
						`${at} min ${got.after.min[g]} vs ${ref.min[g]}`,
					);
					assert.ok(
						Math.abs(got.after.max[g] - ref.max[g]) <
							1e-5 * Math.max(1, Math.abs(ref.max[g])),
						`${at} max ${got.after.max[g]} vs ${ref.max[g]}`,
					);
				}
			});
		}
	});
});
