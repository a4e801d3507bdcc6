import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from './paths';

// The codebase's house rules (CONTRIBUTING.md), held by a test so that they stay true: every source
// file opens with one line saying what it holds, and none grows past about 600 lines (ESLint's
// max-lines says the same in the editor; this test also covers the AssemblyScript kernels, which
// ESLint does not read).
const MAX_LINES = 600;

function sources(dir: string): string[] {
	return fs
		.readdirSync(dir, { recursive: true, encoding: 'utf8' })
		.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
		.map((f) => path.join(dir, f));
}

describe('the codebase: rooms of one purpose', () => {
	const files = sources(path.join(repoRoot, 'src'));

	it('finds the sources', () => {
		assert.ok(files.length > 100, `${files.length} files`);
	});

	it(`no source file over ${MAX_LINES} lines`, () => {
		const over = files
			.map(
				(f) =>
					[
						path.relative(repoRoot, f),
						fs.readFileSync(f, 'utf8').split('\n').length - 1,
					] as const,
			)
			.filter(([, n]) => n > MAX_LINES)
			.map(([f, n]) => `${f}: ${n} lines`);
		assert.deepStrictEqual(over, []);
	});

	it('every source file opens with a one-line comment saying what it holds', () => {
		const bare = files
			.filter((f) => {
				const first = fs.readFileSync(f, 'utf8').split('\n', 1)[0];
				// A sentence, not a directive or a bare marker.
				return !/^\/\/ \S.{15,}/.test(first) || first.startsWith('///');
			})
			.map((f) => path.relative(repoRoot, f));
		assert.deepStrictEqual(bare, []);
	});
});
