// W7, the tfdata-node contender: request-time pipelines, as a Node service runs them. Prints one
// JSON line. usage: node bench/requests-child.mjs <requests> <concurrent requests> <in flight>
//   iterator: a new iterator per request on one Dataset (`ds.toArray()`);
//   pipeline: a new Dataset per request (new input data, same callback), then `toArray()`;
//   concurrent: `in flight` clients, each issuing new-iterator requests back to back.
import { Dataset, init, tensor } from 'tfdata-node';
import { loopFigures, loopHistogram } from './loop-delay.mjs';
import { W7, percentile, w7Input } from './requests-data.mjs';

const [requests, concurrentRequests, inFlight] = process.argv.slice(2).map(Number);
init();

const weights = tensor(Float32Array.from(W7.weights), 'float32', [W7.cols]);
const scale = (x) => x.mul(weights).add(1);
const pipeline = (data) =>
  Dataset.fromTensorSlices(tensor(data, 'float32', [W7.rows, W7.cols]))
    .map(scale)
    .batch(W7.rows);
const sum = (batches) =>
  batches.reduce(
    (s, b) =>
      s +
      b
        .toArray()
        .flat(2)
        .reduce((a, v) => a + v, 0),
    0,
  );

async function timed(count, fn) {
  for (let i = 0; i < W7.warmup; i++) await fn(i);
  const ms = [];
  let check = 0;
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    check += sum(await fn(i));
    ms.push(performance.now() - start);
  }
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), check };
}

const shared = pipeline(w7Input(0));
const iterator = await timed(requests, () => shared.toArray());
const fresh = await timed(requests, (i) => pipeline(w7Input(i)).toArray());

// Concurrent: `inFlight` clients over one Dataset, `concurrentRequests` requests in all.
const latencies = [];
let issued = 0;
const client = async () => {
  while (issued < concurrentRequests) {
    issued++;
    const start = performance.now();
    await shared.toArray();
    latencies.push(performance.now() - start);
  }
};
const loop = loopHistogram();
loop.enable();
const start = performance.now();
await Promise.all(Array.from({ length: inFlight }, client));
const seconds = (performance.now() - start) / 1000;
loop.disable();
console.log(
  JSON.stringify({
    iterator,
    pipeline: fresh,
    concurrent: {
      requestsPerSecond: concurrentRequests / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      eventLoopP99ms: loopFigures(loop).eventLoopP99ms,
    },
  }),
);
