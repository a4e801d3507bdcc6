// `npm run test:electron`: the integration suite in VS Code desktop through @vscode/test-electron,
// for machines that can download VS Code (or have one: NORMLENS_VSCODE=/path/to/code). This
// machine cannot download it, which is why `npm test` runs the same suite in the VS Code server's
// extension host instead (scripts/test.mjs); both call the suite's `run()` in
// out/test/integration/index.js. Exits non-zero when a test fails or VS Code cannot be started.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from './vscodeServer.mjs';

const tool = (name, args) =>
	spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', '.bin', name), ...args], {
		cwd: repoRoot,
		stdio: 'inherit',
	}).status === 0;

if (!tool('webpack', ['--mode', 'production']) || !tool('tsc', ['-p', 'test/integration'])) {
	console.error('normlens: the build failed');
	process.exit(1);
}

// The same VS Code release as the server `npm test` uses (tools/test-vscode pins code-server 4.100.3).
const version = '1.100.3';
try {
	const code = await runTests({
		version,
		vscodeExecutablePath: process.env.NORMLENS_VSCODE,
		extensionDevelopmentPath: repoRoot,
		extensionTestsPath: path.join(repoRoot, 'out', 'test', 'integration', 'index'),
		extensionTestsEnv: { NORMLENS_SUITE: 'extension' },
		launchArgs: [
			path.join(repoRoot, 'examples'),
			'--disable-extensions',
			'--skip-welcome',
			'--skip-release-notes',
		],
	});
	process.exit(code);
} catch (e) {
	console.error(
		`normlens: VS Code ${version} could not run the integration suite: ${e instanceof Error ? e.message : e}`,
	);
	process.exit(1);
}
