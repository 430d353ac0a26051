// Compile-time checks of window, scan, reduce, getSingleElement, groupByWindow and
// bucketBySequenceLength (checked by test/types.test.ts with tsc). Each @ts-expect-error line
// must fail to compile; every other line must compile.
import { ComponentSpec, Dataset, DatasetComponentSpec, NestedDataset, Sym, Tensor, tensor, ops as tf } from '../../lib';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(): T => true as T;

const range = Dataset.range(10);
const records = Dataset.fromTensorSlices({ x: new Float32Array(6), n: new Int32Array(6) });

// window's element is a Dataset per component, in the element's structure.
const windows = range.window(3, { shift: 1, stride: 1, dropRemainder: true });
assert<Equal<typeof windows, Dataset<NestedDataset<Sym<'int64'>>>>>();
const recordWindows = records.window(2);
assert<Equal<typeof recordWindows, Dataset<{ x: NestedDataset<Sym<'float32'>>; n: NestedDataset<Sym<'int32'>> }>>>();
assert<Equal<typeof windows.elementSpec, DatasetComponentSpec<ComponentSpec<'int64'>>>>();

// A window is a Dataset: transformed in flatMap, zipped, reduced to Syms in a map.
const _flat = windows.flatMap((w) => w.batch(3));
assert<Equal<typeof _flat, Dataset<Sym<'int64'>>>>();
const _zipped = recordWindows.flatMap((r) => Dataset.zip(r).batch(2));
assert<Equal<typeof _zipped, Dataset<{ x: Sym<'float32'>; n: Sym<'int32'> }>>>();
const _sums = windows.map((w) => w.reduce(0n, (s, x) => s.add(x)));
assert<Equal<typeof _sums, Dataset<Sym<'int64'>>>>();
const _firsts = windows.map((w) => w.take(1).batch(1));
assert<Equal<typeof _firsts, Dataset<Dataset<Sym<'int64'>>>>>();
const _single = windows.map((w) => w.getSingleElement());
assert<Equal<typeof _single, Dataset<Sym<'int64'>>>>();
const _nested = range
  .window(2)
  .window(2)
  .flatMap((ww) => ww.flatMap((w) => w.batch(2)));
assert<Equal<typeof _nested, Dataset<Sym<'int64'>>>>();
// A size may be a Sym inside a callback.
range.flatMap((n) =>
  Dataset.range(5)
    .window(n)
    .flatMap((w) => w.batch(2)),
);

// scan infers the state from initialState, and the output from fn.
const _running = range.scan(0n, (s, x) => {
  assert<Equal<typeof s, Sym<'int64'>>>();
  return [s.add(x), s.mul(2n)];
});
assert<Equal<typeof _running, Dataset<Sym<'int64'>>>>();
const _pairs = records.scan([tensor(0, 'float32'), tensor(0n)], ([sum, count], e) => {
  assert<Equal<typeof sum, Sym<'float32'>>>();
  assert<Equal<typeof count, Sym<'int64'>>>();
  return [[sum.add(e.x), count.add(1n)], { total: sum, n: e.n }];
});
assert<Equal<typeof _pairs, Dataset<{ total: Sym<'float32'>; n: Sym<'int32'> }>>>();

// reduce resolves to the final state as host tensors; getSingleElement to the element.
async function terminal(): Promise<void> {
  const _total = await range.reduce(0n, (s, x) => s.add(x));
  assert<Equal<typeof _total, Tensor<'int64'>>>();
  const _stats = await records.reduce({ sum: tensor(0, 'float32'), count: 0n }, (s, e) => ({
    sum: s.sum.add(tf.sum(e.x)),
    count: s.count.add(1n),
  }));
  assert<Equal<typeof _stats, { sum: Tensor<'float32'>; count: Tensor<'int64'> }>>();
  const _one = await records.batch(6).getSingleElement();
  assert<Equal<typeof _one, { x: Tensor<'float32'>; n: Tensor<'int32'> }>>();
  // Datasets of datasets have no host form.
  const _none = await windows.toArray();
  assert<Equal<typeof _none, never[]>>();
}
void terminal;

// groupByWindow: the window is a Dataset of the element type; the result is reduceFn's.
const _grouped = records.groupByWindow(
  (r) => tf.cast(r.n, 'int64'),
  (key, w) => {
    assert<Equal<typeof w, NestedDataset<{ x: Sym<'float32'>; n: Sym<'int32'> }>>>();
    return w.batch(4).map((b) => [key, b.x] as const);
  },
  { windowSize: 4 },
);
assert<Equal<typeof _grouped, Dataset<readonly [Sym<'int64'>, Sym<'float32'>]>>>();
range.groupByWindow(
  (x) => tf.mod(x, 3n),
  (_k, w) => w.batch(2),
  { windowSizeFn: (k) => k.add(1n) },
);

// bucketBySequenceLength keeps the element type.
const seqs = Dataset.fromGenerator(() => [new Int32Array(3)], { outputSignature: { dtype: 'int32', shape: [null] } });
const _buckets = seqs.bucketBySequenceLength((x) => tf.size(x), [2, 4], [8, 8, 4], { padToBucketBoundary: true });
assert<Equal<typeof _buckets, Dataset<Sym<'int32'>>>>();

// Wrong uses fail to compile.
// @ts-expect-error window size must be a count
range.window('3');
// @ts-expect-error scan's fn returns a pair [newState, output]
range.scan(0n, (s, x) => s.add(x));
// @ts-expect-error the new state keeps the state's dtype
range.scan(0n, (s) => [tf.cast(s, 'int32'), s]);
// @ts-expect-error reduce's new state keeps the state's structure
range.reduce({ a: 0n }, (s) => ({ b: s.a }));
range.groupByWindow(
  // @ts-expect-error a key is an int64 scalar
  (x) => tf.cast(x, 'float32'),
  (_k, w) => w,
  { windowSize: 2 },
);
range.groupByWindow(
  (x) => x,
  // @ts-expect-error reduceFn returns a Dataset
  (k) => k,
  { windowSize: 2 },
);
// @ts-expect-error lengthFn gives an int32 length
seqs.bucketBySequenceLength((x) => tf.cast(tf.size(x), 'int64'), [2], [4, 4]);
