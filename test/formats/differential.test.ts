// Data formats, differential: Python writes the files (TFRecords of Examples and
// SequenceExamples, GZIP, CSV, images, fixed-length records) with its own writers, and the same
// pipelines run here and in Python tf.data 2.21; elements are compared one by one (dtypes,
// shapes, values, order), sparse and ragged components part by part.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  Dataset,
  RaggedPartition,
  RaggedTensor,
  SparseTensor,
  Tensor,
  encodeExample,
  ops as tf,
  tensor,
} from '../../lib';
import { Reference, encodeTensor, expectSame, flattenHost, runFormatsReference } from './python';

const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'tfdata-formats-'));
const p = (name: string) => path.join(DIR, name);
afterAll(() => fs.rmSync(DIR, { recursive: true, force: true }));

const FIXED = {
  id: tf.fixedLenFeature([], 'int64'),
  x: tf.fixedLenFeature([3], 'float32'),
  name: tf.fixedLenFeature([], 'string'),
  opt: tf.fixedLenFeature([2], 'int64', [-1, -2]),
};
const VAR = {
  tags: tf.varLenFeature('string'),
  vals: tf.varLenFeature('float32'),
  id: tf.fixedLenFeature([], 'int64'),
};
const RAGGED = {
  ints: tf.raggedFeature('int64'),
  v: tf.raggedFeature('float32', { valueKey: 'vals', rowSplitsDtype: 'int64' }),
};
const SEQ = { seq: tf.fixedLenSequenceFeature([2], 'float32', { allowMissing: true, defaultValue: 9 }) };

const SPARSE = new SparseTensor(
  tensor([0n, 0n, 1n, 2n, 3n, 1n, 3n, 2n], 'int64', [4, 2]),
  tensor([1.5, 2.5, 3.5, 4.5], 'float32'),
  tensor([5n, 3n], 'int64'),
);
const RAGGED_HOST = new RaggedTensor(tensor([1n, 2n, 3n, 4n, 5n, 6n], 'int64'), [
  tensor([0n, 2n, 3n, 4n], 'int64'),
  tensor([0n, 1n, 3n, 4n, 6n], 'int64'),
]);

const PARTITIONS: Record<string, RaggedPartition[]> = {
  lengths: [{ rowLengths: 'lens' }],
  splits: [{ rowSplits: 'splits' }],
  starts: [{ rowStarts: 'starts' }],
  limits: [{ rowLimits: 'limits' }],
  uniform: [{ uniformRowLength: 2 }],
  nested: [{ rowLengths: 'outer_lens' }, { rowLengths: 'lens' }],
  pairs: [{ rowLengths: 'pair_lens' }, { uniformRowLength: 2 }],
  rowids: [{ valueRowIds: 'rowids' }],
  rowids_nested: [{ rowLengths: 'tri_lens' }, { valueRowIds: 'rowids' }],
};

const records = (name = 'examples.tfrecord') => Dataset.tfRecords(p(name));

// Rows with a sparse [4, 4] and a ragged [2, null] component of varying sizes, and a scalar.
function* compositeRows() {
  for (let i = 1; i <= 4; i++) {
    const values = tensor(
      Array.from({ length: i }, (_, j) => j + 10 * i),
      'float32',
    );
    const cells = Array.from({ length: i }, (_, j) => [BigInt(j), BigInt((j * i) % 4)]);
    yield {
      s: new SparseTensor(tensor(cells, 'int64', [i, 2]), values, tensor([4n, 4n])),
      r: new RaggedTensor(values, [tensor([0n, BigInt(i > 1 ? 1 : 0), BigInt(i)])]),
      n: i,
    };
  }
}
const COMPOSITE_SIGNATURE = {
  s: { kind: 'sparse', dtype: 'float32', shape: [4, 4] },
  r: { kind: 'ragged', dtype: 'float32', shape: [2, null] },
  n: { dtype: 'int32', shape: [] },
} as const;

export const CASES: Record<string, () => Dataset<unknown>> = {
  example_fixed: () =>
    records()
      .batch(4)
      .map((s) => tf.parseExample(s, FIXED)),
  example_single: () => records().map((s) => tf.parseSingleExample(s, FIXED)),
  example_varlen: () =>
    records()
      .batch(3)
      .map((s) => tf.parseExample(s, VAR)),
  example_varlen_single_batch: () =>
    records()
      .map((s) => tf.parseSingleExample(s, VAR))
      .batch(4),
  example_varlen_unbatch: () =>
    records()
      .batch(3)
      .map((s) => tf.parseExample(s, VAR))
      .unbatch(),
  example_ragged: () =>
    records()
      .batch(4)
      .map((s) => tf.parseExample(s, RAGGED)),
  example_ragged_single: () => records().map((s) => tf.parseSingleExample(s, RAGGED)),
  example_ragged_batch: () =>
    records()
      .batch(3)
      .map((s) => tf.parseExample(s, RAGGED))
      .batch(2),
  example_ragged_unbatch: () =>
    records()
      .batch(4)
      .map((s) => tf.parseExample(s, RAGGED))
      .unbatch(),
  example_to_dense: () =>
    records()
      .batch(4)
      .map((s) => tf.parseExample(s, { ...RAGGED, tags: VAR.tags }))
      .map((e) => [tf.raggedToDense(e.ints, -1n), tf.raggedToDense(e.v), tf.sparseToDense(e.tags, '?')]),
  example_sequence_feature: () =>
    records()
      .batch(5)
      .map((s) => tf.parseExample(s, SEQ)),
  example_gzip: () =>
    Dataset.tfRecords(p('examples.tfrecord.gz'), { compression: 'GZIP' })
      .batch(4)
      .map((s) => tf.parseExample(s, { ...FIXED, ...VAR })),
  example_sparse_map: () =>
    records()
      .batch(3)
      .map((s) => tf.parseExample(s, VAR))
      .map((e) => [tf.sparseToDense(e.vals), e.tags]),
  sequence_example: () =>
    records('sequence.tfrecord').map((s) =>
      tf.parseSingleSequenceExample(
        s,
        { len: tf.fixedLenFeature([], 'int64'), label: tf.fixedLenFeature([], 'string') },
        { tok: tf.varLenFeature('int64'), emb: tf.fixedLenSequenceFeature([2], 'float32') },
      ),
    ),
  sequence_example_batch: () =>
    records('sequence.tfrecord')
      .batch(4)
      .map((s) =>
        tf.parseSequenceExample(
          s,
          { len: tf.fixedLenFeature([], 'int64') },
          { tok: tf.raggedFeature('int64'), emb: tf.fixedLenSequenceFeature([2], 'float32') },
        ),
      ),
  csv_header: () =>
    Dataset.csv(p('data.csv'), {
      recordDefaults: ['int32', tensor(-1, 'float32'), 'string', 0n],
      header: true,
      naValue: 'NA',
    }),
  csv_select: () =>
    Dataset.csv(p('data.csv'), { recordDefaults: ['string', 0n], header: true, selectCols: [2, 3], naValue: 'NA' }),
  csv_crlf: () => Dataset.csv(p('crlf.csv'), { columnTypes: ['int32', 'string', 'float64'], header: true }),
  csv_delim_noquote: () =>
    Dataset.csv(p('semi.csv'), { columnTypes: ['int64', 'string', 'float32'], fieldDelim: ';', useQuoteDelim: false }),
  csv_gzip: () =>
    Dataset.csv(p('data.csv.gz'), {
      columnTypes: ['int32', 'float32', 'string', 'int32'],
      header: true,
      compression: 'GZIP',
    }),
  decode_csv: () =>
    Dataset.textLines(p('crlf.csv'))
      .skip(1)
      .map((l) => tf.decodeCsv(tf.regexReplace(l, '\r$', ''), [0, '', tensor(0, 'float32')])),
  list_files: () => Dataset.listFiles(p('images/*'), { shuffle: false }),
  list_files_seeded: () =>
    Dataset.listFiles([p('images/*.png'), p('images/*.jpg'), p('*.csv')], { shuffle: true, seed: 42 }),
  decode_image: () =>
    Dataset.listFiles(p('images/*'), { shuffle: false }).map((f) => tf.decodeImage(tf.readFile(f), { channels: 3 })),
  decode_image_flat: () =>
    Dataset.listFiles(p('images/*'), { shuffle: false }).map((f) =>
      tf.decodeImage(tf.readFile(f), { expandAnimations: false }),
    ),
  decode_raw: () =>
    Dataset.fixedLengthRecords(p('fixed.bin'), 6, { headerBytes: 4, footerBytes: 2 }).map((r) => [
      tf.decodeRaw(r, 'uint8'),
      tf.decodeRaw(r, 'int16'),
      tf.decodeRaw(r, 'uint16', { littleEndian: false }),
    ]),
  fixed_length_zlib: () =>
    Dataset.fixedLengthRecords(p('fixed.bin.gz'), 6, { headerBytes: 4, footerBytes: 2, compression: 'ZLIB' }),
  base64: () =>
    Dataset.textLines(p('lines.txt')).map((l) => [
      tf.decodeBase64(l),
      tf.encodeBase64(tf.decodeBase64(l)),
      tf.encodeBase64(l, { pad: true }),
    ]),
  decode_compressed: () =>
    Dataset.fromTensorSlices([p('data.csv.gz')]).map((f) =>
      tf.stringSplit(tf.decodeCompressed(tf.readFile(f), 'GZIP'), '\n'),
    ),
  tfrecords_of_filenames: () =>
    Dataset.tfRecords(Dataset.fromTensorSlices([p('examples.tfrecord'), p('examples.tfrecord.gz')]).take(1)),
  // Datasets of filenames, as Python's file readers take them (read in order, or several at once).
  fixed_length_of_filenames: () =>
    Dataset.fixedLengthRecords(Dataset.fromTensorSlices([p('fixed.bin'), p('fixed.bin')]), 6, {
      headerBytes: 4,
      footerBytes: 2,
    }),
  text_lines_parallel_reads: () =>
    Dataset.textLines(Dataset.fromTensorSlices([p('lines.txt'), p('crlf.csv'), p('lines.txt')]), {
      numParallelReads: 2,
    }),
  tfrecords_parallel_reads: () =>
    Dataset.tfRecords(Dataset.fromTensorSlices([p('examples.tfrecord'), p('examples.tfrecord')]), {
      numParallelReads: 2,
    }),
  sparse_slices: () => Dataset.fromTensorSlices(SPARSE).batch(2),
  sparse_from_tensors: () => Dataset.fromTensors(SPARSE).repeat(2).batch(2),
  ragged_slices: () => Dataset.fromTensorSlices(RAGGED_HOST).batch(2),
  ragged_from_tensors: () => Dataset.fromTensors(RAGGED_HOST),
  // Sparse and ragged components yielded by a generator (Python: SparseTensorSpec / RaggedTensorSpec).
  generator_composites: () => Dataset.fromGenerator(compositeRows, { outputSignature: COMPOSITE_SIGNATURE }),
  generator_composites_batched: () =>
    Dataset.fromGenerator(compositeRows, { outputSignature: COMPOSITE_SIGNATURE }).shuffle(4, { seed: 2 }).batch(2),
  sparse_flat_map: () =>
    records()
      .batch(3)
      .map((s) => tf.parseExample(s, VAR))
      .flatMap((e) => Dataset.fromTensorSlices(e.vals)),
  composite_concatenate: () =>
    records()
      .batch(3)
      .map((s) => tf.parseExample(s, VAR))
      .concatenate(
        Dataset.tfRecords(p('examples.tfrecord.gz'), { compression: 'GZIP' })
          .map((s) => tf.parseSingleExample(s, VAR))
          .batch(4),
      ),
  composite_pipeline: () =>
    records()
      .batch(2)
      .map((s) => tf.parseExample(s, { ...VAR, r: tf.raggedFeature('int64', { valueKey: 'ints' }) }))
      .filter((e) => tf.size(e.vals.values).greater(1))
      .shuffle(10, { seed: 3 })
      .cache()
      .repeat(2)
      .batch(2),
  ...Object.fromEntries(
    Object.entries(PARTITIONS).flatMap(([kind, partitions]) => {
      const spec = { r: tf.raggedFeature('float32', { valueKey: 'vals', partitions, rowSplitsDtype: 'int64' }) };
      return [
        [
          `partition_${kind}`,
          () =>
            records('partitioned.tfrecord')
              .batch(3)
              .map((s) => tf.parseExample(s, spec)),
        ],
        [`partition_${kind}_single`, () => records('partitioned.tfrecord').map((s) => tf.parseSingleExample(s, spec))],
      ];
    }),
  ),
};

// Cases that need the fixtures before they can be built (they read the files on the host).
const ASYNC_CASES: Record<string, () => Promise<Dataset<unknown>>> = {
  csv_make: () => Dataset.makeCsvDataset(p('infer.csv'), 5, { labelName: 'label', shuffle: false, numEpochs: 1 }),
  csv_make_select: () =>
    Dataset.makeCsvDataset(p('data.csv'), 2, {
      selectColumns: ['id', 'name'],
      shuffle: false,
      numEpochs: 1,
      naValue: 'NA',
    }),
  csv_make_shuffle: () =>
    Dataset.makeCsvDataset(p('infer.csv'), 4, { shuffle: true, shuffleSeed: 5, shuffleBufferSize: 12, numEpochs: 2 }),
};

let reference: Reference;
beforeAll(() => {
  reference = runFormatsReference(DIR, [...Object.keys(CASES), ...Object.keys(ASYNC_CASES)], true);
}, 120_000);

describe.each([...Object.keys(CASES), ...Object.keys(ASYNC_CASES)])('%s', (name) => {
  test('same elements as Python', async () => {
    const ds = name in CASES ? CASES[name]() : await ASYNC_CASES[name]();
    const elements = await ds.toArray();
    expectSame(
      name,
      elements.map((e) => flattenHost(e).map(encodeTensor)),
      reference[name],
    );
  });
});

test("encodeExample: byte-identical to Python's SerializeToString(deterministic=True)", () => {
  const python = (JSON.parse(fs.readFileSync(p('encode.json'), 'utf8')) as string[]).map((b) =>
    Buffer.from(b, 'base64').toString('hex'),
  );
  const ours = [
    encodeExample({ a: 1, b: [1.5, -2.0], c: Buffer.from('hello') }),
    encodeExample({
      ints: { int64List: [0, -1, 2 ** 40, -(2n ** 63n)] },
      empty_f: { floatList: [] },
      s: ['', Uint8Array.of(0, 255)],
    }),
    encodeExample({ z: 3.25, y: [7], x: ['one', 'two'] }),
  ].map((b) => Buffer.from(b).toString('hex'));
  expect(ours).toEqual(python);
});

test('writeTFRecords: Python reads the file back (GZIP), and so do we', async () => {
  const file = p('written.tfrecord.gz');
  const values = [3n, -7n, 2n ** 40n];
  await Dataset.fromTensorSlices(
    tensor(
      values.map((v) => encodeExample({ v })),
      'string',
    ),
  ).writeTFRecords(file, {
    compression: 'GZIP',
  });
  const theirs = runFormatsReference(DIR, ['written_tfrecords'], false).written_tfrecords;
  const mine = await Dataset.tfRecords(file, { compression: 'GZIP' })
    .map((s) => tf.parseSingleExample(s, { v: tf.fixedLenFeature([], 'int64') }))
    .toArray();
  expectSame(
    'written_tfrecords',
    mine.map((e) => flattenHost(e).map(encodeTensor)),
    theirs,
  );
  expect(mine.map((e) => (e.v as Tensor<'int64'>).get())).toEqual(values);
});
