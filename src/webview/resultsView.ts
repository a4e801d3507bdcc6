// The selected layer's results: a sample run (histograms, per-feature statistics) or a training-steps simulation.
import type { PanelRunResult, PanelSimulation } from '../protocol/webviewProtocol';
import { channelChart, gapChart, histogramChart, noiseChart, traceChart } from './charts';
import { afterColor, beforeColor, el, fixed, guaranteesText } from './dom';
import { explanationOf, PanelView } from './state';

/** What one statistic group is called in the result (feature for BN, group for the others). */
function statNoun(ui: PanelView, r: PanelRunResult): string {
	const e = explanationOf(ui.current, r.layerName);
	return !e || e.family === 'batch' ? 'feature' : 'statistic';
}

export function runSection(ui: PanelView, r: PanelRunResult): HTMLElement {
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
			`${r.features.toLocaleString('en-US')} ${statNoun(ui, r)}s × ${r.groupSize.toLocaleString('en-US')} values each; ${source}; ${mode}; ${r.backend} kernel, ${fixed(r.elapsedMs, 1)} ms (input ${fixed(r.phases.input, 1)}, statistics ${fixed(r.phases.stats, 1)}, normalize ${fixed(r.phases.normalize, 1)}). ` +
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
	s.append(channelChart(r, statNoun(ui, r)));
	const table = el('table', {
		class: 'stats',
		'aria-label': 'Mean and standard deviation of each statistic group before and after',
	});
	const head = [
		statNoun(ui, r),
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

export function simulationSection(sim: PanelSimulation): HTMLElement {
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
