// The Keras layer rules as two tables (rule name → shape rule, → weight rule), and their dispatch.
import type { Shape, WeightInfo } from '../../../../protocol/analysis';
import { asInt, asString } from '../../../python/values';
import type { KerasLayerSpec, KerasShapeRule, KerasWeightRule } from '../catalogue';
import { LayerConfig, ShapeFn, WeightFn } from './args';
import { convolutionShapes, convolutionWeights } from './convolution';
import { coreShapes, coreWeights } from './core';
import { mergingShapes } from './merging';
import { normalizationWeights } from './normalization';
import { preprocessingShapes, preprocessingWeights } from './preprocessing';
import { recurrentShapes, recurrentWeights } from './recurrent';
import { reshapingShapes } from './reshaping';

export { axesOf, channelAxis } from './args';
export type { LayerConfig } from './args';

/** A wrapped layer (Bidirectional's argument), seen structurally to avoid an import cycle. */
interface InnerLayer {
	spec?: KerasLayerSpec;
	config: LayerConfig;
}

/**
 * `RNN(cell)`'s cells: one Keras cell, or a list of them (Keras stacks them, StackedRNNCells);
 * undefined where one is not a cell of the catalogue (a custom cell: its weights are its own code's).
 */
function cells(cfg: LayerConfig): InnerLayer[] | undefined {
	const v = cfg.get('cell');
	const items =
		v?.k === 'obj' ? [v] : (v?.k === 'list' || v?.k === 'tuple') && !v.cause ? v.items : [];
	const found = items.map((x) =>
		x.k === 'obj' && 'config' in x.obj ? (x.obj as unknown as InnerLayer) : undefined,
	);
	return found.length > 0 && found.every((c) => c?.spec?.shape === 'rnnCell')
		? (found as InnerLayer[])
		: undefined;
}

function inner(cfg: LayerConfig): InnerLayer | undefined {
	const v = cfg.get('layer');
	return v?.k === 'obj' && 'config' in v.obj ? (v.obj as unknown as InnerLayer) : undefined;
}

/**
 * Every shape rule the catalogue names, by layer family; the wrappers (Bidirectional,
 * TimeDistributed) are here, beside the dispatch they call again on the layer they wrap.
 */
const shapeRules: Record<KerasShapeRule, ShapeFn> = {
	...coreShapes,
	...convolutionShapes,
	...reshapingShapes,
	...mergingShapes,
	...recurrentShapes,
	...preprocessingShapes,
	bidirectional: (_spec, cfg, inputs) => {
		const layer = inner(cfg);
		if (!layer?.spec) {
			return null;
		}
		const out = kerasOutputShape(layer.spec, layer.config, inputs);
		const mode = asString(cfg.get('merge_mode'));
		if (!out || mode === undefined) {
			return null;
		}
		const last = out[out.length - 1];
		return mode === 'concat' ? [...out.slice(0, -1), last === null ? null : last * 2] : out;
	},
	rnnWrapper: (_spec, cfg, [input]) => {
		// (batch, steps, features) → the last cell's units, per step or at the last one.
		const last = cells(cfg)?.at(-1);
		const units = asInt(last?.config.get('units'));
		const seq = cfg.get('return_sequences');
		if (units === undefined || seq?.k !== 'bool' || input.length !== 3) {
			return null;
		}
		return seq.v ? [input[0], input[1], units] : [input[0], units];
	},
	timeDistributed: (_spec, cfg, [input]) => {
		// The wrapped layer sees (batch, *rest) for each of the input's steps (axis 1).
		const layer = inner(cfg);
		if (!layer?.spec || input.length < 3) {
			return null;
		}
		const out = kerasOutputShape(layer.spec, layer.config, [[input[0], ...input.slice(2)]]);
		return out ? [out[0], input[1], ...out.slice(1)] : null;
	},
};

/** Every weight rule the catalogue names, by layer family; the wrappers as for the shapes. */
const weightRules: Record<KerasWeightRule, WeightFn> = {
	...coreWeights,
	...convolutionWeights,
	...normalizationWeights,
	...recurrentWeights,
	...preprocessingWeights,
	bidirectional: (_spec, cfg, input) => {
		const layer = inner(cfg);
		if (!layer?.spec) {
			return null;
		}
		const one = kerasWeights(layer.spec, layer.config, input);
		return one
			? [
					...one.map((x) => ({ ...x, name: `forward_${x.name}` })),
					...one.map((x) => ({ ...x, name: `backward_${x.name}` })),
				]
			: null;
	},
	rnnWrapper: (_spec, cfg, input) => {
		// Each cell built on the features it receives: the input's, then the cell before's units.
		const all = cells(cfg);
		if (!all || input.length !== 3) {
			return null;
		}
		const out: WeightInfo[] = [];
		let features = input[2];
		for (const [i, c] of all.entries()) {
			const units = asInt(c.config.get('units'));
			const ws = c.spec && kerasWeights(c.spec, c.config, [input[0], features]);
			if (!ws || units === undefined) {
				return null;
			}
			out.push(
				...ws.map((w) => ({ ...w, name: all.length > 1 ? `cell_${i}/${w.name}` : w.name })),
			);
			features = units;
		}
		return out;
	},
	timeDistributed: (_spec, cfg, input) => {
		const layer = inner(cfg);
		return layer?.spec && input.length >= 3
			? kerasWeights(layer.spec, layer.config, [input[0], ...input.slice(2)])
			: null;
	},
};

/** Output shape of a Keras layer on these input shapes; `null` when it cannot be known. */
export function kerasOutputShape(
	spec: KerasLayerSpec,
	cfg: LayerConfig,
	inputs: Shape[],
): Shape | null {
	return shapeRules[spec.shape](spec, cfg, inputs);
}

/**
 * The weights a Keras layer creates when built on `input` (its first input; `inputs` all of them,
 * which MultiHeadAttention's key and value projections need); `null` when they cannot be known.
 */
export function kerasWeights(
	spec: KerasLayerSpec,
	cfg: LayerConfig,
	input: Shape,
	inputs: Shape[] = [input],
): WeightInfo[] | null {
	return weightRules[spec.weights](spec, cfg, input, inputs);
}
