// The summary as torchinfo's module tree (a PyTorch forward's calls): rows that fold, a depth
// control, one tab stop with the arrow keys inside (a roving tabindex, the ARIA treegrid pattern).
import type { ModuleCall } from '../protocol/analysis';
import { callCause, maxCallDepth, TreeRow, treeRows, visibleRows } from './callTree';
import { count, el, radioGroup, shape } from './dom';
import type { PanelContext } from './panelContext';
import { RowWindow, rowWindow } from './rowWindow';
import type { ModelMessage } from './state';

/** Which view of a model's summary: its layers, the module tree of its forward (PyTorch), or its graph. */
export function summaryModeToggle(panel: PanelContext, withTree: boolean): HTMLElement {
	const modes = [
		['layers', 'Layers', false, false],
		...(withTree ? [['tree', 'Module tree (as torchinfo)', true, false] as const] : []),
		['graph', 'Graph', false, true],
	] as const;
	const shown = panel.ui.graph ? 'graph' : withTree && panel.ui.tree ? 'tree' : 'layers';
	return radioGroup(
		'summary-view',
		'Show the model as',
		'Show: ',
		modes.map(([id, label, tree, graph]) => ({
			id: `view-${id}`,
			label,
			checked: id === shown,
			choose: () => {
				panel.ui.tree = tree;
				panel.ui.graph = graph;
				panel.save();
				panel.render();
				panel.report('model');
			},
		})),
	);
}

function depthControl(panel: PanelContext, calls: readonly ModuleCall[]): HTMLElement {
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

export function treeTable(panel: PanelContext): HTMLElement {
	const message = panel.ui.current as ModelMessage;
	const calls = message.model.calls ?? [];
	const rows = treeRows(calls);
	const folded = new Set(panel.ui.folded);
	const shown = visibleRows(rows, folded, panel.ui.treeDepth);
	const layers = new Set(message.model.layers.map((l) => l.name));
	const table = el('table', {
		class: 'summary tree',
		role: 'treegrid',
		'aria-label': `Module tree of ${message.model.name}`,
	});
	table.append(
		el(
			'thead',
			{},
			el(
				'tr',
				{},
				el('th', { scope: 'col' }, 'Module (type)'),
				el('th', { scope: 'col' }, 'Kernel Shape'),
				el('th', { scope: 'col' }, 'Input Shape'),
				el('th', { scope: 'col' }, 'Output Shape'),
				el('th', { scope: 'col', class: 'num' }, 'Param #'),
				el('th', { scope: 'col', class: 'num' }, 'Param %'),
				el('th', { scope: 'col', class: 'num' }, 'Mult-Adds'),
				el('th', { scope: 'col' }, 'Trainable'),
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
	const setFold = (row: TreeRow, fold: boolean) => {
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
		const isLayer = layers.has(c.name);
		// A `?` says why in its tooltip, as the layer table's do.
		const cause = callCause(c, message.causes ?? []);
		const why: Record<string, string> = cause
			? { title: `Unknown: ${cause.reason} (${cause.where})` }
			: {};
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
		// torchinfo's columns, formatted in core: a folded row shows what torchinfo prints at its depth limit.
		const cost = message.costs?.calls[row.index];
		const limit = expanded === true ? 0 : 1;
		const costWhy: Record<string, string> = cost?.why ? { title: `Unknown: ${cost.why}` } : {};
		const costCell = (text: string | undefined, cls: string) =>
			el(
				'td',
				{ class: cls, role: 'gridcell', ...(text === '?' ? costWhy : {}) },
				text ?? '',
			);
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
		el(
			'p',
			{ class: 'muted note' },
			'One row per module call of the forward, as torchinfo lists them: a module with its submodules counts all their parameters; a module that ran before in the same forward is "(recursive)". Param % and Mult-Adds follow torchinfo 1.8.0: an open module shows its own share, a folded one its whole. Arrow keys move and fold; Enter selects a layer.',
		),
	);
}

/** torchinfo's footer under the totals: mult-adds and the size estimates; a `?` says why in its tooltip. */
export function treeFooter(panel: PanelContext): HTMLElement | undefined {
	const lines = (panel.ui.current as ModelMessage).costs?.footer;
	if (!lines) {
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
