// Shape arithmetic of PyTorch's tensor ops, shared by the tensor methods, the torch.* functions and the layers built on them (nn.Flatten is torch.flatten).
import type { Shape } from '../../../../protocol/analysis';

/** torch.flatten(x, start, end). */
export function flattenShape(x: Shape, start: number, end: number): Shape {
	if (start > end) {
		return x;
	}
	let prod: number | null = 1;
	for (let i = start; i <= end; i++) {
		prod = prod === null || x[i] === null ? null : prod * (x[i] as number);
	}
	return [...x.slice(0, start), prod, ...x.slice(end + 1)];
}
