// Reading a .npy file from disk within bounds: its header alone, the limits checked, then its data.
import * as fs from 'fs';
import { npyHeader, NpyError, npyReader } from './npy';
import { openRegularFile, readAt } from './userFiles';

/** The most header bytes NormLens reads of a .npy file (NumPy itself stops at 10,000 by default). */
export const MAX_NPY_HEADER_BYTES = 65536;

/** What a .npy file's header says, and how large the file is, without its values. */
export interface NpyHead {
	shape: number[];
	descr: string;
	fortran: boolean;
	dataOffset: number;
	itemBytes: number;
	/** Bytes of values the header declares: product of the shape × itemBytes. */
	dataBytes: number;
	/** The file's size (stat). */
	fileBytes: number;
}

/**
 * Reads a regular .npy file's header and nothing else: the first 12 bytes, then the header's own
 * length (at most MAX_NPY_HEADER_BYTES). The dtype is checked; truncation is `npyTruncation`'s.
 */
export function readNpyHead(file: string): NpyHead {
	const { fd, size } = openRegularFile(file);
	try {
		const pre = readAt(fd, 12, 0);
		const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
		if (pre.length < 10 || magic.some((b, i) => pre[i] !== b)) {
			throw new NpyError('This is not a .npy file (no \\x93NUMPY magic at its start).');
		}
		const view = new DataView(pre.buffer, pre.byteOffset, pre.byteLength);
		const major = pre[6];
		const start = major === 1 ? 10 : 12;
		if (pre.length < start) {
			throw new NpyError('The .npy header is truncated.');
		}
		const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
		if (start + headerLen > MAX_NPY_HEADER_BYTES) {
			throw new NpyError(
				`The .npy header is ${headerLen} bytes long, more than the ${MAX_NPY_HEADER_BYTES} bytes NormLens reads of a header.`,
			);
		}
		const h = npyHeader(readAt(fd, start + headerLen, 0));
		const reader = npyReader(h.descr);
		const elements = h.shape.reduce((p, d) => p * d, 1);
		return {
			shape: h.shape,
			descr: h.descr,
			fortran: h.fortran,
			dataOffset: h.dataOffset,
			itemBytes: reader.bytes,
			dataBytes: elements * reader.bytes,
			fileBytes: size,
		};
	} finally {
		fs.closeSync(fd);
	}
}

/** Why the file holds fewer value bytes than its header declares, or `undefined` if it holds them all. */
export function npyTruncation(file: string, h: NpyHead): string | undefined {
	const held = Math.max(0, h.fileBytes - h.dataOffset);
	return h.dataBytes > held
		? `${file} is truncated: its header declares an array of shape (${h.shape.join(', ')}) ${h.descr}, ${h.dataBytes} bytes of values, but the file holds ${held} bytes after the header.`
		: undefined;
}

/**
 * Why running on the array `h` declares is over the engine's limit of `maxElements` (input and output
 * as float32, 8 bytes an element), or `undefined` if it is within.
 */
export function npyOverLimit(file: string, h: NpyHead, maxElements: number): string | undefined {
	const elements = h.shape.reduce((p, d) => p * d, 1);
	return elements > maxElements
		? `${file}: its header declares an array of shape (${h.shape.join(', ')}) ${h.descr}; running a layer on it needs ${((elements * 8) / 2 ** 20).toFixed(0)} MiB (input and output), above the limit of ${((maxElements * 8) / 2 ** 20).toFixed(0)} MiB (normlens.engine.memoryLimitMiB). Only its header was read.`
		: undefined;
}

/**
 * The values of a .npy file whose header is `h`, header included (what decodeNpy takes): exactly
 * dataOffset + dataBytes bytes, never more, read only after the caller checked them against its limit.
 */
export function readNpyData(file: string, h: NpyHead): Uint8Array {
	const { fd } = openRegularFile(file);
	try {
		const bytes = readAt(fd, h.dataOffset + h.dataBytes, 0);
		const truncated = npyTruncation(file, { ...h, fileBytes: bytes.length });
		if (truncated) {
			throw new NpyError(truncated);
		}
		return bytes;
	} finally {
		fs.closeSync(fd);
	}
}
