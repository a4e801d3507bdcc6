import * as assert from 'assert';
import { analyzePython, callsText } from '../../../src/core';
import type { ModelSummary } from '../../../src/protocol/analysis';

/**
 * torchinfo's rows: one per module call, nested by the call stack. The per-call lists of the
 * fixtures and torchvision builders are compared with real PyTorch's forward hooks in
 * pytorchCrossCheck.test.ts; these tests pin what those cannot: repeats, the bound and the text.
 */

const shared = `
import torch
import torch.nn as nn

class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.bn = nn.BatchNorm2d(c)
    def forward(self, x):
        return self.bn(self.conv(x)) + x

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.block = Block(8)
        self.head = nn.Linear(8, 10)
    def forward(self, x):
        x = self.block(self.block(self.stem(x)))
        return self.head(x.mean((2, 3)))

net = Net()
`;

function model(source: string, name: string): ModelSummary {
	const m = analyzePython(source).models.find((x) => x.name === name);
	assert.ok(m, `a model ${name}`);
	return m;
}

describe('PyTorch rows per call (torchinfo)', () => {
	it('a module called twice has two calls, the second and its children marked as repeats; counts stay per module', () => {
		const m = model(`${shared}y = net(torch.randn(2, 3, 16, 16))\n`, 'net');
		assert.deepStrictEqual(
			m.calls?.map((c) => [c.name, c.depth, c.repeat, c.params]),
			[
				['net', 0, false, 224 + 584 + 16 + 90],
				['stem', 1, false, 224],
				['block', 1, false, 600],
				['block.conv', 2, false, 584],
				['block.bn', 2, false, 16],
				['block', 1, true, 600],
				['block.conv', 2, true, 584],
				['block.bn', 2, true, 16],
				['head', 1, false, 90],
			],
		);
		assert.strictEqual(m.totals.total, 914);
		assert.deepStrictEqual(m.calls?.[0].outputShape, [2, 10]);
		const text = callsText(m) ?? '';
		assert.match(
			text,
			/├─Block \(block\): 1 +-- +\[2, 8, 16, 16\] +\[2, 8, 16, 16\] +-- +-- +-- +True/,
		);
		assert.match(
			text,
			/│ {4}└─Conv2d \(block\.conv\): 2 +\[3, 3\] +\[2, 8, 16, 16\] +\[2, 8, 16, 16\] +\(recursive\) +\(recursive\) +299,008 +True/,
		);
		// torchinfo's footer: 8·3·9+8 = 224 params × 2·16·16 outputs for the stem, and so on.
		assert.match(text, /Total mult-adds \(k\): 712\.95\n=+\nInput size \(kB\): 6\.20\n/);
		assert.match(text, /Total params: 914/);
	});

	it("a summary call's input wins: its batch, not an earlier call's", () => {
		const m = model(
			`${shared}y = net(torch.randn(1, 3, 16, 16))\nfrom torchinfo import summary\nsummary(net, input_size=(128, 3, 16, 16))\n`,
			'net',
		);
		assert.deepStrictEqual(m.calls?.[1].outputShape, [128, 8, 16, 16]);
	});

	it('a model that never runs has no calls', () => {
		assert.strictEqual(model(shared, 'net').calls, undefined);
	});

	it('a forward with more module calls than the bound lists the first ones and counts the rest', () => {
		const m = model(
			`import torch\nimport torch.nn as nn\nclass Loop(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.cell = nn.Linear(4, 4)\n    def forward(self, x):\n        for _ in range(25000):\n            x = self.cell(x)\n        return x\nloop = Loop()\ny = loop(torch.randn(1, 4))\n`,
			'loop',
		);
		assert.strictEqual(m.totals.total, 20);
		assert.ok(m.calls && m.calls.length === 20_001, `${m.calls?.length} calls`);
		assert.strictEqual(m.callsOmitted, 5000);
		assert.match(callsText(m) ?? '', /5,000 more calls not listed/);
	});
});
