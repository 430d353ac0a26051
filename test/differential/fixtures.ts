// Input tensors the differential suites share (their reference.py files build the same ones).
import { tensor } from '../../lib';

/** float32 [6, 4]: -2, -1.75, … 3.75. */
export const M = tensor(
  Float32Array.from({ length: 24 }, (_, i) => i / 4 - 2),
  'float32',
  [6, 4],
);

/** int32 [6, 2]: -5 … 6. */
export const I = tensor(
  Int32Array.from({ length: 12 }, (_, i) => i - 5),
  'int32',
  [6, 2],
);
