/** Every command NormLens contributes (ids match package.json). */
export const enum CommandId {
	/** Opens the inspection panel on the model at the cursor. */
	ShowModelSummary = 'normlens.showModelSummary',
	/** Opens the panel on the layer at the cursor. */
	InspectLayerAtCursor = 'normlens.inspectLayerAtCursor',
	/** Runs the normalization layer at the cursor on a seeded sample tensor in the engine pool. */
	RunNormalization = 'normlens.runNormalization',
	/** Batch, layer, instance and group norm on the input of the layer at the cursor, side by side. */
	CompareNormalizations = 'normlens.compareNormalizations',
	/** Simulates K training steps of the normalization layer at the cursor: running statistics, train/eval gap, batch noise. */
	SimulateTraining = 'normlens.simulateTraining',
	/** Chooses a .npy file as the sample tensor of later runs. */
	LoadNpy = 'normlens.loadNpy',
	/** Copies the summary of the model at the cursor as a Markdown table. */
	CopySummaryMarkdown = 'normlens.copySummaryMarkdown',
	/** Saves the file's summary as the JSON contract (`normlens summary --json`). */
	ExportSummaryJson = 'normlens.exportSummaryJson',
	/** Selects the construct behind a `?` (an unknown count's cause) in its file or notebook cell. Arguments: `RevealArgs`, made by NormLens. */
	RevealUnknownCause = 'normlens.revealUnknownCause',
	/** Adds a diagnostic code to normlens.diagnostics.ignore in this workspace (the quick fix "Don't show …"). */
	IgnoreDiagnosticCode = 'normlens.ignoreDiagnosticCode',
	/** Writes a `# normlens: input (…)` comment for the PyTorch models of the file at the cursor (prompting for the shape). */
	SetExampleInput = 'normlens.setExampleInput',
	/** Opens one of the bundled examples (the getting-started walkthrough). */
	OpenExample = 'normlens.openExample',
}
