import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzePython } from '../../../src/core';
import { repoRoot } from '../paths';

/**
 * A model class that needs constructor arguments, in a file that never builds it: shown as a file
 * beside it builds it, or an information says why not — never silence. Counts: nn.Linear(64, 10)
 * has 64·10 + 10 = 650 parameters, nn.BatchNorm1d(10) 20 and 21 buffers (PyTorch's formulas).
 */
const model = `import torch.nn as nn

class Net(nn.Module):
    def __init__(self, classes, width):
        super().__init__()
        self.fc = nn.Linear(width, classes)
        self.bn = nn.BatchNorm1d(classes)

    def forward(self, x):
        return self.bn(self.fc(x))


class Base(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.proj = nn.Linear(dim, dim)


class Head(Base):
    def __init__(self):
        super().__init__(8)
`;

function analyze(callers: { file: string; text: string }[]) {
	let read = 0;
	const result = analyzePython(model, {
		moduleName: 'model',
		callers: () => {
			read++;
			return callers;
		},
	});
	return { result, read };
}

describe('a model class built by the files beside it', () => {
	it('is counted with the arguments a file that imports it passes, and says where they come from', () => {
		const { result } = analyze([
			{ file: 'notes.py', text: 'Net = None\n' },
			{
				file: 'train.py',
				text: 'import torch\nfrom model import Net\nCLASSES = 5\nnet = Net(CLASSES * 2, width=64)\n',
			},
		]);
		const net = result.models.find((m) => m.name === 'Net');
		assert.deepStrictEqual(net?.totals, {
			total: 670,
			trainable: 670,
			nonTrainable: 0,
			buffers: 21,
		});
		// Shown at its constructor, whose parameters the arguments fill (as a class built with its defaults is).
		assert.strictEqual(net?.range.start.line, 3);
		const info = result.diagnostics.find((d) => d.code === 'built-by-caller');
		assert.strictEqual(
			info?.message,
			'`Net` needs `classes` and `width`: it is shown as train.py builds it (line 4): `Net(CLASSES * 2, width=64)`.',
		);
		assert.strictEqual(info?.severity, 'info');
		// Head builds itself (no arguments); Base is built through it and is not reported on its own.
		assert.ok(result.models.some((m) => m.name === 'Head'));
		assert.ok(!result.diagnostics.some((d) => d.message.includes('`Base`')));
	});

	it('through `import model as M` too; values it cannot carry over are named, not guessed', () => {
		const { result } = analyze([
			{
				file: 'run.py',
				text: 'import sys\nimport model as M\nnet = M.Net(int(sys.argv[1]), width=3)\n',
			},
		]);
		assert.ok(!result.models.some((m) => m.name === 'Net'));
		assert.match(
			result.diagnostics.find((d) => d.code === 'built-by-caller')?.message ?? '',
			/^`Net` needs `classes` and `width`: run\.py builds it \(line 3, `M\.Net\(int\(sys\.argv\[1\]\), width=3\)`\) with values NormLens cannot carry over/,
		);
	});

	it('no caller: an information at the class says what it needs and how to show it', () => {
		const { result } = analyze([{ file: 'other.py', text: 'from model import Net as N\n' }]);
		assert.strictEqual(result.models.filter((m) => m.name === 'Net').length, 0);
		assert.match(
			result.diagnostics.find((d) => d.code === 'built-by-caller')?.message ?? '',
			/^`Net` needs `classes` and `width` to be built, and no code here or in a file beside this one that imports it builds it, so it is not shown/,
		);
	});

	it('the files beside it share one time budget; those it could not read are named, not taken for absent', () => {
		const spin = { file: 'a_slow.py', text: 'from model import Net\nwhile True:\n    x = 1\n' };
		const result = analyzePython(model, {
			moduleName: 'model',
			limits: { maxMillis: 50 },
			callers: () => [
				spin,
				{ file: 'b_train.py', text: 'from model import Net\nnet = Net(3, 4)\n' },
			],
		});
		assert.ok(!result.models.some((m) => m.name === 'Net'));
		assert.match(
			result.diagnostics.find((d) => d.code === 'built-by-caller')?.message ?? '',
			/NormLens ran out of its time reading the files beside this one that import it before b_train\.py, so it is not shown/,
		);
	});

	it('the files beside it are read only when a definition needs arguments', () => {
		const read = { n: 0 };
		analyzePython(
			'import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self, c=3):\n        super().__init__()\n        self.fc = nn.Linear(c, c)\n',
			{
				moduleName: 'model',
				callers: () => {
					read.n++;
					return [];
				},
			},
		);
		assert.strictEqual(read.n, 0);
	});

	it('normlens summary reads the files beside a .py file (a notebook among them)', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-callers-'));
		try {
			fs.writeFileSync(path.join(dir, 'model.py'), model);
			const nb = {
				cells: [
					{
						cell_type: 'code',
						source: ['from model import Net\n', 'net = Net(4, 16)\n'],
						outputs: [],
						metadata: {},
					},
				],
				metadata: {},
				nbformat: 4,
				nbformat_minor: 5,
			};
			fs.writeFileSync(path.join(dir, 'explore.ipynb'), JSON.stringify(nb));
			const r = spawnSync(
				process.execPath,
				[
					path.join(repoRoot, 'bin', 'normlens.js'),
					'summary',
					path.join(dir, 'model.py'),
					'--json',
				],
				{ encoding: 'utf8' },
			);
			assert.strictEqual(r.status, 0, r.stderr);
			const j = JSON.parse(r.stdout);
			// nn.Linear(16, 4): 68; nn.BatchNorm1d(4): 8 parameters, 9 buffers.
			assert.deepStrictEqual(
				j.models.find((m: { name: string }) => m.name === 'Net')?.totals,
				{ total: 76, trainable: 76, nonTrainable: 0, buffers: 9 },
			);
			assert.ok(
				j.diagnostics.some(
					(d: { code: string; message: string }) =>
						d.code === 'built-by-caller' && d.message.includes('explore.ipynb'),
				),
			);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
