import * as assert from 'assert';
import { analyzePython } from '../../../src/core';

/**
 * Session 23 (2026-12-07): the training mode of the forwards NormLens runs itself. torchinfo's
 * `summary` runs its forward in eval mode (`mode='eval'` by default in every release up to 1.8.0)
 * and ends with `model.train(saved_model_mode)`; torchsummary runs the model's own mode; the example
 * input NormLens gives a model nobody calls runs as torchinfo's does. Expected shapes: Debian's
 * PyTorch 1.13 on the same forward after `model.eval()` / `model.train()` as torchinfo 1.8.0's
 * `forward_pass` sets them (torchinfo itself is not installed there).
 */
const NET = `import torch
import torch.nn as nn
from torchinfo import summary

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)
        self.bn = nn.BatchNorm1d(4)
        self.head = nn.Linear(4, 2)
    def forward(self, x):
        f = self.bn(self.fc(x))
        if self.training:
            return f
        return self.head(f)
`;

const outputOf = (code: string, name: string) =>
	analyzePython(code).models.find((m) => m.name === name)?.calls?.[0]?.outputShape;

describe('session 23: the training mode of the forwards NormLens runs itself', () => {
	it("torchinfo's summary runs eval mode by default (reid-strong-baseline's `if self.training:` head): (1, 2), and no batch-of-one warning", () => {
		const code = `${NET}net = Net()\nsummary(net, input_size=(1, 8))\n`;
		assert.deepStrictEqual(outputOf(code, 'net'), [1, 2]);
		assert.ok(!analyzePython(code).diagnostics.some((d) => d.code === 'batch-size-one'));
	});

	it("torchinfo's `mode='train'` runs the training branch, `mode='same'` the model's own mode", () => {
		assert.deepStrictEqual(
			outputOf(`${NET}net = Net()\nsummary(net, input_size=(3, 8), mode='train')\n`, 'net'),
			[3, 4],
		);
		assert.deepStrictEqual(
			outputOf(`${NET}net = Net()\nsummary(net, input_size=(3, 8), mode='same')\n`, 'net'),
			[3, 4],
		);
		assert.deepStrictEqual(
			outputOf(
				`${NET}net = Net()\nnet.eval()\nsummary(net, input_size=(3, 8), mode='same')\n`,
				'net',
			),
			[3, 2],
		);
	});

	it('torchinfo refuses a mode it does not know: the training mode, and so the forward past the branch, is unknown', () => {
		const r = analyzePython(
			`${NET}net = Net()\nsummary(net, input_size=(3, 8), mode='test')\n`,
		);
		const call = r.models.find((m) => m.name === 'net')?.calls?.[0];
		assert.strictEqual(call?.outputShape ?? null, null);
	});

	it('torchsummary runs the model in the mode it is in (training: the branch that returns the features)', () => {
		const code = NET.replace(
			'from torchinfo import summary',
			'from torchsummary import summary',
		);
		assert.deepStrictEqual(outputOf(`${code}net = Net()\nsummary(net, (8,))\n`, 'net'), [
			null,
			4,
		]);
		assert.deepStrictEqual(
			outputOf(`${code}net = Net()\nnet.eval()\nsummary(net, (8,))\n`, 'net'),
			[null, 2],
		);
	});

	it("after torchinfo's summary every module is in the model's mode (`model.train(saved_model_mode)`): a part put in eval mode before is training again", () => {
		// PyTorch 1.13: net.fc.eval(); net.eval(); net(x); net.train(True) → net.fc.training is True,
		// so a later call of the part alone in training mode: `Linear(8, 1 + net.fc.training)`, 9 + 9 weights.
		const code = `${NET}net = Net()\nnet.bn.eval()\nsummary(net, input_size=(2, 8))\nprobe = nn.Sequential(nn.Linear(8, 1 + int(net.bn.training)))\n`;
		const r = analyzePython(code);
		assert.strictEqual(r.models.find((m) => m.name === 'probe')?.totals.total, 18);
	});

	it('the example input (`# normlens: input`) runs eval mode and leaves the modes of the program as they were', () => {
		const code = `${NET}# normlens: input (2, 8)\nnet = Net()\n`;
		assert.deepStrictEqual(outputOf(code, 'net'), [2, 2]);
		// The program's own call runs the mode the module is in: training, the features.
		assert.deepStrictEqual(
			outputOf(`${NET}net = Net()\ny = net(torch.randn(2, 8))\n`, 'net'),
			[2, 4],
		);
	});
});

/**
 * The thirteenth PyTorch hunt (session 23: 236 models from 22 repositories, no wrong number):
 * unknowns PyTorch's and Python's rules decide. Expected: PyTorch 1.13 on the same code.
 */
describe('PyTorch hunt 13: attributes that can hold no parameter keep the counts', () => {
	const totals = (code: string, name: string) => {
		const m = analyzePython(code).models.find((x) => x.name === name);
		return [m?.totals.total ?? null, m?.totals.trainable ?? null, m?.totals.buffers ?? null];
	};

	it('`len(x)` of a value NormLens does not hold is an int all the same (abarankab/DDPM: `self.num_timesteps = len(betas)`)', () => {
		assert.deepStrictEqual(
			totals(
				`import numpy as np
import torch.nn as nn
class Diffusion(nn.Module):
    def __init__(self, model, betas):
        super().__init__()
        self.model = model
        self.num_timesteps = len(betas)
model = Diffusion(nn.Linear(4, 4), np.linspace(1e-4, 0.02, 1000))
`,
				'model',
			),
			[20, 20, 0],
		);
	});

	it('a tensor class chosen by a condition NormLens cannot decide is no module (Sentence-VAE: `torch.cuda.FloatTensor if cuda else torch.Tensor`)', () => {
		assert.deepStrictEqual(
			totals(
				`import torch
import torch.nn as nn
class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.tensor = torch.cuda.FloatTensor if torch.cuda.is_available() else torch.Tensor
        self.fc = nn.Linear(4, 2)
model = VAE()
`,
				'model',
			),
			[10, 10, 0],
		);
	});

	it("`torch.FloatTensor([float('-inf')])` holds one float whatever its value (PointerNet's mask Parameter)", () => {
		assert.deepStrictEqual(
			totals(
				`import torch
import torch.nn as nn
from torch.nn import Parameter
class Attention(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc = nn.Linear(d, d)
        self._inf = Parameter(torch.FloatTensor([float('-inf')]), requires_grad=False)
        self._ninf = nn.Parameter(torch.tensor([float('inf'), float('nan')]))
model = Attention(4)
`,
				'model',
			),
			[23, 22, 0],
		);
	});
});

describe('PyTorch hunt 13: configs that are dicts with attributes (`dotdict`, `AttrDict`, easydict)', () => {
	it('`type(cfg)` is the dict subclass, and `copy.deepcopy(cfg)` a new one whose attributes are its own items (PyTorch 1.13: 24)', () => {
		const r = analyzePython(`import copy
import torch.nn as nn
class AttrDict(dict):
    def __init__(self, *args, **kwargs):
        super(AttrDict, self).__init__(*args, **kwargs)
        self.__dict__ = self
cfg = AttrDict(n=3)
c2 = copy.deepcopy(cfg)
c2.n = 5
same = type(cfg) == dict
net = nn.Sequential(nn.Linear(cfg.n, c2.n), nn.Linear(1, 1 + same + (type(cfg) is AttrDict)))
`);
		assert.strictEqual(r.models.find((m) => m.name === 'net')?.totals.total, 24);
	});

	const total = (code: string, name: string) =>
		analyzePython(code).models.find((m) => m.name === name)?.totals.total ?? null;

	it('`__getattr__ = dict.get` / `__setattr__ = dict.__setitem__` (openai-transformer-lm: 116,203,777 once readable; unknown before)', () => {
		// PyTorch 1.13: 2,212.
		assert.strictEqual(
			total(
				`import torch.nn as nn
class dotdict(dict):
    __getattr__ = dict.get
    __setattr__ = dict.__setitem__
    __delattr__ = dict.__delitem__
CFG = dotdict({'n_embd': 16, 'n_layer': 2})
CFG.extra = 3
net = nn.Sequential(nn.Embedding(100, CFG.n_embd), *[nn.Linear(CFG.n_embd, CFG.n_embd) for _ in range(CFG.n_layer)], nn.Linear(16, CFG.extra + (CFG.missing is None)))
`,
				'net',
			),
			2212,
		);
	});

	it('`self.__dict__ = self` and a `__getattr__` method of the class (PyTorch 1.13: 2,144 each)', () => {
		const body = `net = nn.Sequential(nn.Embedding(100, cfg.n_embd), *[nn.Linear(cfg.n_embd, cfg.n_embd) for _ in range(cfg['n_layer'])])\n`;
		assert.strictEqual(
			total(
				`import torch.nn as nn
class AttrDict(dict):
    def __init__(self, *args, **kwargs):
        super(AttrDict, self).__init__(*args, **kwargs)
        self.__dict__ = self
cfg = AttrDict(n_embd=16, n_layer=2)
${body}`,
				'net',
			),
			2144,
		);
		assert.strictEqual(
			total(
				`import torch.nn as nn
class Cfg(dict):
    def __getattr__(self, name):
        return self[name]
    def __setattr__(self, name, value):
        self[name] = value
cfg = Cfg(n_embd=16)
cfg.n_layer = 2
${body}`,
				'net',
			),
			2144,
		);
	});

	it("easydict's EasyDict: nested dicts become EasyDicts through its `__setattr__`, `isinstance(cfg, dict)`, `len`, `dict(**cfg)`, `.get` (PyTorch 1.13: 291 and 12)", () => {
		const code = `import torch.nn as nn
class EasyDict(dict):
    def __init__(self, d=None, **kwargs):
        if d is None:
            d = {}
        if kwargs:
            d.update(**kwargs)
        for k, v in d.items():
            setattr(self, k, v)
        for k in self.__class__.__dict__.keys():
            if not (k.startswith('__') and k.endswith('__')) and not k in ('update', 'pop'):
                setattr(self, k, getattr(self, k))
    def __setattr__(self, name, value):
        if isinstance(value, (list, tuple)):
            value = [self.__class__(x) if isinstance(x, dict) else x for x in value]
        elif isinstance(value, dict) and not isinstance(value, self.__class__):
            value = self.__class__(value)
        super(EasyDict, self).__setattr__(name, value)
        super(EasyDict, self).__setitem__(name, value)
    __setitem__ = __setattr__
cfg = EasyDict({'model': {'width': 8, 'depth': 3}, 'classes': 5})
cfg.dropout = 0.1
w = cfg.model.width
layers = [nn.Linear(w, w) for _ in range(cfg['model']['depth'])]
net = nn.Sequential(*layers, nn.Dropout(cfg.dropout), nn.Linear(w, cfg.classes), nn.Linear(cfg.classes, 1 + isinstance(cfg, dict) + len(cfg)))
opt = dict(**cfg)
net2 = nn.Sequential(nn.Linear(opt['classes'], cfg.get('missing', 2)))
`;
		assert.strictEqual(total(code, 'net'), 291);
		assert.strictEqual(total(code, 'net2'), 12);
	});
});

/**
 * The fourteenth PyTorch hunt (session 23: course, book and tutorial code): its two wrong numbers,
 * found by reducing its constructs. Expected: PyTorch 1.13 on the same code.
 */
describe('PyTorch hunt 14: the class Python builds, as Python builds it', () => {
	const total = (code: string, name: string) =>
		analyzePython(code).models.find((m) => m.name === name)?.totals.total ?? null;

	it("an nn.Module mixin listed before a torch.nn class is still that class: nn.Module comes last in the MRO (SPINN's `class Linear(Bottle, nn.Linear)`: 0 before)", () => {
		const code = `import torch.nn as nn
class Bottle(nn.Module):
    def forward(self, input):
        if len(input.size()) <= 2:
            return super(Bottle, self).forward(input)
        size = input.size()[:2]
        out = super(Bottle, self).forward(input.view(size[0] * size[1], -1))
        return out.view(size[0], size[1], -1)
class Linear(Bottle, nn.Linear):
    pass
class Seq(Bottle, nn.Sequential):
    pass
# normlens: input (2, 7, 3)
lin = Linear(3, 4)
seq = Seq(nn.Linear(3, 4), nn.Linear(4, 2))
`;
		const r = analyzePython(code);
		assert.strictEqual(r.models.find((m) => m.name === 'lin')?.totals.total, 16);
		assert.deepStrictEqual(
			r.models.find((m) => m.name === 'lin')?.calls?.[0]?.outputShape,
			[2, 7, 4],
		);
		assert.strictEqual(r.models.find((m) => m.name === 'seq')?.totals.total, 26);
	});

	it("a method set on the class after its body replaces the body's (`Net.make = f`, `setattr(Net, 'make', f)`, d2l's `@add_to_class(Net)`: 6 for PyTorch's 20)", () => {
		const base = `import torch.nn as nn
def add_to_class(Class):
    def wrapper(obj):
        setattr(Class, obj.__name__, obj)
    return wrapper
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = self.make()
    def make(self):
        return nn.Linear(2, 2)
    def forward(self, x):
        return self.fc(x)
`;
		const make = 'def make(self):\n    return nn.Linear(4, 4)\n';
		for (const route of [
			`${make}Net.make = make\n`,
			`${make}setattr(Net, 'make', make)\n`,
			`@add_to_class(Net)\n${make}`,
		]) {
			assert.strictEqual(
				total(`${base}${route}# normlens: input (3, 4)\nmodel = Net()\n`, 'model'),
				20,
				route,
			);
		}
		// d2l replaces `__init__` itself this way (its ResNet, GoogLeNet, DenseNet): 30.
		assert.strictEqual(
			total(
				`${base}class Wide(Net):
    pass
@add_to_class(Wide)
def __init__(self, width=5):
    super(Wide, self).__init__()
    self.fc = nn.Linear(width, width)
wide = Wide(width=5)
`,
				'wide',
			),
			30,
		);
	});
});

describe("PyTorch hunt 14: d2l's `save_hyperparameters` reads its caller's frame", () => {
	it("`w.size(0)` of a Parameter is one size, not its torch.Size (`if self.w.size(0) == 6:` took the other branch: 20 for PyTorch 1.13's 58)", () => {
		const r = analyzePython(`import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(6, 3))
        if self.w.size(0) == 6:
            self.fc = nn.Linear(self.w.size(dim=1), 10)
        else:
            self.fc = nn.Linear(1, 1)
    def forward(self, x):
        return torch.zeros(x.size(0), self.w.size(0), 28)
# normlens: input (4, 3)
m = M()
`);
		const m = r.models.find((x) => x.name === 'm');
		assert.strictEqual(m?.totals.total, 58);
		assert.deepStrictEqual(m?.calls?.[0]?.outputShape, [4, 6, 28]);
	});

	it("`len()` of an instance of a source class runs its `__len__` (CS224n's VocabEntry: PyTorch 1.13's 12)", () => {
		const r = analyzePython(`import torch.nn as nn
class VocabEntry:
    def __init__(self):
        self.word2id = dict()
        for w in ['<pad>', '<s>', '</s>', '<unk>']:
            self.word2id[w] = len(self.word2id)
    def __len__(self):
        return len(self.word2id)
class Vocab:
    def __init__(self, src):
        self.src = src
class Emb(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.source = nn.Embedding(len(vocab.src), 3)
emb = Emb(Vocab(VocabEntry()))
`);
		assert.strictEqual(r.models.find((m) => m.name === 'emb')?.totals.total, 12);
	});

	it('`inspect.currentframe().f_back` and `inspect.getargvalues(frame)` over source methods (19 d2l models unknown before; PyTorch 1.13: 30)', () => {
		const code = `import inspect
import torch.nn as nn
class HP:
    def save_hyperparameters(self, ignore=[]):
        frame = inspect.currentframe().f_back
        _, _, _, local_vars = inspect.getargvalues(frame)
        self.hparams = {k: v for k, v in local_vars.items() if k not in set(ignore + ['self']) and not k.startswith('_')}
        for k, v in self.hparams.items():
            setattr(self, k, v)
class Net(nn.Module, HP):
    def __init__(self, width=5, lr=0.1):
        super().__init__()
        self.save_hyperparameters(ignore=['lr'])
        self.fc = nn.Linear(self.width, self.width)
    def forward(self, x):
        return self.fc(x)
# normlens: input (2, 5)
model = Net()
`;
		const m = analyzePython(code).models.find((x) => x.name === 'model');
		assert.strictEqual(m?.totals.total, 30);
		assert.deepStrictEqual(m?.calls?.[0]?.outputShape, [2, 5]);
		// Called from a plain function, the frame behind it is not followed: unknown, not a guess.
		const helper = analyzePython(
			code
				.replace(
					"        self.save_hyperparameters(ignore=['lr'])\n",
					'        save(self)\n',
				)
				.replace(
					'# normlens:',
					'def save(obj):\n    obj.save_hyperparameters()\n# normlens:',
				),
		);
		assert.strictEqual(
			helper.models.find((x) => x.name === 'model')?.totals.total ?? null,
			null,
		);
		assert.ok(
			helper.diagnostics.some((d) =>
				/called this method is not a method of the source/.test(d.message),
			),
		);
	});
});

describe('PyTorch hunt 13: a class whose `__new__` returns another object', () => {
	it("muzero's `MuZeroNetwork(config)`: `__new__` returns the network it picks, and no `__init__` runs (no model before; PyTorch 1.13: 10)", () => {
		const r = analyzePython(`import torch.nn as nn
class Net(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.fc = nn.Linear(n, 2)
class Factory:
    def __new__(cls, n):
        if n > 2:
            return Net(n)
        raise NotImplementedError
    def __init__(self, n):
        self.never = nn.Linear(100, 100)
class Plain:
    def __new__(cls, *args, **kwargs):
        return super().__new__(cls)
    def __init__(self, n):
        self.n = n
model = Factory(4)
other = nn.Sequential(nn.Linear(Plain(3).n, 1))
`);
		assert.strictEqual(r.models.find((m) => m.name === 'model')?.totals.total, 10);
		assert.strictEqual(r.models.find((m) => m.name === 'other')?.totals.total, 4);
	});
});

describe('exceptions Python raises for certain, taken by the `except` that names their class', () => {
	it('a missing attribute through getattr, `raise ValueError`, a raise inside a called function: the handler that takes it runs, the others do not (Python: 47)', () => {
		const r = analyzePython(`import torch.nn as nn
class Cfg:
    def __init__(self):
        self.a = 4
cfg = Cfg()
try:
    w = getattr(cfg, 'width')
except AttributeError:
    w = 8
try:
    raise ValueError('x')
except KeyError:
    k = 100
except (TypeError, ValueError) as e:
    k = 2
finally:
    f = 1
def pick(n):
    try:
        if n > 3:
            raise NotImplementedError
        return n
    except RuntimeError:
        return 5
net = nn.Sequential(nn.Linear(w, k + f), nn.Linear(3, pick(9)), nn.Linear(1, getattr(cfg, 'depth', 2)))
`);
		// 8·3 + 3, 3·5 + 5, 1·2 + 2.
		assert.strictEqual(r.models.find((m) => m.name === 'net')?.totals.total, 47 + 4);
	});

	it('an exception no handler names goes on unwinding (a class the code defines is not compared: each handler may run)', () => {
		const r = analyzePython(`import torch.nn as nn
class MyError(Exception):
    pass
def build():
    try:
        raise KeyError('k')
    except ValueError:
        return nn.Sequential(nn.Linear(2, 2))
    return nn.Sequential(nn.Linear(3, 3))
try:
    raise MyError()
except MyError:
    n = 4
net = nn.Sequential(nn.Linear(n, 1))
other = build()
`);
		assert.strictEqual(r.models.find((m) => m.name === 'net')?.totals.total ?? null, null);
		assert.strictEqual(r.models.find((m) => m.name === 'other')?.totals.total ?? null, null);
	});
});

/**
 * The fifteenth PyTorch hunt (session 23: modern architectures from scratch, no wrong number on the
 * 119 models; 46 construct probes, four of them wrong). Expected: PyTorch 1.13 on the same code.
 */
describe('PyTorch hunt 15: classes built as Python builds them', () => {
	const total = (code: string, name = 'm') =>
		analyzePython(code).models.find((x) => x.name === name)?.totals.total ?? null;

	it("a data descriptor of the class takes `self.width = 5` and gives back 10 (`__set_name__`, `__get__`, `__set__`: 12 for PyTorch 1.13's 22)", () => {
		assert.strictEqual(
			total(`import torch.nn as nn
class Doubled:
    def __set_name__(self, owner, name):
        self.name = '_' + name
    def __get__(self, obj, objtype=None):
        return getattr(obj, self.name) * 2
    def __set__(self, obj, value):
        object.__setattr__(obj, self.name, value)
class M(nn.Module):
    width = Doubled()
    def __init__(self):
        super().__init__()
        self.width = 5
        self.fc = nn.Linear(self.width, 2)
m = M()
`),
			22,
		);
	});

	it("`__init_subclass__` runs with the class keywords (`class Wide(Base, width=10)`: 9 for PyTorch 1.13's 33)", () => {
		assert.strictEqual(
			total(`import torch.nn as nn
class Base(nn.Module):
    width = 2
    def __init_subclass__(cls, width=4, **kw):
        super().__init_subclass__(**kw)
        cls.width = width
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(self.width, 3)
class Wide(Base, width=10):
    pass
m = Wide()
`),
			33,
		);
	});

	it("`@functools.lru_cache` returns the first call's module for equal arguments, which PyTorch counts once (84 for 42); its maxsize evicts", () => {
		const code = `import functools
from functools import lru_cache
import torch.nn as nn
@functools.lru_cache(maxsize=None)
def shared(n):
    return nn.Linear(n, n)
@lru_cache(maxsize=1)
def lin(n):
    return nn.Linear(n, n)
m = nn.Sequential(shared(6), shared(6))
a = lin(3)
b = lin(4)
two = nn.Sequential(a, b, lin(3))
`;
		assert.strictEqual(total(code), 42);
		// 12 + 20 + 12: lin(4) evicted lin(3)'s entry.
		assert.strictEqual(total(code, 'two'), 44);
	});

	it("a metaclass with its own `__call__` makes the instances: unknown, saying so (20 for PyTorch 1.13's 40)", () => {
		const r = analyzePython(`import torch.nn as nn
class Meta(type(nn.Module)):
    def __call__(cls, *a, **k):
        obj = super().__call__(*a, **k)
        obj.extra = nn.Linear(4, 4)
        return obj
class M(nn.Module, metaclass=Meta):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
m = M()
`);
		const m = r.models.find((x) => x.name === 'm');
		assert.strictEqual(m?.totals.total ?? null, null);
		assert.match(m?.unknown?.reason ?? '', /metaclass defines `__call__`/);
	});

	it("indexing a number raises TypeError: the constructor builds nothing, and no output shape is shown (I-JEPA's `img_size[0]` given an int)", () => {
		const r = analyzePython(`import torch.nn as nn
class M(nn.Module):
    def __init__(self, img_size=64):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.n = img_size[0] // 2
    def forward(self, x):
        return self.fc(x)
# normlens: input (2, 4)
m = M()
`);
		const m = r.models.find((x) => x.name === 'm');
		assert.strictEqual(m?.totals.total ?? null, null);
		assert.strictEqual(m?.calls?.[0]?.outputShape ?? null, null);
		assert.ok(
			r.diagnostics.some((d) => /indexes a number: Python raises TypeError/.test(d.message)),
		);
	});

	it("`super()` stops at a framework base listed before a mixin: `class B(A, Mixin)` with `A(nn.Module)` runs nn.Module's `__init__`, not Mixin's (18 for PyTorch 1.13's 6); loralib's `super(ConvLoRA, self).__init__()` (unknown before: 20)", () => {
		const r = analyzePython(`import torch.nn as nn
class Mixin:
    def __init__(self, *a, **k):
        self.extra = nn.Linear(3, 3)
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)
class B(A, Mixin):
    pass
class LoRALayer:
    def __init__(self, r):
        self.r = r
class ConvLoRA(nn.Module, LoRALayer):
    def __init__(self, d=4, r=0):
        super(ConvLoRA, self).__init__()
        LoRALayer.__init__(self, r=r)
        self.fc = nn.Linear(d, d)
b = B()
lora = ConvLoRA()
`);
		assert.strictEqual(r.models.find((m) => m.name === 'b')?.totals.total, 6);
		assert.strictEqual(r.models.find((m) => m.name === 'lora')?.totals.total, 20);
	});

	it("a keyword no constructor of the module takes is PyTorch's TypeError: unknown, saying so (`nn.Linear(3, 3, foo=1)` counted 12); `device=` / `dtype=` and the arguments PyTorch 1.13 takes stay exact", () => {
		const r = analyzePython(`import torch.nn as nn
bad = nn.Sequential(nn.Linear(3, 3, foo=1))
good = nn.Sequential(nn.Linear(3, 3, device='cpu'), nn.Embedding(5, 3, sparse=True, scale_grad_by_freq=True), nn.AvgPool2d(2, divisor_override=1))
`);
		const bad = r.models.find((m) => m.name === 'bad');
		assert.strictEqual(bad?.totals.total ?? null, null);
		assert.match(bad?.unknown?.reason ?? '', /takes no argument `foo`/);
		assert.strictEqual(r.models.find((m) => m.name === 'good')?.totals.total, 12 + 15);
	});

	it("a tensor is never a PackedSequence (torchMoji's `isinstance(input, PackedSequence)`: PyTorch 1.13's 16 and (2, 7, 4))", () => {
		const r = analyzePython(`import torch.nn as nn
from torch.nn.utils.rnn import PackedSequence
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)
    def forward(self, input):
        if isinstance(input, PackedSequence):
            return self.fc(input.data)
        return self.fc(input)
# normlens: input (2, 7, 3)
m = M()
`);
		const m = r.models.find((x) => x.name === 'm');
		assert.strictEqual(m?.totals.total, 16);
		assert.deepStrictEqual(m?.calls?.[0]?.outputShape, [2, 7, 4]);
	});

	it('`isinstance(module, torch.Tensor)` is False; a state-dict hook registers nothing (linformer, gpt-fast: 20 each)', () => {
		assert.strictEqual(
			total(`import torch, torch.nn as nn
class M(nn.Module):
    def __init__(self, proj):
        super().__init__()
        self.proj = proj
        self.is_tensor = isinstance(proj, torch.Tensor)
        self._register_load_state_dict_pre_hook(self.hook)
    def hook(self, state_dict, prefix, *args):
        pass
m = M(nn.Linear(4, 4))
`),
			20,
		);
	});
});
