import * as fs from 'fs';
import { npyHeader, NpyError } from '../engine/npy';

/**
 * Shape and dtype of a `.npy` file from its header alone (the first 64 KiB), so that choosing a
 * file answers at once whatever its size; the values are read by the worker that runs on them.
 */
export function readNpyInfo(file: string): { shape: number[]; descr: string; fortran: boolean; dataOffset: number; fileBytes: number } {
	const fd = fs.openSync(file, 'r');
	try {
		const head = new Uint8Array(65536);
		const n = fs.readSync(fd, head, 0, head.length, 0);
		const h = npyHeader(head.subarray(0, n));
		const kind = h.descr.slice(1);
		if (!/^(f4|f8|[iu][1248]|b1)$/.test(kind)) {
			throw new NpyError(`The .npy dtype ${h.descr} is not supported: use float32, float64 or an integer type.`);
		}
		return { shape: h.shape, descr: h.descr, fortran: h.fortran, dataOffset: h.dataOffset, fileBytes: fs.fstatSync(fd).size };
	} finally {
		fs.closeSync(fd);
	}
}
