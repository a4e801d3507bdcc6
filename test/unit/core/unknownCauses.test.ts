import * as assert from 'assert';
import {
	analyzePython,
	buildProgram,
	explainLayer,
	parseNotebook,
	toContract,
} from '../../../src/core';
import { sampleTaskFor } from '../../../src/host/sampleTask';
import type { AnalysisResult, ModelSummary } from '../../../src/protocol/analysis';

/**
 * The value model behind "exact, or unknown with its reason": what the interpreter cannot follow
 * becomes an unknown that records its first cause and spreads to what depends on it. Expected
 * counts are written from the frameworks' rules (Linear(i, o): i·o + o).
 */

function model(r: AnalysisResult, name: string): ModelSummary {
	const m = r.models.find((x) => x.name === name);
	assert.ok(m, `model ${name} among ${r.models.map((x) => x.name).join(', ')}`);
	return m;
}

const torchHead = 'import torch\nimport torch.nn as nn\n';

describe('unknowns carry their first cause', () => {
	it('a module passed to a function NormLens cannot read: unknown totals, the cause names the call and its line', () => {
		const r = analyzePython(`${torchHead}net = nn.Sequential(nn.Linear(3, 4))\nhelper(net)\n`);
		const m = model(r, 'net');
		assert.strictEqual(m.totals.total, null);
		assert.strictEqual(m.unknown?.range.start.line, 3);
		assert.match(m.unknown?.reason ?? '', /`helper` is not defined/);
		const d = r.diagnostics.filter((x) => x.code === 'unknown-count');
		assert.deepStrictEqual(
			d.map((x) => x.range.start.line),
			[3],
		);
		assert.match(d[0].message, /`net`/);
	});

	it('a size from a module NormLens cannot read names that argument and that name, not "a size"', () => {
		const r = analyzePython(
			`${torchHead}from mylib import P\nfrom config import cfg\nnet = nn.Sequential(nn.Conv2d(3, P, 3, padding_mode='zeros'))\nhead = nn.Sequential(nn.Linear(cfg.hidden, 4))\nok = nn.Sequential(nn.Linear(4, 4))\n`,
		);
		assert.strictEqual(model(r, 'net').totals.total, null);
		assert.match(
			model(r, 'net').unknown?.reason ?? '',
			/`out_channels` of this Conv2d is `mylib\.P`/,
		);
		assert.strictEqual(model(r, 'net').unknown?.range.start.line, 4);
		assert.match(
			model(r, 'head').unknown?.reason ?? '',
			/`in_features` of this Linear is `config\.cfg\.hidden`, a name from code NormLens cannot read/,
		);
		// Linear(4, 4): 20, untouched.
		assert.strictEqual(model(r, 'ok').totals.total, 20);
	});

	it('calls trusted not to change a model keep it exact (print, summaries, optimizers, losses, eval, to)', () => {
		const r = analyzePython(
			`${torchHead}from torchinfo import summary\nnet = nn.Sequential(nn.Linear(3, 4))\nprint(net)\nsummary(net)\nopt = torch.optim.Adam(net.parameters(), lr=1e-3)\nloss_fn = nn.MSELoss()\nnet.eval()\nnet.to("cpu")\nmystery(3)\n`,
		);
		assert.strictEqual(model(r, 'net').totals.total, 16);
	});

	it('a branch on a condition NormLens cannot decide: what it could change is unknown, for that reason', () => {
		const r = analyzePython(
			`${torchHead}import argparse\nargs = argparse.ArgumentParser().parse_args()\nnet = nn.Sequential(nn.Linear(3, 4))\nif args.bn:\n    net.append(nn.BatchNorm1d(4))\nother = nn.Sequential(nn.Linear(2, 2))\n`,
		);
		assert.strictEqual(model(r, 'net').totals.total, null);
		assert.strictEqual(
			model(r, 'other').totals.total,
			6,
			'a model the branch does not touch stays exact',
		);
	});

	it('copies: nn.TransformerEncoder of an unknown num_layers is unknown with its reason; of catalogue layers or a user class, exact', () => {
		const r = analyzePython(
			`${torchHead}import copy, os\nlayer = nn.TransformerEncoderLayer(8, 2, 16)\nn = int(os.environ["N"])\nenc = nn.Sequential(nn.TransformerEncoder(layer, n))\nclass Block(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 8)\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.blocks = nn.ModuleList([copy.deepcopy(Block()) for _ in range(3)])\nnet = Net()\nok = nn.Sequential(nn.TransformerEncoder(layer, 2), copy.deepcopy(nn.Linear(8, 2)))\n`,
		);
		assert.strictEqual(model(r, 'enc').totals.total, null);
		assert.match(model(r, 'enc').unknown?.reason ?? '', /os\.environ|num_layers/);
		// Three deep copies of a user Block (Linear(8, 8)): PyTorch 1.13 prints 216.
		assert.strictEqual(model(r, 'net').totals.total, 3 * 72);
		// TransformerEncoderLayer(8, 2, 16): in_proj 3·8·8 + 24, out_proj 72, linear1 144, linear2 136, two norms 32 = 600; ×2, + Linear(8, 2) 18.
		assert.strictEqual(model(r, 'ok').totals.total, 2 * 600 + 18);
	});

	it('the model the user means: a summary call on a sub-module reports it as a model; the summary input wins over another call', () => {
		const r = analyzePython(
			`${torchHead}from torchinfo import summary\nclass GAN(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.generator = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))\n        self.discriminator = nn.Sequential(nn.Linear(4, 1))\ngan = GAN()\nnet = nn.Sequential(nn.Flatten(), nn.Linear(12, 4))\ny = net(torch.randn(1, 3, 4))\nsummary(net, input_size=(128, 3, 4))\nsummary(gan.generator, input_size=(32, 8))\n`,
		);
		assert.deepStrictEqual(
			r.models.map((m) => [m.name, m.totals.total]),
			[
				['gan', 144 + 68 + 5],
				['net', 52],
				['gan.generator', 144 + 68],
			],
		);
		assert.deepStrictEqual(
			model(r, 'net').layers.map((l) => l.outputShape),
			[
				[128, 12],
				[128, 4],
			],
		);
		assert.deepStrictEqual(
			model(r, 'gan.generator').layers.map((l) => l.outputShape),
			[
				[32, 16],
				[32, 16],
				[32, 4],
			],
		);
	});

	it('a branch that ends in raise is not the run in which the model gets built', () => {
		const r = analyzePython(
			`${torchHead}import os\nmode = os.environ.get("MODE")\nif mode not in ("a", "b"):\n    raise ValueError(mode)\nnet = nn.Sequential(nn.Linear(3, 4))\n`,
		);
		assert.strictEqual(model(r, 'net').totals.total, 16);
	});

	it('a loop over something NormLens cannot list: the layers it may add make the model unknown', () => {
		const r = analyzePython(
			`${torchHead}import json\ncfg = json.load(open("c.json"))\nlayers = [nn.Linear(3, 4)]\nfor w in cfg["widths"]:\n    layers.append(nn.Linear(4, w))\nnet = nn.Sequential(*layers)\n`,
		);
		assert.strictEqual(model(r, 'net').totals.total, null);
	});

	it('a training loop NormLens cannot iterate (a DataLoader) does not make the model unknown', () => {
		const r = analyzePython(
			`${torchHead}from torch.utils.data import DataLoader\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(3, 4)\n    def forward(self, x):\n        return self.fc(x)\n    def step(self, x):\n        return self.forward(x)\nnet = Net()\nloader = DataLoader(data, batch_size=8)\nopt = torch.optim.SGD(net.parameters(), lr=0.1)\nfor x, y in loader:\n    out = net.step(x)\n    loss = ((out - y) ** 2).mean()\n    opt.zero_grad()\n    loss.backward()\n    opt.step()\n`,
		);
		assert.strictEqual(model(r, 'net').totals.total, 16);
	});

	it('an unknown element in a container and an unknown **kwargs: unknown, not dropped and not the defaults', () => {
		const r = analyzePython(
			`${torchHead}seq = nn.Sequential(nn.Linear(3, 4), make_block(4))\nkw = dict(bias=False)\ntweak(kw)\nlin = nn.Sequential(nn.Linear(3, 4, **kw))\n`,
		);
		assert.strictEqual(model(r, 'seq').totals.total, null);
		assert.match(model(r, 'seq').unknown?.reason ?? '', /make_block/);
		assert.strictEqual(model(r, 'lin').totals.total, null);
		assert.match(model(r, 'lin').unknown?.reason ?? '', /tweak/);
	});

	it('global, del, %-formatting, isinstance, Module.apply and seq[i] = module are followed', () => {
		const r = analyzePython(
			`${torchHead}WIDTH = 4\ndef widen():\n    global WIDTH\n    WIDTH = 8\nwiden()\nlayers = [nn.Linear(3, WIDTH), nn.ReLU(), nn.Dropout()]\ndel layers[-1]\nnet = nn.Sequential(*layers)\nnet[1] = nn.Linear(WIDTH, 2)\nname = "fc%d_%s" % (1, "x")\nnet.add_module(name, nn.Linear(2, 2))\ncount = []\ndef visit(m):\n    if isinstance(m, nn.Linear):\n        count.append(m)\nnet.apply(visit)\nn = len(count)\nfinal = nn.Sequential(nn.Linear(n, 1))\n`,
		);
		// Linear(3, 8) + Linear(8, 2) + Linear(2, 2) = 32 + 18 + 6
		assert.strictEqual(model(r, 'net').totals.total, 56);
		assert.deepStrictEqual(
			model(r, 'net').layers.map((l) => l.name),
			['0', '1', 'fc1_x'],
		);
		// three Linear modules visited: Linear(3, 1) = 4
		assert.strictEqual(model(r, 'final').totals.total, 4);
	});

	it('functools.partial of a layer builds the layer with the bound arguments', () => {
		const r = analyzePython(
			`import functools\nimport torch.nn as nn\nL = functools.partial(nn.Linear, bias=False)\nnet = nn.Sequential(L(3, 4), L(4, 2))\n`,
		);
		assert.strictEqual(model(r, 'net').totals.total, 3 * 4 + 4 * 2);
	});

	it('a library builder function is reported where it is defined (its lens and cursor), not inside its helper', () => {
		const r = analyzePython(
			`${torchHead}def _make(width):\n    return nn.Sequential(nn.Linear(3, width))\ndef small():\n    return _make(4)\ndef large():\n    return _make(8)\n`,
		);
		assert.deepStrictEqual(
			[model(r, 'small').range.start.line, model(r, 'large').range.start.line],
			[4, 6],
		);
	});

	it('ε or momentum that cannot be evaluated are unknown in the explanation, never the defaults', () => {
		const r = analyzePython(
			`${torchHead}import os\neps = float(os.environ["EPS"])\nnet = nn.Sequential(nn.BatchNorm1d(4, eps=eps, momentum=get_m()))\n`,
		);
		const layer = model(r, 'net').layers[0];
		const e = explainLayer(layer);
		assert.ok(e);
		assert.strictEqual(e.epsilon, null);
		assert.match(e.momentumRule ?? '', /cannot evaluate/);
		assert.doesNotMatch(e.momentumRule ?? '', /cumulative/);
	});

	it('the JSON contract gives every null total its reason with line, cell and line in the cell', () => {
		const nb = JSON.stringify({
			nbformat: 4,
			nbformat_minor: 5,
			metadata: {},
			cells: [
				{
					cell_type: 'code',
					metadata: {},
					outputs: [],
					execution_count: null,
					source: ['import torch.nn as nn\n', 'net = nn.Sequential(nn.Linear(3, 4))\n'],
				},
				{
					cell_type: 'code',
					metadata: {},
					outputs: [],
					execution_count: null,
					source: ['x = 1\n', 'patch(net)\n'],
				},
			],
		});
		const program = buildProgram(parseNotebook(nb).filter((c) => c.kind === 'code'));
		const contract = toContract('n.ipynb', analyzePython(program.text), program);
		const totals = contract.models[0].totals;
		assert.strictEqual(totals.total, null);
		assert.strictEqual(
			totals.unknown?.cell,
			1,
			'0-based among all cells, as the contract says',
		);
		assert.strictEqual(totals.unknown?.cellLine, 2);
		assert.match(totals.unknown?.reason ?? '', /patch/);
	});
});

describe('code that may not run, with library calls NormLens models', () => {
	it('`if cuda: model = nn.DataParallel(model)` keeps the model exact; a spectral_norm there makes it unknown', () => {
		const head = `${torchHead}net = nn.Sequential(nn.Linear(3, 4))\n`;
		const parallel = analyzePython(
			`${head}if torch.cuda.device_count() > 1:\n    net = nn.DataParallel(net)\n`,
		);
		assert.strictEqual(
			parallel.models.find((m) => m.frameworkName === 'Sequential')?.totals.total,
			16,
		);
		const sn = analyzePython(
			`${head}if torch.cuda.device_count() > 1:\n    nn.utils.spectral_norm(net[0])\n`,
		);
		assert.strictEqual(
			sn.models.find((m) => m.frameworkName === 'Sequential')?.totals.total,
			null,
		);
	});
});

describe('freezing, as transfer-learning notebooks write it', () => {
	it('torch: `for p in net[:2].parameters(): p.requires_grad = False` freezes the first Linear (PyTorch: 16 of 46)', () => {
		const r = analyzePython(
			`${torchHead}net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 4), nn.Linear(4, 2))\nfor p in net[:2].parameters():\n    p.requires_grad = False\n`,
		);
		assert.deepStrictEqual(
			r.models.map((m) => [m.name, m.totals.total, m.totals.trainable]),
			[['net', 46, 30]],
		);
	});

	it('Keras: `for layer in model.layers[:-1]: layer.trainable = False` and `model.layers[0].trainable = False`', () => {
		const r = analyzePython(
			`from tensorflow import keras\nm = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16), keras.layers.Dense(4)])\nfor layer in m.layers[:-1]:\n    layer.trainable = False\nn = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16), keras.layers.Dense(4)])\nn.layers[1].trainable = False\n`,
		);
		// Dense(16) on 8: 144; Dense(4) on 16: 68.
		assert.deepStrictEqual(
			r.models.map((m) => [m.totals.total, m.totals.trainable]),
			[
				[212, 68],
				[212, 144],
			],
		);
	});
});

describe('the interpreter’s bounds', () => {
	it('a call chain deeper than NormLens follows: what it receives is unknown (it may have appended more)', () => {
		const r = analyzePython(
			`${torchHead}def grow(n, layers):\n    layers.append(nn.Linear(2, 2))\n    if n < 100:\n        grow(n + 1, layers)\nlayers = []\ngrow(0, layers)\nnet = nn.Sequential(*layers)\n`,
		);
		const m = r.models.find((x) => x.name === 'net');
		assert.strictEqual(m?.totals.total, null);
		assert.match(m?.unknown?.reason ?? '', /stops following calls 64 deep/);
	});
});

describe('a sample run is exact or refused with its reason', () => {
	const opts = { batchSize: 4, seed: 1, memoryLimitMiB: 64 };
	it('nn.RMSNorm runs as an RMS norm (no mean subtracted), with eps=None as torch.finfo(float32).eps; LayerNorm standardizes', () => {
		const r = analyzePython(
			`${torchHead}net = nn.Sequential(nn.Linear(3, 8), nn.RMSNorm(8), nn.LayerNorm(8))\ny = net(torch.randn(2, 3))\n`,
		);
		const [rms, ln] = [r.models[0].layers[1], r.models[0].layers[2]];
		const rmsTask = sampleTaskFor(
			explainLayer(rms) as NonNullable<ReturnType<typeof explainLayer>>,
			opts,
		);
		assert.ok('task' in rmsTask, JSON.stringify(rmsTask));
		assert.strictEqual(rmsTask.task.form, 'rms');
		assert.strictEqual(rmsTask.task.epsilon, 2 ** -23);
		const lnTask = sampleTaskFor(
			explainLayer(ln) as NonNullable<ReturnType<typeof explainLayer>>,
			opts,
		);
		assert.ok(
			'task' in lnTask && lnTask.task.form === 'standardize' && lnTask.task.epsilon === 1e-5,
			JSON.stringify(lnTask),
		);
	});

	it('an ε NormLens cannot evaluate is refused, not run with the default', () => {
		const r = analyzePython(
			`${torchHead}import os\nnet = nn.Sequential(nn.BatchNorm1d(4, eps=float(os.environ["EPS"])))\ny = net(torch.randn(2, 4))\n`,
		);
		const t = sampleTaskFor(
			explainLayer(r.models[0].layers[0]) as NonNullable<ReturnType<typeof explainLayer>>,
			opts,
		);
		assert.ok('error' in t && /ε/.test(t.error), JSON.stringify(t));
	});
});

describe('never silence: a class whose base NormLens cannot read', () => {
	it('class Net(mylib.Base) holding layers, or defining forward: no model, and an unknown-base diagnostic at the call; a plain class: nothing', () => {
		const held = analyzePython(
			`${torchHead}import mylib\nclass Net(mylib.Base):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 2)\nnet = Net()\n`,
		);
		assert.deepStrictEqual(held.models, []);
		assert.deepStrictEqual(
			held.diagnostics.map((d) => [d.code, d.range.start.line]),
			[['unknown-base', 7]],
		);
		assert.match(
			held.diagnostics[0].message,
			/`Net` derives from `mylib\.Base`, which NormLens cannot read/,
		);
		const forward = analyzePython(
			`${torchHead}from transformers import PreTrainedModel\nclass Lit(PreTrainedModel):\n    def forward(self, x):\n        return x\nm = Lit()\n`,
		);
		assert.deepStrictEqual(
			forward.diagnostics.map((d) => d.code),
			['unknown-base'],
		);
		const plain = analyzePython(
			'class Cfg(object):\n    def __init__(self):\n        self.n = 3\nc = Cfg()\n',
		);
		assert.deepStrictEqual(plain.diagnostics, []);
	});
});

describe('subclasses of torch.nn layers', () => {
	it('weights follow the arguments super().__init__ receives; without it they are unknown, saying so', () => {
		const r = analyzePython(
			`${torchHead}class Wide(nn.Linear):\n    def __init__(self, n):\n        super().__init__(n, 2 * n)\nclass Lost(nn.Linear):\n    def __init__(self, n):\n        self.n = n\nclass Plain(nn.Linear):\n    pass\na = nn.Sequential(Wide(3), nn.ReLU())\nb = nn.Sequential(Lost(3), nn.ReLU())\nc = nn.Sequential(Plain(3, 5), nn.ReLU())\nimport sys\nsize = int(sys.argv[1])\nd = nn.Sequential(Wide(size), nn.ReLU())\n`,
		);
		// Linear(3, 6): 3·6 + 6; Linear(3, 5): 3·5 + 5.
		assert.strictEqual(model(r, 'a').totals.total, 24);
		assert.deepStrictEqual(
			model(r, 'a').layers.map((l) => l.type),
			['Wide', 'ReLU'],
		);
		assert.strictEqual(model(r, 'b').totals.total, null);
		assert.match(
			model(r, 'b').unknown?.reason ?? '',
			/`Lost.__init__` does not call `nn.Linear.__init__`/,
		);
		assert.strictEqual(model(r, 'c').totals.total, 20);
		assert.strictEqual(model(r, 'd').totals.total, null);
		assert.match(model(r, 'd').unknown?.reason ?? '', /`int\(sys\.argv\[1\]\)`/);
	});

	it('a subclass with a forward of its own is not explained as its base (its normalization may differ)', () => {
		const r = analyzePython(
			`${torchHead}class LayerNorm2d(nn.LayerNorm):\n    def forward(self, x):\n        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)\nnet = nn.Sequential(nn.Conv2d(3, 8, 3), LayerNorm2d(8))\ny = net(torch.randn(1, 3, 10, 10))\n`,
		);
		const ln = model(r, 'net').layers[1];
		assert.deepStrictEqual(
			[ln.type, ln.outputShape, ln.params?.total],
			['LayerNorm2d', [1, 8, 8, 8], 16],
		);
		assert.strictEqual(explainLayer(ln), null);
	});
});

describe('modules PyTorch does not register', () => {
	it('modules in a plain list, dict or tuple attribute: not counted (as PyTorch), and a warning where each is assigned', () => {
		const src = `${torchHead}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.blocks = [nn.Linear(4, 4) for _ in range(3)]\n        self.d = {"a": nn.Linear(4, 4)}\n        self.ok = nn.ModuleList([nn.Linear(4, 4)])\n        self.head = nn.Linear(4, 1)\nnet = Net()\n`;
		const r = analyzePython(src);
		// PyTorch's parameters(): the ModuleList's Linear(4, 4) 20 and the head 5.
		assert.strictEqual(model(r, 'net').totals.total, 25);
		const d = r.diagnostics.filter((x) => x.code === 'unregistered-modules');
		assert.deepStrictEqual(
			d.map((x) => [x.range.start.line, x.severity, x.message.split(':')[0]]),
			[
				[5, 'warning', '`self.blocks` holds 3 modules in a plain list'],
				[6, 'warning', '`self.d` holds 1 module in a plain dict'],
			],
		);
		assert.match(d[0].message, /Use nn\.ModuleList\.$/);
		assert.match(d[1].message, /Use nn\.ModuleDict\.$/);
	});
});

describe('Keras calls that make a new model from one', () => {
	it('clone_model leaves the original exact (its clone is a new model NormLens does not count)', () => {
		const r = analyzePython(
			'from tensorflow import keras\nfrom tensorflow.keras import layers\nbase = keras.Sequential([keras.Input((4,)), layers.Dense(3)])\nclone = keras.models.clone_model(base)\n',
		);
		// Dense(4 → 3): 15.
		assert.strictEqual(model(r, 'base').totals.total, 15);
		assert.ok(!r.models.some((m) => m.name === 'clone' && m.totals.total !== null));
	});
});

describe('try / except around imports', () => {
	it('a fallback import of the same library under another name (tf.keras / keras / tf_keras) keeps the names exact', () => {
		for (const src of [
			'try:\n    from tensorflow import keras\nexcept ImportError:\n    import keras\nmodel = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n',
			'try:\n    from keras.layers import Dense, Input\n    from keras.models import Sequential\nexcept ImportError:\n    from tensorflow.keras.layers import Dense, Input\n    from tensorflow.keras.models import Sequential\nmodel = Sequential([Input((3,)), Dense(2)])\n',
			'try:\n    import tensorflow.keras as keras\nexcept:\n    import keras\nmodel = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n',
		]) {
			// Dense(3 → 2): 8.
			assert.deepStrictEqual(
				analyzePython(src).models.map((m) => [m.name, m.totals.total]),
				[['model', 8]],
				src,
			);
		}
	});

	it('a value the except block sets otherwise is unknown, saying why', () => {
		const r = analyzePython(
			`try:\n    import torch_xla\n    width = 1\nexcept ImportError:\n    width = 2\n${torchHead}net = nn.Sequential(nn.Linear(width, 1))\n`,
		);
		assert.strictEqual(model(r, 'net').totals.total, null);
		assert.match(
			model(r, 'net').unknown?.reason ?? '',
			/cannot tell whether the `try` block raises, so `except ImportError:` may run/,
		);
	});
});

describe('a model built only where NormLens cannot tell the code runs', () => {
	it('is not shown, and an information says why at the statement (no silence); other assignments there say nothing', () => {
		const r = analyzePython(
			`${torchHead}import torchvision\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(3, 3)\nif torch.cuda.is_available():\n    model = Net().cuda()\nelse:\n    model = Net()\nif args.pretrained:\n    backbone = torchvision.models.resnet18(weights="DEFAULT")\n    data = load_data()\n`,
		);
		assert.ok(!r.models.some((m) => m.name === 'model' || m.name === 'backbone'));
		const said = r.diagnostics.filter(
			(d) =>
				d.code === 'unknown-count' &&
				/is built only in code NormLens cannot tell runs/.test(d.message),
		);
		assert.deepStrictEqual(
			said.map((d) => [d.range.start.line, d.message.split(' ')[0]]),
			[
				[8, '`model`'],
				[12, '`backbone`'],
			],
		);
		assert.match(said[0].message, /torch\.cuda\.is_available/);
		assert.match(said[1].message, /`args` is not defined/);
	});
});
