#!/usr/bin/env node
// `npx tfdata-node fetch | doctor | version | service` (the implementation is lib/cli.ts).
'use strict';
const path = require('node:path');

let cli;
try {
  cli = require(path.join(__dirname, '..', 'dist', 'cjs', 'cli.js'));
} catch (e) {
  console.error(`tfdata-node: dist/ is not built (${e.message.split('\n')[0]}); run \`npm run build:ts\``);
  process.exit(1);
}
cli.main(process.argv.slice(2)).then((code) => process.exit(code));
