// Compiles the engine's AssemblyScript kernels (committed, like generated metadata: the extension and
// the tests load them without a toolchain) into two binaries from one source:
//   src/engine/wasm/normalize.wasm          WebAssembly SIMD;
//   src/engine/wasm/normalize-relaxed.wasm  SIMD + relaxed SIMD (fused multiply-add in the statistics'
//                                           sums of squares), loaded where the runtime validates it.
// `--check` rebuilds into a temporary folder and fails if a committed binary is out of date.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(repoRoot, 'src', 'engine', 'wasm', 'normalize.as.ts');
const targets = [
	{ file: 'normalize.wasm', features: ['simd', 'threads'] },
	{ file: 'normalize-relaxed.wasm', features: ['simd', 'relaxed-simd', 'threads'] },
];
const check = process.argv.includes('--check');
const tmp = check ? fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-wasm-')) : undefined;

let stale = 0;
for (const { file, features } of targets) {
	const target = path.join(repoRoot, 'src', 'engine', 'wasm', file);
	const out = tmp ? path.join(tmp, file) : target;
	const args = [
		path.join(repoRoot, 'node_modules', 'assemblyscript', 'bin', 'asc.js'),
		source,
		'-o',
		out,
		'-O3',
		'--noAssert',
		'--runtime',
		'stub',
		...features.flatMap((f) => ['--enable', f]),
		'--importMemory',
		'--sharedMemory',
		'--initialMemory',
		'1',
		'--maximumMemory',
		'65536',
	];
	const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: repoRoot });
	if (r.status !== 0) {
		process.exit(r.status ?? 1);
	}
	if (check) {
		const same = fs.existsSync(target) && fs.readFileSync(out).equals(fs.readFileSync(target));
		console.log(
			same ? `${file} is up to date` : `${file} is out of date: run npm run build:wasm`,
		);
		stale += same ? 0 : 1;
	} else {
		console.log(`wrote ${path.relative(repoRoot, target)} (${fs.statSync(target).size} bytes)`);
	}
}
process.exit(stale ? 1 : 0);
