import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';

/** Repository root, from out/test/integration at run time. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export interface NormLensApi {
	lastPanelRender(
		kind?: string,
	): { kind: string; text: string; formulas: number; charts: number } | undefined;
	nextPanelRender(
		kind: string,
	): Promise<{ kind: string; text: string; formulas: number; charts: number }>;
	panelMessage(m: unknown): Promise<void>;
}

/** A version-1 .npy file of float32 values (C order), written here so the test needs no NumPy. */
export function npyBytes(shape: number[], values: Float32Array): Buffer {
	let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
	header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
	const head = Buffer.alloc(10);
	Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
	head.writeUInt16LE(header.length, 8);
	return Buffer.concat([
		head,
		Buffer.from(header, 'latin1'),
		Buffer.from(values.buffer, values.byteOffset, values.byteLength),
	]);
}

export async function activate(): Promise<NormLensApi> {
	const ext = vscode.extensions.getExtension<NormLensApi | undefined>('normlens.normlens');
	assert.ok(ext, 'the NormLens extension is loaded in this extension host');
	const api = await ext.activate();
	assert.ok(api, 'the extension exports its test API (ExtensionMode.Test)');
	return api;
}

/** Hover text at the first occurrence of `needle` (optionally the n-th) in the document. */
export async function hoverText(
	doc: vscode.TextDocument,
	needle: string,
	nth = 0,
): Promise<string> {
	const pos = positionOf(doc, needle, nth);
	const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
		'vscode.executeHoverProvider',
		doc.uri,
		pos,
	);
	return hovers
		.flatMap((h) => h.contents)
		.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
		.join('\n');
}

export function positionOf(doc: vscode.TextDocument, needle: string, nth = 0): vscode.Position {
	const text = doc.getText();
	let at = -1;
	for (let i = 0; i <= nth; i++) {
		at = text.indexOf(needle, at + 1);
		assert.ok(at >= 0, `"${needle}" #${i} is in ${doc.uri.toString()}`);
	}
	return doc.positionAt(at + 1);
}

/** Polls VS Code's own command until `accept` holds (providers answer after activation). */
export async function until<T>(
	fetch: () => Thenable<T>,
	accept: (t: T) => boolean,
	what: string,
	timeoutMs = 15_000,
): Promise<T> {
	const end = Date.now() + timeoutMs;
	let last: T = await fetch();
	while (!accept(last)) {
		if (Date.now() > end) {
			assert.fail(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
		}
		await new Promise((r) => setTimeout(r, 100));
		last = await fetch();
	}
	return last;
}

export async function codeLensTitles(doc: vscode.TextDocument): Promise<string[]> {
	const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
		'vscode.executeCodeLensProvider',
		doc.uri,
		100,
	);
	return lenses.map((l) => l.command?.title ?? '');
}

export async function inlayHintLabels(doc: vscode.TextDocument): Promise<string[]> {
	const range = new vscode.Range(0, 0, doc.lineCount, 0);
	const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>(
		'vscode.executeInlayHintProvider',
		doc.uri,
		range,
	);
	return hints.map((h) =>
		typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''),
	);
}
