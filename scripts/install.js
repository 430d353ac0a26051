#!/usr/bin/env node
// npm's install hook. In order: the TypeScript build (only in a git checkout, where dist/ is
// absent or predates lib/shared/), the native addon (prebuilt, else compiled with cmake-js), then
// libtensorflow via `tfdata-node fetch --if-missing` (skipped with TFDATA_SKIP_FETCH=1).
//
// The addon's file name and places come from lib/shared/tables.ts, read from dist/: the published
// package always ships dist/ (package.json "files"; prepack builds it), and in a checkout the
// TypeScript build runs first for that reason, so there is no second copy of the table here.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const tables = path.join(root, 'dist', 'cjs', 'shared', 'tables.js');
const log = (msg) => console.error(`tfdata-node: ${msg}`);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args.join(' ')} exited with ${r.status}`);
}

function loads(file) {
  try {
    require(file);
    return true;
  } catch (e) {
    log(`${file} does not load here (${e.message.split('\n')[0]})`);
    return false;
  }
}

function ensureAddon() {
  const { addonCandidates } = require(tables);
  const [prebuilt, local] = addonCandidates(process.platform, process.arch).map((parts) => path.join(root, ...parts));
  if (fs.existsSync(prebuilt) && loads(prebuilt))
    return log(`using the prebuilt addon ${path.relative(root, prebuilt)}`);
  if (fs.existsSync(local) && loads(local)) return log('using the local build of the addon');
  // Building from source: cmake-js and node-addon-api are optional peer dependencies (not
  // installed with the package, so that a production install stays small); a checkout has them
  // as devDependencies.
  let cmakeJs;
  try {
    cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
    require.resolve('node-addon-api', { paths: [root] });
  } catch {
    throw new Error(
      `no prebuilt addon loads on ${process.platform}-${process.arch} (prebuilt: linux x64/arm64, glibc >= 2.27). ` +
        'To build from source: `npm install cmake-js node-addon-api` in your project (and cmake + a C++17 compiler), ' +
        'then `npm rebuild tfdata-node`',
    );
  }
  log('no prebuilt addon loads here: compiling with cmake-js (needs cmake and a C++17 compiler)');
  run(process.execPath, [cmakeJs, 'compile']);
}

function ensureTypeScriptBuild() {
  if (fs.existsSync(path.join(root, 'dist', 'cjs', 'index.js')) && fs.existsSync(tables)) return;
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    throw new Error('dist/ is missing and TypeScript is not installed: run `npm install` in the repository');
  }
  log('building the TypeScript sources');
  run(process.execPath, [tsc, '-p', 'tsconfig.build.json']);
  run(process.execPath, [path.join(__dirname, 'make-esm.js')]);
}

function fetchLibrary() {
  if (process.env.TFDATA_SKIP_FETCH === '1')
    return log('TFDATA_SKIP_FETCH=1: not fetching libtensorflow (run `npx tfdata-node fetch` later)');
  const r = spawnSync(process.execPath, [path.join(__dirname, 'cli.js'), 'fetch', '--if-missing'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0)
    log('libtensorflow could not be fetched now; run `npx tfdata-node fetch` or `npx tfdata-node doctor`');
}

try {
  ensureTypeScriptBuild(); // first: ensureAddon reads the addon's places from dist/
  ensureAddon();
  fetchLibrary();
} catch (e) {
  log(`install failed: ${e.message}`);
  process.exit(1);
}
