// The teardown matrix: every (way an environment ends × moment of a pipeline) cell run `runs`
// times in child processes, so an abort is a counted failure, not the end of the run. Used by
// npm test (few runs), npm run stress (≥ 20 per cell) and the ASan suite; `node matrix.js [runs]`
// prints the table.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const { WAYS, MOMENTS, WORKER_EXIT_CODE, MAIN_EXIT_CODE } = require('./scenario');

const SCENARIO = path.join(__dirname, 'scenario.js');
const CELL_TIMEOUT_MS = 60_000;
// Delays before ending during a pull in flight, cycled over runs to land at different points.
const DELAYS_MS = [0, 5, 20, 50, 120];
const CRASH = /Segmentation fault|Aborted|terminate called|double free|AddressSanitizer|FATAL ERROR|core dumped/;

/** What a cell must end with; returns the reason it did not, or '' when it did. */
function verdict(way, r) {
  if (r.timedOut) return `hung (killed after ${CELL_TIMEOUT_MS} ms)`;
  if (r.signal) return `killed by ${r.signal}`;
  const crash = CRASH.exec(r.stderr);
  if (crash) return `crash: ${crash[0]}`;
  if (/^(error|main failed|worker error) /m.test(r.stdout))
    return r.stdout
      .trim()
      .split('\n')
      .find((l) => /^(error|main failed|worker error) /.test(l));
  const want = { terminate: 0, 'worker-exit': 0, exit: MAIN_EXIT_CODE, throw: 1, drain: 0 }[way];
  if (r.status !== want) return `exit code ${r.status}, expected ${want}`;
  if (way === 'terminate' && !/^worker exit 1$/m.test(r.stdout)) return 'the worker did not end as terminated';
  if (way === 'worker-exit' && !new RegExp(`^worker exit ${WORKER_EXIT_CODE}$`, 'm').test(r.stdout))
    return 'the worker did not exit with its code';
  if ((way === 'terminate' || way === 'worker-exit') && !/^main survived$/m.test(r.stdout))
    return 'the main thread did not run a pipeline after';
  if (way === 'throw' && !r.stderr.includes('teardown-matrix uncaught'))
    return 'the uncaught exception was not reported';
  return '';
}

function runCell(way, moment, delay, env) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [SCENARIO, way, moment], {
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', TEARDOWN_DELAY: String(delay), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, CELL_TIMEOUT_MS);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const r = { status, signal: timedOut ? null : signal, stdout, stderr, timedOut, ms: Date.now() - started };
      resolve({ way, moment, delay, ms: r.ms, failure: verdict(way, r) });
    });
  });
}

/** Runs every cell `runs` times, `parallel` children at a time. */
async function runMatrix({ runs = 1, parallel = 2, env = {}, ways = WAYS, moments = MOMENTS } = {}) {
  const jobs = [];
  for (let i = 0; i < runs; i++)
    for (const way of ways) for (const moment of moments) jobs.push([way, moment, DELAYS_MS[i % DELAYS_MS.length]]);
  const results = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < jobs.length) {
        const [way, moment, delay] = jobs[next++];
        results.push(await runCell(way, moment, delay, env));
      }
    }),
  );
  return results;
}

/** One row per cell: runs, passes, failures (counted from the children's exit statuses), worst time. */
function table(results) {
  const cells = new Map();
  for (const r of results) {
    const key = `${r.way} × ${r.moment}`;
    const c = cells.get(key) ?? { runs: 0, passed: 0, failures: [], maxMs: 0 };
    c.runs++;
    if (r.failure) c.failures.push(r.failure);
    else c.passed++;
    c.maxMs = Math.max(c.maxMs, r.ms);
    cells.set(key, c);
  }
  const lines = ['| way × moment | runs | passed | failed | slowest ms |', '| --- | --- | --- | --- | --- |'];
  for (const [key, c] of cells) lines.push(`| ${key} | ${c.runs} | ${c.passed} | ${c.failures.length} | ${c.maxMs} |`);
  const failed = results.filter((r) => r.failure).length;
  const slowest = Math.max(...results.map((r) => r.ms));
  lines.push(
    `| **all ${cells.size} cells** | ${results.length} | ${results.length - failed} | ${failed} | ${slowest} |`,
  );
  return lines.join('\n');
}

module.exports = { runMatrix, table };

if (require.main === module) {
  const runs = Number(process.argv[2] ?? 1);
  runMatrix({ runs }).then((results) => {
    console.log(table(results));
    for (const r of results.filter((x) => x.failure))
      console.log(`FAILED ${r.way} × ${r.moment} (delay ${r.delay}): ${r.failure}`);
    process.exitCode = results.some((r) => r.failure) ? 1 : 0;
  });
}
