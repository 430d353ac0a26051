// The TensorFlow.js bridge: ds.toTfjs() with tfjs-core + tfjs-data + the CPU backend (the
// devDependencies), training and evaluating a tfjs-layers model from a pipeline.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfd from '@tensorflow/tfjs-data';
import * as tfl from '@tensorflow/tfjs-layers';

import { Dataset, tensor, ops } from '../lib';
import { errorOf, rejectionOf } from './helpers';

// The module as toTfjs wants it when tfjs comes in parts.
const tfjs = { ...tf, data: tfd };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** y = 2·x0 − x1 + 0.5, 64 rows: a line a dense layer learns in a few epochs. */
function rows(): Dataset<{ x: ReturnType<typeof ops.cast>; y: ReturnType<typeof ops.cast> }> {
  const n = 64;
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = (i % 8) / 8;
    x[2 * i + 1] = Math.floor(i / 8) / 8;
    y[i] = 2 * x[2 * i] - x[2 * i + 1] + 0.5;
  }
  return Dataset.fromTensorSlices({ x: tensor(x, 'float32', [n, 2]), y: tensor(y, 'float32', [n, 1]) });
}

function model(): tfl.Sequential {
  const m = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
  m.compile({ optimizer: tf.train.adam(0.1), loss: 'meanSquaredError' });
  return m;
}

test('elements keep their structure; float32/int32/bool/string tensors share our buffers', async () => {
  const ds = Dataset.fromTensorSlices({
    f: tensor([[1.5, 2]], 'float32'),
    i: tensor([[1, 2]], 'int32'),
    b: tensor([[true, false]]),
    s: tensor([['a', 'bé']]),
  });
  const [host] = await ds.toArray();
  const before = tf.memory().numTensors;
  const [el] = (await ds.toTfjs({ tf: tfjs }).toArray()) as Record<string, tf.Tensor>[];
  expect(Object.keys(el).sort()).toEqual(['b', 'f', 'i', 's']);
  expect(el.f.dtype).toBe('float32');
  expect(el.f.shape).toEqual([2]);
  expect(Array.from(el.f.dataSync())).toEqual([1.5, 2]);
  expect(el.i.dtype).toBe('int32');
  expect(el.b.dtype).toBe('bool');
  expect(Array.from(el.b.dataSync())).toEqual([1, 0]);
  expect(el.s.dtype).toBe('string');
  expect(el.s.arraySync()).toEqual(['a', 'bé']);
  expect(host.f.toArray()).toEqual([1.5, 2]);
  tf.dispose(el);
  expect(tf.memory().numTensors).toBe(before);
  // No copy: the tfjs tensor's values are the pipeline's own Float32Array.
  const [one] = (await Dataset.fromTensors(tensor([3, 4], 'float32'))
    .map((x) => x.mul(2))
    .toTfjs({ tf: tfjs })
    .toArray()) as tf.Tensor[];
  const backend = tf.backend() as unknown as { data: { get(id: unknown): { values: Float32Array } } };
  const values = backend.data.get(one.dataId).values;
  expect(values).toBeInstanceOf(Float32Array);
  expect(Array.from(values)).toEqual([6, 8]);
  // An external ArrayBuffer made by the addon (TensorFlow's memory), not one tfjs allocated.
  expect(values.byteOffset === 0 && values.buffer.byteLength >= 8).toBe(true);
  one.dispose();
});

test('int64: int32 with a range check (default), float32, or an error', async () => {
  const small = Dataset.range(3);
  const [a] = (await small.batch(3).toTfjs({ tf: tfjs }).toArray()) as tf.Tensor[];
  expect(a.dtype).toBe('int32');
  expect(Array.from(a.dataSync())).toEqual([0, 1, 2]);
  a.dispose();
  const big = Dataset.fromTensors(tensor([1n, 2n ** 40n]));
  const e = await rejectionOf(big.toTfjs({ tf: tfjs }).toArray());
  expect(e).toBeInstanceOf(RangeError);
  expect(e.message).toMatch(/int64 value 1099511627776 at flat index 1 is outside int32/);
  const [f] = (await big.toTfjs({ tf: tfjs, int64: 'float32' }).toArray()) as tf.Tensor[];
  expect(f.dtype).toBe('float32');
  expect(Array.from(f.dataSync())).toEqual([1, 2 ** 40]);
  f.dispose();
  const rec = Dataset.fromTensors({ ids: tensor([1n]) });
  const err = await rejectionOf(rec.toTfjs({ tf: tfjs, int64: 'error' }).toArray());
  expect(err).toBeInstanceOf(TypeError);
  expect(err.message).toMatch(/^ids is int64/);
  // Widened dtypes: float64 → float32, uint8 → int32; a pair kept as an array.
  const pair = Dataset.fromTensors([tensor([0.5], 'float64'), tensor([255], 'uint8')]);
  const [w] = (await pair.toTfjs({ tf: tfjs, pairs: 'array' }).toArray()) as tf.Tensor[][];
  expect(w.map((t) => t.dtype)).toEqual(['float32', 'int32']);
  tf.dispose(w);
  // By default a pair becomes { xs, ys }, as fitDataset needs.
  const [xy] = (await pair.toTfjs({ tf: tfjs }).toArray()) as { xs: tf.Tensor; ys: tf.Tensor }[];
  expect([xy.xs.dtype, xy.ys.dtype]).toEqual(['float32', 'int32']);
  tf.dispose(xy);
});

test('bad options and a missing tfjs module are clear errors', () => {
  const ds = Dataset.range(2);
  expect(errorOf(() => ds.toTfjs({ tf: tfjs, int64: 'int16' as never })).message).toMatch(
    /options.int64 must be one of int32, float32, error/,
  );
  expect(errorOf(() => ds.toTfjs({ tf: tfjs, pairs: 'tuple' as never })).message).toMatch(/options.pairs must be/);
  expect(errorOf(() => ds.toTfjs({ tf: {} as never })).message).toMatch(/options.tf must be the TensorFlow.js module/);
});

test('fitDataset on { xs, ys } records, evaluateDataset on [xs, ys] tuples; numTensors flat', async () => {
  const m = model();
  const records = rows()
    .map(({ x, y }) => ({ xs: x, ys: y }))
    .shuffle(64, { seed: 3 })
    .batch(16);
  // Warm-up epoch: the model's own variables and optimizer slots are created here.
  await m.fitDataset(records.toTfjs({ tf: tfjs }), { epochs: 1, verbose: 0 });
  const before = tf.memory().numTensors;
  const history = await m.fitDataset(records.toTfjs({ tf: tfjs }), { epochs: 30, verbose: 0 });
  expect(tf.memory().numTensors).toBe(before);
  const losses = history.history.loss as number[];
  expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
  expect(losses[losses.length - 1]).toBeLessThan(0.05);

  const tuples = rows()
    .map(({ x, y }) => [x, y] as const)
    .batch(32);
  const result = (await m.evaluateDataset(
    tuples.toTfjs({ tf: tfjs }) as tfd.Dataset<tf.TensorContainerObject>,
    {},
  )) as tf.Scalar;
  expect(result.dataSync()[0]).toBeLessThan(0.05);
  result.dispose();
  expect(tf.memory().numTensors).toBe(before);
}, 120_000);

test('tensor() takes a tfjs tensor (dtype and shape kept, values copied)', async () => {
  const t = tf.tensor2d([
    [1, 2],
    [3, 4],
  ]);
  const ours = tensor(t);
  expect(ours.dtype).toBe('float32');
  expect(ours.shape).toEqual([2, 2]);
  expect(ours.toArray()).toEqual([
    [1, 2],
    [3, 4],
  ]);
  expect(tensor(tf.tensor([true, false], undefined, 'bool')).toArray()).toEqual([true, false]);
  expect(tensor(tf.tensor(['x', 'y'])).toArray()).toEqual(['x', 'y']);
  expect(tensor(tf.tensor([1, 2], undefined, 'int32'), 'int64').toArray()).toEqual([1n, 2n]);
  const [doubled] = await Dataset.fromTensors(tensor(t, 'float32'))
    .map((x) => x.mul(2))
    .toArray();
  expect(doubled.toArray()).toEqual([
    [2, 4],
    [6, 8],
  ]);
  t.dispose();
  expect(errorOf(() => tensor(t)).message).toMatch(/disposed TensorFlow.js tensor/);
  const c = tf.complex([1], [2]);
  expect(errorOf(() => tensor(c)).message).toMatch(/complex64/);
  c.dispose();
});

test('without options.tf, the installed tfjs-core + tfjs-data are found (the same instance)', async () => {
  const [el] = (await Dataset.fromTensors({ a: tensor([1, 2], 'float32') })
    .toTfjs()
    .toArray()) as Record<string, tf.Tensor>[];
  expect(el.a).toBeInstanceOf(tf.Tensor);
  expect(Array.from(el.a.dataSync())).toEqual([1, 2]);
  tf.dispose(el);
});
