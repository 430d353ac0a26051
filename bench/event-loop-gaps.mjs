// Why the event loop's 1 ms timer fired late: every interval over 2 ms in a tfdata-node
// contender's timed loop (as bench/child.mjs runs it), told apart by what the event loop's thread
// did meanwhile. Linux only (per-thread scheduler statistics).
// usage: node --expose-gc bench/event-loop-gaps.mjs <workload> <n> [runs]
//
//   asleep   the thread neither ran nor waited for most of it: the timer itself was late
//            (libuv keeps time in whole milliseconds; a wakeup just before a tick can move
//            the tick by up to a millisecond)
//   core     it waited ≥ 0.8 ms for a core (the scheduler ran other threads)
//   gc       a garbage collection overlapped it
//   running  it ran ≥ 0.8 ms (JavaScript or native work on the event loop)
import { readFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { init } from 'tfdata-node';
import { tfdataPrepare } from './contenders.mjs';
import { checksum } from './data.mjs';

const [workload, nText, runsText] = process.argv.slice(2);
const n = Number(nText);
const runs = Number(runsText ?? 1);
const LONG_MS = 2; // the event-loop target: p99 of the 1 ms timer's intervals ≤ 2 ms
const BUSY_MS = 0.8; // most of the one late millisecond

// [run ns, runqueue wait ns] of the calling thread (the event loop's).
const schedstat = () => readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').slice(0, 2).map(Number);

init();
const gcs = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push([e.startTime, e.startTime + e.duration]);
}).observe({ entryTypes: ['gc'] });

for (let r = 0; r < runs; r++) {
  const run = await tfdataPrepare(workload, n);
  globalThis.gc?.();
  const ticks = [];
  const timer = setInterval(() => ticks.push([performance.now(), ...schedstat()]), 1);
  const start = performance.now();
  for await (const data of run()) checksum(data);
  const seconds = (performance.now() - start) / 1000;
  clearInterval(timer);
  const causes = { asleep: 0, core: 0, gc: 0, running: 0 };
  for (let i = 1; i < ticks.length; i++) {
    const [t0, run0, wait0] = ticks[i - 1];
    const [t1, run1, wait1] = ticks[i];
    if (t1 - t0 <= LONG_MS) continue;
    if (gcs.some(([g0, g1]) => g1 >= t0 && g0 <= t1)) causes.gc++;
    else if ((wait1 - wait0) / 1e6 >= BUSY_MS) causes.core++;
    else if ((run1 - run0) / 1e6 >= BUSY_MS) causes.running++;
    else causes.asleep++;
  }
  const long = Object.values(causes).reduce((a, b) => a + b, 0);
  console.log(JSON.stringify({ workload, seconds, intervals: ticks.length - 1, over2ms: long, ...causes }));
}
