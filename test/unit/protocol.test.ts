import * as assert from 'assert';
import { isFromPanel, isRunOptions, isToPanel } from '../../src/protocol/webviewProtocol';

const options = { batchSize: 32, seed: 42, distribution: 'normal', mode: 'train', useNpy: false };

describe('panel messages are validated on both sides', () => {
	it('from the panel: known types with well-formed, bounded fields only', () => {
		assert.ok(isFromPanel({ type: 'ready' }));
		assert.ok(isFromPanel({ type: 'runLayer', layerName: 'bn', options }));
		assert.ok(isFromPanel({ type: 'cancelRun' }));
		assert.ok(!isFromPanel({ type: 'runLayer', layerName: 'bn' }), 'no options');
		assert.ok(
			!isFromPanel({
				type: 'runLayer',
				layerName: 'bn',
				options: { ...options, batchSize: 1e9 },
			}),
			'absurd batch',
		);
		assert.ok(
			!isFromPanel({
				type: 'compareLayer',
				layerName: 'bn',
				options: { ...options, distribution: 'cauchy' },
			}),
		);
		assert.ok(!isFromPanel({ type: 'revealLayer', layerName: 3 }));
		assert.ok(isFromPanel({ type: 'revealCause', layerName: null }), "the totals' cause");
		assert.ok(isFromPanel({ type: 'revealCause', layerName: 'dense' }));
		assert.ok(!isFromPanel({ type: 'revealCause' }), 'which cause is required');
		assert.ok(!isFromPanel({ type: 'revealCause', layerName: 7 }));
		assert.ok(!isFromPanel({ type: 'eval', code: 'x' }));
		assert.ok(!isFromPanel(null));
		assert.ok(!isRunOptions({ ...options, seed: 0.5 }));
		assert.ok(!isRunOptions({ ...options, mode: 'predict' }));
	});

	it('to the panel: the fields each type renders are present', () => {
		assert.ok(isToPanel({ type: 'select', layerName: 'bn' }));
		assert.ok(isToPanel({ type: 'npy', name: null, shape: null, layerName: null }));
		assert.ok(
			isToPanel({ type: 'npy', name: 'x.npy', shape: [8, 50], layerName: 'bn' }),
			'a .npy and the layer whose input it is',
		);
		assert.ok(!isToPanel({ type: 'npy', name: 'x.npy', shape: [8, 50], layerName: 3 }));
		assert.ok(
			isToPanel({ type: 'simulateStarted', layerName: 'bn', shape: [32, 50], steps: 200 }),
		);
		assert.ok(
			!isToPanel({ type: 'simulateResult', result: { layerName: 'bn' } }),
			'a simulation without its result',
		);
		assert.ok(
			isFromPanel({
				type: 'simulateLayer',
				layerName: 'bn',
				options,
				simulation: { steps: 200, drift: { shift: 2, scale: 1.5 } },
			}),
		);
		assert.ok(
			!isFromPanel({
				type: 'simulateLayer',
				layerName: 'bn',
				options,
				simulation: { steps: 0, drift: { shift: 0, scale: 1 } },
			}),
			'steps out of range',
		);
		assert.ok(
			!isFromPanel({
				type: 'simulateLayer',
				layerName: 'bn',
				options,
				simulation: { steps: 20, drift: { shift: 0, scale: 0 } },
			}),
			'a scale that is not positive',
		);
		assert.ok(isToPanel({ type: 'empty', message: 'nothing' }));
		assert.ok(!isToPanel({ type: 'select' }));
		assert.ok(!isToPanel({ type: 'runStarted', layerName: 'bn', shape: 'big' }));
		assert.ok(
			!isToPanel({
				type: 'model',
				uri: 'file:///a.py',
				fileName: 'a.py',
				model: {},
				explanations: { texts: [], byLayer: {} },
				counting: {},
				defaults: options,
			}),
			'a model without layers',
		);
		assert.ok(
			!isToPanel({
				type: 'compare',
				layerName: 'bn',
				shape: [2, 3],
				entries: [],
				options: {},
			}),
		);
		assert.ok(!isToPanel({ type: 'unknown' }));
		const model = {
			type: 'model',
			uri: 'file:///a.py',
			fileName: 'a.py',
			model: { layers: [] },
			explanations: { texts: [], byLayer: {} },
			counting: {},
			defaults: options,
			selected: null,
			npy: null,
		};
		assert.ok(isToPanel(model), 'a state saved before causes existed');
		assert.ok(
			isToPanel({
				...model,
				causes: [
					{
						layerName: null,
						what: 'totals',
						reason: '`x` is not defined',
						where: 'line 2',
					},
				],
			}),
		);
		assert.ok(
			!isToPanel({
				...model,
				causes: [{ layerName: null, what: 'totals', reason: 3, where: 'line 2' }],
			}),
			'a cause without its reason',
		);
		assert.ok(!isToPanel({ ...model, causes: 'none' }));
		assert.ok(isToPanel({ type: 'runProgress', fraction: 0.25 }));
		assert.ok(!isToPanel({ type: 'runProgress', fraction: 1.5 }));
		assert.ok(!isToPanel({ type: 'runProgress', fraction: Number.NaN }));
		assert.ok(!isToPanel({ type: 'runProgress', fraction: '50%' }));
	});
});
