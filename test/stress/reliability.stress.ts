// Full-scale reliability (npm run stress): 10 000 fuzz cases, 1 000 000 elements and 10 000
// pipelines for leaks, and event-loop drift under a heavy pipeline. Prints its figures.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import fc from 'fast-check';
import { DType, Dataset, Tensor, liveHandles, tensor, ops as tf } from '../../lib';
import { fuzzChain, referenceChain, tensorArbitrary } from '../fuzz-models';

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
  console.log(`stress figures:\n${Object.entries(figures).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
});

test('10 000 fuzz cases: every one matches its reference or throws a typed error', async () => {
  let cases = 0;
  await fc.assert(
    fc.asyncProperty(tensorArbitrary(), async ({ dtype, shape, values }) => {
      cases++;
      const t = tensor(values as never, dtype as DType, shape);
      const [out] = (await Dataset.fromTensors(t).batch(1).unbatch().toArray()) as Tensor[];
      expect(out.shape).toEqual(shape);
      expect(Buffer.from(JSON.stringify(out.toArray(), (_k, v) => (typeof v === 'bigint' ? `${v}` : Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v)))).toEqual(
        Buffer.from(JSON.stringify(t.toArray(), (_k, v) => (typeof v === 'bigint' ? `${v}` : Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v))),
      );
    }),
    { numRuns: 5000, seed: 1 },
  );
  await fc.assert(
    fc.asyncProperty(fuzzChain(), async ({ n, steps }) => {
      cases++;
      let ds: Dataset<any> = Dataset.range(n);
      for (const s of steps) {
        if (s.op === 'take') ds = ds.take(s.a);
        else if (s.op === 'skip') ds = ds.skip(s.a);
        else if (s.op === 'repeat') ds = ds.repeat(s.a);
        else if (s.op === 'concat') ds = ds.concatenate(Dataset.range(s.a) as never);
        else if (s.op === 'filter') ds = ds.filter((x) => tf.equal(tf.mod(x, BigInt(s.a) as never), BigInt(s.b) as never));
        else if (s.op === 'shard') ds = ds.shard(s.a, s.b);
        else if (s.op === 'map') ds = ds.map((x) => tf.add(tf.mul(x, BigInt(s.a) as never), BigInt(s.b) as never));
        else ds = ds.batch(s.a, { dropRemainder: s.b === 1 });
      }
      expect((await ds.toArray()).map((t) => (t as Tensor).toArray())).toEqual(referenceChain(n, steps));
    }),
    { numRuns: 5000, seed: 2 },
  );
  figures['fuzz cases run'] = cases;
  figures['crashes'] = 0;
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
  figures['1M elements: RSS after warm-up → end (MB)'] = `${mb(warm!.rss)} → ${mb(end.rss)} (${(rssGrowth * 100).toFixed(2)} %)`;
  figures['1M elements: external memory (MB)'] = `${mb(warm!.external)} → ${mb(end.external)}`;
  expect(rssGrowth).toBeLessThanOrEqual(0.02);
  expect(end.external - warm!.external).toBeLessThan(1 << 20);
});

test('10 000 pipelines built, iterated and dropped: memory and live handles flat', async () => {
  const one = async (k: number) => {
    const ds = Dataset.fromTensorSlices(tensor(new Float32Array(64).fill(k), 'float32', [8, 8])).map((x) => x.mul(2)).batch(4);
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
  figures['10k pipelines: RSS after 1k → 10k (MB)'] = `${mb(warm.rss)} → ${mb(end.rss)} (${(growth * 100).toFixed(2)} %)`;
  figures['10k pipelines: live handles after 1k → 10k'] = `${handles} → ${liveHandles()}`;
  expect(liveHandles()).toBeLessThanOrEqual(handles + 4);
  expect(growth).toBeLessThanOrEqual(0.02);
});

test('a heavy pipeline leaves the event loop responsive (timer drift p99 ≤ 5 ms)', async () => {
  const ds = Dataset.range(400).map((x) => tf.sum(tf.matMul(tf.fill([128, 128], 1, 'float32'), tf.fill([128, 128], 1, 'float32'))).add(tf.cast(x, 'float32')), { numParallelCalls: 2 });
  const h = monitorEventLoopDelay({ resolution: 1 });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  h.enable();
  const started = Date.now();
  let n = 0;
  for await (const _ of ds) n++;
  h.disable();
  clearInterval(timer);
  figures['event loop during a heavy pipeline'] = `p50 ${(h.percentile(50) / 1e6).toFixed(2)} ms, p99 ${(h.percentile(99) / 1e6).toFixed(2)} ms, ${ticks} timer ticks in ${Date.now() - started} ms`;
  expect(n).toBe(400);
  expect(h.percentile(99) / 1e6).toBeLessThanOrEqual(5);
});
