// Every vectorisation rule, property-tested: random inputs (NaN, ±0, ±Inf, subnormals, odd
// element sizes that leave SIMD tails, random batch sizes, partial last batches, dropRemainder)
// through map(f).batch(n) vectorised and as written, compared bit for bit.
import fc from 'fast-check';
import { Dataset, Sym, Tensor, ops as tf, tensor } from '../../lib';
import { bothWays, isVectorized } from './compare';

const RUNS = Number(process.env.VECTORIZE_RUNS ?? 12);

type Elem = Sym<'float32'>;
interface Source {
  data: Tensor;
  batch: number;
  drop: boolean;
}

// Values where code paths part ways: signed zeros, NaN, infinities, subnormals, ties.
const SPECIAL = [0, -0, Number.NaN, Infinity, -Infinity, 1e-45, -1e-45, 1, -1, 0.5];

/** Rows of element shape `tail` (dims drawn when null), float32 values of every kind. */
function floats(tail: (number | null)[], min = 1): fc.Arbitrary<Source> {
  return fc
    .record({
      rows: fc.integer({ min: 1, max: 24 }),
      dims: fc.tuple(...tail.map((d) => (d === null ? fc.integer({ min, max: 9 }) : fc.constant(d)))),
      batch: fc.integer({ min: 1, max: 7 }),
      drop: fc.boolean(),
    })
    .chain(({ rows, dims, batch, drop }) => {
      const n = rows * dims.reduce((a, d) => a * d, 1);
      return fc
        .array(fc.oneof(fc.float(), fc.constantFrom(...SPECIAL)), { minLength: n, maxLength: n })
        .map((d) => ({ data: tensor(Float32Array.from(d), 'float32', [rows, ...dims]), batch, drop }));
    });
}

/** As floats, int32 values in [lo, hi]. */
function ints(tail: (number | null)[], lo = -(2 ** 31), hi = 2 ** 31 - 1): fc.Arbitrary<Source> {
  return fc
    .record({
      rows: fc.integer({ min: 1, max: 24 }),
      dims: fc.tuple(...tail.map((d) => (d === null ? fc.integer({ min: 1, max: 9 }) : fc.constant(d)))),
      batch: fc.integer({ min: 1, max: 7 }),
      drop: fc.boolean(),
    })
    .chain(({ rows, dims, batch, drop }) => {
      const n = rows * dims.reduce((a, d) => a * d, 1);
      return fc
        .array(fc.integer({ min: lo, max: hi }), { minLength: n, maxLength: n })
        .map((d) => ({ data: tensor(Int32Array.from(d), 'int32', [rows, ...dims]), batch, drop }));
    });
}

async function check(source: fc.Arbitrary<Source>, fn: (x: never) => unknown, numRuns = RUNS): Promise<void> {
  await fc.assert(
    fc.asyncProperty(source, async ({ data, batch, drop }) => {
      const ds = (Dataset.fromTensorSlices(data) as Dataset<never>)
        .map(fn as (x: never) => unknown)
        .batch(batch, { dropRemainder: drop }) as Dataset<unknown>;
      expect(isVectorized(ds)).toBe(true);
      const { plain, vectorized } = await bothWays(ds);
      expect(vectorized).toEqual(plain);
    }),
    { numRuns },
  );
}

const CAPTURE3 = new Float32Array([0.5, -0, Number.NaN]);
const capture = (k: number) => new Float32Array(Array.from({ length: k }, (_, i) => (i % 3) - 1.25));

describe('elementwise (IEEE-exact)', () => {
  const unary: [string, (x: Elem) => unknown][] = [
    ['neg', (x) => x.neg()],
    ['abs', (x) => tf.abs(x)],
    ['sqrt', (x) => tf.sqrt(x)],
    ['square', (x) => tf.square(x)],
    ['floor/ceil/round', (x) => tf.stack([tf.raw.Floor({ x }), tf.raw.Ceil({ x }), tf.raw.Round({ x })])],
    ['isNan/isFinite', (x) => [tf.raw.IsNan({ x }), tf.raw.IsFinite({ x }), tf.raw.IsInf({ x })]],
    ['cast to int32, float64, bool', (x) => [tf.cast(x, 'int32'), tf.cast(x, 'float64'), tf.cast(x, 'bool')]],
    ['zerosLike/onesLike', (x) => [tf.zerosLike(x), tf.onesLike(x)]],
  ];
  for (const [name, fn] of unary) test(name, () => check(floats([null]), fn));

  const binary: [string, (x: Elem) => unknown][] = [
    ['add/sub/mul of a scalar literal', (x) => x.add(1.5).sub(0.25).mul(3)],
    ['div by a scalar', (x) => tf.div(x, 7)],
    ['div by the element', (x) => tf.div(1, x)],
    ['element op element', (x) => [x.mul(x), tf.sub(x, x), tf.div(x, x), x.add(x.neg())]],
    ['squaredDifference', (x) => tf.raw.SquaredDifference({ x, y: x.mul(0.5) })],
    [
      'comparisons',
      (x) => [
        x.less(0),
        tf.lessEqual(x, 1),
        tf.greater(x, -1),
        tf.greaterEqual(x, 2),
        tf.equal(x, 0),
        tf.notEqual(x, 0),
      ],
    ],
    ['logical', (x) => [tf.logicalAnd(x.less(1), x.greater(-1)), tf.logicalOr(x.less(0), tf.logicalNot(x.less(2)))]],
    ['where', (x) => tf.where(x.less(0), x.neg(), x.mul(2))],
    ['clipByValue', (x) => [tf.clipByValue(x, -1, 1), tf.clipByValue(x, 0, 0.5), tf.clipByValue(x, -2, -0)]],
  ];
  for (const [name, fn] of binary) test(name, () => check(floats([null]), fn));

  test('a scalar element broadcast against a captured vector (re-ranked)', () =>
    check(floats([]), (x: Elem) => [x.add(CAPTURE3), tf.where(x.less(0), CAPTURE3, x)]));
  test('a vector element broadcast against a captured matrix', () =>
    check(floats([3]), (x: Elem) => x.mul(tensor(new Float32Array([...CAPTURE3, ...capture(3)]), 'float32', [2, 3]))));
  test('a matrix element and a captured row', () =>
    check(floats([null, 4]), (x: Elem) => x.sub(capture(4)).div(capture(4))));
  test('integer arithmetic wraps the same', () =>
    check(ints([null]), (x: Sym<'int32'>) => [x.add(x), x.mul(x), x.sub(7), tf.abs(x), x.neg()]));
});

describe('reductions (axes shifted)', () => {
  test('max/min over a row of signed zeros and NaN, many times', () =>
    check(
      floats([null, null]),
      (x: Elem) => [tf.max(x, 1), tf.min(x, 1), tf.max(x, 0), tf.min(x), tf.argMax(x, 1), tf.argMin(x, 0)],
      RUNS * 5,
    ));
  test('max/min over an axis and all axes, NaN included', () =>
    check(floats([null, null]), (x: Elem) => [tf.max(x, 1), tf.min(x, 0, true), tf.max(x), tf.min(x, -1)]));
  test('integer sum, prod and mean', () =>
    check(ints([null, null]), (x: Sym<'int32'>) => [tf.sum(x, 0), tf.prod(x, 1), tf.mean(x), tf.sum(x, -1, true)]));
  test('all/any', () => check(floats([null]), (x: Elem) => [tf.all(x.less(0)), tf.any(x.greater(1), 0)]));
  test('argMax/argMin', () => check(floats([null, null]), (x: Elem) => [tf.argMax(x, 1), tf.argMin(x, 0)]));
});

describe('data movement (axes shifted)', () => {
  test('reshape to a static shape', () => check(floats([2, 3]), (x: Elem) => [x.reshape([6]), x.reshape([3, -1])]));
  test('expandDims/squeeze', () =>
    check(floats([null]), (x: Elem) => [tf.expandDims(x, 0), tf.expandDims(x, -1), tf.squeeze(tf.expandDims(x, 1))]));
  test('transpose', () => check(floats([2, 3, null]), (x: Elem) => [tf.transpose(x, [2, 0, 1]), tf.transpose(x)]));
  test('concat/stack/unstack, with invariant parts', () =>
    check(floats([3]), (x: Elem) => [
      tf.concat([x, CAPTURE3, x], 0),
      tf.stack([x, x.neg()], 1),
      tf.stack([x, CAPTURE3]),
      ...tf.unstack(x),
    ]));
  test('slice/stridedSlice', () =>
    check(floats([6, 4]), (x: Elem) => [
      tf.slice(x, [1, 0], [3, -1]),
      tf.stridedSlice(x, [0, 1], [6, 4], [2, 2]),
      tf.index(x, 2),
      tf.index(x, '1:5:2', -1),
    ]));
  test('gather with constant indices', () => check(floats([5]), (x: Elem) => tf.gather(x, [4, 0, 0, 2])));
  test('oneHot of a label', () =>
    check(ints([], -2, 6), (x: Sym<'int32'>) => [tf.oneHot(x, 5), tf.oneHot(x, 3, { onValue: 2, dtype: 'int32' })]));
  test('tile, reverse (image flips)', () =>
    check(floats([2, 3, 1]), (x: Elem) => [tf.tile(x, [2, 1, 1]), tf.flipLeftRight(x)]));
  test('shape and size of a static element', () =>
    check(floats([2, 3]), (x: Elem) => [x.add(tf.cast(tf.size(x), 'float32')), tf.shape(x)]));
  test('a map that returns a constant', () => check(floats([2]), (x: Elem) => [x, tf.cast(tf.shape(x), 'float32')]));
});

describe('images', () => {
  test('resize bilinear and nearest', () =>
    check(floats([4, 5, 3]), (x: Elem) => [tf.resizeBilinear(x, [7, 3]), tf.resizeNearest(x, [2, 9])]));
});

describe('a realistic preprocessing map', () => {
  test('normalise, clip, one-hot label (a chain of two maps)', () =>
    fc.assert(
      fc.asyncProperty(
        floats([4]),
        fc.integer({ min: 0, max: 3 }).map((k) => k),
        async ({ data, batch, drop }, shift) => {
          const rows = data.shape[0];
          const labels = tensor(
            Int32Array.from({ length: rows }, (_, i) => (i + shift) % 4),
            'int32',
          );
          const ds = Dataset.fromTensorSlices({ x: data as Tensor<'float32'>, y: labels })
            .map(({ x, y }) => ({ x: tf.clipByValue(x.sub(capture(4)).div(2.5), -3, 3), y }))
            .map(({ x, y }) => [x.mul(1), tf.oneHot(y, 4)] as const)
            .batch(batch, { dropRemainder: drop }) as Dataset<unknown>;
          expect(isVectorized(ds)).toBe(true);
          const { plain, vectorized } = await bothWays(ds);
          expect(vectorized).toEqual(plain);
        },
      ),
      { numRuns: RUNS },
    ));
});
