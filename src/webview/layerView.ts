// The selected layer in detail: what it normalizes over, its tensor drawing, formula and shapes.
import { LayerExplanation, LayerSummary, STATISTICS_OF, statisticsPer } from '../protocol/analysis';
import type Katex from 'katex';
import { count, el, shape } from './dom';
import { library, whenLoaded } from './lazy';
import type { PanelContext } from './panelContext';
import { runControls } from './runControls';
import { tensorDrawing } from './tensorDrawing';

export function axesPicture(e: LayerExplanation): HTMLElement {
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
		const tex = e.formulaTex;
		const typeset = (katex: typeof Katex) =>
			katex.render(tex, math, {
				throwOnError: false,
				displayMode: true,
				output: 'htmlAndMathml',
			});
		// KaTeX comes in its own chunk (lazy.ts): until it has, the formula shows as text.
		const katex = library('katex');
		if (katex) {
			typeset(katex);
		} else {
			math.textContent = e.formula;
			whenLoaded('katex').then(typeset, () => undefined);
		}
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

export function detail(
	panel: PanelContext,
	layer: LayerSummary,
	e: LayerExplanation | undefined,
): HTMLElement {
	const s = el('section', { class: 'detail', 'aria-label': `Layer ${layer.name}` });
	s.append(el('h2', {}, `${layer.name} (${layer.type})`));
	s.append(el('p', {}, `Input ${shape(layer.inputShape)} → output ${shape(layer.outputShape)}`));
	const c = panel.ui.current?.counting[panel.ui.convention].layers[layer.name];
	if (c) {
		s.append(
			el(
				'p',
				{},
				`Parameters: ${count(c.total)} (${count(c.trainable)} trainable, ${count(c.nonTrainable)} non-trainable${panel.ui.convention === 'torch' ? `; ${count(c.buffers)} in buffers` : ''})`,
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
	s.append(el('div', { id: 'run-area', 'data-layer': layer.name }, runControls(panel, layer, e)));
	return s;
}
