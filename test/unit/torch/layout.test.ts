import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { analyzePython } from '../../../src/core';
import {
	elementwiseLayout,
	viewStrides,
	contiguousStrides,
} from '../../../src/core/frameworks/torch/ops/layout';

/**
 * `x.view(…)` works only where the new shape fits x's strides: NormLens follows the strides of
 * PyTorch's view ops and element-wise ops (ops/layout.ts). Expected values: Debian's PyTorch 1.13,
 * run on the same code (random chains of ops, seeded, each ending in a view), and PyTorch's error.
 */

/** A seeded PRNG (mulberry32), so that a failure names a case that reproduces. */
function rng(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

interface Case {
	input: number[];
	/** Python expressions, each of `x`, applied in turn. */
	ops: string[];
}

/** A random chain on a random input: shapes are tracked so that every op but the views is valid. */
function makeCase(r: () => number): Case {
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
	let s = Array.from({ length: 2 + Math.floor(r() * 3) }, () => pick([1, 2, 3, 4, 6]));
	const input = [...s];
	const ops: string[] = [];
	const steps = 1 + Math.floor(r() * 4);
	for (let k = 0; k < steps; k++) {
		const n = s.length;
		const d = Math.floor(r() * n);
		const e = Math.floor(r() * n);
		const kind = pick([
			'transpose',
			'permute',
			'slice',
			'step',
			'select',
			'unsqueeze',
			'pointwise',
			'binary',
			'binaryFirst',
			'bias',
			'view',
			'reshape',
			'contiguous',
			'clone',
			'expand',
			'mT',
			'chunk',
			'relu',
		]);
		switch (kind) {
			case 'transpose':
				ops.push(`x.transpose(${d}, ${e})`);
				[s[d], s[e]] = [s[e], s[d]];
				break;
			case 'permute': {
				const p = s.map((_, i) => i).sort(() => r() - 0.5);
				ops.push(`x.permute(${p.join(', ')})`);
				s = p.map((i) => s[i]);
				break;
			}
			case 'slice':
				if (s[d] > 1) {
					ops.push(`x[${':, '.repeat(d)}1:]`);
					s[d] -= 1;
				}
				break;
			case 'step':
				if (s[d] > 2) {
					ops.push(`x[${':, '.repeat(d)}::2]`);
					s[d] = Math.ceil(s[d] / 2);
				}
				break;
			case 'select':
				if (n > 2) {
					ops.push(`x.select(${d}, 0)`);
					s.splice(d, 1);
				}
				break;
			case 'unsqueeze':
				if (n < 5) {
					ops.push(`x.unsqueeze(${d})`);
					s.splice(d, 0, 1);
				}
				break;
			case 'pointwise':
				ops.push(pick(['x * 2', 'torch.sigmoid(x)', 'F.gelu(x)', 'x.float()', '-x']));
				break;
			case 'relu':
				ops.push(pick(['nn.ReLU()(x)', 'nn.Dropout(0.5)(x)', 'nn.Identity()(x)']));
				break;
			case 'binary':
				ops.push(`x + torch.ones(${s.join(', ')})`);
				break;
			case 'binaryFirst':
				ops.push(`torch.ones(${s.join(', ')}) * x`);
				break;
			case 'bias':
				ops.push(`x - torch.ones(${s[n - 1]})`);
				break;
			case 'view':
			case 'reshape': {
				const t = regroup(s, r);
				ops.push(`x.${kind}(${t.text})`);
				s = t.shape;
				break;
			}
			case 'contiguous':
				ops.push('x.contiguous()');
				break;
			case 'clone':
				ops.push('x.clone()');
				break;
			case 'expand':
				if (s.includes(1)) {
					const t = s.map((x) => (x === 1 ? 3 : x));
					ops.push(`x.expand(${t.join(', ')})`);
					s = t;
				}
				break;
			case 'mT':
				if (n < 2) {
					break;
				}
				ops.push('x.mT');
				[s[n - 2], s[n - 1]] = [s[n - 1], s[n - 2]];
				break;
			case 'chunk':
				if (s[d] >= 2 && s[d] % 2 === 0) {
					ops.push(`x.chunk(2, ${d})[1]`);
					s[d] /= 2;
				}
				break;
		}
	}
	ops.push(`x.view(${regroup(s, r).text})`);
	return { input, ops };
}

/** Another shape of the same elements: dims merged, or one split, or everything flat (`-1`). */
function regroup(s: number[], r: () => number): { text: string; shape: number[] } {
	const choice = r();
	const as = (shape: number[]) => ({ text: shape.join(', '), shape });
	if (choice < 0.25 || s.length < 2) {
		return { text: '-1', shape: [s.reduce((a, b) => a * b, 1)] };
	}
	if (choice < 0.7) {
		const i = Math.floor(r() * (s.length - 1));
		return as([...s.slice(0, i), s[i] * s[i + 1], ...s.slice(i + 2)]);
	}
	const i = s.findIndex((x) => x === 4 || x === 6);
	return as(i < 0 ? [...s, 1] : [...s.slice(0, i), 2, s[i] / 2, ...s.slice(i + 1)]);
}

const HEADER = `import torch
import torch.nn as nn
import torch.nn.functional as F
`;

function program(cases: Case[]): string {
	return (
		HEADER +
		cases
			.map(
				(c, i) => `

class M${i}(nn.Module):
    def forward(self, x):
${c.ops.map((op) => `        x = ${op}`).join('\n')}
        return x


# normlens: input (${c.input.join(', ')})
m${i} = M${i}()`,
			)
			.join('')
	);
}

/** PyTorch's answer per model: the output's shape, or that it raised. */
function pytorch(code: string, cases: Case[]): (number[] | 'raises')[] {
	const script = `
import json, sys, torch
ns = {}
exec(sys.stdin.read(), ns)
inputs = json.loads(sys.argv[1])
out = []
for i, shape in enumerate(inputs):
    try:
        out.append(list(ns['m%d' % i](torch.randn(*shape)).shape))
    except RuntimeError as e:
        out.append('raises')
print(json.dumps(out))
`;
	const r = spawnSync(
		'/usr/bin/python3',
		['-c', script, JSON.stringify(cases.map((c) => c.input))],
		{ input: code, encoding: 'utf8', maxBuffer: 16 << 20 },
	);
	assert.strictEqual(r.status, 0, `PyTorch failed (is python3-torch installed?):\n${r.stderr}`);
	return JSON.parse(r.stdout);
}

describe('tensor layouts: x.view(…) where PyTorch can view', () => {
	it('PyTorch’s computeStride: a transposed matrix cannot flatten, a split of one dim always fits', () => {
		assert.strictEqual(viewStrides([3, 4], [1, 3], [12]), null);
		assert.deepStrictEqual(viewStrides([3, 4], [1, 3], [3, 2, 2]), [1, 6, 3]);
		assert.deepStrictEqual(
			viewStrides([2, 3, 4], contiguousStrides([2, 3, 4]), [6, 4]),
			[4, 1],
		);
	});

	it('an element-wise op of a transposed tensor keeps its order of dims (TensorIterator)', () => {
		const t = { shape: [2, 4, 3], layout: [12, 1, 4] };
		assert.deepStrictEqual(elementwiseLayout([t], t.shape), [12, 1, 4]);
		// The first operand that is not broadcast decides: a contiguous one first gives contiguous.
		assert.strictEqual(
			elementwiseLayout([{ shape: [2, 4, 3], layout: undefined }, t], [2, 4, 3]),
			undefined,
		);
	});

	it('300 random chains of views, slices and element-wise ops ending in a view: PyTorch 1.13’s shape or its RuntimeError', function () {
		this.timeout(120000);
		const r = rng(Number(process.env.LAYOUT_SEED ?? 20261208));
		const cases = Array.from({ length: Number(process.env.LAYOUT_CASES ?? 300) }, () =>
			makeCase(r),
		);
		const code = program(cases);
		const expected = pytorch(code, cases);
		const analysis = analyzePython(code);
		const raisesAt = new Set(
			analysis.diagnostics
				.filter((d) => d.severity === 'error')
				.map((d) => d.range.start.line),
		);
		let unknown = 0;
		let refused = 0;
		const wrong: string[] = [];
		for (const [i, c] of cases.entries()) {
			const m = analysis.models.find((x) => x.name === `m${i}`);
			const got = m?.calls?.[0]?.outputShape ?? null;
			const cls = code.split('\n').findIndex((l) => l === `class M${i}(nn.Module):`);
			const lines = c.ops.map((_, k) => cls + 2 + k);
			const errored = lines.some((l) => raisesAt.has(l));
			const want = expected[i];
			const describe = `M${i} on (${c.input.join(', ')}): ${c.ops.join(' → ')}`;
			if (want === 'raises') {
				refused++;
				if (got === null && !errored) {
					unknown++;
				} else if (got !== null || !errored) {
					wrong.push(
						`${describe}: PyTorch raises, NormLens ${got ? `(${got.join(', ')})` : 'no error'}`,
					);
				}
			} else if (errored) {
				wrong.push(
					`${describe}: NormLens says PyTorch raises, PyTorch gives (${want.join(', ')})`,
				);
			} else if (got === null) {
				unknown++;
			} else if (got.join() !== want.join()) {
				wrong.push(`${describe}: (${got.join(', ')}) for (${want.join(', ')})`);
			}
		}
		if (process.env.LAYOUT_SEED) {
			console.log({ refused, unknown, n: cases.length });
		}
		assert.deepStrictEqual(wrong, []);
		// The chains must exercise both answers, and NormLens must decide nearly all of them.
		assert.ok(refused >= 30, `only ${refused} chains PyTorch refuses`);
		assert.ok(unknown <= 15, `${unknown} chains unknown`);
	});

	it('a convolution of a channels-last input: its output is channels-last or contiguous by backend, so a view is decided only where both agree (PyTorch 1.13 on CPU: E raises, F gives (2, 30, 30))', () => {
		const code = `${HEADER}
class E(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 1)

    def forward(self, x):
        y = self.conv(x.permute(0, 3, 1, 2))
        return y.view(y.size(0), -1)


class F(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 1)
        self.norm = nn.GroupNorm(2, 4)

    def forward(self, x):
        y = self.norm(self.conv(x.permute(0, 3, 1, 2)))
        y = y + self.conv(y)
        q, k = torch.split(y, 2, dim=1)
        return q.permute(0, 2, 3, 1).view(2, 30, 2) @ k.view(2, 2, 30)


# normlens: input (2, 5, 6, 4)
e = E()
# normlens: input (2, 5, 6, 4)
f = F()
`;
		const r = analyzePython(code);
		const out = (name: string) =>
			r.models.find((m) => m.name === name)?.calls?.[0]?.outputShape;
		assert.strictEqual(out('e'), null);
		assert.deepStrictEqual(out('f'), [2, 30, 30]);
		assert.deepStrictEqual(pytorchOn(code, ['e', 'f'], [2, 5, 6, 4]), ['raises', [2, 30, 30]]);
		assert.ok(!r.diagnostics.some((d) => d.severity === 'error'));
	});
});

describe('tensor layouts in models people publish', () => {
	it("dome272's DDPM self-attention: a batch-first MultiheadAttention's output is a transposed view or contiguous, and the view after it fits either way (PyTorch 1.13: (2, 16, 8, 8))", () => {
		const code = `${HEADER}
class SelfAttention(nn.Module):
    def __init__(self, channels, size):
        super(SelfAttention, self).__init__()
        self.channels = channels
        self.size = size
        self.mha = nn.MultiheadAttention(channels, 4, batch_first=True)
        self.ln = nn.LayerNorm([channels])
        self.ff_self = nn.Sequential(nn.LayerNorm([channels]), nn.Linear(channels, channels), nn.GELU(), nn.Linear(channels, channels))

    def forward(self, x):
        x = x.view(-1, self.channels, self.size * self.size).swapaxes(1, 2)
        x_ln = self.ln(x)
        attention_value, _ = self.mha(x_ln, x_ln, x_ln)
        attention_value = attention_value + x
        attention_value = self.ff_self(attention_value) + attention_value
        return attention_value.swapaxes(2, 1).view(-1, self.channels, self.size, self.size)


class Flat(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)

    def forward(self, x):
        out, _ = self.lstm(x)
        return out.view(-1, 16)


# normlens: input (2, 16, 8, 8)
sa = SelfAttention(16, 8)
# normlens: input (2, 5, 8)
flat = Flat()
`;
		const r = analyzePython(code);
		const out = (name: string) =>
			r.models.find((m) => m.name === name)?.calls?.[0]?.outputShape;
		assert.deepStrictEqual(out('sa'), [2, 16, 8, 8]);
		// An LSTM's batch-first output is the transposed view of its time-major one: PyTorch refuses.
		assert.strictEqual(out('flat'), null);
		assert.ok(
			r.diagnostics.some(
				(d) => d.severity === 'error' && /view size is not compatible/.test(d.message),
			),
		);
		assert.deepStrictEqual(pytorchOn(code, ['sa'], [2, 16, 8, 8]), [[2, 16, 8, 8]]);
		assert.deepStrictEqual(pytorchOn(code, ['flat'], [2, 5, 8]), ['raises']);
	});
});

/** PyTorch's outputs of the named models on one input shape. */
function pytorchOn(code: string, names: string[], shape: number[]): (number[] | 'raises')[] {
	const script = `
import json, sys, torch
ns = {}
exec(sys.stdin.read(), ns)
out = []
for n in json.loads(sys.argv[1]):
    try:
        out.append(list(ns[n](torch.randn(*json.loads(sys.argv[2]))).shape))
    except RuntimeError:
        out.append('raises')
print(json.dumps(out))
`;
	const r = spawnSync(
		'/usr/bin/python3',
		['-c', script, JSON.stringify(names), JSON.stringify(shape)],
		{
			input: code,
			encoding: 'utf8',
		},
	);
	assert.strictEqual(r.status, 0, r.stderr);
	return JSON.parse(r.stdout);
}
