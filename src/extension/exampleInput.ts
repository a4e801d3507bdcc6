// "Set Example Input…": writes the `# normlens: input (…)` comment a PyTorch model's shapes need.
import * as vscode from 'vscode';
import { exampleInputComment, parseShapeText, suggestExampleInput } from '../core';
import type { Target } from './inspector';

/** A line that gives an example input (to the model below it, or to those without their own). */
const COMMENT = /^[ \t]*#[ \t]*normlens:[ \t]*input\b.*$/m;

/**
 * "Set Example Input…": PyTorch models that the file never calls have no shapes; a `# normlens:
 * input (…)` comment gives them an input. The shape is asked for (with one suggested from the
 * model's first layer) unless the caller passes it; the comment goes above the model (replacing
 * its own comment there), which it then belongs to; with no model at the cursor, it replaces the
 * file's comment for the models without their own. Returns the shape written.
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
	const edit = new vscode.WorkspaceEdit();
	const at = model ? t.analysis.toDocument(model.range) : undefined;
	if (at) {
		// The model's own comment: one between the code above it and its line (DeclaredInputs).
		let own: vscode.TextLine | undefined;
		for (let line = at.start.line - 1; line >= 0; line--) {
			const text = t.doc.lineAt(line);
			if (COMMENT.test(text.text)) {
				own = text;
				break;
			}
			if (!/^[ \t]*(#.*)?$/.test(text.text)) {
				break;
			}
		}
		if (own) {
			edit.replace(t.doc.uri, own.range, `${/^[ \t]*/.exec(own.text)?.[0] ?? ''}${comment}`);
		} else {
			const indent = /^[ \t]*/.exec(t.doc.lineAt(at.start.line).text)?.[0] ?? '';
			edit.insert(t.doc.uri, new vscode.Position(at.start.line, 0), `${indent}${comment}\n`);
		}
		return (await vscode.workspace.applyEdit(edit)) ? shape : undefined;
	}
	// No model at the cursor: the comment for the models without one of their own (in any cell of
	// a notebook), replaced where the file already has one.
	const docs = t.analysis.notebook
		? t.analysis.notebook.document
				.getCells()
				.filter((c) => c.kind === vscode.NotebookCellKind.Code)
				.map((c) => c.document)
		: [t.doc];
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
		edit.insert(t.doc.uri, new vscode.Position(0, 0), `${comment}\n`);
	}
	return (await vscode.workspace.applyEdit(edit)) ? shape : undefined;
}
