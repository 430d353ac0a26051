// Per-element iteration served from batches: the same elements in the same order as fetching
// them one by one, as zero-copy views into a fetched batch, and only where nothing can fail.
import { Dataset, Sym, Tensor, ops as tf, tensor } from '../../lib';
import { bothWays } from './compare';

const rows = (n: number, k: number) =>
  tensor(
    Float32Array.from({ length: n * k }, (_, i) => (i % 7 === 3 ? Number.NaN : i / 8 - 40)),
    'float32',
    [n, k],
  );

/** Whether some element's data is a view into a larger (batch) buffer. */
async function servedFromBatches(ds: Dataset<unknown>): Promise<boolean> {
  for await (const e of ds) {
    const t = (e instanceof Tensor ? [e] : (Object.values(e as object) as Tensor[])).find((c) => c.dtype !== 'string');
    if (!t) return false;
    const data = t.data as ArrayBufferView;
    if (data.byteLength < data.buffer.byteLength) return true;
  }
  return false;
}

describe('per-element iteration from batches', () => {
  test('slices → map, element by element: the same bits, the same order, zero-copy rows', async () => {
    const ds = Dataset.fromTensorSlices(rows(300, 5)).map((x) => x.mul(2).add(1)) as Dataset<unknown>;
    expect(await servedFromBatches(ds)).toBe(true);
    const { plain, vectorized } = await bothWays(ds);
    expect(vectorized.elements.length).toBe(300);
    expect(vectorized).toEqual(plain);
  });

  test('records, strings, a partial last batch, take and repeat', async () => {
    const ds = Dataset.zip({
      s: Dataset.fromTensorSlices(['a', '', 'ccc', 'dd']).repeat(50),
      n: Dataset.range(1000).map((x) => x.mul(3n)),
    }).take(197) as Dataset<unknown>;
    expect(await servedFromBatches(ds)).toBe(true);
    const { plain, vectorized } = await bothWays(ds);
    expect(vectorized.elements.length).toBe(197);
    expect(vectorized).toEqual(plain);
  });

  test('an element kept after iteration holds its own values', async () => {
    const kept: Tensor[] = [];
    for await (const e of Dataset.range(130)) kept.push(e);
    expect(kept.map((t) => Number(t.toArray()))).toEqual(Array.from({ length: 130 }, (_, i) => i));
  });

  test('breaking early, then iterating again, starts over', async () => {
    const ds = Dataset.range(1000).map((x) => x.add(1n));
    const first: bigint[] = [];
    for await (const e of ds) {
      first.push(e.toArray() as bigint);
      if (first.length === 3) break;
    }
    expect(first).toEqual([1n, 2n, 3n]);
    expect((await ds.toArray()).length).toBe(1000);
  });

  test('next() calls not awaited one by one are served in order', async () => {
    const it = Dataset.range(100).iterator();
    const got = await Promise.all(Array.from({ length: 100 }, () => it.next()));
    expect(got.map((r) => Number(r.value?.toArray()))).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect((await it.next()).done).toBe(true);
  });

  test('a pipeline that can fail per element is fetched element by element: the error stays at its index', async () => {
    const ds = Dataset.fromTensorSlices(rows(20, 2)).map((x: Sym<'float32'>) =>
      tf.raw.CheckNumerics({ tensor: x, message: 'bad row' }),
    ) as Dataset<unknown>;
    expect(await servedFromBatches(Dataset.fromTensorSlices(rows(3, 2)).map((x) => x.neg()))).toBe(true);
    const it = ds.iterator();
    const seen: string[] = [];
    for (;;) {
      try {
        const r = await it.next();
        if (r.done) break;
        seen.push('ok');
      } catch (e) {
        seen.push((e as Error).message.includes('bad row') ? 'failed' : 'other');
      }
    }
    // Row 1 holds index 3 of the data (a NaN): it fails, and the ones after go on, as before.
    expect(seen.slice(0, 3)).toEqual(['ok', 'failed', 'ok']);
    expect(seen.length).toBe(20);
  });

  test('filters, shuffles and file sources are fetched element by element', async () => {
    expect(await servedFromBatches(Dataset.range(100).filter((x) => x.less(50n)) as Dataset<unknown>)).toBe(false);
    expect(await servedFromBatches(Dataset.range(100).shuffle(10, { seed: 1 }) as Dataset<unknown>)).toBe(false);
  });

  test('vectorize: false turns it off', async () => {
    expect(await servedFromBatches(Dataset.range(100).withOptions({ vectorize: false }) as Dataset<unknown>)).toBe(
      false,
    );
  });
});
