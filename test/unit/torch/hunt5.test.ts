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

	it('a model a function builds takes the input comment above the global it is bound to', () => {
		// SRGAN-style generator and discriminator from factories: NormLens ran the discriminator on the
		// generator's comment (the file's first) and reported a mismatch PyTorch does not raise.
		// PyTorch 1.13: a (1, 8, 12, 12); b (1, 8, 48, 48).
		const source = `import torch.nn as nn
class D(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, 2, 1)
    def forward(self, x):
        return self.conv(x)
def make_d():
    model = D()
    return model
# normlens: input (1, 3, 24, 24)
a = make_d()
# normlens: input (1, 3, 96, 96)
b = make_d()
`;
		const r = analyzePython(source);
		assert.deepStrictEqual(output(model(r, 'a')), [1, 8, 12, 12]);
		assert.deepStrictEqual(output(model(r, 'b')), [1, 8, 48, 48]);
		// Each is shown where the file binds it.
		assert.deepStrictEqual(
			[model(r, 'a').range.start.line, model(r, 'b').range.start.line],
			[11, 13],
		);
		// A later alias (`net = b`) names the model but does not move it from its comment.
		const aliased = analyzePython(`${source}net = b\n`);
		assert.deepStrictEqual(output(model(aliased, 'net')), [1, 8, 48, 48]);
		assert.strictEqual(model(aliased, 'net').range.start.line, 13);
	});

	it("np.array of a shape's ints keeps them: .prod() and np.prod size a Linear (a write makes them unknown)", () => {
		// vwxyzjn/cleanrl's QNetwork: nn.Linear(np.array(env.single_observation_space.shape).prod(), 120).
		// PyTorch 1.13: (4, 3) → 12 inputs: 26 + 26 parameters.
		const r = analyzePython(`import numpy as np
import torch.nn as nn
class Q(nn.Module):
    def __init__(self, shape):
        super().__init__()
        self.fc = nn.Linear(np.array(shape).prod(), 2)
        self.fc2 = nn.Linear(np.prod(np.array(shape)), 2)
q = Q((4, 3))
class W(nn.Module):
    def __init__(self, shape):
        super().__init__()
        a = np.array(shape)
        a[0] = 10
        self.fc = nn.Linear(a.prod(), 2)
w = W((4, 3))
`);
		assert.strictEqual(model(r, 'q').totals.total, 52);
		assert.strictEqual(model(r, 'w').totals.total, null);
	});

	it('a buffer updated in place through .data in forward, and F.normalize of a buffer, keep the counts', () => {
		// rosinality/vq-vae-2-pytorch's Quantize (EMA of cluster sizes under `if self.training`) and
		// facebookresearch/moco's `self.queue = F.normalize(self.queue, dim=0)`. PyTorch 1.13:
		// Quantize(4, 8) 40 buffer values, output (1, 8); MoCo 640 parameters, 524,289 buffer values.
		const r = analyzePython(`import torch
from torch import nn
import torch.nn.functional as F
class Quantize(nn.Module):
    def __init__(self, dim, n_embed, decay=0.99):
        super().__init__()
        self.decay = decay
        self.register_buffer("embed", torch.randn(dim, n_embed))
        self.register_buffer("cluster_size", torch.zeros(n_embed))
    def forward(self, x):
        if self.training:
            self.cluster_size.data.mul_(self.decay).add_(x.sum(0), alpha=1 - self.decay)
        return x @ self.embed
# normlens: input (1, 4)
q = Quantize(4, 8)
class MoCo(nn.Module):
    def __init__(self, dim=128, K=4096):
        super().__init__()
        self.fc = nn.Linear(4, dim)
        self.register_buffer("queue", torch.randn(dim, K))
        self.queue = F.normalize(self.queue, dim=0)
        self.register_buffer("queue_ptr", torch.zeros(1, dtype=torch.long))
m = MoCo()
`);
		assert.deepStrictEqual([model(r, 'q').totals.total, model(r, 'q').totals.buffers], [0, 40]);
		assert.deepStrictEqual(output(model(r, 'q')), [1, 8]);
		assert.deepStrictEqual(
			[model(r, 'm').totals.total, model(r, 'm').totals.buffers],
			[640, 524289],
		);
	});

	it("typing.cast, torch's _pair, the window functions and a sparse buffer: what the libraries return", () => {
		// sgrvinod/SRGAN-style make_layers with `v = cast(int, v)`; zhanghang1989/ResNeSt's `_pair(padding)`;
		// descriptinc/melgan-neurips' `torch.hann_window(win_length)` buffer; openai/whisper's
		// `all_heads.to_sparse()` buffer. PyTorch 1.13: f 1,392 parameters, output (1, 16, 8, 8);
		// s 224, (1, 8, 8, 8); mel 1,024 buffer values; w 20 parameters, 24 buffer values.
		const r = analyzePython(`from typing import cast, List
import torch
import torch.nn as nn
from torch.nn.modules.utils import _pair
def make_layers(cfg):
    layers: List[nn.Module] = []
    in_channels = 3
    for v in cfg:
        v = cast(int, v)
        layers.append(nn.Conv2d(in_channels, v, 3, padding=1))
        in_channels = v
    return nn.Sequential(*layers)
# normlens: input (1, 3, 8, 8)
f = make_layers([8, 16])
class S(nn.Module):
    def __init__(self, c=8, kernel_size=3, padding=1):
        super().__init__()
        self.conv = nn.Conv2d(3, c, _pair(kernel_size), padding=_pair(padding))
    def forward(self, x):
        return self.conv(x)
# normlens: input (1, 3, 8, 8)
s = S()
class Mel(nn.Module):
    def __init__(self, win_length=1024):
        super().__init__()
        self.register_buffer("window", torch.hann_window(win_length).float())
mel = Mel()
class W(nn.Module):
    def __init__(self, n_layer=4, n_head=6):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        all_heads = torch.zeros(n_layer, n_head, dtype=torch.bool)
        all_heads[n_layer // 2 :] = True
        self.register_buffer("alignment_heads", all_heads.to_sparse(), persistent=False)
w = W()
`);
		assert.strictEqual(model(r, 'f').totals.total, 1392);
		assert.deepStrictEqual(output(model(r, 'f')), [1, 16, 8, 8]);
		assert.strictEqual(model(r, 's').totals.total, 224);
		assert.deepStrictEqual(output(model(r, 's')), [1, 8, 8, 8]);
		assert.strictEqual(model(r, 'mel').totals.buffers, 1024);
		assert.deepStrictEqual(
			[model(r, 'w').totals.total, model(r, 'w').totals.buffers],
			[20, 24],
		);
	});

	it("einops' pack and unpack: the tensors joined along the `*` axes, and split back by their sizes", () => {
		// lucidrains/vit-pytorch's class token with pack / unpack. PyTorch 1.13 + einops 0.8.2:
		// pack([(2, 16), (2, 3, 5, 16)], 'b * d') is (2, 16, 16) with ps [(), (3, 5)]; the class
		// token unpacked is (2, 16), so the model's output is (2, 10); the rest (2, 3, 5, 16).
		const source = (ret: string) => `import torch
from torch import nn
from einops import pack, unpack, repeat
class V(nn.Module):
    def __init__(self, dim=16):
        super().__init__()
        self.cls = nn.Parameter(torch.randn(dim))
        self.fc = nn.Linear(dim, 10)
    def forward(self, x):
        b = x.shape[0]
        cls_tokens = repeat(self.cls, 'd -> b d', b=b)
        x, ps = pack([cls_tokens, x], 'b * d')
        x = x * 2
        cls_tokens, rest = unpack(x, ps, 'b * d')
        return ${ret}
# normlens: input (2, 3, 5, 16)
v = V()
`;
		assert.deepStrictEqual(
			output(model(analyzePython(source('self.fc(cls_tokens)')), 'v')),
			[2, 10],
		);
		assert.deepStrictEqual(output(model(analyzePython(source('rest')), 'v')), [2, 3, 5, 16]);
		// A pattern einops refuses (two `*`) is unknown, and says why.
		const refused = model(
			analyzePython(
				source('self.fc(cls_tokens)').replace(
					"'b * d')\n        x = x",
					"'b * * d')\n        x = x",
				),
			),
			'v',
		);
		assert.strictEqual(output(refused), null);
		assert.match(refused.unknown?.reason ?? JSON.stringify(refused.calls?.[0]), /einops\.pack/);
	});

	it("a module returning a tuple: torchinfo's call row shows the first tensor, the module's one row says why it has none", () => {
		const r = analyzePython(`import torch
from torch import nn
class V(nn.Module):
    def __init__(self, dim=16):
        super().__init__()
        self.fc = nn.Linear(dim, 10)
        self.p = nn.Parameter(torch.zeros(3))
    def forward(self, x):
        return self.fc(x), x
# normlens: input (2, 16)
v = V()
`);
		const m = model(r, 'v');
		assert.deepStrictEqual(output(m), [2, 10]);
		const row = m.layers.find((l) => l.name === 'v');
		assert.strictEqual(row?.outputShape, null);
		assert.match(
			row?.unknown?.reason ?? '',
			/returns a tuple of tensors, and torchsummary lists a shape for each/,
		);
	});

	it('a comprehension of numbers over ranges is computed whole: a 200 × 512 sinusoid table, sizes from powers of two', () => {
		// jadore801120/attention-is-all-you-need-pytorch's PositionalEncoding at its defaults
		// (n_position 200, d_hid 512) ran past the loop bound. PyTorch 1.13: 102,400 buffer values;
		// Net: Linear(8, 4) 36 parameters. A division by zero (ZeroDivisionError in Python) is no number.
		const r = analyzePython(`import numpy as np
import torch
import torch.nn as nn
class PE(nn.Module):
    def __init__(self, d_hid=512, n_position=200):
        super().__init__()
        def angles(position):
            return [position / np.power(10000, 2 * (hid_j // 2) / d_hid) for hid_j in range(d_hid)]
        table = np.array([angles(pos_i) for pos_i in range(n_position)])
        table[:, 0::2] = np.sin(table[:, 0::2])
        self.register_buffer('pos_table', torch.FloatTensor(table).unsqueeze(0))
pe = PE()
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        sizes = [2 ** i for i in range(4)]
        halves = [[j / 2 for j in range(k)] for k in range(5)]
        self.fc = nn.Linear(sizes[3], int(halves[4][3] * 2 + 1))
net = Net()
class Bad(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer('t', torch.FloatTensor(np.array([1 / (i - 2) for i in range(4)])))
bad = Bad()
`);
		assert.strictEqual(model(r, 'pe').totals.buffers, 102400);
		assert.strictEqual(model(r, 'net').totals.total, 36);
		assert.strictEqual(model(r, 'bad').totals.buffers, null);
	});

	it("torch's in-place functions keep their tensor's shape: torch.clamp_(x, 0.0, 1.0)", () => {
		// Lornatang/SRGAN-PyTorch's generator ends in torch.clamp_; PyTorch 1.13: 84 parameters, (1, 3, 8, 8).
		const r = analyzePython(`import torch
import torch.nn as nn
class G(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, 1, 1)
    def forward(self, x):
        x = self.conv(x)
        x = torch.clamp_(x, 0.0, 1.0)
        return torch.relu_(x)
# normlens: input (1, 3, 8, 8)
g = G()
`);
		assert.strictEqual(model(r, 'g').totals.total, 84);
		assert.deepStrictEqual(output(model(r, 'g')), [1, 3, 8, 8]);
	});

	it("`x is 'proj'` with a literal passed in is CPython's interned constant: true; other text is never the same object", () => {
		// Cadene/pretrained-models.pytorch's DualPathBlock (`if block_type is 'proj'`). CPython 3.11:
		// f('proj') is True, f(''.join(['pr', 'oj'])) False, f('normal') False. PyTorch 1.13: 40 and 20
		// parameters; a string built at run time stays unknown.
		const source = (arg: string) => `import torch.nn as nn
class Block(nn.Module):
    def __init__(self, block_type='normal'):
        super().__init__()
        if block_type is 'proj':
            self.proj = nn.Linear(4, 4)
        self.fc = nn.Linear(4, 4)
m = Block(${arg})
`;
		assert.strictEqual(model(analyzePython(source("'proj'")), 'm').totals.total, 40);
		assert.strictEqual(model(analyzePython(source("'normal'")), 'm').totals.total, 20);
		assert.strictEqual(
			model(analyzePython(source("''.join(['pr', 'oj'])")), 'm').totals.total,
			null,
		);
	});

	it("state_dict() in __init__: PyTorch's keys in its order, persistent buffers only, values detached", () => {
		// bearpaw/pytorch-classification's ResNeXt initialises by `for key in self.state_dict()`.
		// PyTorch 1.13: keys table, conv.weight, conv.bias, bn.weight, bn.bias, bn.running_mean,
		// bn.running_var, bn.num_batches_tracked (the non-persistent mask left out): 8, so the head is
		// Linear(8, 2); 258 parameters, 27 buffer values. Freezing a value of the dict freezes nothing.
		const r = analyzePython(`import torch
import torch.nn as nn
from torch.nn import init
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.bn = nn.BatchNorm2d(8)
        self.register_buffer('mask', torch.ones(4), persistent=False)
        self.register_buffer('table', torch.zeros(2, 3))
        for key in self.state_dict():
            if key.split('.')[-1] == 'weight' and 'conv' in key:
                init.kaiming_normal_(self.state_dict()[key], mode='fan_out')
        self.state_dict()['conv.weight'].requires_grad = False
        first = list(self.state_dict().keys())[0]
        self.head = nn.Linear(len(self.state_dict()), 2 if first == 'table' else 3)
net = Net()
`);
		const t = model(r, 'net').totals;
		assert.deepStrictEqual([t.total, t.trainable, t.buffers], [258, 258, 27]);
	});

	it("einops' rearrange keeps an int64 index table's dtype, so indexing by it gives its shape", () => {
		// lucidrains/vit-pytorch's CrossFormer builds its relative-position index through rearrange.
		// PyTorch 1.13 + einops 0.8.2: 100 parameters, 81 buffer values, output (2, 9, 9, 4).
		const r = analyzePython(`import torch
import torch.nn as nn
from einops import rearrange
class R(nn.Module):
    def __init__(self, w=3):
        super().__init__()
        pos = torch.arange(w)
        grid = torch.stack(torch.meshgrid(pos, pos, indexing='ij'))
        grid = rearrange(grid, 'c i j -> (i j) c')
        rel = grid[:, None] - grid[None, :]
        rel += w - 1
        self.register_buffer('idx', (rel * torch.tensor([2 * w - 1, 1])).sum(dim=-1), persistent=False)
        self.bias = nn.Parameter(torch.zeros((2 * w - 1) ** 2, 4))
    def forward(self, x):
        return x + self.bias[self.idx]
# normlens: input (2, 9, 9, 4)
r = R()
`);
		assert.deepStrictEqual(
			[model(r, 'r').totals.total, model(r, 'r').totals.buffers],
			[100, 81],
		);
		assert.deepStrictEqual(output(model(r, 'r')), [2, 9, 9, 4]);
	});
});
