#!/usr/bin/env node
// `npm run gen:ops`: writes lib/ops/generated/, one typed builder per op the pinned TensorFlow
// registers, from its OpDefs (TF_GetAllOpList). `--check` writes nothing and fails when the
// committed files differ from what the registry gives (CI runs it).
//
// Summaries: the C registry keeps few; the rest come from the docstrings of the pinned
// tensorflow-cpu wheel's `tf.raw_ops` (the test venv, scripts/setup-python.js).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist', 'cjs');
if (!fs.existsSync(path.join(dist, 'graph', 'opdef.js'))) {
  console.error('gen-ops: dist/ is missing; run `npm run build:ts` first (npm run gen:ops does)');
  process.exit(1);
}
const { addon, version } = require(path.join(dist, 'native.js'));
const { parseOpList, kernelDevices } = require(path.join(dist, 'graph', 'opdef.js'));
const { DTYPE_TABLE } = require(path.join(dist, 'shared', 'tables.js'));
const { venvPython } = require(path.join(dist, 'install', 'paths.js'));

const OUT = path.join(root, 'lib', 'ops', 'generated');
const check = process.argv.includes('--check');

// ---------------------------------------------------------------------------------------------
// Dtypes: TF enum → our name, for the dtypes tfdata-node can carry in a graph.
const dtypeName = new Map(DTYPE_TABLE.filter((d) => d.graph).map((d) => [d.tf, d.name]));
const ALL_GRAPH = 'GraphDType';
const lit = (s) => `'${s}'`;

function union(enums) {
  const names = [...new Set(enums.map((e) => dtypeName.get(e)).filter(Boolean))];
  return names.length ? names.map(lit).join(' | ') : 'never';
}

// Names a generic parameter may not take (they are types the generated files import).
const RESERVED = new Set(['Sym', 'Operand', 'GraphDType', 'Tensor', 'StaticShape', 'GraphFunction', 'OpArgs']);
const paramName = (attr) => (RESERVED.has(attr) || !/^[A-Za-z_]\w*$/.test(attr) ? `${attr}_` : attr);

/** How an argument is typed, in words: `of dtype T`, `a list of N tensors of dtype T`, `int64`. */
function argKind(arg) {
  const dtype = arg.typeAttr
    ? `dtype ${arg.typeAttr}`
    : arg.type
      ? (dtypeName.get(arg.type) ?? `TF dtype ${arg.type}`)
      : '';
  if (arg.typeListAttr) return `(a list of tensors, dtypes ${arg.typeListAttr})`;
  if (arg.numberAttr) return `(a list of ${arg.numberAttr} tensors of ${dtype})`;
  return `(${dtype})`;
}

/** An attr default as TypeScript would write it. */
function defaultText(v) {
  if (!v) return undefined;
  switch (v.kind) {
    case 's':
      return JSON.stringify(v.value);
    case 'i':
    case 'f':
    case 'b':
      return String(v.value);
    case 'type':
      return dtypeName.has(v.value) ? `'${dtypeName.get(v.value)}'` : `TF dtype ${v.value}`;
    case 'shape':
      return v.value === null ? 'null (unknown rank)' : `[${v.value.map((d) => (d === null ? 'null' : d)).join(', ')}]`;
    case 'list': {
      const items = [
        ...v.s.map((x) => JSON.stringify(x)),
        ...v.i,
        ...v.f,
        ...v.b,
        ...v.type.map((t) => dtypeName.get(t) ?? t),
      ];
      return `[${items.join(', ')}]`;
    }
    default:
      return undefined;
  }
}

/** Everything needed to write one builder; `loose` lists why an op is not typed fully. */
function describe(def, devices, summaries) {
  const loose = [];
  const attrs = def.attrs;
  const inputTypeAttrs = new Set(def.inputs.map((a) => a.typeAttr).filter(Boolean));
  const inferred = new Set([
    ...inputTypeAttrs,
    ...def.inputs.map((a) => a.numberAttr).filter(Boolean),
    ...def.inputs.map((a) => a.typeListAttr).filter(Boolean),
  ]);
  const outputTypeAttrs = new Set(def.outputs.map((a) => a.typeAttr).filter(Boolean));

  // One generic parameter per type attr that an input or output follows.
  const generics = [];
  const genericOf = new Map();
  for (const name of [...inputTypeAttrs, ...outputTypeAttrs]) {
    if (genericOf.has(name)) continue;
    const a = attrs.get(name);
    const constraint = a && a.allowedTypes ? union(a.allowedTypes) : ALL_GRAPH;
    if (constraint === 'never') loose.push(`attr ${name} allows only dtypes tfdata-node cannot carry`);
    let fallback = constraint;
    if (a && a.defaultValue && a.defaultValue.kind === 'type' && dtypeName.has(a.defaultValue.value)) {
      fallback = lit(dtypeName.get(a.defaultValue.value));
    }
    const p = paramName(name);
    genericOf.set(name, p);
    // An uninferred parameter falls back to its constraint: a default equal to it says nothing.
    generics.push(fallback === constraint ? `${p} extends ${constraint}` : `${p} extends ${constraint} = ${fallback}`);
  }

  // Parameters with a default must come last.
  generics.sort((a, b) => Number(a.includes(' = ')) - Number(b.includes(' = ')));

  const fixed = (enumValue, where) => {
    const n = dtypeName.get(enumValue);
    if (!n) {
      loose.push(`${where} has a dtype tfdata-node cannot carry (TF enum ${enumValue})`);
      return 'never';
    }
    return lit(n);
  };
  const argDtype = (arg, where) => {
    if (arg.typeAttr) return genericOf.get(arg.typeAttr);
    if (arg.type) return fixed(arg.type, where);
    return null; // a list of mixed dtypes
  };

  const fields = [];
  for (const arg of def.inputs) {
    const d = argDtype(arg, `input ${arg.name}`);
    let t;
    if (arg.typeListAttr) {
      t = 'readonly Operand[]';
      loose.push(`input ${arg.name} is a list of mixed dtypes`);
    } else if (arg.numberAttr) t = `readonly Operand<${d}>[]`;
    else t = `Operand<${d}>`;
    fields.push({ name: arg.name, type: t, optional: false, doc: arg.description || `Input ${argKind(arg)}.` });
  }
  for (const a of attrs.values()) {
    if (inferred.has(a.name)) continue;
    let t;
    switch (a.type) {
      case 'type':
        t = genericOf.get(a.name) ?? (a.allowedTypes ? union(a.allowedTypes) : ALL_GRAPH);
        break;
      case 'list(type)':
        t = `readonly (${a.allowedTypes ? union(a.allowedTypes) : ALL_GRAPH})[]`;
        break;
      case 'int':
      case 'float':
        t = 'number';
        break;
      case 'bool':
        t = 'boolean';
        break;
      case 'string':
        t = a.allowedStrings ? a.allowedStrings.map((s) => JSON.stringify(s)).join(' | ') : 'string';
        break;
      case 'shape':
        t = 'StaticShape';
        break;
      case 'tensor':
        t = 'Tensor';
        break;
      case 'func':
        t = 'GraphFunction';
        break;
      case 'list(int)':
      case 'list(float)':
        t = 'readonly number[]';
        break;
      case 'list(bool)':
        t = 'readonly boolean[]';
        break;
      case 'list(string)':
        t = 'readonly string[]';
        break;
      case 'list(shape)':
        t = 'readonly StaticShape[]';
        break;
      case 'list(tensor)':
        t = 'readonly Tensor[]';
        break;
      case 'list(func)':
        t = 'readonly GraphFunction[]';
        break;
      default:
        t = 'unknown';
        loose.push(`attr ${a.name} has kind ${a.type}`);
    }
    const shown = a.hasDefault ? defaultText(a.defaultValue) : undefined;
    const base = a.description || `Attr of kind ${a.type}.`;
    fields.push({
      name: a.name,
      type: t,
      optional: a.hasDefault,
      doc: shown === undefined ? base : `${base} Default: ${shown}.`,
    });
  }
  if (fields.some((f) => f.name === 'name')) throw new Error(`${def.name}: an argument is called 'name'`);

  const outs = def.outputs.map((arg) => {
    const d = argDtype(arg, `output ${arg.name}`);
    if (arg.typeListAttr) {
      loose.push(`output ${arg.name} is a list of mixed dtypes`);
      return { name: arg.name, type: 'Sym[]', doc: arg.description || `Output ${argKind(arg)}.` };
    }
    const type = arg.numberAttr ? `Sym<${d}>[]` : `Sym<${d}>`;
    return { name: arg.name, type, doc: arg.description || `Output ${argKind(arg)}.` };
  });
  let result;
  if (outs.length === 0) result = 'void';
  else if (outs.length === 1) result = outs[0].type;
  else result = outs;

  const notes = [];
  const runnable = devices.includes('CPU') || devices.includes('DEFAULT');
  if (!runnable) {
    notes.push(
      `Cannot run here: no CPU kernel is registered in this TensorFlow` +
        `${devices.length ? ` (only ${devices.join(', ')})` : ''}; adding it throws.`,
    );
  }
  if ([...def.inputs, ...def.outputs].some((a) => a.isRef)) {
    notes.push(
      'Cannot run here: it takes reference-typed (TF1 variable) tensors, ' +
        'which a function cannot hold; adding it throws.',
    );
  }
  if (def.isStateful) notes.push('Stateful: TensorFlow runs it on every call and never folds or deduplicates it.');
  return { def, generics, fields, result, notes, loose, summary: def.summary || summaries[def.name] || '' };
}

// ---------------------------------------------------------------------------------------------
// Writing.
const HEADER = (what) =>
  `// GENERATED by scripts/gen-ops.js from the op registry of TensorFlow ${version()}: do not edit.\n` + `// ${what}\n`;

const docText = (s) => s.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ').trim();
const WIDTH = 120;

/** Words of `text` in lines of at most `width` characters, each started by `prefix`. */
function wrap(text, prefix, width = WIDTH) {
  const lines = [];
  let line = prefix;
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > width && line.trim() !== prefix.trim()) {
      lines.push(line.trimEnd());
      line = prefix;
    }
    line += (line === prefix ? '' : ' ') + word;
  }
  lines.push(line.trimEnd());
  return lines;
}

/** A type written on lines of at most WIDTH characters: a long union breaks before its `|`s. */
function wrapType(head, type, indent) {
  const one = `${indent}${head}${type}`;
  if (one.length <= WIDTH) return [one];
  const parts = type.split(' | ');
  const lines = [];
  let line = `${indent}${head}${parts[0]}`;
  for (const part of parts.slice(1)) {
    if (line.length + part.length + 3 > WIDTH) {
      lines.push(line);
      line = `${indent}  | ${part}`;
    } else line += ` | ${part}`;
  }
  lines.push(line);
  return lines;
}

function builder(d) {
  const { def, generics, fields, result, notes } = d;
  const lines = ['/**'];
  lines.push(...wrap(docText(d.summary) || `The ${def.name} op (TensorFlow registers no summary for it).`, ' * '));
  for (const n of notes) lines.push(' *', ...wrap(n, ' * '));
  if (def.deprecation) {
    lines.push(
      ' *',
      ...wrap(
        `@deprecated since GraphDef version ${def.deprecation.version}: ${docText(def.deprecation.explanation)}`,
        ' * ',
      ),
    );
  }
  lines.push(' */');
  const allOptional = fields.every((f) => f.optional);
  const open = `export function ${def.name}`;
  const argsHead = `(args${allOptional ? '?' : ''}: {`;
  const oneLineGenerics = generics.length ? `<${generics.join(', ')}>` : '';
  if (`${open}${oneLineGenerics}${argsHead}`.length <= WIDTH) lines.push(`${open}${oneLineGenerics}${argsHead}`);
  else {
    lines.push(`${open}<`);
    for (const g of generics) {
      const at = g.indexOf(' extends ') + ' extends '.length;
      lines.push(...wrapType(g.slice(0, at), `${g.slice(at)},`, '  '));
    }
    lines.push(`>${argsHead}`);
  }
  for (const f of fields) {
    if (f.doc) lines.push(...wrap(`/** ${docText(f.doc)} */`, '  '));
    lines.push(...wrapType(`${f.name}${f.optional ? '?' : ''}: `, `${f.type};`, '  '));
  }
  lines.push('  /** Node name prefix in the graph (default: the op type). */', '  name?: string;');
  if (!Array.isArray(result)) lines.push(...wrapType('}): ', `${result} {`, ''));
  else {
    lines.push('}): {');
    for (const o of result) lines.push(...wrap(`/** ${docText(o.doc)} */`, '  '), `  ${o.name}: ${o.type};`);
    lines.push('} {');
  }
  lines.push(`  return callOp('${def.name}', args) as never;`);
  lines.push('}');
  return lines.join('\n');
}

function fileOf(name) {
  return name.startsWith('_') ? 'internal' : `ops-${name[0].toLowerCase()}`;
}

function render(descs) {
  const files = new Map();
  const byFile = new Map();
  for (const d of descs) {
    const f = fileOf(d.def.name);
    if (!byFile.has(f)) byFile.set(f, []);
    byFile.get(f).push(d);
  }
  const names = [...byFile.keys()].sort();
  for (const f of names) {
    const group = byFile.get(f);
    const body = group.map(builder).join('\n\n');
    const used = ['Sym', 'Operand', 'GraphDType', 'Tensor', 'StaticShape', 'GraphFunction'].filter((t) =>
      new RegExp(`\\b${t}\\b`).test(body),
    );
    const fromGraph = used.filter((t) => ['Sym', 'StaticShape'].includes(t));
    const imports = [
      `import { callOp } from '../../graph/call';`,
      used.includes('GraphFunction') ? `import type { GraphFunction } from '../../graph/context';` : null,
      used.includes('Operand') ? `import type { Operand } from '../../graph/operands';` : null,
      fromGraph.length ? `import type { ${fromGraph.join(', ')} } from '../../graph/sym';` : null,
      used.includes('GraphDType') ? `import type { GraphDType } from '../../tensor/dtypes';` : null,
      used.includes('Tensor') ? `import type { Tensor } from '../../tensor/tensor';` : null,
    ].filter(Boolean);
    const what =
      f === 'internal'
        ? "Ops whose names start with '_': TensorFlow's internal ops, listed for completeness."
        : `Ops whose names start with '${f.slice(4).toUpperCase()}'.`;
    files.set(`${f}.ts`, `${HEADER(what)}${imports.join('\n')}\n\n${body}\n`);
  }
  const index =
    HEADER(
      `Every op of the registry (${descs.length}), typed from its OpDef: \`tf.raw.OpName({ ...inputs, ...attrs })\`.`,
    ) +
    names.map((f) => `export * from './${f}';`).join('\n') +
    '\n';
  files.set('index.ts', index);
  const fully = descs.filter((d) => d.loose.length === 0).length;
  const report = {
    tensorflow: version(),
    ops: descs.length,
    typedFully: fully,
    typedLoosely: descs.length - fully,
    withSummary: descs.filter((d) => d.summary).length,
    cannotRun: descs.filter((d) => d.notes.some((n) => n.startsWith('Cannot run'))).length,
  };
  files.set('REPORT.json', `${JSON.stringify(report, null, 2)}\n`);
  return { files, report };
}

// ---------------------------------------------------------------------------------------------
function summaries() {
  const python = venvPython();
  if (!python) throw new Error('gen-ops: the test venv is missing; run `node scripts/setup-python.js` first');
  const out = execFileSync(python, [path.join(__dirname, 'op-summaries.py')], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out);
}

function main() {
  const a = addon();
  const defs = parseOpList(a.opList()).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const docs = summaries();
  const descs = defs.map((def) => describe(def, kernelDevices(a.kernelsFor(def.name)), docs));
  const { files, report } = render(descs);
  if (!check) fs.mkdirSync(OUT, { recursive: true });
  const existing = fs.existsSync(OUT) ? fs.readdirSync(OUT) : [];
  const stale = [];
  for (const [name, text] of files) {
    const p = path.join(OUT, name);
    const current = fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : null;
    if (current !== text) stale.push(name);
    if (!check && current !== text) fs.writeFileSync(p, text);
  }
  const extra = existing.filter((f) => !files.has(f));
  if (!check) for (const f of extra) fs.rmSync(path.join(OUT, f));
  if (check) {
    if (stale.length || extra.length) {
      console.error(
        `gen-ops --check: lib/ops/generated/ is not what the registry gives (${[...stale, ...extra].join(', ')}); ` +
          'run `npm run gen:ops`',
      );
      process.exit(1);
    }
    console.log(`gen-ops --check: lib/ops/generated/ is fresh (${report.ops} ops)`);
    return;
  }
  console.log(
    `gen-ops: ${report.ops} ops (${report.typedFully} typed fully, ${report.typedLoosely} loosely), ` +
      `${files.size} files, ${stale.length} changed`,
  );
}

main();
