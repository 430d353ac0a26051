// W8 and W9: real data formats. W8 reads a TFRecord of tf.train.Examples (JPEG bytes, a label,
// floats) → parse → decode JPEG → resize 32×32 (parallel map) → batch(128); W9 reads a CSV with
// a header (8 columns, a quoted string among them) → batch(1024) → stack the numeric columns.
// bench/formats_data.py writes both files with Python's writers; bench/python_bench.py builds
// the same pipelines on the same files.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dataset, ops as tf } from 'tfdata-node';

export const FORMAT_WORKLOADS = ['w8_tfrecord', 'w9_csv'];
const build = path.join(path.dirname(fileURLToPath(import.meta.url)), 'build');

export const w8File = (n) => path.join(build, `w8-${n}.tfrecord`);
export const w9File = (n) => path.join(build, `w9-${n}.csv`);

const W8_FEATURES = {
  image: tf.fixedLenFeature([], 'string'),
  label: tf.fixedLenFeature([], 'int64'),
  extra: tf.fixedLenFeature([3], 'float32'),
};

export function tfdataFormatsDataset(workload, n) {
  if (workload === 'w8_tfrecord')
    return Dataset.tfRecords(w8File(n))
      .map(
        (s) => {
          const { image } = tf.parseSingleExample(s, W8_FEATURES);
          return tf.resizeBilinear(tf.decodeJpeg(image, { channels: 3 }), [32, 32]);
        },
        { numParallelCalls: 'auto' },
      )
      .batch(128)
      .prefetch('auto');
  if (workload === 'w9_csv')
    return Dataset.csv(w9File(n), {
      recordDefaults: ['float32', 'float32', 'float32', 'float32', 'float32', 'float32', 0, ''],
      header: true,
    })
      .batch(1024)
      .map(([a, b, c, d, e, f, count]) => tf.stack([a, b, c, d, e, f, tf.cast(count, 'float32')], 1))
      .prefetch('auto');
  return undefined;
}
