// `@functools.lru_cache` / `@functools.cache`: a second call with equal arguments returns the first's object.
import type { CallArgs } from '../contract';
import { asInt, FunctionValue, Scope, Value } from '../values';

/** Ids of the objects an argument may be (hashed by identity in Python). */
const ids = new WeakMap<object, number>();
let nextId = 0;

/**
 * `@functools.lru_cache(maxsize=…)` (128 by default, None unbounded), `@lru_cache`, `@cache` on a
 * function of the source: calls with equal arguments share one result (`nn.Sequential(shared(6),
 * shared(6))` holds one Linear twice, which PyTorch counts once). True when `text` is one.
 */
export function markCached(scope: Scope, text: string, fn: Value | undefined): boolean {
	const m = /^([\w.]+?)(?:\((.*)\))?$/.exec(text);
	const path = m ? resolvePath(scope, m[1]) : undefined;
	if (!m || (path !== 'functools.lru_cache' && path !== 'functools.cache')) {
		return false;
	}
	if (fn?.k !== 'func') {
		return true;
	}
	let max: number | null = path === 'functools.cache' ? null : 128;
	const arg = m[2]?.replace(/^maxsize=/, '').trim();
	if (arg !== undefined && arg !== '') {
		max = arg === 'None' ? null : (asInt({ k: 'num', v: Number(arg) }) ?? 0);
	}
	fn.def.memo = { max, results: new Map() };
	return true;
}

function resolvePath(scope: Scope, dotted: string): string | undefined {
	const [first, ...rest] = dotted.split('.');
	const v = scope.get(first);
	return v?.k === 'ref' ? [v.path, ...rest].join('.') : undefined;
}

/**
 * `def`'s result for `args`, from its cache or by `run` (then kept). Arguments Python hashes by
 * value (numbers, strings, None, tuples of them) or by identity (objects) make the key; a list or
 * dict is unhashable (Python raises TypeError) and a value NormLens does not hold cannot be
 * compared: both run the call uncached, its result unknown.
 */
export function cachedCall(
	def: FunctionValue,
	args: CallArgs,
	run: () => Value,
	unknownResult: (why: string) => Value,
): Value {
	const memo = def.memo as NonNullable<FunctionValue['memo']>;
	const parts = [
		...args.positional.map(keyOf),
		'|',
		...[...args.keywords].flatMap(([k, v]) => [k, keyOf(v)]),
	];
	if (parts.some((p) => p === undefined)) {
		run();
		return unknownResult(
			`\`${def.name}\` is cached by its arguments (functools.lru_cache), and NormLens cannot tell whether these equal an earlier call's`,
		);
	}
	const key = parts.join('\u0000');
	const hit = memo.results.get(key);
	if (hit) {
		memo.results.delete(key);
		memo.results.set(key, hit);
		return hit;
	}
	const v = run();
	if (memo.max === null || memo.max > 0) {
		memo.results.set(key, v);
		if (memo.max !== null && memo.results.size > memo.max) {
			memo.results.delete(memo.results.keys().next().value as string);
		}
	}
	return v;
}

function keyOf(v: Value): string | undefined {
	switch (v.k) {
		case 'num':
			// `typed=False`: 1 and 1.0 are one key, as True is 1.
			return `n${v.v}`;
		case 'bool':
			return `n${v.v ? 1 : 0}`;
		case 'str':
			return `s${JSON.stringify(v.v)}`;
		case 'none':
			return 'None';
		case 'tuple': {
			const inner = v.cause ? undefined : v.items.map(keyOf);
			return inner && inner.every((x) => x !== undefined)
				? `(${inner.join(',')})`
				: undefined;
		}
		case 'obj':
			return `o${idOf(v.obj)}`;
		case 'instance':
			return `o${idOf(v.inst)}`;
		case 'class':
			return `o${idOf(v.cls)}`;
		case 'func':
			return `o${idOf(v.def)}`;
		case 'ref':
			return `r${v.path}`;
		default:
			return undefined;
	}
}

function idOf(o: object): number {
	let id = ids.get(o);
	if (id === undefined) {
		id = nextId++;
		ids.set(o, id);
	}
	return id;
}
