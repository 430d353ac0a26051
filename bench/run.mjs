// `npm run bench [-- --quick]`: every contender on every workload, each in its own process,
// side by side in one run; prints one table of ratios and writes bench/results/*.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { init } from 'tfdata-node';
import { SIZES } from './data.mjs';
import { runRequestWorkloads } from './requests.mjs';
import { runServiceWorkloads } from './service.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const quick = process.argv.includes('--quick');
const scale = quick ? 'quick' : 'full';
const sizes = SIZES[scale];
const build = path.join(here, 'build');
mkdirSync(build, { recursive: true });
mkdirSync(path.join(here, 'results'), { recursive: true });

const library = init();
// The venv scripts/setup-python.js makes (setup() below): its one definition is lib/install/paths.
const { venvDir } = createRequire(import.meta.url)('../dist/cjs/install/paths.js');
const python = path.join(venvDir(), 'bin', 'python');

function setup() {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'setup-python.js')], { stdio: 'inherit' });
  // The files of W8 and W9, written by Python's own writers (once per size).
  execFileSync(python, [path.join(here, 'formats_data.py'), build, String(sizes.w8), String(sizes.w9)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
  });
  const floor = path.join(build, 'floor');
  // -I native: floor.cc includes native/tf_library.h and native/generated/tables.h (`npm run gen:tables`).
  execFileSync(
    'g++',
    [
      '-O2',
      '-std=c++17',
      `-I${path.join(root, 'native')}`,
      path.join(here, 'floor.cc'),
      path.join(root, 'native', 'tf_library.cc'),
      '-ldl',
      '-o',
      floor,
    ],
    { stdio: 'inherit' },
  );
  return floor;
}

function runJson(cmd, args) {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
  });
  const line = (r.stdout || '').trim().split('\n').pop();
  if (r.status !== 0 || !line?.startsWith('{'))
    throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(line);
}

const floor = setup();
const child = path.join(here, 'child.mjs');
const workloads = [
  {
    name: 'w1',
    label: 'W1 seed at scale: slices → map(x*w+b) → batch(1024) → prefetch',
    n: sizes.w1,
    contenders: ['tfdata', 'tfdata-novec', 'python', 'floor', 'plain', 'tfjs'],
  },
  {
    name: 'w2',
    label: 'W2 per element: slices → map(x*w+b), element by element',
    n: sizes.w2,
    contenders: ['tfdata', 'python', 'floor', 'plain', 'tfjs'],
  },
  {
    name: 'w3',
    label: 'W3 images: cast, /255, stateless flip, resize 32×32 (parallel) → batch(128)',
    n: sizes.w3,
    contenders: ['tfdata', 'python', 'floor', 'plain', 'tfjs'],
  },
  {
    name: 'w4_scalar',
    label: 'W4a range → map(x+1) → batch(256) (scalar map)',
    n: sizes.w4,
    contenders: ['tfdata', 'tfdata-novec', 'python', 'floor'],
  },
  {
    name: 'w4_vector',
    label: 'W4b range → batch(256) → map(x+1) (vectorised map)',
    n: sizes.w4,
    contenders: ['tfdata', 'python', 'floor'],
  },
  {
    name: 'w5_scalars',
    label: 'W5a generator of int32 scalars → batch(1024) (fromGenerator / from_generator)',
    n: sizes.w5,
    contenders: ['tfdata', 'python', 'tfjs'],
  },
  {
    name: 'w5_rows',
    label: 'W5b generator of float32[32] rows → batch(1024)',
    n: sizes.w5,
    contenders: ['tfdata', 'python', 'tfjs'],
  },
  {
    name: 'w6_mapjs',
    label: 'W6a range → mapJs(x*2+1 in JS) → batch(1024) (py_function in Python)',
    n: sizes.w6,
    contenders: ['tfdata', 'python'],
  },
  {
    name: 'w6_map',
    label: 'W6b range → map(x*2+1 traced) → batch(1024)',
    n: sizes.w6,
    contenders: ['tfdata', 'python'],
  },
  {
    name: 'w8_tfrecord',
    label: 'W8 TFRecord of Examples → parse → decode JPEG → resize 32×32 (parallel) → batch(128)',
    n: sizes.w8,
    contenders: ['tfdata', 'python', 'floor'],
  },
  {
    name: 'w9_csv',
    label: 'W9 CSV (header, 8 columns) → batch(1024) → stack numeric columns',
    n: sizes.w9,
    contenders: ['tfdata', 'python', 'floor'],
  },
  {
    name: 'w10',
    label: 'W10 records: slices → map(normalise, clip, one-hot label) → batch(1024)',
    n: sizes.w10,
    contenders: ['tfdata', 'tfdata-novec', 'python', 'floor'],
  },
  {
    name: 'w11',
    label: 'W11 strings: slices → map(stringToNumber(s)*2) → batch(1024) (not vectorisable)',
    n: sizes.w11,
    // No floor: bench/floor.cc feeds raw numeric files, and W11's source is strings.
    contenders: ['tfdata', 'tfdata-novec', 'python'],
  },
];
// tfjs-data runs a JS function per element: it gets a tenth of the rows (throughput is per element).
const tfjsShare = 10;

const graphsWritten = new Set();

// One run of contender `c` on workload `w`: `{ [c]: result }`, or for the floor one per mode.
function runContender(w, c, flipsFile, probe = false) {
  process.stderr.write(`bench: ${w.name} ${c}${probe ? ' (event loop)' : ''}…\n`);
  if (c === 'python') return { python: runJson(python, [path.join(here, 'python_bench.py'), w.name, scale]) };
  if (c === 'floor') {
    const pb = path.join(build, `${w.name}-${w.n}.pb`);
    // Written once per run: the graph follows the library's code (vectorisation included).
    if (!graphsWritten.has(pb)) runJson(process.execPath, [child, 'graphdef', w.name, String(w.n), pb]);
    graphsWritten.add(pb);
    // Two native crossings: a session step per element (as the addon runs) or eager ops (as
    // Python runs); the `floor` row is the faster of their medians (below).
    return Object.fromEntries(
      ['session', 'eager'].map((mode) => [`floor: ${mode}`, runJson(floor, [library.path, pb, '1', mode])]),
    );
  }
  const n = c === 'tfjs' ? Math.floor(w.n / tfjsShare) : w.n;
  const args = [
    '--max-old-space-size=8192',
    '--expose-gc',
    child,
    ...(probe ? ['--probe'] : []),
    c,
    w.name,
    String(n),
    ...(w.name === 'w3' ? [flipsFile] : []),
  ];
  return { [c]: { ...runJson(process.execPath, args), rows: n } };
}

// Ratios to the floor are within this machine's run-to-run noise (±15 % here): where a workload
// has a floor, tfdata-node and the floor run this many times, interleaved, and each reports its
// median (the table shows the spread).
const FLOOR_REPEATS = quick ? 1 : 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
// The event loop is measured in runs of their own (bench/child.mjs --probe: its 1 ms timer would
// slow the timed runs): tfdata-node as many times as it is timed against a floor, plain JS and
// tfjs-data once (they compute synchronously: the loop does not turn), tfdata-novec not at all
// (minutes per run, and no target).
const PROBED = new Set(['tfdata', 'plain', 'tfjs']);

const results = {};
for (const w of workloads) {
  results[w.name] = {};
  const flipsFile = path.join(build, `flips-${w.n}.bin`);
  if (w.name === 'w3' && !existsSync(flipsFile))
    runJson(process.execPath, [child, 'flips', 'w3', String(w.n), flipsFile]);
  const runs = {};
  const repeated = w.contenders.includes('floor') ? ['tfdata', 'floor'] : [];
  for (const c of w.contenders) for (const [k, r] of Object.entries(runContender(w, c, flipsFile))) runs[k] = [r];
  for (let i = 1; i < FLOOR_REPEATS; i++)
    for (const c of repeated) for (const [k, r] of Object.entries(runContender(w, c, flipsFile))) runs[k].push(r);
  const probes = {};
  for (const c of w.contenders.filter((x) => PROBED.has(x)))
    for (let i = 0; i < (repeated.includes(c) ? FLOOR_REPEATS : 1); i++)
      (probes[c] ??= []).push(runContender(w, c, flipsFile, true)[c]);
  for (const [k, rs] of Object.entries(runs)) {
    const seconds = rs.map((r) => r.seconds);
    const rows = rs[0].rows ?? w.n;
    // The first run's other fields (checksums, peak RSS), the median time.
    const r = { ...rs[0], rows, seconds: median(seconds), rowsPerSecond: rows / median(seconds) };
    if (rs.length > 1) r.samples = seconds;
    const ps = probes[k];
    if (ps) {
      r.eventLoopP50ms = median(ps.map((x) => x.eventLoopP50ms));
      r.eventLoopP99ms = median(ps.map((x) => x.eventLoopP99ms));
      r.timerIntervalP99ms = median(ps.map((x) => x.timerIntervalP99ms));
      r.timerTicks = ps[0].timerTicks;
      r.probeSeconds = ps.map((x) => x.seconds);
    }
    results[w.name][k] = r;
    if (k === 'floor: eager') {
      const session = results[w.name]['floor: session'];
      results[w.name].floor = session.seconds <= r.seconds ? session : r;
    }
  }
}

// The event-loop metric's own floor here: Node alone (no TensorFlow), woken as often as an
// iterator whose consumer waits receives chunks (one per chunk budget), doing nothing else.
// `loop p99` cannot go below it for such a pipeline on this machine. Three runs, as the
// probed contenders have.
const EVENT_LOOP_FLOOR_RUNS = 3;
const { CHUNK_BUDGET_MICROS } = createRequire(import.meta.url)('../dist/cjs/iterate/iterator.js');
const eventLoopFloor = (() => {
  const wakeupsPerSecond = Math.round(1e6 / CHUNK_BUDGET_MICROS);
  process.stderr.write(`bench: event-loop floor (Node alone, ${wakeupsPerSecond} wakeups/s)…\n`);
  const args = ['--expose-gc', path.join(here, 'event-loop-gaps.mjs'), 'node-only', String(wakeupsPerSecond), '0'];
  const runs = Array.from({ length: EVENT_LOOP_FLOOR_RUNS }, () => runJson(process.execPath, args));
  return { wakeupsPerSecond, p99ms: median(runs.map((x) => x.p99ms)), runs };
})();

// The tf.data service workloads (S1, S2): skipped, with the reason, when its servers cannot start.
const service = await runServiceWorkloads({ scale, runJson, python });
// W7, request-time pipelines (new iterators, new pipelines, 20 in flight) vs Python's eager tf.data.
const requests = runRequestWorkloads({ scale, runJson, python });

// Identical work: first and last batch agree (tfjs-data, on fewer rows, is checked on its first batch).
const close = (a, b) => Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(a), Math.abs(b));
const agreement = {};
for (const w of workloads) {
  const ref = results[w.name].tfdata;
  agreement[w.name] = Object.fromEntries(
    Object.entries(results[w.name]).map(([c, r]) => [
      c,
      close(r.first, ref.first) && (c === 'tfjs' || close(r.last, ref.last)),
    ]),
  );
}

const t = (w, c) => results[w]?.[c];
const speedup = (w, a, b) => t(w, a).rowsPerSecond / t(w, b).rowsPerSecond;
const ratios = {
  'W1 throughput vs Python (target ≥ 5×)': speedup('w1', 'tfdata', 'python'),
  'W1 time vs C++ floor (target ≤ 1.10×)': t('w1', 'tfdata').seconds / t('w1', 'floor').seconds,
  'W1 throughput vs tfjs-data (target ≥ 20×)': speedup('w1', 'tfdata', 'tfjs'),
  'W1 throughput vs plain JS': speedup('w1', 'tfdata', 'plain'),
  'W2 throughput vs Python (target ≥ 5×)': speedup('w2', 'tfdata', 'python'),
  'W2 time vs C++ floor': t('w2', 'tfdata').seconds / t('w2', 'floor').seconds,
  'W2 throughput vs tfjs-data': speedup('w2', 'tfdata', 'tfjs'),
  'W3 throughput vs Python (target ≥ 1.0×)': speedup('w3', 'tfdata', 'python'),
  'W3 throughput vs tfjs-data (target ≥ 20×)': speedup('w3', 'tfdata', 'tfjs'),
  'W3 throughput vs plain JS': speedup('w3', 'tfdata', 'plain'),
  'W3 time vs C++ floor (target ≤ 1.05×)': t('w3', 'tfdata').seconds / t('w3', 'floor').seconds,
  'W1 vectorize on vs off (tfdata-node)': speedup('w1', 'tfdata', 'tfdata-novec'),
  'W4a vectorize on vs off (tfdata-node)': speedup('w4_scalar', 'tfdata', 'tfdata-novec'),
  'W10 records vs Python': speedup('w10', 'tfdata', 'python'),
  'W10 vectorize on vs off (tfdata-node)': speedup('w10', 'tfdata', 'tfdata-novec'),
  'W10 time vs C++ floor': t('w10', 'tfdata').seconds / t('w10', 'floor').seconds,
  'W11 declined map vs Python': speedup('w11', 'tfdata', 'python'),
  'W11 declined: on vs off (≈ 1: declining costs nothing)': speedup('w11', 'tfdata', 'tfdata-novec'),
  'W4 vectorised vs scalar map (tfdata-node)': t('w4_scalar', 'tfdata').seconds / t('w4_vector', 'tfdata').seconds,
  'W4a scalar map vs Python (target ≥ 5×)': speedup('w4_scalar', 'tfdata', 'python'),
  'W4b vectorised map vs Python (target ≥ 1.0×)': speedup('w4_vector', 'tfdata', 'python'),
  'W4b time vs C++ floor (target ≤ 1.05×)': t('w4_vector', 'tfdata').seconds / t('w4_vector', 'floor').seconds,
  'W1 event-loop delay p99 ms (target ≤ 2)': t('w1', 'tfdata').eventLoopP99ms,
  'W2 event-loop delay p99 ms (target ≤ 2)': t('w2', 'tfdata').eventLoopP99ms,
  'W4b event-loop delay p99 ms (target ≤ 2)': t('w4_vector', 'tfdata').eventLoopP99ms,
  // What the same probes' timer intervals read (the 1 ms period plus the delay; loop-delay.mjs).
  'W1 timer interval p99 ms': t('w1', 'tfdata').timerIntervalP99ms,
  'W2 timer interval p99 ms': t('w2', 'tfdata').timerIntervalP99ms,
  'W4b timer interval p99 ms': t('w4_vector', 'tfdata').timerIntervalP99ms,
  [`Event-loop delay p99 ms of Node alone, ${eventLoopFloor.wakeupsPerSecond} wakeups/s`]: eventLoopFloor.p99ms,
  'W5a fromGenerator scalars vs Python (target ≥ 5×)': speedup('w5_scalars', 'tfdata', 'python'),
  'W5a fromGenerator scalars vs tfjs-data': speedup('w5_scalars', 'tfdata', 'tfjs'),
  'W5b fromGenerator rows vs Python (target ≥ 5×)': speedup('w5_rows', 'tfdata', 'python'),
  'W5b fromGenerator rows vs tfjs-data': speedup('w5_rows', 'tfdata', 'tfjs'),
  'W5b event-loop delay p99 ms': t('w5_rows', 'tfdata').eventLoopP99ms,
  'W6 mapJs µs per element': (t('w6_mapjs', 'tfdata').seconds / t('w6_mapjs', 'tfdata').rows) * 1e6,
  'W6 traced map µs per element': (t('w6_map', 'tfdata').seconds / t('w6_map', 'tfdata').rows) * 1e6,
  'W6 mapJs vs Python py_function': speedup('w6_mapjs', 'tfdata', 'python'),
  'W8 TFRecord → parse → JPEG → resize vs Python': speedup('w8_tfrecord', 'tfdata', 'python'),
  'W8 time vs C++ floor': t('w8_tfrecord', 'tfdata').seconds / t('w8_tfrecord', 'floor').seconds,
  'W9 CSV rows/s vs Python': speedup('w9_csv', 'tfdata', 'python'),
  'W9 time vs C++ floor': t('w9_csv', 'tfdata').seconds / t('w9_csv', 'floor').seconds,
};

const pythonVersion = spawnSync(python, ['--version'], { encoding: 'utf8' }).stdout.trim();
const machine = {
  cpu: os.cpus()[0]?.model,
  cores: os.cpus().length,
  memoryGB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  python: pythonVersion,
  tensorflow: library.version,
  scale,
};

const pad = (s, n) => String(s).padEnd(n);
const lines = [
  `tfdata-node benchmarks (${scale}) — ${machine.cpu} ×${machine.cores}, ` +
    `TF ${machine.tensorflow}, Node ${machine.node}, ${pythonVersion}`,
  '',
];
lines.push(
  `${pad('workload / contender', 34)}${pad('rows', 10)}${pad('seconds', 10)}${pad('rows/s', 12)}` +
    `${pad('peak RSS MB', 13)}${pad('loop p99 ms', 13)}${pad('agrees', 8)}runs (s)`,
);
for (const w of workloads) {
  lines.push(w.label);
  for (const [c, r] of Object.entries(results[w.name])) {
    const peakRss = r.peakRssMB ? r.peakRssMB.toFixed(0) : '-';
    const loopP99 = r.eventLoopP99ms === undefined ? '-' : r.timerTicks === 0 ? 'blocked' : r.eventLoopP99ms.toFixed(2);
    lines.push(
      `  ${pad(c, 32)}${pad(r.rows, 10)}${pad(r.seconds.toFixed(3), 10)}${pad(Math.round(r.rowsPerSecond), 12)}` +
        `${pad(peakRss, 13)}${pad(loopP99, 13)}${pad(agreement[w.name][c] ? 'yes' : 'NO', 8)}` +
        (r.samples ? r.samples.map((x) => x.toFixed(3)).join(' ') : ''),
    );
  }
}
if (service.skipped) lines.push(`tf.data service workloads skipped: ${service.skipped}`);
else lines.push(...service.lines);
lines.push(...requests.lines);
lines.push('', 'ratios (tfdata-node vs …):');
for (const [k, v] of Object.entries({ ...ratios, ...service.ratios, ...requests.ratios }))
  lines.push(`  ${pad(k, 48)}${v.toFixed(2)}`);
const w1 = t('w1', 'tfdata');
lines.push(
  '',
  `bridge copies during W1: ${(w1.bytesCopiedIn / w1.rows).toFixed(1)} bytes in per row (the source, once), ` +
    `${w1.bytesCopiedOut} bytes out (outputs are not copied)`,
);
console.log(lines.join('\n'));

const record = {
  date: new Date().toISOString(),
  machine,
  results: { ...results, ...service.results, ...requests.results },
  eventLoopFloor,
  agreement: { ...agreement, ...service.agreement, ...requests.agreement },
  ratios: { ...ratios, ...service.ratios, ...requests.ratios },
  ...(service.skipped ? { serviceSkipped: service.skipped } : {}),
};
const stamp = record.date.replace(/[:.]/g, '-');
writeFileSync(path.join(here, 'results', `${scale}-${stamp}.json`), JSON.stringify(record, null, 2));
writeFileSync(path.join(here, 'results', `latest-${scale}.json`), JSON.stringify(record, null, 2));
if (Object.values(record.agreement).some((a) => Object.values(a).some((ok) => !ok))) {
  console.error('bench: some contenders disagree on the first/last batch: see the table');
  process.exitCode = 1;
}
