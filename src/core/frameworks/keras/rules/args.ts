// What the Keras layer rules read from a layer's arguments and input shape, and the rules' types.
import type { Shape, WeightInfo } from '../../../../protocol/analysis';
import { asInt, asSequence, asString, Value } from '../../../python/values';
import { ShapeError } from '../../common/spec';
import type { KerasLayerSpec } from '../catalogue';

/** A layer's resolved constructor arguments. */
export type LayerConfig = Map<string, Value>;

export function int(cfg: LayerConfig, name: string): number | undefined {
	return asInt(cfg.get(name));
}

/** An int or a tuple of `rank` ints, as Keras accepts for kernel sizes, strides, … */
export function ints(cfg: LayerConfig, name: string, rank: number): number[] | undefined {
	const v = cfg.get(name);
	const n = asInt(v);
	if (n !== undefined) {
		return Array(rank).fill(n);
	}
	const items = asSequence(v)?.map(asInt);
	if (items && items.length === rank && items.every((x) => x !== undefined)) {
		return items as number[];
	}
	return undefined;
}

export function bool(cfg: LayerConfig, name: string): boolean | undefined {
	const v = cfg.get(name);
	return v?.k === 'bool' ? v.v : v?.k === 'num' ? v.v !== 0 : undefined;
}

function channelsFirst(cfg: LayerConfig): boolean | undefined {
	const v = cfg.get('data_format');
	if (!v || v.k === 'none') {
		return false;
	}
	const s = asString(v);
	return s === undefined ? undefined : s === 'channels_first';
}

/** Index of the channel axis of an input of `rank`, given the layer's data format. */
export function channelAxis(cfg: LayerConfig, rank: number): number | undefined {
	const first = channelsFirst(cfg);
	return first === undefined ? undefined : first ? 1 : rank - 1;
}

function normalizeAxis(axis: number, rank: number): number | undefined {
	const a = axis < 0 ? rank + axis : axis;
	return a >= 0 && a < rank ? a : undefined;
}

/** Axes named by an `axis` argument (int or list), normalised to non-negative indices. */
export function axesOf(cfg: LayerConfig, rank: number, name = 'axis'): number[] | undefined {
	const v = cfg.get(name);
	const single = asInt(v);
	const list = single !== undefined ? [single] : asSequence(v)?.map(asInt);
	if (!list || list.some((x) => x === undefined)) {
		return undefined;
	}
	const out = (list as number[]).map((a) => normalizeAxis(a, rank));
	return out.some((a) => a === undefined) ? undefined : (out as number[]);
}

/** The spatial axes and the channel axis of an input with `rank` spatial axes, by data format; checks its rank. */
export function spatial(
	cfg: LayerConfig,
	input: Shape,
	rank: number,
): { axes: number[]; channel: number } | undefined {
	const first = channelsFirst(cfg);
	if (first === undefined) {
		return undefined;
	}
	if (input.length !== rank + 2) {
		throw new ShapeError(
			`expects a ${rank + 2}-D input (batch, ${rank} spatial, channels) but got ${input.length}-D ${fmt(input)}`,
		);
	}
	const axes = Array.from({ length: rank }, (_, i) => (first ? 2 + i : 1 + i));
	return { axes, channel: first ? 1 : rank + 1 };
}

/** A shape as Keras prints it: `(None, 28, 28, 1)`. */
export function fmt(s: Shape): string {
	return `(${s.map((d) => (d === null ? 'None' : d)).join(', ')})`;
}

/** The number of values in these dims; null when one is unknown. */
export function product(dims: (number | null)[]): number | null {
	let p = 1;
	for (const d of dims) {
		if (d === null) {
			return null;
		}
		p *= d;
	}
	return p;
}

/** A shape rule: the output shape of a layer on these input shapes; null when it cannot be known. */
export type ShapeFn = (spec: KerasLayerSpec, cfg: LayerConfig, inputs: Shape[]) => Shape | null;
/** A weight rule: the weights a layer creates when built on its first input (`inputs`: all of them). */
export type WeightFn = (
	spec: KerasLayerSpec,
	cfg: LayerConfig,
	input: Shape,
	inputs: Shape[],
) => WeightInfo[] | null;

/** A weight of the layer (a parameter), trainable unless said otherwise. */
export const w = (name: string, shape: number[], trainable = true): WeightInfo => ({
	name,
	shape,
	kind: 'param',
	trainable,
});
