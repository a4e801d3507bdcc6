// Indexing a symbolic tensor (`x[:, 0]`, `x[..., :3]`, `x[:, tf.newaxis]`): TensorFlow's static shape.
import type { Shape, TextRange } from '../../../protocol/analysis';
import { sliceLength } from '../common/shapes';
import { ShapeError } from '../common/spec';
import { causeOf, Value } from '../../python/values';
import { KerasTensor, tensorShapeCause } from './objects';
import type { KerasSession } from './session';

/**
 * TensorFlow's `__getitem__` on a symbolic tensor: the shape its strided slice gets at graph
 * construction (Keras 3's GetItem computes the same). An int drops its axis, a slice keeps it
 * (its length where the axis is known: Python's `len(range(*s.indices(n)))`, negative steps too;
 * None where the axis is None), `None` / `tf.newaxis` inserts an axis of 1, `...` stands for the
 * axes no other item takes, a scalar int tensor drops its axis as an int does. Null for an item
 * NormLens does not follow (a bound it does not know, a list or a tensor of indices: TensorFlow's
 * `__getitem__` takes neither); a ShapeError for what TensorFlow refuses when the graph is built.
 */
export function tfIndexShape(x: Shape, key: Value): Shape | null {
	const items = key.k === 'tuple' ? key.items : [key];
	const kinds = items.map(itemKind);
	if (kinds.some((k) => k === undefined)) {
		return null;
	}
	if (kinds.filter((k) => k === 'ellipsis').length > 1) {
		throw new ShapeError('multiple ellipses in slice spec not allowed', 'index-error');
	}
	const used = kinds.filter((k) => k === 'int' || k === 'slice').length;
	if (used > x.length) {
		throw new ShapeError(
			`index out of range: ${used} indices for a tensor of ${x.length} dimensions`,
			'index-error',
		);
	}
	const out: Shape = [];
	let d = 0;
	for (const [i, v] of items.entries()) {
		const kind = kinds[i];
		if (kind === 'ellipsis') {
			const n = x.length - used;
			out.push(...x.slice(d, d + n));
			d += n;
		} else if (kind === 'newaxis') {
			out.push(1);
		} else if (kind === 'int') {
			const n = x[d];
			if (v.k === 'num' && n !== null && (v.v >= n || v.v < -n)) {
				throw new ShapeError(
					`slice index ${v.v} of dimension ${d} out of bounds (size ${n})`,
					'index-error',
				);
			}
			d++;
		} else if (v.k === 'slice') {
			if (v.start === null || v.stop === null || v.step === null) {
				return null;
			}
			const step = v.step ?? 1;
			if (step === 0) {
				throw new ShapeError('slice step cannot be zero', 'index-error');
			}
			const n = x[d];
			out.push(n === null ? null : sliceLength(n, v.start, v.stop, step));
			d++;
		}
	}
	out.push(...x.slice(d));
	return out;
}

type ItemKind = 'int' | 'slice' | 'newaxis' | 'ellipsis';

function itemKind(v: Value): ItemKind | undefined {
	switch (v.k) {
		case 'num':
			return Number.isInteger(v.v) && !v.float ? 'int' : undefined;
		case 'bool':
			return undefined;
		case 'slice':
			return 'slice';
		case 'none':
			return 'newaxis';
		case 'ellipsis':
			return 'ellipsis';
		case 'ref':
			return /^(?:tensorflow|tf|numpy)\.newaxis$/.test(v.path) ? 'newaxis' : undefined;
		case 'obj':
			// A scalar int tensor (`x[:, tf.shape(x)[1] - 1]`) selects as an int does.
			return v.obj instanceof KerasTensor && v.obj.shape?.length === 0 ? 'int' : undefined;
		default:
			return undefined;
	}
}

/**
 * `x[key]` on a symbolic tensor: a tensor of TensorFlow's shape, made by tf.keras 2's
 * `tf.__operators__.getitem` row (a SlicingOpLambda, no weights) between layers. The items of a
 * small int tensor NormLens knows (`tf.shape(images)[0]`) are carried to the result.
 */
export function tensorItem(
	s: KerasSession,
	t: KerasTensor,
	key: Value | undefined,
	range: TextRange,
): Value {
	let shape: Shape | null = null;
	let cause = tensorShapeCause(t);
	if (key && t.shape) {
		try {
			shape = tfIndexShape(t.shape, key);
			if (!shape) {
				cause = causeOf(keyItems(key).find((v) => causeOf(v))) ?? {
					reason: t.ndarray
						? "NormLens does not follow this index of a NumPy array (it reads ints, slices of known ints, `...` and `np.newaxis`; an index array's dtype, which decides integer or boolean indexing, is not followed)"
						: 'NormLens does not follow this index (TensorFlow indexes a tensor with ints, slices of known ints, `...` and `tf.newaxis`)',
					range,
				};
			}
		} catch (e) {
			if (!(e instanceof ShapeError)) {
				throw e;
			}
			s.diagnostics.push({
				range,
				severity: 'error',
				code: e.code,
				message: `TensorFlow refuses this index: ${e.message}.`,
			});
			cause = { reason: `TensorFlow refuses this index: ${e.message}`, range };
		}
	}
	const layer = s.opLayer('tf.__operators__.getitem', [t], shape, range, 'SlicingOpLambda');
	const out = new KerasTensor(s.tensorIds++, shape, layer, [t]);
	out.ndarray = t.ndarray;
	if (shape === null) {
		out.shapeCause = cause;
	}
	if (t.values && key) {
		out.values = itemValues(t.values, key);
	}
	return { k: 'obj', obj: out };
}

function keyItems(key: Value): Value[] {
	return key.k === 'tuple' ? key.items : [key];
}

/** The known items of `values[key]` for an int or a plain slice of a 1-D int tensor; undefined otherwise. */
function itemValues(values: (number | null)[], key: Value): (number | null)[] | undefined {
	if (key.k === 'num' && Number.isInteger(key.v)) {
		const i = key.v < 0 ? key.v + values.length : key.v;
		return i >= 0 && i < values.length ? [values[i]] : undefined;
	}
	if (key.k === 'slice' && key.start !== null && key.stop !== null && (key.step ?? 1) === 1) {
		return values.slice(key.start, key.stop);
	}
	return undefined;
}
