// The order of a functional Keras model's layers (its summary's rows), as Keras computes it.
/**
 * The order in which Keras lists a functional model's layers (`model.layers`, and so the rows of
 * `model.summary()`), as tf.keras 2's `_map_graph_network` and Keras 3's `map_graph` compute it.
 */

/** A symbolic tensor as far as the order needs it: the layer whose call made it, and that call's inputs. */
export interface GraphTensor<L> {
	readonly producer: L | null;
	readonly inputs: readonly GraphTensor<L>[];
}

/**
 * Layers by depth from the outputs, deepest first; layers of one depth in the order a depth-first
 * walk from the outputs first meets them. A branch called first in the code can so come later:
 * Keras's ResNet50 computes the shortcut `conv2_block1_0_conv` before the main path, and prints it
 * after `conv2_block1_2_relu`. Tensors made by no layer (a TensorFlow op in Keras 3) take part in
 * the depths; a layer called several times takes its greatest depth; an input no output depends
 * on is at depth 0, before the output layers — all as Keras does.
 */
export function kerasLayerOrder<L>(
	inputs: readonly GraphTensor<L>[],
	outputs: readonly GraphTensor<L>[],
	/** Inputs Keras starts at a layer of its own (a new InputLayer for an intermediate tensor). */
	startsAt?: ReadonlyMap<GraphTensor<L>, L>,
): L[] {
	const producer = (t: GraphTensor<L>) => startsAt?.get(t) ?? t.producer;
	const isInput = (t: GraphTensor<L>) => inputs.includes(t);
	const depsOf = (t: GraphTensor<L>) => (isInput(t) ? [] : t.inputs);
	// Post-order of the calls (Keras's nodes_in_decreasing_depth) and the pre-order index of each
	// layer (its layer_indices), by an explicit stack: a 1,000-layer chain is 1,000 frames deep.
	const finished = new Set<GraphTensor<L>>();
	const inProgress = new Set<GraphTensor<L>>();
	const postOrder: GraphTensor<L>[] = [];
	const layerIndex = new Map<L, number>();
	for (const out of outputs) {
		const stack: { t: GraphTensor<L>; next: number }[] = [];
		const enter = (t: GraphTensor<L>) => {
			if (finished.has(t) || inProgress.has(t)) {
				return;
			}
			const p = producer(t);
			if (p !== null && !layerIndex.has(p)) {
				layerIndex.set(p, layerIndex.size);
			}
			inProgress.add(t);
			stack.push({ t, next: 0 });
		};
		enter(out);
		while (stack.length > 0) {
			const top = stack[stack.length - 1];
			const deps = depsOf(top.t);
			if (top.next < deps.length) {
				enter(deps[top.next++]);
				continue;
			}
			stack.pop();
			inProgress.delete(top.t);
			finished.add(top.t);
			postOrder.push(top.t);
		}
	}
	const tensorDepth = new Map<GraphTensor<L>, number>();
	const layerDepth = new Map<L, number>();
	for (let k = postOrder.length - 1; k >= 0; k--) {
		const t = postOrder[k];
		let depth = tensorDepth.get(t) ?? 0;
		const p = producer(t);
		if (p !== null) {
			depth = Math.max(depth, layerDepth.get(p) ?? 0);
			layerDepth.set(p, depth);
		}
		tensorDepth.set(t, depth);
		for (const dep of depsOf(t)) {
			tensorDepth.set(dep, Math.max(depth + 1, tensorDepth.get(dep) ?? 0));
		}
	}
	for (const t of inputs) {
		const p = producer(t);
		if (p !== null && !layerDepth.has(p)) {
			layerDepth.set(p, 0);
			layerIndex.set(p, -1);
		}
	}
	const byDepth = [...layerDepth.entries()];
	byDepth.sort(
		([a, da], [b, db]) =>
			db - da || (layerIndex.get(a) as number) - (layerIndex.get(b) as number),
	);
	return byDepth.map(([layer]) => layer);
}
