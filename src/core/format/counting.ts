// A model's parameter counts in Keras's or PyTorch's convention (weights vs. parameters and buffers).
import type { Framework, LayerSummary, ModelSummary, ParamCounts } from '../../protocol/analysis';

/**
 * Keras and PyTorch count the same layer differently: Keras calls every state tensor a weight
 * (BatchNormalization's moving statistics are non-trainable weights), PyTorch splits parameters
 * from buffers (running_mean, running_var, num_batches_tracked). These tables say which state
 * tensors move across when a model is shown in the other framework's convention.
 */
const kerasStateWeights: ReadonlySet<string> = new Set([
	'moving_mean',
	'moving_variance',
	'mean',
	'variance',
	'count',
]);
/** PyTorch buffers that have no Keras counterpart (an int64 step counter, not a weight). */
const torchBuffersWithoutKerasWeight: ReadonlySet<string> = new Set(['num_batches_tracked']);

export interface CountingView {
	convention: Framework;
	/** Per layer name; `null` where the layer's counts are unknown. */
	layers: Record<string, ParamCounts | null>;
	totals: ModelSummary['totals'];
	/** One sentence on what the convention counts, for the panel. */
	note: string;
}

interface Shift {
	/** Elements that leave the parameter total (Keras → PyTorch: state becomes buffers). */
	toBuffers: number;
	/** Buffer elements that join the non-trainable total (PyTorch → Keras). */
	toParams: number;
	/** Buffer elements that are dropped (PyTorch → Keras: num_batches_tracked). */
	dropped: number;
}

const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);

function shiftOf(layer: LayerSummary, to: Framework): Shift | null {
	if (!layer.weights) {
		return null;
	}
	const s: Shift = { toBuffers: 0, toParams: 0, dropped: 0 };
	for (const w of layer.weights) {
		if (to === 'torch' && w.kind === 'param' && !w.trainable && kerasStateWeights.has(w.name)) {
			s.toBuffers += size(w.shape);
		} else if (to === 'keras' && w.kind === 'buffer') {
			if (torchBuffersWithoutKerasWeight.has(w.name)) {
				s.dropped += size(w.shape);
			} else {
				s.toParams += size(w.shape);
			}
		}
	}
	return s;
}

function apply(p: ParamCounts, s: Shift): ParamCounts {
	const total = p.total - s.toBuffers + s.toParams;
	const nonTrainable = p.nonTrainable - s.toBuffers + s.toParams;
	return {
		total,
		trainable: p.trainable,
		nonTrainable,
		buffers: p.buffers + s.toBuffers - s.toParams - s.dropped,
	};
}

const notes: Record<Framework, string> = {
	keras: 'Keras convention: every state tensor is a weight; moving mean and variance are non-trainable params (PyTorch’s num_batches_tracked has no Keras counterpart and is left out).',
	torch: 'PyTorch convention: parameters (trainable or frozen) and buffers apart; running mean and variance are buffers, not parameters.',
};

/**
 * A model's counts in one framework's convention. In the model's own convention the counts are the
 * analysis's (PyTorch's tied-weight deduplication included); in the other, each layer's state
 * tensors are moved between parameters and buffers as the tables above say.
 */
export function countingView(model: ModelSummary, convention: Framework): CountingView {
	const layers: Record<string, ParamCounts | null> = {};
	if (convention === model.framework) {
		for (const l of model.layers) {
			layers[l.name] = l.params;
		}
		return { convention, layers, totals: model.totals, note: notes[convention] };
	}
	const total: Shift = { toBuffers: 0, toParams: 0, dropped: 0 };
	let known = true;
	for (const l of model.layers) {
		const s = shiftOf(l, convention);
		layers[l.name] = l.params && s ? apply(l.params, s) : null;
		if (s) {
			total.toBuffers += s.toBuffers;
			total.toParams += s.toParams;
			total.dropped += s.dropped;
		} else {
			known = false;
		}
	}
	const t = model.totals;
	const totals: ModelSummary['totals'] =
		!known ||
		t.total === null ||
		t.trainable === null ||
		t.nonTrainable === null ||
		t.buffers === null
			? { total: null, trainable: null, nonTrainable: null, buffers: null }
			: apply(
					{
						total: t.total,
						trainable: t.trainable,
						nonTrainable: t.nonTrainable,
						buffers: t.buffers,
					},
					total,
				);
	return { convention, layers, totals, note: notes[convention] };
}
