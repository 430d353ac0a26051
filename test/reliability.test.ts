// Reliability at small scale (npm run stress runs the same at full scale): property-based
// fuzzing against reference models, bad arguments, concurrency, workers, cancellation, leaks.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import fc from 'fast-check';
import { DType, Dataset, Sym, TFError, Tensor, liveHandles, tensor, ops as tf } from '../lib';
import { applyStep, fuzzChain, referenceChain, tensorArbitrary } from './fuzz-models';
import { gc, onlyTypedErrors } from './helpers';

describe('property-based fuzzing', () => {
  test('any tensor survives a pipeline unchanged (dtypes, shapes, NaN, ±Inf, -0, integer extremes)', async () => {
    await fc.assert(
      fc.asyncProperty(tensorArbitrary(), async ({ dtype, shape, values }) => {
        const t = tensor(values as never, dtype as DType, shape);
        const [out] = (await Dataset.fromTensors(t).toArray()) as Tensor[];
        expect(out.dtype).toBe(dtype);
        expect(out.shape).toEqual(shape);
        const a = out.toArray();
        const b = t.toArray();
        expect(
          JSON.stringify(a, (_k, v) =>
            typeof v === 'bigint' ? `${v}n` : Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : v,
          ),
        ).toBe(
          JSON.stringify(b, (_k, v) =>
            typeof v === 'bigint' ? `${v}n` : Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : v,
          ),
        );
      }),
      { numRuns: 150, seed: 20261125 },
    );
  });

  test('random chains of transformations match a JS model of tf.data semantics', async () => {
    await fc.assert(
      fc.asyncProperty(fuzzChain(), async ({ n, steps }) => {
        const expected = referenceChain(n, steps);
        let ds = Dataset.range(n);
        for (const s of steps) ds = applyStep(ds, s);
        const got = (await ds.toArray()).map((t) => (t as Tensor).toArray());
        expect(got).toEqual(expected);
      }),
      { numRuns: 150, seed: 424242 },
    );
  });

  test('junk arguments throw TypeError or RangeError, never crash', () => {
    const junk = fc.oneof(
      fc.double(),
      fc.integer({ min: -5, max: 5 }),
      fc.string(),
      fc.constant(null),
      fc.constant(undefined),
      fc.bigInt(),
      fc.boolean(),
      fc.array(fc.integer()),
    );
    const ds = Dataset.range(4);
    const calls: ((v: unknown) => unknown)[] = [
      (v) => ds.batch(v as number),
      (v) => ds.shuffle(v as number),
      (v) => ds.take(v as number),
      (v) => ds.skip(v as number),
      (v) => ds.repeat(v as number),
      (v) => ds.prefetch(v as number),
      (v) => ds.shard(v as number, 0),
      (v) => ds.cache(v as string),
      (v) => ds.map(v as never),
      (v) => tensor(v as never, 'float32', v as number[]),
      (v) => Dataset.range(v as number),
    ];
    fc.assert(
      fc.property(junk, fc.nat({ max: calls.length - 1 }), (v, i) => {
        onlyTypedErrors(() => calls[i](v));
      }),
      { numRuns: 400, seed: 7 },
    );
  });
});

describe('bad arguments (named)', () => {
  const ds = Dataset.range(5);
  test('batch(0) and shuffle(0)', () => {
    expect(() => ds.batch(0)).toThrow(RangeError);
    expect(() => ds.shuffle(0)).toThrow(RangeError);
  });
  test('negative take/skip/repeat follow TF', async () => {
    expect((await ds.take(-3).toArray()).length).toBe(5);
    expect((await ds.skip(-3).toArray()).length).toBe(0);
    expect((await ds.repeat(-2).take(12).toArray()).length).toBe(12);
  });
  test('non-integer sizes', () => {
    expect(() => ds.batch(2.5)).toThrow(TypeError);
    expect(() => ds.take(Number.NaN)).toThrow(TypeError);
  });
  test('a shape whose element count overflows, and a 1e12-element tensor', () => {
    expect(() => tensor(new Float32Array(1), 'float32', [2 ** 31, 2 ** 31, 2 ** 31])).toThrow(RangeError);
    expect(() => tensor(new Float32Array(1), 'float32', [1e6, 1e6])).toThrow(
      /has 1000000000000 elements but values has 1/,
    );
    expect(() => tensor(new Float32Array(1), 'float32', [2e6, 1e6])).toThrow(/more than a host tensor can hold/);
  });
  test('a graph-side 1e12-element fill fails with TFError, not an OOM kill', async () => {
    const huge = Dataset.range(1).map(() => tf.fill([1_000_000, 1_000_000], 1, 'float32'));
    const error = await huge.toArray().then(
      () => undefined,
      (e) => e,
    );
    expect(error).toBeInstanceOf(TFError);
    expect(['RESOURCE_EXHAUSTED', 'INVALID_ARGUMENT']).toContain((error as TFError).code);
  });
  test('mismatched structures in zip/concatenate, string vs numeric', () => {
    expect(() => ds.concatenate(Dataset.fromTensorSlices(tensor(['a'])) as never)).toThrow(/int64 here but string/);
    expect(() => ds.concatenate(Dataset.zip([ds, ds]) as never)).toThrow(/different element structures/);
    expect(() => Dataset.zip([] as never)).toThrow(/at least one dataset/);
    expect(() => Dataset.fromTensorSlices(tensor(['a', 'b'])).map((s) => s.add(1 as never))).toThrow(TypeError);
  });
  test('use after close', async () => {
    const it = ds.iterator();
    await it.return();
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });
  test('a callback returning nothing or non-tensors, and recursion inside a callback', () => {
    expect(() => ds.map(() => undefined as never)).toThrow(/returned undefined/);
    expect(() => ds.map(() => ({ f: () => 1 }) as never)).toThrow(/has a function at map result\.f/);
    const recurse = (x: Sym<'int64'>): Sym<'int64'> => recurse(x.add(1n as never));
    const e = (() => {
      try {
        ds.map(recurse);
      } catch (err) {
        return err as Error;
      }
      return undefined;
    })();
    expect(e?.message).toMatch(/call stack/); // the engine's own error, surfaced as is
    expect(() => ds.map((x) => x.add(1n as never))).not.toThrow();
  });
});

test('unbatch of zero-size rows works (TensorFlow 2.21 UnbatchDataset would segfault here)', async () => {
  const rows = await Dataset.fromTensors(tensor(new Float32Array(0), 'float32', [2, 0]))
    .batch(1)
    .unbatch()
    .toArray();
  expect(rows.map((t) => (t as Tensor).shape)).toEqual([[2, 0]]);
  const strings = await Dataset.fromTensors(tensor([[], []] as string[][], 'string'))
    .unbatch()
    .toArray();
  expect(strings.map((t) => (t as Tensor).shape)).toEqual([[0], [0]]);
  expect(Dataset.range(4).batch(2).unbatch().explain()).toMatch(/^UnbatchDataset\(\)/);
});

describe('concurrency and cancellation', () => {
  test('64 concurrent iterators over shared and separate datasets', async () => {
    const shared = Dataset.range(200).map((x) => x.mul(2n as never));
    const jobs = Array.from({ length: 64 }, async (_, i) => {
      const ds = i % 2 === 0 ? shared : Dataset.range(100 + i).map((x) => x.add(BigInt(i) as never));
      const out = (await ds.toArray()).map((t) => t.get());
      const expected =
        i % 2 === 0
          ? Array.from({ length: 200 }, (_, k) => BigInt(2 * k))
          : Array.from({ length: 100 + i }, (_, k) => BigInt(k + i));
      expect(out).toEqual(expected);
    });
    await Promise.all(jobs);
  });

  test('break mid-iteration releases the session; handles return to baseline after GC', async () => {
    const ds = Dataset.range(1_000_000).map((x) => x.add(1n as never));
    for await (const _ of ds) break; // compile once
    gc();
    await new Promise((r) => setTimeout(r, 20));
    const baseline = liveHandles();
    for (let i = 0; i < 50; i++) {
      let k = 0;
      for await (const _ of ds) if (++k === 10) break;
    }
    await new Promise((r) => setTimeout(r, 50));
    gc();
    await new Promise((r) => setTimeout(r, 20));
    gc();
    expect(liveHandles()).toBeLessThanOrEqual(baseline + 2);
  });

  const child = (script: string, timeout = 60_000) =>
    spawnSync(process.execPath, ['-e', script], {
      cwd: path.resolve(__dirname, '..'),
      encoding: 'utf8',
      timeout,
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
    });

  test('the process exits promptly with iterators still open', () => {
    const started = Date.now();
    const r = child(
      `const { Dataset } = require('./dist/cjs');
      (async () => {
        const its = [Dataset.range(10).repeat().prefetch(8), ` +
        `Dataset.range(5).repeat().map((x) => x.add(1n), { numParallelCalls: 2 })].map((d) => d.iterator());
        for (const it of its) await it.next();
        console.log('leaving');
      })();`,
    );
    expect(r.stdout).toContain('leaving');
    expect(r.status).toBe(0);
    expect(r.signal).toBeNull();
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  test('pipelines in 4 worker threads at once; terminating one mid-iteration does not crash', () => {
    const r = child(
      `const { Worker } = require('node:worker_threads');
      const code = "const { Dataset } = require('./dist/cjs'); ` +
        `const { parentPort, workerData } = require('node:worker_threads');" +
        "(async () => { let sum = 0n; ` +
        `for await (const x of Dataset.range(workerData.n).map((v) => v.mul(2n))) { sum += x.get(); ` +
        `if (workerData.slow) await new Promise((r) => setTimeout(r, 1)); } ` +
        `parentPort.postMessage(String(sum)); })();";
      const sums = [];
      const workers = [1000, 2000, 3000, 4000].map((n) => new Worker(code, { eval: true, workerData: { n } }));
      const doomed = new Worker(code, { eval: true, workerData: { n: 1e9, slow: true } });
      setTimeout(() => doomed.terminate().then(() => console.log('terminated')), 300);
      Promise.all(workers.map((w) => new Promise((res, rej) => { ` +
        `w.on('message', (m) => { sums.push(m); res(); }); w.on('error', rej); })))
        .then(() => { console.log('sums', sums.sort().join(',')); workers.forEach((w) => w.terminate()); });`,
    );
    expect(r.stderr).not.toMatch(/Segmentation|Aborted|core dumped/);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('terminated');
    const expected = [1000, 2000, 3000, 4000]
      .map((n) => String(n * (n - 1)))
      .sort()
      .join(',');
    expect(r.stdout).toContain(`sums ${expected}`);
  });
});
