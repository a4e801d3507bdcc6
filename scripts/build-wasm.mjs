// Compiles the engine's AssemblyScript kernels to src/engine/wasm/normalize.wasm (committed, like
// generated metadata: the extension and the tests load it without a toolchain). `--check` rebuilds
// into a temporary file and fails if the committed binary is out of date.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(repoRoot, 'src', 'engine', 'wasm', 'normalize.as.ts');
const target = path.join(repoRoot, 'src', 'engine', 'wasm', 'normalize.wasm');
const check = process.argv.includes('--check');
const out = check ? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-wasm-')), 'normalize.wasm') : target;

const args = [
	path.join(repoRoot, 'node_modules', 'assemblyscript', 'bin', 'asc.js'),
	source,
	'-o', out,
	'-O3', '--noAssert', '--runtime', 'stub',
	'--enable', 'simd', '--enable', 'threads',
	'--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '65536',
];
const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: repoRoot });
if (r.status !== 0) {
	process.exit(r.status ?? 1);
}
if (check) {
	const same = fs.readFileSync(out).equals(fs.readFileSync(target));
	console.log(same ? 'normalize.wasm is up to date' : 'normalize.wasm is out of date: run npm run build:wasm');
	process.exit(same ? 0 : 1);
}
console.log(`wrote ${path.relative(repoRoot, target)} (${fs.statSync(target).size} bytes)`);
