// The WebAssembly SIMD kernels bound to a shared memory: loading, the variant per layout, and the calls.
/// <reference path="../wasm/webassembly.d.ts" />
import * as fs from 'fs';
import * as path from 'path';
import type { Distribution } from '../../protocol/engineProtocol';
import type { ReductionLayout } from './layout';
import type { Centred, Moments } from './normalizeJs';
import { Arena } from './arena';

/** The exports of normalize.wasm (see ../wasm/normalize.as.ts); pointers are byte offsets. */
interface Exports {
	statsRows(
		x: number,
		rows: number,
		C: number,
		K: number,
		S: number,
		Q: number,
		scratch: number,
		variant: number,
	): void;
	statsPlanes(x: number, planes: number, P: number, M: number, M2: number): void;
	extremesRows(x: number, rows: number, C: number, mn: number, mx: number): void;
	extremesPlanes(x: number, planes: number, P: number, mn: number, mx: number): void;
	normalizeRows(
		x: number,
		y: number,
		rows: number,
		C: number,
		m: number,
		a: number,
		b: number,
	): void;
	normalizePlanes(
		x: number,
		y: number,
		planes: number,
		P: number,
		first: number,
		groups: number,
		m: number,
		a: number,
		b: number,
	): void;
	copy(x: number, y: number, n: number): void;
	gather(x: number, n: number, stride: number, into: number): void;
	fillStandard(x: number, from: number, n: number, seed: number, kind: number): void;
	sumsPlanes(
		from: number,
		planes: number,
		P: number,
		seed: number,
		kind: number,
		M: number,
		M2: number,
		scratch: number,
	): void;
	shiftScale(
		x: number,
		n: number,
		c0: number,
		k0: number,
		inner: number,
		features: number,
		offset: number,
		scale: number,
	): void;
}

/** A tiny module using SIMD (i8x16.popcnt): valid only where WebAssembly SIMD is supported. */
const simdProbe = new Uint8Array([
	0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253,
	15, 253, 98, 11,
]);

let simd: boolean | undefined;

/** A tiny module using relaxed SIMD (f32x4.relaxed_madd of three zero vectors). */
const v128Zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const relaxedBody = [0, ...v128Zero, ...v128Zero, ...v128Zero, 0xfd, 0x85, 0x02, 0x0b];
const relaxedProbe = new Uint8Array([
	0,
	97,
	115,
	109,
	1,
	0,
	0,
	0,
	1,
	5,
	1,
	96,
	0,
	1,
	123,
	3,
	2,
	1,
	0,
	10,
	relaxedBody.length + 2,
	1,
	relaxedBody.length,
	...relaxedBody,
]);

let relaxed: boolean | undefined;

/**
 * Whether this runtime validates relaxed SIMD (V8 from 11.4: VS Code desktop's Electron; Node 20
 * only with --experimental-wasm-relaxed-simd). Where it does, the kernels come from
 * normalize-relaxed.wasm, whose statistics use fused multiply-add.
 */
export function relaxedSimdSupported(): boolean {
	if (relaxed === undefined) {
		try {
			relaxed = simdSupported() && WebAssembly.validate(relaxedProbe);
		} catch {
			relaxed = false;
		}
	}
	return relaxed;
}

/** Whether this runtime validates WebAssembly SIMD (checked once: the host asks on every task). */
export function simdSupported(): boolean {
	if (simd === undefined) {
		try {
			simd = typeof WebAssembly === 'object' && WebAssembly.validate(simdProbe);
		} catch {
			simd = false;
		}
	}
	return simd;
}

function wasmFile(name: string): string {
	// dist/kernels/ beside the bundle; src/engine/wasm/ when running from out/ (tests, bench).
	const candidates = [
		path.join(__dirname, 'kernels', name),
		path.join(__dirname, 'wasm', name),
		path.resolve(__dirname, '..', '..', '..', 'src', 'engine', 'wasm', name),
		path.resolve(__dirname, '..', '..', '..', '..', 'src', 'engine', 'wasm', name),
	];
	const found = candidates.find((f) => fs.existsSync(f));
	if (!found) {
		throw new Error(`${name} not found (looked in ${candidates.join(', ')})`);
	}
	return found;
}

const compiled = new Map<string, WebAssembly.Module>();

/** statsRows's ways of walking channels-last rows (ROWS_ONE, ROWS_FOUR, ROWS_TILES, ROWS_STAGED in normalize.as.ts). */
export const enum RowsVariant {
	One = 0,
	Four = 1,
	Tiles = 2,
	Staged = 3,
}

/**
 * Which channels-last statistics variant is fastest for C channels, as measured on the target CPU
 * (2-vCPU Zen 4, one thread, 25.7 MB; `npm run bench -- --only engine` prints the table and
 * docs/benchmarks-journal.md keeps the runs' medians): register tiles for C = 8 – 32 (24–27 GB/s), four rows
 * per step up to C = 64 (23–24 GB/s), staged blocks up to C = 384 (18–23 GB/s, where one row per
 * step gives 12–18 and four interleaved rows or the tiles' strided walk from memory 7–14), one row
 * per step above (15–18).
 */
export function rowsVariantFor(C: number): RowsVariant {
	if (C >= 8 && C <= 32) {
		return RowsVariant.Tiles;
	}
	if (C <= 64) {
		return RowsVariant.Four;
	}
	return C <= 384 ? RowsVariant.Staged : RowsVariant.One;
}

/** Each sample's offset and scale (`size` values per sample), applied after the features' own. */
export interface SampleShifts {
	offset: ArrayLike<number>;
	scale: ArrayLike<number>;
	size: number;
}

/** The SIMD kernels instantiated on `memory` (a shared WebAssembly.Memory). */
export class WasmKernels {
	readonly name = 'wasm-simd';
	private readonly k: Exports;

	private constructor(
		readonly memory: WebAssembly.Memory,
		instance: WebAssembly.Instance,
		/** Whether the statistics use fused multiply-add (normalize-relaxed.wasm). */
		readonly fusedMultiplyAdd: boolean,
	) {
		this.k = instance.exports as unknown as Exports;
	}

	static async create(
		memory: WebAssembly.Memory,
		fused = relaxedSimdSupported(),
	): Promise<WasmKernels> {
		const name = fused ? 'normalize-relaxed.wasm' : 'normalize.wasm';
		let module = compiled.get(name);
		if (!module) {
			module = await WebAssembly.compile(fs.readFileSync(wasmFile(name)));
			compiled.set(name, module);
		}
		const instance = await WebAssembly.instantiate(module, {
			env: { memory, abort: () => undefined },
		});
		return new WasmKernels(memory, instance, fused);
	}

	/**
	 * Tensors must be views of this memory. Growing a shared memory gives `memory.buffer` a new
	 * SharedArrayBuffer object over the same bytes, so identity cannot be checked; the view must at
	 * least be shared and inside the memory's bounds.
	 */
	private own(a: Float32Array): void {
		if (
			!(a.buffer instanceof SharedArrayBuffer) ||
			a.byteOffset + a.byteLength > this.memory.buffer.byteLength ||
			a.buffer.byteLength > this.memory.buffer.byteLength
		) {
			throw new Error('wasm kernels need their tensors inside the shared memory');
		}
	}

	/**
	 * The seeded sample for elements [from, from + x.length) of a tensor: standard draws (normal,
	 * uniform or log-normal, counter-based: element i's value depends only on the seed and i), then
	 * each feature's offset and scale, then (`perSample`) each sample's. `check` runs before each
	 * chunk (cancellation), `advance` after it (progress).
	 */
	fillSample(
		x: Float32Array,
		from: number,
		seed: number,
		kind: Distribution,
		features: number,
		inner: number,
		shifts: { offset: ArrayLike<number>; scale: ArrayLike<number> },
		arena: Arena,
		check: () => void,
		chunk: number,
		advance: (elements: number) => void = () => undefined,
		perSample?: SampleShifts,
	): void {
		this.own(x);
		const layers = [
			{ features, inner, ...shifts },
			...(perSample
				? [
						{
							features: perSample.offset.length,
							inner: perSample.size,
							offset: perSample.offset,
							scale: perSample.scale,
						},
					]
				: []),
		].map((l) => {
			const offset = arena.f32(l.features);
			const scale = arena.f32(l.features);
			for (let c = 0; c < l.features; c++) {
				offset[c] = l.offset[c];
				scale[c] = l.scale[c];
			}
			return { features: l.features, inner: l.inner, offset, scale };
		});
		for (let i = 0; i < x.length; i += chunk) {
			check();
			const n = Math.min(chunk, x.length - i);
			const at = x.byteOffset + 4 * i;
			this.k.fillStandard(
				at,
				from + i,
				n,
				seed >>> 0,
				kind === 'normal' ? 0 : kind === 'uniform' ? 1 : 2,
			);
			const first = from + i;
			for (const l of layers) {
				this.k.shiftScale(
					at,
					n,
					Math.floor(first / l.inner) % l.features,
					first % l.inner,
					l.inner,
					l.features,
					l.offset.byteOffset,
					l.scale.byteOffset,
				);
			}
			advance(n);
		}
	}

	/** Standard draws only (fillSample without the features' offsets and scales), for elements [from, from + x.length). */
	fillStandard(x: Float32Array, from: number, seed: number, kind: Distribution): void {
		this.own(x);
		this.k.fillStandard(
			x.byteOffset,
			from,
			x.length,
			seed >>> 0,
			kind === 'normal' ? 0 : kind === 'uniform' ? 1 : 2,
		);
	}

	/**
	 * Per run of `P` elements (`planes` runs from element `from` on): the mean and the sum of squared
	 * deviations of the standard draws fillStandard would give there, generated and summed in
	 * registers, never stored (the simulation's batches).
	 */
	standardPlaneMoments(
		from: number,
		planes: number,
		P: number,
		seed: number,
		kind: Distribution,
		arena: Arena,
	): { M: Float64Array; M2: Float64Array } {
		const M = arena.f64(planes);
		const M2 = arena.f64(planes);
		const scratch = arena.f32(16);
		this.k.sumsPlanes(
			from,
			planes,
			P,
			seed >>> 0,
			kind === 'normal' ? 0 : kind === 'uniform' ? 1 : 2,
			M.byteOffset,
			M2.byteOffset,
			scratch.byteOffset,
		);
		return { M, M2 };
	}

	/** Whether these kernels handle a layout (one contiguous block of kept axes). */
	static supports(layout: ReductionLayout): boolean {
		return layout.block !== null && layout.groups > 0;
	}

	/**
	 * Moments of `x`, a whole tensor or a slab of it: whole rows (channels last) or whole planes,
	 * the first plane of the slab being plane `firstPlane` of the tensor. `count` in the result is
	 * the number of values per group in this slab (`counts` per group for planes). With `extremes`
	 * false, min and max are NaN: the BatchNorm forward does not need them, and a second kernel
	 * (extremes) costs a read of x that the statistics pass should not pay. `variant` overrides the
	 * channels-last walk (tests run every variant).
	 */
	moments(
		x: Float32Array,
		layout: ReductionLayout,
		arena: Arena,
		firstPlane = 0,
		extremes = true,
		variant = rowsVariantFor(layout.groups),
	): Moments & { counts: Float64Array } {
		this.own(x);
		const g = layout.groups;
		const inner = (layout.block as { inner: number }).inner;
		const mean = new Float64Array(g);
		const variance = new Float64Array(g);
		const range = extremes
			? this.extremes(x, layout, arena, firstPlane)
			: { min: new Float64Array(g).fill(NaN), max: new Float64Array(g).fill(NaN) };
		const nonFinite = new Uint32Array(g);
		if (inner === 1) {
			// Channels last: rows of g channels.
			const rows = x.length / g;
			// The shift: each channel's mean over up to 16 rows spread through x, so that |μ − K| is a
			// fraction of σ and Q/n − (S/n)² does not cancel (with K = the first row, a first value 2σ
			// from the mean multiplies the float32 partials' error by 5).
			const K = arena.f32(g);
			const picks = Math.min(rows, 16);
			for (let c = 0; c < g; c++) {
				let sum = 0;
				for (let i = 0; i < picks; i++) {
					sum += x[Math.floor((i * rows) / picks) * g + c];
				}
				K[c] = sum / picks;
			}
			// The arena re-uses memory: the accumulators must start at zero.
			const S = arena.f64(g).fill(0);
			const Q = arena.f64(g).fill(0);
			const scratch = arena.f32(2 * g + 8);
			this.k.statsRows(
				x.byteOffset,
				rows,
				g,
				K.byteOffset,
				S.byteOffset,
				Q.byteOffset,
				scratch.byteOffset,
				variant,
			);
			for (let c = 0; c < g; c++) {
				const ds = S[c] / rows;
				mean[c] = K[c] + ds;
				variance[c] = Math.max(0, Q[c] / rows - ds * ds);
			}
			return {
				count: layout.groupSize,
				counts: new Float64Array(g).fill(rows),
				mean,
				variance,
				...range,
				nonFinite,
			};
		}
		// Planes of `inner` values; plane p belongs to group (p + firstPlane) % g. Planes merge by Chan's formula.
		const planes = x.length / inner;
		const M = arena.f64(planes);
		const M2 = arena.f64(planes);
		this.k.statsPlanes(x.byteOffset, planes, inner, M.byteOffset, M2.byteOffset);
		const n = new Float64Array(g);
		const m2 = new Float64Array(g);
		for (let p = 0; p < planes; p++) {
			const c = (p + firstPlane) % g;
			const nb = n[c] + inner;
			const delta = M[p] - mean[c];
			mean[c] += (delta * inner) / nb;
			m2[c] += M2[p] + (delta * delta * n[c] * inner) / nb;
			n[c] = nb;
		}
		for (let c = 0; c < g; c++) {
			variance[c] = n[c] > 0 ? m2[c] / n[c] : 0;
		}
		return { count: layout.groupSize, counts: n, mean, variance, ...range, nonFinite };
	}

	/** Per-group min and max of `x` (whole rows or planes, as in moments), for finite data. */
	extremes(
		x: Float32Array,
		layout: ReductionLayout,
		arena: Arena,
		firstPlane = 0,
	): { min: Float64Array; max: Float64Array } {
		this.own(x);
		const g = layout.groups;
		const inner = (layout.block as { inner: number }).inner;
		if (inner === 1) {
			const mn = arena.f32(g).fill(Infinity);
			const mx = arena.f32(g).fill(-Infinity);
			this.k.extremesRows(x.byteOffset, x.length / g, g, mn.byteOffset, mx.byteOffset);
			return { min: Float64Array.from(mn), max: Float64Array.from(mx) };
		}
		const planes = x.length / inner;
		const mn = arena.f32(planes);
		const mx = arena.f32(planes);
		this.k.extremesPlanes(x.byteOffset, planes, inner, mn.byteOffset, mx.byteOffset);
		const min = new Float64Array(g).fill(Infinity);
		const max = new Float64Array(g).fill(-Infinity);
		for (let p = 0; p < planes; p++) {
			const c = (p + firstPlane) % g;
			min[c] = Math.min(min[c], mn[p]);
			max[c] = Math.max(max[c], mx[p]);
		}
		return { min, max };
	}

	normalize(
		x: Float32Array,
		y: Float32Array,
		layout: ReductionLayout,
		mean: Float64Array,
		variance: Float64Array,
		epsilon: number,
		arena: Arena,
		firstPlane = 0,
	): void {
		const a = variance.map((v) => 1 / Math.sqrt(v + epsilon));
		this.normalizeCentred(
			x,
			y,
			layout,
			{ m: mean, a, b: new Float64Array(layout.groups) },
			arena,
			firstPlane,
		);
	}

	/** y = (x − m[g])·a[g] + b[g] (computed in f64 by the caller, applied in f32). */
	normalizeCentred(
		x: Float32Array,
		y: Float32Array,
		layout: ReductionLayout,
		f: Centred,
		arena: Arena,
		firstPlane = 0,
	): void {
		this.own(x);
		this.own(y);
		const g = layout.groups;
		const m = arena.f32(g);
		const a = arena.f32(g);
		const b = arena.f32(g);
		for (let c = 0; c < g; c++) {
			m[c] = f.m[c];
			a[c] = f.a[c];
			b[c] = f.b[c];
		}
		const inner = (layout.block as { inner: number }).inner;
		if (inner === 1) {
			this.k.normalizeRows(
				x.byteOffset,
				y.byteOffset,
				x.length / g,
				g,
				m.byteOffset,
				a.byteOffset,
				b.byteOffset,
			);
		} else {
			this.k.normalizePlanes(
				x.byteOffset,
				y.byteOffset,
				x.length / inner,
				inner,
				firstPlane % g,
				g,
				m.byteOffset,
				a.byteOffset,
				b.byteOffset,
			);
		}
	}

	copy(x: Float32Array, y: Float32Array): void {
		this.k.copy(x.byteOffset, y.byteOffset, x.length);
	}

	/** into[j] = x[j·stride] for every j with j·stride < x.length (into holds at least that many). */
	gather(x: Float32Array, stride: number, into: Float32Array): void {
		this.own(x);
		this.own(into);
		const n = Math.ceil(x.length / stride);
		if (into.length < n) {
			throw new RangeError(`gather: ${n} samples do not fit in ${into.length}`);
		}
		this.k.gather(x.byteOffset, n, stride, into.byteOffset);
	}
}
