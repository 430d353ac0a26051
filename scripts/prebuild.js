#!/usr/bin/env node
// `npm run prebuild`: compiles the addon with cmake-js (Release) and places a stripped copy at
// prebuilds/<platform>-<arch>/tfdata.node, which `npm pack` ships and the loader tries first.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
// Output goes to stderr: `npm pack --json` runs this as prepack and its stdout must stay JSON.
const toStderr = { cwd: root, stdio: ['ignore', 2, 2] };
execFileSync(process.execPath, [require.resolve('cmake-js/bin/cmake-js', { paths: [root] }), 'rebuild', '--config', 'Release'], toStderr);
const target = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
fs.mkdirSync(target, { recursive: true });
const out = path.join(target, 'tfdata.node');
fs.copyFileSync(path.join(root, 'build', 'Release', 'tfdata.node'), out);
try {
  execFileSync('strip', ['--strip-unneeded', out], toStderr);
} catch {
  console.error('prebuild: strip not available; the binary keeps its symbols');
}
console.error(`prebuild: ${path.relative(root, out)} (${fs.statSync(out).size} bytes)`);
