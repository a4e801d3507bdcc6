// DOM building, number formats and theme colours shared by the panel's views.
import type { Shape } from '../protocol/analysis';
import type { PanelRunResult } from '../protocol/webviewProtocol';

export function el<K extends keyof HTMLElementTagNameMap>(
	tag: K,
	attrs: Record<string, string> = {},
	...kids: (Node | string)[]
): HTMLElementTagNameMap[K] {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) {
		e.setAttribute(k, v);
	}
	e.append(...kids);
	return e;
}

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element (the tensor drawing, the graph view), as `el` makes HTML ones. */
export function svg<K extends keyof SVGElementTagNameMap>(
	tag: K,
	attrs: Record<string, string | number> = {},
	...kids: (Node | string)[]
): SVGElementTagNameMap[K] {
	const e = document.createElementNS(SVG, tag);
	for (const [k, v] of Object.entries(attrs)) {
		e.setAttribute(k, String(v));
	}
	e.append(...kids);
	return e;
}

/** A row of radio buttons (a labelled radiogroup): each option's id, label, whether it is on, and what choosing it does. */
export function radioGroup(
	name: string,
	label: string,
	prompt: string,
	options: readonly { id: string; label: string; checked: boolean; choose: () => void }[],
): HTMLElement {
	const box = el('div', { class: 'toggle', role: 'radiogroup', 'aria-label': label });
	box.append(el('span', { class: 'muted' }, prompt));
	for (const o of options) {
		const input = el('input', { type: 'radio', name, id: o.id });
		input.checked = o.checked;
		input.addEventListener('change', o.choose);
		box.append(el('label', { for: o.id }, input, ` ${o.label}`));
	}
	return box;
}

export const shape = (s: Shape | null) =>
	s ? `(${s.map((d) => (d === null ? 'None' : d)).join(', ')}${s.length === 1 ? ',' : ''})` : '?';
// One formatter for every count: `toLocaleString` builds a new one per call, the table's main cost
// on a first draw (38 ms of 177 rows' 62 ms, measured in Chromium).
const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
export const count = (n: number | null | undefined) =>
	n === null || n === undefined ? '?' : grouped.format(n);
/** d decimals; a value that rounds to zero shows no sign ("-0.0000" reads as a real negative). */
export const fixed = (x: number, d = 3) =>
	Number.isFinite(x) ? x.toFixed(d).replace(/^-(0\.?0*)$/, '$1') : String(x);

export function themeColor(name: string, fallback: string): string {
	return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export const beforeColor = () => themeColor('--vscode-charts-orange', '#d18616');
export const afterColor = () => themeColor('--vscode-charts-blue', '#3794ff');

/** "mean 0 within 3.1e-8, std 1 within 4.9e-6": what the run's form guarantees of y, as measured. */
export function guaranteesText(r: PanelRunResult, digits: number): string {
	return r.guarantees
		.map((g) => `${g.property} within ${g.worst.toExponential(digits)}`)
		.join(', ');
}
