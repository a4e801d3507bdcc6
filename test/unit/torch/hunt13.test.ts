import * as assert from 'assert';
import { analyzePython } from '../../../src/core';

/**
 * Session 25 (2026-12-08): constructs from the fourth probe round and a hunt on new repositories.
 * Expected: Debian's PyTorch 1.13 on the same code.
 */
describe('session 25: Python and PyTorch where the probes found NormLens wrong', () => {
	const model = (code: string, name: string) =>
		analyzePython(code).models.find((x) => x.name === name);

	it('a tuple, a torch.Size or a range never equals a list (PyTorch: Linear(4, 2), 10 parameters; NormLens said 40)', () => {
		const code = `import torch, torch.nn as nn
class Ctor(nn.Module):
    def __init__(self, k=(3, 3)):
        super().__init__()
        self.l = nn.Linear(4, 8 if k == [3, 3] else 2)
    def forward(self, x):
        return self.l(x)
class Rng(nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(4, 8 if range(3) == [0, 1, 2] else 2)
class Fwd(nn.Module):
    def forward(self, x):
        if x.size() == [2, 3, 4]:
            return x[:, 0]
        if x.shape[1:] == (3, 4):
            return x[0]
        return x
class Same(nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(4, 8 if list(range(3)) == [0, 1, 2] and (3, 3) == (3, 3) else 2)
# normlens: input (2, 4)
m_ctor = Ctor()
m_rng = Rng()
# normlens: input (2, 3, 4)
m_fwd = Fwd()
m_same = Same()
`;
		assert.strictEqual(model(code, 'm_ctor')?.totals.total, 10);
		assert.strictEqual(model(code, 'm_rng')?.totals.total, 10);
		assert.strictEqual(model(code, 'm_same')?.totals.total, 40);
		// `x.size() == [2, 3, 4]` is False; a torch.Size slice is a torch.Size, equal to a tuple.
		assert.deepStrictEqual(model(code, 'm_fwd')?.calls?.[0]?.outputShape, [3, 4]);
	});

	it("a Keras tensor's shape against a list: TensorFlow's TensorShape equals it, Keras 3's tuple does not (unknown where the version is not known)", () => {
		const code = `from tensorflow import keras
from tensorflow.keras import layers
inp = keras.Input((8,))
units = 4 if inp.shape == [None, 8] else 2
model = keras.Sequential([keras.Input((8,)), layers.Dense(units)])
`;
		const m = model(code, 'model');
		assert.strictEqual(m?.totals.total, null);
	});
});
