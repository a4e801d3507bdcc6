import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython } from '../../../src/core';
import {
	kernelText,
	macsText,
	paramsText,
	percentText,
	pyFixed,
	torchinfoFooter,
	torchinfoNumber,
	trainableText,
} from '../../../src/core/format/torchinfoText';
import type { ModelSummary } from '../../../src/protocol/analysis';
import { repoRoot } from '../paths';

/**
 * torchinfo's own printed outputs (its tests/test_output/*.out, torchinfo 1.8.0) for the models of its
 * tests, analysed by NormLens from the same model code and input (test/unit/fixtures/torchinfo):
 * every printed cell of Kernel Shape, Output/Input Shape, Param #, Param %, Mult-Adds and Trainable,
 * and every footer line, must read the same.
 */

const dir = path.join(repoRoot, 'test', 'unit', 'fixtures', 'torchinfo');

interface Printed {
	columns: string[];
	rows: { depth: number; type: string; cells: Record<string, string> }[];
	footer: Map<string, string>;
}

/** The summaries in a .out file: rows cut at the header's column starts, and the footer's `label: value` lines. */
function printed(file: string): Printed[] {
	const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
	const out: Printed[] = [];
	for (let i = 0; i < lines.length; i++) {
		if (!lines[i].startsWith('Layer (type')) {
			continue;
		}
		const header = lines[i];
		const titles = [
			'Kernel Shape',
			'Groups',
			'Input Shape',
			'Output Shape',
			'Param #',
			'Param %',
			'Mult-Adds',
			'Trainable',
		];
		const starts = titles
			.map((t) => ({ t, at: header.indexOf(t) }))
			.filter((c) => c.at >= 0)
			.sort((a, b) => a.at - b.at);
		const p: Printed = { columns: starts.map((s) => s.t), rows: [], footer: new Map() };
		let j = i + 2;
		for (; !lines[j].startsWith('='); j++) {
			const line = lines[j];
			const name = line.slice(0, starts[0].at).trim();
			const dash = name.indexOf('─');
			const depth = dash < 0 ? 0 : (dash - 1) / 5 + 1;
			const type = name.slice(dash + 1).split(/[ :]/)[0];
			const cells: Record<string, string> = {};
			starts.forEach((s, k) => {
				cells[s.t] = line.slice(s.at, starts[k + 1]?.at ?? line.length).trim();
			});
			// A verbose summary's inner rows (an LSTM's weight_ih_l0) are its parameters, not calls.
			if (!(starts.some((c) => c.t === 'Output Shape') && cells['Output Shape'] === '')) {
				p.rows.push({ depth, type, cells });
			}
		}
		for (j++; j < lines.length && !lines[j].startsWith('Layer (type'); j++) {
			const m = /^(.+?): (.+)$/.exec(lines[j]);
			if (m) {
				p.footer.set(m[1], m[2]);
			}
		}
		out.push(p);
	}
	return out;
}

function model(file: string): ModelSummary {
	const m = analyzePython(fs.readFileSync(path.join(dir, file), 'utf8')).models.find(
		(x) => x.name === 'model',
	);
	assert.ok(m?.calls && m.estimates, `${file}: a model with its calls`);
	return m;
}

const shapeText = (s: (number | null)[] | null) =>
	s ? `[${s.map((d) => (d === null ? '?' : d)).join(', ')}]` : '?';

/** NormLens's cells for the rows torchinfo printed (down to its depth limit), in torchinfo's format. */
function cells(m: ModelSummary, columns: string[], maxDepth: number) {
	const total = m.totals.total;
	return (m.calls ?? [])
		.filter((c) => c.depth <= maxDepth)
		.map((c) => {
			const atLimit = c.depth === maxDepth;
			const all: Record<string, string> = {
				'Kernel Shape': kernelText(c.kernelSize),
				'Input Shape': shapeText(c.inputShape),
				'Output Shape': shapeText(c.outputShape),
				'Param #': paramsText(c, atLimit),
				'Param %': percentText(c, total, atLimit),
				'Mult-Adds': macsText(c, atLimit),
				Trainable: trainableText(c),
			};
			const row: Record<string, string> = {};
			columns.filter((k) => k in all).forEach((k) => (row[k] = all[k]));
			return { depth: c.depth, type: c.type, cells: row };
		});
}

function compare(fixture: string, out: string, summaryIndex = 0) {
	const p = printed(out)[summaryIndex];
	const m = model(fixture);
	const maxDepth = p.rows.reduce((d, r) => Math.max(d, r.depth), 0);
	const columns = p.columns.filter((c) => c !== 'Groups');
	const expected = p.rows.map((r) => ({
		depth: r.depth,
		type: r.type,
		cells: Object.fromEntries(columns.map((c) => [c, r.cells[c]])),
	}));
	assert.deepStrictEqual(cells(m, columns, maxDepth), expected);
	const footer = new Map(torchinfoFooter(m).map((l) => [l.label, l.value]));
	assert.deepStrictEqual(footer, p.footer);
	return { m, p, maxDepth };
}

describe("torchinfo's columns and footer, against its printed outputs (torchinfo 1.8.0)", () => {
	it('a CNN (Conv2d, Dropout2d, Linear): every column torchinfo has, and its footer', () => {
		const { m } = compare('single_input_all_cols.py', 'single_input_all_cols.out');
		// The figures behind the text: 3,413,200 mult-adds; the input 7·1·28·28 float32 plus the storage object.
		assert.strictEqual(m.estimates?.totalMacs, 3_413_200);
		assert.strictEqual(m.estimates?.inputBytes, 7 * 28 * 28 * 4 + 56);
		assert.strictEqual(m.estimates?.forwardBackwardBytes, 397_600);
		assert.strictEqual(m.estimates?.paramBytes, 21_840 * 4);
	});

	it('an LSTM: its inner weights count over (sequence, batch); the int64 input from torch.randint', () => {
		compare('lstm.py', 'lstm.out');
	});

	it('a module called six times: (recursive) rows, each call counted in the mult-adds', () => {
		const { m } = compare('recursive.py', 'recursive.out');
		assert.strictEqual(m.estimates?.totalMacs, 173_709_312);
	});

	it('torchvision resnet18 at depth 1 and 2: Param % (containers at the depth limit show their sums)', () => {
		for (const i of [0, 1]) {
			const { m, maxDepth } = compare(
				'resnet18_depth_consistency.py',
				'resnet18_depth_consistency.out',
				i,
			);
			// Param % sums to 100 within the printed rounding (0.005 a row).
			const shown = (m.calls ?? []).filter((c) => c.depth <= maxDepth);
			const sum = shown
				.map((c) => percentText(c, m.totals.total, c.depth === maxDepth))
				.filter((t) => t.endsWith('%'))
				.reduce((s, t) => s + Number(t.slice(0, -1)), 0);
			assert.ok(Math.abs(sum - 100) <= 0.005 * shown.length, `Param % sums to ${sum}`);
		}
	});

	it('torchvision resnet50 (batch 2) and resnet152 at depth 3: downsample Sequentials at the limit, the footer', () => {
		compare('resnet50.py', 'resnet50.out');
		compare('resnet152.py', 'resnet152.out');
	});

	// Printed by torchinfo 1.8.0 itself (this commit's source, run under torch 1.13 / CPython 3.11; README.md).
	it('examples/torch_blocks.py at every depth, every column: as torchinfo printed it for the same model and input', () => {
		compare('torch_blocks.py', 'torch_blocks.out');
	});

	it('frozen parameters: (432) in parentheses, Trainable False / Partial / True, depth-limit rows', () => {
		const { m } = compare('frozen_blocks.py', 'frozen_blocks.out');
		assert.strictEqual(m.totals.nonTrainable, 432 + 32 + 32);
	});

	it('Kernel Shape of a Conv2d subclass ([3, 3]), a user module that sets self.kernel_size (2), a MaxPool2d((2, 2))', () => {
		compare('kernel_attributes.py', 'kernel_attributes.out');
	});

	it("tied weights: the head is (recursive), and the model's leftover is torchinfo's -100.00%", () => {
		const { m } = compare('tied_weights.py', 'tied_weights.out');
		assert.deepStrictEqual(
			m.calls?.map((c) => [c.name, c.tied, c.rowParams]),
			[
				['model', false, -64_000],
				['embedding', false, 64_000],
				['head', true, 0],
			],
		);
	});

	it('Param % of every row with every depth shown sums to exactly the total (leftovers, not subtrees)', () => {
		const m = model('resnet50.py');
		const rowSum = (m.calls ?? []).reduce((s, c) => s + (c.rowParams ?? NaN), 0);
		assert.strictEqual(rowSum, m.totals.total);
	});
});

describe('torchinfo figures: unknown with a cause, never another number', () => {
	const net = (extra: string, call = 'y = net(torch.randn(2, 3, 8, 8))') => {
		const src = `import torch
import torch.nn as nn
net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4))
${extra}
${call}
`;
		const m = analyzePython(src).models.find((x) => x.name === 'net');
		assert.ok(m?.estimates);
		return m;
	};

	it('a known net: the figures', () => {
		const e = net('').estimates;
		// Conv2d: 112 params × 2·6·6 outputs; BatchNorm2d: 8 params × batch 2.
		assert.strictEqual(e?.totalMacs, 112 * 72 + 8 * 2);
		assert.strictEqual(e?.paramBytes, 120 * 4);
		assert.strictEqual(e?.forwardBackwardBytes, 2 * 2 * (2 * 4 * 6 * 6 * 4));
	});

	for (const [what, extra] of [
		['.half(', 'net.half()'],
		['.to(', 'net.to(torch.float64)'],
		['torch.set_default_dtype(', 'torch.set_default_dtype(torch.float64)'],
	]) {
		it(`${what}: the byte sizes are unknown, with the call as the cause; the mult-adds stay`, () => {
			const e = net(extra).estimates;
			assert.strictEqual(e?.paramBytes, null);
			assert.strictEqual(e?.forwardBackwardBytes, null);
			assert.strictEqual(e?.totalBytes, null);
			assert.ok(e?.causes.paramBytes?.reason.includes(what), e?.causes.paramBytes?.reason);
			assert.strictEqual(e?.totalMacs, 112 * 72 + 8 * 2);
		});
	}

	it(".to('cuda') and .to(torch.device(…)) keep the bytes (a device, not a dtype), of the weights and the input", () => {
		assert.strictEqual(net("net.to('cuda')").estimates?.paramBytes, 480);
		const device =
			'device = torch.device("cuda" if torch.cuda.is_available() else "cpu")\nnet.to(device)';
		const e = net(device, 'y = net(torch.randn(2, 3, 8, 8).to(device))').estimates;
		assert.strictEqual(e?.paramBytes, 480);
		assert.strictEqual(e?.inputBytes, 2 * 3 * 8 * 8 * 4 + 56);
		// A cast of the input: its new element size (float16, 2 bytes).
		assert.strictEqual(
			net('', 'y = net(torch.randn(2, 3, 8, 8).half())').estimates?.inputBytes,
			2 * 3 * 8 * 8 * 2 + 56,
		);
	});

	it('an input of the dtype given by dtype=: its element size (float16: 2 bytes)', () => {
		const m = net('', 'y = net(torch.empty(2, 3, 8, 8, dtype=torch.float16))');
		assert.strictEqual(m.estimates?.inputBytes, 2 * 3 * 8 * 8 * 2 + 56);
	});

	it('an input of a dtype NormLens cannot read (dtype=): the input size is unknown with a cause', () => {
		const m = net('from config import DTYPE', 'y = net(torch.empty(2, 3, 8, 8, dtype=DTYPE))');
		assert.strictEqual(m.estimates?.inputBytes, null);
		assert.match(m.estimates?.causes.inputBytes?.reason ?? '', /dtype/);
	});
});

describe('torchinfo figures behind a layer NormLens does not know', () => {
	it("a Linear after an unknown layer: its mult-adds, the total's and the forward/backward size are unknown, each with the cause", () => {
		const src = `import torch
import torch.nn as nn
net = nn.Sequential(nn.Linear(8, 4), nn.Frobnicate(), nn.Linear(4, 2))
y = net(torch.randn(3, 8))
`;
		const m = analyzePython(src).models.find((x) => x.name === 'net');
		const calls = m?.calls ?? [];
		assert.strictEqual(calls[1].macs, 36 * 3);
		assert.strictEqual(calls[3].macs, null);
		assert.match(calls[3].unknown?.reason ?? '', /output shape/);
		assert.strictEqual(m?.estimates?.totalMacs, null);
		assert.ok(m?.estimates?.causes.totalMacs);
		assert.strictEqual(macsText(calls[3], false), '?');
		assert.strictEqual(calls[0].macs, null);
	});
});

describe('a kernel_size NormLens cannot read', () => {
	it("is '?' with its cause, not '--'", () => {
		const src = `import torch
import torch.nn as nn
import mystery

class Pool(nn.Module):
    def __init__(self):
        super().__init__()
        self.kernel_size = mystery.size()

    def forward(self, x):
        return x

net = Pool()
y = net(torch.randn(2, 3))
`;
		const c = analyzePython(src).models.find((x) => x.name === 'net')?.calls?.[0];
		assert.strictEqual(c?.kernelSize, '?');
		assert.strictEqual(kernelText(c.kernelSize), '?');
		assert.match(c.unknown?.reason ?? '', /kernel_size/);
	});
});

describe("torchinfo's number format", () => {
	it('Python rounds an exact tie to even (6.125 → 6.12), JavaScript up', () => {
		assert.strictEqual(pyFixed(6.125), '6.12');
		assert.strictEqual(pyFixed(6.375), '6.38');
		assert.strictEqual(pyFixed(1.005), '1.00');
		assert.strictEqual(pyFixed(1234.5, 0), '1,234');
	});

	it('units: none below 1,000, then k / M / G / T; a whole number without decimals', () => {
		assert.deepStrictEqual(torchinfoNumber(856, true), { unit: '', text: '856' });
		assert.deepStrictEqual(torchinfoNumber(22_008, true), { unit: ' (kB)', text: '22.01' });
		assert.deepStrictEqual(torchinfoNumber(3_000_000, false), { unit: ' (M)', text: '3' });
		assert.deepStrictEqual(torchinfoNumber(8.18e9, false), { unit: ' (G)', text: '8.18' });
	});
});
