import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

/**
 * Entry point the extension host calls (the @vscode/test-electron contract): runs the suite in the
 * real extension host and writes every result to a JSON file, which the test command reads — the
 * host's own exit code is not visible through the VS Code server.
 */
export function run(): Promise<void> {
	const suite = process.env.NORMLENS_SUITE ?? 'extension';
	const resultsFile =
		process.env.NORMLENS_RESULTS ??
		path.resolve(__dirname, '..', '..', '..', '.test-results', `integration-${suite}.json`);
	const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
	mocha.addFile(path.join(__dirname, `${suite}.test.js`));
	// `node scripts/test.mjs --grep TEXT`: only the tests whose full title contains TEXT.
	if (process.env.NORMLENS_GREP) {
		mocha.grep(process.env.NORMLENS_GREP);
	}
	const results: { title: string; state: string; error?: string; ms?: number }[] = [];
	return new Promise((resolve, reject) => {
		try {
			const runner = mocha.run((failures) => {
				fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
				fs.writeFileSync(
					resultsFile,
					JSON.stringify(
						{
							suite,
							passed: results.filter((r) => r.state === 'passed').length,
							failed: failures,
							results,
						},
						null,
						2,
					),
				);
				if (failures > 0) {
					reject(new Error(`${failures} tests failed.`));
				} else {
					resolve();
				}
			});
			runner.on('pass', (t) =>
				results.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }),
			);
			runner.on('fail', (t, err: Error) =>
				results.push({
					title: t.fullTitle(),
					state: 'failed',
					error: err.stack ?? String(err),
				}),
			);
		} catch (e) {
			fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
			fs.writeFileSync(
				resultsFile,
				JSON.stringify({
					suite,
					passed: 0,
					failed: 1,
					results: [{ title: 'suite setup', state: 'failed', error: String(e) }],
				}),
			);
			reject(e);
		}
	});
}
