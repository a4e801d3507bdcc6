// What one engine worker keeps between tasks: its own shared memory and the SIMD kernels bound to it,
// the pool-wide memory of split runs and pool tensors (with its kernels), and the cancel check.
/// <reference path="./wasm/webassembly.d.ts" />
import { workerData } from 'worker_threads';
import type { NormalizeTask } from '../protocol/engineProtocol';
import { RETAINED_MEMORY_BYTES } from './kernels/arena';
import { simdSupported, WasmKernels } from './kernels/normalizeWasm';

let memory: WebAssembly.Memory | undefined;
let kernels: Promise<WasmKernels | undefined> | undefined;

/** Drops this worker's memory (and the kernels bound to it) when a run grew it past RETAINED_MEMORY_BYTES. */
export function releaseOversizedMemory(): void {
	if (memory && memory.buffer.byteLength > RETAINED_MEMORY_BYTES) {
		memory = undefined;
		kernels = undefined;
	}
}

/** This worker's memory's size in bytes, 0 when it has none (for the pool's own tests). */
export function memoryBytes(): number {
	return memory?.buffer.byteLength ?? 0;
}

export function sharedMemory(): WebAssembly.Memory {
	memory ??= new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
	return memory;
}

/** Instantiated once per worker; `undefined` where WebAssembly SIMD is unavailable (JS fallback). */
export function wasm(): Promise<WasmKernels | undefined> {
	kernels ??= simdSupported()
		? WasmKernels.create(sharedMemory()).catch(() => undefined)
		: Promise.resolve(undefined);
	return kernels;
}

/**
 * The kernels a task asked for (NormalizeTask.backend): none for `js`, the SIMD kernels for
 * `wasm-simd` (refused where this runtime has none), whichever there are otherwise.
 */
export async function kernelsFor(
	backend: NormalizeTask['backend'],
): Promise<WasmKernels | undefined> {
	const k = backend === 'js' ? undefined : await wasm();
	if (backend === 'wasm-simd' && !k) {
		throw new Error('WebAssembly SIMD is not available in this runtime.');
	}
	return k;
}

export class Cancelled extends Error {
	constructor() {
		super('The run was cancelled.');
	}
}

/** A function that throws Cancelled once the host has raised the task's cancel flag. */
export function checker(task: Pick<NormalizeTask, 'cancel'>): () => void {
	const flag = task.cancel ? new Int32Array(task.cancel) : undefined;
	return () => {
		if (flag && Atomics.load(flag, 0) !== 0) {
			throw new Cancelled();
		}
	};
}

/** The pool-wide memory the host handed every worker (split runs and pool tensors live there). */
export function poolMemory(): WebAssembly.Memory {
	const m = (workerData as { memory?: WebAssembly.Memory } | undefined)?.memory;
	if (!m) {
		throw new Error('This pool has no shared memory for split runs.');
	}
	return m;
}

let poolKernels: Promise<WasmKernels> | undefined;

/** The SIMD kernels bound to the pool-wide memory, instantiated once per worker. */
export function poolWasm(): Promise<WasmKernels> {
	poolKernels ??= WasmKernels.create(poolMemory());
	return poolKernels;
}
