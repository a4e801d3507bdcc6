// What a recurrent layer called with `return_state=True` returns beside its output: its final
// states (LSTM h and c, GRU / SimpleRNN h; a Bidirectional wrapper both directions' states).
import type { Shape } from '../../../protocol/analysis';
import type { CallArgs } from '../../python/interpreter';
import { asInt } from '../../python/values';
import { collectTensors, KerasLayer, KerasTensor } from './objects';
import { kerasOutputShape } from './rules';

/**
 * The final states a call of `layer` returns after its output: how many and their units; undefined
 * when it returns its output alone (not a recurrent layer, or `return_state` false); null when
 * NormLens cannot tell (`return_state` or `units` not known).
 */
export function returnedStates(
	layer: KerasLayer,
): { count: number; units: number } | null | undefined {
	const cell = layer.type === 'Bidirectional' ? wrappedLayer(layer) : layer;
	if (!cell) {
		return undefined;
	}
	if (cell.type === 'RNN') {
		// RNN(cell, return_state=True): each cell's states (two for an LSTMCell), not followed.
		const flag = cell.config.get('return_state');
		return flag?.k === 'bool' && !flag.v ? undefined : null;
	}
	const directions = cell === layer ? 1 : 2;
	const gates = cell.spec?.gates;
	if (gates === undefined) {
		return undefined;
	}
	const flag = cell.config.get('return_state');
	const units = asInt(cell.config.get('units'));
	if (flag === undefined || (flag.k === 'bool' && !flag.v)) {
		return undefined;
	}
	if (flag.k !== 'bool' || units === undefined) {
		return null;
	}
	// LSTM keeps two states (h, c); GRU and SimpleRNN one.
	return { count: directions * (gates === 4 ? 2 : 1), units };
}

/** The tensors given as `initial_state=` (one or a list): inputs of the call's node in the graph. */
export function initialStates(args: CallArgs): KerasTensor[] {
	const v = args.keywords.get('initial_state');
	const out: KerasTensor[] = [];
	if (v && v.k !== 'none') {
		collectTensors(v, out);
	}
	return out;
}

/** A final state's shape: (batch, units) from the input's shape. */
export function stateShape(input: Shape | null, units: number): Shape | null {
	return input && input.length > 0 ? [input[0], units] : null;
}

/**
 * `Bidirectional(…, merge_mode=None)`: the two directions' outputs are not merged but returned as a
 * list, each of the wrapped layer's output shape (undefined for any other layer or merge mode).
 */
export function unmergedDirections(
	layer: KerasLayer,
	input: Shape[] | null,
): { shape: Shape | null } | undefined {
	if (!isUnmerged(layer)) {
		return undefined;
	}
	const cell = wrappedLayer(layer);
	if (!cell?.spec || !input) {
		return { shape: null };
	}
	try {
		return { shape: kerasOutputShape(cell.spec, cell.config, input) };
	} catch {
		// The wrapped layer refuses the input: Bidirectional's own rule reports it.
		return { shape: null };
	}
}

/** A Bidirectional wrapper whose two directions are not merged (`merge_mode=None`). */
export function isUnmerged(layer: KerasLayer): boolean {
	return layer.type === 'Bidirectional' && layer.config.get('merge_mode')?.k === 'none';
}

/** The layer a wrapper (Bidirectional) runs, where it is a layer NormLens knows. */
function wrappedLayer(layer: KerasLayer): KerasLayer | undefined {
	const inner = layer.config.get('layer');
	return inner?.k === 'obj' && inner.obj instanceof KerasLayer ? inner.obj : undefined;
}

/**
 * `mha(query, value, return_attention_scores=True)`: Keras returns `(output, scores)`, the scores of
 * shape (batch, heads, *query's steps, *key's steps) over the default attention axes; Attention's
 * and AdditiveAttention's (batch, query's steps, key's steps). Undefined
 * where the call returns its output alone; null where NormLens cannot tell whether it does.
 */
export function attentionScores(
	layer: KerasLayer,
	args: CallArgs,
	inputs: KerasTensor[],
): { shape: Shape | null } | null | undefined {
	const flag = args.keywords.get('return_attention_scores');
	const multiHead = layer.type === 'MultiHeadAttention';
	if (
		(!multiHead && layer.type !== 'Attention' && layer.type !== 'AdditiveAttention') ||
		!flag ||
		(flag.k === 'bool' && !flag.v)
	) {
		return undefined;
	}
	if (flag.k !== 'bool') {
		return null;
	}
	// Attention / AdditiveAttention have one head, and no axis of it in their scores.
	const heads = multiHead ? asInt(layer.config.get('num_heads')) : 0;
	const axes = multiHead ? layer.config.get('attention_axes') : undefined;
	// The key is the value where none is given: its steps are the value's.
	const [query, value] = [inputs[0]?.shape, inputs[1]?.shape];
	const steps = (s: Shape) => s.slice(1, -1);
	return {
		shape:
			heads !== undefined && query && value && (!axes || axes.k === 'none')
				? [query[0], ...(multiHead ? [heads] : []), ...steps(query), ...steps(value)]
				: null,
	};
}
