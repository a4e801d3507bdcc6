// A class's method resolution order with its framework bases in their places (for `super()`).
import type { ClassValue } from '../values';

const cache = new WeakMap<ClassValue, (ClassValue | string)[] | null>();

/**
 * Python's C3 linearization of `cls` with the bases NormLens does not read (nn.Module, a Keras
 * Layer) as classes of their own, by import path: `class M(nn.Module, Mixin)` is M → nn.Module →
 * Mixin, so `super().__init__()` in M runs nn.Module's, which does not go on to Mixin's.
 * Null where C3 finds no order.
 */
export function frameworkMro(cls: ClassValue): (ClassValue | string)[] | null {
	let order = cache.get(cls);
	if (order === undefined) {
		order = linearize(cls, new Set());
		cache.set(cls, order);
	}
	return order;
}

function linearize(cls: ClassValue, visiting: Set<ClassValue>): (ClassValue | string)[] | null {
	if (visiting.has(cls) || visiting.size > 200) {
		return null;
	}
	visiting.add(cls);
	const bases: (ClassValue | string)[] = [];
	for (const b of cls.bases) {
		if (b.k === 'class') {
			bases.push(b.cls);
		} else if (b.k === 'ref' && !/^(?:builtins\.)?object$/.test(b.path)) {
			bases.push(b.path);
		}
	}
	const seqs: (ClassValue | string)[][] = [];
	for (const b of bases) {
		const l = typeof b === 'string' ? [b] : linearize(b, visiting);
		if (!l) {
			return null;
		}
		seqs.push([...l]);
	}
	visiting.delete(cls);
	seqs.push([...bases]);
	const out: (ClassValue | string)[] = [cls];
	for (;;) {
		const rest = seqs.filter((s) => s.length > 0);
		if (rest.length === 0) {
			return out;
		}
		const head = rest.map((s) => s[0]).find((c) => !rest.some((s) => s.indexOf(c) > 0));
		if (head === undefined) {
			return null;
		}
		out.push(head);
		for (const s of rest) {
			if (s[0] === head) {
				s.shift();
			}
		}
	}
}
