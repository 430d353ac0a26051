#!/usr/bin/env node
// `npm run test:pack`: packs the module, installs the tarball into an empty project with no
// compiler, cmake or make on PATH, and runs a pipeline there from require, import and a worker
// thread. Fails if anything is compiled. Prints 'N passed, N failed'.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tfdata-pack-'));
const results = [];
const check = (name, fn) => {
  try {
    fn();
    results.push([name, true]);
    console.log(`ok   ${name}`);
  } catch (e) {
    results.push([name, false]);
    console.log(`FAIL ${name}: ${e.message}`);
  }
};

// A PATH with node, npm and a shell but no compiler toolchain.
const bin = path.join(work, 'bin');
fs.mkdirSync(bin);
const which = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
for (const cmd of ['node', 'npm', 'npx', 'sh', 'bash', 'python3', 'env', 'uname', 'tar', 'gzip']) {
  const p = which(cmd);
  if (p) fs.symlinkSync(fs.realpathSync(p), path.join(bin, cmd));
}
const env = {
  ...process.env,
  PATH: bin,
  TF_CPP_MIN_LOG_LEVEL: '2',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
};

let tarball;
check('npm pack includes the prebuilt addon and leaves sources and tests out', () => {
  // prepack builds dist/ and the stripped prebuilt addon.
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' });
  const info = JSON.parse(out)[0];
  tarball = path.join(work, info.filename);
  const files = info.files.map((f) => f.path);
  // The loader's first place (lib/shared/tables.ts), read after the pack: prepack has just built dist/.
  const { addonCandidates } = require(path.join(root, 'dist', 'cjs', 'shared', 'tables.js'));
  const prebuilt = addonCandidates('linux', 'x64')[0].join('/');
  if (!files.includes(prebuilt)) throw new Error(`no prebuilt addon (${prebuilt}) in the tarball`);
  // A compile from the tarball's sources needs the generated header too.
  if (!files.includes('native/generated/tables.h'))
    throw new Error('native/generated/tables.h missing from the tarball');
  if (!files.includes('dist/cjs/index.js') || !files.includes('dist/esm/index.mjs')) throw new Error('dist/ missing');
  const junk = files.filter((f) => /^(test|bench|examples|build|node_modules)\//.test(f) || f.startsWith('lib/'));
  if (junk.length) throw new Error(`unexpected files: ${junk.slice(0, 5).join(', ')}`);
  console.log(`     tarball ${info.filename}: ${(info.size / 1024).toFixed(0)} kB packed, ${info.entryCount} files`);
});

const project = path.join(work, 'app');
check('installs into an empty project without a compiler', () => {
  if (which('cc') && spawnSync('sh', ['-c', 'command -v cc g++ make cmake'], { env }).stdout.length)
    throw new Error('toolchain visible');
  fs.mkdirSync(project);
  fs.writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'app', version: '1.0.0', private: true }),
  );
  const started = Date.now();
  const r = spawnSync('npm', ['install', tarball], { cwd: project, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr || r.stdout);
  if (fs.existsSync(path.join(project, 'node_modules', 'tfdata-node', 'build')))
    throw new Error('the install compiled the addon');
  console.log(`     npm install took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

const pipeline =
  "const ds = Dataset.fromTensorSlices(tensor([[1, 2], [3, 4]], 'int32'))" +
  '.map((x) => x.add([[5, 6], [7, 8]])).batch(2);\n' +
  'const [b] = await ds.toArray();\n' +
  "if (JSON.stringify(b.toArray()) !== '[[[6,8],[8,10]],[[8,10],[10,12]]]') " +
  "throw new Error('wrong result ' + JSON.stringify(b.toArray()));\n" +
  "console.log('pipeline ok');";
// The pipeline inside a template literal of the worker, reporting through parentPort.
const pipelineInWorker = pipeline
  .replace(/`/g, '\\`')
  .replace(/console.log\('pipeline ok'\)/, "parentPort.postMessage('pipeline ok')");

const run = (file, body) => {
  fs.writeFileSync(path.join(project, file), body);
  const r = spawnSync(process.execPath, [file], { cwd: project, env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0 || !r.stdout.includes('pipeline ok')) throw new Error(r.stderr || r.stdout);
};
check('runs from require()', () =>
  run(
    'cjs.js',
    `const { Dataset, tensor } = require('tfdata-node');\n(async () => {\n${pipeline}\n})()` +
      '.catch((e) => { console.error(e); process.exit(1); });\n',
  ),
);
check('runs from import', () => run('esm.mjs', `import { Dataset, tensor } from 'tfdata-node';\n${pipeline}\n`));
check('runs in a worker thread', () =>
  run(
    'worker.mjs',
    `import { Worker } from 'node:worker_threads';
const code = \`const { Dataset, tensor } = require('tfdata-node'); ` +
      `const { parentPort } = require('node:worker_threads');
(async () => { ${pipelineInWorker} })().catch((e) => parentPort.postMessage('error ' + e.message));\`;
const w = new Worker(code, { eval: true });
w.on('message', (m) => { console.log(m); w.terminate(); });
w.on('error', (e) => { console.error(e); process.exit(1); });
`,
  ),
);
check('doctor explains a missing library in one screen', () => {
  const r = spawnSync(
    process.execPath,
    [path.join(project, 'node_modules', 'tfdata-node', 'scripts', 'cli.js'), 'doctor'],
    {
      cwd: project,
      env: { ...env, TFDATA_CACHE_DIR: path.join(work, 'empty-cache'), TFDATA_NO_PYTHON: '1' },
      encoding: 'utf8',
    },
  );
  if (r.status !== 1 || !/libtensorflow\s+NOT FOUND/.test(r.stdout) || !r.stdout.includes('npx tfdata-node fetch'))
    throw new Error(r.stdout + r.stderr);
  if (r.stdout.split('\n').length > 40) throw new Error('doctor output is longer than a screen');
});

fs.rmSync(work, { recursive: true, force: true });
// The prebuilt binary is for the tarball; left in the checkout it would shadow later local builds.
fs.rmSync(path.join(root, 'prebuilds'), { recursive: true, force: true });
const failed = results.filter(([, ok]) => !ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
