// Makes a fresh machine ready for `npm start` and `npm test`: the Debian packages the test VS Code
// and the browser checks need, the npm dependencies (`npm ci`), and the test VS Code itself.
// Idempotent and quick when everything is already there.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureTestVSCode, repoRoot } from './vscodeServer.mjs';

/** Debian packages: native-module headers for the VS Code server, ripgrep, Chromium, PyTorch
 * (independent reference values for tests). */
const debianPackages = [
	'libkrb5-dev',
	'libxkbfile-dev',
	'libsecret-1-dev',
	'pkg-config',
	'ripgrep',
	'chromium',
	'python3-torch',
	'python3-torchvision',
	'python3-numpy',
];

function run(cmd, args, opts = {}) {
	const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: repoRoot, ...opts });
	if (r.status !== 0) {
		throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
	}
}

function installed(pkg) {
	const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
	return r.status === 0 && r.stdout.includes('install ok installed');
}

export function setup() {
	const missing = debianPackages.filter((p) => !installed(p));
	if (missing.length > 0) {
		const asRoot = process.getuid?.() === 0 ? [] : ['sudo'];
		console.log(`Installing Debian packages: ${missing.join(' ')}`);
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		const [cmd, ...pre] = asRoot.length ? asRoot : ['apt-get'];
		const apt = (args) =>
			run(cmd, [...pre, ...(asRoot.length ? ['apt-get'] : []), ...args], { env });
		apt(['update', '-qq']);
		apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
	}
	const lock = path.join(repoRoot, 'package-lock.json');
	const marker = path.join(repoRoot, 'node_modules', '.package-lock.json');
	if (!fs.existsSync(marker) || fs.statSync(marker).mtimeMs < fs.statSync(lock).mtimeMs) {
		console.log('Installing npm dependencies (npm ci) …');
		run('npm', ['ci', '--no-audit', '--no-fund']);
	}
	ensureTestVSCode();
}

if (import.meta.url === `file://${process.argv[1]}`) {
	setup();
}
