// Reading what TensorFlow users keep on disk: a TFRecord file of tf.train.Examples (PNG image
// bytes, a label, a variable-length list of tags) and a CSV file with a header. The files are
// written first (encodeExample + writeTFRecords; a plain CSV), then read back the way a
// training job would: parse, decode, resize, batch, all inside TensorFlow.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dataset, encodeExample, tensor, ops as tf } from 'tfdata-node';

const dir = mkdtempSync(join(tmpdir(), 'tfdata-example-06-'));
try {
  // ---- write: 48 PNG images (made in TensorFlow) as Examples in a GZIP TFRecord file ----
  const pngs = await Dataset.range(48)
    .map((i) => {
      const shade = tf.cast(tf.mod(i.mul(37n), 256n), 'uint8');
      return tf.encodePng(tf.raw.Fill({ dims: [20, 24, 3], value: shade }));
    })
    .toArray();
  const records = pngs.map((png, i) =>
    encodeExample({
      image: png.data[0],
      label: i % 10,
      tags: { bytesList: ['t', 'u', 'v'].slice(0, i % 4) },
    }),
  );
  const file = join(dir, 'train.tfrecord.gz');
  await Dataset.fromTensorSlices(tensor(records, 'string')).writeTFRecords(file, { compression: 'GZIP' });

  // ---- read: parse → decode → resize → batch ----
  const features = {
    image: tf.fixedLenFeature([], 'string'),
    label: tf.fixedLenFeature([], 'int64'),
    tags: tf.varLenFeature('string'),
  };
  const images = Dataset.tfRecords(Dataset.listFiles(join(dir, '*.tfrecord.gz'), { seed: 1 }), { compression: 'GZIP' })
    .map(
      (serialized) => {
        const { image, label, tags } = tf.parseSingleExample(serialized, features);
        const pixels = tf.resizeBilinear(tf.decodeImage(image, { channels: 3, expandAnimations: false }), [16, 16]);
        return { pixels, label, tags };
      },
      { numParallelCalls: 'auto' },
    )
    .batch(16)
    .prefetch('auto');

  console.log('example 6: TFRecord of Examples and a CSV file');
  for await (const { pixels, label, tags } of images) {
    console.log(
      `  batch: pixels ${pixels.dtype}[${pixels.shape}], labels [${label.toArray()}],` +
        ` tags sparse [${tags.shape}] with ${tags.values.size} values`,
    );
  }

  // ---- CSV: header, quoted fields, missing values; make_csv_dataset's convenience ----
  const csv = join(dir, 'houses.csv');
  writeFileSync(
    csv,
    'rooms,area,city,price\r\n3,72.5,"Lyon, FR",310000\r\n2,,Paris,\r\n' +
      '4,101.0,"Nantes",402000\r\n1,28.2,Lille,99000\r\n',
  );
  const houses = await Dataset.makeCsvDataset(csv, 2, { labelName: 'price', shuffle: false, numEpochs: 1 });
  console.log(`  csv columns inferred: ${JSON.stringify(houses.elementSpec, (_k, v) => v)}`);
  for await (const [row, price] of houses) {
    const city = row.city.toArray();
    console.log(
      `  rooms [${row.rooms.toArray()}] area [${row.area.toArray().map((a) => a.toFixed(1))}]` +
        ` city ${JSON.stringify(city)} → [${price.toArray()}]`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
