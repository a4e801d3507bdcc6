// torch.nn's pools (MaxPoolNd, AvgPoolNd, AdaptiveAvg/MaxPoolNd): rows and shape rules (pools hold no weights).
import type { Shape } from '../../../../protocol/analysis';
import { asInt, asSequence, Value } from '../../../python/values';
import { REQUIRED, ShapeError } from '../../common/spec';
import type { TorchModuleSpec, TorchShapeRule } from '../catalogue';
import { convOut } from './convolution';
import { bool, fmt, ints, ModuleConfig, ShapeFn, spatialInput } from './shared';

const pool = (kind: 'Max' | 'Avg', rank: 1 | 2 | 3): TorchModuleSpec => ({
	name: `${kind}Pool${rank}d`,
	...(kind === 'Avg' && rank === 3 ? { windowFitsInput: true } : {}),
	category: 'pooling',
	layout: 'memoryFormat',
	rank,
	args:
		kind === 'Max'
			? [
					['kernel_size', REQUIRED],
					['stride', null],
					['padding', 0],
					['dilation', 1],
					['return_indices', false],
					['ceil_mode', false],
				]
			: [
					['kernel_size', REQUIRED],
					['stride', null],
					['padding', 0],
					['ceil_mode', false],
					['count_include_pad', true],
				],
	params: 'none',
	shape: kind === 'Max' ? 'maxPool' : 'avgPool',
	checks: [{ arg: 'stride', min: 1, stage: 'call' }],
});

const adaptive = (kind: 'Max' | 'Avg', rank: 1 | 2 | 3): TorchModuleSpec => ({
	name: `Adaptive${kind}Pool${rank}d`,
	...(kind === 'Avg' && rank > 1 ? { globalMeanAnyRank: true } : {}),
	category: 'pooling',
	layout: 'memoryFormat',
	rank,
	args:
		kind === 'Max'
			? [
					['output_size', REQUIRED],
					['return_indices', false],
				]
			: [['output_size', REQUIRED]],
	params: 'none',
	shape: 'adaptivePool',
});

const lpPool = (rank: 1 | 2 | 3): TorchModuleSpec => ({
	name: `LPPool${rank}d`,
	category: 'pooling',
	rank,
	args: [
		['norm_type', REQUIRED],
		['kernel_size', REQUIRED],
		['stride', null],
		['ceil_mode', false],
	],
	params: 'none',
	shape: 'lpPool',
});

/** MaxUnpoolNd: the inverse of a max pool, given the pool's indices (forward(input, indices, output_size=None)). */
const maxUnpool = (rank: 1 | 2 | 3): TorchModuleSpec => ({
	name: `MaxUnpool${rank}d`,
	category: 'pooling',
	rank,
	args: [
		['kernel_size', REQUIRED],
		['stride', null],
		['padding', 0],
	],
	params: 'none',
	shape: 'maxUnpool',
	forwardConfig: [{ arg: 'output_size', position: 2 }],
});

/** The pools, in catalogue order. */
export const poolingModules: TorchModuleSpec[] = [
	pool('Max', 1),
	pool('Max', 2),
	pool('Max', 3),
	pool('Avg', 1),
	pool('Avg', 2),
	pool('Avg', 3),
	adaptive('Avg', 1),
	adaptive('Avg', 2),
	adaptive('Avg', 3),
	adaptive('Max', 1),
	adaptive('Max', 2),
	adaptive('Max', 3),
	lpPool(1),
	lpPool(2),
	lpPool(3),
	maxUnpool(1),
	maxUnpool(2),
	maxUnpool(3),
];

function poolShape(
	spec: TorchModuleSpec,
	cfg: ModuleConfig,
	input: Shape,
	name: string,
	dilated: boolean,
): Shape | null {
	const rank = spec.rank ?? 2;
	const { spatial } = spatialInput(input, rank, name);
	const k = ints(cfg, 'kernel_size', rank);
	const strideV = cfg.get('stride');
	const s = !strideV || strideV.k === 'none' ? k : ints(cfg, 'stride', rank);
	const pad = ints(cfg, 'padding', rank);
	const d = dilated ? ints(cfg, 'dilation', rank) : Array(rank).fill(1);
	const ceil = bool(cfg, 'ceil_mode') ?? false;
	if (!k || !s || !pad || !d) {
		return null;
	}
	if (pad.some((q, i) => q > k[i] / 2)) {
		throw new ShapeError(
			`${name}: padding ${fmt(pad)} must be at most half of the kernel size ${fmt(k)}`,
		);
	}
	if (
		spec.windowFitsInput &&
		spatial.some((a, i) => input[a] !== null && (input[a] as number) < k[i])
	) {
		throw new ShapeError(
			`${name}: the input ${fmt(input)} is smaller than the kernel ${fmt(k)}`,
		);
	}
	const out = [...input];
	spatial.forEach((a, i) => {
		out[a] = convOut(input[a], k[i], s[i], pad[i], d[i], ceil);
	});
	return out;
}

/**
 * MaxUnpool's output (torch.nn.functional._unpool_output_size): per spatial dim (in − 1)·stride +
 * kernel − 2·padding, or `output_size` (its last `rank` sizes; a full size has the batch and channels
 * first), which must lie strictly within one stride of that default. The indices have the input's shape.
 */
function unpoolShape(
	spec: TorchModuleSpec,
	cfg: ModuleConfig,
	[x, indices]: Shape[],
	name: string,
): Shape | null {
	const rank = spec.rank ?? 2;
	const { spatial } = spatialInput(x, rank, name);
	if (
		indices &&
		(indices.length !== x.length ||
			indices.some((d, i) => d !== null && x[i] !== null && d !== x[i]))
	) {
		throw new ShapeError(
			`${name}: the indices ${fmt(indices)} must have the input's shape ${fmt(x)}`,
		);
	}
	const k = ints(cfg, 'kernel_size', rank);
	const strideV = cfg.get('stride');
	const s = !strideV || strideV.k === 'none' ? k : ints(cfg, 'stride', rank);
	const pad = ints(cfg, 'padding', rank);
	if (!k || !s || !pad) {
		return null;
	}
	const dflt = spatial.map((a, i) => {
		const n = x[a];
		return n === null ? null : (n - 1) * s[i] + k[i] - 2 * pad[i];
	});
	const given = cfg.get('output_size');
	let sizes: (number | null)[] = dflt;
	if (given && given.k !== 'none') {
		const items = asSequence(given);
		if (!items) {
			return null;
		}
		const list = (items.length === rank + 2 ? items.slice(2) : items).map(
			(v) => asInt(v) ?? null,
		);
		if (list.length !== rank) {
			throw new ShapeError(
				`${name}: output_size should be a sequence of ${rank} or ${rank + 2} sizes, got ${items.length}`,
			);
		}
		list.forEach((n, i) => {
			const d = dflt[i];
			if (n !== null && d !== null && !(d - s[i] < n && n < d + s[i])) {
				throw new ShapeError(
					`${name}: output_size ${n} must lie between ${d - s[i]} and ${d + s[i]} (exclusive) for dim ${i}`,
				);
			}
		});
		sizes = list;
	}
	if (sizes.some((n) => n !== null && n < 1)) {
		throw new ShapeError(`${name}: the output would be empty ${fmt(sizes)}`);
	}
	const out = [...x];
	spatial.forEach((a, i) => {
		out[a] = sizes[i];
	});
	return out;
}

/** The shape rules the pooling rows name, by name (rules.ts gathers every family's). */
export const poolingShapes = {
	maxPool: (spec, cfg, [x], name) => poolShape(spec, cfg, x, name, true),
	maxUnpool: (spec, cfg, inputs, name) => unpoolShape(spec, cfg, inputs, name),
	avgPool: (spec, cfg, [x], name) => poolShape(spec, cfg, x, name, false),
	// An average pool of x^p without padding (F.lp_pool*d): the same windows.
	lpPool: (spec, cfg, [x], name) =>
		poolShape(spec, new Map([...cfg, ['padding', { k: 'num', v: 0 }]]), x, name, false),
	adaptivePool: (spec, cfg, [x], name) => {
		const rank = spec.rank ?? 2;
		const v = cfg.get('output_size');
		const single = asInt(v);
		const items =
			single !== undefined ? Array(rank).fill({ k: 'num', v: single }) : asSequence(v);
		const global = items?.every((it: Value) => asInt(it) === 1);
		const { spatial } =
			spec.globalMeanAnyRank && global && x.length > rank + 2
				? { spatial: Array.from({ length: rank }, (_, i) => x.length - rank + i) }
				: spatialInput(x, rank, name);
		if (!items || items.length !== rank) {
			return null;
		}
		if (rank === 1 && items[0].k === 'none') {
			throw new ShapeError(`${name}: output_size must be an int for a 1-d pool`);
		}
		const out = [...x];
		spatial.forEach((a, i) => {
			const it = items[i] as Value;
			out[a] = it.k === 'none' ? x[a] : (asInt(it) ?? null);
		});
		return out;
	},
} satisfies Partial<Record<TorchShapeRule, ShapeFn>>;
