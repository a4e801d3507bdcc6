import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { analyzePython } from '../../../src/core';

/**
 * Tensor code around the layers, cross-checked with real PyTorch (Debian's python3-torch): each
 * expression's shape as NormLens follows it (it is the input of an nn.Identity) equals the shape
 * PyTorch computes for it.
 */
const cases: Record<string, string> = {
	'parameter used as a tensor, cat':
		'c = nn.Parameter(torch.randn(1, 1, 8))\nx = torch.randn(2, 5, 8)\ny = torch.cat((c.expand(2, -1, -1), x), dim=1)',
	'expand with a new leading dim': 'y = torch.randn(3, 1).expand(4, 3, 6)',
	repeat: 'y = torch.randn(2, 3).repeat(2, 1, 4)',
	'torch.squeeze(x, d)': 'y = torch.squeeze(torch.randn(2, 1, 5), 1)',
	'torch.unsqueeze / permute / transpose':
		'y = torch.transpose(torch.permute(torch.unsqueeze(torch.randn(2, 5), 0), (2, 0, 1)), 0, 2)',
	'arange(end)': 'y = torch.arange(10)',
	'arange(start, end, step)': 'y = torch.arange(1, 10, 4)',
	'arange of floats': 'y = torch.arange(0, 1, 0.3)',
	'split by size, last smaller': 'y = torch.split(torch.randn(2, 10), 4, dim=1)[2]',
	'split into sections': 'y = torch.randn(2, 10).split([3, 7], dim=1)[1]',
	'chunk, the last piece smaller': 'y = torch.randn(5, 2).chunk(4)[2]',
	'chunk, fewer pieces than asked': 'y = torch.zeros(len(torch.randn(5, 2).chunk(4)))',
	'chunk on the last dim': 'a, b = torch.randn(2, 10).chunk(2, dim=-1)\ny = b',
	unbind: 'a, b, c = torch.randn(3, 4, 5).unbind(0)\ny = c',
	'unbind dim 1': 'y = torch.unbind(torch.randn(3, 4, 5), dim=1)[0]',
	zeros_like: 'y = torch.zeros_like(torch.randn(2, 7))',
	't()': 'y = torch.randn(3, 4).t()',
	'F.conv2d with a weight, stride, padding and groups':
		'w = torch.randn(8, 2, 3, 3)\ny = torch.nn.functional.conv2d(torch.randn(1, 4, 9, 9), w, None, 2, 1, 1, 2)',
	'F.conv1d with keywords':
		'y = torch.nn.functional.conv1d(torch.randn(2, 3, 20), torch.randn(5, 3, 4), stride=3, dilation=2)',
	"'same' padding from math.ceil (timm's Conv2dSame)":
		'import math\nc = nn.Conv2d(3, 8, 3, stride=2)\nx = torch.randn(1, 3, 31, 31)\nih = x.size()[-1]\np = max((math.ceil(ih / c.stride[0]) - 1) * c.stride[0] + (c.kernel_size[0] - 1) * c.dilation[0] + 1 - ih, 0)\ny = c(torch.nn.functional.pad(x, [p // 2, p - p // 2, p // 2, p - p // 2]))',
	'method forms of operators broadcast (add with alpha, mul, div, sub)':
		'y = torch.randn(2, 1, 4).add(torch.randn(3, 1), alpha=2).mul(0.5).div(torch.randn(4)).sub(1)',
	'comparisons and maximum as methods':
		'y = torch.randn(2, 1, 4).eq(torch.randn(3, 1)).float().maximum(torch.randn(4))',
	"x.div(keep_prob), stochastic depth's rescale":
		'keep = 1 - 0.1\ny = torch.randn(2, 5).div(keep)',
	'max over a dim gives (values, indices)': 'y = torch.randn(2, 5, 3).max(dim=1)[0]',
	'min with keepdim, indices': 'y = torch.randn(2, 5, 3).min(2, keepdim=True)[1]',
	'max against another tensor': 'y = torch.randn(2, 1, 3).max(torch.randn(4, 1))',
	'std with unbiased second, var keepdim':
		'y = torch.randn(4, 6).std(1, True) + torch.randn(4, 6).var(dim=1, keepdim=True)',
	'sum with keepdim second, argmax': 'y = torch.randn(3, 4, 5).sum(1, True).argmax(dim=-1)',
	'LSTM final states (bidirectional, batch_first)':
		'out, (h, c) = nn.LSTM(4, 6, num_layers=2, bidirectional=True, batch_first=True)(torch.randn(3, 7, 4))\ny = torch.cat([h, c], dim=2)',
	'LSTM with proj_size: h_n uses it, c_n the hidden size':
		'out, (h, c) = nn.LSTM(4, 6, proj_size=2)(torch.randn(7, 3, 4))\ny = torch.cat([h.flatten(), c.flatten()])',
	'GRU unbatched hidden state': 'out, h = nn.GRU(4, 5)(torch.randn(7, 4))\ny = h',
	'integer ops on tensors (%, comparisons)':
		'y = (torch.randn(2, 3).abs() * 10).long() % 7 + (torch.randn(2, 3) > 0)',
	'einsum attention scores':
		'y = torch.einsum("bnd,bmd->bnm", torch.randn(2, 5, 8), torch.randn(2, 7, 8))',
	'einsum implicit output (letters used once, sorted)':
		'y = torch.einsum("kj,ji", torch.randn(4, 3), torch.randn(3, 2))',
	'einsum with a list of operands and a size-1 broadcast':
		'y = torch.einsum("bij,bjk->bik", [torch.randn(1, 2, 3), torch.randn(6, 3, 4)])',
	'einsum to a scalar': 'y = torch.einsum("ii->", torch.randn(3, 3))',
	'math.floor / sqrt / prod / gcd / log2 as sizes':
		'import math\ny = torch.zeros(math.floor(7 / 2), int(math.sqrt(49)), math.prod([2, 3]), math.gcd(12, 18), int(math.log2(8)))',
};

describe('tensor operations against real PyTorch', function () {
	this.timeout(60_000);
	let torchShapes: Record<string, number[]>;

	before(() => {
		const script = ['import json, torch', 'import torch.nn as nn', 'out = {}'];
		for (const [name, code] of Object.entries(cases)) {
			script.push(
				`def case():\n${code
					.split('\n')
					.map((l) => `    ${l}`)
					.join('\n')}\n    return list(y.shape)`,
				`out[${JSON.stringify(name)}] = case()`,
			);
		}
		script.push('print(json.dumps(out))');
		const r = spawnSync('/usr/bin/python3', ['-c', script.join('\n')], { encoding: 'utf8' });
		assert.strictEqual(
			r.status,
			0,
			`PyTorch failed (is Debian's python3-torch installed?):\n${r.stderr}`,
		);
		torchShapes = JSON.parse(r.stdout);
	});

	for (const [name, code] of Object.entries(cases)) {
		it(`${name}: the shape PyTorch gives`, () => {
			const result = analyzePython(
				`import torch\nimport torch.nn as nn\n${code}\nnet = nn.Sequential(nn.Identity())\nz = net(y)\n`,
			);
			const net = result.models.find((m) => m.name === 'net');
			assert.deepStrictEqual(net?.layers[0]?.inputShape, torchShapes[name], code);
		});
	}
});

describe('F.scaled_dot_product_attention (PyTorch 2.0; not in the PyTorch 1.13 these tests run)', () => {
	// PyTorch's documentation: query (N, …, L, E), key (N, …, S, E), value (N, …, S, Ev) give
	// (N, …, L, Ev); the batch dims broadcast.
	const shape = (q: string, k: string, v: string) => {
		const r = analyzePython(
			`import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\ny = F.scaled_dot_product_attention(torch.randn${q}, torch.randn${k}, torch.randn${v}, is_causal=False)\nnet = nn.Sequential(nn.Identity())\nz = net(y)\n`,
		);
		return {
			shape: r.models[0]?.layers[0]?.inputShape,
			errors: r.diagnostics.filter((d) => d.severity === 'error'),
		};
	};

	it('(N, H, L, E) queries over (N, H, S, E) keys and (N, H, S, Ev) values give (N, H, L, Ev)', () => {
		assert.deepStrictEqual(
			shape('(2, 4, 7, 8)', '(2, 4, 9, 8)', '(2, 4, 9, 5)').shape,
			[2, 4, 7, 5],
		);
		assert.deepStrictEqual(
			shape('(2, 4, 7, 8)', '(1, 4, 9, 8)', '(2, 1, 9, 8)').shape,
			[2, 4, 7, 8],
		);
	});

	it('keys and values of different lengths, or queries and keys of different E: an error, no shape', () => {
		for (const [q, k, v] of [
			['(2, 7, 8)', '(2, 9, 8)', '(2, 6, 8)'],
			['(2, 7, 8)', '(2, 9, 6)', '(2, 9, 8)'],
		]) {
			const r = shape(q, k, v);
			assert.strictEqual(r.shape, null);
			assert.strictEqual(r.errors.length, 1);
		}
	});
});
