import * as assert from 'assert';
import { SeededRandom } from '../../../src/engine/random';

/** Φ, the standard normal CDF, from the error function (Abramowitz and Stegun 7.1.26, |ε| < 1.5e-7). */
function phi(x: number): number {
	const z = Math.abs(x) / Math.SQRT2;
	const t = 1 / (1 + 0.3275911 * z);
	const erf =
		1 -
		((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t +
			0.254829592) *
			t *
			Math.exp(-z * z);
	return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

describe('seeded sample generator', () => {
	it('the ziggurat draws a standard normal: Kolmogorov–Smirnov distance to Φ within the 1 % critical value, tails included', () => {
		const n = 400_000;
		const rng = new SeededRandom(7);
		const z = new Float64Array(n);
		for (let i = 0; i < n; i++) {
			z[i] = rng.ziggurat();
		}
		z.sort();
		let d = 0;
		for (let i = 0; i < n; i += 7) {
			d = Math.max(d, Math.abs(phi(z[i]) - i / n), Math.abs(phi(z[i]) - (i + 1) / n));
		}
		assert.ok(d < 1.63 / Math.sqrt(n), `KS distance ${d}`);
		// The tail strip (|z| > r = 3.44) has its own sampler: its mass must be right too (≈ 5.8e-4).
		const tail = z.filter((v) => Math.abs(v) > 3.442619855899).length / n;
		assert.ok(Math.abs(tail - 2 * (1 - phi(3.442619855899))) < 2e-4, `tail mass ${tail}`);
		const mean = z.reduce((a, b) => a + b, 0) / n;
		const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
		assert.ok(
			Math.abs(mean) < 0.01 && Math.abs(variance - 1) < 0.01,
			`mean ${mean}, variance ${variance}`,
		);
	});

	it('is reproducible from its seed', () => {
		const a = new SeededRandom(3);
		const b = new SeededRandom(3);
		for (let i = 0; i < 1000; i++) {
			assert.strictEqual(a.ziggurat(), b.ziggurat());
		}
	});
});

/** The SIMD kernels on a fresh shared memory, an arena in it, and the engine's fillRange. */
async function simdGenerator() {
	const { WasmKernels } = await import('../../../src/engine/kernels/normalizeWasm');
	const { Arena } = await import('../../../src/engine/kernels/arena');
	const { fillRange } = await import('../../../src/engine/engineWorker');
	const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
	return { kernels: await WasmKernels.create(memory), arena: new Arena(memory), fillRange };
}

describe('the WebAssembly SIMD sample generator', () => {
	it('draws N(0, 1) per element (KS within the 1 % critical value), the same values for a slab as for the whole tensor', async () => {
		const { kernels, arena, fillRange } = await simdGenerator();
		const shape = [100_003, 4];
		const n = shape[0] * shape[1];
		const whole = arena.f32(n);
		fillRange(
			whole,
			0,
			shape,
			1,
			'normal',
			11,
			() => undefined,
			{ kernels, arena },
			undefined,
			undefined,
			null,
		);
		// A slab starting mid-row and mid-chunk gives the same values as the whole tensor there.
		const from = 70_001;
		const slab = arena.f32(150_002);
		fillRange(
			slab,
			from,
			shape,
			1,
			'normal',
			11,
			() => undefined,
			{ kernels, arena },
			undefined,
			undefined,
			null,
		);
		assert.deepStrictEqual(
			Array.from(slab.subarray(0, 1000)),
			Array.from(whole.subarray(from, from + 1000)),
		);
		assert.deepStrictEqual(
			Array.from(slab.subarray(slab.length - 1000)),
			Array.from(whole.subarray(from + slab.length - 1000, from + slab.length)),
		);
		// Per feature, the values are offset + scale·z: standardize feature 2 and compare with Φ.
		const z = Array.from({ length: shape[0] }, (_, r) => whole[r * 4 + 2]);
		const mean = z.reduce((a, b) => a + b, 0) / z.length;
		const sd = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length);
		const sorted = Float64Array.from(z, (v) => (v - mean) / sd).sort();
		let d = 0;
		for (let i = 0; i < sorted.length; i++) {
			d = Math.max(
				d,
				Math.abs(phi(sorted[i]) - i / sorted.length),
				Math.abs(phi(sorted[i]) - (i + 1) / sorted.length),
			);
		}
		assert.ok(d < 1.63 / Math.sqrt(sorted.length), `KS distance ${d}`);
		const tail = sorted.filter((v) => Math.abs(v) > 3).length / sorted.length;
		assert.ok(Math.abs(tail - 2 * (1 - phi(3))) < 1e-3, `mass beyond 3σ ${tail}`);
		// Log-normal: e^(0.75·z) of the very same z (the same seed and index), within float32 rounding.
		const unit = { offset: [0], scale: [1] };
		const zs = arena.f32(50_000);
		const ls = arena.f32(50_000);
		kernels.fillSample(zs, 123, 5, 'normal', 1, 1, unit, arena, () => undefined, 1 << 16);
		kernels.fillSample(ls, 123, 5, 'lognormal', 1, 1, unit, arena, () => undefined, 1 << 16);
		let worst = 0;
		for (let i = 0; i < zs.length; i++) {
			worst = Math.max(worst, Math.abs(ls[i] / Math.exp(0.75 * zs[i]) - 1));
		}
		assert.ok(worst < 1e-6, `log-normal relative error ${worst}`);
		// Uniform: flat between ±√3 (after standardizing).
		fillRange(
			whole,
			0,
			shape,
			1,
			'uniform',
			11,
			() => undefined,
			{ kernels, arena },
			undefined,
			undefined,
			null,
		);
		const u = Array.from({ length: shape[0] }, (_, r) => whole[r * 4]);
		const range = Math.max(...u) - Math.min(...u);
		const usd = Math.sqrt(
			u.reduce((a, b) => a + b * b, 0) / u.length -
				(u.reduce((a, b) => a + b, 0) / u.length) ** 2,
		);
		// range / σ̂ of 100,003 uniform values: σ̂'s relative standard error is √((κ − 1) / 4n) = 0.0014
		// (kurtosis κ = 1.8), so ±0.02 is four standard errors around √12 (a normal sample gives ≈ 9).
		assert.ok(
			Math.abs(range / usd - Math.sqrt(12)) < 0.02,
			`uniform range / σ = ${range / usd}`,
		);
	});

	it('without SIMD, the scalar replica draws the very same values, bit for bit (every distribution, slabs starting mid-pair)', async () => {
		const { kernels, arena, fillRange } = await simdGenerator();
		for (const [shape, axis] of [
			[[20_001, 4], 1],
			[[3, 5, 7, 11], 1],
		] as const) {
			const n = shape.reduce((a, b) => a * b, 1);
			for (const distribution of ['normal', 'uniform', 'lognormal'] as const) {
				for (const from of [0, 7, 1001]) {
					const simd = arena.f32(n - from);
					fillRange(simd, from, [...shape], axis, distribution, 9, () => undefined, {
						kernels,
						arena,
					});
					const js = new Float32Array(n - from);
					fillRange(js, from, [...shape], axis, distribution, 9, () => undefined);
					let differ = 0;
					for (let i = 0; i < js.length; i++) {
						differ += Object.is(js[i], simd[i]) ? 0 : 1;
					}
					assert.strictEqual(
						differ,
						0,
						`${distribution} [${shape.join(', ')}] from ${from}: ${differ} of ${js.length} values differ (first: ${js.find((v, i) => !Object.is(v, simd[i]))})`,
					);
				}
			}
		}
	});
});
