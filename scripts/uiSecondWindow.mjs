// Workbench checks in a second window, on a folder of their own: the printed-summary check (a real
// notebook whose stored torchsummary output agrees with NormLens, and a copy edited to disagree) and
// a 3,997-layer model's table, drawn a window at a time and reachable by keyboard.
import fs from 'node:fs';
import path from 'node:path';
import { openFile, openWindow, picture, runCommand, timeout, webviewText } from './uiDriver.mjs';
import { bigKerasFile } from './benchInputs.mjs';
import { launchChromium, repoRoot, startServer } from './vscodeServer.mjs';
const corpus = path.join(
	repoRoot,
	'test/fixtures/corpus/torch_layernorm_chw_torchsummary/Assignment_8_Network_with_Layer_Normalization.ipynb',
);

/** A folder with the corpus notebook as stored, and a copy whose printed summary says a LayerNorm has half its parameters. */
function printedFolder() {
	const dir = path.join(repoRoot, '.normlens-tmp', 'printed-check');
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	const text = fs.readFileSync(corpus, 'utf8');
	fs.writeFileSync(path.join(dir, 'agrees.ipynb'), text);
	const edited = text
		.replace(
			'LayerNorm-2           [-1, 32, 32, 32]          65,536',
			'LayerNorm-2           [-1, 32, 32, 32]          32,768',
		)
		.replace(/236,448/g, '203,680');
	if (edited === text || !edited.includes('32,768')) {
		throw new Error('the corpus notebook no longer has the row the check edits');
	}
	fs.writeFileSync(path.join(dir, 'disagrees.ipynb'), edited);
	fs.writeFileSync(path.join(dir, 'big_model.py'), bigKerasFile());
	return dir;
}

/** The command ran without VS Code's "Command … resulted in an error" (a dialog or a notification). */
async function noCommandError(page) {
	await page.waitForTimeout(500);
	const shown = await page
		.locator('.monaco-dialog-box, .notifications-toasts', { hasText: 'resulted in an error' })
		.count();
	if (shown > 0) {
		const text = await page
			.locator('.monaco-dialog-box, .notifications-toasts')
			.first()
			.innerText()
			.catch(() => '');
		throw new Error(`the command failed: ${text}`);
	}
}

/**
 * Runs the checks in a window of their own (the folder of the two notebooks), through `check`; a
 * failing step leaves a screenshot of that window.
 * @param {{ browser: any, server: any, check: Function, outDir: string }} ctx
 */
export async function secondWindowChecks({ browser, server, check: outer, outDir }) {
	const { page, check } = await openWindow({
		browser,
		server,
		check: outer,
		dir: printedFolder(),
		repoRoot,
		firstFile: 'agrees.ipynb',
		screenshot: () => path.join(outDir, 'failed-printed.png'),
	});
	try {
		await check(
			'a notebook that printed its summary: the panel says it matches, row by row beside NormLens (torchsummary, 40 rows)',
			async () => {
				await openFile(page, 'agrees.ipynb');
				await runCommand(page, 'NormLens: Show Model Summary');
				const { frame, text } = await webviewText(page, /Printed summary/);
				await noCommandError(page);
				if (
					!/✓ Matches the torchsummary summary printed at cell \d+, line \d+: Total params 236,448 \(trainable 236,448, non-trainable 0\), row by row \(40 rows\)\./.test(
						text,
					)
				) {
					throw new Error(
						`no match verdict: ${text.slice(text.indexOf('Printed summary'), text.indexOf('Printed summary') + 300)}`,
					);
				}
				const rows = await frame.evaluate(() => ({
					all: document.querySelectorAll('table.printed-rows tbody tr').length,
					same: [
						...document.querySelectorAll(
							'table.printed-rows tbody tr td[aria-label="same"]',
						),
					].length,
				}));
				if (rows.all !== 40 || rows.same !== 40) {
					throw new Error(`expected 40 agreeing rows, found ${JSON.stringify(rows)}`);
				}
				await frame.click('section.printed details summary');
				await picture(
					page,
					frame,
					'section.printed',
					path.join(outDir, 'panel-printed.png'),
				);
			},
		);

		await check(
			'the same notebook with its printed output edited to disagree: "Differs", the first differing row marked, and the warning on the summary call',
			async () => {
				await openFile(page, 'disagrees.ipynb');
				await runCommand(page, 'NormLens: Show Model Summary');
				const { frame, text } = await webviewText(page, /✗ Differs/);
				await noCommandError(page);
				if (
					!/✗ Differs from the torchsummary summary printed at cell \d+, line \d+: printed Total params 203,680 \(trainable 203,680, non-trainable 0\), NormLens counts Total params 236,448 \(trainable 236,448, non-trainable 0\); the first row that differs is row 2\./.test(
						text,
					)
				) {
					throw new Error(
						`no differ verdict naming row 2: ${text.slice(text.indexOf('Printed summary'), text.indexOf('Printed summary') + 400)}`,
					);
				}
				const marked = await frame.evaluate(() => {
					const row = document.querySelector('table.printed-rows tr.differs');
					return row ? row.textContent : null;
				});
				if (!marked || !marked.includes('32,768') || !marked.includes('65,536')) {
					throw new Error(`the first differing row is not marked: ${marked}`);
				}
				await picture(
					page,
					frame,
					'section.printed',
					path.join(outDir, 'panel-printed-differs.png'),
				);
				// The same finding in the editor: a warning on the summary call in the Problems view.
				await runCommand(page, 'View: Toggle Problems');
				await page
					.locator('.markers-panel .monaco-list-row', {
						hasText: 'The first row that differs is row 2',
					})
					.first()
					.waitFor({ timeout });
			},
		);

		await check(
			'a 3,997-layer model: the table is drawn a window at a time, one tab stop, End and Home reach the last and first rows',
			async () => {
				await openFile(page, 'big_model.py');
				await runCommand(page, 'NormLens: Show Model Summary');
				const { frame } = await webviewText(page, /Total params/);
				await frame.waitForSelector(
					'.table-box.windowed table.summary tbody tr[data-index]',
				);
				const state = () =>
					frame.evaluate(() => {
						const table = document.querySelector('.table-box.windowed table.summary');
						const rows = table.querySelectorAll('tbody tr[data-index]');
						const active = document.activeElement;
						return {
							count: Number(table.getAttribute('aria-rowcount')),
							drawn: rows.length,
							tabStops: table.querySelectorAll('tbody tr[tabindex="0"]').length,
							focused: active?.getAttribute('data-index') ?? null,
							focusedText: active?.textContent ?? '',
						};
					});
				const before = await state();
				if (before.count !== 3998 || before.drawn > 200 || before.tabStops !== 1) {
					throw new Error(`not windowed as expected: ${JSON.stringify(before)}`);
				}
				await frame.focus('.table-box.windowed table.summary tbody tr[tabindex="0"]');
				// The keys go to a row: wait until one has the keyboard (the panel may still be drawing).
				await frame.waitForFunction(
					() => document.activeElement?.hasAttribute('data-index') === true,
					undefined,
					{ timeout: 10_000 },
				);
				// Waits for the keyboard to be on row `index`; says where it is instead when it is not.
				const focusOn = (index) =>
					frame
						.waitForFunction(
							(i) => document.activeElement?.getAttribute('data-index') === String(i),
							index,
							{ timeout: 10_000 },
						)
						.catch(async () => {
							const seen = await frame.evaluate(() => {
								const box = document.querySelector('.table-box.windowed');
								const idx = [...box.querySelectorAll('tr[data-index]')].map((r) =>
									Number(r.getAttribute('data-index')),
								);
								return {
									drawn: [idx[0], idx[idx.length - 1]],
									scrollTop: box.scrollTop,
									scrollHeight: box.scrollHeight,
									clientHeight: box.clientHeight,
									active: document.activeElement?.tagName,
									activeIndex: document.activeElement?.getAttribute('data-index'),
								};
							});
							throw new Error(
								`the keyboard is not on row ${index}: ${JSON.stringify(seen)}`,
							);
						});
				await page.keyboard.press('End');
				await focusOn(3996);
				const end = await state();
				if (!/\(Add\)/.test(end.focusedText) || end.drawn > 200 || end.tabStops !== 1) {
					throw new Error(`End: ${JSON.stringify(end)}`);
				}
				await page.keyboard.press('ArrowUp');
				await focusOn(3995);
				await page.keyboard.press('Home');
				await focusOn(0);
				const home = await state();
				if (home.tabStops !== 1 || home.drawn > 200) {
					throw new Error(`Home: ${JSON.stringify(home)}`);
				}
			},
		);
	} finally {
		await page.close();
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const outDir = process.argv[2] ?? path.join(repoRoot, '.test-results', 'screenshots');
	fs.mkdirSync(outDir, { recursive: true });
	const server = await startServer({
		dataDir: path.join(repoRoot, '.normlens-tmp', 'vscode-printed'),
	});
	const browser = await launchChromium();
	let failed = 0;
	try {
		await secondWindowChecks({
			browser,
			server,
			outDir,
			check: async (title, fn) => {
				try {
					await fn();
					console.log(`  ✔ ${title}`);
				} catch (e) {
					failed++;
					console.log(`  ✗ ${title}\n      ${e instanceof Error ? e.message : e}`);
				}
			},
		});
	} finally {
		await browser.close();
		server.stop();
	}
	process.exitCode = failed ? 1 : 0;
}
