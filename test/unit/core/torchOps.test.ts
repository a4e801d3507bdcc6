import * as assert from 'assert';
import * as path from 'path';
import { analyzePython } from '../../../src/core';
import { model, read } from './torchAgree';

/**
 * Tensor ops in forwards, each in a module of its own run on (2, 6, 8, 10): the output shape must be
 * the one PyTorch 1.13 printed running the same file (`/usr/bin/python3`; `null`: PyTorch raised),
 * or unknown where the shape depends on the data. Before these rules all but 6 of
 * `tensor_ops2.py`'s 52 ops were unknown: indexing with lists and int tensors, repeat_interleave,
 * torch.where, gather, F.linear, F.one_hot, outer, mT, norm, glu, embedding, the cumulative ops,
 * unfold, broadcast_to, addmm, cdist, cosine_similarity, tensordot, grid_sample, affine_grid, and
 * `.values` / `.indices` of max, min, sort and topk. `tensor_ops3.py` checks advanced indexing's
 * placement (PyTorch selects ints first, unlike NumPy), masks, bounds, and the errors PyTorch
 * raises in those ops (and in mm / bmm, which do not broadcast as matmul does); `x.pow(t)` used to keep
 * x's shape where the exponent broadcasts it.
 */
const ops2: (number[] | null)[] = [
	[2, 6, 8, 10],
	[2, 3, 8, 10],
	[2, 6, 2],
	[2, 6, 10],
	[2, 2, 8, 10],
	[2, 12, 8, 10],
	[2, 6, 8, 30],
	[1920],
	[2, 6, 8, 10],
	[2, 6, 8, 10],
	[2, 6, 8, 10],
	[3, 4],
	[2, 3, 8, 10],
	[2, 6, 8, 1],
	[2, 6, 8, 5],
	[2, 6, 8, 7],
	[10, 8],
	[2, 6, 10, 8],
	[2, 8, 10],
	[2, 6, 8, 1],
	[2, 6],
	[2, 8, 10],
	[2, 6, 8, 5],
	[1, 2, 3],
	[2, 6, 8, 10],
	[2, 6, 8, 10],
	[2, 6, 8, 10],
	[2, 6, 8, 4, 4],
	[2, 54, 48],
	[2, 6, 8, 10],
	[8, 5],
	[6, 8, 8],
	[2, 8, 10],
	[496],
	[473],
	[3, 3],
	[],
	[2, 6, 3],
	[2, 6, 4, 5],
	[2, 8, 10, 2],
	null,
	null,
	[2, 8, 10],
	[2, 6, 8],
	[2, 6, 8, 10],
	[2, 6, 8, 2],
	[2, 3, 8, 10],
	[2, 6, 8, 10],
	[2, 6, 8, 10],
	[2, 8, 10, 6],
	[2, 10],
	[2, 6, 1, 1],
];
const ops3: (number[] | null)[] = [
	[6, 2, 10],
	[2, 8, 10],
	[1, 2, 6, 10],
	[2, 6, 8, 2],
	null,
	[1, 6, 8, 10],
	null,
	[2, 1, 6, 8, 10],
	[2, 1, 8],
	[2, 2, 2, 10],
	[2, 6, 8, 10],
	null,
	[2, 4, 8, 10],
	[2, 6, 8, 10],
	null,
	[2, 6, 4, 10],
	null,
	null,
	[1, 2, 5],
	[2, 6, 8, 3],
	[2, 10],
	[2, 6],
	[2, 6, 8, 11],
	null,
	[2, 8, 10],
	[2, 6, 8, 10],
	[2, 6, 8],
	[2, 8, 10],
	[3, 2, 6, 8, 10],
	[2, 10],
	[2, 6, 8, 10],
	[8, 4],
	[6, 8, 8],
	[2, 6, 8, 10],
	[10, 8],
	[2, 1, 8, 10],
	[3, 5],
	[2, 36, 25],
	[2, 6, 3, 4, 5],
	[2, 3, 8, 10, 3],
	[2, 6, 8, 10],
	[2, 6, 8, 10],
	[10, 10],
	[3, 6, 8, 10],
	null,
	[2, 10],
	[2, 6],
	[2],
	[2, 2, 1, 2],
	[6, 8, 8],
	null,
	[8, 3],
	null,
	null,
	null,
	null,
	[6, 8, 1],
	[6, 8, 8],
];

const ops4: (number[] | null)[] = [
	[2, 2, 3, 8, 10],
	[2, 6, 8, 6],
	[2, 6, 8, 10],
	[2, 6, 8, 6],
	[2, 6, 8, 6, 2],
	[2, 6, 8, 5],
	[2, 6, 8, 5, 2],
	[2, 6, 1, 1],
	[2, 4, 8, 10],
	[2, 6, 8, 10],
	[2, 6, 8, 10],
	[2, 80, 6],
	[1, 1, 8, 8],
	[2, 6, 8, 10],
	[2, 6, 8, 1],
	[2, 6, 8, 10],
	[2, 6, 8, 10],
	[2, 3, 6, 8, 10],
	[2, 6, 8, 10],
	[2, 6, 8, 10],
	[2, 5],
	[2, 8, 6, 10],
	[2, 6, 16, 20],
	[2, 8, 10, 6],
	[2, 6, 8, 2],
	[96, 10],
	[2, 6],
	[2, 6, 8, 10],
	[2, 6],
	[2, 6, 1, 1],
	[2, 8, 10],
	[2, 6, 8, 10],
	[2, 6, 8, 10],
	[2, 6, 8, 10],
	[960, 4],
	[2, 6, 8, 10],
	[2, 6, 8, 10],
	[2, 6, 8, 10],
	[2, 1, 8, 10],
	[2, 6, 5, 6],
	[2, 6, 4, 5],
	null,
];
const ops5: (number[] | null)[] = [
	[2, 6, 4, 10],
	[2, 6, 8, 9],
	[2, 6, 4, 12],
	[2, 6, 4, 7],
	[2, 6, 8, 10],
	[2, 6, 8, 6],
	[2, 6, 8, 10],
	[2, 6, 8, 6],
	[2, 6, 8, 18],
	[2, 6, 8, 6, 2],
	null,
	null,
	null,
	[2, 6, 8, 10],
	[8, 2, 10, 6],
	[2, 6, 8, 5, 2],
	null,
	[2, 6, 8, 10],
	[2, 6, 3, 5],
	[2, 6, 8, 10],
	[2, 6, 8, 6],
	[10, 6, 8, 2],
	[6, 8, 10, 2],
	[2, 6, 8, 18],
	[2, 6, 8, 1],
];

const snippet = (file: string) => analyzePython(read(path.join('snippets', file)));

/** Each op's output: PyTorch's shape, or unknown where `dataDependent` lists it or PyTorch raised. */
function assertOps(file: string, want: (number[] | null)[], dataDependent: number[]) {
	const r = snippet(file);
	want.forEach((shape, i) => {
		const got = model(r, `op${i}`).calls?.[0]?.outputShape ?? null;
		const expected = dataDependent.includes(i) ? null : shape;
		assert.deepStrictEqual(got, expected, `${file} op${i}: PyTorch ${JSON.stringify(shape)}`);
	});
	return r;
}

describe('tensor ops in forwards: PyTorch 1.13 shapes, or unknown where the data decides', () => {
	it('indexing with lists and int tensors, gather, where, linear, one_hot and their kin', () => {
		// 33: torch.where(x > 0)[0], 34: x[x > 0] — as many as the data has.
		const r = assertOps('tensor_ops2.py', ops2, [33, 34]);
		const linear = r.diagnostics.filter((d) => d.code === 'shape-mismatch');
		assert.deepStrictEqual(
			linear.map((d) => d.message),
			[
				'F.linear: mat1 and mat2 shapes cannot be multiplied (96x10 and 9x5) (shapes (2, 6, 8, 10), (5, 9)).',
			],
		);
	});

	it("advanced indexing's placement, masks and bounds; the errors PyTorch raises", () => {
		// 7: x[[0, 1], None] — None beside an advanced index is not followed.
		const r = assertOps('tensor_ops3.py', ops3, [7]);
		const messages = r.diagnostics.map((d) => `${d.code}: ${d.message}`);
		for (const part of [
			'index-error: Indexing a tensor of shape (2, 6, 8, 10): index 9 is out of bounds for dimension 1 with size 6.',
			'index-error: Indexing a tensor of shape (2, 6, 8, 10): The shape of the mask [3] at index 0 does not match the shape of the indexed tensor [2] at index 0.',
			'shape-mismatch: F.glu: Halving dimension must be even, but dimension 3 is size 9 (shapes (2, 6, 8, 9)).',
			'index-error: Indexing a tensor of shape (2, 6, 8, 10): index -3 is out of bounds for dimension 0 with size 2.',
		]) {
			assert.ok(messages.includes(part), `${part}\n${messages.join('\n')}`);
		}
	});

	it('everyday ops of real forwards: unflatten, torch.fft, the complex views, swapaxes, movedim', () => {
		// tensor_ops4 34: x.nonzero() — as many rows as the data has nonzero values.
		// 39, 40: F.max_pool2d's own positional order (ceil_mode before return_indices); 41: t() of 3 dims.
		const r4 = assertOps('tensor_ops4.py', ops4, [34]);
		assert.ok(
			r4.diagnostics.some(
				(d) =>
					d.message ===
					'`.t(…)` of a tensor of shape (6, 8, 10): t() expects a tensor with <= 2 dimensions, but it has 3.',
			),
		);
		// FNO-style spectra (rfft2 with s=, irfft2 back to the input's size) and LLaMA-style rotary
		// views (view_as_complex / polar / view_as_real); x.imag of a real tensor, rfft of a complex
		// one and view_as_complex without a last dim of 2 are PyTorch's errors.
		assertOps('tensor_ops5.py', ops5, []);
	});

	it('MaxUnpool (SegNet / ENet decoders): the default size, output_size however given, F.max_unpool2d', () => {
		// 4: an output_size beyond one stride of the default and 8: indices of another shape are PyTorch's errors.
		const r = assertOps(
			'unpool.py',
			[
				[2, 6, 8, 10],
				[2, 6, 8, 9],
				[2, 6, 8, 9],
				[2, 6, 8, 10],
				null,
				[2, 6, 80],
				[2, 6, 8, 9],
				[2, 6, 8, 10],
				null,
			],
			[],
		);
		assert.deepStrictEqual(
			r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
			[
				'MaxUnpool2d: output_size 12 must lie between 6 and 10 (exclusive) for dim 0.',
				"MaxUnpool2d: the indices (2, 3, 4, 5) must have the input's shape (2, 6, 4, 5).",
			],
		);
	});

	it('a device move or a cast under a condition NormLens cannot decide keeps what both outcomes share', () => {
		// PyTorch 1.13 without CUDA: (2, 3), (2, 5), (2, 4), (2, 6). `if torch.cuda.is_available(): model
		// = model.cuda()` made the model unknown, and `h = h.cuda()` in a forward its output; `x =
		// x.to(torch.float16)` keeps x's shape either way (its dtype is then unknown). 2: the branch
		// slices x, another shape if it runs: unknown.
		const r = assertOps(
			'device_moves.py',
			[
				[2, 3],
				[2, 5],
				[2, 4],
				[2, 6],
			],
			[2],
		);
		assert.deepStrictEqual(
			r.models.map((m) => m.totals.total),
			[15, 25, 25, 30],
		);
	});

	it('conditions in forwards: eager-run facts decided, run state and tensor truth unknown (they were taken for True)', () => {
		// PyTorch 1.13 on CPU: (2, 3) but for 4 (x.sum() is nonzero) and 6 (torch.is_tensor). Before:
		// 2, 3, 5 and 7 printed WRONG shapes ((2, 5): `x.is_cuda`, `x.requires_grad`, `torch.tensor(0)`
		// and `x.device.type` were true), 0, 1 and 6 were unknown.
		const r = assertOps(
			'conditions.py',
			[
				[2, 3],
				[2, 3],
				[2, 3],
				[2, 3],
				[2, 5],
				[2, 3],
				[2, 5],
				[2, 3],
			],
			[2, 3, 4, 7],
		);
		assert.ok(r.models.every((m) => m.totals.total === 40));
	});

	it("sizes that do not fit the input are PyTorch's error at the call, and the cause of what follows", () => {
		// PyTorch 1.13 on (2, 4): "shape '[3, 3]' is invalid for input of size 8", likewise (5, -1) and (4, 4).
		const r = analyzePython(`import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(9, 3)
        self.w = nn.Parameter(torch.randn(2, 4))

    def forward(self, x):
        q = self.w.reshape(5, -1)
        r = torch.reshape(x, (4, 4))
        return self.fc(x.view(3, 3))

net = Net()
out = net(torch.randn(2, 4))
`);
		assert.deepStrictEqual(
			r.diagnostics
				.filter((d) => d.severity === 'error')
				.map((d) => [d.range.start.line, d.message]),
			[
				[
					10,
					'`.reshape(…)` of a tensor of shape (2, 4): shape (5, -1) does not fit an input of 8 elements (2, 4).',
				],
				[
					11,
					'`torch.reshape(…)` of a tensor of shape (2, 4): shape (4, 4) does not fit an input of 8 elements (2, 4).',
				],
				[
					12,
					'`.view(…)` of a tensor of shape (2, 4): shape (3, 3) does not fit an input of 8 elements (2, 4).',
				],
			],
		);
		const fc = model(r, 'net').layers.find((l) => l.name === 'fc');
		assert.strictEqual(fc?.outputShape, null);
		assert.match(
			fc?.unknown?.reason ?? '',
			/shape \(3, 3\) does not fit an input of 8 elements/,
		);
	});
});
