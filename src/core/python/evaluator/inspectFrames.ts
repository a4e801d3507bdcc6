// `inspect.currentframe()` and `inspect.getargvalues(frame)` over the source methods running now.
import type { CallArgs, MethodEntry } from '../contract';
import type { Interpreter } from '../interpreter';
import { ClassValue, Instance, NONE, unknown, Value } from '../values';

/** Each frame value NormLens made, with the method frame it stands for. */
const frames = new WeakMap<Instance, MethodEntry>();

/**
 * `inspect.currentframe()`, `inspect.getargvalues(frame)`: d2l's `save_hyperparameters` reads its
 * caller's arguments this way (`frame.f_back`, then its locals) and sets each as an attribute.
 * NormLens follows the frames of source methods called one from the next; any other frame (the
 * module's, a plain function's between two methods) is unknown, saying so.
 */
export function inspectCall(it: Interpreter, path: string, args: CallArgs): Value | undefined {
	if (path === 'inspect.currentframe') {
		return currentFrame(it, args);
	}
	if (path === 'inspect.getargvalues') {
		const frame = args.positional[0];
		const entry = frame?.k === 'instance' ? frames.get(frame.inst) : undefined;
		if (frame?.k === 'unknown' && frame.cause) {
			// A frame NormLens does not follow: its arguments are unknown for that reason.
			return unknown(frame.cause);
		}
		if (!frame || !entry) {
			return undefined;
		}
		const param = (star: '*' | '**'): Value => {
			const p = entry.def.params.find((x) => x.star === star);
			return p ? { k: 'str', v: p.name } : NONE;
		};
		return {
			k: 'tuple',
			items: [
				{
					k: 'list',
					items: entry.def.params
						.filter((p) => !p.star)
						.map((p): Value => ({ k: 'str', v: p.name })),
				},
				param('*'),
				param('**'),
				{ k: 'dict', entries: entry.locals() },
			],
			fields: ['args', 'varargs', 'keywords', 'locals'],
		};
	}
	return undefined;
}

function currentFrame(it: Interpreter, args: CallArgs): Value {
	const stack = it.methodStack;
	const range = it.here(args.node);
	if (stack.length === 0 || stack[stack.length - 1].depth !== it.depth) {
		return unknown({
			reason: '`inspect.currentframe()` here is not in a method of the source: NormLens follows the frames of those only',
			range,
		});
	}
	const cls: ClassValue = {
		name: 'frame',
		node: args.node,
		bases: [],
		methods: new Map(),
		attrs: new Map(),
	};
	let back: Value = unknown({
		reason: 'the frame that called this method is not a method of the source, which NormLens does not follow',
		range,
	});
	stack.forEach((e, i) => {
		const direct = i > 0 && stack[i - 1].depth === e.depth - 1;
		const inst: Instance = {
			cls,
			attrs: new Map<string, Value>([
				['f_locals', { k: 'dict', entries: e.locals() }],
				[
					'f_back',
					direct
						? back
						: unknown({
								reason: 'the frame that called this method is not a method of the source, which NormLens does not follow',
								range,
							}),
				],
			]),
		};
		frames.set(inst, e);
		back = { k: 'instance', inst };
	});
	return back;
}
