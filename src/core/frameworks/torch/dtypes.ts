// PyTorch's dtypes as NormLens follows them: which a tensor holds, where its rules make that knowable
// (an index tensor built with torch.arange is int64; a comparison gives bool), and unknown otherwise.
import type { CallArgs } from '../../python/contract';
import type { Value } from '../../python/values';

/** A tensor's dtype, by PyTorch's canonical name (`torch.long` is `int64`). */
export type TorchDtype =
	| 'bool'
	| 'uint8'
	| 'int8'
	| 'int16'
	| 'int32'
	| 'int64'
	| 'float16'
	| 'bfloat16'
	| 'float32'
	| 'float64'
	| 'complex64'
	| 'complex128';

type Category = 'bool' | 'int' | 'float' | 'complex';

/** Bytes per element and the category type promotion ranks (bool < int < float < complex). */
export const DTYPES: Readonly<Record<TorchDtype, { bytes: number; category: Category }>> = {
	bool: { bytes: 1, category: 'bool' },
	uint8: { bytes: 1, category: 'int' },
	int8: { bytes: 1, category: 'int' },
	int16: { bytes: 2, category: 'int' },
	int32: { bytes: 4, category: 'int' },
	int64: { bytes: 8, category: 'int' },
	float16: { bytes: 2, category: 'float' },
	bfloat16: { bytes: 2, category: 'float' },
	float32: { bytes: 4, category: 'float' },
	float64: { bytes: 8, category: 'float' },
	complex64: { bytes: 8, category: 'complex' },
	complex128: { bytes: 16, category: 'complex' },
};

const RANK: Readonly<Record<Category, number>> = { bool: 0, int: 1, float: 2, complex: 3 };

/** `torch.<name>` as a dtype, aliases included (`torch.long`, `torch.half`, `torch.cfloat`). */
const BY_NAME: Readonly<Record<string, TorchDtype>> = {
	bool: 'bool',
	uint8: 'uint8',
	int8: 'int8',
	int16: 'int16',
	short: 'int16',
	int32: 'int32',
	int: 'int32',
	int64: 'int64',
	long: 'int64',
	float16: 'float16',
	half: 'float16',
	bfloat16: 'bfloat16',
	float32: 'float32',
	float: 'float32',
	float64: 'float64',
	double: 'float64',
	complex64: 'complex64',
	cfloat: 'complex64',
	complex128: 'complex128',
	cdouble: 'complex128',
};

/** Python's own types given as a dtype (`dtype=int`): PyTorch maps them to these. */
const PYTHON_TYPES: Readonly<Record<string, TorchDtype>> = {
	int: 'int64',
	float: 'float64',
	bool: 'bool',
	complex: 'complex128',
};

/**
 * The legacy tensor types (`torch.LongTensor`, as a constructor or in `x.type(torch.LongTensor)`),
 * and the tensor methods that cast to a dtype (`x.long()`).
 */
export const LEGACY_TYPES: Readonly<Record<string, TorchDtype>> = {
	Tensor: 'float32',
	FloatTensor: 'float32',
	DoubleTensor: 'float64',
	HalfTensor: 'float16',
	BFloat16Tensor: 'bfloat16',
	LongTensor: 'int64',
	IntTensor: 'int32',
	ShortTensor: 'int16',
	CharTensor: 'int8',
	ByteTensor: 'uint8',
	BoolTensor: 'bool',
};

export const CAST_METHODS: Readonly<Record<string, TorchDtype>> = {
	float: 'float32',
	double: 'float64',
	half: 'float16',
	bfloat16: 'bfloat16',
	long: 'int64',
	int: 'int32',
	short: 'int16',
	char: 'int8',
	byte: 'uint8',
	bool: 'bool',
	cfloat: 'complex64',
	cdouble: 'complex128',
};

/** PyTorch's default floating dtype (NormLens reads `torch.set_default_dtype` as making it unknown). */
export const DEFAULT_FLOAT: TorchDtype = 'float32';

/** The dtype a `dtype=` argument names; undefined where NormLens cannot tell. */
export function dtypeNamed(v: Value | undefined): TorchDtype | undefined {
	if (v?.k === 'builtin') {
		return PYTHON_TYPES[v.name];
	}
	if (v?.k !== 'ref') {
		return undefined;
	}
	const torch = /^torch\.(\w+)$/.exec(v.path);
	if (torch) {
		return BY_NAME[torch[1]] ?? LEGACY_TYPES[torch[1]];
	}
	const cuda = /^torch\.cuda\.(\w+Tensor)$/.exec(v.path);
	return cuda ? LEGACY_TYPES[cuda[1]] : undefined;
}

/**
 * The dtype a factory makes: the `dtype=` keyword's when given (unknown where NormLens cannot read
 * it), else `otherwise` (the factory's own default).
 */
export function factoryDtype(
	args: CallArgs,
	otherwise: TorchDtype | undefined,
): TorchDtype | undefined {
	const given = args.keywords.get('dtype');
	return given === undefined || given.k === 'none' ? otherwise : dtypeNamed(given);
}

/**
 * The dtype a module's buffer or parameter keeps whatever the module's casts (`model.half()`,
 * `model.to(torch.float64)` cast only floating tensors): an integer or bool one; undefined for a
 * floating one, which NormLens does not follow through those casts.
 */
export function castProofDtype(d: TorchDtype | undefined): TorchDtype | undefined {
	return d && RANK[categoryOf(d)] <= RANK.int ? d : undefined;
}

/** A floating or complex dtype (what `/` gives, what a float index is). */
export function isFloatingDtype(d: TorchDtype): boolean {
	return RANK[categoryOf(d)] >= RANK.float;
}

export function categoryOf(d: TorchDtype): Category {
	return DTYPES[d].category;
}

/** An integer dtype (not bool): `item()` gives an int. */
export function isIntegerDtype(d: TorchDtype | undefined): boolean {
	return d !== undefined && DTYPES[d].category === 'int';
}

/** torch.promote_types(a, b). */
export function promoteTypes(a: TorchDtype, b: TorchDtype): TorchDtype {
	if (a === b) {
		return a;
	}
	const [ca, cb] = [categoryOf(a), categoryOf(b)];
	if (ca !== cb) {
		const [high, low] = RANK[ca] > RANK[cb] ? [a, b] : [b, a];
		// A complex type holds a double's precision as complex128 (float64 with complex64).
		return high === 'complex64' && low === 'float64' ? 'complex128' : high;
	}
	if (ca === 'int') {
		// uint8 with a signed type needs the next signed size up (uint8 and int8: int16).
		if (a === 'uint8' || b === 'uint8') {
			const signed = a === 'uint8' ? b : a;
			return signed === 'int8' ? 'int16' : signed;
		}
	}
	if ((a === 'float16' && b === 'bfloat16') || (a === 'bfloat16' && b === 'float16')) {
		return 'float32';
	}
	return DTYPES[a].bytes >= DTYPES[b].bytes ? a : b;
}

/** One operand of an element-wise op as type promotion reads it. */
export type Operand =
	| { tensor: TorchDtype | undefined; zeroDim: boolean }
	| { scalar: 'bool' | 'int' | 'float' | 'complex' };

const SCALAR_DEFAULT: Readonly<Record<Category, TorchDtype>> = {
	bool: 'bool',
	int: 'int64',
	float: DEFAULT_FLOAT,
	complex: 'complex64',
};

/**
 * torch.result_type of the operands (c10's ResultTypeState): dimensioned tensors first, then 0-d
 * tensors, then Python numbers, each level counting only where its category is higher than the
 * levels' before it. Undefined when a tensor's dtype is unknown.
 */
export function resultType(operands: readonly Operand[]): TorchDtype | undefined {
	let dimensioned: TorchDtype | undefined;
	let zeroDim: TorchDtype | undefined;
	let scalar: TorchDtype | undefined;
	for (const o of operands) {
		if ('scalar' in o) {
			const d = SCALAR_DEFAULT[o.scalar];
			scalar = scalar === undefined ? d : promoteTypes(scalar, d);
		} else if (o.tensor === undefined) {
			return undefined;
		} else if (o.zeroDim) {
			zeroDim = zeroDim === undefined ? o.tensor : promoteTypes(zeroDim, o.tensor);
		} else {
			dimensioned =
				dimensioned === undefined ? o.tensor : promoteTypes(dimensioned, o.tensor);
		}
	}
	const combine = (base: TorchDtype | undefined, next: TorchDtype | undefined) =>
		base === undefined
			? next
			: next === undefined || RANK[categoryOf(next)] <= RANK[categoryOf(base)]
				? base
				: next;
	return combine(combine(dimensioned, zeroDim), scalar);
}

/**
 * What an element-wise method or function gives, by the receiver's dtype: the same dtype
 * (reorderings, copies, masks of values), bool (comparisons), int64 (indices), or, for functions
 * defined on floats, a float (an integer input gives the default float dtype).
 */
export type DtypeRule = 'same' | 'bool' | 'int64' | 'toFloat' | 'sumLike';

const SAME = [
	'view',
	'reshape',
	'permute',
	'transpose',
	'flatten',
	'unflatten',
	'squeeze',
	'unsqueeze',
	'expand',
	'expand_as',
	'broadcast_to',
	'repeat',
	'contiguous',
	'to_sparse',
	'to_dense',
	'coalesce',
	'clone',
	'detach',
	'cpu',
	'cuda',
	'narrow',
	'flip',
	'fliplr',
	'flipud',
	'roll',
	't',
	'movedim',
	'moveaxis',
	'swapaxes',
	'swapdims',
	'index_select',
	'gather',
	'take_along_dim',
	'masked_fill',
	'tril',
	'triu',
	'relu',
	'repeat_interleave',
	'view_as',
	'reshape_as',
	'diag',
	'diagonal',
	'amax',
	'amin',
	'chunk',
	'split',
	'unbind',
	'tensor_split',
	'pin_memory',
];
const BOOL = [
	'eq',
	'ne',
	'lt',
	'le',
	'gt',
	'ge',
	'greater',
	'less',
	'greater_equal',
	'less_equal',
	'not_equal',
	'isnan',
	'isinf',
	'isfinite',
	'isneginf',
	'isposinf',
	'logical_and',
	'logical_or',
	'logical_not',
	'logical_xor',
	'isclose',
	'signbit',
];
const INT64 = ['argmax', 'argmin', 'argsort', 'nonzero', 'bucketize', 'searchsorted'];
const TO_FLOAT = [
	'sigmoid',
	'tanh',
	'exp',
	'log',
	'log2',
	'log10',
	'log1p',
	'expm1',
	'sqrt',
	'rsqrt',
	'sin',
	'cos',
	'reciprocal',
];
const SUM_LIKE = ['sum', 'cumsum', 'prod', 'cumprod'];

/** Tensor methods and torch functions by how their result's dtype follows from the input's. */
export const DTYPE_RULES: ReadonlyMap<string, DtypeRule> = new Map<string, DtypeRule>([
	...SAME.map((n): [string, DtypeRule] => [n, 'same']),
	...BOOL.map((n): [string, DtypeRule] => [n, 'bool']),
	...INT64.map((n): [string, DtypeRule] => [n, 'int64']),
	...TO_FLOAT.map((n): [string, DtypeRule] => [n, 'toFloat']),
	...SUM_LIKE.map((n): [string, DtypeRule] => [n, 'sumLike']),
]);

/**
 * The dtype of what `name` gives on a tensor of dtype `d`, by DTYPE_RULES; undefined for a method
 * the table does not hold (NormLens does not guess), or when `dtype=` is passed and unreadable.
 */
export function dtypeAfter(
	name: string,
	d: TorchDtype | undefined,
	args?: CallArgs,
): TorchDtype | undefined {
	const rule = DTYPE_RULES.get(name);
	if (rule === 'bool' || rule === 'int64') {
		return rule;
	}
	if (args?.keywords.has('dtype') && (rule === 'sumLike' || rule === 'toFloat')) {
		return factoryDtype(args, undefined);
	}
	if (d === undefined) {
		return undefined;
	}
	switch (rule) {
		case 'same':
			return d;
		case 'toFloat':
			return isFloatingDtype(d) ? d : DEFAULT_FLOAT;
		case 'sumLike':
			// Sums and products of bool or integers are int64.
			return RANK[categoryOf(d)] <= RANK.int ? 'int64' : d;
		default:
			return undefined;
	}
}
