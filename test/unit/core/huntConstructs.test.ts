import * as assert from 'assert';
import { analyzePython } from '../../../src/core';
import type { AnalysisResult, ModelSummary } from '../../../src/protocol/analysis';
import { analyzeNotebook, analyzeOnKeras3 } from './notebookRun';

/**
 * Constructs found in real code that NormLens had never seen (the hunts of 2026-12-06: 145 PyTorch
 * models from 18 repositories against PyTorch 1.13, 215 printed Keras tables from 26 repositories),
 * each reduced to a few lines. Expected values: real PyTorch 1.13 (Debian's python3-torch, through
 * cmp_main.py of the hunt), Keras 3.15 where marked, or Keras's formulas written out.
 */

function modelOf(r: AnalysisResult, name: string): ModelSummary {
	const m = r.models.find((x) => x.name === name);
	assert.ok(m, `a model ${name} in ${r.models.map((x) => x.name).join(', ')}`);
	return m;
}

describe('constructs from the hunts: exact where the framework decides, unknown saying why otherwise', () => {
	it('dict(**m) of a mapping NormLens cannot list is unknown, not an empty dict', () => {
		// sachinruk/deepschool.io, Lesson 18: the vocabulary came out as 2 words (100 parameters
		// against the 2,988,500 the notebook printed).
		const r = analyzePython(`import pandas as pd
import tensorflow as tf
df = pd.read_csv('x.csv')
vocab = dict(zip(df.text, range(len(df))))
vocab = dict(**vocab)
vocab['<PAD>'] = len(vocab)
model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(len(vocab))])
`);
		assert.strictEqual(modelOf(r, 'model').totals.total, null);
	});

	it("Keras 1's Model(input=…, output=…): the model in standalone Keras, unknown (TypeError) in later Keras", () => {
		// buomsoo-kim/Easy-deep-learning-with-Keras: standalone Keras 2 printed 36 (Dense 8·4 + 4).
		const legacy = analyzePython(`from keras.models import Model
from keras.layers import Dense, Input
inn = Input(shape=(8,))
model = Model(input=inn, output=Dense(4)(inn))
`);
		assert.strictEqual(modelOf(legacy, 'model').totals.total, 36);
		const tfKeras = analyzePython(`import tensorflow as tf
from tensorflow.keras.models import Model
from tensorflow.keras.layers import Dense, Input
_ = tf.compat.v1
inn = Input(shape=(8,))
model = Model(input=inn, output=Dense(4)(inn))
`);
		const m = modelOf(tfKeras, 'model');
		assert.strictEqual(m.totals.total, null);
		assert.match(m.unknown?.reason ?? '', /Keras 1's API.*raise TypeError/);
	});

	it('an application given input_tensor= holds the layers before it: freezing layers[:100] stops one layer earlier', () => {
		// amimulhasan/Deep-Learning; Keras 3.15: 23,587,712 total, 19,716,096 trainable, 3,871,616 not
		// (the notebook's Keras 3 table says which layer list `base.layers[:100]` reads).
		const r = analyzeOnKeras3(`from tensorflow import keras
from tensorflow.keras import layers
inputs = layers.Input(shape=(224, 224, 3))
x = layers.Rescaling(1 / 255.0)(inputs)
base = keras.applications.ResNet50(weights=None, include_top=False, input_tensor=x)
for layer in base.layers[:100]:
    layer.trainable = False
out = layers.GlobalAveragePooling2D()(base.output)
model = keras.Model(inputs, out)
`);
		const t = modelOf(r, 'model').totals;
		assert.deepStrictEqual(
			[t.total, t.trainable, t.nonTrainable],
			[23_587_712, 19_716_096, 3_871_616],
		);
		assert.strictEqual(modelOf(r, 'base').layers[1].name, 'rescaling');
	});

	// A module with a Linear(8, 8) and a buffer made from `table`.
	const withTable = (table: string) =>
		modelOf(
			analyzePython(`import numpy as np
import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        t = ${table}
        self.register_buffer('t', torch.FloatTensor(t))
m = M()
`),
			'm',
		);
	const counts = (m: ModelSummary) => [m.totals.total, m.totals.trainable, m.totals.buffers];

	it('a buffer NormLens cannot size leaves the buffers unknown, the parameters exact', () => {
		// A table read from a file: PyTorch's buffer count depends on the file; 72 parameters.
		const m = withTable("np.load('table.npy')");
		assert.deepStrictEqual(counts(m), [72, 72, null]);
		assert.match(m.unknown?.reason ?? '', /np\.load/);
	});

	it('a NumPy table of np.power values built in a comprehension is a buffer of its sizes', () => {
		// jadore801120/attention-is-all-you-need-pytorch's sinusoid table; PyTorch 1.13: 72 parameters, 32 in buffers.
		const m = withTable('np.array([[np.power(2, j) for j in range(8)] for p in range(4)])');
		assert.deepStrictEqual(counts(m), [72, 72, 32]);
	});

	it('callable(), classes compared with ==, np.newaxis and the string module: what Python gives', () => {
		// PyTorch 1.13: m 72, m2 27 (lucidrains' default()); net 296, net_b 148 (bearpaw's block == B);
		// the buffer arange(4)[:, newaxis] * arange(3)[newaxis, :] is (4, 3): 12.
		const r = analyzePython(`import string
import numpy as np
import torch
import torch.nn as nn
def default(val, d):
    if val is not None:
        return val
    return d() if callable(d) else d
class M(nn.Module):
    def __init__(self, dim, out_dim=None):
        super().__init__()
        self.fc = nn.Linear(dim, default(out_dim, dim))
        self.register_buffer('t', torch.arange(4)[:, np.newaxis] * torch.arange(3)[np.newaxis, :])
class A(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
class B(A):
    pass
class Net(nn.Module):
    def __init__(self, block=A):
        super().__init__()
        n = 1 if block == B else 2
        self.body = nn.Sequential(*[block(4) for _ in range(n)])
m = M(8)
m2 = M(8, 3)
net = Net()
net_b = Net(block=B)
letters = nn.Sequential(nn.Embedding(len(string.ascii_letters + " .,;'"), 2))
`);
		const totals = (n: string) => {
			const t = modelOf(r, n).totals;
			return [t.total, t.buffers];
		};
		assert.deepStrictEqual(totals('m'), [72, 12]);
		assert.deepStrictEqual(totals('m2'), [27, 12]);
		assert.deepStrictEqual(totals('net'), [296, 0]);
		assert.deepStrictEqual(totals('net_b'), [148, 0]);
		// 52 letters and 5 more characters, 2 dimensions each.
		assert.deepStrictEqual(totals('letters'), [114, 0]);
	});

	it('a data loop of 50,000 iterations does not use up the analysis: the model after it is exact', () => {
		// Harvard-IACS CS109B lab 8 (the Keras addition RNN): 205,324 parameters printed; every model
		// after the loop was dropped at the step bound before.
		const r = analyzePython(`import numpy as np
from keras.models import Sequential
from keras import layers
TRAINING_SIZE = 50000
DIGITS = 3
MAXLEN = DIGITS + 1 + DIGITS
chars = '0123456789+ '
questions = []
while len(questions) < TRAINING_SIZE:
    a = np.random.randint(1, 1000)
    questions.append(str(a) + ' ' * (MAXLEN - 3))
model = Sequential()
model.add(layers.LSTM(128, input_shape=(MAXLEN, len(chars))))
model.add(layers.RepeatVector(DIGITS + 1))
model.add(layers.LSTM(128, return_sequences=True))
model.add(layers.TimeDistributed(layers.Dense(len(chars), activation='softmax')))
n = len(questions)
`);
		// LSTM 4·(128·(12 + 128) + 128) = 72,192; LSTM 4·(128·256 + 128) = 131,584; Dense 128·12 + 12 = 1,548.
		assert.strictEqual(modelOf(r, 'model').totals.total, 205_324);
		assert.ok(!r.diagnostics.some((d) => d.code === 'analysis-truncated'));
	});

	it('for … in range(10⁶) runs one number at a time: cut by its share, not stopped at the sequence bound', () => {
		// ashishpatel26's GloVe notebook: `for x in range(160000)` stopped the analysis (a range of more
		// than 100,000 items), and every model after it was dropped.
		const r = analyzePython(`import torch.nn as nn
acc = []
for i in range(1000000):
    acc.append(i)
for j in range(2, 11, 3):
    width = j
for k in range(5, 0, -2):
    last = k
big = nn.Sequential(nn.Linear(4, len(acc)))
ok = nn.Sequential(nn.Linear(width, last))
`);
		assert.ok(!r.truncated);
		assert.match(
			modelOf(r, 'big').unknown?.reason ?? '',
			/stopped running `for … in range\(1000000\)`/,
		);
		// range(2, 11, 3) ends at 8, range(5, 0, -2) at 1: Linear(8, 1) has 9 parameters.
		assert.strictEqual(modelOf(r, 'ok').totals.total, 9);
	});

	it('a loop cut short leaves what it changes unknown, saying where and why', () => {
		const r = analyzePython(`import torch.nn as nn
widths = []
i = 0
while i < 10 ** 7:
    widths.append(i % 7 + 1)
    i += 1
net = nn.Sequential(nn.Linear(4, len(widths)))
ok = nn.Sequential(nn.Linear(4, 2))
`);
		const net = modelOf(r, 'net');
		assert.strictEqual(net.totals.total, null);
		assert.match(
			net.unknown?.reason ?? '',
			/stopped running `while i < 10 \*\* 7` after [\d,]+ iterations/,
		);
		assert.strictEqual(modelOf(r, 'ok').totals.total, 10);
	});

	it('len() of a list a branch or loop NormLens cannot decide may append to is unknown, not its length before', () => {
		// Python: w3 holds 0 or 1 items, widths any number. NormLens counted Linear(4, 0) and
		// Linear(4, 1): len() read the list's items though the list was marked as changed.
		const r = analyzePython(`import torch.nn as nn
import mystery
widths = []
for x in mystery.items():
    widths.append(1)
net = nn.Sequential(nn.Linear(4, len(widths)))
w3 = []
if mystery.flag():
    w3.append(1)
net3 = nn.Sequential(nn.Linear(4, len(w3) + 1))
names = ['a', 'b']
def title(i):
    return "{} [{}]".format(names[i], 'x')
if mystery.flag():
    t = title(0)
kept = nn.Sequential(nn.Linear(4, len(names)))
`);
		for (const name of ['net', 'net3']) {
			const m = modelOf(r, name);
			assert.strictEqual(m.totals.total, null, name);
			assert.match(m.unknown?.reason ?? '', /`\w+\.append\(…\)` may change what it receives/);
		}
		// A str's format changes nothing it receives: `names` keeps its two items (4·2 + 2).
		assert.strictEqual(modelOf(r, 'kept').totals.total, 10);
	});

	it("scikit-learn's toy datasets have the shapes scikit-learn documents", () => {
		// load_iris: data (150, 4), 3 classes; load_breast_cancer: (569, 30); load_digits: images
		// (1797, 8, 8) — scikit-learn 1.2's user guide, "Toy datasets". A DataFrame is not followed.
		const r =
			analyzePython(`from sklearn.datasets import load_iris, load_digits, load_breast_cancer
from sklearn.model_selection import train_test_split
from tensorflow import keras
iris = load_iris()
X, y = iris.data, iris.target
m1 = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(len(iris.target_names))])
Xb, yb = load_breast_cancer(return_X_y=True)
Xtr, Xte, ytr, yte = train_test_split(Xb, yb, test_size=0.2)
m2 = keras.Sequential([keras.Input(Xtr.shape[1:]), keras.layers.Dense(1)])
dg = load_digits()
m3 = keras.Sequential([keras.Input(dg.images.shape[1:] + (1,)), keras.layers.Flatten(), keras.layers.Dense(10)])
frame = load_iris(as_frame=True)
m4 = keras.Sequential([keras.Input((frame.data.shape[1],)), keras.layers.Dense(2)])
`);
		// Dense 4·3 + 3 = 15; 30·1 + 1 = 31; 64·10 + 10 = 650.
		assert.deepStrictEqual(
			['m1', 'm2', 'm3', 'm4'].map((n) => modelOf(r, n).totals.total),
			[15, 31, 650, null],
		);
		assert.match(modelOf(r, 'm4').unknown?.reason ?? '', /as_frame/);
	});

	it('pad_sequences(…, maxlen=M): X.shape[1] is M, the number of sequences from unread data is unknown, not None', () => {
		// Keras's documented rule: every sequence cut or padded to maxlen. Embedding 5000·16 = 80,000;
		// Dense 16 + 1 = 17; LSTM(8) on 16: 4·(8·(16 + 8) + 8) = 800, Dense 9.
		const r = analyzePython(`import pandas as pd
from tensorflow.keras.preprocessing.sequence import pad_sequences
from tensorflow import keras
from tensorflow.keras import layers
df = pd.read_csv("x.csv")
X = pad_sequences(df.tokens, maxlen=100)
m1 = keras.Sequential([layers.Input((X.shape[1],)), layers.Embedding(5000, 16), layers.GlobalAveragePooling1D(), layers.Dense(1)])
m2 = keras.Sequential([layers.Embedding(5000, 16), layers.LSTM(8), layers.Dense(1)])
m2.fit(X, df.label)
m3 = keras.Sequential([layers.Input((4,)), layers.Dense(len(X))])
m4 = keras.Sequential([layers.Input((X.shape[0],)), layers.Dense(1)])
`);
		assert.deepStrictEqual(
			['m1', 'm2', 'm3', 'm4'].map((n) => modelOf(r, n).totals.total),
			[80_017, 80_809, null, null],
		);
		assert.match(modelOf(r, 'm3').unknown?.reason ?? '', /read_csv/);
	});

	it('a printed table that differs says which cells did not run, or ran out of order, in the session that printed it', () => {
		// buomsoo-kim/Easy-deep-learning-with-Keras: a cell that adds layers has no execution count,
		// so the printed table (Dense 10·10 + 10 = 110) lacks them; NormLens runs every cell.
		const code = (source: string, run: number | null, outputs: string[] = []) => ({
			cell_type: 'code',
			execution_count: run,
			metadata: {},
			source,
			outputs: outputs.map((text) => ({ output_type: 'stream', name: 'stdout', text })),
		});
		const table = [
			'Model: "sequential"',
			'_________________________________________________________________',
			'Layer (type)                 Output Shape              Param #   ',
			'=================================================================',
			'dense (Dense)                (None, 10)                110       ',
			'=================================================================',
			'Total params: 110',
			'Trainable params: 110',
			'Non-trainable params: 0',
			'_________________________________________________________________',
		].join('\n');
		const nb = JSON.stringify({
			nbformat: 4,
			nbformat_minor: 2,
			metadata: {},
			cells: [
				code('from tensorflow import keras\n_ = keras.Input((1,))', 1),
				code('model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(10)])', 2),
				code('model.add(keras.layers.Dense(3))', null),
				code('model.summary()', 3, [table]),
			],
		});
		const { result } = analyzeNotebook(nb);
		const check = result.diagnostics.find((d) => d.code === 'printed-summary');
		// Dense 10·3 + 3 = 33 more than printed.
		assert.match(check?.message ?? '', /NormLens counts Total params 143/);
		assert.match(
			check?.message ?? '',
			/When this cell \(In \[3\]\) printed its table, cell 3 above it did not run in that session/,
		);
	});
});
