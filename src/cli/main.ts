// `normlens`: parses the command line and dispatches it to one module per subcommand.
import { CliError, usage } from './args';
import { compareCommand } from './compare';
import { explainCommand } from './explain';
import { runCommand } from './run';
import { simulateCommand } from './simulate';
import { summaryCommand } from './summary';

/**
 * `normlens`: the analysis engine headless. Exit codes: 0 success, 1 a specific failure (message
 * on stderr), 2 usage.
 */

async function run(args: string[], out: (s: string) => void): Promise<void> {
	const [command, target] = args;
	const json = args.includes('--json');
	switch (command) {
		case 'summary':
			summaryCommand(target, args, json, out);
			return;
		case 'explain':
			explainCommand(target, json, out);
			return;
		case 'run':
			await runCommand(target, args, json, out);
			return;
		case 'compare':
			await compareCommand(target, args, json, out);
			return;
		case 'simulate':
			await simulateCommand(target, args, json, out);
			return;
		case undefined:
		case '--help':
		case '-h':
		case 'help':
			out(usage);
			return;
		default:
			throw new CliError(`Unknown command "${command}".\n\n${usage}`, 2);
	}
}

/** Entry used by `bin/normlens.js`; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
	try {
		await run(argv, (s) => process.stdout.write(`${s}\n`));
		return 0;
	} catch (e) {
		if (e instanceof CliError) {
			process.stderr.write(`normlens: ${e.message}\n`);
			return e.code;
		}
		process.stderr.write(`normlens: internal error: ${(e as Error).stack ?? String(e)}\n`);
		return 1;
	}
}
