// Data formats, differential: Python writes the files (TFRecords of Examples and
// SequenceExamples, GZIP, CSV, images, fixed-length records) with its own writers, and the same
// pipelines run here and in Python tf.data 2.21; elements are compared one by one (dtypes,
// shapes, values, order), sparse and ragged components part by part.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Dataset, ops as tf } from '../../lib';
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
const VAR = { tags: tf.varLenFeature('string'), vals: tf.varLenFeature('float32'), id: tf.fixedLenFeature([], 'int64') };
const RAGGED = {
  ints: tf.raggedFeature('int64'),
  v: tf.raggedFeature('float32', { valueKey: 'vals', rowSplitsDtype: 'int64' }),
};
const SEQ = { seq: tf.fixedLenSequenceFeature([2], 'float32', { allowMissing: true, defaultValue: 9 }) };

const records = (name = 'examples.tfrecord') => Dataset.tfRecords(p(name));

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
};

let reference: Reference;
beforeAll(() => {
  reference = runFormatsReference(DIR, Object.keys(CASES), true);
}, 120_000);

describe.each(Object.keys(CASES))('%s', (name) => {
  test('same elements as Python', async () => {
    const elements = await CASES[name]().toArray();
    expectSame(
      name,
      elements.map((e) => flattenHost(e).map(encodeTensor)),
      reference[name],
    );
  });
});
