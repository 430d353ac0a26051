// W7 and W8: real data formats. W7 reads a TFRecord of tf.train.Examples (JPEG bytes, a label,
// floats) → parse → decode JPEG → resize 32×32 (parallel map) → batch(128); W8 reads a CSV with
// a header (8 columns, a quoted string among them) → batch(1024) → stack the numeric columns.
// bench/formats_data.py writes both files with Python's writers; bench/python_bench.py builds
// the same pipelines on the same files.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dataset, ops as tf } from 'tfdata-node';

export const FORMAT_WORKLOADS = ['w7_tfrecord', 'w8_csv'];
const build = path.join(path.dirname(fileURLToPath(import.meta.url)), 'build');

export const w7File = (n) => path.join(build, `w7-${n}.tfrecord`);
export const w8File = (n) => path.join(build, `w8-${n}.csv`);

const W7_FEATURES = {
  image: tf.fixedLenFeature([], 'string'),
  label: tf.fixedLenFeature([], 'int64'),
  extra: tf.fixedLenFeature([3], 'float32'),
};

export function tfdataFormatsDataset(workload, n) {
  if (workload === 'w7_tfrecord')
    return Dataset.tfRecords(w7File(n))
      .map(
        (s) => {
          const { image } = tf.parseSingleExample(s, W7_FEATURES);
          return tf.resizeBilinear(tf.decodeJpeg(image, { channels: 3 }), [32, 32]);
        },
        { numParallelCalls: 'auto' },
      )
      .batch(128)
      .prefetch('auto');
  if (workload === 'w8_csv')
    return Dataset.csv(w8File(n), {
      recordDefaults: ['float32', 'float32', 'float32', 'float32', 'float32', 'float32', 0, ''],
      header: true,
    })
      .batch(1024)
      .map(([a, b, c, d, e, f, count]) => tf.stack([a, b, c, d, e, f, tf.cast(count, 'float32')], 1))
      .prefetch('auto');
  return undefined;
}
