// "Set Example Input…": writes the `# normlens: input (…)` comment a PyTorch model's shapes need.
import * as vscode from 'vscode';
import { exampleInputComment, parseShapeText, suggestExampleInput } from '../core';
import type { Target } from './inspector';

/** A line that already gives the example input (the first one is the one NormLens reads). */
const COMMENT = /^[ \t]*#[ \t]*normlens:[ \t]*input\b.*$/m;

/**
 * "Set Example Input…": PyTorch models that the file never calls have no shapes; a `# normlens:
 * input (…)` comment gives them an input. The shape is asked for (with one suggested from the
 * model's first layer) unless the caller passes it; the comment replaces the file's existing one
 * (in any cell of a notebook) or goes above the model. Returns the shape written.
 */
export async function setExampleInput(t: Target, given: unknown): Promise<number[] | undefined> {
	const model = t.analysis.modelAt(t.pos);
	let shape: number[] | undefined;
	if (Array.isArray(given) && given.every((d) => typeof d === 'number')) {
		const parsed = parseShapeText(given.join(', '));
		shape = Array.isArray(parsed) ? parsed : undefined;
	} else {
		const suggestion = model?.framework === 'torch' ? suggestExampleInput(model) : undefined;
		const text = await vscode.window.showInputBox({
			title: 'NormLens: Example Input',
			prompt: 'The shape of an input to the PyTorch models of this file, batch first. NormLens writes it as a `# normlens: input (…)` comment and follows the models on it.',
			value: suggestion ? `(${suggestion.join(', ')})` : '',
			placeHolder: '(1, 3, 224, 224)',
			validateInput: (v) => {
				const parsed = parseShapeText(v);
				return Array.isArray(parsed) ? undefined : parsed.error;
			},
		});
		const parsed = text === undefined ? undefined : parseShapeText(text);
		shape = Array.isArray(parsed) ? parsed : undefined;
	}
	if (!shape) {
		return undefined;
	}
	const comment = exampleInputComment(shape);
	// In a notebook the comment may be in any cell; the first one is the one that counts.
	const docs = t.analysis.notebook
		? t.analysis.notebook.document
				.getCells()
				.filter((c) => c.kind === vscode.NotebookCellKind.Code)
				.map((c) => c.document)
		: [t.doc];
	const edit = new vscode.WorkspaceEdit();
	const existing = docs
		.map((d) => ({ d, m: COMMENT.exec(d.getText()) }))
		.find((x) => x.m !== null);
	if (existing?.m) {
		const start = existing.d.positionAt(existing.m.index);
		edit.replace(
			existing.d.uri,
			new vscode.Range(start, existing.d.positionAt(existing.m.index + existing.m[0].length)),
			`${/^[ \t]*/.exec(existing.m[0])?.[0] ?? ''}${comment}`,
		);
	} else {
		const at = model ? t.analysis.toDocument(model.range) : undefined;
		const line = at?.start.line ?? 0;
		edit.insert(t.doc.uri, new vscode.Position(line, 0), `${comment}\n`);
	}
	return (await vscode.workspace.applyEdit(edit)) ? shape : undefined;
}
