// The public entry of NormLens's pure analysis core. The extension, the CLI and the tests import
// only from here; nothing in core may import `vscode` or Node built-ins.
export {
	analyzePython,
	IncrementalAnalyzer,
	layerAt,
	layerOnLine,
	layersOfCall,
	mergeCallDetails,
} from './analyze';
export type { AnalyzeOptions } from './analyze';
export type { CallerFile } from './callers';
export { explainLayer, isNormalization, axisNames, normalizationKinds } from './explain/explain';
export { channelAxisOf, compareNormalizations, comparisonGroups } from './explain/compare';
export type { CompareEntry, CompareFamily, Comparison } from './explain/compare';
export { countingView } from './format/counting';
export type { CountingView } from './format/counting';
export {
	buildProgram,
	locateLine,
	notebookModuleReader,
	parseNotebook,
	NotebookError,
} from './notebook/nbformat';
export type { NotebookCell, NotebookProgram } from './notebook/nbformat';
export type { CellOutput } from './notebook/printedSummary';
export { layerHoverMarkdown, paramsLine } from './format/hoverMarkdown';
export {
	callsText,
	kernelText,
	macsText,
	paramsText,
	percentText,
	torchinfoFooter,
	trainableText,
} from './format/torchinfoText';
export type { FooterLine } from './format/torchinfoText';
export {
	formatBytes,
	formatCount,
	formatShape,
	nestedText,
	summaryMarkdown,
	summaryText,
	unknownReasons,
} from './format/summaryText';
export { lineHint } from './format/lineHint';
export { modelLensTitle } from './format/lensTitle';
export {
	DeclaredInputs,
	declaredInput,
	exampleInputComment,
	parseShapeText,
	suggestExampleInput,
} from './exampleInput';
export {
	briefReason,
	causeLocation,
	codeBlock,
	codeSpan,
	escapeMarkdown,
	reasonMarkdown,
} from './format/unknownText';
export type { CauseLocation } from './format/unknownText';
export { toContract } from './contract';
export type { SummaryContract } from './contract';
export { ADVISORY_CODES, referenceCodeReason } from './diagnostics/advice';
export { DIAGNOSTIC_RULES, diagnosticRule } from './diagnostics/rules';
export type { DiagnosticRule } from './diagnostics/rules';
