// Memory safety and data integrity under hostile input: every class of the hostile-input trial,
// as typed errors or correct results. Cases that used to crash run in child processes.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import fc from 'fast-check';
import { Dataset, Sym, Tensor, nativeStats, tensor, ops as tf } from '../lib';
import { addon } from '../lib/native';
import { errorOf, onlyTypedErrors, plain } from './helpers';

const child = (script: string, timeout = 120_000) =>
  spawnSync(process.execPath, ['-e', script], {
    cwd: path.resolve(__dirname, '..'),
    encoding: 'utf8',
    timeout,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
  });

describe('sizes', () => {
  test('an output over 4 GiB reaches JS intact (was a double free)', () => {
    const r = child(`const { Dataset, ops: tf } = require('./dist/cjs');
      Dataset.range(1).map(() => tf.fill([2 ** 30 + 1], 7, 'int32')).toArray().then(([t]) => {
        console.log(JSON.stringify([t.shape, t.data.length, t.data[0], t.data[2 ** 30]]));
      });`);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.stringify([[2 ** 30 + 1], 2 ** 30 + 1, 7, 7]));
  });

  test('byte sizes that overflow are RangeErrors, in JS and natively', () => {
    expect(() => new Tensor('float64', [2 ** 31, 2 ** 30], new Float64Array(0))).toThrow(RangeError);
    const Handle = addon().TensorHandle;
    // The addon's errors come from Node's realm, not jest's: compare names.
    // 2^61 × 8 bytes wraps size_t
    expect(errorOf(() => new Handle(2, [2 ** 31, 2 ** 30], new Float64Array(0))).name).toBe('RangeError');
    expect(errorOf(() => new Handle(2, [2 ** 53, 2 ** 10], new Float64Array(0))).name).toBe('RangeError');
    expect(() => new Tensor('int32', [3], new Int32Array(2))).toThrow(RangeError);
    expect(() => new Tensor('int32', [2], new Float32Array(2) as never)).toThrow(TypeError);
  });

  test('a tensor cannot change shape, dtype or data after it is made', () => {
    const t = tensor([1, 2, 3]);
    expect(() => ((t as unknown as { shape: number[] }).shape = [5])).toThrow(TypeError);
    expect(() => ((t as unknown as { dtype: string }).dtype = 'float64')).toThrow(TypeError);
    expect(() => ((t as unknown as { data: unknown }).data = new Int32Array(5))).toThrow(TypeError);
    expect(() => (t.shape as number[]).push(1)).toThrow(TypeError);
    expect(t.toArray()).toEqual([1, 2, 3]);
  });

  test('inlining more than 2 GB of host data in a GraphDef is a RangeError (was SIGSEGV / a corrupt graph)', () => {
    const r = child(
      `const { Dataset } = require('./dist/cjs');
      const a = new Float32Array(3e8), b = new Float32Array(3e8);
      try { Dataset.zip([Dataset.fromTensors(a), Dataset.fromTensors(b)]).toGraphDef({ inlineData: true }); ` +
        `console.log('no error'); }
      catch (e) { console.log(e.name, /2 GB/.test(e.message)); }`,
    );
    expect(r.signal).toBeNull();
    expect(r.stdout.trim()).toBe('RangeError true');
  });

  test.each([
    ['batch: batchSize', () => Dataset.range(3).batch(2 ** 40, { dropRemainder: true })],
    ['shuffle: bufferSize', () => Dataset.range(3).shuffle(2 ** 50)],
    ['map: numParallelCalls', () => Dataset.range(3).map((x) => x, { numParallelCalls: 2 ** 40 })],
    ['batch: numParallelCalls', () => Dataset.range(3).batch(2, { numParallelCalls: 2 ** 40 })],
    ['interleave: cycleLength', () => Dataset.range(3).interleave((x) => Dataset.range(x), { cycleLength: 2 ** 40 })],
    ['TextLineDataset: bufferSize', () => Dataset.textLines('README.md', { bufferSize: 2 ** 50 })],
    [
      'paddedBatch: paddedShapes[0]',
      () => Dataset.fromTensorSlices(tensor([[1, 2]])).paddedBatch(2, { paddedShapes: [2 ** 40] }),
    ],
    ['privateThreadpoolSize', () => Dataset.range(3).withOptions({ parallelism: { privateThreadpoolSize: 1e6 } })],
  ])('%s beyond what can be allocated or scheduled is a RangeError naming it', (name, build) => {
    const e = errorOf(build);
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toContain(name);
  });

  test('sizes near 2^31, 2^32 and 2^53 are typed errors or work, never a crash', () => {
    const near = fc.oneof(
      ...[2 ** 31, 2 ** 32, 2 ** 53].map((p) => fc.integer({ min: -3, max: 3 }).map((d) => p + d)),
      fc.integer({ min: 1, max: 64 }),
    );
    const builds: ((n: number) => unknown)[] = [
      (n) => Dataset.range(4).batch(n, { dropRemainder: true }),
      (n) => Dataset.range(4).shuffle(n),
      (n) => Dataset.range(4).map((x) => x, { numParallelCalls: n }),
      (n) => Dataset.range(4).interleave((x) => Dataset.range(x), { cycleLength: n }),
      (n) => Dataset.fromTensorSlices(tensor([[1, 2]])).paddedBatch(2, { paddedShapes: [n] }),
      (n) => tensor(new Float32Array(0), 'float32', [n, 0, n]),
      (n) => new Tensor('uint8', [n, n], new Uint8Array(0)),
    ];
    fc.assert(
      fc.property(near, fc.nat({ max: builds.length - 1 }), (n, i) => {
        onlyTypedErrors(() => builds[i](n));
      }),
      { numRuns: 300, seed: 18 },
    );
  });
});

describe('integrity', () => {
  test('editing a yielded element reaches no feed, constant, cache or other element', async () => {
    const L = tensor([1, 2, 3]);
    for await (const e of Dataset.fromTensorSlices(L)) (e as Tensor).data[0] = 0;
    expect(
      plain(
        await Dataset.fromTensorSlices(L)
          .map((x) => tf.mul(x as Sym<'int32'>, 10))
          .toArray(),
      ),
    ).toEqual([10, 20, 30]);
    const seen: number[][] = [];
    for await (const e of Dataset.fromTensors(tensor([1, 2])).repeat(3)) {
      (e as Tensor<'int32'>).data[0] += 100;
      seen.push(Array.from((e as Tensor<'int32'>).data));
    }
    expect(seen).toEqual([
      [101, 2],
      [101, 2],
      [101, 2],
    ]);
    const cached = Dataset.range(3).batch(3).cache();
    for await (const e of cached) (e as Tensor<'int64'>).data[0] = 99n;
    expect(plain(await cached.toArray())).toEqual([[0n, 1n, 2n]]);
  });

  test('outputs in fresh buffers are still handed over without a copy', async () => {
    const ds = Dataset.fromTensorSlices(new Float32Array(4096))
      .map((x) => x.add(1))
      .batch(64);
    await ds.iterator().next(); // stores the dataset in its session (that fetches a string handle)
    const before = nativeStats().bytesCopiedOut;
    const out = await ds.toArray();
    expect(out.length).toBe(64);
    expect(nativeStats().bytesCopiedOut - before).toBe(0);
  });

  test('any mutation of any output leaves a second run identical (fuzzed)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom('slices', 'repeat', 'cache', 'batch'),
        fc.integer(),
        async (n, shape, poke) => {
          const base = tensor(
            Int32Array.from({ length: n * 2 }, (_, i) => i),
            'int32',
            [n, 2],
          );
          const ds =
            shape === 'slices'
              ? Dataset.fromTensorSlices(base)
              : shape === 'repeat'
                ? Dataset.fromTensors(base).repeat(2)
                : shape === 'cache'
                  ? Dataset.fromTensorSlices(base).cache()
                  : Dataset.fromTensorSlices(base).batch(2);
          const first = plain(await ds.toArray());
          for await (const e of ds) (e as Tensor<'int32'>).data.fill(poke | 0);
          expect(plain(await ds.toArray())).toEqual(first);
        },
      ),
      { numRuns: 40, seed: 4 },
    );
  });

  test('host data is a snapshot: tensor() copies, later edits of the source array are not seen', async () => {
    const source = new Int32Array([1, 2, 3]);
    const t = tensor(source);
    source[0] = 100;
    expect(t.toArray()).toEqual([1, 2, 3]);
    expect(plain(await Dataset.fromTensors(t).toArray())).toEqual([[1, 2, 3]]);
  });

  test('a bool tensor edited to 2 after validation is refused when a pipeline takes it', () => {
    const b = tensor([true, false]);
    (b.data as Uint8Array)[0] = 2;
    expect(() => Dataset.fromTensors(b)).toThrow(/bool tensor data must be 0 or 1/);
  });

  test('hostile record keys are data (__proto__, constructor, toString, empty)', async () => {
    const keys = fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'a');
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(keys, { minLength: 1, maxLength: 4 }), async (ks) => {
        const json = `{${ks.map((k, i) => `${JSON.stringify(k)}:[${i},${i + 10}]`).join(',')}}`;
        const [first] = (await Dataset.fromTensorSlices(JSON.parse(json)).toArray()) as Record<string, Tensor>[];
        expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
        expect(Object.keys(first).sort()).toEqual([...ks].sort());
        ks.forEach((k, i) => expect(Object.getOwnPropertyDescriptor(first, k)?.value.get()).toBe(i));
      }),
      { numRuns: 30, seed: 8 },
    );
  });
});

describe('error classes', () => {
  test('a SharedArrayBuffer-backed array is copied, not refused', async () => {
    const shared = new Int32Array(new SharedArrayBuffer(8));
    shared.set([5, 6]);
    expect(plain(await Dataset.fromTensors(tensor(shared)).toArray())).toEqual([[5, 6]]);
    expect(plain(await Dataset.fromTensors(new Tensor('int32', [2], shared)).toArray())).toEqual([[5, 6]]);
  });

  test('ops outside a callback, a Sym from another callback, iterating inside a callback: TypeError', () => {
    expect(errorOf(() => tf.add(1 as never, 2 as never))).toBeInstanceOf(TypeError);
    let leaked: Sym | undefined;
    Dataset.range(2).map((x) => (leaked = x));
    expect(errorOf(() => Dataset.range(2).map((x) => x.add(leaked as Sym<'int64'>)))).toBeInstanceOf(TypeError);
    expect(errorOf(() => Dataset.range(2).map((x) => (Dataset.range(2).iterator(), x)))).toBeInstanceOf(TypeError);
  });
});

describe('aborts at random moments', () => {
  test('toArray either resolves with every element or rejects with the reason', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 30 }), async (delay) => {
        const controller = new AbortController();
        const reason = new Error('stop');
        setTimeout(() => controller.abort(reason), delay);
        try {
          const all = await Dataset.range(3000)
            .map((x) => x.add(1n))
            .prefetch(4)
            .toArray({ signal: controller.signal });
          expect(all.length).toBe(3000);
        } catch (e) {
          expect(e).toBe(reason);
        }
      }),
      { numRuns: 25, seed: 5 },
    );
  });
});
