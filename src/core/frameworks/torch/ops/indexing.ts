// Basic indexing of a tensor (`x[:, -1]`, `x[..., None]`): the shape PyTorch gives, or its IndexError.
import type { Shape } from '../../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../../python/contract';
import type { Value } from '../../../python/values';
import { broadcast, sliceLength } from '../../common/shapes';
import { ShapeError } from '../../common/spec';
import { isFloatingDtype, TorchDtype } from '../dtypes';
import { TorchParam, TorchTensor } from '../objects';
import { raisedTensor } from '../shapeCauses';
import type { TorchSession } from '../session';
import { basicIndexLayout, BasicIndexItem, freshOrUnknown, Layout } from './layout';
import { fmtShape } from './shapes';

/**
 * Shape of `x[key]` with basic indexing: ints drop their axis, slices keep it (its length when the
 * axis and the bounds are known), `None` inserts an axis of 1, `...` stands for the axes no other
 * item takes. `null` for what this does not follow (tensors or lists as indices, bounds that are
 * not known ints) — never a guess; a ShapeError for what PyTorch itself refuses.
 */
export function indexShape(x: Shape, key: Value): Shape | null {
	const items = key.k === 'tuple' ? key.items : [key];
	const advanced = items.map(advancedIndex);
	if (advanced.some((a) => a === null)) {
		return null;
	}
	const anyAdvanced = advanced.some((a) => a !== undefined);
	const consumes = (v: Value, i: number) => v.k === 'num' || v.k === 'slice' || advanced[i];
	const used = items.filter(consumes).length;
	const ellipses = items.filter((v) => v.k === 'ellipsis').length;
	if (ellipses > 1) {
		throw new ShapeError('an index can only have a single ellipsis (...)', 'index-error');
	}
	if (used > x.length) {
		throw new ShapeError(`too many indices: ${used} for ${x.length} dimensions`, 'index-error');
	}
	if (anyAdvanced && items.some((v) => v.k === 'none')) {
		// None beside advanced indices: where PyTorch puts the broadcast dims is not followed.
		return null;
	}
	const out: Shape = [];
	// The advanced indices broadcast together: where they sit together the broadcast dims take their
	// place, otherwise they come first (NumPy's rule; unlike NumPy, PyTorch's ints are no advanced
	// indices: `x[0, :, [1, 2]]` of (2, 6, 8, 10) is (6, 2, 10), not (2, 6, 10)).
	const adv: Shape[] = [];
	/** The positions of the advanced items in the key. */
	const advAt: number[] = [];
	let d = 0;
	for (const [i, v] of items.entries()) {
		const a = advanced[i];
		if (v.k === 'ellipsis') {
			const n = x.length - used;
			out.push(...x.slice(d, d + n));
			d += n;
		} else if (v.k === 'none') {
			out.push(1);
		} else if (v.k === 'num' || a) {
			const n = x[d];
			if (v.k === 'num' && !Number.isInteger(v.v)) {
				return null;
			}
			const checked: AdvancedIndex = a ?? { shape: [], values: v.k === 'num' ? [v.v] : [] };
			if (checked.mask !== undefined && n !== null && checked.mask !== n) {
				throw new ShapeError(
					`The shape of the mask [${checked.mask}] at index ${d} does not match the shape of the indexed tensor [${n}] at index ${d}`,
					'index-error',
				);
			}
			const bad = n === null ? undefined : checked.values?.find((k) => k >= n || k < -n);
			if (bad !== undefined) {
				throw new ShapeError(
					`index ${bad} is out of bounds for dimension ${d} with size ${n}`,
					'index-error',
				);
			}
			if (a) {
				adv.push(a.shape);
				// A marker where the broadcast dims go if the advanced indices sit together.
				if (advAt.length === 0) {
					out.push(NaN);
				}
				advAt.push(i);
			}
			d++;
		} else if (v.k === 'slice') {
			const n = x[d];
			if (v.start === null || v.stop === null || v.step === null) {
				return null;
			}
			const step = v.step ?? 1;
			if (step <= 0) {
				throw new ShapeError('step must be greater than zero', 'index-error');
			}
			out.push(n === null ? null : sliceLength(n, v.start, v.stop, step));
			d++;
		} else {
			return null;
		}
	}
	out.push(...x.slice(d));
	if (!anyAdvanced) {
		return out;
	}
	let b: Shape | null = [];
	for (const s of adv) {
		b = b && broadcast(b, s);
	}
	if (!b) {
		throw new ShapeError(
			`shape mismatch: indexing tensors could not be broadcast together with shapes ${adv.map((s) => `[${s.join(', ')}]`).join(', ')}`,
			'index-error',
		);
	}
	const at = out.findIndex((n) => Number.isNaN(n));
	// PyTorch selects the ints first: only a slice or `...` between two advanced indices parts them.
	const together = advAt.every(
		(p, k) => k === 0 || items.slice(advAt[k - 1] + 1, p).every((v) => v.k === 'num'),
	);
	const rest = out.filter((n) => !Number.isNaN(n));
	return together ? [...rest.slice(0, at), ...b, ...rest.slice(at)] : [...b, ...rest];
}

/**
 * The layout of `x[key]`: by the strides of basic indexing; an advanced index gives a fresh tensor,
 * contiguous from a contiguous x (what NormLens does not follow from any other).
 */
function indexLayout(
	source: TorchTensor | TorchParam,
	items: readonly Value[],
	out: Shape,
): Layout {
	const from = {
		shape: source.shape,
		layout: source instanceof TorchTensor ? source.layout : undefined,
	};
	const basic = items.map((v): BasicIndexItem | undefined =>
		advancedIndex(v) !== undefined
			? undefined
			: v.k === 'num'
				? 'int'
				: v.k === 'none'
					? 'none'
					: v.k === 'ellipsis'
						? 'ellipsis'
						: v.k === 'slice' && v.step !== null
							? { step: v.step ?? 1 }
							: undefined,
	);
	if (basic.every((b): b is BasicIndexItem => b !== undefined)) {
		return basicIndexLayout(from, basic, out);
	}
	return freshOrUnknown([from], 'advanced indexing');
}

interface AdvancedIndex {
	shape: Shape;
	values?: readonly number[];
	/** A list of bools: the size of the dim it masks. */
	mask?: number;
}

/**
 * An advanced index (a list of ints or of bools, an int64 tensor of known values): the shape it
 * indexes with, its values (for bounds), and for a list of bools its length (the mask's); undefined
 * for a basic item (an int, a slice, None, `...`); null for one NormLens does not follow (a tensor of
 * unknown dtype may be a mask, whose count depends on the data).
 */
function advancedIndex(v: Value): AdvancedIndex | null | undefined {
	if (v.k === 'list') {
		if (v.cause) {
			return null;
		}
		if (v.items.length > 0 && v.items.every((i) => i.k === 'bool')) {
			const trues = v.items.filter((i) => i.k === 'bool' && i.v).length;
			return { shape: [trues], mask: v.items.length };
		}
		const shape = intListShape(v);
		return shape ? { shape: shape.shape, values: shape.values } : null;
	}
	if (v.k === 'obj' && (v.obj instanceof TorchTensor || v.obj instanceof TorchParam)) {
		const t = v.obj;
		// An int64 tensor whose values NormLens does not hold (`idx.long()`, Swin's int64
		// relative_position_index buffer) still gives its shape; its bounds are then PyTorch's to
		// check. Any other dtype is a mask (bool, uint8), PyTorch's IndexError (int32 in 1.13), or unknown.
		return t.shape && t.dtype === 'int64'
			? { shape: t.shape, values: t instanceof TorchTensor ? t.values : undefined }
			: null;
	}
	if (v.k === 'obj' || v.k === 'unknown') {
		return null;
	}
	return undefined;
}

/** The shape and values of nested lists of ints; undefined when ragged, empty inside, or not all ints. */
function intListShape(v: Value, depth = 0): { shape: number[]; values: number[] } | undefined {
	if (v.k === 'num') {
		return Number.isInteger(v.v) && !v.float ? { shape: [], values: [v.v] } : undefined;
	}
	if (v.k !== 'list' || v.cause || depth > 8) {
		return undefined;
	}
	const inner = v.items.map((i) => intListShape(i, depth + 1));
	if (v.items.length === 0) {
		// x[[]]: an empty int64 index, no values.
		return depth === 0 ? { shape: [0], values: [] } : undefined;
	}
	const first = inner[0];
	if (
		!first ||
		inner.some(
			(s) =>
				!s ||
				s.shape.length !== first.shape.length ||
				s.shape.some((n, i) => n !== first.shape[i]),
		)
	) {
		return undefined;
	}
	return {
		shape: [v.items.length, ...first.shape],
		values: inner.flatMap((s) => (s as { values: number[] }).values),
	};
}

/** Why indexing by a tensor that is not int64 gives no shape NormLens can tell, by its dtype. */
function indexCause(dtype: TorchDtype | undefined): string {
	if (dtype === 'bool' || dtype === 'uint8') {
		return `this indexing uses a ${dtype} mask, which selects as many elements as it holds true values: NormLens does not know them`;
	}
	if (dtype) {
		return `this indexing uses a ${dtype} tensor: PyTorch 1.13 raises IndexError (indices must be long, byte or bool tensors), PyTorch 2 indexes with it`;
	}
	// A buffer of indices and a mask look alike here.
	return 'this indexing uses a tensor NormLens does not know to hold int64 indices (whose shape it would give) or a bool mask (whose count depends on its values)';
}

/** `x[:, -1]`, `self.pos[:, :n]`, `x[..., None]` on a tensor or a parameter: of its dtype. */
export function indexTensor(
	s: TorchSession,
	source: TorchTensor | TorchParam,
	args: CallArgs,
	ctx: CallContext,
): Value {
	const key = args.positional[0];
	const shape = source.shape;
	if (!shape || !key) {
		return { k: 'obj', obj: new TorchTensor(null) };
	}
	try {
		const out = new TorchTensor(indexShape(shape, key), null, source.dtype);
		const items = key.k === 'tuple' ? key.items : [key];
		if (out.shape) {
			out.layout = indexLayout(source, items, out.shape);
		}
		const tensorIndex = items.find(
			(v) =>
				v.k === 'obj' &&
				(v.obj instanceof TorchTensor || v.obj instanceof TorchParam) &&
				v.obj.dtype !== 'int64',
		);
		if (out.shape === null && tensorIndex?.k === 'obj') {
			const dtype = (tensorIndex.obj as TorchTensor | TorchParam).dtype;
			const range = ctx.range(args.node);
			if (dtype && isFloatingDtype(dtype)) {
				const message = `Indexing with a ${dtype} tensor: tensors used as indices must be long, byte or bool tensors (IndexError).`;
				s.report({ range, severity: 'error', code: 'index-error', message });
				return { k: 'obj', obj: raisedTensor(message, range) };
			}
			out.shapeCause = { reason: indexCause(dtype), range };
		}
		return { k: 'obj', obj: out };
	} catch (e) {
		if (!(e instanceof ShapeError)) {
			throw e;
		}
		s.report({
			range: ctx.range(args.node),
			severity: 'error',
			code: e.code,
			message: `Indexing a tensor of shape ${fmtShape(shape)}: ${e.message}.`,
		});
		return { k: 'obj', obj: new TorchTensor(null) };
	}
}
