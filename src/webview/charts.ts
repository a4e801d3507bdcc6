// The panel's Chart.js charts (histograms, per-feature lines, simulation traces), coloured from the theme.
import type { Chart, ChartConfiguration } from 'chart.js';
import type { PanelHistogram, PanelRunResult, PanelSimulation } from '../protocol/webviewProtocol';
import { afterColor, beforeColor, el, fixed, themeColor } from './dom';
import { library, whenLoaded } from './lazy';

/** Charts drawn in the current render, destroyed before the next one. */
let charts: Chart[] = [];

/** Bumped by each render: a chart whose library arrives after its render was replaced is not drawn. */
let generation = 0;

/** Before a render rebuilds the DOM: the charts of the last one let go of their canvases. */
export function destroyCharts(): void {
	charts.forEach((c) => c.destroy());
	charts = [];
	generation++;
}

/**
 * Draws a chart on its canvas: at once when Chart.js has arrived (lazy.ts), else when it does, if
 * the canvas is still on screen; a chunk that cannot load says so in the chart's place.
 */
function drawChart(canvas: HTMLCanvasElement, config: ChartConfiguration): void {
	const lib = library('charts');
	if (lib) {
		charts.push(new lib.Chart(canvas, config));
		return;
	}
	const drawnIn = generation;
	whenLoaded('charts').then(
		(l) => {
			if (drawnIn === generation && canvas.isConnected) {
				charts.push(new l.Chart(canvas, config));
			}
		},
		(e: unknown) => {
			canvas.replaceWith(
				el('p', { class: 'muted' }, `The chart could not be drawn: ${String(e)}`),
			);
		},
	);
}

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

export function histogramChart(
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
	drawChart(canvas, {
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
	});
	return box;
}

/** Per-feature mean and std before and after; `noun` is what one statistic group is called (statNoun). */
export function channelChart(r: PanelRunResult, noun: string): HTMLElement {
	const box = el(
		'figure',
		{ class: 'chart wide' },
		el('figcaption', {}, `Per-${noun} mean and standard deviation, before and after`),
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
	drawChart(canvas, {
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
	});
	return box;
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
export function traceChart(
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
	drawChart(canvas, {
		type: 'line',
		data: { labels: batch.map((_, t) => String(t + 1)), datasets },
		options: chartDefaults(),
	});
	return box;
}

export function gapChart(sim: PanelSimulation): HTMLElement {
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
	drawChart(canvas, {
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
	});
	return box;
}

export function noiseChart(sim: PanelSimulation): HTMLElement {
	const noise = sim.result.noise;
	const title = 'How far a batch mean scatters from step to step, in units of σ';
	const box = el('figure', { class: 'chart' }, el('figcaption', {}, title));
	const canvas = el('canvas', {
		role: 'img',
		'aria-label': `${title}: ${noise.map((n) => `batch ${n.batchSize}: ${fixed(n.meanSpread, 4)}`).join(', ')}`,
	});
	box.append(el('div', { class: 'canvas-box' }, canvas));
	const defaults = chartDefaults();
	drawChart(canvas, {
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
	});
	return box;
}
