import * as fs from 'fs';
import * as path from 'path';
import { readTextFile } from '../engine/userFiles';

/** Local modules larger than this are not read (not model code). */
export const MAX_MODULE_BYTES = 2_000_000;

/** Whether `inner` is `root` or lies under it (both real paths). */
function within(root: string, inner: string): boolean {
	const rel = path.relative(root, inner);
	return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
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
