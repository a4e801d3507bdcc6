import {
	analyzePython,
	buildProgram,
	notebookModuleReader,
	parseNotebook,
} from '../../../src/core';
import type { AnalysisResult } from '../../../src/protocol/analysis';

/**
 * A notebook analysed the way the CLI and the extension do, with its stored outputs; `cellOf` gives
 * the notebook cell (its index among all cells) of a line of the program.
 */
export function analyzeNotebook(text: string): {
	result: AnalysisResult;
	cellOf: (line: number) => number;
} {
	const cells = parseNotebook(text).filter((c) => c.kind === 'code');
	const program = buildProgram(cells);
	const result = analyzePython(program.text, {
		readModule: notebookModuleReader(program.files),
		printed: program.outputs,
		cells: program.segments,
	});
	const cellOf = (line: number): number => {
		const seg = program.segments.find(
			(s) => line >= s.startLine && line < s.startLine + s.lineCount,
		);
		return seg ? seg.cell : -1;
	};
	return { result, cellOf };
}
