import * as fs from 'fs';
import * as path from 'path';

/**
 * Resolves local imports for the analyser: `model` → `<dir>/model.py` or `<dir>/model/__init__.py`,
 * `pkg.sub` → `<dir>/pkg/sub.py`. Files over 2 MB are ignored (not model code).
 */
export function localModuleReader(dir: string): (name: string) => string | undefined {
	return (name) => {
		if (!/^[A-Za-z_][\w.]*$/.test(name)) {
			return undefined;
		}
		const base = path.join(dir, ...name.split('.'));
		for (const file of [`${base}.py`, path.join(base, '__init__.py')]) {
			try {
				const stat = fs.statSync(file);
				if (stat.isFile() && stat.size < 2_000_000) {
					return fs.readFileSync(file, 'utf8');
				}
			} catch {
				// not there
			}
		}
		return undefined;
	};
}
