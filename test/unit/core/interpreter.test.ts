import * as assert from 'assert';
import { analyzePython, explainLayer } from '../../../src/core';
import type { AnalysisResult } from '../../../src/protocol/analysis';

function only(src: string) {
	const r = analyzePython(src);
	assert.strictEqual(
		r.models.length,
		1,
		`expected one model, got ${r.models.length}: ${JSON.stringify(r.diagnostics)}`,
	);
	return r.models[0];
}

describe('Python subset and Keras models', () => {
	it('Sequential from a list with input_shape, aliases via from-imports', () => {
		const m = only(`
from tensorflow.keras import layers, models
model = models.Sequential([
    layers.Flatten(input_shape=[28, 28]),
    layers.BatchNormalization(),
    layers.Dense(300, activation="relu"),
])
`);
		assert.strictEqual(m.kind, 'sequential');
		assert.deepStrictEqual(
			m.layers.map((l) => [l.name, l.outputShape, l.params?.total]),
			[
				['flatten', [null, 784], 0],
				['batch_normalization', [null, 784], 3136],
				['dense', [null, 300], 235500],
			],
		);
		assert.deepStrictEqual(m.totals, {
			total: 238636,
			trainable: 237068,
			nonTrainable: 1568,
			buffers: 0,
		});
	});

	it('Sequential built with .add in a for loop over range, with a helper function and keyword defaults', () => {
		const m = only(`
import keras
def block(model, units, bn=True):
    model.add(keras.layers.Dense(units, use_bias=not bn))
    if bn:
        model.add(keras.layers.BatchNormalization())
model = keras.Sequential()
model.add(keras.Input(shape=(16,)))
for i in range(3):
    block(model, 2 ** (i + 3))
`);
		assert.deepStrictEqual(
			m.layers.map((l) => [l.type, l.outputShape, l.params?.total]),
			[
				['Dense', [null, 8], 128],
				['BatchNormalization', [null, 8], 32],
				['Dense', [null, 16], 128],
				['BatchNormalization', [null, 16], 64],
				['Dense', [null, 32], 512],
				['BatchNormalization', [null, 32], 128],
			],
		);
	});

	it('BatchNormalization(center=False, scale=False) keeps only the 2·C moving statistics, all non-trainable', () => {
		const m = only(`
import tensorflow as tf
x = tf.keras.Input((10,))
y = tf.keras.layers.BatchNormalization(center=False, scale=False)(x)
model = tf.keras.Model(x, y)
`);
		assert.deepStrictEqual(m.layers[1].params, {
			total: 20,
			trainable: 0,
			nonTrainable: 20,
			buffers: 0,
		});
	});

	it('axis=1 on channels_first conv output keeps the channel axis', () => {
		const m = only(`
from keras import layers, Input, Model
x = Input((3, 32, 32))
c = layers.Conv2D(8, 3, padding="same", data_format="channels_first")(x)
b = layers.BatchNormalization(axis=1)(c)
model = Model(x, b)
`);
		assert.deepStrictEqual(m.layers[1].outputShape, [null, 8, 32, 32]);
		assert.strictEqual(m.layers[1].params?.total, 3 * 3 * 3 * 8 + 8);
		const e = explainLayer(m.layers[2]);
		assert.deepStrictEqual(e?.axisNames, ['batch', 'channels', 'height', 'width']);
		assert.deepStrictEqual(e?.reducedAxes, [0, 2, 3]);
		assert.deepStrictEqual(e?.statShape, [8]);
	});

	it('trainable = False freezes a layer: its weights count as non-trainable', () => {
		const m = only(`
import tensorflow as tf
inp = tf.keras.Input((4,))
d = tf.keras.layers.Dense(3)
d.trainable = False
out = d(inp)
model = tf.keras.Model(inp, out)
`);
		assert.deepStrictEqual(m.totals, { total: 15, trainable: 0, nonTrainable: 15, buffers: 0 });
	});

	it('an unknown input size gives null counts, never a guess', () => {
		const m = only(`
import tensorflow as tf
n = load_width()
inp = tf.keras.Input((n,))
out = tf.keras.layers.Dense(5)(inp)
model = tf.keras.Model(inp, out)
`);
		assert.strictEqual(m.layers[1].params, null);
		assert.deepStrictEqual(m.totals, {
			total: null,
			trainable: null,
			nonTrainable: null,
			buffers: null,
		});
	});

	it('arithmetic, tuples, comprehensions and conditionals evaluate as Python does', () => {
		const m = only(`
import tensorflow as tf
sizes = [2 ** k for k in range(4) if k % 2 == 1]   # [2, 8]
h, w = (64 // 2, 10 if len(sizes) == 2 else 99)
inp = tf.keras.Input((h, w, 3))
x = tf.keras.layers.Conv2D(sizes[-1], kernel_size=(3, 3), strides=2)(inp)
x = tf.keras.layers.MaxPooling2D()(x)
model = tf.keras.Model(inp, x)
`);
		assert.deepStrictEqual(m.layers[1].outputShape, [null, 15, 4, 8]);
		assert.deepStrictEqual(m.layers[2].outputShape, [null, 7, 2, 8]);
	});

	it('redundant bias before BatchNormalization: a warning naming both layers, with a use_bias=False fix', () => {
		const src = `import tensorflow as tf
inp = tf.keras.Input((30,))
x = tf.keras.layers.Dense(50)(inp)
y = tf.keras.layers.BatchNormalization()(x)
model = tf.keras.Model(inp, y)
`;
		const r = analyzePython(src);
		const d = r.diagnostics.find((x) => x.code === 'redundant-bias');
		assert.ok(d);
		assert.match(d.message, /Dense `dense`.*BatchNormalization `batch_normalization`/);
		assert.match(d.message, /save 50 parameters/);
		assert.strictEqual(d.range.start.line, 2);
		const edit = d.fix?.edits[0];
		assert.deepStrictEqual(edit?.range.start, { line: 2, character: 28 });
		assert.strictEqual(edit?.newText, ', use_bias=False');
		const fixed = analyzePython(src.replace('Dense(50)', 'Dense(50, use_bias=False)'));
		assert.ok(!fixed.diagnostics.some((x) => x.code === 'redundant-bias'));
	});

	it('the bias fix replaces the value of an explicit use_bias=True / bias=True (Keras and PyTorch)', () => {
		const fixOf = (src: string) =>
			analyzePython(src).diagnostics.find((x) => x.code === 'redundant-bias')?.fix?.edits[0];
		// Keras: `use_bias=True  # note` → the value True is replaced, wherever the keyword sits.
		const keras = fixOf(`import tensorflow as tf
inp = tf.keras.Input((8, 8, 3))
x = tf.keras.layers.Conv2D(4, 3, use_bias=True,  # keep
    padding="same")(inp)
y = tf.keras.layers.BatchNormalization()(x)
model = tf.keras.Model(inp, y)
`);
		assert.deepStrictEqual(keras, {
			range: { start: { line: 2, character: 42 }, end: { line: 2, character: 46 } },
			newText: 'False',
		});
		// PyTorch: `bias=True` replaced.
		const torch = fixOf(`import torch
import torch.nn as nn
model = nn.Sequential(nn.Linear(4, 8, bias=True), nn.BatchNorm1d(8))
y = model(torch.randn(2, 4))
`);
		assert.deepStrictEqual(torch, {
			range: { start: { line: 2, character: 43 }, end: { line: 2, character: 47 } },
			newText: 'False',
		});
	});
});

describe('functional graphs', () => {
	it('two inputs, a Concatenate merge and two outputs', () => {
		const m = only(`from tensorflow import keras
from tensorflow.keras import layers
a = keras.Input((8,), name="a")
b = keras.Input((4,), name="b")
x = layers.concatenate([layers.Dense(16)(a), layers.Dense(16)(b)])
y1 = layers.Dense(1, name="score")(x)
y2 = layers.Dense(3, name="label")(x)
model = keras.Model(inputs=[a, b], outputs=[y1, y2])
`);
		assert.deepStrictEqual(
			m.layers.map((l) => [l.name, l.outputShape, l.params?.total]),
			[
				['a', [null, 8], 0],
				['b', [null, 4], 0],
				['dense', [null, 16], 144],
				['dense_1', [null, 16], 80],
				['concatenate', [null, 32], 0],
				['score', [null, 1], 33],
				['label', [null, 3], 99],
			],
		);
	});

	it('an Add of incompatible shapes is an error naming both shapes', () => {
		const r = analyzePython(`from tensorflow import keras
from tensorflow.keras import layers
a = keras.Input((8,))
y = layers.Add()([layers.Dense(16)(a), layers.Dense(12)(a)])
m = keras.Model(a, y)
`);
		const d = r.diagnostics.find((x) => x.code === 'shape-mismatch');
		assert.ok(d);
		assert.match(d.message, /incompatible shapes \(None, 16\) and \(None, 12\)/);
	});
});

describe('comparison chains', () => {
	it('`0 < a <= 1` is `0 < a and a <= 1` (Python), not `(0 < a) <= 1`', () => {
		// Keras's EfficientNetV2 writes `if 0 < se_ratio <= 1:`; read as (0 < 0) <= 1 it added
		// squeeze-excitation layers to every fused block (1,637 parameters too many).
		const count = (cond: string) =>
			analyzePython(
				`import torch.nn as nn\na, b, c = 0, 2, 5\nn = 5 if ${cond} else 3\nm = nn.Sequential(nn.Linear(n, 1), nn.ReLU())\n`,
			).models[0].totals.total;
		assert.deepStrictEqual(
			[
				'0 < a <= 1',
				'1 < b < 3',
				'1 < c < 3',
				'0 <= a < b < c',
				'a < b > c',
				'a == 0 != b',
				'1 < b in [2, 3]',
			].map(count),
			// Linear(5, 1) = 6 parameters when the chain holds, Linear(3, 1) = 4 when it does not.
			[4, 6, 4, 6, 4, 6, 6],
		);
	});
});

describe('bad input', () => {
	it('a syntax error mid-file: a diagnostic on its line, and the model that parses is still reported', () => {
		const r = analyzePython(`import tensorflow as tf
inp = tf.keras.Input((30,))
x = tf.keras.layers.Dense(50)(inp)
model = tf.keras.Model(inp, x)
y = tf.keras.layers.Dense(5)(x
`);
		const err = r.diagnostics.find((d) => d.code === 'syntax-error');
		assert.ok(err);
		assert.ok(err.range.start.line >= 4);
		assert.strictEqual(r.models[0].totals.total, 1550);
	});

	it('a bracket left open is reported at the bracket, once, and the statements before it still count', () => {
		const src = `import tensorflow as tf
inp = tf.keras.Input((30,))
x = tf.keras.layers.Dense(50)(inp)
model = tf.keras.Model(inp, x)
y = tf.keras.layers.Dense(5
z = 3
w = [1, 2
`;
		const errs = analyzePython(src).diagnostics.filter((d) => d.code === 'syntax-error');
		// Line 4 (0-based): the '(' after Dense at character 25; line 6: the '[' at character 4.
		assert.deepStrictEqual(
			errs.map((d) => [d.range.start, d.message.split('.')[0]]),
			[
				[{ line: 4, character: 25 }, '`(` was never closed'],
				[{ line: 6, character: 4 }, '`[` was never closed'],
			],
		);
		assert.strictEqual(analyzePython(src).models[0].totals.total, 1550);
		// A bracket that is closed, with an error inside: Python's generic message where the parser stopped.
		const inside = analyzePython('x = f(1 2)\n').diagnostics.filter(
			(d) => d.code === 'syntax-error',
		);
		assert.strictEqual(inside.length, 1);
		assert.match(
			inside[0].message,
			/^Syntax error: invalid syntax\. NormLens leaves this statement out/,
		);
	});

	it("indentation Python refuses (Lezer accepts it): Python's message, the statement left out, and what that costs", () => {
		const src = `import tensorflow as tf
from tensorflow.keras import layers
inputs = layers.Input((32, 32, 3))
  x = layers.Conv2D(8, 3)(inputs)
x = layers.Flatten()(x)
unet = tf.keras.Model(inputs, layers.Dense(2)(x))
other = tf.keras.Sequential([layers.Dense(4, input_shape=(3,))])
`;
		const r = analyzePython(src);
		const errs = r.diagnostics.filter((d) => d.code === 'syntax-error');
		assert.deepStrictEqual(
			errs.map((d) => [d.range.start.line, d.message]),
			[
				[
					3,
					'Syntax error: unexpected indent. NormLens leaves `x = layers.Conv2D(8, 3)(inputs)` out, so `unet` is unknown.',
				],
			],
		);
		const unet = r.models.find((m) => m.name === 'unet');
		assert.strictEqual(unet?.totals.total, null);
		assert.match(
			unet?.unknown?.reason ?? '',
			/is left out: Python reports "unexpected indent"/,
		);
		// One message for the one problem: no second "unknown" diagnostic on that statement.
		assert.deepStrictEqual(
			r.diagnostics.filter((d) => d.code === 'unknown-count' && d.range.start.line === 3),
			[],
		);
		assert.strictEqual(r.models.find((m) => m.name === 'other')?.totals.total, 16);
	});

	it('a dedent to no outer level, and a block with no statement, as Python words them', () => {
		const dedent = analyzePython('def f():\n    a = 1\n  b = 2\n').diagnostics.filter(
			(d) => d.code === 'syntax-error',
		);
		assert.deepStrictEqual(
			dedent.map((d) => [d.range.start.line, d.message.split('.')[0]]),
			[[2, 'Syntax error: unindent does not match any outer indentation level']],
		);
		const empty = analyzePython('x = 1\nif x:\ny = 2\n').diagnostics.filter(
			(d) => d.code === 'syntax-error',
		);
		assert.deepStrictEqual(
			empty.map((d) => d.message.split('.')[0]),
			["Syntax error: expected an indented block after 'if' statement on line 2"],
		);
	});

	it('valid indentation is never an error: nested blocks, decorators, continuations, comments and strings at any column', () => {
		const src = `import torch.nn as nn
class Net(nn.Module):
    """Doc
  at column 2
    """
    @staticmethod
    def make(n,
             m=2):
        if n > 1:
            return [nn.Linear(n, m)
        for _ in range(2)]
        elif n == 0:
                pass
        else:
          try:
              pass
          except Exception:
              raise
# a comment at column 0
      # and one at column 6
        x = (1 +
    2)
        y = 3 \
  + 4
        with open("f") as fh:
            pass
        return x
    def forward(self, x): return x
net = nn.Sequential(*Net.make(3))
`;
		assert.deepStrictEqual(
			analyzePython(src).diagnostics.filter((d) => d.code === 'syntax-error'),
			[],
		);
	});

	it('a long valid file parses without spurious syntax errors (Lezer fails every ~43k characters without the re-parse)', () => {
		const lines = [
			'import tensorflow as tf',
			'from tensorflow.keras import layers',
			'x = inp = layers.Input((8,))',
		];
		for (let i = 0; i < 1200; i++) {
			lines.push(
				'y = layers.Dense(8, use_bias=False)(x)',
				'y = layers.BatchNormalization()(y)',
				'x = layers.Add()([x, y])',
				'',
			);
		}
		lines.push('model = tf.keras.Model(inp, x)');
		const r = analyzePython(lines.join('\n'));
		assert.deepStrictEqual(
			r.diagnostics.filter((d) => d.code === 'syntax-error'),
			[],
		);
		assert.strictEqual(r.models[0].layers.length, 1 + 1200 * 3);
	});

	it('an empty file gives no models and no errors', () => {
		const r = analyzePython('');
		assert.deepStrictEqual(r.models, []);
		assert.deepStrictEqual(r.diagnostics, []);
	});

	it('an unknown layer: info diagnostic, null shape and counts downstream, never a guess', () => {
		const r = analyzePython(`import tensorflow as tf
inp = tf.keras.Input((30,))
x = tf.keras.layers.FancyNewLayer(7)(inp)
y = tf.keras.layers.Dense(5)(x)
model = tf.keras.Model(inp, y)
`);
		const d = r.diagnostics.find((x) => x.code === 'unknown-layer');
		assert.ok(d);
		assert.match(d.message, /FancyNewLayer/);
		const m = r.models[0];
		assert.strictEqual(m.layers[1].known, false);
		assert.strictEqual(m.layers[1].outputShape, null);
		assert.strictEqual(m.layers[2].params, null);
		assert.strictEqual(m.totals.total, null);
	});

	it('an endless loop stops at the step bound with a diagnostic instead of hanging', () => {
		const started = Date.now();
		const r = analyzePython('x = 0\nwhile True:\n    x += 1\n', {
			limits: { maxSteps: 50_000 },
		});
		assert.ok(r.truncated);
		assert.ok(r.diagnostics.some((d) => d.code === 'analysis-truncated'));
		assert.ok(Date.now() - started < 5000);
	});

	it("a bound reached in the example input's forward stops the analysis saying which bound, never an internal error", () => {
		// The model is built by the program; NormLens's own call with the example input loops.
		const src = `import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)
    def forward(self, x):
        while True:
            x = x + 1
        return self.fc(x)
net = Net()
`;
		const r = analyzePython(src, { torchInput: [2, 3], limits: { maxSteps: 20_000 } });
		assert.deepStrictEqual(
			r.diagnostics.filter((d) => d.code === 'internal-error'),
			[],
		);
		const stop = r.diagnostics.find((d) => d.code === 'analysis-truncated');
		assert.ok(stop, 'the stop is reported');
		assert.match(stop.message, /at its step bound \(20,000 steps\)/);
		assert.deepStrictEqual(
			r.models.map((m) => [m.name, m.totals.total, m.unknown?.reason]),
			[
				[
					'net',
					null,
					'NormLens stopped interpreting this file at its step bound (20,000 steps)',
				],
			],
		);
		const timed = analyzePython('x = 0\nwhile True:\n    x += 1\n', {
			limits: { maxMillis: 20 },
		});
		assert.match(
			timed.diagnostics.find((d) => d.code === 'analysis-truncated')?.message ?? '',
			/at its time bound \(20 ms\)/,
		);
	});

	it('huge literals and deep nesting: no internal error; the model after them is counted, or the analysis stops at its bound saying so', () => {
		const deep = `${'['.repeat(300)}1${']'.repeat(300)}`;
		const after = 'net = nn.Sequential(nn.Linear(3, 4), nn.ReLU())\n';
		for (const [line, counted] of [
			[`x = ${deep}`, true],
			['z = 1e400 * 10', true],
			['y = [0] * 10**12', false],
		] as const) {
			const r = analyzePython(`import torch.nn as nn\n${line}\n${after}`);
			assert.deepStrictEqual(
				r.diagnostics.filter((d) => d.code === 'internal-error'),
				[],
				line,
			);
			if (counted) {
				// Linear(3, 4): 3·4 + 4.
				assert.deepStrictEqual(
					r.models.map((m) => [m.name, m.totals.total]),
					[['net', 16]],
					line,
				);
			} else {
				// A list of 10^12 items is beyond the interpreter's sequence bound: it stops there and says so.
				assert.strictEqual(r.truncated, true, line);
				assert.ok(
					r.diagnostics.some((d) => d.code === 'analysis-truncated'),
					line,
				);
				assert.ok(
					r.models.every((m) => m.totals.total === null),
					line,
				);
			}
		}
	});
});

describe('incremental re-analysis', () => {
	it('gives the same result as a fresh analysis after each edit', async () => {
		const { IncrementalAnalyzer } = await import('../../../src/core');
		const inc = new IncrementalAnalyzer();
		const versions = [
			'import tensorflow as tf\ninp = tf.keras.Input((30,))\nx = tf.keras.layers.Dense(50)(inp)\nmodel = tf.keras.Model(inp, x)\n',
			'import tensorflow as tf\ninp = tf.keras.Input((30,))\nx = tf.keras.layers.Dense(64)(inp)\nmodel = tf.keras.Model(inp, x)\n',
			'import tensorflow as tf\ninp = tf.keras.Input((30,))\nx = tf.keras.layers.Dense(64)(inp)\nx = tf.keras.layers.BatchNormalization()(x)\nmodel = tf.keras.Model(inp, x)\n',
			'import tensorflow as tf\ninp = tf.keras.Input((30,))\nx = tf.keras.layers.Dense(64)(inp\nx = tf.keras.layers.BatchNormalization()(x)\nmodel = tf.keras.Model(inp, x)\n',
			'',
			'import tensorflow as tf\ninp = tf.keras.Input((30,))\nmodel = tf.keras.Model(inp, tf.keras.layers.Dense(2)(inp))\n',
		];
		for (const v of versions) {
			assert.deepStrictEqual(inc.analyze(v), analyzePython(v));
		}
	});
});

describe('normalization diagnostics', () => {
	it('Keras BatchNormalization(axis=1) after a channels_last Conv2D: warning naming both axes, fix axis=-1', () => {
		const r = analyzePython(`import tensorflow as tf
x = tf.keras.Input((100, 200, 3))
c = tf.keras.layers.Conv2D(30, 3, use_bias=False)(x)
a = tf.keras.layers.ReLU()(c)
b = tf.keras.layers.BatchNormalization(axis=1)(a)
m = tf.keras.Model(x, b)
`);
		const d = r.diagnostics.find((x) => x.code === 'bn-axis');
		assert.ok(d, JSON.stringify(r.diagnostics));
		assert.match(
			d.message,
			/keeps axis 1 \(size 98\) but the Conv2D `conv2d` before it puts its 30 channels on axis 3/,
		);
		assert.deepStrictEqual(d.fix?.edits[0].newText, '-1');
		assert.strictEqual(d.range.start.line, 4);
	});

	it('PyTorch BatchNorm1d on (N, L, C) data: a specific error that says to permute', () => {
		const r = analyzePython(`import torch
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(16, 64, bias=False)
        self.bn = nn.BatchNorm1d(64)
    def forward(self, x):
        return self.bn(self.proj(x))
net = Net()
y = net(torch.randn(8, 20, 16))
`);
		const d = r.diagnostics.find((x) => x.code === 'bn-channels-last');
		assert.ok(d, JSON.stringify(r.diagnostics));
		assert.match(
			d.message,
			/BatchNorm1d\(64\) normalizes dim 1, but this \(N, L, C\)-shaped input \(8, 20, 64\)/,
		);
		assert.match(d.message, /transpose\(1, 2\)/);
	});

	it('PyTorch shape mismatches name both sizes (Linear in_features, Conv in_channels, BatchNorm num_features)', () => {
		const r = analyzePython(`import torch
import torch.nn as nn
a = nn.Sequential(nn.Conv2d(3, 16, 3), nn.BatchNorm2d(32))
b = nn.Sequential(nn.Flatten(), nn.Linear(100, 10))
c = nn.Sequential(nn.Conv2d(4, 8, 3))
ya = a(torch.randn(2, 3, 8, 8))
yb = b(torch.randn(2, 3, 8, 8))
yc = c(torch.randn(2, 3, 8, 8))
`);
		const msgs = r.diagnostics.filter((d) => d.code === 'shape-mismatch').map((d) => d.message);
		assert.ok(
			msgs.some((m) =>
				/BatchNorm2d expects 32 channels \(num_features\) on dim 1 but the input has 16/.test(
					m,
				),
			),
			msgs.join('\n'),
		);
		assert.ok(
			msgs.some((m) =>
				/Linear expects 100 input features \(in_features\) but the input has 192/.test(m),
			),
			msgs.join('\n'),
		);
		assert.ok(
			msgs.some((m) =>
				/Conv2d expects 4 input channels \(in_channels\) but the input has 3/.test(m),
			),
			msgs.join('\n'),
		);
	});

	it('PyTorch BatchNorm1d on a batch of one: a warning (PyTorch raises in training)', () => {
		const r = analyzePython(`import torch
import torch.nn as nn
m = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8))
y = m(torch.randn(1, 4))
`);
		assert.ok(
			r.diagnostics.some((d) => d.code === 'batch-size-one' && d.severity === 'warning'),
		);
	});
});

describe('tensor indexing in forward', () => {
	const shapes = (body: string) => {
		const r = analyzePython(`import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 2)
    def forward(self, x, n):
        return self.fc(${body})
m = M()
y = m(torch.randn(4, 10, 16), 3)
`);
		return {
			shape: r.models[0]?.layers.find((l) => l.name === 'fc')?.outputShape,
			diagnostics: r.diagnostics.filter((d) => d.severity === 'error'),
		};
	};

	it('follows ints, slices, None and ... (shapes as PyTorch gives them)', () => {
		// Expected shapes as real PyTorch printed them for x = torch.randn(4, 10, 16), n = 3 (then fc: 16 → 2); zoo.py's SequenceHeads is cross-checked in the suite.
		assert.deepStrictEqual(shapes('x[:, -1]').shape, [4, 2]);
		assert.deepStrictEqual(shapes('x[0]').shape, [10, 2]);
		assert.deepStrictEqual(shapes('x[1:3, ::3]').shape, [2, 4, 2]);
		assert.deepStrictEqual(shapes('x[:, -20:]').shape, [4, 10, 2]);
		assert.deepStrictEqual(shapes('x[:, 7:2]').shape, [4, 0, 2]);
		assert.deepStrictEqual(shapes('x[None, ..., 0:1, :]').shape, [1, 4, 1, 2]);
		assert.deepStrictEqual(shapes('x[:, n:]').shape, [4, 7, 2]);
	});

	it('leaves unknown what it cannot follow, and reports what PyTorch refuses, naming the shape', () => {
		// An int64 index of known values is followed (PyTorch: (4, 2, 16), then fc); a mask's count is the data's.
		assert.deepStrictEqual(shapes('x[:, torch.tensor([0, 2])]').shape, [4, 2, 2]);
		assert.deepStrictEqual(shapes('x[:, x[0, :, 0] > 0]').shape, null);
		const bad = shapes('x[:, :, :, 0]');
		assert.strictEqual(bad.shape, null);
		assert.deepStrictEqual(
			bad.diagnostics.map((d) => [d.code, d.message]),
			[
				[
					'index-error',
					'Indexing a tensor of shape (4, 10, 16): too many indices: 4 for 3 dimensions.',
				],
			],
		);
		assert.match(
			shapes('x[:, 10]').diagnostics[0]?.message ?? '',
			/index 10 is out of bounds for dimension 1 with size 10/,
		);
	});
});

describe('return statements', () => {
	it('`return a, b` evaluates both (a forward returning two outputs runs both heads)', () => {
		const r = analyzePython(`import torch
import torch.nn as nn
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(3, 4, 1)
        self.d = nn.Conv2d(4, 2, 1)
    def forward(self, x):
        y = self.c(x)
        return self.d(y), y
def pair():
    return 1, 2
a = A()
o = a(torch.randn(2, 3, 8, 8))
n = 10 * pair()[1]
m = nn.Sequential(nn.Linear(n, 3))
`);
		const shapes = Object.fromEntries(
			r.models.flatMap((m) => m.layers.map((l) => [l.name, l.outputShape])),
		);
		// torch: Conv2d(4, 2, 1) on (2, 4, 8, 8) gives (2, 2, 8, 8).
		assert.deepStrictEqual(shapes.d, [2, 2, 8, 8]);
		assert.strictEqual(r.models.find((m) => m.name === 'm')?.totals.total, 20 * 3 + 3);
	});
});

describe('Keras inputs declared on the first layer or by build()', () => {
	it("an Embedding's input_dim is its vocabulary, not its input; Sequential.build((None, 100)) gives the input; input_length declares it before Keras 3 only", () => {
		const r = analyzePython(`import keras
from keras import layers
seq = keras.Sequential([layers.Embedding(5000, 64), layers.GRU(16), layers.Dense(1)])
seq.build((None, 100))
legacy = keras.Sequential([layers.Embedding(1000, 8, input_length=20), layers.Flatten(), layers.Dense(1)])
dense = keras.Sequential([layers.Dense(4, input_dim=3)])
`);
		const shapes = (name: string) =>
			r.models.find((m) => m.name === name)?.layers.map((l) => l.outputShape);
		// Keras: Embedding on (None, T) gives (None, T, output_dim); GRU(16) keeps the last step.
		assert.deepStrictEqual(shapes('seq'), [
			[null, 100, 64],
			[null, 16],
			[null, 1],
		]);
		// Keras 3 pops input_length and ignores it (keras/src/layers/core/embedding.py), so that
		// Sequential is not built; tf.keras 2 declared (None, input_length) from it.
		assert.deepStrictEqual(shapes('legacy'), [null, null, null]);
		const tf2 = analyzePython(`# normlens: keras 2
from tensorflow import keras
from tensorflow.keras import layers
legacy = keras.Sequential([layers.Embedding(1000, 8, input_length=20), layers.Flatten(), layers.Dense(1)])
`);
		assert.deepStrictEqual(
			tf2.models.find((m) => m.name === 'legacy')?.layers.map((l) => l.outputShape),
			[
				[null, 20, 8],
				[null, 160],
				[null, 1],
			],
		);
		assert.deepStrictEqual(shapes('dense'), [[null, 4]]);
		// Embedding 5000·64; GRU (reset_after) 3·(16·(64 + 16) + 2·16); Dense 16 + 1.
		assert.strictEqual(
			r.models.find((m) => m.name === 'seq')?.totals.total,
			5000 * 64 + 3 * (16 * 80 + 32) + 17,
		);
	});

	it('build() on a Sequential whose first layer declared its input: tf.keras 2 keeps the declared input, Keras 3 refuses another', () => {
		// tf.keras 2's Embedding declares input_shape (None,) without input_length
		// (tensorflow/python/keras/layers/embeddings.py), so the Sequential is built when created and
		// Sequential.build re-initialises the graph from those inputs (engine/sequential.py):
		// the famous "Flatten after Embedding needs input_length" case.
		const src = (dialect: string) => `# normlens: keras ${dialect}
from tensorflow import keras
from tensorflow.keras import layers
seq = keras.Sequential([layers.Embedding(1000, 64), layers.LSTM(32)])
seq.build((None, 100))
flat = keras.Sequential()
flat.add(layers.Embedding(1000, 64))
flat.add(layers.Flatten())
flat.build((None, 10))
dense = keras.Sequential([layers.Dense(8, input_shape=(16,))])
dense.build((None, 32))
same = keras.Sequential([layers.Dense(8, input_shape=(16,))])
same.build((None, 16))
`;
		const shapes = (r: AnalysisResult, name: string) =>
			r.models.find((m) => m.name === name)?.layers.map((l) => l.outputShape);
		const tf2 = analyzePython(src('2'));
		assert.deepStrictEqual(shapes(tf2, 'seq'), [
			[null, null, 64],
			[null, 32],
		]);
		assert.deepStrictEqual(shapes(tf2, 'flat'), [
			[null, null, 64],
			[null, null],
		]);
		assert.deepStrictEqual(shapes(tf2, 'dense'), [[null, 8]]);
		assert.strictEqual(tf2.models.find((m) => m.name === 'dense')?.totals.total, 16 * 8 + 8);
		// Keras 3: the Embedding declares nothing, so build() gives the input; the Dense's declared
		// (None, 16) makes build((None, 32)) a ValueError (keras/src/models/sequential.py).
		const k3 = analyzePython(src('3'));
		assert.deepStrictEqual(shapes(k3, 'seq'), [
			[null, 100, 64],
			[null, 32],
		]);
		const dense = k3.models.find((m) => m.name === 'dense');
		assert.strictEqual(dense?.totals.total, null);
		assert.match(
			dense?.unknown?.reason ?? '',
			/already configured for input shape \(None, 16\)/,
		);
		assert.ok(
			k3.diagnostics.some(
				(d) => d.code === 'input-shape-mismatch' && d.range.start.line === 10,
			),
		);
		assert.strictEqual(k3.models.find((m) => m.name === 'same')?.totals.total, 16 * 8 + 8);
	});
});

describe('TensorFlow and Keras functions inside call()', () => {
	it('tf.nn.relu / keras.ops / keras.activations keep the shape, so the layers after them are built and counted', () => {
		const src = (relu: string) => `import tensorflow as tf
import keras
from keras import layers
class Block(layers.Layer):
    def __init__(self, filters):
        super().__init__()
        self.conv1 = layers.Conv2D(filters, 3, padding="same", use_bias=False)
        self.bn1 = layers.BatchNormalization()
        self.conv2 = layers.Conv2D(filters, 3, padding="same", use_bias=False)
    def call(self, x):
        y = ${relu}(self.bn1(self.conv1(x)))
        return x + self.conv2(y)
inp = keras.Input((16, 16, 8))
out = Block(8)(inp)
model = keras.Model(inp, out)
`;
		// Block(8) on (None, 16, 16, 8): two 3×3 convolutions 8 → 8 without bias, one BatchNormalization of 8.
		for (const relu of [
			'tf.nn.relu',
			'tf.math.sigmoid',
			'keras.ops.relu',
			'keras.activations.gelu',
		]) {
			const m = analyzePython(src(relu)).models[0];
			assert.deepStrictEqual(
				m.totals,
				{
					total: 2 * 3 * 3 * 8 * 8 + 4 * 8,
					trainable: 2 * 3 * 3 * 8 * 8 + 2 * 8,
					nonTrainable: 2 * 8,
					buffers: 0,
				},
				relu,
			);
			assert.deepStrictEqual(m.layers[1].outputShape, [null, 16, 16, 8], relu);
		}
	});
});

describe('matrix products in forward', () => {
	it('a @ b, torch.matmul / bmm and x.matmul follow PyTorch (1-D operands, broadcast batch axes)', () => {
		// Shapes as real PyTorch printed them for torch.randn(*a) @ torch.randn(*b).
		const cases: [number[], number[], number[]][] = [
			[[2, 3], [3], [2]],
			[[3], [3, 4], [4]],
			[
				[5, 2, 3],
				[3, 4],
				[5, 2, 4],
			],
			[
				[5, 2, 3],
				[5, 3, 4],
				[5, 2, 4],
			],
			[
				[1, 2, 3],
				[6, 3, 4],
				[6, 2, 4],
			],
			[
				[2, 3],
				[3, 4],
				[2, 4],
			],
		];
		for (const [a, b, want] of cases) {
			for (const expr of ['x @ y', 'torch.matmul(x, y)', 'x.matmul(y)']) {
				const r = analyzePython(`import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.id = nn.Identity()
    def forward(self, x, y):
        return self.id(${expr})
m = M()
o = m(torch.randn(${a.join(', ')}), torch.randn(${b.join(', ')}))
`);
				assert.deepStrictEqual(
					r.models[0].layers[0].outputShape,
					want,
					`${expr} on ${a} and ${b}`,
				);
			}
		}
	});
});

describe('quick fixes and local modules', () => {
	it('a layer built by a local module gets its diagnostic at the calling line but no edit (its text is another file)', () => {
		const blocks = `import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(3, 8, 3)
        self.bn = nn.BatchNorm2d(8)
    def forward(self, x):
        return self.bn(self.c(x))
`;
		const main = `import torch
from blocks import Net
net = Net()
y = net(torch.randn(1, 3, 8, 8))
local = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.BatchNorm2d(8))
z = local(torch.randn(1, 3, 8, 8))
`;
		const r = analyzePython(main, {
			readModule: (name) => (name === 'blocks' ? blocks : undefined),
		});
		const bias = r.diagnostics
			.filter((d) => d.code === 'redundant-bias')
			.sort((a, b) => a.range.start.line - b.range.start.line);
		assert.deepStrictEqual(
			bias.map((d) => [d.range.start.line, d.fix?.edits]),
			[
				// Before, this edit inserted ", bias=False" at blocks.py's position (line 4, character 34) into this file.
				[2, undefined],
				[
					4,
					[
						{
							range: {
								start: { line: 4, character: 51 },
								end: { line: 4, character: 51 },
							},
							newText: ', bias=False',
						},
					],
				],
			],
		);
	});
});

describe('Keras wrappers and Lambda', () => {
	it('TimeDistributed applies its layer per step; a Lambda has the shape its function gives (or output_shape)', () => {
		const r = analyzePython(`import keras
from keras import layers
inp = keras.Input((10, 16))
t = layers.TimeDistributed(layers.Dense(4))(inp)
l = layers.Lambda(lambda z: keras.ops.relu(z) * 2)(t)
s = layers.Lambda(lambda z: z[:, 0], output_shape=(4,))(t)
model = keras.Model(inp, [l, s])
`);
		const rows = Object.fromEntries(
			r.models[0].layers.map((x) => [x.name, [x.outputShape, x.params?.total]]),
		);
		// Dense(4) on 16 features per step: 16·4 + 4; Lambda keeps (None, 10, 4); output_shape=(4,) → (None, 4).
		assert.deepStrictEqual(rows.time_distributed, [[null, 10, 4], 68]);
		assert.deepStrictEqual(rows.lambda, [[null, 10, 4], 0]);
		assert.deepStrictEqual(rows.lambda_1, [[null, 4], 0]);
		// Conv2D(2, 3) per step on (8, 8, 3): 3·3·3·2 + 2 weights, (6, 6, 2) per step.
		const conv = analyzePython(`import keras
from keras import layers
inp = keras.Input((5, 8, 8, 3))
m = keras.Model(inp, layers.TimeDistributed(layers.Conv2D(2, 3))(inp))
`).models[0].layers[1];
		assert.deepStrictEqual(
			[conv.outputShape, conv.params?.total],
			[[null, 5, 6, 6, 2], 3 * 3 * 3 * 2 + 2],
		);
	});
});

describe('models built through calls NormLens cannot follow', () => {
	it('a functional model through an unknown object has unknown totals and says which call, never 0', () => {
		// Coursera's alpaca model (a frozen application base under a new head) on an application.
		const alpaca = (app: string, module: string, head: string) => `import tensorflow as tf
base = tf.keras.applications.${app}(input_shape=(160, 160, 3), include_top=False, weights="imagenet")
base.trainable = False
inputs = tf.keras.Input(shape=(160, 160, 3))
x = tf.keras.applications.${module}.preprocess_input(inputs)
x = base(x, training=False)
x = tf.keras.layers.GlobalAveragePooling2D()(x)
${head}outputs = tf.keras.layers.Dense(1)(x)
model = tf.keras.Model(inputs, outputs)
`;
		// NASNetMobile is an application NormLens has no architecture for (src/core/zoo).
		const r = analyzePython(alpaca('NASNetMobile', 'nasnet', ''));
		const m = r.models[0];
		assert.deepStrictEqual(m.totals, {
			total: null,
			trainable: null,
			nonTrainable: null,
			buffers: null,
		});
		assert.deepStrictEqual(
			m.layers.map((l) => l.type),
			['InputLayer', 'GlobalAveragePooling2D', 'Dense'],
		);
		// The first cause: the applications call that built `base` (line 2), named, with the model it makes unknown.
		const d = r.diagnostics.filter((x) => x.code === 'unknown-count');
		assert.deepStrictEqual(
			d.map((x) => x.range.start.line),
			[1],
		);
		assert.match(
			d[0].message,
			/`tensorflow\.keras\.applications\.NASNetMobile`.*the parameter totals of `model` are unknown/,
		);
		assert.deepStrictEqual(m.unknown?.range.start.line, 1);
		// The same notebook on MobileNetV2, which NormLens knows: exact, as Coursera's alpaca_model summary printed it.
		const known = analyzePython(
			alpaca('MobileNetV2', 'mobilenet_v2', 'x = tf.keras.layers.Dropout(0.2)(x)\n'),
		).models.find((x) => x.name === 'model');
		assert.deepStrictEqual(known?.totals, {
			total: 2_259_265,
			trainable: 1_281,
			nonTrainable: 2_257_984,
			buffers: 0,
		});
		assert.deepStrictEqual(
			known?.layers.map((l) => `${l.name} (${l.type})`),
			[
				'input_layer_1 (InputLayer)',
				'mobilenetv2_1.00_160 (Functional)',
				'global_average_pooling2d (GlobalAveragePooling2D)',
				'dropout (Dropout)',
				'dense (Dense)',
			],
		);
		// A subclass whose call goes through an attribute built by code NormLens does not have.
		const sub = analyzePython(`import keras
from keras import layers
from mylib import make_backbone
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.proj = layers.Dense(8)
        self.backbone = make_backbone()
    def call(self, x):
        return self.backbone(self.proj(x))
model = Net()
model.build((None, 4))
`);
		assert.strictEqual(sub.models[0].totals.total, null);
		assert.match(
			sub.diagnostics.find((x) => x.code === 'unknown-count')?.message ?? '',
			/`mylib\.make_backbone`.*`model`/,
		);
		// Outputs that are not tensors at all: unknown too, not an empty model of 0 parameters.
		const empty = analyzePython(`import tensorflow as tf
inputs = tf.keras.Input((4,))
model = tf.keras.Model(inputs, some_function(inputs, 3))
`).models[0];
		assert.strictEqual(empty.totals.total, null);
	});
});

describe('PyTorch models holding what NormLens cannot read', () => {
	it('a torchvision / timm model, or a self.<attr> built by unknown code and called in forward: unknown totals, not a partial sum', () => {
		const external = analyzePython(`import torch
import torch.nn as nn
import torchvision
import timm
class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = torchvision.models.maxvit_t(weights=None)
        self.enc = timm.create_model("efficientnet_b0", pretrained=False)
        self.head = nn.Linear(512, 3)
    def forward(self, x):
        return self.head(self.backbone(x))
model = Classifier()
`);
		assert.strictEqual(external.models[0].totals.total, null);
		assert.deepStrictEqual(
			external.diagnostics
				.filter((d) => d.code === 'external-model')
				.map((d) => d.range.start.line),
			[7, 8],
		);
		const unread = analyzePython(`import torch
import torch.nn as nn
from mylib import build_encoder
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = build_encoder("resnet")
        self.act = torch.relu
        self.head = nn.Linear(512, 3)
    def helper(self, x):
        return self.act(x)
    def forward(self, x):
        return self.head(self.helper(self.encoder(x)))
net = Net()
y = net(torch.randn(2, 3, 32, 32))
`);
		assert.strictEqual(unread.models[0].totals.total, null);
		// The first cause is where `self.encoder` got its unknown value: the call to build_encoder.
		const d = unread.diagnostics.filter((x) => x.code === 'unknown-count');
		assert.deepStrictEqual(
			d.map((x) => [x.range.start.line, /`mylib\.build_encoder`/.test(x.message)]),
			[[6, true]],
		);
		// A model whose forward calls only what NormLens reads keeps its exact count.
		const plain = analyzePython(`import torch
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.act = torch.relu
        self.head = nn.Linear(4, 3)
    def forward(self, x):
        return self.act(self.head(x))
net = Net()
y = net(torch.randn(2, 4))
`);
		assert.strictEqual(plain.models[0].totals.total, 4 * 3 + 3);
	});
});

describe('definitions the program never calls', () => {
	it('a function that reaches a model the program built is not run after it (Python never runs it)', () => {
		// PyTorch 1.13 prints 58 parameters, all trainable: freeze() and grow() are never called.
		// NormLens ran them as a library's builders and printed 64, 6 trainable.
		const r = analyzePython(`import torch.nn as nn
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
def freeze(m=model):
    for p in m.parameters():
        p.requires_grad = False
def grow():
    model.append(nn.Linear(2, 2))
def build(width=3):
    return nn.Sequential(nn.Linear(4, width))
`);
		const model = r.models.find((m) => m.name === 'model');
		assert.deepStrictEqual([model?.totals.total, model?.totals.trainable], [58, 58]);
		// A builder that touches nothing the program built is still shown, as a library's is.
		assert.strictEqual(r.models.find((m) => m.name === 'build')?.totals.total, 15);
	});
});

describe('float literals Lezer does not read, and statements that may return', () => {
	it('`0. or`, `1.e-5`, `1. if … else 0.`, `[1. for …]` are the floats Python reads', () => {
		// Lezer's grammar reads `0. or b` as the attribute `or` of 0 and drops the statement.
		// Linear(int(c + 4.), int(1.e1)) = Linear(4, 10): 4·10 + 10 = 50; Linear(10, 3 + 1): 44.
		const m = only(`import torch.nn as nn
a = 1.e5
b = 1.e-5
c = 0. if a else 1.
d = [1. for i in range(3)]
f = a == 0. or b
s = nn.Sequential(nn.Linear(int(c + 4.), int(1.e1)), nn.Linear(10, len(d) + int(b * 1e5)))
`);
		assert.strictEqual(m.totals.total, 94);
		const r = analyzePython('x = 255.\ny = 2. * x\n');
		assert.deepStrictEqual(r.diagnostics, []);
	});

	it('a left-out statement holding a return makes what follows it uncertain, not certain', () => {
		// PyTorch 1.13: f(0.0) returns Linear(4, 4) (20 parameters). With its `if` dropped, NormLens
		// returned Linear(4, 8) (40) as certain. The dropped statement here is Python's own syntax error.
		const r = analyzePython(`import torch.nn as nn
def f(x):
    if x == 0 or x is None
        return nn.Linear(4, 4)
    return nn.Linear(4, 8)
s = nn.Sequential(f(0.0))
`);
		const s = r.models.find((m) => m.name === 's');
		assert.strictEqual(s?.totals.total, null);
		assert.match(s?.unknown?.reason ?? '', /is left out: Python reports/);
	});
});
