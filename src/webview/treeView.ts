// The summary as a tree: torchinfo's module tree (a PyTorch forward's calls) or a Keras model with its
// nested models expanded; rows that fold, a depth control, one tab stop with the arrow keys inside (a
// roving tabindex, the ARIA treegrid pattern).
import type { KerasNestedRow, ModuleCall } from '../protocol/analysis';
import { callCause, maxCallDepth, TreeItem, TreeRow, treeRows, visibleRows } from './callTree';
import { count, el, radioGroup, shape } from './dom';
import type { PanelContext } from './panelContext';
import { RowWindow, rowWindow } from './rowWindow';
import type { ModelMessage, SummaryViewChoice } from './state';

/**
 * Which view of a model's summary: its layers, a tree (the module tree of a PyTorch forward, a Keras
 * model with its nested models expanded; `tree` names it), or its graph.
 */
export function summaryModeToggle(panel: PanelContext, tree: string | undefined): HTMLElement {
	const modes: [SummaryViewChoice, string][] = [
		['layers', 'Layers'],
		...(tree ? [['tree', tree] as [SummaryViewChoice, string]] : []),
		['graph', 'Graph'],
	];
	const shown = panel.ui.summaryView === 'tree' && !tree ? 'layers' : panel.ui.summaryView;
	return radioGroup(
		'summary-view',
		'Show the model as',
		'Show: ',
		modes.map(([id, label]) => ({
			id: `view-${id}`,
			label,
			checked: id === shown,
			choose: () => {
				panel.ui.summaryView = id;
				panel.save();
				panel.render();
				panel.report('model');
			},
		})),
	);
}

function depthControl(panel: PanelContext, calls: readonly TreeItem[]): HTMLElement {
	const select = el('select', { id: 'tree-depth' });
	const deepest = maxCallDepth(calls);
	select.append(el('option', { value: '' }, 'every depth'));
	for (let d = 1; d <= deepest; d++) {
		select.append(el('option', { value: String(d) }, `depth ${d}`));
	}
	select.value = panel.ui.treeDepth === null ? '' : String(panel.ui.treeDepth);
	select.addEventListener('change', () => {
		panel.ui.treeDepth = select.value === '' ? null : Number(select.value);
		panel.save();
		panel.render();
		panel.report('model');
	});
	return el('label', { class: 'muted depth' }, 'Show ', select);
}

/** The call whose row last had the keyboard: it keeps the tab stop across redraws. */
let keyboardRow: number | undefined;

/** The tree's rows on screen (drawn a window at a time when long), by their position in `shown`. */
let treeWindow: { rows: RowWindow; positions: Map<number, number> } | undefined;

/** Focuses the row of call `index` after a redraw (the keyboard stays where it was). */
function focusRow(index: number): void {
	keyboardRow = index;
	const at = treeWindow?.positions.get(index);
	if (treeWindow && at !== undefined) {
		void treeWindow.rows.show(at).then((r) => r?.focus());
	}
}

/** What a kind of tree shows: its rows, its columns after the name, which rows are layers of the layer table. */
interface TreeSpec<C extends TreeItem> {
	items: readonly C[];
	label: string;
	nameHeader: string;
	headers: { text: string; num?: boolean }[];
	/** The cells after the name of row `index` (open, folded, or a leaf). */
	cells: (index: number, item: C, expanded: boolean | undefined) => HTMLElement[];
	isLayer: (item: C) => boolean;
	note: string;
}

/** The tree of the model in the panel: a PyTorch forward's calls, or a Keras model's nested rows. */
export function treeTable(panel: PanelContext): HTMLElement {
	const message = panel.ui.current as ModelMessage;
	return message.model.framework === 'keras'
		? treeGrid(panel, kerasSpec(message))
		: treeGrid(panel, torchSpec(message));
}

/** torchinfo's columns (formatted in core): a folded row shows what torchinfo prints at its depth limit. */
function torchSpec(message: ModelMessage): TreeSpec<ModuleCall> {
	const layers = new Set(message.model.layers.map((l) => l.name));
	return {
		items: message.model.calls ?? [],
		label: `Module tree of ${message.model.name}`,
		nameHeader: 'Module (type)',
		headers: [
			{ text: 'Kernel Shape' },
			{ text: 'Input Shape' },
			{ text: 'Output Shape' },
			{ text: 'Param #', num: true },
			{ text: 'Param %', num: true },
			{ text: 'Mult-Adds', num: true },
			{ text: 'Trainable' },
		],
		cells: (index, c, expanded) => {
			// A `?` says why in its tooltip, as the layer table's do.
			const cause = callCause(c, message.causes ?? []);
			const why: Record<string, string> = cause
				? { title: `Unknown: ${cause.reason} (${cause.where})` }
				: {};
			const cost = message.costs?.calls[index];
			const limit = expanded === true ? 0 : 1;
			const costWhy: Record<string, string> = cost?.why
				? { title: `Unknown: ${cost.why}` }
				: {};
			const costCell = (text: string | undefined, cls: string) =>
				el(
					'td',
					{ class: cls, role: 'gridcell', ...(text === '?' ? costWhy : {}) },
					text ?? '',
				);
			return [
				costCell(cost?.kernel, 'mono'),
				el(
					'td',
					{ class: 'mono', role: 'gridcell', ...(c.inputShape ? {} : why) },
					shape(c.inputShape),
				),
				el(
					'td',
					{ class: 'mono', role: 'gridcell', ...(c.outputShape ? {} : why) },
					shape(c.outputShape),
				),
				el(
					'td',
					{ class: 'num mono', role: 'gridcell', ...(c.params === null ? why : {}) },
					c.repeat ? '(recursive)' : count(c.params),
				),
				costCell(cost?.percent[limit], 'num mono'),
				costCell(cost?.macs[limit], 'num mono'),
				costCell(cost?.trainable, ''),
			];
		},
		isLayer: (c) => layers.has(c.name),
		note: 'One row per module call of the forward, as torchinfo lists them: a module with its submodules counts all their parameters; a module that ran before in the same forward is "(recursive)". Param % and Mult-Adds follow torchinfo 1.8.0: an open module shows its own share, a folded one its whole. Arrow keys move and fold; Enter selects a layer.',
	};
}

/**
 * Keras's own columns of `model.summary(expand_nested=True, show_trainable=True)`: the output shape,
 * `count_params()` (a nested model's sums its layers'), Trainable (Y, N, `-` without weights).
 */
function kerasSpec(message: ModelMessage): TreeSpec<KerasNestedRow> {
	const layers = new Set(message.model.layers.map((l) => l.name));
	return {
		items: message.model.nestedRows ?? [],
		label: `Layers of ${message.model.name} with nested models expanded`,
		nameHeader: 'Layer (type)',
		headers: [{ text: 'Output Shape' }, { text: 'Param #', num: true }, { text: 'Trainable' }],
		cells: (index, r) => {
			const reason = message.costs?.nestedWhy?.[index];
			const why: Record<string, string> = reason ? { title: `Unknown: ${reason}` } : {};
			return [
				el(
					'td',
					{ class: 'mono', role: 'gridcell', ...(r.outputShape ? {} : why) },
					shape(r.outputShape),
				),
				el(
					'td',
					{ class: 'num mono', role: 'gridcell', ...(r.params === null ? why : {}) },
					count(r.params),
				),
				el(
					'td',
					{ role: 'gridcell', ...(r.params === null ? why : {}) },
					r.params === null ? '?' : r.params === 0 ? '-' : r.trainable ? 'Y' : 'N',
				),
			];
		},
		isLayer: (r) => r.depth === 1 && layers.has(r.name),
		note: "The model's layers as Keras's model.summary(expand_nested=True) lists them: a model used as a layer counts all its layers' parameters (each weight once; a model used twice is listed once) and folds open to show them. Trainable is Keras's show_trainable column: Y, N, or - for a layer without weights. Arrow keys move and fold; Enter selects a layer.",
	};
}

function treeGrid<C extends TreeItem>(panel: PanelContext, spec: TreeSpec<C>): HTMLElement {
	const message = panel.ui.current as ModelMessage;
	const calls = spec.items;
	const rows = treeRows(calls);
	const folded = new Set(panel.ui.folded);
	const shown = visibleRows(rows, folded, panel.ui.treeDepth);
	const table = el('table', {
		class: 'summary tree',
		role: 'treegrid',
		'aria-label': spec.label,
	});
	table.append(
		el(
			'thead',
			{},
			el(
				'tr',
				{},
				el('th', { scope: 'col' }, spec.nameHeader),
				...spec.headers.map((h) =>
					el('th', { scope: 'col', ...(h.num ? { class: 'num' } : {}) }, h.text),
				),
			),
		),
	);
	const body = el('tbody');
	// The one row in the tab order: the row the keyboard was on, else the selected layer's first
	// call, else the first row.
	let tabRow =
		shown.find((s) => s.row.index === keyboardRow)?.row.index ??
		shown.find((s) => s.row.call.name === panel.ui.selected)?.row.index ??
		shown[0]?.row.index;
	const setFold = (row: TreeRow<C>, fold: boolean) => {
		const keys = new Set(panel.ui.folded);
		if (fold) {
			keys.add(row.key);
		} else {
			keys.delete(row.key);
			// Opening a row past the depth limit shows its children: the limit moves down to them.
			if (panel.ui.treeDepth !== null && row.call.depth >= panel.ui.treeDepth) {
				panel.ui.treeDepth = row.call.depth + 1;
			}
		}
		panel.ui.folded = [...keys];
		panel.save();
		panel.render();
		panel.report('model');
		focusRow(row.index);
	};
	const makeRow = (i: number): HTMLTableRowElement => {
		const { row, expanded } = shown[i];
		const c = row.call;
		const isLayer = spec.isLayer(c);
		const caret = el(
			'span',
			{ class: 'caret', 'aria-hidden': 'true' },
			expanded === undefined ? '' : expanded ? '▾' : '▸',
		);
		const nameCell = el(
			'td',
			{ role: 'gridcell' },
			caret,
			`${c.depth === 0 ? message.model.name : c.name} `,
			el('span', { class: 'type' }, `(${c.type})`),
		);
		nameCell.style.paddingInlineStart = `${0.3 + 1.2 * c.depth}em`;
		const tr = el(
			'tr',
			{
				role: 'row',
				'data-call': String(row.index),
				'data-module': c.name,
				'aria-rowindex': String(i + 2),
				'aria-level': String(c.depth + 1),
				tabindex: row.index === tabRow ? '0' : '-1',
				class: isLayer && c.name === panel.ui.selected ? 'selected' : '',
				...(expanded === undefined ? {} : { 'aria-expanded': String(expanded) }),
			},
			nameCell,
			...spec.cells(row.index, c, expanded),
		);
		const choose = () => {
			if (isLayer) {
				panel.ui.selected = c.name;
				panel.ui.runError = null;
				panel.save();
				panel.render();
				panel.report('select');
				focusRow(row.index);
				panel.post({ type: 'revealLayer', layerName: c.name });
			} else if (expanded !== undefined) {
				setFold(row, expanded);
			}
		};
		caret.addEventListener('click', (ev) => {
			ev.stopPropagation();
			if (expanded !== undefined) {
				setFold(row, expanded);
			}
		});
		tr.addEventListener('click', choose);
		tr.addEventListener('keydown', (ev) => {
			const go = (j: number) => {
				const to = Math.max(0, Math.min(shown.length - 1, j));
				// Rows drawn later (a windowed tree) take the tab stop from `tabRow`.
				keyboardRow = tabRow = shown[to].row.index;
				return treeWindow?.rows.focus(to);
			};
			switch (ev.key) {
				case 'ArrowDown':
					void go(i + 1);
					break;
				case 'ArrowUp':
					void go(i - 1);
					break;
				case 'Home':
					void go(0);
					break;
				case 'End':
					void go(shown.length - 1);
					break;
				case 'ArrowRight':
					if (expanded === false) {
						setFold(row, false);
					} else if (expanded === true) {
						void go(i + 1);
					}
					break;
				case 'ArrowLeft':
					if (expanded === true) {
						setFold(row, true);
					} else if (row.parent !== null) {
						void go(shown.findIndex((s) => s.row.index === row.parent));
					}
					break;
				case 'Enter':
				case ' ':
					choose();
					break;
				default:
					return;
			}
			ev.preventDefault();
		});
		return tr;
	};
	table.append(body);
	table.setAttribute('aria-rowcount', String(shown.length + 1));
	const box = el('div', { class: 'table-box' }, table);
	treeWindow = {
		rows: rowWindow(`tree:${message.model.name}`, box, body, shown.length, makeRow),
		positions: new Map(shown.map((s, i) => [s.row.index, i])),
	};
	return el(
		'div',
		{},
		depthControl(panel, calls),
		box,
		el('p', { class: 'muted note' }, spec.note),
	);
}

/** torchinfo's footer under the totals: mult-adds and the size estimates; a `?` says why in its tooltip. */
export function treeFooter(panel: PanelContext): HTMLElement | undefined {
	const lines = (panel.ui.current as ModelMessage).costs?.footer;
	if (!lines || lines.length === 0) {
		return undefined;
	}
	// The parameter counts are the totals' already; the rest is torchinfo's own.
	return el(
		'div',
		{ class: 'totals estimates', 'aria-label': 'torchinfo estimates' },
		...lines
			.slice(3)
			.map((l) =>
				el('div', l.why ? { title: `Unknown: ${l.why}` } : {}, `${l.label}: ${l.value}`),
			),
	);
}
