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
	{
		title: "`A.__init__(self)` called through the class runs A's bare `super()` from A in the receiver's MRO, and `super(B, self)` starts after B (both counted B's layer: 48 for PyTorch's 36, 20 for 8)",
		seen: 'a probe of NormLens',
		name: 'pair',
		expected: [44, 44, 0],
		code: `import torch.nn as nn
class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 2)
class B(nn.Module):
    def __init__(self):
        super().__init__()
        self.b = nn.Linear(3, 3)
class D(B, A):
    def __init__(self):
        A.__init__(self)
        self.d = nn.Linear(5, 5)
class E(B, A):
    def __init__(self):
        super(B, self).__init__()
        self.e = nn.Linear(1, 1)
pair = nn.ModuleList([D(), E()])
`,
	},
	{
		title: '`{**base, "hidden": 16}` copies the entries, then sets the key in its place (unknown before)',
		seen: 'a probe of NormLens',
		name: 'spread',
		expected: [646, 646, 0],
		code: `import torch.nn as nn
base = {"hidden": 8, "layers": 2}
cfg = {**base, "hidden": 16, "out": 3}
order = list(cfg)
spread = nn.Sequential(*[nn.Linear(cfg["hidden"], cfg["hidden"]) for _ in range(cfg["layers"])], nn.Linear(cfg["hidden"], cfg["out"] + len(order)))
`,
	},
	{
		title: '`xs.sort(reverse=True)` and `names.sort(key=len)` sort in place (unknown before)',
		seen: 'a probe of NormLens',
		name: 'sorted_net',
		expected: [40, 40, 0],
		code: `import torch.nn as nn
xs = [5, 1, 4, 2]
xs.sort(reverse=True)
xs.insert(1, 9)
xs.pop(0)
names = ["conv", "bn", "act"]
names.sort(key=len)
sorted_net = nn.Sequential(*[nn.Linear(x, len(names[0])) for x in xs])
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
