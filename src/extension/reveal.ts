// Revealing an unknown's cause in the editor: the command's arguments, checked, and the selection.
import * as vscode from 'vscode';
import type { CauseTarget } from './analysisService';

/**
 * The arguments of `normlens.revealUnknownCause`: a document URI and a range in it. NormLens makes
 * them (CodeLens, hover links, the panel) and the command checks them again, since a command can be
 * invoked by anyone.
 */
export type RevealArgs = [
	uri: string,
	line: number,
	character: number,
	endLine: number,
	endCharacter: number,
];

/** The command arguments that reveal a cause. */
export function revealArgs(t: CauseTarget): RevealArgs {
	return [
		t.uri.toString(),
		t.range.start.line,
		t.range.start.character,
		t.range.end.line,
		t.range.end.character,
	];
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Arguments as the command receives them, if they have the shape `revealArgs` makes. */
export function parseRevealArgs(args: unknown[]): RevealArgs | undefined {
	const [uri, line, character, endLine, endCharacter] = args;
	return typeof uri === 'string' &&
		isIndex(line) &&
		isIndex(character) &&
		isIndex(endLine) &&
		isIndex(endCharacter)
		? [uri, line, character, endLine, endCharacter]
		: undefined;
}

/**
 * Opens the document (a notebook cell opens in its notebook) and selects the range, centred. Returns
 * what was selected, for the command's caller.
 */
export async function revealRange(
	args: RevealArgs,
	viewColumn?: vscode.ViewColumn,
): Promise<{ uri: string; line: number; character: number } | undefined> {
	const [uri, line, character, endLine, endCharacter] = args;
	const u = vscode.Uri.parse(uri);
	const doc =
		vscode.workspace.textDocuments.find((d) => d.uri.toString() === u.toString()) ??
		(await vscode.workspace.openTextDocument(u));
	const range = doc.validateRange(new vscode.Range(line, character, endLine, endCharacter));
	const editor = await vscode.window.showTextDocument(doc, {
		selection: range,
		viewColumn,
		preserveFocus: false,
	});
	editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
	return { uri: doc.uri.toString(), line: range.start.line, character: range.start.character };
}
