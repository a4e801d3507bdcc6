// torch.nn's reshaping layers (Flatten, Unflatten, Upsample, PixelShuffle/Unshuffle, 2-d pads): rows and rules.
import { asInt, asNumber, asSequence, asString } from '../../../python/values';
import { reshapeShape } from '../../common/shapes';
import { REQUIRED, ShapeError } from '../../common/spec';
import type { TorchModuleSpec, TorchShapeRule } from '../catalogue';
import { flattenShape } from '../ops/shapes';
import { dimIndex, dims, fmt, int, intValue, ShapeFn, ints } from './shared';

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
		layout: 'reshape',
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
		layout: 'reshape',
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
		name: 'UpsamplingBilinear2d',
		category: 'reshape',
		args: [
			['size', null],
			['scale_factor', null],
		],
		params: 'none',
		shape: 'upsample',
		checks: [{ exactlyOne: ['size', 'scale_factor'], stage: 'call' }],
		ranks: [4, 4],
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
	...([1, 2, 3] as const).flatMap((rank) => [
		pad('ZeroPad', rank),
		pad('ConstantPad', rank),
		pad('ReflectionPad', rank),
		pad('ReplicationPad', rank),
	]),
	{
		name: 'ChannelShuffle',
		category: 'reshape',
		args: [['groups', REQUIRED]],
		params: 'none',
		shape: 'channelShuffle',
	},
	{
		name: 'Unfold',
		category: 'reshape',
		args: [
			['kernel_size', REQUIRED],
			['dilation', 1],
			['padding', 0],
			['stride', 1],
		],
		params: 'none',
		shape: 'unfold',
		ranks: [3, 4],
	},
	{
		name: 'Fold',
		category: 'reshape',
		args: [
			['output_size', REQUIRED],
			['kernel_size', REQUIRED],
			['dilation', 1],
			['padding', 0],
			['stride', 1],
		],
		params: 'none',
		shape: 'fold',
		ranks: [2, 3],
	},
];

/** A padding module of spatial `rank`: `padding` is one int or 2·rank ints, last dim first. */
function pad(kind: string, rank: 1 | 2 | 3): TorchModuleSpec {
	return {
		name: `${kind}${rank}d`,
		category: 'reshape',
		rank,
		args:
			kind === 'ConstantPad'
				? [
						['padding', REQUIRED],
						['value', REQUIRED],
					]
				: [['padding', REQUIRED]],
		params: 'none',
		shape: 'pad',
		// A constant pad pads the last dims of any input that has them; the others take an
		// unbatched or batched input only (PyTorch's "Only 2D, 3D, 4D, 5D padding with non-constant pad").
		ranks:
			kind === 'ZeroPad' || kind === 'ConstantPad' ? [rank, Infinity] : [rank + 1, rank + 2],
		...(kind === 'ReflectionPad' ? { reflect: true as const } : {}),
	};
}

/** The blocks a sliding window of `k` finds along each spatial dim (Unfold's L, Fold's check). */
function blocks(
	sizes: (number | null)[],
	k: number[],
	d: number[],
	pd: number[],
	st: number[],
): (number | null)[] {
	return sizes.map((n, i) =>
		n === null ? null : Math.floor((n + 2 * pd[i] - d[i] * (k[i] - 1) - 1) / st[i]) + 1,
	);
}

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
		const corners = cfg.get('align_corners');
		if (corners && corners.k !== 'none' && mode !== undefined && !/linear|bicubic/.test(mode)) {
			throw new ShapeError(
				`${name}: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear (PyTorch raises ValueError; mode '${mode}')`,
			);
		}
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
		const out = x
			.slice(2)
			.map((d, i) => (d === null ? null : Math.floor(d * (fs[i] as number))));
		if (out.some((d) => d !== null && d <= 0)) {
			throw new ShapeError(
				`${name}: Input and output sizes should be greater than 0, but got output ${fmt(out)} from ${fmt(x)}`,
			);
		}
		return [x[0], x[1], ...out];
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
		const rank = spec.rank ?? 2;
		const v = cfg.get('padding');
		const n = asInt(v);
		const pads = n !== undefined ? Array<number>(2 * rank).fill(n) : asSequence(v)?.map(asInt);
		if (!pads || pads.length !== 2 * rank || pads.some((q) => q === undefined)) {
			return null;
		}
		const ps = pads as number[];
		const out = [...x];
		for (let i = 0; i < rank; i++) {
			// (left, right) pad the last dim, (top, bottom) the one before, (front, back) the third last.
			const axis = x.length - 1 - i;
			const [before, after] = [ps[2 * i], ps[2 * i + 1]];
			const size = x[axis];
			if (spec.reflect && size !== null && (before >= size || after >= size)) {
				throw new ShapeError(
					`${name}: reflection padding ${fmt(ps)} must be smaller than the padded dims of ${fmt(x)}`,
				);
			}
			if (size !== null && size + before + after < 0) {
				throw new ShapeError(
					`${name}: padding ${fmt(ps)} leaves a negative size of ${fmt(x)}`,
				);
			}
			out[axis] = size === null ? null : size + before + after;
		}
		return out;
	},
	channelShuffle: (_s, cfg, [x], name) => {
		const g = int(cfg, 'groups');
		if (x.length < 3) {
			throw new ShapeError(`${name} expects an input of at least 3 dims but got ${fmt(x)}`);
		}
		if (g !== undefined && x[1] !== null && x[1] % g !== 0) {
			throw new ShapeError(`${name}: ${x[1]} channels do not split into ${g} groups`);
		}
		return x;
	},
	// (N, C, H, W) → (N, C·kh·kw, L), L the number of blocks (F.unfold; 4-D only before PyTorch 2.1's 3-D).
	unfold: (_s, cfg, [x]) => {
		const [k, d, pd, st] = ['kernel_size', 'dilation', 'padding', 'stride'].map((a) =>
			ints(cfg, a, 2),
		);
		if (!k || !d || !pd || !st) {
			return null;
		}
		const spatial = x.slice(-2);
		const c = x[x.length - 3];
		const l = blocks(spatial, k, d, pd, st);
		if (l.some((b) => b !== null && b <= 0)) {
			return null;
		}
		const total = l.every((b) => b !== null)
			? (l as number[]).reduce((a, b) => a * b, 1)
			: null;
		return [...x.slice(0, -3), c === null ? null : c * k[0] * k[1], total];
	},
	// (N, C·kh·kw, L) → (N, C, *output_size), when L is the number of blocks that output has.
	fold: (_s, cfg, [x], name) => {
		const [o, k, d, pd, st] = [
			'output_size',
			'kernel_size',
			'dilation',
			'padding',
			'stride',
		].map((a) => ints(cfg, a, 2));
		if (!o || !k || !d || !pd || !st) {
			return null;
		}
		const ck = x[x.length - 2];
		const l = x[x.length - 1];
		const want = (blocks(o, k, d, pd, st) as number[]).reduce((a, b) => a * b, 1);
		if ((ck !== null && ck % (k[0] * k[1]) !== 0) || (l !== null && l !== want)) {
			throw new ShapeError(
				`${name}: input ${fmt(x)} is not (N, C·${k[0] * k[1]}, ${want}) for output_size ${fmt(o)}`,
			);
		}
		return [...x.slice(0, -2), ck === null ? null : ck / (k[0] * k[1]), o[0], o[1]];
	},
} satisfies Partial<Record<TorchShapeRule, ShapeFn>>;
