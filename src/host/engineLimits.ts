// The bounds of the engine settings (threads, memory), clamped rather than trusted.
import * as os from 'os';

/**
 * Bounds of the engine settings (package.json documents them). A setting can come from a workspace's
 * own `.vscode/settings.json`, so its value is clamped here, not trusted: `maxThreads: 256` would
 * start 256 threads (about 2 GB), and a memory limit beyond what one WebAssembly memory can address
 * (4 GiB) cannot be honoured.
 */
export const MEMORY_LIMIT_MIB = { min: 16, max: 4096, default: 512 } as const;

/** The machine's cores (the most threads the pool may start). */
export function coreCount(): number {
	return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

/**
 * Worker threads for `normlens.engine.maxThreads`: `0` (or anything not a number) is automatic and
 * stays `0`; otherwise an integer in [1, cores].
 */
export function clampMaxThreads(v: unknown, cores = coreCount()): number {
	if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
		return 0;
	}
	return Math.min(Math.max(1, Math.floor(v)), Math.max(1, cores));
}

/** `normlens.engine.memoryLimitMiB` as an integer in [16, 4096] MiB; not a number: the default, 512. */
export function clampMemoryLimitMiB(v: unknown): number {
	if (typeof v !== 'number' || Number.isNaN(v)) {
		return MEMORY_LIMIT_MIB.default;
	}
	return Math.min(MEMORY_LIMIT_MIB.max, Math.max(MEMORY_LIMIT_MIB.min, Math.floor(v)));
}
