import * as assert from 'assert';
import {
	analyzePython,
	buildProgram,
	locateLine,
	modelLensTitle,
	notebookModuleReader,
} from '../../../src/core';

/**
 * Notebooks as IPython runs them: magics, shell escapes, help and automagic lines are no syntax
 * errors (also indented inside blocks), Python cell magics keep their code, `%%writefile` makes a
 * module, and every line keeps its position in its cell.
 */
const head = 'import torch\nimport torch.nn as nn';

function analyze(cells: string[]) {
	const program = buildProgram(cells.map((source, index) => ({ index, source })));
	const result = analyzePython(program.text, { readModule: notebookModuleReader(program.files) });
	const syntax = result.diagnostics
		.filter((d) => d.code === 'syntax-error')
		.map((d) => {
			const at = locateLine(program, d.range.start.line);
			return `cell ${at?.cell} line ${at?.cellLine}: ${program.text.split('\n')[d.range.start.line]}`;
		});
	const totals = Object.fromEntries(result.models.map((m) => [m.name, m.totals.total]));
	return { program, result, syntax, totals };
}

describe('notebooks as IPython runs them', () => {
	it('line magics, shell escapes, automagic and help lines, also indented inside if / try: no syntax error, the model counted', () => {
		const { syntax, totals, program } = analyze([
			`!pip install -q torchinfo\n%matplotlib inline\n%load_ext autoreload\n${head}`,
			"import sys\nif 'google.colab' in sys.modules:\n    !pip install einops\n    %pip install timm\ntry:\n    %tensorflow_version 2.x\nexcept Exception:\n    pass",
			'pip install torchsummary\nconda install -y numpy',
			'net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))\nnet?\nnet.forward??\n?nn.Linear',
			'for i in range(2):\n    !echo {i}\n',
		]);
		assert.deepStrictEqual(syntax, []);
		assert.strictEqual(totals.net, 26);
		// Lines keep their place: cell 3 starts where cell 0–2's lines end, and its first line is the model.
		const seg = program.segments[3];
		assert.strictEqual(
			program.text.split('\n')[seg.startLine],
			'net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))',
		);
		assert.deepStrictEqual(
			program.segments.map((s) => s.lineCount),
			[5, 8, 2, 4, 3],
		);
	});

	it('a line starting with % inside open brackets, a string or after a backslash is Python, not a magic', () => {
		const cells = [
			"a, b = 1, 2\ns = ('%d %d'\n     % (a, b))\nt = '''\n%notmagic\n'''\nu = 3 \\\n    % 2",
			`${head}\nnet = nn.Sequential(nn.Linear(len(s) + 1, 3))`,
		];
		const { syntax, program, totals } = analyze(cells);
		assert.deepStrictEqual(syntax, []);
		assert.strictEqual(program.text.split('\n').slice(0, 8).join('\n'), cells[0]);
		// s = '1 2': the % after the open bracket formatted it.
		assert.strictEqual(totals.net, 15);
	});

	it('%%time and %%capture cells are code; %%bash, %%html and %%javascript cells are left out', () => {
		const { syntax, totals } = analyze([
			head,
			'%%time\nnet = nn.Sequential(nn.Linear(5, 6))',
			'%%capture\nsmall = nn.Sequential(nn.Linear(2, 2))',
			'%%bash\nfor f in *.py; do echo $f; done\nif [ -d x ]; then ls; fi',
			'%%html\n<div class="x">not python</div>',
			'%%javascript\nconsole.log({a: 1});',
		]);
		assert.deepStrictEqual(syntax, []);
		assert.strictEqual(totals.net, 36);
		assert.strictEqual(totals.small, 6);
	});

	it('%%writefile model.py makes a module the later cells import; -a appends to it', () => {
		const { syntax, totals, program } = analyze([
			'%%writefile model.py\nimport torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(5, 6)\n\n    def forward(self, x):\n        return self.fc(x)',
			'%%writefile -a model.py\n\nclass Wide(Net):\n    def __init__(self):\n        super().__init__()\n        self.out = nn.Linear(6, 10)',
			`${head}\nfrom model import Net, Wide\nm = Net()\nw = Wide()`,
		]);
		assert.deepStrictEqual(syntax, []);
		assert.ok(program.files['model.py'].includes('class Wide(Net)'));
		assert.strictEqual(totals.m, 36);
		assert.strictEqual(totals.w, 36 + 70);
	});

	it('a value from a shell escape or a magic is unknown, with its reason, never a guess', () => {
		const { syntax, result } = analyze([
			head,
			'files = !ls data\nn = len(files)\nnet = nn.Sequential(nn.Linear(n, 3))',
		]);
		assert.deepStrictEqual(syntax, []);
		const net = result.models.find((m) => m.name === 'net');
		assert.ok(net, 'the model is found');
		assert.strictEqual(net.totals.total, null);
		assert.match(
			net.unknown?.reason ?? '',
			/shell escape or magic .* only known when the notebook runs/,
		);
	});

	it("%run script.py brings the script's names into the notebook; a script NormLens cannot see leaves them unknown", () => {
		const script =
			'import torch.nn as nn\n\ndef build(n):\n    return nn.Sequential(nn.Linear(n, 4), nn.ReLU(), nn.Linear(4, 2))\n\nbase = build(3)\n';
		const files: Record<string, string> = { 'models/small.py': script, 'helpers.py': script };
		const program = buildProgram(
			[
				'%run models/small.py',
				"%run -i './helpers.py'",
				'net = build(5)\nagain = base',
				'%run ../shared/other.py\nlost = make_model()',
			].map((source, index) => ({ index, source })),
		);
		const result = analyzePython(program.text, {
			readModule: notebookModuleReader({}, (name) => files[`${name.replace(/\./g, '/')}.py`]),
		});
		assert.deepStrictEqual(
			result.diagnostics.filter((d) => d.code === 'syntax-error'),
			[],
		);
		const totals = Object.fromEntries(result.models.map((m) => [m.name, m.totals.total]));
		// Linear(5, 4) + Linear(4, 2) = 24 + 10; base is build(3): 16 + 10.
		assert.strictEqual(totals.net, 34);
		assert.strictEqual(totals.again, 26);
		assert.ok(!('lost' in totals) || totals.lost === null, JSON.stringify(totals));
	});

	it("the counts as a model's own cell leaves them: a base frozen in a later cell is fully trainable in its cell's lens", () => {
		const cells = [
			head,
			'net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))',
			'x = 1',
			'for p in net[0].parameters():\n    p.requires_grad = False',
			'import tensorflow as tf\nbase = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(4), tf.keras.layers.BatchNormalization()])',
			'base.trainable = False',
			'same = nn.Sequential(nn.Linear(2, 2), nn.ReLU())',
		];
		const program = buildProgram(cells.map((source, index) => ({ index, source })));
		const result = analyzePython(program.text, { cells: program.segments });
		const byName = Object.fromEntries(result.models.map((m) => [m.name, m]));
		// Linear(4, 8) + Linear(8, 2) = 40 + 18; the first Linear frozen two cells later.
		assert.deepStrictEqual(byName.net.totals, {
			total: 58,
			trainable: 18,
			nonTrainable: 40,
			buffers: 0,
		});
		assert.deepStrictEqual(byName.net.cellTotals, {
			total: 58,
			trainable: 58,
			nonTrainable: 0,
			buffers: 0,
		});
		// Dense(3 → 4) = 16, BatchNormalization(4) = 16 with 8 non-trainable; the whole base frozen in the next cell.
		assert.deepStrictEqual(byName.base.cellTotals, {
			total: 32,
			trainable: 24,
			nonTrainable: 8,
			buffers: 0,
		});
		assert.strictEqual(byName.base.totals.trainable, 0);
		// A model no later cell changes has no second set of counts.
		assert.strictEqual(byName.same.cellTotals, undefined);
		assert.deepStrictEqual(modelLensTitle(byName.net), {
			title: 'net: 58 params (58 trainable, 0 non-trainable, 0 in buffers) after this cell',
			tooltip:
				'As this cell leaves it. After the later cells: 58 params (18 trainable, 40 non-trainable, 0 in buffers). Click to show the model summary.',
		});
		// A .py file (no cells) has none either.
		assert.ok(analyzePython(program.text).models.every((m) => m.cellTotals === undefined));
	});

	it('a cell written indented runs in IPython (it strips the first line\'s indentation): no "unexpected indent"', () => {
		const program = buildProgram(
			[
				head,
				'    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU())\n    if True:\n        small = nn.Sequential(nn.Linear(2, 2))',
				'x = 1\n  y = 2',
			].map((source, index) => ({ index, source })),
		);
		const r = analyzePython(program.text, { cells: program.segments });
		// Only the third cell's second line is an error: IPython strips nothing there (its first line is not indented).
		assert.deepStrictEqual(
			r.diagnostics
				.filter((d) => d.code === 'syntax-error')
				.map((d) => [locateLine(program, d.range.start.line), d.message.split('.')[0]]),
			[[{ cell: 2, cellLine: 1 }, 'Syntax error: unexpected indent']],
		);
		assert.deepStrictEqual(
			r.models.map((m) => [m.name, m.totals.total]),
			[
				['net', 16],
				['small', 6],
			],
		);
	});

	it('a real syntax error in a notebook is still reported, at its cell and line', () => {
		const { syntax } = analyze([head, 'x = 1\ndef f(:\n    pass']);
		assert.strictEqual(syntax.length, 1);
		assert.match(syntax[0], /^cell 1 line 1: def f\(:/);
	});
});
