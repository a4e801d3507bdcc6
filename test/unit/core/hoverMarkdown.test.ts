import * as assert from 'assert';
import {
	analyzePython,
	codeBlock,
	codeSpan,
	escapeMarkdown,
	explainLayer,
	layerHoverMarkdown,
	reasonMarkdown,
} from '../../../src/core';
import type { LayerSummary } from '../../../src/protocol/analysis';

// markdown-it is a CommonMark renderer (installed with vsce); html and linkify on, as permissive as
// VS Code's hover renderer, so anything that could become a link, an image or HTML there shows here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (o: object) => { render(src: string): string };
const renderer = new MarkdownIt({ html: true, linkify: true });

/** Tags a hover may render: text formatting only. */
const PLAIN_TAGS = new Set(['p', 'strong', 'em', 'code', 'pre', 'hr', 'br']);

const decode = (s: string) =>
	s
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&amp;/g, '&');

/** Asserts that `markdown` renders to formatting only (no link, image, HTML), and returns the texts of its code spans. */
function assertInert(markdown: string): string[] {
	const html = renderer.render(markdown);
	const tags = [...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1].toLowerCase());
	const foreign = tags.filter((t) => !PLAIN_TAGS.has(t));
	assert.deepStrictEqual(foreign, [], `only formatting tags in ${html}`);
	assert.doesNotMatch(html, /<a\s|<img/i, html);
	return [...html.matchAll(/<code[^>]*>([\s\S]*?)<\/code>/g)].map((m) => decode(m[1]));
}

/** The Markdown with its code spans taken out (CommonMark: a run of n backticks up to the next run of exactly n). */
function outsideCodeSpans(md: string): string {
	let out = '';
	for (let i = 0; i < md.length;) {
		const run = /^`+/.exec(md.slice(i));
		if (md[i] === '\\') {
			out += md.slice(i, i + 2);
			i += 2;
		} else if (run) {
			const n = run[0].length;
			const close = new RegExp(`(?<!\`)\`{${n}}(?!\`)`, 'g');
			close.lastIndex = i + n;
			const m = close.exec(md);
			if (m) {
				i = m.index + n;
			} else {
				out += run[0];
				i += n;
			}
		} else {
			out += md[i++];
		}
	}
	return out;
}

/** Names that try to leave their code span, fetch an image, run a NormLens command or inject HTML. */
const HOSTILE = [
	'a`b',
	'x` ![img](http://x/y.png) `',
	'![img](http://x/y.png)',
	'[x](command:normlens.runNormalization?%5B%22file%3A%2F%2F%2Fetc%2Fpasswd%22%2C0%2C0%5D)',
	'<img src=http://x/y.png>',
	'``` a ``` [y](https://x)',
	'`',
	'https://x.example/track.png',
];

function kerasLayers(type: string, name: string): LayerSummary[] {
	const r = analyzePython(
		`import keras\ninp = keras.Input((8, 4))\nx = keras.layers.${type}(name=${JSON.stringify(name)})(inp)\nmodel = keras.Model(inp, x)\n`,
	);
	assert.strictEqual(r.models.length, 1, JSON.stringify(r.diagnostics));
	return r.models[0].layers;
}

describe('hover Markdown with names from the user’s file (issue 21)', () => {
	for (const name of HOSTILE) {
		it(`a layer named ${JSON.stringify(name)}: its name is one code span showing it literally, and nothing renders as link, image or HTML`, () => {
			const layer = kerasLayers('LayerNormalization', name).find(
				(l) => l.type === 'LayerNormalization',
			);
			assert.ok(layer);
			assert.strictEqual(layer.name, name, 'the analyser keeps the name as written');
			const explanation = explainLayer(layer);
			assert.ok(explanation, 'a normalization layer: the long hover');
			const md = layerHoverMarkdown(layer, explanation);
			const codes = assertInert(md);
			assert.strictEqual(
				codes[0],
				name,
				`the first code span is the name, as written: ${md.split('\n')[0]}`,
			);
			// Outside code spans, no `](` is left unescaped (no inline link or image can start).
			assert.doesNotMatch(
				outsideCodeSpans(md.replace(/^```+text\n[\s\S]*?\n```+$/m, '')).replace(/\\./g, ''),
				/\]\(|<img|!\[/,
			);
		});
	}

	it('a layer type NormLens does not know, with a hostile name: the short hover is inert too', () => {
		const layer = kerasLayers('Mystery', '![i](http://x/y.png)<b>').find((l) =>
			l.type.includes('Mystery'),
		);
		assert.ok(layer);
		const codes = assertInert(
			layerHoverMarkdown(
				layer,
				null,
				`**Unknown:** ${reasonMarkdown('`Mystery(name="![i](http://x/y.png)")` is [not](command:normlens.x) known <img src=x>')}`,
			),
		);
		assert.ok(codes.includes('![i](http://x/y.png)<b>'));
		assert.ok(codes.includes('Mystery(name="![i](http://x/y.png)")'));
	});

	it('escapeMarkdown: link, image, HTML and autolink syntax become literal text; `_` inside a word stays as it is', () => {
		for (const text of [
			'![img](http://x)',
			'[x](command:normlens.runNormalization?%5B%5D)',
			'<img src=http://x>',
			'see https://x.example/a.png',
			'a\n# heading\n- item',
		]) {
			const html = renderer.render(escapeMarkdown(text));
			assert.doesNotMatch(html, /<a\s|<img|<h1|<li/i, html);
			assert.strictEqual(
				decode(html.replace(/<\/?p>/g, '').trim()),
				text.replace(/\n/g, ' '),
				'renders as the text itself',
			);
		}
		assert.strictEqual(escapeMarkdown('moving_mean'), 'moving_mean');
		assert.strictEqual(escapeMarkdown('_a_'), '\\_a\\_');
	});

	it('codeSpan and codeBlock: a fence longer than any backtick run, one line for a span', () => {
		assert.strictEqual(codeSpan('a``b'), '```a``b```');
		assert.strictEqual(codeSpan('a\nb'), '`a b`');
		assert.strictEqual(codeBlock('x = 1'), '```text\nx = 1\n```');
		const block = codeBlock('```\n[x](http://y)\n```');
		assert.ok(block.startsWith('````text\n'));
		assert.deepStrictEqual(assertInert(block), ['```\n[x](http://y)\n```\n']);
	});
});
