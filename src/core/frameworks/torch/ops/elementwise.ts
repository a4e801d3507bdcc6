// The ops that keep their input's shape, by name; tensor methods and F.* read it alike.
import type { Shape } from '../../../../protocol/analysis';
import type { CallArgs } from '../../../python/contract';
import { broadcast, sameShape } from '../../common/shapes';
import { ShapeError } from '../../common/spec';
import { TorchParam, TorchTensor } from '../objects';

const fmt = (s: Shape) => `[${s.map((d) => d ?? '?').join(', ')}]`;

/** Functional ops that keep their input's shape. */
export const elementwise = new Set([
	'relu',
	'relu_',
	'relu6',
	'gelu',
	'silu',
	'mish',
	'sigmoid',
	'tanh',
	'elu',
	'selu',
	'leaky_relu',
	'hardswish',
	'hardsigmoid',
	'softplus',
	'dropout',
	'dropout2d',
	'softmax',
	'log_softmax',
	'normalize',
	'batch_norm',
	'layer_norm',
	'group_norm',
	'instance_norm',
	'abs',
	'exp',
	'log',
	'sqrt',
	'clamp',
	'clone',
	'detach',
	'contiguous',
	'float',
	'double',
	'half',
	'to',
	'cuda',
	'cpu',
	'neg',
	'sin',
	'cos',
	// in-place initialisers and casts keep the shape too
	'uniform_',
	'normal_',
	'fill_',
	'zero_',
	'clamp_',
	'mul_',
	'add_',
	'sub_',
	'div_',
	'bernoulli_',
	'requires_grad_',
	'type_as',
	'long',
	'int',
	'bool',
	'type',
	'sigmoid_',
	'tanh_',
	'exp_',
	'square',
	'rsqrt',
	// masking, triangles and more pointwise ops
	'masked_fill',
	'masked_fill_',
	'tril',
	'triu',
	'tril_',
	'triu_',
	'clip',
	'clamp_min',
	'clamp_max',
	'sign',
	'floor',
	'ceil',
	'round',
	'trunc',
	'reciprocal',
	'nan_to_num',
	'erf',
	'expm1',
	'log1p',
	'log2',
	'log10',
	'logsigmoid',
	'softsign',
	'softmin',
	'hardtanh',
	'logical_not',
	'abs_',
	'neg_',
	'sqrt_',
	'relu6_',
	'leaky_relu_',
	'elu_',
	'silu_',
	'gelu_',
	'alpha_dropout',
	'feature_alpha_dropout',
	'dropout1d',
	'dropout3d',
	'tan',
	'atan',
	// a sparse or dense layout of the same tensor (Whisper's alignment-heads buffer): its sizes kept
	'to_sparse',
	'to_dense',
	'coalesce',
]);

/** torch.* functions of one tensor that keep its shape (PyTorch 1.13; a bool result for the tests). */
export const TORCH_ELEMENTWISE = (
	'exp sqrt rsqrt log sin cos neg floor ceil square reciprocal sign sgn log2 log10 log1p expm1 ' +
	'exp2 erf erfc trunc round frac sinh cosh tan atan asin acos asinh acosh atanh nan_to_num ' +
	'logical_not deg2rad rad2deg positive isnan isinf isfinite signbit'
).split(' ');

/** Element-wise methods whose tensor operands broadcast with the receiver (`x.masked_fill(mask, 0)`). */
const BROADCASTING = new Set([
	'masked_fill',
	'clamp',
	'clip',
	'clamp_min',
	'clamp_max',
	'add_',
	'sub_',
	'mul_',
	'div_',
	'pow_',
	'masked_fill_',
	'clamp_',
	'clip_',
	'clamp_min_',
	'clamp_max_',
]);

/**
 * The shape of an element-wise method's result: the receiver's, or its broadcast with the tensor
 * operands (`x.masked_fill(mask, 0)` of a larger mask is the larger); null where an operand's shape
 * is unknown. An in-place method cannot grow its receiver: PyTorch's RuntimeError (a ShapeError).
 */
export function elementwiseShape(name: string, s: Shape, args: CallArgs): Shape | null {
	if (!BROADCASTING.has(name)) {
		return s;
	}
	const operands = [...args.positional, ...args.keywords.values()].flatMap((v) =>
		v.k === 'obj' && (v.obj instanceof TorchTensor || v.obj instanceof TorchParam)
			? [v.obj]
			: [],
	);
	let out: Shape | null = s;
	for (const { shape: o } of operands) {
		out = out && o ? broadcast(out, o) : null;
		if (out === null && o) {
			throw new ShapeError(
				`the operand of shape ${fmt(o)} does not broadcast with ${fmt(s)}`,
			);
		}
	}
	if (name.endsWith('_') && out && !sameShape(out, s)) {
		throw new ShapeError(
			`output with shape ${fmt(s)} doesn't match the broadcast shape ${fmt(out)} (an in-place op cannot grow its tensor)`,
		);
	}
	return out;
}

/** The method forms of Python's operators and of two-operand pointwise functions (`x.add(y)`, `x.eq(y)`), which broadcast their operands. */
export const BINARY_METHODS = [
	'add',
	'sub',
	'subtract',
	'mul',
	'multiply',
	'div',
	'divide',
	'true_divide',
	'floor_divide',
	'remainder',
	'fmod',
	'maximum',
	'minimum',
	'eq',
	'ne',
	'lt',
	'le',
	'gt',
	'ge',
	'logical_and',
	'logical_or',
	'logical_xor',
	'atan2',
	'hypot',
	'pow',
	'float_power',
];
