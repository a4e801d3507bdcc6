// Matrix decompositions and functions of square matrices (torch.qr, torch.linalg.svd, torch.det, …):
// the shapes PyTorch 1.13's documentation gives for an input of shape (*, m, n). Glow's and
// glow-tts's invertible 1×1 convolutions start their weight from `torch.qr(…)[0]` and
// `torch.lu_unpack(*torch.lu(w))`.
import type { Shape } from '../../../../protocol/analysis';
import type { CallArgs } from '../../../python/contract';
import { tuple, Value } from '../../../python/values';
import { TorchTensor } from '../objects';
import { tensorOrParam } from './tensorMethodsMore';

/** A result tensor: of the input's dtype, or int32 (the pivots, the infos). */
type Make = (shape: Shape, int?: 'int32') => Value;

/** A flag argument (by position or name) that must be a known bool, with its default. */
function flag(args: CallArgs, at: number, name: string, dflt: boolean): boolean | undefined {
	const v = args.positional[at] ?? args.keywords.get(name);
	return v === undefined ? dflt : v.k === 'bool' ? v.v : undefined;
}

/** Each function, by its path after `torch.`: the outputs for batch dims `b` and a (m, n) matrix. */
const DECOMPOSITIONS: Readonly<
	Record<
		string,
		(b: Shape, m: number, n: number, args: CallArgs, tensor: Make) => Value | undefined
	>
> = {
	// torch.qr(A, some=True): Q (*, m, k), R (*, k, n); some=False: Q (*, m, m), R (*, m, n).
	qr: (b, m, n, args, tensor) => {
		const some = flag(args, 1, 'some', true);
		const k = some ? Math.min(m, n) : m;
		return some === undefined ? undefined : tuple([tensor([...b, m, k]), tensor([...b, k, n])]);
	},
	'linalg.qr': (b, m, n, args, tensor) => {
		const mode = args.positional[1] ?? args.keywords.get('mode');
		const reduced = mode === undefined || (mode.k === 'str' && mode.v === 'reduced');
		const complete = mode?.k === 'str' && mode.v === 'complete';
		const k = reduced ? Math.min(m, n) : m;
		return reduced || complete
			? tuple([tensor([...b, m, k]), tensor([...b, k, n])])
			: undefined;
	},
	// torch.svd(A, some=True): U (*, m, k), S (*, k), V (*, n, k); some=False: U (*, m, m), V (*, n, n).
	svd: (b, m, n, args, tensor) => {
		const some = flag(args, 1, 'some', true);
		const k = Math.min(m, n);
		return some === undefined
			? undefined
			: tuple([
					tensor([...b, m, some ? k : m]),
					tensor([...b, k]),
					tensor([...b, n, some ? k : n]),
				]);
	},
	// torch.linalg.svd(A, full_matrices=True): U (*, m, m), S (*, k), Vh (*, n, n); else (*, m, k), (*, k, n).
	'linalg.svd': (b, m, n, args, tensor) => {
		const full = flag(args, 1, 'full_matrices', true);
		const k = Math.min(m, n);
		return full === undefined
			? undefined
			: tuple([
					tensor([...b, m, full ? m : k]),
					tensor([...b, k]),
					tensor([...b, full ? n : k, n]),
				]);
	},
	// torch.lu(A, pivot=True, get_infos=False): (A_LU (*, m, n), pivots (*, k) int32[, infos (*)]).
	lu: (b, m, n, args, tensor) => {
		const infos = flag(args, 2, 'get_infos', false);
		const out = [tensor([...b, m, n]), tensor([...b, Math.min(m, n)], 'int32')];
		return infos === undefined ? undefined : tuple(infos ? [...out, tensor(b, 'int32')] : out);
	},
	// torch.lu_unpack(LU_data, LU_pivots): P (*, m, m), L (*, m, k), U (*, k, n).
	lu_unpack: (b, m, n, _args, tensor) => {
		const k = Math.min(m, n);
		return tuple([tensor([...b, m, m]), tensor([...b, m, k]), tensor([...b, k, n])]);
	},
	// Of square matrices: a number per matrix, or a matrix of the same shape.
	det: (b, m, n, _args, tensor) => (m === n ? tensor(b) : undefined),
	'linalg.det': (b, m, n, _args, tensor) => (m === n ? tensor(b) : undefined),
	logdet: (b, m, n, _args, tensor) => (m === n ? tensor(b) : undefined),
	slogdet: (b, m, n, _args, tensor) => (m === n ? tuple([tensor(b), tensor(b)]) : undefined),
	'linalg.slogdet': (b, m, n, _args, tensor) =>
		m === n ? tuple([tensor(b), tensor(b)]) : undefined,
	inverse: (b, m, n, _args, tensor) => (m === n ? tensor([...b, m, n]) : undefined),
	'linalg.inv': (b, m, n, _args, tensor) => (m === n ? tensor([...b, m, n]) : undefined),
	matrix_exp: (b, m, n, _args, tensor) => (m === n ? tensor([...b, m, n]) : undefined),
	'linalg.matrix_exp': (b, m, n, _args, tensor) => (m === n ? tensor([...b, m, n]) : undefined),
	cholesky: (b, m, n, _args, tensor) => (m === n ? tensor([...b, m, n]) : undefined),
	'linalg.cholesky': (b, m, n, _args, tensor) => (m === n ? tensor([...b, m, n]) : undefined),
};

/**
 * `torch.<name>(A, …)` for a decomposition or a function of matrices, where A's shape is known
 * (at least two dims, the last two known); undefined otherwise (the caller goes on as before).
 */
export function linalgFunction(path: string, args: CallArgs): Value | undefined {
	if (path === 'torch.diag') {
		return diag(args);
	}
	const rule = DECOMPOSITIONS[path.replace(/^torch\./, '')];
	const a = tensorOrParam(
		args.positional[0] ?? args.keywords.get('input') ?? args.keywords.get('A'),
	);
	const x = a?.shape;
	if (!rule || !x || x.length < 2 || a.complex || args.cause) {
		return undefined;
	}
	const [m, n] = x.slice(-2);
	const make: Make = (shape, int) => ({
		k: 'obj',
		obj: new TorchTensor(shape, null, int ?? a.dtype),
	});
	return m === null || n === null ? undefined : rule(x.slice(0, -2), m, n, args, make);
}

/**
 * `torch.diag(x, diagonal=0)`: a vector becomes a square matrix of side n + |k|; a matrix gives its
 * k-th diagonal (empty past the edge).
 */
function diag(args: CallArgs): Value | undefined {
	const t = tensorOrParam(args.positional[0] ?? args.keywords.get('input'));
	const kv = args.positional[1] ?? args.keywords.get('diagonal');
	const k = kv === undefined ? 0 : kv.k === 'num' && Number.isInteger(kv.v) ? kv.v : undefined;
	const x = t?.shape;
	if (!t || !x || k === undefined || x.some((d) => d === null) || args.cause) {
		return undefined;
	}
	const [m, n] = x as number[];
	const shape =
		x.length === 1
			? [m + Math.abs(k), m + Math.abs(k)]
			: x.length === 2
				? [Math.max(0, k >= 0 ? Math.min(m, n - k) : Math.min(m + k, n))]
				: undefined;
	return shape && { k: 'obj', obj: new TorchTensor(shape, null, t.dtype) };
}

/** The same as tensor methods (`Q.lu()`, `w.det()`), by name; the tuple ones are in TUPLE_LINALG_METHODS. */
export const LINALG_METHODS: Readonly<
	Record<string, (t: TorchTensor, args: CallArgs) => Value | undefined>
> = Object.fromEntries(
	[
		'qr',
		'svd',
		'lu',
		'det',
		'logdet',
		'slogdet',
		'inverse',
		'matrix_exp',
		'cholesky',
		'diag',
	].map((name) => [
		name,
		(t: TorchTensor, args: CallArgs) =>
			linalgFunction(`torch.${name}`, {
				...args,
				positional: [{ k: 'obj', obj: t }, ...args.positional],
			}),
	]),
);

/** The methods among them that give a tuple, not a tensor. */
export const TUPLE_LINALG_METHODS = ['qr', 'svd', 'lu', 'slogdet'];
