import {
	BarController,
	BarElement,
	CategoryScale,
	Chart,
	Legend,
	LinearScale,
	LineController,
	LineElement,
	LogarithmicScale,
	PointElement,
	Tooltip,
} from 'chart.js';
import katex from 'katex';
import {
	LayerExplanation,
	LayerSummary,
	ParamCounts,
	Shape,
	STATISTICS_OF,
	statisticsPer,
} from '../protocol/analysis';
import type {
	FromPanel,
	PanelCompareEntry,
	PanelHistogram,
	PanelRunResult,
	PanelSimulation,
	PanelUnknownCause,
	RunOptions,
	SimulationOptions,
	ToPanel,
} from '../protocol/webviewProtocol';
import { isToPanel } from '../protocol/webviewProtocol';
import { tensorDrawing } from './tensorDrawing';
import {
	applyMessage,
	CompareMessage,
	initialView,
	ModelMessage,
	PanelState,
	PanelView,
	restoredView,
	savedState,
} from './state';

Chart.register(
	BarController,
	BarElement,
	CategoryScale,
	LinearScale,
	LogarithmicScale,
	LineController,
	LineElement,
	PointElement,
	Tooltip,
	Legend,
);

/**
 * The inspection panel. It renders what the extension posts and never computes models. Every
 * render reports its visible text back (`rendered`), which the integration tests read. Everything
 * it shows is kept in the webview state, so that a reloaded window restores the panel as it was.
 */

const vscode = acquireVsCodeApi<PanelState>();
const app = document.getElementById('app') as HTMLElement;

// What the panel shows: every message from the extension goes through the pure applyMessage
// (state.ts), whose result replaces it; the controls' own events change it in place.
let ui: PanelView = initialView();

/** The bar shows runFraction; without one it stays indeterminate (no value attribute). */
function showProgress(bar: HTMLProgressElement): void {
	if (ui.runFraction !== null) {
		bar.max = 1;
		bar.value = ui.runFraction;
		bar.setAttribute('aria-valuetext', `${Math.round(ui.runFraction * 100)} %`);
	}
}

/** Charts drawn in the current render, destroyed before the next one. */
let charts: Chart[] = [];

function post(m: FromPanel): void {
	vscode.postMessage(m);
}

function save(): void {
	vscode.setState(savedState(ui));
}

function el<K extends keyof HTMLElementTagNameMap>(
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

const shape = (s: Shape | null) =>
	s ? `(${s.map((d) => (d === null ? 'None' : d)).join(', ')}${s.length === 1 ? ',' : ''})` : '?';
const count = (n: number | null | undefined) =>
	n === null || n === undefined ? '?' : n.toLocaleString('en-US');
/** d decimals; a value that rounds to zero shows no sign ("-0.0000" reads as a real negative). */
const fixed = (x: number, d = 3) =>
	Number.isFinite(x) ? x.toFixed(d).replace(/^-(0\.?0*)$/, '$1') : String(x);

function themeColor(name: string, fallback: string): string {
	return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

const beforeColor = () => themeColor('--vscode-charts-orange', '#d18616');
const afterColor = () => themeColor('--vscode-charts-blue', '#3794ff');

//#region charts (Chart.js; colours from the theme)
function chartDefaults() {
	const fg = themeColor('--vscode-foreground', '#888');
	const grid = themeColor('--vscode-panel-border', 'rgba(128,128,128,0.3)');
	return {
		animation: false as const,
		responsive: true,
		maintainAspectRatio: false,
		plugins: { legend: { labels: { color: fg } }, tooltip: { enabled: true } },
		scales: {
			x: { ticks: { color: fg, maxTicksLimit: 8 }, grid: { color: grid } },
			y: { ticks: { color: fg }, grid: { color: grid } },
		},
	};
}

function histogramChart(
	title: string,
	h: PanelHistogram,
	color: string,
	small = false,
): HTMLElement {
	const box = el(
		'figure',
		{ class: small ? 'chart small' : 'chart' },
		el('figcaption', {}, title),
	);
	const canvas = el('canvas', {
		role: 'img',
		'aria-label': `${title}: ${h.counts.length} bins from ${fixed(h.lo)} to ${fixed(h.hi)}`,
	});
	box.append(el('div', { class: 'canvas-box' }, canvas));
	const w = (h.hi - h.lo) / h.counts.length;
	const defaults = chartDefaults();
	charts.push(
		new Chart(canvas, {
			type: 'bar',
			data: {
				labels: h.counts.map((_, i) => fixed(h.lo + (i + 0.5) * w, 2)),
				datasets: [
					{
						label: 'values',
						data: h.counts,
						backgroundColor: color,
						barPercentage: 1,
						categoryPercentage: 1,
					},
				],
			},
			options: { ...defaults, plugins: { ...defaults.plugins, legend: { display: false } } },
		}),
	);
	return box;
}

function channelChart(r: PanelRunResult): HTMLElement {
	const box = el(
		'figure',
		{ class: 'chart wide' },
		el('figcaption', {}, `Per-${statNoun(r)} mean and standard deviation, before and after`),
	);
	const canvas = el('canvas', {
		role: 'img',
		'aria-label':
			'Mean and standard deviation of each statistic group before and after; the numbers are in the table below',
	});
	box.append(el('div', { class: 'canvas-box' }, canvas));
	const labels = r.before.mean.map((_, i) => String(i));
	const line = (label: string, data: number[], color: string, dash: number[] = []) => ({
		type: 'line' as const,
		label,
		data,
		borderColor: color,
		backgroundColor: color,
		borderDash: dash,
		pointRadius: 1.5,
		borderWidth: 1.5,
	});
	charts.push(
		new Chart(canvas, {
			type: 'line',
			data: {
				labels,
				datasets: [
					line('mean before', r.before.mean, beforeColor()),
					line('std before', r.before.std, beforeColor(), [4, 3]),
					line('mean after', r.after.mean, afterColor()),
					line('std after', r.after.std, afterColor(), [4, 3]),
				],
			},
			options: chartDefaults(),
		}),
	);
	return box;
}
//#endregion

/** What one statistic group is called in the result (feature for BN, group for the others). */
/** "mean 0 within 3.1e-8, std 1 within 4.9e-6": what the run's form guarantees of y, as measured. */
function guaranteesText(r: PanelRunResult, digits: number): string {
	return r.guarantees
		.map((g) => `${g.property} within ${g.worst.toExponential(digits)}`)
		.join(', ');
}

function statNoun(r: PanelRunResult): string {
	const e = ui.current?.explanations[r.layerName];
	return !e || e.family === 'batch' ? 'feature' : 'statistic';
}

//#region summary table with the counting toggle
function countingToggle(): HTMLElement {
	const box = el('div', {
		class: 'toggle',
		role: 'radiogroup',
		'aria-label': 'Count parameters as',
	});
	box.append(el('span', { class: 'muted' }, 'Count as: '));
	for (const [value, label] of [
		['keras', 'Keras'],
		['torch', 'PyTorch'],
	] as const) {
		const id = `count-${value}`;
		const input = el('input', { type: 'radio', name: 'counting', id, value });
		input.checked = ui.convention === value;
		input.addEventListener('change', () => {
			ui.convention = value;
			save();
			render();
			report('model');
		});
		box.append(el('label', { for: id }, input, ` ${label}`));
	}
	return box;
}

function summaryTable(): HTMLElement {
	const m = (ui.current as ModelMessage).model;
	const view = (ui.current as ModelMessage).counting[ui.convention];
	const table = el('table', { class: 'summary', 'aria-label': `Summary of ${m.name}` });
	const torchStyle = ui.convention === 'torch';
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
				...(torchStyle ? [el('th', { scope: 'col', class: 'num' }, 'Buffers')] : []),
				el(
					'th',
					{ scope: 'col' },
					m.framework === 'torch' ? 'Module path' : 'Connected to',
				),
			),
		),
	);
	const body = el('tbody');
	const causes = (ui.current as ModelMessage).causes ?? [];
	for (const l of m.layers) {
		const c: ParamCounts | null = view.layers[l.name] ?? null;
		// A `?` cell says why in its tooltip; the list under the totals links to the cause.
		const cause = causes.find((x) => x.layerName === l.name);
		const why: Record<string, string> = cause
			? { title: `Unknown: ${cause.reason} (${cause.where})` }
			: {};
		const row = el(
			'tr',
			{
				tabindex: '0',
				'data-layer': l.name,
				class: l.name === ui.selected ? 'selected' : '',
				'aria-selected': String(l.name === ui.selected),
			},
			el('td', {}, `${l.name} `, el('span', { class: 'type' }, `(${l.type})`)),
			el('td', { class: 'mono', ...(l.outputShape ? {} : why) }, shape(l.outputShape)),
			el('td', { class: 'num mono', ...(c ? {} : why) }, count(c?.total)),
			...(torchStyle
				? [el('td', { class: 'num mono', ...(c ? {} : why) }, count(c?.buffers))]
				: []),
			el('td', { class: 'muted' }, m.framework === 'torch' ? l.name : l.inbound.join(', ')),
		);
		const choose = () => {
			ui.selected = l.name;
			ui.runError = null;
			save();
			render();
			report('select');
			document.querySelector<HTMLElement>(`tr[data-layer="${CSS.escape(l.name)}"]`)?.focus();
			post({ type: 'revealLayer', layerName: l.name });
		};
		row.addEventListener('click', choose);
		row.addEventListener('keydown', (ev) => {
			if (ev.key === 'Enter' || ev.key === ' ') {
				ev.preventDefault();
				choose();
			} else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
				ev.preventDefault();
				const next = (
					ev.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling
				) as HTMLElement | null;
				next?.focus();
			}
		});
		body.append(row);
	}
	table.append(body);
	const t = view.totals;
	const totalsCause =
		t.total === null
			? (causes.find((x) => x.layerName === null) ??
				causes.find((x) => x.layerName !== null && !view.layers[x.layerName]))
			: undefined;
	const totalsWhy: Record<string, string> = totalsCause
		? { title: `Unknown: ${totalsCause.reason} (${totalsCause.where})` }
		: {};
	const foot = el(
		'div',
		{ class: 'totals', ...totalsWhy },
		el('div', {}, `Total params: ${count(t.total)}`),
		el('div', {}, `Trainable params: ${count(t.trainable)}`),
		el('div', {}, `Non-trainable params: ${count(t.nonTrainable)}`),
		...(torchStyle ? [el('div', {}, `Buffers: ${count(t.buffers)}`)] : []),
		el('p', { class: 'muted note' }, view.note),
	);
	return el(
		'section',
		{},
		countingToggle(),
		table,
		foot,
		...(causes.length > 0 ? [causeList(causes)] : []),
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
function causeList(causes: PanelUnknownCause[]): HTMLElement {
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
			post({ type: 'revealCause', layerName: first.layerName }),
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
//#endregion

//#region layer detail: formula, drawing, shapes, run controls
function axesPicture(e: LayerExplanation): HTMLElement {
	const fig = el('figure', { class: 'tensor-figure' });
	const picture = tensorDrawing(e);
	if (picture) {
		fig.append(picture.element, el('figcaption', { class: 'muted' }, picture.description));
	}
	return fig;
}

function formula(e: LayerExplanation): HTMLElement {
	const box = el('div', {});
	if (e.formulaTex) {
		// Typeset with KaTeX (bundled; it styles through the CSSOM, which the CSP allows). MathML is
		// included for screen readers; the plain-text formula stays available below.
		const math = el('div', { class: 'math' });
		katex.render(e.formulaTex, math, {
			throwOnError: false,
			displayMode: true,
			output: 'htmlAndMathml',
		});
		box.append(math);
	}
	box.append(
		el(
			'details',
			{},
			el('summary', {}, 'Formula as text'),
			el('pre', { class: 'formula' }, e.formula),
		),
	);
	return box;
}

function detail(layer: LayerSummary, e: LayerExplanation | undefined): HTMLElement {
	const s = el('section', { class: 'detail', 'aria-label': `Layer ${layer.name}` });
	s.append(el('h2', {}, `${layer.name} (${layer.type})`));
	s.append(el('p', {}, `Input ${shape(layer.inputShape)} → output ${shape(layer.outputShape)}`));
	const c = ui.current?.counting[ui.convention].layers[layer.name];
	if (c) {
		s.append(
			el(
				'p',
				{},
				`Parameters: ${count(c.total)} (${count(c.trainable)} trainable, ${count(c.nonTrainable)} non-trainable${ui.convention === 'torch' ? `; ${count(c.buffers)} in buffers` : ''})`,
			),
		);
	}
	if (!e) {
		return s;
	}
	const names = e.axisNames ?? [];
	const reduced = (e.reducedAxes ?? []).map((a) => names[a]).join(', ');
	s.append(
		el(
			'p',
			{},
			el('strong', {}, 'Normalized over: '),
			reduced || '?',
			` — ${STATISTICS_OF[e.form].one} per `,
			statisticsPer(e) ?? '?',
		),
	);
	s.append(axesPicture(e));
	s.append(formula(e));
	const rows = Object.entries(e.paramShapes).map(([k, v]) =>
		el('tr', {}, el('td', {}, k), el('td', { class: 'mono' }, shape(v))),
	);
	if (e.statShape) {
		rows.unshift(
			el(
				'tr',
				{},
				el('td', {}, `${STATISTICS_OF[e.form].short} (per call)`),
				el('td', { class: 'mono' }, shape(e.statShape)),
			),
		);
	}
	s.append(
		el(
			'table',
			{ class: 'shapes', 'aria-label': 'Statistic and parameter shapes' },
			el('tbody', {}, ...rows),
		),
	);
	s.append(
		el(
			'p',
			{},
			`ε = ${e.epsilon ?? '?'}${e.momentum !== null ? `, momentum = ${e.momentum}` : ''}`,
		),
	);
	if (e.momentumRule) {
		s.append(el('p', { class: 'mono' }, e.momentumRule));
	}
	if (e.runningVariance) {
		s.append(el('p', {}, `Running variance: ${e.runningVariance}.`));
	}
	s.append(el('p', { class: 'muted' }, e.trainEval));
	s.append(el('div', { id: 'run-area', 'data-layer': layer.name }, runControls(layer, e)));
	return s;
}

function field(label: string, control: HTMLElement, id: string): HTMLElement {
	control.id = id;
	return el('div', { class: 'field' }, el('label', { for: id }, label), control);
}

/** The panel's drift choices (the CLI takes any --drift shift=S,scale=F). */
const DRIFTS: { label: string; drift: SimulationOptions['drift'] }[] = [
	{ label: 'none', drift: { shift: 0, scale: 1 } },
	{ label: 'means move 2σ', drift: { shift: 2, scale: 1 } },
	{ label: 'means move 2σ, std ×1.5', drift: { shift: 2, scale: 1.5 } },
];

function runControls(layer: LayerSummary, e: LayerExplanation): HTMLElement {
	const form = el('form', { class: 'controls', 'aria-label': 'Sample run' });
	// The .npy is the input of the layer it was loaded for; other layers offer to load one of their own.
	const npyHere = ui.npy !== null && ui.npy.layerName === layer.name ? ui.npy : null;
	const usingNpy = ui.options.useNpy && npyHere !== null;
	const batch = el('input', {
		type: 'number',
		min: '1',
		max: '65536',
		step: '1',
		value: String(ui.options.batchSize),
	});
	const batchKnown = e.inputShape?.[0] !== null && e.inputShape?.[0] !== undefined;
	batch.disabled = usingNpy || batchKnown;
	batch.title = batchKnown
		? 'The model fixes the batch size of this input.'
		: usingNpy
			? 'The .npy file decides the batch size.'
			: '';
	const seed = el('input', { type: 'number', step: '1', value: String(ui.options.seed) });
	seed.disabled = usingNpy;
	const dist = el(
		'select',
		{},
		...(['normal', 'uniform', 'lognormal'] as const).map((d) =>
			el('option', { value: d }, d === 'lognormal' ? 'log-normal' : d),
		),
	);
	dist.value = ui.options.distribution;
	dist.disabled = usingNpy;
	const mode = el(
		'select',
		{},
		el('option', { value: 'train' }, 'training (batch statistics)'),
		el('option', { value: 'eval' }, 'inference (running statistics)'),
	);
	mode.value = ui.options.mode;
	if (!e.momentumConvention) {
		mode.title =
			'This layer keeps no running statistics: both modes normalize with the batch’s own statistics.';
	}
	const source = el(
		'select',
		{},
		el('option', { value: 'sample' }, 'generated sample'),
		el(
			'option',
			{ value: 'npy' },
			npyHere ? `.npy: ${npyHere.name} (${npyHere.shape.join('×')})` : '.npy file…',
		),
	);
	source.value = usingNpy ? 'npy' : 'sample';
	const read = (): RunOptions => ({
		batchSize: Math.max(
			1,
			Math.min(65536, Math.floor(Number(batch.value) || ui.options.batchSize)),
		),
		seed: Math.floor(Number(seed.value) || 0),
		distribution: dist.value as RunOptions['distribution'],
		mode: mode.value as RunOptions['mode'],
		useNpy: source.value === 'npy' && npyHere !== null,
	});
	for (const c of [batch, seed, dist, mode]) {
		c.addEventListener('change', () => {
			ui.options = read();
			save();
		});
	}
	source.addEventListener('change', () => {
		if (source.value === 'npy' && !npyHere) {
			post({ type: 'pickNpy' });
			source.value = 'sample';
			return;
		}
		ui.options = read();
		save();
		render();
		document.getElementById('run-source')?.focus();
	});
	form.append(
		el(
			'div',
			{ class: 'fields' },
			field('Source', source, 'run-source'),
			field('Batch', batch, 'run-batch'),
			field('Distribution', dist, 'run-distribution'),
			field('Seed', seed, 'run-seed'),
			field('Mode', mode, 'run-mode'),
		),
	);
	const buttons = el('div', { class: 'buttons' });
	const run = el('button', { type: 'submit', id: 'run-button' }, 'Run on sample tensor');
	const cmp = el(
		'button',
		{ type: 'button', class: 'secondary', id: 'compare-button' },
		'Compare BN / LN / IN / GN',
	);
	const pick = el(
		'button',
		{ type: 'button', class: 'secondary', id: 'npy-button' },
		npyHere ? 'Choose another .npy…' : 'Load .npy…',
	);
	pick.title = `A .npy file with the input of ${layer.name} (any batch)`;
	pick.addEventListener('click', () => post({ type: 'pickNpy' }));
	cmp.addEventListener('click', () => {
		ui.options = read();
		save();
		post({ type: 'compareLayer', layerName: layer.name, options: ui.options });
	});
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		ui.options = read();
		save();
		post({ type: 'runLayer', layerName: layer.name, options: ui.options });
	});
	buttons.append(run, cmp, pick);
	const stepsInput = el('input', {
		type: 'number',
		min: '1',
		max: '10000',
		step: '1',
		value: String(ui.simulationOptions.steps),
	});
	const drift = el(
		'select',
		{},
		...DRIFTS.map((d, i) => el('option', { value: String(i) }, d.label)),
	);
	drift.value = String(
		Math.max(
			0,
			DRIFTS.findIndex(
				(d) =>
					d.drift.shift === ui.simulationOptions.drift.shift &&
					d.drift.scale === ui.simulationOptions.drift.scale,
			),
		),
	);
	const readSimulation = (): SimulationOptions => ({
		steps: Math.max(1, Math.min(10_000, Math.floor(Number(stepsInput.value) || 200))),
		drift: DRIFTS[Number(drift.value)]?.drift ?? DRIFTS[0].drift,
	});
	for (const c of [stepsInput, drift]) {
		c.addEventListener('change', () => {
			ui.simulationOptions = readSimulation();
			save();
		});
	}
	const simulate = el(
		'button',
		{ type: 'button', class: 'secondary', id: 'simulate-button' },
		'Simulate training steps',
	);
	simulate.title =
		'K training steps on K seeded batches: the running statistics, the gap between training and inference outputs, and how noisy batch statistics are at batch sizes 2, 8, 32.';
	simulate.addEventListener('click', () => {
		ui.options = read();
		ui.simulationOptions = readSimulation();
		save();
		post({
			type: 'simulateLayer',
			layerName: layer.name,
			options: { ...ui.options, useNpy: false },
			simulation: ui.simulationOptions,
		});
	});
	buttons.append(simulate);
	form.append(
		el(
			'div',
			{ class: 'fields' },
			field('Steps', stepsInput, 'simulate-steps'),
			field('Input drift', drift, 'simulate-drift'),
		),
	);
	if (npyHere) {
		const clear = el(
			'button',
			{ type: 'button', class: 'secondary', id: 'npy-clear' },
			'Forget .npy',
		);
		clear.addEventListener('click', () => post({ type: 'clearNpy' }));
		buttons.append(clear);
	}
	if (ui.running) {
		run.disabled = true;
		cmp.disabled = true;
		simulate.disabled = true;
		const cancel = el(
			'button',
			{ type: 'button', class: 'secondary', id: 'cancel-button' },
			'Cancel',
		);
		cancel.addEventListener('click', () => post({ type: 'cancelRun' }));
		buttons.append(cancel);
		const bar = el('progress', {
			'aria-label': ui.running,
			id: 'run-progress',
		}) as HTMLProgressElement;
		showProgress(bar);
		form.append(
			buttons,
			el('div', { class: 'progress', role: 'status' }, bar, ` ${ui.running}`),
		);
	} else {
		form.append(buttons);
	}
	if (ui.runError) {
		form.append(el('p', { class: 'error', role: 'alert' }, ui.runError));
	}
	return form;
}
//#endregion

//#region results
function runSection(r: PanelRunResult): HTMLElement {
	const s = el('section', { class: 'run', 'aria-label': 'Sample tensor run' });
	s.append(el('h2', {}, `Sample run: ${r.layerName} on (${r.shape.join(', ')})`));
	const mode =
		r.mode === 'eval'
			? 'inference mode (running statistics of a freshly built layer: mean 0, variance 1)'
			: 'training mode (this batch’s statistics)';
	const source =
		r.source === 'generated sample'
			? `${r.distribution === 'lognormal' ? 'log-normal' : r.distribution} sample, seed ${r.seed}`
			: r.source;
	s.append(
		el(
			'p',
			{},
			`${r.features.toLocaleString('en-US')} ${statNoun(r)}s × ${r.groupSize.toLocaleString('en-US')} values each; ${source}; ${mode}; ${r.backend} kernel, ${fixed(r.elapsedMs, 1)} ms (input ${fixed(r.phases.input, 1)}, statistics ${fixed(r.phases.stats, 1)}, normalize ${fixed(r.phases.normalize, 1)}). ` +
				`After normalization (γ = 1, β = 0): ${guaranteesText(r, 2)}` +
				(r.mode === 'eval'
					? '.'
					: ` (ε = ${r.epsilon} keeps each just short: σ/√(σ² + ε) is under 1 for small σ).`),
		),
	);
	if (r.nonFinite > 0) {
		s.append(
			el(
				'p',
				{ class: 'error', role: 'alert' },
				`${r.nonFinite.toLocaleString('en-US')} values are NaN or ±Inf; the statistics of their groups are NaN.`,
			),
		);
	}
	s.append(
		el(
			'div',
			{ class: 'charts' },
			histogramChart('Values before', r.histogramBefore, beforeColor()),
			histogramChart('Values after', r.histogramAfter, afterColor()),
		),
	);
	s.append(channelChart(r));
	const table = el('table', {
		class: 'stats',
		'aria-label': 'Mean and standard deviation of each statistic group before and after',
	});
	const head = [
		statNoun(r),
		'mean before',
		'std before',
		'mean after',
		'std after',
		...(r.runningMean ? ['running mean', 'running var'] : []),
	];
	table.append(
		el(
			'thead',
			{},
			el(
				'tr',
				{},
				...head.map((h, i) => el('th', { class: i ? 'num' : '', scope: 'col' }, h)),
			),
		),
	);
	const body = el('tbody');
	const limit = Math.min(r.features, 64);
	for (let c = 0; c < limit; c++) {
		const cells = [
			fixed(r.before.mean[c]),
			fixed(r.before.std[c]),
			fixed(r.after.mean[c], 4),
			fixed(r.after.std[c], 4),
		];
		if (r.runningMean && r.runningVariance) {
			cells.push(fixed(r.runningMean[c], 4), fixed(r.runningVariance[c], 4));
		}
		body.append(
			el(
				'tr',
				{},
				el('td', {}, String(c)),
				...cells.map((v) => el('td', { class: 'num mono' }, v)),
			),
		);
	}
	table.append(body);
	s.append(table);
	if (r.features > limit) {
		s.append(el('p', { class: 'muted' }, `… ${r.features - limit} more`));
	}
	return s;
}

/** Colours of the traced channels (the theme's chart palette). */
const traceColors = () =>
	[
		'--vscode-charts-blue',
		'--vscode-charts-orange',
		'--vscode-charts-green',
		'--vscode-charts-purple',
	].map((v, i) => themeColor(v, ['#3794ff', '#d18616', '#89d185', '#b180d7'][i]));

/** Running values (lines) against the batch values they follow (dots), step by step, for the traced channels. */
function traceChart(
	title: string,
	label: string,
	sim: PanelSimulation,
	batch: number[][],
	running: number[][] | null,
): HTMLElement {
	const r = sim.result;
	const box = el('figure', { class: 'chart wide' }, el('figcaption', {}, title));
	const canvas = el('canvas', {
		role: 'img',
		'aria-label': `${title}, steps 1 to ${r.steps}; the final values are in the table below`,
	});
	box.append(el('div', { class: 'canvas-box' }, canvas));
	const colors = traceColors();
	const datasets = r.tracked.flatMap((c, i) => [
		{
			type: 'line' as const,
			label: `batch ${label} ${c}`,
			data: batch.map((b) => b[i]),
			borderColor: colors[i],
			backgroundColor: colors[i],
			showLine: false,
			pointRadius: 1.2,
			borderWidth: 0,
		},
		...(running
			? [
					{
						type: 'line' as const,
						label: `running ${label} ${c}`,
						data: running.map((b) => b[i]),
						borderColor: colors[i],
						backgroundColor: colors[i],
						pointRadius: 0,
						borderWidth: 2,
					},
				]
			: []),
	]);
	charts.push(
		new Chart(canvas, {
			type: 'line',
			data: { labels: batch.map((_, t) => String(t + 1)), datasets },
			options: chartDefaults(),
		}),
	);
	return box;
}

function gapChart(sim: PanelSimulation): HTMLElement {
	const gap = sim.result.gap as { mean: number[]; max: number[] };
	const title = 'Train/eval gap: RMS of y_train − y_eval on each step’s batch (log scale)';
	const box = el('figure', { class: 'chart wide' }, el('figcaption', {}, title));
	const canvas = el('canvas', {
		role: 'img',
		'aria-label': `${title}: from ${fixed(gap.mean[0], 4)} at step 1 to ${fixed(gap.mean[gap.mean.length - 1], 4)} at step ${gap.mean.length}`,
	});
	box.append(el('div', { class: 'canvas-box' }, canvas));
	const defaults = chartDefaults();
	const line = (label: string, data: number[], color: string, dash: number[] = []) => ({
		type: 'line' as const,
		label,
		data: data.map((v) => Math.max(v, 1e-9)),
		borderColor: color,
		backgroundColor: color,
		borderDash: dash,
		pointRadius: 0,
		borderWidth: 1.5,
	});
	charts.push(
		new Chart(canvas, {
			type: 'line',
			data: {
				labels: gap.mean.map((_, t) => String(t + 1)),
				datasets: [
					line('mean over channels', gap.mean, afterColor()),
					line('worst channel', gap.max, beforeColor(), [4, 3]),
				],
			},
			options: {
				...defaults,
				scales: {
					...defaults.scales,
					y: { ...defaults.scales.y, type: 'logarithmic' as const },
				},
			},
		}),
	);
	return box;
}

function noiseChart(sim: PanelSimulation): HTMLElement {
	const noise = sim.result.noise;
	const title = 'How far a batch mean scatters from step to step, in units of σ';
	const box = el('figure', { class: 'chart' }, el('figcaption', {}, title));
	const canvas = el('canvas', {
		role: 'img',
		'aria-label': `${title}: ${noise.map((n) => `batch ${n.batchSize}: ${fixed(n.meanSpread, 4)}`).join(', ')}`,
	});
	box.append(el('div', { class: 'canvas-box' }, canvas));
	const defaults = chartDefaults();
	charts.push(
		new Chart(canvas, {
			type: 'bar',
			data: {
				labels: noise.map((n) => `batch ${n.batchSize}`),
				datasets: [
					{
						label: 'spread of the batch mean',
						data: noise.map((n) => n.meanSpread),
						backgroundColor: afterColor(),
					},
				],
			},
			options: { ...defaults, plugins: { ...defaults.plugins, legend: { display: false } } },
		}),
	);
	return box;
}

function simulationSection(sim: PanelSimulation): HTMLElement {
	const r = sim.result;
	const s = el('section', { class: 'simulation', 'aria-label': 'Training steps' });
	s.append(
		el(
			'h2',
			{},
			`Training steps: ${sim.layerName} on (${r.shape.join(', ')}), ${r.steps} steps`,
		),
	);
	const drift =
		r.drift.shift !== 0 || r.drift.scale !== 1
			? `, the input drifting (means +${r.drift.shift}σ, std ×${r.drift.scale} by the last step)`
			: '';
	s.append(
		el(
			'p',
			{},
			`${r.steps} independent ${sim.distribution === 'lognormal' ? 'log-normal' : sim.distribution} batches (seed ${sim.seed}${drift}); ${r.groups.toLocaleString('en-US')} statistics of ${r.groupSize.toLocaleString('en-US')} values per batch; ${r.backend}, ${fixed(r.elapsedMs, 0)} ms.`,
		),
	);
	if (r.gap && r.final) {
		const last = r.gap.mean.length - 1;
		s.append(
			el(
				'p',
				{},
				`Running statistics: ${sim.momentumRule ?? ''}. In inference mode the layer normalizes with them instead of the batch’s own: their outputs differ by ${fixed(r.gap.mean[0], 4)} (RMS, mean over channels) after step 1 and ${fixed(r.gap.mean[last], 4)} after step ${last + 1}.`,
			),
		);
	} else {
		s.append(
			el(
				'p',
				{},
				`${sim.type} keeps no running statistics: training and inference both normalize each batch with its own statistics, so there is no train/eval gap to watch.`,
			),
		);
	}
	const names = r.tracked.join(', ');
	s.append(
		traceChart(
			`Mean of ${r.perSample ? 'groups' : 'channels'} ${names}${r.perSample ? ' (each averaged over the batch’s samples)' : ''}: batch (dots)${r.final ? ' and running (lines)' : ''}`,
			'mean',
			sim,
			r.trace.batchMean,
			r.trace.runningMean,
		),
	);
	s.append(
		traceChart(
			`Variance of ${r.perSample ? 'groups' : 'channels'} ${names}: batch (dots)${r.final ? ' and running (lines)' : ''}`,
			'var',
			sim,
			r.trace.batchVariance,
			r.trace.runningVariance,
		),
	);
	if (r.gap) {
		s.append(gapChart(sim));
	}
	if (r.noise.length > 0) {
		s.append(noiseChart(sim));
		s.append(
			el(
				'p',
				{},
				r.perSample
					? `Each sample has its own statistics, so the batch size does not change them: ${sim.type} behaves the same at batch 2 as at 32.`
					: `The statistics pool the batch: their noise falls as 1/√batch (${r.noise.map((n) => `${fixed(n.meanSpread, 4)} at ${n.batchSize}`).join(', ')}), which is why small batches make BatchNorm’s training and inference disagree.`,
			),
		);
	}
	if (r.final) {
		const table = el('table', {
			class: 'stats',
			'aria-label': 'Running statistics after the last step',
		});
		table.append(
			el(
				'thead',
				{},
				el(
					'tr',
					{},
					...['channel', 'running mean', 'running variance'].map((h, i) =>
						el('th', { class: i ? 'num' : '', scope: 'col' }, h),
					),
				),
			),
		);
		const body = el('tbody');
		const limit = Math.min(r.final.mean.length, 64);
		for (let c = 0; c < limit; c++) {
			body.append(
				el(
					'tr',
					{},
					el('td', {}, String(c)),
					el('td', { class: 'num mono' }, fixed(r.final.mean[c], 4)),
					el('td', { class: 'num mono' }, fixed(r.final.variance[c], 4)),
				),
			);
		}
		table.append(body);
		s.append(table);
		if (r.final.mean.length > limit) {
			s.append(el('p', { class: 'muted' }, `… ${r.final.mean.length - limit} more`));
		}
	}
	return s;
}

function compareSection(c: CompareMessage): HTMLElement {
	const s = el('section', { class: 'compare', 'aria-label': 'Compare normalizations' });
	s.append(el('h2', {}, `Compare normalizations on ${c.of} (${c.shape.join(', ')})`));
	s.append(
		el(
			'p',
			{ class: 'muted' },
			`The same tensor for all four (${c.options.useNpy ? 'the loaded .npy' : `${c.options.distribution} sample, seed ${c.options.seed}`}, ${c.options.mode === 'eval' ? 'inference' : 'training'} mode). Shaded: the values that share one μ and σ².`,
		),
	);
	const first = Object.values(ui.compareResults).find(
		(r): r is PanelRunResult => typeof r !== 'string',
	);
	if (first) {
		s.append(histogramChart('The input: values before', first.histogramBefore, beforeColor()));
	}
	const grid = el('div', { class: 'compare-grid' });
	for (const entry of c.entries) {
		grid.append(compareCard(entry));
	}
	s.append(grid);
	s.append(compareTable(c.entries));
	return s;
}

function compareCard(entry: PanelCompareEntry): HTMLElement {
	const card = el('article', { class: 'card', 'aria-label': entry.title });
	card.append(el('h3', {}, entry.title));
	const e = entry.explanation;
	if (!e) {
		card.append(
			el('p', { class: 'muted' }, entry.unavailable ?? 'Not available for this input.'),
		);
		return card;
	}
	card.append(el('pre', { class: 'code' }, entry.code));
	card.append(axesPicture(e));
	const names = e.axisNames ?? [];
	card.append(
		el(
			'p',
			{},
			`Averages over ${(e.reducedAxes ?? []).map((a) => names[a]).join(', ')}${e.groups ? ` (groups of ${names[e.groups.axis]})` : ''}: μ, σ² ${shape(e.statShape)}, M = ${e.reductionSize ?? '?'}.`,
		),
	);
	const params = e.params
		? `${count(e.params.trainable + e.params.nonTrainable)} params${e.params.buffers ? ` + ${count(e.params.buffers)} buffers` : ''}`
		: '';
	card.append(
		el(
			'p',
			{ class: 'muted' },
			`${
				Object.entries(e.paramShapes)
					.map(([k, v]) => `${k} ${shape(v)}`)
					.join(', ') || 'no γ, β'
			}${params ? ` — ${params}` : ''}`,
		),
	);
	const r = ui.compareResults[entry.family];
	if (typeof r === 'string') {
		card.append(el('p', { class: 'error', role: 'alert' }, r));
	} else if (r) {
		card.append(
			histogramChart(`${entry.title}: values after`, r.histogramAfter, afterColor(), true),
		);
		card.append(
			el(
				'p',
				{},
				`${count(r.features)} statistics of ${count(r.groupSize)} values; ${guaranteesText(r, 1)}`,
			),
		);
	} else {
		card.append(el('p', { class: 'muted', role: 'status' }, 'Running…'));
	}
	return card;
}

/**
 * What differs between the methods (not what each guarantees: every one gives its groups mean 0
 * and std 1 by construction): how far y's per-sample and per-channel means still spread. The input's
 * samples and channels each have their own offset and scale, so a spread near 0 is a difference
 * the method took out.
 */
function compareTable(entries: PanelCompareEntry[]): HTMLElement {
	const wrap = el('div', {});
	const table = el('table', {
		class: 'stats',
		'aria-label':
			'Normalizations compared: what each leaves of the samples’ and the channels’ differences',
	});
	table.append(
		el(
			'thead',
			{},
			el(
				'tr',
				{},
				...[
					'normalization',
					'μ, σ² shape',
					'values per μ',
					'samples’ means after: spread',
					'samples’ std after: spread',
					'channels’ means after: spread',
				].map((h, i) => el('th', { class: i > 1 ? 'num' : '', scope: 'col' }, h)),
			),
		),
	);
	const body = el('tbody');
	const num = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(3));
	for (const entry of entries) {
		const r = ui.compareResults[entry.family];
		const done = r && typeof r !== 'string' ? r : null;
		const v = done?.views;
		body.append(
			el(
				'tr',
				{},
				el('td', {}, entry.title),
				el(
					'td',
					{ class: 'mono' },
					entry.explanation ? shape(entry.explanation.statShape) : '—',
				),
				el('td', { class: 'num mono' }, done ? count(done.groupSize) : '—'),
				el('td', { class: 'num mono' }, num(v?.perSample.meanSpread)),
				el('td', { class: 'num mono' }, num(v?.perSample.stdSpread)),
				el('td', { class: 'num mono' }, num(v?.perFeature.meanSpread)),
			),
		);
	}
	table.append(body);
	wrap.append(table);
	wrap.append(
		el(
			'p',
			{ class: 'muted' },
			'Spread: the standard deviation across the batch’s samples (or across channels) after normalization. Each sample and each channel of the input has its own offset and scale, so 0 means the method took those differences out: layer, instance and group norm give every sample mean 0 while batch norm keeps the samples apart; batch and instance norm give every channel mean 0 while layer and group norm keep the channels apart.',
		),
	);
	return wrap;
}
//#endregion

function render(): void {
	if (!ui.current) {
		return;
	}
	// Keep keyboard focus on the control that had it (every render rebuilds the DOM).
	const focusedId =
		document.activeElement instanceof HTMLElement ? document.activeElement.id : '';
	charts.forEach((c) => c.destroy());
	charts = [];
	const m = ui.current.model;
	app.replaceChildren();
	app.append(
		el(
			'h1',
			{},
			`${m.name} `,
			el('span', { class: 'muted' }, `${m.framework} · ${m.kind} · ${ui.current.fileName}`),
		),
	);
	app.append(summaryTable());
	const layer = m.layers.find((l) => l.name === ui.selected);
	if (layer) {
		app.append(detail(layer, ui.current.explanations[layer.name]));
	}
	app.append(el('div', { id: 'results' }, ...resultSections()));
	if (focusedId) {
		document.getElementById(focusedId)?.focus();
	}
}

/** The selected layer's latest result: its simulation, comparison or run, whichever came last. */
function resultSections(): HTMLElement[] {
	if (ui.latest === 'simulate' && ui.simulation && ui.simulation.layerName === ui.selected) {
		return [simulationSection(ui.simulation)];
	}
	if (ui.compare && ui.compare.layerName === ui.selected) {
		return [compareSection(ui.compare)];
	}
	if (ui.lastRun && ui.lastRun.layerName === ui.selected) {
		return [runSection(ui.lastRun)];
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
	const layer = ui.current?.model.layers.find((l) => l.name === ui.selected);
	const e = layer ? ui.current?.explanations[layer.name] : undefined;
	if (!area || !results || !layer || !e || area.dataset.layer !== layer.name) {
		return false;
	}
	const focusedId =
		document.activeElement instanceof HTMLElement ? document.activeElement.id : '';
	charts.forEach((c) => c.destroy());
	charts = [];
	area.replaceChildren(runControls(layer, e));
	results.replaceChildren(...resultSections());
	if (focusedId) {
		document.getElementById(focusedId)?.focus();
	}
	return true;
}

function report(kind: ToPanel['type']): void {
	post({
		type: 'rendered',
		kind,
		text: app.innerText,
		formulas: app.querySelectorAll('.katex').length,
		charts: app.querySelectorAll('canvas').length,
	});
}

window.addEventListener('message', (ev: MessageEvent<unknown>) => {
	const m = ev.data;
	if (!isToPanel(m)) {
		return;
	}
	const { view, redraw } = applyMessage(ui, m);
	ui = view;
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
				showProgress(bar);
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
	report(m.type);
});

const restored = restoredView(vscode.getState(), ui);
if (restored) {
	ui = restored;
	render();
}
post({ type: 'ready' });
