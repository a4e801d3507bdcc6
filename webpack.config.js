// @ts-check
'use strict';
const path = require('path');

/**
 * TypeScript through ts-loader (type checks are `npm run typecheck`'s), with source maps and
 * `compilerOptions` over tsconfig's.
 * @param {Record<string, unknown>} compilerOptions
 */
function typescript(compilerOptions) {
	return {
		test: /\.ts$/,
		exclude: /node_modules/,
		use: [
			{
				loader: 'ts-loader',
				options: {
					transpileOnly: true,
					compilerOptions: { sourceMap: true, ...compilerOptions },
				},
			},
		],
	};
}

/**
 * One config per runtime target (extension host, analysis worker, engine worker, CLI, webview), from shared
 * defaults. Piscina stays external: its bootstrap file is looked up next to its own module
 * (shared/reference/pitfalls.md), so it ships in node_modules inside the .vsix.
 * @param {import('webpack').Configuration} config
 * @returns {import('webpack').Configuration}
 */
function withDefaults(config) {
	return {
		mode: 'none',
		devtool: 'source-map',
		resolve: { extensions: ['.ts', '.js'] },
		module: { rules: [typescript({})] },
		output: {
			path: path.join(__dirname, 'dist'),
			filename: '[name].js',
			libraryTarget: 'commonjs2',
		},
		infrastructureLogging: { level: 'warn' },
		...config,
	};
}

/** Copies the committed WebAssembly kernels beside the engine bundle (dist/kernels/). */
class CopyKernelsPlugin {
	/** @param {import('webpack').Compiler} compiler */
	apply(compiler) {
		compiler.hooks.afterEmit.tap('CopyKernelsPlugin', () => {
			const fs = require('fs');
			const out = path.join(__dirname, 'dist', 'kernels');
			fs.mkdirSync(out, { recursive: true });
			for (const name of ['normalize.wasm', 'normalize-relaxed.wasm']) {
				fs.copyFileSync(
					path.join(__dirname, 'src', 'engine', 'wasm', name),
					path.join(out, name),
				);
			}
		});
	}
}

/** KaTeX's stylesheet and its woff2 fonts beside the panel bundle (no CDN: the CSP allows none). */
class CopyKatexPlugin {
	/** @param {import('webpack').Compiler} compiler */
	apply(compiler) {
		compiler.hooks.afterEmit.tap('CopyKatexPlugin', () => {
			const fs = require('fs');
			const from = path.join(path.dirname(require.resolve('katex/package.json')), 'dist');
			const out = path.join(__dirname, 'dist', 'webview', 'katex');
			fs.mkdirSync(path.join(out, 'fonts'), { recursive: true });
			fs.copyFileSync(path.join(from, 'katex.min.css'), path.join(out, 'katex.min.css'));
			for (const f of fs.readdirSync(path.join(from, 'fonts'))) {
				if (f.endsWith('.woff2')) {
					fs.copyFileSync(path.join(from, 'fonts', f), path.join(out, 'fonts', f));
				}
			}
		});
	}
}

module.exports = [
	withDefaults({
		name: 'extension',
		target: 'node',
		entry: { extension: './src/extension/extension.ts' },
		externals: { vscode: 'commonjs vscode', piscina: 'commonjs piscina' },
		node: { __dirname: false },
	}),
	withDefaults({
		name: 'analysisWorker',
		target: 'node',
		entry: { analysisWorker: './src/host/analysisWorker.ts' },
		node: { __dirname: false },
	}),
	withDefaults({
		name: 'engineWorker',
		target: 'node',
		entry: { engineWorker: './src/engine/engineWorker.ts' },
		node: { __dirname: false },
		plugins: [new CopyKernelsPlugin()],
	}),
	withDefaults({
		name: 'cli',
		target: 'node',
		entry: { cli: './src/cli/main.ts' },
		externals: { piscina: 'commonjs piscina' },
		node: { __dirname: false },
	}),
	withDefaults({
		name: 'webview',
		target: 'web',
		entry: { panel: './src/webview/main.ts' },
		// ES modules for TypeScript's output here, so that webpack sees each `import()` of lazy.ts
		// and splits it into a chunk (panel.katex.js, …) next to panel.js; `publicPath: 'auto'`
		// finds them from panel.js's own URL (a webview resource URI).
		module: { rules: [typescript({ module: 'es2020' })] },
		output: {
			path: path.join(__dirname, 'dist', 'webview'),
			filename: '[name].js',
			chunkFilename: 'panel.[name].js',
			publicPath: 'auto',
		},
		// One chunk per library (no shared vendor chunk): three files, named for what they hold.
		optimization: { splitChunks: false },
		plugins: [new CopyKatexPlugin()],
		performance: { hints: false },
	}),
];
