// A tensor method as a call site runs it: PyTorch's refusals reported where they happen, and a
// `*sizes` NormLens cannot list never read as fewer arguments.
import type { AnalysisDiagnostic, TextRange } from '../../../../protocol/analysis';
import type { CallArgs } from '../../../python/contract';
import type { Value } from '../../../python/values';
import { sameShape } from '../../common/shapes';
import { ShapeError } from '../../common/spec';
import { TorchTensor } from '../objects';
import { lostTensor, raisedTensor } from '../shapeCauses';
import { LayoutUnknown } from './methodLayouts';
import { fmtShape } from './shapes';
import { tensorMethod } from './tensorMethods';

/**
 * tensorMethod, where a rule's ShapeError (sizes PyTorch refuses: `x.view(3, 3)` of 8 values) is
 * reported at the call and gives a tensor whose unknown shape says so.
 */
export function tensorMethodAt(
	t: TorchTensor,
	name: string,
	args: CallArgs,
	range: TextRange,
	report: (d: AnalysisDiagnostic) => void,
	/** The call as the message names it (`torch.reshape(…)`; default `.name(…)`). */
	label = `.${name}(…)`,
): Value {
	try {
		const v = tensorMethod(t, name, args);
		// A `*sizes` NormLens cannot list (`x.view(*shape)`): the rule saw fewer arguments than the
		// call has, so only a result of the receiver's own shape (a cast, a move) is kept.
		return args.cause &&
			!(v.k === 'obj' && v.obj instanceof TorchTensor && sameShape(v.obj.shape, t.shape))
			? { k: 'obj', obj: lostTensor(args.cause) }
			: v;
	} catch (e) {
		if (e instanceof LayoutUnknown) {
			return { k: 'obj', obj: lostTensor({ reason: `\`${label}\`: ${e.message}`, range }) };
		}
		if (!(e instanceof ShapeError)) {
			throw e;
		}
		if (args.cause) {
			return { k: 'obj', obj: lostTensor(args.cause) };
		}
		// The rule's own prefix (`view: …`) would repeat the label.
		const why = e.message.replace(/^\w+: /, '');
		const message = `\`${label}\` of a tensor of shape ${fmtShape(t.shape ?? [])}: ${why}.`;
		report({ range, severity: 'error', code: e.code, message });
		return { k: 'obj', obj: raisedTensor(message, range) };
	}
}
