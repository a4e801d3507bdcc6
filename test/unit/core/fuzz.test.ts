import * as assert from 'assert';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython } from '../../../src/core';
import { examples, fixtures } from '../paths';

/**
 * Property: whatever the text — truncated mid-edit, with random token edits, deeply nested, with
 * huge literals or endless loops — the analyser returns a result within its bounds, never
 * throws, and shows no absurd number (negative, fractional, beyond 2^53). 10,000 generated sources
 * per run (seeded, so a failure reproduces).
 */

const seeds = [
	path.join(examples, 'tabular_bn.py'),
	path.join(fixtures, 'torch', 'resnet.py'),
	path.join(fixtures, 'torch', 'zoo.py'),
	path.join(fixtures, 'keras', 'mobilenet_v2.py'),
	path.join(fixtures, 'keras', 'resnet50.py'),
].map((f) => fs.readFileSync(f, 'utf8'));

const tokens = [
	'(',
	')',
	'[',
	']',
	':',
	',',
	'=',
	'.',
	'*',
	'**',
	'\n',
	'    ',
	'def ',
	'class ',
	'for ',
	'while True:\n    ',
	'if ',
	'else:',
	'return ',
	'lambda x: ',
	'nn.',
	'layers.',
	'self.',
	'None',
	'-1',
	'0',
	'1e308',
	'"',
	"'''",
	'#',
	'\\',
	'super().__init__()',
	'x = x(x)',
	'range(10**9)',
];

const mutation = fc.oneof(
	fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
	fc.record({
		kind: fc.constant('insert' as const),
		at: fc.nat(),
		token: fc.constantFrom(...tokens),
	}),
	fc.record({
		kind: fc.constant('delete' as const),
		at: fc.nat(),
		length: fc.integer({ min: 1, max: 40 }),
	}),
);

type Mutation =
	| { kind: 'cut'; at: number }
	| { kind: 'insert'; at: number; token: string }
	| { kind: 'delete'; at: number; length: number };

function mutate(text: string, ms: Mutation[]): string {
	let t = text;
	for (const m of ms) {
		const at = t.length === 0 ? 0 : m.at % (t.length + 1);
		if (m.kind === 'cut') {
			t = t.slice(0, at);
		} else if (m.kind === 'insert') {
			t = t.slice(0, at) + m.token + t.slice(at);
		} else {
			t = t.slice(0, at) + t.slice(at + m.length);
		}
	}
	return t;
}

const generated = fc.oneof(
	// A real model file with up to 6 random edits, from a random point on (sizes kept small for speed).
	fc
		.record({
			seed: fc.nat(seeds.length - 1),
			start: fc.nat(),
			length: fc.integer({ min: 0, max: 3000 }),
			edits: fc.array(mutation, { maxLength: 6 }),
		})
		.map(({ seed, start, length, edits }) => {
			const s = seeds[seed];
			const from = start % Math.max(1, s.length);
			return mutate(s.slice(from, from + length), edits);
		}),
	// Deep nesting of brackets and calls.
	fc
		.record({
			depth: fc.integer({ min: 1, max: 400 }),
			open: fc.constantFrom('(', '[', 'f(', 'nn.Sequential(', '{"a": '),
		})
		.map(({ depth, open }) => {
			const close = open === '[' ? ']' : open.startsWith('{') ? '}' : ')';
			return `x = ${open.repeat(depth)}1${close.repeat(depth)}\n`;
		}),
	// Huge literals and loops that never end.
	fc.constantFrom(
		'x = [0] * 10**12\n',
		`s = "${'a'.repeat(50_000)}"\n`,
		'while True:\n    x = 1\n',
		'def f(n):\n    return f(n + 1)\nf(0)\n',
		'for i in range(10**12):\n    pass\n',
		'import torch.nn as nn\nclass A(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.a = A()\nA()\n',
		'import torch.nn as nn\nclass M(nn.Module):\n    def forward(self, x):\n        return self(x)\nm = M()\nm(1)\n',
		// The inputs that crashed or froze the extension host (issue "A file can never take the editor down").
		'l = [1]\nfor i in range(64):\n    l = l + l\n',
		's = "ab"\nfor i in range(64):\n    s = s + s\n',
		'import torch.nn as nn\nnet = nn.Sequential(nn.LSTM(300, 512, num_layers=10**8))\n',
		`${'\n'.repeat(150_000)}# normlens: input (1, 3)\n`,
		'from tensorflow import keras\nm = keras.Sequential([keras.Input((30,)), keras.layers.Dense(-5)])\n',
		'import torch.nn as nn\nnet = nn.Sequential(nn.Linear(1 << 32, 2 ** 40), nn.Linear(1e308, 2))\n',
		'import torch.nn as nn\nnet = nn.Sequential(nn.Linear(1999999999999999999, 3))\n',
	),
	// Random printable text.
	fc.string({ maxLength: 400 }),
);

describe('analyser robustness (fast-check)', function () {
	this.timeout(600_000);

	it('10,000 generated and mutated sources (the known crash and freeze inputs among them): within its bound, never throws, no absurd number', () => {
		let slowest = 0;
		fc.assert(
			fc.property(generated, (src) => {
				const started = Date.now();
				const r = analyzePython(src, { limits: { maxSteps: 200_000, maxMillis: 1000 } });
				const ms = Date.now() - started;
				slowest = Math.max(slowest, ms);
				assert.ok(Array.isArray(r.models) && Array.isArray(r.diagnostics));
				assert.ok(
					!r.diagnostics.some((d) => d.code === 'internal-error'),
					`internal error: ${JSON.stringify(r.diagnostics.find((d) => d.code === 'internal-error'))}`,
				);
				// No absurd number shown as exact: every count and size is unknown or a non-negative exact integer.
				const sane = (n: number | null) =>
					n === null || (Number.isSafeInteger(n) && n >= 0);
				for (const m of r.models) {
					assert.ok(
						[
							m.totals.total,
							m.totals.trainable,
							m.totals.nonTrainable,
							m.totals.buffers,
						].every(sane),
						`absurd totals ${JSON.stringify(m.totals)}`,
					);
					for (const l of m.layers) {
						assert.ok(
							!l.params ||
								[
									l.params.total,
									l.params.trainable,
									l.params.nonTrainable,
									l.params.buffers,
								].every(sane),
							`absurd count ${JSON.stringify(l.params)} of ${l.name}`,
						);
						assert.ok(
							!l.outputShape || l.outputShape.every(sane),
							`absurd shape ${JSON.stringify(l.outputShape)} of ${l.name}`,
						);
					}
				}
				// The time bound (1 s) plus slack for one slow statement; a hang would blow far past it.
				assert.ok(ms < 3000, `analysis took ${ms} ms`);
			}),
			{ numRuns: 10_000, seed: 20261124 },
		);
		assert.ok(slowest < 3000);
	});
});
