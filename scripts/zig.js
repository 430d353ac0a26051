// The zig compiler that `npm run prebuild` cross-compiles with: TFDATA_ZIG, else `zig` on PATH,
// else the `ziglang` package of PyPI installed once into a venv in the tfdata-node cache
// (`<cache>/zig-venv`). zig is used as a C++ compiler that can target an old glibc (it ships the
// glibc symbol stubs of every version) and another CPU, with its own libc++ linked in.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

// The ziglang release prebuilds are tested with; pinned so that the binaries do not change
// under us when PyPI gets a new zig.
const ZIGLANG_VERSION = '0.17.0';

function works(zig) {
  const r = spawnSync(zig, ['version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The path of a working zig, installing ziglang into `<cacheRoot>/zig-venv` when none is found. */
function findZig(cacheRoot, log) {
  if (process.env.TFDATA_ZIG) {
    if (!works(process.env.TFDATA_ZIG)) throw new Error(`TFDATA_ZIG=${process.env.TFDATA_ZIG} does not run`);
    return process.env.TFDATA_ZIG;
  }
  if (works('zig')) return 'zig';
  const venv = path.join(cacheRoot, 'zig-venv');
  const find = () => {
    const lib = path.join(venv, 'lib');
    if (!fs.existsSync(lib)) return undefined;
    for (const py of fs.readdirSync(lib)) {
      const zig = path.join(lib, py, 'site-packages', 'ziglang', 'zig');
      if (fs.existsSync(zig) && works(zig) === ZIGLANG_VERSION) return zig;
    }
    return undefined;
  };
  const existing = find();
  if (existing) return existing;
  log(`installing ziglang==${ZIGLANG_VERSION} from PyPI into ${venv}`);
  const python = process.env.TFDATA_PYTHON || 'python3';
  for (const [cmd, args] of [
    [python, ['-m', 'venv', venv]],
    [path.join(venv, 'bin', 'pip'), ['install', '-q', '--disable-pip-version-check', `ziglang==${ZIGLANG_VERSION}`]],
  ]) {
    const r = spawnSync(cmd, args, { stdio: ['ignore', 2, 2] });
    if (r.status !== 0)
      throw new Error(`${cmd} ${args.join(' ')} failed; install zig yourself and set TFDATA_ZIG=/path/to/zig`);
  }
  const installed = find();
  if (!installed) throw new Error(`ziglang installed but no zig ${ZIGLANG_VERSION} is in ${venv}`);
  return installed;
}

module.exports = { findZig, ZIGLANG_VERSION };
