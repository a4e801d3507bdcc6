// Reading a source file or notebook into an analysis, and finding the normalization layer on FILE:LINE.
import * as path from 'path';
import {
	analyzePython,
	buildProgram,
	explainLayer,
	isNormalization,
	layerOnLine,
	notebookModuleReader,
	NotebookError,
	NotebookProgram,
	parseNotebook,
} from '../core';
import { localCallers, localModuleReader } from '../host/localModules';
import { readTextFile, UserFileError } from '../engine/userFiles';
import type { AnalysisResult, LayerExplanation } from '../protocol/analysis';
import { CliError, parseTarget } from './args';

/**
 * The CLI's bounds. The editor stops an analysis after 1.5 s of wall-clock time so that typing stays
 * responsive; a batch run has no one waiting on each keystroke, and a wall-clock bound would make
 * its answer depend on how busy the machine is (a notebook whose data-generating loops take 1.6 s
 * under load would list no model at all). The CLI keeps the deterministic step bound and allows a
 * minute before giving up.
 */
const CLI_LIMITS = { maxMillis: 60_000 };

export interface Loaded {
	file: string;
	result: AnalysisResult;
	program?: NotebookProgram;
}

/** FILE read (bounded) and analysed; a notebook is parsed and its code cells joined into one program. */
export function load(file: string): Loaded {
	let text: string;
	try {
		// A regular file of at most MAX_SOURCE_BYTES, checked before it is read (src/engine/userFiles.ts).
		text = readTextFile(file);
	} catch (e) {
		throw new CliError(
			e instanceof UserFileError ? e.message : `Cannot read ${file}: ${(e as Error).message}`,
		);
	}
	if (file.endsWith('.ipynb')) {
		try {
			const cells = parseNotebook(text).filter((c) => c.kind === 'code');
			const program = buildProgram(cells);
			return {
				file,
				result: analyzePython(program.text, {
					readModule: notebookModuleReader(
						program.files,
						localModuleReader(path.dirname(path.resolve(file))),
					),
					printed: program.outputs,
					cells: program.segments,
					limits: CLI_LIMITS,
				}),
				program,
			};
		} catch (e) {
			if (e instanceof NotebookError) {
				throw new CliError(`${file}: ${e.message}`);
			}
			throw e;
		}
	}
	const dir = path.dirname(path.resolve(file));
	const base = path.basename(file);
	// A model class that needs arguments is built as the files beside it call it.
	const callers = base.endsWith('.py')
		? { moduleName: base.slice(0, -3), callers: localCallers(dir, base) }
		: {};
	return {
		file,
		result: analyzePython(text, {
			readModule: localModuleReader(dir),
			...callers,
			limits: CLI_LIMITS,
		}),
	};
}

/** The normalization layer built on FILE:LINE (the command's target), explained. */
export function layerAt(target: string | undefined): LayerExplanation {
	const t = parseTarget(target);
	return explanationAt(load(t.file), t.line);
}

export function explanationAt(loaded: Loaded, line: number): LayerExplanation {
	const hit = layerOnLine(loaded.result, line - 1, isNormalization);
	if (!hit) {
		throw new CliError(`${loaded.file}:${line}: no layer is constructed on this line.`);
	}
	const e = explainLayer(hit.layer);
	if (!e) {
		throw new CliError(
			`${loaded.file}:${line}: ${hit.layer.type} \`${hit.layer.name}\` is not a normalization layer NormLens explains (BatchNorm, LayerNorm, GroupNorm, InstanceNorm, RMSNorm).`,
		);
	}
	return e;
}
