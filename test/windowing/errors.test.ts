// Windows, scans and grouping: bad arguments fail where they are given, with what was wrong;
// datasets of datasets are refused where they would reach JavaScript; a window lives only in
// its callback; what explain() and elementSpec show for dataset components.
import { Dataset, RaggedTensor, Sym, TFError, tensor, ops as tf } from '../../lib';
import { errorOf, rejectionOf, values } from '../helpers';

const R = Dataset.range;

describe('window', () => {
  test.each([
    ['size 0', () => R(5).window(0), RangeError, /window: size must be >= 1, got 0/],
    ['size 1.5', () => R(5).window(1.5), TypeError, /window: size must be an integer, got 1.5/],
    ['size string', () => R(5).window('3' as never), TypeError, /window: size must be an integer/],
    ['shift 0', () => R(5).window(2, { shift: 0 }), RangeError, /window: shift must be >= 1, got 0/],
    ['stride -1', () => R(5).window(2, { stride: -1n }), RangeError, /window: stride must be >= 1, got -1/],
    [
      'dropRemainder',
      () => R(5).window(2, { dropRemainder: 1 as never }),
      TypeError,
      /dropRemainder must be a boolean/,
    ],
  ])('%s', (_name, fn, type, message) => {
    const e = errorOf(fn);
    expect(e).toBeInstanceOf(type);
    expect(e.message).toMatch(message);
  });

  test('a float Sym size is refused when traced', () => {
    const e = errorOf(() => R(3).flatMap((n) => R(5).window(tf.cast(n, 'float32') as never)));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/window: size must be an int32 or int64 Sym, got float32/);
  });

  test('a Sym size below 1 fails in TensorFlow, as in Python', async () => {
    const e = await rejectionOf(
      values(
        R(1).flatMap((n) =>
          R(5)
            .window(n)
            .flatMap((w) => w.batch(2)),
        ),
      ),
    );
    expect(e).toBeInstanceOf(TFError);
    expect((e as TFError).code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/Window size must be greater than zero/);
  });

  test('iterating a dataset of datasets is a TypeError that names flatMap', async () => {
    const ds = R(5).window(2);
    expect(errorOf(() => ds.iterator())).toBeInstanceOf(TypeError);
    const e = await rejectionOf(ds.toArray());
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/hold datasets .*flatMap/);
    // Batched windows are plain variants: refused at the fetch.
    await expect(R(4).window(2).batch(2).toArray()).rejects.toThrow(/variant tensor, which cannot reach JavaScript/);
    // Its cardinality is known without iterating.
    expect(await R(7).window(3).cardinality()).toBe(3);
  });

  test('a window used outside the callback that received it', async () => {
    let leaked: Dataset<Sym<'int64'>> | undefined;
    await values(
      R(4)
        .window(2)
        .flatMap((w) => {
          leaked = w;
          return w;
        }),
    );
    const inner = leaked as Dataset<Sym<'int64'>>;
    const message = /exists only inside the callback that received it/;
    await expect(inner.toArray()).rejects.toThrow(message);
    // Another callback's trace fails at once.
    expect(errorOf(() => R(2).flatMap(() => inner)).message).toMatch(message);
  });

  test('explain() and elementSpec show dataset components', () => {
    const ds = Dataset.fromTensorSlices({
      a: tensor([1, 2]),
      b: tensor([
        [1, 2],
        [3, 4],
      ]),
    }).window(2, { shift: 1 });
    expect(ds.explain()).toBe(
      'WindowDataset(size 2, shift 1, stride 1) -> { a: dataset<int32[]>, b: dataset<int32[2]> }\n' +
        '  TensorSliceDataset(2 rows) -> { a: int32[], b: int32[2] }',
    );
    expect(ds.elementSpec).toEqual({
      a: { kind: 'dataset', elementSpec: { dtype: 'int32', shape: [] } },
      b: { kind: 'dataset', elementSpec: { dtype: 'int32', shape: [2] } },
    });
    const mapped = R(4)
      .window(2)
      .map((w) => ({ w: Dataset.zip([w, w]), n: w.reduce(0n, (s) => s.add(1n)) }));
    expect(mapped.elementSpec).toEqual({
      n: { dtype: 'int64', shape: [] },
      w: {
        kind: 'dataset',
        elementSpec: [
          { dtype: 'int64', shape: [] },
          { dtype: 'int64', shape: [] },
        ],
      },
    });
  });

  test('windows of windows', async () => {
    const ds = R(6)
      .window(3)
      .window(2)
      .flatMap((ww) => ww.flatMap((w) => w.batch(3)));
    expect(await values(ds)).toEqual([
      [0n, 1n, 2n],
      [3n, 4n, 5n],
    ]);
  });
});

describe('scan and reduce', () => {
  test('fn must be a function; the state must be dense tensors', async () => {
    expect(errorOf(() => R(3).scan(0n, 'x' as never)).message).toMatch(/scan: fn must be a function/);
    expect((await rejectionOf(R(3).reduce(0n, null as never))).message).toMatch(/reduce: fn must be a function/);
    expect(errorOf(() => R(3).scan({} as never, (s: never) => [s, s] as never)).message).toMatch(
      /initialState has no components/,
    );
    const e = await rejectionOf(R(3).reduce({ a: undefined } as never, (s) => s));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/reduce: initialState has a undefined at/);
  });

  test('scan fn returns a pair', () => {
    const e = errorOf(() => R(3).scan(0n, (s, x) => s.add(x) as never));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/scan: fn must return a pair \[newState, output\]/);
  });

  test("the new state keeps the initial state's dtypes and structure (as Python)", async () => {
    const dtype = await rejectionOf(R(3).reduce(0n, (s) => tf.cast(s, 'int32') as never));
    expect(dtype).toBeInstanceOf(TypeError);
    expect(dtype.message).toMatch(
      /reduce: the new state's types must match the initial state's: expected \[int64\[\]\], got \[int32\[\]\]/,
    );
    const structure = errorOf(() => R(3).scan({ a: 0n }, (s) => [{ b: s.a } as never, s.a]));
    expect(structure).toBeInstanceOf(TypeError);
    expect(structure.message).toMatch(
      /scan: the new state's structure \{ b: · \} differs from the initial state's \{ a: · \}/,
    );
    // A literal of another dtype than the element's: TensorFlow does not convert implicitly.
    const literal = await rejectionOf(R(3).reduce(0, (s, x) => s.add(x as never)));
    expect(literal).toBeInstanceOf(TypeError);
    expect(literal.message).toMatch(/int32.*int64|int64.*int32/);
  });

  test('reduce and getSingleElement inside a callback give Syms', async () => {
    const ds = R(3).map((n) => {
      const total = R(n.add(1n)).reduce(0n, (s, x) => s.add(x)) as unknown as Sym<'int64'>;
      const one = R(n, n.add(1n)).getSingleElement() as unknown as Sym<'int64'>;
      expect(total).toBeInstanceOf(Sym);
      return [total, one.mul(10n)];
    });
    expect(await values(ds)).toEqual([
      [0n, 0n],
      [1n, 10n],
      [3n, 20n],
    ]);
  });

  test('getSingleElement of a dataset of datasets at top level is refused', async () => {
    const e = await rejectionOf(R(1).window(1).getSingleElement());
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/getSingleElement: the element holds datasets/);
  });

  test('an error thrown by a generator rejects reduce with that error', async () => {
    const boom = new Error('boom');
    const gen = function* () {
      yield 1;
      throw boom;
    };
    const ds = Dataset.fromGenerator(gen, { outputSignature: { dtype: 'int32', shape: [] } });
    expect(await rejectionOf(ds.reduce(0, (s, x) => s.add(x)))).toBe(boom);
  });
});

describe('groupByWindow', () => {
  const key = (x: Sym<'int64'>) => tf.mod(x, 2n);
  const batch = (_k: Sym<'int64'>, w: Dataset<Sym<'int64'>>) => w.batch(2);
  test.each([
    ['neither size', () => R(5).groupByWindow(key, batch, {}), TypeError, /give either windowSize or windowSizeFn/],
    [
      'both sizes',
      () => R(5).groupByWindow(key, batch, { windowSize: 2, windowSizeFn: () => 2n }),
      TypeError,
      /give either windowSize or windowSizeFn/,
    ],
    ['windowSize 0', () => R(5).groupByWindow(key, batch, { windowSize: 0 }), RangeError, /windowSize must be >= 1/],
    [
      'int32 key',
      () => R(5).groupByWindow((x) => tf.cast(x, 'int32') as never, batch, { windowSize: 2 }),
      TypeError,
      /groupByWindow: keyFn must return a single int64 scalar, got int32\[\]/,
    ],
    [
      'vector key',
      () => R(5).groupByWindow((x) => x.reshape([1]) as never, batch, { windowSize: 2 }),
      TypeError,
      /keyFn must return a single int64 scalar, got int64\[1\]/,
    ],
    [
      'reduceFn without a dataset',
      () => R(5).groupByWindow(key, (k) => k as never, { windowSize: 2 }),
      TypeError,
      /groupByWindow: reduceFn must return a Dataset/,
    ],
    [
      'windowSizeFn with a float',
      () => R(5).groupByWindow(key, batch, { windowSizeFn: () => 2.5 as never }),
      TypeError,
      /windowSizeFn must return a single int64 scalar, got 2.5/,
    ],
  ])('%s', (_name, fn, type, message) => {
    const e = errorOf(fn);
    expect(e).toBeInstanceOf(type);
    expect(e.message).toMatch(message);
  });

  test('a literal key and window size are int64 (as convert_to_tensor(..., int64))', async () => {
    const ds = R(5).groupByWindow(
      () => 7,
      (k, w) => w.batch(5).map((b) => [k, b] as const),
      { windowSizeFn: () => 2 },
    );
    expect(await values(ds)).toEqual([
      [7n, [0n, 1n]],
      [7n, [2n, 3n]],
      [7n, [4n]],
    ]);
  });
});

describe('bucketBySequenceLength', () => {
  const seq = () => R(1, 6).map((n) => tf.rawOp('Range', [0, tf.cast(n, 'int32'), 1])[0] as Sym<'int32'>);
  const len = (x: Sym) => tf.size(x);
  test.each([
    [
      'sizes and boundaries',
      () => seq().bucketBySequenceLength(len, [2, 4], [2, 2]),
      RangeError,
      /bucketBatchSizes must have one more entry than bucketBoundaries, got 2 and 2/,
    ],
    [
      'a batch size of 0',
      () => seq().bucketBySequenceLength(len, [2], [2, 0]),
      RangeError,
      /bucketBatchSizes\[1\] must be in \[1, /,
    ],
    [
      'a fractional boundary',
      () => seq().bucketBySequenceLength(len, [2.5], [2, 2]),
      TypeError,
      /bucketBoundaries\[0\] must be an integer, got 2.5/,
    ],
    [
      'an int64 length (Python: LessEqual int32 vs int64)',
      () => seq().bucketBySequenceLength((x) => tf.cast(tf.size(x), 'int64') as never, [2], [2, 2]),
      TypeError,
      /lengthFn must return an int32 scalar .* got int64\[\]/,
    ],
    [
      'a padded shape of -1 (Python: Dimension -1 must be >= 0)',
      () => seq().bucketBySequenceLength(len, [2], [2, 2], { paddedShapes: [-1] }),
      RangeError,
      /paddedShapes\[0\]\[0\] must be an integer >= 0 or null, got -1/,
    ],
    [
      'a padded shape of another rank',
      () => seq().bucketBySequenceLength(len, [2], [2, 2], { paddedShapes: [3, 3] }),
      TypeError,
      /padded shape \[3, 3\] of component 0 is not compatible with its element shape \[null\]/,
    ],
    [
      'noPadding with padding options',
      () => seq().bucketBySequenceLength(len, [2], [2, 2], { noPadding: true, paddingValues: 1 }),
      TypeError,
      /noPadding takes no paddedShapes, paddingValues or padToBucketBoundary/,
    ],
    [
      'padding a ragged component (Python: padded_batch needs tensors)',
      () =>
        Dataset.fromTensorSlices(
          new RaggedTensor(tensor([1, 2, 3], 'int32'), [tensor([0n, 2n, 3n], 'int64')]),
        ).bucketBySequenceLength((x) => tf.size(x as never), [2], [2, 2]),
      TypeError,
      /component 0 is ragged<int32>\[\?\]; padding applies to dense components only .*noPadding/,
    ],
  ])('%s', (_name, fn, type, message) => {
    const e = errorOf(fn);
    expect(e).toBeInstanceOf(type);
    expect(e.message).toMatch(message);
  });
});
