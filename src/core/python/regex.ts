// Python's `re` where model code uses it to read its own configuration strings (EfficientNet's
// 'r1_k3_s11_e1_i32_o16_se0.25' block strings through `re.split(r'(\d.*)', op)`). Only the part of
// Python's regular expressions whose meaning JavaScript's engine shares is run: ASCII pattern and
// text, no construct the two read differently, no empty match (whose handling differs between
// versions); anything else is unknown, saying so — never a JavaScript answer to a Python question.
import type { CallArgs } from './contract';
import { asInt, asString, firstCause, NONE, unknown, Value } from './values';
import type { Interpreter } from './interpreter';

/** `re`'s flags as Python numbers them (`re.I | re.M`), and the JavaScript flag each one is. */
export const REGEX_FLAGS: ReadonlyMap<string, number> = new Map([
	['re.I', 2],
	['re.IGNORECASE', 2],
	['re.M', 8],
	['re.MULTILINE', 8],
	['re.S', 16],
	['re.DOTALL', 16],
	['re.A', 256],
	['re.ASCII', 256],
]);
const JS_FLAG: ReadonlyMap<number, string> = new Map([
	[2, 'i'],
	[8, 'm'],
	[16, 's'],
	[256, ''],
]);

/** The `re` functions followed, with the position of their `flags` argument. */
const FUNCTIONS: ReadonlyMap<string, number> = new Map([
	['re.split', 3],
	['re.findall', 2],
	['re.sub', 4],
	['re.match', 2],
	['re.search', 2],
	['re.fullmatch', 2],
]);

export function isRegexFunction(path: string): boolean {
	return FUNCTIONS.has(path);
}

/**
 * A Python pattern as a JavaScript RegExp with the same meaning on ASCII text, or a reason why
 * not: named groups are spelt differently; `\A`, `\Z`, inline flags, conditionals, atomic groups
 * and possessive quantifiers are not translated.
 */
function translate(pattern: string, flags: number): RegExp | string {
	if (/\P{ASCII}/u.test(pattern)) {
		return 'its pattern is not ASCII';
	}
	if (/\\[AZ]|\(\?[aiLmsux-]|\(\?\(|\(\?>|[*+?}]\+/.test(pattern)) {
		return 'its pattern uses a construct NormLens does not translate';
	}
	let js = '';
	let rest = flags;
	for (const [bit, f] of JS_FLAG) {
		if (rest & bit) {
			js += f;
			rest &= ~bit;
		}
	}
	if (rest !== 0) {
		return 'it uses a flag NormLens does not follow';
	}
	const source = pattern.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
	try {
		return new RegExp(source, `g${js}`);
	} catch {
		return 'NormLens cannot read its pattern';
	}
}

interface Match {
	readonly index: number;
	readonly end: number;
	readonly text: string;
	/** The groups' texts; undefined where a group took no part (Python's None). */
	readonly groups: (string | undefined)[];
}

/** Every match left to right, or undefined when one is empty (Python's rules for those differ by version). */
function matches(re: RegExp, text: string, count = 0): Match[] | undefined {
	const out: Match[] = [];
	re.lastIndex = 0;
	for (let m = re.exec(text); m; m = re.exec(text)) {
		if (m[0] === '') {
			return undefined;
		}
		out.push({ index: m.index, end: m.index + m[0].length, text: m[0], groups: m.slice(1) });
		if (count > 0 && out.length === count) {
			break;
		}
	}
	return out;
}

const str = (s: string | undefined): Value => (s === undefined ? NONE : { k: 'str', v: s });

/** `re.split`, `re.findall`, `re.sub`, `re.match` / `search` / `fullmatch` as Python computes them. */
export function callRegex(it: Interpreter, path: string, args: CallArgs): Value {
	const name = path.slice(3);
	const param = (i: number, key: string): Value | undefined =>
		args.positional[i] ?? args.keywords.get(key);
	const refuse = (why: string): Value =>
		unknown({
			reason: `NormLens cannot follow \`${it.snippet(args.node)}\`: ${why}`,
			range: it.here(args.node),
		});
	const pattern = param(0, 'pattern');
	const text = param(name === 'sub' ? 2 : 1, 'string');
	const flagsArg = param(FUNCTIONS.get(path) ?? 9, 'flags');
	const given = [pattern, text, flagsArg].filter((v): v is Value => v !== undefined);
	const cause = args.cause ?? firstCause(given);
	if (cause) {
		return unknown(cause);
	}
	const p = asString(pattern);
	const s = asString(text);
	const flags = flagsArg === undefined ? 0 : asInt(flagsArg);
	if (p === undefined || s === undefined || flags === undefined) {
		return refuse('its pattern, text or flags are not values NormLens holds');
	}
	if (/\P{ASCII}/u.test(s)) {
		return refuse('its text is not ASCII');
	}
	if (/\$/.test(p) && s.endsWith('\n')) {
		return refuse("Python's `$` also matches before a final newline");
	}
	const re = translate(p, flags);
	if (typeof re === 'string') {
		return refuse(re);
	}
	switch (name) {
		case 'split': {
			const max = asInt(param(2, 'maxsplit') ?? { k: 'num', v: 0 });
			const found = max === undefined || max < 0 ? undefined : matches(re, s, max);
			if (!found) {
				return refuse('a match may be empty or `maxsplit` is not a number NormLens holds');
			}
			const items: Value[] = [];
			let at = 0;
			for (const m of found) {
				items.push(str(s.slice(at, m.index)), ...m.groups.map(str));
				at = m.end;
			}
			items.push(str(s.slice(at)));
			return { k: 'list', items };
		}
		case 'findall': {
			const found = matches(re, s);
			if (!found) {
				return refuse('a match may be empty');
			}
			return {
				k: 'list',
				items: found.map((m): Value => {
					const groups = m.groups.map((g) => ({ k: 'str', v: g ?? '' }) as const);
					return groups.length === 0
						? { k: 'str', v: m.text }
						: groups.length === 1
							? groups[0]
							: { k: 'tuple', items: groups };
				}),
			};
		}
		case 'sub': {
			const repl = asString(param(1, 'repl'));
			const count = asInt(param(3, 'count') ?? { k: 'num', v: 0 });
			if (repl === undefined || /\\/.test(repl)) {
				return refuse('its replacement is not plain text');
			}
			const found = count === undefined || count < 0 ? undefined : matches(re, s, count);
			if (!found) {
				return refuse('a match may be empty or `count` is not a number NormLens holds');
			}
			let out = '';
			let at = 0;
			for (const m of found) {
				out += s.slice(at, m.index) + repl;
				at = m.end;
			}
			return { k: 'str', v: out + s.slice(at) };
		}
		default: {
			// match / search / fullmatch: whether there is one is known; the Match object is not modelled.
			const anchored = new RegExp(
				name === 'search'
					? re.source
					: name === 'match'
						? `^(?:${re.source})`
						: `^(?:${re.source})$`,
				re.flags.replace('g', '').replace('m', name === 'search' ? 'm' : ''),
			);
			if (name !== 'search' && re.flags.includes('m')) {
				return refuse('`re.M` with an anchored match');
			}
			return anchored.test(s)
				? refuse('it returns a `re.Match` object, which NormLens does not model')
				: NONE;
		}
	}
}
