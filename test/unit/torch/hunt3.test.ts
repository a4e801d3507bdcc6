import * as assert from 'assert';
import { analyzePython } from '../../../src/core';
import type { AnalysisResult, ModelSummary } from '../../../src/protocol/analysis';

/**
 * Constructs from the third PyTorch hunt (2026-12-07: 147 models from 28 repositories —
 * guided-diffusion, PSPNet, MAE, Swin, PointNet, PyTorch-GAN, timm-style helpers — against
 * PyTorch 1.13), each reduced to a few lines. Expected values: Debian's PyTorch 1.13 running the
 * same code (parameters, buffers, the output of the model on the example input).
 */

function only(r: AnalysisResult): ModelSummary {
	assert.strictEqual(r.models.length, 1, r.models.map((m) => m.name).join(', '));
	return r.models[0];
}

const output = (m: ModelSummary) => m.calls?.[0]?.outputShape ?? null;

describe('the third PyTorch hunt: exact where PyTorch decides, unknown saying why otherwise', () => {
	it('a subclass of nn.Sequential without an __init__ of its own registers the modules it is given', () => {
		// guided-diffusion's TimestepEmbedSequential: NormLens counted 0 (PyTorch 1.13: 325; the
		// UNet 121,063,942 where NormLens said 335,878).
		assert.strictEqual(
			only(
				analyzePython(`import torch.nn as nn

class MySeq(nn.Sequential):
    def forward(self, x):
        for layer in self:
            x = layer(x)
        return x

model = MySeq(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 5))
`),
			).totals.total,
			325,
		);
	});

	it('a loss called without its target ends the forward (PyTorch raises): no output shape, saying why', () => {
		// hszhao/semseg PSPNet called in training mode: criterion(x, None) raises TypeError;
		// NormLens showed the first output of the training branch, (1, 9, 9).
		const source = `import torch
import torch.nn as nn

class Seg(nn.Module):
    def __init__(self, criterion=nn.CrossEntropyLoss(ignore_index=255)):
        super().__init__()
        self.cls = nn.Conv2d(3, 21, 1)
        self.criterion = criterion

    def forward(self, x, y=None):
        x = self.cls(x)
        if self.training:
            main_loss = self.criterion(x, y)
            return x.max(1)[1], main_loss
        else:
            return x

model = Seg()
out = model(torch.randn(1, 3, 9, 9))
`;
		const m = only(analyzePython(source));
		assert.strictEqual(output(m), null);
		assert.match(
			m.calls?.[0]?.unknown?.reason ?? '',
			/CrossEntropyLoss is called without a target tensor \(None\): PyTorch raises TypeError/,
		);
		// The example input NormLens gives runs as torchinfo's summary does, in eval mode: PyTorch 1.13's (1, 21, 9, 9).
		const example = only(
			analyzePython(
				source.replace(
					'model = Seg()\nout = model(torch.randn(1, 3, 9, 9))',
					'# normlens: input (1, 3, 9, 9)\nmodel = Seg()',
				),
			),
		);
		assert.deepStrictEqual(output(example), [1, 21, 9, 9]);
	});

	it('an error PyTorch raises inside a forward leaves the model without an output, whatever came before it', () => {
		const m = only(
			analyzePython(`import torch.nn as nn
class Two(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 3)
        self.b = nn.Linear(5, 3)
    def forward(self, x):
        return self.a(x), self.b(x)
# normlens: input (2, 4)
model = Two()
`),
		);
		assert.strictEqual(output(m), null);
		assert.match(
			m.calls?.[0]?.unknown?.reason ?? '',
			/Linear expects 5 input features.*\(PyTorch raises here\)/,
		);
	});

	it('torch.autograd.Variable(x) is x; x.view(*shape) of a list built from x.dim() is no error', () => {
		// PyTorch 1.13: (2, 8, 4, 4), nothing raises; NormLens reported `.view()` of shape ().
		const m = only(
			analyzePython(`import torch
import torch.nn as nn
from torch.autograd import Variable

class LN(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(n))

    def forward(self, x):
        x = Variable(x)
        shape = [1, -1] + [1] * (x.dim() - 2)
        return x * self.gamma.view(*shape)

# normlens: input (2, 8, 4, 4)
model = LN(8)
`),
		);
		assert.deepStrictEqual(output(m), [2, 8, 4, 4]);
		const v = only(
			analyzePython(`import torch
import torch.nn as nn
from torch.autograd import Variable

class STN(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 9)

    def forward(self, x):
        b = x.size()[0]
        x = self.fc(x)
        iden = Variable(torch.ones(9)).view(1, 9).repeat(b, 1)
        x = x + iden
        return x.view(-1, 3, 3)

# normlens: input (2, 4)
model = STN()
`),
		);
		assert.deepStrictEqual(output(v), [2, 3, 3]);
	});

	it('a *sizes NormLens cannot list gives an unknown shape with its cause, never the shape of fewer arguments', () => {
		const r = analyzePython(`import torch
import torch.nn as nn
from mylib import dims
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
    def forward(self, x):
        return self.fc(x).sum(*dims)
# normlens: input (2, 4)
model = M()
`);
		const m = only(r);
		assert.strictEqual(output(m), null);
		assert.match(m.calls?.[0]?.unknown?.reason ?? '', /dims/);
		assert.deepStrictEqual(
			r.diagnostics.filter((d) => d.severity === 'error'),
			[],
		);
	});

	it("x.reshape(shape=…) (MAE's patchify) and x.view(size=…) take their sizes by keyword", () => {
		// PyTorch 1.13: (1, 3, 2, 4, 2, 4); NormLens reported reshape() of shape ().
		const r = analyzePython(`import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(3, 3, 1)

    def forward(self, x):
        x = self.c(x)
        return x.reshape(shape=(x.shape[0], 3, 2, 4, 2, 4))

# normlens: input (1, 3, 8, 8)
model = Net()
`);
		assert.deepStrictEqual(output(only(r)), [1, 3, 2, 4, 2, 4]);
		assert.deepStrictEqual(
			r.diagnostics.filter((d) => d.severity === 'error'),
			[],
		);
	});

	it("the model's own row says why its output is unknown (a forward returning what a call NormLens cannot read made)", () => {
		const m = only(
			analyzePython(`import torch
import torch.nn as nn
from mylib import mystery
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 3)
    def forward(self, x):
        x = mystery(x)
        return x
# normlens: input (2, 3)
model = M()
`),
		);
		assert.strictEqual(output(m), null);
		assert.match(m.calls?.[0]?.unknown?.reason ?? '', /cannot follow `mystery\(…\)`/);
	});

	it("timm's to_2tuple: isinstance(x, collections.abc.Iterable) and tuple(itertools.repeat(x, 2))", () => {
		// Swin, SwinMLP, MAE: every total was unknown. PyTorch 1.13: 2,368, (1, 16, 8, 8).
		const m = only(
			analyzePython(`import collections.abc
from itertools import repeat
import torch.nn as nn

def _ntuple(n):
    def parse(x):
        if isinstance(x, collections.abc.Iterable):
            return x
        return tuple(repeat(x, n))
    return parse

to_2tuple = _ntuple(2)

class PatchEmbed(nn.Module):
    def __init__(self, patch_size=7):
        super().__init__()
        self.proj = nn.Conv2d(3, 16, kernel_size=to_2tuple(patch_size), stride=to_2tuple(patch_size))

    def forward(self, x):
        return self.proj(x)

# normlens: input (1, 3, 56, 56)
model = PatchEmbed()
`),
		);
		assert.strictEqual(m.totals.total, 2368);
		assert.deepStrictEqual(output(m), [1, 16, 8, 8]);
	});

	it('itertools accumulate / chain / chain.from_iterable / product / islice / repeat, and isinstance of an iterator as a list', () => {
		// PyTorch 1.13: 1,884 (module.parameters() is no list).
		assert.strictEqual(
			only(
				analyzePython(`import itertools
from itertools import accumulate, chain, product, islice, repeat
import torch.nn as nn
widths = [8, 16, 32]
offsets = list(accumulate(widths))
flat = list(chain([1, 2], (3,), [4]))
flat2 = list(itertools.chain.from_iterable([[5], [6, 7]]))
pairs = list(product([1, 3], [2]))
firsts = list(islice(range(10), 2, 8, 3))
reps = tuple(repeat(4, 3))
net = nn.Sequential(
    nn.Linear(offsets[-1], len(flat) + sum(flat2)),
    nn.Linear(len(flat) + sum(flat2), sum(a * b for a, b in pairs) + sum(firsts) + sum(reps)),
    nn.Linear(2, 2 if isinstance(nn.Linear(1, 1).parameters(), list) else 3),
)
`),
			).totals.total,
			1884,
		);
	});

	it("register_buffer(name, None) reads None: the forward's `if mask is not None` is decided", () => {
		// Swin's attn_mask: PyTorch 1.13 (2, 6), no buffers.
		const m = only(
			analyzePython(`import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("attn_mask", None)
        self.fc = nn.Linear(6, 6)

    def forward(self, x):
        mask = self.attn_mask
        if mask is not None:
            x = x + mask.unsqueeze(1).unsqueeze(0)
        return self.fc(x)

# normlens: input (2, 6)
model = Net()
`),
		);
		assert.deepStrictEqual(output(m), [2, 6]);
		assert.strictEqual(m.totals.buffers, 0);
	});

	it('torch.sign / log2 / abs keep their shape; a buffer of unknown size is said on the model', () => {
		// Swin V2's relative coordinates table: PyTorch 1.13 13 buffers.
		assert.strictEqual(
			only(
				analyzePython(`import torch
import torch.nn as nn

class A(nn.Module):
    def __init__(self):
        super().__init__()
        t = torch.arange(-6, 7, dtype=torch.float32)
        t = torch.sign(t) * torch.log2(torch.abs(t) + 1.0)
        self.register_buffer("table", t)

model = A()
`),
			).totals.buffers,
			13,
		);
		const m = only(
			analyzePython(`import torch
import torch.nn as nn
from mylib import table
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("t", table())
model = A()
`),
		);
		assert.strictEqual(m.totals.total, 0);
		assert.strictEqual(m.totals.buffers, null);
		assert.match(m.unknown?.reason ?? '', /table/);
	});

	it("a convolution's sizes read back as PyTorch's tuples: stride=[2] is (2,)", () => {
		// PyTorch 1.13: 19 (type(c.stride) is tuple, of length 1).
		assert.strictEqual(
			only(
				analyzePython(`import torch.nn as nn
c = nn.Conv2d(3, 4, 3, stride=[2])
net = nn.Sequential(nn.Linear(2, 5 if type(c.stride) == tuple else 7), nn.Linear(1, 1 + len(c.stride)))
`),
			).totals.total,
			19,
		);
	});

	it('argparse: parse_args([]) / parse_known_args([]) give the defaults (type applied to a string default, store_true, dest, set_defaults); parse_args() is unknown', () => {
		// PyTorch-GAN's generators (827,392 and (4, 8192) with the defaults); PyTorch 1.13 with no
		// command-line arguments: 949.
		const gan = only(
			analyzePython(`import argparse
import torch.nn as nn

parser = argparse.ArgumentParser()
parser.add_argument("--latent_dim", type=int, default=100, help="dimensionality of the latent space")
parser.add_argument("--img_size", type=int, default=32, help="size of each image dimension")
opt = parser.parse_args([])


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.init_size = opt.img_size // 4
        self.l1 = nn.Linear(opt.latent_dim, 128 * self.init_size ** 2)

    def forward(self, z):
        return self.l1(z)


# normlens: input (4, 100)
generator = Generator()
`),
		);
		assert.strictEqual(gan.totals.total, 827392);
		assert.deepStrictEqual(output(gan), [4, 8192]);
		const r = analyzePython(`import argparse
import torch.nn as nn
parser = argparse.ArgumentParser(description='x')
parser.add_argument('--n-hidden', type=int, default='64')
parser.add_argument('--lr', type=float, default=1e-3)
parser.add_argument('--deep', action='store_true')
parser.add_argument('--width', dest='w', default=8)
parser.set_defaults(w=12)
args = parser.parse_args(args=[])
opt, rest = parser.parse_known_args([])
cli = parser.parse_args()
net = nn.Sequential(nn.Linear(args.n_hidden, args.w + (1 if args.deep else 2) + len(rest)), nn.Linear(opt.w, 3))
other = nn.Sequential(nn.Linear(cli.w, 2))
`);
		assert.strictEqual(r.models.find((m) => m.name === 'net')?.totals.total, 949);
		const cli = r.models.find((m) => m.name === 'other');
		assert.strictEqual(cli?.totals.total, null);
		assert.match(cli?.unknown?.reason ?? '', /reads the command line/);
	});

	it("a table indexed by an int64 tensor (`rel_pos[idx.long()]`, SAM's relative positions) has the index's shape and the table's rest", () => {
		// PyTorch 1.13: (13, 8)[(7, 7) long] is (7, 7, 8); the model (1, 7, 7, 8).
		assert.deepStrictEqual(
			output(
				only(
					analyzePython(`import torch
import torch.nn as nn


class RelPos(nn.Module):
    def __init__(self):
        super().__init__()
        self.rel_pos = nn.Parameter(torch.zeros(13, 8))
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        q = torch.arange(7)[:, None]
        k = torch.arange(7)[None, :]
        idx = (q - k) + 6
        r = self.rel_pos[idx.long()]
        return self.fc(x + r.unsqueeze(0))


# normlens: input (1, 7, 7, 8)
model = RelPos()
`),
				),
			),
			[1, 7, 7, 8],
		);
	});

	it("F.pad by one-element int64 tensors computed from sizes (milesial's U-Net `Up`) pads by their values", () => {
		// PyTorch 1.13: (1, 8, 11, 11).
		assert.deepStrictEqual(
			output(
				only(
					analyzePython(`import torch
import torch.nn as nn
import torch.nn.functional as F
class Up(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.ConvTranspose2d(4, 4, 2, stride=2)
    def forward(self, x1, x2):
        x1 = self.up(x1)
        diffY = torch.tensor([x2.size()[2] - x1.size()[2]])
        diffX = torch.tensor([x2.size()[3] - x1.size()[3]])
        x1 = F.pad(x1, [diffX // 2, diffX - diffX // 2, diffY // 2, diffY - diffY // 2])
        return torch.cat([x2, x1], dim=1)
model = Up()
y = model(torch.zeros(1, 4, 5, 5), torch.zeros(1, 4, 11, 11))
`),
				),
			),
			[1, 8, 11, 11],
		);
	});

	it('a torch.jit.ScriptModule subclass is the nn.Module it derives from: its modules count and its forward runs', () => {
		// PyTorch 1.13 (imported from a file, as TorchScript needs the source): 30, (3, 2).
		const m = only(
			analyzePython(`import torch
import torch.nn as nn
class Block(torch.jit.ScriptModule):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
    @torch.jit.script_method
    def forward(self, x):
        return self.fc(x)

# normlens: input (3, 4)
model = nn.Sequential(Block(), nn.Linear(4, 2))

# normlens: input (3, 4)
`),
		);
		assert.strictEqual(m.totals.total, 30);
		assert.deepStrictEqual(output(m), [3, 2]);
	});

	it("torch.eye, and `if x.is_cuda: iden = iden.cuda()` (PointNet's STN): a device move keeps the shape either way", () => {
		// PyTorch 1.13: (2, 3, 3).
		assert.deepStrictEqual(
			output(
				only(
					analyzePython(`import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 9)
    def forward(self, x):
        x = self.fc(x)
        iden = torch.eye(3).view(1, 9).repeat(x.size(0), 1)
        if x.is_cuda:
            iden = iden.cuda()
        return (x + iden).view(-1, 3, 3)
# normlens: input (2, 4)
model = M()
`),
				),
			),
			[2, 3, 3],
		);
	});
});
