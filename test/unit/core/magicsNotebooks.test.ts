import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
	analyzePython,
	buildProgram,
	locateLine,
	notebookModuleReader,
	parseNotebook,
} from '../../../src/core';
import { fixtures } from '../paths';

/**
 * Real public notebooks full of IPython syntax (test/fixtures/magics, attribution in its README):
 * no false syntax error, and each model whose summary the notebook printed is exact — the printed
 * total — or unknown with its reason (its size comes from data read at run time), never another
 * number.
 */
interface Printed {
	/** The cell (0-based among all cells) where NormLens reports the model. */
	cell: number;
	name: string;
	/** What the notebook printed (Total params), or why NormLens cannot know it statically. */
	printed: number;
	/** The model's size depends on data the notebook reads at run time: unknown is the right answer. */
	runtime?: string;
}

const notebooks: { file: string; printed: Printed[] }[] = [
	{
		file: 'handson_ml2_10_neural_nets_with_keras.ipynb',
		printed: [
			{ cell: 41, name: 'model', printed: 266_610 },
			{ cell: 79, name: 'model', printed: 1_239, runtime: 'Input(shape=X_train.shape[1:])' },
		],
	},
	{
		file: 'handson_ml3_10_neural_nets_with_keras.ipynb',
		printed: [
			{ cell: 50, name: 'model', printed: 266_610 },
			{ cell: 51, name: 'model', printed: 266_610 },
			// X_train comes from fetch_california_housing(): 8 features, as scikit-learn documents.
			{ cell: 90, name: 'model', printed: 1_256 },
		],
	},
	{
		file: 't81_558_class_06_2_cnn.ipynb',
		printed: [
			{ cell: 18, name: 'model', printed: 125_999_937 },
			{
				cell: 34,
				name: 'model',
				printed: 1_279_139,
				runtime: 'class_count from the downloaded files',
			},
		],
	},
	{
		// ViT written in the notebook, and the same ViT written to vit.py by %%writefile and imported.
		file: 'pytorch_dl_08_paper_replicating_solutions.ipynb',
		printed: [
			{ cell: 28, name: 'ViT', printed: 85_800_963 },
			{ cell: 36, name: 'imported_vit', printed: 86_567_656 },
		],
	},
	{
		file: 'tsai_eva4_codingdrill_9947.ipynb',
		printed: [{ cell: 12, name: 'model', printed: 9_962 }],
	},
	// The notebook printed the generator (344,208) and the discriminator (4,025) apart, with torchsummary.
	{
		file: 'rasbt_gan_conv.ipynb',
		printed: [
			{ cell: 10, name: 'model', printed: 344_208 + 4_025 },
			{ cell: 20, name: 'model.generator', printed: 344_208 },
			{ cell: 20, name: 'model.discriminator', printed: 4_025 },
		],
	},
];

describe('real notebooks with IPython syntax (test/fixtures/magics)', () => {
	for (const nb of notebooks) {
		it(`${nb.file}: no false syntax error; ${nb.printed.map((p) => `${p.name} (cell ${p.cell}) ${p.runtime ? 'unknown' : p.printed.toLocaleString('en-US')}`).join(', ')}`, () => {
			const cells = parseNotebook(
				fs.readFileSync(path.join(fixtures, 'magics', nb.file), 'utf8'),
			).filter((c) => c.kind === 'code');
			const program = buildProgram(cells);
			const result = analyzePython(program.text, {
				readModule: notebookModuleReader(program.files),
			});
			const syntax = result.diagnostics
				.filter((d) => d.code === 'syntax-error')
				.map(
					(d) =>
						`${JSON.stringify(locateLine(program, d.range.start.line))} ${d.message}`,
				);
			assert.deepStrictEqual(syntax, []);
			for (const p of nb.printed) {
				const m = result.models.find(
					(x) =>
						x.name === p.name &&
						locateLine(program, x.range.start.line)?.cell === p.cell,
				);
				assert.ok(m, `NormLens reports ${p.name} in cell ${p.cell}`);
				if (p.runtime) {
					assert.strictEqual(
						m.totals.total,
						null,
						`${p.name}: its size comes from ${p.runtime}`,
					);
					assert.ok(m.unknown?.reason, 'and the unknown says why');
				} else {
					assert.strictEqual(
						m.totals.total,
						p.printed,
						`${p.name} in cell ${p.cell}: the printed total`,
					);
				}
			}
		});
	}
});
