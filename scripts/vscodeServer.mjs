// The VS Code (OSS) server from the npm package code-server, and headless Chromium on its web
// workbench: how NormLens runs inside a real VS Code on a machine without internet access
// (docs/vscode-offline-testing.md). Used by `npm test`, `npm start` and `npm run screenshots`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolDir = path.join(repoRoot, 'tools', 'test-vscode');
export const serverMain = path.join(
	toolDir,
	'node_modules',
	'code-server',
	'lib',
	'vscode',
	'out',
	'server-main.js',
);
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Installs code-server (pinned in tools/test-vscode/package-lock.json) unless it is there. */
export function ensureTestVSCode() {
	if (fs.existsSync(serverMain)) {
		return;
	}
	console.log(
		'Installing the test VS Code (code-server 4.100.3, VS Code 1.100.3) into tools/test-vscode …',
	);
	// @vscode/ripgrep downloads rg from GitHub unless its cache already holds the archive: give it
	// Debian's rg under the expected name.
	const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
	if (!rg) {
		throw new Error(
			'ripgrep (Debian package "ripgrep") is needed to install the test VS Code offline.',
		);
	}
	const tmp = process.env.TMPDIR ?? os.tmpdir();
	const cache = path.join(tmp, 'vscode-ripgrep-cache-1.15.11');
	fs.mkdirSync(cache, { recursive: true });
	const archive = path.join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
	if (!fs.existsSync(archive)) {
		const stage = fs.mkdtempSync(path.join(tmp, 'rg-'));
		fs.copyFileSync(rg, path.join(stage, 'rg'));
		fs.chmodSync(path.join(stage, 'rg'), 0o755);
		run('tar', ['-czf', archive, '-C', stage, 'rg']);
	}
	run('npm', ['ci', '--no-audit', '--no-fund'], {
		cwd: toolDir,
		env: { ...process.env, npm_config_unsafe_perm: 'true', npm_config_yes: 'true' },
	});
	if (!fs.existsSync(serverMain)) {
		throw new Error(`The test VS Code did not install: ${serverMain} is missing.`);
	}
}

function run(cmd, args, opts = {}) {
	const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
	if (r.status !== 0) {
		throw new Error(`${cmd} ${args.join(' ')} failed with ${r.status}`);
	}
}

export function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
		s.on('error', reject);
	});
}

/**
 * Starts the server on loopback with fresh data and extension folders.
 * @param {{ env?: Record<string, string>, dataDir: string, port?: number, log?: string, settings?: Record<string, unknown> }} opts
 */
export async function startServer(opts) {
	ensureTestVSCode();
	const port = opts.port ?? (await freePort());
	fs.mkdirSync(opts.dataDir, { recursive: true });
	const serverData = path.join(opts.dataDir, 'server-data');
	const extensions = path.join(opts.dataDir, 'extensions');
	// Settings for a quiet, predictable workbench (no walkthrough, no trust prompt).
	const userSettings = path.join(serverData, 'data', 'Machine');
	fs.mkdirSync(userSettings, { recursive: true });
	fs.writeFileSync(
		path.join(userSettings, 'settings.json'),
		JSON.stringify({
			'workbench.startupEditor': 'none',
			'security.workspace.trust.enabled': false,
			'editor.inlayHints.enabled': 'on',
			'telemetry.telemetryLevel': 'off',
			'workbench.tips.enabled': false,
			'git.enabled': false,
			'git.openRepositoryInParentFolders': 'never',
			'extensions.ignoreRecommendations': true,
			'files.autoSave': 'off',
			...opts.settings,
		}),
	);
	const logFile = opts.log ?? path.join(opts.dataDir, 'server.log');
	const out = fs.openSync(logFile, 'w');
	const child = spawn(
		process.execPath,
		[
			serverMain,
			'--host',
			'127.0.0.1',
			'--port',
			String(port),
			'--without-connection-token',
			'--accept-server-license-terms',
			'--disable-workspace-trust',
			'--disable-telemetry',
			'--server-data-dir',
			serverData,
			'--extensions-dir',
			extensions,
		],
		{ env: { ...process.env, ...opts.env }, stdio: ['ignore', out, out], detached: true },
	);
	const started = Date.now();
	while (!fs.readFileSync(logFile, 'utf8').includes('Extension host agent listening')) {
		if (child.exitCode !== null) {
			throw new Error(
				`The VS Code server exited with ${child.exitCode}:\n${fs.readFileSync(logFile, 'utf8')}`,
			);
		}
		if (Date.now() - started > 60_000) {
			throw new Error(
				`The VS Code server did not start within 60 s:\n${fs.readFileSync(logFile, 'utf8')}`,
			);
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	return {
		port,
		logFile,
		child,
		/** Workbench URL opening `folder`, optionally with an extension under development / tests, or a file to open (`openFile`). */
		url(folder, payload = []) {
			const q = new URLSearchParams({ folder });
			if (payload.length) {
				q.set(
					'payload',
					JSON.stringify(
						payload.map(([k, v]) => [
							k,
							k.startsWith('extension') || k === 'openFile'
								? `vscode-remote://127.0.0.1:${port}${v}`
								: v,
						]),
					),
				);
			}
			return `http://127.0.0.1:${port}/?${q.toString()}`;
		},
		log() {
			return fs.readFileSync(logFile, 'utf8');
		},
		stop() {
			try {
				process.kill(-child.pid, 'SIGTERM');
			} catch {
				// already gone
			}
		},
	};
}

/** Headless Chromium (Debian's, never a downloaded one) on a fresh profile. */
export async function launchChromium({ headless = true, profile } = {}) {
	if (!fs.existsSync(chromiumPath)) {
		throw new Error(`Chromium is missing at ${chromiumPath} (Debian package "chromium").`);
	}
	const { chromium } = await import('playwright-core');
	const userDataDir = profile ?? fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-chromium-'));
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: chromiumPath,
		headless,
		viewport: { width: 1600, height: 1000 },
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run',
			'--disable-quic',
		],
	});
	return context;
}
