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

	it("a name nothing binds, read by a class of an imported module: Python's NameError (yassouali's GCN counted 25,394,294 where PyTorch raises), unless the file sets it as the module's attribute", () => {
		const mod = `import torch.nn as nn
class M(nn.Module):
    def __init__(self, n=3):
        super().__init__()
        self.fc = nn.Linear(n, n)
        if freeze_backbone:
            pass
`;
		const readModule = (name: string) => (name === 'gcn' ? mod : undefined);
		const raises = analyzePython('from gcn import M\nm = M()\n', { readModule });
		assert.strictEqual(raises.models.find((x) => x.name === 'm')?.totals.total, null);
		assert.ok(
			raises.diagnostics.some((d) => /NameError/.test(d.message) && d.severity === 'error'),
		);
		// `gcn.freeze_backbone = True` defines it before M() runs (PyTorch: 12): no error.
		const set = analyzePython(
			'import gcn\nfrom gcn import M\ngcn.freeze_backbone = True\nm = M()\n',
			{
				readModule,
			},
		);
		assert.ok(!set.diagnostics.some((d) => /NameError/.test(d.message)));
	});

	it('exec(code) runs the code: modules it assigns to self are registered (PyTorch 24, NormLens said 6); a string NormLens cannot read makes what it reaches unknown', () => {
		const code = `import sys
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 2)
        for i in range(3):
            exec(f'self.block{i} = nn.Linear(2, 2)')
class N(nn.Module):
    def __init__(self):
        super().__init__()
        k = 3
        exec('k = 5\\nself.b = nn.Linear(k, k)')
        self.c = nn.Linear(k, 1)
class U(nn.Module):
    def __init__(self, code):
        super().__init__()
        self.a = nn.Linear(2, 2)
        exec(code)
exec("g = nn.Sequential(nn.Linear(4, 4))")
m = M()
n = N()
u = U(sys.argv[1])
`;
		// In a function, exec's assignments do not rebind the locals: k stays 3 (b: 5×5+5, c: 3+1).
		assert.strictEqual(model(code, 'm')?.totals.total, 24);
		assert.strictEqual(model(code, 'n')?.totals.total, 34);
		assert.strictEqual(model(code, 'g')?.totals.total, 20);
		assert.strictEqual(model(code, 'u')?.totals.total, null);
	});

	it('an integer tensor given to a layer with float weights, or multiplied by a float matrix: PyTorch raises RuntimeError, so no shape (an Embedding takes indices)', () => {
		const code = `import torch, torch.nn as nn
class LinLong(nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(4, 3)
    def forward(self, x):
        return self.l(x.long())
class Matmul(nn.Module):
    def forward(self, x):
        return x @ x.long().t()
class Bmm(nn.Module):
    def forward(self, x):
        return torch.bmm(x, x.int().transpose(1, 2))
class Emb(nn.Module):
    def __init__(self):
        super().__init__()
        self.e = nn.Embedding(10, 3)
        self.l = nn.Linear(3, 2)
    def forward(self, x):
        return self.l(self.e(x.long()))
# normlens: input (2, 4)
m_lin_long = LinLong()
# normlens: input (2, 4)
m_matmul = Matmul()
# normlens: input (2, 3, 4)
m_bmm = Bmm()
# normlens: input (2, 4)
m_emb = Emb()
`;
		const r = analyzePython(code);
		const out = (name: string) =>
			r.models.find((m) => m.name === name)?.calls?.[0]?.outputShape;
		assert.strictEqual(out('m_lin_long'), null);
		assert.strictEqual(out('m_matmul'), null);
		assert.strictEqual(out('m_bmm'), null);
		assert.deepStrictEqual(out('m_emb'), [2, 4, 2]);
		assert.ok(
			r.diagnostics.some((d) => d.code === 'dtype-mismatch' && /Linear/.test(d.message)),
		);
		// The counts stay: the layers exist, only their forward raises.
		assert.strictEqual(r.models.find((m) => m.name === 'm_lin_long')?.totals.total, 15);
	});

	it('tensor operands broadcast with x in masked_fill / clamp / clip; an in-place op cannot grow x; an empty list of dims reduces them all (PyTorch 1.13)', () => {
		const code = `import torch, torch.nn as nn
T = lambda: torch.zeros(3, 2, 4)
class Big(nn.Module):
    def forward(self, x):
        return x.masked_fill(torch.zeros(3, 2, 4, dtype=torch.bool), 0.0)
class Clip(nn.Module):
    def forward(self, x):
        return torch.clip(x, min=torch.zeros(3, 1, 1), max=torch.zeros(1, 4))
class IAdd(nn.Module):
    def forward(self, x):
        y = x.clone()
        y += T()
        return y
class Add_(nn.Module):
    def forward(self, x):
        return x.clone().add_(torch.ones(4))
class Grow_(nn.Module):
    def forward(self, x):
        return x.clone().clamp_(min=torch.zeros(3, 1, 1))
class Sum(nn.Module):
    def forward(self, x):
        return x.sum(dim=[]) + x.mean(dim=(), keepdim=True)
# normlens: input (2, 4)
m_big = Big()
# normlens: input (2, 4)
m_clip = Clip()
# normlens: input (2, 4)
m_iadd = IAdd()
# normlens: input (2, 4)
m_add_ = Add_()
# normlens: input (2, 4)
m_grow = Grow_()
# normlens: input (2, 3)
m_sum = Sum()
`;
		const r = analyzePython(code);
		const out = (name: string) =>
			r.models.find((m) => m.name === name)?.calls?.[0]?.outputShape;
		assert.deepStrictEqual(out('m_big'), [3, 2, 4]);
		assert.deepStrictEqual(out('m_clip'), [3, 2, 4]);
		assert.strictEqual(out('m_iadd'), null);
		assert.deepStrictEqual(out('m_add_'), [2, 4]);
		assert.strictEqual(out('m_grow'), null);
		assert.deepStrictEqual(out('m_sum'), [1, 1]);
		assert.strictEqual(
			r.diagnostics.filter((d) => /doesn't match the broadcast shape/.test(d.message)).length,
			2,
		);
	});

	it('a @staticmethod forward takes no self (bubbliiiing’s YOLOv5 SiLU: (1, 2), not a TypeError); y.data = t and y.set_(t) give y the shape of t', () => {
		const code = `import torch
import torch.nn as nn
class SiLU(nn.Module):
    @staticmethod
    def forward(x):
        return x * torch.sigmoid(x)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)
        self.act = SiLU()
    def forward(self, x):
        return self.act(self.fc(x))
class Data(nn.Module):
    def forward(self, x):
        y = x.clone()
        y.data = torch.zeros(5, 5)
        return y
class Set(nn.Module):
    def forward(self, x):
        y = x.clone()
        y.set_(torch.zeros(7))
        return y
# normlens: input (1, 3)
net = Net()
# normlens: input (2, 3)
m_data = Data()
# normlens: input (2, 3)
m_set = Set()
`;
		const r = analyzePython(code);
		const out = (name: string) =>
			r.models.find((m) => m.name === name)?.calls?.[0]?.outputShape;
		assert.deepStrictEqual(out('net'), [1, 2]);
		assert.deepStrictEqual(out('m_data'), [5, 5]);
		assert.deepStrictEqual(out('m_set'), [7]);
		assert.ok(!r.diagnostics.some((d) => d.severity === 'error'));
	});

	it('calls PyTorch refuses give no shape: F.pad of odd or too many values, reflect padding past the size, circular wrapping twice; a repeated dim of a reduction; torch.stack of unequal shapes; flatten(2, 1); an interpolation to size 0', () => {
		const code = `import torch, torch.nn as nn, torch.nn.functional as F
class Ops(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.k = k
    def forward(self, x):
        if self.k == 0:
            return F.pad(x, (4, 4), mode='reflect')
        if self.k == 1:
            return F.pad(x, (1, 2, 3))
        if self.k == 2:
            return F.pad(x, (5, 0), mode='circular')
        if self.k == 3:
            return F.pad(x, (1, 1, 1, 1, 1, 1, 1, 1))
        if self.k == 4:
            return x.sum(dim=(1, -2))
        if self.k == 5:
            return torch.stack([x, x[:, :2]])
        if self.k == 6:
            return x.flatten(2, 1)
        if self.k == 7:
            return F.interpolate(x.unsqueeze(0), scale_factor=0.1)
        return F.pad(x, (1, 1), mode='reflect')
${[0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => `# normlens: input (2, 3, 4)\nm${k} = Ops(${k})`).join('\n')}
`;
		const r = analyzePython(code);
		const out = (name: string) =>
			r.models.find((m) => m.name === name)?.calls?.[0]?.outputShape;
		for (const k of [0, 1, 2, 3, 4, 5, 6, 7]) {
			assert.strictEqual(out(`m${k}`), null, `m${k}`);
		}
		assert.deepStrictEqual(out('m8'), [2, 3, 6]);
	});

	it('a call written in the source that leaves out a parameter without a default is TypeError, even where the callee never reads it (hkproj’s Encoder.forward(x, mask)); NormLens’s own example-input call leaves it unknown', () => {
		const code = `import torch
import torch.nn as nn
class Enc(nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(8, 8)
    def forward(self, x, mask):
        return self.l(x)
class Outer(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = Enc()
    def forward(self, x):
        return self.enc(x)
class Blk(nn.Module):
    def __init__(self, n, unused):
        super().__init__()
        self.l = nn.Linear(n, n)
# normlens: input (2, 8)
enc = Enc()
# normlens: input (2, 8)
outer = Outer()
blk = Blk(8)
`;
		const r = analyzePython(code);
		const m = (name: string) => r.models.find((x) => x.name === name);
		assert.deepStrictEqual(m('enc')?.calls?.[0]?.outputShape, [2, 8]);
		assert.strictEqual(m('outer')?.calls?.[0]?.outputShape, null);
		assert.strictEqual(m('blk')?.totals.total ?? null, null);
		assert.ok(
			r.diagnostics.some((d) =>
				/Enc.forward\(\)` missing 1 required positional argument: 'mask'/.test(d.message),
			),
		);
		// A decorator that may supply the arguments (hydra, click) makes a short call no certain error.
		const cli = analyzePython(`import hydra
import torch.nn as nn
@hydra.main(config_path='conf')
def main(cfg):
    return nn.Linear(4, 2)
def train(args):
    return nn.Linear(3, 3)
main()
net = train()
`);
		assert.deepStrictEqual(
			cli.diagnostics.filter((d) => d.code === 'call-error').map((d) => d.range.start.line),
			[8],
		);
	});
});
