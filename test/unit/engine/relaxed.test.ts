import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../paths';

// normalize-relaxed.wasm (fused multiply-add in the statistics) is what VS Code desktop's Electron
// loads; this Node validates relaxed SIMD only with a V8 flag. So the whole SIMD kernel suite runs
// again in a child Node with the flag, against the same float64 reference and bounds, and checks
// that the kernels came from the relaxed binary.
describe('WebAssembly relaxed-SIMD kernels (normalize-relaxed.wasm)', () => {
	it('the relaxed binary really uses relaxed SIMD (this Node rejects it without the flag); the plain one does not', () => {
		const wasm = (name: string) =>
			fs.readFileSync(path.join(repoRoot, 'src', 'engine', 'wasm', name));
		assert.strictEqual(WebAssembly.validate(wasm('normalize.wasm')), true);
		assert.strictEqual(WebAssembly.validate(wasm('normalize-relaxed.wasm')), false);
	});

	it('pass the SIMD kernel suite against the float64 reference in a Node that validates relaxed SIMD', function () {
		this.timeout(120_000);
		const mocha = require.resolve('mocha/bin/mocha.js');
		const suite = path.join(__dirname, 'normalize.test.js');
		const r = spawnSync(
			process.execPath,
			[
				'--experimental-wasm-relaxed-simd',
				mocha,
				'--reporter',
				'dot',
				'--timeout',
				'60000',
				'--grep',
				'WebAssembly SIMD kernels against the float64 reference',
				suite,
			],
			{
				env: { ...process.env, NORMLENS_EXPECT_FMA: '1' },
				encoding: 'utf8',
			},
		);
		const out = `${r.stdout}\n${r.stderr}`;
		assert.strictEqual(r.status, 0, out.slice(-3000));
		const passing = /(\d+) passing/.exec(out);
		assert.ok(
			passing && Number(passing[1]) >= 40,
			`the child ran the suite: ${out.slice(-500)}`,
		);
		assert.ok(!/failing/.test(out), out.slice(-3000));
	});
});
