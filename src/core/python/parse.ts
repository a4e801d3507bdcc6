// Parsing: a Python source's Lezer tree, its positions and syntax problems, and tree helpers.
import { parser } from '@lezer/python';
import { TreeFragment } from '@lezer/common';
import type { SyntaxNode, Tree } from '@lezer/common';
import type { TextPosition, TextRange } from '../../protocol/analysis';

/**
 * A parsed Python source. Lezer's parser is error-tolerant: a file in the middle of an edit still
 * yields a tree, with error nodes (`⚠`) where the text does not parse.
 */
export class PythonSource {
	readonly tree: Tree;
	private readonly lineStarts: number[];
	/** The tree's error nodes, found by the one walk that parsing makes anyway. */
	private readonly errorNodes: readonly ErrorNode[];

	readonly text: string;

	/**
	 * @param previous the source this text was edited from: its tree is reused where the text did
	 * not change (Lezer's incremental parsing), which makes re-analysis after an edit cheap.
	 * @param cells a notebook's code cells (their program lines). IPython strips a cell's leading
	 * indentation (the first line's) from its lines before running it, so a cell written indented is
	 * not an indentation error; and Jupyter compiles each cell alone, so a cell with a syntax error
	 * runs none of its statements, and its open bracket does not reach into the next cell.
	 * @param alone this text is one cell, compiled alone to find its own errors.
	 */
	constructor(
		text: string,
		previous?: PythonSource,
		readonly cells?: readonly { startLine: number; lineCount: number }[],
		alone = false,
	) {
		let parsed = parseTolerant(text, previous ? reusableFragments(previous, text) : undefined);
		if (previous && parsed.errors.length > 0) {
			// Lezer's error recovery depends on where a parse starts: a text with errors re-parsed
			// from the old tree can get other error nodes (and so other statements) than a fresh
			// parse. The editor must show what the CLI shows, so such a text is parsed fresh.
			parsed = parseTolerant(text, undefined);
		}
		this.lineStarts = lineStartsOf(text);
		const broken =
			cells && !alone && parsed.errors.length > 0 ? this.brokenCells(text, cells) : [];
		if (broken.length > 0) {
			// The cells that do not compile are blanked (offsets and lines kept), and the rest parsed
			// as the program Jupyter runs.
			for (const b of broken) {
				// Unit by unit (no `u` flag): a character outside the BMP stays two units long.
				const blank = text.slice(b.from, b.to).replace(/[^\n]/g, ' ');
				text = text.slice(0, b.from) + blank + text.slice(b.to);
			}
			parsed = parseTolerant(text, undefined);
			this.cellProblems = broken.flatMap((b) => b.problems);
		}
		this.text = text;
		this.tree = parsed.tree;
		this.errorNodes = parsed.errors;
	}

	/** The notebook cell a program line is in; undefined in a file. */
	cellAt(line: number): { startLine: number; lineCount: number } | undefined {
		return this.cells?.find((c) => line >= c.startLine && line < c.startLine + c.lineCount);
	}

	/** The syntax errors of the cells that do not compile alone, which Jupyter does not run at all. */
	private readonly cellProblems: SyntaxProblem[] = [];

	/** The code cells that do not compile alone (their offsets in the program), with their syntax errors. */
	private brokenCells(
		text: string,
		cells: readonly { startLine: number; lineCount: number }[],
	): { from: number; to: number; problems: SyntaxProblem[] }[] {
		const out: { from: number; to: number; problems: SyntaxProblem[] }[] = [];
		for (const c of cells) {
			const from = this.lineStarts[c.startLine] ?? text.length;
			const to = this.lineStarts[c.startLine + c.lineCount] ?? text.length;
			const cell = new PythonSource(
				text.slice(from, to),
				undefined,
				[{ startLine: 0, lineCount: c.lineCount }],
				true,
			);
			const problems = cell.syntaxErrors();
			if (problems.length > 0) {
				out.push({
					from,
					to,
					problems: problems.map((p) => ({
						...p,
						at: p.at + from,
						range: {
							start: { ...p.range.start, line: p.range.start.line + c.startLine },
							end: { ...p.range.end, line: p.range.end.line + c.startLine },
						},
						wholeCell: true,
					})),
				});
			}
		}
		return out;
	}

	get lineCount(): number {
		return this.lineStarts.length;
	}

	positionAt(offset: number): TextPosition {
		let lo = 0;
		let hi = this.lineStarts.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (this.lineStarts[mid] <= offset) {
				lo = mid;
			} else {
				hi = mid - 1;
			}
		}
		return { line: lo, character: offset - this.lineStarts[lo] };
	}

	offsetAt(pos: TextPosition): number {
		const line = Math.max(0, Math.min(pos.line, this.lineStarts.length - 1));
		return Math.min(this.lineStarts[line] + pos.character, this.text.length);
	}

	rangeOf(node: { from: number; to: number }): TextRange {
		return { start: this.positionAt(node.from), end: this.positionAt(node.to) };
	}

	slice(node: { from: number; to: number }): string {
		return this.text.slice(node.from, node.to);
	}

	/**
	 * The syntax errors Python would raise, first one per line, each with Python's own message. A
	 * bracket left open — the usual state of a line being typed, `Dense(50` — is reported at the
	 * bracket ("'(' was never closed"), not where the parser found out (the next line), and the
	 * errors that follow from it are not reported again. Indentation that Lezer's parser accepts but
	 * Python refuses ("unexpected indent", "unindent does not match any outer indentation level") is
	 * found from the statements' columns.
	 */
	syntaxErrors(): SyntaxProblem[] {
		return (this.problems ??= [...this.cellProblems, ...this.findProblems()].sort(
			(a, b) => a.at - b.at,
		));
	}

	/**
	 * The first syntax error on the lines of [from, to), which makes the statement there one Python
	 * cannot run: `tf, gpu = 0.15s` is no assignment of `0.15` (Lezer ends the statement before the `s`).
	 */
	problemIn(from: number, to: number): SyntaxProblem | undefined {
		// Asked for every statement run: no line arithmetic where the text has no error at all.
		const problems = this.syntaxErrors();
		if (problems.length === 0) {
			return undefined;
		}
		const first = this.positionAt(from).line;
		const last = this.positionAt(Math.max(from, to - 1)).line;
		return problems.find((p) => p.range.start.line >= first && p.range.start.line <= last);
	}

	private problems: SyntaxProblem[] | undefined;

	private findProblems(): SyntaxProblem[] {
		const found: SyntaxProblem[] = [];
		let explained = -1;
		for (const n of this.errorNodes) {
			if (n.from === explained) {
				continue;
			}
			if (n.unclosed) {
				explained = n.from;
				found.push({
					at: n.unclosed.at,
					range: this.rangeOf({ from: n.unclosed.at, to: n.unclosed.at + 1 }),
					message: `'${n.unclosed.bracket}' was never closed`,
					unclosed: n.unclosed.bracket,
				});
			} else {
				found.push({
					at: n.from,
					range: this.rangeOf({ from: n.from, to: Math.max(n.to, n.from + 1) }),
					message: this.errorMessage(n),
				});
			}
		}
		found.push(...this.indentationProblems());
		found.sort((a, b) => a.at - b.at);
		const out: SyntaxProblem[] = [];
		for (const p of found) {
			if (out.length === 0 || out[out.length - 1].range.start.line !== p.range.start.line) {
				out.push(p);
			}
		}
		return out;
	}

	/** Python's wording for an error node: a block with no statement, or plain invalid syntax. */
	private errorMessage(n: ErrorNode): string {
		const node = n.node;
		const body = node.parent;
		if (
			body?.name === 'Body' &&
			node.prevSibling?.name === ':' &&
			!node.prevSibling.prevSibling
		) {
			const owner = body.parent;
			// The clause this block belongs to: `elif` / `else` / `except` name their own line, as Python does.
			let clause = body.prevSibling;
			while (
				clause &&
				!/^(if|elif|else|for|while|try|except|finally|with)$/.test(clause.name)
			) {
				clause = clause.prevSibling;
			}
			const what =
				owner?.name === 'FunctionDefinition'
					? 'function definition'
					: owner?.name === 'ClassDefinition'
						? 'class definition'
						: clause
							? `'${clause.name}' statement`
							: 'statement';
			return `expected an indented block after ${what} on line ${this.positionAt((clause ?? owner)?.from ?? n.from).line + 1}`;
		}
		return 'invalid syntax';
	}

	/**
	 * Statements that start a line at a column their block does not have. Lezer's grammar reads
	 * `  x = f(y)` after a statement at column 0 as one more statement; Python raises before running
	 * anything.
	 */
	private indentationProblems(): SyntaxProblem[] {
		const out: SyntaxProblem[] = [];
		const indentOf = (line: number) => {
			const start = this.lineStarts[line];
			let i = start;
			while (i < this.text.length && (this.text[i] === ' ' || this.text[i] === '\t')) {
				i++;
			}
			return i - start;
		};
		// The indentation IPython strips from a cell: its first line's.
		const cellIndent = (line: number) => {
			const cell = this.cellAt(line);
			return cell ? indentOf(cell.startLine) : 0;
		};
		// The last statement that started a line, in document order (blocks included).
		let previous = { line: -1, column: 0 };
		const errorLines = new Set(
			this.errorNodes.flatMap((n) => [
				this.positionAt(n.from).line,
				this.positionAt(n.to).line,
			]),
		);
		const check = (block: SyntaxNode, expectedAtTop: number | undefined) => {
			let expected = expectedAtTop;
			for (let c = block.firstChild; c; c = c.nextSibling) {
				if (c.type.isError || c.name === ':' || c.name === 'Comment') {
					continue;
				}
				const pos = this.positionAt(c.from);
				const startsLine = indentOf(pos.line) === pos.character;
				if (startsLine) {
					expected ??= pos.character;
					if (
						pos.character !== expected &&
						!(block.parent === null && pos.character === cellIndent(pos.line))
					) {
						// Deeper than the statement before it (Python's previous logical line) is an indent no `:` opened.
						const deeper = pos.character > previous.column;
						// Where the parser already failed just before, the block's shape is its guess: no second error.
						if (!errorLines.has(previous.line) && !errorLines.has(pos.line - 1)) {
							out.push({
								at: c.from,
								range: this.rangeOf({ from: c.from, to: c.from + 1 }),
								message: deeper
									? 'unexpected indent'
									: 'unindent does not match any outer indentation level',
							});
						}
						// The rest of the block is measured against the column it started with.
					}
					previous = { line: pos.line, column: pos.character };
				}
				bodies(c);
			}
		};
		// The blocks of a statement: if / elif / else, try / except, loops, and a decorated definition's.
		const bodies = (n: SyntaxNode) => {
			for (let b = n.firstChild; b; b = b.nextSibling) {
				if (b.name === 'Body') {
					check(b, undefined);
				} else if (b.firstChild && /(Statement|Definition)$/.test(b.name)) {
					// Only statements hold blocks (a decorated definition's is one level down): expressions are not walked.
					bodies(b);
				}
			}
		};
		check(this.tree.topNode, 0);
		return out;
	}
}

/** A syntax error as Python reports it: where, and Python's message ("unexpected indent"). */
export interface SyntaxProblem {
	/** Offset of the error in the text. */
	at: number;
	range: TextRange;
	message: string;
	/** The bracket left open, when that is the error. */
	unclosed?: string;
	/** In a notebook cell that does not compile: Jupyter runs none of it. */
	wholeCell?: true;
}

const MEMBER_EXPRESSION = parser.nodeSet.types.find((t) => t.name === 'MemberExpression')?.id;

/** An error node; `unclosed` when it ends a bracketed construct that has no closing bracket. */
interface ErrorNode {
	from: number;
	to: number;
	unclosed?: { bracket: string; at: number };
	/** The error node in the tree (an empty one has no position `resolveInner` finds). */
	node: SyntaxNode;
}

/** A parse and what one walk over its tree found: the error nodes in document order, and the dots of `255.`-style floats (see parseWithFloatFix). */
interface Parsed {
	tree: Tree;
	errors: ErrorNode[];
	floatDots: number[];
}

const CLOSING: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** The opening bracket of the construct that `error` ends, when that construct is never closed. */
function unclosedBracket(error: SyntaxNode): { bracket: string; at: number } | undefined {
	const parent = error.parent;
	const open = parent?.firstChild;
	const close = open ? CLOSING[open.name] : undefined;
	if (!parent || !open || !close || error.nextSibling) {
		return undefined;
	}
	for (let c = parent.lastChild; c; c = c.prevSibling) {
		if (c.name === close) {
			return undefined;
		}
	}
	return { bracket: open.name, at: open.from };
}

/** Parses and walks the tree once (a walk costs about 1.5 ms on a 5,000-line file). */
function parseAndScan(text: string, fragments?: readonly TreeFragment[]): Parsed {
	const tree = parser.parse(text, fragments);
	const errors: ErrorNode[] = [];
	const floatDots: number[] = [];
	tree.iterate({
		enter: (n) => {
			if (
				n.type.isError &&
				n.from === n.to &&
				n.node.parent?.name === 'LiteralPattern' &&
				n.node.parent.parent?.name === 'PatternArgList'
			) {
				// `case str():` — Lezer's grammar wants a pattern inside a class pattern's parentheses,
				// which Python does not: no error.
				return;
			}
			if (n.type.isError) {
				const unclosed = unclosedBracket(n.node);
				errors.push(
					unclosed
						? { from: n.from, to: n.to, unclosed, node: n.node }
						: { from: n.from, to: n.to, node: n.node },
				);
			} else if (n.type.id === MEMBER_EXPRESSION) {
				const obj = n.node.firstChild;
				const dot = obj?.nextSibling;
				// A comment may come between (`8.   # divisor` in a parameter list).
				let after = dot?.nextSibling;
				while (after?.name === 'Comment') {
					after = after.nextSibling;
				}
				if (
					obj?.name === 'Number' &&
					dot?.name === '.' &&
					dot.from === obj.to &&
					/^\d[\d_]*$/.test(text.slice(obj.from, obj.to)) &&
					(!after ||
						after.type.isError ||
						(after.name === 'PropertyName' &&
							floatTail(text.slice(after.from, after.to), after.from === dot.to)))
				) {
					floatDots.push(dot.from);
				}
			}
		},
	});
	return { tree, errors, floatDots };
}

/** Words that may follow a float literal in an expression (`0. or x`, `1. if a else 0.`). */
const AFTER_NUMBER = new Set(['and', 'or', 'not', 'if', 'else', 'for', 'in', 'is', 'async']);

/**
 * Whether the name Lezer read after `<digits>.` is Python's continuation of a float: a keyword
 * (`0. or`), or an exponent written right after the dot (`1.e5`, `1.e-5`).
 */
function floatTail(name: string, adjacent: boolean): boolean {
	return AFTER_NUMBER.has(name) || (adjacent && /^[eE](?:\d[\d_]*)?[jJ]?$/.test(name));
}

/**
 * Lezer's Python grammar has no float literal with a trailing dot (`255.`, `2. * n`, `0. or x`,
 * `1.e-5`): it parses a member access, with a missing name or a keyword or `e5` for one. Such dots
 * are written as a digit (same offsets: `255.` parses as `2550`, `1.e5` as `10e5`) and the text
 * re-parsed; the number's value is read from the source text, so it is the float Python reads.
 */
function parseTolerant(text: string, fragments?: readonly TreeFragment[]): Parsed {
	return reparseSpuriousErrors(text, parseWithFloatFix(text, fragments));
}

/**
 * Lezer's Python parser (1.1.19 on @lezer/lr 1.4.12) occasionally fails on valid code in long
 * files — a blank line followed by an assignment, every ~43k characters in a test file. Parsing
 * again, re-using the tree everywhere but around each error, starts the parse at another point and
 * does not fail there; a real syntax error is still an error after the second parse.
 */
function reparseSpuriousErrors(text: string, first: Parsed): Parsed {
	if (first.errors.length === 0) {
		return first;
	}
	const changes = first.errors.slice(0, 64).map(({ from: p }) => ({
		fromA: Math.max(0, p - 200),
		toA: Math.min(text.length, p + 200),
		fromB: Math.max(0, p - 200),
		toB: Math.min(text.length, p + 200),
	}));
	const again = parseAndScan(
		text,
		TreeFragment.applyChanges(TreeFragment.addTree(first.tree), changes),
	);
	return again.errors.length < Math.min(first.errors.length, 64) ? again : first;
}

function parseWithFloatFix(text: string, fragments?: readonly TreeFragment[]): Parsed {
	const first = parseAndScan(text, fragments);
	if (first.floatDots.length === 0) {
		return first;
	}
	const chars = text.split('');
	let parsed = first;
	// Error recovery around one such dot can hide the next from the scan: a few rounds find them all.
	for (let round = 0; round < 4 && parsed.floatDots.length > 0; round++) {
		for (const d of parsed.floatDots) {
			chars[d] = '0';
		}
		// Fresh: the old tree's fragments describe the text with its dots, not this one.
		parsed = parseAndScan(chars.join(''), undefined);
	}
	return parsed;
}

/** Fragments of the previous tree outside the one region where the texts differ. */
function reusableFragments(previous: PythonSource, text: string): readonly TreeFragment[] {
	const old = previous.text;
	let start = 0;
	const max = Math.min(old.length, text.length);
	while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) {
		start++;
	}
	let endOld = old.length;
	let endNew = text.length;
	while (
		endOld > start &&
		endNew > start &&
		old.charCodeAt(endOld - 1) === text.charCodeAt(endNew - 1)
	) {
		endOld--;
		endNew--;
	}
	return TreeFragment.applyChanges(TreeFragment.addTree(previous.tree), [
		{ fromA: start, toA: endOld, fromB: start, toB: endNew },
	]);
}

/** Children of a node, including anonymous tokens such as `,` and `=`. */
export function children(node: SyntaxNode): SyntaxNode[] {
	const out: SyntaxNode[] = [];
	for (let c = node.firstChild; c; c = c.nextSibling) {
		// Comments can sit anywhere inside brackets (`f(a,  # note`); they are not operands.
		if (c.name !== 'Comment') {
			out.push(c);
		}
	}
	return out;
}

/**
 * The first child named `name`. Lezer's own `getChild` builds a cursor and an array of every match
 * on each call; the interpreter asks this for every call and member expression it evaluates.
 */
export function childNamed(node: SyntaxNode, name: string): SyntaxNode | null {
	for (let c = node.firstChild; c; c = c.nextSibling) {
		if (c.name === name) {
			return c;
		}
	}
	return null;
}

/**
 * Where a call's arguments are, for quick fixes that set a keyword argument. Every layer keeps one
 * but few are ever read (a fix is offered on a handful of layers), so the positions are found on
 * first use; `range` must map a node the same way then as when the call ran.
 */
export class CallSites {
	private found:
		{ end: TextPosition; hasArgs: boolean; keywords: Map<string, TextRange> } | undefined;

	constructor(
		private readonly call: SyntaxNode,
		private readonly source: PythonSource,
		private readonly range: (node: SyntaxNode) => TextRange,
	) {}

	/** The edit that makes the call pass `name=value`: the value replaced where the keyword is written, else the keyword added before `)`. */
	setKeyword(name: string, value: string): { range: TextRange; newText: string } {
		const { end, hasArgs, keywords } = this.find();
		const written = keywords.get(name);
		return written
			? { range: written, newText: value }
			: { range: { start: end, end }, newText: `${hasArgs ? ', ' : ''}${name}=${value}` };
	}

	private find(): { end: TextPosition; hasArgs: boolean; keywords: Map<string, TextRange> } {
		if (this.found) {
			return this.found;
		}
		const list = childNamed(this.call, 'ArgList');
		const keywords = new Map<string, TextRange>();
		let hasArgs = false;
		if (!list) {
			return (this.found = { end: this.range(this.call).end, hasArgs, keywords });
		}
		let close: SyntaxNode | null = null;
		for (let c = list.firstChild; c; c = c.nextSibling) {
			const name = c.name;
			close = c;
			if (name === '(' || name === ')' || name === ',' || name === 'Comment') {
				continue;
			}
			hasArgs = true;
			if (name === 'VariableName') {
				const op = c.nextSibling;
				const value = op?.name === 'AssignOp' ? op.nextSibling : null;
				if (value) {
					keywords.set(this.source.slice(c), this.range(value));
				}
			}
		}
		return (this.found = {
			end: close && close.name === ')' ? this.range(close).start : this.range(list).end,
			hasArgs,
			keywords,
		});
	}
}

/** Whether the node (or anything below it) failed to parse. */
export function containsError(node: SyntaxNode): boolean {
	if (node.type.isError) {
		return true;
	}
	for (let c = node.firstChild; c; c = c.nextSibling) {
		if (containsError(c)) {
			return true;
		}
	}
	return false;
}

/** The offset each line of a text starts at. */
function lineStartsOf(text: string): number[] {
	const starts = [0];
	for (let i = 0; i < text.length; i++) {
		if (text.charCodeAt(i) === 10) {
			starts.push(i + 1);
		}
	}
	return starts;
}
