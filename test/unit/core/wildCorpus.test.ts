import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
	analyzePython,
	buildProgram,
	notebookModuleReader,
	parseNotebook,
} from '../../../src/core';
import { fixtures } from '../paths';

/**
 * Every summary printed in the real notebooks among the fixtures beyond test/fixtures/corpus
 * (keras_rows, magics, keras1, real: attribution in each folder's README), scored the way the
 * corpus is: exact (NormLens's counts at the summary call are the printed ones), unknown (NormLens
 * says it cannot count it there, and why), or wrong (another number). The printed outputs are
 * the frameworks' own, so this is the independent check; 0 wrong is the bar.
 */
type Verdict = 'exact' | 'unknown' | 'wrong';

const folders = ['keras_rows', 'magics', 'keras1', path.join('real', 'coursera_facenet')];
const notebooks = folders.flatMap((f) =>
	fs
		.readdirSync(path.join(fixtures, f))
		.filter((n) => n.endsWith('.ipynb'))
		.sort()
		.map((n) => path.join(f, n)),
);

function verdicts(file: string): { verdict: Verdict; message: string }[] {
	const cells = parseNotebook(fs.readFileSync(path.join(fixtures, file), 'utf8')).filter(
		(c) => c.kind === 'code',
	);
	const program = buildProgram(cells);
	const result = analyzePython(program.text, {
		readModule: notebookModuleReader(program.files),
		printed: program.outputs,
		cells: program.segments,
	});
	return result.diagnostics
		.filter((d) => d.code === 'printed-summary')
		.map((d) => ({
			verdict: d.message.startsWith('Matches the summary')
				? 'exact'
				: /NormLens cannot count it here: ./.test(d.message)
					? 'unknown'
					: 'wrong',
			message: d.message,
		}));
}

describe('real notebooks beyond the corpus: every printed summary exact or unknown with its reason', () => {
	const tally: Record<Verdict, number> = { exact: 0, unknown: 0, wrong: 0 };
	after(() => {
		console.log(
			`      printed summaries: ${tally.exact} exact, ${tally.unknown} unknown, ${tally.wrong} wrong, in ${notebooks.length} notebooks`,
		);
	});
	for (const file of notebooks) {
		it(file, () => {
			const vs = verdicts(file);
			for (const v of vs) {
				tally[v.verdict]++;
			}
			assert.deepStrictEqual(
				vs.filter((v) => v.verdict === 'wrong').map((v) => v.message),
				[],
			);
		});
	}
	it('adds up: at least 12 summaries exact, at least 20 in all, none wrong', () => {
		assert.ok(tally.exact >= 12 && tally.exact + tally.unknown >= 20, JSON.stringify(tally));
		assert.strictEqual(tally.wrong, 0);
	});
});
