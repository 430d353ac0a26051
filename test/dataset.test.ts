// Dataset sources, transformations and iteration, against real libtensorflow.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Dataset, Sym, TFError, Tensor, liveHandles, tensor, ops as tf } from '../lib';
import { flattenStructure } from '../lib/tensor/structure';
import { runPython } from './differential/python';
import { errorOf, plain, rejectionOf, values } from './helpers';

describe('sources', () => {
  test('fromTensorSlices of a tensor, a record and a tuple', async () => {
    expect(
      await values(
        Dataset.fromTensorSlices(
          tensor(
            [
              [1, 2],
              [3, 4],
            ],
            'int32',
          ),
        ),
      ),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const rec = Dataset.fromTensorSlices({ b: new Float32Array([0.5, 1.5]), a: tensor(['x', 'y']) });
    expect(await values(rec)).toEqual([
      { a: 'x', b: 0.5 },
      { a: 'y', b: 1.5 },
    ]);
    const tup = Dataset.fromTensorSlices([tensor([1, 2], 'int64'), tensor([true, false])]);
    expect(await values(tup)).toEqual([
      [1n, true],
      [2n, false],
    ]);
    expect(tup.elementSpec).toEqual([
      { dtype: 'int64', shape: [] },
      { dtype: 'bool', shape: [] },
    ]);
  });

  test('fromTensors gives one element', async () => {
    const ds = Dataset.fromTensors([tensor([1, 2, 3], 'int32'), tensor(7.5, 'float64')]);
    expect(await values(ds)).toEqual([[[1, 2, 3], 7.5]]);
    expect(await ds.cardinality()).toBe(1);
  });

  test('range like Python', async () => {
    expect(await values(Dataset.range(4))).toEqual([0n, 1n, 2n, 3n]);
    expect(await values(Dataset.range(2, 10, 3))).toEqual([2n, 5n, 8n]);
    expect(await values(Dataset.range(5, 0, -2))).toEqual([5n, 3n, 1n]);
    expect(await Dataset.range(10).cardinality()).toBe(10);
  });

  test('zip of a tuple and a record stops at the shortest', async () => {
    const z = Dataset.zip([Dataset.range(3), Dataset.fromTensorSlices(tensor([10, 20], 'int32'))]);
    expect(await values(z)).toEqual([
      [0n, 10],
      [1n, 20],
    ]);
    const r = Dataset.zip({ i: Dataset.range(2), s: Dataset.fromTensorSlices(tensor(['a', 'b'])) });
    expect(await values(r)).toEqual([
      { i: 0n, s: 'a' },
      { i: 1n, s: 'b' },
    ]);
  });

  test('source argument errors', () => {
    expect(() => Dataset.fromTensorSlices(tensor(3))).toThrow(/component 0 is a scalar/);
    expect(() => Dataset.fromTensorSlices([tensor([1, 2]), tensor([1, 2, 3])])).toThrow(
      /different first dimensions \(2 and 3\)/,
    );
    expect(() => Dataset.range(0, 10, 0)).toThrow(RangeError);
    expect(() => Dataset.range(1.5)).toThrow(TypeError);
    expect(() => Dataset.fromTensorSlices({ a: undefined } as never)).toThrow(/has a undefined at values\.a/);
  });
});

describe('transformations', () => {
  const r = (n: number) => Dataset.range(n);

  test('map with records, tuples and captures', async () => {
    const w = new Float32Array([2, 3]);
    const ds = Dataset.fromTensorSlices(
      tensor(
        [
          [1, 1],
          [2, 2],
        ],
        'float32',
      ),
    ).map((x) => ({ y: x.mul(w), s: tf.sum(x) }));
    expect(await values(ds)).toEqual([
      { s: 2, y: [2, 3] },
      { s: 4, y: [4, 6] },
    ]);
    expect(ds.elementSpec).toEqual({ s: { dtype: 'float32', shape: [] }, y: { dtype: 'float32', shape: [2] } });
  });

  test('parallel map keeps order when deterministic', async () => {
    const ds = r(100).map((x) => x.mul(2), { numParallelCalls: 4, deterministic: true });
    expect(await values(ds)).toEqual(Array.from({ length: 100 }, (_, i) => BigInt(2 * i)));
    const auto = r(50).map((x) => x.add(1), { numParallelCalls: 'auto' });
    expect(((await values(auto)) as bigint[]).sort((a, b) => Number(a - b))).toEqual(
      Array.from({ length: 50 }, (_, i) => BigInt(i + 1)),
    );
  });

  test('a map returning an input unchanged', async () => {
    expect(await values(r(3).map((x) => [x, x]))).toEqual([
      [0n, 0n],
      [1n, 1n],
      [2n, 2n],
    ]);
  });

  test('filter', async () => {
    expect(await values(r(10).filter((x) => tf.equal(tf.mod(x, 3), 0)))).toEqual([0n, 3n, 6n, 9n]);
    expect(errorOf(() => r(3).filter((x) => x as never)).message).toMatch(
      /predicate must return a bool scalar, got int64\[\]/,
    );
  });

  test('batch, drop remainder, parallel batch', async () => {
    expect(await values(r(5).batch(2))).toEqual([[0n, 1n], [2n, 3n], [4n]]);
    expect(await values(r(5).batch(2, { dropRemainder: true }))).toEqual([
      [0n, 1n],
      [2n, 3n],
    ]);
    expect(r(5).batch(2).elementSpec).toEqual({ dtype: 'int64', shape: [null] });
    expect(r(5).batch(2, { dropRemainder: true }).elementSpec).toEqual({ dtype: 'int64', shape: [2] });
    expect(await values(r(5).batch(2, { numParallelCalls: 2 }))).toEqual([[0n, 1n], [2n, 3n], [4n]]);
  });

  test('paddedBatch pads to the longest', async () => {
    const ds = r(4)
      .map(() => tf.fill([1], 1, 'int32').tile([1]).reshape([1]))
      .map((x) => x); // shape [1]
    expect(await values(ds.paddedBatch(2))).toEqual([
      [[1], [1]],
      [[1], [1]],
    ]);
    const ragged = r(4).flatMap(() =>
      Dataset.fromTensors(tf.fill([3], 7, 'int32').slice([0], [1]).tile([1]).reshape([-1])),
    );
    expect(await values(ragged.paddedBatch(4))).toEqual([[[7], [7], [7], [7]]]);
    const varying = Dataset.fromTensorSlices(tensor([1, 2, 3], 'int32')).map(
      (n) => tf.rawOp('Range', [tf.cast(0, 'int32'), n, tf.cast(1, 'int32')])[0],
    );
    expect(await values(varying.paddedBatch(3, { paddingValues: -1 }))).toEqual([
      [
        [0, -1, -1],
        [0, 1, -1],
        [0, 1, 2],
      ],
    ]);
    expect(await values(varying.paddedBatch(2, { paddedShapes: [4] }))).toEqual([
      [
        [0, 0, 0, 0],
        [0, 1, 0, 0],
      ],
      [[0, 1, 2, 0]],
    ]);
  });

  test('paddedBatch rejects padded shapes that do not fit the element, as tf.data does', () => {
    const three = Dataset.fromTensors(tensor(new Float32Array(3)));
    for (const shape of [[2], [2, 2], [null, 2]])
      expect(() => three.paddedBatch(2, { paddedShapes: shape })).toThrow(
        /not compatible with its element shape \[3\]/,
      );
    const grid = Dataset.fromTensors(tensor(new Float32Array(12), 'float32', [3, 4]));
    expect(() => grid.paddedBatch(2, { paddedShapes: [5, 3] })).toThrow(TypeError);
    expect(grid.paddedBatch(2, { paddedShapes: [5, -1] }).elementSpec).toEqual({
      dtype: 'float32',
      shape: [null, 5, null],
    });
    expect(grid.paddedBatch(2, { paddedShapes: [3, 4] }).elementSpec.shape).toEqual([null, 3, 4]);
  });

  test('unbatch undoes batch', async () => {
    expect(await values(r(5).batch(2).unbatch())).toEqual([0n, 1n, 2n, 3n, 4n]);
  });

  test('shuffle with a seed is a permutation, reshuffled per iteration, and repeatable', async () => {
    const ds = r(20).shuffle(20, { seed: 42 });
    const a = (await values(ds)) as bigint[];
    const b = (await values(ds)) as bigint[];
    expect([...a].sort((x, y) => Number(x - y))).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i)));
    expect(a).not.toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i)));
    // As in Python: each iteration of one Dataset takes the next permutation; the same Dataset
    // built again starts over; reshuffleEachIteration: false keeps one order.
    expect(b).not.toEqual(a);
    expect(await values(r(20).shuffle(20, { seed: 42 }))).toEqual(a);
    const fixed = r(20).shuffle(20, { seed: 42, reshuffleEachIteration: false });
    expect(await values(fixed)).toEqual(await values(fixed));
    const epochs = (await values(r(10).shuffle(10, { seed: 1 }).repeat(2))) as bigint[];
    expect(epochs.slice(0, 10)).not.toEqual(epochs.slice(10));
    const fixedEpochs = (await values(
      r(10).shuffle(10, { seed: 1, reshuffleEachIteration: false }).repeat(2),
    )) as bigint[];
    expect(fixedEpochs.slice(0, 10)).toEqual(fixedEpochs.slice(10));
  });

  test('repeat, take, skip with TF semantics for negatives', async () => {
    expect(await values(r(2).repeat(3))).toEqual([0n, 1n, 0n, 1n, 0n, 1n]);
    expect(await values(r(3).repeat().take(7))).toEqual([0n, 1n, 2n, 0n, 1n, 2n, 0n]);
    expect(await r(3).repeat().cardinality()).toBe(Dataset.INFINITE);
    expect(await values(r(5).take(-1))).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(await values(r(5).skip(2))).toEqual([2n, 3n, 4n]);
    expect(await values(r(5).skip(-1))).toEqual([]);
    expect(
      await r(5)
        .filter((x) => x.greater(2))
        .cardinality(),
    ).toBe(Dataset.UNKNOWN);
  });

  test('counts given as Syms inside callbacks: checked when built, and by TensorFlow when run', async () => {
    expect(await values(r(3).flatMap((x) => r(10).skip(x).take(2n)))).toEqual([0n, 1n, 1n, 2n, 2n, 3n]);
    expect(() => r(3).flatMap((x) => r(5).take(x.cast('float32') as never))).toThrow(
      /take: count must be an int32 or int64 Sym, got float32/,
    );
    expect(() => r(3).flatMap((x) => r(5).batch(tf.stack([x, x]) as never))).toThrow(
      /batch: batchSize must be a scalar Sym, got shape \[2\]/,
    );
    expect(() => r(3).shuffle(0n)).toThrow(RangeError);
    expect(() => r(3).take(2n ** 63n)).toThrow(/take: count must fit in int64/);
    // A Sym's value is TensorFlow's to check: batch size 0 fails that element.
    const zero = r(2).flatMap((x) => r(4).batch(x));
    await expect(zero.toArray()).rejects.toMatchObject({ name: 'TFError', code: 'INVALID_ARGUMENT' });
    // A dropped remainder with a Sym batch size leaves the batch dimension unknown.
    expect(r(2).flatMap((x) => r(4).batch(x.add(1n), { dropRemainder: true })).elementSpec).toEqual({
      dtype: 'int64',
      shape: [null],
    });
  });

  test('shard', async () => {
    expect(await values(r(10).shard(3, 1))).toEqual([1n, 4n, 7n]);
    expect(() => r(10).shard(3, 3)).toThrow(/index must be < numShards/);
  });

  test('prefetch, memory cache and file cache', async () => {
    expect(await values(r(5).prefetch(2))).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(await values(r(5).prefetch('auto'))).toEqual([0n, 1n, 2n, 3n, 4n]);
    const cached = r(3)
      .map((x) => x.mul(10))
      .cache();
    expect(await values(cached.repeat(2))).toEqual([0n, 10n, 20n, 0n, 10n, 20n]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfdata-cache-'));
    const file = path.join(dir, 'c');
    const onDisk = r(4).cache(file);
    expect(await values(onDisk)).toEqual([0n, 1n, 2n, 3n]);
    expect(fs.readdirSync(dir).some((f) => f.startsWith('c'))).toBe(true);
    expect(await values(onDisk)).toEqual([0n, 1n, 2n, 3n]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('concatenate and its structure check', async () => {
    expect(await values(r(2).concatenate(Dataset.range(5, 7)))).toEqual([0n, 1n, 5n, 6n]);
    const other = Dataset.fromTensorSlices(tensor([1.5], 'float32')) as unknown as Dataset<Sym<'int64'>>;
    expect(() => r(2).concatenate(other)).toThrow(/component 0 is int64 here but float32 in other/);
  });

  test('enumerate', async () => {
    expect(await values(Dataset.fromTensorSlices(tensor(['a', 'b'])).enumerate(5))).toEqual([
      [5n, 'a'],
      [6n, 'b'],
    ]);
  });

  test('flatMap and interleave', async () => {
    const flat = r(3).flatMap((x) => Dataset.fromTensorSlices(tf.stack([x, x.mul(10)])));
    expect(await values(flat)).toEqual([0n, 0n, 1n, 10n, 2n, 20n]);
    const inter = r(2).interleave((x) => Dataset.fromTensorSlices(tf.stack([x, x.add(10), x.add(20)])), {
      cycleLength: 2,
      blockLength: 1,
    });
    expect(await values(inter)).toEqual([0n, 1n, 10n, 11n, 20n, 21n]);
    const par = r(2).interleave((x) => Dataset.fromTensorSlices(tf.stack([x, x.add(10)])), {
      cycleLength: 2,
      numParallelCalls: 2,
      deterministic: true,
    });
    expect(await values(par)).toEqual([0n, 1n, 10n, 11n]);
  });

  test('withOptions', async () => {
    const ds = r(20)
      .map((x) => x.add(1), { numParallelCalls: 'auto' })
      .withOptions({
        deterministic: false,
        autotune: { enabled: true, cpuBudget: 2 },
        parallelism: { privateThreadpoolSize: 2 },
      });
    expect(((await values(ds)) as bigint[]).sort((a, b) => Number(a - b))).toEqual(
      Array.from({ length: 20 }, (_, i) => BigInt(i + 1)),
    );
    expect(() => r(2).withOptions({ bogus: 1 } as never)).toThrow(/unknown option 'bogus'/);
  });

  test('argument errors name the argument', () => {
    expect(() => r(3).batch(0)).toThrow(/batch: batchSize must be >= 1, got 0/);
    expect(() => r(3).batch(1.5)).toThrow(/batch: batchSize must be an integer/);
    expect(() => r(3).shuffle(0)).toThrow(/shuffle: bufferSize must be >= 1/);
    expect(() => r(3).prefetch(-2)).toThrow(/prefetch: bufferSize must be >= 0/);
    expect(() => r(3).map(42 as never)).toThrow(/map: fn must be a function/);
    expect(() => r(3).map(() => undefined as never)).toThrow(/map callback returned undefined/);
    expect(() => r(3).map(() => Promise.resolve(1) as never)).toThrow(/returned a Promise/);
  });
});

describe('record keys', () => {
  test('come back in the order the source or callback wrote them, as in Python; components stay sorted', async () => {
    const source = Dataset.fromTensorSlices({ b: [1], a: [2], c: [3] });
    const mapped = source.map((e) => ({ z: e.a, y: e.b, x: { q: e.c, p: e.a } }));
    const zipped = Dataset.zip({ k: source, j: source });
    const [s] = await source.toArray();
    const [m] = await mapped.toArray();
    const [z] = await zipped.toArray();
    const mine = [Object.keys(s), Object.keys(source.elementSpec), Object.keys(m), Object.keys(m.x), Object.keys(z)];
    const theirs = runPython(`
d = tf.data.Dataset.from_tensor_slices({"b": [1], "a": [2], "c": [3]})
m = next(iter(d.map(lambda e: {"z": e["a"], "y": e["b"], "x": {"q": e["c"], "p": e["a"]}})))
z = next(iter(tf.data.Dataset.zip({"k": d, "j": d})))
print(json.dumps([list(next(iter(d))), list(d.element_spec), list(m), list(m["x"]), list(z)]))`);
    expect(mine).toEqual(theirs);
    expect(source.explain()).toContain('{ b: int32[], a: int32[], c: int32[] }');
    // The flattened components (what graphs and differential encodings see) are in sorted order.
    const leaves = flattenStructure(m, (v): v is Tensor => v instanceof Tensor, 'm').leaves;
    expect(leaves.map((t) => t.data[0])).toEqual([2, 3, 1, 2]); // x.p, x.q, y, z
  });
});

describe('introspection', () => {
  test('explain and toGraphDef show the one compiled graph', () => {
    const ds = Dataset.range(10)
      .map((x) => x.mul(2))
      .batch(4)
      .prefetch('auto');
    const text = ds.explain();
    // As it runs: the map is vectorised, after the batch (README "Automatic vectorisation").
    expect(text.split('\n').map((l) => l.trim().split('(')[0])).toEqual([
      'PrefetchDataset',
      'MapDataset',
      'BatchDatasetV2',
      'RangeDataset',
    ]);
    const def = Buffer.from(ds.toGraphDef());
    for (const op of [
      'RangeDataset',
      'MapDataset',
      'BatchDatasetV2',
      'PrefetchDataset',
      'IteratorGetNext',
      'IteratorGetNextSync', // `next/sync`: the same pull in the caller's thread
      'MakeIterator',
    ])
      expect(def.includes(op)).toBe(true);
  });
});

describe('iteration', () => {
  test('for await, early break and live handles', async () => {
    const ds = Dataset.range(1_000_000).map((x) => x.add(1));
    const seen: bigint[] = [];
    for await (const x of ds) {
      seen.push(x.get());
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([1n, 2n, 3n]);
  });

  test('iterator() next/return and asyncDispose', async () => {
    const it = Dataset.range(3).iterator();
    expect((await it.next()).value?.get()).toBe(0n);
    expect(await it.return()).toEqual({ done: true, value: undefined });
    expect((await it.next()).done).toBe(true);
    const it2 = Dataset.range(3).iterator();
    await it2[Symbol.asyncDispose]();
    expect(it2.isClosed).toBe(true);
  });

  test('closing while the iterator is still starting ends it cleanly', async () => {
    const it = Dataset.range(5).iterator();
    const first = it.next();
    it.close();
    expect(await first).toEqual({ done: true, value: undefined });
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  test('concurrent next() calls are served in order', async () => {
    const it = Dataset.range(5).iterator();
    const results = await Promise.all([it.next(), it.next(), it.next(), it.next(), it.next(), it.next()]);
    expect(results.map((r) => (r.done ? 'done' : r.value.get()))).toEqual([0n, 1n, 2n, 3n, 4n, 'done']);
  });

  test('several iterators over one dataset are independent', async () => {
    const ds = Dataset.range(50).map((x) => x.mul(3));
    const all = await Promise.all(Array.from({ length: 8 }, () => values(ds)));
    for (const v of all) expect(v).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(3 * i)));
  });

  test('AbortSignal stops iteration', async () => {
    const controller = new AbortController();
    const it = Dataset.range(1000).repeat().iterator({ signal: controller.signal });
    await it.next();
    controller.abort(new Error('stop now'));
    expect((await rejectionOf(it.next())).message).toBe('stop now');
  });

  test('forEach visits every element with its index', async () => {
    const got: [number, bigint][] = [];
    await Dataset.range(3).forEach((x, i) => {
      got.push([i, x.get()]);
    });
    expect(got).toEqual([
      [0, 0n],
      [1, 1n],
      [2, 2n],
    ]);
  });

  test('the event loop keeps running during a heavy pipeline', async () => {
    const ds = Dataset.range(200).map((x) =>
      tf.sum(tf.matMul(tf.fill([64, 64], 1, 'float32'), tf.fill([64, 64], 1, 'float32'))).add(tf.cast(x, 'float32')),
    );
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const out = await values(ds);
    clearInterval(timer);
    expect(out.length).toBe(200);
    expect(ticks).toBeGreaterThan(0);
  });

  test('native handles are released after iteration and GC', async () => {
    const gc = (global as { gc?: () => void }).gc;
    const ds = Dataset.range(100).map((x) => x.add(1));
    await values(ds);
    const before = liveHandles();
    for (let i = 0; i < 20; i++) await values(ds);
    if (gc) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
      gc();
    }
    // Sessions close when iteration ends; output buffers go with GC.
    expect(liveHandles()).toBeLessThan(before + (gc ? 50 : 5000));
  });

  test('a runtime failure rejects with TFError and leaves other pipelines healthy', async () => {
    // The size is known only at run time, so the failure happens inside the running pipeline.
    const bad = Dataset.fromTensorSlices(tensor([4, 5], 'int32')).map((n) =>
      tf.reshape(tf.rawOp('Range', [0, n, 1])[0], [2, 2]),
    );
    const it = bad.iterator();
    expect(plain((await it.next()).value)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    const error = await rejectionOf(it.next());
    expect(error).toBeInstanceOf(TFError);
    expect((error as TFError).code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/Input to reshape is a tensor with 5 values, but the requested shape has 4/);
    expect(await values(Dataset.range(3))).toEqual([0n, 1n, 2n]);
  });

  test('elements already fetched are delivered before a failure', async () => {
    const ds = Dataset.fromTensorSlices(tensor(['1', '2', 'x', '4'])).map((s) => tf.stringToNumber(s, 'int32'));
    const got: unknown[] = [];
    const error = await rejectionOf(ds.forEach((x) => void got.push(x.get())));
    expect(got).toEqual([1, 2]);
    expect((error as TFError).code).toBe('INVALID_ARGUMENT');
  });
});

test('plain() helper keeps structure', () => {
  expect(plain({ a: [tensor(1)] })).toEqual({ a: [1] });
});
