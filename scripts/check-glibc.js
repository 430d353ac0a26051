#!/usr/bin/env node
// `node scripts/check-glibc.js FILE...`: fails when a binary needs a glibc symbol version newer
// than GLIBC_FLOOR (read from `objdump -T`), or a libstdc++ at all (the prebuilt addon carries its
// own C++ runtime so that an old distribution's libstdc++ does not matter). Run by
// `npm run prebuild` on what it builds and by `npm run test:pack` on the tarball's binaries.
'use strict';
const { execFileSync } = require('node:child_process');

// TensorFlow's own wheels are manylinux_2_27: a prebuilt addon needing more would narrow the set
// of systems where the pair runs.
const GLIBC_FLOOR = '2.27';

const newer = (a, b) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < Math.max(x.length, y.length); i++)
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return false;
};

/** The GLIBC_ versions a binary's dynamic symbols need, the highest, and any libstdc++ need. */
function glibcNeeds(file) {
  let table;
  try {
    table = execFileSync('objdump', ['-T', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch (e) {
    throw new Error(`objdump -T ${file} failed (${e.message.split('\n')[0]}); install binutils`, { cause: e });
  }
  const versions = [...new Set([...table.matchAll(/\bGLIBC_(\d+(?:\.\d+)*)\b/g)].map((m) => m[1]))];
  const highest = versions.reduce((h, v) => (newer(v, h) ? v : h), '0');
  const cxx = [...new Set([...table.matchAll(/\b(GLIBCXX_[\d.]+|CXXABI_[\d.]+)\b/g)].map((m) => m[1]))];
  const needed = execFileSync('objdump', ['-p', file], { encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\n')
    .filter((l) => /^\s*NEEDED\s/.test(l))
    .map((l) => l.trim().split(/\s+/)[1]);
  return { versions, highest, cxx, needed };
}

/** Checks each file; returns the problems found (an empty list when all are within the floor). */
function checkGlibc(files) {
  const problems = [];
  for (const file of files) {
    const { highest, cxx, needed } = glibcNeeds(file);
    if (newer(highest, GLIBC_FLOOR)) problems.push(`${file} needs GLIBC_${highest} (> ${GLIBC_FLOOR})`);
    if (cxx.length || needed.some((n) => n.startsWith('libstdc++')))
      problems.push(`${file} needs libstdc++ (${cxx.join(', ') || 'NEEDED'})`);
    console.error(`check-glibc: ${file}: highest GLIBC_${highest}, needs ${needed.join(' ')}`);
  }
  return problems;
}

module.exports = { checkGlibc, glibcNeeds, GLIBC_FLOOR };

if (require.main === module) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: node scripts/check-glibc.js FILE...');
    process.exit(2);
  }
  const problems = checkGlibc(files);
  for (const p of problems) console.error(`check-glibc: FAIL ${p}`);
  process.exit(problems.length ? 1 : 0);
}
