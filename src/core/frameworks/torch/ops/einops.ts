// einops on torch tensors: rearrange / reduce / repeat and the einops.layers.torch layers (common/einops.ts).
import type { Shape } from '../../../../protocol/analysis';
import type { CallArgs, CallContext } from '../../../python/contract';
import { asInt, asString, UNKNOWN, Value } from '../../../python/values';
import { einopsShape } from '../../common/einops';
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

/** `einops.rearrange(x, pattern, **sizes)` (and reduce, repeat) on a tensor or a parameter. */
export function einopsFunction(kind: 'rearrange' | 'reduce' | 'repeat', args: CallArgs): Value {
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
