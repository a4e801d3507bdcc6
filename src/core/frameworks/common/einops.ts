// einops patterns (rearrange, reduce, repeat) as shape rules, for both frameworks.
import type { Shape } from '../../../protocol/analysis';

/**
 * einops' patterns (`rearrange(x, "b c (h p1) (w p2) -> b (h w) (p1 p2 c)", p1=16, p2=16)`) as shape
 * rules, from einops' documented semantics: each side lists axes, `( … )` composes axes into one
 * dimension (their product), `...` stands for the dimensions not named, `1` is a dimension of size
 * one. `reduce` drops the axes the right side omits; `repeat` adds axes whose lengths are given.
 * `null` for an unknown size; `undefined` when the pattern does not fit (einops raises) or is not
 * understood.
 */
type Group = { axes: string[]; ellipsis: boolean };

function parseSide(side: string): Group[] | undefined {
	const groups: Group[] = [];
	let open: Group | undefined;
	for (const tok of side.match(/\(|\)|\.\.\.|[A-Za-z_][A-Za-z0-9_]*|\d+|\S/g) ?? []) {
		if (tok === '(') {
			if (open) {
				return undefined;
			}
			open = { axes: [], ellipsis: false };
		} else if (tok === ')') {
			if (!open) {
				return undefined;
			}
			groups.push(open);
			open = undefined;
		} else if (tok === '...' || /^[A-Za-z_]\w*$/.test(tok) || /^\d+$/.test(tok)) {
			const target = open ?? { axes: [], ellipsis: false };
			if (tok === '...') {
				target.ellipsis = true;
			}
			target.axes.push(tok);
			if (!open) {
				groups.push(target);
			}
		} else {
			return undefined;
		}
	}
	return open ? undefined : groups;
}

export function einopsShape(
	kind: 'rearrange' | 'reduce' | 'repeat',
	pattern: string,
	input: Shape,
	given: ReadonlyMap<string, number>,
): Shape | null | undefined {
	const sides = pattern.split('->');
	if (sides.length !== 2) {
		return undefined;
	}
	const left = parseSide(sides[0]);
	const right = parseSide(sides[1]);
	if (!left || !right) {
		return undefined;
	}
	const sizes = new Map<string, number | null>(given);
	let ellipsisDims: Shape = [];
	const hasEllipsis = left.some((g) => g.ellipsis);
	const fixed = left.length - (hasEllipsis ? 1 : 0);
	if (hasEllipsis ? input.length < fixed : input.length !== left.length) {
		return undefined;
	}
	let d = 0;
	for (const g of left) {
		if (g.ellipsis && g.axes.length === 1) {
			const n = input.length - fixed;
			ellipsisDims = input.slice(d, d + n);
			d += n;
			continue;
		}
		if (g.ellipsis) {
			return undefined;
		}
		const total = input[d++];
		const unknownAxes = g.axes.filter((a) => !/^\d+$/.test(a) && !sizes.has(a));
		const knownProduct = g.axes.reduce<number | null>((p, a) => {
			const v = /^\d+$/.test(a)
				? Number(a)
				: sizes.has(a)
					? (sizes.get(a) as number | null)
					: 1;
			return p === null || v === null ? null : p * v;
		}, 1);
		if (unknownAxes.length > 1) {
			return undefined;
		}
		if (unknownAxes.length === 1) {
			if (total === null || knownProduct === null) {
				sizes.set(unknownAxes[0], null);
			} else if (knownProduct === 0 || total % knownProduct !== 0) {
				return undefined;
			} else {
				sizes.set(unknownAxes[0], total / knownProduct);
			}
		} else if (total !== null && knownProduct !== null && total !== knownProduct) {
			return undefined;
		}
	}
	const leftAxes = new Set(left.flatMap((g) => g.axes));
	const out: Shape = [];
	for (const g of right) {
		if (g.ellipsis && g.axes.length === 1) {
			out.push(...ellipsisDims);
			continue;
		}
		let product: number | null = 1;
		for (const a of g.axes) {
			let v: number | null | undefined;
			if (a === '...') {
				v = ellipsisDims.reduce<number | null>(
					(p, x) => (p === null || x === null ? null : p * x),
					1,
				);
			} else if (/^\d+$/.test(a)) {
				v = Number(a);
			} else if (!leftAxes.has(a) && kind !== 'repeat') {
				return undefined;
			} else {
				v = sizes.get(a);
			}
			if (v === undefined) {
				return undefined;
			}
			product = product === null || v === null ? null : product * v;
		}
		out.push(product);
	}
	// rearrange keeps every axis: one that the right side drops is an error there (reduce drops it).
	if (kind === 'rearrange') {
		const rightAxes = new Set(right.flatMap((g) => g.axes));
		if ([...leftAxes].some((a) => !/^\d+$/.test(a) && !rightAxes.has(a))) {
			return undefined;
		}
	}
	return out;
}
