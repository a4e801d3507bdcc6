// End-to-end checks in the real workbench: VS Code's web UI in headless Chromium, driven like a
// user would (Quick Open, hover, command palette), with NormLens loaded as the extension under
// development. Each step asserts what is on screen and saves a screenshot.
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium, repoRoot, startServer } from './vscodeServer.mjs';

const timeout = 60_000;

/**
 * Quick Open can be pressed before the file index is ready (a fresh profile on a busy machine):
 * wait for the file's row before Enter, and retry the whole gesture instead of failing at once.
 */
async function openFile(page, name) {
	const tab = page.locator('.tabs-container .tab.active', { hasText: name });
	for (let attempt = 0; ; attempt++) {
		await page.keyboard.press('Escape');
		await page.keyboard.press('Control+P');
		const input = page.locator('.quick-input-widget input');
		try {
			await input.waitFor({ timeout: 10_000 });
			await input.fill(name);
			await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15_000 });
			await page.keyboard.press('Enter');
			await tab.first().waitFor({ timeout: 15_000 });
			break;
		} catch (e) {
			if (attempt >= 3) {
				throw e;
			}
			await page.waitForTimeout(1000);
		}
	}
	await page.locator('.monaco-editor .view-line').first().waitFor({ timeout });
}

async function runCommand(page, title) {
	const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
	for (let attempt = 0; ; attempt++) {
		await page.keyboard.press('Escape');
		await page.keyboard.press('F1');
		const input = page.locator('.quick-input-widget input');
		try {
			await input.waitFor({ timeout: 10_000 });
			await input.fill(`>${title}`);
			await row.waitFor({ timeout: 15_000 });
			await page.keyboard.press('Enter');
			return;
		} catch (e) {
			if (attempt >= 3) {
				throw e;
			}
			await page.waitForTimeout(1000);
		}
	}
}

/** Moves the mouse onto `word` in the editor line containing `lineText`; clicks first if asked. */
async function pointAt(page, lineText, word, click = false) {
	// View lines are re-rendered when lenses and inlay hints arrive: retry until the span is stable.
	let span;
	let text;
	let box;
	for (let attempt = 0; attempt < 20 && !box; attempt++) {
		const line = page.locator('.monaco-editor .view-line', { hasText: lineText }).first();
		await line.waitFor({ timeout });
		span = line.locator('span span', { hasText: word }).first();
		text = await span.innerText().catch(() => '');
		box = text ? await span.boundingBox().catch(() => null) : null;
		if (!box) {
			await page.waitForTimeout(250);
		}
	}
	if (!box) {
		throw new Error(`"${word}" is not visible`);
	}
	const at = text.indexOf(word) + Math.min(4, word.length / 2);
	const x = box.x + (box.width * at) / text.length;
	const y = box.y + box.height / 2;
	if (click) {
		await page.mouse.click(x, y);
	}
	await page.mouse.move(x, y);
}

/** The frame of our webview whose text matches `re` (webviews are nested iframes). */
async function webviewText(page, re) {
	const end = Date.now() + timeout;
	for (;;) {
		for (const f of page.frames()) {
			try {
				const text = await f.evaluate(() => document.getElementById('app')?.innerText ?? '');
				if (re.test(text)) {
					return { frame: f, text };
				}
			} catch {
				// a frame that is navigating
			}
		}
		if (Date.now() > end) {
			throw new Error(`no webview frame shows ${re}`);
		}
		await page.waitForTimeout(250);
	}
}

/**
 * @param {{ outDir: string, theme?: string }} opts
 * @returns {Promise<{ title: string, ok: boolean, error?: string }[]>}
 */
export async function runUiChecks({ outDir }) {
	fs.mkdirSync(outDir, { recursive: true });
	const results = [];
	// A fresh profile each run: a restored workbench (open editors, panel) would change the layout.
	const dataDir = path.join(repoRoot, '.normlens-tmp', 'vscode-ui');
	fs.rmSync(dataDir, { recursive: true, force: true });
	const server = await startServer({ dataDir });
	const browser = await launchChromium();
	let pageRef;
	const check = async (title, fn) => {
		try {
			await fn();
			results.push({ title, ok: true });
			console.log(`  ✔ ${title}`);
		} catch (e) {
			await pageRef?.screenshot({ path: path.join(outDir, `failed-${results.length}.png`) }).catch(() => undefined);
			results.push({ title, ok: false, error: e instanceof Error ? e.message : String(e) });
			console.log(`  ✗ ${title}\n      ${e instanceof Error ? e.message : e}`);
		}
	};
	try {
		const page = await browser.newPage();
		pageRef = page;
		await page.goto(server.url(path.join(repoRoot, 'examples'), [['extensionDevelopmentPath', repoRoot]]));
		await page.locator('.monaco-workbench').waitFor({ timeout });
		// The workspace is usable once the explorer lists the examples.
		await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'tabular_bn.py' }).first().waitFor({ timeout }).catch(() => undefined);
		await page.waitForTimeout(1500);

		await check('hovering BatchNormalization shows what it normalizes', async () => {
			await openFile(page, 'tabular_bn.py');
			// Wait for NormLens's lens so that the layout no longer moves under the mouse.
			await page.locator('.codelens-decoration', { hasText: '2,005 params' }).first().waitFor({ timeout });
			await pointAt(page, 'bn = tf.keras', 'BatchNormalization', true);
			await page.waitForTimeout(1000);
			await page.mouse.move(5, 500);
			await pointAt(page, 'bn = tf.keras', 'BatchNormalization');
			const hover = page.locator('.monaco-hover', { hasText: 'Normalized over' }).first();
			await hover.waitFor({ timeout });
			const text = await hover.innerText();
			for (const expected of ['batch (axis 0, N)', 'features (axis 1, 50)', 'moving_variance: (50,)', 'momentum']) {
				if (!text.includes(expected)) {
					throw new Error(`hover lacks "${expected}": ${text}`);
				}
			}
			await page.screenshot({ path: path.join(outDir, 'hover.png') });
		});

		await check('"NormLens: Show Model Summary" shows the summary table in the webview', async () => {
			await page.mouse.move(5, 500);
			await runCommand(page, 'NormLens: Show Model Summary');
			const { frame, text } = await webviewText(page, /Total params: 2,005/);
			if ((await frame.evaluate(() => document.querySelectorAll('.katex').length)) !== 1) {
				throw new Error('the formula is not typeset');
			}
			for (const expected of ['batch_normalization (BatchNormalization)', 'Trainable params: 1,905', 'Non-trainable params: 100', 'Normalized over: batch']) {
				if (!text.includes(expected)) {
					throw new Error(`panel lacks "${expected}"`);
				}
			}
			await page.waitForTimeout(500);
			await page.screenshot({ path: path.join(outDir, 'panel.png') });
		});

		await check('"Run Normalization on Sample Tensor" shows per-channel statistics before and after', async () => {
			await pointAt(page, 'bn = tf.keras', 'BatchNormalization', true);
			await runCommand(page, 'NormLens: Run Normalization on Sample Tensor');
			const { frame, text } = await webviewText(page, /Sample run: batch_normalization/);
			if (!/mean before\s+std before\s+mean after\s+std after/.test(text)) {
				throw new Error('no statistics table');
			}
			const drawn = await frame.evaluate(() => [...document.querySelectorAll('canvas')].filter((c) => c.width > 0 && c.height > 0).length);
			if (drawn !== 3) {
				throw new Error(`expected 3 drawn charts, found ${drawn}`);
			}
			await frame.evaluate(() => document.querySelector('section.run')?.scrollIntoView());
			// Let the progress notification close before the picture.
			await page.locator('.notifications-toasts .monaco-progress-container.active').waitFor({ state: 'hidden', timeout }).catch(() => undefined);
			await page.waitForTimeout(1500);
			await page.screenshot({ path: path.join(outDir, 'run.png') });
		});

		await check('the notebook example shows inlay hints and lenses in its cells', async () => {
			await openFile(page, 'conv_bn.ipynb');
			const hint = page.locator('.monaco-editor', { hasText: '6,000,010 params' }).first();
			await hint.waitFor({ timeout });
			const lens = page.locator('.codelens-decoration', { hasText: '6,001,600 params' }).first();
			await lens.waitFor({ timeout });
			await page.screenshot({ path: path.join(outDir, 'notebook.png') });
		});
	} finally {
		await browser.close();
		server.stop();
	}
	return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const out = process.argv[2] ?? path.join(repoRoot, 'docs', 'images');
	const r = await runUiChecks({ outDir: out });
	console.log(`${r.filter((x) => x.ok).length} passed, ${r.filter((x) => !x.ok).length} failed`);
	process.exitCode = r.every((x) => x.ok) ? 0 : 1;
}
