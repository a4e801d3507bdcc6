// torch.* functions (`torch.cat`, `torch.einsum`, `torch.zeros`, …) as a name → rule table.
import type { AnalysisDiagnostic, Shape } from '../../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../../python/contract';
import { asInt, asSequence, asString, NONE, tuple, UNKNOWN, Value } from '../../../python/values';
import { makeDevice } from '../device';
import { NOT_A_MODEL_PART } from '../../../python/trusted';
import { opTable } from '../../common/opTable';
import { dtypeAfter, resultType, TorchDtype } from '../dtypes';
import { TorchParam, TorchTensor } from '../objects';
import { raisedTensor } from '../shapeCauses';
import { TORCH_ELEMENTWISE } from './elementwise';
import { FOURIER_NAMES, fourierFunction } from './fourier';
import { raisedTypeError, torchKeywords } from './numpyNames';
import { multiTensorValue, TORCH_MULTI } from './functionalMore';
import { einsumShape, fmtShape } from './shapes';
import { tensorMethodAt } from './tensorMethodAt';
import { withFunctionLayout } from './layout';
import { productShape, tensorOrParam } from './tensorMethodsMore';
import { mixedProductDtypes } from './dtypeChecks';
import { tensorBinaryOp } from './tensorOperators';
import { FACTORIES, TorchFunctionRule } from './torchFactories';

/** The promoted dtype of tensors joined (torch.cat / torch.stack promote since PyTorch 1.5); undefined if one is unknown. */
function joinedDtype(items: readonly (TorchTensor | undefined)[]): TorchDtype | undefined {
	return resultType(items.map((t) => ({ tensor: t?.dtype, zeroDim: false })));
}

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
	const differ = (s: Shape) =>
		s.length !== ss[0].length ||
		s.some((v, i) => v !== null && ss[0][i] !== null && v !== ss[0][i]);
	if (name === 'stack' && ss.some(differ)) {
		const message = `torch.stack expects each tensor to be equal size, but got ${ss.map(fmtShape).join(' and ')}.`;
		report({ range: ctx.range(args.node), severity: 'error', code: 'shape-mismatch', message });
		return { k: 'obj', obj: raisedTensor(message, ctx.range(args.node)) };
	}
	if (name === 'stack') {
		return {
			k: 'obj',
			obj: new TorchTensor(
				[...ss[0].slice(0, d), ss.length, ...ss[0].slice(d)],
				null,
				joinedDtype(items ?? []),
			),
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
	return { k: 'obj', obj: new TorchTensor(out, null, joinedDtype(items ?? [])) };
};

/** Rules whose results have their layouts already (a tensor method's, an operator's). */
const LAID_OUT = new WeakSet<TorchFunctionRule>();

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

LAID_OUT.add(asTensorMethod);

const matrixProduct: TorchFunctionRule = (c) => {
	const { name, a, tensorArg } = c;
	const [x, y] = [tensorArg(a[0])?.shape, tensorArg(a[1])?.shape];
	const mixed = mixedProductDtypes(a[0], a[1]);
	if (mixed) {
		const range = c.ctx.range(c.args.node);
		const message = `torch.${name} of ${mixed} tensors: PyTorch raises RuntimeError.`;
		c.report({ range, severity: 'error', code: 'dtype-mismatch', message });
		return { k: 'obj', obj: raisedTensor(message, range) };
	}
	return {
		k: 'obj',
		obj: new TorchTensor(x && y ? productShape(name, x, y) : null),
	};
};

/** Pointwise functions: the input's shape, from the same producing module. */
const keepsShape: TorchFunctionRule = (c) => {
	const { a, tensorArg } = c;
	const t = tensorArg(a[0]);
	return {
		k: 'obj',
		obj: new TorchTensor(
			t?.shape ?? null,
			t?.producer ?? null,
			dtypeAfter(c.name, t?.dtype, c.args),
		),
	};
};

/** `torch.add(x, y)`, `torch.mul(x, 2)`…: the operator's broadcast (`alpha=`, `rounding_mode=` change no shape). */
const broadcasting = (op: string): TorchFunctionRule => {
	const rule: TorchFunctionRule = (c) =>
		c.a.length === 2 && !c.args.keywords.has('out')
			? tensorBinaryOp(op, c.a[0], c.a[1], c.ctx.range(c.args.node))
			: undefined;
	LAID_OUT.add(rule);
	return rule;
};

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
	// Every input has one dtype (PyTorch raises otherwise), which each grid keeps.
	const dtypes = new Set(list.map((v) => tensorArg(v)?.dtype));
	const dtype = dtypes.size === 1 ? [...dtypes][0] : undefined;
	return tuple(
		list.map(() => ({ k: 'obj', obj: new TorchTensor([...shape], null, dtype) }) as Value),
	);
};

const multiTensor: TorchFunctionRule = (c) =>
	multiTensorValue(c.name, 'torch.', c.args, c.ctx, c.report);

/**
 * Calls that make no tensor and nothing a model holds (`torch.no_grad()`, a context manager;
 * `torch.manual_seed(0)`, a Generator): a value NormLens does not follow, never None (reading
 * an attribute of it is no AttributeError).
 */
const noTensor: TorchFunctionRule = () => ({ k: 'unknown', why: NOT_A_MODEL_PART });

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
	...FACTORIES,
	// `torch.autograd.Variable(x)`: since PyTorch 0.4 a tensor is its own Variable, of x's shape.
	Variable: ({ a: [x] }) =>
		x?.k === 'obj' && x.obj instanceof TorchTensor
			? {
					k: 'obj',
					obj: new TorchTensor(x.obj.shape, x.obj.producer, x.obj.dtype).viewOf(x.obj),
				}
			: x?.k === 'unknown' && x.cause
				? x
				: undefined,
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
	// Element-wise of two, broadcasting: torch.fmod(x, 2) is x.fmod(2) (HyperNetworks' weights).
	...Object.fromEntries(
		'remainder fmod maximum minimum floor_divide atan2 hypot float_power logical_and logical_or logical_xor eq ne lt le gt ge'
			.split(' ')
			.map((n) => [n, asTensorMethod]),
	),
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
	// Tensor bounds broadcast with x (`torch.clamp(x, min=t)`), as the methods do.
	clamp: asTensorMethod,
	clip: asTensorMethod,
	// The in-place forms (`torch.clamp_(x, 0, 1)` in SRGAN's generator): x, its shape kept.
	...Object.fromEntries(
		'clamp_ clip_ relu_ sigmoid_ tanh_ exp_ abs_ neg_ sqrt_ zero_'
			.split(' ')
			.map((n) => [n, keepsShape]),
	),
	// Reordering the elements along some dims (relative positional encodings flip a table).
	flip: keepsShape,
	fliplr: keepsShape,
	flipud: keepsShape,
	roll: keepsShape,
	no_grad: noTensor,
	manual_seed: noTensor,
	device: (c) => makeDevice(c.args),
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
	// torch._C._get_tracing_state(): None outside tracing (HRNet's forward asks).
	_get_tracing_state: () => NONE,
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
	const named = torchKeywords(name, args);
	if (typeof named === 'string') {
		return raisedTypeError(named, ctx.range(args.node), report);
	}
	const a = named.positional;
	const rule = torchFunctions.get(name);
	const v = rule?.({ name, a, args: named, ctx, report, tensorArg: tensorOrParam });
	// The function forms of tensor methods and operators have their layouts from those.
	return v && rule && !LAID_OUT.has(rule)
		? withFunctionLayout(name, `torch.${name}`, [...a, ...named.keywords.values()], v)
		: v;
}
