// `torch.device(…)`: what code reads of it (`device.type`, `device.index`) and passes on (`.to(device)`).
import type { CallArgs } from '../../python/contract';
import { causeOf, FrameworkObject, NONE, num, unknown, Value } from '../../python/values';

/** A device: its type (`"cuda"`, `"cpu"`) and index, as values NormLens holds or not. */
export class TorchDevice implements FrameworkObject {
	readonly framework = 'torch';
	readonly kind = 'device';
	constructor(
		readonly type: Value,
		readonly index: Value,
	) {}
	truth(): boolean {
		return true;
	}
}

/** `torch.device("cuda:0")`, `torch.device("cuda", 1)`, `torch.device(other_device)`. */
export function makeDevice(args: CallArgs): Value {
	const spec = args.positional[0] ?? args.keywords.get('type');
	if (spec?.k === 'obj' && spec.obj instanceof TorchDevice) {
		return spec;
	}
	const index = args.positional[1] ?? args.keywords.get('index') ?? NONE;
	if (spec?.k === 'str') {
		const [type, at] = spec.v.split(':');
		return {
			k: 'obj',
			obj: new TorchDevice(
				{ k: 'str', v: type },
				at !== undefined && /^\d+$/.test(at) ? num(Number(at)) : index,
			),
		};
	}
	// `torch.device("cuda" if torch.cuda.is_available() else "cpu")`: a device, of a type not known.
	const cause = (spec && causeOf(spec)) ?? args.cause;
	return { k: 'obj', obj: new TorchDevice(unknown(cause), unknown(cause)) };
}

/** `device.type` / `device.index`; undefined for anything else. */
export function deviceAttribute(obj: FrameworkObject, name: string): Value | undefined {
	if (!(obj instanceof TorchDevice)) {
		return undefined;
	}
	return name === 'type' ? obj.type : name === 'index' ? obj.index : undefined;
}

/** A `.to(…)` argument that names a device only (`'cuda'`, `None`, a `torch.device`); anything else may be a dtype. */
export const deviceOnly = (v: Value): boolean =>
	v.k === 'str' ||
	v.k === 'none' ||
	(v.k === 'obj' && v.obj instanceof TorchDevice) ||
	(v.k === 'ref' && /^torch\.device$/.test(v.path));
