// Why the event loop's 1 ms timer fired late: every tick more than a period late (an interval
// over 2 ms), told apart by what the event loop's thread did meanwhile. Linux only (per-thread
// scheduler statistics).
// usage: node --expose-gc bench/event-loop-gaps.mjs <workload> <n> [runs]
//          a tfdata-node contender's timed loop, as bench/child.mjs runs it
//        node bench/event-loop-gaps.mjs node-only <wakeups per second> <µs of work each> [runs]
//          no TensorFlow: a worker thread wakes the event loop at that rate (as delivered
//          chunks do) and each wakeup keeps it busy that long
//
//   asleep   the thread neither ran nor waited for most of it: the timer itself was late
//            (libuv keeps time in whole milliseconds; a wakeup just before a tick can move
//            the tick by up to a millisecond)
//   core     it waited ≥ 0.8 ms for a core (the scheduler ran other threads)
//   gc       a garbage collection overlapped it
//   running  it ran ≥ 0.8 ms (JavaScript or native work on the event loop)
import { readFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { TIMER_MS, delayMs } from './loop-delay.mjs';

const [workload, a, b, runsText] = process.argv.slice(2);
const nodeOnly = workload === 'node-only';
const runs = Number((nodeOnly ? runsText : b) ?? 1);
const LATE_MS = 1; // a tick this much later than its period is counted and explained
const BUSY_MS = 0.8; // most of the one late millisecond
const NODE_ONLY_SECONDS = 1;

// [run ns, runqueue wait ns] of the calling thread (the event loop's).
const schedstat = () => readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').slice(0, 2).map(Number);

const gcs = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push([e.startTime, e.startTime + e.duration]);
}).observe({ entryTypes: ['gc'] });

/** The timed part of a tfdata-node contender (the pipeline built before). */
async function tfdataLoop() {
  const { init } = await import('tfdata-node');
  const { tfdataPrepare } = await import('./contenders.mjs');
  const { checksum } = await import('./data.mjs');
  init();
  const run = await tfdataPrepare(workload, Number(a));
  return async () => {
    for await (const data of run()) checksum(data);
  };
}

/** `perSecond` wakeups from a worker thread, each followed by `micros` of work here. */
function nodeOnlyLoop(perSecond, micros) {
  return () =>
    new Promise((resolve) => {
      const worker = new Worker(
        `const { parentPort, workerData: { gapMs, endMs } } = require('node:worker_threads');
         const sleep = new Int32Array(new SharedArrayBuffer(4));
         const end = performance.now() + endMs;
         while (performance.now() < end) {
           Atomics.wait(sleep, 0, 0, gapMs); // asleep: this thread takes no core from the event loop
           parentPort.postMessage('wake');
         }
         parentPort.postMessage('end');`,
        { eval: true, workerData: { gapMs: 1000 / perSecond, endMs: NODE_ONLY_SECONDS * 1000 } },
      );
      worker.on('message', (m) => {
        if (m === 'end') return void worker.terminate().then(resolve);
        const until = performance.now() + micros / 1000;
        while (performance.now() < until);
      });
    });
}

const loop = nodeOnly ? nodeOnlyLoop(Number(a), Number(b)) : await tfdataLoop();
for (let r = 0; r < runs; r++) {
  globalThis.gc?.();
  const ticks = [];
  const timer = setInterval(() => ticks.push([performance.now(), ...schedstat()]), TIMER_MS);
  const start = performance.now();
  await loop();
  const seconds = (performance.now() - start) / 1000;
  clearInterval(timer);
  const delays = ticks.slice(1).map(([t], i) => delayMs(t - ticks[i][0]));
  const causes = { asleep: 0, core: 0, gc: 0, running: 0 };
  for (let i = 1; i < ticks.length; i++) {
    if (delays[i - 1] <= LATE_MS) continue;
    const [t0, run0, wait0] = ticks[i - 1];
    const [t1, run1, wait1] = ticks[i];
    if (gcs.some(([g0, g1]) => g1 >= t0 && g0 <= t1)) causes.gc++;
    else if ((wait1 - wait0) / 1e6 >= BUSY_MS) causes.core++;
    else if ((run1 - run0) / 1e6 >= BUSY_MS) causes.running++;
    else causes.asleep++;
  }
  const p99 = delays.sort((x, y) => x - y)[Math.floor(delays.length * 0.99)] ?? 0;
  const late = Object.values(causes).reduce((x, y) => x + y, 0);
  console.log(JSON.stringify({ workload, seconds, ticks: delays.length, p99ms: +p99.toFixed(2), late, ...causes }));
}
