import * as path from 'path';

/** The repository root, from out/test/unit/… at run time. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const examples = path.join(repoRoot, 'examples');
export const fixtures = path.join(repoRoot, 'test', 'fixtures');
