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

/** A summary in Keras 3's layout, as a notebook run on Keras 3 stores it: what tells NormLens the version. */
const KERAS3_TABLE = `Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 0 (0.00 B)
`;

/** `code` as the first cell of a notebook that shows, in a later cell, a summary Keras 3 printed. */
export function analyzeOnKeras3(code: string): AnalysisResult {
	const program = buildProgram([
		{ index: 0, source: code },
		{ index: 1, source: 'pass', outputs: KERAS3_TABLE },
	]);
	return analyzePython(program.text, { printed: program.outputs, cells: program.segments });
}
