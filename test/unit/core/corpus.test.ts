import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
	analyzePython,
	buildProgram,
	locateLine,
	NotebookProgram,
	parseNotebook,
} from '../../../src/core';
import type { LayerSummary, ModelSummary, Shape } from '../../../src/protocol/analysis';
import { fixtures, repoRoot } from '../paths';

/**
 * Real notebooks and files from public repositories (the team's shared corpus, copied to test/fixtures/corpus
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
	/**
	 * torchsummary prints one row per call: the printed rows (by name) that are a second call of a
	 * module NormLens lists once, with why. Each must repeat the type and params of an earlier row.
	 */
	repeatedCalls?: { rows: string[]; why: string };
}

interface ExpectedRow {
	name?: string;
	var_name?: string;
	type: string;
	type_full?: string;
	output_shape: string;
	params: number | null;
}

interface Expected {
	summary_tool: string;
	expected: { total: number | null; trainable: number | null; non_trainable: number | null };
	layers: ExpectedRow[];
}

const table: CorpusCase[] = JSON.parse(
	fs.readFileSync(path.join(repoRoot, 'test', 'unit', 'fixtures', 'corpus.json'), 'utf8'),
);

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

/** Keras's own `to_snake_case`: the base of the names it generates (`ReLU` → `re_lu`). */
function kerasSnake(type: string): string {
	return type
		.replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
		.replace(/([a-z])([A-Z])/g, '$1_$2')
		.toLowerCase();
}

/** A name Keras generated from the class (`dense_212`, `input_34`, `input_layer`), as opposed to one the code gave. */
function generatedKerasName(name: string, type: string): boolean {
	const base = name.replace(/_\d+$/, '');
	return (
		base === kerasSnake(type) ||
		(type === 'InputLayer' && (base === 'input' || base === 'input_layer'))
	);
}

type RowVerdict = 'exact' | 'unknown';

/**
 * Strict per-row comparison against the printed summary: the same number of rows, and row by row
 * the type, the name (Keras: the name given in code, or a generated name of the same class, whose
 * counter depends on the kernel's history; torchinfo: the attribute name; torchsummary prints
 * `Type-index`), the output shape (torchsummary's -1 batch matches any batch) and the params.
 * torchinfo container rows (`--`) are left out: their children are listed. Returns the mismatches
 * (empty when every row matches) and whether any of our values was unknown (null) instead.
 */
function compareRows(
	ours: LayerSummary[],
	expected: Expected,
	c: CorpusCase,
): { mismatches: string[]; verdict: RowVerdict } {
	const torchinfo = /torchinfo|torch-summary/.test(expected.summary_tool);
	const torchsummary = !torchinfo && /torchsummary/.test(expected.summary_tool);
	const repeated = new Set(c.repeatedCalls?.rows ?? []);
	const mismatches: string[] = [];
	let printed = expected.layers.filter((r) => !(torchinfo && r.params === null));
	for (const name of repeated) {
		const at = printed.findIndex((r) => r.name === name);
		const row = printed[at];
		if (
			!row ||
			!printed.slice(0, at).some((r) => r.type === row.type && r.params === row.params)
		) {
			mismatches.push(
				`repeatedCalls names ${name}, which does not repeat an earlier printed row`,
			);
		}
	}
	printed = printed.filter((r) => !(r.name !== undefined && repeated.has(r.name)));
	if (ours.length !== printed.length) {
		mismatches.push(`${ours.length} rows, ${printed.length} printed`);
	}
	let verdict: RowVerdict = 'exact';
	const fmt = (l: LayerSummary) =>
		`${l.name} ${l.type} ${JSON.stringify(l.outputShape)} ${l.params?.total ?? null}`;
	for (let i = 0; i < Math.max(ours.length, printed.length); i++) {
		const o = ours[i];
		const e = printed[i];
		if (!o || !e) {
			mismatches.push(
				o
					? `row ${i}: ours ${fmt(o)} has no printed counterpart`
					: `row ${i}: printed ${JSON.stringify(e)} has no counterpart in ours`,
			);
			continue;
		}
		const type = e.type_full ?? e.type;
		const problems: string[] = [];
		if (o.type !== type) {
			problems.push(`type ${o.type} ≠ ${type}`);
		}
		if (torchinfo && e.var_name !== undefined) {
			if (o.name.split('.').pop() !== e.var_name) {
				problems.push(`name ${o.name} ≠ ${e.var_name}`);
			}
		} else if (torchsummary) {
			if (e.name !== undefined && !e.name.startsWith(`${e.type}-`)) {
				problems.push(`printed name ${e.name} is not ${e.type}-<call>`);
			}
		} else if (e.name !== undefined) {
			const ok = generatedKerasName(e.name, type)
				? generatedKerasName(o.name, o.type)
				: o.name === e.name;
			if (!ok) {
				problems.push(`name ${o.name} ≠ ${e.name}`);
			}
		}
		const shape = parseShape(e.output_shape);
		if (o.outputShape === null) {
			verdict = 'unknown';
		} else if (shape === undefined || shape === 'any') {
			// not printed (`multiple`): nothing to compare
		} else if (
			o.outputShape.length !== shape.length ||
			!o.outputShape.every((d, k) => shape[k] === -1 || d === shape[k])
		) {
			problems.push(`output ${JSON.stringify(o.outputShape)} ≠ ${e.output_shape}`);
		}
		if (o.params === null) {
			verdict = 'unknown';
		} else if (e.params !== null && o.params.total !== e.params) {
			problems.push(`params ${o.params.total} ≠ ${e.params}`);
		}
		if (problems.length > 0) {
			mismatches.push(`row ${i} (${fmt(o)}): ${problems.join(', ')}`);
		}
	}
	return { mismatches, verdict };
}

function load(c: CorpusCase): { model: ModelSummary; program?: NotebookProgram } {
	const file = path.join(fixtures, 'corpus', c.case, c.file);
	const text = fs.readFileSync(file, 'utf8');
	const program = c.file.endsWith('.ipynb')
		? buildProgram(parseNotebook(text).filter((x) => x.kind === 'code'))
		: undefined;
	const result = analyzePython(program ? program.text : text, { torchInput: c.torchInput });
	const s = c.select;
	const model = result.models.find(
		(m) =>
			(s.name === undefined || m.name === s.name) &&
			(s.frameworkName === undefined || m.frameworkName === s.frameworkName) &&
			(s.cell === undefined ||
				(program && locateLine(program, m.range.start.line)?.cell === s.cell)),
	);
	assert.ok(
		model,
		`a model matching ${JSON.stringify(s)} among ${result.models.map((m) => m.name).join(', ')}`,
	);
	if (!s.prefix) {
		return { model, program };
	}
	const layers = model.layers.filter((l) => l.name.startsWith(`${s.prefix}.`));
	const sum = (f: (p: NonNullable<LayerSummary['params']>) => number) =>
		layers.some((l) => !l.params)
			? null
			: layers.reduce((t, l) => t + f(l.params as NonNullable<LayerSummary['params']>), 0);
	return {
		model: {
			...model,
			layers,
			totals: {
				total: sum((p) => p.total),
				trainable: sum((p) => p.trainable),
				nonTrainable: sum((p) => p.nonTrainable),
				buffers: sum((p) => p.buffers),
			},
		},
		program,
	};
}

function readExpected(c: CorpusCase): Expected {
	return JSON.parse(
		fs.readFileSync(path.join(fixtures, 'corpus', c.case, 'expected.json'), 'utf8'),
	);
}

describe('corpus: real notebooks against the summaries their frameworks printed', () => {
	// Each case scores exact (totals and every row as printed), unknown (null where the source
	// cannot tell, no wrong number) or wrong (any number or row that differs from the printed one).
	const tally = { exact: [] as string[], unknown: [] as string[], wrong: [] as string[] };

	after(() => {
		console.log(
			`      corpus tally: ${tally.exact.length} exact, ${tally.unknown.length} unknown, ${tally.wrong.length} wrong of ${table.length}${tally.unknown.length ? ` (unknown: ${tally.unknown.join(', ')})` : ''}${tally.wrong.length ? ` (wrong: ${tally.wrong.join(', ')})` : ''}`,
		);
	});

	for (const c of table) {
		it(`${c.case}`, () => {
			const expected = readExpected(c);
			const { model } = load(c);
			const e = expected.expected;
			const totals = {
				total: model.totals.total,
				trainable: model.totals.trainable,
				nonTrainable: model.totals.nonTrainable,
			};
			const printedTotals = {
				total: e.total,
				trainable: e.trainable,
				nonTrainable: e.non_trainable,
			};
			const totalsWrong = (Object.keys(totals) as (keyof typeof totals)[]).some(
				(k) =>
					totals[k] !== null &&
					printedTotals[k] !== null &&
					totals[k] !== printedTotals[k],
			);
			const rows = compareRows(model.layers, expected, c);
			const unknown =
				totals.total === null ||
				totals.trainable === null ||
				totals.nonTrainable === null ||
				rows.verdict === 'unknown';
			tally[
				totalsWrong || rows.mismatches.length > 0 ? 'wrong' : unknown ? 'unknown' : 'exact'
			].push(c.case);

			if (c.unknownTotals) {
				// The source cannot tell: the totals must be unknown, not guessed.
				assert.strictEqual(model.totals.total, null, c.unknownTotals);
			} else {
				assert.deepStrictEqual(totals, printedTotals);
			}
			assert.deepStrictEqual(
				rows.mismatches,
				[],
				`rows differ from the printed summary:\n  ${rows.mismatches.join('\n  ')}`,
			);
			assert.strictEqual(model.layers.length > 0, true);
			const known = model.layers.filter(
				(l) => l.params !== null && l.outputShape !== null,
			).length;
			assert.ok(
				known >= model.layers.length - 1,
				`${known} of ${model.layers.length} rows are fully known`,
			);
		});
	}
});

describe('corpus row comparison is strict', () => {
	const c = table.find((x) => x.case === 'keras_conv3d_bn_functional') as CorpusCase;
	const expected = readExpected(c);
	const { model } = load(c);

	it('the real case matches row for row', () => {
		assert.deepStrictEqual(compareRows(model.layers, expected, c).mismatches, []);
	});

	it('an extra printed row appended to the summary is a mismatch', () => {
		const extra: ExpectedRow = {
			name: 'dense_2',
			type: 'Dense',
			output_shape: '(None, 1)',
			params: 2,
		};
		const r = compareRows(
			model.layers,
			{ ...expected, layers: [...expected.layers, extra] },
			c,
		);
		assert.ok(
			r.mismatches.some((m) => /rows, .* printed/.test(m)) &&
				r.mismatches.some((m) => m.includes('no counterpart in ours')),
			r.mismatches.join('\n'),
		);
	});

	it('an extra row that repeats the last printed row is a mismatch too', () => {
		const last = expected.layers[expected.layers.length - 1];
		const r = compareRows(
			model.layers,
			{ ...expected, layers: [...expected.layers, { ...last }] },
			c,
		);
		assert.notDeepStrictEqual(r.mismatches, []);
	});

	it('a missing row, swapped rows, another count, shape, type or name are mismatches', () => {
		const rows = expected.layers;
		const variants: [string, ExpectedRow[]][] = [
			['missing row', rows.slice(0, -1)],
			['swapped rows', [rows[0], rows[2], rows[1], ...rows.slice(3)]],
			['params', rows.map((r, i) => (i === 4 ? { ...r, params: (r.params ?? 0) + 1 } : r))],
			[
				'shape',
				rows.map((r, i) =>
					i === 4 ? { ...r, output_shape: '(None, 61, 61, 29, 65)' } : r,
				),
			],
			['type', rows.map((r, i) => (i === 2 ? { ...r, type: 'AveragePooling3D' } : r))],
			['given name', rows.map((r, i) => (i === 1 ? { ...r, name: 'stem_conv' } : r))],
		];
		for (const [what, layers] of variants) {
			assert.notDeepStrictEqual(
				compareRows(model.layers, { ...expected, layers }, c).mismatches,
				[],
				what,
			);
		}
	});
});
