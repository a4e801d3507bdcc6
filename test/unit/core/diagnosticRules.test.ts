import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
	analyzePython,
	buildProgram,
	DIAGNOSTIC_RULES,
	diagnosticRule,
	notebookModuleReader,
	parseNotebook,
} from '../../../src/core';
import type { AnalysisDiagnostic } from '../../../src/protocol/analysis';
import { examples, fixtures, repoRoot } from '../paths';

/**
 * The table of diagnostics (src/core/diagnostics/rules.ts) against what NormLens reports: every
 * code reported on the fixtures, the examples and a program per rule is in the table, with one of
 * its severities; every rule is reported somewhere; a quick fix comes only with a rule that lists one,
 * and each listed fix is offered somewhere; the README lists them all, with their fixes.
 */

function files(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		const p = path.join(dir, e.name);
		return e.isDirectory() ? files(p) : /\.(py|ipynb)$/.test(e.name) ? [p] : [];
	});
}

function analyzeFile(file: string): AnalysisDiagnostic[] {
	const text = fs.readFileSync(file, 'utf8');
	if (!file.endsWith('.ipynb')) {
		return analyzePython(text).diagnostics;
	}
	try {
		const program = buildProgram(parseNotebook(text).filter((c) => c.kind === 'code'));
		return analyzePython(program.text, {
			readModule: notebookModuleReader(program.files),
			printed: program.outputs,
			cells: program.segments,
		}).diagnostics;
	} catch {
		return []; // a broken notebook among the fixtures: its message is not a diagnostic
	}
}

/** A program that makes each rule fire (the ones the fixtures may not reach). */
const programs: Record<string, string> = {
	'syntax-error': 'import torch.nn as nn\nm = nn.Sequential(nn.Linear(3, 4)\nx = 1\n',
	'shape-mismatch':
		'import torch\nimport torch.nn as nn\nm = nn.Sequential(nn.Linear(3, 4))\ny = m(torch.randn(2, 5))\n',
	'dtype-mismatch':
		'import torch\nimport torch.nn as nn\nm = nn.Sequential(nn.Linear(3, 4))\ny = m(torch.randint(0, 5, (2, 3)))\n',
	'index-error':
		'import torch\nimport torch.nn as nn\nclass N(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(3, 4)\n    def forward(self, x):\n        return self.fc(x[0, 0, 0])\nn = N()\ny = n(torch.randn(2, 3))\n',
	'unpack-error':
		'import torch\nimport torch.nn as nn\nclass N(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(3, 4)\n    def forward(self, x):\n        b, c, h = x.shape\n        return self.fc(x)\nn = N()\ny = n(torch.randn(2, 3))\n',
	'call-error':
		'import torch.nn as nn\nclass N(nn.Module):\n    def __init__(self, num_classes=10):\n        super().__init__()\n        self.fc = nn.Linear(3, num_classes)\nn = N(n_classes=4)\n',
	'batch-size-one':
		'import torch\nimport torch.nn as nn\nm = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))\ny = m(torch.randn(1, 3))\n',
	'invalid-arguments': 'import torch.nn as nn\nm = nn.Sequential(nn.GroupNorm(3, 64))\n',
	'missing-argument':
		'from tensorflow import keras\nm = keras.Sequential([keras.Input((3,)), keras.layers.Dense()])\n',
	'keras1-api':
		'from keras.models import Sequential\nfrom keras.layers import Convolution2D\nm = Sequential([Convolution2D(32, 3, 3, input_shape=(28, 28, 1))])\n',
	'redundant-bias':
		'import torch\nimport torch.nn as nn\nm = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))\ny = m(torch.randn(2, 3, 8, 8))\n',
	'bn-axis':
		'from tensorflow import keras\nm = keras.Sequential([keras.Input((3, 32, 32)), keras.layers.Conv2D(8, 3, data_format="channels_first"), keras.layers.BatchNormalization(axis=-1)])\n',
	'unregistered-modules':
		'import torch.nn as nn\nclass N(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.blocks = [nn.Linear(3, 3), nn.Linear(3, 3)]\nn = N()\n',
	'unknown-layer':
		'from tensorflow import keras\nm = keras.Sequential([keras.Input((3,)), keras.layers.FancyNewLayer(4)])\n',
	'unknown-count':
		'import torch.nn as nn\nfrom mylib import Block\nm = nn.Sequential(Block(3))\n',
	'unknown-base':
		'import torch.nn as nn\nfrom otherlib import Base\nclass Net(Base):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(3, 4)\nnet = Net()\n',
	'built-by-caller':
		'import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self, c):\n        super().__init__()\n        self.fc = nn.Linear(c, c)\n',
	'invalid-size':
		'from tensorflow import keras\nm = keras.Sequential([keras.Input((3,)), keras.layers.Dense(-5)])\n',
	'analysis-truncated':
		'import torch.nn as nn\nwhile True:\n    x = 1\nm = nn.Sequential(nn.Linear(3, 4))\n',
};

/** Reported by the host, not by the core analysis: found in its source instead. */
const hostCodes = new Set(['analysis-stopped', 'internal-error']);

describe('the table of diagnostics', () => {
	const seen = new Map<string, Set<string>>();
	const fixed = new Set<string>();
	const note = (ds: AnalysisDiagnostic[], where: string) => {
		for (const d of ds) {
			const rule = diagnosticRule(d.code);
			assert.ok(rule, `${where}: code "${d.code}" is not in the table (${d.message})`);
			assert.ok(
				rule.severities.includes(d.severity),
				`${where}: "${d.code}" as ${d.severity}, the table says ${rule.severities.join(' or ')}`,
			);
			seen.set(d.code, (seen.get(d.code) ?? new Set()).add(d.severity));
			if (d.fix) {
				assert.ok(
					rule.fix,
					`${where}: "${d.code}" comes with a quick fix the table does not list`,
				);
				assert.ok(
					d.fix.edits.length > 0,
					`${where}: "${d.code}"'s quick fix edits nothing`,
				);
				fixed.add(d.code);
			}
		}
	};

	it('every code reported on the fixtures and examples is in the table, with one of its severities', function () {
		this.timeout(300_000);
		for (const f of [...files(fixtures), ...files(examples)]) {
			note(analyzeFile(f), path.relative(repoRoot, f));
		}
	});

	for (const [code, program] of Object.entries(programs)) {
		it(`${code}: reported by a program that needs it, as the table says`, () => {
			const ds = analyzePython(
				program,
				code === 'analysis-truncated' ? { limits: { maxMillis: 50 } } : {},
			).diagnostics;
			note(ds, code);
			assert.ok(
				ds.some((d) => d.code === code),
				`${code} not reported: ${ds.map((d) => d.code).join(', ')}`,
			);
		});
	}

	it('every rule is reported somewhere (no dead rule) and the README lists each one', () => {
		const hostSource =
			fs.readFileSync(path.join(repoRoot, 'src', 'host', 'analysisHost.ts'), 'utf8') +
			fs.readFileSync(path.join(repoRoot, 'src', 'core', 'analyze.ts'), 'utf8');
		const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
		for (const r of DIAGNOSTIC_RULES) {
			assert.ok(
				seen.has(r.code) ||
					(hostCodes.has(r.code) && hostSource.includes(`'${r.code}'`)) ||
					r.code === 'printed-summary',
				`${r.code}: never reported`,
			);
			const row = readme.split('\n').find((l) => l.startsWith(`| \`${r.code}\` |`));
			assert.ok(row, `${r.code}: not in the README's list`);
			assert.ok(
				row.endsWith(`| ${r.fix ?? '—'} |`),
				`${r.code}: the README's quick fix column should say ${r.fix ?? '—'}`,
			);
			if (r.fix) {
				assert.ok(fixed.has(r.code), `${r.code}: its quick fix is never offered`);
			}
		}
		assert.ok(
			seen.has('printed-summary'),
			'printed-summary: reported on the fixture notebooks',
		);
	});
});
