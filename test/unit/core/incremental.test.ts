import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzePython, IncrementalAnalyzer } from '../../../src/core';
import type { AnalysisResult } from '../../../src/protocol/analysis';
import { examples, fixtures } from '../paths';
import { rng } from '../seeded';

/**
 * The editor re-analyses a document incrementally (re-using the previous parse where the text did
 * not change); the CLI analyses it fresh. They must agree after every edit, or a user sees other
 * models or diagnostics in the editor than `normlens summary` prints. Random edit sequences on real
 * files, in the way people type: characters, deleted and duplicated lines, pasted blocks, undo.
 */

const snippets = [
	'(',
	')',
	'[',
	']',
	':',
	',',
	'.',
	'0.5',
	'1.',
	'x',
	' ',
	'\n',
	'    ',
	'#',
	'"',
	"'",
	'=',
	'nn.',
	'layers.',
	'Dense(',
	'def f(',
	'if x:\n    ',
	'return ',
	'\\',
	'1e-3',
];

function edit(text: string, r: () => number): string {
	const at = Math.floor(r() * (text.length + 1));
	const kind = r();
	if (kind < 0.45) {
		return text.slice(0, at) + snippets[Math.floor(r() * snippets.length)] + text.slice(at);
	}
	if (kind < 0.7) {
		return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(r() * 12)));
	}
	const lines = text.split('\n');
	const i = Math.floor(r() * lines.length);
	if (kind < 0.85) {
		lines.splice(i, 1);
	} else {
		lines.splice(i, 0, lines[Math.floor(r() * lines.length)]);
	}
	return lines.join('\n');
}

/** What a user sees, without the step counter (which differs when a parse is re-used). */
function visible(r: AnalysisResult): unknown {
	return {
		models: r.models.map((m) => ({
			name: m.name,
			totals: m.totals,
			range: m.range,
			unknown: m.unknown,
			layers: m.layers.map((l) => [
				l.name,
				l.type,
				l.outputShape,
				l.params,
				l.range,
				l.unknown?.reason,
			]),
		})),
		diagnostics: r.diagnostics.map((d) => [d.code, d.severity, d.message, d.range]),
		truncated: r.truncated,
	};
}

describe('incremental re-analysis equals a fresh analysis', function () {
	this.timeout(120_000);
	const files = [
		path.join(examples, 'tabular_bn.py'),
		path.join(examples, 'torch_bn.py'),
		path.join(fixtures, 'torch', 'zoo.py'),
		path.join(fixtures, 'keras', 'subclassed.py'),
		path.join(fixtures, 'keras', 'vgg16.py'),
		path.join(fixtures, 'torch', 'mobilenet_v2.py'),
	].filter((f) => fs.existsSync(f));

	it(`after every edit of random edit sequences on ${files.length} real files (and after undoing them)`, () => {
		let edits = 0;
		const failures: string[] = [];
		files.forEach((file, n) => {
			const original = fs.readFileSync(file, 'utf8');
			for (let seq = 0; seq < 10; seq++) {
				const r = rng(1000 * n + seq);
				const analyzer = new IncrementalAnalyzer();
				analyzer.analyze(original);
				const history = [original];
				let text = original;
				for (let step = 0; step < 25; step++) {
					text = edit(text, r);
					history.push(text);
					edits++;
					const a = JSON.stringify(visible(analyzer.analyze(text)));
					const b = JSON.stringify(visible(analyzePython(text)));
					if (a !== b && failures.length < 5) {
						failures.push(`${path.basename(file)} seq ${seq} step ${step}`);
					}
				}
				// Undo, as the editor does, back to the original.
				for (const back of history.reverse().slice(1)) {
					edits++;
					const a = JSON.stringify(visible(analyzer.analyze(back)));
					const b = JSON.stringify(visible(analyzePython(back)));
					if (a !== b && failures.length < 5) {
						failures.push(`${path.basename(file)} seq ${seq} undo`);
					}
				}
			}
		});
		assert.ok(edits >= 3000, `${edits} edits`);
		assert.deepStrictEqual(failures, [], `${failures.length} of ${edits} edits differ`);
	});
});
