// A class's method resolution order with its framework bases in their places (for `super()`).
import { c3 } from '../c3';
import type { ClassValue } from '../values';

type Node = ClassValue | string;

const cache = new WeakMap<ClassValue, Node[] | null>();

/**
 * Python's C3 linearization of `cls` with the bases NormLens does not read (nn.Module, a Keras
 * Layer) as classes of their own, by import path: `class M(nn.Module, Mixin)` is M → nn.Module →
 * Mixin, so `super().__init__()` in M runs nn.Module's, which does not go on to Mixin's.
 * Null where C3 finds no order.
 */
export function frameworkMro(cls: ClassValue): Node[] | null {
	let order = cache.get(cls);
	if (order === undefined) {
		order = c3<Node>(cls, basesOf) ?? null;
		cache.set(cls, order);
	}
	return order;
}

/** A source class's bases, source classes and import paths (`object` left out); a path's none. */
function basesOf(n: Node): Node[] {
	if (typeof n === 'string') {
		return [];
	}
	return n.bases.flatMap((b): Node[] =>
		b.k === 'class'
			? [b.cls]
			: b.k === 'ref' && !/^(?:builtins\.)?object$/.test(b.path)
				? [b.path]
				: [],
	);
}
