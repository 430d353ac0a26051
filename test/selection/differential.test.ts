// Selection, saving and options, differential: the same pipelines here and in Python tf.data
// 2.21 (reference.py), compared element by element (seeded sampling in Python's order); saved
// datasets cross both ways without an element spec; ds.options() is compared with Python's
// ds.options() field by field (as dataset_options.proto field numbers).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Dataset, RaggedTensor, SparseTensor, Sym, TFError, tensor, ops as tf } from '../../lib';
import { serializeOptions } from '../../lib/dataset/options';
import { decodeProto } from '../../lib/proto';
import { EncodedTensor, encodeTensor, expectSameElements, venvPython } from '../differential/python';
import { flattenHost } from '../formats/python';

type Result = EncodedTensor[][] | Record<string, string | string[]> | { error: string; class: string };

const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'tfdata-selection-'));
const p = (name: string) => path.join(DIR, name);
afterAll(() => fs.rmSync(DIR, { recursive: true, force: true }));

function runReference(names: string[]): Record<string, Result> {
  const python = venvPython();
  if (!python) throw new Error('the Python venv is missing: run `node scripts/setup-python.js` (npm test does it)');
  const r = spawnSync(python, [path.join(__dirname, 'reference.py')], {
    input: JSON.stringify({ dir: DIR, names }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
  });
  if (r.status !== 0) throw new Error(`reference.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, Result>;
}

const r = (a: number, b: number) => Dataset.range(a, b);
const encoded = async (ds: Dataset<unknown>) => (await ds.toArray()).map((e) => flattenHost(e).map(encodeTensor));

function expectPython(name: string, mine: EncodedTensor[][], theirs: Result): void {
  if (!Array.isArray(theirs)) throw new Error(`${name}: Python failed: ${JSON.stringify(theirs)}`);
  expectSameElements(name, mine, theirs);
}

const CASES: Record<string, () => Dataset<unknown>> = {
  sample_uniform: () => Dataset.sampleFromDatasets([r(0, 5), r(100, 105), r(200, 205)], { seed: 7 }),
  sample_weights: () =>
    Dataset.sampleFromDatasets([r(0, 20), r(100, 120), r(200, 220)], { weights: [0.2, 0.5, 0.3], seed: 42 }),
  sample_weights_zero: () =>
    Dataset.sampleFromDatasets([r(0, 5), r(100, 105), r(200, 205)], { weights: [0, 1, 2], seed: 3 }),
  sample_all_zero: () => Dataset.sampleFromDatasets([r(0, 5), r(100, 105)], { weights: [0, 0], seed: 3 }),
  sample_one: () => Dataset.sampleFromDatasets([r(0, 5)], { seed: 3 }),
  sample_stop_on_empty: () =>
    Dataset.sampleFromDatasets([r(0, 3), r(100, 110)], { weights: [0.5, 0.5], seed: 11, stopOnEmptyDataset: true }),
  sample_float64: () =>
    Dataset.sampleFromDatasets([r(0, 10), r(100, 110)], { weights: new Float64Array([0.3, 0.7]), seed: 5 }),
  sample_weights_dataset: () =>
    Dataset.sampleFromDatasets([r(0, 10), r(100, 110)], {
      weights: Dataset.fromTensorSlices(
        tensor(
          Array.from({ length: 10 }, () => [
            [0.9, 0.1],
            [0.1, 0.9],
          ]).flat(),
          'float32',
        ),
      ),
      seed: 5,
    }),
  sample_repeat: () => Dataset.sampleFromDatasets([r(0, 4), r(100, 104)], { seed: 9 }).repeat(3),
  sample_rerandomize: () =>
    Dataset.sampleFromDatasets([r(0, 4), r(100, 104)], { seed: 9, rerandomizeEachIteration: true }).repeat(3),
  sample_structures: () =>
    Dataset.sampleFromDatasets(
      [
        r(0, 6).map((x) => ({ a: x, b: tf.raw.Fill({ dims: [2], value: x.cast('float32') }) })),
        r(10, 16).map((x) => ({ a: x, b: tf.raw.Fill({ dims: x.sub(7n).reshape([1]), value: x.cast('float32') }) })),
      ],
      { seed: 1 },
    ),
  choose: () =>
    Dataset.chooseFromDatasets(
      [r(0, 5), r(100, 105), r(200, 205)],
      Dataset.fromTensorSlices(tensor([0n, 1n, 2n, 2n, 0n, 1n, 1n])),
    ),
  choose_stop: () =>
    Dataset.chooseFromDatasets([r(0, 2), r(100, 105)], Dataset.fromTensorSlices(tensor([0n, 1n, 0n, 0n, 1n, 1n]))),
  choose_no_stop: () =>
    Dataset.chooseFromDatasets([r(0, 2), r(100, 105)], Dataset.fromTensorSlices(tensor([0n, 1n, 0n, 0n, 1n, 1n])), {
      stopOnEmptyDataset: false,
    }),
  unique_int32: () => Dataset.fromTensorSlices(new Int32Array([3, 1, 3, 2, 1, 5, 2])).unique(),
  unique_int64: () =>
    r(0, 30)
      .map((x) => x.mod(7n))
      .unique(),
  unique_strings: () => Dataset.fromTensorSlices(['b', 'a', 'b', '', 'c', 'a', '']).unique(),
  take_while: () => r(0, 10).takeWhile((x) => x.less(5n)),
  take_while_tuple: () =>
    Dataset.zip([r(0, 10), r(0, 10).map((x) => tf.sub(12n, x.mul(2n)))] as const).takeWhile(([a, b]) => a.less(b)),
  counter: () => Dataset.counter(5, 3).take(5),
  counter_default: () => Dataset.counter().take(4),
  counter_int32: () => Dataset.counter(-2, -7, 'int32').take(4),
  counter_zero_step: () => Dataset.counter(9, 0).take(3),
  resample_given: () =>
    r(0, 60)
      .map((x) => x.mul(3n))
      .rejectionResample((x) => x.mod(4n).cast('int32'), [0.5, 0.3, 0.1, 0.1], {
        initialDist: [0.25, 0.25, 0.25, 0.25],
        seed: 7,
      }),
  resample_estimated: () => r(0, 100).rejectionResample((x) => x.mod(3n), [0.6, 0.2, 0.2], { seed: 3 }),
  resample_as_is: () =>
    r(0, 10).rejectionResample((x) => x.mod(2n).cast('int32'), [0.5, 0.5], { initialDist: [0.5, 0.5], seed: 1 }),
  resample_filter_only: () =>
    r(0, 40).rejectionResample((x) => x.mod(4n).cast('int32'), [0.5, 0.5, 0, 0], {
      initialDist: [0.25, 0.25, 0.25, 0.25],
      seed: 2,
    }),
  snapshot: () =>
    r(0, 8)
      .map((x) => x.mul(3n))
      .snapshot(p('ts_snap')),
};

let reference: Record<string, Result>;
beforeAll(() => {
  reference = runReference(Object.keys(CASES));
}, 120_000);

describe.each(Object.keys(CASES))('%s', (name) => {
  test('same elements as Python', async () => {
    expectPython(name, await encoded(CASES[name]()), reference[name]);
  });
});

describe('save and load cross with Python, without an element spec', () => {
  test('Python saves (GZIP, a record; a tuple of ragged-length rows), we load', async () => {
    const theirs = runReference(['save_python_gzip', 'save_python_tuple']);
    const gz = Dataset.load(p('py_gzip'), { compression: 'GZIP' });
    expect((gz as Dataset<unknown>).elementSpec).toEqual({
      id: { dtype: 'int64', shape: [] },
      s: { dtype: 'string', shape: [] },
      x: { dtype: 'float32', shape: [3] },
    });
    expectPython('save_python_gzip', await encoded(gz), theirs.save_python_gzip);
    const tuple = Dataset.load(p('py_tuple'));
    expect((tuple as Dataset<unknown>).elementSpec).toEqual([
      { dtype: 'int64', shape: [] },
      { dtype: 'int32', shape: [null] },
    ]);
    expectPython('save_python_tuple', await encoded(tuple), theirs.save_python_tuple);
  });

  test('we save (plain and GZIP with a shard function), Python and we load', async () => {
    const plain = r(0, 9).map((x) => [x, x.cast('float32').div(2), tf.raw.AsString({ input: x })] as const);
    await plain.save(p('ours'));
    const records = r(0, 10).map((x) => ({
      n: x,
      v: tf.raw.Pack({ values: [x.cast('int32'), x.cast('int32').neg()] }),
    }));
    await records.save(p('ours_gzip'), { compression: 'GZIP', shardFunc: (e) => e.n.mod(3n) });
    const theirs = runReference(['load_ours', 'load_ours_gzip']);
    const ours = await encoded(Dataset.load(p('ours')));
    expectPython('load_ours', ours, theirs.load_ours);
    expectPython('load_ours', ours, await encoded(plain));
    const gz = Dataset.load(p('ours_gzip'), { compression: 'GZIP' }) as Dataset<{ n: Sym<'int64'>; v: Sym<'int32'> }>;
    expect(gz.elementSpec).toEqual({ n: { dtype: 'int64', shape: [] }, v: { dtype: 'int32', shape: [2] } });
    expectPython('load_ours_gzip', await encoded(gz), theirs.load_ours_gzip);
    // Three shards: every element comes back once.
    const ns = (await gz.toArray()).map((e) => Number(e.n.get()));
    expect(ns.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('sparse and ragged components cross both ways (their TypeSpecs in the spec file)', async () => {
    // The rows reference.py's composites() makes: a [2, x] sparse of (i % 3) and a ragged [[0..x-2], [x-1]].
    function* rows() {
      for (let x = 1; x < 5; x++) {
        const cells: bigint[][] = [];
        const values: bigint[] = [];
        for (let i = 0; i < 2 * x; i++)
          if (i % 3 !== 0) {
            cells.push([BigInt(Math.floor(i / x)), BigInt(i % x)]);
            values.push(BigInt(i % 3));
          }
        yield {
          s: new SparseTensor(
            tensor(cells.flat(), 'int64', [cells.length, 2]),
            tensor(values, 'int64'),
            tensor([2n, BigInt(x)]),
          ),
          r: new RaggedTensor(
            tensor(
              Array.from({ length: x }, (_, i) => BigInt(i)),
              'int64',
            ),
            [tensor([0n, BigInt(x - 1), BigInt(x)])],
          ),
        };
      }
    }
    const signature = {
      s: { kind: 'sparse', dtype: 'int64', shape: [2, null] },
      r: { kind: 'ragged', dtype: 'int64', shape: [2, null] },
    } as const;
    await Dataset.fromGenerator(rows, { outputSignature: signature }).save(p('ours_composites'));
    const theirs = runReference(['save_python_composites', 'load_ours_composites']);
    const loaded = Dataset.load(p('ours_composites'));
    expect(loaded.elementSpec).toEqual({
      s: { kind: 'sparse', dtype: 'int64', shape: [2, null] },
      r: { kind: 'ragged', dtype: 'int64', shape: [2, null], raggedRank: 1, rowSplitsDtype: 'int64' },
    });
    expectPython('load_ours_composites', await encoded(loaded), theirs.load_ours_composites);
    expectPython(
      'save_python_composites',
      await encoded(Dataset.load(p('py_composites'))),
      theirs.save_python_composites,
    );
    expectPython(
      'save_python_composites',
      await encoded(Dataset.fromGenerator(rows, { outputSignature: signature })),
      theirs.save_python_composites,
    );
  });

  test('an elementSpec given is used as is; no spec file is NOT_FOUND', async () => {
    await r(0, 3).save(p('given'));
    const ds = Dataset.load(p('given'), { elementSpec: { dtype: 'int64', shape: [] } });
    expect((await ds.toArray()).map((t) => t.get())).toEqual([0n, 1n, 2n]);
    fs.mkdirSync(p('empty'));
    const e = (() => {
      try {
        Dataset.load(p('empty'));
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(TFError);
    expect((e as TFError).code).toBe('NOT_FOUND');
  });
});

test('snapshot: the second pass reads the snapshot, upstream random ops do not run again', async () => {
  const random = () =>
    r(0, 6).map((x) => x.cast('float32').add(tf.raw.RandomUniform({ shape: tensor([], 'int32'), dtype: 'float32' })));
  const values = async (ds: Dataset<Sym<'float32'>>) => (await ds.toArray()).map((t) => t.get());
  // Without a snapshot two passes differ.
  const plain = random();
  expect(await values(plain)).not.toEqual(await values(plain));
  const snap = random().snapshot(p('random_snap'), { compression: 'GZIP' });
  const first = await values(snap);
  expect(fs.readdirSync(p('random_snap')).length).toBeGreaterThan(0);
  // The writer finishes on its own threads after the pass: wait for the snapshot to be complete.
  for (let i = 0; i < 50 && !(await values(snap)).every((v, k) => v === first[k]); i++)
    await new Promise((res) => setTimeout(res, 100));
  expect(await values(snap)).toEqual(first);
  // A new pipeline over the same path (same graph) reads it too.
  expect(await values(random().snapshot(p('random_snap'), { compression: 'GZIP' }))).toEqual(first);
});

/** The set fields of serialized Options as reference.py lists them: "field.path" -> value. */
function setFields(bytes: Uint8Array, prefix = ''): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  // Fields that hold messages (Options: 2, 3, 5, 7, 12), by number.
  const messages = prefix === '' ? new Set([2, 3, 5, 7, 12]) : new Set<number>();
  for (const e of decodeProto(bytes)) {
    const key = `${prefix}${e.field}`;
    if (messages.has(e.field)) Object.assign(out, setFields(e.bytes, `${key}.`));
    else if (e.wire === 2 && prefix === '' && e.field === 11)
      out[key] = [...((out[key] as string[]) ?? []), Buffer.from(e.bytes).toString()];
    else if (e.wire === 2) out[key] = Buffer.from(e.bytes).toString();
    else out[key] = String(BigInt.asIntN(64, e.int));
  }
  return out;
}

describe('options() merges as Python ds.options()', () => {
  const opts1 = {
    deterministic: false,
    autotune: { cpuBudget: 3, autotuneAlgorithm: 'GRADIENT_DESCENT' },
    optimization: { mapFusion: true, applyDefaultOptimizations: false },
    parallelism: { privateThreadpoolSize: 2 },
    slack: true,
  } as const;
  const opts2 = {
    deterministic: true,
    autotune: { enabled: false, ramBudget: 2 ** 30, initialParallelism: 4, minParallelism: 2 },
    distribute: { autoShardPolicy: 'OFF', numDevices: 2 },
    externalStatePolicy: 'FAIL',
    optimization: {
      mapFusion: false,
      noopElimination: true,
      injectPrefetch: false,
      seqInterleavePrefetch: true,
      filterParallelization: true,
    },
    parallelism: { maxIntraOpParallelism: 1 },
    symbolicCheckpoint: true,
    warmStart: true,
    service: { pinned: true },
    datasetName: 'named',
  } as const;
  const opts3 = {
    optimization: {
      mapAndBatchFusion: false,
      mapAndFilterFusion: true,
      mapParallelization: true,
      parallelBatch: false,
      shuffleAndRepeatFusion: false,
      filterFusion: true,
    },
    distribute: { autoShardPolicy: 'DATA' },
    autotune: { autotuneAlgorithm: 'STAGE_BASED' },
    externalStatePolicy: 'IGNORE',
  } as const;
  const OPTION_CASES: Record<string, () => Dataset<unknown>> = {
    options_nested: () =>
      r(0, 3)
        .withOptions(opts1)
        .map((x) => x)
        .withOptions(opts2),
    options_zip: () => Dataset.zip([r(0, 3).withOptions(opts1), r(0, 3).withOptions(opts3)]),
    options_choose: () =>
      Dataset.chooseFromDatasets(
        [r(0, 3).withOptions(opts3), r(0, 3)],
        Dataset.fromTensorSlices(tensor([0n, 1n])).withOptions(opts1),
      ),
    options_none: () => r(0, 3).map((x) => x),
  };
  let theirs: Record<string, Result>;
  beforeAll(() => {
    theirs = runReference(Object.keys(OPTION_CASES));
  }, 120_000);
  test.each(Object.keys(OPTION_CASES))('%s', async (name) => {
    const ds = OPTION_CASES[name]();
    expect(setFields(serializeOptions(ds.options()))).toEqual(theirs[name]);
    // The pipeline runs with them.
    expect((await ds.toArray()).length).toBeGreaterThan(0);
  });
});

test('rejectionResample: a second pass draws the same elements, as in Python', async () => {
  const ds = CASES.resample_given();
  expect(await encoded(ds)).toEqual(await encoded(ds));
});

test('cardinalities as in Python: counter infinite, sampling unknown or infinite, takeWhile unknown', async () => {
  expect(await Dataset.counter(3).cardinality()).toBe(Dataset.INFINITE);
  expect(await Dataset.counter(3, 0, 'int32').cardinality()).toBe(Dataset.INFINITE);
  // Python: sample_from_datasets of finite datasets is UNKNOWN; of infinite ones, INFINITE.
  expect(await CASES.sample_weights().cardinality()).toBe(Dataset.UNKNOWN);
  expect(await Dataset.sampleFromDatasets([r(0, 3).repeat(), r(5, 6).repeat()], { seed: 1 }).cardinality()).toBe(
    Dataset.INFINITE,
  );
  expect(
    await r(0, 5)
      .takeWhile((x) => x.less(2n))
      .cardinality(),
  ).toBe(Dataset.UNKNOWN);
});
