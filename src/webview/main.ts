import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import katex from 'katex';
import type { LayerExplanation, LayerSummary, ModelSummary, Shape } from '../protocol/analysis';
import type { FromPanel, PanelHistogram, PanelRunResult, ToPanel } from '../protocol/webviewProtocol';
import { isToPanel } from '../protocol/webviewProtocol';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

/** Charts drawn in the current render, destroyed before the next one. */
let charts: Chart[] = [];

function themeColor(name: string, fallback: string): string {
	return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function chartDefaults() {
	const fg = themeColor('--vscode-foreground', '#888');
	const grid = themeColor('--vscode-panel-border', 'rgba(128,128,128,0.3)');
	return {
		animation: false as const,
		responsive: true,
		maintainAspectRatio: false,
		plugins: { legend: { labels: { color: fg } }, tooltip: { enabled: true } },
		scales: { x: { ticks: { color: fg, maxTicksLimit: 8 }, grid: { color: grid } }, y: { ticks: { color: fg }, grid: { color: grid } } },
	};
}

function histogramChart(title: string, h: PanelHistogram, color: string): HTMLElement {
	const box = el('figure', { class: 'chart' }, el('figcaption', {}, title));
	const canvas = el('canvas', { role: 'img', 'aria-label': `${title}: ${h.counts.length} bins from ${fixed(h.lo)} to ${fixed(h.hi)}` });
	box.append(el('div', { class: 'canvas-box' }, canvas));
	const w = (h.hi - h.lo) / h.counts.length;
	charts.push(
		new Chart(canvas, {
			type: 'bar',
			data: { labels: h.counts.map((_, i) => fixed(h.lo + (i + 0.5) * w, 2)), datasets: [{ label: 'values', data: h.counts, backgroundColor: color, barPercentage: 1, categoryPercentage: 1 }] },
			options: { ...chartDefaults(), plugins: { ...chartDefaults().plugins, legend: { display: false } } },
		}),
	);
	return box;
}

function channelChart(r: PanelRunResult): HTMLElement {
	const box = el('figure', { class: 'chart wide' }, el('figcaption', {}, 'Per-feature mean and standard deviation, before and after'));
	const canvas = el('canvas', { role: 'img', 'aria-label': 'Per-feature mean and standard deviation before and after; the numbers are in the table below' });
	box.append(el('div', { class: 'canvas-box' }, canvas));
	const labels = r.before.mean.map((_, i) => String(i));
	const line = (label: string, data: number[], color: string, dash: number[] = []) => ({ type: 'line' as const, label, data, borderColor: color, backgroundColor: color, borderDash: dash, pointRadius: 1.5, borderWidth: 1.5 });
	charts.push(
		new Chart(canvas, {
			type: 'line',
			data: {
				labels,
				datasets: [
					line('mean before', r.before.mean, themeColor('--vscode-charts-orange', '#d18616')),
					line('std before', r.before.std, themeColor('--vscode-charts-orange', '#d18616'), [4, 3]),
					line('mean after', r.after.mean, themeColor('--vscode-charts-blue', '#3794ff')),
					line('std after', r.after.std, themeColor('--vscode-charts-blue', '#3794ff'), [4, 3]),
				],
			},
			options: chartDefaults(),
		}),
	);
	return box;
}

/**
 * The inspection panel. It renders what the extension posts and never computes models. Every
 * render reports its visible text back (`rendered`), which the integration tests read.
 */

const vscode = acquireVsCodeApi<{ model?: ToPanel }>();
const app = document.getElementById('app') as HTMLElement;

let current: Extract<ToPanel, { type: 'model' }> | undefined;
let selected: string | null = null;
let lastRun: PanelRunResult | undefined;

function post(m: FromPanel): void {
	vscode.postMessage(m);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) {
		e.setAttribute(k, v);
	}
	e.append(...kids);
	return e;
}

const shape = (s: Shape | null) => (s ? `(${s.map((d) => (d === null ? 'None' : d)).join(', ')}${s.length === 1 ? ',' : ''})` : '?');
const count = (n: number | null | undefined) => (n === null || n === undefined ? '?' : n.toLocaleString('en-US'));
const fixed = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

function summaryTable(model: ModelSummary): HTMLElement {
	const table = el('table', { class: 'summary', 'aria-label': `Summary of ${model.name}` });
	table.append(
		el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Layer (type)'), el('th', { scope: 'col' }, 'Output Shape'), el('th', { scope: 'col', class: 'num' }, 'Param #'), el('th', { scope: 'col' }, 'Connected to'))),
	);
	const body = el('tbody');
	for (const l of model.layers) {
		const row = el(
			'tr',
			{ tabindex: '0', 'data-layer': l.name, class: l.name === selected ? 'selected' : '' },
			el('td', {}, `${l.name} `, el('span', { class: 'type' }, `(${l.type})`)),
			el('td', { class: 'mono' }, shape(l.outputShape)),
			el('td', { class: 'num mono' }, count(l.params?.total)),
			el('td', { class: 'muted' }, l.inbound.join(', ')),
		);
		const choose = () => {
			selected = l.name;
			render();
			post({ type: 'revealLayer', layerName: l.name });
		};
		row.addEventListener('click', choose);
		row.addEventListener('keydown', (ev) => {
			if (ev.key === 'Enter' || ev.key === ' ') {
				ev.preventDefault();
				choose();
			}
		});
		body.append(row);
	}
	table.append(body);
	const t = model.totals;
	const foot = el(
		'div',
		{ class: 'totals' },
		el('div', {}, `Total params: ${count(t.total)}`),
		el('div', {}, `Trainable params: ${count(t.trainable)}`),
		el('div', {}, `Non-trainable params: ${count(t.nonTrainable)}`),
		...(model.framework === 'torch' ? [el('div', {}, `Buffers: ${count(t.buffers)}`)] : []),
	);
	return el('section', {}, table, foot);
}

function detail(layer: LayerSummary, e: LayerExplanation | undefined): HTMLElement {
	const s = el('section', { class: 'detail', 'aria-label': `Layer ${layer.name}` });
	s.append(el('h2', {}, `${layer.name} (${layer.type})`));
	s.append(el('p', {}, `Input ${shape(layer.inputShape)} → output ${shape(layer.outputShape)}`));
	if (layer.params) {
		s.append(el('p', {}, `Parameters: ${count(layer.params.total)} (${count(layer.params.trainable)} trainable, ${count(layer.params.nonTrainable)} non-trainable)`));
	}
	if (!e) {
		return s;
	}
	const names = e.axisNames ?? [];
	const reduced = (e.reducedAxes ?? []).map((a) => names[a]).join(', ');
	const kept = (e.featureAxes ?? []).map((a) => names[a]).join(', ');
	s.append(el('p', {}, el('strong', {}, 'Normalized over: '), reduced || '?', ' — one μ, σ² per ', kept || '?'));
	const axes = el('div', { class: 'axes', role: 'img', 'aria-label': `Input axes; reduced: ${reduced}` });
	names.forEach((n, i) => {
		const isReduced = e.reducedAxes?.includes(i) ?? false;
		axes.append(el('span', { class: isReduced ? 'axis reduced' : 'axis kept' }, `${n} ${e.inputShape?.[i] ?? 'N'}`));
	});
	s.append(axes);
	if (e.formulaTex) {
		// Typeset with KaTeX (bundled; it styles through the CSSOM, which the CSP allows). MathML is
		// included for screen readers; the plain-text formula stays available below.
		const math = el('div', { class: 'math' });
		katex.render(e.formulaTex, math, { throwOnError: false, displayMode: true, output: 'htmlAndMathml' });
		s.append(math);
	}
	s.append(el('details', {}, el('summary', {}, 'Formula as text'), el('pre', { class: 'formula' }, e.formula)));
	const rows = Object.entries(e.paramShapes).map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', { class: 'mono' }, shape(v))));
	if (e.statShape) {
		rows.unshift(el('tr', {}, el('td', {}, 'μ, σ² (per call)'), el('td', { class: 'mono' }, shape(e.statShape))));
	}
	s.append(el('table', { class: 'shapes', 'aria-label': 'Statistic and parameter shapes' }, el('tbody', {}, ...rows)));
	s.append(el('p', {}, `ε = ${e.epsilon}${e.momentum !== null ? `, momentum = ${e.momentum}` : ''}`));
	if (e.momentumRule) {
		s.append(el('p', { class: 'mono' }, e.momentumRule));
	}
	s.append(el('p', { class: 'muted' }, e.trainEval));
	const button = el('button', { type: 'button' }, 'Run on sample tensor');
	button.addEventListener('click', () => post({ type: 'runLayer', layerName: layer.name }));
	s.append(button);
	return s;
}

function runSection(r: PanelRunResult): HTMLElement {
	const s = el('section', { class: 'run', 'aria-label': 'Sample tensor run' });
	s.append(el('h2', {}, `Sample run: ${r.layerName} on (${r.shape.join(', ')})`));
	s.append(
		el(
			'p',
			{},
			`${r.features} features × ${r.groupSize.toLocaleString('en-US')} values each, seed ${r.seed}, ${r.backend} kernel, ${fixed(r.elapsedMs, 1)} ms. ` +
				`After normalization: max |mean| = ${r.maxMeanDeviation.toExponential(2)}, max |std − 1| = ${r.maxStdDeviation.toExponential(2)} ` +
				`(each std after is σ/√(σ² + ε) with ε = ${r.epsilon}: just under 1 for small σ).`,
		),
	);
	s.append(
		el(
			'div',
			{ class: 'charts' },
			histogramChart('Values before', r.histogramBefore, themeColor('--vscode-charts-orange', '#d18616')),
			histogramChart('Values after', r.histogramAfter, themeColor('--vscode-charts-blue', '#3794ff')),
		),
	);
	s.append(channelChart(r));
	const table = el('table', { class: 'stats', 'aria-label': 'Per-feature mean and standard deviation before and after' });
	table.append(el('thead', {}, el('tr', {}, el('th', {}, 'feature'), el('th', { class: 'num' }, 'mean before'), el('th', { class: 'num' }, 'std before'), el('th', { class: 'num' }, 'mean after'), el('th', { class: 'num' }, 'std after'))));
	const body = el('tbody');
	const limit = Math.min(r.features, 64);
	for (let c = 0; c < limit; c++) {
		body.append(
			el('tr', {}, el('td', {}, String(c)), el('td', { class: 'num mono' }, fixed(r.before.mean[c])), el('td', { class: 'num mono' }, fixed(r.before.std[c])), el('td', { class: 'num mono' }, fixed(r.after.mean[c], 4)), el('td', { class: 'num mono' }, fixed(r.after.std[c], 4))),
		);
	}
	table.append(body);
	s.append(table);
	if (r.features > limit) {
		s.append(el('p', { class: 'muted' }, `… ${r.features - limit} more features`));
	}
	return s;
}

function render(): void {
	if (!current) {
		return;
	}
	charts.forEach((c) => c.destroy());
	charts = [];
	const m = current.model;
	app.replaceChildren();
	app.append(el('h1', {}, `${m.name} `, el('span', { class: 'muted' }, `${m.framework} · ${m.kind} · ${current.fileName}`)));
	app.append(summaryTable(m));
	const layer = m.layers.find((l) => l.name === selected);
	if (layer) {
		app.append(detail(layer, current.explanations[layer.name]));
	}
	if (lastRun && lastRun.layerName === selected) {
		app.append(runSection(lastRun));
	}
}

function report(kind: ToPanel['type']): void {
	post({ type: 'rendered', kind, text: app.innerText, formulas: app.querySelectorAll('.katex').length, charts: app.querySelectorAll('canvas').length });
}

window.addEventListener('message', (ev: MessageEvent<unknown>) => {
	const m = ev.data;
	if (!isToPanel(m)) {
		return;
	}
	switch (m.type) {
		case 'model':
			current = m;
			selected = m.selected;
			lastRun = undefined;
			vscode.setState({ model: m });
			render();
			break;
		case 'select':
			selected = m.layerName;
			render();
			break;
		case 'runStarted':
			render();
			app.append(el('p', { class: 'muted', role: 'status' }, `Running ${m.layerName} on (${m.shape.join(', ')})…`));
			break;
		case 'runResult':
			lastRun = m.result;
			selected = m.result.layerName;
			render();
			break;
		case 'runError':
			render();
			app.append(el('p', { class: 'error', role: 'alert' }, m.message));
			break;
		case 'empty':
			current = undefined;
			app.replaceChildren(el('p', { class: 'muted' }, m.message));
			break;
		default: {
			const never: never = m;
			void never;
		}
	}
	report(m.type);
});

const saved = vscode.getState();
if (saved?.model && saved.model.type === 'model') {
	current = saved.model;
	selected = saved.model.selected;
	render();
}
post({ type: 'ready' });
