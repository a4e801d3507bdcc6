// torchinfo's cell texts (Kernel Shape, Param %, Mult-Adds, Trainable) and footer lines, formatted as torchinfo 1.8.0 prints them.
import type {
	CallEstimates,
	ModelSummary,
	ModuleCall,
	Shape,
	TextRange,
	UnknownCause,
} from '../../protocol/analysis';

/**
 * Python's `format(x, ',.Nf')`: the double's exact value rounded half to even (JavaScript's
 * `toFixed` rounds an exact tie up: 6.125 → "6.13" where Python prints "6.12"), with thousands commas.
 */
export function pyFixed(x: number, digits = 2, commas = true): string {
	// toFixed(60) is the double's exact decimal expansion for every magnitude these figures reach.
	const exact = Math.abs(x).toFixed(60);
	const [int, frac] = exact.split('.');
	const rest = frac.slice(digits);
	const tie = rest[0] === '5' && /^0*$/.test(rest.slice(1));
	let text = Math.abs(x).toFixed(digits);
	if (tie) {
		// toFixed went up; Python keeps the even last digit.
		const kept = `${int}${frac.slice(0, digits)}`;
		if (Number(kept[kept.length - 1]) % 2 === 0) {
			text = digits > 0 ? `${int}.${frac.slice(0, digits)}` : int;
		}
	}
	const [i, f] = text.split('.');
	const grouped = commas ? i.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : i;
	return `${x < 0 ? '-' : ''}${grouped}${f !== undefined ? `.${f}` : ''}`;
}

const UNITS: readonly [number, string][] = [
	[1e12, 'T'],
	[1e9, 'G'],
	[1e6, 'M'],
	[1e3, 'k'],
];

/**
 * torchinfo's `format_output_num` with automatic units: the unit suffix for the label (` (kB)`,
 * ` (M)`, or none) and the number (`6.33`; a whole number without decimals).
 */
export function torchinfoNumber(num: number, isBytes: boolean): { unit: string; text: string } {
	const u = UNITS.find(([f]) => num >= f);
	if (!u) {
		return { unit: '', text: pyFixed(num, 0) };
	}
	const v = num / u[0];
	return {
		unit: ` (${u[1]}${isBytes ? 'B' : ''})`,
		text: Number.isInteger(v) ? pyFixed(v, 0) : pyFixed(v, 2),
	};
}

/** torchinfo's Kernel Shape cell: `[5, 5]`, `2`, or `--`. */
export function kernelText(k: ModuleCall['kernelSize']): string {
	return k === null ? '--' : Array.isArray(k) ? `[${k.join(', ')}]` : String(k);
}

/** torchinfo's Trainable cell: `True`, `False`, `Partial`, or `--` without parameters; `?` when unknown. */
export function trainableText(c: ModuleCall): string {
	if (c.params === null || c.trainableParams === null) {
		return '?';
	}
	if (c.params === 0) {
		return '--';
	}
	return c.trainableParams === 0 ? 'False' : c.trainableParams === c.params ? 'True' : 'Partial';
}

/**
 * torchinfo's Mult-Adds cell. `atLimit`: the row's children are not shown (torchinfo's depth limit,
 * the panel's fold), so a container shows the sum of the leaf calls inside it; expanded it shows `--`.
 */
export function macsText(c: ModuleCall, atLimit: boolean): string {
	if (!c.leaf && !atLimit) {
		return '--';
	}
	if (c.macs === null) {
		return '?';
	}
	return c.macs > 0 ? c.macs.toLocaleString('en-US') : '--';
}

/** The parameters torchinfo's Param # and Param % show for a row (a leftover when expanded). */
function shownParams(c: ModuleCall, atLimit: boolean): number | null {
	return c.leaf || atLimit ? c.params : c.rowParams;
}

/** torchinfo's Param # cell: `(recursive)` for a repeat, `(1,234)` when none trainable, `--` for none. */
export function paramsText(c: ModuleCall, atLimit: boolean): string {
	if (c.repeat || c.tied) {
		return c.params === 0 ? '--' : '(recursive)';
	}
	const n = shownParams(c, atLimit);
	if (n === null) {
		return '?';
	}
	// torchinfo prints a leftover only when positive (a tied weight can make it negative).
	if (n <= 0) {
		return '--';
	}
	const text = n.toLocaleString('en-US');
	return (c.leaf || atLimit) && c.trainableParams === 0 ? `(${text})` : text;
}

/** torchinfo's Param % cell (`1.19%`, `--`, `(recursive)`) of the model's parameter total. */
export function percentText(c: ModuleCall, total: number | null, atLimit: boolean): string {
	if (total === 0) {
		return '--';
	}
	if (c.repeat || c.tied) {
		return '(recursive)';
	}
	const n = shownParams(c, atLimit);
	if (n === null || total === null) {
		return '?';
	}
	return n === 0 ? '--' : `${pyFixed((n / total) * 100, 2)}%`;
}

/** One line of torchinfo's footer: its label with the unit, the figure (`?` when unknown) and why. */
export interface FooterLine {
	label: string;
	value: string;
	cause?: UnknownCause;
}

/** torchinfo's footer under its table: the parameter counts, the mult-adds and the four sizes. */
export function torchinfoFooter(model: ModelSummary): FooterLine[] {
	const t = model.totals;
	const count = (label: string, n: number | null): FooterLine =>
		n === null
			? { label, value: '?', ...(model.unknown ? { cause: model.unknown } : {}) }
			: { label, value: n.toLocaleString('en-US') };
	const lines = [
		count('Total params', t.total),
		count('Trainable params', t.trainable),
		count('Non-trainable params', t.nonTrainable),
	];
	const e = model.estimates;
	if (!e) {
		return lines;
	}
	const figure = (label: string, key: keyof Omit<CallEstimates, 'causes'>, isBytes: boolean) => {
		const n = e[key];
		if (n === null) {
			const cause = e.causes[key];
			return { label, value: '?', ...(cause ? { cause } : {}) };
		}
		const { unit, text } = torchinfoNumber(n, isBytes);
		return { label: `${label}${unit}`, value: text };
	};
	return [
		...lines,
		figure('Total mult-adds', 'totalMacs', false),
		figure('Input size', 'inputBytes', true),
		figure('Forward/backward pass size', 'forwardBackwardBytes', true),
		figure('Params size', 'paramBytes', true),
		figure('Estimated Total Size', 'totalBytes', true),
	];
}

/** Keras 3's `readable_memory_size`: bytes in 1024 steps, two decimals (`89.98 MB`). */
export function kerasMemorySize(bytes: number): string {
	const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
	let v = bytes;
	for (const unit of units) {
		if (v / 1024 < 1) {
			return `${pyFixed(v, 2, false)} ${unit}`;
		}
		v /= 1024;
	}
	return `${pyFixed(v, 2, false)} PB`;
}

/** `[2, 8, 128, 128]` as torchinfo prints shapes (the batch as given); `--` when unknown. */
function torchShape(shape: Shape | null): string {
	return shape ? `[${shape.map((d) => (d === null ? -1 : d)).join(', ')}]` : '--';
}

/**
 * A PyTorch model's forward call by call, as torchinfo prints it with every column and every depth:
 * one row per module call, nested by depth (a module's later calls show `(recursive)`), then its
 * footer; each `?` is explained below the table.
 */
export function callsText(
	model: ModelSummary,
	locate: (range: TextRange) => string = (r) => `line ${r.start.line + 1}`,
): string | undefined {
	const calls = model.calls;
	if (!calls) {
		return undefined;
	}
	const total = model.totals.total;
	const rows = calls.map((c, i) => {
		const tree = c.depth === 0 ? '' : c.depth === 1 ? '├─' : `${'│    '.repeat(c.depth - 1)}└─`;
		// A row with no rows below it is at its limit (a container whose children never ran).
		const atLimit = (calls[i + 1]?.depth ?? 0) <= c.depth;
		return [
			`${tree}${c.type} (${c.name})${c.depth > 0 ? `: ${c.depth}` : ''}`,
			kernelText(c.kernelSize),
			torchShape(c.inputShape),
			torchShape(c.outputShape),
			paramsText(c, atLimit),
			percentText(c, total, atLimit),
			macsText(c, atLimit),
			trainableText(c),
		];
	});
	const head = [
		'Layer (type (name):depth)',
		'Kernel Shape',
		'Input Shape',
		'Output Shape',
		'Param #',
		'Param %',
		'Mult-Adds',
		'Trainable',
	];
	const widths = head.map(
		(h, i) => rows.reduce((w, r) => Math.max(w, r[i].length), h.length) + 3,
	);
	const line = (cells: string[]) =>
		cells
			.map((c, i) =>
				i === 5 ? c.padStart(widths[i] - 3).padEnd(widths[i]) : c.padEnd(widths[i]),
			)
			.join('')
			.trimEnd();
	const width = widths.reduce((a, b) => a + b, 0);
	const rule = '='.repeat(width);
	const out = [rule, line(head), rule, ...rows.map(line), rule];
	if (model.callsOmitted) {
		out.push(
			`${model.callsOmitted.toLocaleString('en-US')} more calls not listed (NormLens records ${calls.length.toLocaleString('en-US')} per forward).`,
		);
	}
	const footer = torchinfoFooter(model);
	footer.forEach((l, i) => {
		out.push(`${l.label}: ${l.value}`);
		// torchinfo's rules: under the mult-adds (under the counts without them) and at the end.
		if (i === Math.min(3, footer.length - 1) || i === footer.length - 1) {
			out.push(rule);
		}
	});
	const seen = new Set<string>();
	const why = [...calls.map((c) => c.unknown), ...footer.map((l) => l.cause)].filter(
		(c): c is UnknownCause => c !== undefined,
	);
	for (const c of why) {
		const text = `? ${c.reason} (${locate(c.range)})`;
		if (!seen.has(text)) {
			seen.add(text);
			out.push(text);
		}
	}
	return out.join('\n');
}
