// `npm start`: set up, build, show the CLI on the bundled examples, then open NormLens live in a
// real VS Code on examples/ — the desktop `code` when it is installed, otherwise the VS Code
// server in the browser (its URL is printed; the server runs until Ctrl-C).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { setup } from './setup.mjs';
import { repoRoot, startServer } from './vscodeServer.mjs';

const examples = path.join(repoRoot, 'examples');
const port = Number(process.env.NORMLENS_PORT ?? 8123);

function run(cmd, args) {
	const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: repoRoot });
	if (r.status !== 0) {
		throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
	}
}

setup();
run(process.execPath, [path.join(repoRoot, 'node_modules', '.bin', 'webpack'), '--mode', 'production']);

const cli = path.join(repoRoot, 'bin', 'normlens.js');
console.log('\n━━ normlens summary examples/tabular_bn.py');
run(process.execPath, [cli, 'summary', path.join(examples, 'tabular_bn.py')]);
console.log('\n━━ normlens summary examples/conv_bn.ipynb');
run(process.execPath, [cli, 'summary', path.join(examples, 'conv_bn.ipynb')]);
console.log('\n━━ normlens explain examples/conv_bn.ipynb:4');
run(process.execPath, [cli, 'explain', `${path.join(examples, 'conv_bn.ipynb')}:4`]);
console.log('\n━━ normlens run examples/tabular_bn.py:10');
run(process.execPath, [cli, 'run', `${path.join(examples, 'tabular_bn.py')}:10`]);

const desktop = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).stdout.trim();
if (desktop && !process.env.NORMLENS_SERVER) {
	console.log(`\nOpening VS Code with NormLens under development on ${examples}`);
	spawn(desktop, ['--extensionDevelopmentPath', repoRoot, examples], { stdio: 'inherit', detached: true }).unref();
} else {
	const server = await startServer({ dataDir: path.join(repoRoot, '.normlens-tmp', 'vscode-start'), port });
	const url = server.url(examples, [['extensionDevelopmentPath', repoRoot]]);
	console.log("\nNormLens is live in VS Code 1.100.3 (the VS Code server from code-server 4.100.3).");
	console.log('Open this URL in a browser (Chromium: /usr/bin/chromium); open tabular_bn.py or conv_bn.ipynb and hover a BatchNormalization:\n');
	console.log(`  ${url}\n`);
	console.log('Press Ctrl-C to stop.');
	const stop = () => {
		server.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	await new Promise(() => {});
}
