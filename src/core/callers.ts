// Models a file defines but only other files build: `class Net(nn.Module)` with
// `def __init__(self, classes, width)` in model.py, and `net = Net(10, 64)` in train.py beside it.
import type { AnalysisDiagnostic, TextRange } from '../protocol/analysis';
import { kerasDialect } from './frameworks/keras/dialect';
import { KerasRuntime } from './frameworks/keras/runtime';
import { TorchRuntime } from './frameworks/torch/runtime';
import { defaultLimits, Interpreter, InterpreterLimits } from './python/interpreter';
import { PythonSource } from './python/parse';
import type { Value } from './python/values';

/** A file beside the analysed one that may import it: its name as shown, and its Python text (a notebook's code cells joined). */
export interface CallerFile {
	file: string;
	text: string;
}

/** A plain value a call can carry from one file to another: numbers, strings, booleans, None, and tuples or lists of them. */
function portable(v: Value): boolean {
	switch (v.k) {
		case 'num':
		case 'str':
		case 'bool':
		case 'none':
			return true;
		case 'tuple':
		case 'list':
			return !v.cause && v.items.every(portable);
		default:
			return false;
	}
}

/** The text of `r` in `text` (the end cut first, so that a one-line range keeps its start offset). */
function textAt(text: string, r: TextRange): string {
	const lines = text.split('\n').slice(r.start.line, r.end.line + 1);
	if (lines.length === 0) {
		return '';
	}
	lines[lines.length - 1] = lines[lines.length - 1].slice(0, r.end.character);
	lines[0] = lines[0].slice(r.start.character);
	return lines.join('\n');
}

const plural = (names: string[]) =>
	names.map((n) => `\`${n}\``).join(names.length === 2 ? ' and ' : ', ');

/**
 * Builds each definition of `interpreter`'s file that needs arguments with those a caller beside it
 * passes (`moduleName` is how callers import the file); the first caller that imports and calls
 * it wins. Says in an information, at the definition, where its arguments come from — or, for a
 * model class no caller builds with values NormLens can carry over, why it is not shown.
 */
export function buildFromCallers(
	interpreter: Interpreter,
	moduleName: string | undefined,
	text: string,
	callers: (() => readonly CallerFile[]) | undefined,
	readModule: ((name: string) => string | undefined) | undefined,
	limits: Partial<InterpreterLimits> | undefined,
): AnalysisDiagnostic[] {
	const waiting = interpreter.uncalledDefinitions().filter((d) => d.required.length > 0);
	if (waiting.length === 0) {
		return [];
	}
	const found = new Map<
		string,
		{
			file: string;
			call: string;
			line: number;
			args: { positional: Value[]; keywords: Map<string, Value> };
		}
	>();
	const importsMe = moduleName
		? new RegExp(
				`^[ \\t]*(?:from[ \\t]+${moduleName.replace(/\./g, '\\.')}[ \\t]+import\\b|import[ \\t]+(?:[\\w.]+[ \\t]*,[ \\t]*)*${moduleName.replace(/\./g, '\\.')}\\b)`,
				'm',
			)
		: undefined;
	// The callers share one time budget, the analysis's own: a folder of notebooks that import this
	// file does not multiply the time it takes (those past the budget are not run).
	const budget = { ...defaultLimits, ...limits };
	const deadline = Date.now() + budget.maxMillis;
	const unread: string[] = [];
	for (const caller of importsMe && callers ? callers() : []) {
		const wanted = waiting.filter((d) => !found.has(d.name) && caller.text.includes(d.name));
		if (wanted.length === 0 || !importsMe?.test(caller.text)) {
			continue;
		}
		const left = deadline - Date.now();
		if (left <= 0) {
			unread.push(caller.file);
			continue;
		}
		const source = new PythonSource(caller.text);
		const run = new Interpreter(
			source,
			[new KerasRuntime(kerasDialect(caller.text, [], source.tree)), new TorchRuntime()],
			{ ...budget, maxMillis: left },
			(name) => (name === moduleName ? text : readModule?.(name)),
		);
		run.run();
		const calls = run.moduleCalls.get(moduleName as string);
		for (const d of wanted) {
			const c = calls?.get(d.name);
			if (c) {
				found.set(d.name, {
					file: caller.file,
					call: textAt(caller.text, c.range),
					line: c.range.start.line,
					args: { positional: c.positional, keywords: c.keywords },
				});
			}
		}
	}
	const out: AnalysisDiagnostic[] = [];
	for (const d of waiting) {
		const f = found.get(d.name);
		const isModel = d.value.k === 'class';
		if (f && [...f.args.positional, ...f.args.keywords.values()].every(portable)) {
			interpreter.build(d.name, d.value, f.args);
			out.push({
				range: d.range,
				severity: 'info',
				code: 'built-by-caller',
				message: `\`${d.name}\` needs ${plural(d.required)}: it is shown as ${f.file} builds it (line ${f.line + 1}): \`${f.call}\`.`,
			});
		} else if (f) {
			out.push({
				range: d.range,
				severity: 'info',
				code: 'built-by-caller',
				message: `\`${d.name}\` needs ${plural(d.required)}: ${f.file} builds it (line ${f.line + 1}, \`${f.call}\`) with values NormLens cannot carry over from there, so it is shown in ${f.file}, not here.`,
			});
		} else if (isModel && unread.length > 0) {
			out.push({
				range: d.range,
				severity: 'info',
				code: 'built-by-caller',
				message: `\`${d.name}\` needs ${plural(d.required)} to be built, and NormLens ran out of its time reading the files beside this one that import it before ${unread.join(', ')}, so it is not shown.`,
			});
		} else if (isModel) {
			out.push({
				range: d.range,
				severity: 'info',
				code: 'built-by-caller',
				message: `\`${d.name}\` needs ${plural(d.required)} to be built, and no code here or in a file beside this one that imports it builds it, so it is not shown. A call such as \`${d.name}(…)\` (here, or in a file that imports this one) shows it.`,
			});
		}
	}
	return out;
}
