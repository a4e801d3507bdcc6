#!/usr/bin/env node
'use strict';
// The CLI is bundled to dist/cli.js by `npm run build`.
require('../dist/cli.js')
	.main(process.argv.slice(2))
	.then((code) => {
		process.exitCode = code;
	});
