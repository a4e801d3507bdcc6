/**
 * How a reduction over some axes of a row-major tensor maps onto loops. When the kept axes form one
 * contiguous block (BatchNorm's single channel axis, LayerNorm's leading axes) every element's group
 * is `(flat / inner) % groups`; otherwise an odometer walks the coordinates.
 */
export interface ReductionLayout {
	shape: number[];
	keptAxes: number[];
	/** Number of groups = product of the kept axes' sizes. */
	groups: number;
	/** Elements per group. */
	groupSize: number;
	/** Set when the kept axes are contiguous: group = floor(i / inner) % groups. */
	block: { inner: number } | null;
}

export function reductionLayout(shape: number[], reducedAxes: number[]): ReductionLayout {
	const rank = shape.length;
	const reduced = new Set(reducedAxes.map((a) => (a < 0 ? rank + a : a)));
	const keptAxes = [...Array(rank).keys()].filter((a) => !reduced.has(a));
	const groups = keptAxes.reduce((p, a) => p * shape[a], 1);
	const total = shape.reduce((p, d) => p * d, 1);
	const contiguous = keptAxes.every((a, i) => i === 0 || a === keptAxes[i - 1] + 1);
	const inner = keptAxes.length === 0 ? total : shape.slice(keptAxes[keptAxes.length - 1] + 1).reduce((p, d) => p * d, 1);
	return { shape, keptAxes, groups, groupSize: groups === 0 ? 0 : total / groups, block: contiguous ? { inner } : null };
}

/** Group index of every element, for layouts that are not one contiguous block. */
export function groupIndex(layout: ReductionLayout): Uint32Array {
	const { shape, keptAxes } = layout;
	const total = shape.reduce((p, d) => p * d, 1);
	const out = new Uint32Array(total);
	const rank = shape.length;
	const weight = new Array<number>(rank).fill(0);
	let w = 1;
	for (let k = keptAxes.length - 1; k >= 0; k--) {
		weight[keptAxes[k]] = w;
		w *= shape[keptAxes[k]];
	}
	const coord = new Array<number>(rank).fill(0);
	let g = 0;
	for (let i = 0; i < total; i++) {
		out[i] = g;
		for (let a = rank - 1; a >= 0; a--) {
			coord[a]++;
			g += weight[a];
			if (coord[a] < shape[a]) {
				break;
			}
			g -= weight[a] * coord[a];
			coord[a] = 0;
		}
	}
	return out;
}
