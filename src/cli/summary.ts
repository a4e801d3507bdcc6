// `normlens summary FILE`: the models' tables (or the JSON contract) and the diagnostics.
import * as path from 'path';
import { callsText, locateLine, nestedText, summaryText, toContract } from '../core';
import type { TextRange } from '../protocol/analysis';
import { CliError, usage } from './args';
import { load } from './load';

export function summaryCommand(
	target: string | undefined,
	args: string[],
	json: boolean,
	out: (s: string) => void,
): void {
	if (!target) {
		throw new CliError(usage, 2);
	}
	const loaded = load(target);
	if (json) {
		out(
			JSON.stringify(
				toContract(path.basename(target), loaded.result, loaded.program),
				null,
				2,
			),
		);
		return;
	}
	if (loaded.result.models.length === 0) {
		out(`${target}: no Keras or PyTorch model found.`);
	}
	const program = loaded.program;
	const locate = (r: TextRange): string => {
		const loc = program ? locateLine(program, r.start.line) : undefined;
		// Cells counted from 1 in text, as the editor counts them (the JSON keeps the 0-based index).
		return loc ? `cell ${loc.cell + 1}, line ${loc.cellLine + 1}` : `line ${r.start.line + 1}`;
	};
	const byCall = args.includes('--calls');
	for (const m of loaded.result.models) {
		out(summaryText(m, locate));
		out('');
		// --calls: a PyTorch forward call by call; a Keras model with its nested models expanded.
		const calls = byCall ? (callsText(m, locate) ?? nestedText(m, locate)) : undefined;
		if (calls) {
			out(calls);
			out('');
		}
	}
	const contract = toContract(path.basename(target), loaded.result, loaded.program);
	for (const d of contract.diagnostics) {
		// In a notebook, the cell and the line in it (as the editor numbers them), not the joined program's line.
		const where =
			d.cell !== undefined && d.cellLine !== undefined
				? ` cell ${d.cell + 1}, line ${d.cellLine}:`
				: `${d.line}:`;
		out(`${target}:${where} ${d.severity} [${d.code}] ${d.message}`);
	}
}
