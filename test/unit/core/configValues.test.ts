import * as assert from 'assert';
import { analyzePython } from '../../../src/core';
import type { AnalysisResult, ModelSummary } from '../../../src/protocol/analysis';

/**
 * Configuration kept in Python's own structures (EfficientNet-PyTorch's `BlockArgs` named tuples
 * decoded from strings by `re.split`, `type(x) == list` checks, `int('32')`) and the framework
 * details such code reaches (an attribute set on a layer after it is built, a custom
 * torch.autograd.Function). Expected values: Python 3 and PyTorch 1.13 (Debian's python3-torch)
 * running the same code, as each case says.
 */

function modelOf(r: AnalysisResult, name: string): ModelSummary {
	const m = r.models.find((x) => x.name === name);
	assert.ok(m, `a model ${name} in ${r.models.map((x) => x.name).join(', ')}`);
	return m;
}

function total(code: string): number | null {
	return modelOf(analyzePython(code), 'net').totals.total;
}

describe('configuration in Python structures: followed as Python runs it, or unknown saying why', () => {
	it('collections.namedtuple: fields by position and name, defaults (keyword and __new__.__defaults__), _replace, _make, _asdict, _fields, unpacking', () => {
		// PyTorch 1.13: 2,820 parameters.
		assert.strictEqual(
			total(`import collections
import torch
from torch import nn
Block = collections.namedtuple('Block', ['k', 'c_in', 'c_out', 'stride'])
Glob = collections.namedtuple('Glob', 'width, depth dropout')
Glob.__new__.__defaults__ = (None,) * len(Glob._fields)
Opt = collections.namedtuple('Opt', 'a b c', defaults=[5, 6])
b = Block(3, c_in=4, c_out=8, stride=1)
g = Glob(width=2)
o = Opt(1)
b2 = b._replace(c_in=8, c_out=16)
k, ci, co, s = b2
b3 = Block._make([1, co, 4, 2])
d = b3._asdict()
net = nn.Sequential(
    nn.Conv2d(b.c_in, b.c_out, b.k, b.stride),
    nn.Conv2d(ci, co * g.width, k),
    nn.Conv2d(b3[1], d['c_out'] + len(Glob._fields) + (1 if g.depth is None else 0), b3.k),
    nn.Linear(o.b + o.c + o[0], len(b)),
)
`),
			2820,
		);
	});

	it('typing.NamedTuple: annotated fields with defaults, a method reading them, indexing and len', () => {
		// PyTorch 1.13: 1,868.
		assert.strictEqual(
			total(`from typing import NamedTuple
import torch
from torch import nn
class Cfg(NamedTuple):
    dim: int
    heads: int = 2
    ratio: float = 4.0
    def hidden(self):
        return int(self.dim * self.ratio)
c = Cfg(16, heads=4)
net = nn.Sequential(nn.Linear(c.dim, c.hidden()), nn.Linear(c.hidden(), c[1] * len(c)))
`),
			1868,
		);
	});

	it("re.split / findall / sub decode a block string as EfficientNet's BlockDecoder does; re.match without a match is None", () => {
		// PyTorch 1.13: 15,735.
		assert.strictEqual(
			total(`import re
import torch
from torch import nn
def decode(s):
    opts = {}
    for op in s.split('_'):
        splits = re.split(r'(\\d.*)', op)
        if len(splits) >= 2:
            key, value = splits[:2]
            opts[key] = value
    return opts
o = decode('r1_k3_s22_e6_i16_o24_se0.25')
widths = [int(w) for w in re.findall(r'\\d+', 'stage64-stage128x2')]
name = re.sub('[^a-z]', '', 'Res-Net_50')
se = float(o['se']) if 'se' in o else None
has_se = (se is not None) and (0 < se <= 1)
net = nn.Sequential(
    nn.Conv2d(int(o['i']), int(o['o']) * (2 if has_se else 1), int(o['k']), stride=int(o['s'][0])),
    nn.Linear(widths[0], widths[1] + widths[2] + len(name) + (1 if re.match('x', name) is None else 0)),
)
`),
			15735,
		);
	});

	it('a re.match that matches is unknown (its Match object is not modelled), saying so', () => {
		const r = analyzePython(`import re
from torch import nn
m = re.match(r'(\\d+)', '64x')
net = nn.Sequential(nn.Linear(int(m.group(1)), 2))
`);
		const m = modelOf(r, 'net');
		assert.strictEqual(m.totals.total, null);
		assert.match(m.unknown?.reason ?? '', /re\.Match. object, which NormLens does not model/);
	});

	it('type(x) == tuple / is float; int() and float() of text as Python reads it (spaces, underscores, exponents)', () => {
		// PyTorch 1.13: 1,615.
		assert.strictEqual(
			total(`import torch
from torch import nn
def pair(x):
    return x if type(x) == tuple else (x, x)
h, w = pair(8)
h2, w2 = pair((3, 5))
net = nn.Sequential(nn.Linear(int(' 12 ') + int('1_0'), int(float('2.5e1'))), nn.Linear(h * w, h2 * w2 + (1 if type(2.0) is float else 0)))
`),
			1615,
		);
	});

	it("int() of text Python refuses is unknown with Python's ValueError, never a number JavaScript reads", () => {
		// Python 3: int('') and int('1e3') and int('0x10') raise ValueError; NormLens read 0, 1000 and 16.
		for (const text of ["''", "'1e3'", "'0x10'", "'1__0'"]) {
			const r = analyzePython(`from torch import nn
net = nn.Sequential(nn.Linear(int(${text}) + 4, 2))
`);
			const m = modelOf(r, 'net');
			assert.strictEqual(m.totals.total, null, text);
			assert.match(
				m.unknown?.reason ?? '',
				/Python raises ValueError: invalid literal for int\(\)/,
				text,
			);
		}
		const f = modelOf(
			analyzePython(`from torch import nn
net = nn.Sequential(nn.Linear(int(float('1e')), 2))
`),
			'net',
		);
		assert.match(f.unknown?.reason ?? '', /could not convert string to float/);
	});

	it('a named tuple called without a field is unknown (TypeError), not a tuple with a made-up value', () => {
		const r = analyzePython(`import collections
from torch import nn
P = collections.namedtuple('P', 'a b')
p = P(3)
net = nn.Sequential(nn.Linear(p.a, 2))
`);
		const m = modelOf(r, 'net');
		assert.strictEqual(m.totals.total, null);
		assert.match(
			m.unknown?.reason ?? '',
			/leaves `b` without a value \(Python raises TypeError\)/,
		);
	});

	it("an attribute set on a layer after it is built reads back as set: conv.stride = [2, 2] (EfficientNet's same-padding convolutions)", () => {
		// PyTorch 1.13: Conv2d(stride=[2]).stride is (2,); after the assignment len() is 2, so
		// Linear(1, 2) has 4 parameters. NormLens read the configured stride back (2 parameters).
		assert.strictEqual(
			total(`import math
import torch
from torch import nn
c = nn.Conv2d(3, 4, 3, stride=[2])
a = len(c.stride)
c.stride = c.stride if len(c.stride) == 2 else [c.stride[0]] * 2
net = nn.Sequential(nn.Linear(a, len(c.stride)))
`),
			4,
		);
	});

	it('a custom torch.autograd.Function: Fn.apply runs its static forward with a ctx, so the shapes after it are known', () => {
		// PyTorch 1.13: 72,234 parameters, output (2, 10).
		const m = modelOf(
			analyzePython(`import torch
from torch import nn
class Swish(torch.autograd.Function):
    @staticmethod
    def forward(ctx, i):
        result = i * torch.sigmoid(i)
        ctx.save_for_backward(i)
        return result
    @staticmethod
    def backward(ctx, grad_output):
        i = ctx.saved_tensors[0]
        s = torch.sigmoid(i)
        return grad_output * (s * (1 + i * (1 - s)))
class Flatten2(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, start):
        ctx.start = start
        return x.flatten(start)
    @staticmethod
    def backward(ctx, g):
        return g, None
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.fc = nn.Linear(8 * 30 * 30, 10)
    def forward(self, x):
        x = Swish.apply(self.conv(x))
        return self.fc(Flatten2.apply(x, 1))
# normlens: input (2, 3, 32, 32)
net = Net()
`),
			'net',
		);
		assert.strictEqual(m.totals.total, 72234);
		assert.deepStrictEqual(m.calls?.[0]?.outputShape, [2, 10]);
	});
});
