// Bounded reading of the user's files: regular files only, their size known before a byte is read.
import * as fs from 'fs';

/**
 * Bounded reading of the user's files (sources, notebooks, local modules, .npy): only regular files
 * are opened, and their size is known before a byte is read, so that a FIFO, /dev/zero (also behind a
 * `.py` symlink), a directory or a multi-gigabyte file is refused at once instead of being read
 * forever or into memory. Shared by the CLI, the host (local imports, .npy headers) and the workers.
 */

/** The largest source file or notebook NormLens reads (README, *CLI* and *Settings*). */
export const MAX_SOURCE_BYTES = 32 * 2 ** 20;

/** A user file NormLens will not read; the message says which file and why. */
export class UserFileError extends Error {}

function kindOf(stat: fs.Stats): string {
	return stat.isFIFO()
		? 'a FIFO'
		: stat.isCharacterDevice()
			? 'a character device'
			: stat.isBlockDevice()
				? 'a block device'
				: stat.isDirectory()
					? 'a directory'
					: stat.isSocket()
						? 'a socket'
						: 'not a plain file';
}

function notRegular(file: string, stat: fs.Stats): UserFileError {
	return new UserFileError(
		`${file} is not a regular file (${kindOf(stat)}): NormLens reads only regular files.`,
	);
}

/** `file`'s stat (through symlinks) if it is a regular file; otherwise a specific UserFileError. */
export function regularFileStat(file: string): fs.Stats {
	let stat: fs.Stats;
	try {
		stat = fs.statSync(file);
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		throw new UserFileError(
			`Cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
		);
	}
	if (!stat.isFile()) {
		throw notRegular(file, stat);
	}
	return stat;
}

/**
 * Opens a regular file for reading: the path is checked before it is opened (opening a device can
 * have effects of its own), opened non-blocking (a FIFO swapped in meanwhile cannot hang the open) and
 * checked again on the descriptor. Returns the descriptor and the size; the caller closes it.
 */
export function openRegularFile(file: string): { fd: number; size: number } {
	regularFileStat(file);
	let fd: number;
	try {
		fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
	} catch (e) {
		throw new UserFileError(`Cannot read ${file}: ${(e as Error).message}`);
	}
	const stat = fs.fstatSync(fd);
	if (!stat.isFile()) {
		fs.closeSync(fd);
		throw notRegular(file, stat);
	}
	return { fd, size: stat.size };
}

/**
 * Reads up to `length` bytes at `position`, fewer only at the end of the file; never more, whatever
 * the file does meanwhile.
 */
export function readAt(fd: number, length: number, position: number): Uint8Array {
	const out = new Uint8Array(length);
	let got = 0;
	while (got < length) {
		const n = fs.readSync(fd, out, got, length - got, position + got);
		if (n === 0) {
			break;
		}
		got += n;
	}
	return out.subarray(0, got);
}

function mib(bytes: number): string {
	return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * A source file or notebook as text, if it is a regular file of at most `cap` bytes; otherwise a
 * UserFileError that says why (not a regular file, its size and the cap, missing).
 */
export function readTextFile(
	file: string,
	cap = MAX_SOURCE_BYTES,
	what = 'source files and notebooks',
): string {
	const { fd, size } = openRegularFile(file);
	try {
		if (size > cap) {
			throw new UserFileError(
				`${file} is ${mib(size)}, above the ${mib(cap)} NormLens reads of ${what}; it was not read.`,
			);
		}
		// One byte more than the stat's size tells a file that grew since (read up to the cap).
		let bytes = readAt(fd, size + 1, 0);
		if (bytes.length > size) {
			bytes = readAt(fd, cap + 1, 0);
		}
		if (bytes.length > cap) {
			throw new UserFileError(
				`${file} grew above the ${mib(cap)} NormLens reads of ${what} while it was read.`,
			);
		}
		return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
	} finally {
		fs.closeSync(fd);
	}
}
