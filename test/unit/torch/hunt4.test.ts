import * as assert from 'assert';
import { analyzePython } from '../../../src/core';
import type { AnalysisResult, ModelSummary } from '../../../src/protocol/analysis';

/**
 * Constructs from the fourth PyTorch hunt (2026-12-07: 230 models in 139 files from 27 repositories —
 * pytorch/examples, AntixK/PyTorch-VAE, minimalRL, 3D-ResNets, nanoGPT, HiFi-GAN, dgcnn,
 * PointNet++, yunjey's tutorial — against PyTorch 1.13), each reduced to a few lines. Expected
 * values: Debian's PyTorch 1.13 running the same code.
 */

function model(r: AnalysisResult, name = 'model'): ModelSummary {
	const m = r.models.find((x) => x.name === name);
	assert.ok(m, `${name} among ${r.models.map((x) => x.name).join(', ')}`);
	return m;
}

const output = (m: ModelSummary) => m.calls?.[0]?.outputShape ?? null;

describe('the fourth PyTorch hunt: exact where PyTorch decides, unknown saying why otherwise', () => {
	it("a subclass of nn.Transformer that replaces its decoder drops the decoder's weights", () => {
		// pytorch/examples word_language_model's TransformerModel: NormLens counted the replaced
		// TransformerDecoder (920,040; the example 16,248,478 for PyTorch's 13,828,878).
		const r = analyzePython(`import torch.nn as nn

class TransformerModel(nn.Transformer):
    def __init__(self, ntoken, ninp, nhead, nhid, nlayers):
        super().__init__(d_model=ninp, nhead=nhead, dim_feedforward=nhid,
                         num_encoder_layers=nlayers, num_decoder_layers=2)
        self.input_emb = nn.Embedding(ntoken, ninp)
        self.decoder = nn.Linear(ninp, ntoken)

model = TransformerModel(1000, 128, 4, 256, 2)
`);
		assert.strictEqual(model(r).totals.total, 522216);
	});

	it('an initialiser returns the tensor it fills: `m.weight = nn.init.kaiming_normal(m.weight)` keeps it', () => {
		// 3D-ResNets' densenet: NormLens dropped every convolution's weight (493,648 for 11,696,528).
		const r = analyzePython(`import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, bias=False)
        self.bn = nn.BatchNorm2d(16)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                m.weight = nn.init.kaiming_normal(m.weight, mode='fan_out')

model = Net()
`);
		assert.strictEqual(model(r).totals.total, 464);
		assert.strictEqual(model(r).totals.buffers, 33);
	});

	it("a keyword the __init__ does not take is Python's TypeError: an error, and no counts", () => {
		// 3D-ResNets' generate_model(121, n_classes=400) into an __init__ taking num_classes: NormLens
		// counted the default model (66,792, output (1, 1000)); PyTorch raises.
		const r = analyzePython(`import torch.nn as nn

class Net(nn.Module):
    def __init__(self, width=64, num_classes=1000):
        super().__init__()
        self.conv = nn.Conv2d(3, width, 3)
        self.fc = nn.Linear(width, num_classes)

def generate_model(depth, **kwargs):
    return Net(width=depth, **kwargs)

model = generate_model(64, n_classes=400)
`);
		const error = r.diagnostics.find((d) => d.code === 'call-error');
		assert.ok(error);
		assert.match(
			error.message,
			/TypeError: `Net\.__init__\(\)` got an unexpected keyword argument 'n_classes'/,
		);
		// Where Python raises: the call inside generate_model.
		assert.strictEqual(error.range.start.line, 9);
		assert.strictEqual(model(r).totals.total, null);
		// Too many positional arguments too.
		const p = analyzePython(`def f(a, b=1):\n    return a + b\nn = f(1, 2, 3)\n`);
		assert.match(
			p.diagnostics[0]?.message ?? '',
			/`f\(\)` takes 2 positional arguments but 3 were given/,
		);
	});

	it("an AttrDict (`self.__dict__ = self`) held by a module: no internal error (HiFi-GAN's were lost)", () => {
		const r = analyzePython(`import torch.nn as nn

class AttrDict(dict):
    def __init__(self, *args, **kwargs):
        super(AttrDict, self).__init__(*args, **kwargs)
        self.__dict__ = self

class Block(nn.Module):
    def __init__(self, h, ch):
        super().__init__()
        self.conv = nn.Conv1d(ch, ch, 3)

class Gen(nn.Module):
    def __init__(self, h):
        super().__init__()
        self.h = h
        self.blocks = nn.ModuleList()
        for r in h.rates:
            self.blocks.append(Block(h, 16))

h = AttrDict({"rates": [8, 8]})
model = Gen(h)
`);
		assert.ok(
			!r.diagnostics.some((d) => d.code === 'internal-error'),
			JSON.stringify(r.diagnostics),
		);
		assert.ok(r.models.some((m) => m.name === 'model'));
	});

	it('an optimiser kept on the module (`self.optimizer = optim.Adam(self.parameters())`) is no part of it', () => {
		// minimalRL's agents (7 models): totals unknown. PyTorch 1.13: 2,051.
		const r = analyzePython(`import torch.nn as nn
import torch.optim as optim

class PPO(nn.Module):
    def __init__(self):
        super(PPO, self).__init__()
        self.fc1 = nn.Linear(4, 256)
        self.fc_pi = nn.Linear(256, 2)
        self.fc_v = nn.Linear(256, 1)
        self.optimizer = optim.Adam(self.parameters(), lr=0.0005)

model = PPO()
`);
		assert.strictEqual(model(r).totals.total, 2051);
	});

	it("a forward returning a list: the model's output is its first tensor, as torchinfo shows it", () => {
		// AntixK/PyTorch-VAE returns [recons, input, mu, log_var] from every model (15 here).
		const r = analyzePython(`import torch
import torch.nn as nn

class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Conv2d(3, 8, 3, padding=1)
        self.dec = nn.Conv2d(4, 3, 3, padding=1)
    def forward(self, x):
        h = self.enc(x)
        mu, log_var = h.chunk(2, dim=1)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * log_var)
        return [self.dec(z), x, mu, log_var]

# normlens: input (2, 3, 16, 16)
model = VAE()
`);
		assert.deepStrictEqual(output(model(r)), [2, 3, 16, 16]);
	});

	it("unary minus keeps a tensor's shape (Gumbel noise); indices of max() are int64; F.adaptive_max_pool1d", () => {
		const gumbel = analyzePython(`import torch
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 40)
        self.out = nn.Linear(40, 4)
    def forward(self, x):
        z = self.fc(x)
        u = torch.rand_like(z)
        return self.out(F.softmax(z - u + (-u), dim=-1))

# normlens: input (2, 16)
model = Net()
`);
		assert.deepStrictEqual(output(model(gumbel)), [2, 4]);
		// PointNet++'s index_points (PyTorch 1.13: (2, 16, 8)).
		const gather = analyzePython(`import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 8)
    def forward(self, xyz):
        B = xyz.shape[0]
        idx = torch.max(xyz, -1)[1][:, :16]
        return self.fc(xyz[torch.arange(B).view(B, 1), idx, :])

# normlens: input (2, 64, 3)
model = Net()
`);
		assert.deepStrictEqual(output(model(gather)), [2, 16, 8]);
		// dgcnn's PointNet (PyTorch 1.13: (2, 40)).
		const pool = analyzePython(`import torch.nn as nn
import torch.nn.functional as F

class PointNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(3, 64, 1)
        self.linear = nn.Linear(64, 40)
    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.adaptive_max_pool1d(x, 1).squeeze()
        return self.linear(x)

# normlens: input (2, 3, 1024)
model = PointNet()
`);
		assert.deepStrictEqual(output(model(pool)), [2, 40]);
	});

	it("nanoGPT's flash test: a buffer registered on a PyTorch version NormLens cannot tell; the parameters exact", () => {
		// PyTorch 1.13: 3,168 parameters and the 256-value `bias` buffer; PyTorch 2: no buffer.
		const r = analyzePython(`import torch
import torch.nn as nn

class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd=32, block_size=16):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.flash = hasattr(torch.nn.functional, 'scaled_dot_product_attention')
        if not self.flash:
            self.register_buffer("bias", torch.tril(torch.ones(block_size, block_size))
                                        .view(1, 1, block_size, block_size))

model = CausalSelfAttention()
`);
		const m = model(r);
		assert.strictEqual(m.totals.total, 3168);
		assert.strictEqual(m.totals.trainable, 3168);
		assert.strictEqual(m.totals.buffers, null);
		assert.match(
			JSON.stringify(m),
			/register_buffer\('bias', …\)` may or may not run, so that buffer may or may not exist/,
		);
	});

	it('argparse over a command line written out: its options, flags, `--x=v` and prefixes, typed', () => {
		// pytorch/examples dcgan: `--dataset` is required. PyTorch 1.13: Linear(64, 128), 8,320.
		const src = (argv: string) => `import argparse
import torch.nn as nn
parser = argparse.ArgumentParser()
parser.add_argument('--dataset', required=True)
parser.add_argument('--nz', type=int, default=100)
parser.add_argument('--ngf', type=int, default=128)
parser.add_argument('--cuda', action='store_true')
opt = parser.parse_args(${argv})
model = nn.Sequential(nn.Linear(opt.nz, opt.ngf if not opt.cuda else 1))
`;
		const total = (argv: string) => model(analyzePython(src(argv))).totals.total;
		assert.strictEqual(total("['--dataset', 'fake', '--nz', '64']"), 8320);
		assert.strictEqual(total("['--dataset=fake', '--ngf=32', '--nz', '8']"), 8 * 32 + 32);
		assert.strictEqual(total("['--dataset', 'x', '--cuda', '--nz', '8']"), 8 + 1);
		// What the command line gives wins over set_defaults.
		assert.strictEqual(
			model(
				analyzePython(
					src("['--dataset', 'x', '--nz', '8']").replace(
						'opt = parser',
						'parser.set_defaults(nz=3)\nopt = parser',
					),
				),
			).totals.total,
			8 * 128 + 128,
		);
		// A unique prefix of a long option, as argparse's allow_abbrev takes it.
		assert.strictEqual(total("['--dataset', 'x', '--ng', '4', '--nz', '2']"), 2 * 4 + 4);
		// Where argparse exits: unknown, saying why.
		const missing = model(analyzePython(src("['--nz', '8']")));
		assert.strictEqual(missing.totals.total, null);
		assert.match(JSON.stringify(missing), /`dataset` is required/);
		const wrong = model(analyzePython(src("['--dataset', 'x', '--size', '8']")));
		assert.match(JSON.stringify(wrong), /unrecognized option '--size'/);
	});

	it('`unknown and <falsy>` is falsy, `unknown or <truthy>` truthy: the branch is decided (pytorch/examples dcgan)', () => {
		const src = (ngpu: number, test = 'self.ngpu > 1') => `import torch
import torch.nn as nn

class G(nn.Module):
    def __init__(self, ngpu):
        super().__init__()
        self.ngpu = ngpu
        self.main = nn.Sequential(nn.Linear(8, 4))
    def ngpu_more(self):
        return self.ngpu > 1
    def forward(self, input):
        if (input.is_cuda or input.is_xpu) and ${test}:
            output = nn.parallel.data_parallel(self.main, input, range(self.ngpu))
        else:
            output = self.main(input)
        return output

# normlens: input (2, 8)
model = G(${ngpu})
`;
		assert.deepStrictEqual(output(model(analyzePython(src(1)))), [2, 4]);
		// With two GPUs asked for, whether data_parallel runs depends on the device: unknown.
		assert.strictEqual(output(model(analyzePython(src(2)))), null);
		// A right operand that calls code may not run: it is not read, and the branch stays undecided.
		const undecided = model(analyzePython(src(1, 'self.ngpu_more()')));
		assert.strictEqual(output(undecided), null);
		// The model's own row says why its output is unknown, not that its mult-adds are.
		assert.match(
			undecided.calls?.[0]?.unknown?.reason ?? '',
			/^NormLens cannot tell whether `if \(input\.is_cuda or input\.is_xpu\) and self\.ngpu_more\(\)` holds/,
		);
	});

	it('a bare layer the program trains as its model is shown, as torchinfo shows it; a loss is not', () => {
		// yunjey/pytorch-tutorial's logistic regression: Linear(784, 10), 7,850 parameters.
		const r = analyzePython(`import torch
import torch.nn as nn
model = nn.Linear(784, 10)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(2):
    images = torch.randn(100, 784)
    labels = torch.randint(0, 10, (100,))
    outputs = model(images)
    loss = criterion(outputs, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
`);
		assert.deepStrictEqual(
			r.models.map((m) => m.name),
			['model'],
		);
		assert.strictEqual(model(r).totals.total, 7850);
		assert.deepStrictEqual(output(model(r)), [100, 10]);
		// Trained on data NormLens cannot read, a bare layer is a model where its own comment says so.
		const declared = analyzePython(`import torch.nn as nn
conv = nn.Conv2d(3, 8, 3)
# normlens: input (1, 784)
model = nn.Linear(784, 10)
for images, labels in train_loader:
    outputs = model(images.reshape(-1, 784))
`);
		assert.deepStrictEqual(
			declared.models.map((m) => m.name),
			['model'],
		);
		assert.deepStrictEqual(output(model(declared)), [1, 10]);
	});
});
