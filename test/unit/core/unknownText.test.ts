import * as assert from 'assert';
import {
	briefReason,
	buildProgram,
	causeLocation,
	codeSpan,
	escapeMarkdown,
	reasonMarkdown,
} from '../../../src/core';

const at = (line: number) => ({ start: { line, character: 4 }, end: { line, character: 9 } });

describe('unknown causes as the editor words them', () => {
	describe('briefReason', () => {
		it('keeps a short reason as it is', () => {
			assert.strictEqual(
				briefReason('`mystery` is not defined in the code NormLens read'),
				'`mystery` is not defined in the code NormLens read',
			);
		});

		it('drops the subject "NormLens" and a trailing remark in parentheses, even one with parentheses inside code', () => {
			assert.strictEqual(
				briefReason('NormLens does not follow `helper(net)`'),
				'does not follow `helper(net)`',
			);
			assert.strictEqual(
				briefReason(
					'this module is never called on an input NormLens can follow (add `# normlens: input (…)` to give one)',
				),
				'this module is never called on an input NormLens can follow',
			);
			assert.strictEqual(
				briefReason('nn.Linear: in_features must be positive (PyTorch raises here)'),
				'nn.Linear: in_features must be positive',
			);
		});

		it('keeps parentheses that are part of a quoted snippet at the end', () => {
			assert.strictEqual(
				briefReason('NormLens cannot evaluate `f(x)`'),
				'cannot evaluate `f(x)`',
			);
		});

		it('cuts a long reason at a word boundary and closes a code span it cut open', () => {
			const s = briefReason(
				'NormLens could not follow the statement `for name, module in self.named_children(): setattr(self, name, wrap(module))`',
				50,
			);
			assert.ok(s.length <= 51, s);
			assert.match(s, /^could not follow the statement `for name, module…`$/);
			assert.strictEqual(briefReason('a b c d e f g h i j k l m n o p', 10), 'a b c d e…');
		});

		it('says the reason a wrapping one gives (the place the cause points at), not the wrapping', () => {
			assert.strictEqual(
				briefReason(
					"a LazyLinear's weights take their sizes from its first input, whose shape is unknown: NormLens cannot follow `prep(…)`: it calls code NormLens cannot read (`mylib.prep`)",
				),
				'cannot follow `prep(…)`: it calls code NormLens cannot read',
			);
			assert.strictEqual(
				briefReason(
					"its input's shape is unknown: Conv2d expects 3 input channels but the input has 4 (PyTorch raises here)",
				),
				'Conv2d expects 3 input channels but the input has 4',
			);
			// Inside a quoted snippet the words are the program's, not a wrapping.
			assert.strictEqual(
				briefReason('NormLens cannot evaluate `x is unknown: y`'),
				'cannot evaluate `x is unknown: y`',
			);
		});

		it('collapses line breaks into one line', () => {
			assert.strictEqual(briefReason('cannot\n  follow\tthis'), 'cannot follow this');
		});
	});

	describe('reasonMarkdown', () => {
		it('quoted snippets become code spans; the rest is plain text', () => {
			assert.strictEqual(
				reasonMarkdown('`mystery` is not defined in the code NormLens read'),
				'`mystery` is not defined in the code NormLens read',
			);
			assert.strictEqual(
				reasonMarkdown('NormLens does not follow `helper(net)`'),
				'NormLens does not follow `helper(net)`',
			);
		});

		it('escapes markup in the text parts: no link, HTML, emphasis or entity can come out', () => {
			assert.strictEqual(
				reasonMarkdown('a [link](command:x) <b>bold</b> *em* &amp;'),
				'a \\[link\\]\\(command\\:x\\) \\<b\\>bold\\</b\\> \\*em\\* \\&amp;',
			);
		});

		it('an unpaired backtick (a snippet that holds one) stays literal and cannot open a code span', () => {
			const md = reasonMarkdown('NormLens cannot evaluate `f("a`b")`');
			// `f("a` is a span; the rest is text with its backtick escaped.
			assert.strictEqual(md, 'NormLens cannot evaluate `f("a`b"\\)\\`');
			assert.strictEqual(
				(md.replace(/\\`/g, '').match(/`/g) ?? []).length % 2,
				0,
				'balanced fences',
			);
		});

		it('HTML inside a snippet stays inside its code span (shown literally)', () => {
			assert.strictEqual(
				reasonMarkdown('NormLens does not follow `x = "<img src=x>"`'),
				'NormLens does not follow `x = "<img src=x>"`',
			);
		});

		it('is one line', () => {
			assert.ok(!reasonMarkdown('a\n\nb `c\nd`').includes('\n'));
		});
	});

	describe('codeSpan and escapeMarkdown', () => {
		it('a fence longer than any backtick run inside, padded where the code touches a backtick', () => {
			assert.strictEqual(codeSpan('x'), '`x`');
			assert.strictEqual(codeSpan('a`b'), '``a`b``');
			assert.strictEqual(codeSpan('`a``'), '``` `a`` ```');
		});

		it('escapes every character that could start markup', () => {
			assert.strictEqual(
				escapeMarkdown('\\ ` * _ [ ] ( ) # + - ! | < > & ~'),
				'\\\\ \\` \\* \\_ \\[ \\] \\( \\) \\# \\+ \\- \\! \\| \\< \\> \\& \\~',
			);
		});
	});

	describe('causeLocation', () => {
		it('in a file: the 1-based line', () => {
			assert.deepStrictEqual(causeLocation(at(2)), { line: 2, label: 'line 3' });
		});

		it('in a notebook: the line within its cell; the cell (counted from 1) only when it is another cell', () => {
			// Cells 0 (markdown, not in the program), 1 (two lines) and 3 (three lines).
			const program = buildProgram([
				{ index: 1, source: 'import torch\nx = 1' },
				{ index: 3, source: 'a = 1\nb = 2\nc = 3' },
			]);
			const third = program.segments[1].startLine + 2;
			assert.deepStrictEqual(causeLocation(at(third), program, 3), {
				line: 2,
				cell: 3,
				label: 'line 3',
			});
			assert.deepStrictEqual(causeLocation(at(third), program, 1), {
				line: 2,
				cell: 3,
				label: 'cell 4, line 3',
			});
			assert.deepStrictEqual(causeLocation(at(1), program), {
				line: 1,
				cell: 1,
				label: 'cell 2, line 2',
			});
		});
	});
});
