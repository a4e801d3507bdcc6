// Dtypes: what a cast or an element-wise method gives, and what PyTorch refuses whatever the
// shapes (an integer tensor given to a layer with float weights, a matrix product of an integer and
// a floating tensor).
import type { CallArgs } from '../../../python/contract';
import type { Value } from '../../../python/values';
import type { TorchModuleSpec } from '../catalogue';
import { deviceOnly } from '../device';
import {
	CAST_METHODS,
	dtypeAfter,
	dtypeNamed,
	isIntegerDtype,
	LEGACY_TYPES,
	TorchDtype,
} from '../dtypes';
import { TorchModule, TorchParam, TorchTensor } from '../objects';

/**
 * PyTorch's RuntimeError for an integer or bool tensor given to a module with float weights (a
 * Linear, a convolution, a norm, an RNN: `self.fc(x.long())`), on every device; an embedding takes
 * indices. Undefined where the input's dtype is not known to be one.
 */
export function integerIntoWeights(
	m: TorchModule,
	spec: TorchModuleSpec,
	first: Value | undefined,
): string | undefined {
	const dtype =
		first?.k === 'obj' && first.obj instanceof TorchTensor ? first.obj.dtype : undefined;
	if (
		!dtype ||
		!(isIntegerDtype(dtype) || dtype === 'bool') ||
		spec.category === 'embedding' ||
		![...m.params.values()].some((p) => !p.isBuffer && p.dtype === undefined)
	) {
		return undefined;
	}
	return `${m.type} has float weights and gets an input of dtype ${dtype}: PyTorch raises RuntimeError (cast the input with \`.float()\`)`;
}

/**
 * A matrix product of an integer (or bool) tensor and a floating one (`x @ idx.long()`): PyTorch's
 * RuntimeError, which no promotion avoids. Their dtypes' names, or undefined. (Two floating dtypes
 * also refuse, but `torch.set_default_dtype` may make NormLens's float32 another.)
 */
export function mixedProductDtypes(a: Value | undefined, b: Value | undefined): string | undefined {
	const dtypeOf = (v: Value | undefined) =>
		v?.k === 'obj' && v.obj instanceof TorchTensor ? v.obj.dtype : undefined;
	const [x, y] = [dtypeOf(a), dtypeOf(b)];
	const integral = (d: typeof x) => isIntegerDtype(d) || d === 'bool';
	return x && y && integral(x) !== integral(y) ? `${x} and ${y}` : undefined;
}

/**
 * The dtype of an element-wise method's result: a cast's (`x.long()`, `x.to(torch.float16)`,
 * `x.type_as(y)`), the receiver's for a move or an in-place op (which returns the receiver), else
 * by the element-wise rules (DTYPE_RULES); undefined where NormLens cannot tell.
 */
export function dtypeOfCast(t: TorchTensor, name: string, args: CallArgs): TorchDtype | undefined {
	const cast = CAST_METHODS[name];
	if (cast) {
		return cast;
	}
	if (name.endsWith('_')) {
		return t.dtype;
	}
	const first = args.positional[0];
	if (name === 'to' || name === 'type' || name === 'type_as') {
		const other =
			first?.k === 'obj' &&
			(first.obj instanceof TorchTensor || first.obj instanceof TorchParam)
				? first.obj
				: undefined;
		if (name === 'type_as' || other) {
			return other?.dtype;
		}
		const named = args.keywords.get('dtype') ?? args.positional.find((v) => !deviceOnly(v));
		if (named === undefined) {
			// `x.to(device)`, `x.to('cuda')` keep the dtype; `x.type()` gives a string (not a tensor).
			return name === 'to' ? t.dtype : undefined;
		}
		return named.k === 'str' && name === 'type'
			? LEGACY_TYPES[named.v.replace(/^torch\.(?:cuda\.)?/, '')]
			: dtypeNamed(named);
	}
	return dtypeAfter(name, t.dtype, args);
}
