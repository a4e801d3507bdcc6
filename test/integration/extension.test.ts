import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
	activate,
	codeLensTitles,
	hoverText,
	inlayHintLabels,
	NormLensApi,
	npyBytes,
	positionOf,
	repoRoot,
	until,
} from './helpers';

const examples = path.join(repoRoot, 'examples');

describe('NormLens in a real VS Code extension host', () => {
	let api: NormLensApi;

	before(async () => {
		api = await activate();
	});

	describe('tabular example (.py)', () => {
		let doc: vscode.TextDocument;
		before(async () => {
			doc = await vscode.workspace.openTextDocument(path.join(examples, 'tabular_bn.py'));
			await vscode.window.showTextDocument(doc);
		});

		it('hover on BatchNormalization explains what is normalized, with this layer’s sizes', async () => {
			const text = await hoverText(doc, 'BatchNormalization()');
			assert.match(text, /\*\*BatchNormalization\*\* `batch_normalization`/);
			assert.match(text, /Input \(None, 50\) → output \(None, 50\)/);
			assert.match(
				text,
				/Normalized over:\*\* batch \(axis 0, N\) — one μ and σ² per feature$/m,
			);
			// One plain sentence first, then the actions, then the short lines (the formula is in the panel).
			assert.match(
				text,
				/^Each of the 50 features gets its own mean and variance, computed over the N values of that feature in the batch; γ and β then rescale and shift each feature with learned values\.$/m,
			);
			assert.ok(
				text.indexOf('command:normlens.runNormalization') <
					text.indexOf('Input (None, 50)'),
				'the actions come before the details',
			);
			assert.match(
				text,
				/μ, σ²: \(50,\) · γ \(gamma\): \(50,\) · β \(beta\): \(50,\) · moving_mean: \(50,\) · moving_variance: \(50,\)/,
			);
			assert.match(
				text,
				/100 trainable \(gamma, beta\) · 100 non-trainable \(moving_mean, moving_variance\)/,
			);
			assert.match(text, /ε \(epsilon\)\*\* = 0\.001 · \*\*momentum\*\* = 0\.99/);
			assert.match(text, /command:normlens\.runNormalization/);
		});

		it('hover on a Dense layer shows its shapes and parameters', async () => {
			const text = await hoverText(doc, 'Dense(5)');
			assert.match(text, /\*\*Dense\*\* `dense_1`/);
			assert.match(text, /Input \(None, 50\) → output \(None, 5\)/);
			assert.match(text, /255 parameters · 255 trainable · 0 non-trainable/);
		});

		it('CodeLens above the model shows the totals', async () => {
			const titles = await until(
				() => codeLensTitles(doc),
				(t) => t.length > 0,
				'code lenses',
			);
			assert.ok(
				titles.includes('model: 2,005 params (1,905 trainable, 100 non-trainable)'),
				JSON.stringify(titles),
			);
			assert.ok(titles.includes('Inspect'));
		});

		it('inlay hints show output shape and params after each layer call', async () => {
			const labels = await until(
				() => inlayHintLabels(doc),
				(l) => l.length >= 4,
				'inlay hints',
			);
			for (const expected of [
				'→ (None, 30) · 0 params',
				'→ (None, 50) · 1,550 params',
				'→ (None, 50) · 200 params',
				'→ (None, 5) · 255 params',
			]) {
				assert.ok(labels.includes(expected), `${expected} in ${JSON.stringify(labels)}`);
			}
		});

		it('diagnostics flag the redundant Dense bias, and the quick fix edits the source', async () => {
			const diags = await until(
				async () => vscode.languages.getDiagnostics(doc.uri),
				(d) => d.some((x) => x.code === 'redundant-bias'),
				'redundant-bias diagnostic',
			);
			const d = diags.find((x) => x.code === 'redundant-bias') as vscode.Diagnostic;
			assert.strictEqual(d.range.start.line, 8);
			assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Warning);
			// Apply the fix on an untitled copy, so the example on disk stays as it is.
			const copy = await vscode.workspace.openTextDocument({
				language: 'python',
				content: doc.getText(),
			});
			const actions = await until(
				() =>
					vscode.commands.executeCommand<vscode.CodeAction[]>(
						'vscode.executeCodeActionProvider',
						copy.uri,
						d.range,
					),
				(a) => a.some((x) => x.title === 'Set use_bias=False'),
				'quick fix',
			);
			const fix = actions.find((x) => x.title === 'Set use_bias=False') as vscode.CodeAction;
			assert.ok(fix.edit && (await vscode.workspace.applyEdit(fix.edit)));
			assert.strictEqual(
				copy.lineAt(8).text,
				'x = tf.keras.layers.Dense(50, use_bias=False)(inp)',
			);
		});

		it('a code can be silenced per workspace (quick fix → normlens.diagnostics.ignore), and advice in graded course code is information', async () => {
			const d = (
				await until(
					async () => vscode.languages.getDiagnostics(doc.uri),
					(x) => x.some((y) => y.code === 'redundant-bias'),
					'redundant-bias',
				)
			).find((x) => x.code === 'redundant-bias') as vscode.Diagnostic;
			const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
				'vscode.executeCodeActionProvider',
				doc.uri,
				d.range,
			);
			const silence = actions.find(
				(a) => a.title === 'Don\'t show NormLens\'s "redundant-bias" in this workspace',
			);
			assert.ok(silence?.command, actions.map((a) => a.title).join(' | '));
			const c = () => vscode.workspace.getConfiguration('normlens');
			const target = vscode.workspace.workspaceFolders?.length
				? vscode.ConfigurationTarget.Workspace
				: vscode.ConfigurationTarget.Global;
			// The workspace's settings file is VS Code's to create: removed again if it was not there (the examples stay as shipped).
			const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
			const settingsDir = folder ? path.join(folder, '.vscode') : undefined;
			const hadSettings = settingsDir !== undefined && fs.existsSync(settingsDir);
			try {
				await vscode.commands.executeCommand(
					silence.command.command,
					...(silence.command.arguments ?? []),
				);
				assert.deepStrictEqual(c().get('diagnostics.ignore'), ['redundant-bias']);
				await until(
					async () => vscode.languages.getDiagnostics(doc.uri),
					(x) => !x.some((y) => y.code === 'redundant-bias'),
					'the warning gone',
				);
			} finally {
				await c().update('diagnostics.ignore', undefined, target);
				if (settingsDir && !hadSettings) {
					fs.rmSync(settingsDir, { recursive: true, force: true });
				}
			}
			await until(
				async () => vscode.languages.getDiagnostics(doc.uri),
				(x) => x.some((y) => y.code === 'redundant-bias'),
				'the warning back',
			);
			// A graded notebook's skeleton (Coursera's markers): the same advice as information, saying why.
			const course = await vscode.workspace.openTextDocument({
				language: 'python',
				content: `### START CODE HERE ###\n${doc.getText()}\n### END CODE HERE ###\n`,
			});
			const info = (
				await until(
					async () => vscode.languages.getDiagnostics(course.uri),
					(x) => x.some((y) => y.code === 'redundant-bias'),
					'course diagnostics',
				)
			).find((x) => x.code === 'redundant-bias') as vscode.Diagnostic;
			assert.strictEqual(info.severity, vscode.DiagnosticSeverity.Information);
			assert.match(
				info.message,
				/Shown as information: this looks like course code \(a graded assignment\)/,
			);
			// A copy of Keras's ResNet design outside any course: information too, naming the builder.
			const copy = await vscode.workspace.openTextDocument({
				language: 'python',
				content: `${doc.getText()}\n\ndef identity_block(x, f):\n    return x\n`,
			});
			const copied = (
				await until(
					async () => vscode.languages.getDiagnostics(copy.uri),
					(x) => x.some((y) => y.code === 'redundant-bias'),
					'diagnostics of the copy',
				)
			).find((x) => x.code === 'redundant-bias') as vscode.Diagnostic;
			assert.strictEqual(copied.severity, vscode.DiagnosticSeverity.Information);
			assert.match(copied.message, /a copy of Keras's ResNet \(`identity_block`\)/);
		});

		it('"Show Model Summary" opens the panel with the summary table and the BatchNormalization detail', async () => {
			const rendered = api.nextPanelRender('model');
			const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
			editor.selection = new vscode.Selection(
				positionOf(doc, 'BatchNormalization()'),
				positionOf(doc, 'BatchNormalization()'),
			);
			await vscode.commands.executeCommand('normlens.showModelSummary');
			const r = await rendered;
			assert.match(r.text, /batch_normalization \(BatchNormalization\)/);
			assert.match(r.text, /Total params: 2,005/);
			assert.match(r.text, /Trainable params: 1,905/);
			assert.match(r.text, /Non-trainable params: 100/);
			assert.match(r.text, /Normalized over: batch — one μ and σ² per feature\b/);
			assert.match(r.text, /moving_variance/);
			assert.strictEqual(r.formulas, 1, 'the formula is typeset with KaTeX');
		});

		it('"Run Normalization on Sample Tensor" runs in the pool: per-channel mean ≈ 0 and std σ/√(σ²+ε) after', async () => {
			const pos = positionOf(doc, 'BatchNormalization()');
			const rendered = api.nextPanelRender('runResult');
			const result = await vscode.commands.executeCommand<{
				shape: number[];
				features: number;
				before: { mean: number[]; std: number[] };
				after: { mean: number[]; std: number[] };
				backend: string;
			}>('normlens.runNormalization', doc.uri.toString(), pos.line, pos.character);
			assert.ok(result, 'the command returns the run result');
			assert.deepStrictEqual(result.shape, [32, 50]);
			assert.strictEqual(result.features, 50);
			for (let c = 0; c < 50; c++) {
				const s = result.before.std[c];
				assert.ok(
					Math.abs(result.after.mean[c]) < 1e-5,
					`mean after [${c}] = ${result.after.mean[c]}`,
				);
				assert.ok(
					Math.abs(result.after.std[c] - s / Math.sqrt(s * s + 1e-3)) < 1e-5,
					`std after [${c}]`,
				);
			}
			const r = await rendered;
			assert.match(r.text, /Sample run: batch_normalization on \(32, 50\)/);
			assert.match(r.text, /mean before\s+std before\s+mean after\s+std after/);
			assert.strictEqual(
				r.charts,
				3,
				'histograms before and after, and the per-feature chart',
			);
		});
	});

	describe('inspection panel: run controls, compare view, .npy source, export', () => {
		let doc: vscode.TextDocument;
		const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-it-'));
		interface Outcome {
			shape: number[];
			entries: {
				family: string;
				code: string;
				result: {
					features: number;
					groupSize: number;
					histogramBefore: { counts: number[] };
					after: { mean: number[]; std: number[] };
				} | null;
				error: string | null;
			}[];
		}
		before(async () => {
			doc = await vscode.workspace.openTextDocument(path.join(examples, 'tabular_bn.py'));
			await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
		});

		it('"Simulate Training Steps": the command and the panel\'s button run K steps in the pool and draw the running statistics, the train/eval gap and the batch noise', async () => {
			const pos = positionOf(doc, 'BatchNormalization()');
			const rendered = api.nextPanelRender('simulateResult');
			const sim = await vscode.commands.executeCommand<{
				layerName: string;
				result: {
					steps: number;
					shape: number[];
					final: { mean: number[]; variance: number[] } | null;
					gap: { mean: number[] } | null;
					noise: { batchSize: number; meanSpread: number }[];
					trace: { batchMean: number[][] };
				};
			}>('normlens.simulateTraining', doc.uri.toString(), pos.line, pos.character, 60);
			assert.ok(sim, 'the command returns the simulation');
			assert.deepStrictEqual([sim.result.steps, sim.result.shape], [60, [32, 50]]);
			assert.ok(sim.result.final && sim.result.gap);
			// Keras: moving = 0.99·moving + 0.01·batch from 0, on the traced batch means.
			let m = 0;
			sim.result.trace.batchMean.forEach((b) => (m = 0.99 * m + 0.01 * b[0]));
			assert.ok(Math.abs(sim.result.final.mean[0] - m) < 1e-12);
			assert.deepStrictEqual(
				sim.result.noise.map((n) => n.batchSize),
				[2, 8, 32],
			);
			const r = await rendered;
			assert.match(r.text, /Training steps: batch_normalization on \(32, 50\), 60 steps/);
			assert.match(r.text, /moving_mean ← 0\.99 · moving_mean \+ 0\.01 · μ_batch/);
			assert.match(
				r.text,
				/their outputs differ by [0-9.]+ \(RMS, mean over channels\) after step 1/,
			);
			assert.match(r.text, /noise falls as 1\/√batch/);
			assert.strictEqual(r.charts, 4, 'mean and variance traces, the gap, the batch noise');
			// The panel's own button, with a drifting input and fewer steps.
			const again = api.nextPanelRender('simulateResult');
			await api.panelMessage({
				type: 'simulateLayer',
				layerName: 'batch_normalization',
				options: {
					batchSize: 8,
					seed: 3,
					distribution: 'normal',
					mode: 'train',
					useNpy: false,
				},
				simulation: { steps: 20, drift: { shift: 2, scale: 1.5 } },
			});
			const d = await again;
			assert.match(d.text, /Training steps: batch_normalization on \(8, 50\), 20 steps/);
			assert.match(d.text, /the input drifting \(means \+2σ, std ×1\.5 by the last step\)/);
		});

		it("the panel's Run button with its controls: batch, seed, log-normal, inference mode", async () => {
			const pos = positionOf(doc, 'BatchNormalization()');
			await vscode.commands.executeCommand(
				'normlens.showModelSummary',
				doc.uri.toString(),
				pos.line,
				pos.character,
			);
			const rendered = api.nextPanelRender('runResult');
			await api.panelMessage({
				type: 'runLayer',
				layerName: 'batch_normalization',
				options: {
					batchSize: 16,
					seed: 7,
					distribution: 'lognormal',
					mode: 'eval',
					useNpy: false,
				},
			});
			const r = await rendered;
			assert.match(r.text, /Sample run: batch_normalization on \(16, 50\)/);
			assert.match(
				r.text,
				/log-normal sample, seed 7; inference mode \(running statistics of a freshly built layer/,
			);
			// Inference with fresh running statistics (0, 1) barely changes the values: no "running mean" columns either.
			assert.doesNotMatch(r.text, /running mean/);
			// An option out of range is refused by the message validator: no run starts.
			const before = api.lastPanelRender('runStarted');
			await api.panelMessage({
				type: 'runLayer',
				layerName: 'batch_normalization',
				options: {
					batchSize: -1,
					seed: 7,
					distribution: 'normal',
					mode: 'train',
					useNpy: false,
				},
			});
			assert.strictEqual(api.lastPanelRender('runStarted'), before);
		});

		it('a click on a row reveals the layer in the editor; moving the cursor selects the row', async () => {
			const pos = positionOf(doc, 'BatchNormalization()');
			await vscode.commands.executeCommand(
				'normlens.showModelSummary',
				doc.uri.toString(),
				pos.line,
				pos.character,
			);
			await api.panelMessage({ type: 'revealLayer', layerName: 'dense_1' });
			const editor = await until(
				async () => vscode.window.activeTextEditor,
				(e) =>
					e?.document === doc &&
					e.selection.active.line === positionOf(doc, 'Dense(5)').line,
				'the editor on dense_1',
			);
			assert.ok(editor);
			editor.selection = new vscode.Selection(pos, pos);
			await until(
				async () => api.lastPanelRender('select'),
				(r) =>
					r !== undefined &&
					/batch_normalization \(BatchNormalization\)\s+Input \(None, 50\)/.test(r.text),
				'the BatchNormalization row selected',
			);
		});

		it('Cancel in the panel stops a comparison: the runs not yet done end as cancelled, the next run works', async () => {
			const nb = await vscode.workspace.openNotebookDocument(
				vscode.Uri.file(path.join(examples, 'conv_bn.ipynb')),
			);
			const cell = nb.cellAt(2).document;
			const pos = positionOf(cell, 'BatchNormalization()');
			await vscode.commands.executeCommand(
				'normlens.showModelSummary',
				cell.uri.toString(),
				pos.line,
				pos.character,
			);
			const started = api.nextPanelRender('compare');
			const pending = api.panelMessage({
				type: 'compareLayer',
				layerName: 'batch_normalization',
				options: {
					batchSize: 48,
					seed: 1,
					distribution: 'normal',
					mode: 'train',
					useNpy: false,
				},
			});
			await started;
			await api.panelMessage({ type: 'cancelRun' });
			await pending;
			const last = await until(
				async () => api.lastPanelRender(),
				(x) =>
					(x?.kind === 'compareError' || x?.kind === 'compareResult') &&
					!/Running…/.test(x.text),
				'the end of the comparison (no card still running)',
			);
			assert.ok(last);
			assert.match(last.text, /cancelled/);
			assert.doesNotMatch(
				last.text,
				/Cancel\b(?!led)/,
				'no Cancel button once the comparison has ended',
			);
			const r = await vscode.commands.executeCommand<{ features: number }>(
				'normlens.runNormalization',
				cell.uri.toString(),
				pos.line,
				pos.character,
			);
			assert.strictEqual(r?.features, 30);
		});

		it('"Compare Normalizations": BN, LN and GN on one tensor (no IN on (N, C)), each run in the pool', async () => {
			const pos = positionOf(doc, 'BatchNormalization()');
			const done = api.nextPanelRender('compareResult');
			const out = await vscode.commands.executeCommand<Outcome>(
				'normlens.compareNormalizations',
				doc.uri.toString(),
				pos.line,
				pos.character,
			);
			assert.ok(out);
			assert.deepStrictEqual(out.shape, [32, 50]);
			const by = Object.fromEntries(out.entries.map((e) => [e.family, e]));
			assert.match(by.instance.error ?? '', /spatial/);
			assert.strictEqual(by.layer.code, 'layers.LayerNormalization(axis=[1])');
			assert.strictEqual(by.group.code, 'layers.GroupNormalization(groups=25)');
			const bn = by.batch.result;
			const ln = by.layer.result;
			const gn = by.group.result;
			assert.ok(bn && ln && gn);
			// BN: one statistic per feature over 32 samples; LN: one per sample over 50 features; GN: per sample and group of 2.
			assert.deepStrictEqual([bn.features, bn.groupSize], [50, 32]);
			assert.deepStrictEqual([ln.features, ln.groupSize], [32, 50]);
			assert.deepStrictEqual([gn.features, gn.groupSize], [32 * 25, 2]);
			// The same input tensor for all three.
			assert.deepStrictEqual(ln.histogramBefore, bn.histogramBefore);
			assert.deepStrictEqual(gn.histogramBefore, bn.histogramBefore);
			for (const r of [bn, ln, gn]) {
				assert.ok(r.after.mean.every((m) => Math.abs(m) < 1e-4));
			}
			await done;
			const last = await until(
				async () => api.lastPanelRender('compareResult'),
				(x) => x !== undefined && x.charts === 4,
				'the compare view with 1 + 3 histograms',
			);
			assert.ok(last);
			assert.match(
				last.text,
				/Compare normalizations on the input of batch_normalization \(32, 50\)/,
			);
			assert.match(last.text, /Instance norm needs spatial/);
			assert.match(last.text, /Group norm\s+\(32, 25\)\s+2/);
		});

		it('"Compare Normalizations" on a layer that is not a normalization compares them on its output', async () => {
			const torchDoc = await vscode.workspace.openTextDocument(
				path.join(examples, 'torch_bn.py'),
			);
			const pos = positionOf(torchDoc, 'nn.Conv2d(3, 16');
			const out = await vscode.commands.executeCommand<Outcome>(
				'normlens.compareNormalizations',
				torchDoc.uri.toString(),
				pos.line,
				pos.character,
			);
			assert.ok(out);
			// conv1's output, (8, 16, 32, 32): all four apply, GroupNorm with 8 groups of 2 channels.
			assert.deepStrictEqual(out.shape, [8, 16, 32, 32]);
			assert.deepStrictEqual(
				out.entries.map((e) => [e.code, e.result?.features, e.result?.groupSize]),
				[
					['nn.BatchNorm2d(16)', 16, 8 * 32 * 32],
					['nn.LayerNorm([16, 32, 32])', 8, 16 * 32 * 32],
					['nn.InstanceNorm2d(16, affine=True)', 8 * 16, 32 * 32],
					['nn.GroupNorm(8, 16)', 8 * 8, 2 * 32 * 32],
				],
			);
			const last = await until(
				async () => api.lastPanelRender(),
				(x) =>
					x !== undefined &&
					/Compare normalizations on the output of conv1/.test(x.text) &&
					x.charts === 5,
				'the compare view on conv1',
			);
			assert.ok(last);
		});

		it('"Load .npy as Sample Tensor" runs the layer at the cursor on the file; a wrong shape is a clear error', async () => {
			const values = new Float32Array(8 * 50).map((_, i) => 100 + (i % 50) + Math.sin(i));
			const good = path.join(tmp, 'activations.npy');
			fs.writeFileSync(good, npyBytes([8, 50], values));
			const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
			const pos = positionOf(doc, 'BatchNormalization()');
			editor.selection = new vscode.Selection(pos, pos);
			const rendered = api.nextPanelRender('runResult');
			const loaded = await vscode.commands.executeCommand<{
				name: string;
				shape: number[];
				layer: string;
			}>('normlens.loadNpy', good);
			assert.deepStrictEqual(loaded, {
				name: 'activations.npy',
				shape: [8, 50],
				layer: 'batch_normalization',
			});
			const r = await rendered;
			assert.match(r.text, /Sample run: batch_normalization on \(8, 50\)/);
			assert.match(r.text, /activations\.npy/);
			// Feature 3 of the file: 103 + sin(50n + 3) over n = 0..7, computed here in float64.
			const col = Array.from({ length: 8 }, (_, n) =>
				Math.fround(100 + 3 + Math.sin(50 * n + 3)),
			);
			const mean = col.reduce((a, b) => a + b, 0) / 8;
			const run = await vscode.commands.executeCommand<{
				before: { mean: number[] };
				shape: number[];
			}>('normlens.runNormalization', doc.uri.toString(), pos.line, pos.character);
			assert.ok(run);
			assert.deepStrictEqual(run.shape, [8, 50]);
			assert.ok(
				Math.abs(run.before.mean[3] - mean) < 1e-9 * 103,
				`${run.before.mean[3]} vs ${mean}`,
			);

			const bad = path.join(tmp, 'wrong.npy');
			fs.writeFileSync(bad, npyBytes([8, 49], new Float32Array(8 * 49)));
			const failed = api.nextPanelRender('runError');
			await vscode.commands.executeCommand('normlens.loadNpy', bad);
			assert.match(
				(await failed).text,
				/wrong\.npy holds an array of shape \(8, 49\), but this layer's input is \(N, 50\): it was not loaded\. Save the input of `batch_normalization` with shape \(any batch, 50\)/,
			);
			// A refused file is not kept: the layer still runs on the file it had.
			const kept = await vscode.commands.executeCommand<{ shape: number[]; source: string }>(
				'normlens.runNormalization',
				doc.uri.toString(),
				pos.line,
				pos.character,
			);
			assert.deepStrictEqual([kept?.shape, kept?.source], [[8, 50], 'activations.npy']);
			await api.panelMessage({ type: 'clearNpy' });
			const again = await vscode.commands.executeCommand<{ shape: number[] }>(
				'normlens.runNormalization',
				doc.uri.toString(),
				pos.line,
				pos.character,
			);
			assert.deepStrictEqual(
				again?.shape,
				[32, 50],
				'after "Forget .npy" runs use the generated sample again',
			);
		});

		it('"Export Summary as JSON" writes the DESIGN.md contract, the same as normlens summary --json', async () => {
			const dest = vscode.Uri.file(path.join(tmp, 'summary.json'));
			const contract = await vscode.commands.executeCommand<{ models: { name: string }[] }>(
				'normlens.exportSummaryJson',
				doc.uri.toString(),
				dest.toString(),
			);
			assert.ok(contract);
			const written = JSON.parse(fs.readFileSync(dest.fsPath, 'utf8')) as {
				file: string;
				models: { layers: { name: string; type: string; params: number }[] }[];
			};
			assert.deepStrictEqual(written, JSON.parse(JSON.stringify(contract)));
			assert.strictEqual(written.file, 'tabular_bn.py');
			const bn = written.models[0].layers.find((l) => l.type === 'BatchNormalization');
			assert.strictEqual(bn?.params, 200);
		});

		it('the panel follows edits of the shown model, keeping the selected layer', async () => {
			const pos = positionOf(doc, 'BatchNormalization()');
			const shown = api.nextPanelRender('model');
			await vscode.commands.executeCommand(
				'normlens.showModelSummary',
				doc.uri.toString(),
				pos.line,
				pos.character,
			);
			await shown;
			const original = doc.getText();
			const edit = new vscode.WorkspaceEdit();
			const at = positionOf(doc, 'Dense(5)');
			edit.replace(
				doc.uri,
				new vscode.Range(at.line, at.character - 1, at.line, at.character + 7),
				'Dense(7)',
			);
			const rendered = api.nextPanelRender('model');
			assert.ok(await vscode.workspace.applyEdit(edit));
			try {
				const r = await rendered;
				// Dense(50 → 7) has 357 parameters instead of 255.
				assert.match(r.text, /Total params: 2,107/);
				assert.match(r.text, /dense_1 \(Dense\)\s+\(None, 7\)\s+357/);
				assert.match(
					r.text,
					/batch_normalization \(BatchNormalization\)\s+Input \(None, 50\)/,
					'the selected layer stays in detail',
				);
			} finally {
				const restore = new vscode.WorkspaceEdit();
				restore.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), original);
				await vscode.workspace.applyEdit(restore);
			}
		});

		it('the open panel follows the user: another editor shows its model, without taking the focus', async () => {
			const pos = positionOf(doc, 'BatchNormalization()');
			await vscode.commands.executeCommand(
				'normlens.showModelSummary',
				doc.uri.toString(),
				pos.line,
				pos.character,
			);
			const panelShows = (re: RegExp, kind: string, what: string) =>
				until(
					async () => api.lastPanelRender(kind),
					(r) => r !== undefined && re.test(r.text),
					what,
				);
			await panelShows(/Total params: 2,005/, 'model', 'the Keras model');
			const torch = await vscode.workspace.openTextDocument(
				path.join(examples, 'torch_blocks.py'),
			);
			const editor = await vscode.window.showTextDocument(torch);
			// The file's only model, with the counts real PyTorch gives for it.
			await panelShows(/Total params: 27,098/, 'model', 'the model of the active editor');
			assert.strictEqual(
				vscode.window.activeTextEditor,
				editor,
				'the editor keeps the focus',
			);
			// The cursor on a layer of the shown model selects its row.
			const bn = positionOf(torch, 'nn.BatchNorm2d(cout)');
			editor.selection = new vscode.Selection(bn, bn);
			await panelShows(
				/stages\.0\.bn \(BatchNorm2d\)\s+Input/,
				'select',
				'the layer at the cursor',
			);
			// Back to the Keras file: its model again.
			await vscode.window.showTextDocument(doc);
			await panelShows(/Total params: 2,005/, 'model', 'the Keras model again');
		});

		it('the walkthrough\'s steps have their media in the package, and "Open Example Model" opens a bundled example', async () => {
			const ext = vscode.extensions.getExtension('normlens.normlens');
			assert.ok(ext);
			const walkthroughs = (
				ext.packageJSON as {
					contributes: { walkthroughs: { steps: { media: { markdown?: string } }[] }[] };
				}
			).contributes.walkthroughs;
			assert.strictEqual(walkthroughs[0].steps.length, 5);
			for (const step of walkthroughs[0].steps) {
				assert.ok(
					step.media.markdown &&
						fs.existsSync(path.join(ext.extensionPath, step.media.markdown)),
					step.media.markdown,
				);
			}
			await vscode.commands.executeCommand('normlens.openExample', 'torch_bn.py');
			assert.strictEqual(
				path.basename(vscode.window.activeTextEditor?.document.uri.fsPath ?? ''),
				'torch_bn.py',
			);
		});
	});

	describe('image example (.ipynb opened as a notebook)', () => {
		let notebook: vscode.NotebookDocument;
		let modelCell: vscode.TextDocument;
		let bnCell: vscode.TextDocument;

		before(async () => {
			notebook = await vscode.workspace.openNotebookDocument(
				vscode.Uri.file(path.join(examples, 'conv_bn.ipynb')),
			);
			await vscode.window.showNotebookDocument(notebook);
			assert.strictEqual(notebook.notebookType, 'jupyter-notebook');
			bnCell = notebook.cellAt(2).document;
			modelCell = notebook.cellAt(3).document;
			assert.strictEqual(bnCell.languageId, 'python');
		});

		it('hover on BatchNormalization in a cell: reduced over batch, height, width; per-channel (30,)', async () => {
			const text = await hoverText(bnCell, 'BatchNormalization()');
			assert.match(text, /Input \(None, 100, 200, 30\) → output \(None, 100, 200, 30\)/);
			assert.match(
				text,
				/Normalized over:\*\* batch \(axis 0, N\), height \(axis 1, 100\), width \(axis 2, 200\) — one μ and σ² per channel$/m,
			);
			assert.match(
				text,
				/Each of the 30 channels gets its own mean and variance, computed over the N×100×200 values of that channel in the batch/,
			);
			assert.match(text, /γ \(gamma\): \(30,\)/);
			assert.match(text, /60 trainable \(gamma, beta\) · 60 non-trainable/);
		});

		it('the model built across cells gets its totals above the cell line that builds it', async () => {
			const titles = await until(
				() => codeLensTitles(modelCell),
				(t) => t.length > 0,
				'code lenses in the model cell',
			);
			assert.ok(
				titles.includes('model: 6,001,600 params (6,001,540 trainable, 60 non-trainable)'),
				JSON.stringify(titles),
			);
			assert.deepStrictEqual(await codeLensTitles(bnCell), []);
		});

		it('each cell shows inlay hints for its own layer lines', async () => {
			const labels = await until(
				() => inlayHintLabels(bnCell),
				(l) => l.length >= 3,
				'inlay hints in the BN cell',
			);
			assert.deepStrictEqual(labels, [
				'→ (None, 100, 200, 3) · 0 params',
				'→ (None, 100, 200, 30) · 1,470 params',
				'→ (None, 100, 200, 30) · 120 params',
			]);
			const modelLabels = await inlayHintLabels(modelCell);
			assert.deepStrictEqual(modelLabels, [
				'→ (None, 600000) · 0 params',
				'→ (None, 10) · 6,000,010 params',
			]);
		});

		it('"Show Model Summary" from a cell shows the model assembled across cells', async () => {
			const rendered = api.nextPanelRender('model');
			const pos = positionOf(bnCell, 'BatchNormalization()');
			await vscode.commands.executeCommand(
				'normlens.showModelSummary',
				bnCell.uri.toString(),
				pos.line,
				pos.character,
			);
			const r = await rendered;
			assert.match(r.text, /flatten \(Flatten\)\s+\(None, 600000\)/);
			assert.match(r.text, /Total params: 6,001,600/);
			assert.match(
				r.text,
				/Normalized over: batch, height, width — one μ and σ² per channel\b/,
			);
		});

		it("the quick fix works inside a notebook cell: Conv2D bias=False, and the model's totals follow the edit", async () => {
			const original = bnCell.getText();
			const diags = await until(
				async () => vscode.languages.getDiagnostics(bnCell.uri),
				(d) => d.some((x) => x.code === 'redundant-bias'),
				'redundant-bias in the cell',
			);
			const d = diags.find((x) => x.code === 'redundant-bias') as vscode.Diagnostic;
			assert.strictEqual(bnCell.lineAt(d.range.start.line).text.includes('Conv2D'), true);
			const actions = await until(
				() =>
					vscode.commands.executeCommand<vscode.CodeAction[]>(
						'vscode.executeCodeActionProvider',
						bnCell.uri,
						d.range,
					),
				(a) => a.some((x) => x.title === 'Set use_bias=False'),
				'quick fix in the cell',
			);
			const fix = actions.find((x) => x.title === 'Set use_bias=False') as vscode.CodeAction;
			assert.ok(fix.edit && (await vscode.workspace.applyEdit(fix.edit)));
			try {
				assert.match(
					bnCell.getText(),
					/Conv2D\(30, \(4, 4\), padding='same', use_bias=False\)\(inp\)/,
				);
				// The model is built in the next cell; its lens drops the 30 biases.
				await until(
					() => codeLensTitles(modelCell),
					(t) => t.some((x) => x.startsWith('model: 6,001,570 params')),
					'the totals after the fix',
				);
			} finally {
				const restore = new vscode.WorkspaceEdit();
				restore.replace(bnCell.uri, new vscode.Range(0, 0, bnCell.lineCount, 0), original);
				await vscode.workspace.applyEdit(restore);
			}
			assert.strictEqual(bnCell.getText(), original);
		});
	});

	describe('PyTorch example (.py)', () => {
		let doc: vscode.TextDocument;
		before(async () => {
			doc = await vscode.workspace.openTextDocument(path.join(examples, 'torch_bn.py'));
			await vscode.window.showTextDocument(doc);
		});

		it('hover on BatchNorm2d: dim 1 kept, N, H, W reduced; weight and bias trainable, running statistics buffers', async () => {
			const text = await hoverText(doc, 'nn.BatchNorm2d(16)');
			assert.match(text, /\*\*BatchNorm2d\*\* `bn1` · PyTorch/);
			assert.match(text, /Input \(8, 16, 32, 32\) → output \(8, 16, 32, 32\)/);
			assert.match(
				text,
				/Normalized over:\*\* batch \(axis 0, 8\), height \(axis 2, 32\), width \(axis 3, 32\) — one μ and σ² per channel$/m,
			);
			// PyTorch's own split: parameters and buffers, no "non-trainable" beside "in buffers".
			assert.match(
				text,
				/32 trainable \(weight, bias\) · 33 in buffers \(running_mean, running_var, num_batches_tracked\)/,
			);
			assert.doesNotMatch(text, /non-trainable/);
			assert.match(text, /running_mean ← 0\.9 · running_mean \+ 0\.1 · μ_batch/);
		});

		it('a .npy belongs to the layer it was loaded for: bn1 runs on it, bn2 on the generated sample', async () => {
			const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-npy-'));
			const file = path.join(tmp, 'bn1_input.npy');
			fs.writeFileSync(
				file,
				npyBytes(
					[4, 16, 32, 32],
					new Float32Array(4 * 16 * 32 * 32).map((_, i) => Math.cos(i)),
				),
			);
			const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
			const bn1 = positionOf(doc, 'nn.BatchNorm2d(16)');
			editor.selection = new vscode.Selection(bn1, bn1);
			const loaded = await vscode.commands.executeCommand<{
				name: string;
				shape: number[];
				layer: string;
			}>('normlens.loadNpy', file);
			assert.deepStrictEqual(loaded, {
				name: 'bn1_input.npy',
				shape: [4, 16, 32, 32],
				layer: 'bn1',
			});
			const bn2 = positionOf(doc, 'nn.BatchNorm2d(32)');
			const other = await vscode.commands.executeCommand<{ shape: number[]; source: string }>(
				'normlens.runNormalization',
				doc.uri.toString(),
				bn2.line,
				bn2.character,
			);
			assert.deepStrictEqual(
				[other?.shape, other?.source],
				[[8, 32, 16, 16], 'generated sample'],
			);
			const own = await vscode.commands.executeCommand<{ shape: number[]; source: string }>(
				'normlens.runNormalization',
				doc.uri.toString(),
				bn1.line,
				bn1.character,
			);
			assert.deepStrictEqual([own?.shape, own?.source], [[4, 16, 32, 32], 'bn1_input.npy']);
			await api.panelMessage({ type: 'clearNpy' });
		});

		it('CodeLens counts parameters as PyTorch does, with buffers apart', async () => {
			const titles = await until(
				() => codeLensTitles(doc),
				(t) => t.length > 0,
				'code lenses',
			);
			assert.ok(
				titles.includes(
					'model: 25,642 params (25,642 trainable, 0 non-trainable, 98 in buffers)',
				),
				JSON.stringify(titles),
			);
		});

		it('quick fix bias=False on the Conv2d before BatchNorm2d', async () => {
			const diags = await until(
				async () => vscode.languages.getDiagnostics(doc.uri),
				(d) => d.some((x) => x.code === 'redundant-bias'),
				'redundant-bias',
			);
			const d = diags.find((x) => x.code === 'redundant-bias') as vscode.Diagnostic;
			const copy = await vscode.workspace.openTextDocument({
				language: 'python',
				content: doc.getText(),
			});
			const actions = await until(
				() =>
					vscode.commands.executeCommand<vscode.CodeAction[]>(
						'vscode.executeCodeActionProvider',
						copy.uri,
						d.range,
					),
				(a) => a.some((x) => x.title === 'Set bias=False'),
				'quick fix',
			);
			const fix = actions.find((x) => x.title === 'Set bias=False') as vscode.CodeAction;
			assert.ok(fix.edit && (await vscode.workspace.applyEdit(fix.edit)));
			assert.strictEqual(
				copy.lineAt(d.range.start.line).text.trim(),
				'self.conv1 = nn.Conv2d(3, 16, kernel_size=3, padding=1, bias=False)',
			);
		});

		it('runs BatchNorm2d on a sample tensor of its input shape: per-channel mean 0 after', async () => {
			const pos = positionOf(doc, 'nn.BatchNorm2d(16)');
			const r = await vscode.commands.executeCommand<{
				shape: number[];
				features: number;
				after: { mean: number[] };
			}>('normlens.runNormalization', doc.uri.toString(), pos.line, pos.character);
			assert.ok(r);
			assert.deepStrictEqual(r.shape, [8, 16, 32, 32]);
			assert.strictEqual(r.features, 16);
			assert.ok(r.after.mean.every((m) => Math.abs(m) < 1e-5));
		});
	});

	describe('Set Example Input…', () => {
		it('a PyTorch model the file never calls: the hover offers it; the command writes the comment above the model, and every layer gets its shape', async () => {
			const doc = await vscode.workspace.openTextDocument({
				language: 'python',
				content:
					'import torch.nn as nn\n\nnet = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU())\n',
			});
			await vscode.window.showTextDocument(doc);
			const text = await hoverText(doc, 'nn.BatchNorm2d(8)');
			assert.match(text, /\[Set example input…\]\(command:normlens\.setExampleInput\?/);
			const at = positionOf(doc, 'nn.BatchNorm2d(8)');
			const shape = await vscode.commands.executeCommand<number[]>(
				'normlens.setExampleInput',
				doc.uri.toString(),
				at.line,
				at.character,
				[2, 3, 32, 32],
			);
			assert.deepStrictEqual(shape, [2, 3, 32, 32]);
			assert.strictEqual(
				doc.getText(),
				'import torch.nn as nn\n\n# normlens: input (2, 3, 32, 32)\nnet = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU())\n',
			);
			assert.match(
				await hoverText(doc, 'nn.BatchNorm2d(8)'),
				/Input \(2, 8, 30, 30\) → output \(2, 8, 30, 30\)/,
			);
			// Set again: the comment is replaced, not repeated.
			await vscode.commands.executeCommand(
				'normlens.setExampleInput',
				doc.uri.toString(),
				at.line + 1,
				at.character,
				[1, 3, 10, 10],
			);
			assert.strictEqual(doc.getText().match(/# normlens: input/g)?.length, 1);
			assert.match(doc.getText(), /# normlens: input \(1, 3, 10, 10\)/);
		});
	});

	describe('a ? says why and where (unknown counts carry their cause)', () => {
		const fixture = path.join(repoRoot, 'test', 'fixtures', 'unknown', 'unknown_cause.py');
		// In a file, a name no code binds is Python's NameError; a notebook's kernel may hold it from a
		// cell run before, so there it is only not defined in the code NormLens read.
		const reason = '`load_width` is not defined: Python raises NameError here';
		const notebookReason = '`load_width` is not defined in the code NormLens read';
		/** The cause: `load_width` on line 4 (0-based 3), characters 8–18. */
		const causeLine = 3;
		let doc: vscode.TextDocument;

		before(async () => {
			doc = await vscode.workspace.openTextDocument(fixture);
			await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
		});

		/** Puts the cursor on line 0 so that only a reveal can put it on the cause's line. */
		async function moveAway(d: vscode.TextDocument): Promise<void> {
			const editor = await vscode.window.showTextDocument(d, vscode.ViewColumn.One);
			editor.selection = new vscode.Selection(0, 0, 0, 0);
		}

		async function selectedCause(): Promise<vscode.TextEditor> {
			const editor = await until(
				async () => vscode.window.activeTextEditor,
				(e) =>
					e?.document.uri.toString() === doc.uri.toString() &&
					e.selection.start.line === causeLine,
				'the cause selected in the editor',
			);
			assert.ok(editor);
			return editor;
		}

		it('the unknown-count diagnostic is on the cause', async () => {
			const diags = await until(
				async () => vscode.languages.getDiagnostics(doc.uri),
				(d) => d.some((x) => x.code === 'unknown-count'),
				'unknown-count diagnostic',
			);
			const d = diags.find((x) => x.code === 'unknown-count') as vscode.Diagnostic;
			assert.strictEqual(d.range.start.line, causeLine);
			assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Information);
			assert.ok(d.message.startsWith(reason), d.message);
		});

		it('CodeLens: "? params — unknown: <reason>", the full reason and line in its tooltip; its command selects the cause', async () => {
			const lenses = await until(
				() =>
					vscode.commands.executeCommand<vscode.CodeLens[]>(
						'vscode.executeCodeLensProvider',
						doc.uri,
						100,
					),
				(l) => l.length > 0,
				'code lenses',
			);
			const lens = lenses.find((l) => l.command?.title.startsWith('net: ? params'));
			assert.ok(lens?.command, JSON.stringify(lenses.map((l) => l.command?.title)));
			assert.strictEqual(lens.command.title, `net: ? params — unknown: ${reason}`);
			assert.strictEqual(lens.range.start.line, 6, 'above the line that builds the model');
			assert.strictEqual(
				lens.command.tooltip,
				`Unknown: ${reason} (line 4). Click to show it.`,
			);
			assert.ok(lenses.some((l) => l.command?.title === 'Inspect'));
			await moveAway(doc);
			await vscode.commands.executeCommand(
				lens.command.command,
				...(lens.command.arguments ?? []),
			);
			const editor = await selectedCause();
			assert.strictEqual(editor.document.getText(editor.selection), 'load_width');
		});

		it('hover on the layer with "?": "Unknown: <reason> — line 4", snippets in code spans, and the link selects the cause', async () => {
			const text = await hoverText(doc, 'nn.Linear(16, width)');
			assert.match(text, /Input \(2, 16\) → output \?/);
			assert.match(text, /^Parameters: unknown$/m, 'the generic guess at a reason is gone');
			const line = text.split('\n').find((l) => l.startsWith('**Unknown:**'));
			assert.ok(line, text);
			// Markdown's own characters in the reason are escaped (a colon outside code spans).
			assert.ok(
				line.startsWith(
					`**Unknown:** ${reason.replace(': ', '\\: ')} — [line 4](command:normlens.revealUnknownCause?`,
				),
				line,
			);
			const link = /\(command:normlens\.revealUnknownCause\?([^ )]+)/.exec(line);
			assert.ok(link);
			const args = JSON.parse(decodeURIComponent(link[1])) as unknown[];
			assert.deepStrictEqual(args, [doc.uri.toString(), causeLine, 8, causeLine, 18]);
			await moveAway(doc);
			await vscode.commands.executeCommand('normlens.revealUnknownCause', ...args);
			await selectedCause();
			// A layer whose counts are known gets no "Unknown" line.
			assert.doesNotMatch(await hoverText(doc, 'nn.Linear(8, 16)'), /Unknown:/);
		});

		it('the reveal command refuses arguments NormLens did not make', async () => {
			await moveAway(doc);
			assert.strictEqual(
				await vscode.commands.executeCommand(
					'normlens.revealUnknownCause',
					doc.uri.toString(),
					'three',
					0,
					3,
					1,
				),
				undefined,
			);
			assert.strictEqual(
				await vscode.commands.executeCommand(
					'normlens.revealUnknownCause',
					doc.uri.toString(),
					-1,
					0,
					3,
					1,
				),
				undefined,
			);
			assert.strictEqual(vscode.window.activeTextEditor?.selection.start.line, 0);
		});

		it('inlay hint: the label stays "→ ? · ? params"; its tooltip gives the reason and line', async () => {
			const range = new vscode.Range(0, 0, doc.lineCount, 0);
			const hints = await until(
				() =>
					vscode.commands.executeCommand<vscode.InlayHint[]>(
						'vscode.executeInlayHintProvider',
						doc.uri,
						range,
					),
				(h) => h.length >= 3,
				'inlay hints',
			);
			const hint = hints.find((h) => h.label === '→ ? · ? params');
			assert.ok(hint, JSON.stringify(hints.map((h) => h.label)));
			assert.strictEqual(hint.tooltip, `2 (Linear) — unknown: ${reason} (line 4)`);
		});

		it('panel: totals say why (title and the list of causes); a click on the cause selects it in the editor', async () => {
			const rendered = api.nextPanelRender('model');
			const pos = positionOf(doc, 'nn.Sequential');
			await vscode.commands.executeCommand(
				'normlens.showModelSummary',
				doc.uri.toString(),
				pos.line,
				pos.character,
			);
			const r = await rendered;
			assert.match(r.text, /Total params: \?/);
			assert.match(
				r.text,
				/totals, 2 params unknown: load_width is not defined: Python raises NameError here — line 4/,
			);
			await moveAway(doc);
			await api.panelMessage({ type: 'revealCause', layerName: null });
			await selectedCause();
			await moveAway(doc);
			await api.panelMessage({ type: 'revealCause', layerName: '2' });
			await selectedCause();
		});

		it('a notebook whose stored output holds the printed summary: "Matches the summary this cell printed", or a warning when it differs', async () => {
			const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-printed-'));
			const write = (name: string, total: string) => {
				const file = path.join(tmp, name);
				const source =
					'from tensorflow import keras\nmodel = keras.Sequential([keras.Input((10,)), keras.layers.Dense(20)])\nmodel.summary()';
				const output = {
					output_type: 'stream',
					name: 'stdout',
					text: `Model: "sequential"\n_________________________________________________________________\nTotal params: ${total}\nTrainable params: ${total}\nNon-trainable params: 0\n`,
				};
				fs.writeFileSync(
					file,
					JSON.stringify({
						cells: [
							{
								cell_type: 'code',
								execution_count: 1,
								metadata: {},
								outputs: [output],
								source,
							},
						],
						metadata: { language_info: { name: 'python' } },
						nbformat: 4,
						nbformat_minor: 5,
					}),
				);
				return file;
			};
			for (const [name, total, severity, message] of [
				[
					'same.ipynb',
					'220',
					vscode.DiagnosticSeverity.Information,
					/^Matches the summary this cell printed for `model`: Total params 220/,
				],
				[
					'other.ipynb',
					'110',
					vscode.DiagnosticSeverity.Warning,
					/printed Total params 110 .* NormLens counts Total params 220/,
				],
			] as const) {
				const nb = await vscode.workspace.openNotebookDocument(
					vscode.Uri.file(write(name, total)),
				);
				const cell = nb.cellAt(0).document;
				const diags = await until(
					async () => vscode.languages.getDiagnostics(cell.uri),
					(d) => d.some((x) => x.code === 'printed-summary'),
					`printed-summary in ${name}`,
				);
				const d = diags.find((x) => x.code === 'printed-summary') as vscode.Diagnostic;
				assert.strictEqual(d.severity, severity, name);
				assert.match(d.message, message);
				assert.strictEqual(d.range.start.line, 2);
			}
		});

		it('in a notebook the cause may lie in another cell: "cell 1, line 2", and the reveal opens that cell', async () => {
			const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-unknown-'));
			const file = path.join(tmp, 'unknown.ipynb');
			const cell = (source: string) => ({
				cell_type: 'code',
				execution_count: null,
				metadata: {},
				outputs: [],
				source,
			});
			const nbJson = {
				cells: [
					cell('import torch.nn as nn\nwidth = load_width()'),
					cell(
						'# normlens: input (2, 8)\nnet = nn.Sequential(nn.Linear(8, 16), nn.Linear(16, width))',
					),
				],
				metadata: { language_info: { name: 'python' } },
				nbformat: 4,
				nbformat_minor: 5,
			};
			fs.writeFileSync(file, JSON.stringify(nbJson));
			const nb = await vscode.workspace.openNotebookDocument(vscode.Uri.file(file));
			await vscode.window.showNotebookDocument(nb);
			const first = nb.cellAt(0).document;
			const second = nb.cellAt(1).document;
			const lenses = await until(
				() =>
					vscode.commands.executeCommand<vscode.CodeLens[]>(
						'vscode.executeCodeLensProvider',
						second.uri,
						100,
					),
				(l) => l.length > 0,
				'lenses in the model cell',
			);
			const lens = lenses.find((l) => l.command?.title.startsWith('net: ? params'));
			assert.ok(lens?.command);
			assert.strictEqual(lens.command.title, `net: ? params — unknown: ${notebookReason}`);
			assert.deepStrictEqual(lens.command.arguments, [first.uri.toString(), 1, 8, 1, 18]);
			const text = await hoverText(second, 'nn.Linear(16, width)');
			assert.ok(
				text.includes(
					`**Unknown:** ${notebookReason} — [cell 1, line 2](command:normlens.revealUnknownCause?`,
				),
				text,
			);
			await vscode.commands.executeCommand(
				lens.command.command,
				...(lens.command.arguments ?? []),
			);
			const editor = await until(
				async () => vscode.window.activeTextEditor,
				(e) =>
					e?.document.uri.toString() === first.uri.toString() &&
					e.selection.start.line === 1,
				'the first cell with the cause selected',
			);
			assert.strictEqual(editor?.document.getText(editor.selection), 'load_width');
		});
	});

	describe('bad input never breaks the extension host', () => {
		it('a syntax error mid-edit: a diagnostic, and hovers still work on the statements that parse', async () => {
			const doc = await vscode.workspace.openTextDocument({
				language: 'python',
				content:
					'import tensorflow as tf\ninp = tf.keras.Input((8,))\nx = tf.keras.layers.BatchNormalization()(inp)\nmodel = tf.keras.Model(inp, x)\ny = tf.keras.layers.Dense(3)(x\n',
			});
			await vscode.window.showTextDocument(doc);
			const diags = await until(
				async () => vscode.languages.getDiagnostics(doc.uri),
				(d) => d.some((x) => x.code === 'syntax-error'),
				'syntax error diagnostic',
			);
			assert.ok(diags.some((d) => d.code === 'syntax-error' && d.range.start.line >= 4));
			assert.match(await hoverText(doc, 'BatchNormalization'), /one μ and σ² per feature$/m);
		});

		it('an unknown layer: an information diagnostic and a hover that says the shape is unknown', async () => {
			const doc = await vscode.workspace.openTextDocument({
				language: 'python',
				content:
					'import tensorflow as tf\ninp = tf.keras.Input((8,))\nx = tf.keras.layers.Mystery(4)(inp)\nmodel = tf.keras.Model(inp, x)\n',
			});
			await vscode.window.showTextDocument(doc);
			await until(
				async () => vscode.languages.getDiagnostics(doc.uri),
				(d) => d.some((x) => x.code === 'unknown-layer'),
				'unknown-layer diagnostic',
			);
			const text = await hoverText(doc, 'Mystery');
			assert.match(text, /Input \(None, 8\) → output \?/);
			assert.match(text, /does not know this layer type/);
		});

		it('files that crashed or froze the extension host leave it working: hovers on another file still answer', async () => {
			const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'normlens-hostile-'));
			const hostile: Record<string, string> = {
				'doubling.py':
					'import torch.nn as nn\nnet = nn.Sequential(nn.Linear(3, 4))\nl = [1]\nfor i in range(64):\n    l = l + l\n',
				'lstm.py':
					'import torch.nn as nn\nnet = nn.Sequential(nn.LSTM(300, 512, num_layers=10**8))\n',
				'blank.py': `${'\n'.repeat(150_000)}import torch.nn as nn\nnet = nn.Sequential(nn.Linear(3, 4))\n`,
			};
			for (const [name, text] of Object.entries(hostile)) {
				fs.writeFileSync(path.join(tmp, name), text);
				await vscode.window.showTextDocument(
					await vscode.workspace.openTextDocument(path.join(tmp, name)),
				);
			}
			const lstm = await vscode.workspace.openTextDocument(path.join(tmp, 'lstm.py'));
			const d = await until(
				async () => vscode.languages.getDiagnostics(lstm.uri),
				(x) => x.some((y) => y.code === 'unknown-count'),
				'the LSTM file analysed',
			);
			assert.match(
				d.find((y) => y.code === 'unknown-count')?.message ?? '',
				/num_layers=100000000 is more than/,
			);
			const other = await vscode.workspace.openTextDocument(
				path.join(examples, 'tabular_bn.py'),
			);
			await vscode.window.showTextDocument(other);
			assert.match(await hoverText(other, 'Dense(5)'), /255 parameters/);
		});

		it('an empty file: no lenses, no hints, no errors', async () => {
			const doc = await vscode.workspace.openTextDocument({
				language: 'python',
				content: '',
			});
			assert.deepStrictEqual(await codeLensTitles(doc), []);
			assert.deepStrictEqual(await inlayHintLabels(doc), []);
			// Analysed (the lenses above waited for it), and nothing to report.
			assert.deepStrictEqual(vscode.languages.getDiagnostics(doc.uri), []);
		});

		it('running a non-normalization layer is refused with a message, not an exception', async () => {
			const doc = await vscode.workspace.openTextDocument(
				path.join(examples, 'tabular_bn.py'),
			);
			const pos = positionOf(doc, 'Dense(5)');
			const r = await vscode.commands.executeCommand(
				'normlens.runNormalization',
				doc.uri.toString(),
				pos.line,
				pos.character,
			);
			assert.deepStrictEqual(r, {
				refused: 'NormLens: Dense `dense_1` is not a normalization layer NormLens can run.',
			});
		});
	});
});
