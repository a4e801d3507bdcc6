// A model's summary as text (a Keras-style table), with the reasons behind each `?`.
import type {
	LayerSummary,
	ModelSummary,
	Shape,
	TextRange,
	UnknownCause,
} from '../../protocol/analysis';
import { kerasMemorySize } from './torchinfoText';

/** Where a range is, in words (`line 12`, `cell 3, line 4`): the caller knows whether the text is a notebook. */
export type Locate = (range: TextRange) => string;

const plainLines: Locate = (r) => `line ${r.start.line + 1}`;

/**
 * The reasons behind the `?` of a summary, one line each: the totals' first cause, then each other
 * distinct cause of a row's unknown count or shape (with the first row it affects).
 */
export function unknownReasons(model: ModelSummary, locate: Locate = plainLines): string[] {
	const seen = new Set<string>();
	const out: string[] = [];
	const add = (c: UnknownCause, what: string) => {
		const key = c.reason;
		if (seen.has(key)) {
			return;
		}
		seen.add(key);
		out.push(`${what}: ${c.reason} (${locate(c.range)})`);
	};
	// A model whose parameters are known may still have buffers of unknown size: said too.
	if (Object.values(model.totals).includes(null) && model.unknown) {
		add(
			model.unknown,
			model.totals.total === null
				? 'totals unknown'
				: model.totals.trainable === null
					? 'trainable split unknown'
					: 'buffers unknown',
		);
	}
	for (const l of model.layers) {
		if (l.unknown) {
			add(l.unknown, `${l.name} ${l.params === null ? 'params' : 'shape'} unknown`);
		}
	}
	return out;
}

/** `(None, 100, 200, 30)` as Keras prints shapes; `?` when unknown. */
export function formatShape(shape: Shape | null): string {
	if (!shape) {
		return '?';
	}
	return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** `6,001,600` */
export function formatCount(n: number | null): string {
	return n === null ? '?' : n.toLocaleString('en-US');
}

/** Bytes of float32 weights as Keras 3 prints them (`readable_memory_size`: 1024 steps, Python's rounding). */
export function formatBytes(count: number | null): string {
	return count === null ? '?' : kerasMemorySize(count * 4);
}

function layerParams(l: LayerSummary): string {
	return l.params ? formatCount(l.params.total) : '?';
}

/** Keras's table: a header, rows of name, shape and a right-aligned count, rules between them. */
function kerasTable(rows: string[][]): string[] {
	const head = ['Layer (type)', 'Output Shape', 'Param #'];
	// A loop, not Math.max(...rows): a spread of 182k rows overflowed the stack.
	const widths = head.map(
		(h, i) => rows.reduce((w, r) => Math.max(w, r[i].length), h.length) + 2,
	);
	const line = (cells: string[]) =>
		cells
			.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
			.join(' ')
			.trimEnd();
	const width = widths.reduce((a, b) => a + b + 1, -1);
	const out = ['_'.repeat(width), line(head), '='.repeat(width)];
	rows.forEach((r, i) => {
		out.push(line(r));
		out.push(i === rows.length - 1 ? '='.repeat(width) : '_'.repeat(width));
	});
	if (rows.length === 0) {
		out.push('='.repeat(width));
	}
	return out;
}

/** A table in the style of Keras `model.summary()` (plain text). */
export function summaryText(model: ModelSummary, locate: Locate = plainLines): string {
	const rows = model.layers.map((l) => [
		`${l.name} (${l.type})`,
		formatShape(l.outputShape),
		layerParams(l),
	]);
	const table = kerasTable(rows);
	const out = [
		`Model: "${model.frameworkName ?? model.name}" (${model.name}, ${model.framework})`,
		...table,
	];
	const t = model.totals;
	out.push(` Total params: ${formatCount(t.total)} (${formatBytes(t.total)})`);
	out.push(` Trainable params: ${formatCount(t.trainable)} (${formatBytes(t.trainable)})`);
	out.push(
		` Non-trainable params: ${formatCount(t.nonTrainable)} (${formatBytes(t.nonTrainable)})`,
	);
	if (model.framework === 'torch') {
		out.push(` Buffers: ${formatCount(t.buffers)}`);
	}
	const c = model.cellTotals;
	if (c) {
		// A notebook's later cells change the model: what a summary printed in its own cell shows.
		out.push(
			` After its own cell: ${formatCount(c.total)} params (${formatCount(c.trainable)} trainable, ${formatCount(c.nonTrainable)} non-trainable); later cells change it`,
		);
	}
	for (const reason of unknownReasons(model, locate)) {
		out.push(` ? ${reason}`);
	}
	return out.join('\n');
}

/**
 * A Keras model with its nested models expanded, as `model.summary(expand_nested=True)` prints the
 * rows (Keras 3: a nested layer's name after `   └ ` per level); undefined without nested models.
 * Each `?` is explained below the table.
 */
export function nestedText(model: ModelSummary, locate: Locate = plainLines): string | undefined {
	const nested = model.nestedRows;
	if (!nested) {
		return undefined;
	}
	const rows = nested
		.filter((r) => r.depth > 0)
		.map((r) => [
			`${r.depth > 1 ? `${'   '.repeat(r.depth - 1)}└ ` : ''}${r.name} (${r.type})`,
			formatShape(r.outputShape),
			formatCount(r.params),
		]);
	const out = [
		`Model: "${model.frameworkName ?? model.name}" (${model.name}, keras), nested models expanded`,
		...kerasTable(rows),
	];
	const seen = new Set<string>();
	for (const r of nested) {
		if (r.unknown && !seen.has(r.unknown.reason)) {
			seen.add(r.unknown.reason);
			out.push(` ? ${r.name}: ${r.unknown.reason} (${locate(r.unknown.range)})`);
		}
	}
	return out.join('\n');
}

/** The same summary as a Markdown table. */
export function summaryMarkdown(model: ModelSummary): string {
	const out = [
		`### ${model.name} (${model.framework}, ${model.kind})`,
		'',
		'| Layer (type) | Output Shape | Param # |',
		'| --- | --- | ---: |',
	];
	for (const l of model.layers) {
		out.push(`| ${l.name} (${l.type}) | ${formatShape(l.outputShape)} | ${layerParams(l)} |`);
	}
	const t = model.totals;
	out.push(
		'',
		`Total params: ${formatCount(t.total)} · Trainable: ${formatCount(t.trainable)} · Non-trainable: ${formatCount(t.nonTrainable)}`,
	);
	return out.join('\n');
}
