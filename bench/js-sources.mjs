// W5 and W6: data that starts in JavaScript. W5 reads a generator (scalars, and rows of 32
// float32) with Dataset.fromGenerator, Python's from_generator and tfjs-data's generator; W6
// runs a JavaScript function per element (mapJs, Python's py_function) beside a traced map.
// bench/python_bench.py builds the same pipelines; the data formulas are shared with it.
import { Dataset, ops as tf } from 'tfdata-node';
import { w1Data } from './data.mjs';

export const JS_WORKLOADS = ['w5_scalars', 'w5_rows', 'w6_mapjs', 'w6_map'];

function* scalars(n) {
  for (let i = 0; i < n; i++) yield i % 1000;
}

function* rows(x, n) {
  for (let i = 0; i < n; i++) yield x.subarray(i * 32, i * 32 + 32);
}

export function tfdataJsDataset(workload, n) {
  if (workload === 'w5_scalars')
    return Dataset.fromGenerator(() => scalars(n), { outputSignature: { dtype: 'int32', shape: [] } }).batch(1024);
  if (workload === 'w5_rows') {
    const { x } = w1Data(n);
    return Dataset.fromGenerator(() => rows(x, n), { outputSignature: { dtype: 'float32', shape: [32] } }).batch(1024);
  }
  if (workload === 'w6_mapjs')
    return Dataset.range(n)
      .mapJs((v) => Number(v.get()) * 2 + 1, { outputSignature: { dtype: 'float64', shape: [] } })
      .batch(1024);
  if (workload === 'w6_map')
    return Dataset.range(n)
      .map((v) => tf.cast(v.mul(2n).add(1n), 'float64'))
      .batch(1024);
  return undefined;
}

/** tfjs-data's generator over the same data, batched alike (W5 only: tfjs has no traced map). */
export async function tfjsJsDataset(workload, n, tfc, tfd) {
  if (workload === 'w5_scalars') return tfd.generator(() => scalars(n)).batch(1024);
  if (workload === 'w5_rows') {
    const { x } = w1Data(n);
    return tfd
      .generator(function* () {
        for (const r of rows(x, n)) yield tfc.tensor1d(r);
      })
      .batch(1024);
  }
  return undefined;
}
