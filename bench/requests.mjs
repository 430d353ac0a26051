// W7, request-time pipelines (`npm run bench`; also alone: `node bench/requests.mjs [--quick]`):
// a tiny pipeline (8×4 float32 → map(x*w+1) → batch(8) → toArray) per request, as a Node
// service runs one per upload or per scoring call. tfdata-node and Python's eager tf.data each
// in their own process, side by side in one run.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { W7 } from './requests-data.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function defaultRunJson(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });
  const line = (r.stdout || '').trim().split('\n').pop();
  if (r.status !== 0 || !line?.startsWith('{')) throw new Error(`${path.basename(cmd)} failed:\n${r.stderr}`);
  return JSON.parse(line);
}

/** Runs W7; resolves to { lines, ratios, results, agreement } for bench/run.mjs's table. */
export function runRequestWorkloads({ scale, runJson = defaultRunJson, python }) {
  const { requests, concurrent, inFlight } = W7.sizes[scale];
  process.stderr.write('bench: w7 tfdata…\n');
  const node = runJson(process.execPath, [
    path.join(here, 'requests-child.mjs'),
    String(requests),
    String(concurrent),
    String(inFlight),
  ]);
  process.stderr.write('bench: w7 python…\n');
  const py = runJson(python, [path.join(here, 'requests_python.py'), String(requests)]);
  const f = (v) => v.toFixed(2);
  const pad = (s, n) => String(s).padEnd(n);
  const row = (label, ours, theirs) =>
    `  ${pad(label, 40)}${pad(f(ours.p50), 12)}${pad(f(ours.p99), 10)}${pad(f(theirs.p50), 12)}${f(theirs.p99)}`;
  const lines = [
    `W7 request-time pipelines: 8×4 float32 → map(x*w+1) → batch(8) → toArray, ${requests} requests each`,
    `  ${pad('per request (ms)', 40)}${pad('tfdata p50', 12)}${pad('p99', 10)}${pad('Python p50', 12)}p99`,
    row('new iterator on an existing Dataset', node.iterator, py.iterator),
    row('new Dataset + map + iterate', node.pipeline, py.pipeline),
    `  ${pad(`${inFlight} in flight, new iterator each (${concurrent} requests)`, 40)}` +
      `${Math.round(node.concurrent.requestsPerSecond)} requests/s, p50 ${f(node.concurrent.p50)} ms, ` +
      `p99 ${f(node.concurrent.p99)} ms, event-loop delay p99 ${f(node.concurrent.eventLoopP99ms)} ms`,
  ];
  const close = (a, b) => Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(a), Math.abs(b));
  return {
    lines,
    results: { w7: { tfdata: node, python: py } },
    agreement: {
      w7: {
        iterator: close(node.iterator.check, py.iterator.check),
        pipeline: close(node.pipeline.check, py.pipeline.check),
      },
    },
    ratios: {
      'W7 new iterator p50 ms (target ≤ 2)': node.iterator.p50,
      'W7 new iterator p50 vs Python (target ≤ 0.5×)': node.iterator.p50 / py.iterator.p50,
      'W7 new pipeline p50 vs Python (target ≤ 1×)': node.pipeline.p50 / py.pipeline.p50,
      'W7 20 in flight requests/s (target ≥ 240)': node.concurrent.requestsPerSecond,
      'W7 20 in flight p99 ms (target ≤ 50)': node.concurrent.p99,
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { venvDir } = createRequire(import.meta.url)('../dist/cjs/install/paths.js');
  const w7 = runRequestWorkloads({
    scale: process.argv.includes('--quick') ? 'quick' : 'full',
    python: path.join(venvDir(), 'bin', 'python'),
  });
  console.log(
    [...w7.lines, ...Object.entries(w7.ratios).map(([k, v]) => `  ${k.padEnd(48)}${v.toFixed(2)}`)].join('\n'),
  );
  console.log('agrees with Python:', JSON.stringify(w7.agreement.w7));
}
