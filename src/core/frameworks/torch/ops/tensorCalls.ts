// A method call on a tensor or a parameter: its shape rule, its data flow, and what it writes.
import type { CallArgs, CallContext } from '../../../python/interpreter';
import { causeOf, UNKNOWN } from '../../../python/values';
import type { Value } from '../../../python/values';
import { opTable } from '../../common/opTable';
import { sourcesOf } from '../flow';
import type { ForwardTracer } from '../forward';
import { TorchParam, TorchTensor } from '../objects';
import type { TorchSession } from '../session';
import { raisedTypeError, torchKeywords } from './numpyNames';
import { explainShapes, opShapeCause } from '../shapeCauses';
import { indexTensor } from './indexing';
import { tensorMethodAt } from './tensorMethodAt';
import { paramMethod } from './tensorOperators';
import { noteViews, valueRead, writesInPlace } from './tensorWrites';

/** In-place tensor methods that change their receiver's shape, by the method that computes the new shape. */
const reshapingInPlace = opTable<string>({
	unsqueeze_: 'unsqueeze',
	squeeze_: 'squeeze',
	t_: 't',
	transpose_: 'transpose',
	swapdims_: 'transpose',
	swapaxes_: 'transpose',
	resize_: 'new_empty',
	set_: 'set_',
	// No rule of that name: the receiver's shape becomes unknown.
	resize_as_: 'resize_as_?',
	as_strided_: 'as_strided_?',
});

/**
 * `x.name(…)` on a tensor or a parameter: the result by the method's shape rule (an unknown shape
 * with its cause, shapeCauses.ts), recorded in the forward's data flow; an in-place method changes
 * the receiver (its values, its shape for `x.unsqueeze_(1)`, its provenance for `x.add_(y)`).
 */
export function tensorCall(
	s: TorchSession,
	forward: ForwardTracer,
	obj: TorchTensor | TorchParam,
	name: string,
	given: CallArgs,
	ctx: CallContext,
): Value {
	const args = torchKeywords(name, given);
	if (typeof args === 'string') {
		return raisedTypeError(args, ctx.range(given.node), (d) => s.report(d));
	}
	if (obj instanceof TorchTensor && writesInPlace(name)) {
		obj.written();
	}
	const reshaping = obj instanceof TorchTensor ? reshapingInPlace.get(name) : undefined;
	const v =
		explainShapes(
			name === '__getitem__'
				? indexTensor(s, obj, args, ctx)
				: obj instanceof TorchTensor
					? valueRead(
							name,
							tensorMethodAt(
								obj,
								reshaping ?? name,
								args,
								ctx.range(args.node),
								(d) => s.report(d),
							),
							() => ctx.range(args.node),
						)
					: paramMethod(
							obj,
							name,
							args,
							(t) =>
								tensorMethodAt(t, name, args, ctx.range(args.node), (d) =>
									s.report(d),
								),
							ctx.range(args.node),
						),
			[{ k: 'obj', obj }, ...args.positional, ...args.keywords.values()],
			opShapeCause(name === '__getitem__' ? 'x[…]' : `.${name}(…)`, ctx.range(args.node)),
		) ?? UNKNOWN;
	if (obj instanceof TorchTensor && reshaping) {
		// `x.unsqueeze_(1)` reshapes x itself (what its out-of-place twin computes) and returns x.
		obj.shape = v.k === 'obj' && v.obj instanceof TorchTensor ? v.obj.shape : null;
		obj.layout = v.k === 'obj' && v.obj instanceof TorchTensor ? v.obj.layout : undefined;
		obj.shapeCause =
			v.k === 'obj' && v.obj instanceof TorchTensor ? v.obj.shapeCause : causeOf(v);
		const self: Value = { k: 'obj', obj };
		forward.op(name, ctx.range(args.node), sourcesOf([self], false), self);
		return self;
	}
	if (obj instanceof TorchTensor && name === '__getitem__') {
		noteViews(v, [{ k: 'obj', obj }]);
	}
	const self: Value[] = obj instanceof TorchTensor ? [{ k: 'obj', obj }] : [];
	forward.op(
		name === '__getitem__' ? 'getitem' : name,
		ctx.range(args.node),
		sourcesOf([...self, ...args.positional, ...args.keywords.values()], false),
		v,
	);
	// An in-place method (`x.add_(y)`) changes the receiver: it now comes from where the result does.
	if (obj instanceof TorchTensor && /^[a-z].*[^_]_$/.test(name) && v.k === 'obj') {
		obj.flow = v.obj instanceof TorchTensor ? v.obj.flow : obj.flow;
	}
	return v;
}
