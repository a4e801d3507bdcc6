// Tensor attributes (`x.shape`, `x.T`), a parameter's own methods, and Python's operators on tensors.
import type { AnalysisDiagnostic, Shape, TextRange } from '../../../../protocol/analysis';
import type { CallArgs } from '../../../python/contract';
import { isFloat, UNKNOWN, Value } from '../../../python/values';
import { broadcast, INTEGER_ARITHMETIC, matmulShape, sameShape } from '../../common/shapes';
import { DEFAULT_FLOAT, isFloatingDtype, Operand, resultType, TorchDtype } from '../dtypes';
import { paramTensor, setRequiresGrad, TorchParam, TorchTensor } from '../objects';
import { mixedProductDtypes } from './dtypeChecks';
import { raisedTensor } from '../shapeCauses';
import { complexPart } from './fourier';
import { elementwiseLayout, laidTensor, permutedLayout } from './layout';
import { fmtShape, shapeValue } from './shapes';

/** `x.shape`, `x.T`, `x.ndim` of a tensor; `p.shape`, `p.requires_grad` of a parameter; `undefined` for what NormLens does not model. */
export function tensorAttribute(obj: TorchTensor | TorchParam, name: string): Value | undefined {
	if (obj instanceof TorchTensor) {
		if (name === 'shape') {
			return obj.shape ? shapeValue(obj.shape) : UNKNOWN;
		}
		if (name === 'T' && obj.shape) {
			const t = new TorchTensor([...obj.shape].reverse()).viewOf(obj);
			t.layout = permutedLayout(obj, [...obj.shape.keys()].reverse(), t.shape);
			return { k: 'obj', obj: t };
		}
		// x.mT / x.mH: the last two dims swapped (PyTorch raises below 2 dims); x.H: a matrix's transpose.
		if ((name === 'mT' || name === 'mH' || name === 'H') && obj.shape) {
			const s = obj.shape;
			const ok = name === 'H' ? s.length === 2 : s.length >= 2;
			const t = new TorchTensor(
				ok ? [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]] : null,
			).viewOf(obj);
			const order = [...s.keys()];
			order.push(...order.splice(-2).reverse());
			t.layout = permutedLayout(obj, order, t.shape);
			return { k: 'obj', obj: t };
		}
		if (name === 'ndim') {
			return obj.shape ? { k: 'num', v: obj.shape.length } : UNKNOWN;
		}
		if (name === 'real' || name === 'imag') {
			return complexPart(obj, name);
		}
		// Attributes that are no methods (a bound method would be true in `if x.is_cuda:`): their
		// values are the run's (device, dtype, autograd state), which NormLens does not model.
		if (TENSOR_STATE.has(name)) {
			return UNKNOWN;
		}
		// `x.data` is x's storage without autograd: the same tensor for shapes (`x.data.size()`).
		if (name === 'data') {
			return { k: 'obj', obj };
		}
		return undefined;
	}
	if (name === 'shape') {
		return obj.shape ? shapeValue(obj.shape) : UNKNOWN;
	}
	if (name === 'requires_grad') {
		return { k: 'bool', v: obj.requiresGrad };
	}
	if (name === 'data') {
		// `p.data` is p's storage as a plain tensor (no Parameter, its own requires_grad): a tensor of
		// its shape, for in-place updates (`self.cluster_size.data.mul_(decay)`) and shapes.
		return obj.shape ? { k: 'obj', obj: paramTensor(obj) } : UNKNOWN;
	}
	return TENSOR_STATE.has(name) ? UNKNOWN : undefined;
}

/** A tensor's attributes that are values, not methods: unknown to NormLens (never a bound method). */
const TENSOR_STATE = new Set([
	'is_cuda',
	'is_cpu',
	'is_mps',
	'is_xpu',
	'is_meta',
	'is_sparse',
	'is_sparse_csr',
	'is_quantized',
	'is_mkldnn',
	'is_nested',
	'is_leaf',
	'requires_grad',
	'grad',
	'grad_fn',
	'device',
	'dtype',
	'layout',
	'names',
	'output_nr',
	'itemsize',
	'nbytes',
	'retains_grad',
]);

/** The methods that return the tensor itself when they change nothing (`Tensor.to`'s rule). */
const MAY_RETURN_SELF = new Set([
	'to',
	'cuda',
	'cpu',
	'type',
	'float',
	'double',
	'half',
	'bfloat16',
	'contiguous',
	'type_as',
]);

/** A parameter's own methods; any other is the tensor method on a tensor of its shape. */
export function paramMethod(
	obj: TorchParam,
	name: string,
	args: CallArgs,
	/** The tensor method on a tensor of the parameter's shape (tensorMethodAt, which reports its errors). */
	asTensor: (t: TorchTensor) => Value,
	range: TextRange,
): Value {
	if (MAY_RETURN_SELF.has(name) && !obj.isBuffer && obj.shape) {
		// Graph-WaveNet's `nn.Parameter(…).to(device)`: a tensor in a forward, but what a module
		// keeps may be the Parameter (on the device it was already on) or a copy it does not register.
		const v = asTensor(paramTensor(obj));
		if (v.k === 'obj' && v.obj instanceof TorchTensor) {
			v.obj.opaque = {
				reason: `\`.${name}(…)\` of a Parameter is that Parameter when it changes neither its device nor its dtype (a module holding it then registers it), and a plain tensor otherwise: NormLens does not follow devices`,
				range,
			};
		}
		return v;
	}
	if (name === 'requires_grad_') {
		const flag = args.positional[0] ?? args.keywords.get('requires_grad');
		setRequiresGrad(obj, flag, () => ({
			reason: '`requires_grad_(…)` gets a flag NormLens cannot determine',
			range,
		}));
		return { k: 'obj', obj };
	}
	if (name === 'detach_' && !obj.isBuffer) {
		// A leaf Parameter detached in place stops requiring grad (PyTorch 1.13).
		[obj.requiresGrad, obj.gradCause] = [false, undefined];
		return { k: 'obj', obj };
	}
	if (name === 'numel' && obj.shape) {
		return { k: 'num', v: obj.shape.reduce((a, b) => a * b, 1) };
	}
	if (name === 'size' && obj.shape && args.positional.length === 0 && args.keywords.size === 0) {
		// `w.size()`; `w.size(0)` is one size, as a tensor's (hhsecond's hand-written Conv).
		return shapeValue(obj.shape);
	}
	// A parameter used as a tensor (`self.cls_token.expand(b, -1, -1)`): the tensor's shape rules.
	return obj.shape ? asTensor(paramTensor(obj)) : UNKNOWN;
}

/** `a op b` where an operand is a tensor or a parameter (a number broadcasts as a 0-d tensor): broadcasting, or a matrix product for `@`. */
export function tensorBinaryOp(
	op: string,
	a: Value,
	b: Value,
	range: TextRange | null = null,
): Value | undefined {
	const shapeOf = (v: Value): Shape | null | undefined =>
		v.k === 'obj' && (v.obj instanceof TorchTensor || v.obj instanceof TorchParam)
			? v.obj.shape
			: v.k === 'num' || v.k === 'bool' || (v.k === 'unknown' && v.scalar === true)
				? []
				: undefined;
	const sa = shapeOf(a);
	const sb = shapeOf(b);
	if (
		sa === undefined ||
		sb === undefined ||
		![
			'+',
			'-',
			'*',
			'/',
			'@',
			'//',
			'**',
			'%',
			'&',
			'|',
			'^',
			'<',
			'>',
			'<=',
			'>=',
			'==',
			'!=',
		].includes(op)
	) {
		return undefined;
	}
	if (sa === null || sb === null) {
		return { k: 'obj', obj: new TorchTensor(null) };
	}
	const mixed = op === '@' ? mixedProductDtypes(a, b) : undefined;
	if (mixed && range) {
		return {
			k: 'obj',
			obj: raisedTensor(`\`x @ y\` of ${mixed}: PyTorch raises RuntimeError`, range),
		};
	}
	const out = op === '@' ? matmulShape(sa, sb) : broadcast(sa, sb);
	// From two known shapes, no shape is PyTorch's RuntimeError: the cause says so, where it is.
	if (out === null && range) {
		return {
			k: 'obj',
			obj: raisedTensor(
				`\`x ${op} y\` of shapes ${fmtShape(sa)} and ${fmtShape(sb)}: ${op === '@' ? 'their sizes do not match for a matrix product' : 'they do not broadcast'}`,
				range,
			),
		};
	}
	const t = new TorchTensor(out, null, operatorDtype(op, a, b));
	t.layout = op === '@' ? undefined : elementwiseLayout([a, b].flatMap(laidTensor), out);
	const values = t.integral ? integerValues(op, a, b, sameShape(sa, sb)) : undefined;
	if (values) {
		t.values = values;
	}
	return { k: 'obj', obj: t };
}

/**
 * `-x`, `+x`, `~x` of a tensor or a parameter: element-wise, x's shape and dtype (PyTorch raises for
 * `-` of a bool tensor and `~` of a float one, which NormLens does not tell apart where the dtype is
 * unknown). Undefined for any other value.
 */
export function tensorUnaryOp(v: Value): Value | undefined {
	const t = v.k === 'obj' ? v.obj : undefined;
	if (!(t instanceof TorchTensor || t instanceof TorchParam)) {
		return undefined;
	}
	const out = new TorchTensor(t.shape, null, t.dtype);
	if (t instanceof TorchTensor) {
		out.shapeCause = t.shapeCause;
		out.layout = elementwiseLayout([t], t.shape);
	}
	return { k: 'obj', obj: out };
}

const COMPARISONS = new Set(['<', '>', '<=', '>=', '==', '!=']);

/** The dtype of `a op b` by PyTorch's type promotion (a comparison gives bool, `/` a float); undefined where an operand's is unknown. */
function operatorDtype(op: string, a: Value, b: Value): TorchDtype | undefined {
	if (COMPARISONS.has(op)) {
		return 'bool';
	}
	const operand = (v: Value): Operand | undefined =>
		v.k === 'obj' && (v.obj instanceof TorchTensor || v.obj instanceof TorchParam)
			? { tensor: v.obj.dtype, zeroDim: v.obj.shape?.length === 0 }
			: v.k === 'bool'
				? { scalar: 'bool' }
				: v.k === 'num'
					? { scalar: isFloat(v) ? 'float' : 'int' }
					: undefined;
	const [x, y] = [operand(a), operand(b)];
	const d = x && y ? resultType([x, y]) : undefined;
	// True division of integers (or bools) gives the default float dtype.
	return op === '/' && d && !isFloatingDtype(d) ? DEFAULT_FLOAT : d;
}

/**
 * The values of `a op b` where both are integers NormLens holds (an int64 tensor of known values
 * and a Python int, or two such tensors, one of one value or both of one shape): what `diffX // 2` of
 * `diffX = torch.tensor([5])` holds. Undefined otherwise.
 */
function integerValues(op: string, a: Value, b: Value, sameShape: boolean): number[] | undefined {
	// torch.floor_divide floors since PyTorch 1.13, as Python's // does.
	const f = INTEGER_ARITHMETIC[op];
	const valuesOf = (v: Value): readonly number[] | undefined =>
		v.k === 'num' && !v.float && Number.isInteger(v.v)
			? [v.v]
			: v.k === 'obj' && v.obj instanceof TorchTensor && v.obj.integral
				? v.obj.values
				: undefined;
	const x = valuesOf(a);
	const y = valuesOf(b);
	if (!f || !x || !y || (x.length !== 1 && y.length !== 1 && !sameShape)) {
		return undefined;
	}
	const n = Math.max(x.length, y.length);
	const out: number[] = [];
	for (let i = 0; i < n; i++) {
		const r = f(x[x.length === 1 ? 0 : i], y[y.length === 1 ? 0 : i]);
		if (r === undefined || !Number.isSafeInteger(r)) {
			return undefined;
		}
		out.push(r);
	}
	return out;
}

/**
 * `x += y` on a tensor: x's own storage takes the result, so a y that would grow it by broadcasting
 * is PyTorch's RuntimeError; else what `x + y` gives.
 */
export function inPlaceTensorOp(
	binary: (op: string, a: Value, b: Value, range: TextRange) => Value | undefined,
	report: (d: AnalysisDiagnostic) => void,
	op: string,
	x: TorchTensor,
	b: Value,
	range: TextRange,
): Value | undefined {
	const v = binary(op, { k: 'obj', obj: x }, b, range);
	const out = v?.k === 'obj' && v.obj instanceof TorchTensor ? v.obj.shape : null;
	if (!x.shape || !out || sameShape(out, x.shape)) {
		return v;
	}
	const message = `\`x ${op}= y\`: output with shape ${fmtShape(x.shape)} doesn't match the broadcast shape ${fmtShape(out)} (an in-place op cannot grow its tensor)`;
	report({ range, severity: 'error', code: 'shape-mismatch', message: `${message}.` });
	return { k: 'obj', obj: raisedTensor(message, range) };
}
