// The inspection panel's HTML (strict CSP, one nonce'd script) and its webview options.
import * as crypto from 'crypto';
import * as vscode from 'vscode';

/** The panel's HTML: strict CSP, one nonce'd script, styles from our own files only. */
export function panelHtml(
	webview: vscode.Webview,
	extensionUri: vscode.Uri,
	/** Whether the webview reports what it rendered (the extension's own tests only). */
	reportRenders = false,
): string {
	const nonce = crypto.randomBytes(16).toString('base64');
	const script = webview.asWebviewUri(
		vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'panel.js'),
	);
	const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css'));
	const katexStyle = webview.asWebviewUri(
		vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'katex', 'katex.min.css'),
	);
	const csp = [
		"default-src 'none'",
		`script-src 'nonce-${nonce}'`,
		`style-src ${webview.cspSource}`,
		`img-src ${webview.cspSource}`,
		`font-src ${webview.cspSource}`,
	].join('; ');
	return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${katexStyle.toString()}" rel="stylesheet">
<link href="${style.toString()}" rel="stylesheet">
<title>NormLens</title>
</head>
<body${reportRenders ? ' data-report-renders' : ''}>
<main id="app" aria-live="polite"><p class="muted">Loading…</p></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

/** Options that confine the webview to our asset folders. */
export function panelOptions(
	extensionUri: vscode.Uri,
): vscode.WebviewPanelOptions & vscode.WebviewOptions {
	return {
		enableScripts: true,
		retainContextWhenHidden: true,
		localResourceRoots: [
			vscode.Uri.joinPath(extensionUri, 'media'),
			vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
		],
	};
}
