// AssemblyScript source of the engine's WebAssembly SIMD kernels (compiled by
// scripts/build-wasm.mjs to normalize.wasm, which is committed). Every pointer is a byte offset in
// the imported shared memory. Statistics are shifted sums — S = Σ(x − K), Q = Σ(x − K)² with K
// the first value of each channel or plane — kept in f32x4 partials for BLOCK rows and flushed to
// f64, which keeps the variance within ~1e-7 relative of a float64 reference even for data far
// from zero (K removes the offset before anything is squared).

const BLOCK: i32 = 16;

/**
 * Channels-last statistics: `rows` rows of `C` floats at `x`. Adds Σ(x−K[c]) to S[c] and
 * Σ(x−K[c])² to Q[c] (f64), and folds min / max (f32). `scratch` holds 2·C f32 partials.
 */
export function statsRows(x: usize, rows: i32, C: i32, K: usize, S: usize, Q: usize, mn: usize, mx: usize, scratch: usize): void {
	const C4 = C >> 2;
	const ps = scratch;
	const pq = scratch + (<usize>C << 2);
	const rowBytes = <usize>C << 2;
	for (let r0 = 0; r0 < rows; r0 += BLOCK) {
		const r1 = min(rows, r0 + BLOCK);
		for (let j = 0; j < C4; j++) {
			v128.store(ps + (<usize>j << 4), f32x4.splat(0));
			v128.store(pq + (<usize>j << 4), f32x4.splat(0));
		}
		for (let r = r0; r < r1; r++) {
			const row = x + <usize>r * rowBytes;
			for (let j = 0; j < C4; j++) {
				const o = <usize>j << 4;
				const raw = v128.load(row + o);
				const v = f32x4.sub(raw, v128.load(K + o));
				v128.store(ps + o, f32x4.add(v128.load(ps + o), v));
				v128.store(pq + o, f32x4.add(v128.load(pq + o), f32x4.mul(v, v)));
				v128.store(mn + o, f32x4.min(v128.load(mn + o), raw));
				v128.store(mx + o, f32x4.max(v128.load(mx + o), raw));
			}
			for (let c = C4 << 2; c < C; c++) {
				const o = <usize>c << 2;
				const raw = load<f32>(row + o);
				const v = <f64>raw - <f64>load<f32>(K + o);
				store<f64>(S + (<usize>c << 3), load<f64>(S + (<usize>c << 3)) + v);
				store<f64>(Q + (<usize>c << 3), load<f64>(Q + (<usize>c << 3)) + v * v);
				store<f32>(mn + o, min(load<f32>(mn + o), raw));
				store<f32>(mx + o, max(load<f32>(mx + o), raw));
			}
		}
		for (let c = 0; c < C4 << 2; c++) {
			const s = <f64>load<f32>(ps + (<usize>c << 2));
			const q = <f64>load<f32>(pq + (<usize>c << 2));
			store<f64>(S + (<usize>c << 3), load<f64>(S + (<usize>c << 3)) + s);
			store<f64>(Q + (<usize>c << 3), load<f64>(Q + (<usize>c << 3)) + q);
		}
	}
}

/**
 * Plane statistics: `planes` contiguous planes of `P` floats (NCHW: one plane per sample and
 * channel; LayerNorm: one per sample). Writes per plane S, Q (f64, shift = the plane's first value)
 * and min / max (f32).
 */
export function statsPlanes(x: usize, planes: i32, P: i32, S: usize, Q: usize, mn: usize, mx: usize): void {
	const P4 = P >> 2;
	for (let p = 0; p < planes; p++) {
		const base = x + <usize>p * (<usize>P << 2);
		const k = load<f32>(base);
		const kv = f32x4.splat(k);
		let s: f64 = 0;
		let q: f64 = 0;
		let vmn = f32x4.splat(k);
		let vmx = f32x4.splat(k);
		for (let i0 = 0; i0 < P4; i0 += BLOCK * 4) {
			const i1 = min(P4, i0 + BLOCK * 4);
			let s4 = f32x4.splat(0);
			let q4 = f32x4.splat(0);
			for (let i = i0; i < i1; i++) {
				const raw = v128.load(base + (<usize>i << 4));
				const v = f32x4.sub(raw, kv);
				s4 = f32x4.add(s4, v);
				q4 = f32x4.add(q4, f32x4.mul(v, v));
				vmn = f32x4.min(vmn, raw);
				vmx = f32x4.max(vmx, raw);
			}
			s += <f64>f32x4.extract_lane(s4, 0) + <f64>f32x4.extract_lane(s4, 1) + <f64>f32x4.extract_lane(s4, 2) + <f64>f32x4.extract_lane(s4, 3);
			q += <f64>f32x4.extract_lane(q4, 0) + <f64>f32x4.extract_lane(q4, 1) + <f64>f32x4.extract_lane(q4, 2) + <f64>f32x4.extract_lane(q4, 3);
		}
		let m = min(min(f32x4.extract_lane(vmn, 0), f32x4.extract_lane(vmn, 1)), min(f32x4.extract_lane(vmn, 2), f32x4.extract_lane(vmn, 3)));
		let M = max(max(f32x4.extract_lane(vmx, 0), f32x4.extract_lane(vmx, 1)), max(f32x4.extract_lane(vmx, 2), f32x4.extract_lane(vmx, 3)));
		for (let i = P4 << 2; i < P; i++) {
			const raw = load<f32>(base + (<usize>i << 2));
			const v = <f64>raw - <f64>k;
			s += v;
			q += v * v;
			m = min(m, raw);
			M = max(M, raw);
		}
		store<f64>(S + (<usize>p << 3), s);
		store<f64>(Q + (<usize>p << 3), q);
		store<f32>(mn + (<usize>p << 2), m);
		store<f32>(mx + (<usize>p << 2), M);
	}
}

/** y = x·a[c] + b[c] on `rows` rows of `C` channels (a, b: f32). */
export function normalizeRows(x: usize, y: usize, rows: i32, C: i32, a: usize, b: usize): void {
	const C4 = C >> 2;
	const rowBytes = <usize>C << 2;
	for (let r = 0; r < rows; r++) {
		const xr = x + <usize>r * rowBytes;
		const yr = y + <usize>r * rowBytes;
		for (let j = 0; j < C4; j++) {
			const o = <usize>j << 4;
			v128.store(yr + o, f32x4.add(f32x4.mul(v128.load(xr + o), v128.load(a + o)), v128.load(b + o)));
		}
		for (let c = C4 << 2; c < C; c++) {
			const o = <usize>c << 2;
			store<f32>(yr + o, load<f32>(xr + o) * load<f32>(a + o) + load<f32>(b + o));
		}
	}
}

/** y = x·a[g] + b[g] on planes of P floats, plane p belonging to group (p + first) % groups. */
export function normalizePlanes(x: usize, y: usize, planes: i32, P: i32, first: i32, groups: i32, a: usize, b: usize): void {
	const P4 = P >> 2;
	for (let p = 0; p < planes; p++) {
		const g = (p + first) % groups;
		const av = load<f32>(a + (<usize>g << 2));
		const bv = load<f32>(b + (<usize>g << 2));
		const a4 = f32x4.splat(av);
		const b4 = f32x4.splat(bv);
		const xp = x + <usize>p * (<usize>P << 2);
		const yp = y + <usize>p * (<usize>P << 2);
		for (let i = 0; i < P4; i++) {
			const o = <usize>i << 4;
			v128.store(yp + o, f32x4.add(f32x4.mul(v128.load(xp + o), a4), b4));
		}
		for (let i = P4 << 2; i < P; i++) {
			const o = <usize>i << 2;
			store<f32>(yp + o, load<f32>(xp + o) * av + bv);
		}
	}
}

/** A copy of n floats (the benchmark's bandwidth limit, measured with the same loop style). */
export function copy(x: usize, y: usize, n: i32): void {
	const n4 = n >> 2;
	for (let i = 0; i < n4; i++) {
		v128.store(y + (<usize>i << 4), v128.load(x + (<usize>i << 4)));
	}
	for (let i = n4 << 2; i < n; i++) {
		store<f32>(y + (<usize>i << 2), load<f32>(x + (<usize>i << 2)));
	}
}
