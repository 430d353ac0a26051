#!/usr/bin/env node
// `npm run prebuild`: compiles the addon with cmake-js (Release) and places a stripped copy at
// prebuilds/<platform>-<arch>/tfdata.node, which `npm pack` ships and the loader tries first.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
// Where the loader looks for the addon (lib/shared/tables.ts); prepack runs build:ts before this.
const tables = path.join(root, 'dist', 'cjs', 'shared', 'tables.js');
if (!fs.existsSync(tables)) {
  console.error('prebuild: dist/cjs/shared/tables.js is missing; run `npm run build:ts` first');
  process.exit(1);
}
const { addonCandidates } = require(tables);
const [out, local] = addonCandidates(process.platform, process.arch).map((parts) => path.join(root, ...parts));
// Output goes to stderr: `npm pack --json` runs this as prepack and its stdout must stay JSON.
const toStderr = { cwd: root, stdio: ['ignore', 2, 2] };
execFileSync(
  process.execPath,
  [require.resolve('cmake-js/bin/cmake-js', { paths: [root] }), 'rebuild', '--config', 'Release'],
  toStderr,
);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.copyFileSync(local, out);
try {
  execFileSync('strip', ['--strip-unneeded', out], toStderr);
} catch {
  console.error('prebuild: strip not available; the binary keeps its symbols');
}
console.error(`prebuild: ${path.relative(root, out)} (${fs.statSync(out).size} bytes)`);
