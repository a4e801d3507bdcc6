// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
	'fs',
	'path',
	'os',
	'child_process',
	'worker_threads',
	'crypto',
	'url',
	'util',
	'stream',
	'events',
	'net',
	'http',
	'https',
	'zlib',
	'module',
];

/** The core's import rules (pure: no VS Code, no Node built-ins, no outer layer), with an extra pattern for a zone inside it. */
function coreImports(extra) {
	return {
		paths: [
			{ name: 'vscode', message: 'src/core and src/protocol must not depend on VS Code.' },
			'piscina',
		],
		patterns: [
			{
				group: [...nodeBuiltins, ...nodeBuiltins.map((m) => `node:${m}`)],
				message: 'src/core is pure: no Node built-ins.',
			},
			{
				group: [
					'**/extension/**',
					'**/engine/**',
					'**/webview/**',
					'**/cli/**',
					'**/host/**',
				],
				message: 'src/core depends only on src/protocol.',
			},
			...(extra ? [extra] : []),
		],
	};
}

export default tseslint.config(
	{
		ignores: [
			'src/**/*.as.ts',
			'dist/**',
			'out/**',
			'node_modules/**',
			'tools/**',
			'.normlens-tmp/**',
			'.vscode-test/**',
			'webpack.config.js',
			'eslint.config.mjs',
		],
	},
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		files: ['**/*.ts'],
		languageOptions: {
			parserOptions: {
				projectService: { allowDefaultProject: ['*.ts'] },
				tsconfigRootDir: import.meta.dirname,
			},
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
			eqeqeq: 'error',
			curly: 'error',
			'no-restricted-syntax': [
				'error',
				{
					selector:
						"CallExpression[callee.object.name='describe'][callee.property.name='only']",
					message: 'No exclusive tests.',
				},
				{
					selector:
						"CallExpression[callee.object.name='it'][callee.property.name='only']",
					message: 'No exclusive tests.',
				},
			],
		},
	},
	{
		// Rooms of one purpose (CONTRIBUTING.md): a source file past this is split by what it holds.
		files: ['src/**/*.ts'],
		rules: { 'max-lines': ['error', { max: 600 }] },
	},
	{
		// The core is pure: it runs in the extension host, the CLI, workers and tests alike.
		files: ['src/core/**/*.ts', 'src/protocol/**/*.ts'],
		rules: { 'no-restricted-imports': ['error', coreImports()] },
	},
	{
		// Each framework is its own room: what both need lives in frameworks/common.
		files: ['src/core/frameworks/torch/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				coreImports({
					group: ['**/frameworks/keras/**', '../keras/**'],
					message:
						'The torch side does not import the Keras side: shared code goes in frameworks/common.',
				}),
			],
		},
	},
	{
		files: ['src/core/frameworks/keras/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				coreImports({
					group: ['**/frameworks/torch/**', '../torch/**'],
					message:
						'The Keras side does not import the torch side: shared code goes in frameworks/common.',
				}),
			],
		},
	},
	{
		// The engine references the ambient WebAssembly declarations it needs (no DOM lib in a worker).
		files: ['src/engine/**/*.ts', 'src/host/**/*.ts'],
		rules: { '@typescript-eslint/triple-slash-reference': 'off' },
	},
	{
		files: ['src/engine/**/*.ts', 'src/host/**/*.ts', 'src/cli/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					paths: [{ name: 'vscode', message: 'Only src/extension may use VS Code.' }],
					patterns: [
						{
							group: ['**/extension/**', '**/webview/**'],
							message:
								'Engine, host and CLI do not reach into the extension or the webview.',
						},
					],
				},
			],
		},
	},
	{
		files: ['src/webview/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					paths: ['vscode', ...nodeBuiltins],
					patterns: [
						{
							group: ['**/extension/**', '**/engine/**', '**/host/**', '**/cli/**'],
							message: 'The webview only renders what the extension posts.',
						},
					],
				},
			],
		},
	},
	{
		files: ['src/extension/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['**/engine/**', '**/webview/**'],
							message:
								'The extension reaches the engine only through src/host and the worker file name.',
						},
						{
							group: ['**/core/*/**'],
							message: 'Import core through src/core/index.ts.',
						},
					],
				},
			],
		},
	},
	{
		files: ['test/unit/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ paths: [{ name: 'vscode', message: 'Unit tests run without VS Code.' }] },
			],
		},
	},
	{
		files: ['scripts/**/*.mjs'],
		languageOptions: {
			globals: {
				console: 'readonly',
				process: 'readonly',
				setTimeout: 'readonly',
				URLSearchParams: 'readonly',
				document: 'readonly',
				window: 'readonly',
				getComputedStyle: 'readonly',
				WebAssembly: 'readonly',
				AbortController: 'readonly',
			},
		},
	},
);
