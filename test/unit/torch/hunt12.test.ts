import * as assert from 'assert';
import { analyzePython, buildProgram } from '../../../src/core';

/**
 * Session 24 (2026-12-08): nn.Module.__init__ as PyTorch runs it. Its `__setattr__` has nowhere to
 * put a module or a parameter before `nn.Module.__init__()` ran (AttributeError), and a second call
 * resets what was registered. Expected: Debian's PyTorch 1.13 on the same code.
 */
describe('session 24: nn.Module.__init__ as PyTorch runs it', () => {
	const model = (code: string, name: string) =>
		analyzePython(code).models.find((x) => x.name === name);
	const total = (code: string, name: string) => model(code, name)?.totals.total ?? null;

	it('a mixin assigning a layer before nn.Module.__init__ ran: PyTorch raises AttributeError, so no count (NormLens said 26)', () => {
		const code = `import torch.nn as nn
class Mixin:
    def __init__(self):
        self.head = nn.Linear(4, 2)
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(3, 4)
class C(Mixin, A):
    def __init__(self):
        Mixin.__init__(self)
        A.__init__(self)
c = C()
`;
		const r = analyzePython(code);
		assert.strictEqual(total(code, 'c'), null);
		const raised = r.diagnostics.find((d) => d.code === 'python-raises');
		assert.ok(
			raised?.message.includes('cannot assign module before Module.__init__() call'),
			raised?.message,
		);
		assert.strictEqual(raised?.range.start.line, 3);
	});

	it('a parameter assigned before super().__init__(): AttributeError (NormLens said 3); a plain attribute first is fine (8)', () => {
		const code = `import torch
import torch.nn as nn
class P(nn.Module):
    def __init__(self):
        self.w = nn.Parameter(torch.zeros(3))
        super().__init__()
class Plain(nn.Module):
    def __init__(self):
        self.n = 3
        self.t = torch.zeros(2)
        super().__init__()
        self.l = nn.Linear(self.n, 2)
p = P()
plain = Plain()
`;
		assert.strictEqual(total(code, 'p'), null);
		assert.ok(
			analyzePython(code).diagnostics.some((d) =>
				d.message.includes('cannot assign parameters before Module.__init__() call'),
			),
		);
		assert.strictEqual(total(code, 'plain'), 8);
	});

	it('nn.Module.__init__ a second time forgets what was registered: 25 (NormLens said 41); two bases each calling it by name: 12 (said 18)', () => {
		const code = `import torch.nn as nn
class Twice(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 4)
        nn.Module.__init__(self)
        self.b = nn.Linear(4, 5)
class Base1(nn.Module):
    def __init__(self):
        nn.Module.__init__(self)
        self.x = nn.Linear(2, 2)
class Base2(nn.Module):
    def __init__(self):
        nn.Module.__init__(self)
        self.y = nn.Linear(3, 3)
class Diamond(Base1, Base2):
    def __init__(self):
        Base1.__init__(self)
        Base2.__init__(self)
twice = Twice()
diamond = Diamond()
`;
		assert.strictEqual(total(code, 'twice'), 25);
		assert.strictEqual(total(code, 'diamond'), 12);
	});

	it('the ways code reaches nn.Module.__init__ all count (6, 9, 12, 21, 24, 33 as PyTorch); one NormLens cannot follow leaves the counts unknown, not refused', () => {
		const code = `import torch
import torch.nn as nn
import somelib
class A(nn.Module):
    def __init__(self):
        super(type(self), self).__init__()
        self.l = nn.Linear(2, 2)
class B(nn.Module):
    def __init__(self):
        super(self.__class__, self).__init__()
        self.l = nn.Linear(2, 3)
class Cc(nn.Module):
    def __init__(self):
        torch.nn.Module.__init__(self)
        self.l = nn.Linear(2, 4)
class Fb(nn.Module):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.l = nn.Linear(2, 7)
def init_base(m):
    nn.Module.__init__(m)
class G(nn.Module):
    def __init__(self):
        init_base(self)
        self.l = nn.Linear(2, 8)
class H(nn.Module):
    def __init__(self):
        somelib.setup(self)
        self.l = nn.Linear(2, 9)
class Lz(nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(2, 11)
    def reset(self):
        self.__init__()
a, b, cc, fb, g, h = A(), B(), Cc(), Fb(), G(), H()
lz = Lz()
lz.reset()
`;
		const r = analyzePython(code);
		const got = ['a', 'b', 'cc', 'fb', 'g', 'lz'].map((n) => total(code, n));
		assert.deepStrictEqual(got, [6, 9, 12, 21, 24, 33]);
		assert.strictEqual(total(code, 'h'), null);
		assert.ok(!r.diagnostics.some((d) => d.code === 'python-raises'));
	});

	it('super().__init__() reaching a library base NormLens cannot read, before nn.Module: unknown, saying which (it said 18); ABC / Generic before nn.Module change nothing', () => {
		const code = `import abc
from typing import Generic, TypeVar
import torch.nn as nn
import somelib
T = TypeVar('T')
class E(somelib.Base, nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(2, 6)
class A(abc.ABC, nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(2, 2)
class G(Generic[T], nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(2, 4)
class After(nn.Module, somelib.Mixin):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(2, 5)
e, a, g, after = E(), A(), G(), After()
`;
		const e = model(code, 'e');
		assert.strictEqual(e?.totals.total, null);
		assert.match(e?.unknown?.reason ?? '', /somelib\.Base\.__init__/);
		assert.deepStrictEqual(
			['a', 'g', 'after'].map((n) => total(code, n)),
			[6, 12, 15],
		);
	});
});

/**
 * The sixteenth PyTorch hunt (session 24): 154 tables torchsummary / torchinfo printed in 117
 * notebooks, and 45 construct probes held against PyTorch 1.13. Each wrong number reduced to a few
 * lines; expected values: PyTorch 1.13 on the same code, or the table the notebook printed.
 */
describe('PyTorch hunt 16: wrong numbers removed', () => {
	const model = (code: string, name: string) =>
		analyzePython(code).models.find((x) => x.name === name);
	const total = (code: string, name: string) => model(code, name)?.totals.total ?? null;

	it("nn.Sequential(OrderedDict({...})) and OrderedDict(name=...) hold their modules (40 each; NormLens said 0: FrancescoSaverioZuppichini's ResNet101, 2,058,536 for the 44,549,160 printed); an OrderedDict NormLens cannot read is unknown, never empty", () => {
		const code = `import torch.nn as nn
from collections import OrderedDict
import mylib
class Dict(nn.Module):
    def __init__(self):
        super().__init__()
        self.seq = nn.Sequential(OrderedDict({'fc': nn.Linear(4, 8)}))
class Kw(nn.Module):
    def __init__(self):
        super().__init__()
        self.seq = nn.Sequential(OrderedDict(fc=nn.Linear(4, 8)))
class Both(nn.Module):
    def __init__(self):
        super().__init__()
        d = OrderedDict([('a', nn.Linear(2, 2))], b=nn.Linear(2, 3))
        d['c'] = nn.ReLU()
        self.seq = nn.Sequential(d)
class U(nn.Module):
    def __init__(self):
        super().__init__()
        self.seq = nn.Sequential(OrderedDict(mylib.pairs()))
d, k, both, u = Dict(), Kw(), Both(), U()
`;
		assert.deepStrictEqual(
			['d', 'k', 'both', 'u'].map((n) => total(code, n)),
			[40, 40, 15, null],
		);
		assert.deepStrictEqual(
			model(code, 'both')?.layers.map((l) => l.name),
			['seq.a', 'seq.b', 'seq.c'],
		);
	});

	it('an empty Sequential / ModuleList / ParameterList is false (`if self.shortcut:`): 32, not 46; one of unknown contents decides nothing', () => {
		const code = `import torch.nn as nn
import mylib
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.shortcut = nn.Sequential()
        self.a = nn.Linear(4, 8) if self.shortcut else nn.Linear(4, 4)
        self.b = nn.Linear(2, 2) if nn.ModuleList() else nn.Linear(3, 3)
        self.c = nn.Linear(1, 1) if nn.ParameterList() else None
        self.d = nn.Linear(1, 5) if nn.Sequential(nn.ReLU()) else None
class Unknown(nn.Module):
    def __init__(self):
        super().__init__()
        extra = nn.Sequential(*mylib.blocks())
        self.e = nn.Linear(1, 1) if extra else nn.Linear(1, 2)
net, unk = Net(), Unknown()
`;
		assert.strictEqual(total(code, 'net'), 42);
		assert.strictEqual(total(code, 'unk'), null);
	});

	it('an `assert` that is false raises AssertionError (no count, where NormLens said 2,790); one that holds, or one a handler takes, changes nothing', () => {
		const code = `import torch.nn as nn
class Attn(nn.Module):
    def __init__(self, dim=30, heads=4):
        super().__init__()
        assert dim % heads == 0, 'dim must be divisible by heads'
        self.qkv = nn.Linear(dim, dim * 3)
class Ok(nn.Module):
    def __init__(self, dim=32, heads=4):
        super().__init__()
        assert dim % heads == 0
        self.l = nn.Linear(dim, dim)
class Caught(nn.Module):
    def __init__(self, dim=30, heads=4):
        super().__init__()
        try:
            assert dim % heads == 0
            self.l = nn.Linear(dim, dim)
        except AssertionError:
            self.l = nn.Linear(dim, 2)
ok, caught = Ok(), Caught()
attn = Attn()
`;
		const r = analyzePython(code);
		assert.strictEqual(total(code, 'attn'), null);
		assert.ok(
			r.diagnostics.some(
				(d) =>
					d.code === 'python-raises' &&
					d.message.includes('AssertionError') &&
					d.message.includes('dim must be divisible by heads'),
			),
		);
		assert.deepStrictEqual([total(code, 'ok'), total(code, 'caught')], [1056, 62]);
	});

	it('`del seq[1:3]` and `del xs[1:3]` remove every module the slice picks (12, where NormLens said 342); `xs[0:2] = [...]` replaces the slice (36)', () => {
		const code = `import torch.nn as nn
seq = nn.Sequential(nn.Conv2d(3, 3, 1), nn.Conv2d(3, 6, 3), nn.Conv2d(6, 6, 3))
del seq[1:3]
xs = [nn.Linear(1, 1), nn.Linear(1, 2), nn.Linear(1, 3), nn.Linear(1, 4)]
del xs[1:3]
plain = nn.Sequential(*xs)
ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(5)])
del ml[::2]
ys = [nn.Linear(1, 1), nn.Linear(1, 2), nn.Linear(1, 3)]
ys[0:2] = [nn.Linear(5, 5)]
swapped = nn.Sequential(*ys)
`;
		assert.deepStrictEqual(
			['seq', 'plain', 'ml', 'swapped'].map((n) => total(code, n)),
			[12, 10, 12, 36],
		);
	});

	it("a property's setter runs on `self.x = v` (63, where NormLens said 33); a property without one raises AttributeError; functools.cached_property computes once (16; NormLens recomputed it: 558 for PyTorch's 182 in the probe)", () => {
		const code = `import torch.nn as nn
from functools import cached_property
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self._base = 16
        self.hidden = 10
        self.fc = nn.Linear(self.hidden, 3)
    @property
    def hidden(self):
        return self._base * 2
    @hidden.setter
    def hidden(self, v):
        self._base = v
class ReadOnly(nn.Module):
    def __init__(self):
        super().__init__()
        self.width = 5
        self.l = nn.Linear(self.width, 1)
    @property
    def width(self):
        return 8
class Cached(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = 0
        self.m = nn.Linear(self.size, self.size)
        self.n = nn.Linear(self.size, 1)
    @cached_property
    def size(self):
        self.c += 1
        return 3 * self.c
net, cached = Net(), Cached()
ro = ReadOnly()
`;
		assert.deepStrictEqual(
			['net', 'ro', 'cached'].map((n) => total(code, n)),
			[63, null, 16],
		);
	});

	it('a Sequential of an iterable NormLens cannot list has no output shape (it passed the input through: (2, 3, 8, 8) for (2, 32, 8, 8)), and the layer after it no false error', () => {
		const code = `import torch.nn as nn
import mylib
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(*mylib.convs())
        self.head = nn.Linear(32, 10)
    def forward(self, x):
        return self.head(self.features(x).mean((2, 3)))
# normlens: input (2, 3, 8, 8)
net = Net()
`;
		const r = analyzePython(code);
		const net = r.models.find((m) => m.name === 'net');
		assert.strictEqual(net?.layers.find((l) => l.name === 'features')?.outputShape, null);
		assert.ok(
			!r.diagnostics.some((d) => d.severity === 'error'),
			JSON.stringify(r.diagnostics),
		);
	});

	it('what get_submodule returns is the module itself: LoRA-style injection into it counts (40 and 40, where NormLens said 20)', () => {
		const code = `import torch.nn as nn
m1 = nn.Sequential(nn.Sequential(nn.Linear(4, 4)))
m1.get_submodule('0')[0] = nn.Linear(4, 8)
m2 = nn.Sequential(nn.Sequential(nn.Linear(4, 4)))
parent = m2.get_submodule('0')
setattr(parent, '0', nn.Linear(4, 8))
`;
		assert.deepStrictEqual([total(code, 'm1'), total(code, 'm2')], [40, 40]);
	});

	it('registrations PyTorch refuses leave no count: GRU / RNN given proj_size (ValueError; NormLens said 208), a buffer under a parameter\'s name, a module name with "." (KeyError)', () => {
		const code = `import torch
import torch.nn as nn
class G(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(4, 8, proj_size=2)
class B(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(3))
        self.register_buffer('w', torch.zeros(3))
class D(nn.Module):
    def __init__(self):
        super().__init__()
        self.add_module('a.b', nn.Linear(2, 2))
class Ok(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer('w', torch.zeros(3))
        self.register_buffer('w', torch.zeros(4))
        self.add_module('a', nn.Linear(2, 2))
g, b, d, ok = G(), B(), D(), Ok()
`;
		const r = analyzePython(code);
		assert.deepStrictEqual(
			['g', 'b', 'd'].map((n) => total(code, n)),
			[null, null, null],
		);
		const reasons = ['g', 'b', 'd'].map(
			(n) => r.models.find((m) => m.name === n)?.unknown?.reason ?? '',
		);
		assert.match(reasons[0], /ValueError.*only supported for LSTM/);
		assert.match(reasons[1], /KeyError.*attribute 'w' already exists/);
		assert.match(reasons[2], /KeyError.*can't contain "\."/);
		assert.deepStrictEqual([total(code, 'ok'), model(code, 'ok')?.totals.buffers], [6, 4]);
	});

	it('`p.data = t` of another size resizes the parameter (PyTorch 8; NormLens said 5): unknown, saying so; of the same size, exact', () => {
		const code = `import torch
import torch.nn as nn
class Grow(nn.Module):
    def __init__(self):
        super().__init__()
        self.gain = nn.Parameter(torch.ones(5))
        self.gain.data = torch.ones(8)
class Same(nn.Module):
    def __init__(self):
        super().__init__()
        self.gain = nn.Parameter(torch.ones(5))
        self.gain.data = torch.zeros(5)
grow, same = Grow(), Same()
`;
		assert.deepStrictEqual([total(code, 'grow'), total(code, 'same')], [null, 5]);
	});

	it("a class's own `__setattr__` runs on `self.x = v`, then nn.Module's through super() or by name (54 and 9 as PyTorch; NormLens said 40 and 6 in the probes)", () => {
		const code = `import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc2 = nn.Linear(4, 4)
        self.width = 3
        self.fc3 = nn.Linear(self.width, 2)
    def __setattr__(self, name, value):
        if name == 'fc2':
            value = nn.Linear(4, 8)
        if name == 'width':
            value = value * 2
        super().__setattr__(name, value)
class ByName(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 2)
    def __setattr__(self, name, value):
        if isinstance(value, nn.Linear):
            value = nn.Sequential(value, nn.Linear(value.out_features, 1))
        nn.Module.__setattr__(self, name, value)
net, byname = Net(), ByName()
`;
		assert.deepStrictEqual([total(code, 'net'), total(code, 'byname')], [54, 9]);
	});

	it("torch-summary 1.x's table (torchinfo's earlier name, -1 for the batch) counts the modules its forward ran: a match, saying so (Packt's deep-fakes notebook printed 53,574,531 of the 54,264,838 parameters; NormLens said it differs)", () => {
		const model = `import torch
import torch.nn as nn
from torchsummary import summary
class AE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Linear(8, 8)
        self.decoder_A = nn.Linear(8, 8)
        self.decoder_B = nn.Linear(8, 8)
        self.head = nn.Sequential(nn.Linear(8, 104))
        self.head_B = nn.Sequential(nn.Linear(8, 104))
    def forward(self, x, select='A'):
        x = self.encoder(x)
        if select == 'A':
            return self.head(self.decoder_A(x))
        return self.head_B(self.decoder_B(x))
`;
		// PyTorch 1.13: 2,088 parameters; those of the modules `forward(x, 'A')` runs, 1,080.
		const printed = `==========================================================================================
Layer (type:depth-idx)                   Output Shape              Param #
==========================================================================================
├─Linear: 1-1                            [-1, 8]                   72
├─Linear: 1-2                            [-1, 8]                   72
├─Sequential: 1-3                        [-1, 104]                 --
|    └─Linear: 2-1                       [-1, 104]                 936
==========================================================================================
Total params: 1,080
Trainable params: 1,080
Non-trainable params: 0
Total mult-adds (M): 0.00
==========================================================================================
`;
		const program = buildProgram([
			{ index: 0, source: model },
			{
				index: 1,
				source: "model = AE()\nsummary(model, torch.zeros(1, 8), 'A');",
				outputs: printed,
			},
		]);
		const r = analyzePython(program.text, {
			printed: program.outputs,
			cells: program.segments,
		});
		const check = r.printedSummaries?.[0];
		assert.strictEqual(check?.verdict, 'match');
		assert.match(check?.message ?? '', /torch-summary 1\.x counts the modules the forward ran/);
		assert.strictEqual(r.models.find((m) => m.name === 'model')?.totals.total, 2088);
	});

	it('`nn.Linear(8, k := 3)`: a positional argument that binds `k`, no keyword (27, output (2, 3); NormLens said three errors)', () => {
		const code = `import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = nn.Linear(8, k := 3)
        self.k = k
        self.tail = nn.Linear(self.k, 1)
    def forward(self, x):
        return self.tail(self.head(x))
# normlens: input (2, 8)
net = Net()
`;
		const r = analyzePython(code);
		assert.strictEqual(total(code, 'net'), 31);
		assert.deepStrictEqual(r.models[0]?.calls?.[0]?.outputShape, [2, 1]);
		assert.ok(
			!r.diagnostics.some((d) => d.severity === 'error'),
			JSON.stringify(r.diagnostics),
		);
	});

	it('a slice of a ParameterList is a list of its parameters: a forward looping over `self.ws[:2]` keeps the totals (48 as PyTorch; they were unknown) and the shape', () => {
		const code = `import torch
import torch.nn as nn
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.ws = nn.ParameterList([nn.Parameter(torch.randn(4, 4)) for _ in range(3)])
    def forward(self, x):
        for w in self.ws[:2]:
            x = x @ w
        return x[:, :3]
# normlens: input (2, 4)
a = A()
`;
		const r = analyzePython(code);
		assert.strictEqual(total(code, 'a'), 48);
		assert.deepStrictEqual(r.models[0]?.calls?.[0]?.outputShape, [2, 3]);
	});

	it('a generator function runs to its end where it is called: `yield` / `yield from` builders give their layers (5,418 as PyTorch; unknown before); one NormLens cannot follow whole, or an endless one, stays unknown', () => {
		const code = `import torch.nn as nn
import mylib
def conv_bn(cin, cout):
    yield nn.Conv2d(cin, cout, 3, padding=1)
    yield nn.ReLU()
def stage(chs):
    for a, b in zip(chs, chs[1:]):
        yield from conv_bn(a, b)
model = nn.Sequential(*stage([3, 16, 32]), nn.Flatten(), nn.Linear(32, 10))
def early():
    yield nn.Linear(1, 2)
    return
    yield nn.Linear(5, 5)
def sends():
    x = yield nn.Linear(2, 3)
    yield nn.Linear(3 if x is None else 9, 1)
def maybe(flag):
    yield nn.Linear(2, 2)
    if flag:
        yield nn.Linear(3, 3)
def forever():
    i = 1
    while True:
        yield nn.Linear(i, i)
        i += 1
c = nn.Sequential(*early())
d = nn.Sequential(*sends())
e = nn.ModuleList(list(maybe(True)))
b = nn.Sequential(*maybe(mylib.flag))
g = forever()
first = nn.Sequential(next(g), next(g))
after = nn.Linear(4, 4)
tail = nn.Sequential(after)
`;
		const r = analyzePython(code);
		assert.deepStrictEqual(
			['model', 'c', 'd', 'e', 'b', 'first', 'tail'].map((n) => total(code, n)),
			[5418, 4, 13, 18, null, null, 20],
		);
		assert.match(model(code, 'first')?.unknown?.reason ?? '', /yields more than 64 values/);
		assert.ok(!r.diagnostics.some((x) => x.code === 'analysis-truncated'));
	});
});

describe('PyTorch hunt 16: unknowns Python decides, made exact', () => {
	const total = (code: string, name: string) =>
		analyzePython(code).models.find((x) => x.name === name)?.totals.total ?? null;

	it("the probes' small builtins: `'blk{:02d}'.format(i)`, `next(genexpr)`, `dict | dict`, `dict.fromkeys`, `functools.reduce(operator.mul, …)`, `itertools.zip_longest` / `pairwise` (72, 20, 15, 40, 56, 7,400, 42 as PyTorch 1.13; unknown before)", () => {
		const code = `import functools, itertools, operator
import torch.nn as nn
class A(nn.Module):
    def __init__(self):
        super().__init__()
        for i in range(2):
            self.add_module('blk{:02d}'.format(i), nn.Linear(5, 6))
a = A()
b = nn.Sequential(nn.Linear(next(int(p[1:]) for p in ['d4', 'h4'] if p[0] == 'h'), 4))
c = nn.Sequential(nn.Linear(**({'in_features': 2} | {'out_features': 5})))
d = nn.ModuleDict({k: nn.Linear(4, v) for k, v in dict.fromkeys(['a', 'b'], 4).items()})
e = nn.Sequential(nn.Linear(functools.reduce(operator.mul, (2, 3), 1), 6), nn.Linear(6, 2))
f = nn.ModuleList([nn.Conv2d(i or 32, o, 3) for i, o in itertools.zip_longest([3, 16], [16, 32, 8])])
g = nn.Sequential(*[nn.Linear(x, y) for x, y in itertools.pairwise([2, 4, 6])])
`;
		assert.deepStrictEqual(
			['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => total(code, n)),
			[72, 20, 15, 40, 56, 7400, 42],
		);
	});

	it('a `match` statement runs the first case whose pattern matches (mappings, sequences with a star, class patterns, or-patterns, guards, values, `case str():`): as PyTorch 1.13 counts; a subject NormLens does not hold leaves every case unknown', () => {
		const code = `import torch.nn as nn
import mylib
from enum import Enum
class Kind(Enum):
    A = 1
    B = 2
def build(spec):
    match spec:
        case {'type': 'conv', 'ch': ch}:
            return nn.Conv2d(3, ch, 3)
        case ('linear', i, o):
            return nn.Linear(i, o)
        case [first, *rest] if len(rest) == 2:
            return nn.Linear(first, sum(rest))
        case str() if spec.startswith('r'):
            return nn.ReLU()
        case int(n) | float(n):
            return nn.Linear(int(n), 1)
        case None:
            return nn.Identity()
        case _:
            return nn.Linear(1, 1)
def by_kind(k):
    match k:
        case Kind.A:
            return nn.Linear(2, 2)
        case Kind.B:
            return nn.Linear(3, 3)
m1 = nn.Sequential(build({'type': 'conv', 'ch': 6, 'x': 1}))
m2 = nn.Sequential(build(('linear', 4, 9)))
m3 = nn.Sequential(build([2, 3, 4]))
m4 = nn.Sequential(build('relu'), build(5), build(2.0))
m5 = nn.Sequential(build(None), build([1]))
m6 = nn.Sequential(build(mylib.spec))
m7 = nn.Sequential(by_kind(Kind.B))
m8 = nn.Sequential(build(['a']), build('x'))
`;
		const r = analyzePython(code);
		assert.deepStrictEqual(
			['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8'].map((n) => total(code, n)),
			[168, 45, 21, 9, 2, null, 12, 4],
		);
		assert.ok(
			!r.diagnostics.some((d) => d.code === 'syntax-error'),
			JSON.stringify(r.diagnostics),
		);
	});

	it('`min([], default=6)` is the default (24 as PyTorch; unknown before)', () => {
		const code = `import torch.nn as nn
mx = nn.Sequential(nn.Linear(max([3, 9, 4], key=lambda v: -v), min([], default=6)))
xs = iter([5, 2])
first = nn.Sequential(nn.Linear(min(xs, default=1), 1))
`;
		assert.deepStrictEqual([total(code, 'mx'), total(code, 'first')], [24, 3]);
	});

	it("a forward hook that returns something replaces the module's output, a pre-hook its input, a removed one nothing (PyTorch 1.13: (2, 2) where NormLens showed (2, 4)); a class's own `__call__` runs on `model(x)`", () => {
		const code = `import torch
import torch.nn as nn
feats = {}
def save(name):
    def hook(m, i, o):
        feats[name] = o.detach()
    return hook
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 6)
        self.b = nn.Linear(6, 4)
        self.a.register_forward_hook(save('a'))
        h = self.b.register_forward_hook(lambda m, i, o: o * 0)
        h.remove()
        self.b.register_forward_hook(lambda m, i, o: o[:, :2])
        self.a.register_forward_pre_hook(lambda m, i: (i[0][:, :4],))
    def forward(self, x):
        return self.b(self.a(x))
class Cut(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 6)
    def __call__(self, x):
        return super().__call__(x)[:, :3]
    def forward(self, x):
        return self.fc(x)
# normlens: input (2, 5)
net = Net()
cut = Cut()
y = cut(torch.zeros(2, 4))
head = nn.Linear(y.shape[1], 1)
wrap = nn.Sequential(cut, head)
`;
		const r = analyzePython(code);
		const net = r.models.find((m) => m.name === 'net');
		assert.deepStrictEqual(
			net?.layers.map((l) => [l.name, l.outputShape]),
			[
				['a', [2, 6]],
				['b', [2, 2]],
			],
		);
		assert.strictEqual(total(code, 'wrap'), 34);
	});

	it("`torch.device(…)` is a device: `device.type` is no AttributeError (NormLens said Python raises, and the torchsummary table of Seonghoon-Yu's ViT, called with `device=device.type`, lost its rows: 9,226 for 85,654,282)", () => {
		const code = `import torch
import torch.nn as nn
from torchsummary import summary
class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
    def forward(self, x):
        return self.conv(x)
class Net(nn.Sequential):
    def __init__(self):
        super().__init__(Block(), nn.Linear(14, 2))
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
cpu = torch.device("cpu:0")
width = 4 if cpu.type == "cpu" and cpu.index == 0 else 9
model = Net().to(device)
summary(model, (3, 16, 16), device=device.type)
head = nn.Sequential(nn.Linear(width, 1))
`;
		const r = analyzePython(code);
		assert.ok(
			!r.diagnostics.some((d) => d.code === 'python-raises'),
			JSON.stringify(r.diagnostics),
		);
		assert.strictEqual(total(code, 'model'), 254);
		const rows = r.models.find((m) => m.name === 'model')?.layers.map((l) => l.outputShape);
		// torchsummary's batch is -1: no size.
		assert.deepStrictEqual(rows, [
			[null, 8, 14, 14],
			[null, 8, 14, 2],
		]);
		assert.strictEqual(total(code, 'head'), 5);
	});

	it('`torch.manual_seed(0)` gives a Generator and `torch.no_grad()` a context manager, not None: reading an attribute of them is no AttributeError', () => {
		const code = `import torch
import torch.nn as nn
g = torch.manual_seed(0)
s = g.initial_seed()
with torch.no_grad() as ng:
    m = nn.Sequential(nn.Linear(2, 2))
`;
		const r = analyzePython(code);
		assert.ok(
			!r.diagnostics.some((d) => d.code === 'python-raises'),
			JSON.stringify(r.diagnostics),
		);
		assert.strictEqual(total(code, 'm'), 6);
	});
});

/**
 * The second probe round of session 24 (39 files, 386 models against PyTorch 1.13): its six wrong
 * numbers, each reduced to a few lines.
 */
describe('PyTorch probes, second round: wrong numbers removed', () => {
	const model = (code: string, name: string) =>
		analyzePython(code).models.find((x) => x.name === name);
	const total = (code: string, name: string) => model(code, name)?.totals.total ?? null;

	it('`copy.copy(module)` shares what the original holds: both unknown after it (PyTorch: the original grows to 27; NormLens kept 6); a list copied shallowly is a new list', () => {
		const code = `import copy
import torch.nn as nn
a = nn.Sequential(nn.Linear(2, 2))
a_copy = copy.copy(a)
a_copy.append(nn.Linear(2, 7))
xs = [nn.Linear(1, 1)]
ys = copy.copy(xs)
ys.append(nn.Linear(1, 2))
only = nn.Sequential(*xs)
both = nn.Sequential(*ys)
`;
		assert.deepStrictEqual(
			['a', 'only', 'both'].map((n) => total(code, n)),
			[null, 2, 6],
		);
	});

	it("`object.__setattr__(self, 'teacher', module)` keeps the module out of nn.Module's registry (12, where NormLens counted 122); `nn.Module.add_module(self, …)` and the other registrations called through the class register (17)", () => {
		const code = `import torch
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 3)
        object.__setattr__(self, 'teacher', nn.Linear(10, 10))
class D(nn.Module):
    def __init__(self):
        super().__init__()
        nn.Module.add_module(self, 'a', nn.Linear(2, 3))
        nn.Module.register_parameter(self, 'w', nn.Parameter(torch.zeros(8)))
        nn.Module.register_buffer(self, 'b', torch.zeros(4))
m, n = Net(), D()
`;
		assert.deepStrictEqual([total(code, 'm'), total(code, 'n')], [12, 17]);
		assert.strictEqual(model(code, 'n')?.totals.buffers, 4);
	});

	it("Python's float formatting: ties to even on the exact value (`'%.0f' % 2.5` is '2'), `str(-0.0)` is '-0.0', and a `%e` / `%g` NormLens does not format makes the string unknown, never the pattern itself", () => {
		const code = `import torch.nn as nn
a = nn.Sequential(nn.Linear(len('%.0f' % 2.5) + 1, 1))
b = nn.Sequential(nn.Linear(int('%.0f' % 0.5) + 1, 1))
c = nn.Sequential(nn.Linear(len(f'{2.5:.0f}') + 1, 1))
d = nn.Sequential(nn.Linear(len('%.2f' % 0.125), 2))
e = nn.Sequential(nn.Linear(len(str(-0.0)) - 1, 1))
g = nn.Sequential(nn.Linear(len('%e' % 12345.678), 1))
`;
		// PyTorch 1.13 (Python 3.11): 3, 2, 3, 10, 4, 13.
		assert.deepStrictEqual(
			['a', 'b', 'c', 'd', 'e', 'g'].map((n) => total(code, n)),
			[3, 2, 3, 10, 4, null],
		);
	});

	it('a module a `functools.cached_property` returns is kept in `__dict__`, never registered (6 as PyTorch; NormLens counted 116)', () => {
		const code = `import torch.nn as nn
from functools import cached_property
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)
        self.aux.weight
    @cached_property
    def aux(self):
        return nn.Linear(10, 10)
net = Net()
`;
		assert.strictEqual(total(code, 'net'), 6);
	});
});
