import * as assert from 'assert';
import { analyzePython } from '../../../src/core';
import {
	dtypeNamed,
	promoteTypes,
	resultType,
	TorchDtype,
} from '../../../src/core/frameworks/torch/dtypes';
import type { ModelSummary } from '../../../src/protocol/analysis';

/**
 * A tensor's dtype, followed where PyTorch's rules make it knowable, so that indexing by an int64
 * tensor gives its shape (Swin's relative-position table) and a mask or a float index does not pass
 * for one. Expected shapes and dtypes: Debian's PyTorch 1.13 evaluating the same expressions
 * (`t = torch.zeros(200, 8); t[i].shape, i.dtype`).
 */

function indexed(expr: string): ModelSummary {
	const r = analyzePython(`import torch
import torch.nn as nn

class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.t = nn.Parameter(torch.zeros(200, 8))
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        i = ${expr}
        return self.fc(self.t[i])

# normlens: input (1, 8)
model = M()
`);
	assert.strictEqual(r.models.length, 1);
	return r.models[0];
}

const fcOutput = (m: ModelSummary) => m.calls?.find((c) => c.name === 'fc')?.outputShape ?? null;

/** Index tensors PyTorch 1.13 makes int64, and the shape `t[i]` has (t of shape (200, 8)). */
const INT64_INDICES: ReadonlyArray<[string, number[]]> = [
	['torch.stack(torch.meshgrid([torch.arange(7), torch.arange(5)]))', [2, 7, 5, 8]],
	[
		'torch.flatten(torch.stack(torch.meshgrid([torch.arange(3), torch.arange(4)])), 1)',
		[2, 12, 8],
	],
	[
		'(torch.arange(7)[:, None] - torch.arange(7)[None, :]).permute(1, 0).contiguous() + 6',
		[7, 7, 8],
	],
	['torch.zeros(3, 4, dtype=torch.long)', [3, 4, 8]],
	['torch.arange(12).view(3, 4).sum(-1)', [3, 8]],
	['torch.ones(5).long()', [5, 8]],
	['torch.arange(6) // 2', [6, 8]],
	['torch.randint(0, 10, (4,))', [4, 8]],
	['torch.arange(5).type(torch.LongTensor)', [5, 8]],
	['torch.full((3,), 2)', [3, 8]],
	['torch.LongTensor([1, 2])', [2, 8]],
	['torch.cat([torch.arange(3), torch.arange(2)])', [5, 8]],
	['torch.arange(10).reshape(2, 5).t().flip(0)', [5, 2, 8]],
	['torch.zeros(2, 3).argmax(-1)', [2, 8]],
	['torch.zeros_like(torch.arange(4))', [4, 8]],
	["torch.arange(4).to('cpu').clone().detach()", [4, 8]],
	['torch.tensor([[1, 2], [3, 4]]).repeat(2, 1)', [4, 2, 8]],
	['torch.arange(4) * 2 + 1', [4, 8]],
];

describe('tensor dtypes: int64 indices give their shape, masks and floats do not pass for them', () => {
	for (const [expr, shape] of INT64_INDICES) {
		it(`t[${expr}] is ${JSON.stringify(shape)}`, () => {
			assert.deepStrictEqual(fcOutput(indexed(expr)), shape);
		});
	}

	it('a bool mask selects as many rows as its values hold true: unknown, saying so', () => {
		const m = indexed('torch.arange(200) > 100');
		assert.strictEqual(fcOutput(m), null);
		assert.match(
			JSON.stringify(m),
			/bool mask, which selects as many elements as it holds true values/,
		);
	});

	it("a float index is PyTorch's IndexError: an error where it is, and the shape unknown for it", () => {
		const src = `import torch
import torch.nn as nn

class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.t = nn.Parameter(torch.zeros(200, 8))
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        i = torch.arange(6) / 2
        return self.fc(self.t[i])

# normlens: input (1, 8)
model = M()
`;
		const r = analyzePython(src);
		const error = r.diagnostics.find((d) => d.code === 'index-error');
		assert.ok(error, JSON.stringify(r.diagnostics));
		assert.match(
			error.message,
			/float32 tensor: tensors used as indices must be long, byte or bool/,
		);
		assert.strictEqual(error.range.start.line, 11);
		assert.strictEqual(fcOutput(r.models[0]), null);
	});

	it('an int32 index: PyTorch 1.13 raises, PyTorch 2 indexes: unknown, saying both', () => {
		const m = indexed('torch.arange(4).int()');
		assert.strictEqual(fcOutput(m), null);
		assert.match(JSON.stringify(m), /int32 tensor: PyTorch 1\.13 raises IndexError/);
	});

	it("Swin's window attention: the int64 relative_position_index buffer indexes its bias table", () => {
		// microsoft/Swin-Transformer's WindowAttention (window 7, 4 heads, dim 32). PyTorch 1.13:
		// 4,900 parameters, 2,401 buffers (relative_position_index, int64), output (2, 49, 32).
		const r = analyzePython(`import torch
import torch.nn as nn

class WindowAttention(nn.Module):
    def __init__(self, dim, window_size, num_heads):
        super().__init__()
        self.window_size = window_size
        self.num_heads = num_heads
        self.relative_position_bias_table = nn.Parameter(
            torch.zeros((2 * window_size[0] - 1) * (2 * window_size[1] - 1), num_heads))
        coords_h = torch.arange(self.window_size[0])
        coords_w = torch.arange(self.window_size[1])
        coords = torch.stack(torch.meshgrid([coords_h, coords_w]))
        coords_flatten = torch.flatten(coords, 1)
        relative_coords = coords_flatten[:, :, None] - coords_flatten[:, None, :]
        relative_coords = relative_coords.permute(1, 2, 0).contiguous()
        relative_coords[:, :, 0] += self.window_size[0] - 1
        relative_coords[:, :, 1] += self.window_size[1] - 1
        relative_coords[:, :, 0] *= 2 * self.window_size[1] - 1
        relative_position_index = relative_coords.sum(-1)
        self.register_buffer("relative_position_index", relative_position_index)
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B_, N, C = x.shape
        qkv = self.qkv(x).reshape(B_, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q @ k.transpose(-2, -1))
        relative_position_bias = self.relative_position_bias_table[self.relative_position_index.view(-1)].view(
            self.window_size[0] * self.window_size[1], self.window_size[0] * self.window_size[1], -1)
        relative_position_bias = relative_position_bias.permute(2, 0, 1).contiguous()
        attn = attn + relative_position_bias.unsqueeze(0)
        attn = attn.softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B_, N, C)
        return self.proj(x)

# normlens: input (2, 49, 32)
model = WindowAttention(32, (7, 7), 4)
`);
		const m = r.models[0];
		assert.strictEqual(m.totals.total, 4900);
		assert.strictEqual(m.totals.buffers, 2401);
		assert.deepStrictEqual(m.calls?.[0]?.outputShape, [2, 49, 32]);
	});

	it('type promotion follows torch.promote_types and torch.result_type', () => {
		// Each row: PyTorch 1.13's result.
		const cases: [TorchDtype, TorchDtype, TorchDtype][] = [
			['uint8', 'int8', 'int16'],
			['int32', 'int64', 'int64'],
			['int64', 'float16', 'float16'],
			['float16', 'bfloat16', 'float32'],
			['bool', 'uint8', 'uint8'],
			['float64', 'complex64', 'complex128'],
		];
		for (const [a, b, want] of cases) {
			assert.strictEqual(promoteTypes(a, b), want, `${a} ${b}`);
		}
		// int32 tensor + 0-d int64 tensor: int32; int64 tensor + 0-d float64: float64; float16 + 1.5: float16;
		// bool tensor + 1: int64; int64 tensor + 0.5: float32.
		assert.strictEqual(
			resultType([
				{ tensor: 'int32', zeroDim: false },
				{ tensor: 'int64', zeroDim: true },
			]),
			'int32',
		);
		assert.strictEqual(
			resultType([
				{ tensor: 'int64', zeroDim: false },
				{ tensor: 'float64', zeroDim: true },
			]),
			'float64',
		);
		assert.strictEqual(
			resultType([{ tensor: 'float16', zeroDim: false }, { scalar: 'float' }]),
			'float16',
		);
		assert.strictEqual(
			resultType([{ tensor: 'bool', zeroDim: false }, { scalar: 'int' }]),
			'int64',
		);
		assert.strictEqual(
			resultType([{ tensor: 'int64', zeroDim: false }, { scalar: 'float' }]),
			'float32',
		);
		assert.strictEqual(
			resultType([{ tensor: undefined, zeroDim: false }, { scalar: 'int' }]),
			undefined,
		);
	});

	it('dtype arguments by any of their names, and Python types', () => {
		const ref = (path: string) => ({ k: 'ref', path }) as const;
		assert.strictEqual(dtypeNamed(ref('torch.long')), 'int64');
		assert.strictEqual(dtypeNamed(ref('torch.half')), 'float16');
		assert.strictEqual(dtypeNamed(ref('torch.cuda.LongTensor')), 'int64');
		// torch.zeros(2, dtype=float) is float64, dtype=int int64 (PyTorch 1.13).
		assert.strictEqual(dtypeNamed({ k: 'builtin', name: 'float' }), 'float64');
		assert.strictEqual(dtypeNamed({ k: 'builtin', name: 'int' }), 'int64');
		assert.strictEqual(dtypeNamed(ref('torch.nn')), undefined);
	});
});
