// How a module registers what it holds (PyTorch's `__setattr__`, containers, add_module), and attribute reads.
import type { CallArgs, CallContext } from '../../../python/contract';
import type { PythonSource } from '../../../python/parse';
import type { TextRange } from '../../../../protocol/analysis';
import {
	asInt,
	asSequence,
	causeOf,
	classChain,
	FrameworkObject,
	NONE,
	tuple,
	unknown,
	Value,
} from '../../../python/values';
import { keyText, nameKey } from '../../../python/dictKeys';
import { torchSubpath } from '../paths';
import { castProofDtype } from '../dtypes';
import { setRequiresGrad, TorchModule, TorchParam, TorchTensor } from '../objects';
import type { TorchSession } from '../session';

/** Convolution arguments that PyTorch stores as a tuple of the convolution's rank. */
const tupleSizes = new Set(['kernel_size', 'stride', 'padding', 'dilation', 'output_padding']);

/** Registers `child` under `name` (a module held by another is not a root). */
export function attach(parent: TorchModule, name: string, child: TorchModule): void {
	parent.children.set(name, child);
	child.attached = true;
}

/**
 * A Sequential's or ModuleList's entries in order, None ones included: PyTorch keeps
 * `ModuleList([None, conv])`'s None under key '0' (HRNet's fuse layers), so the conv is `[1]`.
 */
export function listSlots(m: TorchModule): [string, TorchModule | null][] {
	const none = noneEntries(m);
	if (none.length === 0) {
		return [...m.children];
	}
	const all: [string, TorchModule | null][] = [
		...m.children,
		...none.map((key): [string, null] => [key, null]),
	];
	return all.sort((x, y) => Number(x[0]) - Number(y[0]));
}

/** The key the next module appended to a Sequential or ModuleList gets (its length). */
export function nextListKey(m: TorchModule): string {
	return String(m.children.size + noneEntries(m).length);
}

/** Whether a list container holds None entries (renumbering it is then not followed). */
export function holdsNone(m: TorchModule): boolean {
	return noneEntries(m).length > 0;
}

/** The numbered keys of a list container that hold None (not a name set to None over a module). */
function noneEntries(m: TorchModule): string[] {
	const keys: string[] = [];
	for (const [key, kind] of m.noneSlots) {
		if (kind === 'module' && /^\d+$/.test(key)) {
			keys.push(key);
		}
	}
	return keys;
}

/** A container's children from what it is given: modules in order, a dict's entries, or a list to iterate. */
export function fillContainer(
	s: TorchSession,
	m: TorchModule,
	items: Value[],
	ctx: CallContext,
	args?: CallArgs,
): void {
	if (args?.cause) {
		m.unknownCause ??= args.cause;
		if (m.spec?.container !== 'dict') {
			// `nn.Sequential(*convs())` of an iterable NormLens cannot list: a row of unknown type
			// stands first, so that its forward (and a loop over it) has no shape NormLens would invent.
			holdsUnknown(s, m, unknown(args.cause), '', ctx, args, nextListKey(m));
		}
	}
	const add = (key: string, v: Value) => {
		if (v.k === 'obj' && v.obj instanceof TorchModule) {
			attach(m, key, v.obj);
		} else if (v.k === 'none' && m.spec?.container !== 'dict') {
			// PyTorch keeps a None entry under its key (no module, no weights).
			m.noneSlots.set(key, 'module');
		} else {
			holdsUnknown(
				s,
				m,
				v,
				`element \`${key}\` of this ${m.type} is not a module NormLens can read`,
				ctx,
				args,
				key,
			);
		}
	};
	if (m.spec?.container === 'dict' || (items.length === 1 && items[0].k === 'dict')) {
		const d = items[0];
		const notName =
			d?.k === 'dict' ? [...d.entries.keys()].find((k) => !nameKey(k)) : undefined;
		if (d?.k === 'dict' && !d.cause && notName === undefined) {
			for (const [k, v] of d.entries) {
				add(k, v);
			}
		} else if (notName !== undefined) {
			m.paramsKnown = false;
			m.unknownCause ??= {
				reason: `this ${m.type} is given the key ${keyText(notName)}: PyTorch takes only string keys (TypeError)`,
				range: args ? ctx.range(args.node) : m.range,
			};
		} else if (d) {
			holdsUnknown(
				s,
				m,
				d,
				`NormLens cannot list the modules given to this ${m.type}`,
				ctx,
				args,
			);
		}
		return;
	}
	if (m.spec?.container === 'list' && items[0]) {
		const listed = ctx.iterate(items[0]);
		if (!listed) {
			holdsUnknown(
				s,
				m,
				items[0],
				`NormLens cannot list the modules given to this ${m.type}`,
				ctx,
				args,
				nextListKey(m),
			);
			return;
		}
		listed.forEach((v) => add(nextListKey(m), v));
		return;
	}
	items.forEach((v) => add(nextListKey(m), v));
}

/**
 * `m` holds a value that is not a module NormLens can read: its counts are unknown, for that
 * value's cause if it has one. Given the key it is held under (`seq[1]`), a row of unknown type
 * stands in its place, so that the rows after it keep PyTorch's names and get no input shape.
 */
export function holdsUnknown(
	s: TorchSession,
	m: TorchModule,
	v: Value,
	reason: string,
	ctx: CallContext,
	args: CallArgs | undefined,
	key?: string,
): void {
	if (v.k === 'none') {
		return;
	}
	const cause = causeOf(v) ?? { reason, range: args ? ctx.range(args.node) : m.range };
	m.unknownCause ??= cause;
	if (key !== undefined) {
		const stand = new TorchModule(
			'?',
			undefined,
			new Map(),
			cause.range,
			false,
			false,
			undefined,
		);
		stand.paramsKnown = false;
		stand.unknownCause = cause;
		s.modules.push(stand);
		attach(m, key, stand);
	}
}

/** The kind a module registered a name as (None included), as nn.Module.__setattr__ looks it up. */
function registeredKind(m: TorchModule, name: string): 'param' | 'buffer' | 'module' | undefined {
	return m.params.has(name)
		? 'param'
		: m.children.has(name)
			? 'module'
			: m.buffers.has(name)
				? 'buffer'
				: m.noneSlots.get(name);
}

/** `obj.name = value` on a module (a child or a parameter registers; anything else does not) or a parameter's `requires_grad`. */
/**
 * Drops the weights a catalogue module holds under `name.` (nn.Transformer's `decoder.layers.0…`):
 * the submodule PyTorch registered as `name`, which the assignment replaces. Whether there were any.
 */
function replaceInnerModule(obj: TorchModule, name: string): boolean {
	let found = false;
	for (const table of [obj.params, obj.buffers]) {
		for (const key of [...table.keys()]) {
			if (key.startsWith(`${name}.`)) {
				table.delete(key);
				found = true;
			}
		}
	}
	return found;
}

export function setAttribute(
	s: TorchSession,
	obj: FrameworkObject,
	name: string,
	value: Value,
	range?: TextRange,
): boolean {
	if (obj instanceof TorchParam && name === 'requires_grad') {
		setRequiresGrad(obj, value, () => ({
			reason: '`requires_grad` is set to a value NormLens cannot determine',
			range: range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
		}));
		return true;
	}
	if (obj instanceof TorchTensor && name === 'data') {
		// `y.data = t`: y now holds t's storage, of t's shape (and dtype).
		const t = value.k === 'obj' && value.obj instanceof TorchTensor ? value.obj : undefined;
		obj.written();
		[obj.shape, obj.dtype, obj.layout] = [t?.shape ?? null, t?.dtype, t?.layout];
		obj.shapeCause = t ? t.shapeCause : causeOf(value);
		return true;
	}
	if (obj instanceof TorchParam && name === 'data' && range) {
		// `p.data = t` gives the parameter t's storage, of t's size: the same size counts the same.
		const shape =
			value.k === 'obj' && value.obj instanceof TorchTensor ? value.obj.shape : null;
		if (!shape || !obj.shape || shape.join() !== obj.shape.join()) {
			obj.unknownCause ??= {
				reason: `\`.data\` of a parameter is set to a tensor of ${shape ? `shape (${shape.join(', ')})` : 'a shape NormLens does not know'}, which resizes the parameter: NormLens does not follow it`,
				range,
			};
		}
		return true;
	}
	if (!(obj instanceof TorchModule)) {
		return false;
	}
	if (name === 'training') {
		// A plain attribute of this module only (nn.Module.train() is what sets it on the children).
		obj.training =
			value.k === 'bool'
				? value.v
				: (causeOf(value) ?? {
						reason: '`training` is set to a value NormLens cannot determine',
						range: obj.range,
					});
		return true;
	}
	// nn.Module.__setattr__, in its order: a Parameter registers (and drops that name from the other
	// kinds); on a parameter's name only None is taken; a module registers; any other value set on a
	// name registered as a module or buffer (or as None of that kind) keeps that kind.
	const slot = registeredKind(obj, name);
	if (
		(value.k === 'none' || (value.k === 'obj' && value.obj instanceof TorchModule)) &&
		replaceInnerModule(obj, name)
	) {
		// A catalogue module's own submodule replaced (`self.decoder = nn.Linear(…)` in a subclass of
		// nn.Transformer, pytorch/examples' word_language_model): its weights go with it.
		if (value.k === 'none') {
			obj.noneSlots.set(name, 'module');
			return true;
		}
	}
	if (value.k === 'obj' && value.obj instanceof TorchParam && !value.obj.isBuffer) {
		obj.buffers.delete(name);
		obj.children.delete(name);
		obj.noneSlots.delete(name);
		obj.params.set(name, value.obj);
		return true;
	}
	if (value.k === 'obj' && value.obj instanceof TorchModule && slot !== 'param') {
		obj.params.delete(name);
		obj.buffers.delete(name);
		obj.noneSlots.delete(name);
		attach(obj, name, value.obj);
		return true;
	}
	if (slot && value.k === 'none') {
		// None keeps the name registered as None, which parameters(), buffers() and modules() skip
		// (`self.fc.bias = None` leaves the Linear without a bias). The attribute then reads None
		// (the interpreter keeps it).
		obj.params.delete(name);
		obj.buffers.delete(name);
		obj.children.delete(name);
		obj.noneSlots.set(name, slot);
		return false;
	}
	const tensor =
		value.k === 'obj' &&
		(value.obj instanceof TorchTensor ||
			(value.obj instanceof TorchParam && value.obj.isBuffer))
			? value.obj
			: undefined;
	if (slot === 'buffer' && tensor instanceof TorchParam) {
		// Another buffer read back (`self.c = self.a`): the same tensor, which buffers() yields once.
		obj.noneSlots.delete(name);
		obj.buffers.set(name, tensor);
		return true;
	}
	if (slot === 'buffer' && tensor) {
		// A tensor set on a buffer's name is that buffer from now on (its shape counts).
		const shape =
			tensor.shape && tensor.shape.every((d) => d !== null)
				? (tensor.shape as number[])
				: null;
		const b = new TorchParam(shape, true);
		b.dtype = castProofDtype(tensor.dtype);
		if (!shape) {
			b.unknownCause = (tensor instanceof TorchTensor ? tensor.shapeCause : undefined) ?? {
				reason: `NormLens cannot determine the shape of buffer \`${name}\``,
				range: range ?? obj.range,
			};
		}
		obj.noneSlots.delete(name);
		obj.buffers.set(name, b);
		return true;
	}
	if (slot && value.k !== 'unknown') {
		// PyTorch raises TypeError (a tensor set on a parameter's name, a number on a buffer's…),
		// unless the tensor may be the parameter itself (`self.w = self.w.to(device)`).
		const what = slot === 'param' ? 'parameter' : slot;
		obj.paramsKnown = false;
		obj.unknownCause ??= (tensor instanceof TorchTensor ? tensor.opaque : undefined) ?? {
			reason: `PyTorch raises TypeError here: \`${name}\` is a registered ${what}, and this value is not one (nor None)`,
			range: range ?? obj.range,
		};
		return false;
	}
	if (value.k === 'obj' && value.obj instanceof TorchTensor && value.obj.opaque) {
		// `self.emb = lib.build(weights)`: what a call NormLens cannot read returns may be a module.
		obj.unknownCause ??= value.obj.opaque;
	}
	if (name === 'kernel_size') {
		obj.kernelAttr = value;
	}
	if (obj.spec?.category === 'pooling' && obj.spec.args.some(([n]) => n === name)) {
		// A pool's forward reads its attributes (`encoder[3].return_indices = True` makes it return
		// the indices too; `pool.ceil_mode = True` changes its output): its rule reads them so.
		obj.config.set(name, value);
	}
	noteUnregistered(s, obj, name, value);
	return false;
}

/**
 * `self.blocks = [nn.Linear(…), …]`: PyTorch registers no module held in a plain list, tuple or
 * dict — its parameters are not in `parameters()`, `.to(device)` or the optimizer, and NormLens does
 * not count them either. Said once per attribute, where it is assigned, with the fix.
 */
export function noteUnregistered(
	s: TorchSession,
	obj: TorchModule,
	name: string,
	value: Value,
): void {
	const items =
		value.k === 'list' || value.k === 'tuple'
			? value.items
			: value.k === 'dict'
				? [...value.entries.values()]
				: [];
	const held = items.filter((v) => v.k === 'obj' && v.obj instanceof TorchModule).length;
	const cls = obj.pyClass;
	const source = cls?.source as PythonSource | undefined;
	if (held === 0 || !cls || !source || obj.library || source !== s.mainSource) {
		return;
	}
	const text = source.text.slice(cls.node.from, cls.node.to);
	const at = new RegExp(`self\\.${name}\\s*=`).exec(text);
	if (!at) {
		return;
	}
	const from = cls.node.from + at.index;
	const kind = value.k === 'dict' ? 'dict' : value.k === 'tuple' ? 'tuple' : 'list';
	s.report({
		range: source.rangeOf({ from, to: from + at[0].length - 1 }),
		severity: 'warning',
		code: 'unregistered-modules',
		message: `\`self.${name}\` holds ${held} module${held === 1 ? '' : 's'} in a plain ${kind}: PyTorch does not register ${held === 1 ? 'it' : 'them'}, so ${held === 1 ? 'its' : 'their'} parameters are not in \`parameters()\`, \`.to(device)\` or the optimizer, and are not counted. Use nn.${kind === 'dict' ? 'ModuleDict' : 'ModuleList'}.`,
	});
}

/** What `m.name` reads on a module: a child, a parameter or buffer, a catalogue module's argument, `training`. */
export function moduleAttribute(m: TorchModule, name: string): Value | undefined {
	const child = m.children.get(name);
	if (child) {
		return { k: 'obj', obj: child };
	}
	const param = m.params.get(name) ?? m.buffers.get(name);
	if (param) {
		return { k: 'obj', obj: param };
	}
	if (m.noneSlots.has(name)) {
		// `register_buffer('attn_mask', None)`, `self.bias = None` on a parameter: reads None.
		return NONE;
	}
	if (name === '__class__' && m.spec && !m.pyClass) {
		// `m.__class__.__name__` in weight-init loops: the layer's class, torch.nn's.
		return { k: 'ref', path: `torch.nn.${m.type}` };
	}
	if (m.spec && !m.spec.container && m.config.has(name)) {
		const v = m.config.get(name) as Value;
		// Convolutions keep their sizes as tuples (`self.stride[0]`), as PyTorch's `_pair` makes
		// them: an int repeated to their rank, a list as the tuple of its items.
		const n = asInt(v);
		const items = asSequence(v);
		if (m.spec.category !== 'convolution' || !m.spec.rank || !tupleSizes.has(name)) {
			return v;
		}
		return n !== undefined
			? tuple(Array.from({ length: m.spec.rank }, () => ({ k: 'num', v: n }) as Value))
			: items && v.k === 'list'
				? tuple(items)
				: v;
	}
	if (name === 'training') {
		return typeof m.training === 'boolean'
			? { k: 'bool', v: m.training }
			: { k: 'unknown', cause: m.training };
	}
	if (name === 'hparams' && m.hparams) {
		return m.hparams;
	}
	if (name === '_modules') {
		// The children by name, as `for name in self._modules` and `self._modules['m1']` read them;
		// written through, it is the module's own registry, which NormLens does not follow.
		return {
			k: 'dict',
			entries: new Map([...m.children].map(([k, c]) => [k, { k: 'obj', obj: c } as Value])),
			// A module slot set to None is in `_modules` too, in an order NormLens does not keep.
			...([...m.noneSlots.values()].includes('module')
				? { cause: { reason: 'a module slot of this module is None', range: m.range } }
				: {}),
			editsOwner: {
				obj: m,
				cause: {
					reason: '`_modules` written directly: NormLens follows modules registered by attribute, `add_module` or `register_module`',
					range: m.range,
				},
			},
		};
	}
	return undefined;
}

/** nn.Module's public attributes and methods (PyTorch 1.13's `dir(nn.Module())` without `_` names). */
const MODULE_MEMBERS = new Set(
	(
		'T_destination add_module apply bfloat16 buffers children cpu cuda double dump_patches eval ' +
		'extra_repr float forward get_buffer get_extra_state get_parameter get_submodule half ipu ' +
		'load_state_dict modules named_buffers named_children named_modules named_parameters ' +
		'parameters register_backward_hook register_buffer register_forward_hook ' +
		'register_forward_pre_hook register_full_backward_hook register_load_state_dict_post_hook ' +
		'register_module register_parameter requires_grad_ set_extra_state share_memory state_dict ' +
		'to to_empty train training type xpu zero_grad'
	).split(' '),
);

/** Public nn.Module attributes that later PyTorch versions add: whether a module has one depends on the version. */
const LATER_MODULE_MEMBERS = new Set([
	'call_super_init',
	'compile',
	'mtia',
	'register_full_backward_pre_hook',
	'register_load_state_dict_pre_hook',
	'register_state_dict_post_hook',
	'register_state_dict_pre_hook',
	'set_submodule',
]);

const isModuleBase = (b: Value) => {
	const sub = b.k === 'ref' ? torchSubpath(b.path) : undefined;
	return sub?.area === 'nn' && sub.name === 'Module';
};

/**
 * `hasattr(module, name)` for a name the module's registered children, weights, own attributes and
 * source class lack: nn.Module's own members are there; any other public name is absent from a
 * subclass of nn.Module alone (`hasattr(self, 'shortcut')` where `__init__` made none). Catalogue
 * layers (many attributes NormLens does not model), private names and other bases stay unknown.
 */
export function moduleHasAttr(m: TorchModule, name: string): boolean | undefined {
	if (m.taint || m.spec || name.startsWith('_') || LATER_MODULE_MEMBERS.has(name)) {
		return undefined;
	}
	if (MODULE_MEMBERS.has(name)) {
		return true;
	}
	const chain = classChain(m.pyClass);
	const onlyModule =
		chain.length > 0 &&
		chain.every((c) => c.bases.every((b) => b.k === 'class' || isModuleBase(b)));
	return onlyModule ? false : undefined;
}
