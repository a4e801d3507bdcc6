#!/usr/bin/env node
'use strict';
// The CLI is bundled to dist/cli.js by `npm run build`.
// `normlens … | head` closes stdout early: that is not an error.
process.stdout.on('error', (e) => {
	if (e.code === 'EPIPE') {
		process.exit(0);
	}
	throw e;
});
require('../dist/cli.js')
	.main(process.argv.slice(2))
	.then((code) => {
		process.exitCode = code;
	});
