#!/usr/bin/env node
// `npm run lint`: every formatter and linter of the repo, in check mode, one line per tool:
// prettier and eslint (TypeScript and JavaScript), clang-format and cpplint (C++), and the
// import-layer rule of lib/ (scripts/check-layers.js). Runs them all, prints the output of those
// that fail, and exits non-zero when any fails. `npm run format` (`--write`) rewrites the files
// instead (prettier --write, clang-format -i). Generated code (lib/ops/generated/,
// native/generated/, *.generated.*) is left out: its generator emits it already formatted.
//
// clang-format and cpplint come from PyPI, installed on first use into a venv in the cache
// (~/.cache/tfdata-node/lint-venv, or under TFDATA_CACHE_DIR / $XDG_CACHE_HOME; TFDATA_LINT_VENV
// names another), and reinstalled when the pins below change. TFDATA_PYTHON picks the Python.
//
// Usage: node scripts/lint.js [--write] [tool…]   (tools: prettier eslint clang-format cpplint layers)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const PYTHON_TOOLS = ['clang-format==23.1.5', 'cpplint==2.0.2'];
// C++ sources: these folders (recursively) and files, without the generated ones.
const CXX_ROOTS = ['native', 'bench'];
const CXX_SKIP = ['native/generated', 'bench/build'];
const CXX_EXT = /\.(cc|cpp|h|hpp)$/;
const CXX_GENERATED = /\.generated\./;

const args = process.argv.slice(2);
const write = args.includes('--write');
const only = args.filter((a) => !a.startsWith('--'));

// The cache folder rule lives in lib/install/paths.ts (built into dist/ by `npm run build:ts`).
function cacheRoot() {
  const paths = path.join(root, 'dist', 'cjs', 'install', 'paths.js');
  if (!fs.existsSync(paths)) throw new Error('lint: dist/ is missing; run `npm run build:ts` first');
  return require(paths).cacheRoot();
}

function run(cmd, argv, options = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `${r.error.message}\n` : ''}`;
  return { ok: r.status === 0, output };
}

function bin(name) {
  return path.join(root, 'node_modules', '.bin', name);
}

// The venv with clang-format and cpplint; created (or refreshed) when its marker is not the pins.
function pythonTools() {
  const venv = process.env.TFDATA_LINT_VENV || path.join(cacheRoot(), 'lint-venv');
  const marker = path.join(venv, '.tfdata-lint-ready');
  const want = PYTHON_TOOLS.join(' ');
  if (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8').trim() !== want) {
    console.error(`lint: installing ${want} into ${venv} (once)`);
    fs.rmSync(venv, { recursive: true, force: true });
    for (const [cmd, argv] of [
      [process.env.TFDATA_PYTHON || 'python3', ['-m', 'venv', venv]],
      [path.join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '-q', ...PYTHON_TOOLS]],
    ]) {
      const r = run(cmd, argv);
      if (!r.ok) throw new Error(`${cmd} ${argv.join(' ')} failed:\n${r.output}`);
    }
    fs.writeFileSync(marker, `${want}\n`);
  }
  return (name) => path.join(venv, 'bin', name);
}

function cxxFiles() {
  const out = [];
  const walk = (rel) => {
    if (CXX_SKIP.includes(rel)) return;
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (e.isFile() && CXX_EXT.test(e.name) && !CXX_GENERATED.test(e.name)) out.push(child);
    }
  };
  for (const dir of CXX_ROOTS) if (fs.existsSync(path.join(root, dir))) walk(dir);
  return out.sort();
}

function layers() {
  const script = path.join(__dirname, 'check-layers.js');
  if (!fs.existsSync(script)) return { ok: false, output: `${path.relative(root, script)} not found\n` };
  return run(process.execPath, [script]);
}

let venvBin;
let venvError;
function py(name) {
  if (venvError) throw venvError; // set-up failed once: the other Python tool fails too, without a retry
  try {
    venvBin ??= pythonTools();
  } catch (e) {
    venvError = e;
    throw e;
  }
  return venvBin(name);
}

const tools = write
  ? [
      ['prettier', () => run(bin('prettier'), ['--write', '--log-level', 'warn', '.'])],
      ['clang-format', () => run(py('clang-format'), ['-i', ...cxxFiles()])],
    ]
  : [
      ['prettier', () => run(bin('prettier'), ['--check', '--log-level', 'warn', '.'])],
      ['eslint', () => run(bin('eslint'), ['--max-warnings', '0', '.'])],
      ['clang-format', () => run(py('clang-format'), ['--dry-run', '--Werror', ...cxxFiles()])],
      ['cpplint', () => run(py('cpplint'), ['--quiet', ...cxxFiles()])],
      ['layers', () => layers()],
    ];

const unknown = only.filter((name) => !tools.some(([n]) => n === name));
if (unknown.length > 0) {
  console.error(`lint: unknown tool ${unknown.join(', ')} (have: ${tools.map(([n]) => n).join(', ')})`);
  process.exit(2);
}

const failed = [];
for (const [name, check] of tools) {
  if (only.length > 0 && !only.includes(name)) continue;
  const start = process.hrtime.bigint();
  let result;
  try {
    result = check();
  } catch (e) {
    result = { ok: false, output: `${e.message}\n` };
  }
  const seconds = (Number(process.hrtime.bigint() - start) / 1e9).toFixed(1);
  if (!result.ok) {
    failed.push(name);
    process.stdout.write(result.output.endsWith('\n') ? result.output : `${result.output}\n`);
  }
  console.log(`lint: ${name.padEnd(12)} ${result.ok ? 'ok  ' : 'FAIL'} (${seconds} s)`);
}
if (failed.length > 0) {
  const formats = (name) => name === 'prettier' || (name === 'clang-format' && !venvError);
  const fixable = write ? [] : failed.filter(formats);
  const hint = fixable.length > 0 ? ` (\`npm run format\` fixes ${fixable.join(' and ')})` : '';
  console.log(`lint: failed: ${failed.join(', ')}${hint}`);
  process.exit(1);
}
