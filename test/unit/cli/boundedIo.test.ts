import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MAX_NPY_HEADER_BYTES, readNpyHead } from '../../../src/engine/npyFile';
import { MAX_SOURCE_BYTES, readTextFile } from '../../../src/engine/userFiles';
import { EnginePool } from '../../../src/host/enginePool';
import { localModuleReader } from '../../../src/host/localModules';
import { readNpyInfo } from '../../../src/host/npyInfo';
import { NormalizeKernel, NormalizeTask } from '../../../src/protocol/engineProtocol';
import { examples, repoRoot } from '../paths';

/**
 * Issue 21, bounded I/O: a FIFO, /dev/zero (also behind a .py / .ipynb symlink), a directory, an
 * oversized source or a .npy whose header declares more than the memory limit is refused at once with
 * a specific message, never read forever or into memory; local imports do not follow symlinks out of
 * the analysed file's folder.
 */

const isPosix = process.platform !== 'win32';

/** Runs the built CLI; a hang fails the test after 20 s instead of hanging the suite. */
function normlens(...args: string[]) {
	const started = Date.now();
	const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'normlens.js'), ...args], {
		encoding: 'utf8',
		cwd: repoRoot,
		timeout: 20_000,
	});
	return {
		code: r.status,
		stdout: r.stdout,
		stderr: r.stderr,
		ms: Date.now() - started,
		signal: r.signal,
	};
}

/** A .npy header (format 1.0) declaring `shape` of `descr`, padded to 64 bytes as NumPy does. */
function npyHeaderBytes(shape: number[], descr = '<f4'): Uint8Array {
	const header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.map((d) => `${d}, `).join('')}), }`;
	const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
	const bytes = new Uint8Array(10 + padded.length);
	bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
	new DataView(bytes.buffer).setUint16(8, padded.length, true);
	bytes.set(new TextEncoder().encode(padded), 10);
	return bytes;
}

const regularOnly = (file: string, kind: string) =>
	new RegExp(
		`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a regular file \\(${kind}\\): NormLens reads only regular files`,
	);

describe('bounded I/O (issue 21)', function () {
	this.timeout(60_000);
	let dir: string;
	let fifo: string;
	let fifoNpy: string;

	before(function () {
		if (!isPosix) {
			this.skip();
		}
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-io-'));
		fifo = path.join(dir, 'pipe.py');
		fifoNpy = path.join(dir, 'pipe.npy');
		execFileSync('mkfifo', [fifo, fifoNpy]);
		fs.symlinkSync('/dev/zero', path.join(dir, 'zero.py'));
		fs.symlinkSync('/dev/zero', path.join(dir, 'zero.ipynb'));
		fs.mkdirSync(path.join(dir, 'folder.py'));
	});

	after(() => {
		if (dir) {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	describe('CLI summary refuses what is not a regular file, at once', () => {
		const cases: [string, string][] = [
			['pipe.py', 'a FIFO'],
			['zero.py', 'a character device'],
			['zero.ipynb', 'a character device'],
			['folder.py', 'a directory'],
		];
		for (const [name, kind] of cases) {
			it(`${name} (${kind})`, () => {
				const file = path.join(dir, name);
				const r = normlens('summary', file);
				assert.strictEqual(r.signal, null, 'the CLI hung');
				assert.strictEqual(r.code, 1, r.stderr);
				assert.match(r.stderr, regularOnly(file, kind));
				assert.ok(r.ms < 10_000, `${r.ms} ms`);
			});
		}

		it('/dev/zero itself', () => {
			const r = normlens('summary', '/dev/zero');
			assert.strictEqual(r.code, 1, r.stderr);
			assert.match(r.stderr, regularOnly('/dev/zero', 'a character device'));
		});

		it('a source above the 32 MiB cap is refused from its size, unread', () => {
			const file = path.join(dir, 'huge.py');
			fs.writeFileSync(file, 'x = 1\n');
			fs.truncateSync(file, 2 ** 30); // sparse: 1 GiB on paper, nothing on disk
			const r = normlens('summary', file);
			assert.strictEqual(r.code, 1, r.stderr);
			assert.match(
				r.stderr,
				/huge\.py is 1024\.0 MiB, above the 32\.0 MiB NormLens reads of source files and notebooks; it was not read/,
			);
			assert.throws(() => readTextFile(file), /above the 32\.0 MiB/);
			assert.strictEqual(MAX_SOURCE_BYTES, 32 * 2 ** 20);
		});

		it('a missing file still says so', () => {
			const r = normlens('summary', path.join(dir, 'missing.py'));
			assert.strictEqual(r.code, 1);
			assert.match(r.stderr, /Cannot read .*missing\.py: no such file/);
		});
	});

	describe('.npy files: regular files only, checked from the header', () => {
		const target = () => `${path.join(examples, 'tabular_bn.py')}:10`;

		it('run --npy on a FIFO and on /dev/zero is refused with the specific message', () => {
			for (const [file, kind] of [
				[fifoNpy, 'a FIFO'],
				['/dev/zero', 'a character device'],
			]) {
				const r = normlens('run', target(), '--npy', file);
				assert.strictEqual(r.signal, null, 'the CLI hung');
				assert.strictEqual(r.code, 1, r.stderr);
				assert.match(r.stderr, regularOnly(file, kind));
			}
		});

		it('a 4 GB sparse .npy over the memory limit is refused from its header alone', () => {
			const file = path.join(dir, 'sparse.npy');
			const header = npyHeaderBytes([20_000_000, 50]);
			fs.writeFileSync(file, header);
			fs.truncateSync(file, header.length + 20_000_000 * 50 * 4);
			const r = normlens('run', target(), '--npy', file);
			assert.strictEqual(r.code, 1, r.stderr);
			assert.match(
				r.stderr,
				/sparse\.npy: its header declares an array of shape \(20000000, 50\) <f4; running a layer on it needs 7629 MiB \(input and output\), above the limit of 512 MiB \(normlens\.engine\.memoryLimitMiB\)\. Only its header was read\./,
			);
			const rss = process.memoryUsage().rss;
			const h = readNpyHead(file);
			assert.deepStrictEqual(
				[h.shape, h.dataBytes, h.fileBytes],
				[[20_000_000, 50], 4e9, header.length + 4e9],
			);
			assert.throws(() => readNpyInfo(file, 512), /above the limit of 512 MiB/);
			assert.ok(
				process.memoryUsage().rss - rss < 100 * 2 ** 20,
				'the header check read the data',
			);
		});

		it('a .npy with fewer bytes than its header declares is refused before its values are read', () => {
			const file = path.join(dir, 'short.npy');
			fs.writeFileSync(file, Buffer.concat([npyHeaderBytes([32, 50]), Buffer.alloc(100)]));
			const r = normlens('run', target(), '--npy', file);
			assert.strictEqual(r.code, 1, r.stderr);
			assert.match(
				r.stderr,
				/short\.npy is truncated: its header declares an array of shape \(32, 50\) <f4, 6400 bytes of values, but the file holds 100 bytes after the header/,
			);
		});

		it('an absurd header length is refused, not allocated', () => {
			const file = path.join(dir, 'longheader.npy');
			const bytes = Buffer.from(npyHeaderBytes([2, 50]));
			bytes[6] = 2; // format 2.0: a 4-byte header length
			const v2 = Buffer.concat([
				bytes.subarray(0, 8),
				Buffer.from([0xff, 0xff, 0xff, 0x7f]),
				bytes.subarray(10),
			]);
			fs.writeFileSync(file, v2);
			assert.throws(
				() => readNpyHead(file),
				new RegExp(
					`more than the ${MAX_NPY_HEADER_BYTES} bytes NormLens reads of a header`,
				),
			);
		});

		describe('in the engine workers (the extension path)', () => {
			let pool: EnginePool;
			const task: NormalizeTask = {
				kernel: NormalizeKernel,
				shape: [32, 50],
				reducedAxes: [0],
				epsilon: 1e-3,
				seed: 1,
				distribution: 'normal',
				momentum: null,
				maxElements: (512 * 2 ** 20) / 8,
			};
			before(() => {
				pool = new EnginePool(
					path.join(repoRoot, 'out', 'src', 'engine', 'engineWorker.js'),
					2,
				);
			});
			after(async () => {
				await pool.dispose();
			});

			it('a FIFO and /dev/zero are refused by the worker, not read', async () => {
				await assert.rejects(
					pool.normalize({ ...task, npyPath: fifoNpy }),
					regularOnly(fifoNpy, 'a FIFO'),
				);
				await assert.rejects(
					pool.normalize({ ...task, npyPath: '/dev/zero' }),
					regularOnly('/dev/zero', 'a character device'),
				);
			});

			it('a sparse .npy over the limit is refused from its header; a valid one still runs', async () => {
				const file = path.join(dir, 'sparse-worker.npy');
				const header = npyHeaderBytes([20_000_000, 50]);
				fs.writeFileSync(file, header);
				fs.truncateSync(file, header.length + 4e9);
				await assert.rejects(
					pool.normalize({ ...task, npyPath: file }),
					/shape \(20000000, 50\) <f4; running a layer on it needs 7629 MiB \(input and output\), above the limit of 512 MiB.*Only its header was read/,
				);
				const ok = path.join(dir, 'ok.npy');
				fs.writeFileSync(
					ok,
					Buffer.concat([
						npyHeaderBytes([4, 50]),
						Buffer.from(new Float32Array(200).map((_, i) => i % 7).buffer),
					]),
				);
				const r = await pool.normalize({ ...task, npyPath: ok });
				assert.deepStrictEqual(r.shape, [4, 50]);
			});
		});
	});

	describe('local imports stay inside the folder', () => {
		const model = `import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 5)
        self.bn = nn.BatchNorm1d(5)
    def forward(self, x):
        return self.bn(self.fc(x))
`;
		const main =
			'import torch\nfrom model import Net\nnet = Net()\ny = net(torch.randn(2, 10))\n';
		let proj: string;

		beforeEach(() => {
			proj = fs.mkdtempSync(path.join(dir, 'proj-'));
			fs.mkdirSync(path.join(proj, 'lib'));
			fs.writeFileSync(path.join(proj, 'main.py'), main);
		});

		it('a symlink to a module inside the folder is followed', () => {
			fs.writeFileSync(path.join(proj, 'lib', 'real.py'), model);
			fs.symlinkSync(path.join('lib', 'real.py'), path.join(proj, 'model.py'));
			assert.strictEqual(localModuleReader(proj)('model'), model);
			const r = normlens('summary', path.join(proj, 'main.py'), '--json');
			assert.strictEqual(r.code, 0, r.stderr);
			assert.deepStrictEqual(
				JSON.parse(r.stdout).models.map(
					(m: { totals: { total: number } }) => m.totals.total,
				),
				[65],
			);
		});

		it('a symlink out of the folder is not read: the import is unresolved', () => {
			const outside = fs.mkdtempSync(path.join(dir, 'outside-'));
			fs.writeFileSync(path.join(outside, 'model.py'), model);
			fs.symlinkSync(path.join(outside, 'model.py'), path.join(proj, 'model.py'));
			fs.symlinkSync(outside, path.join(proj, 'pkg'));
			assert.strictEqual(localModuleReader(proj)('model'), undefined);
			assert.strictEqual(localModuleReader(proj)('pkg.model'), undefined);
			const r = normlens('summary', path.join(proj, 'main.py'), '--json');
			assert.strictEqual(r.code, 0, r.stderr);
			assert.deepStrictEqual(JSON.parse(r.stdout).models, []);
		});

		it('a module that is a FIFO or a symlink to /dev/zero is not found, at once', () => {
			execFileSync('mkfifo', [path.join(proj, 'model.py')]);
			fs.symlinkSync('/dev/zero', path.join(proj, 'zeros.py'));
			assert.strictEqual(localModuleReader(proj)('model'), undefined);
			assert.strictEqual(localModuleReader(proj)('zeros'), undefined);
			const r = normlens('summary', path.join(proj, 'main.py'), '--json');
			assert.strictEqual(r.signal, null, 'the CLI hung');
			assert.strictEqual(r.code, 0, r.stderr);
		});
	});
});
