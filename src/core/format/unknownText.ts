// An unknown's cause in words: brief for one-line places, safe Markdown for hovers, and where it is.
import type { TextRange } from '../../protocol/analysis';
import { locateLine, NotebookProgram } from '../notebook/nbformat';

/**
 * How the editor surfaces word an unknown's cause: a brief form for one-line places (CodeLens,
 * status bar), Markdown that is safe to render (hovers), and where the cause is. Reasons quote
 * source snippets in backticks; a snippet may itself hold backticks, brackets or `<`, so nothing
 * in a reason is ever passed to a renderer as markup.
 */

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The index where a trailing parenthetical remark starts (outside code spans), or -1. */
function trailingRemark(s: string): number {
	if (!s.endsWith(')')) {
		return -1;
	}
	let inCode = false;
	let depth = 0;
	let start = -1;
	for (let i = 0; i < s.length; i++) {
		const c = s[i];
		if (c === '`') {
			inCode = !inCode;
		} else if (!inCode && c === '(') {
			if (depth === 0) {
				start = i;
			}
			depth++;
		} else if (!inCode && c === ')' && depth > 0) {
			depth--;
			if (depth === 0 && i === s.length - 1) {
				return start;
			}
		}
	}
	return -1;
}

/** The words by which a reason wraps the reason of what it depends on (shapeCauses.ts, costs.ts, nn/build.ts). */
const WRAPS = 'is unknown: ';

/**
 * Where a reason that wraps another ends its own words: after the last "is unknown: " outside code
 * spans (`its input's shape is unknown: <why>`, shapeCauses.ts), or 0. The cause's range is the
 * wrapped reason's place, so a brief label says that reason rather than the wrapping.
 */
function wrappedReason(s: string): number {
	let inCode = false;
	let start = 0;
	for (let i = 0; i < s.length; i++) {
		if (s[i] === '`') {
			inCode = !inCode;
		} else if (!inCode && s.startsWith(WRAPS, i)) {
			start = i + WRAPS.length;
		}
	}
	return start < s.length ? start : 0;
}

/**
 * A reason shortened for a one-line label: whitespace collapsed, the words of a reason that wraps
 * another (wrappedReason), a trailing remark in parentheses (advice such as "add `# normlens:
 * input (…)`") and the subject "NormLens " dropped, then cut at a word boundary to at most `max`
 * characters with `…` (a code span cut open is closed again).
 */
export function briefReason(reason: string, max = 60): string {
	let s = oneLine(reason);
	s = s.slice(wrappedReason(s));
	const remark = trailingRemark(s);
	if (remark > 0) {
		s = s.slice(0, remark).trimEnd();
	}
	s = s.replace(/^NormLens /, '');
	if (s.length <= max) {
		return s;
	}
	let cut = s.lastIndexOf(' ', max - 1);
	if (cut < max / 2) {
		cut = max - 1;
	}
	s = `${s.slice(0, cut).trimEnd()}…`;
	return (s.match(/`/g) ?? []).length % 2 === 1 ? `${s}\`` : s;
}

/**
 * Plain text made literal in Markdown: every character that could start markup is backslash-escaped
 * (so no link, image, autolink, HTML, code span or emphasis can come out of it), except `_` inside a
 * word (`moving_mean`), which CommonMark never reads as emphasis. Line breaks become spaces: text
 * from the user's file must not start a block (a heading, a list, a fence) on a line of its own.
 */
export function escapeMarkdown(text: string): string {
	return text
		.replace(/[\r\n]+/g, ' ')
		.replace(/[\\`*_{}[\]()#+\-!|<>&~$:]/g, (c, i: number, s: string) =>
			c === '_' &&
			/[\p{L}\p{N}]/u.test(s[i - 1] ?? '') &&
			/[\p{L}\p{N}]/u.test(s[i + 1] ?? '')
				? c
				: `\\${c}`,
		);
}

/**
 * A fenced code block that shows `code` literally: its fence is longer than any backtick run in it
 * (CommonMark's rule), so no line of `code` can close it early.
 */
export function codeBlock(code: string, info = 'text'): string {
	const runs = code.match(/`{3,}/g) ?? [];
	const fence = '`'.repeat(Math.max(2, ...runs.map((r) => r.length)) + 1);
	return `${fence}${info}\n${code}\n${fence}`;
}

/** A code span that shows `code` literally, whatever backticks it holds (CommonMark's fence rule). */
export function codeSpan(code: string): string {
	const runs = code.match(/`+/g) ?? [];
	const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
	// A code span is one line: a line break in it would let the next line start a block.
	code = code.replace(/[\r\n]+/g, ' ');
	const pad =
		code.startsWith('`') || code.endsWith('`') || (code.startsWith(' ') && code.endsWith(' '))
			? ' '
			: '';
	return `${fence}${pad}${code}${pad}${fence}`;
}

/**
 * A reason as one line of Markdown: the parts it quotes in backticks become code spans, the rest
 * is escaped text. An unpaired backtick stays a literal backtick. No HTML, links or line breaks
 * can come out of it.
 */
export function reasonMarkdown(reason: string): string {
	const s = oneLine(reason);
	let out = '';
	let last = 0;
	for (const m of s.matchAll(/`([^`]+)`/g)) {
		out += escapeMarkdown(s.slice(last, m.index)) + codeSpan(m[1]);
		last = m.index + m[0].length;
	}
	return out + escapeMarkdown(s.slice(last));
}

/** Where a cause is, in the words of the document the user looks at. */
export interface CauseLocation {
	/** 0-based line in the file, or in its cell for notebooks. */
	line: number;
	/** The cell's index in the notebook (0-based, as `NotebookCell.index`), for notebooks. */
	cell?: number;
	/** `line 3`; in a notebook `line 3` within the same cell, else `cell 2, line 3` (cells counted from 1). */
	label: string;
}

/**
 * Locates a program range for display. For a notebook, `program` maps program lines to cells and
 * `hereCell` is the cell the user is in (its own lines need no cell number).
 */
export function causeLocation(
	range: TextRange,
	program?: NotebookProgram,
	hereCell?: number,
): CauseLocation {
	const line = range.start.line;
	const loc = program ? locateLine(program, line) : undefined;
	if (!loc) {
		return { line, label: `line ${line + 1}` };
	}
	const label =
		loc.cell === hereCell
			? `line ${loc.cellLine + 1}`
			: `cell ${loc.cell + 1}, line ${loc.cellLine + 1}`;
	return { line: loc.cellLine, cell: loc.cell, label };
}
