// TensorFlow's static shapes of reshapes to sizes only the run knows, and of image patches.
import type { Shape } from '../../../protocol/analysis';
import type { CallArgs } from '../../python/contract';
import { asInt, asSequence, Value } from '../../python/values';
import { ShapeError } from '../common/spec';
import { KerasTensor } from './objects';

/**
 * The entries of a reshape's target shape: ints; a scalar int tensor the graph knows
 * (`tf.shape(images)[0]`: its value, null for a None dimension); a 1-D one (`tf.shape(y)`) gives
 * all. Undefined for an entry NormLens does not know (a guess would be another number).
 */
export function shapeEntries(arg: Value | undefined): (number | null | undefined)[] | undefined {
	if (arg?.k === 'obj' && arg.obj instanceof KerasTensor) {
		return arg.obj.shape?.length === 1 ? arg.obj.values : undefined;
	}
	return asSequence(arg)?.map((v) => {
		if (v.k === 'obj' && v.obj instanceof KerasTensor) {
			const t = v.obj;
			return t.shape?.length === 0 && t.values?.length === 1 ? t.values[0] : undefined;
		}
		return asInt(v);
	});
}

/**
 * TensorFlow's static shape of a reshape whose target holds entries only the run knows (null: a
 * scalar from `tf.shape`; -1 is as unknown until inferred), as its shape function computes it: with
 * one unknown entry and a fully known input, the entry is what divides the input's size; with one
 * unknown on each side and equal known products, the input's unknown dimension; otherwise the
 * unknown entries stay None — `tf.reshape(p, [batch, -1, 768])` is (None, None, 768).
 */
export function tfReshapeShape(x: Shape, dims: (number | null)[]): Shape {
	if (dims.some((d) => d !== null && d < -1)) {
		throw new ShapeError(`reshape: invalid shape [${dims.join(', ')}]`);
	}
	const out: Shape = dims.map((d) => (d === -1 ? null : d));
	const unknownOut = out.flatMap((d, i) => (d === null ? [i] : []));
	const unknownIn = x.flatMap((d, i) => (d === null ? [i] : []));
	const product = (ds: Shape) => ds.reduce<number>((p, d) => (d === null ? p : p * d), 1);
	const knownOut = product(out);
	const knownIn = product(x);
	if (unknownOut.length === 1 && unknownIn.length === 0 && knownOut > 0) {
		if (knownIn % knownOut !== 0) {
			throw new ShapeError(
				`reshape: cannot reshape a tensor of ${knownIn} elements to [${dims.join(', ')}]`,
			);
		}
		out[unknownOut[0]] = knownIn / knownOut;
	}
	return out;
}

/**
 * `tf.image.extract_patches(images, sizes, strides, rates, padding)` on NHWC images: (batch, rows,
 * cols, size_rows × size_cols × depth), rows and cols as a convolution with that window, stride
 * and dilation would give them. Null for arguments NormLens does not know.
 */
export function extractPatchesShape(
	s: Shape,
	args: CallArgs,
	kw: (name: string, i: number) => Value | undefined,
): Shape | null {
	const four = (v: Value | undefined) => {
		const xs = asSequence(v)?.map(asInt);
		return xs && xs.length === 4 && xs.every((d) => d !== undefined && d > 0)
			? (xs as number[])
			: undefined;
	};
	const sizes = four(kw('sizes', 1));
	const strides = four(kw('strides', 2));
	const rates = four(kw('rates', 3));
	const padding = kw('padding', 4);
	if (
		s.length !== 4 ||
		!sizes ||
		!strides ||
		!rates ||
		padding?.k !== 'str' ||
		!['VALID', 'SAME'].includes(padding.v) ||
		args.positional.length > 6
	) {
		return null;
	}
	const [n, h, w, c] = s;
	const same = padding.v === 'SAME';
	return [
		n,
		patchCount(h, sizes[1], rates[1], strides[1], same),
		patchCount(w, sizes[2], rates[2], strides[2], same),
		c === null ? null : sizes[1] * sizes[2] * c,
	];
}

/**
 * `keras.ops.image.extract_patches(images, size, strides=None, dilation_rate=1, padding="valid")` on
 * channels-last images: (batch, rows, cols, h × w × channels), the stride the size where not given.
 * Null for channels first, arguments NormLens does not know, or more of them.
 */
export function kerasExtractPatchesShape(
	s: Shape,
	args: CallArgs,
	kw: (name: string, i: number) => Value | undefined,
): Shape | null {
	const pair = (v: Value | undefined): [number, number] | undefined => {
		const one = asInt(v);
		const xs = one !== undefined ? [one, one] : asSequence(v)?.map(asInt);
		return xs && xs.length === 2 && xs.every((d) => d !== undefined && d > 0)
			? (xs as [number, number])
			: undefined;
	};
	const size = pair(kw('size', 1));
	const stridesV = kw('strides', 2);
	const strides = !stridesV || stridesV.k === 'none' ? size : pair(stridesV);
	const rate = pair(kw('dilation_rate', 3) ?? { k: 'num', v: 1 });
	const paddingV = kw('padding', 4);
	const padding = paddingV === undefined ? 'valid' : paddingV.k === 'str' ? paddingV.v : '';
	const format = kw('data_format', 5);
	if (
		s.length !== 4 ||
		!size ||
		!strides ||
		!rate ||
		!['valid', 'same'].includes(padding) ||
		(format !== undefined &&
			!(format.k === 'none' || (format.k === 'str' && format.v === 'channels_last'))) ||
		args.positional.length > 6
	) {
		return null;
	}
	const [n, h, w, c] = s;
	const same = padding === 'same';
	return [
		n,
		patchCount(h, size[0], rate[0], strides[0], same),
		patchCount(w, size[1], rate[1], strides[1], same),
		c === null ? null : size[0] * size[1] * c,
	];
}

/** Patches along a side of `d` (None stays None): a convolution's output length for that window, dilation and stride. */
function patchCount(
	d: number | null,
	size: number,
	rate: number,
	stride: number,
	same: boolean,
): number | null {
	if (d === null) {
		return null;
	}
	const window = (size - 1) * rate + 1;
	return same ? Math.ceil(d / stride) : Math.max(0, Math.ceil((d - window + 1) / stride));
}
