import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
	clampMaxThreads,
	clampMemoryLimitMiB,
	coreCount,
	MEMORY_LIMIT_MIB,
} from '../../../src/host/engineLimits';
import { repoRoot } from '../paths';

describe('engine settings are clamped (issue 21: a workspace may set them)', () => {
	it('maxThreads: 0 and junk are automatic (0); anything else is an integer in [1, cores]', () => {
		assert.strictEqual(clampMaxThreads(256, 2), 2);
		assert.strictEqual(clampMaxThreads(256, 16), 16);
		assert.strictEqual(clampMaxThreads(3, 16), 3);
		assert.strictEqual(clampMaxThreads(2.7, 16), 2);
		assert.strictEqual(clampMaxThreads(0.5, 16), 1);
		for (const v of [0, -4, NaN, Infinity, -Infinity, '8', null, undefined, {}]) {
			assert.strictEqual(clampMaxThreads(v, 16), 0, String(v));
		}
		assert.strictEqual(clampMaxThreads(1e9), coreCount());
		assert.ok(coreCount() >= 1);
	});

	it('memoryLimitMiB: an integer in [16, 4096]; junk gives the default 512', () => {
		assert.deepStrictEqual(MEMORY_LIMIT_MIB, { min: 16, max: 4096, default: 512 });
		assert.strictEqual(clampMemoryLimitMiB(1e12), 4096);
		assert.strictEqual(clampMemoryLimitMiB(Infinity), 4096);
		assert.strictEqual(clampMemoryLimitMiB(1), 16);
		assert.strictEqual(clampMemoryLimitMiB(-Infinity), 16);
		assert.strictEqual(clampMemoryLimitMiB(1000.9), 1000);
		for (const v of [NaN, '9999', null, undefined, []]) {
			assert.strictEqual(clampMemoryLimitMiB(v), 512, String(v));
		}
	});

	it('the manifest restricts both in untrusted workspaces and documents the same bounds', () => {
		const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
		const untrusted = manifest.capabilities.untrustedWorkspaces;
		assert.strictEqual(
			untrusted.supported,
			'limited',
			'restrictedConfigurations only apply to "limited" support',
		);
		assert.deepStrictEqual([...untrusted.restrictedConfigurations].sort(), [
			'normlens.engine.maxThreads',
			'normlens.engine.memoryLimitMiB',
		]);
		const props =
			manifest.contributes.configuration.properties ??
			Object.assign(
				{},
				...manifest.contributes.configuration.map(
					(c: { properties: object }) => c.properties,
				),
			);
		const mem = props['normlens.engine.memoryLimitMiB'];
		assert.deepStrictEqual(
			[mem.minimum, mem.maximum, mem.default],
			[MEMORY_LIMIT_MIB.min, MEMORY_LIMIT_MIB.max, MEMORY_LIMIT_MIB.default],
		);
		assert.strictEqual(props['normlens.engine.maxThreads'].restricted, true);
		assert.strictEqual(mem.restricted, true);
	});
});
