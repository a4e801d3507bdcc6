// Workbench check of the first start (issue #19, item 5): a fresh profile opened as `npm start`
// opens it — VS Code's default startup editor and a model file of the folder — shows that file with
// NormLens's walkthrough beside it, and a later window of the same profile does not open it again.
import fs from 'node:fs';
import path from 'node:path';
import { timeout } from './uiDriver.mjs';
import { launchChromium, repoRoot, startServer } from './vscodeServer.mjs';

/** The walkthrough's own page (its steps), not the Welcome page's list that names it. */
const walkthroughStep = 'Open an example model';

/**
 * Runs on a server of its own: its profile must be fresh and start as `npm start`'s first start
 * does (`workbench.startupEditor` at VS Code's default), which the shared UI server does not.
 * @param {{ browser: any, check: Function, outDir: string }} o
 */
export async function firstStartChecks({ browser, check, outDir }) {
	const dataDir = path.join(repoRoot, '.normlens-tmp', 'vscode-first-start');
	fs.rmSync(dataDir, { recursive: true, force: true });
	const server = await startServer({
		dataDir,
		settings: { 'workbench.startupEditor': 'welcomePage' },
	});
	const examples = path.join(repoRoot, 'examples');
	const url = server.url(examples, [
		['extensionDevelopmentPath', repoRoot],
		['openFile', path.join(examples, 'tabular_bn.py')],
	]);
	const open = async () => {
		const page = await browser.newPage();
		await page.goto(url);
		await page.locator('.monaco-workbench').waitFor({ timeout });
		await page.locator('.tab', { hasText: 'tabular_bn.py' }).first().waitFor({ timeout });
		return page;
	};
	try {
		await check(
			"first start: the model file opens, with NormLens's walkthrough beside it",
			async () => {
				const page = await open();
				try {
					const step = page.locator('.getting-started-step', {
						hasText: walkthroughStep,
					});
					await step.first().waitFor({ timeout });
					const title = await page
						.locator('.gettingStartedSlideDetails .category-title')
						.first()
						.innerText();
					if (!title.includes('Get started with NormLens')) {
						throw new Error(`the walkthrough shown is "${title}"`);
					}
					// The file stays in view: the walkthrough opened in a group of its own.
					const groups = await page.locator('.editor-group-container').count();
					if (groups < 2) {
						throw new Error(
							`${groups} editor group: the walkthrough replaced the file`,
						);
					}
					await page.screenshot({ path: path.join(outDir, 'first-start.png') });
				} finally {
					await page.close();
				}
			},
		);
		await check(
			'a later window of the same profile does not open the walkthrough again',
			async () => {
				const page = await open();
				try {
					// NormLens activates on the file (its lens appears), and the walkthrough stays closed.
					await page
						.locator('.codelens-decoration', { hasText: 'params' })
						.first()
						.waitFor({ timeout });
					await page.waitForTimeout(2000);
					const steps = await page
						.locator('.getting-started-step', { hasText: walkthroughStep })
						.count();
					if (steps > 0) {
						throw new Error('the walkthrough opened again');
					}
				} finally {
					await page.close();
				}
			},
		);
	} finally {
		server.stop();
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	// Only these checks: `node scripts/uiFirstStart.mjs [outDir]`.
	const outDir = process.argv[2] ?? path.join(repoRoot, '.test-results', 'screenshots');
	fs.mkdirSync(outDir, { recursive: true });
	const browser = await launchChromium();
	const results = [];
	const check = async (title, fn) => {
		try {
			await fn();
			results.push(true);
			console.log(`  ✔ ${title}`);
		} catch (e) {
			results.push(false);
			console.log(`  ✗ ${title}\n      ${e instanceof Error ? e.message : e}`);
		}
	};
	try {
		await firstStartChecks({ browser, check, outDir });
	} finally {
		await browser.close();
	}
	console.log(
		`${results.filter(Boolean).length} passed, ${results.filter((x) => !x).length} failed`,
	);
	process.exitCode = results.every(Boolean) ? 0 : 1;
}
