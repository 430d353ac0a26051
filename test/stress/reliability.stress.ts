// Full-scale reliability (npm run stress): the teardown matrix 20 times per cell, 10 000 fuzz
// cases (each in a child process that reports back, so a crash is counted, not assumed away),
// 1 000 000 elements and 10 000 pipelines for leaks, and event-loop drift under a heavy
// pipeline. Prints its figures; RELIABILITY.md quotes them.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Dataset, liveHandles, tensor, ops as tf } from '../../lib';

const gc = (global as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc (npm run stress does)');
const figures: Record<string, string | number> = {};
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
};
const mb = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;

afterAll(() => {
  console.log(
    `stress figures:\n${Object.entries(figures)
      .map(([k, v]) => `  ${k}: ${v}`)
      .join('\n')}`,
  );
});

// Children that ended by a signal (or an abort's exit code) crashed; exit 1 is a failed case.
function runChild(
  args: string[],
): Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

test('10 000 fuzz cases in 10 child processes: crashes counted from their exit statuses', async () => {
  const shards = 10;
  let cases = 0;
  let crashes = 0;
  let failures = 0;
  for (let shard = 0; shard < shards; shard++) {
    const r = await runChild([
      path.join(__dirname, 'run-ts.js'),
      path.join(__dirname, 'fuzz-shard.ts'),
      String(1000 + 2 * shard),
      '500',
    ]);
    if (r.signal !== null || (r.status !== 0 && r.status !== 1)) crashes++;
    else if (r.status === 1) failures++;
    else cases += (JSON.parse(r.stdout.trim().split('\n').pop() as string) as { cases: number }).cases;
    if (r.status !== 0)
      console.log(`fuzz shard ${shard}: status ${r.status} signal ${r.signal}\n${r.stderr.slice(-2000)}`);
  }
  figures['fuzz shards (child processes)'] = shards;
  figures['fuzz cases run'] = cases;
  figures['fuzz shards crashed (signal or abort exit)'] = crashes;
  figures['fuzz shards with a failing case'] = failures;
  expect(crashes).toBe(0);
  expect(failures).toBe(0);
  expect(cases).toBe(shards * 1000);
});

test('teardown matrix: every cell 20 times, results counted from child exit statuses', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runMatrix, table } = require('../teardown/matrix') as {
    runMatrix(o: { runs: number }): Promise<{ way: string; moment: string; delay: number; failure: string }[]>;
    table(r: unknown[]): string;
  };
  const results = await runMatrix({ runs: 20 });
  const failures = results.filter((r) => r.failure);
  const failed = failures.length;
  for (const r of failures)
    console.log(`teardown matrix: ${r.way} × ${r.moment} (delay ${r.delay} ms) failed: ${r.failure}`);
  figures['teardown matrix runs'] = results.length;
  figures['teardown matrix failures'] = failed;
  figures['teardown matrix'] = `\n${table(results)}`;
  expect(failed).toBe(0);
});

test('1 000 000 elements: RSS and external memory flat after warm-up', async () => {
  const ds = Dataset.range(1_000_000).map((x) => tf.cast(x, 'float32').mul(tf.fill([16], 1, 'float32')));
  let i = 0;
  let warm: NodeJS.MemoryUsage | undefined;
  for await (const t of ds) {
    void t;
    if (++i === 100_000) {
      await settle();
      warm = process.memoryUsage();
    }
  }
  await settle();
  const end = process.memoryUsage();
  const rssGrowth = (end.rss - (warm as NodeJS.MemoryUsage).rss) / (warm as NodeJS.MemoryUsage).rss;
  figures['1M elements: RSS after warm-up → end (MB)'] =
    `${mb(warm!.rss)} → ${mb(end.rss)} (${(rssGrowth * 100).toFixed(2)} %)`;
  figures['1M elements: external memory (MB)'] = `${mb(warm!.external)} → ${mb(end.external)}`;
  expect(rssGrowth).toBeLessThanOrEqual(0.02);
  expect(end.external - warm!.external).toBeLessThan(1 << 20);
});

test('10 000 pipelines built, iterated and dropped: memory and live handles flat', async () => {
  const one = async (k: number) => {
    const ds = Dataset.fromTensorSlices(tensor(new Float32Array(64).fill(k), 'float32', [8, 8]))
      .map((x) => x.mul(2))
      .batch(4);
    const out = await ds.toArray();
    if (out.length !== 2) throw new Error('wrong length');
  };
  for (let k = 0; k < 1000; k++) await one(k);
  await settle();
  const warm = process.memoryUsage();
  const handles = liveHandles();
  for (let k = 0; k < 9000; k++) await one(k);
  await settle();
  const end = process.memoryUsage();
  const growth = (end.rss - warm.rss) / warm.rss;
  figures['10k pipelines: RSS after 1k → 10k (MB)'] =
    `${mb(warm.rss)} → ${mb(end.rss)} (${(growth * 100).toFixed(2)} %)`;
  figures['10k pipelines: live handles after 1k → 10k'] = `${handles} → ${liveHandles()}`;
  expect(liveHandles()).toBeLessThanOrEqual(handles + 4);
  expect(growth).toBeLessThanOrEqual(0.02);
});

test('a heavy pipeline leaves the event loop responsive (timer drift p99 ≤ 5 ms)', async () => {
  const ds = Dataset.range(400).map(
    (x) =>
      tf
        .sum(tf.matMul(tf.fill([128, 128], 1, 'float32'), tf.fill([128, 128], 1, 'float32')))
        .add(tf.cast(x, 'float32')),
    { numParallelCalls: 2 },
  );
  const h = monitorEventLoopDelay({ resolution: 1 });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  h.enable();
  const started = Date.now();
  let n = 0;
  for await (const _ of ds) n++;
  h.disable();
  clearInterval(timer);
  figures['event loop during a heavy pipeline'] =
    `p50 ${(h.percentile(50) / 1e6).toFixed(2)} ms, p99 ${(h.percentile(99) / 1e6).toFixed(2)} ms, ` +
    `${ticks} timer ticks in ${Date.now() - started} ms`;
  expect(n).toBe(400);
  expect(h.percentile(99) / 1e6).toBeLessThanOrEqual(5);
});
