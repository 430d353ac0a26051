// Seed example 3: multiply int32 data by a float64 vector, broadcast over the last axis.
// Same dtype rule as example 2: rejected as written, fixed with an explicit cast.
import { Dataset, tensor, ops as tf } from 'tfdata-node';

const data = tensor(
  [
    [
      [1, 2],
      [3, 4],
    ],
    [
      [5, 6],
      [7, 8],
    ],
  ],
  'int32',
);
const scale = new Float64Array([0.5, 1.0]); // a TypedArray enters the graph once, as a function input

console.log('example 3: int32 data × float64 [0.5, 1.0]');
try {
  Dataset.fromTensorSlices(data).map((x) => tf.mul(x, scale));
} catch (error) {
  console.log(`  as written: ${error.name}: ${error.message}`);
}
const fixed = Dataset.fromTensorSlices(data)
  .map((x) => tf.cast(x, 'float64').mul(scale))
  .batch(1);
for await (const batch of fixed) console.log('  with cast:', batch.dtype, JSON.stringify(batch.toArray()));
// float64 [[[0.5,2],[1.5,4]]]
// float64 [[[2.5,6],[3.5,8]]]
