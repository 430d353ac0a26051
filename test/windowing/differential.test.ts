// Windows, scans and grouping, differential: the same pipelines in Python tf.data 2.21
// (reference.py) and here, compared element by element (dtypes, shapes, values, order): window
// (shift, stride, dropRemainder; tuples and records; flatMap, interleave, map, filter of
// windows; Sym sizes), scan, reduce and getSingleElement (values, and errors by their Python
// class), groupByWindow and bucketBySequenceLength (generator and ragged sources).
import * as path from 'node:path';
import { Dataset, RaggedTensor, Sym, TFError, Tensor, ops as tf, tensor } from '../../lib';
import { EncodedTensor, encodeTensor, expectSameElements, runReference, venvPython } from '../differential/python';
import { PYTHON_ERROR_CLASS, flattenHost } from '../formats/python';
import { I, M } from '../differential/fixtures';

type Reference = Record<string, EncodedTensor[][] | { error: string; class: string; before: number }>;

const LENGTHS = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 0, 6];

function* genSeqs(): Generator<Int32Array> {
  for (const [i, n] of LENGTHS.entries()) yield Int32Array.from({ length: n }, (_, j) => 100 * i + j);
}
function* genRecords(): Generator<{ seq: Tensor; label: bigint }> {
  for (const [i, n] of LENGTHS.entries())
    yield {
      seq: tensor(
        Float32Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? i : Math.floor(k / 2))),
        'float32',
        [n, 2],
      ),
      label: BigInt(i),
    };
}
const seqs = () => Dataset.fromGenerator(genSeqs, { outputSignature: { dtype: 'int32', shape: [null] } });
const records = () =>
  Dataset.fromGenerator(genRecords, {
    outputSignature: { seq: { dtype: 'float32', shape: [null, 2] }, label: { dtype: 'int64', shape: [] } },
  });
const length = (x: Sym) => tf.shape(x).index(0) as Sym<'int32'>;
const RAGGED = new RaggedTensor(tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], 'int32'), [
  tensor([0n, 2n, 3n, 6n, 6n, 10n, 11n, 13n], 'int64'),
]);
const R = Dataset.range;

/** A case gives a dataset (its elements), or a promise of one value (reduce, getSingleElement). */
const CASES: Record<string, () => Dataset<unknown> | Promise<unknown>> = {
  // ---- window ----
  window_flat_map: () =>
    R(7)
      .window(3)
      .flatMap((w) => w.batch(3)),
  window_concatenate: () =>
    R(5)
      .window(2)
      .concatenate(R(3).window(3))
      .flatMap((w) => w.batch(3)),
  window_shift_stride: () =>
    R(12)
      .window(3, { shift: 2, stride: 2 })
      .flatMap((w) => w.batch(3)),
  window_drop: () =>
    R(10)
      .window(4, { shift: 3, dropRemainder: true })
      .flatMap((w) => w.batch(4)),
  window_shift_over_size: () =>
    R(10)
      .window(2, { shift: 3 })
      .flatMap((w) => w.batch(2)),
  window_tuple: () =>
    Dataset.fromTensorSlices([I, M])
      .window(2, { shift: 1, dropRemainder: true })
      .flatMap(([a, b]) => Dataset.zip([a, b]).batch(2)),
  window_record_zip: () =>
    Dataset.fromTensorSlices({ x: M, n: I })
      .window(4, { shift: 2 })
      .flatMap((r) => Dataset.zip(r).batch(4)),
  window_reduce_in_map: () =>
    R(10)
      .window(4, { shift: 2 })
      .map((w) => w.reduce(0n, (s, x) => s.add(x))),
  window_record_reduce: () =>
    Dataset.fromTensorSlices({ x: M, n: I })
      .window(3)
      .map((r) => [
        r.x.reduce(tensor(new Float32Array(4)), (s, x) => s.add(x)),
        r.n.reduce(0, (s, x) => s.add(tf.sum(x))),
      ]),
  window_interleave: () =>
    R(12)
      .window(4)
      .interleave((w) => w.map((x) => x.mul(10n)), { cycleLength: 2, blockLength: 1 }),
  window_map_returns_dataset: () =>
    R(7)
      .window(3)
      .map((w) => w.map((x) => x.mul(2n)))
      .flatMap((d) => d.batch(3)),
  window_filter_by_count: () =>
    R(10)
      .window(4, { shift: 3 })
      .filter((w) =>
        tf.equal(
          w.reduce(0n, (s) => s.add(1n)),
          4n,
        ),
      )
      .flatMap((w) => w.batch(4)),
  window_sym_size: () =>
    R(1, 4).flatMap((n) =>
      R(7)
        .window(n, { shift: n })
        .flatMap((w) => w.batch(4)),
    ),
  window_padded: () =>
    seqs()
      .window(3)
      .flatMap((w) => w.paddedBatch(3, { paddingValues: -1 })),
  window_single_element: () =>
    R(9)
      .window(3)
      .map((w) => w.batch(3).getSingleElement() as unknown as Sym),
  window_cardinality: async () => [tensor(BigInt(await R(10).window(3).cardinality()))],
  // ---- scan ----
  scan_running_sum: () => R(10).scan(0n, (s, x) => [s.add(x), s.add(x)]),
  scan_tuple_state: () =>
    Dataset.fromTensorSlices(M).scan([tensor(0, 'float32'), tensor(0n)], ([sum, n], x) => [
      [sum.add(tf.sum(x)), n.add(1n)],
      { total: sum, twice: n.mul(2n) },
    ]),
  scan_record_state: () =>
    Dataset.fromTensorSlices(I).scan({ lo: 100, hi: -100 }, (s, x) => [
      { lo: tf.minimum(s.lo, tf.min(x)), hi: tf.maximum(s.hi, tf.max(x)) },
      s.hi.sub(s.lo),
    ]),
  scan_sym_state: () => R(3).flatMap((n) => R(4).scan(n.mul(10n), (s, x) => [s.add(x), s])),
  scan_growing_state: () => R(5).scan(tensor(new BigInt64Array(0)), (s, x) => [tf.concat([s, x.reshape([1])], 0), s]),
  // ---- reduce ----
  reduce_sum: () => R(10).reduce(0n, (s, x) => s.add(x)),
  reduce_count: () => Dataset.fromTensorSlices(M).reduce(0, (s) => s.add(1)),
  reduce_record: () =>
    Dataset.fromTensorSlices({ x: M, n: I }).reduce(
      { sum: tensor(new Float32Array(4)), max: -100, count: 0n },
      (s, e) => ({ sum: s.sum.add(e.x), max: tf.maximum(s.max, tf.max(e.n)), count: s.count.add(1n) }),
    ),
  reduce_growing_state: () =>
    R(4).reduce(tensor(new BigInt64Array(0)), (s, x) => tf.concat([s, x.mul(x).reshape([1])], 0)),
  reduce_empty: () => R(0).reduce(7n, (s, x) => s.add(x)),
  reduce_generator: () => seqs().reduce(0, (s, x) => s.add(tf.sum(x))),
  // ---- getSingleElement ----
  single_element: () => Dataset.fromTensors([M, tensor(7n)]).getSingleElement(),
  single_element_batch: () => Dataset.fromTensorSlices({ x: M, n: I }).batch(6).getSingleElement(),
  single_element_empty: () => R(0).getSingleElement(),
  single_element_many: () => R(2).getSingleElement(),
  // ---- groupByWindow ----
  group_parity: () =>
    R(20).groupByWindow(
      (x) => tf.mod(x, 2n),
      (_k, w) => w.batch(4),
      { windowSize: 4 },
    ),
  group_window_size_fn: () =>
    R(30).groupByWindow(
      (x) => tf.mod(x, 3n),
      (k, w) => w.batch(10).map((b) => [k, b] as const),
      { windowSizeFn: (k) => k.add(2n) },
    ),
  group_record: () =>
    Dataset.fromTensorSlices({ x: M, n: I }).groupByWindow(
      (r) => tf.cast(tf.mod(r.n.index(0), 3), 'int64'),
      (_k, w) => w.batch(2),
      { windowSize: 2 },
    ),
  group_reduce_in_window: () =>
    R(17).groupByWindow(
      (x) => tf.mod(x, 4n),
      (k, w) => Dataset.fromTensors([k, w.reduce(0n, (s, x) => s.add(x))]),
      { windowSize: 3 },
    ),
  group_sym_window_size: () =>
    R(1, 4).flatMap((n) =>
      R(7).groupByWindow(
        (x) => tf.mod(x, 2n),
        (_k, w) => w.batch(10),
        { windowSize: n },
      ),
    ),
  group_generator: () =>
    seqs().groupByWindow(
      (x) => tf.cast(tf.mod(tf.size(x), 2), 'int64'),
      (_k, w) => w.paddedBatch(3),
      { windowSize: 3 },
    ),
  // ---- bucketBySequenceLength ----
  bucket_basic: () => seqs().bucketBySequenceLength(length, [3, 6], [2, 3, 2]),
  bucket_boundary: () => seqs().bucketBySequenceLength(length, [2, 5, 10], [3, 2, 2, 1], { padToBucketBoundary: true }),
  bucket_drop: () => seqs().bucketBySequenceLength(length, [3, 6], [2, 3, 2], { dropRemainder: true }),
  bucket_padding_value: () => seqs().bucketBySequenceLength(length, [4], [3, 3], { paddingValues: -7 }),
  bucket_records: () =>
    records().bucketBySequenceLength((r) => length(r.seq), [3, 6], [2, 3, 2], {
      paddedShapes: { seq: [null, 2], label: [] },
      paddingValues: { seq: -1, label: 0n },
    }),
  bucket_records_boundary: () =>
    records().bucketBySequenceLength((r) => length(r.seq), [4, 10], [2, 3, 4], { padToBucketBoundary: true }),
  bucket_fixed_shape: () => seqs().bucketBySequenceLength(length, [4], [2, 2], { paddedShapes: [12] }),
  bucket_ragged_no_padding: () =>
    Dataset.fromTensorSlices(RAGGED).bucketBySequenceLength((x) => length(x as unknown as Sym), [2], [2, 2], {
      noPadding: true,
    }),
  bucket_too_long: () => seqs().bucketBySequenceLength(length, [2, 5], [3, 2, 2], { padToBucketBoundary: true }),
};

/** Our elements (encoded as the reference encodes them), or the error and how many came before. */
async function ours(name: string): Promise<EncodedTensor[][] | { error: unknown; before: number }> {
  const encode = (e: unknown) => flattenHost(e).map(encodeTensor);
  const made = CASES[name]();
  if (!(made instanceof Dataset)) {
    try {
      return [encode(await made)];
    } catch (error) {
      return { error, before: 0 };
    }
  }
  const out: EncodedTensor[][] = [];
  const it = made.iterator();
  try {
    for (;;) {
      const r = await it.next();
      if (r.done) return out;
      out.push(encode(r.value));
    }
  } catch (error) {
    return { error, before: out.length };
  } finally {
    it.close();
  }
}

const skip = process.env.TFDATA_SKIP_PYTHON === '1' && !venvPython();

(skip ? describe.skip : describe)('windows, scans and grouping: tfdata-node vs Python tf.data', () => {
  let reference: Reference;
  beforeAll(() => {
    reference = runReference<Reference>(Object.keys(CASES), {}, path.join(__dirname, 'reference.py'));
  }, 180_000);

  test.each(Object.keys(CASES).map((n) => [n]))('%s', async (name) => {
    const ref = reference[name];
    const mine = await ours(name);
    if (Array.isArray(ref)) {
      if (!Array.isArray(mine)) throw mine.error;
      expectSameElements(name, mine, ref);
      return;
    }
    // Python failed: the same elements before the failure, then a TFError of Python's class.
    expect(Array.isArray(mine)).toBe(false);
    const { error, before } = mine as { error: unknown; before: number };
    expect(error).toBeInstanceOf(TFError);
    const code = (error as TFError).code;
    const classes: Record<string, string> = { ...PYTHON_ERROR_CLASS, INTERNAL: 'InternalError' };
    expect({ name, class: classes[code] ?? code, before }).toEqual({
      name,
      class: ref.class,
      before: ref.before,
    });
    // The message TensorFlow gives (the first line of Python's, past its function-name prefix).
    // TensorFlow's message, up to the node names (which differ: Python names its nodes its way).
    const core = (error as TFError).message.split('\n\t')[0].split(' [x (')[0];
    expect(core.length).toBeGreaterThan(10);
    expect(ref.error).toContain(core);
  });
});
