// torch.* functions (`torch.cat`, `torch.einsum`, `torch.zeros`, …) as a name → rule table.
import type { AnalysisDiagnostic, Shape } from '../../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../../python/contract';
import {
	asInt,
	asNumber,
	asSequence,
	asString,
	isFloat,
	NONE,
	show,
	tuple,
	UNKNOWN,
	Value,
} from '../../../python/values';
import { opTable } from '../../common/opTable';
import { TorchParam, TorchTensor } from '../objects';
import { raisedTensor } from '../shapeCauses';
import { TORCH_ELEMENTWISE } from './elementwise';
import { FOURIER_NAMES, fourierFunction } from './fourier';
import { multiTensorValue, TORCH_MULTI } from './functionalMore';
import { einsumShape, fmtShape } from './shapes';
import { tensorMethodAt } from './tensorMethodAt';
import { productShape, tensorOrParam } from './tensorMethodsMore';
import { tensorBinaryOp } from './tensorOperators';

/** A torch.* call as its rule reads it. */
interface TorchFunctionCall {
	/** The function as written (rules shared by several names tell them apart). */
	name: string;
	/** The positional arguments. */
	a: Value[];
	args: CallArgs;
	ctx: CallContext;
	report: (d: AnalysisDiagnostic) => void;
	/** A tensor, or a parameter used as one (`torch.cat([self.cls_token, x])`). */
	tensorArg(v: Value | undefined): TorchTensor | undefined;
}

/** A rule's result; `undefined` leaves the call to the interpreter as one NormLens cannot follow. */
type TorchFunctionRule = (c: TorchFunctionCall) => Value | undefined;

/** A new tensor of the sizes given, separately or as one sequence (`torch.full`'s first argument). */
const filled: TorchFunctionRule = (c) => {
	const { name, a, args, ctx, report } = c;
	const sizeKeyword = args.keywords.get('size');
	const list = name === 'full' ? [a[0] ?? sizeKeyword] : a.length > 0 ? a : [sizeKeyword];
	// One sequence is the sizes, `()` too (a 0-d tensor); `torch.zeros()` is PyTorch's TypeError.
	const sequence = list.length === 1 && list[0] ? asSequence(list[0]) : undefined;
	const sizes = sequence ?? list.filter((v): v is Value => v !== undefined);
	// PyTorch takes sizes as ints: `torch.zeros(1, dim / 2)` raises TypeError.
	const float = sizes.find(isFloat);
	if (float) {
		report({
			range: ctx.range(args.node),
			severity: 'error',
			code: 'invalid-arguments',
			message: `torch.${name}: the size ${show(float)} is a float where PyTorch takes an int (TypeError; use \`//\` or \`int(…)\`).`,
		});
		return { k: 'obj', obj: new TorchTensor(null) };
	}
	const dims = sizes.map(asInt);
	return {
		k: 'obj',
		obj: new TorchTensor(
			(dims.length > 0 || sequence) && dims.every((d) => d !== undefined)
				? (dims as number[])
				: null,
			null,
			// float32, PyTorch's default dtype, unless one is given (`torch.full` takes the fill's dtype).
			name !== 'full' && !args.keywords.has('dtype') ? 4 : undefined,
		),
	};
};

/** `torch.cat` / `torch.stack`: sizes add up along the dim (stack: a new dim), the others must agree. */
const joined: TorchFunctionRule = (c) => {
	const { name, a, args, ctx, report, tensorArg } = c;
	const items = ctx.iterate(a[0] ?? UNKNOWN)?.map(tensorArg);
	const dimV = a[1] ?? args.keywords.get('dim') ?? { k: 'num', v: 0 };
	const shapes = items?.map((t) => t?.shape ?? null);
	if (!shapes || shapes.length === 0 || shapes.some((s) => !s)) {
		return { k: 'obj', obj: new TorchTensor(null) };
	}
	const ss = shapes as Shape[];
	const rank = ss[0].length + (name === 'stack' ? 1 : 0);
	const d0 = asInt(dimV);
	if (d0 === undefined) {
		return { k: 'obj', obj: new TorchTensor(null) };
	}
	const d = d0 < 0 ? rank + d0 : d0;
	if (name === 'stack') {
		return {
			k: 'obj',
			obj: new TorchTensor([...ss[0].slice(0, d), ss.length, ...ss[0].slice(d)]),
		};
	}
	const out = [...ss[0]];
	out[d] = ss.reduce<number | null>(
		(sum, s) => (sum === null || s[d] === null ? null : sum + (s[d] as number)),
		0,
	);
	for (const s of ss.slice(1)) {
		if (
			s.length !== out.length ||
			s.some((v, i) => i !== d && v !== null && out[i] !== null && v !== out[i])
		) {
			const message = `torch.${name}: tensors of shapes ${fmtShape(ss[0])} and ${fmtShape(s)} differ outside dim ${d}.`;
			report({
				range: ctx.range(args.node),
				severity: 'error',
				code: 'shape-mismatch',
				message,
			});
			return { k: 'obj', obj: raisedTensor(message, ctx.range(args.node)) };
		}
	}
	return { k: 'obj', obj: new TorchTensor(out) };
};

const asTensorMethod: TorchFunctionRule = (c) => {
	const { name, a, args, tensorArg } = c;
	// The function forms of the tensor methods: torch.squeeze(x, 1) is x.squeeze(1).
	const t = tensorArg(a[0]);
	if (!t?.shape) {
		return ['split', 'chunk', 'unbind', 'topk', 'sort', 'cummax', 'cummin'].includes(name)
			? UNKNOWN
			: { k: 'obj', obj: new TorchTensor(null) };
	}
	const rest = new Map([...args.keywords].filter(([k]) => k !== 'input'));
	return tensorMethodAt(
		t,
		name,
		{ ...args, positional: a.slice(1), keywords: rest },
		c.ctx.range(args.node),
		c.report,
		`torch.${name}(…)`,
	);
};

/** `torch.zeros_like(x)` and its kin: the input's shape. */
const likeInput: TorchFunctionRule = (c) => {
	const { a, tensorArg } = c;
	const t = tensorArg(a[0]);
	return { k: 'obj', obj: new TorchTensor(t?.shape ?? null) };
};

const matrixProduct: TorchFunctionRule = (c) => {
	const { name, a, tensorArg } = c;
	const [x, y] = [tensorArg(a[0])?.shape, tensorArg(a[1])?.shape];
	return {
		k: 'obj',
		obj: new TorchTensor(x && y ? productShape(name, x, y) : null),
	};
};

/** Pointwise functions: the input's shape, from the same producing module. */
const keepsShape: TorchFunctionRule = (c) => {
	const { a, tensorArg } = c;
	const t = tensorArg(a[0]);
	return { k: 'obj', obj: new TorchTensor(t?.shape ?? null, t?.producer ?? null) };
};

/** `torch.from_numpy(x_train)`, `torch.as_tensor(X)`: the array's shape and (unknown here) dtype. */
const fromArray: TorchFunctionRule = (c) => {
	const array = ndarrayShape(c.a[0]);
	return array ? { k: 'obj', obj: new TorchTensor(array, null) } : undefined;
};

/** `torch.add(x, y)`, `torch.mul(x, 2)`…: the operator's broadcast (`alpha=`, `rounding_mode=` change no shape). */
const broadcasting =
	(op: string): TorchFunctionRule =>
	(c) =>
		c.a.length === 2 && !c.args.keywords.has('out')
			? tensorBinaryOp(op, c.a[0], c.a[1], c.ctx.range(c.args.node))
			: undefined;

function legacyConstructor(elementBytes: number): TorchFunctionRule {
	return (c) => {
		const { a, args } = c;
		if (args.keywords.size > 0) {
			return undefined;
		}
		const data =
			a.length === 1
				? (ndarrayShape(a[0]) ?? (asSequence(a[0]) ? dataShape(a[0]) : undefined))
				: undefined;
		const sizes = a.every((v) => v.k === 'num' && !isFloat(v)) ? a.map(asInt) : undefined;
		const shape =
			data ??
			(sizes && sizes.every((d) => d !== undefined && d >= 0) ? (sizes as number[]) : null);
		return {
			k: 'obj',
			obj: new TorchTensor(
				a.length === 0 ? [0] : shape,
				null,
				shape ? elementBytes : undefined,
			),
		};
	};
}

/**
 * A NumPy array of data NormLens holds (`keras.datasets`, `np.zeros`, scikit-learn's `make_circles`;
 * keras/numpyArrays.ts): its shape, every size known. Read by its shape, not its class, as PyTorch
 * reads any array.
 */
function ndarrayShape(v: Value | undefined): number[] | undefined {
	if (v?.k !== 'obj' || v.obj.kind !== 'tensor') {
		return undefined;
	}
	const o = v.obj as { ndarray?: boolean; shape?: unknown };
	return o.ndarray === true &&
		Array.isArray(o.shape) &&
		o.shape.every((d) => typeof d === 'number')
		? (o.shape as number[])
		: undefined;
}

/** The numbers of nested lists or tuples, depth first; undefined if any leaf is not a number (a bool, unknown). */
function numbers(v: Value): (Value & { k: 'num' })[] | undefined {
	if (v.k === 'num') {
		return [v];
	}
	const items = asSequence(v);
	if (!items) {
		return undefined;
	}
	const out: (Value & { k: 'num' })[] = [];
	for (const it of items) {
		const n = numbers(it);
		if (!n) {
			return undefined;
		}
		out.push(...n);
	}
	return out;
}

/** The shape of nested lists or tuples of numbers (a number: 0-d); undefined when ragged or not all known. */
function dataShape(v: Value, depth = 0): number[] | undefined {
	if (v.k === 'num' || v.k === 'bool') {
		return [];
	}
	const items = asSequence(v);
	if (!items || depth > 32 || ((v.k === 'list' || v.k === 'tuple') && v.cause)) {
		return undefined;
	}
	const inner = items.map((x) => dataShape(x, depth + 1));
	const first = inner[0];
	if (items.length === 0) {
		return [0];
	}
	if (
		first === undefined ||
		inner.some(
			(s) => s === undefined || s.length !== first.length || s.some((d, i) => d !== first[i]),
		)
	) {
		return undefined;
	}
	return [items.length, ...first];
}

/** Whether every number in the data is a Python float (PyTorch then makes a float32 tensor). */
function allFloats(v: Value): boolean {
	const items = asSequence(v);
	return items ? items.length > 0 && items.every(allFloats) : isFloat(v);
}

/**
 * `torch.meshgrid(a, b, …)` (or one sequence of them) of 1-D tensors of sizes n1, n2, …: as many
 * tensors, each (n1, n2, …); `indexing='xy'` swaps the first two sizes (PyTorch 1.13's default is
 * 'ij', with a warning). A 0-d input counts as one value, as PyTorch's.
 */
const meshgrid: TorchFunctionRule = (c) => {
	const { a, args, ctx, tensorArg } = c;
	const list = a.length === 1 ? ctx.iterate(a[0]) : a;
	const indexing = args.keywords.get('indexing');
	const mode = indexing === undefined ? 'ij' : asString(indexing);
	if (!list || list.length === 0 || (mode !== 'ij' && mode !== 'xy')) {
		return undefined;
	}
	const sizes = list.map((v) => {
		const s = tensorArg(v)?.shape;
		return s && s.length <= 1 ? (s.length === 0 ? 1 : s[0]) : undefined;
	});
	if (sizes.some((n) => n === undefined || n === null)) {
		return tuple(list.map(() => ({ k: 'obj', obj: new TorchTensor(null) }) as Value));
	}
	const shape = sizes as number[];
	if (mode === 'xy' && shape.length >= 2) {
		[shape[0], shape[1]] = [shape[1], shape[0]];
	}
	return tuple(list.map(() => ({ k: 'obj', obj: new TorchTensor([...shape]) }) as Value));
};

const multiTensor: TorchFunctionRule = (c) =>
	multiTensorValue(c.name, 'torch.', c.args, c.ctx, c.report);

/** Calls that make no tensor (`torch.no_grad()`, `torch.manual_seed(0)`). */
const noTensor: TorchFunctionRule = () => NONE;

/** Every torch.* function NormLens follows, by name; any other is a call the interpreter cannot follow. */
const torchFunctions = opTable<TorchFunctionRule>({
	einsum: (c) => {
		const { a, tensorArg } = c;
		// torch.einsum("bnd,bmd->bnm", a, b): each letter's size from the operands (equal where repeated, 1 broadcasts).
		const eq = asString(a[0])?.replace(/\s+/g, '');
		const ops = (
			a.length === 2 && asSequence(a[1]) ? (asSequence(a[1]) as Value[]) : a.slice(1)
		).map((v) => tensorArg(v)?.shape ?? null);
		const out = eq && ops.every((o): o is Shape => o !== null) ? einsumShape(eq, ops) : null;
		return { k: 'obj', obj: new TorchTensor(out) };
	},
	randn: filled,
	rand: filled,
	zeros: filled,
	ones: filled,
	// `torch.eye(n, m=None)`: (n, m or n); sizes that are no ints are PyTorch's TypeError (unknown).
	eye: ({ a, args }) => {
		const [n, m] = [a[0] ?? args.keywords.get('n'), a[1] ?? args.keywords.get('m')];
		const dims = [n, m ?? n].map((v) => (v && !isFloat(v) ? asInt(v) : undefined));
		return dims.every((d) => d !== undefined && d >= 0)
			? { k: 'obj', obj: new TorchTensor(dims as number[], null) }
			: undefined;
	},
	empty: filled,
	full: filled,
	randint: (c) => {
		const { a, args } = c;
		const size = asSequence(a[a.length - 1] ?? args.keywords.get('size'))?.map(asInt);
		return {
			k: 'obj',
			obj: new TorchTensor(
				size && size.every((d) => d !== undefined) ? (size as number[]) : null,
				null,
				// int64, torch.randint's default, unless one is given.
				args.keywords.has('dtype') ? undefined : 8,
			),
		};
	},
	// A tensor from data: sizes from the nesting of known numbers (`[[1, 2], [3, 4]]` (2, 2)).
	tensor: (c) => {
		const array = ndarrayShape(c.a[0]);
		if (array) {
			// A NumPy array of data: its shape; its dtype is the array's.
			return { k: 'obj', obj: new TorchTensor(array, null) };
		}
		const shape = c.a[0] ? dataShape(c.a[0]) : undefined;
		const floats = shape !== undefined && c.a[0] !== undefined && allFloats(c.a[0]);
		const t = new TorchTensor(
			shape ?? null,
			null,
			// float32 (PyTorch's default dtype) for data of Python floats, unless a dtype is given.
			floats && !c.args.keywords.has('dtype') ? 4 : undefined,
		);
		// Small data's values, no dtype given: float32 (the default) if any is a float, else int64.
		const leaves =
			c.a[0] && shape && !c.args.keywords.has('dtype') ? numbers(c.a[0]) : undefined;
		if (leaves && leaves.length <= 4096) {
			const integral = leaves.every((v) => !isFloat(v));
			t.values = leaves.map((v) => (integral ? v.v : Math.fround(v.v)));
			t.integral = integral;
		}
		return { k: 'obj', obj: t };
	},
	from_numpy: fromArray,
	as_tensor: fromArray,
	// `torch.autograd.Variable(x)`: since PyTorch 0.4 a tensor is its own Variable, of x's shape.
	Variable: ({ a: [x] }) =>
		x?.k === 'obj' && x.obj instanceof TorchTensor
			? { k: 'obj', obj: new TorchTensor(x.obj.shape, x.obj.producer).viewOf(x.obj) }
			: x?.k === 'unknown' && x.cause
				? x
				: undefined,
	// The legacy constructors: torch.Tensor(3, 4) has those sizes; torch.Tensor([3, 4]) is data (2,).
	Tensor: legacyConstructor(4),
	FloatTensor: legacyConstructor(4),
	DoubleTensor: legacyConstructor(8),
	LongTensor: legacyConstructor(8),
	cat: joined,
	concat: joined,
	stack: joined,
	meshgrid,
	flatten: asTensorMethod,
	squeeze: asTensorMethod,
	unsqueeze: asTensorMethod,
	permute: asTensorMethod,
	transpose: asTensorMethod,
	reshape: asTensorMethod,
	split: asTensorMethod,
	chunk: asTensorMethod,
	unbind: asTensorMethod,
	t: asTensorMethod,
	narrow: asTensorMethod,
	index_select: asTensorMethod,
	topk: asTensorMethod,
	sort: asTensorMethod,
	diff: asTensorMethod,
	// Reductions: torch.mean(x, dim=1, keepdim=True) is x.mean(dim=1, keepdim=True).
	mean: asTensorMethod,
	sum: asTensorMethod,
	prod: asTensorMethod,
	std: asTensorMethod,
	var: asTensorMethod,
	amax: asTensorMethod,
	amin: asTensorMethod,
	logsumexp: asTensorMethod,
	argmax: asTensorMethod,
	argmin: asTensorMethod,
	max: asTensorMethod,
	min: asTensorMethod,
	median: asTensorMethod,
	arange: (c) => {
		const { a, args } = c;
		// arange(end), arange(start, end[, step]): ⌈(end − start) / step⌉ values.
		const [x, y, z] = [
			a[0] ?? args.keywords.get('start') ?? args.keywords.get('end'),
			a[1] ?? args.keywords.get('end'),
			a[2] ?? args.keywords.get('step'),
		];
		const nums = [x, y, z].map((v) => (v === undefined ? undefined : asNumber(v)));
		const [start, end, step] =
			y === undefined ? [0, nums[0], 1] : [nums[0], nums[1], z === undefined ? 1 : nums[2]];
		if (start === undefined || end === undefined || step === undefined || step === 0) {
			return { k: 'obj', obj: new TorchTensor(null) };
		}
		const n = Math.max(0, Math.ceil((end - start) / step));
		// Of ints alone (no dtype given), an int64 tensor whose values are known: `x[:, torch.arange(3)]`.
		const ints =
			!args.keywords.has('dtype') &&
			[x, y, z].every((v) => v === undefined || (v.k === 'num' && !isFloat(v)));
		const t = new TorchTensor(Number.isSafeInteger(n) ? [n] : null, null, ints ? 8 : undefined);
		if (ints && Number.isSafeInteger(n) && n <= 4096) {
			t.values = Array.from({ length: n }, (_, i) => start + i * step);
			t.integral = true;
		}
		return { k: 'obj', obj: t };
	},
	// torch.linspace(start, end, steps): `steps` float32 values, computed as PyTorch's CPU kernel does
	// (in float32, from both ends towards the middle), kept when there are few enough to read.
	linspace: (c) => {
		const { a, args } = c;
		const [start, end, steps] = ['start', 'end', 'steps'].map((k, i) =>
			asNumber(a[i] ?? args.keywords.get(k) ?? UNKNOWN),
		);
		const n = steps !== undefined && Number.isSafeInteger(steps) && steps >= 0 ? steps : null;
		const t = new TorchTensor(
			n === null ? null : [n],
			null,
			args.keywords.has('dtype') ? undefined : 4,
		);
		if (
			n !== null &&
			n <= 4096 &&
			start !== undefined &&
			end !== undefined &&
			!args.keywords.has('dtype')
		) {
			t.values = linspaceFloat32(start, end, n);
		}
		return { k: 'obj', obj: t };
	},
	zeros_like: likeInput,
	ones_like: likeInput,
	empty_like: likeInput,
	rand_like: likeInput,
	randn_like: likeInput,
	full_like: likeInput,
	add: broadcasting('+'),
	sub: broadcasting('-'),
	subtract: broadcasting('-'),
	mul: broadcasting('*'),
	multiply: broadcasting('*'),
	div: broadcasting('/'),
	pow: broadcasting('**'),
	divide: broadcasting('/'),
	true_divide: broadcasting('/'),
	matmul: matrixProduct,
	mm: matrixProduct,
	bmm: matrixProduct,
	relu: keepsShape,
	sigmoid: keepsShape,
	tanh: keepsShape,
	softmax: keepsShape,
	log_softmax: keepsShape,
	dropout: keepsShape,
	abs: keepsShape,
	...Object.fromEntries(TORCH_ELEMENTWISE.map((n) => [n, keepsShape])),
	// Element-wise, or masking a matrix in place of its values (`torch.tril(torch.ones(n, n))`, the causal mask).
	tril: keepsShape,
	triu: keepsShape,
	clamp: keepsShape,
	clip: keepsShape,
	// Reordering the elements along some dims (relative positional encodings flip a table).
	flip: keepsShape,
	fliplr: keepsShape,
	flipud: keepsShape,
	roll: keepsShape,
	no_grad: noTensor,
	manual_seed: noTensor,
	device: noTensor,
	...Object.fromEntries([...TORCH_MULTI].map((n) => [n, multiTensor])),
	// torch.fft.rfft(x) and its kin (the table is keyed by the last name), the complex views.
	...Object.fromEntries(
		FOURIER_NAMES.map((n): [string, TorchFunctionRule] => [
			n,
			(c) => fourierFunction(c.name, c.args),
		]),
	),
	// NormLens follows a model run eagerly (as a summary runs it): not scripted, traced or exported.
	is_scripting: () => ({ k: 'bool', v: false }),
	is_tracing: () => ({ k: 'bool', v: false }),
	is_in_onnx_export: () => ({ k: 'bool', v: false }),
	// torch.is_tensor(x): a tensor or a parameter is one; a number, a string, None or a container is not.
	is_tensor: (c) => {
		const v = c.a[0];
		if (v?.k === 'obj') {
			return v.obj instanceof TorchTensor || v.obj instanceof TorchParam
				? { k: 'bool', v: true }
				: undefined;
		}
		return v && ['num', 'str', 'bool', 'none', 'list', 'tuple', 'dict'].includes(v.k)
			? { k: 'bool', v: false }
			: undefined;
	},
	nan_to_num: keepsShape,
	bucketize: keepsShape,
	// torch.where(condition) alone: the indices of the nonzero values, as many as the data has.
	where: (c) =>
		c.a.length === 1 && c.args.keywords.size === 0
			? c.tensorArg(c.a[0])?.shape
				? tuple(
						(c.tensorArg(c.a[0])?.shape ?? []).map((): Value => ({
							k: 'obj',
							obj: new TorchTensor(null),
						})),
					)
				: UNKNOWN
			: multiTensor(c),
	...Object.fromEntries(
		[
			'repeat_interleave',
			'gather',
			'take_along_dim',
			'cumsum',
			'cumprod',
			'logcumsumexp',
			'argsort',
			'cummax',
			'cummin',
			'outer',
			'ger',
			'norm',
			'addmm',
			'baddbmm',
			'addbmm',
			'addmv',
			'tensordot',
			'broadcast_to',
			'index_fill',
			'index_add',
			'index_copy',
			'scatter',
			'scatter_add',
			'scatter_reduce',
			'unflatten',
			'swapaxes',
			'swapdims',
			'movedim',
			'moveaxis',
		].map((n) => [n, asTensorMethod]),
	),
});

/** `torch.<name>(…)` by the table; `undefined` for a function the table does not hold. */
export function torchFunction(
	name: string,
	args: CallArgs,
	ctx: CallContext,
	report: (d: AnalysisDiagnostic) => void,
): Value | undefined {
	const a = args.positional;
	return torchFunctions.get(name)?.({ name, a, args, ctx, report, tensorArg: tensorOrParam });
}

/** at::linspace's float32 values (aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp). */
function linspaceFloat32(start: number, end: number, steps: number): number[] {
	const f = Math.fround;
	const [a, b] = [f(start), f(end)];
	if (steps === 1) {
		return [a];
	}
	const step = f(f(b - a) / (steps - 1));
	const halfway = Math.floor(steps / 2);
	return Array.from({ length: steps }, (_, i) =>
		i < halfway ? f(a + f(step * i)) : f(b - f(step * (steps - i - 1))),
	);
}
