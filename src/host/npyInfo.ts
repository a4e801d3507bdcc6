// A .npy file's shape and dtype from its header alone, and the limits checked before a run.
import { npyOverLimit, npyTruncation, readNpyHead } from '../engine/npyFile';

/**
 * Shape and dtype of a `.npy` file from its header alone (a regular file only; its header's bytes
 * only), so that choosing a file answers at once whatever its size; the values are read by the worker
 * that runs on them, after it checked them against the memory limit. With `memoryLimitMiB`, a file
 * that holds fewer bytes than its header declares, or an array above that limit, is refused here.
 */
export function readNpyInfo(
	file: string,
	memoryLimitMiB?: number,
): { shape: number[]; descr: string; fortran: boolean; dataOffset: number; fileBytes: number } {
	const h = readNpyHead(file);
	if (memoryLimitMiB !== undefined) {
		const problem =
			npyOverLimit(file, h, Math.floor((memoryLimitMiB * 2 ** 20) / 8)) ??
			npyTruncation(file, h);
		if (problem) {
			throw new Error(problem);
		}
	}
	return {
		shape: h.shape,
		descr: h.descr,
		fortran: h.fortran,
		dataOffset: h.dataOffset,
		fileBytes: h.fileBytes,
	};
}
