// Python's C3 linearization, over any kind of class node (source classes, and import paths for the rest).

/**
 * The C3 linearization of `node` (Python's method resolution order): `basesOf` gives a node's
 * direct bases in order, or `[]` for a node whose bases are not followed (a library class).
 * Undefined where C3 finds no order (Python raises TypeError defining such a class) or the
 * hierarchy is cyclic or deeper than 200.
 */
export function c3<N>(
	node: N,
	basesOf: (n: N) => readonly N[],
	visiting = new Set<N>(),
): N[] | undefined {
	if (visiting.has(node) || visiting.size > 200) {
		return undefined;
	}
	visiting.add(node);
	const bases = basesOf(node);
	const seqs: N[][] = [];
	for (const b of bases) {
		const l = c3(b, basesOf, visiting);
		if (!l) {
			return undefined;
		}
		seqs.push([...l]);
	}
	visiting.delete(node);
	seqs.push([...bases]);
	const out = [node];
	for (;;) {
		const rest = seqs.filter((s) => s.length > 0);
		if (rest.length === 0) {
			return out;
		}
		const head = rest.map((s) => s[0]).find((c) => !rest.some((s) => s.indexOf(c) > 0));
		if (head === undefined) {
			return undefined;
		}
		out.push(head);
		for (const s of rest) {
			if (s[0] === head) {
				s.shift();
			}
		}
	}
}
