// What both frameworks share: argument defaults, the shape error, and how layer counts add up.
import type { LayerSummary, ModelSummary } from '../../../protocol/analysis';
import { NONE, tuple, Value } from '../../python/values';

/**
 * What both frameworks' catalogues and runtimes share: how an argument's default is written, the
 * error a framework raises for a shape or an argument, and how layer counts add up. Neither
 * framework imports the other (an ESLint zone keeps it so); both import this.
 */

/** An argument without a default (`nn.Linear(in_features, …)`). */
export const REQUIRED = Symbol('required');

/** A catalogue argument's default, as the framework documents it. */
export type ArgDefault = number | string | boolean | null | number[] | typeof REQUIRED;

/** What the framework would raise for these shapes or arguments (a diagnostic, the count unknown). */
export class ShapeError extends Error {
	constructor(
		message: string,
		/** A more specific diagnostic code than `shape-mismatch`. */
		readonly code = 'shape-mismatch',
	) {
		super(message);
	}
}

/** A model's totals from its rows; every field `null` when any row's count is unknown. */
export function totals(layers: LayerSummary[]): ModelSummary['totals'] {
	if (layers.some((l) => l.params === null)) {
		return { total: null, trainable: null, nonTrainable: null, buffers: null };
	}
	const sum = (f: (p: NonNullable<LayerSummary['params']>) => number) =>
		layers.reduce((s, l) => s + f(l.params as NonNullable<LayerSummary['params']>), 0);
	return {
		total: sum((p) => p.total),
		trainable: sum((p) => p.trainable),
		nonTrainable: sum((p) => p.nonTrainable),
		buffers: sum((p) => p.buffers),
	};
}

/**
 * A catalogue default as an interpreter value. Defaults are numbers, strings, booleans, None or
 * tuples — values the interpreter never mutates — so each is built once and shared by every layer
 * that takes it (thousands in a large model).
 */
export function fromDefault(def: Exclude<ArgDefault, typeof REQUIRED>): Value {
	if (def === null) {
		return NONE;
	}
	if (typeof def === 'object') {
		let v = tupleDefaults.get(def);
		if (!v) {
			v = tuple(def.map((d) => ({ k: 'num', v: d }) as Value));
			tupleDefaults.set(def, v);
		}
		return v;
	}
	if (typeof def === 'boolean') {
		return def ? TRUE : FALSE;
	}
	let v = scalarDefaults.get(def);
	if (!v) {
		v = typeof def === 'number' ? { k: 'num', v: def } : { k: 'str', v: def };
		scalarDefaults.set(def, v);
	}
	return v;
}

const TRUE: Value = { k: 'bool', v: true };
const FALSE: Value = { k: 'bool', v: false };
const scalarDefaults = new Map<number | string, Value>();
const tupleDefaults = new WeakMap<readonly number[], Value>();
