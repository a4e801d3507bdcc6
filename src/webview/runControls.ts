// The run controls under the layer detail: the sample's options, the run, compare and simulate buttons, progress.
import type { LayerExplanation, LayerSummary } from '../protocol/analysis';
import type { RunOptions, SimulationOptions } from '../protocol/webviewProtocol';
import { el } from './dom';
import type { PanelContext } from './panelContext';

/** The bar shows runFraction; without one it stays indeterminate (no value attribute). */
export function showProgress(panel: PanelContext, bar: HTMLProgressElement): void {
	if (panel.ui.runFraction !== null) {
		bar.max = 1;
		bar.value = panel.ui.runFraction;
		bar.setAttribute('aria-valuetext', `${Math.round(panel.ui.runFraction * 100)} %`);
	}
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

export function runControls(
	panel: PanelContext,
	layer: LayerSummary,
	e: LayerExplanation,
): HTMLElement {
	const form = el('form', { class: 'controls', 'aria-label': 'Sample run' });
	// The .npy is the input of the layer it was loaded for; other layers offer to load one of their own.
	const npyHere =
		panel.ui.npy !== null && panel.ui.npy.layerName === layer.name ? panel.ui.npy : null;
	const usingNpy = panel.ui.options.useNpy && npyHere !== null;
	const batch = el('input', {
		type: 'number',
		min: '1',
		max: '65536',
		step: '1',
		value: String(panel.ui.options.batchSize),
	});
	const batchKnown = e.inputShape?.[0] !== null && e.inputShape?.[0] !== undefined;
	batch.disabled = usingNpy || batchKnown;
	batch.title = batchKnown
		? 'The model fixes the batch size of this input.'
		: usingNpy
			? 'The .npy file decides the batch size.'
			: '';
	const seed = el('input', { type: 'number', step: '1', value: String(panel.ui.options.seed) });
	seed.disabled = usingNpy;
	const dist = el(
		'select',
		{},
		...(['normal', 'uniform', 'lognormal'] as const).map((d) =>
			el('option', { value: d }, d === 'lognormal' ? 'log-normal' : d),
		),
	);
	dist.value = panel.ui.options.distribution;
	dist.disabled = usingNpy;
	const mode = el(
		'select',
		{},
		el('option', { value: 'train' }, 'training (batch statistics)'),
		el('option', { value: 'eval' }, 'inference (running statistics)'),
	);
	mode.value = panel.ui.options.mode;
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
			Math.min(65536, Math.floor(Number(batch.value) || panel.ui.options.batchSize)),
		),
		seed: Math.floor(Number(seed.value) || 0),
		distribution: dist.value as RunOptions['distribution'],
		mode: mode.value as RunOptions['mode'],
		useNpy: source.value === 'npy' && npyHere !== null,
	});
	for (const c of [batch, seed, dist, mode]) {
		c.addEventListener('change', () => {
			panel.ui.options = read();
			panel.save();
		});
	}
	source.addEventListener('change', () => {
		if (source.value === 'npy' && !npyHere) {
			panel.post({ type: 'pickNpy' });
			source.value = 'sample';
			return;
		}
		panel.ui.options = read();
		panel.save();
		panel.render();
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
	pick.addEventListener('click', () => panel.post({ type: 'pickNpy' }));
	cmp.addEventListener('click', () => {
		panel.ui.options = read();
		panel.save();
		panel.post({ type: 'compareLayer', layerName: layer.name, options: panel.ui.options });
	});
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		panel.ui.options = read();
		panel.save();
		panel.post({ type: 'runLayer', layerName: layer.name, options: panel.ui.options });
	});
	buttons.append(run, cmp, pick);
	const stepsInput = el('input', {
		type: 'number',
		min: '1',
		max: '10000',
		step: '1',
		value: String(panel.ui.simulationOptions.steps),
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
					d.drift.shift === panel.ui.simulationOptions.drift.shift &&
					d.drift.scale === panel.ui.simulationOptions.drift.scale,
			),
		),
	);
	const readSimulation = (): SimulationOptions => ({
		steps: Math.max(1, Math.min(10_000, Math.floor(Number(stepsInput.value) || 200))),
		drift: DRIFTS[Number(drift.value)]?.drift ?? DRIFTS[0].drift,
	});
	for (const c of [stepsInput, drift]) {
		c.addEventListener('change', () => {
			panel.ui.simulationOptions = readSimulation();
			panel.save();
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
		panel.ui.options = read();
		panel.ui.simulationOptions = readSimulation();
		panel.save();
		panel.post({
			type: 'simulateLayer',
			layerName: layer.name,
			options: { ...panel.ui.options, useNpy: false },
			simulation: panel.ui.simulationOptions,
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
		clear.addEventListener('click', () => panel.post({ type: 'clearNpy' }));
		buttons.append(clear);
	}
	if (panel.ui.running) {
		run.disabled = true;
		cmp.disabled = true;
		simulate.disabled = true;
		const cancel = el(
			'button',
			{ type: 'button', class: 'secondary', id: 'cancel-button' },
			'Cancel',
		);
		cancel.addEventListener('click', () => panel.post({ type: 'cancelRun' }));
		buttons.append(cancel);
		const bar = el('progress', {
			'aria-label': panel.ui.running,
			id: 'run-progress',
		}) as HTMLProgressElement;
		showProgress(panel, bar);
		form.append(
			buttons,
			el('div', { class: 'progress', role: 'status' }, bar, ` ${panel.ui.running}`),
		);
	} else {
		form.append(buttons);
	}
	if (panel.ui.runError) {
		form.append(el('p', { class: 'error', role: 'alert' }, panel.ui.runError));
	}
	return form;
}
