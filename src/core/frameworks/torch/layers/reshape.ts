// torch.nn's reshaping layers (Flatten, Unflatten, Upsample, PixelShuffle/Unshuffle, 2-d pads): rows and rules.
import { asInt, asNumber, asSequence, asString } from '../../../python/values';
import { reshapeShape } from '../../common/shapes';
import { REQUIRED, ShapeError } from '../../common/spec';
import type { TorchModuleSpec, TorchShapeRule } from '../catalogue';
import { flattenShape } from '../ops/shapes';
import { dimIndex, dims, fmt, int, intValue, ShapeFn } from './shared';

/** Interpolation modes of `Upsample` and the input rank each needs. */
export const upsampleModeRanks: Record<string, number> = {
	nearest: 0,
	'nearest-exact': 0,
	area: 0,
	linear: 3,
	bilinear: 4,
	bicubic: 4,
	trilinear: 5,
};

/** The reshaping layers, in catalogue order. */
export const reshapeModules: TorchModuleSpec[] = [
	{
		name: 'Flatten',
		category: 'reshape',
		args: [
			['start_dim', 1],
			['end_dim', -1],
		],
		params: 'none',
		shape: 'flatten',
	},
	{
		name: 'Unflatten',
		category: 'reshape',
		args: [
			['dim', REQUIRED],
			['unflattened_size', REQUIRED],
		],
		params: 'none',
		shape: 'unflatten',
	},
	{
		name: 'Upsample',
		category: 'reshape',
		args: [
			['size', null],
			['scale_factor', null],
			['mode', 'nearest'],
			['align_corners', null],
		],
		params: 'none',
		shape: 'upsample',
		checks: [
			{ exactlyOne: ['size', 'scale_factor'], stage: 'call' },
			{ arg: 'mode', oneOf: Object.keys(upsampleModeRanks), stage: 'call' },
		],
		ranks: [3, 5],
	},
	{
		name: 'UpsamplingNearest2d',
		category: 'reshape',
		args: [
			['size', null],
			['scale_factor', null],
		],
		params: 'none',
		shape: 'upsample',
		checks: [{ exactlyOne: ['size', 'scale_factor'], stage: 'call' }],
		ranks: [3, 5],
	},
	{
		name: 'PixelShuffle',
		category: 'reshape',
		args: [['upscale_factor', REQUIRED]],
		params: 'none',
		shape: 'pixelShuffle',
		ranks: [3, Infinity],
	},
	{
		name: 'PixelUnshuffle',
		category: 'reshape',
		args: [['downscale_factor', REQUIRED]],
		params: 'none',
		shape: 'pixelUnshuffle',
		ranks: [3, Infinity],
	},
	{
		name: 'ZeroPad2d',
		category: 'reshape',
		rank: 2,
		args: [['padding', REQUIRED]],
		params: 'none',
		shape: 'pad',
		ranks: [3, 4],
	},
	{
		name: 'ConstantPad2d',
		category: 'reshape',
		rank: 2,
		args: [
			['padding', REQUIRED],
			['value', REQUIRED],
		],
		params: 'none',
		shape: 'pad',
		ranks: [3, 4],
	},
	{
		name: 'ReflectionPad2d',
		category: 'reshape',
		rank: 2,
		args: [['padding', REQUIRED]],
		params: 'none',
		shape: 'pad',
		ranks: [3, 4],
		reflect: true,
	},
];

/** The shape rules the reshape rows name, by name (rules.ts gathers every family's). */
export const reshapeShapes = {
	flatten: (_s, cfg, [x], name) => {
		const start = int(cfg, 'start_dim');
		const end = int(cfg, 'end_dim');
		if (start === undefined || end === undefined) {
			return null;
		}
		const [a, b] = [dimIndex(start, x, name), dimIndex(end, x, name)];
		if (a > b) {
			throw new ShapeError(
				`${name}: start_dim ${start} comes after end_dim ${end} on a ${x.length}-D input`,
			);
		}
		return flattenShape(x, a, b);
	},
	unflatten: (_s, cfg, [x], name) => {
		const dim = int(cfg, 'dim');
		const sizes = dims(cfg.get('unflattened_size'), 'unflattened_size');
		if (dim === undefined || !sizes) {
			return null;
		}
		const a = dimIndex(dim, x, name);
		return [...x.slice(0, a), ...reshapeShape([x[a]], sizes, name), ...x.slice(a + 1)];
	},
	upsample: (_s, cfg, [x], name) => {
		const size = cfg.get('size');
		const scale = cfg.get('scale_factor');
		const spatial = x.length - 2;
		const mode = asString(cfg.get('mode'));
		const modeRank = mode === undefined ? undefined : upsampleModeRanks[mode];
		if (modeRank && modeRank !== x.length) {
			throw new ShapeError(
				`${name}: mode '${mode}' needs a ${modeRank}-D input but got ${x.length}-D ${fmt(x)}`,
			);
		}
		const perAxis = <T>(list: T[] | undefined, what: string) => {
			if (list && list.length !== spatial) {
				throw new ShapeError(
					`${name}: ${what} ${list.length === 1 ? 'has' : 'have'} ${list.length} values for the ${spatial} spatial dims of ${fmt(x)}`,
				);
			}
			return list;
		};
		if (size && size.k !== 'none') {
			// A float size raises TypeError in PyTorch's upsample kernels (int() reads it strictly).
			const s = int(cfg, 'size');
			const list = perAxis(
				s !== undefined
					? Array(spatial).fill(s)
					: asSequence(size)?.map((v) => intValue(v, 'size')),
				'size',
			);
			return list && list.every((v) => v !== undefined)
				? [x[0], x[1], ...(list as number[])]
				: null;
		}
		const f = asNumber(scale);
		const fs = perAxis(
			f !== undefined ? Array(spatial).fill(f) : asSequence(scale)?.map(asNumber),
			'scale_factor',
		);
		if (!fs || fs.some((v) => v === undefined)) {
			return null;
		}
		return [
			x[0],
			x[1],
			...x.slice(2).map((d, i) => (d === null ? null : Math.floor(d * (fs[i] as number)))),
		];
	},
	pixelShuffle: (_s, cfg, [x], name) => {
		const r = int(cfg, 'upscale_factor');
		if (r === undefined) {
			return null;
		}
		const c = x[x.length - 3];
		if (c !== null && c % (r * r) !== 0) {
			throw new ShapeError(
				`${name} needs channels divisible by ${r * r} but the input has ${c}`,
			);
		}
		const out = [...x];
		out[x.length - 3] = c === null ? null : c / (r * r);
		out[x.length - 2] = x[x.length - 2] === null ? null : (x[x.length - 2] as number) * r;
		out[x.length - 1] = x[x.length - 1] === null ? null : (x[x.length - 1] as number) * r;
		return out;
	},
	// PixelShuffle's inverse: (*, C, H·r, W·r) → (*, C·r², H, W); H and W must divide by r.
	pixelUnshuffle: (_s, cfg, [x], name) => {
		const r = int(cfg, 'downscale_factor');
		if (r === undefined) {
			return null;
		}
		const [c, h, w] = x.slice(-3);
		for (const [size, what] of [
			[h, 'height'],
			[w, 'width'],
		] as const) {
			if (size !== null && size % r !== 0) {
				throw new ShapeError(
					`${name} needs a ${what} divisible by ${r} but the input has ${size}`,
				);
			}
		}
		return [
			...x.slice(0, -3),
			c === null ? null : c * r * r,
			h === null ? null : h / r,
			w === null ? null : w / r,
		];
	},
	pad: (spec, cfg, [x], name) => {
		const v = cfg.get('padding');
		const n = asInt(v);
		const pads = n !== undefined ? [n, n, n, n] : asSequence(v)?.map(asInt);
		if (!pads || pads.length !== 4 || pads.some((q) => q === undefined)) {
			return null;
		}
		const [l, r, t, bt] = pads as number[];
		const out = [...x];
		const h = x.length - 2;
		const w = x.length - 1;
		const tooWide = (n: number | null, a: number, c: number) =>
			n !== null && (a >= n || c >= n);
		if (spec.reflect && (tooWide(x[h], t, bt) || tooWide(x[w], l, r))) {
			throw new ShapeError(
				`${name}: reflection padding ${fmt(pads as number[])} must be smaller than the padded dims of ${fmt(x)}`,
			);
		}
		out[h] = x[h] === null ? null : (x[h] as number) + t + bt;
		out[w] = x[w] === null ? null : (x[w] as number) + l + r;
		return out;
	},
} satisfies Partial<Record<TorchShapeRule, ShapeFn>>;
