import * as assert from 'assert';
import { analyzePython } from '../../../src/core';

/**
 * The unknowns and wrong numbers found in session 20 (2026-12-07): the seventh PyTorch hunt's
 * remaining unknowns where PyTorch's rules give the answer, the eighth hunt's wrong numbers, and
 * NormLens's own probes, each reduced to a few lines. Expected: Debian's PyTorch 1.13 on the same
 * code, or unknown where NormLens cannot follow what PyTorch does.
 */
const CASES: {
	title: string;
	seen: string;
	name: string;
	expected: (number | null)[];
	code: string;
}[] = [
	{
		title: "`x in [a, 'gelu']` where `a` is unknown is unknown, never False (it was False, and a layer the branch builds went uncounted: 20 for PyTorch's 40)",
		seen: 'a probe of NormLens',
		name: 'net',
		expected: [null, null, null],
		code: `import torch.nn as nn
import sys

class Net(nn.Module):
    def __init__(self, act=sys.argv[1]):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        if 'relu' in [act, 'gelu']:
            self.act = nn.Linear(4, 4)

net = Net()
`,
	},
	{
		title: "`'dropout' in args` asks an argparse.Namespace for that attribute (RAFT's models were unknown)",
		seen: 'princeton-vl/RAFT',
		name: 'net',
		expected: [19080, 19080, 0],
		code: `import argparse
import torch.nn as nn

class RAFT(nn.Module):
    def __init__(self, args):
        super(RAFT, self).__init__()
        self.args = args
        if 'dropout' not in self.args:
            self.args.dropout = 0
        if 'alternate_corr' not in self.args:
            self.args.alternate_corr = False
        self.fnet = nn.Conv2d(3, 128 if args.small else 256, 7)
        self.drop = nn.Dropout(self.args.dropout)
        self.head = nn.Linear(16, 8 if args.alternate_corr else 4)

net = RAFT(argparse.Namespace(small=True, alternate_corr=True))
`,
	},
	{
		title: "a ParameterList keeps None entries and takes `pl[i] = p` (Transformer-XL's output projections: unknown, now 958 as PyTorch)",
		seen: 'kimiyoung/transformer-xl',
		name: 'net',
		expected: [958, 958, 0],
		code: `import torch
import torch.nn as nn

class Crit(nn.Module):
    def __init__(self, d_embed=16, d_proj=16, cutoffs=(10, 20)):
        super().__init__()
        self.out_projs = nn.ParameterList()
        for i in range(len(cutoffs) + 1):
            if d_proj != d_embed or i > 0:
                self.out_projs.append(nn.Parameter(torch.zeros(d_proj, d_embed // (2 ** i))))
            else:
                self.out_projs.append(None)
        self.out_layer = nn.Linear(d_embed, 30)

class LM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb_projs = nn.ParameterList([nn.Parameter(torch.zeros(16, 16 // (2 ** i))) for i in range(3)])
        self.crit = Crit()
        for i, tie in enumerate([False, True, True]):
            if tie:
                self.crit.out_projs[i] = self.emb_projs[i]
        self.n = len(self.crit.out_projs)
        self.first = self.crit.out_projs[0] is None

net = LM()
`,
	},
	{
		title: 'a dict keyed by tuples holds its modules (monodepth2\'s `self.convs[("upconv", i, 0)]`: unknown, now 35,090 as PyTorch)',
		seen: 'nianticlabs/monodepth2',
		name: 'net',
		expected: [35090, 35090, 0],
		code: `from collections import OrderedDict
import torch.nn as nn

class DepthDecoder(nn.Module):
    def __init__(self, chans=(64, 32, 16), scales=range(2)):
        super().__init__()
        self.convs = OrderedDict()
        for i in range(len(chans) - 1):
            self.convs[("upconv", i, 0)] = nn.Conv2d(chans[i], chans[i + 1], 3, padding=1)
            self.convs[("upconv", i, 1)] = nn.Conv2d(chans[i + 1], chans[i + 1], 3, padding=1)
        for s in scales:
            self.convs[("dispconv", s)] = nn.Conv2d(chans[s + 1], 1, 3, padding=1)
        self.decoder = nn.ModuleList(list(self.convs.values()))

    def forward(self, x):
        outputs = {}
        for i in range(len(self.convs) // 3):
            x = self.convs[("upconv", i, 0)](x)
            x = self.convs[("upconv", i, True)](x)
            outputs[("disp", i)] = self.convs[("dispconv", i)](x)
        return outputs[("disp", 1)]

# normlens: input (1, 64, 8, 8)
net = DepthDecoder()
`,
	},
	{
		title: "a set's elements are exact (`len(set(words))`, `sorted(set(text))`, `|`, `&`, `in`, a set comprehension, frozenset): 81 as PyTorch under every PYTHONHASHSEED",
		seen: 'graykode/nlp-tutorial',
		name: 'net',
		expected: [81, 81, 0],
		code: `import torch.nn as nn

sentences = ["i like dog", "i love coffee", "i hate milk", "dog is good"]
word_list = " ".join(sentences).split()
vocab = set(word_list)
chars = sorted(list(set("hello world")))
n_class = len(vocab)
extra = {"<pad>", "<unk>"} | {w for w in word_list if len(w) > 3}
both = len(vocab & {"dog", "cat"}) + ("milk" in vocab) + len(set()) + len(frozenset([1, 2, 2]))

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(n_class, 2)
        self.chars = nn.Embedding(len(chars), 3)
        self.extra = nn.Linear(len(extra), both)
        self.first = nn.Linear(len(chars[0]) + (chars[0] == " ") , 1)

net = Net()
`,
	},
	{
		title: "what depends on a set's order is unknown (`list(set(words))[0]`: PyTorch gives 12, 8, 12, 10 under PYTHONHASHSEED 0-3)",
		seen: 'graykode/nlp-tutorial',
		name: 'net',
		expected: [null, null, null],
		code: `import torch.nn as nn

words = "the quick brown fox jumps over the lazy dog".split()
word_list = list(set(words))

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(len(word_list[0]), 2)

net = Net()
`,
	},
	{
		title: '`actor = ActorCritic(\u2026).actor` is the Sequential a global holds, not the whole nameless ActorCritic (PyTorch 450; NormLens said 835)',
		seen: 'nikhilbarhate99/PPO-PyTorch',
		name: 'actor',
		expected: [450, 450, 0],
		code: `#   count under the name of its \`.actor\` attribute (WRONG). With a \`# normlens: input (1, 4)\`
import torch.nn as nn

class ActorCritic(nn.Module):
    def __init__(self, state_dim, action_dim):
        super(ActorCritic, self).__init__()
        self.actor = nn.Sequential(nn.Linear(state_dim, 64), nn.Tanh(), nn.Linear(64, action_dim), nn.Softmax(dim=-1))
        self.critic = nn.Sequential(nn.Linear(state_dim, 64), nn.Tanh(), nn.Linear(64, 1))

policy = ActorCritic(4, 2)
actor = ActorCritic(4, 2).actor
critic = policy.critic
`,
	},
	{
		title: "a forward that takes no input, run on another model's example input, changes no count (PyTorch 835; NormLens said unknown for a TypeError Python never raises)",
		seen: 'nikhilbarhate99/PPO-PyTorch',
		name: 'policy',
		expected: [835, 835, 0],
		code: `import torch
import torch.nn as nn

class ActorCritic(nn.Module):
    def __init__(self, state_dim, action_dim):
        super(ActorCritic, self).__init__()
        self.actor = nn.Sequential(nn.Linear(state_dim, 64), nn.Tanh(), nn.Linear(64, action_dim), nn.Softmax(dim=-1))
        self.critic = nn.Sequential(nn.Linear(state_dim, 64), nn.Tanh(), nn.Linear(64, 1))

    def forward(self):
        raise NotImplementedError

policy = ActorCritic(4, 2)
# normlens: input (1, 4)
actor = ActorCritic(4, 2).actor
`,
	},
	{
		title: '`argparse.Namespace(**dict(vars(args), seq_len=32))`: vars() of an instance is its __dict__ (LTSF-Linear, Time-Series-Library: 32,100 as PyTorch)',
		seen: 'cure-lab/LTSF-Linear',
		name: 'model2',
		expected: [32100, 32100, 0],
		code: `import argparse
import torch.nn as nn

class Model(nn.Module):
    def __init__(self, configs):
        super().__init__()
        self.fc = nn.Linear(configs.seq_len * configs.enc_in, configs.pred_len)

args = argparse.Namespace(seq_len=96, pred_len=96, enc_in=1)
model = Model(args)
args2 = argparse.Namespace(**dict(vars(args), seq_len=32, enc_in=10, pred_len=100))
model2 = Model(args2)
`,
	},
	{
		title: "a buffer filled in place (`self.initialized.fill_(1)`) under a branch NormLens cannot decide keeps every count: fill_ changes values, never sizes (Glow's ActNorm: 12 and 1 buffer as PyTorch)",
		seen: 'rosinality/glow-pytorch',
		name: 'act',
		expected: [12, 12, 1],
		code: `import torch
from torch import nn

class ActNorm(nn.Module):
    def __init__(self, in_channel):
        super().__init__()
        self.loc = nn.Parameter(torch.zeros(1, in_channel, 1, 1))
        self.scale = nn.Parameter(torch.ones(1, in_channel, 1, 1))
        self.register_buffer("initialized", torch.tensor(0, dtype=torch.uint8))

    def forward(self, input):
        if self.initialized.item() == 0:
            self.initialized.fill_(1)
        return self.scale * (input + self.loc)

# normlens: input (1, 6, 8, 8)
act = ActNorm(6)
`,
	},
	{
		title: "timm's `trunc_normal_` fills a tensor in place and changes no size (PVT, Swin, CvT: 650 as PyTorch with timm 1.0.29)",
		seen: 'whai362/PVT',
		name: 'model',
		expected: [650, 650, 0],
		code: `import torch
import torch.nn as nn
from timm.models.layers import trunc_normal_


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.pos = nn.Parameter(torch.zeros(1, 10, 32))
        self.fc = nn.Linear(32, 10)
        trunc_normal_(self.pos, std=.02)
        self.apply(self._init_weights)

    def _init_weights(self, m):
        if isinstance(m, nn.Linear):
            trunc_normal_(m.weight, std=.02)

    def forward(self, x):
        return self.fc(x + self.pos)


# normlens: input (1, 10, 32)
model = M()
`,
	},
	{
		title: "timm's `to_2tuple(224)` is (224, 224), and a factory's `model.default_cfg = _cfg()` is no model part (3,786 as PyTorch)",
		seen: 'whai362/PVT',
		name: 'net',
		expected: [3786, 3786, 0],
		code: `import torch.nn as nn
from timm.models.layers import to_2tuple
from timm.models.vision_transformer import _cfg


class Net(nn.Module):
    def __init__(self, img_size=32, patch_size=4, num_classes=10):
        super().__init__()
        img_size = to_2tuple(img_size)
        patch_size = to_2tuple(patch_size)
        self.proj = nn.Conv2d(3, 64, kernel_size=patch_size, stride=patch_size)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(64, num_classes)

    def forward(self, x):
        return self.head(self.pool(self.proj(x)).flatten(1))


def net_tiny(pretrained=False, **kwargs):
    model = Net(**kwargs)
    model.default_cfg = _cfg()
    return model


# normlens: input (1, 3, 32, 32)
net = net_tiny()
`,
	},
	{
		title: '`norm_layer(dim) if norm_layer else None` with norm_layer=nn.LayerNorm: a class is true (CvT: 9,600 as PyTorch)',
		seen: 'microsoft/CvT',
		name: 'embed',
		expected: [9600, 9600, 0],
		code: `import torch.nn as nn


class ConvEmbed(nn.Module):
    def __init__(self, patch_size=7, in_chans=3, embed_dim=64, stride=4, padding=2, norm_layer=None):
        super().__init__()
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=stride, padding=padding)
        self.norm = norm_layer(embed_dim) if norm_layer else None

    def forward(self, x):
        x = self.proj(x)
        return x


# normlens: input (1, 3, 64, 64)
embed = ConvEmbed(norm_layer=nn.LayerNorm)
`,
	},
	{
		title: '`next(reversed(d.values()))` is the last value (ConTNet: 1,290 as PyTorch)',
		seen: 'yan-hao-tian/ConTNet',
		name: 'model',
		expected: [1290, 1290, 0],
		code: `from collections import OrderedDict
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, inplanes=16, num_classes=10):
        super().__init__()
        self.out_channels = OrderedDict()
        for i in range(3):
            self.out_channels['layer%d' % i] = 2 * inplanes * 2 ** i
        self.last_out_channels = next(reversed(self.out_channels.values()))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(self.last_out_channels, num_classes)

    def forward(self, x):
        return self.fc(self.pool(x).flatten(1))


# normlens: input (1, 128, 7, 7)
model = Net()
`,
	},
	{
		title: "`del module._parameters[name]` then `register_parameter(name + '_orig', \u2026)`: StyleGAN's equalized learning rate keeps its count (1,792 as PyTorch)",
		seen: 'rosinality/style-based-gan-pytorch',
		name: 'conv',
		expected: [1792, 1792, 0],
		code: `from math import sqrt
import torch.nn as nn


class EqualLR:
    def __init__(self, name):
        self.name = name

    def compute_weight(self, module):
        weight = getattr(module, self.name + '_orig')
        fan_in = weight.data.size(1) * weight.data[0][0].numel()
        return weight * sqrt(2 / fan_in)

    @staticmethod
    def apply(module, name):
        fn = EqualLR(name)
        weight = getattr(module, name)
        del module._parameters[name]
        module.register_parameter(name + '_orig', nn.Parameter(weight.data))
        module.register_forward_pre_hook(fn)
        return fn

    def __call__(self, module, input):
        setattr(module, self.name, self.compute_weight(module))


class EqualConv2d(nn.Module):
    def __init__(self, *args, **kwargs):
        super().__init__()
        conv = nn.Conv2d(*args, **kwargs)
        EqualLR.apply(conv, 'weight')
        self.conv = conv

    def forward(self, input):
        return self.conv(input)


# normlens: input (1, 3, 32, 32)
conv = EqualConv2d(3, 64, 3, padding=1)
`,
	},
	{
		title: "a generator expression `(f(x) for x in xs)` is an iterator of its items (Lezer's ComprehensionExpression was not evaluated): Perceiver's cached factories, 4,224 as PyTorch",
		seen: 'lucidrains/perceiver-pytorch',
		name: 'model',
		expected: [4224, 4224, 0],
		code: `from functools import wraps
import torch.nn as nn


def cache_fn(f):
    cache = dict()
    @wraps(f)
    def cached_fn(*args, _cache=True, key=None, **kwargs):
        if not _cache:
            return f(*args, **kwargs)
        nonlocal cache
        if key in cache:
            return cache[key]
        result = f(*args, **kwargs)
        cache[key] = result
        return result
    return cached_fn


class Net(nn.Module):
    def __init__(self, dim=32, depth=2, tie=True):
        super().__init__()
        get_attn = lambda: nn.Linear(dim, dim)
        get_ff = lambda: nn.Linear(dim, dim)
        get_attn, get_ff = (cache_fn(fn) for fn in (get_attn, get_ff))
        self.layers = nn.ModuleList([])
        for i in range(depth):
            should_cache = i > 0 and tie
            cache_args = {'_cache': should_cache}
            self.layers.append(nn.ModuleList([get_attn(**cache_args), get_ff(**cache_args)]))

    def forward(self, x):
        for attn, ff in self.layers:
            x = ff(attn(x))
        return x


# normlens: input (1, 8, 32)
model = Net()
`,
	},
];

describe('session 20: hunt unknowns made exact, wrong numbers made exact or unknown', () => {
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

	it('the nameless ActorCritic an attribute was read from is not a model of its own, and its forward raises no error for an input it was never given', () => {
		const r = analyzePython(CASES.find((c) => c.name === 'policy')?.code ?? '');
		assert.deepStrictEqual(
			r.models.map((m) => m.name),
			['policy', 'actor'],
		);
		assert.ok(!r.diagnostics.some((d) => d.code === 'call-error'));
		const actor = r.models.find((m) => m.name === 'actor');
		assert.deepStrictEqual(actor?.layers.at(-1)?.outputShape, [1, 2]);
	});
});
