// The global name a model is shown under: the variable that holds it when the file has run.
import type { TextRange } from '../../../../protocol/analysis';
import type { TorchModule } from '../objects';

/**
 * The globals bound to models, name by name, and what each model was bound to, in order: a name
 * bound again to something else (a loop's `for m in net.modules():`, which yields net first) gives
 * the model back the name it had before.
 */
export class GlobalNames {
	private readonly holders = new Map<string, TorchModule>();
	private readonly history = new WeakMap<TorchModule, { name: string; at?: TextRange }[]>();

	/** `name` now holds `m` (undefined: something that is no top-level model). */
	bind(name: string, m: TorchModule | undefined, definedAt: TextRange | undefined): void {
		const previous = this.holders.get(name);
		if (previous && previous !== m) {
			this.holders.delete(name);
			const names = (this.history.get(previous) ?? []).filter((b) => b.name !== name);
			this.history.set(previous, names);
			const last = names[names.length - 1];
			if (previous.varName === name && last) {
				[previous.varName, previous.definedAt] = [last.name, last.at ?? previous.definedAt];
			}
		}
		if (!m) {
			return;
		}
		this.holders.set(name, m);
		const names = this.history.get(m) ?? [];
		this.history.set(m, [...names.filter((b) => b.name !== name), { name, at: definedAt }]);
		m.varName ??= name;
		if (!m.createdAtTop) {
			// A model a function builds takes the global it is bound to (`d = make_discriminator()`).
			[m.varName, m.definedAt] = [name, definedAt ?? m.definedAt];
		}
	}
}
