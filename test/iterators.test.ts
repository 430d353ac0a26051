// Iterators of one Dataset share its long-lived session (lib/iterate/shared-session.ts): they
// must stay independent of each other, see the dataset as Python's iterators of one dataset do
// (reshuffled per iteration, one memory cache), and a pipeline cache hit must change nothing.
import { Dataset, Sym, TFError, configurePipelineCache, pipelineCacheStats, tensor, ops as tf } from '../lib';
import { runPython as python } from './differential/python';
import { values } from './helpers';

const nums = (xs: unknown[]) => xs.map((x) => Number((x as { data: ArrayLike<number | bigint> }).data[0]));
const asNumbers = async (ds: Dataset<unknown>) => (await values(ds)).map(Number);

describe('as Python: iterations of one Dataset', () => {
  test('each iteration reshuffles: the 1st, 2nd and 3rd orders are Python’s, and so are epochs', async () => {
    const ds = Dataset.range(10).shuffle(10, { seed: 7 });
    const ours = [await asNumbers(ds), await asNumbers(ds), await asNumbers(ds)];
    const epochs = await asNumbers(Dataset.range(5).shuffle(5, { seed: 3 }).repeat(3));
    const fixed = Dataset.range(10).shuffle(10, { seed: 7, reshuffleEachIteration: false });
    const fixedOrders = [await asNumbers(fixed), await asNumbers(fixed)];
    const theirs = python(`
ds = tf.data.Dataset.range(10).shuffle(10, seed=7)
fixed = tf.data.Dataset.range(10).shuffle(10, seed=7, reshuffle_each_iteration=False)
print(json.dumps({
  "orders": [[int(x) for x in ds] for _ in range(3)],
  "epochs": [int(x) for x in tf.data.Dataset.range(5).shuffle(5, seed=3).repeat(3)],
  "fixed": [[int(x) for x in fixed] for _ in range(2)],
}))`) as { orders: number[][]; epochs: number[]; fixed: number[][] };
    expect(ours).toEqual(theirs.orders);
    expect(new Set(ours.map((o) => o.join()))).toHaveProperty('size', 3);
    expect(epochs).toEqual(theirs.epochs);
    expect(fixedOrders).toEqual(theirs.fixed);
  });

  test('a memory cache filled by one complete pass is replayed by later iterators', async () => {
    const noisy = () =>
      Dataset.range(6)
        .map(() => tf.raw.RandomUniformInt({ shape: [1], minval: 0n, maxval: 1_000_000n, seed: 0, seed2: 0 }))
        .cache();
    const ds = noisy();
    const first = await asNumbers(ds);
    expect(await asNumbers(ds)).toEqual(first); // the random map does not run again
    expect(await asNumbers(ds)).toEqual(first);
    // An incomplete pass leaves no partial cache: the next complete pass fills it.
    const partial = noisy();
    const it = partial.iterator();
    const head = nums([(await it.next()).value]);
    await it.return();
    const full = await asNumbers(partial);
    expect(await asNumbers(partial)).toEqual(full);
    expect(full.length).toBe(6);
    expect(head.length).toBe(1);
  });
});

describe('as Python: a failed element', () => {
  // 1 / ((x - 2)(x - 4)) is infinite at x = 2 and x = 4: CheckNumerics fails those two elements.
  const checked = () =>
    Dataset.range(7).map((x) => {
      const f = tf.cast(x, 'float32');
      return tf.raw.CheckNumerics({ tensor: tf.div(1, f.sub(2).mul(f.sub(4))), message: 'infinite' });
    });

  test('rejects its next(); the next next() goes on, as in Python', async () => {
    const ours: (number | string)[] = [];
    const it = checked().iterator();
    for (;;) {
      try {
        const r = await it.next();
        if (r.done) break;
        ours.push(...nums([r.value]));
      } catch (e) {
        expect(e).toBeInstanceOf(TFError);
        ours.push((e as TFError).code);
      }
    }
    const theirs = python(`
def checked(x):
    f = tf.cast(x, tf.float32)
    return tf.debugging.check_numerics(1.0 / ((f - 2.0) * (f - 4.0)), "infinite")
ds = tf.data.Dataset.range(7).map(checked)
out, it = [], iter(ds)
while True:
    try:
        out.append(float(next(it)))
    except StopIteration:
        break
    except tf.errors.InvalidArgumentError:
        out.append("INVALID_ARGUMENT")
print(json.dumps(out))`) as (number | string)[];
    expect(ours).toEqual(theirs);
    expect(ours.filter((v) => v === 'INVALID_ARGUMENT')).toHaveLength(2);
  });

  test('from JavaScript too: a generator that throws ends after the error, a mapJs goes on', async () => {
    const collect = async (ds: Dataset<unknown>) => {
      const out: (number | string)[] = [];
      const it = ds.iterator();
      for (let k = 0; k < 8; k++) {
        try {
          const r = await it.next();
          if (r.done) break;
          out.push(...nums([r.value]));
        } catch {
          out.push('error');
        }
      }
      return out;
    };
    const generated = Dataset.fromGenerator(
      function* () {
        yield 1;
        yield 2;
        throw new Error('boom');
      },
      { outputSignature: { dtype: 'int32', shape: [] } },
    );
    const mapped = Dataset.range(5).mapJs(
      (x) => {
        if (x.data[0] === 2n) throw new Error('bad');
        return Number(x.data[0]);
      },
      { outputSignature: { dtype: 'int32', shape: [] } },
    );
    const theirs = python(`
def g():
    yield 1
    yield 2
    raise ValueError("boom")
def f(x):
    if x == 2:
        raise ValueError("bad")
    return x
def collect(ds):
    out, it = [], iter(ds)
    for _ in range(8):
        try:
            out.append(int(next(it)))
        except StopIteration:
            break
        except Exception:
            out.append("error")
    return out
print(json.dumps([
    collect(tf.data.Dataset.from_generator(g, output_signature=tf.TensorSpec([], tf.int32))),
    collect(tf.data.Dataset.range(5).map(lambda x: tf.py_function(f, [x], tf.int64))),
]))`) as (number | string)[][];
    expect([await collect(generated), await collect(mapped)]).toEqual(theirs);
  });

  test('toArray and forEach stop at the first failure and close their iterator', async () => {
    const e = await checked()
      .toArray()
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect((e as TFError).code).toBe('INVALID_ARGUMENT');
    const seen: number[] = [];
    await expect(checked().forEach((x) => void seen.push(...nums([x])))).rejects.toBeInstanceOf(TFError);
    expect(seen).toHaveLength(2);
    // for await stops there too (what follows the loop runs once the rejection is caught).
    const after: number[] = [];
    await expect(
      (async () => {
        for await (const x of checked()) after.push(...nums([x]));
      })(),
    ).rejects.toBeInstanceOf(TFError);
    expect(after).toHaveLength(2);
  });

  test('ignoreErrors() drops the failed elements', async () => {
    expect(nums(await checked().ignoreErrors().toArray())).toEqual(
      [0, 1, 3, 5, 6].map((x) => Math.fround(1 / ((x - 2) * (x - 4)))),
    );
  });
});

describe('iterators of one Dataset are independent', () => {
  test('interleaved iteration: each iterator sees the whole sequence in order', async () => {
    const ds = Dataset.range(20).map((x) => x.mul(3n));
    const a = ds.iterator();
    const b = ds.iterator();
    const seenA: number[] = [];
    const seenB: number[] = [];
    for (let i = 0; i < 20; i++) {
      seenA.push(...nums([(await a.next()).value]));
      if (i % 2 === 0) seenB.push(...nums([(await b.next()).value]));
    }
    for (let r = await b.next(); !r.done; r = await b.next()) seenB.push(...nums([r.value]));
    const expected = Array.from({ length: 20 }, (_, i) => i * 3);
    expect(seenA).toEqual(expected);
    expect(seenB).toEqual(expected);
    expect((await a.next()).done).toBe(true);
  });

  test('one closed early leaves the others running', async () => {
    const ds = Dataset.range(1000).prefetch(4);
    const early = ds.iterator();
    const other = ds.iterator();
    await early.next();
    await other.next();
    await early.return();
    let count = 1;
    for (let r = await other.next(); !r.done; r = await other.next()) count++;
    expect(count).toBe(1000);
    expect((await ds.toArray()).length).toBe(1000);
  });

  test('an error in one iterator does not touch another', async () => {
    // Element 5 fails a check; an iterator that stops before it never sees the error.
    const ds = Dataset.range(10).map((x) =>
      tf.raw.CheckNumerics({ tensor: tf.div(1, tf.cast(x.sub(5n), 'float32')), message: 'x == 5' }),
    );
    const failing = ds.iterator();
    const healthy = ds.iterator();
    const firstTwo = [await healthy.next(), await healthy.next()];
    let error: unknown;
    try {
      for (let r = await failing.next(); !r.done; r = await failing.next());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TFError);
    expect((error as TFError).code).toBe('INVALID_ARGUMENT');
    expect(firstTwo.every((r) => !r.done)).toBe(true);
    const rest: number[] = [];
    for (let i = 0; i < 3; i++) rest.push(...nums([(await healthy.next()).value]));
    expect(rest).toEqual([1 / (2 - 5), 1 / (3 - 5), 1 / (4 - 5)].map(Math.fround));
    await healthy.return();
  });

  test('50 concurrent iterators each get every element', async () => {
    const ds = Dataset.range(64)
      .map((x) => x.add(1n))
      .batch(8);
    const all = await Promise.all(Array.from({ length: 50 }, () => ds.toArray()));
    const expected = JSON.stringify(
      (await ds.toArray()).map((t) => t.toArray()),
      (_, v) => (typeof v === 'bigint' ? Number(v) : v),
    );
    for (const batches of all)
      expect(
        JSON.stringify(
          batches.map((t) => t.toArray()),
          (_, v) => (typeof v === 'bigint' ? Number(v) : v),
        ),
      ).toBe(expected);
  });

  test('a stuck step of a closed iterator is cancelled; the Dataset goes on with a new session', async () => {
    const ds = Dataset.range(2 ** 53)
      .filter((x) => x.less(0n))
      .concatenate(Dataset.range(3));
    const stuck = ds.iterator();
    const pending = stuck.next();
    await new Promise((r) => setTimeout(r, 100));
    await stuck.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    const fine = Dataset.range(3);
    expect(await asNumbers(fine)).toEqual([0, 1, 2]);
    // The same Dataset still starts iterators (its first step would again scan 2^53 elements).
    const again = ds.iterator({ timeoutMs: 200 });
    await expect(again.next()).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
  });
});

describe('the pipeline cache', () => {
  test('a new Dataset tracing to the same graph reuses the session, with its own data', async () => {
    const weights = tensor(new Float32Array([0.5, -1, 2, 0.25]));
    const f = (x: Sym<'float32'>) => x.mul(weights).add(1);
    const build = (seed: number) =>
      Dataset.fromTensorSlices(
        tensor(
          Float32Array.from({ length: 32 }, (_, k) => (seed * 7 + k * 3) % 17),
          'float32',
          [8, 4],
        ),
      )
        .map(f)
        .batch(8);
    await build(0).toArray();
    const before = pipelineCacheStats();
    const cached = await Promise.all([1, 2, 3].map((s) => build(s).toArray()));
    const after = pipelineCacheStats();
    expect(after.hits - before.hits).toBe(3);
    expect(after.misses).toBe(before.misses);
    // The same pipelines on fresh sessions give the same bits.
    configurePipelineCache({ maxEntries: 0 });
    try {
      const fresh = await Promise.all([1, 2, 3].map((s) => build(s).toArray()));
      expect(cached.map((b) => b.map((t) => Array.from(t.data as Float32Array)))).toEqual(
        fresh.map((b) => b.map((t) => Array.from(t.data as Float32Array))),
      );
      expect(pipelineCacheStats().entries).toBe(0);
    } finally {
      configurePipelineCache({ maxEntries: 64 });
    }
  });

  test('host values are fed (a hit, with the new value); a different graph is a miss', async () => {
    expect(
      nums(
        await Dataset.range(4)
          .map((x) => x.add(1n))
          .toArray(),
      ),
    ).toEqual([1, 2, 3, 4]);
    let before = pipelineCacheStats();
    // A JS literal enters as a captured input, like any host data: same graph, new value.
    expect(
      nums(
        await Dataset.range(4)
          .map((x) => x.add(2n))
          .toArray(),
      ),
    ).toEqual([2, 3, 4, 5]);
    expect(pipelineCacheStats().hits).toBe(before.hits + 1);
    // A batch size is part of the graph: another size is another graph.
    expect((await Dataset.range(4).batch(2).toArray()).length).toBe(2);
    before = pipelineCacheStats();
    expect((await Dataset.range(4).batch(3).toArray()).length).toBe(2);
    expect(pipelineCacheStats().misses).toBe(before.misses + 1);
  });

  test('configurePipelineCache checks its argument', () => {
    expect(() => configurePipelineCache({ maxEntries: -1 })).toThrow(/maxEntries/);
    expect(() => configurePipelineCache({ maxEntries: 1.5 })).toThrow(RangeError);
    expect(() => configurePipelineCache(undefined as never)).toThrow(RangeError);
  });
});
