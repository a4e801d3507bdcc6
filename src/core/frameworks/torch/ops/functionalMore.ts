// Shape rules of functions that take several tensors or sizes (F.linear, F.one_hot, F.embedding,
// F.glu, F.unfold, F.grid_sample, F.affine_grid, torch.cdist, cosine_similarity, torch.where),
// shared by the torch.* and F.* tables. Each gives the shape PyTorch gives, null where it cannot
// tell (an unknown size or value), or a ShapeError with PyTorch's message where PyTorch raises.
import type { AnalysisDiagnostic, Shape } from '../../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../../python/contract';
import { asInt, asSequence, isFloat, UNKNOWN, Value } from '../../../python/values';
import { broadcast } from '../../common/shapes';
import { ShapeError } from '../../common/spec';
import { TorchParam, TorchTensor } from '../objects';
import { raisedTensor } from '../shapeCauses';
import { fmtShape } from './shapes';
import { broadcastAll, dimOf, operandShape, tensorShapeOf } from './tensorMethodsMore';

/** An argument by position or keyword. */
const arg = (args: CallArgs, i: number, key: string): Value | undefined =>
	args.positional[i] ?? args.keywords.get(key);

/** F.linear(input, weight, bias=None): (…, in) by an (out, in) weight gives (…, out); a 1-D weight (in,) gives (…). */
function linear(args: CallArgs): Shape | null {
	const x = tensorShapeOf(arg(args, 0, 'input'));
	const w = tensorShapeOf(arg(args, 1, 'weight'));
	if (!x || !w || x.length === 0 || w.length === 0 || w.length > 2) {
		return null;
	}
	const inner = w[w.length - 1];
	const last = x[x.length - 1];
	if (inner !== null && last !== null && inner !== last) {
		const rows = x
			.slice(0, -1)
			.reduce<number | null>((p, d) => (p === null || d === null ? null : p * d), 1);
		throw new ShapeError(
			w.length === 2
				? `mat1 and mat2 shapes cannot be multiplied (${rows ?? '?'}x${last} and ${w[1]}x${w[0]})`
				: `the input's last dim ${last} does not match the weight's ${inner}`,
		);
	}
	const out = [...x.slice(0, -1), ...(w.length === 2 ? [w[0]] : [])];
	// A bias must broadcast to the output (PyTorch raises otherwise).
	const b = tensorShapeOf(arg(args, 2, 'bias'));
	if (b === null) {
		return null;
	}
	const fits = b === undefined ? out : broadcast(out, b);
	if (!fits || fits.length !== out.length || fits.some((d, i) => d !== out[i])) {
		return null;
	}
	return out;
}

/**
 * F.one_hot(tensor, num_classes=-1): the index tensor's shape and one more dim of num_classes; with
 * -1, the largest index + 1 (known only from known values).
 */
function oneHot(args: CallArgs): Shape | null {
	const v = arg(args, 0, 'tensor');
	const t = v?.k === 'obj' && v.obj instanceof TorchTensor ? v.obj : undefined;
	const nv = arg(args, 1, 'num_classes');
	const n = nv === undefined ? -1 : isFloat(nv) ? undefined : asInt(nv);
	if (!t?.shape || n === undefined || n < -1) {
		return null;
	}
	const values = t.integral ? t.values : undefined;
	if (n >= 0) {
		// Known indices past num_classes: PyTorch's "Class values must be smaller than num_classes".
		return values?.some((x) => x < 0 || x >= n) ? null : [...t.shape, n];
	}
	return values && values.length > 0 && values.every((x) => x >= 0)
		? [...t.shape, Math.max(...values) + 1]
		: null;
}

/** F.embedding(input, weight): one row of the (num, dim) weight per index. */
function embedding(args: CallArgs): Shape | null {
	const v = arg(args, 0, 'input');
	const t = v?.k === 'obj' && v.obj instanceof TorchTensor ? v.obj : undefined;
	const w = tensorShapeOf(arg(args, 1, 'weight'));
	if (!t?.shape || !w || w.length !== 2) {
		return null;
	}
	// Known indices past the table: PyTorch's "index out of range in self".
	const rows = w[0];
	const outside = t.integral && rows !== null && t.values?.some((x) => x < -rows || x >= rows);
	return outside ? null : [...t.shape, w[1]];
}

/** F.glu(input, dim=-1): half along dim, which must be even. */
function glu(args: CallArgs): Shape | null {
	const x = tensorShapeOf(arg(args, 0, 'input'));
	if (!x) {
		return null;
	}
	const d = dimOf(arg(args, 1, 'dim') ?? { k: 'num', v: -1 }, x.length);
	const n = d === undefined || x.length === 0 ? null : x[d];
	if (n === null) {
		return null;
	}
	if (n % 2 !== 0) {
		throw new ShapeError(`Halving dimension must be even, but dimension ${d} is size ${n}`);
	}
	return x.map((s, i) => (i === d ? n / 2 : s));
}

/** An int or a pair of ints (F.unfold's kernel_size, dilation, padding, stride) as a pair. */
function pair(v: Value | undefined, dflt: number): [number, number] | undefined {
	if (v === undefined) {
		return [dflt, dflt];
	}
	const items = asSequence(v);
	const ns = (items ?? [v, v]).map((x) => (isFloat(x) ? undefined : asInt(x)));
	return ns.length === 2 && ns.every((n) => n !== undefined)
		? (ns as [number, number])
		: undefined;
}

/** F.unfold(input, kernel_size, dilation=1, padding=0, stride=1) of an (N, C, H, W) input: (N, C·kh·kw, L). */
function unfold(args: CallArgs): Shape | null {
	const x = tensorShapeOf(arg(args, 0, 'input'));
	const [k, dl, pd, st] = [
		pair(arg(args, 1, 'kernel_size'), NaN),
		pair(arg(args, 2, 'dilation'), 1),
		pair(arg(args, 3, 'padding'), 0),
		pair(arg(args, 4, 'stride'), 1),
	];
	// PyTorch 1.13 takes 4-D input only.
	if (!x || x.length !== 4 || !k || !dl || !pd || !st || k.some((n) => !(n > 0))) {
		return null;
	}
	let blocks: number | null = 1;
	for (let i = 0; i < 2; i++) {
		const size = x[2 + i];
		if (size === null || blocks === null) {
			blocks = null;
			continue;
		}
		const n = Math.floor((size + 2 * pd[i] - dl[i] * (k[i] - 1) - 1) / st[i]) + 1;
		if (n < 1) {
			return null;
		}
		blocks *= n;
	}
	const c = x[1];
	return [x[0], c === null ? null : c * k[0] * k[1], blocks];
}

/** F.grid_sample(input, grid): (N, C, H, W) sampled at an (N, Ho, Wo, 2) grid gives (N, C, Ho, Wo); 5-D alike. */
function gridSample(args: CallArgs): Shape | null {
	const x = tensorShapeOf(arg(args, 0, 'input'));
	const g = tensorShapeOf(arg(args, 1, 'grid'));
	if (!x || !g || (x.length !== 4 && x.length !== 5) || g.length !== x.length) {
		return null;
	}
	const last = g[g.length - 1];
	if (
		(last !== null && last !== x.length - 2) ||
		(x[0] !== null && g[0] !== null && x[0] !== g[0])
	) {
		return null;
	}
	return [x[0] ?? g[0], x[1], ...g.slice(1, -1)];
}

/** F.affine_grid(theta, size): an (N, 2, 3) theta and size (N, C, H, W) give (N, H, W, 2); 3-D alike. */
function affineGrid(args: CallArgs): Shape | null {
	const theta = tensorShapeOf(arg(args, 0, 'theta'));
	const size = asSequence(arg(args, 1, 'size') ?? UNKNOWN)?.map((v) =>
		isFloat(v) ? undefined : asInt(v),
	);
	if (
		!theta ||
		!size ||
		size.some((n) => n === undefined) ||
		(size.length !== 4 && size.length !== 5)
	) {
		return null;
	}
	const s = size as number[];
	const k = s.length - 2;
	const fits =
		theta.length === 3 && [s[0], k, k + 1].every((n, i) => theta[i] === null || theta[i] === n);
	return fits ? [s[0], ...s.slice(2), k] : null;
}

/** torch.cdist(x1, x2): (…, P, M) and (…, R, M) give (…, P, R). */
function cdist(args: CallArgs): Shape | null {
	const a = tensorShapeOf(arg(args, 0, 'x1'));
	const b = tensorShapeOf(arg(args, 1, 'x2'));
	if (!a || !b || a.length < 2 || b.length < 2) {
		return null;
	}
	const [m1, m2] = [a[a.length - 1], b[b.length - 1]];
	if (m1 !== null && m2 !== null && m1 !== m2) {
		throw new ShapeError(`X1 and X2 must have the same number of columns. X1: ${m1} X2: ${m2}`);
	}
	const batch = broadcast(a.slice(0, -2), b.slice(0, -2));
	return batch ? [...batch, a[a.length - 2], b[b.length - 2]] : null;
}

/** cosine_similarity(x1, x2, dim=1): the two broadcast, without dim. pairwise_distance: without the last dim (keepdim: 1). */
function similarity(name: string, args: CallArgs): Shape | null {
	const both = broadcastAll([
		tensorShapeOf(arg(args, 0, 'x1')) ?? null,
		tensorShapeOf(arg(args, 1, 'x2')) ?? null,
	]);
	if (!both) {
		return null;
	}
	if (name === 'pairwise_distance') {
		const keep = arg(args, 4, 'keepdim');
		if (keep !== undefined && keep.k !== 'bool') {
			return null;
		}
		// A 0-d or 1-D pair gives a 0-d result; otherwise the last dim goes (or stays as 1).
		if (both.length <= 1) {
			return keep?.k === 'bool' && keep.v ? both.map(() => 1) : [];
		}
		return keep?.k === 'bool' && keep.v ? [...both.slice(0, -1), 1] : both.slice(0, -1);
	}
	const d = dimOf(arg(args, 2, 'dim') ?? { k: 'num', v: 1 }, both.length);
	return d === undefined || both.length === 0 ? null : both.filter((_, i) => i !== d);
}

/** torch.where(condition, input, other): the three shapes broadcast (numbers are 0-d). */
function where3(args: CallArgs): Shape | null {
	return broadcastAll(
		[arg(args, 0, 'condition'), arg(args, 1, 'input'), arg(args, 2, 'other')].map(operandShape),
	);
}

/** The rules by the name they have under torch.* and F.* (one name may be under both). */
export const multiTensorRules: Readonly<
	Record<string, (name: string, args: CallArgs) => Shape | null>
> = {
	linear: (_, a) => linear(a),
	one_hot: (_, a) => oneHot(a),
	embedding: (_, a) => embedding(a),
	glu: (_, a) => glu(a),
	unfold: (_, a) => unfold(a),
	grid_sample: (_, a) => gridSample(a),
	affine_grid: (_, a) => affineGrid(a),
	cdist: (_, a) => cdist(a),
	cosine_similarity: similarity,
	pairwise_distance: similarity,
	where: (_, a) => where3(a),
};

/** Which of multiTensorRules each namespace has (torch.linear does not exist; F.where does not). */
export const TORCH_MULTI = new Set(['cdist', 'cosine_similarity', 'pairwise_distance', 'where']);
export const FUNCTIONAL_MULTI = new Set([
	'linear',
	'one_hot',
	'embedding',
	'glu',
	'unfold',
	'grid_sample',
	'affine_grid',
	'cosine_similarity',
	'pairwise_distance',
]);

/** The error message for a ShapeError of one of these rules, as the diagnostics say it. */
function multiTensorMessage(
	name: string,
	shapes: readonly (Shape | null | undefined)[],
	e: ShapeError,
): string {
	const known = shapes.filter((s): s is Shape => !!s).map(fmtShape);
	return `${name}: ${e.message}${known.length > 0 ? ` (shapes ${known.join(', ')})` : ''}.`;
}

/**
 * The functions of several tensors (functionalMore.ts): their shape, or PyTorch's error reported
 * where it raises (the result then carries that cause).
 */
export function multiTensorValue(
	name: string,
	prefix: string,
	args: CallArgs,
	ctx: CallContext,
	report: (d: AnalysisDiagnostic) => void,
): Value {
	try {
		return { k: 'obj', obj: new TorchTensor(multiTensorRules[name](name, args)) };
	} catch (e) {
		if (!(e instanceof ShapeError)) {
			throw e;
		}
		const shapes = args.positional.map((v) =>
			v.k === 'obj' && (v.obj instanceof TorchTensor || v.obj instanceof TorchParam)
				? v.obj.shape
				: undefined,
		);
		const message = multiTensorMessage(`${prefix}${name}`, shapes, e);
		report({ range: ctx.range(args.node), severity: 'error', code: 'shape-mismatch', message });
		return { k: 'obj', obj: raisedTensor(message, ctx.range(args.node)) };
	}
}
