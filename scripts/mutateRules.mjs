#!/usr/bin/env node
/**
 * Mutation check of the conformance nets: applies single mutations to the torch and Keras rule
 * files, one at a time, and confirms that the conformance test of that framework fails on each.
 * Every file is restored afterwards (also on errors and Ctrl-C) and the tests are rebuilt.
 *
 * usage: node scripts/mutateRules.mjs [WORD]     (only the mutations whose description has WORD;
 *        the torch net needs /usr/bin/python3 with torch; a full run takes ~5 min on 2 cores)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The torch rules live by layer family, each in src/core/frameworks/torch/layers/<family>.ts. */
const torchLayers = (family) => `src/core/frameworks/torch/layers/${family}.ts`;
/** The Keras rules are one file per layer family (src/core/frameworks/keras/rules/). */
const kerasRules = (family) => `src/core/frameworks/keras/rules/${family}.ts`;
const tests = {
	torch: 'out/test/unit/torch/conformance.test.js',
	keras: 'out/test/unit/core/kerasConformance.test.js',
};

/** [framework, file, what, from, to]: `from` must occur exactly once in the file. */
const mutations = [
	[
		'torch',
		torchLayers('convolution'),
		'conv output: off by one (drops the −1)',
		'const v = (n + 2 * pad - d * (k - 1) - 1) / s + 1;',
		'const v = (n + 2 * pad - d * (k - 1)) / s + 1;',
	],
	[
		'torch',
		torchLayers('convolution'),
		'conv/pool output: ceil for floor',
		'const out = ceil ? Math.ceil(v) : Math.floor(v);',
		'const out = Math.ceil(v);',
	],
	[
		'torch',
		torchLayers('convolution'),
		'pool ceil_mode: no last-window correction',
		'const fixed = ceil && (out - 1) * s >= n + pad ? out - 1 : out;',
		'const fixed = out;',
	],
	[
		'torch',
		torchLayers('convolution'),
		'conv weight: groups dropped',
		"p('weight', [o, i / g, ...k])",
		"p('weight', [o, i, ...k])",
	],
	[
		'torch',
		torchLayers('linear'),
		'Linear: bias dropped',
		": [p('weight', [o, i]), ...(bias ? [p('bias', [o])] : [])];",
		": [p('weight', [o, i])];",
	],
	[
		'torch',
		torchLayers('convolution'),
		'ConvTranspose: output_padding dropped',
		'(n - 1) * s[i] - 2 * pad[i] + d[i] * (k[i] - 1) + op[i] + 1;',
		'(n - 1) * s[i] - 2 * pad[i] + d[i] * (k[i] - 1) + 1;',
	],
	[
		'torch',
		torchLayers('normalization'),
		'BatchNorm: num_batches_tracked buffer dropped',
		"b('running_var', [c]), b('num_batches_tracked', [])",
		"b('running_var', [c])",
	],
	[
		'torch',
		torchLayers('recurrent'),
		'LSTM proj_size: deeper layers take hidden, not proj, inputs',
		'const inL = l === 0 ? input : out * dirs;',
		'const inL = l === 0 ? input : hidden * dirs;',
	],
	[
		'torch',
		torchLayers('transformer'),
		'MultiheadAttention: kdim ignored',
		"p('k_proj_weight', [e, kdim])",
		"p('k_proj_weight', [e, e])",
	],
	[
		'torch',
		torchLayers('pooling'),
		'pool: padding ≤ kernel/2 check removed',
		'if (pad.some((q, i) => q > k[i] / 2)) {',
		'if (pad.some((q, i) => q > k[i])) {',
	],
	[
		'keras',
		kerasRules('convolution'),
		"conv 'same': floor for ceil",
		"if (padding === 'same') {\n\t\treturn Math.ceil(size / s);",
		"if (padding === 'same') {\n\t\treturn Math.floor(size / s);",
	],
	[
		'keras',
		kerasRules('convolution'),
		"conv 'valid': off by one",
		'const out = Math.floor((size - eff) / s) + 1;',
		'const out = Math.floor((size - eff) / s);',
	],
	[
		'keras',
		kerasRules('convolution'),
		'conv kernel: groups dropped',
		"w('kernel', [...kc.k, kc.cin / groups, filters])",
		"w('kernel', [...kc.k, kc.cin, filters])",
	],
	[
		'keras',
		kerasRules('core'),
		'Dense: bias dropped',
		"return [w('kernel', [fin, units]), ...(bias ? [w('bias', [units])] : [])];",
		"return [w('kernel', [fin, units])];",
	],
	[
		'keras',
		kerasRules('normalization'),
		'BatchNormalization: moving mean counted trainable',
		"w('moving_mean', s, false)",
		"w('moving_mean', s)",
	],
	[
		'keras',
		kerasRules('recurrent'),
		'GRU reset_after: second bias dropped',
		"const resetAfter = g === 3 && bool(cfg, 'reset_after') !== false;",
		"const resetAfter = g === 4 && bool(cfg, 'reset_after') !== false;",
	],
	[
		'keras',
		kerasRules('recurrent'),
		'RNN: recurrent kernel without gates',
		"w('recurrent_kernel', [units, g * units])",
		"w('recurrent_kernel', [units, units])",
	],
	[
		'keras',
		kerasRules('convolution'),
		"ConvTranspose 'valid': max(k', s) back to k'",
		'Math.max((k[i] - 1) * d[i] + 1, s[i])',
		'(k[i] - 1) * d[i] + 1',
	],
	[
		'keras',
		kerasRules('reshaping'),
		'Reshape: -1 divisibility check removed',
		'if (total !== null && (known === 0 || total % known !== 0)) {',
		'if (total !== null && known === 0) {',
	],
	[
		'keras',
		kerasRules('convolution'),
		'depthwise: bias per input channel instead of per output',
		"...(bias ? [w('bias', [kc.cin * m])] : [])",
		"...(bias ? [w('bias', [kc.cin])] : [])",
	],
];

const originals = new Map(
	[...new Set(mutations.map(([, file]) => file))].map((f) => [
		f,
		fs.readFileSync(path.join(root, f), 'utf8'),
	]),
);
const restore = () => originals.forEach((text, f) => fs.writeFileSync(path.join(root, f), text));
process.on('SIGINT', () => {
	restore();
	process.exit(130);
});

const run = (cmd, args) =>
	spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
const build = () => {
	const r = run('npx', ['tsc', '-p', 'test/unit']);
	return r.status === 0 ? null : r.stdout + r.stderr;
};

const results = [];
try {
	const only = process.argv[2];
	for (const [fw, file, what, from, to] of mutations.filter(
		([, , what]) => !only || what.includes(only),
	)) {
		const text = originals.get(file);
		const n = text.split(from).length - 1;
		if (n !== 1) {
			throw new Error(`mutation "${what}": the text to mutate occurs ${n} times in ${file}`);
		}
		fs.writeFileSync(path.join(root, file), text.replace(from, to));
		const buildError = build();
		let caught;
		let detail;
		if (buildError) {
			caught = true;
			detail = 'does not compile';
		} else {
			const r = run('npx', ['mocha', tests[fw]]);
			caught = r.status !== 0;
			const failing = /(\d+) failing/.exec(r.stdout)?.[1] ?? '0';
			detail = `${failing} failing tests`;
		}
		restore();
		results.push({ fw, what, caught, detail });
		console.log(`${caught ? 'caught ' : 'MISSED '} [${fw}] ${what} — ${detail}`);
	}
} finally {
	restore();
	build();
}
const caught = results.filter((r) => r.caught).length;
console.log(
	`\n${results.length} mutations, ${caught} caught (torch ${results.filter((r) => r.fw === 'torch' && r.caught).length}/${results.filter((r) => r.fw === 'torch').length}, keras ${results.filter((r) => r.fw === 'keras' && r.caught).length}/${results.filter((r) => r.fw === 'keras').length})`,
);
process.exit(caught === results.length ? 0 : 1);
