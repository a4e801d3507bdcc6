import * as assert from 'assert';
import { analyzePython } from '../../../src/core';
import type { AnalysisResult, ModelSummary } from '../../../src/protocol/analysis';

/**
 * Constructs NormLens left unknown or got wrong in the hunts of 2026-12-07 (session 18), each reduced
 * to a few lines. Expected values: Debian's PyTorch 1.13 running the same code.
 */

function model(r: AnalysisResult, name = 'model'): ModelSummary {
	const m = r.models.find((x) => x.name === name);
	assert.ok(m, `${name} among ${r.models.map((x) => x.name).join(', ')}`);
	return m;
}

const output = (m: ModelSummary) => m.calls?.[0]?.outputShape ?? null;

describe('the fifth PyTorch hunt: exact where PyTorch decides, unknown saying why otherwise', () => {
	it('a NumPy sinusoid table (np.power in a comprehension, np.sin / np.cos on slices) is a buffer of its sizes', () => {
		// jadore801120/attention-is-all-you-need-pytorch's PositionalEncoding: the buffer was unknown
		// ("cannot follow np.array"); PyTorch: 3,200 buffer values, output (2, 10, 16).
		const r = analyzePython(`import numpy as np
import torch
import torch.nn as nn

class PositionalEncoding(nn.Module):
    def __init__(self, d_hid, n_position=200):
        super().__init__()
        self.register_buffer('pos_table', self._get_sinusoid_encoding_table(n_position, d_hid))

    def _get_sinusoid_encoding_table(self, n_position, d_hid):
        def get_position_angle_vec(position):
            return [position / np.power(10000, 2 * (hid_j // 2) / d_hid) for hid_j in range(d_hid)]
        sinusoid_table = np.array([get_position_angle_vec(pos_i) for pos_i in range(n_position)])
        sinusoid_table[:, 0::2] = np.sin(sinusoid_table[:, 0::2])
        sinusoid_table[:, 1::2] = np.cos(sinusoid_table[:, 1::2])
        return torch.FloatTensor(sinusoid_table).unsqueeze(0)

    def forward(self, x):
        return x + self.pos_table[:, :x.size(1)].clone().detach()

# normlens: input (2, 10, 16)
model = PositionalEncoding(16)
`);
		assert.strictEqual(model(r).totals.buffers, 3200);
		assert.deepStrictEqual(output(model(r)), [2, 10, 16]);
	});

	it("np.power of two ints is NumPy's int64, a size PyTorch takes; a negative int power is refused, not guessed", () => {
		// PyTorch 1.13 + NumPy: nn.Linear(np.power(2, 5), 3) has 99 parameters; np.power(2, -1)
		// raises ValueError ("Integers to negative integer powers are not allowed").
		const source = (exponent: string) => `import numpy as np
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(np.power(2, ${exponent}), 3)

model = Net()
`;
		assert.strictEqual(model(analyzePython(source('5'))).totals.total, 99);
		assert.strictEqual(model(analyzePython(source('-1'))).totals.total, null);
	});
});
