// End-to-end checks in the real workbench: VS Code's web UI in headless Chromium, driven like a
// user would (Quick Open, hover, command palette), with NormLens loaded as the extension under
// development. Each step asserts what is on screen and saves a screenshot.
import fs from 'node:fs';
import path from 'node:path';
import {
	openFile,
	picture,
	pointAt,
	runCommand,
	setTheme,
	timeout,
	webviewText,
} from './uiDriver.mjs';
import { secondWindowChecks } from './uiSecondWindow.mjs';
import { editorChecks } from './uiEditorChecks.mjs';
import { firstStartChecks } from './uiFirstStart.mjs';
import { launchChromium, repoRoot, startServer } from './vscodeServer.mjs';

/** WCAG contrast ratio of the webview's body text on its background, and the background's luminance. */
async function webviewContrast(frame) {
	return frame.evaluate(() => {
		const rgb = (s) => (s.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map(Number);
		const lum = ([r, g, b]) => {
			const f = (c) => {
				c /= 255;
				return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
			};
			return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
		};
		const style = getComputedStyle(document.body);
		const fg = lum(rgb(style.color));
		const bg = lum(rgb(style.backgroundColor));
		return {
			ratio: (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05),
			background: bg,
			fg: style.color,
			bg: style.backgroundColor,
		};
	});
}

/**
 * Every text of the panel on its own background, as WCAG 1.4.3 measures it: each element holding
 * visible text, its colour (an SVG text's fill) composited over the backgrounds of it and its
 * ancestors; the ones below 4.5:1 (3:1 for large text). Disabled controls are exempt (WCAG), and
 * so is KaTeX's MathML copy, which only screen readers read.
 */
async function lowContrastTexts(frame) {
	return frame.evaluate(() => {
		const rgba = (s) => {
			const m = (s.match(/[\d.]+/g) ?? ['0', '0', '0']).map(Number);
			return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1];
		};
		const over = (top, bottom) =>
			[0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3]));
		const lum = (c) => {
			const f = (v) => {
				v /= 255;
				return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
			};
			return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
		};
		const background = (el) => {
			const chain = [];
			for (let e = el; e; e = e.parentElement) {
				chain.push(e);
			}
			let bg = [255, 255, 255];
			for (const e of chain.reverse()) {
				const c = rgba(getComputedStyle(e).backgroundColor);
				if (c[3] > 0) {
					bg = over(c, bg);
				}
			}
			return bg;
		};
		const low = [];
		const seen = new Set();
		const walker = document.createTreeWalker(
			document.getElementById('app'),
			4, // NodeFilter.SHOW_TEXT
		);
		for (let n = walker.nextNode(); n; n = walker.nextNode()) {
			const el = n.parentElement;
			if (!n.textContent.trim() || !el || seen.has(el)) {
				continue;
			}
			seen.add(el);
			const box = el.getBoundingClientRect();
			const cs = getComputedStyle(el);
			if (
				box.width === 0 ||
				box.height === 0 ||
				cs.visibility === 'hidden' ||
				el.closest('button:disabled, .katex-mathml, [aria-hidden="true"]')
			) {
				continue;
			}
			const bg = background(el);
			const fg = over(
				rgba(el.namespaceURI === 'http://www.w3.org/2000/svg' ? cs.fill : cs.color),
				bg,
			);
			const [a, b] = [lum(fg), lum(bg)];
			const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
			const size = parseFloat(cs.fontSize);
			const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
			if (ratio < (large ? 3 : 4.5)) {
				low.push(
					`"${n.textContent.trim().slice(0, 30)}" (${el.tagName.toLowerCase()}${el.classList.length ? '.' + [...el.classList].join('.') : ''}${el.closest('tr.selected') ? ' in the selected row' : ''}) ${ratio.toFixed(2)}:1`,
				);
			}
		}
		return low;
	});
}

/** Cells of the summary table whose text wraps onto more than one line (`white-space: nowrap` keeps them on one). */
async function wrappedCells(frame) {
	return frame.evaluate(() =>
		[...document.querySelectorAll('table.summary td, table.summary th')]
			.filter((c) => {
				// The lines the cell's own text occupies: distinct tops of its text boxes.
				const range = document.createRange();
				range.selectNodeContents(c);
				// An empty box (a leaf row's blank fold caret) holds no text and is no line.
				const tops = new Set(
					[...range.getClientRects()]
						.filter((r) => r.height > 0 && r.width > 0)
						.map((r) => Math.round(r.top)),
				);
				return tops.size > 1;
			})
			.map((c) => c.innerText.replace(/\s+/g, ' ').slice(0, 30)),
	);
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
			await pageRef
				?.screenshot({ path: path.join(outDir, `failed-${results.length}.png`) })
				.catch(() => undefined);
			results.push({ title, ok: false, error: e instanceof Error ? e.message : String(e) });
			console.log(`  ✗ ${title}\n      ${e instanceof Error ? e.message : e}`);
		}
	};
	try {
		const page = await browser.newPage();
		pageRef = page;
		await page.goto(
			server.url(path.join(repoRoot, 'examples'), [['extensionDevelopmentPath', repoRoot]]),
		);
		await page.locator('.monaco-workbench').waitFor({ timeout });
		// The workspace is usable once the explorer lists the examples.
		await page
			.locator('.explorer-folders-view .monaco-list-row', { hasText: 'tabular_bn.py' })
			.first()
			.waitFor({ timeout })
			.catch(() => undefined);
		await page.waitForTimeout(1500);

		await check('hovering BatchNormalization shows what it normalizes', async () => {
			await openFile(page, 'tabular_bn.py');
			// Wait for NormLens's lens so that the layout no longer moves under the mouse.
			await page
				.locator('.codelens-decoration', { hasText: '2,005 params' })
				.first()
				.waitFor({ timeout });
			await pointAt(page, 'bn = tf.keras', 'BatchNormalization', true);
			await page.waitForTimeout(1000);
			await page.mouse.move(5, 500);
			await pointAt(page, 'bn = tf.keras', 'BatchNormalization');
			const hover = page.locator('.monaco-hover', { hasText: 'Normalized over' }).first();
			await hover.waitFor({ timeout });
			const text = await hover.innerText();
			for (const expected of [
				'Each of the 50 features gets its own mean and variance',
				'batch (axis 0, N)',
				'one μ and σ² per feature',
				'moving_variance: (50,)',
				'momentum',
			]) {
				if (!text.includes(expected)) {
					throw new Error(`hover lacks "${expected}": ${text}`);
				}
			}
			// The plain sentence first, the actions next, the details after them — all in view without scrolling.
			if (!(
				text.indexOf('Each of the 50 features') < text.indexOf('Run on sample tensor') &&
				text.indexOf('Run on sample tensor') < text.indexOf('Input (None, 50)')
			)) {
				throw new Error(`hover order: ${text}`);
			}
			const scroll = await hover.evaluate((h) => {
				const box = h.querySelector('.monaco-scrollable-element') ?? h;
				const content = h.querySelector('.hover-contents, .monaco-hover-content') ?? h;
				return { box: box.clientHeight, content: content.scrollHeight };
			});
			if (scroll.content > scroll.box + 4) {
				throw new Error(
					`the hover needs scrolling: ${scroll.content} px of content in ${scroll.box} px`,
				);
			}
			await page.screenshot({ path: path.join(outDir, 'hover.png') });
		});

		await check(
			'"NormLens: Show Model Summary" shows the summary table in the webview',
			async () => {
				await page.mouse.move(5, 500);
				await runCommand(page, 'NormLens: Show Model Summary');
				const { frame, text } = await webviewText(page, /Total params: 2,005/);
				// KaTeX arrives in its own chunk after the table is drawn (src/webview/lazy.ts).
				await frame
					.waitForFunction(() => document.querySelectorAll('.katex').length > 0, null, {
						timeout: 10_000,
					})
					.catch(() => undefined);
				if (
					(await frame.evaluate(() => document.querySelectorAll('.katex').length)) !== 1
				) {
					throw new Error('the formula is not typeset');
				}
				for (const expected of [
					'batch_normalization (BatchNormalization)',
					// Keras 3's byte sizes: float32 weights, readable_memory_size's 1024 steps.
					'Total params: 2,005 (7.83 KB)',
					'Trainable params: 1,905 (7.44 KB)',
					'Non-trainable params: 100 (400.00 B)',
					'Normalized over: batch',
				]) {
					if (!text.includes(expected)) {
						throw new Error(`panel lacks "${expected}"`);
					}
				}
				await page.waitForTimeout(500);
				await page.screenshot({ path: path.join(outDir, 'panel.png') });
			},
		);

		await check(
			'the counting toggle shows the Keras model as PyTorch counts it, and back',
			async () => {
				let { frame } = await webviewText(page, /Total params: 2,005/);
				await frame.click('label[for="count-torch"]');
				({ frame } = await webviewText(page, /Buffers: 100/));
				const text = await frame.evaluate(
					() => document.getElementById('app')?.innerText ?? '',
				);
				if (!/Total params: 1,905/.test(text) || !/PyTorch convention/.test(text)) {
					throw new Error(`PyTorch-style counts missing: ${text.slice(0, 400)}`);
				}
				await frame.click('label[for="count-keras"]');
				await webviewText(page, /Total params: 2,005/);
			},
		);

		await check(
			'the panel works by keyboard: arrows move between rows, Enter selects one and reveals it',
			async () => {
				const { frame } = await webviewText(page, /Total params: 2,005/);
				await frame.focus('tr[data-layer="batch_normalization"]');
				await page.keyboard.press('ArrowDown');
				await page.keyboard.press('Enter');
				await webviewText(
					page,
					/dense_1 \(Dense\)\s+Input \(None, 50\) → output \(None, 5\)/,
				);
				const selected = await frame.evaluate(() =>
					document.querySelector('tr[aria-selected="true"]')?.getAttribute('data-layer'),
				);
				if (selected !== 'dense_1') {
					throw new Error(`selected row: ${selected}`);
				}
				// The editor revealed the layer: the status bar's cursor position is on its line (11).
				await page
					.locator('#status\\.editor\\.selection', { hasText: /Ln 11,/ })
					.first()
					.waitFor({ timeout: 15_000 });
			},
		);

		await check(
			'"Run Normalization on Sample Tensor" shows per-channel statistics before and after',
			async () => {
				await pointAt(page, 'bn = tf.keras', 'BatchNormalization', true);
				await runCommand(page, 'NormLens: Run Normalization on Sample Tensor');
				const { frame, text } = await webviewText(page, /Sample run: batch_normalization/);
				if (!/mean before\s+std before\s+mean after\s+std after/.test(text)) {
					throw new Error('no statistics table');
				}
				const drawn = await frame.evaluate(
					() =>
						[...document.querySelectorAll('canvas')].filter(
							(c) => c.width > 0 && c.height > 0,
						).length,
				);
				if (drawn !== 3) {
					throw new Error(`expected 3 drawn charts, found ${drawn}`);
				}
				await picture(page, frame, 'section.run', path.join(outDir, 'run.png'));
			},
		);

		await check(
			'the notebook example shows inlay hints, lenses and the cell status bar totals',
			async () => {
				await openFile(page, 'conv_bn.ipynb');
				const hint = page
					.locator('.monaco-editor', { hasText: '6,000,010 params' })
					.first();
				await hint.waitFor({ timeout });
				const lens = page
					.locator('.codelens-decoration', { hasText: '6,001,600 params' })
					.first();
				await lens.waitFor({ timeout });
				const status = page
					.locator('.cell-statusbar-container', { hasText: 'model: 6,001,600 params' })
					.first();
				await status.waitFor({ timeout });
				await page.screenshot({ path: path.join(outDir, 'notebook.png') });
			},
		);

		await check(
			'"Compare Normalizations" draws BN, LN, IN and GN of one tensor side by side',
			async () => {
				await pointAt(page, 'bn = tf.keras', 'BatchNormalization', true);
				await runCommand(page, 'NormLens: Compare Normalizations');
				const { frame } = await webviewText(
					page,
					/Compare normalizations on the input of batch_normalization \(32, 100, 200, 30\)/,
				);
				// One histogram of the input and one per normalization, once all four have run.
				const end = Date.now() + timeout;
				let drawn = 0;
				while (Date.now() < end && drawn !== 5) {
					await page.waitForTimeout(250);
					drawn = await frame.evaluate(
						() =>
							[...document.querySelectorAll('section.compare canvas')].filter(
								(c) => c.width > 0 && c.height > 0,
							).length,
					);
				}
				if (drawn !== 5) {
					throw new Error(`expected 5 drawn charts in the compare view, found ${drawn}`);
				}
				const text = await frame.evaluate(
					() => document.querySelector('section.compare')?.innerText ?? '',
				);
				for (const expected of [
					'layers.GroupNormalization(groups=-1)',
					'layers.GroupNormalization(groups=15)',
					'layers.LayerNormalization(axis=[1, 2, 3])',
					'μ, σ² (32, 15)',
				]) {
					if (!text.includes(expected)) {
						throw new Error(`compare view lacks "${expected}"`);
					}
				}
				const drawings = await frame.evaluate(
					() => document.querySelectorAll('section.compare svg.tensor').length,
				);
				if (drawings !== 4) {
					throw new Error(`expected 4 tensor drawings, found ${drawings}`);
				}
				await picture(page, frame, 'section.compare', path.join(outDir, 'compare.png'));
			},
		);

		for (const [theme, file, light] of [
			['Light Modern', 'panel-light.png', true],
			['Light+', undefined, true],
			['Dark Modern', undefined, false],
			['Dark High Contrast', 'panel-high-contrast.png', false],
		]) {
			await check(`the panel is readable in ${theme}`, async () => {
				await setTheme(page, theme);
				const { frame } = await webviewText(page, /Compare normalizations/);
				await frame.evaluate(() => window.scrollTo(0, 0));
				await page.waitForTimeout(500);
				const c = await webviewContrast(frame);
				if (c.ratio < 4.5 || (light ? c.background < 0.7 : c.background > 0.05)) {
					throw new Error(
						`${theme}: text ${c.fg} on ${c.bg}, contrast ${c.ratio.toFixed(1)}`,
					);
				}
				// Every text on its own background, the selected row and the layer types included.
				const low = await lowContrastTexts(frame);
				// At this width (the panel beside the editor) no cell wraps: shapes stay on one line.
				const wrapped = await wrappedCells(frame);
				if (wrapped.length > 0) {
					throw new Error(
						`${theme}: ${wrapped.length} cells wrap: ${wrapped.slice(0, 6).join(' | ')}`,
					);
				}
				if (low.length > 0) {
					throw new Error(
						`${theme}: ${low.length} texts below WCAG AA: ${low.slice(0, 8).join('; ')}`,
					);
				}
				if (file) {
					await page.screenshot({ path: path.join(outDir, file) });
				}
			});
		}

		await check(
			'"Simulate Training Steps" draws the running statistics, the train/eval gap and the batch noise',
			async () => {
				await pointAt(page, 'bn = tf.keras', 'BatchNormalization', true);
				await runCommand(page, 'NormLens: Simulate Training Steps');
				const { frame, text } = await webviewText(
					page,
					/Training steps: batch_normalization on \(32, 100, 200, 30\), 200 steps/,
				);
				for (const expected of [
					'moving_mean ← 0.99 · moving_mean + 0.01 · μ_batch',
					'their outputs differ by',
					'noise falls as 1/√batch',
					'running variance',
				]) {
					if (!text.includes(expected)) {
						throw new Error(`simulation lacks "${expected}"`);
					}
				}
				const drawn = await frame.evaluate(
					() =>
						[...document.querySelectorAll('section.simulation canvas')].filter(
							(c) => c.width > 0 && c.height > 0,
						).length,
				);
				if (drawn !== 4) {
					throw new Error(`expected 4 drawn charts in the simulation, found ${drawn}`);
				}
				await picture(page, frame, 'section.simulation', path.join(outDir, 'simulate.png'));
			},
		);

		await check(
			'after a window reload the panel is restored (WebviewPanelSerializer)',
			async () => {
				await setTheme(page, 'Dark Modern');
				// Let the theme change and the panel's last state reach the workbench before it shuts down.
				await webviewText(page, /Total params: 6,001,600/);
				await page.waitForTimeout(1000);
				// Reload as a user does (Developer: Reload Window): the workbench shuts down gracefully and
				// stores the open editors and the webview's state first. A bare browser reload skips that
				// shutdown and loses what VS Code had not flushed yet (1 run in ~10 failed that way).
				const reload = async () => {
					const navigated = page.waitForNavigation({ timeout }).catch(() => undefined);
					await runCommand(page, 'Developer: Reload Window');
					await navigated;
					await page.locator('.monaco-workbench').waitFor({ timeout });
				};
				await reload();
				// Whether the workbench brings the editor tab back is VS Code's own state, stored when the
				// window shuts down; what NormLens answers for is the panel once its tab is back (the
				// serializer re-renders it). In CI, 1 run in ~8 came back with no tab at all: that case
				// reloads once more and says so, and a tab that is back without its panel still fails.
				const panelTab = page.locator('.tabs-container .tab', { hasText: 'NormLens' });
				if (
					!(await panelTab
						.first()
						.waitFor({ timeout: 20_000 })
						.then(
							() => true,
							() => false,
						))
				) {
					console.log(
						'    (the workbench restored no NormLens tab after the reload; reloading once more)',
					);
					await reload();
				}
				await page
					.screenshot({ path: path.join(outDir, 'after-reload.png') })
					.catch(() => undefined);
				const restored = () => webviewText(page, /Total params: 6,001,600/);
				const { text } = await restored()
					.catch(async (first) => {
						// Seen 1 run in ~5 locally: the NormLens tab is back and active but its webview shows no
						// document. Clicking the tab (what a user would do) is tried once and reported; a
						// serializer that does not restore the panel still fails here.
						await page
							.screenshot({ path: path.join(outDir, 'after-reload-blank.png') })
							.catch(() => undefined);
						await page
							.locator('.tabs-container .tab', { hasText: 'NormLens' })
							.first()
							.click({ timeout: 10_000 })
							.catch(() => undefined);
						const again = await restored().catch(() => undefined);
						if (again) {
							console.log(
								`    (the restored panel stayed blank until its tab was clicked: ${first.message})`,
							);
							return again;
						}
						// Seen 2 runs in ~10: the workbench came back with every editor in one group and the
						// NormLens tab as an unrevived preview — VS Code web restored an older layout. One more
						// reload, reported; a panel the serializer cannot restore fails both.
						console.log(
							`    (the panel tab came back unrevived in an older layout; reloading once more: ${first.message})`,
						);
						await reload();
						return restored();
					})
					.catch(async (e) => {
						// Say what the restored workbench shows: which tabs came back, in which group, which is active.
						const groups = await page
							.locator('.editor-group-container')
							.evaluateAll((els) =>
								els.map((g) =>
									[...g.querySelectorAll('.tabs-container .tab')]
										.map(
											(t) =>
												`${t.classList.contains('active') ? '*' : ''}${t.getAttribute('aria-label') ?? t.textContent}`,
										)
										.join(', '),
								),
							)
							.catch(() => []);
						const toasts = await page
							.locator('.notifications-toasts .notification-list-item-message')
							.allInnerTexts()
							.catch(() => []);
						throw new Error(
							`${e.message}; editor groups after the reload: ${groups.map((g) => `[${g}]`).join(' ') || 'none'}; notifications: ${toasts.join(' | ') || 'none'}`,
						);
					});
				if (!text.includes('batch_normalization (BatchNormalization)')) {
					throw new Error('the restored panel lacks its table');
				}
			},
		);

		await check(
			'the module tree of a PyTorch model folds by keyboard (treegrid, one tab stop)',
			async () => {
				await openFile(page, 'torch_blocks.py');
				await page
					.locator('.codelens-decoration', { hasText: '27,098 params' })
					.first()
					.waitFor({ timeout });
				await runCommand(page, 'NormLens: Show Model Summary');
				let { frame } = await webviewText(page, /Total params: 27,098/);
				await frame.click('label[for="view-tree"]');
				({ frame } = await webviewText(page, /Module \(type\)/));
				const rows = () =>
					frame.evaluate(() => document.querySelectorAll('table.tree tbody tr').length);
				const row = (name) =>
					frame.evaluate(
						(n) =>
							document
								.querySelector(`table.tree tr[data-module="${n}"]`)
								?.getAttribute('data-call') ?? null,
						name,
					);
				const focused = () =>
					frame.evaluate(() => document.activeElement?.getAttribute('data-call') ?? null);
				if ((await rows()) !== 22) {
					throw new Error(`expected 22 calls in the tree, found ${await rows()}`);
				}
				const tabStops = await frame.evaluate(
					() => document.querySelectorAll('table.tree tr[tabindex="0"]').length,
				);
				if (tabStops !== 1) {
					throw new Error(`the tree has ${tabStops} tab stops, not one`);
				}
				const stages = await row('stages');
				const text = await frame.evaluate(
					(i) => document.querySelector(`tr[data-call="${i}"]`)?.textContent ?? '',
					stages,
				);
				if (!text.includes('25,984')) {
					throw new Error(`the stages row does not sum its blocks: ${text}`);
				}
				// torchinfo's columns (its definitions, as the CLI and the unit tests check them).
				const heads = await frame.evaluate(() =>
					[...document.querySelectorAll('table.tree thead th')].map((h) => h.textContent),
				);
				const wanted = [
					'Module (type)',
					'Kernel Shape',
					'Input Shape',
					'Output Shape',
					'Param #',
					'Param %',
					'Mult-Adds',
					'Trainable',
				];
				if (heads.join('|') !== wanted.join('|')) {
					throw new Error(`the tree's columns are ${heads.join(', ')}`);
				}
				const cells = (i) =>
					frame.evaluate(
						(n) =>
							[...(document.querySelector(`tr[data-call="${n}"]`)?.cells ?? [])].map(
								(c) => c.textContent,
							),
						i,
					);
				const stem = (await cells(await row('stem.0'))).join('|');
				if (!stem.includes('[3, 3]|') || !stem.includes('|1.59%|3,538,944|True')) {
					throw new Error(`the stem conv's torchinfo cells: ${stem}`);
				}
				const all = await frame.evaluate(
					() => document.getElementById('app')?.innerText ?? '',
				);
				// Eight columns and the footer, and still no cell wraps: the table scrolls in its box.
				const wrapped = await wrappedCells(frame);
				if (wrapped.length > 0) {
					throw new Error(
						`${wrapped.length} tree cells wrap: ${wrapped.slice(0, 6).join(' | ')}`,
					);
				}
				for (const line of [
					'Total mult-adds (M): 24.52',
					'Input size (kB): 98.36',
					'Forward/backward pass size (MB): 5.24',
					'Params size (kB): 108.39',
					'Estimated Total Size (MB): 5.45',
				]) {
					if (!all.includes(line)) {
						throw new Error(`the tree's footer lacks "${line}"`);
					}
				}
				await frame.focus(`tr[data-call="${stages}"]`);
				await page.keyboard.press('ArrowLeft');
				await frame.waitForFunction(
					() => document.querySelectorAll('table.tree tbody tr').length === 8,
				);
				const expanded = await frame.evaluate(
					(i) =>
						document
							.querySelector(`tr[data-call="${i}"]`)
							?.getAttribute('aria-expanded'),
					stages,
				);
				if (expanded !== 'false' || (await focused()) !== stages) {
					throw new Error(
						`after ArrowLeft: aria-expanded ${expanded}, focus ${await focused()}`,
					);
				}
				// Folded, a module shows what torchinfo prints at its depth limit: its whole share and mult-adds.
				const foldedStages = (await cells(stages)).join('|');
				if (!foldedStages.includes('|25,984|95.89%|20,974,592|')) {
					throw new Error(`the folded stages row: ${foldedStages}`);
				}
				await page.keyboard.press('ArrowRight');
				await frame.waitForFunction(
					() => document.querySelectorAll('table.tree tbody tr').length === 22,
				);
				await page.keyboard.press('ArrowRight');
				if ((await focused()) !== (await row('stages.0'))) {
					throw new Error(`ArrowRight on an open row did not move to its first child`);
				}
				await page.keyboard.press('ArrowLeft');
				await frame.waitForFunction(
					() => document.querySelectorAll('table.tree tbody tr').length === 16,
				);
				await page.waitForTimeout(300);
				await picture(page, frame, 'section', path.join(outDir, 'panel-tree.png'));
			},
		);

		await check(
			'the graph view draws the skip connections of a ResNet block and a U-Net, and a node click reveals its line',
			async () => {
				// A reload can bring every editor back in one group: the panel goes beside the editor, as
				// "Show Model Summary" opens it, so that revealing a line leaves it in view.
				if ((await page.locator('.editor-group-container').count()) < 2) {
					await page
						.locator('.tabs-container .tab', { hasText: 'NormLens' })
						.first()
						.click();
					await runCommand(page, 'View: Move Editor into Right Group');
					await page.waitForTimeout(1000);
				}
				let { frame } = await webviewText(page, /Total params: 27,098/);
				await frame.click('label[for="view-graph"]');
				await frame.waitForSelector('svg.graph g.node');
				// A skip connection: an edge between nodes that are not next to each other in the
				// forward's order, on screen (inside the graph's scroll box and the panel's viewport).
				const skipsInView = () =>
					frame.evaluate(() => {
						const order = [...document.querySelectorAll('svg.graph g.node')].map((g) =>
							g.getAttribute('data-node'),
						);
						const box = document.querySelector('.graph-box').getBoundingClientRect();
						const inView = (r) =>
							r.left >= Math.max(0, box.left) - 1 &&
							r.top >= Math.max(0, box.top) - 1 &&
							r.right <= Math.min(window.innerWidth, box.right) + 1 &&
							r.bottom <= Math.min(window.innerHeight, box.bottom) + 1;
						return [...document.querySelectorAll('svg.graph path.edge')]
							.filter((e) => {
								const a = order.indexOf(e.getAttribute('data-from'));
								const b = order.indexOf(e.getAttribute('data-to'));
								return a >= 0 && b >= 0 && Math.abs(b - a) > 1;
							})
							.filter((e) => inView(e.getBoundingClientRect()))
							.map(
								(e) =>
									`${e.getAttribute('data-from')} → ${e.getAttribute('data-to')}`,
							);
					});
				const label = (id) =>
					frame.evaluate(
						(i) =>
							document.querySelector(`g.node[data-node="${i}"] text.label`)
								?.textContent,
						id,
					);
				// Zoom out with the toolbar until the whole graph fits in its box; returns the clicks it took.
				const zoomToFit = async () => {
					let clicks = 0;
					for (; clicks < 15; clicks++) {
						const fits = await frame.evaluate(() => {
							const box = document.querySelector('.graph-box');
							return box.scrollHeight <= box.clientHeight + 1;
						});
						if (fits) {
							break;
						}
						await frame.click('#graph-zoom-out');
					}
					return clicks;
				};
				const zoomedOut = await zoomToFit();
				const blockSkips = await skipsInView();
				const adds = [];
				for (const s of blockSkips) {
					const [from, to] = s.split(' → ');
					adds.push(`${await label(from)} → ${await label(to)}`);
				}
				// The first Block: its shortcut branches off the stem, and the branches meet at the add.
				if (
					!adds.includes('stem.2 → stages.0.shortcut.0') ||
					!adds.includes('stages.0.bn → add')
				) {
					throw new Error(`skip edges in view: ${adds.join(', ') || 'none'}`);
				}
				for (let i = 0; i < zoomedOut; i++) {
					await frame.click('#graph-zoom-in');
				}
				// Normalization nodes are marked by their badge, not by colour alone.
				const badges = await frame.evaluate(
					() => document.querySelectorAll('svg.graph g.node.norm text.badge').length,
				);
				if (badges !== 5) {
					throw new Error(`expected 5 BatchNorm2d nodes with a badge, found ${badges}`);
				}
				// A click selects the layer, shows its attributes and weights, and reveals its line (34).
				await frame.click('svg.graph g.node[data-layer="head"]');
				await page
					.locator('#status\\.editor\\.selection', { hasText: /Ln 34,/ })
					.first()
					.waitFor({ timeout: 15_000 });
				({ frame } = await webviewText(
					page,
					/Attributes[\s\S]*in_features[\s\S]*Weights[\s\S]*weight\s+\(10, 64\) trainable/,
				));
				// The editor took the focus, as after a row of the table; back to the node by keyboard.
				await frame.focus('svg.graph g.node[data-layer="head"]');
				// By keyboard: ArrowUp follows the edge into the node, Enter selects it.
				await page.keyboard.press('ArrowUp');
				await page.keyboard.press('Enter');
				await webviewText(page, /pool \(AdaptiveAvgPool2d\)\s+Input/);
				await page
					.locator('#status\\.editor\\.selection', { hasText: /Ln 33,/ })
					.first()
					.waitFor({ timeout: 15_000 });
				// A merge op reveals where it is written: the `+` of Block.forward (line 23).
				await frame.click('svg.graph g.node.op');
				await page
					.locator('#status\\.editor\\.selection', { hasText: /Ln 23,/ })
					.first()
					.waitFor({ timeout: 15_000 });
				await frame.click('svg.graph g.node[data-layer="stages.0.bn"]');
				await page.waitForTimeout(300);
				await picture(page, frame, '.graph-view', path.join(outDir, 'panel-graph.png'));
				// Every text of the graph and its sidebar on its own background, in the four themes.
				for (const theme of [
					'Light Modern',
					'Light+',
					'Dark High Contrast',
					'Dark Modern',
				]) {
					await setTheme(page, theme);
					({ frame } = await webviewText(page, /Total params: 27,098/));
					const low = await lowContrastTexts(frame);
					if (low.length > 0) {
						throw new Error(
							`${theme}: ${low.length} texts below WCAG AA: ${low.slice(0, 8).join('; ')}`,
						);
					}
				}

				// The U-Net: the panel follows the editor; its bridges from the encoder to each cat.
				await openFile(page, 'torch_unet.py');
				({ frame } = await webviewText(page, /Total params: 117,378/));
				await frame.waitForSelector('svg.graph g.node.op');
				await zoomToFit();
				const bridges = [];
				for (const s of await skipsInView()) {
					const [from, to] = s.split(' → ');
					bridges.push(`${await label(from)} → ${await label(to)}`);
				}
				if (!bridges.includes('inc.bn2 → cat') || !bridges.includes('down1.bn2 → cat')) {
					throw new Error(`U-Net skip edges in view: ${bridges.join(', ') || 'none'}`);
				}
			},
		);

		await check(
			'a Keras model with nested models unfolds them by keyboard (Keras rows and columns, summed parameters)',
			async () => {
				await openFile(page, 'keras_nested.py');
				await page
					.locator('.codelens-decoration', { hasText: '2,340,485 params' })
					.first()
					.waitFor({ timeout });
				// The cursor on the last line: the model there is the nearest above, `model` (its
				// Sequentials, defined first, are models too).
				await page
					.locator('.monaco-editor .view-line', { hasText: 'import keras' })
					.first()
					.click();
				await page.keyboard.press('Control+End');
				await runCommand(page, 'NormLens: Show Model Summary');
				let { frame } = await webviewText(page, /Total params: 2,340,485/);
				await frame.click('label[for="view-tree"]');
				await frame.waitForSelector('table.tree tbody tr[data-module="head"]');
				const count = () =>
					frame.evaluate(() => document.querySelectorAll('table.tree tbody tr').length);
				const cells = (name) =>
					frame.evaluate(
						(n) =>
							[
								...(document.querySelector(`table.tree tr[data-module="${n}"]`)
									?.cells ?? []),
							]
								.map((c) => c.textContent.trim())
								.join('|'),
						name,
					);
				const focused = () =>
					frame.evaluate(
						() => document.activeElement?.getAttribute('data-module') ?? null,
					);
				const attr = (name, a) =>
					frame.evaluate(
						([n, x]) =>
							document
								.querySelector(`table.tree tr[data-module="${n}"]`)
								?.getAttribute(x) ?? null,
						[name, a],
					);
				// Keras's columns only: no torchinfo column has a Keras meaning.
				const heads = await frame.evaluate(() =>
					[...document.querySelectorAll('table.tree thead th')].map((h) => h.textContent),
				);
				if (heads.join('|') !== 'Layer (type)|Output Shape|Param #|Trainable') {
					throw new Error(`the Keras tree's columns are ${heads.join(', ')}`);
				}
				// It opens as model.summary() prints the model: the model, then its 5 layers, nested ones folded.
				if ((await count()) !== 6) {
					throw new Error(
						`expected 6 rows with the nested models folded, found ${await count()}`,
					);
				}
				const base = await cells('mobilenetv2_1.00_96');
				if (base !== '▸mobilenetv2_1.00_96 (Functional)|(None, 3, 3, 1280)|2,257,984|N') {
					throw new Error(`the base's row: ${base}`);
				}
				if ((await attr('head', 'aria-expanded')) !== 'false') {
					throw new Error('the head row is not a folded tree row');
				}
				// By keyboard: the base unfolds to its 154 layers, each with its own count.
				await frame.focus('table.tree tr[data-module="mobilenetv2_1.00_96"]');
				await page.keyboard.press('ArrowRight');
				await frame.waitForFunction(
					() => document.querySelectorAll('table.tree tbody tr').length === 160,
				);
				if ((await cells('Conv1')) !== 'Conv1 (Conv2D)|(None, 48, 48, 32)|864|N') {
					throw new Error(`the base's first conv: ${await cells('Conv1')}`);
				}
				await page.keyboard.press('ArrowLeft');
				await frame.waitForFunction(
					() => document.querySelectorAll('table.tree tbody tr').length === 6,
				);
				await frame.focus('table.tree tr[data-module="head"]');
				await page.keyboard.press('ArrowRight');
				await frame.waitForFunction(
					() => document.querySelectorAll('table.tree tbody tr').length === 11,
				);
				const head = [
					await cells('head'),
					await cells('dense'),
					await cells('batch_normalization'),
					await cells('dropout'),
					await cells('dense_1'),
				].join(' / ');
				const wanted = [
					'▾head (Sequential)|(None, 5)|82,501|Y',
					'dense (Dense)|(None, 64)|81,920|Y',
					'batch_normalization (BatchNormalization)|(None, 64)|256|Y',
					'dropout (Dropout)|(None, 64)|0|-',
					'dense_1 (Dense)|(None, 5)|325|Y',
				].join(' / ');
				if (head !== wanted) {
					throw new Error(`the head's rows: ${head}`);
				}
				if ((await attr('dense', 'aria-level')) !== '3' || (await focused()) !== 'head') {
					throw new Error(
						`after ArrowRight: dense at level ${await attr('dense', 'aria-level')}, focus on ${await focused()}`,
					);
				}
				// ArrowRight on an open row goes to its first child, ArrowLeft back to the parent.
				await page.keyboard.press('ArrowRight');
				if ((await focused()) !== 'dense') {
					throw new Error(`ArrowRight on the open head went to ${await focused()}`);
				}
				await page.keyboard.press('ArrowLeft');
				if ((await focused()) !== 'head') {
					throw new Error(`ArrowLeft on a child went to ${await focused()}`);
				}
				// The depth control: depth 1 is the rows model.summary() prints.
				await frame.selectOption('#tree-depth', '1');
				await frame.waitForFunction(
					() => document.querySelectorAll('table.tree tbody tr').length === 6,
				);
				await frame.selectOption('#tree-depth', '');
				await frame.waitForFunction(
					() => document.querySelectorAll('table.tree tbody tr').length === 11,
				);
				const wrapped = await wrappedCells(frame);
				if (wrapped.length > 0) {
					throw new Error(
						`${wrapped.length} tree cells wrap: ${wrapped.slice(0, 6).join(' | ')}`,
					);
				}
				// The picture with the panel's group maximized (the tree's four columns in view), then restored.
				await page.locator('.tabs-container .tab', { hasText: 'NormLens' }).first().click();
				await runCommand(page, 'View: Toggle Maximize Editor Group');
				await page.waitForTimeout(800);
				({ frame } = await webviewText(page, /Total params: 2,340,485/));
				await picture(page, frame, 'section', path.join(outDir, 'panel-keras-tree.png'));
				await runCommand(page, 'View: Toggle Maximize Editor Group');
			},
		);

		await secondWindowChecks({ browser, server, check, outDir });

		await editorChecks({ browser, server, check, outDir });

		// On a server of its own (a fresh profile started as `npm start` starts it).
		await firstStartChecks({ browser, check, outDir });
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
