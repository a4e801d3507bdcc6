// NumPy arrays made from sizes alone: `np.zeros((n, m))`, `np.eye(N)`, and `np.reshape` of data
// NormLens does not hold, whose result has the sizes written whatever the data (or NumPy raises).
import type { CallArgs } from '../../python/contract';
import { asSequence, Value } from '../../python/values';
import type { Shape } from '../../../protocol/analysis';

/**
 * `np.reshape(data, (data.shape[0], 28, 28, 1))` of data NormLens does not hold (`np.load(…)`):
 * NumPy returns an array of that shape or raises, so the sizes written are known and the others
 * (and a -1) are not. Undefined where the shape given is not a sequence of sizes NormLens reads.
 */
export function reshapeUnread(args: CallArgs): Shape | undefined {
	const given = args.positional[1] ?? args.keywords.get('newshape') ?? args.keywords.get('shape');
	const items = given ? (asSequence(given) ?? [given]) : undefined;
	if (!items || items.length === 0 || items.some((v) => v.k !== 'num' && v.k !== 'unknown')) {
		return undefined;
	}
	const dims = items.map((v) => (v.k === 'num' && !v.float && v.v >= 0 ? v.v : null));
	if (items.some((v) => v.k === 'num' && (v.float === true || (v.v < 0 && v.v !== -1)))) {
		return undefined;
	}
	return dims;
}

/**
 * `np.zeros((n, m))`, `np.ones(n)`, `np.empty`, `np.full(shape, v)`, `np.eye(N, M)`,
 * `np.identity(n)`: the shape asked for, where every size is an int NormLens holds.
 */
export function createdShape(name: string, args: CallArgs): number[] | undefined {
	const a = args.positional;
	const sizes = (v: Value | undefined) => {
		const items = v ? (asSequence(v) ?? [v]) : undefined;
		const ns = items?.map((x) => (x.k === 'num' && !x.float ? x.v : undefined));
		return ns?.every((n): n is number => n !== undefined && Number.isInteger(n) && n >= 0)
			? ns
			: undefined;
	};
	switch (name) {
		case 'zeros':
		case 'ones':
		case 'empty':
		case 'full':
			return sizes(a[0] ?? args.keywords.get('shape'));
		case 'eye': {
			const n = sizes(a[0] ?? args.keywords.get('N'));
			const m = a[1] ?? args.keywords.get('M');
			const cols = m && m.k !== 'none' ? sizes(m) : n;
			return n?.length === 1 && cols?.length === 1 ? [n[0], cols[0]] : undefined;
		}
		case 'identity': {
			const n = sizes(a[0] ?? args.keywords.get('n'));
			return n?.length === 1 ? [n[0], n[0]] : undefined;
		}
		default:
			return undefined;
	}
}
