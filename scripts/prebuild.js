#!/usr/bin/env node
// `npm run prebuild [-- --arch x64,arm64]`: the prebuilt addons `npm pack` ships, at
// prebuilds/linux-<arch>/tfdata.node (the loader's first place), for every CPU at once. Built with
// `zig c++` (scripts/zig.js) for glibc 2.27 — TensorFlow's own wheels' floor — whatever this
// machine's glibc, with zig's libc++ linked in (no libstdc++ needed), then stripped and checked
// with scripts/check-glibc.js. The addon links nothing of TensorFlow (it dlopens it), so a
// cross-compile needs only the Node-API headers.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const { findZig } = require('./zig');
const { checkGlibc, GLIBC_FLOOR } = require('./check-glibc');

const root = path.resolve(__dirname, '..');
// Where the loader looks for the addon (lib/shared/tables.ts); prepack runs build:ts before this.
const dist = path.join(root, 'dist', 'cjs');
if (!fs.existsSync(path.join(dist, 'shared', 'tables.js'))) {
  console.error('prebuild: dist/cjs/shared/tables.js is missing; run `npm run build:ts` first');
  process.exit(1);
}
const { addonCandidates } = require(path.join(dist, 'shared', 'tables.js'));
const { cacheRoot } = require(path.join(dist, 'install', 'paths.js'));

// Node's arch names → zig's target triples, with the glibc version to link against.
const TARGETS = {
  x64: `x86_64-linux-gnu.${GLIBC_FLOOR}`,
  arm64: `aarch64-linux-gnu.${GLIBC_FLOOR}`,
};
// The same defines and options as CMakeLists.txt's (the development build).
const FLAGS = [
  '-std=c++17',
  '-O2',
  '-fPIC',
  '-fvisibility=hidden',
  '-Wall',
  '-Wextra',
  '-Wno-unused-parameter',
  '-DNAPI_VERSION=8',
  '-DNAPI_CPP_EXCEPTIONS',
  '-DNODE_ADDON_API_DISABLE_DEPRECATED',
  '-DNODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS',
];

// Output goes to stderr: `npm pack --json` runs this as prepack and its stdout must stay JSON.
const log = (m) => console.error(`prebuild: ${m}`);

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 2, 2] });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} ${args.slice(0, 3).join(' ')}… exited ${code}`)),
    );
  });
}

/** Runs the jobs with at most `limit` at a time. */
async function pool(jobs, limit) {
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      while (queue.length) await queue.shift()();
    }),
  );
}

async function build(zig, arch) {
  const target = TARGETS[arch];
  if (!target) throw new Error(`--arch ${arch}: supported are ${Object.keys(TARGETS).join(', ')}`);
  const includes = [
    `-I${require('node-api-headers').include_dir}`,
    `-I${require('node-addon-api').include_dir.replace(/"/g, '')}`,
  ];
  const objDir = path.join(root, 'build', `prebuild-linux-${arch}`);
  fs.mkdirSync(objDir, { recursive: true });
  const sources = fs
    .readdirSync(path.join(root, 'native'))
    .filter((f) => f.endsWith('.cc'))
    .map((f) => path.join('native', f));
  const objects = sources.map((s) => path.join(objDir, `${path.basename(s, '.cc')}.o`));
  const started = Date.now();
  await pool(
    sources.map(
      (src, i) => () => run(zig, ['c++', '-target', target, ...FLAGS, ...includes, '-c', src, '-o', objects[i]]),
    ),
    os.availableParallelism ? os.availableParallelism() : os.cpus().length,
  );
  const out = path.join(root, ...addonCandidates('linux', arch)[0]);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // -s strips; undefined napi_* symbols are left for the loading node to provide.
  await run(zig, ['c++', '-target', target, '-shared', '-s', ...objects, '-ldl', '-o', out]);
  log(`${path.relative(root, out)} (${target}, ${fs.statSync(out).size} bytes, ${(Date.now() - started) / 1000} s)`);
  return out;
}

async function main() {
  const i = process.argv.indexOf('--arch');
  const arches = (i >= 0 ? process.argv[i + 1] : Object.keys(TARGETS).join(',')).split(',').filter(Boolean);
  const zig = findZig(cacheRoot(), log);
  const built = [];
  for (const arch of arches) built.push(await build(zig, arch));
  const problems = checkGlibc(built);
  if (problems.length) throw new Error(problems.join('; '));
  log(`all within GLIBC_${GLIBC_FLOOR}, no libstdc++ needed`);
}

main().catch((e) => {
  log(e.message);
  process.exit(1);
});
