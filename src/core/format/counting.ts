// A model's parameter counts in Keras's or PyTorch's convention (weights vs. parameters and buffers).
import type { Framework, LayerSummary, ModelSummary, ParamCounts } from '../../protocol/analysis';
import { formatBytes } from './summaryText';
import { pyFixed } from './torchinfoText';

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
	/** Each layer's share of the total (`1.19%`, torchinfo's Param % format), `--` for none, `?` when unknown. */
	percents: Record<string, string>;
	/**
	 * Keras models: the totals' bytes as Keras 3's summary prints them (`89.98 MB`, float32 weights);
	 * `?` when unknown, with `bytesUnknown` saying why (a layer's `dtype=` other than float32).
	 */
	bytes?: { total: string; trainable: string; nonTrainable: string };
	bytesUnknown?: string;
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
		return withShares(model, {
			convention,
			layers,
			totals: model.totals,
			note: notes[convention],
		});
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
	return withShares(model, { convention, layers, totals, note: notes[convention] });
}

/** Keras dtypes (or policies) whose variables are float32: 4 bytes a weight. */
const FLOAT32_VARIABLES: ReadonlySet<unknown> = new Set([
	undefined,
	null,
	'float32',
	'mixed_float16',
	'mixed_bfloat16',
]);

/** A view with each layer's Param % and, for a Keras model, Keras 3's byte sizes of its totals. */
function withShares(
	model: ModelSummary,
	view: Omit<CountingView, 'percents' | 'bytes' | 'bytesUnknown'>,
): CountingView {
	const total = view.totals.total;
	const percents: Record<string, string> = {};
	for (const [name, c] of Object.entries(view.layers)) {
		percents[name] =
			c === null || total === null
				? '?'
				: c.total === 0 || total === 0
					? '--'
					: `${pyFixed((c.total / total) * 100)}%`;
	}
	if (model.framework !== 'keras') {
		return { ...view, percents };
	}
	const odd = model.layers.find((l) => {
		const d = l.config.dtype;
		const name =
			d && typeof d === 'object' ? (d as { config?: { name?: unknown } }).config?.name : d;
		return !FLOAT32_VARIABLES.has(name);
	});
	const t = view.totals;
	const bytes = (n: number | null) => (odd ? '?' : formatBytes(n));
	return {
		...view,
		percents,
		bytes: {
			total: bytes(t.total),
			trainable: bytes(t.trainable),
			nonTrainable: bytes(t.nonTrainable),
		},
		...(odd
			? {
					bytesUnknown: `${odd.name} has dtype ${JSON.stringify(odd.config.dtype)}: NormLens counts bytes of float32 weights only`,
				}
			: {}),
	};
}
