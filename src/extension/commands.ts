/** Every command NormLens contributes (ids match package.json). */
export const enum CommandId {
	/** Opens the inspection panel on the model at the cursor. */
	ShowModelSummary = 'normlens.showModelSummary',
	/** Opens the panel on the layer at the cursor. */
	InspectLayerAtCursor = 'normlens.inspectLayerAtCursor',
	/** Runs the normalization layer at the cursor on a seeded sample tensor in the engine pool. */
	RunNormalization = 'normlens.runNormalization',
	/** Copies the summary of the model at the cursor as a Markdown table. */
	CopySummaryMarkdown = 'normlens.copySummaryMarkdown',
}
