// Seed example 2: multiply int32 data by a float64 constant.
// TensorFlow does not promote dtypes: as written, the map is rejected when it is traced,
// exactly as Python's tf.data raises "Input 'y' of 'Mul' Op has type float64 that does not
// match type int32". Casting the data to float64 first fixes it.
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
const half = tensor(0.5, 'float64');

console.log('example 2: int32 data × float64 0.5');
try {
  Dataset.fromTensorSlices(data).map((x) => tf.mul(x, half));
} catch (error) {
  console.log(`  as written: ${error.name}: ${error.message}`);
}
const fixed = Dataset.fromTensorSlices(data)
  .map((x) => tf.mul(tf.cast(x, 'float64'), half))
  .batch(1);
for await (const batch of fixed) console.log('  with cast:', batch.dtype, JSON.stringify(batch.toArray()));
// float64 [[[0.5,1],[1.5,2]]]
// float64 [[[2.5,3],[3.5,4]]]
