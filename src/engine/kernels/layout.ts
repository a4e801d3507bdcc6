// How a reduction over some axes of a row-major tensor maps onto loops (groups, blocks, inner sizes).
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
	channelGroups?: { axis: number; count: number };
}

export function reductionLayout(
	shape: number[],
	reducedAxes: number[],
	channelGroups?: { axis: number; count: number },
): ReductionLayout {
	const rank = shape.length;
	const reduced = new Set(reducedAxes.map((a) => (a < 0 ? rank + a : a)));
	if (channelGroups) {
		// Group norm: the channel axis is reduced within each of its groups.
		reduced.delete(channelGroups.axis);
		const keptAxes = [...Array(rank).keys()].filter((a) => !reduced.has(a));
		const total = shape.reduce((p, d) => p * d, 1);
		const groups = keptAxes.reduce(
			(p, a) => p * (a === channelGroups.axis ? channelGroups.count : shape[a]),
			1,
		);
		// Channels first (PyTorch's GroupNorm on N, C, …): when the grouped axis is the last kept one
		// and the kept axes are contiguous, each group is one contiguous run of C/G channels' values,
		// so element i's group is floor(i / inner) — the SIMD plane kernels apply.
		const last = keptAxes[keptAxes.length - 1];
		const contiguous = keptAxes.every((a, i) => i === 0 || a === keptAxes[i - 1] + 1);
		const perGroup = shape[channelGroups.axis] / channelGroups.count;
		const block =
			last === channelGroups.axis && contiguous && Number.isInteger(perGroup)
				? { inner: perGroup * shape.slice(last + 1).reduce((p, d) => p * d, 1) }
				: null;
		return { shape, keptAxes, groups, groupSize: total / groups, block, channelGroups };
	}
	const keptAxes = [...Array(rank).keys()].filter((a) => !reduced.has(a));
	const groups = keptAxes.reduce((p, a) => p * shape[a], 1);
	const total = shape.reduce((p, d) => p * d, 1);
	const contiguous = keptAxes.every((a, i) => i === 0 || a === keptAxes[i - 1] + 1);
	const inner =
		keptAxes.length === 0
			? total
			: shape.slice(keptAxes[keptAxes.length - 1] + 1).reduce((p, d) => p * d, 1);
	return {
		shape,
		keptAxes,
		groups,
		groupSize: groups === 0 ? 0 : total / groups,
		block: contiguous ? { inner } : null,
	};
}

/** Group index of every element, for layouts that are not one contiguous block. */
export function groupIndex(layout: ReductionLayout): Uint32Array {
	const { shape, keptAxes } = layout;
	const total = shape.reduce((p, d) => p * d, 1);
	const out = new Uint32Array(total);
	const rank = shape.length;
	const cg = layout.channelGroups;
	// Each kept axis contributes coord·weight; a grouped channel axis contributes floor(coord / size)·weight.
	const size = (a: number) => (cg && a === cg.axis ? cg.count : shape[a]);
	const per = cg ? shape[cg.axis] / cg.count : 1;
	const weight = new Array<number>(rank).fill(0);
	let w = 1;
	for (let k = keptAxes.length - 1; k >= 0; k--) {
		weight[keptAxes[k]] = w;
		w *= size(keptAxes[k]);
	}
	const coord = new Array<number>(rank).fill(0);
	for (let i = 0; i < total; i++) {
		let g = 0;
		for (const a of keptAxes) {
			g += (cg && a === cg.axis ? Math.floor(coord[a] / per) : coord[a]) * weight[a];
		}
		out[i] = g;
		for (let a = rank - 1; a >= 0; a--) {
			if (++coord[a] < shape[a]) {
				break;
			}
			coord[a] = 0;
		}
	}
	return out;
}
