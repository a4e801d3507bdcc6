// einops on torch tensors: rearrange / reduce / repeat and the einops.layers.torch layers (common/einops.ts).
import type { Shape } from '../../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../../python/contract';
import {
	asInt,
	asSequence,
	asString,
	causeOf,
	tuple,
	unknown,
	UNKNOWN,
	Value,
} from '../../../python/values';
import { einopsShape } from '../../common/einops';
import { einsumShape } from './shapes';
import { tensorShapeOf } from './tensorMethodsMore';
import { createBareModule } from '../nn/build';
import { TorchParam, TorchTensor } from '../objects';
import type { TorchSession } from '../session';

/** The shape an einops pattern gives (src/core/frameworks/common/einops.ts); `null` when unknown. */
export function einopsOutput(
	kind: 'rearrange' | 'reduce' | 'repeat',
	pattern: Value | undefined,
	input: Shape,
	keywords: ReadonlyMap<string, Value>,
): Shape | null {
	const text = asString(pattern);
	const sizes = new Map<string, number>();
	for (const [k, v] of keywords) {
		const n = asInt(v);
		if (n !== undefined && k !== 'pattern' && k !== 'reduction') {
			sizes.set(k, n);
		}
	}
	return text === undefined ? null : (einopsShape(kind, text, input, sizes) ?? null);
}

export type EinopsFunction = 'rearrange' | 'reduce' | 'repeat' | 'pack' | 'unpack' | 'einsum';

/** A call into einops: its functions, its torch layers; undefined for anything else it has. */
export function einopsCall(
	s: TorchSession,
	path: string,
	args: CallArgs,
	ctx: CallContext,
): Value | undefined {
	const fn = /^einops\.(rearrange|reduce|repeat|pack|unpack|einsum)$/.exec(path);
	if (fn) {
		return einopsFunction(fn[1] as EinopsFunction, args, ctx);
	}
	const layer = /^einops\.layers\.torch\.(Rearrange|Reduce)$/.exec(path);
	return layer ? einopsLayer(s, layer[1], args, ctx) : undefined;
}

/** `einops.rearrange(x, pattern, **sizes)` (and reduce, repeat) on a tensor or a parameter; pack, unpack. */
export function einopsFunction(kind: EinopsFunction, args: CallArgs, ctx: CallContext): Value {
	if (kind === 'pack' || kind === 'unpack') {
		return (
			(kind === 'pack' ? einopsPack(args) : einopsUnpack(args)) ??
			unknown(
				args.positional.map(causeOf).find((c) => c !== undefined) ?? {
					reason: `NormLens cannot compute what \`einops.${kind}\` gives here: a shape it does not know, a pattern other than named axes and one \`*\`, or sizes einops refuses (it raises)`,
					range: ctx.range(args.node),
				},
			)
		);
	}
	if (kind === 'einsum') {
		return { k: 'obj', obj: new TorchTensor(einopsEinsum(args)) };
	}
	const x = args.positional[0] ?? args.keywords.get('tensor');
	const shape =
		x?.k === 'obj' && (x.obj instanceof TorchTensor || x.obj instanceof TorchParam)
			? x.obj.shape
			: null;
	return {
		k: 'obj',
		obj: new TorchTensor(
			shape
				? einopsOutput(
						kind,
						args.positional[1] ?? args.keywords.get('pattern'),
						shape,
						args.keywords,
					)
				: null,
			null,
			// Moving and copying elements keeps their dtype (an int64 index table stays one); a reduction's depends on it.
			kind !== 'reduce' &&
				x?.k === 'obj' &&
				(x.obj instanceof TorchTensor || x.obj instanceof TorchParam)
				? x.obj.dtype
				: undefined,
		),
	};
}

/** `einops.layers.torch.Rearrange(pattern)` / `Reduce(…)`: a module without parameters that applies its pattern in forward (forward.ts). */
export function einopsLayer(
	s: TorchSession,
	type: string,
	args: CallArgs,
	ctx: CallContext,
): Value {
	const m = createBareModule(s, type, args, ctx);
	m.config.set('pattern', args.positional[0] ?? args.keywords.get('pattern') ?? UNKNOWN);
	for (const [k, v] of args.keywords) {
		m.config.set(k, v);
	}
	return { k: 'obj', obj: m };
}

/**
 * `einops.pack` / `unpack`'s pattern (`'b * d'`): how many named axes stand before and after its one
 * `*`; undefined for any other pattern (einops raises).
 */
function packAxes(pattern: Value | undefined): { before: number; after: number } | undefined {
	const tokens = asString(pattern)?.trim().split(/\s+/);
	const star = tokens?.indexOf('*') ?? -1;
	if (
		!tokens ||
		star < 0 ||
		tokens.filter((t) => t === '*').length !== 1 ||
		!tokens.every((t) => t === '*' || /^[A-Za-z_][A-Za-z0-9_]*$/.test(t))
	) {
		return undefined;
	}
	return { before: star, after: tokens.length - star - 1 };
}

const tensorShape = (v: Value | undefined): Shape | null =>
	v?.k === 'obj' && (v.obj instanceof TorchTensor || v.obj instanceof TorchParam)
		? v.obj.shape
		: null;

const sizeValue = (d: number | null): Value => (d === null ? UNKNOWN : { k: 'num', v: d });

/**
 * `packed, ps = pack([cls_tokens, x], 'b * d')`: the tensors joined along the axes the `*` stands
 * for (flattened), and each one's sizes there; unknown where a shape is, or einops would raise
 * (the named axes differ, a tensor has too few).
 */
function einopsPack(args: CallArgs): Value | undefined {
	const axes = packAxes(args.positional[1] ?? args.keywords.get('pattern'));
	const items = asSequence(args.positional[0] ?? args.keywords.get('tensors'));
	const shapes = items?.map(tensorShape);
	if (!axes || !shapes || shapes.length === 0 || shapes.some((s) => s === null)) {
		return undefined;
	}
	const known = shapes as Shape[];
	const { before, after } = axes;
	const stars = known.map((s) => s.slice(before, s.length - after));
	const named = (s: Shape) => [...s.slice(0, before), ...s.slice(s.length - after)];
	const first = named(known[0]);
	if (
		known.some((s) => s.length < before + after) ||
		known.some((s) =>
			named(s).some((d, i) => d !== null && first[i] !== null && d !== first[i]),
		)
	) {
		return undefined;
	}
	const products = stars.map((s) =>
		s.some((d) => d === null) ? null : (s as number[]).reduce((a, b) => a * b, 1),
	);
	const total = products.some((p) => p === null)
		? null
		: (products as number[]).reduce((a, b) => a + b, 0);
	const packed: Shape = [...first.slice(0, before), total, ...first.slice(before)];
	return tuple([
		{ k: 'obj', obj: new TorchTensor(packed) },
		{ k: 'list', items: stars.map((s) => tuple(s.map(sizeValue))) },
	]);
}

/** `unpack(x, ps, 'b * d')`: the tensors `pack` joined, each with its sizes from `ps` again. */
function einopsUnpack(args: CallArgs): Value | undefined {
	const axes = packAxes(args.positional[2] ?? args.keywords.get('pattern'));
	const shape = tensorShape(args.positional[0] ?? args.keywords.get('tensor'));
	const ps = asSequence(args.positional[1] ?? args.keywords.get('packed_shapes'))?.map((p) =>
		asSequence(p)?.map((d) =>
			d.k === 'num' && Number.isInteger(d.v) && d.v >= 0 ? d.v : null,
		),
	);
	if (
		!axes ||
		!shape ||
		!ps ||
		ps.some((p) => p === undefined) ||
		shape.length !== axes.before + axes.after + 1
	) {
		return undefined;
	}
	const stars = ps as (number | null)[][];
	const products = stars.map((s) =>
		s.some((d) => d === null) ? null : (s as number[]).reduce((a, b) => a * b, 1),
	);
	const joined = shape[axes.before];
	if (
		joined !== null &&
		products.every((p) => p !== null) &&
		(products as number[]).reduce((a, b) => a + b, 0) !== joined
	) {
		// einops raises: the sizes do not add up to the packed axis.
		return undefined;
	}
	return {
		k: 'list',
		items: stars.map((s): Value => ({
			k: 'obj',
			obj: new TorchTensor([
				...shape.slice(0, axes.before),
				...s,
				...shape.slice(axes.before + 1),
			]),
		})),
	};
}

/**
 * `einops.einsum(x, y, "b d n, b n -> b d")` (mamba-minimal's selective scan): the pattern last,
 * axes named by words; it is torch.einsum's equation with a letter for each name. Null where
 * NormLens cannot tell (an ellipsis, a group, a shape it does not know).
 */
function einopsEinsum(args: CallArgs): Shape | null {
	const pattern = asString(args.positional[args.positional.length - 1]);
	const operands = args.positional.slice(0, -1).map((v) => tensorShapeOf(v) ?? null);
	if (!pattern || !pattern.includes('->') || /[.()]/.test(pattern) || args.keywords.size > 0) {
		return null;
	}
	const letters = new Map<string, string>();
	const side = (text: string) =>
		text
			.trim()
			.split(/\s+/)
			.filter((w) => w.length > 0)
			.map((w) => {
				if (!letters.has(w)) {
					letters.set(w, String.fromCharCode(97 + (letters.size % 26)));
				}
				return letters.get(w) as string;
			})
			.join('');
	const [lhs, rhs] = pattern.split('->');
	const equation = `${lhs.split(',').map(side).join(',')}->${side(rhs)}`;
	return letters.size <= 26 && operands.every((o): o is Shape => o !== null)
		? einsumShape(equation, operands)
		: null;
}
