// Compile-time checks of the data-format API (checked by test/formats/types.test.ts with tsc).
// Each @ts-expect-error line must fail to compile; every other line must compile.
import {
  Dataset,
  RaggedSym,
  RaggedTensor,
  SparseSym,
  SparseTensor,
  Sym,
  Tensor,
  encodeExample,
  ops as tf,
  tensor,
} from '../../lib';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(): T => true as T;

const features = {
  image: tf.fixedLenFeature([], 'string'),
  label: tf.fixedLenFeature([], 'int64', 0),
  score: tf.fixedLenFeature([3], 'float32'),
  tags: tf.varLenFeature('string'),
  words: tf.raggedFeature('int64'),
  steps: tf.fixedLenSequenceFeature([2], 'float32', { allowMissing: true }),
};

// parseExample's record: keys and dtypes from the spec; varLen → SparseSym, ragged → RaggedSym.
const parsed = Dataset.tfRecords('train.tfrecord')
  .batch(32)
  .map((s) => {
    const e = tf.parseExample(s, features);
    assert<Equal<typeof e.image, Sym<'string'>>>();
    assert<Equal<typeof e.label, Sym<'int64'>>>();
    assert<Equal<typeof e.score, Sym<'float32'>>>();
    assert<Equal<typeof e.tags, SparseSym<'string'>>>();
    assert<Equal<typeof e.words, RaggedSym<'int64'>>>();
    assert<Equal<typeof e.steps, Sym<'float32'>>>();
    // @ts-expect-error the spec has no 'missing'
    void e.missing;
    return e;
  });

// Iteration: SparseTensor and RaggedTensor host values.
async function iterate(): Promise<void> {
  for await (const e of parsed) {
    assert<Equal<typeof e.tags, SparseTensor<'string'>>>();
    assert<Equal<typeof e.words, RaggedTensor<'int64'>>>();
    assert<Equal<typeof e.label, Tensor<'int64'>>>();
    const dense: Tensor<'string'> = e.tags.toDense();
    void dense;
  }
}
void iterate;

// elementSpec of a sparse component says so.
type Spec = typeof parsed.elementSpec;
assert<Equal<Spec['tags']['kind'], 'sparse'>>();
assert<Equal<Spec['words']['raggedRank'], number>>();

// parseSingleExample: a ragged feature is a dense 1-D Sym.
Dataset.tfRecords('x').map((s) => {
  const e = tf.parseSingleExample(s, { w: tf.raggedFeature('float32'), v: tf.varLenFeature('int64') });
  assert<Equal<typeof e.w, Sym<'float32'>>>();
  assert<Equal<typeof e.v, SparseSym<'int64'>>>();
  return [tf.sparseToDense(e.v), e.w];
});

// Partitions: single examples are ragged when a partition cuts rows, dense with uniform ones only.
Dataset.tfRecords('x').map((s) => {
  const e = tf.parseSingleExample(s, {
    cut: tf.raggedFeature('float32', { valueKey: 'v', partitions: [{ rowLengths: 'lens' }] }),
    pairs: tf.raggedFeature('float32', { valueKey: 'v', partitions: [{ uniformRowLength: 2 }] }),
  });
  assert<Equal<typeof e.cut, RaggedSym<'float32'>>>();
  assert<Equal<typeof e.pairs, Sym<'float32'>>>();
  return e.pairs;
});
// @ts-expect-error a partition names its kind
tf.raggedFeature('int64', { partitions: [{ rowIds: 'x' }] });

// parseSequenceExample: [context, featureLists, lengths].
Dataset.tfRecords('x')
  .batch(4)
  .map((s) => {
    const [context, lists, lengths] = tf.parseSequenceExample(
      s,
      { n: tf.fixedLenFeature([], 'int64') },
      { tok: tf.raggedFeature('int64'), emb: tf.fixedLenSequenceFeature([2], 'float32') },
    );
    assert<Equal<typeof context.n, Sym<'int64'>>>();
    assert<Equal<typeof lists.tok, RaggedSym<'int64'>>>();
    assert<Equal<typeof lengths.emb, Sym<'int64'>>>();
    // @ts-expect-error lengths only exist for fixedLenSequenceFeatures
    void lengths.tok;
    return [context.n, tf.raggedToDense(lists.tok)];
  });

// CSV: a tuple of columns typed from the defaults.
const rows = Dataset.csv('data.csv', { recordDefaults: ['int32', 0n, '', tensor(0, 'float64')], header: true });
rows.map((cols) => {
  assert<Equal<(typeof cols)[0], Sym<'int32'>>>();
  assert<Equal<(typeof cols)[1], Sym<'int64'>>>();
  assert<Equal<(typeof cols)[2], Sym<'string'>>>();
  assert<Equal<(typeof cols)[3], Sym<'float64'>>>();
  return cols[0];
});
Dataset.textLines('x').map((l) => {
  const cols = tf.decodeCsv(l, ['float32', 'string']);
  assert<Equal<(typeof cols)[0], Sym<'float32'>>>();
  assert<Equal<(typeof cols)[1], Sym<'string'>>>();
  return cols[0];
});
async function csvConvenience(): Promise<void> {
  const withLabel = await Dataset.makeCsvDataset('*.csv', 32, { labelName: 'y' });
  withLabel.map((e) => {
    assert<Equal<(typeof e)[0], Record<string, Sym>>>();
    assert<Equal<(typeof e)[1], Sym>>();
    return e[1];
  });
}
void csvConvenience;

// Files and decoders.
Dataset.listFiles('images/*.jpg', { seed: 1 }).map((f) => {
  const img = tf.decodeImage(tf.readFile(f), { channels: 3, expandAnimations: false });
  assert<Equal<typeof img, Sym<'uint8'>>>();
  const f32 = tf.decodeImage(tf.readFile(f), { dtype: 'float32' });
  assert<Equal<typeof f32, Sym<'float32'>>>();
  const raw = tf.decodeRaw(tf.readFile(f), 'int16');
  assert<Equal<typeof raw, Sym<'int16'>>>();
  return [img, f32, raw];
});
Dataset.tfRecords(Dataset.listFiles('*.tfrecord'), { numParallelReads: 4 });
Dataset.fixedLengthRecords('x.bin', 3073, { headerBytes: 0 }).map((r) => tf.decodeRaw(r, 'uint8'));
const bytes: Uint8Array = encodeExample({ label: 3, score: [0.5, 1.5], name: 'a', ids: { int64List: [1, 2n] } });
void bytes;
void Dataset.fromTensorSlices(tensor([bytes], 'string')).writeTFRecords('out.tfrecord', { compression: 'GZIP' });

// Wrong uses fail to compile.
// @ts-expect-error Examples hold float32, int64 or string
tf.fixedLenFeature([], 'int32');
// @ts-expect-error a string default for an int64 feature
tf.fixedLenFeature([], 'int64', 'x');
// @ts-expect-error compression is '', 'GZIP' or 'ZLIB'
Dataset.tfRecords('x', { compression: 'BZIP2' });
// @ts-expect-error decodeImage's dtype is uint8, uint16 or float32
Dataset.tfRecords('x').map((s) => tf.decodeImage(s, { dtype: 'int32' }));
// @ts-expect-error encodeExample takes feature values, not objects
encodeExample({ a: { b: 1 } });
// @ts-expect-error a Dataset of numbers is not filenames
Dataset.tfRecords(Dataset.range(3));
