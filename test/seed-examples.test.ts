// The seed's three examples, as TensorFlow really runs them (checked in Python 2.21.0), and the
// example scripts that `npm start` runs.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Dataset, tensor, ops as tf } from '../lib';
import { errorOf, values } from './helpers';

const data3 = () =>
  tensor(
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

test('example 1: each slice broadcasts against the 2×2 constant (int32 literal)', async () => {
  const ds = Dataset.fromTensorSlices(
    tensor(
      [
        [1, 2],
        [3, 4],
      ],
      'int32',
    ),
  ).map((x) =>
    x.add([
      [5, 6],
      [7, 8],
    ]),
  );
  expect(ds.elementSpec).toEqual({ dtype: 'int32', shape: [2, 2] });
  expect(await values(ds)).toEqual([
    [
      [6, 8],
      [8, 10],
    ],
    [
      [8, 10],
      [10, 12],
    ],
  ]);
});

test('example 2: int32 × float64 is rejected at map() time; the cast fixes it', async () => {
  const half = tensor(0.5, 'float64');
  const e = errorOf(() => Dataset.fromTensorSlices(data3()).map((x) => tf.mul(x, half)));
  expect(e).toBeInstanceOf(TypeError);
  expect(e.message).toMatch(/^Mul: 'x' is int32 but 'y' is float64\. .*tf\.cast\(x, 'float64'\)/);
  const fixed = Dataset.fromTensorSlices(data3())
    .map((x) => tf.mul(tf.cast(x, 'float64'), half))
    .batch(1);
  expect(await values(fixed)).toEqual([
    [
      [
        [0.5, 1],
        [1.5, 2],
      ],
    ],
    [
      [
        [2.5, 3],
        [3.5, 4],
      ],
    ],
  ]);
});

test('example 3: int32 × float64 vector, rejected then fixed by the cast', async () => {
  const scale = new Float64Array([0.5, 1.0]);
  expect(() => Dataset.fromTensorSlices(data3()).map((x) => tf.mul(x, scale))).toThrow(
    /'x' is int32 but 'y' is float64/,
  );
  const fixed = Dataset.fromTensorSlices(data3())
    .map((x) => tf.cast(x, 'float64').mul(scale))
    .batch(1);
  expect(await values(fixed)).toEqual([
    [
      [
        [0.5, 2],
        [1.5, 4],
      ],
    ],
    [
      [
        [2.5, 6],
        [3.5, 8],
      ],
    ],
  ]);
});

test('npm start runs every example and prints the real results', () => {
  const root = path.resolve(__dirname, '..');
  const r = spawnSync(process.execPath, [path.join(root, 'examples', 'run-all.mjs')], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  });
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('int32 [[6,8],[8,10]]');
  expect(r.stdout).toContain('int32 [[8,10],[10,12]]');
  expect(r.stdout).toContain('with cast: float64 [[[0.5,1],[1.5,2]]]');
  expect(r.stdout).toContain('with cast: float64 [[[2.5,6],[3.5,8]]]');
  expect(r.stdout).toMatch(/as written: TypeError: Mul: 'x' is int32 but 'y' is float64/);
  expect(r.stdout).toMatch(/first batch: image float32\[128,32,32,3\] label float32\[128,10\]/);
  expect(r.stdout).toContain('learned weights 1.50, -1.00 and bias 1.50');
}, 120_000);
