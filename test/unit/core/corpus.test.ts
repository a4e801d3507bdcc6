import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython, buildProgram, locateLine, NotebookProgram, parseNotebook } from '../../../src/core';
import type { LayerSummary, ModelSummary, Shape } from '../../../src/protocol/analysis';
import { fixtures, repoRoot } from '../paths';

/**
 * Real notebooks and files from public repositories (shared/corpus, copied to test/fixtures/corpus
 * with their attribution), against the summaries their frameworks printed. Scoring follows the
 * corpus README: totals exact (or null where the source cannot tell), per-layer type, output shape
 * and params in order; torchsummary's -1 batch matches any batch.
 */

interface CorpusCase {
	case: string;
	file: string;
	select: { name?: string; frameworkName?: string; cell?: number; prefix?: string };
	torchInput?: number[];
	unknownTotals?: string;
}

interface ExpectedRow {
	type: string;
	type_full?: string;
	output_shape: string;
	params: number | null;
}

const table: CorpusCase[] = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'unit', 'fixtures', 'corpus.json'), 'utf8'));

function parseShape(text: string): Shape | 'any' | undefined {
	if (text === '--' || text === 'multiple') {
		return undefined;
	}
	const inner = /[([]\s*([^()[\]]*?)\s*[)\]]/.exec(text.replace(/^\[\(/, '('));
	if (!inner) {
		return undefined;
	}
	return inner[1]
		.split(',')
		.map((d) => d.trim())
		.filter((d) => d.length > 0)
		.map((d) => (d === 'None' ? null : Number(d)));
}

function shapeMatches(ours: Shape | null, expected: Shape | undefined | 'any'): boolean {
	if (expected === undefined || expected === 'any' || ours === null) {
		return true; // unknown on either side is not a wrong number
	}
	return ours.length === expected.length && ours.every((d, i) => expected[i] === -1 || d === expected[i]);
}

function rowMatches(ours: LayerSummary, exp: ExpectedRow): boolean {
	const type = exp.type_full ?? exp.type;
	return ours.type === type && (ours.params === null || exp.params === null || ours.params.total === exp.params) && shapeMatches(ours.outputShape, parseShape(exp.output_shape));
}

function load(c: CorpusCase): { model: ModelSummary; program?: NotebookProgram } {
	const file = path.join(fixtures, 'corpus', c.case, c.file);
	const text = fs.readFileSync(file, 'utf8');
	const program = c.file.endsWith('.ipynb') ? buildProgram(parseNotebook(text).filter((x) => x.kind === 'code')) : undefined;
	const result = analyzePython(program ? program.text : text, { torchInput: c.torchInput });
	const s = c.select;
	const model = result.models.find(
		(m) =>
			(s.name === undefined || m.name === s.name) &&
			(s.frameworkName === undefined || m.frameworkName === s.frameworkName) &&
			(s.cell === undefined || (program && locateLine(program, m.range.start.line)?.cell === s.cell)),
	);
	assert.ok(model, `a model matching ${JSON.stringify(s)} among ${result.models.map((m) => m.name).join(', ')}`);
	if (!s.prefix) {
		return { model, program };
	}
	const layers = model.layers.filter((l) => l.name.startsWith(`${s.prefix}.`));
	const sum = (f: (p: NonNullable<LayerSummary['params']>) => number) => (layers.some((l) => !l.params) ? null : layers.reduce((t, l) => t + f(l.params as NonNullable<LayerSummary['params']>), 0));
	return { model: { ...model, layers, totals: { total: sum((p) => p.total), trainable: sum((p) => p.trainable), nonTrainable: sum((p) => p.nonTrainable), buffers: sum((p) => p.buffers) } }, program };
}

describe('corpus: real notebooks against the summaries their frameworks printed', () => {
	for (const c of table) {
		it(`${c.case}`, () => {
			const expected = JSON.parse(fs.readFileSync(path.join(fixtures, 'corpus', c.case, 'expected.json'), 'utf8'));
			const { model } = load(c);
			const e = expected.expected as { total: number; trainable: number; non_trainable: number };
			if (c.unknownTotals) {
				// The source cannot tell: the totals must be unknown, not guessed.
				assert.strictEqual(model.totals.total, null, c.unknownTotals);
			} else {
				assert.deepStrictEqual(
					{ total: model.totals.total, trainable: model.totals.trainable, nonTrainable: model.totals.nonTrainable },
					{ total: e.total, trainable: e.trainable, nonTrainable: e.non_trainable },
				);
			}
			// Rows: torchinfo lists containers with "--" (compare leaves); torchsummary lists a module once
			// per call (a shared Dropout twice), so ours must be an in-order subsequence of the printed rows
			// and every printed row must be one of ours.
			const rows: ExpectedRow[] = (expected.layers as ExpectedRow[]).filter((r) => r.params !== null || model.framework === 'keras');
			let j = 0;
			for (const ours of model.layers) {
				while (j < rows.length && !rowMatches(ours, rows[j])) {
					assert.ok(
						model.layers.some((o) => rowMatches(o, rows[j])),
						`printed row ${j} ${JSON.stringify(rows[j])} matches none of NormLens's rows (at ${ours.name} ${ours.type} ${JSON.stringify(ours.outputShape)} ${ours.params?.total})`,
					);
					j++;
				}
				assert.ok(j < rows.length, `NormLens row ${ours.name} (${ours.type}, ${JSON.stringify(ours.outputShape)}, ${ours.params?.total}) has no printed counterpart`);
				j++;
			}
			assert.strictEqual(model.layers.length > 0, true);
			const known = model.layers.filter((l) => l.params !== null && l.outputShape !== null).length;
			assert.ok(known >= model.layers.length - 1, `${known} of ${model.layers.length} rows are fully known`);
		});
	}
});
