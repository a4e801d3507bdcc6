import * as assert from 'assert';
import { analyzePython } from '../../../src/core';

/**
 * Unknowns made exact and wrong numbers found in session 22 (2026-12-07), each reduced to a few
 * lines. Expected: Debian's PyTorch 1.13 on the same code (`[total, trainable, buffers]`), or
 * unknown (null) where NormLens cannot follow what Python does.
 */
const CASES: {
	title: string;
	seen: string;
	name: string;
	expected: (number | null)[];
	code: string;
}[] = [
	{
		title: "`isinstance(t, GraphPath)` of a plain tuple, a named tuple, a number, a string and None against named-tuple and plain classes of the file (unknown: SSD's totals and shapes)",
		seen: "qfgaohao/pytorch-ssd's SSD (six models, 26,285,998 as PyTorch for VGG16-SSD)",
		name: 'net',
		expected: [18, 18, 9],
		code: `from collections import namedtuple
from typing import NamedTuple
import torch.nn as nn
GraphPath = namedtuple("GraphPath", ['s0', 'name', 's1'])
class Spec(NamedTuple):
    index: int
    width: int
class Plain:
    pass
specs = [(3, nn.BatchNorm2d(4)), GraphPath(2, 'conv', 1), Spec(1, 6), 5, 'x', None]
adds = nn.ModuleList([t[1] for t in specs if isinstance(t, tuple) and not isinstance(t, (GraphPath, Spec))])
paths = [isinstance(t, GraphPath) for t in specs]
named = [isinstance(t, Spec) for t in specs]
plain = [isinstance(t, Plain) for t in specs]
net = nn.Sequential(nn.Linear(sum(paths) + 2 * sum(named) + 4 * sum(plain) + 1, 2), *adds)
`,
	},
	{
		title: 'a class with a metaclass (which may answer `isinstance` its own way) or a builtin base (whose instances may be plain values) leaves `isinstance` of a plain value unknown',
		seen: 'a probe of NormLens',
		name: 'net',
		expected: [null, null, null],
		code: `import abc
import torch.nn as nn
class Meta(type):
    def __instancecheck__(cls, other):
        return True
class AnyThing(metaclass=Meta):
    pass
class Width(int):
    pass
n = (1 if isinstance(3, AnyThing) else 2) + (1 if isinstance(3, Width) else 2)
net = nn.Sequential(nn.Linear(n, 2))
`,
	},
];

describe('session 22: unknowns made exact, wrong numbers made exact or unknown', () => {
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
});
