import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activate, hoverText, positionOf, repoRoot } from './helpers';

// Runs against the extension unpacked from the .vsix (extensionDevelopmentPath points there), to
// prove that the packaged extension loads and that Piscina finds its worker inside it.
describe('the packaged .vsix', () => {
	it('is the unpacked package, not the repository', () => {
		const ext = vscode.extensions.getExtension('normlens.normlens');
		assert.ok(ext);
		const expected = process.env.NORMLENS_EXTENSION_PATH;
		assert.ok(expected, 'the test command names the unpacked package');
		assert.strictEqual(fs.realpathSync(ext.extensionPath), fs.realpathSync(expected));
		assert.ok(
			fs.existsSync(
				path.join(ext.extensionPath, 'node_modules', 'piscina', 'dist', 'worker.js'),
			),
			'Piscina ships inside the package',
		);
		assert.ok(
			!fs.existsSync(path.join(ext.extensionPath, 'src')),
			'sources stay out of the package',
		);
	});

	it('hovers and runs a BatchNormalization on a sample tensor in its worker pool', async () => {
		await activate();
		const doc = await vscode.workspace.openTextDocument(
			path.join(repoRoot, 'examples', 'tabular_bn.py'),
		);
		await vscode.window.showTextDocument(doc);
		assert.match(await hoverText(doc, 'BatchNormalization()'), /one μ and σ² per feature$/m);
		const pos = positionOf(doc, 'BatchNormalization()');
		const r = await vscode.commands.executeCommand<{
			features: number;
			backend: string;
			after: { mean: number[] };
		}>('normlens.runNormalization', doc.uri.toString(), pos.line, pos.character);
		assert.ok(r, 'the run returned a result (the pool started from inside the package)');
		assert.strictEqual(r.features, 50);
		assert.strictEqual(
			r.backend,
			'wasm-simd',
			'the SIMD kernels were found inside the package (dist/kernels/normalize.wasm)',
		);
		assert.ok(r.after.mean.every((m) => Math.abs(m) < 1e-5));
	});
});
