// Realistic map → batch pipelines, vectorised here, against Python tf.data running them as
// written (one map call per element): the same elements, dtypes, shapes and values, exactly.
import * as path from 'node:path';
import { Dataset, Sym, Tensor, ops as tf, tensor } from '../../lib';
import { EncodedTensor, runReference } from '../differential/python';
import { isVectorized } from './compare';

// The data reference.py builds, by the same formulas.
const N = 23;
// Exact in float32 on both sides (numpy and JS would round other formulas differently).
const FEATURES = Float32Array.from({ length: N * 4 }, (_, i) => ((i * 7) % 19) / 4 - 9.5);
FEATURES[3 * 4 + 1] = Number.NaN;
FEATURES[5 * 4 + 2] = -0;
const LABELS = Int32Array.from({ length: N }, (_, i) => ((i * 5) % 6) - 1);
const MEAN = new Float32Array([0.5, -1.0, 2.0, 0.25]);
const STD = new Float32Array([3.0, 2.5, 4.0, 1.5]);
const IMAGES = Uint8Array.from({ length: 7 * 4 * 5 * 3 }, (_, i) => (i * 37) % 256);

const features = () => tensor(FEATURES, 'float32', [N, 4]);

const CASES: Record<string, () => Dataset<unknown>> = {
  records: () =>
    Dataset.fromTensorSlices([features(), LABELS] as const)
      .map(([x, y]) => {
        const z = tf.clipByValue(x.sub(MEAN).div(STD), -3, 3);
        return { x: z, y: tf.oneHot(y, 4), ok: tf.all(tf.raw.IsFinite({ x: z })) };
      })
      .batch(5) as Dataset<unknown>,
  images: () =>
    Dataset.fromTensorSlices(tensor(IMAGES, 'uint8', [7, 4, 5, 3]))
      .map((img) => tf.flipLeftRight(tf.convertImageDtype(img, 'float32')).reshape([60]))
      .batch(3, { dropRemainder: true }) as Dataset<unknown>,
  chain: () =>
    Dataset.range(17)
      .map((x) => tf.cast(x, 'float32').mul(0.5).sub(3))
      .map((x) => tf.where(x.greater(1), x, x.neg()))
      .map((x: Sym<'float32'>) => tf.stack([x, x.mul(x), tf.raw.Floor({ x })]))
      .batch(4) as Dataset<unknown>,
  integers: () =>
    Dataset.fromTensorSlices([
      tensor(
        FEATURES.map((v) => v * 128),
        'float32',
        [N, 4],
      ),
      LABELS,
    ] as const)
      .map(([x]) => {
        const i = tf.cast(x, 'int32');
        return [tf.sum(i), tf.argMax(x), tf.max(x, 0, true), tf.transpose(i.reshape([2, 2]))];
      })
      .batch(6) as Dataset<unknown>,
};

const reference = (names: string[]) =>
  runReference<Record<string, EncodedTensor[][]>>(names, {}, path.join(__dirname, 'reference.py'));

function flatten(v: unknown): Tensor[] {
  if (v instanceof Tensor) return [v];
  if (Array.isArray(v)) return v.flatMap(flatten);
  return Object.keys(v as object)
    .sort()
    .flatMap((k) => flatten((v as Record<string, unknown>)[k]));
}

/** A value as Python wrote it (floats with repr, booleans as true/false), as a JS value. */
function valueOf(text: string, dtype: string): unknown {
  if (dtype === 'bool') return text === 'true';
  if (dtype === 'float32' || dtype === 'float64') {
    const special: Record<string, number> = { nan: Number.NaN, inf: Infinity, '-inf': -Infinity };
    return text in special ? special[text] : Number(text);
  }
  return BigInt(text);
}

/** Our component's values in the same order (-0 kept, unlike a text encoding). */
function ours(t: Tensor): unknown[] {
  if (t.dtype === 'bool') return Array.from(t.data as Uint8Array, (b) => b !== 0);
  const data = t.data as ArrayLike<number | bigint>;
  return Array.from(data, (v) => (typeof v === 'bigint' || t.dtype.startsWith('float') ? v : BigInt(v)));
}

const ref = reference(Object.keys(CASES));

describe.each(Object.keys(CASES))('%s', (name) => {
  test('is vectorised, and equals Python tf.data bit for bit', async () => {
    const ds = CASES[name]();
    expect(isVectorized(ds)).toBe(true);
    const mine = (await ds.toArray()).map((e) => flatten(e));
    const theirs = ref[name];
    expect(mine.length).toBe(theirs.length);
    mine.forEach((element, i) =>
      element.forEach((c, j) => {
        const r = theirs[i][j];
        const where = `${name} element ${i} component ${j}`;
        expect({ where, dtype: c.dtype, shape: c.shape }).toEqual({ where, dtype: r.dtype, shape: [...r.shape] });
        const values = ours(c);
        // Object.is: -0 differs from 0 and NaN equals NaN.
        const bad = values.findIndex((v, k) => !Object.is(v, valueOf(r.values[k], r.dtype)));
        expect({ where, bad, ours: values[bad], python: r.values[bad] }).toEqual({
          where,
          bad: -1,
          ours: undefined,
          python: undefined,
        });
      }),
    );
  });
});
