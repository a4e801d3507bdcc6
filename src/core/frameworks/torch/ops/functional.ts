// torch.nn.functional (`F.*`) as a name → rule table: shape-keeping ops, ops with a module's rule, conv, pad.
import type { Shape, TextRange } from '../../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../../python/contract';
import { asInt, asSequence, NONE, tuple, Value } from '../../../python/values';
import { opTable } from '../../common/opTable';
import { broadcast } from '../../common/shapes';
import { ShapeError } from '../../common/spec';
import { torchModuleSpec, TorchModuleSpec } from '../catalogue';
import { bindArgs } from '../nn/build';
import { elementwise } from './elementwise';
import { FUNCTIONAL_MULTI, multiTensorValue } from './functionalMore';
import { tensorShapeOf } from './tensorMethodsMore';
import { fmtShape, padRefusal } from './shapes';
import { withPoolIndices } from '../shapeCauses';
import { paramTensor, TorchParam, TorchTensor } from '../objects';
import { torchOutputShape } from '../rules';
import type { TorchSession } from '../session';
import { withFunctionLayout } from './layout';
import { raisedTensor } from '../shapeCauses';

/** F.xxx → the module rule it shares. */
const functionalModules: Record<string, string> = {
	max_pool1d: 'MaxPool1d',
	max_pool2d: 'MaxPool2d',
	max_pool3d: 'MaxPool3d',
	avg_pool1d: 'AvgPool1d',
	avg_pool2d: 'AvgPool2d',
	avg_pool3d: 'AvgPool3d',
	adaptive_avg_pool1d: 'AdaptiveAvgPool1d',
	adaptive_avg_pool2d: 'AdaptiveAvgPool2d',
	adaptive_avg_pool3d: 'AdaptiveAvgPool3d',
	adaptive_max_pool1d: 'AdaptiveMaxPool1d',
	adaptive_max_pool2d: 'AdaptiveMaxPool2d',
	adaptive_max_pool3d: 'AdaptiveMaxPool3d',
	interpolate: 'Upsample',
	upsample: 'Upsample',
	pixel_shuffle: 'PixelShuffle',
	pixel_unshuffle: 'PixelUnshuffle',
};

/** A functional op's output by its module's shape rule; a shape PyTorch refuses is an error and the output unknown. */
export function ruleOutput(
	s: TorchSession,
	spec: TorchModuleSpec,
	cfg: Map<string, Value>,
	input: Shape,
	name: string,
	range: TextRange,
): TorchTensor {
	try {
		return new TorchTensor(torchOutputShape(spec, cfg, [input], `F.${name}`));
	} catch (e) {
		if (!(e instanceof ShapeError)) {
			throw e;
		}
		s.report({
			range,
			severity: 'error',
			code: 'shape-mismatch',
			message: `${e.message}.`,
		});
		return raisedTensor(e.message, range);
	}
}

/** An F.* call as its rule reads it: the input tensor (`t`, when the first argument is one). */
interface FunctionalCall {
	s: TorchSession;
	/** The function as written. */
	name: string;
	args: CallArgs;
	ctx: CallContext;
	t: TorchTensor | undefined;
}

type FunctionalRule = (c: FunctionalCall) => Value;

const unknownTensor = (): Value => ({ k: 'obj', obj: new TorchTensor(null) });

/** A call PyTorch refuses: an error where it is, and a tensor that says PyTorch raises there. */
function refused(c: Pick<FunctionalCall, 's' | 'args' | 'ctx'>, message: string): Value {
	const range = c.ctx.range(c.args.node);
	c.s.report({ range, severity: 'error', code: 'shape-mismatch', message });
	return { k: 'obj', obj: raisedTensor(message, range) };
}

/** The shape-keeping ops: the input's shape, from the same producing module. */
const keepsShape: FunctionalRule = ({ t }) => ({
	k: 'obj',
	obj: new TorchTensor(t?.shape ?? null, t?.producer ?? null),
});

/** The op computes what module `moduleName` does: its shape rule on the arguments bound as the module's (after the input). */
const byModuleRule =
	(moduleName: string): FunctionalRule =>
	({ s, name, args, ctx, t }) => {
		const spec = torchModuleSpec(moduleName);
		if (!spec || !t?.shape) {
			return unknownTensor();
		}
		let rest: CallArgs = { ...args, positional: args.positional.slice(1) };
		if (/^MaxPool/.test(moduleName) && rest.positional.length > 4) {
			// F.max_poolNd takes (…, dilation, ceil_mode, return_indices), the module (…, dilation,
			// return_indices, ceil_mode): the last two by their names.
			const [ceil, indices, ...more] = rest.positional.slice(4);
			if (more.length > 0) {
				return unknownTensor();
			}
			rest = {
				...rest,
				positional: rest.positional.slice(0, 4),
				keywords: new Map([
					...rest.keywords,
					['ceil_mode', ceil],
					...(indices ? ([['return_indices', indices]] as [string, Value][]) : []),
				]),
			};
		}
		const cfg = bindArgs(s, spec, rest, ctx.range(args.node), moduleName);
		const out = ruleOutput(s, spec, cfg, t.shape, name, ctx.range(args.node));
		return withPoolIndices(spec, cfg, { k: 'obj', obj: out }, () => ({
			k: 'obj',
			obj: new TorchTensor(out.shape, null, 'int64'),
		}));
	};

/** F.conv1d / conv2d / conv3d. */
const convolution =
	(rank: 1 | 2 | 3): FunctionalRule =>
	({ s, name, args, ctx, t }) => {
		if (!t?.shape) {
			return unknownTensor();
		}
		// F.conv2d(x, weight, bias, stride, padding, dilation, groups): Conv2d's rule, with the sizes read from the weight.
		const w = args.positional[1] ?? args.keywords.get('weight');
		const wShape =
			w?.k === 'obj' && (w.obj instanceof TorchTensor || w.obj instanceof TorchParam)
				? w.obj.shape
				: null;
		const groups = asInt(
			args.positional[6] ?? args.keywords.get('groups') ?? { k: 'num', v: 1 },
		);
		if (!wShape || wShape.some((d) => d === null) || groups === undefined) {
			return { k: 'obj', obj: new TorchTensor(null) };
		}
		const spec = torchModuleSpec(`Conv${rank}d`) as TorchModuleSpec;
		const ws = wShape as number[];
		const keywords = new Map<string, Value>([
			['in_channels', { k: 'num', v: ws[1] * groups }],
			['out_channels', { k: 'num', v: ws[0] }],
			['kernel_size', tuple(ws.slice(2).map((v) => ({ k: 'num', v }) as Value))],
			['groups', { k: 'num', v: groups }],
		]);
		['stride', 'padding', 'dilation'].forEach((key, i) => {
			const v = args.positional[3 + i] ?? args.keywords.get(key);
			if (v) {
				keywords.set(key, v);
			}
		});
		const cfg = bindArgs(
			s,
			spec,
			{ ...args, positional: [], keywords },
			ctx.range(args.node),
			spec.name,
		);
		return {
			k: 'obj',
			obj: ruleOutput(s, spec, cfg, t.shape, name, ctx.range(args.node)),
		};
	};

/**
 * F.max_unpool1d / 2d / 3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
 * MaxUnpoolNd's rule, the module's arguments after the indices, output_size last.
 */
const maxUnpool =
	(rank: 1 | 2 | 3): FunctionalRule =>
	({ s, name, args, ctx, t }) => {
		const spec = torchModuleSpec(`MaxUnpool${rank}d`);
		if (!spec || !t?.shape) {
			return unknownTensor();
		}
		const keywords = new Map(
			[...args.keywords].filter(([k]) => k !== 'output_size' && k !== 'indices'),
		);
		const cfg = bindArgs(
			s,
			spec,
			{ ...args, positional: args.positional.slice(2, 5), keywords },
			ctx.range(args.node),
			spec.name,
		);
		const size = args.positional[5] ?? args.keywords.get('output_size');
		return {
			k: 'obj',
			obj: ruleOutput(
				s,
				spec,
				size ? new Map([...cfg, ['output_size', size]]) : cfg,
				t.shape,
				name,
				ctx.range(args.node),
			),
		};
	};

/** F.pad(x, pads): pads given from the last dim backwards, (left, right) per dim. */
const pad: FunctionalRule = (c) => {
	const { args, t } = c;
	if (!t?.shape) {
		return unknownTensor();
	}
	// A one-element int64 tensor is an int to PyTorch (`__index__`): milesial's U-Net pads by
	// `torch.tensor([x2.size()[2] - x1.size()[2]]) // 2`.
	const pads = asSequence(args.positional[1])?.map(
		(v) =>
			asInt(v) ??
			(v.k === 'obj' &&
			v.obj instanceof TorchTensor &&
			v.obj.integral &&
			v.obj.values?.length === 1
				? v.obj.values[0]
				: undefined),
	);
	if (pads && pads.every((p) => p !== undefined)) {
		const refusal = padRefusal(
			t.shape,
			pads as number[],
			args.positional[2] ?? args.keywords.get('mode'),
		);
		if (refusal) {
			return refused(c, `F.pad of a tensor of shape ${fmtShape(t.shape)}: ${refusal}.`);
		}
		const s = [...t.shape];
		for (let i = 0; i < pads.length / 2; i++) {
			const axis = s.length - 1 - i;
			const d = s[axis];
			s[axis] = d === null ? null : d + (pads[2 * i] as number) + (pads[2 * i + 1] as number);
		}
		return { k: 'obj', obj: new TorchTensor(s) };
	}
	return unknownTensor();
};

/**
 * F.scaled_dot_product_attention(q, k, v) (PyTorch 2.0): (…, L, E) queries over (…, S, E) keys
 * give (…, L, Ev); the batch dims broadcast. Keys and values of different lengths, or queries and
 * keys of different E, are PyTorch's error.
 */
const scaledDotProductAttention: FunctionalRule = ({ args, ctx, s }) => {
	const shapeOf = (v: Value | undefined) =>
		v?.k === 'obj' && v.obj instanceof TorchTensor ? v.obj.shape : null;
	const [q, k, v] = [0, 1, 2].map((i) =>
		shapeOf(args.positional[i] ?? args.keywords.get(['query', 'key', 'value'][i])),
	);
	if (!q || !k || !v || q.length < 2 || k.length !== q.length || v.length !== q.length) {
		return unknownTensor();
	}
	const clash = (a: number | null, b: number | null) => a !== null && b !== null && a !== b;
	const n = q.length;
	if (clash(q[n - 1], k[n - 1]) || clash(k[n - 2], v[n - 2])) {
		return refused(
			{ s, args, ctx },
			`scaled_dot_product_attention: query ${fmtShape(q)}, key ${fmtShape(k)} and value ${fmtShape(v)} do not fit together.`,
		);
	}
	const batch = broadcast(broadcast(q.slice(0, -2), k.slice(0, -2)) ?? [], v.slice(0, -2));
	return batch && batch.length === n - 2
		? { k: 'obj', obj: new TorchTensor([...batch, q[n - 2], v[n - 1]]) }
		: unknownTensor();
};

/**
 * F.multi_head_attention_forward (what nn.MultiheadAttention runs; CLIP's AttentionPool2d calls it
 * with its own projections): the (L, N, E_out) output, E_out the out_proj_weight's rows, and the
 * attention weights, (N, L, S) averaged over heads, or None with need_weights=False.
 */
const multiHeadAttentionForward: FunctionalRule = ({ args }) => {
	const at = (i: number, name: string) => args.positional[i] ?? args.keywords.get(name);
	const q = tensorShapeOf(at(0, 'query'));
	const k = tensorShapeOf(at(1, 'key'));
	const out = tensorShapeOf(at(11, 'out_proj_weight'));
	const need = at(15, 'need_weights');
	const average = at(23, 'average_attn_weights');
	if (!q || !k || !out || out.length !== 2 || (q.length !== 3 && q.length !== 2)) {
		return tuple([unknownTensor(), unknownTensor()]);
	}
	const output: Value = { k: 'obj', obj: new TorchTensor([...q.slice(0, -1), out[0]]) };
	// No extra key (bias_k, add_zero_attn): S is the keys' length.
	const zeroAttn = at(9, 'add_zero_attn');
	const plain =
		(at(7, 'bias_k') ?? NONE).k === 'none' &&
		(zeroAttn === undefined || (zeroAttn.k === 'bool' && !zeroAttn.v));
	const weights: Value =
		need?.k === 'bool' && !need.v
			? NONE
			: (average === undefined || (average.k === 'bool' && average.v)) && plain
				? {
						k: 'obj',
						obj: new TorchTensor(q.length === 3 ? [q[1], q[0], k[0]] : [q[0], k[0]]),
					}
				: unknownTensor();
	return tuple([output, weights]);
};

/**
 * `F.batch_norm(input, running_mean, running_var, weight, bias, training=False, …)`: with
 * `training=True` (MAML's learner passes it whatever the module's mode) one value per channel is
 * PyTorch's ValueError, in eval mode too.
 */
const batchNorm: FunctionalRule = (c) => {
	const { args, t } = c;
	const training = args.positional[5] ?? args.keywords.get('training');
	const x = t?.shape;
	const values =
		x && x.length >= 2 && x.every((d) => d !== null)
			? (x as number[]).filter((_, i) => i !== 1).reduce((a, b) => a * b, 1)
			: undefined;
	if (training?.k === 'bool' && training.v && x && values === 1) {
		return refused(
			c,
			`F.batch_norm with training=True gets one value per channel ${fmtShape(x)}: PyTorch raises ValueError "Expected more than 1 value per channel when training".`,
		);
	}
	return keepsShape(c);
};

/** The F.* functions of several tensors (functionalMore.ts). */
const multiTensor: FunctionalRule = ({ s, name, args, ctx }) =>
	multiTensorValue(name, 'F.', args, ctx, (d) => s.report(d));

/** Every F.* op NormLens follows, by name; any other gives a tensor of unknown shape. */
const functionalOps = opTable<FunctionalRule>({
	...Object.fromEntries([...FUNCTIONAL_MULTI].map((n) => [n, multiTensor])),
	...Object.fromEntries([...elementwise].map((n) => [n, keepsShape])),
	...Object.fromEntries(
		Object.entries(functionalModules).map(([n, moduleName]) => [n, byModuleRule(moduleName)]),
	),
	batch_norm: batchNorm,
	max_unpool1d: maxUnpool(1),
	max_unpool2d: maxUnpool(2),
	max_unpool3d: maxUnpool(3),
	conv1d: convolution(1),
	conv2d: convolution(2),
	conv3d: convolution(3),
	pad,
	scaled_dot_product_attention: scaledDotProductAttention,
	multi_head_attention_forward: multiHeadAttentionForward,
});

/** `F.<name>(x, …)` by the table. */
export function functional(s: TorchSession, name: string, args: CallArgs, ctx: CallContext): Value {
	// torch.nn.functional names its first parameter `input` throughout (`F.conv2d(input=x, …)`).
	const x = args.positional[0] ?? args.keywords.get('input');
	// A parameter or buffer given as the input (`F.normalize(self.queue, dim=0)`) is a tensor of its shape.
	const t =
		x?.k === 'obj' && x.obj instanceof TorchTensor
			? x.obj
			: x?.k === 'obj' && x.obj instanceof TorchParam && x.obj.shape
				? paramTensor(x.obj)
				: undefined;
	const v = functionalOps.get(name)?.({ s, name, args, ctx, t });
	return v
		? withFunctionLayout(name, `F.${name}`, [...args.positional, ...args.keywords.values()], v)
		: unknownTensor();
}
