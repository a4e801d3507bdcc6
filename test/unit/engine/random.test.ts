import * as assert from 'assert';
import { SeededRandom } from '../../../src/engine/random';

/** Φ, the standard normal CDF, from the error function (Abramowitz and Stegun 7.1.26, |ε| < 1.5e-7). */
function phi(x: number): number {
	const z = Math.abs(x) / Math.SQRT2;
	const t = 1 / (1 + 0.3275911 * z);
	const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
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
		assert.ok(Math.abs(mean) < 0.01 && Math.abs(variance - 1) < 0.01, `mean ${mean}, variance ${variance}`);
	});

	it('is reproducible from its seed', () => {
		const a = new SeededRandom(3);
		const b = new SeededRandom(3);
		for (let i = 0; i < 1000; i++) {
			assert.strictEqual(a.ziggurat(), b.ziggurat());
		}
	});
});
