// Data formats, bad input: each fails at the element where Python's tf.data fails, with the same
// TensorFlow error (our TFError's code ↔ Python's error class) and the op TensorFlow names;
// ignoreErrors() drops those elements as Python's ignore_errors() does. Bad arguments are
// TypeErrors/RangeErrors that name the argument, raised when the pipeline is defined.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Dataset, TFError, encodeExample, ops as tf, tensor } from '../../lib';
import { errorOf } from '../helpers';
import { PYTHON_ERROR_CLASS, Reference, encodeTensor, expectSame, flattenHost, runFormatsReference } from './python';

const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'tfdata-format-errors-'));
const p = (name: string) => path.join(DIR, name);
afterAll(() => fs.rmSync(DIR, { recursive: true, force: true }));

const ID = { id: tf.fixedLenFeature([], 'int64') };

/** Each bad input, with the op TensorFlow names in the error. */
const BAD: Record<string, [() => Dataset<unknown>, string]> = {
  err_corrupt_record: [() => Dataset.tfRecords(p('corrupt.tfrecord')), 'next'],
  err_missing_feature: [
    () => Dataset.tfRecords(p('missing.tfrecord')).map((s) => tf.parseSingleExample(s, ID)),
    'ParseExampleV2',
  ],
  err_wrong_type: [
    () => Dataset.tfRecords(p('bad_type.tfrecord')).map((s) => tf.parseSingleExample(s, ID)),
    'ParseExampleV2',
  ],
  err_wrong_type_varlen: [
    () =>
      Dataset.tfRecords(p('bad_type.tfrecord'))
        .batch(2)
        .map((s) => tf.parseExample(s, { id: tf.varLenFeature('int64') })),
    'ParseExampleV2',
  ],
  err_csv_fields: [() => Dataset.csv(p('bad.csv'), { columnTypes: ['int32', 'int32', 'int32'] }), 'next'],
  err_decode_csv_fields: [() => Dataset.textLines(p('bad.csv')).map((l) => tf.decodeCsv(l, [0, 0, 0])), 'DecodeCSV'],
  err_truncated_image: [
    () => Dataset.fromTensorSlices([p('truncated.jpg')]).map((f) => tf.decodeImage(tf.readFile(f))),
    'DecodeImage',
  ],
  err_not_an_image: [
    () => Dataset.fromTensorSlices([p('data.csv')]).map((f) => tf.decodeImage(tf.readFile(f))),
    'DecodeImage',
  ],
  err_no_files: [() => Dataset.listFiles(p('nothing*')), 'Assert'],
};

const IGNORED: Record<string, () => Dataset<unknown>> = {
  csv_ignore_errors: () => Dataset.csv(p('bad.csv'), { columnTypes: ['int32', 'int32', 'int32'] }).ignoreErrors(),
  images_ignore_errors: () =>
    Dataset.listFiles(p('images/*'), { shuffle: false })
      .concatenate(Dataset.fromTensorSlices([p('truncated.jpg'), p('data.csv')]))
      .map((f) => tf.decodeImage(tf.readFile(f), { channels: 3 }))
      .ignoreErrors(),
};
const IGNORED_ASYNC: Record<string, () => Promise<Dataset<unknown>>> = {
  csv_make_ignore_errors: () =>
    Dataset.makeCsvDataset(p('bad.csv'), 2, {
      columnNames: ['a', 'b', 'c'],
      columnDefaults: ['int32', 'int32', 'int32'],
      header: false,
      shuffle: false,
      numEpochs: 1,
      ignoreErrors: true,
    }),
};

let reference: Reference;
beforeAll(() => {
  reference = runFormatsReference(
    DIR,
    [...Object.keys(BAD), ...Object.keys(IGNORED), ...Object.keys(IGNORED_ASYNC)],
    true,
  );
}, 120_000);

describe.each(Object.keys(BAD))('%s', (name) => {
  test("fails where Python does, with TensorFlow's code and op", async () => {
    const theirs = reference[name];
    if (Array.isArray(theirs)) throw new Error(`${name}: Python did not fail`);
    const [make, op] = BAD[name];
    let before = 0;
    let failure: unknown;
    try {
      for await (const _ of make()) before++;
    } catch (e) {
      failure = e;
    }
    expect(failure).toBeInstanceOf(TFError);
    const e = failure as TFError;
    expect({ name, class: PYTHON_ERROR_CLASS[e.code], before }).toEqual({
      name,
      class: theirs.class,
      before: theirs.before,
    });
    expect(e.op).toBe(op);
  });
});

describe.each([...Object.keys(IGNORED), ...Object.keys(IGNORED_ASYNC)])('%s', (name) => {
  test('ignoreErrors keeps what Python keeps', async () => {
    const elements = await (name in IGNORED ? IGNORED[name]() : await IGNORED_ASYNC[name]()).toArray();
    expectSame(
      name,
      elements.map((e) => flattenHost(e).map(encodeTensor)),
      reference[name],
    );
  });
});

test('messages say what is wrong', async () => {
  const missing = await Dataset.tfRecords(p('missing.tfrecord'))
    .map((s) => tf.parseSingleExample(s, ID))
    .toArray()
    .catch((e: Error) => e);
  expect((missing as Error).message).toMatch(/Feature: id \(data type: int64\) is required but could not be found/);
  const fields = await Dataset.csv(p('bad.csv'), { columnTypes: ['int32', 'int32', 'int32'] })
    .toArray()
    .catch((e: Error) => e);
  expect((fields as Error).message).toMatch(/Expect 3 fields but have 2/);
  const corrupt = await Dataset.tfRecords(p('corrupt.tfrecord'))
    .toArray()
    .catch((e: Error) => e);
  expect((corrupt as TFError).code).toBe('DATA_LOSS');
  expect((corrupt as Error).message).toMatch(/corrupted record/);
});

describe('bad arguments are TypeErrors or RangeErrors naming the argument', () => {
  const inMap = (fn: (s: never) => unknown) => () => Dataset.fromTensorSlices(['x']).map(fn as never);
  test.each([
    [
      'parseExample of a scalar',
      inMap((s) => tf.parseExample(s, ID)),
      TypeError,
      /parseExample: serialized must be a vector/,
    ],
    [
      'parseSingleExample of a vector',
      () => Dataset.fromTensorSlices([['x']]).map((s) => tf.parseSingleExample(s, ID)),
      TypeError,
      /parseSingleExample: serialized must be a scalar/,
    ],
    ['no features', inMap((s) => tf.parseSingleExample(s, {})), TypeError, /at least one feature/],
    [
      'a feature that is not a spec',
      inMap((s) => tf.parseSingleExample(s, { a: 'int64' } as never)),
      TypeError,
      /feature 'a' must be a feature spec/,
    ],
    [
      'an Example dtype',
      () => tf.fixedLenFeature([], 'int32' as never),
      TypeError,
      /fixedLenFeature: dtype must be 'float32', 'int64' or 'string'/,
    ],
    [
      'a shape',
      () => tf.fixedLenFeature([-1], 'int64'),
      TypeError,
      /fixedLenFeature: shape must be an array of integers >= 0/,
    ],
    [
      'a default of the wrong size',
      inMap((s) => tf.parseSingleExample(s, { a: tf.fixedLenFeature([2], 'int64', [1, 2, 3]) })),
      RangeError,
      /feature 'a': defaultValue has 3 values; shape \[2\] needs 2/,
    ],
    [
      'a sequence feature without allowMissing',
      inMap((s) => tf.parseSingleExample(s, { a: tf.fixedLenSequenceFeature([], 'int64') })),
      TypeError,
      /needs allowMissing: true/,
    ],
    [
      'varLen and ragged on one key',
      inMap((s) =>
        tf.parseSingleExample(s, { a: tf.varLenFeature('int64'), b: tf.raggedFeature('int64', { valueKey: 'a' }) }),
      ),
      TypeError,
      /'a' is read both as a varLenFeature and a raggedFeature/,
    ],
    [
      'csv without columns',
      () => Dataset.csv('x.csv', {} as never),
      TypeError,
      /csv: recordDefaults \(or columnTypes\) must be a non-empty array/,
    ],
    [
      'csv with a bad default',
      () => Dataset.csv('x.csv', { recordDefaults: [true as never] }),
      TypeError,
      /csv: column 0: a default must be/,
    ],
    [
      'csv with a long delimiter',
      () => Dataset.csv('x.csv', { columnTypes: ['int32'], fieldDelim: '::' }),
      TypeError,
      /csv: fieldDelim must be one character/,
    ],
    [
      'csv selectCols out of order',
      () => Dataset.csv('x.csv', { columnTypes: ['int32', 'int32'], selectCols: [3, 1] }),
      RangeError,
      /csv: selectCols must be strictly increasing/,
    ],
    [
      'decodeCsv without defaults',
      inMap((s) => tf.decodeCsv(s, [])),
      TypeError,
      /decodeCsv: recordDefaults must be a non-empty array/,
    ],
    [
      'a compression',
      () => Dataset.tfRecords('x', { compression: 'BZIP2' as never }),
      TypeError,
      /compression must be '', 'GZIP' or 'ZLIB'/,
    ],
    ['filenames', () => Dataset.tfRecords([]), TypeError, /tfRecords: filenames must be non-empty strings/],
    [
      'a Dataset of numbers as filenames',
      () => Dataset.tfRecords(Dataset.range(3) as never),
      TypeError,
      /tfRecords: a Dataset of filenames must have string scalar elements, got int64\[\]/,
    ],
    [
      'numParallelReads with a list',
      () => Dataset.tfRecords(['a'], { numParallelReads: 2 }),
      TypeError,
      /numParallelReads applies to a Dataset of filenames/,
    ],
    ['listFiles patterns', () => Dataset.listFiles([]), TypeError, /listFiles: patterns must be a non-empty string/],
    ['listFiles seed', () => Dataset.listFiles('*', { seed: -1 }), RangeError, /listFiles: seed must be >= 0/],
    [
      'recordBytes',
      () => Dataset.fixedLengthRecords('x', 0),
      RangeError,
      /fixedLengthRecords: recordBytes must be >= 1/,
    ],
    [
      'decodeImage channels',
      inMap((s) => tf.decodeImage(s, { channels: 2 as never })),
      RangeError,
      /decodeImage: channels must be 0, 1, 3 or 4/,
    ],
    ['decodeRaw dtype', inMap((s) => tf.decodeRaw(s, 'string' as never)), TypeError, /decodeRaw: dtype must be one of/],
    [
      'decodeCompressed type',
      inMap((s) => tf.decodeCompressed(s, 'LZ4' as never)),
      TypeError,
      /decodeCompressed: compression must be/,
    ],
    [
      'paddedBatch of sparse',
      () =>
        Dataset.fromTensorSlices(['x'])
          .batch(1)
          .map((s) => tf.parseExample(s, { v: tf.varLenFeature('int64') }))
          .paddedBatch(2),
      TypeError,
      /paddedBatch: component 0 is sparse/,
    ],
    [
      'a partition that is not one',
      () => tf.raggedFeature('int64', { partitions: [{ rowIds: 'x' } as never] }),
      TypeError,
      /raggedFeature: partitions\[0\]: a partition is one of \{ rowSplits \| rowLengths/,
    ],
    [
      'a uniform row length of 0',
      () => tf.raggedFeature('int64', { partitions: [{ uniformRowLength: 0 }] }),
      RangeError,
      /uniformRowLength must be an integer >= 1/,
    ],
    [
      'a key read with two types',
      inMap((s) =>
        tf.parseSingleExample(s, {
          a: tf.raggedFeature('float32', { valueKey: 'k' }),
          b: tf.raggedFeature('int64', { valueKey: 'k' }),
        }),
      ),
      TypeError,
      /'k' is read as float32 \(row splits int32\) and as int64 \(row splits int32\)/,
    ],
    [
      'partitions in a SequenceExample',
      inMap((s) =>
        tf.parseSingleSequenceExample(s, { a: tf.raggedFeature('int64', { partitions: [{ rowLengths: 'l' }] }) }, {}),
      ),
      TypeError,
      /partitions are supported in parseExample\/parseSingleExample/,
    ],
    [
      'concatenate of a sparse and a ragged component',
      () =>
        Dataset.fromTensors(tensor(['x']))
          .map((s) => tf.parseExample(s, { v: tf.varLenFeature('int64') }).v)
          .concatenate(
            Dataset.fromTensors(tensor(['x'])).map(
              (s) => tf.parseExample(s, { v: tf.raggedFeature('int64') }).v,
            ) as never,
          ),
      TypeError,
      /concatenate: component 0 is sparse<int64> here but ragged<int64> ragged rank 1 in other/,
    ],
    [
      'encodeExample of an empty list',
      () => encodeExample({ a: [] }),
      TypeError,
      /encodeExample: feature 'a': an empty list has no type/,
    ],
    ['encodeExample of a huge int', () => encodeExample({ a: 2n ** 64n }), RangeError, /does not fit int64/],
    [
      'encodeExample of mixed lists',
      () => encodeExample({ a: [1, 'x'] as never }),
      TypeError,
      /only numbers, only bigints or only strings/,
    ],
  ])('%s', (_name, fn, type, message) => {
    const e = errorOf(fn);
    expect(e).toBeInstanceOf(type);
    expect(e.message).toMatch(message);
  });

  test('writeTFRecords of non-strings rejects', async () => {
    await expect(Dataset.range(3).writeTFRecords(p('x.tfrecord'))).rejects.toThrow(
      /writeTFRecords: elements must be string scalars/,
    );
    await expect(Dataset.fromTensorSlices(tensor(['a'])).writeTFRecords('')).rejects.toThrow(
      /path must be a non-empty string/,
    );
  });

  test('makeCsvDataset: a label that is not a column, files that do not match', async () => {
    await expect(Dataset.makeCsvDataset(p('infer.csv'), 2, { labelName: 'nope' })).rejects.toThrow(
      /makeCsvDataset: labelName 'nope' is not one of the columns: count, ratio, word, big, label/,
    );
    await expect(Dataset.makeCsvDataset(p('none*.csv'), 2)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(Dataset.makeCsvDataset(p('infer.csv'), 0)).rejects.toThrow(/makeCsvDataset: batchSize must be >= 1/);
  });
});
