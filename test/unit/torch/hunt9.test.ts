import * as assert from 'assert';
import { analyzePython } from '../../../src/core';

/**
 * The wrong numbers found in session 21 (2026-12-07), each reduced to a few lines. Expected:
 * Debian's PyTorch 1.13 on the same code (`[total, trainable, buffers]`), or unknown (null) where
 * NormLens cannot follow what Python does.
 */
const CASES: {
	title: string;
	seen: string;
	name: string;
	expected: (number | null)[];
	code: string;
}[] = [
	{
		title: "a zip object is used up by its first pass: a second comprehension over it builds nothing (it built the two layers again: 1,376 for PyTorch's 688)",
		seen: 'a probe of NormLens',
		name: 'b',
		expected: [688, 688, 0],
		code: `import torch.nn as nn
sizes = [8, 16, 32]
pairs = zip(sizes[:-1], sizes[1:])
a = nn.Sequential(*[nn.Linear(i, o) for i, o in pairs])
b = nn.Sequential(nn.Linear(8, 16), nn.Linear(16, 32), *[nn.Linear(i, o) for i, o in pairs])
`,
	},
	{
		title: "`zip(it, it)` pairs an iterator's consecutive items (it paired each item with itself: 148 for PyTorch 74)",
		seen: 'a probe of NormLens',
		name: 'c',
		expected: [74, 74, 0],
		code: `import torch.nn as nn
it = iter([4, 5, 6, 7])
c = nn.Sequential(*[nn.Linear(x, y) for x, y in zip(it, it)])
`,
	},
	{
		title: "a `next(it)` inside `for n in it` takes the item the loop would have taken next (26 for PyTorch's 50)",
		seen: 'a probe of NormLens',
		name: 'd',
		expected: [50, 50, 0],
		code: `import torch.nn as nn
lines = iter([3, 9, 2, 10])
layers = []
for n in lines:
    if n == 3:
        m = next(lines)
        layers.append(nn.Linear(n, m))
    else:
        layers.append(nn.Linear(n, 1))
d = nn.Sequential(*layers)
`,
	},
	{
		title: "a `break` out of `for x in it` leaves the rest of the iterator for the next reader (28 for PyTorch's 18)",
		seen: 'a probe of NormLens',
		name: 'e',
		expected: [18, 18, 0],
		code: `import torch.nn as nn
g = iter([1, 2, 3, 4])
for x in g:
    if x == 2:
        break
e = nn.Sequential(*[nn.Linear(x, 2) for x in g])
`,
	},
	{
		title: "`any(it)` stops at the first true item and `x in it` at the first equal one, leaving the rest (87 for PyTorch's 36)",
		seen: 'a probe of NormLens',
		name: 'f',
		expected: [36, 36, 0],
		code: `import torch.nn as nn
h = iter([0, 0, 5, 6])
any(h)
k = iter([1, 2, 3, 4])
3 in k
f = nn.Sequential(*[nn.Linear(x, 3) for x in h], *[nn.Linear(x, 3) for x in k])
`,
	},
	{
		title: "map() and enumerate() give iterators, used up by one pass (59 for PyTorch's 34)",
		seen: 'a probe of NormLens',
		name: 'hh',
		expected: [34, 34, 0],
		code: `import torch.nn as nn
mm = map(lambda v: v * 2, [1, 2])
en = enumerate([7, 8])
hh = nn.Sequential(
    *[nn.Linear(v, 1) for v in mm], *[nn.Linear(v, 1) for v in mm],
    *[nn.Linear(v, i + 1) for i, v in en], *[nn.Linear(v, 1) for i, v in en],
)
`,
	},
	{
		title: "a zip object is no list: `isinstance(zip(a, b), list)` is False (it was True: 9 for PyTorch's 15)",
		seen: 'a probe of NormLens',
		name: 'net',
		expected: [15, 15, 0],
		code: `import torch.nn as nn
pairs = zip([1], [2])
net = nn.Sequential(nn.Linear(2, 3 if isinstance(pairs, list) else 5))
`,
	},
	{
		title: '`any(it)` that stops at an item NormLens cannot tell true or false leaves the rest of the iterator unknown, never a guess',
		seen: 'a probe of NormLens',
		name: 'net',
		expected: [null, null, null],
		code: `import sys
import torch.nn as nn
it = iter([0, int(sys.argv[1]), 4, 4])
any(it)
net = nn.Sequential(*[nn.Linear(x, 1) for x in it])
`,
	},
];

describe('session 21: wrong numbers made exact or unknown', () => {
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

	it('`len()` of an iterator and an iterator indexed are unknown with their reason (Python raises TypeError)', () => {
		const r = analyzePython(`import torch.nn as nn
pairs = zip([1, 2], [3, 4])
net = nn.Sequential(nn.Linear(len(pairs), 2))
net2 = nn.Sequential(nn.Linear(pairs[0][0], 2))
`);
		const reasons = ['net', 'net2'].map(
			(n) => r.models.find((m) => m.name === n)?.unknown?.reason ?? '',
		);
		assert.match(reasons[0], /length.*TypeError/);
		assert.match(reasons[1], /indexes an iterator.*TypeError/);
	});
});
