// What the torch layer rules share: argument readers, weight entries, rule signatures, common input checks.
import type { Shape, WeightInfo } from '../../../../protocol/analysis';
import { asInt, asSequence, isFloat, pyNumber, Value } from '../../../python/values';
import { ShapeError } from '../../common/spec';
import type { TorchModuleSpec } from '../catalogue';

/** Rules build one weight list per stacked layer: a bound keeps them O(1) in an absurd argument. */
export const MAX_STACKED_LAYERS = 10_000;

/** An argument beyond what NormLens builds (not an error of the framework's): the count is unknown for this reason. */
export class SizeBoundError extends Error {}

/** A module's arguments bound by name (the runtime's bindArgs; the conformance test's harness). */
export type ModuleConfig = Map<string, Value>;

/**
 * PyTorch takes sizes, dims and factors as Python ints: a float, even a whole one (`planes / 4`
 * is `50.0`), raises TypeError where it reaches a tensor's size or an ATen op. A ShapeError, so
 * that the count is unknown with that cause rather than the count of a module that cannot be built.
 */
export function intValue(v: Value | undefined, name: string): number | undefined {
	if (v?.k === 'num' && isFloat(v)) {
		throw new ShapeError(
			`${name}=${pyNumber(v)} is a float where PyTorch takes an int (TypeError; use \`//\` or \`int(…)\`)`,
		);
	}
	return asInt(v);
}

/** An int argument; `undefined` when unknown; a ShapeError for a float (see `intValue`). */
export const int = (cfg: ModuleConfig, name: string) => intValue(cfg.get(name), name);

/** An int argument PyTorch keeps without building anything of that size, where a float passes (InstanceNorm's num_features without affine). */
export const intLoose = (cfg: ModuleConfig, name: string) => asInt(cfg.get(name));

/** A bool argument (PyTorch takes 0 and 1 as well); `undefined` when unknown. */
export function bool(cfg: ModuleConfig, name: string): boolean | undefined {
	const v = cfg.get(name);
	return v?.k === 'bool' ? v.v : v?.k === 'num' ? v.v !== 0 : undefined;
}

/** An int or a tuple of `rank` ints (kernel sizes, strides, padding…). */
export function ints(cfg: ModuleConfig, name: string, rank: number): number[] | undefined {
	const v = cfg.get(name);
	const n = intValue(v, name);
	if (n !== undefined) {
		return Array(rank).fill(n);
	}
	const items = asSequence(v)?.map((x) => intValue(x, name));
	return items && items.length === rank && items.every((x) => x !== undefined)
		? (items as number[])
		: undefined;
}

/** A shape argument: an int or a sequence of ints (`normalized_shape`); a ShapeError for a float. */
export function dims(v: Value | undefined, name: string): number[] | undefined {
	const n = intValue(v, name);
	if (n !== undefined) {
		return [n];
	}
	const items = asSequence(v)?.map((x) => intValue(x, name));
	return items && items.every((x) => x !== undefined) ? (items as number[]) : undefined;
}

/** A shape as PyTorch-minded messages print it: `(None, 3, 32, 32)`. */
export function fmt(s: Shape): string {
	return `(${s.map((d) => (d === null ? 'None' : d)).join(', ')})`;
}

/** A trainable parameter of a rule's weight list. */
export const p = (name: string, shape: number[]): WeightInfo => ({
	name,
	shape,
	kind: 'param',
	trainable: true,
});
/** A buffer (running statistics) of a rule's weight list. */
export const b = (name: string, shape: number[]): WeightInfo => ({
	name,
	shape,
	kind: 'buffer',
	trainable: false,
});

/** A weight rule: the weights and buffers a row builds; `null` when unknown; a ShapeError where PyTorch raises. */
export type ParamFn = (spec: TorchModuleSpec, cfg: ModuleConfig) => WeightInfo[] | null;
/** A shape rule: the output on `inputs`; `null` when unknown; a ShapeError where PyTorch raises. */
export type ShapeFn = (
	spec: TorchModuleSpec,
	cfg: ModuleConfig,
	inputs: Shape[],
	name: string,
) => Shape | null;

/** Splits an input into (batch-ish prefix, channels, spatial) for a module of spatial `rank`. */
export function spatialInput(
	input: Shape,
	rank: number,
	name: string,
): { channelAxis: number; spatial: number[] } {
	if (input.length === rank + 2) {
		return { channelAxis: 1, spatial: Array.from({ length: rank }, (_, i) => i + 2) };
	}
	if (input.length === rank + 1) {
		return { channelAxis: 0, spatial: Array.from({ length: rank }, (_, i) => i + 1) };
	}
	throw new ShapeError(
		`${name} expects a ${rank + 1}-D or ${rank + 2}-D input but got ${input.length}-D ${fmt(input)}`,
	);
}

/** PyTorch's check that dim `axis` of the input has the size the module was built for. */
export function checkChannels(
	input: Shape,
	axis: number,
	expected: number | undefined,
	what: string,
	name: string,
): void {
	const got = input[axis];
	if (expected !== undefined && got !== null && got !== expected) {
		throw new ShapeError(
			`${name} expects ${expected} ${what} but the input has ${got} (input ${fmt(input)})`,
		);
	}
}

/** Index of `dim` (negative from the end) in `x`; a ShapeError when out of range, as in PyTorch. */
export function dimIndex(dim: number, x: Shape, name: string): number {
	const r = Math.max(x.length, 1);
	if (dim < -r || dim >= r) {
		throw new ShapeError(
			`${name}: dim ${dim} is out of range for a ${x.length}-D input ${fmt(x)}`,
		);
	}
	return dim < 0 ? dim + r : dim;
}
