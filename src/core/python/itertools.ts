// The `itertools` functions model code sizes layers with: `tuple(repeat(x, n))` (timm's
// `to_2tuple`), `chain(*stages)`, `accumulate(widths)`, `product(kernels, strides)`, `islice`,
// `zip_longest`, `pairwise` (Python 3.10).
// Each gives an iterator of the items Python's would, or is unknown for the reason it cannot.
import type { CallArgs } from './contract';
import { sequenceBound, StopInterpretation } from './contract';
import { asInt, firstCause, NONE, unknown, Value } from './values';
import type { Interpreter } from './interpreter';

const FUNCTIONS = new Set([
	'itertools.repeat',
	'itertools.chain',
	'itertools.chain.from_iterable',
	'itertools.accumulate',
	'itertools.product',
	'itertools.islice',
	'itertools.zip_longest',
	'itertools.pairwise',
]);

export function isItertoolsFunction(path: string): boolean {
	return FUNCTIONS.has(path);
}

/** What `path(…)` yields, as an iterator (a list read from the front). */
export function callItertools(it: Interpreter, path: string, args: CallArgs): Value {
	const refuse = (why: string): Value =>
		unknown({
			reason: `NormLens cannot follow \`${it.snippet(args.node)}\`: ${why}`,
			range: it.here(args.node),
		});
	const given = [...args.positional, ...args.keywords.values()];
	const cause = args.cause ?? firstCause(given);
	if (cause) {
		return unknown(cause);
	}
	const limit = it.limits.maxSequence;
	const out = (items: Value[]): Value => {
		if (items.length > limit) {
			throw new StopInterpretation(sequenceBound(limit));
		}
		return { k: 'list', items, iterator: true };
	};
	const all = (xs: readonly Value[]): Value[][] | undefined => {
		const lists = xs.map((x) => it.iterate(x));
		return lists.every((l) => l !== undefined) ? (lists as Value[][]) : undefined;
	};
	switch (path) {
		case 'itertools.repeat': {
			const [x] = args.positional;
			const times = args.positional[1] ?? args.keywords.get('times');
			if (!x || !times) {
				return refuse('without `times` it never ends');
			}
			const n = asInt(times);
			return n === undefined
				? refuse('`times` is not a number NormLens holds')
				: out(Array(Math.max(0, Math.min(n, limit + 1))).fill(x));
		}
		case 'itertools.chain':
		case 'itertools.chain.from_iterable': {
			const sources =
				path === 'itertools.chain'
					? args.positional
					: args.positional[0]
						? it.iterate(args.positional[0])
						: undefined;
			const lists = sources ? all(sources) : undefined;
			return lists ? out(lists.flat()) : refuse('it chains something NormLens cannot list');
		}
		case 'itertools.accumulate': {
			const items = args.positional[0] ? it.iterate(args.positional[0]) : undefined;
			const initial = args.keywords.get('initial');
			if (!items || args.positional.length > 1 || args.keywords.has('func')) {
				return refuse('only a running sum of a sequence NormLens holds is followed');
			}
			const sums: Value[] = initial && initial.k !== 'none' ? [initial] : [];
			for (const x of items) {
				const last = sums.at(-1);
				sums.push(last ? it.binary('+', last, x, args.node) : x);
			}
			return out(sums);
		}
		case 'itertools.product': {
			const repeat = args.keywords.get('repeat');
			const r = repeat ? asInt(repeat) : 1;
			const lists = all(args.positional);
			if (!lists || r === undefined || r < 0) {
				return refuse('it multiplies something NormLens cannot list');
			}
			const pools = Array.from({ length: r }, () => lists).flat();
			if (pools.reduce((n, p) => n * p.length, 1) > limit) {
				throw new StopInterpretation(sequenceBound(limit));
			}
			let rows: Value[][] = [[]];
			for (const pool of pools) {
				rows = rows.flatMap((row) => pool.map((x) => [...row, x]));
			}
			return out(rows.map((items): Value => ({ k: 'tuple', items })));
		}
		case 'itertools.zip_longest': {
			// Rows as long as the longest, the shorter ones filled with `fillvalue` (None).
			const lists = all(args.positional);
			const fill = args.keywords.get('fillvalue') ?? NONE;
			if (!lists) {
				return refuse('it zips something NormLens cannot list');
			}
			const n = Math.max(0, ...lists.map((l) => l.length));
			return out(
				Array.from({ length: n }, (_, i): Value => ({
					k: 'tuple',
					items: lists.map((l) => l[i] ?? fill),
				})),
			);
		}
		case 'itertools.pairwise': {
			const items = args.positional[0] ? it.iterate(args.positional[0]) : undefined;
			return items
				? out(items.slice(1).map((x, i): Value => ({ k: 'tuple', items: [items[i], x] })))
				: refuse('its iterable is not one NormLens can list');
		}
		default: {
			// islice(iterable, stop) / islice(iterable, start, stop[, step]); None is "no bound".
			const items = args.positional[0] ? it.iterate(args.positional[0]) : undefined;
			const bounds = args.positional.slice(1).map((v) => (v.k === 'none' ? null : asInt(v)));
			if (
				!items ||
				bounds.length === 0 ||
				bounds.length > 3 ||
				bounds.some((b) => b === undefined)
			) {
				return refuse('its iterable or bounds are not values NormLens holds');
			}
			const [start, stop, step] =
				bounds.length === 1
					? [0, bounds[0], 1]
					: [bounds[0] ?? 0, bounds[1], bounds[2] ?? 1];
			if (
				(start as number) < 0 ||
				(stop !== null && (stop as number) < 0) ||
				(step as number) < 1
			) {
				return refuse('Python raises ValueError for these bounds');
			}
			const picked: Value[] = [];
			for (
				let i = start as number;
				i < (stop ?? items.length) && i < items.length;
				i += step as number
			) {
				picked.push(items[i]);
			}
			return out(picked);
		}
	}
}
