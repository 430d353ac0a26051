#!/usr/bin/env node
// Part of `npm run gen:ops`: writes lib/ops/sym-methods.generated.ts, the types of Sym's method
// forms, from the table in lib/ops/methods.ts. Each method is its friendly function with the
// first operand turned into `this`: `add<D extends C>(a: Operand<D>, b: Operand<D>): Sym<D>`
// becomes `add(this: Sym<D & C>, b: Operand<D>): Sym<D>` on `Sym<D>`, with the same doc comment.
// `--check` writes nothing and fails when the committed file is stale.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const opsDir = path.join(__dirname, '..', 'lib', 'ops');
const OUT = path.join(opsDir, 'sym-methods.generated.ts');
const check = process.argv.includes('--check');

const parse = (file) => ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);

/** `import * as math from './math'` → { math: '<abs path>/math.ts' }. */
function namespaceImports(sf) {
  const out = {};
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !st.importClause?.namedBindings) continue;
    const nb = st.importClause.namedBindings;
    if (ts.isNamespaceImport(nb))
      out[nb.name.text] = path.join(path.dirname(sf.fileName), `${st.moduleSpecifier.text}.ts`);
  }
  return out;
}

/** The method table: [method name, module alias, function name], in order. */
function table(sf) {
  let entries;
  sf.forEachChild(function visit(node) {
    if (ts.isVariableDeclaration(node) && node.name.getText() === 'SYM_METHODS') {
      let init = node.initializer;
      while (ts.isAsExpression(init)) init = init.expression;
      entries = init.properties.map((p) => {
        const [mod, fn] = p.initializer.getText().split('.');
        return [p.name.getText(), mod, fn];
      });
    }
    node.forEachChild(visit);
  });
  if (!entries) throw new Error('gen-sym-methods: SYM_METHODS not found in lib/ops/methods.ts');
  return entries;
}

function functionIn(sf, name) {
  const fn = sf.statements.find((s) => ts.isFunctionDeclaration(s) && s.name?.text === name);
  if (!fn) throw new Error(`gen-sym-methods: ${sf.fileName} has no function ${name}`);
  return fn;
}

/** Exported type-level names of a module (for imports of the generated file). */
function exportedTypes(file) {
  const text = fs.readFileSync(file, 'utf8');
  return new Set([...text.matchAll(/export (?:type|interface|class) (\w+)/g)].map((m) => m[1]));
}

function method(methodName, fn) {
  const sf = fn.getSourceFile();
  const [self, ...rest] = fn.parameters;
  const selfType = self.type ? self.type.getText() : 'Operand';
  // The type parameter the first operand is generic in becomes Sym's own D.
  const params = fn.typeParameters ? [...fn.typeParameters] : [];
  const bound = params.find((p) => new RegExp(`\\b${p.name.text}\\b`).test(selfType));
  const rename = (text) =>
    bound && bound.name.text !== 'D' ? text.replace(new RegExp(`\\b${bound.name.text}\\b`, 'g'), 'D') : text;
  let thisType = null;
  if (bound) {
    const c = bound.constraint ? bound.constraint.getText() : 'GraphDType';
    thisType = `Sym<D & ${c.includes('|') ? `(${c})` : c}>`;
  } else {
    const fixedDtype = /^(?:Operand|Sym)<('\w+')>$/.exec(selfType);
    if (fixedDtype) thisType = `Sym<${fixedDtype[1]}>`;
  }
  if (params.some((p) => p !== bound && p.name.text === 'D'))
    throw new Error(`${fn.name.text}: a second type parameter named D`);
  const generics = params.filter((p) => p !== bound).map((p) => rename(p.getText()));
  const args = rest.map((p) => {
    const name = p.dotDotDotToken ? `...${p.name.getText()}` : p.name.getText();
    const optional = p.questionToken || p.initializer ? '?' : '';
    const type = p.type ? rename(p.type.getText()) : 'unknown';
    return `${name}${optional}: ${type}`;
  });
  if (thisType) args.unshift(`this: ${thisType}`);
  const ret = fn.type ? rename(fn.type.getText()) : 'unknown';
  const docs = ts.getJSDocCommentsAndTags(fn).map((d) => d.getText(sf));
  const doc = docs.length ? docs[docs.length - 1].replace(/\n\s*/g, '\n    ') : `/** See tf.${fn.name.text}. */`;
  const sig = `${methodName}${generics.length ? `<${generics.join(', ')}>` : ''}(${args.join(', ')}): ${ret};`;
  return { doc, sig, text: `${selfType} ${args.join(' ')} ${ret} ${generics.join(' ')}` };
}

function render() {
  const methodsFile = parse(path.join(opsDir, 'methods.ts'));
  const modules = namespaceImports(methodsFile);
  const parsed = new Map();
  const members = table(methodsFile).map(([name, mod, fn]) => {
    const file = modules[mod];
    if (!file) throw new Error(`gen-sym-methods: '${mod}' is not a namespace import of lib/ops/methods.ts`);
    if (!parsed.has(file)) parsed.set(file, parse(file));
    return method(name, functionIn(parsed.get(file), fn));
  });
  // Imports: every type name the signatures use, from the module that exports it.
  const sources = [
    ['../graph/sym', path.join(opsDir, '..', 'graph', 'sym.ts')],
    ['../graph/operands', path.join(opsDir, '..', 'graph', 'operands.ts')],
    ['../tensor/dtypes', path.join(opsDir, '..', 'tensor', 'dtypes.ts')],
    ...Object.values(modules).map((f) => [`./${path.basename(f, '.ts')}`, f]),
  ];
  const used = new Set(members.flatMap((m) => [...m.text.matchAll(/\b[A-Z]\w*\b/g)].map((x) => x[0])));
  used.add('GraphDType');
  used.delete('D');
  const imports = new Map();
  for (const name of [...used].sort()) {
    const from = sources.find(([, file]) => exportedTypes(file).has(name));
    if (!from) continue; // a type parameter of a method
    if (!imports.has(from[0])) imports.set(from[0], []);
    imports.get(from[0]).push(name);
  }
  const lines = [
    '// GENERATED by scripts/gen-sym-methods.js from the table in lib/ops/methods.ts: do not edit.',
    "// The types of Sym's method forms; lib/ops/methods.ts attaches the implementations.",
    ...[...imports].map(([from, names]) => `import type { ${names.join(', ')} } from '${from}';`),
    '',
    "declare module '../graph/sym' {",
    '  interface Sym<D extends GraphDType> {',
    ...members.flatMap((m) => [`    ${m.doc}`, `    ${m.sig}`]),
    '  }',
    '}',
    '',
  ];
  return lines.join('\n');
}

const text = render();
const current = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : null;
if (check) {
  if (current !== text) {
    console.error('gen-sym-methods --check: lib/ops/sym-methods.generated.ts is stale; run `npm run gen:ops`');
    process.exit(1);
  }
  console.log('gen-sym-methods --check: lib/ops/sym-methods.generated.ts is fresh');
} else {
  if (current !== text) fs.writeFileSync(OUT, text);
  const methods = text.split('\n').filter((l) => l.endsWith(';') && l.startsWith('    ') && !l.includes('*'));
  console.log(`gen-sym-methods: ${methods.length} methods`);
}
