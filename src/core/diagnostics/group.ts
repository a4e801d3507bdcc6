// Findings per call grouped into one diagnostic per source line and cause.
import type { AnalysisDiagnostic } from '../../protocol/analysis';

/**
 * A finding as a runtime makes it: per call of a line. `subject` names what it is about (the layer
 * `res2b_branch2a`) and `saves` what its fix saves, so that the calls of one line can be told as one.
 */
export interface Finding extends AnalysisDiagnostic {
	subject?: string;
	saves?: number;
}

/** Up to this many subjects are named in a grouped message; the rest are counted. */
const NAMED = 4;

/** How a code tells several calls of one line, given the first finding, the calls, the subjects named and what the fixes save together. */
const groupedMessages: Record<
	string,
	(first: Finding, calls: number, subjects: string, saves: number | undefined) => string
> = {
	'redundant-bias': (first, calls, subjects, saves) =>
		`This line runs ${calls} times (${subjects}) and each time its bias is redundant: the BatchNormalization that follows subtracts the batch mean and adds its own β. ${first.fix?.title ?? 'Remove the bias'} once here${saves !== undefined ? ` to save ${saves.toLocaleString('en-US')} parameters in all` : ''}.`,
};

/**
 * One diagnostic per source line and cause: a helper called 12 times (`identity_block`) reports
 * its redundant bias once, with the calls it stands for (`calls`), the layers named, and one fix
 * — the same edit for every call. Findings whose message, fix or severity differ stay apart.
 */
export function groupByLine(findings: readonly Finding[]): AnalysisDiagnostic[] {
	const groups = new Map<string, Finding[]>();
	for (const f of findings) {
		const r = f.range;
		const key = [
			f.code,
			f.severity,
			r.start.line,
			r.start.character,
			r.end.line,
			r.end.character,
			JSON.stringify(f.fix?.edits ?? null),
		].join('|');
		const list = groups.get(key);
		if (list) {
			list.push(f);
		} else {
			groups.set(key, [f]);
		}
	}
	return [...groups.values()].map((list) => {
		const [first] = list;
		const plain: AnalysisDiagnostic = {
			range: first.range,
			severity: first.severity,
			code: first.code,
			message: first.message,
			...(first.fix ? { fix: first.fix } : {}),
		};
		const distinct = new Set(list.map((f) => f.message));
		if (list.length === 1 || distinct.size === 1) {
			return list.length === 1 ? plain : { ...plain, calls: list.length };
		}
		const subjects = list.map((f) => f.subject).filter((s): s is string => s !== undefined);
		const named =
			subjects.length > NAMED
				? `${subjects
						.slice(0, NAMED - 1)
						.map((s) => `\`${s}\``)
						.join(', ')}, … \`${subjects[subjects.length - 1]}\``
				: subjects.map((s) => `\`${s}\``).join(', ');
		const saves = list.every((f) => f.saves !== undefined)
			? list.reduce((sum, f) => sum + (f.saves as number), 0)
			: undefined;
		const tell = groupedMessages[first.code];
		const message = tell
			? tell(first, list.length, named || `${list.length} calls`, saves)
			: `${first.message} (The same in ${list.length - 1} more call${list.length > 2 ? 's' : ''} of this line${named ? `: ${named}` : ''}.)`;
		return { ...plain, message, calls: list.length };
	});
}
