// Host SparseTensor and RaggedTensor, and sparse/ragged components as a dataset describes them.
import { Dataset, RaggedTensor, SparseTensor, encodeExample, ops as tf, tensor } from '../../lib';
import { runPython } from '../differential/python';
import { errorOf } from '../helpers';

const sparse = () =>
  new SparseTensor(tensor([0n, 1n, 2n, 0n], 'int64', [2, 2]), tensor([7, 9], 'int32'), tensor([3n, 2n], 'int64'));

test('SparseTensor: shape, rank, toDense with and without a default', () => {
  const s = sparse();
  expect(s.shape).toEqual([3, 2]);
  expect(s.rank).toBe(2);
  expect(s.dtype).toBe('int32');
  expect(s.toDense().toArray()).toEqual([
    [0, 7],
    [0, 0],
    [9, 0],
  ]);
  expect(s.toDense(-1).toArray()).toEqual([
    [-1, 7],
    [-1, -1],
    [9, -1],
  ]);
  const words = new SparseTensor(tensor([1n], 'int64', [1, 1]), tensor(['b']), tensor([3n], 'int64'));
  expect(words.toDense('?').toArray()).toEqual(['?', 'b', '?']);
  expect(String(s)).toBe('SparseTensor<int32>[3,2] 2 values');
});

test('SparseTensor checks that its parts fit', () => {
  expect(
    errorOf(() => new SparseTensor(tensor([0], 'int32', [1, 1]) as never, tensor([1]), tensor([1n]))),
  ).toBeInstanceOf(TypeError);
  expect(
    errorOf(() => new SparseTensor(tensor([0n, 1n], 'int64', [2, 1]), tensor([1]), tensor([4n], 'int64'))).message,
  ).toMatch(/2 indices for 1 values/);
  expect(
    errorOf(() => new SparseTensor(tensor([0n], 'int64', [1, 1]), tensor([1]), tensor([4n, 4n], 'int64'))).message,
  ).toMatch(/indices have rank 1, denseShape 2/);
});

test('RaggedTensor: rows, shape, nested toArray', () => {
  const r = new RaggedTensor(tensor([1, 2, 3, 4, 5, 6], 'float32'), [
    tensor([0n, 2n, 3n, 4n], 'int64'),
    tensor([0n, 1n, 3n, 4n, 6n], 'int64'),
  ]);
  expect(r.raggedRank).toBe(2);
  expect(r.nrows).toBe(3);
  expect(r.shape).toEqual([3, null, null]);
  expect(r.toArray()).toEqual([[[1], [2, 3]], [[4]], [[5, 6]]]);
  expect(errorOf(() => new RaggedTensor(tensor([1, 2]), [tensor([0n, 3n], 'int64')])).message).toMatch(
    /nestedRowSplits\[0\] ends at 3, not 2/,
  );
  expect(errorOf(() => new RaggedTensor(tensor([1, 2]), [])).message).toMatch(/at least one row-splits Tensor/);
});

test('elementSpec and explain() describe sparse and ragged components', () => {
  const ds = Dataset.tfRecords('x.tfrecord')
    .batch(4)
    .map((s) => tf.parseExample(s, { t: tf.varLenFeature('string'), r: tf.raggedFeature('int64') }));
  expect(ds.elementSpec).toEqual({
    r: { kind: 'ragged', dtype: 'int64', shape: [null, null], raggedRank: 1, rowSplitsDtype: 'int32' },
    t: { kind: 'sparse', dtype: 'string', shape: [null, null] },
  });
  expect(ds.batch(2, { dropRemainder: true }).elementSpec).toEqual({
    r: { kind: 'ragged', dtype: 'int64', shape: [2, null, null], raggedRank: 2, rowSplitsDtype: 'int32' },
    t: { kind: 'sparse', dtype: 'string', shape: [2, null, null] },
  });
  // Parsed records are keyed as Python's parse_example keys them: sparse, dense, then ragged features.
  expect(ds.unbatch().explain().split('\n')[0]).toBe(
    'UnbatchDataset() -> { t: sparse<string>[?], r: ragged<int64>[?] }',
  );
});

test("parsed records have Python's key order (sparse, dense, ragged; each sorted)", async () => {
  const [parsed] = await Dataset.fromTensorSlices([Buffer.from(encodeExample({}))])
    .map((s) =>
      tf.parseSingleExample(s, {
        z: tf.fixedLenFeature([], 'int64', 0n),
        t: tf.varLenFeature('string'),
        r: tf.raggedFeature('int64'),
        b: tf.varLenFeature('int64'),
        a: tf.fixedLenFeature([], 'int64', 0n),
        q: tf.raggedFeature('int64'),
      }),
    )
    .toArray();
  const theirs = runPython(`
ex = tf.train.Example().SerializeToString()
fixed = tf.io.FixedLenFeature([], tf.int64, default_value=0)
spec = {"z": fixed, "t": tf.io.VarLenFeature(tf.string), "r": tf.io.RaggedFeature(tf.int64),
        "b": tf.io.VarLenFeature(tf.int64), "a": fixed, "q": tf.io.RaggedFeature(tf.int64)}
print(json.dumps(list(tf.io.parse_single_example(ex, spec))))`);
  expect(Object.keys(parsed)).toEqual(theirs);
});

test('a SparseTensor iterated from a source is a copy: editing the host value later changes nothing', async () => {
  const s = sparse();
  const ds = Dataset.fromTensors(s);
  (s.values.data as Int32Array)[0] = 100;
  const [out] = await ds.toArray();
  expect(out.values.toArray()).toEqual([7, 9]);
});

test('map returns sparse and ragged values; batch of them', async () => {
  const out = await Dataset.fromTensors(sparse())
    .repeat(3)
    .map((sp) => ({ sp, dense: tf.sparseToDense(sp) }))
    .batch(2)
    .toArray();
  expect(out.map((e) => e.sp.shape)).toEqual([
    [2, 3, 2],
    [1, 3, 2],
  ]);
  expect(out[1].dense.toArray()).toEqual([
    [
      [0, 7],
      [0, 0],
      [9, 0],
    ],
  ]);
});
