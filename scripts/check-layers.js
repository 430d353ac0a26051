#!/usr/bin/env node
// The import rule of lib/: each file imports only files of its own layer or of layers below,
// and no two files import each other, even through others (type-only imports count too:
// a circle of types is still a circle for a reader). Run by `npm run lint` and by a test.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

// Bottom first. A file belongs to the first layer whose prefix matches its path under lib/.
const LAYERS = [
  { name: 'core', prefixes: ['native.ts', 'errors.ts', 'limits.ts', 'proto.ts', 'shared/', 'install/'] },
  { name: 'tensor', prefixes: ['tensor/'] },
  // Host tensors ↔ other libraries' tensors (TensorFlow.js): needs only host tensors.
  { name: 'interop', prefixes: ['interop/'] },
  { name: 'graph', prefixes: ['graph/'] },
  { name: 'iterate', prefixes: ['iterate/'] },
  { name: 'trace', prefixes: ['trace/'] },
  { name: 'generated ops', prefixes: ['ops/generated/'] },
  { name: 'ops', prefixes: ['ops/'] },
  { name: 'dataset', prefixes: ['dataset/'] },
  { name: 'public', prefixes: ['index.ts', 'cli.ts'] },
];

function layerOf(rel) {
  const i = LAYERS.findIndex((l) => l.prefixes.some((p) => rel === p || rel.startsWith(p)));
  if (i < 0) throw new Error(`lib/${rel} belongs to no layer: add it to LAYERS in scripts/check-layers.js`);
  return i;
}

function sources(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

function importsOf(file) {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [
    ...text.matchAll(
      /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']*)'|import\('(\.[^']*)'\)|^import\s+'(\.[^']*)'/gm,
    ),
  ];
  return specs
    .map((m) => m[1] ?? m[2] ?? m[3])
    .map((spec) => {
      const base = path.resolve(path.dirname(file), spec);
      for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')])
        if (fs.existsSync(candidate)) return candidate;
      throw new Error(`${file}: cannot resolve '${spec}'`);
    });
}

function check(libDir) {
  const problems = [];
  const files = sources(libDir);
  const rel = (f) => path.relative(libDir, f).split(path.sep).join('/');
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  for (const [file, deps] of graph) {
    for (const dep of deps) {
      const from = layerOf(rel(file));
      const to = layerOf(rel(dep));
      if (to > from)
        problems.push(
          `lib/${rel(file)} (${LAYERS[from].name}) imports lib/${rel(dep)} (${LAYERS[to].name}), a layer above it`,
        );
    }
  }
  // Circles: a depth-first search that reports each back edge's circle once.
  const state = new Map();
  const stack = [];
  const visit = (f) => {
    state.set(f, 'open');
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === 'open')
        problems.push(
          `import circle: ${[...stack.slice(stack.indexOf(d)), d].map((x) => `lib/${rel(x)}`).join(' → ')}`,
        );
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return { files: files.length, problems };
}

module.exports = { check, LAYERS };

if (require.main === module) {
  const { files, problems } = check(path.join(__dirname, '..', 'lib'));
  for (const p of problems) console.error(p);
  if (problems.length) process.exit(1);
  console.log(`check-layers: ${files} files in lib/, imports one-way, no circle`);
}
