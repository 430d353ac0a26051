// Compile-time checks of sampling, saving and options (checked by test/types.test.ts with tsc).
// Each @ts-expect-error line must fail to compile; every other line must compile.
import { Dataset, DatasetOptions, Sym, Tensor, tensor } from '../../lib';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(): T => true as T;

const a = Dataset.range(5);
const b = Dataset.range(10, 15);
const records = a.map((x) => ({ id: x, score: x.cast('float32') }));

// Sampling and choosing keep the element type.
const sampled = Dataset.sampleFromDatasets([a, b], { weights: [0.3, 0.7], seed: 1, stopOnEmptyDataset: true });
assert<Equal<typeof sampled, Dataset<Sym<'int64'>>>>();
const byDataset = Dataset.sampleFromDatasets([a, b], {
  weights: Dataset.fromTensors(new Float32Array([0.5, 0.5])).repeat(),
});
assert<Equal<typeof byDataset, Dataset<Sym<'int64'>>>>();
const sampledRecords = Dataset.sampleFromDatasets([records, records]);
assert<Equal<typeof sampledRecords, typeof records>>();
assert<Equal<typeof records, Dataset<{ readonly id: Sym<'int64'>; readonly score: Sym<'float32'> }>>>();
const chosen = Dataset.chooseFromDatasets([a, b], Dataset.fromTensorSlices(tensor([0n, 1n])));
assert<Equal<typeof chosen, Dataset<Sym<'int64'>>>>();
// @ts-expect-error the datasets' elements differ
Dataset.sampleFromDatasets([a, records]);
// @ts-expect-error weights are numbers
Dataset.sampleFromDatasets([a, b], { weights: ['1', '2'] });
// @ts-expect-error a weights dataset holds float vectors
Dataset.sampleFromDatasets([a, b], { weights: Dataset.range(2) });
// @ts-expect-error the choices are int64 scalars
Dataset.chooseFromDatasets([a, b], Dataset.fromTensorSlices(new Int32Array([0, 1])));
// @ts-expect-error seed is a number
Dataset.sampleFromDatasets([a, b], { seed: '1' });

// unique, takeWhile, counter.
assert<Equal<ReturnType<typeof a.unique>, Dataset<Sym<'int64'>>>>();
const taken = records.takeWhile((e) => e.id.less(3n));
assert<Equal<typeof taken, typeof records>>();
// @ts-expect-error the predicate returns a bool Sym
records.takeWhile((e) => e.id);
assert<Equal<ReturnType<typeof Dataset.counter<'int64'>>, Dataset<Sym<'int64'>>>>();
const c32 = Dataset.counter(0, 2, 'int32');
assert<Equal<typeof c32, Dataset<Sym<'int32'>>>>();
// @ts-expect-error counter counts in int32 or int64
Dataset.counter(0, 1, 'float32');

// rejectionResample pairs each element with its class.
const resampled = records.rejectionResample((e) => e.id.mod(2n), [0.5, 0.5], { seed: 1 });
assert<
  Equal<typeof resampled, Dataset<[Sym<'int64'>, { readonly id: Sym<'int64'>; readonly score: Sym<'float32'> }]>>
>();
// @ts-expect-error classes are int32 or int64
records.rejectionResample((e) => e.score, [0.5, 0.5]);
void resampled;

// save resolves to nothing; its shard function gets the element.
const saved: Promise<void> = records.save('/tmp/x', { compression: 'GZIP', shardFunc: (e) => e.id.mod(2n) });
void saved;
// @ts-expect-error the shard function returns an int64 Sym
void records.save('/tmp/x', { shardFunc: (e) => e.score });
// @ts-expect-error compression is 'GZIP', 'SNAPPY', 'NONE' or ''
void records.save('/tmp/x', { compression: 'ZLIB' });
// load: typed by elementSpec when given.
const loaded = Dataset.load('/tmp/x', { elementSpec: { id: { dtype: 'int64', shape: [] } } });
assert<Equal<typeof loaded, Dataset<{ id: Sym<'int64'> }>>>();
const snap = records.snapshot('/tmp/s', { compression: 'AUTO' });
assert<Equal<typeof snap, typeof records>>();

// options(): the typed options read back.
const opts: DatasetOptions = a
  .withOptions({
    deterministic: false,
    autotune: { cpuBudget: 2, autotuneAlgorithm: 'HILL_CLIMB' },
    optimization: { mapFusion: true },
    distribute: { autoShardPolicy: 'DATA' },
    externalStatePolicy: 'IGNORE',
  })
  .options();
void opts;
// @ts-expect-error an unknown algorithm
a.withOptions({ autotune: { autotuneAlgorithm: 'FAST' } });
// @ts-expect-error optimization switches are booleans
a.withOptions({ optimization: { mapFusion: 1 } });
// @ts-expect-error externalStatePolicy is 'WARN', 'IGNORE' or 'FAIL'
a.withOptions({ externalStatePolicy: 'warn' });

// Iteration yields host tensors of the element type.
void (async () => {
  for await (const e of sampledRecords) {
    assert<Equal<typeof e, { id: Tensor<'int64'>; score: Tensor<'float32'> }>>();
    void e;
  }
})();

void [sampled, byDataset, chosen, taken, c32, loaded, snap];
