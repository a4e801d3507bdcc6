// What one Keras run shares between the runtime's parts: layers, models, names, global format.
import type { SummarySnapshot } from '../../notebook/printedSummary';
import type { Finding } from '../../diagnostics/group';
import type { Shape, TextRange } from '../../../protocol/analysis';
import type { Value } from '../../python/values';
import { kerasLayerSpec } from './catalogue';
import type { KerasDialect } from './dialect';
import { isConcrete, KerasLayer, KerasModel, KerasTensor } from './objects';

const snakeCases = new Map<string, string>();

/** Keras's `to_snake_case`, which names layers `batch_normalization`, `conv2d`, `re_lu` (memoised: a few class names, thousands of layers). */
export function toSnakeCase(name: string): string {
	let snake = snakeCases.get(name);
	if (snake === undefined) {
		snake = name
			.replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
			.replace(/([a-z])([A-Z])/g, '$1_$2')
			.toLowerCase();
		if (snakeCases.size < 4096) {
			snakeCases.set(name, snake);
		}
	}
	return snake;
}

/**
 * The state of one analysis on the Keras side: every layer and model made, the counters of
 * automatic names, Keras's global image data format, the ids of symbolic tensors (in call order),
 * and whether code runs inside a layer's own `call`. The runtime (runtime.ts) owns one; the files
 * for layers, models, subclasses and summaries are functions of it.
 */
export class KerasSession {
	readonly layers: KerasLayer[] = [];
	readonly models: KerasModel[] = [];
	/**
	 * Layers of a bundled application whose layer list is not the same in every Keras version
	 * (MobileNetV2, ResNet50, EfficientNet…; VGG's is): a list holding them has no known order.
	 */
	readonly versionedLayers = new WeakSet<KerasLayer>();
	readonly diagnostics: Finding[] = [];
	private readonly counters = new Map<string, number>();
	private readonly modelLayers = new Map<KerasModel, KerasLayer>();
	/** The Sequential each layer was first added to: where its `.output` comes from before any call (sequentialGraph). */
	readonly sequentialOf = new WeakMap<KerasLayer, KerasModel>();
	/**
	 * Keras's global image data format, which layers built with `data_format=None` take at
	 * construction (`keras.backend.set_image_data_format`); `channels_last` in a fresh Keras.
	 */
	imageDataFormat: Value = { k: 'str', v: 'channels_last' };
	/** Set by `K.set_image_dim_ordering(…)`: Keras 1's global ordering, unknown (keras.json) until the code sets it. */
	keras1Ordering: Value | undefined;

	/** Whether the source is written for Keras 1 (its dialect says so): Keras 1 names and arguments. */
	readonly keras1: boolean;

	/** The models `model.summary()` printed, as they were at each call. */
	readonly summarySnapshots: SummarySnapshot[] = [];
	/** The id of the next symbolic tensor: ids grow in call order (graphLayers reports the first unfollowed call by it). */
	tensorIds = 0;
	/** How deep the code now running is inside layers' own `call`s (insideLayer). */
	private layerCallDepth = 0;

	constructor(readonly dialect: KerasDialect) {
		this.keras1 = dialect.keras1;
	}

	/**
	 * A name Keras would give: `dense`, `dense_1` (Keras 3, tf.keras); numbered from 1 where that
	 * Keras does (inputs in tf.keras; everything in Keras 1 and standalone Keras up to 2.3). Inputs
	 * and functional models are named by the dialect (`input_layer` / `input_1`, `functional` / `model`).
	 */
	uniqueName(base: string, what: 'layer' | 'input' | 'model' = 'layer'): string {
		const naming = this.dialect.naming;
		const stem =
			what === 'input'
				? naming === 'keras3'
					? 'input_layer'
					: 'input'
				: what === 'model'
					? naming === 'keras3'
						? 'functional'
						: 'model'
					: base;
		const oneBased = naming === 'legacy' || (what === 'input' && naming === 'tf.keras');
		const n = this.counters.get(stem) ?? 0;
		this.counters.set(stem, n + 1);
		return oneBased ? `${stem}_${n + 1}` : n === 0 ? stem : `${stem}_${n}`;
	}

	modelLayer(model: KerasModel): KerasLayer {
		let layer = this.modelLayers.get(model);
		if (!layer) {
			const type =
				model.modelKind === 'sequential'
					? 'Sequential'
					: model.modelKind === 'functional'
						? (model.pyClass?.name ?? 'Functional')
						: (model.pyClass?.name ?? 'Model');
			layer = new KerasLayer(type, model.name, undefined, new Map(), model.range, undefined);
			layer.nested = model;
			this.modelLayers.set(model, layer);
		}
		return layer;
	}

	/** Whether code runs inside a layer's own `call` (or a Lambda's function), not at a model's level. */
	get insideLayerCall(): boolean {
		return this.layerCallDepth > 0;
	}

	/** Code run as a layer's own `call` or a Lambda's function: its TensorFlow functions are the layer's, not layers. */
	insideLayer<T>(run: () => T): T {
		this.layerCallDepth++;
		try {
			return run();
		} finally {
			this.layerCallDepth--;
		}
	}

	/**
	 * tf.keras 2 wraps a TensorFlow function or operator called on symbolic tensors in a layer of no
	 * weights, a `TFOpLambda` row named after the function (`tf.concat`, `tf.__operators__.add`);
	 * Keras 3 makes no layer of it (null).
	 */
	opLayer(
		apiName: string | undefined,
		inputs: KerasTensor[],
		shape: Shape | null,
		range: TextRange,
		/** The layer class: `SlicingOpLambda` for `x[…]`. */
		type: 'TFOpLambda' | 'SlicingOpLambda' = 'TFOpLambda',
	): KerasLayer | null {
		if (
			this.dialect.naming !== 'tf.keras' ||
			apiName === undefined ||
			this.layerCallDepth > 0 ||
			// On values only (`x_train[..., np.newaxis]`, `tf.zeros(…) * 2`) TensorFlow computes at
			// once: no row, and no automatic name used up.
			inputs.every(isConcrete)
		) {
			return null;
		}
		const layer = new KerasLayer(
			type,
			this.uniqueName(apiName),
			kerasLayerSpec(type),
			new Map(),
			range,
			undefined,
		);
		layer.built = true;
		layer.weights = [];
		layer.outputShape = shape;
		layer.inputShapes = inputs.every((t) => t.shape !== null)
			? inputs.map((t) => t.shape as Shape)
			: null;
		layer.calls = 1;
		for (const t of inputs) {
			if (t.producer && !layer.inbound.includes(t.producer)) {
				layer.inbound.push(t.producer);
			}
		}
		this.layers.push(layer);
		return layer;
	}
}
