import * as assert from 'assert';
import { analyzePython } from '../../../src/core';

/**
 * Unknowns made exact and wrong numbers found in session 22 (2026-12-07), each reduced to a few
 * lines. Expected: Debian's PyTorch 1.13 on the same code (`[total, trainable, buffers]`), or
 * unknown (null) where NormLens cannot follow what Python does.
 */
const CASES: {
	title: string;
	seen: string;
	name: string;
	expected: (number | null)[];
	code: string;
}[] = [
	{
		title: "`isinstance(t, GraphPath)` of a plain tuple, a named tuple, a number, a string and None against named-tuple and plain classes of the file (unknown: SSD's totals and shapes)",
		seen: "qfgaohao/pytorch-ssd's SSD (six models, 26,285,998 as PyTorch for VGG16-SSD)",
		name: 'net',
		expected: [18, 18, 9],
		code: `from collections import namedtuple
from typing import NamedTuple
import torch.nn as nn
GraphPath = namedtuple("GraphPath", ['s0', 'name', 's1'])
class Spec(NamedTuple):
    index: int
    width: int
class Plain:
    pass
specs = [(3, nn.BatchNorm2d(4)), GraphPath(2, 'conv', 1), Spec(1, 6), 5, 'x', None]
adds = nn.ModuleList([t[1] for t in specs if isinstance(t, tuple) and not isinstance(t, (GraphPath, Spec))])
paths = [isinstance(t, GraphPath) for t in specs]
named = [isinstance(t, Spec) for t in specs]
plain = [isinstance(t, Plain) for t in specs]
net = nn.Sequential(nn.Linear(sum(paths) + 2 * sum(named) + 4 * sum(plain) + 1, 2), *adds)
`,
	},
	{
		title: 'a class with a metaclass (which may answer `isinstance` its own way) or a builtin base (whose instances may be plain values) leaves `isinstance` of a plain value unknown',
		seen: 'a probe of NormLens',
		name: 'net',
		expected: [null, null, null],
		code: `import abc
import torch.nn as nn
class Meta(type):
    def __instancecheck__(cls, other):
        return True
class AnyThing(metaclass=Meta):
    pass
class Width(int):
    pass
n = (1 if isinstance(3, AnyThing) else 2) + (1 if isinstance(3, Width) else 2)
net = nn.Sequential(nn.Linear(n, 2))
`,
	},
	{
		title: "`A.__init__(self)` called through the class runs A's bare `super()` from A in the receiver's MRO, and `super(B, self)` starts after B (both counted B's layer: 48 for PyTorch's 36, 20 for 8)",
		seen: 'a probe of NormLens',
		name: 'pair',
		expected: [44, 44, 0],
		code: `import torch.nn as nn
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 2)
class B(nn.Module):
    def __init__(self):
        super().__init__()
        self.b = nn.Linear(3, 3)
class D(B, A):
    def __init__(self):
        A.__init__(self)
        self.d = nn.Linear(5, 5)
class E(B, A):
    def __init__(self):
        super(B, self).__init__()
        self.e = nn.Linear(1, 1)
pair = nn.ModuleList([D(), E()])
`,
	},
	{
		title: '`{**base, "hidden": 16}` copies the entries, then sets the key in its place (unknown before)',
		seen: 'a probe of NormLens',
		name: 'spread',
		expected: [646, 646, 0],
		code: `import torch.nn as nn
base = {"hidden": 8, "layers": 2}
cfg = {**base, "hidden": 16, "out": 3}
order = list(cfg)
spread = nn.Sequential(*[nn.Linear(cfg["hidden"], cfg["hidden"]) for _ in range(cfg["layers"])], nn.Linear(cfg["hidden"], cfg["out"] + len(order)))
`,
	},
	{
		title: '`xs.sort(reverse=True)` and `names.sort(key=len)` sort in place (unknown before)',
		seen: 'a probe of NormLens',
		name: 'sorted_net',
		expected: [40, 40, 0],
		code: `import torch.nn as nn
xs = [5, 1, 4, 2]
xs.sort(reverse=True)
xs.insert(1, 9)
xs.pop(0)
names = ["conv", "bn", "act"]
names.sort(key=len)
sorted_net = nn.Sequential(*[nn.Linear(x, len(names[0])) for x in xs])
`,
	},
	{
		title: '`if self.output:` where `self.output = F.sigmoid`: a torch function is true (unknown before: its forward, and so the totals, could not be followed)',
		seen: "laiguokun/LSTNet's model (hunt 12)",
		name: 'net',
		expected: [36, 36, 0],
		code: `import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self, output_fun):
        super().__init__()
        self.fc = nn.Linear(8, 4)
        self.output = None
        if output_fun == 'sigmoid':
            self.output = F.sigmoid
    def forward(self, x):
        res = self.fc(x)
        if (self.output):
            res = self.output(res)
        return res

# normlens: input (1, 8)
net = Net('sigmoid')
`,
	},
	{
		title: "`issubclass(type(self.module), torch.nn.RNNBase)`: `type()` of a torch.nn module is its class, `issubclass` follows PyTorch 1.13's bases (unknown before)",
		seen: "salesforce/awd-lstm-lm's WeightDrop (hunt 12: 24,221,600 as PyTorch)",
		name: 'wd',
		expected: [448, 448, 0],
		code: `import torch
import torch.nn as nn

class WeightDrop(nn.Module):
    def __init__(self, module, weights):
        super().__init__()
        self.module = module
        if issubclass(type(self.module), torch.nn.RNNBase):
            self.module.flatten_parameters = lambda *a, **k: None
        for name_w in weights:
            w = getattr(self.module, name_w)
            del self.module._parameters[name_w]
            self.module.register_parameter(name_w + '_raw', nn.Parameter(w.data))

wd = WeightDrop(nn.LSTM(4, 8), ['weight_hh_l0'])
`,
	},
	{
		title: '`type(m) == nn.Linear`, `type(m).__name__` and `type(m)(4, 4)` of a torch.nn module',
		seen: 'a probe of NormLens',
		name: 'net',
		expected: [42, 42, 0],
		code: `import torch.nn as nn
m = nn.Linear(2, 3)
n = type(m).__name__
k = {"Linear": 5, "Conv2d": 7}[type(m).__name__]
same = type(m) == nn.Linear
other = type(m) is nn.Conv2d
net = nn.Sequential(nn.Linear(k + len(n) + int(same) * 10 + int(other) * 100, 1), type(m)(4, 4))
`,
	},
	{
		title: '`nn.Conv1d(32, 32, kernel_size=(1, 2))` keeps the 2-tuple for its weight, as `_single` does (unknown before)',
		seen: 'nnzhan/Graph-WaveNet (hunt 12)',
		name: 'gate',
		expected: [10528, 10528, 0],
		code: `import torch.nn as nn

class Gate(nn.Module):
    def __init__(self):
        super().__init__()
        self.gate = nn.Conv1d(in_channels=32, out_channels=32, kernel_size=(1, 2), dilation=1)
        self.skip = nn.Conv1d(32, 256, kernel_size=(1, 1))

gate = Gate()
`,
	},
	{
		title: 'a `collections.defaultdict` and a torch.distributions distribution kept as attributes are no module parts (unknown before)',
		seen: "salesforce/awd-lstm-lm's SplitCrossEntropyLoss, karpathy/pytorch-normalizing-flows (hunt 12)",
		name: 'crit',
		expected: [1221, 1221, 0],
		code: `from collections import defaultdict
import torch
import torch.nn as nn
from torch.distributions import Uniform, TransformedDistribution, SigmoidTransform

class Split(nn.Module):
    def __init__(self, hidden_size, splits):
        super().__init__()
        self.splits = [0] + splits + [100 * 1000000]
        self.nsplits = len(self.splits) - 1
        self.stats = defaultdict(list)
        self.prior = TransformedDistribution(Uniform(torch.zeros(2), torch.ones(2)), SigmoidTransform().inv)
        self.flows = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
        if self.nsplits > 1:
            self.tail_vectors = nn.Parameter(torch.zeros(self.nsplits - 1, hidden_size))
            self.tail_bias = nn.Parameter(torch.zeros(self.nsplits - 1))

crit = Split(400, [2800, 20000, 76000])
`,
	},
	{
		title: 'matrix decompositions: `torch.qr`, `torch.linalg.qr / svd`, `torch.svd`, `torch.lu`, `torch.lu_unpack`, `det`, `slogdet`, `inverse`, `diag`, as functions and methods (unknown before)',
		seen: "chaiyujin/glow-pytorch's and jaywalnut310/glow-tts's invertible 1×1 convolutions (hunt 12)",
		name: 'm',
		expected: [626, 626, 22],
		code: `import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        a = torch.randn(2, 5, 3)
        q, r = torch.qr(a)
        q2, r2 = torch.qr(a, some=False)
        q3, r3 = torch.linalg.qr(a, mode="complete")
        u, s, v = torch.svd(a)
        u2, s2, v2 = torch.linalg.svd(a)
        u3, s3, v3 = torch.linalg.svd(a, full_matrices=False)
        lu, piv = torch.lu(a)
        P, L, U = torch.lu_unpack(lu, piv)
        sq = torch.randn(4, 4, dtype=torch.float64)
        d = torch.det(sq)
        sg, la = torch.slogdet(sq)
        inv = torch.inverse(sq)
        m = torch.randn(4, 6)
        parts = [q, r, q2, r2, q3, r3, u, s, v, u2, s2, v2, u3, s3, v3, lu, piv, P, L, U, inv]
        diags = [torch.diag(s[0]), torch.diag(s[0], 2), m.diag(), m.diag(-3), torch.diag(m, 5), m.T.qr()[0], *Q_lu(sq)]
        self.p = nn.ParameterList([nn.Parameter(t.float()) for t in parts + diags] + [nn.Parameter(d.reshape(1)), nn.Parameter(sg.reshape(1))])
        self.register_buffer("piv", piv)
        self.register_buffer("inv", inv)
def Q_lu(w):
    P, L, U = torch.lu_unpack(*w.lu())
    return [L, U.diag()]
m = M()
`,
	},
	{
		title: "`self.v = nn.Parameter(…).to(device)`: PyTorch keeps the Parameter itself (registered) when the device and dtype do not change, a plain tensor otherwise: unknown, saying so (Graph-WaveNet counted 305,260 for PyTorch's 309,400 on the CPU)",
		seen: 'nnzhan/Graph-WaveNet (hunt 12)',
		name: 'g',
		expected: [null, null, null],
		code: `import torch
import torch.nn as nn
class G(nn.Module):
    def __init__(self, device):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.v = nn.Parameter(torch.randn(7, 10)).to(device)
        self.pos = nn.Parameter(torch.zeros(1, 4))
    def forward(self, x):
        return self.fc(x) + self.pos.to(x.device)
# normlens: input (2, 4)
g = G(torch.device("cpu"))
`,
	},
	{
		title: "a decorator of the source runs: `@register('tiny')` puts the class in its registry (len(registry) read 0, a Linear(1, 1) for PyTorch's Linear(2, 1)), a registry instance's `register_module()` and `build(cfg)`, a wrapper on `__init__` and on a static method",
		seen: 'a probe of NormLens (mmcv / detectron2-style registries)',
		name: 'all',
		expected: [144, 144, 0],
		code: `import functools
import torch
import torch.nn as nn

registry = {}
def register(name):
    def deco(cls):
        registry[name] = cls
        return cls
    return deco

@register("tiny")
class Tiny(nn.Module):
    def __init__(self, width=4):
        super().__init__()
        self.fc = nn.Linear(width, width)

class Registry:
    def __init__(self):
        self._map = {}
    def register_module(self, name=None):
        def _register(cls):
            self._map[name or cls.__name__] = cls
            return cls
        return _register
    def build(self, cfg):
        cfg = dict(cfg)
        return self._map[cfg.pop("type")](**cfg)

BACKBONES = Registry()

@BACKBONES.register_module()
class SmallNet(nn.Module):
    def __init__(self, width=8, depth=2):
        super().__init__()
        self.layers = nn.Sequential(*[nn.Linear(width, width) for _ in range(depth)])

    @torch.no_grad()
    def init_weights(self):
        pass

def timed(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper

class Head(nn.Module):
    @timed
    def __init__(self, n):
        super().__init__()
        self.fc = nn.Linear(n, 2)

    @staticmethod
    @timed
    def width():
        return 5

all = nn.ModuleList([registry["tiny"](width=len(registry) + 1), BACKBONES.build(dict(type="SmallNet", width=6, depth=3)), Head(Head.width())])
`,
	},
	{
		title: '`args = SimpleNamespace(d_in=10, d_out=4)` holds its attributes, as an argparse.Namespace (unknown before)',
		seen: 'LeiBAI/AGCRN, huangtinglin/NGCF-PyTorch (hunt 13)',
		name: 'net',
		expected: [44, 44, 0],
		code: `import torch
from torch import nn
from types import SimpleNamespace
class Net(nn.Module):
    def __init__(self, args):
        super().__init__()
        self.fc = nn.Linear(args.d_in, args.d_out)
args = SimpleNamespace(d_in=10, d_out=4)
net = Net(args)
`,
	},
	{
		title: "`self.device = torch.device('cuda') if torch.cuda.is_available() else torch.device('cpu')`: either way no module part, so the counts stay known (unknown before)",
		seen: 'tiangexiang/CurveNet (hunt 13)',
		name: 'net',
		expected: [44, 44, 0],
		code: `import torch
from torch import nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.device = torch.device('cuda') if torch.cuda.is_available() else torch.device('cpu')
        self.fc = nn.Linear(10, 4)
net = Net()
`,
	},
	{
		title: "`for block in self._modules: for m in self._modules[block]` and `self._modules['m' + str(i)]` read a module's children by name (unknown before); written through, the counts are unknown",
		seen: "1Konny/Beta-VAE, clovaai/stargan-v2's FAN (hunt 13)",
		name: 'nets',
		expected: [650, 650, 0],
		code: `import torch
from torch import nn
import torch.nn.init as init
def kaiming_init(m):
    if isinstance(m, (nn.Linear, nn.Conv2d)):
        init.kaiming_normal_(m.weight)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(10, 20), nn.ReLU())
        self.decoder = nn.Sequential(nn.Linear(20, 10))
        for block in self._modules:
            for m in self._modules[block]:
                kaiming_init(m)
class Fan(nn.Module):
    def __init__(self, n=2):
        super().__init__()
        self.n = n
        for i in range(n):
            self.add_module('m' + str(i), nn.Linear(10, 10))
    def forward(self, x):
        for i in range(self.n):
            x = self._modules['m' + str(i)](x)
        return x
nets = nn.ModuleList([Net(), Fan()])
# normlens: input (1, 10)
fan = Fan()
`,
	},
	{
		title: '`eval("Encoder{}".format(name))` of a name reads that name (unknown before)',
		seen: 'YannDubs/disentangling-vae (hunt 13)',
		name: 'vae',
		expected: [136, 136, 0],
		code: `import torch
from torch import nn
class EncoderA(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc = nn.Linear(d, 8)
def get_encoder(name):
    return eval("Encoder{}".format(name))
class VAE(nn.Module):
    def __init__(self, enc_cls):
        super().__init__()
        self.enc = enc_cls(16)
vae = VAE(get_encoder("A"))
`,
	},
	{
		title: '`eval("Encoder{}".format(model_type.lower().capitalize()))`: `str.capitalize` / `title` (unknown before)',
		seen: 'YannDubs/disentangling-vae (hunt 13: its 6 models now as PyTorch)',
		name: 'enc',
		expected: [136, 136, 0],
		code: `import torch
from torch import nn
class EncoderBurgess(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc = nn.Linear(d, 8)
def get_encoder(model_type):
    model_type = model_type.lower().capitalize()
    return eval("Encoder{}".format(model_type))
enc = nn.Sequential(get_encoder("BURGESS")(16), nn.Linear(len("conv_block".title().replace("_", "")), 0))
`,
	},
	{
		title: '`self.experts[int(e)](x)` under a loop NormLens cannot follow: whichever expert runs, calling a module changes no count (unknown before)',
		seen: "rasbt/LLMs-from-scratch's mixture of experts (hunt 14)",
		name: 'moe',
		expected: [1152, 1152, 0],
		code: `import torch
import torch.nn as nn
class MoE(nn.Module):
    def __init__(self, d=16, n=4):
        super().__init__()
        self.gate = nn.Linear(d, n, bias=False)
        self.experts = nn.ModuleList([nn.Linear(d, d) for _ in range(n)])
    def forward(self, x):
        idx = self.gate(x).argmax(-1)
        out = torch.zeros_like(x)
        for e in torch.unique(idx):
            out += self.experts[int(e)](x)
        return out
# normlens: input (1, 5, 16)
moe = MoE()
`,
	},
	{
		title: '`2 * np.cumproduct(scales)[-1]` kept as an attribute: arithmetic on NumPy values is no module part (unknown before)',
		seen: 'fatchord/WaveRNN (hunt 14: its 3 models)',
		name: 'up',
		expected: [45, 45, 0],
		code: `import numpy as np
import torch.nn as nn
class Up(nn.Module):
    def __init__(self, scales):
        super().__init__()
        total_scale = np.cumproduct(scales)[-1]
        self.indent = 2 * total_scale
        self.convs = nn.ModuleList([nn.Conv2d(1, 1, (1, 2 * s + 1), bias=False) for s in scales])
up = Up((5, 5, 11))
`,
	},
];

describe('session 22: unknowns made exact, wrong numbers made exact or unknown', () => {
	it("`F.batch_norm(…, training=True)` on one value per channel raises ValueError in PyTorch, in eval mode too: the forward's output has no shape, and says why (MAML's learner showed (1, 5))", () => {
		const r = analyzePython(`import torch
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.ones(64))
        self.b = nn.Parameter(torch.zeros(64))
        self.fc = nn.Linear(64, 5)
    def forward(self, x, bn_training=True):
        x = F.batch_norm(x, None, None, weight=self.w, bias=self.b, training=bn_training)
        return self.fc(x.view(x.size(0), -1))

# normlens: input (1, 64, 1, 1)
net = Net()
# normlens: input (2, 64, 1, 1)
net2 = Net()
`);
		const [one, two] = ['net', 'net2'].map((n) => r.models.find((m) => m.name === n));
		assert.strictEqual(one?.totals.total, 453);
		assert.strictEqual(one?.calls?.[0]?.outputShape, null);
		assert.match(
			one?.calls?.[0]?.unknown?.reason ?? '',
			/Expected more than 1 value per channel/,
		);
		assert.deepStrictEqual(two?.calls?.[0]?.outputShape, [2, 5]);
	});

	it("`std.data.new(std.size()).normal_()` is a tensor of std's sizes, `x.new(2, 3)` of those; a list is data (Beta-VAE's reparametrization: the output shape was unknown)", () => {
		const r = analyzePython(`import torch
import torch.nn as nn
class V(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)
    def forward(self, x):
        mu = self.fc(x)
        std = mu.mul(0.5).exp_()
        eps = std.data.new(std.size()).normal_()
        return mu + std * eps + x.new(2, 3).sum()
# normlens: input (5, 8)
v = V()
`);
		assert.deepStrictEqual(r.models[0]?.calls?.[0]?.outputShape, [5, 4]);
	});

	it("`torch.pi` is a float (rasbt's GELU: `torch.sqrt(torch.tensor(2.0 / torch.pi))`); a BatchNorm1d given one value per channel keeps the shape eval mode gives, warning where the program runs it in training mode (PyTorch raises), not for the example input (eval mode, as torchinfo)", () => {
		const source = `import torch
import torch.nn as nn
class Head(nn.Module):
    def __init__(self, d=8, n=3):
        super().__init__()
        self.bottleneck = nn.BatchNorm1d(d)
        self.classifier = nn.Linear(d, n)
    def forward(self, x):
        x = x * torch.sqrt(torch.tensor(2.0 / torch.pi))
        return self.classifier(self.bottleneck(x))
# normlens: input (1, 8)
head = Head()
`;
		const example = analyzePython(source);
		assert.deepStrictEqual(example.models[0]?.calls?.[0]?.outputShape, [1, 3]);
		assert.ok(!example.diagnostics.some((d) => d.code === 'batch-size-one'));
		const r = analyzePython(
			source.replace('head = Head()', 'head = Head()\ny = head(torch.randn(1, 8))'),
		);
		assert.deepStrictEqual(r.models[0]?.calls?.[0]?.outputShape, [1, 3]);
		assert.ok(r.diagnostics.some((d) => d.code === 'batch-size-one'));
	});

	it('a decorator whose first name the file does not bind is left alone, whatever its later names match (`@app.route` beside a `def route`)', () => {
		const r = analyzePython(`import torch.nn as nn
def route(fn):
    return None
@app.route
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)
net = Net()
`);
		assert.strictEqual(r.models.find((m) => m.name === 'net')?.totals.total, 8);
	});

	it('`self._modules[name] = m` writes the registry directly: the counts are unknown, saying so', () => {
		const r = analyzePython(`import torch.nn as nn
class MySeq(nn.Module):
    def __init__(self, *mods):
        super().__init__()
        for i, m in enumerate(mods):
            self._modules[str(i)] = m
s = MySeq(nn.Linear(2, 2), nn.ReLU())
`);
		const m = r.models.find((x) => x.name === 's');
		assert.strictEqual(m?.totals.total, null);
		assert.match(m?.unknown?.reason ?? '', /_modules` written directly/);
	});

	for (const { title, seen, name, expected, code } of CASES) {
		it(`${title} (${seen})`, () => {
			const m = analyzePython(code).models.find((x) => x.name === name);
			assert.ok(m, `the model ${name} is shown`);
			assert.deepStrictEqual(
				[m.totals.total, m.totals.trainable, m.totals.buffers],
				expected,
			);
			if (expected[0] === null) {
				assert.ok(m.unknown?.reason, 'an unknown total says why');
			}
		});
	}
});
