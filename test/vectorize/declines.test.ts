// When vectorisation declines (and says why in explain()), when it is turned off, how it composes
// with the rest of a pipeline, and that errors surface where they did.
import { Dataset, Sym, ops as tf, tensor } from '../../lib';
import { errorOf } from '../helpers';
import { serializeOptions } from '../../lib/dataset/options';
import { bothWays, isVectorized } from './compare';

const xs = () => Dataset.fromTensorSlices(new Float32Array([1.5, -2, 0, 3.25, Number.NaN, 7, -0]));

async function expectSameBothWays(ds: Dataset<unknown>): Promise<void> {
  const { plain, vectorized } = await bothWays(ds);
  expect(vectorized).toEqual(plain);
}

describe('explain()', () => {
  test('shows the rewrite: the batch, then the vectorised map', () => {
    const ds = xs()
      .map((x) => x.mul(2))
      .batch(3);
    const lines = ds.explain().split('\n');
    expect(lines[0]).toMatch(/^MapDataset\(f=vmap_fn_\w+; vectorized map_fn_\w+\) -> float32\[\?\]$/);
    expect(lines[1]).toBe('  BatchDatasetV2(3) -> float32[?]');
    expect(lines[2]).toMatch(/^ {4}TensorSliceDataset/);
  });

  test('shows the op that declined, and why', () => {
    const text = xs()
      .map((x) => tf.exp(x))
      .batch(3)
      .explain();
    expect(text).toMatch(/^BatchDatasetV2\(3; not vectorized: map_fn_\w+ uses Exp \(transcendental/);
    expect(text).toMatch(/\n {2}MapDataset\(f=map_fn_\w+\)/);
  });
});

describe('declines', () => {
  const cases: [string, (x: Sym<'float32'>) => unknown, RegExp][] = [
    ['a transcendental op', (x) => tf.exp(x).add(1), /uses Exp \(transcendental/],
    ['a float sum', (x) => tf.sum(tf.stack([x, x])), /uses Sum \(a float sum adds in an order/],
    ['a float mean', (x) => tf.mean(tf.stack([x, x])), /uses Mean/],
    [
      'a stateful random op',
      (x) => x.add(tf.raw.RandomUniform({ shape: tf.shape(x), dtype: 'float32' })),
      /uses RandomUniform \(it is stateful/,
    ],
    [
      'a check that fails per element',
      (x) => tf.raw.CheckNumerics({ tensor: x, message: 'bad' }),
      /uses CheckNumerics \(it fails on bad data/,
    ],
    ['integer division', (x) => tf.floorDiv(tf.cast(x, 'int32'), 2), /uses FloorDiv \(it fails on bad data/],
    ['maximum (signed zeros)', (x) => tf.maximum(x, 0), /uses Maximum \(SIMD max\/min/],
    [
      'a matrix product',
      (x) => tf.matMul(tf.stack([x, x]).reshape([1, 2]), tensor(new Float32Array([1, 2, 3, 4]), 'float32', [2, 2])),
      /uses MatMul \(more rows select another matrix kernel/,
    ],
    [
      'an op on captured values that may fail',
      (x) => x.add(tf.cast(tf.floorDiv(new Int32Array([7]), new Int32Array([0])), 'float32')),
      /uses FloorDiv \(it may fail: computed once per batch/,
    ],
    ['a dynamic shape', (x) => tf.stringSplit(tf.raw.AsString({ input: x })), /output 0 has no static shape/],
    [
      'an op without a rule',
      (x) => tf.raw.Cumsum({ x: tf.stack([x, x]), axis: tf.cast(0, 'int32') }),
      /uses Cumsum \(no batched rule/,
    ],
    [
      'a nested function',
      (x) =>
        tf.cond(
          x.less(0),
          () => x.neg(),
          () => x,
        ),
      /uses (If|StatelessIf) \(it calls a function/,
    ],
  ];
  for (const [name, fn, why] of cases) {
    test(name, async () => {
      const ds = xs().map(fn).batch(3) as Dataset<unknown>;
      expect(isVectorized(ds)).toBe(false);
      expect(ds.explain()).toMatch(why);
      // Random values differ from run to run; the others are compared bit for bit.
      if (!name.includes('random')) await expectSameBothWays(ds);
    });
  }

  test('a filter between map and batch keeps the pipeline as written', async () => {
    const ds = xs()
      .map((x) => x.mul(2))
      .filter((x) => x.greater(0))
      .batch(2);
    expect(ds.explain()).not.toMatch(/vectorized|vmap/);
    await expectSameBothWays(ds);
  });

  test('elements of varying shape are not batched before the map', async () => {
    const ds = Dataset.fromTensorSlices(['a b', 'c', 'd e f'])
      .map((s) => tf.raw.StringLength({ input: tf.stringSplit(s, ' ') }))
      .map((n) => tf.sum(n))
      .batch(2);
    expect(ds.explain()).toMatch(/not vectorized: map_fn_\w+ uses input \(input 0 has no static shape\)/);
    await expectSameBothWays(ds as Dataset<unknown>);
  });

  test('only the maps above a declined one are vectorised', async () => {
    const ds = xs()
      .map((x) => tf.exp(x))
      .map((x) => x.mul(3))
      .batch(4);
    const text = ds.explain();
    expect(text).toMatch(/^MapDataset\(f=vmap_fn_\w+; vectorized map_fn_\w+\)/);
    expect(text).toMatch(/BatchDatasetV2\(4; not vectorized: map_fn_\w+ uses Exp/);
    expect(text).toMatch(/ {4}MapDataset\(f=map_fn_\w+\)/);
    await expectSameBothWays(ds);
  });
});

describe('the vectorize option', () => {
  test('withOptions({ vectorize: false }) keeps the pipeline as written', () => {
    const ds = xs()
      .map((x) => x.mul(2))
      .batch(3)
      .withOptions({ vectorize: false });
    expect(ds.explain()).not.toMatch(/vmap/);
  });

  test('a withOptions below the batch counts too; the outermost setting wins', () => {
    const off = xs()
      .withOptions({ vectorize: false })
      .map((x) => x.mul(2))
      .batch(3);
    expect(isVectorized(off)).toBe(false);
    expect(isVectorized(off.withOptions({ vectorize: true }))).toBe(true);
  });

  test('a non-boolean is a TypeError naming it', () => {
    expect(errorOf(() => xs().withOptions({ vectorize: 'no' as never }))).toEqual(
      new TypeError('withOptions: options.vectorize must be a boolean'),
    );
  });

  test('it is not part of the serialized tf.data Options', () => {
    expect(serializeOptions({ vectorize: false })).toEqual(serializeOptions({}));
    expect(serializeOptions({ vectorize: true, deterministic: false })).toEqual(
      serializeOptions({ deterministic: false }),
    );
  });
});

describe('composition', () => {
  test('parallel map and parallel batch, deterministic', async () => {
    const ds = xs()
      .repeat(20)
      .map((x) => x.mul(2).add(1), { numParallelCalls: 4, deterministic: true })
      .batch(6, { numParallelCalls: 2, deterministic: true });
    expect(isVectorized(ds)).toBe(true);
    await expectSameBothWays(ds);
  });

  test('paddedBatch of static shapes is a batch; padding beyond the shape declines', async () => {
    const mapped = Dataset.fromTensorSlices(tensor(new Float32Array(12), 'float32', [6, 2])).map((x) => x.add(1));
    const same = mapped.paddedBatch(4);
    expect(isVectorized(same)).toBe(true);
    await expectSameBothWays(same);
    const padded = mapped.paddedBatch(4, { paddedShapes: [5], paddingValues: 9 });
    expect(padded.explain()).toMatch(/not vectorized: paddedBatch pads \(component 0 is padded beyond its shape\)/);
    await expectSameBothWays(padded);
  });

  test('records in, records out; a dataset used twice is built once', async () => {
    const m = Dataset.fromTensorSlices({ a: new Int32Array([1, 2, 3, 4, 5]), b: new Float32Array([1, 2, 3, 4, 5]) })
      .map(({ a, b }) => ({ s: tf.cast(a, 'float32').mul(b), t: a.add(1) }))
      .batch(2);
    expect(isVectorized(m)).toBe(true);
    await expectSameBothWays(Dataset.zip([m, m]) as Dataset<unknown>);
  });

  test('the compiled graph (toGraphDef) is the vectorised one', () => {
    const ds = xs()
      .map((x) => x.mul(2))
      .batch(3);
    expect(Buffer.from(ds.toGraphDef()).toString('latin1')).toMatch(/vmap_fn/);
  });
});

describe('errors surface where they did', () => {
  test('an element failing below a vectorised map fails the same batch, with the same message', async () => {
    const ds = Dataset.fromTensorSlices(['1', '2', 'x', '4', '5', '6', '7'])
      .map((s) => tf.stringToNumber(s))
      .map((x) => x.mul(2))
      .batch(2);
    expect(isVectorized(ds)).toBe(true);
    const { plain, vectorized } = await bothWays(ds);
    // The same batches come first, then the same error (tf.data's own map-and-batch fusion of the
    // unvectorised pipeline prefixes its message with where it ran).
    const cause = /StringToNumberOp could not correctly convert string: x$/;
    expect(plain.error).toMatch(cause);
    expect(vectorized.error).toMatch(cause);
    expect(vectorized.elements).toEqual(plain.elements);
    expect(plain.elements.length).toBe(1);
  });

  test('and with ignoreErrors after the batch, the same batches survive', async () => {
    const ds = Dataset.fromTensorSlices(['1', '2', 'x', '4', '5', '6', '7'])
      .map((s) => tf.stringToNumber(s))
      .map((x) => x.mul(2))
      .batch(2)
      .ignoreErrors();
    await expectSameBothWays(ds);
  });

  test('a failing op in the map declines, so the element fails as before', async () => {
    const ds = xs()
      .map((x) => tf.raw.CheckNumerics({ tensor: x, message: 'not a number' }).mul(2))
      .batch(2);
    expect(isVectorized(ds)).toBe(false);
    const { plain, vectorized } = await bothWays(ds);
    expect(plain.error).toMatch(/not a number/);
    expect(plain.elements.length).toBe(2);
    expect(vectorized).toEqual(plain);
  });
});
