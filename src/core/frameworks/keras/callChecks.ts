// Keras's refusals of a layer call before it runs: several tensors for one input, a built layer on an input its weights cannot take.
import type { Shape, TextRange, WeightInfo } from '../../../protocol/analysis';
import { formatShape } from '../../format/summaryText';
import type { Cause } from '../../python/values';
import { ShapeError } from '../common/spec';
import type { KerasShapeRule } from './catalogue/spec';
import type { KerasLayer } from './objects';
import { kerasWeights } from './rules';
import type { KerasSession } from './session';

/**
 * Layers whose input spec, set when they are constructed (`InputSpec(min_ndim=2)` for Dense, of
 * the rank for convolutions and poolings), holds one tensor in every Keras: given a list of
 * several, Keras raises before building them ("expects 1 input(s), but it received 2").
 */
const ONE_INPUT: ReadonlySet<KerasShapeRule> = new Set<KerasShapeRule>([
	'dense',
	'conv',
	'depthwiseConv',
	'separableConv',
	'convTranspose',
	'pool',
	'globalPool',
	'flatten',
]);

/**
 * Why Keras refuses this call of `layer` on `shapes` (null: shapes unknown), reported as an error;
 * undefined when it does not. `extraPositional`: the tensors came as `layer(a, b)`, not `layer([a,
 * b])` — standalone Keras's `__call__(inputs, **kwargs)` raises TypeError before building, tf.keras
 * 2 builds on the first and then raises TypeError in `call`, and Keras 3 binds the second to
 * `call`'s next argument, where NormLens does not follow what the layer makes of it.
 */
export function refusedCall(
	s: KerasSession,
	layer: KerasLayer,
	count: number,
	shapes: Shape[] | null,
	extraPositional: boolean,
	build: (first: Shape[]) => void,
	at: TextRange,
): Cause | undefined {
	const spec = layer.spec;
	if (!spec) {
		return undefined;
	}
	let cause: Cause | undefined;
	let code = 'shape-mismatch';
	if (count > 1 && ONE_INPUT.has(spec.shape)) {
		const naming = s.dialect.naming;
		if (!extraPositional) {
			cause = {
				reason: `${layer.type} \`${layer.name}\` takes one input and is given a list of ${count}: Keras raises (ValueError) before building it`,
				range: at,
			};
		} else if (naming === 'keras3') {
			cause = {
				reason: `${layer.type} \`${layer.name}\` is given a second tensor by position: Keras 3 passes it to \`call\` as its next argument, which NormLens does not follow (Keras 2 raises TypeError)`,
				range: at,
			};
			if (!layer.built) {
				layer.built = true;
				layer.unknownCause = cause;
			}
			return cause;
		} else {
			code = 'call-error';
			cause = {
				reason: `${layer.type} \`${layer.name}\` is given a second tensor by position: Keras 2 raises TypeError (${naming === 'legacy' ? 'standalone Keras before building it' : "tf.keras after building it on the first, in the layer's `call`"})`,
				range: at,
			};
			if (naming !== 'legacy' && shapes?.[0]) {
				build([shapes[0]]);
			}
		}
	} else if (layer.built && layer.weights && layer.inputShapes && shapes && !layer.nested) {
		const now = weightsOn(layer, shapes);
		if (now && !sameWeights(now, layer.weights)) {
			cause = {
				reason: `${layer.type} \`${layer.name}\` was built on an input of shape ${formatShape(layer.inputShapes[0] ?? null)}, and its weights cannot take ${formatShape(shapes[0] ?? null)}: Keras raises (ValueError)`,
				range: at,
			};
		}
	}
	if (cause) {
		s.diagnostics.push({ range: at, severity: 'error', code, message: `${cause.reason}.` });
	}
	return cause;
}

/** The weights `layer` would make on `shapes`; undefined where its rules refuse them (reported elsewhere). */
function weightsOn(layer: KerasLayer, shapes: Shape[]): WeightInfo[] | null | undefined {
	if (!layer.spec || !shapes[0]) {
		return undefined;
	}
	try {
		return kerasWeights(layer.spec, layer.config, shapes[0], shapes);
	} catch (e) {
		if (e instanceof ShapeError) {
			return undefined;
		}
		throw e;
	}
}

function sameWeights(a: WeightInfo[], b: WeightInfo[]): boolean {
	return (
		a.length === b.length &&
		a.every(
			(w, i) =>
				w.shape.length === b[i].shape.length &&
				w.shape.every((d, k) => d === b[i].shape[k]),
		)
	);
}
