// The nn.Module API as a name → rule table (registration, walks, container indexing, apply, forward).
import type { CallArgs, CallContext } from '../../../python/contract';
import {
	asInt,
	asString,
	Cause,
	causeOf,
	NONE,
	tuple,
	unknown,
	UNKNOWN,
	findMethod,
	Value,
} from '../../../python/values';
import { opTable } from '../../common/opTable';
import {
	paramTensor,
	postOrder,
	setRequiresGrad,
	TorchModule,
	TorchParam,
	TorchTensor,
	uniqueParams,
	walk,
} from '../objects';
import type { TorchSession } from '../session';
import { castProofDtype } from '../dtypes';
import { deviceOnly } from '../device';
import { raisesOnUninitialized } from '../ops/tensorWrites';
import { parameterMethod } from './parameterContainers';
import { saveHyperparameters } from './lightning';
import { listingMethods } from './listings';
import { attach, holdsNone, holdsUnknown, listSlots, nextListKey } from './registration';
import { deleteItem, getItem, popItem, updateItems } from './containerItems';
import { hookMethods } from './hooks';

/** A module method's call as its rule reads it. */
export interface ModuleMethodCall {
	/** The method as written (rules shared by several names tell them apart). */
	name: string;
	/** The positional arguments. */
	a: Value[];
	args: CallArgs;
	ctx: CallContext;
	/** The module itself, as a value (what `m.eval()` returns). */
	self: Value;
	s: TorchSession;
	/** A call of a module, recorded in the forward's call tree (forward.ts). */
	callModule(m: TorchModule, args: CallArgs, ctx: CallContext): Value;
}

/** A rule's result; `undefined` leaves the call to the interpreter as one NormLens cannot follow. */
type ModuleMethod = (m: TorchModule, c: ModuleMethodCall) => Value | undefined;

/** `add_module(name, m)` / `register_module(name, m)`: the child under that name. */
const registerModule: ModuleMethod = (m, c) => {
	const { name, a, args, ctx, s } = c;
	const key = asString(a[0]);
	if (key !== undefined && a[1]?.k === 'obj' && a[1].obj instanceof TorchModule) {
		attach(m, key, a[1].obj);
	} else if (a[1]?.k !== 'none') {
		holdsUnknown(
			s,
			m,
			a[1] ?? UNKNOWN,
			key === undefined
				? `NormLens cannot tell the name this ${name} registers`
				: `\`${key}\` is not a module NormLens can read`,
			ctx,
			args,
			key,
		);
	}
	return NONE;
};

/** `eval()`, `train()`, `to(…)`, `cuda()`, casts: the module itself (nothing NormLens counts changes). */
const returnsSelf: ModuleMethod = (_m, { self }) => self;

/**
 * `.half()`, `.double()`, `.bfloat16()`, `.type(…)`, and `.to(…)` with anything but a device: the
 * weights may no longer be float32, so torchinfo's byte sizes become unknown (the module itself is returned).
 */
const castsDtype: ModuleMethod = (m, c) => {
	const { name, a, args, ctx, self } = c;
	if (name === 'to' && args.keywords.size === 0 && a.every(deviceOnly)) {
		return self;
	}
	const cause = {
		reason: `\`.${name}(…)\` may change the dtype of the weights from float32, which NormLens does not follow`,
		range: ctx.range(args.node),
	};
	walk(m).forEach((x) => (x.dtypeCause ??= cause));
	return self;
};

/**
 * PyTorch's checks of a name given to add_module / register_buffer / register_parameter: not
 * empty, no ".", not a name the module holds as another kind (KeyError). The call raises, so the
 * module's counts are unknown, saying so.
 */
const checkedName =
	(kind: 'module' | 'buffer' | 'parameter', rule: ModuleMethod): ModuleMethod =>
	(m, c) => {
		const key = asString(c.a[0]);
		const held =
			key !== undefined &&
			((kind !== 'parameter' && m.params.has(key)) ||
				(kind !== 'buffer' && m.buffers.has(key)) ||
				(kind !== 'module' && m.children.has(key)));
		const why =
			key === ''
				? `${kind} name can't be empty string`
				: key?.includes('.')
					? `${kind} name can't contain ".", got: ${key}`
					: held
						? `attribute '${key}' already exists`
						: undefined;
		if (!why) {
			return rule(m, c);
		}
		m.paramsKnown = false;
		m.unknownCause ??= {
			reason: `PyTorch raises KeyError here: ${why}`,
			range: c.ctx.range(c.args.node),
		};
		return NONE;
	};

/** Every nn.Module method NormLens follows, by name; any other is a call the interpreter cannot follow. */
const moduleMethods = opTable<ModuleMethod>({
	...hookMethods,
	...listingMethods,
	__delitem__: deleteItem,
	add_module: checkedName('module', registerModule),
	register_module: checkedName('module', registerModule),
	register_buffer: checkedName('buffer', (m, c) => {
		const { a, args, ctx, s } = c;
		const key = asString(a[0]);
		const t = a[1] ?? args.keywords.get('tensor');
		const persistent = args.keywords.get('persistent') ?? a[2];
		if (key !== undefined) {
			// Whether `state_dict()` holds it: persistent unless told otherwise.
			const kept =
				persistent === undefined || persistent.k === 'bool'
					? persistent?.v !== false
					: (causeOf(persistent) ?? {
							reason: `NormLens cannot tell whether buffer \`${key}\` is persistent`,
							range: ctx.range(args.node),
						});
			if (kept === true) {
				m.transient.delete(key);
			} else {
				m.transient.set(key, kept === false ? true : kept);
			}
		}
		if (key !== undefined && t?.k === 'obj' && t.obj instanceof TorchTensor) {
			const shape =
				t.obj.shape && t.obj.shape.every((d) => d !== null)
					? (t.obj.shape as number[])
					: null;
			const b = new TorchParam(shape, true);
			b.dtype = castProofDtype(t.obj.dtype);
			if (!shape) {
				// A tensor whose shape was lost says where (shapeCauses.ts).
				b.unknownCause = t.obj.shapeCause ?? {
					reason: `NormLens cannot determine the shape of buffer \`${key}\``,
					range: ctx.range(args.node),
				};
			}
			m.buffers.set(key, b);
			m.noneSlots.delete(key);
		} else if (
			key !== undefined &&
			t?.k === 'obj' &&
			t.obj instanceof TorchParam &&
			t.obj.isBuffer
		) {
			// Another buffer read back (`register_buffer('b', self.a)`): the same tensor, yielded once.
			m.buffers.set(key, t.obj);
			m.noneSlots.delete(key);
		} else if (key !== undefined && t?.k === 'none') {
			// Registered as None: no buffer to count, but a tensor set on the name later is one.
			m.buffers.delete(key);
			m.noneSlots.set(key, 'buffer');
		} else if (key !== undefined && t?.k === 'unknown' && t.cause) {
			// A value NormLens cannot compute (a table built with NumPy): PyTorch takes only a tensor
			// or None here, so it is a buffer of unknown size or none; the parameters are not touched.
			const b = new TorchParam(null, true);
			b.unknownCause = t.cause;
			m.buffers.set(key, b);
			m.noneSlots.delete(key);
		} else if (t?.k !== 'none') {
			holdsUnknown(
				s,
				m,
				t ?? UNKNOWN,
				`NormLens cannot read the buffer this register_buffer adds`,
				ctx,
				args,
			);
		}
		return NONE;
	}),
	register_parameter: checkedName('parameter', (m, c) => {
		const { a, args, ctx, s } = c;
		const key = asString(a[0]);
		if (key !== undefined && a[1]?.k === 'obj' && a[1].obj instanceof TorchParam) {
			m.params.set(key, a[1].obj);
			m.noneSlots.delete(key);
		} else if (key !== undefined && a[1]?.k === 'none') {
			m.params.delete(key);
			m.noneSlots.set(key, 'param');
		} else if (a[1]?.k !== 'none') {
			holdsUnknown(
				s,
				m,
				a[1] ?? UNKNOWN,
				`NormLens cannot read the parameter this register_parameter adds`,
				ctx,
				args,
			);
		}
		return NONE;
	}),
	get_submodule: (m, c) => {
		// `model.get_submodule('layer1.0')`: the module itself (LoRA injection writes into it).
		const target = asString(c.a[0] ?? c.args.keywords.get('target'));
		let at: TorchModule | undefined = m;
		for (const part of target ? target.split('.') : []) {
			at = at?.taint || at?.unknownCause ? undefined : at?.children.get(part);
		}
		return at ? { k: 'obj', obj: at } : undefined;
	},
	state_dict: (m, c) => {
		// PyTorch's order: a module's own parameters, then its persistent buffers, then each child's
		// under its name (a shared child under each). The values are detached tensors of their shapes:
		// changing them (an initialiser) changes no parameter's kind or trainability. Arguments
		// (`keep_vars=True` gives the parameters themselves) are not followed.
		if (c.a.length > 0 || c.args.keywords.size > 0) {
			return undefined;
		}
		const entries = new Map<string, Value>();
		let why: Cause | undefined;
		const visit = (x: TorchModule, prefix: string, depth: number): void => {
			why ??= x.taint;
			if (depth > 64) {
				why ??= {
					reason: 'a module tree NormLens does not walk this deep',
					range: x.range,
				};
				return;
			}
			for (const [name, p] of x.params) {
				entries.set(prefix + name, {
					k: 'obj',
					obj: paramTensor(p),
				});
			}
			for (const [name, b] of x.buffers) {
				const transient = x.transient.get(name);
				why ??= transient === true ? undefined : transient;
				if (transient === undefined) {
					entries.set(prefix + name, {
						k: 'obj',
						obj: paramTensor(b),
					});
				}
			}
			for (const [name, child] of x.children) {
				visit(child, `${prefix}${name}.`, depth + 1);
			}
		};
		visit(m, '', 0);
		return why ? unknown(why) : { k: 'dict', entries };
	},
	named_children: (m) => {
		return {
			k: 'list',
			items: [...m.children].map(([name, c]) =>
				tuple([
					{ k: 'str', v: name },
					{ k: 'obj', obj: c },
				]),
			),
		};
	},
	children: (m) => {
		return {
			k: 'list',
			items: [...m.children.values()].map((c) => ({ k: 'obj', obj: c }) as Value),
		};
	},
	modules: (m) => {
		return { k: 'list', items: walk(m).map((c) => ({ k: 'obj', obj: c }) as Value) };
	},
	requires_grad_: (m, c) => {
		const { a, args, self } = c;
		const flag = a[0] ?? args.keywords.get('requires_grad');
		// Tensor.requires_grad_ on a lazy module's uninitialized parameter raises ValueError in PyTorch.
		const raised = uniqueParams(m).filter((p) =>
			raisesOnUninitialized(p, 'requires_grad_', () => ({
				reason: "PyTorch raises ValueError here: `requires_grad_()` reaches a lazy module's parameter before the module's first call (an UninitializedParameter)",
				range: c.ctx.range(args.node),
			})),
		);
		if (raised.length > 0) {
			return unknown(raised[0].taint);
		}
		uniqueParams(m).forEach((p) =>
			setRequiresGrad(p, flag, () => ({
				reason: '`requires_grad_(…)` gets a flag NormLens cannot determine',
				range: c.ctx.range(args.node),
			})),
		);
		return self;
	},
	// nn.Module.train(mode=True) / eval(): the flag of the module and of every module it holds.
	// PyTorch's eval() is self.train(False): a class's own train() runs (one that freezes its norms).
	eval: (m, c) => trainTree(m, false, c),
	train: (m, c) => {
		const { a, args, ctx, self } = c;
		const mode = a[0] ?? args.keywords.get('mode');
		const flag =
			mode === undefined
				? true
				: mode.k === 'bool'
					? mode.v
					: (causeOf(mode) ?? {
							reason: '`.train(mode)` gets a mode NormLens cannot determine',
							range: ctx.range(args.node),
						});
		if (typeof flag !== 'boolean') {
			walk(m).forEach((x) => (x.training = flag));
			return self;
		}
		m.training = flag;
		m.children.forEach((child) => trainTree(child, flag, c));
		return self;
	},
	to: castsDtype,
	cuda: returnsSelf,
	cpu: returnsSelf,
	float: returnsSelf,
	double: castsDtype,
	half: castsDtype,
	bfloat16: castsDtype,
	type: castsDtype,
	apply: (m, c) => {
		const { a, args, ctx, self } = c;
		// PyTorch's order: every child's subtree first, then the module itself.
		const fn = a[0] ?? args.keywords.get('fn');
		if (!fn) {
			return self;
		}
		for (const x of postOrder(m)) {
			ctx.call(fn, {
				positional: [{ k: 'obj', obj: x }],
				keywords: new Map(),
				node: args.node,
			});
		}
		return self;
	},
	forward: (m, c) => {
		const { args, ctx, callModule } = c;
		return callModule(m, args, ctx);
	},
	append: (m, c) => {
		const { a, args, ctx, self, s } = c;
		if (a[0]?.k === 'obj' && a[0].obj instanceof TorchModule) {
			attach(m, nextListKey(m), a[0].obj);
		} else if (a[0]?.k === 'none' && m.spec?.container === 'list') {
			m.noneSlots.set(nextListKey(m), 'module');
		} else {
			holdsUnknown(
				s,
				m,
				a[0] ?? UNKNOWN,
				`what this append adds is not a module NormLens can read`,
				ctx,
				args,
				nextListKey(m),
			);
		}
		return self;
	},
	// `self.__setattr__('level_%d' % i, subtree)` is setattr(self, …) (kuangliu/pytorch-cifar dla.py).
	__setattr__: (_m, c) => {
		const { a, args, ctx, self } = c;
		return ctx.call(
			{ k: 'builtin', name: 'setattr' },
			{ positional: [self, ...a], keywords: args.keywords, node: args.node },
		);
	},
	save_hyperparameters: saveHyperparameters,
	// `del self.head`: nn.Module.__delattr__ removes a registered module, parameter or buffer; other
	// attributes are left to the interpreter (undefined).
	__delattr__: (m, c) => {
		const name = asString(c.a[0]);
		if (
			name === undefined ||
			m.taint ||
			!(m.children.has(name) || m.params.has(name) || m.buffers.has(name))
		) {
			return undefined;
		}
		m.children.delete(name);
		m.params.delete(name);
		m.buffers.delete(name);
		return NONE;
	},
	// nn.Module.__getattr__ finds only what the module registered: its modules, parameters and buffers.
	__getattr__: (m, c) => {
		const name = asString(c.a[0]);
		const held =
			name === undefined
				? undefined
				: (m.children.get(name) ?? m.params.get(name) ?? m.buffers.get(name));
		return held ? { k: 'obj', obj: held } : undefined;
	},
	insert: (m, c) => {
		// ModuleList.insert(i, module): the modules from i on move up one key (PyTorch takes 0 ≤ i).
		const { a, self } = c;
		const i = asInt(a[0]);
		const n = m.children.size;
		if (
			holdsNone(m) ||
			m.spec?.container !== 'list' ||
			i === undefined ||
			i < 0 ||
			!(a[1]?.k === 'obj' && a[1].obj instanceof TorchModule)
		) {
			return undefined;
		}
		if (i >= n) {
			// PyTorch shifts nothing then and keys the module by i itself ('5' in a list of two).
			attach(m, String(i), a[1].obj);
			return self;
		}
		const kids = [...m.children.values()];
		kids.splice(i, 0, a[1].obj);
		m.children.clear();
		kids.forEach((k, j) => attach(m, String(j), k));
		return self;
	},
	extend: (m, c) => {
		const { a, args, ctx, self, s } = c;
		const items = ctx.iterate(a[0] ?? UNKNOWN);
		if (!items) {
			holdsUnknown(
				s,
				m,
				a[0] ?? UNKNOWN,
				`NormLens cannot list what this extend adds`,
				ctx,
				args,
			);
			return self;
		}
		for (const v of items) {
			if (v.k === 'obj' && v.obj instanceof TorchModule) {
				attach(m, nextListKey(m), v.obj);
			} else if (v.k === 'none' && m.spec?.container === 'list') {
				m.noneSlots.set(nextListKey(m), 'module');
			} else {
				holdsUnknown(
					s,
					m,
					v,
					`what this extend adds is not a module NormLens can read`,
					ctx,
					args,
					nextListKey(m),
				);
			}
		}
		return self;
	},
	__setitem__: (m, c) => {
		const { a } = c;
		// seq[i] = module / md["k"] = module: replaces (or adds) that child.
		const i = asInt(a[0]);
		const key = asString(a[0]);
		const kids = [...m.children.keys()];
		const at =
			key !== undefined
				? key
				: i !== undefined
					? kids[i < 0 ? kids.length + i : i]
					: undefined;
		if (
			!m.spec?.container ||
			at === undefined ||
			!(a[1]?.k === 'obj' && a[1].obj instanceof TorchModule)
		) {
			return undefined;
		}
		const old = m.children.get(at);
		if (old) {
			old.attached = false;
		}
		attach(m, at, a[1].obj);
		return NONE;
	},
	__getitem__: getItem,
	pop: popItem,
	update: updateItems,
	clear: (m) => {
		if (m.spec?.container !== 'dict') {
			return undefined;
		}
		m.children.clear();
		return NONE;
	},
	__iter__: (m) => {
		return {
			k: 'list',
			items: [...(m.spec?.container === 'dict' ? m.children.keys() : [])]
				.map((k) => ({ k: 'str', v: k }) as Value)
				.concat(
					m.spec?.container === 'dict'
						? []
						: listSlots(m).map(([, c]): Value => (c ? { k: 'obj', obj: c } : NONE)),
				),
		};
	},
	items: (m) => {
		return {
			k: 'list',
			items: [...m.children].map(([k, c]) =>
				tuple([
					{ k: 'str', v: k },
					{ k: 'obj', obj: c },
				]),
			),
		};
	},
	keys: (m) => {
		return {
			k: 'list',
			items: [...m.children.keys()].map((k) => ({ k: 'str', v: k }) as Value),
		};
	},
	values: (m) => {
		return {
			k: 'list',
			items: [...m.children.values()].map((c) => ({ k: 'obj', obj: c }) as Value),
		};
	},
});

/**
 * `m.name(…)` on a module: a ParameterList / ParameterDict's own methods first
 * (parameterContainers.ts), then the nn.Module table; `undefined` for a method neither holds.
 */
export function moduleMethod(
	s: TorchSession,
	m: TorchModule,
	name: string,
	args: CallArgs,
	ctx: CallContext,
	callModule: ModuleMethodCall['callModule'],
): Value | undefined {
	const a = args.positional;
	const self: Value = { k: 'obj', obj: m };
	if ((m.type === 'ParameterList' || m.type === 'ParameterDict') && !m.spec) {
		const held = parameterMethod(m, name, args, ctx);
		if (held !== undefined) {
			return held;
		}
	}
	return moduleMethods.get(name)?.(m, { name, a, args, ctx, self, s, callModule });
}

/** `m.train(flag)` as PyTorch runs it on a child: the class's own train() where it has one. */
function trainTree(m: TorchModule, flag: boolean, c: ModuleMethodCall): Value {
	const own = m.pyClass ? findMethod(m.pyClass, 'train') : undefined;
	const self: Value = { k: 'obj', obj: m };
	if (own) {
		const args = {
			positional: [{ k: 'bool', v: flag } as Value],
			keywords: new Map(),
			node: c.args.node,
		};
		c.ctx.callFunction(own.fn, args, self);
		return self;
	}
	m.training = flag;
	m.children.forEach((child) => trainTree(child, flag, c));
	return self;
}
