// The `# normlens: input (…)` example input: its comment, the shape typed, and a suggested shape.
import type { ModelSummary } from '../protocol/analysis';

/**
 * The example input a user gives PyTorch models that the file never calls: a `# normlens: input
 * (1, 3, 224, 224)` comment (read by `declaredInput`). The editor's "Set example input…" writes it,
 * with a shape suggested from the model's first layer.
 */

const MAX_DIMS = 8;

/** The comment line for a shape. */
export function exampleInputComment(shape: readonly number[]): string {
	return `# normlens: input (${shape.join(', ')})`;
}

/** A shape typed by the user — `(1, 3, 224, 224)`, `[8, 100]` or `1, 16` — or a message saying what is wrong. */
export function parseShapeText(text: string): number[] | { error: string } {
	const inner = text
		.trim()
		.replace(/^[([]\s*/, '')
		.replace(/\s*[)\]]$/, '');
	const parts = inner
		.split(',')
		.map((p) => p.trim())
		.filter((p) => p.length > 0);
	if (parts.length === 0) {
		return { error: 'Give the sizes of the input, batch first: (1, 3, 224, 224).' };
	}
	if (parts.length > MAX_DIMS) {
		return { error: `At most ${MAX_DIMS} sizes.` };
	}
	const dims = parts.map((p) => (/^\d{1,9}$/.test(p) ? Number(p) : NaN));
	const bad = parts.find((_, i) => !(dims[i] >= 1));
	if (bad !== undefined) {
		return { error: `\`${bad}\` is not a size: each size is a whole number from 1.` };
	}
	return dims;
}

const num = (v: unknown): number | undefined =>
	typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;

/** Input suggestions by the first layer's type: the batch, then what that layer reads. */
const BY_FIRST_LAYER: Record<string, (config: Record<string, unknown>) => number[] | undefined> = {
	Conv1d: (c) => (num(c.in_channels) ? [1, num(c.in_channels) as number, 128] : undefined),
	Conv2d: (c) =>
		num(c.in_channels)
			? [1, num(c.in_channels) as number, ...(c.in_channels === 3 ? [224, 224] : [32, 32])]
			: undefined,
	Conv3d: (c) => (num(c.in_channels) ? [1, num(c.in_channels) as number, 16, 64, 64] : undefined),
	Linear: (c) => (num(c.in_features) ? [1, num(c.in_features) as number] : undefined),
	BatchNorm1d: (c) => (num(c.num_features) ? [8, num(c.num_features) as number] : undefined),
	BatchNorm2d: (c) =>
		num(c.num_features) ? [8, num(c.num_features) as number, 32, 32] : undefined,
	LayerNorm: (c) =>
		num(c.normalized_shape) ? [1, 16, num(c.normalized_shape) as number] : undefined,
	Embedding: () => [1, 16],
	LSTM: (c) =>
		num(c.input_size)
			? c.batch_first === true
				? [1, 16, num(c.input_size) as number]
				: [16, 1, num(c.input_size) as number]
			: undefined,
	GRU: (c) =>
		num(c.input_size)
			? c.batch_first === true
				? [1, 16, num(c.input_size) as number]
				: [16, 1, num(c.input_size) as number]
			: undefined,
	RNN: (c) =>
		num(c.input_size)
			? c.batch_first === true
				? [1, 16, num(c.input_size) as number]
				: [16, 1, num(c.input_size) as number]
			: undefined,
};

/** A shape to offer for a model's example input, from its first layer that tells one; undefined when none does. */
export function suggestExampleInput(model: ModelSummary): number[] | undefined {
	for (const layer of model.layers) {
		const rule = BY_FIRST_LAYER[layer.type];
		if (rule) {
			return rule(layer.config);
		}
	}
	return undefined;
}

/** `# normlens: input (1, 3, 224, 224)` — a comment, read as data, not Python. */
// Horizontal space only: `\s*` at a line start also spans newlines, which made runs of blank lines quadratic.
const INPUT_COMMENT = /^[ \t]*#[ \t]*normlens:[ \t]*input[ \t]*[([]([\d \t,]+)[)\]]/gm;

function dimsOf(text: string): number[] | undefined {
	const dims = text
		.split(',')
		.map((d) => d.trim())
		.filter((d) => d.length > 0)
		.map(Number);
	return dims.length > 0 && dims.every((d) => Number.isInteger(d) && d > 0) ? dims : undefined;
}

/**
 * The example inputs a file declares. A comment belongs to the model built on the first line of
 * code below it (`# normlens: input (2, 100)` above `generator = G()`, another above
 * `discriminator = D()`: a generator's latent vector is no input of its discriminator). A model
 * without one takes the first comment above no model, else the file's only comment.
 */
export class DeclaredInputs {
	private readonly comments: { target: number; dims: number[] }[] = [];

	constructor(text: string) {
		const lines = text.split('\n');
		const starts: number[] = [];
		for (let i = 0, at = 0; i < lines.length; i++) {
			starts.push(at);
			at += lines[i].length + 1;
		}
		let line = 0;
		for (const m of text.matchAll(INPUT_COMMENT)) {
			const dims = dimsOf(m[1]);
			if (!dims) {
				continue;
			}
			// The comment's line (matches come in order: the search goes on from the last one), then
			// the first line below it that is code (not blank, not a comment).
			while (line + 1 < starts.length && starts[line + 1] <= m.index) {
				line++;
			}
			let target = line;
			do {
				target++;
			} while (target < lines.length && /^[ \t]*(#.*)?\r?$/.test(lines[target]));
			this.comments.push({ target, dims });
		}
	}

	/** The first comment's input, wherever it is. */
	get first(): number[] | undefined {
		return this.comments[0]?.dims;
	}

	get any(): boolean {
		return this.comments.length > 0;
	}

	/**
	 * The input of the model whose statement starts on `line` (0-based), given the lines of every
	 * model the file built: its own comment's, else the first comment above no model.
	 */
	/** Whether a comment of its own declares the input of the statement on `line` (0-based). */
	declares(line: number): boolean {
		return this.comments.some((c) => c.target === line);
	}

	forModel(line: number, modelLines: ReadonlySet<number>): number[] | undefined {
		const own = this.comments.filter((c) => c.target === line).at(-1);
		// Else the first comment above no model, else a file's one comment: its example input, as
		// "Set Example Input…" wrote it before a file could hold one per model. Where several
		// comments each sit above their own model, none is another's (a block the file defines but
		// never builds is not run on the input of a model it is no part of).
		return (
			own?.dims ??
			this.comments.find((c) => !modelLines.has(c.target))?.dims ??
			(this.comments.length === 1 ? this.comments[0].dims : undefined)
		);
	}
}

/** The first example input the file declares (read as data, not Python). */
export function declaredInput(text: string): number[] | undefined {
	return new DeclaredInputs(text).first;
}
