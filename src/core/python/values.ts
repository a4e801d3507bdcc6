import type { SyntaxNode } from '@lezer/common';

/**
 * Values of the model-building subset of Python that the interpreter tracks. Anything it cannot
 * decide is `unknown`, and unknowns propagate: a count built from an unknown is never guessed.
 */
export type Value =
	| { k: 'num'; v: number }
	| { k: 'str'; v: string }
	| { k: 'bool'; v: boolean }
	| { k: 'none' }
	| { k: 'tuple'; items: Value[] }
	| { k: 'list'; items: Value[] }
	| { k: 'dict'; entries: Map<string, Value> }
	| { k: 'unknown'; why?: string }
	/** A dotted path reached through imports, e.g. `tensorflow.keras.layers.Dense`. */
	| { k: 'ref'; path: string }
	| { k: 'func'; def: FunctionValue }
	| { k: 'builtin'; name: string }
	/** A method bound to a value, e.g. `model.add`. */
	| { k: 'bound'; self: Value; name: string }
	/** A framework object (layer, tensor, model); the framework runtime owns its meaning. */
	| { k: 'obj'; obj: FrameworkObject }
	/** A class defined in the analysed source. */
	| { k: 'class'; cls: ClassValue }
	/** An instance of a source class that no framework claims. */
	| { k: 'instance'; inst: Instance }
	/** A source-defined method bound to its receiver. */
	| { k: 'method'; fn: FunctionValue; self: Value; cls: ClassValue }
	/** `super()` inside a method of `cls`. */
	| { k: 'super'; self: Value; cls: ClassValue }
	/** A local module imported from the analysed file's folder (`import utils as U`). */
	| { k: 'module'; name: string; scope: Scope }
	/** `a:b:c` inside a subscript; a bound is `undefined` when left out and `null` when not an int the interpreter knows. */
	| { k: 'slice'; start: number | null | undefined; stop: number | null | undefined; step: number | null | undefined }
	/** `...` inside a subscript. */
	| { k: 'ellipsis' };

/** Objects owned by a framework runtime; `kind` lets the runtime dispatch. */
export interface FrameworkObject {
	readonly framework: string;
	readonly kind: string;
	/** The source class this object is an instance of (e.g. a user `nn.Module` subclass). */
	pyClass?: ClassValue;
}

export interface ClassValue {
	name: string;
	node: SyntaxNode;
	source?: unknown;
	bases: Value[];
	methods: Map<string, FunctionValue>;
	attrs: Map<string, Value>;
}

export interface Instance {
	cls: ClassValue;
	attrs: Map<string, Value>;
}

/** Finds a method along a class's bases (depth-first, as Python's MRO does for simple trees). */
export function findMethod(cls: ClassValue, name: string, seen = new Set<ClassValue>()): { fn: FunctionValue; owner: ClassValue } | undefined {
	if (seen.has(cls)) {
		return undefined;
	}
	seen.add(cls);
	const own = cls.methods.get(name);
	if (own) {
		return { fn: own, owner: cls };
	}
	for (const b of cls.bases) {
		if (b.k === 'class') {
			const found = findMethod(b.cls, name, seen);
			if (found) {
				return found;
			}
		}
	}
	return undefined;
}

/** Dotted import paths of a class's non-source bases, through source bases too. */
export function basePaths(cls: ClassValue, seen = new Set<ClassValue>()): string[] {
	if (seen.has(cls)) {
		return [];
	}
	seen.add(cls);
	const out: string[] = [];
	for (const b of cls.bases) {
		if (b.k === 'ref') {
			out.push(b.path);
		} else if (b.k === 'class') {
			out.push(...basePaths(b.cls, seen));
		}
	}
	return out;
}

export interface FunctionValue {
	name: string;
	node: SyntaxNode;
	/** The source the function was defined in (a local module may differ from the analysed file). */
	source?: unknown;
	params: ParamSpec[];
	body: SyntaxNode | null;
	/** Lambda bodies are a single expression. */
	expression: SyntaxNode | null;
	closure: Scope;
}

export interface ParamSpec {
	name: string;
	default: Value | undefined;
	star: '' | '*' | '**';
}

export const UNKNOWN: Value = { k: 'unknown' };
export const NONE: Value = { k: 'none' };

export function num(v: number): Value {
	return { k: 'num', v };
}

export function tuple(items: Value[]): Value {
	return { k: 'tuple', items };
}

/** Variable bindings with lexical parents (module globals at the root). */
export class Scope {
	private readonly vars = new Map<string, Value>();
	constructor(readonly parent: Scope | null) {}

	get(name: string): Value | undefined {
		const v = this.vars.get(name);
		if (v !== undefined) {
			return v;
		}
		return this.parent?.get(name);
	}

	set(name: string, value: Value): void {
		this.vars.set(name, value);
	}

	entries(): IterableIterator<[string, Value]> {
		return this.vars.entries();
	}
}

/** Python truthiness where it can be decided; `undefined` when it cannot. */
export function truthy(v: Value): boolean | undefined {
	switch (v.k) {
		case 'num':
			return v.v !== 0;
		case 'str':
			return v.v.length > 0;
		case 'bool':
			return v.v;
		case 'none':
			return false;
		case 'tuple':
		case 'list':
			return v.items.length > 0;
		case 'dict':
			return v.entries.size > 0;
		case 'unknown':
			return undefined;
		default:
			return true;
	}
}

/** A number from a value, or `undefined` (booleans count, as in Python). */
export function asNumber(v: Value | undefined): number | undefined {
	if (!v) {
		return undefined;
	}
	if (v.k === 'num') {
		return v.v;
	}
	if (v.k === 'bool') {
		return v.v ? 1 : 0;
	}
	return undefined;
}

export function asInt(v: Value | undefined): number | undefined {
	const n = asNumber(v);
	return n !== undefined && Number.isInteger(n) ? n : undefined;
}

export function asString(v: Value | undefined): string | undefined {
	return v && v.k === 'str' ? v.v : undefined;
}

export function asSequence(v: Value | undefined): Value[] | undefined {
	return v && (v.k === 'tuple' || v.k === 'list') ? v.items : undefined;
}

/** Plain JSON for a value, as shown in layer configs (`"<unknown>"` where undecidable). */
export function toJson(v: Value): unknown {
	switch (v.k) {
		case 'num':
		case 'str':
		case 'bool':
			return v.v;
		case 'none':
			return null;
		case 'tuple':
		case 'list':
			return v.items.map(toJson);
		case 'dict': {
			const o: Record<string, unknown> = {};
			for (const [key, val] of v.entries) {
				o[key] = toJson(val);
			}
			return o;
		}
		case 'ref':
			return v.path.split('.').pop();
		case 'func':
			return v.def.name;
		default:
			return '<unknown>';
	}
}

/** Python's `repr`-like rendering, used in messages and summaries. */
export function show(v: Value): string {
	switch (v.k) {
		case 'num':
			return String(v.v);
		case 'str':
			return JSON.stringify(v.v);
		case 'bool':
			return v.v ? 'True' : 'False';
		case 'none':
			return 'None';
		case 'tuple':
			return `(${v.items.map(show).join(', ')}${v.items.length === 1 ? ',' : ''})`;
		case 'list':
			return `[${v.items.map(show).join(', ')}]`;
		default:
			return '?';
	}
}
