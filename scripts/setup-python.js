#!/usr/bin/env node
// Test set-up: a venv with tensorflow-cpu of the pinned version, for the differential tests
// that compare our pipelines with Python tf.data. Cached outside the repo; rebuilt when absent.
// TFDATA_SKIP_PYTHON=1 skips it (the differential suite then reports itself skipped).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

// Built by `npm run build:ts` (npm test's pretest runs it first). venvDir() is the one definition
// of where the venv lives (TFDATA_TEST_VENV overrides it), shared with the tests and the bench.
const { PINNED_TF_VERSION, cacheRoot, venvDir } = require('../dist/cjs/install/paths.js');

const venv = venvDir();
const marker = path.join(venv, '.tfdata-ready');
const log = (m) => console.error(`setup-python: ${m}`);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.error ? r.error.message : `exit ${r.status}`})`);
}

if (process.env.TFDATA_SKIP_PYTHON === '1') {
  log('TFDATA_SKIP_PYTHON=1: differential tests will be skipped');
  process.exit(0);
}
if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === PINNED_TF_VERSION) {
  log(`using ${venv}`);
  process.exit(0);
}
try {
  fs.rmSync(venv, { recursive: true, force: true });
  log(`creating ${venv} with tensorflow-cpu==${PINNED_TF_VERSION} (a few minutes the first time)`);
  run(process.env.TFDATA_PYTHON || 'python3', ['-m', 'venv', venv]);
  const pip = path.join(venv, 'bin', 'pip');
  // The wheel fetched for libtensorflow is reused when it is in the cache.
  run(pip, [
    'install',
    '--disable-pip-version-check',
    '-q',
    '--find-links',
    path.join(cacheRoot(), 'downloads'),
    `tensorflow-cpu==${PINNED_TF_VERSION}`,
  ]);
  fs.writeFileSync(marker, PINNED_TF_VERSION);
  log('ready');
} catch (e) {
  log(e.message);
  process.exit(1);
}
