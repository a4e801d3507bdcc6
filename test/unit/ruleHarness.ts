import {
	ArgDefault,
	fromDefault,
	REQUIRED,
	ShapeError,
} from '../../src/core/frameworks/common/spec';
import type { Value } from '../../src/core/python/values';

/**
 * What the conformance nets share: binding a call's arguments as both runtimes' `bindArgs` do
 * (positionally in catalogue order, keywords by name, defaults for the rest, a required argument
 * left out is unknown), and running a rule into exact / unknown / the framework's error.
 */
export function bindCatalogueArgs(
	specArgs: readonly (readonly [string, ArgDefault])[],
	args: Value[],
	kwargs: [string, Value][],
	positional = true,
): Map<string, Value> {
	const cfg = new Map<string, Value>();
	if (positional) {
		args.forEach((v, i) => cfg.set(specArgs[i]?.[0] ?? `arg${i}`, v));
	}
	for (const [k, v] of kwargs) {
		cfg.set(k, v);
	}
	for (const [name, def] of specArgs) {
		if (!cfg.has(name)) {
			cfg.set(name, def === REQUIRED ? { k: 'unknown' } : fromDefault(def));
		}
	}
	return cfg;
}

export type Outcome<T> = { ok: T } | { unknown: true } | { error: string };

export function attempt<T>(f: () => T | null): Outcome<T> {
	try {
		const v = f();
		return v === null ? { unknown: true } : { ok: v };
	} catch (e) {
		if (e instanceof ShapeError) {
			return { error: e.message };
		}
		throw e;
	}
}
