// torch.nn's recurrent layers (RNN, LSTM, GRU) and their cells: rows, weight and shape rules, and the final hidden state.
import type { Shape, WeightInfo } from '../../../../protocol/analysis';
import { asInt, tuple, Value } from '../../../python/values';
import { ArgDefault, REQUIRED, ShapeError } from '../../common/spec';
import type { ArgCheck, TorchModuleSpec, TorchParamRule, TorchShapeRule } from '../catalogue';
import { TorchModule, TorchTensor } from '../objects';
import {
	bool,
	checkChannels,
	fmt,
	int,
	MAX_STACKED_LAYERS,
	p,
	ParamFn,
	ShapeFn,
	SizeBoundError,
} from './shared';

const rnn = (name: string, gates: 1 | 3 | 4): TorchModuleSpec => ({
	name,
	category: 'recurrent',
	gates,
	args: [
		['input_size', REQUIRED],
		['hidden_size', REQUIRED],
		['num_layers', 1],
		...(name === 'RNN' ? ([['nonlinearity', 'tanh']] as [string, ArgDefault][]) : []),
		['bias', true],
		['batch_first', false],
		['dropout', 0],
		['bidirectional', false],
		...(name === 'LSTM' ? ([['proj_size', 0]] as [string, ArgDefault][]) : []),
	],
	params: 'rnn',
	shape: 'rnn',
	layout: 'rnn',
	checks: [
		{ arg: 'num_layers', min: 1 },
		{ arg: 'dropout', min: 0, max: 1 },
		...(name === 'RNN'
			? ([{ arg: 'nonlinearity', oneOf: ['tanh', 'relu'] }] as ArgCheck[])
			: []),
		...(name === 'LSTM'
			? ([
					{ arg: 'proj_size', min: 0 },
					{ arg: 'proj_size', below: 'hidden_size' },
				] as ArgCheck[])
			: []),
	],
	ranks: [2, 3],
});

/** One step of a recurrent layer (RNNCell, LSTMCell, GRUCell): input (N, H_in) or (H_in,). */
const cell = (name: string, gates: 1 | 3 | 4): TorchModuleSpec => ({
	name,
	category: 'recurrent',
	gates,
	args: [
		['input_size', REQUIRED],
		['hidden_size', REQUIRED],
		['bias', true],
		...(name === 'RNNCell' ? ([['nonlinearity', 'tanh']] as [string, ArgDefault][]) : []),
	],
	params: 'rnnCell',
	shape: 'rnnCell',
	checks:
		name === 'RNNCell' ? [{ arg: 'nonlinearity', oneOf: ['tanh', 'relu'], stage: 'call' }] : [],
	ranks: [1, 2],
});

/** The recurrent layers, in catalogue order. */
export const recurrentModules: TorchModuleSpec[] = [
	rnn('RNN', 1),
	rnn('LSTM', 4),
	rnn('GRU', 3),
	cell('RNNCell', 1),
	cell('LSTMCell', 4),
	cell('GRUCell', 3),
];

/**
 * An LSTM's proj_size (0: none); an RNN and a GRU have none. `undefined` when the program gives
 * one NormLens does not know: the weights and h_n depend on it, so they are unknown, not proj_size 0.
 */
function projSize(cfg: Map<string, Value>): number | undefined {
	return cfg.has('proj_size') ? int(cfg, 'proj_size') : 0;
}

/** The weight rules the recurrent rows name, by name (rules.ts gathers every family's). */
export const recurrentParams = {
	rnn: (s, cfg) => {
		const input = int(cfg, 'input_size');
		const hidden = int(cfg, 'hidden_size');
		const layers = int(cfg, 'num_layers');
		const bias = bool(cfg, 'bias');
		const bi = bool(cfg, 'bidirectional');
		const proj = projSize(cfg);
		if (
			input === undefined ||
			hidden === undefined ||
			layers === undefined ||
			bias === undefined ||
			bi === undefined ||
			proj === undefined
		) {
			return null;
		}
		if (layers > MAX_STACKED_LAYERS) {
			throw new SizeBoundError(
				`num_layers=${layers} is more than the ${MAX_STACKED_LAYERS.toLocaleString('en-US')} stacked layers NormLens builds, so its parameters are not counted`,
			);
		}
		const gates = (s.gates ?? 1) * hidden;
		const out = proj > 0 ? proj : hidden;
		const dirs = bi ? 2 : 1;
		const w: WeightInfo[] = [];
		for (let l = 0; l < layers; l++) {
			const inL = l === 0 ? input : out * dirs;
			for (let d = 0; d < dirs; d++) {
				const sfx = `l${l}${d === 1 ? '_reverse' : ''}`;
				w.push(p(`weight_ih_${sfx}`, [gates, inL]), p(`weight_hh_${sfx}`, [gates, out]));
				if (bias) {
					w.push(p(`bias_ih_${sfx}`, [gates]), p(`bias_hh_${sfx}`, [gates]));
				}
				if (proj > 0) {
					w.push(p(`weight_hr_${sfx}`, [proj, hidden]));
				}
			}
		}
		return w;
	},
	// weight_ih (gates·H, H_in), weight_hh (gates·H, H), and their biases: torch.nn.RNNCellBase.
	rnnCell: (s, cfg) => {
		const input = int(cfg, 'input_size');
		const hidden = int(cfg, 'hidden_size');
		const bias = bool(cfg, 'bias');
		if (input === undefined || hidden === undefined || bias === undefined) {
			return null;
		}
		const gates = (s.gates ?? 1) * hidden;
		return [
			p('weight_ih', [gates, input]),
			p('weight_hh', [gates, hidden]),
			...(bias ? [p('bias_ih', [gates]), p('bias_hh', [gates])] : []),
		];
	},
} satisfies Partial<Record<TorchParamRule, ParamFn>>;

/** The shape rules the recurrent rows name, by name (rules.ts gathers every family's). */
export const recurrentShapes = {
	rnn: (spec, cfg, [x, ...hx], name) => {
		const hidden = int(cfg, 'hidden_size');
		const proj = projSize(cfg);
		const bi = bool(cfg, 'bidirectional');
		const layers = int(cfg, 'num_layers');
		const batchFirst = bool(cfg, 'batch_first');
		checkChannels(x, x.length - 1, int(cfg, 'input_size'), 'input features (input_size)', name);
		if (hidden === undefined || bi === undefined || proj === undefined) {
			return null;
		}
		if (hx.length > 0) {
			// PyTorch checks the initial state against (layers × directions, N, H_out) — (…, H_cell) for c_0.
			const expected = spec.gates === 4 ? [proj > 0 ? proj : hidden, hidden] : [hidden];
			if (
				layers === undefined ||
				batchFirst === undefined ||
				hx.length !== expected.length ||
				(x.length !== 2 && x.length !== 3)
			) {
				return null;
			}
			const n = x.length === 3 ? [batchFirst ? x[0] : x[1]] : [];
			hx.forEach((h, i) => {
				const want = [layers * (bi ? 2 : 1), ...n, expected[i]];
				if (
					h.length !== want.length ||
					h.some((d, j) => d !== null && want[j] !== null && d !== want[j])
				) {
					throw new ShapeError(
						`${name} expects ${i === 0 ? 'h_0' : 'c_0'} of shape ${fmt(want)} but got ${fmt(h)}`,
					);
				}
			});
		}
		return [...x.slice(0, -1), (proj > 0 ? proj : hidden) * (bi ? 2 : 1)];
	},
	// h' of (N, H) or (H,); an LSTMCell returns (h', c'), both that shape (forward.ts makes the pair).
	rnnCell: (_spec, cfg, [x], name) => {
		const hidden = int(cfg, 'hidden_size');
		checkChannels(x, x.length - 1, int(cfg, 'input_size'), 'input features (input_size)', name);
		return hidden === undefined ? null : [...x.slice(0, -1), hidden];
	},
} satisfies Partial<Record<TorchShapeRule, ShapeFn>>;

/**
 * An RNN's final hidden state, as PyTorch returns it beside the output: `h_n` of shape
 * (layers × directions, N, H_out) — batch_first does not reorder it — and for an LSTM the tuple
 * (h_n, c_n), c_n with the hidden size (h_n with proj_size when set); unbatched input drops N.
 * Where a size is unknown the structure still is (an LSTM's `out, (h, c) = lstm(x)` unpacks), with
 * tensors of unknown shape that take the output's cause (shapeCauses.ts).
 */
export function rnnHidden(m: TorchModule, spec: TorchModuleSpec, input: Shape | null): Value {
	const layers = asInt(m.config.get('num_layers'));
	const hidden = asInt(m.config.get('hidden_size'));
	const bi = m.config.get('bidirectional');
	// asInt, not int: a float size raised where the module was built, and reads as unknown here.
	const projArg = m.config.get('proj_size');
	const proj = projArg === undefined ? 0 : asInt(projArg);
	const batchFirst = m.config.get('batch_first');
	const known =
		input &&
		layers !== undefined &&
		hidden !== undefined &&
		bi?.k === 'bool' &&
		batchFirst?.k === 'bool' &&
		(input.length === 2 || input.length === 3);
	const lead = known ? layers * (bi.v ? 2 : 1) : 0;
	const n = known && input.length === 3 ? [batchFirst.v ? input[0] : input[1]] : [];
	const t = (size: number | undefined): Value => ({
		k: 'obj',
		obj: new TorchTensor(known && size !== undefined ? [lead, ...n, size] : null, m),
	});
	return spec.gates === 4
		? tuple([t(proj === undefined ? undefined : proj > 0 ? proj : hidden), t(hidden)])
		: t(hidden);
}
