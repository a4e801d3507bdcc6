/**
 * PyTorch's tensor operations as shape rules: tensor methods (`x.view`, `x.permute`, `x.chunk`, …)
 * and `torch.*` functions (`torch.cat`, `torch.einsum`, `torch.zeros`, …), on the shapes NormLens
 * knows; unknown where PyTorch's result depends on what NormLens does not know.
 */
import type { AnalysisDiagnostic, Shape } from '../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../python/contract';
import {
	asInt,
	asNumber,
	asSequence,
	asString,
	NONE,
	tuple,
	UNKNOWN,
	Value,
} from '../../python/values';
import { broadcast, matmulShape, reshapeShape } from '../common/shapes';
import { ShapeError } from '../common/spec';
import { TorchParam, TorchTensor } from './objects';
import { flattenShape } from './ops/shapes';

/** An unknown batch size read from a tensor (`x.size(0)`), kept distinguishable so that
 * `x.view(x.size(0), -1)` still flattens the other dims. */
export const BATCH: Value = { k: 'unknown', why: 'batch size' };

export const shapeValue = (s: Shape) =>
	tuple(
		s.map((d, i) => (d === null ? (i === 0 ? BATCH : UNKNOWN) : ({ k: 'num', v: d } as Value))),
	);

/**
 * The output shape of an einsum equation (`"bnd,bmd->bnm"`, or implicit: the letters used once, in
 * order); null where NormLens cannot tell (an ellipsis, a size that differs, a letter missing).
 */
export function einsumShape(equation: string, operands: readonly Shape[]): Shape | null {
	const [lhs, rhs] = equation.split('->');
	const inputs = lhs.split(',');
	if (
		inputs.length !== operands.length ||
		equation.includes('.') ||
		!/^[a-zA-Z,]*(->[a-zA-Z]*)?$/.test(equation)
	) {
		return null;
	}
	const size = new Map<string, number | null>();
	const count = new Map<string, number>();
	for (let i = 0; i < inputs.length; i++) {
		const letters = inputs[i];
		if (letters.length !== operands[i].length) {
			return null;
		}
		for (let j = 0; j < letters.length; j++) {
			const l = letters[j];
			const d = operands[i][j];
			count.set(l, (count.get(l) ?? 0) + 1);
			const known = size.get(l);
			if (!size.has(l) || known === 1) {
				size.set(l, d);
			} else if (d !== 1 && d !== null && known !== null && known !== d) {
				return null;
			} else if (known === null && d !== 1) {
				size.set(l, d);
			}
		}
	}
	const out =
		rhs ??
		[...count.keys()]
			.filter((l) => count.get(l) === 1)
			.sort()
			.join('');
	if ([...out].some((l) => !size.has(l)) || new Set(out).size !== out.length) {
		return null;
	}
	return [...out].map((l) => size.get(l) ?? null);
}

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
	'long',
	'int',
	'bool',
	'type',
	'sigmoid_',
	'tanh_',
	'exp_',
	'pow',
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
]);

/**
 * The shapes `chunk`, `split` and `unbind` return, as PyTorch splits: chunk(n) into pieces of
 * ⌈size/n⌉ (the last smaller, fewer pieces when they run out), split(k) into pieces of k (the last
 * smaller) or split([a, b, …]) into those sizes, unbind into the slices along the dim. `undefined`
 * when a size or the dim is unknown, or the pieces would be more than the interpreter lists.
 */
export function splitShapes(
	s: Shape,
	kind: string,
	amount: Value | undefined,
	dimArg: Value | undefined,
): Shape[] | undefined {
	const dimV = kind === 'unbind' ? amount : dimArg;
	const d0 = dimV === undefined ? 0 : asInt(dimV);
	if (d0 === undefined) {
		return undefined;
	}
	const d = d0 < 0 ? s.length + d0 : d0;
	const n = s[d];
	if (d < 0 || d >= s.length || n === null || n === undefined) {
		return undefined;
	}
	const withSize = (k: number): Shape => s.map((v, i) => (i === d ? k : v));
	let sizes: number[];
	if (kind === 'unbind') {
		return n <= 10_000
			? Array.from({ length: n }, () => s.filter((_, i) => i !== d))
			: undefined;
	} else if (kind === 'chunk') {
		const chunks = asInt(amount);
		if (chunks === undefined || chunks < 1) {
			return undefined;
		}
		const size = Math.ceil(n / chunks);
		sizes =
			size === 0
				? [0]
				: Array.from({ length: Math.ceil(n / size) }, (_, i) =>
						Math.min(size, n - i * size),
					);
	} else {
		const each = asInt(amount);
		const list = asSequence(amount)?.map(asInt);
		if (each !== undefined && each > 0) {
			sizes = Array.from({ length: Math.max(1, Math.ceil(n / each)) }, (_, i) =>
				Math.min(each, n - i * each),
			);
		} else if (
			list &&
			list.every((x) => x !== undefined && x >= 0) &&
			(list as number[]).reduce((p, q) => p + q, 0) === n
		) {
			sizes = list as number[];
		} else {
			return undefined;
		}
	}
	return sizes.length <= 10_000 ? sizes.map(withSize) : undefined;
}

/** `x.view(dims)`: PyTorch's rule (reshapeShape); dims that do not fit the input raise there, so the shape is unknown here. */
export function reshape(s: Shape, dims: number[]): Shape | null {
	try {
		return reshapeShape(s, dims, 'view');
	} catch (e) {
		if (e instanceof ShapeError) {
			return null;
		}
		throw e;
	}
}

export function fmtShape(s: Shape): string {
	return `(${s.map((d) => (d === null ? 'None' : d)).join(', ')})`;
}

export function tensorMethod(t: TorchTensor, name: string, args: CallArgs): Value {
	const s = t.shape;
	const a = args.positional;
	const out = (shape: Shape | null): Value => ({
		k: 'obj',
		obj: new TorchTensor(shape, t.producer),
	});
	if (elementwise.has(name)) {
		return out(s);
	}
	if (!s) {
		return name === 'size' || name === 'dim' ? UNKNOWN : out(null);
	}
	const axis = (v: Value | undefined) => {
		const n = asInt(v);
		return n === undefined ? undefined : n < 0 ? s.length + n : n;
	};
	const dimsArg = (): number[] | undefined => {
		const list = a.length === 1 && asSequence(a[0]) ? (asSequence(a[0]) as Value[]) : a;
		const d = list.map(asInt);
		return d.every((x) => x !== undefined) ? (d as number[]) : undefined;
	};
	switch (name) {
		case 'size': {
			if (a.length === 0) {
				return shapeValue(s);
			}
			const d = axis(a[0]);
			const v = d === undefined ? null : s[d];
			if (v === null && d === 0) {
				return BATCH;
			}
			return v === null || v === undefined ? UNKNOWN : { k: 'num', v };
		}
		case 'dim':
			return { k: 'num', v: s.length };
		case 'numel': {
			const n = s.reduce<number | null>(
				(p, d) => (p === null || d === null ? null : p * d),
				1,
			);
			return n === null ? UNKNOWN : { k: 'num', v: n };
		}
		case 'view':
		case 'reshape': {
			const list = a.length === 1 && asSequence(a[0]) ? (asSequence(a[0]) as Value[]) : a;
			// `x.view(x.size(0), -1)` keeps an unknown batch as the batch.
			if (s[0] === null && list[0] === BATCH) {
				const rest = list.slice(1).map(asInt);
				if (rest.every((x) => x !== undefined)) {
					const r = reshape(s.slice(1), rest as number[]);
					return out(r ? [null, ...r] : null);
				}
				return out(null);
			}
			const d = dimsArg();
			return out(d ? reshape(s, d) : null);
		}
		case 'flatten': {
			const start = axis(a[0] ?? args.keywords.get('start_dim') ?? { k: 'num', v: 0 });
			const end = axis(a[1] ?? args.keywords.get('end_dim') ?? { k: 'num', v: -1 });
			return out(
				start === undefined || end === undefined ? null : flattenShape(s, start, end),
			);
		}
		case 'matmul':
		case 'mm':
		case 'bmm': {
			const other =
				a[0]?.k === 'obj' &&
				(a[0].obj instanceof TorchTensor || a[0].obj instanceof TorchParam)
					? a[0].obj.shape
					: null;
			return out(other ? matmulShape(s, other) : null);
		}
		case 'permute': {
			const d = dimsArg();
			return out(
				d && d.length === s.length ? d.map((i) => s[i < 0 ? s.length + i : i]) : null,
			);
		}
		case 'transpose': {
			const i = axis(a[0]);
			const j = axis(a[1]);
			if (i === undefined || j === undefined) {
				return out(null);
			}
			const r = [...s];
			[r[i], r[j]] = [r[j], r[i]];
			return out(r);
		}
		case 'unsqueeze': {
			const n = asInt(a[0]);
			if (n === undefined) {
				return out(null);
			}
			const i = n < 0 ? s.length + 1 + n : n;
			return out([...s.slice(0, i), 1, ...s.slice(i)]);
		}
		case 'squeeze': {
			const i = a.length ? axis(a[0]) : undefined;
			return out(
				a.length
					? i !== undefined && s[i] === 1
						? s.filter((_, k) => k !== i)
						: s
					: s.filter((d) => d !== 1),
			);
		}
		case 'max':
		case 'min':
		case 'median': {
			// With a dim: the tuple (values, indices); with another tensor: elementwise; alone: a scalar.
			const dimV = a[0] ?? args.keywords.get('dim');
			if (!dimV) {
				return out([]);
			}
			if (dimV.k === 'obj') {
				const other =
					dimV.obj instanceof TorchTensor || dimV.obj instanceof TorchParam
						? dimV.obj.shape
						: null;
				return out(other ? broadcast(s, other) : null);
			}
			const d = axis(dimV);
			const keep = a[1] ?? args.keywords.get('keepdim');
			if (d === undefined || (keep && keep.k !== 'bool')) {
				return out(null);
			}
			const reduced =
				keep?.k === 'bool' && keep.v
					? s.map((x, i) => (i === d ? 1 : x))
					: s.filter((_, i) => i !== d);
			return tuple([out(reduced), out(reduced)]);
		}
		case 'mean':
		case 'sum':
		case 'amax':
		case 'amin':
		case 'std':
		case 'var':
		case 'prod':
		case 'logsumexp':
		case 'argmax':
		case 'argmin': {
			const dimV = a[0] ?? args.keywords.get('dim');
			// keepdim may come second (`x.sum(1, True)`); std / var take `unbiased` there.
			const keep =
				args.keywords.get('keepdim') ??
				(a[1]?.k === 'bool' && name !== 'std' && name !== 'var'
					? a[1]
					: a[2]?.k === 'bool'
						? a[2]
						: undefined);
			if (!dimV) {
				return out([]);
			}
			const list = asSequence(dimV) ?? [dimV];
			const ds = list.map(axis);
			if (ds.some((d) => d === undefined)) {
				return out(null);
			}
			const keepdim = keep?.k === 'bool' && keep.v;
			return out(
				keepdim
					? s.map((d, i) => (ds.includes(i) ? 1 : d))
					: s.filter((_, i) => !ds.includes(i)),
			);
		}
		case 'expand': {
			// New sizes, aligned right; -1 keeps the size; leading new dims may be added.
			const list = a.length === 1 && asSequence(a[0]) ? (asSequence(a[0]) as Value[]) : a;
			if (list.length < s.length) {
				return out(null);
			}
			const offset = list.length - s.length;
			return out(
				list.map((v, i) =>
					asInt(v) === -1 && i >= offset
						? s[i - offset]
						: v === BATCH
							? null
							: (asInt(v) ?? null),
				),
			);
		}
		case 'repeat': {
			const reps = dimsArg();
			if (!reps || reps.length < s.length) {
				return out(null);
			}
			const padded = [...new Array<number>(reps.length - s.length).fill(1), ...s];
			return out(reps.map((r, i) => (padded[i] === null ? null : (padded[i] as number) * r)));
		}
		case 't':
			return out(s.length < 2 ? s : [s[1], s[0]]);
		case 'chunk':
		case 'split':
		case 'unbind': {
			const parts = splitShapes(
				s,
				name,
				a[0] ??
					args.keywords.get(
						name === 'chunk'
							? 'chunks'
							: name === 'split'
								? 'split_size_or_sections'
								: 'dim',
					),
				name === 'unbind' ? undefined : (a[1] ?? args.keywords.get('dim')),
			);
			return parts ? tuple(parts.map((p) => out(p))) : UNKNOWN;
		}
		case 'expand_as':
		case 'type_as':
		case 'view_as': {
			const o = a[0];
			return out(o?.k === 'obj' && o.obj instanceof TorchTensor ? o.obj.shape : null);
		}
		default:
			return out(null);
	}
}

export function torchFunction(
	name: string,
	args: CallArgs,
	ctx: CallContext,
	report: (d: AnalysisDiagnostic) => void,
): Value | undefined {
	const a = args.positional;
	// A tensor, or a parameter used as one (`torch.cat([self.cls_token, x])`).
	const tensorArg = (v: Value | undefined) =>
		v?.k === 'obj'
			? v.obj instanceof TorchTensor
				? v.obj
				: v.obj instanceof TorchParam && v.obj.shape
					? new TorchTensor(v.obj.shape)
					: undefined
			: undefined;
	switch (name) {
		case 'einsum': {
			// torch.einsum("bnd,bmd->bnm", a, b): each letter's size from the operands (equal where repeated, 1 broadcasts).
			const eq = asString(a[0])?.replace(/\s+/g, '');
			const ops = (
				a.length === 2 && asSequence(a[1]) ? (asSequence(a[1]) as Value[]) : a.slice(1)
			).map((v) => tensorArg(v)?.shape ?? null);
			const out =
				eq && ops.every((o): o is Shape => o !== null) ? einsumShape(eq, ops) : null;
			return { k: 'obj', obj: new TorchTensor(out) };
		}
		case 'randn':
		case 'rand':
		case 'zeros':
		case 'ones':
		case 'empty':
		case 'full': {
			const list = name === 'full' ? [a[0]] : a;
			const dims = (
				list.length === 1 && asSequence(list[0]) ? (asSequence(list[0]) as Value[]) : list
			).map(asInt);
			return {
				k: 'obj',
				obj: new TorchTensor(
					dims.length > 0 && dims.every((d) => d !== undefined)
						? (dims as number[])
						: null,
				),
			};
		}
		case 'randint': {
			const size = asSequence(a[a.length - 1] ?? args.keywords.get('size'))?.map(asInt);
			return {
				k: 'obj',
				obj: new TorchTensor(
					size && size.every((d) => d !== undefined) ? (size as number[]) : null,
				),
			};
		}
		case 'tensor':
			return { k: 'obj', obj: new TorchTensor(null) };
		case 'cat':
		case 'concat':
		case 'stack': {
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
					report({
						range: ctx.range(args.node),
						severity: 'error',
						code: 'shape-mismatch',
						message: `torch.${name}: tensors of shapes ${fmtShape(ss[0])} and ${fmtShape(s)} differ outside dim ${d}.`,
					});
					return { k: 'obj', obj: new TorchTensor(null) };
				}
			}
			return { k: 'obj', obj: new TorchTensor(out) };
		}
		case 'flatten':
		case 'squeeze':
		case 'unsqueeze':
		case 'permute':
		case 'transpose':
		case 'reshape':
		case 'split':
		case 'chunk':
		case 'unbind':
		case 't': {
			// The function forms of the tensor methods: torch.squeeze(x, 1) is x.squeeze(1).
			const t = tensorArg(a[0]);
			if (!t?.shape) {
				return ['split', 'chunk', 'unbind'].includes(name)
					? UNKNOWN
					: { k: 'obj', obj: new TorchTensor(null) };
			}
			const rest = new Map([...args.keywords].filter(([k]) => k !== 'input'));
			return tensorMethod(t, name, {
				...args,
				positional: a.slice(1),
				keywords: rest,
			});
		}
		case 'arange': {
			// arange(end), arange(start, end[, step]): ⌈(end − start) / step⌉ values.
			const [x, y, z] = [
				a[0] ?? args.keywords.get('start') ?? args.keywords.get('end'),
				a[1] ?? args.keywords.get('end'),
				a[2] ?? args.keywords.get('step'),
			];
			const nums = [x, y, z].map((v) => (v === undefined ? undefined : asNumber(v)));
			const [start, end, step] =
				y === undefined
					? [0, nums[0], 1]
					: [nums[0], nums[1], z === undefined ? 1 : nums[2]];
			if (start === undefined || end === undefined || step === undefined || step === 0) {
				return { k: 'obj', obj: new TorchTensor(null) };
			}
			const n = Math.max(0, Math.ceil((end - start) / step));
			return { k: 'obj', obj: new TorchTensor(Number.isSafeInteger(n) ? [n] : null) };
		}
		case 'zeros_like':
		case 'ones_like':
		case 'empty_like':
		case 'rand_like':
		case 'randn_like':
		case 'full_like': {
			const t = tensorArg(a[0]);
			return { k: 'obj', obj: new TorchTensor(t?.shape ?? null) };
		}
		case 'matmul':
		case 'mm':
		case 'bmm': {
			const [x, y] = [tensorArg(a[0])?.shape, tensorArg(a[1])?.shape];
			return { k: 'obj', obj: new TorchTensor(x && y ? matmulShape(x, y) : null) };
		}
		case 'relu':
		case 'sigmoid':
		case 'tanh':
		case 'softmax':
		case 'log_softmax':
		case 'dropout':
		case 'exp':
		case 'abs': {
			const t = tensorArg(a[0]);
			return { k: 'obj', obj: new TorchTensor(t?.shape ?? null, t?.producer ?? null) };
		}
		case 'no_grad':
		case 'manual_seed':
		case 'device':
			return NONE;
		default:
			return undefined;
	}
}
