// Basic indexing of a tensor (`x[:, -1]`, `x[..., None]`): the shape PyTorch gives, or its IndexError.
import type { Shape } from '../../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../../python/contract';
import type { Value } from '../../../python/values';
import { ShapeError } from '../../common/spec';
import { TorchTensor } from '../objects';
import type { TorchSession } from '../session';
import { fmtShape } from './shapes';

/** Length of `start:stop:step` over `n` items (Python's `slice.indices`; PyTorch refuses step ≤ 0). */
function sliceLength(
	n: number,
	start: number | undefined,
	stop: number | undefined,
	step: number,
): number {
	const clamp = (v: number | undefined, dflt: number) =>
		v === undefined ? dflt : v < 0 ? Math.max(0, n + v) : Math.min(n, v);
	const lo = clamp(start, 0);
	const hi = clamp(stop, n);
	return hi <= lo ? 0 : Math.ceil((hi - lo) / step);
}

/**
 * Shape of `x[key]` with basic indexing: ints drop their axis, slices keep it (its length when the
 * axis and the bounds are known), `None` inserts an axis of 1, `...` stands for the axes no other
 * item takes. `null` for what this does not follow (tensors or lists as indices, bounds that are
 * not known ints) — never a guess; a ShapeError for what PyTorch itself refuses.
 */
export function indexShape(x: Shape, key: Value): Shape | null {
	const items = key.k === 'tuple' ? key.items : [key];
	const consumes = (v: Value) => v.k === 'num' || v.k === 'slice';
	const used = items.filter(consumes).length;
	const ellipses = items.filter((v) => v.k === 'ellipsis').length;
	if (ellipses > 1) {
		throw new ShapeError('an index can only have a single ellipsis (...)', 'index-error');
	}
	if (used > x.length) {
		throw new ShapeError(`too many indices: ${used} for ${x.length} dimensions`, 'index-error');
	}
	const out: Shape = [];
	let d = 0;
	for (const v of items) {
		if (v.k === 'ellipsis') {
			const n = x.length - used;
			out.push(...x.slice(d, d + n));
			d += n;
		} else if (v.k === 'none') {
			out.push(1);
		} else if (v.k === 'num') {
			const n = x[d];
			if (!Number.isInteger(v.v)) {
				return null;
			}
			if (n !== null && (v.v >= n || v.v < -n)) {
				throw new ShapeError(
					`index ${v.v} is out of bounds for dimension ${d} with size ${n}`,
					'index-error',
				);
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
	return out;
}

/** `x[:, -1]`, `self.pos[:, :n]`, `x[..., None]` on a tensor or a parameter of this shape. */
export function indexTensor(
	s: TorchSession,
	shape: Shape | null,
	args: CallArgs,
	ctx: CallContext,
): Value {
	const key = args.positional[0];
	if (!shape || !key) {
		return { k: 'obj', obj: new TorchTensor(null) };
	}
	try {
		return { k: 'obj', obj: new TorchTensor(indexShape(shape, key)) };
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
