// The comparison of batch, layer, instance and group norm on one tensor: a card per method and a table.
import type { PanelCompareEntry, PanelRunResult } from '../protocol/webviewProtocol';
import { histogramChart } from './charts';
import { afterColor, beforeColor, count, el, guaranteesText, shape } from './dom';
import { axesPicture } from './layerView';
import type { CompareMessage, PanelView } from './state';

export function compareSection(ui: PanelView, c: CompareMessage): HTMLElement {
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
		grid.append(compareCard(ui, entry));
	}
	s.append(grid);
	s.append(compareTable(ui, c.entries));
	return s;
}

function compareCard(ui: PanelView, entry: PanelCompareEntry): HTMLElement {
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
function compareTable(ui: PanelView, entries: PanelCompareEntry[]): HTMLElement {
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
