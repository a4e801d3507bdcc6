// The model's summary table: the counting toggle, one row per layer, the totals and why a value is `?`.
import type { ParamCounts } from '../protocol/analysis';
import type { PanelUnknownCause } from '../protocol/webviewProtocol';
import { count, el, radioGroup, shape } from './dom';
import type { PanelContext } from './panelContext';
import { printedSection } from './printedView';
import { RowWindow, rowWindow } from './rowWindow';
import type { ModelMessage } from './state';
import { graphView, hasGraph } from './graphView';
import { summaryModeToggle, treeFooter, treeTable } from './treeView';

function countingToggle(panel: PanelContext): HTMLElement {
	return radioGroup(
		'counting',
		'Count parameters as',
		'Count as: ',
		(
			[
				['keras', 'Keras'],
				['torch', 'PyTorch'],
			] as const
		).map(([value, label]) => ({
			id: `count-${value}`,
			label,
			checked: panel.ui.convention === value,
			choose: () => {
				panel.ui.convention = value;
				panel.save();
				panel.render();
				panel.report('model');
			},
		})),
	);
}

/** The layer table's rows (drawn a window at a time when long), and the row the keyboard was on. */
let layerWindow: RowWindow | undefined;
let keyboardLayer: number | undefined;

/**
 * After a render rebuilt the layer table: the keyboard back on the row it was on (by index), so that
 * a redraw while the user moves through the rows (a late message, a saved state) does not drop it.
 */
export function refocusLayerRow(index: number): void {
	// The row the user last put the keyboard on wins over the one focused when the render began: a
	// key pressed while a windowed table was being redrawn has moved it since.
	void layerWindow?.focus(keyboardLayer ?? index);
}

export function summaryTable(panel: PanelContext): HTMLElement {
	const m = (panel.ui.current as ModelMessage).model;
	const view = (panel.ui.current as ModelMessage).counting[panel.ui.convention];
	const table = el('table', { class: 'summary', 'aria-label': `Summary of ${m.name}` });
	const torchStyle = panel.ui.convention === 'torch';
	table.append(
		el(
			'thead',
			{},
			el(
				'tr',
				{},
				el('th', { scope: 'col' }, 'Layer (type)'),
				el('th', { scope: 'col' }, 'Output Shape'),
				el('th', { scope: 'col', class: 'num' }, 'Param #'),
				el('th', { scope: 'col', class: 'num' }, 'Param %'),
				...(torchStyle ? [el('th', { scope: 'col', class: 'num' }, 'Buffers')] : []),
				// A PyTorch row's name is its module path already: only Keras rows have a graph to show.
				...(m.framework === 'torch' ? [] : [el('th', { scope: 'col' }, 'Connected to')]),
			),
		),
	);
	const body = el('tbody');
	const causes = (panel.ui.current as ModelMessage).causes ?? [];
	// One tab stop (a roving tabindex): the row the keyboard was on, else the selected layer's, else the first.
	const selectedAt = m.layers.findIndex((l) => l.name === panel.ui.selected);
	let tabAt =
		keyboardLayer !== undefined && keyboardLayer < m.layers.length
			? keyboardLayer
			: Math.max(0, selectedAt);
	const go = (j: number) => {
		// Rows drawn later (a windowed table) take the tab stop from `tabAt`.
		tabAt = keyboardLayer = Math.max(0, Math.min(m.layers.length - 1, j));
		return layerWindow?.focus(tabAt);
	};
	const makeRow = (i: number) => {
		const l = m.layers[i];
		const c: ParamCounts | null = view.layers[l.name] ?? null;
		// A `?` cell says why in its tooltip; the list under the totals links to the cause.
		const cause = causes.find((x) => x.layerName === l.name);
		const why: Record<string, string> = cause
			? { title: `Unknown: ${cause.reason} (${cause.where})` }
			: {};
		const row = el(
			'tr',
			{
				tabindex: i === tabAt ? '0' : '-1',
				'data-layer': l.name,
				'aria-rowindex': String(i + 2),
				class: l.name === panel.ui.selected ? 'selected' : '',
				'aria-selected': String(l.name === panel.ui.selected),
			},
			el('td', {}, `${l.name} `, el('span', { class: 'type' }, `(${l.type})`)),
			el('td', { class: 'mono', ...(l.outputShape ? {} : why) }, shape(l.outputShape)),
			el('td', { class: 'num mono', ...(c ? {} : why) }, count(c?.total)),
			el(
				'td',
				{ class: 'num mono', ...(view.percents?.[l.name] === '?' ? why : {}) },
				view.percents?.[l.name] ?? '',
			),
			...(torchStyle
				? [el('td', { class: 'num mono', ...(c ? {} : why) }, count(c?.buffers))]
				: []),
			...(m.framework === 'torch'
				? []
				: [el('td', { class: 'muted' }, l.inbound.join(', '))]),
		);
		const choose = () => {
			panel.ui.selected = l.name;
			panel.ui.runError = null;
			keyboardLayer = i;
			panel.save();
			panel.render();
			panel.report('select');
			void layerWindow?.show(i).then((r) => r?.focus());
			panel.post({ type: 'revealLayer', layerName: l.name });
		};
		row.addEventListener('click', choose);
		row.addEventListener('keydown', (ev) => {
			const moves: Record<string, number> = {
				ArrowDown: i + 1,
				ArrowUp: i - 1,
				PageDown: i + 20,
				PageUp: i - 20,
				Home: 0,
				End: m.layers.length - 1,
			};
			if (ev.key === 'Enter' || ev.key === ' ') {
				ev.preventDefault();
				choose();
			} else if (ev.key in moves) {
				ev.preventDefault();
				void go(moves[ev.key]);
			}
		});
		return row;
	};
	table.append(body);
	const box = el('div', { class: 'table-box' }, table);
	table.setAttribute('aria-rowcount', String(m.layers.length + 1));
	// A PyTorch model whose forward NormLens followed can also be shown as its module tree, a Keras
	// model with a model among its layers with its nested models expanded; any model as its graph.
	const tree =
		m.framework === 'torch'
			? (m.calls?.length ?? 0) > 0
				? 'Module tree (as torchinfo)'
				: undefined
			: m.nestedRows
				? 'Nested models expanded'
				: undefined;
	const hasTree = tree !== undefined;
	const graph = hasGraph(m);
	// The view chosen, where this model has it; else its layers.
	const shown =
		panel.ui.summaryView === 'graph' && graph
			? 'graph'
			: panel.ui.summaryView === 'tree' && hasTree
				? 'tree'
				: 'layers';
	const flat = shown === 'layers';
	// The tree and the graph have their own keyboard handling: only the flat table's rows refocus.
	layerWindow = undefined;
	if (flat) {
		layerWindow = rowWindow(
			`layers:${m.name}:${panel.ui.convention}`,
			box,
			body,
			m.layers.length,
			makeRow,
		);
	}
	const t = view.totals;
	const totalsCause =
		t.total === null
			? (causes.find((x) => x.layerName === null) ??
				causes.find((x) => x.layerName !== null && !view.layers[x.layerName]))
			: undefined;
	const totalsWhy: Record<string, string> = totalsCause
		? { title: `Unknown: ${totalsCause.reason} (${totalsCause.where})` }
		: {};
	const shownBytes = panel.ui.convention === 'keras' ? view.bytes : undefined;
	const bytes = (k: 'total' | 'trainable' | 'nonTrainable') =>
		shownBytes ? ` (${shownBytes[k]})` : '';
	const bytesWhy: Record<string, string> =
		shownBytes && view.bytesUnknown ? { title: `Unknown bytes: ${view.bytesUnknown}` } : {};
	const foot = el(
		'div',
		{ class: 'totals', ...totalsWhy },
		// Keras 3 prints each total's bytes beside it: "Total params: 23,587,712 (89.98 MB)".
		el('div', bytesWhy, `Total params: ${count(t.total)}${bytes('total')}`),
		el('div', bytesWhy, `Trainable params: ${count(t.trainable)}${bytes('trainable')}`),
		el(
			'div',
			bytesWhy,
			`Non-trainable params: ${count(t.nonTrainable)}${bytes('nonTrainable')}`,
		),
		...(torchStyle ? [el('div', {}, `Buffers: ${count(t.buffers)}`)] : []),
		el('p', { class: 'muted note' }, view.note),
	);
	const printed = (panel.ui.current as ModelMessage).printed ?? [];
	// Under the totals in the module tree: torchinfo's mult-adds and size estimates.
	const estimates = shown === 'tree' ? treeFooter(panel) : undefined;
	return el(
		'section',
		{},
		countingToggle(panel),
		...(hasTree || graph ? [summaryModeToggle(panel, tree)] : []),
		shown === 'graph' ? graphView(panel) : shown === 'tree' ? treeTable(panel) : box,
		foot,
		...(estimates ? [estimates] : []),
		...(causes.length > 0 ? [causeList(panel, causes)] : []),
		...(printed.length > 0 ? [printedSection(panel, printed)] : []),
	);
}

/** A reason with the source it quotes in backticks set as code (text nodes only: nothing is parsed as HTML). */
function reasonNodes(reason: string): (Node | string)[] {
	return reason.split(/`([^`]+)`/).map((part, i) => (i % 2 === 1 ? el('code', {}, part) : part));
}

/**
 * Why each `?` is there, as the CLI lists it under its table: one item per distinct cause, naming
 * what it leaves unknown; its location is a button that selects the cause in the editor.
 */
function causeList(panel: PanelContext, causes: PanelUnknownCause[]): HTMLElement {
	const groups = new Map<string, { first: PanelUnknownCause; names: string[] }>();
	for (const c of causes) {
		const key = `${c.reason}\u0000${c.where}`;
		const g = groups.get(key) ?? { first: c, names: [] };
		g.names.push(c.layerName === null ? 'totals' : `${c.layerName} ${c.what}`);
		groups.set(key, g);
	}
	const list = el('ul', {});
	let i = 0;
	for (const { first, names } of groups.values()) {
		const shown =
			names.length > 3
				? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`
				: names.join(', ');
		const button = el(
			'button',
			{
				type: 'button',
				class: 'link',
				id: `cause-${i++}`,
				'aria-label': `Show ${first.where} in the editor: ${first.reason}`,
			},
			first.where,
		);
		button.addEventListener('click', () =>
			panel.post({ type: 'revealCause', layerName: first.layerName }),
		);
		list.append(
			el('li', {}, `${shown} unknown: `, ...reasonNodes(first.reason), ' — ', button),
		);
	}
	return el(
		'section',
		{ class: 'causes', 'aria-label': 'Why some values are unknown' },
		el(
			'p',
			{ class: 'muted' },
			'Why “?”: NormLens shows an exact value or none, never a guess.',
		),
		list,
	);
}
