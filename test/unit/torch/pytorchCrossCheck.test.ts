import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython } from '../../../src/core';
import type { ModelSummary } from '../../../src/protocol/analysis';
import { fixtures, repoRoot } from '../paths';

/**
 * Every PyTorch fixture is also run by real PyTorch (Debian's python3-torch) through
 * tools/torch_reference.py; NormLens's counts and shapes must match per module and in total.
 */

interface Reference {
	total: number;
	trainable: number;
	buffers: number;
	modules: Record<
		string,
		{
			type: string;
			params: number;
			buffers: number;
			outputShape: number[] | null;
			leaf: boolean;
			eps?: number;
			momentum?: number | null;
		}
	>;
	/** The model's first forward, call by call: [name, type, depth, output shape] (torchinfo's rows). */
	calls: [string, string, number, number[] | null][] | null;
}

function reference(file: string, names: string[]): Record<string, Reference> {
	const r = spawnSync(
		'/usr/bin/python3',
		[path.join(repoRoot, 'tools', 'torch_reference.py'), file, ...names],
		{ encoding: 'utf8', maxBuffer: 64 << 20 },
	);
	assert.strictEqual(
		r.status,
		0,
		`PyTorch reference failed (is Debian's python3-torch installed?):\n${r.stderr}`,
	);
	return JSON.parse(r.stdout);
}

function compare(model: ModelSummary, ref: Reference): void {
	assert.deepStrictEqual(
		{
			total: model.totals.total,
			trainable: model.totals.trainable,
			buffers: model.totals.buffers,
		},
		{ total: ref.total, trainable: ref.trainable, buffers: ref.buffers },
		`${model.name}: totals`,
	);
	const names = model.layers.map((l) => l.name);
	for (const layer of model.layers) {
		// The model's own row (parameters held by the root itself, a class token) is PyTorch's module ''.
		const isRoot = layer.name === model.name && !(layer.name in ref.modules);
		const mod = isRoot ? ref.modules[''] : ref.modules[layer.name];
		assert.ok(mod, `${model.name}: PyTorch has a module ${layer.name}`);
		assert.strictEqual(layer.type, mod.type, `${layer.name}: type`);
		// A NormLens row that stands for a whole PyTorch subtree (MultiheadAttention's out_proj…)
		// counts the subtree; a container row counts its own parameters.
		const isContainerRow = isRoot || names.some((n) => n.startsWith(`${layer.name}.`));
		const subtree = Object.entries(ref.modules).filter(
			([k]) => k === layer.name || k.startsWith(`${layer.name}.`),
		);
		const expected = isContainerRow
			? { params: mod.params, buffers: mod.buffers }
			: {
					params: subtree.reduce((s, [, m]) => s + m.params, 0),
					buffers: subtree.reduce((s, [, m]) => s + m.buffers, 0),
				};
		assert.deepStrictEqual(
			{ params: layer.params?.total, buffers: layer.params?.buffers },
			expected,
			`${model.name}.${layer.name}: params`,
		);
		assert.deepStrictEqual(
			layer.outputShape,
			mod.outputShape,
			`${model.name}.${layer.name}: output shape`,
		);
		// ε and momentum as the layer runs with them (a zoo that forgets torchvision's eps=1e-3 shows a wrong ε).
		for (const key of ['eps', 'momentum'] as const) {
			if (mod[key] !== undefined) {
				const own = layer.config[key];
				assert.ok(
					typeof own === 'number'
						? Math.abs(own - (mod[key] as number)) <= 1e-9 * Math.abs(own)
						: own === mod[key],
					`${model.name}.${layer.name}: ${key} ${String(own)}, PyTorch ${String(mod[key])}`,
				);
			}
		}
	}
	// One row per call, in call order and at its depth, as torchinfo lists the forward.
	if (ref.calls) {
		assert.ok(model.calls, `${model.name}: NormLens follows the forward PyTorch ran`);
		const ours = model.calls.map((c, i) => [
			i === 0 ? ref.calls?.[0][0] : c.name,
			c.type,
			c.depth,
			c.outputShape,
		]);
		assert.deepStrictEqual(ours, ref.calls, `${model.name}: calls`);
		const seen = new Set<string>();
		for (const c of model.calls) {
			assert.strictEqual(c.repeat, seen.has(c.name), `${model.name}: ${c.name} repeat`);
			seen.add(c.name);
		}
	}
	const leaves = Object.entries(ref.modules).filter(
		([k, m]) => m.leaf && !names.some((n) => k === n || k.startsWith(`${n}.`)),
	);
	assert.deepStrictEqual(
		leaves.map(([k]) => k),
		[],
		`${model.name}: PyTorch leaf modules missing from NormLens`,
	);
}

const cases: { file: string; models: string[]; published?: Record<string, number> }[] = [
	// Published counts: pytorch.org/vision model docs (num_params).
	{
		file: 'resnet.py',
		models: ['resnet18', 'resnet50'],
		published: { resnet18: 11_689_512, resnet50: 25_557_032 },
	},
	{
		file: 'mobilenet_v2.py',
		models: ['mobilenet_v2', 'MobileNetV2'],
		published: { mobilenet_v2: 3_504_872 },
	},
	{ file: 'zoo.py', models: ['autoencoder', 'tagger', 'mlp', 'heads'] },
	// nn.TransformerEncoder's copies of its layer and copy.deepcopy of catalogue modules.
	{ file: 'stacked.py', models: ['encoder', 'Blocks', 'Classifier'] },
	// torchvision's builders as NormLens reads them (src/core/zoo) against real torchvision, with the
	// transfer-learning edits notebooks make: weights, a replaced head, frozen parameters.
	// Subclasses of torch.nn's layers (LayerNorm2d, CLIP's LayerNorm, timm's Conv2dSame, an empty BatchNorm subclass).
	{ file: 'subclass.py', models: ['net'] },
	// nn.ParameterList / nn.ParameterDict: parameters named by index or key, one frozen, one appended.
	{ file: 'parameter_containers.py', models: ['mixture'] },
	// Tensor code in forward: flatten / transpose / matmul / einsum / reductions / cat / interpolate / view and slicing.
	{ file: 'forward_ops.py', models: ['ops'] },
	{ file: 'forward_ops2.py', models: ['mixed'] },
	{ file: 'forward_ops3.py', models: ['classic'] },
	{
		file: 'zoo_torchvision.py',
		models: [
			'resnet',
			'mobilenet',
			'effnet',
			'vgg',
			'alex',
			'squeeze',
			'mnv3',
			'goog',
			'goog_small',
			'incep',
			'convnext',
			'convnext_small',
			'regnet',
			'regnet_backbone',
			'effv2',
			'swin',
			'goog_notop',
			'incep_small',
			'incep_notop',
			'convnext_notop',
			'regnet_small',
			'regnet_frozen',
			'effv2_frozen',
			'effv2_notop',
			'swin_small',
			'swin_notop',
		],
	},
];

describe('PyTorch fixtures against real PyTorch', function () {
	// Real PyTorch building 26 torchvision models takes about a minute on the CI machine alone; a
	// loaded machine (another suite beside it) took over two. The limit guards against a hang only.
	this.timeout(360_000);
	for (const c of cases) {
		it(`${c.file}: ${c.models.join(', ')} — parameters, buffers and output shapes per module`, () => {
			const file = path.join(fixtures, 'torch', c.file);
			const result = analyzePython(fs.readFileSync(file, 'utf8'));
			assert.deepStrictEqual(
				result.diagnostics.filter((d) => d.severity === 'error'),
				[],
			);
			const refs = reference(file, c.models);
			for (const name of c.models) {
				const model = result.models.find((m) => m.name === name);
				assert.ok(
					model,
					`NormLens reports ${name} (got ${result.models.map((m) => m.name).join(', ')})`,
				);
				compare(model, refs[name]);
				if (c.published?.[name] !== undefined) {
					assert.strictEqual(
						model.totals.total,
						c.published[name],
						`${name}: published parameter count`,
					);
				}
			}
		});
	}

	it('resnet50 at 224×224 ends in (1, 1000) with 53 BatchNorm2d layers (53,120 running statistics + 53 counters)', () => {
		const result = analyzePython(
			fs.readFileSync(path.join(fixtures, 'torch', 'resnet.py'), 'utf8'),
		);
		const m = result.models.find((x) => x.name === 'resnet50') as ModelSummary;
		assert.deepStrictEqual(m.layers[m.layers.length - 1].outputShape, [1, 1000]);
		assert.strictEqual(m.layers.filter((l) => l.type === 'BatchNorm2d').length, 53);
		assert.strictEqual(m.totals.buffers, 53_120 + 53);
	});
});
