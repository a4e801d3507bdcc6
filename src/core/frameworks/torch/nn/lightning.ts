// Lightning's LightningModule beyond nn.Module: `save_hyperparameters()` and `self.hparams`.
import type { CallContext } from '../../../python/contract';
import { asSequence, asString, NONE, Value } from '../../../python/values';
import { TorchModule } from '../objects';
import type { ModuleMethodCall } from './methods';

// Lightning's `self.save_hyperparameters()`: the arguments of the `__init__` frames around the call
// (lightningInitArgs), all or those named, less `ignore=`; or a dict given. `self.hparams` is
// updated with them, as Lightning's `_set_hparams` does (a second call adds to the first).
export const saveHyperparameters = (m: TorchModule, c: ModuleMethodCall): Value | undefined => {
	if (!m.lightning) {
		return undefined;
	}
	const { a, args, ctx } = c;
	const unknownHparams = () => {
		m.hparams = undefined;
		return NONE;
	};
	if (args.keywords.has('frame')) {
		return unknownHparams();
	}
	let saved: Map<string, Value>;
	if (a.length === 1 && a[0].k === 'dict') {
		if (a[0].cause) {
			return unknownHparams();
		}
		// An empty container saves nothing (Lightning returns at once).
		if (a[0].entries.size === 0) {
			return NONE;
		}
		saved = new Map(a[0].entries);
	} else {
		const named = a.map(asString);
		const init = lightningInitArgs(ctx);
		if (named.some((n) => n === undefined) || !init) {
			return unknownHparams();
		}
		const ignore = args.keywords.get('ignore');
		const ignored = new Set(
			(ignore?.k === 'str' ? [ignore] : (asSequence(ignore ?? NONE) ?? [])).map(asString),
		);
		const kept = [...init].filter(([k]) => !ignored.has(k));
		// A name that is not an argument is Lightning's KeyError: no hyperparameters to read.
		if (named.some((n) => !kept.some(([k]) => k === n))) {
			return unknownHparams();
		}
		saved = new Map(kept.filter(([k]) => named.length === 0 || named.includes(k)));
	}
	const held = m.hparams?.k === 'instance' ? m.hparams.inst.attrs : undefined;
	m.hparams = {
		k: 'instance',
		inst: {
			cls: {
				name: 'AttributeDict',
				node: args.node,
				bases: [],
				methods: new Map(),
				attrs: new Map(),
			},
			attrs: new Map([...(held ?? []), ...saved]),
		},
	};
	return NONE;
};

/**
 * The `__init__` arguments Lightning's save_hyperparameters() collects (utilities/parsing.py
 * collect_init_args): from the caller outwards, frames without a `__class__` cell (no `super()` in
 * them) are passed over until one with it whose `self` is a LightningModule; from there each such
 * frame in a row gives its arguments as they are now, and outer frames override inner ones (a
 * subclass's `__init__(width)` that calls `super().__init__(width * 2)` saves its own `width`).
 * Undefined where NormLens cannot see the frames as Python does, or such a frame is another method
 * than `__init__` (Lightning reads that class's `__init__` signature from its locals).
 */
function lightningInitArgs(ctx: CallContext): Map<string, Value> | undefined {
	const frames = ctx.methodFrames();
	if (!frames) {
		return undefined;
	}
	const collected: Map<string, Value>[] = [];
	for (let i = 0; i < frames.length; i++) {
		const f = frames[i];
		const inside = collected.length > 0;
		// A plain function's frame between two methods has no `__class__`: it ends the row.
		if (inside && !frames[i - 1].calledFromNext) {
			break;
		}
		const lightningSelf =
			f.self.k === 'obj' && f.self.obj instanceof TorchModule && f.self.obj.lightning;
		if (f.hasClassCell && lightningSelf) {
			if (f.name !== '__init__') {
				return undefined;
			}
			const own = f.args();
			// Lightning leaves out these names besides self, *args and **kwargs.
			own.delete('frame');
			own.delete('frame_args');
			collected.push(own);
		} else if (inside) {
			break;
		}
	}
	const merged = new Map<string, Value>();
	collected.forEach((own) => own.forEach((v, k) => merged.set(k, v)));
	return merged;
}
