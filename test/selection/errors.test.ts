// Bad arguments of sampling, unique/takeWhile/counter, save/load/snapshot and withOptions: a
// TypeError or RangeError naming the method and the argument, before anything runs; run-time
// failures are TFErrors with TensorFlow's code.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Dataset, TFError, tensor } from '../../lib';

const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'tfdata-selection-errors-'));
afterAll(() => fs.rmSync(DIR, { recursive: true, force: true }));

const a = Dataset.range(3);
const b = Dataset.range(5, 8);
const ints = Dataset.fromTensorSlices(new Int32Array([1, 2]));
const floats = Dataset.fromTensorSlices(new Float32Array([1, 2]));
const loose = (f: (...args: never[]) => unknown) => f as unknown as (...args: unknown[]) => unknown;
const sample = loose(Dataset.sampleFromDatasets.bind(Dataset));
const choose = loose(Dataset.chooseFromDatasets.bind(Dataset));
const counter = loose(Dataset.counter.bind(Dataset));

test.each<[string, () => unknown, ErrorConstructor, RegExp]>([
  ['no datasets', () => sample([]), RangeError, /sampleFromDatasets: datasets must not be empty/],
  ['not an array', () => sample(a), TypeError, /sampleFromDatasets: datasets must be an array/],
  ['not a dataset', () => sample([a, 3]), TypeError, /sampleFromDatasets: datasets\[1\] is not a Dataset/],
  ['dtypes differ', () => sample([a, ints]), TypeError, /sampleFromDatasets: datasets\[1\].*int32\[\].*int64\[\]/],
  [
    'structures differ',
    () => sample([a, a.map((x) => [x, x] as const)]),
    TypeError,
    /sampleFromDatasets: datasets\[1\] has another element structure/,
  ],
  [
    'weights length',
    () => sample([a, b], { weights: [1] }),
    RangeError,
    /sampleFromDatasets: weights must have one entry per dataset \(2\)/,
  ],
  [
    'negative weight',
    () => sample([a, b], { weights: [1, -1] }),
    RangeError,
    /sampleFromDatasets: weights\[1\] must be a finite number >= 0/,
  ],
  ['NaN weight', () => sample([a, b], { weights: [1, NaN] }), RangeError, /sampleFromDatasets: weights\[1\]/],
  ['weights type', () => sample([a, b], { weights: 'x' }), TypeError, /sampleFromDatasets: weights must be/],
  [
    'weights dataset dtype',
    () => sample([a, b], { weights: a }),
    TypeError,
    /sampleFromDatasets: weights must be a dataset of float32 or float64 vectors of length 2/,
  ],
  ['seed', () => sample([a, b], { seed: -1 }), RangeError, /sampleFromDatasets: seed must be >= 0/],
  ['seed type', () => sample([a, b], { seed: 1.5 }), TypeError, /sampleFromDatasets: seed must be an integer/],
  [
    'stopOnEmptyDataset',
    () => sample([a, b], { stopOnEmptyDataset: 1 }),
    TypeError,
    /sampleFromDatasets: stopOnEmptyDataset must be a boolean/,
  ],
  [
    'rerandomizeEachIteration',
    () => sample([a, b], { rerandomizeEachIteration: 'yes' }),
    TypeError,
    /sampleFromDatasets: rerandomizeEachIteration must be a boolean/,
  ],
  [
    'choice not a dataset',
    () => choose([a, b], [0, 1]),
    TypeError,
    /chooseFromDatasets: choiceDataset must be a Dataset/,
  ],
  [
    'choice int32',
    () => choose([a, b], ints),
    TypeError,
    /chooseFromDatasets: choiceDataset's elements must be int64 scalars, got int32\[\]/,
  ],
  ['choose structures', () => choose([a, floats], a), TypeError, /chooseFromDatasets: datasets\[1\]/],
  [
    'unique float',
    () => floats.unique(),
    TypeError,
    /unique: elements must be int32, int64 or string scalars, got float32\[\]/,
  ],
  ['unique tuple', () => Dataset.zip([a, a] as const).unique(), TypeError, /unique: elements must be/],
  ['unique vector', () => a.batch(2).unique(), TypeError, /unique: .*int64\[\?\]/],
  [
    'takeWhile fn',
    () => (a.takeWhile as (p: unknown) => unknown)(3),
    TypeError,
    /takeWhile: predicate must be a function/,
  ],
  [
    'takeWhile result',
    () => a.takeWhile((x) => x as never),
    TypeError,
    /takeWhile: predicate must return a bool scalar, got int64\[\]/,
  ],
  ['counter dtype', () => counter(0, 1, 'float32'), TypeError, /counter: dtype must be 'int32' or 'int64'/],
  ['counter start', () => counter(1.5), TypeError, /counter: start must be an integer/],
  [
    'counter int32 range',
    () => counter(2 ** 31, 1, 'int32'),
    RangeError,
    /counter: start 2147483648 does not fit int32/,
  ],
  [
    'resample classFn',
    () => (a.rejectionResample as (...x: unknown[]) => unknown)(3, [1]),
    TypeError,
    /rejectionResample: classFn must be a function/,
  ],
  [
    'resample class dtype',
    () => a.rejectionResample((x) => x.cast('float32') as never, [1]),
    TypeError,
    /rejectionResample: classFn must return an int32 or int64 scalar Sym/,
  ],
  [
    'resample target',
    () => a.rejectionResample((x) => x, [] as number[]),
    RangeError,
    /rejectionResample: targetDist must have at least one entry/,
  ],
  [
    'resample target type',
    () => a.rejectionResample((x) => x, 'x' as never),
    TypeError,
    /rejectionResample: targetDist must be an array of numbers/,
  ],
  [
    'resample negative',
    () => a.rejectionResample((x) => x, [0.5, -0.5]),
    RangeError,
    /rejectionResample: targetDist\[1\] must be a finite number >= 0/,
  ],
  [
    'resample initialDist length',
    () => a.rejectionResample((x) => x, [0.5, 0.5], { initialDist: [1] }),
    RangeError,
    /rejectionResample: initialDist must have 2 entries, got 1/,
  ],
  [
    'resample seed',
    () => a.rejectionResample((x) => x, [0.5, 0.5], { seed: -3 }),
    RangeError,
    /rejectionResample: seed must be >= 0/,
  ],
  ['load path', () => Dataset.load(''), TypeError, /load: path must be a non-empty string/],
  [
    'load compression',
    () => Dataset.load(DIR, { compression: 'ZLIB' as never }),
    TypeError,
    /load: compression must be one of/,
  ],
  [
    'load elementSpec',
    () => Dataset.load(DIR, { elementSpec: { dtype: 'float8' as never, shape: [] } }),
    TypeError,
    /load: elementSpec: component 0 has dtype 'float8'/,
  ],
  ['snapshot path', () => a.snapshot(''), TypeError, /snapshot: path must be a non-empty string/],
  [
    'snapshot compression',
    () => a.snapshot(DIR, { compression: 'ZLIB' as never }),
    TypeError,
    /snapshot: compression must be one of/,
  ],
  [
    'snapshot shardFunc',
    () => floats.snapshot(DIR, { shardFunc: (x) => x as never }),
    TypeError,
    /snapshot: shardFunc must return an int64 or int32 scalar, got float32\[\]/,
  ],
])('%s', (_name, build, type, message) => {
  let error: unknown;
  try {
    build();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(type);
  expect((error as Error).message).toMatch(message);
});

test.each<[string, () => Promise<void>, ErrorConstructor, RegExp]>([
  ['path', () => a.save(''), TypeError, /save: path must be a non-empty string/],
  ['compression', () => a.save(DIR, { compression: 'ZLIB' as never }), TypeError, /save: compression must be one of/],
  ['shardFunc type', () => a.save(DIR, { shardFunc: 3 as never }), TypeError, /save: shardFunc must be a function/],
  [
    'shardFunc result',
    () => a.save(DIR, { shardFunc: (x) => x.cast('int32') as never }),
    TypeError,
    /save: shardFunc must return an int64 scalar, got int32\[\]/,
  ],
])('save: %s rejects', async (_name, run, type, message) => {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  expect((error as Error).message).toMatch(message);
});

test('a choice out of range fails the element with INVALID_ARGUMENT, as in Python', async () => {
  const ds = Dataset.chooseFromDatasets([a, b], Dataset.fromTensorSlices(tensor([0n, 5n])));
  const error = await ds.toArray().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TFError);
  expect((error as TFError).code).toBe('INVALID_ARGUMENT');
  expect((error as TFError).message).toMatch(/Selector index out of range: 5 >= 2/);
});

test('sampling without a seed draws a new order, every element once', async () => {
  const ds = Dataset.sampleFromDatasets([Dataset.range(0, 50), Dataset.range(100, 150)]);
  const values = (await ds.toArray()).map((t) => Number(t.get()));
  expect([...values].sort((x, y) => x - y)).toEqual([
    ...Array.from({ length: 50 }, (_, i) => i),
    ...Array.from({ length: 50 }, (_, i) => 100 + i),
  ]);
  // Each dataset's own order is kept.
  expect(values.filter((v) => v < 100)).toEqual(Array.from({ length: 50 }, (_, i) => i));
});

test.each<[string, unknown, ErrorConstructor, RegExp]>([
  ['unknown option', { bogus: 1 }, TypeError, /withOptions: options: unknown option 'bogus'/],
  ['deterministic', { deterministic: 1 }, TypeError, /withOptions: options.deterministic must be a boolean/],
  ['autotune group', { autotune: 3 }, TypeError, /withOptions: options.autotune must be an object/],
  ['autotune key', { autotune: { fast: true } }, TypeError, /options.autotune: unknown option 'fast'/],
  ['cpuBudget', { autotune: { cpuBudget: -1 } }, RangeError, /options.autotune.cpuBudget must be in \[0, 2147483647\]/],
  ['ramBudget', { autotune: { ramBudget: 1.5 } }, TypeError, /options.autotune.ramBudget must be an integer/],
  [
    'autotuneAlgorithm',
    { autotune: { autotuneAlgorithm: 'FAST' } },
    TypeError,
    /options.autotune.autotuneAlgorithm must be one of 'DEFAULT'/,
  ],
  ['initialParallelism', { autotune: { initialParallelism: -2 } }, RangeError, /options.autotune.initialParallelism/],
  ['threads', { parallelism: { maxIntraOpParallelism: -1 } }, RangeError, /options.parallelism.maxIntraOpParallelism/],
  [
    'optimization key',
    { optimization: { fuseAll: true } },
    TypeError,
    /options.optimization: unknown option 'fuseAll'/,
  ],
  [
    'optimization value',
    { optimization: { mapFusion: 'yes' } },
    TypeError,
    /options.optimization.mapFusion must be a boolean/,
  ],
  [
    'autoShardPolicy',
    { distribute: { autoShardPolicy: 'auto' } },
    TypeError,
    /options.distribute.autoShardPolicy must be one of 'AUTO'/,
  ],
  ['numDevices', { distribute: { numDevices: -1 } }, RangeError, /options.distribute.numDevices/],
  [
    'externalStatePolicy',
    { externalStatePolicy: 'warn' },
    TypeError,
    /options.externalStatePolicy must be one of 'WARN'/,
  ],
  ['slack', { slack: 'on' }, TypeError, /options.slack must be a boolean/],
  ['warmStart', { warmStart: 0 }, TypeError, /options.warmStart must be a boolean/],
  ['service', { service: { pinned: 1 } }, TypeError, /options.service.pinned must be a boolean/],
  ['datasetName', { datasetName: 3 }, TypeError, /options.datasetName must be a string/],
  ['frameworkType', { frameworkType: 'jax' }, TypeError, /options.frameworkType must be an array of strings/],
])('withOptions: %s', (_name, options, type, message) => {
  expect(() => a.withOptions(options as never)).toThrow(type);
  expect(() => a.withOptions(options as never)).toThrow(message);
});

test('options() of a pipeline without withOptions is empty; a boolean autotune reads back as { enabled }', () => {
  expect(a.map((x) => x).options()).toEqual({});
  const opts = { autotune: false, frameworkType: ['tfdata-node'] };
  const ds = a.withOptions(opts);
  opts.frameworkType.push('changed later');
  expect(ds.options()).toEqual({ autotune: { enabled: false }, frameworkType: ['tfdata-node'] });
});
