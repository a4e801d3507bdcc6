// Which layer is where in a model's `layers`, where that depends on the Keras version.
import type { Cause, FrameworkObject, Value } from '../../python/values';
import { visibleLayers } from './models';
import type { KerasLayer, KerasModel } from './objects';
import type { KerasSession } from './session';

/**
 * Applications whose layer list is the same in every Keras (Keras 1's VGG16 had the same layers).
 * The others changed between versions: TensorFlow 2.0–2.5's MobileNetV2 starts with a `Conv1_pad`
 * layer that later versions dropped; keras-applications' ResNet50 had other layers than tf.keras 2.2's.
 */
const STABLE_APPLICATIONS = /^vgg1[69]$/;

/** A bundled application just built: its layers' positions are the bundled version's only. */
export function markVersionedLayers(s: KerasSession, model: KerasModel): void {
	if (model.library && !STABLE_APPLICATIONS.test(model.name)) {
		model.layers.forEach((l) => s.versionedLayers.add(l));
	}
}

/**
 * `model.layers`: a fresh list of the model's layers (editing it does not change the model, as in
 * tf.keras and Keras 3). Standalone Keras up to 2.3 returned the model's own list, so
 * `model.layers.pop()` removed its last layer from what `layers` and `summary()` read.
 */
export function layersAttribute(s: KerasSession, model: KerasModel): Value {
	const layers = visibleLayers(model);
	return {
		k: 'list',
		items: layers.map((l) => ({ k: 'obj', obj: l }) as Value),
		cause: model.unknownCause,
		...layerOrder(s, model, layers),
		...(s.dialect.naming === 'legacy'
			? {
					editsOwner: {
						obj: model,
						cause: {
							reason: `in standalone Keras (before 2.4) \`${model.varName ?? model.name}.layers\` may be the model's own list (it was up to 2.2), so editing it may change the model, which NormLens does not follow`,
							range: model.definedAt ?? model.range,
						},
					},
				}
			: {}),
	};
}

/**
 * The `order` of `model.layers` (python/values.ts) where it holds an application's layers and the
 * source does not say it runs on Keras 3, whose layer lists NormLens bundles: `base.layers[:100]`
 * then picks layers that depend on the version.
 */
function layerOrder(
	s: KerasSession,
	model: KerasModel,
	layers: readonly KerasLayer[],
): { order?: { obj: FrameworkObject; cause: Cause } } {
	const pinned = s.dialect.naming === 'keras3' && !s.dialect.guessed;
	if (pinned || !layers.some((l) => s.versionedLayers.has(l))) {
		return {};
	}
	const name = model.varName ?? model.name;
	return {
		order: {
			obj: model,
			cause: {
				reason: `which layer \`${name}.layers\` holds at which position may depend on the Keras version: NormLens bundles Keras 3's applications, and their layer lists are not the same in every version (TensorFlow 2.0–2.5's MobileNetV2, for one, starts with a \`Conv1_pad\` layer that later versions dropped); the source does not say which Keras runs it`,
				range: model.definedAt ?? model.range,
			},
		},
	};
}

/**
 * Why the trainable split of `m` is unknown: layers picked by position from a list whose order
 * depends on the version (`for layer in base.layers[:100]: layer.trainable = False`) are frozen
 * and others of that list are not, so which weights are frozen depends on the version too.
 */
export function positionalSplit(s: KerasSession, m: KerasModel): Cause | undefined {
	const marked = s.models.filter((x) => x.readByPosition);
	if (marked.length === 0) {
		return undefined;
	}
	// Each layer the model reaches, with whether it is trainable there (its models' flags too).
	const reach = new Map<KerasLayer, boolean>();
	const visit = (model: KerasModel, trainable: boolean, depth: number) => {
		for (const l of model.layers) {
			const t = trainable && l.trainable;
			if (reach.has(l)) {
				continue;
			}
			reach.set(l, t);
			if (l.nested && depth < 16) {
				visit(l.nested, t && l.nested.trainable, depth + 1);
			}
		}
	};
	visit(m, m.trainable, 0);
	for (const x of marked) {
		const flags = new Set<boolean>();
		for (const l of x.layers) {
			const t = reach.get(l);
			if (t !== undefined && (l.weights?.length ?? 0) > 0) {
				flags.add(t);
			}
		}
		if (flags.size > 1) {
			return x.readByPosition;
		}
	}
	return undefined;
}
