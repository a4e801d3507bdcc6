// Bump allocation inside one WebAssembly.Memory, shared by JS typed arrays and the wasm kernels.
/// <reference path="../wasm/webassembly.d.ts" />
/**
 * Bump allocation inside one WebAssembly.Memory, so that JS typed arrays and wasm kernels see the
 * same bytes without copies. Blocks are 64-byte aligned and padded so that two large blocks are
 * never an exact power of two apart (a slow case for V8 copies on shared memory, see
 * docs/pitfalls.md).
 */
/**
 * A WebAssembly.Memory never shrinks: one kept past a run that grew it beyond this size is
 * dropped (a worker's, after the run; the pool's, once the pool is idle) and a fresh one starts
 * at the next run. Below it, a memory is kept: re-committing pages costs a page fault per 4 KiB
 * (10–20 ms for a 25 MB run), and the warm-up commits 32 MiB on purpose.
 */
export const RETAINED_MEMORY_BYTES = 64 << 20;

export class Arena {
	private top: number;

	/** @param base first byte this arena may use (a worker's share of a pool-wide memory). */
	constructor(
		readonly memory: WebAssembly.Memory,
		private readonly base = 64,
	) {
		this.top = base;
	}

	reset(): void {
		this.top = this.base;
	}

	/** Byte offset of the next allocation. */
	get used(): number {
		return this.top;
	}

	private ensure(bytes: number): void {
		const need = this.top + bytes;
		const have = this.memory.buffer.byteLength;
		if (need > have) {
			this.memory.grow(Math.ceil((need - have) / 65536));
		}
	}

	private take(bytes: number): number {
		const at = this.top;
		this.ensure(bytes);
		this.top = Math.ceil((at + bytes + 4160) / 64) * 64;
		return at;
	}

	f32(n: number): Float32Array {
		const at = this.take(n * 4);
		return new Float32Array(this.memory.buffer, at, n);
	}

	f64(n: number): Float64Array {
		const at = this.take(n * 8);
		return new Float64Array(this.memory.buffer, at, n);
	}
}
