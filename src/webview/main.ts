// The panel's entry point: each message from the extension goes through state.ts, then to the views.
import type { FromPanel, ToPanel } from '../protocol/webviewProtocol';
import { isToPanel } from '../protocol/webviewProtocol';
import { destroyCharts } from './charts';
import { compareSection } from './compareView';
import { el } from './dom';
import { preloadAll, settled } from './lazy';
import { detail } from './layerView';
import type { PanelContext } from './panelContext';
import { runSection, simulationSection } from './resultsView';
import { runControls, showProgress } from './runControls';
import {
	applyMessage,
	explanationOf,
	initialView,
	PanelState,
	restoredView,
	savedState,
} from './state';
import { refocusLayerRow, summaryTable } from './summaryView';

/**
 * The inspection panel. It renders what the extension posts and never computes models. Under the
 * extension's own tests (the extension marks the body `data-report-renders`), every render reports
 * its visible text back (`rendered`), which they read. Everything it shows is kept in the webview
 * state, so that a reloaded window restores the panel as it was.
 */

declare let __webpack_nonce__: string;

// The chunks lazy.ts loads are script elements webpack adds: they carry this script's nonce, the
// only scripts the panel's CSP allows. (webpack compiles this assignment of its free variable into
// its chunk loader's nonce, which the linter cannot see.)
// eslint-disable-next-line prefer-const, @typescript-eslint/no-unused-vars
__webpack_nonce__ = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';

const vscode = acquireVsCodeApi<PanelState>();
const app = document.getElementById('app') as HTMLElement;

const panel: PanelContext = {
	// What the panel shows: every message from the extension goes through the pure applyMessage
	// (state.ts), whose result replaces it; the controls' own events change it in place.
	ui: initialView(),
	post,
	save,
	render,
	report,
};

function post(m: FromPanel): void {
	vscode.postMessage(m);
}

let saveQueued = false;

/**
 * Saves the view for a window reload once the panel is idle: VS Code's `setState` serialises the
 * whole state as JSON (a 4,000-layer model is 4.6 MB, about 200 ms), which must not stand between
 * a message and its drawing. Changes made meanwhile are saved together.
 */
function save(): void {
	if (saveQueued) {
		return;
	}
	saveQueued = true;
	requestIdleCallback(
		() => {
			saveQueued = false;
			vscode.setState(savedState(panel.ui));
		},
		{ timeout: 1000 },
	);
}

function render(): void {
	if (!panel.ui.current) {
		return;
	}
	// Keep keyboard focus on the control that had it (every render rebuilds the DOM): by its id, or
	// for a row of the layer table (rows have no ids) by its index.
	const focusedId =
		document.activeElement instanceof HTMLElement ? document.activeElement.id : '';
	const focusedRow =
		document.activeElement instanceof HTMLTableRowElement &&
		document.activeElement.closest('table.summary')
			? document.activeElement.getAttribute('data-index')
			: null;
	destroyCharts();
	const m = panel.ui.current.model;
	app.replaceChildren();
	app.append(
		el(
			'h1',
			{},
			`${m.name} `,
			el(
				'span',
				{ class: 'muted' },
				`${m.framework} · ${m.kind} · ${panel.ui.current.fileName}`,
			),
		),
	);
	app.append(summaryTable(panel));
	const layer = m.layers.find((l) => l.name === panel.ui.selected);
	if (layer) {
		app.append(detail(panel, layer, explanationOf(panel.ui.current, layer.name)));
	}
	app.append(el('div', { id: 'results' }, ...resultSections()));
	if (focusedId) {
		document.getElementById(focusedId)?.focus();
	} else if (focusedRow !== null) {
		refocusLayerRow(Number(focusedRow));
	}
}

/** The selected layer's latest result: its simulation, comparison or run, whichever came last. */
function resultSections(): HTMLElement[] {
	if (
		panel.ui.latest === 'simulate' &&
		panel.ui.simulation &&
		panel.ui.simulation.layerName === panel.ui.selected
	) {
		return [simulationSection(panel.ui.simulation)];
	}
	if (panel.ui.compare && panel.ui.compare.layerName === panel.ui.selected) {
		return [compareSection(panel.ui, panel.ui.compare)];
	}
	if (panel.ui.lastRun && panel.ui.lastRun.layerName === panel.ui.selected) {
		return [runSection(panel.ui, panel.ui.lastRun)];
	}
	return [];
}

/** After a run's message: the run controls and results alone where they can be, else the whole panel. */
function renderRunArea(): void {
	if (!renderResults()) {
		render();
	}
}

/**
 * Re-renders only the run controls and the results (a run started, progressed or finished) when the
 * panel already shows the selected layer: the summary table, the tensor drawing and the typeset
 * formula stay as they are, so a result is drawn in a fraction of a full render. False when a full
 * render is needed (another layer is selected).
 */
function renderResults(): boolean {
	const area = document.getElementById('run-area');
	const results = document.getElementById('results');
	const layer = panel.ui.current?.model.layers.find((l) => l.name === panel.ui.selected);
	const e = layer ? explanationOf(panel.ui.current, layer.name) : undefined;
	if (!area || !results || !layer || !e || area.dataset.layer !== layer.name) {
		return false;
	}
	const focusedId =
		document.activeElement instanceof HTMLElement ? document.activeElement.id : '';
	destroyCharts();
	area.replaceChildren(runControls(panel, layer, e));
	results.replaceChildren(...resultSections());
	if (focusedId) {
		document.getElementById(focusedId)?.focus();
	}
	return true;
}

/** Whether this panel reports its renders: only under the extension's own integration tests. */
const reportsRenders = document.body.hasAttribute('data-report-renders');

/** Reports the render once the chunks it asked for (lazy.ts) are in: its formulas and charts drawn. */
function report(kind: ToPanel['type'], seq?: number): void {
	if (!reportsRenders) {
		return;
	}
	void Promise.race([settled(), new Promise((r) => setTimeout(r, 5000))]).then(() =>
		post({
			type: 'rendered',
			kind,
			...(seq === undefined ? {} : { seq }),
			text: app.innerText,
			formulas: app.querySelectorAll('.katex').length,
			charts: app.querySelectorAll('canvas').length,
		}),
	);
}

window.addEventListener('message', (ev: MessageEvent<unknown>) => {
	const m = ev.data;
	if (!isToPanel(m)) {
		return;
	}
	const { view, redraw } = applyMessage(panel.ui, m);
	panel.ui = view;
	switch (redraw) {
		case 'all':
			render();
			break;
		case 'runArea':
			renderRunArea();
			break;
		case 'progress': {
			// Updated in place: a re-render every 100 ms would move the keyboard focus.
			const bar = document.getElementById('run-progress');
			if (bar instanceof HTMLProgressElement) {
				showProgress(panel, bar);
			}
			break;
		}
		case 'empty':
			app.replaceChildren(el('p', { class: 'muted' }, m.type === 'empty' ? m.message : ''));
			break;
		case 'none':
			break;
	}
	save();
	const seq = (ev.data as { seq?: unknown }).seq;
	report(m.type, typeof seq === 'number' ? seq : undefined);
	if (panel.ui.current) {
		// The libraries of the other views, once this drawing is on screen (lazy.ts).
		requestIdleCallback(preloadAll, { timeout: 2000 });
	}
});

const restored = restoredView(vscode.getState(), panel.ui);
if (restored) {
	panel.ui = restored;
	render();
}
post({ type: 'ready' });
