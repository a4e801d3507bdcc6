// argparse as notebooks and training scripts use it for hyper-parameters: `parser.add_argument(
// '--latent_dim', type=int, default=100)` then `opt = parser.parse_args([])` (or `args=[]`, the
// notebook idiom). With no arguments given, argparse's result is the defaults, converted by `type`
// where a default is a string; `parse_args()` reads the command line, which NormLens does not know.
import type { CallArgs } from './contract';
import {
	asSequence,
	asString,
	Cause,
	causeOf,
	ClassValue,
	firstCause,
	FrameworkObject,
	NONE,
	tuple,
	unknown,
	Value,
} from './values';
import { floatFromText, intFromText } from './literals';
import type { Interpreter } from './interpreter';

interface Argument {
	/** As given (`'-b', '--batch-size'`); a positional argument's name. */
	flags: string[];
	action: string | undefined;
	/** `nargs=` was given: how many values an option takes is then not one (not followed). */
	nargs: boolean;
	dest: string;
	default: Value;
	/** A required option or a positional argument: parse_args([]) exits with an error. */
	required: boolean;
	/** `type=`, applied by argparse to a default given as a string. */
	type: Value | undefined;
}

/** An `argparse.ArgumentParser` the program built, and what it knows of its arguments. */
export class ArgumentParserObject implements FrameworkObject {
	readonly framework = 'python';
	readonly kind = 'argparse';
	readonly args: Argument[] = [];
	/** Something NormLens did not follow was done to the parser (a subparser, a group of its own). */
	lost: Cause | undefined;
	readonly defaults = new Map<string, Value>();
}

const PARSERS = new Set(['argparse.ArgumentParser']);

export function isArgparseConstructor(path: string): boolean {
	return PARSERS.has(path) || path === 'argparse.Namespace' || path === 'types.SimpleNamespace';
}

/**
 * `argparse.ArgumentParser(…)` / `argparse.Namespace(**kw)`, and `types.SimpleNamespace(**kw)`
 * (the same attributes; no `in`, and no positional argument before Python 3.13).
 */
export function argparseConstructor(it: Interpreter, path: string, args: CallArgs): Value {
	if (path === 'types.SimpleNamespace') {
		return args.cause || args.positional.length > 0
			? unknown(
					args.cause ?? {
						reason: '`SimpleNamespace(…)` with a positional argument (a mapping only from Python 3.13)',
						range: it.here(args.node),
					},
				)
			: namespace(it, new Map(args.keywords), false);
	}
	if (path === 'argparse.Namespace') {
		return args.cause ? unknown(args.cause) : namespace(it, new Map(args.keywords));
	}
	return { k: 'obj', obj: new ArgumentParserObject() };
}

/** The classes of the namespaces NormLens made: `'name' in args` asks for one of their attributes. */
const NAMESPACE_CLASSES = new WeakSet<ClassValue>();

/**
 * `'dropout' in args` on an `argparse.Namespace`: argparse's `__contains__` is `key in
 * self.__dict__`. Undefined for a value that is no namespace; unknown where the namespace was given
 * to code NormLens cannot follow (which may have set any attribute).
 */
export function namespaceContains(op: string, key: Value, ns: Value): Value | undefined {
	if (ns.k !== 'instance' || !NAMESPACE_CLASSES.has(ns.inst.cls)) {
		return undefined;
	}
	if (ns.inst.unknownCause) {
		return unknown(ns.inst.unknownCause);
	}
	if (key.k !== 'str') {
		return key.k === 'unknown' ? key : { k: 'bool', v: op === 'not in' };
	}
	const has = ns.inst.attrs.has(key.v);
	return { k: 'bool', v: op === 'in' ? has : !has };
}

function namespace(it: Interpreter, attrs: Map<string, Value>, argparse = true): Value {
	const cls: ClassValue = {
		name: argparse ? 'Namespace' : 'SimpleNamespace',
		node: it.source.tree.topNode,
		bases: [],
		methods: new Map(),
		attrs: new Map(),
	};
	if (argparse) {
		NAMESPACE_CLASSES.add(cls);
	}
	return { k: 'instance', inst: { cls, attrs } };
}

/** A method of a parser: `add_argument`, `set_defaults`, `parse_args`, `parse_known_args`; undefined for a value that is no parser. */
export function argparseMethod(
	it: Interpreter,
	self: Value,
	name: string,
	args: CallArgs,
): Value | undefined {
	if (self.k !== 'obj' || !(self.obj instanceof ArgumentParserObject)) {
		return undefined;
	}
	const p = self.obj;
	const here = (reason: string): Cause => ({ reason, range: it.here(args.node) });
	switch (name) {
		case 'add_argument':
			if (args.cause) {
				p.lost ??= args.cause;
			} else {
				addArgument(p, args, here);
			}
			return NONE;
		case 'set_defaults':
			for (const [k, v] of args.keywords) {
				p.defaults.set(k, v);
			}
			if (args.cause) {
				p.lost ??= args.cause;
			}
			return NONE;
		case 'parse_args':
		case 'parse_known_args': {
			const given = args.positional[0] ?? args.keywords.get('args');
			const items = given && given.k !== 'none' ? asSequence(given) : undefined;
			if (!items) {
				return unknown(
					causeOf(given) ??
						here(
							`\`${it.snippet(args.node)}\` reads the command line, which NormLens does not know (\`parse_args([])\` gives the defaults)`,
						),
				);
			}
			const words = commandLine(p, items, here, name === 'parse_known_args');
			const ns = words instanceof Map ? defaults(it, p, here, words) : unknown(words);
			return name === 'parse_args' || ns.k === 'unknown'
				? ns
				: tuple([ns, { k: 'list', items: [] }]);
		}
		case 'print_help':
		case 'print_usage':
			return NONE;
		default:
			// add_argument_group, add_subparsers, add_mutually_exclusive_group…: not followed.
			p.lost ??= here(`NormLens does not follow \`${it.snippet(args.node)}\``);
			return unknown(p.lost);
	}
}

/** One `add_argument(…)`: its destination, default, requirement and type, as argparse derives them. */
function addArgument(p: ArgumentParserObject, args: CallArgs, here: (r: string) => Cause): void {
	const flags = args.positional.map(asString);
	if (flags.length === 0 || flags.some((f) => f === undefined)) {
		p.lost ??= here('an `add_argument` NormLens cannot read');
		return;
	}
	const names = flags as string[];
	const optional = names.every((n) => n.startsWith('-'));
	const long = names.find((n) => n.startsWith('--')) ?? names[0];
	const action = asString(args.keywords.get('action'));
	const kw = args.keywords;
	const destGiven = kw.get('dest');
	const dest = destGiven
		? asString(destGiven)
		: optional
			? long.replace(/^-+/, '').replace(/-/g, '_')
			: names[0];
	const required =
		!optional || (kw.get('required')?.k === 'bool' && (kw.get('required') as { v: boolean }).v);
	const known =
		action === undefined ||
		['store', 'store_true', 'store_false', 'store_const', 'count', 'append'].includes(action);
	if (dest === undefined || !known || (kw.has('action') && action === undefined)) {
		p.lost ??= here(
			`an \`add_argument\` NormLens does not follow (${kw.has('action') ? 'its action' : 'its dest'})`,
		);
		return;
	}
	const byAction: Value =
		action === 'store_true'
			? { k: 'bool', v: false }
			: action === 'store_false'
				? { k: 'bool', v: true }
				: NONE;
	p.args.push({
		flags: names,
		action,
		nargs: kw.has('nargs'),
		dest,
		default: kw.get('default') ?? byAction,
		required,
		type: kw.get('type'),
	});
}

/** The namespace argparse gives: add_argument's defaults (`type` applied to a string), set_defaults over them, the command line's values over both. */
function defaults(
	it: Interpreter,
	p: ArgumentParserObject,
	here: (r: string) => Cause,
	given: ReadonlyMap<string, Value>,
): Value {
	if (p.lost) {
		return unknown(p.lost);
	}
	const attrs = new Map<string, Value>();
	for (const a of p.args) {
		if (a.required && !given.has(a.dest) && !p.defaults.has(a.dest)) {
			return unknown(
				here(
					`\`${a.dest}\` is required: argparse exits with an error when it is not given`,
				),
			);
		}
		attrs.set(a.dest, converted(a, here));
	}
	// set_defaults over add_argument's defaults; what the command line gives over both.
	for (const [k, v] of [...p.defaults, ...given]) {
		attrs.set(k, v);
	}
	return namespace(it, attrs);
}

/**
 * The values a list of command-line words written out gives (`parse_args(['--nz', '64'])`), by
 * destination: options by their flags (`--lr=0.1` too, and a long flag's unique prefix, as argparse
 * takes it), flags of `store_true` / `store_false`, positional arguments in order; each value
 * converted by the argument's `type`. A cause where argparse would exit, or NormLens does not follow.
 */
function commandLine(
	p: ArgumentParserObject,
	items: readonly Value[],
	here: (r: string) => Cause,
	leftovers: boolean,
): Map<string, Value> | Cause {
	// parse_known_args keeps what it does not recognise: NormLens does not sort those out.
	const exits = (why: string) =>
		here(
			leftovers
				? 'NormLens does not follow what `parse_known_args` leaves over'
				: `argparse exits with an error: ${why}`,
		);
	const words = items.map(asString);
	if (words.some((w) => w === undefined)) {
		return (
			firstCause(items) ??
			here('the command line given to argparse holds a value NormLens cannot read')
		);
	}
	const given = new Map<string, Value>();
	const positional = p.args.filter((a) => !a.flags[0].startsWith('-'));
	for (let i = 0; i < words.length; i++) {
		const word = words[i] as string;
		if (!word.startsWith('-') || /^-\d/.test(word) || word === '-') {
			const a = positional.shift();
			if (!a) {
				return exits(`unrecognized argument '${word}'`);
			}
			if (a.nargs) {
				return here(`NormLens does not follow the values of \`${a.dest}\` (its nargs)`);
			}
			given.set(a.dest, converted({ ...a, default: { k: 'str', v: word } }, here));
			continue;
		}
		const [flag, inline] =
			word.startsWith('--') && word.includes('=')
				? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]
				: [word, undefined];
		const exact = p.args.find((a) => a.flags.includes(flag));
		const prefixed = flag.startsWith('--')
			? p.args.filter((a) => a.flags.some((f) => f.startsWith(flag)))
			: [];
		const a = exact ?? (prefixed.length === 1 ? prefixed[0] : undefined);
		if (!a) {
			return exits(`${prefixed.length > 1 ? 'ambiguous' : 'unrecognized'} option '${flag}'`);
		}
		if (a.action === 'store_true' || a.action === 'store_false') {
			given.set(a.dest, { k: 'bool', v: a.action === 'store_true' });
			continue;
		}
		if (a.nargs || (a.action !== undefined && a.action !== 'store')) {
			return here(`NormLens does not follow the values of \`${flag}\` (its nargs or action)`);
		}
		const text = inline ?? words[++i];
		if (text === undefined) {
			return here(`argparse exits with an error: ${flag} expects one argument`);
		}
		given.set(a.dest, converted({ ...a, default: { k: 'str', v: text } }, here));
	}
	return given;
}

/** argparse applies `type` to a default that is a string (`default='32', type=int` is 32). */
function converted(a: Argument, here: (r: string) => Cause): Value {
	const text = asString(a.default);
	if (text === undefined || !a.type) {
		return a.default;
	}
	const read =
		a.type.k === 'builtin' && a.type.name === 'int'
			? intFromText(text)
			: a.type.k === 'builtin' && a.type.name === 'float'
				? floatFromText(text)
				: a.type.k === 'builtin' && a.type.name === 'str'
					? a.default
					: `NormLens does not apply the \`type\` of \`${a.dest}\` to its default`;
	return typeof read === 'string' ? unknown(here(read)) : read;
}
