import * as assert from 'assert';
import { analyzePython } from '../../../src/core';
import type {
	AnalysisResult,
	LayerSummary,
	ModelSummary,
	UnknownCause,
} from '../../../src/protocol/analysis';

/**
 * Every `?` in a shape column says why and where: the place the shape was lost (a call NormLens
 * cannot read, an op it cannot compute, a module PyTorch refuses to run), carried by the tensor
 * through every op and module after it. Lines are 0-based, as the analysis reports them.
 */

function model(r: AnalysisResult, name: string): ModelSummary {
	const m = r.models.find((x) => x.name === name);
	assert.ok(m, `model ${name} among ${r.models.map((x) => x.name).join(', ')}`);
	return m;
}

function layer(m: ModelSummary, name: string): LayerSummary {
	const l = m.layers.find((x) => x.name === name);
	assert.ok(l, `layer ${name} among ${m.layers.map((x) => x.name).join(', ')}`);
	return l;
}

/** The line and reason of a layer whose output shape is unknown. */
function shapeCause(l: LayerSummary): { line: number; reason: string } {
	assert.strictEqual(l.outputShape, null, `${l.name}'s shape is unknown`);
	assert.ok(l.unknown, `${l.name} says why its shape is unknown`);
	return { line: l.unknown.range.start.line, reason: l.unknown.reason };
}

const net = (forward: string, init = '') => `import torch
import torch.nn as nn
from mylib import prep

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3)
        self.bn = nn.BatchNorm2d(16)
        self.fc = nn.Linear(16, 10)
${init}
    def forward(self, x):
${forward}

model = Net()
y = model(torch.randn(2, 3, 32, 32))
`;

describe('an unknown shape says where it was lost', () => {
	it('a call NormLens cannot read: every layer after it points at that call, not at itself', () => {
		const r = analyzePython(
			net(
				'        x = prep(x)\n        x = self.bn(self.conv(x))\n        x = x.mean((2, 3))\n        return self.fc(x)',
			),
		);
		const m = model(r, 'model');
		for (const name of ['conv', 'bn', 'fc']) {
			const c = shapeCause(layer(m, name));
			assert.strictEqual(c.line, 12, `${name}: the line of \`prep(x)\``);
			assert.match(c.reason, /^its input's shape is unknown: .*`prep\(…\)`.*mylib\.prep/);
		}
		// Counts do not depend on shapes here: they stay exact (Conv2d 448, BatchNorm2d 32, Linear 170).
		assert.strictEqual(m.totals.total, 650);
	});

	it('the same without the cause: shapes known, nothing unknown', () => {
		const r = analyzePython(
			net(
				'        x = self.bn(self.conv(x))\n        x = x.mean((2, 3))\n        return self.fc(x)',
			),
		);
		const m = model(r, 'model');
		assert.deepStrictEqual(layer(m, 'fc').outputShape, [2, 10]);
		assert.strictEqual(layer(m, 'fc').unknown, undefined);
	});

	it('a torch function NormLens cannot read (torch.load, torch.from_numpy) is the cause of an input it made', () => {
		const r = analyzePython(`import torch
import torch.nn as nn
import numpy as np
net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
batch = torch.load("batch.pt")
y = net(batch)
other = nn.Sequential(nn.Linear(4, 8))
z = other(torch.from_numpy(np.load("x.npy")))
`);
		const a = shapeCause(layer(model(r, 'net'), '2'));
		assert.strictEqual(a.line, 4);
		assert.match(a.reason, /torch\.load/);
		const b = shapeCause(layer(model(r, 'other'), '0'));
		assert.strictEqual(b.line, 7);
		assert.match(b.reason, /torch\.from_numpy/);
	});

	it('an op with no rule: the cause names the op and its line; ops after it pass it on', () => {
		const r = analyzePython(
			net(
				'        x = self.bn(self.conv(x))\n        x = x.frobnicate()\n        x = x.flatten(1)\n        return self.fc(x)',
			),
		);
		const c = shapeCause(layer(model(r, 'model'), 'fc'));
		assert.strictEqual(c.line, 13);
		assert.match(c.reason, /`\.frobnicate\(…\)`/);
	});

	it('an op PyTorch refuses (torch.cat, F.pixel_shuffle, @, torch.add): the rows after it give the error NormLens reports there, not that it cannot compute the shape', () => {
		const r = analyzePython(`import torch
import torch.nn as nn
import torch.nn.functional as F
a = nn.Sequential(nn.Linear(4, 4))
ya = a(torch.cat([torch.randn(2, 4), torch.randn(3, 5)], dim=0))
b = nn.Sequential(nn.Linear(4, 4))
yb = b(F.pixel_shuffle(torch.randn(1, 8, 4, 4), 3))
x = torch.randn(2, 4)
c = nn.Sequential(nn.Linear(4, 4))
yc = c(x @ torch.randn(5, 4))
d = nn.Sequential(nn.Linear(4, 4))
yd = d(torch.add(x, torch.randn(3, 4)))
`);
		// PyTorch 1.13 raises on both: "Sizes of tensors must match except in dimension 0" and
		// "input.size(-3)=8 is not divisible by 9".
		const a = shapeCause(layer(model(r, 'a'), '0'));
		assert.strictEqual(a.line, 4);
		assert.match(a.reason, /torch\.cat: .* differ outside dim 0 \(PyTorch raises here\)$/);
		const b = shapeCause(layer(model(r, 'b'), '0'));
		assert.strictEqual(b.line, 6);
		assert.match(b.reason, /pixel_shuffle .*divisible by 9 .*\(PyTorch raises here\)$/);
		// PyTorch 1.13: "mat1 and mat2 shapes cannot be multiplied (2x4 and 5x4)"; "The size of
		// tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0".
		const c = shapeCause(layer(model(r, 'c'), '0'));
		assert.strictEqual(c.line, 9);
		assert.match(
			c.reason,
			/`x @ y` of shapes \(2, 4\) and \(5, 4\): .*\(PyTorch raises here\)$/,
		);
		const d = shapeCause(layer(model(r, 'd'), '0'));
		assert.strictEqual(d.line, 11);
		assert.match(
			d.reason,
			/\(2, 4\) and \(3, 4\): they do not broadcast \(PyTorch raises here\)$/,
		);
	});

	it("a module PyTorch refuses to run: its row and the rows after it give PyTorch's error at that module", () => {
		const r = analyzePython(`import torch
import torch.nn as nn
net = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.Flatten(), nn.LazyLinear(2))
y = net(torch.randn(2, 4, 32, 32))
`);
		const m = model(r, 'net');
		const conv = shapeCause(layer(m, '0'));
		assert.strictEqual(conv.line, 2);
		assert.match(conv.reason, /expects 3 input channels .* has 4/);
		const bn = shapeCause(layer(m, '1'));
		assert.match(bn.reason, /^its input's shape is unknown: Conv2d expects 3 input channels/);
		// The lazy Linear never gets an input of known shape: its count is unknown, for that reason.
		assert.strictEqual(m.totals.total, null);
		assert.match(
			m.unknown?.reason ?? '',
			/LazyLinear.*whose shape is unknown: Conv2d expects 3/,
		);
	});

	it('a lazy module after an unreadable call: the totals are unknown because of that call, at its line', () => {
		const r = analyzePython(`import torch
import torch.nn as nn
from mylib import prep
net = nn.Sequential(nn.LazyLinear(10), nn.BatchNorm1d(10))
y = net(prep(torch.randn(2, 3)))
`);
		const m = model(r, 'net');
		assert.strictEqual(m.totals.total, null);
		assert.strictEqual(m.unknown?.range.start.line, 4);
		assert.match(
			m.unknown?.reason ?? '',
			/LazyLinear's weights .* whose shape is unknown: .*`prep\(…\)`/,
		);
	});

	it('the same lazy module on a known input: exact (LazyLinear(10) on 3 features: 40; BatchNorm1d(10): 20)', () => {
		const r = analyzePython(`import torch
import torch.nn as nn
net = nn.Sequential(nn.LazyLinear(10), nn.BatchNorm1d(10))
y = net(torch.randn(2, 3))
`);
		assert.strictEqual(model(r, 'net').totals.total, 60);
	});

	it('a size read from a tensor whose shape was lost carries that cause into what it sizes', () => {
		const r = analyzePython(`import torch
import torch.nn as nn
from mylib import prep
x = prep(torch.randn(2, 3))
head = nn.Sequential(nn.Linear(x.size(1), 4))
`);
		const m = model(r, 'head');
		assert.strictEqual(m.totals.total, null);
		assert.strictEqual(m.unknown?.range.start.line, 3);
		assert.match(m.unknown?.reason ?? '', /`prep\(…\)`/);
	});

	it('every size read (x.ndim, x.dim(), x.ndimension(), x.numel(), x.nelement()) of a lost tensor carries its cause', () => {
		const reads = ['x.ndim', 'x.dim()', 'x.ndimension()', 'x.numel()', 'x.nelement()'];
		const r = analyzePython(`import torch
import torch.nn as nn
from mylib import prep
x = prep(torch.randn(2, 3))
${reads.map((e, i) => `m${i} = nn.Sequential(nn.Linear(${e}, 4))`).join('\n')}
k = torch.randn(2, 3, 4)
known = nn.Sequential(nn.Linear(k.ndimension() + k.nelement(), 4))
`);
		reads.forEach((e, i) => {
			const m = model(r, `m${i}`);
			assert.strictEqual(m.totals.total, null, e);
			assert.strictEqual(m.unknown?.range.start.line, 3, e);
			assert.match(m.unknown?.reason ?? '', /`prep\(…\)`/, e);
		});
		// PyTorch 1.13: k.ndimension() 3, k.nelement() 24; Linear(27, 4) has 112 parameters.
		assert.strictEqual(model(r, 'known').totals.total, 112);
	});

	it('torchinfo figures: a mult-adds count that needs a lost shape points at where it was lost', () => {
		const r = analyzePython(
			net(
				'        x = prep(x)\n        x = self.bn(self.conv(x))\n        x = x.mean((2, 3))\n        return self.fc(x)',
			),
		);
		const m = model(r, 'model');
		const conv = m.calls?.find((c) => c.name === 'conv');
		assert.ok(conv, 'the conv call is recorded');
		assert.strictEqual(conv.macs, null);
		assert.strictEqual(conv.unknown?.range.start.line, 12);
		assert.match(conv.unknown?.reason ?? '', /output shape, which is unknown: .*`prep\(…\)`/);
	});

	it("an RNN's final state on a lost input: `out, (h, c) = lstm(x)` unpacks, and h and c carry the input's cause", () => {
		const src = (input: string) => `import torch
import torch.nn as nn
from mylib import prep

class L(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(8, 16, batch_first=True)
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        out, (h, c) = self.rnn(x)
        return self.fc(h[-1])

class G(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(8, 16, batch_first=True)
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        out, h = self.rnn(x)
        return self.fc(h[-1])

l = L()
yl = l(${input})
g = G()
yg = g(${input})
`;
		const lost = analyzePython(src('prep(torch.randn(2, 7, 8))'));
		for (const name of ['l', 'g']) {
			const c = shapeCause(layer(model(lost, name), 'fc'));
			assert.match(c.reason, /^its input's shape is unknown: .*`prep\(…\)`/, name);
			assert.strictEqual(c.line, name === 'l' ? 25 : 27, `${name}: the line of \`prep(…)\``);
		}
		// The same on a known input (PyTorch 1.13: h_n (1, 2, 16), h[-1] (2, 16), fc (2, 4); LSTM 1,664, GRU 1,248, Linear 68).
		const known = analyzePython(src('torch.randn(2, 7, 8)'));
		assert.deepStrictEqual(layer(model(known, 'l'), 'fc').outputShape, [2, 4]);
		assert.deepStrictEqual(layer(model(known, 'g'), 'fc').outputShape, [2, 4]);
		assert.strictEqual(model(known, 'l').totals.total, 1664 + 68);
		assert.strictEqual(model(known, 'g').totals.total, 1248 + 68);
	});

	it("an LSTM's proj_size NormLens does not know: its counts and h_n are unknown, not those of proj_size=0", () => {
		const src = (proj: string) => `import torch
import torch.nn as nn
from mylib import P

class N(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, proj_size=${proj})
        self.fc = nn.Linear(16, 2)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return self.fc(c[-1]), h

n = N()
y = n(torch.randn(7, 2, 8))
`;
		const unknown = model(analyzePython(src('P')), 'n');
		assert.strictEqual(unknown.totals.total, null);
		assert.strictEqual(layer(unknown, 'lstm').outputShape, null);
		// c_n has the hidden size whatever proj_size is: fc's shape stays known.
		assert.deepStrictEqual(layer(unknown, 'fc').outputShape, [2, 2]);
		// PyTorch 1.13, LSTM(8, 16, proj_size=4) on (7, 2, 8): 960 parameters, output (7, 2, 4); fc(c[-1]) (2, 2), 34.
		const four = model(analyzePython(src('4')), 'n');
		assert.strictEqual(four.totals.total, 960 + 34);
		assert.deepStrictEqual(layer(four, 'lstm').outputShape, [7, 2, 4]);
		assert.deepStrictEqual(layer(four, 'fc').outputShape, [2, 2]);
	});

	it("a MultiheadAttention's attention weights: an unknown that says NormLens does not model them, at the module", () => {
		const r = analyzePython(`import torch
import torch.nn as nn

class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.att = nn.MultiheadAttention(16, 2, batch_first=True)
        self.fc = nn.Linear(7, 4)

    def forward(self, x):
        o, w = self.att(x, x, x)
        return self.fc(w)

a = A()
y = a(torch.randn(2, 7, 16))
`);
		const c = shapeCause(layer(model(r, 'a'), 'fc'));
		assert.strictEqual(c.line, 6);
		assert.match(c.reason, /attention weights a MultiheadAttention returns/);
	});

	it('a parameter or buffer made from a tensor whose shape was lost: the totals point at that call', () => {
		const r = analyzePython(`import torch
import torch.nn as nn
from mylib import prep

class B(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer('buf', prep(torch.zeros(3)))
        self.fc = nn.Linear(4, 2)

class P(nn.Module):
    def __init__(self):
        super().__init__()
        self.pe = nn.Parameter(prep(torch.zeros(1, 5, 4)))
        self.fc = nn.Linear(4, 2)

b = B()
p = P()
`);
		// A buffer of unknown size leaves the buffers unknown; the parameters (Linear(4, 2): 10) stay exact.
		for (const [name, line, total, buffers] of [
			['b', 7, 10, null],
			['p', 13, null, 0],
		] as const) {
			const m = model(r, name);
			assert.deepStrictEqual([m.totals.total, m.totals.buffers], [total, buffers], name);
			assert.strictEqual(m.unknown?.range.start.line, line, name);
			assert.match(m.unknown?.reason ?? '', /`prep\(…\)`/, name);
		}
	});

	it('a container row: an empty nn.Sequential passes its input on (and its cause); a ParameterList has no forward', () => {
		const src = (input: string) => `import torch
import torch.nn as nn
from mylib import prep

class S(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.shortcut = nn.Sequential()
        self.scales = nn.ParameterList([nn.Parameter(torch.ones(4))])

    def forward(self, x):
        return self.fc(x) + self.shortcut(x)

s = S()
y = s(${input})
`;
		const lost = model(analyzePython(src('prep(torch.randn(2, 4))')), 's');
		const c = shapeCause(layer(lost, 'shortcut'));
		assert.strictEqual(c.line, 15);
		assert.match(c.reason, /^its input's shape is unknown: .*`prep\(…\)`/);
		assert.match(shapeCause(layer(lost, 'scales')).reason, /ParameterList .* no forward/);
		// PyTorch 1.13: nn.Sequential()(x) is x, (2, 4).
		const known = model(analyzePython(src('torch.randn(2, 4)')), 's');
		assert.deepStrictEqual(layer(known, 'shortcut').outputShape, [2, 4]);
	});

	it("torchinfo's sizes: parameters that a lost shape leaves unknown point at where it was lost, not at the module", () => {
		const r = analyzePython(`import torch
import torch.nn as nn
from mylib import prep

class U(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.LazyConv2d(8, 3)
        self.bn = nn.BatchNorm2d(8)

    def forward(self, img):
        return self.bn(self.conv(prep(img)))

u = U()
out = u(torch.randn(2, 3, 8, 8))
`);
		const e = model(r, 'u').estimates;
		assert.ok(e, 'torchinfo estimates');
		for (const figure of ['forwardBackwardBytes', 'paramBytes', 'totalBytes'] as const) {
			assert.strictEqual(e[figure], null, figure);
			const c: UnknownCause | undefined = e.causes[figure];
			assert.strictEqual(c?.range.start.line, 11, `${figure}: the line of \`prep(img)\``);
			assert.match(c?.reason ?? '', /LazyConv2d's weights .*`prep\(…\)`/, figure);
		}
	});
});
