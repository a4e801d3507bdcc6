// The part of the WebAssembly JS API the engine uses. TypeScript declares it only in the DOM and
// WebWorker libs, which the engine (Node worker threads) does not load.
declare namespace WebAssembly {
	interface MemoryDescriptor {
		initial: number;
		maximum?: number;
		shared?: boolean;
	}
	class Memory {
		constructor(descriptor: MemoryDescriptor);
		readonly buffer: ArrayBuffer | SharedArrayBuffer;
		grow(delta: number): number;
	}
	class Module {
		constructor(bytes: ArrayBufferView | ArrayBuffer);
	}
	class Instance {
		readonly exports: Record<string, unknown>;
	}
	function compile(bytes: ArrayBufferView | ArrayBuffer): Promise<Module>;
	function instantiate(
		module: Module,
		imports?: Record<string, Record<string, unknown>>,
	): Promise<Instance>;
	function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
}
