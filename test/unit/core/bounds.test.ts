import * as assert from 'assert';
import {
	analyzePython,
	buildProgram,
	declaredInput,
	parseNotebook,
	summaryText,
} from '../../../src/core';

/**
 * Absurd inputs get a bounded analysis and honest numbers: never a crash of the host, never a
 * rounded, negative or infinite count shown as exact. Expected values are Python's and the
 * frameworks' own rules.
 */
describe('bounded analysis, honest numbers', () => {
	it('`1 << 32` is 4294967296 as in Python (JavaScript gives 1), and bitwise ops are exact beyond 32 bits', () => {
		const r = analyzePython(
			'import torch.nn as nn\nn = 1 << 32\nm = (1 << 40) | 1\nnet = nn.Sequential(nn.Linear(n >> 31, (m & 3) + 1))\n',
		);
		// Linear(2, 2): 6
		assert.strictEqual(r.models[0].totals.total, 6);
	});

	it('an integer beyond 2^53 (a literal, a product, a shift) makes the count unknown, never a rounded number', () => {
		for (const size of ['1999999999999999999', '2 ** 60', '1 << 60', '10 ** 9 * 10 ** 9']) {
			const r = analyzePython(
				`import torch.nn as nn\nnet = nn.Sequential(nn.Linear(${size}, 2))\n`,
			);
			assert.strictEqual(r.models[0].totals.total, null, size);
		}
		const big = analyzePython(
			'import torch.nn as nn\nnet = nn.Sequential(nn.Linear(2 ** 30, 2 ** 30))\n',
		).models[0];
		assert.strictEqual(big.totals.total, null, '2^60 + 2^30 parameters is beyond exact floats');
		assert.match(big.unknown?.reason ?? '', /2\^53/);
	});

	it('Dense(-5) / nn.Linear(4, -5): the framework refuses the size — an error, and unknown counts (not −155)', () => {
		const k = analyzePython(
			'from tensorflow import keras\nm = keras.Sequential([keras.Input((30,)), keras.layers.Dense(-5)])\n',
		);
		assert.strictEqual(k.models[0].totals.total, null);
		assert.ok(
			k.diagnostics.some((d) => d.code === 'invalid-size' && /\(30, -5\)/.test(d.message)),
			JSON.stringify(k.diagnostics),
		);
		const t = analyzePython('import torch.nn as nn\nnet = nn.Sequential(nn.Linear(4, -5))\n');
		assert.strictEqual(t.models[0].totals.total, null);
	});

	it('a list doubled 64 times stops the analysis at its bound (V8 aborted before), models after it unknown', () => {
		const r = analyzePython(
			'import torch.nn as nn\nnet = nn.Sequential(nn.Linear(3, 4))\nl = [1]\nfor i in range(64):\n    l = l + l\n',
		);
		assert.strictEqual(r.truncated, true);
		assert.strictEqual(r.models[0].totals.total, null);
		assert.ok(r.diagnostics.some((d) => d.code === 'analysis-truncated'));
		const s = analyzePython(
			'x = "ab"\nfor i in range(64):\n    x = x + x\ny = "ab" * 10 ** 12\n',
		);
		assert.strictEqual(
			s.truncated,
			false,
			'strings past their cap are unknown, no stop needed',
		);
	});

	it('a bound reached only after the program ran (a library builder, an example forward) leaves what the program built exact', () => {
		const r = analyzePython(
			[
				'import torch',
				'import torch.nn as nn',
				'class Huge(nn.Module):',
				'    def __init__(self, dim=8):',
				'        super().__init__()',
				// Endless (a list too long to hold is unknown, not a bound; a long loop is cut).
				'        while True:',
				'            dim = dim',
				'        self.fc = nn.Linear(dim, dim)',
				'def small(dim=4):',
				'    return nn.Sequential(nn.Linear(dim, dim), nn.BatchNorm1d(dim))',
				'net = small(6)',
				'y = net(torch.randn(2, 6))',
			].join('\n'),
		);
		assert.strictEqual(
			r.truncated,
			true,
			'building Huge() with its defaults reaches the bound',
		);
		const totals = (name: string) => r.models.find((m) => m.name === name)?.totals.total;
		// Linear(6, 6) 42 + BatchNorm1d(6) 12: the program's model, which Huge() cannot reach.
		assert.strictEqual(totals('net'), 54);
		assert.strictEqual(totals('Huge'), null);
		// A model whose own example forward reaches the bound is left half-run: unknown.
		const f = analyzePython(
			[
				'# normlens: input (2, 6)',
				'import torch',
				'import torch.nn as nn',
				'class Slow(nn.Module):',
				'    def __init__(self):',
				'        super().__init__()',
				'        self.fc = nn.LazyLinear(3)',
				'    def forward(self, x):',
				// Endless: a long loop that ends would be cut at its share and the run go on.
				'        while True:',
				'            x = x',
				'        return self.fc(x)',
				'slow = Slow()',
				'net = nn.Sequential(nn.Linear(6, 6))',
				'y = net(torch.randn(2, 6))',
			].join('\n'),
		);
		assert.strictEqual(f.truncated, true);
		assert.strictEqual(f.models.find((m) => m.name === 'slow')?.totals.total, null);
		assert.strictEqual(f.models.find((m) => m.name === 'net')?.totals.total, 42);
	});

	it('a bound reached in the program itself: every model is unknown (what came after is unknown)', () => {
		const r = analyzePython(
			[
				'import torch.nn as nn',
				'net = nn.Sequential(nn.Linear(3, 4))',
				'while True:',
				'    pass',
				'net.append(nn.Linear(4, 4))',
			].join('\n'),
		);
		assert.strictEqual(r.truncated, true);
		assert.strictEqual(r.models[0].totals.total, null);
	});

	it('nn.LSTM(300, 512, num_layers=10**8): unknown with its reason, no weight list of 10^8 layers', () => {
		const r = analyzePython(
			'import torch.nn as nn\nnet = nn.Sequential(nn.LSTM(300, 512, num_layers=10**8))\n',
		);
		assert.strictEqual(r.models[0].totals.total, null);
		assert.match(r.models[0].unknown?.reason ?? '', /num_layers=100000000 is more than/);
	});

	it('the `# normlens: input` comment is read in linear time over runs of blank lines (150,000: 65 s before)', () => {
		const text = `${'\n'.repeat(150_000)}x = 1\n`;
		assert.strictEqual(declaredInput(text), undefined);
		assert.deepStrictEqual(
			declaredInput(`${'\n'.repeat(150_000)}# normlens: input (1, 3, 8, 8)\n`),
			[1, 3, 8, 8],
		);
	});
});

describe('inputs at the edges', () => {
	it('a summary of 200,000 layers prints (Math.max over a spread of rows overflowed the stack)', () => {
		const model = {
			name: 'm',
			frameworkName: 'm',
			framework: 'torch' as const,
			kind: 'module' as const,
			range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
			totals: { total: 0, trainable: 0, nonTrainable: 0, buffers: 0 },
			layers: [] as never[],
		};
		const row = {
			name: 'x',
			type: 'ReLU',
			framework: 'torch' as const,
			range: model.range,
			inputShape: null,
			outputShape: [null, 4],
			params: { total: 0, trainable: 0, nonTrainable: 0, buffers: 0 },
			weights: [],
			config: {},
			known: true,
			inbound: [],
		};
		const text = summaryText({
			...model,
			layers: Array.from({ length: 200_000 }, () => row) as never[],
		});
		assert.match(text, /Total params: 0/);
	});

	it('an nbformat 3 notebook (cells in worksheets, code in `input`) is read', () => {
		const nb = JSON.stringify({
			nbformat: 3,
			nbformat_minor: 0,
			metadata: {},
			worksheets: [
				{
					cells: [
						{ cell_type: 'markdown', source: ['# t'] },
						{
							cell_type: 'code',
							input: [
								'import torch.nn as nn\n',
								'net = nn.Sequential(nn.Linear(3, 4))\n',
							],
							outputs: [],
						},
					],
				},
			],
		});
		const cells = parseNotebook(nb);
		assert.deepStrictEqual(
			cells.map((c) => [c.index, c.kind]),
			[
				[0, 'markdown'],
				[1, 'code'],
			],
		);
		const r = analyzePython(buildProgram(cells.filter((c) => c.kind === 'code')).text);
		assert.strictEqual(r.models[0].totals.total, 16);
		assert.throws(
			() => parseNotebook('{"nbformat": 2, "worksheets": null}'),
			/nbformat 2: NormLens reads nbformat 3 and 4/,
		);
	});
});
