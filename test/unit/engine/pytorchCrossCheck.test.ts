import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { normalize as runTask } from '../../../src/engine/engineWorker';
import { encodeNpy } from '../../../src/engine/npy';
import { SeededRandom } from '../../../src/engine/random';
import { NormalizeKernel, NormalizeTask } from '../../../src/protocol/engineProtocol';
import { repoRoot } from '../paths';

/**
 * The engine on a .npy tensor against real PyTorch (Debian's python3-torch) on the same file:
 * F.batch_norm with its running-statistics update, F.layer_norm, F.group_norm, F.instance_norm.
 */

function torchRef(
	file: string,
	kind: string,
	args: object,
): { mean: number[]; std: number[]; running_mean?: number[]; running_var?: number[] } {
	const r = spawnSync(
		'/usr/bin/python3',
		[path.join(repoRoot, 'tools', 'torch_norm_reference.py'), file, kind, JSON.stringify(args)],
		{ encoding: 'utf8' },
	);
	assert.strictEqual(
		r.status,
		0,
		`PyTorch reference failed (is Debian's python3-torch installed?):\n${r.stderr}`,
	);
	return JSON.parse(r.stdout);
}

function writeSample(shape: number[], seed: number): string {
	const rng = new SeededRandom(seed);
	const n = shape.reduce((p, d) => p * d, 1);
	const x = new Float32Array(n);
	for (let i = 0; i < n; i++) {
		x[i] = 3 + 2 * rng.normal() + (i % 5);
	}
	const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-npy-')), 'x.npy');
	fs.writeFileSync(file, encodeNpy(x, shape));
	return file;
}

const base = {
	kernel: NormalizeKernel,
	epsilon: 1e-5,
	seed: 0,
	distribution: 'normal',
	maxElements: 1 << 26,
} as const;

describe('engine against real PyTorch on the same .npy tensor', function () {
	this.timeout(60_000);

	for (const backend of ['wasm-simd', 'js'] as const) {
		it(`[${backend}] BatchNorm2d training step: output statistics and running_mean / running_var (unbiased) match F.batch_norm`, async () => {
			const shape = [6, 8, 5, 7];
			const file = writeSample(shape, 1);
			const task: NormalizeTask = {
				...base,
				shape,
				reducedAxes: [0, 2, 3],
				momentum: { convention: 'torch', value: 0.1 },
				npyPath: file,
				backend,
			};
			const r = await runTask(task);
			const t = torchRef(file, 'batch', { momentum: 0.1, eps: 1e-5 });
			for (let c = 0; c < 8; c++) {
				assert.ok(Math.abs(r.after.mean[c] - t.mean[c]) < 1e-6, `mean ${c}`);
				assert.ok(Math.abs(r.after.std[c] - t.std[c]) < 1e-5, `std ${c}`);
				assert.ok(
					Math.abs(
						(r.running as { mean: Float64Array }).mean[c] -
							(t.running_mean as number[])[c],
					) < 1e-5,
					`running_mean ${c}`,
				);
				assert.ok(
					Math.abs(
						(r.running as { variance: Float64Array }).variance[c] -
							(t.running_var as number[])[c],
					) < 1e-4,
					`running_var ${c}`,
				);
			}
		});

		it(`[${backend}] LayerNorm over (C, H, W), GroupNorm(4), InstanceNorm2d: per-group output statistics match`, async () => {
			const shape = [3, 8, 4, 6];
			const file = writeSample(shape, 2);
			const cases: [Partial<NormalizeTask>, string, object][] = [
				[{ reducedAxes: [1, 2, 3] }, 'layer', { dims: 3 }],
				[
					{ reducedAxes: [1, 2, 3], channelGroups: { axis: 1, count: 4 } },
					'group',
					{ groups: 4 },
				],
				[{ reducedAxes: [2, 3] }, 'instance', {}],
			];
			for (const [extra, kind, args] of cases) {
				const r = await runTask({
					...base,
					shape,
					reducedAxes: [],
					momentum: null,
					npyPath: file,
					backend,
					...extra,
				});
				const t = torchRef(file, kind, args);
				assert.strictEqual(r.features, t.mean.length, kind);
				for (let g = 0; g < t.mean.length; g++) {
					assert.ok(Math.abs(r.after.mean[g] - t.mean[g]) < 1e-6, `${kind} mean ${g}`);
					assert.ok(
						Math.abs(r.after.std[g] - t.std[g]) < 1e-5,
						`${kind} std ${g}: ${r.after.std[g]} vs ${t.std[g]}`,
					);
				}
			}
		});
	}
});

describe('.npy input', () => {
	it('reads float64 Fortran-order files and rejects what it cannot read with a specific message', async () => {
		const { decodeNpy, npyHeader } = await import('../../../src/engine/npy');
		// float64, fortran_order, shape (2, 3): values 0..5 stored column-major.
		const header = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }";
		const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
		const bytes = new Uint8Array(10 + padded.length + 48);
		bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
		new DataView(bytes.buffer).setUint16(8, padded.length, true);
		bytes.set(new TextEncoder().encode(padded), 10);
		const values = new Float64Array([0, 3, 1, 4, 2, 5]); // column-major of [[0,1,2],[3,4,5]]
		bytes.set(new Uint8Array(values.buffer), 10 + padded.length);
		const out = new Float32Array(6);
		assert.deepStrictEqual(decodeNpy(bytes, out).shape, [2, 3]);
		assert.deepStrictEqual(Array.from(out), [0, 1, 2, 3, 4, 5]);
		assert.throws(
			() => npyHeader(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])),
			/not a \.npy file/,
		);
		const complex = bytes.slice();
		complex.set(new TextEncoder().encode("{'descr': '<c8'"), 10);
		assert.throws(() => decodeNpy(complex, out), /dtype <c8 is not supported/);
		// The shape is Python's repr of a tuple of ints; what numpy never writes is refused, not read as a size.
		const withShape = (shape: string) => {
			const h = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape}), }`;
			const p = h + ' '.repeat(64 - ((10 + h.length + 1) % 64)) + '\n';
			const b = new Uint8Array(10 + p.length);
			b.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
			new DataView(b.buffer).setUint16(8, p.length, true);
			b.set(new TextEncoder().encode(p), 10);
			return b;
		};
		for (const [text, shape] of [
			['32, 3', [32, 3]],
			['7,', [7]],
			['', []],
			['2L, 5L', [2, 5]],
			[' 4 , 6 ', [4, 6]],
		] as const) {
			assert.deepStrictEqual(npyHeader(withShape(text)).shape, shape, text);
		}
		for (const text of [
			'32.0',
			'32.0, 3',
			'0x20',
			'1e2',
			'2,,3',
			'-1',
			'3, -2',
			'None',
			'2; 3',
		]) {
			assert.throws(
				() => npyHeader(withShape(text)),
				/The \.npy shape \(.*\) is not a tuple of sizes\./,
				text,
			);
		}
		assert.throws(() => npyHeader(withShape('99999999999999999999')), /beyond 2\^53/);
		await assert.rejects(
			runTask({
				...base,
				shape: [2, 99],
				reducedAxes: [0],
				momentum: null,
				npyPath: writeSample([4, 5], 3),
			}),
			/holds an array of shape \(4, 5\), but this layer's input is \(N, 99\)/,
		);
	});
});
