// Decoding NumPy .npy files (versions 1–3) into float32, with a specific error for anything else.
/**
 * NumPy `.npy` files (format versions 1–3) as float32: float32 / float64 / int8–64 / uint8–32 /
 * bool, C or Fortran order. Anything else is refused with a message that names what was found.
 * Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */

export class NpyError extends Error {}

export interface NpyArray {
	shape: number[];
	/** The dtype as written in the file, e.g. `<f8`. */
	descr: string;
}

const readers: Record<string, { bytes: number; get: (v: DataView, o: number) => number }> = {
	f4: { bytes: 4, get: (v, o) => v.getFloat32(o, true) },
	f8: { bytes: 8, get: (v, o) => v.getFloat64(o, true) },
	i1: { bytes: 1, get: (v, o) => v.getInt8(o) },
	u1: { bytes: 1, get: (v, o) => v.getUint8(o) },
	b1: { bytes: 1, get: (v, o) => v.getUint8(o) },
	i2: { bytes: 2, get: (v, o) => v.getInt16(o, true) },
	u2: { bytes: 2, get: (v, o) => v.getUint16(o, true) },
	i4: { bytes: 4, get: (v, o) => v.getInt32(o, true) },
	u4: { bytes: 4, get: (v, o) => v.getUint32(o, true) },
	i8: { bytes: 8, get: (v, o) => Number(v.getBigInt64(o, true)) },
	u8: { bytes: 8, get: (v, o) => Number(v.getBigUint64(o, true)) },
};

/** Reads the header; `dataOffset` is where the values start. */
export function npyHeader(bytes: Uint8Array): NpyArray & { fortran: boolean; dataOffset: number } {
	const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
	if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) {
		throw new NpyError('This is not a .npy file (no \\x93NUMPY magic at its start).');
	}
	const major = bytes[6];
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
	const start = major === 1 ? 10 : 12;
	if (start + headerLen > bytes.length) {
		throw new NpyError('The .npy header is truncated.');
	}
	const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
	const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
	const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
	const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
	if (descr === undefined || fortran === undefined || shapeText === undefined) {
		throw new NpyError(`The .npy header is not understood: ${header.trim()}`);
	}
	// numpy writes the shape as Python's repr of a tuple of ints: decimal digits, a trailing comma
	// for one dimension, an `L` suffix from Python 2. Anything else (`32.0`, `0x20`, `1e2`, `2,,3`)
	// is not a file numpy wrote, and Number() would have read some of it as a size.
	if (!/^\s*(?:\d+L?\s*,\s*)*(?:\d+L?\s*,?\s*)?$/.test(shapeText)) {
		throw new NpyError(`The .npy shape (${shapeText}) is not a tuple of sizes.`);
	}
	const shape = shapeText
		.split(',')
		.map((s) => s.trim().replace(/L$/, ''))
		.filter((s) => s.length > 0)
		.map(Number);
	if (shape.some((d) => !Number.isSafeInteger(d))) {
		throw new NpyError(`The .npy shape (${shapeText}) has a size beyond 2^53.`);
	}
	return { descr, shape, fortran: fortran === 'True', dataOffset: start + headerLen };
}

/** How to read one value of a dtype (little-endian or single-byte), or a clear error. */
export function npyReader(descr: string): {
	bytes: number;
	get: (v: DataView, at: number) => number;
} {
	const order = descr[0];
	const kind = descr.slice(1);
	if (order === '>' && kind !== 'i1' && kind !== 'u1' && kind !== 'b1') {
		throw new NpyError(
			`Big-endian arrays (${descr}) are not supported; save with .astype('<f4').`,
		);
	}
	const reader = readers[kind];
	if (!reader) {
		throw new NpyError(
			`The .npy dtype ${descr} is not supported: use float32, float64 or an integer type.`,
		);
	}
	return reader;
}

/** Decodes raw C-order values of `descr` (one slab of a file's data) into `out`, one per element. */
export function decodeValues(bytes: Uint8Array, descr: string, out: Float32Array): void {
	const reader = npyReader(descr);
	if (bytes.length < out.length * reader.bytes) {
		throw new NpyError(
			`The .npy file is truncated: ${out.length * reader.bytes} bytes were expected, ${bytes.length} are there.`,
		);
	}
	const view = new DataView(bytes.buffer, bytes.byteOffset, out.length * reader.bytes);
	for (let i = 0; i < out.length; i++) {
		out[i] = reader.get(view, i * reader.bytes);
	}
}

/** Decodes the values into `out` (float32, C order); `out.length` must be the element count. */
export function decodeNpy(bytes: Uint8Array, out: Float32Array): NpyArray {
	const h = npyHeader(bytes);
	const reader = npyReader(h.descr);
	const n = h.shape.reduce((p, d) => p * d, 1);
	if (out.length !== n) {
		throw new NpyError(`Internal: buffer of ${out.length} for ${n} values.`);
	}
	if (h.dataOffset + n * reader.bytes > bytes.length) {
		throw new NpyError(
			`The .npy file is truncated: ${n} values of ${reader.bytes} bytes need ${n * reader.bytes} bytes, ${bytes.length - h.dataOffset} are there.`,
		);
	}
	const view = new DataView(bytes.buffer, bytes.byteOffset + h.dataOffset, n * reader.bytes);
	if (!h.fortran || h.shape.length < 2) {
		decodeValues(bytes.subarray(h.dataOffset), h.descr, out);
	} else {
		// Fortran order: the first index varies fastest. Walk the C-order output and compute each
		// element's Fortran offset.
		const rank = h.shape.length;
		const fstride = new Array<number>(rank);
		let s = 1;
		for (let a = 0; a < rank; a++) {
			fstride[a] = s;
			s *= h.shape[a];
		}
		const coord = new Array<number>(rank).fill(0);
		for (let i = 0; i < n; i++) {
			let f = 0;
			for (let a = 0; a < rank; a++) {
				f += coord[a] * fstride[a];
			}
			out[i] = reader.get(view, f * reader.bytes);
			for (let a = rank - 1; a >= 0; a--) {
				if (++coord[a] < h.shape[a]) {
					break;
				}
				coord[a] = 0;
			}
		}
	}
	return { shape: h.shape, descr: h.descr };
}

/** A float32 C-order .npy file (for tests and for exporting results). */
export function encodeNpy(data: Float32Array, shape: number[]): Uint8Array {
	let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
	const pad = 64 - ((10 + header.length + 1) % 64);
	header += ' '.repeat(pad % 64) + '\n';
	const out = new Uint8Array(10 + header.length + data.byteLength);
	out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
	new DataView(out.buffer).setUint16(8, header.length, true);
	out.set(new TextEncoder().encode(header), 10);
	out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
	return out;
}
