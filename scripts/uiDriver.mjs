// Driving the real workbench as a user would (Quick Open, the command palette, the mouse), shared by
// the workbench UI checks: each helper waits for what is on screen rather than for a fixed time.
export const timeout = 60_000;

/**
 * Quick Open can be pressed before the file index is ready (a fresh profile on a busy machine):
 * wait for the file's row before Enter, and retry the whole gesture instead of failing at once.
 */
export async function openFile(page, name) {
	const tab = page.locator('.tabs-container .tab.active', { hasText: name });
	for (let attempt = 0; ; attempt++) {
		await page.keyboard.press('Escape');
		await page.keyboard.press('Control+P');
		const input = page.locator('.quick-input-widget input');
		try {
			await input.waitFor({ timeout: 10_000 });
			await input.fill(name);
			await page
				.locator('.quick-input-list .monaco-list-row', { hasText: name })
				.first()
				.waitFor({ timeout: 15_000 });
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

export async function runCommand(page, title) {
	const row = page
		.locator('.quick-input-list .monaco-list-row', {
			has: page.locator('.label-name', {
				hasText: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
			}),
		})
		.first();
	for (let attempt = 0; ; attempt++) {
		await page.keyboard.press('Escape');
		await page.keyboard.press('F1');
		const input = page.locator('.quick-input-widget input');
		try {
			await input.waitFor({ timeout: 10_000 });
			await input.fill(`>${title}`);
			await row.waitFor({ timeout: 15_000 });
			// Click our row: Enter would run whichever row the palette ranks first.
			await row.click();
			return;
		} catch (e) {
			if (attempt >= 3) {
				throw e;
			}
			await page.waitForTimeout(1000);
		}
	}
}

/**
 * Moves the mouse onto `word` in the editor line containing `lineText`; clicks first if asked.
 * Of the lines with that text, the one drawn on top where the mouse goes: a notebook in a tab
 * behind keeps its cells in the page, and the first match may be one of them, where a click
 * reaches nothing.
 */
export async function pointAt(page, lineText, word, click = false) {
	// View lines are re-rendered when lenses and inlay hints arrive: retry until the span is stable.
	let target;
	for (let attempt = 0; attempt < 20 && !target; attempt++) {
		const lines = page.locator('.monaco-editor .view-line', { hasText: lineText });
		await lines.first().waitFor({ state: 'attached', timeout });
		for (const line of await lines.all()) {
			const span = line.locator('span span', { hasText: word }).first();
			const text = await span.innerText({ timeout: 1000 }).catch(() => '');
			const box = text ? await span.boundingBox().catch(() => null) : null;
			if (!box) {
				continue;
			}
			const at = text.indexOf(word) + Math.min(4, word.length / 2);
			const x = box.x + (box.width * at) / text.length;
			const y = box.y + box.height / 2;
			const onTop = await span
				.evaluate((el, p) => el.contains(document.elementFromPoint(p.x, p.y)), { x, y })
				.catch(() => false);
			if (onTop) {
				target = { x, y };
				break;
			}
		}
		if (!target) {
			await page.waitForTimeout(250);
		}
	}
	if (!target) {
		throw new Error(`"${word}" is not visible`);
	}
	if (click) {
		await page.mouse.click(target.x, target.y);
	}
	await page.mouse.move(target.x, target.y);
}

/** A screenshot with a panel section in view, once the progress notification has closed. */
export async function picture(page, frame, section, file) {
	await frame.evaluate((selector) => document.querySelector(selector)?.scrollIntoView(), section);
	await page
		.locator('.notifications-toasts .monaco-progress-container.active')
		.waitFor({ state: 'hidden', timeout })
		.catch(() => undefined);
	await page.waitForTimeout(1500);
	await page.screenshot({ path: file });
}

/** Switches the color theme through the palette, as a user would. */
export async function setTheme(page, name) {
	await runCommand(page, 'Preferences: Color Theme');
	const input = page.locator('.quick-input-widget input');
	await input.fill(name);
	const row = page
		.locator('.quick-input-list .monaco-list-row', {
			has: page.locator('.label-name', {
				hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
			}),
		})
		.first();
	await row.waitFor({ timeout });
	await row.click();
	await page
		.locator('.quick-input-widget')
		.waitFor({ state: 'hidden', timeout })
		.catch(() => undefined);
	await page.waitForTimeout(1500);
}

/** The frame of our webview whose text matches `re` (webviews are nested iframes). */
export async function webviewText(page, re) {
	const end = Date.now() + timeout;
	for (;;) {
		for (const f of page.frames()) {
			try {
				const text = await f.evaluate(
					() => document.getElementById('app')?.innerText ?? '',
				);
				if (re.test(text)) {
					return { frame: f, text };
				}
			} catch {
				// a frame that is navigating
			}
		}
		if (Date.now() > end) {
			const seen = [];
			for (const f of page.frames()) {
				const t = await f
					.evaluate(() => document.getElementById('app')?.innerText ?? null)
					.catch(() => null);
				if (t !== null) {
					seen.push(JSON.stringify(t.slice(0, 160)));
				}
			}
			throw new Error(
				`no webview frame shows ${re} (webview frames: ${seen.join(' | ') || 'none'})`,
			);
		}
		await page.waitForTimeout(250);
	}
}

/**
 * A window of its own on `dir` (NormLens from `repoRoot`), ready once `firstFile` is in the
 * Explorer; its `check` runs each step through the caller's and leaves a screenshot
 * (`screenshot()` names it) of this window when the step fails.
 * @param {{ browser: any, server: any, check: Function, dir: string, repoRoot: string, firstFile: string, screenshot: () => string }} o
 */
export async function openWindow({
	browser,
	server,
	check: outer,
	dir,
	repoRoot,
	firstFile,
	screenshot,
}) {
	const page = await browser.newPage();
	const check = (title, fn) =>
		outer(title, async () => {
			try {
				await fn();
			} catch (e) {
				await page.screenshot({ path: screenshot() }).catch(() => undefined);
				throw e;
			}
		});
	try {
		await page.goto(server.url(dir, [['extensionDevelopmentPath', repoRoot]]));
		await page.locator('.monaco-workbench').waitFor({ timeout });
		await page
			.locator('.explorer-folders-view .monaco-list-row', { hasText: firstFile })
			.first()
			.waitFor({ timeout })
			.catch(() => undefined);
		await page.waitForTimeout(1500);
	} catch (e) {
		await page.close().catch(() => undefined);
		throw e;
	}
	return { page, check };
}
