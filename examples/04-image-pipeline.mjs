// A realistic pipeline: uint8 images → float in [0, 1] → random flip → resize → batches,
// all inside TensorFlow (parallel map, prefetch); JavaScript only receives finished batches.
import { Dataset, tensor, ops as tf } from 'tfdata-node';

const count = 512;
const pixels = new Uint8Array(count * 64 * 64 * 3);
for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 24;
const labels = Int32Array.from({ length: count }, (_, i) => i % 10);

const ds = Dataset.fromTensorSlices({ image: tensor(pixels, 'uint8', [count, 64, 64, 3]), label: labels })
  .enumerate()
  .map(
    ([index, { image, label }]) => {
      const scaled = tf.cast(image, 'float32').div(255);
      const seed = tf.stack([index, tf.cast(label, 'int64')]);
      const flipped = tf.statelessRandomFlipLeftRight(scaled, seed);
      return { image: tf.resizeBilinear(flipped, [32, 32]), label: tf.oneHot(label, 10) };
    },
    { numParallelCalls: 'auto' },
  )
  .shuffle(256, { seed: 7 })
  .batch(128, { dropRemainder: true })
  .prefetch('auto');

console.log('example 4: image pipeline');
console.log(
  ds
    .explain()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n'),
);
const started = process.hrtime.bigint();
let batches = 0;
for await (const { image, label } of ds) {
  batches++;
  if (batches === 1)
    console.log(`  first batch: image ${image.dtype}[${image.shape}] label ${label.dtype}[${label.shape}]`);
}
console.log(`  ${batches} batches in ${Number(process.hrtime.bigint() - started) / 1e6} ms`);
