// Local Python modules a file imports (from its folder), read within bounds for the analyser.
import * as fs from 'fs';
import * as path from 'path';
import { buildProgram, parseNotebook } from '../core';
import type { CallerFile } from '../core';
import { readTextFile } from '../engine/userFiles';

/** Local modules larger than this are not read (not model code). */
export const MAX_MODULE_BYTES = 2_000_000;

/** Whether `inner` is `root` or lies under it (both real paths). */
function within(root: string, inner: string): boolean {
	const rel = path.relative(root, inner);
	return (
		rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel))
	);
}

/**
 * Resolves local imports for the analyser: `model` → `<dir>/model.py` or `<dir>/model/__init__.py`,
 * `pkg.sub` → `<dir>/pkg/sub.py`. Only regular files of at most MAX_MODULE_BYTES are read, and only
 * when their real path (symlinks resolved) stays inside `dir`'s real folder tree: a module that is a
 * FIFO, a device, too large, or a symlink out of the folder is not found, so the interpreter treats
 * the import as unknown code.
 */
export function localModuleReader(dir: string): (name: string) => string | undefined {
	let root: string | undefined;
	return (name) => {
		if (!/^[A-Za-z_][\w.]*$/.test(name) || name.split('.').some((part) => part === '')) {
			return undefined;
		}
		try {
			root ??= fs.realpathSync(dir);
		} catch {
			return undefined;
		}
		const base = path.join(dir, ...name.split('.'));
		for (const file of [`${base}.py`, path.join(base, '__init__.py')]) {
			let real: string;
			try {
				real = fs.realpathSync(file);
			} catch {
				continue; // not there
			}
			if (!within(root, real)) {
				continue;
			}
			try {
				return readTextFile(real, MAX_MODULE_BYTES, 'local modules');
			} catch {
				// not a regular file, too large or unreadable: as if not there
			}
		}
		return undefined;
	};
}

/** Files beside a module that are read to find how they build its models (bounded: a folder of data is not read). */
const MAX_CALLERS = 64;

/**
 * The Python files and notebooks in `dir` other than `own`, as the analyser's callers (a notebook as
 * its code cells joined): read on first use, regular files within `dir` of at most MAX_MODULE_BYTES.
 */
export function localCallers(dir: string, own: string): () => CallerFile[] {
	let read: CallerFile[] | undefined;
	return () => {
		if (read) {
			return read;
		}
		read = [];
		let names: string[];
		try {
			names = fs
				.readdirSync(dir)
				.filter((n) => (n.endsWith('.py') || n.endsWith('.ipynb')) && n !== own)
				.sort()
				.slice(0, MAX_CALLERS);
		} catch {
			return read;
		}
		for (const name of names) {
			try {
				const text = readTextFile(
					path.join(dir, name),
					MAX_MODULE_BYTES,
					'files beside the module',
				);
				read.push({
					file: name,
					text: name.endsWith('.ipynb')
						? buildProgram(parseNotebook(text).filter((c) => c.kind === 'code')).text
						: text,
				});
			} catch {
				// not a regular file, too large, unreadable or not a notebook: not a caller
			}
		}
		return read;
	};
}
