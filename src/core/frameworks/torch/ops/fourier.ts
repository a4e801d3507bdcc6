// torch.fft's transforms and the complex views (view_as_real, view_as_complex, polar, complex):
// the sizes along the transformed dims, and which results are complex (a complex tensor's
// `view_as_real` has a trailing dim of 2; `rfft` of one is PyTorch's error).
import type { Shape } from '../../../../protocol/analysis';
import type { CallArgs } from '../../../python/contract';
import { asInt, asSequence, isFloat, Value } from '../../../python/values';
import { DTYPES } from '../dtypes';
import { TorchTensor } from '../objects';
import { broadcastAll, dimOf, operandShape, tensorOrParam } from './tensorMethodsMore';

/** The kind of transform: a complex spectrum of the same length, a half spectrum, or back from one. */
type Kind = 'full' | 'half' | 'fromHalf';

/** Each transform: its kind, whether its result is complex, and how many dims it transforms by default (0: all). */
const TRANSFORMS: Readonly<Record<string, { kind: Kind; complex: boolean; dims: number }>> = {
	fft: { kind: 'full', complex: true, dims: 1 },
	ifft: { kind: 'full', complex: true, dims: 1 },
	rfft: { kind: 'half', complex: true, dims: 1 },
	irfft: { kind: 'fromHalf', complex: false, dims: 1 },
	hfft: { kind: 'fromHalf', complex: false, dims: 1 },
	ihfft: { kind: 'half', complex: true, dims: 1 },
	fft2: { kind: 'full', complex: true, dims: 2 },
	ifft2: { kind: 'full', complex: true, dims: 2 },
	rfft2: { kind: 'half', complex: true, dims: 2 },
	irfft2: { kind: 'fromHalf', complex: false, dims: 2 },
	fftn: { kind: 'full', complex: true, dims: 0 },
	ifftn: { kind: 'full', complex: true, dims: 0 },
	rfftn: { kind: 'half', complex: true, dims: 0 },
	irfftn: { kind: 'fromHalf', complex: false, dims: 0 },
};

function complexTensor(shape: Shape | null): Value {
	const t = new TorchTensor(shape);
	t.complex = shape !== null;
	return { k: 'obj', obj: t };
}

/** An int, a sequence of ints, or None (`s=`, `dim=`): the ints, [] for None, undefined otherwise. */
function intList(v: Value | undefined): number[] | undefined {
	if (v === undefined || v.k === 'none') {
		return [];
	}
	const items = asSequence(v) ?? [v];
	const ns = items.map((x) => (isFloat(x) ? undefined : asInt(x)));
	return ns.every((n) => n !== undefined) ? (ns as number[]) : undefined;
}

/**
 * torch.fft.<name>(input, n / s, dim, norm): the output's shape. The sizes `n` / `s` set the signal
 * length along each transformed dim (padding or trimming); a half spectrum keeps n // 2 + 1 values
 * along the last transformed dim, and the inverse makes 2 · (size − 1) of them unless n says.
 */
function transform(name: string, args: CallArgs): Value | undefined {
	const spec = TRANSFORMS[name];
	const t = tensorOrParam(args.positional[0] ?? args.keywords.get('input'));
	if (!spec || !t) {
		return undefined;
	}
	const x = t.shape;
	// rfft of a complex tensor is PyTorch's error ("expects a real input tensor").
	if (!x || (spec.kind === 'half' && t.complex)) {
		return { k: 'obj', obj: new TorchTensor(null) };
	}
	const one = spec.dims === 1;
	const sizes = intList(args.positional[1] ?? args.keywords.get(one ? 'n' : 's'));
	const dimArg = args.positional[2] ?? args.keywords.get('dim');
	let dims: number[] | undefined;
	if (dimArg === undefined || dimArg.k === 'none') {
		const count = spec.dims === 0 ? (sizes?.length ? sizes.length : x.length) : spec.dims;
		dims =
			count <= x.length
				? Array.from({ length: count }, (_, i) => x.length - count + i)
				: undefined;
	} else {
		const list = intList(dimArg);
		dims = list?.map((d) => dimOf({ k: 'num', v: d }, x.length) ?? -1);
	}
	if (
		!sizes ||
		!dims ||
		dims.length === 0 ||
		dims.some((d) => d < 0) ||
		new Set(dims).size !== dims.length ||
		(sizes.length > 0 && sizes.length !== dims.length)
	) {
		return { k: 'obj', obj: new TorchTensor(null) };
	}
	const out = [...x];
	const last = dims.length - 1;
	for (const [i, d] of dims.entries()) {
		const given = sizes.length > 0 && sizes[i] !== -1 ? sizes[i] : undefined;
		const size = x[d];
		let n: number | null;
		if (i === last && spec.kind === 'half') {
			const len = given ?? size;
			n = len === null ? null : Math.floor(len / 2) + 1;
		} else if (i === last && spec.kind === 'fromHalf') {
			n = given ?? (size === null ? null : 2 * (size - 1));
		} else {
			n = given ?? size;
		}
		if (n !== null && n < 1) {
			return { k: 'obj', obj: new TorchTensor(null) };
		}
		out[d] = n;
	}
	return spec.complex ? complexTensor(out) : { k: 'obj', obj: new TorchTensor(out) };
}

/** torch.view_as_real / view_as_complex / polar / complex, and the shape-keeping shifts. */
const complexViews: Readonly<Record<string, (args: CallArgs) => Value>> = {
	// A complex tensor's real and imaginary parts as a trailing dim of 2 (complex tensors only).
	view_as_real: (args) => {
		const t = tensorOrParam(args.positional[0]);
		// Complex from an FFT, or made so (`torch.randn(h, n, dtype=torch.cfloat)` in S4D's kernel).
		const complex = t?.complex || (t?.dtype && DTYPES[t.dtype].category === 'complex');
		return {
			k: 'obj',
			obj: new TorchTensor(t?.shape && complex ? [...t.shape, 2] : null),
		};
	},
	// A real tensor whose last dim is 2, as complex numbers.
	view_as_complex: (args) => {
		const t = tensorOrParam(args.positional[0]);
		const s = t?.shape;
		return complexTensor(
			s && !t.complex && s.length > 0 && s[s.length - 1] === 2 ? s.slice(0, -1) : null,
		);
	},
	polar: (args) =>
		complexTensor(broadcastAll([args.positional[0], args.positional[1]].map(operandShape))),
	complex: (args) =>
		complexTensor(broadcastAll([args.positional[0], args.positional[1]].map(operandShape))),
	fftshift: (args) => ({
		k: 'obj',
		obj: new TorchTensor(tensorOrParam(args.positional[0])?.shape ?? null),
	}),
	ifftshift: (args) => ({
		k: 'obj',
		obj: new TorchTensor(tensorOrParam(args.positional[0])?.shape ?? null),
	}),
};

/** A torch.fft transform or a complex view by the function's last name; undefined for any other. */
export function fourierFunction(name: string, args: CallArgs): Value | undefined {
	return name in TRANSFORMS ? transform(name, args) : complexViews[name]?.(args);
}

/** `x.real` (any tensor: its own values for a real one) and `x.imag` (a complex one only): the shape. */
export function complexPart(t: TorchTensor, name: 'real' | 'imag'): Value {
	return { k: 'obj', obj: new TorchTensor(name === 'real' || t.complex ? t.shape : null) };
}

/** Every name fourierFunction answers for. */
export const FOURIER_NAMES: readonly string[] = [
	...Object.keys(TRANSFORMS),
	...Object.keys(complexViews),
];
