#!/usr/bin/env node
// `npm run test:pack`: packs the module (prepack builds the prebuilt addons, checked for glibc
// 2.27), installs the tarball into an empty project with no compiler, cmake, make or python3 on
// PATH while libtensorflow is fetched by Node from a local package-index mirror serving the
// pinned wheel (no 270 MB download from PyPI), and runs a pipeline there from require, import and
// a worker thread with nothing on stderr. Then: the production install's package count, and a
// tfjs model trained with fitDataset from the installed package. Fails if anything is compiled.
// Prints 'N passed, N failed'.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawn, spawnSync } = require('node:child_process');

const { checkGlibc } = require('./check-glibc');

const root = path.resolve(__dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tfdata-pack-'));
// A production install may bring at most this many packages (tfdata-node and its runtime
// dependencies): building from source and tfjs are optional peers, not installed by default.
const MAX_PRODUCTION_PACKAGES = 5;
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

// A PATH with node, npm and a shell but no compiler toolchain and no Python.
const bin = path.join(work, 'bin');
fs.mkdirSync(bin);
const which = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
for (const cmd of ['node', 'npm', 'npx', 'sh', 'bash', 'env', 'uname', 'tar', 'gzip']) {
  const p = which(cmd);
  if (p) fs.symlinkSync(fs.realpathSync(p), path.join(bin, cmd));
}

// The pinned wheel, served by a local simple-index mirror (PEP 503) in a child process (this
// script waits on its installs synchronously). Taken from the cache's downloads; fetched there
// first (by Node, from the configured index) when absent.
const { PINNED_WHEELS, cacheRoot } = require(path.join(root, 'dist', 'cjs', 'install', 'paths.js'));
const pinned = PINNED_WHEELS[process.arch];
let wheelFile = path.join(cacheRoot(), 'downloads', pinned.file);
if (!fs.existsSync(wheelFile)) {
  const tmpCache = path.join(work, 'wheel-cache');
  execFileSync(process.execPath, [path.join(__dirname, 'cli.js'), 'fetch'], {
    env: { ...process.env, TFDATA_CACHE_DIR: tmpCache },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  wheelFile = path.join(tmpCache, 'downloads', pinned.file);
}
const portFile = path.join(work, 'mirror-port');
const mirrorCode = `
  const http = require('node:http'); const fs = require('node:fs');
  const file = ${JSON.stringify(wheelFile)}, name = ${JSON.stringify(pinned.file)};
  const project = ${JSON.stringify(pinned.project)}, sha = ${JSON.stringify(pinned.sha256)};
  const server = http.createServer((req, res) => {
    if (req.url === '/simple/' + project + '/') {
      res.setHeader('content-type', 'text/html');
      return res.end('<a href="/files/' + name + '#sha256=' + sha + '">' + name + '</a>');
    }
    if (req.url === '/files/' + name) {
      res.setHeader('content-length', fs.statSync(file).size);
      return fs.createReadStream(file).pipe(res);
    }
    res.statusCode = 404; res.end();
  });
  server.listen(0, '127.0.0.1', () => fs.writeFileSync(${JSON.stringify(portFile)}, String(server.address().port)));
  process.on('disconnect', () => process.exit(0));
`;
const mirror = spawn(process.execPath, ['-e', mirrorCode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
for (let i = 0; i < 100 && !fs.existsSync(portFile); i++) sleep(100);
const mirrorUrl = `http://127.0.0.1:${fs.readFileSync(portFile, 'utf8')}/simple/`;

const freshCache = path.join(work, 'cache');
const env = {
  ...process.env,
  PATH: bin,
  // Nothing found elsewhere: the install step must fetch into this empty cache, by Node.
  TFDATA_CACHE_DIR: freshCache,
  TFDATA_INDEX_URL: mirrorUrl,
  TFDATA_NO_PYTHON: '1',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
};
for (const v of [
  'TF_CPP_MIN_LOG_LEVEL',
  'TFDATA_LOG_LEVEL',
  'TFDATA_LIBTENSORFLOW',
  'LIBTENSORFLOW_ROOT',
  'TFDATA_FETCH_FROM',
])
  delete env[v];

let tarball;
check('npm pack includes the prebuilt addon and leaves sources and tests out', () => {
  // prepack builds dist/ and the stripped prebuilt addon.
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' });
  const info = JSON.parse(out)[0];
  tarball = path.join(work, info.filename);
  const files = info.files.map((f) => f.path);
  // The loader's first place (lib/shared/tables.ts), read after the pack: prepack has just built dist/.
  const { addonCandidates } = require(path.join(root, 'dist', 'cjs', 'shared', 'tables.js'));
  for (const arch of ['x64', 'arm64']) {
    const prebuilt = addonCandidates('linux', arch)[0].join('/');
    if (!files.includes(prebuilt)) throw new Error(`no prebuilt addon (${prebuilt}) in the tarball`);
  }
  // A compile from the tarball's sources needs the generated header too.
  if (!files.includes('native/generated/tables.h'))
    throw new Error('native/generated/tables.h missing from the tarball');
  if (!files.includes('dist/cjs/index.js') || !files.includes('dist/esm/index.mjs')) throw new Error('dist/ missing');
  const junk = files.filter((f) => /^(test|bench|examples|build|node_modules)\//.test(f) || f.startsWith('lib/'));
  if (junk.length) throw new Error(`unexpected files: ${junk.slice(0, 5).join(', ')}`);
  console.log(`     tarball ${info.filename}: ${(info.size / 1024).toFixed(0)} kB packed, ${info.entryCount} files`);
});

check('the prebuilt addons need glibc <= 2.27 and no libstdc++ (objdump -T)', () => {
  const unpacked = path.join(work, 'unpacked');
  fs.mkdirSync(unpacked);
  execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
  const { addonCandidates } = require(path.join(root, 'dist', 'cjs', 'shared', 'tables.js'));
  const binaries = ['x64', 'arm64'].map((arch) => path.join(unpacked, 'package', ...addonCandidates('linux', arch)[0]));
  const problems = checkGlibc(binaries);
  if (problems.length) throw new Error(problems.join('; '));
});

const project = path.join(work, 'app');
check('installs into an empty project without a compiler or python3, fetching libtensorflow by Node', () => {
  if (spawnSync('sh', ['-c', 'command -v cc gcc g++ make cmake python3 python pip'], { env }).stdout.length)
    throw new Error('a toolchain or Python is visible');
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
  const source = path.join(freshCache, PINNED_WHEELS[process.arch].version, 'source.json');
  if (!fs.existsSync(source)) throw new Error(`the install step did not fetch libtensorflow:\n${r.stderr}`);
  if (JSON.parse(fs.readFileSync(source, 'utf8')).from !== 'wheel')
    throw new Error('fetched by something else than Node');
  console.log(
    `     npm install (cold: libtensorflow fetched from a mirror, unpacked) took ${(Date.now() - started) / 1000} s`,
  );
});
check('a second install into another project reuses the cache (warm)', () => {
  const again = path.join(work, 'app2');
  fs.mkdirSync(again);
  fs.writeFileSync(path.join(again, 'package.json'), JSON.stringify({ name: 'app2', version: '1.0.0', private: true }));
  const started = Date.now();
  const r = spawnSync('npm', ['install', tarball], { cwd: again, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr || r.stdout);
  console.log(`     npm install (warm) took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
check(`a production install brings at most ${MAX_PRODUCTION_PACKAGES} packages`, () => {
  const prod = path.join(work, 'prod');
  fs.mkdirSync(prod);
  fs.writeFileSync(path.join(prod, 'package.json'), JSON.stringify({ name: 'prod', version: '1.0.0', private: true }));
  const r = spawnSync('npm', ['install', '--omit=dev', tarball], { cwd: prod, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr || r.stdout);
  const lock = JSON.parse(fs.readFileSync(path.join(prod, 'package-lock.json'), 'utf8'));
  const packages = Object.keys(lock.packages).filter((p) => p.startsWith('node_modules/'));
  console.log(`     ${packages.length} packages: ${packages.map((p) => p.slice('node_modules/'.length)).join(', ')}`);
  if (packages.length > MAX_PRODUCTION_PACKAGES) throw new Error(`${packages.length} packages`);
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

// Each program must print 'pipeline ok' and nothing at all on stderr (quiet by default).
const run = (file, body, expected = 'pipeline ok') => {
  fs.writeFileSync(path.join(project, file), body);
  const r = spawnSync(process.execPath, [file], { cwd: project, env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0 || !r.stdout.includes(expected)) throw new Error(r.stderr || r.stdout);
  if (r.stderr !== '') throw new Error(`stderr is not empty: ${r.stderr.slice(0, 500)}`);
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
check('toTfjs() without TensorFlow.js installed says what to install', () =>
  run(
    'no-tfjs.js',
    `const { Dataset } = require('tfdata-node');
try { Dataset.range(3).toTfjs(); console.log('no error?'); }
catch (e) { if (/npm install @tensorflow\\/tfjs/.test(e.message)) console.log('clear error'); else throw e; }`,
    'clear error',
  ),
);
check('a tfjs model trains with fitDataset from the installed package', () => {
  const tfjs = [
    '@tensorflow/tfjs-core',
    '@tensorflow/tfjs-data',
    '@tensorflow/tfjs-backend-cpu',
    '@tensorflow/tfjs-layers',
  ];
  const versions = tfjs.map((p) => `${p}@${require(path.join(root, 'node_modules', p, 'package.json')).version}`);
  const r = spawnSync('npm', ['install', '--prefer-offline', ...versions], { cwd: project, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr || r.stdout);
  run(
    'tfjs.js',
    `const tf = require('@tensorflow/tfjs-core'); require('@tensorflow/tfjs-backend-cpu');
const tfl = require('@tensorflow/tfjs-layers');
const { Dataset, tensor } = require('tfdata-node');
tf.enableProdMode(); // no tfjs banner (it suggests tfjs-node) on the stderr that must stay empty
(async () => {
  await tf.setBackend('cpu');
  const x = Float32Array.from({ length: 256 }, (_, i) => (i % 16) / 16);
  const y = Float32Array.from({ length: 128 }, (_, i) => 2 * x[2 * i] - x[2 * i + 1]);
  const xs = tensor(x, 'float32', [128, 2]), ys = tensor(y, 'float32', [128, 1]);
  const ds = Dataset.fromTensorSlices({ xs, ys }).batch(32);
  const m = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
  m.compile({ optimizer: tf.train.adam(0.1), loss: 'meanSquaredError' });
  await m.fitDataset(ds.toTfjs(), { epochs: 2, verbose: 0 });
  const before = tf.memory().numTensors;
  const h = await m.fitDataset(ds.toTfjs(), { epochs: 20, verbose: 0 });
  if (tf.memory().numTensors !== before) throw new Error('tfjs tensors leaked: ' + (tf.memory().numTensors - before));
  const loss = h.history.loss;
  if (!(loss[loss.length - 1] < loss[0])) throw new Error('loss did not fall: ' + loss);
  console.log('pipeline ok');
})().catch((e) => { console.error(e); process.exit(1); });
`,
  );
});
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

mirror.disconnect();
fs.rmSync(work, { recursive: true, force: true });
// The prebuilt binary is for the tarball; left in the checkout it would shadow later local builds.
fs.rmSync(path.join(root, 'prebuilds'), { recursive: true, force: true });
const failed = results.filter(([, ok]) => !ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
