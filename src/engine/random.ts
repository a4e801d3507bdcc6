/** A small seeded generator (mulberry32) so that sample tensors are reproducible from a seed. */
export class SeededRandom {
	private state: number;
	private spare: number | undefined;

	constructor(seed: number) {
		this.state = seed >>> 0 || 0x9e3779b9;
	}

	/** Uniform in [0, 1). */
	next(): number {
		let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** Standard normal (Box–Muller, both values used). */
	normal(): number {
		if (this.spare !== undefined) {
			const s = this.spare;
			this.spare = undefined;
			return s;
		}
		let u = 0;
		while (u === 0) {
			u = this.next();
		}
		const v = this.next();
		const r = Math.sqrt(-2 * Math.log(u));
		this.spare = r * Math.sin(2 * Math.PI * v);
		return r * Math.cos(2 * Math.PI * v);
	}
}
