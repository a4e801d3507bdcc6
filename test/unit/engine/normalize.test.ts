import * as assert from 'assert';
import { normalize as runTask } from '../../../src/engine/engineWorker';
import { reductionLayout } from '../../../src/engine/kernels/layout';
import { moments, normalize } from '../../../src/engine/kernels/normalizeJs';
import { SeededRandom } from '../../../src/engine/random';
import { NormalizeKernel, NormalizeTask } from '../../../src/protocol/engineProtocol';

/** Float64 reference from the formula: two passes over the elements of each group. */
function reference(x: Float32Array, shape: number[], reduced: number[]) {
	const rank = shape.length;
	const kept = [...Array(rank).keys()].filter((a) => !reduced.includes(a));
	const groups = new Map<number, number[]>();
	const coord = new Array<number>(rank).fill(0);
	for (let i = 0; i < x.length; i++) {
		let g = 0;
		for (const a of kept) {
			g = g * shape[a] + coord[a];
		}
		const list = groups.get(g) ?? [];
		list.push(x[i]);
		groups.set(g, list);
		for (let a = rank - 1; a >= 0; a--) {
			if (++coord[a] < shape[a]) {
				break;
			}
			coord[a] = 0;
		}
	}
	const keys = [...groups.keys()].sort((a, b) => a - b);
	const mean = keys.map((k) => {
		const v = groups.get(k) as number[];
		return v.reduce((s, t) => s + t, 0) / v.length;
	});
	const variance = keys.map((k, i) => {
		const v = groups.get(k) as number[];
		return v.reduce((s, t) => s + (t - mean[i]) ** 2, 0) / v.length;
	});
	return { mean, variance };
}

function sample(shape: number[], offset: number, scale: number, seed: number): Float32Array {
	const rng = new SeededRandom(seed);
	const n = shape.reduce((p, d) => p * d, 1);
	const x = new Float32Array(n);
	for (let i = 0; i < n; i++) {
		x[i] = offset + scale * rng.normal() + (i % 7);
	}
	return x;
}

const cases: { name: string; shape: number[]; reduced: number[] }[] = [
	{ name: 'BN dense (N, C)', shape: [64, 50], reduced: [0] },
	{ name: 'BN NHWC', shape: [4, 6, 5, 8], reduced: [0, 1, 2] },
	{ name: 'BN NCHW', shape: [4, 8, 6, 5], reduced: [0, 2, 3] },
	{ name: 'LN over the last axis', shape: [6, 10, 12], reduced: [2] },
	{
		name: 'IN over spatial axes (non-contiguous kept axes N, C)',
		shape: [3, 4, 5, 6],
		reduced: [2, 3],
	},
];

describe('normalization kernel (js backend) against a float64 reference', () => {
	for (const c of cases) {
		for (const [label, offset, scale] of [
			['standard data', 0.5, 1],
			['large offset, tiny spread (mean 1e4, std 1e-2)', 1e4, 1e-2],
		] as const) {
			it(`${c.name}, ${label}: mean and variance within 1e-6 relative`, () => {
				const x = sample(c.shape, offset, scale, 7);
				const layout = reductionLayout(c.shape, c.reduced);
				const m = moments(x, layout);
				const ref = reference(x, c.shape, c.reduced);
				assert.strictEqual(m.mean.length, ref.mean.length);
				for (let g = 0; g < ref.mean.length; g++) {
					const tolMean =
						1e-6 * Math.max(Math.abs(ref.mean[g]), Math.sqrt(ref.variance[g]));
					assert.ok(
						Math.abs(m.mean[g] - ref.mean[g]) <= tolMean,
						`mean[${g}] ${m.mean[g]} vs ${ref.mean[g]}`,
					);
					assert.ok(
						Math.abs(m.variance[g] - ref.variance[g]) <= 1e-6 * ref.variance[g],
						`var[${g}] ${m.variance[g]} vs ${ref.variance[g]}`,
					);
				}
				// y = γ(x − μ)/√(σ² + ε) + β, within float32 rounding of the f64 result.
				const y = new Float32Array(x.length);
				const gamma = Array.from({ length: layout.groups }, (_, i) => 1 + i / 10);
				const beta = Array.from({ length: layout.groups }, (_, i) => -i / 5);
				normalize(x, y, layout, m.mean, m.variance, 1e-3, gamma, beta);
				const layoutIdx = reductionLayout(c.shape, c.reduced);
				const after = moments(y, layoutIdx);
				for (let g = 0; g < layout.groups; g++) {
					const expectStd =
						gamma[g] * Math.sqrt(ref.variance[g] / (ref.variance[g] + 1e-3));
					// Bound: float32 quantisation of x relative to σ (ulp(|x|)/σ), plus f32 output rounding.
					const ulp = (Math.abs(ref.mean[g]) + 4 * Math.sqrt(ref.variance[g])) * 2 ** -23;
					const bound = 4 * (ulp / Math.sqrt(ref.variance[g] + 1e-3)) * gamma[g] + 1e-5;
					assert.ok(
						Math.abs(after.mean[g] - beta[g]) <= bound,
						`mean after ${after.mean[g]} vs β ${beta[g]} (bound ${bound})`,
					);
					assert.ok(
						Math.abs(Math.sqrt(after.variance[g]) - expectStd) <= bound,
						`std after ${Math.sqrt(after.variance[g])} vs ${expectStd}`,
					);
				}
			});
		}
	}

	it('constant channels give variance 0 and NaN/Inf are counted per channel', () => {
		const x = new Float32Array([1, 5, NaN, 1, 6, 2, 1, 7, 3]);
		const m = moments(x, reductionLayout([3, 3], [0]));
		assert.strictEqual(m.variance[0], 0);
		assert.strictEqual(m.mean[0], 1);
		assert.deepStrictEqual(Array.from(m.nonFinite), [0, 0, 1]);
		assert.ok(Number.isNaN(m.mean[2]));
	});
});

describe('engine task: sample tensor and running statistics', () => {
	const base: NormalizeTask = {
		kernel: NormalizeKernel,
		shape: [32, 6, 7, 5],
		reducedAxes: [0, 1, 2],
		epsilon: 1e-3,
		seed: 42,
		distribution: 'normal',
		momentum: { convention: 'keras', value: 0.99 },
		maxElements: 1 << 24,
	};

	it('is reproducible from its seed and normalizes each channel to mean 0, std σ/√(σ²+ε)', async () => {
		const a = await runTask(base);
		const b = await runTask(base);
		assert.deepStrictEqual(Array.from(a.before.mean), Array.from(b.before.mean));
		assert.strictEqual(a.features, 5);
		assert.strictEqual(a.groupSize, 32 * 6 * 7);
		for (let c = 0; c < 5; c++) {
			const s = a.before.std[c];
			assert.ok(Math.abs(a.after.mean[c]) < 1e-5);
			assert.ok(Math.abs(a.after.std[c] - s / Math.sqrt(s * s + 1e-3)) < 1e-5);
		}
		// The sample has visibly different channels before normalization.
		assert.ok(Math.max(...a.before.std) / Math.min(...a.before.std) > 1.2);
	});

	it('Keras running statistics: moving = moving·m + batch·(1 − m), biased variance', async () => {
		const r = await runTask(base);
		assert.ok(r.running);
		for (let c = 0; c < 5; c++) {
			const v = r.before.std[c] ** 2;
			assert.ok(Math.abs(r.running.mean[c] - 0.01 * r.before.mean[c]) < 1e-12);
			assert.ok(Math.abs(r.running.variance[c] - (0.99 + 0.01 * v)) < 1e-12);
		}
	});

	it('PyTorch running statistics: (1 − m)·running + m·batch with the unbiased variance', async () => {
		const r = await runTask({ ...base, momentum: { convention: 'torch', value: 0.1 } });
		const n = r.groupSize;
		assert.ok(r.running);
		for (let c = 0; c < 5; c++) {
			const v = r.before.std[c] ** 2;
			assert.ok(Math.abs(r.running.mean[c] - 0.1 * r.before.mean[c]) < 1e-12);
			assert.ok(Math.abs(r.running.variance[c] - (0.9 + (0.1 * v * n) / (n - 1))) < 1e-12);
		}
	});

	it("eval mode normalizes with a fresh layer's running statistics (0 and 1): y = x/√(1 + ε), no update", async () => {
		const r = await runTask({ ...base, mode: 'eval' });
		assert.strictEqual(r.running, null);
		const k = 1 / Math.sqrt(1 + 1e-3);
		for (let c = 0; c < 5; c++) {
			assert.ok(
				Math.abs(r.after.mean[c] - k * r.before.mean[c]) <
					1e-5 * (1 + Math.abs(r.before.mean[c])),
				`mean ${c}`,
			);
			assert.ok(
				Math.abs(r.after.std[c] - k * r.before.std[c]) < 1e-5 * r.before.std[c],
				`std ${c}`,
			);
		}
		// A layer without running statistics (momentum null) behaves the same in both modes.
		const ln = { ...base, momentum: null, reducedAxes: [1, 2, 3] };
		assert.deepStrictEqual(
			Array.from((await runTask({ ...ln, mode: 'eval' })).after.mean),
			Array.from((await runTask(ln)).after.mean),
		);
	});

	it('draws uniform and right-skewed log-normal samples on request, and rejects unknown distributions', async () => {
		const skew = (h: { lo: number; hi: number; counts: number[] }) => {
			const w = (h.hi - h.lo) / h.counts.length;
			const n = h.counts.reduce((a, b) => a + b, 0);
			const mid = h.counts.map((_, i) => h.lo + (i + 0.5) * w);
			const m = mid.reduce((a, x, i) => a + x * h.counts[i], 0) / n;
			const v = mid.reduce((a, x, i) => a + (x - m) ** 2 * h.counts[i], 0) / n;
			return mid.reduce((a, x, i) => a + (x - m) ** 3 * h.counts[i], 0) / n / v ** 1.5;
		};
		// One sample of 20,000 values: the draws' own distribution (a batch would mix in each sample's offset and scale).
		const one = { ...base, shape: [1, 20000], reducedAxes: [1] };
		const logn = await runTask({ ...one, distribution: 'lognormal' });
		const unif = await runTask({ ...one, distribution: 'uniform' });
		assert.ok(skew(logn.histogramBefore) > 1, `log-normal skew ${skew(logn.histogramBefore)}`);
		assert.ok(
			Math.abs(skew(unif.histogramBefore)) < 0.1,
			`uniform skew ${skew(unif.histogramBefore)}`,
		);
		// A uniform sample has no tails: its range is √12·σ wide.
		assert.ok(
			Math.abs(
				(unif.before.max[0] - unif.before.min[0]) / unif.before.std[0] - Math.sqrt(12),
			) < 0.05,
		);
		await assert.rejects(
			runTask({ ...one, distribution: 'cauchy' as never }),
			/Unknown distribution "cauchy"/,
		);
	});

	it('refuses a tensor over the memory cap, up front, with the sizes in the message', async () => {
		await assert.rejects(
			runTask({ ...base, shape: [4096, 512, 512], maxElements: 1 << 20 }),
			/needs 8192 MiB.*limit of 8 MiB/,
		);
	});

	it('rejects a shape with unknown or non-positive sizes', async () => {
		await assert.rejects(runTask({ ...base, shape: [0, 3] }), /positive integers/);
	});
});

describe('group normalization layout', () => {
	it('GroupNorm(4 groups of 4 channels) on (2, 16, 3, 5): statistics per (sample, group) equal a float64 reference', () => {
		const shape = [2, 16, 3, 5];
		const x = sample(shape, 2, 1.5, 11);
		const layout = reductionLayout(shape, [1, 2, 3], { axis: 1, count: 4 });
		assert.strictEqual(layout.groups, 8);
		assert.strictEqual(layout.groupSize, 4 * 3 * 5);
		const m = moments(x, layout);
		// Reference: view as (2, 4, 4·3·5) and reduce the last axis.
		const ref = reference(x, [2, 4, 60], [2]);
		for (let g = 0; g < 8; g++) {
			assert.ok(
				Math.abs(m.mean[g] - ref.mean[g]) <= 1e-9 * Math.max(1, Math.abs(ref.mean[g])),
			);
			assert.ok(Math.abs(m.variance[g] - ref.variance[g]) <= 1e-6 * ref.variance[g]);
		}
	});

	it('channels first, GroupNorm is one contiguous block per (sample, group): floor(i / inner) is the group the odometer finds; channels last is not', async () => {
		const { groupIndex } = await import('../../../src/engine/kernels/layout');
		const layout = reductionLayout([2, 16, 3, 5], [1, 2, 3], { axis: 1, count: 4 });
		assert.deepStrictEqual(layout.block, { inner: 4 * 3 * 5 });
		const odometer = groupIndex({ ...layout, block: null });
		odometer.forEach((g, i) =>
			assert.strictEqual(Math.floor(i / 60) % layout.groups, g, `element ${i}`),
		);
		assert.strictEqual(
			reductionLayout([2, 3, 5, 16], [1, 2, 3], { axis: 3, count: 4 }).block,
			null,
		);
		assert.strictEqual(
			reductionLayout([2, 15, 3, 5], [1, 2, 3], { axis: 1, count: 4 }).block,
			null,
			'15 channels do not split into 4 groups',
		);
	});
});

describe('WebAssembly SIMD kernels against the float64 reference and the js kernels', () => {
	let kernels: import('../../../src/engine/kernels/normalizeWasm').WasmKernels;
	let arena: import('../../../src/engine/kernels/arena').Arena;

	before(async () => {
		const { WasmKernels, simdSupported } =
			await import('../../../src/engine/kernels/normalizeWasm');
		const { Arena } = await import('../../../src/engine/kernels/arena');
		assert.ok(simdSupported(), 'this Node supports WebAssembly SIMD');
		const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
		kernels = await WasmKernels.create(memory);
		arena = new Arena(memory);
		// The relaxed-SIMD run of this suite (relaxed.test.ts) must really use normalize-relaxed.wasm.
		assert.strictEqual(
			kernels.fusedMultiplyAdd,
			process.env.NORMLENS_EXPECT_FMA === '1',
			'which binary the kernels came from',
		);
	});

	const wasmCases = [
		...cases.filter((c) => c.name !== 'IN over spatial axes (non-contiguous kept axes N, C)'),
		{
			name: 'BN NHWC, C not a multiple of 4 (scalar tail)',
			shape: [3, 5, 7, 6],
			reduced: [0, 1, 2],
		},
		{ name: 'BN dense, 1 feature', shape: [100, 1], reduced: [0] },
		{ name: 'BN NCHW, odd plane size', shape: [2, 3, 5, 7], reduced: [0, 2, 3] },
		{ name: 'dense [256, 1024] (few rows per block flush)', shape: [256, 1024], reduced: [0] },
		{
			name: 'BN NHWC, C = 130 (one-row variant, scalar tail)',
			shape: [4, 5, 3, 130],
			reduced: [0, 1, 2],
		},
		{
			name: 'BN NHWC, C = 12 (register tiles, odd vector count)',
			shape: [3, 7, 5, 12],
			reduced: [0, 1, 2],
		},
	];
	for (const c of wasmCases) {
		for (const [label, offset, scale] of [
			['standard data', 0.5, 1],
			['mean 1e4, std 1e-2', 1e4, 1e-2],
		] as const) {
			it(`${c.name}, ${label}: variance within 1e-6 relative, y within the float32 floor`, () => {
				arena.reset();
				const src = sample(c.shape, offset, scale, 5);
				const x = arena.f32(src.length);
				x.set(src);
				const y = arena.f32(src.length);
				const layout = reductionLayout(c.shape, c.reduced);
				const m = kernels.moments(x, layout, arena);
				const ref = reference(src, c.shape, c.reduced);
				for (let g = 0; g < ref.mean.length; g++) {
					const sd = Math.sqrt(ref.variance[g]);
					assert.ok(
						Math.abs(m.mean[g] - ref.mean[g]) <=
							1e-6 * Math.max(sd, 1e-30) + 1e-12 * Math.abs(ref.mean[g]),
						`mean[${g}] ${m.mean[g]} vs ${ref.mean[g]}`,
					);
					assert.ok(
						Math.abs(m.variance[g] - ref.variance[g]) <= 1e-6 * ref.variance[g],
						`var[${g}] rel err ${Math.abs(m.variance[g] - ref.variance[g]) / ref.variance[g]}`,
					);
				}
				kernels.normalize(x, y, layout, m.mean, m.variance, 1e-3, arena);
				// y = (x − μ)/√(σ² + ε) in float64 from the reference; the f32 form (x − m)·a + b is
				// bounded by the input's own quantisation: a few ulp(|x|) / σ.
				const yRef = new Float32Array(src.length);
				normalize(
					src,
					yRef,
					layout,
					new Float64Array(ref.mean),
					new Float64Array(ref.variance),
					1e-3,
					undefined,
					undefined,
				);
				let worst = 0;
				let bound = 0;
				const groupOf = (i: number) =>
					Math.floor(i / (layout.block as { inner: number }).inner) % layout.groups;
				for (let i = 0; i < src.length; i++) {
					const g = groupOf(i);
					const sd = Math.sqrt(ref.variance[g] + 1e-3);
					const b =
						(8 * (Math.abs(src[i]) + Math.abs(ref.mean[g])) * 2 ** -24) / sd +
						4 * 2 ** -24 * Math.abs(yRef[i]) +
						1e-6;
					const d = Math.abs(y[i] - (src[i] - ref.mean[g]) / sd);
					worst = Math.max(worst, d / b);
					bound = Math.max(bound, b);
				}
				assert.ok(
					worst <= 1,
					`worst |Δy| / bound = ${worst.toFixed(3)} (bound up to ${bound.toExponential(2)})`,
				);
				const mjs = momentsJsOf(src, layout);
				for (let g = 0; g < layout.groups; g++) {
					assert.strictEqual(m.min[g], mjs.min[g]);
					assert.strictEqual(m.max[g], mjs.max[g]);
				}
			});
		}
	}

	// Every channels-last walk of statsRows (rowsVariantFor picks one per C) on shapes that reach its
	// edge cases: odd row counts (tiles step two rows), C4 odd (tiles reuse the previous vector; staged
	// takes the last vector alone), a scalar channel tail, flush blocks of 32 / 64 / ~128 rows and
	// staged blocks of 6–14 rows not dividing the row count, and long columns (f32 partials flushed
	// to f64 many times).
	for (const shape of [
		[67, 12],
		[33, 8],
		[131, 20],
		[70, 64],
		[45, 130],
		[9, 1030],
		[5, 6],
		[300, 68],
		[257, 100],
		[4001, 96],
		[1000, 258],
	]) {
		for (const [label, offset, scale] of [
			['standard data', 0.5, 1],
			['mean 1e4, std 1e-2', 1e4, 1e-2],
		] as const) {
			it(`statsRows variants one / four / tiles / staged on [${shape.join(', ')}], ${label}: mean and variance within 1e-6 of float64`, async () => {
				const { RowsVariant } = await import('../../../src/engine/kernels/normalizeWasm');
				const src = sample(shape, offset, scale, 11);
				const ref = reference(src, shape, [0]);
				for (const variant of [
					RowsVariant.One,
					RowsVariant.Four,
					RowsVariant.Tiles,
					RowsVariant.Staged,
				]) {
					arena.reset();
					const x = arena.f32(src.length);
					x.set(src);
					const m = kernels.moments(
						x,
						reductionLayout(shape, [0]),
						arena,
						0,
						false,
						variant,
					);
					for (let g = 0; g < ref.mean.length; g++) {
						const sd = Math.sqrt(ref.variance[g]);
						assert.ok(
							Math.abs(m.mean[g] - ref.mean[g]) <=
								1e-6 * sd + 1e-12 * Math.abs(ref.mean[g]),
							`variant ${variant} mean[${g}] ${m.mean[g]} vs ${ref.mean[g]}`,
						);
						assert.ok(
							Math.abs(m.variance[g] - ref.variance[g]) <= 1e-6 * ref.variance[g],
							`variant ${variant} var[${g}] rel err ${Math.abs(m.variance[g] - ref.variance[g]) / ref.variance[g]}`,
						);
						assert.ok(
							Number.isNaN(m.min[g]) && Number.isNaN(m.max[g]),
							'no extremes asked for',
						);
					}
				}
			});
		}
	}

	// The split run's chunk claiming (src/engine/slabs.ts), on this thread: one participant that finds
	// no peer must do every chunk itself (a worker that never starts cannot block a run), a second
	// that arrives after it must find nothing left and get the same merge, and the result must be the
	// float64 reference whatever the chunking.
	for (const [label, shape, reduced] of [
		['channels last [300, 68]', [300, 68], [0]],
		['planes NCHW [6, 5, 7, 9]', [6, 5, 7, 9], [0, 2, 3]],
	] as const) {
		it(`chunked forward on ${label}: a lone worker does every chunk in place; a late one finds none; statistics, y and x's histogram samples as float64`, async () => {
			const { chunkPlan, controlBytes, chunkResults, mergePartials } =
				await import('../../../src/engine/slabs');
			const { forwardChunks } = await import('../../../src/engine/chunkRun');
			const { Arena } = await import('../../../src/engine/kernels/arena');
			const shp = [...shape];
			const src = sample(shp, 1e4, 1e-2, 5);
			const ref = reference(src, shp, [...reduced]);
			const layout = reductionLayout(shp, [...reduced]);
			const inner = (layout.block as { inner: number }).inner;
			const unit = inner === 1 ? layout.groups : inner;
			arena.reset();
			const x = arena.f32(src.length);
			x.set(src);
			const stride = 5;
			const samples = { stride, into: arena.f32(Math.ceil(src.length / stride)).fill(NaN) };
			const plan = { ...chunkPlan(src.length, unit, layout.groups, 2), chunks: 7 };
			const control = {
				at: arena.f32(controlBytes(plan, layout.groups) / 4).fill(0).byteOffset,
			};
			const work = new Arena(kernels.memory, arena.f32(1 << 16).byteOffset);
			const centre = (m: { mean: Float64Array; variance: Float64Array }) => ({
				m: m.mean,
				a: m.variance.map((v) => 1 / Math.sqrt(v + 1e-3)),
				b: new Float64Array(m.mean.length),
			});
			const run = { k: kernels, layout, x, arena: work, plan, control };
			const first = forwardChunks(run, {
				centre,
				check: () => undefined,
				extras: true,
				samples,
			});
			assert.deepStrictEqual(first.chunks, { stats: 7, normalize: 7 });
			// Alone after its first chunk, it asked the host to wake it; no host answers here.
			assert.strictEqual(first.latePeer, 'not answered');
			const late = forwardChunks(run, {
				centre,
				check: () => undefined,
				extras: true,
				samples,
			});
			assert.deepStrictEqual(late.chunks, { stats: 0, normalize: 0 });
			assert.strictEqual(late.latePeer, undefined);
			assert.deepStrictEqual(Array.from(late.merged.mean), Array.from(first.merged.mean));
			assert.deepStrictEqual(
				Array.from(late.merged.variance),
				Array.from(first.merged.variance),
			);
			const results = chunkResults(kernels.memory, control, plan, layout.groups);
			const after = mergePartials(results.after, layout.groups);
			for (let g = 0; g < ref.mean.length; g++) {
				const sd = Math.sqrt(ref.variance[g]);
				assert.ok(
					Math.abs(first.merged.mean[g] - ref.mean[g]) <=
						1e-6 * sd + 1e-12 * Math.abs(ref.mean[g]),
					`mean[${g}]`,
				);
				assert.ok(
					Math.abs(first.merged.variance[g] - ref.variance[g]) <= 1e-6 * ref.variance[g],
					`var[${g}]`,
				);
				// y = (x − μ)/√(σ² + ε): mean ≈ 0 and variance σ²/(σ² + ε), to the input's quantisation (ulp(1e4)/σ ≈ 0.1).
				assert.ok(
					Math.abs(after.mean[g]) < 0.1 &&
						Math.abs(after.variance[g] - ref.variance[g] / (ref.variance[g] + 1e-3)) <
							0.05,
					`y[${g}]`,
				);
			}
			// x's extremes, as published per chunk.
			const lo = new Float64Array(layout.groups).fill(Infinity);
			const hi = new Float64Array(layout.groups).fill(-Infinity);
			src.forEach((v, i) => {
				const gi = inner === 1 ? i % layout.groups : Math.floor(i / inner) % layout.groups;
				lo[gi] = Math.min(lo[gi], v);
				hi[gi] = Math.max(hi[gi], v);
			});
			assert.deepStrictEqual(Array.from(results.min), Array.from(lo));
			assert.deepStrictEqual(Array.from(results.max), Array.from(hi));
			// x's every 5th element, kept before its chunk was overwritten; x now holds y = (x − m)·a + b.
			assert.deepStrictEqual(
				Array.from(samples.into),
				Array.from(src.filter((_, i) => i % stride === 0)),
			);
			const { m, a, b } = centre(first.merged);
			src.forEach((v, i) => {
				const gi = inner === 1 ? i % layout.groups : Math.floor(i / inner) % layout.groups;
				// float32 (x − m)·a + b, each operation rounded once (no fused multiply-add here): bit for bit.
				const f = Math.fround;
				assert.strictEqual(x[i], f(f(f(v - f(m[gi])) * f(a[gi])) + f(b[gi])), `y[${i}]`);
			});
			// The worker binned x's samples and y's every 5th element as it went, over the whole
			// tensor's ranges: 64 equal bins from the smallest to the largest value of each.
			const binned = (all: ArrayLike<number>) => {
				const values = Array.from(all);
				const lo = Math.min(...values);
				const w = (Math.max(...values) - lo) / 64;
				const counts = new Array<number>(64).fill(0);
				values
					.filter((_, i) => i % stride === 0)
					.forEach((v) => counts[Math.min(63, Math.floor((v - lo) / w))]++);
				return counts;
			};
			assert.deepStrictEqual(Array.from(first.histograms?.x ?? []), binned(src));
			assert.deepStrictEqual(Array.from(first.histograms?.y ?? []), binned(x));
			// The late worker normalized nothing, so binned nothing.
			assert.deepStrictEqual(
				[
					late.histograms?.x.reduce((p, n) => p + n, 0),
					late.histograms?.y.reduce((p, n) => p + n, 0),
				],
				[0, 0],
			);
		});
	}

	it('normalizing chunks: a worker takes its own chunks, then every chunk nobody has taken, each exactly once', async () => {
		const { chunkPlan, controlBytes } = await import('../../../src/engine/slabs');
		const { normalizeChunks } = await import('../../../src/engine/chunkRun');
		const { Arena } = await import('../../../src/engine/kernels/arena');
		const shape = [240, 8];
		const layout = reductionLayout(shape, [0]);
		arena.reset();
		const x = arena.f32(240 * 8).fill(1);
		const plan = { ...chunkPlan(x.length, 8, 8, 2), chunks: 6 };
		const controlAt = arena.f32(controlBytes(plan, 8) / 4).fill(0).byteOffset;
		// A peer already took chunk 0 (its flag follows the 8 Int32 counters).
		new Int32Array(kernels.memory.buffer, controlAt + 32, plan.chunks)[0] = 1;
		const run = {
			k: kernels,
			layout,
			x,
			arena: new Arena(kernels.memory, arena.f32(1 << 16).byteOffset),
			plan,
			control: { at: controlAt },
		};
		const centred = {
			m: new Array<number>(8).fill(0),
			a: new Array<number>(8).fill(2),
			b: new Array<number>(8).fill(1),
		};
		const done = normalizeChunks(
			run,
			centred,
			{ check: () => undefined, extras: false },
			[2, 5],
		);
		assert.strictEqual(done.chunks, 5);
		// y = (1 − 0)·2 + 1 = 3 once everywhere but in chunk 0 (rows 0–39), which stays x; a second pass would give 7.
		x.forEach((v, i) => assert.strictEqual(v, i < 40 * 8 ? 1 : 3, `x[${i}]`));
		assert.strictEqual(
			normalizeChunks(run, centred, { check: () => undefined, extras: false }, [3]).chunks,
			0,
		);
	});

	it('a worker whose peer has not arrived after its first chunk sleeps until the host (another thread) wakes it', async () => {
		const { chunkPlan, controlBytes } = await import('../../../src/engine/slabs');
		const { forwardChunks } = await import('../../../src/engine/chunkRun');
		const { Arena } = await import('../../../src/engine/kernels/arena');
		const { Worker } = await import('node:worker_threads');
		const path = await import('node:path');
		const shape = [4096, 8];
		const layout = reductionLayout(shape, [0]);
		arena.reset();
		const x = arena.f32(4096 * 8).fill(1);
		const plan = { ...chunkPlan(x.length, 8, 8, 2), chunks: 4 };
		const control = { at: arena.f32(controlBytes(plan, 8) / 4).fill(0).byteOffset };
		const run = {
			k: kernels,
			layout,
			x,
			arena: new Arena(kernels.memory, arena.f32(1 << 16).byteOffset),
			plan,
			control,
		};
		// The host's side runs on its own thread, as the extension host's does while the workers run.
		const host = new Worker(
			`const { workerData, parentPort } = require('node:worker_threads');
			const end = require(workerData.slabs).answerLatePeers(workerData.memory, workerData.control);
			parentPort.postMessage('listening');
			parentPort.once('message', () => { end(); parentPort.close(); });`,
			{
				eval: true,
				workerData: {
					slabs: path.join(__dirname, '../../../src/engine/slabs.js'),
					memory: kernels.memory,
					control,
				},
			},
		);
		await new Promise((resolve) => host.once('message', resolve));
		const centre = () => ({
			m: new Array<number>(8).fill(0),
			a: new Array<number>(8).fill(1),
			b: new Array<number>(8).fill(0),
		});
		let alone: ReturnType<typeof forwardChunks>;
		try {
			// Waiting up to 2 s rather than the product's 0.5 ms: this checks the hand-shake, not how fast a cold thread answers.
			alone = forwardChunks(run, {
				centre,
				check: () => undefined,
				extras: false,
				latePeerWaitMs: 2000,
			});
		} finally {
			host.postMessage('end');
			await new Promise((resolve) => host.once('exit', resolve));
		}
		assert.strictEqual(alone.latePeer, 'answered');
		assert.deepStrictEqual(alone.chunks, { stats: 4, normalize: 4 });
	});

	it('a failed split run reports the first real error, not a peer saying that another worker failed', async () => {
		const { failureCause } = await import('../../../src/engine/slabs');
		const { EngineRefusal, PeerFailed, RunCancelled } =
			await import('../../../src/protocol/engineErrors');
		// What the host's runTask raises for each task's outcome: typed, whatever the messages say.
		const disk = new EngineRefusal('Cannot read /tmp/x.npy: EIO');
		const peer = new PeerFailed();
		const cancelledByHost = new RunCancelled();
		assert.strictEqual(
			failureCause(
				[
					{ status: 'rejected', reason: cancelledByHost },
					{ status: 'rejected', reason: disk },
				],
				cancelledByHost,
			),
			disk,
		);
		assert.strictEqual(
			failureCause(
				[
					{ status: 'rejected', reason: peer },
					{ status: 'rejected', reason: disk },
				],
				peer,
			),
			disk,
		);
		assert.strictEqual(
			failureCause(
				[
					{ status: 'fulfilled', value: 1 },
					{ status: 'rejected', reason: peer },
				],
				peer,
			),
			peer,
		);
	});

	it('a task counts its work in the shared progress counter: four passes of its elements', async () => {
		const { progressUnits } = await import('../../../src/engine/progress');
		for (const backend of ['wasm-simd', 'js'] as const) {
			const progress = new SharedArrayBuffer(4);
			await runTask({
				kernel: NormalizeKernel,
				shape: [64, 4096],
				reducedAxes: [0],
				epsilon: 1e-3,
				seed: 3,
				distribution: 'normal',
				momentum: null,
				maxElements: 1 << 24,
				backend,
				progress,
			});
			assert.strictEqual(
				Atomics.load(new Int32Array(progress), 0),
				progressUnits(64 * 4096),
				backend,
			);
		}
	});

	it('a whole task gives the same statistics with backend wasm-simd and js', async () => {
		const task: NormalizeTask = {
			kernel: NormalizeKernel,
			shape: [16, 9, 9, 12],
			reducedAxes: [0, 1, 2],
			epsilon: 1e-3,
			seed: 3,
			distribution: 'normal',
			momentum: null,
			maxElements: 1 << 24,
		};
		const w = await runTask({ ...task, backend: 'wasm-simd' });
		const j = await runTask({ ...task, backend: 'js' });
		assert.strictEqual(w.backend, 'wasm-simd');
		assert.strictEqual(j.backend, 'js');
		for (let c = 0; c < 12; c++) {
			assert.ok(Math.abs(w.before.mean[c] - j.before.mean[c]) <= 1e-6 * j.before.std[c]);
			assert.ok(Math.abs(w.before.std[c] - j.before.std[c]) <= 1e-6 * j.before.std[c]);
			assert.ok(
				Math.abs(w.after.mean[c]) < 1e-5 &&
					Math.abs(w.after.std[c] - j.after.std[c]) < 1e-5,
			);
		}
		assert.strictEqual(
			w.histogramBefore.counts.reduce((a, b) => a + b, 0),
			16 * 9 * 9 * 12,
		);
	});

	it('cancellation: a task whose flag is set stops with "cancelled"', async () => {
		const cancel = new SharedArrayBuffer(4);
		Atomics.store(new Int32Array(cancel), 0, 1);
		await assert.rejects(
			runTask({
				kernel: NormalizeKernel,
				shape: [64, 64, 64, 16],
				reducedAxes: [0, 1, 2],
				epsilon: 1e-3,
				seed: 1,
				distribution: 'normal',
				momentum: null,
				maxElements: 1 << 26,
				cancel,
			}),
			/cancelled/,
		);
	});
});

function momentsJsOf(x: Float32Array, layout: ReturnType<typeof reductionLayout>) {
	return moments(x, layout);
}

describe('a sample that shows the difference, and a comparison that reports it', () => {
	const base = {
		kernel: NormalizeKernel,
		epsilon: 1e-5,
		seed: 4,
		distribution: 'normal',
		momentum: null,
		maxElements: 1 << 24,
		sampleFeatureAxis: 1,
		views: true,
	} as const;
	const shape = [8, 12, 10, 10];
	const methods: [string, Partial<NormalizeTask>][] = [
		['batch', { reducedAxes: [0, 2, 3] }],
		['layer', { reducedAxes: [1, 2, 3] }],
		['instance', { reducedAxes: [2, 3] }],
		['group', { reducedAxes: [1, 2, 3], channelGroups: { axis: 1, count: 3 } }],
	];

	for (const backend of ['wasm-simd', 'js'] as const) {
		it(`[${backend}] each sample has its own offset and scale, each channel too; views measure y per sample and per channel against a float64 reference`, async () => {
			const results = new Map<string, Awaited<ReturnType<typeof runTask>>>();
			for (const [name, extra] of methods) {
				results.set(
					name,
					await runTask({ ...base, shape, reducedAxes: [], backend, ...extra }),
				);
			}
			// The input: per-sample means spread (sample offsets in [−1.5, 1.5], scales in [0.5, 2]).
			const bn = results.get('batch');
			assert.ok(bn?.views);
			// BatchNorm: every channel mean 0 over the batch, the samples stay apart.
			assert.ok(
				bn.views.perFeature.meanSpread < 1e-5,
				`BN channels ${bn.views.perFeature.meanSpread}`,
			);
			assert.ok(
				bn.views.perSample.meanSpread > 0.2,
				`BN samples ${bn.views.perSample.meanSpread}`,
			);
			// LayerNorm: every sample mean 0, std 1; the channels stay apart.
			const ln = results.get('layer')?.views;
			assert.ok(ln && ln.perSample.meanSpread < 1e-5 && ln.perSample.stdSpread < 1e-4);
			assert.ok(ln.perFeature.meanSpread > 0.2, `LN channels ${ln.perFeature.meanSpread}`);
			// InstanceNorm: both taken out.
			const inn = results.get('instance')?.views;
			assert.ok(inn && inn.perSample.meanSpread < 1e-5 && inn.perFeature.meanSpread < 1e-5);
			// GroupNorm: samples even, channels within a group still apart (their offsets differ).
			const gn = results.get('group')?.views;
			assert.ok(
				gn && gn.perSample.meanSpread < 1e-5 && gn.perFeature.meanSpread > 0.1,
				`GN channels ${gn?.perFeature.meanSpread}`,
			);
			// The views against a float64 reference: regenerate the tensor (the same seed gives the
			// same values), normalize per sample (LayerNorm) in float64, and average per channel.
			const { fillRange } = await import('../../../src/engine/engineWorker');
			const x = new Float32Array(shape.reduce((p, d) => p * d, 1));
			fillRange(x, 0, shape, 1, 'normal', base.seed, () => undefined);
			const per = 1200;
			const chan = new Float64Array(12);
			for (let n = 0; n < 8; n++) {
				const v = Array.from(x.subarray(n * per, (n + 1) * per));
				const mu = v.reduce((a, b) => a + b, 0) / per;
				const sd = Math.sqrt(v.reduce((a, b) => a + (b - mu) ** 2, 0) / per + 1e-5);
				v.forEach((val, i) => (chan[Math.floor(i / 100)] += (val - mu) / sd / (8 * 100)));
			}
			chan.forEach((m, c) =>
				assert.ok(
					Math.abs(ln.perFeature.mean[c] - m) < 1e-5,
					`LN channel ${c}: ${ln.perFeature.mean[c]} vs ${m}`,
				),
			);
		});
	}
});
