import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { analyzePython } from '../../../src/core';
import { repoRoot } from '../paths';
import { torchvisionNumParams as published } from './published';

/**
 * torchvision's model builders as NormLens reads them (src/core/zoo): every default total equals the
 * `num_params` torchvision documents for the model (pytorch.org/vision/stable/models.html), and
 * real torchvision (Debian's python3-torchvision) builds the same count. Variants with replaced heads
 * and frozen parameters are compared module by module in pytorchCrossCheck.test.ts.
 */

describe('torchvision model builders (src/core/zoo)', function () {
	this.timeout(120_000);
	let real: Record<string, { default: number; weights: number }>;

	before(() => {
		const r = spawnSync(
			'/usr/bin/python3',
			[path.join(repoRoot, 'tools', 'torchvision_counts.py'), ...Object.keys(published)],
			{ encoding: 'utf8', maxBuffer: 16 << 20 },
		);
		assert.strictEqual(
			r.status,
			0,
			`torchvision failed (is Debian's python3-torchvision installed?):\n${r.stderr}`,
		);
		real = JSON.parse(r.stdout);
	});

	it('the published counts are what real torchvision builds with weights="DEFAULT"', () => {
		assert.deepStrictEqual(
			Object.fromEntries(Object.entries(real).map(([k, v]) => [k, v.weights])),
			published,
		);
	});

	for (const [name, count] of Object.entries(published)) {
		it(`${name}: ${count.toLocaleString('en-US')} parameters with its weights; its default build as torchvision's`, () => {
			const counted = (args: string) => {
				const program = `import torchvision\nmodel = torchvision.models.${name}(${args})\n`;
				const m = analyzePython(program).models.find((x) => x.name === 'model');
				assert.strictEqual(m?.totals.trainable, m?.totals.total, program);
				return m?.totals.total;
			};
			assert.strictEqual(counted('weights="DEFAULT"'), count);
			assert.strictEqual(counted(''), real[name].default);
		});
	}

	it('however the builder is imported and called (module path, old pretrained=, weights enum or string)', () => {
		for (const program of [
			'from torchvision import models\nmodel = models.resnet50(pretrained=True)\n',
			'import torchvision.models as tvm\nmodel = tvm.resnet.resnet50(True)\n',
			'from torchvision.models import resnet50, ResNet50_Weights\nmodel = resnet50(weights=ResNet50_Weights.IMAGENET1K_V2)\n',
			'from torchvision.models.resnet import resnet50\nmodel = resnet50(weights="DEFAULT", progress=False)\n',
			'from torchvision.models import *\nmodel = resnet50()\n',
		]) {
			const r = analyzePython(program);
			assert.deepStrictEqual(
				r.models.map((m) => [m.name, m.totals.total]),
				[['model', 25_557_032]],
				program,
			);
		}
	});

	it('a builder NormLens has no architecture for stays a model from another library: unknown, with its reason', () => {
		const r = analyzePython(
			`import torch.nn as nn\nimport torchvision\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.backbone = torchvision.models.maxvit_t(weights=None)\n        self.head = nn.Linear(768, 3)\nnet = Net()\n`,
		);
		const net = r.models.find((m) => m.name === 'net');
		assert.strictEqual(net?.totals.total, null);
		assert.match(net?.unknown?.reason ?? '', /maxvit_t/);
	});
});
