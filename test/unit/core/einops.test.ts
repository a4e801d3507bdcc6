import * as assert from 'assert';
import { analyzePython } from '../../../src/core';
import { einopsShape } from '../../../src/core/frameworks/common/einops';

/**
 * einops patterns as shape rules. Expected shapes: the examples of einops' own tutorial
 * (einops.rocks, "Einops tutorial, part 1"), on its `images` batch of shape (32, 30, 40, 3).
 */
const images = [32, 30, 40, 3];

describe('einops patterns (the tutorial’s examples)', () => {
	const cases: [
		string,
		'rearrange' | 'reduce' | 'repeat',
		string,
		number[],
		Record<string, number>,
		number[],
	][] = [
		['identity', 'rearrange', 'b h w c -> b h w c', images, {}, [32, 30, 40, 3]],
		[
			'batch and height composed',
			'rearrange',
			'b h w c -> (b h) w c',
			images,
			{},
			[960, 40, 3],
		],
		[
			'batch and width composed',
			'rearrange',
			'b h w c -> h (b w) c',
			images,
			{},
			[30, 1280, 3],
		],
		['axes reordered', 'rearrange', 'b h w c -> b c h w', images, {}, [32, 3, 30, 40]],
		['flattened', 'rearrange', 'b h w c -> b (c h w)', images, {}, [32, 3600]],
		[
			'decomposed into 2×2 tiles',
			'rearrange',
			'b (h1 h) (w1 w) c -> (b h1 w1) h w c',
			images,
			{ h1: 2, w1: 2 },
			[128, 15, 20, 3],
		],
		[
			'width split and moved',
			'rearrange',
			'b h (w w2) c -> (h w2) (b w) c',
			images,
			{ w2: 2 },
			[60, 640, 3],
		],
		['ellipsis', 'rearrange', 'b ... c -> b c ...', images, {}, [32, 3, 30, 40]],
		['mean over the batch', 'reduce', 'b h w c -> h w c', images, {}, [30, 40, 3]],
		[
			'2×2 pooling',
			'reduce',
			'b (h h2) (w w2) c -> h (b w) c',
			images,
			{ h2: 2, w2: 2 },
			[15, 640, 3],
		],
		['a new axis', 'repeat', 'h w -> h w c', [30, 40], { c: 3 }, [30, 40, 3]],
		['upsampled by 2', 'repeat', 'h w -> (h 2) (w 2)', [30, 40], {}, [60, 80]],
		[
			'ViT patches',
			'rearrange',
			'b c (h p1) (w p2) -> b (h w) (p1 p2 c)',
			[1, 3, 224, 224],
			{ p1: 16, p2: 16 },
			[1, 196, 768],
		],
	];
	for (const [what, kind, pattern, input, sizes, expected] of cases) {
		it(`${kind} ${pattern}${
			Object.keys(sizes).length
				? ` (${Object.entries(sizes)
						.map(([k, v]) => `${k}=${v}`)
						.join(', ')})`
				: ''
		}: ${what}`, () => {
			assert.deepStrictEqual(
				einopsShape(kind, pattern, input, new Map(Object.entries(sizes))),
				expected,
			);
		});
	}

	it('what einops refuses has no shape: a composite axis without its length, one that does not divide, an axis dropped by rearrange', () => {
		assert.strictEqual(
			einopsShape('rearrange', 'b (h p) w c -> b h w c p', images, new Map()),
			undefined,
		);
		assert.strictEqual(
			einopsShape('rearrange', 'b (h p) w c -> b h w c p', images, new Map([['p', 7]])),
			undefined,
		);
		assert.strictEqual(
			einopsShape('rearrange', 'b h w c -> b h w', images, new Map()),
			undefined,
		);
		assert.strictEqual(
			einopsShape('rearrange', 'b h w -> b h w', images, new Map()),
			undefined,
		);
		// An unknown batch stays unknown; the other sizes are exact.
		assert.deepStrictEqual(
			einopsShape('rearrange', 'b c h w -> b (h w) c', [null, 3, 8, 8], new Map()),
			[null, 64, 3],
		);
	});

	it('in a model: einops.rearrange in forward and the Rearrange layer in nn.Sequential give exact shapes and counts', () => {
		const r = analyzePython(`import torch
import torch.nn as nn
from einops import rearrange
from einops.layers.torch import Rearrange, Reduce
patches = nn.Sequential(Rearrange("b c (h p1) (w p2) -> b (h w) (p1 p2 c)", p1=16, p2=16), nn.Linear(768, 512))
head = nn.Sequential(Reduce("b n d -> b d", "mean"), nn.LayerNorm(512), nn.Linear(512, 10))
class ViTish(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Conv2d(3, 64, 16, 16)
        self.fc = nn.Linear(64, 10)
    def forward(self, x):
        x = rearrange(self.proj(x), "b c h w -> b (h w) c")
        return self.fc(x.mean(dim=1))
y = head(patches(torch.randn(2, 3, 224, 224)))
vit = ViTish()
z = vit(torch.randn(2, 3, 224, 224))
`);
		const model = (name: string) => r.models.find((m) => m.name === name);
		assert.deepStrictEqual(
			model('patches')?.layers.map((l) => [l.type, l.outputShape, l.params?.total]),
			[
				['Rearrange', [2, 196, 768], 0],
				['Linear', [2, 196, 512], 768 * 512 + 512],
			],
		);
		assert.deepStrictEqual(
			model('head')?.layers.map((l) => l.outputShape),
			[
				[2, 512],
				[2, 512],
				[2, 10],
			],
		);
		assert.deepStrictEqual(
			model('vit')?.layers.map((l) => l.outputShape),
			[
				[2, 64, 14, 14],
				[2, 10],
			],
		);
		assert.strictEqual(model('vit')?.totals.total, 3 * 64 * 16 * 16 + 64 + 64 * 10 + 10);
	});
});
