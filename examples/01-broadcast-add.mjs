// Seed example 1: add a 2×2 constant to each slice of [[1, 2], [3, 4]].
// Each slice ([1, 2], then [3, 4]) broadcasts against the constant, so there are two 2×2
// elements. The JS literal is int32 (TensorFlow's rule for Python ints), matching the data.
import { Dataset, tensor } from 'tfdata-node';

const data = tensor(
  [
    [1, 2],
    [3, 4],
  ],
  'int32',
);
const ds = Dataset.fromTensorSlices(data).map((x) =>
  x.add([
    [5, 6],
    [7, 8],
  ]),
);

console.log('example 1: x + [[5, 6], [7, 8]] per slice');
for await (const element of ds) console.log(' ', element.dtype, JSON.stringify(element.toArray()));
// int32 [[6,8],[8,10]]
// int32 [[8,10],[10,12]]
