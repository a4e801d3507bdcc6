// The numbers `range(…)` stands for, shared by the builtin (a list) and `for … in range(…)` (one at a time).
import { asInt, Value } from './values';

/**
 * `range(stop)`, `range(start, stop[, step])` over ints: start, stop and step; undefined for a
 * value NormLens does not know as an int, a step of 0 (ValueError), or the wrong number of arguments.
 */
export function rangeBounds(
	a: readonly Value[],
): { start: number; stop: number; step: number } | undefined {
	const nums = a.map(asInt);
	if (nums.length === 0 || nums.length > 3 || nums.some((n) => n === undefined)) {
		return undefined;
	}
	const [start, stop, step] =
		nums.length === 1
			? [0, nums[0] as number, 1]
			: [nums[0] as number, nums[1] as number, (nums[2] ?? 1) as number];
	return step === 0 ? undefined : { start, stop, step };
}
