import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { analyzePython } from '../../../src/core';

/**
 * Calls PyTorch refuses, from the probe rounds of session 25: NormLens must show no shape where
 * PyTorch raises, and PyTorch's shape where it does not. Expected: Debian's PyTorch 1.13, run on the
 * same models here.
 */
const CASES: [string, string][] = [
	['(1, 2, 5)', "nn.Conv1d(2, 2, 3, padding=5, padding_mode='reflect')"],
	['(1, 2, 5)', "nn.Conv1d(2, 2, 3, padding=7, padding_mode='circular')"],
	['(1, 2, 4)', "nn.Conv1d(2, 2, 4, padding='same', dilation=3, padding_mode='reflect')"],
	['(1, 2, 9)', "nn.Conv1d(2, 2, 3, padding=2, padding_mode='reflect')"],
	['(2, 9)', "nn.Conv1d(2, 2, 3, padding=1, padding_mode='circular')"],
	['(1, 2, 6, 6)', "nn.Conv2d(2, 3, 3, padding='same', padding_mode='replicate')"],
	[
		'(10,)',
		"Call(lambda x: nn.EmbeddingBag(10, 6, mode='sum', include_last_offset=True)(torch.arange(10), torch.tensor([0, 3, 5, 10])))",
	],
	[
		'(2, 3)',
		'Call(lambda x: nn.EmbeddingBag(10, 4, include_last_offset=True)(torch.zeros(2, 3, dtype=torch.long)))',
	],
	['(1, 1, 4, 4)', "nn.Upsample(scale_factor=2, mode='nearest', align_corners=True)"],
	[
		'(1, 1, 4, 4)',
		"Call(lambda x: F.interpolate(x, scale_factor=2, mode='area', align_corners=False))",
	],
	[
		'(1, 1, 4, 4)',
		"Call(lambda x: F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=False))",
	],
	['(1, 2, 4, 4)', "Call(lambda x: F.pad(x, (1, 1), 'replicate'))"],
	['(1, 2, 5)', "Call(lambda x: F.pad(x, (1, 1, 1, 1), 'circular'))"],
	['(1, 2, 5)', "Call(lambda x: F.pad(x, (1, 1), 'circular'))"],
	['(3,)', "Call(lambda x: F.pad(x, (1, 1), 'reflect'))"],
	['(3, 4)', 'nn.Sequential(nn.GRU(4, 6, proj_size=2))'],
	['(1, 3, 4, 4)', 'nn.Sequential(nn.BatchNorm2d(3, bias=False))'],
	['(2, 4)', 'nn.Sequential(nn.Linear(4, -1))'],
];

const code = `import torch
import torch.nn as nn
import torch.nn.functional as F


class Call(nn.Module):
    def __init__(self, f):
        super().__init__()
        self.f = f

    def forward(self, x):
        return self.f(x)


${CASES.map(([input, model], i) => `# normlens: input ${input}\nm${i} = ${model}`).join('\n')}
`;

function pytorch(): (number[] | 'raises')[] {
	const script = `
import json, sys, torch
src = sys.stdin.read()
out = []
for i, shape in enumerate(json.loads(sys.argv[1])):
    ns = {}
    try:
        exec(src.split('# normlens: input')[0], ns)
        line = [l for l in src.split('\\n') if l.startswith('m%d = ' % i)][0]
        exec(line, ns)
        out.append(list(ns['m%d' % i](torch.randn(*shape)).shape))
    except Exception:
        out.append('raises')
print(json.dumps(out))
`;
	const shapes = CASES.map(([input]) =>
		JSON.parse(input.replace(/^\(/, '[').replace(/,?\)$/, ']')),
	);
	const r = spawnSync('/usr/bin/python3', ['-c', script, JSON.stringify(shapes)], {
		input: code,
		encoding: 'utf8',
	});
	assert.strictEqual(r.status, 0, `PyTorch failed (is python3-torch installed?):\n${r.stderr}`);
	return JSON.parse(r.stdout);
}

describe('session 25: calls PyTorch refuses (padding modes, EmbeddingBag offsets, interpolation options, constructors)', () => {
	it('no shape where PyTorch 1.13 raises, its shape where it does not', function () {
		this.timeout(60000);
		const expected = pytorch();
		const r = analyzePython(code);
		const wrong: string[] = [];
		CASES.forEach(([input, model], i) => {
			const got = r.models.find((m) => m.name === `m${i}`)?.calls?.[0]?.outputShape ?? null;
			const want = expected[i];
			if (want === 'raises' ? got !== null : got?.join() !== want.join()) {
				wrong.push(
					`${model} on ${input}: PyTorch ${JSON.stringify(want)}, NormLens ${JSON.stringify(got)}`,
				);
			}
		});
		assert.deepStrictEqual(wrong, []);
		assert.ok(expected.filter((e) => e === 'raises').length >= 10);
	});
});
