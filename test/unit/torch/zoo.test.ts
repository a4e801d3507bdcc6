import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { analyzePython } from '../../../src/core';
import { repoRoot } from '../paths';

/**
 * torchvision's model builders as NormLens reads them (src/core/zoo): every default total equals the
 * `num_params` torchvision documents for the model (pytorch.org/vision/stable/models.html), and
 * real torchvision (Debian's python3-torchvision) builds the same count. Variants with replaced heads
 * and frozen parameters are compared module by module in pytorchCrossCheck.test.ts.
 */
const published: Record<string, number> = {
	resnet18: 11_689_512,
	resnet34: 21_797_672,
	resnet50: 25_557_032,
	resnet101: 44_549_160,
	resnet152: 60_192_808,
	resnext50_32x4d: 25_028_904,
	resnext101_32x8d: 88_791_336,
	resnext101_64x4d: 83_455_272,
	wide_resnet50_2: 68_883_240,
	wide_resnet101_2: 126_886_696,
	vgg11: 132_863_336,
	vgg11_bn: 132_868_840,
	vgg13: 133_047_848,
	vgg13_bn: 133_053_736,
	vgg16: 138_357_544,
	vgg16_bn: 138_365_992,
	vgg19: 143_667_240,
	vgg19_bn: 143_678_248,
	alexnet: 61_100_840,
	squeezenet1_0: 1_248_424,
	squeezenet1_1: 1_235_496,
	densenet121: 7_978_856,
	densenet161: 28_681_000,
	densenet169: 14_149_480,
	densenet201: 20_013_928,
	mobilenet_v2: 3_504_872,
	mobilenet_v3_large: 5_483_032,
	mobilenet_v3_small: 2_542_856,
	efficientnet_b0: 5_288_548,
	efficientnet_b1: 7_794_184,
	efficientnet_b2: 9_109_994,
	efficientnet_b3: 12_233_232,
	efficientnet_b4: 19_341_616,
	efficientnet_b5: 30_389_784,
	efficientnet_b6: 43_040_704,
	efficientnet_b7: 66_347_960,
	shufflenet_v2_x0_5: 1_366_792,
	shufflenet_v2_x1_0: 2_278_604,
	shufflenet_v2_x1_5: 3_503_624,
	shufflenet_v2_x2_0: 7_393_996,
	vit_b_16: 86_567_656,
	vit_b_32: 88_224_232,
	vit_l_16: 304_326_632,
	vit_l_32: 306_535_400,
};

describe('torchvision model builders (src/core/zoo)', function () {
	this.timeout(120_000);
	let real: Record<string, number>;

	before(() => {
		const r = spawnSync('/usr/bin/python3', [path.join(repoRoot, 'tools', 'torchvision_counts.py'), ...Object.keys(published)], { encoding: 'utf8', maxBuffer: 16 << 20 });
		assert.strictEqual(r.status, 0, `torchvision failed (is Debian's python3-torchvision installed?):\n${r.stderr}`);
		real = JSON.parse(r.stdout);
	});

	it('the published counts are what real torchvision builds', () => {
		assert.deepStrictEqual(real, published);
	});

	for (const [name, count] of Object.entries(published)) {
		it(`${name}: ${count.toLocaleString('en-US')} parameters`, () => {
			for (const program of [`import torchvision\nmodel = torchvision.models.${name}()\n`]) {
				const m = analyzePython(program).models.find((x) => x.name === 'model');
				assert.strictEqual(m?.totals.total, count, program);
				assert.strictEqual(m?.totals.trainable, count);
			}
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
			assert.deepStrictEqual(r.models.map((m) => [m.name, m.totals.total]), [['model', 25_557_032]], program);
		}
	});

	it('a builder NormLens has no architecture for stays a model from another library: unknown, with its reason', () => {
		const r = analyzePython(`import torch.nn as nn\nimport torchvision\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.backbone = torchvision.models.swin_t(weights=None)\n        self.head = nn.Linear(768, 3)\nnet = Net()\n`);
		const net = r.models.find((m) => m.name === 'net');
		assert.strictEqual(net?.totals.total, null);
		assert.match(net?.unknown?.reason ?? '', /swin_t/);
	});
});
